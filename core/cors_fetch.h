/* The browser's side of CORS, as the Fetch standard defines it: which requests need a
 * preflight, what the preflight asks, and the checks a browser runs on the answers
 * (https://fetch.spec.whatwg.org/#http-cors-protocol). cors-lint probe runs them on a
 * live server; they sit next to the module's decision so that the two can be tested
 * against each other. No I/O here: the caller sends the requests. */
#ifndef CORS_FETCH_H
#define CORS_FETCH_H

#include <apr_pools.h>

typedef struct cors_fetch_header {
    const char *name;
    const char *value;
} cors_fetch_header;

/* A field value as browsers read it: without the HTTP white space (space, tab, CR, LF)
 * around it (Fetch's "normalize"), so "true " is "true". */
char *cors_fetch_normalize(apr_pool_t *pool, const char *v, apr_size_t len);

/* Is this request header CORS-safelisted (Fetch: Accept, Accept-Language,
 * Content-Language, Content-Type of a form or text/plain, a simple Range), value
 * included? */
int cors_fetch_header_safelisted(const char *name, const char *value);

/* The names a preflight's Access-Control-Request-Headers lists: those of the headers
 * that are not safelisted (all of them when the safelisted values exceed 1,024 bytes),
 * lower-cased, sorted, without duplicates, joined with ","; NULL when there are none. */
const char *cors_fetch_unsafe_names(apr_pool_t *pool, const cors_fetch_header *h, int n);

/* Does a request with this method (as fetch() sends it) and these headers need a
 * preflight? */
int cors_fetch_needs_preflight(apr_pool_t *pool, const char *method, const cors_fetch_header *h,
                               int n);

/* fetch() upper-cases delete, get, head, options, post and put; other methods go out as
 * written. */
const char *cors_fetch_normalize_method(apr_pool_t *pool, const char *method);

/* What the checks read of a response. Header values are as received, repeated lines
 * joined with ", "; NULL when the header is absent. */
typedef struct cors_fetch_response {
    int status;
    const char *allow_origin;
    const char *allow_credentials;
    const char *allow_methods;
    const char *allow_headers;
} cors_fetch_response;

typedef enum {
    CORS_FETCH_OK = 0,
    CORS_FETCH_NO_ALLOW_ORIGIN,
    CORS_FETCH_MULTIPLE_ALLOW_ORIGIN,
    CORS_FETCH_INVALID_ALLOW_ORIGIN,
    CORS_FETCH_ALLOW_ORIGIN_MISMATCH,
    CORS_FETCH_WILDCARD_WITH_CREDENTIALS,
    CORS_FETCH_ALLOW_CREDENTIALS,
    CORS_FETCH_PREFLIGHT_STATUS,
    CORS_FETCH_PREFLIGHT_REDIRECT,
    CORS_FETCH_BAD_ALLOW_METHODS,
    CORS_FETCH_BAD_ALLOW_HEADERS,
    CORS_FETCH_METHOD_NOT_ALLOWED,
    CORS_FETCH_HEADER_NOT_ALLOWED
} cors_fetch_failure;

/* Fetch's CORS check of a response for a request from origin (its serialization, or
 * "null"), with credentials mode "include" when credentials is non-zero. */
cors_fetch_failure cors_fetch_cors_check(const cors_fetch_response *r, const char *origin,
                                         int credentials);

/* The checks on a preflight's answer: an ok status (2xx), the CORS check, then the
 * method and every name of unsafe_names (cors_fetch_unsafe_names's value, or NULL).
 * *culprit is set to the method or header name refused. */
cors_fetch_failure cors_fetch_preflight_check(apr_pool_t *pool, const cors_fetch_response *r,
                                              const char *origin, int credentials,
                                              const char *method, const char *unsafe_names,
                                              const char **culprit);

/* After a redirect from current to location (both origins' serializations), does the
 * request's origin become "null"? Fetch taints it when the redirect crosses origins and
 * the request is already cross-origin. */
int cors_fetch_redirect_taints(const char *request_origin, const char *current,
                               const char *location);

/* The sentence Chromium's console prints for a failure ("Access to fetch at URL from
 * origin O has been blocked by CORS policy: ..."). */
const char *cors_fetch_message(apr_pool_t *pool, cors_fetch_failure f, int preflight,
                               const char *url, const char *origin, const cors_fetch_response *r,
                               const char *culprit);

#endif
