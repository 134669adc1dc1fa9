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
 *
 * A child scope that sets a directive replaces the parent's value for that directive.
 * Everything is parsed once at configuration time by the policy core (cors_policy.c);
 * a merged configuration holds pointers only, and a request costs one decision.
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
#include "http_protocol.h"
#include "http_request.h"
#include "ap_regex.h"
#include "apr_strings.h"

#include "cors_policy.h"

module AP_MODULE_DECLARE_DATA cors_module;

#define CORS_UNSET  (-1)
#define CORS_FILTER "CORS"

typedef struct {
    cors_origin_list *origins; /* CORSAllowOrigin; NULL: unset */
    cors_origin_list *regexes; /* CORSAllowOriginRegex; NULL: unset */
    cors_token_list *methods;  /* NULL: unset */
    cors_token_list *headers;
    cors_token_list *expose;
    const char *max_age; /* NULL: unset */
    int enable;          /* CORS_UNSET, 0, 1 */
    int credentials;
    int private_network;
    int preflight;
    int preflight_status; /* 0: unset */
    int override_upstream;
    int report_only;
    /* where credentials / origins were set, for start-up messages about merges */
    const char *credentials_where;
    const char *origins_where;
} cors_dir_conf;

/* Per server: no <Directory>, <Files> or .htaccess can change mod_cors's configuration
 * (computed at start-up), so a preflight can be answered without the directory walk. */
typedef struct {
    int dir_free;
} cors_server_conf;

/* The request fields a preflight reads. httpd has merged repeated fields into one
 * entry, so the first entry of a name is its value, as apr_table_get would return it. */
typedef struct {
    const char *origin, *acrm, *acrh, *acrpn, *content_length, *transfer_encoding;
} cors_req_fields;

/* Per request: the decision, shared with internal redirects of the same request.
 * map_to_storage may create it before the decision, to keep the fields it read for
 * header_parser; it is the request's decision only once decided is set. */
typedef struct {
    cors_decision d;
    cors_req_fields f;
    int decided;
    int override_upstream;
    int report_only;
} cors_req_ctx;

/* The public suffix list, loaded once per configuration cycle (pconf). */
static const psl_ctx_t *cors_psl;

static ap_filter_rec_t *cors_filter_handle;

/* ---- Configuration --------------------------------------------------------------- */

static void *cors_create_dir_conf(apr_pool_t *p, char *dir)
{
    cors_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)dir;
    c->enable = CORS_UNSET;
    c->credentials = CORS_UNSET;
    c->private_network = CORS_UNSET;
    c->preflight = CORS_UNSET;
    c->override_upstream = CORS_UNSET;
    c->report_only = CORS_UNSET;
    return c;
}

#define CORS_MERGE_PTR(f) m->f = add->f ? add->f : base->f
#define CORS_MERGE_INT(f) m->f = (add->f != CORS_UNSET) ? add->f : base->f

static void *cors_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const cors_dir_conf *base = basev, *add = addv;
    cors_dir_conf *m = apr_palloc(p, sizeof(*m));

    CORS_MERGE_PTR(origins);
    CORS_MERGE_PTR(regexes);
    CORS_MERGE_PTR(methods);
    CORS_MERGE_PTR(headers);
    CORS_MERGE_PTR(expose);
    CORS_MERGE_PTR(max_age);
    CORS_MERGE_PTR(credentials_where);
    CORS_MERGE_PTR(origins_where);
    CORS_MERGE_INT(enable);
    CORS_MERGE_INT(credentials);
    CORS_MERGE_INT(private_network);
    CORS_MERGE_INT(preflight);
    CORS_MERGE_INT(override_upstream);
    CORS_MERGE_INT(report_only);
    m->preflight_status = add->preflight_status ? add->preflight_status : base->preflight_status;
    return m;
}

