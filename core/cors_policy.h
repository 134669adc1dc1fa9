/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_policy: the CORS policy core shared by mod_cors and cors-lint.
 *
 * Pure C + APR (+ libpsl for the public suffix check); no httpd header. It knows what
 * an origin is, parses the pieces of a policy at configuration time into immutable
 * objects (origin lists, token lists) with their response values precomputed, and
 * decides one request against a policy. The directives that build a policy, and the
 * checks on them, are in cors_config.h; the regex judge in cors_judge.h.
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

#include "cors_judge.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Request limits (spec rules 1 and 10). */
#define CORS_ORIGIN_MAX        1024 /* bytes in an Origin value */
#define CORS_ACRH_MAX_LEN      4096 /* bytes in Access-Control-Request-Headers */
#define CORS_ACRH_MAX_ELEMENTS 64   /* header names in it */
#define CORS_ACRH_MAX_EMPTY    16   /* empty elements tolerated (",,", ", ,") */
#define CORS_MAX_AGE_MAX       86400
/* What browsers honour of Access-Control-Max-Age: Chromium caps it at 7200 s, Firefox at
 * 86400 s, WebKit at 600 s. */
#define CORS_MAX_AGE_CHROMIUM 7200

/* Where a directive was written: for messages that name another line (a conflict made
 * by merging sections), and, through src, for the caller's own record of it (httpd's
 * ap_directive_t, cors-lint's node). */
typedef struct {
    const char *file;
    int line;
    unsigned long seq; /* its place in the order httpd reads the configuration, from 1 */
    const void *src;
} cors_where;

/* ---- Origins ------------------------------------------------------------------- */

/* Why an origin (request value or configuration entry) is not acceptable. */
typedef enum {
    CORS_ORIGIN_OK = 0,
    CORS_ORIGIN_EMPTY,
    CORS_ORIGIN_TOO_LONG,
    CORS_ORIGIN_CONTROL_CHAR, /* control character, NUL or byte >= 0x80 */
    CORS_ORIGIN_SPACE,        /* space or tab inside */
    CORS_ORIGIN_SEVERAL,      /* "a, b" or "a b": several origins in one value */
    CORS_ORIGIN_NO_SCHEME,    /* "example.com", "//example.com" */
    CORS_ORIGIN_BAD_SCHEME,
    CORS_ORIGIN_USERINFO,       /* "https://user@host" */
    CORS_ORIGIN_PATH,           /* "https://host/path" */
    CORS_ORIGIN_TRAILING_SLASH, /* "https://host/" */
    CORS_ORIGIN_QUERY,
    CORS_ORIGIN_FRAGMENT,
    CORS_ORIGIN_BAD_HOST,     /* empty label, bad character, unterminated IPv6 */
    CORS_ORIGIN_BAD_PORT,     /* not 1..65535, leading zero, empty after ':' */
    CORS_ORIGIN_BAD_WILDCARD, /* '*' other than as the whole leftmost label or port */
    CORS_ORIGIN_PUBLIC_SUFFIX /* a wildcard over a public suffix: *.co.uk */
} cors_origin_status;

/* A parsed origin in canonical form: scheme and host lower-cased, the default port
 * (443 for https and wss, 80 for http and ws) dropped. canon is NUL-terminated. */
typedef struct {
    char canon[CORS_ORIGIN_MAX + 1];
    apr_size_t len;        /* strlen(canon) */
    apr_size_t scheme_len; /* canon[0..scheme_len) is the scheme */
    apr_size_t host_off;   /* canon[host_off..host_off+host_len) is the host */
    apr_size_t host_len;
    int port;    /* explicit non-default port, or 0 */
    int is_null; /* the opaque origin "null" */
} cors_origin;

/* Parse a request's Origin header value (spec rule 1): a serialized origin
 * scheme://host[:port] or "null", at most CORS_ORIGIN_MAX bytes. Returns CORS_ORIGIN_OK
 * and fills *out, or the reason it is invalid. Linear in the value, no allocation. */
