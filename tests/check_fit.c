/* check_fit.c: round trips of every fit model (curves generated here from known parameters
 * plus seeded Gaussian noise), the staircase analysis, the CSV reader and every error path. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "io/table.h"
#include "protocols/fit.h"

#define NSEEDS 50
#define MAXN 128

/* One test case: a generator written out here (not the fit's own code) and its truth in
 * the order the fit reports (fixed entries are skipped by the checks). */
typedef struct gen {
    const char *model;
    double (*f)(const double *p, int s, double x);
    double p[8];        /* generator parameters */
    double truth[8];    /* reported values */
    size_t n, n2;
    double x[MAXN], x2[MAXN];
    double sigma;       /* noise std, y units */
} gen;

/* Seed 002's law with Pmax = 50: LTP from Gmin, LTD (d pulses from the top) from Gmax. */
static double nl_gen(const double *p, int s, double x)
{
    double Gmin = p[0], Gmax = p[1], Pmax = p[2], A = s ? p[4] : p[3];
    double g = (1 - exp(-x / A)) / (1 - exp(-Pmax / A));
    return s ? Gmax - (Gmax - Gmin) * g : Gmin + (Gmax - Gmin) * g;
}

static double ppf_gen(const double *p, int s, double x)
{
    (void)s;
    return 1 + p[0] * exp(-x / p[1]) + p[2] * exp(-x / p[3]);
}

static double decay_gen(const double *p, int s, double x)
{
    (void)s;
    return p[1] + (p[0] - p[1]) * exp(-pow(x / p[2], p[3]));
}

static double stdp_gen(const double *p, int s, double x)
{
    (void)s;
    return x > 0 ? p[0] * exp(-x / p[1]) : -p[2] * exp(x / p[3]);
}

/* The five cases: nl (LTP), nl (LTP + LTD), ppf, decay, stdp. */
static void gen_case(int k, gen *g)
{
    memset(g, 0, sizeof *g);
    switch (k) {
    case 0:
    case 1:
        *g = (gen){"nl", nl_gen, {1e-6, 5e-6, 50, 50.0 / 3, 25}, {1e-6, 5e-6, 50, 50.0 / 3, 3,
                   25, 2}, 51, k ? 51 : 0, {0}, {0}, 0.04e-6};
        for (size_t i = 0; i <= 50; i++)
            g->x[i] = g->x2[i] = (double)i;
        break;
    case 2:
        *g = (gen){"ppf", ppf_gen, {0.5, 0.01, 0.3, 0.2}, {0.5, 0.01, 0.3, 0.2}, 25, 0, {0}, {0},
                   0.01};
        for (size_t i = 0; i < 25; i++)
            g->x[i] = 1e-3 * pow(1000.0, (double)i / 24); /* 1 ms ... 1 s */
        break;
    case 3:
        *g = (gen){"decay", decay_gen, {10, 2, 5, 0.6}, {10, 2, 5, 0.6}, 40, 0, {0}, {0}, 0.05};
        for (size_t i = 0; i < 40; i++)
            g->x[i] = 50.0 * (double)i / 39;
        break;
    default:
        *g = (gen){"stdp", stdp_gen, {0.8, 0.017, 0.5, 0.034}, {0.8, 0.017, 0.5, 0.034}, 40, 0,
                   {0}, {0}, 0.02};
        for (size_t i = 0; i < 20; i++) {
            g->x[i] = -0.1 + 0.099 * (double)i / 19; /* -100 ... -1 ms */
            g->x[20 + i] = 0.001 + 0.099 * (double)i / 19;
        }
    }
}
#define NCASES 5

