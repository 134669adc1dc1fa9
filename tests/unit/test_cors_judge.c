/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests of the regex judge (core/cors_judge.c): what mod_cors refuses with
 * credentials and cors-lint reports as CL005. Every attack is a valid origin under a real
 * public suffix; every hint names the cause.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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
}

static cors_regex_verdict judge(const char *pattern, int nocase)
{
    cors_regex_verdict v;

    ck_assert_int_eq(
        cors_regex_judge(test_engine(), NULL, pattern, nocase, cors_psl_ctx(psl), pool, &v), 0);
    return v;
}

static void expect_attack(const char *pattern, const char *attack, cors_attack_kind kind,
                          const char *hint)
{
    cors_regex_verdict v = judge(pattern, 0);
    cors_origin o;

    ck_assert_msg(v.attack != NULL, "%s: no attack", pattern);
    ck_assert_msg(strcmp(v.attack, attack) == 0, "%s: %s, want %s", pattern, v.attack, attack);
    ck_assert_msg(v.kind == kind, "%s: kind %d, want %d", pattern, v.kind, kind);
    ck_assert_msg(strstr(cors_attack_hint(&v, pool), hint) != NULL, "%s: hint '%s' lacks '%s'",
                  pattern, cors_attack_hint(&v, pool), hint);
    /* a browser could send it */
    ck_assert_int_eq(cors_origin_parse(v.attack, &o), CORS_ORIGIN_OK);
}

START_TEST(test_attacks)
{
    expect_attack("^https://app\\.example\\.com", "https://app.example.com.evil.com",
                  CORS_ATTACK_SUFFIX, "end the regex");
    expect_attack("^https://app.example\\.com$", "https://appxexample.com", CORS_ATTACK_DOT,
                  "escape the dots");
    /* the dot before the TLD makes no origin under a real suffix: the first one is it */
    expect_attack("^https://staging.google.com$", "https://stagingxgoogle.com", CORS_ATTACK_DOT,
                  "escape the dots");
    expect_attack("^https://.*example\\.com$", "https://evilexample.com", CORS_ATTACK_PREFIX,
                  "before 'example.com'");
    expect_attack("example\\.com$", "https://evilexample.com", CORS_ATTACK_PREFIX, "whole labels");
    expect_attack("^https://[a-z0-9-]+\\.netlify\\.app$", "https://evil.netlify.app",
                  CORS_ATTACK_TENANT, "'netlify.app'");
    expect_attack(".*", "https://evil.com", CORS_ATTACK_ANY, "any origin");
    expect_attack("^https://.*$", "https://evil.com", CORS_ATTACK_ANY, "any origin");
    /* a regex that names evil.com on purpose is probed with another name */
    expect_attack("^(https://evil\\.com|.*)$", "https://attacker.net", CORS_ATTACK_ANY,
                  "any origin");
    expect_attack("^http://localhost.*$", "http://localhost.evil.com", CORS_ATTACK_SUFFIX,
                  "end the regex");
    /* found by review and by a new user's trial: every alternative is attacked, a name
     * that is a pattern, another TLD, a domain appended, a repeat count, a look-ahead */
    expect_attack("^(?:https://app\\.example\\.com|https://.+partner\\.com)$",
                  "https://evilpartner.com", CORS_ATTACK_PREFIX, "before 'partner.com'");
    expect_attack("^(?:https://.+example\\.com(:[0-9]{4})?)$", "https://evilexample.com:1111",
                  CORS_ATTACK_PREFIX, "before 'example.com'");
    expect_attack("^https://example\\.[a-z]+$", "https://example.net", CORS_ATTACK_TLD,
                  "other top-level domains");
    expect_attack("^https://[a-z]+\\.example\\.[a-z]+$", "https://a.example.net", CORS_ATTACK_TLD,
                  "other top-level domains");
    expect_attack("^https://example-[a-z]+\\.com$", "https://example-xa.com", CORS_ATTACK_LABEL,
                  "part of the domain name is a pattern");
    expect_attack("^https://example[0-9]+\\.com$", "https://example11.com", CORS_ATTACK_LABEL,
                  "names anyone can register");
    expect_attack("^https://exampl.\\.com$", "https://examplx.com", CORS_ATTACK_LABEL,
                  "names anyone can register");
    expect_attack("^https://(.{0,3})example\\.com$", "https://xexample.com", CORS_ATTACK_LABEL,
                  "names anyone can register");
    expect_attack("^https://d[a-z0-9]+\\.cloudfront\\.net$", "https://dxa.cloudfront.net",
                  CORS_ATTACK_LABEL, "under the public suffix 'cloudfront.net'");
    expect_attack("^https://myproj-[a-z0-9]+-myteam\\.vercel\\.app$",
                  "https://myproj-xa-myteam.vercel.app", CORS_ATTACK_LABEL, "'vercel.app'");
    expect_attack("^https://example\\.com(\\.[a-z]+)?$", "https://example.com.xyz",
                  CORS_ATTACK_SUFFIX, "end the regex");
    expect_attack("^https://(?=.*example).*$", "https://example-evil.com", CORS_ATTACK_LABEL,
                  "names anyone can register");
    /* an alternative of a nested group: a tenant of vercel.app after localhost */
    expect_attack(cors_regex_anchor(pool, "(https?://(localhost:3000|.*\\.vercel\\.app|x\\.com))"),
                  "https://evil.vercel.app", CORS_ATTACK_TENANT, "'vercel.app'");
    /* a second review: another digit, a dot that makes another real TLD, a TLD the regex
     * names only inside a longer word */
    expect_attack("^https://shop\\d\\.com$", "https://shop7.com", CORS_ATTACK_LABEL,
                  "names anyone can register");
    expect_attack("^https://app\\.example\\.c.m$", "https://app.example.cam", CORS_ATTACK_DOT,
                  "escape the dots");
    expect_attack("^https://(www\\.)?brand\\.(com|io|[a-z]{2})$", "https://www.brand.co",
                  CORS_ATTACK_TLD, "other top-level domains");
    /* a look-around that keeps the probe's name out does not hide the rest (review) */
    expect_attack("^https://(?!evil)[a-z]+\\.com$", "https://attacker.com", CORS_ATTACK_ANY,
                  "any origin");
    expect_attack("^https://[a-z]+(?<!evil)\\.com$", "https://attacker.com", CORS_ATTACK_ANY,
                  "any origin");
    /* a list of origins is not searched when all are of one domain: one of another
     * domain still is */
    expect_attack("^https://(app\\.example\\.com|app\\.example\\.com\\.evil\\.com)$",
                  "https://app.example.com.evil.com", CORS_ATTACK_SUFFIX, "end the regex");
    /* mod_cors's own anchoring */
    expect_attack(cors_regex_anchor(pool, "https://app.example.com"), "https://appxexample.com",
                  CORS_ATTACK_DOT, "escape the dots");
}
END_TEST

