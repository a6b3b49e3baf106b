/* check_net.c: populations advanced exactly (engine/net.c, engine/netrun.c) against hand
 * solutions: a driven lif's spike times against its closed form, a two-neuron chain with a
 * delay, Poisson trains' rate, CV and interval distribution within stated bounds, the same
 * bits for any --jobs; compact 4-byte inputs against 16-byte ones (the same bits);
 * conductance synapses (engine/netcond.c) against an independent ODE solution (GSL rk8pd).
 * The circuits are built in code (the file syntax has its own tests). */
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "engine/net.h"

/* ---- circuits in code -------------------------------------------------------------------- */

typedef struct net_fixture {
    opsin_circuit c;
    opsin_popdef pops[4];
    opsin_projdef projs[4];
    opsin_dist dist[4][16];
    int p_line[4][16];
    opsin_stimulus *st;
    opsin_spikesrc src[4];
    opsin_target_range tgt[4][4];
} net_fixture;

static net_fixture *fixture(void)
{
    net_fixture *f = calloc(1, sizeof *f);
    f->c.pops = f->pops;
    f->c.projs = f->projs;
    f->c.path = "net.cfg";
    ck_assert_int_eq(opsin_stimulus_new("stim.cfg", &f->st), OPSIN_OK);
    f->st->spikesrcs = f->src;
    return f;
}

static void fixture_free(net_fixture *f)
{
    f->st->spikesrcs = NULL;
    f->st->nspikesrcs = 0;
    opsin_stimulus_free(f->st);
    free(f);
}

/* A lif population of n members; parameters by name. */
static size_t add_pop(net_fixture *f, const char *id, size_t n)
{
    size_t p = f->c.npops++;
    opsin_popdef *pd = &f->pops[p];
    snprintf(pd->id, sizeof pd->id, "%s", id);
    pd->model = opsin_model_find("lif");
    pd->size = n;
    pd->first = f->c.nneurons;
    pd->dist = f->dist[p];
    pd->p_line = f->p_line[p];
    for (size_t j = 0; j < pd->model->nparams; j++)
        pd->dist[j] = (opsin_dist){OPSIN_DIST_CONST, pd->model->params[j].def, 0};
    f->c.nneurons += n;
    return p;
}

static void set_param(net_fixture *f, size_t p, const char *name, opsin_dist ds)
{
    int j = opsin_model_param_index(f->pops[p].model, name);
    ck_assert_int_ge(j, 0);
    f->pops[p].dist[j] = ds;
}

static opsin_dist cst(double v)
{
    return (opsin_dist){OPSIN_DIST_CONST, v, 0};
}

static void add_proj(net_fixture *f, size_t from, size_t to, int rule, double w, double delay)
{
    opsin_projdef *pj = &f->projs[f->c.nprojs++];
    memset(pj, 0, sizeof *pj);
    pj->from = (int)from;
    pj->to = (int)to;
    pj->rule = rule;
    pj->weight = cst(w);
    pj->delay = cst(delay);
}

static opsin_spikesrc *add_src(net_fixture *f, int kind, double rate, double w, size_t pop,
                               size_t lo, size_t hi)
{
    size_t s = f->st->nspikesrcs++;
    opsin_spikesrc *src = &f->src[s];
    memset(src, 0, sizeof *src);
    snprintf(src->id, sizeof src->id, "src%zu", s);
    src->kind = kind;
    src->rate = rate;
    src->stop = INFINITY;
    src->weight = w;
    f->tgt[s][0] = (opsin_target_range){(int)pop, lo, hi};
    src->targets = f->tgt[s];
    src->ntargets = 1;
    return src;
}

/* ---- a run into arrays ------------------------------------------------------------------- */

typedef struct rec {
    double *t;
    char (*who)[32];
    size_t n, cap;
    double *rt, *rv; /* rows: time and first column */
    size_t nr, rcap;
} rec;

static int rec_spike(void *ctx, double t, const char *neuron)
{
    rec *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->t = realloc(r->t, r->cap * sizeof *r->t);
        r->who = realloc(r->who, r->cap * sizeof *r->who);
    }
    r->t[r->n] = t;
    snprintf(r->who[r->n++], sizeof r->who[0], "%s", neuron);
    return 0;
}

static int rec_row(void *ctx, double t, const double *v, size_t n)
{
    rec *r = ctx;
    if (r->nr == r->rcap) {
        r->rcap = r->rcap ? 2 * r->rcap : 1024;
        r->rt = realloc(r->rt, r->rcap * sizeof *r->rt);
        r->rv = realloc(r->rv, r->rcap * sizeof *r->rv);
    }
    r->rt[r->nr] = t;
    r->rv[r->nr++] = n ? v[0] : NAN;
    return 0;
}

static void rec_free(rec *r)
{
    free(r->t);
    free(r->who);
    free(r->rt);
    free(r->rv);
}

