/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Findings and reporters: text (gcc style), JSON, SARIF 2.1.0, JUnit XML and
 * Checkstyle XML. XML goes through libxml2's writer, never string concatenation; JSON
 * strings are escaped byte by byte, so any input file name or value is safe.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <libxml/xmlwriter.h>

#include "lint.h"

static int suppressed(lint_ctx *ctx, int rule, lint_loc loc, lint_mask node_mask)
{
    lint_mask *fm;

    if (!(ctx->enabled & (1u << rule)) || (node_mask & (1u << rule))) {
        return 1;
    }
    fm = loc.file && apr_hash_count(ctx->file_disabled)
             ? apr_hash_get(ctx->file_disabled, loc.file, APR_HASH_KEY_STRING)
             : NULL;
    return fm && (*fm & (1u << rule));
}

/* One finding per rule and place, whatever the number of scopes that inherit the line:
 * the key is binary (file name pointers are shared by every node of a file), and the
 * message is formatted only for a new finding. */
typedef struct {
    const char *file;
    int rule, line, col;
} finding_key;

static int claim(lint_ctx *ctx, int rule, lint_loc loc, lint_mask mask)
{
    finding_key k, *kp;

    if (suppressed(ctx, rule, loc, mask)) {
        return 0;
    }
    memset(&k, 0, sizeof(k));
    k.file = loc.file;
    k.rule = rule;
    k.line = loc.line;
    k.col = loc.col;
    if (apr_hash_get(ctx->seen, &k, sizeof(k))) {
        return 0;
    }
    kp = apr_pmemdup(ctx->pool, &k, sizeof(k));
    apr_hash_set(ctx->seen, kp, sizeof(*kp), "1");
    return 1;
}

static void add_finding(lint_ctx *ctx, int rule, lint_loc loc, const lint_node *related,
                        const char *msg)
{
    lint_finding *f = apr_array_push(ctx->findings);

    memset(f, 0, sizeof(*f));
    f->rule = rule;
    f->severity = lint_rules[rule].severity;
    f->loc = loc;
    f->message = msg;
    if (related && (related->loc.file != loc.file || related->loc.line != loc.line)) {
        f->related = related->loc;
        f->related_message = apr_psprintf(ctx->pool, "related: %s%s", related->name,
                                          related->is_section ? " section" : " here");
    }
}

/* A finding on a node (at column col when above 0), with its rule's severity or sev. */
static void add_on_node(lint_ctx *ctx, int rule, int sev, const lint_node *node, int col,
                        const lint_node *related, const char *fmt, va_list ap)
{
    lint_loc loc = node->loc;

    if (col > 0) {
        loc.col = col;
    }
    if (!claim(ctx, rule, loc, node->disabled)) {
        return;
    }
    add_finding(ctx, rule, loc, related, apr_pvsprintf(ctx->pool, fmt, ap));
    if (sev >= 0) {
        ((lint_finding *)ctx->findings->elts)[ctx->findings->nelts - 1].severity = sev;
    }
}

void lint_add(lint_ctx *ctx, int rule, const lint_node *node, int col, const lint_node *related,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_on_node(ctx, rule, -1, node, col, related, fmt, ap);
    va_end(ap);
}

void lint_add_sev(lint_ctx *ctx, int rule, lint_severity sev, const lint_node *node, int col,
                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_on_node(ctx, rule, (int)sev, node, col, NULL, fmt, ap);
    va_end(ap);
}

void lint_add_at(lint_ctx *ctx, int rule, lint_loc loc, const char *fmt, ...)
{
    va_list ap;
    const char *msg;

    if (!claim(ctx, rule, loc, 0)) {
        return;
    }
    va_start(ap, fmt);
    msg = apr_pvsprintf(ctx->pool, fmt, ap);
    va_end(ap);
    add_finding(ctx, rule, loc, NULL, msg);
}