START_TEST(test_no_attack)
{
    static const char *const safe[] = {
        "^https://app\\.example\\.com$",
        "^https://(app|admin)\\.example\\.com$",
        "^https://[a-z0-9-]+\\.example\\.com$",
        "^https://(www\\.)?example\\.com$",
        "^https://.*\\.example\\.com$",
        "^http://localhost:[0-9]+$",
        "^(?:https://pr-[0-9]+\\.preview\\.example\\.com)$",
        "^https://a\\.example\\.co\\.uk$",
        "^https?://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?$",
        "^https://([a-z0-9-]+\\.)*example\\.com$",
        "^https://[^.]+\\.example\\.com$",
        "^https://[\\w.-]+\\.example\\.com$",
        "^https://app[.]example[.]com$",
        "^https://app\\x2eexample\\x2ecom$",
        "^https://example\\.(com|net)$",
        "^(?:https://a\\.example\\.com|https://b\\.example\\.com)$",
        "^https://myapp\\.herokuapp\\.com$",
        "^https://[a-z]+\\.example\\.com:[0-9]{4}$",
        NULL,
    };
    int i;

    for (i = 0; safe[i]; i++) {
        cors_regex_verdict v = judge(safe[i], 0);
        ck_assert_msg(v.attack == NULL, "%s: %s", safe[i], v.attack);
        ck_assert_msg(v.insecure == NULL, "%s: %s", safe[i], v.insecure);
    }
}
END_TEST

