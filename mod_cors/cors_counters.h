/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * mod_cors's counters: per virtual host, since httpd started (graceful restarts
 * included), across all children, in shared memory; shown by mod_status on
 * /server-status (a table) and /server-status?auto (one "CORS...: N" line each).
 */
#ifndef CORS_COUNTERS_H
#define CORS_COUNTERS_H

#include "httpd.h"
#include "apr_atomic.h"

#include "cors_policy.h"

typedef enum {
    CORS_COUNT_PREFLIGHTS,     /* preflights granted and answered */
    CORS_COUNT_GRANTED,        /* actual requests granted */
    CORS_COUNT_DENIED_ORIGIN,  /* origin not allowed */
    CORS_COUNT_INVALID_ORIGIN, /* Origin not a serialized origin */
    CORS_COUNT_DENIED_METHOD,  /* preflight: method not allowed */
    CORS_COUNT_DENIED_HEADER,  /* preflight: a header not allowed */
    CORS_COUNT_ENFORCED,       /* refused by CORSEnforce */
    CORS_COUNT_REPORT_ONLY,    /* CORSReportOnly: a denial or refusal not made */
    CORS_COUNT_N
} cors_counter;

/* One virtual host's counters (a slot of the shared table). */
typedef struct cors_vhost_counters cors_vhost_counters;

/* post_config: the shared table (created once per httpd run, in the process pool, so
 * that a graceful restart keeps it). Returns APR_SUCCESS or why it could not be made
 * (the counters are then off, never the module). */
apr_status_t cors_counters_init(server_rec *main_s);

/* post_config, after cors_counters_init: a server's slot, found by its name and port
 * (the one it had before a restart); NULL when the counters are off. */
cors_vhost_counters *cors_counters_slot(server_rec *s);

/* Count one event for a virtual host (NULL: counters off); cors_uncount takes one back
 * (a denial that CORSEnforce turned into a refusal, counted as such). */
void cors_count(cors_vhost_counters *c, cors_counter which);
void cors_uncount(cors_vhost_counters *c, cors_counter which);

/* The counter for a decision's outcome, or CORS_COUNT_N for none (no Origin). */
cors_counter cors_counter_of(cors_outcome outcome);

/* Registers the mod_status hook (optional: nothing happens without mod_status). */
void cors_counters_register_hooks(void);

#endif
