/* pair.h: a weight made of devices updated by pulses (train/pair.c), the state behind the `nl`
 * and `device` synapse kinds (synkind.h).
 *
 * Each device has a conductance G in [Gmin, Gmax] and two curves: LTP, the conductance after p
 * potentiating pulses from Gmin, and LTD, after p depressing pulses from Gmax.  Either the
 * exponential law of seed 002 / NeuroSim (fit/model_nl.c):
 *     G_LTP(p) = Gmin + (Gmax - Gmin) g(p/Pmax, NL),
 *     G_LTD(p) = Gmax - (Gmax - Gmin) g(p/Pmax, NL_LTD),
 *     g(s, nu) = (1 - exp(-nu s))/(1 - exp(-nu))  (g(s, 0) = s),
 * with Pmax finite (whole pulses) or infinite ("continuous": the amount is a real fraction of
 * the range, nothing is quantised), or a tabulated curve (opsin_devtable, piecewise linear
 * between pulses, P = the pulses tabulated).  A pulse train of n pulses moves a device from its
 * present conductance: its position p on the curve of the pulse's direction (the inverse),
 * then p + n, clamped at the curve's end (a device that reaches its end stays there); the move
 * never goes against the pulse's direction.
 *
 * The weight, u in [-1, 1] mapped linearly onto the network's [wmin, wmax]
 * (w = wmin + (u + 1)/2 (wmax - wmin)):
 *   differential  u = (G+ - G-)/(Gmax - Gmin);
 *   reference     u = 2 (G - Gref)/(Gmax - Gmin), Gref = (Gmin + Gmax)/2.
 * A desired change dw is du = 2 dw/(wmax - wmin) and becomes
 *   differential  n = round(|du| P) pulses,  reference  n = round(|du| P/2)
 * (round half away from zero; P = Pmax, or (nLTP + nLTD)/2 for a table): a pulse of a linear
 * device (NL = 0) moves w by (wmax - wmin)/(2P) (differential) or (wmax - wmin)/P (reference),
 * the resolution.  Deterministic rounding: |dw| below half a pulse moves nothing.  Continuous
 * (Pmax infinite): the amount is |du| (differential) or |du|/2 (reference) in units of the
 * range, no pulse is counted and no energy spent.
 * Split (differential): for dw > 0 G+ takes ceil(n/2) LTP pulses and G- floor(n/2) LTD pulses
 * (dw < 0: G- takes ceil(n/2) LTP, G+ floor(n/2) LTD); a device with fewer pulses of room
 * before its end than its share takes only that room and the other device takes the rest, up
 * to its own room, so the pair saturates only at u = +-1 (as the ideal synapse clips).  Room is
 * (P - p) pulses rounded up (the last pulse clamps).  Reference: all n on the one device.
 * Counted: the pulses applied (ltp, ltd; a pulse a device has no room for is not applied),
 * energy E_LTP per LTP pulse and E_LTD per LTD pulse, updates (weights with dw != 0).
 *
 * Noise (NeuroSim's cycle-to-cycle form): a device moved by n pulses gets
 * sigma sqrt(n) (Gmax - Gmin) N(0, 1) added, then clamped to [Gmin, Gmax].  Variation (nl only):
 * each device's NL and NL_LTD are drawn once, NL + variation N(0, 1) (each its own draw).
 * Draws come from a counter-based generator of (seed, weight index, device, that weight's
 * update count, its conductances): the same bytes however rows are blocked or threaded.
 * The update counts are not saved: after a load the draws go on deterministically but are
 * not those an unbroken run would have made.
 * Levels: the weight written back is read from conductances rounded to `levels` equally spaced
 * levels between Gmin and Gmax (0: exact); the devices keep their exact conductance.
 * Refresh (differential, fraction F in (0, 1)): after an update, when the higher device of a
 * pair is within F (Gmax - Gmin) of Gmax, the pair is re-programmed to the same u with the
 * lower device at Gmin and the higher at Gmin + u (Gmax - Gmin): both move by LTD pulses, the
 * pulses along the LTD curve it takes (rounded up for the one going to Gmin, to nearest for the
 * other), counted in ltd and energy; the target is set exactly (program and verify), no noise.
 * Initial weights: u of the network's w (clipped); differential: the device of u's sign at
 * Gmin + |u| (Gmax - Gmin), the other at Gmin; reference: G = Gmin + (u + 1)/2 (Gmax - Gmin);
 * then w is set to the weight held (levels applied).
 * Saved state: two conductances per weight (S): G+ and G- (differential) or G and Gref
 * (reference). */
#ifndef OPSIN_TRAIN_PAIR_H
#define OPSIN_TRAIN_PAIR_H

