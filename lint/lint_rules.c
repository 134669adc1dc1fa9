/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The rules. They walk the scopes in httpd's merge order (lint_scope.c builds each
 * one's effective configuration) and judge each scope's effective configuration; a
 * finding caused by one line is reported once, whatever the number of scopes that
 * inherit it.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint.h"
#include "lint_scope.h"

#define LINT_RULE_INFO(id, severity, security, title) {#id, severity, title, security},
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

/* ---- the rules ------------------------------------------------------------------- */

/* An Origin test judged by the core: any origin with reflection (CL004), or each of a
 * bypass (CL005), the null origin (CL006) and an http:// origin with credentials (CL007):
 * one regex can have all three defects. */
static void judge_regex_verdict(lint_ctx *ctx, const lint_node *n, int col, const char *regex,
                                const cors_regex_verdict *v, int reflects, int credentials,
                                const char *what)
{
    if (v == NULL) {
        return;
    }
    if (v->kind == CORS_ATTACK_ANY && reflects) {
        lint_add(ctx, CL004, n, col, NULL,
                 "%s '%s' accepts any origin, so the reflected Access-Control-Allow-Origin "
                 "trusts every site%s",
                 what, regex,
                 credentials ? ", with credentials: any page can read authenticated "
                               "responses"
                             : "");
        return;
    }
    if (v->attack) {
        lint_add(ctx, CL005, n, col, NULL,
                 "%s '%s' meant for %s also accepts '%s', an origin anyone can register: %s", what,
                 regex, v->intended ? v->intended : "its origins", v->attack,
                 cors_attack_hint(v, ctx->pool));
    }
    if (v->accepts_null) {
        lint_add(ctx, CL006, n, col, NULL,
                 "%s '%s' accepts the null origin (sandboxed iframes and file: pages send "
                 "it, and attackers can produce it)",
                 what, regex);
    }
    /* an http:// origin is no bypass of the regex: it matters with credentials */
    if (v->insecure && credentials) {
        lint_add(ctx, CL007, n, col, NULL,
                 "%s '%s' accepts the http:// origin '%s', with credentials; anyone on the "
                 "network path can inject script into it and read your users' responses",
                 what, regex, v->insecure);
    }
}

/* A mod_headers recipe's test on the Origin. httpd runs its regex on every request's raw
 * Origin header, up to 8 KB, where even a polynomial of degree 2 costs PCRE2's match limit:
 * any backtracking case is a warning under CL005 (an error there, a bypass, comes first). */
static void judge_gate_regex(lint_ctx *ctx, const lint_node *n, const char *regex, int col,
                             int nocase, int reflects, int credentials, const char *what)
{
    const cors_regex_verdict *v = lint_regex_judge(ctx, regex, nocase);

    if (v && v->redos != CORS_REDOS_NONE && v->attack == NULL) {
        lint_add_sev(ctx, CL005, LINT_WARNING, n, col, "%s '%s' is open to ReDoS: it %s", what,
                     regex, cors_redos_hint(v, ctx->pool));
    }
    judge_regex_verdict(ctx, n, col, regex, v, reflects, credentials, what);
}

static int cors_problem_rule(cors_problem_kind kind)
{
    switch (kind) {
    case CORS_PROBLEM_ANY_ORIGIN: return CL001;
    case CORS_PROBLEM_ANY_EXPOSE: return CL011;
    case CORS_PROBLEM_INSECURE: return CL007;
    case CORS_PROBLEM_SUFFIX_BELOW:
    case CORS_PROBLEM_REGEX: break;
    }
    return CL005;
}

/* mod_cors's conflicts with credentials that no start-up check sees (an <If> or a
 * .htaccess merged onto credentials): the module refuses credentials there at request
 * time. Reported at the later of the two lines. */
