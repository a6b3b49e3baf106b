/* measure.h: named scalar measures of one run (peak, final, spike rate, dG per pulse, the
 * time of a crossing, an integral, ...), the --measure items that name them, and the record
 * of a run they are evaluated over; shared by `opsin run` and `opsin sweep`.
 *
 * A measure is one row of a table: name, unit, what it needs (the probe's rows, a neuron's
 * spikes, the pulses of a stimulus source, arguments) and a function over what one run
 * recorded.  A new measure is one row in measure.c.  Everything is SI.
 *
 * The files: measure.c the table and the functions, measure_bind.c the items
 * "[PROBE:]NAME[:ARG...]" bound to a circuit and stimulus, measure_record.c what a run records
 * for them and their evaluation.
 */
#ifndef OPSIN_MEASURE_H
#define OPSIN_MEASURE_H

#include <stddef.h>
#include <stdio.h>

#include "core.h"

/* What a measure reads besides the run's end time and energy. */
enum opsin_measure_need {
    OPSIN_MEAS_NONE = 0,     /* run totals only (energy) */
    OPSIN_MEAS_ROWS = 1,     /* the probe's rows: value probe ID.OUTPUT */
    OPSIN_MEAS_SPIKES = 2,   /* the spikes of a neuron: probe ID */
    OPSIN_MEAS_PULSES = 4    /* the pulses of a stimulus source (and the probe's rows) */
};

/* The arguments after NAME: none; a time (at:T, required); a source id (optional); a window
 * T1:T2 (optional, default the whole run); a level crossing
 * [PROBE=]VALUE[:rise|fall|cross][:N|last] (VALUE required). */
enum opsin_measure_arg {
    OPSIN_MARG_NONE,
    OPSIN_MARG_TIME,
    OPSIN_MARG_SOURCE,
    OPSIN_MARG_WINDOW,
    OPSIN_MARG_LEVEL
};

/* Which crossings of a level count. */
enum opsin_measure_dir { OPSIN_MDIR_CROSS, OPSIN_MDIR_RISE, OPSIN_MDIR_FALL };

/* One pulse as the measures see it: [start, end], s, its edges where the run put them. */
typedef struct opsin_measure_pulse {
    double start, end;
} opsin_measure_pulse;

/* What one run recorded, as a measure sees it.  Rows are in time order and hold both sides
 * of every event (two rows with the same t: left side first). */
typedef struct opsin_measure_input {
    const double *t;      /* s, nrows row times */
    const double *v;      /* the probe's column, stride `stride` (NULL if not recorded) */
    size_t stride;
    size_t nrows;
    const double *spikes; /* s, the probe neuron's spike times */
    size_t nspikes;
    const opsin_measure_pulse *pulses; /* the source's pulses, by start */
    size_t npulses;
    double t_end;   /* s */
    double energy;  /* J, all sources and connections */
    double arg;     /* the time of at:T, the start T1 of a window (-inf: none), the level */
    double arg2;    /* the end T2 of a window (+inf: none) */
    int dir;        /* the crossings that count: enum opsin_measure_dir */
    long nth;       /* the crossing that counts: 1 the first, 0 the last */
    int followed;   /* 1: the run followed the crossing on the solution (opsin_sim_watch_time) */
    double crossing; /* s, its time then (NAN: none) */
} opsin_measure_input;

typedef struct opsin_measure_def {
    const char *name;
    /* "" the probe's unit; "* s" the probe's unit times s (an integral); else the measure's
     * own ("1" dimensionless) */
    const char *unit;
    unsigned needs;    /* OPSIN_MEAS_* bits */
    int arg;           /* enum opsin_measure_arg */
    const char *doc;
    double (*fn)(const opsin_measure_input *in); /* NAN when undefined for this run */
} opsin_measure_def;

/* The measure named `name`, or NULL. */
const opsin_measure_def *opsin_measure_find(const char *name);

/* The table, for listings and the man page: i < opsin_measure_count(). */
size_t opsin_measure_count(void);
const opsin_measure_def *opsin_measure_at(size_t i);

