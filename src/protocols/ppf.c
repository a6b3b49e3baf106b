/* ppf.c: the paired-pulse protocol (see ppf.h): one simulation per interval, run by a pool
 * of POSIX threads that each own their circuit, stimulus and sim, results by index. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/ppf.h"

#define GRID_PER_WIDTH 50   /* output rows per pulse width: the peak rule's sampling */
#define MARK_FRACTION 1e-3  /* width of the at:T marker pulses, in pulse widths */

static const char *const kind_names[] = {"current", "voltage", "optical"};

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

/* The generated stimulus: the pulse pair, and for at:T zero-amplitude marker pulses whose
 * edges put output rows exactly at the reading times (they add nothing to the drive). */
static void stimulus_text(const opsin_ppf_opts *o, const char *source, double interval,
                          char *buf, size_t len)
{
    const ppf_times t = times_of(o, interval);
    const char *amp = o->kind == OPSIN_PPF_OPTICAL ? "irradiance" : "amplitude";
    char wl[64] = "";
    if (o->kind == OPSIN_PPF_OPTICAL)
        snprintf(wl, sizeof wl, " wavelength = %.17g;", o->wavelength);
    int n = snprintf(buf, len, "sources = ({ id = \"ppf\"; kind = \"%s\"; targets = [\"%s\"];%s\n"
                     "  start = %.17g; width = %.17g; period = %.17g; count = 2; %s = %.17g; }",
                     kind_names[o->kind], source, wl, o->width, o->width, interval, amp,
                     o->amplitude);
    if (o->rule == OPSIN_PPF_AT && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, ",\n{ id = \"ppf_mark\"; kind = \"%s\"; targets "
                      "= [\"%s\"];%s\n  start = %.17g; width = %.17g; period = %.17g; count = 2;"
                      " %s = 0.0; }", kind_names[o->kind], source, wl, t.mark_start,
                      MARK_FRACTION * o->width, interval, amp);
    if (n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ");\n");
}

/* Loads the circuit and applies the --set overrides. */
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

/* Parses the generated stimulus from memory; a message about it names the pulses instead
 * of a file the user never saw. */
static int stimulus_open(const opsin_ppf_opts *o, const opsin_circuit *c, const char *source,
                         double interval, opsin_stimulus **s, opsin_diag *d)
{
    static const char name[] = "(generated pulses)";
    char text[2048];
    stimulus_text(o, source, interval, text, sizeof text);
    int rc = opsin_stimulus_parse(text, name, c, s, d);
    if (rc && strncmp(d->msg, name, strlen(name)) == 0) {
        char rest[sizeof d->msg];
        const char *p = strchr(d->msg + strlen(name), ' ');
        snprintf(rest, sizeof rest, "%s", p ? p + 1 : d->msg);
        snprintf(d->msg, sizeof d->msg, "the pulses on '%.64s': %.540s", source, rest);
    }
    return rc;
}

/* Row sink state: rows at one time form a group; its first row is the left side of any
 * edge there and its last row the right side. */
