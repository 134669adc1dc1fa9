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

#include <apr_file_info.h>
#include <apr_strings.h>

#include "lint.h"
#include "lint_scope.h"

typedef struct {
    apr_hash_t *own;      /* const lint_node * -> cors_config * */
    apr_hash_t *reported; /* {at, credentials} of a CL016 at start-up -> "1" */
    int unknown_ok;       /* an .htaccess under Nonfatal=Unknown: httpd skips typos */
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
        ctx->cors = s;
    }
    return s;
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

static void directive_read(lint_ctx *ctx, cors_config *c, const lint_node *n)
{
    const cors_directive *d = cors_directive_find(n->name);
    cors_where *w;
    const char *err;
    int bad = -1;

    if (d == NULL && cors_state(ctx)->unknown_ok) {
        return;
    }
    if (d == NULL) {
        const char *near = cors_directive_suggest(n->name);
        lint_add(ctx, CL016, n, 0, NULL, "unknown mod_cors directive %s%s%s%s", n->name,
                 near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
        return;
    }
    w = apr_pcalloc(ctx->pool, sizeof(*w));
    w->file = n->loc.file;
    w->line = n->loc.line;
    w->seq = n->seq;
    w->src = n;
    err = cors_directive_invoke(ctx->pool, c, d, n->argc, (char *const *)n->argv, w,
                                &cors_state(ctx)->env, &bad);
    if (err) {
        lint_add(ctx, CL016, n, bad >= 0 && bad < n->argc ? n->argcol[bad] : 0, NULL, "%s", err);
    }
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

/* <RequireAll>, <RequireAny> and <RequireNone> take authorization directives only. */
static int authz_container(const lint_node *n)
{
    return strncasecmp(n->name, "Require", 7) == 0 &&
           (strcasecmp(n->name + 7, "All") == 0 || strcasecmp(n->name + 7, "Any") == 0 ||
            strcasecmp(n->name + 7, "None") == 0);
}

/* authz is the innermost of those around sec: httpd names it, not an <IfModule>. */
static void refuse_in_authz(lint_ctx *ctx, const lint_node *authz, const lint_node *sec)
{
    const lint_node *n;

    for (n = sec->first_child; n; n = n->next) {
        if (n->is_section && !n->inactive) {
            refuse_in_authz(ctx, authz_container(n) ? n : authz, n);
        }
        else if (n->kind == LK_CORS && !n->inactive) {
            lint_add(ctx, CL016, n, 0, NULL, "%s not allowed in <%s> context", n->name,
                     authz->name);
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
            if (authz_container(n) && !n->no_cors) {
                refuse_in_authz(ctx, n, n); /* httpd's words: not allowed there */
            }
            else if (!lint_is_scope_section(n) && !n->no_cors) {
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

void lint_cors_read(lint_ctx *ctx, const lint_node *root, int unknown_ok)
{
    cors_state(ctx)->unknown_ok = unknown_ok;
    read_all(ctx, root);
    cors_state(ctx)->unknown_ok = 0;
}

const cors_config *lint_cors_own(lint_ctx *ctx, const lint_node *section)
{
    return ctx->cors ? apr_hash_get(((lint_cors_state *)ctx->cors)->own, &section, sizeof(section))
                     : NULL;
}

/* ---- Servers and their sections, as httpd has them ------------------------------------ */

/* httpd's paths of sections, made as core.c makes them, with the same APR call. A
 * <Directory> path is absolute (a relative one is taken from the working directory: "/"
 * for httpd started as a service), canonical and ends in '/'; a <Files> name is merged
 * onto "" ("./a.txt" is "a.txt"). */
const char *lint_directory_path(apr_pool_t *p, const char *path)
{
    char *merged = NULL;

    if (strcmp(path, "/") == 0 ||
        apr_filepath_merge(&merged, "/", path, APR_FILEPATH_TRUENAME, p) != APR_SUCCESS) {
        return path;
    }
    return merged[0] && merged[strlen(merged) - 1] == '/' ? merged
                                                          : apr_pstrcat(p, merged, "/", NULL);
}

static const char *files_path(apr_pool_t *p, const char *path)
{
    char *merged = NULL;

    return apr_filepath_merge(&merged, "", path, 0, p) == APR_SUCCESS ? merged : path;
}

/* apr_fnmatch_test: a '*' or '?', or a '[' with a later unescaped ']'. */
static int is_wildcard(const char *s)
{
    int nesting = 0;

    for (; *s; s++) {
        switch (*s) {
        case '?':
        case '*': return 1;
        case '\\':
            if (*++s == '\0') {
                return 0;
            }
            break;
        case '[': ++nesting; break;
        case ']':
            if (nesting) {
                return 1;
            }
            break;
        default: break;
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
            path = lint_directory_path(ctx->pool, path);
        }
        else if (kind == CORS_SEC_FILES) {
            path = files_path(ctx->pool, path);
        }
        sec->pattern = is_wildcard(path) ? CORS_PATH_WILDCARD : CORS_PATH_PLAIN;
    }
    sec->path = path;
    return sec;
}

/* Where httpd files the sections it reads: a list is NULL where httpd refuses that kind
 * (a <Directory> in a <Directory>, a <Files> in a <Location>). */
typedef struct {
    apr_array_header_t *files, *dirs, *locations, *ifs, *vhosts;
} section_lists;

/* -1: not a section the start-up checks see (<Proxy>: mod_proxy's, merged per request). */
static int section_kind(const lint_node *n)
{
    static const struct {
        const char *name;
        int kind;
    } kinds[] = {
        {"Directory", CORS_SEC_DIRECTORY},
        {"DirectoryMatch", CORS_SEC_DIRECTORY},
        {"Files", CORS_SEC_FILES},
        {"FilesMatch", CORS_SEC_FILES},
        {"Location", CORS_SEC_LOCATION},
        {"LocationMatch", CORS_SEC_LOCATION},
        {"If", CORS_SEC_IF},
        {"ElseIf", CORS_SEC_IF},
        {"Else", CORS_SEC_IF},
    };
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcasecmp(n->name, kinds[i].name) == 0) {
            return kinds[i].kind;
        }
    }
    return -1;
}

static apr_array_header_t *list_make(lint_ctx *ctx)
{
    return apr_array_make(ctx->pool, 2, sizeof(cors_section *));
}

static void collect(lint_ctx *ctx, const lint_node *sec, section_lists *out);

/* A section and, collected into it, the <Files> (of a <Directory>) and <If> sections
 * httpd files in its configuration. */
static cors_section *section_read_tree(lint_ctx *ctx, const lint_node *n, cors_section_kind kind)
{
    cors_section *sec = section_make(ctx, n, kind);
    section_lists inner = {NULL, NULL, NULL, NULL, NULL};

    inner.ifs = list_make(ctx);
    inner.files = kind == CORS_SEC_DIRECTORY ? list_make(ctx) : NULL;
    collect(ctx, n, &inner);
    sec->files = inner.files;
    sec->ifs = inner.ifs;
    return sec;
}

/* The sections directly in sec (through containers such as <IfModule>), sorted into
 * lists as httpd files them. */
static void collect(lint_ctx *ctx, const lint_node *sec, section_lists *out)
{
    const lint_node *n;

    for (n = sec->first_child; n; n = n->next) {
        apr_array_header_t *list = NULL;
        int kind;
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
            collect(ctx, n, out);
            continue;
        }
        kind = section_kind(n);
        switch (kind) {
        case CORS_SEC_DIRECTORY: list = out->dirs; break;
        case CORS_SEC_FILES: list = out->files; break;
        case CORS_SEC_LOCATION: list = out->locations; break;
        case CORS_SEC_IF: list = out->ifs; break;
        default: break;
        }
        if (list) {
            APR_ARRAY_PUSH(list, cors_section *) =
                section_read_tree(ctx, n, (cors_section_kind)kind);
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

/* Each problem the core finds, as CL016 on the line httpd names. httpd stops at the
 * first; when a second one would fall on the same line (one CORSAllowCredentials On
 * with both "*" and CORSExposeHeaders *), it goes on its other line. */
static void check_server(lint_ctx *ctx, const cors_server_sections *srv, apr_hash_t *used)
{
    apr_array_header_t *found = apr_array_make(ctx->pool, 2, sizeof(cors_merge_problem));
    int i;

    cors_sections_check(ctx->pool, srv, 0, found);
    for (i = 0; i < found->nelts; i++) {
        const cors_merge_problem *mp = &APR_ARRAY_IDX(found, i, cors_merge_problem);
        const cors_where *at = mp->primary, *rel = mp->related;
        int col;
        if (apr_hash_get(used, &at, sizeof(at)) && at != mp->problem.at) {
            rel = at;
            at = mp->problem.at;
        }
        apr_hash_set(used, apr_pmemdup(ctx->pool, &at, sizeof(at)), sizeof(at), "1");
        mark_reported(ctx, mp->problem.at, mp->problem.credentials);
        col = at == mp->problem.at ? lint_cors_col(at, mp->problem.arg) : 0;
        if (lint_cors_node(at)) {
            lint_add(ctx, CL016, lint_cors_node(at), col, lint_cors_node(rel), "%s", mp->message);
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

static section_lists lists_make(lint_ctx *ctx, int vhosts)
{
    section_lists l;

    l.files = list_make(ctx);
    l.dirs = list_make(ctx);
    l.locations = list_make(ctx);
    l.ifs = list_make(ctx);
    l.vhosts = vhosts ? apr_array_make(ctx->pool, 4, sizeof(const lint_node *)) : NULL;
    return l;
}

/* The main server of a tree, then each virtual host on top of it, as httpd fixes up
 * virtual hosts: defaults merged, and the main server's sections before the host's. */
static void check_servers(lint_ctx *ctx, const lint_node *root)
{
    apr_pool_t *p = ctx->pool;
    section_lists main_s = lists_make(ctx, 1), vh;
    cors_server_sections srv;
    const cors_config *dflt = lint_cors_own(ctx, root);
    apr_hash_t *used = apr_hash_make(p);
    int i;

    collect(ctx, root, &main_s);
    if (dflt == NULL) {
        dflt = cors_config_make(p);
    }
    srv.name = "the main server";
    srv.defaults = dflt;
    srv.main_defaults = NULL;
    srv.files = main_s.files;
    srv.dirs = main_s.dirs;
    srv.locations = main_s.locations;
    srv.ifs = main_s.ifs;
    check_server(ctx, &srv, used);
    for (i = 0; i < main_s.vhosts->nelts; i++) {
        const lint_node *v = APR_ARRAY_IDX(main_s.vhosts, i, const lint_node *);
        const cors_config *own = lint_cors_own(ctx, v);
        vh = lists_make(ctx, 0);
        collect(ctx, v, &vh);
        srv.name = apr_psprintf(p, "the virtual host on line %d of %s", v->loc.line, v->loc.file);
        srv.defaults = own ? cors_config_merge(p, dflt, own) : dflt;
        srv.main_defaults = dflt;
        srv.files = joined(p, main_s.files, vh.files);
        srv.dirs = joined(p, main_s.dirs, vh.dirs);
        srv.locations = joined(p, main_s.locations, vh.locations);
        srv.ifs = joined(p, main_s.ifs, vh.ifs);
        check_server(ctx, &srv, used);
    }
}

void lint_cors_prepare(lint_ctx *ctx, apr_array_header_t *roots)
{
    int i;

    for (i = 0; i < roots->nelts; i++) {
        const lint_node *root = APR_ARRAY_IDX(roots, i, const lint_node *);
        if (root->htaccess_dir == NULL) {
            read_all(ctx, root);
            check_servers(ctx, root);
        }
    }
}

int lint_cors_reported(lint_ctx *ctx, const cors_problem *p)
{
    const cors_where *key[2];

    key[0] = p->at;
    key[1] = p->credentials;
    return ctx->cors && apr_hash_get(((lint_cors_state *)ctx->cors)->reported, key, sizeof(key));
}
