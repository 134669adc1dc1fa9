/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors-lint probe: one HTTP exchange through libcurl. Redirects are not followed here
 * (the browser's steps in lint_probe.c decide what a redirect means), the body is never
 * read, and the response headers are bounded.
 */
#include "lint_probe.h"
#include "lint.h"
#include "cors_policy.h"
#include "cors_fetch.h"

#include <string.h>
#include <apr_strings.h>
#include <curl/curl.h>

/* ---- Escaping what a server sent ------------------------------------------------ */

const char *probe_shown(apr_pool_t *pool, const char *v)
{
    apr_size_t i, n = strlen(v);
    char *out = apr_palloc(pool, 4 * 300 + 8), *p = out;

    for (i = 0; i < n && i < 300; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            *p++ = (char)c;
        }
        else {
            p += sprintf(p, "\\x%02x", c);
        }
    }
    strcpy(p, i < n ? "..." : "");
    return out;
}

/* ---- One HTTP exchange through libcurl ------------------------------------------ */

static size_t on_header(char *line, size_t size, size_t n, void *baton)
{
    exchange *x = baton;
    size_t len = size * n;
    const char *colon;
    char *name, *value;

    x->header_bytes += len;
    if (x->header_bytes > MAX_HEADER_BYTES) {
        x->too_big = 1;
        return 0; /* aborts the transfer */
    }
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        apr_table_clear(x->got); /* a new answer (after 100 Continue) */
        x->last_name = NULL;
        return len;
    }
    if ((line[0] == ' ' || line[0] == '\t') && x->last_name) {
        /* an obsolete line folding: part of the previous field, joined by a space */
        const char *before = apr_table_get(x->got, x->last_name);
        value = cors_fetch_normalize(x->pool, line, len);
        apr_table_set(x->got, x->last_name,
                      *before ? apr_pstrcat(x->pool, before, " ", value, NULL) : value);
        return len;
    }
    if ((colon = memchr(line, ':', len)) == NULL) {
        return len;
    }
    name = cors_lower_dup(x->pool, line, (apr_size_t)(colon - line));
    value = cors_fetch_normalize(x->pool, colon + 1, len - (size_t)(colon + 1 - line));
    apr_table_merge(x->got, name, value);
    x->last_name = name;
    return len;
}

/* The body is never needed: the transfer stops at its first byte. */
static size_t on_body(char *data, size_t size, size_t n, void *baton)
{
    (void)data, (void)size, (void)n, (void)baton;
    return 0;
}

static struct curl_slist *request_headers(const exchange *x)
{
    struct curl_slist *list = NULL;
    int i;

    if (x->origin) {
        list = curl_slist_append(list, apr_psprintf(x->pool, "Origin: %s", x->origin));
    }
    if (x->acrm) {
        list = curl_slist_append(
            list, apr_psprintf(x->pool, "Access-Control-Request-Method: %s", x->acrm));
    }
    if (x->acrh) {
        list = curl_slist_append(
            list, apr_psprintf(x->pool, "Access-Control-Request-Headers: %s", x->acrh));
    }
    for (i = 0; x->headers && i < x->headers->nelts; i++) {
        const cors_fetch_header *h = &APR_ARRAY_IDX(x->headers, i, cors_fetch_header);
        list = curl_slist_append(list, apr_psprintf(x->pool, "%s: %s", h->name, h->value));
    }
    return list;
}

const char *probe_send(const probe_opts *o, exchange *x)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = request_headers(x);
    char err[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    long status = 0;

    curl_easy_setopt(c, CURLOPT_URL, x->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, x->method);
    curl_easy_setopt(c, CURLOPT_NOBODY, strcmp(x->method, "HEAD") == 0 ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cors-lint-probe/" LINT_VERSION);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    x->status = (int)status;
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (x->too_big) {
        return apr_psprintf(x->pool, "%s: the response headers exceed %d KB", x->url,
                            MAX_HEADER_BYTES >> 10);
    }
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status > 0)) {
        return apr_psprintf(x->pool, "%s: %s", x->url, err[0] ? err : curl_easy_strerror(rc));
    }
    return NULL;
}

exchange *probe_exchange(apr_pool_t *pool, const char *kind, const char *method, const char *url,
                         const char *origin)
{
    exchange *x = apr_pcalloc(pool, sizeof(*x));

    x->pool = pool;
    x->kind = kind;
    x->method = method;
    x->url = url;
    x->origin = origin;
    x->got = apr_table_make(pool, 8);
    return x;
}

const char *probe_url_origin(apr_pool_t *pool, const char *url, const char **why)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
    const char *origin = NULL;
    cors_origin o;

    CURLUcode rc = u ? curl_url_set(u, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;

    *why = rc != CURLUE_OK ? apr_psprintf(pool, "not a URL (%s)", curl_url_strerror(rc))
                           : "not an http:// or https:// URL";
    if (rc == CURLUE_OK && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)) {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
            *why = "a URL with credentials in it (user@host), which fetch() refuses";
        }
        else {
            const char *s = apr_pstrcat(pool, scheme, "://", host, port ? ":" : "", port, NULL);
            if (cors_origin_parse(s, &o) == CORS_ORIGIN_OK) {
                origin = apr_pstrdup(pool, o.canon);
            }
            else {
                *why = "a URL whose host cannot be an origin as written (an international "
                       "name goes in its xn-- form)";
            }
        }
    }
    curl_free(scheme), curl_free(host), curl_free(port), curl_free(user);
    curl_url_cleanup(u);
    return origin;
}

const char *probe_resolve(apr_pool_t *pool, const char *url, const char *location)
{
    CURLU *u = curl_url();
    char *next = NULL;
    const char *out = NULL, *why;

    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &next, 0) == CURLUE_OK &&
        probe_url_origin(pool, next, &why) != NULL) {
        out = apr_pstrdup(pool, next);
    }
    curl_free(next);
    curl_url_cleanup(u);
    return out;
}
