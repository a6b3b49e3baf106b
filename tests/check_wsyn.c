/* check_wsyn.c: the weight pair and the nl synapse kind (src/train/pair.c, syn_nl.c): nl with
 * NL = 0 and Pmax = inf against the ideal synapse (alone and inside the trainer), pulse counts
 * and conductances against a hand computation of the nl law (tabulated steps and, past
 * 65536 pulses, computed ones), the split and its overflow, saturation, reference mode, a
 * hand-made table followed step by step, the variation's mean and sd, noise and variation
 * the same bytes however the rows are blocked or threaded, save/load, levels, refresh, and
 * every message of the reader. */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"
#include "train/gauss.h"
#include "train/pair.h"
#include "train/synkind.h"
#include "train/train.h"

/* The law written out independently of pair.c. */
static double g_law(double s, double nu) { return (1 - exp(-nu * s)) / (1 - exp(-nu)); }
static double g_inv(double c, double nu) { return -log(1 - c * (1 - exp(-nu))) / nu; }

static opsin_pair_params nl_params(double gmin, double gmax, double pmax, double nl, double nld)
{
    opsin_pair_params p;
    opsin_pair_params_init(&p);
    p.gmin = gmin;
    p.gmax = gmax;
    p.pmax = pmax;
    p.nl_ltp = nl;
    p.nl_ltd = nld;
    return p;
}

static void *alloc(const opsin_pair_params *p, double wmin, double wmax, double *w, size_t n,
                   unsigned long seed)
{
    void *st = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_syn_nl.alloc(&st, p, wmin, wmax, w, n, seed, &d) == OPSIN_OK, "%s",
                  d.msg);
    return st;
}

static void close_to(double a, double b, double tol, const char *what)
{
    ck_assert_msg(fabs(a - b) <= tol, "%s: %.17g, expected %.17g", what, a, b);
}

/* NL = 0, Pmax = inf: every weight follows w += dw clipped, to round-off, over 200 steps of
 * random changes large enough to clip often. */
START_TEST(test_continuous_is_ideal)
{
    enum { N = 300 };
    opsin_pair_params p = nl_params(1e-6, 4e-6, INFINITY, 0, 0);
    for (int mode = 0; mode < 2; mode++) {
        p.mode = mode ? OPSIN_PAIR_REFERENCE : OPSIN_PAIR_DIFFERENTIAL;
        double w[N], wi[N], dw[N];
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        for (size_t k = 0; k < N; k++)
            w[k] = wi[k] = -0.5 + 2.5 * gsl_rng_uniform(r);
        void *sn = alloc(&p, -0.5, 2, w, N, 3), *si = NULL;
        opsin_diag d = {""};
        ck_assert(opsin_syn_ideal.alloc(&si, NULL, -0.5, 2, wi, N, 3, &d) == OPSIN_OK);
        for (size_t k = 0; k < N; k++)
            close_to(w[k], wi[k], 1e-14, "initial weight");
        opsin_syn_counts cn = {0}, ci = {0};
        double worst = 0;
        for (int step = 0; step < 200; step++) {
            for (size_t k = 0; k < N; k++)
                dw[k] = gsl_rng_uniform(r) < 0.2 ? 0 : 0.8 * (gsl_rng_uniform(r) - 0.5);
            opsin_syn_nl.apply(sn, 0, w, dw, N, &cn);
            opsin_syn_ideal.apply(si, 0, wi, dw, N, &ci);
            for (size_t k = 0; k < N; k++)
                worst = fmax(worst, fabs(w[k] - wi[k]));
        }
        ck_assert_msg(worst <= 1e-12, "mode %d: worst |w_nl - w_ideal| %g", mode, worst);
        ck_assert_uint_eq(cn.updates, ci.updates);
        ck_assert_uint_eq(cn.ltp + cn.ltd, 0); /* continuous: no pulses */
        opsin_syn_nl.free(sn);
        opsin_syn_ideal.free(si);
        gsl_rng_free(r);
    }
}
END_TEST

/* A 3-layer sigmoid/MSE network (seed 5, Xavier when xavier) and its per-image SGD trainer
 * (rate lr, seed 9) with synapse syn of params p. */
