/* Unit tests of the CORS policy core (Check). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors_policy.h"
#include "test_engine.h"
#include "check_run.h"

static apr_pool_t *pool;
static const cors_psl *psl;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    psl = cors_psl_open(pool);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
    pool = NULL;
}

/* ---- helpers -------------------------------------------------------------------- */

static cors_origin_list *make_list(const char *const *entries)
{
    cors_origin_list *l = cors_origin_list_make(pool, test_engine());
    for (; *entries; entries++) {
        const char *err = cors_origin_list_add(l, *entries, NULL, 0, psl);
        ck_assert_msg(err == NULL, "entry %s: %s", *entries, err ? err : "");
    }
    return l;
}

static const cors_token_list *tokens(cors_token_kind kind, const char *spec)
{
    char *argv[1] = {apr_pstrdup(pool, spec)};
    cors_token_list *l = NULL;
    const char *err = cors_token_list_parse(pool, kind, 1, argv, &l, NULL);
    ck_assert_msg(err == NULL, "%s", err ? err : "");
    return l;
}

static void decide(const cors_policy *p, const char *method, const char *origin, const char *acrm,
                   const char *acrh, cors_decision *d)
{
    cors_request req = {method, origin, acrm, acrh, NULL};
    cors_policy_decide(p, &req, pool, d);
}

static void assert_no_grant(const cors_decision *d)
{
    ck_assert_ptr_null(d->allow_origin);
    ck_assert_ptr_null(d->allow_credentials);
    ck_assert_ptr_null(d->allow_methods);
    ck_assert_ptr_null(d->allow_headers);
    ck_assert_ptr_null(d->expose_headers);
    ck_assert_ptr_null(d->max_age);
    ck_assert_ptr_null(d->allow_private_network);
}

static const char *const app_entries[] = {"https://app.example.com", "https://*.example.org",
                                          "http://localhost:*", NULL};

static void app_policy(cors_policy *p, int credentials)
{
    cors_policy_init(p);
    p->origins = make_list(app_entries);
    p->allow_credentials = credentials;
    p->allow_methods = tokens(CORS_TOKENS_METHODS, "PUT DELETE");
    p->allow_headers = tokens(CORS_TOKENS_HEADERS, "X-Request-Id, Authorization");
    p->expose_headers = tokens(CORS_TOKENS_HEADERS, "X-Total-Count ETag");
}

/* ---- origin parsing ------------------------------------------------------------- */

