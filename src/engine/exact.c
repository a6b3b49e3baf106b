/* exact.c: islands of one component advanced in closed form between events, and which
 * islands solver.method sends there.  Two shapes: a neuron that is linear between events
 * (exact integration, Rotter & Diesmann 1999), and a linear system without threshold (a
 * supercap, or a phototrap in its linear regime) advanced by its matrix exponential.
 *
 * The neuron (opsin_model.linear): tau dV/dt = -(V - v_inf) + r_in I,
 * and its drives are currents constant between events (rectangular pulses, spike
 * connections), I their sum.  From the state V0 at the last event t0:
 *   V(t) = v_eff + (V0 - v_eff) e^{-s/tau},   v_eff = v_inf + r_in I,   s = t - t0
 * (V held at V0 while the model's mode is not 0: refractory).  Below threshold with v_eff >
 * v_th, V reaches v_th at
 *   t0 + tau ln((v_eff - V0)/(v_eff - v_th)) = t0 + tau log1p((v_th - V0)/(v_eff - v_th)),
 * moved by ulps to the first double whose V is at or above v_th.  Each drive delivers its
 * level times the integral of V (its energy state, as the CVODE islands integrate it):
 *   v_eff s + (V0 - v_eff) tau (1 - e^{-s/tau})   (V0 s when held).
 * The linear system (opsin_model.linear_sys): dy/dt = A y + b I, terminal voltage
 * u = c.y + d I; with e the integral of u and z = (y, e, I),
 *   z(t0 + s) = e^{M s} z(t0),   M = [[A, 0, b], [c, 0, d], [0, 0, 0]]
 * (the augmented exponential: exact for a singular A too, no A^{-1}); each drive delivers its
 * level times e.  A system whose input q is not a current (opsin_model.linear_input: the
 * generation of a phototrap's light, with its pulse's noise) integrates every state instead:
 * z = (y, Y, q), M = [[A, 0, b], [1, 0, 0], [0, 0, 0]], Y the integral of y; each drive then
 * delivers s times its power at the mean state Y/s (exact: that power is affine in y).
 * e^{M s} is kept for the last few segment lengths met at the island's own events (a pulse
 * train repeats its widths and gaps).
 * Everything else (spikes, resets, refractory ends, pulse edges, connections) goes through
 * the model's hooks and the event loop as for CVODE islands: an exact island differs only in
 * how it advances.  It takes no integrator steps (the summary counts 0 steps and 0 rhs
 * evaluations for it) and one restart per event time that touched it, as CVODE islands do. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "engine/exact.h"
#include "engine/island.h"

/* ---- which islands ---------------------------------------------------------------------- */

/* The kind of drive (enum opsin_source_kind) a model's closed form takes as its input: the
 * summed current, or the kind its linear_input names. */
static int input_kind(const opsin_model *m)
{
    return m->linear_input ? m->linear_input->kind : OPSIN_SRC_CURRENT;
}

/* 1 when a source of its kind may drive a component of model m advanced exactly: the
 * model's input, or, for a model with linear_input, a kind its inert hook may call inert
 * (judged per island from the summed range: drives_inert). */
static int kind_fits(const opsin_model *m, int kind)
{
    return kind == input_kind(m) || (m->linear_input && m->inert);
}

/* 1 when a source acts only through rectangular pulses (no envelope, no slope) of a kind
 * that may drive model m exactly. */
static int source_fits(const opsin_source *src, const opsin_model *m)
{
    if (!kind_fits(m, src->kind) || src->env.kind != OPSIN_ENV_RECT)
        return 0;
    for (size_t k = 0; k < src->ntrains; k++)
        if (src->trains[k].slope != 0.0)
            return 0;
    return 1;
}

/* Why source src cannot drive model m in a closed form, into buf. */
static void source_why(const opsin_stimulus *st, const opsin_source *src, const opsin_model *m,
                       char *buf, size_t len)
{
    static const char *const is[OPSIN_NKINDS] = {"is a current", "is a voltage", "is light"};
    int line = src->line;
    const char *what;
    if (!kind_fits(m, src->kind)) {
        what = is[src->kind];
    } else if (src->env.kind != OPSIN_ENV_RECT) {
        what = src->env.kind == OPSIN_ENV_SINE ? "has a sine envelope" : "has an exp envelope";
    } else {
        what = "has a slope inside its pulses";
        for (size_t k = 0; k < src->ntrains; k++)
            if (src->trains[k].slope != 0.0 && src->trains[k].line > 0) {
                line = src->trains[k].line;
                break;
            }
    }
    if (line > 0)
        snprintf(buf, len, "source '%s' (%s:%d) %s", src->id, st->path, line, what);
    else
        snprintf(buf, len, "source '%s' %s", src->id, what);
}

