/* devsyn.h: device synapses in networks: the synapses of one projection are instances of a
 * device model, each integrated by CVODE between its own spikes only (engine/devsyn.c). */
#ifndef OPSIN_DEVSYN_H
#define OPSIN_DEVSYN_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* The states of the n synapses of one projection. */
typedef struct opsin_devsyn opsin_devsyn;
/* One thread's integrator for the synapses of one projection. */
typedef struct opsin_devsyn_work opsin_devsyn_work;

/* n synapses of device def, each initialised by its model at t = 0 (its variability drawn from
 * the stream of (seed, stream, synapse)); rtol, atol_scale, max_steps (per stretch between
 * edges): the circuit's solver.  ENOMEM. */
int opsin_devsyn_new(const opsin_devsyn_def *def, size_t n, unsigned long seed, uint64_t stream,
                     double rtol, double atol_scale, long max_steps, opsin_devsyn **out);
void opsin_devsyn_free(opsin_devsyn *ds);

/* Stimulus source src (light, a voltage) on every synapse of ds, its pulses up to t_end;
 * before the first opsin_devsyn_work_new.  ENOMEM. */
int opsin_devsyn_add_source(opsin_devsyn *ds, const opsin_source *src, double t_end);
/* An integrator for ds's synapses (one per thread); ENOMEM. */
int opsin_devsyn_work_new(opsin_devsyn *ds, opsin_devsyn_work **out);
void opsin_devsyn_work_free(opsin_devsyn_work *w);

/* Synapse s through its waveforms from where it was left to t (>= its time); EFAIL with the
 * reason in d when the integrator fails. */
int opsin_devsyn_advance(opsin_devsyn_work *w, size_t s, double t, opsin_diag *d);
/* A spike at t on synapse s (pre = 1: the presynaptic neuron's, whose waveform goes on the
 * device as it is; 0: the postsynaptic neuron's, negated): the synapse is advanced to t, its
 * conductance there (before the spike) goes to *g when g is not NULL, then the waveform
 * starts.  EFAIL as above. */
int opsin_devsyn_spike(opsin_devsyn_work *w, size_t s, double t, int pre, double *g,
                       opsin_diag *d);

/* Output k of the device of synapse s at t (>= its time) into *out, without changing the
 * synapse: its state, waves and random draws stay as they were.  ENOMEM, ESOLVER. */
int opsin_devsyn_peek(opsin_devsyn_work *w, size_t s, double t, size_t k, double *out,
                      opsin_diag *d);
/* The charge a read of conductance g sends, C. */
double opsin_devsyn_charge(const opsin_devsyn_def *def, double g);
/* Adds w's integrations (stretches between edges) and CVODE steps (for the summary). */
void opsin_devsyn_counts(const opsin_devsyn_work *w, unsigned long *integrations,
                         unsigned long *steps);

#endif