static const struct {
    const char *in;
    const char *canon;
} valid_origins[] = {
    {"https://app.example.com", "https://app.example.com"},
    {"http://localhost:3000", "http://localhost:3000"},
    {"capacitor://localhost", "capacitor://localhost"},
    {"HTTPS://App.Example.COM", "https://app.example.com"},
    {"https://app.example.com:443", "https://app.example.com"},
    {"http://app.example.com:80", "http://app.example.com"},
    {"https://app.example.com:80", "https://app.example.com:80"},
    {"http://app.example.com:443", "http://app.example.com:443"},
    {"wss://chat.example.com:443", "wss://chat.example.com"},
    {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
    {"http://[::1]:8080", "http://[::1]:8080"},
    {"https://[2001:DB8::1]", "https://[2001:db8::1]"},
    {"https://a_b.example.com", "https://a_b.example.com"},
    {"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
    {"chrome-extension://abcdefghijklmnop", "chrome-extension://abcdefghijklmnop"},
    {"https://x.example:65535", "https://x.example:65535"},
    {"null", "null"},
};

START_TEST(test_origin_valid)
{
    cors_origin o;
    cors_origin_status st = cors_origin_parse(valid_origins[_i].in, &o);
    ck_assert_msg(st == CORS_ORIGIN_OK, "%s: %s", valid_origins[_i].in,
                  cors_origin_status_str(st));
    ck_assert_str_eq(o.canon, valid_origins[_i].canon);
    ck_assert_uint_eq(o.len, strlen(valid_origins[_i].canon));
}
END_TEST

static const struct {
    const char *in;
    cors_origin_status st;
} invalid_origins[] = {
    {"", CORS_ORIGIN_EMPTY},
    {"app.example.com", CORS_ORIGIN_NO_SCHEME},
    {"//app.example.com", CORS_ORIGIN_NO_SCHEME},
    {"https:app.example.com", CORS_ORIGIN_NO_SCHEME},
    {"://app.example.com", CORS_ORIGIN_NO_SCHEME},
    {"1https://app.example.com", CORS_ORIGIN_BAD_SCHEME},
    {"ht_tps://app.example.com", CORS_ORIGIN_BAD_SCHEME},
    {"https://user@app.example.com", CORS_ORIGIN_USERINFO},
    {"https://user:pw@app.example.com", CORS_ORIGIN_USERINFO},
    {"https://app.example.com@evil.example", CORS_ORIGIN_USERINFO},
    {"https://app.example.com/", CORS_ORIGIN_TRAILING_SLASH},
    {"https://app.example.com/path", CORS_ORIGIN_PATH},
    {"https://app.example.com?x=1", CORS_ORIGIN_QUERY},
    {"https://app.example.com#top", CORS_ORIGIN_FRAGMENT},
    {"https://app.example.com, https://evil.example", CORS_ORIGIN_SEVERAL},
    {"https://app.example.com,https://evil.example", CORS_ORIGIN_SEVERAL},
    {"https://app.example.com https://evil.example", CORS_ORIGIN_SEVERAL},
    {"https://app.example.com ", CORS_ORIGIN_SPACE},
    {" https://app.example.com", CORS_ORIGIN_SPACE},
    {"https://app.example.com\r\nX-Injected: 1", CORS_ORIGIN_CONTROL_CHAR},
    {"https://app.example.com\x01", CORS_ORIGIN_CONTROL_CHAR},
    {"https://app.example.com\x7f", CORS_ORIGIN_CONTROL_CHAR},
    {"https://app.ex\xc3\xa4mple.com", CORS_ORIGIN_CONTROL_CHAR},
    {"https://", CORS_ORIGIN_BAD_HOST},
    {"https://app..example.com", CORS_ORIGIN_BAD_HOST},
    {"https://.app.example.com", CORS_ORIGIN_BAD_HOST},
    {"https://app.example.com.", CORS_ORIGIN_BAD_HOST},
    {"https://app.example.com%60.evil.example", CORS_ORIGIN_BAD_HOST},
    {"https://app.example.com`.evil.example", CORS_ORIGIN_BAD_HOST},
    {"https://*.example.com", CORS_ORIGIN_BAD_HOST},
    {"https://[::1", CORS_ORIGIN_BAD_HOST},
    {"https://[]", CORS_ORIGIN_BAD_HOST},
    {"https://[::g]", CORS_ORIGIN_BAD_HOST},
    {"https://[::1]x", CORS_ORIGIN_BAD_HOST},
    {"https://app.example.com:", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:0", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:0443", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:65536", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:123456", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:8x", CORS_ORIGIN_BAD_PORT},
    {"https://app.example.com:*", CORS_ORIGIN_BAD_PORT},
    {"Null", CORS_ORIGIN_NO_SCHEME},
    {"null null", CORS_ORIGIN_SPACE},
};

START_TEST(test_origin_invalid)
{
    cors_origin o;
    cors_origin_status st = cors_origin_parse(invalid_origins[_i].in, &o);
    ck_assert_msg(st == invalid_origins[_i].st, "'%s': got '%s', want '%s'",
                  invalid_origins[_i].in, cors_origin_status_str(st),
                  cors_origin_status_str(invalid_origins[_i].st));
}
END_TEST

START_TEST(test_origin_too_long)
{
    char *big = malloc(CORS_ORIGIN_MAX + 100);
    cors_origin o;

    memcpy(big, "https://", 8);
    memset(big + 8, 'a', CORS_ORIGIN_MAX + 100 - 9);
    big[CORS_ORIGIN_MAX + 99] = '\0';
    ck_assert_int_eq(cors_origin_parse(big, &o), CORS_ORIGIN_TOO_LONG);
    /* exactly at the limit is fine */
    big[CORS_ORIGIN_MAX] = '\0';
    ck_assert_int_eq(cors_origin_parse(big, &o), CORS_ORIGIN_OK);
    ck_assert_uint_eq(o.len, CORS_ORIGIN_MAX);
    free(big);
}
END_TEST

/* Every special character that scanners put before the domain is invalid in a host. */
START_TEST(test_origin_special_chars)
{
    static const char specials[] = "%`!$&'()*+,;=~{|}\"<>^\\";
    const char *s;

    for (s = specials; *s; s++) {
        char buf[64];
        cors_origin o;
        apr_snprintf(buf, sizeof(buf), "https://app.example.com%c.evil.example", *s);
        ck_assert_msg(cors_origin_parse(buf, &o) != CORS_ORIGIN_OK, "%s accepted", buf);
    }
}
END_TEST

/* ---- configuration entries ---------------------------------------------------------- */

static const struct {
    const char *entry;
    const char *message_part;
} bad_entries[] = {
    {"https://app.example.com/", "trailing slash: an origin is scheme://host[:port] with "
                                 "nothing else; write 'https://app.example.com'"},
    {"https://app.example.com/api", "has a path"},
    {"https://app.example.com/api", "write 'https://app.example.com'"},
    {"https://app.example.com?a=b", "has a query"},
    {"https://app.example.com#x", "has a fragment"},
    {"https://bob@app.example.com", "has userinfo"},
    {"https://bob@app.example.com", "write 'https://app.example.com'"},
    {"app.example.com", "has no scheme"},
    {"app.example.com", "write 'https://app.example.com'"},
    {"https://app.*.example.com", "misplaced wildcard"},
    {"https://*example.com", "misplaced wildcard"},
    {"https://a*.example.com", "misplaced wildcard"},
    {"https://*", "misplaced wildcard"},
    {"https://*.*.example.com", "misplaced wildcard"},
    {"https://app.example.com:8*", "misplaced wildcard"},
    {"*.example.com", "has no scheme"},
    {"https://*.com", "public suffix 'com'"},
    {"https://*.co.uk", "public suffix 'co.uk'"},
    {"https://*.github.io", "public suffix 'github.io'"},
    {"https://a.example,https://b.example", "several origins"},
    {"https://x.example:99999", "invalid port"},
    {"NULL", "'null' in lower case"},
    {"https://exa mple.com", "white space"},
};

START_TEST(test_entry_errors)
{
    cors_origin_list *l = cors_origin_list_make(pool, test_engine());
    const char *err = cors_origin_list_add(l, bad_entries[_i].entry, NULL, 0, psl);

    ck_assert_msg(err != NULL, "%s accepted", bad_entries[_i].entry);
    ck_assert_msg(strstr(err, bad_entries[_i].message_part) != NULL, "%s: message '%s' lacks '%s'",
                  bad_entries[_i].entry, err, bad_entries[_i].message_part);
    ck_assert_int_eq(cors_origin_list_count(l), 0);
}
END_TEST

START_TEST(test_entry_forms)
{
    static const char *const ok[] = {"https://app.example.com",
                                     "http://localhost:3000",
                                     "capacitor://localhost",
                                     "https://*.example.com",
                                     "https://*.example.co.uk",
                                     "https://*.localhost",
                                     "http://localhost:*",
                                     "https://*.example.com:*",
                                     "https://*.example.com:8443",
                                     "*",
                                     "null",
                                     "HTTPS://APP.EXAMPLE.COM:443",
                                     NULL};
    cors_origin_list *l = make_list(ok);

    /* "HTTPS://APP.EXAMPLE.COM:443" is the first entry again once normalized */
    ck_assert_int_eq(cors_origin_list_count(l), 11);
    ck_assert(cors_origin_list_has_any(l));
    ck_assert(cors_origin_list_has_null(l));
}
END_TEST

static int allows(const cors_origin_list *l, const char *origin)
{
    cors_origin o;
    if (cors_origin_parse(origin, &o) != CORS_ORIGIN_OK) {
        return 0;
    }
    return cors_origin_list_allows(l, &o);
}

START_TEST(test_list_matching)
{
    static const char *const entries[] = {"https://app.example.com",
                                          "https://*.example.org",
                                          "http://localhost:*",
                                          "https://*.example.net:*",
                                          "https://*.example.io:8443",
                                          "http://[::1]:3000",
                                          "HTTPS://Upper.Example.com:443",
                                          NULL};
    cors_origin_list *l = make_list(entries);

    ck_assert(allows(l, "https://app.example.com"));
    ck_assert(allows(l, "https://app.example.com:443"));
    ck_assert(allows(l, "HTTPS://APP.EXAMPLE.COM"));
    ck_assert(allows(l, "https://upper.example.com"));
    ck_assert(!allows(l, "http://app.example.com"));
    ck_assert(!allows(l, "https://app.example.com:8443"));
    ck_assert(!allows(l, "https://example.com"));
    /* subdomain wildcard: one or more labels, same scheme and port, apex excluded */
    ck_assert(allows(l, "https://a.example.org"));
    ck_assert(allows(l, "https://a.b.c.example.org"));
    ck_assert(!allows(l, "https://example.org"));
    ck_assert(!allows(l, "http://a.example.org"));
    ck_assert(!allows(l, "https://a.example.org:8443"));
    ck_assert(!allows(l, "https://aexample.org"));
    ck_assert(!allows(l, "https://a.example.org.evil.example"));
    ck_assert(!allows(l, "https://a.example.orgx"));
    /* wildcard with a port */
    ck_assert(allows(l, "https://a.example.io:8443"));
    ck_assert(!allows(l, "https://a.example.io"));
    ck_assert(allows(l, "https://a.example.net"));
    ck_assert(allows(l, "https://a.b.example.net:9999"));
    ck_assert(!allows(l, "https://example.net:9999"));
    /* port wildcard */
    ck_assert(allows(l, "http://localhost"));
    ck_assert(allows(l, "http://localhost:3000"));
    ck_assert(allows(l, "http://localhost:65535"));
    ck_assert(!allows(l, "https://localhost:3000"));
    ck_assert(!allows(l, "http://a.localhost:3000"));
    ck_assert(!allows(l, "http://localhostx:3000"));
    ck_assert(allows(l, "http://[::1]:3000"));
    ck_assert(!allows(l, "http://[::1]:3001"));
    ck_assert(!allows(l, "null"));
}
END_TEST

START_TEST(test_list_regex)
{
    static const char *const entries[] = {"https://app.example.com", NULL};
    cors_origin_list *l = make_list(entries);

    ck_assert(!allows(l, "https://pr-12.preview.example.dev"));
    ck_assert_ptr_null(cors_origin_list_add_regex(l, "https://pr-[0-9]+\\.preview\\.example\\.dev",
                                                  NULL, 0, psl));
    ck_assert_int_eq(cors_origin_list_count(l), 2);
    ck_assert(allows(l, "https://pr-12.preview.example.dev"));
    /* matched against the canonical form, and anchored */
    ck_assert(allows(l, "HTTPS://PR-12.PREVIEW.EXAMPLE.DEV"));
    ck_assert(!allows(l, "https://pr-12.preview.example.dev.evil.com"));
    ck_assert(!allows(l, "https://xpr-12.preview.example.dev"));
    ck_assert(allows(l, "https://app.example.com"));
    ck_assert(!allows(l, "null"));
}
END_TEST

/* A regex that backtracks catastrophically on a hostile origin is refused like any bad
 * value, with why and how to fix it; the safe shapes next to it are kept. */
START_TEST(test_list_regex_redos)
{
    static const char *const refused[][2] = {
        {"^https://([a-z0-9-]+\\.?)+\\.example\\.com$",
         "'^https://([a-z0-9-]+\\.?)+\\.example\\.com$' can take exponential time on a hostile "
         "Origin: the repeated part '([a-z0-9-]+\\.?)+' can match the same text in two ways; "
         "write it so that it cannot, e.g. '([a-z0-9-]+\\.)*'"},
        {"(.*)*(.*)*x", "the repeated part '(.*)*'"},
        {"https://(a|a)+\\.example\\.com", "the repeated part '(a|a)+'"},
        {"https://.*-.*-.*\\.example\\.com", "polynomial time (n^3 steps"},
    };
    static const char *const kept[] = {
        "^https://([a-z0-9-]+\\.)*example\\.com$",
        "^https?://(www\\.)?(foo|bar)\\.example\\.com(:[0-9]+)?$",
        "https://.*-.*\\.example\\.com",
    };
    cors_origin_list *l = cors_origin_list_make(pool, test_engine());
    apr_size_t i;

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *err = cors_origin_list_add_regex(l, refused[i][0], NULL, 0, psl);
        ck_assert_msg(err && strstr(err, refused[i][1]), "%s: %s", refused[i][0],
                      err ? err : "accepted");
    }
    ck_assert_int_eq(cors_origin_list_count(l), 0);
    for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        const char *err = cors_origin_list_add_regex(l, kept[i], NULL, 0, psl);
        ck_assert_msg(err == NULL, "%s: %s", kept[i], err);
    }
    ck_assert(allows(l, "https://a.b.example.com"));
    ck_assert(!allows(l, "https://a.b.example.com:1"));
}
END_TEST

/* CORSAllowOrigin and CORSAllowOriginRegex merge separately, so a policy holds both. */
START_TEST(test_decide_separate_regex_list)
{
    static const char *const entries[] = {"https://app.example.com", NULL};
    cors_origin_list *regexes = cors_origin_list_make(pool, test_engine());
    cors_policy p;
    cors_decision d;

    ck_assert_ptr_null(cors_origin_list_add_regex(
        regexes, "https://[a-z]+\\.preview\\.example\\.dev", NULL, 0, psl));
    cors_policy_init(&p);
    p.origin_regexes = regexes;
    decide(&p, "GET", "https://pr.preview.example.dev", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    ck_assert_str_eq(d.allow_origin, "https://pr.preview.example.dev");
    ck_assert_str_eq(d.vary, "Origin");
    decide(&p, "GET", "https://app.example.com", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_ORIGIN);
    p.origins = make_list(entries);
    decide(&p, "GET", "https://app.example.com", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    decide(&p, "GET", "https://pr.preview.example.dev", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
}
END_TEST

START_TEST(test_list_large)
{
    cors_origin_list *l = cors_origin_list_make(pool, test_engine());
    int i;

    for (i = 0; i < 10000; i++) {
        ck_assert_ptr_null(cors_origin_list_add(
            l, apr_psprintf(pool, "https://app%d.example.com", i), NULL, 0, psl));
    }
    for (i = 0; i < 1000; i++) {
        ck_assert_ptr_null(cors_origin_list_add(
            l, apr_psprintf(pool, "https://*.tenant%d.example.net", i), NULL, 0, psl));
    }
    ck_assert_int_eq(cors_origin_list_count(l), 11000);
    ck_assert(allows(l, "https://app0.example.com"));
    ck_assert(allows(l, "https://app9999.example.com"));
    ck_assert(!allows(l, "https://app10000.example.com"));
    ck_assert(allows(l, "https://x.tenant999.example.net"));
    ck_assert(!allows(l, "https://tenant999.example.net"));
    ck_assert(!allows(l, "https://x.tenant1000.example.net"));
}
END_TEST

/* ---- tokens ------------------------------------------------------------------------ */

START_TEST(test_tokens)
{
    const cors_token_list *m = tokens(CORS_TOKENS_METHODS, "PUT, DELETE PATCH PUT");
    const cors_token_list *h = tokens(CORS_TOKENS_HEADERS, "X-Request-Id,Authorization");
    cors_token_list *out = NULL;
    char *bad_method[] = {"PU(T"};
    char *bad_header[] = {"X-Ok", "X:Bad"};
    char *star[] = {"*"};
    const char *err;

    ck_assert_str_eq(m->joined, "GET, HEAD, POST, PUT, DELETE, PATCH");
    ck_assert(cors_token_list_has(m, "PATCH", 5));
    ck_assert(!cors_token_list_has(m, "patch", 5));
    ck_assert_str_eq(h->joined, "X-Request-Id, Authorization");
    ck_assert(cors_token_list_has(h, "x-request-ID", 12));
    ck_assert(!cors_token_list_has(h, "x-request", 9));

    err = cors_token_list_parse(pool, CORS_TOKENS_METHODS, 1, bad_method, &out, NULL);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "'PU(T' is not a valid method") != NULL, "%s", err);
    err = cors_token_list_parse(pool, CORS_TOKENS_HEADERS, 2, bad_header, &out, NULL);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "'X:Bad' is not a valid header name") != NULL, "%s", err);
    ck_assert_ptr_null(cors_token_list_parse(pool, CORS_TOKENS_HEADERS, 1, star, &out, NULL));
    ck_assert(out->any);
    ck_assert_str_eq(out->joined, "*");

    ck_assert(cors_is_token("X-Custom_1.a~", 13));
    ck_assert(!cors_is_token("", 0));
    ck_assert(!cors_is_token("a b", 3));
    ck_assert(!cors_is_token("a\x80", 2));
    ck_assert(cors_is_safelisted_method("POST"));
    ck_assert(!cors_is_safelisted_method("post"));
}
END_TEST

