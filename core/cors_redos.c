/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_redos: regexes that backtrack catastrophically (cors_judge.h). PCRE2 is a
 * backtracking matcher: where a regex can match one text in many ways, a subject that
 * fails at its end makes it try every way before it answers "no". The regex is read into
 * a small tree, the tree into its position automaton (Glushkov: one state per character
 * the regex can consume, plus a start state), and the automaton is searched for the two
 * known causes (Weideman et al., "Analyzing matching time behavior of backtracking regular
 * expression matchers by using ambiguity of NFA", 2016):
 *
 *  - exponential: a state with two different loops that read the same text: "(a+)+",
 *    "(a|a)*", "([a-z0-9-]+\.?)+". Nested repeats give two parallel transitions between
 *    the same states (one per repeat), and so does a part that matches the empty text in
 *    two ways ("(([a-z]*)?\.)+": the group skipped, or its '*' taking nothing), so
 *    transitions are counted, not just noted.
 *  - polynomial of degree k: a chain of k loops, each able to read what the next one
 *    reads (".*.*.*"): PCRE2 tries about n^k splits of a subject of n characters.
 *
 * What a polynomial costs depends on how long the subject can be. mod_cors matches only a
 * valid origin of at most CORS_ORIGIN_MAX (1,024) bytes; measured with PCRE2 on such
 * subjects that fail at their end, any exponential case reaches PCRE2's match limit (some
 * 0.1 s of CPU) within 40 bytes, a chain of three loops reaches it at 500 bytes, and a
 * chain of two costs at most 5 ms at 1,024 bytes: mod_cors refuses the first two
 * (cors_redos_refused). mod_headers' SetEnvIf matches the raw header, up to 8 KB, where a
 * chain of two reaches the limit too: cors-lint warns about every case there.
 *
 * '^' and '$' are states of their own, reading a start and an end mark that no origin
 * holds, and the start state loops on every character (PCRE2 tries each start offset), so
 * anchors are judged where they are: "(a+)+b?" unanchored succeeds as soon as it has read
 * an 'a' and never backtracks, "(a+)+$" does. Look-arounds and back-references are read as
 * matching the empty text, an atomic group or a possessive repeat as one character (PCRE2
 * never backtracks into them); recursion, conditionals and extended syntax are not judged.
 */
#include "cors_judge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>

#define RX_MAX_NODES  512
#define RX_MAX_STATES 192 /* a regex with more is not judged */
#define RX_WORDS      ((RX_MAX_STATES + 63) / 64)
#define RX_EXPAND     8         /* bounded repeats up to {n,8} are expanded; larger, unbounded */
#define RX_BUDGET     4000000   /* steps of the searches; past it the regex is not judged */
#define RX_TRIPLES    (1 << 20) /* the most triples of states one search of them may visit */
#define RX_START      1         /* the character '^' reads: no origin holds it */
#define RX_END        2         /* the character '$' reads */

typedef struct {
    uint64_t w[4];
} rx_chars;

typedef struct {
    uint64_t w[RX_WORDS];
} rx_set;

enum { RX_EMPTY, RX_CHARS, RX_CAT, RX_ALT, RX_REP };

typedef struct {
    int type;
    int kid, next; /* first child, next sibling; -1 for none */
    int min, max;  /* RX_REP: max -1 for no bound */
    rx_chars chars;
    int src, end; /* its text in the pattern */
} rx_node;

typedef struct {
    const char *pat, *s;
    int caseless, failed, nnodes;
    rx_node *nodes;
} rx_parser;

/* ---- Character sets ----------------------------------------------------------------- */

static void cs_add(rx_chars *c, unsigned ch)
{
    c->w[(ch & 255) >> 6] |= (uint64_t)1 << (ch & 63);
}

static int cs_has(const rx_chars *c, unsigned ch)
{
    return (int)((c->w[(ch & 255) >> 6] >> (ch & 63)) & 1);
}

static void cs_range(rx_chars *c, unsigned a, unsigned b)
{
    for (; a <= b && a < 256; a++) {
        cs_add(c, a);
    }
}

static int cs_meet(const rx_chars *a, const rx_chars *b)
{
    return ((a->w[0] & b->w[0]) | (a->w[1] & b->w[1]) | (a->w[2] & b->w[2]) |
            (a->w[3] & b->w[3])) != 0;
}

/* Every character a subject can hold: not the start and end marks. */
static rx_chars cs_any(void)
{
    rx_chars c;

    memset(&c, 0, sizeof(c));
    cs_range(&c, 3, 255);
    return c;
}

static void cs_negate(rx_chars *c)
{
    rx_chars any = cs_any();
    int i;

    for (i = 0; i < 4; i++) {
        c->w[i] = ~c->w[i] & any.w[i];
    }
}

static void cs_fold(rx_chars *c)
{
    unsigned ch;

    for (ch = 'a'; ch <= 'z'; ch++) {
        if (cs_has(c, ch) || cs_has(c, ch - 32)) {
            cs_add(c, ch);
            cs_add(c, ch - 32);
        }
    }
}