static void make_trainer(const size_t *sizes, int xavier, double lr, const opsin_syn_type *syn,
                         const void *p, opsin_mlp **m, opsin_trainer **t)
{
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = 3;
    s.sizes = sizes;
    s.seed = 5;
    if (xavier)
        s.init = OPSIN_INIT_XAVIER;
    opsin_optim_spec os = opsin_optim_default_spec();
    os.nlr = 1;
    os.lr = &lr;
    opsin_diag d = {""};
    ck_assert_msg(opsin_mlp_new(&s, m, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_trainer_new(*m, &os, syn, p, 9, t, &d) == OPSIN_OK, "%s", d.msg);
}

/* The same inside the trainer: a 6-5-3 network, SGD, 30 per-image steps. */
START_TEST(test_trainer_equivalence)
{
    static const size_t sizes[] = {6, 5, 3};
    opsin_pair_params p = nl_params(0, 1e-6, INFINITY, 0, 0);
    opsin_mlp *m[2];
    opsin_trainer *t[2];
    for (int k = 0; k < 2; k++)
        make_trainer(sizes, 0, 0.8, k ? &opsin_syn_nl : &opsin_syn_ideal, k ? &p : NULL, &m[k],
                     &t[k]);
    double x[6];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    for (int step = 0; step < 30; step++) {
        for (int i = 0; i < 6; i++)
            x[i] = gsl_rng_uniform(r);
        int y = (int)gsl_rng_uniform_int(r, 3);
        opsin_trainer_step(t[0], x, &y, 1);
        opsin_trainer_step(t[1], x, &y, 1);
    }
    double moved = 0;
    for (size_t l = 0; l < 2; l++) {
        opsin_mlp_layer *a = opsin_mlp_layer_at(m[0], l), *b = opsin_mlp_layer_at(m[1], l);
        for (size_t k = 0; k < a->nin * a->nout; k++) {
            close_to(b->w[k], a->w[k], 1e-12, "trained weight");
            moved += fabs(a->w[k]);
        }
    }
    ck_assert(moved > 0);
    ck_assert_uint_gt(opsin_trainer_counts(t[1]).updates, 0);
    for (int k = 0; k < 2; k++) {
        opsin_trainer_free(t[k]);
        opsin_mlp_free(m[k]);
    }
    gsl_rng_free(r);
}
END_TEST

/* The pair of weight 0 of st holds G+ = gp, G- = gm (to 1e-12 of the range), w in [-1, 1]
 * reads (gp - gm)/span, and ltp, ltd pulses have been counted. */
static void expect_pair(void *st, double w, double gp, double gm, double span,
                        const opsin_syn_counts *c, uint64_t ltp, uint64_t ltd)
{
    double g[2];
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], gp, 1e-12 * span, "G+");
    close_to(g[1], gm, 1e-12 * span, "G-");
    close_to(w, (gp - gm) / span, 1e-12, "w");
    ck_assert_uint_eq(c->ltp, ltp);
    ck_assert_uint_eq(c->ltd, ltd);
}

/* The nl synapse with noise and variation in the trainer on 1 and 3 threads: a 700-7-3
 * network (blocks of 2 rows of 700), 8 per-image steps, the same weight bytes. */
START_TEST(test_trainer_jobs)
{
    static const size_t sizes[] = {700, 7, 3};
    opsin_pair_params p = nl_params(1e-6, 3e-6, 30, 2, 3);
    p.noise = 0.05;
    p.variation = 0.5;
    double *w[2];
    for (int k = 0; k < 2; k++) {
        opsin_mlp *m;
        opsin_trainer *t;
        opsin_diag d = {""};
        make_trainer(sizes, 0, 2, &opsin_syn_nl, &p, &m, &t);
        ck_assert_msg(opsin_trainer_set_jobs(t, k ? 3 : 1, &d) == OPSIN_OK, "%s", d.msg);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        static double x[700];
        for (int step = 0; step < 8; step++) {
            for (size_t i = 0; i < 700; i++)
                x[i] = gsl_rng_uniform(r);
            int y = step % 3;
            opsin_trainer_step(t, x, &y, 1);
        }
        ck_assert_uint_gt(opsin_trainer_counts(t).ltp, 0);
        opsin_mlp_layer *L = opsin_mlp_layer_at(m, 0);
        w[k] = malloc(700 * 7 * sizeof *w[k]);
        memcpy(w[k], L->w, 700 * 7 * sizeof *w[k]);
        gsl_rng_free(r);
        opsin_trainer_free(t);
        opsin_mlp_free(m);
    }
    ck_assert(!memcmp(w[0], w[1], 700 * 7 * sizeof *w[0]));
    free(w[0]);
    free(w[1]);
}
END_TEST

/* Gmin 1 uS, Gmax 3 uS, Pmax 10, NL 2, NL_LTD 3, weights in [-1, 1] (du = dw). */
START_TEST(test_pulse_counts)
{
    const double gmin = 1e-6, span = 2e-6, eps = 1e-12 * span;
    opsin_pair_params p = nl_params(gmin, gmin + span, 10, 2, 3);
    p.e_ltp = 8.9e-15;
    p.e_ltd = 25e-15;
    double w = 0, st2[2];
    void *st = alloc(&p, -1, 1, &w, 1, 1);
    opsin_syn_counts c = {0};
    /* 0.049 is 0.49 pulse: nothing; the weight is not rewritten, but asked to change */
    double dw = 0.049;
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    ck_assert(w == 0 && c.ltp == 0 && c.ltd == 0 && c.updates == 1);
    /* +0.44: round(4.4) = 4 pulses; G- at Gmin has no LTD room, so G+ takes all four */
    dw = 0.44;
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    double gp = gmin + span * g_law(0.4, 2), gm = gmin;
    expect_pair(st, w, gp, gm, span, &c, 4, 0);
    /* -0.26: round(2.6) = 3; G- takes ceil(3/2) = 2 LTP, G+ 1 LTD from its place on the LTD
     * curve, P = 10 g^-1((Gmax - G+)/span, 3) */
    dw = -0.26;
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    double s = 10 * g_inv((gmin + span - gp) / span, 3);
    gp = gmin + span - span * g_law((s + 1) / 10, 3);
    gm = gmin + span * g_law(0.2, 2);
    expect_pair(st, w, gp, gm, span, &c, 6, 1);
    close_to(c.energy, 6 * 8.9e-15 + 25e-15, 1e-28, "energy");
    /* 0.05 is half a pulse: rounds away from zero to one LTP pulse on G+ */
    dw = 0.05;
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    ck_assert_uint_eq(c.ltp, 7);
    s = 10 * g_inv((gp - gmin) / span, 2);
    opsin_syn_nl.save(st, 0, 1, st2);
    close_to(st2[0], gmin + span * g_law((s + 1) / 10, 2), eps, "G+ after 1 more LTP");
    ck_assert_uint_eq(c.updates, 4);
    opsin_syn_nl.free(st);
}
END_TEST

