/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors_config: what a mod_cors configuration means, once, for both products. The
 * directive table (names, how httpd passes their arguments, help), the per-section
 * configuration that the directives build, its merge, "is CORS active here", and the
 * checks that refuse a configuration: each argument, the conflicts within a section
 * (refused by the directive that completes them), and the conflicts that only appear
 * once httpd merges sections (cors_sections_check, run at start-up).
 *
 * mod_cors generates its command table from CORS_DIRECTIVES and its directive handlers
 * call cors_config_set; cors-lint calls cors_directive_invoke, which does what httpd's
 * invoke_cmd does with a directive line, then cors_config_set. Both run
 * cors_sections_check on the sections of each server. So a configuration that httpd
 * refuses is exactly one that cors-lint reports as CL016 (tests/parity checks it on
 * thousands of generated configurations).
 */
#ifndef CORS_CONFIG_H
#define CORS_CONFIG_H

#include "cors_policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(id, name, how, field, help): every directive, in the order of the manual. how is
 * httpd's way of passing arguments: ITERATE (the handler once per argument), TAKE_ARGV,
 * TAKE1, FLAG (On/Off; the handler checks the section), FLAG_SLOT (On/Off stored into
 * field by httpd's ap_set_flag_slot: nothing else depends on it). field is the member of
 * cors_config that holds the value. */
#define CORS_DIRECTIVES(X)                                                                        \
    X(ORIGIN, "CORSAllowOrigin", ITERATE, origins,                                                \
      "Allowed origins: scheme://host[:port], scheme://*.domain, scheme://host:*, * or "          \
      "null")                                                                                     \
    X(ORIGIN_REGEX, "CORSAllowOriginRegex", ITERATE, regexes,                                     \
      "Allowed origins as regular expressions matched against the whole origin")                  \
    X(ENABLE, "CORSEnable", FLAG_SLOT, enable, "Off: mod_cors does nothing in this scope")        \
    X(METHODS, "CORSAllowMethods", TAKE_ARGV, methods, "Methods a preflight may ask for, or *")   \
    X(HEADERS, "CORSAllowHeaders", TAKE_ARGV, headers,                                            \
      "Request headers a preflight may ask for, or *")                                            \
    X(EXPOSE, "CORSExposeHeaders", TAKE_ARGV, expose, "Response headers scripts may read, or *")  \
    X(CREDENTIALS, "CORSAllowCredentials", FLAG, credentials,                                     \
      "On: send Access-Control-Allow-Credentials: true")                                          \
    X(MAX_AGE, "CORSMaxAge", TAKE1, max_age,                                                      \
      "Seconds browsers may cache a preflight answer (0-86400)")                                  \
    X(PRIVATE_NETWORK, "CORSAllowPrivateNetwork", FLAG_SLOT, private_network,                     \
      "On: grant Access-Control-Request-Private-Network")                                         \
    X(PREFLIGHT, "CORSPreflight", FLAG_SLOT, preflight,                                           \
      "On: answer preflights here, before authentication")                                        \
    X(PREFLIGHT_STATUS, "CORSPreflightStatus", TAKE1, preflight_status,                           \
      "Status of a granted preflight answer: 200 or 204")                                         \
    X(OVERRIDE_UPSTREAM, "CORSOverrideUpstream", FLAG_SLOT, override_upstream,                    \
      "On: replace Access-Control-* headers set by handlers and backends")                        \
    X(REPORT_ONLY, "CORSReportOnly", FLAG_SLOT, report_only,                                      \
      "On: decide and log only, change no response")                                              \
    X(INSECURE_ORIGINS, "CORSAllowInsecureOrigins", FLAG, insecure_origins,                       \
      "On: accept http:// origins together with credentials (legacy intranets)")                  \
    X(ENFORCE, "CORSEnforce", FLAG_SLOT, enforce,                                                 \
      "On: refuse (403) unsafe cross-origin requests from origins not on the allow-list")

/* (clang-format cannot see through the X-macro) */
/* clang-format off */
typedef enum {
#define CORS_X_ID(id, name, how, field, help) CORS_D_##id,
    CORS_DIRECTIVES(CORS_X_ID)
#undef CORS_X_ID
    CORS_D_COUNT
} cors_directive_id;
/* clang-format on */

typedef enum {
    CORS_ARGS_ITERATE,
    CORS_ARGS_TAKE_ARGV,
    CORS_ARGS_TAKE1,
    CORS_ARGS_FLAG,
    CORS_ARGS_FLAG_SLOT
} cors_args_how;

typedef struct {
    cors_directive_id id;
    const char *name;
    cors_args_how how;
    apr_size_t offset; /* of its field in cors_config */
    const char *help;
} cors_directive;

extern const cors_directive cors_directives[CORS_D_COUNT];

/* The directive of that name (case-insensitive, as httpd looks names up), or NULL. */
const cors_directive *cors_directive_find(const char *name);

/* The known name nearest to an unknown one, when it is near enough to be a typo. */
const char *cors_directive_suggest(const char *name);

/* ---- The configuration of one section ------------------------------------------------ */

#define CORS_UNSET (-1)

/* httpd's AP_MAX_ARGC: a TAKE_ARGV directive gets at most this many words. */
#define CORS_MAX_ARGS 64

/* Every member is unset (NULL, 0 or CORS_UNSET) until a directive of the section sets
 * it, so that a merge takes exactly what the child sets. */
typedef struct cors_config {
    cors_origin_list *origins; /* CORSAllowOrigin: the lines of a section add up */
    cors_origin_list *regexes; /* CORSAllowOriginRegex: likewise */
    cors_token_list *methods;
    cors_token_list *headers;
    cors_token_list *expose;
    const char *max_age;
    int preflight_status; /* 0: unset */
    int enable;           /* CORS_UNSET, 0 or 1 */
    int credentials;
    int private_network;
    int preflight;
    int override_upstream;
    int report_only;
    int insecure_origins;
    int enforce;
    const cors_where *where[CORS_D_COUNT]; /* the last line that set each; NULL for the
                                            * FLAG_SLOT ones, which httpd stores itself */
} cors_config;

/* What the checks need besides the configuration. */
typedef struct {
    const cors_psl *psl;
    const cors_regex_engine *engine;
} cors_env;

cors_config *cors_config_make(apr_pool_t *pool);

/* httpd's merge: what add sets replaces what base has, directive by directive. The
 * result may be base itself (when add sets nothing): merged configurations are read,
 * never written. */
cors_config *cors_config_merge(apr_pool_t *pool, const cors_config *base, const cors_config *add);

/* Does c set anything at all? */
int cors_config_is_set(const cors_config *c);

/* Is mod_cors active with this (merged) configuration: an allow-list, and not
 * CORSEnable Off? cors_config_policy fills *p with the policy to decide requests by
 * (pointers only). Inline: every request asks. */
static inline int cors_config_active(const cors_config *c)
{
    return c && c->enable != 0 && (c->origins != NULL || c->regexes != NULL);
}

static inline int cors_config_policy(const cors_config *c, cors_policy *p)
{
    if (!cors_config_active(c)) {
        return 0;
    }
    p->origins = c->origins;
    p->origin_regexes = c->regexes;
    p->allow_methods = c->methods;
    p->allow_headers = c->headers;
    p->expose_headers = c->expose;
    p->allow_credentials = c->credentials == 1;
    p->allow_private_network = c->private_network == 1;
    p->max_age = c->max_age;
    p->allow_insecure_origins = c->insecure_origins == 1;
    return 1;
}

/* Apply one directive (for ITERATE, one argument: argc 1, arg its index on the line; for
 * FLAG and FLAG_SLOT, argv[0] "On" or "Off") to a section's configuration, as httpd
 * calls the directive's handler. Returns NULL, or the message httpd prints: what is
 * wrong with the arguments. Conflicts between directives (credentials with "*"...) are
 * the section checks' (cors_sections_check), since a later line may resolve them.
 * *bad_arg (when not NULL) gets the index of the argument at fault, or -1. where is
 * kept (not copied) for later messages. */
const char *cors_config_set(apr_pool_t *pool, cors_config *c, const cors_directive *d, int argc,
                            char *const *argv, const cors_where *where, int arg,
                            const cors_env *env, int *bad_arg);

/* What httpd's invoke_cmd does with a directive line split into words (as
 * ap_getword_conf splits it): the argument count checks and their messages, ITERATE's
 * stop at the first empty word, TAKE_ARGV's limit of 64 words, FLAG's case-insensitive
 * On/Off; then cors_config_set. For cors-lint, which reads the line itself. */
const char *cors_directive_invoke(apr_pool_t *pool, cors_config *c, const cors_directive *d,
                                  int nwords, char *const *words, const cors_where *where,
                                  const cors_env *env, int *bad_arg);

/* ---- Conflicts ------------------------------------------------------------------------ */

typedef enum {
    CORS_PROBLEM_ANY_ORIGIN,   /* CORSAllowOrigin * */
    CORS_PROBLEM_INSECURE,     /* an http:// origin, wildcard or regex match */
    CORS_PROBLEM_SUFFIX_BELOW, /* a wildcard with public suffixes below its domain */
    CORS_PROBLEM_REGEX,        /* a regex an attacker's origin gets through */
    CORS_PROBLEM_ANY_EXPOSE    /* CORSExposeHeaders * */
} cors_problem_kind;

/* Something that cannot go together with CORSAllowCredentials On. */
typedef struct {
    cors_problem_kind kind;
    const char *message;           /* what is wrong and how to fix it */
    const cors_where *at;          /* the entry or directive that conflicts */
    int arg;                       /* its argument's index on that line */
    const cors_where *credentials; /* CORSAllowCredentials On */
    const cors_where *insecure;    /* CORSAllowInsecureOrigins Off, when written */
} cors_problem;

/* The problems of one configuration (a section's own, or merged), in a fixed order,
 * appended to out (cors_problem); with out NULL (a request's merge), stops at the first
 * and builds no message: a few comparisons, whatever the size of the allow-list (the
 * lists know whether they hold a problem; regexes were judged when read). Returns how
 * many were found. */
int cors_config_problems(apr_pool_t *pool, const cors_config *c, apr_array_header_t *out);

/* ---- Sections --------------------------------------------------------------------------- */

typedef enum {
    CORS_SEC_DIRECTORY, /* <Directory>, <DirectoryMatch> */
    CORS_SEC_FILES,     /* <Files>, <FilesMatch> */
    CORS_SEC_LOCATION,  /* <Location>, <LocationMatch> */
    CORS_SEC_IF         /* <If>, <ElseIf>, <Else> */
} cors_section_kind;

enum { CORS_PATH_PLAIN = 0, CORS_PATH_WILDCARD = 1, CORS_PATH_REGEX = 2 };

/* httpd's rules for <Directory> paths as core.c makes them (absolute, canonical, ending
 * in '/', so that "/var/www/" contains "/var/www/html/" and not "/var/wwwx/"): does outer
 * contain inner, and the number of components httpd orders the sections by
 * (ap_core_reorder_directories; "/" has none). */
int cors_dir_contains(const char *outer, const char *inner);
int cors_dir_components(const char *path);

typedef struct cors_section cors_section;
struct cors_section {
    cors_section_kind kind;
    const char *path;          /* as httpd keeps it: a <Directory> path is canonical and
                                * ends in '/'; a <Files> name; a <Location> as written */
    int pattern;               /* CORS_PATH_PLAIN, CORS_PATH_WILDCARD or CORS_PATH_REGEX */
    const cors_config *conf;   /* the section's own directives; NULL: none */
    apr_array_header_t *files; /* cors_section *: <Files> inside a <Directory>, or NULL */
    apr_array_header_t *ifs;   /* cors_section *: <If> sections inside it, or NULL */
};

/* The sections of one server as httpd has them after reading the configuration: a
 * virtual host's defaults merged onto the main server's, and the main server's
 * <Directory>, <Files>, <Location> and <If> sections before its own. .htaccess files
 * are not here: they are read per request. */
typedef struct {
    const char *name; /* "the main server", "the virtual host on line N of FILE" */
    const cors_config *defaults;
    const cors_config *main_defaults; /* a virtual host's: the main server's, whose lines
                                       * merge before the host's own; or NULL */
    apr_array_header_t *files;        /* cors_section *: top-level <Files> */
    apr_array_header_t *dirs;         /* cors_section *: in configuration order */
    apr_array_header_t *locations;    /* cors_section *: in configuration order */
    apr_array_header_t *ifs;          /* cors_section *: top-level <If> */
} cors_server_sections;

/* A problem of a merged configuration, reported on the directive that completes it (the
 * one httpd merges last) with the other one as related. */
typedef struct {
    cors_problem problem;
    const cors_where *primary;
    const cors_where *related;
    const char *scope;   /* "<Location /x/y>, merged with <Location /x>" */
    const char *message; /* the whole message, both places named */
} cors_merge_problem;

/* Check every configuration a request to this server can be given by httpd's merge of
 * sections wherever the sections alone decide it (see cors_sections.c). Appends each
 * problem once (cors_merge_problem) to out; with stop_at_first, only the first. */
void cors_sections_check(apr_pool_t *pool, const cors_server_sections *srv, int stop_at_first,
                         apr_array_header_t *out);

#ifdef __cplusplus
}
#endif
#endif
