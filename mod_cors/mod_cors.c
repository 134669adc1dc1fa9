/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * mod_cors: CORS for Apache httpd 2.4, correct by construction.
 *
 * Directives (server config, virtual host, <Directory>, <Location>, <Files>, <If>, and
 * .htaccess under AllowOverride FileInfo):
 *
 *   CORSAllowOrigin origin ...        the allow-list; mod_cors is active where one is set
 *   CORSAllowOriginRegex regex ...    extra entries, matched against the whole origin
 *   CORSEnable On|Off                 switch mod_cors off (or back on) in a sub-scope
 *   CORSAllowMethods method ...|*     methods a preflight may ask for (GET HEAD POST always)
 *   CORSAllowHeaders header ...|*     request headers a preflight may ask for
 *   CORSExposeHeaders header ...|*    Access-Control-Expose-Headers on actual responses
 *   CORSAllowCredentials On|Off       Access-Control-Allow-Credentials: true
 *   CORSMaxAge seconds                Access-Control-Max-Age on preflights (0..86400)
 *   CORSAllowPrivateNetwork On|Off    answer Access-Control-Request-Private-Network
 *   CORSPreflight On|Off              answer preflights here, before authentication
 *   CORSPreflightStatus 200|204       status of a granted preflight
 *   CORSOverrideUpstream On|Off       drop Access-Control-* set by handlers and backends
 *   CORSReportOnly On|Off             decide and log only; change nothing
 *   CORSAllowInsecureOrigins On|Off   accept http:// origins with credentials
 *
 * What the directives mean is the core's (core/cors_config.h), shared with cors-lint:
 * the command table below is generated from its table, every handler calls
 * cors_config_set, and the check_config hook runs the core's checks of merged sections.
 * A merged configuration holds pointers only, and a request costs one decision.
 *
 * Request flow: the header_parser hook (after every per-directory merge, .htaccess and
 * <If> included, and before authentication) decides the request, notes the outcome and
 * answers granted preflights itself. An output filter, inserted for normal and error
 * responses alike, writes the decision's headers when the response headers are final,
 * so that proxied and CGI responses, 401s from authentication and ErrorDocument
 * redirects all carry exactly one set.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "ap_regex.h"
#include "apr_atomic.h"
#include "apr_strings.h"

#include <stddef.h>

#include "cors_config.h"
#include "cors_counters.h"
#include "cors_enforce.h"

module AP_MODULE_DECLARE_DATA cors_module;

#define CORS_FILTER "CORS"

/* Per server, computed at start-up. */
typedef struct {
    /* no <Directory>, <Files> or .htaccess can change CORS or set a Header: a preflight
     * is answered without the directory walk */
    int dir_free;
    /* nor can an <If> change CORS: a response mod_cache serves from its quick handler
     * is decided on the <Location> sections of its path */
    int hit_decidable;
    /* some section sets a CORS directive, or an .htaccess can */
    int uses_cors;
    /* this virtual host's counters in shared memory (NULL: off) */
    cors_vhost_counters *counters;
} cors_server_conf;

/* The request fields a preflight reads. httpd has merged repeated fields into one
 * entry, so the first entry of a name is its value, as apr_table_get would return it. */
typedef struct {
    const char *origin, *acrm, *acrh, *acrpn, *content_length, *transfer_encoding;
} cors_req_fields;

/* Per request: the decision, shared with internal redirects of the same request.
 * The translate_name hook may create it before the decision, to keep the fields it read
 * for header_parser; it is the request's decision only once decided is set. */
typedef struct {
    cors_decision d;
    cors_req_fields f;
    int decided;
    int override_upstream;
    int report_only;
} cors_req_ctx;

/* Marks in a request's context slot, never decided and never written: httpd has read
 * the request whole (set before anything else runs for it), or header_parser found
 * mod_cors inactive for it. */
static cors_req_ctx cors_read_mark, cors_done_mark;

static int cors_is_mark(const cors_req_ctx *ctx)
{
    return ctx == &cors_read_mark || ctx == &cors_done_mark;
}

static ap_filter_rec_t *cors_filter_handle, *cors_strip_filter_handle;

/* mod_cache is loaded: responses may be stored, and served without the request
 * passing the hooks that decide it (set at start-up, read-only after). */
static int cors_have_cache;

/* ---- Regexes: httpd's own engine ------------------------------------------------------ */

static void *cors_regex_compile(void *baton, apr_pool_t *pool, const char *pattern, int nocase)
{
    (void)baton;
    return ap_pregcomp(pool, pattern, nocase ? AP_REG_ICASE : 0);
}

static int cors_regex_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    (void)baton;
    return ap_regexec_len((const ap_regex_t *)compiled, s, len, 0, NULL, 0) == 0;
}

/* For the judge at start-up: ap_regex sets no match limit of its own (PCRE2's default,
 * some 0.1 s of backtracking, stays) and has no way to set one, but it tells a give-up
 * (AP_REG_ESPACE for PCRE2_ERROR_MATCHLIMIT, AP_REG_ASSERT for the depth and heap
 * limits) from a plain no. */
static int cors_regex_judge_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    int rc = ap_regexec_len((const ap_regex_t *)compiled, s, len, 0, NULL, 0);

    (void)baton;
    return rc == 0 ? 1 : rc == AP_REG_NOMATCH ? 0 : -1;
}

static const cors_regex_engine cors_ap_regex = {cors_regex_compile, cors_regex_match, NULL,
                                                cors_regex_judge_match};

/* The public suffix list and the engine, for one configuration cycle (pconf). */
static cors_env cors_config_env = {NULL, &cors_ap_regex};

/* ---- Configuration --------------------------------------------------------------- */

static void *cors_create_dir_conf(apr_pool_t *p, char *dir)
{
    (void)dir;
    return cors_config_make(p);
}

static void *cors_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    return cors_config_merge(p, basev, addv);
}

/* Directives are numbered in the order httpd reads them (its walk of the configuration
 * tree), so that of two lines of one section the later is known whatever their files.
 * Only start-up numbers matter; .htaccess files count on, harmlessly. */
static volatile apr_uint32_t cors_directives_read;

