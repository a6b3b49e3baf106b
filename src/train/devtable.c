/* devtable.c: a device's update curve tabulated from its own simulation (devtable.h).
 *
 * The LTP stimulus file describes one potentiating pulse (every pulse of every source in it,
 * on the file's own times), the LTD file one depressing pulse.  Slot k of a staircase is the
 * file's pulses shifted by k period; the output is read `read` after the file's last edge in
 * each slot (default: at the start of the next slot, the left side of its first edge).  A
 * staircase is one simulation with the pulses as events (the cost follows the pulses, not
 * the time between them): the files' pulses become trains of `count` pulses, and zero
 * amplitude "marker" pulses on the LTP file's first source put an output row at every read
 * time (they add no drive and no energy).
 *
 * Three runs, each from the device's initial state with the same seed (the same draws):
 *   A  LTP pulses (up to max_pulses), stopped when the staircase saturates  -> n_ltp
 *   B  n_ltp LTP pulses, then LTD pulses (up to max_pulses), stopped when it saturates or
 *      falls to the LTP staircase's start                                   -> n_ltd
 *   C  n_ltp LTP then n_ltd LTD pulses to the end: the tables and the energy (the library
 *      reports a source's energy only for a run that reached its end).
 * Back at the start: an LTD read within 1e-9 of the range of the LTP staircase's first read
 * (or below it).
 * Saturated: the last W = OPSIN_DEVTABLE_WINDOW steps moved the output by at most W x 0.1 %
 * of the range the staircase covered (a mean step below 0.1 % of it).
 *
 * States: fit/staircase.c's rule (steps in the mean direction larger than the write noise
 * sqrt(mean((dG[k+1] - dG[k])^2)/2)); a staircase too short for it (< 4 reads) or without
 * any write noise counts every step in its direction.  The tables are then made monotone
 * (g_ltp non-decreasing, g_ltd non-increasing) by pooling adjacent violators (the least-
 * squares monotone fit), so a noisy device gives its mean curve.
 * Energy per pulse: the energy the staircase's sources delivered in run C over its pulses
 * (J; negative when the device gives energy back, as a charged supercapacitor does to a
 * -1 mA pulse).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "protocols/fit.h"
#include "train/devtable.h"

#define MARK_FRACTION 1e-6 /* width of a marker pulse, in periods */
#define SAME_TIME 1e-12    /* relative: a row at a read time */

void opsin_devtable_clear(opsin_devtable *t)
{
    free(t->g_ltp);
    free(t->g_ltd);
    memset(t, 0, sizeof *t);
}

/* ---- the two stimuli ------------------------------------------------------------------ */

typedef struct stim_info {
    const char *path, *what; /* "LTP", "LTD" */
    opsin_stimulus *s;
    double end;    /* s: the last edge of the file's pulses */
    double period; /* s between slot starts */
    double read;   /* s after `end` */
    int line;
} stim_info;