/* The effective policy of a (merged) configuration: pointers only, no allocation. */
static int cors_conf_policy(const cors_dir_conf *c, cors_policy *p)
{
    cors_policy_init(p);
    if (c->enable == 0 || (c->origins == NULL && c->regexes == NULL)) {
        return 0;
    }
    p->origins = c->origins;
    p->origin_regexes = c->regexes;
    p->allow_methods = c->methods;
    p->allow_headers = c->headers;
    p->expose_headers = c->expose;
    p->allow_credentials = c->credentials == 1;
    p->allow_private_network = c->private_network == 1;
    p->max_age = c->max_age;
    return 1;
}

static const char *cors_where(cmd_parms *cmd)
{
    if (cmd->directive && cmd->directive->filename) {
        return apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename,
                            cmd->directive->line_num);
    }
    return "(unknown)";
}

/* Conflicts within one section are refused by the directive that completes them. */
static const char *cors_check_section(cmd_parms *cmd, const cors_dir_conf *c)
{
    cors_policy p;

    cors_policy_init(&p);
    p.origins = c->origins;
    p.origin_regexes = c->regexes;
    p.expose_headers = c->expose;
    p.allow_credentials = c->credentials == 1;
    return cors_policy_check(&p, cmd->pool);
}

static const char *cors_set_origin(cmd_parms *cmd, void *confv, const char *arg)
{
    cors_dir_conf *c = confv;
    const char *err;

    if (c->origins == NULL) {
        c->origins = cors_origin_list_make(cmd->pool);
        c->origins_where = cors_where(cmd);
    }
    err = cors_origin_list_add(c->origins, arg, cors_psl);
    if (err) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    return cors_check_section(cmd, c);
}

/* Regexes are matched against the canonical origin, anchored here. */
static int cors_regex_match(const void *compiled, const char *origin, apr_size_t len)
{
    return ap_regexec_len((const ap_regex_t *)compiled, origin, len, 0, NULL, 0) == 0;
}

static const char *cors_set_origin_regex(cmd_parms *cmd, void *confv, const char *arg)
{
    cors_dir_conf *c = confv;
    ap_regex_t *re;
    const char *anchored;

    if (arg[0] == '\0') {
        return "CORSAllowOriginRegex: empty regex";
    }
    anchored = apr_pstrcat(cmd->pool, "^(?:", arg, ")$", NULL);
    re = ap_pregcomp(cmd->pool, anchored, 0);
    if (re == NULL) {
        return apr_psprintf(cmd->pool,
                            "CORSAllowOriginRegex: '%s' is not a valid regular expression "
                            "(PCRE syntax; it is matched against the whole origin, e.g. "
                            "'https://[a-z0-9-]+\\.preview\\.example\\.com')",
                            arg);
    }
    if (c->regexes == NULL) {
        c->regexes = cors_origin_list_make(cmd->pool);
    }
    cors_origin_list_add_regex(c->regexes, arg, re, cors_regex_match);
    return NULL;
}

static const char *cors_set_tokens(cmd_parms *cmd, cors_token_list **out, cors_token_kind kind,
                                   int argc, char *const argv[])
{
    const char *err;

    if (argc == 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " needs at least one argument", NULL);
    }
    err = cors_token_list_parse(cmd->pool, kind, argc, argv, out);
    if (err) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL);
    }
    return NULL;
}

static const char *cors_set_methods(cmd_parms *cmd, void *confv, int argc, char *const argv[])
{
    cors_dir_conf *c = confv;
    return cors_set_tokens(cmd, &c->methods, CORS_TOKENS_METHODS, argc, argv);
}

static const char *cors_set_headers(cmd_parms *cmd, void *confv, int argc, char *const argv[])
{
    cors_dir_conf *c = confv;
    return cors_set_tokens(cmd, &c->headers, CORS_TOKENS_HEADERS, argc, argv);
}

static const char *cors_set_expose(cmd_parms *cmd, void *confv, int argc, char *const argv[])
{
    cors_dir_conf *c = confv;
    const char *err = cors_set_tokens(cmd, &c->expose, CORS_TOKENS_HEADERS, argc, argv);
    return err ? err : cors_check_section(cmd, c);
}

