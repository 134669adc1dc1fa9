/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The scope model: what one scope's effective configuration holds after httpd's merge
 * (mod_headers actions accumulated down the chain of sections, each mod_cors directive
 * replaced by the deepest scope that sets it, Origin gates, authentication, served
 * methods, redirects), built by lint_scope.c and judged by lint_judge.c.
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
    int options_only; /* under an <If> or expr= that holds only for OPTIONS requests */
    int refused;      /* httpd refuses the line (CL000): judged for its table alone */
} hdr_action;

/* An environment variable set from a test on the Origin (SetEnvIf Origin, SetEnvIfExpr
 * on req('Origin'), or a RewriteRule E= flag after RewriteCond %{HTTP:Origin}). Every
 * line that sets the variable is a test of its own: prev is the one before. */
typedef struct env_gate env_gate;
struct env_gate {
    const lint_node *node; /* the directive holding the regex */
    const char *regex;     /* NULL: set with no regex (tested is then 1 for an expression) */
    int regex_col;
    int nocase;
    int reflects; /* the value copies the origin ($0, %{HTTP:Origin}) */
    int tested;   /* set only when a test on the Origin holds */
    const env_gate *prev;
};

typedef struct {
    apr_pool_t *pool;            /* scratch: cleared when the scope's subtree is done */
    const lint_node *node;       /* the scope's section, or a .htaccess root */
    apr_array_header_t *headers; /* hdr_action */
    apr_hash_t *gates;           /* var -> env_gate */
    const lint_node *if_origin;  /* an <If> on the Origin around this scope */
    const char *if_regex;
    int if_regex_nocase;
    int if_options;               /* under an <If> that holds only for OPTIONS requests */
    apr_hash_t *env_options;      /* env var -> "o": set only for OPTIONS requests, "a": not */
    const cors_config *cors;      /* mod_cors's, merged by the core (never NULL) */
    apr_array_header_t *requires; /* lint_node*: Require needing a user, not exempt */
    int options_exempt;
    apr_hash_t *methods;           /* served method -> lint_node */
    apr_array_header_t *redirects; /* lint_node* */
    const lint_node *htaccess;     /* the .htaccess root when this scope is one */
    const char *allow_override;    /* NULL: unknown */
    /* set when folding a section changes what the rules read (view_make in
     * lint_judge.c): a header other than HK_OTHER, a gate, an <If> on the Origin, a
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
    SCOPE_OWN_ENVS = 32,
    SCOPE_OWN_ALL = 63
};

int lint_is_scope_section(const lint_node *n);
int lint_starts_with_ci(const char *s, const char *prefix);
int lint_contains_ci(const char *s, const char *needle);
int lint_header_is_grant(const hdr_action *h);
/* Is a Header line sent only on responses to OPTIONS requests (preflights)? */
int lint_header_options_only(const scope_state *st, const hdr_action *h);
/* Does an ap_expr expression test the request's Origin header? */
int lint_expr_tests_origin(const char *e);
/* Does it admit only some origins (==, in {...}, =~, a -strmatch pattern)? */
int lint_expr_restricts_origin(const char *e);
/* A RewriteRule's flags ("[L,R=301]", "[last,redirect=301]"): 0 no R flag, 1 a redirect
 * (3xx), 2 a status that is no redirect (R=200, R=404: *status says which). */
int lint_rewrite_flag_redirect(const char *flags, int *status);
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

/* Runs the rules of lint.h's LINT_RULES that judge a scope on st (lint_judge.c). */
void lint_judge_scope(lint_ctx *ctx, const scope_state *st);

#endif
