/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Origin regexes, judged the way CORS scanners attack them: compile once with PCRE2 (or,
 * for a literal regex, keep the finite set of strings it accepts), derive the origins
 * the regex is meant to allow from its literal text, then try the attack origins derived
 * from those (suffix, prefix, unescaped dot, downgrade, null, special characters,
 * userinfo, path) and report the first one that matches.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint.h"

/* Most origin regexes are literal text with a few groups of alternatives,
 * "^https://(app|admin)\.example\.com$": such a regex accepts a small finite set of
 * strings (at the start, at the end, both or anywhere), and matching it is comparing the
 * subject with them, with no compile and no interpreter. A regex with anything else (a
 * class, a repeat, an escaped letter, an option, an anchor inside, a top-level '|') is
 * left to PCRE2. */
#define LIT_MAX_WORDS 64
#define LIT_MAX_LEN   1024
#define LIT_MAX_DEPTH 16

typedef struct {
    const char *s;
    apr_size_t len;
} lit_word;

typedef struct {
    int n;                     /* words; 0: not a literal regex */
    lit_word *words;
    int at_start, at_end, nocase;
} lit_regex;

typedef struct {
    const char *pattern;
    pcre2_code *code;          /* NULL: does not compile (or lit.n: not needed) */
    lit_regex lit;
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
    /* judging a regex needs a few hundred bytes of scratch: one pool, cleared after each */
    apr_pool_t *scratch;
    /* the scopes that inherit a test ask about the same regex in a row */
    lint_regex *last;
    int last_nocase;
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
        apr_pool_create(&c->scratch, ctx->pool);
        ctx->regex_cache = c;
    }
    return c;
}

/* The set of words {a.b : a in A, b in B}, or -1 when it would be too large. */
static int lit_concat(apr_pool_t *p, lit_word **a, int *na, const lit_word *b, int nb)
{
    lit_word *out;
    int i, j, n = 0;

    if (*na * nb > LIT_MAX_WORDS) {
        return -1;
    }
    out = apr_palloc(p, sizeof(*out) * (apr_size_t)(*na * nb + 1));
    for (i = 0; i < *na; i++) {
        for (j = 0; j < nb; j++) {
            apr_size_t len = (*a)[i].len + b[j].len;
            char *s;
            if (len > LIT_MAX_LEN) {
                return -1;
            }
            s = apr_palloc(p, len + 1);
            memcpy(s, (*a)[i].s, (*a)[i].len);
            memcpy(s + (*a)[i].len, b[j].s, b[j].len);
            s[len] = '\0';
            out[n].s = s;
            out[n++].len = len;
        }
    }
    *a = out;
    *na = n;
    return 0;
}

static int lit_flush(apr_pool_t *p, lit_word **words, int *nwords, const char *pend,
                     apr_size_t *npend)
{
    lit_word w;

    if (*npend == 0) {
        return 0;
    }
    w.s = pend;
    w.len = *npend;
    *npend = 0;
    return lit_concat(p, words, nwords, &w, 1);
}

/* the printable characters that stand for themselves outside a class: all but the
 * metacharacters \ ^ $ . [ | ( ) ? * + { */