/* Whether a model has a closed form for parameters p: one of the two shapes the exact
 * islands advance (a neuron, opsin_model.linear; a linear system, opsin_model.linear_sys),
 * 1, or 0 with the reason in buf. */
static int model_fits(const opsin_model *m, const double *p, char *buf, size_t len)
{
    opsin_lin_neuron lin;
    double A[OPSIN_LIN_SYS_MAX * OPSIN_LIN_SYS_MAX], b[OPSIN_LIN_SYS_MAX], cu[OPSIN_LIN_SYS_MAX];
    double du;
    int neuron = m->linear && m->nstates == 1 && m->nroots == 1;
    int sys = m->linear_sys && m->nroots == 0 && m->nstates <= OPSIN_LIN_SYS_MAX &&
              (m->linear_input || (!m->on_drive && m->accepts == OPSIN_IN_CURRENT));
    if (!neuron && !sys) {
        snprintf(buf, len, "model %s has no closed form", m->name);
        return 0;
    }
    if (neuron ? !m->linear(p, &lin) : !m->linear_sys(p, A, b, cu, &du)) {
        char why[256] = "";
        if (!neuron && m->linear_input) {
            why[0] = ':';
            why[1] = ' ';
            m->linear_input->why(p, why + 2, sizeof why - 2);
        }
        snprintf(buf, len, "its parameters give model %s no closed form%s", m->name, why);
        return 0;
    }
    return 1;
}

/* The range of a source's value: 0 (between pulses) and each train's first and last
 * amplitude (rectangular pulses: source_fits). */
static void source_range(const opsin_source *src, double *lo, double *hi)
{
    *lo = *hi = 0.0;
    for (size_t k = 0; k < src->ntrains; k++) {
        const opsin_train_spec *t = &src->trains[k];
        double end = isnan(t->amplitude_end) ? t->amplitude : t->amplitude_end;
        if (t->count < 1)
            continue;
        *lo = fmin(*lo, fmin(t->amplitude, end));
        *hi = fmax(*hi, fmax(t->amplitude, end));
    }
}

/* The sources of one kind on one component: their summed range, the first of them (-1:
 * none) and how many. */
typedef struct drive_sum {
    double lo, hi;
    long first;
    size_t count;
} drive_sum;

/* Whether the drives on component ci that are not its model's input change nothing (the
 * model's inert hook, over sum[kind], the summed range of the sources of each kind): 1, or 0
 * with the reason in buf. */
static int drives_inert(const opsin_circuit *c, const opsin_stimulus *st, size_t ci,
                        const drive_sum *sum, char *buf, size_t len)
{
    const opsin_compdef *cd = &c->comps[ci];
    for (int kind = 0; sum && kind < OPSIN_NKINDS; kind++) {
        const drive_sum *ds = &sum[kind];
        char why[256];
        if (kind == input_kind(cd->model) || ds->first < 0 ||
            cd->model->inert(cd->p, kind, ds->lo, ds->hi, why, sizeof why))
            continue;
        const opsin_source *first = &st->sources[ds->first];
        const char *unit = opsin_source_kinds[kind].unit;
        char at[OPSIN_ID_MAX + 64] = "";
        if (first->line > 0)
            snprintf(at, sizeof at, " (%s:%d)", st->path, first->line);
        snprintf(buf, len, "source '%s'%s%s spans %g %s .. %g %s: %s %s drive that acts on "
                 "it (not inert)", first->id, at, ds->count > 1 ? " with the others of its "
                 "kind" : "", ds->lo, unit, ds->hi, unit, kind == OPSIN_SRC_OPTICAL ? "an" : "a",
                 opsin_source_kinds[kind].name);
        return 0;
    }
    return 1;
}

/* Whether an island has a closed form: 1, or 0 with the reason in buf and the component to
 * name in *who.  first: its first component; coupled: when it has several, the first of them
 * with an input (only inputs join islands), else -1; bad_src: the first source on `first`
 * that cannot drive it exactly (source_fits), or -1; sum: its sources per kind (NULL when
 * its model has no linear_input). */
