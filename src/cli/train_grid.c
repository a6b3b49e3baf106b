/* train_grid.c: `opsin train NET.cfg --grid KEY=SPEC ...`: the grid read and checked
 * (train/grid.h), the key of the run for --resume (the options, the network file and every
 * file it reads), the rows written to -o as they are done, a signal stopping it after the
 * last complete row. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "cli/train_grid.h"
#include "io/cfg.h"
#include "train/grid.h"

enum { MAX_INPUTS = 64 };

/* The input files of a training, each with its role. */
typedef struct train_inputs {
    cli_file file[MAX_INPUTS];
    char *own[MAX_INPUTS]; /* the copies of @include'd names */
    size_t n, nown;
} train_inputs;

static void add_input(train_inputs *t, const char *what, const char *path)
{
    if (path && t->n < MAX_INPUTS)
        t->file[t->n++] = (cli_file){what, path};
}

static void add_include(void *ctx, const char *path)
{
    train_inputs *t = ctx;
    if (t->nown < MAX_INPUTS && t->n < MAX_INPUTS && (t->own[t->nown] = strdup(path)))
        add_input(t, "an @include'd file", t->own[t->nown++]);
}

int cli_train_check_outputs(const char *net, const char *load, const opsin_netfile *nf,
                            const cli_file *out, size_t nout)
{
    train_inputs t = {{{NULL, NULL}}, {NULL}, 0, 0};
    add_input(&t, "the network file", net);
    opsin_cfg_includes(net, add_include, &t);
    add_input(&t, "--load", load);
    for (size_t i = 0; i < nf->inputs.n; i++) {
        const int config = nf->inputs.config[i];
        add_input(&t, config ? "a file of the synapse kind" : "a data file", nf->inputs.path[i]);
        if (config)
            opsin_cfg_includes(nf->inputs.path[i], add_include, &t);
    }
    int rc = cli_out_check("train", t.file, t.n, out, nout);
    for (size_t i = 0; i < t.nown; i++)
        free(t.own[i]);
    return rc;
}

/* Whether a message names its place ("FILE:LINE: ..."), else "opsin train: " goes first. */
static int located(const char *msg)
{
    const char *c = strchr(msg, ':');
    if (!c || !isdigit((unsigned char)c[1]) || strchr(msg, ' ') < c)
        return 0;
    for (c++; isdigit((unsigned char)*c); c++)
        ;
    return *c == ':';
}

typedef struct grid_progress {
    cli_progress line;
    size_t done, total;
} grid_progress;

static void progress_note(void *ctx, size_t done, size_t total)
{
    grid_progress *p = ctx;
    p->done = done;
    p->total = total;
    cli_progress_show(&p->line, "point %zu of %zu trained", done, total);
}

/* Trains the grid into out: the exit status, or -1 when the output could not be written
 * (after the message). */
static int grid_write(opsin_grid *g, const cli_train_grid_args *a, FILE *out, grid_progress *p)
{
    opsin_diag d = {""};
    size_t nfailed = 0;
    int rc = opsin_grid_run(g, a->jobs, out, stderr, progress_note, p, &nfailed, &d);
    cli_progress_end(&p->line);
    if (rc == OPSIN_ECALLBACK && cli_signals_status())
        return cli_signals_status();
    if (rc == OPSIN_EIO && cli_resume_write_failed(a->rs)) {
        fprintf(stderr, "opsin train: %s\n", d.msg);
        return -1;
    }
    if (rc == OPSIN_EIO) {
        cli_out_failed("train", a->output, 0);
        return -1;
    }
    if (rc) {
        fprintf(stderr, "opsin train: %s: %s\n", d.msg, opsin_strerror(rc));
        return -1;
    }
    if (nfailed)
        fprintf(stderr, "opsin train: %zu of %zu points failed (their columns are nan)\n",
                nfailed, opsin_grid_npoints(g));
    return nfailed ? EXIT_RUNTIME : EXIT_OK;
}

/* To -o FILE (a temporary file renamed into place) or standard output; a signal stops it
 * after the last complete row, which the file keeps. */
static int grid_output(opsin_grid *g, const cli_train_grid_args *a)
{
    cli_out out;
    grid_progress p = {{0}, 0, opsin_grid_npoints(g)};
    cli_signals_graceful(1);
    if (cli_out_open(&out, a->output))
        return cli_out_failed("train", a->output, 1);
    cli_progress_start(&p.line, "train", a->quiet);
    int rc = grid_write(g, a, out.fp, &p);
    if (rc >= 0 && cli_signals_status()) {
        if (cli_out_commit(&out))
            return cli_out_failed("train", a->output, 0);
        fprintf(stderr, "opsin train: interrupted by %s: %s holds the first %zu of %zu rows "
                "(complete, in grid order)%s\n", cli_signals_name(), cli_out_shown(a->output),
                p.done, p.total, a->rs->path ? "; --resume trains the rest" : "");
        return cli_signals_status();
    }
    cli_signals_graceful(0);
    if (rc < 0) {
        cli_out_discard(&out);
        return EXIT_RUNTIME;
    }
    if (cli_out_commit(&out))
        return cli_out_failed("train", a->output, 0);
    cli_resume_done(a->rs);
    return rc;
}

int cli_train_grid(const cli_train_grid_args *a)
{
    cli_file in[] = {{"the network file", a->net}};
    cli_file out[] = {{a->output ? "-o" : "the CSV", a->output ? a->output : "-"}};
    if (cli_out_check("train", in, 1, out, 1))
        return EXIT_USAGE;
    opsin_warnings w = {NULL, 0};
    opsin_grid_opts o = {a->net, a->sets, a->nsets, a->grids, a->ngrids, &w,
                         cli_signals_flag()};
    opsin_grid *g = NULL;
    opsin_diag d = {""};
    int rc = opsin_grid_new(&o, &g, &d);
    if (rc) {
        fprintf(stderr, "%s%s\n", located(d.msg) ? "" : "opsin train: ", d.msg);
        opsin_warnings_free(&w);
        return opsin_cli_exit_status(rc);
    }
    const opsin_netfile *base = opsin_grid_base(g);
    if (cli_train_check_outputs(a->net, NULL, base, out, 1)) {
        opsin_warnings_free(&w);
        opsin_grid_free(g);
        return EXIT_USAGE;
    }
    for (size_t i = 0; !a->quiet && i < w.n; i++)
        fprintf(stderr, "%s\n", opsin_warnings_at(&w, i));
    opsin_warnings_free(&w);
    opsin_cli_jobs_warning("train", a->jobs, a->quiet);
    cli_resume_config(a->rs, "network", a->net);
    for (size_t i = 0; i < base->inputs.n; i++)
        if (base->inputs.config[i])
            cli_resume_config(a->rs, "input", base->inputs.path[i]);
        else
            cli_resume_file(a->rs, "data", base->inputs.path[i]);
    opsin_partial *part = NULL;
    rc = cli_resume_prepare(a->rs, a->output, opsin_grid_npoints(g), a->quiet, &part);
    if (rc == 0) {
        opsin_grid_set_partial(g, part);
        rc = grid_output(g, a);
    }
    opsin_grid_free(g);
    return rc == CLI_RESUME_COMPLETE ? EXIT_OK : rc;
}
