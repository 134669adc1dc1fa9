/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors-lint: shared types. Data flows one way: config text -> reader (lint_reader.c)
 * -> node tree -> scopes (lint_scope.c, walked by lint_rules.c) -> a view of each scope
 * -> rules (lint_judge.c) -> findings -> reporter (lint_report.c).
 */
#ifndef LINT_H
#define LINT_H

#include <stdio.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_hash.h>

#include "cors_config.h"

#define LINT_VERSION "1.0.0"

typedef enum { LINT_INFO = 0, LINT_WARNING = 1, LINT_ERROR = 2 } lint_severity;

/* The rules, one line each: ID, severity, SARIF security-severity ("0.0".."10.0"), the
 * function of lint_judge.c that judges each scope's view for it (NULL: found elsewhere,
 * by the reader (CL000), .htaccess reading (CL015) or mod_cors reading (CL016)), title.
 * This one table makes the enum, the registry lint_rules[] (--list-rules, SARIF), the
 * pages compiled in (lint/rules/ID.md: the build fails without one) and the calls of
 * the scope rules; tests/lint/rules_test.py wants fixtures for each line. */
#define LINT_RULES(X)                                                                             \
    X(CL000, LINT_ERROR, "5.0", NULL, "The configuration could not be read")                      \
    X(CL001, LINT_ERROR, "7.5", judge_wildcard_credentials,                                       \
      "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true")               \
    X(CL002, LINT_WARNING, "5.3", judge_vary,                                                     \
      "Origin-dependent Access-Control-Allow-Origin without Vary: Origin")                        \
    X(CL003, LINT_WARNING, "3.1", judge_methods,                                                  \
      "Incomplete or invalid Access-Control-Allow-Methods")                                       \
    X(CL004, LINT_ERROR, "9.1", judge_reflection, "Unconditional origin reflection")              \
    X(CL005, LINT_ERROR, "8.1", judge_bypass, "Bypassable origin test")                           \
    X(CL006, LINT_WARNING, "6.5", judge_null_origin, "The null origin is allowed")                \
    X(CL007, LINT_WARNING, "5.9", judge_http_origin, "An http:// origin is trusted")              \
    X(CL008, LINT_WARNING, "3.1", judge_always,                                                   \
      "CORS header set without 'always': missing on error responses")                             \
    X(CL009, LINT_ERROR, "5.3", judge_duplicates, "Duplicate CORS grant headers")                 \
    X(CL010, LINT_WARNING, "3.1", judge_auth, "Preflights will fail authentication")              \
    X(CL011, LINT_WARNING, "3.1", judge_star_credentials,                                         \
      "'*' with credentials is a literal name, not a wildcard")                                   \
    X(CL012, LINT_ERROR, "5.3", judge_malformed, "Malformed CORS header value")                   \
    X(CL013, LINT_INFO, "0.0", judge_max_age,                                                     \
      "Access-Control-Max-Age above what browsers honour")                                        \
    X(CL014, LINT_WARNING, "3.1", judge_redirects, "A redirect applies to preflight requests")    \
    X(CL015, LINT_WARNING, "3.1", NULL, ".htaccess CORS lines that never run (AllowOverride)")    \
    X(CL016, LINT_ERROR, "5.0", NULL, "mod_cors directive that httpd would refuse")               \
    X(CL017, LINT_WARNING, "3.1", judge_preflight_only,                                           \
      "Access-Control-Allow-Origin sent only on preflight responses")

#define LINT_RULE_ENUM(id, severity, security, judge, title) id,
enum { LINT_RULES(LINT_RULE_ENUM) LINT_NRULES };

typedef struct {
    const char *id; /* "CL001" */
    lint_severity severity;
    const char *title;    /* one line */
    const char *security; /* SARIF security-severity, "0.0".."10.0" */
} lint_rule_info;

extern const lint_rule_info lint_rules[LINT_NRULES];

/* The documentation page of a rule (lint/rules/CLnnn.md, embedded at build time). */
const char *lint_rule_doc(int rule);

typedef unsigned int lint_mask; /* one bit per rule (32 fit) */

typedef struct {
    const char *file;
    int line;
    int col;
} lint_loc;