static void run(net_fixture *f, double t_end, unsigned jobs, const opsin_probe *probes,
                size_t nprobes, rec *r)
{
    opsin_run_opts o = opsin_run_opts_default(&f->c, f->st);
    o.t_end = t_end;
    o.jobs = jobs;
    o.probes = probes;
    o.nprobes = nprobes;
    o.dt_out = t_end / 100;
    opsin_sim *s;
    opsin_diag d = {""};
    memset(r, 0, sizeof *r);
    int rc = opsin_sim_new(&f->c, f->st, &o, &s, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    opsin_sink sink = {NULL, rec_row, rec_spike, NULL, r};
    rc = opsin_sim_run(s, &sink, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    opsin_sim_free(s);
}

/* ---- tests ---------------------------------------------------------------------------------- */

/* A lif with G_in to V_in fires at t_1 = tau ln(V_inf/(V_inf - V_th)) from V = 0, then every
 * t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th)): the spike times to 1e-12. */
START_TEST(test_driven_lif_closed_form)
{
    net_fixture *f = fixture();
    size_t p = add_pop(f, "n", 3);
    set_param(f, p, "C_m", cst(1e-9));
    set_param(f, p, "G_L", cst(10e-9));
    set_param(f, p, "V_in", cst(1.0));
    set_param(f, p, "V_th", cst(0.5));
    set_param(f, p, "t_ref", cst(2e-3));
    set_param(f, p, "G_in", (opsin_dist){OPSIN_DIST_LINEAR, 20e-9, 160e-9});
    rec r;
    run(f, 1.0, 1, NULL, 0, &r);
    size_t seen[3] = {0, 0, 0};
    for (size_t s = 0; s < r.n; s++) {
        int k = r.who[s][2] - '0';
        ck_assert(k >= 0 && k < 3);
        double g = 20e-9 + (160e-9 - 20e-9) * k / 2.0, G = 10e-9 + g, tau = 1e-9 / G;
        double vinf = g / G, t1 = tau * log(vinf / (vinf - 0.5));
        double isi = 2e-3 + tau * log(vinf / (vinf - 0.5));
        double want = t1 + (double)seen[k] * isi;
        ck_assert_msg(fabs(r.t[s] - want) <= 1e-12 * fmax(1.0, want),
                      "member %d spike %zu at %.17g s, closed form %.17g s", k, seen[k],
                      r.t[s], want);
        seen[k]++;
    }
    for (int k = 0; k < 3; k++) { /* every spike before 1 s, none after */
        double g = 20e-9 + (160e-9 - 20e-9) * k / 2.0, G = 10e-9 + g, tau = 1e-9 / G;
        double vinf = g / G, t1 = tau * log(vinf / (vinf - 0.5));
        double isi = 2e-3 + t1;
        ck_assert_uint_eq(seen[k], (size_t)floor((1.0 - t1) / isi) + 1);
    }
    rec_free(&r);
    fixture_free(f);
}
END_TEST

/* a -> b with weight w and delay 1.5 ms; a fires at every input (weight 1 V > V_th) at 1 and
 * 3 ms; b's V jumps by w at 2.5 and 4.5 ms and decays with tau; with 2 w e^{-2ms/tau} + w >=
 * V_th only the second arrival makes b fire.  b's V against the hand solution. */
START_TEST(test_two_neurons_delay)
{
    net_fixture *f = fixture();
    size_t a = add_pop(f, "a", 1), b = add_pop(f, "b", 1);
    for (size_t p = a; p <= b; p++) {
        set_param(f, p, "C_m", cst(200e-12));
        set_param(f, p, "G_L", cst(10e-9)); /* tau = 20 ms */
        set_param(f, p, "V_th", cst(20e-3));
        set_param(f, p, "V_reset", cst(10e-3));
        set_param(f, p, "t_ref", cst(2e-3));
    }
    double tau = 20e-3, w = 12e-3;
    add_proj(f, a, b, OPSIN_PROJ_ALL, w, 1.5e-3);
    opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 500, 1.0, a, 0, 1);
    src->start = 1e-3;
    src->stop = 4e-3; /* 1 and 3 ms */
    opsin_probe pb = {.pop = (int)b + 1, .member = 0};
    rec r;
    run(f, 10e-3, 1, &pb, 1, &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_str_eq(r.who[0], "a[0]");
    ck_assert_double_eq(r.t[0], 1e-3);
    ck_assert_str_eq(r.who[1], "a[0]");
    ck_assert_double_eq(r.t[1], 3e-3);
    ck_assert_str_eq(r.who[2], "b[0]");
    ck_assert_double_eq_tol(r.t[2], 4.5e-3, 1e-15);
    /* b's V on the output grid (0.1 ms) between the arrivals: w e^{-(t - 2.5 ms)/tau} */
    int checked = 0;
    for (size_t k = 0; k < r.nr; k++) {
        double t = r.rt[k];
        if (t > 2.5e-3 && t < 4.5e-3) {
            ck_assert_double_eq_tol(r.rv[k], w * exp(-(t - 2.5e-3) / tau), 1e-15);
            checked++;
        } else if (t < 2.5e-3) {
            ck_assert_double_eq(r.rv[k], 0.0);
        }
    }
    ck_assert_int_ge(checked, 15);
    rec_free(&r);
    fixture_free(f);
}
END_TEST

/* One exp-synapse input of w = 100 pA at 1 ms into a member with tau = 20 ms, r_in = 100 Mohm:
 * V = r_in w tau_s/(tau_s - tau) (e^{-s/tau_s} - e^{-s/tau}), or r_in w (s/tau) e^{-s/tau} at
 * tau_s = tau; the rows against it to 1e-15 V.  With V_th = 1.2 mV (the peaks are 1.57 and
 * 3.68 mV) the member fires where that curve first reaches 1.2 mV (found here by bisection):
 * the spike time to 1e-13 s. */
static double psp(double s, double tau, double ts)
{
    double rw = 1e8 * 100e-12;
    if (s <= 0)
        return 0;
    return ts == tau ? rw * (s / tau) * exp(-s / tau)
                     : rw * ts / (ts - tau) * (exp(-s / ts) - exp(-s / tau));
}

static void exp_member(net_fixture *f, double ts, double vth)
{
    size_t p = add_pop(f, "n", 1);
    set_param(f, p, "C_m", cst(200e-12));
    set_param(f, p, "G_L", cst(10e-9));
    set_param(f, p, "V_th", cst(vth));
    f->pops[p].synapse = OPSIN_SYN_EXP;
    f->pops[p].tau_syn = ts;
    opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, 100e-12, p, 0, 1);
    src->start = 1e-3;
}

START_TEST(test_exp_synapse_psp)
{
    double taus[2] = {5e-3, 20e-3};
    for (int c = 0; c < 2; c++) {
        net_fixture *f = fixture();
        exp_member(f, taus[c], 0.5);
        opsin_probe pb = {.pop = 1, .member = 0};
        rec r;
        run(f, 50e-3, 1, &pb, 1, &r);
        ck_assert_uint_eq(r.n, 0);
        int checked = 0;
        for (size_t k = 0; k < r.nr; k++) {
            double want = psp(r.rt[k] - 1e-3, 20e-3, taus[c]);
            ck_assert_msg(fabs(r.rv[k] - want) <= 1e-15, "tau_s %g: V(%g) = %.17g, closed form "
                          "%.17g", taus[c], r.rt[k], r.rv[k], want);
            checked += r.rt[k] > 1e-3;
        }
        ck_assert_int_ge(checked, 90);
        rec_free(&r);
        fixture_free(f);
    }
}
END_TEST

START_TEST(test_exp_synapse_crossing)
{
    double taus[2] = {5e-3, 20e-3};
    for (int c = 0; c < 2; c++) {
        net_fixture *f = fixture();
        exp_member(f, taus[c], 1.2e-3);
        rec r;
        run(f, 50e-3, 1, NULL, 0, &r);
        double lo = 0, hi = 9e-3; /* before either peak (9.2 and 20 ms), above 1.2 mV */
        ck_assert(psp(hi, 20e-3, taus[c]) > 1.2e-3);
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (psp(mid, 20e-3, taus[c]) >= 1.2e-3)
                hi = mid;
            else
                lo = mid;
        }
        ck_assert_uint_ge(r.n, 1);
        ck_assert_msg(fabs(r.t[0] - (1e-3 + hi)) < 1e-13, "tau_s %g: spike at %.17g s, the PSP "
                      "reaches V_th at %.17g s", taus[c], r.t[0], 1e-3 + hi);
        rec_free(&r);
        fixture_free(f);
    }
}
END_TEST

