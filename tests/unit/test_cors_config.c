/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests of the configuration model (core/cors_config.c, core/cors_sections.c): the
 * directive table, the merge (every directive has its rule), httpd's way of passing
 * arguments, the refusals, the conflicts with credentials, and the sections that httpd
 * merges. The module and the linter are both built on these.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors_config.h"
#include "test_engine.h"
#include "check_run.h"

static apr_pool_t *pool;
static cors_env env;
static int line;

static void setup(void)
{
    apr_pool_create(&pool, NULL);
    env.psl = cors_psl_open(pool);
    env.engine = test_engine();
    line = 0;
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* Applies one configuration line ("CORSAllowOrigin a b") as httpd would; the line
 * number counts up, so that messages can be told apart. Returns httpd's error or NULL. */
static const char *apply(cors_config *c, const char *text)
{
    char *copy = apr_pstrdup(pool, text), *last, *w;
    char *words[16];
    const cors_directive *d;
    cors_where *where = apr_pcalloc(pool, sizeof(*where));
    int n = 0;

    w = apr_strtok(copy, " ", &last);
    d = cors_directive_find(w);
    ck_assert_msg(d != NULL, "unknown %s", w);
    while ((w = apr_strtok(NULL, " ", &last)) != NULL && n < 16) {
        words[n++] = strcmp(w, "\"\"") == 0 ? "" : w;
    }
    where->file = "t.conf";
    where->line = ++line;
    return cors_directive_invoke(pool, c, d, n, words, where, &env, NULL);
}

static cors_config *conf(const char *const *lines)
{
    cors_config *c = cors_config_make(pool);

    for (; *lines; lines++) {
        const char *err = apply(c, *lines);
        ck_assert_msg(err == NULL, "%s: %s", *lines, err);
    }
    return c;
}

static void refused(const char *const *lines, const char *part)
{
    cors_config *c = cors_config_make(pool);
    const char *err = NULL;

    for (; *lines && err == NULL; lines++) {
        err = apply(c, *lines);
    }
    ck_assert_msg(err != NULL, "accepted; wanted '%s'", part);
    ck_assert_msg(strstr(err, part) != NULL, "'%s' lacks '%s'", err, part);
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the table ---------------------------------------------------------------------- */

/* A value each directive accepts, with what the merge must carry. */
static const char *const samples[CORS_D_COUNT] = {
    [CORS_D_ORIGIN] = "CORSAllowOrigin https://a.example.com",
    [CORS_D_ORIGIN_REGEX] = "CORSAllowOriginRegex https://[a-z]+\\.example\\.com",
    [CORS_D_ENABLE] = "CORSEnable Off",
    [CORS_D_METHODS] = "CORSAllowMethods PUT",
    [CORS_D_HEADERS] = "CORSAllowHeaders X-A",
    [CORS_D_EXPOSE] = "CORSExposeHeaders X-B",
    [CORS_D_CREDENTIALS] = "CORSAllowCredentials On",
    [CORS_D_MAX_AGE] = "CORSMaxAge 60",
    [CORS_D_PRIVATE_NETWORK] = "CORSAllowPrivateNetwork On",
    [CORS_D_PREFLIGHT] = "CORSPreflight Off",
    [CORS_D_PREFLIGHT_STATUS] = "CORSPreflightStatus 200",
    [CORS_D_OVERRIDE_UPSTREAM] = "CORSOverrideUpstream Off",
    [CORS_D_REPORT_ONLY] = "CORSReportOnly On",
    [CORS_D_INSECURE_ORIGINS] = "CORSAllowInsecureOrigins On",
    [CORS_D_ENFORCE] = "CORSEnforce On",
};

START_TEST(test_table)
{
    int i;

    for (i = 0; i < CORS_D_COUNT; i++) {
        const cors_directive *d = &cors_directives[i];
        ck_assert_int_eq(d->id, i);
        ck_assert_ptr_eq(cors_directive_find(d->name), d);
        ck_assert_ptr_nonnull(samples[i]);
        ck_assert(strncmp(samples[i], d->name, strlen(d->name)) == 0);
    }
    ck_assert_ptr_eq(cors_directive_find("corsalloworigin"), &cors_directives[CORS_D_ORIGIN]);
    ck_assert_ptr_null(cors_directive_find("CORSAllowOrigins2"));
    ck_assert_str_eq(cors_directive_suggest("CORSAlowCredentials"), "CORSAllowCredentials");
    ck_assert_ptr_null(cors_directive_suggest("CORSSomethingElseEntirely"));
}
END_TEST

/* Every directive set in a child replaces the parent's value, and only that one: a
 * directive added to the table without its line in cors_config_merge fails here. */
static apr_size_t field_size(const cors_directive *d)
{
    return d->how == CORS_ARGS_FLAG || d->how == CORS_ARGS_FLAG_SLOT ||
                   d->id == CORS_D_PREFLIGHT_STATUS
               ? sizeof(int)
               : sizeof(void *);
}

START_TEST(test_merge_carries_every_directive)
{
    int i;

    for (i = 0; i < CORS_D_COUNT; i++) {
        const cors_directive *d = &cors_directives[i];
        cors_config *base = cors_config_make(pool), *add = cors_config_make(pool), *m;
        ck_assert_ptr_null(apply(add, samples[i]));
        ck_assert(cors_config_is_set(add));
        m = cors_config_merge(pool, base, add);
        /* the merged value is the child's, and so is where it was set */
        ck_assert_msg(memcmp((char *)m + d->offset, (char *)base + d->offset, field_size(d)) != 0,
                      "%s is not merged", d->name);
        ck_assert_int_eq(memcmp((char *)m + d->offset, (char *)add + d->offset, field_size(d)), 0);
        ck_assert_ptr_eq(m->where[i], add->where[i]);
        ck_assert_ptr_nonnull(m->where[i]);
        /* and an unset child changes nothing */
        m = cors_config_merge(pool, add, cors_config_make(pool));
        ck_assert_int_eq(memcmp(m, add, sizeof(*m)), 0);
    }
}
END_TEST

START_TEST(test_active)
{
    ck_assert(!cors_config_active(cors_config_make(pool)));
    ck_assert(cors_config_active(conf(LINES("CORSAllowOrigin https://a.example.com"))));
    ck_assert(cors_config_active(conf(LINES("CORSAllowOriginRegex https://a\\.example\\.com"))));
    ck_assert(!cors_config_active(
        conf(LINES("CORSAllowOrigin https://a.example.com", "CORSEnable Off"))));
    ck_assert(!cors_config_active(conf(LINES("CORSAllowCredentials On"))));
}
END_TEST

/* ---- httpd's way of passing arguments (server/config.c, invoke_cmd) ------------------ */

START_TEST(test_invoke)
{
    cors_config *c = cors_config_make(pool);

    /* ITERATE: at least one; the first empty word ends the list */
    ck_assert(strstr(apply(c, "CORSAllowOriginRegex \"\""), "requires at least one argument"));
    ck_assert(strstr(apply(c, "CORSAllowOrigin"), "requires at least one argument"));
    ck_assert_ptr_null(apply(c, "CORSAllowOrigin https://a.example.com \"\" bad-ignored"));
    /* TAKE1: exactly one */
    ck_assert(strstr(apply(c, "CORSMaxAge 1 2"), "CORSMaxAge takes one argument, Seconds"));
    ck_assert(strstr(apply(c, "CORSMaxAge"), "takes one argument"));
    /* FLAG: the first word, in any case; the rest is ignored */
    ck_assert_ptr_null(apply(c, "CORSAllowCredentials oN ignored"));
    ck_assert_int_eq(c->credentials, 1);
    ck_assert_str_eq(apply(c, "CORSEnable maybe"), "CORSEnable must be On or Off");
    ck_assert_str_eq(apply(c, "CORSEnable"), "CORSEnable must be On or Off");
    /* TAKE_ARGV: a trailing empty word is not an argument */
    ck_assert(strstr(apply(c, "CORSAllowMethods \"\""), "needs at least one argument"));
    ck_assert_ptr_null(apply(c, "CORSAllowMethods PUT \"\" DELETE"));
}
END_TEST

/* ---- refusals of one directive --------------------------------------------------------- */

START_TEST(test_refusals)
{
    refused(LINES("CORSAllowMethods put delete"), "'put' never matches");
    refused(LINES("CORSAllowMethods Delete"), "write 'DELETE'");
    refused(LINES("CORSAllowMethods CONNECT"), "Fetch forbids it");
    refused(LINES("CORSAllowMethods trace"), "Fetch forbids it");
    refused(LINES("CORSAllowMethods PUT TRACK"), "'TRACK'");
    refused(LINES("CORSAllowHeaders Content-Type Cookie"), "'Cookie' is a header scripts");
    refused(LINES("CORSAllowHeaders sec-fetch-mode"), "Fetch forbids");
    refused(LINES("CORSAllowHeaders Proxy-Authorization"), "Fetch forbids");
    refused(LINES("CORSAllowHeaders Host"), "Fetch forbids");
    refused(LINES("CORSExposeHeaders ETag Set-Cookie"), "'Set-Cookie' is never exposed");
    refused(LINES("CORSExposeHeaders set-cookie2"), "never exposed");
    refused(LINES("CORSAllowOriginRegex https://App\\.example\\.com"), "upper-case letter 'A'");
    refused(LINES("CORSAllowOriginRegex https://(x"), "not a valid regular expression");
    refused(LINES("CORSAllowOrigin https://*.github.io"), "public suffix 'github.io'");
    refused(LINES("CORSMaxAge 86401"), "0 to 86400");
    refused(LINES("CORSPreflightStatus 201"), "200 or 204");
    /* accepted: patch is a method of its own (browsers do not upper-case it), and
     * headers that are only safelisted, or custom */
    conf(LINES("CORSAllowMethods PUT DELETE patch PATCH", "CORSAllowHeaders Authorization X-Sec",
               "CORSExposeHeaders ETag X-Set-Cookie"));
}
END_TEST

/* ---- conflicts with credentials -------------------------------------------------------- */

/* The problems of one section, as the start-up check finds them (whatever the order of
 * its lines), with the line each is reported on. */
static apr_array_header_t *section_problems(const char *const *lines);

static void conflict(const char *const *lines, int at_line, const char *part)
{
    apr_array_header_t *out = section_problems(lines);
    const cors_merge_problem *mp;

    ck_assert_msg(out->nelts > 0, "accepted; wanted '%s'", part);
    mp = &APR_ARRAY_IDX(out, 0, cors_merge_problem);
    ck_assert_msg(strstr(mp->message, part) != NULL, "'%s' lacks '%s'", mp->message, part);
    ck_assert_int_eq(mp->primary->line, at_line);
}

static void no_conflict(const char *const *lines)
{
    apr_array_header_t *out = section_problems(lines);

    ck_assert_msg(out->nelts == 0, "refused: %s",
                  out->nelts ? APR_ARRAY_IDX(out, 0, cors_merge_problem).message : "");
}

START_TEST(test_conflicts_in_a_section)
{
    /* reported on the later of the two lines, whichever it is */
    conflict(LINES("CORSAllowOrigin *", "CORSAllowCredentials On"), 2, "CORSAllowOrigin *");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOrigin *"), 2, "CORSAllowOrigin *");
    conflict(LINES("CORSAllowOrigin https://a.example.com", "CORSAllowCredentials On",
                   "CORSExposeHeaders *"),
             3, "CORSExposeHeaders *");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOriginRegex .*"), 2, "'https://evil.com'");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOriginRegex https://.*"), 2, "any origin");
    conflict(LINES("CORSAllowOriginRegex https://app.example.com", "CORSAllowCredentials On"), 2,
             "'https://appxexample.com'");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOriginRegex https://.*example\\.com"), 2,
             "'https://evilexample.com'");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOrigin https://*.amazonaws.com"), 2,
             "covers the public suffix");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOrigin http://app.example.com"), 2,
             "is an http:// origin");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOrigin http://*.example.com"), 2,
             "is an http:// origin");
    conflict(LINES("CORSAllowCredentials On", "CORSAllowOriginRegex https?://a\\.example\\.com"),
             2, "accepts the http:// origin 'http://a.example.com'");
    conflict(LINES("CORSAllowOrigin http://a.example.com", "CORSAllowInsecureOrigins On",
                   "CORSAllowCredentials On", "CORSAllowInsecureOrigins Off"),
             4, "CORSAllowInsecureOrigins On");
    /* a later line resolves an earlier conflict: the section as a whole is judged */
    no_conflict(LINES("CORSAllowOrigin http://intranet.example.com", "CORSAllowCredentials On",
                      "CORSAllowInsecureOrigins On"));
    no_conflict(LINES("CORSAllowOrigin *", "CORSAllowCredentials On", "CORSAllowCredentials Off"));
    /* accepted */
    no_conflict(LINES("CORSAllowCredentials On",
                      "CORSAllowOrigin http://localhost:* http://127.0.0.1:8080",
                      "CORSAllowOrigin http://[::1]:3000 https://*.example.com http://*.localhost",
                      "CORSAllowOriginRegex https://pr-[0-9]+\\.preview\\.example\\.com",
                      "CORSAllowMethods *", "CORSAllowHeaders *", "CORSExposeHeaders ETag"));
    no_conflict(LINES("CORSAllowCredentials On", "CORSAllowInsecureOrigins On",
                      "CORSAllowOrigin http://intranet.example.com",
                      "CORSAllowOriginRegex http://[a-z]+\\.corp\\.example\\.com"));
    /* without credentials, nothing of this is a conflict */
    no_conflict(LINES("CORSAllowOrigin * http://a.example.com https://*.amazonaws.com",
                      "CORSAllowOriginRegex .*", "CORSExposeHeaders *"));
}
END_TEST

