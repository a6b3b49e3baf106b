/* model.h: the table of function pointers every component model fills, and its parameter table.
 *
 * A model is one .c file defining one `const opsin_model opsin_model_NAME` and one line in
 * registry.c (plus the file's name in the library's sources in Makefile.am).  The parameter table (name, unit, default, bounds, doc) is the single source for
 * parsing, validation, `opsin models` and the man page; the state and output tables likewise
 * for the layout of the state vector and the probes, and their lengths are counted from them
 * (OPSIN_COUNT).  Models see their own slice of the island's state vector through comp->y_off,
 * read their drive through opsin_comp_current() and its siblings, and keep the values they
 * change at events in comp->aux (naux of them, allocated by the engine).
 */
#ifndef OPSIN_MODEL_H
#define OPSIN_MODEL_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>

struct opsin_comp;

/* Number of elements of an array (a model's params, states and outputs tables). */
#define OPSIN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The table fields of an opsin_model initializer with their lengths counted from the arrays,
 * so that no model states a count by hand: `OPSIN_MODEL_TABLES(params, states, outputs),`. */
#define OPSIN_MODEL_TABLES(p, s, o)                                                          \
    .params = (p), .nparams = OPSIN_COUNT(p), .states = (s), .nstates = OPSIN_COUNT(s),      \
    .outputs = (o), .noutputs = OPSIN_COUNT(o)

/* Parameter flags. */
enum {
    OPSIN_P_OPEN = 1u << 0,     /* the string "open" is allowed and means +infinity */
    OPSIN_P_REQUIRED = 1u << 1, /* no default: the file must set it */
    OPSIN_P_MIN_OPEN = 1u << 2, /* the lower bound itself is excluded (value > min) */
    OPSIN_P_REF = 1u << 3,      /* a string naming another component (e.g. lif `input`) */
    OPSIN_P_INTEGER = 1u << 4   /* a whole number (counts) */
};

typedef struct opsin_param_def {
    const char *name;
    const char *unit; /* SI unit symbol understood by the unit parser, "" if dimensionless */
    double def;
    double min, max;  /* bounds: a value outside them is an error */
    double lo, hi;    /* the usual magnitudes: |v| more than 1e3 times outside them draws a
                         warning (a forgotten unit prefix); lo = hi = 0: no usual range */
    unsigned flags;
    const char *doc;
} opsin_param_def;

typedef struct opsin_var_def {
    const char *name;
    const char *unit;
    double atol; /* state: natural absolute tolerance (SI); output: unused */
    const char *doc;
} opsin_var_def;

/* What a model accepts as drive and offers to a neuron's `input`. */
enum {
    OPSIN_IN_CURRENT = 1u << 0,
    OPSIN_IN_VOLTAGE = 1u << 1,
    OPSIN_IN_OPTICAL = 1u << 2
};
enum { OPSIN_PORT_NONE = 0, OPSIN_PORT_CONDUCTANCE, OPSIN_PORT_VOLTAGE };

/* What a root (threshold crossing) did, returned by on_root. */
typedef struct opsin_root_action {
    int spike;      /* 1: the component emitted a spike at the root time */
    double wake_at; /* > t: call on_wake then (end of refractory period); else none */
} opsin_root_action;

/* The closed form of a neuron that is linear between events (exact integration, Rotter &
 * Diesmann 1999): tau dV/dt = -(V - v_inf) + r_in I for an injected current I (A); a spike
 * when V reaches v_th from below, then V := v_reset, held for t_ref. */
typedef struct opsin_lin_neuron {
    double tau;     /* s */
    double v_inf;   /* V: where V relaxes without injected current */
    double r_in;    /* ohm: V per A of injected current (1/G) */
    double v_th, v_reset, t_ref; /* V, V, s */
    double v0;      /* V at t = 0 (the model's init) */
} opsin_lin_neuron;

