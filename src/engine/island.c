/* island.c: what every island does at a time, a step, a restart; and CVODE (BDF, Newton,
 * dense or banded direct solver) for the islands that are not advanced in closed form.
 *
 * Every event that changes an island's state or drive ends its integration segment: the
 * integrator is stopped exactly there (stop time) and restarted (CVodeReInit) from the new
 * state.  Output samples between events use the integrator's interpolant (CVodeGetDky) or a
 * normal-mode advance, so they never restart it.  CVODE's counters restart at every
 * re-initialisation; they are accumulated here.
 */
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_band.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "engine/cvcompat.h"
#include "engine/island.h"

/* Absolute tolerance of the energy states: so large that they take no part in the error
 * test.  They are quadratures (dE/dt depends on the other states only), so the steps chosen
 * for the physical states integrate them with the same method. */
#define ENERGY_ATOL 1e30

double opsin_drive_power(const opsin_comp *c, const opsin_drive *dv, double t, const double *y)
{
    const opsin_model *m = c->def->model;
    if (*dv->level == 0.0)
        return 0.0;
    switch (dv->kind) {
    case OPSIN_SRC_CURRENT: return m->terminal_v ? opsin_drive_value(dv, t) * m->terminal_v(c, t, y) : 0;
    case OPSIN_SRC_VOLTAGE: return m->terminal_i ? opsin_drive_value(dv, t) * m->terminal_i(c, t, y) : 0;
    default: return m->area ? opsin_drive_value(dv, t) * m->area(c) : 0.0;
    }
}

/* The island's right-hand side: each component fills its own slice; energy states integrate
 * the power each drive delivers.  Non-finite derivatives ask CVODE to retry with
 * a smaller step (return > 0). */
static int island_rhs(sunrealtype t, N_Vector yv, N_Vector ydotv, void *ud)
{
    const opsin_island *isl = ud;
    const double *y = N_VGetArrayPointer(yv);
    double *ydot = N_VGetArrayPointer(ydotv);
    for (size_t i = 0; i < isl->ncomps; i++) {
        const opsin_comp *c = isl->comps[i];
        c->def->model->rhs(c, t, y, ydot);
        for (size_t k = 0; k < c->ndrives; k++)
            ydot[c->drives[k].energy_y] = opsin_drive_power(c, &c->drives[k], t, y);
    }
    for (size_t i = 0; i < isl->n; i++)
        if (!isfinite(ydot[i]))
            return 1;
    return 0;
}

/* The island's root functions: each neuron fills its own slice of g. */
static int island_roots(sunrealtype t, N_Vector yv, sunrealtype *g, void *ud)
{
    const opsin_island *isl = ud;
    const double *y = N_VGetArrayPointer(yv);
    for (size_t i = 0; i < isl->ncomps; i++) {
        const opsin_comp *c = isl->comps[i];
        if (c->def->model->nroots)
            c->def->model->roots(c, t, y, g + c->root_off);
    }
    return 0;
}

/* What a user can do about a failure, by CVODE's flag. */
static const char *advice(int flag)
{
    switch (flag) {
    case CV_TOO_MUCH_WORK: return "raise solver.max_steps, or shorten the time without events";
    case CV_TOO_MUCH_ACC: return "loosen solver.rtol";
    case CV_ERR_FAILURE:
    case CV_CONV_FAILURE:
    case CV_RHSFUNC_FAIL:
    case CV_REPTD_RHSFUNC_ERR:
        return "check the parameters for values that make the circuit blow up, or tighten "
               "solver.rtol";
    default: return "check the parameters and the solver settings";
    }
}

/* The island's components for a message: "'syn' (supercap)", "'pre' (lif), 'syn'
 * (supercap) and 'post' (lif)", the first three and how many more. */
static void island_names(const opsin_island *isl, char *buf, size_t len)
{
    size_t used = 0, shown = isl->ncomps < 3 ? isl->ncomps : 3;
    buf[0] = '\0';
    for (size_t i = 0; i < shown && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s'%s' (%s)",
                                 i == 0 ? "" : i + 1 == isl->ncomps ? " and " : ", ",
                                 isl->comps[i]->def->id, isl->comps[i]->def->model->name);
    if (isl->ncomps > shown && used < len)
        snprintf(buf + used, len - used, " and %zu more", isl->ncomps - shown);
}

