/* stdp.c: the STDP window protocol.
 *
 * For each dt = t_post - t_pre, `pairs` pre spikes at t0 + k/f and post spikes at
 * t0 + dt + k/f are applied to the synapse as voltage waveforms: the pre waveform V(t) as it
 * is and the post waveform negated, so the device sees V_pre - V_post.  Each piece of the
 * waveform (the first phase, a tail of opposite sign, or the segments of a table) is one
 * source of `pairs` pulses, built by the typed stimulus API, so every edge is an event of the
 * engine.  The window emerges from the device's own voltage-driven dynamics (no formula):
 * dG = G(end) - G(0).  Points run on the worker pool (pool.h), each with its own simulation
 * of the same read-only circuit; results land in their slot, so the output does not depend
 * on the number of threads, and the failure reported is the lowest point's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/partial.h"
#include "protocols/pool.h"
#include "protocols/stdp.h"

/* Duration of one spike waveform, s. */
static double spike_duration(const opsin_spike *sp)
{
    switch (sp->shape) {
    case OPSIN_SPIKE_RECT: return sp->width;
    case OPSIN_SPIKE_PWL: return sp->npwl ? sp->pwl_t[sp->npwl - 1] : 0.0;
    default: return sp->width + sp->tail_width;
    }
}

/* Where the pieces of one stimulus go: the stimulus, the circuit, the running source count. */
typedef struct builder {
    opsin_stimulus *s;
    const opsin_circuit *c;
    const opsin_stdp_opts *o;
    opsin_diag *d;
} builder;

/* One piece of a waveform as a source of `pairs` pulses: value v0 + slope (t - start),
 * optionally with an exponential envelope; sign -1 for the post spike. */
static int piece(const builder *b, const char *name, int k, double t_first, double offset,
                 double width, double v0, double slope, double tau, double sign)
{
    const opsin_stdp_opts *o = b->o;
    char id[OPSIN_ID_MAX];
    snprintf(id, sizeof id, "%s%d", name, k);
    opsin_source_spec sp = opsin_source_spec_default();
    sp.id = id;
    sp.kind = OPSIN_SRC_VOLTAGE;
    sp.targets = &o->device;
    sp.ntargets = 1;
    if (tau > 0) {
        sp.envelope = OPSIN_ENV_EXP;
        sp.tau = tau;
    }
    opsin_train_spec t = opsin_train_spec_default();
    t.start = t_first + offset;
    t.width = width;
    t.period = 1.0 / o->frequency;
    t.count = (double)o->pairs;
    t.amplitude = sign * v0;
    t.slope = sign * slope;
    size_t si;
    int rc = opsin_stimulus_add_source(b->s, b->c, &sp, &si, b->d);
    return rc ? rc : opsin_stimulus_add_train(b->s, si, &t, b->d);
}

/* All pieces of the waveform of one spike train starting at t_first. */
static int spikes(const builder *b, const char *name, double t_first, double sign)
{
    const opsin_spike *sp = &b->o->spike;
    int rc = OPSIN_OK;
    if (sp->shape == OPSIN_SPIKE_PWL) {
        for (size_t i = 0; i + 1 < sp->npwl && !rc; i++) {
            double w = sp->pwl_t[i + 1] - sp->pwl_t[i];
            rc = piece(b, name, (int)i, t_first, sp->pwl_t[i], w, sp->pwl_v[i],
                       (sp->pwl_v[i + 1] - sp->pwl_v[i]) / w, 0, sign);
        }
        return rc;
    }
    rc = piece(b, name, 0, t_first, 0, sp->width, sp->amplitude, 0, 0, sign);
    double tail = -sp->tail * sp->amplitude;
    if (!rc && sp->shape == OPSIN_SPIKE_EXP_TAIL)
        rc = piece(b, name, 1, t_first, sp->width, sp->tail_width, tail, 0, sp->tail_tau, sign);
    else if (!rc && sp->shape == OPSIN_SPIKE_LIN_TAIL)
        rc = piece(b, name, 1, t_first, sp->width, sp->tail_width, tail, -tail / sp->tail_width,
                   0, sign);
    return rc;
}

/* The first pre spike comes 1 ms in (later when post leads), so no spike precedes t = 0. */
static double first_pre(double dt)
{
    return 1e-3 + (dt < 0 ? -dt : 0.0);
}

