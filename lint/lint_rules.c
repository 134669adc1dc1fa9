/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Scopes and rules. A scope is a configuration section (server, <VirtualHost>,
 * <Directory>, <Location>, <Files>, <If>, <Proxy>...) or a .htaccess file; its
 * effective configuration folds the directives of the chain of scopes that contain it,
 * in httpd's merge order (server, virtual host, directories shortest first and their
 * .htaccess, files, locations, <If>). mod_headers' Header lines accumulate down the
 * chain; each mod_cors directive is replaced by the deepest scope that sets it, as
 * mod_cors merges. Rules judge each scope's effective configuration; a finding caused
 * by one line is reported once, whatever the number of scopes that inherit it.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint.h"

const lint_rule_info lint_rules[LINT_NRULES] = {
    { "CL000", LINT_ERROR, "The configuration could not be read", "5.0" },
    { "CL001", LINT_ERROR,
      "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true", "7.5" },
    { "CL002", LINT_WARNING, "Origin-dependent Access-Control-Allow-Origin without Vary: Origin",
      "5.3" },
    { "CL003", LINT_WARNING, "Incomplete or invalid Access-Control-Allow-Methods", "3.1" },
    { "CL004", LINT_ERROR, "Unconditional origin reflection", "9.1" },
    { "CL005", LINT_ERROR, "Bypassable origin test", "8.1" },
    { "CL006", LINT_WARNING, "The null origin is allowed", "6.5" },
    { "CL007", LINT_WARNING, "An http:// origin is trusted", "5.9" },
    { "CL008", LINT_WARNING, "CORS header set without 'always': missing on error responses",
      "3.1" },
    { "CL009", LINT_ERROR, "Duplicate CORS grant headers", "5.3" },
    { "CL010", LINT_WARNING, "Preflights will fail authentication", "3.1" },
    { "CL011", LINT_WARNING, "'*' with credentials is a literal name, not a wildcard", "3.1" },
    { "CL012", LINT_ERROR, "Malformed CORS header value", "5.3" },
    { "CL013", LINT_INFO, "Access-Control-Max-Age above what browsers honour", "0.0" },
    { "CL014", LINT_WARNING, "A redirect applies to preflight requests", "3.1" },
    { "CL015", LINT_WARNING, ".htaccess CORS lines that never run (AllowOverride)", "3.1" },
    { "CL016", LINT_ERROR, "mod_cors directive that httpd would refuse", "5.0" },
};

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

/* ---- what a scope holds ---------------------------------------------------------- */

enum {
    CD_ORIGIN, CD_REGEX, CD_ENABLE, CD_METHODS, CD_HEADERS, CD_EXPOSE, CD_CREDENTIALS,
    CD_MAXAGE, CD_PNA, CD_PREFLIGHT, CD_PFSTATUS, CD_OVERRIDE, CD_REPORT, CD_COUNT
};

static const char *const cors_directives[CD_COUNT] = {
    "CORSAllowOrigin", "CORSAllowOriginRegex", "CORSEnable", "CORSAllowMethods",
    "CORSAllowHeaders", "CORSExposeHeaders", "CORSAllowCredentials", "CORSMaxAge",
    "CORSAllowPrivateNetwork", "CORSPreflight", "CORSPreflightStatus",
    "CORSOverrideUpstream", "CORSReportOnly",
};

enum { HK_OTHER, HK_ACAO, HK_ACAC, HK_ACAM, HK_ACAH, HK_ACEH, HK_ACMA, HK_VARY, HK_AC };

typedef struct {
    const lint_node *node;
    int hkind;              /* HK_*: which header, classified once */
    int always;
    const char *action;     /* lower-case */
    const char *name;
    const char *value;
    int value_col;
    const char *cond_env;   /* env=VAR */
    int cond_neg;
    const char *cond_expr;  /* expr=... */
} hdr_action;

/* An environment variable set from a test on the Origin (SetEnvIf Origin, or a
 * RewriteRule E= flag after RewriteCond %{HTTP:Origin}). */
typedef struct {
    const lint_node *node;  /* the directive holding the regex */
    const char *regex;      /* NULL: set with no test at all */
    int regex_col;
    int nocase;
    int reflects;           /* the value copies the origin ($0, %{HTTP:Origin}) */
} env_gate;

typedef struct {
    apr_pool_t *pool;            /* scratch: cleared when the scope's subtree is done */
    const lint_node *node;       /* the scope's section, or a .htaccess root */
    apr_array_header_t *headers; /* hdr_action */
    apr_hash_t *gates;           /* var -> env_gate */
    const lint_node *if_origin;  /* an <If> on the Origin around this scope */
    const char *if_regex;
    int if_regex_nocase;
    const lint_node *cors[CD_COUNT];
    apr_array_header_t *requires;   /* lint_node*: Require needing a user, not exempt */
    int options_exempt;
    apr_hash_t *methods;         /* served method -> lint_node */
    apr_array_header_t *redirects;  /* lint_node* */
    const lint_node *htaccess;   /* the .htaccess root when this scope is one */
    const char *allow_override;  /* NULL: unknown */
} scope_state;

static int is_scope_section(const lint_node *n)
{
    return n->kind == LK_VIRTUALHOST || n->kind == LK_DIRECTORY || n->kind == LK_SCOPE;
}

