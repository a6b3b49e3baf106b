/* measure_record.c: what one run records for its measures (every row, the kept neurons'
 * spikes), passed on to another sink as it comes, and the measures evaluated over it (see
 * measure.h).
 */
#include <stdlib.h>
#include <string.h>

#include "protocols/measure.h"

static int rec_header(void *ctx, size_t n, const char *const *names, const char *const *units)
{
    opsin_measure_record *r = ctx;
    r->ncols = n;
    if (r->fwd && r->fwd->header)
        return r->fwd->header(r->fwd->ctx, r->nfwd < n ? r->nfwd : n, names, units);
    return 0;
}

/* Keeps the row (doubling the arrays as needed), then passes its first nfwd columns on. */
static int rec_row(void *ctx, double t, const double *v, size_t n)
{
    opsin_measure_record *r = ctx;
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 2048;
        double *nt = realloc(r->t, cap * sizeof *nt);
        if (nt)
            r->t = nt;
        double *nv = nt ? realloc(r->v, cap * (n ? n : 1) * sizeof *nv) : NULL;
        if (!nv)
            return r->nomem = 1;
        r->v = nv;
        r->cap = cap;
    }
    r->t[r->nrows] = t;
    memcpy(r->v + r->nrows * n, v, n * sizeof *v);
    r->nrows++;
    if (r->fwd && r->fwd->row)
        return r->fwd->row(r->fwd->ctx, t, v, r->nfwd < n ? r->nfwd : n);
    return 0;
}

/* Keeps the spikes of the list's neurons; passes every spike on. */
static int rec_spike(void *ctx, double t, const char *neuron)
{
    opsin_measure_record *r = ctx;
    int who = -1;
    for (size_t k = 0; k < r->ml->nneurons; k++)
        if (strcmp(r->ml->neurons[k], neuron) == 0)
            who = (int)k;
    if (who >= 0 && r->nspikes == r->spike_cap) {
        size_t cap = r->spike_cap ? 2 * r->spike_cap : 256;
        double *nt = realloc(r->spike_t, cap * sizeof *nt);
        if (nt)
            r->spike_t = nt;
        int *nw = nt ? realloc(r->spike_who, cap * sizeof *nw) : NULL;
        if (!nw)
            return r->nomem = 1;
        r->spike_who = nw;
        r->spike_cap = cap;
    }
    if (who >= 0) {
        r->spike_t[r->nspikes] = t;
        r->spike_who[r->nspikes++] = who;
    }
    if (r->fwd && r->fwd->spike)
        return r->fwd->spike(r->fwd->ctx, t, neuron);
    return 0;
}

static int rec_map(void *ctx, double t, const char *array, size_t row, size_t col, double value,
                   const char *unit)
{
    opsin_measure_record *r = ctx;
    return r->fwd && r->fwd->map ? r->fwd->map(r->fwd->ctx, t, array, row, col, value, unit)
                                 : 0;
}

void opsin_measure_record_init(opsin_measure_record *r, const opsin_measure_list *ml,
                               const opsin_sink *fwd, size_t nfwd)
{
    memset(r, 0, sizeof *r);
    r->ml = ml;
    r->fwd = fwd;
    r->nfwd = nfwd;
}

opsin_sink opsin_measure_record_sink(opsin_measure_record *r)
{
    return (opsin_sink){rec_header, rec_row, rec_spike, rec_map, r};
}

void opsin_measure_record_free(opsin_measure_record *r)
{
    free(r->t);
    free(r->v);
    free(r->spike_t);
    free(r->spike_who);
    memset(r, 0, sizeof *r);
}

/* The pulses of item m's source that start by t_end, with the edges the run used (malloc'd;
 * NULL for an item without a source); ENOMEM. */
static int item_pulses(const opsin_measure_item *m, const opsin_stimulus *st, double t_end,
                       opsin_measure_pulse **pulses, size_t *n)
{
    opsin_pulse *p = NULL;
    *pulses = NULL;
    *n = 0;
    if (m->source < 0)
        return OPSIN_OK;
    if (opsin_source_pulses(&st->sources[m->source], t_end, &p, n) ||
        !(*pulses = malloc((*n ? *n : 1) * sizeof **pulses))) {
        free(p);
        return OPSIN_ENOMEM;
    }
    for (size_t k = 0; k < *n; k++)
        (*pulses)[k] = (opsin_measure_pulse){p[k].start, p[k].end};
    free(p);
    return OPSIN_OK;
}

/* Evaluates item m over the record of sim's run into *res; scratch holds nspikes doubles. */
static int item_eval(const opsin_measure_item *m, const opsin_measure_record *r,
                     const opsin_stimulus *st, const opsin_sim *sim, double t_end,
                     double energy, double *spikes, double *res)
{
    opsin_measure_input in = {r->t, NULL, r->ncols, r->nrows, spikes, 0, NULL, 0, t_end,
                              energy, m->arg, m->arg2, m->dir, m->nth, 0, NAN};
    in.followed = m->watch >= 0 &&
                  opsin_sim_watch_time(sim, (size_t)m->watch, &in.crossing) == OPSIN_OK;
    opsin_measure_pulse *pulses;
    if (item_pulses(m, st, t_end, &pulses, &in.npulses))
        return OPSIN_ENOMEM;
    in.pulses = pulses;
    if (m->col >= 0)
        in.v = r->v + m->col;
    for (size_t k = 0; m->neuron >= 0 && k < r->nspikes; k++)
        if (r->spike_who[k] == m->neuron)
            spikes[in.nspikes++] = r->spike_t[k];
    *res = m->def->fn(&in);
    free(pulses);
    return OPSIN_OK;
}

int opsin_measure_list_eval(const opsin_measure_list *ml, const opsin_measure_record *r,
                            const opsin_stimulus *st, const opsin_sim *sim, double t_end,
                            double *res)
{
    double energy = 0.0, joules;
    const char *name;
    for (size_t k = 0; k < opsin_sim_nsources(sim); k++)
        if (opsin_sim_energy(sim, k, &name, &joules) == OPSIN_OK)
            energy += joules;
    double *spikes = malloc((r->nspikes + 1) * sizeof *spikes);
    int rc = spikes ? OPSIN_OK : OPSIN_ENOMEM;
    for (size_t k = 0; !rc && k < ml->n; k++)
        rc = item_eval(&ml->items[k], r, st, sim, t_end, energy, spikes, &res[k]);
    free(spikes);
    return rc;
}
