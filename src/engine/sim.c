/* sim.c: the discrete-event loop: one event queue, one integrator per island.
 *
 * Time advances from event to event.  Before the events at time T are applied, islands that
 * can spike are stepped, always the one furthest behind first, so that a spike found at
 * t_r < T enters the queue before anything later is processed; every other island stays
 * where it is until one of its own events, a probe or the end of the run needs it.  At an
 * event time the probes are written before and after the events (both sides of the edge),
 * the events are applied, and only the islands they touched are re-initialised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "engine/exact.h"
#include "engine/island.h"
#include "engine/lag.h"
#include "engine/net.h"
#include "engine/netrun.h"

/* A source's pulses as the run reaches them: pulse m (cur) and m + 1 (nxt), shared by the
 * source's drives, which all start pulse m at the same instant.  Only these two exist: the
 * next pulse is queued when the present one starts. */
typedef struct source_run {
    opsin_pulse_iter it;
    opsin_pulse cur, nxt;
    size_t m;
    int has_nxt;
} source_run;

/* Where a drive's level comes from: a stimulus source or a spike connection. */
typedef struct drive_info {
    int is_conn;
    size_t owner; /* source or connection index */
    size_t comp;
    size_t slot;  /* index in the component's drives[] */
} drive_info;

struct opsin_sim {
    const opsin_circuit *c;
    const opsin_stimulus *st;
    opsin_run_opts o;
    opsin_comp *comps;
    double *aux;        /* every component's model-private values, one block */
    opsin_island *isl;
    size_t nisl;
    unsigned char *exact; /* per island: advanced in closed form (engine/exact.c) */
    double *levels;     /* one per drive */
    double *t_on;       /* one per drive: start of its current pulse */
    double *slopes;     /* one per drive: rate of change of its level, per s */
    drive_info *dinfo;  /* one per drive */
    size_t ndrives;
    opsin_probe *probes;
    size_t nprobes;
    double *row;
    size_t nsrc_drives;  /* drives [0, nsrc_drives) come from sources, the rest from connections */
    source_run *srun;   /* one per stimulus source */
    size_t *started;    /* one per source drive: pulses it has started */
    size_t *spiking;    /* islands with root functions */
    size_t nspiking;
    opsin_lag lag;      /* the spiking islands by integrator time (engine/lag.c) */
    unsigned long *lag_gen; /* per island: the generation of its valid lag entry */
    double *g;          /* root function values of one component (the most any has) */
    size_t *dirty;      /* islands changed by the events of the current time */
    size_t ndirty;
    opsin_queue q;
    opsin_stats stats;
    double *energy;     /* per source, then per connection */
    char **energy_name;
    size_t nenergy;
    int ran;
    double *first;          /* per probe: its first value; moved: it has left it */
    unsigned char *moved;
    opsin_warnings warn;    /* engine/idle.c: what in this run does nothing */
    opsin_netrun *nr;       /* a circuit of populations runs there (engine/netrun.c) */
    opsin_watch_run *watch; /* per opts.watches: followed on its island's solution */
    unsigned char *followed; /* per watch: 1 when its island's kind can follow it */
};

opsin_run_opts opsin_run_opts_default(const opsin_circuit *c, const opsin_stimulus *s)
{
    opsin_run_opts o = {.seed = 1, .jobs = 1};
    o.t_end = s && s->t_end > 0 ? s->t_end : c->t_end;
    return o;
}

/* One generator per component that draws noise, seeded from the run seed and the component's
 * index: the same seed gives the same bits whatever else the circuit holds or runs. */
static int seed_components(opsin_sim *s)
{
    for (size_t i = 0; i < s->c->ncomps; i++) {
        if (!s->comps[i].def->model->random)
            continue;
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        if (!r)
            return OPSIN_ENOMEM;
        gsl_rng_set(r, (unsigned long)opsin_splitmix64(opsin_splitmix64(s->o.seed) ^ (uint64_t)i));
        s->comps[i].rng = r;
    }
    return OPSIN_OK;
}

/* Every component's model-private values (naux of its model each) in one zeroed block. */
static int alloc_aux(opsin_sim *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->c->ncomps; i++)
        n += s->c->comps[i].model->naux;
    if (!(s->aux = calloc(n ? n : 1, sizeof *s->aux)))
        return OPSIN_ENOMEM;
    for (size_t i = 0, off = 0; i < s->c->ncomps; off += s->c->comps[i++].model->naux)
        s->comps[i].aux = s->c->comps[i].model->naux ? s->aux + off : NULL;
    return OPSIN_OK;
}

/* Union-find root with path halving: components joined by `input` share an island. */
static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Counts and wires the drives (source targets and connection targets) onto components. */
static int build_drives(opsin_sim *s)
{
    const opsin_circuit *c = s->c;
    size_t n = c->nconns, *count = calloc(c->ncomps, sizeof *count);
    if (!count)
        return OPSIN_ENOMEM;
    if (s->st)
        for (size_t i = 0; i < s->st->nsources; i++)
            n += s->st->sources[i].ntargets;
    s->ndrives = n;
    s->levels = calloc(n ? n : 1, sizeof *s->levels);
    s->t_on = calloc(n ? n : 1, sizeof *s->t_on);
    s->slopes = calloc(n ? n : 1, sizeof *s->slopes);
    s->dinfo = calloc(n ? n : 1, sizeof *s->dinfo);
    if (!s->levels || !s->t_on || !s->slopes || !s->dinfo) {
        free(count);
        return OPSIN_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; s->st && i < s->st->nsources; i++)
        for (size_t j = 0; j < s->st->sources[i].ntargets; j++)
            s->dinfo[k++] = (drive_info){0, i, (size_t)s->st->sources[i].targets[j], 0};
    s->nsrc_drives = k;
    for (size_t i = 0; i < c->nconns; i++)
        s->dinfo[k++] = (drive_info){1, i, (size_t)c->conns[i].to, 0};
    for (size_t d = 0; d < n; d++)
        count[s->dinfo[d].comp]++;
    for (size_t i = 0; i < c->ncomps; i++) {
        s->comps[i].drives = calloc(count[i] ? count[i] : 1, sizeof *s->comps[i].drives);
        if (!s->comps[i].drives) {
            free(count);
            return OPSIN_ENOMEM;
        }
    }
    free(count);
    for (size_t d = 0; d < n; d++) {
        opsin_comp *cp = &s->comps[s->dinfo[d].comp];
        opsin_drive *dv = &cp->drives[cp->ndrives];
        s->dinfo[d].slot = cp->ndrives++;
        dv->level = &s->levels[d];
        dv->t_on = &s->t_on[d];
        dv->slope = &s->slopes[d];
        dv->kind = OPSIN_SRC_CURRENT; /* spike connections drive currents */
        if (!s->dinfo[d].is_conn) {
            const opsin_source *src = &s->st->sources[s->dinfo[d].owner];
            dv->kind = src->kind;
            dv->wavelength = src->wavelength;
            dv->env = &src->env;
        }
    }
    return OPSIN_OK;
}

