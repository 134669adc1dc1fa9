/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Conflicts made by httpd's merge of sections, found at start-up. A request gets the
 * server's defaults, then the <Directory> sections that contain its file (shortest path
 * first, then the regex ones), then the <Files> sections of the merged result that match
 * its name, then every <Location> that matches its URL in configuration order, then its
 * <If> sections (server/request.c). Which of those meet depends on the request, but
 * some meetings the sections decide alone, and those are checked here:
 *
 *  - a <Directory> with each <Directory> whose path contains it;
 *  - on top of that, each <Files> (top-level or in one of those directories) with the
 *    earlier <Files> of the same name;
 *  - a <Location> with every <Location> whose path is a prefix of its own on a segment
 *    boundary (/x and /x/y, in configuration order, whichever comes first);
 *  - <Location />, which every request merges, over each of the chains above;
 *  - a regex or wildcard section with the server's defaults (and <Location />) only;
 *  - and every section on its own, <If> sections included, whatever the order of its
 *    lines (a later CORSAllowInsecureOrigins On resolves an earlier conflict).
 *
 * What an <If> merges depends on the request, and .htaccess files are read per request:
 * mod_cors checks those merges when a request makes them.
 */
#include "cors_config.h"

#include <stdlib.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>

#define CORS_MAX_CHAIN 64

typedef struct {
    const cors_config *conf;
    const char *label;
} cors_link;

typedef struct {
    apr_pool_t *pool;
    const cors_server_sections *srv;
    apr_array_header_t *out;
    apr_hash_t *seen;
    int stop;
    apr_array_header_t *roots; /* cors_section *: <Location /> sections */
} cors_walk;

static int cors_section_sets(const cors_section *s)
{
    return cors_config_is_set(s->conf);
}

static const char *cors_section_label(apr_pool_t *pool, const cors_section *s)
{
    static const char *const names[] = {"Directory", "Files", "Location", "If"};

    if (s->kind == CORS_SEC_IF) {
        return "an <If> section";
    }
    return apr_psprintf(pool, "<%s%s %s>", names[s->kind],
                        s->pattern == CORS_PATH_REGEX ? "Match" : "", s->path);
}

/* Does configuration c hold w (as the place of one of its directives or entries)? */
static int cors_config_holds(const cors_config *c, const cors_where *w)
{
    const cors_origin_list *lists[2];
    int i, k;

    for (i = 0; i < CORS_D_COUNT; i++) {
        if (c->where[i] == w) {
            return 1;
        }
    }
    lists[0] = c->origins;
    lists[1] = c->regexes;
    for (k = 0; k < 2; k++) {
        for (i = 0; lists[k] && i < cors_origin_list_nentries(lists[k]); i++) {
            if (cors_origin_list_entry(lists[k], i)->where == w) {
                return 1;
            }
        }
    }
    return 0;
}

/* The position of w in the merge: the last link that holds it (a virtual host's
 * defaults hold the main server's lines, which merge first), then where it was read. */
static apr_int64_t cors_rank(const cors_server_sections *srv, const cors_link *chain, int n,
                             const cors_where *w)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        if (cors_config_holds(chain[i].conf, w)) {
            int sub = !(i == 0 && srv->main_defaults && cors_config_holds(srv->main_defaults, w));
            return (apr_int64_t)(2 * i + sub) * 4294967296 +
                   (apr_int64_t)(w->seq ? w->seq % 4294967296 : (unsigned long)w->line);
        }
    }
    return -1;
}

static int cors_later(const cors_server_sections *srv, const cors_link *chain, int n,
                      const cors_where *a, const cors_where *b)
{
    apr_int64_t ra = cors_rank(srv, chain, n, a), rb = cors_rank(srv, chain, n, b);

    if (ra != rb) {
        return ra > rb;
    }
    return strcmp(a->file ? a->file : "", b->file ? b->file : "") > 0;
}

