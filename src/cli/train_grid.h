/* train_grid.h: `opsin train NET.cfg --grid KEY=SPEC ...` (src/cli/train_grid.c): a training
 * per point of a grid of the network file's values, one CSV row per point (train/grid.h), on
 * threads or MPI ranks, resumable with --resume (cli/resume.h). */
#ifndef OPSIN_CLI_TRAIN_GRID_H
#define OPSIN_CLI_TRAIN_GRID_H

#include <stddef.h>

#include "cli/resume.h"

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

/* Runs the grid; the exit status (2 for bad input, with one line and nothing written; 1
 * when a point failed or writing failed; 130/143 when a signal stopped it). */
int cli_train_grid(const cli_train_grid_args *a);

#endif