START_TEST(test_insecure_and_null)
{
    cors_regex_verdict v = judge("^https?://app\\.example\\.com$", 0);

    /* a downgrade is not a bypass of the regex: it is its own finding */
    ck_assert_ptr_null(v.attack);
    ck_assert_str_eq(v.insecure, "http://app.example.com");
    ck_assert_str_eq(v.intended, "https://app.example.com");
    v = judge("^https?://.*$", 0); /* any origin, and http:// ones too */
    ck_assert_str_eq(v.insecure, "http://evil.com");
    v = judge("^https?://[a-z]+\\.example\\.com$", 0); /* "s?" sampled both ways */
    ck_assert_str_eq(v.insecure, "http://a.example.com");
    v = judge("^http://intranet\\.example\\.com$", 0);
    ck_assert_str_eq(v.insecure, "http://intranet.example.com");
    v = judge("^http://(localhost|127\\.0\\.0\\.1):[0-9]+$", 0);
    ck_assert_ptr_null(v.insecure);
    v = judge("^(null|https://app\\.example\\.com)$", 0);
    ck_assert(v.accepts_null);
    ck_assert_ptr_null(v.attack);
    v = judge("^https://APP\\.example\\.com$", 1);
    ck_assert_str_eq(v.intended, "https://app.example.com");
}
END_TEST

/* Regexes people deploy (tests/unit/judge_corpus.tsv, each with its SOURCE), judged by
 * hand: the judge must agree on every one. */
START_TEST(test_real_regexes)
{
    FILE *f = fopen("tests/unit/judge_corpus.tsv", "r");
    char line[2048];
    int n = 0;

    ck_assert_msg(f != NULL, "tests/unit/judge_corpus.tsv: run from the top of the tree");
    while (fgets(line, sizeof(line), f)) {
        char *expect = line, *regex, *source;
        cors_regex_verdict v;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        regex = strchr(expect, '\t');
        ck_assert_ptr_nonnull(regex);
        *regex++ = '\0';
        source = strchr(regex, '\t');
        ck_assert_ptr_nonnull(source);
        *source++ = '\0';
        ck_assert(strncmp(source, "SOURCE: ", 8) == 0);
        v = judge(cors_regex_anchor(pool, regex), 0);
        ck_assert_msg((v.attack != NULL) == (strstr(expect, "attack") != NULL),
                      "%s (%.60s): attack %s, want %s", regex, source + 8, v.attack, expect);
        ck_assert_msg((v.insecure != NULL) == (strstr(expect, "insecure") != NULL),
                      "%s (%.60s): insecure %s, want %s", regex, source + 8, v.insecure, expect);
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 20);
}
END_TEST

START_TEST(test_does_not_compile)
{
    cors_regex_verdict v;

    ck_assert_int_eq(cors_regex_judge(test_engine(), NULL, "https://(", 0, NULL, pool, &v), -1);
}
END_TEST

START_TEST(test_upper_case_letters)
{
    ck_assert_int_eq(cors_regex_upper("https://App\\.example\\.com"), 8);
    ck_assert_int_eq(cors_regex_upper("https://app\\.example\\.COM"), 22);
    ck_assert_int_eq(cors_regex_upper("https://\\QApp\\E\\.x"), 10);
    /* escapes, classes, names and inline options are not letters to match */
    ck_assert_int_eq(cors_regex_upper("https://[A-Za-z]+\\.x\\.com"), -1);
    ck_assert_int_eq(cors_regex_upper("https://\\w+\\.\\D\\S\\W\\.com"), -1);
    ck_assert_int_eq(cors_regex_upper("https://(?<Host>[a-z]+)\\.x\\.com"), -1);
    ck_assert_int_eq(cors_regex_upper("https://\\p{Ll}+\\.x\\x{41}"), -1);
    ck_assert_int_eq(cors_regex_upper("(?i)https://App\\.x"), -1);
    ck_assert_int_eq(cors_regex_upper("(*UTF)https://app\\.x"), -1);
    ck_assert_int_eq(cors_regex_upper("https://app\\.x"), -1);
    /* a class of upper-case letters only matches nothing of an origin (review) */
    ck_assert_int_eq(cors_regex_upper("https://[A-Z]+\\.x\\.com"), 9);
    ck_assert_int_eq(cors_regex_upper("https://[QX]\\.x\\.com"), 9);
    ck_assert_int_eq(cors_regex_upper("https://[^A-Z]+\\.x\\.com"), -1);
    ck_assert_int_eq(cors_regex_upper("https://[A-Z0-9]+\\.x\\.com"), -1);
    ck_assert_int_eq(cors_regex_upper("https://[-A]+\\.x\\.com"), -1);
}
END_TEST