static int starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int contains_ci(const char *s, const char *needle)
{
    apr_size_t n = strlen(needle);
    char f = (char)(needle[0] | 32);
    for (; s && *s; s++) {
        if ((*s | 32) == f && strncasecmp(s, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- Header lines ------------------------------------------------------------------ */

static int parse_header(apr_pool_t *p, const lint_node *n, hdr_action *h)
{
    int i = 0;
    const char *act;

    memset(h, 0, sizeof(*h));
    h->node = n;
    if (n->argc < 2) {
        return 0;
    }
    if (lint_streq(n->argv[0], "always")) {
        h->always = 1;
        i = 1;
    }
    else if (lint_streq(n->argv[0], "onsuccess")) {
        i = 1;
    }
    if (i + 1 >= n->argc) {
        return 0;
    }
    act = n->argv[i];
    {
        char *lower = apr_pstrdup(p, act), *c;
        for (c = lower; *c; c++) {
            *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
        }
        h->action = lower;
    }
    h->name = n->argv[i + 1];
    i += 2;
    if (strcmp(h->action, "unset") != 0 && strcmp(h->action, "echo") != 0 && i < n->argc) {
        h->value = n->argv[i];
        h->value_col = n->argcol[i];
        i++;
        if (strcmp(h->action, "edit") == 0 || strcmp(h->action, "edit*") == 0) {
            i++;  /* replacement */
        }
    }
    {
        static const struct {
            const char *name;
            int kind;
        } known[] = {
            { "Access-Control-Allow-Origin", HK_ACAO },
            { "Access-Control-Allow-Credentials", HK_ACAC },
            { "Access-Control-Allow-Methods", HK_ACAM },
            { "Access-Control-Allow-Headers", HK_ACAH },
            { "Access-Control-Expose-Headers", HK_ACEH },
            { "Access-Control-Max-Age", HK_ACMA },
        };
        size_t k;
        h->hkind = lint_streq(h->name, "Vary") ? HK_VARY
                   : starts_with_ci(h->name, "Access-Control-") ? HK_AC : HK_OTHER;
        for (k = 0; h->hkind == HK_AC && k < sizeof(known) / sizeof(known[0]); k++) {
            if (lint_streq(h->name, known[k].name)) {
                h->hkind = known[k].kind;
            }
        }
    }
    for (; i < n->argc; i++) {
        const char *c = n->argv[i];
        if (starts_with_ci(c, "env=")) {
            c += 4;
            if (*c == '!') {
                h->cond_neg = 1;
                c++;
            }
            h->cond_env = c;
        }
        else if (starts_with_ci(c, "expr=")) {
            h->cond_expr = c + 5;
        }
    }
    return 1;
}

static int is_grant_action(const hdr_action *h)
{
    return h->value && (!strcmp(h->action, "set") || !strcmp(h->action, "add")
                        || !strcmp(h->action, "append") || !strcmp(h->action, "merge")
                        || !strcmp(h->action, "setifempty"));
}

/* Does a Header value copy the request's Origin? Returns the env var it copies when it
 * goes through one (*var), or "" for a direct copy. */
static const char *value_reflects(const scope_state *st, const char *v)
{
    const char *p;

    if (v == NULL) {
        return NULL;
    }
    if (contains_ci(v, "%{Origin}i") || contains_ci(v, "%{req:Origin}")
        || contains_ci(v, "%{HTTP:Origin}") || contains_ci(v, "%{HTTP_ORIGIN}")) {
        return "";
    }
    for (p = strstr(v, "%{"); p; p = strstr(p + 2, "%{")) {
        const char *e = strchr(p, '}');
        if (e && e[1] == 'e') {
            const char *var = apr_pstrmemdup(st->headers->pool, p + 2, (apr_size_t)(e - p - 2));
            env_gate *g = apr_hash_get(st->gates, var, APR_HASH_KEY_STRING);
            if (g && g->reflects) {
                return var;
            }
        }
    }
    return NULL;
}

/* ---- folding a chain into a scope state -------------------------------------------- */

static void note_methods(scope_state *st, const lint_node *n, int from)
{
    int i;
    for (i = from; i < n->argc; i++) {
        const char *m = n->argv[i];
        if (strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "POST") && strcmp(m, "OPTIONS")
            && strcmp(m, "TRACE") && strcmp(m, "CONNECT")) {
            apr_hash_set(st->methods, m, APR_HASH_KEY_STRING, n);
        }
    }
}

static const char *rewrite_flag_env(apr_pool_t *p, const char *flags, int *reflects)
{
    /* [E=VAR:value,...] */
    const char *e = flags;
    while ((e = strstr(e, "E=")) != NULL) {
        const char *colon, *end;
        if (e != flags && e[-1] != '[' && e[-1] != ',') {
            e += 2;
            continue;
        }
        colon = strchr(e, ':');
        end = e + strcspn(e, ",]");
        if (colon && colon < end) {
            const char *val = apr_pstrmemdup(p, colon + 1, (apr_size_t)(end - colon - 1));
            *reflects = contains_ci(val, "%{HTTP:Origin}") || strstr(val, "%0")
                        || strstr(val, "%1");
            return apr_pstrmemdup(p, e + 2, (apr_size_t)(colon - e - 2));
        }
        e = end;
    }
    return NULL;
}

static int rewrite_flag_redirect(const char *flags)
{
    const char *r;
    if (flags == NULL || flags[0] != '[') {
        return 0;
    }
    for (r = flags; (r = strchr(r, 'R')) != NULL; r++) {
        if (r[-1] == '[' || r[-1] == ',') {
            if (r[1] == '=' ) {
                int code = atoi(r + 2);
                if (strncasecmp(r + 2, "permanent", 9) == 0 || strncasecmp(r + 2, "temp", 4) == 0
                    || strncasecmp(r + 2, "seeother", 8) == 0) {
                    return 1;
                }
                return code >= 300 && code < 400;
            }
            if (r[1] == ',' || r[1] == ']') {
                return 1;
            }
        }
    }
    return 0;
}

/* The directives of one scope section: its children, looking through the conditional
 * and method containers, but not into nested scopes. */
static void fold_directives(lint_ctx *ctx, scope_state *st, const lint_node *sec,
                            const lint_node *limit)
{
    const lint_node *n;
    /* RewriteCond %{HTTP:Origin} / %{REQUEST_METHOD} before the next RewriteRule */
    const lint_node *origin_cond = NULL;
    int origin_cond_idx = 0, method_cond = 0; /* 1: only OPTIONS, -1: excludes OPTIONS */

    for (n = sec->first_child; n; n = n->next) {
        if (n->inactive) {
            continue;
        }
        if (n->is_section) {
            if (n->kind == LK_LIMIT || n->kind == LK_LIMITEXCEPT) {
                if (n->kind == LK_LIMIT) {
                    note_methods(st, n, 0);
                }
                /* <LimitExcept> restricts access; it says nothing of what is served */
                fold_directives(ctx, st, n, n);
            }
            else if (!is_scope_section(n)) {
                fold_directives(ctx, st, n, limit);  /* IfModule, IfDefine, IfVersion... */
            }
            continue;
        }
        if (n->kind == LK_HEADER) {
            hdr_action h;
            if (parse_header(st->pool, n, &h)) {
                *(hdr_action *)apr_array_push(st->headers) = h;
            }
        }
        else if ((n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE)
                 && n->argc >= 3 && (lint_streq(n->argv[0], "Origin")
                                     || lint_streq(n->argv[0], "HTTP_ORIGIN"))) {
            int i;
            for (i = 2; i < n->argc; i++) {
                const char *eq = strchr(n->argv[i], '=');
                env_gate *g = apr_pcalloc(st->pool, sizeof(*g));
                const char *var = n->argv[i];
                g->node = n;
                g->regex = n->argv[1];
                g->regex_col = n->argcol[1];
                g->nocase = n->kind == LK_SETENVIFNOCASE;
                if (eq) {
                    var = apr_pstrmemdup(st->pool, var, (apr_size_t)(eq - var));
                    g->reflects = strchr(eq + 1, '$') != NULL;
                }
                if (*var == '!') {
                    continue;
                }
                apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
            }
        }
        else if (n->kind == LK_REWRITECOND && n->argc >= 2) {
            if (contains_ci(n->argv[0], "%{HTTP:Origin}")
                || contains_ci(n->argv[0], "%{HTTP_ORIGIN}")) {
                origin_cond = n;
                origin_cond_idx = 1;
            }
            else if (contains_ci(n->argv[0], "%{REQUEST_METHOD}")) {
                const char *re = n->argv[1];
                int neg = re[0] == '!';
                if (contains_ci(re, "OPTIONS")) {
                    method_cond = neg ? -1 : 1;
                }
            }
        }
        else if (n->kind == LK_REWRITERULE && n->argc >= 2) {
            const char *flags = n->argc >= 3 ? n->argv[2] : NULL;
            int reflects = 0;
            const char *var = flags ? rewrite_flag_env(st->pool, flags, &reflects) : NULL;
            if (var) {
                env_gate *g = apr_pcalloc(st->pool, sizeof(*g));
                g->node = origin_cond ? origin_cond : n;
                g->regex = origin_cond ? origin_cond->argv[origin_cond_idx] : NULL;
                g->regex_col = origin_cond ? origin_cond->argcol[origin_cond_idx] : 0;
                g->nocase = origin_cond && origin_cond->argc >= 3
                            && contains_ci(origin_cond->argv[2], "NC");
                g->reflects = reflects;
                if (origin_cond || reflects) {
                    apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                }
            }
            if (flags && rewrite_flag_redirect(flags) && method_cond != -1) {
                APR_ARRAY_PUSH(st->redirects, const lint_node *) = n;
            }
            origin_cond = NULL;
            method_cond = 0;
        }
        else if (n->kind == LK_REDIRECT
                 && !(n->argc >= 1 && (lint_streq(n->argv[0], "gone")
                                       || lint_streq(n->argv[0], "410")))) {
            APR_ARRAY_PUSH(st->redirects, const lint_node *) = n;
        }
        else if (n->kind == LK_REQUIRE && n->argc >= 1) {
            if (lint_streq(n->argv[0], "method")) {
                int i;
                for (i = 1; i < n->argc; i++) {
                    st->options_exempt |= strcmp(n->argv[i], "OPTIONS") == 0;
                }
            }
            else if (lint_streq(n->argv[0], "valid-user") || lint_streq(n->argv[0], "user")
                     || lint_streq(n->argv[0], "group") || lint_streq(n->argv[0], "ldap-user")
                     || lint_streq(n->argv[0], "ldap-group")
                     || lint_streq(n->argv[0], "file-owner")) {
                int exempt = 0;
                if (limit) {
                    int j, listed = 0;
                    for (j = 0; j < limit->argc; j++) {
                        listed |= strcmp(limit->argv[j], "OPTIONS") == 0;
                    }
                    exempt = limit->kind == LK_LIMITEXCEPT ? listed : !listed;
                }
                if (!exempt) {
                    APR_ARRAY_PUSH(st->requires, const lint_node *) = n;
                }
            }
            else if (lint_streq(n->argv[0], "all")) {
                st->requires->nelts = 0;  /* Require all granted/denied replaces */
            }
        }
        else if (n->kind == LK_ALLOWMETHODS) {
            note_methods(st, n, 0);
        }
        else if (n->kind == LK_SCRIPT && n->argc >= 1) {
            note_methods(st, n, 0);
        }
        else if (n->kind == LK_DAV && n->argc >= 1 && !lint_streq(n->argv[0], "Off")) {
            static const char *const dav[] = { "PUT", "DELETE", "PROPFIND", "PROPPATCH",
                                               "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK" };
            size_t k;
            for (k = 0; k < sizeof(dav) / sizeof(dav[0]); k++) {
                apr_hash_set(st->methods, dav[k], APR_HASH_KEY_STRING, n);
            }
        }
        else if (n->kind == LK_ALLOWOVERRIDE && n->argc >= 1) {
            const char *ao = n->args_raw;
            while (*ao == ' ' || *ao == '\t') {
                ao++;
            }
            st->allow_override = ao;
        }
        else if (n->kind == LK_CORS) {
            int d;
            for (d = 0; d < CD_COUNT; d++) {
                if (lint_streq(n->name, cors_directives[d])) {
                    st->cors[d] = n;
                }
            }
        }
    }
}

/* <If "%{HTTP:Origin} =~ /re/"> (or %{HTTP_ORIGIN}, m#re#, -strmatch, ==). */
static void note_if_origin(apr_pool_t *p, scope_state *st, const lint_node *sec)
{
    const char *e = sec->args_raw, *op;
    char delim;
    const char *start, *end;

    if (!(lint_streq(sec->name, "If") || lint_streq(sec->name, "ElseIf")) || e == NULL
        || !(contains_ci(e, "%{HTTP:Origin}") || contains_ci(e, "%{HTTP_ORIGIN}")
             || contains_ci(e, "req('Origin')") || contains_ci(e, "req(\"Origin\")"))) {
        return;
    }
    st->if_origin = sec;
    st->if_regex = NULL;
    op = strstr(e, "=~");
    if (op == NULL) {
        return;
    }
    op += 2;
    while (*op == ' ') {
        op++;
    }
    if (*op == 'm') {
        op++;
    }
    delim = *op;
    if (delim == '\0') {
        return;
    }
    start = op + 1;
    end = strchr(start, delim);
    if (end) {
        st->if_regex = apr_pstrmemdup(p, start, (apr_size_t)(end - start));
        st->if_regex_nocase = end[1] == 'i';
    }
}

static scope_state *state_make(apr_pool_t *p)
{
    scope_state *st = apr_pcalloc(p, sizeof(*st));
    st->pool = p;
    st->headers = apr_array_make(p, 8, sizeof(hdr_action));
    st->gates = apr_hash_make(p);
    st->requires = apr_array_make(p, 2, sizeof(const lint_node *));
    st->methods = apr_hash_make(p);
    st->redirects = apr_array_make(p, 2, sizeof(const lint_node *));
    return st;
}

/* Copy a state for a child scope: arrays and hashes are duplicated, so siblings do
 * not see each other's directives. */
static scope_state *state_copy(apr_pool_t *p, const scope_state *parent)
{
    scope_state *st = apr_pmemdup(p, parent, sizeof(*st));
    st->pool = p;
    st->headers = apr_array_copy(p, parent->headers);
    st->gates = apr_hash_copy(p, parent->gates);
    st->requires = apr_array_copy(p, parent->requires);
    st->methods = apr_hash_copy(p, parent->methods);
    st->redirects = apr_array_copy(p, parent->redirects);
    return st;
}

/* ---- findings helpers ------------------------------------------------------------ */

/* The grant in effect for one header: the last set, unless unset after it. */
static const hdr_action *find_header(const scope_state *st, int hkind)
{
    int i;
    const hdr_action *last = NULL;
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind != hkind) {
            continue;
        }
        if (is_grant_action(h)) {
            last = h;
        }
        else if (!strcmp(h->action, "unset")) {
            last = NULL;
        }
    }
    return last;
}

static int cors_active(const scope_state *st)
{
    const lint_node *en = st->cors[CD_ENABLE];
    return (st->cors[CD_ORIGIN] || st->cors[CD_REGEX])
           && !(en && en->argc && lint_streq(en->argv[0], "Off"));
}

static int cors_flag(const scope_state *st, int d, int dflt)
{
    const lint_node *n = st->cors[d];
    if (n == NULL || n->argc < 1) {
        return dflt;
    }
    return lint_streq(n->argv[0], "On");
}

static int credentials_on(const scope_state *st, const hdr_action **acac)
{
    const hdr_action *h = find_header(st, HK_ACAC);
    if (acac) {
        *acac = h;
    }
    return h && h->value && strcasecmp(h->value, "true") == 0;
}

static int is_loopback_origin(const char *o)
{
    return strstr(o, "://localhost") || strstr(o, "://127.") || strstr(o, "://[::1]");
}

/* ---- the rules ------------------------------------------------------------------- */

static void rule_cors_directives(lint_ctx *ctx, const lint_node *n, const psl_ctx_t *psl)
{
    apr_pool_t *p = ctx->pool;
    int d, known = -1;

    for (d = 0; d < CD_COUNT; d++) {
        if (lint_streq(n->name, cors_directives[d])) {
            known = d;
        }
    }
    if (known < 0) {
        /* did you mean: the known name at the smallest edit distance */
        int best = 1000, bi = 0;
        for (d = 0; d < CD_COUNT; d++) {
            const char *a = n->name, *b = cors_directives[d];
            int la = (int)strlen(a), lb = (int)strlen(b), i, j;
            int *prev = calloc((size_t)lb + 1, sizeof(int)), *cur = calloc((size_t)lb + 1,
                                                                             sizeof(int));
            if (!prev || !cur || la > 200) {
                free(prev);
                free(cur);
                continue;
            }
            for (j = 0; j <= lb; j++) {
                prev[j] = j;
            }
            for (i = 1; i <= la; i++) {
                cur[0] = i;
                for (j = 1; j <= lb; j++) {
                    int cost = (a[i - 1] | 32) == (b[j - 1] | 32) ? 0 : 1;
                    int v = prev[j - 1] + cost;
                    if (prev[j] + 1 < v) v = prev[j] + 1;
                    if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
                    cur[j] = v;
                }
                memcpy(prev, cur, sizeof(int) * ((size_t)lb + 1));
            }
            if (prev[lb] < best) {
                best = prev[lb];
                bi = d;
            }
            free(prev);
            free(cur);
        }
        lint_add(ctx, CL016, n, 0, NULL, "unknown mod_cors directive %s%s%s%s", n->name,
                 best <= 4 ? " (did you mean " : "", best <= 4 ? cors_directives[bi] : "",
                 best <= 4 ? "?)" : "");
        return;
    }
    switch (known) {
    case CD_ORIGIN: {
        cors_origin_list *l = cors_origin_list_make(p);
        int i;
        if (n->argc == 0) {
            lint_add(ctx, CL016, n, 0, NULL, "CORSAllowOrigin needs at least one origin");
        }
        for (i = 0; i < n->argc; i++) {
            const char *err = cors_origin_list_add(l, n->argv[i], psl);
            if (err) {
                lint_add(ctx, CL016, n, n->argcol[i], NULL, "CORSAllowOrigin: %s", err);
            }
        }
        break;
    }
    case CD_REGEX: {
        int i;
        for (i = 0; i < n->argc; i++) {
            const char *anchored = apr_pstrcat(p, "^(?:", n->argv[i], ")$", NULL);
            if (lint_regex_match(ctx, anchored, 0, "") < 0) {
                lint_add(ctx, CL016, n, n->argcol[i], NULL,
                         "CORSAllowOriginRegex: '%s' is not a valid regular expression",
                         n->argv[i]);
            }
        }
        break;
    }
    case CD_METHODS:
    case CD_HEADERS:
    case CD_EXPOSE: {
        cors_token_list *tl;
        const char *err;
        if (n->argc == 0) {
            lint_add(ctx, CL016, n, 0, NULL, "%s needs at least one argument", n->name);
            break;
        }
        err = cors_token_list_parse(p, known == CD_METHODS ? CORS_TOKENS_METHODS
                                                           : CORS_TOKENS_HEADERS,
                                    n->argc, (char *const *)n->argv, &tl);
        if (err) {
            lint_add(ctx, CL016, n, 0, NULL, "%s: %s", cors_directives[known], err);
        }
        break;
    }
    case CD_MAXAGE: {
        const char *v;
        const char *err = n->argc == 1 ? cors_max_age_parse(p, n->argv[0], &v)
                                       : "CORSMaxAge takes one argument";
        if (err) {
            lint_add(ctx, CL016, n, n->argc ? n->argcol[0] : 0, NULL, "%s", err);
        }
        break;
    }
    case CD_PFSTATUS:
        if (n->argc != 1 || (strcmp(n->argv[0], "200") && strcmp(n->argv[0], "204"))) {
            lint_add(ctx, CL016, n, n->argc ? n->argcol[0] : 0, NULL,
                     "CORSPreflightStatus must be 200 or 204");
        }
        break;
    default:
        if (n->argc != 1 || !(lint_streq(n->argv[0], "On") || lint_streq(n->argv[0], "Off"))) {
            lint_add(ctx, CL016, n, n->argc ? n->argcol[0] : 0, NULL,
                     "%s must be On or Off", cors_directives[known]);
        }
    }
}

/* The effective mod_cors policy of a scope, built with the module's own code. */
static int scope_policy(const scope_state *st, const psl_ctx_t *psl,
                        cors_policy *pol)
{
    cors_policy_init(pol);
    if (!cors_active(st)) {
        return 0;
    }
    if (st->cors[CD_ORIGIN]) {
        cors_origin_list *l = cors_origin_list_make(st->pool);
        int i;
        for (i = 0; i < st->cors[CD_ORIGIN]->argc; i++) {
            cors_origin_list_add(l, st->cors[CD_ORIGIN]->argv[i], psl);
        }
        pol->origins = l;
    }
    if (st->cors[CD_EXPOSE]) {
        cors_token_list *tl = NULL;
        if (cors_token_list_parse(st->pool, CORS_TOKENS_HEADERS, st->cors[CD_EXPOSE]->argc,
                                  (char *const *)st->cors[CD_EXPOSE]->argv, &tl) == NULL) {
            pol->expose_headers = tl;
        }
    }
    pol->allow_credentials = cors_flag(st, CD_CREDENTIALS, 0);
    return 1;
}

static void judge_gate_regex(lint_ctx *ctx, const lint_node *n, const char *regex, int col,
                             int nocase, int reflects, int credentials, const char *what)
{
    const char *intended = NULL;
    const char *attack = lint_regex_attack(ctx, regex, nocase, &intended);

    if (attack == NULL) {
        if (lint_regex_match(ctx, regex, nocase, "null") == 1) {
            lint_add(ctx, CL006, n, col, NULL,
                     "%s '%s' accepts the null origin (sandboxed iframes and file: pages "
                     "send it, and attackers can produce it)", what, regex);
        }
        return;
    }
    if (strcmp(attack, "https://evil.example") == 0 && reflects) {
        lint_add(ctx, CL004, n, col, NULL,
                 "%s '%s' accepts any origin, so the reflected Access-Control-Allow-Origin "
                 "trusts every site%s", what, regex,
                 credentials ? ", with credentials: any page can read authenticated "
                               "responses" : "");
        return;
    }
    lint_add(ctx, CL005, n, col, NULL,
             "%s '%s' meant for %s also accepts the attacker origin '%s'; anchor it "
             "(^...$) and escape the dots", what, regex, intended ? intended : "its origins",
             attack);
}

static void judge_scope(lint_ctx *ctx, const scope_state *st, const psl_ctx_t *psl)
{
    const hdr_action *acao = find_header(st, HK_ACAO);
    const hdr_action *acac = NULL, *acam, *acah, *aceh, *acma, *vary;
    int creds = credentials_on(st, &acac);
    int mod_cors = cors_active(st);
    int report_only = cors_flag(st, CD_REPORT, 0);
    int i;
    cors_policy pol;
    const char *reflect_var = acao ? value_reflects(st, acao->value) : NULL;
    int origin_gated = 0;
    const env_gate *gate = NULL;

    acam = find_header(st, HK_ACAM);
    acah = find_header(st, HK_ACAH);
    aceh = find_header(st, HK_ACEH);
    acma = find_header(st, HK_ACMA);
    vary = NULL;
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind == HK_VARY && h->value && contains_ci(h->value, "Origin")) {
            vary = h;
        }
    }
    if (acao && acao->cond_env && !acao->cond_neg) {
        gate = apr_hash_get(st->gates, acao->cond_env, APR_HASH_KEY_STRING);
    }
    if (acao && reflect_var && *reflect_var) {
        gate = apr_hash_get(st->gates, reflect_var, APR_HASH_KEY_STRING);
    }
    origin_gated = gate != NULL || st->if_origin != NULL
                   || (acao && acao->cond_expr && contains_ci(acao->cond_expr, "Origin"));

    /* CL001: "*" with credentials */
    if (acao && acao->value && strcmp(acao->value, "*") == 0 && creds) {
        lint_add(ctx, CL001, acac->node, 0, acao->node,
                 "Access-Control-Allow-Credentials: true with Access-Control-Allow-Origin: *; "
                 "browsers reject credentialed responses with a wildcard origin");
    }
    if (mod_cors && scope_policy(st, psl, &pol)) {
        const char *err = cors_policy_check(&pol, st->pool);
        const lint_node *cr = st->cors[CD_CREDENTIALS];
        const lint_node *other = (pol.origins && cors_origin_list_has_any(pol.origins))
                                     ? st->cors[CD_ORIGIN] : st->cors[CD_EXPOSE];
        if (err && cr && other) {
            if (cr->parent == other->parent) {
                lint_add(ctx, CL016, cr, 0, other, "%s", err);
            }
            else {
                lint_add(ctx, pol.origins && cors_origin_list_has_any(pol.origins) ? CL001
                                                                                   : CL016,
                         cr, 0, other, "%s (once the scopes are merged)", err);
            }
        }
    }

    /* CL004, CL005: reflection and the tests that gate it */
    if (acao && reflect_var && !origin_gated) {
        lint_add(ctx, CL004, acao->node, acao->value_col, NULL,
                 "Access-Control-Allow-Origin reflects the request's Origin with no "
                 "allow-list test%s; list the trusted origins (SetEnvIf Origin "
                 "\"^https://app\\.example\\.com$\" ... env=...) or use mod_cors",
                 creds ? ", with credentials: any site can read authenticated responses"
                       : "");
    }
    if (acao && gate && gate->regex && (reflect_var || creds)) {
        judge_gate_regex(ctx, gate->node, gate->regex, gate->regex_col, gate->nocase,
                         reflect_var != NULL, creds, "the Origin test");
    }
    else if (acao && gate && !gate->regex && reflect_var) {
        lint_add(ctx, CL004, gate->node, 0, acao->node,
                 "%s copies the Origin into %s with no test, and "
                 "Access-Control-Allow-Origin reflects it", gate->node->name, reflect_var);
    }
    if (acao && st->if_origin && st->if_regex && (reflect_var || creds)) {
        judge_gate_regex(ctx, st->if_origin, st->if_regex, 0, st->if_regex_nocase,
                         reflect_var != NULL, creds, "the <If> Origin test");
    }
    if (mod_cors && st->cors[CD_REGEX]) {
        const lint_node *rn = st->cors[CD_REGEX];
        for (i = 0; i < rn->argc; i++) {
            const char *anchored = apr_pstrcat(st->pool, "^(?:", rn->argv[i], ")$", NULL);
            judge_gate_regex(ctx, rn, anchored, rn->argcol[i], 0, 1,
                             cors_flag(st, CD_CREDENTIALS, 0), "CORSAllowOriginRegex");
        }
    }

    /* CL002: origin-dependent answer without Vary: Origin */
    if (acao && (reflect_var || origin_gated) && !vary && !mod_cors) {
        lint_add(ctx, CL002, acao->node, 0, NULL,
                 "Access-Control-Allow-Origin depends on the request's Origin but the "
                 "responses do not carry Vary: Origin; add 'Header always merge Vary Origin'");
    }

    /* CL003: methods */
    if (acao || mod_cors) {
        apr_hash_index_t *hi;
        const char *missing = NULL;
        if (acam && acam->value && strcmp(acam->value, "*") != 0) {
            char *copy = apr_pstrdup(st->pool, acam->value), *tok, *last;
            for (tok = apr_strtok(copy, ", ", &last); tok; tok = apr_strtok(NULL, ", ", &last)) {
                if (!cors_is_token(tok, strlen(tok)) && strchr(tok, '%') == NULL) {
                    lint_add(ctx, CL003, acam->node, acam->value_col, NULL,
                             "Access-Control-Allow-Methods holds '%s', which is not a "
                             "method token", tok);
                    break;
                }
            }
        }
        for (hi = apr_hash_first(st->pool, st->methods); hi; hi = apr_hash_next(hi)) {
            const char *m = apr_hash_this_key(hi);
            int listed;
            if (mod_cors) {
                const lint_node *mn = st->cors[CD_METHODS];
                int j;
                listed = 0;
                for (j = 0; mn && j < mn->argc; j++) {
                    listed |= strcmp(mn->argv[j], "*") == 0 || contains_ci(mn->argv[j], m);
                }
            }
            else {
                listed = acam && acam->value && (strcmp(acam->value, "*") == 0
                                                 || strstr(acam->value, m));
            }
            if (!listed && (missing == NULL || strcmp(m, missing) < 0)) {
                missing = m;
            }
        }
        if (missing) {
            const lint_node *at = mod_cors ? (st->cors[CD_METHODS] ? st->cors[CD_METHODS]
                                                                   : st->cors[CD_ORIGIN]
                                              ? st->cors[CD_ORIGIN] : st->cors[CD_REGEX])
                                           : (acam ? acam->node : acao->node);
            lint_add(ctx, CL003, at, 0,
                     apr_hash_get(st->methods, missing, APR_HASH_KEY_STRING),
                     "%s is served here but not allowed for cross-origin requests; add it "
                     "to %s", missing,
                     mod_cors ? "CORSAllowMethods" : "Access-Control-Allow-Methods");
        }
    }

    /* CL006, CL007, CL012: literal values */
    if (acao && acao->value && !reflect_var && !strstr(acao->value, "%{")) {
        const char *v = acao->value;
        cors_origin o;
        cors_origin_status os;
        if (strcmp(v, "null") == 0) {
            lint_add(ctx, CL006, acao->node, acao->value_col, NULL,
                     "Access-Control-Allow-Origin: null trusts sandboxed iframes and file: "
                     "pages, which any attacker can produce");
        }
        else if (strcmp(v, "*") != 0 && (os = cors_origin_parse(v, &o)) != CORS_ORIGIN_OK) {
            lint_add(ctx, CL012, acao->node, acao->value_col, NULL,
                     "Access-Control-Allow-Origin value '%s' %s: it must be exactly one "
                     "origin (scheme://host[:port]), '*' or 'null'", v,
                     cors_origin_status_str(os));
        }
        else if (strncasecmp(v, "http://", 7) == 0 && !is_loopback_origin(v) && creds) {
            lint_add(ctx, CL007, acao->node, acao->value_col, NULL,
                     "the http:// origin '%s' is trusted with credentials; anyone on the "
                     "network path can inject script into it", v);
        }
    }
    if (mod_cors && st->cors[CD_ORIGIN]) {
        const lint_node *on = st->cors[CD_ORIGIN];
        int has_https = 0;
        for (i = 0; i < on->argc; i++) {
            has_https |= strncasecmp(on->argv[i], "https://", 8) == 0;
        }
        for (i = 0; i < on->argc; i++) {
            const char *v = on->argv[i];
            if (strcmp(v, "null") == 0) {
                lint_add(ctx, CL006, on, on->argcol[i], NULL,
                         "CORSAllowOrigin null trusts sandboxed iframes and file: pages, "
                         "which any attacker can produce");
            }
            else if (strncasecmp(v, "http://", 7) == 0 && !is_loopback_origin(v)
                     && (has_https || cors_flag(st, CD_CREDENTIALS, 0))) {
                lint_add(ctx, CL007, on, on->argcol[i], NULL,
                         "the http:// origin '%s' is trusted next to https ones%s; anyone on "
                         "the network path can inject script into it", v,
                         cors_flag(st, CD_CREDENTIALS, 0) ? " and with credentials" : "");
            }
        }
    }
    if (acac && acac->value && strcmp(acac->value, "true") != 0
        && !strstr(acac->value, "%{")) {
        lint_add(ctx, CL012, acac->node, acac->value_col, NULL,
                 "Access-Control-Allow-Credentials must be exactly 'true' (it is '%s'); to "
                 "deny credentials, omit the header", acac->value);
    }
    if (acma && acma->value && !strstr(acma->value, "%{")) {
        const char *v = acma->value;
        apr_size_t k;
        int numeric = *v != '\0';
        for (k = 0; v[k]; k++) {
            numeric &= v[k] >= '0' && v[k] <= '9';
        }
        if (!numeric) {
            lint_add(ctx, CL012, acma->node, acma->value_col, NULL,
                     "Access-Control-Max-Age '%s' is not a number of seconds", v);
        }
        else if (strlen(v) > 5 || atol(v) > 7200) {
            lint_add(ctx, CL013, acma->node, acma->value_col, NULL,
                     "Access-Control-Max-Age %s is above what Chromium honours (7200 s; "
                     "Firefox: 86400 s)", v);
        }
    }
    if (mod_cors && st->cors[CD_MAXAGE] && st->cors[CD_MAXAGE]->argc == 1
        && atol(st->cors[CD_MAXAGE]->argv[0]) > 7200) {
        lint_add(ctx, CL013, st->cors[CD_MAXAGE], st->cors[CD_MAXAGE]->argcol[0], NULL,
                 "CORSMaxAge %s is above what Chromium honours (7200 s; Firefox: 86400 s)",
                 st->cors[CD_MAXAGE]->argv[0]);
    }

    /* CL008, CL009: tables and duplicates */
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        int j;
        if (h->hkind == HK_OTHER || h->hkind == HK_VARY || !is_grant_action(h)) {
            continue;
        }
        if (!h->always) {
            lint_add(ctx, CL008, h->node, 0, NULL,
                     "Header %s %s without 'always': it is missing on error responses (401, "
                     "404, 500, ErrorDocument), which browsers then report as a CORS error; "
                     "write 'Header always %s'", h->action, h->name, h->action);
        }
        if (h->hkind == HK_ACAO
            && (!strcmp(h->action, "add") || !strcmp(h->action, "append")
                || !strcmp(h->action, "merge"))) {
            lint_add(ctx, CL009, h->node, 0, NULL,
                     "Header %s Access-Control-Allow-Origin can send several values; "
                     "browsers reject that: use 'set'", h->action);
        }
        for (j = 0; j < i; j++) {
            const hdr_action *o = &APR_ARRAY_IDX(st->headers, j, hdr_action);
            if (o->hkind == h->hkind && (h->hkind != HK_AC || lint_streq(o->name, h->name))
                && is_grant_action(o) && o->always != h->always) {
                lint_add(ctx, CL009, h->node, 0, o->node,
                         "%s is set in both the 'always' and the 'onsuccess' tables: "
                         "successful responses carry it twice", h->name);
            }
        }
        if (mod_cors && !report_only && h == acao) {
            lint_add(ctx, CL009, h->node, 0, st->cors[CD_ORIGIN] ? st->cors[CD_ORIGIN]
                                                                  : st->cors[CD_REGEX],
                     "both mod_headers and mod_cors grant CORS here; remove the Header "
                     "lines (mod_cors answers alone), or set CORSReportOnly On while "
                     "migrating");
        }
    }

    /* CL010: authentication without an OPTIONS exemption */
    if (st->requires->nelts > 0 && !st->options_exempt
        && (acao || (mod_cors && !cors_flag(st, CD_PREFLIGHT, 1)))) {
        const lint_node *req = APR_ARRAY_IDX(st->requires, st->requires->nelts - 1,
                                             const lint_node *);
        lint_add(ctx, CL010, req, 0, acao ? acao->node : st->cors[CD_PREFLIGHT],
                 "'Require %s' applies to preflights too, which never carry credentials: "
                 "they get a 401 and the browser reports a CORS error; exempt OPTIONS "
                 "(<LimitExcept OPTIONS>) or let mod_cors answer preflights",
                 req->argc ? req->argv[0] : "");
    }

    /* CL011: "*" with credentials */
    if (creds) {
        const hdr_action *stars[3] = { acah, acam, aceh };
        int k;
        for (k = 0; k < 3; k++) {
            if (stars[k] && stars[k]->value && strcmp(stars[k]->value, "*") == 0) {
                lint_add(ctx, CL011, stars[k]->node, stars[k]->value_col, acac->node,
                         "%s: * with credentials is the literal name '*', not a wildcard; "
                         "list the names", stars[k]->name);
            }
        }
    }

    /* CL014: redirects that preflights follow */
    if (acao || mod_cors) {
        for (i = 0; i < st->redirects->nelts; i++) {
            const lint_node *r = APR_ARRAY_IDX(st->redirects, i, const lint_node *);
            lint_add(ctx, CL014, r, 0, NULL,
                     "%s also applies to OPTIONS: browsers fail a redirected preflight; "
                     "exclude it (RewriteCond %%{REQUEST_METHOD} !=OPTIONS)", r->name);
        }
    }
}

