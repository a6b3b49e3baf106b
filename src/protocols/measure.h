/* measure.h: named scalar measures of one run (peak, final, spike rate, dG per pulse, ...).
 *
 * A measure is one row of a table: name, unit, what it needs (the probe's rows, a neuron's
 * spikes, the pulses of a stimulus source, an argument) and a function over what one run
 * recorded.  A new measure is one row in measure.c.  Everything is SI.
 */
#ifndef OPSIN_MEASURE_H
#define OPSIN_MEASURE_H

#include <stddef.h>
#include <stdio.h>

/* What a measure reads besides the run's end time and energy. */
enum opsin_measure_need {
    OPSIN_MEAS_NONE = 0,     /* run totals only (energy) */
    OPSIN_MEAS_ROWS = 1,     /* the probe's rows: value probe ID.OUTPUT */
    OPSIN_MEAS_SPIKES = 2,   /* the spikes of a neuron: probe ID */
    OPSIN_MEAS_PULSES = 4    /* the pulses of a stimulus source (and the probe's rows) */
};

/* The argument after NAME: none, a time (at:T, required), or a source id (optional). */
enum opsin_measure_arg { OPSIN_MARG_NONE, OPSIN_MARG_TIME, OPSIN_MARG_SOURCE };

/* One pulse as the measures see it: [start, start + width], s. */
typedef struct opsin_measure_pulse {
    double start, width;
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
    double arg;     /* the time of at:T, s */
} opsin_measure_input;

typedef struct opsin_measure_def {
    const char *name;
    const char *unit;  /* "" = the probe's unit, else the measure's own ("1" dimensionless) */
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

#endif
