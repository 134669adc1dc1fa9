/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The scope rules: one function per rule, each reading the view of a scope that
 * lint_judge_scope computes once (the CORS headers in effect, whether the answer depends
 * on the Origin, every test on the Origin with the core's verdict, what each
 * Access-Control-Allow-Origin value is) and reporting what it finds. lint.h's LINT_RULES
 * names the function of each rule; lint_rules.c walks the scopes and calls
 * lint_judge_scope on each one whose configuration changed.
 *
 * A finding is kept once per rule and place, with the first message: where a rule can be
 * reported twice at one place (mod_cors's merged problems and its own regex verdicts,
 * CL009's three checks of one line), its function keeps the order of the checks.
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_fetch.h"
#include "cors_policy.h"
#include "lint.h"
#include "lint_scope.h"

/* A test on the Origin with the core's verdict on its regex: a CORSAllowOriginRegex
 * entry, a mod_headers recipe's gate (SetEnvIf Origin, RewriteCond %{HTTP:Origin}...),
 * or an <If> on the Origin around the scope. */
typedef struct {
    const lint_node *node;
    int col;
    const char *regex;           /* NULL: a gate that copies the Origin with no test */
    const cors_regex_verdict *v; /* NULL: the regex does not compile */
    int reflects;                /* the answer copies the origin the test accepts */
    int credentials;             /* the answer grants credentials */
    int redos;                   /* httpd runs it on every request's raw Origin */
    const char *what;
} origin_test;

/* What a browser makes of one Access-Control-Allow-Origin value. */
typedef enum {
    AV_NOT_JUDGED, /* "*" (CL001, CL011), a reflection, an expression, a format */
    AV_FORMAT_TAG, /* a mod_headers format that is not the Origin (%{...}i, %t, %D...) */
    AV_UNSET_VAR,  /* %{NAME}e that nothing sets */
    AV_INVALID,    /* not one origin */
    AV_NOT_SERIAL, /* an origin, but not as browsers serialize it (case, default port) */
    AV_NULL,
    AV_INSECURE, /* an http:// origin */
    AV_SECURE
} acao_value_kind;

typedef struct {
    const hdr_action *h;
    acao_value_kind kind;
    const char *detail; /* the format tag or the unset variable */
    cors_origin_status status;
} acao_value;

/* A scope's effective configuration, as the rules read it: computed once per judged
 * scope by view_make. */
typedef struct {
    const scope_state *st;
    const hdr_action *acao, *acac, *acam, *acah, *aceh, *acma;
    const hdr_action *vary;       /* a Vary header naming Origin */
    int creds;                    /* Access-Control-Allow-Credentials: true */
    int mod_cors;                 /* mod_cors grants CORS here */
    int report_only;              /* CORSReportOnly On */
    const char *reflect_var;      /* acao copies the Origin: through this variable, "" directly */
    int origin_gated;             /* acao is sent or chosen by a test on the Origin */
    int acao_options;             /* acao is sent only on responses to OPTIONS */
    apr_array_header_t *problems; /* cors_problem: mod_cors's, in this merge */
    apr_array_header_t *module_tests; /* origin_test: the CORSAllowOriginRegex entries */
    apr_array_header_t *header_tests; /* origin_test: mod_headers' gates, then the <If> */
    apr_array_header_t *values;       /* acao_value: each Access-Control-Allow-Origin grant */
} scope_view;

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

    if (ctx->partial) {
        return NULL; /* a file on its own (a pre-commit hook's): set, maybe, in another */
    }
    for (p = strstr(h->value, "%{"); p; p = strstr(p + 2, "%{")) {
        const char *e = strchr(p, '}');
        const char *name;
        char *lower;
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
        lower = cors_lower_dup(ctx->pool, name, strlen(name));
        if (apr_hash_get(ctx->env_set, lower, APR_HASH_KEY_STRING) == NULL) {
            return name;
        }
    }
    return NULL;
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

/* ---- the view of a scope ---------------------------------------------------------- */

static void add_test(apr_array_header_t *tests, const lint_node *n, int col, const char *regex,
                     const cors_regex_verdict *v, int reflects, int credentials, int redos,
                     const char *what)
{
    origin_test *t = apr_array_push(tests);

    t->node = n;
    t->col = col;
    t->regex = regex;
    t->v = v;
    t->reflects = reflects;
    t->credentials = credentials;
    t->redos = redos;
    t->what = what;
}

/* mod_cors's regexes, judged here unless the module refuses them with credentials (the
 * start-up check reports that: CL016). */
static void module_tests(const scope_view *v, apr_array_header_t *tests)
{
    const cors_config *c = v->st->cors;
    int creds = c->credentials == 1, i;

    for (i = 0; c->regexes && i < cors_origin_list_nentries(c->regexes); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->regexes, i);
        const cors_regex_verdict *rv = cors_origin_entry_verdict(e);
        const lint_node *n = lint_cors_node(e->where);
        if (n && rv && !(creds && (rv->attack || (rv->insecure && c->insecure_origins != 1)))) {
            add_test(tests, n, lint_cors_col(e->where, e->arg), e->source, rv, 1, creds, 0,
                     "CORSAllowOriginRegex");
        }
    }
}