static void judge_cors_problems(lint_ctx *ctx, const scope_state *st)
{
    apr_array_header_t *found = apr_array_make(st->pool, 2, sizeof(cors_problem));
    int i;

    cors_config_problems(st->pool, st->cors, found);
    for (i = 0; i < found->nelts; i++) {
        const cors_problem *p = &APR_ARRAY_IDX(found, i, cors_problem);
        const lint_node *at = lint_cors_node(p->at), *cr = lint_cors_node(p->credentials);
        int late;
        if (at == NULL || cr == NULL || lint_cors_reported(ctx, p)) {
            continue;
        }
        late = cr->loc.file == at->loc.file && cr->loc.line > at->loc.line;
        lint_add(ctx, cors_problem_rule(p->kind), late ? cr : at,
                 late ? 0 : lint_cors_col(p->at, p->arg), late ? at : cr,
                 "%s (once the scopes are merged: mod_cors then grants no credentials here)",
                 p->message);
    }
}

/* mod_cors's allow-list entries: null (CL006), http:// next to https or with
 * credentials (CL007), and bypassable regexes without credentials (CL005; with them, the
 * module refuses the regex: CL016). */
static void judge_cors_entries(lint_ctx *ctx, const scope_state *st)
{
    const cors_config *c = st->cors;
    int creds = c->credentials == 1, has_https = 0, i;

    for (i = 0; c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        has_https |= e->canon && strncmp(e->canon, "https://", 8) == 0;
    }
    for (i = 0; c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        const lint_node *n = lint_cors_node(e->where);
        if (n == NULL) {
            continue;
        }
        if (e->kind == CORS_ENTRY_NULL) {
            lint_add(ctx, CL006, n, lint_cors_col(e->where, e->arg), NULL,
                     "CORSAllowOrigin null trusts sandboxed iframes and file: pages, which "
                     "any attacker can produce");
        }
        else if (e->insecure && (has_https || (creds && c->insecure_origins == 1))) {
            lint_add(ctx, CL007, n, lint_cors_col(e->where, e->arg), NULL,
                     "the http:// origin '%s' is trusted next to https ones%s; anyone on the "
                     "network path can inject script into it",
                     e->source, creds ? " and with credentials" : "");
        }
    }
    for (i = 0; c->regexes && i < cors_origin_list_nentries(c->regexes); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->regexes, i);
        const cors_regex_verdict *v = cors_origin_entry_verdict(e);
        const lint_node *n = lint_cors_node(e->where);
        if (n && v && !(creds && (v->attack || (v->insecure && c->insecure_origins != 1)))) {
            judge_regex_verdict(ctx, n, lint_cors_col(e->where, e->arg), e->source, v, 1, creds,
                                "CORSAllowOriginRegex");
        }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* mod_headers' format tags other than %{...}e and %{...}s: the request's duration, time,
 * load, idle and busy workers ("%{Origin}i" is "i=98" on the wire, not the Origin). */
static const char *format_tag_not_env(const char *v)
{
    const char *p;

    for (p = strchr(v, '%'); p; p = strchr(p + 1, '%')) {
        const char *t = p + 1;
        if (*t == '%') {
            p++;
            continue;
        }
        if (*t == '{') {
            t = strchr(t, '}');
            if (t == NULL) {
                return NULL;
            }
            t++;
        }
        if (*t && strchr("Dtlib", *t)) {
            return p;
        }
    }
    return NULL;
}

/* A %{NAME}e in v that no directive of the input sets (httpd then sends "(null)"), unless
 * the line is sent only when it is set (env=NAME), or it is one httpd's modules set. */
static const char *unset_env_var(lint_ctx *ctx, const hdr_action *h)
{
    static const char *const known[] = {"HTTP",    "SSL_",    "REDIRECT_", "UNIQUE_ID",
                                        "REMOTE_", "SERVER_", "REQUEST_",  "GEOIP",
                                        "AUTH",    "SCRIPT_"};
    const char *p;

    for (p = strstr(h->value, "%{"); p; p = strstr(p + 2, "%{")) {
        const char *e = strchr(p, '}');
        const char *name;
        char *lower, *c;
        size_t k;
        int module = 0;
        if (e == NULL || e[1] != 'e') {
            continue;
        }
        name = apr_pstrmemdup(ctx->pool, p + 2, (apr_size_t)(e - p - 2));
        for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
            module |= lint_starts_with_ci(name, known[k]);
        }
        if (module || (h->cond_env && !h->cond_neg && lint_streq(h->cond_env, name))) {
            continue;
        }
        lower = apr_pstrdup(ctx->pool, name);
        for (c = lower; *c; c++) {
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        }
        if (apr_hash_get(ctx->env_set, lower, APR_HASH_KEY_STRING) == NULL) {
            return name;
        }
    }
    return NULL;
}