static const char *cors_chain_scope(apr_pool_t *pool, const cors_server_sections *srv,
                                    const cors_link *chain, int n)
{
    const char *scope;
    int i;

    if (n == 1) {
        return srv->name;
    }
    scope = chain[n - 1].label;
    for (i = n - 2; i >= 1; i--) {
        scope = apr_pstrcat(pool, scope, i == n - 2 ? ", merged with " : " and ", chain[i].label,
                            NULL);
    }
    return scope;
}

/* Record the problems of m, the merge of chain (chain[0] is the defaults, or, for a
 * section on its own, the section), each on the directive that merges last. */
static void cors_check_merged(cors_walk *w, const cors_config *m, const cors_link *chain, int n,
                              const char *scope)
{
    apr_array_header_t *found;
    int i;

    found = apr_array_make(w->pool, 2, sizeof(cors_problem));
    cors_config_problems(w->pool, m, found);
    for (i = 0; i < found->nelts; i++) {
        const cors_problem *p = &APR_ARRAY_IDX(found, i, cors_problem);
        const cors_where *primary = p->at, *related = p->credentials, *key[2];
        cors_merge_problem *mp;
        if (p->at == NULL || p->credentials == NULL) {
            continue;
        }
        if (cors_later(w->srv, chain, n, p->credentials, primary)) {
            primary = p->credentials;
            related = p->at;
        }
        if (p->insecure && cors_later(w->srv, chain, n, p->insecure, primary)) {
            primary = p->insecure;
            related = p->at;
        }
        key[0] = primary;
        key[1] = related;
        if (apr_hash_get(w->seen, key, sizeof(key))) {
            continue;
        }
        apr_hash_set(w->seen, apr_pmemdup(w->pool, key, sizeof(key)), sizeof(key), "1");
        mp = apr_array_push(w->out);
        mp->problem = *p;
        mp->primary = primary;
        mp->related = related;
        mp->scope = scope;
        mp->message = apr_psprintf(w->pool, "%s (in %s; with line %d of %s)", p->message,
                                   mp->scope, related->line, related->file ? related->file : "?");
        if (w->stop) {
            return;
        }
    }
}

/* Merge a chain (chain[0] is the defaults) and check what a request there gets. */
static void cors_check_chain(cors_walk *w, const cors_link *chain, int n)
{
    const cors_config *m = chain[0].conf;
    int i;

    if (n > CORS_MAX_CHAIN || (w->stop && w->out->nelts > 0)) {
        return;
    }
    for (i = 1; i < n; i++) {
        m = cors_config_merge(w->pool, m, chain[i].conf);
    }
    if (cors_config_active(m)) {
        cors_check_merged(w, m, chain, n, cors_chain_scope(w->pool, w->srv, chain, n));
    }
}

/* A section on its own, active or not, and the sections inside it. */
static void cors_check_own(cors_walk *w, const cors_section *s)
{
    cors_link one;
    int i;

    if (w->stop && w->out->nelts > 0) {
        return;
    }
    if (cors_config_is_set(s->conf)) {
        one.conf = s->conf;
        one.label = cors_section_label(w->pool, s);
        cors_check_merged(w, s->conf, &one, 1, one.label);
    }
    for (i = 0; s->files && i < s->files->nelts; i++) {
        cors_check_own(w, APR_ARRAY_IDX(s->files, i, const cors_section *));
    }
    for (i = 0; s->ifs && i < s->ifs->nelts; i++) {
        cors_check_own(w, APR_ARRAY_IDX(s->ifs, i, const cors_section *));
    }
}

static void cors_check_own_all(cors_walk *w, const apr_array_header_t *secs)
{
    int i;

    for (i = 0; secs && i < secs->nelts; i++) {
        cors_check_own(w, APR_ARRAY_IDX(secs, i, const cors_section *));
    }
}

