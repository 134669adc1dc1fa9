/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * libpcre2 as the core's regex engine (lint_pcre2.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lint_pcre2.h"

static apr_status_t code_free(void *code)
{
    pcre2_code_free(code);
    return APR_SUCCESS;
}

static apr_status_t md_free(void *md)
{
    pcre2_match_data_free(md);
    return APR_SUCCESS;
}

/* Compiled code is freed with the pool it was compiled for. */
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

/* The limits httpd's ap_regex matches with (it sets none: PCRE2's defaults), set here so
 * that they do not depend on how libpcre2 was built: cors-lint gives up on a subject
 * exactly where mod_cors does, and the judge's verdicts agree. 10,000,000 steps are some
 * 0.1 s of CPU. */
#define LINT_PCRE2_MATCH_LIMIT 10000000
#define LINT_PCRE2_DEPTH_LIMIT 10000000

static pcre2_match_context *match_context(void)
{
    static pcre2_match_context *mc;

    if (mc == NULL) {
        mc = pcre2_match_context_create(NULL);
        pcre2_set_match_limit(mc, LINT_PCRE2_MATCH_LIMIT);
        pcre2_set_depth_limit(mc, LINT_PCRE2_DEPTH_LIMIT);
    }
    return mc;
}

/* baton: the shared match block, or NULL for one of its own. 1, 0, or a PCRE2 error (the
 * match limit reached). */
static int pcre2_engine_run(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    pcre2_match_data *md = baton ? baton : pcre2_match_data_create_from_pattern(compiled, NULL);
    int rc = pcre2_match(compiled, (PCRE2_SPTR)s, len, 0, 0, md, match_context());

    if (baton == NULL) {
        pcre2_match_data_free(md);
    }
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

static int pcre2_engine_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    return pcre2_engine_run(baton, compiled, s, len) == 1;
}

static int pcre2_engine_judge_match(void *baton, const void *compiled, const char *s,
                                    apr_size_t len)
{
    int rc = pcre2_engine_run(baton, compiled, s, len);

    return rc < 0 ? -1 : rc;
}

void lint_pcre2_engine(cors_regex_engine *e, apr_pool_t *pool)
{
    e->compile = pcre2_engine_compile;
    e->match = pcre2_engine_match;
    e->judge_match = pcre2_engine_judge_match;
    e->baton = NULL;
    if (pool) {
        e->baton = pcre2_match_data_create(16, NULL);
        apr_pool_cleanup_register(pool, e->baton, md_free, apr_pool_cleanup_null);
    }
}