/* Data of case g with noise of seed `seed` (sigma = 0: exact), then the fit. */
static int gen_fit(const gen *g, unsigned long seed, double sigma, opsin_fit_result *r,
                   opsin_diag *d)
{
    double y[MAXN], y2[MAXN];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    for (size_t i = 0; i < g->n; i++)
        y[i] = g->f(g->p, 0, g->x[i]) + gsl_ran_gaussian(rng, sigma);
    for (size_t i = 0; i < g->n2; i++)
        y2[i] = g->f(g->p, 1, g->x2[i]) + gsl_ran_gaussian(rng, sigma);
    gsl_rng_free(rng);
    opsin_fit_data data = {g->x, y, g->n, g->n2 ? g->x2 : NULL, g->n2 ? y2 : NULL, g->n2,
                           NULL, NULL, "test"};
    opsin_fit_opts o = opsin_fit_opts_default();
    return opsin_fit_run(g->model, &data, &o, r, d);
}

/* Without noise every parameter comes back to 1e-6 (relative) and R^2 is 1. */
START_TEST(test_exact)
{
    gen g;
    gen_case(_i, &g);
    opsin_fit_result r;
    opsin_diag d = {""};
    ck_assert_msg(gen_fit(&g, 1, 0.0, &r, &d) == 0, "%s: %s", g.model, d.msg);
    for (size_t k = 0; k < r.nr; k++)
        ck_assert_msg(fabs(r.value[k] - g.truth[k]) <= 1e-6 * fabs(g.truth[k]),
                      "%s %s = %.12g, true %.12g", g.model, r.name[k], r.value[k], g.truth[k]);
    ck_assert_msg(r.r2 > 1 - 1e-12, "R^2 %.15g", r.r2);
}
END_TEST

/* With noise: within 3 SE at seed 1, and over 50 seeds the fraction within 2 SE lies in
 * [0.85, 1] for every parameter (95 % expected if the standard errors are right: a wrong
 * scaling by 2 gives about 68 % or 100 %); the mean |z| is near sqrt(2/pi) = 0.80. */
START_TEST(test_noise)
{
    gen g;
    gen_case(_i, &g);
    size_t within2[8] = {0}, nfree = 0;
    double absz[8] = {0};
    for (unsigned long seed = 1; seed <= NSEEDS; seed++) {
        opsin_fit_result r;
        opsin_diag d = {""};
        ck_assert_msg(gen_fit(&g, seed, g.sigma, &r, &d) == 0, "%s seed %lu: %s", g.model, seed,
                      d.msg);
        nfree = 0;
        for (size_t k = 0; k < r.nr; k++) {
            if (r.fixed[k])
                continue;
            double z = (r.value[k] - g.truth[k]) / r.se[k];
            ck_assert_msg(isfinite(z) && r.se[k] > 0, "%s: SE of %s = %g", g.model, r.name[k],
                          r.se[k]);
            if (seed == 1)
                ck_assert_msg(fabs(z) < 3, "%s: %s = %g +- %g, true %g", g.model, r.name[k],
                              r.value[k], r.se[k], g.truth[k]);
            within2[k] += fabs(z) < 2;
            absz[k] += fabs(z) / NSEEDS;
            nfree++;
        }
    }
    ck_assert_uint_ge(nfree, 4);
    for (size_t k = 0; k < 8; k++) {
        if (!within2[k] && absz[k] == 0)
            continue;
        double frac = (double)within2[k] / NSEEDS;
        ck_assert_msg(frac >= 0.85 && frac <= 1.0, "%s parameter %zu: %.2f within 2 SE", g.model,
                      k, frac);
        ck_assert_msg(absz[k] > 0.5 && absz[k] < 1.1, "%s parameter %zu: mean |z| %.3f", g.model,
                      k, absz[k]);
    }
}
END_TEST

/* Many points: the start grid sees at most 4096 of them (its cost does not grow with the
 * data: 2 passes per grid point), the solver all of them, and the fit still recovers every
 * parameter within 3 SE (SEs shrink as 1/sqrt(n)).  The ppf and decay cases on 20,000
 * points; before, the grid evaluated the model 2 x 1128 x 20,000 times for ppf. */
