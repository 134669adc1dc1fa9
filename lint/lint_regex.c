/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Regexes in cors-lint: PCRE2 as the core's regex engine (lint_pcre2.c), and the core's
 * judge (core/cors_judge.c) asked once per distinct pattern: every scope that inherits
 * an Origin test asks about it again.
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_policy.h"
#include "lint.h"
#include "lint_pcre2.h"

typedef struct {
    int compiles;
    cors_regex_verdict verdict;
} lint_judged;

typedef struct {
    apr_hash_t *by_pattern[2]; /* [nocase]: pattern -> lint_judged */
    apr_pool_t *scratch;       /* the judge's attack strings; cleared after each */
    cors_psl *psl;
    cors_regex_engine engine;
} lint_regex_cache;

static lint_regex_cache *regex_cache(lint_ctx *ctx)
{
    lint_regex_cache *c = ctx->regex_cache;

    if (c == NULL) {
        c = apr_pcalloc(ctx->pool, sizeof(*c));
        c->by_pattern[0] = apr_hash_make(ctx->pool);
        c->by_pattern[1] = apr_hash_make(ctx->pool);
        lint_pcre2_engine(&c->engine, ctx->pool);
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
        if (!cors_psl_complete(c->psl)) {
            fputs("cors-lint: note: the public suffix list's text is missing (install "
                  "Debian's publicsuffix package): wildcards over domains with public "
                  "suffixes below them (https://*.amazonaws.com) are not judged\n",
                  stderr);
        }
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
        v->redos_part = v->redos_part ? apr_pstrdup(ctx->pool, v->redos_part) : NULL;
        apr_pool_clear(c->scratch);
        apr_hash_set(c->by_pattern[nocase], apr_pstrdup(ctx->pool, pattern), APR_HASH_KEY_STRING,
                     j);
    }
    return j->compiles ? &j->verdict : NULL;
}
