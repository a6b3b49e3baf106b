/* ppf.c: the paired-pulse protocol (see ppf.h): the circuit is read once, each interval is
 * one simulation of it with a stimulus built by the typed API, run on the worker pool with
 * results by index. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/partial.h"
#include "protocols/pool.h"
#include "protocols/ppf.h"

#define GRID_PER_WIDTH 50   /* output rows per pulse width: the peak rule's sampling */
#define MARK_FRACTION 1e-3  /* width of the at:T marker pulses, in pulse widths */

opsin_ppf_opts opsin_ppf_opts_default(void)
{
    opsin_ppf_opts o;
    memset(&o, 0, sizeof o);
    o.width = 1e-3;
    o.seed = 1;
    o.jobs = 1;
    return o;
}

/* ---- one interval --------------------------------------------------------------------- */

/* The times a run needs: pulse k spans [on[k], off[k]]; at:T reads at meas[k]. */
typedef struct ppf_times {
    double on[2], off[2], meas[2], mark_start, t_end;
} ppf_times;

/* The same products as the stimulus reader (start + k period), so the times match exactly. */
static ppf_times times_of(const opsin_ppf_opts *o, double interval)
{
    ppf_times t;
    t.mark_start = o->width + o->width + o->rule_t;
    for (int k = 0; k < 2; k++) {
        t.on[k] = o->width + (double)k * interval;
        t.off[k] = t.on[k] + o->width;
        t.meas[k] = t.mark_start + (double)k * interval;
    }
    t.t_end = t.off[1] + (o->rule == OPSIN_PPF_AT ? o->rule_t : 0) + o->width;
    return t;
}

/* Adds one source of two pulses, `interval` apart, to s. */
static int add_pair(opsin_stimulus *s, const opsin_circuit *c, const opsin_ppf_opts *o,
                    const char *id, const char *source, double start, double width,
                    double interval, double amplitude, opsin_diag *d)
{
    opsin_source_spec sp = opsin_source_spec_default();
    opsin_train_spec t = opsin_train_spec_default();
    size_t si;
    sp.id = id;
    sp.kind = o->kind;
    sp.wavelength = o->kind == OPSIN_SRC_OPTICAL ? o->wavelength : 0.0;
    sp.targets = &source;
    sp.ntargets = 1;
    t.start = start;
    t.width = width;
    t.period = interval;
    t.count = 2;
    t.amplitude = amplitude;
    int rc = opsin_stimulus_add_source(s, c, &sp, &si, d);
    return rc ? rc : opsin_stimulus_add_train(s, si, &t, d);
}

/* The stimulus of one interval: the pulse pair, and for at:T zero-amplitude marker pulses
 * whose edges put output rows exactly at the reading times (they add nothing to the drive).
 * Messages name the pulses (a stimulus the user never wrote). */
static int stimulus_make(const opsin_ppf_opts *o, const opsin_circuit *c, const char *source,
                         double interval, opsin_stimulus **out, opsin_diag *d)
{
    char name[OPSIN_ID_MAX + 24];
    const ppf_times t = times_of(o, interval);
    opsin_stimulus *s = NULL;
    snprintf(name, sizeof name, "the pulses on '%s'", source);
    if (opsin_stimulus_new(name, &s))
        return OPSIN_ENOMEM;
    int rc = add_pair(s, c, o, "ppf", source, o->width, o->width, interval, o->amplitude, d);
    if (!rc && o->rule == OPSIN_PPF_AT)
        rc = add_pair(s, c, o, "ppf_mark", source, t.mark_start, MARK_FRACTION * o->width,
                      interval, 0.0, d);
    if (rc) {
        opsin_stimulus_free(s);
        return rc;
    }
    *out = s;
    return OPSIN_OK;
}

/* Row sink state: rows at one time form a group; its first row is the left side of any
 * edge there and its last row the right side. */
typedef struct measure {
    const opsin_ppf_opts *o;
    ppf_times t;
    double g_t, g_first, g_last;
    int in_group;
    double a[2];
} measure;

