/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests of the browser's side of CORS (core/cors_fetch.c: what cors-lint probe
 * checks, as the Fetch standard defines it) and of CORSEnforce's decision
 * (core/cors_enforce.c: Go's CrossOriginProtection with mod_cors's allow-list).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>

#include "cors_enforce.h"
#include "cors_fetch.h"
#include "cors_policy.h"
#include "check_run.h"

static apr_pool_t *pool;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(test_safelisted_headers)
{
    ck_assert(cors_fetch_header_safelisted("Accept", "application/json"));
    ck_assert(cors_fetch_header_safelisted("content-type", "text/plain; charset=utf-8"));
    ck_assert(cors_fetch_header_safelisted("Content-Type", " Multipart/Form-Data ; boundary=x"));
    ck_assert(!cors_fetch_header_safelisted("Content-Type", "application/json"));
    ck_assert(!cors_fetch_header_safelisted("Content-Type", "text/plain\"x"));
    ck_assert(cors_fetch_header_safelisted("Accept-Language", "en-US,en;q=0.9"));
    ck_assert(!cors_fetch_header_safelisted("Accept-Language", "en(US)"));
    ck_assert(cors_fetch_header_safelisted("Range", "bytes=0-"));
    ck_assert(cors_fetch_header_safelisted("Range", "bytes=5-10"));
    ck_assert(!cors_fetch_header_safelisted("Range", "bytes=10-5"));
    ck_assert(!cors_fetch_header_safelisted("Range", "bytes=-5"));
    ck_assert(!cors_fetch_header_safelisted("X-Request-Id", "1"));
    ck_assert(!cors_fetch_header_safelisted("Authorization", "Bearer x"));
    {
        char v[140];
        memset(v, 'a', sizeof(v) - 1);
        v[sizeof(v) - 1] = '\0';
        ck_assert(!cors_fetch_header_safelisted("Accept", v)); /* over 128 bytes */
    }
}
END_TEST

START_TEST(test_preflight_request)
{
    cors_fetch_header h[] = {{"X-Request-Id", "1"},
                             {"Content-Type", "application/json"},
                             {"Accept", "*/*"},
                             {"x-request-id", "2"}};

    /* sorted, lower-cased, without duplicates; the safelisted Accept is not named */
    ck_assert_str_eq(cors_fetch_unsafe_names(pool, h, 4), "content-type,x-request-id");
    ck_assert_ptr_null(cors_fetch_unsafe_names(pool, h + 2, 1));
    ck_assert(cors_fetch_needs_preflight(pool, "GET", h, 1));
    ck_assert(!cors_fetch_needs_preflight(pool, "POST", h + 2, 1));
    ck_assert(cors_fetch_needs_preflight(pool, "PUT", NULL, 0));
    ck_assert_str_eq(cors_fetch_normalize_method(pool, "delete"), "DELETE");
    ck_assert_str_eq(cors_fetch_normalize_method(pool, "patch"), "patch");
}
END_TEST

static cors_fetch_response answer(int status, const char *acao, const char *acac, const char *acam,
                                  const char *acah)
{
    cors_fetch_response r = {status, acao, acac, acam, acah};
    return r;
}

START_TEST(test_cors_check)
{
    const char *o = "https://app.example.com";
    cors_fetch_response r = answer(200, o, NULL, NULL, NULL);

    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_OK);
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 1), CORS_FETCH_ALLOW_CREDENTIALS);
    r.allow_credentials = "True"; /* byte for byte: "true" */
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 1), CORS_FETCH_ALLOW_CREDENTIALS);
    r.allow_credentials = "true";
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 1), CORS_FETCH_OK);
    r.allow_origin = "*";
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_OK);
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 1), CORS_FETCH_WILDCARD_WITH_CREDENTIALS);
    r.allow_origin = "https://app.example.com, *";
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_MULTIPLE_ALLOW_ORIGIN);
    r.allow_origin = "https://App.example.com"; /* compared byte for byte */
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_ALLOW_ORIGIN_MISMATCH);
    r.allow_origin = "https://app.example.com/";
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_INVALID_ALLOW_ORIGIN);
    r.allow_origin = NULL;
    ck_assert_int_eq(cors_fetch_cors_check(&r, o, 0), CORS_FETCH_NO_ALLOW_ORIGIN);
    r.allow_origin = "null";
    ck_assert_int_eq(cors_fetch_cors_check(&r, "null", 0), CORS_FETCH_OK);
}
END_TEST