static int cmp_finding(const void *a, const void *b)
{
    const lint_finding *x = a, *y = b;
    int c = strcmp(x->loc.file ? x->loc.file : "", y->loc.file ? y->loc.file : "");
    if (c) {
        return c;
    }
    if (x->loc.line != y->loc.line) {
        return x->loc.line - y->loc.line;
    }
    if (x->loc.col != y->loc.col) {
        return x->loc.col - y->loc.col;
    }
    return x->rule - y->rule;
}

void lint_sort(lint_ctx *ctx)
{
    qsort(ctx->findings->elts, (size_t)ctx->findings->nelts, sizeof(lint_finding), cmp_finding);
}

static const char *sev_name(lint_severity s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "info";
}

/* ---- JSON ----------------------------------------------------------------------- */

/* The first paragraph of a rule's page after its "Severity:" line, joined into one
 * line: SARIF's fullDescription (GitHub shows it next to each alert). */
static const char *rule_summary(apr_pool_t *p, int rule, const char *fallback)
{
    const char *doc = lint_rule_doc(rule), *b = strstr(doc, "\nSeverity:"), *e;
    char *out, *o;

    if (b == NULL || (b = strstr(b + 1, "\n\n")) == NULL) {
        return fallback;
    }
    b += 2;
    e = strstr(b, "\n\n");
    e = e ? e : b + strlen(b);
    if (e == b || *b == '#') {
        return fallback;
    }
    out = o = apr_palloc(p, (apr_size_t)(e - b) + 1);
    for (; b < e; b++) {
        *o++ = *b == '\n' ? ' ' : *b;
    }
    *o = '\0';
    return out;
}

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static apr_size_t utf8_len(const unsigned char *p)
{
    apr_size_t n, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (*p >= 0xc2 && *p <= 0xdf) {
        n = 2;
    }
    else if (*p >= 0xe0 && *p <= 0xef) {
        n = 3;
        lo = *p == 0xe0 ? 0xa0 : 0x80;
        hi = *p == 0xed ? 0x9f : 0xbf;
    }
    else if (*p >= 0xf0 && *p <= 0xf4) {
        n = 4;
        lo = *p == 0xf0 ? 0x90 : 0x80;
        hi = *p == 0xf4 ? 0x8f : 0xbf;
    }
    else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf)) {
            return 0;
        }
    }
    return n;
}

void lint_json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    fputc('"', out);
    for (; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(out, "\\u%04x", *p);
            }
            else if (*p >= 0x80) {
                /* UTF-8 as it is; a byte that starts no valid sequence becomes U+FFFD, so
                 * that the document stays valid JSON whatever the input's encoding */
                apr_size_t n = utf8_len(p);
                if (n == 0) {
                    fputs("\\ufffd", out);
                }
                else {
                    fwrite(p, 1, n, out);
                    p += n - 1;
                }
            }
            else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
}

static int count_sev(lint_ctx *ctx, lint_severity min, lint_severity s)
{
    int i, n = 0;
    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        n += f->severity == s && f->severity >= min;
    }
    return n;
}

static void write_json(lint_ctx *ctx, FILE *out, lint_severity min)
{
    int i, first = 1;

    fputs("{\n  \"tool\": \"cors-lint\",\n  \"version\": \"" LINT_VERSION "\",\n", out);
    fputs("  \"findings\": [", out);
    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        if (f->severity < min) {
            continue;
        }
        fputs(first ? "\n    {" : ",\n    {", out);
        first = 0;
        fprintf(out,
                "\"rule\": \"%s\", \"severity\": \"%s\", \"message\": ", lint_rules[f->rule].id,
                sev_name(f->severity));
        lint_json_string(out, f->message);
        fputs(", \"file\": ", out);
        lint_json_string(out, f->loc.file);
        fprintf(out, ", \"line\": %d, \"column\": %d, \"related\": [", f->loc.line,
                f->loc.col > 0 ? f->loc.col : 1);
        if (f->related.file) {
            fputs("{\"file\": ", out);
            lint_json_string(out, f->related.file);
            fprintf(out, ", \"line\": %d, \"column\": %d, \"message\": ", f->related.line,
                    f->related.col > 0 ? f->related.col : 1);
            lint_json_string(out, f->related_message);
            fputs("}", out);
        }
        fputs("]}", out);
    }
    fprintf(out,
            "%s],\n  \"summary\": {\"errors\": %d, \"warnings\": %d, \"infos\": %d, "
            "\"files\": %d}\n}\n",
            first ? "" : "\n  ", count_sev(ctx, min, LINT_ERROR),
            count_sev(ctx, min, LINT_WARNING), count_sev(ctx, min, LINT_INFO), ctx->files->nelts);
}