/* What a node is, classified once when it is read, so that scopes and rules switch on
 * it instead of comparing names again for every scope that inherits the line. */
typedef enum {
    LK_OTHER = 0,
    LK_HEADER,
    LK_SETENVIF,
    LK_SETENVIFNOCASE,
    LK_REWRITECOND,
    LK_REWRITERULE,
    LK_REDIRECT,
    LK_REQUIRE,
    LK_ALLOWMETHODS,
    LK_SCRIPT,
    LK_DAV,
    LK_ALLOWOVERRIDE,
    LK_CORS,
    LK_DEFINE,
    LK_UNDEFINE,
    LK_LOADMODULE,
    LK_DOCUMENTROOT,
    LK_ALIAS,        /* Alias, ScriptAlias: a path a .htaccess can be under */
    LK_SETENV,       /* SetEnv: sets one variable, no test */
    LK_PASSENV,      /* PassEnv: sets variables from httpd's environment */
    LK_SETENVIFEXPR, /* SetEnvIfExpr: an ap_expr test */
    LK_BROWSERMATCH, /* BrowserMatch[NoCase]: a User-Agent test */
    LK_INCLUDE,
    LK_INCLUDEOPTIONAL,
    /* sections */
    LK_LIMIT,
    LK_LIMITEXCEPT,
    LK_IFDEFINE,
    LK_IFMODULE,
    LK_CONTAINER,
    LK_VIRTUALHOST,
    LK_DIRECTORY,
    LK_SCOPE
} lint_kind;

lint_kind lint_kind_of(const char *name, int is_section);

typedef struct lint_node lint_node;
struct lint_node {
    lint_kind kind;
    unsigned char is_section;
    unsigned char inactive;  /* <IfDefine>/<IfModule> known to be false */
    unsigned char uncertain; /* under a condition decided outside the tree (-D, a module
                              * loaded elsewhere, the version): read, but maybe not by
                              * httpd */
    unsigned char no_cors;   /* a section known to hold no CORS* directive, at any
                              * depth (set by the reader when the section ends) */
    unsigned char refused;   /* a line httpd refuses at start-up (CL000): not judged */
    int argc;
    unsigned seq;         /* the order httpd reads lines in, from 1 (includes inline) */
    lint_mask disabled;   /* inline "# cors-lint: disable=" for this directive */
    const char *name;     /* as written, without '<' for sections */
    const char **argv;    /* after ${VAR} expansion and unquoting */
    int *argcol;          /* column of each argument */
    const char *args_raw; /* the argument text as written (for <If> expressions) */
    lint_loc loc;
    lint_node *parent;
    lint_node *first_child, *last_child, *next;
    const char *htaccess_dir; /* set on the root of a .htaccess file */
};

typedef struct {
    int rule;
    lint_severity severity;
    lint_loc loc;
    const char *message;
    lint_loc related; /* related.file == NULL: none */
    const char *related_message;
} lint_finding;

typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *findings; /* lint_finding */
    apr_hash_t *file_disabled;    /* file -> lint_mask* (disable-file=) */
    apr_hash_t *seen;             /* dedup key -> 1 */
    apr_array_header_t *files;    /* const char *: every file read */
    lint_mask enabled;
    apr_hash_t *defines; /* --define and Define: name -> value */
    const char *server_root;
    void *regex_cache;       /* lint_regex.c */
    void *cors;              /* lint_cors.c */
    char *arena, *arena_end; /* the reader's bump allocator (lint_reader.c) */
    unsigned lines_read;     /* lint_node.seq */
    int partial;             /* a file or plain directory was read: not a whole server's
                              * configuration, so what it does not set may be set elsewhere */
    apr_hash_t *env_set;     /* environment variables some directive sets (lint_rules.c) */
} lint_ctx;