/* \d \w \s \h \v and their negations into c; 0 when e is none of them. */
static int cs_escape_class(rx_chars *c, char e)
{
    rx_chars k;
    char lower = (char)(e | 32);

    memset(&k, 0, sizeof(k));
    if (lower == 'd') {
        cs_range(&k, '0', '9');
    }
    else if (lower == 'w') {
        cs_range(&k, '0', '9');
        cs_range(&k, 'a', 'z');
        cs_range(&k, 'A', 'Z');
        cs_add(&k, '_');
    }
    else if (lower == 's' || lower == 'v' || lower == 'h') {
        cs_range(&k, '\t', '\r');
        cs_add(&k, ' ');
    }
    else if (e == 'p' || e == 'P' || e == 'X' || e == 'C' || e == 'N' || e == 'R') {
        k = cs_any(); /* properties, grapheme clusters: any character, to be safe */
        e = 'p';
    }
    else {
        return 0;
    }
    if (e >= 'A' && e <= 'Z') {
        cs_negate(&k);
    }
    for (int i = 0; i < 4; i++) {
        c->w[i] |= k.w[i];
    }
    return 1;
}

/* ---- Parsing ------------------------------------------------------------------------ */

static int rx_new(rx_parser *P, int type, const char *src)
{
    rx_node *n;

    if (P->nnodes >= RX_MAX_NODES) {
        P->failed = 1;
        return 0;
    }
    n = &P->nodes[P->nnodes];
    memset(n, 0, sizeof(*n));
    n->type = type;
    n->kid = n->next = -1;
    n->src = (int)(src - P->pat);
    n->end = n->src;
    return P->nnodes++;
}

static int rx_char_node(rx_parser *P, const char *src, rx_chars c)
{
    int n = rx_new(P, RX_CHARS, src);

    if (P->caseless) {
        cs_fold(&c);
    }
    P->nodes[n].chars = c;
    return n;
}

static void rx_append(rx_parser *P, int parent, int *last, int kid)
{
    if (*last < 0) {
        P->nodes[parent].kid = kid;
    }
    else {
        P->nodes[*last].next = kid;
    }
    *last = kid;
}

/* The character an escape inside or outside a class stands for ("\x41", "\n", "\."),
 * stepping over it. */
static unsigned rx_escaped_char(const char **sp)
{
    const char *s = *sp + 1;
    unsigned v = 0;

    *sp = s + 1;
    switch (*s) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'f': return '\f';
    case 'e': return 27;
    case 'a': return 7;
    case 'x':
        if (s[1] == '{') {
            for (s += 2; *s && *s != '}'; s++) {
                v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
            }
            *sp = *s ? s + 1 : s;
            return v & 255;
        }
        for (s++;
             s < *sp + 2 && ((*s >= '0' && *s <= '9') || ((*s | 32) >= 'a' && (*s | 32) <= 'f'));
             s++) {
            v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10); /* 2 digits */
        }
        *sp = s;
        return v & 255;
    case 'c': *sp = s[1] ? s + 2 : s + 1; return (unsigned)(s[1] ^ 64) & 255;
    case '\0': *sp = s; return '\\';
    default: return (unsigned char)*s;
    }
}

/* After '[': the class up to its ']'. */
static int rx_class(rx_parser *P, const char *open)
{
    const char *s = open + 1;
    rx_chars c;
    int neg = 0, first = 1;
    unsigned prev = 256;

    memset(&c, 0, sizeof(c));
    if (*s == '^') {
        neg = 1;
        s++;
    }
    while (*s && (*s != ']' || first)) {
        unsigned ch;
        first = 0;
        if (*s == '[' && s[1] == ':') {
            const char *e = strstr(s, ":]");
            /* a POSIX class: "[:alpha:]", "[:digit:]"; any other is read as \w */
            cs_escape_class(&c, strncmp(s + 2, "digit", 5) == 0   ? 'd'
                                : strncmp(s + 2, "space", 5) == 0 ? 's'
                                                                  : 'w');
            s = e ? e + 2 : s + 2;
            prev = 256;
            continue;
        }
        if (*s == '\\' && cs_escape_class(&c, s[1])) {
            s += 2;
            prev = 256;
            continue;
        }
        ch = *s == '\\' ? rx_escaped_char(&s) : (unsigned char)*s++;
        if (ch == '-' && prev < 256 && *s && *s != ']') {
            unsigned hi = *s == '\\' ? rx_escaped_char(&s) : (unsigned char)*s++;
            cs_range(&c, prev, hi);
            prev = 256;
            continue;
        }
        cs_add(&c, ch);
        prev = ch;
    }
    if (*s != ']') {
        P->failed = 1;
    }
    P->s = *s ? s + 1 : s;
    if (P->caseless) {
        cs_fold(&c);
    }
    if (neg) {
        cs_negate(&c);
    }
    return rx_char_node(P, open, c);
}

static int rx_alt(rx_parser *P);

/* After "(?": a group's kind; returns its node, or -1 for a plain group (parsed by the
 * caller). Options apply to the rest of the enclosing group. */