/* The tests that gate Access-Control-Allow-Origin (every line that sets its variable is
 * a test of its own), then an <If> on the Origin around the scope: judged when the
 * answer reflects the origin or grants credentials. */
static void header_tests(lint_ctx *ctx, const scope_view *v, const env_gate *gate,
                         apr_array_header_t *tests)
{
    const scope_state *st = v->st;
    int reflects = v->reflect_var != NULL;
    const env_gate *g;

    for (g = gate; g; g = g->prev) {
        if (g->regex && (reflects || v->creds)) {
            add_test(tests, g->node, g->regex_col, g->regex,
                     lint_regex_judge(ctx, g->regex, g->nocase), reflects, v->creds, 1,
                     "the Origin test");
        }
        else if (!g->regex && !g->tested && reflects) {
            add_test(tests, g->node, 0, NULL, NULL, 1, v->creds, 0, NULL);
        }
    }
    if (st->if_origin && st->if_regex && (reflects || v->creds)) {
        add_test(tests, st->if_origin, 0, st->if_regex,
                 lint_regex_judge(ctx, st->if_regex, st->if_regex_nocase), reflects, v->creds, 1,
                 "the <If> Origin test");
    }
}

/* A field value as browsers read it: without the spaces and tabs around it (HTTP's
 * optional white space), which httpd sends as written in a quoted Header value. */
static const char *as_read(apr_pool_t *pool, const char *v)
{
    return v ? cors_fetch_normalize(pool, v, strlen(v)) : NULL;
}

/* One Access-Control-Allow-Origin value, as a browser reads it: the origin parser's
 * answer; mod_headers' formats that are not the Origin. */
static void classify_value(lint_ctx *ctx, const scope_state *st, acao_value *av)
{
    const char *v = as_read(ctx->pool, av->h->value);
    cors_origin o;

    av->kind = AV_NOT_JUDGED;
    if (v == NULL || strncmp(v, "expr=", 5) == 0) {
        return;
    }
    if ((av->detail = format_tag_not_env(v)) != NULL) {
        av->kind = AV_FORMAT_TAG;
        return;
    }
    if (lint_value_reflects(st, v)) {
        return;
    }
    if ((av->detail = unset_env_var(ctx, av->h)) != NULL) {
        av->kind = AV_UNSET_VAR;
        return;
    }
    if (strstr(v, "%{") || strcmp(v, "*") == 0) {
        return;
    }
    av->status = cors_origin_parse(v, &o);
    av->kind = av->status != CORS_ORIGIN_OK  ? AV_INVALID
               : o.is_null                   ? AV_NULL
               : strcmp(o.canon, v) != 0     ? AV_NOT_SERIAL
               : cors_origin_is_insecure(&o) ? AV_INSECURE
                                             : AV_SECURE;
    if (av->kind == AV_NOT_SERIAL) {
        av->detail = apr_pstrdup(ctx->pool, o.canon);
    }
}

/* Each Access-Control-Allow-Origin line that grants (an 'add' sends them all). */
static apr_array_header_t *acao_values(lint_ctx *ctx, const scope_state *st)
{
    apr_array_header_t *out = apr_array_make(st->pool, 2, sizeof(acao_value));
    int i;

    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind == HK_ACAO && h->grant) {
            acao_value *av = apr_array_push(out);
            memset(av, 0, sizeof(*av));
            av->h = h;
            classify_value(ctx, st, av);
        }
    }
    return out;
}

/* The headers in effect, and whether the answer depends on the Origin. */
static void view_headers(scope_view *v, const env_gate **gate)
{
    const scope_state *st = v->st;
    const hdr_action *acao;
    int i;

    acao = v->acao = lint_scope_header(st, HK_ACAO);
    v->creds = lint_scope_credentials(st, &v->acac);
    v->acam = lint_scope_header(st, HK_ACAM);
    v->acah = lint_scope_header(st, HK_ACAH);
    v->aceh = lint_scope_header(st, HK_ACEH);
    v->acma = lint_scope_header(st, HK_ACMA);
    for (i = 0; i < st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(st->headers, i, hdr_action);
        if (h->hkind == HK_VARY && h->value && lint_contains_ci(h->value, "Origin")) {
            v->vary = h;
        }
    }
    v->reflect_var = acao ? lint_value_reflects(st, acao->value) : NULL;
    if (acao && acao->cond_env && !acao->cond_neg) {
        *gate = apr_hash_get(st->gates, acao->cond_env, APR_HASH_KEY_STRING);
    }
    if (acao && v->reflect_var && *v->reflect_var) {
        *gate = apr_hash_get(st->gates, v->reflect_var, APR_HASH_KEY_STRING);
    }
    /* an expr= on the request's Origin, not one that merely names a header
     * ("-z resp('Access-Control-Allow-Origin')") */
    v->origin_gated = *gate != NULL || st->if_origin != NULL ||
                      (acao && acao->cond_expr && lint_expr_restricts_origin(acao->cond_expr));
    v->acao_options = acao && lint_header_options_only(st, acao);
}

