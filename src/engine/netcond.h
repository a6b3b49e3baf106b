/* netcond.h: a population member with conductance-based synapses, advanced between events
 * (engine/netcond.c; the rest of the member's life is engine/net.c's). */
#ifndef OPSIN_NETCOND_H
#define OPSIN_NETCOND_H

#include "core.h"

enum { OPSIN_COND_NRULES = 13, OPSIN_COND_MAXNODES = 16 };

/* Gauss-Legendre rules of 1 to 12 and 16 nodes, and for each the longest piece, as h Lambda
 * (netcond.c), that it integrates to a relative 1e-16.  On [0, h] rule r has a node at
 * h/2 (1 - xi) and one at h/2 (1 + xi) for each of its npair pairs, of weight w each, and one
 * at h/2 of weight wmid (0 for an even number of nodes); the weights sum to 1. */
typedef struct opsin_cond_quad {
    int npair[OPSIN_COND_NRULES];
    double xmax[OPSIN_COND_NRULES];
    double xi[OPSIN_COND_NRULES][OPSIN_COND_MAXNODES / 2];
    double w[OPSIN_COND_NRULES][OPSIN_COND_MAXNODES / 2];
    double wmid[OPSIN_COND_NRULES];
} opsin_cond_quad;

/* Fills q; ENOMEM (q unusable) when GSL cannot make its tables. */
int opsin_cond_quad_init(opsin_cond_quad *q);

/* V at t2 >= t of a member at (t, v, g, dr) refractory until re (V held at v_reset until re),
 * with total conductance g (S) and drive dr = sum_k g_k (E_k - v_inf) (A), both decaying with
 * ts all along; g and dr at t2 into *g2, *dr2 unless NULL. */
double opsin_cond_v_at(const opsin_cond_quad *q, const opsin_lin_neuron *L, double ts, double t,
                       double v, double g, double dr, double re, double t2, double *g2,
                       double *dr2);

/* A member at (t, v, g, dr), refractory until re, advanced towards tlim > t: the first time
 * in (t, tlim) at which V reaches v_th (tlim itself when V is at or above v_th there), or
 * INFINITY when it does not; V, g and dr at tlim into *v2, *g2, *dr2 (whatever it returns).
 * A member free at V >= v_th reaches it at once. */
double opsin_cond_step(const opsin_cond_quad *q, const opsin_lin_neuron *L, double ts, double t,
                       double v, double g, double dr, double re, double tlim, double *v2,
                       double *g2, double *dr2);

#endif