/* The file's pulses end at info->end; its period and read delay from the spec. */
static int stim_times(const opsin_devtable_spec *sp, stim_info *si, opsin_diag *d)
{
    const opsin_stimulus *s = si->s;
    double end = 0.0;
    size_t npulses = 0;
    if (s->nspikesrcs) {
        opsin_diag_set(d, sp->file, si->line, "the %s stimulus '%s' has spike sources "
                       "(expected current, voltage or optical sources only)", si->what,
                       si->path);
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < s->nsources; i++) {
        const opsin_source *src = &s->sources[i];
        opsin_pulse *p;
        size_t n;
        if (src->nprojs || src->npops) {
            opsin_diag_set(d, sp->file, si->line, "the %s stimulus '%s' drives a network "
                           "(source '%s') (expected sources on the device's components)",
                           si->what, si->path, src->id);
            return OPSIN_EINVAL;
        }
        if (opsin_source_pulses(src, s->t_end > 0 ? s->t_end : INFINITY, &p, &n))
            return OPSIN_ENOMEM;
        for (size_t k = 0; k < n; k++)
            end = fmax(end, p[k].end);
        npulses += n;
        free(p);
    }
    if (!npulses) {
        opsin_diag_set(d, sp->file, si->line, "the %s stimulus '%s' has no pulse (expected "
                       "one %s pulse)", si->what, si->path,
                       si->what[2] == 'P' ? "potentiating" : "depressing");
        return OPSIN_EINVAL;
    }
    si->end = end;
    si->period = sp->period > 0 ? sp->period : (s->t_end > 0 ? s->t_end : end);
    if (si->period < end) {
        opsin_diag_set(d, sp->file, sp->line_period ? sp->line_period : si->line,
                       "period %g s is shorter than the %s pulse of '%s', which ends at %g s "
                       "(expected a period of at least %g s)", si->period, si->what, si->path,
                       end, end);
        return OPSIN_EINVAL;
    }
    si->read = sp->read >= 0 ? sp->read : si->period - end;
    if (end + si->read > si->period * (1 + SAME_TIME)) {
        opsin_diag_set(d, sp->file, sp->line_read ? sp->line_read : si->line,
                       "read %g s after the %s pulse of '%s' (ending at %g s) falls after the "
                       "next pulse (expected a read delay of at most %g s with period %g s)",
                       si->read, si->what, si->path, end, si->period - end, si->period);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The --set overrides: ID.PARAM of a circuit component, else SOURCE.KEY of a source of
 * either stimulus (both when both have it). */
static int set_circuit(const opsin_devtable_spec *sp, opsin_circuit *c, opsin_diag *d)
{
    for (size_t i = 0; i < sp->nset; i++) {
        char id[OPSIN_ID_MAX];
        size_t len = strcspn(sp->set[i], ".=");
        snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : sizeof id - 1),
                 sp->set[i]);
        if (opsin_circuit_find(c, id) >= 0 || !strchr(sp->set[i], '=')) {
            int rc = opsin_circuit_assign(c, sp->set[i], d);
            if (rc)
                return rc;
        }
    }
    return OPSIN_OK;
}

static int set_stimuli(const opsin_devtable_spec *sp, const opsin_circuit *c, stim_info *si,
                       opsin_diag *d)
{
    for (size_t i = 0; i < sp->nset; i++) {
        char key[160], id[OPSIN_ID_MAX];
        const char *eq = strchr(sp->set[i], '=');
        size_t len = strcspn(sp->set[i], ".=");
        snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : sizeof id - 1),
                 sp->set[i]);
        if (opsin_circuit_find(c, id) >= 0 || !eq)
            continue;
        snprintf(key, sizeof key, "%.*s", (int)(eq - sp->set[i]), sp->set[i]);
        int found = 0;
        for (int k = 0; k < 2; k++) {
            opsin_stimulus_param p;
            opsin_diag u;
            double v;
            if (opsin_stimulus_param_find(si[k].s, key, &p, &u))
                continue;
            found = 1;
            int rc = opsin_units_parse(eq + 1, p.unit, &v, &u);
            if (!rc)
                rc = opsin_stimulus_set_param(si[k].s, &p, v, &u);
            if (rc) {
                opsin_diag_set(d, NULL, 0, "--set %s: %s", sp->set[i], u.msg);
                return rc;
            }
        }
        if (!found) {
            opsin_diag_set(d, NULL, 0, "--set %s: no component '%s' in '%s' and no source "
                           "'%s' in '%s' or '%s' (expected ID.PARAM of the circuit or "
                           "SOURCE.KEY of a stimulus)", sp->set[i], id, sp->circuit, id,
                           si[0].path, si[1].path);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}

/* ---- the stimulus of a run ------------------------------------------------------------- */

/* Adds the sources of si->s, prefixed, with each of their pulses repeated n times every
 * period from t0. */