/* The rate of a population at t counts its spikes in (t - dt_out, t], also across windows: a
 * member that fires at every input of a regular train (12.7, 15.7, 18.7 ms) gives 1/(N dt_out)
 * on the rows of the following dt_out (0.2 ms) and 0 elsewhere.  The windows (64 dt_out, no
 * synapses) start at 12.8 ms, right after the first spike, and the next window has spikes of
 * its own. */
START_TEST(test_rate_across_windows)
{
    net_fixture *f = fixture();
    size_t p = add_pop(f, "n", 1);
    set_param(f, p, "t_ref", cst(0));
    opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1 / 3e-3, 1.0, p, 0, 1);
    src->start = 12.7e-3;
    opsin_probe pb = {.pop = 1, .member = -1};
    rec r;
    run(f, 20e-3, 1, &pb, 1, &r); /* dt_out 0.2 ms */
    ck_assert_uint_eq(r.n, 3);
    int inside = 0;
    for (size_t k = 0; k < r.nr; k++) {
        double t = r.rt[k];
        int counts = 0, at = 0;
        for (size_t q = 0; q < r.n; q++) {
            counts |= t >= r.t[q] && t < r.t[q] + 0.2e-3;
            at |= t == r.t[q];
        }
        if (at && r.rv[k] == 0)
            continue; /* the row before the spike, at its time */
        ck_assert_msg(r.rv[k] == (counts ? 1 / 0.2e-3 : 0), "rate %g Hz at t = %.17g s", r.rv[k],
                      t);
        inside += counts && t == 12.8e-3;
    }
    ck_assert_int_eq(inside, 1); /* the row at the second window's start counts 12.7 ms */
    rec_free(&r);
    fixture_free(f);
}
END_TEST

/* A listed train keeps to its [start, stop): of 1, 4 and 7 ms with start 3 ms and stop 6 ms
 * only 4 ms reaches the member (which fires at every input). */
START_TEST(test_list_start_stop)
{
    net_fixture *f = fixture();
    size_t p = add_pop(f, "n", 1);
    set_param(f, p, "t_ref", cst(0));
    double times[3] = {1e-3, 4e-3, 7e-3};
    long member[3] = {-1, 0, -1};
    opsin_spikesrc *src = add_src(f, OPSIN_SS_LIST, 0, 1.0, p, 0, 1);
    src->times = times;
    src->member = member;
    src->ntimes = 3;
    src->start = 3e-3;
    src->stop = 6e-3;
    rec r;
    run(f, 10e-3, 1, NULL, 0, &r);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_double_eq(r.t[0], 4e-3);
    rec_free(&r);
    fixture_free(f);
}
END_TEST

/* A member's value of one parameter does not depend on how the others are given: G_in drawn
 * uniformly gives the same spikes whether C_m is a plain value or a distribution that can
 * only give that value. */
START_TEST(test_param_streams)
{
    rec r[2];
    for (int c = 0; c < 2; c++) {
        net_fixture *f = fixture();
        size_t p = add_pop(f, "a", 5);
        set_param(f, p, "G_in", (opsin_dist){OPSIN_DIST_UNIFORM, 1e-9, 5e-9});
        set_param(f, p, "V_th", cst(0.05));
        if (c)
            set_param(f, p, "C_m", (opsin_dist){OPSIN_DIST_UNIFORM, 100e-12, 100e-12});
        run(f, 50e-3, 1, NULL, 0, &r[c]);
        fixture_free(f);
    }
    ck_assert_uint_gt(r[0].n, 5);
    ck_assert_uint_eq(r[0].n, r[1].n);
    ck_assert(memcmp(r[0].t, r[1].t, r[0].n * sizeof *r[0].t) == 0);
    rec_free(&r[0]);
    rec_free(&r[1]);
}
END_TEST

/* Poisson trains into neurons that fire at every input (t_ref 0): the output counts are
 * Poisson with mean rate T per neuron (the total within 5 sigma) and the ISIs exponential
 * (CV within 0.05 of 1 over 40,000 intervals). */
START_TEST(test_poisson_rate_cv)
{
    net_fixture *f = fixture();
    size_t n = 200, p = add_pop(f, "n", n);
    set_param(f, p, "t_ref", cst(0));
    double rate = 200, T = 1.0;
    add_src(f, OPSIN_SS_POISSON, rate, 1.0, p, 0, n);
    rec r;
    run(f, T, 2, NULL, 0, &r);
    double mean = rate * T * (double)n;
    ck_assert_msg(fabs((double)r.n - mean) < 5 * sqrt(mean), "%zu spikes, expected %g", r.n,
                  mean);
    /* ISIs per neuron */
    double *last = malloc(n * sizeof *last), s1 = 0, s2 = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        last[k] = NAN;
    for (size_t s = 0; s < r.n; s++) {
        size_t k = (size_t)atol(r.who[s] + 2);
        if (!isnan(last[k])) {
            double isi = r.t[s] - last[k];
            s1 += isi;
            s2 += isi * isi;
            m++;
        }
        last[k] = r.t[s];
    }
    double mu = s1 / (double)m, sd = sqrt(s2 / (double)m - mu * mu);
    ck_assert_msg(fabs(sd / mu - 1) < 0.05, "CV %g over %zu intervals", sd / mu, m);
    ck_assert_msg(fabs(mu * rate - 1) < 0.02, "mean ISI %g s, expected %g s", mu, 1 / rate);
    free(last);
    rec_free(&r);
    fixture_free(f);
}
END_TEST

