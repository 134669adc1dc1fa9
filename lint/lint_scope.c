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
    case SCOPE_OWN_ENVS: st->env_options = apr_hash_copy(st->pool, st->env_options); break;
    default: st->redirects = apr_array_copy(st->pool, st->redirects); break;
    }
    st->owned |= what;
}

static const char *expr_origin_regex(apr_pool_t *p, const char *e, int *nocase);

/* ---- Header lines ------------------------------------------------------------------ */

/* The ways an ap_expr names the request's Origin (compared without case). */
static const char *const origin_forms[] = {
    "%{HTTP:Origin}",       "%{HTTP_ORIGIN}",       "%{req:Origin}",         "%{http:Origin}",
    "%{req_novary:Origin}", "req('Origin')",        "req(\"Origin\")",       "http('Origin')",
    "http(\"Origin\")",     "req_novary('Origin')", "req_novary(\"Origin\")"};

/* Where e names the Origin first (and the form's length), or NULL. */
static const char *expr_origin_at(const char *e, apr_size_t *len)
{
    const char *first = NULL;
    size_t k;

    for (k = 0; e && k < sizeof(origin_forms) / sizeof(origin_forms[0]); k++) {
        apr_size_t n = strlen(origin_forms[k]);
        const char *p;
        for (p = e; *p; p++) {
            if (strncasecmp(p, origin_forms[k], n) == 0) {
                if (first == NULL || p < first) {
                    first = p;
                    *len = n;
                }
                break;
            }
        }
    }
    return first;
}

int lint_expr_tests_origin(const char *e)
{
    apr_size_t len;

    return expr_origin_at(e, &len) != NULL;
}

/* Does an ap_expr test admit only some origins: the Origin compared (==, in {...}, =~,
 * -strmatch with a pattern other than '*')? A presence test (-n, != '', -strcmatch
 * '*') admits every origin: a reflection behind it is a reflection. */
int lint_expr_restricts_origin(const char *e)
{
    apr_size_t len;
    const char *at = expr_origin_at(e, &len), *op, *back;

    if (at == NULL) {
        return 0;
    }
    op = at + len;
    op += strspn(op, " \t");
    if (strncmp(op, "==", 2) == 0 || strncmp(op, "=~", 2) == 0 ||
        (strncasecmp(op, "in", 2) == 0 && strchr(" {\t", op[2]))) {
        return 1;
    }
    if (strncasecmp(op, "-strmatch", 9) == 0 || strncasecmp(op, "-strcmatch", 10) == 0) {
        const char *pat = op + strcspn(op, "'\"");
        return *pat && pat[1] && strspn(pat + 1, "*") != strcspn(pat + 1, "'\"");
    }
    /* 'https://a.example' == %{HTTP:Origin} */
    for (back = at; back > e && (back[-1] == ' ' || back[-1] == '\t'); back--) {
    }
    return back - e >= 2 && strncmp(back - 2, "==", 2) == 0;
}

/* Does an ap_expr condition hold only for OPTIONS requests ("%{REQUEST_METHOD} ==
 * 'OPTIONS'", "-R 'OPTIONS'"...)? Only the plain forms, with no '||' and no negation. */
static int expr_options_only(const char *e)
{
    const char *m = strstr(e, "%{REQUEST_METHOD}");
    const char *q;

    if (m == NULL || strstr(e, "||") || strstr(e, "!=") || strstr(e, " or ") || strchr(e, '!')) {
        return 0;
    }
    m += 17;
    m += strspn(m, " \t");
    if (strncmp(m, "==", 2) != 0 && strncmp(m, "-eq", 3) != 0 && strncmp(m, "=~", 2) != 0) {
        return 0;
    }
    m += strcspn(m, "'\"/");
    q = m + (*m != '\0');
    q += *q == '^';
    return strncmp(q, "OPTIONS", 7) == 0 && (q[7] == m[0] || (q[7] == '$' && q[8] == m[0]));
}

/* mod_headers' format letters (mod_headers.c, register_format_tag_handler) */
static int header_format_letter(char c)
{
    return c != '\0' && strchr("Dtesilb", c) != NULL;
}