/* Whether a CVODE flag means that an allocation failed: its own (CV_MEM_FAIL) or the linear
 * solver's, which CVODE reports as a failed initialisation. */
static int allocation_failed(opsin_island *isl, int flag)
{
    long ls = 0;
    return flag == CV_MEM_FAIL || (flag == CV_LINIT_FAIL &&
                                   CVodeGetLastLinFlag(isl->cvode, &ls) == CV_SUCCESS &&
                                   ls == CVLS_MEM_FAIL);
}

/* Reports a SUNDIALS failure: which components, when, the call and flag, SUNDIALS's own
 * message and what to do; an allocation that failed is "out of memory" (OPSIN_ENOMEM). */
static int fail(opsin_island *isl, const char *what, int flag, double t, opsin_diag *d)
{
    if (allocation_failed(isl, flag)) {
        char doing[160];
        snprintf(doing, sizeof doing, "integrating (%s at t = %.9g s)", what, t);
        opsin_diag_oom(d, NULL, doing);
        return OPSIN_ENOMEM;
    }
    char names[200];
    island_names(isl, names, sizeof names);
    opsin_diag_set(d, NULL, 0, "integrator failure in the island of %s at t = %.9g s (%s, "
                   "flag %d%s%s): %s", names, t, what, flag, isl->err[0] ? ", " : "", isl->err,
                   advice(flag));
    return OPSIN_ESOLVER;
}

double opsin_island_bytes(double n, const opsin_island_cfg *cfg)
{
    double w = n - 1;
    if (cfg->band && cfg->bandwidth >= 0 && (double)cfg->bandwidth < w)
        w = (double)cfg->bandwidth;
    return 15360.0 + 1024.0 * n + 16.0 * (cfg->band ? (3 * w + 1) * n : n * n);
}

/* Whether every derivative is exactly 0 at the initial state (a device in the dark, a neuron
 * at rest): such an island costs nothing until its first event. */
static int at_rest(opsin_island *isl, int *rest)
{
    N_Vector f = N_VClone(isl->y);
    if (!f)
        return OPSIN_ENOMEM;
    const double *fd = N_VGetArrayPointer(f);
    *rest = island_rhs(isl->t, isl->y, f, isl) == 0;
    for (size_t i = 0; *rest && i < isl->n; i++)
        *rest = fd[i] == 0.0;
    N_VDestroy(f);
    return OPSIN_OK;
}

/* The initial state from the models, and the absolute tolerances: each state's natural one
 * scaled by rtol, so large for the energy states that they take no part in the error test. */
static void initial_state(opsin_island *isl, const opsin_island_cfg *cfg)
{
    double *y = N_VGetArrayPointer(isl->y), *atol = N_VGetArrayPointer(isl->atol);
    for (size_t i = 0; i < isl->n; i++) {
        y[i] = 0.0;
        atol[i] = ENERGY_ATOL;
    }
    for (size_t i = 0; i < isl->ncomps; i++) {
        opsin_comp *c = isl->comps[i];
        c->def->model->init(c, y);
        for (size_t k = 0; k < c->def->model->nstates; k++)
            atol[c->y_off + k] = cfg->rtol * cfg->atol_scale * c->def->model->states[k].atol;
    }
}

/* The dense or banded direct solver; the band never wider than the island. */
static int linear_solver(opsin_island *isl, const opsin_island_cfg *cfg)
{
    sunindextype n = (sunindextype)isl->n;
    if (cfg->band) {
        sunindextype bw = n > 1 ? n - 1 : 0;
        if (cfg->bandwidth >= 0 && (sunindextype)cfg->bandwidth < bw)
            bw = (sunindextype)cfg->bandwidth;
        isl->A = SUNBandMatrix(n, bw, bw, isl->ctx);
        isl->LS = isl->A ? SUNLinSol_Band(isl->y, isl->A, isl->ctx) : NULL;
    } else {
        isl->A = SUNDenseMatrix(n, n, isl->ctx);
        isl->LS = isl->A ? SUNLinSol_Dense(isl->y, isl->A, isl->ctx) : NULL;
    }
    return isl->A && isl->LS ? OPSIN_OK : OPSIN_ENOMEM;
}

