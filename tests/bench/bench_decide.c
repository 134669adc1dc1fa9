/* Instructions per decision of the policy core, for valgrind --tool=callgrind.
 *
 *   bench_decide EXACT WILDCARDS ITERATIONS [preflight|simple|wildcard]
 *
 * Builds an allow-list of EXACT exact origins and WILDCARDS subdomain wildcards, then
 * decides the same request ITERATIONS times. Run it under
 *   valgrind --tool=callgrind --toggle-collect=cors_policy_decide bench_decide ...
 * and divide the collected instruction count by ITERATIONS (tests/bench/callgrind.sh
 * does exactly that). The request pool is cleared every 1,000 decisions, as httpd
 * clears r->pool after each request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors_policy.h"

int main(int argc, char **argv)
{
    apr_pool_t *pconf, *preq;
    cors_origin_list *list;
    cors_token_list *methods, *headers;
    char *method_args[] = {"PUT", "DELETE", "PATCH"};
    char *header_args[] = {"X-Request-Id", "Authorization", "X-Api-Key"};
    cors_policy p;
    cors_request req;
    cors_decision d;
    const cors_psl *psl;
    long exact, wild, iters, i;
    const char *mode;
    int granted = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: %s EXACT WILDCARDS ITERATIONS [preflight|simple|wildcard]\n",
                argv[0]);
        return 2;
    }
    exact = atol(argv[1]);
    wild = atol(argv[2]);
    iters = atol(argv[3]);
    mode = argc > 4 ? argv[4] : "preflight";

    apr_initialize();
    apr_pool_create(&pconf, NULL);
    apr_pool_create(&preq, pconf);
    psl = cors_psl_open(pconf);
    list = cors_origin_list_make(pconf, NULL);
    for (i = 0; i < exact; i++) {
        const char *e = i == exact - 1 ? "https://app.example.com"
                                       : apr_psprintf(pconf, "https://app%ld.example.com", i);
        const char *err = cors_origin_list_add(list, e, NULL, 0, psl);
        if (err) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    for (i = 0; i < wild; i++) {
        cors_origin_list_add(list, apr_psprintf(pconf, "https://*.tenant%ld.example.net", i), NULL,
                             0, psl);
    }
    cors_token_list_parse(pconf, CORS_TOKENS_METHODS, 3, method_args, &methods, NULL);
    cors_token_list_parse(pconf, CORS_TOKENS_HEADERS, 3, header_args, &headers, NULL);
    cors_policy_init(&p);
    p.origins = list;
    p.allow_methods = methods;
    p.allow_headers = headers;
    p.allow_credentials = 1;
    p.max_age = "600";

    memset(&req, 0, sizeof(req));
    if (strcmp(mode, "simple") == 0) {
        req.method = "GET";
        req.origin = "https://app.example.com";
    }
    else if (strcmp(mode, "wildcard") == 0) {
        req.method = "OPTIONS";
        req.origin = "https://eu.api.tenant0.example.net";
        req.request_method = "PUT";
        req.request_headers = "content-type,x-request-id";
    }
    else {
        req.method = "OPTIONS";
        req.origin = "https://app.example.com";
        req.request_method = "PUT";
        req.request_headers = "content-type,x-request-id";
    }

    for (i = 0; i < iters; i++) {
        cors_policy_decide(&p, &req, preq, &d);
        granted += d.allow_origin != NULL;
        if (i % 1000 == 999) {
            apr_pool_clear(preq);
        }
    }
    printf("%s: %ld exact, %ld wildcard entries, %ld decisions, %d granted (%s)\n", mode, exact,
           wild, iters, granted, cors_outcome_str(d.outcome));
    apr_pool_destroy(pconf);
    apr_terminate();
    return granted == iters ? 0 : 1;
}
