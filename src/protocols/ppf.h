/* ppf.h: the paired-pulse protocol: two pulses per interval (start to start) on a device,
 * A1 and A2 measured on a probe by a stated rule, intervals run in parallel.
 *
 * The circuit file is read once; each interval is its own simulation of it with a stimulus
 * built in code (pulse 1 at t = width, pulse 2 at t = width + interval), so intervals are
 * independent and the rows come back in the order of the intervals whatever the number of
 * worker threads (the worker pool, pool.h; the failure reported is the lowest interval's).  Rules: peak = the value of largest magnitude during each pulse (output rows
 * on a grid of width/50 plus both edges: the right side of the rising edge, the left side of
 * the falling edge); at:T = the value T after each falling edge (after the events there).
 */
#ifndef OPSIN_PPF_H
#define OPSIN_PPF_H

#include <stddef.h>

#include "opsin.h"

enum opsin_ppf_rule { OPSIN_PPF_PEAK, OPSIN_PPF_AT };

typedef struct opsin_ppf_opts {
    const char *circuit;           /* circuit file */
    const char *const *sets;       /* "ID.PARAM=VALUE" overrides */
    size_t nsets;
    const char *target;            /* measured "ID.OUTPUT"; NULL: the circuit's first probe */
    const char *source;            /* driven component; NULL: the target's component */
    const double *intervals;       /* s, start to start, each > width */
    size_t nintervals;
    double width;                  /* s */
    double amplitude;              /* A, V or W/m2 by kind */
    int kind;                      /* enum opsin_source_kind */
    double wavelength;             /* m, optical only */
    int rule;                      /* enum opsin_ppf_rule */
    double rule_t;                 /* s, at:T */
    unsigned long seed;
    size_t jobs;                   /* worker threads, >= 1 */
    double max_memory;             /* bytes each run may need (opsin_run_opts); 0: no limit */
    struct opsin_partial *partial; /* NULL, or the partial file of the rows (partial.h) */
} opsin_ppf_opts;

/* Default: current pulses of 1 ms, peak rule, seed 1, one job, nothing else set. */
opsin_ppf_opts opsin_ppf_opts_default(void);

typedef struct opsin_ppf_row {
    double interval, a1, a2; /* s, probe unit, probe unit */
} opsin_ppf_row;

/* Runs every interval; rows[i] belongs to intervals[i].  unit (at least 32 chars) gets the
 * probe's unit and target its resolved "ID.OUTPUT" (at least 160 chars).  EINVAL/EPARSE/EIO
 * for bad options or files (nothing run), ESOLVER/ENOMEM if a run failed. */
int opsin_ppf_run(const opsin_ppf_opts *o, opsin_ppf_row *rows, char *unit, char *target,
                  opsin_diag *diag);

#endif
