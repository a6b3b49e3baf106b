/* synapse.h: how a network's weights take a desired change (train/synapse.c).
 *
 * The optimiser (optim.h) says by how much each weight should move, Delta w; a synapse turns
 * that into what the hardware can do and writes back the weight it actually reached.  `ideal`
 * (the float baseline) sets w += Delta w clipped to the weight range.  The device synapses of
 * issue 10 implement the same table: `nl` and `device` turn Delta w into a whole number of LTP
 * or LTD pulses along a device's conductance curve, w = (G+ - G-)/(Gmax - Gmin) scaled to the
 * range, and report the w of the conductances reached.  Biases are not synapses: the optimiser
 * adds their change in software. */
#ifndef OPSIN_TRAIN_SYNAPSE_H
#define OPSIN_TRAIN_SYNAPSE_H

#include <stddef.h>
#include <stdint.h>

#include "opsin.h"

/* What updating weights cost, summed over calls. */
typedef struct opsin_syn_counts {
    uint64_t ltp;     /* potentiating pulses applied (ideal: 0) */
    uint64_t ltd;     /* depressing pulses applied (ideal: 0) */
    uint64_t updates; /* weights asked to change (Delta w != 0) */
    double energy;    /* J spent by the pulses counted (0 when the kind knows no energy) */
} opsin_syn_counts;

/* One kind of synapse: a table of functions, everything else static in its file. */
typedef struct opsin_syn_type {
    const char *name;
    /* State for one weight layer of n weights in [wmin, wmax]; params as the kind defines
     * (NULL for ideal).  Sets w[0..n) to the weights the state holds initially (ideal leaves
     * them as they are; a device synapse maps them onto its states).  OPSIN_* status. */
    int (*alloc)(void **state, const void *params, double wmin, double wmax, double *w,
                 size_t n, unsigned long seed, opsin_diag *diag);
    /* Moves the n weights w (the layer's weights first .. first + n - 1, row-major, so that a
     * device knows which of its devices they are) by dw as the hardware can: w becomes the
     * weight reached; adds the pulses and updates to *c.  Called with a block of rows at a
     * time, every weight of the layer once per training step, from several threads at once
     * for disjoint blocks (opsin_trainer_set_jobs): apply writes only the state of its own
     * weights, and any draw it makes depends on the weight and its history, never on the
     * blocks or the thread, so the same seed gives the same bytes for any --jobs. */
    void (*apply)(void *state, size_t first, double *w, const double *dw, size_t n,
                  opsin_syn_counts *c);
    void (*free)(void *state);
    /* Doubles of device state per weight that --save writes and --load reads back (0: the
     * weight is the whole state, as for ideal; save and load may then be NULL). */
    size_t per_weight;
    /* Writes the state of weights first .. first + n - 1 into out (n x per_weight). */
    void (*save)(const void *state, size_t first, size_t n, double *out);
    /* Sets the state of weights first .. first + n - 1 from in (as save wrote it) and w to
     * the weights that state holds; OPSIN_EINVAL with diag filled when a value is impossible
     * (a conductance outside the device's range). */
    int (*load)(void *state, size_t first, size_t n, const double *in, double *w,
                opsin_diag *diag);
} opsin_syn_type;

/* w += dw, clipped to [wmin, wmax]; no pulses. */
extern const opsin_syn_type opsin_syn_ideal;

#endif