/* Check chain, then chain with the <Location /> sections on top. */
static void cors_check_with_roots(cors_walk *w, cors_link *chain, int n)
{
    int i;

    cors_check_chain(w, chain, n);
    if (w->roots->nelts == 0 || n > CORS_MAX_CHAIN || n + w->roots->nelts > CORS_MAX_CHAIN) {
        return;
    }
    for (i = 0; i < w->roots->nelts; i++) {
        const cors_section *r = APR_ARRAY_IDX(w->roots, i, const cors_section *);
        chain[n + i].conf = r->conf;
        chain[n + i].label = cors_section_label(w->pool, r);
    }
    cors_check_chain(w, chain, n + w->roots->nelts);
}

/* Adds s to the chain. A chain of more than CORS_MAX_CHAIN sections (nobody writes one)
 * is marked by a length past it and not checked, rather than checked wrong. */
static int cors_push(cors_walk *w, cors_link *chain, int n, const cors_section *s)
{
    if (n >= CORS_MAX_CHAIN) {
        return CORS_MAX_CHAIN + 1;
    }
    chain[n].conf = s->conf;
    chain[n].label = cors_section_label(w->pool, s);
    return n + 1;
}

/* <Location /x> is merged into a request for /x/y, not /xy (server/request.c). */
static int cors_url_contains(const char *outer, const char *inner)
{
    apr_size_t len = strlen(outer);

    return strncmp(inner, outer, len) == 0 &&
           (len == 0 || outer[len - 1] == '/' || inner[len] == '/' || inner[len] == '\0');
}

int cors_dir_contains(const char *outer, const char *inner)
{
    return strncmp(inner, outer, strlen(outer)) == 0;
}

int cors_dir_components(const char *path)
{
    int n = 0;

    if (strcmp(path, "/") == 0) {
        return 0;
    }
    for (; *path; path++) {
        n += *path == '/';
    }
    return n;
}

/* httpd's order of <Directory> sections (ap_core_reorder_directories): non-regex ones by
 * the number of path components, then the regex ones; configuration order otherwise. */
static int cors_dir_order(const cors_section *const *a, const cors_section *const *b)
{
    const cors_section *x = *a, *y = *b;
    int rx = x->pattern == CORS_PATH_REGEX, ry = y->pattern == CORS_PATH_REGEX;
    int cx = cors_dir_components(x->path), cy = cors_dir_components(y->path);

    if (rx != ry) {
        return rx - ry;
    }
    return cx - cy;
}

/* A stable sort (httpd's keeps configuration order among equals); the sections that set
 * something are few. */
static void cors_sort_dirs(apr_array_header_t *a)
{
    const cors_section **e = (const cors_section **)a->elts;
    int i, j;

    for (i = 1; i < a->nelts; i++) {
        const cors_section *x = e[i];
        for (j = i; j > 0 && cors_dir_order(&e[j - 1], &x) > 0; j--) {
            e[j] = e[j - 1];
        }
        e[j] = x;
    }
}

/* The <Files> chains on top of a directory chain: each <Files> of the merged
 * configuration with the earlier ones of the same name. */
static void cors_check_files(cors_walk *w, cors_link *chain, int n, apr_array_header_t *files)
{
    int i, j, k;

    for (i = 0; i < files->nelts; i++) {
        const cors_section *f = APR_ARRAY_IDX(files, i, const cors_section *);
        if (!cors_section_sets(f)) {
            continue;
        }
        k = n;
        for (j = 0; j < i && !f->pattern; j++) {
            const cors_section *g = APR_ARRAY_IDX(files, j, const cors_section *);
            if (!g->pattern && cors_section_sets(g) && strcmp(g->path, f->path) == 0) {
                k = cors_push(w, chain, k, g);
            }
        }
        k = cors_push(w, chain, k, f);
        cors_check_with_roots(w, chain, k);
    }
}

/* Does a <Directory> set anything, itself or in a <Files> inside it? */
static int cors_dir_sets(const cors_section *d)
{
    int i;

    if (cors_section_sets(d)) {
        return 1;
    }
    for (i = 0; d->files && i < d->files->nelts; i++) {
        if (cors_section_sets(APR_ARRAY_IDX(d->files, i, const cors_section *))) {
            return 1;
        }
    }
    return 0;
}