/* Literal regexes ("^https://(app|admin)\\.example\\.com$") are matched without PCRE2:
 * the answers must be PCRE2's, for the patterns that take that way and for the near
 * misses that must not. */
START_TEST(test_literal_matches_as_pcre2)
{
    static const char *const patterns[] = {
        "^https://app\\.example\\.com$",
        "https://app\\.example\\.com",
        "example\\.com$",
        "^https://app.example.com",
        "^https?://app\\.example\\.com$",
        "^$",
        "^",
        "$",
        "",
        "^https://(app|admin)\\.example\\.com$",
        "^https://(www\\.)?example\\.com",
        "^(https|http)://x\\.com$",
        "^https://(a|b|)\\.x\\.com$",
        "null",
        "^null$",
        "^(null|https://a\\.com)$",
        "^https://x\\.com/?$",
        "^HTTPS://APP\\.EXAMPLE\\.COM$",
        "^https://(?:app|admin)\\.example\\.com$",
        "^https://a\\.com(:8443)?$",
        "^https://((a|b)\\.)?x\\.com$",
        "^https://a\\.com\\n?$",
        "^https://a\\.comm??$",
        "^https://a\\.com?+$",
        "^https://a\\.co{1}m$",
        "^https://a\\.co}m$",
        "a]b",
        "a#b c",
        "^https://a\\.com$$",
        "^^https://a\\.com$",
        "\\^https://a\\.com\\$",
        "^\\$",
        "\\\\$",
        "^https://a\\.com\\\\$",
        "^(a(b(c|d)|e)|f)\\.x$",
        "(?i)^https://A\\.x$",
        "^a()(?:)b$",
        "^(|www\\.)x\\.com$",
        "^https://a\\-b\\.x$",
        "^a|b$",
        "(",
        "a)",
        "^(a|b$",
        "[a]",
        "^https://[a-z]+\\.x\\.com$",
        "(*CR)^a$",
        "^a\\@b$",
        "^A@b$",
        "^a`b$",
        "^a[b$",
        "^(a|b)?(c|d)?(e|f)?x$",
    };
    static const char *const subjects[] = {
        "",
        "\n",
        "null",
        "NULL",
        "https://app.example.com",
        "https://app.example.com\n",
        "https://app.example.com\n\n",
        "HTTPS://APP.EXAMPLE.COM",
        "https://admin.example.com",
        "https://app.example.com.evil.example",
        "https://evilapp.example.com",
        "http://app.example.com",
        "https://appxexample.com",
        "https://www.example.com",
        "https://example.com",
        "https://www.example.com.evil",
        "http://x.com",
        "https://x.com",
        "https://x.com/",
        "https://.x.com",
        "https://a.x.com",
        "https://b.x.com",
        "https://a.com",
        "https://a.com:8443",
        "https://a.com\n",
        "https://a.comm",
        "https://a.co}m",
        "a]b",
        "xa]bx",
        "a#b c",
        "https://a.com$",
        "$",
        "\\",
        "x\\",
        "https://a.com\\",
        "b.x",
        "ce.x",
        "de.x",
        "f.x",
        "af.x",
        "A.X",
        "https://A.x",
        "ab",
        "a",
        "b",
        "xb",
        "ax",
        "www.x.com",
        "x.com",
        "https://a-b.x",
        "a@b",
        "A@B",
        "a`b",
        "A@b",
        "a@B",
        "ace",
        "acex",
        "bdfx",
        "x",
        "cx",
        "evil.example.com",
        "https://evil.example/?https://app.example.com",
    };
    size_t i, j;
    int literal = 0;

    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        int nocase;
        for (nocase = 0; nocase < 2; nocase++) {
            const cors_regex_engine *e = test_engine();
            void *code = e->compile(e->baton, pool, patterns[i], nocase);
            for (j = 0; j < sizeof(subjects) / sizeof(subjects[0]); j++) {
                int want = code ? e->match(e->baton, code, subjects[j], strlen(subjects[j])) : -1;
                cors_lit_regex *lr = cors_lit_compile(pool, patterns[i], nocase);
                int got = lr ? cors_lit_match(lr, subjects[j], strlen(subjects[j])) : want;
                literal += lr != NULL;
                ck_assert_msg(got == want, "/%s/%s on '%s': %d, PCRE2 says %d", patterns[i],
                              nocase ? "i" : "", subjects[j], got, want);
            }
        }
    }
    /* most of them take the literal way (the rest are PCRE2's alone) */
    ck_assert_int_gt(literal, 1000);
}
END_TEST