/* Pmax past the tabulated steps (1e5 pulses): the law computed, 30000 pulses in one go. */
START_TEST(test_long_curve)
{
    opsin_pair_params p = nl_params(0, 1, 1e5, 1, 1);
    double w = 0, g[2], dw = 0.3;
    void *st = alloc(&p, -1, 1, &w, 1, 1);
    opsin_syn_counts c = {0};
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], g_law(0.3, 1), 1e-13, "G+ after 30000 pulses");
    ck_assert_uint_eq(c.ltp, 30000);
    opsin_syn_nl.free(st);
}
END_TEST

/* A device's own law (variation on: its steps by powers of e^{-NL/P}, or expm1 for small
 * steps) against the tabulated law, with a variation too small to change NL (1e-300): the
 * same conductances to round-off over 40 steps of random changes, for NL 3 / -2 and 0.1. */
START_TEST(test_own_law)
{
    enum { N = 60 };
    static const double nls[][2] = {{3, -2}, {0.1, 0.1}};
    for (int c = 0; c < 2; c++) {
        opsin_pair_params p = nl_params(0, 1, 40, nls[c][0], nls[c][1]);
        double w[2][N], g[2][2 * N], dw[N];
        for (int v = 0; v < 2; v++) {
            p.variation = v ? 1e-300 : 0;
            gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
            for (size_t k = 0; k < N; k++)
                w[v][k] = 2 * gsl_rng_uniform(r) - 1;
            void *st = alloc(&p, -1, 1, w[v], N, 3);
            opsin_syn_counts cn = {0};
            for (int step = 0; step < 40; step++) {
                for (size_t k = 0; k < N; k++)
                    dw[k] = 0.6 * (gsl_rng_uniform(r) - 0.5);
                opsin_syn_nl.apply(st, 0, w[v], dw, N, &cn);
            }
            opsin_syn_nl.save(st, 0, N, g[v]);
            opsin_syn_nl.free(st);
            gsl_rng_free(r);
        }
        for (size_t k = 0; k < 2 * N; k++)
            close_to(g[1][k], g[0][k], 1e-12, "G with a device's own law");
    }
}
END_TEST

/* Variation: each device's NL drawn around NL with sd `variation`: one LTP pulse from Gmin on
 * 4000 devices, each device's NL solved back from where it went (x = g(1/P, nu)). */
/* The normal ziggurat: 1,000,000 draws of consecutive keys against the standard normal's CDF
 * (Kolmogorov-Smirnov: D below 1.63/sqrt(n), the 1 % level), their mean and variance, and the
 * tail beyond r = 3.4426 (where the layers end and Marsaglia's tail method takes over): its
 * share 2 (1 - Phi(r)) within 5 sd and its mean within 5 standard errors of phi(r)/(1 -
 * Phi(r)).  The draws are fixed by their keys, so the test cannot flake. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(test_gauss)
{
    enum { N = 1000000 };
    static double z[N];
    opsin_gauss_tab t;
    opsin_gauss_init(&t);
    ck_assert(fabs(t.x[OPSIN_GAUSS_N]) == 0 && fabs(t.x[OPSIN_GAUSS_N - 1]) < 0.3);
    double sum = 0, sum2 = 0, tail = 0, tail_sum = 0;
    const double r = 3.442619855899;
    for (size_t i = 0; i < N; i++) {
        z[i] = opsin_gauss(&t, opsin_splitmix64(0xC0FFEE) + i);
        sum += z[i];
        sum2 += z[i] * z[i];
        if (fabs(z[i]) > r) {
            tail++;
            tail_sum += fabs(z[i]);
        }
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    ck_assert_msg(fabs(mean) < 5 / sqrt(N), "mean %g", mean);
    ck_assert_msg(fabs(var - 1) < 5 * sqrt(2.0 / N), "variance %g", var);
    double p_tail = erfc(r / sqrt(2)), expect = N * p_tail;
    ck_assert_msg(fabs(tail - expect) < 5 * sqrt(expect), "%g beyond r, expected %g", tail,
                  expect);
    double phi = exp(-r * r / 2) / sqrt(2 * M_PI), cmean = phi / (p_tail / 2);
    double csd = sqrt(1 + r * cmean - cmean * cmean); /* sd of |z| given |z| > r */
    ck_assert_msg(fabs(tail_sum / tail - cmean) < 5 * csd / sqrt(tail), "tail mean %g, "
                  "expected %g", tail_sum / tail, cmean);
    qsort(z, N, sizeof z[0], cmp_double);
    double D = 0;
    for (size_t i = 0; i < N; i++) {
        double F = 0.5 * erfc(-z[i] / sqrt(2));
        D = fmax(D, fmax(fabs(F - (double)i / N), fabs((double)(i + 1) / N - F)));
    }
    ck_assert_msg(D < 1.63 / sqrt(N), "Kolmogorov-Smirnov D = %g", D);
}
END_TEST

