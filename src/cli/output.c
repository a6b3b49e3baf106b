/* output.c: every output of the commands, written by what it replaces (see output.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "io/plot.h"
#include "protocols/pool_mpi.h"

/* "-" (or no name) is standard output, as for most Unix tools. */
static int is_stdout(const char *path)
{
    return !path || strcmp(path, "-") == 0;
}

int cli_out_kind(const char *path)
{
    struct stat st;
    if (is_stdout(path))
        return CLI_OUT_STDOUT;
    if (stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
                                 S_ISFIFO(st.st_mode)))
        return CLI_OUT_DIRECT;
    return CLI_OUT_RENAME;
}

int cli_out_on_stderr_terminal(const char *path)
{
    struct stat e, o;
    int kind = cli_out_kind(path);
    if (kind == CLI_OUT_RENAME || fstat(STDERR_FILENO, &e) != 0 || !isatty(STDERR_FILENO))
        return 0;
    if (kind == CLI_OUT_STDOUT ? fstat(STDOUT_FILENO, &o) != 0 : stat(path, &o) != 0)
        return 0;
    return S_ISCHR(o.st_mode) && S_ISCHR(e.st_mode) && o.st_rdev == e.st_rdev;
}

const char *cli_out_shown(const char *path)
{
    return is_stdout(path) ? "standard output" : path;
}

/* The directory part of path (malloc'd: "." when there is none, "/" for the root) and, in
 * *base, the name after it. */
static char *dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* A link's text taken from where the link is: relative to the link's directory. */
static char *link_target(const char *linkpath, const char *text)
{
    const char *base;
    char *dir = text[0] == '/' ? NULL : dir_of(linkpath, &base);
    if (text[0] != '/' && !dir)
        return NULL;
    size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(text) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", dir ? dir : "", dir ? "/" : "", text);
    free(dir);
    return p;
}

/* The file a path leads to: its symbolic links followed (also a dangling one, whose target is
 * then created), so that the rename replaces the target and leaves the link; malloc'd. */
static char *follow_links(const char *path)
{
    char *cur = strdup(path), text[PATH_MAX];
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        ssize_t n;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        if ((n = readlink(cur, text, sizeof text - 1)) < 0) {
            free(cur);
            return NULL;
        }
        text[n] = '\0';
        char *next = link_target(cur, text);
        free(cur);
        cur = next;
    }
    if (cur)
        errno = ELOOP;
    free(cur);
    return NULL;
}

