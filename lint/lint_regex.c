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

#include "cors_policy.h"
#include "lint.h"

typedef struct {
    pcre2_code *code;          /* NULL: does not compile */
    int judged;                /* attack and intended below are known */
    const char *attack;
    const char *intended;
} lint_regex;

typedef struct {
    apr_hash_t *by_pattern[2]; /* [nocase]: pattern -> lint_regex */
    const psl_ctx_t *psl;
    /* one match block for every regex: PCRE2 keeps its backtracking frames in it, so
     * they are allocated once, not per regex */
    pcre2_match_data *md;
} lint_regex_cache;

static lint_regex_cache *regex_cache(lint_ctx *ctx)
{
    lint_regex_cache *c = ctx->regex_cache;

    if (c == NULL) {
        c = apr_pcalloc(ctx->pool, sizeof(*c));
        c->by_pattern[0] = apr_hash_make(ctx->pool);
        c->by_pattern[1] = apr_hash_make(ctx->pool);
        c->psl = cors_psl_open(ctx->pool);
        c->md = pcre2_match_data_create(16, NULL);
        ctx->regex_cache = c;
    }
    return c;
}

static lint_regex *regex_get(lint_ctx *ctx, const char *pattern, int nocase)
{
    lint_regex_cache *c = regex_cache(ctx);
    lint_regex *re;
    int errcode;
    PCRE2_SIZE erroff;

    nocase = nocase != 0;
    re = apr_hash_get(c->by_pattern[nocase], pattern, APR_HASH_KEY_STRING);
    if (re) {
        return re;
    }
    re = apr_pcalloc(ctx->pool, sizeof(*re));
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                             nocase ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);
    apr_hash_set(c->by_pattern[nocase], apr_pstrdup(ctx->pool, pattern), APR_HASH_KEY_STRING,
                 re);
    return re;
}

static int regex_exec(lint_ctx *ctx, const lint_regex *re, const char *subject)
{
    lint_regex_cache *c = ctx->regex_cache;
    return pcre2_match(re->code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, c->md,
                       NULL) >= 0;
}

void lint_regex_free(lint_ctx *ctx)
{
    lint_regex_cache *c = ctx->regex_cache;
    apr_hash_index_t *hi;
    int k;

    if (c == NULL) {
        return;
    }
    for (k = 0; k < 2; k++) {
        for (hi = apr_hash_first(ctx->pool, c->by_pattern[k]); hi; hi = apr_hash_next(hi)) {
            lint_regex *re = apr_hash_this_val(hi);
            pcre2_code_free(re->code);
        }
    }
    pcre2_match_data_free(c->md);
    ctx->regex_cache = NULL;
}

int lint_regex_match(lint_ctx *ctx, const char *pattern, int nocase, const char *subject)
{
    lint_regex *re = regex_get(ctx, pattern, nocase);

    if (re->code == NULL) {
        return -1;
    }
    return regex_exec(ctx, re, subject);
}

static int is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '-';
}

/* One origin the regex is written to allow, by undoing the common regex forms:
 * anchors dropped, "\\." -> ".", a class or wildcard with + or * -> "a", "(a|b)" -> "a",
 * "x?" -> "x". Good enough for origin allow-lists; the caller checks that the regex
 * really matches the result before using it. */