/* SARIF wants paths relative to the working directory, with '/' separators. */
static const char *relative_uri(lint_ctx *ctx, const char *path)
{
    char cwd[4096];
    apr_size_t n;

    if (path && path[0] == '/' && getcwd(cwd, sizeof(cwd))) {
        n = strlen(cwd);
        if (strncmp(path, cwd, n) == 0 && path[n] == '/') {
            return path + n + 1;
        }
    }
    if (path && path[0] == '.' && path[1] == '/') {
        return path + 2;
    }
    (void)ctx;
    return path ? path : "";
}

static void sarif_location(lint_ctx *ctx, FILE *out, lint_loc loc, const char *msg)
{
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    lint_json_string(out, relative_uri(ctx, loc.file));
    fprintf(out,
            ", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": {\"startLine\": %d, "
            "\"startColumn\": %d}}",
            loc.line > 0 ? loc.line : 1, loc.col > 0 ? loc.col : 1);
    if (msg) {
        fputs(", \"message\": {\"text\": ", out);
        lint_json_string(out, msg);
        fputs("}", out);
    }
    fputs("}", out);
}

static void write_sarif(lint_ctx *ctx, FILE *out, lint_severity min)
{
    int i, first = 1;

    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
          "\"name\": \"cors-lint\", \"version\": \"" LINT_VERSION "\", "
          "\"semanticVersion\": \"" LINT_VERSION "\",\n      \"rules\": [",
          out);
    for (i = 0; i < LINT_NRULES; i++) {
        const lint_rule_info *r = &lint_rules[i];
        const char *level = r->severity == LINT_ERROR     ? "error"
                            : r->severity == LINT_WARNING ? "warning"
                                                          : "note";
        fprintf(out,
                "%s\n        {\"id\": \"%s\", \"name\": \"%s\", "
                "\"shortDescription\": {\"text\": ",
                i ? "," : "", r->id, r->id);
        lint_json_string(out, r->title);
        fputs("}, \"fullDescription\": {\"text\": ", out);
        lint_json_string(out, rule_summary(ctx->pool, i, r->title));
        fputs("}, \"help\": {\"text\": ", out);
        lint_json_string(out, lint_rule_doc(i));
        fputs(", \"markdown\": ", out);
        lint_json_string(out, lint_rule_doc(i));
        fprintf(out,
                "}, \"defaultConfiguration\": {\"level\": \"%s\"}, "
                "\"properties\": {\"security-severity\": \"%s\", "
                "\"tags\": [\"security\", \"cors\"]}}",
                level, r->security);
    }
    fputs("\n      ]}},\n    \"results\": [", out);
    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        if (f->severity < min) {
            continue;
        }
        fprintf(out,
                "%s\n      {\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"%s\", "
                "\"message\": {\"text\": ",
                first ? "" : ",", lint_rules[f->rule].id, f->rule,
                f->severity == LINT_ERROR     ? "error"
                : f->severity == LINT_WARNING ? "warning"
                                              : "note");
        first = 0;
        lint_json_string(out, f->message);
        fputs("}, \"locations\": [", out);
        sarif_location(ctx, out, f->loc, NULL);
        fputs("]", out);
        if (f->related.file) {
            fputs(", \"relatedLocations\": [", out);
            sarif_location(ctx, out, f->related, f->related_message);
            fputs("]", out);
        }
        fputs("}", out);
    }
    fputs("\n    ]\n  }]\n}\n", out);
}

