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
 *
 * Warnings: what is valid but probably not meant (a value orders of magnitude outside its
 * usual range, a run in which a source or probe does nothing) is kept by the circuit, the
 * stimulus or the simulation as lines "FILE:LINE: warning: ..." or "warning: ...", read
 * with opsin_circuit_warning, opsin_stimulus_warning and opsin_sim_warning.  The library
 * never prints them.
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

/* A deep copy of c (components, materials, arrays, connections, probes, solver settings,
 * warnings): the cheap way to make variants of one parsed circuit.  ENOMEM leaves *out
 * untouched. */
int opsin_circuit_copy(const opsin_circuit *c, opsin_circuit **out);

/* The circuit's warnings, i from 0 to opsin_circuit_nwarnings - 1 (NULL past the end): a
 * value of the file, or of opsin_circuit_set/_assign, far outside its parameter's usual range
 * ("FILE:LINE: warning: C_m = 100 F is far outside the usual 1 pF .. 10 uF: did you mean
 * \"100 pF\"?"; the usual ranges are in the models' tables, `opsin models NAME`). */
size_t opsin_circuit_nwarnings(const opsin_circuit *c);
const char *opsin_circuit_warning(const opsin_circuit *c, size_t i);

/* Finds "ID.PARAM" (a numeric parameter of component ID): its component and parameter
 * indices, and the parameter's SI unit ("" if dimensionless) and whether "open" (+inf) is
 * allowed.  EINVAL with "'KEY' is not a numeric parameter ... (expected ...)" otherwise. */
typedef struct opsin_param_ref {
    size_t comp, param;
    const char *unit;
    int allow_open;
} opsin_param_ref;
int opsin_circuit_param_find(const opsin_circuit *c, const char *key, opsin_param_ref *out,
                             opsin_diag *diag);

/* Sets one parameter to v (SI, +INFINITY for "open"), checks its bounds and the model's
 * cross-checks, and re-derives the parameters that depend on it.  The circuit is unchanged
 * on failure (EINVAL, "ID.PARAM = V UNIT is out of range (expected ...)"). */
int opsin_circuit_set_param(opsin_circuit *c, const opsin_param_ref *p, double v,
                            opsin_diag *diag);
/* The current value of a parameter, SI. */
double opsin_circuit_get_param(const opsin_circuit *c, const opsin_param_ref *p);

/* Overrides one parameter, "ID.PARAM", with a value string as a file would hold it ("8 kohm",
 * "open", "1e-6").  The circuit is unchanged on failure; a value far outside the usual range
 * adds a warning. */
int opsin_circuit_set(opsin_circuit *c, const char *key, const char *value, opsin_diag *diag);

/* The same from one "ID.PARAM=VALUE" string (a --set option); the message starts with
 * "--set", a warning with "warning: --set". */
int opsin_circuit_assign(opsin_circuit *c, const char *assignment, opsin_diag *diag);

/* A probe: output `output` of component `comp` (indices into the circuit's tables); with
 * pop > 0 (comp -1), output `output` of member `member` of population pop - 1 ("exc[3].V"),
 * or with member -1 and output 0 the firing rate of the whole population in Hz ("exc.rate",
 * the only summary of a population so far). */
typedef struct opsin_probe {
    int comp;
    int output;
    int pop;
    long member;
} opsin_probe;

/* Parses one "ID.OUTPUT", "POP[K].OUTPUT" or "POP.rate" (text from a file or the command
 * line).  EINVAL with a message that starts with `where` (a file or an option; line > 0 adds
 * ":LINE"). */
int opsin_probe_parse(const opsin_circuit *c, const char *text, opsin_probe *out,
                      const char *where, int line, opsin_diag *diag);
/* Parses a comma-separated list of "ID.OUTPUT" into a malloc'd array. */
int opsin_probes_parse(const opsin_circuit *c, const char *list, opsin_probe **out, size_t *n,
                       const char *where, int line, opsin_diag *diag);
/* The probe's SI unit ("Hz" for a population's rate), and its name "ID.OUTPUT" (or
 * "POP[K].OUTPUT", "POP.rate") written into buf (len bytes). */
const char *opsin_probe_unit(const opsin_circuit *c, opsin_probe p);
void opsin_probe_name(const opsin_circuit *c, opsin_probe p, char *buf, size_t len);
/* The circuit's own probes (from its file, or every component's first output and every
 * population's rate). */
size_t opsin_circuit_nprobes(const opsin_circuit *c);
opsin_probe opsin_circuit_probe_at(const opsin_circuit *c, size_t i);

/* The circuit's populations (networks), in the order of its file: how many, and population
 * i's id with, in *size, its number of members (numbered among all members on from the
 * previous population's, as in the spike list's ID[K] and the raster of a plot). */
