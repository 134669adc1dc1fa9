/* libFuzzer target for the policy core: hostile request headers and configuration
 * entries. Checks the invariants a user relies on, beyond "does not crash":
 * a granted origin is "*" or exactly the request's (valid) Origin, response values hold
 * only token characters, a denial reason never carries raw control bytes, and the two
 * origin parsers agree: where the request path's one-pass parser accepts a value, the
 * full parser accepts it too, with the same canonical form (and rejects nothing the
 * fast one accepts).
 *
 * Input: byte 0 picks the request method and credentials; the rest is split at '\n'
 * into Origin, Access-Control-Request-Method, Access-Control-Request-Headers, and a
 * configuration entry added to a scratch allow-list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors_policy.h"

static apr_pool_t *pconf;
static const cors_psl *psl;
static const psl_ctx_t *psl_ctx; /* reachable for LeakSanitizer: the pool is not scanned */
static cors_policy policies[2];

static void fuzz_init(void)
{
    static const char *const entries[] = {"https://app.example.com",
                                          "https://*.example.org",
                                          "http://localhost:*",
                                          "https://*.example.net:*",
                                          "null",
                                          NULL};
    char *methods[] = {"PUT DELETE"};
    char *headers[] = {"X-Request-Id Authorization"};
    char *expose[] = {"X-Total-Count"};
    cors_origin_list *list;
    cors_token_list *m, *h, *e;
    int i;

    apr_initialize();
    apr_pool_create(&pconf, NULL);
    psl = cors_psl_open(pconf);
    psl_ctx = cors_psl_ctx(psl);
    list = cors_origin_list_make(pconf, NULL);
    for (i = 0; entries[i]; i++) {
        if (cors_origin_list_add(list, entries[i], NULL, 0, psl)) {
            abort();
        }
    }
    cors_token_list_parse(pconf, CORS_TOKENS_METHODS, 1, methods, &m, NULL);
    cors_token_list_parse(pconf, CORS_TOKENS_HEADERS, 1, headers, &h, NULL);
    cors_token_list_parse(pconf, CORS_TOKENS_EXPOSE, 1, expose, &e, NULL);
    for (i = 0; i < 2; i++) {
        cors_policy_init(&policies[i]);
        policies[i].origins = list;
        policies[i].allow_methods = m;
        policies[i].allow_headers = h;
        policies[i].expose_headers = e;
        policies[i].allow_credentials = i;
        policies[i].max_age = "600";
    }
}

static void check_value(const char *v, int allow_space_comma)
{
    for (; v && *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c < 0x21 || c >= 0x7f) {
            if (!(allow_space_comma && c == ' ')) {
                abort();
            }
        }
    }
}

/* The one-pass parser never accepts what the full one would refuse or canonicalize
 * differently; it may decline (IPv6, "null", long schemes), and then the full parser
 * decides alone. */
static void check_parsers_agree(const char *value)
{
    cors_origin fast, full;
    cors_origin_status st;

    if (!cors_origin_parse_fast(value, &fast)) {
        return;
    }
    st = cors_origin_parse_full(value, &full);
    if (st != CORS_ORIGIN_OK || fast.len != full.len || strcmp(fast.canon, full.canon) != 0 ||
        fast.scheme_len != full.scheme_len || fast.host_off != full.host_off ||
        fast.host_len != full.host_len || fast.port != full.port || fast.is_null != full.is_null) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialized;
    char *fields[4] = {NULL, NULL, NULL, NULL};
    apr_pool_t *p;
    char *buf, *s;
    cors_request req;
    cors_decision d;
    cors_origin o;
    int i, sel;

    if (!initialized) {
        fuzz_init();
        initialized = 1;
    }
    if (size == 0) {
        return 0;
    }
    sel = data[0];
    apr_pool_create(&p, pconf);
    buf = apr_pstrmemdup(p, (const char *)data + 1, size - 1);
    for (s = buf, i = 0; i < 4 && s; i++) {
        char *nl = memchr(s, '\n', (size - 1) - (size_t)(s - buf));
        fields[i] = s;
        if (nl) {
            *nl = '\0';
            s = nl + 1;
        }
        else {
            s = NULL;
        }
    }

    memset(&req, 0, sizeof(req));
    req.method = (sel & 1) ? "OPTIONS" : "GET";
    req.origin = fields[0];
    req.request_method = fields[1];
    req.request_headers = fields[2];
    req.request_private_network = (sel & 4) ? "true" : NULL;
    cors_policy_decide(&policies[(sel >> 1) & 1], &req, p, &d);
    for (i = 0; i < 4 && fields[i]; i++) {
        check_parsers_agree(fields[i]);
    }

    if (d.allow_origin) {
        if (strcmp(d.allow_origin, "*") != 0 && strcmp(d.allow_origin, req.origin) != 0) {
            abort();
        }
        if (cors_origin_parse(req.origin, &o) != CORS_ORIGIN_OK) {
            abort(); /* an invalid origin was granted */
        }
    }
    if (d.outcome == CORS_OUTCOME_INVALID_ORIGIN && d.allow_origin) {
        abort();
    }
    check_value(d.allow_origin, 0);
    check_value(d.allow_methods, 1);
    check_value(d.allow_headers, 1);
    check_value(d.expose_headers, 1);
    if (d.reason) {
        for (s = (char *)d.reason; *s; s++) {
            if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) {
                abort();
            }
        }
    }
    if (fields[3]) {
        cors_origin_list *scratch = cors_origin_list_make(p, NULL);
        const char *err = cors_origin_list_add(scratch, fields[3], NULL, 0, psl);
        if (err == NULL && fields[0] && cors_origin_parse(fields[0], &o) == CORS_ORIGIN_OK) {
            (void)cors_origin_list_allows(scratch, &o);
        }
    }
    apr_pool_destroy(p);
    return 0;
}