/* ---- XML through libxml2 ---------------------------------------------------------- */

static int xml_write_cb(void *ctx, const char *buf, int len)
{
    return (int)fwrite(buf, 1, (size_t)len, (FILE *)ctx);
}

static xmlTextWriterPtr xml_open(FILE *out)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(xml_write_cb, NULL, out, NULL);
    xmlTextWriterPtr w;

    if (ob == NULL) {
        return NULL;
    }
    w = xmlNewTextWriter(ob);
    if (w == NULL) {
        xmlOutputBufferClose(ob);
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    return w;
}

/* Configuration files are bytes; XML needs valid UTF-8 without control characters. */
static const xmlChar *xml_text(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    char *out = apr_palloc(p, strlen((const char *)u) * 4 + 1), *o = out;

    for (; *u; u++) {
        if (*u == '\t' || *u == '\n' || (*u >= 0x20 && *u < 0x7f)) {
            *o++ = (char)*u;
        }
        else {
            o += sprintf(o, "\\x%02x", *u);
        }
    }
    *o = '\0';
    return (const xmlChar *)out;
}

static void write_junit(lint_ctx *ctx, FILE *out, lint_severity min)
{
    xmlTextWriterPtr w = xml_open(out);
    apr_pool_t *p = ctx->pool;
    int i, failures = 0, tests;

    if (w == NULL) {
        return;
    }
    for (i = 0; i < ctx->findings->nelts; i++) {
        failures += APR_ARRAY_IDX(ctx->findings, i, lint_finding).severity >= min;
    }
    tests = failures ? failures : (ctx->files->nelts ? ctx->files->nelts : 1);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%d", tests);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%d", failures);
    xmlTextWriterStartElement(w, BAD_CAST "testsuite");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "cors-lint");
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%d", tests);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%d", failures);
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
    xmlTextWriterWriteAttribute(w, BAD_CAST "skipped", BAD_CAST "0");
    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        if (f->severity < min) {
            continue;
        }
        xmlTextWriterStartElement(w, BAD_CAST "testcase");
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", xml_text(p, f->loc.file));
        xmlTextWriterWriteAttribute(
            w, BAD_CAST "name",
            xml_text(p, apr_psprintf(p, "%s:%d:%d %s", f->loc.file, f->loc.line,
                                     f->loc.col > 0 ? f->loc.col : 1, lint_rules[f->rule].id)));
        xmlTextWriterStartElement(w, BAD_CAST "failure");
        xmlTextWriterWriteAttribute(w, BAD_CAST "message", xml_text(p, f->message));
        xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST lint_rules[f->rule].id);
        xmlTextWriterWriteString(
            w, xml_text(p, apr_psprintf(p, "%s:%d:%d: %s: %s [%s]", f->loc.file, f->loc.line,
                                        f->loc.col > 0 ? f->loc.col : 1, sev_name(f->severity),
                                        f->message, lint_rules[f->rule].id)));
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    if (failures == 0) {
        for (i = 0; i < (ctx->files->nelts ? ctx->files->nelts : 1); i++) {
            const char *file =
                ctx->files->nelts ? APR_ARRAY_IDX(ctx->files, i, const char *) : "(no file)";
            xmlTextWriterStartElement(w, BAD_CAST "testcase");
            xmlTextWriterWriteAttribute(w, BAD_CAST "classname", xml_text(p, file));
            xmlTextWriterWriteAttribute(w, BAD_CAST "name", xml_text(p, file));
            xmlTextWriterEndElement(w);
        }
    }
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
}

