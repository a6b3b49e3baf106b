/* stdp.c: the STDP window protocol.
 *
 * For each dt = t_post - t_pre, `pairs` pre spikes at t0 + k/f and post spikes at
 * t0 + dt + k/f are applied to the synapse as voltage waveforms: the pre waveform V(t) as it
 * is and the post waveform negated, so the device sees V_pre - V_post.  Each piece of the
 * waveform (the first phase, a tail of opposite sign, or the segments of a table) is one
 * source of `pairs` pulses, so every edge is an event of the engine.  The window emerges from
 * the device's own voltage-driven dynamics (no formula): dG = G(end) - G(0).  Points run in
 * parallel, each with its own simulation; results land in their slot, so the output does
 * not depend on the number of threads.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/stdp.h"

/* A growing text buffer; len < 0 marks an allocation failure. */
typedef struct buf {
    char *s;
    long len, cap;
} buf;

static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bprintf(buf *b, const char *fmt, ...)
{
    if (b->len < 0)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, (size_t)(b->cap - b->len), fmt, ap);
        va_end(ap);
        if (n < b->cap - b->len) {
            b->len += n;
            return;
        }
        long cap = 2 * b->cap + n + 1;
        char *s = realloc(b->s, (size_t)cap);
        if (!s) {
            b->len = -1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

/* Duration of one spike waveform, s. */
static double spike_duration(const opsin_spike *sp)
{
    switch (sp->shape) {
    case OPSIN_SPIKE_RECT: return sp->width;
    case OPSIN_SPIKE_PWL: return sp->npwl ? sp->pwl_t[sp->npwl - 1] : 0.0;
    default: return sp->width + sp->tail_width;
    }
}

/* One piece of a waveform as a source of `pairs` pulses: value v0 + slope (t - start),
 * optionally with an exponential envelope; sign -1 for the post spike. */
static void piece(buf *b, const opsin_stdp_opts *o, const char *name, int k, double t_first,
                  double offset, double width, double v0, double slope, double tau, double sign)
{
    bprintf(b, "  { id = \"%s%d\"; kind = \"voltage\"; targets = [\"%s\"];\n", name, k,
            o->device);
    bprintf(b, "    start = %.17g; width = %.17g; period = %.17g; count = %zu;\n",
            t_first + offset, width, 1.0 / o->frequency, o->pairs);
    bprintf(b, "    amplitude = %.17g; slope = %.17g;", sign * v0, sign * slope);
    if (tau > 0)
        bprintf(b, " envelope = \"exp\"; tau = %.17g;", tau);
    bprintf(b, " },\n");
}

/* All pieces of the waveform of one spike train starting at t_first. */
static void spikes(buf *b, const opsin_stdp_opts *o, const char *name, double t_first,
                   double sign)
{
    const opsin_spike *sp = &o->spike;
    if (sp->shape == OPSIN_SPIKE_PWL) {
        for (size_t i = 0; i + 1 < sp->npwl; i++) {
            double w = sp->pwl_t[i + 1] - sp->pwl_t[i];
            piece(b, o, name, (int)i, t_first, sp->pwl_t[i], w, sp->pwl_v[i],
                  (sp->pwl_v[i + 1] - sp->pwl_v[i]) / w, 0, sign);
        }
        return;
    }
    piece(b, o, name, 0, t_first, 0, sp->width, sp->amplitude, 0, 0, sign);
    double tail = -sp->tail * sp->amplitude;
    if (sp->shape == OPSIN_SPIKE_EXP_TAIL)
        piece(b, o, name, 1, t_first, sp->width, sp->tail_width, tail, 0, sp->tail_tau, sign);
    else if (sp->shape == OPSIN_SPIKE_LIN_TAIL)
        piece(b, o, name, 1, t_first, sp->width, sp->tail_width, tail,
              -tail / sp->tail_width, 0, sign);
}

/* The first pre spike comes 1 ms in (later when post leads), so no spike precedes t = 0. */
static double first_pre(double dt)
{
    return 1e-3 + (dt < 0 ? -dt : 0.0);
}

int opsin_stdp_stimulus(const opsin_stdp_opts *o, double dt, char *out, size_t len,
                        double *t_end)
{
    buf b = {NULL, 0, 0};
    double t0 = first_pre(dt), period = 1.0 / o->frequency;
    *t_end = t0 + (double)(o->pairs - 1) * period + (dt > 0 ? dt : 0.0) +
             spike_duration(&o->spike) + period;
    bprintf(&b, "# STDP protocol: %zu pairs at %.17g Hz, dt = %.17g s\nsources = (\n", o->pairs,
            o->frequency, dt);
    spikes(&b, o, "pre", t0, 1.0);
    spikes(&b, o, "post", t0 + dt, -1.0);
    if (o->light_irradiance > 0) {
        double dur = o->light_duration > 0 ? o->light_duration : *t_end;
        bprintf(&b, "  { id = \"light\"; kind = \"optical\"; wavelength = %.17g; targets = "
                "[\"%s\"]; start = 0; width = %.17g; irradiance = %.17g; },\n",
                o->light_wavelength, o->device, dur, o->light_irradiance);
    }
    if (b.len > 1 && b.s[b.len - 2] == ',')
        b.len -= 2; /* drop the last ",\n" */
    bprintf(&b, "\n);\n");
    int rc = b.len >= 0 && (size_t)b.len < len ? 0 : -1;
    if (!rc)
        memcpy(out, b.s, (size_t)b.len + 1);
    free(b.s);
    return rc;
}

/* First and last value of the one probe. */
typedef struct ends {
    double first, last;
    int seen;
} ends;

static int on_row(void *ctx, double t, const double *v, size_t n)
{
    ends *e = ctx;
    (void)t;
    (void)n;
    if (!e->seen++)
        e->first = v[0];
    e->last = v[0];
    return 0;
}

/* One point: stimulus text, simulation, G before and after. */
static int run_point(const opsin_circuit *c, const opsin_stdp_opts *o, double dt,
                     opsin_stdp_point *pt, opsin_diag *d)
{
    size_t len = 4096 + 1024 * (o->spike.npwl + 4);
    char *text = malloc(len), probe[160];
    if (!text)
        return OPSIN_ENOMEM;
    double t_end;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    int rc = opsin_stdp_stimulus(o, dt, text, len, &t_end) ? OPSIN_ENOMEM : OPSIN_OK;
    if (!rc)
        rc = opsin_stimulus_parse(text, "stdp protocol", c, &s, d);
    int ci = opsin_circuit_find(c, o->device);
    snprintf(probe, sizeof probe, "%s.%s", o->device,
             o->output ? o->output : c->comps[ci].model->outputs[0].name);
    opsin_run_opts ro = opsin_run_opts_default(c, s);
    ro.t_end = t_end;
    ro.dt_out = t_end;
    ro.seed = o->seed;
    ro.probes = probe;
    ends e = {0, 0, 0};
    opsin_sink sink = {NULL, on_row, NULL, NULL, &e};
    if (!rc)
        rc = opsin_sim_new(c, s, &ro, &sim, d);
    if (!rc)
        rc = opsin_sim_run(sim, &sink, d);
    *pt = (opsin_stdp_point){dt, e.first, e.last};
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    free(text);
    return rc;
}

/* Work shared by the threads: the next point to take, and the first failure. */
typedef struct pool {
    const opsin_circuit *c;
    const opsin_stdp_opts *o;
    opsin_stdp_point *points;
    pthread_mutex_t lock;
    size_t next;
    int rc;
    opsin_diag diag;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->rc ? p->o->npoints : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->o->npoints)
            return NULL;
        opsin_diag d = {""};
        int rc = run_point(p->c, p->o, p->o->dts[i], &p->points[i], &d);
        if (rc) {
            pthread_mutex_lock(&p->lock);
            if (!p->rc) {
                p->rc = rc;
                p->diag = d;
            }
            pthread_mutex_unlock(&p->lock);
        }
    }
}