size_t opsin_circuit_npopulations(const opsin_circuit *c);
const char *opsin_circuit_population(const opsin_circuit *c, size_t i, size_t *size);

/* What a run of c refuses before its stimulus is known (opsin check asks it too): components
 * beside populations, solver.method "cvode" for populations.  EINVAL with the message. */
int opsin_circuit_runnable(const opsin_circuit *c, opsin_diag *d);

/* The data files a circuit and a stimulus read besides themselves (a projection's synapse
 * list, a spike source's times), i from 0; NULL past the last: an output must not be one. */
const char *opsin_circuit_data_file(const opsin_circuit *c, size_t i);
const char *opsin_stimulus_data_file(const opsin_stimulus *s, size_t i);

/* Unit of the output "ID.OUTPUT" ("ID." alone: the component's first output); "" if none. */
const char *opsin_circuit_output_unit(const opsin_circuit *c, const char *probe);

/* Prints the resolved circuit: every component with every parameter in SI (defaults marked),
 * inputs, connections, probes, solver settings and t_end. */
void opsin_circuit_print(const opsin_circuit *c, FILE *fp);

/* ---- stimuli ----------------------------------------------------------------------------
 * A stimulus is a list of sources, each of one kind, driving target components, with pulse
 * trains.  It is built from a file (opsin_stimulus_load) or in code (new, add_source,
 * add_train), and changed by typed parameters (opsin_stimulus_param_find/_set_param); every
 * check of the file reader applies to each of these, with the message composed where the
 * fault is found: "NAME:LINE: what is wrong (expected ...)", NAME the stimulus' name. */
enum opsin_source_kind { OPSIN_SRC_CURRENT, OPSIN_SRC_VOLTAGE, OPSIN_SRC_OPTICAL };

/* Shape multiplying a source's value inside each pulse: rectangular (none), a raised
 * sinusoid (1 + sin(2 pi f (t - pulse start) + phase))/2 swinging between 0 and 1, or an
 * exponential decay exp(-(t - pulse start)/tau). */
enum opsin_envelope_kind { OPSIN_ENV_RECT, OPSIN_ENV_SINE, OPSIN_ENV_EXP };

/* A spike's voltage waveform on a synapse (opsin stdp, device synapses in networks): a first
 * phase of `amplitude` for `width`, then for the tails a phase starting at -tail x amplitude
 * for tail_width, decaying with tail_tau (exp) or linearly to 0 (linear); or a table (PWL). */
enum opsin_spike_shape { OPSIN_SPIKE_RECT, OPSIN_SPIKE_EXP_TAIL, OPSIN_SPIKE_LIN_TAIL,
                         OPSIN_SPIKE_PWL };

typedef struct opsin_source_spec {
    const char *id;
    int kind;                   /* enum opsin_source_kind */
    double wavelength;          /* m, optical sources only */
    int envelope;               /* enum opsin_envelope_kind */
    double frequency, phase;    /* Hz, rad: sine envelope */
    double tau;                 /* s: exp envelope */
    const char *const *targets; /* ids of components, or of arrays (all their cells) */
    size_t ntargets;
    int line, targets_line;     /* lines for messages (0: none) */
} opsin_source_spec;

/* `count` pulses of `width` every `period` from `start`; pulse k's amplitude runs linearly
 * from amplitude (k = 0) to amplitude_end (the last), and inside a pulse its value is
 * amplitude + slope (t - pulse start).  Units by the source's kind: A, V or W/m2 (slope per s). */
typedef struct opsin_train_spec {
    double start, width, period; /* s; period needed when count > 1, >= width */
    double count;                /* a whole number, 0 .. 1e6 */
    double amplitude;            /* A | V | W/m2 (the file's irradiance for light) */
    double amplitude_end;        /* NAN: the same as amplitude */
    double slope;                /* A/s | V/s | W/m2/s */
    int line;                    /* for messages (0: none) */
} opsin_train_spec;

/* Specs with every field at its default: a current source with no targets; one pulse. */
opsin_source_spec opsin_source_spec_default(void);
opsin_train_spec opsin_train_spec_default(void);

/* An empty stimulus; `name` stands for the file in messages. */
int opsin_stimulus_new(const char *name, opsin_stimulus **out);
/* Adds a source (ids unique; targets must be components or arrays of c that take the
 * source's kind of drive); *index (may be NULL) gets its index. */
int opsin_stimulus_add_source(opsin_stimulus *s, const opsin_circuit *c,
                              const opsin_source_spec *spec, size_t *index, opsin_diag *diag);
/* Appends a pulse train to source `source`; its pulses must not overlap any other. */
int opsin_stimulus_add_train(opsin_stimulus *s, size_t source, const opsin_train_spec *t,
                             opsin_diag *diag);