static void view_make(lint_ctx *ctx, const scope_state *st, scope_view *v)
{
    const env_gate *gate = NULL;

    memset(v, 0, sizeof(*v));
    v->st = st;
    v->mod_cors = lint_scope_cors_active(st);
    v->report_only = lint_scope_cors_flag(st->cors->report_only, 0);
    view_headers(v, &gate);
    v->problems = apr_array_make(st->pool, 2, sizeof(cors_problem));
    v->module_tests = apr_array_make(st->pool, 2, sizeof(origin_test));
    v->header_tests = apr_array_make(st->pool, 2, sizeof(origin_test));
    if (v->mod_cors) {
        cors_config_problems(st->pool, st->cors, v->problems);
        module_tests(v, v->module_tests);
    }
    if (v->acao) {
        header_tests(ctx, v, gate, v->header_tests);
    }
    v->values = acao_values(ctx, st);
}

/* ---- what the rules share --------------------------------------------------------- */

/* mod_cors's conflicts with credentials that no start-up check sees (an <If> or a
 * .htaccess merged onto credentials): the module refuses credentials there at request
 * time. Those of one rule, reported at the later of the two lines. */
static void report_problems(lint_ctx *ctx, const scope_view *v, int rule)
{
    int i;

    for (i = 0; i < v->problems->nelts; i++) {
        const cors_problem *p = &APR_ARRAY_IDX(v->problems, i, cors_problem);
        const lint_node *at = lint_cors_node(p->at), *cr = lint_cors_node(p->credentials);
        int late;
        if (cors_problem_rule(p->kind) != rule || at == NULL || cr == NULL ||
            lint_cors_reported(ctx, p)) {
            continue;
        }
        late = cr->loc.file == at->loc.file && cr->loc.line > at->loc.line;
        lint_add(ctx, rule, late ? cr : at, late ? 0 : lint_cors_col(p->at, p->arg),
                 late ? at : cr,
                 "%s (once the scopes are merged: mod_cors then grants no credentials here)",
                 p->message);
    }
}

/* The test at i of the module's then the headers' tests. */
static const origin_test *test_at(const scope_view *v, int i)
{
    int m = v->module_tests->nelts;

    return i < m ? &APR_ARRAY_IDX(v->module_tests, i, origin_test)
                 : &APR_ARRAY_IDX(v->header_tests, i - m, origin_test);
}

static int test_count(const scope_view *v)
{
    return v->module_tests->nelts + v->header_tests->nelts;
}

/* A regex that accepts any origin and whose answer reflects it is CL004, and only that. */
static int reflects_anyone(const origin_test *t)
{
    return t->v && t->v->kind == CORS_ATTACK_ANY && t->reflects;
}

/* ---- the rules, in the order of LINT_RULES ----------------------------------------- */

/* CL001: "*" with credentials, by mod_headers or by mod_cors merged per request. */
static void judge_wildcard_credentials(lint_ctx *ctx, const scope_view *v)
{
    if (v->acao && v->acao->value && strcmp(v->acao->value, "*") == 0 && v->creds) {
        lint_add(ctx, CL001, v->acac->node, 0, v->acao->node,
                 "Access-Control-Allow-Credentials: true with Access-Control-Allow-Origin: *; "
                 "browsers reject credentialed responses with a wildcard origin");
    }
    report_problems(ctx, v, CL001);
}

/* CL002: an origin-dependent answer without Vary: Origin (preflight responses are not
 * cached by HTTP caches: an answer sent only to OPTIONS needs none). */
static void judge_vary(lint_ctx *ctx, const scope_view *v)
{
    if (v->acao && (v->reflect_var || v->origin_gated) && !v->vary && !v->mod_cors &&
        !v->acao_options) {
        lint_add(ctx, CL002, v->acao->node, 0, NULL,
                 "Access-Control-Allow-Origin depends on the request's Origin but the "
                 "responses do not carry Vary: Origin; add 'Header always merge Vary Origin'");
    }
}

