/* net.c: populations advanced exactly, window by window (see net.h).
 *
 * A member is a neuron that is linear between events (opsin_model.linear):
 *   tau dV/dt = -(V - v_inf) + r_in I,   I = 0 (delta synapses: an input makes V jump by
 *                                        its weight), or dI/dt = -I/tau_s (exp synapses: an
 *                                        input adds its weight, A, to I)
 * so from (t, V, I) its state at t' = t + s is, with d = 1/tau - 1/tau_s,
 *   V = v_inf + (V - v_inf) e^{-s/tau} + r_in I tau_s/(tau_s - tau) (e^{-s/tau_s} - e^{-s/tau})
 * (r_in I (s/tau) e^{-s/tau} at tau_s = tau), I e^{-s/tau_s}.  With I = 0 and v_inf > v_th it
 * reaches threshold at t + tau ln((v_inf - V)/(v_inf - v_th)); with a current, at the root of
 * that sum of exponentials, bracketed and found to the last bit (first_crossing).  After a
 * spike V is held at v_reset for t_ref; delta inputs that arrive meanwhile are lost (as in
 * NEST's iaf_psc_delta), currents keep flowing (iaf_psc_exp).  Delta inputs at one instant
 * are summed before the threshold is tested.  No step size: spike times are the closed
 * form's, to round-off.  With cond synapses (an input adds its weight, in S, to a
 * conductance toward its reversal potential, decaying with tau_s) V has no closed form but
 * an integral that engine/netcond.c takes by quadrature to round-off, with its crossings; an
 * input into them carries its reversal potential in a second inbox slot.
 *
 * Windows: every synaptic delay is at least D (the shortest), so a spike at t in [t0, t1),
 * t1 <= t0 + D, arrives at or after t1.  A window advances each member alone through its own
 * inputs (delivered into its inbox when the spikes were made) and its external spike trains
 * (Poisson, regular or listed, drawn from the member's own generator), so any split of the
 * members over threads gives the same bits.  The window's spikes, sorted by time and then
 * neuron, are then delivered through each population's outgoing synapses.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bracket.h"
#include "engine/devsyn.h"
#include "engine/net.h"
#include "engine/netcond.h"
#include "engine/netfilt.h"

/* ---- random numbers: xoroshiro128+ per stream, seeded through SplitMix64 ---------------- */

typedef struct rng {
    uint64_t s0, s1;
} rng;

/* The stream of (seed, a, b, c): independent of every other such stream. */
static rng rng_for(unsigned long seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = opsin_splitmix64(opsin_splitmix64(opsin_splitmix64(opsin_splitmix64((uint64_t)seed) ^ a) ^ b) ^ c);
    rng r = {opsin_splitmix64(x), opsin_splitmix64(x + 1)};
    if (!r.s0 && !r.s1)
        r.s0 = 1;
    return r;
}

static uint64_t rng_next(rng *r)
{
    uint64_t s0 = r->s0, s1 = r->s1, out = s0 + s1;
    s1 ^= s0;
    r->s0 = ((s0 << 24) | (s0 >> 40)) ^ s1 ^ (s1 << 16);
    r->s1 = (s1 << 37) | (s1 >> 27);
    return out;
}

