/* partial.c: the partial file of a pool job (see partial.h): its reader, and the pool run
 * that replays the restored rows and appends each emitted row. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "io/number.h"
#include "protocols/partial.h"

static const char MAGIC[] = "opsin partial 1\n";

enum { SYNC_SECONDS = 1 }; /* fdatasync at most this often */

/* ---- reading ---------------------------------------------------------------------------- */

/* Line text without its newline, for messages (at most 200 characters). */
static void shown(char *buf, size_t len, const char *line)
{
    size_t n = strcspn(line, "\n");
    snprintf(buf, len, "%.*s", (int)(n > 200 ? 200 : n), line);
}

/* One key line of the file against the caller's (want: the line with its '\n', or NULL when
 * the caller has no more); 0 when they are the same. */
static int key_compare(const opsin_partial *p, size_t lineno, const char *line, const char *want,
                       opsin_diag *d)
{
    size_t wl = want ? strcspn(want, "\n") + 1 : 0;
    int rows = strncmp(line, "rows ", 5) == 0;
    if (want && !rows && strlen(line) == wl && memcmp(line, want, wl) == 0)
        return 0;
    char had[208], now[208];
    shown(had, sizeof had, rows ? "" : line);
    shown(now, sizeof now, want ? want : "");
    opsin_diag_set(d, NULL, 0, "%s:%zu: written by another run: it has '%s' where this run has "
                   "'%s' (expected the command, options and input files of the run that "
                   "wrote it)", p->path, lineno, had, now);
    return OPSIN_EINVAL;
}

/* Appends one restored row (the line after its index and status). */
static int row_parse(opsin_partial *p, const char *s, int status)
{
    size_t k = p->nrows;
    double *v = p->vals + k * p->width;
    char *end;
    for (size_t j = 0; j < p->width; j++) {
        if (j && *s++ != ',')
            return -1;
        v[j] = strtod(s, &end);
        if (end == s)
            return -1;
        s = end;
    }
    p->msg[k] = NULL;
    if (*s == ' ' && status) {
        size_t n = strcspn(s + 1, "\n");
        if (!(p->msg[k] = malloc(n + 1)))
            return -2;
        memcpy(p->msg[k], s + 1, n);
        p->msg[k][n] = '\0';
        s += 1 + n;
    }
    if (*s != '\n')
        return -1;
    p->status[k] = status;
    p->nrows++;
    return 0;
}

/* "I STATUS V,...": row nrows of the file; -1 not a row, -2 out of memory. */
static int row_line(opsin_partial *p, const char *line)
{
    char *end;
    errno = 0;
    unsigned long long i = strtoull(line, &end, 10);
    if (end == line || *end != ' ' || errno || i != p->nrows || line[0] == '-')
        return -1;
    const char *s = end + 1;
    long status = strtol(s, &end, 10);
    if (end == s || *end != ' ' || errno)
        return -1;
    return row_parse(p, end + 1, (int)status);
}

/* "rows N W": the arrays for N rows of W doubles. */
static int rows_line(opsin_partial *p, const char *line)
{
    unsigned long long n, w;
    char tail;
    if (sscanf(line, "rows %llu %llu%c", &n, &w, &tail) != 3 || tail != '\n' || w == 0 ||
        n > (size_t)-1 / sizeof(double) / w)
        return -1;
    p->n = (size_t)n;
    p->width = (size_t)w;
    size_t m = p->n ? p->n : 1;
    p->vals = malloc(m * p->width * sizeof *p->vals);
    p->status = calloc(m, sizeof *p->status);
    p->msg = calloc(m, sizeof *p->msg);
    return p->vals && p->status && p->msg ? 0 : -2;
}

/* The lines of the file in turn: header (magic, key lines, rows line), then rows. */
typedef struct reader {
    opsin_partial *p;
    const char *key; /* the caller's next key line */
    int state;       /* 0 magic, 1 key lines, 2 rows */
} reader;

