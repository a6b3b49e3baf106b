/* opsin.h: public API of libopsin, the discrete-event circuit simulator behind `opsin`.
 *
 * A circuit file (components, connections, probes, solver settings) and an optional stimulus
 * file (current, voltage and optical sources with pulse trains) are loaded into opaque
 * handles; a simulation integrates the circuit between the events of one priority queue and
 * hands every output row to caller-supplied callbacks.  Everything inside is SI.
 *
 * Conventions: every function returns an OPSIN_* status (0 on success); on failure it fills
 * the caller's opsin_diag with one line "FILE:LINE: what is wrong (expected ...)" and leaves
 * its output arguments untouched.  The library never exits, aborts or keeps global state.
 */
#ifndef OPSIN_H
#define OPSIN_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum opsin_status {
    OPSIN_OK = 0,
    OPSIN_EIO,      /* a file could not be read or written */
    OPSIN_EPARSE,   /* a file is not valid libconfig */
    OPSIN_EINVAL,   /* a value, name or combination is not allowed */
    OPSIN_ENOMEM,   /* out of memory */
    OPSIN_ESOLVER,  /* the integrator failed */
    OPSIN_ECALLBACK /* a caller's callback asked to stop */
};

/* One diagnostic line, filled by any failing call. */
typedef struct opsin_diag {
    char msg[640];
} opsin_diag;

typedef struct opsin_circuit opsin_circuit;
typedef struct opsin_stimulus opsin_stimulus;
typedef struct opsin_sim opsin_sim;

/* Text for a status code; never NULL. */
const char *opsin_strerror(int status);

/* Version string of the library, e.g. "0.1.0". */
const char *opsin_version(void);

/* Parses and validates a circuit file.  On success *out owns the circuit. */
int opsin_circuit_load(const char *path, opsin_circuit **out, opsin_diag *diag);
void opsin_circuit_free(opsin_circuit *c);

/* Overrides one parameter, "ID.PARAM", with a value string as a file would hold it ("8 kohm",
 * "open", "1e-6").  The circuit is unchanged on failure. */
int opsin_circuit_set(opsin_circuit *c, const char *key, const char *value, opsin_diag *diag);

/* The same from one "ID.PARAM=VALUE" string (a --set option); the message starts with
 * "--set ". */
int opsin_circuit_assign(opsin_circuit *c, const char *assignment, opsin_diag *diag);

/* Unit of the output "ID.OUTPUT" ("ID." alone: the component's first output); "" if none. */
const char *opsin_circuit_output_unit(const opsin_circuit *c, const char *probe);

/* Prints the resolved circuit: every component with every parameter in SI (defaults marked),
 * inputs, connections, probes, solver settings and t_end. */
void opsin_circuit_print(const opsin_circuit *c, FILE *fp);

/* Parses a stimulus file against a circuit (targets must name its components).  The stimulus
 * keeps a pointer to nothing in the circuit: it may outlive it. */
int opsin_stimulus_load(const char *path, const opsin_circuit *c, opsin_stimulus **out,
                        opsin_diag *diag);
/* The same from libconfig text in memory; `name` stands for the file in messages. */
int opsin_stimulus_parse(const char *text, const char *name, const opsin_circuit *c,
                         opsin_stimulus **out, opsin_diag *diag);
void opsin_stimulus_free(opsin_stimulus *s);
void opsin_stimulus_print(const opsin_stimulus *s, FILE *fp);

/* Options of one transient run.  t_end > 0 is required; dt_out <= 0 means t_end/1000. */
typedef struct opsin_run_opts {
    double t_end;          /* s */
    double dt_out;         /* s, output grid step */
    unsigned long seed;    /* seed of every random stream (noise, variability) */
    const char *probes;    /* comma-separated "ID.OUTPUT" list, NULL = the circuit's probes */
    const double *map_times; /* s, ascending: when to report every array cell (may be NULL) */
    size_t nmap_times;
} opsin_run_opts;

/* Default run options: t_end from the stimulus file, else from the circuit file, else 0
 * (unset); dt_out 0 (t_end/1000); seed 1; the circuit's probes.  s may be NULL. */
opsin_run_opts opsin_run_opts_default(const opsin_circuit *c, const opsin_stimulus *s);

/* Called once with the column names and units, then once per output row.  Both sides of a
 * discontinuity appear as two rows with the same t.  A non-zero return stops the run with
 * OPSIN_ECALLBACK. */
typedef struct opsin_sink {
    int (*header)(void *ctx, size_t ncols, const char *const *names, const char *const *units);
    int (*row)(void *ctx, double t, const double *values, size_t ncols);
    int (*spike)(void *ctx, double t, const char *neuron);
    /* At each map time: the first output (e.g. conductance G) of every array cell, after the
     * events of that time; unit names its unit.  May be NULL. */
    int (*map)(void *ctx, double t, const char *array, size_t row, size_t col, double value,
               const char *unit);
    void *ctx;
} opsin_sink;

/* Creates a simulation of a circuit (and a stimulus, or NULL).  Both must outlive the sim. */
int opsin_sim_new(const opsin_circuit *c, const opsin_stimulus *s, const opsin_run_opts *opts,
                  opsin_sim **out, opsin_diag *diag);
void opsin_sim_free(opsin_sim *sim);

/* Runs the simulation from 0 to t_end, calling the sink.  Can be called once per sim. */
int opsin_sim_run(opsin_sim *sim, const opsin_sink *sink, opsin_diag *diag);

/* Run statistics, accumulated over every island and every re-initialisation. */
typedef struct opsin_stats {
    unsigned long events;     /* queue events processed */
    unsigned long spikes;
    unsigned long steps;      /* integrator steps, all islands */
    unsigned long rhs_evals;  /* right-hand-side evaluations, all islands */
    unsigned long reinits;
    unsigned long rows;
    size_t islands;
    double wall_s;
} opsin_stats;

int opsin_sim_stats(const opsin_sim *sim, opsin_stats *out);

/* Energy delivered by source i (0 <= i < opsin_sim_nsources), in J; name gets its id. */
size_t opsin_sim_nsources(const opsin_sim *sim);
int opsin_sim_energy(const opsin_sim *sim, size_t i, const char **name, double *joules);

/* Prints the summary (events, spikes, solver statistics, energy per source) as text. */
void opsin_sim_print_summary(const opsin_sim *sim, FILE *fp);

/* Model catalogue, for `opsin models`. */
size_t opsin_model_count(void);
const char *opsin_model_name(size_t i);
/* Prints one model's description, equations, source and parameter table; EINVAL if unknown. */
int opsin_model_describe(const char *name, FILE *fp);

/* Converts a value string with a unit ("10 ms", "8 kohm", "5 mW/cm2") to SI for a quantity
 * whose SI unit is si_unit ("s", "ohm", "W/m2", ...).  A bare number is taken as SI. */
int opsin_units_parse(const char *text, const char *si_unit, double *out, opsin_diag *diag);

/* Values from a specification: a list "500,1 kohm,open" ("open" = +inf when allow_open), a
 * linear range "FROM:TO:N" or a geometric one "log:FROM:TO:N" (N >= 2 points, both ends
 * exact), numbers with units of si_unit.  *values is malloc'd; EINVAL with "'SPEC': what is
 * wrong (expected ...)" in diag. */
int opsin_values_parse(const char *spec, const char *si_unit, int allow_open, double **values,
                       size_t *n, opsin_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