cors_origin_status cors_origin_parse(const char *value, cors_origin *out);

/* The two halves of cors_origin_parse, for the fuzz test that checks they agree: the
 * request path's one-pass parser (returns 1 and fills *out, or 0 for anything it does
 * not handle: IPv6 literals, "null", long schemes and every invalid value), and the
 * full parser that classifies everything. */
int cors_origin_parse_fast(const char *value, cors_origin *out);
cors_origin_status cors_origin_parse_full(const char *value, cors_origin *out);

/* A loopback origin: host localhost or *.localhost, 127.0.0.0/8 or [::1]. */
int cors_origin_is_loopback(const cors_origin *o);

/* An http:// origin that is not loopback: anyone on the network path can run script in
 * it. */
int cors_origin_is_insecure(const cors_origin *o);

/* A short English phrase for a status ("has a path", "has a trailing slash"...). */
const char *cors_origin_status_str(cors_origin_status st);

/* ---- Public suffix list ---------------------------------------------------------- */

typedef struct cors_psl cors_psl;

/* Load the system's public suffix list (Debian's publicsuffix package) through libpsl,
 * freed when the pool is cleared, falling back to libpsl's built-in list; and, from the
 * list's text (libpsl cannot enumerate its rules), which domains have a public suffix
 * below them. Never NULL; a missing list leaves wildcards unchecked. About 1 ms. */
cors_psl *cors_psl_open(apr_pool_t *pool);

/* libpsl's context, or NULL when no list could be loaded. */
const psl_ctx_t *cors_psl_ctx(const cors_psl *psl);

/* Was the list's text read (Debian's publicsuffix package)? Without it, which domains
 * have public suffixes below them (*.amazonaws.com) is unknown, and so not refused:
 * the module and cors-lint say so. */
int cors_psl_complete(const cors_psl *psl);

/* A public-suffix rule below domain ("*.compute.amazonaws.com" below "amazonaws.com"),
 * where anyone can have a site, or NULL. */
const char *cors_psl_suffix_below(const cors_psl *psl, const char *domain);

/* ---- Origin allow-list -------------------------------------------------------- */

typedef enum {
    CORS_ENTRY_EXACT,          /* https://app.example.com */
    CORS_ENTRY_SUBDOMAIN,      /* https://(star).example.com */
    CORS_ENTRY_ANY_PORT,       /* http://localhost:* */
    CORS_ENTRY_SUBDOMAIN_PORT, /* https://(star).example.com:(star) */
    CORS_ENTRY_ANY,            /* * */
    CORS_ENTRY_NULL,           /* null */
    CORS_ENTRY_REGEX           /* CORSAllowOriginRegex */
} cors_entry_kind;

/* One allow-list entry as it was written, with what the checks need to know of it. */
typedef struct {
    cors_entry_kind kind;
    const char *source;                /* the argument as written */
    const char *canon;                 /* lower-case, without the wildcard ("https://example.com"),
                                        * NULL for "*", "null" and regexes */
    const cors_where *where;           /* the directive (NULL when not recorded) */
    int arg;                           /* the argument's index in it */
    int insecure;                      /* an http:// origin (or wildcard) other than loopback */
    const char *suffix_below;          /* wildcards: a public suffix below the domain, or NULL */
    const char *pattern;               /* regexes: anchored, as compiled */
    const void *compiled;              /* regexes: by the list's engine */
    const cors_regex_verdict *verdict; /* regexes: the judge's */
} cors_origin_entry;

typedef struct cors_origin_list cors_origin_list;

/* engine compiles and matches the regex entries (httpd's ap_regex in the module, PCRE2
 * in the linter); NULL when the list will hold none. */
cors_origin_list *cors_origin_list_make(apr_pool_t *pool, const cors_regex_engine *engine);

