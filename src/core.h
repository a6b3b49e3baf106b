/* core.h: internal types shared by the io, engine and model layers (not installed). */
#ifndef OPSIN_CORE_H
#define OPSIN_CORE_H

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>

#include "opsin.h"
#include "models/model.h"

#define OPSIN_ID_MAX 64

/* Fills diag with "file:line: fmt..." (line <= 0 omits the line); a message too long keeps
 * its start and its " (expected ...)" part. */
void opsin_diag_set(opsin_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a va_list, for wrappers that compose "file:line" themselves: passing the
 * whole text on keeps the "(expected ...)" part of a long message. */
void opsin_diag_vset(opsin_diag *d, const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Fills diag with "FILE: out of memory while WHAT (expected a smaller circuit or stimulus, or
 * more memory)" (file NULL: no file). */
void opsin_diag_oom(opsin_diag *d, const char *file, const char *what);

/* Checks v against a definition's bounds (and wholeness); 0, or -1 with a message that
 * starts with the name and ends with what was expected. */
int opsin_param_check(const opsin_param_def *pd, double v, char *msg, size_t len);

/* t, or the double nearest the decimal of at most 15 significant digits within 4 ulps of it:
 * event and grid times computed from the user's times print as written (timesnap.c). */
double opsin_time_snap(double t);

/* A copy of n bytes; NULL on allocation failure and for n == 0 (nothing to copy). */
void *opsin_memdup(const void *p, size_t n);

/* Duplicates a string; NULL on allocation failure. */
char *opsin_strdup(const char *s);

/* Input text to quote in a message: s itself, or its first OPSIN_CLIP_MAX bytes and "..."
 * written into buf, so that a long input leaves room for what was expected. */
#define OPSIN_CLIP_MAX 80
typedef struct opsin_clip_buf {
    char text[OPSIN_CLIP_MAX + 4];
} opsin_clip_buf;
const char *opsin_clip(const char *s, opsin_clip_buf *buf);

/* ---- warnings (io/warnings.c) --------------------------------------------------------- */

/* The warnings of a circuit, stimulus or simulation: one line each, each line once. */
typedef struct opsin_warnings {
    char **line;
    size_t n;
} opsin_warnings;

/* Adds a copy of `line` (unless it is there already); OPSIN_ENOMEM. */
int opsin_warnings_add(opsin_warnings *w, const char *line);
/* Adds "FILE:LINE: warning: " (file NULL: "warning: "; line <= 0: no line) and the text. */
int opsin_warnings_addf(opsin_warnings *w, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int opsin_warnings_copy(opsin_warnings *dst, const opsin_warnings *src);
void opsin_warnings_free(opsin_warnings *w);
/* Line i, NULL past the end. */
const char *opsin_warnings_at(const opsin_warnings *w, size_t i);

/* The usual range of a parameter (io/usual.c): 0 when v (SI; `number` as the file wrote it,
 * before its unit) is within 1e3 times of the definition's lo .. hi, or zero, or open, or the
 * parameter has none; else 1 with "NAME = V UNIT is far outside the usual LO .. HI: did you
 * mean \"NUMBER PREFIXED-UNIT\"?" in msg. */
int opsin_param_usual(const opsin_param_def *pd, double v, double number, char *msg,
                      size_t len);
/* The usual range as text, "1 pF .. 10 uF"; a parameter that may be negative gets
 * "-100 V .. 100 V" (lo = 0) or "1 pA .. 10 mA in magnitude". */
void opsin_param_usual_text(const opsin_param_def *pd, char *buf, size_t len);

/* Two times closer than round-off (8 ulps of the larger) are the same instant: edges computed
 * by different sums (a pulse's start + width, the next one's start + k period) that should
 * meet, and stop times CVODE could not step to. */
static inline int opsin_same_instant(double a, double b)
{
    return fabs(a - b) <= 8.0 * DBL_EPSILON * fmax(fabs(a), fabs(b));
}

/* SplitMix64 (Steele, Lea & Flood 2014): spreads a seed and indices into independent
 * generator seeds, so a stream depends on what it is for, not on what ran before it. */
static inline uint64_t opsin_splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Whether `bytes` could be allocated now (taken and given back): asked before SUNDIALS or
 * libconfig allocate, since they crash when an allocation fails (engine/memory.c). */
int opsin_memory_there(double bytes);

/* Room for element n of *array (cap elements of `size` bytes): doubles it until n fits;
 * ENOMEM leaves it as it was. */
int opsin_grow(void **array, size_t *cap, size_t n, size_t size);

/* A hash index from ids to positions in an array of records whose first member is their
 * char id[] (components, sources, arrays, materials): O(1) duplicate checks and lookups.  The
 * array is passed (base, stride) at every call, so it may move between calls. */
typedef struct opsin_idindex {
    size_t *slot; /* position + 1, 0: empty */
    size_t cap, n;
} opsin_idindex;

/* Position of the record with this id, or -1. */
int opsin_idindex_find(const opsin_idindex *x, const void *base, size_t stride, const char *id);
/* Indexes record i under its id (replacing a record of the same id); ENOMEM. */
int opsin_idindex_add(opsin_idindex *x, const void *base, size_t stride, size_t i);
int opsin_idindex_copy(opsin_idindex *dst, const opsin_idindex *src);
void opsin_idindex_free(opsin_idindex *x);

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

/* ---- networks: populations, projections (engine/net.c) -------------------------------- */

/* How a parameter varies over a population's members (seeded per member from the run seed,
 * so a member's value does not depend on the population's size or the other parameters). */
enum opsin_dist_kind {
    OPSIN_DIST_CONST,   /* a */
    OPSIN_DIST_UNIFORM, /* uniform on [a, b) */
    OPSIN_DIST_NORMAL,  /* mean a, standard deviation b (redrawn until inside the bounds) */
    OPSIN_DIST_LINEAR   /* a + (b - a) k / (N - 1) for member k of N (a alone when N = 1) */
};
typedef struct opsin_dist {
    int kind;
    double a, b;
} opsin_dist;

/* How a presynaptic spike acts on a population's members (one kind per population). */
enum opsin_syn_kind {
    OPSIN_SYN_DELTA, /* V jumps by the weight (V) */
    OPSIN_SYN_EXP,   /* a current (weight in A) that decays with tau_syn */
    OPSIN_SYN_COND   /* a conductance (weight in S) toward the input's E_rev that decays
                        with tau_syn */
};
#define OPSIN_NSYN 3

/* How a run advances lif islands and populations (solver.method; the islands that qualify
 * for the closed form: engine/exact.h). */
enum opsin_method {
    OPSIN_METHOD_AUTO,  /* exact where an island or population has a closed form, CVODE
                           elsewhere */
    OPSIN_METHOD_EXACT, /* exact, and an error where an island has none */
    OPSIN_METHOD_CVODE  /* CVODE for every island (populations have no CVODE path) */
};
/* Their names in files, by enum opsin_method (io/circuit_read.c). */
extern const char *const opsin_method_names[3];

/* N neurons of one model: member k is network neuron first + k, named ID[k]. */
typedef struct opsin_popdef {
    char id[OPSIN_ID_MAX];
    const opsin_model *model;
    size_t size;
    size_t first;      /* index of member 0 among all the circuit's population members */
    opsin_dist *dist;  /* per model parameter */
    int *p_line;       /* per model parameter: source line (0 = default) */
    int synapse;       /* enum opsin_syn_kind */
    double tau_syn;    /* s, OPSIN_SYN_EXP and OPSIN_SYN_COND */
    int line;
} opsin_popdef;

/* Which pre -> post pairs a projection connects. */
enum opsin_proj_rule {
    OPSIN_PROJ_ALL,      /* every pair (no self-connection within one population unless
                            autapses) */
    OPSIN_PROJ_ONE,      /* member k -> member k (sizes equal) */
    OPSIN_PROJ_PROB,     /* each pair independently with probability p */
    OPSIN_PROJ_INDEGREE, /* each post member gets exactly k distinct pre members */
    OPSIN_PROJ_LIST      /* the pairs of a CSV file: pre,post[,weight[,delay]] */
};

/* A device synapse: every synapse of a projection is an instance of a device model (engine/
 * devsyn.c).  Each pre spike puts the waveform on its synapses' terminal and each post spike
 * the waveform negated (the device sees V_pre - V_post); a pre spike first reads the device:
 * the charge G v_read t_read (G its port conductance) reaches the post neuron. */
typedef struct opsin_devsyn_def {
    opsin_compdef dev;   /* the device model and its parameters (id: the projection's) */
    int shape;           /* enum opsin_spike_shape, without PWL */
    double amplitude;    /* V, the first phase */
    double width;        /* s */
    double tail;         /* tail amplitude as a fraction of -amplitude */
    double tail_width, tail_tau; /* s */
    double v_read, t_read;       /* V, s */
    int filter;          /* 1: a linear device that takes a current (a supercap): each pre
                            spike drives a rect pulse of amplitude A into it, and its voltage
                            drives the post neuron through the projection's weight, S
                            (engine/netfilt.c); no read, no post waveform */
    int line;
} opsin_devsyn_def;

/* Synapses from every member of one population to members of another (or the same). */
typedef struct opsin_projdef {
    char id[OPSIN_ID_MAX]; /* FROM_TO unless the file names it */
    opsin_devsyn_def *dev; /* NULL: weights; else every synapse is a device */
    int from, to;       /* population indices */
    int rule;           /* enum opsin_proj_rule */
    double p;           /* OPSIN_PROJ_PROB */
    size_t k;           /* OPSIN_PROJ_INDEGREE */
    char *file;         /* OPSIN_PROJ_LIST: the CSV (malloc'd) */
    opsin_dist weight;  /* V (delta), A (exp) or S (cond), by the target population's
                           synapse */
    opsin_dist delay;   /* s, every delay > 0 */
    double e_rev;       /* V: the reversal potential of its conductance (cond targets) */
    int autapses;       /* 1: i -> i allowed when from == to */
    int line;
} opsin_projdef;

/* A spike source of a stimulus: spike trains into population members. */
enum opsin_spikesrc_kind {
    OPSIN_SS_POISSON, /* independent Poisson trains, `rate` per target neuron */
    OPSIN_SS_REGULAR, /* spikes at start + k / rate on every target */
    OPSIN_SS_LIST     /* spike times (and optional target member) from a CSV file */
};

/* Members lo .. hi - 1 of population pop. */
typedef struct opsin_target_range {
    int pop;
    size_t lo, hi;
} opsin_target_range;

/* Parses "ID", "ID[K]" or "ID[LO:HI]" (members LO .. HI - 1 of population ID) against c;
 * 0, or -1 with the reason in msg (io/spikes_read.c). */
int opsin_target_parse(const char *text, const opsin_circuit *c, opsin_target_range *t,
                       char *msg, size_t len);

typedef struct opsin_spikesrc {
    char id[OPSIN_ID_MAX];
    int kind;            /* enum opsin_spikesrc_kind */
    double rate;         /* Hz per target neuron (poisson, regular) */
    double start, stop;  /* s: spikes in [start, stop) (stop INFINITY: to the end) */
    double weight;       /* V (delta targets), A (exp targets) or S (cond targets) */
    double e_rev;        /* V: the reversal potential of its conductance (cond targets) */
    int synapse;         /* enum opsin_syn_kind of its targets: the weight's unit */
    double *times;       /* OPSIN_SS_LIST: ascending spike times, s */
    char *file;          /* OPSIN_SS_LIST: the CSV they were read from (malloc'd) */
    long *member;        /* OPSIN_SS_LIST: per time, the target's position among all the
                            targets (-1: every target) */
    size_t ntimes;
    opsin_target_range *targets;
    size_t ntargets;
    int line;
} opsin_spikesrc;

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
    opsin_popdef *pops;    /* populations (networks); their members are not components */
    size_t npops, nneurons;   /* nneurons: the members of all populations */
    opsin_projdef *projs;
    size_t nprojs;
    opsin_probe *probes;
    size_t nprobes;
    int method;        /* enum opsin_method: how lif islands and populations are advanced */
    int method_line;   /* source line of solver.method (0: not set) */
    double rtol;
    double atol_scale;
    int band;          /* 0 dense, else banded direct solver */
    long bandwidth;    /* half-bandwidth for the banded solver, -1: whole island */
    long max_steps;    /* per advance */
    double t_end;      /* 0 = not set */
    opsin_warnings warn;
    opsin_idindex comp_ids, mat_ids, array_ids, pop_ids; /* by id: comps, mats, arrays, pops */
};

/* opsin_circuit_load from libconfig text in memory; `name` stands for the file in messages
 * (an @include is relative to the working directory).  For tests and the fuzz targets. */
int opsin_circuit_parse(const char *text, const char *name, opsin_circuit **out,
                        opsin_diag *diag);

/* Index of a component by id, or -1. */
int opsin_circuit_find(const opsin_circuit *c, const char *id);
/* Index of a material, or of an array, by id, or -1. */
int opsin_circuit_find_material(const opsin_circuit *c, const char *id);
int opsin_circuit_find_array(const opsin_circuit *c, const char *id);
/* Index of a population by id, or -1. */
int opsin_circuit_find_population(const opsin_circuit *c, const char *id);


/* ---- stimulus ------------------------------------------------------------------------- */

/* What a kind of source is: its name, units and the model input it drives. */
typedef struct opsin_source_kind_def {
    const char *name;       /* "current", "voltage", "optical" */
    const char *unit;       /* of its level: A, V, W/m2 */
    const char *slope_unit; /* A/s, V/s, W/m2/s */
    const char *level_key;  /* the key of its level in files: amplitude or irradiance */
    unsigned accepts;       /* the OPSIN_IN_* bit of models it can drive */
    double lo, hi;          /* usual magnitudes of its level (opsin_param_def's lo, hi) */
} opsin_source_kind_def;

/* The kinds, indexed by enum opsin_source_kind; OPSIN_NKINDS rows. */
#define OPSIN_NKINDS 3
extern const opsin_source_kind_def opsin_source_kinds[OPSIN_NKINDS];

/* One pulse: its value is amplitude + slope (t - start) inside [start, end). */
typedef struct opsin_pulse {
    double start, end, amplitude; /* s, s, A | V | W/m2 */
    double slope;                 /* A/s | V/s | W/m2/s */
} opsin_pulse;

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
    int *projs;          /* device projections it drives (every synapse of each; networks) */
    size_t nprojs;
    opsin_target_range *pops; /* population members it drives (a current; networks) */
    size_t npops;
    opsin_train_spec *trains; /* as given; the pulses are generated from them on demand */
    size_t ntrains;
    int inline_train;    /* 1: trains[0] was given beside the source's id (SOURCE.KEY) */
    size_t npulses;      /* of all its trains, checked not to overlap */
    double last_start, reach; /* the latest train start and pulse end: a train added after
                                 both needs no walk through the pulses */
    int line;
} opsin_source;