/* ---- Regexes that backtrack catastrophically (core/cors_redos.c) ------------------- */

typedef struct {
    const char *regex;    /* as written for CORSAllowOriginRegex (mod_cors anchors it) */
    cors_redos_kind kind; /* what the structural check says */
    int degree;           /* of a polynomial */
    const char *part;     /* the repeated parts it names */
    const char *pump[3];  /* a hostile origin: prefix, a text repeated, suffix */
    int times;            /* how many times (the origin stays within CORS_ORIGIN_MAX) */
    long steps;           /* PCRE2 answers within this many steps; -1: it gives up */
} redos_case;

/* Each shape, and the evidence: PCRE2's own count of its steps on a hostile origin of at
 * most 1,024 bytes that fails at its end. It gives up (its match limit: 10,000,000 steps,
 * some 0.1 s) on the exponential ones within 62 bytes; the linear ones take a step or so a
 * byte. Steps, not seconds: the same on any machine. (PCRE2 counts a run of one class,
 * "[a-z]*", as one step however far it backtracks: the cubic one costs 122 ms in 502,504
 * steps, so its evidence is a time, in the report.) */
/* clang-format off */
#define EXPO CORS_REDOS_EXPONENTIAL
#define POLY CORS_REDOS_POLYNOMIAL
#define SAFE CORS_REDOS_NONE
static const redos_case redos_cases[] = {
    {"^https://([a-z0-9-]+\\.?)+\\.example\\.com$", EXPO, 0, "([a-z0-9-]+\\.?)+",
     {"https://", "a", ".example.com:1"}, 40, -1},
    {"https://(a+)+\\.example\\.com", EXPO, 0, "(a+)+", {"https://", "a", ".example.com:1"}, 40,
     -1},
    {"https://(a*)*\\.example\\.com", EXPO, 0, "(a*)*", {"https://", "a", ".example.com:1"}, 40,
     -1},
    {"(.*)*(.*)*x", EXPO, 0, "(.*)*", {"https://", "a", "x:1"}, 40, -1},
    {"https://(a|a)+\\.example\\.com", EXPO, 0, "(a|a)+", {"https://", "a", ".example.com:1"}, 40,
     -1},
    {"https://(\\w|\\d)+\\.example\\.com", EXPO, 0, "(\\w|\\d)+",
     {"https://", "1", ".example.com:1"}, 40, -1},
    /* the separator is also a label character: "a-a-" splits two ways */
    {"https://([a-z0-9-]+[.-])+example\\.com", EXPO, 0, "([a-z0-9-]+[.-])+",
     {"https://", "a-", "example.com:1"}, 20, -1},
    {"https://(a{1,3})+\\.example\\.com", EXPO, 0, "(a{1,3})+",
     {"https://", "a", ".example.com:1"}, 60, -1},
    {"https://((?i)a|A)+\\.example\\.com", EXPO, 0, "((?i)a|A)+",
     {"https://", "a", ".example.com:1"}, 40, -1},
    /* a part that matches the empty text in two ways ("([a-z0-9-]*)?": by skipping the
     * group, or by a '*' taking nothing), once each turn */
    {"https://(([a-z0-9-]*)?\\.)+\\.example\\.com", EXPO, 0, "(([a-z0-9-]*)?\\.)+",
     {"https://", ".", ".example.com:1"}, 40, -1},
    {"https://((a?)*\\.)+\\.example\\.com", EXPO, 0, "((a?)*\\.)+",
     {"https://", ".", ".example.com:1"}, 40, -1},
    /* polynomial: three repeats in a row read the same text */
    {"https://.*-.*-.*\\.example\\.com", POLY, 3, "'.*', '.*' and '.*'",
     {"https://", "-", ".example.com:1"}, 1000, -1},
    {"https://[a-z0-9-]*[a-z0-9-]*[a-z0-9-]*\\.example\\.com", POLY, 3,
     "'[a-z0-9-]*', '[a-z0-9-]*' and '[a-z0-9-]*'", {"https://", "a", ".example.com:1"}, 1000,
     600000},
    /* accepted: the body ends with a '\.' its repeat cannot match, so each text splits
     * one way only */
    {"^https://([a-z0-9-]+\\.)*example\\.com$", SAFE, 0, NULL, {"https://", "a.", "example.com:1"},
     500, 2000},
    {"^https?://(www\\.)?(foo|bar)\\.example\\.com(:[0-9]+)?$", SAFE, 0, NULL,
     {"https://www.foo.example.com:", "1", "x"}, 990, 2000},
    {"https://[a-z0-9]+(-[a-z0-9]+)*\\.example\\.com", SAFE, 0, NULL,
     {"https://", "a-", ".example.com:1"}, 500, 2000},
    {"https://([a-z0-9-]+[.])+example\\.com", SAFE, 0, NULL, {"https://", "a.", "example.com:1"},
     500, 2000},
    {"https://(([a-z0-9-]+)?\\.)+example\\.com", SAFE, 0, NULL, {"https://", ".", "example.com:1"},
     500, 3000},
    {"https://(a?)+\\.example\\.com", SAFE, 0, NULL, {"https://", "a", ".example.com:1"}, 500,
     2000},
    /* possessive and atomic: PCRE2 never backtracks into them */
    {"https://([a-z0-9-]++\\.?)+\\.example\\.com", SAFE, 0, NULL,
     {"https://", "a", ".example.com:1"}, 1000, 2000},
    {"https://(?>[a-z0-9-]+\\.?)+\\.example\\.com", SAFE, 0, NULL,
     {"https://", "a", ".example.com:1"}, 1000, 2000},
    {"https://([a-z0-9-]{1,63}\\.)*example\\.com", SAFE, 0, NULL,
     {"https://", "a.", "example.com:1"}, 500, 2000},
    {"https?://(.*\\.)?example\\.com", SAFE, 0, NULL, {"https://", "a.", "example.com:1"}, 500,
     2000},
    /* two repeats in a row: n^2 / 2 steps, some 5 ms at 1,024 bytes; accepted */
    {"https://.*-.*\\.example\\.com", POLY, 2, "'.*' and '.*'",
     {"https://", "-", ".example.com:1"}, 1000, 600000},
};
#undef EXPO
#undef POLY
#undef SAFE
/* clang-format on */

