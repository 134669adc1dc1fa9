/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * cors-lint: find CORS misconfigurations in httpd configuration before deployment.
 * Exit status: 0 no finding at or above the failure threshold, 1 findings, 2 usage,
 * unreadable input or internal error.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <libxml/parser.h>

#include "lint.h"
#include "lint_probe.h"

static const char usage[] =
    "usage: cors-lint [options] PATH...\n"
    "       cors-lint probe URL --origin ORIGIN [...]   (cors-lint probe --help)\n"
    "\n"
    "PATH is a server root (a directory with apache2.conf, httpd.conf or conf/httpd.conf,\n"
    "whose Include lines are followed), another directory (every *.conf and .htaccess in\n"
    "it), or a file.\n"
    "\n"
    "  -f, --format FMT      text (default), json, sarif, junit, checkstyle\n"
    "  -o, --output FILE     write the report to FILE\n"
    "  --severity LEVEL      show findings at or above LEVEL: info (default), warning, error\n"
    "  --fail-on LEVEL       exit 1 on findings at or above LEVEL (default: warning)\n"
    "  --enable IDS          run only these rules (comma-separated, e.g. CL001,CL005)\n"
    "  --disable IDS         do not run these rules\n"
    "  -D, --define NAME[=VALUE]  as httpd -D: for <IfDefine> and ${NAME}\n"
    "  --server-root DIR     resolve relative Include paths from DIR\n"
    "  --no-color            no colour (also: NO_COLOR set, or not a terminal)\n"
    "  --list-rules          print the rules and exit\n"
    "  --explain CLnnn       print a rule's documentation and exit\n"
    "  -V, --version, -h, --help\n"
    "\n"
    "Settings may also come from a .cors-lint file (searched from the working directory\n"
    "upward): lines 'key = value' with the long option names (format, severity, fail-on,\n"
    "enable, disable, define, server-root); command-line options win.\n";

typedef struct {
    lint_format format;
    const char *output;
    lint_severity severity;
    lint_severity fail_on;
    lint_mask enable, disable;
    int enable_set;
    int color;
} lint_options;

static int parse_level(const char *s, lint_severity *out)
{
    if (strcmp(s, "info") == 0 || strcmp(s, "note") == 0) {
        *out = LINT_INFO;
    }
    else if (strcmp(s, "warning") == 0) {
        *out = LINT_WARNING;
    }
    else if (strcmp(s, "error") == 0) {
        *out = LINT_ERROR;
    }
    else {
        return -1;
    }
    return 0;
}

static int parse_format(const char *s, lint_format *out)
{
    static const char *const names[] = {"text", "json", "sarif", "junit", "checkstyle"};
    int i;
    for (i = 0; i < 5; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (lint_format)i;
            return 0;
        }
    }
    return -1;
}

static void add_define(lint_ctx *ctx, const char *def)
{
    const char *eq = strchr(def, '=');
    if (eq) {
        apr_hash_set(ctx->defines, apr_pstrmemdup(ctx->pool, def, (apr_size_t)(eq - def)),
                     APR_HASH_KEY_STRING, apr_pstrdup(ctx->pool, eq + 1));
    }
    else {
        apr_hash_set(ctx->defines, apr_pstrdup(ctx->pool, def), APR_HASH_KEY_STRING, "");
    }
}

