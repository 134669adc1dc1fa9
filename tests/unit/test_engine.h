/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * A regex engine for the core's unit tests: libpcre2, as cors-lint uses it (mod_cors uses
 * httpd's ap_regex, which is PCRE2 too). Header-only: each test program includes it once.
 */
#ifndef TEST_ENGINE_H
#define TEST_ENGINE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cors_judge.h"

static apr_status_t test_engine_free(void *code)
{
    pcre2_code_free(code);
    return APR_SUCCESS;
}

static void *test_engine_compile(void *baton, apr_pool_t *pool, const char *pattern, int nocase)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     nocase ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);

    (void)baton;
    if (code) {
        apr_pool_cleanup_register(pool, code, test_engine_free, apr_pool_cleanup_null);
    }
    return code;
}

static int test_engine_match(void *baton, const void *compiled, const char *s, apr_size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(compiled, NULL);
    int rc = pcre2_match(compiled, (PCRE2_SPTR)s, len, 0, 0, md, NULL);

    (void)baton;
    pcre2_match_data_free(md);
    return rc >= 0;
}

static const cors_regex_engine *test_engine(void)
{
    static const cors_regex_engine e = {test_engine_compile, test_engine_match, NULL};
    return &e;
}

#endif