START_TEST(test_redos_shapes)
{
    const redos_case *c = &redos_cases[_i];
    const char *pattern = cors_regex_anchor(pool, c->regex), *part;
    int degree;
    cors_redos_kind kind = cors_regex_redos(pool, pattern, 0, &part, &degree);

    ck_assert_msg(kind == c->kind, "%s: kind %d, want %d", c->regex, kind, c->kind);
    if (kind == CORS_REDOS_POLYNOMIAL) {
        ck_assert_msg(degree == c->degree, "%s: degree %d, want %d", c->regex, degree, c->degree);
    }
    if (c->part) {
        ck_assert_msg(part && strcmp(part, c->part) == 0, "%s: part %s, want %s", c->regex, part,
                      c->part);
    }
}
END_TEST

/* The evidence: PCRE2's own answer on a hostile origin, with a match limit of the steps
 * the case allows (or httpd's, for those it must give up on). */
START_TEST(test_redos_evidence)
{
    const redos_case *c = &redos_cases[_i];
    const char *pattern = cors_regex_anchor(pool, c->regex), *subject = c->pump[0];
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_code *code;
    pcre2_match_data *md;
    int i, rc, err;
    PCRE2_SIZE off;

    for (i = 0; i < c->times; i++) {
        subject = apr_pstrcat(pool, subject, c->pump[1], NULL);
    }
    subject = apr_pstrcat(pool, subject, c->pump[2], NULL);
    ck_assert_int_le(strlen(subject), CORS_ORIGIN_MAX);
    code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    md = pcre2_match_data_create_from_pattern(code, NULL);
    pcre2_set_match_limit(mc, c->steps < 0 ? 10000000 : (uint32_t)c->steps);
    rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, mc);
    ck_assert_msg(c->steps < 0 ? rc == PCRE2_ERROR_MATCHLIMIT : rc == PCRE2_ERROR_NOMATCH,
                  "%s on %s: PCRE2 answers %d", c->regex, subject, rc);
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    pcre2_match_context_free(mc);
}
END_TEST

