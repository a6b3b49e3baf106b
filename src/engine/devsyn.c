/* devsyn.c: device synapses in networks (see devsyn.h and opsin_devsyn_def in core.h).
 *
 * Every synapse pre -> post of a device projection is an instance of a device model
 * (phototrap, pairstdp, ...) with its own state.  It sees on its terminal the sum of
 *   V_pre(t - t_pre)    for each presynaptic spike at t_pre, and
 *   -V_post(t - t_post) for each postsynaptic spike at t_post,
 * so the device sees V_pre - V_post as in `opsin stdp` (the STDP window emerges from the
 * model's own voltage-driven dynamics, not from a formula).  One spike's waveform V(s): a
 * first phase `amplitude` for 0 <= s < width; with a tail, then -tail x amplitude decaying as
 * exp(-(s - width)/tail_tau) (exp) or linearly to 0 (linear) until width + tail_width.
 * A presynaptic spike reads the device first: its port conductance G at t_pre (before this
 * spike's waveform starts) sends the charge Q = G v_read t_read to the post neuron (engine/
 * net.c turns it into the population's synapse: a jump Q/C_m of V, or a current Q/tau_syn).
 *
 * Cost follows events: a synapse is integrated (CVODE BDF, the circuit's rtol and the
 * model's per-state absolute tolerances) only when one of its own spikes comes or its state
 * is asked for, from where it was left and through the edges of the waveforms still on it,
 * never across an edge.  Each synapse draws its noise from a generator seeded afresh from
 * (seed, stream, synapse, touch count) at each touch, so no generator state is kept per
 * synapse and the draws do not depend on the threads.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <gsl/gsl_rng.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "engine/cvcompat.h"
#include "engine/devsyn.h"

/* A spike whose waveform is still on a synapse. */
typedef struct wave {
    double t0;   /* s: the spike */
    double sign; /* +1 pre, -1 post */
    int ph;      /* the phase last told to the model (-1: not started) */
} wave;

typedef struct wavelist {
    wave *w;
    size_t n, cap;
} wavelist;

/* A stimulus source on every synapse of the projection (light, a gate voltage): its pulses
 * up to t_end, in time order and not overlapping. */
typedef struct extdrive {
    int kind;
    double wavelength;
    opsin_envelope env;
    opsin_pulse *p;
    size_t n;
} extdrive;

struct opsin_devsyn {
    const opsin_devsyn_def *def;
    const opsin_model *m;
    size_t n, nst, naux;
    double *t, *y, *aux; /* per synapse: time, states, model values */
    int *mode;
    uint64_t *touch;     /* per synapse: generator reseeds so far */
    wavelist *wv;
    uint64_t seed;
    double rtol, atol_scale;
    long max_steps;      /* per integrated stretch */
    opsin_envelope env;  /* the exponential tail */
    double inert_lo, inert_hi; /* V: drives within change nothing (empty: every drive acts) */
    int optical_inert;   /* light changes nothing in the device */
    extdrive *ext;       /* the sources on every synapse */
    size_t next;
    double *ext_done;    /* per synapse: the sources' edges are told up to this time */
    int ready;           /* the synapses' initial states are drawn */
};

struct opsin_devsyn_work {
    opsin_devsyn *ds;
    SUNContext ctx;
    void *cvode;
    N_Vector y, atol;
    SUNMatrix A;
    SUNLinearSolver LS;
    gsl_rng *rng;
    opsin_comp comp;         /* the synapse being integrated */
    opsin_drive *drives;     /* one per wave on it */
    double *level, *slope, *t_on;
    int *ph;                 /* each wave's phase over the present interval */
    double *save;            /* a peeked synapse's states and model values */
    size_t save_cap;
    wave *save_w;            /* and its waves */
    size_t save_wcap;
    size_t cap;
    int started;             /* CVodeInit done */
    unsigned long steps, nint;
    char err[OPSIN_CV_MSG_MAX];
};