static int cmp_isi(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Poisson trains of 1 kHz into 2000 neurons that fire at every input, 1 s: the 2 x 10^6
 * ISIs against 1 - e^{-rate x} by Kolmogorov-Smirnov, sqrt(m) D below 1.95 (p = 0.001).
 * Enough intervals to see a sampler that got 1% of its draws wrong (the ziggurat's wedges
 * taken without their test give 3.6). */
START_TEST(test_poisson_isi_ks)
{
    net_fixture *f = fixture();
    size_t n = 2000, p = add_pop(f, "n", n);
    set_param(f, p, "t_ref", cst(0));
    double rate = 1000;
    add_src(f, OPSIN_SS_POISSON, rate, 1.0, p, 0, n);
    rec r;
    run(f, 1.0, 2, NULL, 0, &r);
    double *last = malloc(n * sizeof *last), *isi = malloc(r.n * sizeof *isi), ks = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        last[k] = NAN;
    for (size_t s = 0; s < r.n; s++) {
        size_t k = (size_t)atol(r.who[s] + 2);
        if (!isnan(last[k]))
            isi[m++] = r.t[s] - last[k];
        last[k] = r.t[s];
    }
    qsort(isi, m, sizeof *isi, cmp_isi);
    for (size_t q = 0; q < m; q++) {
        double F = -expm1(-rate * isi[q]);
        ks = fmax(ks, fmax(fabs(F - (double)q / (double)m), fabs(F - (double)(q + 1) / (double)m)));
    }
    ck_assert_uint_gt(m, 1900000);
    ck_assert_msg(sqrt((double)m) * ks < 1.95, "ISIs: Kolmogorov-Smirnov sqrt(m) D = %g over "
                  "%zu intervals", sqrt((double)m) * ks, m);
    free(isi);
    free(last);
    rec_free(&r);
    fixture_free(f);
}
END_TEST

/* A small Brunel network: the same spikes, bit for bit, on 1, 2 and 3 threads. */
/* An excitatory population of 800 and an inhibitory one of 200, connected with probability
 * 0.1 (exc) and in-degree 20 (inh); exc = 0, inh = 1. */
static net_fixture *ei_fixture(void)
{
    net_fixture *f = fixture();
    size_t e = add_pop(f, "exc", 800), i = add_pop(f, "inh", 200);
    for (size_t p = e; p <= i; p++) {
        set_param(f, p, "C_m", cst(200e-12));
        set_param(f, p, "G_L", cst(10e-9));
        set_param(f, p, "V_th", cst(20e-3));
        set_param(f, p, "V_reset", cst(10e-3));
    }
    add_proj(f, e, e, OPSIN_PROJ_PROB, 0.2e-3, 1.5e-3);
    add_proj(f, e, i, OPSIN_PROJ_PROB, 0.2e-3, 1.5e-3);
    add_proj(f, i, e, OPSIN_PROJ_INDEGREE, -1e-3, 1.5e-3);
    add_proj(f, i, i, OPSIN_PROJ_INDEGREE, -1e-3, 1.5e-3);
    for (size_t q = 0; q < 4; q++)
        f->projs[q].p = 0.1;
    f->projs[2].k = f->projs[3].k = 20;
    return f;
}

START_TEST(test_jobs_same_bits)
{
    net_fixture *f = ei_fixture();
    size_t e = 0, i = 1;
    add_src(f, OPSIN_SS_POISSON, 2000 * 8, 0.2e-3, e, 0, 800);
    add_src(f, OPSIN_SS_POISSON, 2000 * 8, 0.2e-3, i, 0, 200);
    rec r1, r2, r3;
    run(f, 0.2, 1, NULL, 0, &r1);
    run(f, 0.2, 2, NULL, 0, &r2);
    run(f, 0.2, 3, NULL, 0, &r3);
    ck_assert_uint_gt(r1.n, 1000);
    ck_assert_uint_eq(r1.n, r2.n);
    ck_assert_uint_eq(r1.n, r3.n);
    ck_assert(memcmp(r1.t, r2.t, r1.n * sizeof *r1.t) == 0);
    ck_assert(memcmp(r1.t, r3.t, r1.n * sizeof *r1.t) == 0);
    for (size_t k = 0; k < r1.n; k++)
        ck_assert_str_eq(r1.who[k], r3.who[k]);
    rec_free(&r1);
    rec_free(&r2);
    rec_free(&r3);
    fixture_free(f);
}
END_TEST

/* The spikes of a run of n to t_end in windows as engine/netrun.c makes them: the shortest
 * delay, cut at each map time tm[] (where the spikes are delivered early, by opsin_net_map)
 * and stretched over quiet spells (opsin_net_quiet_until). */
static opsin_net_spike *drive(opsin_net *n, double t_end, const double *tm, size_t ntm,
                              size_t *count)
{
    opsin_diag d = {""};
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    opsin_net_spike *all = NULL;
    size_t nall = 0, jm = 0;
    double t = 0, span = opsin_net_max_window(n);
    int quiet = 0;
    for (int last = 0; !last;) {
        double t1 = t + span;
        if (quiet)
            t1 = fmax(t1, opsin_net_quiet_until(n) + span);
        last = !(t1 < t_end);
        t1 = last ? t_end : t1;
        if (jm < ntm && tm[jm] > t && tm[jm] < t1) {
            t1 = tm[jm];
            last = 0;
        }
        ck_assert_int_eq(opsin_net_advance(n, t1, last, &d), OPSIN_OK);
        size_t ns = opsin_net_nspikes(n);
        all = realloc(all, (nall + ns + 1) * sizeof *all);
        memcpy(all + nall, opsin_net_spikes(n), ns * sizeof *all);
        nall += ns;
        for (; jm < ntm && tm[jm] <= t1; jm++)
            ck_assert_int_eq(opsin_net_map(n, t1, &sink, &d), OPSIN_OK);
        quiet = ns == 0;
        t = t1;
    }
    *count = nall;
    return all;
}

/* Populations whose inputs all come with one weight and one delay take them as 4-byte numbers
 * of shared entries: the same spikes, bit for bit, as with 16-byte inputs, across windows cut
 * short by map times (inputs then wait a window or more), a quiet spell between two drives
 * (long windows) and a probed member (which reads 16-byte inputs), for 1 and 3 threads. */
START_TEST(test_compact_inputs_same_bits)
{
    net_fixture *f = ei_fixture();
    size_t e = 0, i = 1;
    add_src(f, OPSIN_SS_POISSON, 2000 * 8, 0.2e-3, e, 0, 800)->stop = 40e-3;
    add_src(f, OPSIN_SS_POISSON, 2000 * 8, 0.2e-3, i, 0, 200)->stop = 40e-3;
    add_src(f, OPSIN_SS_POISSON, 2000 * 8, 0.2e-3, e, 0, 800)->start = 150e-3;
    /* windows of 10 ns to 0.8 ms, then every 0.4 ms while the activity dies out (a window
     * without spikes, then a spike from the inputs still waiting: the quiet spell is bounded
     * by them) */
    double tm[64] = {5e-3, 5.00001e-3, 5.00002e-3, 5.0001e-3, 20.3e-3, 20.3e-3 + 1e-9, 21e-3,
                     21.2e-3, 22e-3};
    size_t ntm = 9;
    for (size_t k = 0; k < 53; k++)
        tm[ntm++] = 40e-3 + (double)k * 0.4e-3;
    tm[ntm++] = 155e-3;
    tm[ntm++] = 155.0005e-3;
    size_t probed = 0;
    opsin_diag d = {""};
    for (unsigned jobs = 1; jobs <= 3; jobs += 2) {
        opsin_net *nc, *nw;
        ck_assert_int_eq(opsin_net_new(&f->c, f->st, 0.2, 7, jobs, &probed, 1, &nc, &d), OPSIN_OK);
        ck_assert_int_eq(opsin_net_new(&f->c, f->st, 0.2, 7, jobs, &probed, 1, &nw, &d), OPSIN_OK);
        ck_assert_int_eq(opsin_net_compact_off(nw), OPSIN_OK);
        size_t n1, n2, early = 0, late = 0;
        opsin_net_spike *s1 = drive(nc, 0.2, tm, ntm, &n1);
        opsin_net_spike *s2 = drive(nw, 0.2, tm, ntm, &n2);
        for (size_t k = 0; k < n1; k++) {
            early += s1[k].t < 45e-3;
            late += s1[k].t > 150e-3;
        }
        ck_assert_uint_gt(early, 500);
        ck_assert_uint_gt(late, 500);
        ck_assert_uint_eq(n1, n2);
        for (size_t k = 0; k < n1; k++) {
            ck_assert(memcmp(&s1[k].t, &s2[k].t, sizeof s1[k].t) == 0);
            ck_assert_uint_eq(s1[k].neuron, s2[k].neuron);
        }
        free(s1);
        free(s2);
        opsin_net_free(nc);
        opsin_net_free(nw);
    }
    fixture_free(f);
}
END_TEST

/* A spike's compact inputs that wait through a window without spikes bound the quiet spell
 * after it: a at 100 ms (its regular train), b at 101.5 ms, every c at 103 ms (each input
 * above threshold), with windows ending at 100.2 and 100.6 ms; the same with 16-byte inputs. */
START_TEST(test_compact_inputs_wait)
{
    net_fixture *f = fixture();
    size_t a = add_pop(f, "a", 1), b = add_pop(f, "b", 1), c = add_pop(f, "c", 50);
    for (size_t p = a; p <= c; p++) {
        set_param(f, p, "E_L", cst(0));
        set_param(f, p, "V_th", cst(20e-3));
        set_param(f, p, "V_reset", cst(10e-3));
    }
    add_proj(f, a, b, OPSIN_PROJ_INDEGREE, 25e-3, 1.5e-3);
    add_proj(f, b, c, OPSIN_PROJ_INDEGREE, 25e-3, 1.5e-3);
    f->projs[0].k = f->projs[1].k = 1;
    opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, 25e-3, a, 0, 1);
    src->start = 100e-3;
    src->stop = 100.5e-3;
    const double tm[] = {100.2e-3, 100.6e-3};
    opsin_diag d = {""};
    opsin_net_spike *s[2];
    size_t ns[2];
    for (int k = 0; k < 2; k++) {
        opsin_net *n;
        ck_assert_int_eq(opsin_net_new(&f->c, f->st, 0.2, 7, 1, NULL, 0, &n, &d), OPSIN_OK);
        if (k)
            ck_assert_int_eq(opsin_net_compact_off(n), OPSIN_OK);
        s[k] = drive(n, 0.2, tm, 2, &ns[k]);
        opsin_net_free(n);
    }
    double tb = 100e-3 + 1.5e-3;
    ck_assert_uint_eq(ns[0], 52);
    ck_assert_uint_eq(ns[1], 52);
    for (size_t k = 0; k < 52; k++) {
        ck_assert_double_eq(s[0][k].t, k == 0 ? 100e-3 : k == 1 ? tb : tb + 1.5e-3);
        ck_assert_uint_eq(s[0][k].neuron, k);
        ck_assert(memcmp(&s[0][k], &s[1][k], sizeof s[0][k].t) == 0);
        ck_assert_uint_eq(s[1][k].neuron, k);
    }
    free(s[0]);
    free(s[1]);
    fixture_free(f);
}
END_TEST