static const cors_where *cors_where_of(cmd_parms *cmd)
{
    cors_where *w = apr_pcalloc(cmd->pool, sizeof(*w));

    w->seq = apr_atomic_inc32(&cors_directives_read) + 1;
    if (cmd->directive) {
        w->file = cmd->directive->filename;
        w->line = cmd->directive->line_num;
        w->src = cmd->directive;
    }
    return w;
}

/* The handlers: cmd->info is the directive's row in the core's table. (An ITERATE
 * directive's handler runs once per argument; which argument is only the linter's
 * concern, for columns.) */
static const char *cors_cmd_set(cmd_parms *cmd, void *conf, int argc, char *const argv[])
{
    return cors_config_set(cmd->pool, conf, cmd->info, argc, argv, cors_where_of(cmd), 0,
                           &cors_config_env, NULL);
}

static const char *cors_cmd_take1(cmd_parms *cmd, void *conf, const char *arg)
{
    char *argv[1];

    argv[0] = (char *)arg;
    return cors_cmd_set(cmd, conf, 1, argv);
}

static const char *cors_cmd_argv(cmd_parms *cmd, void *conf, int argc, char *const argv[])
{
    return cors_cmd_set(cmd, conf, argc, argv);
}

static const char *cors_cmd_flag(cmd_parms *cmd, void *conf, int on)
{
    char *argv[1];

    argv[0] = on ? "On" : "Off";
    return cors_cmd_set(cmd, conf, 1, argv);
}

#define CORS_CMD_ITERATE(id, name, field, help)                                                   \
    AP_INIT_ITERATE(name, cors_cmd_take1, (void *)&cors_directives[id], OR_FILEINFO, help)
#define CORS_CMD_TAKE1(id, name, field, help)                                                     \
    AP_INIT_TAKE1(name, cors_cmd_take1, (void *)&cors_directives[id], OR_FILEINFO, help)
#define CORS_CMD_TAKE_ARGV(id, name, field, help)                                                 \
    AP_INIT_TAKE_ARGV(name, cors_cmd_argv, (void *)&cors_directives[id], OR_FILEINFO, help)
#define CORS_CMD_FLAG(id, name, field, help)                                                      \
    AP_INIT_FLAG(name, cors_cmd_flag, (void *)&cors_directives[id], OR_FILEINFO, help)
#define CORS_CMD_FLAG_SLOT(id, name, field, help)                                                 \
    AP_INIT_FLAG(name, ap_set_flag_slot, (void *)offsetof(cors_config, field), OR_FILEINFO, help)
/* the id is pasted at once: httpd.h defines METHODS */
#define CORS_CMD(id, name, how, field, help) CORS_CMD_##how(CORS_D_##id, name, field, help),

/* clang-format off */
static const command_rec cors_cmds[] = {
    CORS_DIRECTIVES(CORS_CMD)
    {NULL}
};
/* clang-format on */

static void *cors_create_server_conf(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf));
}

/* ---- Start-up checks of merged sections --------------------------------------------- */

static apr_array_header_t *cors_sections_of(apr_pool_t *p, apr_array_header_t *vectors,
                                            cors_section_kind kind);

/* A section as the core sees it, with the <Files> of a <Directory> and the <If>
 * sections of any (httpd files them in the enclosing section's core configuration). */
static cors_section *cors_section_of(apr_pool_t *p, ap_conf_vector_t *v, cors_section_kind kind)
{
    const core_dir_config *cd = ap_get_core_module_config(v);
    cors_section *sec = apr_pcalloc(p, sizeof(*sec));

    sec->kind = kind;
    sec->path = cd->d ? cd->d : "";
    sec->pattern = cd->r              ? CORS_PATH_REGEX
                   : cd->d_is_fnmatch ? CORS_PATH_WILDCARD
                                      : CORS_PATH_PLAIN;
    sec->conf = ap_get_module_config(v, &cors_module);
    if (kind == CORS_SEC_DIRECTORY && cd->sec_file) {
        sec->files = cors_sections_of(p, cd->sec_file, CORS_SEC_FILES);
    }
    if (cd->sec_if) {
        sec->ifs = cors_sections_of(p, cd->sec_if, CORS_SEC_IF);
    }
    return sec;
}

static apr_array_header_t *cors_sections_of(apr_pool_t *p, apr_array_header_t *vectors,
                                            cors_section_kind kind)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(cors_section *));
    int i;

    for (i = 0; vectors && i < vectors->nelts; i++) {
        APR_ARRAY_PUSH(out, cors_section *) =
            cors_section_of(p, APR_ARRAY_IDX(vectors, i, ap_conf_vector_t *), kind);
    }
    return out;
}

/* Say what httpd says of a directive it refuses, on the line the core blames. */
static int cors_refuse(server_rec *s, const cors_merge_problem *mp)
{
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                 "Syntax error on line %d of %s:", mp->primary->line,
                 mp->primary->file ? mp->primary->file : "(unknown)");
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, "%s", mp->message);
    return !OK;
}

/* A wildcard over a domain that has public suffixes below it is refused with
 * credentials; without, it is worth a warning. Each entry once. */
static void cors_warn_suffix_below(apr_pool_t *p, server_rec *s, const cors_config *c,
                                   apr_hash_t *warned)
{
    int i;

    for (i = 0; c && c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        if (e->suffix_below && !apr_hash_get(warned, &e, sizeof(e))) {
            apr_hash_set(warned, apr_pmemdup(p, &e, sizeof(e)), sizeof(e), "1");
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_WARNING, 0, s,
                         "mod_cors: CORSAllowOrigin '%s' (line %d of %s) covers the public "
                         "suffix '%s', where anyone can have a site: they can all read the "
                         "responses there",
                         e->source, e->where ? e->where->line : 0,
                         e->where && e->where->file ? e->where->file : "?", e->suffix_below);
        }
    }
}

static void cors_warn_sections(apr_pool_t *p, server_rec *s, const apr_array_header_t *secs,
                               apr_hash_t *warned)
{
    int i;

    for (i = 0; i < secs->nelts; i++) {
        const cors_section *sec = APR_ARRAY_IDX(secs, i, const cors_section *);
        cors_warn_suffix_below(p, s, sec->conf, warned);
        if (sec->files) {
            cors_warn_sections(p, s, sec->files, warned);
        }
    }
}

