/* check_staircase.c: the staircase's linear range against its definition written out plainly
 * (every window fitted, every point checked: the O(n^3) search opsin used before), bit for
 * bit, on generated, quantised and example staircases; and the search's cost, by count. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "io/table.h"
#include "protocols/fit.h"

/* ---- the definition -------------------------------------------------------------------- */

static void ref_line_fit(const double *x, const double *y, size_t a, size_t b, double *slope,
                         double *icpt)
{
    double n = (double)(b - a + 1), mx = 0, my = 0, sxx = 0, sxy = 0;
    for (size_t i = a; i <= b; i++) {
        mx += x[i] / n;
        my += y[i] / n;
    }
    for (size_t i = a; i <= b; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
    *icpt = my - *slope * mx;
}

static double ref_line_maxres(const double *x, const double *y, size_t a, size_t b,
                              double slope, double icpt)
{
    double m = 0;
    for (size_t i = a; i <= b; i++)
        m = fmax(m, fabs(y[i] - (icpt + slope * x[i])));
    return m;
}

/* The largest span |slope| (x_b - x_a) of a window whose line is within half a mean step of
 * each of its points; the first such window in the order a ascending, b descending. */
static void ref_linear_range(const double *x, const double *y, size_t n, opsin_staircase *s)
{
    double half = fabs(s->mean_step) / 2, best = -1;
    for (size_t a = 0; a + 1 < n; a++)
        for (size_t b = n - 1; b > a; b--) {
            if (fabs(y[b] - y[a]) + 2 * half <= best)
                continue;
            double slope, icpt;
            ref_line_fit(x, y, a, b, &slope, &icpt);
            double span = fabs(slope * (x[b] - x[a]));
            if (span > best && ref_line_maxres(x, y, a, b, slope, icpt) < half) {
                best = span;
                s->lin_first = a;
                s->lin_last = b;
                s->slope = slope;
                s->intercept = icpt;
            }
        }
    s->linear_range = best;
}

/* opsin's analysis and the definition's linear range give the same doubles. */
static void same_as_definition(const double *x, const double *y, size_t n, const char *what)
{
    opsin_staircase s, r;
    opsin_diag d = {""};
    ck_assert_msg(opsin_staircase_analyse(x, y, n, &s, &d) == 0, "%s: %s", what, d.msg);
    r = s;
    ref_linear_range(x, y, n, &r);
    ck_assert_msg(s.lin_first == r.lin_first && s.lin_last == r.lin_last &&
                  s.slope == r.slope && s.intercept == r.intercept &&
                  s.linear_range == r.linear_range,
                  "%s: [%zu, %zu] slope %.17g icpt %.17g range %.17g; definition [%zu, %zu] "
                  "%.17g %.17g %.17g", what, s.lin_first, s.lin_last, s.slope, s.intercept,
                  s.linear_range, r.lin_first, r.lin_last, r.slope, r.intercept,
                  r.linear_range);
}

/* ---- staircases ------------------------------------------------------------------------ */

enum { SAT, LIN, LTD, SIGMOID, NSHAPES };

/* n points of a shape rising (LTD: falling) by 100 units over the pulses, offset 1e3, with
 * write noise `noise` mean steps per point (seeded). */
static void staircase(int shape, size_t n, double noise, unsigned long seed, double *x,
                      double *y)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double step = 100.0 / (double)n;
    for (size_t i = 0; i < n; i++) {
        double u = (double)i / (double)n, f;
        switch (shape) {
        case SAT: f = (1 - exp(-3 * u)) / (1 - exp(-3)); break;
        case LIN: f = u; break;
        case LTD: f = 1 - (1 - exp(-4 * u)) / (1 - exp(-4)); break;
        default: f = 1 / (1 + exp(-10 * (u - 0.5))); break;
        }
        x[i] = (double)i;
        y[i] = 1e3 + 100 * f + gsl_ran_gaussian(rng, noise * step);
    }
    gsl_rng_free(rng);
}