/* ---- conductance synapses ------------------------------------------------------------------ */

/* The reference: a member with conductances g_k toward E_k (k < nch), integrated as written,
 *   C_m dV/dt = -G_L (V - E_L) + sum_k g_k (E_k - V),   dg_k/dt = -g_k/tau_syn,
 * by GSL's rk8pd at relative tolerance eps; V held at V_reset for t_ref after a spike, the
 * conductances decaying meanwhile. */
enum { REF_MAXCH = 4 };
typedef struct cond_ref {
    double c_m, g_l, e_l, v_th, v_reset, t_ref, ts;
    size_t nch;
    double e[REF_MAXCH];
} cond_ref;

/* The member of the cond tests: C_m 200 pF, G_L 10 nS (tau 20 ms, r_in 100 Mohm), E_L
 * -70 mV, V_reset -60 mV, t_ref 2 ms. */
static cond_ref ref_member(double ts, double vth)
{
    return (cond_ref){200e-12, 10e-9, -70e-3, vth, -60e-3, 2e-3, ts, 0, {0}};
}

static int ref_rhs(double t, const double y[], double dy[], void *p)
{
    const cond_ref *m = p;
    double i = -m->g_l * (y[0] - m->e_l);
    for (size_t k = 0; k < m->nch; k++) {
        i += y[1 + k] * (m->e[k] - y[0]);
        dy[1 + k] = -y[1 + k] / m->ts;
    }
    dy[0] = i / m->c_m;
    (void)t;
    return GSL_SUCCESS;
}