/* One hook for `apachectl -t` and a real start (as mod_authz_core does): conflicts
 * with credentials, within a section or made by merging sections, are refused here;
 * .htaccess files and what <If> sections merge are checked when a request merges them. */
static int cors_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *main_s)
{
    apr_hash_t *warned = apr_hash_make(ptemp);
    server_rec *s;

    (void)pconf;
    (void)plog;
    for (s = main_s; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const core_dir_config *dflt = ap_get_core_module_config(s->lookup_defaults);
        apr_array_header_t *found = apr_array_make(ptemp, 1, sizeof(cors_merge_problem));
        cors_server_sections srv;

        srv.name = s == main_s
                       ? "the main server"
                       : apr_psprintf(ptemp, "the virtual host on line %d of %s",
                                      s->defn_line_number, s->defn_name ? s->defn_name : "?");
        srv.defaults = ap_get_module_config(s->lookup_defaults, &cors_module);
        srv.main_defaults =
            s == main_s ? NULL : ap_get_module_config(main_s->lookup_defaults, &cors_module);
        srv.ifs = cors_sections_of(ptemp, dflt->sec_if, CORS_SEC_IF);
        srv.files = cors_sections_of(ptemp, dflt->sec_file, CORS_SEC_FILES);
        srv.dirs = cors_sections_of(ptemp, core->sec_dir, CORS_SEC_DIRECTORY);
        srv.locations = cors_sections_of(ptemp, core->sec_url, CORS_SEC_LOCATION);
        cors_sections_check(ptemp, &srv, 1, found);
        if (found->nelts) {
            return cors_refuse(s, &APR_ARRAY_IDX(found, 0, cors_merge_problem));
        }
        cors_warn_suffix_below(ptemp, s, srv.defaults, warned);
        cors_warn_sections(ptemp, s, srv.files, warned);
        cors_warn_sections(ptemp, s, srv.dirs, warned);
        cors_warn_sections(ptemp, s, srv.locations, warned);
    }
    return OK;
}

/* mod_headers, when loaded: its Header lines in a <Directory> or <Files> section are
 * on a preflight answer only when the directory walk merges them. */
static module *cors_headers_module;

/* Does a section, or a <Files> or <If> section nested in it, set a CORS directive, or
 * a Header when headers is set (httpd creates a module's configuration in a section
 * only for a directive of that module)? with_ifs is 0 for the server's defaults, whose
 * <If> sections ap_if_walk merges without the directory walk. */
static int cors_section_sets_cors(ap_conf_vector_t *v, int with_ifs, int headers)
{
    const core_dir_config *cd = ap_get_core_module_config(v);
    int i;

    if (with_ifs &&
        (cors_config_is_set(ap_get_module_config(v, &cors_module)) ||
         (headers && cors_headers_module && ap_get_module_config(v, cors_headers_module)))) {
        return 1;
    }
    for (i = 0; cd->sec_file && i < cd->sec_file->nelts; i++) {
        if (cors_section_sets_cors(APR_ARRAY_IDX(cd->sec_file, i, ap_conf_vector_t *), 1,
                                   headers)) {
            return 1;
        }
    }
    for (i = 0; with_ifs && cd->sec_if && i < cd->sec_if->nelts; i++) {
        if (cors_section_sets_cors(APR_ARRAY_IDX(cd->sec_if, i, ap_conf_vector_t *), 1, headers)) {
            return 1;
        }
    }
    return 0;
}

/* Can a directory-level section or .htaccess set a CORS directive (or a Header) here?
 * A <Directory> (with_ifs), <Files> or nested <If> section that sets one, or a directory
 * that allows FileInfo overrides or has an AllowOverrideList. */
static int cors_dirs_touch_cors(ap_conf_vector_t *v, int with_ifs, int headers)
{
    const core_dir_config *cd = ap_get_core_module_config(v);

    if ((!(cd->override & OR_UNSET) && (cd->override & OR_FILEINFO)) ||
        (cd->override_list && !apr_is_empty_table(cd->override_list))) {
        return 1; /* AllowOverrideList may name a CORS directive: assume it does */
    }
    return cors_section_sets_cors(v, with_ifs, headers);
}

/* Does an <If> section of v (the server's defaults or a <Location>) set a CORS
 * directive? */
static int cors_ifs_set_cors(ap_conf_vector_t *v)
{
    const core_dir_config *cd = ap_get_core_module_config(v);
    int i;

    for (i = 0; cd->sec_if && i < cd->sec_if->nelts; i++) {
        if (cors_section_sets_cors(APR_ARRAY_IDX(cd->sec_if, i, ap_conf_vector_t *), 1, 0)) {
            return 1;
        }
    }
    return 0;
}

/* What can change CORS in server s: its directory-level configuration, its <If>
 * sections; and does anything set it at all? */
static void cors_server_scan(server_rec *s, cors_server_conf *sc)
{
    core_server_config *core = ap_get_core_module_config(s->module_config);
    int i, dir_cors = cors_dirs_touch_cors(s->lookup_defaults, 0, 0);
    int dir_headers = cors_dirs_touch_cors(s->lookup_defaults, 0, 1);
    int ifs = cors_ifs_set_cors(s->lookup_defaults);
    int located = cors_config_is_set(ap_get_module_config(s->lookup_defaults, &cors_module));

    for (i = 0; core->sec_dir && i < core->sec_dir->nelts; i++) {
        ap_conf_vector_t *v = APR_ARRAY_IDX(core->sec_dir, i, ap_conf_vector_t *);
        dir_cors = dir_cors || cors_dirs_touch_cors(v, 1, 0);
        dir_headers = dir_headers || cors_dirs_touch_cors(v, 1, 1);
    }
    for (i = 0; core->sec_url && i < core->sec_url->nelts; i++) {
        ap_conf_vector_t *v = APR_ARRAY_IDX(core->sec_url, i, ap_conf_vector_t *);
        located = located || cors_config_is_set(ap_get_module_config(v, &cors_module));
        ifs = ifs || cors_ifs_set_cors(v);
    }
    sc->dir_free = !dir_headers;
    sc->hit_decidable = !dir_cors && !ifs;
    sc->uses_cors = located || dir_cors || ifs;
}