/* Add one CORSAllowOrigin argument: an exact origin, "scheme://" "*.domain[:port]",
 * "scheme://host:*", both wildcards together, "*" or "null". Returns NULL, or an error
 * message (from the list's pool) that says what is wrong and how to fix it. where and
 * arg are kept with the entry. Adding an entry already present is not an error. */
const char *cors_origin_list_add(cors_origin_list *list, const char *entry,
                                 const cors_where *where, int arg, const cors_psl *psl);

/* Add one CORSAllowOriginRegex argument: refused when empty, when it has an upper-case
 * letter that must match itself, or when it does not compile; anchored here, and judged
 * (cors_judge.h) once, so that no request ever runs the judge. */
const char *cors_origin_list_add_regex(cors_origin_list *list, const char *source,
                                       const cors_where *where, int arg, const cors_psl *psl);

/* Does the list allow this origin? Exact table, then wildcards by the host's parent
 * domains, then regexes. Cost independent of the number of exact and wildcard entries. */
int cors_origin_list_allows(const cors_origin_list *list, const cors_origin *origin);

int cors_origin_list_has_any(const cors_origin_list *list);  /* "*" listed */
int cors_origin_list_has_null(const cors_origin_list *list); /* "null" listed */
int cors_origin_list_count(const cors_origin_list *list);    /* distinct entries */

/* The entries in the order they were added, duplicates included. */
int cors_origin_list_nentries(const cors_origin_list *list);
cors_origin_entry *cors_origin_list_entry(const cors_origin_list *list, int i);

/* Does the list hold an entry that cannot go with credentials: "*", a wildcard with
 * public suffixes below it, or (unless insecure_ok) an http:// origin other than
 * loopback? Known when the entries are added: a request-time check costs a few
 * comparisons, whatever the list's size. */
int cors_origin_list_unsafe(const cors_origin_list *list, int insecure_ok);

/* The judge's verdict on a regex entry (judged when it was added), or NULL for other
 * entries. */
const cors_regex_verdict *cors_origin_entry_verdict(const cors_origin_entry *e);

/* ---- Token lists (methods, header names) ---------------------------------------- */

typedef enum {
    CORS_TOKENS_METHODS, /* case-sensitive; GET, HEAD, POST always included */
    CORS_TOKENS_HEADERS, /* request headers: case-insensitive, stored lower-case */
    CORS_TOKENS_EXPOSE   /* response headers: the same, with their own refusals */
} cors_token_kind;

typedef struct cors_token_list {
    cors_token_kind kind;
    int any;                    /* "*" was given */
    apr_hash_t *set;            /* token -> itself (header names lower-case) */
    apr_array_header_t *tokens; /* const char *, in configuration order, deduplicated */
    const char *joined;         /* "GET, HEAD, POST, PUT": the response value, or "*" */
    const cors_where *where;    /* the directive (NULL when not recorded) */
} cors_token_list;

/* Is s an RFC 9110 token (1*tchar)? */
int cors_is_token(const char *s, apr_size_t len);

/* Build a list from directive arguments. Each argument may itself hold several tokens
 * separated by commas or white space ("X-A, X-B"). "*" sets any (kept in joined only when
 * it is the sole entry). Refused besides what is not a token: methods that Fetch
 * forbids (CONNECT, TRACE, TRACK) and the standard methods browsers upper-case when
 * written otherwise ("delete"); request headers Fetch forbids scripts to set (Cookie,
 * Host, Proxy-*, Sec-*...); Set-Cookie and Set-Cookie2 among exposed headers. Returns
 * NULL and sets *out, or an error message from pool and, in *bad_arg (when not NULL),
 * the index of the argument that holds the refused token. */
const char *cors_token_list_parse(apr_pool_t *pool, cors_token_kind kind, int argc,
                                  char *const *argv, cors_token_list **out, int *bad_arg);