/* CL003, a value of Access-Control-Allow-Methods that is no method token. */
static void invalid_method_token(lint_ctx *ctx, const scope_view *v)
{
    const hdr_action *acam = v->acam;
    const char *tok;

    if (!acam || !acam->value || strcmp(acam->value, "*") == 0) {
        return;
    }
    for (tok = acam->value;;) {
        apr_size_t n;
        tok += strspn(tok, ", ");
        if (*tok == '\0') {
            break;
        }
        n = strcspn(tok, ", ");
        if (!cors_is_token(tok, n) && memchr(tok, '%', n) == NULL) {
            lint_add(ctx, CL003, acam->node, acam->value_col, NULL,
                     "Access-Control-Allow-Methods holds '%s', which is not a method token",
                     apr_pstrmemdup(v->st->pool, tok, n));
            break;
        }
        tok += n;
    }
}

/* Is a method the scope serves allowed for cross-origin requests? */
static int method_listed(const scope_view *v, const char *m)
{
    const hdr_action *acam = v->acam;

    if (v->mod_cors) {
        /* as the module matches: case-sensitive, GET HEAD POST when unset */
        const cors_token_list *ml = v->st->cors->methods;
        return ml ? ml->any || cors_token_list_has(ml, m, strlen(m))
                  : cors_is_safelisted_method(m);
    }
    return acam && acam->value && (strcmp(acam->value, "*") == 0 || strstr(acam->value, m));
}

/* CL003: methods served (Dav, <Limit>, scripts) that the answer does not allow, all
 * named in one finding on the line that lists the methods (or grants). */
static void judge_methods(lint_ctx *ctx, const scope_view *v)
{
    const scope_state *st = v->st;
    apr_array_header_t *missing;
    apr_hash_index_t *hi;
    const char *first, *list;
    const lint_node *at;
    int k;

    if (!v->acao && !v->mod_cors) {
        return;
    }
    invalid_method_token(ctx, v);
    missing = apr_array_make(st->pool, 4, sizeof(const char *));
    for (hi = apr_hash_first(st->pool, st->methods); hi; hi = apr_hash_next(hi)) {
        if (!method_listed(v, apr_hash_this_key(hi))) {
            APR_ARRAY_PUSH(missing, const char *) = apr_hash_this_key(hi);
        }
    }
    if (missing->nelts == 0) {
        return;
    }
    at = !v->mod_cors        ? (v->acam ? v->acam->node : v->acao->node)
         : st->cors->methods ? lint_scope_cors_node(st, CORS_D_METHODS)
         : st->cors->origins ? lint_scope_cors_node(st, CORS_D_ORIGIN)
                             : lint_scope_cors_node(st, CORS_D_ORIGIN_REGEX);
    qsort(missing->elts, (size_t)missing->nelts, sizeof(const char *), cmp_str);
    first = list = APR_ARRAY_IDX(missing, 0, const char *);
    for (k = 1; k < missing->nelts; k++) {
        list = apr_pstrcat(st->pool, list, ", ", APR_ARRAY_IDX(missing, k, const char *), NULL);
    }
    lint_add(ctx, CL003, at, 0, apr_hash_get(st->methods, first, APR_HASH_KEY_STRING),
             "%s %s served here but not allowed for cross-origin requests; add %s to %s", list,
             missing->nelts > 1 ? "are" : "is", missing->nelts > 1 ? "them" : "it",
             v->mod_cors ? "CORSAllowMethods" : "Access-Control-Allow-Methods");
}

/* CL004 of the tests of one list: a regex that accepts any origin, reflected, or a gate
 * that copies the Origin with no test at all. */
static void reflected_tests(lint_ctx *ctx, const scope_view *v, const apr_array_header_t *tests)
{
    int i;

    for (i = 0; i < tests->nelts; i++) {
        const origin_test *t = &APR_ARRAY_IDX(tests, i, origin_test);
        if (t->regex == NULL && v->reflect_var && *v->reflect_var) {
            lint_add(ctx, CL004, t->node, 0, v->acao->node,
                     "%s copies the Origin into %s with no test, and "
                     "Access-Control-Allow-Origin reflects it",
                     t->node->name, v->reflect_var);
        }
        else if (t->regex == NULL) {
            lint_add(ctx, CL004, t->node, 0, v->acao->node,
                     "%s holds for any Origin (it tests that one is there, not which), and "
                     "Access-Control-Allow-Origin reflects the Origin behind it",
                     t->node->name);
        }
        else if (reflects_anyone(t)) {
            lint_add(ctx, CL004, t->node, t->col, NULL,
                     "%s '%s' accepts any origin, so the reflected Access-Control-Allow-Origin "
                     "trusts every site%s",
                     t->what, t->regex,
                     t->credentials ? ", with credentials: any page can read authenticated "
                                      "responses"
                                    : "");
        }
    }
}