/* The island of every component (components joined by `input` share one), numbered from 0
 * in order of their first component, into island_of[ncomps]; their number into *nisl. */
static int partition(const opsin_circuit *c, size_t *island_of, size_t *nisl)
{
    size_t n = c->ncomps, *parent = malloc((n ? n : 1) * sizeof *parent);
    if (!parent)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t i = 0; i < n; i++)
        if (c->comps[i].input >= 0)
            parent[uf_find(parent, i)] = uf_find(parent, (size_t)c->comps[i].input);
    for (size_t i = 0; i < n; i++)
        island_of[i] = (size_t)-1;
    *nisl = 0;
    for (size_t i = 0; i < n; i++) { /* a root's slot holds its island once numbered */
        size_t r = uf_find(parent, i);
        if (island_of[r] == (size_t)-1)
            island_of[r] = (*nisl)++;
        island_of[i] = island_of[r];
    }
    free(parent);
    return OPSIN_OK;
}

/* Partitions components into islands, chooses how each advances (solver.method: EINVAL when
 * "exact" meets an island that has no closed form) and lays out each island's state vector:
 * component states first, then one energy state per drive. */
static int build_islands(opsin_sim *s, opsin_diag *d)
{
    const opsin_circuit *c = s->c;
    size_t n = c->ncomps, *island_of = malloc((n ? n : 1) * sizeof *island_of);
    s->isl = calloc(n ? n : 1, sizeof *s->isl);
    s->exact = malloc(n ? n : 1);
    int rc = !island_of || !s->isl || !s->exact ? OPSIN_ENOMEM
                                                : partition(c, island_of, &s->nisl);
    if (!rc)
        rc = opsin_exact_plan(c, s->st, island_of, s->nisl, 1, s->exact, d);
    for (size_t i = 0; !rc && i < n; i++)
        s->comps[i].island = island_of[i];
    free(island_of);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        opsin_island *isl = &s->isl[s->comps[i].island];
        opsin_comp **cc = realloc(isl->comps, (isl->ncomps + 1) * sizeof *cc);
        if (!cc)
            return OPSIN_ENOMEM;
        isl->comps = cc;
        cc[isl->ncomps++] = &s->comps[i];
        s->comps[i].y_off = isl->n;
        s->comps[i].root_off = isl->nroots;
        isl->n += c->comps[i].model->nstates;
        isl->nroots += c->comps[i].model->nroots;
    }
    for (size_t i = 0; i < n; i++) {
        opsin_island *isl = &s->isl[s->comps[i].island];
        for (size_t k = 0; k < s->comps[i].ndrives; k++)
            s->comps[i].drives[k].energy_y = isl->n++;
    }
    s->spiking = malloc(s->nisl * sizeof *s->spiking);
    s->dirty = malloc(s->nisl * sizeof *s->dirty);
    size_t ng = 1;
    for (size_t i = 0; i < n; i++)
        ng = c->comps[i].model->nroots > ng ? c->comps[i].model->nroots : ng;
    s->g = malloc(ng * sizeof *s->g);
    if (!s->spiking || !s->dirty || !s->g)
        return OPSIN_ENOMEM;
    if (!(s->lag_gen = calloc(s->nisl ? s->nisl : 1, sizeof *s->lag_gen)))
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < s->nisl; i++)
        if (s->isl[i].nroots) {
            s->spiking[s->nspiking++] = i;
            if (opsin_lag_push(&s->lag, 0.0, i, 0))
                return OPSIN_ENOMEM;
        }
    return OPSIN_OK;
}

/* The solver settings of the circuit's islands. */
static opsin_island_cfg island_cfg(const opsin_circuit *c)
{
    return (opsin_island_cfg){.rtol = c->rtol, .atol_scale = c->atol_scale,
                              .max_steps = c->max_steps, .band = c->band,
                              .bandwidth = c->bandwidth};
}

int opsin_sim_estimate(const opsin_circuit *c, const opsin_stimulus *st, double *bytes)
{
    size_t n = c->ncomps, nisl, *island_of = malloc((n ? n : 1) * sizeof *island_of);
    double *states = calloc(n ? n : 1, sizeof *states);
    unsigned char *exact = malloc(n ? n : 1);
    int rc = !island_of || !states || !exact ? OPSIN_ENOMEM : partition(c, island_of, &nisl);
    if (!rc)
        rc = opsin_exact_plan(c, st, island_of, nisl, 0, exact, NULL);
    const opsin_model **model = malloc((n ? n : 1) * sizeof *model); /* per island */
    if (!rc && !model)
        rc = OPSIN_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n; i++) { /* each component's states */
            states[island_of[i]] += (double)c->comps[i].model->nstates;
            model[island_of[i]] = c->comps[i].model; /* an exact island's only one */
        }
        for (size_t i = 0; i < c->nconns; i++) /* each drive's energy state */
            states[island_of[c->conns[i].to]] += 1;
        for (size_t i = 0; st && i < st->nsources; i++)
            for (size_t k = 0; k < st->sources[i].ntargets; k++)
                states[island_of[st->sources[i].targets[k]]] += 1;
        opsin_island_cfg cfg = island_cfg(c);
        *bytes = 0;
        for (size_t i = 0; i < nisl; i++)
            *bytes += exact[i] ? opsin_island_exact_bytes(states[i], model[i])
                               : opsin_island_bytes(states[i], &cfg);
        *bytes += opsin_net_estimate(c); /* populations: their members and synapses */
        for (size_t i = 0; st && i < st->nspikesrcs; i++)
            for (size_t k = 0; k < st->spikesrcs[i].ntargets; k++)
                *bytes += 48.0 * (double)(st->spikesrcs[i].targets[k].hi -
                                          st->spikesrcs[i].targets[k].lo);
    }
    free(island_of);
    free(states);
    free(exact);
    free(model);
    return rc;
}

