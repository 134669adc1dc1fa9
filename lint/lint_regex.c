/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Regexes in cors-lint: PCRE2 as the core's regex engine (mod_cors uses httpd's
 * ap_regex, which is PCRE2 too), and the core's judge (core/cors_judge.c) asked once per
 * distinct pattern: every scope that inherits an Origin test asks about it again.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint.h"

typedef struct {
    pcre2_match_data *md; /* one match block for every regex, allocated once */
} lint_pcre2;

typedef struct {
    int compiles;
    cors_regex_verdict verdict;
} lint_judged;

typedef struct {
    apr_hash_t *by_pattern[2]; /* [nocase]: pattern -> lint_judged */
    apr_pool_t *scratch;       /* the judge's attack strings; cleared after each */
    cors_psl *psl;
    lint_pcre2 pcre2;
    cors_regex_engine engine;
} lint_regex_cache;

static apr_status_t code_free(void *code)
{
    pcre2_code_free(code);
    return APR_SUCCESS;
}

static void *pcre2_engine_compile(void *baton, apr_pool_t *pool, const char *pattern, int nocase)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     nocase ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);

    (void)baton;
    if (code) {
        apr_pool_cleanup_register(pool, code, code_free, apr_pool_cleanup_null);
    }
    return code;
}

static int pcre2_engine_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    lint_pcre2 *p = baton;

    return pcre2_match(compiled, (PCRE2_SPTR)s, len, 0, 0, p->md, NULL) >= 0;
}

static apr_status_t md_free(void *md)
{
    pcre2_match_data_free(md);
    return APR_SUCCESS;
}

static lint_regex_cache *regex_cache(lint_ctx *ctx)
{
    lint_regex_cache *c = ctx->regex_cache;

    if (c == NULL) {
        c = apr_pcalloc(ctx->pool, sizeof(*c));
        c->by_pattern[0] = apr_hash_make(ctx->pool);
        c->by_pattern[1] = apr_hash_make(ctx->pool);
        c->pcre2.md = pcre2_match_data_create(16, NULL);
        apr_pool_cleanup_register(ctx->pool, c->pcre2.md, md_free, apr_pool_cleanup_null);
        c->engine.compile = pcre2_engine_compile;
        c->engine.match = pcre2_engine_match;
        c->engine.baton = &c->pcre2;
        apr_pool_create(&c->scratch, ctx->pool);
        ctx->regex_cache = c;
    }
    return c;
}

const cors_regex_engine *lint_regex_engine(lint_ctx *ctx)
{
    return &regex_cache(ctx)->engine;
}

cors_psl *lint_psl(lint_ctx *ctx)
{
    lint_regex_cache *c = regex_cache(ctx);

    if (c->psl == NULL) {
        c->psl = cors_psl_open(ctx->pool);
    }
    return c->psl;
}

const cors_regex_verdict *lint_regex_judge(lint_ctx *ctx, const char *pattern, int nocase)
{
    lint_regex_cache *c = regex_cache(ctx);
    lint_judged *j;

    nocase = nocase != 0;
    j = apr_hash_get(c->by_pattern[nocase], pattern, APR_HASH_KEY_STRING);
    if (j == NULL) {
        cors_regex_verdict *v;
        const psl_ctx_t *psl = cors_psl_ctx(lint_psl(ctx));
        j = apr_pcalloc(ctx->pool, sizeof(*j));
        v = &j->verdict;
        j->compiles = cors_regex_judge(&c->engine, NULL, pattern, nocase, psl, c->scratch, v) == 0;
        /* only the verdict is kept */
        v->intended = v->intended ? apr_pstrdup(ctx->pool, v->intended) : NULL;
        v->attack = v->attack ? apr_pstrdup(ctx->pool, v->attack) : NULL;
        v->domain = v->domain ? apr_pstrdup(ctx->pool, v->domain) : NULL;
        v->insecure = v->insecure ? apr_pstrdup(ctx->pool, v->insecure) : NULL;
        apr_pool_clear(c->scratch);
        apr_hash_set(c->by_pattern[nocase], apr_pstrdup(ctx->pool, pattern), APR_HASH_KEY_STRING,
                     j);
    }
    return j->compiles ? &j->verdict : NULL;
}
