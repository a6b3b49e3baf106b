/* sweep.h: parameter sweeps: one run per point of a grid of circuit and stimulus parameters,
 * named measures per run, one CSV row per point in grid order, runs in parallel.
 *
 * A sweep is parsed and validated whole by opsin_sweep_new (every value of every --set, every
 * grid point's combination of values, every measure) before anything runs; opsin_sweep_run
 * then runs the points on the worker pool (pool.h) and writes row k only once rows 0 .. k are done,
 * so the output is the same byte for byte whatever the number of threads.  Every point uses
 * the same seed (common random numbers): rows differ only by the swept parameters.
 */
#ifndef OPSIN_SWEEP_H
#define OPSIN_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "opsin.h"

typedef struct opsin_sweep opsin_sweep;

typedef struct opsin_sweep_opts {
    const char *circuit;          /* circuit file */
    const char *stimulus;         /* stimulus file or NULL */
    const char *const *sets;      /* "ID.PARAM=SPEC" (circuit) or "SOURCE[.trainN].KEY=SPEC" */
    size_t nsets;                 /* the last one varies fastest */
    const char *const *measures;  /* "[PROBE:]NAME[:ARG][,...]" each */
    size_t nmeasures;
    double t_end;                 /* s; <= 0: the files' t_end */
    double dt_out;                /* s; 0: t_end/1000 */
    unsigned long seed;
    double max_memory;            /* bytes each run may need (opsin_run_opts); 0: no limit */
    volatile sig_atomic_t *cancel; /* NULL, or a flag (a signal handler's) that stops the run */
} opsin_sweep_opts;

/* Parses and validates a sweep (loads the files, applies every value, builds the grid).  On
 * failure diag holds one line "what is wrong (expected ...)" and *out is untouched: OPSIN_EINVAL
 * for bad specifications, the load status for bad files. */
int opsin_sweep_new(const opsin_sweep_opts *o, opsin_sweep **out, opsin_diag *diag);
void opsin_sweep_free(opsin_sweep *sw);

/* The partial file the rows also go to (protocols/partial.h: restored rows first, then
 * each row as it is written), or NULL; before opsin_sweep_run. */
struct opsin_partial;
void opsin_sweep_set_partial(opsin_sweep *sw, struct opsin_partial *p);

/* Number of grid points (rows). */
size_t opsin_sweep_npoints(const opsin_sweep *sw);

/* The circuit and stimulus (NULL: none) read from the files, as they are before any point's
 * values: for their warnings (opsin_circuit_warning). */
const opsin_circuit *opsin_sweep_circuit(const opsin_sweep *sw);
const opsin_stimulus *opsin_sweep_stimulus(const opsin_sweep *sw);

/* Called by the writing thread after each row: rows done and total. */
typedef void (*opsin_sweep_progress)(void *ctx, size_t done, size_t total);

/* Runs every point on `jobs` threads (>= 1) and writes the CSV (header, then one row per
 * point in grid order, each flushed once it and all rows before it are done) to out.  A run
 * that fails gets "nan" measures and one line on warn (which may be NULL); *nfailed counts
 * them.  Returns OPSIN_EIO if writing out failed (the remaining runs are cancelled),
 * OPSIN_ECALLBACK when *cancel was set before the last row (out then holds the header and
 * rows 1 .. k, complete and as an uncancelled sweep writes them; the progress callback saw
 * k), OPSIN_ENOMEM, OPSIN_EINVAL if it already ran, else OPSIN_OK. */
int opsin_sweep_run(opsin_sweep *sw, unsigned jobs, FILE *out, FILE *warn,
                    opsin_sweep_progress progress, void *progress_ctx, size_t *nfailed,
                    opsin_diag *diag);


#endif