/* ---- findings (lint_report.c) ---- */
void lint_add(lint_ctx *ctx, int rule, const lint_node *node, int col, const lint_node *related,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void lint_add_at(lint_ctx *ctx, int rule, lint_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A finding of a rule at another severity than the rule's own. */
void lint_add_sev(lint_ctx *ctx, int rule, lint_severity sev, const lint_node *node, int col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void lint_sort(lint_ctx *ctx);

typedef enum {
    LINT_FMT_TEXT,
    LINT_FMT_JSON,
    LINT_FMT_SARIF,
    LINT_FMT_JUNIT,
    LINT_FMT_CHECKSTYLE
} lint_format;

/* Writes the report; returns 0, or -1 with a message in *err. */
int lint_write_report(lint_ctx *ctx, lint_format fmt, FILE *out, lint_severity min, int color,
                      const char **err);

/* A JSON string: escaped, UTF-8 kept, a byte that starts no UTF-8 sequence as U+FFFD. */
void lint_json_string(FILE *out, const char *s);

/* ---- reader (lint_reader.c) ---- */

/* Reads the arguments (files or directories) as the spec says into a forest of roots:
 * one per server root, plain file, or .htaccess. Returns 0, or -1 when an argument
 * cannot be read at all (*err says why: exit status 2). */
int lint_read_inputs(lint_ctx *ctx, int argc, const char *const *argv, apr_array_header_t *roots,
                     const char **err);
/* Why httpd refuses a Header line at start-up (mod_headers' header_cmd, in
 * lint_scope.c), or NULL; *col: the column of the argument at fault (0: the line). */
const char *lint_header_refusal(apr_pool_t *p, const lint_node *n, int *col);

/* ---- scopes and rules (lint_scope.[ch], lint_rules.c) ---- */

/* An empty context: no finding, no file, every rule enabled, allocating from pool. */
void lint_ctx_init(lint_ctx *ctx, apr_pool_t *pool);
void lint_check(lint_ctx *ctx, apr_array_header_t *roots);

/* Can a .htaccess in dir run in the server tree (AllowOverride not None in the main
 * server's or a virtual host's <Directory> sections that contain it)? For the reader,
 * which looks for .htaccess files only where httpd would read them. */
int lint_htaccess_may_run(lint_ctx *ctx, const lint_node *server, const char *dir);

/* ---- regexes and the public suffix list (lint_regex.c) ---- */

/* PCRE2 as the core's regex engine. */
const cors_regex_engine *lint_regex_engine(lint_ctx *ctx);
/* The public suffix list, loaded once. */
cors_psl *lint_psl(lint_ctx *ctx);
/* The core judge's verdict on an Origin test (once per pattern and case flag), or NULL
 * when the pattern does not compile. */
const cors_regex_verdict *lint_regex_judge(lint_ctx *ctx, const char *pattern, int nocase);

/* ---- the mod_cors configuration model (lint_cors.c) ---- */

/* Reads every CORS* directive of the server trees and files into the core's per-section
 * configuration, as httpd's handlers would (CL016 for what httpd refuses, line by line),
 * then runs the core's start-up checks on the sections of each server (CL016 on the line
 * httpd names). .htaccess files are read by lint_cors_read, where httpd would read them. */
void lint_cors_prepare(lint_ctx *ctx, apr_array_header_t *roots);
void lint_cors_read(lint_ctx *ctx, const lint_node *root, int unknown_ok);
/* The configuration of a section's own CORS* directives (through <IfModule>, <Limit>...
 * containers, not nested sections), or NULL when it has none. */
const cors_config *lint_cors_own(lint_ctx *ctx, const lint_node *section);
/* Was this problem reported as CL016 already (by a directive, or at start-up)? */
int lint_cors_reported(lint_ctx *ctx, const cors_problem *p);
/* A <Directory> path as httpd's core.c makes it: absolute (from "/"), canonical, ending
 * in '/' (the core's cors_dir_contains and cors_dir_components take such paths). */
const char *lint_directory_path(apr_pool_t *p, const char *path);
/* The node and column of a place the core recorded. */
const lint_node *lint_cors_node(const cors_where *w);
int lint_cors_col(const cors_where *w, int arg);

/* ---- small helpers shared by the parts ---- */
int lint_streq(const char *a, const char *b);                /* case-insensitive */
int lint_rule_parse(const char *id);                         /* "CL005" -> 5, or -1 */
int lint_parse_rule_list(const char *list, lint_mask *mask); /* 0 or -1 */

#endif