/* y (V, then the conductances) carried freely from t0 to t1. */
static void ref_free(const cond_ref *m, double eps, double t0, double t1, double *y)
{
    if (!(t1 > t0))
        return;
    gsl_odeiv2_system sys = {ref_rhs, NULL, 1 + m->nch, (void *)m};
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-7,
                                                         1e-20, eps);
    ck_assert_ptr_nonnull(d);
    double t = t0;
    ck_assert_int_eq(gsl_odeiv2_driver_apply(d, &t, t1, y), GSL_SUCCESS);
    gsl_odeiv2_driver_free(d);
}

/* The spikes (at most max, before t_end) of a member free at t0 with V = v0 and conductances
 * g (nch of them): each crossing of V_th found in a 10 us step and then by bisection, each V
 * integrated from the step's start. */
static size_t ref_spikes(const cond_ref *m, double eps, double t0, double v0, const double *g,
                         double t_end, double *out, size_t max)
{
    double y[1 + REF_MAXCH], t = t0;
    size_t n = 0, ny = 1 + m->nch;
    y[0] = v0;
    memcpy(y + 1, g, m->nch * sizeof *g);
    while (t < t_end && n < max) {
        double y1[1 + REF_MAXCH], t1 = fmin(t + 10e-6, t_end);
        memcpy(y1, y, ny * sizeof *y);
        ref_free(m, eps, t, t1, y1);
        if (y1[0] < m->v_th) {
            memcpy(y, y1, ny * sizeof *y);
            t = t1;
            continue;
        }
        double lo = t, hi = t1;
        for (int it = 0; it < 80 && lo < hi; it++) {
            double mid = lo + 0.5 * (hi - lo), ym[1 + REF_MAXCH];
            if (!(mid > lo && mid < hi))
                break;
            memcpy(ym, y, ny * sizeof *y);
            ref_free(m, eps, t, mid, ym);
            if (ym[0] >= m->v_th)
                hi = mid;
            else
                lo = mid;
        }
        out[n++] = hi;
        ref_free(m, eps, t, hi, y);
        for (size_t k = 0; k < m->nch; k++)
            y[1 + k] *= exp(-m->t_ref / m->ts);
        y[0] = m->v_reset;
        t = hi + m->t_ref;
    }
    return n;
}

/* V of the reference at t >= t0 from V = v0 and conductances g at t0, with no threshold. */
static double ref_v(const cond_ref *m, double eps, double t0, double v0, const double *g,
                    double t)
{
    double y[1 + REF_MAXCH];
    y[0] = v0;
    memcpy(y + 1, g, m->nch * sizeof *g);
    ref_free(m, eps, t0, t, y);
    return y[0];
}

/* Population p as the cond tests' member (ref_member) with cond synapses. */
static void cond_pop(net_fixture *f, size_t p, double ts, double vth)
{
    cond_ref m = ref_member(ts, vth);
    set_param(f, p, "C_m", cst(m.c_m));
    set_param(f, p, "G_L", cst(m.g_l));
    set_param(f, p, "E_L", cst(m.e_l));
    set_param(f, p, "V_th", cst(m.v_th));
    set_param(f, p, "V_reset", cst(m.v_reset));
    set_param(f, p, "t_ref", cst(m.t_ref));
    f->pops[p].synapse = OPSIN_SYN_COND;
    f->pops[p].tau_syn = ts;
}

/* One member that gets one input of conductance g toward e at 1 ms. */
static void cond_member(net_fixture *f, double ts, double vth, double g, double e)
{
    size_t p = add_pop(f, "n", 1);
    cond_pop(f, p, ts, vth);
    opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, g, p, 0, 1);
    src->start = 1e-3;
    src->e_rev = e;
}

/* The reference's own accuracy: V at rk8pd's relative tolerances 1e-14 and 1e-13 agree to
 * within `agree` at every row after the input (so the 1e-14 one is well within it). */
static void check_rows(const rec *r, const cond_ref *m, double g0, double tol, double agree,
                       const char *what)
{
    int checked = 0;
    for (size_t k = 0; k < r->nr; k++) {
        double t = r->rt[k];
        if (t <= 1e-3) {
            ck_assert_msg(fabs(r->rv[k] - m->e_l) <= 1e-15, "%s: V(%g) = %.17g before the "
                          "input", what, t, r->rv[k]);
            continue;
        }
        double g[REF_MAXCH] = {g0, g0, g0, g0};
        double want = ref_v(m, 1e-14, 1e-3, m->e_l, g, t);
        double loose = ref_v(m, 1e-13, 1e-3, m->e_l, g, t);
        ck_assert_msg(fabs(want - loose) <= agree, "%s: the reference disagrees with itself "
                      "by %g V at %g s", what, want - loose, t);
        ck_assert_msg(fabs(r->rv[k] - want) <= tol, "%s: V(%.17g) = %.17g, reference %.17g "
                      "(%g V apart)", what, t, r->rv[k], want, r->rv[k] - want);
        checked++;
    }
    ck_assert_int_ge(checked, 90);
}

/* (1) One input of conductance g toward E_rev at 1 ms, no threshold reached: V on the
 * output rows (100 over 60 ms, and both sides of the input) against the reference to
 * 1e-14 V (they agree to about 1e-16 V), for tau_syn below, at and above tau (20 ms); excitatory 5 nS toward 0 V (r_in g
 * = 0.5), and a strong inhibitory 500 nS toward -80 mV (r_in g = 50: many pieces). */
