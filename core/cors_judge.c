/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_judge: see cors_judge.h. Three parts: literal regexes (matched without an
 * engine), the origins a regex is written for (read off its text), and the attacks.
 */
#include "cors_judge.h"
#include "cors_policy.h"

#include <stdlib.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>

/* ---- Anchoring and letters ----------------------------------------------------------- */

const char *cors_regex_anchor(apr_pool_t *pool, const char *src)
{
    return apr_pstrcat(pool, "^(?:", src, ")$", NULL);
}

/* Skips "\x{...}"-style escapes whose braces hold names or numbers (\p{Lu}, \x{41},
 * \N{U+41}, \o{101}, \g{name}, \k{name}) and "\k<name>", "\k'name'". */
static const char *skip_escape(const char *s)
{
    char c = s[1];

    if (c == '\0') {
        return s + 1;
    }
    if ((c == 'p' || c == 'P' || c == 'x' || c == 'N' || c == 'o' || c == 'g' || c == 'k') &&
        s[2] == '{') {
        const char *e = strchr(s + 3, '}');
        return e ? e + 1 : s + strlen(s);
    }
    if (c == 'k' && (s[2] == '<' || s[2] == '\'')) {
        const char *e = strchr(s + 3, s[2] == '<' ? '>' : '\'');
        return e ? e + 1 : s + strlen(s);
    }
    return s + 2;
}

/* After '[': the end of the class (']' is literal first, and in "[:alpha:]"). */
static const char *skip_class(const char *s)
{
    if (*s == '^') {
        s++;
    }
    if (*s == ']') {
        s++;
    }
    while (*s && *s != ']') {
        if (*s == '\\') {
            s = skip_escape(s);
        }
        else if (*s == '[' && s[1] == ':') {
            const char *e = strstr(s + 2, ":]");
            s = e ? e + 2 : s + 1;
        }
        else {
            s++;
        }
    }
    return *s ? s + 1 : s;
}

/* Is the class from b (after '[') to e (after its ']') only upper-case letters and
 * ranges of them ("[A-Z]"), which no character of a lower-case origin matches? */
static int class_only_upper(const char *b, const char *e)
{
    const char *p, *end = (e > b && e[-1] == ']') ? e - 1 : e;

    if (b == end || *b == '^') {
        return 0;
    }
    for (p = b; p < end; p++) {
        int upper = *p >= 'A' && *p <= 'Z';
        int range = *p == '-' && p > b && p + 1 < end && p[-1] >= 'A' && p[-1] <= 'Z' &&
                    p[1] >= 'A' && p[1] <= 'Z';
        if (!upper && !range) {
            return 0;
        }
    }
    return 1;
}

long cors_regex_upper(const char *src)
{
    const char *s = src;

    while (*s) {
        if (s[0] == '\\' && s[1] == 'Q') {
            const char *e = strstr(s + 2, "\\E");
            const char *end = e ? e : s + strlen(s);
            for (s += 2; s < end; s++) {
                if (*s >= 'A' && *s <= 'Z') {
                    return (long)(s - src);
                }
            }
            s = e ? e + 2 : end;
        }
        else if (*s == '\\') {
            s = skip_escape(s);
        }
        else if (*s == '[') {
            const char *e = skip_class(s + 1);
            if (class_only_upper(s + 1, e)) {
                return (long)(s + 1 - src);
            }
            s = e;
        }
        else if (s[0] == '(' && s[1] == '*') {
            const char *e = strchr(s, ')'); /* (*UTF), (*CR)... */
            s = e ? e + 1 : s + strlen(s);
        }
        else if (s[0] == '(' && s[1] == '?') {
            const char *p = s + 2;
            if (*p == '<' || *p == '\'' || (*p == 'P' && p[1] == '<')) {
                /* a group name, or a look-behind "(?<=" "(?<!" */
                const char *e;
                p += *p == 'P' ? 2 : 1;
                e = (*p == '=' || *p == '!') ? p : strpbrk(p, ">'");
                s = e ? e + 1 : s + strlen(s);
                continue;
            }
            if (*p == 'P' && (p[1] == '=' || p[1] == '>')) {
                const char *e = strchr(p, ')');
                s = e ? e + 1 : s + strlen(s);
                continue;
            }
            /* option letters up to ':' or ')': "(?i)", "(?i:", "(?-i)" */
            {
                int neg = 0;
                for (; *p && *p != ':' && *p != ')'; p++) {
                    if (*p == '-') {
                        neg = 1;
                    }
                    else if (*p == 'i' && !neg) {
                        return -1;
                    }
                    else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                               *p == '^')) {
                        break;
                    }
                }
            }
            s += 2;
        }
        else if (*s >= 'A' && *s <= 'Z') {
            return (long)(s - src);
        }
        else {
            s++;
        }
    }
    return -1;
}

/* ---- Literal regexes ------------------------------------------------------------------ */

#define LIT_MAX_WORDS 64
#define LIT_MAX_LEN   1024
#define LIT_MAX_DEPTH 16

typedef struct {
    const char *s;
    apr_size_t len;
} lit_word;

