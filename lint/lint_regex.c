/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Origin regexes, judged the way CORS scanners attack them: compile once with PCRE2,
 * derive the origins the regex is meant to allow from its literal text, then try the
 * attack origins derived from those (suffix, prefix, unescaped dot, downgrade, null,
 * special characters, userinfo, path) and report the first one that matches.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "lint.h"

typedef struct {
    pcre2_code *code;          /* NULL: does not compile */
    pcre2_match_data *md;
} lint_regex;

typedef struct {
    apr_hash_t *by_pattern;    /* "i:" or "c:" + pattern -> lint_regex */
} lint_regex_cache;

static lint_regex *regex_get(lint_ctx *ctx, const char *pattern, int nocase)
{
    lint_regex_cache *c = ctx->regex_cache;
    const char *key;
    lint_regex *re;
    int errcode;
    PCRE2_SIZE erroff;

    if (c == NULL) {
        c = apr_pcalloc(ctx->pool, sizeof(*c));
        c->by_pattern = apr_hash_make(ctx->pool);
        ctx->regex_cache = c;
    }
    key = apr_pstrcat(ctx->pool, nocase ? "i:" : "c:", pattern, NULL);
    re = apr_hash_get(c->by_pattern, key, APR_HASH_KEY_STRING);
    if (re) {
        return re;
    }
    re = apr_pcalloc(ctx->pool, sizeof(*re));
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                             nocase ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);
    if (re->code) {
        re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    }
    apr_hash_set(c->by_pattern, key, APR_HASH_KEY_STRING, re);
    return re;
}

void lint_regex_free(lint_ctx *ctx)
{
    lint_regex_cache *c = ctx->regex_cache;
    apr_hash_index_t *hi;

    if (c == NULL) {
        return;
    }
    for (hi = apr_hash_first(ctx->pool, c->by_pattern); hi; hi = apr_hash_next(hi)) {
        lint_regex *re = apr_hash_this_val(hi);
        pcre2_match_data_free(re->md);
        pcre2_code_free(re->code);
    }
    ctx->regex_cache = NULL;
}

int lint_regex_match(lint_ctx *ctx, const char *pattern, int nocase, const char *subject)
{
    lint_regex *re = regex_get(ctx, pattern, nocase);
    int rc;

    if (re->code == NULL) {
        return -1;
    }
    rc = pcre2_match(re->code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, re->md, NULL);
    return rc >= 0;
}

static int is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '-';
}

/* The host names written in a regex: runs of labels joined by '.' or '\.', with at least
 * one dot ("app\.example\.com" -> "app.example.com"). */
static apr_array_header_t *regex_hosts(apr_pool_t *p, const char *re)
{
    apr_array_header_t *hosts = apr_array_make(p, 4, sizeof(const char *));
    const char *s = re;

    while (*s) {
        char buf[256];
        apr_size_t n = 0;
        int dots = 0;
        if (!is_label_char(*s)) {
            s++;
            continue;
        }
        for (;;) {
            while (is_label_char(*s) && n < sizeof(buf) - 1) {
                buf[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
                s++;
            }
            if (s[0] == '\\' && s[1] == '.' && is_label_char(s[2])) {
                s += 2;
            }
            else if (s[0] == '.' && is_label_char(s[1])) {
                s += 1;
            }
            else {
                break;
            }
            if (n >= sizeof(buf) - 1) {
                break;
            }
            buf[n++] = '.';
            dots++;
        }
        buf[n] = '\0';
        /* "https" or "www" alone are not hosts; "localhost" without a dot is */
        if (dots > 0 || strcmp(buf, "localhost") == 0) {
            APR_ARRAY_PUSH(hosts, const char *) = apr_pstrdup(p, buf);
        }
    }
    return hosts;
}

const char *lint_regex_attack(lint_ctx *ctx, const char *pattern, int nocase,
                              const char **intended_out)
{
    static const char specials[] = "_`!$&'()*+,;=~{|}";
    apr_pool_t *p = ctx->pool;
    apr_array_header_t *hosts;
    const char *schemes[2] = { "https", "http" };
    int h, si;

    if (intended_out) {
        *intended_out = NULL;
    }
    if (regex_get(ctx, pattern, nocase)->code == NULL) {
        return NULL;
    }
    /* accepts anything at all: the test is no allow-list (CL004 reports that) */
    if (lint_regex_match(ctx, pattern, nocase, "https://evil.example") == 1) {
        if (intended_out) {
            *intended_out = "any origin";
        }
        return "https://evil.example";
    }
    hosts = regex_hosts(p, pattern);
    for (h = 0; h < hosts->nelts; h++) {
        const char *host = APR_ARRAY_IDX(hosts, h, const char *);
        for (si = 0; si < 2; si++) {
            const char *o = apr_pstrcat(p, schemes[si], "://", host, NULL);
            const char *attacks[64];
            int na = 0, a;
            const char *q;
            if (lint_regex_match(ctx, pattern, nocase, o) != 1) {
                continue;
            }
            if (intended_out) {
                *intended_out = o;
            }
            attacks[na++] = apr_pstrcat(p, o, ".evil.example", NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil", host, NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil-", host, NULL);
            for (q = host; *q && na < 40; q++) {
                if (*q == '.') {
                    char *copy = apr_pstrdup(p, o);
                    copy[strlen(schemes[si]) + 3 + (apr_size_t)(q - host)] = 'x';
                    attacks[na++] = copy;
                }
            }
            if (si == 0) {
                attacks[na++] = apr_pstrcat(p, "http://", host, NULL);
            }
            attacks[na++] = "null";
            for (q = specials; *q && na < 58; q++) {
                attacks[na++] = apr_psprintf(p, "%s%c.evil.example", o, *q);
            }
            attacks[na++] = apr_pstrcat(p, o, "%60.evil.example", NULL);
            attacks[na++] = apr_pstrcat(p, o, "@evil.example", NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil.example/", host, NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil.example/?", o, NULL);
            for (a = 0; a < na; a++) {
                if (lint_regex_match(ctx, pattern, nocase, attacks[a]) == 1) {
                    /* a regex written to allow null or http:// on purpose is judged by
                     * CL006 / CL007, not here */
                    if (strcmp(attacks[a], "null") == 0 && strstr(pattern, "null")) {
                        continue;
                    }
                    return attacks[a];
                }
            }
        }
    }
    return NULL;
}
