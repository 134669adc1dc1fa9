/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * mod_cors's directives, read the way httpd reads them: each section's CORS* lines go
 * through the core's cors_directive_invoke (what httpd's invoke_cmd and mod_cors's
 * handlers do) into the core's per-section configuration, and the sections of each
 * server go to the core's start-up check, as mod_cors's check_config hook gives it
 * httpd's own sections. Whatever httpd would refuse is CL016, on the line httpd names.
 * The scopes (lint_scope.c) merge these configurations with the core's merge.
 */
#include <string.h>

#include <apr_strings.h>

#include "lint.h"
#include "lint_scope.h"

typedef struct {
    apr_hash_t *own;      /* const lint_node * -> cors_config * */
    apr_hash_t *reported; /* {at, credentials} of a CL016 at start-up -> "1" */
    cors_env env;
} lint_cors_state;

static lint_cors_state *cors_state(lint_ctx *ctx)
{
    lint_cors_state *s = ctx->cors;

    if (s == NULL) {
        s = apr_pcalloc(ctx->pool, sizeof(*s));
        s->own = apr_hash_make(ctx->pool);
        s->reported = apr_hash_make(ctx->pool);
        s->env.psl = lint_psl(ctx);
        s->env.engine = lint_regex_engine(ctx);
        s->env.store_verdicts = 1;
        ctx->cors = s;
    }
    return s;
}

const cors_env *lint_cors_env(lint_ctx *ctx)
{
    return &cors_state(ctx)->env;
}

const lint_node *lint_cors_node(const cors_where *w)
{
    return w ? w->src : NULL;
}

int lint_cors_col(const cors_where *w, int arg)
{
    const lint_node *n = lint_cors_node(w);

    return n && arg >= 0 && arg < n->argc ? n->argcol[arg] : 0;
}

/* ---- Each section's own configuration ------------------------------------------------ */

/* The problems of a section's configuration so far, when it has credentials. */
static apr_array_header_t *problems_of(lint_ctx *ctx, const cors_config *c)
{
    apr_array_header_t *found = apr_array_make(ctx->pool, 2, sizeof(cors_problem));

    if (c->credentials == 1) {
        cors_config_problems(ctx->pool, c, &cors_state(ctx)->env, found);
    }
    return found;
}

static int problem_in(const apr_array_header_t *a, const cors_problem *p)
{
    int i;

    for (i = 0; i < a->nelts; i++) {
        const cors_problem *q = &APR_ARRAY_IDX(a, i, cors_problem);
        if (q->kind == p->kind && q->at == p->at && q->arg == p->arg) {
            return 1;
        }
    }
    return 0;
}

/* httpd stops at the first conflict a directive completes within its section (err);
 * the others it completes are reported on their own lines, with the directive as the
 * related place. */
static void conflicts_completed(lint_ctx *ctx, const apr_array_header_t *before,
                                const cors_config *c, const lint_node *n, const char *err)
{
    apr_array_header_t *after = problems_of(ctx, c);
    int i;

    for (i = 0; i < after->nelts; i++) {
        const cors_problem *p = &APR_ARRAY_IDX(after, i, cors_problem);
        const lint_node *at = lint_cors_node(p->at);
        if (at && !problem_in(before, p) && !(err && strcmp(err, p->message) == 0)) {
            lint_add(ctx, CL016, at, lint_cors_col(p->at, p->arg), n, "%s", p->message);
        }
    }
}