/* Constant light on the device from t = 0, for `dur` seconds. */
static int light(const builder *b, double dur)
{
    const opsin_stdp_opts *o = b->o;
    opsin_source_spec sp = opsin_source_spec_default();
    sp.id = "light";
    sp.kind = OPSIN_SRC_OPTICAL;
    sp.wavelength = o->light_wavelength;
    sp.targets = &o->device;
    sp.ntargets = 1;
    opsin_train_spec t = opsin_train_spec_default();
    t.width = dur;
    t.amplitude = o->light_irradiance;
    size_t si;
    int rc = opsin_stimulus_add_source(b->s, b->c, &sp, &si, b->d);
    return rc ? rc : opsin_stimulus_add_train(b->s, si, &t, b->d);
}

int opsin_stdp_stimulus(const opsin_circuit *c, const opsin_stdp_opts *o, double dt,
                        opsin_stimulus **out, double *t_end, opsin_diag *d)
{
    double t0 = first_pre(dt), period = 1.0 / o->frequency;
    char name[96];
    *t_end = t0 + (double)(o->pairs - 1) * period + (dt > 0 ? dt : 0.0) +
             spike_duration(&o->spike) + period;
    snprintf(name, sizeof name, "the STDP protocol at dt = %g s", dt);
    builder b = {NULL, c, o, d};
    if (opsin_stimulus_new(name, &b.s))
        return OPSIN_ENOMEM;
    int rc = spikes(&b, "pre", t0, 1.0);
    if (!rc)
        rc = spikes(&b, "post", t0 + dt, -1.0);
    if (!rc && o->light_irradiance > 0)
        rc = light(&b, o->light_duration > 0 ? o->light_duration : *t_end);
    if (rc) {
        opsin_stimulus_free(b.s);
        return rc;
    }
    *out = b.s;
    return OPSIN_OK;
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

/* What every point shares: the circuit (read-only), the options, the probe. */
typedef struct stdp_job {
    const opsin_circuit *c;
    const opsin_stdp_opts *o;
    opsin_probe probe;
} stdp_job;

/* One point: stimulus, simulation, G before and after (the pool's run). */
static int run_point(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const stdp_job *j = ctx;
    double dt = j->o->dts[i], t_end;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    ends e = {0, 0, 0};
    int rc = opsin_stdp_stimulus(j->c, j->o, dt, &s, &t_end, d);
    if (!rc) {
        opsin_run_opts ro = opsin_run_opts_default(j->c, s);
        ro.t_end = t_end;
        ro.dt_out = t_end;
        ro.seed = j->o->seed;
        ro.max_memory = j->o->max_memory;
        ro.probes = &j->probe;
        ro.nprobes = 1;
        rc = opsin_sim_new(j->c, s, &ro, &sim, d);
    }
    opsin_sink sink = {NULL, on_row, NULL, NULL, &e};
    if (!rc)
        rc = opsin_sim_run(sim, &sink, d);
    *(opsin_stdp_point *)row = (opsin_stdp_point){dt, e.first, e.last};
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    return rc;
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

const char *opsin_stdp_unit(const opsin_circuit *c, const opsin_stdp_opts *o)
{
    int ci = c && o->device ? opsin_circuit_find(c, o->device) : -1;
    int oi = ci < 0 ? -1 : o->output ? opsin_model_output_index(c->comps[ci].model, o->output) : 0;
    if (oi < 0 || (size_t)oi >= c->comps[ci].model->noutputs)
        return "";
    return opsin_probe_unit(c, (opsin_probe){.comp = ci, .output = oi});
}

int opsin_stdp_run(const opsin_circuit *c, const opsin_stdp_opts *o, opsin_stdp_point *points,
                   opsin_diag *diag)
{
    int rc = check_opts(c, o, diag);
    if (rc)
        return rc;
    int ci = opsin_circuit_find(c, o->device);
    stdp_job j = {c, o, {.comp = ci, .output = o->output ? opsin_model_output_index(
                                                   c->comps[ci].model, o->output) : 0}};
    opsin_pool_job job = {o->npoints, sizeof(opsin_stdp_point), run_point, NULL, &j, 1, points,
                          NULL, 0};
    return opsin_partial_pool_run(&job, o->jobs ? (unsigned)o->jobs : 1, o->partial, diag);
}