/* Root finding on the island's threshold functions, upward crossings only. */
static int root_setup(opsin_island *isl, opsin_diag *d)
{
    int *dir = malloc(isl->nroots * sizeof *dir);
    if (!dir)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < isl->nroots; i++)
        dir[i] = 1;
    int flag = CVodeRootInit(isl->cvode, (int)isl->nroots, island_roots);
    if (flag == CV_SUCCESS)
        flag = CVodeSetRootDirection(isl->cvode, dir);
    free(dir);
    if (flag == CV_SUCCESS)
        flag = CVodeSetNoInactiveRootWarn(isl->cvode);
    return flag == CV_SUCCESS ? OPSIN_OK : fail(isl, "root setup", flag, 0.0, d);
}

/* The context, the integrator and its error hook first, so that SUNDIALS reports every later
 * failure to this island. */
static int create_integrator(opsin_island *isl, opsin_diag *d)
{
    if (OPSIN_SUNCTX_CREATE(&isl->ctx) != 0) {
        isl->ctx = NULL;
        return OPSIN_ENOMEM;
    }
    if (!(isl->cvode = CVodeCreate(CV_BDF, isl->ctx)))
        return OPSIN_ENOMEM;
    int flag = opsin_cv_catch_errors(isl->ctx, isl->cvode, isl->err);
    return flag == 0 ? OPSIN_OK : fail(isl, "error handler setup", flag, 0.0, d);
}

int opsin_island_init(opsin_island *isl, const opsin_island_cfg *cfg, opsin_diag *d)
{
    opsin_queue_init(&isl->stops);
    isl->bytes = opsin_island_bytes((double)isl->n, cfg);
    if (!opsin_memory_there(isl->bytes)) /* SUNDIALS crashes on a failed allocation */
        return OPSIN_ENOMEM;
    int rc = create_integrator(isl, d);
    if (rc)
        return rc;
    isl->kind = &opsin_island_cvode;
    isl->y = N_VNew_Serial((sunindextype)isl->n, isl->ctx);
    isl->yd = isl->y ? N_VGetArrayPointer(isl->y) : NULL;
    isl->atol = isl->y ? N_VClone(isl->y) : NULL;
    isl->rootsfound = calloc(isl->nroots ? isl->nroots : 1, sizeof *isl->rootsfound);
    if (!isl->y || !isl->atol || !isl->rootsfound || linear_solver(isl, cfg))
        return OPSIN_ENOMEM;
    initial_state(isl, cfg);
    isl->t = isl->tn = isl->t0 = 0.0;
    isl->tstop = NAN;
    int flag;
    if ((flag = CVodeInit(isl->cvode, island_rhs, 0.0, isl->y)) != CV_SUCCESS ||
        (flag = CVodeSVtolerances(isl->cvode, cfg->rtol, isl->atol)) != CV_SUCCESS ||
        (flag = CVodeSetUserData(isl->cvode, isl)) != CV_SUCCESS ||
        (flag = CVodeSetMaxNumSteps(isl->cvode, cfg->max_steps)) != CV_SUCCESS)
        return fail(isl, "setup", flag, 0.0, d);
    flag = CVodeSetLinearSolver(isl->cvode, isl->LS, isl->A);
    if (flag == CVLS_MEM_FAIL)
        return OPSIN_ENOMEM;
    if (flag != CVLS_SUCCESS)
        return fail(isl, "linear solver setup", flag, 0.0, d);
    if ((rc = at_rest(isl, &isl->resting)))
        return rc;
    return isl->nroots ? root_setup(isl, d) : OPSIN_OK;
}

/* Frees in the reverse order of creation: every SUNDIALS object refers to the context.  The
 * flags of SUNLinSolFree and SUNContext_Free are ignored: nothing is left to do about them. */