/* CL004: the request's Origin reflected with no test, or with one that accepts any. */
static void judge_reflection(lint_ctx *ctx, const scope_view *v)
{
    reflected_tests(ctx, v, v->module_tests);
    if (v->acao && v->reflect_var && !v->origin_gated) {
        lint_add(ctx, CL004, v->acao->node, v->acao->value_col, NULL,
                 "Access-Control-Allow-Origin reflects the request's Origin with no "
                 "allow-list test%s; list the trusted origins (SetEnvIf Origin "
                 "\"^https://app\\.example\\.com$\" ... env=...) or use mod_cors",
                 v->creds ? ", with credentials: any site can read authenticated responses" : "");
    }
    reflected_tests(ctx, v, v->header_tests);
}

/* CL005: a test on the Origin that an origin anyone can register passes, and (a
 * warning) a mod_headers test open to ReDoS: httpd runs its regex on every request's
 * raw Origin, up to 8 KB, where even a polynomial of degree 2 costs PCRE2's match limit. */
static void judge_bypass(lint_ctx *ctx, const scope_view *v)
{
    int i;

    report_problems(ctx, v, CL005);
    for (i = 0; i < test_count(v); i++) {
        const origin_test *t = test_at(v, i);
        const cors_regex_verdict *rv = t->v;
        if (rv == NULL) {
            continue;
        }
        if (t->redos && rv->redos != CORS_REDOS_NONE && rv->attack == NULL) {
            lint_add_sev(ctx, CL005, LINT_WARNING, t->node, t->col,
                         "%s '%s' is open to ReDoS: it %s", t->what, t->regex,
                         cors_redos_hint(rv, ctx->pool));
        }
        if (rv->attack && !reflects_anyone(t)) {
            lint_add(ctx, CL005, t->node, t->col, NULL,
                     "%s '%s' meant for %s also accepts '%s', an origin anyone can register: %s",
                     t->what, t->regex, rv->intended ? rv->intended : "its origins", rv->attack,
                     cors_attack_hint(rv, ctx->pool));
        }
    }
}

/* CL006: the null origin, in mod_cors's list, a regex, or a header value. */
static void judge_null_origin(lint_ctx *ctx, const scope_view *v)
{
    const cors_config *c = v->st->cors;
    int i;

    for (i = 0; v->mod_cors && c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        const lint_node *n = lint_cors_node(e->where);
        if (n && e->kind == CORS_ENTRY_NULL) {
            lint_add(ctx, CL006, n, lint_cors_col(e->where, e->arg), NULL,
                     "CORSAllowOrigin null trusts sandboxed iframes and file: pages, which "
                     "any attacker can produce");
        }
    }
    for (i = 0; i < test_count(v); i++) {
        const origin_test *t = test_at(v, i);
        if (t->v && t->v->accepts_null && !reflects_anyone(t)) {
            lint_add(ctx, CL006, t->node, t->col, NULL,
                     "%s '%s' accepts the null origin (sandboxed iframes and file: pages send "
                     "it, and attackers can produce it)",
                     t->what, t->regex);
        }
    }
    for (i = 0; i < v->values->nelts; i++) {
        const acao_value *av = &APR_ARRAY_IDX(v->values, i, acao_value);
        if (av->kind == AV_NULL) {
            lint_add(ctx, CL006, av->h->node, av->h->value_col, NULL,
                     "Access-Control-Allow-Origin: null trusts sandboxed iframes and file: "
                     "pages, which any attacker can produce");
        }
    }
}

/* CL007 in mod_cors's list: an http:// origin next to https ones, or with credentials
 * when CORSAllowInsecureOrigins On lets the module start. */
static void module_http_origins(lint_ctx *ctx, const scope_view *v)
{
    const cors_config *c = v->st->cors;
    int creds = c->credentials == 1, has_https = 0, i;

    for (i = 0; c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        has_https |= e->canon && strncmp(e->canon, "https://", 8) == 0;
    }
    for (i = 0; c->origins && i < cors_origin_list_nentries(c->origins); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(c->origins, i);
        const lint_node *n = lint_cors_node(e->where);
        if (n && e->kind != CORS_ENTRY_NULL && e->insecure &&
            (has_https || (creds && c->insecure_origins == 1))) {
            lint_add(ctx, CL007, n, lint_cors_col(e->where, e->arg), NULL,
                     "the http:// origin '%s' is trusted next to https ones%s; anyone on the "
                     "network path can inject script into it",
                     e->source, creds ? " and with credentials" : "");
        }
    }
}

/* CL007: an http:// origin trusted (with credentials, for a regex or a header value:
 * an http:// origin is no bypass of a regex, it matters with credentials). */