/* One Access-Control-Allow-Origin value, as a browser reads it: the origin parser's
 * answer; mod_headers' formats that are not the Origin. */
static void judge_acao_value(lint_ctx *ctx, const scope_state *st, const hdr_action *h, int creds)
{
    const char *v = h->value, *tag, *var;
    cors_origin o;
    cors_origin_status os;

    if (v == NULL || strncmp(v, "expr=", 5) == 0) {
        return;
    }
    if ((tag = format_tag_not_env(v)) != NULL) {
        const char *end = tag[1] == '{' ? strchr(tag, '}') + 1 : tag + 1;
        lint_add(ctx, CL012, h->node, h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s': mod_headers' '%.*s' is %s, not a "
                 "request header ('%c=...' on the wire), so browsers reject it; to answer "
                 "with the request's Origin, test it (SetEnvIf Origin \"^https://app\\.example"
                 "\\.com$\" OK=$0) and send %%{OK}e",
                 v, (int)(end - tag + 1), tag,
                 *end == 'i'   ? "the percentage of idle workers"
                 : *end == 'b' ? "the percentage of busy workers"
                 : *end == 'l' ? "the load average"
                 : *end == 'D' ? "the request's duration"
                               : "the request's time",
                 *end);
        return;
    }
    if (lint_value_reflects(st, v)) {
        return;
    }
    if ((var = unset_env_var(ctx, h)) != NULL) {
        lint_add(ctx, CL012, h->node, h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s': nothing in the configuration sets "
                 "the variable %s, so httpd sends the literal '(null)', which browsers reject; "
                 "set it (SetEnvIf Origin ... %s=$0) or send the header only when it is set "
                 "(env=%s)",
                 v, var, var, var);
        return;
    }
    if (strstr(v, "%{")) {
        return;
    }
    os = strcmp(v, "*") == 0 ? CORS_ORIGIN_OK : cors_origin_parse(v, &o);
    if (os != CORS_ORIGIN_OK) {
        lint_add(ctx, CL012, h->node, h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s' %s: it must be exactly one "
                 "origin (scheme://host[:port]), '*' or 'null'",
                 v, cors_origin_status_str(os));
    }
    else if (strcmp(v, "*") == 0) {
        /* "*" is judged by CL001 and CL011 */
    }
    else if (o.is_null) {
        lint_add(ctx, CL006, h->node, h->value_col, NULL,
                 "Access-Control-Allow-Origin: null trusts sandboxed iframes and file: "
                 "pages, which any attacker can produce");
    }
    else if (cors_origin_is_insecure(&o) && creds) {
        lint_add(ctx, CL007, h->node, h->value_col, NULL,
                 "the http:// origin '%s' is trusted with credentials; anyone on the "
                 "network path can inject script into it",
                 v);
    }
}

/* The literal text a regex starts with after '^' ("/wiki/" of "^/wiki/(.*)$"), or NULL
 * when it is not anchored; a character a quantifier makes optional is left out. */