/* Which servers can answer a preflight before the directory walk (see
 * cors_translate_preflight). */
static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *main_s)
{
    server_rec *s;

    (void)pconf;
    (void)plog;
    (void)ptemp;
    cors_headers_module = ap_find_linked_module("mod_headers.c");
    cors_have_cache = ap_find_linked_module("mod_cache.c") != NULL;
    if (cors_counters_init(main_s) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, main_s,
                     "mod_cors: no shared memory for the counters: they are off");
    }
    for (s = main_s; s; s = s->next) {
        cors_server_conf *sc = ap_get_module_config(s->module_config, &cors_module);
        cors_server_scan(s, sc);
        sc->counters = cors_counters_slot(s);
        if (cors_have_cache && sc->uses_cors && !sc->hit_decidable) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "mod_cors: here <Directory>, <Files>, .htaccess or <If> sections can "
                         "change CORS, and mod_cache may serve a response from its quick "
                         "handler before they are read: such responses get Vary: Origin and "
                         "no CORS grant. Set CacheQuickHandler Off where CacheEnable is, or "
                         "keep the CORS settings in <Location> sections");
        }
    }
    return OK;
}

static apr_status_t cors_psl_reset(void *data)
{
    (void)data;
    cors_config_env.psl = NULL;
    return APR_SUCCESS;
}

static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)ptemp;
    cors_config_env.psl = cors_psl_open(pconf);
    if (!cors_psl_complete(cors_config_env.psl)) {
        ap_log_perror(APLOG_MARK, APLOG_WARNING, 0, plog,
                      "mod_cors: the public suffix list's text is missing (install Debian's "
                      "publicsuffix package): a wildcard over a domain with public suffixes "
                      "below it (https://*.amazonaws.com) cannot be refused with credentials");
    }
    apr_pool_cleanup_register(pconf, NULL, cors_psl_reset, apr_pool_cleanup_null);
    return OK;
}

/* ---- Requests ---------------------------------------------------------------------- */

static cors_req_ctx *cors_ctx(const request_rec *r)
{
    cors_req_ctx *ctx = ap_get_module_config(r->request_config, &cors_module);
    return ctx && ctx->decided ? ctx : NULL;
}

/* Is k "Access-Control-..."? The first five letters are tested inline (they tell
 * Accept-Ranges and Age apart), the rest only when those match. */
static int cors_is_ac(const char *k)
{
    return (k[0] | 0x20) == 'a' && (k[1] | 0x20) == 'c' && (k[2] | 0x20) == 'c' &&
           (k[3] | 0x20) == 'e' && (k[4] | 0x20) == 's' &&
           strncasecmp(k + 5, "s-Control-", 10) == 0;
}

/* Remove every Access-Control-* response header (CORSOverrideUpstream On). One pass
 * over the table; nothing is allocated unless one is found. */
static void cors_unset_ac(apr_table_t *t)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key;
        if (k && cors_is_ac(k)) {
            apr_table_unset(t, k); /* removes every entry of that name */
            arr = apr_table_elts(t);
            e = (const apr_table_entry_t *)arr->elts;
            i = -1;
        }
    }
}

/* Is the field name k, of length len (8 or more), the lower-case literal lit of the same
 * length, made of letters and '-' only? Eight bytes at a time: a letter of lit matches
 * either case of itself (setting bit 0x20 turns only its capital into it), a '-' matches
 * only '-'. The last word overlaps the one before when len is not a multiple of 8. */
static int cors_name_is(const char *k, const char *lit, apr_size_t len)
{
    const apr_uint64_t letters = APR_UINT64_C(0x4040404040404040);
    apr_uint64_t a, b;
    apr_size_t i;

    for (i = 0;; i += 8) {
        if (i + 8 > len) {
            i = len - 8;
        }
        memcpy(&a, k + i, 8);
        memcpy(&b, lit + i, 8);
        if ((a | ((b & letters) >> 1)) != b) {
            return 0;
        }
        if (i + 8 == len) {
            return 1;
        }
    }
}

/* One pass over headers_in instead of a lookup per field: the three
 * Access-Control-Request-* names share their first four letters, which is all
 * apr_table_get's index tells apart, so each lookup compared the others in full.
 * Names are told apart by length, then compared a word at a time. */
static void cors_scan_fields(const apr_table_t *t, cors_req_fields *f)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    memset(f, 0, sizeof(*f));
    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key, **slot = NULL;
        if (k == NULL) {
            continue;
        }
        switch (strlen(k)) {
        case 6: slot = strcasecmp(k, "origin") == 0 ? &f->origin : NULL; break;
        case 14: slot = cors_name_is(k, "content-length", 14) ? &f->content_length : NULL; break;
        case 17:
            slot = cors_name_is(k, "transfer-encoding", 17) ? &f->transfer_encoding : NULL;
            break;
        case 29:
            slot = cors_name_is(k, "access-control-request-method", 29) ? &f->acrm : NULL;
            break;
        case 30:
            slot = cors_name_is(k, "access-control-request-headers", 30) ? &f->acrh : NULL;
            break;
        case 38:
            slot =
                cors_name_is(k, "access-control-request-private-network", 38) ? &f->acrpn : NULL;
            break;
        default: break;
        }
        if (slot && *slot == NULL) {
            *slot = e[i].val;
        }
    }
}

/* Write the decision into the response. This runs when the response headers are final
 * (after mod_proxy has replaced headers_out, after a CGI script's headers, and after
 * ap_send_error_response has moved err_headers_out into headers_out for an error
 * page), so headers_out is the table that is sent. Vary is merged, never replaced:
 * httpd's header filter then folds repeated Vary tokens into one. */