typedef struct measure {
    const opsin_ppf_opts *o;
    ppf_times t;
    double g_t, g_first, g_last;
    int in_group;
    double a[2];
    char unit[32];
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

static int measure_header(void *ctx, size_t n, const char *const *names,
                          const char *const *units)
{
    (void)names;
    measure *m = ctx;
    snprintf(m->unit, sizeof m->unit, "%s", n ? units[0] : "");
    return 0;
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

/* Runs one interval with its own circuit, stimulus and sim. */
static int interval_run(const opsin_ppf_opts *o, const char *target, const char *source,
                        double interval, opsin_ppf_row *row, char *unit, opsin_diag *d)
{
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    measure m = {o, times_of(o, interval), 0, 0, 0, 0, {NAN, NAN}, ""};
    int rc = circuit_open(o, &c, d);
    if (!rc)
        rc = stimulus_open(o, c, source, interval, &s, d);
    if (!rc) {
        opsin_run_opts ro = opsin_run_opts_default(c, s);
        ro.t_end = m.t.t_end;
        ro.dt_out = o->width / GRID_PER_WIDTH;
        ro.seed = o->seed;
        ro.probes = target;
        rc = opsin_sim_new(c, s, &ro, &sim, d);
    }
    opsin_sink sink = {measure_header, measure_row, NULL, NULL, &m};
    if (!rc && (rc = opsin_sim_run(sim, &sink, d)) == OPSIN_OK) {
        group_close(&m);
        if (isnan(m.a[0]) || isnan(m.a[1])) {
            opsin_diag_set(d, NULL, 0, "interval %g s: no output row at a reading time "
                           "(expected rows at every pulse edge)", interval);
            rc = OPSIN_ESOLVER;
        }
        *row = (opsin_ppf_row){interval, m.a[0], m.a[1]};
        if (unit)
            snprintf(unit, 32, "%s", m.unit);
    }
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
    return rc;
}

/* ---- the pool ------------------------------------------------------------------------- */

typedef struct pool {
    const opsin_ppf_opts *o;
    const char *target, *source;
    opsin_ppf_row *rows;
    pthread_mutex_t lock;
    size_t next;       /* next interval to hand out */
    int rc;            /* first failure (by interval index), stops the handing out */
    size_t rc_index;
    opsin_diag diag;
} pool;

/* Takes the next interval, or returns 0 when none is left or a run failed. */
static int pool_take(pool *p, size_t *i)
{
    pthread_mutex_lock(&p->lock);
    int ok = p->rc == OPSIN_OK && p->next < p->o->nintervals;
    if (ok)
        *i = p->next++;
    pthread_mutex_unlock(&p->lock);
    return ok;
}

/* Keeps the failure of the lowest interval index: the same message whatever the threads. */
static void pool_fail(pool *p, size_t i, int rc, const opsin_diag *d)
{
    pthread_mutex_lock(&p->lock);
    if (p->rc == OPSIN_OK || i < p->rc_index) {
        p->rc = rc;
        p->rc_index = i;
        p->diag = *d;
    }
    pthread_mutex_unlock(&p->lock);
}

static void *pool_worker(void *arg)
{
    pool *p = arg;
    size_t i;
    while (pool_take(p, &i)) {
        opsin_diag d = {""};
        int rc = interval_run(p->o, p->target, p->source, p->o->intervals[i], &p->rows[i], NULL,
                              &d);
        if (rc)
            pool_fail(p, i, rc, &d);
    }
    return NULL;
}

/* Runs intervals 1.. on jobs threads (interval 0 ran already, as the check). */
static int pool_run(const opsin_ppf_opts *o, const char *target, const char *source,
                    opsin_ppf_row *rows, opsin_diag *d)
{
    pool p = {o, target, source, rows, PTHREAD_MUTEX_INITIALIZER, 1, OPSIN_OK, 0, {""}};
    size_t nt = o->jobs < o->nintervals - 1 ? o->jobs : o->nintervals - 1;
    pthread_t *th = calloc(nt + 1, sizeof *th);
    if (!th)
        return OPSIN_ENOMEM;
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, pool_worker, &p) != 0)
            break;
    if (started == 0)
        pool_worker(&p); /* no thread could start: do the work here */
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    free(th);
    pthread_mutex_destroy(&p.lock);
    if (p.rc)
        *d = p.diag;
    return p.rc;
}

/* ---- checks --------------------------------------------------------------------------- */

/* The circuit's first probe as "ID.OUTPUT", the default target. */
static int default_target(const opsin_ppf_opts *o, char *target, opsin_diag *d)
{
    opsin_circuit *c = NULL;
    int rc = circuit_open(o, &c, d);
    if (rc)
        return rc;
    if (c->nprobes == 0) {
        opsin_diag_set(d, NULL, 0, "%s has no probes (expected --target ID.OUTPUT)", o->circuit);
        rc = OPSIN_EINVAL;
    } else {
        const opsin_compdef *cd = &c->comps[c->probes[0].comp];
        snprintf(target, 160, "%s.%s", cd->id, cd->model->outputs[c->probes[0].output].name);
    }
    opsin_circuit_free(c);
    return rc;
}

/* Every interval must leave room for its pulses (and the at:T reading) before pulse 2. */
static int intervals_check(const opsin_ppf_opts *o, opsin_diag *d)
{
    if (o->nintervals == 0) {
        opsin_diag_set(d, NULL, 0, "no intervals (expected --intervals LIST)");
        return OPSIN_EINVAL;
    }
    if (!(o->width > 0) || !isfinite(o->width) || !isfinite(o->amplitude) ||
        (o->kind == OPSIN_PPF_OPTICAL && !(o->amplitude >= 0))) {
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
    char source[OPSIN_ID_MAX];
    int rc = intervals_check(o, d);
    if (rc)
        return rc;
    if (o->target)
        snprintf(target, 160, "%s", o->target);
    else if ((rc = default_target(o, target, d)))
        return rc;
    size_t idlen = strcspn(target, ".");
    snprintf(source, sizeof source, "%.*s", (int)(o->source ? strlen(o->source) : idlen),
             o->source ? o->source : target);
    /* interval 0 first, alone: a bad target, source or kind fails once, before any thread */
    if ((rc = interval_run(o, target, source, o->intervals[0], &rows[0], unit, d)))
        return rc;
    return o->nintervals > 1 ? pool_run(o, target, source, rows, d) : OPSIN_OK;
}