/* One setting, from the command line or the .cors-lint file. Returns NULL or an error. */
static const char *apply_setting(lint_ctx *ctx, lint_options *o, const char *key, const char *val)
{
    if (strcmp(key, "format") == 0) {
        return parse_format(val, &o->format) ? "unknown format (text, json, sarif, junit, "
                                               "checkstyle)"
                                             : NULL;
    }
    if (strcmp(key, "output") == 0) {
        o->output = val;
        return NULL;
    }
    if (strcmp(key, "severity") == 0) {
        return parse_level(val, &o->severity) ? "unknown level (info, warning, error)" : NULL;
    }
    if (strcmp(key, "fail-on") == 0) {
        return parse_level(val, &o->fail_on) ? "unknown level (info, warning, error)" : NULL;
    }
    if (strcmp(key, "enable") == 0) {
        lint_mask m = 0;
        if (lint_parse_rule_list(val, &m)) {
            return "unknown rule ID";
        }
        if (m == 0) {
            return "names no rule (an empty list would run none, and pass everything)";
        }
        o->enable_set = 1;
        o->enable |= m;
        o->disable &= ~m; /* a later (command-line) enable wins over an earlier disable */
        return NULL;
    }
    if (strcmp(key, "disable") == 0) {
        return lint_parse_rule_list(val, &o->disable) ? "unknown rule ID" : NULL;
    }
    if (strcmp(key, "define") == 0) {
        add_define(ctx, val);
        return NULL;
    }
    if (strcmp(key, "server-root") == 0) {
        ctx->server_root = val;
        return NULL;
    }
    return "unknown setting";
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

/* .cors-lint, searched from the working directory upward. Returns -1 on a bad line. */
static int read_settings(lint_ctx *ctx, lint_options *o)
{
    char dir[4096];
    FILE *f = NULL;
    char line[4096];
    int lineno = 0;
    const char *path = NULL;

    if (getcwd(dir, sizeof(dir)) == NULL) {
        return 0;
    }
    for (;;) {
        path = apr_pstrcat(ctx->pool, dir, "/.cors-lint", NULL);
        f = fopen(path, "r");
        if (f || strcmp(dir, "/") == 0) {
            break;
        }
        *strrchr(dir, '/') = '\0';
        if (dir[0] == '\0') {
            strcpy(dir, "/");
        }
    }
    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof(line), f)) {
        char *s = trim(line), *eq, *key, *val;
        const char *err;
        lineno++;
        if (*s == '#' || *s == '\0') {
            continue;
        }
        eq = strpbrk(s, "=:");
        if (eq == NULL) {
            fprintf(stderr, "cors-lint: %s:%d: expected 'key = value'\n", path, lineno);
            fclose(f);
            return -1;
        }
        *eq = '\0';
        key = trim(s);
        val = apr_pstrdup(ctx->pool, trim(eq + 1));
        if ((err = apply_setting(ctx, o, key, val)) != NULL) {
            fprintf(stderr, "cors-lint: %s:%d: %s: %s\n", path, lineno, key, err);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static void list_rules(void)
{
    int i;
    for (i = 0; i < LINT_NRULES; i++) {
        printf("%s  %-7s  %s\n", lint_rules[i].id,
               lint_rules[i].severity == LINT_ERROR     ? "error"
               : lint_rules[i].severity == LINT_WARNING ? "warning"
                                                        : "info",
               lint_rules[i].title);
    }
}

static int run(apr_pool_t *pool, int argc, char **argv)
{
    lint_ctx ctx;
    lint_options o;
    apr_array_header_t *paths, *roots;
    apr_array_header_t *cli = apr_array_make(pool, 8, sizeof(const char *));
    const char *err = NULL;
    FILE *out = stdout;
    int i, worst = -1, rc;

    lint_ctx_init(&ctx, pool);
    memset(&o, 0, sizeof(o));
    o.format = LINT_FMT_TEXT;
    o.severity = LINT_INFO;
    o.fail_on = LINT_WARNING;
    paths = apr_array_make(pool, 4, sizeof(const char *));

    /* the settings file first, so that flags win */
    if (read_settings(&ctx, &o) != 0) {
        return 2;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *key = NULL, *val = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            puts("cors-lint " LINT_VERSION);
            return 0;
        }
        if (strcmp(a, "--list-rules") == 0) {
            list_rules();
            return 0;
        }
        if (strcmp(a, "--no-color") == 0) {
            o.color = -1;
            continue;
        }
        if (strcmp(a, "--explain") == 0 || strncmp(a, "--explain=", 10) == 0) {
            const char *id = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : "");
            int r = lint_rule_parse(id);
            if (r < 0) {
                fprintf(stderr, "cors-lint: --explain: unknown rule '%s' (see --list-rules)\n",
                        id);
                return 2;
            }
            fputs(lint_rule_doc(r), stdout);
            return 0;
        }
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                APR_ARRAY_PUSH(paths, const char *) = argv[i];
            }
            break;
        }
        if (a[0] == '-' && a[1] != '\0') {
            static const struct {
                const char *flag, *key;
            } map[] = {
                {"-f", "format"},       {"--format", "format"},           {"-o", "output"},
                {"--output", "output"}, {"--severity", "severity"},       {"--fail-on", "fail-on"},
                {"--enable", "enable"}, {"--disable", "disable"},         {"-D", "define"},
                {"--define", "define"}, {"--server-root", "server-root"},
            };
            size_t k;
            const char *eq = strchr(a, '=');
            for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
                apr_size_t fl = strlen(map[k].flag);
                if (strncmp(a, map[k].flag, fl) == 0 && (a[fl] == '\0' || a[fl] == '=')) {
                    key = map[k].key;
                    val = eq && a[fl] == '=' ? eq + 1 : NULL;
                }
                else if (strcmp(map[k].flag, "-D") == 0 && strncmp(a, "-D", 2) == 0 && a[2]) {
                    key = "define";
                    val = a + 2;
                }
            }
            if (key == NULL) {
                fprintf(stderr, "cors-lint: unknown option %s\n%s", a, usage);
                return 2;
            }
            if (val == NULL) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "cors-lint: %s needs a value\n", a);
                    return 2;
                }
                val = argv[++i];
            }
            APR_ARRAY_PUSH(cli, const char *) = key;
            APR_ARRAY_PUSH(cli, const char *) = val;
            continue;
        }
        APR_ARRAY_PUSH(paths, const char *) = a;
    }
    for (i = 0; i + 1 < cli->nelts; i += 2) {
        const char *key = APR_ARRAY_IDX(cli, i, const char *);
        const char *val = APR_ARRAY_IDX(cli, i + 1, const char *);
        if (strcmp(key, "enable") == 0 && o.enable_set == 1) {
            o.enable = 0; /* the command line replaces the settings file's list */
            o.enable_set = 2;
        }
        if ((err = apply_setting(&ctx, &o, key, val)) != NULL) {
            fprintf(stderr, "cors-lint: --%s %s: %s\n", key, val, err);
            return 2;
        }
    }
    if (paths->nelts == 0) {
        fprintf(stderr, "cors-lint: no file or directory given\n%s", usage);
        return 2;
    }
    /* CL000 (the configuration could not be read) stays on unless disabled by name: a
     * run that checks only CL001 must not pass an unclosed section or a missing Include */
    ctx.enabled = o.enable_set ? o.enable | (1u << CL000) : (1u << LINT_NRULES) - 1;
    ctx.enabled &= ~o.disable;

    roots = apr_array_make(pool, 8, sizeof(lint_node *));
    if (lint_read_inputs(&ctx, paths->nelts, (const char *const *)paths->elts, roots, &err) != 0) {
        fprintf(stderr, "cors-lint: %s\n", err);

        return 2;
    }
    lint_check(&ctx, roots);
    lint_sort(&ctx);

    if (o.output) {
        out = fopen(o.output, "w");
        if (out == NULL) {
            fprintf(stderr, "cors-lint: cannot write %s\n", o.output);

            return 2;
        }
    }
    if (o.color == 0) {
        o.color = o.format == LINT_FMT_TEXT && out == stdout && isatty(fileno(stdout)) &&
                  getenv("NO_COLOR") == NULL;
    }
    else {
        o.color = 0;
    }
    rc = lint_write_report(&ctx, o.format, out, o.severity, o.color > 0, &err);
    if (out != stdout) {
        fclose(out);
    }
    if (rc != 0) {
        fprintf(stderr, "cors-lint: %s\n", err);

        return 2;
    }
    /* only what is shown counts: --severity error hides warnings from the exit status too */
    for (i = 0; i < ctx.findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx.findings, i, lint_finding);
        if (f->severity >= o.severity && (int)f->severity > worst) {
            worst = (int)f->severity;
        }
    }

    return worst >= (int)o.fail_on ? 1 : 0;
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    int rc;

    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fputs("cors-lint: cannot initialise APR\n", stderr);
        return 2;
    }
    LIBXML_TEST_VERSION
    /* "probe" is a command, not a path: a file named probe is ./probe */
    rc = argc > 1 && strcmp(argv[1], "probe") == 0 ? lint_probe_main(pool, argc - 1, argv + 1)
                                                   : run(pool, argc, argv);
    apr_pool_destroy(pool);
    apr_terminate();
    xmlCleanupParser();
    return rc;
}