static void judge_http_origin(lint_ctx *ctx, const scope_view *v)
{
    int i;

    report_problems(ctx, v, CL007);
    if (v->mod_cors) {
        module_http_origins(ctx, v);
    }
    for (i = 0; i < test_count(v); i++) {
        const origin_test *t = test_at(v, i);
        if (t->v && t->v->insecure && t->credentials && !reflects_anyone(t)) {
            lint_add(ctx, CL007, t->node, t->col, NULL,
                     "%s '%s' accepts the http:// origin '%s', with credentials; anyone on the "
                     "network path can inject script into it and read your users' responses",
                     t->what, t->regex, t->v->insecure);
        }
    }
    for (i = 0; i < v->values->nelts; i++) {
        const acao_value *av = &APR_ARRAY_IDX(v->values, i, acao_value);
        if (av->kind == AV_INSECURE && v->creds) {
            lint_add(ctx, CL007, av->h->node, av->h->value_col, NULL,
                     "the http:// origin '%s' is trusted with credentials; anyone on the "
                     "network path can inject script into it",
                     av->h->value);
        }
    }
}

/* The header lines CL008 and CL009 judge: CORS headers that grant, and the lines httpd
 * refuses (CL000), whose table still matters. */
static int grant_or_refused(const hdr_action *h)
{
    return h->hkind != HK_OTHER && h->hkind != HK_VARY && (lint_header_is_grant(h) || h->refused);
}

/* CL008: a CORS header in the 'onsuccess' table, missing on error responses. Each line
 * is a finding (each is a line to fix), but only the first of a file says why: the
 * others of a block would repeat it word for word. */
static void judge_always(lint_ctx *ctx, const scope_view *v)
{
    const lint_node *first = NULL;
    int i;

    for (i = 0; i < v->st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(v->st->headers, i, hdr_action);
        if (!grant_or_refused(h) || h->always || lint_header_options_only(v->st, h)) {
            continue;
        }
        if (h->node->disabled & (1u << CL008)) {
            continue; /* silenced here: neither reported nor named by the others */
        }
        if (first && first->loc.file == h->node->loc.file) {
            lint_add(ctx, CL008, h->node, 0, NULL,
                     "Header %s %s without 'always', as line %d: write 'Header always %s'",
                     h->action, h->name, first->loc.line, h->action);
            continue;
        }
        first = h->node;
        lint_add(ctx, CL008, h->node, 0, NULL,
                 "Header %s %s without 'always': it is missing on error responses (401, "
                 "404, 500, ErrorDocument), which browsers then report as a CORS error; "
                 "write 'Header always %s'",
                 h->action, h->name, h->action);
    }
}

/* CL009, one header line: an Access-Control-Allow-Origin that can be sent twice, a
 * header in both tables, a grant mod_cors makes too. */
static void duplicates_of(lint_ctx *ctx, const scope_view *v, int i)
{
    const apr_array_header_t *hs = v->st->headers;
    const hdr_action *h = &APR_ARRAY_IDX(hs, i, hdr_action);
    int j;

    if (h->hkind == HK_ACAO && (!strcmp(h->action, "add") || !strcmp(h->action, "append") ||
                                !strcmp(h->action, "merge"))) {
        lint_add(ctx, CL009, h->node, 0, NULL,
                 "Header %s Access-Control-Allow-Origin can send several values; browsers "
                 "reject that: use 'set'",
                 h->action);
    }
    for (j = 0; j < i; j++) {
        const hdr_action *o = &APR_ARRAY_IDX(hs, j, hdr_action);
        if (o->hkind == h->hkind && (h->hkind != HK_AC || lint_streq(o->name, h->name)) &&
            lint_header_is_grant(o) && o->always != h->always) {
            lint_add(ctx, CL009, h->node, 0, o->node,
                     "%s is set in both the 'always' and the 'onsuccess' tables: successful "
                     "responses carry it twice",
                     h->name);
        }
    }
    if (v->mod_cors && !v->report_only && h == v->acao) {
        lint_add(ctx, CL009, h->node, 0,
                 lint_scope_cors_node(v->st,
                                      v->st->cors->origins ? CORS_D_ORIGIN : CORS_D_ORIGIN_REGEX),
                 "both mod_headers and mod_cors grant CORS here; remove the Header lines "
                 "(mod_cors answers alone), or set CORSReportOnly On while migrating");
    }
}

/* CL009: CORS grant headers sent twice. */
static void judge_duplicates(lint_ctx *ctx, const scope_view *v)
{
    int i;

    for (i = 0; i < v->st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(v->st->headers, i, hdr_action);
        if (grant_or_refused(h) && !h->refused) {
            duplicates_of(ctx, v, i);
        }
    }
}