START_TEST(test_max_age)
{
    const char *v = NULL;

    ck_assert_ptr_null(cors_max_age_parse(pool, "600", &v));
    ck_assert_str_eq(v, "600");
    ck_assert_ptr_null(cors_max_age_parse(pool, "0", &v));
    ck_assert_str_eq(v, "0");
    ck_assert_ptr_null(cors_max_age_parse(pool, "86400", &v));
    ck_assert_ptr_null(cors_max_age_parse(pool, "007", &v));
    ck_assert_str_eq(v, "7");
    ck_assert_ptr_nonnull(cors_max_age_parse(pool, "86401", &v));
    ck_assert_ptr_nonnull(cors_max_age_parse(pool, "-1", &v));
    ck_assert_ptr_nonnull(cors_max_age_parse(pool, "10m", &v));
    ck_assert_ptr_nonnull(cors_max_age_parse(pool, "", &v));
    ck_assert_ptr_nonnull(cors_max_age_parse(pool, "99999999999999999999", &v));
    ck_assert(strstr(cors_max_age_parse(pool, "1e3", &v), "0 to 86400") != NULL);
}
END_TEST

/* ---- Access-Control-Request-Headers ------------------------------------------------ */

typedef struct {
    int n;
    char names[8][32];
} collected;

static int collect(void *baton, const char *name, apr_size_t len)
{
    collected *c = baton;
    if (c->n < 8 && len < 32) {
        memcpy(c->names[c->n], name, len);
        c->names[c->n][len] = '\0';
    }
    c->n++;
    return 0;
}