START_TEST(test_many_points)
{
    enum { N = 20000 };
    static double x[N], y[N];
    static const int cases[] = {2, 3};
    for (size_t c = 0; c < 2; c++) {
        gen g;
        gen_case(cases[c], &g);
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        for (size_t i = 0; i < N; i++) {
            double u = (double)i / (N - 1);
            x[i] = g.model[0] == 'p' ? 1e-3 * pow(1000.0, u) : 50.0 * u;
            y[i] = g.f(g.p, 0, x[i]) + gsl_ran_gaussian(rng, g.sigma);
        }
        gsl_rng_free(rng);
        opsin_fit_data data = {x, y, N, NULL, NULL, 0, NULL, NULL, "many"};
        opsin_fit_opts o = opsin_fit_opts_default();
        opsin_fit_result r;
        opsin_diag d = {""};
        ck_assert_msg(opsin_fit_run(g.model, &data, &o, &r, &d) == 0, "%s: %s", g.model, d.msg);
        ck_assert_uint_eq(r.n, N);
        ck_assert_msg(r.grid_evals <= 2 * 48 * 48 * 4096, "%s: %zu grid evaluations", g.model,
                      r.grid_evals);
        for (size_t k = 0; k < r.nr; k++)
            ck_assert_msg(fabs(r.value[k] - g.truth[k]) < 3 * r.se[k], "%s: %s = %g +- %g, "
                          "true %g", g.model, r.name[k], r.value[k], r.se[k], g.truth[k]);
    }
}
END_TEST

/* The fitted curve goes through exact data. */
START_TEST(test_eval)
{
    gen g;
    gen_case(2, &g);
    opsin_fit_result r;
    opsin_diag d = {""};
    ck_assert_int_eq(gen_fit(&g, 1, 0.0, &r, &d), 0);
    for (size_t i = 0; i < g.n; i++)
        ck_assert(fabs(opsin_fit_eval(&r, 0, g.x[i]) - ppf_gen(g.p, 0, g.x[i])) < 1e-9);
}
END_TEST

