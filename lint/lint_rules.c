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

/* ---- the rules ------------------------------------------------------------------- */

static int is_loopback_origin(const char *o)
{
    return strstr(o, "://localhost") || strstr(o, "://127.") || strstr(o, "://[::1]");
}

static cors_token_kind tl_kind_of(int directive)
{
    return directive == CD_METHODS ? CORS_TOKENS_METHODS : CORS_TOKENS_HEADERS;
}

static void rule_cors_directives(lint_ctx *ctx, const lint_node *n, const psl_ctx_t *psl)
{
    apr_pool_t *p = ctx->pool;
    int d, known = -1;

    for (d = 0; d < CD_COUNT; d++) {
        if (lint_streq(n->name, lint_cors_directives[d])) {
            known = d;
        }
    }
    if (known < 0) {
        /* did you mean: the known name at the smallest edit distance */
        int best = 1000, bi = 0;
        for (d = 0; d < CD_COUNT; d++) {
            const char *a = n->name, *b = lint_cors_directives[d];
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
                 best <= 4 ? " (did you mean " : "", best <= 4 ? lint_cors_directives[bi] : "",
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
        err = cors_token_list_parse(p, tl_kind_of(known), n->argc, (char *const *)n->argv,
                                    &tl);
        if (err) {
            /* point at the argument that holds the bad token: the first one that the
             * module would refuse on its own */
            int i, col = 0;
            for (i = 0; i < n->argc && col == 0; i++) {
                cors_token_list *one;
                if (cors_token_list_parse(p, tl_kind_of(known), 1,
                                          (char *const *)&n->argv[i], &one) != NULL) {
                    col = n->argcol[i];
                }
            }
            lint_add(ctx, CL016, n, col, NULL, "%s: %s", lint_cors_directives[known], err);
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
                     "%s must be On or Off", lint_cors_directives[known]);
        }
    }
}