/* CL015: a .htaccess whose CORS lines never run. */
static void judge_htaccess(lint_ctx *ctx, const scope_state *st, const lint_node *root)
{
    const char *ao = st->allow_override ? st->allow_override : "None";
    const lint_node *n;

    if (contains_ci(ao, "All") || contains_ci(ao, "FileInfo")) {
        return;
    }
    for (n = root->first_child; n; n = n->next) {
        if ((lint_streq(n->name, "Header") && n->argc >= 2 && contains_ci(n->args_raw,
                                                                         "Access-Control-"))
            || starts_with_ci(n->name, "CORS")) {
            lint_add(ctx, CL015, n, 0, NULL,
                     "AllowOverride %s for %s does not allow FileInfo, so this .htaccess "
                     "line never runs", ao, root->htaccess_dir);
            return;
        }
    }
}

static void walk_scope(lint_ctx *ctx, const lint_node *sec, const scope_state *parent,
                       const psl_ctx_t *psl, int depth)
{
    apr_pool_t *sp;
    scope_state *st;
    const lint_node *n;
    apr_array_header_t *todo;

    /* a scratch pool per scope, given back when its subtree is judged: memory stays
     * proportional to the nesting depth, not to the number of scopes */
    apr_pool_create(&sp, parent ? parent->pool : ctx->pool);
    st = parent ? state_copy(sp, parent) : state_make(sp);
    st->node = sec;
    note_if_origin(sp, st, sec);
    fold_directives(ctx, st, sec, NULL);
    judge_scope(ctx, st, psl);
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
            if (is_scope_section(n)) {
                walk_scope(ctx, n, st, psl, depth + 1);
            }
            else if (todo->nelts < 10000) {
                APR_ARRAY_PUSH(todo, const lint_node *) = n;
            }
        }
    }
    apr_pool_destroy(sp);
}

