/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The configuration reader: httpd's syntax, as server/config.c and server/util.c read
 * it. Physical lines ending in a backslash are joined before comments are recognized
 * (so a comment line ending in '\' swallows the next line); comments are whole lines;
 * arguments are split as ap_getword_conf does; ${VAR} is replaced by Define'd values
 * (unknown names stay literal, as httpd leaves them); Include and IncludeOptional are
 * followed from ServerRoot with wildcards and directories in alphabetical order.
 *
 * Everything that cannot be read becomes a CL000 finding and reading goes on; the
 * reader never exits. Nesting and include depth are bounded, and nothing recurses on
 * the input's nesting, so deep or hostile input cannot exhaust the stack.
 */
#include "lint.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <apr_strings.h>

#define LINT_MAX_LINE          (16 * 1024 * 1024) /* httpd's VARBUF_MAX_LEN for config lines */
#define LINT_MAX_FILE          (256 * 1024 * 1024)
#define LINT_MAX_DEPTH         128 /* section nesting */
#define LINT_MAX_INCLUDE_DEPTH 64
#define LINT_MAX_SCAN          100000 /* files visited in a directory scan */

typedef struct {
    lint_ctx *ctx;
    apr_array_header_t *stack;        /* const char *: real paths of files being read */
    apr_array_header_t *doc_dirs;     /* const char *: DocumentRoot and Alias paths */
    apr_array_header_t *section_dirs; /* const char *: <Directory> paths */
    apr_hash_t *modules;              /* LoadModule'd module names and files */
    apr_hash_t *maybe_defined;        /* names Define'd or UnDefine'd under an uncertain
                                       * condition: httpd may or may not have them */
    apr_size_t cors_count;            /* CORS* directives read so far */
} lint_reader;

/* The node tree is most of the memory and lives as long as the run: it is carved from
 * slabs instead of APR's 8 KiB blocks, which Debian's APR maps and unmaps one by one.
 * The first slab is small, enough for the usual configuration; a large tree goes on in
 * 2 MiB slabs aligned for transparent huge pages, where one page fault maps a whole slab
 * instead of 512 (the faults cost a third of the time on a 100,000-line tree). */
#define LINT_SLAB_FIRST (256 * 1024)
#define LINT_SLAB       (2 * 1024 * 1024)

#ifdef MADV_HUGEPAGE

/* dir "/" name, without the doubled slash of a dir given as "sites-available/" (the
 * path printed in findings is the one the user would type). */
static const char *path_join(apr_pool_t *p, const char *dir, const char *name)
{
    apr_size_t len = strlen(dir);

    while (len > 1 && dir[len - 1] == '/') {
        len--;
    }
    return apr_pstrcat(p, apr_pstrndup(p, dir, len), len == 1 && dir[0] == '/' ? "" : "/", name,
                       NULL);
}

static apr_status_t slab_unmap(void *slab)
{
    munmap(slab, LINT_SLAB);
    return APR_SUCCESS;
}
#endif

static char *slab_new(lint_ctx *ctx)
{
#ifdef MADV_HUGEPAGE
    char *m =
        mmap(NULL, 2 * LINT_SLAB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
        /* keep the aligned 2 MiB inside the 4 MiB mapped */
        char *a = (char *)(((uintptr_t)m + LINT_SLAB - 1) & ~(uintptr_t)(LINT_SLAB - 1));
        if (a > m) {
            munmap(m, (size_t)(a - m));
        }
        munmap(a + LINT_SLAB, (size_t)(m + LINT_SLAB - a));
        madvise(a, LINT_SLAB, MADV_HUGEPAGE);
        apr_pool_cleanup_register(ctx->pool, a, slab_unmap, apr_pool_cleanup_null);
        return a;
    }
#endif
    return apr_palloc(ctx->pool, LINT_SLAB);
}

static void *arena_alloc_slow(lint_ctx *ctx, apr_size_t size)
{
    char *p;

    if (size > LINT_SLAB / 4) {
        return apr_palloc(ctx->pool, size);
    }
    if (ctx->arena == NULL && size <= LINT_SLAB_FIRST) {
        ctx->arena = apr_palloc(ctx->pool, LINT_SLAB_FIRST);
        ctx->arena_end = ctx->arena + LINT_SLAB_FIRST;
    }
    else {
        ctx->arena = slab_new(ctx);
        ctx->arena_end = ctx->arena + LINT_SLAB;
    }
    p = ctx->arena;
    ctx->arena += size;
    return p;
}

/* two or three calls a line: the common case is a pointer bump, inline */
static inline void *arena_alloc(lint_ctx *ctx, apr_size_t size)
{
    char *p = ctx->arena;

    size = (size + 7) & ~(apr_size_t)7;
    if (p == NULL || (apr_size_t)(ctx->arena_end - p) < size) {
        return arena_alloc_slow(ctx, size);
    }
    ctx->arena = p + size;
    return p;
}

lint_kind lint_kind_of(const char *name, int is_section)
{
    apr_size_t len = strlen(name);

    /* the first letter, then the length, rule out all names but one or two */
#define KIND(s, kind)                                                                             \
    do {                                                                                          \
        if (len == sizeof(s) - 1 && strcasecmp(name, s) == 0) {                                   \
            return kind;                                                                          \
        }                                                                                         \
    } while (0)
    if (is_section) {
        switch (name[0] | 32) {
        case 'd':
            KIND("Directory", LK_DIRECTORY);
            KIND("DirectoryMatch", LK_SCOPE);
            break;
        case 'e':
            KIND("ElseIf", LK_SCOPE);
            KIND("Else", LK_SCOPE);
            break;
        case 'f':
            KIND("Files", LK_SCOPE);
            KIND("FilesMatch", LK_SCOPE);
            break;
        case 'i':
            KIND("IfDefine", LK_IFDEFINE);
            KIND("IfModule", LK_IFMODULE);
            KIND("IfVersion", LK_CONTAINER);
            KIND("IfFile", LK_CONTAINER);
            KIND("IfDirective", LK_CONTAINER);
            KIND("IfSection", LK_CONTAINER);
            KIND("If", LK_SCOPE);
            break;
        case 'l':
            KIND("Limit", LK_LIMIT);
            KIND("LimitExcept", LK_LIMITEXCEPT);
            KIND("Location", LK_SCOPE);
            KIND("LocationMatch", LK_SCOPE);
            break;
        case 'p':
            KIND("Proxy", LK_SCOPE);
            KIND("ProxyMatch", LK_SCOPE);
            break;
        case 'r':
            KIND("RequireAll", LK_CONTAINER);
            KIND("RequireAny", LK_CONTAINER);
            KIND("RequireNone", LK_CONTAINER);
            break;
        case 'v': KIND("VirtualHost", LK_VIRTUALHOST); break;
        }
        return LK_CONTAINER;
    }
    if ((name[0] | 32) == 'c' && strncasecmp(name, "CORS", 4) == 0) {
        return LK_CORS;
    }
    switch (name[0] | 32) {
    case 'a':
        KIND("AllowMethods", LK_ALLOWMETHODS);
        KIND("AllowOverride", LK_ALLOWOVERRIDE);
        KIND("Alias", LK_ALIAS);
        break;
    case 'b':
        KIND("BrowserMatch", LK_BROWSERMATCH);
        KIND("BrowserMatchNoCase", LK_BROWSERMATCH);
        break;
    case 'd':
        KIND("Dav", LK_DAV);
        KIND("Define", LK_DEFINE);
        KIND("DocumentRoot", LK_DOCUMENTROOT);
        break;
    case 'h': KIND("Header", LK_HEADER); break;
    case 'i':
        KIND("Include", LK_INCLUDE);
        KIND("IncludeOptional", LK_INCLUDEOPTIONAL);
        break;
    case 'l': KIND("LoadModule", LK_LOADMODULE); break;
    case 'p': KIND("PassEnv", LK_PASSENV); break;
    case 'r':
        KIND("RewriteCond", LK_REWRITECOND);
        KIND("RewriteRule", LK_REWRITERULE);
        KIND("Redirect", LK_REDIRECT);
        KIND("RedirectMatch", LK_REDIRECT);
        KIND("RedirectPermanent", LK_REDIRECT);
        KIND("RedirectTemp", LK_REDIRECT);
        KIND("Require", LK_REQUIRE);
        break;
    case 's':
        KIND("SetEnvIf", LK_SETENVIF);
        KIND("SetEnvIfNoCase", LK_SETENVIFNOCASE);
        KIND("SetEnvIfExpr", LK_SETENVIFEXPR);
        KIND("SetEnv", LK_SETENV);
        KIND("Script", LK_SCRIPT);
        KIND("ScriptAlias", LK_ALIAS);
        break;
    case 'u': KIND("UnDefine", LK_UNDEFINE); break;
    }
#undef KIND
    return LK_OTHER;
}

static lint_node *node_make(lint_ctx *ctx, const char *name, int is_section, const char *file,
                            int line, int col)
{
    lint_node *n = arena_alloc(ctx, sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->kind = lint_kind_of(name, is_section);
    n->name = name;
    n->is_section = is_section;
    n->loc.file = file;
    n->loc.line = line;
    n->loc.col = col;
    return n;
}

static void node_append(lint_node *parent, lint_node *child)
{
    child->parent = parent;
    if (parent->last_child) {
        parent->last_child->next = child;
    }
    else {
        parent->first_child = child;
    }
    parent->last_child = child;
}

int lint_streq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* ${VAR} from Define (and --define), else from the environment, as httpd's
 * ap_resolve_env; unknown names stay as written. */
static const char *expand_vars(lint_ctx *ctx, const char *s)
{
    const char *p;
    char *out;
    apr_size_t cap, len = 0;

    cap = strlen(s) + 64;
    out = malloc(cap);
    if (out == NULL) {
        return apr_pstrdup(ctx->pool, s);
    }
    while (*s) {
        const char *e;
        const char *val = NULL;
        apr_size_t add;
        p = strstr(s, "${");
        if (p == NULL || (e = strchr(p + 2, '}')) == NULL) {
            p = s + strlen(s);
            e = NULL;
        }
        else {
            val = apr_hash_get(ctx->defines, p + 2, (apr_ssize_t)(e - p - 2));
            if (val == NULL) {
                val = getenv(apr_pstrmemdup(ctx->pool, p + 2, (apr_size_t)(e - p - 2)));
            }
        }
        add = (apr_size_t)(p - s) + (e ? (val ? strlen(val) : (apr_size_t)(e + 1 - p)) : 0);
        if (len + add + 1 > cap) {
            char *bigger;
            cap = (len + add + 1) * 2;
            bigger = realloc(out, cap);
            if (bigger == NULL) {
                free(out);
                return "";
            }
            out = bigger;
        }
        memcpy(out + len, s, (apr_size_t)(p - s));
        len += (apr_size_t)(p - s);
        if (e == NULL) {
            break;
        }
        if (val) {
            memcpy(out + len, val, strlen(val));
            len += strlen(val);
        }
        else {
            memcpy(out + len, p, (apr_size_t)(e + 1 - p));
            len += (apr_size_t)(e + 1 - p);
        }
        s = e + 1;
    }
    out[len] = '\0';
    {
        const char *r = apr_pstrmemdup(ctx->pool, out, len);
        free(out);
        return r;
    }
}

/* The length of the text between the quote at s and its closing quote (or the end),
 * as ap_getword_conf reads a quoted word. */
static apr_size_t quoted_len(const char *s)
{
    const char *e = s + 1;

    while (*e && *e != *s) {
        e += e[0] == '\\' && e[1] == *s ? 2 : 1;
    }
    return (apr_size_t)(e - s - 1);
}

static int has_var(const char *s, apr_size_t len)
{
    const char *p = memchr(s, '$', len);

    while (p && p[1] != '{') {
        p = memchr(p + 1, '$', len - (apr_size_t)(p + 1 - s));
    }
    return p != NULL;
}

/* ap_getword_conf's separators (apr_isspace) are 1; the end of a bare word is one of them
 * or the NUL */
static const unsigned char conf_stop[256] = {
    [0] = 2, [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1,
};

/* Split arguments as ap_getword_conf: quotes only at the start of a token, backslash
 * escapes only for the quote character and backslash inside quotes. The unquoted words
 * go to w, which has room for strlen(s) + 1 bytes: a word is never longer than its text
 * and its NUL takes the place of a separator, a quote or the final NUL. */
static void split_args(lint_ctx *ctx, const char *s, apr_size_t len, char *w, int col0,
                       lint_node *n)
{
    const char *start = s, *end = s + len;
    /* without a backslash, words are copied as they are */
    int plain = memchr(s, '\\', len) == NULL;
    const char *local_argv[32];
    int local_argcol[32];
    const char **argv = local_argv;
    int *argcol = local_argcol;
    int count = 0, cap = 32;

    for (;;) {
        while (conf_stop[(unsigned char)*s] == 1) {
            s++;
        }
        if (*s == '\0') {
            break;
        }
        if (count == cap) {
            const char **more = arena_alloc(ctx, sizeof(*more) * (apr_size_t)cap * 2);
            int *morecol = arena_alloc(ctx, sizeof(*morecol) * (apr_size_t)cap * 2);
            memcpy(more, argv, sizeof(*more) * (apr_size_t)cap);
            memcpy(morecol, argcol, sizeof(*morecol) * (apr_size_t)cap);
            argv = more;
            argcol = morecol;
            cap *= 2;
        }
        argcol[count] = col0 + (int)(s - start);
        argv[count++] = w;
        if ((*s == '"' || *s == '\'') && plain) {
            const char *b = ++s, *e = memchr(s, s[-1], (apr_size_t)(end - s));
            s = e ? e : end;
            memcpy(w, b, (apr_size_t)(s - b));
            w += s - b;
            if (e) {
                s++;
            }
        }
        else if (plain) {
            const char *b = s;
            while (!conf_stop[(unsigned char)*s]) {
                s++;
            }
            memcpy(w, b, (apr_size_t)(s - b));
            w += s - b;
        }
        else if (*s == '"' || *s == '\'') {
            char quote = *s++;
            while (*s && *s != quote) {
                if (*s == '\\' && (s[1] == quote || s[1] == '\\')) {
                    s++;
                }
                *w++ = *s++;
            }
            if (*s) {
                s++;
            }
        }
        else {
            /* ap_getword_conf unescapes a doubled backslash in bare words too */
            while (!conf_stop[(unsigned char)*s]) {
                if (*s == '\\' && s[1] == '\\') {
                    s++;
                }
                *w++ = *s++;
            }
        }
        *w++ = '\0';
    }
    /* argv and argcol in one block; never NULL */
    n->argc = count;
    if (count == 0) {
        static const char *no_argv[1];
        static int no_argcol[1];
        n->argv = no_argv;
        n->argcol = no_argcol;
        return;
    }
    n->argv = arena_alloc(ctx, (sizeof(*argv) + sizeof(*argcol)) * (apr_size_t)count);
    n->argcol = (int *)(n->argv + count);
    memcpy(n->argv, argv, sizeof(*argv) * (apr_size_t)count);
    memcpy(n->argcol, argcol, sizeof(*argcol) * (apr_size_t)count);
}

/* The node of one line: its name, its argument text and the split arguments, carved from the arena
 * as one block. args is NUL-terminated, alen long. */
static lint_node *node_read(lint_ctx *ctx, const char *name, apr_size_t nlen, const char *args,
                            apr_size_t alen, int is_section, const char *file, int line, int col,
                            int col0)
{
    const char *expanded = NULL;
    lint_node *n;
    char *text, *words;

    n = arena_alloc(ctx, sizeof(*n) + nlen + 1 + (expanded ? 0 : alen + 1) + alen + 1);
    text = (char *)(n + 1);
    memcpy(text, name, nlen);
    text[nlen] = '\0';
    words = text + nlen + 1;
    if (expanded == NULL) {
        memcpy(words, args, alen);
        words[alen] = '\0';
        expanded = words;
        words += alen + 1;
    }
    memset(n, 0, sizeof(*n));
    n->kind = lint_kind_of(text, is_section);
    n->name = text;
    n->is_section = is_section;
    n->seq = ++ctx->lines_read;
    n->loc.file = file;
    n->loc.line = line;
    n->loc.col = col;
    n->args_raw = expanded;
    split_args(ctx, expanded, alen, words, col0, n);
    return n;
}

/* "# cors-lint: disable=CL006,CL013 reason" and "disable-file=...". A list that names no
 * rule is reported (CL000): a silent typo would un-suppress without a word. */
static void parse_comment(lint_ctx *ctx, const char *c, lint_loc at, lint_mask *pending)
{
    const char *p = strstr(c, "cors-lint:");
    int file_wide;
    lint_mask m = 0;
    char ids[256];
    apr_size_t n;

    if (p == NULL) {
        return;
    }
    p += 10;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (strncmp(p, "disable-file=", 13) == 0) {
        file_wide = 1;
        p += 13;
    }
    else if (strncmp(p, "disable=", 8) == 0) {
        file_wide = 0;
        p += 8;
    }
    else {
        return;
    }
    n = strcspn(p, " \t");
    if (n < sizeof(ids)) {
        memcpy(ids, p, n);
        ids[n] = '\0';
    }
    if (n > 0 && n < sizeof(ids) && lint_parse_rule_list(ids, &m) == 0 && ids[n - 1] == ',' &&
        lint_rule_parse(apr_pstrndup(ctx->pool, p + n + strspn(p + n, " \t"),
                                     strcspn(p + n + strspn(p + n, " \t"), ", \t"))) >= 0) {
        /* "disable=CL008, CL002": the space ends the list, and CL002 would be the reason */
        at.col += (int)(p - c);
        lint_add_at(ctx, CL000, at,
                    "a space ends this list of rule IDs: the IDs after it are read as the "
                    "reason and not silenced; write them without spaces (CL008,CL002)");
        return;
    }
    if (n >= sizeof(ids) || lint_parse_rule_list(ids, &m) != 0) {
        at.col += (int)(p - c);
        lint_add_at(ctx, CL000, at,
                    "'%.*s' is not a list of rule IDs (%s to %s, comma-separated): this "
                    "suppression silences nothing",
                    (int)(n > 64 ? 64 : n), p, lint_rules[0].id, lint_rules[LINT_NRULES - 1].id);
        return;
    }
    if (file_wide) {
        lint_mask *fm = apr_hash_get(ctx->file_disabled, at.file, APR_HASH_KEY_STRING);
        if (fm == NULL) {
            fm = apr_pcalloc(ctx->pool, sizeof(*fm));
            apr_hash_set(ctx->file_disabled, at.file, APR_HASH_KEY_STRING, fm);
        }
        *fm |= m;
    }
    else {
        *pending |= m;
    }
}

static void read_path(lint_reader *rd, const char *path, lint_node *parent, const lint_node *from,
                      int optional, int depth);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entries of a directory as full paths, sorted (httpd reads them alphabetically),
 * without "." and ".."; at most *budget entries in all (NULL budget: no limit). NULL
 * when the directory cannot be opened. */
static apr_array_header_t *list_dir(lint_reader *rd, const char *dir, int *budget)
{
    apr_array_header_t *names;
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return NULL;
    }
    names = apr_array_make(rd->ctx->pool, 16, sizeof(const char *));
    while ((e = readdir(d)) != NULL && (budget == NULL || --*budget > 0)) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            APR_ARRAY_PUSH(names, const char *) = path_join(rd->ctx->pool, dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp_str);
    return names;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* An Include of a directory: its files, dot-files too (httpd skips only "." and ".."),
 * recursing into subdirectories. */
static void read_dir(lint_reader *rd, const char *dir, lint_node *parent, const lint_node *from,
                     int depth)
{
    apr_array_header_t *names = list_dir(rd, dir, NULL);
    int i;

    if (names == NULL) {
        lint_add(rd->ctx, CL000, from, 0, NULL, "cannot read directory %s: %s", dir,
                 strerror(errno));
        return;
    }
    for (i = 0; i < names->nelts; i++) {
        read_path(rd, APR_ARRAY_IDX(names, i, const char *), parent, from, 1, depth + 1);
    }
}

/* <IfVersion [[!]op] major[.minor[.patch]]>, judged for httpd 2.4 (the only version
 * mod_cors builds for): 0 when false for every 2.4.x, 1 when true for some (the patch
 * level of the deployed server is unknown), as are regex forms. */
static int ifversion_may_hold(const lint_node *n)
{
    const char *op = "=", *v;
    long want[3] = {0, 0, 0}, lo[3] = {2, 4, 0}, hi[3] = {2, 4, 1000000};
    int neg = 0, k, cmp_lo = 0, cmp_hi = 0, ok_lo, ok_hi;
    char *end;

    if (n->argc == 1) {
        v = n->argv[0];
    }
    else if (n->argc == 2) {
        op = n->argv[0];
        v = n->argv[1];
    }
    else {
        return 1;
    }
    if (*op == '!') {
        neg = 1;
        op++;
    }
    if (*op == '~' || *v == '/' || (*op == '=' && op[1] == '~')) {
        return 1;
    }
    for (k = 0; k < 3; k++) {
        want[k] = strtol(v, &end, 10);
        if (end == v) {
            return 1;
        }
        v = end;
        if (*v != '.') {
            break;
        }
        v++;
    }
    if (*v != '\0') {
        return 1;
    }
    for (k = 0; k < 3 && !cmp_lo; k++) {
        cmp_lo = lo[k] < want[k] ? -1 : lo[k] > want[k];
    }
    for (k = 0; k < 3 && !cmp_hi; k++) {
        cmp_hi = hi[k] < want[k] ? -1 : hi[k] > want[k];
    }
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) {
        /* another major.minor never equals; within 2.4 it depends on the patch level */
        return want[0] == 2 && want[1] == 4 ? 1 : neg;
    }
    if (strcmp(op, ">") == 0) {
        ok_lo = cmp_lo > 0;
        ok_hi = cmp_hi > 0;
    }
    else if (strcmp(op, ">=") == 0) {
        ok_lo = cmp_lo >= 0;
        ok_hi = cmp_hi >= 0;
    }
    else if (strcmp(op, "<") == 0) {
        ok_lo = cmp_lo < 0;
        ok_hi = cmp_hi < 0;
    }
    else if (strcmp(op, "<=") == 0) {
        ok_lo = cmp_lo <= 0;
        ok_hi = cmp_hi <= 0;
    }
    else {
        return 1;
    }
    if (neg) {
        ok_lo = !ok_lo;
        ok_hi = !ok_hi;
    }
    /* the comparisons are monotonic over the range: false at both ends is false for
     * every 2.4.x */
    return ok_lo || ok_hi;
}

/* Whether httpd reads what a section holds: COND_NO, COND_YES, or COND_MAYBE when
 * what decides it is not in the tree (httpd's -D, a module loaded elsewhere, its
 * version, a file): cors-lint then reads it, and lints more rather than less. */
enum { COND_NO, COND_YES, COND_MAYBE };

static int cond_state(lint_reader *rd, const lint_node *n)
{
    const char *a = n->argc > 0 ? n->argv[0] : "";
    int neg = 0, known;

    if (*a == '!') {
        neg = 1;
        a++;
    }
    if (n->kind == LK_IFDEFINE) {
        /* known only when surely defined: an undefined name may come from -D */
        known = apr_hash_get(rd->ctx->defines, a, APR_HASH_KEY_STRING) != NULL &&
                apr_hash_get(rd->maybe_defined, a, APR_HASH_KEY_STRING) == NULL;
        return known ? (neg ? COND_NO : COND_YES) : COND_MAYBE;
    }
    if (n->kind == LK_IFMODULE) {
        known = apr_hash_get(rd->modules, a, APR_HASH_KEY_STRING) != NULL;
        return known ? (neg ? COND_NO : COND_YES) : COND_MAYBE;
    }
    if (lint_streq(n->name, "IfVersion")) {
        return ifversion_may_hold(n) ? COND_MAYBE : COND_NO;
    }
    if (lint_streq(n->name, "IfFile") || lint_streq(n->name, "IfDirective") ||
        lint_streq(n->name, "IfSection")) {
        return COND_MAYBE;
    }
    return COND_YES;
}

/* Remember a module as loaded under both of its names (headers_module, mod_headers.c). */
static void note_module(lint_reader *rd, const lint_node *n)
{
    const char *file, *base;
    apr_pool_t *p = rd->ctx->pool;

    if (n->argc < 2) {
        return;
    }
    apr_hash_set(rd->modules, n->argv[0], APR_HASH_KEY_STRING, "1");
    file = n->argv[1];
    base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (strlen(base) > 3 && strcmp(base + strlen(base) - 3, ".so") == 0) {
        apr_hash_set(rd->modules,
                     apr_pstrcat(p, apr_pstrndup(p, base, strlen(base) - 3), ".c", NULL),
                     APR_HASH_KEY_STRING, "1");
    }
}

static void handle_directive(lint_reader *rd, lint_node *n, int depth)
{
    lint_ctx *ctx = rd->ctx;

    if ((n->kind == LK_DEFINE || n->kind == LK_UNDEFINE) && n->argc >= 1) {
        /* under an uncertain condition the name may be either: the value is kept for
         * ${VAR}, and <IfDefine> on it reads both branches */
        apr_hash_set(rd->maybe_defined, n->argv[0], APR_HASH_KEY_STRING,
                     n->uncertain ? "1" : NULL);
        if (n->kind == LK_DEFINE) {
            apr_hash_set(ctx->defines, n->argv[0], APR_HASH_KEY_STRING,
                         n->argc >= 2 ? n->argv[1] : "");
        }
        else if (!n->uncertain) {
            apr_hash_set(ctx->defines, n->argv[0], APR_HASH_KEY_STRING, NULL);
        }
    }
    else if (n->kind == LK_LOADMODULE) {
        note_module(rd, n);
    }
    else if (n->kind == LK_HEADER) {
        int col;
        const char *why = lint_header_refusal(ctx->pool, n, &col);
        if (why) {
            const lint_node *r = n;
            while (r->parent && !r->htaccess_dir) {
                r = r->parent;
            }
            n->refused = 1; /* what it meant to do is not judged */
            lint_add(ctx, CL000, n, col, NULL, "%s%s", why,
                     r->htaccess_dir ? " (in a .htaccess: a 500 Internal Server Error for every "
                                       "request there)"
                                     : "");
        }
    }
    else if (n->kind == LK_DOCUMENTROOT && n->argc >= 1 && n->argv[0][0] == '/') {
        APR_ARRAY_PUSH(rd->doc_dirs, const char *) = n->argv[0];
    }
    else if (n->kind == LK_ALIAS && n->argc >= 2 && n->argv[1][0] == '/') {
        APR_ARRAY_PUSH(rd->doc_dirs, const char *) = n->argv[1];
    }
    else if (n->kind == LK_INCLUDE || n->kind == LK_INCLUDEOPTIONAL) {
        int optional = n->kind == LK_INCLUDEOPTIONAL;
        const char *target;
        glob_t g;
        int rc;
        apr_size_t i;

        if (n->argc < 1) {
            lint_add(ctx, CL000, n, 0, NULL, "%s needs a path", n->name);
            return;
        }
        target = n->argv[0];
        if (target[0] != '/') {
            target = path_join(ctx->pool, ctx->server_root ? ctx->server_root : ".", target);
        }
        if (strpbrk(target, "*?[") == NULL) {
            read_path(rd, target, n->parent, n, optional, depth);
            return;
        }
        rc = glob(target, 0, NULL, &g);
        if (rc == GLOB_NOMATCH) {
            if (!optional) {
                lint_add(ctx, CL000, n, n->argcol[0], NULL,
                         "Include: no file matches %s (httpd refuses to start; use "
                         "IncludeOptional for a pattern that may match nothing)",
                         target);
            }
            return;
        }
        if (rc != 0) {
            lint_add(ctx, CL000, n, n->argcol[0], NULL, "Include: cannot expand %s", target);
            return;
        }
        for (i = 0; i < g.gl_pathc; i++) {
            read_path(rd, apr_pstrdup(ctx->pool, g.gl_pathv[i]), n->parent, n, 1, depth);
        }
        globfree(&g);
    }
}

/* A Header line refused for its unquoted list, which ends in ',', and on the next line the
 * rest of the list without the '\\' that would have joined them: httpd reads that rest as
 * a directive and refuses it ("Invalid command"). */
static void wrapped_tail(lint_ctx *ctx, const lint_node *prev, lint_node *n)
{
    apr_size_t len;

    if (prev == NULL || prev->is_section || prev->kind != LK_HEADER || !prev->refused ||
        n->kind != LK_OTHER || prev->loc.file != n->loc.file ||
        prev->loc.line + 1 != n->loc.line) {
        return;
    }
    len = strlen(prev->args_raw);
    while (len > 0 && strchr(" \t\r\v\f", prev->args_raw[len - 1])) {
        len--;
    }
    if (len > 0 && prev->args_raw[len - 1] == ',') {
        n->refused = 1;
        lint_add(ctx, CL000, n, 0, NULL,
                 "'%s' is no directive but the rest of the list on line %d, wrapped without "
                 "a trailing '\\': httpd refuses it (\"Invalid command '%s'\")",
                 n->name, prev->loc.line, n->name);
    }
}

/* A line continued over several: its columns are in the joined text, not on the
 * (last) line it is numbered by, so findings on it point at the line alone. */
static void node_joined(lint_node *n, int joined)
{
    int i;

    if (joined) {
        n->loc.col = 1;
        for (i = 0; i < n->argc; i++) {
            n->argcol[i] = 1;
        }
    }
}

/* Read one file's text into nodes under parent. */
static void read_text(lint_reader *rd, const char *file, char *text, apr_size_t size,
                      lint_node *parent, int depth)
{
    lint_ctx *ctx = rd->ctx;
    lint_node **stack = malloc(sizeof(lint_node *) * (LINT_MAX_DEPTH + 1));
    /* rd->cors_count when each open section was opened: unchanged at its end, the
     * section holds no CORS* directive */
    apr_size_t *cors_at = malloc(sizeof(apr_size_t) * (LINT_MAX_DEPTH + 1));
    int top = 0, skipped_depth = 0, joined;
    lint_mask pending = 0;
    char *cur = text, *end = text + size;
    int lineno = 0;

    if (stack == NULL || cors_at == NULL) {
        free(stack);
        free(cors_at);
        return;
    }
    stack[0] = parent;
    while (cur < end) {
        char *line = cur, *nl, *w, *s;
        int first, start = lineno + 1;
        apr_size_t len;

        /* join physical lines ending in a backslash, in place: only a backslash just
         * before the newline (or CR LF) continues a line, as in httpd's
         * ap_cfg_getline_core; the directive is on the last line, as httpd numbers it */
        w = cur;
        for (;;) {
            char *e;
            nl = memchr(cur, '\n', (apr_size_t)(end - cur));
            e = nl ? nl : end;
            lineno++;
            if (e > cur && e[-1] == '\r') {
                e--;
            }
            if (e > cur && e[-1] == '\\' && nl) {
                memmove(w, cur, (apr_size_t)(e - 1 - cur));
                w += e - 1 - cur;
                cur = nl + 1;
                continue;
            }
            while (e > cur && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
                e--;
            }
            if (w != cur) {
                memmove(w, cur, (apr_size_t)(e - cur));
            }
            w += e - cur;
            cur = nl ? nl + 1 : end;
            break;
        }
        first = lineno;
        *w = '\0';
        joined = first > start;
        len = (apr_size_t)(w - line);
        if (len > LINT_MAX_LINE) {
            lint_loc loc = {file, first, 1};
            lint_add_at(ctx, CL000, loc, "line longer than httpd's limit of 16 MiB");
            continue;
        }
        if (memchr(line, '\0', len) != NULL) {
            lint_loc loc = {file, first, 1};
            lint_add_at(ctx, CL000, loc, "NUL byte in the configuration (a binary file?)");
            continue;
        }
        for (s = line; conf_stop[(unsigned char)*s] == 1; s++) {
        }
        if (*s == '\0') {
            continue;
        }
        if (*s == '#') {
            lint_loc at = {file, first, (int)(s - line) + 1};
            parse_comment(ctx, s, at, &pending);
            continue;
        }
        {
            int col = (int)(s - line) + 1, cond;
            lint_node *n;
            if (has_var(s, len - (apr_size_t)(s - line))) {
                /* httpd resolves ${VAR} on the whole line, the directive's name included,
                 * before it splits it (ap_build_config_sub); columns are then in the
                 * expanded text */
                line = s = (char *)expand_vars(ctx, s);
                len = strlen(s);
                while (conf_stop[(unsigned char)*s] == 1) {
                    s++;
                }
                if (*s == '\0') {
                    continue;
                }
            }
            if (s[0] == '<' && s[1] == '/') {
                char *name = s + 2, *gt = strchr(name, '>');
                const char *nm;
                if (gt == NULL) {
                    lint_loc loc = {file, first, col};
                    lint_add_at(ctx, CL000, loc, "section end without '>'");
                    continue;
                }
                *gt = '\0';
                nm = name;
                if (skipped_depth > 0) {
                    skipped_depth--;
                    continue;
                }
                if (top == 0) {
                    lint_loc loc = {file, first, col};
                    lint_add_at(ctx, CL000, loc, "</%s> without matching <%s> section", nm, nm);
                    continue;
                }
                if (!lint_streq(stack[top]->name, nm)) {
                    lint_loc loc = {file, first, col};
                    lint_add_at(ctx, CL000, loc, "</%s> closes <%s> opened at line %d", nm,
                                stack[top]->name, stack[top]->loc.line);
                }
                stack[top]->no_cors = rd->cors_count == cors_at[top];
                top--;
                continue;
            }
            if (s[0] == '<') {
                char *name = s + 1, *gt;
                apr_size_t nlen = strcspn(name, " \t\v\f\r>");
                gt = strrchr(name, '>');
                if (gt == NULL) {
                    lint_loc loc = {file, first, col};
                    lint_add_at(ctx, CL000, loc, "section line does not end with '>'");
                    gt = name + strlen(name);
                }
                *gt = '\0'; /* the arguments end at the last '>' */
                n = node_read(ctx, name, nlen, name + nlen,
                              name + nlen < gt ? (apr_size_t)(gt - name - nlen) : 0, 1, file,
                              first, col, col + 1 + (int)nlen);
                node_joined(n, joined);
                n->disabled = pending;
                pending = 0;
                if (top >= LINT_MAX_DEPTH) {
                    if (skipped_depth == 0) {
                        lint_add(ctx, CL000, n, 0, NULL,
                                 "sections nested deeper than %d levels are not checked",
                                 LINT_MAX_DEPTH);
                    }
                    skipped_depth++;
                    continue;
                }
                /* a <Macro> body is read only where a Use expands it: not here */
                cond = cond_state(rd, n);
                n->inactive =
                    stack[top]->inactive || cond == COND_NO || lint_streq(n->name, "Macro");
                n->uncertain = stack[top]->uncertain || cond == COND_MAYBE;
                if (n->kind == LK_DIRECTORY && !n->inactive && n->argc >= 1 &&
                    n->argv[0][0] == '/') {
                    APR_ARRAY_PUSH(rd->section_dirs, const char *) = n->argv[0];
                }
                node_append(stack[top], n);
                stack[++top] = n;
                cors_at[top] = rd->cors_count;
                continue;
            }
            /* a directive */
            {
                apr_size_t nlen = strcspn(s, " \t\v\f\r");
                const char *name = s, *args = s + nlen;
                if (*s == '"' || *s == '\'') {
                    /* a quoted name is a name (httpd reads it with ap_getword_conf) */
                    name = s + 1;
                    nlen = quoted_len(s);
                    args = name + nlen + (name[nlen] != '\0');
                }
                n = node_read(ctx, name, nlen, args, (apr_size_t)(line + len - args), 0, file,
                              first, col, col + (int)(args - s));
                node_joined(n, joined);
                n->disabled = pending;
                pending = 0;
                if (skipped_depth > 0) {
                    continue;
                }
                n->inactive = stack[top]->inactive;
                n->uncertain = stack[top]->uncertain;
                if (!n->inactive) {
                    wrapped_tail(ctx, stack[top]->last_child, n);
                }
                node_append(stack[top], n);
                rd->cors_count += n->kind == LK_CORS;
                if (!n->inactive) {
                    handle_directive(rd, n, depth);
                }
            }
        }
    }
    while (top > 0) {
        lint_add(ctx, CL000, stack[top], 0, NULL, "<%s> is not closed in %s", stack[top]->name,
                 file);
        top--;
    }
    free(stack);
    free(cors_at);
}

static void read_path(lint_reader *rd, const char *path, lint_node *parent, const lint_node *from,
                      int optional, int depth)
{
    lint_ctx *ctx = rd->ctx;
    struct stat st;
    char *real, *text;
    FILE *f;
    apr_size_t size;
    int i;

    if (stat(path, &st) != 0) {
        if (!optional && from) {
            lint_add(ctx, CL000, from, from->argc ? from->argcol[0] : 0, NULL, "Include: %s: %s",
                     path, strerror(errno));
        }
        return;
    }
    if (depth > LINT_MAX_INCLUDE_DEPTH) {
        if (from) {
            lint_add(ctx, CL000, from, 0, NULL, "includes nested deeper than %d levels",
                     LINT_MAX_INCLUDE_DEPTH);
        }
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        read_dir(rd, path, parent, from, depth);
        return;
    }
    real = realpath(path, NULL);
    if (real == NULL) {
        return;
    }
    for (i = 0; i < rd->stack->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(rd->stack, i, const char *), real) == 0) {
            if (from) {
                lint_add(ctx, CL000, from, from->argc ? from->argcol[0] : 0, NULL,
                         "include cycle: %s includes itself", path);
            }
            free(real);
            return;
        }
    }
    APR_ARRAY_PUSH(rd->stack, const char *) = apr_pstrdup(ctx->pool, real);
    free(real);
    f = fopen(path, "rb");
    if (f == NULL || st.st_size > LINT_MAX_FILE) {
        if (from == NULL) {
            /* a file of a directory given on the command line: never skipped in silence */
            lint_loc at = {apr_pstrdup(ctx->pool, path), 1, 1};
            lint_add_at(ctx, CL000, at, "cannot read %s: %s", path,
                        f ? "file too large" : strerror(errno));
        }
        if (from) {
            lint_add(ctx, CL000, from, 0, NULL, "cannot read %s: %s", path,
                     f ? "file too large" : strerror(errno));
        }
        if (f) {
            fclose(f);
        }
        rd->stack->nelts--;
        return;
    }
    text = malloc((size_t)st.st_size + 1);
    size = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (text && memchr(text, '\0', size) != NULL) {
        lint_loc loc = {apr_pstrdup(ctx->pool, path), 1, 1};
        lint_add_at(ctx, CL000, loc, "%s holds NUL bytes (a binary file?): not read", path);
        free(text);
        text = NULL;
    }
    if (text) {
        text[size] = '\0';
        APR_ARRAY_PUSH(ctx->files, const char *) = apr_pstrdup(ctx->pool, path);
        read_text(rd, apr_pstrdup(ctx->pool, path), text, size, parent, depth);
        free(text);
    }
    rd->stack->nelts--;
}

