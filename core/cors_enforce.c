/* CORSEnforce's decision: see cors_enforce.h. */
#include "cors_enforce.h"

#include <string.h>

static int safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

int cors_origin_is_own(const char *origin, const char *own)
{
    cors_origin a, b;

    return own && cors_origin_parse(origin, &a) == CORS_ORIGIN_OK && !a.is_null &&
           cors_origin_parse(own, &b) == CORS_ORIGIN_OK && strcmp(a.canon, b.canon) == 0;
}

cors_enforce_verdict cors_enforce_check(int allowed, const char *method, const char *origin,
                                        const char *sec_fetch_site, const char *own)
{
    if (safe_method(method)) {
        return CORS_ENFORCE_SAFE_METHOD;
    }
    if (allowed) {
        return CORS_ENFORCE_ALLOWED_ORIGIN;
    }
    if (sec_fetch_site) {
        if (strcmp(sec_fetch_site, "same-origin") == 0 || strcmp(sec_fetch_site, "none") == 0) {
            return CORS_ENFORCE_SAME_ORIGIN;
        }
        return strcmp(sec_fetch_site, "same-site") == 0 ? CORS_ENFORCE_SAME_SITE
                                                        : CORS_ENFORCE_CROSS_SITE;
    }
    if (!origin) {
        return CORS_ENFORCE_NO_BROWSER;
    }
    return cors_origin_is_own(origin, own) ? CORS_ENFORCE_SAME_ORIGIN
                                           : CORS_ENFORCE_FOREIGN_ORIGIN;
}

const char *cors_enforce_reason(cors_enforce_verdict v)
{
    switch (v) {
    case CORS_ENFORCE_CROSS_SITE: return "cross-site";
    case CORS_ENFORCE_SAME_SITE: return "same-site";
    case CORS_ENFORCE_FOREIGN_ORIGIN: return "origin";
    default: return "passed";
    }
}
