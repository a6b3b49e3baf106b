/* idle.c: what makes a run do nothing, found before it (a source whose pulses all start at
 * or after t_end or are all 0, drives the model says change nothing: its `inert` hook) and
 * after it (nothing drives the circuit and nothing moved, a probe that never left its first
 * value).  These are warnings of the simulation (opsin_sim_warning), never errors: such a run
 * is valid, only probably not meant. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* The range a source's value sweeps before t_end: 0 (between pulses), each pulse's start
 * and end value, the envelope scaling them towards 0.  *any: some pulse starts before t_end;
 * *first: the first pulse's start.  ENOMEM. */
static int source_range(const opsin_source *src, double t_end, double *lo, double *hi,
                        int *any, double *first)
{
    opsin_pulse_iter it;
    opsin_pulse p;
    *lo = *hi = 0.0;
    *any = 0;
    *first = INFINITY;
    if (opsin_pulse_iter_init(&it, src))
        return OPSIN_ENOMEM;
    for (int k = 0; opsin_pulse_iter_next(&it, &p); k++) {
        *first = k ? *first : p.start;
        if (!(p.start < t_end))
            break;
        double end = p.amplitude + p.slope * (fmin(p.end, t_end) - p.start);
        *lo = fmin(*lo, fmin(p.amplitude, end));
        *hi = fmax(*hi, fmax(p.amplitude, end));
        *any = 1;
    }
    opsin_pulse_iter_free(&it);
    return OPSIN_OK;
}

/* Nothing at all drives the circuit (an oscillating neuron or a relaxing device needs no
 * drive, so this is said only when nothing moved): which components wait for one. */
static int warn_undriven(const opsin_circuit *c, const opsin_stimulus *st, opsin_warnings *w)
{
    if ((st && st->nsources) || c->nconns)
        return OPSIN_OK;
    size_t n = 0, first = 0;
    for (size_t i = 0; i < c->ncomps; i++)
        if (c->comps[i].model->accepts && n++ == 0)
            first = i;
    if (n == 0)
        return OPSIN_OK;
    char more[48] = "";
    if (n > 1)
        snprintf(more, sizeof more, " (and %zu more component%s)", n - 1, n > 2 ? "s" : "");
    return opsin_warnings_addf(w, NULL, 0, "nothing drives '%s' (%s)%s: no stimulus file and "
                               "no connections, so only the initial state evolves",
                               c->comps[first].id, c->comps[first].model->name, more);
}

/* The summed value range of every source of `kind` on component ci (before t_end). */
static int drive_range(const opsin_stimulus *st, int ci, int kind, double t_end, double *lo,
                       double *hi)
{
    *lo = *hi = 0.0;
    for (size_t i = 0; i < st->nsources; i++) {
        const opsin_source *src = &st->sources[i];
        double a, b, first;
        int any;
        if (src->kind != kind)
            continue;
        for (size_t j = 0; j < src->ntargets; j++)
            if (src->targets[j] == ci) {
                if (source_range(src, t_end, &a, &b, &any, &first))
                    return OPSIN_ENOMEM;
                *lo += a;
                *hi += b;
            }
    }
    return OPSIN_OK;
}

/* A source that acts only after t_end, that drives only zeros, or whose drive its targets'
 * model calls inert. */