/* The generator of synapse s for its next touch. */
static void reseed(opsin_devsyn_work *w, size_t s)
{
    opsin_devsyn *ds = w->ds;
    if (!ds->m->random)
        return;
    uint64_t x = opsin_splitmix64(opsin_splitmix64(opsin_splitmix64(ds->seed) ^ (uint64_t)s) ^ ds->touch[s]++);
    gsl_rng_set(w->rng, (unsigned long)(x ? x : 1));
}

/* Points the scratch component at synapse s. */
static void bind(opsin_devsyn_work *w, size_t s)
{
    opsin_devsyn *ds = w->ds;
    w->comp.aux = ds->naux ? ds->aux + s * ds->naux : NULL;
    w->comp.mode = ds->mode[s];
}

/* 1 when the model calls voltages within [lo, hi] inert. */
static int inert_in(const opsin_devsyn *ds, double lo, double hi)
{
    char why[256];
    return ds->m->inert(ds->def->dev.p, OPSIN_SRC_VOLTAGE, lo, hi, why, sizeof why);
}

/* The widest voltage the model calls inert from 0 in direction dir (+1 or -1), found by
 * bisection (at most 1 MV). */
static double inert_edge(const opsin_devsyn *ds, double dir)
{
    double a = 0, b = 1e6;
    if (inert_in(ds, dir < 0 ? -b : 0, dir < 0 ? 0 : b))
        return dir * b;
    for (int it = 0; it < 200; it++) {
        double mid = a + 0.5 * (b - a);
        if (!(mid > a && mid < b))
            break;
        if (inert_in(ds, dir < 0 ? -mid : 0, dir < 0 ? 0 : mid))
            a = mid;
        else
            b = mid;
    }
    return dir * a;
}

/* The voltages the device ignores: [inert_lo, inert_hi] around 0, or empty. */
static void inert_range(opsin_devsyn *ds)
{
    char why[256];
    ds->optical_inert = ds->m->inert &&
                        ds->m->inert(ds->def->dev.p, OPSIN_SRC_OPTICAL, 0, INFINITY, why,
                                     sizeof why);
    ds->inert_lo = 1.0;
    ds->inert_hi = -1.0;
    if (!ds->m->inert || !inert_in(ds, 0, 0))
        return;
    double lo = inert_edge(ds, -1), hi = inert_edge(ds, 1);
    if (inert_in(ds, lo, hi)) {
        ds->inert_lo = lo;
        ds->inert_hi = hi;
    }
}

int opsin_devsyn_new(const opsin_devsyn_def *def, size_t n, unsigned long seed, uint64_t stream,
                     double rtol, double atol_scale, long max_steps, opsin_devsyn **out)
{
    opsin_devsyn *ds = calloc(1, sizeof *ds);
    if (!ds)
        return OPSIN_ENOMEM;
    ds->def = def;
    ds->m = def->dev.model;
    ds->n = n;
    ds->nst = ds->m->nstates;
    ds->naux = ds->m->naux;
    ds->seed = opsin_splitmix64((uint64_t)seed) ^ opsin_splitmix64(stream + 0x5EED);
    ds->rtol = rtol;
    ds->atol_scale = atol_scale;
    ds->max_steps = max_steps;
    ds->env = (opsin_envelope){OPSIN_ENV_EXP, 0, 0, def->tail_tau};
    inert_range(ds);
    size_t nn = n ? n : 1;
    if (!(ds->t = calloc(nn, sizeof *ds->t)) ||
        !(ds->y = calloc(nn * (ds->nst ? ds->nst : 1), sizeof *ds->y)) ||
        !(ds->aux = calloc(nn * (ds->naux ? ds->naux : 1), sizeof *ds->aux)) ||
        !(ds->mode = calloc(nn, sizeof *ds->mode)) ||
        !(ds->touch = calloc(nn, sizeof *ds->touch)) || !(ds->wv = calloc(nn, sizeof *ds->wv))) {
        opsin_devsyn_free(ds);
        return OPSIN_ENOMEM;
    }
    *out = ds;
    return OPSIN_OK;
}