START_TEST(test_acrh_parse)
{
    collected c = {0};
    const char *bad = NULL;
    apr_size_t bad_len = 0;
    char *s;
    int i;

    ck_assert_int_eq(cors_acrh_parse("content-type,x-a , X-B,\t,x-c", collect, &c, NULL, NULL),
                     CORS_ACRH_OK);
    ck_assert_int_eq(c.n, 4);
    ck_assert_str_eq(c.names[0], "content-type");
    ck_assert_str_eq(c.names[1], "x-a");
    ck_assert_str_eq(c.names[2], "X-B");
    ck_assert_str_eq(c.names[3], "x-c");

    c.n = 0;
    ck_assert_int_eq(cors_acrh_parse("x-a, x b", collect, &c, &bad, &bad_len),
                     CORS_ACRH_BAD_TOKEN);
    ck_assert_uint_eq(bad_len, 3);
    ck_assert(strncmp(bad, "x b", 3) == 0);

    /* 16 empty elements are tolerated, 17 are not */
    ck_assert_int_eq(cors_acrh_parse(",,,,,,,,,,,,,,,x", collect, &c, NULL, NULL), CORS_ACRH_OK);
    ck_assert_int_eq(cors_acrh_parse(",,,,,,,,,,,,,,,,,x", collect, &c, NULL, NULL),
                     CORS_ACRH_TOO_MANY_EMPTY);

    s = apr_palloc(pool, 65 * 3 + 1);
    for (i = 0; i < 65; i++) {
        memcpy(s + 3 * i, "ab,", 3);
    }
    s[65 * 3 - 1] = '\0';
    ck_assert_int_eq(cors_acrh_parse(s, collect, &c, NULL, NULL), CORS_ACRH_TOO_MANY);
}
END_TEST

