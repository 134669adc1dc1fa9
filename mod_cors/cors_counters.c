/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * mod_cors's counters (cors_counters.h). The table is anonymous shared memory made in
 * the parent's post_config and inherited by every child; it hangs off the process
 * pool, which lives as long as httpd (a graceful restart clears pconf and reloads the
 * module, not the process pool), and a restart finds it again by its userdata key. A
 * virtual host keeps its slot across restarts by its name and port. Increments are
 * atomic: one instruction on the request path, no lock.
 */
#include "cors_counters.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "mod_status.h"
#include "ap_listen.h"

#include <string.h>

#define CORS_SLOTS     512 /* virtual hosts; more share the last slot */
#define CORS_SLOT_NAME 120

struct cors_vhost_counters {
    char name[CORS_SLOT_NAME]; /* "host:port"; empty: free */
    volatile apr_uint64_t n[CORS_COUNT_N];
};

typedef struct {
    cors_vhost_counters slot[CORS_SLOTS];
} cors_counter_table;

static const char *const counter_names[CORS_COUNT_N] = {
    "CORSPreflights",   "CORSGranted",      "CORSDeniedOrigin", "CORSInvalidOrigin",
    "CORSDeniedMethod", "CORSDeniedHeader", "CORSEnforced",     "CORSReportOnlyDenials"};

/* this generation's view of the table (NULL: counters off) */
static cors_counter_table *table;

static const char *const shm_key = "mod_cors counters";

static cors_counter_table *table_attach(apr_pool_t *process_pool)
{
    apr_shm_t *shm = NULL;

    apr_pool_userdata_get((void **)&shm, shm_key, process_pool);
    if (shm == NULL) {
        if (apr_shm_create(&shm, sizeof(cors_counter_table), NULL, process_pool) != APR_SUCCESS) {
            return NULL;
        }
        memset(apr_shm_baseaddr_get(shm), 0, sizeof(cors_counter_table));
        /* apr_pool_cleanup_null: this module's code is unloaded at a restart */
        apr_pool_userdata_set(shm, shm_key, apr_pool_cleanup_null, process_pool);
    }
    return apr_shm_baseaddr_get(shm);
}

/* The slot named name: the one it had before a restart, else a free one, else the
 * last (shared by the virtual hosts beyond CORS_SLOTS). */
static cors_vhost_counters *slot_named(const char *name)
{
    int i;

    for (i = 0; i < CORS_SLOTS - 1; i++) {
        if (strcmp(table->slot[i].name, name) == 0) {
            return &table->slot[i];
        }
        if (table->slot[i].name[0] == '\0') {
            apr_cpystrn(table->slot[i].name, name, CORS_SLOT_NAME);
            return &table->slot[i];
        }
    }
    apr_cpystrn(table->slot[CORS_SLOTS - 1].name, "(other virtual hosts)", CORS_SLOT_NAME);
    return &table->slot[CORS_SLOTS - 1];
}

apr_status_t cors_counters_init(server_rec *main_s)
{
    table = table_attach(main_s->process->pool);
    return table ? APR_SUCCESS : APR_ENOMEM;
}

cors_vhost_counters *cors_counters_slot(server_rec *s)
{
    apr_port_t port = s->addrs ? s->addrs->host_port : s->port;
    char name[CORS_SLOT_NAME];

    if (table == NULL) {
        return NULL;
    }
    if (port == 0 && !s->is_virtual && ap_listeners && ap_listeners->bind_addr) {
        port = ap_listeners->bind_addr->port; /* the main server, with several Listen */
    }
    apr_snprintf(name, sizeof(name), "%s:%u", s->server_hostname ? s->server_hostname : "-",
                 (unsigned)port);
    return slot_named(name);
}

void cors_count(cors_vhost_counters *c, cors_counter which)
{
    if (c && which < CORS_COUNT_N) {
        apr_atomic_inc64(&c->n[which]);
    }
}

void cors_uncount(cors_vhost_counters *c, cors_counter which)
{
    if (c && which < CORS_COUNT_N) {
        apr_atomic_dec64(&c->n[which]);
    }
}

cors_counter cors_counter_of(cors_outcome outcome)
{
    switch (outcome) {
    case CORS_OUTCOME_ALLOWED: return CORS_COUNT_GRANTED;
    case CORS_OUTCOME_PREFLIGHT: return CORS_COUNT_PREFLIGHTS;
    case CORS_OUTCOME_DENIED_ORIGIN: return CORS_COUNT_DENIED_ORIGIN;
    case CORS_OUTCOME_DENIED_METHOD: return CORS_COUNT_DENIED_METHOD;
    case CORS_OUTCOME_DENIED_HEADER: return CORS_COUNT_DENIED_HEADER;
    case CORS_OUTCOME_INVALID_ORIGIN: return CORS_COUNT_INVALID_ORIGIN;
    default: return CORS_COUNT_N;
    }
}

static void status_html(request_rec *r, const apr_uint64_t *total)
{
    int i, k;

    ap_rputs("<hr />\n<h2>mod_cors</h2>\n<table border=\"0\"><tr><th>virtual host</th>", r);
    for (k = 0; k < CORS_COUNT_N; k++) {
        ap_rprintf(r, "<th>%s</th>", counter_names[k] + 4);
    }
    ap_rputs("</tr>\n", r);
    for (i = 0; i < CORS_SLOTS && table->slot[i].name[0]; i++) {
        ap_rprintf(r, "<tr><td>%s</td>", ap_escape_html(r->pool, table->slot[i].name));
        for (k = 0; k < CORS_COUNT_N; k++) {
            ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>",
                       apr_atomic_read64(&table->slot[i].n[k]));
        }
        ap_rputs("</tr>\n", r);
    }
    ap_rputs("<tr><td>total</td>", r);
    for (k = 0; k < CORS_COUNT_N; k++) {
        ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>", total[k]);
    }
    ap_rputs("</tr>\n</table>\n", r);
}

static int cors_status_hook(request_rec *r, int flags)
{
    apr_uint64_t total[CORS_COUNT_N] = {0};
    int i, k;

    if (table == NULL) {
        return OK;
    }
    for (i = 0; i < CORS_SLOTS; i++) {
        for (k = 0; k < CORS_COUNT_N; k++) {
            total[k] += apr_atomic_read64(&table->slot[i].n[k]);
        }
    }
    if (flags & AP_STATUS_SHORT) {
        for (k = 0; k < CORS_COUNT_N; k++) {
            ap_rprintf(r, "%s: %" APR_UINT64_T_FMT "\n", counter_names[k], total[k]);
        }
    }
    else {
        status_html(r, total);
    }
    return OK;
}

void cors_counters_register_hooks(void)
{
    APR_OPTIONAL_HOOK(ap, status_hook, cors_status_hook, NULL, NULL, APR_HOOK_MIDDLE);
}
