/* netrun.c: a run of a circuit's populations (engine/net.c) to the output sinks.
 *
 * Window by window: the network is advanced, its spikes go to the spike sink in time order,
 * and the rows of the window are written: one per output grid time, and two (before and
 * after) at each event of a probed member, never for the events of members nobody probed.
 * A population's rate ("exc.rate") at t is its spikes in (t - dt_out, t] per member per
 * second.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/net.h"
#include "engine/netrun.h"

/* Recent spike times of one population, for its rate probes. */
typedef struct pop_hist {
    double *t;
    size_t head, n, cap;
} pop_hist;

struct opsin_netrun {
    const opsin_circuit *c;
    opsin_run_opts o;
    opsin_net *net;
    opsin_probe *probes;
    size_t nprobes;
    long *member_probe; /* per probe: its index among the net's probed members, or -1 */
    pop_hist *hist;     /* per population */
    double *row;
    opsin_stats stats;
    unsigned long grid; /* next grid sample */
};

int opsin_netrun_new(const opsin_circuit *c, const opsin_stimulus *st, const opsin_run_opts *o,
                     const opsin_probe *probes, size_t nprobes, opsin_netrun **out,
                     opsin_diag *d)
{
    opsin_netrun *r = calloc(1, sizeof *r);
    size_t *members = malloc((nprobes ? nprobes : 1) * sizeof *members), nm = 0;
    int rc = !r || !members ? OPSIN_ENOMEM : OPSIN_OK;
    if (!rc) {
        r->c = c;
        r->o = *o;
        r->nprobes = nprobes;
        if (!(r->probes = malloc((nprobes ? nprobes : 1) * sizeof *r->probes)) ||
            !(r->member_probe = malloc((nprobes ? nprobes : 1) * sizeof *r->member_probe)) ||
            !(r->hist = calloc(c->npops ? c->npops : 1, sizeof *r->hist)) ||
            !(r->row = calloc(nprobes + 1, sizeof *r->row)))
            rc = OPSIN_ENOMEM;
    }
    for (size_t q = 0; !rc && o->nmap_times && q < c->nprojs; q++)
        if (c->projs[q].dev && c->projs[q].dev->filter) {
            opsin_diag_set(d, c->path, c->projs[q].line, "--map: projection %s has supercap "
                           "synapses, whose members keep one summed state, not one per "
                           "synapse (expected no --map, or a projection of phototrap or "
                           "pairstdp synapses)", c->projs[q].id);
            rc = OPSIN_EINVAL;
        }
    for (size_t i = 0; !rc && i < nprobes; i++) {
        const opsin_probe *p = &probes[i];
        r->probes[i] = *p;
        r->member_probe[i] = -1;
        if (p->pop <= 0 || (size_t)p->pop > c->npops ||
            p->member >= (long)c->pops[p->pop - 1].size) {
            opsin_diag_set(d, NULL, 0, "probe %zu is not a population member or rate (expected "
                           "ID[K].V or ID.rate in a circuit of populations)", i + 1);
            rc = OPSIN_EINVAL;
        } else if (p->member >= 0) {
            r->member_probe[i] = (long)nm;
            members[nm++] = c->pops[p->pop - 1].first + (size_t)p->member;
        }
    }
    if (!rc)
        rc = opsin_net_new(c, st, o->t_end, o->seed, o->jobs, members, nm, &r->net, d);
    free(members);
    if (rc) {
        if (rc == OPSIN_ENOMEM && r)
            opsin_diag_oom(d, NULL, "setting up the network");
        opsin_netrun_free(r);
        return rc;
    }
    *out = r;
    return OPSIN_OK;
}

void opsin_netrun_free(opsin_netrun *r)
{
    if (!r)
        return;
    opsin_net_free(r->net);
    for (size_t p = 0; r->hist && p < r->c->npops; p++)
        free(r->hist[p].t);
    free(r->hist);
    free(r->probes);
    free(r->member_probe);
    free(r->row);
    free(r);
}