static int line_take(reader *r, size_t lineno, const char *line, opsin_diag *d)
{
    opsin_partial *p = r->p;
    int rc;
    if (r->state == 0) {
        if (strcmp(line, MAGIC) != 0) {
            opsin_diag_set(d, NULL, 0, "%s:1: not a partial file of opsin (expected the first "
                           "line 'opsin partial 1')", p->path);
            return OPSIN_EINVAL;
        }
        r->state = 1;
        return OPSIN_OK;
    }
    if (r->state == 1) {
        const char *want = *r->key ? r->key : NULL;
        if (!want && strncmp(line, "rows ", 5) == 0) {
            if ((rc = rows_line(p, line)) == -1) {
                opsin_diag_set(d, NULL, 0, "%s:%zu: malformed line (expected 'rows N W')",
                               p->path, lineno);
                return OPSIN_EINVAL;
            }
            r->state = 2;
            return rc ? OPSIN_ENOMEM : OPSIN_OK;
        }
        if (key_compare(p, lineno, line, want, d))
            return OPSIN_EINVAL;
        r->key += strcspn(r->key, "\n") + 1;
        return OPSIN_OK;
    }
    if (p->nrows == p->n) {
        opsin_diag_set(d, NULL, 0, "%s:%zu: more rows than the %zu the file declares (expected "
                       "a file opsin wrote)", p->path, lineno, p->n);
        return OPSIN_EINVAL;
    }
    if ((rc = row_line(p, line)) == -1) {
        opsin_diag_set(d, NULL, 0, "%s:%zu: malformed row (expected row %zu: 'I STATUS V1,...,"
                       "V%zu')", p->path, lineno, p->nrows, p->width);
        return OPSIN_EINVAL;
    }
    return rc ? OPSIN_ENOMEM : OPSIN_OK;
}

int opsin_partial_read(opsin_partial *p, opsin_diag *d)
{
    FILE *fp = fopen(p->path, "r");
    if (!fp)
        return OPSIN_EIO;
    reader r = {p, p->key, 0};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    long at = 0;
    int rc = OPSIN_OK;
    while (!rc && (len = getline(&line, &cap, fp)) > 0) {
        lineno++;
        if (line[len - 1] != '\n' || memchr(line, '\0', (size_t)len)) { /* torn by the kill */
            p->torn = 1;
            break;
        }
        rc = line_take(&r, lineno, line, d);
        at += (long)len;
        if (r.state == 2)
            p->keep = at;
    }
    int e = ferror(fp) ? errno : 0;
    free(line);
    fclose(fp);
    if (!rc && e) {
        errno = e;
        rc = OPSIN_EIO;
    }
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(d, NULL, 0, "%s: out of memory (expected fewer rows)", p->path);
    p->restored = !rc && r.state == 2; /* a torn header: nothing to keep, a new file */
    return rc;
}

void opsin_partial_free(opsin_partial *p)
{
    if (p->fp)
        fclose(p->fp);
    p->fp = NULL;
    for (size_t i = 0; p->msg && i < p->nrows; i++)
        free(p->msg[i]);
    free(p->msg);
    free(p->vals);
    free(p->status);
    p->msg = NULL;
    p->vals = NULL;
    p->status = NULL;
    p->nrows = 0;
    p->restored = 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Flushes, and syncs when the last sync is a second old; OPSIN_EIO with p->err. */
static int flush(opsin_partial *p)
{
    double t;
    if (fflush(p->fp) == 0 && (t = now_seconds()) - p->synced < SYNC_SECONDS)
        return OPSIN_OK;
    if (!ferror(p->fp) && fdatasync(fileno(p->fp)) == 0) {
        p->synced = now_seconds();
        return OPSIN_OK;
    }
    p->err = errno ? errno : EIO;
    return OPSIN_EIO;
}

/* Opens the file: anew with its header, or cut after its last whole row to append (a torn
 * row is cut off only then: a resumed run that has nothing left to run leaves the file as it
 * was). */
static int open_file(opsin_partial *p, const opsin_pool_job *job, size_t width)
{
    errno = 0;
    p->synced = now_seconds();
    if (p->restored) {
        if (!(p->fp = fopen(p->path, "r+")) || ftruncate(fileno(p->fp), p->keep) != 0 ||
            fseek(p->fp, 0, SEEK_END) != 0)
            goto fail;
        return OPSIN_OK;
    }
    if (!(p->fp = fopen(p->path, "w")))
        goto fail;
    fprintf(p->fp, "%s%srows %zu %zu\n", MAGIC, p->key, job->n, width);
    return flush(p);
fail:
    p->err = errno ? errno : EIO;
    return OPSIN_EIO;
}

/* One emitted row, appended: "I STATUS V,...[ MESSAGE]" (control characters of the message
 * as blanks: one line). */
static int row_write(opsin_partial *p, size_t i, const double *v, size_t width, int status,
                     const opsin_diag *d)
{
    fprintf(p->fp, "%zu %d ", i, status);
    opsin_number_write_list(p->fp, v, width);
    if (status && d && d->msg[0]) {
        fputc(' ', p->fp);
        for (const char *c = d->msg; *c; c++)
            fputc((unsigned char)*c < ' ' ? ' ' : *c, p->fp);
    }
    fputc('\n', p->fp);
    return flush(p);
}

/* The wrapped job's emit: the caller's, then the row into the file. */
typedef struct wrap {
    const opsin_pool_job *job;
    opsin_partial *p;
    size_t width;
} wrap;

/* The caller's emit of row i, or the copy into its out array. */
static int inner_emit(const opsin_pool_job *job, size_t i, void *row, int status,
                      const opsin_diag *d)
{
    if (job->emit)
        return job->emit(job->ctx, i, row, status, d);
    memcpy((unsigned char *)job->out + i * job->row_size, row, job->row_size);
    return OPSIN_OK;
}

static int wrap_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const wrap *w = ctx;
    return w->job->run(w->job->ctx, i, row, d);
}

