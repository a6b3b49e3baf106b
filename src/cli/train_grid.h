/* train_grid.h: `opsin train NET.cfg --grid KEY=SPEC ...` (src/cli/train_grid.c): a training
 * per point of a grid of the network file's values, one CSV row per point (train/grid.h), on
 * threads or MPI ranks, resumable with --resume (cli/resume.h). */
#ifndef OPSIN_CLI_TRAIN_GRID_H
#define OPSIN_CLI_TRAIN_GRID_H

#include <stddef.h>

#include "cli/output.h"
#include "cli/resume.h"
#include "train/netfile.h"

typedef struct cli_train_grid_args {
    const char *net, *output;         /* the network file; -o (NULL: standard output) */
    const char *const *sets;          /* --set, --epochs, --seed as --set */
    size_t nsets;
    const char *const *grids;         /* --grid KEY=SPEC */
    size_t ngrids;
    unsigned jobs;                    /* points trained at once */
    int quiet;
    cli_resume *rs;                   /* the key of the run, --resume */
} cli_train_grid_args;

/* For opsin train with or without --grid, once the network file is read: an output out[i]
 * that is the network file, the --load state (NULL: none), a file the network file names
 * (its data, a device kind's circuit and stimuli) or one any of these @includes is refused
 * with one line (cli_out_check) and EXIT_USAGE, before anything is written. */
int cli_train_check_outputs(const char *net, const char *load, const opsin_netfile *nf,
                            const cli_file *out, size_t nout);

/* Runs the grid; the exit status (2 for bad input, with one line and nothing written; 1
 * when a point failed or writing failed; 130/143 when a signal stopped it). */
int cli_train_grid(const cli_train_grid_args *a);

#endif