static const unsigned char lit_plain[256] = {
    [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, [','] = 1,
    ['-'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1,
    ['>'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, [']'] = 1, ['_'] = 1, ['`'] = 1, ['a'] = 1,
    ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1,
    ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1,
    ['z'] = 1, ['}'] = 1, ['~'] = 1,
};

/* A sequence of literal characters, escaped punctuation and groups, each optionally
 * followed by a greedy '?', up to an unescaped '|' or ')' or the end: its words in
 * *words. Returns the position after it, or NULL when the text is not of this form. */
static const char *lit_parse_seq(apr_pool_t *p, const char *s, const char *end, int depth,
                                 lit_word **words, int *nwords)
{
    static const lit_word empty = { "", 0 };
    char pend[LIT_MAX_LEN];   /* literal text not yet appended to the words */
    apr_size_t npend = 0;

    *words = apr_palloc(p, sizeof(lit_word));
    (*words)[0] = empty;
    *nwords = 1;
    for (;;) {
        lit_word *item, one;
        int nitem = 1;
        if (s >= end || *s == '|' || *s == ')') {
            break;
        }
        if (*s == '(') {
            /* a group: (a|b|...) or (?:a|b|...), its words the union of its branches */
            lit_word *all = NULL;
            int nall = 0;
            if (depth >= LIT_MAX_DEPTH) {
                return NULL;
            }
            s++;
            if (*s == '?') {
                if (s[1] != ':') {
                    return NULL;
                }
                s += 2;
            }
            for (;;) {
                lit_word *br;
                int nbr;
                lit_word *u;
                s = lit_parse_seq(p, s, end, depth + 1, &br, &nbr);
                if (s == NULL || s >= end || nall + nbr > LIT_MAX_WORDS) {
                    return NULL;
                }
                u = apr_palloc(p, sizeof(*u) * (apr_size_t)(nall + nbr));
                if (nall) {
                    memcpy(u, all, sizeof(*u) * (apr_size_t)nall);
                }
                memcpy(u + nall, br, sizeof(*u) * (apr_size_t)nbr);
                all = u;
                nall += nbr;
                if (*s++ == ')') {
                    break;
                }
            }
            item = all;
            nitem = nall;
        }
        else if (*s == '\\') {
            /* a backslash before punctuation is that character; before a letter or a
             * digit it is a class, an assertion or a reference */
            char c = s[1];
            if (!(c > ' ' && c < 127) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')) {
                return NULL;
            }
            one.s = s + 1;
            one.len = 1;
            item = &one;
            s += 2;
        }
        else if (lit_plain[(unsigned char)*s]) {
            /* a run of plain characters, less the last one when a '?' follows it */
            const char *b = s;
            while (s < end && lit_plain[(unsigned char)*s]) {
                s++;
            }
            if (s < end && *s == '?' && s - b > 1) {
                s--;
            }
            one.s = b;
            one.len = (apr_size_t)(s - b);
            item = &one;
        }
        else {
            return NULL;
        }
        if (s < end && *s == '?') {
            /* greedy optional; lazy '??' would do as well, possessive '?+' would not */
            lit_word *opt;
            s++;
            if (s < end && (*s == '?' || *s == '+')) {
                return NULL;
            }
            if (nitem + 1 > LIT_MAX_WORDS) {
                return NULL;
            }
            opt = apr_palloc(p, sizeof(*opt) * (apr_size_t)(nitem + 1));
            memcpy(opt, item, sizeof(*opt) * (apr_size_t)nitem);
            opt[nitem++] = empty;
            item = opt;
        }
        if (s < end && (*s == '*' || *s == '+' || *s == '{')) {
            return NULL;
        }
        if (item == &one) {
            /* plain text: appended to every word at once, later */
            if (npend + one.len > LIT_MAX_LEN) {
                return NULL;
            }
            memcpy(pend + npend, one.s, one.len);
            npend += one.len;
            continue;
        }
        if (lit_flush(p, words, nwords, pend, &npend) != 0
            || lit_concat(p, words, nwords, item, nitem) != 0) {
            return NULL;
        }
    }
    return lit_flush(p, words, nwords, pend, &npend) == 0 ? s : NULL;
}

/* Fills re->lit when the pattern is a literal regex (see above); leaves it empty when
 * not, or when PCRE2 was built to end lines with something else than LF. */
static void lit_compile(apr_pool_t *p, apr_pool_t *scratch, lint_regex *re,
                        const char *pattern, int nocase)
{
    const char *s = pattern, *end = pattern + strlen(pattern), *stop;
    lit_word *words;
    int i, n, at_start = 0, at_end = 0;
    apr_size_t size;
    char *text;
    uint32_t nl = 0;

    if (pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) < 0 || nl != PCRE2_NEWLINE_LF) {
        return;
    }
    if (*s == '^') {
        at_start = 1;
        s++;
    }
    if (end > s && end[-1] == '$') {
        /* an unescaped '$': an even number of backslashes before it */
        const char *b = end - 1;
        while (b > s && b[-1] == '\\') {
            b--;
        }
        if ((end - 1 - b) % 2 == 0) {
            at_end = 1;
            end--;
        }
    }
    stop = lit_parse_seq(scratch, s, end, 0, &words, &n);
    if (stop != end) {
        return;
    }
    /* the words are kept in one block; the parse's intermediate sets were scratch */
    size = sizeof(*words) * (apr_size_t)n;
    for (i = 0; i < n; i++) {
        size += words[i].len + 1;
    }
    re->lit.words = apr_palloc(p, size);
    text = (char *)(re->lit.words + n);
    for (i = 0; i < n; i++) {
        memcpy(text, words[i].s, words[i].len + 1);
        re->lit.words[i].s = text;
        re->lit.words[i].len = words[i].len;
        text += words[i].len + 1;
    }
    re->lit.n = n;
    re->lit.at_start = at_start;
    re->lit.at_end = at_end;
    re->lit.nocase = nocase;
}

static int lit_eq(const char *a, const char *b, apr_size_t n, int nocase)
{
    apr_size_t i;

    if (!nocase) {
        return memcmp(a, b, n) == 0;
    }
    for (i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x != y && ((x | 32) != (y | 32) || (x | 32) < 'a' || (x | 32) > 'z')) {
            return 0;
        }
    }
    return 1;
}

/* PCRE2's answer for a literal regex: '^' is the subject's start, '$' its end or just
 * before a final newline. */
static int lit_match(const lit_regex *lr, const char *subject, apr_size_t len)
{
    int i;

    for (i = 0; i < lr->n; i++) {
        const char *w = lr->words[i].s;
        apr_size_t wl = lr->words[i].len, k;
        if (lr->at_start && lr->at_end) {
            if ((len == wl || (len == wl + 1 && subject[wl] == '\n'))
                && lit_eq(subject, w, wl, lr->nocase)) {
                return 1;
            }
        }
        else if (lr->at_start) {
            if (len >= wl && lit_eq(subject, w, wl, lr->nocase)) {
                return 1;
            }
        }
        else if (lr->at_end) {
            if ((len >= wl && lit_eq(subject + len - wl, w, wl, lr->nocase))
                || (len >= wl + 1 && subject[len - 1] == '\n'
                    && lit_eq(subject + len - 1 - wl, w, wl, lr->nocase))) {
                return 1;
            }
        }
        else {
            for (k = 0; k + wl <= len; k++) {
                if (lit_eq(subject + k, w, wl, lr->nocase)) {
                    return 1;
                }
            }
        }
    }
    return 0;
}

static lint_regex *regex_get(lint_ctx *ctx, const char *pattern, int nocase)
{
    lint_regex_cache *c = regex_cache(ctx);
    lint_regex *re;
    int errcode;
    PCRE2_SIZE erroff;

    nocase = nocase != 0;
    if (c->last && c->last_nocase == nocase && strcmp(c->last->pattern, pattern) == 0) {
        return c->last;
    }
    re = apr_hash_get(c->by_pattern[nocase], pattern, APR_HASH_KEY_STRING);
    if (re == NULL) {
        re = apr_pcalloc(ctx->pool, sizeof(*re));
        lit_compile(ctx->pool, c->scratch, re, pattern, nocase);
        apr_pool_clear(c->scratch);
        if (re->lit.n == 0) {
            re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     nocase ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);
        }
        re->pattern = apr_pstrdup(ctx->pool, pattern);
        apr_hash_set(c->by_pattern[nocase], re->pattern, APR_HASH_KEY_STRING, re);
    }
    c->last = re;
    c->last_nocase = nocase;
    return re;
}