START_TEST(test_variation)
{
    enum { N = 4000 };
    const double P = 10, NL = 2, sd = 0.5;
    opsin_pair_params p = nl_params(0, 1, P, NL, NL);
    p.variation = sd;
    static double w[N], dw[N], g[2 * N];
    for (size_t k = 0; k < N; k++) {
        w[k] = 0;
        dw[k] = 1 / P; /* one pulse: G+ takes it (G- at Gmin has no LTD room) */
    }
    void *st = alloc(&p, -1, 1, w, N, 11);
    opsin_syn_counts c = {0};
    opsin_syn_nl.apply(st, 0, w, dw, N, &c);
    opsin_syn_nl.save(st, 0, N, g);
    ck_assert_uint_eq(c.ltp, N);
    double sum = 0, sum2 = 0;
    for (size_t k = 0; k < N; k++) {
        double lo = -10, hi = 10; /* g(1/P, nu) rises with nu */
        for (int it = 0; it < 100; it++) {
            double mid = (lo + hi) / 2;
            if ((fabs(mid) < 1e-12 ? 1 / P : g_law(1 / P, mid)) < g[2 * k])
                lo = mid;
            else
                hi = mid;
        }
        sum += lo;
        sum2 += lo * lo;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    ck_assert_msg(fabs(mean - NL) < 5 * sd / sqrt(N), "mean NL %g", mean);
    ck_assert_msg(fabs(sqrt(var) - sd) < 5 * sd / sqrt(2.0 * N), "sd of NL %g", sqrt(var));
    opsin_syn_nl.free(st);
}
END_TEST

/* A linear device (NL = 0), Pmax 10: the split, the overflow to the partner, the ends. */
START_TEST(test_split_and_saturation)
{
    opsin_pair_params p = nl_params(0, 1, 10, 0, 0);
    double w = 0.5, g[2];
    void *st = alloc(&p, -1, 1, &w, 1, 1);
    opsin_syn_nl.save(st, 0, 1, g);
    ck_assert(g[0] == 0.5 && g[1] == 0); /* initial: the device of u's sign holds it */
    opsin_syn_counts c = {0};
    double dw = -0.3; /* 3 pulses: G- 2 LTP, G+ 1 LTD */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], 0.4, 1e-15, "G+");
    close_to(g[1], 0.2, 1e-15, "G-");
    ck_assert(c.ltp == 2 && c.ltd == 1);
    dw = 0.9; /* 9 pulses: G+ has room for 6, G- for 2 (its share 4): 8 applied */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    opsin_syn_nl.save(st, 0, 1, g);
    ck_assert(g[0] == 1 && g[1] == 0 && w == 1);
    ck_assert(c.ltp == 8 && c.ltd == 3);
    dw = 0.5; /* at the end it stays: no pulse applied */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    ck_assert(w == 1 && c.ltp == 8 && c.ltd == 3 && c.updates == 3);
    dw = -5; /* all the way down: 20 pulses for a range of 2 */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    opsin_syn_nl.save(st, 0, 1, g);
    ck_assert(g[0] == 0 && g[1] == 1 && w == -1);
    ck_assert(c.ltp == 18 && c.ltd == 13);
    opsin_syn_nl.free(st);
}
END_TEST

/* Reference: one device against (Gmin + Gmax)/2, n = round(|du| Pmax/2), all on it. */
START_TEST(test_reference)
{
    opsin_pair_params p = nl_params(2e-6, 6e-6, 20, 1.5, 1.5);
    p.mode = OPSIN_PAIR_REFERENCE;
    double w = 0.25, g[2]; /* weights in [0, 1]: u = -0.5, G = Gmin + 0.25 span */
    void *st = alloc(&p, 0, 1, &w, 1, 1);
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], 3e-6, 1e-20, "G");
    ck_assert(g[1] == 4e-6);
    opsin_syn_counts c = {0};
    double dw = 0.1; /* du 0.2, 2 pulses */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    double s = 20 * g_inv(0.25, 1.5), x = g_law((s + 2) / 20, 1.5);
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], 2e-6 + 4e-6 * x, 1e-18, "G after 2 LTP");
    close_to(w, x, 1e-12, "w = (u + 1)/2 = x");
    ck_assert(c.ltp == 2 && c.ltd == 0);
    dw = -0.05; /* 1 LTD */
    opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
    ck_assert(c.ltp == 2 && c.ltd == 1);
    ck_assert(w < x);
    opsin_syn_nl.free(st);
}
END_TEST

/* A hand-made table (uS): LTP 1 2 4 5 5 6 (a flat step), LTD 6 4 3 1.5 1; reference mode
 * with P = (5 + 4)/2 = 4.5: dw = 0.5 is round(1.125) = 1 pulse, dw = -1 is 2. */
