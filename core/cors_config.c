/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_config: the directive table, the per-section configuration, its merge, and the
 * checks of one configuration. See cors_config.h; the checks across sections are in
 * cors_sections.c.
 */
#include "cors_config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <apr_strings.h>

const cors_directive cors_directives[CORS_D_COUNT] = {
#define CORS_X_ROW(id, name, how, field, help)                                                    \
    {CORS_D_##id, name, CORS_ARGS_##how, offsetof(cors_config, field), help},
    CORS_DIRECTIVES(CORS_X_ROW)
#undef CORS_X_ROW
};

const cors_directive *cors_directive_find(const char *name)
{
    int i;

    for (i = 0; i < CORS_D_COUNT; i++) {
        if (strcasecmp(name, cors_directives[i].name) == 0) {
            return &cors_directives[i];
        }
    }
    return NULL;
}

/* Levenshtein distance, case-insensitive; names are short (bounded by the caller). */
static int cors_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), i, j, d;
    int prev[64], cur[64];

    if (lb >= 64) {
        return 1000;
    }
    for (j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (i = 1; i <= la; i++) {
        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            int v = prev[j - 1] + ((a[i - 1] | 32) != (b[j - 1] | 32));
            if (prev[j] + 1 < v) {
                v = prev[j] + 1;
            }
            if (cur[j - 1] + 1 < v) {
                v = cur[j - 1] + 1;
            }
            cur[j] = v;
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
    }
    d = prev[lb];
    return d;
}

const char *cors_directive_suggest(const char *name)
{
    int i, best = 5, d;
    const char *found = NULL;

    if (strlen(name) > 200) {
        return NULL;
    }
    for (i = 0; i < CORS_D_COUNT; i++) {
        d = cors_edit_distance(name, cors_directives[i].name);
        if (d < best) {
            best = d;
            found = cors_directives[i].name;
        }
    }
    return found;
}

/* ---- Create, merge, active ---------------------------------------------------------- */

cors_config *cors_config_make(apr_pool_t *pool)
{
    cors_config *c = apr_pcalloc(pool, sizeof(*c));

    c->enable = CORS_UNSET;
    c->credentials = CORS_UNSET;
    c->private_network = CORS_UNSET;
    c->preflight = CORS_UNSET;
    c->override_upstream = CORS_UNSET;
    c->report_only = CORS_UNSET;
    c->enforce = CORS_UNSET;
    c->insecure_origins = CORS_UNSET;
    return c;
}

/* A test (tests/unit) sets each directive of the table in a child and checks that the
 * merge carries it: a directive added without its line here fails it. */