static int regex_exec_n(lint_ctx *ctx, const lint_regex *re, const char *subject,
                        apr_size_t len)
{
    lint_regex_cache *c = ctx->regex_cache;
    if (re->lit.n) {
        return lit_match(&re->lit, subject, len);
    }
    return pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, c->md, NULL) >= 0;
}

static int regex_exec(lint_ctx *ctx, const lint_regex *re, const char *subject)
{
    return regex_exec_n(ctx, re, subject, strlen(subject));
}

/* Can a subject of this length match? Only a literal regex knows without trying. */
static int regex_may_match_len(const lint_regex *re, apr_size_t len)
{
    const lit_regex *lr = &re->lit;
    int i;

    if (lr->n == 0) {
        return 1;
    }
    for (i = 0; i < lr->n; i++) {
        apr_size_t wl = lr->words[i].len;
        if (lr->at_start && lr->at_end ? len == wl || len == wl + 1 : len >= wl) {
            return 1;
        }
    }
    return 0;
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
    apr_pool_destroy(c->scratch);
    ctx->regex_cache = NULL;
}

int lint_regex_match(lint_ctx *ctx, const char *pattern, int nocase, const char *subject)
{
    lint_regex *re = regex_get(ctx, pattern, nocase);

    if (re->code == NULL && re->lit.n == 0) {
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
        lint_regex_cache *c = ctx->regex_cache;
        apr_pool_t *keep = ctx->pool;
        ctx->pool = c->scratch;
        re->attack = re->code || re->lit.n ? regex_attack(ctx, re, pattern, &re->intended)
                                           : NULL;
        ctx->pool = keep;
        re->attack = re->attack ? apr_pstrdup(keep, re->attack) : NULL;
        re->intended = re->intended ? apr_pstrdup(keep, re->intended) : NULL;
        apr_pool_clear(c->scratch);
        re->judged = 1;
    }
    if (intended_out) {
        *intended_out = re->intended;
    }
    return re->attack;
}

