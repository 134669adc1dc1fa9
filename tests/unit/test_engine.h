/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The regex engine of the core's unit tests: cors-lint's (lint/lint_pcre2.c), with a
 * match block per match. Header-only: each test program includes it once.
 */
#ifndef TEST_ENGINE_H
#define TEST_ENGINE_H

#include "lint_pcre2.h"

static const cors_regex_engine *test_engine(void)
{
    static cors_regex_engine e;

    if (e.compile == NULL) {
        lint_pcre2_engine(&e, NULL);
    }
    return &e;
}

#endif