/* A size in the largest binary unit it reaches, e.g. "1.5 GiB". */
static void size_text(double bytes, char *buf, size_t len)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    for (; bytes >= 1024 && u + 1 < sizeof units / sizeof units[0]; u++)
        bytes /= 1024;
    snprintf(buf, len, "%.3g %s", bytes, units[u]);
}

/* Refuses a simulation whose estimate exceeds the run's limit, before building anything. */
static int memory_check(const opsin_circuit *c, const opsin_stimulus *st, double limit,
                        opsin_diag *d)
{
    double need;
    if (!(limit > 0) || isinf(limit))
        return OPSIN_OK;
    if (opsin_sim_estimate(c, st, &need)) {
        opsin_diag_oom(d, NULL, "estimating the simulation's size");
        return OPSIN_ENOMEM;
    }
    if (need <= limit)
        return OPSIN_OK;
    char a[32], b[32];
    size_text(need, a, sizeof a);
    size_text(limit, b, sizeof b);
    char what[96];
    if (c->npops)
        snprintf(what, sizeof what, "%zu neuron%s and their synapses", c->nneurons,
                 c->nneurons == 1 ? "" : "s");
    else
        snprintf(what, sizeof what, "%zu component%s", c->ncomps, c->ncomps == 1 ? "" : "s");
    opsin_diag_set(d, NULL, 0, "the simulation would need about %s for its %s, more than the "
                   "memory limit of %s (expected a smaller circuit, or a larger --max-memory, "
                   "which parallel runs share)", a, what, b);
    return OPSIN_EINVAL;
}

static int build_energy_names(opsin_sim *s)
{
    size_t ns = s->st ? s->st->nsources : 0;
    s->nenergy = ns + s->c->nconns;
    s->energy = calloc(s->nenergy ? s->nenergy : 1, sizeof *s->energy);
    s->energy_name = calloc(s->nenergy ? s->nenergy : 1, sizeof *s->energy_name);
    if (!s->energy || !s->energy_name)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < s->nenergy; i++) {
        char buf[3 * OPSIN_ID_MAX];
        if (i < ns)
            snprintf(buf, sizeof buf, "%s", s->st->sources[i].id);
        else
            snprintf(buf, sizeof buf, "%s->%s", s->c->comps[s->c->conns[i - ns].from].id,
                     s->c->comps[s->c->conns[i - ns].to].id);
        if (!(s->energy_name[i] = opsin_strdup(buf)))
            return OPSIN_ENOMEM;
    }
    return OPSIN_OK;
}

/* Pushes an event into the global queue and its island's list of stops. */
static int push(opsin_sim *s, opsin_event ev)
{
    if (opsin_queue_push(&s->q, ev) || opsin_queue_push(&s->isl[ev.island].stops, ev))
        return OPSIN_ENOMEM;
    return OPSIN_OK;
}

/* Queues the start of pulse p of source drive d. */
static int push_on(opsin_sim *s, size_t d, const opsin_pulse *p)
{
    opsin_event on = {p->start, OPSIN_EV_ON, 0, s->comps[s->dinfo[d].comp].island, d,
                      p->amplitude, p->slope, 0};
    return push(s, on);
}

/* Pulses of a train that start after t: counted from the exact starts, never from a
 * quotient that round-off could move across a whole pulse. */
static size_t pulses_after(const opsin_train_spec *tr, double t)
{
    size_t n = (size_t)tr->count, k;
    if (n == 0 || opsin_train_pulse(tr, 0).start > t)
        return n;
    k = n == 1 ? 1 : (size_t)fmin((double)n, floor((t - tr->start) / tr->period) + 1);
    while (k < n && !(opsin_train_pulse(tr, k).start > t))
        k++;
    while (k > 1 && opsin_train_pulse(tr, k - 1).start > t)
        k--;
    return n - k;
}

/* The first pulse of every source on each of its targets; the others follow one by one (see
 * next_pulse).  Counts the stimulus' pulses, and those that start after t_end: a warning when
 * they are most of the pulses of the sources that act at all (one that starts only at or
 * after t_end has a warning of its own, engine/idle.c). */
static int queue_stimulus(opsin_sim *s)
{
    size_t ns = s->st->nsources;
    unsigned long acting = 0, late = 0; /* pulses, and those after t_end, of acting sources */
    s->srun = calloc(ns ? ns : 1, sizeof *s->srun);
    s->started = calloc(s->nsrc_drives ? s->nsrc_drives : 1, sizeof *s->started);
    if (!s->srun || !s->started)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < ns; i++) {
        const opsin_source *src = &s->st->sources[i];
        source_run *r = &s->srun[i];
        if (opsin_pulse_iter_init(&r->it, src))
            return OPSIN_ENOMEM;
        int has_cur = opsin_pulse_iter_next(&r->it, &r->cur);
        r->has_nxt = has_cur && opsin_pulse_iter_next(&r->it, &r->nxt);
        r->m = has_cur ? 0 : SIZE_MAX; /* SIZE_MAX: no pulse at all */
        unsigned long after = 0;
        for (size_t t = 0; t < src->ntrains; t++)
            after += pulses_after(&src->trains[t], s->o.t_end);
        s->stats.pulses += src->npulses;
        s->stats.pulses_after_end += after;
        if (has_cur && r->cur.start < s->o.t_end) {
            acting += src->npulses;
            late += after;
        }
    }
    for (size_t d = 0; d < s->nsrc_drives; d++) {
        const source_run *r = &s->srun[s->dinfo[d].owner];
        if (r->m == 0 && r->cur.start <= s->o.t_end && push_on(s, d, &r->cur))
            return OPSIN_ENOMEM;
    }
    if (2 * late <= acting)
        return OPSIN_OK;
    return opsin_warnings_addf(&s->warn, NULL, 0, "%lu of the stimulus' %lu pulses start after "
                               "t_end = %g s and are never applied (expected a t_end that "
                               "covers the stimulus)", s->stats.pulses_after_end,
                               s->stats.pulses, s->o.t_end);
}