/* Every CORS* directive, wherever it is: CL016. */
static void check_directives(lint_ctx *ctx, const lint_node *root, const psl_ctx_t *psl)
{
    apr_array_header_t *todo = apr_array_make(ctx->pool, 16, sizeof(const lint_node *));
    APR_ARRAY_PUSH(todo, const lint_node *) = root;
    while (todo->nelts) {
        const lint_node *c = APR_ARRAY_IDX(todo, --todo->nelts, const lint_node *), *n;
        for (n = c->first_child; n; n = n->next) {
            if (n->inactive) {
                continue;
            }
            if (n->is_section) {
                APR_ARRAY_PUSH(todo, const lint_node *) = n;
            }
            else if (n->kind == LK_CORS) {
                rule_cors_directives(ctx, n, psl);
            }
        }
    }
}

/* The scope of a .htaccess in a server tree: the server, then the <Directory>
 * sections whose path contains its directory, shortest first. */
static scope_state *htaccess_parent(lint_ctx *ctx, const lint_node *server, const char *dir)
{
    scope_state *st = state_make(ctx->pool);
    apr_array_header_t *dirs = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    apr_array_header_t *todo = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    int i, j;

    fold_directives(ctx, st, server, NULL);
    APR_ARRAY_PUSH(todo, const lint_node *) = server;
    while (todo->nelts) {
        const lint_node *c = APR_ARRAY_IDX(todo, --todo->nelts, const lint_node *), *n;
        for (n = c->first_child; n; n = n->next) {
            if (!n->is_section || n->inactive) {
                continue;
            }
            if (n->kind == LK_DIRECTORY && n->argc >= 1) {
                const char *d = n->argv[0];
                apr_size_t dl = strlen(d);
                while (dl > 1 && d[dl - 1] == '/') {
                    dl--;
                }
                if (strncmp(dir, d, dl) == 0 && (dir[dl] == '/' || dir[dl] == '\0')) {
                    APR_ARRAY_PUSH(dirs, const lint_node *) = n;
                }
            }
            else if (n->kind == LK_VIRTUALHOST || !is_scope_section(n)) {
                APR_ARRAY_PUSH(todo, const lint_node *) = n;
            }
        }
    }
    for (i = 1; i < dirs->nelts; i++) {
        for (j = i; j > 0; j--) {
            const lint_node **a = &APR_ARRAY_IDX(dirs, j - 1, const lint_node *);
            const lint_node **b = &APR_ARRAY_IDX(dirs, j, const lint_node *);
            if (strlen((*a)->argv[0]) > strlen((*b)->argv[0])) {
                const lint_node *t = *a;
                *a = *b;
                *b = t;
            }
        }
    }
    for (i = 0; i < dirs->nelts; i++) {
        fold_directives(ctx, st, APR_ARRAY_IDX(dirs, i, const lint_node *), NULL);
    }
    return st;
}

void lint_check(lint_ctx *ctx, apr_array_header_t *roots)
{
    const psl_ctx_t *psl = cors_psl_open(ctx->pool);
    int i;

    for (i = 0; i < roots->nelts; i++) {
        const lint_node *root = APR_ARRAY_IDX(roots, i, const lint_node *);
        check_directives(ctx, root, psl);
        if (root->htaccess_dir && root->parent) {
            scope_state *parent = htaccess_parent(ctx, root->parent, root->htaccess_dir);
            judge_htaccess(ctx, parent, root);
            if (contains_ci(parent->allow_override ? parent->allow_override : "None", "All")
                || contains_ci(parent->allow_override ? parent->allow_override : "",
                               "FileInfo")) {
                walk_scope(ctx, root, parent, psl, 0);
            }
        }
        else {
            walk_scope(ctx, root, NULL, psl, 0);
        }
    }
}