struct opsin_stimulus {
    char *path;              /* file, or the name of a stimulus built in code */
    opsin_source *sources;
    size_t nsources, cap;
    opsin_spikesrc *spikesrcs; /* spike sources into populations */
    size_t nspikesrcs;
    opsin_idindex ids;       /* the sources by id */
    double t_end; /* 0 = not set */
    opsin_warnings warn;
};

/* The source's keys as a spec (id, kind, wavelength, envelope, line; no targets): for
 * re-checking them, or for a copy of the source in another stimulus. */
opsin_source_spec opsin_source_spec_of(const opsin_source *src);

/* Pulse k of a train: it starts at start + k period (an exact product, never an accumulated
 * sum) and its amplitude runs linearly from amplitude to amplitude_end. */
opsin_pulse opsin_train_pulse(const opsin_train_spec *t, size_t k);

/* A source's pulses in time order, made one at a time from its trains (never all in memory):
 * the trains are merged by start, and a pulse whose end meets the next start within
 * round-off ends exactly there, so back-to-back pulses hand over at one instant. */
typedef struct opsin_pulse_iter {
    const opsin_source *src;
    size_t *heap;      /* trains with pulses left, by the start of their next pulse */
    size_t *next;      /* per train: its next pulse */
    size_t nheap;
    opsin_pulse ahead; /* the pulse after the one handed out last */
    int have_ahead;
} opsin_pulse_iter;

