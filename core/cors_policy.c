/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_policy: origins, allow-lists, token lists and the CORS decision. See
 * cors_policy.h for the contract. Everything here is bounded: no loop runs over the
 * configuration at request time, and request values are read at most once or twice.
 */
#include "cors_policy.h"

#include <string.h>
#include <strings.h>
#include <apr_strings.h>

/* ---- Character classes ------------------------------------------------------------ */

static int cors_is_tchar(unsigned char c)
{
    /* RFC 9110 5.6.2: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
     * "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
    static const unsigned char tab[256] = {
        ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
        ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,  ['~'] = 1, ['0'] = 1,
        ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,
        ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,  ['F'] = 1, ['G'] = 1,
        ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,  ['N'] = 1, ['O'] = 1,
        ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1, ['W'] = 1,
        ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,  ['d'] = 1, ['e'] = 1,
        ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1, ['m'] = 1,
        ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,  ['t'] = 1, ['u'] = 1,
        ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    };
    return tab[c];
}

static unsigned char cors_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int cors_is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int cors_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Host characters of a reg-name as browsers serialize it (after IDNA): letters, digits,
 * '-' and '_' (Chromium keeps underscores). Everything else (%, `, !, $, &, ', (, ), *,
 * +, ',', ;, =, ~, {, |...) makes the origin invalid. */
static int cors_is_host_char(unsigned char c)
{
    return cors_is_alpha(c) || cors_is_digit(c) || c == '-' || c == '_';
}

int cors_is_token(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!cors_is_tchar((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* ---- Origins ------------------------------------------------------------------- */

typedef enum {
    CORS_WILD_NONE = 0,
    CORS_WILD_SUBDOMAIN = 1, /* scheme + "*.suffix" */
    CORS_WILD_PORT = 2       /* scheme://host:* */
} cors_wild;

/* Result of the shared parser; for configuration entries the host of a subdomain
 * wildcard is the suffix after "*.". */
typedef struct {
    cors_origin o;
    int wild;                 /* cors_wild bits */
    apr_size_t authority_end; /* offset in the input where the authority ends */
    apr_size_t userinfo_end;  /* offset after '@', or 0 */
} cors_origin_parsed;

static int cors_default_port(const char *scheme, apr_size_t len)
{
    if (len == 5 && memcmp(scheme, "https", 5) == 0) {
        return 443;
    }
    if (len == 4 && memcmp(scheme, "http", 4) == 0) {
        return 80;
    }
    if (len == 3 && memcmp(scheme, "wss", 3) == 0) {
        return 443;
    }
    if (len == 2 && memcmp(scheme, "ws", 2) == 0) {
        return 80;
    }
    return 0;
}

/* One parser for request values and configuration entries (allow_wild), so both agree
 * on what an origin is. Linear in the input; writes the canonical form into out->o. */
static cors_origin_status cors_origin_parse_ex(const char *s, int allow_wild,
                                               cors_origin_parsed *out)
{
    apr_size_t n, i, scheme_len, host_start, host_end, p;
    int has_comma = 0, has_space = 0, port = 0;
    char *c;

    out->o.canon[0] = '\0';
    out->o.len = out->o.scheme_len = out->o.host_off = out->o.host_len = 0;
    out->o.port = 0;
    out->o.is_null = 0;
    out->wild = CORS_WILD_NONE;
    out->authority_end = 0;
    out->userinfo_end = 0;

    n = strnlen(s, CORS_ORIGIN_MAX + 1);
    if (n == 0) {
        return CORS_ORIGIN_EMPTY;
    }
    if (n > CORS_ORIGIN_MAX) {
        return CORS_ORIGIN_TOO_LONG;
    }
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t') {
            has_space = 1;
        }
        else if (ch == ',') {
            has_comma = 1;
        }
        else if (ch < 0x20 || ch >= 0x7f) {
            return CORS_ORIGIN_CONTROL_CHAR;
        }
    }
    if (has_comma) {
        return CORS_ORIGIN_SEVERAL;
    }
    if (has_space) {
        /* "https://a.example https://b.example" is several; a lone space is just bad */
        const char *sp = strpbrk(s, " \t"), *first = strstr(s, "://");
        while (*sp == ' ' || *sp == '\t') {
            sp++;
        }
        return (first && first < sp && *sp && strstr(sp, "://")) ? CORS_ORIGIN_SEVERAL
                                                                 : CORS_ORIGIN_SPACE;
    }
    if (n == 4 && memcmp(s, "null", 4) == 0) {
        memcpy(out->o.canon, "null", 5);
        out->o.len = 4;
        out->o.is_null = 1;
        return CORS_ORIGIN_OK;
    }

    /* scheme "://" */
    for (i = 0; i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++) {
    }
    if (i == n || s[i] != ':' || n - i < 3 || s[i + 1] != '/' || s[i + 2] != '/') {
        return CORS_ORIGIN_NO_SCHEME;
    }
    scheme_len = i;
    if (scheme_len == 0) {
        return CORS_ORIGIN_NO_SCHEME;
    }
    if (!cors_is_alpha((unsigned char)s[0])) {
        return CORS_ORIGIN_BAD_SCHEME;
    }
    for (i = 1; i < scheme_len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!cors_is_alpha(ch) && !cors_is_digit(ch) && ch != '+' && ch != '-' && ch != '.') {
            return CORS_ORIGIN_BAD_SCHEME;
        }
    }

    /* authority: up to '/', '?' or '#' */
    host_start = scheme_len + 3;
    for (p = host_start; p < n && s[p] != '/' && s[p] != '?' && s[p] != '#'; p++) {
    }
    out->authority_end = p;
    for (i = host_start; i < p; i++) {
        if (s[i] == '@') {
            out->userinfo_end = i + 1;
        }
    }
    if (out->userinfo_end) {
        return CORS_ORIGIN_USERINFO;
    }
    if (p < n) {
        if (s[p] == '/') {
            return (p + 1 == n) ? CORS_ORIGIN_TRAILING_SLASH : CORS_ORIGIN_PATH;
        }
        return s[p] == '?' ? CORS_ORIGIN_QUERY : CORS_ORIGIN_FRAGMENT;
    }

    /* host [":" port] */
    if (host_start < p && s[host_start] == '[') {
        for (host_end = host_start + 1; host_end < p && s[host_end] != ']'; host_end++) {
            unsigned char ch = (unsigned char)s[host_end];
            if (!cors_is_digit(ch) && !(cors_lower(ch) >= 'a' && cors_lower(ch) <= 'f') &&
                ch != ':' && ch != '.') {
                return CORS_ORIGIN_BAD_HOST;
            }
        }
        if (host_end == p || host_end == host_start + 1) {
            return CORS_ORIGIN_BAD_HOST;
        }
        host_end++; /* keep the ']' */
        if (host_end < p && s[host_end] != ':') {
            return CORS_ORIGIN_BAD_HOST;
        }
    }
    else {
        apr_size_t label_start = host_start;
        for (host_end = host_start; host_end < p && s[host_end] != ':'; host_end++) {
            unsigned char ch = (unsigned char)s[host_end];
            if (ch == '.') {
                if (host_end == label_start) {
                    return CORS_ORIGIN_BAD_HOST;
                }
                label_start = host_end + 1;
            }
            else if (ch == '*') {
                /* only as the whole leftmost label of a configuration entry */
                if (!allow_wild || host_end != host_start || host_end + 1 >= p ||
                    s[host_end + 1] != '.') {
                    return allow_wild ? CORS_ORIGIN_BAD_WILDCARD : CORS_ORIGIN_BAD_HOST;
                }
                out->wild |= CORS_WILD_SUBDOMAIN;
            }
            else if (!cors_is_host_char(ch)) {
                return CORS_ORIGIN_BAD_HOST;
            }
        }
        if (host_end == host_start || host_end == label_start) {
            /* empty host, or a trailing dot */
            return (host_end == host_start + 1 && s[host_start] == '*') ? CORS_ORIGIN_BAD_WILDCARD
                                                                        : CORS_ORIGIN_BAD_HOST;
        }
    }

    if (host_end < p) { /* s[host_end] == ':' */
        apr_size_t d = host_end + 1;
        if (d == p) {
            return CORS_ORIGIN_BAD_PORT;
        }
        if (allow_wild && d + 1 == p && s[d] == '*') {
            out->wild |= CORS_WILD_PORT;
        }
        else {
            if (s[d] == '0' || p - d > 5) {
                return CORS_ORIGIN_BAD_PORT;
            }
            for (; d < p; d++) {
                if (!cors_is_digit((unsigned char)s[d])) {
                    return (s[d] == '*')
                               ? (allow_wild ? CORS_ORIGIN_BAD_WILDCARD : CORS_ORIGIN_BAD_PORT)
                               : CORS_ORIGIN_BAD_PORT;
                }
                port = port * 10 + (s[d] - '0');
            }
            if (port > 65535) {
                return CORS_ORIGIN_BAD_PORT;
            }
        }
    }

    /* canonical form: lower-case scheme and host, default port dropped */
    c = out->o.canon;
    for (i = 0; i < scheme_len; i++) {
        *c++ = (char)cors_lower((unsigned char)s[i]);
    }
    *c++ = ':';
    *c++ = '/';
    *c++ = '/';
    out->o.scheme_len = scheme_len;
    if (out->wild & CORS_WILD_SUBDOMAIN) {
        host_start += 2; /* the host of a wildcard entry is its suffix */
    }
    out->o.host_off = (apr_size_t)(c - out->o.canon);
    for (i = host_start; i < host_end; i++) {
        *c++ = (char)cors_lower((unsigned char)s[i]);
    }
    out->o.host_len = host_end - host_start;
    if (port && port == cors_default_port(out->o.canon, scheme_len)) {
        port = 0;
    }
    out->o.port = port;
    if (port) {
        c += apr_snprintf(c, 7, ":%d", port);
    }
    *c = '\0';
    out->o.len = (apr_size_t)(c - out->o.canon);
    return CORS_ORIGIN_OK;
}

/* Lower-cased character, or 0 where the character cannot appear: in a scheme, and in a
 * reg-name host (letters, digits, '-', '_', '.'). Both share letters and digits. */
#define CORS_LETTER(u, l) [u] = l, [l] = l
#define CORS_ALNUM_LOWER                                                                          \
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',    \
    ['7'] = '7', ['8'] = '8', ['9'] = '9', CORS_LETTER('A', 'a'), CORS_LETTER('B', 'b'),          \
    CORS_LETTER('C', 'c'), CORS_LETTER('D', 'd'), CORS_LETTER('E', 'e'), CORS_LETTER('F', 'f'),   \
    CORS_LETTER('G', 'g'), CORS_LETTER('H', 'h'), CORS_LETTER('I', 'i'), CORS_LETTER('J', 'j'),   \
    CORS_LETTER('K', 'k'), CORS_LETTER('L', 'l'), CORS_LETTER('M', 'm'), CORS_LETTER('N', 'n'),   \
    CORS_LETTER('O', 'o'), CORS_LETTER('P', 'p'), CORS_LETTER('Q', 'q'), CORS_LETTER('R', 'r'),   \
    CORS_LETTER('S', 's'), CORS_LETTER('T', 't'), CORS_LETTER('U', 'u'), CORS_LETTER('V', 'v'),   \
    CORS_LETTER('W', 'w'), CORS_LETTER('X', 'x'), CORS_LETTER('Y', 'y'), CORS_LETTER('Z', 'z')

static const char cors_scheme_tab[256] = {
    ['+'] = '+',
    ['-'] = '-',
    ['.'] = '.',
    CORS_ALNUM_LOWER,
};

static const char cors_host_tab[256] = {
    ['-'] = '-',
    ['_'] = '_',
    ['.'] = '.',
    CORS_ALNUM_LOWER,
};
#undef CORS_ALNUM_LOWER
#undef CORS_LETTER

/* The request hot path: one pass over a well-formed "scheme://host[:port]", validating
 * and lower-casing as it copies. Returns 0 for anything else (IPv6 literals, "null"
 * and every invalid value), which the full parser then classifies. */
int cors_origin_parse_fast(const char *value, cors_origin *o)
{
    const unsigned char *u = (const unsigned char *)value;
    char *c = o->canon;
    apr_size_t i = 0, j;
    int dot = 1, port = 0;
    char ch;

    if (!cors_is_alpha(u[0])) {
        return 0;
    }
    while ((ch = cors_scheme_tab[u[i]]) != 0) {
        if (i >= 32) {
            return 0;
        }
        c[i++] = ch;
    }
    if (u[i] != ':' || u[i + 1] != '/' || u[i + 2] != '/') {
        return 0;
    }
    o->scheme_len = i;
    c[i] = ':';
    c[i + 1] = '/';
    c[i + 2] = '/';
    i += 3;
    o->host_off = i;
    while ((ch = cors_host_tab[u[i]]) != 0) {
        if (ch == '.') {
            if (dot) {
                return 0; /* empty label */
            }
            dot = 1;
        }
        else {
            dot = 0;
        }
        if (i >= CORS_ORIGIN_MAX) {
            return 0;
        }
        c[i++] = ch;
    }
    if (dot) {
        return 0; /* empty host or trailing dot */
    }
    o->host_len = i - o->host_off;
    j = i;
    if (u[j] == ':') {
        if (u[++j] == '0') {
            return 0;
        }
        while (cors_is_digit(u[j])) {
            port = port * 10 + (u[j] - '0');
            if (++j - i > 6) {
                return 0;
            }
        }
        if (port == 0 || port > 65535) {
            return 0;
        }
    }
    if (u[j] != '\0' || j > CORS_ORIGIN_MAX) {
        return 0;
    }
    if (port && port != cors_default_port(c, o->scheme_len)) {
        memcpy(c + i, value + i, j - i);
        i = j;
    }
    else {
        port = 0;
    }
    c[i] = '\0';
    o->len = i;
    o->port = port;
    o->is_null = 0;
    return 1;
}

cors_origin_status cors_origin_parse(const char *value, cors_origin *out)
{
    cors_origin_parsed parsed;
    cors_origin_status st;

    if (value == NULL) {
        return CORS_ORIGIN_EMPTY;
    }
    if (cors_origin_parse_fast(value, out)) {
        return CORS_ORIGIN_OK;
    }
    st = cors_origin_parse_ex(value, 0, &parsed);
    if (st == CORS_ORIGIN_OK) {
        *out = parsed.o;
    }
    return st;
}

cors_origin_status cors_origin_parse_full(const char *value, cors_origin *out)
{
    cors_origin_parsed parsed;
    cors_origin_status st = cors_origin_parse_ex(value, 0, &parsed);

    if (st == CORS_ORIGIN_OK) {
        *out = parsed.o;
    }
    return st;
}

/* The host part of a canonical origin is h[0..n). */
static int cors_host_is_loopback(const char *h, apr_size_t n)
{
    return (n == 9 && memcmp(h, "localhost", 9) == 0) ||
           (n > 10 && memcmp(h + n - 10, ".localhost", 10) == 0) ||
           (n >= 7 && memcmp(h, "127.", 4) == 0 && cors_is_digit((unsigned char)h[n - 1])) ||
           (n == 5 && memcmp(h, "[::1]", 5) == 0);
}

int cors_origin_is_loopback(const cors_origin *o)
{
    return !o->is_null && cors_host_is_loopback(o->canon + o->host_off, o->host_len);
}

int cors_origin_is_insecure(const cors_origin *o)
{
    return !o->is_null && o->scheme_len == 4 && memcmp(o->canon, "http", 4) == 0 &&
           !cors_origin_is_loopback(o);
}

const char *cors_origin_status_str(cors_origin_status st)
{
    switch (st) {
    case CORS_ORIGIN_OK: return "is valid";
    case CORS_ORIGIN_EMPTY: return "is empty";
    case CORS_ORIGIN_TOO_LONG: return "is longer than 1024 bytes";
    case CORS_ORIGIN_CONTROL_CHAR: return "has a control or non-ASCII character";
    case CORS_ORIGIN_SPACE: return "has white space";
    case CORS_ORIGIN_SEVERAL: return "holds several origins";
    case CORS_ORIGIN_NO_SCHEME: return "has no scheme";
    case CORS_ORIGIN_BAD_SCHEME: return "has an invalid scheme";
    case CORS_ORIGIN_USERINFO: return "has userinfo";
    case CORS_ORIGIN_PATH: return "has a path";
    case CORS_ORIGIN_TRAILING_SLASH: return "has a trailing slash";
    case CORS_ORIGIN_QUERY: return "has a query";
    case CORS_ORIGIN_FRAGMENT: return "has a fragment";
    case CORS_ORIGIN_BAD_HOST: return "has an invalid host";
    case CORS_ORIGIN_BAD_PORT: return "has an invalid port";
    case CORS_ORIGIN_BAD_WILDCARD: return "has a misplaced wildcard";
    case CORS_ORIGIN_PUBLIC_SUFFIX: return "is a wildcard over a public suffix";
    }
    return "is invalid";
}

/* ---- Origin allow-list ------------------------------------------------------------ */

/* The hash of every set here: eight bytes at a time, where APR's default hashes one
 * byte per step. Keys come from the configuration; a request only looks them up, so
 * a request cannot lengthen a chain. */
static unsigned int cors_hash(const char *key, apr_ssize_t *klen)
{
    const unsigned char *k = (const unsigned char *)key;
    apr_size_t len, i;
    apr_uint64_t h, w;

    if (*klen == APR_HASH_KEY_STRING) {
        *klen = (apr_ssize_t)strlen(key);
    }
    len = (apr_size_t)*klen;
    h = 0x9e3779b97f4a7c15ULL ^ len;
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, k + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (i < len) {
        w = 0;
        for (; i < len; i++) {
            w = (w << 8) | k[i];
        }
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    return (unsigned int)h;
}

struct cors_origin_list {
    apr_pool_t *pool;
    const cors_regex_engine *engine;
    apr_hash_t *exact;           /* "scheme://host[:port]" */
    apr_hash_t *any_port;        /* "scheme://host" of scheme://host:* */
    apr_hash_t *sub;             /* "scheme://suffix[:port]" of *.suffix entries */
    apr_hash_t *sub_any_port;    /* "scheme://suffix" of *.suffix:* entries */
    apr_array_header_t *entries; /* cors_origin_entry, as added */
    int nregex;
    int any;
    int has_null;
    int insecure, suffix_below; /* some entry is (cors_origin_list_unsafe) */
};

cors_origin_list *cors_origin_list_make(apr_pool_t *pool, const cors_regex_engine *engine)
{
    cors_origin_list *l = apr_pcalloc(pool, sizeof(*l));

    l->pool = pool;
    l->engine = engine;
    l->exact = apr_hash_make_custom(pool, cors_hash);
    l->any_port = apr_hash_make_custom(pool, cors_hash);
    l->sub = apr_hash_make_custom(pool, cors_hash);
    l->sub_any_port = apr_hash_make_custom(pool, cors_hash);
    l->entries = apr_array_make(pool, 2, sizeof(cors_origin_entry));
    return l;
}

static cors_origin_entry *cors_entry_push(cors_origin_list *l, cors_entry_kind kind,
                                          const char *source, const cors_where *where, int arg)
{
    cors_origin_entry *e = apr_array_push(l->entries);

    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->source = source;
    e->where = where;
    e->arg = arg;
    return e;
}

/* The entry rewritten as it should have been, for "write '...'" hints. */
static const char *cors_origin_hint(apr_pool_t *pool, const char *entry,
                                    const cors_origin_parsed *parsed, cors_origin_status st)
{
    const char *sep = strstr(entry, "://");

    switch (st) {
    case CORS_ORIGIN_PATH:
    case CORS_ORIGIN_TRAILING_SLASH:
    case CORS_ORIGIN_QUERY:
    case CORS_ORIGIN_FRAGMENT: return apr_pstrndup(pool, entry, parsed->authority_end);
    case CORS_ORIGIN_USERINFO:
        if (sep) {
            return apr_pstrcat(pool, apr_pstrndup(pool, entry, (apr_size_t)(sep - entry) + 3),
                               apr_pstrndup(pool, entry + parsed->userinfo_end,
                                            parsed->authority_end - parsed->userinfo_end),
                               NULL);
        }
        return NULL;
    case CORS_ORIGIN_NO_SCHEME:
        while (*entry == '/') {
            entry++;
        }
        return apr_pstrcat(pool, "https://", entry, NULL);
    default: return NULL;
    }
}

/* Refusals of an entry that parsed: a wildcard over a public suffix. */
static const char *cors_origin_check_wild(apr_pool_t *pool, const char *entry,
                                          const cors_origin_parsed *parsed, const psl_ctx_t *psl)
{
    char suffix[CORS_ORIGIN_MAX + 1];

    if (!(parsed->wild & CORS_WILD_SUBDOMAIN) || psl == NULL) {
        return NULL;
    }
    memcpy(suffix, parsed->o.canon + parsed->o.host_off, parsed->o.host_len);
    suffix[parsed->o.host_len] = '\0';
    /* NO_STAR_RULE: an unlisted TLD (localhost, internal, corp) is not a public suffix
     * here; private-section entries (github.io...) are. */
    if (psl_is_public_suffix2(psl, suffix, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
        return apr_psprintf(pool,
                            "origin '%s' is a wildcard over the public suffix '%s', which "
                            "would allow sites anyone can register; list the trusted "
                            "origins, or use a wildcard under a domain you control (e.g. "
                            "'https://*.example.%s')",
                            entry, suffix, suffix);
    }
    return NULL;
}

const char *cors_origin_list_add(cors_origin_list *list, const char *entry,
                                 const cors_where *where, int arg, const cors_psl *psl)
{
    apr_pool_t *pool = list->pool;
    cors_origin_parsed parsed;
    cors_origin_status st;
    cors_origin_entry *e;
    apr_hash_t *table;
    const char *key, *hint, *err;
    cors_entry_kind kind;

    /* every entry is kept, duplicates too (each line is judged); the tables hold each
     * origin once */
    if (strcmp(entry, "*") == 0 || strcmp(entry, "null") == 0) {
        *(entry[0] == '*' ? &list->any : &list->has_null) = 1;
        cors_entry_push(list, entry[0] == '*' ? CORS_ENTRY_ANY : CORS_ENTRY_NULL, entry, where,
                        arg);
        return NULL;
    }
    if (strcasecmp(entry, "null") == 0) {
        return apr_psprintf(pool, "origin '%s' must be written 'null' in lower case", entry);
    }
    st = cors_origin_parse_ex(entry, 1, &parsed);
    if (st == CORS_ORIGIN_OK &&
        (err = cors_origin_check_wild(pool, entry, &parsed, cors_psl_ctx(psl))) != NULL) {
        return err;
    }
    if (st != CORS_ORIGIN_OK) {
        hint = cors_origin_hint(pool, entry, &parsed, st);
        switch (st) {
        case CORS_ORIGIN_BAD_WILDCARD:
            return apr_psprintf(pool,
                                "origin '%s' has a misplaced wildcard: '*' is allowed only "
                                "as the whole leftmost label ('https://*.example.com'), as "
                                "the port ('http://localhost:*'), or alone ('*')",
                                entry);
        case CORS_ORIGIN_SEVERAL:
            return apr_psprintf(pool,
                                "'%s' holds several origins: give each origin as a "
                                "separate argument, separated by spaces",
                                entry);
        case CORS_ORIGIN_BAD_PORT:
            return apr_psprintf(pool,
                                "origin '%s' has an invalid port: use 1 to 65535 without "
                                "leading zeros, or '*' for any port",
                                entry);
        default: break;
        }
        if (hint) {
            return apr_psprintf(pool,
                                "origin '%s' %s: an origin is scheme://host[:port] with "
                                "nothing else; write '%s'",
                                entry, cors_origin_status_str(st), hint);
        }
        return apr_psprintf(pool,
                            "origin '%s' %s: an origin is scheme://host[:port] "
                            "(e.g. 'https://app.example.com'), '*' or 'null'",
                            entry, cors_origin_status_str(st));
    }

    key = apr_pstrmemdup(pool, parsed.o.canon, parsed.o.len);
    if (parsed.wild & CORS_WILD_PORT) {
        /* canon ends without a port: "scheme://host" */
        table = (parsed.wild & CORS_WILD_SUBDOMAIN) ? list->sub_any_port : list->any_port;
        kind =
            (parsed.wild & CORS_WILD_SUBDOMAIN) ? CORS_ENTRY_SUBDOMAIN_PORT : CORS_ENTRY_ANY_PORT;
    }
    else {
        table = (parsed.wild & CORS_WILD_SUBDOMAIN) ? list->sub : list->exact;
        kind = (parsed.wild & CORS_WILD_SUBDOMAIN) ? CORS_ENTRY_SUBDOMAIN : CORS_ENTRY_EXACT;
    }
    if (apr_hash_get(table, key, (apr_ssize_t)parsed.o.len) == NULL) {
        apr_hash_set(table, key, (apr_ssize_t)parsed.o.len, key);
    }
    e = cors_entry_push(list, kind, entry, where, arg);
    e->canon = key;
    /* a wildcard's host is its domain: "*.localhost" is loopback, "*.example.com" not */
    e->insecure = cors_origin_is_insecure(&parsed.o);
    if (parsed.wild & CORS_WILD_SUBDOMAIN) {
        e->suffix_below = cors_psl_suffix_below(
            psl, apr_pstrmemdup(pool, key + parsed.o.host_off, parsed.o.host_len));
    }
    list->insecure |= e->insecure;
    list->suffix_below |= e->suffix_below != NULL;
    return NULL;
}

/* The judge's verdict on a regex, kept in the list's pool; the judge's own work (its
 * attack strings) goes in a pool of its own, given back at once. */
static const cors_regex_verdict *cors_regex_verdict_of(cors_origin_list *list,
                                                       const void *compiled, const char *pattern,
                                                       const cors_psl *psl)
{
    cors_regex_verdict *v = apr_pcalloc(list->pool, sizeof(*v)), tmp;
    apr_pool_t *scratch;

    if (apr_pool_create(&scratch, list->pool) != APR_SUCCESS) {
        return v;
    }
    if (cors_regex_judge(list->engine, compiled, pattern, 0, cors_psl_ctx(psl), scratch, &tmp) ==
        0) {
        *v = tmp;
        v->intended = tmp.intended ? apr_pstrdup(list->pool, tmp.intended) : NULL;
        v->attack = tmp.attack ? apr_pstrdup(list->pool, tmp.attack) : NULL;
        v->domain = tmp.domain ? apr_pstrdup(list->pool, tmp.domain) : NULL;
        v->insecure = tmp.insecure ? apr_pstrdup(list->pool, tmp.insecure) : NULL;
        v->redos_part = tmp.redos_part ? apr_pstrdup(list->pool, tmp.redos_part) : NULL;
    }
    apr_pool_destroy(scratch);
    return v;
}

const char *cors_origin_list_add_regex(cors_origin_list *list, const char *source,
                                       const cors_where *where, int arg, const cors_psl *psl)
{
    apr_pool_t *pool = list->pool;
    cors_origin_entry *e;
    const char *pattern;
    const void *compiled;
    const cors_regex_verdict *verdict;
    long upper;

    if (source[0] == '\0') {
        return "empty regex: it would allow no origin; give the pattern of the origins to "
               "allow, e.g. 'https://[a-z0-9-]+\\.preview\\.example\\.com'";
    }
    upper = cors_regex_upper(source);
    if (upper >= 0) {
        return apr_psprintf(pool,
                            "'%s' has the upper-case letter '%c', but origins are matched "
                            "in their lower-case form, so it can never match; write it in "
                            "lower case",
                            source, source[upper]);
    }
    pattern = cors_regex_anchor(pool, source);
    compiled = list->engine ? list->engine->compile(list->engine->baton, pool, pattern, 0) : NULL;
    if (compiled == NULL) {
        return apr_psprintf(pool,
                            "'%s' is not a valid regular expression (PCRE syntax; it is "
                            "matched against the whole origin, e.g. "
                            "'https://[a-z0-9-]+\\.preview\\.example\\.com')",
                            source);
    }
    /* judged once, here: requests only read the verdict */
    verdict = cors_regex_verdict_of(list, compiled, pattern, psl);
    if (cors_redos_refused(verdict)) {
        /* each request with an Origin runs the regex: one hostile request a core-second */
        return apr_psprintf(pool, "'%s' %s", source, cors_redos_hint(verdict, pool));
    }
    e = cors_entry_push(list, CORS_ENTRY_REGEX, source, where, arg);
    e->pattern = pattern;
    e->compiled = compiled;
    e->verdict = verdict;
    list->nregex++;
    return NULL;
}

const cors_regex_verdict *cors_origin_entry_verdict(const cors_origin_entry *e)
{
    return e->kind == CORS_ENTRY_REGEX ? e->verdict : NULL;
}

int cors_origin_list_allows(const cors_origin_list *list, const cors_origin *origin)
{
    char key[CORS_ORIGIN_MAX + 8];
    apr_size_t prefix, tail_len = 0, h;
    const char *host, *tail;
    int i;

    if (list->any) {
        return 1;
    }
    if (origin->is_null) {
        return list->has_null;
    }
    if (apr_hash_get(list->exact, origin->canon, (apr_ssize_t)origin->len)) {
        return 1;
    }
    prefix = origin->host_off; /* "scheme://" */
    host = origin->canon + origin->host_off;
    tail = host + origin->host_len; /* ":port" or "" */
    tail_len = origin->len - origin->host_off - origin->host_len;
    if (apr_hash_count(list->any_port) &&
        apr_hash_get(list->any_port, origin->canon,
                     (apr_ssize_t)(origin->host_off + origin->host_len))) {
        return 1;
    }
    /* Subdomain wildcards: try each proper parent domain of the host, so the cost is
     * bounded by the host's label count, not by the number of entries. */
    if ((apr_hash_count(list->sub) || apr_hash_count(list->sub_any_port)) && host[0] != '[') {
        memcpy(key, origin->canon, prefix);
        for (h = 0; h < origin->host_len; h++) {
            apr_size_t slen, klen;
            if (host[h] != '.') {
                continue;
            }
            slen = origin->host_len - h - 1;
            memcpy(key + prefix, host + h + 1, slen);
            klen = prefix + slen;
            if (apr_hash_get(list->sub_any_port, key, (apr_ssize_t)klen)) {
                return 1;
            }
            memcpy(key + klen, tail, tail_len);
            if (apr_hash_get(list->sub, key, (apr_ssize_t)(klen + tail_len))) {
                return 1;
            }
        }
    }
    for (i = 0; list->nregex && i < list->entries->nelts; i++) {
        const cors_origin_entry *e = &APR_ARRAY_IDX(list->entries, i, cors_origin_entry);
        if (e->kind == CORS_ENTRY_REGEX &&
            list->engine->match(list->engine->baton, e->compiled, origin->canon, origin->len)) {
            return 1;
        }
    }
    return 0;
}

int cors_origin_list_has_any(const cors_origin_list *list)
{
    return list->any;
}

int cors_origin_list_has_null(const cors_origin_list *list)
{
    return list->has_null;
}

int cors_origin_list_count(const cors_origin_list *list)
{
    return (int)(apr_hash_count(list->exact) + apr_hash_count(list->any_port) +
                 apr_hash_count(list->sub) + apr_hash_count(list->sub_any_port)) +
           list->any + list->has_null + list->nregex;
}

int cors_origin_list_nentries(const cors_origin_list *list)
{
    return list->entries->nelts;
}

cors_origin_entry *cors_origin_list_entry(const cors_origin_list *list, int i)
{
    return &APR_ARRAY_IDX(list->entries, i, cors_origin_entry);
}

int cors_origin_list_unsafe(const cors_origin_list *list, int insecure_ok)
{
    return list->any || list->suffix_below || (list->insecure && !insecure_ok);
}

/* ---- Token lists -------------------------------------------------------------------- */

int cors_is_safelisted_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "POST") == 0;
}

int cors_is_forbidden_method(const char *method, apr_size_t len)
{
    return (len == 7 && strncasecmp(method, "CONNECT", 7) == 0) ||
           (len == 5 &&
            (strncasecmp(method, "TRACE", 5) == 0 || strncasecmp(method, "TRACK", 5) == 0));
}

char *cors_lower_dup(apr_pool_t *pool, const char *s, apr_size_t len)
{
    char *copy = apr_pstrmemdup(pool, s, len);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        copy[i] = (char)cors_lower((unsigned char)copy[i]);
    }
    return copy;
}