START_TEST(test_cond_psp)
{
    static const struct {
        double ts, g, e;
    } cases[] = {{2e-3, 5e-9, 0.0},     {5e-3, 5e-9, 0.0},      {20e-3, 5e-9, 0.0},
                 {60e-3, 5e-9, 0.0},    {5e-3, 500e-9, -80e-3}, {60e-3, 500e-9, -80e-3}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        net_fixture *f = fixture();
        cond_member(f, cases[c].ts, -40e-3, cases[c].g, cases[c].e);
        opsin_probe pb = {.pop = 1, .member = 0};
        rec r;
        run(f, 60e-3, 1, &pb, 1, &r);
        ck_assert_uint_eq(r.n, 0);
        cond_ref m = ref_member(cases[c].ts, -40e-3);
        m.nch = 1;
        m.e[0] = cases[c].e;
        char what[64];
        snprintf(what, sizeof what, "tau_syn %g s, g %g S", cases[c].ts, cases[c].g);
        check_rows(&r, &m, cases[c].g, 1e-14, 1e-14, what);
        rec_free(&r);
        fixture_free(f);
    }
}
END_TEST

/* (2) A suprathreshold input toward 0 V (V_th -50 mV): every spike time before 40 ms against
 * the reference's to 1e-12 s (they agree to about 1e-15 s; the reference locates its
 * crossings by bisection to the last bit on V at rk8pd's tolerance 1e-14, and its times at
 * 1e-13 agree with them to 1e-13 s).  With
 * tau_syn 5 ms, 30 nS fire once on a rise that turns back below V_th long before the window
 * ends at 25.6 ms (the crossing is found through the search for that maximum), 80 nS fire a
 * burst while the conductance lasts; with 60 ms, 80 nS fire until the end. */
START_TEST(test_cond_crossing)
{
    static const struct {
        double ts, g;
    } cases[] = {{5e-3, 30e-9}, {5e-3, 80e-9}, {60e-3, 80e-9}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        net_fixture *f = fixture();
        cond_member(f, cases[c].ts, -50e-3, cases[c].g, 0.0);
        opsin_probe pb = {.pop = 1, .member = -1}; /* the rate of a cond population */
        rec r;
        run(f, 40e-3, 1, &pb, 1, &r);
        cond_ref m = ref_member(cases[c].ts, -50e-3);
        m.nch = 1;
        double g = cases[c].g, want[64], loose[64];
        size_t n = ref_spikes(&m, 1e-14, 1e-3, m.e_l, &g, 40e-3, want, 64);
        size_t nl = ref_spikes(&m, 1e-13, 1e-3, m.e_l, &g, 40e-3, loose, 64);
        ck_assert_uint_ge(n, 1);
        ck_assert_uint_eq(nl, n);
        ck_assert_uint_eq(r.n, n);
        for (size_t k = 0; k < n; k++) {
            ck_assert_msg(fabs(want[k] - loose[k]) <= 1e-13, "the reference's spike %zu moves "
                          "by %g s", k, want[k] - loose[k]);
            ck_assert_msg(fabs(r.t[k] - want[k]) <= 1e-12, "tau_syn %g, g %g: spike %zu at "
                          "%.17g s, reference %.17g s", cases[c].ts, cases[c].g, k, r.t[k],
                          want[k]);
        }
        /* the rate rows: 1/(N dt_out) in the dt_out after each spike */
        int nonzero = 0;
        for (size_t k = 0; k < r.nr; k++)
            nonzero += r.rv[k] > 0;
        ck_assert_int_ge(nonzero, (int)n);
        rec_free(&r);
        fixture_free(f);
    }
}
END_TEST

/* (3) Two reversal potentials through projections: 'pre' fires once at 1 ms; 1.5 ms later
 * 5 nS arrive toward 0 V on 'te', toward -80 mV on 'ti', and both on 'tb'.  te rises above
 * E_L = -70 mV, ti falls below it, tb lies between them, and tb's V is the two-channel
 * reference's to 1e-14 V. */
START_TEST(test_cond_two_reversals)
{
    double v[3][128], t[128];
    size_t nr = 0;
    for (int who = 0; who < 3; who++) {
        net_fixture *f = fixture();
        size_t pre = add_pop(f, "pre", 1), te = add_pop(f, "te", 1), ti = add_pop(f, "ti", 1),
               tb = add_pop(f, "tb", 1);
        set_param(f, pre, "V_th", cst(0.02));
        for (size_t p = te; p <= tb; p++)
            cond_pop(f, p, 5e-3, -40e-3);
        add_proj(f, pre, te, OPSIN_PROJ_ALL, 5e-9, 1.5e-3);
        add_proj(f, pre, ti, OPSIN_PROJ_ALL, 5e-9, 1.5e-3);
        add_proj(f, pre, tb, OPSIN_PROJ_ALL, 5e-9, 1.5e-3);
        add_proj(f, pre, tb, OPSIN_PROJ_ALL, 5e-9, 1.5e-3);
        f->projs[0].e_rev = 0.0;
        f->projs[1].e_rev = -80e-3;
        f->projs[2].e_rev = 0.0;
        f->projs[3].e_rev = -80e-3;
        opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, 1.0, pre, 0, 1);
        src->start = 1e-3;
        opsin_probe pb = {.pop = (int)te + 1 + who, .member = 0};
        rec r;
        run(f, 40e-3, 1, &pb, 1, &r);
        ck_assert_uint_eq(r.n, 1); /* pre only */
        ck_assert(r.nr <= 128);
        nr = r.nr;
        for (size_t k = 0; k < nr; k++) {
            t[k] = r.rt[k];
            v[who][k] = r.rv[k];
        }
        rec_free(&r);
        fixture_free(f);
    }
    cond_ref m = ref_member(5e-3, -40e-3);
    m.nch = 2;
    m.e[1] = -80e-3;
    double g[2] = {5e-9, 5e-9};
    int after = 0;
    for (size_t k = 0; k < nr; k++) {
        if (t[k] <= 2.5e-3)
            continue;
        ck_assert_msg(v[0][k] > m.e_l && v[1][k] < m.e_l && v[2][k] > v[1][k] &&
                      v[2][k] < v[0][k], "at %g s: exc %.17g, inh %.17g, both %.17g", t[k],
                      v[0][k], v[1][k], v[2][k]);
        double want = ref_v(&m, 1e-14, 2.5e-3, m.e_l, g, t[k]);
        ck_assert_msg(fabs(v[2][k] - want) <= 1e-14, "both at %g s: %.17g, reference %.17g",
                      t[k], v[2][k], want);
        after++;
    }
    ck_assert_int_ge(after, 90);
}
END_TEST