static void cors_apply(request_rec *r, const cors_req_ctx *ctx)
{
    const cors_decision *d = &ctx->d;
    apr_table_t *t = r->headers_out;
    void (*put)(apr_table_t *, const char *, const char *) = apr_table_addn;

    if (ctx->override_upstream) {
        cors_unset_ac(r->headers_out);
        cors_unset_ac(r->err_headers_out);
    }
    else if (apr_table_get(r->headers_out, "Access-Control-Allow-Origin") ||
             apr_table_get(r->err_headers_out, "Access-Control-Allow-Origin")) {
        /* CORSOverrideUpstream Off: the backend answered CORS itself */
        if (d->vary) {
            apr_table_mergen(t, "Vary", d->vary);
        }
        return;
    }
    else {
        put = apr_table_setn; /* other Access-Control-* may be there: replace them */
    }
    if (d->allow_origin) {
        put(t, "Access-Control-Allow-Origin", d->allow_origin);
    }
    if (d->allow_credentials) {
        put(t, "Access-Control-Allow-Credentials", d->allow_credentials);
    }
    if (d->allow_methods) {
        put(t, "Access-Control-Allow-Methods", d->allow_methods);
    }
    if (d->allow_headers) {
        put(t, "Access-Control-Allow-Headers", d->allow_headers);
    }
    if (d->max_age) {
        put(t, "Access-Control-Max-Age", d->max_age);
    }
    if (d->allow_private_network) {
        put(t, "Access-Control-Allow-Private-Network", d->allow_private_network);
    }
    if (d->expose_headers) {
        put(t, "Access-Control-Expose-Headers", d->expose_headers);
    }
    if (d->vary) {
        apr_table_mergen(t, "Vary", d->vary);
    }
}

static cors_req_ctx *cors_decide_hit(request_rec *r);

/* The request's decision, read when the response starts: a response mod_cache serves
 * from its quick handler was never decided before (nothing walked its sections). */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    cors_req_ctx *ctx = cors_ctx(f->r);

    if (ctx == NULL && cors_have_cache) {
        ctx = cors_decide_hit(f->r);
    }
    if (ctx && !ctx->report_only) {
        cors_apply(f->r, ctx);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* After mod_headers (CONTENT_SET) and before mod_cache's CACHE_SAVE (the same type as
 * this one, inserted after it): what the cache stores carries no Access-Control-*
 * header that CORSOverrideUpstream On removes, and the grant comes after the cache,
 * per request (cors_out_filter). With CORSOverrideUpstream Off, an upstream grant is
 * stored with Vary: Origin, so that the cache keeps it for that origin only. */
static apr_status_t cors_strip_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    const cors_req_ctx *ctx = cors_ctx(f->r);
    request_rec *r = f->r;

    if (ctx && !ctx->report_only && ctx->override_upstream) {
        cors_unset_ac(r->headers_out);
        cors_unset_ac(r->err_headers_out);
    }
    else if (ctx && !ctx->report_only &&
             (apr_table_get(r->headers_out, "Access-Control-Allow-Origin") ||
              apr_table_get(r->err_headers_out, "Access-Control-Allow-Origin"))) {
        apr_table_mergen(r->headers_out, "Vary", "Origin");
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static int cors_has_filter(const request_rec *r, const ap_filter_rec_t *frec)
{
    const ap_filter_t *f;

    for (f = r->output_filters; f; f = f->next) {
        if (f->frec == frec) {
            return 1;
        }
    }
    return 0;
}

static void cors_insert_filter(request_rec *r)
{
    cors_req_ctx *ctx = cors_ctx(r);

    /* with mod_cache, the quick handler may have inserted it already */
    if (ctx && !ctx->report_only && !(cors_have_cache && cors_has_filter(r, cors_filter_handle))) {
        ap_add_output_filter_handle(cors_filter_handle, NULL, r, r->connection);
    }
}

/* The first hook httpd runs for a request it has read whole: marked so, for
 * cors_decide_late (a request refused while being read is never decided). Where
 * mod_cache is loaded, this runs before its quick handler, which serves a hit before
 * any section is walked or any other hook of ours runs: the CORS filter goes in now and
 * decides when the response starts if nothing decided before (a hit); the strip
 * filter goes in before mod_cache inserts CACHE_SAVE. Internal redirects pass here too
 * (an ErrorDocument can be a hit). */
static int cors_quick_handler(request_rec *r, int lookup)
{
    const cors_server_conf *sc;

    if (lookup || r->main) {
        return DECLINED;
    }
    if (r->prev == NULL && ap_get_module_config(r->request_config, &cors_module) == NULL) {
        ap_set_module_config(r->request_config, &cors_module, &cors_read_mark);
    }
    sc = ap_get_module_config(r->server->module_config, &cors_module);
    if (cors_have_cache && sc->uses_cors) {
        ap_add_output_filter_handle(cors_strip_filter_handle, NULL, r, r->connection);
        ap_add_output_filter_handle(cors_filter_handle, NULL, r, r->connection);
    }
    return DECLINED;
}

static void cors_log_decision(request_rec *r, const cors_req_ctx *ctx, const char *note)
{
    const cors_decision *d = &ctx->d;
    int denial =
        d->reason && d->outcome != CORS_OUTCOME_PREFLIGHT && d->outcome != CORS_OUTCOME_ALLOWED;

    if (!(denial ? APLOGrinfo(r) : APLOGrdebug(r))) {
        return;
    }
    /* r->uri is decoded (%1b is a raw ESC): escape it; the escaping costs nothing
     * unless the level is enabled */
    if (denial) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "CORS %s %s: %s", note,
                      ap_escape_logitem(r->pool, r->uri), d->reason);
    }
    else {
        /* the origin was validated by the decision: safe to log as it is */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "CORS %s %s %s%s%s", note, r->method,
                      ap_escape_logitem(r->pool, r->uri), d->allow_origin ? " for " : "",
                      d->allow_origin ? d->allow_origin : "");
    }
}

/* Answer a granted preflight here: status, headers, empty body, and DONE, so that
 * neither authentication nor the handler runs. The insert_filter hooks run as they would
 * before a handler, so that the scope's other response headers (mod_headers' "Header
 * always set Strict-Transport-Security"...) are sent too; our own filter, inserted
 * there, writes the CORS headers after them, once. */
