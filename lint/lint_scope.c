/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Scopes. A scope is a configuration section (server, <VirtualHost>, <Directory>,
 * <Location>, <Files>, <If>, <Proxy>...) or a .htaccess file; its effective
 * configuration folds the directives of the chain of scopes that contain it, in httpd's
 * merge order (server, virtual host, directories shortest first and their .htaccess,
 * files, locations, <If>). mod_headers' Header lines accumulate down the chain; each
 * mod_cors directive is replaced by the deepest scope that sets it, as mod_cors merges.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint_scope.h"

/* ---- what a scope holds ---------------------------------------------------------- */

int lint_is_scope_section(const lint_node *n)
{
    return n->kind == LK_VIRTUALHOST || n->kind == LK_DIRECTORY || n->kind == LK_SCOPE;
}

int lint_starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int lint_contains_ci(const char *s, const char *needle)
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

/* Makes st's own copy of a table it shares with its parent, before changing it. */
static void scope_own(scope_state *st, unsigned what)
{
    if (st->owned & what) {
        return;
    }
    switch (what) {
    case SCOPE_OWN_HEADERS: st->headers = apr_array_copy(st->pool, st->headers); break;
    case SCOPE_OWN_GATES: st->gates = apr_hash_copy(st->pool, st->gates); break;
    case SCOPE_OWN_REQUIRES:
        st->requires
        = apr_array_copy(st->pool, st->requires);
        break;
    case SCOPE_OWN_METHODS: st->methods = apr_hash_copy(st->pool, st->methods); break;
    default: st->redirects = apr_array_copy(st->pool, st->redirects); break;
    }
    st->owned |= what;
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
    h->action = act;
    for (; *act; act++) {
        if (*act >= 'A' && *act <= 'Z') {
            char *lower = apr_pstrdup(p, h->action), *c;
            for (c = lower; *c; c++) {
                *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
            }
            h->action = lower;
            break;
        }
    }
    h->name = n->argv[i + 1];
    i += 2;
    act = h->action; /* lower-case: the first letter picks the one name to compare */
    h->unset = act[0] == 'u' && strcmp(act, "unset") == 0;
    if (!h->unset && !(act[0] == 'e' && strcmp(act, "echo") == 0) && i < n->argc) {
        h->value = n->argv[i];
        h->value_col = n->argcol[i];
        i++;
        if (act[0] == 'e' && (strcmp(act, "edit") == 0 || strcmp(act, "edit*") == 0)) {
            i++; /* replacement */
        }
    }
    {
        static const struct {
            const char *name;
            apr_size_t len;
            int kind;
        } known[] = {
            {"Access-Control-Allow-Origin", 27, HK_ACAO},
            {"Access-Control-Allow-Credentials", 32, HK_ACAC},
            {"Access-Control-Allow-Methods", 28, HK_ACAM},
            {"Access-Control-Allow-Headers", 28, HK_ACAH},
            {"Access-Control-Expose-Headers", 29, HK_ACEH},
            {"Access-Control-Max-Age", 22, HK_ACMA},
        };
        size_t k, len = strlen(h->name);
        h->hkind = len == 4 && lint_streq(h->name, "Vary") ? HK_VARY
                   : len >= 15 && (h->name[0] | 32) == 'a' &&
                           strncasecmp(h->name, "Access-Control-", 15) == 0
                       ? HK_AC
                       : HK_OTHER;
        for (k = 0; h->hkind == HK_AC && k < sizeof(known) / sizeof(known[0]); k++) {
            if (known[k].len == len && lint_streq(h->name, known[k].name)) {
                h->hkind = known[k].kind;
            }
        }
    }
    switch (act[0]) {
    case 's': h->grant = !strcmp(act, "set") || !strcmp(act, "setifempty"); break;
    case 'a': h->grant = !strcmp(act, "add") || !strcmp(act, "append"); break;
    case 'm': h->grant = !strcmp(act, "merge"); break;
    default: h->grant = 0;
    }
    h->grant = h->grant && h->value;
    for (; i < n->argc; i++) {
        const char *c = n->argv[i];
        if ((c[0] | 32) != 'e') {
            continue;
        }
        if (lint_starts_with_ci(c, "env=")) {
            c += 4;
            if (*c == '!') {
                h->cond_neg = 1;
                c++;
            }
            h->cond_env = c;
        }
        else if (lint_starts_with_ci(c, "expr=")) {
            h->cond_expr = c + 5;
        }
    }
    return 1;
}

int lint_header_is_grant(const hdr_action *h)
{
    return h->grant;
}

/* Does a Header value copy the request's Origin? Returns the env var it copies when it
 * goes through one (*var), or "" for a direct copy. */