static const char *regex_literal_prefix(apr_pool_t *p, const char *re)
{
    char *out, *o;

    if (re[0] != '^') {
        return NULL;
    }
    out = o = apr_palloc(p, strlen(re) + 1);
    for (re++; *re; re++) {
        char c = *re;
        if (c == '\\' && re[1] && strchr(".-/_~:", re[1])) {
            c = *++re;
        }
        else if (strchr("\\.[](){}|*+?$^", c)) {
            if ((c == '?' || c == '*' || c == '{') && o > out) {
                o--;
            }
            break;
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
}

/* Can a redirect of the main server's or a virtual host's context apply to the URLs of
 * the <Location> that grants CORS? Its pattern is matched against the URL-path there: one
 * anchored on a literal path that is neither a prefix of the location's path nor starts
 * with it never matches those URLs. Per-directory rules and other scopes: it may. */
static int redirect_may_reach(const scope_state *st, const lint_node *r)
{
    const lint_node *c, *loc = NULL;
    const char *path, *lit;
    apr_size_t n;

    for (c = st->node; c && loc == NULL; c = c->parent) {
        if (c->kind == LK_SCOPE && lint_streq(c->name, "Location") && c->argc == 1) {
            loc = c;
        }
    }
    if (loc == NULL) {
        return 1;
    }
    for (c = r->parent; c; c = c->parent) {
        if (c->htaccess_dir || (lint_is_scope_section(c) && c->kind != LK_VIRTUALHOST)) {
            return 1; /* a per-directory pattern, or the location's own */
        }
    }
    path = loc->argv[0];
    if (r->kind == LK_REWRITERULE || lint_streq(r->name, "RedirectMatch")) {
        const char *re = r->argv[r->kind == LK_REWRITERULE || r->argc < 3 ? 0 : 1];
        lit = regex_literal_prefix(st->pool, re);
    }
    else {
        /* Redirect [status] URL-path URL: a prefix of whole segments */
        lit = r->argc >= 3 ? r->argv[1] : r->argc >= 1 ? r->argv[0] : NULL;
    }
    if (lit == NULL) {
        return 1;
    }
    n = strlen(lit) < strlen(path) ? strlen(lit) : strlen(path);
    return strncmp(lit, path, n) == 0;
}

/* What a scope's effective configuration yields. It reads st's headers (not those of
 * kind HK_OTHER), gates, <If> Origin test, mod_cors directives, requires and OPTIONS
 * exemption, methods and redirects: lint_scope_fold sets st->changed when a section
 * changes any of them, and walk_scope judges again only then. */
static void judge_scope(lint_ctx *ctx, const scope_state *st)
{
    const hdr_action *acao = lint_scope_header(st, HK_ACAO);
    const hdr_action *acac = NULL, *acam, *acah, *aceh, *acma, *vary;
    int creds = lint_scope_credentials(st, &acac);
    int mod_cors = lint_scope_cors_active(st);
    int report_only = lint_scope_cors_flag(st->cors->report_only, 0);
    int i;
    const char *reflect_var = acao ? lint_value_reflects(st, acao->value) : NULL;
    int origin_gated = 0;
    const env_gate *gate = NULL, *g;
    int acao_options = acao && lint_header_options_only(st, acao);

    acam = lint_scope_header(st, HK_ACAM);
    acah = lint_scope_header(st, HK_ACAH);
    aceh = lint_scope_header(st, HK_ACEH);
    acma = lint_scope_header(st, HK_ACMA);
    vary = NULL;
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind == HK_VARY && h->value && lint_contains_ci(h->value, "Origin")) {
            vary = h;
        }
    }
    if (acao && acao->cond_env && !acao->cond_neg) {
        gate = apr_hash_get(st->gates, acao->cond_env, APR_HASH_KEY_STRING);
    }
    if (acao && reflect_var && *reflect_var) {
        gate = apr_hash_get(st->gates, reflect_var, APR_HASH_KEY_STRING);
    }
    /* an expr= on the request's Origin, not one that merely names a header
     * ("-z resp('Access-Control-Allow-Origin')") */
    origin_gated = gate != NULL || st->if_origin != NULL ||
                   (acao && acao->cond_expr && lint_expr_tests_origin(acao->cond_expr));

    /* CL001: "*" with credentials */
    if (acao && acao->value && strcmp(acao->value, "*") == 0 && creds) {
        lint_add(ctx, CL001, acac->node, 0, acao->node,
                 "Access-Control-Allow-Credentials: true with Access-Control-Allow-Origin: *; "
                 "browsers reject credentialed responses with a wildcard origin");
    }
    if (mod_cors) {
        judge_cors_problems(ctx, st);
        judge_cors_entries(ctx, st);
    }

    /* CL004, CL005: reflection and the tests that gate it */
    if (acao && reflect_var && !origin_gated) {
        lint_add(ctx, CL004, acao->node, acao->value_col, NULL,
                 "Access-Control-Allow-Origin reflects the request's Origin with no "
                 "allow-list test%s; list the trusted origins (SetEnvIf Origin "
                 "\"^https://app\\.example\\.com$\" ... env=...) or use mod_cors",
                 creds ? ", with credentials: any site can read authenticated responses" : "");
    }
    /* every line that sets the variable is a test of its own */
    for (g = acao ? gate : NULL; g; g = g->prev) {
        if (g->regex && (reflect_var || creds)) {
            judge_gate_regex(ctx, g->node, g->regex, g->regex_col, g->nocase, reflect_var != NULL,
                             creds, "the Origin test");
        }
        else if (!g->regex && !g->tested && reflect_var) {
            lint_add(ctx, CL004, g->node, 0, acao->node,
                     "%s copies the Origin into %s with no test, and "
                     "Access-Control-Allow-Origin reflects it",
                     g->node->name, reflect_var);
        }
    }
    if (acao && st->if_origin && st->if_regex && (reflect_var || creds)) {
        judge_gate_regex(ctx, st->if_origin, st->if_regex, 0, st->if_regex_nocase,
                         reflect_var != NULL, creds, "the <If> Origin test");
    }
    /* CL002: origin-dependent answer without Vary: Origin (preflight responses are not
     * cached by HTTP caches: an answer sent only to OPTIONS needs none) */
    if (acao && (reflect_var || origin_gated) && !vary && !mod_cors && !acao_options) {
        lint_add(ctx, CL002, acao->node, 0, NULL,
                 "Access-Control-Allow-Origin depends on the request's Origin but the "
                 "responses do not carry Vary: Origin; add 'Header always merge Vary Origin'");
    }
    /* CL017: a grant that only preflights get */
    if (acao_options && !mod_cors) {
        int actual = 0;
        for (i = 0; i < st->headers->nelts; i++) {
            const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
            actual |= h->hkind == HK_ACAO && h->grant && !lint_header_options_only(st, h);
        }
        if (!actual) {
            lint_add(ctx, CL017, acao->node, 0, NULL,
                     "Access-Control-Allow-Origin is sent only on responses to OPTIONS "
                     "requests: the preflight succeeds, but the actual request's response "
                     "carries none and the browser blocks it; send it on every response");
        }
    }

    /* CL003: methods */
    if (acao || mod_cors) {
        apr_hash_index_t *hi;
        apr_array_header_t *missing = apr_array_make(st->pool, 4, sizeof(const char *));
        if (acam && acam->value && strcmp(acam->value, "*") != 0) {
            const char *tok = acam->value;
            for (;;) {
                apr_size_t n;
                tok += strspn(tok, ", ");
                if (*tok == '\0') {
                    break;
                }
                n = strcspn(tok, ", ");
                if (!cors_is_token(tok, n) && memchr(tok, '%', n) == NULL) {
                    lint_add(ctx, CL003, acam->node, acam->value_col, NULL,
                             "Access-Control-Allow-Methods holds '%s', which is not a "
                             "method token",
                             apr_pstrmemdup(st->pool, tok, n));
                    break;
                }
                tok += n;
            }
        }
        for (hi = apr_hash_first(st->pool, st->methods); hi; hi = apr_hash_next(hi)) {
            const char *m = apr_hash_this_key(hi);
            int listed;
            if (mod_cors) {
                /* as the module matches: case-sensitive, GET HEAD POST when unset */
                const cors_token_list *ml = st->cors->methods;
                listed = ml ? ml->any || cors_token_list_has(ml, m, strlen(m))
                            : cors_is_safelisted_method(m);
            }
            else {
                listed = acam && acam->value &&
                         (strcmp(acam->value, "*") == 0 || strstr(acam->value, m));
            }
            if (!listed) {
                APR_ARRAY_PUSH(missing, const char *) = m;
            }
        }
        if (missing->nelts > 0) {
            const char *first, *list;
            int k;
            const lint_node *at = !mod_cors           ? (acam ? acam->node : acao->node)
                                  : st->cors->methods ? lint_scope_cors_node(st, CORS_D_METHODS)
                                  : st->cors->origins
                                      ? lint_scope_cors_node(st, CORS_D_ORIGIN)
                                      : lint_scope_cors_node(st, CORS_D_ORIGIN_REGEX);
            qsort(missing->elts, (size_t)missing->nelts, sizeof(const char *), cmp_str);
            first = list = APR_ARRAY_IDX(missing, 0, const char *);
            for (k = 1; k < missing->nelts; k++) {
                list = apr_pstrcat(st->pool, list, ", ", APR_ARRAY_IDX(missing, k, const char *),
                                   NULL);
            }
            lint_add(ctx, CL003, at, 0, apr_hash_get(st->methods, first, APR_HASH_KEY_STRING),
                     "%s %s served here but not allowed for cross-origin requests; add %s "
                     "to %s",
                     list, missing->nelts > 1 ? "are" : "is", missing->nelts > 1 ? "them" : "it",
                     mod_cors ? "CORSAllowMethods" : "Access-Control-Allow-Methods");
        }
    }

    /* CL006, CL007, CL012: the values, each Access-Control-Allow-Origin line (an 'add'
     * sends them all) */
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind == HK_ACAO && h->grant) {
            judge_acao_value(ctx, st, h, creds);
        }
    }
    if (acac && acac->value && strcmp(acac->value, "true") != 0 && !strstr(acac->value, "%{")) {
        lint_add(ctx, CL012, acac->node, acac->value_col, NULL,
                 "Access-Control-Allow-Credentials must be exactly 'true' (it is '%s'); to "
                 "deny credentials, omit the header",
                 acac->value);
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
        else if (strlen(v) > 5 || atol(v) > CORS_MAX_AGE_CHROMIUM) {
            lint_add(ctx, CL013, acma->node, acma->value_col, NULL,
                     "Access-Control-Max-Age %s is above what Chromium honours (%d s; "
                     "Firefox: %d s)",
                     v, CORS_MAX_AGE_CHROMIUM, CORS_MAX_AGE_MAX);
        }
    }
    if (mod_cors && st->cors->max_age && atol(st->cors->max_age) > CORS_MAX_AGE_CHROMIUM) {
        const lint_node *n = lint_scope_cors_node(st, CORS_D_MAX_AGE);
        lint_add(ctx, CL013, n, n->argc ? n->argcol[0] : 0, NULL,
                 "CORSMaxAge %s is above what Chromium honours (%d s; Firefox: %d s)",
                 st->cors->max_age, CORS_MAX_AGE_CHROMIUM, CORS_MAX_AGE_MAX);
    }

    /* CL008, CL009: tables and duplicates */
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        int j;
        if (h->hkind == HK_OTHER || h->hkind == HK_VARY ||
            !(lint_header_is_grant(h) || h->refused)) {
            continue;
        }
        if (!h->always && !lint_header_options_only(st, h)) {
            lint_add(ctx, CL008, h->node, 0, NULL,
                     "Header %s %s without 'always': it is missing on error responses (401, "
                     "404, 500, ErrorDocument), which browsers then report as a CORS error; "
                     "write 'Header always %s'",
                     h->action, h->name, h->action);
        }
        if (h->refused) {
            continue;
        }
        if (h->hkind == HK_ACAO && (!strcmp(h->action, "add") || !strcmp(h->action, "append") ||
                                    !strcmp(h->action, "merge"))) {
            lint_add(ctx, CL009, h->node, 0, NULL,
                     "Header %s Access-Control-Allow-Origin can send several values; "
                     "browsers reject that: use 'set'",
                     h->action);
        }
        for (j = 0; j < i; j++) {
            const hdr_action *o = &APR_ARRAY_IDX(st->headers, j, hdr_action);
            if (o->hkind == h->hkind && (h->hkind != HK_AC || lint_streq(o->name, h->name)) &&
                lint_header_is_grant(o) && o->always != h->always) {
                lint_add(ctx, CL009, h->node, 0, o->node,
                         "%s is set in both the 'always' and the 'onsuccess' tables: "
                         "successful responses carry it twice",
                         h->name);
            }
        }
        if (mod_cors && !report_only && h == acao) {
            lint_add(
                ctx, CL009, h->node, 0,
                lint_scope_cors_node(st, st->cors->origins ? CORS_D_ORIGIN : CORS_D_ORIGIN_REGEX),
                "both mod_headers and mod_cors grant CORS here; remove the Header "
                "lines (mod_cors answers alone), or set CORSReportOnly On while "
                "migrating");
        }
    }

    /* CL010: authentication without an OPTIONS exemption */
    if (st->requires->nelts > 0 && !st->options_exempt &&
        (acao || (mod_cors && !lint_scope_cors_flag(st->cors->preflight, 1)))) {
        const lint_node *req =
            APR_ARRAY_IDX(st->requires, st->requires->nelts - 1, const lint_node *);
        lint_add(ctx, CL010, req, 0,
                 acao ? acao->node : lint_scope_cors_node(st, CORS_D_PREFLIGHT),
                 "'Require %s' applies to preflights too, which never carry credentials: "
                 "they get a 401 and the browser reports a CORS error; exempt OPTIONS "
                 "(<LimitExcept OPTIONS>) or let mod_cors answer preflights",
                 req->argc ? req->argv[0] : "");
    }

    /* CL011: "*" with credentials */
    if (creds) {
        const hdr_action *stars[3] = {acah, acam, aceh};
        int k;
        for (k = 0; k < 3; k++) {
            if (stars[k] && stars[k]->value && strcmp(stars[k]->value, "*") == 0) {
                lint_add(ctx, CL011, stars[k]->node, stars[k]->value_col, acac->node,
                         "%s: * with credentials is the literal name '*', not a wildcard; "
                         "list the names",
                         stars[k]->name);
            }
        }
    }

    /* CL014: redirects that preflights follow */
    if (acao || mod_cors) {
        for (i = 0; i < st->redirects->nelts; i++) {
            const lint_node *r = APR_ARRAY_IDX(st->redirects, i, const lint_node *);
            if (!redirect_may_reach(st, r)) {
                continue;
            }
            lint_add(ctx, CL014, r, 0, NULL,
                     "%s also applies to OPTIONS: browsers fail a redirected preflight; "
                     "exclude it (RewriteCond %%{REQUEST_METHOD} !=OPTIONS)",
                     r->name);
        }
    }
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
        judge_scope(ctx, st);
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