static int island_fits(const opsin_circuit *c, const opsin_stimulus *st, size_t first,
                       long coupled, long bad_src, const drive_sum *sum, size_t *who, char *buf,
                       size_t len)
{
    const opsin_compdef *cd = &c->comps[first];
    *who = first;
    if (coupled >= 0) {
        const opsin_compdef *in = &c->comps[c->comps[coupled].input];
        *who = (size_t)coupled;
        snprintf(buf, len, "its input '%s' (%s) is integrated with it", in->id, in->model->name);
        return 0;
    }
    if (!model_fits(cd->model, cd->p, buf, len))
        return 0;
    if (bad_src >= 0) {
        source_why(st, &st->sources[bad_src], cd->model, buf, len);
        return 0;
    }
    return drives_inert(c, st, first, sum, buf, len);
}

/* Per island: its first component, the number of its components and the first of them with
 * an input (-1: none); per component, the first source that cannot drive it exactly
 * (source_fits; -1: none) and, when its model has linear_input, its sources per kind (sum:
 * OPSIN_NKINDS per component; NULL when no model has linear_input). */
typedef struct plan_work {
    size_t *first, *count;
    long *coupled, *bad;
    drive_sum *sum;
} plan_work;

/* w->sum for the components whose model has linear_input (none: left NULL); ENOMEM. */
static int plan_work_sums(plan_work *w, const opsin_circuit *c, const opsin_stimulus *st)
{
    size_t n = c->ncomps, any = 0;
    for (size_t k = 0; k < n; k++)
        any += c->comps[k].model->linear_input != NULL;
    if (!any || !st)
        return OPSIN_OK;
    if (!(w->sum = malloc(n * OPSIN_NKINDS * sizeof *w->sum)))
        return OPSIN_ENOMEM;
    for (size_t k = 0; k < n * OPSIN_NKINDS; k++)
        w->sum[k] = (drive_sum){0.0, 0.0, -1, 0};
    for (size_t s = 0; s < st->nsources; s++)
        for (size_t t = 0; t < st->sources[s].ntargets; t++) {
            int k = st->sources[s].targets[t];
            drive_sum *ds = &w->sum[(size_t)k * OPSIN_NKINDS + (size_t)st->sources[s].kind];
            double lo, hi;
            if (!c->comps[k].model->linear_input)
                continue;
            source_range(&st->sources[s], &lo, &hi);
            ds->lo += lo;
            ds->hi += hi;
            ds->first = ds->first < 0 ? (long)s : ds->first;
            ds->count++;
        }
    return OPSIN_OK;
}

static int plan_work_fill(plan_work *w, const opsin_circuit *c, const opsin_stimulus *st,
                          const size_t *island_of, size_t nisl)
{
    size_t n = c->ncomps;
    w->first = malloc((nisl ? nisl : 1) * sizeof *w->first);
    w->count = calloc(nisl ? nisl : 1, sizeof *w->count);
    w->coupled = malloc((nisl ? nisl : 1) * sizeof *w->coupled);
    w->bad = malloc((n ? n : 1) * sizeof *w->bad);
    if (!w->first || !w->count || !w->coupled || !w->bad)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < nisl; i++)
        w->coupled[i] = -1;
    for (size_t k = 0; k < n; k++) {
        size_t i = island_of[k];
        if (w->count[i]++ == 0)
            w->first[i] = k;
        if (c->comps[k].input >= 0 && w->coupled[i] < 0)
            w->coupled[i] = (long)k;
        w->bad[k] = -1;
    }
    for (size_t s = 0; st && s < st->nsources; s++)
        for (size_t t = 0; t < st->sources[s].ntargets; t++) {
            int k = st->sources[s].targets[t];
            if (w->bad[k] < 0 && !source_fits(&st->sources[s], c->comps[k].model))
                w->bad[k] = (long)s;
        }
    return plan_work_sums(w, c, st);
}

static void plan_work_free(plan_work *w)
{
    free(w->first);
    free(w->count);
    free(w->coupled);
    free(w->bad);
    free(w->sum);
}

/* The error of solver.method = "exact" on an island that has no closed form. */
static void refuse(const opsin_circuit *c, size_t who, const char *why, opsin_diag *d)
{
    char at[48] = "";
    const opsin_model *m = c->comps[who].model;
    if (c->method_line > 0)
        snprintf(at, sizeof at, " (line %d)", c->method_line);
    opsin_diag_set(d, c->path, c->comps[who].line, "component '%s' (%s) cannot be advanced "
                   "exactly, as solver.method = \"exact\"%s asks: %s (expected %s; or method "
                   "\"auto\" or \"cvode\")", c->comps[who].id, m->name, at, why,
                   m->linear_input ? m->linear_input->expect
                                   : "a lif or a supercap alone in its island, with no input, "
                                     "driven by rectangular current pulses only");
}

