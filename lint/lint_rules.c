/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The registry of rules (made of lint.h's LINT_RULES), and the walk that judges them: the
 * scopes in httpd's merge order (lint_scope.c builds each one's effective configuration,
 * lint_judge.c runs the rules on it), and each .htaccess in the scopes it is merged onto
 * (CL015, and CL016 for what httpd refuses there). A finding caused by one line is
 * reported once, whatever the number of scopes that inherit it.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "lint.h"
#include "lint_scope.h"

#define LINT_RULE_INFO(id, severity, security, judge, title) {#id, severity, title, security},
const lint_rule_info lint_rules[LINT_NRULES] = {LINT_RULES(LINT_RULE_INFO)};

int lint_rule_parse(const char *id)
{
    int i;
    for (i = 0; i < LINT_NRULES; i++) {
        if (strcasecmp(id, lint_rules[i].id) == 0) {
            return i;
        }
    }
    return -1;
}

int lint_parse_rule_list(const char *list, lint_mask *mask)
{
    const char *p = list;

    while (*p) {
        char id[16];
        apr_size_t n = strcspn(p, ", ");
        int r;
        if (n == 0) {
            p++;
            continue;
        }
        if (n >= sizeof(id)) {
            return -1;
        }
        memcpy(id, p, n);
        id[n] = '\0';
        if (strcasecmp(id, "all") == 0) {
            *mask |= (1u << LINT_NRULES) - 1;
        }
        else if ((r = lint_rule_parse(id)) < 0) {
            return -1;
        }
        else {
            *mask |= 1u << r;
        }
        p += n;
    }
    return 0;
}

/* What httpd does with a .htaccess under AllowOverride ao (core.c, set_override: the
 * words in order, None and All resetting): never reads it (None, the default), reads it
 * and runs mod_headers' and mod_cors's lines (All, FileInfo), reads it and refuses them
 * with a 500 for every request there (AuthConfig...), or reads it and skips them with a
 * warning (Nonfatal=Override). *nonfatal_unknown: a misspelt directive is skipped too. */
enum { HT_IGNORED, HT_RUNS, HT_REFUSED, HT_SKIPPED };

static int htaccess_fate(const char *ao, int *nonfatal_unknown)
{
    int fileinfo = 0, other = 0, nf_override = 0, nf_unknown = 0;

    while (ao && *ao) {
        apr_size_t n;
        ao += strspn(ao, " \t");
        n = strcspn(ao, " \t");
        if (n == 4 && strncasecmp(ao, "None", 4) == 0) {
            fileinfo = other = nf_override = nf_unknown = 0;
        }
        else if (n == 3 && strncasecmp(ao, "All", 3) == 0) {
            fileinfo = other = 1;
            nf_override = nf_unknown = 0;
        }
        else if (n == 8 && strncasecmp(ao, "FileInfo", 8) == 0) {
            fileinfo = 1;
        }
        else if (n > 9 && strncasecmp(ao, "Nonfatal=", 9) == 0) {
            nf_override |= strncasecmp(ao + 9, "Override", n - 9) == 0 ||
                           strncasecmp(ao + 9, "All", n - 9) == 0;
            nf_unknown |= strncasecmp(ao + 9, "Unknown", n - 9) == 0 ||
                          strncasecmp(ao + 9, "All", n - 9) == 0;
        }
        else if (n > 0) {
            other = 1; /* Limit, Options[=...], AuthConfig, Indexes */
        }
        ao += n;
    }
    *nonfatal_unknown = nf_unknown;
    if (fileinfo) {
        return HT_RUNS;
    }
    if (!(other || nf_override || nf_unknown)) {
        return HT_IGNORED;
    }
    return nf_override ? HT_SKIPPED : HT_REFUSED;
}

static int is_cors_line(const lint_node *n)
{
    return (lint_streq(n->name, "Header") && n->argc >= 2 &&
            lint_contains_ci(n->args_raw, "Access-Control-")) ||
           n->kind == LK_CORS;
}

/* CL015: a .htaccess whose CORS lines never run, and CL016 for mod_cors lines httpd
 * refuses there (every request then gets a 500), in its sections too. */