static void directive_read(lint_ctx *ctx, cors_config *c, const lint_node *n)
{
    const cors_directive *d = cors_directive_find(n->name);
    apr_array_header_t *before;
    cors_where *w;
    const char *err;
    int bad = -1;

    if (d == NULL) {
        const char *near = cors_directive_suggest(n->name);
        lint_add(ctx, CL016, n, 0, NULL, "unknown mod_cors directive %s%s%s%s", n->name,
                 near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
        return;
    }
    w = apr_pcalloc(ctx->pool, sizeof(*w));
    w->file = n->loc.file;
    w->line = n->loc.line;
    w->src = n;
    before = problems_of(ctx, c);
    err = cors_directive_invoke(ctx->pool, c, d, n->argc, (char *const *)n->argv, w,
                                &cors_state(ctx)->env, &bad);
    if (err) {
        lint_add(ctx, CL016, n, bad >= 0 && bad < n->argc ? n->argcol[bad] : 0, NULL, "%s", err);
    }
    conflicts_completed(ctx, before, c, n, err);
    /* an ITERATE line goes on after its first bad argument here, where httpd stops:
     * every bad argument is reported at once */
    while (err && d->how == CORS_ARGS_ITERATE && bad >= 0 && ++bad < n->argc &&
           n->argv[bad][0] != '\0') {
        err = cors_directive_invoke(ctx->pool, c, d, n->argc - bad, (char *const *)n->argv + bad,
                                    w, &cors_state(ctx)->env, NULL);
        if (err) {
            lint_add(ctx, CL016, n, n->argcol[bad], NULL, "%s", err);
        }
    }
}

/* The CORS* lines of one section, through <IfModule>, <Limit> and the like (httpd
 * stores them in the enclosing section), in order. */
static void section_read(lint_ctx *ctx, cors_config *c, const lint_node *sec)
{
    const lint_node *n;

    for (n = sec->first_child; n; n = n->next) {
        if (n->inactive) {
            continue;
        }
        if (n->is_section) {
            if (!lint_is_scope_section(n) && !n->no_cors) {
                section_read(ctx, c, n);
            }
        }
        else if (n->kind == LK_CORS) {
            directive_read(ctx, c, n);
        }
    }
}

/* Every scope section under root (and root) gets its own configuration. */
static void read_all(lint_ctx *ctx, const lint_node *root)
{
    lint_cors_state *s = cors_state(ctx);
    apr_array_header_t *todo = apr_array_make(ctx->pool, 16, sizeof(const lint_node *));

    APR_ARRAY_PUSH(todo, const lint_node *) = root;
    while (todo->nelts) {
        const lint_node *sec = APR_ARRAY_IDX(todo, --todo->nelts, const lint_node *), *n;
        if (sec == root || lint_is_scope_section(sec)) {
            cors_config *c = cors_config_make(ctx->pool);
            section_read(ctx, c, sec);
            if (cors_config_is_set(c)) {
                apr_hash_set(s->own, apr_pmemdup(ctx->pool, &sec, sizeof(sec)), sizeof(sec), c);
            }
        }
        for (n = sec->first_child; n; n = n->next) {
            if (n->is_section && !n->inactive && !n->no_cors && todo->nelts < 100000) {
                APR_ARRAY_PUSH(todo, const lint_node *) = n;
            }
        }
    }
}

const cors_config *lint_cors_own(lint_ctx *ctx, const lint_node *section)
{
    return ctx->cors ? apr_hash_get(((lint_cors_state *)ctx->cors)->own, &section, sizeof(section))
                     : NULL;
}

/* ---- Servers and their sections, as httpd has them ------------------------------------ */

/* apr_filepath_merge's canonical form of an absolute path, with the trailing '/' that
 * httpd adds to a <Directory> path: "//a/./b/../c" -> "/a/c/". */
static const char *canonical_dir(apr_pool_t *p, const char *path)
{
    char *out = apr_palloc(p, strlen(path) + 2), *o = out;
    const char *s = path;

    if (strcmp(path, "/") == 0 || path[0] != '/') {
        return path;
    }
    while (*s) {
        const char *e;
        apr_size_t n;
        while (*s == '/') {
            s++;
        }
        e = strchr(s, '/');
        n = e ? (apr_size_t)(e - s) : strlen(s);
        if (n == 0) {
            break;
        }
        if (n == 1 && s[0] == '.') {
            /* nothing */
        }
        else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > out && *--o != '/') {
            }
        }
        else {
            *o++ = '/';
            memcpy(o, s, n);
            o += n;
        }
        s += n;
    }
    *o++ = '/';
    *o = '\0';
    return out;
}

/* apr_fnmatch_test: does the path hold a wildcard? */
static int is_wildcard(const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
        }
        else if (*s == '*' || *s == '?' || (*s == '[' && strchr(s, ']'))) {
            return 1;
        }
    }
    return 0;
}

