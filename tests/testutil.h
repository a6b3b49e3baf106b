/* testutil.h: helpers for the model tests: run a circuit held in a string and keep the rows. */
#ifndef OPSIN_TESTUTIL_H
#define OPSIN_TESTUTIL_H

#include <stddef.h>

#include "opsin.h"

typedef struct trace {
    size_t ncols, nrows, cap;
    double *t;    /* nrows times */
    double *v;    /* nrows x ncols values */
    double *spike_t;
    unsigned char *spike_who; /* index into spike_names of each spike's neuron */
    char spike_names[8][64];
    size_t nspikes, spike_cap, nnames;
    opsin_stats stats;
    double energy[16];         /* J, per source (opsin_sim_energy order) */
    char energy_name[16][64];
    size_t nenergy;
} trace;

/* Writes text to a fresh temporary file and returns its path (static buffer per slot 0/1). */
const char *tu_write_temp(int slot, const char *text);

/* A circuit from text (written to slot 0 and removed again); fails the test when it does not
 * load. */
opsin_circuit *tu_circuit(const char *text);

/* Runs circuit text (and stimulus text, or NULL) to t_end with output step dt_out; probes
 * NULL = the circuit's.  sets: NULL-terminated "ID.PARAM=VALUE" overrides.  Fails the test
 * on any error. */
void tu_run(trace *tr, const char *circuit, const char *stimulus, double t_end, double dt_out,
            const char *probes, const char *const *sets);

/* Same with circuit and stimulus paths (relative to the source tree). */
void tu_run_files(trace *tr, const char *circuit, const char *stimulus, double t_end,
                  double dt_out, const char *probes, const char *const *sets);

/* Same with a seed; t_end <= 0 takes the files' t_end, dt_out < 0 writes rows at the events
 * and t_end only. */
void tu_run_seeded(trace *tr, const char *circuit, const char *stimulus, double t_end,
                   double dt_out, const char *probes, const char *const *sets,
                   unsigned long seed);

/* Same with a parsed circuit and stimulus (may be NULL). */
void tu_run_built(trace *tr, const opsin_circuit *c, const opsin_stimulus *s, double t_end,
                  double dt_out, const char *probes, unsigned long seed);

/* Circuit from a file, stimulus from text. */
void tu_run_stim(trace *tr, const char *circuit_path, const char *stimulus, double t_end,
                 double dt_out, const char *probes, const char *const *sets);

/* Runs circuit and stimulus files to t_end and collects every array cell's first output at
 * map_time, row by row (at most max values; *n gets the count); *stats the run statistics. */
void tu_run_map(const char *circuit_path, const char *stimulus_path, double t_end,
                double map_time, double *values, size_t max, size_t *n, opsin_stats *stats);

/* Mean interval between the spikes of `neuron` in [t0, t1] (NAN if fewer than two). */
double tu_mean_isi(const trace *tr, const char *neuron, double t0, double t1);

/* A linear 2-state system x' = A x + b (the two-branch supercap) and its exact solution over
 * one interval with constant b: x(t) = xs + expm(A t)(x0 - xs), xs = -A^-1 b, the matrix
 * exponential by Sylvester's formula (real distinct eigenvalues: an RC network). */
typedef struct tu_lin2 {
    double a11, a12, a21, a22;
} tu_lin2;

void tu_lin2_step(const tu_lin2 *A, const double b[2], double t, double x[2]);

void tu_free(trace *tr);

/* Circuit text (as "exact.cfg") and stimulus text (as "stim.cfg", or NULL) run to 10 ms:
 * with a message, opsin_sim_new must refuse them (EINVAL) with exactly that message and they
 * then run with solver.method "auto"; the number of islands that went exact. */
size_t tu_exact_islands(const char *circuit, const char *stimulus, const char *message);

/* Value of column col at time t: the last row with row time <= t (the right side of an edge
 * at t). */
double tu_at(const trace *tr, size_t col, double t);
/* Value just before t: the last row with time < t, or the left side of an edge at t. */
double tu_before(const trace *tr, size_t col, double t);
/* Maximum of column col over [t0, t1]. */
double tu_max(const trace *tr, size_t col, double t0, double t1);

#endif