static cors_fetch_failure pf(cors_fetch_response r, int credentials, const char *method,
                             const char *names, const char **culprit)
{
    return cors_fetch_preflight_check(pool, &r, "https://a.example", credentials, method, names,
                                      culprit);
}

START_TEST(test_preflight_check)
{
    const char *c, *o = "https://a.example";

    ck_assert_int_eq(pf(answer(401, o, NULL, "PUT", NULL), 0, "PUT", NULL, &c),
                     CORS_FETCH_PREFLIGHT_STATUS);
    ck_assert_int_eq(pf(answer(204, o, NULL, "GET, PUT", "x-a"), 0, "PUT", "x-a", &c),
                     CORS_FETCH_OK);
    ck_assert_int_eq(pf(answer(204, o, NULL, "GET", NULL), 0, "PUT", NULL, &c),
                     CORS_FETCH_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(c, "PUT");
    ck_assert_int_eq(pf(answer(204, o, NULL, "put", NULL), 0, "PUT", NULL, &c),
                     CORS_FETCH_METHOD_NOT_ALLOWED); /* methods are case-sensitive */
    ck_assert_int_eq(pf(answer(204, o, NULL, NULL, NULL), 0, "POST", NULL, &c), CORS_FETCH_OK);
    /* "*": any method and any header but Authorization, without credentials only */
    ck_assert_int_eq(pf(answer(204, o, NULL, "*", "*"), 0, "PATCH", "x-a,x-b", &c), CORS_FETCH_OK);
    ck_assert_int_eq(pf(answer(204, o, NULL, "*", "*"), 0, "PUT", "authorization,x-a", &c),
                     CORS_FETCH_HEADER_NOT_ALLOWED);
    ck_assert_str_eq(c, "authorization");
    ck_assert_int_eq(pf(answer(204, o, "true", "*", NULL), 1, "PATCH", NULL, &c),
                     CORS_FETCH_METHOD_NOT_ALLOWED);
    ck_assert_int_eq(
        pf(answer(204, o, NULL, "PUT", "Content-Type"), 0, "PUT", "content-type,x-other", &c),
        CORS_FETCH_HEADER_NOT_ALLOWED);
    ck_assert_str_eq(c, "x-other");
    ck_assert_int_eq(pf(answer(204, o, NULL, "PUT, (bad)", NULL), 0, "PUT", NULL, &c),
                     CORS_FETCH_BAD_ALLOW_METHODS);
    ck_assert_int_eq(pf(answer(204, "*", "true", "PUT", NULL), 1, "PUT", NULL, &c),
                     CORS_FETCH_WILDCARD_WITH_CREDENTIALS);
}
END_TEST

START_TEST(test_redirect_taint_and_message)
{
    cors_fetch_response r = answer(200, NULL, NULL, NULL, NULL);
    const char *m;

    /* a cross-origin request redirected to a third origin: Origin: null from there */
    ck_assert(cors_fetch_redirect_taints("https://page.example", "https://a.example",
                                         "https://b.example"));
    ck_assert(!cors_fetch_redirect_taints("https://page.example", "https://a.example",
                                          "https://a.example"));
    ck_assert(!cors_fetch_redirect_taints("https://a.example", "https://a.example",
                                          "https://b.example"));
    m = cors_fetch_message(pool, CORS_FETCH_NO_ALLOW_ORIGIN, 1, "https://a.example/x",
                           "https://page.example", &r, NULL);
    ck_assert_str_eq(m, "Access to fetch at 'https://a.example/x' from origin "
                        "'https://page.example' has been blocked by CORS policy: Response to "
                        "preflight request doesn't pass access control check: No "
                        "'Access-Control-Allow-Origin' header is present on the requested "
                        "resource.");
    m = cors_fetch_message(pool, CORS_FETCH_HEADER_NOT_ALLOWED, 1, "u", "o", &r, "x-a");
    ck_assert(strstr(m, "policy: Request header field x-a is not allowed by "
                        "Access-Control-Allow-Headers in preflight response.") != NULL);
}
END_TEST

static cors_origin_list *list_of(const char *entry)
{
    cors_origin_list *l = cors_origin_list_make(pool, NULL);
    ck_assert_ptr_null(cors_origin_list_add(l, entry, NULL, 0, NULL));
    return l;
}

/* What the module passes: the request's decision (is the Origin allowed?). */
static int allowed_by(const cors_policy *p, const char *origin)
{
    cors_request req = {"POST", origin, NULL, NULL, NULL};
    cors_decision d;

    cors_policy_decide(p, &req, pool, &d);
    return d.outcome == CORS_OUTCOME_ALLOWED;
}

START_TEST(test_enforce)
{
    cors_policy p;
    const char *own = "http://api.example:8080";

    cors_policy_init(&p);
    p.origins = list_of("https://app.example.com");
#define V(m, o, sfs) cors_enforce_check(allowed_by(&p, o), m, o, sfs, own)
    ck_assert_int_eq(V("GET", "https://evil.example", "cross-site"), CORS_ENFORCE_SAFE_METHOD);
    ck_assert_int_eq(V("OPTIONS", "https://evil.example", NULL), CORS_ENFORCE_SAFE_METHOD);
    ck_assert_int_eq(V("POST", "https://app.example.com", "cross-site"),
                     CORS_ENFORCE_ALLOWED_ORIGIN);
    ck_assert_int_eq(V("POST", "https://evil.example", "cross-site"), CORS_ENFORCE_CROSS_SITE);
    ck_assert_int_eq(V("POST", "https://www.api.example", "same-site"), CORS_ENFORCE_SAME_SITE);
    ck_assert_int_eq(V("PUT", own, "same-origin"), CORS_ENFORCE_SAME_ORIGIN);
    ck_assert_int_eq(V("POST", NULL, "none"), CORS_ENFORCE_SAME_ORIGIN);
    ck_assert_int_eq(V("POST", NULL, NULL), CORS_ENFORCE_NO_BROWSER);
    /* no Fetch Metadata: the Origin against the request's own, canonical forms */
    ck_assert_int_eq(V("DELETE", "HTTP://API.example:8080", NULL), CORS_ENFORCE_SAME_ORIGIN);
    ck_assert_int_eq(V("POST", "http://api.example:8081", NULL), CORS_ENFORCE_FOREIGN_ORIGIN);
    ck_assert_int_eq(V("POST", "https://api.example:8080", NULL), CORS_ENFORCE_FOREIGN_ORIGIN);
    ck_assert_int_eq(V("POST", "null", NULL), CORS_ENFORCE_FOREIGN_ORIGIN);
    ck_assert_int_eq(V("POST", "https://a b", NULL), CORS_ENFORCE_FOREIGN_ORIGIN);
    ck_assert_int_eq(cors_enforce_check(allowed_by(&p, "http://a.example"), "POST",
                                        "http://a.example", NULL, NULL),
                     CORS_ENFORCE_FOREIGN_ORIGIN); /* no Host: never the request's own */
    ck_assert(cors_enforce_refuses(CORS_ENFORCE_CROSS_SITE));
    ck_assert(!cors_enforce_refuses(CORS_ENFORCE_NO_BROWSER));
    ck_assert_str_eq(cors_enforce_reason(CORS_ENFORCE_SAME_SITE), "same-site");
    /* a listed null origin is trusted, as any listed origin */
    p.origins = list_of("null");
    ck_assert_int_eq(V("POST", "null", "cross-site"), CORS_ENFORCE_ALLOWED_ORIGIN);
#undef V
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cors_fetch");
    TCase *tc = tcase_create("fetch");

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_safelisted_headers);
    tcase_add_test(tc, test_preflight_request);
    tcase_add_test(tc, test_cors_check);
    tcase_add_test(tc, test_preflight_check);
    tcase_add_test(tc, test_redirect_taint_and_message);
    tcase_add_test(tc, test_enforce);
    suite_add_tcase(s, tc);
    return check_run(s);
}
