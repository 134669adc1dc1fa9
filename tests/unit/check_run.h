/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * What every Check test program does after building its suite: run it, report, give
 * back APR, and exit with the outcome. apr_initialize() is the caller's, before its
 * fixtures run.
 */
#ifndef CHECK_RUN_H
#define CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

#include <apr_general.h>

static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