static int cors_answer_preflight(request_rec *r, int status, const cors_req_fields *f)
{
    apr_bucket_brigade *bb;

    /* A body announced by Content-Length or Transfer-Encoding is read and dropped now,
     * so that a malformed one is refused instead of answered. Without either header
     * there is no body, and httpd's own discard after DONE is all that is needed. */
    if (f->content_length || f->transfer_encoding) {
        int rv = ap_discard_request_body(r);
        if (rv != OK) {
            return rv;
        }
    }
    ap_run_insert_filter(r);
    r->status = status;
    if (status == HTTP_OK) {
        ap_set_content_length(r, 0);
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    ap_pass_brigade(r->output_filters, bb);
    return DONE;
}

/* Conflicts that only merging shows and that start-up could not see (.htaccess, <If>,
 * regex sections) are logged once per process, at level error. */
static volatile apr_uint32_t cors_merge_conflict_logged;

/* Credentials where a request merged a conflict with them (see above): never granted,
 * and said once. Costs a few comparisons, and only with credentials. */
static void cors_check_request_merge(request_rec *r, const cors_config *c, cors_policy *pol)
{
    apr_array_header_t *found;

    if (!pol->allow_credentials || cors_config_problems(r->pool, c, NULL) == 0) {
        return;
    }
    pol->allow_credentials = 0;
    /* worker threads race for it: the first one logs */
    if (apr_atomic_cas32(&cors_merge_conflict_logged, 1, 0) == 0) {
        found = apr_array_make(r->pool, 1, sizeof(cors_problem));
        cors_config_problems(r->pool, c, found);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_cors: %s; credentials are not granted here",
                      found->nelts ? APR_ARRAY_IDX(found, 0, cors_problem).message : "conflict");
    }
}

/* The request's own origin as the client addressed it: scheme://Host (NULL without a
 * Host). Behind a proxy that terminates TLS, ServerName https://... names the scheme. */
static const char *cors_own_origin(request_rec *r)
{
    const char *host = apr_table_get(r->headers_in, "Host");

    return host ? apr_pstrcat(r->pool, ap_http_scheme(r), "://", host, NULL) : NULL;
}

/* Count a decision in its virtual host's counters: a denial that CORSReportOnly did not
 * make as such. */
static void cors_count_decision(const request_rec *r, const cors_req_ctx *ctx)
{
    const cors_server_conf *sc = ap_get_module_config(r->server->module_config, &cors_module);
    cors_counter which = cors_counter_of(ctx->d.outcome);

    if (ctx->report_only) {
        which = which == CORS_COUNT_GRANTED || which == CORS_COUNT_PREFLIGHTS
                    ? CORS_COUNT_N
                    : CORS_COUNT_REPORT_ONLY;
    }
    cors_count(sc->counters, which);
}

/* Decide the request on its merged configuration c, note and log the outcome. NULL
 * when mod_cors is not active there. The request fields read (all of them for OPTIONS,
 * only Origin otherwise) are kept in ctx->f. */
static cors_req_ctx *cors_decide(request_rec *r, const cors_config *c)
{
    cors_req_ctx *ctx;
    cors_req_fields *f;
    cors_request req;
    cors_policy pol;
    const char *note;
    int same;

    if (!cors_config_policy(c, &pol)) {
        return NULL;
    }
    cors_check_request_merge(r, c, &pol);

    ctx = ap_get_module_config(r->request_config, &cors_module);
    if (ctx == NULL || ctx->decided || cors_is_mark(ctx)) {
        ctx = apr_palloc(r->pool, sizeof(*ctx));
        f = &ctx->f;
        if (r->method_number == M_OPTIONS) {
            cors_scan_fields(r->headers_in, f); /* a preflight reads several */
        }
        else {
            memset(f, 0, sizeof(*f));
            f->origin = apr_table_get(r->headers_in, "Origin");
        }
    }
    f = &ctx->f; /* read by the translate_name hook already, or just now */
    req.method = r->method;
    req.origin = f->origin;
    req.request_method = req.request_headers = req.request_private_network = NULL;
    if (r->method_number == M_OPTIONS && req.origin) {
        /* only a preflight reads these */
        req.request_method = f->acrm;
        req.request_headers = f->acrh;
        req.request_private_network = f->acrpn;
    }

    cors_policy_decide(&pol, &req, r->pool, &ctx->d);
    ctx->decided = 1;
    ctx->override_upstream = c->override_upstream != 0;
    ctx->report_only = c->report_only == 1;
    ap_set_module_config(r->request_config, &cors_module, ctx);

    /* a page's request to its own origin (a form, a POST) needs no CORS: noted as such,
     * neither logged nor counted as a denial */
    same = ctx->d.outcome == CORS_OUTCOME_DENIED_ORIGIN &&
           cors_origin_is_own(f->origin, cors_own_origin(r));
    note = same ? "same-origin" : cors_outcome_str(ctx->d.outcome);
    if (ctx->report_only) {
        note = apr_pstrcat(r->pool, "report-only:", note, NULL);
    }
    apr_table_addn(r->notes, "cors", note); /* decided once: no earlier note */
    if (!same) {
        cors_log_decision(r, ctx, note);
        cors_count_decision(r, ctx);
    }
    return ctx;
}

/* r's path as ap_process_request_internal makes it before it walks <Location>: dot
 * segments removed, unreserved characters decoded, then the other escapes decoded as
 * AllowEncodedSlashes says (a cache hit has the path as the client sent it). NULL when
 * httpd would refuse it. */
static char *cors_decoded_path(request_rec *r)
{
    const core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    char *uri = apr_pstrdup(r->pool, r->uri);
    unsigned flags = AP_UNESCAPE_URL_KEEP_UNRESERVED;

    if (!d->allow_encoded_slashes) {
        flags |= AP_UNESCAPE_URL_FORBID_SLASHES;
    }
    else if (!d->decode_encoded_slashes) {
        flags |= AP_UNESCAPE_URL_KEEP_SLASHES;
    }
    if (!ap_normalize_path(uri, AP_NORMALIZE_NOT_ABOVE_ROOT | AP_NORMALIZE_MERGE_SLASHES |
                                    AP_NORMALIZE_DECODE_UNRESERVED) ||
        ap_unescape_url_ex(uri, flags) != OK) {
        return NULL;
    }
    return uri;
}

