/* grid.h: a training grid (`opsin train NET.cfg --grid KEY=SPEC ...`, opsin(1) "Training
 * grids"): one full training of the network file per point of a grid of values of its keys,
 * run on the worker pool (protocols/pool.h: threads, or MPI ranks), one CSV row per point in
 * grid order.
 *
 * A key is any --set name of the network file (training.rate, synapse.NL, seed, hidden ...)
 * or of its synapse kind (syn.R_reg, light.wavelength for the device kind), but not a
 * dataset key: the points share one copy of the data, read once.  SPEC is a list
 * "v1,v2,..." of values as --set takes them (0.05, "8kohm", '"relu"', [0.1,0.05]; commas
 * inside quotes or brackets do not split), or a range of bare numbers (SI) "FROM:TO:N"
 * (evenly spaced) or "log:FROM:TO:N" (geometric), both ends included.  The last --grid
 * varies fastest.
 *
 * Each point is trained as `opsin train NET.cfg --set ... --set KEY=VALUE ...` would train it
 * (the same numbers, to the last bit), with one thread: the points are what runs in
 * parallel.  Its row: the key values (as written; a range's as the shortest decimals that
 * read back), then the training and test accuracy after the last epoch, the mean loss of
 * the last epoch's batches, the best test accuracy over epochs 0..E and its epoch, and the
 * LTP and LTD pulses and the energy of the whole training.  No wall time: the rows are the
 * same bytes for any number of threads and ranks.
 *
 * opsin_grid_new checks every point (its network file read with the point's values, the
 * costly part of a device kind skipped) before anything runs.  A point that fails while it
 * runs (a device curve that cannot be tabulated for its values, no memory) gets nan columns
 * and a warning, and the others go on.
 */
#ifndef OPSIN_TRAIN_GRID_H
#define OPSIN_TRAIN_GRID_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "core.h"
#include "opsin.h"
#include "train/netfile.h"

/* Most --grid keys, and most points of a grid. */
enum { OPSIN_GRID_MAX_KEYS = 16, OPSIN_GRID_MAX_POINTS = 1000000 };

/* The doubles of a point's row after its key values. */
enum { OPSIN_GRID_WIDTH = 8 };

typedef struct opsin_grid opsin_grid;

typedef struct opsin_grid_opts {
    const char *net;                /* the network file */
    const char *const *sets;        /* --set NAME=VALUE for every point, in order */
    size_t nsets;
    const char *const *grids;       /* --grid KEY=SPEC, the last varies fastest */
    size_t ngrids;
    opsin_warnings *warnings;       /* the points' warnings, each line once (may be NULL) */
    volatile sig_atomic_t *cancel;  /* NULL, or a flag (a signal handler's) that stops it */
} opsin_grid_opts;

/* Reads the network file and its data once, parses every --grid and checks every point.  On
 * failure diag holds one line (a file's "FILE:LINE: ...", or "--grid KEY=SPEC: ... (expected
 * ...)", naming the point's values when only a point is wrong) and *out is untouched. */
int opsin_grid_new(const opsin_grid_opts *o, opsin_grid **out, opsin_diag *diag);
void opsin_grid_free(opsin_grid *g);

size_t opsin_grid_npoints(const opsin_grid *g);

/* The network file as read with --set alone (its data files: the resume key). */
const opsin_netfile *opsin_grid_base(const opsin_grid *g);

/* The partial file the rows also go to (protocols/partial.h), or NULL; before the run. */
struct opsin_partial;
void opsin_grid_set_partial(opsin_grid *g, struct opsin_partial *p);

/* Called on the writing thread after each row: rows done and total. */
typedef void (*opsin_grid_progress)(void *ctx, size_t done, size_t total);

/* Trains every point on `jobs` threads (or the process backend's ranks) and writes the CSV
 * (header, then a row per point in grid order, each flushed) to out; a failed point's
 * warning goes to warn (may be NULL) and *nfailed counts them.  OPSIN_EIO when writing out
 * (or the partial file) failed, OPSIN_ECALLBACK when cancelled, else what the pool returns. */
int opsin_grid_run(opsin_grid *g, unsigned jobs, FILE *out, FILE *warn,
                   opsin_grid_progress progress, void *progress_ctx, size_t *nfailed,
                   opsin_diag *diag);

#endif