/* The file is opened at the first row emitted here: a process whose pool emits nothing (a
 * worker rank of a process backend) never touches it. */
static int wrap_emit(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    wrap *w = ctx;
    int rc = inner_emit(w->job, i, row, status, d);
    if (!rc && !w->p->fp)
        rc = open_file(w->p, w->job, w->width);
    return rc ? rc : row_write(w->p, i, row, w->width, status, d);
}

/* The restored rows, emitted in order as the pool would emit them. */
static int replay(const opsin_pool_job *job, const opsin_partial *p, opsin_diag *d)
{
    int rc = OPSIN_OK;
    void *row = malloc(job->row_size);
    if (!row)
        return OPSIN_ENOMEM;
    for (size_t i = 0; !rc && i < p->nrows; i++) {
        opsin_diag m = {""};
        if (p->msg[i])
            opsin_diag_set(&m, NULL, 0, "%s", p->msg[i]);
        memcpy(row, p->vals + i * p->width, job->row_size);
        if (p->status[i] && job->stop_on_failure) {
            *d = m;
            rc = p->status[i];
        } else {
            rc = inner_emit(job, i, row, p->status[i], &m);
        }
    }
    free(row);
    return rc;
}

int opsin_partial_pool_run(const opsin_pool_job *job, unsigned threads, opsin_partial *p,
                           opsin_diag *d)
{
    if (!p)
        return opsin_pool_run(job, threads, d);
    size_t width = job->row_size / sizeof(double);
    if (job->row_size % sizeof(double) || !width ||
        (p->restored && (p->n != job->n || p->width != width))) {
        opsin_diag_set(d, NULL, 0, "%s: %zu rows of %zu values, this run has %zu of %zu "
                       "(expected the partial file of this run)", p->path, p->n, p->width,
                       job->n, width);
        return OPSIN_EINVAL;
    }
    int rc = p->restored ? replay(job, p, d) : OPSIN_OK;
    wrap w = {job, p, width};
    opsin_pool_job wj = *job;
    wj.first = p->restored ? p->nrows : 0;
    wj.run = wrap_run;
    wj.emit = wrap_emit;
    wj.ctx = &w; /* out stays: wrap_emit fills it (a process backend may look at it) */
    if (!rc)
        rc = opsin_pool_run(&wj, threads, d);
    if (p->fp && fclose(p->fp) != 0 && !rc) {
        p->err = errno ? errno : EIO;
        rc = OPSIN_EIO;
    }
    p->fp = NULL;
    if (rc == OPSIN_EIO && p->err)
        opsin_diag_set(d, NULL, 0, "writing %s failed: %s", p->path, strerror(p->err));
    return rc;
}
