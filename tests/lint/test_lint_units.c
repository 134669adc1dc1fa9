/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests of cors-lint internals with Check: the regex judge (CL005), rule lists, the
 * reader's ap_getword_conf splitting and ${VAR} expansion, and the scope merge seen
 * through lint_check. The fixture suite (run_tests.py) tests the command as a user sees
 * it; these pin down the pieces it is built from.
 */
#include <check.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "lint.h"

static apr_pool_t *pool;
static lint_ctx ctx;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    memset(&ctx, 0, sizeof(ctx));
    ctx.pool = pool;
    ctx.findings = apr_array_make(pool, 8, sizeof(lint_finding));
    ctx.file_disabled = apr_hash_make(pool);
    ctx.seen = apr_hash_make(pool);
    ctx.files = apr_array_make(pool, 8, sizeof(const char *));
    ctx.defines = apr_hash_make(pool);
    ctx.enabled = (1u << LINT_NRULES) - 1;
}

static void teardown(void)
{
    lint_regex_free(&ctx);
    apr_pool_destroy(pool);
}

/* Reads text as one configuration file and returns its root. */
static lint_node *read_text(const char *text, apr_array_header_t **roots_out)
{
    char path[] = "/tmp/cors-lint-unit-XXXXXX";
    int fd = mkstemp(path);
    apr_array_header_t *roots = apr_array_make(pool, 1, sizeof(lint_node *));
    const char *argv[1], *err = NULL;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    argv[0] = apr_pstrdup(pool, path);
    ck_assert_int_eq(lint_read_inputs(&ctx, 1, argv, roots, &err), 0);
    unlink(path);
    ck_assert_int_eq(roots->nelts, 1);
    if (roots_out) {
        *roots_out = roots;
    }
    return APR_ARRAY_IDX(roots, 0, lint_node *);
}

static const lint_finding *finding(int rule, int line)
{
    int i;
    for (i = 0; i < ctx.findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx.findings, i, lint_finding);
        if (f->rule == rule && (line == 0 || f->loc.line == line)) {
            return f;
        }
    }
    return NULL;
}

START_TEST(regex_suffix_attack)
{
    const char *intended = NULL;
    const char *a = lint_regex_attack(&ctx, "^https://app.example.com", 0, &intended);

    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(intended, "https://app.example.com");
    ck_assert_str_eq(a, "https://app.example.com.evil.example");
}
END_TEST

START_TEST(regex_unescaped_dot)
{
    const char *a = lint_regex_attack(&ctx, "^https://app.example\\.com$", 0, NULL);

    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a, "https://appxexample.com");
}
END_TEST

START_TEST(regex_downgrade_and_prefix)
{
    const char *a = lint_regex_attack(&ctx, "^https?://app\\.example\\.com$", 0, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a, "http://app.example.com");
    a = lint_regex_attack(&ctx, "^https://.*example\\.com$", 0, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a, "https://evilaexample.com");   /* ".*" stands for "a" */
}
END_TEST

START_TEST(regex_safe_ones)
{
    ck_assert_ptr_null(lint_regex_attack(&ctx, "^https://app\\.example\\.com$", 0, NULL));
    ck_assert_ptr_null(lint_regex_attack(&ctx, "^https://(app|admin)\\.example\\.com$", 1,
                                         NULL));
    /* any label under the site's own registrable domain is what the regex means */
    ck_assert_ptr_null(lint_regex_attack(&ctx, "^https://[a-z0-9-]+\\.example\\.com$", 0,
                                         NULL));
}
END_TEST

START_TEST(regex_compiled_once)
{
    const char *a = lint_regex_attack(&ctx, "^https://x.example.com", 0, NULL);
    const char *b = lint_regex_attack(&ctx, "^https://x.example.com", 0, NULL);

    /* the verdict is cached with the compiled regex: the same string comes back */
    ck_assert_ptr_eq(a, b);
    ck_assert_int_eq(lint_regex_match(&ctx, "^https://x.example.com", 0,
                                      "https://x.example.com"), 1);
    ck_assert_int_eq(lint_regex_match(&ctx, "(", 0, "x"), -1);
}
END_TEST

/* Literal regexes ("^https://(app|admin)\\.example\\.com$") are matched without PCRE2:
 * the answers must be PCRE2's, for the patterns that take that way and for the near
 * misses that must not. */
