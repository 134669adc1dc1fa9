/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_policy: the CORS policy core shared by mod_cors and cors-lint.
 *
 * Pure C + APR (+ libpsl for the public suffix check); no httpd header. It knows what
 * an origin is, parses the pieces of a policy at configuration time into immutable
 * objects (origin lists, token lists) with their response values precomputed, and
 * decides one request against a policy.
 *
 * A cors_policy is a plain struct of pointers to those objects, so that the module can
 * merge scopes by copying pointers (no per-request work proportional to the
 * configuration). cors_policy_decide() allocates from the given pool only what depends
 * on the request (an echoed header list, a denial reason), never anything proportional
 * to the configuration.
 */
#ifndef CORS_POLICY_H
#define CORS_POLICY_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>
#include <libpsl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Request limits (spec rules 1 and 10). */
#define CORS_ORIGIN_MAX 1024           /* bytes in an Origin value */
#define CORS_ACRH_MAX_LEN 4096         /* bytes in Access-Control-Request-Headers */
#define CORS_ACRH_MAX_ELEMENTS 64      /* header names in it */
#define CORS_ACRH_MAX_EMPTY 16         /* empty elements tolerated (",,", ", ,") */
#define CORS_MAX_AGE_MAX 86400

/* ---- Origins ------------------------------------------------------------------- */

/* Why an origin (request value or configuration entry) is not acceptable. */
typedef enum {
    CORS_ORIGIN_OK = 0,
    CORS_ORIGIN_EMPTY,
    CORS_ORIGIN_TOO_LONG,
    CORS_ORIGIN_CONTROL_CHAR,   /* control character, NUL or byte >= 0x80 */
    CORS_ORIGIN_SPACE,          /* space or tab inside */
    CORS_ORIGIN_SEVERAL,        /* "a, b" or "a b": several origins in one value */
    CORS_ORIGIN_NO_SCHEME,      /* "example.com", "//example.com" */
    CORS_ORIGIN_BAD_SCHEME,
    CORS_ORIGIN_USERINFO,       /* "https://user@host" */
    CORS_ORIGIN_PATH,           /* "https://host/path" */
    CORS_ORIGIN_TRAILING_SLASH, /* "https://host/" */
    CORS_ORIGIN_QUERY,
    CORS_ORIGIN_FRAGMENT,
    CORS_ORIGIN_BAD_HOST,       /* empty label, bad character, unterminated IPv6 */
    CORS_ORIGIN_BAD_PORT,       /* not 1..65535, leading zero, empty after ':' */
    CORS_ORIGIN_BAD_WILDCARD,   /* '*' other than as the whole leftmost label or port */
    CORS_ORIGIN_PUBLIC_SUFFIX   /* a wildcard over a public suffix: *.co.uk */
} cors_origin_status;

/* A parsed origin in canonical form: scheme and host lower-cased, the default port
 * (443 for https and wss, 80 for http and ws) dropped. canon is NUL-terminated. */
typedef struct {
    char canon[CORS_ORIGIN_MAX + 1];
    apr_size_t len;        /* strlen(canon) */
    apr_size_t scheme_len; /* canon[0..scheme_len) is the scheme */
    apr_size_t host_off;   /* canon[host_off..host_off+host_len) is the host */
    apr_size_t host_len;
    int port;              /* explicit non-default port, or 0 */
    int is_null;           /* the opaque origin "null" */
} cors_origin;

/* Parse a request's Origin header value (spec rule 1): a serialized origin
 * scheme://host[:port] or "null", at most CORS_ORIGIN_MAX bytes. Returns CORS_ORIGIN_OK
 * and fills *out, or the reason it is invalid. Linear in the value, no allocation. */
cors_origin_status cors_origin_parse(const char *value, cors_origin *out);

/* A short English phrase for a status ("has a path", "has a trailing slash"...). */
const char *cors_origin_status_str(cors_origin_status st);

/* ---- Public suffix list ---------------------------------------------------------- */

/* Load the system's public suffix list (Debian's publicsuffix package, through libpsl),
 * freed when the pool is cleared; falls back to libpsl's built-in list. May return NULL
 * when neither exists: wildcards are then accepted unchecked. */
