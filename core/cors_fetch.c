/* The browser's side of CORS (Fetch standard): see cors_fetch.h. */
#include "cors_fetch.h"
#include "cors_policy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <apr_strings.h>
#include <apr_tables.h>

char *cors_fetch_normalize(apr_pool_t *pool, const char *v, apr_size_t len)
{
    while (len > 0 && strchr(" \t\r\n", v[len - 1])) {
        len--;
    }
    while (len > 0 && strchr(" \t\r\n", *v)) {
        v++, len--;
    }
    return apr_pstrmemdup(pool, v, len);
}

/* Fetch's "CORS-unsafe request-header byte". */
static int unsafe_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f || strchr("\"():<>?@[\\]{}", c) != NULL;
}

static int has_unsafe_byte(const char *v)
{
    for (; *v; v++) {
        if (unsafe_byte((unsigned char)*v)) {
            return 1;
        }
    }
    return 0;
}

/* Accept-Language and Content-Language: 0-9 A-Z a-z space * , - . ; = only. */
static int language_value(const char *v)
{
    return strspn(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=") ==
           strlen(v);
}

/* Content-Type: its essence (the type/subtype before any parameter, trimmed, any
 * case) is one of the three a <form> can send. */
static int content_type_value(const char *v)
{
    static const char *const ok[] = {"application/x-www-form-urlencoded", "multipart/form-data",
                                     "text/plain"};
    size_t len = strcspn(v, ";"), i;

    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) {
        len--;
    }
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++, len--;
    }
    if (has_unsafe_byte(v)) {
        return 0;
    }
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strlen(ok[i]) == len && strncasecmp(v, ok[i], len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Range: "bytes=" start "-" [end], start <= end (Fetch's simple range header value). */
static int range_value(const char *v)
{
    const char *p = v + 6, *dash;
    char *end;
    unsigned long long start, last;

    if (strncmp(v, "bytes=", 6) != 0 || !(*p >= '0' && *p <= '9')) {
        return 0;
    }
    start = strtoull(p, &end, 10);
    dash = end;
    if (*dash != '-') {
        return 0;
    }
    if (dash[1] == '\0') {
        return 1;
    }
    if (!(dash[1] >= '0' && dash[1] <= '9')) {
        return 0;
    }
    last = strtoull(dash + 1, &end, 10);
    return *end == '\0' && start <= last;
}

int cors_fetch_header_safelisted(const char *name, const char *value)
{
    if (strlen(value) > 128) {
        return 0;
    }
    if (strcasecmp(name, "accept") == 0) {
        return !has_unsafe_byte(value);
    }
    if (strcasecmp(name, "accept-language") == 0 || strcasecmp(name, "content-language") == 0) {
        return language_value(value);
    }
    if (strcasecmp(name, "content-type") == 0) {
        return content_type_value(value);
    }
    if (strcasecmp(name, "range") == 0) {
        return range_value(value);
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *cors_fetch_unsafe_names(apr_pool_t *pool, const cors_fetch_header *h, int n)
{
    apr_array_header_t *names = apr_array_make(pool, n > 0 ? n : 1, sizeof(char *));
    apr_size_t safelisted_bytes = 0;
    int i, all;
    char *joined;

    for (i = 0; i < n; i++) {
        if (cors_fetch_header_safelisted(h[i].name, h[i].value)) {
            safelisted_bytes += strlen(h[i].value);
        }
    }
    all = safelisted_bytes > 1024;
    for (i = 0; i < n; i++) {
        if (all || !cors_fetch_header_safelisted(h[i].name, h[i].value)) {
            APR_ARRAY_PUSH(names, char *) = cors_lower_dup(pool, h[i].name, strlen(h[i].name));
        }
    }
    if (names->nelts == 0) {
        return NULL;
    }
    qsort(names->elts, (size_t)names->nelts, sizeof(char *), compare_names);
    joined = APR_ARRAY_IDX(names, 0, char *);
    for (i = 1; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, char *);
        if (strcmp(name, APR_ARRAY_IDX(names, i - 1, char *)) != 0) {
            joined = apr_pstrcat(pool, joined, ",", name, NULL);
        }
    }
    return joined;
}

int cors_fetch_needs_preflight(apr_pool_t *pool, const char *method, const cors_fetch_header *h,
                               int n)
{
    return !cors_is_safelisted_method(method) || cors_fetch_unsafe_names(pool, h, n) != NULL;
}

const char *cors_fetch_normalize_method(apr_pool_t *pool, const char *method)
{
    static const char *const upper[] = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"};
    size_t i;

    for (i = 0; i < sizeof(upper) / sizeof(upper[0]); i++) {
        if (strcasecmp(method, upper[i]) == 0) {
            return upper[i];
        }
    }
    return apr_pstrdup(pool, method);
}

cors_fetch_failure cors_fetch_cors_check(const cors_fetch_response *r, const char *origin,
                                         int credentials)
{
    const char *v = r->allow_origin;

    if (v == NULL) {
        return CORS_FETCH_NO_ALLOW_ORIGIN;
    }
    if (strchr(v, ',') != NULL) {
        return CORS_FETCH_MULTIPLE_ALLOW_ORIGIN;
    }
    if (strcmp(v, "*") == 0) {
        if (credentials) {
            return CORS_FETCH_WILDCARD_WITH_CREDENTIALS;
        }
        return CORS_FETCH_OK;
    }
    if (strcmp(v, origin) != 0) {
        cors_origin o;
        return strcmp(v, "null") == 0 || cors_origin_parse(v, &o) == CORS_ORIGIN_OK
                   ? CORS_FETCH_ALLOW_ORIGIN_MISMATCH
                   : CORS_FETCH_INVALID_ALLOW_ORIGIN;
    }
    if (credentials &&
        (r->allow_credentials == NULL || strcmp(r->allow_credentials, "true") != 0)) {
        return CORS_FETCH_ALLOW_CREDENTIALS;
    }
    return CORS_FETCH_OK;
}

/* Split a list of tokens (Fetch: "extracting header list values": comma-separated,
 * optional white space). Returns 0 when an element is not a token. */
static int token_list(apr_pool_t *pool, const char *value, apr_array_header_t **out)
{
    char *copy = apr_pstrdup(pool, value ? value : ""), *state = NULL, *tok;

    *out = apr_array_make(pool, 8, sizeof(char *));
    for (tok = apr_strtok(copy, ",", &state); tok; tok = apr_strtok(NULL, ",", &state)) {
        size_t len;
        tok += strspn(tok, " \t");
        len = strlen(tok);
        while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t')) {
            tok[--len] = '\0';
        }
        if (len == 0) {
            continue;
        }
        if (!cors_is_token(tok, len)) {
            return 0;
        }
        APR_ARRAY_PUSH(*out, char *) = tok;
    }
    return 1;
}

static int list_has(const apr_array_header_t *list, const char *s, int nocase)
{
    int i;

    for (i = 0; i < list->nelts; i++) {
        const char *e = APR_ARRAY_IDX(list, i, const char *);
        if (nocase ? strcasecmp(e, s) == 0 : strcmp(e, s) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The first name of unsafe_names the preflight's Access-Control-Allow-Headers does not
 * grant, or NULL. "*" covers every name but Authorization, and only without
 * credentials. */
static const char *header_refused(apr_pool_t *pool, const apr_array_header_t *allowed,
                                  const char *unsafe_names, int credentials)
{
    char *names = apr_pstrdup(pool, unsafe_names ? unsafe_names : ""), *state = NULL, *n;
    int any = !credentials && list_has(allowed, "*", 0);

    for (n = apr_strtok(names, ",", &state); n; n = apr_strtok(NULL, ",", &state)) {
        if (list_has(allowed, n, 1) || (any && strcmp(n, "authorization") != 0)) {
            continue;
        }
        return n;
    }
    return NULL;
}

cors_fetch_failure cors_fetch_preflight_check(apr_pool_t *pool, const cors_fetch_response *r,
                                              const char *origin, int credentials,
                                              const char *method, const char *unsafe_names,
                                              const char **culprit)
{
    apr_array_header_t *methods, *headers;
    cors_fetch_failure f;

    *culprit = NULL;
    if (r->status < 200 || r->status > 299) {
        return CORS_FETCH_PREFLIGHT_STATUS;
    }
    if ((f = cors_fetch_cors_check(r, origin, credentials)) != CORS_FETCH_OK) {
        return f;
    }
    if (!token_list(pool, r->allow_methods, &methods)) {
        return CORS_FETCH_BAD_ALLOW_METHODS;
    }
    if (!token_list(pool, r->allow_headers, &headers)) {
        return CORS_FETCH_BAD_ALLOW_HEADERS;
    }
    if (!list_has(methods, method, 0) && !cors_is_safelisted_method(method) &&
        (credentials || !list_has(methods, "*", 0))) {
        *culprit = method;
        return CORS_FETCH_METHOD_NOT_ALLOWED;
    }
    if ((*culprit = header_refused(pool, headers, unsafe_names, credentials)) != NULL) {
        return CORS_FETCH_HEADER_NOT_ALLOWED;
    }
    return CORS_FETCH_OK;
}

int cors_fetch_redirect_taints(const char *request_origin, const char *current,
                               const char *location)
{
    return strcmp(current, location) != 0 && strcmp(request_origin, current) != 0;
}

/* Chromium's wording (services/network/public/cpp/cors/cors_error_status and its
 * strings), so that what the probe prints is what a developer sees in the console. */
static const char *reason(apr_pool_t *pool, cors_fetch_failure f, const cors_fetch_response *r,
                          const char *culprit)
{
    const char *v = r->allow_origin ? r->allow_origin : "";
    const char *c = r->allow_credentials ? r->allow_credentials : "";

    switch (f) {
    case CORS_FETCH_NO_ALLOW_ORIGIN:
        return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case CORS_FETCH_MULTIPLE_ALLOW_ORIGIN:
        return apr_psprintf(pool,
                            "The 'Access-Control-Allow-Origin' header contains multiple "
                            "values '%s', but only one is allowed.",
                            v);
    case CORS_FETCH_INVALID_ALLOW_ORIGIN:
        return apr_psprintf(pool,
                            "The 'Access-Control-Allow-Origin' header contains the "
                            "invalid value '%s'.",
                            v);
    case CORS_FETCH_ALLOW_ORIGIN_MISMATCH:
        return apr_psprintf(pool,
                            "The 'Access-Control-Allow-Origin' header has a value '%s' "
                            "that is not equal to the supplied origin.",
                            v);
    case CORS_FETCH_WILDCARD_WITH_CREDENTIALS:
        return "The value of the 'Access-Control-Allow-Origin' header in the response must not "
               "be the wildcard '*' when the request's credentials mode is 'include'.";
    case CORS_FETCH_ALLOW_CREDENTIALS:
        return apr_psprintf(pool,
                            "The value of the 'Access-Control-Allow-Credentials' header "
                            "in the response is '%s' which must be 'true' when the "
                            "request's credentials mode is 'include'.",
                            c);
    case CORS_FETCH_PREFLIGHT_STATUS: return "It does not have HTTP ok status.";
    case CORS_FETCH_PREFLIGHT_REDIRECT: return "Redirect is not allowed for a preflight request.";
    case CORS_FETCH_BAD_ALLOW_METHODS:
        return "Cannot parse Access-Control-Allow-Methods response header field in preflight "
               "response.";
    case CORS_FETCH_BAD_ALLOW_HEADERS:
        return "Cannot parse Access-Control-Allow-Headers response header field in preflight "
               "response.";
    case CORS_FETCH_METHOD_NOT_ALLOWED:
        return apr_psprintf(pool,
                            "Method %s is not allowed by Access-Control-Allow-Methods in "
                            "preflight response.",
                            culprit);
    case CORS_FETCH_HEADER_NOT_ALLOWED:
        return apr_psprintf(pool,
                            "Request header field %s is not allowed by "
                            "Access-Control-Allow-Headers in preflight response.",
                            culprit);
    case CORS_FETCH_OK: break;
    }
    return "";
}

const char *cors_fetch_message(apr_pool_t *pool, cors_fetch_failure f, int preflight,
                               const char *url, const char *origin, const cors_fetch_response *r,
                               const char *culprit)
{
    /* The checks of the preflight's own answer are prefixed; a method or header the
     * answer does not grant is named on its own. */
    int prefixed = preflight && f != CORS_FETCH_METHOD_NOT_ALLOWED &&
                   f != CORS_FETCH_HEADER_NOT_ALLOWED && f != CORS_FETCH_BAD_ALLOW_METHODS &&
                   f != CORS_FETCH_BAD_ALLOW_HEADERS;
    const char *opaque = !preflight && f == CORS_FETCH_NO_ALLOW_ORIGIN
                             ? " If an opaque response serves your needs, set the request's "
                               "mode to 'no-cors' to fetch the resource with CORS disabled."
                             : "";

    return apr_psprintf(pool,
                        "Access to fetch at '%s' from origin '%s' has been blocked by CORS "
                        "policy: %s%s%s",
                        url, origin,
                        prefixed ? "Response to preflight request doesn't pass access "
                                   "control check: "
                                 : "",
                        reason(pool, f, r, culprit), opaque);
}