static int add_slots(opsin_stimulus *out, const opsin_circuit *c, const stim_info *si,
                     const char *prefix, double t0, size_t n, opsin_diag *d)
{
    const opsin_stimulus *s = si->s;
    for (size_t i = 0; i < s->nsources; i++) {
        const opsin_source *src = &s->sources[i];
        char id[OPSIN_ID_MAX + 8];
        const char **targets = malloc((src->ntargets + 1) * sizeof *targets);
        opsin_pulse *p = NULL;
        size_t np = 0, si_out;
        int rc = targets ? opsin_source_pulses(src, s->t_end > 0 ? s->t_end : INFINITY, &p,
                                               &np)
                         : OPSIN_ENOMEM;
        snprintf(id, sizeof id, "%s%s", prefix, src->id);
        opsin_source_spec spec = opsin_source_spec_of(src);
        spec.id = id;
        spec.line = 0;
        for (size_t k = 0; targets && k < src->ntargets; k++)
            targets[k] = c->comps[src->targets[k]].id;
        spec.targets = targets;
        spec.ntargets = src->ntargets;
        if (!rc)
            rc = opsin_stimulus_add_source(out, c, &spec, &si_out, d);
        for (size_t k = 0; !rc && k < np; k++) {
            opsin_train_spec t = opsin_train_spec_default();
            t.start = t0 + p[k].start;
            t.width = p[k].end - p[k].start;
            t.period = si->period;
            t.count = (double)n;
            t.amplitude = p[k].amplitude;
            t.slope = p[k].slope;
            rc = opsin_stimulus_add_train(out, si_out, &t, d);
        }
        free(p);
        free(targets);
        if (rc)
            return rc == OPSIN_ENOMEM ? rc : OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Slot and read times of a run of n_ltp LTP and n_ltd LTD pulses. */
typedef struct layout {
    size_t n_ltp, n_ltd;
    double t_ltd;            /* start of the first LTD slot */
    double mark_ltp, mark_ltd; /* the first read of each staircase */
    double width;            /* of a marker */
    size_t nsrc_ltp, nsrc_ltd;
} layout;

static layout layout_of(const stim_info *si, size_t n_ltp, size_t n_ltd)
{
    layout l = {n_ltp, n_ltd, 0, 0, 0, 0, si[0].s->nsources, n_ltd ? si[1].s->nsources : 0};
    l.t_ltd = (double)n_ltp * si[0].period;
    l.mark_ltp = si[0].end + si[0].read;
    l.mark_ltd = l.t_ltd + si[1].end + si[1].read;
    l.width = MARK_FRACTION * fmin(si[0].period, si[1].period);
    return l;
}

/* Read time i: 0 the start, then one per pulse (LTP, then LTD). */
static double read_time(const layout *l, const stim_info *si, size_t i)
{
    if (i == 0)
        return 0.0;
    if (i <= l->n_ltp)
        return l->mark_ltp + (double)(i - 1) * si[0].period;
    return l->mark_ltd + (double)(i - 1 - l->n_ltp) * si[1].period;
}

/* A zero-amplitude marker train of n pulses from start, every period. */
static int add_marks(opsin_stimulus *out, size_t src, double start, double period, size_t n,
                     double width, opsin_diag *d)
{
    opsin_train_spec t = opsin_train_spec_default();
    t.start = start;
    t.width = width;
    t.period = period;
    t.count = (double)n;
    t.amplitude = 0.0;
    return n ? opsin_stimulus_add_train(out, src, &t, d) : OPSIN_OK;
}

static int stimulus_make(const opsin_circuit *c, const stim_info *si, const layout *l,
                         opsin_stimulus **out, opsin_diag *d)
{
    opsin_stimulus *s;
    if (opsin_stimulus_new("the device staircase", &s))
        return OPSIN_ENOMEM;
    int rc = add_slots(s, c, &si[0], "ltp_", 0.0, l->n_ltp, d);
    if (!rc && l->n_ltd)
        rc = add_slots(s, c, &si[1], "ltd_", l->t_ltd, l->n_ltd, d);
    const opsin_source *first = &si[0].s->sources[0];
    opsin_source_spec m = opsin_source_spec_default();
    const char *target = c->comps[first->targets[0]].id;
    size_t mi;
    m.id = "devtable_read";
    m.kind = first->kind;
    m.wavelength = first->wavelength;
    m.targets = &target;
    m.ntargets = 1;
    if (!rc)
        rc = opsin_stimulus_add_source(s, c, &m, &mi, d);
    if (!rc)
        rc = add_marks(s, mi, l->mark_ltp, si[0].period, l->n_ltp, l->width, d);
    if (!rc)
        rc = add_marks(s, mi, l->mark_ltd, si[1].period, l->n_ltd, l->width, d);
    if (rc) {
        opsin_stimulus_free(s);
        return rc;
    }
    *out = s;
    return OPSIN_OK;
}

/* ---- one run ---------------------------------------------------------------------------- */

/* Row sink: the first row at or after each read time; with a watched staircase (w0, from
 * read w0 on, dir +1 LTP, -1 LTD), stops the run when it saturates. */
typedef struct reader {
    const double *t;
    double *g;
    size_t n, i;
    int watch, dir;
    size_t w0, stop;
    double sign; /* -1: the output negated ("-syn.G") */
} reader;

/* LTD read i back at the LTP staircase's start g[0] (within round-off of the range). */
static int back_at_start(const double *g, size_t w0, size_t i)
{
    return g[i] - g[0] <= 1e-9 * fabs(g[w0] - g[0]);
}

static int saturated(const reader *r, size_t i)
{
    size_t k = i - r->w0;
    if (r->dir < 0 && back_at_start(r->g, r->w0, i))
        return 1;
    if (k < OPSIN_DEVTABLE_WINDOW)
        return 0;
    double range = fabs(r->g[i] - r->g[r->w0]);
    double last = fabs(r->g[i] - r->g[i - OPSIN_DEVTABLE_WINDOW]);
    return last <= OPSIN_DEVTABLE_WINDOW * OPSIN_DEVTABLE_SATURATED * range;
}

static int read_row(void *ctx, double t, const double *v, size_t n)
{
    reader *r = ctx;
    (void)n;
    while (r->i < r->n && t >= r->t[r->i] - SAME_TIME * r->t[r->i]) {
        size_t i = r->i++;
        r->g[i] = r->sign * v[0];
        if (r->watch && i > r->w0 && saturated(r, i)) {
            r->stop = i;
            return 1;
        }
    }
    return 0;
}

/* Runs n_ltp LTP and n_ltd LTD pulses; r->g gets the reads.  With energy non-NULL the run
 * goes to its end and energy[0], [1] get the LTP and LTD sources' energy (J). */
static int run(const opsin_circuit *c, opsin_probe p, const stim_info *si, const layout *l,
               const opsin_devtable_spec *sp, reader *r, double *energy, opsin_diag *d)
{
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    int rc = stimulus_make(c, si, l, &s, d);
    if (rc)
        return rc;
    double *t = malloc((r->n) * sizeof *t);
    if (!t) {
        opsin_stimulus_free(s);
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < r->n; i++)
        t[i] = read_time(l, si, i);
    r->t = t;
    r->i = 0;
    r->stop = 0;
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = t[r->n - 1] + 2 * l->width;
    o.dt_out = o.t_end;
    o.seed = sp->seed;
    r->sign = sp->output[0] == '-' ? -1.0 : 1.0;
    o.probes = &p;
    o.nprobes = 1;
    rc = opsin_sim_new(c, s, &o, &sim, d);
    opsin_sink sink = {NULL, read_row, NULL, NULL, r};
    if (!rc)
        rc = opsin_sim_run(sim, &sink, d);
    if (rc == OPSIN_ECALLBACK && r->stop)
        rc = OPSIN_OK;
    else if (!rc && r->i < r->n) {
        opsin_diag_set(d, NULL, 0, "the device staircase: no output row at %g s (expected a "
                       "row at every read time)", t[r->i]);
        rc = OPSIN_ESOLVER;
    }
    for (size_t i = 0; !rc && energy && i < 2; i++) {
        size_t from = i ? l->nsrc_ltp : 0, to = i ? l->nsrc_ltp + l->nsrc_ltd : l->nsrc_ltp;
        energy[i] = 0;
        for (size_t k = from; k < to; k++) {
            const char *name;
            double e;
            if (!opsin_sim_energy(sim, k, &name, &e))
                energy[i] += e;
        }
    }
    r->t = NULL;
    free(t);
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    return rc;
}

/* ---- the tables ----------------------------------------------------------------------- */

/* States of a staircase y[0..n-1] in direction dir (fit/staircase.c's rule, else every step
 * in the direction). */
static size_t states_of(const double *y, size_t n, int dir)
{
    double *x = malloc(n * sizeof *x);
    opsin_staircase st;
    opsin_diag ignored;
    size_t states = 1;
    for (size_t i = 0; x && i < n; i++)
        x[i] = (double)i;
    if (x && opsin_staircase_analyse(x, y, n, &st, &ignored) == OPSIN_OK &&
        st.mean_step * dir > 0)
        states = st.states;
    else
        for (size_t i = 0; i + 1 < n; i++)
            states += (y[i + 1] - y[i]) * dir > 0;
    free(x);
    return states;
}

/* y[0..n-1] made non-decreasing (dir +1) or non-increasing (-1): pooled adjacent
 * violators, each pool at its mean. */
static int monotone(double *y, size_t n, int dir)
{
    double *m = malloc(n * sizeof *m);
    size_t *w = malloc(n * sizeof *w), np = 0;
    if (!m || !w) {
        free(m);
        free(w);
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        m[np] = dir * y[i];
        w[np++] = 1;
        while (np > 1 && m[np - 2] > m[np - 1]) {
            m[np - 2] = (m[np - 2] * (double)w[np - 2] + m[np - 1] * (double)w[np - 1]) /
                        (double)(w[np - 2] + w[np - 1]);
            w[np - 2] += w[np - 1];
            np--;
        }
    }
    for (size_t k = 0, i = 0; k < np; k++)
        for (size_t j = 0; j < w[k]; j++)
            y[i++] = dir * m[k];
    free(m);
    free(w);
    return OPSIN_OK;
}

/* A staircase that does not move the output in its direction. */
static int check_direction(const opsin_devtable_spec *sp, const stim_info *si, const char *out,
                           const char *unit, const double *g, size_t n, size_t states,
                           int dir, opsin_diag *d)
{
    double a = g[0], b = g[n];
    if ((b - a) * dir < 0) {
        opsin_diag_set(d, sp->file, si->line, "the %s stimulus '%s' %s %s from %g to %g %s "
                       "over %zu pulses (expected a %s pulse: are ltp and ltd swapped?)",
                       si->what, si->path, dir > 0 ? "lowers" : "raises", out, a, b, unit, n,
                       dir > 0 ? "potentiating" : "depressing");
        return OPSIN_EINVAL;
    }
    if (states < 2 || b == a) {
        opsin_diag_set(d, sp->file, si->line, "the %s stimulus '%s' does not move %s (%g %s "
                       "before, %g %s after %zu pulses; no states found) (expected a %s pulse "
                       "that %s it)", si->what, si->path, out, a, unit, b, unit, n,
                       dir > 0 ? "potentiating" : "depressing", dir > 0 ? "raises" : "lowers");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The three runs (see the top). */
static int tabulate(const opsin_devtable_spec *sp, const opsin_circuit *c, opsin_probe p,
                    const stim_info *si, const char *unit, opsin_devtable *t, opsin_diag *d)
{
    size_t max = sp->max_pulses ? sp->max_pulses : OPSIN_DEVTABLE_MAX_PULSES;
    double *g = malloc((2 * max + 1) * sizeof *g), energy[2];
    if (!g)
        return OPSIN_ENOMEM;
    layout l = layout_of(si, max, 0);
    reader r = {NULL, g, max + 1, 0, 1, 1, 0, 0, 1};
    int rc = run(c, p, si, &l, sp, &r, NULL, d); /* A */
    size_t n_ltp = r.stop ? r.stop : max, n_ltd = 0;
    int sat_ltp = r.stop != 0, sat_ltd = 0;
    if (!rc) {
        l = layout_of(si, n_ltp, max); /* B */
        r = (reader){NULL, g, n_ltp + max + 1, 0, 1, -1, n_ltp, 0, 1};
        rc = run(c, p, si, &l, sp, &r, NULL, d);
        n_ltd = r.stop ? r.stop - n_ltp : max;
        sat_ltd = r.stop != 0;
    }
    if (!rc) {
        l = layout_of(si, n_ltp, n_ltd); /* C */
        r = (reader){NULL, g, n_ltp + n_ltd + 1, 0, 0, 0, 0, 0, 1};
        rc = run(c, p, si, &l, sp, &r, energy, d);
    }
    const double *gl = g + n_ltp;
    if (!rc) {
        t->states_ltp = states_of(g, n_ltp + 1, 1);
        t->states_ltd = states_of(gl, n_ltd + 1, -1);
        rc = check_direction(sp, &si[0], sp->output, unit, g, n_ltp, t->states_ltp, 1, d);
    }
    if (!rc)
        rc = check_direction(sp, &si[1], sp->output, unit, gl, n_ltd, t->states_ltd, -1, d);
    if (!rc) {
        t->nltp = n_ltp;
        t->nltd = n_ltd;
        t->g_ltp = malloc((n_ltp + 1) * sizeof *t->g_ltp);
        t->g_ltd = malloc((n_ltd + 1) * sizeof *t->g_ltd);
        if (!t->g_ltp || !t->g_ltd)
            rc = OPSIN_ENOMEM;
    }
    if (!rc) {
        memcpy(t->g_ltp, g, (n_ltp + 1) * sizeof *g);
        memcpy(t->g_ltd, gl, (n_ltd + 1) * sizeof *g);
        rc = monotone(t->g_ltp, n_ltp + 1, 1);
        if (!rc)
            rc = monotone(t->g_ltd, n_ltd + 1, -1);
        t->e_ltp = energy[0] / (double)n_ltp;
        t->e_ltd = energy[1] / (double)n_ltd;
        snprintf(t->how, sizeof t->how,
                 "%s of %s: %zu x %s (%s), then %zu x %s (%s), every %g s / %g s, read %g s / "
                 "%g s after each pulse, seed %lu; %zu LTP and %zu LTD states, %g .. %g %s; "
                 "%.3g J / %.3g J per pulse", sp->output, base(sp->circuit), n_ltp,
                 base(si[0].path), sat_ltp ? "saturated" : "max_pulses", n_ltd,
                 base(si[1].path), sat_ltd ? (back_at_start(g, n_ltp, n_ltp + n_ltd) ? "back at start" : "saturated")
                                           : "max_pulses",
                 si[0].period, si[1].period, si[0].read, si[1].read, sp->seed, t->states_ltp,
                 t->states_ltd, t->g_ltp[0], t->g_ltp[n_ltp], unit, t->e_ltp, t->e_ltd);
    }
    free(g);
    return rc;
}

int opsin_devtable_make(const opsin_devtable_spec *sp, opsin_devtable *out, opsin_diag *d)
{
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    opsin_circuit *c = NULL;
    stim_info si[2] = {{sp->ltp, "LTP", NULL, 0, 0, 0, sp->line_ltp},
                       {sp->ltd, "LTD", NULL, 0, 0, 0, sp->line_ltd}};
    opsin_probe p;
    opsin_devtable t;
    memset(&t, 0, sizeof t);
    if (sp->max_pulses > 1000000) {
        opsin_diag_set(d, sp->file, sp->line, "max_pulses = %zu is too many (expected at most "
                       "1000000)", sp->max_pulses);
        return OPSIN_EINVAL;
    }
    int rc = opsin_circuit_load(sp->circuit, &c, d);
    if (!rc)
        rc = set_circuit(sp, c, d);
    if (!rc)
        rc = opsin_probe_parse(c, sp->output + (sp->output[0] == '-'), &p, sp->file,
                               sp->line_output, d);
    if (!rc && p.comp < 0) {
        opsin_diag_set(d, sp->file, sp->line_output, "output '%s' is not a component's "
                       "(expected ID.OUTPUT of a device)", sp->output);
        rc = OPSIN_EINVAL;
    }
    for (int k = 0; !rc && k < 2; k++)
        rc = opsin_stimulus_load(si[k].path, c, &si[k].s, d);
    if (!rc)
        rc = set_stimuli(sp, c, si, d);
    for (int k = 0; !rc && k < 2; k++)
        rc = stim_times(sp, &si[k], d);
    if (!rc && !sp->check) {
        rc = tabulate(sp, c, p, si, opsin_probe_unit(c, p), &t, d);
        snprintf(t.unit, sizeof t.unit, "%s", opsin_probe_unit(c, p));
    }
    for (int k = 0; k < 2; k++)
        opsin_stimulus_free(si[k].s);
    opsin_circuit_free(c);
    if (rc) {
        opsin_devtable_clear(&t);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    t.seconds = (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec);
    *out = t;
    return OPSIN_OK;
}
