/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_judge: origin regexes, judged the way CORS scanners attack them. mod_cors
 * refuses, with credentials, a CORSAllowOriginRegex that this judge can bypass;
 * cors-lint reports the same regexes (CL005, CL016) and the tests on the Origin of
 * mod_headers recipes (SetEnvIf, RewriteCond, <If>). One judge, so the two agree.
 *
 * The judge derives from the regex's literal text the origins it is written for, then
 * tries attack origins derived from them (a domain after the host, text before the
 * registrable domain, an unescaped dot, a tenant of a public suffix) and reports the
 * first one the regex accepts. An attack is only ever a valid serialized origin whose
 * host an attacker can obtain: a registrable domain under a suffix that is really on
 * the public suffix list, other than the one the regex is written for.
 *
 * Before any of that, the regex's structure is checked for catastrophic backtracking
 * (cors_redos.c): every request with an Origin runs the regex, and one that can take
 * exponential time on a hostile Origin is a denial of service; mod_cors refuses it, and
 * the judge tries no origin on it.
 *
 * The regex engine is the caller's (httpd's ap_regex in the module, libpcre2 in the
 * linter); a regex that is only literal text and groups of alternatives is matched here
 * as the finite set of strings it accepts, without the engine.
 */
#ifndef CORS_JUDGE_H
#define CORS_JUDGE_H

#include <apr_pools.h>
#include <libpsl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A regex engine: compile (NULL when the pattern does not compile; what is compiled is
 * freed with the pool) and match (non-zero on a match anywhere in subject[0..len)).
 * judge_match, for the judge, answers as match does, or -1 when the engine gave up (its
 * match limit): the judge then stops trying origins. Requests use match alone. */
typedef struct {
    void *(*compile)(void *baton, apr_pool_t *pool, const char *pattern, int nocase);
    int (*match)(void *baton, const void *compiled, const char *subject, apr_size_t len);
    void *baton;
    int (*judge_match)(void *baton, const void *compiled, const char *subject, apr_size_t len);
} cors_regex_engine;

/* "^(?:" src ")$": how mod_cors matches a CORSAllowOriginRegex against the whole origin. */
const char *cors_regex_anchor(apr_pool_t *pool, const char *src);

/* The offset of the first upper-case letter in src that can only match itself (outside
 * escapes, classes, group names and \Q...\E quoting excluded), or -1; also -1 when an
 * inline (?i) makes the regex caseless. mod_cors matches lower-case origins, so such a
 * letter can never match. */
long cors_regex_upper(const char *src);

typedef enum {
    CORS_ATTACK_NONE = 0,
    CORS_ATTACK_ANY,    /* accepts any origin at all */
    CORS_ATTACK_SUFFIX, /* lets a domain follow the host it is written for */
    CORS_ATTACK_PREFIX, /* lets text come before the registrable domain in its label */
    CORS_ATTACK_DOT,    /* an unescaped '.' stands for any character */
    CORS_ATTACK_TENANT, /* any tenant of a public suffix (*.github.io, *.netlify.app) */
    CORS_ATTACK_LABEL,  /* the registrable name is itself a pattern ("example-[a-z]+") */
    CORS_ATTACK_TLD     /* another top-level domain ("example\.[a-z]+") */
} cors_attack_kind;

/* ---- Regexes that backtrack catastrophically (cors_redos.c) ------------------------- */

typedef enum {
    CORS_REDOS_NONE = 0,
    CORS_REDOS_EXPONENTIAL, /* "(a+)+": a repeat can match one text in two ways */
    CORS_REDOS_POLYNOMIAL,  /* ".*.*.*": three repeats or more in a row match one text */
    CORS_REDOS_GAVE_UP      /* the engine gave up (its match limit) on an origin the judge
                             * tried: a shape the structural check does not know */
} cors_redos_kind;

/* Can pattern (as it is matched: anchored already when the caller anchors it) take
 * super-linear time on a hostile subject: exponential, or polynomial of degree 2 or more?
 * Sets *part to the repeated parts as written ("([a-z0-9-]+\.?)+", or "'.*', '.*' and
 * '.*'") and *degree to the polynomial's degree. Its work is bounded (by the cube of the
 * regex's size, and a fixed budget); a regex it cannot read (recursion, conditionals,
 * (?x)) is NONE. */
cors_redos_kind cors_regex_redos(apr_pool_t *pool, const char *pattern, int nocase,
                                 const char **part, int *degree);

typedef struct {
    const char *intended;   /* an origin the regex is written for, or NULL */
    cors_attack_kind kind;  /* CORS_ATTACK_NONE: no bypass found */
    const char *attack;     /* the attack origin it accepts, or NULL */
    const char *domain;     /* the registrable domain the attack is aimed at */
    const char *insecure;   /* an http:// origin (not loopback) it accepts, or NULL */
    int accepts_null;       /* it accepts the opaque origin "null" */
    cors_redos_kind redos;  /* it backtracks catastrophically: nothing else was judged */
    const char *redos_part; /* the repeated parts (GAVE_UP: the origin the engine gave up on) */
    int redos_degree;
} cors_regex_verdict;

/* Judge pattern as it is matched (anchored already when the caller anchors it; nocase
 * for SetEnvIfNoCase and [NC]). compiled is pattern compiled by engine, or NULL to
 * compile it here when needed. Allocates the verdict's strings from pool. psl may be
 * NULL (the public suffix list is missing): hosts are then compared by their last two
 * labels. Returns -1 when the pattern does not compile, else 0. */
int cors_regex_judge(const cors_regex_engine *engine, const void *compiled, const char *pattern,
                     int nocase, const psl_ctx_t *psl, apr_pool_t *pool, cors_regex_verdict *out);

/* Why an attack gets through and how to fix it, for messages ("an unescaped '.'
 * matches any character: escape the dots ('\.')"). */
const char *cors_attack_hint(const cors_regex_verdict *v, apr_pool_t *pool);

/* Does mod_cors refuse a regex for v->redos? It matches only valid origins of at most
 * CORS_ORIGIN_MAX (1,024) bytes: the exponential cases, a give-up and polynomials of degree
 * 3 or more cost PCRE2's match limit (some 0.1 s) on such an origin; degree 2 at most some
 * 5 ms. The judge tries no origin on a regex refused so. */
int cors_redos_refused(const cors_regex_verdict *v);

/* What v->redos costs and how to fix it, as the end of a sentence about the regex
 * ("can take exponential time on a hostile Origin: ..."), or NULL for CORS_REDOS_NONE. */
const char *cors_redos_hint(const cors_regex_verdict *v, apr_pool_t *pool);

/* ---- Literal regexes -------------------------------------------------------------- */

/* A regex of literal text, escaped punctuation and groups of alternatives, each
 * optionally followed by '?', with '^' and '$' only at its ends, accepts a small finite
 * set of strings; matching it is comparing the subject with them, as PCRE2 would
 * answer (a unit test checks the answers against PCRE2). */
typedef struct cors_lit_regex cors_lit_regex;

/* NULL when pattern is not of that form (or too large to expand). */
cors_lit_regex *cors_lit_compile(apr_pool_t *pool, const char *pattern, int nocase);
int cors_lit_match(const cors_lit_regex *lr, const char *subject, apr_size_t len);

#ifdef __cplusplus
}
#endif
#endif
