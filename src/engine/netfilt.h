/* netfilt.h: supercap synapses of a population: every pre spike drives a rectangular current
 * pulse into a linear device whose terminal voltage u drives the post member with the current
 * weight x u; a member keeps only the weighted sum of its synapses' states (engine/netfilt.c).
 */
#ifndef OPSIN_NETFILT_H
#define OPSIN_NETFILT_H

#include <stddef.h>

#include "core.h"

/* The supercap synapses of one projection into its target population. */
typedef struct opsin_netfilt opsin_netfilt;

/* The filter state of one member: its synapses' weighted states in the device's eigenbasis
 * and the weighted current into them (A), as opsin_netfilt_get gives it for a probe. */
enum { OPSIN_NETFILT_STATE = 3 };

/* The synapses of device projection pj (its dev->filter set) into population `to`, whose
 * members' closed forms are lin[0 .. to->size) and whose synaptic current decays with ts
 * (0: delta synapses).  EINVAL with FILE:LINE in d when the device has no closed form here
 * (not linear with two states, eigenvalues of its matrix not real, negative and distinct, a
 * member's 1/tau or 1/ts too near one of them); ENOMEM. */
int opsin_netfilt_new(const opsin_circuit *c, const opsin_projdef *pj,
                      const opsin_lin_neuron *lin, double ts, opsin_netfilt **out,
                      opsin_diag *d);
void opsin_netfilt_free(opsin_netfilt *f);

/* A pulse of the device's amplitude arriving at t into network member i through weight w (S):
 * its two edges queued.  -1 when out of memory. */
int opsin_netfilt_deliver(opsin_netfilt *f, size_t i, double t, double w);
/* Before member i is advanced through a window: its queue in time order. */
void opsin_netfilt_begin(opsin_netfilt *f, size_t i);
/* Member i's next edge (INFINITY: none queued). */
double opsin_netfilt_next_edge(const opsin_netfilt *f, size_t i);
/* Applies member i's edges at t (its next edge time). */
void opsin_netfilt_edges(opsin_netfilt *f, size_t i, double t);
/* 1 when member i's filter drives it or will (a state or current not zero). */
int opsin_netfilt_active(const opsin_netfilt *f, size_t i);

/* V at t2 >= t of member i at (t, v, i_syn), refractory until re (V held at v_reset), with
 * its filter state at t: the closed form (a sum of exponentials); the exp synaptic current
 * at t2 into *cur2 unless NULL; the filter state is moved to t2. */
double opsin_netfilt_v_at(opsin_netfilt *f, size_t i, const opsin_lin_neuron *L, double ts,
                          double t, double v, double cur, double re, double t2, double *cur2);
/* Moves member i's filter state from t to t2 (its V is the caller's). */
void opsin_netfilt_to(opsin_netfilt *f, size_t i, double t, double t2);
/* The first time in (tf, tlim] at which member i, at (t, v, cur) with its filter state at t
 * and free from tf = max(t, re) at V = vf < v_th, reaches v_th; INFINITY when it does not. */
double opsin_netfilt_cross(const opsin_netfilt *f, size_t i, const opsin_lin_neuron *L,
                           double ts, double t, double cur, double tf, double vf, double tlim);

/* Member i's filter state, and V at t2 from a state saved at t (for probes). */
void opsin_netfilt_get(const opsin_netfilt *f, size_t i, double st[OPSIN_NETFILT_STATE]);
double opsin_netfilt_v_from(const opsin_netfilt *f, const double st[OPSIN_NETFILT_STATE],
                            const opsin_lin_neuron *L, double ts, double t, double v,
                            double cur, double re, double t2);

#endif
