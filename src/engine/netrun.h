/* netrun.h: a run of a circuit's populations to the output sinks (engine/netrun.c); the
 * simulation (engine/sim.c) hands a circuit of populations to it. */
#ifndef OPSIN_NETRUN_H
#define OPSIN_NETRUN_H

#include "core.h"

typedef struct opsin_netrun opsin_netrun;

/* A run of c's populations driven by st's spike sources, recording `probes` (members'
 * V and populations' rates only).  EINVAL, ENOMEM. */
int opsin_netrun_new(const opsin_circuit *c, const opsin_stimulus *st, const opsin_run_opts *o,
                     const opsin_probe *probes, size_t nprobes, opsin_netrun **out,
                     opsin_diag *d);
void opsin_netrun_free(opsin_netrun *r);

/* Runs to o->t_end: header, rows and spikes to the sink; stops when *cancel is set. */
int opsin_netrun_run(opsin_netrun *r, const opsin_sink *sink, volatile int *cancel,
                     opsin_diag *d);
void opsin_netrun_stats(const opsin_netrun *r, opsin_stats *out);
/* The shortest synaptic delay (INFINITY without synapses), s: the longest window. */
double opsin_netrun_max_window(const opsin_netrun *r);
/* Device synapses, their integrations and CVODE steps (engine/devsyn.c). */
void opsin_netrun_device_counts(const opsin_netrun *r, unsigned long *synapses,
                                unsigned long *integrations, unsigned long *steps);
/* Inputs and spikes applied, synaptic events delivered, synapses made. */
void opsin_netrun_counts(const opsin_netrun *r, unsigned long *events,
                         unsigned long *syn_events, unsigned long *synapses);

#endif