const psl_ctx_t *cors_psl_open(apr_pool_t *pool);

/* ---- Origin allow-list -------------------------------------------------------- */

/* Matches a canonical origin against a caller-compiled regex (anchored by the caller).
 * Returns non-zero on match. mod_cors passes ap_regexec, cors-lint PCRE2. */
typedef int (*cors_regex_match_fn)(const void *compiled, const char *origin, apr_size_t len);

typedef struct cors_origin_list cors_origin_list;

cors_origin_list *cors_origin_list_make(apr_pool_t *pool);

/* Add one CORSAllowOrigin argument: an exact origin, "scheme://" "*.domain[:port]",
 * "scheme://host:*", both wildcards together, "*" or "null". Returns NULL, or an error
 * message (from the list's pool) that says what is wrong and how to fix it. psl may be
 * NULL (no public-suffix check). Adding an entry already present is not an error. */
const char *cors_origin_list_add(cors_origin_list *list, const char *entry,
                                 const psl_ctx_t *psl);

/* Add a regex entry; source is kept for messages. */
void cors_origin_list_add_regex(cors_origin_list *list, const char *source,
                                const void *compiled, cors_regex_match_fn match);

/* Does the list allow this origin? Exact table, then wildcards by the host's parent
 * domains, then regexes. Cost independent of the number of exact and wildcard entries. */
int cors_origin_list_allows(const cors_origin_list *list, const cors_origin *origin);

int cors_origin_list_has_any(const cors_origin_list *list);  /* "*" listed */
int cors_origin_list_has_null(const cors_origin_list *list); /* "null" listed */
int cors_origin_list_count(const cors_origin_list *list);    /* entries incl. regexes */

/* ---- Token lists (methods, header names) ---------------------------------------- */

typedef enum {
    CORS_TOKENS_METHODS,        /* case-sensitive; GET, HEAD, POST always included */
    CORS_TOKENS_HEADERS         /* case-insensitive, stored lower-case */
} cors_token_kind;

typedef struct cors_token_list {
    cors_token_kind kind;
    int any;                    /* "*" was given */
    apr_hash_t *set;            /* token -> itself (header names lower-case) */
    apr_array_header_t *tokens; /* const char *, in configuration order, deduplicated */
    const char *joined;         /* "GET, HEAD, POST, PUT": the response value, or "*" */
} cors_token_list;

/* Is s an RFC 9110 token (1*tchar)? */
int cors_is_token(const char *s, apr_size_t len);

/* Build a list from directive arguments. Each argument may itself hold several tokens
 * separated by commas or white space ("X-A, X-B"). "*" sets any (kept in joined only when
 * it is the sole entry). Returns NULL and sets *out, or an error message from pool. */
const char *cors_token_list_parse(apr_pool_t *pool, cors_token_kind kind, int argc,
                                  char *const *argv, cors_token_list **out);

int cors_token_list_has(const cors_token_list *list, const char *token, apr_size_t len);

/* Is this a CORS-safelisted request-header name (Accept, Accept-Language,
 * Content-Language, Content-Type, Range)? Case-insensitive. */
int cors_is_safelisted_header(const char *name, apr_size_t len);

/* Is this a CORS-safelisted method (GET, HEAD, POST)? Case-sensitive. */
int cors_is_safelisted_method(const char *method);

/* Parse a CORSMaxAge argument (decimal seconds, 0..86400) into its canonical string.
 * Returns NULL and sets *out, or an error message from pool. */
const char *cors_max_age_parse(apr_pool_t *pool, const char *arg, const char **out);

/* ---- Access-Control-Request-Headers --------------------------------------------- */

typedef enum {
    CORS_ACRH_OK = 0,
    CORS_ACRH_TOO_LONG,
    CORS_ACRH_TOO_MANY,
    CORS_ACRH_TOO_MANY_EMPTY,
    CORS_ACRH_BAD_TOKEN
} cors_acrh_status;

/* Callback per header name (not NUL-terminated, original case). Return non-zero to stop. */
typedef int (*cors_acrh_fn)(void *baton, const char *name, apr_size_t len);

