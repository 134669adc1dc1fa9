/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The scope model: what one scope's effective configuration holds after httpd's merge
 * (mod_headers actions accumulated down the chain of sections, each mod_cors directive
 * replaced by the deepest scope that sets it, Origin gates, authentication, served
 * methods, redirects), built by lint_scope.c and judged by lint_rules.c.
 */
#ifndef LINT_SCOPE_H
#define LINT_SCOPE_H

#include "lint.h"

enum { HK_OTHER, HK_ACAO, HK_ACAC, HK_ACAM, HK_ACAH, HK_ACEH, HK_ACMA, HK_VARY, HK_AC };

typedef struct {
    const lint_node *node;
    int hkind; /* HK_*: which header, classified once */
    int always;
    const char *action; /* lower-case */
    const char *name;
    const char *value;
    int value_col;
    const char *cond_env; /* env=VAR */
    int cond_neg;
    const char *cond_expr; /* expr=... */
    int grant;             /* sets a value (lint_header_is_grant) */
    int unset;
} hdr_action;

/* An environment variable set from a test on the Origin (SetEnvIf Origin, or a
 * RewriteRule E= flag after RewriteCond %{HTTP:Origin}). */
typedef struct {
    const lint_node *node; /* the directive holding the regex */
    const char *regex;     /* NULL: set with no test at all */
    int regex_col;
    int nocase;
    int reflects; /* the value copies the origin ($0, %{HTTP:Origin}) */
} env_gate;

typedef struct {
    apr_pool_t *pool;            /* scratch: cleared when the scope's subtree is done */
    const lint_node *node;       /* the scope's section, or a .htaccess root */
    apr_array_header_t *headers; /* hdr_action */
    apr_hash_t *gates;           /* var -> env_gate */
    const lint_node *if_origin;  /* an <If> on the Origin around this scope */
    const char *if_regex;
    int if_regex_nocase;
    const cors_config *cors;      /* mod_cors's, merged by the core (never NULL) */
    apr_array_header_t *requires; /* lint_node*: Require needing a user, not exempt */
    int options_exempt;
    apr_hash_t *methods;           /* served method -> lint_node */
    apr_array_header_t *redirects; /* lint_node* */
    const lint_node *htaccess;     /* the .htaccess root when this scope is one */
    const char *allow_override;    /* NULL: unknown */
    /* set when folding a section changes what the rules read (judge_scope in
     * lint_rules.c): a header other than HK_OTHER, a gate, an <If> on the Origin, a
     * mod_cors directive, authentication, a served method, a redirect */
    int changed;
    /* SCOPE_OWN_*: the tables this state may change; the others are its parent's,
     * shared until the first change copies them */
    unsigned owned;
} scope_state;

enum {
    SCOPE_OWN_HEADERS = 1,
    SCOPE_OWN_GATES = 2,
    SCOPE_OWN_REQUIRES = 4,
    SCOPE_OWN_METHODS = 8,
    SCOPE_OWN_REDIRECTS = 16,
    SCOPE_OWN_ALL = 31
};

int lint_is_scope_section(const lint_node *n);
int lint_starts_with_ci(const char *s, const char *prefix);
int lint_contains_ci(const char *s, const char *needle);
int lint_header_is_grant(const hdr_action *h);
/* Does a Header value copy the request's Origin? Returns the env var it copies when it
 * goes through one, "" for a direct copy, NULL when it does not. */
const char *lint_value_reflects(const scope_state *st, const char *v);
/* Folds the directives of one scope section into st: its children, looking through
 * the conditional and method containers, but not into nested scopes. */
void lint_scope_fold(lint_ctx *ctx, scope_state *st, const lint_node *sec, const lint_node *limit);
void lint_scope_note_if_origin(apr_pool_t *p, scope_state *st, const lint_node *sec);
scope_state *lint_scope_make(apr_pool_t *p);
/* A child scope's starting state: a copy of its parent's effective configuration. */
scope_state *lint_scope_inherit(apr_pool_t *p, const scope_state *parent);
const hdr_action *lint_scope_header(const scope_state *st, int hkind);
/* Merges a scope section's own mod_cors configuration into st, as httpd merges it. */
void lint_scope_fold_cors(lint_ctx *ctx, scope_state *st, const lint_node *sec);
int lint_scope_cors_active(const scope_state *st);
/* An On/Off member of the effective mod_cors configuration, or dflt when unset. */
int lint_scope_cors_flag(int value, int dflt);
/* The node of the line that set mod_cors directive d in the effective configuration. */
const lint_node *lint_scope_cors_node(const scope_state *st, cors_directive_id d);
int lint_scope_credentials(const scope_state *st, const hdr_action **acac);

#endif
