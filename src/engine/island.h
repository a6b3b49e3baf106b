/* island.h: one independent part of a circuit (no shared state with others) and its CVODE
 * integrator.  An island is advanced only when one of its own events, a probe or the end of
 * the run needs its state; sample times are served by interpolation, never by restarts. */
#ifndef OPSIN_ISLAND_H
#define OPSIN_ISLAND_H

#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include "core.h"
#include "engine/cvcompat.h"
#include "engine/queue.h"

typedef struct opsin_island {
    opsin_comp **comps;
    size_t ncomps;
    size_t n;          /* states, including one energy state per drive */
    size_t nroots;
    SUNContext ctx;    /* the island's own: SUNDIALS 7 routes errors per context */
    void *cvode;
    N_Vector y;        /* state at time t (the cache handed out by opsin_island_at) */
    N_Vector atol;
    SUNMatrix A;
    SUNLinearSolver LS;
    int *rootsfound;
    double t;          /* time of y */
    double tn;         /* how far the integrator has gone (>= t) */
    double t0;         /* time of the last (re)initialisation */
    double tstop;      /* stop time currently set, or NAN */
    opsin_queue stops; /* this island's pending discontinuities */
    unsigned long gen; /* bumped at every re-initialisation */
    int dirty;         /* y was changed by an event and needs a re-initialisation */
    int stepped;       /* CVODE has taken a step since the last (re)initialisation */
    int resting;       /* at a fixed point since t = 0 (all derivatives 0): nothing to integrate
                          until an event touches it */
    int solving;       /* CVODE has set up its linear solver (its first step is done) */
    double bytes;      /* what the island holds once solving (opsin_island_bytes) */
    unsigned long steps, rhs_evals, reinits; /* accumulated over re-initialisations */
    char err[OPSIN_CV_MSG_MAX]; /* last SUNDIALS message */
} opsin_island;

typedef struct opsin_island_cfg {
    double rtol, atol_scale;
    long max_steps;
    int band;
    long bandwidth; /* half-bandwidth of the banded solver, < 0: the whole island */
} opsin_island_cfg;

/* Bytes an island of n states holds once its integrator has stepped, measured with SUNDIALS
 * 6.4.1: 15 KiB (its context, integrator and the operation tables of its vectors), 1 KiB per
 * state (CVODE's vectors, the sim's records of components, drives and queued events), and its
 * matrix twice (the Jacobian and CVODE's saved copy): 16 n^2 dense, 16 (3 w + 1) n banded with
 * half-bandwidth w. */
double opsin_island_bytes(double n, const opsin_island_cfg *cfg);

/* Allocates the island's SUNDIALS context and integrator and sets the initial state at t = 0.
 * OPSIN_ENOMEM (diag untouched) when an allocation fails. */
int opsin_island_init(opsin_island *isl, const opsin_island_cfg *cfg, opsin_diag *d);
void opsin_island_free(opsin_island *isl);

/* Makes isl->y the state at time t >= the start of the integrator's last step: whole steps
 * up to or past t (never past the island's next discontinuity), then the interpolant. */
int opsin_island_at(opsin_island *isl, double t, double t_end, opsin_diag *d);

/* One integrator step towards the island's next own event (or t_end), which is also the stop
 * time, with root finding; *root gets the root time when a root was found
 * (isl->rootsfound tells which), else NAN. */
int opsin_island_step(opsin_island *isl, double t_end, double *root, opsin_diag *d);

/* Restarts the integrator from isl->y at isl->t (after an event changed y or the drive). */
int opsin_island_reinit(opsin_island *isl, opsin_diag *d);

/* Adds the integrator's counters of the current segment to the accumulated ones. */
int opsin_island_collect(opsin_island *isl, opsin_diag *d);

#endif
