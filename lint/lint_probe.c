/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors-lint probe URL --origin ORIGIN ...: sends what a browser would send for a
 * cross-origin fetch() (the preflight when Fetch requires one, then the request,
 * following redirects as Fetch does) and runs the browser's checks on the answers
 * (core/cors_fetch.c). It prints each step, the verdict and, when blocked, Chromium's
 * console message and a fix hint. Exit 0: a browser would let the page read the
 * response; 1: it would block it; 2: usage or network error.
 */
#include "lint_probe.h"
#include "cors_fetch.h"
#include "cors_policy.h"
#include "lint.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <apr_strings.h>
#include <curl/curl.h>

typedef struct probe_result {
    apr_array_header_t *steps; /* exchange * */
    cors_fetch_failure failure;
    const exchange *failed; /* the step that failed */
    const char *culprit;    /* the method or header refused */
    const char *error;      /* network or protocol error: exit 2 */
    int same_origin;
} probe_result;

static const char usage[] =
    "usage: cors-lint probe URL --origin ORIGIN [--method METHOD] [--header NAME[:VALUE]]...\n"
    "                       [--credentials] [--format text|json] [--insecure]\n"
    "                       [--timeout SECONDS]\n";

/* ---- Options -------------------------------------------------------------------- */

static const char *add_header(apr_pool_t *pool, probe_opts *o, const char *arg)
{
    const char *colon = strchr(arg, ':');
    cors_fetch_header *h = apr_array_push(o->headers);
    char *lower;

    h->name = colon ? apr_pstrndup(pool, arg, (apr_size_t)(colon - arg)) : arg;
    h->value = colon ? colon + 1 + strspn(colon + 1, " \t") : "1";
    lower = cors_lower_dup(pool, h->name, strlen(h->name));
    if (!cors_is_token(h->name, strlen(h->name))) {
        return apr_psprintf(pool, "'%s' is not a header name", probe_shown(pool, h->name));
    }
    if (cors_is_forbidden_header(lower, strlen(lower))) {
        return apr_psprintf(pool, "browsers never let a script set %s", h->name);
    }
    if (strpbrk(h->value, "\r\n") != NULL) {
        return "a header value cannot hold a line break";
    }
    return NULL;
}

static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);

    if (strncmp(argv[*i], name, len) == 0 && argv[*i][len] == '=') {
        return argv[*i] + len + 1;
    }
    if (strcmp(argv[*i], name) == 0 && *i + 1 < argc) {
        return argv[++*i];
    }
    return NULL;
}

static const char *parse_flag(apr_pool_t *pool, probe_opts *o, int argc, char **argv, int *i)
{
    const char *v;

    if (strcmp(argv[*i], "--credentials") == 0) {
        o->credentials = 1;
    }
    else if (strcmp(argv[*i], "--insecure") == 0) {
        o->insecure = 1;
    }
    else if ((v = option_value(argc, argv, i, "--origin")) != NULL) {
        o->origin = v;
    }
    else if ((v = option_value(argc, argv, i, "--method")) != NULL) {
        o->method = v;
    }
    else if ((v = option_value(argc, argv, i, "--header")) != NULL) {
        return add_header(pool, o, v);
    }
    else if ((v = option_value(argc, argv, i, "--format")) != NULL) {
        if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
            return "--format is text or json";
        }
        o->json = strcmp(v, "json") == 0;
    }
    else if ((v = option_value(argc, argv, i, "--timeout")) != NULL) {
        char *end;
        double s = strtod(v, &end);
        if (*end || !(s > 0 && s <= 3600)) {
            return "--timeout is a number of seconds, above 0 and at most 3600";
        }
        o->timeout_ms = (long)(s * 1000);
    }
    else if (argv[*i][0] == '-' || o->url) {
        return apr_psprintf(pool, "unknown argument '%s'", probe_shown(pool, argv[*i]));
    }
    else {
        o->url = argv[*i];
    }
    return NULL;
}