/* Prints "NAME  UNIT  DOC" for every measure. */
void opsin_measure_print_table(FILE *fp);

/* ---- --measure items (measure_bind.c) -------------------------------------------------- */

/* One item bound to a circuit: the measure, its arguments and where its data is. */
typedef struct opsin_measure_item {
    const opsin_measure_def *def;
    char label[2 * OPSIN_ID_MAX + 128]; /* "syn.v:peak", "n1:rate", "syn.v:when:50mV:rise" */
    char unit[48];                      /* SI unit of the value ("1" dimensionless) */
    int col;      /* column of the probe in the recorded rows, or -1 */
    int neuron;   /* index into the kept neurons, or -1 */
    int source;   /* index of the pulse source in the stimulus, or -1 */
    double arg, arg2;
    int dir;
    long nth;
    int watch;    /* index into the list's watches (a level crossing), or -1 */
} opsin_measure_item;

/* Every item of some --measure lists, and what a run records for them: the probes (columns
 * of its rows, in this order) and the neurons whose spikes it keeps. */
typedef struct opsin_measure_list {
    opsin_measure_item *items;
    size_t n;
    opsin_probe *probes;
    size_t nprobes;
    char (*neurons)[OPSIN_ID_MAX];
    size_t nneurons;
    opsin_watch *watches; /* the level crossings a run follows for them (opsin_run_opts) */
    size_t nwatches;
} opsin_measure_list;

/* What the items name: the circuit (its probes and neurons), the stimulus (its sources; may
 * be NULL) and the run's end time (at:T and windows lie within it); the paths for messages. */
typedef struct opsin_measure_scope {
    const opsin_circuit *circuit;
    const char *circuit_path;
    const opsin_stimulus *stimulus;
    const char *stimulus_path;
    double t_end;
} opsin_measure_scope;

/* Parses every comma-separated item of specs[0..nspecs-1] into ml, which starts with the
 * probes `first` (nfirst of them: a run's own columns come first, the measures' extra probes
 * after them), with a watch for every level crossing (a run passes ml->probes and
 * ml->watches in its opsin_run_opts).  EINVAL with "--measure ITEM: what is wrong (expected ...)" (or "no
 * --measure" when there is no item), ENOMEM; free ml with opsin_measure_list_free either way. */
int opsin_measure_list_parse(opsin_measure_list *ml, const opsin_measure_scope *scope,
                             const char *const *specs, size_t nspecs, const opsin_probe *first,
                             size_t nfirst, opsin_diag *diag);
void opsin_measure_list_free(opsin_measure_list *ml);

/* ---- a run's record (measure_record.c) ------------------------------------------------- */

/* What one run recorded for a list: every row (all its columns) and the kept neurons'
 * spikes.  It may pass everything on to another sink: the first nfwd columns of each row,
 * every spike and map value (a run writes its CSV while its measures are recorded). */
typedef struct opsin_measure_record {
    const opsin_measure_list *ml;
    const opsin_sink *fwd;
    size_t nfwd;
    size_t ncols, nrows, cap;
    double *t, *v;
    double *spike_t;
    int *spike_who;
    size_t nspikes, spike_cap;
    int nomem; /* 1 when a row or spike could not be kept */
} opsin_measure_record;

/* An empty record for ml, forwarding to fwd (may be NULL); its sink for opsin_sim_run. */
void opsin_measure_record_init(opsin_measure_record *r, const opsin_measure_list *ml,
                               const opsin_sink *fwd, size_t nfwd);
opsin_sink opsin_measure_record_sink(opsin_measure_record *r);
void opsin_measure_record_free(opsin_measure_record *r);

/* Every item of ml over the record of a finished run of sim (stimulus st, may be NULL) into
 * res[0..ml->n-1] (NAN where a measure is undefined); ENOMEM. */
int opsin_measure_list_eval(const opsin_measure_list *ml, const opsin_measure_record *r,
                            const opsin_stimulus *st, const opsin_sim *sim, double t_end,
                            double *res);

#endif