static void write_checkstyle(lint_ctx *ctx, FILE *out, lint_severity min)
{
    xmlTextWriterPtr w = xml_open(out);
    apr_pool_t *p = ctx->pool;
    const char *open_file = NULL;
    int i;

    if (w == NULL) {
        return;
    }
    xmlTextWriterStartElement(w, BAD_CAST "checkstyle");
    xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "8.0");
    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        if (f->severity < min) {
            continue;
        }
        if (open_file == NULL || strcmp(open_file, f->loc.file ? f->loc.file : "")) {
            if (open_file) {
                xmlTextWriterEndElement(w);
            }
            open_file = f->loc.file ? f->loc.file : "";
            xmlTextWriterStartElement(w, BAD_CAST "file");
            xmlTextWriterWriteAttribute(w, BAD_CAST "name", xml_text(p, open_file));
        }
        xmlTextWriterStartElement(w, BAD_CAST "error");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "line", "%d", f->loc.line);
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "column", "%d",
                                          f->loc.col > 0 ? f->loc.col : 1);
        xmlTextWriterWriteAttribute(w, BAD_CAST "severity", BAD_CAST sev_name(f->severity));
        xmlTextWriterWriteAttribute(w, BAD_CAST "message", xml_text(p, f->message));
        xmlTextWriterWriteAttribute(
            w, BAD_CAST "source",
            xml_text(p, apr_pstrcat(p, "cors-lint.", lint_rules[f->rule].id, NULL)));
        xmlTextWriterEndElement(w);
    }
    if (open_file) {
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
}

/* ---- text --------------------------------------------------------------------------- */

static void write_text(lint_ctx *ctx, FILE *out, lint_severity min, int color)
{
    static const char *const colors[] = {"\033[36m", "\033[33m", "\033[31m"};
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    int i, shown = 0;

    for (i = 0; i < ctx->findings->nelts; i++) {
        const lint_finding *f = &APR_ARRAY_IDX(ctx->findings, i, lint_finding);
        if (f->severity < min) {
            continue;
        }
        shown++;
        fprintf(out, "%s%s:%d:%d:%s %s%s:%s %s [%s]\n", bold, f->loc.file, f->loc.line,
                f->loc.col > 0 ? f->loc.col : 1, reset, color ? colors[f->severity] : "",
                sev_name(f->severity), reset, f->message, lint_rules[f->rule].id);
        if (f->related.file) {
            fprintf(out, "%s%s:%d:%d:%s note: %s\n", bold, f->related.file, f->related.line,
                    f->related.col > 0 ? f->related.col : 1, reset, f->related_message);
        }
    }
    fprintf(out, "%d error%s, %d warning%s, %d info in %d file%s\n",
            count_sev(ctx, min, LINT_ERROR), count_sev(ctx, min, LINT_ERROR) == 1 ? "" : "s",
            count_sev(ctx, min, LINT_WARNING), count_sev(ctx, min, LINT_WARNING) == 1 ? "" : "s",
            count_sev(ctx, min, LINT_INFO), ctx->files->nelts, ctx->files->nelts == 1 ? "" : "s");
    (void)shown;
}

int lint_write_report(lint_ctx *ctx, lint_format fmt, FILE *out, lint_severity min, int color,
                      const char **err)
{
    switch (fmt) {
    case LINT_FMT_TEXT: write_text(ctx, out, min, color); break;
    case LINT_FMT_JSON: write_json(ctx, out, min); break;
    case LINT_FMT_SARIF: write_sarif(ctx, out, min); break;
    case LINT_FMT_JUNIT: write_junit(ctx, out, min); break;
    case LINT_FMT_CHECKSTYLE: write_checkstyle(ctx, out, min); break;
    }
    if (fflush(out) != 0 || ferror(out)) {
        *err = "cannot write the report";
        return -1;
    }
    return 0;
}