/* End time carried by the stimulus (s, 0: none). */
void opsin_stimulus_set_t_end(opsin_stimulus *s, double t_end);
/* A deep copy.  ENOMEM leaves *out untouched. */
int opsin_stimulus_copy(const opsin_stimulus *s, opsin_stimulus **out);

/* The stimulus' warnings (NULL past the end): a value of its file far outside the usual range
 * of its key (amplitude, irradiance, width, wavelength, ...). */
size_t opsin_stimulus_nwarnings(const opsin_stimulus *s);
const char *opsin_stimulus_warning(const opsin_stimulus *s, size_t i);

/* A parameter of a stimulus: "SOURCE.KEY" (a source key, or a train key of a source given
 * as one train) or "SOURCE.trainN.KEY" (its N-th train, from 1), KEY from the stimulus key
 * table (opsin_stimulus_key_count).  unit: its SI unit for that source's kind. */
typedef struct opsin_stimulus_param {
    size_t source, train; /* train: index into the source's trains */
    int key;              /* row of the key table */
    const char *unit;
} opsin_stimulus_param;
int opsin_stimulus_param_find(const opsin_stimulus *s, const char *name,
                              opsin_stimulus_param *out, opsin_diag *diag);
/* Sets a parameter (SI) and re-checks and re-expands its source as the reader would.  The
 * stimulus is unchanged on failure. */
int opsin_stimulus_set_param(opsin_stimulus *s, const opsin_stimulus_param *p, double v,
                             opsin_diag *diag);
/* Sets n parameters together, then checks: values that are only valid together (a shorter
 * width with a shorter period) pass.  The stimulus is unchanged on failure. */
int opsin_stimulus_set_params(opsin_stimulus *s, const opsin_stimulus_param *p, const double *v,
                              size_t n, opsin_diag *diag);

/* The stimulus key table: every key a source or train group may hold, with its unit
 * ("" dimensionless; for amplitude and slope, the unit of the source's kind), level and doc. */
size_t opsin_stimulus_key_count(void);
/* Row i: name, level ("source" or "train"), the kinds it belongs to ("current, voltage",
 * ...), unit text and doc; NULL past the end. */
const char *opsin_stimulus_key_name(size_t i);
void opsin_stimulus_key_print(FILE *fp);

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
/* Which crossings of a level a watch counts. */
enum opsin_watch_dir { OPSIN_WATCH_CROSS, OPSIN_WATCH_RISE, OPSIN_WATCH_FALL };

/* A level crossing of probe `probe` (an index into the run's probes) to find on the probe's
 * own continuous solution rather than between output rows: the time of the nth crossing in
 * direction dir (enum opsin_watch_dir), nth 0 the last (opsin_sim_watch_time).  A crossing is
 * a change of side of `level`: a value that touches it and goes back is none. */
typedef struct opsin_watch {
    size_t probe;
    double level;
    int dir;
    long nth;
} opsin_watch;

typedef struct opsin_run_opts {
    double t_end;          /* s */
    double dt_out;         /* s, output grid step */
    unsigned long seed;    /* seed of every random stream (noise, variability) */
    const opsin_probe *probes; /* what to record; NULL = the circuit's probes */
    size_t nprobes;
    const double *map_times; /* s, ascending: when to report every array cell (may be NULL) */
    size_t nmap_times;
    double max_memory;       /* bytes the simulation may hold (opsin_sim_estimate), checked
                                before anything is built; 0: no limit */
    unsigned jobs;           /* threads that advance a network's members (0 or 1: one); the
                                result is the same bits for any number */
    const opsin_watch *watches; /* level crossings to find on the solution (may be NULL) */
    size_t nwatches;
} opsin_run_opts;

/* Default run options: t_end from the stimulus file, else from the circuit file, else 0
 * (unset); dt_out 0 (t_end/1000); seed 1; the circuit's probes; no memory limit.  s may be
 * NULL. */
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

/* The bytes a simulation of c (and st, or NULL) will hold once running, estimated from its
 * islands without building them: 15 KiB per island, 1 KiB per state, 16 n^2 bytes for the
 * matrices of an island of n states (dense; 16 (3 w + 1) n banded).  ENOMEM. */
int opsin_sim_estimate(const opsin_circuit *c, const opsin_stimulus *st, double *bytes);

/* Creates a simulation of a circuit (and a stimulus, or NULL).  Both must outlive the sim.
 * EINVAL when its estimate exceeds opts->max_memory; ENOMEM ("out of memory ...") when an
 * allocation fails. */