START_TEST(test_table)
{
    double ltp[] = {1e-6, 2e-6, 4e-6, 5e-6, 5e-6, 6e-6}, ltd[] = {6e-6, 4e-6, 3e-6, 1.5e-6, 1e-6};
    opsin_devtable t = {5, ltp, 4, ltd, 1e-15, 2e-15, "hand"};
    opsin_pair_params p;
    opsin_pair_params_init(&p);
    p.mode = OPSIN_PAIR_REFERENCE;
    opsin_diag d = {""};
    ck_assert_msg(opsin_pair_from_table(&p, &t, "table", &d) == OPSIN_OK, "%s", d.msg);
    ck_assert(p.gmin == 1e-6 && p.gmax == 6e-6);
    double w = -1, g[2];
    void *st = alloc(&p, -1, 1, &w, 1, 1);
    opsin_syn_counts c = {0};
    const double up = 0.5, down = -1, expect[] = {2e-6, 4e-6, 5e-6, 6e-6, 6e-6};
    for (int k = 0; k < 5; k++) { /* the flat step is passed: 5 -> 6, then the end holds */
        opsin_syn_nl.apply(st, 0, &w, &up, 1, &c);
        opsin_syn_nl.save(st, 0, 1, g);
        close_to(g[0], expect[k], 1e-20, "G along the LTP table");
    }
    ck_assert_uint_eq(c.ltp, 4);
    close_to(w, 1, 1e-15, "w at the end");
    opsin_syn_nl.apply(st, 0, &w, &down, 1, &c); /* 6 -> 4 -> 3 */
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], 3e-6, 1e-20, "G after 2 LTD");
    opsin_syn_nl.apply(st, 0, &w, &up, 1, &c); /* 3 uS is 0.4 of the way: LTP position 1.5 */
    opsin_syn_nl.save(st, 0, 1, g);
    close_to(g[0], 4.5e-6, 1e-20, "G between table points");
    ck_assert(c.ltp == 5 && c.ltd == 2);
    close_to(c.energy, 5e-15 + 4e-15, 1e-28, "energy from the table");
    opsin_syn_nl.free(st);
    /* tables refused */
    double bad[] = {1e-6, 3e-6, 2e-6};
    opsin_devtable tb = {2, bad, 4, ltd, 0, 0, ""};
    ck_assert(opsin_pair_from_table(&p, &tb, "table", &d) == OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "table: the tabulated curve is not monotone (expected LTP pulses "
                     "never to lower the conductance and LTD pulses never to raise it)");
    opsin_devtable te = {0, ltp, 4, ltd, 0, 0, ""};
    ck_assert(opsin_pair_from_table(&p, &te, "table", &d) == OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "table: no pulses tabulated (expected LTP and LTD staircases of at "
                     "least one pulse each)");
    double flat[] = {1e-6, 1e-6};
    opsin_devtable tf = {1, flat, 1, flat, 0, 0, ""};
    ck_assert(opsin_pair_from_table(&p, &tf, "table", &d) == OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "table: the pulses do not change the conductance (expected Gmax > "
                     "Gmin)");
    opsin_pair_params_clear(&p);
}
END_TEST

enum { ROWS = 7, COLS = 13, NW = ROWS * COLS, STEPS = 6 };

/* Trains one 7 x 13 layer for STEPS steps with rows applied in the blocks `split` (row
 * counts, summing to 7), in reverse order when rev; returns weights and state. */
static void run_blocks(const opsin_pair_params *p, const size_t *split, size_t nb, int rev,
                       double *w, double *state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    for (size_t k = 0; k < NW; k++)
        w[k] = 2 * gsl_rng_uniform(r) - 1;
    void *st = alloc(p, -1, 1, w, NW, 42);
    opsin_syn_counts c = {0};
    double dw[NW];
    for (int step = 0; step < STEPS; step++) {
        for (size_t k = 0; k < NW; k++)
            dw[k] = 0.3 * (gsl_rng_uniform(r) - 0.5);
        for (size_t b = 0; b < nb; b++) {
            size_t bi = rev ? nb - 1 - b : b, row0 = 0;
            for (size_t q = 0; q < bi; q++)
                row0 += split[q];
            size_t first = row0 * COLS;
            opsin_syn_nl.apply(st, first, w + first, dw + first, split[bi] * COLS, &c);
        }
    }
    opsin_syn_nl.save(st, 0, NW, state);
    opsin_syn_nl.free(st);
    gsl_rng_free(r);
}

/* Two threads at once, each on its own rows (0..2 and 3..6), per step. */
typedef struct job {
    void *st;
    size_t first, n;
    double *w;
    const double *dw;
    opsin_syn_counts c;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    opsin_syn_nl.apply(j->st, j->first, j->w + j->first, j->dw + j->first, j->n, &j->c);
    return NULL;
}

static void run_threads(const opsin_pair_params *p, double *w, double *state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    for (size_t k = 0; k < NW; k++)
        w[k] = 2 * gsl_rng_uniform(r) - 1;
    void *st = alloc(p, -1, 1, w, NW, 42);
    double dw[NW];
    for (int step = 0; step < STEPS; step++) {
        for (size_t k = 0; k < NW; k++)
            dw[k] = 0.3 * (gsl_rng_uniform(r) - 0.5);
        job jobs[2] = {{st, 0, 3 * COLS, w, dw, {0}}, {st, 3 * COLS, 4 * COLS, w, dw, {0}}};
        pthread_t th[2];
        for (int k = 0; k < 2; k++)
            ck_assert(pthread_create(&th[k], NULL, run_job, &jobs[k]) == 0);
        for (int k = 0; k < 2; k++)
            pthread_join(th[k], NULL);
    }
    opsin_syn_nl.save(st, 0, NW, state);
    opsin_syn_nl.free(st);
    gsl_rng_free(r);
}

START_TEST(test_blocking)
{
    opsin_pair_params p = nl_params(1e-6, 3e-6, 40, 3, -2);
    p.noise = 0.03;
    p.variation = 0.8;
    static const size_t whole[] = {ROWS}, three[] = {2, 4, 1};
    double w0[NW], s0[2 * NW], w1[NW], s1[2 * NW], w2[NW], s2[2 * NW];
    run_blocks(&p, whole, 1, 0, w0, s0);
    run_blocks(&p, three, 3, 0, w1, s1);
    run_blocks(&p, three, 3, 1, w2, s2);
    ck_assert(!memcmp(w0, w1, sizeof w0) && !memcmp(s0, s1, sizeof s0));
    ck_assert(!memcmp(w0, w2, sizeof w0) && !memcmp(s0, s2, sizeof s0));
    run_threads(&p, w1, s1);
    ck_assert(!memcmp(w0, w1, sizeof w0) && !memcmp(s0, s1, sizeof s0));
    /* the noise and the variation are there: without either, other bytes */
    opsin_pair_params q = p;
    q.noise = 0;
    run_blocks(&q, whole, 1, 0, w1, s1);
    ck_assert(memcmp(s0, s1, sizeof s0));
    q = p;
    q.variation = 0;
    run_blocks(&q, whole, 1, 0, w1, s1);
    ck_assert(memcmp(s0, s1, sizeof s0));
}
END_TEST