/* Source drive d starts a pulse: queues its end and the start of the source's next pulse
 * (when it starts by t_end).  The first of the source's drives to reach pulse m + 1 moves the
 * source on. */
static int next_pulse(opsin_sim *s, size_t d)
{
    source_run *r = &s->srun[s->dinfo[d].owner];
    size_t m = s->started[d]++;
    if (m > r->m) {
        r->cur = r->nxt;
        r->m = m;
        r->has_nxt = opsin_pulse_iter_next(&r->it, &r->nxt);
    }
    opsin_event off = {r->cur.end, OPSIN_EV_OFF, 0, s->comps[s->dinfo[d].comp].island, d,
                       -r->cur.amplitude, -r->cur.slope, 0};
    if (push(s, off) || (r->has_nxt && r->nxt.start <= s->o.t_end && push_on(s, d, &r->nxt)))
        return OPSIN_ENOMEM;
    return OPSIN_OK;
}

/* A circuit of populations: its members advance exactly in engine/net.c.  Components beside
 * populations, and pulse sources on them, are not simulated together yet. */
static int network_new(opsin_sim *s, const opsin_probe *probes, size_t nprobes, opsin_diag *d)
{
    const opsin_circuit *c = s->c;
    int rc = opsin_circuit_runnable(c, d);
    if (rc)
        return rc;
    for (size_t i = 0; s->st && i < s->st->nsources; i++)
        if (s->st->sources[i].ntargets) { /* a network has no components: only projections */
            opsin_diag_set(d, s->st->path, s->st->sources[i].line, "source %s: pulse sources "
                           "do not drive populations yet (expected spike_sources, or a "
                           "device projection as its target)", s->st->sources[i].id);
            return OPSIN_EINVAL;
        }
    int devices = 0;
    for (size_t i = 0; i < c->nprojs; i++)
        devices |= c->projs[i].dev != NULL;
    if (s->o.nmap_times && !devices) {
        opsin_diag_set(d, NULL, 0, "a map reports array cells and device synapses, and this "
                       "network has neither (expected no --map; probe members or rates "
                       "instead)");
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < nprobes; i++)
        if (probes[i].pop > 0 && probes[i].member >= 0 && probes[i].output != 0) {
            char name[3 * OPSIN_ID_MAX];
            opsin_probe_name(c, probes[i], name, sizeof name);
            opsin_diag_set(d, NULL, 0, "probe %s: a population member offers V only (expected "
                           "ID[K].V or ID.rate)", name);
            return OPSIN_EINVAL;
        }
    rc = opsin_netrun_new(c, s->st, &s->o, probes, nprobes, &s->nr, d);
    double dmin = rc ? INFINITY : opsin_netrun_max_window(s->nr), mean = INFINITY;
    for (size_t p = 0; p < c->nprojs; p++) {
        const opsin_dist *dl = &c->projs[p].delay;
        mean = fmin(mean, dl->kind == OPSIN_DIST_UNIFORM ? 0.5 * (dl->a + dl->b) : dl->a);
    }
    if (!rc && isfinite(dmin) && dmin < 0.1 * mean)
        rc = opsin_warnings_addf(&s->warn, c->path, 0, "the shortest synaptic delay drawn is "
                                 "%g s, a tenth or less of the shortest mean delay %g s: the "
                                 "network advances in windows no longer than it, so the run is "
                                 "slower (expected delays that stay near their mean, e.g. a "
                                 "uniform distribution)", dmin, mean);
    return rc;
}

/* Gives each watch of the options to its probe's island, when the island's kind can follow it
 * on its solution (the others are left to the output rows); EINVAL for a probe that is not
 * the run's. */
static int build_watches(opsin_sim *s, opsin_diag *d)
{
    size_t n = s->o.nwatches;
    s->watch = calloc(n ? n : 1, sizeof *s->watch);
    s->followed = calloc(n ? n : 1, 1);
    if (!s->watch || !s->followed)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const opsin_watch *w = &s->o.watches[i];
        if (w->probe >= s->nprobes) {
            opsin_diag_set(d, NULL, 0, "watch %zu names probe %zu of %zu (expected an index "
                           "into the run's probes)", i + 1, w->probe + 1, s->nprobes);
            return OPSIN_EINVAL;
        }
        const opsin_comp *c = &s->comps[s->probes[w->probe].comp];
        opsin_island *isl = &s->isl[c->island];
        opsin_watch_start(&s->watch[i], w, c, (size_t)s->probes[w->probe].output, 0.0, NAN);
        if (!isl->kind->state_at)
            continue;
        opsin_watch_run **ws = realloc(isl->watches, (isl->nwatches + 1) * sizeof *ws);
        if (!ws)
            return OPSIN_ENOMEM;
        isl->watches = ws;
        ws[isl->nwatches++] = &s->watch[i];
        if (isl->y && !isl->ys && !(isl->ys = N_VClone(isl->y)))
            return OPSIN_ENOMEM;
        s->followed[i] = 1;
    }
    return OPSIN_OK;
}

/* Every followed watch from its probe's value at t = 0, before the events of that time. */
static void start_watches(opsin_sim *s)
{
    for (size_t i = 0; i < s->o.nwatches; i++) {
        opsin_watch_run *r = &s->watch[i];
        if (!s->followed[i])
            continue;
        const double *y = s->isl[r->comp->island].yd;
        double v = r->comp->def->model->output(r->comp, r->output, 0.0, y);
        opsin_watch_start(r, &r->w, r->comp, r->output, 0.0, v);
    }
}