static const char *cors_set_credentials(cmd_parms *cmd, void *confv, int on)
{
    cors_dir_conf *c = confv;

    c->credentials = on;
    c->credentials_where = cors_where(cmd);
    return cors_check_section(cmd, c);
}

static const char *cors_set_max_age(cmd_parms *cmd, void *confv, const char *arg)
{
    cors_dir_conf *c = confv;
    return cors_max_age_parse(cmd->pool, arg, &c->max_age);
}

static const char *cors_set_preflight_status(cmd_parms *cmd, void *confv, const char *arg)
{
    cors_dir_conf *c = confv;

    (void)cmd;
    if (strcmp(arg, "200") == 0) {
        c->preflight_status = HTTP_OK;
    }
    else if (strcmp(arg, "204") == 0) {
        c->preflight_status = HTTP_NO_CONTENT;
    }
    else {
        return "CORSPreflightStatus must be 200 or 204";
    }
    return NULL;
}

/* On/Off directives store into the int at the offset given in the command table. */
static const char *cors_set_flag(cmd_parms *cmd, void *confv, int on)
{
    *(int *)((char *)confv + (apr_size_t)cmd->info) = on;
    return NULL;
}

#define CORS_FLAG(name, field, help)                                                              \
    AP_INIT_FLAG(name, cors_set_flag, (void *)APR_OFFSETOF(cors_dir_conf, field), OR_FILEINFO,    \
                 help)

static const command_rec cors_cmds[] = {
    AP_INIT_ITERATE("CORSAllowOrigin", cors_set_origin, NULL, OR_FILEINFO,
                    "Allowed origins: scheme://host[:port], scheme://*.domain, "
                    "scheme://host:*, * or null"),
    AP_INIT_ITERATE("CORSAllowOriginRegex", cors_set_origin_regex, NULL, OR_FILEINFO,
                    "Allowed origins as regular expressions matched against the whole "
                    "origin"),
    AP_INIT_TAKE_ARGV("CORSAllowMethods", cors_set_methods, NULL, OR_FILEINFO,
                      "Methods a preflight may ask for, or *"),
    AP_INIT_TAKE_ARGV("CORSAllowHeaders", cors_set_headers, NULL, OR_FILEINFO,
                      "Request headers a preflight may ask for, or *"),
    AP_INIT_TAKE_ARGV("CORSExposeHeaders", cors_set_expose, NULL, OR_FILEINFO,
                      "Response headers scripts may read, or *"),
    AP_INIT_FLAG("CORSAllowCredentials", cors_set_credentials, NULL, OR_FILEINFO,
                 "On: send Access-Control-Allow-Credentials: true"),
    AP_INIT_TAKE1("CORSMaxAge", cors_set_max_age, NULL, OR_FILEINFO,
                  "Seconds browsers may cache a preflight answer (0-86400)"),
    AP_INIT_TAKE1("CORSPreflightStatus", cors_set_preflight_status, NULL, OR_FILEINFO,
                  "Status of a granted preflight answer: 200 or 204"),
    CORS_FLAG("CORSEnable", enable, "Off: mod_cors does nothing in this scope"),
    CORS_FLAG("CORSAllowPrivateNetwork", private_network,
              "On: grant Access-Control-Request-Private-Network"),
    CORS_FLAG("CORSPreflight", preflight, "On: answer preflights here, before authentication"),
    CORS_FLAG("CORSOverrideUpstream", override_upstream,
              "On: replace Access-Control-* headers set by handlers and backends"),
    CORS_FLAG("CORSReportOnly", report_only, "On: decide and log only, change no response"),
    {NULL}};

static void *cors_create_server_conf(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf));
}

static int cors_conf_is_set(const cors_dir_conf *c)
{
    return c && (c->origins || c->regexes || c->methods || c->headers || c->expose || c->max_age ||
                 c->enable != CORS_UNSET || c->credentials != CORS_UNSET ||
                 c->private_network != CORS_UNSET || c->preflight != CORS_UNSET ||
                 c->preflight_status || c->override_upstream != CORS_UNSET ||
                 c->report_only != CORS_UNSET);
}