/* One attack tried against a regex meant for intended: the attack is accepted when the
 * regex matches it and it is a bypass. Attacks are built in buf, not in the pool: most
 * are rejected. */
typedef struct {
    lint_ctx *ctx;
    lint_regex *re;
    const char *pattern;
    const char *intended;
    int tried;
    char buf[512];
} attack_try;

static const char *attack_check(attack_try *t, const char *a, apr_size_t len)
{
    t->tried++;
    if (!regex_exec_n(t->ctx, t->re, a, len) || !is_bypass(t->ctx, t->intended, a)) {
        return NULL;
    }
    /* a regex written to allow null or http:// on purpose is judged by CL006 / CL007,
     * not here */
    if (strcmp(a, "null") == 0 && strstr(t->pattern, "null")) {
        return NULL;
    }
    return apr_pstrmemdup(t->ctx->pool, a, len);
}

static const char *attack_cat(attack_try *t, const char *a, apr_size_t la, const char *b,
                              apr_size_t lb, const char *c, apr_size_t lc)
{
    apr_size_t len = la + lb + lc;
    char *s;

    if (!regex_may_match_len(t->re, len)) {
        t->tried++;
        return NULL;
    }
    s = len < sizeof(t->buf) ? t->buf : apr_palloc(t->ctx->pool, len + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc);
    s[len] = '\0';
    return attack_check(t, s, len);
}
#define LIT(s) s, sizeof(s) - 1
#define NONE   "", 0

/* The intended origin with the character at pos (a dot) replaced by 'x'. */
static const char *attack_dot(attack_try *t, apr_size_t pos)
{
    apr_size_t len = strlen(t->intended);
    char *s;

    if (!regex_may_match_len(t->re, len)) {
        t->tried++;
        return NULL;
    }
    s = len < sizeof(t->buf) ? t->buf : apr_palloc(t->ctx->pool, len + 1);
    memcpy(s, t->intended, len + 1);
    s[pos] = 'x';
    return attack_check(t, s, len);
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
            const char *q, *found = NULL;
            apr_size_t ls = strlen(schemes[si]), lh = strlen(host), lo = ls + 3 + lh;
            attack_try t;
            if (!regex_exec(ctx, re, o)) {
                continue;
            }
            tested[h] = 1;
            *intended_out = o;
            t.ctx = ctx;
            t.re = re;
            t.pattern = pattern;
            t.intended = o;
            t.tried = 0;
            /* the attacks, in order; the first the regex accepts is the answer */
            if ((found = attack_cat(&t, o, lo, LIT(".evil.example"), NONE))
                || (found = attack_cat(&t, schemes[si], ls, LIT("://evil"), host, lh))
                || (found = attack_cat(&t, schemes[si], ls, LIT("://evil-"), host, lh))) {
                return found;
            }
            for (q = host; *q && t.tried < 40; q++) {
                if (*q == '.') {
                    /* the dot read as any character */
                    found = attack_dot(&t, ls + 3 + (apr_size_t)(q - host));
                    if (found) {
                        return found;
                    }
                }
            }
            if ((si == 0 && (found = attack_cat(&t, LIT("http://"), host, lh, NONE)))
                || (found = attack_cat(&t, LIT("null"), NONE, NONE))) {
                return found;
            }
            for (q = specials; *q && t.tried < 58; q++) {
                char tail[16] = "x.evil.example";
                tail[0] = *q;
                if ((found = attack_cat(&t, o, lo, tail, sizeof("x.evil.example") - 1, NONE))) {
                    return found;
                }
            }
            if ((found = attack_cat(&t, o, lo, LIT("%60.evil.example"), NONE))
                || (found = attack_cat(&t, o, lo, LIT("@evil.example"), NONE))
                || (found = attack_cat(&t, schemes[si], ls, LIT("://evil.example/"), host, lh))
                || (found = attack_cat(&t, schemes[si], ls, LIT("://evil.example/?"), o, lo))) {
                return found;
            }
        }
    }
    return NULL;
}