/* The mode of the new file: that of the file it replaces, else 0666 less the umask. */
static mode_t new_mode(const struct stat *old, int exists)
{
    if (exists)
        return old->st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Undoes a half-done open (fd: a descriptor to close, or -1), keeping errno; -1. */
static int open_failed(cli_out *o, int fd)
{
    int e = errno;
    if (fd >= 0)
        close(fd);
    cli_out_discard(o);
    errno = e;
    return -1;
}

/* A temporary file beside the target, registered with the signal handler; its descriptor. */
static int open_temporary(cli_out *o)
{
    struct stat st;
    if (!(o->target = follow_links(o->path)))
        return -1;
    int exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (exists && access(o->target, W_OK) != 0) /* rename could, but the owner said no */
        return -1;
    size_t n = strlen(o->target) + sizeof ".tmpXXXXXX";
    char *template = malloc(n);
    if (!template)
        return -1;
    snprintf(template, n, "%s.tmpXXXXXX", o->target);
    o->tmp = cli_signals_register(template);
    free(template);
    int fd = o->tmp ? mkstemp(o->tmp) : -1;
    if (fd < 0 || fchmod(fd, new_mode(&st, exists)) != 0)
        return open_failed(o, fd);
    return fd;
}

/* Sets up o for path; with a temporary file, fd gets its descriptor. */
static int open_any(cli_out *o, const char *path, int *fd)
{
    memset(o, 0, sizeof *o);
    o->path = is_stdout(path) ? NULL : path;
    o->kind = cli_out_kind(path);
    *fd = -1;
    if (o->kind == CLI_OUT_RENAME && (*fd = open_temporary(o)) < 0)
        return -1;
    return 0;
}

/* MPI: only rank 0 writes (pool_mpi.h); the other ranks' outputs are /dev/null. */
static const char *rank_path(const char *path)
{
    return opsin_pool_mpi_rank() > 0 ? "/dev/null" : path;
}

int cli_out_open(cli_out *o, const char *path)
{
    int fd;
    path = rank_path(path);
    if (open_any(o, path, &fd))
        return -1;
    if (o->kind == CLI_OUT_STDOUT)
        o->fp = stdout;
    else
        o->fp = o->kind == CLI_OUT_DIRECT ? fopen(path, "w") : fdopen(fd, "w");
    return o->fp ? 0 : open_failed(o, fd);
}

int cli_out_open_name(cli_out *o, const char *path)
{
    int fd;
    path = rank_path(path);
    if (open_any(o, path, &fd))
        return -1;
    if (fd >= 0)
        close(fd);
    return 0;
}

const char *cli_out_name(const cli_out *o)
{
    return o->tmp ? o->tmp : o->path;
}

/* Closes the stream (not standard output, which is only flushed); -1 on a write error. */
static int close_stream(cli_out *o)
{
    if (!o->fp)
        return 0;
    int rc = o->fp == stdout ? (fflush(stdout) | ferror(stdout))
                             : (ferror(o->fp) | fclose(o->fp));
    o->fp = NULL;
    if (rc && !errno)
        errno = EIO;
    return rc ? -1 : 0;
}

int cli_out_commit(cli_out *o)
{
    errno = 0;
    int rc = close_stream(o);
    if (!rc && o->tmp && rename(o->tmp, o->target) != 0)
        rc = -1;
    int e = errno;
    if (!rc && o->tmp) { /* renamed: nothing to remove */
        cli_signals_release(o->tmp);
        o->tmp = NULL;
    }
    cli_out_discard(o);
    errno = e;
    return rc;
}

void cli_out_discard(cli_out *o)
{
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    if (o->tmp) {
        unlink(o->tmp);
        cli_signals_release(o->tmp);
    }
    free(o->target);
    memset(o, 0, sizeof *o);
}

int cli_out_finish(cli_out *o, int rc)
{
    if (rc == 0)
        return cli_out_commit(o);
    cli_out_discard(o);
    return rc < 0 ? -1 : 0;
}

/* One line for an output that could not be opened or written; EXIT_RUNTIME. */
int cli_out_failed(const char *cmd, const char *path, int opening)
{
    fprintf(stderr, "opsin %s: %s %s%s: %s\n", cmd, opening ? "cannot create" : "writing",
            cli_out_shown(path), opening ? "" : " failed", strerror(errno));
    return EXIT_RUNTIME;
}

int cli_out_write(const char *cmd, const char *path, int by_name,
                  int (*write)(void *ctx, cli_out *o), void *ctx)
{
    cli_out o;
    if (by_name ? cli_out_open_name(&o, path) : cli_out_open(&o, path))
        return cli_out_failed(cmd, path, 1);
    int rc = write(ctx, &o);
    if (rc < 0) {
        cli_out_discard(&o);
        return EXIT_RUNTIME;
    }
    return cli_out_finish(&o, rc) ? cli_out_failed(cmd, path, 0) : EXIT_OK;
}

/* ---- plots: gnuplot writes the file by name --------------------------------------------- */

typedef struct plot_ctx {
    const char *csv, *png, *xlabel, *ylabel;
    const opsin_plot_opts *o;
    int logx;
    const opsin_plot_series *s;
    size_t ns;
} plot_ctx;

static int draw_csv(void *ctx, cli_out *o)
{
    const plot_ctx *p = ctx;
    return opsin_plot_csv_opts(p->csv, p->png, cli_out_name(o), p->o, stderr);
}

static int draw_xy(void *ctx, cli_out *o)
{
    const plot_ctx *p = ctx;
    return opsin_plot_xy(p->png, cli_out_name(o), p->xlabel, p->ylabel, p->logx, p->s, p->ns,
                         stderr);
}

int cli_out_plot_csv(const char *cmd, const char *csv, const char *png, const opsin_plot_opts *o)
{
    plot_ctx p = {csv, png, NULL, NULL, o, 0, NULL, 0};
    return cli_out_write(cmd, png, 1, draw_csv, &p);
}

int cli_out_plot_xy(const char *cmd, const char *png, const char *xlabel, const char *ylabel,
                    int logx, const opsin_plot_series *s, size_t ns)
{
    plot_ctx p = {NULL, png, xlabel, ylabel, NULL, logx, s, ns};
    return cli_out_write(cmd, png, 1, draw_xy, &p);
}

/* ---- the same file twice ---------------------------------------------------------------- */

/* What a file is: its device and inode, or for a file yet to be made, its directory's and
 * its name there; standard output is what descriptor 1 is. */
typedef struct file_id {
    int known, isstd, ischr, exists;
    dev_t dev;
    ino_t ino;
    char *base; /* new files: the name in the directory */
} file_id;

static void file_id_free(file_id *f)
{
    free(f->base);
    memset(f, 0, sizeof *f);
}

/* Identifies path (an output when output is set: "-" is standard output, and a new path is
 * identified by its directory). */
static file_id identify(const char *path, int output)
{
    file_id f = {0, 0, 0, 0, 0, 0, NULL};
    struct stat st;
    f.isstd = output && is_stdout(path);
    if (f.isstd ? fstat(STDOUT_FILENO, &st) == 0 : stat(path, &st) == 0) {
        f.known = f.exists = 1;
    } else if (output && errno == ENOENT) {
        const char *base;
        char *target = follow_links(path), *dir = target ? dir_of(target, &base) : NULL;
        if (dir && stat(dir, &st) == 0 && (f.base = strdup(base)))
            f.known = 1;
        free(dir);
        free(target);
    }
    if (f.known) {
        f.dev = st.st_dev;
        f.ino = st.st_ino;
        f.ischr = f.exists && S_ISCHR(st.st_mode);
    }
    return f;
}

/* Two names of one file; a character device is shared by design (/dev/null). */
static int same_file(const file_id *a, const file_id *b)
{
    if (!a->known || !b->known || a->ischr || b->ischr || a->exists != b->exists)
        return (a->isstd && b->isstd);
    return a->dev == b->dev && a->ino == b->ino && (a->exists || !strcmp(a->base, b->base));
}

/* "-o out.csv", or "-o on standard output". */
static void describe(const cli_file *f, char *buf, size_t len)
{
    if (is_stdout(f->path))
        snprintf(buf, len, "%s on standard output", f->what);
    else
        snprintf(buf, len, "%s %s", f->what, f->path);
}

/* The one message of a collision; EXIT_USAGE. */
static int refuse(const char *cmd, const cli_file *out, const cli_file *other, int input)
{
    char a[PATH_MAX + 64], b[PATH_MAX + 64];
    describe(out, a, sizeof a);
    describe(other, b, sizeof b);
    fprintf(stderr, "opsin %s: %s is the same file as %s (expected %s)\n", cmd, a, b,
            input ? "an output that is not one of the input files" :
                    "a different file for each output");
    return EXIT_USAGE;
}

int cli_out_check(const char *cmd, const cli_file *in, size_t nin, const cli_file *out,
                  size_t nout)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < nout; i++) {
        if (!out[i].path)
            continue;
        file_id o = identify(out[i].path, 1);
        for (size_t j = 0; !rc && j < nin + i; j++) {
            const cli_file *other = j < nin ? &in[j] : &out[j - nin];
            if (!other->path)
                continue;
            file_id x = identify(other->path, j >= nin);
            if (same_file(&o, &x))
                rc = refuse(cmd, &out[i], other, j < nin);
            file_id_free(&x);
        }
        file_id_free(&o);
    }
    return rc;
}