/* ---- Start-up checks of merged scopes ------------------------------------------- */

/* A conflict split across scopes (credentials in the server, "*" in a <Location>)
 * shows only once merged. Check every section merged onto its server's defaults, as
 * a request there would see it; .htaccess files are checked at request time. */
static int cors_check_merged(apr_pool_t *p, server_rec *s, const cors_dir_conf *c,
                             const char *what)
{
    cors_policy pol;
    const char *err;

    if (!cors_conf_policy(c, &pol)) {
        return OK;
    }
    err = cors_policy_check(&pol, p);
    if (err == NULL) {
        return OK;
    }
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                 "mod_cors: %s (%s, with origins from %s and credentials from %s)", err, what,
                 c->origins_where ? c->origins_where : "a regex",
                 c->credentials_where ? c->credentials_where : "the default");
    return !OK;
}

/* Does every path under section a's path also fall under section b's? Plain paths
 * only (no regex, no wildcard), matched on whole path segments as httpd's walks do. */
static int cors_section_contains(const core_dir_config *b, const core_dir_config *a)
{
    apr_size_t len;

    if (b->r || a->r || b->d_is_fnmatch || a->d_is_fnmatch || !b->d || !a->d) {
        return 0;
    }
    len = strlen(b->d);
    return strncmp(a->d, b->d, len) == 0 &&
           (len == 0 || b->d[len - 1] == '/' || a->d[len] == '/' || a->d[len] == '\0');
}

/* Check each section as a request in it sees it: the server's defaults, then every
 * earlier section of the same kind whose path contains it (<Location /api> before
 * <Location /api/public>), then the section itself. */
static int cors_check_sections(apr_pool_t *p, server_rec *s, apr_array_header_t *secs,
                               const char *kind)
{
    const cors_dir_conf *base = ap_get_module_config(s->lookup_defaults, &cors_module);
    int i, j;

    for (i = 0; secs && i < secs->nelts; i++) {
        ap_conf_vector_t *v = APR_ARRAY_IDX(secs, i, ap_conf_vector_t *);
        const core_dir_config *core = ap_get_core_module_config(v);
        const cors_dir_conf *sec = ap_get_module_config(v, &cors_module);
        cors_dir_conf *m = (cors_dir_conf *)base;

        if (!cors_conf_is_set(sec)) {
            continue;
        }
        for (j = 0; j < i; j++) {
            ap_conf_vector_t *w = APR_ARRAY_IDX(secs, j, ap_conf_vector_t *);
            const cors_dir_conf *outer = ap_get_module_config(w, &cors_module);
            if (cors_conf_is_set(outer) &&
                cors_section_contains(ap_get_core_module_config(w), core)) {
                m = cors_merge_dir_conf(p, m, (void *)outer);
            }
        }
        if (cors_check_merged(p, s, cors_merge_dir_conf(p, m, (void *)sec),
                              apr_psprintf(p, "<%s %s>", kind, core->d ? core->d : "?")) != OK) {
            return !OK;
        }
    }
    return OK;
}

static int cors_check_config(apr_pool_t *pconf, server_rec *main_s)
{
    server_rec *s;

    for (s = main_s; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const cors_dir_conf *base = ap_get_module_config(s->lookup_defaults, &cors_module);
        if (cors_check_merged(pconf, s, base, s->defn_name ? s->defn_name : "server") != OK ||
            cors_check_sections(pconf, s, core->sec_dir, "Directory") != OK ||
            cors_check_sections(pconf, s, core->sec_url, "Location") != OK) {
            return !OK;
        }
    }
    return OK;
}

/* apachectl -t runs no post_config: refuse the configuration here. */
static void cors_test_config_hook(apr_pool_t *pconf, server_rec *s)
{
    if (cors_check_config(pconf, s) != OK) {
        exit(1);
    }
}