struct cors_lit_regex {
    int n;
    lit_word *words;
    int at_start, at_end, nocase;
};

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
    ['-'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,  ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1,  ['='] = 1,
    ['>'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,  ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,  ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, [']'] = 1, ['_'] = 1, ['`'] = 1,  ['a'] = 1,
    ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,  ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,  ['q'] = 1,
    ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,  ['y'] = 1,
    ['z'] = 1, ['}'] = 1, ['~'] = 1,
};

static const char *lit_parse_seq(apr_pool_t *p, const char *s, const char *end, int depth,
                                 lit_word **words, int *nwords);

/* A group "(a|b|...)" or "(?:a|b|...)" at s (after its '('): the union of its branches. */
static const char *lit_parse_group(apr_pool_t *p, const char *s, const char *end, int depth,
                                   lit_word **all, int *nall)
{
    *all = NULL;
    *nall = 0;
    if (depth >= LIT_MAX_DEPTH) {
        return NULL;
    }
    if (*s == '?') {
        if (s[1] != ':') {
            return NULL;
        }
        s += 2;
    }
    for (;;) {
        lit_word *br, *u;
        int nbr;
        s = lit_parse_seq(p, s, end, depth + 1, &br, &nbr);
        if (s == NULL || s >= end || *nall + nbr > LIT_MAX_WORDS) {
            return NULL;
        }
        u = apr_palloc(p, sizeof(*u) * (apr_size_t)(*nall + nbr));
        if (*nall) {
            memcpy(u, *all, sizeof(*u) * (apr_size_t)*nall);
        }
        memcpy(u + *nall, br, sizeof(*u) * (apr_size_t)nbr);
        *all = u;
        *nall += nbr;
        if (*s++ == ')') {
            return s;
        }
    }
}

/* A sequence of literal characters, escaped punctuation and groups, each optionally
 * followed by a greedy '?', up to an unescaped '|' or ')' or the end: its words in
 * *words. Returns the position after it, or NULL when the text is not of this form. */
static const char *lit_parse_seq(apr_pool_t *p, const char *s, const char *end, int depth,
                                 lit_word **words, int *nwords)
{
    static const lit_word empty = {"", 0};
    char pend[LIT_MAX_LEN]; /* literal text not yet appended to the words */
    apr_size_t npend = 0;

    *words = apr_palloc(p, sizeof(lit_word));
    (*words)[0] = empty;
    *nwords = 1;
    while (s < end && *s != '|' && *s != ')') {
        lit_word *item, one;
        int nitem = 1;
        if (*s == '(') {
            s = lit_parse_group(p, s + 1, end, depth, &item, &nitem);
            if (s == NULL) {
                return NULL;
            }
        }
        else if (*s == '\\') {
            /* a backslash before punctuation is that character; before a letter or a
             * digit it is a class, an assertion or a reference */
            char c = s[1];
            if (!(c > ' ' && c < 127) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z')) {
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
            if ((s < end && (*s == '?' || *s == '+')) || nitem + 1 > LIT_MAX_WORDS) {
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
        if (lit_flush(p, words, nwords, pend, &npend) != 0 ||
            lit_concat(p, words, nwords, item, nitem) != 0) {
            return NULL;
        }
    }
    return lit_flush(p, words, nwords, pend, &npend) == 0 ? s : NULL;
}

cors_lit_regex *cors_lit_compile(apr_pool_t *pool, const char *pattern, int nocase)
{
    const char *s = pattern, *end = pattern + strlen(pattern), *stop;
    cors_lit_regex *lr = NULL;
    lit_word *words;
    int i, n, at_start = 0, at_end = 0;
    apr_size_t size;
    apr_pool_t *scratch;
    char *text;

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
    /* the parse's intermediate sets are scratch; the words are kept in one block */
    if (apr_pool_create(&scratch, pool) != APR_SUCCESS) {
        return NULL;
    }
    stop = lit_parse_seq(scratch, s, end, 0, &words, &n);
    if (stop == end) {
        size = sizeof(*lr) + sizeof(*words) * (apr_size_t)n;
        for (i = 0; i < n; i++) {
            size += words[i].len + 1;
        }
        lr = apr_palloc(pool, size);
        lr->words = (lit_word *)(lr + 1);
        text = (char *)(lr->words + n);
        for (i = 0; i < n; i++) {
            memcpy(text, words[i].s, words[i].len + 1);
            lr->words[i].s = text;
            lr->words[i].len = words[i].len;
            text += words[i].len + 1;
        }
        lr->n = n;
        lr->at_start = at_start;
        lr->at_end = at_end;
        lr->nocase = nocase != 0;
    }
    apr_pool_destroy(scratch);
    return lr;
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

/* PCRE2's answer: '^' is the subject's start, '$' its end or just before a final
 * newline. */
int cors_lit_match(const cors_lit_regex *lr, const char *subject, apr_size_t len)
{
    int i;

    for (i = 0; i < lr->n; i++) {
        const char *w = lr->words[i].s;
        apr_size_t wl = lr->words[i].len, k;
        if (lr->at_start && lr->at_end) {
            if ((len == wl || (len == wl + 1 && subject[wl] == '\n')) &&
                lit_eq(subject, w, wl, lr->nocase)) {
                return 1;
            }
        }
        else if (lr->at_start) {
            if (len >= wl && lit_eq(subject, w, wl, lr->nocase)) {
                return 1;
            }
        }
        else if (lr->at_end) {
            if ((len >= wl && lit_eq(subject + len - wl, w, wl, lr->nocase)) ||
                (len >= wl + 1 && subject[len - 1] == '\n' &&
                 lit_eq(subject + len - 1 - wl, w, wl, lr->nocase))) {
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

/* ---- The origins a regex is written for ------------------------------------------------- */

static int is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* One string the regex is written to accept, by undoing the common regex forms: anchors
 * dropped, "\." -> ".", a class or ".+" / ".*" -> "a", "(a|b)" -> "a", "x?" -> "x",
 * "x{3}" -> "xxx". The caller checks that the regex accepts the result before using it. */
static const char *deregex(apr_pool_t *p, const char *re)
{
    char *out = apr_palloc(p, strlen(re) * 2 + 64), *o = out;
    const char *s = re;
    int skipping = 0;

    while (*s) {
        if (skipping) {
            /* the other alternatives of a group */
            if (*s == '\\' && s[1]) {
                s += 2;
                continue;
            }
            skipping = *s != ')';
            s++;
        }
        else if (s[0] == '(' && s[1] == '?' && s[2] == ':') {
            s += 3;
        }
        else if (*s == '^' || *s == '$' || *s == '(' || *s == ')' || *s == '?' || *s == '+' ||
                 *s == '*') {
            s++;
        }
        else if (*s == '|') {
            skipping = 1; /* keep the first alternative */
            s++;
        }
        else if (*s == '\\' && s[1]) {
            *o++ = s[1] == 'd' ? '1' : s[1] == 'w' ? 'a' : s[1];
            s += 2;
        }
        else if (*s == '[') {
            const char *e = strchr(s + 1, ']');
            if (e == NULL) {
                break;
            }
            *o++ = (s[1] >= '0' && s[1] <= '9') ? '1' : 'a';
            s = e + 1;
        }
        else if (*s == '.') {
            /* a dot between label characters is meant as a dot; ".+", ".*" or a dot
             * elsewhere stands for a label character */
            int dot = s > re && is_label_char(s[-1]) && is_label_char(s[1]);
            *o++ = dot ? '.' : 'a';
            s++;
        }
        else if (*s == '{') {
            /* the previous character, as many times as the least the braces ask for */
            const char *e = strchr(s, '}');
            long n = strtol(s + 1, NULL, 10);
            if (o > out && n == 0) {
                o--;
            }
            for (; o > out && n > 1 && n < 32; n--) {
                *o = o[-1];
                o++;
            }
            s = e ? e + 1 : s + 1;
        }
        else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* The last character of the escape ("\\.") or class ("[a-z]") at s: a scan of a regex's
 * groups and alternatives steps over it. */
static const char *atom_last(const char *s)
{
    return *s == '[' ? skip_class(s + 1) - 1 : s + 1;
}

#define JUDGE_MAX_SAMPLES 32

/* re with its g-th group (counting '(' from 0) reduced to its k-th alternative (from 1:
 * the first is what deregex takes anyway), or NULL when there is no such alternative. */
static const char *choose_alternative(apr_pool_t *p, const char *re, int g, int k)
{
    const char *s, *open = NULL, *alt = NULL, *alt_end = NULL;
    int groups = 0, depth = 0, n = 0;

    for (s = re; *s; s++) {
        if ((*s == '\\' && s[1]) || *s == '[') {
            s = atom_last(s);
        }
        else if (*s == '(') {
            if (open == NULL && groups++ == g) {
                open = s;
                depth = 0;
                alt = s + 1;
                if (alt[0] == '?' && alt[1] == ':') {
                    alt += 2;
                }
                n = 0;
                continue;
            }
            depth++;
        }
        else if (open && (*s == '|' || *s == ')') && depth == 0) {
            if (n == k) {
                alt_end = s;
                break;
            }
            n++;
            alt = s + 1;
            if (*s == ')') {
                return NULL;
            }
        }
        else if (*s == ')') {
            depth--;
        }
    }
    if (alt_end == NULL) {
        return NULL;
    }
    /* the rest after the group's ')' */
    for (s = alt_end, depth = 0; *s; s++) {
        if ((*s == '\\' && s[1]) || *s == '[') {
            s = atom_last(s);
        }
        else if (*s == '(') {
            depth++;
        }
        else if (*s == ')' && depth-- == 0) {
            break;
        }
    }
    return apr_pstrcat(p, apr_pstrndup(p, re, (apr_size_t)(open - re)), "(",
                       apr_pstrndup(p, alt, (apr_size_t)(alt_end - alt)), s, NULL);
}

/* Samples of each top-level alternative of a regex (inside mod_cors's "^(?:...)$" too),
 * and of each alternative of the groups in it: "(localhost|.*\.vercel\.app)" is written
 * for both. At most JUDGE_MAX_SAMPLES. */
static apr_array_header_t *regex_samples(apr_pool_t *p, const char *re)
{
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(const char *));
    apr_size_t n = strlen(re);
    const char *s, *start;
    int depth = 0;

    if (n > 6 && strncmp(re, "^(?:", 4) == 0 && strcmp(re + n - 2, ")$") == 0) {
        re = apr_pstrndup(p, re + 4, n - 6);
    }
    for (s = start = re;; s++) {
        if ((*s == '\\' && s[1]) || *s == '[') {
            s = atom_last(s);
        }
        else if (*s == '(') {
            depth++;
        }
        else if (*s == ')') {
            depth--;
        }
        else if ((*s == '|' && depth == 0) || *s == '\0') {
            const char *alt = apr_pstrndup(p, start, (apr_size_t)(s - start)), *v;
            int g, k;
            if (out->nelts < JUDGE_MAX_SAMPLES) {
                APR_ARRAY_PUSH(out, const char *) = deregex(p, alt);
            }
            for (g = 0; g < 8; g++) {
                for (k = 1; k < 8 && out->nelts < JUDGE_MAX_SAMPLES &&
                            (v = choose_alternative(p, alt, g, k)) != NULL;
                     k++) {
                    APR_ARRAY_PUSH(out, const char *) = deregex(p, v);
                }
            }
            if (*s == '\0') {
                return out;
            }
            start = s + 1;
        }
    }
}

/* The host names written in a regex: runs of labels joined by '.' or '\.', with at least
 * one dot ("app\.example\.com" -> "app.example.com"), lower-cased. */
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
        while (is_label_char(*s)) {
            s++;
        }
    }
    return hosts;
}

/* ---- Attacks ---------------------------------------------------------------------------- */

typedef struct {
    const cors_regex_engine *engine;
    const void *compiled;
    const cors_lit_regex *lit;
    const psl_ctx_t *psl;
    apr_pool_t *pool;
    const char *pattern;
    /* the origin under attack, split */
    const char *scheme;
    const char *host;
    const char *port;     /* ":8443" or "" */
    const char *reg;      /* the registrable domain of host (or host) */
    const char *ps;       /* the public suffix of host, or NULL */
    apr_hash_t *suffixes; /* host -> host_suffixes: libpsl's answers, asked once */
    const char *gave_up;  /* the subject the engine gave up on, or NULL */
} judge_state;

/* Where a host's registrable domain and public suffix start in it (-1: none). */
typedef struct {
    apr_ssize_t reg, ps;
} host_suffixes;

/* Once the engine gives up on an origin (its match limit: some 0.1 s of backtracking in
 * PCRE2), nothing else is tried: the regex is refused for that alone, and trying more
 * origins would only cost that much again each. */
static int judge_match(judge_state *j, const char *s)
{
    apr_size_t len = strlen(s);
    int rc;

    if (j->lit) {
        return cors_lit_match(j->lit, s, len);
    }
    if (j->gave_up) {
        return 0;
    }
    if (j->engine->judge_match == NULL) {
        return j->engine->match(j->engine->baton, j->compiled, s, len);
    }
    rc = j->engine->judge_match(j->engine->baton, j->compiled, s, len);
    if (rc < 0) {
        j->gave_up = apr_pstrdup(j->pool, s);
        return 0;
    }
    return rc;
}

/* The host of a canonical origin, as a string. */
static const char *origin_host(apr_pool_t *p, const cors_origin *o)
{
    return apr_pstrmemdup(p, o->canon + o->host_off, o->host_len);
}

/* Without a list: the last two labels of host. */
static const char *last_two_labels(const char *host)
{
    const char *r = strrchr(host, '.');

    if (r == NULL) {
        return host;
    }
    while (r > host && r[-1] != '.') {
        r--;
    }
    return r;
}

/* The registrable domain of host, or the host itself when it has none (an IP address, a
 * public suffix, an unlisted name); without a list, its last two labels. Sets *ps to its
 * public suffix (NULL without a list). libpsl takes some 600 ns a question and the judge
 * asks about the same hosts again and again: each is asked once. */
static const char *registrable(const judge_state *j, const char *host, const char **ps)
{
    apr_size_t n = strlen(host);
    host_suffixes *hs = apr_hash_get(j->suffixes, host, (apr_ssize_t)n);
    const char *r, *s = NULL, *dot;

    if (hs == NULL) {
        hs = apr_palloc(j->pool, sizeof(*hs));
        if (j->psl) {
            r = psl_registrable_domain(j->psl, host);
            /* the suffix is what follows the registrable label: libpsl agrees on every
             * rule of the list, and asking it again would double the cost */
            dot = r ? strchr(r, '.') : NULL;
            s = dot ? dot + 1 : psl_unregistrable_domain(j->psl, host);
            r = r ? r : host;
        }
        else {
            r = last_two_labels(host);
        }
        hs->reg = r - host;
        hs->ps = s ? s - host : -1;
        apr_hash_set(j->suffixes, apr_pstrmemdup(j->pool, host, n), (apr_ssize_t)n, hs);
    }
    if (ps) {
        *ps = hs->ps < 0 ? NULL : host + hs->ps;
    }
    return host + hs->reg;
}

/* The URL standard parses a host whose last label is a number as an IPv4 address, and
 * fails on one that is not ("a.127.0.0.1", "app.1"): no browser sends such an origin.
 * Serialized origins hold IPv4 addresses as four decimal numbers. */
static int host_is_valid(const char *h)
{
    const char *last = strrchr(h, '.');
    int parts = 0;

    last = last ? last + 1 : h;
    if (*last == '\0' || strspn(last, "0123456789") != strlen(last)) {
        if (!(last[0] == '0' && (last[1] | 32) == 'x')) {
            return 1;
        }
    }
    for (;;) {
        apr_size_t n = strspn(h, "0123456789");
        if (n == 0 || n > 3 || (n > 1 && h[0] == '0') || atoi(h) > 255 || ++parts > 4) {
            return 0;
        }
        h += n;
        if (*h == '\0') {
            return parts == 4;
        }
        if (*h++ != '.') {
            return 0;
        }
    }
}

/* Can an attacker send this origin? A valid serialized origin with a name under a suffix
 * that really is on the public suffix list, whose registrable domain is not the one the
 * regex is written for. */
static int attacker_owns(const judge_state *j, const char *origin)
{
    cors_origin o;
    const char *host, *ps, *reg;

    if (cors_origin_parse(origin, &o) != CORS_ORIGIN_OK || o.is_null ||
        o.canon[o.host_off] == '[') {
        return 0;
    }
    host = origin_host(j->pool, &o);
    if (!host_is_valid(host)) {
        return 0;
    }
    reg = registrable(j, host, &ps);
    if (j->psl && (ps == NULL || ps == host ||
                   !psl_is_public_suffix2(j->psl, ps, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))) {
        return 0;
    }
    return strcmp(reg, j->reg) != 0;
}

static const char *try_attack(judge_state *j, const char *origin)
{
    return judge_match(j, origin) && attacker_owns(j, origin) ? origin : NULL;
}

/* A regex that is a list of origins ("^https://(app|admin)\\.example\\.com$") accepts
 * those and nothing else: when each is under the registrable domain of the origin under
 * attack, no attack on it can succeed, and the search is skipped. Most real regexes are
 * such lists, and the search is most of the judge's work. */
static int lists_only_own_origins(const judge_state *j)
{
    int i;

    if (j->lit == NULL || !j->lit->at_start || !j->lit->at_end) {
        return 0;
    }
    for (i = 0; i < j->lit->n; i++) {
        cors_origin o;
        const char *w = apr_pstrmemdup(j->pool, j->lit->words[i].s, j->lit->words[i].len);
        if (cors_origin_parse(w, &o) != CORS_ORIGIN_OK) {
            return 0; /* not an origin as written: the search decides */
        }
        if (!o.is_null && o.canon[o.host_off] != '[' &&
            strcmp(registrable(j, origin_host(j->pool, &o), NULL), j->reg) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Can a literal regex (anchored at both ends) match a subject of this length at all? */
static int lit_may_match_len(const cors_lit_regex *lr, apr_size_t len)
{
    int i;

    if (!lr->at_start || !lr->at_end) {
        return 1;
    }
    for (i = 0; i < lr->n; i++) {
        if (len == lr->words[i].len || len == lr->words[i].len + 1) {
            return 1;
        }
    }
    return 0;
}

/* try_attack on the concatenation of up to five parts (NULL ends them early), built in a
 * buffer and kept only when it is the answer: most attacks are rejected, many by their
 * length alone. */
static const char *try_cat(judge_state *j, const char *a, const char *b, const char *c,
                           const char *d, const char *e)
{
    const char *parts[5];
    apr_size_t lens[5];
    char buf[2048];
    apr_size_t len = 0;
    int i, n;

    parts[0] = a;
    parts[1] = b;
    parts[2] = c;
    parts[3] = d;
    parts[4] = e;
    for (n = 0; n < 5 && parts[n]; n++) {
        len += lens[n] = strlen(parts[n]);
    }
    if (len >= sizeof(buf) || (j->lit && !lit_may_match_len(j->lit, len))) {
        return NULL;
    }
    for (len = 0, i = 0; i < n; i++) {
        memcpy(buf + len, parts[i], lens[i]);
        len += lens[i];
    }
    buf[len] = '\0';
    return try_attack(j, buf) ? apr_pstrmemdup(j->pool, buf, len) : NULL;
}

/* The public suffix host is a tenant of ("netlify.app" for "myapp.netlify.app"), or
 * NULL. */
static const char *tenant_of(const judge_state *j)
{
    const char *parent = strchr(j->host, '.');

    /* a private suffix (github.io, herokuapp.com): a name under "com" is no tenant */
    if (j->psl == NULL || parent == NULL || strcmp(j->reg, j->host) != 0 ||
        !psl_is_public_suffix2(j->psl, parent + 1, PSL_TYPE_PRIVATE | PSL_TYPE_NO_STAR_RULE)) {
        return NULL;
    }
    return parent + 1;
}

static const char *escape_dots(apr_pool_t *pool, const char *s);

/* The longest end of the registrable domain that the regex has written out literally
 * ("example.com" of "aexample.com" in ".+example\.com"), or NULL. */
static const char *literal_domain(const judge_state *j)
{
    const char *d;

    for (d = j->reg; *d && *d != '.'; d++) {
        if (is_label_char(*d) && *d != '-' &&
            (strstr(j->pattern, d) || strstr(j->pattern, escape_dots(j->pool, d)))) {
            return d;
        }
    }
    return NULL;
}

/* Does the regex write out this host's registrable domain ("example2\.com")? */
static int written_out(const judge_state *j, const char *host)
{
    const char *reg = registrable(j, host, NULL);

    return strstr(j->pattern, reg) != NULL ||
           strstr(j->pattern, escape_dots(j->pool, reg)) != NULL;
}

/* The host with its registrable label (or its tenant label) changed by one character:
 * 'x' or '1' inserted (op 0, 1), or the character replaced by 'x', '1' or '7' (op 2, 3, 4)
 * at position i of that label. */
static const char *label_variant(const judge_state *j, apr_size_t i, int op, char *buf)
{
    static const char chars[] = "x1x17";
    apr_size_t hl = strlen(j->host), at = hl - strlen(j->reg) + i;

    if (op >= 2 && (j->host[at] == chars[op] || j->host[at] == '.')) {
        return NULL;
    }
    memcpy(buf, j->host, at);
    buf[at] = chars[op];
    /* inserted: the rest follows; replaced: the rest after the replaced character */
    memcpy(buf + at + 1, j->host + at + (op >= 2), hl - at - (op >= 2) + 1);
    return buf;
}

/* Does pattern name w as a word of its own ("co" in "(com|co)", not in "com")? */
static int has_word(const char *pattern, const char *w)
{
    apr_size_t n = strlen(w);
    const char *s;

    for (s = strstr(pattern, w); s; s = strstr(s + 1, w)) {
        if ((s == pattern || !is_label_char(s[-1]) || s[-1] == '-') && !is_label_char(s[n])) {
            return 1;
        }
    }
    return 0;
}

/* The attacks on one intended origin, most realistic first; the first the regex accepts
 * is the answer. */
static const char *attack_origin(judge_state *j, cors_attack_kind *kind, const char **domain)
{
    apr_pool_t *p = j->pool;
    const char *sch = j->scheme, *h = j->host, *port = j->port, *a, *q, *lit;
    const char *tenant = tenant_of(j);
    static const char *const tails[] = {".evil.com", "-evil.com", "_.evil.com", ".xyz"};
    static const char *const tlds[] = {"net", "org", "xyz", "io", "co"};
    apr_size_t k, label = strcspn(j->reg, ".");
    char var[CORS_ORIGIN_MAX + 2]; /* a host changed by one character */
    const char *ps = j->ps;
    int op;

    *domain = j->reg;
    *kind = CORS_ATTACK_TENANT;
    if (tenant && (a = try_cat(j, sch, "://evil.", tenant, port, NULL))) {
        *domain = tenant;
        return a;
    }
    *kind = CORS_ATTACK_SUFFIX;
    if ((a = try_cat(j, sch, "://", h, tails[0], port))) {
        return a;
    }
    *kind = CORS_ATTACK_PREFIX;
    if ((lit = literal_domain(j)) != NULL &&
        ((a = try_cat(j, sch, "://evil", lit, port, NULL)) ||
         (a = try_cat(j, sch, "://evil-", lit, port, NULL)))) {
        *domain = lit;
        return a;
    }
    /* each dot read as any character: 'x', or a vowel where that makes a real TLD of the
     * labels around it ("example.c.m" -> "example.cam") */
    *kind = CORS_ATTACK_DOT;
    for (q = h; *q; q++) {
        const char *c;
        for (c = "xaeiu"; *q == '.' && *c; c++) {
            strcpy(var, h);
            var[q - h] = *c;
            if ((a = try_cat(j, sch, "://", var, port, NULL))) {
                return a;
            }
        }
    }
    /* the registrable name itself a pattern: "example-[a-z]+\.com", "d[a-z0-9]+" */
    *kind = CORS_ATTACK_LABEL;
    for (op = 0; op < 5; op++) {
        for (k = 0; k <= label; k++) {
            const char *v = (op < 2 || k < label) ? label_variant(j, k, op, var) : NULL;
            /* a name the regex writes out is the owner's ("example1\.com|example2\.com") */
            if (v && (a = try_cat(j, sch, "://", v, port, NULL)) && !written_out(j, v)) {
                *domain = tenant;
                return a;
            }
        }
    }
    /* another top-level domain: "example\.[a-z]+" */
    *kind = CORS_ATTACK_TLD;
    for (k = 0; ps && ps != h && k < sizeof(tlds) / sizeof(tlds[0]); k++) {
        if (!has_word(j->pattern, tlds[k]) &&
            (a = try_cat(j, sch, "://", apr_pstrndup(p, h, (apr_size_t)(ps - h)), tlds[k],
                         port))) {
            return a;
        }
    }
    *kind = CORS_ATTACK_SUFFIX;
    for (k = 1; k < sizeof(tails) / sizeof(tails[0]); k++) {
        if ((a = try_cat(j, sch, "://", h, tails[k], port))) {
            return a;
        }
    }
    *kind = CORS_ATTACK_NONE;
    return NULL;
}

/* When no origin written in the regex matches it ("https://(?=.*example).*"), its words
 * with a domain of the attacker's around them. */
static const char *attack_words(judge_state *j, cors_attack_kind *kind)
{
    const char *s = j->pattern, *a;
    int words = 0;

    while (*s && words < 8) {
        apr_size_t n = 0;
        while (s[n] >= 'a' && s[n] <= 'z') {
            n++;
        }
        if (n >= 4 && !(n <= 5 && strncmp(s, "https", n) == 0) &&
            (s == j->pattern || s[-1] != '\\')) {
            const char *w = apr_pstrndup(j->pool, s, n);
            words++;
            *kind = CORS_ATTACK_LABEL;
            if ((a = try_cat(j, "https://", w, "-evil.com", NULL, NULL))) {
                return a;
            }
            *kind = CORS_ATTACK_PREFIX;
            if ((a = try_cat(j, "https://evil", w, ".com", NULL, NULL))) {
                return a;
            }
            *kind = CORS_ATTACK_SUFFIX;
            if ((a = try_cat(j, "https://", w, ".evil.com", NULL, NULL))) {
                return a;
            }
        }
        s += n ? n : 1;
    }
    *kind = CORS_ATTACK_NONE;
    return NULL;
}

static int is_loopback_host(const char *h)
{
    apr_size_t n = strlen(h);

    /* "127.0.0.1.nip.io" is no loopback address: 127/8 only as an IPv4 address */
    return strcmp(h, "localhost") == 0 || (n > 10 && strcmp(h + n - 10, ".localhost") == 0) ||
           (strncmp(h, "127.", 4) == 0 && strspn(h, "0123456789.") == n) ||
           strcmp(h, "[::1]") == 0;
}

/* Sets j's origin under attack to o (a canonical origin) when the regex accepts it. */
static int judge_aim(judge_state *j, const cors_origin *o)
{
    if (!judge_match(j, o->canon)) {
        return 0;
    }
    j->scheme = apr_pstrmemdup(j->pool, o->canon, o->scheme_len);
    j->host = origin_host(j->pool, o);
    j->port = o->canon + o->host_off + o->host_len;
    j->reg = registrable(j, j->host, &j->ps);
    return 1;
}

/* Adds the origin s to out when it is one; returns it, or NULL. */
static const cors_origin *push_origin(apr_array_header_t *out, const char *s)
{
    cors_origin *o = apr_palloc(out->pool, sizeof(*o));

    if (cors_origin_parse(s, o) != CORS_ORIGIN_OK ||
        !host_is_valid(apr_pstrmemdup(out->pool, o->canon + o->host_off, o->host_len))) {
        return NULL;
    }
    APR_ARRAY_PUSH(out, const cors_origin *) = o;
    return o;
}

/* The origins to attack: each host written in the regex, as https and as http, then a
 * de-regexed sample of each alternative (it has a label where the regex has a class, and
 * the port). At most 16 hosts: the judge's work stays bounded, whatever the regex. */
static apr_array_header_t *intended_origins(apr_pool_t *p, const char *pattern)
{
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(const cors_origin *));
    apr_array_header_t *hosts = regex_hosts(p, pattern);
    apr_array_header_t *samples = regex_samples(p, pattern);
    const cors_origin *o;
    int i, s;

    for (i = 0; i < hosts->nelts && i < 16; i++) {
        for (s = 0; s < 2; s++) {
            const char *h = APR_ARRAY_IDX(hosts, i, const char *);
            push_origin(out, apr_pstrcat(p, s ? "http://" : "https://", h, NULL));
        }
    }
    for (i = 0; i < samples->nelts; i++) {
        const char *sample = APR_ARRAY_IDX(samples, i, const char *);
        if (strstr(sample, "://") == NULL) {
            /* a regex with no scheme written ("(.*\\.example\\.com)") lets ".*" take one */
            sample = apr_pstrcat(p, "https://", sample, NULL);
        }
        if ((o = push_origin(out, sample)) != NULL && o->is_null) {
            apr_array_pop(out);
        }
        /* deregex keeps what '?' makes optional: "https?://" is sampled as https, and
         * the http it also accepts is tried here */
        else if (o && strncmp(o->canon, "https://", 8) == 0) {
            push_origin(out, apr_pstrcat(p, "http://", o->canon + 8, NULL));
        }
    }
    return out;
}

/* An origin that has nothing to do with anything written in the regex; a name the regex
 * writes is not one of those, and a look-around can keep one name out
 * ("(?!evil)[a-z]+\\.com"): more than one is tried. */
static int judge_any(judge_state *j, cors_regex_verdict *out)
{
    int i;

    j->reg = "";
    for (i = 0; i < 3; i++) {
        static const char *const probes[][2] = {
            {"evil", "evil.com"}, {"attacker", "attacker.net"}, {"attacker", "attacker.com"}};
        if (strstr(j->pattern, probes[i][0]) == NULL) {
            out->insecure = try_cat(j, "http://", probes[i][1], NULL, NULL, NULL);
            if ((out->attack = try_cat(j, "https://", probes[i][1], NULL, NULL, NULL)) ||
                (out->attack = out->insecure)) {
                out->kind = CORS_ATTACK_ANY;
                out->intended = "any origin";
                return 1;
            }
        }
    }
    return 0;
}

/* A group glued to the registrable name with no dot between them ("(www|foo\\.)?
 * (mywebsite.com)" accepts wwwmywebsite.com): an origin the regex accepts whose
 * registrable domain is another written in the regex with text before it in the same
 * label, that text and that label written nowhere together. Returns that origin, and sets
 * *aim to the one it is glued to. */
static const char *glued_label(judge_state *j, apr_array_header_t *aims, const cors_origin **aim)
{
    int i, k;

    for (i = 0; i < aims->nelts; i++) {
        const cors_origin *oi = APR_ARRAY_IDX(aims, i, const cors_origin *);
        const char *hi = origin_host(j->pool, oi), *ri;
        apr_size_t li;
        if (oi->is_null || hi[0] == '[' || !judge_match(j, oi->canon)) {
            continue;
        }
        ri = registrable(j, hi, NULL);
        li = strlen(ri);
        for (k = 0; k < aims->nelts; k++) {
            const cors_origin *ok = APR_ARRAY_IDX(aims, k, const cors_origin *);
            const char *hk = origin_host(j->pool, ok), *rk;
            apr_size_t lk;
            if (ok->is_null || hk[0] == '[') {
                continue;
            }
            rk = registrable(j, hk, NULL);
            lk = strlen(rk);
            if (li <= lk || strcmp(ri + li - lk, rk) != 0 || memchr(ri, '.', li - lk) != NULL ||
                !written_out(j, hk) ||
                strstr(j->pattern, apr_pstrndup(j->pool, ri, strcspn(ri, "."))) != NULL) {
                continue;
            }
            j->reg = rk;
            if (attacker_owns(j, oi->canon)) {
                *aim = ok;
                return apr_pstrdup(j->pool, oi->canon);
            }
        }
    }
    return NULL;
}

/* The attacks on each origin the regex is written for. */
static void judge_aims(judge_state *j, cors_regex_verdict *out)
{
    apr_pool_t *pool = j->pool;
    apr_array_header_t *aims = intended_origins(pool, j->pattern);
    apr_hash_t *tried = apr_hash_make(pool);
    int i;

    for (i = 0; i < aims->nelts; i++) {
        const cors_origin *o = APR_ARRAY_IDX(aims, i, const cors_origin *);
        const char *a, *domain;
        cors_attack_kind kind;
        /* the hosts written in the regex and its samples are often the same origins */
        if (apr_hash_get(tried, o->canon, (apr_ssize_t)o->len)) {
            continue;
        }
        apr_hash_set(tried, o->canon, (apr_ssize_t)o->len, "1");
        if (!judge_aim(j, o)) {
            continue;
        }
        if (out->intended == NULL) {
            out->intended = apr_pstrdup(pool, o->canon);
        }
        if (out->insecure == NULL && strcmp(j->scheme, "http") == 0 &&
            !is_loopback_host(j->host)) {
            out->insecure = apr_pstrdup(pool, o->canon);
        }
        if (out->attack == NULL && !lists_only_own_origins(j) &&
            (a = attack_origin(j, &kind, &domain)) != NULL) {
            out->attack = a;
            out->kind = kind;
            out->intended = apr_pstrdup(pool, o->canon);
            out->domain = domain;
        }
        if (out->attack && out->insecure) {
            break;
        }
    }
    if (out->attack == NULL && out->intended != NULL) {
        const cors_origin *aim = NULL;
        if ((out->attack = glued_label(j, aims, &aim)) != NULL) {
            out->kind = CORS_ATTACK_PREFIX;
            out->intended = apr_pstrdup(pool, aim->canon);
            out->domain = j->reg;
        }
    }
    if (out->attack == NULL && out->intended == NULL) {
        cors_attack_kind kind;
        j->reg = "";
        if ((out->attack = attack_words(j, &kind)) != NULL) {
            out->kind = kind;
            out->domain = "";
        }
    }
}

int cors_regex_judge(const cors_regex_engine *engine, const void *compiled, const char *pattern,
                     int nocase, const psl_ctx_t *psl, apr_pool_t *pool, cors_regex_verdict *out)
{
    judge_state j;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    j.engine = engine;
    j.psl = psl;
    j.pool = pool;
    j.pattern = pattern;
    j.suffixes = apr_hash_make(pool);
    j.lit = cors_lit_compile(pool, pattern, nocase);
    j.compiled = compiled;
    if (j.lit == NULL && j.compiled == NULL) {
        j.compiled = engine->compile(engine->baton, pool, pattern, nocase);
        if (j.compiled == NULL) {
            return -1;
        }
    }
    /* the structure first: such a regex is refused for that alone, and trying origins on
     * it could cost the engine's match limit for each one */
    if (j.lit == NULL) {
        out->redos = cors_regex_redos(pool, pattern, nocase, &out->redos_part, &out->redos_degree);
        if (cors_redos_refused(out)) {
            return 0;
        }
    }
    out->accepts_null = judge_match(&j, "null");
    if (!judge_any(&j, out)) {
        judge_aims(&j, out);
    }
    if (j.gave_up) {
        /* what was found before is beside the point */
        memset(out, 0, sizeof(*out));
        out->redos = CORS_REDOS_GAVE_UP;
        out->redos_part = j.gave_up;
    }
    return 0;
}

/* "example.com" -> "example\\.com" */
static const char *escape_dots(apr_pool_t *pool, const char *s)
{
    char *out = apr_palloc(pool, 2 * strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s == '.') {
            *o++ = '\\';
        }
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

int cors_redos_refused(const cors_regex_verdict *v)
{
    return v->redos == CORS_REDOS_EXPONENTIAL || v->redos == CORS_REDOS_GAVE_UP ||
           (v->redos == CORS_REDOS_POLYNOMIAL && v->redos_degree >= 3);
}

const char *cors_redos_hint(const cors_regex_verdict *v, apr_pool_t *pool)
{
    switch (v->redos) {
    case CORS_REDOS_EXPONENTIAL:
        return apr_psprintf(pool,
                            "can take exponential time on a hostile Origin: the repeated part "
                            "'%s' can match the same text in two ways; write it so that it "
                            "cannot, e.g. '([a-z0-9-]+\\.)*' rather than '([a-z0-9-]+\\.?)+'",
                            v->redos_part);
    case CORS_REDOS_POLYNOMIAL:
        return apr_psprintf(pool,
                            "can take polynomial time (n^%d steps for an Origin of n "
                            "characters) on a hostile Origin: %s can each match the same text "
                            "in turn; let one repeat match a given character, e.g. "
                            "'[a-z0-9-]+' rather than '.*-.*'",
                            v->redos_degree, v->redos_part);
    case CORS_REDOS_GAVE_UP:
        return apr_psprintf(pool,
                            "made the regex engine give up (its match limit) on the origin "
                            "'%s': it backtracks catastrophically on a hostile Origin; write "
                            "the repeated parts so that they cannot match the same text in "
                            "two ways",
                            v->redos_part);
    case CORS_REDOS_NONE: break;
    }
    return NULL;
}

const char *cors_attack_hint(const cors_regex_verdict *v, apr_pool_t *pool)
{
    switch (v->kind) {
    case CORS_ATTACK_ANY: return "it accepts any origin; list the trusted origins instead";
    case CORS_ATTACK_SUFFIX:
        return "it lets a domain follow the host it is written for; end the regex with the "
               "host ('$' when the regex is not anchored, and no '.*' after the host)";
    case CORS_ATTACK_PREFIX:
        if (v->domain == NULL || *v->domain == '\0') {
            return "it lets any text come before a name written in it; match whole labels";
        }
        return apr_psprintf(pool,
                            "it lets any text come before '%s' in the same label; match "
                            "whole labels, e.g. '([a-z0-9-]+\\.)?%s'",
                            v->domain, escape_dots(pool, v->domain));
    case CORS_ATTACK_DOT: return "an unescaped '.' matches any character; escape the dots ('\\.')";
    case CORS_ATTACK_LABEL:
        return v->domain && *v->domain
                   ? apr_psprintf(pool,
                                  "the site name under the public suffix '%s' is a pattern, "
                                  "and anyone can have a site of a matching name there; list "
                                  "your own hosts",
                                  v->domain)
                   : "part of the domain name is a pattern, so names anyone can register "
                     "match it; list the domains you own";
    case CORS_ATTACK_TLD: return "it accepts other top-level domains; list each domain you own";
    case CORS_ATTACK_TENANT:
        return apr_psprintf(pool,
                            "anyone can have a site under the public suffix '%s'; list your "
                            "own hosts",
                            v->domain);
    case CORS_ATTACK_NONE: break;
    }
    return "";
}