static int same_time(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* Keeps the value of largest magnitude for pulse k. */
static void peak_keep(measure *m, int k, double v)
{
    if (isnan(m->a[k]) || fabs(v) > fabs(m->a[k]))
        m->a[k] = v;
}

/* A finished group: which of its sides belongs to each pulse, or to a reading time. */
static void group_close(measure *m)
{
    if (!m->in_group)
        return;
    for (int k = 0; k < 2; k++) {
        if (m->o->rule == OPSIN_PPF_AT) {
            if (same_time(m->g_t, m->t.meas[k]))
                m->a[k] = m->g_last;
            continue;
        }
        if (same_time(m->g_t, m->t.on[k]))
            peak_keep(m, k, m->g_last);
        else if (same_time(m->g_t, m->t.off[k]))
            peak_keep(m, k, m->g_first);
        else if (m->g_t > m->t.on[k] && m->g_t < m->t.off[k]) {
            peak_keep(m, k, m->g_first);
            peak_keep(m, k, m->g_last);
        }
    }
    m->in_group = 0;
}

static int measure_row(void *ctx, double t, const double *v, size_t n)
{
    measure *m = ctx;
    (void)n;
    if (m->in_group && same_time(t, m->g_t)) {
        m->g_last = v[0];
        return 0;
    }
    group_close(m);
    m->g_t = t;
    m->g_first = m->g_last = v[0];
    m->in_group = 1;
    return 0;
}

/* What every interval shares: the circuit (read-only), the probe and the driven source. */
typedef struct ppf_job {
    const opsin_ppf_opts *o;
    const opsin_circuit *c;
    opsin_probe target;
    char source[OPSIN_ID_MAX];
} ppf_job;

/* Runs one interval with its own stimulus and sim (the pool's run). */
static int interval_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const ppf_job *j = ctx;
    const opsin_ppf_opts *o = j->o;
    double interval = o->intervals[i];
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    measure m = {o, times_of(o, interval), 0, 0, 0, 0, {NAN, NAN}};
    int rc = stimulus_make(o, j->c, j->source, interval, &s, d);
    if (!rc) {
        opsin_run_opts ro = opsin_run_opts_default(j->c, s);
        ro.t_end = m.t.t_end;
        ro.dt_out = o->width / GRID_PER_WIDTH;
        ro.seed = o->seed;
        ro.max_memory = o->max_memory;
        ro.probes = &j->target;
        ro.nprobes = 1;
        rc = opsin_sim_new(j->c, s, &ro, &sim, d);
    }
    opsin_sink sink = {NULL, measure_row, NULL, NULL, &m};
    if (!rc && (rc = opsin_sim_run(sim, &sink, d)) == OPSIN_OK) {
        group_close(&m);
        if (isnan(m.a[0]) || isnan(m.a[1])) {
            opsin_diag_set(d, NULL, 0, "interval %g s: no output row at a reading time "
                           "(expected rows at every pulse edge)", interval);
            rc = OPSIN_ESOLVER;
        }
        *(opsin_ppf_row *)row = (opsin_ppf_row){interval, m.a[0], m.a[1]};
    }
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    return rc;
}

/* ---- checks --------------------------------------------------------------------------- */

/* The circuit of the file with the --set overrides. */
static int circuit_open(const opsin_ppf_opts *o, opsin_circuit **c, opsin_diag *d)
{
    int rc = opsin_circuit_load(o->circuit, c, d);
    for (size_t i = 0; !rc && i < o->nsets; i++)
        rc = opsin_circuit_assign(*c, o->sets[i], d);
    if (rc) {
        opsin_circuit_free(*c);
        *c = NULL;
    }
    return rc;
}

/* The measured probe: --target, or the circuit's first probe. */
static int target_resolve(const opsin_ppf_opts *o, const opsin_circuit *c, opsin_probe *p,
                          opsin_diag *d)
{
    if (o->target)
        return opsin_probe_parse(c, o->target, p, "--target", 0, d);
    if (opsin_circuit_nprobes(c) == 0) {
        opsin_diag_set(d, NULL, 0, "%s has no probes (expected --target ID.OUTPUT)", o->circuit);
        return OPSIN_EINVAL;
    }
    *p = opsin_circuit_probe_at(c, 0);
    return OPSIN_OK;
}

/* Every interval must leave room for its pulses (and the at:T reading) before pulse 2. */
static int intervals_check(const opsin_ppf_opts *o, opsin_diag *d)
{
    if (o->nintervals == 0) {
        opsin_diag_set(d, NULL, 0, "no intervals (expected --intervals LIST)");
        return OPSIN_EINVAL;
    }
    if (!(o->width > 0) || !isfinite(o->width) || !isfinite(o->amplitude) ||
        (o->kind == OPSIN_SRC_OPTICAL && !(o->amplitude >= 0))) {
        opsin_diag_set(d, NULL, 0, "width %g s, amplitude %g are not usable (expected width > 0 "
                       "and a finite amplitude, >= 0 for light)", o->width, o->amplitude);
        return OPSIN_EINVAL;
    }
    if (o->jobs == 0) {
        opsin_diag_set(d, NULL, 0, "0 jobs (expected at least 1)");
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < o->nintervals; i++) {
        double dt = o->intervals[i], room = o->rule == OPSIN_PPF_AT ? o->width + o->rule_t
                                                                     : o->width;
        if (!(dt > room) || !isfinite(dt)) {
            opsin_diag_set(d, NULL, 0, "interval %g s is too short for %g s pulses%s (expected "
                           "intervals above %g s, start to start)", dt, o->width,
                           o->rule == OPSIN_PPF_AT ? " read T after the edge" : "", room);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}

int opsin_ppf_run(const opsin_ppf_opts *o, opsin_ppf_row *rows, char *unit, char *target,
                  opsin_diag *d)
{
    opsin_circuit *c = NULL;
    ppf_job j = {o, NULL, {.comp = 0}, ""};
    int rc = intervals_check(o, d);
    if (!rc)
        rc = circuit_open(o, &c, d);
    if (!rc)
        rc = target_resolve(o, c, &j.target, d);
    if (!rc) {
        j.c = c;
        opsin_probe_name(c, j.target, target, 160);
        snprintf(j.source, sizeof j.source, "%s", o->source ? o->source
                                                            : c->comps[j.target.comp].id);
        if (unit)
            snprintf(unit, 32, "%s", opsin_probe_unit(c, j.target));
        opsin_pool_job job = {o->nintervals, sizeof(opsin_ppf_row), interval_run, NULL, &j, 1,
                              rows, NULL, 0};
        rc = opsin_partial_pool_run(&job, (unsigned)o->jobs, o->partial, d);
    }
    opsin_circuit_free(c);
    return rc;
}
