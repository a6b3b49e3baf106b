/* net.h: populations of neurons that are linear between events, advanced exactly (engine/net.c).
 *
 * The members of a circuit's populations are network neurons 0 .. nneurons - 1 (population
 * p's members from pops[p].first).  Time advances in windows no longer than the shortest
 * synaptic delay: a spike in one window reaches its targets in a later one, so within a
 * window every neuron is independent of the others and is advanced alone, event by event, in
 * closed form (Rotter & Diesmann 1999; conductance synapses by quadrature to round-off,
 * engine/netcond.c), on any number of threads with the same result.
 */
#ifndef OPSIN_NET_H
#define OPSIN_NET_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

typedef struct opsin_net opsin_net;

/* A spike of network neuron `neuron` at t. */
typedef struct opsin_net_spike {
    double t;
    size_t neuron;
} opsin_net_spike;

/* Builds the network of c's populations and projections driven by st's spike sources and by
 * its sources on device projections (their pulses up to t_end; st may be NULL), connectivity
 * and per-member parameters drawn from `seed`; `probed` lists the network neurons whose V is
 * recorded (n of them); jobs threads advance the members.
 * EINVAL (a model without a closed form for these parameters, a list file that cannot be
 * read), ENOMEM. */
int opsin_net_new(const opsin_circuit *c, const opsin_stimulus *st, double t_end,
                  unsigned long seed, unsigned jobs, const size_t *probed, size_t nprobed,
                  opsin_net **out, opsin_diag *d);
void opsin_net_free(opsin_net *n);

/* The longest window: the shortest synaptic delay (INFINITY without synapses), s. */
double opsin_net_max_window(const opsin_net *n);

/* Advances every member from where the last window ended to t1: through [t0, t1), or
 * [t0, t1] when last is 1 (the end of the run).  EINVAL when t1 is beyond the longest
 * window. */
int opsin_net_advance(opsin_net *n, double t1, int last, opsin_diag *d);

/* A time before which no member can spike (the next input or external spike of any member,
 * or the free threshold crossing of its present state), at least the end of the last window:
 * the next window may reach this time plus the shortest delay.  Costs a pass over the
 * members: for a network that went quiet. */
double opsin_net_quiet_until(opsin_net *n);
/* Delivers the last window's spikes now (their device synapses read and written), not at the
 * start of the next window.  ENOMEM, ESOLVER. */
int opsin_net_deliver(opsin_net *n, opsin_diag *d);
/* Every input into the members as 16 bytes (t, w) from now on, not as 4-byte numbers of a
 * population's shared entries (the same results: tests compare the two).  ENOMEM. */
int opsin_net_compact_off(opsin_net *n);
/* The first output (e.g. G) of every device synapse at t, the end of the last window, to
 * sink->map as (t, projection id, pre member, post member, value, unit); delivers first.
 * ENOMEM, ESOLVER, ECALLBACK. */
int opsin_net_map(opsin_net *n, double t, const opsin_sink *sink, opsin_diag *d);
/* Device synapses, their integrations (stretches between waveform edges) and CVODE steps. */
void opsin_net_device_counts(const opsin_net *n, unsigned long *synapses,
                             unsigned long *integrations, unsigned long *steps);

/* The window's spikes, ordered by time, then neuron. */
size_t opsin_net_nspikes(const opsin_net *n);
const opsin_net_spike *opsin_net_spikes(const opsin_net *n);

/* The times in the last window at which a probed neuron had an event (a spike, an input,
 * the end of its refractory period), ascending and each once. */
size_t opsin_net_probe_times(const opsin_net *n, const double **times);
/* Probed neuron k's V at t in the last window: before (after = 0) or after its events at t. */
double opsin_net_probe_v(const opsin_net *n, size_t k, double t, int after);

/* Counters: events (inputs and spikes applied), synaptic events delivered, synapses. */
void opsin_net_counts(const opsin_net *n, unsigned long *events, unsigned long *syn_events,
                      unsigned long *synapses);

/* Bytes the network of c will hold (connectivity estimated from the rules). */
double opsin_net_estimate(const opsin_circuit *c);

#endif