static void judge_htaccess(lint_ctx *ctx, const scope_state *st, const lint_node *root,
                           const lint_node *sec, int fate, int nf_unknown, int *said)
{
    const char *ao = st->allow_override ? st->allow_override : "None";
    const lint_node *n;

    for (n = sec->first_child; n && fate != HT_RUNS; n = n->next) {
        if (n->inactive) {
            continue;
        }
        if (n->is_section) {
            judge_htaccess(ctx, st, root, n, fate, nf_unknown, said);
            continue;
        }
        if (!is_cors_line(n)) {
            continue;
        }
        if (fate != HT_IGNORED && n->kind == LK_CORS && cors_directive_find(n->name) == NULL) {
            if (nf_unknown) {
                continue; /* Nonfatal=Unknown: httpd skips it with a warning */
            }
            /* misspelt: not a FileInfo question (Nonfatal=Override does not cover it) */
            lint_add(ctx, CL016, n, 0, NULL,
                     "Invalid command '%s', perhaps misspelled: httpd answers 500 Internal "
                     "Server Error to every request under %s",
                     n->name, root->htaccess_dir);
        }
        else if (fate == HT_REFUSED && n->kind == LK_CORS) {
            lint_add(ctx, CL016, n, 0, NULL,
                     "%s not allowed here: AllowOverride %s for %s does not allow FileInfo, so "
                     "httpd answers 500 Internal Server Error to every request there; add "
                     "FileInfo to AllowOverride",
                     n->name, ao, root->htaccess_dir);
        }
        else if (!*said) {
            lint_add(ctx, CL015, n, 0, NULL,
                     fate == HT_IGNORED
                         ? "AllowOverride %s for %s: httpd never reads this .htaccess, so its "
                           "CORS lines never run"
                     : fate == HT_SKIPPED
                         ? "AllowOverride %s for %s does not allow FileInfo: httpd skips this "
                           "line with a warning (Nonfatal), so it never runs"
                         : "AllowOverride %s for %s does not allow FileInfo: httpd refuses this "
                           "line and answers 500 Internal Server Error to every request there",
                     ao, root->htaccess_dir);
            *said = 1;
        }
    }
}

/* parent_judged: parent's configuration was judged (or equals, in what the rules read,
 * one that was). A scope whose sections change nothing the rules read is judged the
 * same: every finding would be one already claimed. */
static void walk_scope(lint_ctx *ctx, const lint_node *sec, const scope_state *parent,
                       int parent_judged, int depth)
{
    apr_pool_t *sp;
    scope_state *st;
    const lint_node *n;
    apr_array_header_t *todo;

    /* a scratch pool per scope, given back when its subtree is judged: memory stays
     * proportional to the nesting depth, not to the number of scopes */
    apr_pool_create(&sp, parent ? parent->pool : ctx->pool);
    st = parent ? lint_scope_inherit(sp, parent) : lint_scope_make(sp);
    st->node = sec;
    st->changed = 0;
    lint_scope_note_if_origin(sp, st, sec);
    lint_scope_fold(ctx, st, sec, NULL);
    lint_scope_fold_cors(ctx, st, sec);
    if (!parent_judged || st->changed) {
        lint_judge_scope(ctx, st);
    }
    if (depth > 200) {
        apr_pool_destroy(sp);
        return;
    }
    /* nested scopes, also those inside IfModule / IfDefine containers */
    todo = apr_array_make(sp, 8, sizeof(const lint_node *));
    APR_ARRAY_PUSH(todo, const lint_node *) = sec;
    while (todo->nelts) {
        const lint_node *c = APR_ARRAY_IDX(todo, --todo->nelts, const lint_node *);
        for (n = c->first_child; n; n = n->next) {
            if (!n->is_section || n->inactive) {
                continue;
            }
            if (lint_is_scope_section(n)) {
                walk_scope(ctx, n, st, 1, depth + 1);
            }
            else if (todo->nelts < 10000) {
                APR_ARRAY_PUSH(todo, const lint_node *) = n;
            }
        }
    }
    apr_pool_destroy(sp);
}

/* The <Directory> sections of one server context (the main server's own, or a virtual
 * host's) that contain dir, through conditional containers, not into <VirtualHost>. */
static void covering_directories(lint_ctx *ctx, const lint_node *context, const char *dir,
                                 apr_array_header_t *out)
{
    const lint_node *n;

    for (n = context->first_child; n; n = n->next) {
        if (!n->is_section || n->inactive) {
            continue;
        }
        if (n->kind == LK_DIRECTORY && n->argc >= 1 &&
            cors_dir_contains(lint_directory_path(ctx->pool, n->argv[0]), dir)) {
            APR_ARRAY_PUSH(out, const lint_node *) = n;
        }
        else if (n->kind != LK_VIRTUALHOST && !lint_is_scope_section(n)) {
            covering_directories(ctx, n, dir, out);
        }
    }
}

