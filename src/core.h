/* core.h: internal types shared by the io, engine and model layers (not installed). */
#ifndef OPSIN_CORE_H
#define OPSIN_CORE_H

#include "opsin.h"
#include "models/model.h"

#define OPSIN_ID_MAX 64

/* Fills diag with "file:line: fmt..." (line <= 0 omits the line). */
void opsin_diag_set(opsin_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Duplicates a string; NULL on allocation failure. */
char *opsin_strdup(const char *s);

/* ---- circuit -------------------------------------------------------------------------- */

typedef struct opsin_compdef {
    char id[OPSIN_ID_MAX];
    const opsin_model *model;
    double *p;       /* nparams values, SI (+INFINITY for "open") */
    int *p_line;     /* source line of each parameter (0 = default) */
    int input;       /* index of the component named by `input`, or -1 */
    int line;
} opsin_compdef;

/* Spike-driven connection: a neuron's spikes become pulses on a device terminal. */
typedef struct opsin_conndef {
    int from, to;      /* component indices */
    double amplitude;  /* A */
    double width;      /* s */
    double delay;      /* s */
    int line;
} opsin_conndef;

/* A rows x cols array of devices: cells are components first .. first + rows*cols - 1, row
 * by row, with ids ID_ROW_COL (from 0). */
typedef struct opsin_arraydef {
    char id[OPSIN_ID_MAX];
    size_t rows, cols, first;
    int line;
} opsin_arraydef;

typedef struct opsin_probe {
    int comp;
    int output;
} opsin_probe;

struct opsin_circuit {
    char *path;
    opsin_compdef *comps;
    size_t ncomps;
    opsin_compdef *mats;   /* materials: parameter sets for array cells, not simulated */
    size_t nmats;
    opsin_arraydef *arrays;
    size_t narrays;
    opsin_conndef *conns;
    size_t nconns;
    opsin_probe *probes;
    size_t nprobes;
    double rtol;
    double atol_scale;
    int band;          /* 0 dense, else banded direct solver */
    long bandwidth;    /* half-bandwidth for the banded solver, -1: whole island */
    long max_steps;    /* per advance */
    double t_end;      /* 0 = not set */
};

/* Index of a component by id, or -1. */
int opsin_circuit_find(const opsin_circuit *c, const char *id);
/* Index of a material, or of an array, by id, or -1. */
int opsin_circuit_find_material(const opsin_circuit *c, const char *id);
int opsin_circuit_find_array(const opsin_circuit *c, const char *id);

/* Parses "ID.OUTPUT[,ID.OUTPUT...]" into probes (allocated); diag names `where`. */
int opsin_probes_parse(const opsin_circuit *c, const char *list, opsin_probe **out, size_t *n,
                       const char *where, int line, opsin_diag *d);

/* ---- stimulus ------------------------------------------------------------------------- */

enum opsin_source_kind { OPSIN_SRC_CURRENT, OPSIN_SRC_VOLTAGE, OPSIN_SRC_OPTICAL };

/* One pulse: its value is amplitude + slope (t - start) inside [start, start + width). */
typedef struct opsin_pulse {
    double start, width, amplitude; /* s, s, A | V | W/m2 */
    double slope;                   /* A/s | V/s | W/m2/s */
} opsin_pulse;

/* Shape multiplying a source's value inside each pulse: rectangular (none), a raised
 * sinusoid (1 + sin(2 pi f (t - pulse start) + phase))/2 swinging between 0 and 1, or an
 * exponential decay exp(-(t - pulse start)/tau). */
enum opsin_envelope_kind { OPSIN_ENV_RECT, OPSIN_ENV_SINE, OPSIN_ENV_EXP };

typedef struct opsin_envelope {
    int kind;
    double frequency; /* Hz */
    double phase;     /* rad */
    double tau;       /* s */
} opsin_envelope;

typedef struct opsin_source {
    char id[OPSIN_ID_MAX];
    int kind;
    double wavelength; /* m, optical only */
    opsin_envelope env;
    int *targets;
    size_t ntargets;
    opsin_pulse *pulses; /* sorted by start, non-overlapping */
    size_t npulses;
    int line;
} opsin_source;

struct opsin_stimulus {
    char *path;
    opsin_source *sources;
    size_t nsources;
    double t_end; /* 0 = not set */
};

/* ---- runtime component ---------------------------------------------------------------- */

/* One additive drive acting on a component: a stimulus source or a spike connection. */
typedef struct opsin_drive {
    int kind;            /* enum opsin_source_kind: what `level` measures */
    double wavelength;   /* m, optical drives */
    const double *level; /* A | V | W/m2, owned by the sim, changed only at events */
    const double *slope; /* its rate of change inside the current pulse, per s */
    const opsin_envelope *env; /* NULL: rectangular */
    const double *t_on;  /* start of the current pulse (for the envelope's phase) */
    size_t energy_y;     /* index of this drive's energy state in the island vector */
} opsin_drive;

/* The drive's value at t: (level + slope (t - pulse start)) times the envelope. */
double opsin_drive_value(const opsin_drive *dv, double t);

typedef struct opsin_comp {
    const opsin_compdef *def;
    const double *p;
    const struct opsin_comp *in; /* input component (same island) or NULL */
    size_t island;
    size_t y_off;
    size_t root_off;
    int mode;         /* model-private discrete state (e.g. refractory) */
    double *aux;      /* model->naux model-private values changed at events (e.g. a pulse's
                         noise), zero at start; owned by the sim */
    void *rng;        /* gsl_rng of this component (seeded from the run seed and its index) */
    opsin_drive *drives;
    size_t ndrives;
} opsin_comp;

/* ---- units ---------------------------------------------------------------------------- */

/* Parses a value string for a quantity of SI unit si_unit; returns 0, or -1 with an
 * explanation (without file:line) in msg. */
int opsin_units_convert(const char *text, const char *si_unit, double *out, char *msg,
                        size_t len);

#endif
