/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * libpcre2 as the core's regex engine (core/cors_judge.h): cors-lint's, and the core's
 * unit tests'. mod_cors uses httpd's ap_regex, which is PCRE2 too.
 */
#ifndef LINT_PCRE2_H
#define LINT_PCRE2_H

#include <apr_pools.h>

#include "cors_judge.h"

/* Fills e. With a pool, one match block serves every match (freed with the pool: one
 * thread at a time); without one, each match has its own. */
void lint_pcre2_engine(cors_regex_engine *e, apr_pool_t *pool);

#endif