int opsin_sim_watch_time(const opsin_sim *s, size_t i, double *t)
{
    if (!s->ran || i >= s->o.nwatches || !s->followed || !s->followed[i])
        return OPSIN_EINVAL;
    *t = opsin_watch_result(&s->watch[i]);
    return OPSIN_OK;
}

int opsin_sim_new(const opsin_circuit *c, const opsin_stimulus *st, const opsin_run_opts *opts,
                  opsin_sim **out, opsin_diag *d)
{
    if (!(opts->t_end > 0) || !isfinite(opts->t_end)) {
        opsin_diag_set(d, NULL, 0, "t_end = %g s is not a positive duration (expected t_end > 0, "
                       "e.g. --t-end 100ms)", opts->t_end);
        return OPSIN_EINVAL;
    }
    if (opts->dt_out < 0 || !isfinite(opts->dt_out) ||
        (opts->dt_out > 0 && opts->t_end / opts->dt_out > 1e8)) {
        opsin_diag_set(d, NULL, 0, "dt_out = %g s is not usable with t_end = %g s (expected 0 < "
                       "dt_out and at most 1e8 rows)", opts->dt_out, opts->t_end);
        return OPSIN_EINVAL;
    }
    int rc = memory_check(c, st, opts->max_memory, d);
    if (rc)
        return rc;
    for (size_t i = 0; i < opts->nmap_times; i++)
        if (!(opts->map_times[i] >= 0 && opts->map_times[i] <= opts->t_end) ||
            (i && !(opts->map_times[i] > opts->map_times[i - 1]))) {
            opsin_diag_set(d, NULL, 0, "map time %g s is not usable (expected increasing times "
                           "between 0 and t_end = %g s)", opts->map_times[i], opts->t_end);
            return OPSIN_EINVAL;
        }
    opsin_sim *s = calloc(1, sizeof *s);
    if (!s) {
        opsin_diag_oom(d, NULL, "setting up the simulation");
        return OPSIN_ENOMEM;
    }
    s->c = c;
    s->st = st;
    s->o = *opts;
    if (s->o.dt_out == 0)
        s->o.dt_out = s->o.t_end / 1000.0;
    opsin_queue_init(&s->q);
    const opsin_probe *probes = opts->probes ? opts->probes : c->probes;
    size_t nprobes = opts->probes ? opts->nprobes : c->nprobes;
    if (c->npops) {
        rc = network_new(s, probes, nprobes, d);
        if (rc) {
            opsin_sim_free(s);
            return rc;
        }
        *out = s;
        return OPSIN_OK;
    }
    for (size_t i = 0; i < nprobes && !rc; i++)
        if (probes[i].comp < 0 || (size_t)probes[i].comp >= c->ncomps || probes[i].output < 0 ||
            (size_t)probes[i].output >= c->comps[probes[i].comp].model->noutputs) {
            opsin_diag_set(d, NULL, 0, "probe %zu names no output of this circuit (expected "
                           "one from opsin_probe_parse)", i + 1);
            rc = OPSIN_EINVAL;
        }
    if (!rc && !(s->probes = malloc((nprobes ? nprobes : 1) * sizeof *s->probes)))
        rc = OPSIN_ENOMEM;
    else if (!rc) {
        memcpy(s->probes, probes, nprobes * sizeof *s->probes);
        s->nprobes = nprobes;
    }
    if (!rc && !(s->comps = calloc(c->ncomps, sizeof *s->comps)))
        rc = OPSIN_ENOMEM;
    if (!rc && (!(s->row = calloc(s->nprobes + 1, sizeof *s->row)) ||
                !(s->first = calloc(s->nprobes + 1, sizeof *s->first)) ||
                !(s->moved = calloc(s->nprobes + 1, sizeof *s->moved))))
        rc = OPSIN_ENOMEM;
    for (size_t i = 0; !rc && i < c->ncomps; i++) {
        s->comps[i].def = &c->comps[i];
        s->comps[i].p = c->comps[i].p;
        s->comps[i].in = c->comps[i].input >= 0 ? &s->comps[c->comps[i].input] : NULL;
    }
    if (!rc)
        rc = alloc_aux(s);
    if (!rc)
        rc = seed_components(s);
    if (!rc)
        rc = build_drives(s);
    if (!rc)
        rc = build_islands(s, d);
    if (!rc)
        rc = build_energy_names(s);
    opsin_island_cfg icfg = island_cfg(c);
    for (size_t i = 0; !rc && i < s->nisl; i++) {
        rc = s->exact[i] ? opsin_island_init_exact(&s->isl[i])
                         : opsin_island_init(&s->isl[i], &icfg, d);
        s->stats.exact_islands += s->exact[i];
    }
    if (!rc)
        rc = build_watches(s, d);
    if (!rc && st)
        rc = queue_stimulus(s);
    if (!rc)
        rc = opsin_idle_check(c, st, s->o.t_end, &s->warn);
    if (rc) {
        if (rc == OPSIN_ENOMEM)
            opsin_diag_oom(d, NULL, "setting up the simulation");
        opsin_sim_free(s);
        return rc;
    }
    s->stats.islands = s->nisl;
    *out = s;
    return OPSIN_OK;
}

void opsin_sim_free(opsin_sim *s)
{
    if (!s)
        return;
    opsin_netrun_free(s->nr);
    for (size_t i = 0; i < s->nisl; i++)
        opsin_island_free(&s->isl[i]);
    free(s->isl);
    free(s->exact);
    for (size_t i = 0; s->comps && i < s->c->ncomps; i++) {
        free(s->comps[i].drives);
        if (s->comps[i].rng)
            gsl_rng_free(s->comps[i].rng);
    }
    free(s->comps);
    free(s->aux);
    free(s->levels);
    free(s->t_on);
    free(s->slopes);
    free(s->dinfo);
    free(s->spiking);
    opsin_lag_free(&s->lag);
    free(s->lag_gen);
    free(s->dirty);
    free(s->g);
    for (size_t i = 0; s->srun && i < s->st->nsources; i++)
        opsin_pulse_iter_free(&s->srun[i].it);
    free(s->srun);
    free(s->started);
    free(s->probes);
    free(s->row);
    free(s->first);
    free(s->moved);
    free(s->watch);
    free(s->followed);
    opsin_warnings_free(&s->warn);
    for (size_t i = 0; s->energy_name && i < s->nenergy; i++)
        free(s->energy_name[i]);
    free(s->energy_name);
    free(s->energy);
    opsin_queue_free(&s->q);
    free(s);
}