#include <libconfig.h>
#include <stdio.h>

#include "train/devtable.h"
#include "train/synapse.h"
#include "train/synkind.h"

typedef enum { OPSIN_PAIR_DIFFERENTIAL, OPSIN_PAIR_REFERENCE } opsin_pair_mode;

typedef struct opsin_pair_params {
    opsin_pair_mode mode;   /* default differential */
    double gmin, gmax;      /* S */
    /* The curve: the nl law (tab_ltp NULL) ... */
    double pmax;            /* pulses from one end to the other; INFINITY: continuous */
    double nl_ltp, nl_ltd;  /* NL of each law */
    double variation;       /* sd of a device's NL (and NL_LTD) around them; 0: none */
    /* ... or a table: nltp + 1 and nltd + 1 conductances (S), as opsin_devtable holds them
     * (owned: opsin_pair_params_clear frees them) */
    size_t nltp, nltd;
    double *tab_ltp, *tab_ltd;
    /* Common to both */
    double noise;           /* cycle-to-cycle sd per pulse, fraction of Gmax - Gmin */
    unsigned levels;        /* conductance levels read (0 exact, else >= 2) */
    double refresh;         /* 0 off, else the fraction F above */
    double e_ltp, e_ltd;    /* J per pulse */
    char unit[16];          /* of gmin, gmax and the table: "S", or a table's output unit */
} opsin_pair_params;

/* The defaults: differential, no noise, no variation, exact read, no refresh, no energy; the
 * curve unset (Gmin = Gmax = 0). */
void opsin_pair_params_init(opsin_pair_params *p);

/* Frees the tables (not p). */
void opsin_pair_params_clear(opsin_pair_params *p);

/* Sets p's curve from a tabulated device: copies the tables, Gmin and Gmax = the lowest and
 * highest conductance of either staircase, E_LTP/E_LTD from the table.  OPSIN_EINVAL (diag
 * "what: ...") for a table without pulses, with a non-finite value, not monotone, or with
 * Gmax = Gmin; ENOMEM. */
int opsin_pair_from_table(opsin_pair_params *p, const opsin_devtable *t, const char *what,
                          opsin_diag *diag);

/* Reads the keys every pair kind shares from synapse group g into p: `pair` ("differential" |
 * "reference"), `noise` (>= 0), `levels` (0 or a whole number >= 2), `refresh` (0 <= F < 1;
 * refused with pair = "reference").  Absent keys leave p as it is.  Does not check unknown
 * keys: a kind lists OPSIN_PAIR_COMMON_KEYS among its own for opsin_cfg_known_keys.
 * Failures: "FILE:LINE: ..." in diag, OPSIN_EINVAL. */
int opsin_pair_read_common(const config_setting_t *g, const opsin_wsyn_ctx *ctx,
                           opsin_pair_params *p, opsin_diag *diag);
#define OPSIN_PAIR_COMMON_KEYS "pair", "noise", "levels", "refresh"

/* "# " lines: the curve, the pair, resolution, noise, levels, refresh, energy (params: an
 * opsin_pair_params; the form of opsin_wsyn_kind.describe). */
void opsin_pair_describe(const void *params, FILE *out);

/* Clears and frees a malloc'd opsin_pair_params (opsin_wsyn_kind.free_params). */
void opsin_pair_params_free(void *params);

/* The opsin_syn_type functions (params: an opsin_pair_params). */
int opsin_pair_alloc(void **state, const void *params, double wmin, double wmax, double *w,
                     size_t n, unsigned long seed, opsin_diag *diag);
void opsin_pair_apply(void *state, size_t first, double *w, const double *dw, size_t n,
                      opsin_syn_counts *c);
void opsin_pair_free(void *state);
void opsin_pair_save(const void *state, size_t first, size_t n, double *out);
int opsin_pair_load(void *state, size_t first, size_t n, const double *in, double *w,
                    opsin_diag *diag);

/* A pair kind's opsin_syn_type: OPSIN_PAIR_TYPE("nl"). */
#define OPSIN_PAIR_PER_WEIGHT 2
#define OPSIN_PAIR_TYPE(name)                                                                  \
    {(name), opsin_pair_alloc, opsin_pair_apply, opsin_pair_free, OPSIN_PAIR_PER_WEIGHT,        \
     opsin_pair_save, opsin_pair_load}

/* The nl kind (train/syn_nl.c): its type and its reader of the synapse group (a fresh
 * opsin_pair_params in *params; keys in opsin-network(5)). */
extern const opsin_syn_type opsin_syn_nl;
int opsin_nl_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                  opsin_diag *diag);

#endif