int cors_token_list_has(const cors_token_list *list, const char *token, apr_size_t len);

/* A lower-case copy of s[0..len) (ASCII: header names, hosts and variable names). */
char *cors_lower_dup(apr_pool_t *pool, const char *s, apr_size_t len);

/* Is this a CORS-safelisted method (GET, HEAD, POST)? Case-sensitive. */
int cors_is_safelisted_method(const char *method);

/* Is this a method Fetch forbids (CONNECT, TRACE, TRACK, in any case)? */
int cors_is_forbidden_method(const char *method, apr_size_t len);

/* Is this (lower-case) name a request header Fetch forbids scripts to set (Cookie,
 * Host, Origin, ..., Proxy-* and Sec-*)? */
int cors_is_forbidden_header(const char *lower, apr_size_t len);

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
cors_acrh_status cors_acrh_parse(const char *value, cors_acrh_fn fn, void *baton, const char **bad,
                                 apr_size_t *bad_len);

/* ---- Policy and decision -------------------------------------------------------- */

typedef struct cors_policy {
    const cors_origin_list *origins;        /* CORSAllowOrigin entries, or NULL */
    const cors_origin_list *origin_regexes; /* CORSAllowOriginRegex entries, or NULL;
                                             * inactive when both lists are NULL */
    const cors_token_list *allow_methods;   /* NULL: GET, HEAD, POST */
    const cors_token_list *allow_headers;   /* NULL: none (safelisted only) */
    const cors_token_list *expose_headers;  /* NULL: none */
    int allow_credentials;                  /* boolean */
    int allow_private_network;              /* boolean */
    const char *max_age;                    /* NULL: unset, else "0".."86400" */
    int allow_insecure_origins;             /* boolean: http:// origins with credentials */
} cors_policy;

/* Initialise p to the defaults (everything unset / off). */
void cors_policy_init(cors_policy *p);

typedef struct {
    const char *method;                  /* request method, e.g. "OPTIONS" */
    const char *origin;                  /* Origin header, NULL when absent */
    const char *request_method;          /* Access-Control-Request-Method or NULL */
    const char *request_headers;         /* Access-Control-Request-Headers (joined) or NULL */
    const char *request_private_network; /* Access-Control-Request-Private-Network */
} cors_request;

typedef enum {
    CORS_OUTCOME_NONE = 0,      /* no Origin: not a CORS request */
    CORS_OUTCOME_ALLOWED,       /* actual request from an allowed origin */
    CORS_OUTCOME_PREFLIGHT,     /* preflight granted in full */
    CORS_OUTCOME_DENIED_ORIGIN, /* origin valid but not allowed */
    CORS_OUTCOME_DENIED_METHOD, /* preflight: origin allowed, method not */
    CORS_OUTCOME_DENIED_HEADER, /* preflight: origin allowed, a header not */
    CORS_OUTCOME_INVALID_ORIGIN /* Origin present but not a serialized origin */
} cors_outcome;

/* "none", "allowed", "preflight", "denied-origin", ... (the request note values). */
const char *cors_outcome_str(cors_outcome o);

/* The headers to send. NULL members are not sent. For preflights (is_preflight) the
 * status is the module's choice on a grant (rules 3, 4), 403 on a denied or invalid
 * origin (rule 5); status_forbidden says which. */
typedef struct {
    cors_outcome outcome;
    int is_preflight;
    int status_forbidden; /* preflight answered 403 (rule 5) */
    const char *allow_origin;
    const char *allow_credentials;     /* "true" */
    const char *allow_methods;         /* preflight only */
    const char *allow_headers;         /* preflight only */
    const char *max_age;               /* preflight only */
    const char *allow_private_network; /* preflight only, "true" */
    const char *expose_headers;        /* actual responses only */
    const char *vary;                  /* always merged into Vary when not NULL */
    const char *reason;                /* denial reason, safe to log (no raw bytes) */
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
