/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors-lint probe: what the probe's two halves share (lint_probe.c: options, the
 * browser's steps, the report; lint_probe_http.c: one HTTP exchange through libcurl).
 */
#ifndef LINT_PROBE_H
#define LINT_PROBE_H

#include <stdio.h>
#include <apr_pools.h>
#include <apr_tables.h>

#define MAX_REDIRECTS    20          /* Fetch's limit */
#define MAX_HEADER_BYTES (256 << 10) /* all response header lines of one answer */

typedef struct probe_opts {
    const char *url, *origin, *method;
    apr_array_header_t *headers; /* cors_fetch_header */
    int credentials, json, insecure;
    long timeout_ms;
} probe_opts;

/* One request and what came back: the headers the checks and the report read. */
typedef struct exchange {
    const char *kind; /* "preflight" or "request" */
    const char *method, *url, *origin, *acrm, *acrh;
    const apr_array_header_t *headers; /* cors_fetch_header the request sent; NULL: none */
    int status;
    apr_table_t *got;      /* lower-cased name -> value, repeated lines joined with ", " */
    const char *last_name; /* the field an obsolete line folding continues */
    apr_size_t header_bytes;
    int too_big;
    apr_pool_t *pool;
} exchange;

/* Printable ASCII kept, everything else as \xNN; at most 300 bytes shown: what a
 * server or a user sent is never printed raw. */
const char *probe_shown(apr_pool_t *pool, const char *v);

/* The origin of an http(s) URL, serialized as a browser does (default port dropped),
 * or NULL with *why set. */
const char *probe_url_origin(apr_pool_t *pool, const char *url, const char **why);

/* location resolved against url, or NULL when it is not an http(s) URL. */
const char *probe_resolve(apr_pool_t *pool, const char *url, const char *location);

exchange *probe_exchange(apr_pool_t *pool, const char *kind, const char *method, const char *url,
                         const char *origin);

/* Sends x (the user's headers too, unless it is a preflight); returns NULL, or what went
 * wrong (connection, timeout, oversized headers). */
const char *probe_send(const probe_opts *o, exchange *x);

/* The cors-lint probe command: argv[0] is "probe". Returns the exit status. */
int lint_probe_main(apr_pool_t *pool, int argc, char **argv);

#endif