const char *lint_value_reflects(const scope_state *st, const char *v)
{
    static const struct {
        const char *form;
        apr_size_t len;
    } direct[] = {
        {"%{Origin}i", 10},
        {"%{req:Origin}", 13},
        {"%{HTTP:Origin}", 14},
        {"%{HTTP_ORIGIN}", 14},
    };
    const char *p;
    size_t k;

    if (v == NULL) {
        return NULL;
    }
    /* every form starts with "%{", which has no case */
    for (p = strstr(v, "%{"); p; p = strstr(p + 2, "%{")) {
        for (k = 0; k < sizeof(direct) / sizeof(direct[0]); k++) {
            if (strncasecmp(p, direct[k].form, direct[k].len) == 0) {
                return "";
            }
        }
    }
    for (p = strstr(v, "%{"); p; p = strstr(p + 2, "%{")) {
        const char *e = strchr(p, '}');
        if (e && e[1] == 'e') {
            apr_size_t n = (apr_size_t)(e - p - 2);
            env_gate *g = apr_hash_get(st->gates, p + 2, (apr_ssize_t)n);
            if (g && g->reflects) {
                return apr_pstrmemdup(st->pool, p + 2, n);
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
        /* what a preflight may ask for: neither safelisted, nor OPTIONS, nor forbidden */
        if (!cors_is_safelisted_method(m) && strcmp(m, "OPTIONS") != 0 &&
            !cors_is_forbidden_method(m, strlen(m))) {
            scope_own(st, SCOPE_OWN_METHODS);
            apr_hash_set(st->methods, m, APR_HASH_KEY_STRING, n);
            st->changed = 1;
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
            *reflects =
                lint_contains_ci(val, "%{HTTP:Origin}") || strstr(val, "%0") || strstr(val, "%1");
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
            if (r[1] == '=') {
                int code = atoi(r + 2);
                if (strncasecmp(r + 2, "permanent", 9) == 0 ||
                    strncasecmp(r + 2, "temp", 4) == 0 || strncasecmp(r + 2, "seeother", 8) == 0) {
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
void lint_scope_fold(lint_ctx *ctx, scope_state *st, const lint_node *sec, const lint_node *limit)
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
                lint_scope_fold(ctx, st, n, n);
            }
            else if (!lint_is_scope_section(n)) {
                lint_scope_fold(ctx, st, n, limit); /* IfModule, IfDefine, IfVersion... */
            }
            continue;
        }
        if (n->kind == LK_HEADER) {
            hdr_action h;
            if (parse_header(st->pool, n, &h)) {
                scope_own(st, SCOPE_OWN_HEADERS);
                *(hdr_action *)apr_array_push(st->headers) = h;
                st->changed |= h.hkind != HK_OTHER;
            }
        }
        else if ((n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE) && n->argc >= 3 &&
                 (lint_streq(n->argv[0], "Origin") || lint_streq(n->argv[0], "HTTP_ORIGIN"))) {
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
                scope_own(st, SCOPE_OWN_GATES);
                apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                st->changed = 1;
            }
        }
        else if (n->kind == LK_REWRITECOND && n->argc >= 2) {
            if (lint_contains_ci(n->argv[0], "%{HTTP:Origin}") ||
                lint_contains_ci(n->argv[0], "%{HTTP_ORIGIN}")) {
                origin_cond = n;
                origin_cond_idx = 1;
            }
            else if (lint_contains_ci(n->argv[0], "%{REQUEST_METHOD}")) {
                const char *re = n->argv[1];
                int neg = re[0] == '!';
                if (lint_contains_ci(re, "OPTIONS")) {
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
                g->nocase = origin_cond && origin_cond->argc >= 3 &&
                            lint_contains_ci(origin_cond->argv[2], "NC");
                g->reflects = reflects;
                if (origin_cond || reflects) {
                    scope_own(st, SCOPE_OWN_GATES);
                    apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                    st->changed = 1;
                }
            }
            if (flags && rewrite_flag_redirect(flags) && method_cond != -1) {
                scope_own(st, SCOPE_OWN_REDIRECTS);
                APR_ARRAY_PUSH(st->redirects, const lint_node *) = n;
                st->changed = 1;
            }
            origin_cond = NULL;
            method_cond = 0;
        }
        else if (n->kind == LK_REDIRECT && !(n->argc >= 1 && (lint_streq(n->argv[0], "gone") ||
                                                              lint_streq(n->argv[0], "410")))) {
            scope_own(st, SCOPE_OWN_REDIRECTS);
            APR_ARRAY_PUSH(st->redirects, const lint_node *) = n;
            st->changed = 1;
        }
        else if (n->kind == LK_REQUIRE && n->argc >= 1) {
            if (lint_streq(n->argv[0], "method")) {
                int i;
                for (i = 1; i < n->argc; i++) {
                    if (strcmp(n->argv[i], "OPTIONS") == 0) {
                        st->options_exempt = 1;
                        st->changed = 1;
                    }
                }
            }
            else if (lint_streq(n->argv[0], "valid-user") || lint_streq(n->argv[0], "user") ||
                     lint_streq(n->argv[0], "group") || lint_streq(n->argv[0], "ldap-user") ||
                     lint_streq(n->argv[0], "ldap-group") ||
                     lint_streq(n->argv[0], "file-owner")) {
                int exempt = 0;
                if (limit) {
                    int j, listed = 0;
                    for (j = 0; j < limit->argc; j++) {
                        listed |= strcmp(limit->argv[j], "OPTIONS") == 0;
                    }
                    exempt = limit->kind == LK_LIMITEXCEPT ? listed : !listed;
                }
                if (!exempt) {
                    scope_own(st, SCOPE_OWN_REQUIRES);
                    APR_ARRAY_PUSH(st->requires, const lint_node *) = n;
                    st->changed = 1;
                }
            }
            else if (lint_streq(n->argv[0], "all")) {
                if (st->requires->nelts > 0) {
                    /* Require all granted/denied replaces */
                    scope_own(st, SCOPE_OWN_REQUIRES);
                    st->requires->nelts = 0;
                    st->changed = 1;
                }
            }
        }
        else if (n->kind == LK_ALLOWMETHODS) {
            note_methods(st, n, 0);
        }
        else if (n->kind == LK_SCRIPT && n->argc >= 1) {
            note_methods(st, n, 0);
        }
        else if (n->kind == LK_DAV && n->argc >= 1 && !lint_streq(n->argv[0], "Off")) {
            static const char *const dav[] = {"PUT",  "DELETE", "PROPFIND", "PROPPATCH", "MKCOL",
                                              "COPY", "MOVE",   "LOCK",     "UNLOCK"};
            size_t k;
            for (k = 0; k < sizeof(dav) / sizeof(dav[0]); k++) {
                scope_own(st, SCOPE_OWN_METHODS);
                apr_hash_set(st->methods, dav[k], APR_HASH_KEY_STRING, n);
                st->changed = 1;
            }
        }
        else if (n->kind == LK_ALLOWOVERRIDE && n->argc >= 1) {
            const char *ao = n->args_raw;
            while (*ao == ' ' || *ao == '\t') {
                ao++;
            }
            st->allow_override = ao;
        }
    }
}

/* <If "%{HTTP:Origin} =~ /re/"> (or %{HTTP_ORIGIN}, m#re#, -strmatch, ==). */
void lint_scope_note_if_origin(apr_pool_t *p, scope_state *st, const lint_node *sec)
{
    const char *e = sec->args_raw, *op;
    char delim;
    const char *start, *end;

    if (sec->kind != LK_SCOPE || ((sec->name[0] | 32) != 'i' && (sec->name[0] | 32) != 'e') ||
        !(lint_streq(sec->name, "If") || lint_streq(sec->name, "ElseIf")) || e == NULL ||
        !(lint_contains_ci(e, "%{HTTP:Origin}") || lint_contains_ci(e, "%{HTTP_ORIGIN}") ||
          lint_contains_ci(e, "req('Origin')") || lint_contains_ci(e, "req(\"Origin\")"))) {
        return;
    }
    st->if_origin = sec;
    st->changed = 1;
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

scope_state *lint_scope_make(apr_pool_t *p)
{
    scope_state *st = apr_pcalloc(p, sizeof(*st));
    st->pool = p;
    st->headers = apr_array_make(p, 8, sizeof(hdr_action));
    st->gates = apr_hash_make(p);
    st->requires = apr_array_make(p, 2, sizeof(const lint_node *));
    st->methods = apr_hash_make(p);
    st->redirects = apr_array_make(p, 2, sizeof(const lint_node *));
    st->cors = cors_config_make(p);
    st->owned = SCOPE_OWN_ALL;
    return st;
}

/* Copy a state for a child scope: arrays and hashes are shared with the parent until
 * the child changes one (scope_own), so siblings do not see each other's directives. */
scope_state *lint_scope_inherit(apr_pool_t *p, const scope_state *parent)
{
    scope_state *st = apr_pmemdup(p, parent, sizeof(*st));
    st->pool = p;
    st->owned = 0;
    return st;
}

/* ---- findings helpers ------------------------------------------------------------ */

/* The grant in effect for one header: the last set, unless unset after it. */
const hdr_action *lint_scope_header(const scope_state *st, int hkind)
{
    int i;
    const hdr_action *last = NULL;
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind != hkind) {
            continue;
        }
        if (h->grant) {
            last = h;
        }
        else if (h->unset) {
            last = NULL;
        }
    }
    return last;
}

void lint_scope_fold_cors(lint_ctx *ctx, scope_state *st, const lint_node *sec)
{
    const cors_config *own = lint_cors_own(ctx, sec);

    if (own) {
        st->cors = cors_config_merge(st->pool, st->cors, own);
        st->changed = 1;
    }
}

int lint_scope_cors_active(const scope_state *st)
{
    return cors_config_active(st->cors);
}

int lint_scope_cors_flag(int value, int dflt)
{
    return value == CORS_UNSET ? dflt : value;
}

const lint_node *lint_scope_cors_node(const scope_state *st, cors_directive_id d)
{
    return lint_cors_node(st->cors->where[d]);
}

int lint_scope_credentials(const scope_state *st, const hdr_action **acac)
{
    const hdr_action *h = lint_scope_header(st, HK_ACAC);
    if (acac) {
        *acac = h;
    }
    return h && h->value && strcasecmp(h->value, "true") == 0;
}