int opsin_exact_plan(const opsin_circuit *c, const opsin_stimulus *st, const size_t *island_of,
                     size_t nisl, int strict, unsigned char *exact, opsin_diag *d)
{
    memset(exact, 0, nisl);
    if (c->method == OPSIN_METHOD_CVODE || nisl == 0)
        return OPSIN_OK;
    plan_work w = {NULL, NULL, NULL, NULL, NULL};
    int rc = plan_work_fill(&w, c, st, island_of, nisl);
    for (size_t i = 0; !rc && i < nisl; i++) {
        char why[OPSIN_ID_MAX + 512];
        size_t who, k = w.first[i];
        long coupled = w.count[i] > 1 ? w.coupled[i] : -1;
        const drive_sum *sum = w.sum && c->comps[k].model->linear_input
                                   ? &w.sum[k * OPSIN_NKINDS] : NULL;
        exact[i] = (unsigned char)island_fits(c, st, k, coupled, w.bad[k], sum, &who, why,
                                              sizeof why);
        if (!exact[i] && strict && c->method == OPSIN_METHOD_EXACT) {
            refuse(c, who, why, d);
            rc = OPSIN_EINVAL;
        }
    }
    plan_work_free(&w);
    return rc;
}

/* ---- the exact island ------------------------------------------------------------------- */

/* V at t0 + s, and the integral of V over [t0, t0 + s] into *integral when it is not NULL. */
static double v_after(const opsin_island *isl, double s, double *integral)
{
    const opsin_comp *c = isl->comps[0];
    double v0 = isl->y0[c->y_off], x = v0 - isl->v_eff, tau = isl->lin.tau;
    if (c->mode || s == 0.0 || x == 0.0) {
        if (integral)
            *integral = v0 * s;
        return v0;
    }
    if (integral)
        *integral = isl->v_eff * s - x * tau * expm1(-s / tau);
    return isl->v_eff + x * exp(-s / tau);
}

/* The first time after t0 at which V reaches v_th: the closed form, then moved by ulps to the
 * first double whose V (as v_after computes it) is at or above v_th. */
static double crossing(const opsin_island *isl)
{
    const opsin_comp *c = isl->comps[0];
    const opsin_lin_neuron *L = &isl->lin;
    double v0 = isl->y0[c->y_off];
    if (c->mode || !(v0 < L->v_th) || !(isl->v_eff > L->v_th))
        return INFINITY;
    double t = isl->t0 + L->tau * log1p((L->v_th - v0) / (isl->v_eff - L->v_th));
    for (int k = 0; k < 8 && v_after(isl, t - isl->t0, NULL) < L->v_th; k++)
        t = nextafter(t, INFINITY);
    for (int k = 0; k < 8; k++) {
        double before = nextafter(t, -INFINITY);
        if (!(before > isl->t0) || v_after(isl, before - isl->t0, NULL) < L->v_th)
            break;
        t = before;
    }
    return t;
}

/* Every drive's energy at the present time: its level times the integral over the segment
 * of the voltage it drives into. */
static void drive_energies(opsin_island *isl, double integral)
{
    const opsin_comp *c = isl->comps[0];
    for (size_t k = 0; k < c->ndrives; k++) {
        const opsin_drive *dv = &c->drives[k];
        double level = *dv->level;
        isl->yd[dv->energy_y] = isl->y0[dv->energy_y] + (level != 0.0 ? level * integral : 0.0);
    }
}

/* Sets yd to the state at t: V and every drive's energy. */
static void exact_eval(opsin_island *isl, double t)
{
    const opsin_comp *c = isl->comps[0];
    double integral = 0.0, s = t - isl->t0;
    isl->yd[c->y_off] = v_after(isl, s, c->ndrives ? &integral : NULL);
    drive_energies(isl, integral);
}

/* The state at t; a threshold crossing skipped on the way would be a spike lost, which the
 * event loop never lets happen (it steps spiking islands before anything later). */
static int exact_at(opsin_island *isl, double t, double t_end, opsin_diag *d)
{
    (void)t_end;
    if (t > isl->tn && isl->t_cross <= t) {
        opsin_diag_set(d, NULL, 0, "the exact island of '%s' (%s) was asked for t = %.9g s, past "
                       "its threshold crossing at %.9g s (expected the event loop to step it "
                       "there first)", isl->comps[0]->def->id, isl->comps[0]->def->model->name,
                       t, isl->t_cross);
        return OPSIN_ESOLVER;
    }
    exact_eval(isl, t);
    isl->t = t;
    isl->tn = fmax(isl->tn, t);
    return OPSIN_OK;
}

