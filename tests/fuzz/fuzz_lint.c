/* Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * libFuzzer target of cors-lint: any bytes, as a configuration file, a .htaccess or a
 * server root's apache2.conf, go through the reader, every rule and the JSON report. No
 * crash, no leak, no hang (libFuzzer's -timeout), no undefined behaviour. The first
 * byte chooses the form; the file lives in a private directory of /dev/shm (or /tmp).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "lint.h"

static apr_pool_t *top;
static char dir[64];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_dir(void)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/root/apache2.conf", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/root", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/t.conf", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/.htaccess", dir);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char root[96];

    (void)argc, (void)argv;
    apr_initialize();
    apr_pool_create(&top, NULL);
    strcpy(dir, access("/dev/shm", W_OK) == 0 ? "/dev/shm/cors-lint-fuzz.XXXXXX"
                                              : "/tmp/cors-lint-fuzz.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        abort();
    }
    snprintf(root, sizeof(root), "%s/root", dir);
    mkdir(root, 0700);
    devnull = fopen("/dev/null", "w");
    atexit(remove_dir);
    return 0;
}

/* Writes the input where the chosen form reads it; returns the path to lint. */
static const char *place(apr_pool_t *p, const uint8_t *data, size_t size)
{
    static const char *const forms[] = {"t.conf", ".htaccess", "root/apache2.conf"};
    const char *form = forms[data[0] % 3];
    const char *file = apr_pstrcat(p, dir, "/", form, NULL);
    FILE *f = fopen(file, "wb");

    if (f == NULL) {
        abort();
    }
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    return data[0] % 3 == 2 ? apr_pstrcat(p, dir, "/root", NULL) : file;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_array_header_t *roots;
    const char *path, *err = NULL;
    lint_ctx ctx;

    if (size == 0) {
        return 0;
    }
    apr_pool_create(&p, top);
    path = place(p, data, size);
    lint_ctx_init(&ctx, p);
    roots = apr_array_make(p, 4, sizeof(lint_node *));
    if (lint_read_inputs(&ctx, 1, &path, roots, &err) == 0) {
        lint_check(&ctx, roots);
        lint_sort(&ctx);
        lint_write_report(&ctx, LINT_FMT_JSON, devnull, LINT_INFO, 0, &err);
    }
    apr_pool_destroy(p);
    return 0;
}