static void cors_token_add(apr_pool_t *pool, cors_token_list *l, const char *tok, apr_size_t len)
{
    char *orig = apr_pstrmemdup(pool, tok, len);
    char *key = l->kind != CORS_TOKENS_METHODS ? cors_lower_dup(pool, tok, len) : orig;

    if (apr_hash_get(l->set, key, (apr_ssize_t)len) == NULL) {
        apr_hash_set(l->set, key, (apr_ssize_t)len, key);
        APR_ARRAY_PUSH(l->tokens, const char *) = orig;
    }
}

/* The response value, joined once with ", " as browsers print it, or "*". */
static void cors_token_join(apr_pool_t *pool, cors_token_list *l)
{
    apr_size_t total = 1;
    char *p;
    int i;

    if (l->any) {
        l->joined = "*";
        return;
    }
    for (i = 0; i < l->tokens->nelts; i++) {
        total += strlen(APR_ARRAY_IDX(l->tokens, i, const char *)) + 2;
    }
    l->joined = p = apr_palloc(pool, total);
    for (i = 0; i < l->tokens->nelts; i++) {
        const char *t = APR_ARRAY_IDX(l->tokens, i, const char *);
        apr_size_t tl = strlen(t);
        if (i) {
            *p++ = ',';
            *p++ = ' ';
        }
        memcpy(p, t, tl);
        p += tl;
    }
    *p = '\0';
}