void opsin_island_free(opsin_island *isl)
{
    if (isl->cvode)
        CVodeFree(&isl->cvode);
    if (isl->LS)
        (void)SUNLinSolFree(isl->LS);
    if (isl->A)
        SUNMatDestroy(isl->A);
    if (isl->ys)
        N_VDestroy(isl->ys);
    if (isl->y)
        N_VDestroy(isl->y);
    if (isl->atol)
        N_VDestroy(isl->atol);
    if (isl->ctx)
        (void)SUNContext_Free(&isl->ctx);
    free(isl->rootsfound);
    free(isl->y0);
    free(isl->sys);
    opsin_queue_free(&isl->stops);
    free(isl->comps);
    free(isl->watches);
    memset(isl, 0, sizeof *isl);
}

/* Sets the stop time to the island's next discontinuity (or t_end) when it moved. */
static int set_stop(opsin_island *isl, double stop, opsin_diag *d)
{
    if (stop == isl->tstop || !(stop > isl->tn))
        return OPSIN_OK;
    int flag = CVodeSetStopTime(isl->cvode, stop);
    if (flag != CV_SUCCESS)
        return fail(isl, "CVodeSetStopTime", flag, isl->tn, d);
    isl->tstop = stop;
    return OPSIN_OK;
}

static int cvode_step(opsin_island *isl, double t_end, double *root, opsin_diag *d);

/* Interpolates within the last step, or steps on to t first. */
static int cvode_at(opsin_island *isl, double t, double t_end, opsin_diag *d)
{
    int flag;
    if (!isl->stepped) { /* CVODE has no interpolant yet: y holds the state at t0 */
        if (opsin_same_instant(t, isl->t0)) {
            isl->t = t;
            return OPSIN_OK;
        }
    } else if (t <= isl->tn || opsin_same_instant(t, isl->tn)) { /* within the last step */
        flag = CVodeGetDky(isl->cvode, t, 0, isl->y);
        if (flag != CV_SUCCESS)
            return fail(isl, "CVodeGetDky", flag, t, d);
        isl->t = t;
        return OPSIN_OK;
    }
    while (!(isl->tn >= t)) { /* whole steps towards the next own event, then interpolate */
        double root;
        int rc = cvode_step(isl, t_end, &root, d);
        if (rc)
            return rc;
        if (!isnan(root)) /* spiking islands are stepped by the event loop, never here */
            return fail(isl, "CVode (a root outside the event loop)", CV_ROOT_RETURN, root, d);
    }
    flag = CVodeGetDky(isl->cvode, t, 0, isl->y);
    if (flag != CV_SUCCESS)
        return fail(isl, "CVodeGetDky", flag, t, d);
    isl->t = t;
    return OPSIN_OK;
}

/* One CVODE step towards the stop, with root finding. */
static int cvode_step(opsin_island *isl, double t_end, double *root, opsin_diag *d)
{
    *root = NAN;
    const opsin_event *next = opsin_queue_top(&isl->stops);
    double stop = next && next->t < t_end ? next->t : t_end;
    if (opsin_same_instant(stop, isl->tn)) { /* too short a step for CVODE: stop is reached */
        isl->tn = fmax(isl->tn, stop);
        return OPSIN_OK;
    }
    int rc = set_stop(isl, stop, d);
    if (rc)
        return rc;
    sunrealtype tret, tcur;
    if (!isl->solving && !opsin_memory_there(isl->bytes)) /* the first step takes a matrix */
        return OPSIN_ENOMEM;
    if (isl->stepped) /* the last step is final now: its part of the watches */
        opsin_island_follow(isl, isl->tn);
    /* The output target is the stop itself, so the first step size after a restart, and hence
     * the whole solution, does not depend on when outputs are taken. */
    int flag = CVode(isl->cvode, stop, isl->y, &tret, CV_ONE_STEP);
    if (flag < 0)
        return fail(isl, "CVode", flag, isl->tn, d);
    int info;
    if ((info = CVodeGetCurrentTime(isl->cvode, &tcur)) != CV_SUCCESS)
        return fail(isl, "CVodeGetCurrentTime", info, tret, d);
    if (flag == CV_ROOT_RETURN &&
        (info = CVodeGetRootInfo(isl->cvode, isl->rootsfound)) != CV_SUCCESS)
        return fail(isl, "CVodeGetRootInfo", info, tret, d);
    isl->stepped = isl->solving = 1;
    isl->tn = tcur;
    isl->t = tret;
    if (flag == CV_TSTOP_RETURN) {
        isl->tstop = NAN; /* CVODE forgets a stop time once reached */
        isl->tn = fmax(tcur, stop);
    } else if (flag == CV_ROOT_RETURN) {
        *root = tret;
    }
    return OPSIN_OK;
}