void opsin_devsyn_free(opsin_devsyn *ds)
{
    if (!ds)
        return;
    for (size_t q = 0; q < ds->next; q++)
        free(ds->ext[q].p);
    free(ds->ext);
    free(ds->ext_done);
    for (size_t s = 0; ds->wv && s < ds->n; s++)
        free(ds->wv[s].w);
    free(ds->wv);
    free(ds->touch);
    free(ds->mode);
    free(ds->aux);
    free(ds->y);
    free(ds->t);
    free(ds);
}

static int work_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
    opsin_devsyn_work *w = data;
    w->ds->m->rhs(&w->comp, t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
    return 0;
}

/* Room for n waves' drives in the scratch component. */
static int work_room(opsin_devsyn_work *w, size_t n)
{
    if (n <= w->cap)
        return OPSIN_OK;
    size_t cap = n < 8 ? 8 : 2 * n;
    opsin_drive *dv = realloc(w->drives, cap * sizeof *dv);
    if (dv)
        w->drives = dv;
    double *l = realloc(w->level, cap * sizeof *l);
    if (l)
        w->level = l;
    double *sl = realloc(w->slope, cap * sizeof *sl);
    if (sl)
        w->slope = sl;
    double *on = realloc(w->t_on, cap * sizeof *on);
    if (on)
        w->t_on = on;
    int *ph = realloc(w->ph, cap * sizeof *ph);
    if (ph)
        w->ph = ph;
    if (!dv || !l || !sl || !on || !ph)
        return OPSIN_ENOMEM;
    w->cap = cap;
    for (size_t k = 0; k < cap; k++) /* the arrays may have moved */
        w->drives[k] = (opsin_drive){OPSIN_SRC_VOLTAGE, 0, &w->level[k], &w->slope[k], NULL,
                                     &w->t_on[k], 0};
    w->comp.drives = w->drives;
    return OPSIN_OK;
}

int opsin_devsyn_add_source(opsin_devsyn *ds, const opsin_source *src, double t_end)
{
    extdrive *grown = realloc(ds->ext, (ds->next + 1) * sizeof *grown);
    if (!grown)
        return OPSIN_ENOMEM;
    ds->ext = grown;
    extdrive *x = &ds->ext[ds->next];
    *x = (extdrive){src->kind, src->wavelength, src->env, NULL, 0};
    if (opsin_source_pulses(src, t_end, &x->p, &x->n))
        return OPSIN_ENOMEM;
    ds->next++;
    if (!ds->ext_done) {
        if (!(ds->ext_done = malloc((ds->n ? ds->n : 1) * sizeof *ds->ext_done)))
            return OPSIN_ENOMEM;
        for (size_t s = 0; s < ds->n; s++)
            ds->ext_done[s] = -INFINITY;
    }
    return OPSIN_OK;
}