START_TEST(test_problems)
{
    cors_config *c =
        conf(LINES("CORSAllowOrigin * http://a.example.com https://*.amazonaws.com",
                   "CORSAllowOriginRegex .* https://x\\.example\\.com", "CORSExposeHeaders *"));
    apr_array_header_t *found = apr_array_make(pool, 4, sizeof(cors_problem));
    const cors_problem *p;

    ck_assert_int_eq(cors_config_problems(pool, c, found), 0);
    c->credentials = 1;
    ck_assert_int_eq(cors_config_problems(pool, c, found), 5);
    p = &APR_ARRAY_IDX(found, 0, cors_problem);
    ck_assert_int_eq(p->kind, CORS_PROBLEM_ANY_ORIGIN);
    ck_assert_int_eq(p->at->line, 1);
    ck_assert_int_eq(p->arg, 0);
    p = &APR_ARRAY_IDX(found, 1, cors_problem);
    ck_assert_int_eq(p->kind, CORS_PROBLEM_INSECURE);
    ck_assert_int_eq(p->arg, 1);
    p = &APR_ARRAY_IDX(found, 2, cors_problem);
    ck_assert_int_eq(p->kind, CORS_PROBLEM_SUFFIX_BELOW);
    ck_assert(strstr(p->message, "amazonaws.com'") != NULL);
    p = &APR_ARRAY_IDX(found, 3, cors_problem);
    ck_assert_int_eq(p->kind, CORS_PROBLEM_REGEX);
    ck_assert_int_eq(p->at->line, 2);
    p = &APR_ARRAY_IDX(found, 4, cors_problem);
    ck_assert_int_eq(p->kind, CORS_PROBLEM_ANY_EXPOSE);
    ck_assert_int_eq(p->at->line, 3);
    /* the request-time question stops at the first, and keeps no verdict */
    ck_assert_int_eq(cors_config_problems(pool, c, NULL), 1);
}
END_TEST