/* Uniform on [0, 1). */
static double rng_u01(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1]. */
static double rng_u01_open0(rng *r)
{
    return (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

/* Standard normal (Box-Muller; the second value is dropped to keep streams simple). */
static double rng_normal(rng *r)
{
    double u = rng_u01_open0(r), v = rng_u01(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Exponential variates by the ziggurat of Marsaglia & Tsang (2000), J. Stat. Softw. 5(8):
 * the density e^{-x} covered by ZIG_N layers of equal area ZIG_V, layer i the rectangle
 * [0, x_i] x [e^{-x_i}, e^{-x_{i+1}}] (x_1 = ZIG_R, x_ZIG_N = 0), layer 0 the strip [0, r] x
 * [0, e^{-r}] with the tail beyond r (x_0 = ZIG_V e^{r}).  A draw picks a layer and a point
 * z = u x_i: below x_{i+1} it is under the curve (about 98.9% of draws: one multiply, no
 * log); otherwise the wedge is tested against e^{-z}, or the tail is r plus a fresh variate
 * (memoryless).  Exact in distribution, to the 53-bit resolution of u. */
enum { ZIG_N = 256 };
#define ZIG_R 7.69711747013104972
#define ZIG_V 3.949659822581572e-3

typedef struct zig_exp {
    double x[ZIG_N + 1];  /* layer edges x_i */
    double k[ZIG_N];      /* x_{i+1} / x_i: u below it is inside the layer's rectangle */
    double f[ZIG_N + 1];  /* e^{-x_i} */
} zig_exp;

static void zig_exp_init(zig_exp *z)
{
    z->x[0] = ZIG_V / exp(-ZIG_R);
    z->x[1] = ZIG_R;
    for (int i = 1; i < ZIG_N - 1; i++)
        z->x[i + 1] = -log(ZIG_V / z->x[i] + exp(-z->x[i]));
    z->x[ZIG_N] = 0;
    for (int i = 0; i <= ZIG_N; i++)
        z->f[i] = exp(-z->x[i]);
    for (int i = 0; i < ZIG_N; i++)
        z->k[i] = z->x[i + 1] / z->x[i];
}

/* Layer i and u of one draw: the layer from bits 3-10, u from the top 53 bits (the low bits
 * of xoroshiro128+ are its weakest). */
static void zig_pick(rng *r, unsigned *i, double *u)
{
    uint64_t b = rng_next(r);
    *i = (unsigned)(b >> 3) & (ZIG_N - 1);
    *u = (double)(b >> 11) * 0x1.0p-53;
}

/* The draw (i, u) that fell outside its rectangle: the wedge's test, the tail, and draws
 * again until one is taken. */
static double zig_exp_slow(const zig_exp *z, rng *r, unsigned i, double u)
{
    double add = 0;
    for (;;) {
        if (u < z->k[i])
            return add + u * z->x[i];
        if (i == 0) {
            add += ZIG_R;
        } else {
            double x = u * z->x[i];
            if (z->f[i] + rng_u01(r) * (z->f[i + 1] - z->f[i]) < exp(-x))
                return add + x;
        }
        zig_pick(r, &i, &u);
    }
}

/* A variate of the unit exponential distribution (the rectangle's case inline). */
static inline double zig_exp_draw(const zig_exp *z, rng *r)
{
    unsigned i;
    double u;
    zig_pick(r, &i, &u);
    return u < z->k[i] ? u * z->x[i] : zig_exp_slow(z, r, i, u);
}

/* An integer uniform on [0, n). */
static size_t rng_below(rng *r, size_t n)
{
    return (size_t)(rng_u01(r) * (double)n);
}

/* ---- the network ------------------------------------------------------------------------- */

enum { STREAM_PARAM = 1, STREAM_PRE, STREAM_POST, STREAM_SYN, STREAM_EXT };

/* An input: its time and weight.  An input into cond synapses takes two: (t, w), then (t,
 * its reversal potential). */
typedef struct inbox_ev {
    double t, w;
} inbox_ev;

typedef struct inbox {
    inbox_ev *e;
    size_t n, cap;
    double last;  /* the latest input time delivered (kept here: reading it back from e
                     would wait on a cache miss per delivery) */
    int unsorted; /* an input was delivered out of time order (delays differ) */
    uint32_t *c;  /* compact inputs (a population with an arena), each the number of an
                     arena entry; they follow those in e, in time order */
    size_t nc, ccap;
} inbox;

/* A population's arena: where every projection into it has one weight and one delay, the same
 * delay for all, an input is 4 bytes in the inbox (the store of 16 at a random member was the
 * delivery's cost) and its (t, w) is here, once per spike and projection.  The spikes come in
 * time order, so the entries are in time order; those before the window being delivered are
 * dropped (every member has taken them); the same t and w, so the same bits. */
typedef struct arena {
    inbox_ev *a;
    size_t n, cap;
    uint32_t base; /* the number of a[0] (numbers wrap around: only differences count) */
    double last;   /* the latest entry's t */
    int on;
} arena;

/* A member's state: V at t, refractory until refr_end (V = v_reset before it). */
typedef struct member {
    double t, v, refr_end;
    double i;  /* the synaptic current at t, A (exp synapses), or the total conductance, S
                  (cond synapses); 0 with delta synapses */
    double dr; /* A: sum_k g_k (E_k - v_inf) at t (cond synapses, engine/netcond.c) */
} member;

/* One external spike train on one member. */
typedef struct ext_train {
    double next;     /* time of its next spike, INFINITY: none left */
    double w;        /* V, A or S, by the member's synapses */
    double e_rev;    /* V: cond synapses */
    const opsin_spikesrc *src;
    size_t k;        /* regular: spikes made; list: position in the source's times */
    long pos;        /* list: the member's position among the source's targets */
} ext_train;

/* One projection's synapses, by presynaptic member: targets (network neurons), weights and
 * delays (NULL when one value serves all: w0, d0).  tgt NULL: all-to-all or one-to-one,
 * made on the fly. */
typedef struct proj_run {
    const opsin_projdef *def;
    size_t *off;      /* size of from + 1 */
    uint32_t *tgt;
    double *w, *d;
    double w0, d0;
    double e_rev;     /* V: into cond synapses; NAN into the others */
    size_t nsyn;
    opsin_devsyn *ds; /* device synapses (engine/devsyn.c), synapse s at tgt[s]; else NULL */
    size_t *in_off;   /* device synapses: by post member k, its synapses */
    size_t *in_syn;   /*   in_syn[in_off[k] .. in_off[k + 1]), by pre member */
    opsin_netfilt *nf; /* supercap synapses (engine/netfilt.c), synapse s at tgt[s]; else NULL */
} proj_run;

/* What a probed member did in the window: its state after each event, from the window's
 * start. */
typedef struct seg {
    double t, v, refr_end, i, dr;
    double vinf; /* V: v_inf with the current sources' drive at t */
    double fs[OPSIN_NETFILT_STATE]; /* supercap synapses' state at t (engine/netfilt.c) */
} seg;

/* A current source's pulses on the members it targets (up to t_end), and where one member
 * is in them: pulse k, on or not yet. */
typedef struct cur_src {
    opsin_pulse *p;
    size_t n;
} cur_src;
typedef struct cur_drive {
    const cur_src *cs;
    size_t k;
    int on;
} cur_drive;

typedef struct traj {
    seg *s;
    size_t n, cap;
} traj;

typedef struct spikebuf {
    opsin_net_spike *s;
    size_t n, cap;
    unsigned long events;
    int oom;
} spikebuf;

struct opsin_net {
    const opsin_circuit *c;
    size_t n;               /* members */
    opsin_lin_neuron *lin;  /* per member */
    member *m;
    inbox *in;
    size_t *pop_of;         /* per member: its population */
    double *tau_s;          /* per population: the synaptic current's or conductance's
                               decay time (exp, cond synapses), 0 for delta synapses */
    opsin_cond_quad *cq;    /* the quadrature of cond synapses (NULL: none in the network) */
    size_t *ext_off;        /* per member: its trains ext[ext_off[i] .. ext_off[i + 1]) */
    ext_train *ext;
    rng *ext_rng;           /* per member: draws its Poisson trains */
    zig_exp zig;            /*   their intervals */
    proj_run *proj;
    size_t nproj;
    size_t *pop_proj_off;   /* per population: its outgoing projections */
    size_t *pop_proj;       /*   pop_proj[pop_proj_off[p] .. pop_proj_off[p + 1]) */
    size_t maxq;            /* the most projections out of one population */
    arena *ar;              /* per population: its compact inputs' (t, w) */
    uint32_t *aidx;         /* per spike s and projection qi: its entry (arena_fill) */
    size_t aidx_cap;
    struct { size_t *p; size_t cap; } *cur; /* per thread: range_job.cur, kept */
    opsin_devsyn_work **work; /* per thread and projection: device integrators (or NULL) */
    int delivered;          /* the last window's spikes are delivered already */
    double quiet;           /* no member can spike before this time (opsin_net_quiet_until) */
    unsigned njobs_last;    /* threads of the last run_ranges */
    unsigned char *has_post; /* per population: device projections end on it */
    opsin_netfilt **filt;   /* per population: the supercap synapses into it, or NULL */
    const opsin_stimulus *st; /* its sources on device projections */
    cur_src *csrc;          /* the current sources on members, their pulses */
    size_t ncsrc;
    cur_drive *cd;          /* per member: cd[cd_off[i] .. cd_off[i + 1]), NULL: none */
    size_t *cd_off;
    double *vinf0;          /* per member: v_inf without the current sources */
    double t_end;
    double dmin;            /* shortest delay */
    double t0;              /* where the next window starts */
    unsigned jobs;
    long *probe_of;         /* per member: its probe index, or -1 */
    size_t *probed;
    size_t nprobed;
    traj *tr;               /* per probe */
    double *ptimes;
    size_t nptimes, ptimes_cap;
    spikebuf *bufs;         /* per thread */
    opsin_net_spike *spikes;
    size_t nspikes, spikes_cap;
    unsigned long events, syn_events, synapses;
};


/* A value drawn from a distribution for member k of n (normal: redrawn into [lo, hi]). */
static int dist_draw(const opsin_dist *ds, size_t k, size_t n, rng *r, double lo, double hi,
                     double *out)
{
    switch (ds->kind) {
    case OPSIN_DIST_UNIFORM:
        *out = ds->a + (ds->b - ds->a) * rng_u01(r);
        return 0;
    case OPSIN_DIST_LINEAR:
        *out = n > 1 ? ds->a + (ds->b - ds->a) * ((double)k / (double)(n - 1)) : ds->a;
        return 0;
    case OPSIN_DIST_NORMAL:
        for (int tries = 0; tries < 1000; tries++) {
            double v = ds->a + ds->b * rng_normal(r);
            if (v >= lo && v <= hi) {
                *out = v;
                return 0;
            }
        }
        return -1;
    default:
        *out = ds->a;
        return 0;
    }
}

/* Every member's closed form from its parameters (drawn per member from its own stream). */
static int build_members(opsin_net *n, unsigned long seed, opsin_diag *d)
{
    const opsin_circuit *c = n->c;
    for (size_t p = 0; p < c->npops; p++) {
        const opsin_popdef *pd = &c->pops[p];
        const opsin_model *m = pd->model;
        double *par = malloc((m->nparams ? m->nparams : 1) * sizeof *par);
        if (!par)
            return OPSIN_ENOMEM;
        for (size_t k = 0; k < pd->size; k++) {
            size_t i = pd->first + k;
            for (size_t j = 0; j < m->nparams; j++) {
                const opsin_param_def *def = &m->params[j];
                double lo = def->min, hi = def->max;
                /* one stream per (population, member, parameter): a member's value of one
                 * parameter does not depend on how the others are given */
                rng r = rng_for(seed, STREAM_PARAM, p, ((uint64_t)k << 8) | j);
                if (dist_draw(&pd->dist[j], k, pd->size, &r, lo, hi, &par[j])) {
                    opsin_diag_set(d, c->path, pd->p_line[j] ? pd->p_line[j] : pd->line,
                                   "%s[%zu].%s: the normal distribution gave no value within "
                                   "its bounds in 1000 draws (expected a mean inside them)",
                                   pd->id, k, def->name);
                    free(par);
                    return OPSIN_EINVAL;
                }
            }
            char msg[256];
            if (m->validate && m->validate(par, msg, sizeof msg)) {
                opsin_diag_set(d, c->path, pd->line, "%s[%zu]: %s", pd->id, k, msg);
                free(par);
                return OPSIN_EINVAL;
            }
            if (!m->linear || !m->linear(par, &n->lin[i])) {
                opsin_diag_set(d, c->path, pd->line, "%s[%zu]: these parameters give model %s "
                               "no closed form (expected a positive conductance G_L + G_in)",
                               pd->id, k, m->name);
                free(par);
                return OPSIN_EINVAL;
            }
            const opsin_lin_neuron *L = &n->lin[i];
            n->m[i] = (member){0.0, L->v0, 0.0, 0.0, 0.0};
            n->pop_of[i] = p;
        }
        free(par);
    }
    return OPSIN_OK;
}

/* ---- connectivity -------------------------------------------------------------------------- */

/* Fixed probability: for each pre member the post members j with a geometric skip between
 * them (cost follows the synapses made, not the pairs). */
static int build_prob(opsin_net *n, proj_run *pr, size_t pi, unsigned long seed)
{
    const opsin_projdef *pj = pr->def;
    const opsin_popdef *from = &n->c->pops[pj->from], *to = &n->c->pops[pj->to];
    size_t cap = 0, ns = 0;
    int same = pj->from == pj->to && !pj->autapses;
    double lq = pj->p < 1 ? log1p(-pj->p) : 0;
    for (size_t i = 0; i < from->size; i++) {
        pr->off[i] = ns;
        if (pj->p <= 0)
            continue;
        rng r = rng_for(seed, STREAM_PRE, pi, i);
        for (size_t j = 0;; j++) {
            if (pj->p < 1) {
                double skip = floor(log(rng_u01_open0(&r)) / lq);
                if (!(skip < (double)(to->size - j)))
                    break;
                j += (size_t)skip;
            }
            if (j >= to->size)
                break;
            if (same && j == i)
                continue;
            if (opsin_grow((void **)&pr->tgt, &cap, ns, sizeof *pr->tgt))
                return OPSIN_ENOMEM;
            pr->tgt[ns] = (uint32_t)(to->first + j);
            ns++;
        }
    }
    pr->off[from->size] = ns;
    pr->nsyn = ns;
    return OPSIN_OK;
}

/* Fixed in-degree: each post member draws k distinct pre members (rejection against a mark
 * per pre member); the pairs are then laid out by pre member, post members ascending. */
static int build_indegree(opsin_net *n, proj_run *pr, size_t pi, unsigned long seed)
{
    const opsin_projdef *pj = pr->def;
    const opsin_popdef *from = &n->c->pops[pj->from], *to = &n->c->pops[pj->to];
    int same = pj->from == pj->to && !pj->autapses;
    size_t k = pj->k, ns = k * to->size;
    unsigned char *mark = calloc(from->size ? from->size : 1, 1);
    uint32_t *pre = malloc((ns ? ns : 1) * sizeof *pre);
    pr->tgt = malloc((ns ? ns : 1) * sizeof *pr->tgt);
    if (!mark || !pre || !pr->tgt) {
        free(mark);
        free(pre);
        return OPSIN_ENOMEM;
    }
    for (size_t j = 0; j < to->size; j++) {
        rng r = rng_for(seed, STREAM_POST, pi, j);
        uint32_t *row = pre + j * k;
        for (size_t q = 0; q < k;) {
            size_t i = rng_below(&r, from->size);
            if (mark[i] || (same && i == j))
                continue;
            mark[i] = 1;
            row[q++] = (uint32_t)i;
        }
        for (size_t q = 0; q < k; q++)
            mark[row[q]] = 0;
    }
    free(mark);
    memset(pr->off, 0, (from->size + 1) * sizeof *pr->off);
    for (size_t s = 0; s < ns; s++)
        pr->off[pre[s] + 1]++;
    for (size_t i = 0; i < from->size; i++)
        pr->off[i + 1] += pr->off[i];
    size_t *fill = malloc((from->size ? from->size : 1) * sizeof *fill);
    if (!fill) {
        free(pre);
        return OPSIN_ENOMEM;
    }
    memcpy(fill, pr->off, from->size * sizeof *fill);
    for (size_t j = 0; j < to->size; j++)
        for (size_t q = 0; q < k; q++)
            pr->tgt[fill[pre[j * k + q]]++] = (uint32_t)(to->first + j);
    free(fill);
    free(pre);
    pr->nsyn = ns;
    return OPSIN_OK;
}

typedef struct pair_row { size_t pre, post, line; double w, d; } pair_row;

static int cmp_pair(const void *a, const void *b)
{
    const pair_row *x = a, *y = b;
    if (x->pre != y->pre)
        return x->pre < y->pre ? -1 : 1;
    if (x->post != y->post)
        return x->post < y->post ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* A projection's synapses from a CSV of pre,post[,weight[,delay]] rows (checked by the
 * reader); one value per synapse when any row gives one. */
static int build_list(opsin_net *n, proj_run *pr, opsin_diag *d)
{
    const opsin_projdef *pj = pr->def;
    const opsin_popdef *from = &n->c->pops[pj->from], *to = &n->c->pops[pj->to];
    FILE *fp = fopen(pj->file, "r");
    if (!fp) {
        opsin_diag_set(d, n->c->path, pj->line, "cannot read the synapse list %s (expected "
                       "the file the circuit was checked with)", pj->file);
        return OPSIN_EINVAL;
    }
    pair_row *rows = NULL;
    size_t nr = 0, cap = 0;
    char line[512];
    int rc = OPSIN_OK, have_w = 0, have_d = 0;
    while (!rc && fgets(line, sizeof line, fp)) {
        double a, b, w = NAN, dl = NAN; /* NAN: the projection's (drawn when it varies) */
        int got = sscanf(line, "%lf ,%lf ,%lf ,%lf", &a, &b, &w, &dl);
        if (got < 2 || !(a >= 0 && a < (double)from->size && b >= 0 && b < (double)to->size))
            continue; /* a header, or a row the reader refused already */
        have_w |= got >= 3;
        have_d |= got >= 4;
        if (opsin_grow((void **)&rows, &cap, nr, sizeof *rows))
            rc = OPSIN_ENOMEM;
        else
            rows[nr++] = (pair_row){(size_t)a, (size_t)b, nr, w, dl};
    }
    fclose(fp);
    if (!rc) /* rows by pre, then post (a row's targets ascending), then file order */
        qsort(rows, nr, sizeof *rows, cmp_pair);
    if (!rc && ((pr->tgt = malloc((nr ? nr : 1) * sizeof *pr->tgt)) == NULL ||
                (have_w && !(pr->w = malloc((nr ? nr : 1) * sizeof *pr->w))) ||
                (have_d && !(pr->d = malloc((nr ? nr : 1) * sizeof *pr->d)))))
        rc = OPSIN_ENOMEM;
    if (!rc) {
        memset(pr->off, 0, (from->size + 1) * sizeof *pr->off);
        for (size_t s = 0; s < nr; s++)
            pr->off[rows[s].pre + 1]++;
        for (size_t i = 0; i < from->size; i++)
            pr->off[i + 1] += pr->off[i];
        size_t *fill = malloc((from->size ? from->size : 1) * sizeof *fill);
        if (!fill)
            rc = OPSIN_ENOMEM;
        for (size_t i = 0; !rc && i < from->size; i++)
            fill[i] = pr->off[i];
        for (size_t s = 0; !rc && s < nr; s++) {
            size_t at = fill[rows[s].pre]++;
            pr->tgt[at] = (uint32_t)(to->first + rows[s].post);
            if (pr->w)
                pr->w[at] = rows[s].w;
            if (pr->d)
                pr->d[at] = rows[s].d;
        }
        free(fill);
        pr->nsyn = nr;
    }
    free(rows);
    return rc;
}

/* A device projection's synapses (one device each) and their lists by post member. */
static int build_devices(opsin_net *n, proj_run *pr, size_t pi, unsigned long seed)
{
    const opsin_circuit *c = n->c;
    const opsin_popdef *from = &c->pops[pr->def->from], *to = &c->pops[pr->def->to];
    if (opsin_devsyn_new(pr->def->dev, pr->nsyn, seed, pi, c->rtol, c->atol_scale,
                         c->max_steps, &pr->ds))
        return OPSIN_ENOMEM;
    for (size_t q = 0; n->st && q < n->st->nsources; q++) /* light or a voltage on them */
        for (size_t k = 0; k < n->st->sources[q].nprojs; k++)
            if ((size_t)n->st->sources[q].projs[k] == pi &&
                opsin_devsyn_add_source(pr->ds, &n->st->sources[q], n->t_end))
                return OPSIN_ENOMEM;
    if (!(pr->in_off = calloc(to->size + 1, sizeof *pr->in_off)) ||
        !(pr->in_syn = malloc((pr->nsyn ? pr->nsyn : 1) * sizeof *pr->in_syn)))
        return OPSIN_ENOMEM;
    for (size_t s = 0; s < pr->nsyn; s++)
        pr->in_off[pr->tgt[s] - to->first + 1]++;
    for (size_t k = 0; k < to->size; k++)
        pr->in_off[k + 1] += pr->in_off[k];
    size_t *fill = malloc((to->size ? to->size : 1) * sizeof *fill);
    if (!fill)
        return OPSIN_ENOMEM;
    memcpy(fill, pr->in_off, to->size * sizeof *fill);
    for (size_t i = 0; i < from->size; i++) /* by pre member: each list in pre order */
        for (size_t s = pr->off[i]; s < pr->off[i + 1]; s++)
            pr->in_syn[fill[pr->tgt[s] - to->first]++] = s;
    free(fill);
    for (unsigned j = 0; j < n->jobs; j++)
        if (opsin_devsyn_work_new(pr->ds, &n->work[j * c->nprojs + pi]))
            return OPSIN_ENOMEM;
    return OPSIN_OK;
}

/* A synapse's own value of a weight or delay drawn from ds, from lo up; EINVAL when a normal
 * distribution gave no such value (`what`, `expected` in the message) in 1000 draws. */
static int syn_draw(const opsin_net *n, const opsin_projdef *pj, const opsin_dist *ds, double lo,
                    rng *r, double *out, const char *what, const char *expected, opsin_diag *d)
{
    if (!dist_draw(ds, 0, 1, r, lo, INFINITY, out))
        return OPSIN_OK;
    opsin_diag_set(d, n->c->path, pj->line, "projection %s -> %s: the normal distribution of "
                   "%ss gave no %s in 1000 draws (expected %s)", n->c->pops[pj->from].id,
                   n->c->pops[pj->to].id, ds == &pj->weight ? "weight" : "delay", what,
                   expected);
    return OPSIN_EINVAL;
}

static int build_projections(opsin_net *n, unsigned long seed, opsin_diag *d)
{
    const opsin_circuit *c = n->c;
    n->nproj = c->nprojs;
    n->dmin = INFINITY;
    if (!(n->proj = calloc(c->nprojs ? c->nprojs : 1, sizeof *n->proj)))
        return OPSIN_ENOMEM;
    for (size_t p = 0; p < c->nprojs; p++) {
        proj_run *pr = &n->proj[p];
        const opsin_projdef *pj = &c->projs[p];
        const opsin_popdef *from = &c->pops[pj->from], *to = &c->pops[pj->to];
        pr->def = pj;
        pr->w0 = pj->weight.a;
        pr->d0 = pj->delay.a;
        pr->e_rev = to->synapse == OPSIN_SYN_COND ? pj->e_rev : NAN;
        int rc = OPSIN_OK;
        if (pj->rule == OPSIN_PROJ_ALL) {
            pr->nsyn = from->size * to->size -
                       (pj->from == pj->to && !pj->autapses ? from->size : 0);
        } else if (pj->rule == OPSIN_PROJ_ONE) {
            pr->nsyn = from->size;
        } else {
            if (!(pr->off = calloc(from->size + 1, sizeof *pr->off)))
                return OPSIN_ENOMEM;
            rc = pj->rule == OPSIN_PROJ_PROB       ? build_prob(n, pr, p, seed)
                 : pj->rule == OPSIN_PROJ_INDEGREE ? build_indegree(n, pr, p, seed)
                                                   : build_list(n, pr, d);
        }
        if (rc)
            return rc;
        n->synapses += pr->nsyn;
        /* Per-synapse weights and delays where they vary (implicit rules then get explicit
         * targets); a list file's own columns are kept. */
        int draw_w = !(pj->dev && !pj->dev->filter) && pj->weight.kind != OPSIN_DIST_CONST && !pr->w;
        int draw_d = pj->delay.kind != OPSIN_DIST_CONST && !pr->d;
        if ((draw_w || draw_d || pj->dev) && !pr->tgt) {
            if (!(pr->off = calloc(from->size + 1, sizeof *pr->off)) ||
                !(pr->tgt = malloc((pr->nsyn ? pr->nsyn : 1) * sizeof *pr->tgt)))
                return OPSIN_ENOMEM;
            size_t s = 0;
            for (size_t i = 0; i < from->size; i++) {
                pr->off[i] = s;
                if (pj->rule == OPSIN_PROJ_ONE)
                    pr->tgt[s++] = (uint32_t)(to->first + i);
                else
                    for (size_t j = 0; j < to->size; j++)
                        if (!(pj->from == pj->to && !pj->autapses && i == j))
                            pr->tgt[s++] = (uint32_t)(to->first + j);
            }
            pr->off[from->size] = s;
        }
        if ((draw_w && !(pr->w = malloc((pr->nsyn ? pr->nsyn : 1) * sizeof *pr->w))) ||
            (draw_d && !(pr->d = malloc((pr->nsyn ? pr->nsyn : 1) * sizeof *pr->d))))
            return OPSIN_ENOMEM;
        double wlo = to->synapse == OPSIN_SYN_COND || pj->dev ? 0.0 : -INFINITY; /* in S */
        for (size_t i = 0; (pr->w || pr->d) && i < from->size; i++) {
            rng r = rng_for(seed, STREAM_SYN, p, i);
            for (size_t s = pr->off[i]; s < pr->off[i + 1]; s++) {
                if (pr->w && (draw_w || isnan(pr->w[s])))
                    rc = syn_draw(n, pj, &pj->weight, wlo, &r, &pr->w[s], "conductance >= 0",
                                  "a mean well above 0 S", d);
                if (!rc && pr->d && (draw_d || isnan(pr->d[s])))
                    rc = syn_draw(n, pj, &pj->delay, DBL_MIN, &r, &pr->d[s], "positive delay",
                                  "a positive mean", d);
                if (rc)
                    return rc;
            }
        }
        if (pr->d) {
            for (size_t s = 0; s < pr->nsyn; s++)
                n->dmin = fmin(n->dmin, pr->d[s]);
        } else if (pr->nsyn) {
            n->dmin = fmin(n->dmin, pr->d0);
        }
        if (pj->dev && !pj->dev->filter && (rc = build_devices(n, pr, p, seed)))
            return rc;
        if (pj->dev && pj->dev->filter &&
            (rc = opsin_netfilt_new(c, pj, n->lin + to->first, n->tau_s[pj->to], &pr->nf, d)))
            return rc;
    }
    /* Each population's outgoing projections, in file order. */
    size_t np = c->npops;
    if (!(n->has_post = calloc(np ? np : 1, 1)) ||
        !(n->filt = calloc(np ? np : 1, sizeof *n->filt)))
        return OPSIN_ENOMEM;
    for (size_t p = 0; p < c->nprojs; p++) {
        if (c->projs[p].dev && !n->proj[p].nf)
            n->has_post[c->projs[p].to] = 1;
        if (n->proj[p].nf) /* one per population (io/net_read.c) */
            n->filt[c->projs[p].to] = n->proj[p].nf;
    }
    if (!(n->pop_proj_off = calloc(np + 1, sizeof *n->pop_proj_off)) ||
        !(n->pop_proj = malloc((c->nprojs ? c->nprojs : 1) * sizeof *n->pop_proj)))
        return OPSIN_ENOMEM;
    for (size_t p = 0; p < c->nprojs; p++)
        n->pop_proj_off[c->projs[p].from + 1]++;
    for (size_t p = 0; p < np; p++) {
        size_t q = n->pop_proj_off[p + 1];
        n->maxq = q > n->maxq ? q : n->maxq;
        n->pop_proj_off[p + 1] += n->pop_proj_off[p];
    }
    for (size_t p = 0, k = 0; p < np; p++)
        for (size_t q = 0; q < c->nprojs; q++)
            if ((size_t)c->projs[q].from == p)
                n->pop_proj[k++] = q;
    return OPSIN_OK;
}

/* ---- external spike trains ------------------------------------------------------------- */

/* A list train's next time from position k on: its own entries and those for every
 * target. */
static void list_from(ext_train *e, size_t k)
{
    const opsin_spikesrc *s = e->src;
    while (k < s->ntimes && ((s->member[k] >= 0 && s->member[k] != e->pos) ||
                             s->times[k] < s->start))
        k++;
    e->k = k;
    e->next = k < s->ntimes ? s->times[k] : INFINITY;
}

/* The train's first spike. */
static void ext_first(ext_train *e, rng *r, const zig_exp *z)
{
    const opsin_spikesrc *s = e->src;
    switch (s->kind) {
    case OPSIN_SS_POISSON:
        e->next = s->start + zig_exp_draw(z, r) / s->rate;
        break;
    case OPSIN_SS_REGULAR:
        e->next = s->start;
        break;
    default:
        list_from(e, 0);
        break;
    }
    if (!(e->next < s->stop))
        e->next = INFINITY;
}

/* The train's spike after the present one. */
static void ext_advance(ext_train *e, rng *r, const zig_exp *z)
{
    const opsin_spikesrc *s = e->src;
    switch (s->kind) {
    case OPSIN_SS_POISSON:
        e->next += zig_exp_draw(z, r) / s->rate;
        break;
    case OPSIN_SS_REGULAR:
        e->k++;
        e->next = s->start + (double)e->k / s->rate;
        break;
    default:
        list_from(e, e->k + 1);
        break;
    }
    if (!(e->next < s->stop))
        e->next = INFINITY;
}

/* The current sources on population members: their pulses, and each member's drives. */
static int build_currents(opsin_net *n, const opsin_stimulus *st)
{
    size_t ns = 0, total = 0;
    for (size_t s = 0; st && s < st->nsources; s++)
        ns += st->sources[s].npops > 0;
    if (!ns)
        return OPSIN_OK;
    if (!(n->csrc = calloc(ns, sizeof *n->csrc)) ||
        !(n->cd_off = calloc(n->n + 1, sizeof *n->cd_off)) ||
        !(n->vinf0 = malloc((n->n ? n->n : 1) * sizeof *n->vinf0)))
        return OPSIN_ENOMEM;
    for (size_t s = 0; s < st->nsources; s++) {
        const opsin_source *src = &st->sources[s];
        if (!src->npops)
            continue;
        cur_src *cs = &n->csrc[n->ncsrc++];
        if (opsin_source_pulses(src, n->t_end, &cs->p, &cs->n))
            return OPSIN_ENOMEM;
        for (size_t t = 0; t < src->npops; t++)
            for (size_t k = src->pops[t].lo; k < src->pops[t].hi; k++)
                n->cd_off[n->c->pops[src->pops[t].pop].first + k + 1]++;
    }
    for (size_t i = 0; i < n->n; i++) {
        n->cd_off[i + 1] += n->cd_off[i];
        n->vinf0[i] = n->lin[i].v_inf;
    }
    total = n->cd_off[n->n];
    size_t *fill = malloc((n->n ? n->n : 1) * sizeof *fill);
    if (!fill || !(n->cd = calloc(total ? total : 1, sizeof *n->cd))) {
        free(fill);
        return OPSIN_ENOMEM;
    }
    memcpy(fill, n->cd_off, n->n * sizeof *fill);
    for (size_t s = 0, q = 0; s < st->nsources; s++) {
        const opsin_source *src = &st->sources[s];
        if (!src->npops)
            continue;
        for (size_t t = 0; t < src->npops; t++)
            for (size_t k = src->pops[t].lo; k < src->pops[t].hi; k++)
                n->cd[fill[n->c->pops[src->pops[t].pop].first + k]++] =
                    (cur_drive){&n->csrc[q], 0, 0};
        q++;
    }
    free(fill);
    return OPSIN_OK;
}

static int build_external(opsin_net *n, const opsin_stimulus *st, unsigned long seed)
{
    size_t ns = st ? st->nspikesrcs : 0, total = 0;
    if (!(n->ext_off = calloc(n->n + 1, sizeof *n->ext_off)) ||
        !(n->ext_rng = malloc((n->n ? n->n : 1) * sizeof *n->ext_rng)))
        return OPSIN_ENOMEM;
    for (size_t s = 0; s < ns; s++)
        for (size_t t = 0; t < st->spikesrcs[s].ntargets; t++) {
            const opsin_target_range *tr = &st->spikesrcs[s].targets[t];
            size_t first = n->c->pops[tr->pop].first;
            for (size_t k = tr->lo; k < tr->hi; k++)
                n->ext_off[first + k + 1]++;
        }
    for (size_t i = 0; i < n->n; i++)
        n->ext_off[i + 1] += n->ext_off[i];
    total = n->ext_off[n->n];
    if (!(n->ext = calloc(total ? total : 1, sizeof *n->ext)))
        return OPSIN_ENOMEM;
    size_t *fill = malloc((n->n ? n->n : 1) * sizeof *fill);
    if (!fill)
        return OPSIN_ENOMEM;
    memcpy(fill, n->ext_off, n->n * sizeof *fill);
    for (size_t s = 0; s < ns; s++) {
        const opsin_spikesrc *src = &st->spikesrcs[s];
        long pos = 0;
        for (size_t t = 0; t < src->ntargets; t++) {
            const opsin_target_range *tr = &src->targets[t];
            size_t first = n->c->pops[tr->pop].first;
            for (size_t k = tr->lo; k < tr->hi; k++, pos++)
                n->ext[fill[first + k]++] = (ext_train){INFINITY, src->weight, src->e_rev,
                                                        src, 0, pos};
        }
    }
    free(fill);
    for (size_t i = 0; i < n->n; i++) {
        n->ext_rng[i] = rng_for(seed, STREAM_EXT, i, 0);
        for (size_t e = n->ext_off[i]; e < n->ext_off[i + 1]; e++)
            ext_first(&n->ext[e], &n->ext_rng[i], &n->zig);
    }
    return OPSIN_OK;
}

/* ---- construction ---------------------------------------------------------------------- */

/* Whether population q's inputs can be compact: every projection into it has target lists,
 * one weight and one delay, the same delay for all, into delta or exp synapses. */
static int arena_fits(const opsin_net *n, size_t q)
{
    if (n->c->pops[q].synapse == OPSIN_SYN_COND || n->filt[q])
        return 0;
    int any = 0;
    double d0 = 0;
    for (size_t k = 0; k < n->nproj; k++) {
        const proj_run *pr = &n->proj[k];
        if ((size_t)pr->def->to != q)
            continue;
        if (!pr->tgt || pr->w || pr->d || !isnan(pr->e_rev) || pr->ds || pr->nf ||
            (any && pr->d0 != d0))
            return 0;
        d0 = pr->d0;
        any = 1;
    }
    return any;
}

int opsin_net_new(const opsin_circuit *c, const opsin_stimulus *st, double t_end,
                  unsigned long seed, unsigned jobs, const size_t *probed, size_t nprobed,
                  opsin_net **out, opsin_diag *d)
{
    opsin_net *n = calloc(1, sizeof *n);
    if (!n) {
        opsin_diag_oom(d, NULL, "setting up the network");
        return OPSIN_ENOMEM;
    }
    n->c = c;
    n->st = st;
    n->t_end = t_end;
    n->n = c->nneurons;
    if (n->n > UINT32_MAX) { /* synapse targets are 32-bit member numbers */
        opsin_diag_set(d, c->path, c->pops[0].line, "%zu neurons in all populations (expected at "
                       "most %lu)", n->n, (unsigned long)UINT32_MAX);
        free(n);
        return OPSIN_EINVAL;
    }
    n->jobs = jobs ? jobs : 1;
    size_t nn = n->n ? n->n : 1;
    int rc = OPSIN_OK;
    if (!(n->lin = calloc(nn, sizeof *n->lin)) || !(n->m = calloc(nn, sizeof *n->m)) ||
        !(n->in = calloc(nn, sizeof *n->in)) || !(n->pop_of = calloc(nn, sizeof *n->pop_of)) ||
        !(n->tau_s = calloc(c->npops ? c->npops : 1, sizeof *n->tau_s)) ||
        !(n->probe_of = malloc(nn * sizeof *n->probe_of)) ||
        !(n->probed = malloc((nprobed ? nprobed : 1) * sizeof *n->probed)) ||
        !(n->tr = calloc(nprobed ? nprobed : 1, sizeof *n->tr)) ||
        !(n->bufs = calloc(n->jobs, sizeof *n->bufs)) ||
        !(n->cur = calloc(n->jobs, sizeof *n->cur)) ||
        !(n->work = calloc((size_t)n->jobs * (c->nprojs ? c->nprojs : 1), sizeof *n->work)))
        rc = OPSIN_ENOMEM;
    if (!rc) {
        for (size_t p = 0; p < c->npops; p++) {
            n->tau_s[p] = c->pops[p].synapse != OPSIN_SYN_DELTA ? c->pops[p].tau_syn : 0.0;
            if (c->pops[p].synapse == OPSIN_SYN_COND && !n->cq &&
                (!(n->cq = malloc(sizeof *n->cq)) || opsin_cond_quad_init(n->cq)))
                rc = OPSIN_ENOMEM;
        }
        for (size_t i = 0; i < n->n; i++)
            n->probe_of[i] = -1;
        for (size_t k = 0; k < nprobed; k++) {
            n->probed[k] = probed[k];
            if (n->probe_of[probed[k]] < 0)
                n->probe_of[probed[k]] = (long)k;
        }
        n->nprobed = nprobed;
        if (!rc)
            rc = build_members(n, seed, d);
    }
    if (!rc)
        rc = build_projections(n, seed, d);
    zig_exp_init(&n->zig);
    if (!rc)
        rc = build_external(n, st, seed);
    if (!rc)
        rc = build_currents(n, st);
    if (!rc && !(n->ar = calloc(c->npops ? c->npops : 1, sizeof *n->ar)))
        rc = OPSIN_ENOMEM;
    for (size_t q = 0; !rc && q < c->npops; q++)
        n->ar[q] = (arena){NULL, 0, 0, 0, -INFINITY, arena_fits(n, q)};
    if (rc) {
        if (rc == OPSIN_ENOMEM)
            opsin_diag_oom(d, NULL, "setting up the network");
        opsin_net_free(n);
        return rc;
    }
    *out = n;
    return OPSIN_OK;
}

void opsin_net_free(opsin_net *n)
{
    if (!n)
        return;
    for (size_t i = 0; n->in && i < n->n; i++) {
        free(n->in[i].e);
        free(n->in[i].c);
    }
    for (size_t p = 0; n->ar && p < n->c->npops; p++)
        free(n->ar[p].a);
    free(n->ar);
    free(n->aidx);
    for (size_t p = 0; n->proj && p < n->nproj; p++) {
        free(n->proj[p].off);
        free(n->proj[p].tgt);
        free(n->proj[p].w);
        free(n->proj[p].d);
        free(n->proj[p].in_off);
        free(n->proj[p].in_syn);
        opsin_devsyn_free(n->proj[p].ds);
        opsin_netfilt_free(n->proj[p].nf);
    }
    for (size_t k = 0; n->work && k < (size_t)n->jobs * n->c->nprojs; k++)
        opsin_devsyn_work_free(n->work[k]);
    free(n->work);
    for (size_t k = 0; n->tr && k < n->nprobed; k++)
        free(n->tr[k].s);
    for (size_t j = 0; n->bufs && j < n->jobs; j++)
        free(n->bufs[j].s);
    for (size_t j = 0; n->cur && j < n->jobs; j++)
        free(n->cur[j].p);
    free(n->cur);
    free(n->pop_proj_off);
    free(n->has_post);
    free(n->filt);
    for (size_t q = 0; q < n->ncsrc; q++)
        free(n->csrc[q].p);
    free(n->csrc);
    free(n->cd);
    free(n->cd_off);
    free(n->vinf0);
    free(n->pop_proj);
    free(n->bufs);
    free(n->tr);
    free(n->probed);
    free(n->probe_of);
    free(n->ptimes);
    free(n->spikes);
    free(n->proj);
    free(n->ext);
    free(n->ext_off);
    free(n->ext_rng);
    free(n->pop_of);
    free(n->tau_s);
    free(n->cq);
    free(n->in);
    free(n->m);
    free(n->lin);
    free(n);
}

double opsin_net_max_window(const opsin_net *n)
{
    return n->dmin;
}

/* ---- one member through one window ------------------------------------------------------ */

/* The synaptic part of x = V - v_inf after s of free evolution from a current i0 that decays
 * with ts (tau dx/dt = -x + r_in I):
 *   r_in i0 ts/(ts - tau) (e^{-s/ts} - e^{-s/tau}) = r_in i0 e^{-s/tau} expm1(s d)/(tau d),
 * d = 1/tau - 1/ts, the second form where |s d| < 1 (near ts = tau; r_in i0 (s/tau) e^{-s/tau}
 * at d = 0), the first elsewhere (no overflow for long s). */
static double syn_part(const opsin_lin_neuron *L, double ts, double i0, double s)
{
    double d = 1.0 / L->tau - 1.0 / ts, sd = s * d;
    if (fabs(sd) < 1.0)
        return L->r_in * i0 * exp(-s / L->tau) * (d != 0 ? expm1(sd) / (L->tau * d) : s / L->tau);
    return L->r_in * i0 * ts / (ts - L->tau) * (exp(-s / ts) - exp(-s / L->tau));
}

/* V (and the synaptic current into *i2 when ts > 0) at t2 >= t of a member at (t, v, i)
 * refractory until re: V held at v_reset until re, then free. */
static double v_at_i(const opsin_lin_neuron *L, double ts, double t, double v, double i,
                     double re, double t2, double *i2)
{
    if (!(ts > 0) || i == 0) { /* delta synapses, or no current: the one exponential */
        if (i2)
            *i2 = 0.0;
        if (t2 <= re)
            return t < re ? L->v_reset : v;
        double tf = t < re ? re : t, vf = t < re ? L->v_reset : v;
        if (t2 == tf)
            return vf;
        return L->v_inf + (vf - L->v_inf) * exp(-(t2 - tf) / L->tau);
    }
    if (i2)
        *i2 = t2 == t ? i : i * exp(-(t2 - t) / ts);
    if (t2 <= re)
        return t < re ? L->v_reset : v;
    double tf = t < re ? re : t, vf = t < re ? L->v_reset : v;
    double itf = tf == t ? i : i * exp(-(tf - t) / ts), s = t2 - tf;
    if (s == 0)
        return vf;
    return L->v_inf + (vf - L->v_inf) * exp(-s / L->tau) + syn_part(L, ts, itf, s);
}

/* f(s) = V(tf + s) - v_th of free evolution from (vf, i0), and its derivative. */
static double cross_f(const opsin_lin_neuron *L, double ts, double vf, double i0, double s,
                      double *df)
{
    double x = (vf - L->v_inf) * exp(-s / L->tau) + syn_part(L, ts, i0, s);
    double i = i0 * exp(-s / ts);
    *df = (-x + L->r_in * i) / L->tau;
    return L->v_inf + x - L->v_th;
}

/* Free evolution from (vf, i0) with exp synapses, for the root of cross_f. */
typedef struct exp_free {
    const opsin_lin_neuron *L;
    double ts, vf, i0;
} exp_free;

static double exp_f(const void *ctx, double s, double *df)
{
    const exp_free *k = ctx;
    return cross_f(k->L, k->ts, k->vf, k->i0, s, df);
}

/* The first time in (tf, tf + S] at which a member that is free from tf at V = vf < v_th with
 * synaptic current i0 (decaying with ts) reaches v_th, or INFINITY.  f = A + B e^{-s/tau} +
 * D e^{-s/ts} has at most one critical point (f' e^{s/tau} is monotone), so the crossing is
 * bracketed where f rises: [0, the maximum] when f rises first, [the minimum, S] when it
 * falls first; then a safeguarded Newton iteration to the last bit of the time. */
static double first_crossing(const opsin_lin_neuron *L, double ts, double tf, double vf,
                             double i0, double S)
{
    if (!(S > 0) || !(vf < L->v_th))
        return INFINITY;
    if (!(ts > 0) || i0 == 0) {
        if (!(L->v_inf > L->v_th))
            return INFINITY;
        double s = L->tau * log1p((L->v_th - vf) / (L->v_inf - L->v_th));
        return s <= S ? tf + s : INFINITY;
    }
    double x0 = vf - L->v_inf, se = NAN; /* the critical point */
    if (ts != L->tau) {
        double D = L->r_in * i0 * ts / (ts - L->tau), B = x0 - D, d = 1.0 / L->tau - 1.0 / ts;
        double arg = -(D * L->tau) / (B * ts);
        if (B != 0 && arg > 0)
            se = -log(arg) / d;
    } else {
        se = L->tau * (L->r_in * i0 - x0) / (L->r_in * i0);
    }
    double df0, lo = 0, hi = S;
    cross_f(L, ts, vf, i0, 0, &df0);
    int inside = se > 0 && se < S;
    if (df0 > 0) {
        if (inside)
            hi = se; /* rises to its maximum at se */
    } else {
        if (!inside)
            return INFINITY; /* falls all the way */
        lo = se; /* falls to its minimum at se, then rises */
    }
    double dfh, fh = cross_f(L, ts, vf, i0, hi, &dfh);
    if (fh < 0)
        return INFINITY;
    exp_free k = {L, ts, vf, i0};
    return opsin_bracket_root(exp_f, &k, tf, lo, hi);
}

static int cmp_inbox(const void *a, const void *b)
{
    double x = ((const inbox_ev *)a)->t, y = ((const inbox_ev *)b)->t;
    return (x > y) - (x < y);
}

static int traj_push(traj *tr, double t, double v, double re, double i, double dr,
                     double vinf, const opsin_netfilt *fz, size_t m)
{
    if (opsin_grow((void **)&tr->s, &tr->cap, tr->n, sizeof *tr->s))
        return -1;
    tr->s[tr->n] = (seg){t, v, re, i, dr, vinf, {0}};
    if (fz)
        opsin_netfilt_get(fz, m, tr->s[tr->n].fs);
    tr->n++;
    return 0;
}

/* The next edge of a member's current drives (INFINITY: none left). */
static double drive_edge(const cur_drive *c, const cur_drive *end)
{
    double e = INFINITY;
    for (; c < end; c++) {
        double x = c->on ? c->cs->p[c->k].end : c->k < c->cs->n ? c->cs->p[c->k].start
                                                                : INFINITY;
        e = x < e ? x : e;
    }
    return e;
}

/* The edges at t of a member's current drives; returns the current they drive after t. */
static double drive_step(cur_drive *c, cur_drive *end, double t)
{
    double sum = 0;
    for (; c < end; c++) {
        if (c->on && c->cs->p[c->k].end == t) {
            c->on = 0;
            c->k++;
        }
        if (!c->on && c->k < c->cs->n && c->cs->p[c->k].start == t)
            c->on = 1;
        sum += c->on ? c->cs->p[c->k].amplitude : 0.0;
    }
    return sum;
}

static void spike_push(spikebuf *b, double t, size_t i)
{
    if (opsin_grow((void **)&b->s, &b->cap, b->n, sizeof *b->s)) {
        b->oom = 1;
        return;
    }
    b->s[b->n++] = (opsin_net_spike){t, i};
}

/* Drops a member's first k inputs (those of the window just advanced through), keeping the
 * inputs of later windows. */
static void inbox_consume(inbox *ib, size_t k)
{
    if (k) {
        memmove(ib->e, ib->e + k, (ib->n - k) * sizeof *ib->e);
        ib->n -= k;
    }
}

/* Input k of a member: in[k], or with compact inputs c the arena entry c[k] names (in: the
 * arena's entries, base: the number of in[0]). */
static inline inbox_ev input_at(const inbox_ev *in, const uint32_t *c, uint32_t base, size_t k)
{
    return c ? in[(uint32_t)(c[k] - base)] : in[k];
}

/* advance_member for the common case, in registers: delta synapses, v_inf at or below v_th
 * (no crossing between inputs), no current sources, no supercap synapses and no probe.  The
 * same operations in the same order as advance_member, so the same bits.  The inputs: nin of
 * them, read by input_at; returns how many were taken.  Inlined into its two callers, so
 * that c is a constant in each. */
static inline __attribute__((always_inline)) size_t
delta_run(opsin_net *n, size_t i, double t1, int last, spikebuf *b, const inbox_ev *in,
          const uint32_t *c, uint32_t base, size_t nin)
{
    const opsin_lin_neuron *L = &n->lin[i];
    const double tau = L->tau, v_inf = L->v_inf, v_th = L->v_th, v_reset = L->v_reset;
    member *mb = &n->m[i];
    ext_train *ex = n->ext + n->ext_off[i], *ex_end = n->ext + n->ext_off[i + 1];
    rng *r = &n->ext_rng[i];
    double t = mb->t, v = mb->v, re = mb->refr_end;
    unsigned long events = 0;
    size_t k = 0;
    for (;;) {
        double te = INFINITY;
        for (ext_train *e = ex; e < ex_end; e++)
            te = e->next < te ? e->next : te;
        double ti = k < nin ? input_at(in, c, base, k).t : INFINITY, tev = te < ti ? te : ti;
        int have = last ? tev <= t1 : tev < t1;
        double t2 = have ? tev : t1; /* V there: held at v_reset until re, then free */
        if (t2 <= re) {
            v = t < re ? v_reset : v;
        } else {
            double tf = t < re ? re : t, vf = t < re ? v_reset : v;
            v = t2 == tf ? vf : v_inf + (vf - v_inf) * exp(-(t2 - tf) / tau);
        }
        t = t2;
        if (!have)
            break;
        double w = 0;
        for (inbox_ev ev; k < nin && (ev = input_at(in, c, base, k)).t == tev; k++)
            w += ev.w;
        for (ext_train *e = ex; e < ex_end; e++)
            if (e->next == tev) {
                w += e->w;
                if (e->src->kind == OPSIN_SS_POISSON) { /* ext_advance's, inline */
                    e->next += zig_exp_draw(&n->zig, r) / e->src->rate;
                    if (!(e->next < e->src->stop))
                        e->next = INFINITY;
                } else {
                    ext_advance(e, r, &n->zig);
                }
            }
        events++;
        if (!(t < re)) {
            v += w;
            if (v >= v_th) {
                spike_push(b, t, i);
                v = v_reset;
                re = t + L->t_ref;
            }
        }
    }
    b->events += events;
    mb->t = t;
    mb->v = v;
    mb->refr_end = re;
    mb->i = 0.0;
    return k;
}

/* Member i by delta_run, from its compact inputs or its 16-byte ones (never both). */
static void advance_delta(opsin_net *n, size_t i, double t1, int last, spikebuf *b)
{
    inbox *ib = &n->in[i];
    if (ib->nc) {
        const arena *ar = &n->ar[n->pop_of[i]];
        size_t k = delta_run(n, i, t1, last, b, ar->a, ib->c, ar->base, ib->nc);
        memmove(ib->c, ib->c + k, (ib->nc - k) * sizeof *ib->c);
        ib->nc -= k;
    } else {
        inbox_consume(ib, delta_run(n, i, t1, last, b, ib->e, NULL, 0, ib->n));
    }
}

static int inbox_expand(opsin_net *n, size_t i);

/* Advances member i through [t0, t1) ([t0, t1] when last). */
static void advance_member(opsin_net *n, size_t i, double t1, int last, spikebuf *b)
{
    opsin_lin_neuron Lm = n->lin[i]; /* v_inf moves with the current sources' drive */
    const opsin_lin_neuron *L = &Lm;
    member *mb = &n->m[i];
    inbox *ib = &n->in[i];
    ext_train *ex = n->ext + n->ext_off[i], *ex_end = n->ext + n->ext_off[i + 1];
    cur_drive *cd = n->cd ? n->cd + n->cd_off[i] : NULL;
    cur_drive *cd_end = n->cd ? n->cd + n->cd_off[i + 1] : NULL;
    rng *r = &n->ext_rng[i];
    traj *tr = n->probe_of[i] >= 0 ? &n->tr[n->probe_of[i]] : NULL;
    double ts = n->tau_s[n->pop_of[i]]; /* > 0: exp or cond synapses */
    int cond = n->c->pops[n->pop_of[i]].synapse == OPSIN_SYN_COND;
    size_t step = cond ? 2 : 1; /* inbox slots per input */
    opsin_netfilt *fz = n->filt[n->pop_of[i]]; /* supercap synapses into it, or NULL */
    if (fz)
        opsin_netfilt_begin(fz, i);
    int spont = L->v_inf > L->v_th;
    int fast = !(ts > 0) && !spont && !tr && cd == cd_end && !fz;
    if (ib->nc && (!fast || ib->n) && inbox_expand(n, i))
        b->oom = 1;
    /* The inputs in time order (those due in this window first). */
    if (ib->unsorted) {
        qsort(ib->e, ib->n / step, step * sizeof *ib->e, cmp_inbox);
        ib->unsorted = 0;
    }
    double t = mb->t, v = mb->v, re = mb->refr_end, cur = mb->i, dr = mb->dr;
    if (fast) {
        advance_delta(n, i, t1, last, b);
        return;
    }
    size_t k = 0;
    if (tr) {
        tr->n = 0;
        if (traj_push(tr, t, v, re, cur, dr, L->v_inf, fz, i))
            b->oom = 1;
    }
    for (;;) {
        double te = cd < cd_end ? drive_edge(cd, cd_end) : INFINITY;
        if (fz)
            te = fmin(te, opsin_netfilt_next_edge(fz, i));
        for (ext_train *e = ex; e < ex_end; e++)
            te = e->next < te ? e->next : te;
        double ti = k < ib->n ? ib->e[k].t : INFINITY, tev = te < ti ? te : ti;
        int have = last ? tev <= t1 : tev < t1;
        double tlim = have ? tev : t1;
        /* a crossing of the threshold between events, before tlim */
        double tc = INFINITY, vl = 0, gl = 0, dl = 0; /* cond: the state at tlim */
        if (cond) {
            tc = opsin_cond_step(n->cq, L, ts, t, v, cur, dr, re, tlim, &vl, &gl, &dl);
        } else if (spont || cur != 0 || (fz && opsin_netfilt_active(fz, i))) {
            double tf = t < re ? re : t, vf = t < re ? L->v_reset : v;
            if (tf < tlim && !(vf < L->v_th)) {
                tc = tf; /* the last window's crossing, rounded past its end */
            } else if (tf < tlim && fz) {
                tc = opsin_netfilt_cross(fz, i, L, ts, t, cur, tf, vf, tlim);
            } else if (tf < tlim) {
                double itf = cur != 0 && tf != t ? cur * exp(-(tf - t) / ts) : cur;
                tc = first_crossing(L, ts, tf, vf, itf, tlim - tf);
            }
        }
        if (tc < tlim || (last && !have && tc == tlim)) {
            spike_push(b, tc, i);
            b->events++;
            if (fz)
                opsin_netfilt_to(fz, i, t, tc);
            if (cur != 0) {
                double q = exp(-(tc - t) / ts);
                cur *= q;
                dr *= q;
            }
            t = tc;
            v = L->v_reset;
            re = tc + L->t_ref;
            if (tr && traj_push(tr, t, v, re, cur, dr, L->v_inf, fz, i))
                b->oom = 1;
            continue;
        }
        if (cond) {
            t = tlim;
            v = vl;
            cur = gl;
            dr = dl;
            if (!have)
                break;
        } else {
            double t2 = have ? tev : t1;
            v = fz ? opsin_netfilt_v_at(fz, i, L, ts, t, v, cur, re, t2, &cur)
                   : v_at_i(L, ts, t, v, cur, re, t2, &cur);
            t = t2;
            if (!have)
                break;
        }
        if (fz)
            opsin_netfilt_edges(fz, i, tev);
        if (cd < cd_end) { /* a current source's edge: a new v_inf from here (V continuous) */
            Lm.v_inf = n->vinf0[i] + Lm.r_in * drive_step(cd, cd_end, tev);
            spont = Lm.v_inf > Lm.v_th;
        }
        double w = 0, wd = 0; /* wd: the inputs' sum_k g_k (E_k - v_inf), cond synapses */
        if (cond) {
            for (; k < ib->n && ib->e[k].t == tev; k += 2) {
                w += ib->e[k].w;
                wd += ib->e[k].w * (ib->e[k + 1].w - L->v_inf);
            }
        } else {
            while (k < ib->n && ib->e[k].t == tev)
                w += ib->e[k++].w;
        }
        for (ext_train *e = ex; e < ex_end; e++)
            if (e->next == tev) {
                w += e->w;
                if (cond)
                    wd += e->w * (e->e_rev - L->v_inf);
                ext_advance(e, r, &n->zig);
            }
        b->events++;
        if (ts > 0) {
            cur += w; /* a current or conductance step: V is continuous, the crossing comes
                         later */
            dr += wd;
            if (!(t < re) && v >= L->v_th) { /* reached exactly at this instant */
                spike_push(b, t, i);
                v = L->v_reset;
                re = t + L->t_ref;
            }
        } else if (!(t < re)) {
            v += w;
            if (v >= L->v_th) {
                spike_push(b, t, i);
                v = L->v_reset;
                re = t + L->t_ref;
            }
        }
        if (tr && traj_push(tr, t, v, re, cur, dr, L->v_inf, fz, i))
            b->oom = 1;
    }
    if (cd < cd_end)
        n->lin[i].v_inf = Lm.v_inf;
    mb->t = t;
    mb->v = v;
    mb->refr_end = re;
    mb->i = cur;
    mb->dr = dr;
    inbox_consume(ib, k);
}

static int cmp_spike(const void *a, const void *b)
{
    const opsin_net_spike *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->neuron > y->neuron) - (x->neuron < y->neuron);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Puts input (t, w) into member j's inbox, with its reversal potential e unless that is NAN
 * (cond synapses). */
static inline int deliver(opsin_net *n, size_t j, double t, double w, double e)
{
    inbox *ib = &n->in[j];
    int cond = e == e;
    if (ib->n + (size_t)cond >= ib->cap &&
        opsin_grow((void **)&ib->e, &ib->cap, ib->n + (size_t)cond, sizeof *ib->e))
        return -1;
    if (t < ib->last)
        ib->unsorted = 1;
    else
        ib->last = t;
    ib->e[ib->n++] = (inbox_ev){t, w};
    if (cond)
        ib->e[ib->n++] = (inbox_ev){t, e};
    return 0;
}

/* Puts compact input e (an arena entry's number) into member j's inbox. */
static inline int deliver_c(opsin_net *n, size_t j, uint32_t e)
{
    inbox *ib = &n->in[j];
    if (ib->nc >= ib->ccap && opsin_grow((void **)&ib->c, &ib->ccap, ib->nc, sizeof *ib->c))
        return -1;
    ib->c[ib->nc++] = e;
    return 0;
}

/* Input (t, w) into every target of a row below be from *x on, up to end (a projection with
 * one weight and delay into delta or exp synapses: the common case, kept in registers), as
 * arena entry e when the targets' population has an arena (compact);
 * *x is left at the first target not delivered, *syn counts the inputs.  -1: no memory. */
static int deliver_row(opsin_net *n, const uint32_t *tgt, size_t *x, size_t end, size_t be,
                       double t, double w, int compact, uint32_t e, unsigned long *syn)
{
    size_t q = *x;
    int rc = 0;
    if (compact)
        for (; q < end && tgt[q] < be && !(rc = deliver_c(n, tgt[q], e)); q++)
            ;
    else
        for (; q < end && tgt[q] < be && !(rc = deliver(n, tgt[q], t, w, NAN)); q++)
            ;
    *syn += q - *x;
    *x = q;
    return rc;
}

/* Member i's compact inputs moved behind those in its 16-byte inbox, in order (for the paths
 * that read only those).  -1: no memory (those not moved are kept). */
static int inbox_expand(opsin_net *n, size_t i)
{
    inbox *ib = &n->in[i];
    const arena *ar = &n->ar[n->pop_of[i]];
    size_t k = 0;
    int rc = 0;
    for (; k < ib->nc; k++) {
        const inbox_ev *ev = &ar->a[(uint32_t)(ib->c[k] - ar->base)];
        if ((rc = deliver(n, i, ev->t, ev->w, NAN)))
            break;
    }
    memmove(ib->c, ib->c + k, (ib->nc - k) * sizeof *ib->c);
    ib->nc -= k;
    return rc;
}

/* Population q's inputs back to 16 bytes from now on (its entries out of time order, or the
 * caller asks).  ENOMEM. */
static int arena_off(opsin_net *n, size_t q)
{
    arena *ar = &n->ar[q];
    const opsin_popdef *pd = &n->c->pops[q];
    for (size_t i = pd->first; ar->on && i < pd->first + pd->size; i++)
        if (inbox_expand(n, i))
            return OPSIN_ENOMEM;
    ar->on = 0;
    free(ar->a);
    ar->a = NULL;
    ar->n = ar->cap = 0;
    return OPSIN_OK;
}

/* The last window's spikes into the arenas, before the threads deliver them: the entries
 * before t0 dropped (every member has advanced to t0, taking them), then one entry per spike
 * and projection into a compact population, its number in aidx.  ENOMEM. */
static int arena_fill(opsin_net *n)
{
    if (opsin_grow((void **)&n->aidx, &n->aidx_cap, n->nspikes * n->maxq, sizeof *n->aidx))
        return OPSIN_ENOMEM;
    for (size_t q = 0; q < n->c->npops; q++) {
        arena *ar = &n->ar[q];
        size_t k = 0;
        while (k < ar->n && ar->a[k].t < n->t0)
            k++;
        memmove(ar->a, ar->a + k, (ar->n - k) * sizeof *ar->a);
        ar->n -= k;
        ar->base += (uint32_t)k;
    }
    for (size_t s = 0; s < n->nspikes; s++) {
        size_t p = n->pop_of[n->spikes[s].neuron];
        for (size_t qi = 0; qi < n->pop_proj_off[p + 1] - n->pop_proj_off[p]; qi++) {
            const proj_run *pr = &n->proj[n->pop_proj[n->pop_proj_off[p] + qi]];
            size_t q = (size_t)pr->def->to;
            arena *ar = &n->ar[q];
            double t = n->spikes[s].t + pr->d0;
            if (ar->on && t < ar->last && arena_off(n, q))
                return OPSIN_ENOMEM;
            if (!ar->on)
                continue;
            if (opsin_grow((void **)&ar->a, &ar->cap, ar->n, sizeof *ar->a))
                return OPSIN_ENOMEM;
            n->aidx[s * n->maxq + qi] = ar->base + (uint32_t)ar->n;
            ar->a[ar->n++] = (inbox_ev){t, pr->w0};
            ar->last = t;
        }
    }
    return OPSIN_OK;
}

int opsin_net_compact_off(opsin_net *n)
{
    for (size_t q = 0; q < n->c->npops; q++)
        if (arena_off(n, q))
            return OPSIN_ENOMEM;
    return OPSIN_OK;
}

/* Index of the first target at or above j in row x0 .. x1 of ascending targets. */
static size_t row_seek(const uint32_t *tgt, size_t x0, size_t x1, size_t j)
{
    while (x0 < x1) {
        size_t mid = x0 + (x1 - x0) / 2;
        if (tgt[mid] < j)
            x0 = mid + 1;
        else
            x1 = mid;
    }
    return x0;
}

/* One thread's share of a window: members lo .. hi - 1, block by block (a block's inboxes
 * stay in cache between their filling and their reading): the last window's spikes are
 * delivered into the block's members (each thread fills only its own members' inboxes, in
 * the same order whatever the split), then the block is advanced through this window.
 * cur[s * maxq + q]: where spike s's row of its population's q-th projection has reached;
 * rows list their targets in ascending order, so a row is read once over all the blocks. */
typedef struct range_job {
    opsin_net *n;
    size_t lo, hi;
    double t1;
    int last;
    spikebuf *b;
    unsigned long syn;
    size_t *cur;
    size_t cur_cap;
    opsin_devsyn_work **work; /* this thread's, by projection */
    int deliver_only;         /* deliver the last window's spikes, advance nothing */
    int rc;                   /* a device synapse's failure (its message in diag) */
    opsin_diag diag;
} range_job;

enum { BLOCK = 512 };

/* The weight (V for delta synapses, A for exp) that carries charge q into member j (device
 * synapses into cond synapses are refused when the circuit is read). */
static double charge_weight(const opsin_net *n, size_t j, double q)
{
    double ts = n->tau_s[n->pop_of[j]];
    return ts > 0 ? q / ts : q * n->lin[j].r_in / n->lin[j].tau;
}

/* Pre spike at t through device synapse x of projection pr into member j: the device is read
 * (the charge goes into j's inbox after the delay) and its waveform starts. */
static int device_pre(range_job *jb, proj_run *pr, size_t x, size_t j, double t)
{
    if (pr->nf) { /* a supercap: a current pulse, its voltage drives j */
        jb->syn++;
        return opsin_netfilt_deliver(pr->nf, j, t + (pr->d ? pr->d[x] : pr->d0),
                                     pr->w ? pr->w[x] : pr->w0) ? OPSIN_ENOMEM : OPSIN_OK;
    }
    double g;
    int rc = opsin_devsyn_spike(jb->work[pr - jb->n->proj], x, t, 1, &g, &jb->diag);
    if (rc)
        return rc;
    jb->syn++;
    double q = opsin_devsyn_charge(pr->def->dev, g);
    return deliver(jb->n, j, t + (pr->d ? pr->d[x] : pr->d0), charge_weight(jb->n, j, q),
                   pr->e_rev)
               ? OPSIN_ENOMEM
               : OPSIN_OK;
}

/* Post spike of member i at t on its incoming device synapses. */
static int device_post(range_job *jb, size_t i, double t)
{
    opsin_net *n = jb->n;
    const opsin_circuit *c = n->c;
    size_t p = n->pop_of[i];
    for (size_t q = 0; q < n->nproj; q++) {
        proj_run *pr = &n->proj[q];
        if (!pr->ds || (size_t)pr->def->to != p)
            continue;
        size_t k = i - c->pops[p].first;
        for (size_t x = pr->in_off[k]; x < pr->in_off[k + 1]; x++) {
            int rc = opsin_devsyn_spike(jb->work[q], pr->in_syn[x], t, 0, NULL, &jb->diag);
            if (rc)
                return rc;
        }
    }
    return OPSIN_OK;
}

/* The last window's spikes into members b .. be - 1 (and on their device synapses, in time
 * order); ENOMEM, ESOLVER. */
static int deliver_block(range_job *jb, size_t b, size_t be)
{
    opsin_net *n = jb->n;
    const opsin_circuit *c = n->c;
    size_t maxq = n->maxq;
    for (size_t s = 0; s < n->nspikes; s++) {
        size_t i = n->spikes[s].neuron, p = n->pop_of[i];
        double t = n->spikes[s].t;
        int rc;
        for (size_t qi = 0; qi < n->pop_proj_off[p + 1] - n->pop_proj_off[p]; qi++) {
            proj_run *pr = &n->proj[n->pop_proj[n->pop_proj_off[p] + qi]];
            const opsin_popdef *to = &c->pops[pr->def->to];
            size_t k = i - c->pops[p].first;
            if (to->first >= be || to->first + to->size <= b)
                continue;
            if (pr->ds || pr->nf) {
                size_t *x = &jb->cur[s * maxq + qi], end = pr->off[k + 1];
                for (; *x < end && pr->tgt[*x] < be; (*x)++)
                    if ((rc = device_pre(jb, pr, *x, pr->tgt[*x], t)))
                        return rc;
            } else if (pr->tgt) {
                size_t *x = &jb->cur[s * maxq + qi];
                if (!pr->w && !pr->d && isnan(pr->e_rev)) {
                    if (deliver_row(n, pr->tgt, x, pr->off[k + 1], be, t + pr->d0, pr->w0,
                                    n->ar[pr->def->to].on, n->aidx[s * maxq + qi], &jb->syn))
                        return OPSIN_ENOMEM;
                    continue;
                }
                for (size_t end = pr->off[k + 1]; *x < end && pr->tgt[*x] < be; (*x)++) {
                    if (deliver(n, pr->tgt[*x], t + (pr->d ? pr->d[*x] : pr->d0),
                                pr->w ? pr->w[*x] : pr->w0, pr->e_rev))
                        return OPSIN_ENOMEM;
                    jb->syn++;
                }
            } else if (pr->def->rule == OPSIN_PROJ_ONE) {
                size_t j = to->first + k;
                if (j >= b && j < be) {
                    if (deliver(n, j, t + pr->d0, pr->w0, pr->e_rev))
                        return OPSIN_ENOMEM;
                    jb->syn++;
                }
            } else {
                int skip = pr->def->from == pr->def->to && !pr->def->autapses;
                size_t a = to->first > b ? to->first : b;
                size_t z = to->first + to->size < be ? to->first + to->size : be;
                for (size_t j = a; j < z; j++) {
                    if (skip && j - to->first == k)
                        continue;
                    if (deliver(n, j, t + pr->d0, pr->w0, pr->e_rev))
                        return OPSIN_ENOMEM;
                    jb->syn++;
                }
            }
        }
        /* then its post side (an autapse sees its pre spike first, as opsin stdp at dt = 0) */
        if (n->has_post[p] && i >= b && i < be && (rc = device_post(jb, i, t)))
            return rc;
    }
    return OPSIN_OK;
}

static void *range_run(void *arg)
{
    range_job *j = arg;
    opsin_net *n = j->n;
    const opsin_circuit *c = n->c;
    if (opsin_grow((void **)&j->cur, &j->cur_cap, n->nspikes * n->maxq, sizeof *j->cur)) {
        j->b->oom = 1;
        return NULL;
    }
    for (size_t s = 0; s < n->nspikes; s++) { /* every row from its first target >= lo */
        size_t i = n->spikes[s].neuron, p = n->pop_of[i], k = i - c->pops[p].first;
        for (size_t qi = 0; qi < n->pop_proj_off[p + 1] - n->pop_proj_off[p]; qi++) {
            const proj_run *pr = &n->proj[n->pop_proj[n->pop_proj_off[p] + qi]];
            if (pr->tgt)
                j->cur[s * n->maxq + qi] = row_seek(pr->tgt, pr->off[k], pr->off[k + 1], j->lo);
        }
    }
    for (size_t b = j->lo; b < j->hi; b += BLOCK) {
        size_t be = b + BLOCK < j->hi ? b + BLOCK : j->hi;
        int rc = n->delivered ? OPSIN_OK : deliver_block(j, b, be);
        if (rc == OPSIN_ENOMEM)
            j->b->oom = 1;
        if (rc) {
            j->rc = rc;
            return NULL;
        }
        for (size_t i = b; i < be && !j->deliver_only; i++)
            advance_member(n, i, j->t1, j->last, j->b);
    }
    return NULL;
}

/* The members split over the threads: the last window's spikes delivered (unless done
 * already), then (unless deliver_only) every member advanced to t1; the threads' spikes in
 * n->bufs.  ENOMEM, ESOLVER. */
static int run_ranges(opsin_net *n, double t1, int last, int deliver_only, opsin_diag *d)
{
    unsigned jobs = n->jobs;
    if (n->n < 256 * (size_t)jobs) /* not worth a thread */
        jobs = 1;
    range_job job[64] = {{0}};
    pthread_t tid[64];
    if (jobs > 64)
        jobs = 64;
    if (!n->delivered && arena_fill(n)) {
        opsin_diag_oom(d, NULL, "running the network");
        return OPSIN_ENOMEM;
    }
    for (unsigned j = 0; j < jobs; j++) {
        n->bufs[j].n = 0;
        job[j] = (range_job){n, n->n * j / jobs, n->n * (j + 1) / jobs, t1, last, &n->bufs[j],
                             0, n->cur[j].p, n->cur[j].cap, n->work + (size_t)j * n->nproj,
                             deliver_only, OPSIN_OK, {{0}}};
    }
    unsigned started = 0;
    for (unsigned j = 1; j < jobs; j++)
        if (pthread_create(&tid[j], NULL, range_run, &job[j]) == 0)
            started = j;
        else
            break;
    range_run(&job[0]);
    for (unsigned j = started + 1; j < jobs; j++) /* threads that did not start */
        range_run(&job[j]);
    for (unsigned j = 1; j <= started; j++)
        pthread_join(tid[j], NULL);
    int rc = OPSIN_OK;
    n->njobs_last = jobs;
    for (unsigned j = 0; j < jobs; j++) {
        n->events += n->bufs[j].events;
        n->bufs[j].events = 0;
        n->syn_events += job[j].syn;
        n->cur[j].p = job[j].cur;
        n->cur[j].cap = job[j].cur_cap;
        if (!rc && job[j].rc && job[j].rc != OPSIN_ENOMEM) { /* the lowest thread's failure */
            rc = job[j].rc;
            *d = job[j].diag;
        }
        if (n->bufs[j].oom && !rc)
            rc = OPSIN_ENOMEM;
    }
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, NULL, "running the network");
    if (!rc)
        n->delivered = !deliver_only ? 0 : 1;
    return rc;
}

int opsin_net_deliver(opsin_net *n, opsin_diag *d)
{
    return n->delivered ? OPSIN_OK : run_ranges(n, n->t0, 0, 1, d);
}

double opsin_net_quiet_until(opsin_net *n)
{
    n->quiet = n->t0;
    if (n->nspikes && !n->delivered)
        return n->t0; /* the last window's spikes reach their targets from t0 + dmin on */
    double q = INFINITY;
    for (size_t i = 0; i < n->n && q > n->t0; i++) {
        const opsin_lin_neuron *L = &n->lin[i];
        const member *mb = &n->m[i];
        const inbox *ib = &n->in[i];
        size_t step = n->c->pops[n->pop_of[i]].synapse == OPSIN_SYN_COND ? 2 : 1;
        for (size_t k = 0; k < ib->n; k += step)
            q = fmin(q, ib->e[k].t);
        if (ib->nc) { /* compact inputs: in time order */
            const arena *ar = &n->ar[n->pop_of[i]];
            q = fmin(q, ar->a[(uint32_t)(ib->c[0] - ar->base)].t);
        }
        for (size_t e = n->ext_off[i]; e < n->ext_off[i + 1]; e++)
            q = fmin(q, n->ext[e].next);
        if (n->cd)
            q = fmin(q, drive_edge(n->cd + n->cd_off[i], n->cd + n->cd_off[i + 1]));
        const opsin_netfilt *fz = n->filt[n->pop_of[i]];
        if (fz && opsin_netfilt_active(fz, i)) /* a supercap's drive: not bounded here */
            q = n->t0;
        else if (fz)
            q = fmin(q, opsin_netfilt_next_edge(fz, i));
        int spont = L->v_inf > L->v_th;
        double tf = mb->t < mb->refr_end ? mb->refr_end : mb->t;
        double vf = mb->t < mb->refr_end ? L->v_reset : mb->v;
        if (step == 2 && (mb->i != 0 || spont)) {
            q = n->t0; /* a conductance synapse's free crossing: not bounded here */
        } else if (mb->i != 0) {
            /* V - v_inf = (vf - v_inf) e^{-s/tau} + a current's part, which never exceeds
             * r_in |i| (its kernel peaks below 1): no crossing ever below v_th by that */
            if (spont || !(vf < L->v_th) ||
                !(fmax(vf, L->v_inf) + L->r_in * fabs(mb->i) < L->v_th))
                q = n->t0;
        } else if (spont) { /* the closed form's crossing */
            q = fmin(q, vf < L->v_th ? first_crossing(L, 0, tf, vf, 0, INFINITY) : tf);
        }
    }
    n->quiet = q > n->t0 ? q : n->t0;
    return n->quiet;
}

int opsin_net_advance(opsin_net *n, double t1, int last, opsin_diag *d)
{
    if (t1 > fmax(n->t0, n->quiet) + n->dmin * (1 + 1e-12)) {
        opsin_diag_set(d, NULL, 0, "a network window from %g s to %g s is longer than the "
                       "shortest delay %g s (expected shorter windows)", n->t0, t1, n->dmin);
        return OPSIN_EINVAL;
    }
    int rc = run_ranges(n, t1, last, 0, d);
    if (rc)
        return rc;
    size_t total = 0;
    for (unsigned j = 0; j < n->njobs_last; j++)
        total += n->bufs[j].n;
    if (opsin_grow((void **)&n->spikes, &n->spikes_cap, total, sizeof *n->spikes)) {
        opsin_diag_oom(d, NULL, "running the network");
        return OPSIN_ENOMEM;
    }
    n->nspikes = 0;
    for (unsigned j = 0; j < n->njobs_last; j++) {
        memcpy(n->spikes + n->nspikes, n->bufs[j].s, n->bufs[j].n * sizeof *n->spikes);
        n->nspikes += n->bufs[j].n;
    }
    qsort(n->spikes, n->nspikes, sizeof *n->spikes, cmp_spike);
    /* The probed members' event times. */
    n->nptimes = 0;
    for (size_t k = 0; k < n->nprobed; k++) {
        const traj *tr = &n->tr[n->probe_of[n->probed[k]]];
        if (n->probe_of[n->probed[k]] != (long)k)
            continue; /* the same member probed twice: its times are there once */
        if (opsin_grow((void **)&n->ptimes, &n->ptimes_cap, n->nptimes + tr->n, sizeof *n->ptimes)) {
            opsin_diag_oom(d, NULL, "running the network");
            return OPSIN_ENOMEM;
        }
        for (size_t s = 1; s < tr->n; s++)
            n->ptimes[n->nptimes++] = tr->s[s].t;
    }
    qsort(n->ptimes, n->nptimes, sizeof *n->ptimes, cmp_double);
    size_t u = 0;
    for (size_t s = 0; s < n->nptimes; s++)
        if (!u || n->ptimes[s] != n->ptimes[u - 1])
            n->ptimes[u++] = n->ptimes[s];
    n->nptimes = u;
    n->t0 = t1;
    return OPSIN_OK;
}

size_t opsin_net_nspikes(const opsin_net *n)
{
    return n->nspikes;
}

const opsin_net_spike *opsin_net_spikes(const opsin_net *n)
{
    return n->spikes;
}

size_t opsin_net_probe_times(const opsin_net *n, const double **times)
{
    *times = n->ptimes;
    return n->nptimes;
}

double opsin_net_probe_v(const opsin_net *n, size_t k, double t, int after)
{
    size_t i = n->probed[k];
    const traj *tr = &n->tr[n->probe_of[i]];
    const opsin_lin_neuron *L = &n->lin[i];
    size_t s = 0; /* the last state at or before t (strictly before unless after) */
    for (size_t q = 1; q < tr->n; q++) {
        if (after ? tr->s[q].t <= t : tr->s[q].t < t)
            s = q;
        else
            break;
    }
    double ts = n->tau_s[n->pop_of[i]];
    const member *m = &n->m[i];
    const opsin_netfilt *fz = n->filt[n->pop_of[i]];
    seg g = tr->n ? tr->s[s] : (seg){m->t, m->v, m->refr_end, m->i, m->dr, L->v_inf, {0}};
    if (!tr->n && fz)
        opsin_netfilt_get(fz, i, g.fs);
    opsin_lin_neuron Lg = *L;
    Lg.v_inf = g.vinf; /* as the current sources drove it then */
    L = &Lg;
    if (n->c->pops[n->pop_of[i]].synapse == OPSIN_SYN_COND)
        return opsin_cond_v_at(n->cq, L, ts, g.t, g.v, g.i, g.dr, g.refr_end, t, NULL, NULL);
    if (fz)
        return opsin_netfilt_v_from(fz, g.fs, L, ts, g.t, g.v, g.i, g.refr_end, t);
    return v_at_i(L, ts, g.t, g.v, g.i, g.refr_end, t, NULL);
}

void opsin_net_counts(const opsin_net *n, unsigned long *events, unsigned long *syn_events,
                      unsigned long *synapses)
{
    *events = n->events;
    *syn_events = n->syn_events;
    *synapses = n->synapses;
}

double opsin_net_estimate(const opsin_circuit *c)
{
    double bytes = 0;
    for (size_t p = 0; p < c->npops; p++)
        bytes += 160.0 * (double)c->pops[p].size;
    for (size_t p = 0; p < c->nprojs; p++) {
        const opsin_projdef *pj = &c->projs[p];
        double nf = (double)c->pops[pj->from].size, nt = (double)c->pops[pj->to].size;
        double syn = pj->rule == OPSIN_PROJ_PROB       ? pj->p * nf * nt
                     : pj->rule == OPSIN_PROJ_INDEGREE ? (double)pj->k * nt
                                                       : 0; /* implicit; a list: its file */
        int per = pj->weight.kind != OPSIN_DIST_CONST || pj->delay.kind != OPSIN_DIST_CONST ||
                  pj->dev;
        if (per && (pj->rule == OPSIN_PROJ_ALL || pj->rule == OPSIN_PROJ_ONE))
            syn = pj->rule == OPSIN_PROJ_ALL ? nf * nt : nf;
        bytes += syn * (4.0 + 8.0 * (pj->weight.kind != OPSIN_DIST_CONST) +
                        8.0 * (pj->delay.kind != OPSIN_DIST_CONST)) + 8.0 * nf;
        if (pj->dev && pj->dev->filter) /* supercap synapses: a state per post member and
                                           its queued edges (engine/netfilt.c) */
            bytes += 128.0 * nt;
        else if (pj->dev) /* a device per synapse: its list entry by post member, time, states,
                             model values, mode, reseeds and room for 16 waves */
            bytes += syn * (8.0 + 8.0 + 8.0 * (double)(pj->dev->dev.model->nstates +
                                                      pj->dev->dev.model->naux) +
                            4.0 + 8.0 + 24.0 + 16 * 24.0);
    }
    return bytes;
}

int opsin_net_map(opsin_net *n, double t, const opsin_sink *sink, opsin_diag *d)
{
    int rc = opsin_net_deliver(n, d);
    for (size_t q = 0; !rc && q < n->nproj; q++) {
        proj_run *pr = &n->proj[q];
        if (!pr->ds)
            continue;
        const opsin_popdef *from = &n->c->pops[pr->def->from], *to = &n->c->pops[pr->def->to];
        const opsin_model *m = pr->def->dev->dev.model;
        opsin_devsyn_work *w = n->work[q];
        for (size_t i = 0; !rc && i < from->size; i++)
            for (size_t x = pr->off[i]; !rc && x < pr->off[i + 1]; x++) {
                double v;
                if ((rc = opsin_devsyn_peek(w, x, t, 0, &v, d)))
                    break;
                if (sink->map && sink->map(sink->ctx, t, pr->def->id, i, pr->tgt[x] - to->first,
                                           v, m->outputs[0].unit)) {
                    opsin_diag_set(d, NULL, 0, "the map output could not be written");
                    rc = OPSIN_ECALLBACK;
                }
            }
    }
    return rc;
}

void opsin_net_device_counts(const opsin_net *n, unsigned long *synapses,
                             unsigned long *integrations, unsigned long *steps)
{
    *synapses = *integrations = *steps = 0;
    for (size_t q = 0; q < n->nproj; q++) {
        if (!n->proj[q].ds)
            continue;
        *synapses += n->proj[q].nsyn;
        for (unsigned j = 0; j < n->jobs; j++)
            opsin_devsyn_counts(n->work[(size_t)j * n->nproj + q], integrations, steps);
    }
}
