/* island.h: one independent part of a circuit (no shared state with others) and how it is
 * advanced: by its CVODE integrator (island.c), or in closed form when it is one neuron that
 * is linear between events (exact.c).  An island is advanced only when one of its own events,
 * a probe or the end of the run needs its state; sample times are served by interpolation
 * (CVODE) or by the closed form, never by restarts. */
#ifndef OPSIN_ISLAND_H
#define OPSIN_ISLAND_H

#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include "core.h"
#include "engine/cvcompat.h"
#include "engine/queue.h"
#include "engine/watch.h"

struct opsin_island;

/* How a kind of island advances: its part of opsin_island_at, _step, _reinit and _collect
 * below (the bookkeeping they share is done there). */
typedef struct opsin_island_kind {
    /* y at t, for a t other than the present one */
    int (*at)(struct opsin_island *isl, double t, double t_end, opsin_diag *d);
    int (*step)(struct opsin_island *isl, double t_end, double *root, opsin_diag *d);
    /* restarts from y at t after an event changed it or the drive */
    int (*restart)(struct opsin_island *isl, opsin_diag *d);
    int (*collect)(struct opsin_island *isl, opsin_diag *d);
    /* the state at t within the present segment (since the last restart, up to how far the
     * island has gone) without moving the island, for its watches; NULL when t is out of
     * reach.  A kind without it (NULL) has its watches left to the output rows. */
    const double *(*state_at)(struct opsin_island *isl, double t);
} opsin_island_kind;

extern const opsin_island_kind opsin_island_cvode; /* island.c */
extern const opsin_island_kind opsin_island_exact; /* exact.c: one neuron */
extern const opsin_island_kind opsin_island_exact_sys; /* exact.c: one linear system */

struct opsin_exact_sys; /* exact.c: the propagators of one linear system */

typedef struct opsin_island {
    const opsin_island_kind *kind;
    opsin_comp **comps;
    size_t ncomps;
    size_t n;          /* states, including one energy state per drive */
    size_t nroots;
    SUNContext ctx;    /* the island's own: SUNDIALS 7 routes errors per context */
    void *cvode;
    double *yd;        /* state at time t (the cache handed out by opsin_island_at): the data
                          of y, or of the exact island's own array */
    N_Vector y;        /* CVODE: the state vector whose data yd is */
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
    /* exact islands (exact.c): the one neuron's closed form from its state y0 at t0 */
    opsin_lin_neuron lin;
    double *y0;        /* the state at t0 (one block with yd) */
    double v_eff;      /* where V relaxes under the present drive, lin.v_inf + lin.r_in I */
    double t_cross;    /* when V reaches lin.v_th after t0 (INFINITY: never) */
    struct opsin_exact_sys *sys; /* an exact island of one linear system (else NULL) */
    /* level crossings followed on this island's solution (engine/watch.h; owned by the sim) */
    opsin_watch_run **watches;
    size_t nwatches;
    N_Vector ys;       /* CVODE: the state at a time its watches ask for */
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
/* The same for an island of one component advanced in closed form (its model's `linear` or
 * `linear_sys` hook gives one; engine/exact.c); OPSIN_ENOMEM. */
int opsin_island_init_exact(opsin_island *isl);
/* Bytes an exact island of n states of one component of model m holds, measured like
 * opsin_island_bytes: 1088 for its record, its component's, the sim's and room for 4 events;
 * 160 per state (its three copies of the state, the drive records); and for a linear system
 * its propagators (struct opsin_exact_sys). */
double opsin_island_exact_bytes(double n, const opsin_model *m);
void opsin_island_free(opsin_island *isl);

/* Power (W) delivered by drive dv of component c at t in the island's state y: I v for a
 * current, V i for a voltage, irradiance x area for light (the model's terminal_v, terminal_i,
 * area); 0 when the model does not say what the terminal or area is. */
double opsin_drive_power(const opsin_comp *c, const opsin_drive *dv, double t, const double *y);

/* Makes isl->yd the state at time t >= the start of the integrator's last step: whole steps
 * up to or past t (never past the island's next discontinuity), then the interpolant; or the
 * closed form at t (exact islands). */
int opsin_island_at(opsin_island *isl, double t, double t_end, opsin_diag *d);

/* One integrator step towards the island's next own event (or t_end), which is also the stop
 * time, with root finding; *root gets the root time when a root was found
 * (isl->rootsfound tells which), else NAN. */
int opsin_island_step(opsin_island *isl, double t_end, double *root, opsin_diag *d);

/* Restarts the integrator from isl->y at isl->t (after an event changed y or the drive). */
int opsin_island_reinit(opsin_island *isl, opsin_diag *d);

/* Follows the island's watches up to t (at least as far as they have been followed, at most
 * as far as the island has gone) on its present segment: after every integrator step, before
 * the events of a time change the island, after its restart (a jump is then a crossing at t)
 * and at t_end.  Does nothing for an island without watches. */
void opsin_island_follow(opsin_island *isl, double t);

/* Adds the integrator's counters of the current segment to the accumulated ones. */
int opsin_island_collect(opsin_island *isl, opsin_diag *d);

#endif