static cors_section *section_make(lint_ctx *ctx, const lint_node *n, cors_section_kind kind)
{
    cors_section *sec = apr_pcalloc(ctx->pool, sizeof(*sec));
    const char *name = n->name;
    apr_size_t len = strlen(name);
    const char *path = n->argc ? n->argv[0] : "";

    sec->kind = kind;
    sec->conf = lint_cors_own(ctx, n);
    if (len > 5 && strcasecmp(name + len - 5, "Match") == 0) {
        sec->pattern = CORS_PATH_REGEX;
    }
    else if (strcmp(path, "~") == 0) {
        sec->pattern = CORS_PATH_REGEX;
        path = n->argc > 1 ? n->argv[1] : "";
    }
    else {
        if (kind == CORS_SEC_DIRECTORY) {
            path = canonical_dir(ctx->pool, path);
        }
        sec->pattern = is_wildcard(path) ? CORS_PATH_WILDCARD : CORS_PATH_PLAIN;
    }
    sec->path = path;
    return sec;
}

typedef struct {
    apr_array_header_t *files, *dirs, *locations, *vhosts;
} section_lists;

static cors_section_kind section_kind(const lint_node *n, int *ok)
{
    const char *name = n->name;

    *ok = 1;
    if (n->kind == LK_DIRECTORY || strcasecmp(name, "DirectoryMatch") == 0) {
        return CORS_SEC_DIRECTORY;
    }
    if (strcasecmp(name, "Files") == 0 || strcasecmp(name, "FilesMatch") == 0) {
        return CORS_SEC_FILES;
    }
    if (strcasecmp(name, "Location") == 0 || strcasecmp(name, "LocationMatch") == 0) {
        return CORS_SEC_LOCATION;
    }
    *ok = 0;
    return CORS_SEC_FILES;
}

/* The sections directly in sec (through containers), sorted into lists as httpd files
 * them; a <Directory>'s own <Files> go with it. */
static void collect(lint_ctx *ctx, const lint_node *sec, section_lists *out)
{
    const lint_node *n;

    for (n = sec->first_child; n; n = n->next) {
        int ok;
        cors_section_kind kind;
        if (!n->is_section || n->inactive) {
            continue;
        }
        if (n->kind == LK_VIRTUALHOST) {
            if (out->vhosts) {
                APR_ARRAY_PUSH(out->vhosts, const lint_node *) = n;
            }
            continue;
        }
        if (!lint_is_scope_section(n)) {
            collect(ctx, n, out); /* <IfModule>, <IfDefine>... */
            continue;
        }
        kind = section_kind(n, &ok);
        if (!ok) {
            continue; /* <If>, <Proxy>: known per request */
        }
        if (kind == CORS_SEC_DIRECTORY) {
            cors_section *d = section_make(ctx, n, kind);
            section_lists inner = {NULL, NULL, NULL, NULL};
            inner.files = apr_array_make(ctx->pool, 2, sizeof(cors_section *));
            collect(ctx, n, &inner);
            d->files = inner.files;
            if (out->dirs) { /* httpd refuses a <Directory> in a <Directory> */
                APR_ARRAY_PUSH(out->dirs, cors_section *) = d;
            }
        }
        else if (kind == CORS_SEC_FILES) {
            APR_ARRAY_PUSH(out->files, cors_section *) = section_make(ctx, n, kind);
        }
        else if (out->locations) {
            APR_ARRAY_PUSH(out->locations, cors_section *) = section_make(ctx, n, kind);
        }
    }
}

static void mark_reported(lint_ctx *ctx, const cors_where *at, const cors_where *creds)
{
    const cors_where *key[2];

    key[0] = at;
    key[1] = creds;
    apr_hash_set(cors_state(ctx)->reported, apr_pmemdup(ctx->pool, key, sizeof(key)), sizeof(key),
                 "1");
}