/* CL010: authentication without an OPTIONS exemption, where preflights are answered. */
static void judge_auth(lint_ctx *ctx, const scope_view *v)
{
    const scope_state *st = v->st;
    const lint_node *req;

    if (st->requires->nelts == 0 || st->options_exempt ||
        !(v->acao || (v->mod_cors && !lint_scope_cors_flag(st->cors->preflight, 1)))) {
        return;
    }
    req = APR_ARRAY_IDX(st->requires, st->requires->nelts - 1, const lint_node *);
    lint_add(ctx, CL010, req, 0,
             v->acao ? v->acao->node : lint_scope_cors_node(st, CORS_D_PREFLIGHT),
             "'Require %s' applies to preflights too, which never carry credentials: they "
             "get a 401 and the browser reports a CORS error; exempt OPTIONS "
             "(<LimitExcept OPTIONS>) or let mod_cors answer preflights",
             req->argc ? req->argv[0] : "");
}

/* CL011: "*" with credentials in the lists of names and methods. */
static void judge_star_credentials(lint_ctx *ctx, const scope_view *v)
{
    const hdr_action *stars[3] = {v->acah, v->acam, v->aceh};
    int k;

    report_problems(ctx, v, CL011);
    for (k = 0; k < 3 && v->creds; k++) {
        if (stars[k] && stars[k]->value && strcmp(stars[k]->value, "*") == 0) {
            lint_add(ctx, CL011, stars[k]->node, stars[k]->value_col, v->acac->node,
                     "%s: * with credentials is the literal name '*', not a wildcard; list "
                     "the names",
                     stars[k]->name);
        }
    }
}

/* CL012 of one Access-Control-Allow-Origin value. */
static void malformed_origin(lint_ctx *ctx, const acao_value *av)
{
    const char *v = av->h->value, *tag = av->detail, *end;

    switch (av->kind) {
    case AV_FORMAT_TAG:
        end = tag[1] == '{' ? strchr(tag, '}') + 1 : tag + 1;
        lint_add(ctx, CL012, av->h->node, av->h->value_col, NULL,
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
        break;
    case AV_UNSET_VAR:
        lint_add(ctx, CL012, av->h->node, av->h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s': nothing in the configuration sets "
                 "the variable %s, so httpd sends the literal '(null)', which browsers reject; "
                 "set it (SetEnvIf Origin ... %s=$0) or send the header only when it is set "
                 "(env=%s)",
                 v, av->detail, av->detail, av->detail);
        break;
    case AV_INVALID:
        lint_add(ctx, CL012, av->h->node, av->h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s' %s: it must be exactly one "
                 "origin (scheme://host[:port]), '*' or 'null'",
                 v, cors_origin_status_str(av->status));
        break;
    case AV_NOT_SERIAL:
        lint_add(ctx, CL012, av->h->node, av->h->value_col, NULL,
                 "Access-Control-Allow-Origin value '%s' is not written as browsers send an "
                 "origin (lower case, no default port), and they compare it byte for byte: "
                 "it never matches; write '%s'",
                 v, av->detail);
        break;
    default: break;
    }
}

/* Is an Access-Control-Max-Age value a number of seconds? */
static int all_digits(const char *v)
{
    int numeric = *v != '\0';

    for (; *v; v++) {
        numeric &= *v >= '0' && *v <= '9';
    }
    return numeric;
}

/* An element of a comma-separated list value that holds white space ("GET POST PUT"):
 * browsers split such lists on commas only (Fetch), so the element is no token and the
 * whole preflight fails ("Cannot parse Access-Control-Allow-Methods"). NULL: none. */
static const char *spaced_element(apr_pool_t *pool, const char *value)
{
    const char *e;

    if (value == NULL || strstr(value, "%{")) {
        return NULL;
    }
    for (e = value; *e; e += *e == ',') {
        apr_size_t n = strcspn(e, ",");
        const char *s = e + strspn(e, " \t");
        apr_size_t len = n - (apr_size_t)(s - e);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
            len--;
        }
        if (memchr(s, ' ', len) || memchr(s, '\t', len)) {
            return apr_pstrmemdup(pool, s, len);
        }
        e += n;
    }
    return NULL;
}

static void spaced_list(lint_ctx *ctx, const scope_view *v, const hdr_action *h)
{
    const char *bad = h ? spaced_element(v->st->pool, h->value) : NULL;

    if (bad) {
        lint_add(ctx, CL012, h->node, h->value_col, NULL,
                 "%s holds '%s': browsers split the list on commas only, so that is one name, "
                 "no token, and the preflight fails (\"Cannot parse %s\"); separate the "
                 "names with commas",
                 h->name, bad, h->name);
    }
}