static int rx_group_ext(rx_parser *P, const char *open, int *atomic, int *lookaround)
{
    const char *s = P->s;

    if (*s == ':' || *s == '|' || *s == '>') {
        *atomic = *s == '>';
        P->s = s + 1;
        return -1;
    }
    if (*s == '=' || *s == '!' || (*s == '<' && (s[1] == '=' || s[1] == '!'))) {
        *lookaround = 1;
        P->s = s + (*s == '<' ? 2 : 1);
        return -1;
    }
    if (*s == '<' || *s == '\'' || (*s == 'P' && s[1] == '<')) {
        const char *e = strpbrk(s + 1, ">'");
        P->s = e ? e + 1 : s + strlen(s);
        return -1;
    }
    if (*s == '#' || (*s == 'P' && s[1] == '=')) {
        const char *e = strchr(s, ')'); /* a comment, a back-reference */
        P->s = e ? e + 1 : s + strlen(s);
        return rx_new(P, RX_EMPTY, open);
    }
    /* options: "(?i)", "(?-i)", "(?i:" */
    {
        int on = 1, caseless = P->caseless;
        for (; *s && *s != ')' && *s != ':'; s++) {
            if (*s == '-') {
                on = 0;
            }
            else if (*s == 'i') {
                caseless = on;
            }
            else if (strchr("msnUJ^", *s) == NULL) {
                P->failed = 1; /* recursion, conditions, 'x' */
                return rx_new(P, RX_EMPTY, open);
            }
        }
        if (*s == ')') {
            P->caseless = caseless;
            P->s = s + 1;
            return rx_new(P, RX_EMPTY, open);
        }
        P->s = *s ? s + 1 : s;
        *lookaround = -1 - caseless; /* a group with its own options */
        return -1;
    }
}

/* After '(': a group. An atomic group is one character (PCRE2 never backtracks into
 * it); a look-around matches the empty text. */
static int rx_group(rx_parser *P, const char *open)
{
    int atomic = 0, lookaround = 0, outer = P->caseless, n;

    if (*P->s == '*') {
        const char *e = strchr(P->s, ')'); /* (*UTF), (*CR) */
        P->s = e ? e + 1 : P->s + strlen(P->s);
        return rx_new(P, RX_EMPTY, open);
    }
    if (*P->s == '?') {
        P->s++;
        n = rx_group_ext(P, open, &atomic, &lookaround);
        if (n >= 0) {
            return n;
        }
        if (lookaround < 0) {
            P->caseless = -1 - lookaround;
            lookaround = 0;
        }
    }
    n = rx_alt(P);
    P->caseless = outer;
    if (*P->s != ')') {
        P->failed = 1;
    }
    else {
        P->s++;
    }
    if (lookaround) {
        return rx_new(P, RX_EMPTY, open);
    }
    if (atomic) {
        int a = rx_new(P, RX_REP, open);
        P->nodes[a].kid = n;
        P->nodes[a].min = P->nodes[a].max = -2; /* atomic */
        return a;
    }
    return n;
}

/* An escape outside a class. */
static int rx_escape(rx_parser *P, const char *at)
{
    const char *s = at;
    rx_chars c;
    char e = s[1];

    memset(&c, 0, sizeof(c));
    if (cs_escape_class(&c, e)) {
        P->s = s + 2;
        if ((e == 'p' || e == 'P') && s[2] == '{') {
            const char *b = strchr(s, '}');
            P->s = b ? b + 1 : s + strlen(s);
        }
        else if (e == 'p' || e == 'P') {
            P->s = s[2] ? s + 3 : s + 2;
        }
        return rx_char_node(P, at, c);
    }
    if ((e >= '1' && e <= '9') || e == 'g' || e == 'k' || strchr("bBAzZGK", e)) {
        /* back-references and assertions: the empty text ('\z' '\Z' an end) */
        P->s = s + 2;
        if ((e == 'g' || e == 'k') && (s[2] == '{' || s[2] == '<' || s[2] == '\'')) {
            const char *b = strpbrk(s + 3, "}>'");
            P->s = b ? b + 1 : s + strlen(s);
        }
        while (e >= '1' && e <= '9' && *P->s >= '0' && *P->s <= '9') {
            P->s++;
        }
        if (e == 'z' || e == 'Z' || e == 'A') {
            cs_add(&c, e == 'A' ? RX_START : RX_END);
            return rx_char_node(P, at, c);
        }
        return rx_new(P, RX_EMPTY, at);
    }
    cs_add(&c, rx_escaped_char(&s));
    P->s = s;
    return rx_char_node(P, at, c);
}