static void check_server(lint_ctx *ctx, const cors_server_sections *srv)
{
    apr_array_header_t *found = apr_array_make(ctx->pool, 2, sizeof(cors_merge_problem));
    int i;

    cors_sections_check(ctx->pool, srv, &cors_state(ctx)->env, 0, found);
    for (i = 0; i < found->nelts; i++) {
        const cors_merge_problem *mp = &APR_ARRAY_IDX(found, i, cors_merge_problem);
        const lint_node *at = lint_cors_node(mp->primary);
        int col = mp->primary == mp->problem.at ? lint_cors_col(mp->primary, mp->problem.arg) : 0;
        mark_reported(ctx, mp->problem.at, mp->problem.credentials);
        if (at) {
            lint_add(ctx, CL016, at, col, lint_cors_node(mp->related), "%s", mp->message);
        }
    }
}

static apr_array_header_t *joined(apr_pool_t *p, const apr_array_header_t *a,
                                  const apr_array_header_t *b)
{
    apr_array_header_t *out = apr_array_copy(p, a);

    apr_array_cat(out, b);
    return out;
}

/* The main server of a tree, then each virtual host on top of it. */
static void check_servers(lint_ctx *ctx, const lint_node *root)
{
    apr_pool_t *p = ctx->pool;
    section_lists main_s, vh;
    cors_server_sections srv;
    const cors_config *dflt = lint_cors_own(ctx, root);
    int i;

    main_s.files = apr_array_make(p, 4, sizeof(cors_section *));
    main_s.dirs = apr_array_make(p, 4, sizeof(cors_section *));
    main_s.locations = apr_array_make(p, 4, sizeof(cors_section *));
    main_s.vhosts = apr_array_make(p, 4, sizeof(const lint_node *));
    collect(ctx, root, &main_s);
    if (dflt == NULL) {
        dflt = cors_config_make(p);
    }
    srv.name = "the main server";
    srv.defaults = dflt;
    srv.files = main_s.files;
    srv.dirs = main_s.dirs;
    srv.locations = main_s.locations;
    check_server(ctx, &srv);
    for (i = 0; i < main_s.vhosts->nelts; i++) {
        const lint_node *v = APR_ARRAY_IDX(main_s.vhosts, i, const lint_node *);
        const cors_config *own = lint_cors_own(ctx, v);
        vh.files = apr_array_make(p, 4, sizeof(cors_section *));
        vh.dirs = apr_array_make(p, 4, sizeof(cors_section *));
        vh.locations = apr_array_make(p, 4, sizeof(cors_section *));
        vh.vhosts = NULL;
        collect(ctx, v, &vh);
        srv.name = apr_psprintf(p, "the virtual host on line %d of %s", v->loc.line, v->loc.file);
        srv.defaults = own ? cors_config_merge(p, dflt, own) : dflt;
        srv.files = joined(p, main_s.files, vh.files);
        srv.dirs = joined(p, main_s.dirs, vh.dirs);
        srv.locations = joined(p, main_s.locations, vh.locations);
        check_server(ctx, &srv);
    }
}

void lint_cors_prepare(lint_ctx *ctx, apr_array_header_t *roots)
{
    int i;

    for (i = 0; i < roots->nelts; i++) {
        const lint_node *root = APR_ARRAY_IDX(roots, i, const lint_node *);
        read_all(ctx, root);
        if (root->htaccess_dir == NULL) {
            check_servers(ctx, root);
        }
    }
}

/* The scope section a directive is written in. */
static const lint_node *section_of(const lint_node *n)
{
    for (n = n ? n->parent : NULL; n && n->parent && !n->htaccess_dir && !lint_is_scope_section(n);
         n = n->parent) {
    }
    return n;
}

int lint_cors_reported(lint_ctx *ctx, const cors_problem *p)
{
    const cors_where *key[2];
    const lint_node *sec = section_of(lint_cors_node(p->at));

    /* within one section, the directive that completed it was refused */
    if (sec && sec == section_of(lint_cors_node(p->credentials)) &&
        (p->insecure == NULL || sec == section_of(lint_cors_node(p->insecure)))) {
        return 1;
    }
    key[0] = p->at;
    key[1] = p->credentials;
    return ctx->cors && apr_hash_get(((lint_cors_state *)ctx->cors)->reported, key, sizeof(key));
}