static int warn_source(const opsin_circuit *c, const opsin_stimulus *st, const opsin_source *src,
                       double t_end, opsin_warnings *w)
{
    double lo, hi, first;
    int any;
    if (source_range(src, t_end, &lo, &hi, &any, &first))
        return OPSIN_ENOMEM;
    if (!any)
        return opsin_warnings_addf(w, NULL, 0, "source '%s' does nothing in this run: its "
                                   "first pulse starts at %g s, at or after t_end = %g s",
                                   src->id, first, t_end);
    if (lo == 0 && hi == 0)
        return opsin_warnings_addf(w, NULL, 0, "source '%s' does nothing in this run: every "
                                   "pulse before t_end has amplitude 0", src->id);
    for (size_t j = 0; j < src->ntargets; j++) {
        const opsin_compdef *cd = &c->comps[src->targets[j]];
        char why[320];
        if (!cd->model->inert)
            continue;
        if (drive_range(st, src->targets[j], src->kind, t_end, &lo, &hi))
            return OPSIN_ENOMEM;
        if (cd->model->inert(cd->p, src->kind, lo, hi, why, sizeof why))
            return opsin_warnings_addf(w, NULL, 0, "source '%s' changes nothing in '%s' (%s): "
                                       "%s", src->id, cd->id, cd->model->name, why);
    }
    return OPSIN_OK;
}

int opsin_idle_check(const opsin_circuit *c, const opsin_stimulus *st, double t_end,
                     opsin_warnings *w)
{
    int rc = OPSIN_OK;
    for (size_t i = 0; !rc && st && i < st->nsources; i++)
        if (st->sources[i].npulses)
            rc = warn_source(c, st, &st->sources[i], t_end, w);
    return rc;
}

/* Marks the components a drive reaches: the targets of sources and connections, and every
 * component joined to one by `input` (they share its island and its equations). */
static void mark_reached(const opsin_circuit *c, const opsin_stimulus *st, unsigned char *mark)
{
    for (size_t i = 0; st && i < st->nsources; i++)
        for (size_t j = 0; j < st->sources[i].ntargets; j++)
            mark[st->sources[i].targets[j]] = 1;
    for (size_t i = 0; i < c->nconns; i++)
        mark[c->conns[i].to] = 1;
    for (int changed = 1; changed;) { /* spread along input links to a fixed point */
        changed = 0;
        for (size_t i = 0; i < c->ncomps; i++) {
            int in = c->comps[i].input;
            if (in >= 0 && mark[i] != mark[in]) {
                mark[i] = mark[in] = 1;
                changed = 1;
            }
        }
    }
}

int opsin_idle_after(const opsin_circuit *c, const opsin_stimulus *st, const opsin_probe *probes,
                     size_t n, const double *first, const unsigned char *moved,
                     unsigned long spikes, opsin_warnings *w)
{
    int rc = OPSIN_OK, still = spikes == 0;
    unsigned char *reached = calloc(c->ncomps, 1);
    if (!reached)
        return OPSIN_ENOMEM;
    mark_reached(c, st, reached);
    for (size_t i = 0; i < n; i++)
        still &= !moved[i];
    if (still)
        rc = warn_undriven(c, st, w);
    for (size_t i = 0; i < n && !rc; i++) {
        /* while something else moved, an undriven bystander (the other device of a preset
         * that holds two) is expected to stay */
        if (moved[i] || (!still && !reached[probes[i].comp]))
            continue;
        char name[2 * OPSIN_ID_MAX + 2], value[64];
        const char *unit = opsin_probe_unit(c, probes[i]);
        opsin_probe_name(c, probes[i], name, sizeof name);
        opsin_units_format(first[i], strcmp(unit, "1") == 0 ? "" : unit, value, sizeof value);
        rc = opsin_warnings_addf(w, NULL, 0, "probe '%s' stays at %s for the whole run", name,
                                 value);
    }
    free(reached);
    return rc;
}

double opsin_idle_rows(const opsin_stimulus *st, double t_end, double dt_out)
{
    double edges = 0;
    opsin_pulse_iter it;
    opsin_pulse p;
    for (size_t i = 0; st && i < st->nsources; i++) {
        if (opsin_pulse_iter_init(&it, &st->sources[i]))
            continue; /* out of memory: an estimate without this source */
        while (opsin_pulse_iter_next(&it, &p) && p.start < t_end)
            edges += 1 + (p.end < t_end);
        opsin_pulse_iter_free(&it);
    }
    return floor(t_end / dt_out) + 1 + 2 * edges;
}