typedef struct opsin_model {
    const char *name;
    const char *summary;   /* one line */
    const char *equations; /* multi-line text: equations, units, source paper */
    /* The tables and their lengths, filled by OPSIN_MODEL_TABLES. */
    const opsin_param_def *params;
    size_t nparams;
    const opsin_var_def *states;
    size_t nstates;
    const opsin_var_def *outputs; /* probe-able quantities; outputs[0] is the default probe */
    size_t noutputs;
    unsigned accepts;
    int port;
    size_t nroots; /* root (threshold) functions; > 0 with roots and on_root: the model spikes */
    size_t naux;   /* model-private values per component, c->aux[0 .. naux-1], zero at start */
    int random; /* 1: draws noise or variability from c->rng (seeded per component) */
    int pulse_spikes; /* 1: every voltage pulse is a spike, a positive one pre and a negative
                         one post (pairstdp): a waveform with a tail would count twice */

    /* Cross-parameter checks, and the parameters derived from others (filled in p); returns 0
     * or writes a message (without file:line) and -1.  Called after every change of p. */
    int (*validate)(double *p, char *msg, size_t len);
    /* Initial state in y + comp->y_off. */
    void (*init)(struct opsin_comp *c, double *y);
    /* Derivatives of the component's states; y and ydot are the whole island vectors. */
    void (*rhs)(const struct opsin_comp *c, double t, const double *y, double *ydot);
    /* Output k at time t (k indexes outputs[]). */
    double (*output)(const struct opsin_comp *c, size_t k, double t, const double *y);
    /* Value offered through the port (conductance S or voltage V). */
    double (*port_value)(const struct opsin_comp *c, double t, const double *y);
    /* Voltage across the driven terminal (for the energy of current sources), V. */
    double (*terminal_v)(const struct opsin_comp *c, double t, const double *y);
    /* Current into the driven terminal (for the energy of voltage sources), A. */
    double (*terminal_i)(const struct opsin_comp *c, double t, const double *y);
    /* Illuminated area (for the energy of optical sources), m2. */
    double (*area)(const struct opsin_comp *c);
    /* A pulse of amplitude `amplitude` on drive `drive` started (on = 1) or ended at t: lets
     * the model draw the pulse's noise from c->rng into c->aux; y may be changed. */
    void (*on_drive)(struct opsin_comp *c, size_t drive, int on, double amplitude, double t,
                     double *y);
    /* Root functions g[0..nroots-1]; upward zero crossings are events, and so is a root
     * function already >= 0 right after a restart (CVODE reports no root at its initial
     * time).  So g must stay negative unless the threshold is being crossed: lif gives -1
     * while refractory and while the drive at V = V_th cannot raise V (V_inf <= V_th). */
    void (*roots)(const struct opsin_comp *c, double t, const double *y, double *g);
    /* A root was reached at t: may change y (state jump) and the component's mode. */
    opsin_root_action (*on_root)(struct opsin_comp *c, double t, double *y);
    /* The wake time requested by on_root has come. */
    void (*on_wake)(struct opsin_comp *c, double t, double *y);
    /* Whether drives of `kind` (enum opsin_source_kind) whose sum stays within [lo, hi]
     * change nothing in a component with parameters p (a phototrap's gate with no erase,
     * depression or write path): 1 with the reason in why, else 0.  NULL: every drive the
     * model accepts acts.  For the warning before a run, and for device synapses in networks
     * (engine/devsyn.c), which integrate across the edges of waveforms that stay inert; so
     * it must be true: an inert drive changes neither the derivatives nor on_drive's work. */
    int (*inert)(const double *p, int kind, double lo, double hi, char *why, size_t len);
    /* The closed form between events from parameters p (no input device): 1 with *out
     * filled, 0 when these parameters have none.  NULL: the model has no closed form (it
     * cannot form a population, and its islands always use CVODE).  A model that has one is
     * a neuron with one state (V) and one root function (V - v_th), whose on_root sets V to
     * v_reset and a nonzero mode while it is held there (on_wake clears it): populations and
     * the exact islands of engine/exact.c rely on it. */
    int (*linear)(const double *p, opsin_lin_neuron *out);
    /* A model without threshold that is linear and homogeneous between events: with the
     * summed injected current I (A) constant, dy/dt = A y + b I for its n = nstates states
     * (n <= OPSIN_LIN_SYS_MAX), and the voltage across its driven terminal is u = c.y + d I
     * (what a current drive delivers power into: I u).  From parameters p: 1 with A (n x n,
     * row by row, 1/s), b (state units per s per A), c (V per state unit) and *d (ohm) filled,
     * 0 when these parameters have none.  NULL: none.  The model must not spike (nroots 0),
     * accept only currents and change nothing at a drive's edges (no on_drive), unless its
     * input is not a current (linear_input, below): the exact islands of engine/exact.c
     * advance it by the matrix exponential from event to event. */
    int (*linear_sys)(const double *p, double *A, double *b, double *c, double *d);
    /* A linear system (linear_sys) whose input is not the summed current: NULL for one driven
     * by currents (above).  See opsin_lin_input. */
    const struct opsin_lin_input *linear_input;
} opsin_model;

/* The input of a linear system that is not a current (the absorbed light of a phototrap):
 * dy/dt = A y + b q with A and b from linear_sys (its c and d unused), q constant between
 * events.  The drives of `kind` (enum opsin_source_kind) feed q and must be rectangular
 * pulses; drives of other kinds must be rectangular and inert over their summed range (the
 * model's inert hook).  on_drive may draw a pulse's noise into c->aux and change y at the
 * edges, as for CVODE islands; q is read after it.  The power each drive delivers (the
 * model's terminal_v, terminal_i, area) must be affine in the state between events: the
 * exact island integrates it at the segment's mean state. */
typedef struct opsin_lin_input {
    int kind;
    /* q at t from c's drives and aux (b q: state units per second) */
    double (*q)(const struct opsin_comp *c, double t);
    /* Why parameters p give no linear_sys (e.g. "filling = 1: ..."), into why. */
    void (*why)(const double *p, char *why, size_t len);
    /* What an island needs to be advanced exactly, for messages: "a phototrap with ...". */
    const char *expect;
} opsin_lin_input;

/* The most states a model with linear_sys may have. */
#define OPSIN_LIN_SYS_MAX 4

/* Looks a model up by name; NULL if unknown. */
const opsin_model *opsin_model_find(const char *name);
const opsin_model *opsin_model_at(size_t i);

/* 1 when components of the model can spike (threshold functions and a handler for their
 * crossings), so they can be the source of a connection or a spike measure; else 0. */
int opsin_model_spikes(const opsin_model *m);

/* Sum of the current (A) driven into the component at time t by sources and connections. */
double opsin_comp_current(const struct opsin_comp *c, double t);
/* Sum of the voltages (V) applied to the component's terminal at time t. */
double opsin_comp_voltage(const struct opsin_comp *c, double t);
/* Sum over optical drives of irradiance (W/m2) at t times weight(c, wavelength). */
double opsin_comp_optical(const struct opsin_comp *c, double t,
                          double (*weight)(const struct opsin_comp *c, double wavelength));

/* Index of a parameter or output of a model by name, or -1. */
int opsin_model_param_index(const opsin_model *m, const char *name);
int opsin_model_output_index(const opsin_model *m, const char *name);

#endif