static int rx_atom(rx_parser *P)
{
    const char *at = P->s;
    rx_chars c;

    memset(&c, 0, sizeof(c));
    switch (*at) {
    case '(': P->s++; return rx_group(P, at);
    case '[': return rx_class(P, at);
    case '\\':
        if (at[1] == 'Q') {
            /* "\Q...\E": literal text */
            const char *e = strstr(at + 2, "\\E"), *t;
            int cat = rx_new(P, RX_CAT, at), last = -1;
            for (t = at + 2; *t && t != e; t++) {
                memset(&c, 0, sizeof(c));
                cs_add(&c, (unsigned char)*t);
                rx_append(P, cat, &last, rx_char_node(P, t, c));
            }
            P->s = e ? e + 2 : t;
            return cat;
        }
        return rx_escape(P, at);
    case '.': P->s++; return rx_char_node(P, at, cs_any());
    case '^':
    case '$':
        cs_add(&c, *at == '^' ? RX_START : RX_END);
        P->s++;
        return rx_char_node(P, at, c);
    default:
        cs_add(&c, (unsigned char)*at);
        P->s++;
        return rx_char_node(P, at, c);
    }
}

/* A quantifier at P->s ("*", "+?", "{2,5}", "{3,}+"); 0 when there is none. */
static int rx_quantifier(rx_parser *P, int *min, int *max, int *possessive)
{
    const char *s = P->s;
    char *e;

    if (*s == '*' || *s == '+' || *s == '?') {
        *min = *s == '+';
        *max = *s == '?' ? 1 : -1;
        s++;
    }
    else if (*s == '{' && s[1] >= '0' && s[1] <= '9') {
        long a = strtol(s + 1, &e, 10), b = a;
        if (*e == ',') {
            b = e[1] == '}' ? -1 : strtol(e + 1, &e, 10);
            e += b == -1;
        }
        if (*e != '}') {
            return 0; /* not a quantifier: literal text */
        }
        *min = a > 1000 ? 1000 : (int)a;
        *max = b > 1000 ? 1000 : (int)b;
        s = e + 1;
    }
    else {
        return 0;
    }
    *possessive = *s == '+';
    P->s = s + (*s == '+' || *s == '?');
    return 1;
}

static int rx_seq(rx_parser *P)
{
    int cat = rx_new(P, RX_CAT, P->s), last = -1;

    while (*P->s && *P->s != '|' && *P->s != ')' && !P->failed) {
        const char *at = P->s;
        int atom = rx_atom(P), min, max, possessive;
        while (rx_quantifier(P, &min, &max, &possessive)) {
            int rep = rx_new(P, RX_REP, at);
            P->nodes[rep].kid = atom;
            P->nodes[rep].min = min;
            P->nodes[rep].max = max;
            P->nodes[rep].end = (int)(P->s - P->pat);
            atom = rep;
            if (possessive) {
                int a = rx_new(P, RX_REP, at);
                P->nodes[a].kid = rep;
                P->nodes[a].min = P->nodes[a].max = -2;
                atom = a;
            }
        }
        P->nodes[atom].end = (int)(P->s - P->pat);
        rx_append(P, cat, &last, atom);
    }
    P->nodes[cat].end = (int)(P->s - P->pat);
    return cat;
}

static int rx_alt(rx_parser *P)
{
    int alt = rx_new(P, RX_ALT, P->s), last = -1;

    for (;;) {
        rx_append(P, alt, &last, rx_seq(P));
        if (*P->s != '|' || P->failed) {
            break;
        }
        P->s++;
    }
    P->nodes[alt].end = (int)(P->s - P->pat);
    return alt;
}

/* ---- The position automaton --------------------------------------------------------- */

typedef struct {
    int first, last; /* its states, [first, last) */
    int src, end;    /* its text */
} rx_loop;

typedef struct {
    int n;                         /* states: 0 the start, then one per character read */
    rx_chars chars[RX_MAX_STATES]; /* what a transition into the state reads */
    rx_set next[RX_MAX_STATES];
    rx_set twice[RX_MAX_STATES]; /* transitions there are two of (nested repeats) */
    rx_set final;                /* where the regex can end: a match, no backtracking */
    int src[RX_MAX_STATES], end[RX_MAX_STATES];
    int nloops, failed;
    rx_loop loops[RX_MAX_NODES];
} rx_nfa;

/* What a part of the regex contributes: the states it can start and end with, and in how
 * many ways it matches the empty text (0, 1, or 2 for more). A state it can start or end
 * with in two ways (after or before a part that matches the empty text in two ways, as
 * "([a-z]*)?" does) is in first2 or last2: transitions through there count twice. */
typedef struct {
    int nullable;
    rx_set first, first2, last, last2;
} rx_frag;

static int set_has(const rx_set *s, int i)
{
    return (int)((s->w[i >> 6] >> (i & 63)) & 1);
}