/* In httpd's order (cors_dir_components), stable: among equals the main server's first,
 * as httpd merges them. */
static void sort_directories(lint_ctx *ctx, apr_array_header_t *dirs)
{
    const lint_node **d = (const lint_node **)dirs->elts;
    int *rank = apr_palloc(ctx->pool, sizeof(int) * (apr_size_t)(dirs->nelts + 1));
    int i, j;

    for (i = 0; i < dirs->nelts; i++) {
        rank[i] = cors_dir_components(lint_directory_path(ctx->pool, d[i]->argv[0]));
    }
    for (i = 1; i < dirs->nelts; i++) {
        const lint_node *n = d[i];
        int r = rank[i];
        for (j = i; j > 0 && rank[j - 1] > r; j--) {
            d[j] = d[j - 1];
            rank[j] = rank[j - 1];
        }
        d[j] = n;
        rank[j] = r;
    }
}

static void fold(lint_ctx *ctx, scope_state *st, const lint_node *sec, int with_cors)
{
    lint_scope_fold(ctx, st, sec, NULL);
    if (with_cors) {
        lint_scope_fold_cors(ctx, st, sec);
    }
}

/* The scope a .htaccess in dir is merged onto for requests of one virtual host (NULL:
 * the main server): the server, the virtual host, then the <Directory> sections of both
 * that contain dir (vhost_dirs: the virtual host's own), shortest first (httpd merges the
 * main server's sections into each virtual host's). */
static scope_state *htaccess_scope(lint_ctx *ctx, const lint_node *server, const lint_node *vhost,
                                   const apr_array_header_t *vhost_dirs, const char *dir,
                                   int with_cors)
{
    scope_state *st = lint_scope_make(ctx->pool);
    apr_array_header_t *dirs = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    int i;

    fold(ctx, st, server, with_cors);
    covering_directories(ctx, server, dir, dirs);
    if (vhost) {
        fold(ctx, st, vhost, with_cors);
        apr_array_cat(dirs, vhost_dirs);
    }
    sort_directories(ctx, dirs);
    for (i = 0; i < dirs->nelts; i++) {
        fold(ctx, st, APR_ARRAY_IDX(dirs, i, const lint_node *), with_cors);
    }
    return st;
}

/* The active <VirtualHost> sections of a server tree, through conditional containers. */
static void virtual_hosts(const lint_node *c, apr_array_header_t *out)
{
    const lint_node *n;

    for (n = c->first_child; n; n = n->next) {
        if (!n->is_section || n->inactive) {
            continue;
        }
        if (n->kind == LK_VIRTUALHOST) {
            APR_ARRAY_PUSH(out, const lint_node *) = n;
        }
        else if (!lint_is_scope_section(n)) {
            virtual_hosts(n, out);
        }
    }
}

/* The scopes a .htaccess in dir is judged in: each virtual host with a <Directory> of
 * its own that contains dir, or, when none has one, the main server's (whose sections
 * every virtual host shares). with_cors: the CORS configuration too (after
 * lint_cors_prepare), not only what the reader needs (AllowOverride). */
static apr_array_header_t *htaccess_scopes(lint_ctx *ctx, const lint_node *server, const char *dir,
                                           int with_cors)
{
    apr_array_header_t *vhosts = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    apr_array_header_t *out = apr_array_make(ctx->pool, 2, sizeof(scope_state *));
    apr_array_header_t *own = apr_array_make(ctx->pool, 4, sizeof(const lint_node *));
    int i;

    dir = lint_directory_path(ctx->pool, dir); /* compared as httpd compares paths */
    virtual_hosts(server, vhosts);
    for (i = 0; i < vhosts->nelts; i++) {
        const lint_node *vhost = APR_ARRAY_IDX(vhosts, i, const lint_node *);
        /* a virtual host with no <Directory> of its own here needs no scope of its own
         * (and a server of thousands folds only those that do) */
        own->nelts = 0;
        covering_directories(ctx, vhost, dir, own);
        if (own->nelts) {
            APR_ARRAY_PUSH(out, scope_state *) =
                htaccess_scope(ctx, server, vhost, own, dir, with_cors);
        }
    }
    if (out->nelts == 0) {
        APR_ARRAY_PUSH(out, scope_state *) =
            htaccess_scope(ctx, server, NULL, NULL, dir, with_cors);
    }
    return out;
}