/* Adds CVODE's counters, which restart at every re-initialisation. */
static int cvode_collect(opsin_island *isl, opsin_diag *d)
{
    long nst = 0, nfe = 0, nfels = 0;
    int flag;
    if ((flag = CVodeGetNumSteps(isl->cvode, &nst)) != CV_SUCCESS ||
        (flag = CVodeGetNumRhsEvals(isl->cvode, &nfe)) != CV_SUCCESS ||
        (flag = CVodeGetNumLinRhsEvals(isl->cvode, &nfels)) != CV_SUCCESS)
        return fail(isl, "the solver statistics", flag, isl->tn, d);
    isl->steps += (unsigned long)nst;
    isl->rhs_evals += (unsigned long)(nfe + nfels);
    return OPSIN_OK;
}

/* Keeps the counters of the segment that ends, then restarts CVODE from y at t. */
static int cvode_restart(opsin_island *isl, opsin_diag *d)
{
    int rc = cvode_collect(isl, d);
    if (rc)
        return rc;
    int flag = CVodeReInit(isl->cvode, isl->t, isl->y);
    return flag == CV_SUCCESS ? OPSIN_OK : fail(isl, "CVodeReInit", flag, isl->t, d);
}

/* The interpolant of the last step at t into ys; before the first step, y (the state at t0,
 * all there is). */
static const double *cvode_state_at(opsin_island *isl, double t)
{
    if (!isl->stepped)
        return isl->yd;
    return CVodeGetDky(isl->cvode, t, 0, isl->ys) == CV_SUCCESS ? N_VGetArrayPointer(isl->ys)
                                                                : NULL;
}

const opsin_island_kind opsin_island_cvode = {cvode_at, cvode_step, cvode_restart,
                                              cvode_collect, cvode_state_at};

/* ---- every kind ------------------------------------------------------------------------- */

int opsin_island_at(opsin_island *isl, double t, double t_end, opsin_diag *d)
{
    if (t == isl->t || isl->resting) { /* a resting island's state is its initial state */
        isl->t = t;
        isl->tn = fmax(isl->tn, t);
        return OPSIN_OK;
    }
    int rc = isl->kind->at(isl, t, t_end, d);
    /* A closed form is checked at every time asked (events, rows); CVODE at its steps'
     * ends instead (cvode_step), which do not depend on the rows. */
    if (!rc && isl->kind != &opsin_island_cvode)
        opsin_island_follow(isl, t);
    return rc;
}

int opsin_island_step(opsin_island *isl, double t_end, double *root, opsin_diag *d)
{
    return isl->kind->step(isl, t_end, root, d);
}

/* Watch r's output at t on the island's present segment (NAN when out of reach). */
typedef struct follow_ctx {
    opsin_island *isl;
    const opsin_watch_run *r;
} follow_ctx;

static double watch_value(void *ctx, double t)
{
    const follow_ctx *f = ctx;
    const double *y = f->isl->kind->state_at(f->isl, t);
    const opsin_comp *c = f->r->comp;
    return y ? c->def->model->output(c, f->r->output, t, y) : NAN;
}

void opsin_island_follow(opsin_island *isl, double t)
{
    for (size_t k = 0; k < isl->nwatches; k++) {
        follow_ctx f = {isl, isl->watches[k]};
        opsin_watch_feed(isl->watches[k], t, watch_value(&f, t), watch_value, &f);
    }
}

int opsin_island_collect(opsin_island *isl, opsin_diag *d)
{
    return isl->kind->collect(isl, d);
}

int opsin_island_reinit(opsin_island *isl, opsin_diag *d)
{
    int rc = isl->kind->restart(isl, d);
    if (rc)
        return rc;
    isl->t0 = isl->tn = isl->t;
    isl->tstop = NAN;
    isl->resting = 0;
    isl->stepped = 0;
    isl->gen++;
    isl->reinits++;
    isl->dirty = 0;
    opsin_island_follow(isl, isl->t); /* the other side of the event */
    return OPSIN_OK;
}