/* Index of the first time in h (from its head) above t (after: at or above t when 0). */
static size_t hist_bound(const pop_hist *h, double t, int inclusive)
{
    size_t lo = h->head, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (inclusive ? h->t[mid] <= t : h->t[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Population p's rate at t (Hz): its spikes in (t - dt, t], or in (t - dt, t) before the
 * events at t. */
static double pop_rate(opsin_netrun *r, size_t p, double t, int after)
{
    pop_hist *h = &r->hist[p];
    double dt = r->o.dt_out;
    size_t lo = hist_bound(h, t - dt, 1), hi = hist_bound(h, t, after);
    return (double)(hi - lo) / ((double)r->c->pops[p].size * dt);
}

static int write_row(opsin_netrun *r, double t, int after, const opsin_sink *sink,
                     opsin_diag *d)
{
    for (size_t i = 0; i < r->nprobes; i++) {
        size_t p = (size_t)r->probes[i].pop - 1;
        r->row[i] = r->member_probe[i] >= 0
                        ? opsin_net_probe_v(r->net, (size_t)r->member_probe[i], t, after)
                        : pop_rate(r, p, t, after);
    }
    r->stats.rows++;
    if (sink->row && sink->row(sink->ctx, t, r->row, r->nprobes)) {
        opsin_diag_set(d, NULL, 0, "the output could not be written");
        return OPSIN_ECALLBACK;
    }
    return OPSIN_OK;
}

/* Time of output sample k: an exact product, never an accumulated sum. */
static double sample_time(const opsin_netrun *r, unsigned long k)
{
    double t = opsin_time_snap((double)k * r->o.dt_out);
    return t < r->o.t_end ? t : r->o.t_end;
}

/* 1 while grid sample r->grid is still to come: k dt_out up to t_end, and t_end itself
 * when dt_out does not divide it (sample_time gives t_end for the first k past it). */
static int grid_left(const opsin_netrun *r)
{
    return (double)r->grid * r->o.dt_out <= r->o.t_end ||
           (r->grid > 0 && sample_time(r, r->grid - 1) < r->o.t_end);
}

/* The spikes of the window that starts at t0: to the sink (named ID[K]) and into the rate
 * histories. */
static int emit_spikes(opsin_netrun *r, double t0, const opsin_sink *sink, opsin_diag *d)
{
    const opsin_circuit *c = r->c;
    size_t ns = opsin_net_nspikes(r->net);
    const opsin_net_spike *sp = opsin_net_spikes(r->net);
    for (size_t p = 0; p < c->npops; p++) { /* drop what no row from t0 on will count */
        pop_hist *h = &r->hist[p];
        while (h->head < h->n && h->t[h->head] < t0 - 2 * r->o.dt_out)
            h->head++;
        if (h->head > h->n / 2) {
            memmove(h->t, h->t + h->head, (h->n - h->head) * sizeof *h->t);
            h->n -= h->head;
            h->head = 0;
        }
    }
    size_t p = 0;
    for (size_t s = 0; s < ns; s++) {
        size_t i = sp[s].neuron;
        while (p + 1 < c->npops && i >= c->pops[p + 1].first)
            p++;
        while (p > 0 && i < c->pops[p].first)
            p--;
        pop_hist *h = &r->hist[p];
        if (opsin_grow((void **)&h->t, &h->cap, h->n, sizeof *h->t))
            return OPSIN_ENOMEM;
        h->t[h->n++] = sp[s].t;
        r->stats.spikes++;
        if (sink->spike) {
            char name[OPSIN_ID_MAX + 24];
            snprintf(name, sizeof name, "%s[%zu]", c->pops[p].id, i - c->pops[p].first);
            if (sink->spike(sink->ctx, sp[s].t, name)) {
                opsin_diag_set(d, NULL, 0, "the spike output could not be written");
                return OPSIN_ECALLBACK;
            }
        }
    }
    return OPSIN_OK;
}

/* The rows of the window [t0, t1) ([t0, t1] when last): grid samples and both sides of the
 * probed members' events, in time order. */
static int emit_rows(opsin_netrun *r, double t1, int last, const opsin_sink *sink,
                     opsin_diag *d)
{
    const double *et;
    size_t ne = opsin_net_probe_times(r->net, &et), e = 0;
    int rc = OPSIN_OK;
    for (;;) {
        double tg = grid_left(r) ? sample_time(r, r->grid) : INFINITY;
        double te = e < ne ? et[e] : INFINITY, t = fmin(tg, te);
        if (!(last ? t <= t1 : t < t1))
            break;
        if (te == t) {
            if ((rc = write_row(r, t, 0, sink, d)) || (rc = write_row(r, t, 1, sink, d)))
                return rc;
            e++;
        } else if ((rc = write_row(r, t, 1, sink, d))) {
            return rc;
        }
        while (tg == t && grid_left(r) && sample_time(r, r->grid) <= t)
            r->grid++;
    }
    return OPSIN_OK;
}

int opsin_netrun_run(opsin_netrun *r, const opsin_sink *sink, volatile int *cancel,
                     opsin_diag *d)
{
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    double t_end = r->o.t_end, t = 0;
    /* Windows no longer than the shortest delay, nor than 64 output steps (the rows and
     * spikes of one window are held in memory). */
    double span = fmin(opsin_net_max_window(r->net), 64 * r->o.dt_out);
    size_t jm = 0; /* the next map time */
    int rc = opsin_sink_header(r->c, r->probes, r->nprobes, sink, d);
    for (; !rc && jm < r->o.nmap_times && r->o.map_times[jm] <= 0; jm++)
        rc = opsin_net_map(r->net, 0.0, sink, d);
    int quiet = 0; /* the last window had no spike: the network may be idle */
    while (!rc) {
        double t1 = t + span, tm = jm < r->o.nmap_times ? r->o.map_times[jm] : INFINITY;
        if (quiet) { /* nothing can spike before q: a window up to q + the shortest delay
                        (and at most 65536 rows, so that an interrupt is heard) */
            double q = opsin_net_quiet_until(r->net) + opsin_net_max_window(r->net);
            if (q > t1)
                t1 = fmin(q, fmax(t1, t + 65536 * r->o.dt_out));
        }
        int last = !(t1 < t_end);
        if (last)
            t1 = t_end;
        if (tm > t && tm < t1) { /* a window ends at each map time */
            t1 = tm;
            last = 0;
        }
        if ((rc = opsin_net_advance(r->net, t1, last, d)) || (rc = emit_spikes(r, t, sink, d)) ||
            (rc = emit_rows(r, t1, last, sink, d)))
            break;
        for (; !rc && jm < r->o.nmap_times && r->o.map_times[jm] <= t1; jm++)
            rc = opsin_net_map(r->net, t1, sink, d);
        quiet = opsin_net_nspikes(r->net) == 0;
        if (rc || last)
            break;
        if (cancel && *cancel) {
            opsin_diag_set(d, NULL, 0, "interrupted");
            rc = OPSIN_ECALLBACK;
            break;
        }
        t = t1;
    }
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, NULL, "running the network");
    unsigned long syn;
    opsin_net_counts(r->net, &r->stats.events, &syn, &(unsigned long){0});
    clock_gettime(CLOCK_MONOTONIC, &w1);
    r->stats.wall_s = (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec);
    return rc;
}

double opsin_netrun_max_window(const opsin_netrun *r)
{
    return opsin_net_max_window(r->net);
}

void opsin_netrun_stats(const opsin_netrun *r, opsin_stats *out)
{
    *out = r->stats;
}

void opsin_netrun_device_counts(const opsin_netrun *r, unsigned long *synapses,
                                unsigned long *integrations, unsigned long *steps)
{
    opsin_net_device_counts(r->net, synapses, integrations, steps);
}

void opsin_netrun_counts(const opsin_netrun *r, unsigned long *events,
                         unsigned long *syn_events, unsigned long *synapses)
{
    opsin_net_counts(r->net, events, syn_events, synapses);
}