/* Fetch's forbidden request-header names, lower-case: a script can never set them, so
 * granting one is a mistake. Proxy-* and Sec-* are forbidden as prefixes. */
int cors_is_forbidden_header(const char *lower, apr_size_t len)
{
    static const char *const names[] = {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    };
    size_t i;

    if ((len >= 6 && memcmp(lower, "proxy-", 6) == 0) ||
        (len >= 4 && memcmp(lower, "sec-", 4) == 0)) {
        return 1;
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == len && memcmp(names[i], lower, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* What is refused of one token, beyond not being a token (see cors_policy.h). */
static const char *cors_token_refused(apr_pool_t *pool, cors_token_kind kind, const char *tok,
                                      apr_size_t len)
{
    static const char *const normalized[] = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"};
    char lower[64];
    apr_size_t i;
    size_t k;

    if (len >= sizeof(lower)) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        lower[i] = (char)cors_lower((unsigned char)tok[i]);
    }
    lower[len] = '\0';
    if (kind == CORS_TOKENS_METHODS) {
        if (cors_is_forbidden_method(tok, len)) {
            return apr_psprintf(pool,
                                "'%s' is a method browsers never send from a page (Fetch "
                                "forbids it); remove it",
                                apr_pstrmemdup(pool, tok, len));
        }
        for (k = 0; k < sizeof(normalized) / sizeof(normalized[0]); k++) {
            if (strlen(normalized[k]) == len && strncasecmp(normalized[k], tok, len) == 0 &&
                memcmp(normalized[k], tok, len) != 0) {
                return apr_psprintf(pool,
                                    "'%s' never matches: browsers send the standard methods "
                                    "in upper case, and methods are case-sensitive; write "
                                    "'%s'",
                                    apr_pstrmemdup(pool, tok, len), normalized[k]);
            }
        }
    }
    else if (kind == CORS_TOKENS_HEADERS && cors_is_forbidden_header(lower, len)) {
        return apr_psprintf(pool,
                            "'%s' is a header scripts can never set (Fetch forbids it), so "
                            "granting it does nothing; remove it",
                            apr_pstrmemdup(pool, tok, len));
    }
    else if (kind == CORS_TOKENS_EXPOSE &&
             (strcmp(lower, "set-cookie") == 0 || strcmp(lower, "set-cookie2") == 0)) {
        return apr_psprintf(pool,
                            "'%s' is never exposed to scripts, whatever the server says; "
                            "remove it",
                            apr_pstrmemdup(pool, tok, len));
    }
    return NULL;
}

const char *cors_token_list_parse(apr_pool_t *pool, cors_token_kind kind, int argc,
                                  char *const *argv, cors_token_list **out, int *bad_arg)
{
    const char *what = (kind == CORS_TOKENS_METHODS) ? "method" : "header name";
    cors_token_list *l = apr_pcalloc(pool, sizeof(*l));
    const char *err;
    int a;

    l->kind = kind;
    l->set = apr_hash_make_custom(pool, cors_hash);
    l->tokens = apr_array_make(pool, 8, sizeof(const char *));
    if (kind == CORS_TOKENS_METHODS) {
        cors_token_add(pool, l, "GET", 3);
        cors_token_add(pool, l, "HEAD", 4);
        cors_token_add(pool, l, "POST", 4);
    }
    for (a = 0; a < argc; a++) {
        const char *s = argv[a];
        while (*s) {
            apr_size_t len;
            if (*s == ',' || *s == ' ' || *s == '\t') {
                s++;
                continue;
            }
            len = strcspn(s, ", \t");
            if (len == 1 && s[0] == '*') {
                l->any = 1;
            }
            else if (!cors_is_token(s, len)) {
                err = apr_psprintf(pool,
                                   "'%s' is not a valid %s: use letters, digits and "
                                   "!#$%%&'*+-.^_`|~ only (an RFC 9110 token)%s",
                                   apr_pstrmemdup(pool, s, len), what,
                                   kind == CORS_TOKENS_METHODS ? ", e.g. PUT or DELETE"
                                                               : ", e.g. X-Request-Id");
                goto refused;
            }
            else if ((err = cors_token_refused(pool, kind, s, len)) != NULL) {
                goto refused;
            }
            else {
                cors_token_add(pool, l, s, len);
            }
            s += len;
        }
    }
    cors_token_join(pool, l);
    *out = l;
    return NULL;
refused:
    if (bad_arg) {
        *bad_arg = a;
    }
    return err;
}

int cors_token_list_has(const cors_token_list *list, const char *token, apr_size_t len)
{
    char lower[256];
    apr_size_t i;

    if (list->kind == CORS_TOKENS_METHODS) {
        return apr_hash_get(list->set, token, (apr_ssize_t)len) != NULL;
    }
    if (len >= sizeof(lower)) {
        return 0; /* longer than any configured name can usefully be */
    }
    for (i = 0; i < len; i++) {
        lower[i] = (char)cors_lower((unsigned char)token[i]);
    }
    return apr_hash_get(list->set, lower, (apr_ssize_t)len) != NULL;
}

const char *cors_max_age_parse(apr_pool_t *pool, const char *arg, const char **out)
{
    apr_size_t i, n = strlen(arg);
    long v = 0;

    if (n == 0 || n > 6) {
        goto bad;
    }
    for (i = 0; i < n; i++) {
        if (!cors_is_digit((unsigned char)arg[i])) {
            goto bad;
        }
        v = v * 10 + (arg[i] - '0');
    }
    if (v > CORS_MAX_AGE_MAX) {
        goto bad;
    }
    *out = apr_ltoa(pool, v);
    return NULL;
bad:
    return apr_psprintf(pool,
                        "CORSMaxAge '%s' is not a number of seconds from 0 to %d (browsers "
                        "cap it anyway: Chromium at %d, Firefox at %d)",
                        arg, CORS_MAX_AGE_MAX, CORS_MAX_AGE_CHROMIUM, CORS_MAX_AGE_MAX);
}

/* ---- Access-Control-Request-Headers --------------------------------------------- */

cors_acrh_status cors_acrh_parse(const char *value, cors_acrh_fn fn, void *baton, const char **bad,
                                 apr_size_t *bad_len)
{
    apr_size_t n = strnlen(value, CORS_ACRH_MAX_LEN + 1);
    const unsigned char *p = (const unsigned char *)value, *end, *s, *e;
    int elements = 0, empty = 0;

    if (n > CORS_ACRH_MAX_LEN) {
        return CORS_ACRH_TOO_LONG;
    }
    end = p + n;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        s = p;
        while (p < end && cors_is_tchar(*p)) {
            p++;
        }
        e = p;
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (p < end && *p != ',') {
            /* not a token: report the element up to the next comma, trimmed */
            while (p < end && *p != ',') {
                p++;
            }
            for (e = p; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--) {
            }
            if (bad) {
                *bad = (const char *)s;
                *bad_len = (apr_size_t)(e - s);
            }
            return CORS_ACRH_BAD_TOKEN;
        }
        if (e == s) {
            if (++empty > CORS_ACRH_MAX_EMPTY) {
                return CORS_ACRH_TOO_MANY_EMPTY;
            }
        }
        else {
            if (++elements > CORS_ACRH_MAX_ELEMENTS) {
                return CORS_ACRH_TOO_MANY;
            }
            if (fn(baton, (const char *)s, (apr_size_t)(e - s))) {
                return CORS_ACRH_OK;
            }
        }
        if (p == end) {
            return CORS_ACRH_OK;
        }
        p++; /* the comma */
    }
}

/* ---- Policy and decision ---------------------------------------------------------- */

void cors_policy_init(cors_policy *p)
{
    memset(p, 0, sizeof(*p));
}

const char *cors_outcome_str(cors_outcome o)
{
    switch (o) {
    case CORS_OUTCOME_NONE: return "none";
    case CORS_OUTCOME_ALLOWED: return "allowed";
    case CORS_OUTCOME_PREFLIGHT: return "preflight";
    case CORS_OUTCOME_DENIED_ORIGIN: return "denied-origin";
    case CORS_OUTCOME_DENIED_METHOD: return "denied-method";
    case CORS_OUTCOME_DENIED_HEADER: return "denied-header";
    case CORS_OUTCOME_INVALID_ORIGIN: return "invalid-origin";
    }
    return "none";
}

int cors_request_is_preflight(const cors_request *req)
{
    return req->origin != NULL && req->request_method != NULL && req->request_method[0] != '\0' &&
           req->method != NULL && strcmp(req->method, "OPTIONS") == 0;
}

static const char *const cors_vary_origin = "Origin";
static const char *const cors_vary_preflight =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
static const char *const cors_vary_preflight_any =
    "Access-Control-Request-Method, Access-Control-Request-Headers";

/* State of the Access-Control-Request-Headers walk: the allowed names are written,
 * lower-cased, straight into the response value; the first name refused is kept for the
 * log. A refusal does not stop the walk: the answer still grants the listed subset, so
 * that every browser's console names a header that is really missing. With no
 * Allow-Headers at all, Firefox names the first requested name (content-type when a
 * JSON body is sent), listed or not, and sends the user to fix the wrong thing. */
typedef struct {
    const cors_token_list *allowed;
    char *out;
    apr_size_t len;
    const char *denied;
    apr_size_t denied_len;
} cors_acrh_walk;

static int cors_acrh_check(void *baton, const char *name, apr_size_t len)
{
    cors_acrh_walk *w = baton;
    char *dst = w->out + w->len + (w->len ? 2 : 0);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        dst[i] = (char)cors_lower((unsigned char)name[i]);
    }
    /* Only listed names are granted: a browser names a header here only when its value
     * is not CORS-safelisted (Content-Type: application/json), so even a safelisted name
     * needs listing. '*' covers every name but Authorization, which Fetch never lets it
     * cover (rule 3). */
    if (w->allowed == NULL ||
        (!apr_hash_get(w->allowed->set, dst, (apr_ssize_t)len) &&
         (!w->allowed->any || (len == 13 && memcmp(dst, "authorization", 13) == 0)))) {
        if (w->denied == NULL) {
            w->denied = name;
            w->denied_len = len;
        }
        return 0;
    }
    if (w->len) {
        w->out[w->len] = ',';
        w->out[w->len + 1] = ' ';
        w->len += 2;
    }
    w->len += len;
    return 0;
}