/* --p0 Pmax fixes Pmax; names are checked. */
START_TEST(test_p0)
{
    gen g;
    gen_case(0, &g);
    double y[MAXN];
    for (size_t i = 0; i < g.n; i++)
        y[i] = nl_gen(g.p, 0, g.x[i]);
    opsin_fit_data data = {g.x, y, 40, NULL, NULL, 0, NULL, NULL, "t.csv"}; /* P 0..39 */
    opsin_fit_opts o = opsin_fit_opts_default();
    opsin_fit_result r;
    opsin_diag d = {""};
    o.p0 = "Pmax=50,NL=2.5,Gmin=1.1e-6";
    ck_assert_msg(opsin_fit_run("nl", &data, &o, &r, &d) == 0, "%s", d.msg);
    ck_assert(r.fixed[2] && r.value[2] == 50);
    ck_assert_msg(fabs(r.value[1] - 5e-6) < 1e-12 && fabs(r.value[4] - 3) < 1e-6, "%g %g",
                  r.value[1], r.value[4]);
    o.p0 = "tau9=1";
    ck_assert_int_eq(opsin_fit_run("nl", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "--p0: no parameter 'tau9' with value 1 in model nl (expected one "
                     "of Gmin, Gmax, Pmax, A, NL; time constants > 0)");
    o.p0 = "NL";
    ck_assert_int_eq(opsin_fit_run("nl", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "--p0: 'NL' is not NAME=VALUE (expected e.g. tau1=0.01)");
    o.p0 = "Pmax=-3";
    ck_assert_int_eq(opsin_fit_run("nl", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "--p0: Pmax = -3 is not positive (expected the pulse number of the "
                     "last state)");
}
END_TEST

/* Every error of opsin_fit_run, with its message. */
START_TEST(test_errors)
{
    static const double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {1.5, 1.4, 1.3, 1.2, 1.15, 1.1};
    static const double xs[6] = {-2, -1, 0, 1, 2, 3}, xn[6] = {-1, 1, 2, 3, 4, 5};
    static const int lines[6] = {2, 3, 4, 5, 6, 7};
    opsin_fit_data data = {x, y, 4, NULL, NULL, 0, lines, NULL, "m.csv"};
    opsin_fit_opts o = opsin_fit_opts_default();
    opsin_fit_result r;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_fit_run("ppf", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv: 4 data points are too few for model ppf (expected at least "
                     "5)");
    ck_assert_int_eq(opsin_fit_run("linear", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "unknown model 'linear' (expected nl, ppf, decay, stdp or "
                     "staircase)");
    data.n = 6;
    data.x2 = x;
    data.y2 = y;
    data.n2 = 6;
    ck_assert_int_eq(opsin_fit_run("ppf", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "model ppf fits one series (expected --y2 only with nl)");
    data.n2 = 0;
    data.x = xs;
    ck_assert_int_eq(opsin_fit_run("ppf", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv:2: interval -2 is not positive (expected interval > 0)");
    ck_assert_int_eq(opsin_fit_run("stdp", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv:4: dt = 0 belongs to neither branch of the window (expected "
                     "dt > 0 or dt < 0)");
    data.x = xn;
    ck_assert_int_eq(opsin_fit_run("stdp", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv: 5 points with dt > 0 and 1 with dt < 0 (expected at least "
                     "2 on each side)");
    ck_assert_int_eq(opsin_fit_run("decay", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv:2: time -1 is negative (expected t >= 0, measured from the "
                     "end of the stimulus)");
    ck_assert_int_eq(opsin_fit_run("nl", &data, &o, &r, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "m.csv:2: pulse number -1 is negative (expected P >= 0)");
}
END_TEST

/* A solver stopped after one iteration reports that it did not converge. */
START_TEST(test_no_convergence)
{
    gen g;
    gen_case(3, &g);
    double y[MAXN];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < g.n; i++)
        y[i] = decay_gen(g.p, 0, g.x[i]) + gsl_ran_gaussian(rng, g.sigma);
    gsl_rng_free(rng);
    opsin_fit_data data = {g.x, y, g.n, NULL, NULL, 0, NULL, NULL, "d.csv"};
    opsin_fit_opts o = opsin_fit_opts_default();
    o.max_iter = 1;
    opsin_fit_result r;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_fit_run("decay", &data, &o, &r, &d), OPSIN_ESOLVER);
    ck_assert_str_eq(d.msg, "d.csv: model decay did not converge after 1 iterations (exceeded "
                     "max number of iterations) (expected data the model can follow; try --p0 "
                     "NAME=VALUE)");
}
END_TEST

/* ---- staircase ------------------------------------------------------------------------ */

/* A linear staircase, step mu, write noise sigma per step: SNR = (mu/sigma)^2, every step a
 * state, the whole range linear, LDR = mu (N - 1)/sigma (within the sampling error of the
 * noise estimates over 200 steps: 15 %). */
START_TEST(test_staircase_linear)
{
    enum { N = 201 };
    double x[N], y[N], mu = 1e-9, sigma = 0.02e-9;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    y[0] = 1e-9;
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)i;
        if (i)
            y[i] = y[i - 1] + mu + gsl_ran_gaussian(rng, sigma);
    }
    gsl_rng_free(rng);
    opsin_staircase s;
    opsin_diag d = {""};
    ck_assert_msg(opsin_staircase_analyse(x, y, N, &s, &d) == 0, "%s", d.msg);
    ck_assert_uint_eq(s.states, N);
    ck_assert_msg(fabs(s.mean_step / mu - 1) < 0.01, "mean step %g", s.mean_step);
    ck_assert_msg(fabs(s.noise_std / sigma - 1) < 0.15, "noise %g", s.noise_std);
    ck_assert_msg(fabs(s.snr / (mu * mu / sigma / sigma) - 1) < 0.3, "SNR %g", s.snr);
    ck_assert_uint_eq(s.lin_first, 0);
    ck_assert_uint_eq(s.lin_last, N - 1);
    ck_assert_msg(fabs(s.ldr / (mu * (N - 1) / sigma) - 1) < 0.15, "LDR %g", s.ldr);
}
END_TEST

/* A saturating staircase: steps shrink below the noise, so fewer states, and the linear
 * range is the early part only. */
START_TEST(test_staircase_saturating)
{
    enum { N = 101 };
    double x[N], y[N];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)i;
        y[i] = 1 - exp(-x[i] / 15) + (i ? gsl_ran_gaussian(rng, 0.002) : 0);
    }
    gsl_rng_free(rng);
    opsin_staircase s;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_staircase_analyse(x, y, N, &s, &d), 0);
    ck_assert_msg(s.states > 20 && s.states < 80, "states %zu", s.states);
    ck_assert_msg(s.lin_first < 10 && x[s.lin_last] < 60, "linear %zu..%zu", s.lin_first,
                  s.lin_last);
}
END_TEST

START_TEST(test_staircase_errors)
{
    static const double x[5] = {0, 1, 2, 2, 4}, y[5] = {1, 2, 3, 4, 5}, f[5] = {1, 2, 1, 2, 1};
    opsin_staircase s;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_staircase_analyse(x, y, 3, &s, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "3 points are too few for a staircase (expected at least 4)");
    ck_assert_int_eq(opsin_staircase_analyse(x, y, 5, &s, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "pulse numbers are not increasing at point 4 (2 after 2) (expected "
                     "one row per pulse, in order)");
    static const double xi[5] = {0, 1, 2, 3, 4};
    ck_assert_int_eq(opsin_staircase_analyse(xi, y, 5, &s, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "no write noise: every step is equal, the dynamic range is unbounded "
                     "(expected a staircase with a net change and some write noise)");
    ck_assert_int_eq(opsin_staircase_analyse(xi, f, 5, &s, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "no net change over the pulses (expected a staircase with a net "
                     "change and some write noise)");
}
END_TEST

/* ---- CSV reader ----------------------------------------------------------------------- */

static const char *write_csv(const char *text)
{
    static char name[64];
    snprintf(name, sizeof name, "/tmp/check-fit-%ld.csv", (long)getpid());
    FILE *fp = fopen(name, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return name;
}

START_TEST(test_table)
{
    const char *p = write_csv("# measured\nnote,\"P\",G (uS),G_LTD (uS)\r\n"
                              "a,0,1.0,5\n\nb,1, 2.5 ,\nc,2,3,4.5\n");
    opsin_table_want w[3] = {{"P", 0, 0}, {"G", 0, 0}, {"G_LTD", 0, 1}};
    opsin_table t;
    opsin_diag d = {""};
    ck_assert_msg(opsin_table_read(p, w, 3, &t, &d) == 0, "%s", d.msg);
    ck_assert_uint_eq(t.nrows, 3);
    ck_assert(t.v[1][1] == 2.5 && isnan(t.v[2][1]) && t.v[2][2] == 4.5);
    ck_assert_int_eq(t.line[2], 6);
    ck_assert_str_eq(t.unit[1], "uS");
    ck_assert_str_eq(t.header[1], "G (uS)");
    opsin_table_free(&t);
    opsin_table_want pos[2] = {{NULL, 1, 0}, {NULL, 2, 0}};
    ck_assert_int_eq(opsin_table_read(p, pos, 2, &t, &d), 0);
    ck_assert(t.v[0][2] == 2 && t.v[1][2] == 3);
    opsin_table_free(&t);
    unlink(p);
}
END_TEST

/* A CSV of len bytes (NUL bytes too) read for columns w fails with EINVAL and the message
 * "PATH" + tail. */
static void table_error(const char *text, size_t len, const opsin_table_want *w,
                        const char *tail)
{
    const char *p = write_csv("");
    FILE *fp = fopen(p, "w");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
    fclose(fp);
    opsin_table t;
    opsin_diag d = {""};
    char want[640];
    ck_assert_int_eq(opsin_table_read(p, w, 2, &t, &d), OPSIN_EINVAL);
    snprintf(want, sizeof want, "%s%s", p, tail);
    ck_assert_str_eq(d.msg, want);
    unlink(p);
}
#define TABLE_ERROR(text, w, tail) table_error(text, sizeof text - 1, w, tail)

START_TEST(test_table_errors)
{
    opsin_table t;
    opsin_diag d = {""};
    opsin_table_want w[2] = {{"P", 0, 0}, {"G", 0, 0}};
    opsin_table_want pos[2] = {{NULL, 0, 0}, {NULL, 1, 0}};
    TABLE_ERROR("P,Gx\n0,1\n", w, ":1: no column 'G' (expected one of 'P', 'Gx')");
    TABLE_ERROR("P,G\n0,1\n1,2\n2,abc\n", w,
                ":4: column 'G' holds 'abc' (expected a finite number)");
    TABLE_ERROR("P,G\n0,\n", w, ":2: column 'G' holds '(empty)' (expected a finite number)");
    TABLE_ERROR("P\n0\n", pos, ":1: the header has 1 column, column 2 is missing (expected at "
                "least 2 columns)");
    TABLE_ERROR("# nothing\n\n", w, ":2: no header row (expected names, e.g. P,G)");
    TABLE_ERROR("x,G,x (s)\n0,1,2\n", w, ":1: column name 'x' is given twice (columns 1 and 3) "
                "(expected each column named once)");
    TABLE_ERROR("P,G,\n0,1,\n1,2,3,\n", w, ":3: 4 cells in a row under a header of 3 columns "
                "(expected at most one cell per column)");
    TABLE_ERROR("P,G\n0,1\n1,2\0\n", w, ":3: a NUL byte at column 4 (expected a text file)");
    char wide[2400] = "P";
    for (int i = 0; i < 299; i++)
        snprintf(wide + strlen(wide), sizeof wide - strlen(wide), ",c%d", i);
    strcat(wide, "\n0,1\n");
    table_error(wide, strlen(wide), w, ":1: the header has 300 columns (expected at most 256)");
    ck_assert_int_eq(opsin_table_read("/", w, 2, &t, &d), OPSIN_EIO);
    ck_assert_str_eq(d.msg, "/: cannot open: Is a directory (expected a readable CSV file)");
    ck_assert_int_eq(opsin_table_read("/nonexistent/x.csv", w, 2, &t, &d), OPSIN_EIO);
    ck_assert_str_eq(d.msg, "/nonexistent/x.csv: cannot open: No such file or directory "
                     "(expected a readable CSV file)");
}
END_TEST

static Suite *fit_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("round trip");
    tcase_add_loop_test(tc, test_exact, 0, NCASES);
    tcase_add_loop_test(tc, test_noise, 0, NCASES);
    tcase_add_test(tc, test_eval);
    tcase_add_test(tc, test_p0);
    tcase_add_test(tc, test_many_points);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    TCase *st = tcase_create("staircase");
    tcase_add_test(st, test_staircase_linear);
    tcase_add_test(st, test_staircase_saturating);
    suite_add_tcase(s, st);
    TCase *er = tcase_create("errors");
    tcase_add_test(er, test_errors);
    tcase_add_test(er, test_no_convergence);
    tcase_add_test(er, test_staircase_errors);
    tcase_add_test(er, test_table);
    tcase_add_test(er, test_table_errors);
    suite_add_tcase(s, er);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off(); /* the fit API reports GSL failures itself (fit.h) */
    SRunner *sr = srunner_create(fit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