static const char *check_opts(apr_pool_t *pool, probe_opts *o)
{
    cors_origin parsed;
    const char *why;

    if (!o->url || !o->origin) {
        return "a URL and --origin are required";
    }
    if (!probe_url_origin(pool, o->url, &why)) {
        return apr_psprintf(pool, "'%s' is %s", probe_shown(pool, o->url), why);
    }
    if (cors_origin_parse(o->origin, &parsed) != CORS_ORIGIN_OK) {
        return apr_psprintf(pool, "--origin '%s' is not an origin (scheme://host[:port]): %s",
                            probe_shown(pool, o->origin),
                            cors_origin_status_str(cors_origin_parse(o->origin, &parsed)));
    }
    o->origin = parsed.is_null ? "null" : apr_pstrdup(pool, parsed.canon);
    o->method = cors_fetch_normalize_method(pool, o->method);
    if (!cors_is_token(o->method, strlen(o->method)) ||
        cors_is_forbidden_method(o->method, strlen(o->method))) {
        return apr_psprintf(pool, "fetch() cannot send the method '%s'",
                            probe_shown(pool, o->method));
    }
    return NULL;
}

/* ---- The browser's steps ---------------------------------------------------------- */

static cors_fetch_response response_of(const exchange *x)
{
    cors_fetch_response r;

    r.status = x->status;
    r.allow_origin = apr_table_get(x->got, "access-control-allow-origin");
    r.allow_credentials = apr_table_get(x->got, "access-control-allow-credentials");
    r.allow_methods = apr_table_get(x->got, "access-control-allow-methods");
    r.allow_headers = apr_table_get(x->got, "access-control-allow-headers");
    return r;
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Sends x and records it; 0 when it went through the network, -1 on an error. */
static int step(const probe_opts *o, probe_result *res, exchange *x)
{
    APR_ARRAY_PUSH(res->steps, exchange *) = x;
    res->error = probe_send(o, x);
    return res->error ? -1 : 0;
}

static int fail(probe_result *res, const exchange *x, cors_fetch_failure f, const char *culprit)
{
    res->failure = f;
    res->failed = x;
    res->culprit = culprit;
    return f == CORS_FETCH_OK ? 0 : 1;
}

/* The preflight Fetch sends before a request that is not simple: 1 when its answer
 * fails the browser's checks, -1 on an error, 0 when the request may go. */
static int preflight(apr_pool_t *pool, const probe_opts *o, probe_result *res, const char *url,
                     const char *origin, const char *method, const char *unsafe)
{
    exchange *x = probe_exchange(pool, "preflight", "OPTIONS", url, origin);
    cors_fetch_response r;
    cors_fetch_failure f;
    const char *culprit = NULL;

    x->acrm = method;
    x->acrh = unsafe;
    if (step(o, res, x) != 0) {
        return -1;
    }
    r = response_of(x);
    if (is_redirect(x->status)) {
        return fail(res, x, CORS_FETCH_PREFLIGHT_REDIRECT, NULL);
    }
    f = cors_fetch_preflight_check(pool, &r, origin, o->credentials, method, unsafe, &culprit);
    return fail(res, x, f, culprit);
}

/* A redirect changes POST (301, 302) and anything but GET and HEAD (303) into a GET
 * without its body's headers (Fetch's HTTP-redirect fetch). */
static const char *method_after(int status, const char *method, int *drop_body)
{
    *drop_body = (status == 303 && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) ||
                 ((status == 301 || status == 302) && strcmp(method, "POST") == 0);
    return *drop_body ? "GET" : method;
}

static apr_array_header_t *without_body_headers(apr_pool_t *pool, const apr_array_header_t *in)
{
    apr_array_header_t *out = apr_array_make(pool, in->nelts + 1, sizeof(cors_fetch_header));
    int i;

    for (i = 0; i < in->nelts; i++) {
        const cors_fetch_header *h = &APR_ARRAY_IDX(in, i, cors_fetch_header);
        if (strncasecmp(h->name, "content-", 8) != 0) {
            *(cors_fetch_header *)apr_array_push(out) = *h;
        }
    }
    return out;
}

/* Follows a redirect from x: returns the next URL (and updates origin, method and
 * headers), or NULL with res->error set. */
static const char *redirect(apr_pool_t *pool, probe_opts *o, probe_result *res, exchange *x,
                            const char **origin, int hops)
{
    const char *location = apr_table_get(x->got, "location"), *next, *why;
    int drop_body;

    if (hops >= MAX_REDIRECTS) {
        res->error = apr_psprintf(pool,
                                  "more than %d redirects (a loop?); a browser gives up "
                                  "with a network error",
                                  MAX_REDIRECTS);
        return NULL;
    }
    next = location ? probe_resolve(pool, x->url, location) : NULL;
    if (!next) {
        res->error = apr_psprintf(pool,
                                  "%s: a %d redirect to '%s', which is not an http(s) "
                                  "URL a browser would follow",
                                  x->url, x->status, probe_shown(pool, location ? location : ""));
        return NULL;
    }
    if (cors_fetch_redirect_taints(*origin, probe_url_origin(pool, x->url, &why),
                                   probe_url_origin(pool, next, &why))) {
        *origin = "null";
    }
    o->method = method_after(x->status, o->method, &drop_body);
    if (drop_body) {
        o->headers = without_body_headers(pool, o->headers);
    }
    return next;
}

/* The whole fetch: 0 allowed, 1 blocked, -1 error. */
static int run(apr_pool_t *pool, probe_opts *o, probe_result *res)
{
    const char *url = o->url, *origin = o->origin, *why;
    int hops, cors = 0; /* Fetch's response tainting: "cors" from the first other origin on */

    for (hops = 0;; hops++) {
        const cors_fetch_header *h = (const cors_fetch_header *)o->headers->elts;
        const char *unsafe = cors_fetch_unsafe_names(pool, h, o->headers->nelts);
        exchange *x;
        cors_fetch_response r;
        int rc;

        cors = cors || strcmp(origin, probe_url_origin(pool, url, &why)) != 0;
        if (cors && (!cors_is_safelisted_method(o->method) || unsafe)) {
            if ((rc = preflight(pool, o, res, url, origin, o->method, unsafe)) != 0) {
                return rc;
            }
        }
        /* same origin: Origin only on what is not a GET or HEAD, as browsers send it */
        x = probe_exchange(pool, "request", o->method, url,
                           cors || (strcmp(o->method, "GET") && strcmp(o->method, "HEAD")) ? origin
                                                                                           : NULL);
        x->headers = o->headers;
        if (step(o, res, x) != 0) {
            return -1;
        }
        r = response_of(x);
        res->same_origin = !cors;
        if (cors && fail(res, x, cors_fetch_cors_check(&r, origin, o->credentials), NULL) != 0) {
            return 1;
        }
        if (!is_redirect(x->status) || !apr_table_get(x->got, "location")) {
            return 0;
        }
        if ((url = redirect(pool, o, res, x, &origin, hops)) == NULL) {
            return -1;
        }
    }
}

/* ---- Hints ------------------------------------------------------------------------ */

static const char *preflight_status_hint(int status)
{
    if (status == 401 || status == 407) {
        return "the preflight reached authentication: browsers never send credentials on a "
               "preflight, so it must be answered before Require runs (mod_cors does, with "
               "CORSPreflight On)";
    }
    if (status == 403) {
        return "the server refused the preflight: is the origin on its allow-list (mod_cors "
               "answers 403 to an origin it does not allow)?";
    }
    if (status == 404 || status == 405 || status == 501) {
        return "the server does not answer OPTIONS at this URL: it must answer preflights "
               "(mod_cors does)";
    }
    return "a preflight needs a 2xx answer";
}

static const char *hint(const probe_result *res)
{
    const exchange *x = res->failed;
    int preflight = strcmp(x->kind, "preflight") == 0;
    const char *vary = apr_table_get(x->got, "vary");

    switch (res->failure) {
    case CORS_FETCH_PREFLIGHT_STATUS: return preflight_status_hint(x->status);
    case CORS_FETCH_NO_ALLOW_ORIGIN:
        if (vary && strstr(vary, "rigin")) {
            /* whatever answered decided by the Origin (Vary says so), and granted nothing */
            return "the server does not allow this origin here (it varies on Origin and sent "
                   "no grant): is the origin on its allow-list?";
        }
        if (x->status >= 400) {
            return "this error response carries no CORS headers: 'Header set' without "
                   "'always' skips error responses; write 'Header always set', or use mod_cors";
        }
        return preflight ? "the preflight's answer carries no CORS headers: the origin is not "
                           "allowed, or whatever answers OPTIONS does not add them"
                         : "the origin is not allowed here, or nothing adds CORS headers here";
    case CORS_FETCH_MULTIPLE_ALLOW_ORIGIN:
        return "two layers set Access-Control-Allow-Origin (a backend and a Header line, or "
               "'Header set' and 'Header always set'): send it once (mod_cors: "
               "CORSOverrideUpstream On)";
    case CORS_FETCH_ALLOW_ORIGIN_MISMATCH:
        return vary && strstr(vary, "rigin") ? "the server granted another origin"
                                             : "the server granted another origin, and the "
                                               "response has no 'Vary: Origin': a cache may "
                                               "have served another origin's answer";
    case CORS_FETCH_WILDCARD_WITH_CREDENTIALS:
        return "a credentialed request needs its own origin in Access-Control-Allow-Origin, "
               "never '*'";
    case CORS_FETCH_ALLOW_CREDENTIALS:
        return "send 'Access-Control-Allow-Credentials: true' (mod_cors: CORSAllowCredentials On)";
    case CORS_FETCH_METHOD_NOT_ALLOWED:
        return "list the method in Access-Control-Allow-Methods (mod_cors: CORSAllowMethods)";
    case CORS_FETCH_HEADER_NOT_ALLOWED:
        return "list the header in Access-Control-Allow-Headers (mod_cors: CORSAllowHeaders)";
    case CORS_FETCH_PREFLIGHT_REDIRECT:
        return "a preflight must be answered where it is sent: no redirect for OPTIONS";
    default: return NULL;
    }
}

/* ---- Report ------------------------------------------------------------------------ */

static int shown_header(const char *name)
{
    return strncmp(name, "access-control-", 15) == 0 || strcmp(name, "vary") == 0 ||
           strcmp(name, "location") == 0;
}

typedef struct text_baton {
    FILE *out;
    apr_pool_t *pool;
} text_baton;

static int print_text_header(void *baton, const char *name, const char *value)
{
    text_baton *b = baton;

    if (shown_header(name)) {
        fprintf(b->out, "    < %s: %s\n", name, probe_shown(b->pool, value));
    }
    return 1;
}

static void text_step(FILE *out, apr_pool_t *pool, const exchange *x)
{
    text_baton b = {out, pool};
    int i;

    fprintf(out, "%s: %s %s\n", x->kind, x->method, x->url);
    if (x->origin) {
        fprintf(out, "    > Origin: %s\n", x->origin);
    }
    if (x->acrm) {
        fprintf(out, "    > Access-Control-Request-Method: %s\n", x->acrm);
    }
    if (x->acrh) {
        fprintf(out, "    > Access-Control-Request-Headers: %s\n", x->acrh);
    }
    for (i = 0; x->headers && i < x->headers->nelts; i++) {
        const cors_fetch_header *h = &APR_ARRAY_IDX(x->headers, i, cors_fetch_header);
        fprintf(out, "    > %s: %s\n", h->name, probe_shown(pool, h->value));
    }
    if (x->status) {
        fprintf(out, "    < %d\n", x->status);
    }
    apr_table_do(print_text_header, &b, x->got, NULL);
}

static void text_report(FILE *out, apr_pool_t *pool, const probe_result *res, const char *message,
                        int rc)
{
    int i;

    for (i = 0; i < res->steps->nelts; i++) {
        text_step(out, pool, APR_ARRAY_IDX(res->steps, i, const exchange *));
    }
    if (res->same_origin && rc == 0) {
        fputs("allowed: the origin is the URL's own; a browser runs no CORS check\n", out);
    }
    else if (rc == 0) {
        const exchange *last = APR_ARRAY_IDX(res->steps, res->steps->nelts - 1, const exchange *);
        fprintf(out, "allowed: a browser lets the page read the response (status %d)\n",
                last->status);
    }
    else if (rc == 1) {
        fprintf(out, "blocked: %s\n", message);
        if (hint(res)) {
            fprintf(out, "hint: %s\n", hint(res));
        }
    }
    else {
        fprintf(out, "error: %s\n", res->error);
    }
}

static void json_field(FILE *out, const char *name, const char *value, int comma)
{
    /* a name may come from the server (a response header's): escaped as any string */
    fputs(comma ? ", " : "", out);
    lint_json_string(out, name);
    fputs(": ", out);
    if (value) {
        lint_json_string(out, value);
    }
    else {
        fputs("null", out);
    }
}

static int print_json_header(void *baton, const char *name, const char *value)
{
    int *n = baton;

    if (shown_header(name)) {
        json_field(stdout, name, value, (*n)++ > 0);
    }
    return 1;
}

static void json_step(FILE *out, const exchange *x)
{
    int i, n = 0;

    fputs("{", out);
    json_field(out, "kind", x->kind, 0);
    json_field(out, "method", x->method, 1);
    json_field(out, "url", x->url, 1);
    fputs(", \"sent\": {", out);
    json_field(out, "Origin", x->origin, 0);
    if (x->acrm) {
        json_field(out, "Access-Control-Request-Method", x->acrm, 1);
    }
    if (x->acrh) {
        json_field(out, "Access-Control-Request-Headers", x->acrh, 1);
    }
    for (i = 0; x->headers && i < x->headers->nelts; i++) {
        const cors_fetch_header *h = &APR_ARRAY_IDX(x->headers, i, cors_fetch_header);
        json_field(out, h->name, h->value, 1);
    }
    fprintf(out, "}, \"status\": %d, \"received\": {", x->status);
    apr_table_do(print_json_header, &n, x->got, NULL);
    fputs("}}", out);
}

static void json_report(FILE *out, const probe_opts *o, const probe_result *res,
                        const char *message, int rc)
{
    static const char *const verdicts[] = {"error", "allowed", "blocked"};
    int i;

    fputs("{", out);
    json_field(out, "url", o->url, 0);
    json_field(out, "origin", o->origin, 1);
    fprintf(out, ", \"credentials\": %s, \"same_origin\": %s, \"steps\": [",
            o->credentials ? "true" : "false", res->same_origin ? "true" : "false");
    for (i = 0; i < res->steps->nelts; i++) {
        fputs(i ? ", " : "", out);
        json_step(out, APR_ARRAY_IDX(res->steps, i, const exchange *));
    }
    fputs("]", out);
    json_field(out, "verdict", verdicts[rc + 1], 1);
    json_field(out, "message", rc == 1 ? message : NULL, 1);
    json_field(out, "hint", rc == 1 ? hint(res) : NULL, 1);
    json_field(out, "error", rc < 0 ? res->error : NULL, 1);
    fputs("}\n", out);
}

/* ---- The command ----------------------------------------------------------------- */

static const char *parse_args(apr_pool_t *pool, probe_opts *o, int argc, char **argv)
{
    const char *err = NULL;
    int i;

    o->method = "GET";
    o->timeout_ms = 10000;
    o->headers = apr_array_make(pool, 4, sizeof(cors_fetch_header));
    for (i = 1; i < argc && !err; i++) {
        err = parse_flag(pool, o, argc, argv, &i);
    }
    return err ? err : check_opts(pool, o);
}

int lint_probe_main(apr_pool_t *pool, int argc, char **argv)
{
    probe_opts o = {0};
    probe_result res = {0};
    const char *err, *message = NULL;
    int rc;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if ((err = parse_args(pool, &o, argc, argv)) != NULL) {
        fprintf(stderr, "cors-lint probe: %s\n%s", err, usage);
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("cors-lint probe: cannot initialise libcurl\n", stderr);
        return 2;
    }
    res.steps = apr_array_make(pool, 4, sizeof(exchange *));
    rc = run(pool, &o, &res);
    if (rc == 1) {
        cors_fetch_response r = response_of(res.failed);
        /* the message quotes what the server sent: escaped, as everywhere else */
        r.allow_origin = r.allow_origin ? probe_shown(pool, r.allow_origin) : NULL;
        r.allow_credentials = r.allow_credentials ? probe_shown(pool, r.allow_credentials) : NULL;
        message = cors_fetch_message(pool, res.failure, strcmp(res.failed->kind, "preflight") == 0,
                                     res.failed->url, res.failed->origin, &r, res.culprit);
    }
    if (o.json) {
        json_report(stdout, &o, &res, message, rc);
    }
    else {
        text_report(stdout, pool, &res, message, rc);
    }
    curl_global_cleanup();
    return rc < 0 ? 2 : rc;
}