/* Merge r's <Location> and <If> sections, as httpd would for its path: decoded as
 * httpd decodes it for a cache hit (decode); for an error httpd raised while decoding
 * it, with what httpd decoded (a bad '%' escape kept); a path above the root is not
 * walked. */
static int cors_walk(request_rec *r, int decode)
{
    const unsigned flags = AP_NORMALIZE_NOT_ABOVE_ROOT | AP_NORMALIZE_MERGE_SLASHES;
    char *uri = decode ? cors_decoded_path(r) : apr_pstrdup(r->pool, r->uri), *sent = r->uri;
    int ok;

    if (uri == NULL) {
        return 0;
    }
    if (!decode && !ap_normalize_path(uri, flags | AP_NORMALIZE_DECODE_UNRESERVED)) {
        strcpy(uri, r->uri);
        if (!ap_normalize_path(uri, flags)) {
            return 0;
        }
    }
    r->uri = uri;
    ok = ap_location_walk(r) == OK && ap_if_walk(r) == OK;
    r->uri = sent;
    return ok;
}

/* A request that ended in an error before header_parser decided it: a URL httpd cannot
 * decode (400 for a bad '%' escape, 404 for an encoded slash: refused before any
 * section is walked), a Redirect or a RewriteRule [R] in server context
 * (translate_name), a map_to_storage failure... Decide it now, on its <Location> and
 * <If> configuration (merged already when the request got past translate_name; walked
 * here otherwise), so that the browser sees the status, or can follow the redirect,
 * instead of a CORS error. Called for the error response itself, or where its
 * ErrorDocument is served. A request refused while it was being read (400, 413, 431:
 * before cors_quick_handler marks it) is not decided: its headers may be incomplete. */
static void cors_decide_late(request_rec *r)
{
    const cors_req_ctx *slot = ap_get_module_config(r->request_config, &cors_module);

    if (slot != &cors_done_mark && cors_ctx(r) == NULL &&
        apr_table_get(r->notes, "cors") == NULL && r->uri && r->uri[0] == '/' &&
        (r->per_dir_config != r->server->lookup_defaults || (slot && cors_walk(r, 0))) &&
        cors_decide(r, ap_get_module_config(r->per_dir_config, &cors_module)) == NULL) {
        ap_set_module_config(r->request_config, &cors_module, &cors_done_mark);
    }
}

/* The decision for a response that nothing decided, where mod_cache is loaded: a hit it
 * serves from its quick handler, for this request or for an internal redirect of it (an
 * ErrorDocument), before any section is walked. Decided on the <Location> and <If>
 * sections of its path, where nothing else can change CORS; elsewhere it gets no
 * grant, and Vary: Origin (the start-up warning says why). */
static cors_req_ctx *cors_decide_hit(request_rec *r)
{
    const cors_server_conf *sc = ap_get_module_config(r->server->module_config, &cors_module);
    request_rec *first = r;
    cors_req_ctx *ctx;

    while (first->prev) {
        first = first->prev;
    }
    if (first != r) {
        /* a redirect keeps the original request's decision (cors_header_parser) */
        if (ap_is_HTTP_ERROR(first->status)) {
            cors_decide_late(first);
        }
        ctx = cors_ctx(first);
        if (ctx) {
            ap_set_module_config(r->request_config, &cors_module, ctx);
        }
        return ctx;
    }
    if (ap_get_module_config(r->request_config, &cors_module) != &cors_read_mark ||
        r->per_dir_config != r->server->lookup_defaults || r->uri == NULL || r->uri[0] != '/') {
        return NULL; /* walked, or decided inactive: nothing to add */
    }
    if (!sc->hit_decidable) {
        apr_table_mergen(r->headers_out, "Vary", "Origin");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "CORS: no grant on a response mod_cache served from its quick handler: "
                      "<Directory>, <Files>, .htaccess or <If> sections can change CORS here");
        return NULL;
    }
    if (!cors_walk(r, 1)) {
        return NULL;
    }
    return cors_decide(r, ap_get_module_config(r->per_dir_config, &cors_module));
}

/* Sec-Fetch-Site as Go's net/http reads it: the first value (httpd joins repeated
 * fields with ", "), trimmed; empty is absent. */
static const char *cors_fetch_site(request_rec *r)
{
    const char *v = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    apr_size_t n;

    if (v == NULL) {
        return NULL;
    }
    v += strspn(v, " \t");
    n = strcspn(v, ", \t");
    return n ? apr_pstrndup(r->pool, v, n) : NULL;
}

/* A refusal counted once: as a refusal (taking back the denial its decision counted),
 * or, in report-only mode, as a would-deny unless the decision counted one already. */
static void cors_count_refusal(request_rec *r, const cors_req_ctx *ctx)
{
    const cors_server_conf *sc = ap_get_module_config(r->server->module_config, &cors_module);
    cors_counter decided = cors_counter_of(ctx->d.outcome);
    int denial = decided != CORS_COUNT_N && decided > CORS_COUNT_GRANTED;

    if (!ctx->report_only) {
        if (denial) {
            cors_uncount(sc->counters, decided);
        }
        cors_count(sc->counters, CORS_COUNT_ENFORCED);
    }
    else if (!denial) {
        cors_count(sc->counters, CORS_COUNT_REPORT_ONLY);
    }
}

static const char *const cors_refused_kind[] = {
    [CORS_ENFORCE_CROSS_SITE] = "a cross-site request",
    [CORS_ENFORCE_SAME_SITE] = "a same-site request",
    [CORS_ENFORCE_FOREIGN_ORIGIN] = "a cross-origin request",
};

/* CORSEnforce: an unsafe cross-origin request from an origin not on the allow-list is
 * refused here, before authentication and the handler (cors_enforce_check says which).
 * Noted enforced:<reason> and logged at info; in report-only mode only noted and logged.
 * Returns non-zero when the request must be refused. */