/* 1 MB of commas is rejected by the length check before anything else is read. */
START_TEST(test_acrh_adversarial)
{
    apr_size_t n = 1024 * 1024;
    char *s = malloc(n + 1);
    collected c = {0};
    cors_policy p;
    cors_decision d;

    memset(s, ',', n);
    s[n] = '\0';
    ck_assert_int_eq(cors_acrh_parse(s, collect, &c, NULL, NULL), CORS_ACRH_TOO_LONG);
    ck_assert_int_eq(c.n, 0);

    app_policy(&p, 1);
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", s, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_str_eq(d.reason, "Access-Control-Request-Headers too long");
    ck_assert_ptr_null(d.allow_headers);
    /* rule 4: the origin is still granted, so the browser names the real cause */
    ck_assert_str_eq(d.allow_origin, "https://app.example.com");
    free(s);
}
END_TEST

/* ---- decisions --------------------------------------------------------------------- */

START_TEST(test_decide_no_origin)
{
    cors_policy p;
    cors_decision d;

    app_policy(&p, 0);
    decide(&p, "GET", NULL, NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_NONE);
    assert_no_grant(&d);
    ck_assert_str_eq(d.vary, "Origin");
    ck_assert_str_eq(cors_outcome_str(d.outcome), "none");
}
END_TEST

