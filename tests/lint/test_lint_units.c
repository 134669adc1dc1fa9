/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests of cors-lint internals with Check: the regex verdict cache, rule lists, the
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
#include "../unit/check_run.h"

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

/* The core judges (core/cors_judge.c, tests/unit/test_cors_judge.c); the linter asks
 * once per pattern and case flag. */
START_TEST(regex_judged_once)
{
    const cors_regex_verdict *a = lint_regex_judge(&ctx, "^https://x.example.com", 0);
    const cors_regex_verdict *b = lint_regex_judge(&ctx, "^https://x.example.com", 0);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_str_eq(a->attack, "https://x.example.com.evil.com");
    ck_assert_ptr_ne(lint_regex_judge(&ctx, "^https://x.example.com", 1), a);
    ck_assert_ptr_null(lint_regex_judge(&ctx, "(", 0));
}
END_TEST

START_TEST(rule_lists)
{
    lint_mask m = 0;

    ck_assert_int_eq(lint_rule_parse("CL005"), 5);
    ck_assert_int_eq(lint_rule_parse("cl016"), 16);
    ck_assert_int_eq(lint_rule_parse("cl017"), 17);
    ck_assert_int_eq(lint_rule_parse("CL018"), -1);
    ck_assert_int_eq(lint_rule_parse("CL5"), -1);
    ck_assert_int_eq(lint_parse_rule_list("CL005,CL013", &m), 0);
    ck_assert_uint_eq(m, (1u << 5) | (1u << 13));
    ck_assert_int_eq(lint_parse_rule_list("CL005,nope", &m), -1);
}
END_TEST

START_TEST(reader_getword_conf)
{
    lint_node *root =
        read_text("Header always set X-A \"a \\\"b\\\" c\" 'd\\'e' f\\\\g h\\i\n", NULL);
    lint_node *n = root->first_child;

    ck_assert_ptr_nonnull(n);
    ck_assert_str_eq(n->name, "Header");
    ck_assert_int_eq(n->argc, 7);
    ck_assert_str_eq(n->argv[3], "a \"b\" c");
    ck_assert_str_eq(n->argv[4], "d'e");
    ck_assert_str_eq(n->argv[5], "f\\g"); /* a doubled backslash halves, bare too */
    ck_assert_str_eq(n->argv[6], "h\\i"); /* other escapes stay as written */
    ck_assert_int_eq(n->argcol[2], 19);
    ck_assert_int_eq(n->argcol[3], 23); /* the opening quote */
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
    ck_assert_int_eq(n->loc.line, 5); /* httpd numbers it by its last line */
    ck_assert_int_eq(n->argc, 2);
    ck_assert_str_eq(n->argv[0], "https://app.example.com");
    ck_assert_str_eq(n->argv[1], "https://${UNKNOWN}"); /* httpd leaves it literal */
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

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, regex_judged_once);
    tcase_add_test(tc, rule_lists);
    tcase_add_test(tc, reader_getword_conf);
    tcase_add_test(tc, reader_continuation_and_defines);
    tcase_add_test(tc, reader_unbalanced);
    tcase_add_test(tc, scope_merge_two_locations);
    tcase_add_test(tc, scope_replaced_by_child);
    suite_add_tcase(s, tc);
    return check_run(s);
}