/* A list of 10,000 origins with credentials: the request-time check does not walk it. */
START_TEST(test_problems_fast_path)
{
    cors_config *c = conf(LINES("CORSAllowCredentials On"));
    char *one[1];
    int i;

    for (i = 0; i < 10000; i++) {
        one[0] = apr_psprintf(pool, "https://app%d.example.com", i);
        ck_assert_ptr_null(cors_config_set(pool, c, &cors_directives[CORS_D_ORIGIN], 1, one, NULL,
                                           0, &env, NULL));
    }
    ck_assert_int_eq(cors_config_problems(pool, c, NULL), 0);
    one[0] = "http://late.example.com";
    ck_assert_ptr_null(
        cors_config_set(pool, c, &cors_directives[CORS_D_ORIGIN], 1, one, NULL, 0, &env, NULL));
    ck_assert_int_eq(cors_config_problems(pool, c, NULL), 1);
}
END_TEST

/* ---- sections ------------------------------------------------------------------------- */

static cors_section *sec(cors_section_kind kind, const char *path, const char *const *lines)
{
    cors_section *s = apr_pcalloc(pool, sizeof(*s));

    s->kind = kind;
    s->path = path;
    s->pattern = (path[0] == '^' || path[0] == '~') ? CORS_PATH_REGEX
                 : strchr(path, '*')                ? CORS_PATH_WILDCARD
                                                    : CORS_PATH_PLAIN;
    s->conf = lines ? conf(lines) : NULL;
    return s;
}