START_TEST(test_decide_actual_allowed)
{
    cors_policy p;
    cors_decision d;

    app_policy(&p, 1);
    decide(&p, "GET", "https://app.example.com", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    ck_assert(!d.is_preflight);
    ck_assert_str_eq(d.allow_origin, "https://app.example.com");
    ck_assert_str_eq(d.allow_credentials, "true");
    ck_assert_str_eq(d.expose_headers, "X-Total-Count, ETag");
    ck_assert_str_eq(d.vary, "Origin");
    ck_assert_ptr_null(d.allow_methods);
    ck_assert_ptr_null(d.allow_headers);
    ck_assert_ptr_null(d.max_age);

    /* without credentials the origin is still echoed (the list is not "*") */
    app_policy(&p, 0);
    decide(&p, "POST", "https://tenant.example.org", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    ck_assert_str_eq(d.allow_origin, "https://tenant.example.org");
    ck_assert_ptr_null(d.allow_credentials);

    /* an OPTIONS without Access-Control-Request-Method is an actual request */
    decide(&p, "OPTIONS", "https://app.example.com", NULL, NULL, &d);
    ck_assert(!d.is_preflight);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    decide(&p, "OPTIONS", "https://app.example.com", "", NULL, &d);
    ck_assert(!d.is_preflight);
}
END_TEST

START_TEST(test_decide_star)
{
    static const char *const star[] = {"*", NULL};
    cors_policy p;
    cors_decision d;

    cors_policy_init(&p);
    p.origins = make_list(star);
    decide(&p, "GET", "https://anything.example", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    ck_assert_str_eq(d.allow_origin, "*");
    ck_assert_ptr_null(d.allow_credentials);
    ck_assert_ptr_null(d.vary); /* rule 8: the answer does not depend on the origin */
    /* every response in scope says "*", with a valid Origin or not, so that a cache
     * never keeps a copy without it for a later fetch (rule 8, issue 13) */
    p.expose_headers = tokens(CORS_TOKENS_HEADERS, "ETag");
    decide(&p, "GET", NULL, NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_NONE);
    ck_assert_str_eq(d.allow_origin, "*");
    ck_assert_str_eq(d.expose_headers, "ETag");
    ck_assert_ptr_null(d.vary);
    decide(&p, "GET", "https://a.example, https://b.example", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_INVALID_ORIGIN);
    ck_assert_str_eq(d.allow_origin, "*");
    ck_assert_ptr_null(d.allow_credentials);
    /* a preflight with an invalid Origin is still refused (rule 5) */
    decide(&p, "OPTIONS", "https://a.example/path", "GET", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_INVALID_ORIGIN);
    ck_assert(d.status_forbidden);
    assert_no_grant(&d);
    decide(&p, "OPTIONS", "https://anything.example", "GET", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_origin, "*");
    ck_assert_str_eq(d.vary, "Access-Control-Request-Method, Access-Control-Request-Headers");
    /* "*" covers the opaque origin as "*" (no reflection) */
    decide(&p, "GET", "null", NULL, NULL, &d);
    ck_assert_str_eq(d.allow_origin, "*");
}
END_TEST

START_TEST(test_decide_preflight_allowed)
{
    cors_policy p;
    cors_decision d;

    app_policy(&p, 1);
    p.max_age = "600";
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", "authorization,x-request-id", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert(d.is_preflight);
    ck_assert(!d.status_forbidden);
    ck_assert_str_eq(d.allow_origin, "https://app.example.com");
    ck_assert_str_eq(d.allow_credentials, "true");
    ck_assert_str_eq(d.allow_methods, "GET, HEAD, POST, PUT, DELETE");
    ck_assert_str_eq(d.allow_headers, "authorization, x-request-id");
    ck_assert_str_eq(d.max_age, "600");
    ck_assert_ptr_null(d.expose_headers);
    ck_assert_ptr_null(d.allow_private_network);
    ck_assert_str_eq(d.vary,
                     "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    ck_assert_str_eq(cors_outcome_str(d.outcome), "preflight");

    /* no headers requested: no Allow-Headers */
    decide(&p, "OPTIONS", "https://app.example.com", "DELETE", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_ptr_null(d.allow_headers);
    decide(&p, "OPTIONS", "https://app.example.com", "DELETE", "", &d);
    ck_assert_ptr_null(d.allow_headers);
    /* several header lines joined by httpd, mixed case, spaces */
    decide(&p, "OPTIONS", "https://app.example.com", "POST", "X-Request-ID , authorization", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_headers, "x-request-id, authorization");
    /* a safelisted name is asked for only with a value that is not safelisted: granted
     * only when listed (issue 13) */
    decide(&p, "OPTIONS", "https://app.example.com", "POST", "X-Request-ID, Accept", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_str_eq(d.reason, "header Accept not allowed");
}
END_TEST

START_TEST(test_decide_preflight_defaults)
{
    static const char *const one[] = {"https://app.example.com", NULL};
    cors_policy p;
    cors_decision d;

    cors_policy_init(&p);
    p.origins = make_list(one);
    decide(&p, "OPTIONS", "https://app.example.com", "POST", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_methods, "GET, HEAD, POST");
    ck_assert_ptr_null(d.allow_headers);
    ck_assert_ptr_null(d.allow_credentials);
    /* Content-Type is asked for when it is application/json: nobody allowed that
     * (issue 13) */
    decide(&p, "OPTIONS", "https://app.example.com", "POST", "Content-Type", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_ptr_null(d.allow_headers);
    decide(&p, "OPTIONS", "https://app.example.com", "POST", NULL, &d);
    ck_assert_ptr_null(d.max_age);
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_METHOD);
    decide(&p, "OPTIONS", "https://app.example.com", "GET", "x-custom", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
}
END_TEST

START_TEST(test_decide_preflight_denied_method)
{
    cors_policy p;
    cors_decision d;

    app_policy(&p, 1);
    decide(&p, "OPTIONS", "https://app.example.com", "PATCH", "x-request-id", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_METHOD);
    ck_assert(!d.status_forbidden);
    ck_assert_str_eq(d.allow_origin, "https://app.example.com");
    ck_assert_str_eq(d.allow_credentials, "true");
    ck_assert_ptr_null(d.allow_methods);
    ck_assert_str_eq(d.reason, "method PATCH not allowed");
    ck_assert_str_eq(cors_outcome_str(d.outcome), "denied-method");
    /* methods are case-sensitive tokens */
    decide(&p, "OPTIONS", "https://app.example.com", "put", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_METHOD);
    /* an invalid token is never echoed nor logged raw */
    decide(&p, "OPTIONS", "https://app.example.com", "PUT\r\nX: y", NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_METHOD);
    ck_assert_str_eq(d.reason, "invalid Access-Control-Request-Method");
}
END_TEST

START_TEST(test_decide_preflight_denied_header)
{
    cors_policy p;
    cors_decision d;

    app_policy(&p, 0);
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", "x-request-id,x-evil", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert(!d.status_forbidden);
    ck_assert_str_eq(d.allow_origin, "https://app.example.com");
    ck_assert_str_eq(d.allow_methods, "GET, HEAD, POST, PUT, DELETE");
    /* the listed subset is granted, so that every browser names the header missing */
    ck_assert_str_eq(d.allow_headers, "x-request-id");
    ck_assert_str_eq(d.reason, "header x-evil not allowed");
    ck_assert_str_eq(cors_outcome_str(d.outcome), "denied-header");
    /* the first refused name is logged, wherever it is; every listed one is granted
     * (issue 15: Firefox named content-type, the listed one, when none was granted) */
    decide(&p, "OPTIONS", "https://app.example.com", "PUT",
           "X-Other, Authorization, x-evil, X-Request-Id", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_str_eq(d.allow_headers, "authorization, x-request-id");
    ck_assert_str_eq(d.reason, "header X-Other not allowed");
    /* nothing listed among the requested names: no Allow-Headers */
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", "x-evil,x-other", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_ptr_null(d.allow_headers);
    ck_assert_str_eq(d.reason, "header x-evil not allowed");
    decide(&p, "OPTIONS", "https://app.example.com", "PUT", "x-request-id, bad header", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_str_eq(d.reason, "Access-Control-Request-Headers has an invalid name");
}
END_TEST

START_TEST(test_decide_star_methods_headers_echo)
{
    cors_policy p;
    cors_decision d;

    /* without credentials: "*" is sent as is for methods; the requested names are
     * echoed */
    app_policy(&p, 0);
    p.allow_methods = tokens(CORS_TOKENS_METHODS, "*");
    p.allow_headers = tokens(CORS_TOKENS_HEADERS, "*");
    decide(&p, "OPTIONS", "https://app.example.com", "PURGE", "content-type,x-anything", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_methods, "*");
    ck_assert_str_eq(d.allow_headers, "content-type, x-anything");
    /* "*" never covers Authorization (Fetch): it must be listed by name (issue 13) */
    decide(&p, "OPTIONS", "https://app.example.com", "PURGE", "authorization,x-anything", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_HEADER);
    ck_assert_str_eq(d.allow_headers, "x-anything");
    ck_assert_str_eq(d.reason, "header authorization not allowed");
    p.allow_headers = tokens(CORS_TOKENS_HEADERS, "* Authorization");
    decide(&p, "OPTIONS", "https://app.example.com", "PURGE", "authorization,x-anything", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_headers, "authorization, x-anything");

    /* with credentials: "*" would be literal, so the request is echoed */
    p.allow_credentials = 1;
    decide(&p, "OPTIONS", "https://app.example.com", "PURGE", "authorization,x-anything", &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    ck_assert_str_eq(d.allow_methods, "PURGE");
    ck_assert_str_eq(d.allow_headers, "authorization, x-anything");
    ck_assert_str_eq(d.allow_credentials, "true");
}
END_TEST

START_TEST(test_decide_private_network)
{
    cors_policy p;
    cors_decision d;
    cors_request req = {"OPTIONS", "https://app.example.com", "GET", NULL, "true"};

    app_policy(&p, 0);
    cors_policy_decide(&p, &req, pool, &d);
    ck_assert_ptr_null(d.allow_private_network);
    p.allow_private_network = 1;
    cors_policy_decide(&p, &req, pool, &d);
    ck_assert_str_eq(d.allow_private_network, "true");
    req.request_private_network = "false";
    cors_policy_decide(&p, &req, pool, &d);
    ck_assert_ptr_null(d.allow_private_network);
    /* never on actual responses */
    req.method = "GET";
    req.request_method = NULL;
    req.request_private_network = "true";
    cors_policy_decide(&p, &req, pool, &d);
    ck_assert_ptr_null(d.allow_private_network);
}
END_TEST

START_TEST(test_decide_null_origin)
{
    static const char *const with_null[] = {"https://app.example.com", "null", NULL};
    cors_policy p;
    cors_decision d;

    app_policy(&p, 1);
    decide(&p, "GET", "null", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_DENIED_ORIGIN);
    assert_no_grant(&d);
    p.origins = make_list(with_null);
    decide(&p, "GET", "null", NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_ALLOWED);
    ck_assert_str_eq(d.allow_origin, "null");
}
END_TEST

/* Every attack class that CORS scanners try against an allow-list is denied, as a
 * preflight (403, no grant) and as an actual request (no grant), with and without
 * credentials. */
static const char *const attack_origins[] = {
    "https://evil.example",                 /* reflection of an unlisted origin */
    "https://app.example.com.evil.example", /* prefix match */
    "https://evilapp.example.com",          /* suffix match */
    "https://app.example.comevil.example",
    "https://appxexample.com", /* unescaped dot */
    "https://app-example.com",
    "https://app.example.com_.evil.example", /* special characters */
    "https://app.example.com%60.evil.example",
    "https://app.example.com`.evil.example",
    "https://app.example.com!.evil.example",
    "https://app.example.com$.evil.example",
    "https://app.example.com&.evil.example",
    "https://app.example.com'.evil.example",
    "https://app.example.com(.evil.example",
    "https://app.example.com).evil.example",
    "https://app.example.com*.evil.example",
    "https://app.example.com+.evil.example",
    "https://app.example.com,.evil.example",
    "https://app.example.com;.evil.example",
    "https://app.example.com=.evil.example",
    "https://app.example.com~.evil.example",
    "https://app.example.com{.evil.example",
    "https://app.example.com|.evil.example",
    "null",                         /* opaque origin */
    "http://app.example.com",       /* downgrade */
    "https://app.example.com:8443", /* other port */
    "https://app.example.com:444",
    "https://user@app.example.com", /* userinfo */
    "https://app.example.com@evil.example",
    "https://app.example.com/",                      /* trailing slash */
    "https://app.example.com/path",                  /* path */
    "https://app.example.com, https://evil.example", /* several origins */
    "https://evil.example https://app.example.com",
    "https://app.example.com\r\nSet-Cookie: x=1", /* control characters */
    "https://app.example.com\t",
    "https://example.org", /* apex of a wildcard */
    "https://example.org.evil.example",
    "https://xexample.org",
    "http://a.example.org",
    "https://a.example.org:8443",
    "http://localhost.evil.example", /* port wildcard abuse */
    "https://localhost:3000",
    "",
};

START_TEST(test_attack_denied)
{
    const char *o = attack_origins[_i];
    int cred;

    for (cred = 0; cred < 2; cred++) {
        cors_policy p;
        cors_decision d;
        app_policy(&p, cred);
        decide(&p, "OPTIONS", o, "GET", NULL, &d);
        ck_assert_msg(d.outcome == CORS_OUTCOME_DENIED_ORIGIN ||
                          d.outcome == CORS_OUTCOME_INVALID_ORIGIN,
                      "preflight from '%s' got %s", o, cors_outcome_str(d.outcome));
        ck_assert_msg(d.status_forbidden, "preflight from '%s' not 403", o);
        assert_no_grant(&d);
        ck_assert_str_eq(d.vary, "Origin, Access-Control-Request-Method, "
                                 "Access-Control-Request-Headers");
        decide(&p, "GET", o, NULL, NULL, &d);
        ck_assert_msg(d.outcome == CORS_OUTCOME_DENIED_ORIGIN ||
                          d.outcome == CORS_OUTCOME_INVALID_ORIGIN,
                      "GET from '%s' got %s", o, cors_outcome_str(d.outcome));
        assert_no_grant(&d);
        ck_assert_str_eq(d.vary, "Origin");
        ck_assert_ptr_nonnull(d.reason);
        /* a reason never carries raw request bytes that are not an origin */
        ck_assert_msg(strpbrk(d.reason, "\r\n\t") == NULL, "reason '%s'", d.reason);
    }
}
END_TEST

/* The exact-origin shortcut (an Origin byte for byte equal to a canonical entry needs
 * no parsing) and the full parse must agree: hosts of every length around the hash's
 * eight-byte steps, each entry, each entry with one byte changed, one byte more or
 * less, and non-canonical spellings, which only the full parse allows. */
START_TEST(test_decide_exact_shortcut)
{
    cors_origin_list *l = cors_origin_list_make(pool, test_engine());
    cors_policy p;
    cors_decision d;
    char host[40], entry[64];
    int n, k;

    for (n = 1; n < 30; n++) {
        for (k = 0; k < n; k++) {
            host[k] = (char)('a' + (k + n) % 26);
        }
        host[n] = '\0';
        ck_assert_ptr_null(
            cors_origin_list_add(l, apr_psprintf(pool, "https://%s.example", host), NULL, 0, psl));
    }
    cors_policy_init(&p);
    p.origins = l;
    for (n = 1; n < 30; n++) {
        const char *canon;
        char *variant;
        apr_size_t len, i;
        for (k = 0; k < n; k++) {
            host[k] = (char)('a' + (k + n) % 26);
        }
        host[n] = '\0';
        canon = apr_psprintf(pool, "https://%s.example", host);
        len = strlen(canon);
        decide(&p, "GET", canon, NULL, NULL, &d);
        ck_assert_msg(d.outcome == CORS_OUTCOME_ALLOWED, "%s", canon);
        ck_assert_str_eq(d.allow_origin, canon);
        for (i = 8; i < len; i++) { /* one byte changed: denied (or invalid) */
            variant = apr_pstrdup(pool, canon);
            variant[i] = variant[i] == 'z' ? 'y' : 'z';
            decide(&p, "GET", variant, NULL, NULL, &d);
            ck_assert_msg(d.outcome != CORS_OUTCOME_ALLOWED, "%s", variant);
        }
        decide(&p, "GET", apr_pstrcat(pool, canon, "x", NULL), NULL, NULL, &d);
        ck_assert(d.outcome != CORS_OUTCOME_ALLOWED);
        decide(&p, "GET", apr_pstrmemdup(pool, canon, len - 1), NULL, NULL, &d);
        ck_assert(d.outcome != CORS_OUTCOME_ALLOWED);
        /* spellings that are the same origin: allowed by the full parse, echoed as sent */
        snprintf(entry, sizeof(entry), "HTTPS://%s.EXAMPLE:443", host);
        decide(&p, "GET", entry, NULL, NULL, &d);
        ck_assert_msg(d.outcome == CORS_OUTCOME_ALLOWED, "%s", entry);
        ck_assert_str_eq(d.allow_origin, entry);
        /* as a preflight too */
        decide(&p, "OPTIONS", canon, "GET", NULL, &d);
        ck_assert_int_eq(d.outcome, CORS_OUTCOME_PREFLIGHT);
    }
}
END_TEST

START_TEST(test_oversized_origin_denied)
{
    char *big = apr_palloc(pool, 5000);
    cors_policy p;
    cors_decision d;

    memcpy(big, "https://app.example.com", 23);
    memset(big + 23, 'a', 5000 - 24);
    big[4999] = '\0';
    app_policy(&p, 1);
    decide(&p, "GET", big, NULL, NULL, &d);
    ck_assert_int_eq(d.outcome, CORS_OUTCOME_INVALID_ORIGIN);
    ck_assert_str_eq(d.reason, "Origin is longer than 1024 bytes");
    assert_no_grant(&d);
}
END_TEST

START_TEST(test_outcome_strings)
{
    ck_assert_str_eq(cors_outcome_str(CORS_OUTCOME_ALLOWED), "allowed");
    ck_assert_str_eq(cors_outcome_str(CORS_OUTCOME_DENIED_ORIGIN), "denied-origin");
    ck_assert_str_eq(cors_outcome_str(CORS_OUTCOME_INVALID_ORIGIN), "invalid-origin");
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("cors_policy");
    TCase *tc;

    tc = tcase_create("origins");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_origin_valid, 0,
                        sizeof(valid_origins) / sizeof(valid_origins[0]));
    tcase_add_loop_test(tc, test_origin_invalid, 0,
                        sizeof(invalid_origins) / sizeof(invalid_origins[0]));
    tcase_add_test(tc, test_origin_too_long);
    tcase_add_test(tc, test_origin_special_chars);
    suite_add_tcase(s, tc);

    tc = tcase_create("allow-list");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_entry_errors, 0, sizeof(bad_entries) / sizeof(bad_entries[0]));
    tcase_add_test(tc, test_entry_forms);
    tcase_add_test(tc, test_list_matching);
    tcase_add_test(tc, test_list_regex);
    tcase_add_test(tc, test_list_regex_redos);
    tcase_add_test(tc, test_list_large);
    tcase_add_test(tc, test_decide_separate_regex_list);
    suite_add_tcase(s, tc);

    tc = tcase_create("tokens");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tokens);
    tcase_add_test(tc, test_max_age);
    tcase_add_test(tc, test_acrh_parse);
    tcase_add_test(tc, test_acrh_adversarial);
    suite_add_tcase(s, tc);

    tc = tcase_create("decision");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_decide_no_origin);
    tcase_add_test(tc, test_decide_actual_allowed);
    tcase_add_test(tc, test_decide_star);
    tcase_add_test(tc, test_decide_preflight_allowed);
    tcase_add_test(tc, test_decide_preflight_defaults);
    tcase_add_test(tc, test_decide_preflight_denied_method);
    tcase_add_test(tc, test_decide_preflight_denied_header);
    tcase_add_test(tc, test_decide_star_methods_headers_echo);
    tcase_add_test(tc, test_decide_private_network);
    tcase_add_test(tc, test_decide_null_origin);
    tcase_add_loop_test(tc, test_attack_denied, 0,
                        sizeof(attack_origins) / sizeof(attack_origins[0]));
    tcase_add_test(tc, test_oversized_origin_denied);
    tcase_add_test(tc, test_decide_exact_shortcut);
    tcase_add_test(tc, test_outcome_strings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{

    apr_initialize();
    return check_run(policy_suite());
}