/* Only the directories that set something matter: the chain of one that sets nothing is
 * the chain of its deepest ancestor that does. */
static void cors_check_dirs(cors_walk *w, cors_link *chain)
{
    apr_array_header_t *sorted = apr_array_make(w->pool, 8, sizeof(const cors_section *));
    int i, j, n;

    for (i = 0; i < w->srv->dirs->nelts; i++) {
        const cors_section *d = APR_ARRAY_IDX(w->srv->dirs, i, const cors_section *);
        if (cors_dir_sets(d)) {
            APR_ARRAY_PUSH(sorted, const cors_section *) = d;
        }
    }
    cors_sort_dirs(sorted);
    for (i = 0; i < sorted->nelts; i++) {
        const cors_section *d = APR_ARRAY_IDX(sorted, i, const cors_section *);
        apr_array_header_t *files = apr_array_copy(w->pool, w->srv->files);
        n = 1;
        for (j = 0; j < sorted->nelts; j++) {
            const cors_section *a = APR_ARRAY_IDX(sorted, j, const cors_section *);
            if (a == d || (!d->pattern && !a->pattern && cors_dir_contains(a->path, d->path))) {
                if (cors_section_sets(a)) {
                    n = cors_push(w, chain, n, a);
                }
                if (a->files) {
                    apr_array_cat(files, a->files);
                }
            }
        }
        if (cors_section_sets(d)) {
            cors_check_with_roots(w, chain, n);
        }
        cors_check_files(w, chain, n, files);
    }
}

static void cors_check_locations(cors_walk *w, cors_link *chain)
{
    const apr_array_header_t *locs = w->srv->locations;
    int i, j, n;

    for (i = 0; i < locs->nelts; i++) {
        const cors_section *l = APR_ARRAY_IDX(locs, i, const cors_section *);
        if (!cors_section_sets(l)) {
            continue;
        }
        /* a regex or wildcard <Location> meets at least every <Location /> */
        n = 1;
        for (j = 0; j < locs->nelts; j++) {
            const cors_section *a = APR_ARRAY_IDX(locs, j, const cors_section *);
            if (a == l ||
                (!a->pattern && cors_section_sets(a) &&
                 (l->pattern ? strcmp(a->path, "/") == 0 : cors_url_contains(a->path, l->path)))) {
                n = cors_push(w, chain, n, a);
            }
        }
        cors_check_chain(w, chain, n);
    }
}

void cors_sections_check(apr_pool_t *pool, const cors_server_sections *srv, int stop_at_first,
                         apr_array_header_t *out)
{
    cors_link chain[CORS_MAX_CHAIN + 1];
    cors_walk w;
    int i;

    w.pool = pool;
    w.srv = srv;
    w.out = out;
    w.stop = stop_at_first;
    w.seen = apr_hash_make(pool);
    w.roots = apr_array_make(pool, 1, sizeof(const cors_section *));
    for (i = 0; srv->locations && i < srv->locations->nelts; i++) {
        const cors_section *l = APR_ARRAY_IDX(srv->locations, i, const cors_section *);
        if (!l->pattern && strcmp(l->path, "/") == 0 && cors_section_sets(l)) {
            APR_ARRAY_PUSH(w.roots, const cors_section *) = l;
        }
    }
    chain[0].conf = srv->defaults;
    chain[0].label = srv->name;
    cors_check_own_all(&w, srv->files);
    cors_check_own_all(&w, srv->dirs);
    cors_check_own_all(&w, srv->locations);
    cors_check_own_all(&w, srv->ifs);
    cors_check_with_roots(&w, chain, 1);
    if (srv->dirs) {
        cors_check_dirs(&w, chain);
    }
    if (srv->files) {
        apr_array_header_t *files = apr_array_copy(pool, srv->files);
        cors_check_files(&w, chain, 1, files);
    }
    if (srv->locations) {
        cors_check_locations(&w, chain);
    }
}