static const char *deregex(apr_pool_t *p, const char *re)
{
    char *out = apr_palloc(p, strlen(re) * 2 + 2), *o = out;
    const char *s = re;
    int depth_skip = 0;

    while (*s) {
        if (depth_skip) {
            /* skipping the other alternatives of a group */
            if (*s == '\\' && s[1]) {
                s += 2;
                continue;
            }
            if (*s == ')') {
                depth_skip = 0;
            }
            s++;
            continue;
        }
        if (*s == '^' || *s == '$' || *s == '(' || *s == ')' || *s == '?') {
            if (s[0] == '(' && s[1] == '?' && s[2] == ':') {
                s += 3;
                continue;
            }
            s++;
            continue;
        }
        if (*s == '|') {
            depth_skip = 1;   /* keep the first alternative */
            s++;
            continue;
        }
        if (*s == '\\' && s[1]) {
            if (s[1] == 'w' || s[1] == 'd') {
                *o++ = s[1] == 'd' ? '1' : 'a';
            }
            else {
                *o++ = s[1];
            }
            s += 2;
        }
        else if (*s == '[') {
            const char *e = strchr(s + 1, ']');
            if (e == NULL) {
                break;
            }
            *o++ = 'a';
            s = e + 1;
        }
        else if (*s == '.') {
            /* an unescaped dot next to letters is meant as a dot; ".+" / ".*" is "a" */
            if (s[1] == '+' || s[1] == '*') {
                *o++ = 'a';
            }
            else {
                *o++ = '.';
            }
            s++;
        }
        else if (*s == '+' || *s == '*') {
            s++;
        }
        else if (*s == '{') {
            const char *e = strchr(s, '}');
            s = e ? e + 1 : s + 1;
        }
        else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
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

/* The host of an origin-like string ("https://user@host:port/path" -> host). */
static const char *origin_host(apr_pool_t *p, const char *o)
{
    const char *h = strstr(o, "://"), *at;
    apr_size_t n;

    if (h == NULL) {
        return o;
    }
    h += 3;
    n = strcspn(h, "/?#");
    at = memchr(h, '@', n);
    if (at) {
        n -= (apr_size_t)(at + 1 - h);
        h = at + 1;
    }
    return apr_pstrndup(p, h, strcspn(h, ":/?#") < n ? strcspn(h, ":/?#") : n);
}

/* An accepted string is a bypass when an attacker can own it: another registrable
 * domain (public suffix list), another scheme, or the opaque origin. A longer label
 * inside the same registrable domain ("evila.preview.example.com" for
 * "[a-z]+\.preview\.example\.com") is what the regex means to allow. */
static int is_bypass(lint_ctx *ctx, const char *intended, const char *attack)
{
    lint_regex_cache *c = ctx->regex_cache;
    const char *ih, *ah, *ir, *ar;

    if (strcmp(attack, "null") == 0) {
        return 1;
    }
    if (strncmp(intended, attack, strcspn(intended, ":") + 1) != 0) {
        return 1;  /* scheme downgrade */
    }
    ih = origin_host(ctx->pool, intended);
    ah = origin_host(ctx->pool, attack);
    ir = c->psl ? psl_registrable_domain(c->psl, ih) : NULL;
    ar = c->psl ? psl_registrable_domain(c->psl, ah) : NULL;
    return strcmp(ir ? ir : ih, ar ? ar : ah) != 0;
}

static const char *regex_attack(lint_ctx *ctx, lint_regex *re, const char *pattern,
                                const char **intended_out);

/* Every scope that inherits a test asks again: judge each regex once. */
const char *lint_regex_attack(lint_ctx *ctx, const char *pattern, int nocase,
                              const char **intended_out)
{
    lint_regex *re = regex_get(ctx, pattern, nocase);

    if (!re->judged) {
        /* the attack strings are scratch: only the verdict is kept */
        apr_pool_t *keep = ctx->pool, *scratch;
        apr_pool_create(&scratch, keep);
        ctx->pool = scratch;
        re->attack = re->code ? regex_attack(ctx, re, pattern, &re->intended) : NULL;
        ctx->pool = keep;
        re->attack = re->attack ? apr_pstrdup(keep, re->attack) : NULL;
        re->intended = re->intended ? apr_pstrdup(keep, re->intended) : NULL;
        apr_pool_destroy(scratch);
        re->judged = 1;
    }
    if (intended_out) {
        *intended_out = re->intended;
    }
    return re->attack;
}

static const char *regex_attack(lint_ctx *ctx, lint_regex *re, const char *pattern,
                                const char **intended_out)
{
    static const char specials[] = "_`!$&'()*+,;=~{|}";
    apr_pool_t *p = ctx->pool;
    apr_array_header_t *hosts;
    const char *schemes[2] = { "https", "http" };
    int h, si;

    *intended_out = NULL;
    /* accepts anything at all: the test is no allow-list (CL004 reports that) */
    if (regex_exec(ctx, re, "https://evil.example")) {
        *intended_out = "any origin";
        return "https://evil.example";
    }
    char *tested;
    const char **regs;

    hosts = regex_hosts(p, pattern);
    {
        /* the de-regexed sample first: it keeps the labels a class stands for */
        const char *sample = deregex(p, pattern);
        const char *sep = strstr(sample, "://");
        if (sep && sep[3]) {
            const char *host = sep + 3;
            apr_size_t hl = strcspn(host, ":/");
            const char *h0 = apr_pstrndup(p, host, hl);
            apr_array_header_t *all = apr_array_make(p, hosts->nelts + 1,
                                                     sizeof(const char *));
            APR_ARRAY_PUSH(all, const char *) = h0;
            apr_array_cat(all, hosts);
            hosts = all;
        }
    }
    tested = apr_pcalloc(p, (apr_size_t)hosts->nelts + 1);
    regs = apr_pcalloc(p, sizeof(const char *) * ((apr_size_t)hosts->nelts + 1));
    for (h = 0; h < hosts->nelts; h++) {
        const char *host = APR_ARRAY_IDX(hosts, h, const char *);
        /* hosts under one parent domain (app.x.com, admin.x.com) share their attacks:
         * try the first that the regex allows */
        const char *dot = strchr(host, '.');
        const char *reg = dot && strchr(dot + 1, '.') ? dot + 1 : host;
        int seen = 0, k;
        regs[h] = reg;
        for (k = 0; k < h; k++) {
            seen |= tested[k] && strcmp(regs[k], reg) == 0;
        }
        if (seen) {
            continue;
        }
        for (si = 0; si < 2; si++) {
            const char *o = apr_pstrcat(p, schemes[si], "://", host, NULL);
            const char *attacks[64];
            int na = 0, a;
            const char *q;
            if (!regex_exec(ctx, re, o)) {
                continue;
            }
            tested[h] = 1;
            *intended_out = o;
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
                char tail[16] = "x.evil.example";
                tail[0] = *q;
                attacks[na++] = apr_pstrcat(p, o, tail, NULL);
            }
            attacks[na++] = apr_pstrcat(p, o, "%60.evil.example", NULL);
            attacks[na++] = apr_pstrcat(p, o, "@evil.example", NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil.example/", host, NULL);
            attacks[na++] = apr_pstrcat(p, schemes[si], "://evil.example/?", o, NULL);
            for (a = 0; a < na; a++) {
                if (regex_exec(ctx, re, attacks[a]) && is_bypass(ctx, o, attacks[a])) {
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
