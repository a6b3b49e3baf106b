/* resume.c: the partial file of sweep, ppf and stdp and their --resume (see resume.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resume.h"
#include "cli/signals.h"
#include "io/cfg.h"
#include "protocols/pool_mpi.h"

/* ---- the key ---------------------------------------------------------------------------- */

/* Appends one formatted line to the key (a failed allocation is remembered). */
static void key_add(cli_resume *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || r->nomem)
        return;
    if (r->len + (size_t)n + 2 > r->cap) {
        size_t cap = 2 * (r->len + (size_t)n + 2);
        char *k = realloc(r->key, cap);
        if (!k) {
            r->nomem = 1;
            return;
        }
        r->key = k;
        r->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(r->key + r->len, r->cap - r->len, fmt, ap);
    va_end(ap);
    r->len += (size_t)n;
    /* one line each: a newline inside an argument would end the line early */
    for (char *c = r->key + r->len - (size_t)n; c < r->key + r->len; c++)
        if (*c == '\n')
            *c = ' ';
    r->key[r->len++] = '\n';
    r->key[r->len] = '\0';
}

void cli_resume_init(cli_resume *r, const char *cmd, const char *skip)
{
    memset(r, 0, sizeof *r);
    r->cmd = cmd;
    r->skip = skip;
    key_add(r, "command %s", cmd);
    key_add(r, "version %s", PACKAGE_VERSION);
}

void cli_resume_option(cli_resume *r, const struct option *opts, int ch, const char *arg)
{
    if (strchr(r->skip, ch))
        return;
    const char *name = NULL;
    for (const struct option *o = opts; o->name && !name; o++)
        if (o->val == ch)
            name = o->name;
    if (name)
        key_add(r, "option %s%s%s", name, arg ? "=" : "", arg ? arg : "");
    else
        key_add(r, "option -%c%s%s", ch, arg ? " " : "", arg ? arg : "");
}

void cli_resume_file(cli_resume *r, const char *role, const char *path)
{
    if (!path)
        return;
    FILE *fp = fopen(path, "rb");
    if (!fp) { /* the command's own reading says why */
        key_add(r, "file %s unreadable", role);
        return;
    }
    uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bits */
    unsigned long long size = 0;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        for (size_t i = 0; i < n; i++) {
            h ^= buf[i];
            h *= 1099511628211ULL;
        }
        size += n;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        key_add(r, "file %s unreadable", role);
    else
        key_add(r, "file %s %llu %016llx", role, size, (unsigned long long)h);
}

static void add_include(void *ctx, const char *path)
{
    cli_resume_file(ctx, "include", path);
}

void cli_resume_config(cli_resume *r, const char *role, const char *path)
{
    cli_resume_file(r, role, path);
    if (path)
        opsin_cfg_includes(path, add_include, r);
}

void cli_resume_data_files(cli_resume *r, const opsin_circuit *c, const opsin_stimulus *s)
{
    const char *f;
    for (size_t i = 0; c && (f = opsin_circuit_data_file(c, i)); i++)
        cli_resume_file(r, "synapse-list", f);
    for (size_t i = 0; s && (f = opsin_stimulus_data_file(s, i)); i++)
        cli_resume_file(r, "spike-times", f);
}

/* ---- before and after the runs ---------------------------------------------------------- */

/* Lines of a complete OUT (every line ended), or -1. */
static long lines_of(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    long n = 0;
    int c, last = '\n';
    while ((c = getc(fp)) != EOF) {
        n += c == '\n';
        last = c;
    }
    int bad = ferror(fp) || last != '\n';
    fclose(fp);
    return bad ? -1 : n;
}

/* No partial file: a complete OUT needs nothing, another file is not one to resume. */
static int resume_complete(cli_resume *r, const char *output, size_t nrows, int quiet)
{
    long n = lines_of(output);
    if (n >= 0 && (size_t)n == nrows + 1) {
        if (!quiet)
            fprintf(stderr, "opsin %s: %s is complete (%zu rows) and there is no %s: nothing "
                    "to do\n", r->cmd, output, nrows, r->path);
        return CLI_RESUME_COMPLETE;
    }
    fprintf(stderr, "opsin %s: --resume: %s is not a complete output of this run (%ld lines, "
            "not %zu) and there is no %s to resume from (expected the output of an "
            "interrupted run, or no --resume)\n", r->cmd, output, n < 0 ? 0 : n, nrows + 1,
            r->path);
    return EXIT_USAGE;
}

/* Reads OUT.partial for --resume. */
static int resume_read(cli_resume *r, size_t nrows, int quiet)
{
    opsin_diag d = {""};
    int rc = opsin_partial_read(&r->part, &d);
    if (rc == OPSIN_EIO) {
        fprintf(stderr, "opsin %s: cannot read %s: %s\n", r->cmd, r->path, strerror(errno));
        return EXIT_RUNTIME;
    }
    if (rc) {
        fprintf(stderr, "opsin %s: %s\n", r->cmd, d.msg);
        return rc == OPSIN_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (!quiet && r->part.restored)
        fprintf(stderr, "opsin %s: resuming from %s: %zu of %zu rows done%s\n", r->cmd,
                r->path, r->part.nrows, nrows, r->part.torn ? " (a torn last row dropped)" : "");
    return 0;
}

/* cli_resume_prepare on one process (or rank 0). */
static int prepare(cli_resume *r, const char *output, size_t nrows, int quiet,
                   opsin_partial **part)
{
    if (cli_out_kind(output) != CLI_OUT_RENAME) {
        if (!r->resume)
            return 0;
        fprintf(stderr, "opsin %s: --resume: %s cannot be read back (expected -o FILE, a "
                "regular file)\n", r->cmd, cli_out_shown(output));
        return EXIT_USAGE;
    }
    size_t n = strlen(output) + sizeof ".partial";
    if (r->nomem || !(r->path = malloc(n))) {
        fprintf(stderr, "opsin %s: out of memory\n", r->cmd);
        return EXIT_RUNTIME;
    }
    snprintf(r->path, n, "%s.partial", output);
    r->part.path = r->path;
    r->part.key = r->key;
    if (r->resume && access(r->path, F_OK) == 0) {
        int rc = resume_read(r, nrows, quiet);
        if (rc)
            return rc;
    } else if (r->resume && access(output, F_OK) == 0) {
        return resume_complete(r, output, nrows, quiet);
    }
    *part = &r->part;
    return 0;
}

/* Under MPI only rank 0 looks at the files and keeps a partial file; the other ranks take
 * its decision (run, refused, nothing to do), so every rank runs the pool or none does. */
int cli_resume_prepare(cli_resume *r, const char *output, size_t nrows, int quiet,
                       opsin_partial **part)
{
    *part = NULL;
    if (opsin_pool_mpi_rank() > 0)
        return opsin_pool_mpi_agree(0);
    int rc = opsin_pool_mpi_agree(prepare(r, output, nrows, quiet, part));
    if (rc == 0 && r->path) { /* a command a signal ends at once says where its rows are */
        char text[4200];
        snprintf(text, sizeof text, ": --resume continues from the rows in %s", r->path);
        cli_signals_note(r->cmd, text);
    }
    return rc;
}

int cli_resume_write_failed(const cli_resume *r)
{
    return r->path && r->part.err != 0;
}

void cli_resume_done(const cli_resume *r)
{
    cli_signals_note(NULL, NULL);
    if (r->path)
        unlink(r->path);
}

void cli_resume_free(cli_resume *r)
{
    cli_signals_note(NULL, NULL);
    opsin_partial_free(&r->part);
    free(r->path);
    free(r->key);
    memset(r, 0, sizeof *r);
}