/* One step: to the threshold crossing when it comes no later than the island's next own
 * event (or t_end), else to that event.  A crossing is reported once: its spike's event
 * restarts the island (or an earlier event voids the spike and restarts it). */
static int exact_step(opsin_island *isl, double t_end, double *root, opsin_diag *d)
{
    (void)d;
    const opsin_event *next = opsin_queue_top(&isl->stops);
    double stop = next && next->t < t_end ? next->t : t_end;
    *root = NAN;
    isl->rootsfound[0] = 0;
    if (isl->t_cross <= stop) {
        *root = isl->t_cross;
        isl->rootsfound[0] = 1;
        isl->t_cross = INFINITY;
        isl->tn = fmax(isl->tn, *root);
    } else {
        isl->tn = fmax(isl->tn, stop);
    }
    return OPSIN_OK;
}

/* A new closed form from the state at t (an event changed it or the drive). */
static int exact_restart(opsin_island *isl, opsin_diag *d)
{
    (void)d;
    const opsin_comp *c = isl->comps[0];
    memcpy(isl->y0, isl->yd, isl->n * sizeof *isl->y0);
    isl->t0 = isl->t;
    isl->v_eff = isl->lin.v_inf + isl->lin.r_in * opsin_comp_current(c, isl->t);
    isl->t_cross = crossing(isl);
    return OPSIN_OK;
}

/* No integrator, no counters. */
static int exact_collect(opsin_island *isl, opsin_diag *d)
{
    (void)isl;
    (void)d;
    return OPSIN_OK;
}

/* The closed form at t, for the island's watches, in the third of y0's block (free once the
 * island is set up). */
static const double *exact_state_at(opsin_island *isl, double t)
{
    double *y = isl->y0 + 2 * isl->n;
    memcpy(y, isl->yd, isl->n * sizeof *y);
    y[isl->comps[0]->y_off] = v_after(isl, t - isl->t0, NULL);
    return y;
}

const opsin_island_kind opsin_island_exact = {exact_at, exact_step, exact_restart,
                                              exact_collect, exact_state_at};

/* ---- the exact island of one linear system ---------------------------------------------- */

/* The lengths of segment whose propagators an island keeps: a pulse train's segments between
 * events repeat a few lengths (its widths and gaps). */
#define SYS_SLOTS 4
#define SYS_M (2 * OPSIN_LIN_SYS_MAX + 1)

/* The system dy/dt = A y + b q under a constant input q (the summed current I, or the
 * model's linear_input), augmented by the integrals e of k rows C y + d q and by q itself:
 * z = (y, e, q), dz/dt = M z with
 *   M = [[A, 0, b], [C, 0, d], [0, 0, 0]],
 * so that z(t0 + s) = e^{M s} z(t0) whatever A (singular too: C2 charged through R_d with
 * no leak), and no A^{-1} is formed.  A current's system integrates its terminal voltage
 * (k = 1, C = c: each drive delivers its level times e); a linear_input's integrates every
 * state (k = n, C = 1, d = 0: each drive delivers the segment's length times its power at the
 * mean state e/s, exact for a power affine in the state). */
struct opsin_exact_sys {
    size_t n, k, m;              /* the model's states, rows integrated, m = n + k + 1 */
    double in_scale, e_scale;    /* powers of 2: z holds q in_scale and e e_scale */
    double q;                    /* the input of the present segment */
    double s[SYS_SLOTS];         /* the lengths cached (NAN: slot empty) */
    unsigned next;               /* the slot to refill next */
    /* Samples between events (output rows on a grid) go on from the last one: the step h
     * between grid times is one length, so its propagator is made once per run. */
    double tc, zc[SYS_M];        /* the last sample of the present segment (tc NAN: none) */
    double hs;                   /* the last step between samples (its propagator: sys_slot
                                    SYS_SLOTS + 1) */
    double M[];                  /* m x m row by row, then e^{M s} per slot, then scratch,
                                    then the sample step's */
};

/* e^{M s} of slot k (SYS_SLOTS: the scratch; SYS_SLOTS + 1: the step between samples). */
static double *sys_slot(struct opsin_exact_sys *sy, unsigned k)
{
    return sy->M + (k + 1) * sy->m * sy->m;
}

/* The terms of the Taylor series after scaling: |X| <= 1/2 in the infinity norm, so the
 * first term left out is below 2^-18 / 18! = 6e-22 of it. */
#define TAYLOR_TERMS 18