/* Starts at the source's first pulse; ENOMEM. */
int opsin_pulse_iter_init(opsin_pulse_iter *it, const opsin_source *src);
/* The next pulse into *p: 1, or 0 when there is none left. */
int opsin_pulse_iter_next(opsin_pulse_iter *it, opsin_pulse *p);
void opsin_pulse_iter_free(opsin_pulse_iter *it);

/* The source's pulses that start by t_end, in time order, in a malloc'd array (for the
 * measures of a finished run); ENOMEM. */
int opsin_source_pulses(const opsin_source *src, double t_end, opsin_pulse **out, size_t *n);

/* ---- the stimulus key table ------------------------------------------------------------ */

enum opsin_stim_level { OPSIN_SK_SOURCE, OPSIN_SK_TRAIN };
enum opsin_stim_unit { OPSIN_SKU_FIXED, OPSIN_SKU_LEVEL, OPSIN_SKU_SLOPE };

/* One key of a source or train group.  Numeric keys have a definition (bounds, unit) and
 * the offset of their double in opsin_source_spec or opsin_train_spec; others (id, kind,
 * targets, trains, envelope) are read by the file reader only (offset SIZE_MAX). */
typedef struct opsin_stim_key {
    opsin_param_def def;
    int level;        /* enum opsin_stim_level */
    unsigned kinds;   /* bit (1u << kind) for every source kind it belongs to */
    int unit_from;    /* enum opsin_stim_unit: the def's unit, or the kind's level/slope unit */
    int envelope;     /* >= 0: belongs to that envelope only; -1: any */
    size_t offset;
} opsin_stim_key;