const char *lint_header_refusal(apr_pool_t *p, const lint_node *n, int *col)
{
    static const char *const actions[] = {"set",   "setifempty", "add",  "append", "merge",
                                          "unset", "echo",       "edit", "edit*",  "note"};
    const char *action, *val, *subs, *env, *s;
    int i = 0, a, k;
    size_t j;

    *col = 0;
    if (n->argc >= 1 &&
        (lint_streq(n->argv[0], "always") || lint_streq(n->argv[0], "onsuccess"))) {
        i = 1;
    }
    action = i < n->argc ? n->argv[i] : "";
    for (j = 0; j < sizeof(actions) / sizeof(actions[0]); j++) {
        if (lint_streq(action, actions[j])) {
            break;
        }
    }
    if (j == sizeof(actions) / sizeof(actions[0])) {
        *col = i < n->argc ? n->argcol[i] : 0;
        return apr_psprintf(p,
                            "'%s' is no Header action: httpd refuses to start (\"first "
                            "argument must be 'add', 'set', 'setifempty', 'append', 'merge', "
                            "'unset', 'echo', 'note', 'edit', or 'edit*'\")",
                            action);
    }
    a = i + 1;
    val = a + 1 < n->argc ? n->argv[a + 1] : NULL;
    subs = a + 2 < n->argc ? n->argv[a + 2] : NULL;
    env = a + 3 < n->argc ? n->argv[a + 3] : NULL;
    if (a + 4 < n->argc) {
        *col = n->argcol[a + 4];
        return "Header has too many arguments: httpd refuses to start (a list of values must "
               "be quoted as one argument)";
    }
    if (j == 7 || j == 8) { /* edit, edit* */
        if (subs == NULL) {
            return "Header edit requires a match and a substitution: httpd refuses to start";
        }
        val = subs;
    }
    else {
        if (env != NULL) {
            *col = n->argcol[a + 3];
            return "Header has too many arguments (\"Too many arguments to directive\"): httpd "
                   "refuses to start (a list of values must be quoted as one argument)";
        }
        env = subs;
        if (j == 5 || j == 6) { /* unset, echo */
            if (val && env) {
                *col = n->argcol[a + 2];
                return "Header unset and echo take two arguments: httpd refuses to start";
            }
            env = val ? val : env;
            val = NULL;
        }
        else if (val == NULL) {
            return "Header requires three arguments: httpd refuses to start";
        }
    }
    if (env && !lint_streq(env, "early") && !lint_starts_with_ci(env, "expr=") &&
        !(lint_starts_with_ci(env, "env=") && env[4] != '\0' && strcmp(env + 4, "!") != 0)) {
        for (k = 0; k < n->argc && n->argv[k] != env; k++) {
        }
        *col = k < n->argc ? n->argcol[k] : 0;
        return apr_psprintf(p,
                            "Header: unknown parameter '%s' (httpd refuses to start; a "
                            "value with spaces must be quoted as one argument)",
                            env);
    }
    if (val == NULL || strncmp(val, "expr=", 5) == 0) {
        return NULL;
    }
    for (s = val; (s = strchr(s, '%')) != NULL;) {
        const char *tag = s + 1;
        if (*tag == '%' || *tag == '\0') {
            s = tag + (*tag != '\0');
            continue;
        }
        if (*tag == '{') {
            const char *close = strchr(tag, '}');
            tag = close ? close + 1 : tag + strlen(tag);
        }
        if (!header_format_letter(*tag)) {
            for (k = 0; k < n->argc && n->argv[k] != val; k++) {
            }
            *col = k < n->argc ? n->argcol[k] : 0;
            return apr_psprintf(p,
                                "'%.*s' is no mod_headers format (a '%%{...}' needs one of "
                                "the letters e, i, s, t, D, l, b after it): httpd refuses to "
                                "start (\"Unrecognized header format %%%.1s\")",
                                (int)(tag - s + (*tag != '\0')), s, tag);
        }
        s = tag + 1;
    }
    return NULL;
}

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
    /* mod_headers drops a colon and what follows ("Access-Control-Allow-Origin:") */
    h->name = n->argv[i + 1];
    if ((act = strchr(h->name, ':')) != NULL) {
        h->name = apr_pstrmemdup(p, h->name, (apr_size_t)(act - h->name));
    }
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
        /* Access-Control-Request-* are request headers: in a response they mean nothing */
        h->hkind = len == 4 && lint_streq(h->name, "Vary") ? HK_VARY
                   : len >= 15 && (h->name[0] | 32) == 'a' &&
                           strncasecmp(h->name, "Access-Control-", 15) == 0 &&
                           strncasecmp(h->name + 15, "Request-", 8) != 0
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
    if (n->refused) {
        /* httpd refuses the line (CL000): what its value meant is not judged, only the
         * table it is written for, which stays once the value is fixed */
        h->refused = h->grant;
        h->grant = 0;
        h->value = NULL;
        h->cond_env = h->cond_expr = NULL;
    }
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
    h->options_only = h->cond_expr && expr_options_only(h->cond_expr);
    return 1;
}