/* P = X Y, m x m. */
static void matmul(size_t m, const double *X, const double *Y, double *P)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++) {
            double v = 0.0;
            for (size_t k = 0; k < m; k++)
                v += X[i * m + k] * Y[k * m + j];
            P[i * m + j] = v;
        }
}

/* e^{M s} into E (m x m) by scaling and squaring (Moler & Van Loan 2003, method 3): the
 * Taylor series of e^{M s / 2^j} with |M s| / 2^j <= 1/2, squared j times.  No allocation
 * (GSL's gsl_linalg_exponential_ss allocates, and aborts when that fails). */
static void sys_expm(const struct opsin_exact_sys *sy, double s, double *E)
{
    size_t m = sy->m, mm = m * m;
    double X[SYS_M * SYS_M], T[SYS_M * SYS_M], P[SYS_M * SYS_M], norm = 0.0;
    for (size_t i = 0; i < m; i++) {
        double row = 0.0;
        for (size_t j = 0; j < m; j++)
            row += fabs(sy->M[i * m + j] * s);
        norm = fmax(norm, row);
    }
    int sq = norm > 0.5 ? (int)ceil(log2(norm / 0.5)) : 0;
    double h = ldexp(s, -sq); /* exact: a power of 2 */
    for (size_t k = 0; k < mm; k++) {
        X[k] = sy->M[k] * h;
        T[k] = X[k];
        E[k] = X[k] + (k % (m + 1) == 0 ? 1.0 : 0.0);
    }
    for (int n = 2; n <= TAYLOR_TERMS; n++) { /* T = X^n / n! */
        matmul(m, T, X, P);
        for (size_t k = 0; k < mm; k++) {
            T[k] = P[k] / n;
            E[k] += T[k];
        }
    }
    for (int i = 0; i < sq; i++) {
        matmul(m, E, E, P);
        memcpy(E, P, mm * sizeof *E);
    }
}

/* The propagator over s: from the cache when s is an event's segment length seen before
 * (cache: the query is at one of the island's own events), else computed. */
static const double *sys_propagator(struct opsin_exact_sys *sy, double s, int cache)
{
    for (unsigned k = 0; k < SYS_SLOTS; k++)
        if (sy->s[k] == s)
            return sys_slot(sy, k);
    unsigned slot = cache ? sy->next : SYS_SLOTS;
    sys_expm(sy, s, sys_slot(sy, slot));
    if (cache) {
        sy->s[slot] = s;
        sy->next = (sy->next + 1) % SYS_SLOTS;
    }
    return sys_slot(sy, slot);
}

/* The propagator from the last sample over h = t - tc: the one made for the last such step
 * when h is within 4 ulps of t of it (grid times differ by dt to the round-off of t; the state
 * is then that of a time within 4 ulps of t), else a new one. */
static const double *sys_sample_step(struct opsin_exact_sys *sy, double h, double t)
{
    double *E = sys_slot(sy, SYS_SLOTS + 1);
    if (!(fabs(h - sy->hs) <= 4.0 * DBL_EPSILON * fmax(fabs(t), h))) {
        sys_expm(sy, h, E);
        sy->hs = h;
    }
    return E;
}

/* Every drive's energy at the present time from the integral of each state over the segment
 * of length s: s times its power at the mean state (in the scratch third of y0's block). */
static void mean_energies(opsin_island *isl, double t, double s, const double *integral)
{
    const opsin_comp *c = isl->comps[0];
    double *mean = isl->y0 + 2 * isl->n;
    memcpy(mean, isl->yd, isl->n * sizeof *mean);
    for (size_t i = 0; i < isl->sys->n; i++)
        mean[c->y_off + i] = integral[i] / s;
    for (size_t k = 0; k < c->ndrives; k++) {
        const opsin_drive *dv = &c->drives[k];
        isl->yd[dv->energy_y] = isl->y0[dv->energy_y] + s * opsin_drive_power(c, dv, t, mean);
    }
}

/* Sets yd to the state at t: y and every drive's energy.  At the island's own events from the
 * segment's start (cached lengths), between them from the last sample. */
