/* CORSEnforce: the allow-list also protects the server. CORS only stops a browser from
 * reading an answer; a cross-site <form method=post> or a no-cors fetch() still reaches
 * the handler. This is the decision of Go 1.25's net/http.CrossOriginProtection (Fetch
 * Metadata first, then Origin), with mod_cors's allow-list as its trusted origins
 * (spec: "Server-side enforcement"). */
#ifndef CORS_ENFORCE_H
#define CORS_ENFORCE_H

#include "cors_policy.h"

typedef enum {
    CORS_ENFORCE_SAFE_METHOD,    /* GET, HEAD, OPTIONS: pass */
    CORS_ENFORCE_ALLOWED_ORIGIN, /* Origin on the allow-list: pass */
    CORS_ENFORCE_SAME_ORIGIN,    /* Sec-Fetch-Site same-origin or none, or Origin the
                                  * request's own: pass */
    CORS_ENFORCE_NO_BROWSER,     /* neither Sec-Fetch-Site nor Origin: pass */
    CORS_ENFORCE_CROSS_SITE,     /* Sec-Fetch-Site cross-site: refuse */
    CORS_ENFORCE_SAME_SITE,      /* Sec-Fetch-Site same-site (another origin): refuse */
    CORS_ENFORCE_FOREIGN_ORIGIN  /* no Sec-Fetch-Site, Origin another's, null or invalid:
                                  * refuse */
} cors_enforce_verdict;

/* The verdict for a request: allowed, its decision's (cors_policy_decide: the Origin is
 * on the allow-list, decided once for CORS and for this); its method, Origin and
 * Sec-Fetch-Site (NULL when absent), and its own origin as the client addressed it
 * (scheme://Host, NULL when unknown). */
cors_enforce_verdict cors_enforce_check(int allowed, const char *method, const char *origin,
                                        const char *sec_fetch_site, const char *own_origin);

/* Is origin (a request's Origin) the request's own, own being scheme://Host as the
 * client addressed it? Both must parse; their canonical forms (scheme and host
 * lower-cased, default port dropped) are compared. */
int cors_origin_is_own(const char *origin, const char *own);

/* Does the verdict refuse the request? */
static inline int cors_enforce_refuses(cors_enforce_verdict v)
{
    return v >= CORS_ENFORCE_CROSS_SITE;
}

/* "cross-site", "same-site", "origin": the reason in the note enforced:<reason>. */
const char *cors_enforce_reason(cors_enforce_verdict v);

#endif