/* Does the <Directory> path d contain dir? */
static int directory_covers(const char *d, const char *dir)
{
    apr_size_t dl = strlen(d);

    while (dl > 1 && d[dl - 1] == '/') {
        dl--;
    }
    return strncmp(dir, d, dl) == 0 &&
           (dir[dl] == '/' || dir[dl] == '\0' || (dl == 1 && d[0] == '/'));
}

/* The <Directory> sections of one server context (the main server's own, or a virtual
 * host's) that contain dir, through conditional containers, not into <VirtualHost>. */
static void covering_directories(const lint_node *context, const char *dir,
                                 apr_array_header_t *out)
{
    const lint_node *n;

    for (n = context->first_child; n; n = n->next) {
        if (!n->is_section || n->inactive) {
            continue;
        }
        if (n->kind == LK_DIRECTORY && n->argc >= 1 && directory_covers(n->argv[0], dir)) {
            APR_ARRAY_PUSH(out, const lint_node *) = n;
        }
        else if (n->kind != LK_VIRTUALHOST && !lint_is_scope_section(n)) {
            covering_directories(n, dir, out);
        }
    }
}

/* httpd orders <Directory> sections by their number of path components (core.c,
 * ap_core_reorder_directories): "/var/www" and "/var/www/" are the same length. */