/* The effective mod_cors policy of a scope, built with the module's own code. */
static int scope_policy(const scope_state *st, const psl_ctx_t *psl,
                        cors_policy *pol)
{
    cors_policy_init(pol);
    if (!lint_scope_cors_active(st)) {
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
    pol->allow_credentials = lint_scope_cors_flag(st, CD_CREDENTIALS, 0);
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

/* What a scope's effective configuration yields. It reads st's headers (not those of
 * kind HK_OTHER), gates, <If> Origin test, mod_cors directives, requires and OPTIONS
 * exemption, methods and redirects: lint_scope_fold sets st->changed when a section
 * changes any of them, and walk_scope judges again only then. */
static void judge_scope(lint_ctx *ctx, const scope_state *st, const psl_ctx_t *psl)
{
    const hdr_action *acao = lint_scope_header(st, HK_ACAO);
    const hdr_action *acac = NULL, *acam, *acah, *aceh, *acma, *vary;
    int creds = lint_scope_credentials(st, &acac);
    int mod_cors = lint_scope_cors_active(st);
    int report_only = lint_scope_cors_flag(st, CD_REPORT, 0);
    int i;
    cors_policy pol;
    const char *reflect_var = acao ? lint_value_reflects(st, acao->value) : NULL;
    int origin_gated = 0;
    const env_gate *gate = NULL;

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
    origin_gated = gate != NULL || st->if_origin != NULL
                   || (acao && acao->cond_expr && lint_contains_ci(acao->cond_expr, "Origin"));

    /* CL001: "*" with credentials */
    if (acao && acao->value && strcmp(acao->value, "*") == 0 && creds) {
        lint_add(ctx, CL001, acac->node, 0, acao->node,
                 "Access-Control-Allow-Credentials: true with Access-Control-Allow-Origin: *; "
                 "browsers reject credentialed responses with a wildcard origin");
    }
    if (mod_cors && scope_policy(st, psl, &pol)) {
        /* cors_policy_check names the first conflict only: ask again without the origin
         * list so that a "*" in the expose headers is reported next to a "*" origin */
        int pass;
        for (pass = 0; pass < 2; pass++) {
            const char *err = cors_policy_check(&pol, st->pool);
            const lint_node *cr = st->cors[CD_CREDENTIALS];
            int any_origin = pol.origins && cors_origin_list_has_any(pol.origins);
            const lint_node *other = any_origin ? st->cors[CD_ORIGIN] : st->cors[CD_EXPOSE];
            if (err == NULL) {
                break;
            }
            if (cr && other) {
                /* the second conflict is placed on its own line: one finding per place */
                const lint_node *at = pass ? other : cr, *rel = pass ? cr : other;
                if (cr->parent == other->parent) {
                    lint_add(ctx, CL016, at, 0, rel, "%s", err);
                }
                else {
                    /* httpd may accept the sections one by one: the merged conflict is
                     * the rule's own finding (mod_cors logs it at request time) */
                    lint_add(ctx, any_origin ? CL001 : CL011, at, 0, rel,
                             "%s (once the scopes are merged)", err);
                }
            }
            if (!any_origin) {
                break;
            }
            pol.origins = NULL;
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
                             lint_scope_cors_flag(st, CD_CREDENTIALS, 0), "CORSAllowOriginRegex");
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
                             "method token", apr_pstrmemdup(st->pool, tok, n));
                    break;
                }
                tok += n;
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
                    listed |= strcmp(mn->argv[j], "*") == 0 || lint_contains_ci(mn->argv[j], m);
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
                     && (has_https || lint_scope_cors_flag(st, CD_CREDENTIALS, 0))) {
                lint_add(ctx, CL007, on, on->argcol[i], NULL,
                         "the http:// origin '%s' is trusted next to https ones%s; anyone on "
                         "the network path can inject script into it", v,
                         lint_scope_cors_flag(st, CD_CREDENTIALS, 0) ? " and with credentials"
                                                                    : "");
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
        if (h->hkind == HK_OTHER || h->hkind == HK_VARY || !lint_header_is_grant(h)) {
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
                && lint_header_is_grant(o) && o->always != h->always) {
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
        && (acao || (mod_cors && !lint_scope_cors_flag(st, CD_PREFLIGHT, 1)))) {
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

    if (lint_contains_ci(ao, "All") || lint_contains_ci(ao, "FileInfo")) {
        return;
    }
    for (n = root->first_child; n; n = n->next) {
        if ((lint_streq(n->name, "Header") && n->argc >= 2
             && lint_contains_ci(n->args_raw, "Access-Control-"))
            || lint_starts_with_ci(n->name, "CORS")) {
            lint_add(ctx, CL015, n, 0, NULL,
                     "AllowOverride %s for %s does not allow FileInfo, so this .htaccess "
                     "line never runs", ao, root->htaccess_dir);
            return;
        }
    }
}

/* parent_judged: parent's configuration was judged (or equals, in what the rules read,
 * one that was). A scope whose sections change nothing the rules read is judged the
 * same: every finding would be one already claimed. */
static void walk_scope(lint_ctx *ctx, const lint_node *sec, const scope_state *parent,
                       int parent_judged, const psl_ctx_t *psl, int depth)
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
    if (!parent_judged || st->changed) {
        judge_scope(ctx, st, psl);
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
                walk_scope(ctx, n, st, 1, psl, depth + 1);
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
                if (!n->no_cors) {
                    APR_ARRAY_PUSH(todo, const lint_node *) = n;
                }
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
    scope_state *st = lint_scope_make(ctx->pool);
    apr_array_header_t *dirs = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    apr_array_header_t *todo = apr_array_make(ctx->pool, 8, sizeof(const lint_node *));
    int i, j;

    lint_scope_fold(ctx, st, server, NULL);
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
            else if (n->kind == LK_VIRTUALHOST || !lint_is_scope_section(n)) {
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
        lint_scope_fold(ctx, st, APR_ARRAY_IDX(dirs, i, const lint_node *), NULL);
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
            if (lint_contains_ci(parent->allow_override ? parent->allow_override : "None", "All")
                || lint_contains_ci(parent->allow_override ? parent->allow_override : "",
                                    "FileInfo")) {
                walk_scope(ctx, root, parent, 0, psl, 0);
            }
        }
        else {
            walk_scope(ctx, root, NULL, 0, psl, 0);
        }
    }
}