/* Split an Access-Control-Request-Headers value (possibly several header lines joined
 * with ", ") into names, linear time, bounded by the CORS_ACRH_* limits; the length
 * limit is checked before anything else is read. *bad (if not NULL) points at the first
 * offending element for CORS_ACRH_BAD_TOKEN. */
cors_acrh_status cors_acrh_parse(const char *value, cors_acrh_fn fn, void *baton,
                                 const char **bad, apr_size_t *bad_len);

/* ---- Policy and decision -------------------------------------------------------- */

typedef struct cors_policy {
    const cors_origin_list *origins;      /* CORSAllowOrigin entries, or NULL */
    const cors_origin_list *origin_regexes; /* CORSAllowOriginRegex entries, or NULL;
                                           * inactive when both lists are NULL */
    const cors_token_list *allow_methods; /* NULL: GET, HEAD, POST */
    const cors_token_list *allow_headers; /* NULL: none (safelisted only) */
    const cors_token_list *expose_headers;/* NULL: none */
    int allow_credentials;                /* boolean */
    int allow_private_network;            /* boolean */
    const char *max_age;                  /* NULL: unset, else "0".."86400" */
} cors_policy;

/* Initialise p to the defaults (everything unset / off). */
void cors_policy_init(cors_policy *p);

/* Conflicts in one effective policy: "*" origin with credentials, and "*" in the expose
 * headers with credentials (browsers would read it as a literal name and nothing can be
 * echoed instead). "*" in methods or headers with credentials is not a conflict: the
 * decision echoes the requested method and headers (spec rule 3). Returns NULL or a
 * message (from pool) saying what is wrong and how to fix it. */
const char *cors_policy_check(const cors_policy *p, apr_pool_t *pool);

typedef struct {
    const char *method;           /* request method, e.g. "OPTIONS" */
    const char *origin;           /* Origin header, NULL when absent */
    const char *request_method;   /* Access-Control-Request-Method or NULL */
    const char *request_headers;  /* Access-Control-Request-Headers (joined) or NULL */
    const char *request_private_network; /* Access-Control-Request-Private-Network */
} cors_request;

typedef enum {
    CORS_OUTCOME_NONE = 0,        /* no Origin: not a CORS request */
    CORS_OUTCOME_ALLOWED,         /* actual request from an allowed origin */
    CORS_OUTCOME_PREFLIGHT,       /* preflight granted in full */
    CORS_OUTCOME_DENIED_ORIGIN,   /* origin valid but not allowed */
    CORS_OUTCOME_DENIED_METHOD,   /* preflight: origin allowed, method not */
    CORS_OUTCOME_DENIED_HEADER,   /* preflight: origin allowed, a header not */
    CORS_OUTCOME_INVALID_ORIGIN   /* Origin present but not a serialized origin */
} cors_outcome;

/* "none", "allowed", "preflight", "denied-origin", ... (the request note values). */
const char *cors_outcome_str(cors_outcome o);

/* The headers to send. NULL members are not sent. For preflights (is_preflight) the
 * status is the module's choice on a grant (rules 3, 4), 403 on a denied or invalid
 * origin (rule 5); status_forbidden says which. */
typedef struct {
    cors_outcome outcome;
    int is_preflight;
    int status_forbidden;                 /* preflight answered 403 (rule 5) */
    const char *allow_origin;
    const char *allow_credentials;        /* "true" */
    const char *allow_methods;            /* preflight only */
    const char *allow_headers;            /* preflight only */
    const char *max_age;                  /* preflight only */
    const char *allow_private_network;    /* preflight only, "true" */
    const char *expose_headers;           /* actual responses only */
    const char *vary;                     /* always merged into Vary when not NULL */
    const char *reason;                   /* denial reason, safe to log (no raw bytes) */
} cors_decision;

/* Decide one request (spec rules 1-10). Precondition: p->origins or p->origin_regexes
 * is not NULL (the scope is active). */
void cors_policy_decide(const cors_policy *p, const cors_request *req, apr_pool_t *pool,
                        cors_decision *out);

/* Is this request a preflight (OPTIONS + Origin + non-empty ACRM)? */
int cors_request_is_preflight(const cors_request *req);

#ifdef __cplusplus
}
#endif
#endif