int opsin_devsyn_work_new(opsin_devsyn *ds, opsin_devsyn_work **out)
{
    opsin_devsyn_work *w = calloc(1, sizeof *w);
    if (!w)
        return OPSIN_ENOMEM;
    w->ds = ds;
    w->comp.def = &ds->def->dev;
    w->comp.p = ds->def->dev.p;
    w->comp.island = 0;
    w->comp.y_off = 0;
    sunindextype n = (sunindextype)(ds->nst ? ds->nst : 1);
    int ok = OPSIN_SUNCTX_CREATE(&w->ctx) == 0;
    if (!ok)
        w->ctx = NULL;
    ok = ok && (w->cvode = CVodeCreate(CV_BDF, w->ctx)) != NULL &&
         opsin_cv_catch_errors(w->ctx, w->cvode, w->err) == 0 &&
         (w->y = N_VNew_Serial(n, w->ctx)) != NULL && (w->atol = N_VClone(w->y)) != NULL &&
         (w->A = SUNDenseMatrix(n, n, w->ctx)) != NULL &&
         (w->LS = SUNLinSol_Dense(w->y, w->A, w->ctx)) != NULL &&
         (!ds->m->random || (w->rng = gsl_rng_alloc(gsl_rng_taus2)) != NULL) &&
         work_room(w, 8) == OPSIN_OK;
    if (ok) {
        w->comp.rng = w->rng;
        double *atol = N_VGetArrayPointer(w->atol);
        for (size_t k = 0; k < (size_t)n; k++)
            atol[k] = ds->rtol * ds->atol_scale * (k < ds->nst ? ds->m->states[k].atol : 1.0);
        /* every synapse's initial state, drawn from its own generator, by the first work */
        for (size_t s = 0; !ds->ready && s < ds->n; s++) {
            bind(w, s);
            reseed(w, s);
            w->comp.ndrives = 0;
            ds->m->init(&w->comp, ds->y + s * ds->nst);
            ds->mode[s] = w->comp.mode;
        }
        ds->ready = 1;
    }
    if (!ok) {
        opsin_devsyn_work_free(w);
        return OPSIN_ENOMEM;
    }
    *out = w;
    return OPSIN_OK;
}

void opsin_devsyn_work_free(opsin_devsyn_work *w)
{
    if (!w)
        return;
    if (w->cvode)
        CVodeFree(&w->cvode);
    if (w->LS)
        (void)SUNLinSolFree(w->LS);
    if (w->A)
        SUNMatDestroy(w->A);
    if (w->atol)
        N_VDestroy(w->atol);
    if (w->y)
        N_VDestroy(w->y);
    if (w->ctx)
        (void)SUNContext_Free(&w->ctx);
    if (w->rng)
        gsl_rng_free(w->rng);
    free(w->drives);
    free(w->level);
    free(w->slope);
    free(w->t_on);
    free(w->ph);
    free(w->save);
    free(w->save_w);
    free(w);
}

/* The phase of wave v at t: -1 before its spike, 0 the first, 1 the tail, 2 over. */
static int phase_at(const opsin_devsyn_def *def, const wave *v, double t)
{
    if (t < v->t0)
        return -1;
    if (t < v->t0 + def->width) /* the same sums as next_edge's: an edge is never missed */
        return 0;
    if (def->shape != OPSIN_SPIKE_RECT && t < v->t0 + def->width + def->tail_width)
        return 1;
    return 2;
}

/* The first edge of v's waveform after t (INFINITY when it is over). */
static double wave_edge(const opsin_devsyn_def *def, const wave *v, double t)
{
    switch (phase_at(def, v, t)) {
    case -1: return v->t0;
    case 0: return v->t0 + def->width;
    case 1: return v->t0 + def->width + def->tail_width;
    default: return INFINITY;
    }
}