/* Queues a spike of component c of island isl at t, void if the island changes first. */
static int push_spike(opsin_sim *s, const opsin_island *isl, const opsin_comp *c, double t)
{
    opsin_event ev = {t, OPSIN_EV_SPIKE, 0, (size_t)(isl - s->isl), (size_t)(c - s->comps), 0,
                      0, isl->gen};
    return push(s, ev);
}

/* After a restart at t: a root function already >= 0 (a threshold reached, which CVODE
 * never reports at its initial time) fires now, e.g. a pulse that starts while V rests at V_th
 * after an approach from below at rheobase. */
static int spikes_at_restart(opsin_sim *s, opsin_island *isl)
{
    const double *y = isl->yd;
    for (size_t k = 0; k < isl->ncomps; k++) {
        const opsin_comp *c = isl->comps[k];
        const opsin_model *m = c->def->model;
        if (!m->nroots)
            continue;
        m->roots(c, isl->t, y, s->g);
        for (size_t r = 0; r < m->nroots; r++)
            if (s->g[r] >= 0) {
                int rc = push_spike(s, isl, c, isl->t);
                if (rc)
                    return rc;
            }
    }
    return OPSIN_OK;
}

/* Steps the spiking islands, furthest behind first, until all have reached *T or a spike
 * moved *T earlier.  Because the laggard always steps, a spike found at t_r lies inside or
 * after the last step of every other island, so any island can still be stopped at t_r. */
static int advance_spiking(opsin_sim *s, double *T, opsin_diag *d)
{
    for (;;) {
        /* The laggard: the least (tn, index) among the spiking islands that are not resting
         * (a resting island has no dynamics, so no threshold crossing, until an event
         * restarts it and gives it a new entry). */
        const opsin_lag_entry *top = opsin_lag_top(&s->lag);
        if (!top)
            return OPSIN_OK;
        opsin_island *lag = &s->isl[top->isl];
        if (top->gen != s->lag_gen[top->isl] || lag->resting) {
            opsin_lag_pop(&s->lag); /* stale: restarted since, or resting */
            continue;
        }
        if (top->tn != lag->tn) { /* went further (a probe, an event): its real time */
            opsin_lag_raise_top(&s->lag, lag->tn);
            continue;
        }
        if (!(lag->tn < *T))
            return OPSIN_OK;
        double root;
        int rc = opsin_island_step(lag, s->o.t_end, &root, d);
        if (rc)
            return rc;
        if (isnan(root))
            continue;
        for (size_t k = 0; k < lag->ncomps; k++) {
            const opsin_comp *c = lag->comps[k];
            for (size_t r = 0; r < c->def->model->nroots; r++)
                if (lag->rootsfound[c->root_off + r] > 0 && (rc = push_spike(s, lag, c, root)))
                    return rc;
        }
        lag->tn = fmax(lag->tn, root); /* held at the root until its event is processed */
        if (root < *T)
            *T = root;
    }
}

/* A restarted spiking island's new place among the laggards (its time may have gone back);
 * the heap is rebuilt when stale entries outnumber the islands. */
static int lag_restart(opsin_sim *s, size_t i)
{
    s->lag_gen[i]++;
    if (s->lag.n > 4 * s->nspiking + 64) {
        s->lag.n = 0;
        for (size_t k = 0; k < s->nspiking; k++) {
            size_t j = s->spiking[k];
            if (j != i && opsin_lag_push(&s->lag, s->isl[j].tn, j, s->lag_gen[j]))
                return OPSIN_ENOMEM;
        }
    }
    return opsin_lag_push(&s->lag, s->isl[i].tn, i, s->lag_gen[i]) ? OPSIN_ENOMEM : OPSIN_OK;
}

/* Writes one output row of every probe at time T. */
static int write_row(opsin_sim *s, double T, const opsin_sink *sink, opsin_diag *d)
{
    for (size_t i = 0; i < s->nprobes; i++) {
        const opsin_comp *c = &s->comps[s->probes[i].comp];
        opsin_island *isl = &s->isl[c->island];
        int rc = opsin_island_at(isl, T, s->o.t_end, d);
        if (rc)
            return rc;
        s->row[i] = c->def->model->output(c, (size_t)s->probes[i].output, T, isl->yd);
        if (s->stats.rows == 0)
            s->first[i] = s->row[i];
        else if (s->row[i] != s->first[i] && !(isnan(s->row[i]) && isnan(s->first[i])))
            s->moved[i] = 1;
    }
    s->stats.rows++;
    if (sink->row && sink->row(sink->ctx, T, s->row, s->nprobes)) {
        opsin_diag_set(d, NULL, 0, "the output could not be written");
        return OPSIN_ECALLBACK;
    }
    return OPSIN_OK;
}

/* A spike of component ci at T: pulses on every connected device, then the spike record. */
static int deliver_spike(opsin_sim *s, size_t ci, double T, const opsin_sink *sink,
                         opsin_diag *d)
{
    s->stats.spikes++;
    for (size_t dr = s->nsrc_drives; dr < s->ndrives; dr++) {
        const opsin_conndef *cn = &s->c->conns[s->dinfo[dr].owner];
        if ((size_t)cn->from != ci)
            continue;
        size_t isl = s->comps[cn->to].island;
        double t_on = T + cn->delay;
        opsin_event on = {t_on, OPSIN_EV_ON, 0, isl, dr, cn->amplitude, 0, 0};
        opsin_event off = {t_on + cn->width, OPSIN_EV_OFF, 0, isl, dr, -cn->amplitude, 0, 0};
        if (push(s, on) || push(s, off))
            return OPSIN_ENOMEM;
    }
    if (sink->spike && sink->spike(sink->ctx, T, s->comps[ci].def->id)) {
        opsin_diag_set(d, NULL, 0, "the spike output could not be written");
        return OPSIN_ECALLBACK;
    }
    return OPSIN_OK;
}