START_TEST(regex_literal_matches_as_pcre2)
{
    static const char *const patterns[] = {
        "^https://app\\.example\\.com$", "https://app\\.example\\.com", "example\\.com$",
        "^https://app.example.com", "^https?://app\\.example\\.com$", "^$", "^", "$", "",
        "^https://(app|admin)\\.example\\.com$", "^https://(www\\.)?example\\.com",
        "^(https|http)://x\\.com$", "^https://(a|b|)\\.x\\.com$", "null", "^null$",
        "^(null|https://a\\.com)$", "^https://x\\.com/?$", "^HTTPS://APP\\.EXAMPLE\\.COM$",
        "^https://(?:app|admin)\\.example\\.com$", "^https://a\\.com(:8443)?$",
        "^https://((a|b)\\.)?x\\.com$", "^https://a\\.com\\n?$", "^https://a\\.comm??$",
        "^https://a\\.com?+$", "^https://a\\.co{1}m$", "^https://a\\.co}m$", "a]b", "a#b c",
        "^https://a\\.com$$", "^^https://a\\.com$", "\\^https://a\\.com\\$", "^\\$", "\\\\$",
        "^https://a\\.com\\\\$", "^(a(b(c|d)|e)|f)\\.x$", "(?i)^https://A\\.x$", "^a()(?:)b$",
        "^(|www\\.)x\\.com$", "^https://a\\-b\\.x$", "^a|b$", "(", "a)", "^(a|b$", "[a]",
        "^https://[a-z]+\\.x\\.com$", "(*CR)^a$", "^a\\@b$", "^A@b$", "^a`b$", "^a[b$",
        "^(a|b)?(c|d)?(e|f)?x$",
    };
    static const char *const subjects[] = {
        "", "\n", "null", "NULL", "https://app.example.com", "https://app.example.com\n",
        "https://app.example.com\n\n", "HTTPS://APP.EXAMPLE.COM", "https://admin.example.com",
        "https://app.example.com.evil.example", "https://evilapp.example.com",
        "http://app.example.com", "https://appxexample.com", "https://www.example.com",
        "https://example.com", "https://www.example.com.evil", "http://x.com", "https://x.com",
        "https://x.com/", "https://.x.com", "https://a.x.com", "https://b.x.com",
        "https://a.com", "https://a.com:8443", "https://a.com\n", "https://a.comm",
        "https://a.co}m", "a]b", "xa]bx", "a#b c", "https://a.com$", "$", "\\", "x\\",
        "https://a.com\\", "b.x", "ce.x", "de.x", "f.x", "af.x", "A.X", "https://A.x",
        "ab", "a", "b", "xb", "ax", "www.x.com", "x.com", "https://a-b.x", "a@b", "A@B",
        "a`b", "A@b", "a@B", "ace", "acex", "bdfx", "x", "cx", "evil.example.com",
        "https://evil.example/?https://app.example.com",
    };
    size_t i, j;

    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        int nocase;
        for (nocase = 0; nocase < 2; nocase++) {
            int errcode;
            PCRE2_SIZE erroff;
            pcre2_code *code = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                                             nocase ? PCRE2_CASELESS : 0, &errcode, &erroff,
                                             NULL);
            pcre2_match_data *md = code ? pcre2_match_data_create_from_pattern(code, NULL)
                                        : NULL;
            for (j = 0; j < sizeof(subjects) / sizeof(subjects[0]); j++) {
                int want = code ? pcre2_match(code, (PCRE2_SPTR)subjects[j],
                                              strlen(subjects[j]), 0, 0, md, NULL) >= 0
                                : -1;
                int got = lint_regex_match(&ctx, patterns[i], nocase, subjects[j]);
                ck_assert_msg(got == want, "/%s/%s on '%s': %d, PCRE2 says %d", patterns[i],
                              nocase ? "i" : "", subjects[j], got, want);
            }
            pcre2_match_data_free(md);
            pcre2_code_free(code);
        }
    }
}
END_TEST

START_TEST(rule_lists)
{
    lint_mask m = 0;

    ck_assert_int_eq(lint_rule_parse("CL005"), 5);
    ck_assert_int_eq(lint_rule_parse("cl016"), 16);
    ck_assert_int_eq(lint_rule_parse("CL017"), -1);
    ck_assert_int_eq(lint_rule_parse("CL5"), -1);
    ck_assert_int_eq(lint_parse_rule_list("CL005,CL013", &m), 0);
    ck_assert_uint_eq(m, (1u << 5) | (1u << 13));
    ck_assert_int_eq(lint_parse_rule_list("CL005,nope", &m), -1);
}
END_TEST