/* Index of the last pulse of x starting at or before t (strictly before when !incl), or -1. */
static long pulse_before(const extdrive *x, double t, int incl)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (incl ? x->p[mid].start <= t : x->p[mid].start < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

/* The pulse of x on at t, or -1. */
static long pulse_at(const extdrive *x, double t)
{
    long j = pulse_before(x, t, 1);
    return j >= 0 && t < x->p[j].end ? j : -1;
}

/* The first edge of x's pulses after t. */
static double pulse_edge(const extdrive *x, double t)
{
    long j = pulse_before(x, t, 1);
    double e = (size_t)(j + 1) < x->n ? x->p[j + 1].start : INFINITY;
    if (j >= 0 && x->p[j].end > t && x->p[j].end < e)
        e = x->p[j].end;
    return e;
}

/* The first edge after t of the waves and sources on a synapse. */
static double next_edge(const opsin_devsyn *ds, const wavelist *wl, double t)
{
    double e = INFINITY;
    for (size_t k = 0; k < wl->n; k++) {
        double x = wave_edge(ds->def, &wl->w[k], t);
        e = x < e ? x : e;
    }
    for (size_t q = 0; q < ds->next; q++) {
        double x = pulse_edge(&ds->ext[q], t);
        e = x < e ? x : e;
    }
    return e;
}

/* 1 when v, for the model, changes nothing (within the inert range; never for a model that
 * states none). */
static int inert_v(const opsin_devsyn *ds, double v)
{
    return v >= ds->inert_lo && v <= ds->inert_hi;
}

/* 1 when a source's pulse (over the whole pulse: amplitude .. amplitude + slope x width,
 * times an envelope within [0, 1]) changes nothing by itself; lo, hi gather its voltages for
 * the sum with the other drives. */
static int ext_inert(const opsin_devsyn *ds, const extdrive *x, const opsin_pulse *p,
                     double *lo, double *hi)
{
    if (x->kind == OPSIN_SRC_OPTICAL)
        return ds->optical_inert;
    if (x->kind != OPSIN_SRC_VOLTAGE)
        return 0;
    double a = p->amplitude, b = p->amplitude + p->slope * (p->end - p->start);
    double l = fmin(0.0, fmin(a, b)), h = fmax(0.0, fmax(a, b));
    *lo += l;
    *hi += h;
    return inert_v(ds, l) && inert_v(ds, h);
}

/* The value at the start of phase ph of wave v (0 outside the waveform). */
static double phase_amp(const opsin_devsyn_def *def, const wave *v, int ph)
{
    return ph == 0 ? def->amplitude * v->sign
                   : ph == 1 ? -def->tail * def->amplitude * v->sign : 0.0;
}

/* 1 when the sum of the waves stays inert over [t, e) (each phase held between its start
 * value and 0 by its shape). */
static int passive(const opsin_devsyn *ds, const wavelist *wl, double t)
{
    double lo = 0, hi = 0;
    for (size_t k = 0; k < wl->n; k++) {
        double a = phase_amp(ds->def, &wl->w[k], phase_at(ds->def, &wl->w[k], t));
        lo += a < 0 ? a : 0;
        hi += a > 0 ? a : 0;
    }
    for (size_t q = 0; q < ds->next; q++) {
        long j = pulse_at(&ds->ext[q], t);
        if (j >= 0 && !ext_inert(ds, &ds->ext[q], &ds->ext[q].p[j], &lo, &hi))
            return 0;
    }
    return inert_v(ds, lo) && inert_v(ds, hi);
}

/* Drive k as wave v's phase ph. */
static void set_drive(opsin_devsyn_work *w, size_t k, const wave *v, int ph)
{
    const opsin_devsyn_def *def = w->ds->def;
    opsin_drive *dv = &w->drives[k];
    dv->env = NULL;
    w->slope[k] = 0.0;
    w->level[k] = ph == 0 || ph == 1 ? phase_amp(def, v, ph) : 0.0;
    w->t_on[k] = ph == 1 ? v->t0 + def->width : v->t0;
    if (ph == 1 && def->shape == OPSIN_SPIKE_EXP_TAIL)
        dv->env = &w->ds->env;
    else if (ph == 1)
        w->slope[k] = -w->level[k] / def->tail_width;
}

/* The drives as the waves and the sources make them at t (the sources after the waves). */
static void set_drives(opsin_devsyn_work *w, const wavelist *wl, double t)
{
    const opsin_devsyn *ds = w->ds;
    for (size_t k = 0; k < wl->n; k++)
        set_drive(w, k, &wl->w[k], phase_at(ds->def, &wl->w[k], t));
    for (size_t q = 0; q < ds->next; q++) {
        const extdrive *x = &ds->ext[q];
        size_t k = wl->n + q;
        long j = pulse_at(x, t);
        w->drives[k].kind = x->kind;
        w->drives[k].wavelength = x->wavelength;
        w->drives[k].env = x->env.kind != OPSIN_ENV_RECT ? &x->env : NULL;
        w->level[k] = j >= 0 ? x->p[j].amplitude : 0.0;
        w->slope[k] = j >= 0 ? x->p[j].slope : 0.0;
        w->t_on[k] = j >= 0 ? x->p[j].start : t;
    }
    w->comp.ndrives = wl->n + ds->next;
}

/* The sources' edges at t not told yet: a pulse that ends, then one that starts (the model
 * told unless the value changes nothing, or quiet). */
static void ext_edges_at(opsin_devsyn_work *w, size_t s, const wavelist *wl, double t,
                         double *y, int quiet)
{
    opsin_devsyn *ds = w->ds;
    if (!ds->next || !(t > ds->ext_done[s]))
        return;
    ds->ext_done[s] = t;
    if (quiet || !ds->m->on_drive)
        return;
    for (size_t q = 0; q < ds->next; q++) {
        const extdrive *x = &ds->ext[q];
        long e = pulse_before(x, t, 0), b = pulse_before(x, t, 1);
        int ends = e >= 0 && x->p[e].end == t, starts = b >= 0 && x->p[b].start == t;
        double lo = 0, hi = 0;
        if (!ends && !starts)
            continue;
        set_drives(w, wl, t);
        if (ends && !ext_inert(ds, x, &x->p[e], &lo, &hi))
            ds->m->on_drive(&w->comp, wl->n + q, 0, x->p[e].amplitude, t, y);
        if (starts && !ext_inert(ds, x, &x->p[b], &lo, &hi))
            ds->m->on_drive(&w->comp, wl->n + q, 1, x->p[b].amplitude, t, y);
    }
}

/* Integrates y of synapse s (bound) from t to t1 with the drives as set; ESOLVER. */
static int integrate(opsin_devsyn_work *w, size_t s, double *y, double t, double t1,
                     opsin_diag *d)
{
    opsin_devsyn *ds = w->ds;
    /* two edges a few ulps apart (a tail's end and the next spike's phase, summed in
     * different orders) are one instant: nothing to integrate, and CVODE could not start */
    if (!(t1 - t > 64 * DBL_EPSILON * fmax(fabs(t), fabs(t1))) || !ds->nst)
        return OPSIN_OK;
    double *yv = N_VGetArrayPointer(w->y);
    memcpy(yv, y, ds->nst * sizeof *y);
    int flag = w->started ? CVodeReInit(w->cvode, t, w->y) : CVodeInit(w->cvode, work_rhs, t, w->y);
    if (flag == CV_SUCCESS && !w->started) {
        if ((flag = CVodeSVtolerances(w->cvode, ds->rtol, w->atol)) == CV_SUCCESS &&
            (flag = CVodeSetUserData(w->cvode, w)) == CV_SUCCESS &&
            (flag = CVodeSetMaxNumSteps(w->cvode, ds->max_steps)) == CV_SUCCESS)
            flag = CVodeSetLinearSolver(w->cvode, w->LS, w->A);
        w->started = flag == CV_SUCCESS;
    }
    sunrealtype tret = t;
    if (flag == CV_SUCCESS)
        flag = CVodeSetStopTime(w->cvode, t1);
    if (flag == CV_SUCCESS)
        flag = CVode(w->cvode, t1, w->y, &tret, CV_NORMAL);
    long nst = 0;
    if (CVodeGetNumSteps(w->cvode, &nst) == CV_SUCCESS)
        w->steps += (unsigned long)nst;
    w->nint++;
    if (flag < 0) {
        opsin_diag_set(d, NULL, 0, "device synapse %s[%zu] (%s): the integrator failed at t = "
                       "%g s: %s (expected a device the CVODE path can integrate; try a "
                       "smaller solver.rtol)", ds->def->dev.id, s, ds->m->name, (double)tret,
                       w->err[0] ? w->err : "no message");
        return OPSIN_ESOLVER;
    }
    memcpy(y, yv, ds->nst * sizeof *y);
    return OPSIN_OK;
}

/* The edges at t: each wave whose phase changes there ends the old one and starts the new
 * (the model told, unless it calls the value inert, or quiet); finished waves leave. */
static void edges_at(opsin_devsyn_work *w, wavelist *wl, double t, double *y, int quiet)
{
    opsin_devsyn *ds = w->ds;
    const opsin_model *m = ds->m;
    if (!quiet && m->on_drive) {
        set_drives(w, wl, t);
        for (size_t k = 0; k < wl->n; k++) {
            const wave *v = &wl->w[k];
            int ph = phase_at(ds->def, v, t);
            if (ph == v->ph)
                continue;
            double old = v->ph >= 0 ? phase_amp(ds->def, v, v->ph) : 0.0;
            double now = phase_amp(ds->def, v, ph);
            if (old != 0.0 && !inert_v(ds, old))
                m->on_drive(&w->comp, k, 0, old, t, y);
            if (now != 0.0 && !inert_v(ds, now))
                m->on_drive(&w->comp, k, 1, now, t, y);
        }
    }
    size_t keep = 0;
    for (size_t k = 0; k < wl->n; k++) {
        wave *v = &wl->w[k];
        v->ph = phase_at(ds->def, v, t);
        if (v->ph != 2)
            wl->w[keep++] = *v;
    }
    wl->n = keep;
}

/* 1 when no source has an edge at t (not told yet) that the model would hear. */
static int ext_quiet(const opsin_devsyn *ds, size_t s, double t)
{
    for (size_t q = 0; ds->next && t > ds->ext_done[s] && q < ds->next; q++) {
        const extdrive *x = &ds->ext[q];
        long e = pulse_before(x, t, 0), b = pulse_before(x, t, 1);
        double lo = 0, hi = 0;
        if ((e >= 0 && x->p[e].end == t && !ext_inert(ds, x, &x->p[e], &lo, &hi)) ||
            (b >= 0 && x->p[b].start == t && !ext_inert(ds, x, &x->p[b], &lo, &hi)))
            return 0;
    }
    return 1;
}

/* 1 when every phase change at t is one the model calls inert. */
static int edges_quiet(const opsin_devsyn *ds, const wavelist *wl, double t)
{
    for (size_t k = 0; k < wl->n; k++) {
        const wave *v = &wl->w[k];
        int ph = phase_at(ds->def, v, t);
        if (ph != v->ph && ((v->ph >= 0 && !inert_v(ds, phase_amp(ds->def, v, v->ph))) ||
                            !inert_v(ds, phase_amp(ds->def, v, ph))))
            return 0;
    }
    return 1;
}

int opsin_devsyn_advance(opsin_devsyn_work *w, size_t s, double t1, opsin_diag *d)
{
    opsin_devsyn *ds = w->ds;
    wavelist *wl = &ds->wv[s];
    double t = ds->t[s], *y = ds->y + s * ds->nst;
    bind(w, s);
    reseed(w, s);
    if (work_room(w, wl->n))
        return OPSIN_ENOMEM;
    if (work_room(w, wl->n + ds->next))
        return OPSIN_ENOMEM;
    edges_at(w, wl, t, y, 0); /* waves and pulses that start where the synapse is */
    ext_edges_at(w, s, wl, t, y, 0);
    int rc = OPSIN_OK;
    while (!rc && t < t1) {
        double e = fmin(next_edge(ds, wl, t), t1);
        if (passive(ds, wl, t)) {
            /* a stretch on which no drive acts: one integration across its quiet edges */
            while (e < t1 && edges_quiet(ds, wl, e) && ext_quiet(ds, s, e)) {
                edges_at(w, wl, e, y, 1);
                ext_edges_at(w, s, wl, e, y, 1);
                if (!passive(ds, wl, e))
                    break;
                e = fmin(next_edge(ds, wl, e), t1);
            }
            w->comp.ndrives = 0;
        } else {
            set_drives(w, wl, t);
        }
        rc = integrate(w, s, y, t, e, d);
        t = e;
        if (!rc) {
            edges_at(w, wl, t, y, 0);
            ext_edges_at(w, s, wl, t, y, 0);
        }
    }
    ds->t[s] = t > ds->t[s] ? t : ds->t[s];
    ds->mode[s] = w->comp.mode;
    return rc;
}

int opsin_devsyn_spike(opsin_devsyn_work *w, size_t s, double t, int pre, double *g,
                       opsin_diag *d)
{
    opsin_devsyn *ds = w->ds;
    wavelist *wl = &ds->wv[s];
    int rc = OPSIN_OK;
    /* a read needs the state at t; a post spike waits for the next read unless its synapse
     * holds many waves already (a synapse nobody reads must not grow) */
    if (g || wl->n >= 8)
        rc = opsin_devsyn_advance(w, s, t, d);
    if (rc)
        return rc;
    if (g) {
        bind(w, s);
        *g = ds->m->port_value(&w->comp, t, ds->y + s * ds->nst);
    }
    if (opsin_grow((void **)&wl->w, &wl->cap, wl->n, sizeof *wl->w) ||
        work_room(w, wl->n + 1 + ds->next))
        return OPSIN_ENOMEM;
    wl->w[wl->n++] = (wave){t, pre ? 1.0 : -1.0, -1};
    if (ds->t[s] == t) { /* it starts where the synapse is */
        bind(w, s);
        reseed(w, s);
        edges_at(w, wl, t, ds->y + s * ds->nst, 0);
        ds->mode[s] = w->comp.mode;
    }
    return OPSIN_OK;
}

int opsin_devsyn_peek(opsin_devsyn_work *w, size_t s, double t, size_t k, double *out,
                      opsin_diag *d)
{
    opsin_devsyn *ds = w->ds;
    wavelist *wl = &ds->wv[s];
    size_t nst = ds->nst, naux = ds->naux, nw = wl->n;
    /* the synapse as it is, restored after: the peek changes nothing that follows */
    if (opsin_grow((void **)&w->save, &w->save_cap, nst + naux + 1, sizeof *w->save) ||
        opsin_grow((void **)&w->save_w, &w->save_wcap, nw + 1, sizeof *w->save_w))
        return OPSIN_ENOMEM;
    double t0 = ds->t[s], done = ds->ext_done ? ds->ext_done[s] : 0.0;
    int mode = ds->mode[s];
    uint64_t touch = ds->touch[s];
    memcpy(w->save, ds->y + s * nst, nst * sizeof *w->save);
    memcpy(w->save + nst, ds->aux + s * naux, naux * sizeof *w->save);
    memcpy(w->save_w, wl->w, nw * sizeof *w->save_w);
    int rc = opsin_devsyn_advance(w, s, t, d);
    if (!rc) {
        bind(w, s);
        w->comp.ndrives = 0;
        *out = ds->m->output(&w->comp, k, t, ds->y + s * nst);
    }
    ds->t[s] = t0;
    if (ds->ext_done)
        ds->ext_done[s] = done;
    ds->mode[s] = mode;
    ds->touch[s] = touch;
    memcpy(ds->y + s * nst, w->save, nst * sizeof *w->save);
    memcpy(ds->aux + s * naux, w->save + nst, naux * sizeof *w->save);
    memcpy(wl->w, w->save_w, nw * sizeof *w->save_w);
    wl->n = nw;
    return rc;
}

double opsin_devsyn_charge(const opsin_devsyn_def *def, double g)
{
    return g * def->v_read * def->t_read;
}

void opsin_devsyn_counts(const opsin_devsyn_work *w, unsigned long *integrations,
                         unsigned long *steps)
{
    *integrations += w->nint;
    *steps += w->steps;
}