static cors_server_sections *server(const char *const *defaults)
{
    cors_server_sections *srv = apr_pcalloc(pool, sizeof(*srv));

    srv->name = "the main server";
    srv->defaults = defaults ? conf(defaults) : cors_config_make(pool);
    srv->files = apr_array_make(pool, 2, sizeof(cors_section *));
    srv->dirs = apr_array_make(pool, 2, sizeof(cors_section *));
    srv->locations = apr_array_make(pool, 2, sizeof(cors_section *));
    return srv;
}

#define ADD(arr, s) (APR_ARRAY_PUSH((arr), cors_section *) = (s))

static apr_array_header_t *check(const cors_server_sections *srv);

static apr_array_header_t *section_problems(const char *const *lines)
{
    cors_server_sections *srv = server(NULL);

    line = 0; /* the section's lines count from 1 */
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/api", lines));
    return check(srv);
}

static apr_array_header_t *check(const cors_server_sections *srv)
{
    apr_array_header_t *out = apr_array_make(pool, 2, sizeof(cors_merge_problem));

    cors_sections_check(pool, srv, 0, out);
    return out;
}

#define CREDS LINES("CORSAllowCredentials On")
#define STAR  LINES("CORSAllowOrigin *")
#define APP   LINES("CORSAllowOrigin https://app.example.com")