/* Does a section, or a <Files> or <If> section nested in it, set a CORS directive?
 * with_ifs is 0 for the server's defaults, whose <If> sections ap_if_walk merges
 * without the directory walk. */
static int cors_section_sets_cors(ap_conf_vector_t *v, int with_ifs)
{
    const core_dir_config *cd = ap_get_core_module_config(v);
    int i;

    if (with_ifs && cors_conf_is_set(ap_get_module_config(v, &cors_module))) {
        return 1;
    }
    for (i = 0; cd->sec_file && i < cd->sec_file->nelts; i++) {
        if (cors_section_sets_cors(APR_ARRAY_IDX(cd->sec_file, i, ap_conf_vector_t *), 1)) {
            return 1;
        }
    }
    for (i = 0; with_ifs && cd->sec_if && i < cd->sec_if->nelts; i++) {
        if (cors_section_sets_cors(APR_ARRAY_IDX(cd->sec_if, i, ap_conf_vector_t *), 1)) {
            return 1;
        }
    }
    return 0;
}

/* Can a directory-level section or .htaccess set a CORS directive here? A <Directory>
 * (with_ifs), <Files> or nested <If> section that sets one, or a directory that allows
 * FileInfo overrides or has an AllowOverrideList. */
static int cors_dirs_touch_cors(ap_conf_vector_t *v, int with_ifs)
{
    const core_dir_config *cd = ap_get_core_module_config(v);

    if ((!(cd->override & OR_UNSET) && (cd->override & OR_FILEINFO)) ||
        (cd->override_list && !apr_is_empty_table(cd->override_list))) {
        return 1; /* AllowOverrideList may name a CORS directive: assume it does */
    }
    return cors_section_sets_cors(v, with_ifs);
}