/* A '*' list without credentials answers every actual request alike, with a valid
 * Origin or not (Fetch, "CORS protocol and HTTP caches"): a response without the grant,
 * kept by a cache for a navigation, would otherwise be served to a later fetch (rule 8).
 * The Origin is not reflected, so nothing unvalidated is sent. */
static void cors_grant_any(const cors_policy *p, int any_nocred, cors_decision *out)
{
    if (any_nocred && !out->is_preflight) {
        out->allow_origin = "*";
        out->expose_headers = p->expose_headers ? p->expose_headers->joined : NULL;
    }
}

void cors_policy_decide(const cors_policy *p, const cors_request *req, apr_pool_t *pool,
                        cors_decision *out)
{
    const cors_origin_list *list = p->origins, *regexes = p->origin_regexes;
    int any_nocred = list && list->any && !p->allow_credentials;
    cors_origin origin;
    cors_origin_status st;
    apr_size_t olen;

    memset(out, 0, sizeof(*out));
    out->is_preflight = cors_request_is_preflight(req);
    if (out->is_preflight) {
        out->vary = any_nocred ? cors_vary_preflight_any : cors_vary_preflight;
    }
    else {
        out->vary = any_nocred ? NULL : cors_vary_origin;
    }
    if (req->origin == NULL) {
        out->outcome = CORS_OUTCOME_NONE;
        cors_grant_any(p, any_nocred, out);
        return;
    }

    /* The common case first: a browser sends the canonical form, so an Origin that is
     * byte for byte an exact entry (stored canonical) is valid and allowed, and needs
     * no parsing. Anything else is parsed, validated and matched in full. */
    olen = strnlen(req->origin, CORS_ORIGIN_MAX + 1);
    if (list && olen <= CORS_ORIGIN_MAX &&
        apr_hash_get(list->exact, req->origin, (apr_ssize_t)olen)) {
        /* allowed */
    }
    else if ((st = cors_origin_parse(req->origin, &origin)) != CORS_ORIGIN_OK) {
        out->outcome = CORS_OUTCOME_INVALID_ORIGIN;
        out->status_forbidden = out->is_preflight;
        out->reason = apr_pstrcat(pool, "Origin ", cors_origin_status_str(st), NULL);
        cors_grant_any(p, any_nocred, out);
        return;
    }
    else if (!(list && cors_origin_list_allows(list, &origin)) &&
             !(regexes && cors_origin_list_allows(regexes, &origin))) {
        out->outcome = CORS_OUTCOME_DENIED_ORIGIN;
        out->status_forbidden = out->is_preflight;
        /* validated above: only origin characters, safe to log */
        out->reason = apr_pstrcat(pool, "origin ", req->origin, " not allowed", NULL);
        return;
    }

    out->allow_origin = any_nocred ? "*" : req->origin;
    out->allow_credentials = p->allow_credentials ? "true" : NULL;
    if (!out->is_preflight) {
        out->outcome = CORS_OUTCOME_ALLOWED;
        out->expose_headers = p->expose_headers ? p->expose_headers->joined : NULL;
        return;
    }

    out->outcome = CORS_OUTCOME_PREFLIGHT;
    out->max_age = p->max_age;
    if (p->allow_private_network && req->request_private_network &&
        strcmp(req->request_private_network, "true") == 0) {
        out->allow_private_network = "true";
    }

    /* Method (rule 3, 4): tokens are case-sensitive. */
    {
        const char *m = req->request_method;
        apr_size_t mlen = strlen(m);
        const cors_token_list *ml = p->allow_methods;
        if (!cors_is_token(m, mlen)) {
            out->outcome = CORS_OUTCOME_DENIED_METHOD;
            out->reason = "invalid Access-Control-Request-Method";
        }
        else if (ml == NULL) {
            if (cors_is_safelisted_method(m)) {
                out->allow_methods = "GET, HEAD, POST";
            }
        }
        else if (ml->any) {
            out->allow_methods = p->allow_credentials ? req->request_method : "*";
        }
        else if (apr_hash_get(ml->set, m, (apr_ssize_t)mlen)) {
            out->allow_methods = ml->joined;
        }
        if (out->allow_methods == NULL && out->outcome == CORS_OUTCOME_PREFLIGHT) {
            out->outcome = CORS_OUTCOME_DENIED_METHOD;
            out->reason = apr_pstrcat(pool, "method ", m, " not allowed", NULL);
        }
    }

    /* Headers (rules 3, 4, 10): echo the requested names that are allowed. */
    if (req->request_headers && req->request_headers[0]) {
        cors_acrh_walk w;
        cors_acrh_status hs;
        const char *bad = NULL;
        apr_size_t bad_len = 0, n = strnlen(req->request_headers, CORS_ACRH_MAX_LEN + 1);

        w.allowed = p->allow_headers;
        w.denied = NULL;
        w.denied_len = 0;
        w.len = 0;
        /* every name is followed by at most ", " and preceded by at least one byte */
        w.out = (n <= CORS_ACRH_MAX_LEN) ? apr_palloc(pool, 2 * n + 1) : NULL;
        hs = w.out ? cors_acrh_parse(req->request_headers, cors_acrh_check, &w, &bad, &bad_len)
                   : CORS_ACRH_TOO_LONG;
        if (hs == CORS_ACRH_OK && w.len) {
            w.out[w.len] = '\0';
            out->allow_headers = w.out;
        }
        if ((hs != CORS_ACRH_OK || w.denied) && out->outcome == CORS_OUTCOME_PREFLIGHT) {
            out->outcome = CORS_OUTCOME_DENIED_HEADER;
            switch (hs) {
            case CORS_ACRH_OK:
                out->reason =
                    apr_pstrcat(pool, "header ", apr_pstrmemdup(pool, w.denied, w.denied_len),
                                " not allowed", NULL);
                break;
            case CORS_ACRH_TOO_LONG:
                out->reason = "Access-Control-Request-Headers too long";
                break;
            case CORS_ACRH_TOO_MANY:
                out->reason = "Access-Control-Request-Headers has too many names";
                break;
            case CORS_ACRH_TOO_MANY_EMPTY:
                out->reason = "Access-Control-Request-Headers has too many empty elements";
                break;
            case CORS_ACRH_BAD_TOKEN:
                out->reason = "Access-Control-Request-Headers has an invalid name";
                break;
            }
        }
    }
}