START_TEST(test_sections_locations)
{
    cors_server_sections *srv = server(NULL);
    apr_array_header_t *out;
    const cors_merge_problem *mp;

    /* /x with credentials, then /x/y with "*": a request to /x/y merges both */
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/x", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/x/y", STAR));
    out = check(srv);
    ck_assert_int_eq(out->nelts, 1);
    mp = &APR_ARRAY_IDX(out, 0, cors_merge_problem);
    ck_assert_int_eq(mp->primary->line, 2); /* the "*" merges last */
    ck_assert_int_eq(mp->related->line, 1);
    ck_assert_str_eq(mp->scope, "<Location /x/y>, merged with <Location /x>");
    ck_assert(strstr(mp->message, "with line 1 of t.conf") != NULL);

    /* merged in configuration order: /a/b with credentials before /a with "*" */
    srv = server(NULL);
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/a/b", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/a", STAR));
    out = check(srv);
    ck_assert_int_eq(out->nelts, 1);
    mp = &APR_ARRAY_IDX(out, 0, cors_merge_problem);
    ck_assert_int_eq(mp->primary->line, 4);

    /* /x does not contain /xy; a regex section meets the defaults only */
    srv = server(NULL);
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/x", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/xy", STAR));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "^/x", STAR));
    ck_assert_int_eq(check(srv)->nelts, 0);
    /* every request merges <Location />, regex and wildcard ones included */
    srv = server(NULL);
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "^/api", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
    /* a chain longer than any real one is not checked (nor checked wrong) */
    srv = server(CREDS);
    {
        int k;
        for (k = 0; k < 70; k++) {
            ADD(srv->locations, sec(CORS_SEC_LOCATION, "/d", APP));
        }
        ADD(srv->locations, sec(CORS_SEC_LOCATION, "/d/e", LINES("CORSMaxAge 5")));
        ck_assert_int_eq(check(srv)->nelts, 0);
    }
    /* ... but a trailing slash does: <Location /x/> is merged into /x/y */
    srv = server(NULL);
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/x/", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/x/y", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
}
END_TEST