START_TEST(test_save_load)
{
    opsin_pair_params p = nl_params(1e-6, 3e-6, 40, 3, 1);
    p.noise = 0.02;
    p.levels = 16;
    static const size_t whole[] = {ROWS};
    double w[NW], s[2 * NW], w2[NW], s2[2 * NW];
    run_blocks(&p, whole, 1, 0, w, s);
    for (size_t k = 0; k < NW; k++)
        w2[k] = 0;
    void *st = alloc(&p, -1, 1, w2, NW, 7);
    opsin_diag d = {""};
    ck_assert_msg(opsin_syn_nl.load(st, 0, NW, s, w2, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert(!memcmp(w, w2, sizeof w));
    opsin_syn_nl.save(st, 0, NW, s2);
    ck_assert(!memcmp(s, s2, sizeof s));
    /* levels: every weight read is on the grid of 16 levels per device */
    for (size_t k = 0; k < NW; k++) {
        double v = (w[k] + 1) * 15; /* (u + 1) 15 = 15 (x+ - x-) + 15, a whole number */
        close_to(v, round(v), 1e-9, "w on the levels");
    }
    s2[5] = 3.5e-6;
    ck_assert(opsin_syn_nl.load(st, 2, 3, s2 + 4, w2, &d) == OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "saved state: weight 2: conductance 3.5e-06 S (expected 1e-06 to "
                     "3e-06 S)");
    opsin_syn_nl.free(st);
    p.mode = OPSIN_PAIR_REFERENCE;
    st = alloc(&p, -1, 1, w2, 1, 7);
    double ref[2] = {2e-6, 2.5e-6};
    ck_assert(opsin_syn_nl.load(st, 0, 1, ref, w2, &d) == OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "saved state: weight 0: reference conductance 2.5e-06 S (expected "
                     "2e-06 S, (Gmin + Gmax)/2)");
    opsin_syn_nl.free(st);
}
END_TEST

/* Refresh 0.25, linear, Pmax 10: from (0.7, 0.5), +0.2 gives (0.8, 0.4): the higher is within
 * 0.25 of Gmax, so G- goes to Gmin (4 LTD pulses from 0.4) and G+ to u = 0.4 (from 0.8 down
 * along LTD: 4 pulses). */
START_TEST(test_refresh)
{
    for (int on = 0; on < 2; on++) {
        opsin_pair_params p = nl_params(0, 1, 10, 0, 0);
        p.refresh = on ? 0.25 : 0;
        double w = 0, g[2] = {0.7, 0.5};
        void *st = alloc(&p, -1, 1, &w, 1, 1);
        opsin_diag d = {""};
        ck_assert(opsin_syn_nl.load(st, 0, 1, g, &w, &d) == OPSIN_OK);
        opsin_syn_counts c = {0};
        double dw = 0.2;
        opsin_syn_nl.apply(st, 0, &w, &dw, 1, &c);
        opsin_syn_nl.save(st, 0, 1, g);
        close_to(w, 0.4, 1e-15, "w kept");
        close_to(g[0], on ? 0.4 : 0.8, 1e-15, "G+");
        close_to(g[1], on ? 0 : 0.4, 1e-15, "G-");
        ck_assert_uint_eq(c.ltp, 1);
        ck_assert_uint_eq(c.ltd, on ? 9 : 1);
        opsin_syn_nl.free(st);
    }
}
END_TEST

/* Points uniform in [-2, 2]^2 outside a band of 0.4 around the axes, labelled by quadrant. */
static void quadrants(double *x, int *lab, size_t n, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++) {
        lab[i] = (int)(i % 4);
        for (int a = 0; a < 2; a++)
            x[2 * i + a] = ((lab[i] >> a) & 1 ? 1 : -1) * (0.4 + 1.6 * gsl_rng_uniform(r));
    }
    gsl_rng_free(r);
}

/* A network learns through nonlinear, noisy devices: 2-8-4 per-image SGD (lr 0.5) on the
 * quadrants, nl with Pmax 100, NL 2 and -1, noise 0.01, variation 0.3: test accuracy on fresh
 * points at least 85 % (chance: 25 %; 90 to 100 % over 8 trainer seeds, the noise makes the
 * spread); and with Pmax 2 (3 states per device, 5 weight levels) it must do worse. */
static double learn_nl(double pmax, uint64_t *pulses)
{
    enum { NB = 200 };
    static const size_t sizes[] = {2, 8, 4};
    double x[2 * NB], xt[2 * NB];
    int lab[NB], labt[NB];
    quadrants(x, lab, NB, 1);
    quadrants(xt, labt, NB, 2);
    opsin_pair_params p = nl_params(1e-6, 3e-6, pmax, 2, -1);
    p.noise = 0.01;
    p.variation = 0.3;
    opsin_mlp *m;
    opsin_trainer *t;
    make_trainer(sizes, 1, 0.5, &opsin_syn_nl, &p, &m, &t);
    for (int e = 0; e < 20; e++)
        opsin_trainer_epoch(t, x, lab, NB);
    double acc = opsin_mlp_accuracy(m, xt, labt, NB);
    *pulses = opsin_trainer_counts(t).ltp + opsin_trainer_counts(t).ltd;
    opsin_trainer_free(t);
    opsin_mlp_free(m);
    return acc;
}

START_TEST(test_learns)
{
    uint64_t pulses;
    double fine = learn_nl(100, &pulses);
    ck_assert_msg(fine >= 0.85, "accuracy %g with Pmax 100", fine);
    ck_assert_uint_gt(pulses, 0);
    double coarse = learn_nl(2, &pulses);
    ck_assert_msg(coarse < fine, "accuracy %g with Pmax 2, %g with Pmax 100", coarse, fine);
}
END_TEST

/* The reader: `opsin fit nl`'s printed parameters pasted as they are. */
static int read_text(const char *text, opsin_pair_params **out, opsin_diag *d)
{
    config_t cfg;
    config_init(&cfg);
    int rc = opsin_cfg_read_string(&cfg, text, "net.cfg", d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d->msg);
    const config_setting_t *g = config_lookup(&cfg, "synapse");
    opsin_wsyn_ctx ctx = {"net.cfg", 0, NULL, 1, 1, NULL};
    const opsin_wsyn_kind *k = opsin_wsyn_find("nl");
    ck_assert(k && k->type == &opsin_syn_nl);
    void *params = NULL;
    rc = k->read(g, &ctx, &params, d);
    config_destroy(&cfg);
    *out = params;
    return rc;
}

START_TEST(test_read)
{
    opsin_pair_params *p;
    opsin_diag d = {""};
    ck_assert_msg(read_text("synapse = { kind = \"nl\"; Gmin = \"1.00366 uS\"; Gmax = "
                            "\"3.99917 uS\"; Pmax = 50; A = 19.9298; NL = 2.50881; A_LTD = "
                            "12.4851; NL_LTD = 4.00476; E_LTP = \"8.9 fJ\"; E_LTD = 25e-15; "
                            "noise = 0.01; variation = 0.5; levels = 32; pair = \"differential\"; "
                            "refresh = 0.1; };", &p, &d) == OPSIN_OK, "%s", d.msg);
    close_to(p->gmin, 1.00366e-6, 1e-18, "Gmin");
    close_to(p->gmax, 3.99917e-6, 1e-18, "Gmax");
    ck_assert(p->pmax == 50 && p->nl_ltp == 2.50881 && p->nl_ltd == 4.00476);
    close_to(p->e_ltp, 8.9e-15, 1e-27, "E_LTP");
    ck_assert(p->e_ltd == 25e-15 && p->noise == 0.01 && p->variation == 0.5);
    ck_assert(p->levels == 32 && p->refresh == 0.1 && p->mode == OPSIN_PAIR_DIFFERENTIAL);
    char buf[1024] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    opsin_wsyn_find("nl")->describe(p, f);
    fclose(f);
    ck_assert_msg(strstr(buf, "# synapse: nl law, Gmin 1.00366e-06 S, Gmax 3.99917e-06 S, Pmax "
                         "50, NL 2.50881, NL_LTD 4.00476") != NULL, "%s", buf);
    opsin_wsyn_find("nl")->free_params(p);
    /* A alone gives NL = Pmax/A; NL_LTD defaults to NL; the defaults */
    ck_assert(read_text("synapse = { kind = \"nl\"; Pmax = 100; A = 40; };", &p, &d) == OPSIN_OK);
    ck_assert(p->nl_ltp == 2.5 && p->nl_ltd == 2.5 && p->gmin == 0 && p->gmax == 1e-6);
    ck_assert(p->noise == 0 && p->levels == 0 && p->refresh == 0 && p->variation == 0);
    opsin_pair_params_free(p);
    ck_assert(read_text("synapse = { kind = \"nl\"; Pmax = \"inf\"; pair = \"reference\"; };",
                        &p, &d) == OPSIN_OK);
    ck_assert(isinf(p->pmax) && p->nl_ltp == 0 && p->mode == OPSIN_PAIR_REFERENCE);
    opsin_pair_params_free(p);
    ck_assert(read_text("synapse = { kind = \"nl\"; Pmax = \"continuous\"; };", &p, &d) ==
              OPSIN_OK);
    ck_assert(isinf(p->pmax));
    opsin_pair_params_free(p);
    /* a negative Gmin, as opsin fit nl prints for a staircase of -G */
    ck_assert(read_text("synapse = { kind = \"nl\"; Gmin = \"-1.0 uS\"; Gmax = \"21 uS\"; "
                        "Pmax = 504; NL = 1.364; };", &p, &d) == OPSIN_OK);
    ck_assert(p->gmin == -1e-6 && p->gmax == 21e-6);
    opsin_pair_params_free(p);
}
END_TEST

START_TEST(test_read_errors)
{
    static const char *const cases[][2] = {
        {"foo = 1;", "net.cfg:2: unknown nl synapse key 'foo' (expected one of: kind, Gmin, Gmax, "
                     "Pmax, NL, NL_LTD, A, A_LTD, variation, E_LTP, E_LTD, pair, noise, levels, "
                     "refresh)"},
        {"Pmax = 0;", "net.cfg:2: Pmax = 0 is out of range (expected pulses > 0, or \"inf\")"},
        {"Pmax = \"many\";", "net.cfg:2: Pmax: "},
        {"Pmax = 10; Gmax = \"1 uS\"; Gmin = \"2 uS\";",
         "net.cfg:2: Gmax = 1e-06 S is not above Gmin = 2e-06 S (expected Gmin < Gmax)"},
        {"Pmax = 10; Gmin = -1; Gmax = -2;",
         "net.cfg:2: Gmax = -2 S is not above Gmin = -1 S (expected Gmin < Gmax)"},
        {"Pmax = 10; Gmin = \"1 V\";", "net.cfg:2: Gmin: "},
        {"Pmax = 50; NL = 2.5; A = 19;", "net.cfg:2: A = 19 does not match Pmax/NL = 20 "
                                         "(expected A = Pmax/NL as opsin fit nl prints them, or "
                                         "only one of the two)"},
        {"Pmax = 50; NL_LTD = 4; A_LTD = 12;", "net.cfg:2: A_LTD = 12 does not match "
                                               "Pmax/NL_LTD = 12.5 (expected A_LTD = Pmax/NL_LTD "
                                               "as opsin fit nl prints them, or only one of the "
                                               "two)"},
        {"Pmax = \"inf\"; A = 3;", "net.cfg:2: A with Pmax = \"inf\" (expected NL: A = Pmax/NL "
                                   "needs a finite Pmax)"},
        {"Pmax = 10; A = 0;", "net.cfg:2: A = 0 is out of range (expected a finite number of "
                              "pulses, not 0)"},
        {"Pmax = 10; NL = \"x\";", "net.cfg:2: NL: "},
        {"Pmax = 10; NL = [1];", "net.cfg:2: NL is an array (expected a number)"},
        {"Pmax = 10; variation = -0.1;", "net.cfg:2: variation = -0.1 is out of range "
                                         "(expected the sd of a device's NL, >= 0)"},
        {"Pmax = 10; E_LTD = \"-3 fJ\";", "net.cfg:2: E_LTD = -3e-15 is out of range "
                                          "(expected an energy per pulse >= 0 J)"},
        {"Pmax = \"inf\"; noise = 0.1;", "net.cfg:2: noise with Pmax = \"inf\" (expected a "
                                         "finite Pmax: the noise is per pulse)"},
        {"Pmax = 10; noise = -0.1;", "net.cfg:2: noise = -0.1 is out of range (expected a "
                                     "fraction of Gmax - Gmin >= 0)"},
        {"Pmax = 10; pair = \"triple\";", "net.cfg:2: unknown pair 'triple' (expected "
                                          "\"differential\" or \"reference\")"},
        {"Pmax = 10; pair = 2;", "net.cfg:2: pair is a number (expected a string)"},
        {"Pmax = 10; levels = 1;", "net.cfg:2: levels = 1 is out of range (expected 0 for an "
                                   "exact read, or a whole number of levels >= 2)"},
        {"Pmax = 10; levels = 2.5;", "net.cfg:2: levels = 2.5 is out of range (expected 0 for "
                                     "an exact read, or a whole number of levels >= 2)"},
        {"Pmax = 10; refresh = 1;", "net.cfg:2: refresh = 1 is out of range (expected a "
                                    "fraction 0 <= F < 1, 0 for none)"},
        {"Pmax = 10; pair = \"reference\"; refresh = 0.1;",
         "net.cfg:2: refresh with pair = \"reference\" (expected pair = \"differential\": a "
         "single device has no partner to re-program)"},
        {"NL = 1;", "net.cfg:1: nl synapse: missing 'Pmax' (expected Pmax = 100; the pulses "
                    "from Gmin to Gmax, or \"inf\" for a continuous device)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "synapse = { kind = \"nl\";\n%s };", cases[i][0]);
        opsin_pair_params *p = NULL;
        opsin_diag d = {""};
        ck_assert_msg(read_text(text, &p, &d) == OPSIN_EINVAL, "case %zu accepted", i);
        ck_assert(p == NULL);
        ck_assert_msg(!strncmp(d.msg, cases[i][1], strlen(cases[i][1])) &&
                          strstr(d.msg, "(expected"),
                      "case %zu: got '%s', expected '%s'", i, d.msg, cases[i][1]);
    }
}
END_TEST

static Suite *wsyn_suite(void)
{
    Suite *s = suite_create("wsyn");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_continuous_is_ideal);
    tcase_add_test(core, test_trainer_equivalence);
    tcase_add_test(core, test_trainer_jobs);
    tcase_add_test(core, test_pulse_counts);
    tcase_add_test(core, test_long_curve);
    tcase_add_test(core, test_own_law);
    tcase_add_test(core, test_variation);
    tcase_add_test(core, test_gauss);
    tcase_add_test(core, test_split_and_saturation);
    tcase_add_test(core, test_reference);
    tcase_add_test(core, test_table);
    tcase_add_test(core, test_blocking);
    tcase_add_test(core, test_save_load);
    tcase_add_test(core, test_refresh);
    suite_add_tcase(s, core);
    TCase *learn = tcase_create("learning");
    tcase_set_timeout(learn, 60);
    tcase_add_test(learn, test_learns);
    suite_add_tcase(s, learn);
    TCase *rd = tcase_create("reader");
    tcase_add_test(rd, test_read);
    tcase_add_test(rd, test_read_errors);
    suite_add_tcase(s, rd);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(wsyn_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