/* The judge tries no origin on a refused regex: this one cost it some 10 s before. */
START_TEST(test_redos_judged_first)
{
    cors_regex_verdict v = judge(cors_regex_anchor(pool, "(.*)*(.*)*x"), 0);

    ck_assert_int_eq(v.redos, CORS_REDOS_EXPONENTIAL);
    ck_assert_ptr_null(v.attack);
    ck_assert_ptr_null(v.intended);
    ck_assert(strstr(cors_redos_hint(&v, pool), "can take exponential time on a hostile Origin: "
                                                "the repeated part '(.*)*'") != NULL);
    /* a mod_headers recipe sees the raw header: unanchored, the search from each offset is
     * one more repeat, and an unanchored end that can match at once is no risk */
    v = judge("https://.*-.*\\.example\\.com", 0);
    ck_assert_int_eq(v.redos, CORS_REDOS_POLYNOMIAL);
    ck_assert_int_eq(v.redos_degree, 3);
    v = judge("https://(a+)+x?", 0);
    ck_assert_int_eq(v.redos, CORS_REDOS_NONE);
    v = judge("https://(a+)+$", 0);
    ck_assert_int_eq(v.redos, CORS_REDOS_EXPONENTIAL);
    v = judge("^https://(app|admin)\\.example\\.com$", 0);
    ck_assert_int_eq(v.redos, CORS_REDOS_NONE);
}
END_TEST

/* An engine that gives up on every subject but "null", and counts what it is asked. */
static int giving_up_calls;

static int giving_up_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    (void)baton;
    (void)compiled;
    giving_up_calls++;
    return len == 4 && memcmp(s, "null", 4) == 0 ? 0 : -1;
}

/* A shape the structural check does not know, seen by the engine giving up: the judge
 * stops at the first give-up and says so; mod_cors refuses the regex for it. */
START_TEST(test_redos_engine_gave_up)
{
    cors_regex_engine e = *test_engine();
    cors_regex_verdict v;

    e.judge_match = giving_up_match;
    giving_up_calls = 0;
    ck_assert_int_eq(cors_regex_judge(&e, NULL, "^(?:https://[a-z]+\\.example\\.com)$", 0,
                                      cors_psl_ctx(psl), pool, &v),
                     0);
    ck_assert_int_eq(v.redos, CORS_REDOS_GAVE_UP);
    ck_assert_int_eq(giving_up_calls, 2);
    ck_assert(cors_redos_refused(&v));
    ck_assert(strstr(cors_redos_hint(&v, pool), "made the regex engine give up") != NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cors_judge");
    TCase *tc = tcase_create("judge");

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_attacks);
    tcase_add_test(tc, test_no_attack);
    tcase_add_test(tc, test_insecure_and_null);
    tcase_add_test(tc, test_real_regexes);
    tcase_add_test(tc, test_does_not_compile);
    tcase_add_test(tc, test_upper_case_letters);
    tcase_add_test(tc, test_literal_matches_as_pcre2);
    tcase_add_loop_test(tc, test_redos_shapes, 0, sizeof(redos_cases) / sizeof(redos_cases[0]));
    tcase_add_loop_test(tc, test_redos_evidence, 0, sizeof(redos_cases) / sizeof(redos_cases[0]));
    tcase_add_test(tc, test_redos_judged_first);
    tcase_add_test(tc, test_redos_engine_gave_up);
    suite_add_tcase(s, tc);
    return check_run(s);
}