static void sys_eval(opsin_island *isl, double t)
{
    const opsin_comp *c = isl->comps[0];
    struct opsin_exact_sys *sy = isl->sys;
    double s = t - isl->t0, z0[SYS_M], z[SYS_M], integral[OPSIN_LIN_SYS_MAX];
    size_t n = sy->n, m = sy->m;
    memcpy(isl->yd, isl->y0, isl->n * sizeof *isl->yd);
    if (s == 0.0)
        return;
    const opsin_event *next = opsin_queue_top(&isl->stops);
    int event = next && next->t == t;
    const double *E;
    if (!event && sy->tc <= t) {
        E = sys_sample_step(sy, t - sy->tc, t);
        memcpy(z0, sy->zc, m * sizeof *z0);
    } else {
        E = sys_propagator(sy, s, event);
        memcpy(z0, isl->y0 + c->y_off, n * sizeof *z0);
        memset(z0 + n, 0, sy->k * sizeof *z0);
        z0[m - 1] = sy->q * sy->in_scale;
    }
    for (size_t i = 0; i < m; i++) {
        double v = 0.0;
        for (size_t j = 0; j < m; j++)
            v += E[i * m + j] * z0[j];
        z[i] = v;
    }
    memcpy(isl->yd + c->y_off, z, n * sizeof *z);
    if (!event) {
        sy->tc = t;
        memcpy(sy->zc, z, m * sizeof *z);
    }
    for (size_t i = 0; i < sy->k; i++)
        integral[i] = z[n + i] / sy->e_scale;
    if (sy->k == 1)
        drive_energies(isl, integral[0]);
    else
        mean_energies(isl, t, s, integral);
}

/* The state at t (no threshold to pass); parameters so extreme that it overflows are an
 * error, as CVODE's failure would be. */
static int sys_at(opsin_island *isl, double t, double t_end, opsin_diag *d)
{
    (void)t_end;
    sys_eval(isl, t);
    for (size_t k = 0; k < isl->n; k++)
        if (!isfinite(isl->yd[k])) {
            opsin_diag_set(d, NULL, 0, "the exact island of '%s' (%s) is not finite at t = %.9g "
                           "s (expected parameters that keep it finite)",
                           isl->comps[0]->def->id, isl->comps[0]->def->model->name, t);
            return OPSIN_ESOLVER;
        }
    isl->t = t;
    isl->tn = fmax(isl->tn, t);
    return OPSIN_OK;
}

/* A new segment from the state at t under the present input (after on_drive drew the
 * noise of the pulses that start or end at t). */
static int sys_restart(opsin_island *isl, opsin_diag *d)
{
    (void)d;
    const opsin_comp *c = isl->comps[0];
    const opsin_lin_input *in = c->def->model->linear_input;
    memcpy(isl->y0, isl->yd, isl->n * sizeof *isl->y0);
    isl->t0 = isl->t;
    isl->sys->q = in ? in->q(c, isl->t) : opsin_comp_current(c, isl->t);
    isl->sys->tc = NAN;
    isl->t_cross = INFINITY;
    return OPSIN_OK;
}

/* The closed form at t from the segment's start, e^{M s} z(t0), for the island's watches:
 * no cache touched; in the third of y0's block. */
static const double *sys_state_at(opsin_island *isl, double t)
{
    const struct opsin_exact_sys *sy = isl->sys;
    const opsin_comp *c = isl->comps[0];
    double E[SYS_M * SYS_M], z0[SYS_M], *y = isl->y0 + 2 * isl->n;
    size_t n = sy->n, m = sy->m;
    memcpy(y, isl->yd, isl->n * sizeof *y);
    memcpy(z0, isl->y0 + c->y_off, n * sizeof *z0);
    memset(z0 + n, 0, sy->k * sizeof *z0);
    z0[m - 1] = sy->q * sy->in_scale;
    sys_expm(sy, t - isl->t0, E);
    for (size_t i = 0; i < n; i++) {
        double v = 0.0;
        for (size_t j = 0; j < m; j++)
            v += E[i * m + j] * z0[j];
        y[c->y_off + i] = v;
    }
    return y;
}

const opsin_island_kind opsin_island_exact_sys = {sys_at, exact_step, sys_restart,
                                                  exact_collect, sys_state_at};

/* The power of 2 nearest x / y (1 when either is 0 or not finite): the drive's and the
 * integral's units rescaled by it bring the columns and rows of M to the size of A's entries.
 * Scaling and squaring bounds its error by the norm of M s: unbalanced (b ~ 1/C1 = 1e5 V/(A s)
 * beside A ~ 1/(R C) = 100/s) it lost 4 digits of w (GSL's, measured), balanced it keeps
 * them.  Powers of 2 change no bit of the scaled numbers. */
static double balance(double x, double y)
{
    if (!(x > 0.0) || !(y > 0.0) || !isfinite(x / y))
        return 1.0;
    return ldexp(1.0, (int)lround(log2(x / y)));
}