static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *main_s)
{
    server_rec *s;

    (void)plog;
    (void)ptemp;
    if (cors_check_config(pconf, main_s) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (s = main_s; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        cors_server_conf *sc = ap_get_module_config(s->module_config, &cors_module);
        int i, touched = cors_dirs_touch_cors(s->lookup_defaults, 0);
        for (i = 0; !touched && core->sec_dir && i < core->sec_dir->nelts; i++) {
            touched = cors_dirs_touch_cors(APR_ARRAY_IDX(core->sec_dir, i, ap_conf_vector_t *), 1);
        }
        sc->dir_free = !touched;
    }
    return OK;
}

static apr_status_t cors_psl_reset(void *data)
{
    (void)data;
    cors_psl = NULL;
    return APR_SUCCESS;
}

static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    cors_psl = cors_psl_open(pconf);
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
        case 6:
            slot = strcasecmp(k, "origin") == 0 ? &f->origin : NULL;
            break;
        case 14:
            slot = cors_name_is(k, "content-length", 14) ? &f->content_length : NULL;
            break;
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
            slot = cors_name_is(k, "access-control-request-private-network", 38)
                       ? &f->acrpn
                       : NULL;
            break;
        default:
            break;
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

static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    cors_apply(f->r, f->ctx);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void cors_insert_filter(request_rec *r)
{
    cors_req_ctx *ctx = cors_ctx(r);

    if (ctx && !ctx->report_only) {
        ap_add_output_filter_handle(cors_filter_handle, ctx, r, r->connection);
    }
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
static int cors_merge_conflict_logged;

/* Decide the request on its merged configuration c, note and log the outcome. NULL
 * when mod_cors is not active there. The request fields read (all of them for OPTIONS,
 * only Origin otherwise) are kept in ctx->f. */
static cors_req_ctx *cors_decide(request_rec *r, const cors_dir_conf *c)
{
    cors_req_ctx *ctx;
    cors_req_fields *f;
    cors_request req;
    cors_policy pol;
    const char *note, *err;

    if (!cors_conf_policy(c, &pol)) {
        return NULL;
    }
    err = cors_policy_check(&pol, r->pool);
    if (err) {
        /* never reflect an origin with credentials in a conflicting scope */
        if (!cors_merge_conflict_logged) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_cors: %s; credentials are not granted here", err);
            cors_merge_conflict_logged = 1;
        }
        pol.allow_credentials = 0;
    }

    ctx = ap_get_module_config(r->request_config, &cors_module);
    if (ctx == NULL || ctx->decided) {
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
    f = &ctx->f; /* read by map_to_storage already, or just now */
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

    note = cors_outcome_str(ctx->d.outcome);
    if (ctx->report_only) {
        note = apr_pstrcat(r->pool, "report-only:", note, NULL);
    }
    apr_table_addn(r->notes, "cors", note); /* decided once: no earlier note */
    cors_log_decision(r, ctx, note);
    return ctx;
}

static int cors_header_parser(request_rec *r)
{
    const cors_dir_conf *c;
    cors_req_ctx *ctx;
    const char *note;

    if (r->prev) {
        /* An internal redirect (ErrorDocument, DirectoryIndex...): the response is
         * still the original request's, so it keeps the original decision. */
        const request_rec *first = r->prev;
        while (first->prev) {
            first = first->prev;
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
    if (ctx == NULL || ctx->report_only || !ctx->d.is_preflight || c->preflight == 0) {
        return DECLINED;
    }
    if (ctx->d.status_forbidden) {
        return HTTP_FORBIDDEN;
    }
    return cors_answer_preflight(r, c->preflight_status ? c->preflight_status : HTTP_NO_CONTENT,
                                 &ctx->f);
}

/* An error response to a request that ended before header_parser: a Redirect or a
 * RewriteRule [R] in server context (translate_name), a map_to_storage failure... Decide
 * it now, on its <Location> and <If> configuration (merged already when httpd walks
 * locations before translate_name, as 2.4.x does; merged here when the request got past
 * translate_name), so that such a redirect carries the CORS headers a browser needs to
 * follow it. A request refused while it was being read (400, 413, 431: no file name, no
 * walk) is not decided: its headers may be incomplete. Internal redirects and
 * subrequests are left alone. */
static void cors_insert_error_filter(request_rec *r)
{
    if (cors_ctx(r) == NULL && r->main == NULL && r->prev == NULL &&
        apr_table_get(r->notes, "cors") == NULL && r->uri && r->uri[0] == '/' &&
        (r->per_dir_config != r->server->lookup_defaults ||
         (r->filename && ap_location_walk(r) == OK && ap_if_walk(r) == OK))) {
        cors_decide(r, ap_get_module_config(r->per_dir_config, &cors_module));
    }
    cors_insert_filter(r);
}

/* A preflight that mod_cors will answer needs no directory walk (a stat of the path and
 * the <Directory> merges): where no directory-level configuration can change CORS,
 * merge <Location> and <If> now, and if that scope answers preflights, skip the walk;
 * header_parser answers it. Otherwise undo and let httpd walk as usual. */
static int cors_map_to_storage(request_rec *r)
{
    const cors_server_conf *sc;
    const cors_dir_conf *c;
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
        if (c->enable != 0 && (c->origins || c->regexes) && c->preflight != 0 &&
            c->report_only != 1) {
            return OK;
        }
    }
    r->per_dir_config = r->server->lookup_defaults;
    return DECLINED;
}

static void cors_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(cors_test_config_hook, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_map_to_storage(cors_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_header_parser(cors_header_parser, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(cors_insert_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(cors_insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
    /* after mod_headers (CONTENT_SET), so that a "Header set Vary" cannot drop ours */
    cors_filter_handle =
        ap_register_output_filter(CORS_FILTER, cors_out_filter, NULL, AP_FTYPE_CONTENT_SET + 5);
}

AP_DECLARE_MODULE(cors) = {STANDARD20_MODULE_STUFF,
                           cors_create_dir_conf,
                           cors_merge_dir_conf,
                           cors_create_server_conf,
                           NULL,
                           cors_cmds,
                           cors_register_hooks,
                           AP_MODULE_FLAG_NONE};