/* (4) Shunting: a conductance toward E_L = V_inf leaves a member at rest there (to the last
 * bits of V), and takes from an excitatory input: 5 nS toward 0 V together with 20 nS toward
 * -70 mV gives a smaller depolarization than alone, never below rest, and the two-channel
 * reference's V to 1e-14 V. */
START_TEST(test_cond_shunting)
{
    rec r[3];
    for (int c = 0; c < 3; c++) {
        net_fixture *f = fixture();
        size_t p = add_pop(f, "n", 1);
        cond_pop(f, p, 5e-3, -40e-3);
        if (c != 1) { /* the shunt */
            opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, 20e-9, p, 0, 1);
            src->start = 1e-3;
            src->e_rev = -70e-3;
        }
        if (c != 0) { /* the excitation */
            opsin_spikesrc *src = add_src(f, OPSIN_SS_REGULAR, 1, 5e-9, p, 0, 1);
            src->start = 1e-3;
            src->e_rev = 0.0;
        }
        opsin_probe pb = {.pop = 1, .member = 0};
        run(f, 40e-3, 1, &pb, 1, &r[c]);
        fixture_free(f);
    }
    cond_ref m = ref_member(5e-3, -40e-3);
    m.nch = 2;
    m.e[1] = -70e-3;
    double g[2] = {5e-9, 20e-9}, peak[3] = {-1, -1, -1};
    ck_assert_uint_eq(r[0].nr, r[2].nr);
    for (size_t k = 0; k < r[0].nr; k++) {
        ck_assert_msg(fabs(r[0].rv[k] - m.e_l) <= 1e-15, "shunt alone: V(%g) = %.17g",
                      r[0].rt[k], r[0].rv[k]);
        ck_assert(r[2].rv[k] >= m.e_l - 1e-15);
        for (int c = 1; c < 3; c++)
            peak[c] = fmax(peak[c], r[c].rv[k] - m.e_l);
        if (r[2].rt[k] > 1e-3) {
            double want = ref_v(&m, 1e-14, 1e-3, m.e_l, g, r[2].rt[k]);
            ck_assert_msg(fabs(r[2].rv[k] - want) <= 1e-14, "shunted at %g s: %.17g, reference "
                          "%.17g", r[2].rt[k], r[2].rv[k], want);
        }
    }
    ck_assert_msg(peak[2] > 0 && peak[2] < peak[1], "peaks: alone %g V, shunted %g V", peak[1],
                  peak[2]);
    for (int c = 0; c < 3; c++)
        rec_free(&r[c]);
}
END_TEST

/* (5) A small conductance-based balanced network (800 + 200, excitation toward 0 V,
 * inhibition toward -80 mV, Poisson drive toward 0 V): the same spikes and rows, bit for bit,
 * on 1, 2 and 3 threads. */
START_TEST(test_cond_jobs_same_bits)
{
    net_fixture *f = fixture();
    size_t e = add_pop(f, "exc", 800), i = add_pop(f, "inh", 200);
    for (size_t p = e; p <= i; p++)
        cond_pop(f, p, 5e-3, -50e-3);
    add_proj(f, e, e, OPSIN_PROJ_PROB, 1e-9, 1.5e-3);
    add_proj(f, e, i, OPSIN_PROJ_PROB, 1e-9, 1.5e-3);
    add_proj(f, i, e, OPSIN_PROJ_INDEGREE, 8e-9, 1.5e-3);
    add_proj(f, i, i, OPSIN_PROJ_INDEGREE, 8e-9, 1.5e-3);
    for (size_t q = 0; q < 4; q++)
        f->projs[q].p = 0.1;
    f->projs[2].k = f->projs[3].k = 20;
    f->projs[2].e_rev = f->projs[3].e_rev = -80e-3;
    add_src(f, OPSIN_SS_POISSON, 8000, 1e-9, e, 0, 800);
    add_src(f, OPSIN_SS_POISSON, 8000, 1e-9, i, 0, 200);
    opsin_probe pb[2] = {{.pop = 1, .member = 3}, {.pop = 1, .member = -1}};
    rec r[3];
    for (unsigned j = 0; j < 3; j++)
        run(f, 0.2, j + 1, pb, 2, &r[j]);
    ck_assert_uint_gt(r[0].n, 1000);
    for (int j = 1; j < 3; j++) {
        ck_assert_uint_eq(r[0].n, r[j].n);
        ck_assert(memcmp(r[0].t, r[j].t, r[0].n * sizeof *r[0].t) == 0);
        for (size_t k = 0; k < r[0].n; k++)
            ck_assert_str_eq(r[0].who[k], r[j].who[k]);
        ck_assert_uint_eq(r[0].nr, r[j].nr);
        ck_assert(memcmp(r[0].rv, r[j].rv, r[0].nr * sizeof *r[0].rv) == 0);
    }
    for (int j = 0; j < 3; j++)
        rec_free(&r[j]);
    fixture_free(f);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_driven_lif_closed_form);
    tcase_add_test(tc, test_two_neurons_delay);
    tcase_add_test(tc, test_poisson_rate_cv);
    tcase_add_test(tc, test_poisson_isi_ks);
    tcase_add_test(tc, test_exp_synapse_psp);
    tcase_add_test(tc, test_rate_across_windows);
    tcase_add_test(tc, test_list_start_stop);
    tcase_add_test(tc, test_param_streams);
    tcase_add_test(tc, test_exp_synapse_crossing);
    tcase_add_test(tc, test_jobs_same_bits);
    tcase_add_test(tc, test_compact_inputs_same_bits);
    tcase_add_test(tc, test_compact_inputs_wait);
    suite_add_tcase(s, tc);
    TCase *tcc = tcase_create("cond");
    tcase_set_timeout(tcc, 300);
    tcase_add_test(tcc, test_cond_psp);
    tcase_add_test(tcc, test_cond_crossing);
    tcase_add_test(tcc, test_cond_two_reversals);
    tcase_add_test(tcc, test_cond_shunting);
    tcase_add_test(tcc, test_cond_jobs_same_bits);
    suite_add_tcase(s, tcc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