/* Applies one event at time T to its island (brought to T first). */
static int apply_event(opsin_sim *s, const opsin_event *ev, const opsin_sink *sink,
                       opsin_diag *d)
{
    opsin_island *isl = &s->isl[ev->island];
    opsin_event own;
    if (ev->kind == OPSIN_EV_SPIKE && ev->gen != isl->gen) {
        opsin_queue_pop(&isl->stops, &own);
        return OPSIN_OK; /* found before an earlier event changed this island: void */
    }
    /* Bring the island to the event while the event is still its stop time, so that the
     * integrator halts exactly there instead of stepping across the edge. */
    int rc = opsin_island_at(isl, ev->t, s->o.t_end, d);
    opsin_queue_pop(&isl->stops, &own);
    if (rc)
        return rc;
    double *y = isl->yd;
    s->stats.events++;
    if (!isl->dirty) { /* this side of the first event of T: the watches reach it */
        opsin_island_follow(isl, ev->t);
        s->dirty[s->ndirty++] = ev->island;
    }
    isl->dirty = 1;
    switch (ev->kind) {
    case OPSIN_EV_ON:
    case OPSIN_EV_OFF: {
        s->levels[ev->index] += ev->value;
        s->slopes[ev->index] += ev->slope;
        if (ev->kind == OPSIN_EV_ON)
            s->t_on[ev->index] = ev->t;
        opsin_comp *c = &s->comps[s->dinfo[ev->index].comp];
        if (c->def->model->on_drive)
            c->def->model->on_drive(c, s->dinfo[ev->index].slot, ev->kind == OPSIN_EV_ON,
                                    ev->kind == OPSIN_EV_ON ? ev->value : -ev->value, ev->t, y);
        if (ev->kind == OPSIN_EV_ON && !s->dinfo[ev->index].is_conn)
            return next_pulse(s, ev->index);
        return OPSIN_OK;
    }
    case OPSIN_EV_WAKE:
        s->comps[ev->index].def->model->on_wake(&s->comps[ev->index], ev->t, y);
        return OPSIN_OK;
    default: {
        opsin_comp *c = &s->comps[ev->index];
        opsin_root_action a = c->def->model->on_root(c, ev->t, y);
        if (a.wake_at > ev->t) {
            opsin_event w = {a.wake_at, OPSIN_EV_WAKE, 0, ev->island, ev->index, 0, 0, 0};
            if (push(s, w))
                return OPSIN_ENOMEM;
        }
        return a.spike ? deliver_spike(s, ev->index, ev->t, sink, d) : OPSIN_OK;
    }
    }
}

/* Applies every event at time T, then restarts the islands they touched. */
static int apply_events(opsin_sim *s, double T, const opsin_sink *sink, opsin_diag *d)
{
    const opsin_event *top;
    while ((top = opsin_queue_top(&s->q)) && top->t == T) {
        opsin_event ev;
        opsin_queue_pop(&s->q, &ev);
        int rc = apply_event(s, &ev, sink, d);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < s->ndirty; i++) {
        opsin_island *isl = &s->isl[s->dirty[i]];
        int rc = opsin_island_reinit(isl, d);
        if (!rc && isl->nroots && !(rc = lag_restart(s, s->dirty[i])))
            rc = spikes_at_restart(s, isl);
        if (rc)
            return rc;
    }
    s->ndirty = 0;
    return OPSIN_OK;
}

/* Reports the first output of every array cell at T. */
static int write_map(opsin_sim *s, double T, const opsin_sink *sink, opsin_diag *d)
{
    for (size_t a = 0; a < s->c->narrays && sink->map; a++) {
        const opsin_arraydef *ad = &s->c->arrays[a];
        for (size_t k = 0; k < ad->rows * ad->cols; k++) {
            const opsin_comp *c = &s->comps[ad->first + k];
            opsin_island *isl = &s->isl[c->island];
            int rc = opsin_island_at(isl, T, s->o.t_end, d);
            if (rc)
                return rc;
            double v = c->def->model->output(c, 0, T, isl->yd);
            if (sink->map(sink->ctx, T, ad->id, k / ad->cols, k % ad->cols, v,
                          c->def->model->outputs[0].unit)) {
                opsin_diag_set(d, NULL, 0, "the map output could not be written");
                return OPSIN_ECALLBACK;
            }
        }
    }
    return OPSIN_OK;
}

/* Time of output sample k: an exact product, never an accumulated sum. */
static double sample_time(const opsin_sim *s, unsigned long k)
{
    double t = opsin_time_snap((double)k * s->o.dt_out); /* prints as k dt written out */
    return t < s->o.t_end ? t : s->o.t_end;
}

int opsin_sink_header(const opsin_circuit *c, const opsin_probe *probes, size_t n,
                      const opsin_sink *sink, opsin_diag *d)
{
    if (!sink->header)
        return OPSIN_OK;
    const char **names = calloc(n + 1, sizeof *names);
    const char **units = calloc(n + 1, sizeof *units);
    char (*buf)[3 * OPSIN_ID_MAX] = calloc(n + 1, sizeof *buf);
    int rc = !names || !units || !buf ? OPSIN_ENOMEM : OPSIN_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        opsin_probe_name(c, probes[i], buf[i], sizeof buf[i]);
        names[i] = buf[i];
        units[i] = opsin_probe_unit(c, probes[i]);
    }
    if (!rc && sink->header(sink->ctx, n, names, units)) {
        opsin_diag_set(d, NULL, 0, "the output could not be written");
        rc = OPSIN_ECALLBACK;
    }
    free(names);
    free(units);
    free(buf);
    return rc;
}