/* The table (one row per key) and lookups. */
extern const opsin_stim_key opsin_stim_keys[];
extern const size_t opsin_stim_nkeys;
/* Row of `name` at `level`, or -1. */
int opsin_stim_key_find(const char *name, int level);
/* The key's SI unit on a source of kind `kind`. */
const char *opsin_stim_key_unit(const opsin_stim_key *k, int kind);
/* The key's definition with the unit (and, for the level keys, the usual range) of kind
 * `kind`. */
opsin_param_def opsin_stim_key_def(const opsin_stim_key *k, int kind);



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

/* The sink's header for probes (names "ID.OUTPUT", "ID[K].V", "ID.rate" and their units);
 * ECALLBACK when the sink fails, ENOMEM (engine/sim.c). */
int opsin_sink_header(const opsin_circuit *c, const opsin_probe *probes, size_t n,
                      const opsin_sink *sink, opsin_diag *d);

/* ---- runs that do nothing (engine/idle.c) --------------------------------------------- */

/* Warnings before a run to t_end: a source whose pulses all start at or after t_end or are
 * all 0, a source whose targets' model calls its drive inert. */
int opsin_idle_check(const opsin_circuit *c, const opsin_stimulus *st, double t_end,
                     opsin_warnings *w);
/* Warnings after a run: nothing drives the circuit when no probe moved and nothing spiked,
 * then each of the n probes that never left its first value (moved[i] 0), unless something
 * else moved and no drive reaches the probe's island. */
int opsin_idle_after(const opsin_circuit *c, const opsin_stimulus *st, const opsin_probe *probes,
                     size_t n, const double *first, const unsigned char *moved,
                     unsigned long spikes, opsin_warnings *w);
/* Rows a run will write at least: the grid and both sides of every edge before t_end. */
double opsin_idle_rows(const opsin_stimulus *st, double t_end, double dt_out);

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

/* v (SI) with the prefix of unit si that puts its number between 1 and 1000 ("10 uF",
 * "7 kohm"), or as "%g UNIT" when the unit takes no prefix. */
void opsin_units_format(double v, const char *si, char *buf, size_t len);

/* "NUMBER SYMBOL" (e.g. "100 pF"): the spelling of unit si (a prefix, or another symbol such
 * as "um2" for m2) that makes `number` a value whose magnitude lies in [lo, hi] (lo = 0: only
 * below hi), nearest `near` by ratio; 0, or -1 when no spelling does. */
int opsin_units_suggest(double number, const char *si, double lo, double hi, double near,
                        char *buf, size_t len);

#endif