/* CL012: header values browsers reject. */
static void judge_malformed(lint_ctx *ctx, const scope_view *v)
{
    const hdr_action *acac = v->acac, *acma = v->acma;
    const char *cred = acac ? as_read(ctx->pool, acac->value) : NULL;
    const char *age = acma ? as_read(ctx->pool, acma->value) : NULL;
    int i;

    for (i = 0; i < v->values->nelts; i++) {
        malformed_origin(ctx, &APR_ARRAY_IDX(v->values, i, acao_value));
    }
    if (cred && strcmp(cred, "true") != 0 && !strstr(cred, "%{")) {
        lint_add(ctx, CL012, acac->node, acac->value_col, NULL,
                 "Access-Control-Allow-Credentials must be exactly 'true' (it is '%s'); to "
                 "deny credentials, omit the header",
                 acac->value);
    }
    spaced_list(ctx, v, v->acam);
    spaced_list(ctx, v, v->acah);
    if (age && !strstr(age, "%{") && !all_digits(age)) {
        lint_add(ctx, CL012, acma->node, acma->value_col, NULL,
                 "Access-Control-Max-Age '%s' is not a number of seconds", acma->value);
    }
}

/* CL013: a preflight cache time above what browsers honour. */
static void judge_max_age(lint_ctx *ctx, const scope_view *v)
{
    const hdr_action *acma = v->acma;
    const cors_config *c = v->st->cors;

    if (acma && acma->value && !strstr(acma->value, "%{") && all_digits(acma->value) &&
        (strlen(acma->value) > 5 || atol(acma->value) > CORS_MAX_AGE_CHROMIUM)) {
        lint_add(ctx, CL013, acma->node, acma->value_col, NULL,
                 "Access-Control-Max-Age %s is above what Chromium honours (%d s; "
                 "Firefox: %d s)",
                 acma->value, CORS_MAX_AGE_CHROMIUM, CORS_MAX_AGE_MAX);
    }
    if (v->mod_cors && c->max_age && atol(c->max_age) > CORS_MAX_AGE_CHROMIUM) {
        const lint_node *n = lint_scope_cors_node(v->st, CORS_D_MAX_AGE);
        lint_add(ctx, CL013, n, n->argc ? n->argcol[0] : 0, NULL,
                 "CORSMaxAge %s is above what Chromium honours (%d s; Firefox: %d s)", c->max_age,
                 CORS_MAX_AGE_CHROMIUM, CORS_MAX_AGE_MAX);
    }
}

/* CL014: redirects that preflights follow. */
static void judge_redirects(lint_ctx *ctx, const scope_view *v)
{
    int i;

    for (i = 0; (v->acao || v->mod_cors) && i < v->st->redirects->nelts; i++) {
        const lint_node *r = APR_ARRAY_IDX(v->st->redirects, i, const lint_node *);
        if (redirect_may_reach(v->st, r)) {
            lint_add(ctx, CL014, r, 0, NULL,
                     "%s also applies to OPTIONS: browsers fail a redirected preflight; "
                     "exclude it (RewriteCond %%{REQUEST_METHOD} !=OPTIONS)",
                     r->name);
        }
    }
}

/* CL017: a grant that only preflights get. */
static void judge_preflight_only(lint_ctx *ctx, const scope_view *v)
{
    int i, actual = 0;

    if (!v->acao_options || v->mod_cors) {
        return;
    }
    for (i = 0; i < v->st->headers->nelts; i++) {
        const hdr_action *h = &APR_ARRAY_IDX(v->st->headers, i, hdr_action);
        actual |= h->hkind == HK_ACAO && h->grant && !lint_header_options_only(v->st, h);
    }
    if (!actual) {
        lint_add(ctx, CL017, v->acao->node, 0, NULL,
                 "Access-Control-Allow-Origin is sent only on responses to OPTIONS "
                 "requests: the preflight succeeds, but the actual request's response "
                 "carries none and the browser blocks it; send it on every response");
    }
}

/* ---- the table --------------------------------------------------------------------- */

typedef void (*scope_rule)(lint_ctx *ctx, const scope_view *v);

#define LINT_SCOPE_RULE(id, severity, security, judge, title) judge,
static const scope_rule scope_rules[LINT_NRULES] = {LINT_RULES(LINT_SCOPE_RULE)};

/* Each rule only reports its own ID, so a rule turned off (--enable, --disable) is not
 * run at all. */
void lint_judge_scope(lint_ctx *ctx, const scope_state *st)
{
    scope_view v;
    int r;

    view_make(ctx, st, &v);
    for (r = 0; r < LINT_NRULES; r++) {
        if (scope_rules[r] && (ctx->enabled & (1u << r))) {
            scope_rules[r](ctx, &v);
        }
    }
}