static void set_add(rx_set *s, int i)
{
    s->w[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void set_or(rx_set *a, const rx_set *b)
{
    int i;

    for (i = 0; i < RX_WORDS; i++) {
        a->w[i] |= b->w[i];
    }
}

/* Transitions from the ends of f to the starts of g. One that exists already, or one that
 * passes a part matching the empty text in two ways, is a second path between the same
 * states. */
static void rx_link(rx_nfa *A, const rx_frag *f, const rx_frag *g)
{
    int p, i;

    for (p = 0; p < A->n; p++) {
        if (set_has(&f->last, p)) {
            int again = set_has(&f->last2, p);
            for (i = 0; i < RX_WORDS; i++) {
                A->twice[p].w[i] |=
                    (A->next[p].w[i] & g->first.w[i]) | (again ? g->first.w[i] : g->first2.w[i]);
                A->next[p].w[i] |= g->first.w[i];
            }
        }
    }
}

static rx_frag rx_empty(void)
{
    rx_frag f;

    memset(&f, 0, sizeof(f));
    f.nullable = 1;
    return f;
}

/* a | b, as far as the starts, ends and empty matches go */
static void rx_union(rx_frag *f, const rx_frag *g)
{
    set_or(&f->first, &g->first);
    set_or(&f->first2, &g->first2);
    set_or(&f->last, &g->last);
    set_or(&f->last2, &g->last2);
    f->nullable = f->nullable + g->nullable > 2 ? 2 : f->nullable + g->nullable;
}

/* f followed by g */
static rx_frag rx_cat(rx_nfa *A, const rx_frag *f, const rx_frag *g)
{
    rx_frag h = *g;

    rx_link(A, f, g);
    h.first = f->first;
    h.first2 = f->first2;
    if (f->nullable) {
        set_or(&h.first, &g->first);
        set_or(&h.first2, f->nullable > 1 ? &g->first : &g->first2);
    }
    if (g->nullable) {
        set_or(&h.last, &f->last);
        set_or(&h.last2, g->nullable > 1 ? &f->last : &f->last2);
    }
    h.nullable = f->nullable * g->nullable > 2 ? 2 : f->nullable * g->nullable;
    return h;
}

static int rx_state(rx_nfa *A, const rx_node *n, rx_chars chars)
{
    if (A->n >= RX_MAX_STATES) {
        A->failed = 1;
        return 0;
    }
    memset(&A->next[A->n], 0, sizeof(A->next[0]));
    memset(&A->twice[A->n], 0, sizeof(A->twice[0]));
    A->chars[A->n] = chars;
    A->src[A->n] = n->src;
    A->end[A->n] = n->end;
    return A->n++;
}

static rx_frag rx_build(const rx_parser *P, rx_nfa *A, int node);

/* An atomic group or a possessive repeat: one state that reads any character the group
 * can read. PCRE2 does not backtrack into it, so what is ambiguous inside costs nothing. */
static rx_frag rx_atomic(const rx_parser *P, rx_nfa *A, const rx_node *n)
{
    int from = A->n, loops = A->nloops, s;
    rx_frag f = rx_build(P, A, n->kid), g = rx_empty();
    rx_chars all;

    if (A->n == from) {
        return f;
    }
    memset(&all, 0, sizeof(all));
    for (s = from; s < A->n; s++) {
        for (int i = 0; i < 4; i++) {
            all.w[i] |= A->chars[s].w[i];
        }
    }
    A->n = from;
    A->nloops = loops;
    s = rx_state(A, n, all);
    set_add(&g.first, s);
    set_add(&g.last, s);
    g.nullable = f.nullable ? 1 : 0;
    return g;
}

/* x{min,max}: min copies of x, then either a loop over one more (no bound, or a bound too
 * large to expand) or max - min nested optional copies ("x(x(x)?)?"), as PCRE2 counts. */
static rx_frag rx_repeat(const rx_parser *P, rx_nfa *A, const rx_node *n)
{
    int unbounded = n->max < 0 || n->max > RX_EXPAND, k;
    int copies = unbounded ? (n->min > 3 ? 2 : n->min > 0 ? n->min - 1 : 0) : n->min;
    rx_frag f = rx_empty(), opt[RX_EXPAND], acc = rx_empty();

    for (k = 0; k < copies && !A->failed; k++) {
        rx_frag g = rx_build(P, A, n->kid);
        f = rx_cat(A, &f, &g);
    }
    if (unbounded) {
        int from = A->n;
        rx_frag g = rx_build(P, A, n->kid);
        rx_link(A, &g, &g);
        /* "x*" matches the empty text by no turn, or by one turn of x matching it */
        if (n->min == 0) {
            g.nullable = g.nullable ? 2 : 1;
        }
        if (A->nloops < RX_MAX_NODES) {
            rx_loop *l = &A->loops[A->nloops++];
            l->first = from;
            l->last = A->n;
            l->src = n->src;
            l->end = n->end;
        }
        return rx_cat(A, &f, &g);
    }
    for (k = 0; k < n->max - n->min && !A->failed; k++) {
        opt[k] = rx_build(P, A, n->kid);
    }
    while (k-- > 0) {
        acc = rx_cat(A, &opt[k], &acc);
        acc.nullable = acc.nullable ? 2 : 1; /* "x?": x, or nothing */
    }
    return rx_cat(A, &f, &acc);
}

static rx_frag rx_build(const rx_parser *P, rx_nfa *A, int node)
{
    const rx_node *n = &P->nodes[node];
    rx_frag f = rx_empty();
    int k;

    switch (n->type) {
    case RX_CHARS:
        k = rx_state(A, n, n->chars);
        set_add(&f.first, k);
        set_add(&f.last, k);
        f.nullable = 0;
        break;
    case RX_CAT:
        for (k = n->kid; k >= 0 && !A->failed; k = P->nodes[k].next) {
            rx_frag g = rx_build(P, A, k);
            f = rx_cat(A, &f, &g);
        }
        break;
    case RX_ALT:
        f.nullable = 0;
        for (k = n->kid; k >= 0 && !A->failed; k = P->nodes[k].next) {
            rx_frag g = rx_build(P, A, k);
            rx_union(&f, &g);
        }
        break;
    case RX_REP: return n->min == -2 ? rx_atomic(P, A, n) : rx_repeat(P, A, n);
    default: break;
    }
    return f;
}

/* ---- The searches --------------------------------------------------------------------- */

typedef struct {
    rx_set reach[RX_MAX_STATES]; /* what each live state reaches in one step or more */
    int scc[RX_MAX_STATES];      /* the least state of its loop, or -1 when on none */
    int degree[RX_MAX_STATES];   /* of a loop (by its least state): the longest chain */
    int next[RX_MAX_STATES];     /* the loop after it in that chain, or -1 */
} rx_loops;

typedef struct {
    const rx_nfa *A;
    rx_set live; /* the states the regex can be in without having matched: reached from
                  * the start short of a final state */
    rx_loops *L;
    long budget;
    apr_pool_t *pool;
} rx_search;

static int rx_live(const rx_search *S, int s)
{
    return set_has(&S->live, s);
}

/* The loops of the automaton: states that reach themselves, grouped by reaching each
 * other (Warshall's closure; a regex has at most RX_MAX_STATES states). */
static void rx_find_loops(rx_search *S)
{
    const rx_nfa *A = S->A;
    rx_loops *L = S->L;
    int p, q, k, i;

    for (p = 0; p < A->n; p++) {
        memset(&L->reach[p], 0, sizeof(L->reach[p]));
        for (q = 0; rx_live(S, p) && q < A->n; q++) {
            if (set_has(&A->next[p], q) && rx_live(S, q)) {
                set_add(&L->reach[p], q);
            }
        }
    }
    for (k = 0; k < A->n; k++) {
        for (p = 0; p < A->n; p++) {
            if (set_has(&L->reach[p], k)) {
                for (i = 0; i < RX_WORDS; i++) {
                    L->reach[p].w[i] |= L->reach[k].w[i];
                }
            }
        }
    }
    for (p = 0; p < A->n; p++) {
        L->scc[p] = -1;
        L->degree[p] = 0;
        L->next[p] = -1;
        for (q = 0; q <= p && set_has(&L->reach[p], p); q++) {
            if (set_has(&L->reach[p], q) && set_has(&L->reach[q], p)) {
                L->scc[p] = q;
                break;
            }
        }
    }
}

/* Can two paths that read the same text go from the states (x, y) to (s, s)? Paths back
 * to s stay in its loop. */
static int rx_pair_reaches(rx_search *S, int x, int y, int s)
{
    const rx_nfa *A = S->A;
    int n = A->n, head = 0, tail = 0;
    int *queue = apr_palloc(S->pool, sizeof(int) * (apr_size_t)(n * n));
    unsigned char *seen = apr_pcalloc(S->pool, (apr_size_t)(n * n));

    queue[tail++] = x * n + y;
    seen[x * n + y] = 1;
    while (head < tail) {
        int a = queue[head] / n, b = queue[head++] % n, a2, b2;
        for (a2 = 1; a2 < n; a2++) {
            if (!set_has(&A->next[a], a2) || S->L->scc[a2] != S->L->scc[s]) {
                continue;
            }
            for (b2 = 1; b2 < n; b2++) {
                if (--S->budget < 0) {
                    return 0;
                }
                if (!set_has(&A->next[b], b2) || S->L->scc[b2] != S->L->scc[s] ||
                    seen[a2 * n + b2] || !cs_meet(&A->chars[a2], &A->chars[b2])) {
                    continue;
                }
                if (a2 == s && b2 == s) {
                    return 1;
                }
                seen[a2 * n + b2] = 1;
                queue[tail++] = a2 * n + b2;
            }
        }
    }
    return 0;
}

/* Exponential: a state s that two paths leave by different transitions to states x and y
 * reading the same character, and come back to together. Sets where[] to s, x, y. */
static int rx_exponential(rx_search *S, int where[3])
{
    const rx_nfa *A = S->A;
    apr_pool_t *outer = S->pool;
    int s, x, y, found = 0;

    if (apr_pool_create(&S->pool, outer) != APR_SUCCESS) {
        S->pool = outer;
        return 0;
    }

    for (s = 1; s < A->n; s++) {
        int loop = S->L->scc[s];
        for (x = 1; loop >= 0 && x < A->n; x++) {
            for (y = x; set_has(&A->next[s], x) && S->L->scc[x] == loop && y < A->n; y++) {
                if (!set_has(&A->next[s], y) || S->L->scc[y] != loop ||
                    (x == y && !set_has(&A->twice[s], x)) ||
                    !cs_meet(&A->chars[x], &A->chars[y])) {
                    continue;
                }
                found = (x == s && y == s) || rx_pair_reaches(S, x, y, s);
                apr_pool_clear(S->pool);
                if (found) {
                    where[0] = s;
                    where[1] = x;
                    where[2] = y;
                    goto done;
                }
            }
        }
    }
done:
    apr_pool_destroy(S->pool);
    S->pool = outer;
    return found;
}

/* Can three paths read one text v: from p back to p in loop c1, from p to q, and from q
 * back to q in loop c2? Then a subject v^n splits between the two loops in n ways. A
 * search on triples of states (x in c1, y anywhere, z in c2), from (p, p, q) to (p, q, q). */
static int rx_triple_reaches(rx_search *S, const int *m1, int n1, const int *m2, int n2, int pi,
                             int qi)
{
    const rx_nfa *A = S->A;
    int n = A->n, q = m2[qi], head = 0, tail = 0, xi, zi, y;
    apr_size_t size = (apr_size_t)n1 * (apr_size_t)n * (apr_size_t)n2;
    int *queue;
    unsigned char *seen;

    if (size > RX_TRIPLES) {
        S->budget = 0; /* two loops of dozens of states each: not judged */
        return 0;
    }
    queue = apr_palloc(S->pool, sizeof(int) * size);
    seen = apr_pcalloc(S->pool, size);
    queue[tail++] = (pi * n + m1[pi]) * n2 + qi;
    while (head < tail) {
        int t = queue[head++], a = m1[t / n2 / n], b = t / n2 % n, c = m2[t % n2];
        for (xi = 0; xi < n1; xi++) {
            for (zi = 0; set_has(&A->next[a], m1[xi]) && zi < n2; zi++) {
                rx_chars m = A->chars[m1[xi]];
                if (!set_has(&A->next[c], m2[zi])) {
                    continue;
                }
                for (int i = 0; i < 4; i++) {
                    m.w[i] &= A->chars[m2[zi]].w[i];
                }
                for (y = 0; y < n; y++) {
                    int u = (xi * n + y) * n2 + zi;
                    if (--S->budget < 0) {
                        return 0;
                    }
                    /* y on a path from p to q */
                    if (seen[u] || !set_has(&A->next[b], y) || !set_has(&S->L->reach[m1[pi]], y) ||
                        (y != q && !set_has(&S->L->reach[y], q)) || !cs_meet(&m, &A->chars[y])) {
                        continue;
                    }
                    if (xi == pi && y == q && zi == qi) {
                        return 1;
                    }
                    seen[u] = 1;
                    queue[tail++] = u;
                }
            }
        }
    }
    return 0;
}

/* Are the loops c1 and c2 (by their least states) linked: can a text split between them
 * in as many ways as it is long? */
static int rx_linked(rx_search *S, const rx_loops *L, int c1, int c2)
{
    int m1[RX_MAX_STATES], m2[RX_MAX_STATES], n1 = 0, n2 = 0, p, i, j, found = 0;
    apr_pool_t *outer = S->pool;

    for (p = 0; p < S->A->n; p++) {
        if (L->scc[p] == c1) {
            m1[n1++] = p;
        }
        else if (L->scc[p] == c2) {
            m2[n2++] = p;
        }
    }
    if (apr_pool_create(&S->pool, outer) != APR_SUCCESS) {
        S->pool = outer;
        return 0;
    }
    for (i = 0; i < n1 && !found; i++) {
        for (j = 0; j < n2 && !found && S->budget > 0; j++) {
            found = rx_triple_reaches(S, m1, n1, m2, n2, i, j);
            apr_pool_clear(S->pool);
        }
    }
    apr_pool_destroy(S->pool);
    S->pool = outer;
    return found;
}

/* The longest chain of linked loops that starts with loop c (memoized in L). */
static int rx_chain(rx_search *S, rx_loops *L, int c)
{
    int c2;

    if (L->degree[c]) {
        return L->degree[c];
    }
    L->degree[c] = 1;
    for (c2 = 0; c2 < S->A->n; c2++) {
        if (L->scc[c2] == c2 && c2 != c && set_has(&L->reach[c], c2) &&
            !set_has(&L->reach[c2], c)) {
            int d = rx_chain(S, L, c2) + 1;
            if (d > L->degree[c] && rx_linked(S, L, c, c2)) {
                L->degree[c] = d;
                L->next[c] = c2;
            }
        }
    }
    return L->degree[c];
}

/* ---- The verdict ---------------------------------------------------------------------- */

/* The text of the smallest repeat whose states include lo..hi (outer: the next larger
 * one, when two repeats share a transition), or of state lo. */
static const char *rx_part(apr_pool_t *pool, const char *pat, const rx_nfa *A, int lo, int hi,
                           int outer)
{
    int i, best = -1, inner = -1;

    if (lo == 0) {
        return "the search from every offset (no '^')";
    }
    for (i = 0; i < A->nloops; i++) {
        const rx_loop *l = &A->loops[i];
        int size = l->last - l->first;
        if (l->first > lo || hi >= l->last) {
            continue;
        }
        if (best < 0 || size < A->loops[best].last - A->loops[best].first) {
            inner = best;
            best = i;
        }
        else if (inner < 0 || size < A->loops[inner].last - A->loops[inner].first) {
            inner = i;
        }
    }
    if (outer && inner >= 0) {
        best = inner; /* the larger of the two smallest */
    }
    if (best < 0) {
        return apr_pstrndup(pool, pat + A->src[lo], (apr_size_t)(A->end[lo] - A->src[lo]));
    }
    return apr_pstrndup(pool, pat + A->loops[best].src,
                        (apr_size_t)(A->loops[best].end - A->loops[best].src));
}

/* The automaton of pattern, with the start state looping on every character, or NULL
 * when the pattern is not of the syntax read here or too large. */
static rx_nfa *rx_automaton(apr_pool_t *pool, const char *pattern, int nocase)
{
    rx_parser P;
    rx_nfa *A;
    rx_frag root;
    rx_node start;
    rx_chars any = cs_any();
    int top;

    memset(&P, 0, sizeof(P));
    P.pat = P.s = pattern;
    P.caseless = nocase != 0;
    P.nodes = apr_palloc(pool, sizeof(rx_node) * RX_MAX_NODES);
    top = rx_alt(&P);
    if (P.failed || *P.s) {
        return NULL;
    }
    A = apr_palloc(pool, sizeof(*A));
    A->n = A->nloops = A->failed = 0;
    memset(&start, 0, sizeof(start));
    cs_add(&any, RX_START);
    rx_state(A, &start, any);
    root = rx_build(&P, A, top);
    if (A->failed) {
        return NULL;
    }
    set_add(&A->next[0], 0);
    set_or(&A->next[0], &root.first);
    A->final = root.last;
    if (root.nullable) {
        set_add(&A->final, 0);
    }
    return A;
}

/* The states reached from the start without passing a final one. */
static void rx_find_live(const rx_nfa *A, rx_set *live)
{
    int stack[RX_MAX_STATES], top = 0, q;

    memset(live, 0, sizeof(*live));
    if (set_has(&A->final, 0)) {
        return;
    }
    set_add(live, 0);
    stack[top++] = 0;
    while (top > 0) {
        int p = stack[--top];
        for (q = 1; q < A->n; q++) {
            if (set_has(&A->next[p], q) && !set_has(live, q) && !set_has(&A->final, q)) {
                set_add(live, q);
                stack[top++] = q;
            }
        }
    }
}

/* The texts of the loops of the chain that starts with loop c: "'.*', '.*' and '.*'". */
static const char *rx_chain_parts(apr_pool_t *pool, const char *pat, const rx_nfa *A,
                                  const rx_loops *L, int c)
{
    const char *out = NULL;

    for (; c >= 0; c = L->next[c]) {
        int hi = c, q;
        const char *part;
        for (q = c; q < A->n; q++) {
            hi = L->scc[q] == c ? q : hi;
        }
        part = rx_part(pool, pat, A, c, hi, 0);
        part = c == 0 ? part : apr_pstrcat(pool, "'", part, "'", NULL);
        out = out == NULL      ? part
              : L->next[c] < 0 ? apr_pstrcat(pool, out, " and ", part, NULL)
                               : apr_pstrcat(pool, out, ", ", part, NULL);
    }
    return out;
}

cors_redos_kind cors_regex_redos(apr_pool_t *pool, const char *pattern, int nocase,
                                 const char **part, int *degree)
{
    rx_search S;
    rx_loops *L;
    int where[3], c, best = -1;
    cors_redos_kind kind = CORS_REDOS_NONE;

    *part = NULL;
    *degree = 0;
    if (strpbrk(pattern, "*+{") == NULL) {
        return CORS_REDOS_NONE; /* no repeat: no loop but the search from each offset */
    }
    memset(&S, 0, sizeof(S));
    if (apr_pool_create(&S.pool, pool) != APR_SUCCESS ||
        (S.A = rx_automaton(S.pool, pattern, nocase)) == NULL) {
        return CORS_REDOS_NONE;
    }
    rx_find_live(S.A, &S.live);
    S.budget = RX_BUDGET;
    S.L = L = apr_palloc(S.pool, sizeof(*L));
    rx_find_loops(&S);
    if (rx_exponential(&S, where)) {
        /* where: the state s and the two states x <= y the paths leave it for */
        int lo = where[0] < where[1] ? where[0] : where[1];
        int hi = where[0] > where[2] ? where[0] : where[2];
        *part = rx_part(pool, pattern, S.A, lo, hi, where[1] == where[2]);
        kind = CORS_REDOS_EXPONENTIAL;
    }
    else {
        for (c = 0; c < S.A->n; c++) {
            if (L->scc[c] == c && rx_chain(&S, L, c) > *degree) {
                *degree = L->degree[c];
                best = c;
            }
        }
        if (*degree >= 2) {
            *part = rx_chain_parts(pool, pattern, S.A, L, best);
            kind = CORS_REDOS_POLYNOMIAL;
        }
    }
    apr_pool_destroy(S.pool);
    return kind;
}