static int path_components(const char *d)
{
    apr_size_t len = strlen(d);
    int n = 0;

    while (len > 1 && d[len - 1] == '/') {
        len--;
    }
    while (len-- > 0) {
        n += d[len] == '/';
    }
    return n;
}

static int shorter_path(const void *a, const void *b)
{
    int x = path_components((*(const lint_node *const *)a)->argv[0]);
    int y = path_components((*(const lint_node *const *)b)->argv[0]);
    return x < y ? -1 : x > y;
}

/* The scope a .htaccess in dir is merged onto for requests of one virtual host (NULL:
 * the main server): the server, the virtual host, then the <Directory> sections of both
 * that contain dir, shortest first (httpd merges the main server's sections into each
 * virtual host's). *own: the virtual host has such a section of its own. */
static void fold(lint_ctx *ctx, scope_state *st, const lint_node *sec, int with_cors)
{
    lint_scope_fold(ctx, st, sec, NULL);
    if (with_cors) {
        lint_scope_fold_cors(ctx, st, sec);
    }
}

static scope_state *htaccess_scope(lint_ctx *ctx, const lint_node *server, const lint_node *vhost,
                                   const char *dir, int with_cors, int *own)
{
    scope_state *st = lint_scope_make(ctx->pool);
    apr_array_header_t *dirs = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    int i, main_count;

    fold(ctx, st, server, with_cors);
    covering_directories(server, dir, dirs);
    main_count = dirs->nelts;
    if (vhost) {
        fold(ctx, st, vhost, with_cors);
        covering_directories(vhost, dir, dirs);
    }
    *own = dirs->nelts > main_count;
    /* stable for equal lengths: the main server's first, as httpd merges them */
    for (i = 1; i < dirs->nelts; i++) {
        int j;
        for (j = i; j > 0 && shorter_path(&APR_ARRAY_IDX(dirs, j, const lint_node *),
                                          &APR_ARRAY_IDX(dirs, j - 1, const lint_node *)) < 0;
             j--) {
            const lint_node *t = APR_ARRAY_IDX(dirs, j, const lint_node *);
            APR_ARRAY_IDX(dirs, j, const lint_node *) =
                APR_ARRAY_IDX(dirs, j - 1, const lint_node *);
            APR_ARRAY_IDX(dirs, j - 1, const lint_node *) = t;
        }
    }
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
    int i, own;

    virtual_hosts(server, vhosts);
    for (i = 0; i < vhosts->nelts; i++) {
        scope_state *st = htaccess_scope(ctx, server, APR_ARRAY_IDX(vhosts, i, const lint_node *),
                                         dir, with_cors, &own);
        if (own) {
            APR_ARRAY_PUSH(out, scope_state *) = st;
        }
    }
    if (out->nelts == 0) {
        APR_ARRAY_PUSH(out, scope_state *) =
            htaccess_scope(ctx, server, NULL, dir, with_cors, &own);
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
    char *lower, *c;
    apr_size_t n;

    var += *var == '!';
    n = strcspn(var, "=:,]");
    lower = apr_pstrmemdup(ctx->pool, var, n);
    for (c = lower; *c; c++) {
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    apr_hash_set(ctx->env_set, lower, APR_HASH_KEY_STRING, "1");
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
        if (lint_streq(n->name, "SetEnv") || lint_streq(n->name, "PassEnv")) {
            from = 0;
        }
        else if (lint_streq(n->name, "SetEnvIfExpr")) {
            from = 1;
        }
        else if (n->kind == LK_SETENVIF || n->kind == LK_SETENVIFNOCASE ||
                 lint_streq(n->name, "BrowserMatch") ||
                 lint_streq(n->name, "BrowserMatchNoCase")) {
            from = lint_starts_with_ci(n->name, "Browser") ? 1 : 2;
        }
        for (i = from < 0 ? n->argc : from; i < n->argc; i++) {
            note_env_name(ctx, n->argv[i]);
            if (lint_streq(n->name, "SetEnv")) {
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