int lint_header_is_grant(const hdr_action *h)
{
    return h->grant;
}

int lint_header_options_only(const scope_state *st, const hdr_action *h)
{
    const char *o;

    if (h->options_only) {
        return 1;
    }
    /* behind CGI or PHP, HTTP_* holds the request's headers on every request */
    o = h->cond_env && !h->cond_neg && !lint_starts_with_ci(h->cond_env, "HTTP_")
            ? apr_hash_get(st->env_options, h->cond_env, APR_HASH_KEY_STRING)
            : NULL;
    return o && *o == 'o';
}

/* Does a Header value copy the request's Origin? Returns the env var it copies when it
 * goes through one (*var), or "" for a direct copy. */
const char *lint_value_reflects(const scope_state *st, const char *v)
{
    /* not "%{Origin}i": mod_headers' %{...}i is the idle workers' percentage ("i=98") */
    static const struct {
        const char *form;
        apr_size_t len;
    } direct[] = {
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
            const env_gate *g = apr_hash_get(st->gates, p + 2, (apr_ssize_t)n);
            for (; g; g = g->prev) {
                if (g->reflects) {
                    return apr_pstrmemdup(st->pool, p + 2, n);
                }
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
    /* [E=VAR:value,...], or its long form env=VAR:value */
    const char *e = flags;
    while ((e = strpbrk(e, "Ee")) != NULL) {
        const char *colon, *end;
        if ((e != flags && e[-1] != '[' && e[-1] != ',') ||
            !(e[1] == '=' || strncasecmp(e, "env=", 4) == 0)) {
            e++;
            continue;
        }
        e += e[1] == '=' ? 0 : 2; /* "env=" -> "v=": the name starts after the '=' */
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

int lint_rewrite_flag_redirect(const char *flags, int *status)
{
    const char *f;

    *status = 0;
    if (flags == NULL || flags[0] != '[') {
        return 0;
    }
    /* mod_rewrite reads each comma-separated flag as key[=value], the key's case aside:
     * "R" and "redirect" are one flag */
    for (f = flags + 1; *f && *f != ']'; f += *f == ',') {
        apr_size_t n = strcspn(f, ",]="), len = strcspn(f, ",]");
        if ((n == 1 && (*f | 32) == 'r') || (n == 8 && strncasecmp(f, "redirect", 8) == 0)) {
            const char *v = f + n + 1;
            int code;
            if (n == len) {
                return 1; /* 302 */
            }
            if (strncasecmp(v, "permanent", 9) == 0 || strncasecmp(v, "temp", 4) == 0 ||
                strncasecmp(v, "seeother", 8) == 0) {
                return 1;
            }
            code = atoi(v);
            if (code >= 300 && code < 400) {
                return 1;
            }
            *status = code;
            return 2;
        }
        f += len;
    }
    return 0;
}

/* mod_alias: "Redirect [status] URL-path URL": a status outside 3xx ("gone", 404) sends
 * that status, not a redirect. */
static int redirect_is_redirect(const lint_node *n)
{
    const char *s = n->argc >= 1 ? n->argv[0] : "";

    if (!lint_streq(n->name, "Redirect") && !lint_streq(n->name, "RedirectMatch")) {
        return 1; /* RedirectPermanent, RedirectTemp */
    }
    if (lint_streq(s, "gone")) {
        return 0;
    }
    if (*s >= '0' && *s <= '9') {
        int code = atoi(s);
        return code >= 300 && code < 400;
    }
    return 1;
}

/* Is this the main server's or a virtual host's own context (mod_rewrite runs its rules in
 * the translate_name hook there, before authentication), not a per-directory one? */
static int server_context(const lint_node *sec)
{
    const lint_node *c;

    for (c = sec; c; c = c->parent) {
        if (c->htaccess_dir) {
            return 0;
        }
        if (c->kind == LK_VIRTUALHOST) {
            return 1;
        }
        if (lint_is_scope_section(c)) {
            return 0;
        }
    }
    return 1;
}

/* An environment variable set by this scope's lines: "o" when only for OPTIONS requests. */
static void note_env(scope_state *st, const char *var, int options_only)
{
    const char *o = apr_hash_get(st->env_options, var, APR_HASH_KEY_STRING);

    if (o == NULL || (*o == 'o') != options_only) {
        scope_own(st, SCOPE_OWN_ENVS);
        apr_hash_set(st->env_options, var, APR_HASH_KEY_STRING,
                     options_only && (o == NULL || *o == 'o') ? "o" : "a");
        st->changed = 1;
    }
}

/* Does SetEnvIf's attribute name the Origin header: "Origin", "HTTP_ORIGIN", or a
 * header-name regex such as "^Origin$" (mod_setenvif takes an attribute with regex
 * characters as a regex over the header names)? */
static int setenvif_names_origin(const char *a)
{
    apr_size_t n;

    if (lint_streq(a, "Origin") || lint_streq(a, "HTTP_ORIGIN")) {
        return 1;
    }
    a += *a == '^';
    n = strlen(a);
    n -= n > 0 && a[n - 1] == '$';
    return n == 6 && strncasecmp(a, "Origin", 6) == 0;
}

/* The RewriteCond lines on the Origin before a RewriteRule. */
typedef struct {
    const lint_node *cond[8];
    int n;
    int any_or; /* [OR] chains them: any one passing is enough */
} rewrite_conds;

static env_gate *rewrite_gate(apr_pool_t *p, const lint_node *n, const lint_node *cond,
                              int reflects, const env_gate *prev)
{
    env_gate *g = apr_pcalloc(p, sizeof(*g));

    g->node = cond ? cond : n;
    g->reflects = reflects;
    g->prev = prev;
    /* "!^$", "!^https://a\.example\.com$": a negated test admits (nearly) every origin */
    if (cond && cond->argv[1][0] != '!') {
        g->regex = cond->argv[1];
        g->regex_col = cond->argcol[1];
        g->nocase = cond->argc >= 3 && lint_contains_ci(cond->argv[2], "NC");
        g->tested = 1;
    }
    return g;
}

/* The gates a RewriteRule's [E=VAR:...] sets: with [OR], each Origin condition is a way
 * in (one gate each, judged each); without, all must hold, and the last one that is not
 * negated is the test (none: the Origin is not tested). */
static const env_gate *rewrite_gates(scope_state *st, const lint_node *rule,
                                     const rewrite_conds *oc, int reflects, const env_gate *prev)
{
    const env_gate *g = prev;
    int i;

    if (oc->any_or) {
        for (i = 0; i < oc->n; i++) {
            g = rewrite_gate(st->pool, rule, oc->cond[i], reflects, g);
        }
        return g;
    }
    for (i = oc->n - 1; i >= 0 && oc->cond[i]->argv[1][0] == '!'; i--) {
    }
    return rewrite_gate(st->pool, rule,
                        i >= 0  ? oc->cond[i]
                        : oc->n ? oc->cond[0]
                                : NULL,
                        reflects, prev);
}

/* The directives of one scope section: its children, looking through the conditional
 * and method containers, but not into nested scopes. */
void lint_scope_fold(lint_ctx *ctx, scope_state *st, const lint_node *sec, const lint_node *limit)
{
    const lint_node *n;
    /* RewriteCond %{HTTP:Origin} / %{REQUEST_METHOD} before the next RewriteRule */
    rewrite_conds oc = {{0}, 0, 0};
    int method_cond = 0; /* 1: only OPTIONS, -1: excludes OPTIONS */
    int scheme_cond = 0; /* a RewriteCond on %{HTTPS}, the port or the scheme: the
                          * redirect to https that an https page's requests never meet */

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
                h.options_only |= st->if_options;
                scope_own(st, SCOPE_OWN_HEADERS);
                *(hdr_action *)apr_array_push(st->headers) = h;
                st->changed |= h.hkind != HK_OTHER;
            }
        }
        else if ((n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE) && n->argc >= 3 &&
                 setenvif_names_origin(n->argv[0])) {
            int i;
            for (i = 2; i < n->argc; i++) {
                const char *eq = strchr(n->argv[i], '=');
                env_gate *g = apr_pcalloc(st->pool, sizeof(*g));
                const char *var = n->argv[i];
                g->node = n;
                g->regex = n->argv[1];
                g->regex_col = n->argcol[1];
                g->nocase = n->kind == LK_SETENVIFNOCASE;
                g->tested = 1;
                if (eq) {
                    var = apr_pstrmemdup(st->pool, var, (apr_size_t)(eq - var));
                    g->reflects = strchr(eq + 1, '$') != NULL;
                }
                if (*var == '!') {
                    continue;
                }
                /* each line is a test of its own: a bad one before a good one still
                 * sets the variable */
                g->prev = apr_hash_get(st->gates, var, APR_HASH_KEY_STRING);
                scope_own(st, SCOPE_OWN_GATES);
                apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                note_env(st, var, 0);
                st->changed = 1;
            }
        }
        else if ((n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE) && n->argc >= 3 &&
                 lint_streq(n->argv[0], "Request_Method")) {
            /* "OPTIONS", "^OPTIONS$": a test that only OPTIONS passes */
            const char *re = n->argv[1] + (n->argv[1][0] == '^');
            int i,
                only = strncmp(re, "OPTIONS", 7) == 0 && (re[7] == '\0' || !strcmp(re + 7, "$"));
            for (i = 2; i < n->argc; i++) {
                const char *var = n->argv[i];
                if (*var != '!') {
                    note_env(st, apr_pstrmemdup(st->pool, var, strcspn(var, "=")), only);
                }
            }
        }
        else if (n->kind == LK_SETENVIFEXPR && n->argc >= 2 &&
                 lint_expr_tests_origin(n->argv[0])) {
            /* "req('Origin') in { ... }" or "=~ /re/": a test, judged when a regex */
            int i;
            for (i = 1; i < n->argc; i++) {
                const char *eq = strchr(n->argv[i], '=');
                env_gate *g = apr_pcalloc(st->pool, sizeof(*g));
                const char *var = n->argv[i];
                if (*var == '!') {
                    continue;
                }
                g->node = n;
                g->tested = lint_expr_restricts_origin(n->argv[0]);
                g->regex = expr_origin_regex(st->pool, n->argv[0], &g->nocase);
                g->regex_col = n->argcol[0];
                if (eq) {
                    var = apr_pstrmemdup(st->pool, var, (apr_size_t)(eq - var));
                    g->reflects = strchr(eq + 1, '$') != NULL;
                }
                g->prev = apr_hash_get(st->gates, var, APR_HASH_KEY_STRING);
                scope_own(st, SCOPE_OWN_GATES);
                apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                st->changed = 1;
            }
        }
        else if (n->kind == LK_REWRITECOND && n->argc >= 2) {
            if (lint_contains_ci(n->argv[0], "%{HTTP:Origin}") ||
                lint_contains_ci(n->argv[0], "%{HTTP_ORIGIN}")) {
                if (oc.n < (int)(sizeof(oc.cond) / sizeof(oc.cond[0]))) {
                    oc.cond[oc.n++] = n;
                }
                oc.any_or |= n->argc >= 3 && (lint_contains_ci(n->argv[2], "OR") ||
                                              lint_contains_ci(n->argv[2], "ornext"));
            }
            else if (lint_contains_ci(n->argv[0], "%{HTTPS}") ||
                     lint_contains_ci(n->argv[0], "%{SERVER_PORT}") ||
                     lint_contains_ci(n->argv[0], "%{REQUEST_SCHEME}")) {
                scheme_cond = 1;
            }
            else if (lint_contains_ci(n->argv[0], "%{REQUEST_METHOD}")) {
                /* only "OPTIONS" (anchored or not), and not [OR]ed with another: a regex
                 * such as ^(GET|POST|OPTIONS)$ lets other methods through (a review) */
                const char *re = n->argv[1] + (n->argv[1][0] == '!');
                int neg = n->argv[1][0] == '!';
                apr_size_t len;
                re += *re == '=' || *re == '^'; /* "=OPTIONS" compares the string */
                len = strlen(re);
                len -= len > 0 && re[len - 1] == '$';
                if (len == 7 && strncasecmp(re, "OPTIONS", 7) == 0 &&
                    !(n->argc >= 3 && (lint_contains_ci(n->argv[2], "OR") ||
                                       lint_contains_ci(n->argv[2], "ornext")))) {
                    method_cond = neg ? -1 : 1;
                }
            }
        }
        else if (n->kind == LK_REWRITERULE && n->argc >= 2) {
            const char *flags = n->argc >= 3 ? n->argv[2] : NULL;
            int reflects = 0, redirect, status;
            const char *var = flags ? rewrite_flag_env(st->pool, flags, &reflects) : NULL;
            if (var) {
                if (oc.n || reflects) {
                    const env_gate *g = rewrite_gates(
                        st, n, &oc, reflects, apr_hash_get(st->gates, var, APR_HASH_KEY_STRING));
                    scope_own(st, SCOPE_OWN_GATES);
                    apr_hash_set(st->gates, var, APR_HASH_KEY_STRING, g);
                    st->changed = 1;
                }
                note_env(st, var, method_cond == 1);
            }
            redirect = lint_rewrite_flag_redirect(flags, &status);
            if (redirect == 1 && method_cond != -1 && !scheme_cond) {
                scope_own(st, SCOPE_OWN_REDIRECTS);
                APR_ARRAY_PUSH(st->redirects, const lint_node *) = n;
                st->changed = 1;
            }
            /* [R=200] on OPTIONS in the server's or a virtual host's context: mod_rewrite
             * answers the preflight in translate_name, before any Require runs */
            if (redirect == 2 && status >= 200 && status < 300 && method_cond == 1 &&
                server_context(sec)) {
                st->options_exempt = 1;
                st->changed = 1;
            }
            oc.n = oc.any_or = 0;
            method_cond = scheme_cond = 0;
        }
        else if (n->kind == LK_REDIRECT && redirect_is_redirect(n)) {
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
        else if ((n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE || n->kind == LK_SETENV ||
                  n->kind == LK_SETENVIFEXPR) &&
                 n->argc >= 2) {
            /* any other setter: the variable is not set for OPTIONS alone */
            int i, setenv = n->kind == LK_SETENV;
            for (i = setenv ? 0 : 1; i < n->argc; i++) {
                const char *var = n->argv[i];
                if (*var != '!') {
                    note_env(st, apr_pstrmemdup(st->pool, var, strcspn(var, "=")), 0);
                }
                if (setenv) {
                    break;
                }
            }
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

/* The regex of "<Origin> =~ /re/" (or m#re#) in an expression, or NULL: the one that
 * follows the Origin, not another variable's ("%{HTTP_HOST} =~ /x/ && ..."). */
static const char *expr_origin_regex(apr_pool_t *p, const char *e, int *nocase)
{
    apr_size_t len = 0;
    const char *at = expr_origin_at(e, &len), *op, *start, *end;
    char delim;

    *nocase = 0;
    op = at ? at + len + strspn(at + len, " \t") : NULL;
    if (op == NULL || strncmp(op, "=~", 2) != 0) {
        return NULL;
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
        return NULL;
    }
    start = op + 1;
    end = strchr(start, delim);
    if (end == NULL) {
        return NULL;
    }
    *nocase = end[1] == 'i';
    return apr_pstrmemdup(p, start, (apr_size_t)(end - start));
}

/* <If "%{HTTP:Origin} =~ /re/"> (or %{HTTP_ORIGIN}, m#re#, -strmatch, ==); and an <If>
 * that holds only for OPTIONS requests (with no <Else> after it: what it sends on
 * preflights, the <Else> may send on the others). */
void lint_scope_note_if_origin(apr_pool_t *p, scope_state *st, const lint_node *sec)
{
    const char *e = sec->args_raw;

    if (sec->kind != LK_SCOPE || ((sec->name[0] | 32) != 'i' && (sec->name[0] | 32) != 'e') ||
        !(lint_streq(sec->name, "If") || lint_streq(sec->name, "ElseIf")) || e == NULL) {
        return;
    }
    if (expr_options_only(e) && lint_streq(sec->name, "If") &&
        !(sec->next && sec->next->is_section &&
          (lint_streq(sec->next->name, "Else") || lint_streq(sec->next->name, "ElseIf")))) {
        st->if_options = 1;
        st->changed = 1;
    }
    if (!lint_expr_restricts_origin(e)) {
        return; /* no test, or one every origin passes ("-n %{HTTP:Origin}") */
    }
    st->if_origin = sec;
    st->changed = 1;
    st->if_regex = expr_origin_regex(p, e, &st->if_regex_nocase);
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
    st->env_options = apr_hash_make(p);
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