int lint_htaccess_may_run(lint_ctx *ctx, const lint_node *server, const char *dir)
{
    apr_array_header_t *scopes = htaccess_scopes(ctx, server, dir, 0);
    int i, nonfatal_unknown;

    for (i = 0; i < scopes->nelts; i++) {
        const scope_state *st = APR_ARRAY_IDX(scopes, i, const scope_state *);
        if (htaccess_fate(st->allow_override, &nonfatal_unknown) != HT_IGNORED) {
            return 1;
        }
    }
    return 0;
}

/* A .htaccess of a server tree, judged in each scope it is merged onto. */
static void judge_htaccess_file(lint_ctx *ctx, const lint_node *root)
{
    apr_array_header_t *scopes = htaccess_scopes(ctx, root->parent, root->htaccess_dir, 1);
    int i, read = 0;

    for (i = 0; i < scopes->nelts; i++) {
        scope_state *parent = APR_ARRAY_IDX(scopes, i, scope_state *);
        int nonfatal_unknown, said = 0;
        int fate = htaccess_fate(parent->allow_override, &nonfatal_unknown);
        judge_htaccess(ctx, parent, root, root, fate, nonfatal_unknown, &said);
        if (fate == HT_RUNS) {
            if (!read++) {
                lint_cors_read(ctx, root, nonfatal_unknown);
            }
            walk_scope(ctx, root, parent, 0, 0);
        }
    }
}

void lint_ctx_init(lint_ctx *ctx, apr_pool_t *pool)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->pool = pool;
    ctx->findings = apr_array_make(pool, 32, sizeof(lint_finding));
    ctx->file_disabled = apr_hash_make(pool);
    ctx->seen = apr_hash_make(pool);
    ctx->files = apr_array_make(pool, 32, sizeof(const char *));
    ctx->defines = apr_hash_make(pool);
    ctx->env_set = apr_hash_make(pool);
    ctx->enabled = (1u << LINT_NRULES) - 1;
}

static void note_env_name(lint_ctx *ctx, const char *var)
{
    apr_size_t n;

    var += *var == '!';
    n = strcspn(var, "=:,]");
    apr_hash_set(ctx->env_set, cors_lower_dup(ctx->pool, var, n), APR_HASH_KEY_STRING, "1");
}

/* Every environment variable a directive of the input sets (names without case, as
 * httpd's tables compare them), for a %{NAME}e that nothing sets. */
static void collect_env_set(lint_ctx *ctx, const lint_node *sec, int depth)
{
    const lint_node *n;

    for (n = sec->first_child; n && depth < 200; n = n->next) {
        int i, from = -1;
        if (n->inactive) {
            continue;
        }
        if (n->is_section) {
            collect_env_set(ctx, n, depth + 1);
            continue;
        }
        /* where the variables start: SetEnv sets one (its first word), PassEnv several */
        from = n->kind == LK_SETENV || n->kind == LK_PASSENV              ? 0
               : n->kind == LK_SETENVIFEXPR || n->kind == LK_BROWSERMATCH ? 1
               : n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE   ? 2
                                                                          : -1;
        for (i = from < 0 ? n->argc : from; i < n->argc; i++) {
            note_env_name(ctx, n->argv[i]);
            if (n->kind == LK_SETENV) {
                break;
            }
        }
        if (n->kind == LK_REWRITERULE && n->argc >= 3) {
            const char *f;
            for (f = n->argv[2]; (f = strpbrk(f, "Ee")) != NULL; f++) {
                if (f > n->argv[2] && (f[-1] == '[' || f[-1] == ',')) {
                    if (f[1] == '=') {
                        note_env_name(ctx, f + 2);
                    }
                    else if (strncasecmp(f, "env=", 4) == 0) {
                        note_env_name(ctx, f + 4);
                    }
                }
            }
        }
    }
}

void lint_check(lint_ctx *ctx, apr_array_header_t *roots)
{
    int i;

    lint_cors_prepare(ctx, roots);
    if (ctx->env_set == NULL) {
        ctx->env_set = apr_hash_make(ctx->pool);
    }
    for (i = 0; i < roots->nelts; i++) {
        collect_env_set(ctx, APR_ARRAY_IDX(roots, i, const lint_node *), 0);
    }
    for (i = 0; i < roots->nelts; i++) {
        const lint_node *root = APR_ARRAY_IDX(roots, i, const lint_node *);
        if (root->htaccess_dir && root->parent) {
            judge_htaccess_file(ctx, root);
        }
        else if (root->htaccess_dir) {
            /* on its own: whoever passed it means it to be read */
            lint_cors_read(ctx, root, 0);
            walk_scope(ctx, root, NULL, 0, 0);
        }
        else {
            walk_scope(ctx, root, NULL, 0, 0);
        }
    }
}
