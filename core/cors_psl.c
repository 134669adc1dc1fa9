/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The public suffix list: libpsl answers "is this a public suffix" and "what is the
 * registrable domain"; it cannot say whether a domain has public suffixes below it
 * ("amazonaws.com" has "s3.amazonaws.com", where anyone can host a site), which is what
 * a wildcard origin over that domain grants. That is read once from the list's text,
 * the file libpsl's own compiled list was built from.
 */
#include "cors_policy.h"

#include <stdio.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>

struct cors_psl {
    psl_ctx_t *ctx; /* loaded here, freed with the pool */
    const psl_ctx_t *builtin;
    apr_hash_t *below; /* domain -> a rule below it */
};

static apr_status_t cors_psl_cleanup(void *data)
{
    psl_free((psl_ctx_t *)data);
    return APR_SUCCESS;
}

/* The text of the list libpsl uses: Debian ships it next to the compiled .dafsa. */
static FILE *cors_psl_text(void)
{
    const char *dist = psl_dist_filename();
    char path[1024];
    apr_size_t n;

    if (dist && (n = strlen(dist)) > 6 && n < sizeof(path) - 4 &&
        strcmp(dist + n - 6, ".dafsa") == 0) {
        memcpy(path, dist, n - 6);
        memcpy(path + n - 6, ".dat", 5);
        FILE *f = fopen(path, "r");
        if (f) {
            return f;
        }
    }
    return fopen("/usr/share/publicsuffix/public_suffix_list.dat", "r");
}

/* For each rule ("s3.amazonaws.com", "*.compute.amazonaws.com", "!www.ck"), every
 * domain strictly above it gets the rule as its example, the first one seen. */
static void cors_psl_read_below(apr_pool_t *pool, apr_hash_t *below)
{
    FILE *f = cors_psl_text();
    char line[512];

    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *s = line, *d;
        const char *rule = NULL;
        if (*s == '/' || *s == '\n' || *s == ' ' || *s == '\r' || *s == '\0') {
            continue;
        }
        s[strcspn(s, " \t\r\n")] = '\0';
        if (*s == '!') {
            continue; /* an exception makes a name registrable, not a suffix */
        }
        for (d = strchr(s, '.'); d; d = strchr(d + 1, '.')) {
            if (apr_hash_get(below, d + 1, APR_HASH_KEY_STRING) == NULL) {
                if (rule == NULL) {
                    rule = apr_pstrdup(pool, s);
                }
                apr_hash_set(below, apr_pstrdup(pool, d + 1), APR_HASH_KEY_STRING, rule);
            }
        }
    }
    fclose(f);
}

cors_psl *cors_psl_open(apr_pool_t *pool)
{
    cors_psl *p = apr_pcalloc(pool, sizeof(*p));

    p->ctx = psl_latest(NULL);
    if (p->ctx != NULL) {
        apr_pool_cleanup_register(pool, p->ctx, cors_psl_cleanup, apr_pool_cleanup_null);
    }
    else {
        p->builtin = psl_builtin();
    }
    p->below = apr_hash_make(pool);
    if (p->ctx || p->builtin) {
        cors_psl_read_below(pool, p->below);
    }
    return p;
}

int cors_psl_complete(const cors_psl *psl)
{
    return psl && apr_hash_count(psl->below) > 0;
}

const psl_ctx_t *cors_psl_ctx(const cors_psl *psl)
{
    if (psl == NULL) {
        return NULL;
    }
    return psl->ctx ? psl->ctx : psl->builtin;
}

const char *cors_psl_suffix_below(const cors_psl *psl, const char *domain)
{
    return psl ? apr_hash_get(psl->below, domain, APR_HASH_KEY_STRING) : NULL;
}