static int cors_enforce(request_rec *r, const cors_req_ctx *ctx)
{
    const char *note, *origin = ctx->f.origin;
    cors_enforce_verdict v;
    cors_origin parsed;

    if (r->method_number == M_GET || r->method_number == M_OPTIONS) {
        return 0; /* GET, HEAD and OPTIONS always pass: no need to look further */
    }
    v = cors_enforce_check(ctx->d.outcome == CORS_OUTCOME_ALLOWED, r->method, origin,
                           cors_fetch_site(r), cors_own_origin(r));
    if (!cors_enforce_refuses(v)) {
        return 0;
    }
    note = apr_pstrcat(r->pool, ctx->report_only ? "report-only:" : "",
                       "enforced:", cors_enforce_reason(v), NULL);
    apr_table_setn(r->notes, "cors", note);
    cors_count_refusal(r, ctx);
    /* what the client sent is logged escaped, and the origin only when it is one */
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "CORS %s %s %s: %s from %s, not on the allow-list",
                  note, ap_escape_logitem(r->pool, r->method), ap_escape_logitem(r->pool, r->uri),
                  cors_refused_kind[v],
                  origin && cors_origin_parse(origin, &parsed) == CORS_ORIGIN_OK ? parsed.canon
                  : origin ? "an invalid origin"
                           : "no origin");
    return !ctx->report_only;
}

static int cors_header_parser(request_rec *r)
{
    const cors_config *c;
    cors_req_ctx *ctx;
    const char *note;

    if (r->prev) {
        /* An internal redirect (ErrorDocument, DirectoryIndex...): the response is
         * still the original request's, so it keeps the original decision. */
        request_rec *first = r->prev;
        while (first->prev) {
            first = first->prev;
        }
        if (ap_is_HTTP_ERROR(first->status)) {
            cors_decide_late(first); /* an ErrorDocument for an error before the walk */
        }
        ctx = cors_ctx(first);
        if (ctx) {
            ap_set_module_config(r->request_config, &cors_module, ctx);
            note = apr_table_get(first->notes, "cors");
            if (note) {
                apr_table_setn(r->notes, "cors", note);
            }
        }
        return DECLINED;
    }

    c = ap_get_module_config(r->per_dir_config, &cors_module);
    ctx = cors_decide(r, c);
    if (ctx == NULL) {
        /* nothing to decide late, nor to add (cors_decide_hit) */
        ap_set_module_config(r->request_config, &cors_module, &cors_done_mark);
    }
    if (ctx && c->enforce == 1 && cors_enforce(r, ctx)) {
        return HTTP_FORBIDDEN;
    }
    if (ctx == NULL || ctx->report_only || !ctx->d.is_preflight || c->preflight == 0) {
        return DECLINED;
    }
    if (ctx->d.status_forbidden) {
        return HTTP_FORBIDDEN;
    }
    return cors_answer_preflight(r, c->preflight_status ? c->preflight_status : HTTP_NO_CONTENT,
                                 &ctx->f);
}

/* Every error response: decided late if nothing decided it (cors_decide_late). */
static void cors_insert_error_filter(request_rec *r)
{
    if (r->main == NULL && r->prev == NULL) {
        cors_decide_late(r);
    }
    cors_insert_filter(r);
}

/* A preflight that mod_cors answers is answered first: right after httpd has decoded and
 * normalized its path, before any translate_name hook (a server-level RewriteRule [R],
 * or a Redirect in a <Location>, which httpd applies there: a browser never follows a
 * redirected preflight), and without the directory walk (a stat of the path and the
 * <Directory> merges). Only where no directory-level configuration can change CORS or
 * set a response header (dir_free): merge <Location> and <If> now, decide and answer.
 * Otherwise undo and let httpd go on: header_parser answers it after the walk. */
static int cors_translate_preflight(request_rec *r)
{
    const cors_server_conf *sc;
    const cors_config *c;
    cors_req_ctx *ctx;

    if (r->method_number != M_OPTIONS || r->main || r->prev) {
        return DECLINED;
    }
    sc = ap_get_module_config(r->server->module_config, &cors_module);
    if (!sc->dir_free) {
        return DECLINED;
    }
    /* the fields are kept for header_parser's decision (not decided yet) */
    ctx = apr_palloc(r->pool, sizeof(*ctx));
    ctx->decided = 0;
    cors_scan_fields(r->headers_in, &ctx->f);
    ap_set_module_config(r->request_config, &cors_module, ctx);
    if (!ctx->f.acrm || !*ctx->f.acrm || !ctx->f.origin) {
        return DECLINED;
    }
    if (ap_location_walk(r) == OK && ap_if_walk(r) == OK) {
        c = ap_get_module_config(r->per_dir_config, &cors_module);
        if (cors_config_active(c) && c->preflight != 0 && c->report_only != 1 &&
            (ctx = cors_decide(r, c)) != NULL && ctx->d.is_preflight) {
            return ctx->d.status_forbidden
                       ? HTTP_FORBIDDEN
                       : cors_answer_preflight(
                             r, c->preflight_status ? c->preflight_status : HTTP_NO_CONTENT,
                             &ctx->f);
        }
    }
    r->per_dir_config = r->server->lookup_defaults;
    return DECLINED;
}

static void cors_register_hooks(apr_pool_t *p)
{
    static const char *const cache_mod[] = {"mod_cache.c", NULL};

    (void)p;
    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(cors_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_translate_name(cors_translate_preflight, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_header_parser(cors_header_parser, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(cors_quick_handler, NULL, cache_mod, APR_HOOK_FIRST);
    ap_hook_insert_filter(cors_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(cors_insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
    cors_counters_register_hooks();
    /* after mod_headers (CONTENT_SET), so that a "Header set Vary" cannot drop ours */
    cors_filter_handle =
        ap_register_output_filter(CORS_FILTER, cors_out_filter, NULL, AP_FTYPE_CONTENT_SET + 5);
    cors_strip_filter_handle =
        ap_register_output_filter("CORS_STRIP", cors_strip_filter, NULL, AP_FTYPE_CONTENT_SET + 1);
}

AP_DECLARE_MODULE(cors) = {STANDARD20_MODULE_STUFF,
                           cors_create_dir_conf,
                           cors_merge_dir_conf,
                           cors_create_server_conf,
                           NULL,
                           cors_cmds,
                           cors_register_hooks,
                           AP_MODULE_FLAG_NONE};