#define CORS_MERGE(field, id, unset)                                                              \
    do {                                                                                          \
        if (add->field != unset) {                                                                \
            m->field = add->field;                                                                \
            m->where[CORS_D_##id] = add->where[CORS_D_##id];                                      \
        }                                                                                         \
    } while (0)

/* httpd merges every section a request walks through, most of which set nothing of
 * ours: then the base is the result (merged configurations are never written to). */
cors_config *cors_config_merge(apr_pool_t *pool, const cors_config *base, const cors_config *add)
{
    cors_config *m;

    if (!cors_config_is_set(add)) {
        return (cors_config *)base;
    }
    m = apr_pmemdup(pool, base, sizeof(*m));

    CORS_MERGE(origins, ORIGIN, NULL);
    CORS_MERGE(regexes, ORIGIN_REGEX, NULL);
    CORS_MERGE(methods, METHODS, NULL);
    CORS_MERGE(headers, HEADERS, NULL);
    CORS_MERGE(expose, EXPOSE, NULL);
    CORS_MERGE(max_age, MAX_AGE, NULL);
    CORS_MERGE(preflight_status, PREFLIGHT_STATUS, 0);
    CORS_MERGE(enable, ENABLE, CORS_UNSET);
    CORS_MERGE(credentials, CREDENTIALS, CORS_UNSET);
    CORS_MERGE(private_network, PRIVATE_NETWORK, CORS_UNSET);
    CORS_MERGE(preflight, PREFLIGHT, CORS_UNSET);
    CORS_MERGE(override_upstream, OVERRIDE_UPSTREAM, CORS_UNSET);
    CORS_MERGE(report_only, REPORT_ONLY, CORS_UNSET);
    CORS_MERGE(insecure_origins, INSECURE_ORIGINS, CORS_UNSET);
    CORS_MERGE(enforce, ENFORCE, CORS_UNSET);
    return m;
}
#undef CORS_MERGE

int cors_config_is_set(const cors_config *c)
{
    return c && (c->origins || c->regexes || c->methods || c->headers || c->expose || c->max_age ||
                 c->preflight_status || c->enable != CORS_UNSET || c->credentials != CORS_UNSET ||
                 c->private_network != CORS_UNSET || c->preflight != CORS_UNSET ||
                 c->override_upstream != CORS_UNSET || c->report_only != CORS_UNSET ||
                 c->insecure_origins != CORS_UNSET || c->enforce != CORS_UNSET);
}

/* ---- Directives --------------------------------------------------------------------- */

static const char *cors_set_tokens(apr_pool_t *pool, cors_token_list **out,
                                   const cors_directive *d, cors_token_kind kind, int argc,
                                   char *const *argv, const cors_where *where, int *bad_arg)
{
    const char *err;

    if (argc == 0) {
        return apr_pstrcat(pool, d->name, " needs at least one argument", NULL);
    }
    if (argc >= CORS_MAX_ARGS) {
        /* httpd passes the first 64 words and drops the rest without a word */
        if (bad_arg) {
            *bad_arg = argc - 1;
        }
        return apr_psprintf(pool,
                            "%s has more than %d arguments, and httpd drops those after the "
                            "%dth: give them in one quoted argument, separated by commas "
                            "(\"X-A, X-B, ...\")",
                            d->name, CORS_MAX_ARGS - 1, CORS_MAX_ARGS);
    }
    err = cors_token_list_parse(pool, kind, argc, argv, out, bad_arg);
    if (err) {
        return apr_pstrcat(pool, d->name, ": ", err, NULL);
    }
    (*out)->where = where;
    return NULL;
}

/* The value of one directive; no conflict checks. */
static const char *cors_set_value(apr_pool_t *pool, cors_config *c, const cors_directive *d,
                                  int argc, char *const *argv, const cors_where *where, int arg,
                                  const cors_env *env, int *bad_arg)
{
    const char *err = NULL;

    switch (d->id) {
    case CORS_D_ORIGIN:
    case CORS_D_ORIGIN_REGEX: {
        cors_origin_list **l = d->id == CORS_D_ORIGIN ? &c->origins : &c->regexes;
        if (*l == NULL) {
            *l = cors_origin_list_make(pool, env->engine);
        }
        err = d->id == CORS_D_ORIGIN
                  ? cors_origin_list_add(*l, argv[0], where, arg, env->psl)
                  : cors_origin_list_add_regex(*l, argv[0], where, arg, env->psl);
        return err ? apr_pstrcat(pool, d->name, ": ", err, NULL) : NULL;
    }
    case CORS_D_METHODS:
        return cors_set_tokens(pool, &c->methods, d, CORS_TOKENS_METHODS, argc, argv, where,
                               bad_arg);
    case CORS_D_HEADERS:
        return cors_set_tokens(pool, &c->headers, d, CORS_TOKENS_HEADERS, argc, argv, where,
                               bad_arg);
    case CORS_D_EXPOSE:
        return cors_set_tokens(pool, &c->expose, d, CORS_TOKENS_EXPOSE, argc, argv, where,
                               bad_arg);
    case CORS_D_MAX_AGE: return cors_max_age_parse(pool, argv[0], &c->max_age);
    case CORS_D_PREFLIGHT_STATUS:
        if (strcmp(argv[0], "200") != 0 && strcmp(argv[0], "204") != 0) {
            return "CORSPreflightStatus must be 200 or 204";
        }
        c->preflight_status = atoi(argv[0]);
        return NULL;
    default: /* the On/Off directives */
        *(int *)((char *)c + d->offset) = strcasecmp(argv[0], "off") != 0;
        return NULL;
    }
}

/* httpd keeps no comment at the end of a line: "CORSAllowOrigin https://a.com # x" has
 * the arguments "#" and "x". Said plainly instead of as a bad origin or token. */
static const char *cors_trailing_comment(apr_pool_t *pool, const cors_directive *d, int argc,
                                         char *const *argv, int *bad_arg)
{
    int i;

    for (i = 0; i < argc; i++) {
        if (argv[i][0] == '#') {
            if (bad_arg) {
                *bad_arg = i;
            }
            return apr_pstrcat(pool, d->name, ": '", argv[i],
                               "' starts a comment, but httpd "
                               "has none at the end of a line: put it on a line of its own",
                               NULL);
        }
    }
    return NULL;
}

/* Conflicts with credentials are not checked here: a later line of the same section
 * may resolve them (CORSAllowInsecureOrigins On), so they are checked once every
 * section is read (cors_sections_check), or per request for .htaccess. */
const char *cors_config_set(apr_pool_t *pool, cors_config *c, const cors_directive *d, int argc,
                            char *const *argv, const cors_where *where, int arg,
                            const cors_env *env, int *bad_arg)
{
    const char *err;

    if (bad_arg) {
        *bad_arg = -1;
    }
    err = cors_trailing_comment(pool, d, argc, argv, bad_arg);
    if (err == NULL) {
        err = cors_set_value(pool, c, d, argc, argv, where, arg, env, bad_arg);
    }
    if (err) {
        if (bad_arg && *bad_arg < 0 && argc > 0) {
            *bad_arg = 0; /* TAKE_ARGV lists say which argument themselves */
        }
        return err;
    }
    c->where[d->id] = where;
    return NULL;
}

/* httpd's messages for a wrong number of arguments (server/config.c, invoke_cmd). */
static const char *cors_arity_error(apr_pool_t *pool, const cors_directive *d, const char *what)
{
    return apr_pstrcat(pool, d->name, what, ", ", d->help, NULL);
}

const char *cors_directive_invoke(apr_pool_t *pool, cors_config *c, const cors_directive *d,
                                  int nwords, char *const *words, const cors_where *where,
                                  const cors_env *env, int *bad_arg)
{
    char *flag[1];
    const char *err;
    int i, argc;

    if (bad_arg) {
        *bad_arg = -1;
    }
    switch (d->how) {
    case CORS_ARGS_ITERATE:
        if (nwords == 0 || words[0][0] == '\0') {
            return cors_arity_error(pool, d, " requires at least one argument");
        }
        /* one call per argument, up to the first empty one */
        for (i = 0; i < nwords && words[i][0] != '\0'; i++) {
            err = cors_config_set(pool, c, d, 1, &words[i], where, i, env, bad_arg);
            if (err) {
                if (bad_arg) {
                    *bad_arg = i;
                }
                return err;
            }
        }
        return NULL;
    case CORS_ARGS_TAKE_ARGV:
        /* at most AP_MAX_ARGC (64) words; an empty last word is not one */
        argc = nwords > CORS_MAX_ARGS ? CORS_MAX_ARGS : nwords;
        if (argc > 0 && argc == nwords && words[argc - 1][0] == '\0') {
            argc--;
        }
        return cors_config_set(pool, c, d, argc, words, where, 0, env, bad_arg);
    case CORS_ARGS_TAKE1:
        if (nwords != 1 || words[0][0] == '\0') {
            return cors_arity_error(pool, d, " takes one argument");
        }
        return cors_config_set(pool, c, d, 1, words, where, 0, env, bad_arg);
    case CORS_ARGS_FLAG:
    case CORS_ARGS_FLAG_SLOT:
        /* the first word only; httpd ignores the rest */
        if (nwords == 0 || (strcasecmp(words[0], "on") != 0 && strcasecmp(words[0], "off") != 0)) {
            return apr_pstrcat(pool, d->name, " must be On or Off", NULL);
        }
        flag[0] = strcasecmp(words[0], "off") == 0 ? "Off" : "On";
        return cors_config_set(pool, c, d, 1, flag, where, 0, env, bad_arg);
    }
    return NULL;
}

/* ---- Conflicts with credentials ------------------------------------------------------ */

static const char *const cors_creds_tail =
    ", and CORSAllowCredentials On would let it read your users' responses";

static const char *cors_problem_message(apr_pool_t *pool, cors_problem_kind kind,
                                        const cors_origin_entry *e, const cors_regex_verdict *v)
{
    switch (kind) {
    case CORS_PROBLEM_ANY_ORIGIN:
        return "CORSAllowOrigin * cannot be combined with CORSAllowCredentials On: browsers "
               "reject credentialed responses that carry Access-Control-Allow-Origin: *. "
               "List the trusted origins, or set CORSAllowCredentials Off";
    case CORS_PROBLEM_ANY_EXPOSE:
        return "CORSExposeHeaders * cannot be combined with CORSAllowCredentials On: on "
               "credentialed responses browsers read '*' as a literal header name. List the "
               "headers to expose by name";
    case CORS_PROBLEM_INSECURE:
        if (e->kind == CORS_ENTRY_REGEX) {
            return apr_psprintf(pool,
                                "CORSAllowOriginRegex '%s' accepts the http:// origin '%s': "
                                "anyone on the network path can run script in it%s. Accept "
                                "https:// only, or set CORSAllowInsecureOrigins On (a legacy "
                                "intranet)",
                                e->source, v->insecure, cors_creds_tail);
        }
        return apr_psprintf(pool,
                            "CORSAllowOrigin '%s' is an http:// origin: anyone on the network "
                            "path can run script in it%s. Use https://, or set "
                            "CORSAllowInsecureOrigins On (a legacy intranet)",
                            e->source, cors_creds_tail);
    case CORS_PROBLEM_SUFFIX_BELOW:
        return apr_psprintf(pool,
                            "CORSAllowOrigin '%s' covers the public suffix '%s', where anyone "
                            "can have a site%s. List your own hosts instead",
                            e->source, e->suffix_below, cors_creds_tail);
    case CORS_PROBLEM_REGEX:
        return apr_psprintf(pool,
                            "CORSAllowOriginRegex '%s' accepts '%s', an origin anyone can "
                            "register%s: %s",
                            e->source, v->attack, cors_creds_tail, cors_attack_hint(v, pool));
    }
    return "";
}

typedef struct {
    apr_pool_t *pool;
    const cors_config *c;
    apr_array_header_t *out;
    int n;
} cors_problems;

static void cors_problem_add(cors_problems *ps, cors_problem_kind kind, const cors_origin_entry *e,
                             const cors_regex_verdict *v)
{
    cors_problem *p;

    ps->n++;
    p = apr_array_push(ps->out);
    p->kind = kind;
    p->message = cors_problem_message(ps->pool, kind, e, v);
    p->at = e ? e->where : ps->c->where[CORS_D_EXPOSE];
    p->arg = e ? e->arg : 0;
    p->credentials = ps->c->where[CORS_D_CREDENTIALS];
    p->insecure = kind == CORS_PROBLEM_INSECURE ? ps->c->where[CORS_D_INSECURE_ORIGINS] : NULL;
}

static void cors_origin_problems(cors_problems *ps, const cors_origin_list *l, int insecure_ok)
{
    int i;

    for (i = 0; i < cors_origin_list_nentries(l); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(l, i);
        if (e->kind == CORS_ENTRY_ANY) {
            cors_problem_add(ps, CORS_PROBLEM_ANY_ORIGIN, e, NULL);
        }
        else if (e->insecure && !insecure_ok) {
            cors_problem_add(ps, CORS_PROBLEM_INSECURE, e, NULL);
        }
        else if (e->suffix_below) {
            cors_problem_add(ps, CORS_PROBLEM_SUFFIX_BELOW, e, NULL);
        }
    }
}

static void cors_regex_problems(cors_problems *ps, const cors_origin_list *l, int insecure_ok)
{
    int i;

    for (i = 0; i < cors_origin_list_nentries(l); i++) {
        const cors_origin_entry *e = cors_origin_list_entry(l, i);
        const cors_regex_verdict *v = cors_origin_entry_verdict(e);
        if (v == NULL) {
            continue;
        }
        if (v->attack) {
            cors_problem_add(ps, CORS_PROBLEM_REGEX, e, v);
        }
        else if (v->insecure && !insecure_ok) {
            cors_problem_add(ps, CORS_PROBLEM_INSECURE, e, v);
        }
    }
}

/* The request-time question (out NULL: a request merged an .htaccess or <If> onto
 * credentials): is there any problem? The allow-list knows without a walk over its
 * entries; regexes were judged at start-up, unless an .htaccess brought them. */
static int cors_config_has_problem(const cors_config *c, int insecure_ok)
{
    int i;

    if ((c->origins && cors_origin_list_unsafe(c->origins, insecure_ok)) ||
        (c->expose && c->expose->any)) {
        return 1;
    }
    for (i = 0; c->regexes && i < cors_origin_list_nentries(c->regexes); i++) {
        const cors_regex_verdict *v =
            cors_origin_entry_verdict(cors_origin_list_entry(c->regexes, i));
        if (v && (v->attack || (v->insecure && !insecure_ok))) {
            return 1;
        }
    }
    return 0;
}

int cors_config_problems(apr_pool_t *pool, const cors_config *c, apr_array_header_t *out)
{
    cors_problems ps;
    int insecure_ok = c->insecure_origins == 1;

    if (c->credentials != 1) {
        return 0;
    }
    if (out == NULL) {
        return cors_config_has_problem(c, insecure_ok);
    }
    ps.pool = pool;
    ps.c = c;
    ps.out = out;
    ps.n = 0;
    if (c->origins) {
        cors_origin_problems(&ps, c->origins, insecure_ok);
    }
    if (c->regexes) {
        cors_regex_problems(&ps, c->regexes, insecure_ok);
    }
    if (c->expose && c->expose->any) {
        cors_problem_add(&ps, CORS_PROBLEM_ANY_EXPOSE, NULL, NULL);
    }
    return ps.n;
}