START_TEST(reader_getword_conf)
{
    lint_node *root = read_text("Header always set X-A \"a \\\"b\\\" c\" 'd\\'e' f\\\\g h\\i\n",
                                NULL);
    lint_node *n = root->first_child;

    ck_assert_ptr_nonnull(n);
    ck_assert_str_eq(n->name, "Header");
    ck_assert_int_eq(n->argc, 7);
    ck_assert_str_eq(n->argv[3], "a \"b\" c");
    ck_assert_str_eq(n->argv[4], "d'e");
    ck_assert_str_eq(n->argv[5], "f\\g");   /* a doubled backslash halves, bare too */
    ck_assert_str_eq(n->argv[6], "h\\i");   /* other escapes stay as written */
    ck_assert_int_eq(n->argcol[2], 19);
    ck_assert_int_eq(n->argcol[3], 23);   /* the opening quote */
    ck_assert_int_eq(n->argcol[4], 35);
}
END_TEST

START_TEST(reader_continuation_and_defines)
{
    lint_node *root = read_text("Define HOST app.example.com\n"
                                "# a comment ending in a backslash \\\n"
                                "Swallowed by the comment\n"
                                "CORSAllowOrigin https://${HOST} \\\n"
                                "    https://${UNKNOWN}\n",
                                NULL);
    lint_node *n;

    for (n = root->first_child; n; n = n->next) {
        ck_assert(strcmp(n->name, "Swallowed") != 0);
        if (lint_streq(n->name, "corsalloworigin")) {
            break;
        }
    }
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->loc.line, 4);
    ck_assert_int_eq(n->argc, 2);
    ck_assert_str_eq(n->argv[0], "https://app.example.com");
    ck_assert_str_eq(n->argv[1], "https://${UNKNOWN}");   /* httpd leaves it literal */
}
END_TEST

START_TEST(reader_unbalanced)
{
    read_text("<VirtualHost *:80>\n<Location /a>\n</VirtualHost>\n", NULL);
    ck_assert_ptr_nonnull(finding(CL000, 0));
}
END_TEST

START_TEST(scope_merge_two_locations)
{
    apr_array_header_t *roots;
    const lint_finding *f;

    read_text("Header always set Access-Control-Allow-Origin \"*\"\n"
              "<Directory /srv/api>\n"
              "    Header always set Access-Control-Allow-Credentials \"true\"\n"
              "</Directory>\n",
              &roots);
    lint_check(&ctx, roots);
    f = finding(CL001, 0);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(f->related.file);
    ck_assert_int_ne(f->loc.line, f->related.line);
    ck_assert(f->loc.line == 1 || f->loc.line == 3);
    ck_assert(f->related.line == 1 || f->related.line == 3);
}
END_TEST

START_TEST(scope_replaced_by_child)
{
    apr_array_header_t *roots;

    /* the <Directory> replaces the server's value: no scope holds both */
    read_text("Header always set Access-Control-Allow-Origin \"*\"\n"
              "<Directory /srv/api>\n"
              "    Header always set Access-Control-Allow-Origin \"https://a.example\"\n"
              "    Header always set Access-Control-Allow-Credentials \"true\"\n"
              "</Directory>\n",
              &roots);
    lint_check(&ctx, roots);
    ck_assert_ptr_null(finding(CL001, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cors-lint internals");
    TCase *tc = tcase_create("units");
    SRunner *sr;
    int failed;

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, regex_suffix_attack);
    tcase_add_test(tc, regex_unescaped_dot);
    tcase_add_test(tc, regex_downgrade_and_prefix);
    tcase_add_test(tc, regex_safe_ones);
    tcase_add_test(tc, regex_compiled_once);
    tcase_add_test(tc, regex_literal_matches_as_pcre2);
    tcase_add_test(tc, rule_lists);
    tcase_add_test(tc, reader_getword_conf);
    tcase_add_test(tc, reader_continuation_and_defines);
    tcase_add_test(tc, reader_unbalanced);
    tcase_add_test(tc, scope_merge_two_locations);
    tcase_add_test(tc, scope_replaced_by_child);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed ? 1 : 0;
}