/* Every shape at write noise from 2 % of a step to 3 steps, two seeds, two lengths. */
START_TEST(test_generated)
{
    static const double noise[] = {0.02, 0.1, 0.3, 1, 3};
    static const size_t len[] = {40, 240};
    double x[240], y[240];
    char what[96];
    for (int shape = 0; shape < NSHAPES; shape++)
        for (size_t k = 0; k < sizeof noise / sizeof noise[0]; k++)
            for (unsigned long seed = 1; seed <= 2; seed++)
                for (size_t l = 0; l < 2; l++) {
                    staircase(shape, len[l], noise[k], seed, x, y);
                    snprintf(what, sizeof what, "shape %d, %zu points, noise %g, seed %lu",
                             shape, len[l], noise[k], seed);
                    same_as_definition(x, y, len[l], what);
                }
}
END_TEST

/* Quantised readings (an instrument's last digit, as in a CSV with 4 decimals): equal spans
 * and residuals exactly at half a step occur, so ties and borderline windows are decided by
 * the definition's own arithmetic. */
START_TEST(test_quantised)
{
    double x[200], y[200];
    char what[64];
    for (unsigned long seed = 1; seed <= 6; seed++) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, seed);
        for (size_t i = 0; i < 200; i++) {
            x[i] = (double)(seed > 3 ? 10 * i + 7 : i);
            double v = 2.0 * (double)i / (double)(seed + 1) + gsl_ran_gaussian(rng, 0.7);
            y[i] = seed % 2 ? round(v) : round(v * 4) / 4; /* whole units, or quarters */
        }
        gsl_rng_free(rng);
        snprintf(what, sizeof what, "quantised, seed %lu", seed);
        same_as_definition(x, y, 200, what);
    }
    /* a periodic ladder: every window of a period has the same line */
    for (size_t i = 0; i < 200; i++) {
        x[i] = (double)i;
        y[i] = (double)(i / 3 * 2 + (i % 3 == 1));
    }
    same_as_definition(x, y, 200, "periodic ladder");
}
END_TEST

/* The example's measured-style LTP and LTD columns. */
START_TEST(test_example_data)
{
    static const char *const cols[] = {"G_LTP", "G_LTD"};
    for (size_t k = 0; k < 2; k++) {
        opsin_table_want w[2] = {{"P", 0, 0}, {cols[k], 0, 0}};
        opsin_table t;
        opsin_diag d = {""};
        ck_assert_msg(opsin_table_read(SRCDIR "/examples/fit-your-data/ltp-ltd.csv", w, 2, &t,
                                       &d) == 0, "%s", d.msg);
        same_as_definition(t.v[0], t.v[1], t.nrows, cols[k]);
        opsin_table_free(&t);
    }
}
END_TEST

/* The search's cost by count, not by clock, on 30,000 points: the definition takes ~n^3/3,
 * 3e8 steps per point, and any search through all windows at least n/2 = 15000 per point;
 * this one stays under 5000 (16 to 2750 on these staircases: the windows from a start end
 * after the few hundred points that lie within a step of one line). */
START_TEST(test_work)
{
    enum { N = 30000 };
    static double x[N], y[N];
    static const double noise[] = {0.05, 0.3, 1};
    for (int shape = 0; shape < NSHAPES; shape++)
        for (size_t k = 0; k < 3; k++) {
            staircase(shape, N, noise[k], 3, x, y);
            opsin_staircase s;
            opsin_diag d = {""};
            ck_assert_msg(opsin_staircase_analyse(x, y, N, &s, &d) == 0, "%s", d.msg);
            printf("staircase shape %d, noise %g: %zu points, linear %zu..%zu, %zu steps "
                   "(%.0f per point)\n", shape, noise[k], (size_t)N, s.lin_first, s.lin_last,
                   s.work, (double)s.work / N);
            ck_assert_msg(s.work <= 5000 * (size_t)N, "shape %d, noise %g: %zu steps", shape,
                          noise[k], s.work);
        }
}
END_TEST

static Suite *staircase_suite(void)
{
    Suite *s = suite_create("staircase");
    TCase *tc = tcase_create("definition");
    tcase_add_test(tc, test_generated);
    tcase_add_test(tc, test_quantised);
    tcase_add_test(tc, test_example_data);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    TCase *w = tcase_create("work");
    tcase_add_test(w, test_work);
    tcase_set_timeout(w, 120);
    suite_add_tcase(s, w);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(staircase_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