/* Brings every island to t_end, reads the energy states and the solver counters. */
static int finish(opsin_sim *s, opsin_diag *d)
{
    for (size_t i = 0; i < s->nisl; i++) {
        opsin_island *isl = &s->isl[i];
        int rc = opsin_island_at(isl, s->o.t_end, s->o.t_end, d);
        if (rc || (rc = opsin_island_collect(isl, d)))
            return rc;
        opsin_island_follow(isl, s->o.t_end);
        s->stats.steps += isl->steps;
        s->stats.rhs_evals += isl->rhs_evals;
        s->stats.reinits += isl->reinits;
    }
    size_t ns = s->st ? s->st->nsources : 0;
    for (size_t dr = 0; dr < s->ndrives; dr++) {
        const opsin_comp *c = &s->comps[s->dinfo[dr].comp];
        const double *y = s->isl[c->island].yd;
        size_t e = s->dinfo[dr].is_conn ? ns + s->dinfo[dr].owner : s->dinfo[dr].owner;
        s->energy[e] += y[c->drives[s->dinfo[dr].slot].energy_y];
    }
    return OPSIN_OK;
}

int opsin_sim_run(opsin_sim *s, const opsin_sink *sink, opsin_diag *d)
{
    if (s->ran) {
        opsin_diag_set(d, NULL, 0, "this simulation has already run (expected a new one)");
        return OPSIN_EINVAL;
    }
    s->ran = 1;
    if (s->nr) {
        int rc = opsin_netrun_run(s->nr, sink, NULL, d);
        opsin_netrun_stats(s->nr, &s->stats);
        return rc;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    start_watches(s);
    int rc = opsin_sink_header(s->c, s->probes, s->nprobes, sink, d);
    unsigned long k = 0;
    size_t j = 0; /* next map time */
    double t_end = s->o.t_end;
    double ts = sample_time(s, k); /* kept: snapping a time costs more than an exact event */
    while (!rc) {
        const opsin_event *top = opsin_queue_top(&s->q);
        double tm = j < s->o.nmap_times ? s->o.map_times[j] : INFINITY;
        double T = fmin(fmin(top ? top->t : INFINITY, tm), fmin(ts, t_end));
        if ((rc = advance_spiking(s, &T, d)))
            break;
        top = opsin_queue_top(&s->q);
        if (top && top->t == T) {
            if ((rc = write_row(s, T, sink, d)) || (rc = apply_events(s, T, sink, d)) ||
                (rc = write_row(s, T, sink, d)))
                break;
        } else if ((T == ts || T == t_end) && (rc = write_row(s, T, sink, d))) {
            break;
        }
        if (T == tm && (rc = write_map(s, T, sink, d)))
            break;
        j += T == tm;
        while (ts <= T && (double)k * s->o.dt_out <= t_end)
            ts = sample_time(s, ++k);
        if (T >= t_end)
            break;
    }
    if (!rc)
        rc = finish(s, d);
    if (rc == OPSIN_ENOMEM) /* the queue or the integrator could not grow */
        opsin_diag_oom(d, NULL, "running the simulation");
    if (!rc && (rc = opsin_idle_after(s->c, s->st, s->probes, s->nprobes, s->first, s->moved,
                                      s->stats.spikes, &s->warn)))
        opsin_diag_set(d, NULL, 0, "out of memory for the warnings of the run");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->stats.wall_s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    return rc;
}

int opsin_sim_stats(const opsin_sim *s, opsin_stats *out)
{
    *out = s->stats;
    return OPSIN_OK;
}

size_t opsin_sim_nwarnings(const opsin_sim *s)
{
    return s->warn.n;
}

const char *opsin_sim_warning(const opsin_sim *s, size_t i)
{
    return opsin_warnings_at(&s->warn, i);
}

double opsin_sim_rows_estimate(const opsin_sim *s)
{
    return opsin_idle_rows(s->st, s->o.t_end, s->o.dt_out);
}

size_t opsin_sim_nsources(const opsin_sim *s)
{
    return s->nenergy;
}

int opsin_sim_energy(const opsin_sim *s, size_t i, const char **name, double *joules)
{
    if (i >= s->nenergy)
        return OPSIN_EINVAL;
    *name = s->energy_name[i];
    *joules = s->energy[i];
    return OPSIN_OK;
}

void opsin_sim_print_summary(const opsin_sim *s, FILE *fp)
{
    const opsin_stats *st = &s->stats;
    fprintf(fp, "# events %lu, spikes %lu, rows %lu\n", st->events, st->spikes, st->rows);
    fprintf(fp, "# islands %zu, integrator steps %lu, rhs evaluations %lu, restarts %lu\n",
            st->islands, st->steps, st->rhs_evals, st->reinits);
    if (!s->nr) /* which islands went which way (solver.method) */
        fprintf(fp, "# solver: %zu island%s exact, %zu CVODE (method %s, rtol %g)\n",
                st->exact_islands, st->exact_islands == 1 ? "" : "s",
                st->islands - st->exact_islands, opsin_method_names[s->c->method], s->c->rtol);
    if (s->nr) {
        unsigned long ev, syn, nsyn;
        opsin_netrun_counts(s->nr, &ev, &syn, &nsyn);
        double dmin = opsin_netrun_max_window(s->nr);
        char dtext[48] = "no synapses";
        if (isfinite(dmin))
            snprintf(dtext, sizeof dtext, "shortest delay %g s", dmin);
        fprintf(fp, "# network: %zu neurons, %lu synapses, %lu inputs and spikes applied, "
                "%lu synaptic inputs delivered (exact integration; %s)\n", s->c->nneurons,
                nsyn, ev, syn, dtext);
        unsigned long dsyn, dint, dst;
        opsin_netrun_device_counts(s->nr, &dsyn, &dint, &dst);
        if (dsyn)
            fprintf(fp, "# device synapses: %lu, integrated over %lu stretches in %lu CVODE "
                    "steps\n", dsyn, dint, dst);
    }
    fprintf(fp, "# wall time %.6f s\n", st->wall_s);
    int random = s->c->npops > 0; /* member parameters, synapses, spike trains */
    for (size_t i = 0; i < s->c->ncomps; i++)
        random |= s->comps[i].rng != NULL;
    fprintf(fp, "# seed %lu%s\n", s->o.seed,
            random ? "" : " (no model of this circuit draws random numbers)");
    double total = 0.0;
    for (size_t i = 0; i < s->nenergy; i++) {
        fprintf(fp, "# energy %s %.9g J\n", s->energy_name[i], s->energy[i]);
        total += s->energy[i];
    }
    if (s->nenergy > 1)
        fprintf(fp, "# energy total %.9g J\n", total);
}