/* The size of the augmented matrix of model m's system: m = n + k + 1 (see opsin_exact_sys). */
static size_t sys_size(const opsin_model *mod)
{
    return mod->nstates + (mod->linear_input ? mod->nstates : 1) + 1;
}

/* The bytes of an island's opsin_exact_sys: M and the propagators after the record. */
static size_t sys_bytes(const opsin_model *mod)
{
    size_t m = sys_size(mod);
    return sizeof(struct opsin_exact_sys) + (SYS_SLOTS + 3) * m * m * sizeof(double);
}

/* The island's propagators: the generator M of its model with parameters p, none cached yet.
 * OPSIN_ENOMEM, or OPSIN_EINVAL when p has no closed form (opsin_exact_plan said it had). */
static int sys_init(opsin_island *isl, const opsin_model *mod, const double *p)
{
    double A[OPSIN_LIN_SYS_MAX * OPSIN_LIN_SYS_MAX], b[OPSIN_LIN_SYS_MAX], cu[OPSIN_LIN_SYS_MAX];
    double du;
    struct opsin_exact_sys *sy = isl->sys = calloc(1, sys_bytes(mod));
    if (!sy)
        return OPSIN_ENOMEM;
    if (!mod->linear_sys(p, A, b, cu, &du))
        return OPSIN_EINVAL;
    size_t n = mod->nstates, m = sys_size(mod), k = m - n - 1;
    double amax = 0.0, bmax = 0.0, cmax = k == 1 ? 0.0 : 1.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            amax = fmax(amax, fabs(A[i * n + j]));
        bmax = fmax(bmax, fabs(b[i]));
        cmax = k == 1 ? fmax(cmax, fabs(cu[i])) : cmax;
    }
    sy->n = n;
    sy->k = k;
    sy->m = m;
    sy->in_scale = balance(bmax, amax);
    sy->e_scale = balance(amax, cmax);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            sy->M[i * m + j] = A[i * n + j];
        sy->M[i * m + m - 1] = b[i] / sy->in_scale;
        if (k == 1)
            sy->M[n * m + i] = cu[i] * sy->e_scale;
        else
            sy->M[(n + i) * m + i] = sy->e_scale;
    }
    if (k == 1)
        sy->M[n * m + m - 1] = du * sy->e_scale / sy->in_scale;
    for (unsigned slot = 0; slot < SYS_SLOTS; slot++)
        sy->s[slot] = NAN;
    sy->tc = sy->hs = NAN;
    return OPSIN_OK;
}

/* ---- both shapes ------------------------------------------------------------------------ */

double opsin_island_exact_bytes(double n, const opsin_model *m)
{
    return 1088.0 + 160.0 * n + (m && m->linear_sys && !m->linear
                                 ? 16.0 + (double)sys_bytes(m) : 0.0);
}

int opsin_island_init_exact(opsin_island *isl)
{
    opsin_comp *c = isl->comps[0];
    const opsin_model *m = c->def->model;
    opsin_queue_init(&isl->stops);
    isl->kind = m->linear ? &opsin_island_exact : &opsin_island_exact_sys;
    isl->bytes = opsin_island_exact_bytes((double)isl->n, m);
    isl->y0 = calloc(3 * isl->n, sizeof *isl->y0); /* y0, yd, and the derivatives at rest */
    isl->rootsfound = calloc(1, sizeof *isl->rootsfound);
    /* its own events are a pulse's edges, a spike and its refractory end at a time: room for
     * a few, not the 64 a first push takes (a million such islands fit in 1.2 GB) */
    if (!isl->y0 || !isl->rootsfound || opsin_queue_reserve(&isl->stops, 4))
        return OPSIN_ENOMEM;
    isl->yd = isl->y0 + isl->n;
    int rc = m->linear ? (m->linear(c->p, &isl->lin) ? OPSIN_OK : OPSIN_EINVAL)
                       : sys_init(isl, m, c->p);
    if (rc)
        return rc; /* EINVAL: opsin_exact_plan said it had a closed form */
    m->init(c, isl->yd);
    isl->t = isl->tn = 0.0;
    isl->tstop = NAN;
    isl->kind->restart(isl, NULL);
    /* at rest as the CVODE islands see it: every derivative exactly 0 (v_inf, computed from
     * the parameters, may differ from the resting potential by an ulp) */
    double *ydot = isl->yd + isl->n;
    m->rhs(c, 0.0, isl->yd, ydot);
    isl->resting = !c->mode && isinf(isl->t_cross);
    for (size_t k = 0; k < m->nstates; k++)
        isl->resting = isl->resting && ydot[c->y_off + k] == 0.0;
    return OPSIN_OK;
}