static lint_node *new_root(lint_ctx *ctx, const char *file)
{
    return node_make(ctx, "server", 1, file, 0, 0);
}

/* .htaccess under the server's DocumentRoot and <Directory> paths, in its scope. */
static void scan_htaccess(lint_reader *rd, const char *dir, apr_array_header_t *roots, int *budget,
                          int depth, lint_node *server)
{
    apr_array_header_t *names;
    int i;

    if (depth > 32 || *budget <= 0 || (names = list_dir(rd, dir, budget)) == NULL) {
        return;
    }
    for (i = 0; i < names->nelts; i++) {
        const char *full = APR_ARRAY_IDX(names, i, const char *);
        struct stat st;
        if (lstat(full, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            scan_htaccess(rd, full, roots, budget, depth + 1, server);
        }
        else if (strcmp(base_name(full), ".htaccess") == 0) {
            lint_node *root = new_root(rd->ctx, full);
            root->htaccess_dir = dir;
            root->parent = server; /* linted in the server's scope of its directory */
            read_path(rd, full, root, NULL, 0, 0);
            APR_ARRAY_PUSH(roots, lint_node *) = root;
        }
    }
}

/* Can this directory be scanned at all: never the whole file system (Debian's
 * <Directory />), nor the kernel's, nor a pattern. */
static int scannable(const char *dir)
{
    struct stat st;

    return !strpbrk(dir, "*?[") && strspn(dir, "/") != strlen(dir) &&
           strncmp(dir, "/proc", 5) != 0 && strncmp(dir, "/sys", 4) != 0 &&
           strncmp(dir, "/dev", 4) != 0 && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The .htaccess files of a server tree: under its DocumentRoot and Alias paths (where
 * users put them, also where httpd would not read them: CL015 says so), and under the
 * <Directory> paths where httpd would read one (AllowOverride not None: not Debian's
 * <Directory /usr/share>); each directory once, at most LINT_MAX_SCAN entries, and
 * reaching the limit is said (CL000). */
static void scan_server_htaccess(lint_reader *rd, lint_node *root, apr_array_header_t *roots)
{
    apr_array_header_t *dirs = apr_array_copy(rd->ctx->pool, rd->doc_dirs);
    const char *last = NULL;
    apr_size_t ll = 0;
    int j, budget = LINT_MAX_SCAN;

    for (j = 0; j < rd->section_dirs->nelts; j++) {
        const char *d = APR_ARRAY_IDX(rd->section_dirs, j, const char *);
        if (scannable(d) && lint_htaccess_may_run(rd->ctx, root, d)) {
            APR_ARRAY_PUSH(dirs, const char *) = d;
        }
    }
    /* sorted, a directory inside one already scanned is skipped */
    qsort(dirs->elts, (size_t)dirs->nelts, sizeof(const char *), cmp_str);
    for (j = 0; j < dirs->nelts && budget > 0; j++) {
        const char *dd = APR_ARRAY_IDX(dirs, j, const char *);
        if ((last && strncmp(dd, last, ll) == 0 &&
             (dd[ll] == '/' || dd[ll] == '\0' || last[ll - 1] == '/')) ||
            !scannable(dd)) {
            continue;
        }
        last = dd;
        ll = strlen(dd);
        scan_htaccess(rd, dd, roots, &budget, 0, root);
    }
    if (budget <= 0) {
        lint_loc at = {root->loc.file, 1, 1};
        lint_add_at(rd->ctx, CL000, at,
                    "stopped looking for .htaccess files after %d directory entries (in %s): "
                    "any beyond were not linted; lint that directory on its own",
                    LINT_MAX_SCAN, last ? last : "?");
    }
}

/* A directory that is not a server root: every *.conf and .htaccess, each on its own. */
static void scan_plain(lint_reader *rd, const char *dir, apr_array_header_t *roots, int *budget,
                       int depth)
{
    apr_array_header_t *names;
    int i;

    if (depth > 32 || *budget <= 0) {
        return;
    }
    if ((names = list_dir(rd, dir, budget)) == NULL) {
        lint_loc at = {apr_pstrdup(rd->ctx->pool, dir), 1, 1};
        lint_add_at(rd->ctx, CL000, at, "cannot read the directory %s: %s", dir, strerror(errno));
        return;
    }
    for (i = 0; i < names->nelts; i++) {
        const char *full = APR_ARRAY_IDX(names, i, const char *);
        const char *name = base_name(full);
        struct stat st;
        apr_size_t n = strlen(name);
        if (strcmp(name, ".git") == 0 || lstat(full, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            scan_plain(rd, full, roots, budget, depth + 1);
        }
        else if (strcmp(name, ".htaccess") == 0 || (n > 5 && strcmp(name + n - 5, ".conf") == 0)) {
            lint_node *root = new_root(rd->ctx, full);
            if (strcmp(name, ".htaccess") == 0) {
                root->htaccess_dir = dir;
            }
            read_path(rd, full, root, NULL, 0, 0);
            APR_ARRAY_PUSH(roots, lint_node *) = root;
        }
    }
}

static const char *find_main_conf(apr_pool_t *p, const char *dir)
{
    static const char *const names[] = {"apache2.conf", "httpd.conf", "conf/httpd.conf"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *f = path_join(p, dir, names[i]);
        struct stat st;
        if (stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
            return f;
        }
    }
    return NULL;
}

int lint_read_inputs(lint_ctx *ctx, int argc, const char *const *argv, apr_array_header_t *roots,
                     const char **err)
{
    lint_reader rd;
    int i;

    rd.ctx = ctx;
    rd.cors_count = 0;
    rd.stack = apr_array_make(ctx->pool, 8, sizeof(const char *));
    rd.doc_dirs = apr_array_make(ctx->pool, 8, sizeof(const char *));
    rd.section_dirs = apr_array_make(ctx->pool, 8, sizeof(const char *));
    rd.modules = apr_hash_make(ctx->pool);
    rd.maybe_defined = apr_hash_make(ctx->pool);
    /* compiled into Debian's apache2 (apache2 -l), under both of their names */
    {
        static const char *const builtin[] = {
            "core.c",           "core_module",       "mod_so.c",    "so_module",
            "mod_watchdog.c",   "watchdog_module",   "http_core.c", "http_module",
            "mod_log_config.c", "log_config_module", "mod_logio.c", "logio_module",
            "mod_version.c",    "version_module",    "mod_unixd.c", "unixd_module",
        };
        apr_size_t k;
        for (k = 0; k < sizeof(builtin) / sizeof(builtin[0]); k++) {
            apr_hash_set(rd.modules, builtin[k], APR_HASH_KEY_STRING, "1");
        }
    }

    for (i = 0; i < argc; i++) {
        const char *arg = argv[i];
        struct stat st;
        if (stat(arg, &st) != 0) {
            *err = apr_psprintf(ctx->pool, "%s: %s", arg, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            const char *main_conf = find_main_conf(ctx->pool, arg);
            int budget = LINT_MAX_SCAN;
            if (main_conf) {
                lint_node *root = new_root(ctx, main_conf);
                const char *saved = ctx->server_root;
                if (ctx->server_root == NULL) {
                    ctx->server_root = arg;
                }
                rd.doc_dirs->nelts = rd.section_dirs->nelts = 0;
                read_path(&rd, main_conf, root, NULL, 0, 0);
                APR_ARRAY_PUSH(roots, lint_node *) = root;
                scan_server_htaccess(&rd, root, roots);
                ctx->server_root = saved;
            }
            else {
                scan_plain(&rd, arg, roots, &budget, 0);
                ctx->partial = 1;
            }
        }
        else {
            lint_node *root = new_root(ctx, arg);
            ctx->partial = 1;
            const char *base = strrchr(arg, '/');
            FILE *f = fopen(arg, "rb");
            if (f == NULL) {
                *err = apr_psprintf(ctx->pool, "%s: %s", arg, strerror(errno));
                return -1;
            }
            fclose(f);
            if (strcmp(base ? base + 1 : arg, ".htaccess") == 0) {
                root->htaccess_dir =
                    base ? apr_pstrndup(ctx->pool, arg, (apr_size_t)(base - arg)) : ".";
            }
            read_path(&rd, arg, root, NULL, 0, 0);
            APR_ARRAY_PUSH(roots, lint_node *) = root;
        }
    }
    return 0;
}