int opsin_sim_new(const opsin_circuit *c, const opsin_stimulus *s, const opsin_run_opts *opts,
                  opsin_sim **out, opsin_diag *diag);
void opsin_sim_free(opsin_sim *sim);

/* Runs the simulation from 0 to t_end, calling the sink.  Can be called once per sim. */
int opsin_sim_run(opsin_sim *sim, const opsin_sink *sink, opsin_diag *diag);

/* After a run: the time (s) of watch i of the run's options into *t (NAN when there is no
 * such crossing), OPSIN_OK; OPSIN_EINVAL when the run could not follow it on the solution
 * (a population's probe, an island advanced by matrix exponentials), and the caller falls
 * back to its output rows.  CVODE islands are checked at every integrator step and solved on
 * its interpolant, closed-form neurons over each segment between events, to the last bit of
 * the time; a change of side at an event is a crossing at the event's time. */
int opsin_sim_watch_time(const opsin_sim *sim, size_t i, double *t);

/* The run's warnings, "warning: ..." (NULL past the end).  opsin_sim_new finds what will do
 * nothing: a source whose pulses all start at or after t_end or are all 0, a source whose
 * drive its target's model calls inert (a phototrap's gate with k_e = k_d = k_p = 0);
 * opsin_sim_run adds that nothing drives the circuit (no stimulus, no connections) when no
 * probe moved and nothing spiked, and every probe that never left its first value. */
size_t opsin_sim_nwarnings(const opsin_sim *sim);
const char *opsin_sim_warning(const opsin_sim *sim, size_t i);

/* Rows the run will write at least: the output grid and both sides of every stimulus edge
 * before t_end (spikes add more). */
double opsin_sim_rows_estimate(const opsin_sim *sim);

/* Run statistics, accumulated over every island and every re-initialisation. */
typedef struct opsin_stats {
    unsigned long events;     /* queue events processed */
    unsigned long spikes;
    unsigned long steps;      /* integrator steps, all islands */
    unsigned long rhs_evals;  /* right-hand-side evaluations, all islands */
    unsigned long reinits;
    unsigned long rows;
    size_t islands;
    size_t exact_islands;     /* of those, the ones advanced in closed form (solver.method) */
    double wall_s;
    unsigned long pulses;           /* of the stimulus' sources (once per source) */
    unsigned long pulses_after_end; /* of those, the ones that start after t_end: never run */
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
/* The same tables for scripts: one line per row, five fields separated by tabs (no field holds
 * a tab or a newline).  "param", NAME, UNIT ("" dimensionless), DEFAULT ("open", "(required)",
 * "(none)" for a parameter naming another component, or a number), MEANING; then "state",
 * NAME, UNIT, the natural size of its absolute tolerance (SI), MEANING; then "output", NAME,
 * UNIT, "", MEANING.  EINVAL if unknown. */
int opsin_model_tabulate(const char *name, FILE *fp);

/* Converts a value string with a unit ("10 ms", "8 kohm", "5 mW/cm2") to SI for a quantity
 * whose SI unit is si_unit ("s", "ohm", "W/m2", ...).  A bare number is taken as SI. */
int opsin_units_parse(const char *text, const char *si_unit, double *out, opsin_diag *diag);

/* Values from a specification: a list "500,1 kohm,open" ("open" = +inf when allow_open), a
 * linear range "FROM:TO:N" or a geometric one "log:FROM:TO:N" (N >= 2 points, both ends
 * exact), numbers with units of si_unit.  *values is malloc'd; EINVAL with "'SPEC': what is
 * wrong (expected ...)" in diag. */
int opsin_values_parse(const char *spec, const char *si_unit, int allow_open, double **values,
                       size_t *n, opsin_diag *diag);

/* n >= 2 values from `from` to `to`, both ends exact, evenly spaced (value i the weighted
 * mean (from (n-1-i) + to i)/(n-1): exact whenever it is representable, so whole numbers stay
 * whole) or (geometric) in constant ratio; *values is malloc'd.  EINVAL for n < 2 or a geometric range with an end
 * <= 0, ENOMEM. */
int opsin_values_range(double from, double to, size_t n, int geometric, double **values);

/* Index of s among names[0..n-1], or -1; then `expected` (len bytes) lists the names as
 * "\"a\", \"b\" or \"c\"", for the one error form "unknown WHAT 'S' (expected ...)". */
int opsin_name_lookup(const char *const *names, size_t n, const char *s, char *expected,
                      size_t len);

/* Name ("current", "voltage", "optical") and SI unit ("A", "V", "W/m2") of a source kind;
 * NULL when kind is not an enum opsin_source_kind. */
const char *opsin_source_kind_name(int kind);
const char *opsin_source_kind_unit(int kind);

#ifdef __cplusplus
}
#endif
#endif