/* Checks the options against each other; a message and EINVAL when they cannot work. */
static int check_opts(const opsin_circuit *c, const opsin_stdp_opts *o, opsin_diag *d)
{
    const opsin_spike *sp = &o->spike;
    int ci = o->device ? opsin_circuit_find(c, o->device) : -1;
    if (ci < 0 || !(c->comps[ci].model->accepts & OPSIN_IN_VOLTAGE)) {
        opsin_diag_set(d, NULL, 0, "--device '%s' is not a component of %s that takes a "
                       "voltage (expected the id of a synapse such as a phototrap or a "
                       "pairstdp)", o->device ? o->device : "", c->path);
        return OPSIN_EINVAL;
    }
    if (o->output && opsin_model_output_index(c->comps[ci].model, o->output) < 0) {
        opsin_diag_set(d, NULL, 0, "--output '%s' is not an output of model %s (expected one "
                       "listed by 'opsin models %s')", o->output, c->comps[ci].model->name,
                       c->comps[ci].model->name);
        return OPSIN_EINVAL;
    }
    if (o->npoints < 1 || !o->dts || o->pairs < 1 || !(o->frequency > 0) || !(sp->width > 0 ||
                                                                   sp->shape == OPSIN_SPIKE_PWL)) {
        opsin_diag_set(d, NULL, 0, "stdp needs at least one point, one pair, a positive "
                       "frequency and a positive spike width (expected e.g. --dt -50ms:50ms:101 "
                       "--pairs 60 --freq 1Hz --width 1ms)");
        return OPSIN_EINVAL;
    }
    if (sp->shape == OPSIN_SPIKE_PWL)
        for (size_t i = 0; i < sp->npwl; i++)
            if (sp->npwl < 2 || sp->pwl_t[0] != 0 || (i && !(sp->pwl_t[i] > sp->pwl_t[i - 1]))) {
                opsin_diag_set(d, NULL, 0, "the spike table needs at least two points, from "
                               "t = 0, with increasing times (expected rows t (s), V (V))");
                return OPSIN_EINVAL;
            }
    if ((sp->shape == OPSIN_SPIKE_EXP_TAIL || sp->shape == OPSIN_SPIKE_LIN_TAIL) &&
        !(sp->tail_width > 0 && (sp->shape != OPSIN_SPIKE_EXP_TAIL || sp->tail_tau > 0))) {
        opsin_diag_set(d, NULL, 0, "a spike tail needs a positive --tail-width (and --tail-tau "
                       "for an exponential tail)");
        return OPSIN_EINVAL;
    }
    if (spike_duration(sp) >= 1.0 / o->frequency) {
        opsin_diag_set(d, NULL, 0, "a spike lasts %g s, not shorter than the pair period %g s "
                       "(expected a lower --freq or a shorter spike)", spike_duration(sp),
                       1.0 / o->frequency);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

int opsin_stdp_run(const opsin_circuit *c, const opsin_stdp_opts *o, opsin_stdp_point *points,
                   opsin_diag *diag)
{
    int rc = check_opts(c, o, diag);
    if (rc)
        return rc;
    size_t jobs = o->jobs ? o->jobs : 1;
    if (jobs > o->npoints)
        jobs = o->npoints;
    pool p = {c, o, points, PTHREAD_MUTEX_INITIALIZER, 0, OPSIN_OK, {""}};
    pthread_t *threads = calloc(jobs, sizeof *threads);
    if (!threads)
        return OPSIN_ENOMEM;
    size_t started = 0;
    for (; started + 1 < jobs; started++) /* the calling thread is the last worker */
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break;
    worker(&p);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&p.lock);
    if (p.rc && diag)
        *diag = p.diag;
    return p.rc;
}