START_TEST(test_sections_defaults_dirs_files)
{
    cors_server_sections *srv = server(CREDS);
    cors_section *d;

    /* credentials in the server, "*" in a <Location> or a <Directory> */
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/pub", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
    srv = server(CREDS);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);

    /* nested directories, whatever their order in the file */
    srv = server(NULL);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/api/", STAR));
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS));
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/other/", APP));
    ck_assert_int_eq(check(srv)->nelts, 1);
    srv = server(NULL);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS));
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/wwwx/", STAR));
    ck_assert_int_eq(check(srv)->nelts, 0);

    /* <Location /> over any <Directory> */
    srv = server(NULL);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
    /* but not another <Location> over a <Directory>: which URLs map there is not known */
    srv = server(NULL);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/api", STAR));
    ck_assert_int_eq(check(srv)->nelts, 0);

    /* a <Files> in a <Directory>, and a top-level <Files> under a <Directory> */
    srv = server(NULL);
    d = sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS);
    d->files = apr_array_make(pool, 1, sizeof(cors_section *));
    ADD(d->files, sec(CORS_SEC_FILES, "data.json", STAR));
    ADD(srv->dirs, d);
    ck_assert_int_eq(check(srv)->nelts, 1);
    srv = server(NULL);
    ADD(srv->dirs, sec(CORS_SEC_DIRECTORY, "/srv/www/", CREDS));
    ADD(srv->files, sec(CORS_SEC_FILES, "data.json", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
    /* two <Files> of one name merge; of different names they never meet */
    srv = server(NULL);
    ADD(srv->files, sec(CORS_SEC_FILES, "a.json", CREDS));
    ADD(srv->files, sec(CORS_SEC_FILES, "a.json", STAR));
    ck_assert_int_eq(check(srv)->nelts, 1);
    srv = server(NULL);
    ADD(srv->files, sec(CORS_SEC_FILES, "a.json", CREDS));
    ADD(srv->files, sec(CORS_SEC_FILES, "b.json", STAR));
    ck_assert_int_eq(check(srv)->nelts, 0);

    /* an inactive merge is no conflict: CORSEnable Off there */
    srv = server(CREDS);
    ADD(srv->locations,
        sec(CORS_SEC_LOCATION, "/off", LINES("CORSAllowOrigin *", "CORSEnable Off")));
    ck_assert_int_eq(check(srv)->nelts, 0);
    /* the defaults alone, and each problem once however many chains show it */
    srv = server(LINES("CORSAllowOriginRegex .*"));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/a", CREDS));
    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/a/b", LINES("CORSMaxAge 5")));
    ck_assert_int_eq(check(srv)->nelts, 1);
}
END_TEST

START_TEST(test_sections_stop_at_first)
{
    cors_server_sections *srv = server(CREDS);
    apr_array_header_t *out = apr_array_make(pool, 2, sizeof(cors_merge_problem));

    ADD(srv->locations, sec(CORS_SEC_LOCATION, "/a", STAR));
    ADD(srv->locations,
        sec(CORS_SEC_LOCATION, "/b",
            LINES("CORSAllowOrigin https://b.example.com", "CORSExposeHeaders *")));
    ck_assert_int_eq(check(srv)->nelts, 2);
    cors_sections_check(pool, srv, 1, out);
    ck_assert_int_eq(out->nelts, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cors_config");
    TCase *tc = tcase_create("config");

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_merge_carries_every_directive);
    tcase_add_test(tc, test_active);
    tcase_add_test(tc, test_invoke);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_conflicts_in_a_section);
    tcase_add_test(tc, test_problems);
    tcase_add_test(tc, test_problems_fast_path);
    tcase_add_test(tc, test_sections_locations);
    tcase_add_test(tc, test_sections_defaults_dirs_files);
    tcase_add_test(tc, test_sections_stop_at_first);
    suite_add_tcase(s, tc);
    return check_run(s);
}
