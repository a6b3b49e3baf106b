/* check_ppf.c: the paired-pulse protocol on circuits/fmes.cfg against the closed form of the
 * two-branch linear circuit (2x2 matrix exponential, as in check_models.c), its fit against
 * the circuit's eigenvalues, thread-count independence and every error path. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "protocols/fit.h"
#include "protocols/ppf.h"
#include "testutil.h"

#define FMES SRCDIR "/circuits/fmes.cfg"
#define REL 1e-6

/* circuits/fmes.cfg */
static const double C1 = 39.106e-6, C2 = 7.9109e-3, RD = 173.73, RSD = 245.06e3, RREG = 7e3;
static const double I0 = 3.9603e-3, W = 1e-3;


static tu_lin2 fmes_matrix(void)
{
    return (tu_lin2){-(1 / RREG + 1 / RSD + 1 / RD) / C1, 1 / (RD * C1), 1 / (RD * C2),
                  -1 / (RD * C2)};
}

/* A1, A2 at T after each falling edge (T = 0: the ends of the pulses, where the supercap's
 * charging response peaks). */
static void closed_form(double dt, double T, double *A1, double *A2)
{
    tu_lin2 A = fmes_matrix();
    double on[2] = {I0 / C1, 0}, off[2] = {0, 0}, x[2] = {0, 0};
    tu_lin2_step(&A, on, W, x);
    double y[2] = {x[0], x[1]};
    tu_lin2_step(&A, off, T, y);
    *A1 = y[0];
    tu_lin2_step(&A, off, dt - W, x);
    tu_lin2_step(&A, on, W, x);
    tu_lin2_step(&A, off, T, x);
    *A2 = x[0];
}

static opsin_ppf_opts fmes_opts(const double *iv, size_t n)
{
    opsin_ppf_opts o = opsin_ppf_opts_default();
    o.circuit = FMES;
    o.intervals = iv;
    o.nintervals = n;
    o.width = W;
    o.amplitude = I0;
    return o;
}

static void run_ok(const opsin_ppf_opts *o, opsin_ppf_row *rows)
{
    char unit[32], target[160];
    opsin_diag d = {""};
    ck_assert_msg(opsin_ppf_run(o, rows, unit, target, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_str_eq(unit, "V");
    ck_assert_str_eq(target, "syn.v");
}

/* Seed 004 Fig. 3c condition: 7 kohm, 10 ms, peak rule = the closed form to 1e-6. */
START_TEST(test_closed_form_peak)
{
    static const double iv[] = {10e-3};
    opsin_ppf_opts o = fmes_opts(iv, 1);
    opsin_ppf_row r;
    run_ok(&o, &r);
    double A1, A2;
    closed_form(10e-3, 0, &A1, &A2);
    ck_assert_msg(fabs(r.a1 / A1 - 1) < REL, "A1 %.12g vs %.12g", r.a1, A1);
    ck_assert_msg(fabs(r.a2 / A2 - 1) < REL, "A2 %.12g vs %.12g", r.a2, A2);
    ck_assert_msg(fabs((r.a2 / r.a1) / (A2 / A1) - 1) < REL, "A2/A1 %.12g vs %.12g",
                  r.a2 / r.a1, A2 / A1);
    ck_assert(fabs(A2 / A1 - 1.22) < 0.01); /* the paper's 1.22 */
}
END_TEST

/* The at:T rule reads the free decay T after each falling edge: the closed form again. */
START_TEST(test_closed_form_at)
{
    static const double iv[] = {5e-3, 10e-3, 40e-3};
    opsin_ppf_opts o = fmes_opts(iv, 3);
    o.rule = OPSIN_PPF_AT;
    o.rule_t = 0.7e-3;
    o.jobs = 2;
    opsin_ppf_row r[3];
    run_ok(&o, r);
    for (size_t i = 0; i < 3; i++) {
        double A1, A2;
        closed_form(iv[i], o.rule_t, &A1, &A2);
        ck_assert_msg(fabs(r[i].a1 / A1 - 1) < REL && fabs(r[i].a2 / A2 - 1) < REL,
                      "dt %g: %.12g %.12g vs %.12g %.12g", iv[i], r[i].a1, r[i].a2, A1, A2);
        ck_assert(r[i].a1 < 0.094); /* below the peak: the reading is after the edge */
    }
}
END_TEST

/* A2/A1 falls with the interval, and for this linear circuit it is exactly 1 + two
 * exponentials whose time constants are -1/eigenvalue of the 2x2 matrix. */
START_TEST(test_monotone_and_fit)
{
    enum { N = 16 };
    double iv[N], x[N], y[N];
    for (size_t i = 0; i < N; i++)
        iv[i] = 2e-3 * pow(1000.0, (double)i / (N - 1)); /* 2 ms ... 2 s */
    opsin_ppf_opts o = fmes_opts(iv, N);
    o.jobs = 2;
    opsin_ppf_row r[N];
    run_ok(&o, r);
    for (size_t i = 0; i < N; i++) {
        x[i] = r[i].interval;
        y[i] = r[i].a2 / r[i].a1;
        ck_assert(x[i] == iv[i]);
        ck_assert_msg(y[i] > 1 && (i == 0 || y[i] < y[i - 1]), "A2/A1 %g at %g s", y[i], x[i]);
    }
    opsin_fit_data data = {x, y, N, NULL, NULL, 0, NULL, NULL, NULL};
    opsin_fit_opts fo = opsin_fit_opts_default();
    opsin_fit_result f;
    opsin_diag d = {""};
    ck_assert_msg(opsin_fit_run("ppf", &data, &fo, &f, &d) == OPSIN_OK, "%s", d.msg);
    tu_lin2 A = fmes_matrix();
    double tr = A.a11 + A.a22, det = A.a11 * A.a22 - A.a12 * A.a21;
    double disc = sqrt(tr * tr / 4 - det), tau_fast = -1 / (tr / 2 - disc);
    double tau_slow = -1 / (tr / 2 + disc);
    ck_assert_msg(fabs(f.value[1] / tau_fast - 1) < 1e-4, "tau1 %g vs %g", f.value[1], tau_fast);
    /* the slow term barely moves over 2 s (tau ~ 55 s): a looser check */
    ck_assert_msg(fabs(f.value[3] / tau_slow - 1) < 0.05, "tau2 %g vs %g", f.value[3], tau_slow);
    ck_assert(f.r2 > 1 - 1e-9);
}
END_TEST

/* The rows do not depend on the number of threads: bit for bit. */
START_TEST(test_jobs_identical)
{
    enum { N = 9 };
    static const double iv[N] = {3e-3, 40e-3, 5e-3, 2e-3, 100e-3, 7e-3, 20e-3, 1.5e-3, 60e-3};
    opsin_ppf_row r[3][N];
    for (size_t j = 0; j < 3; j++) {
        opsin_ppf_opts o = fmes_opts(iv, N);
        o.jobs = j + 1;
        run_ok(&o, r[j]);
    }
    ck_assert(memcmp(r[0], r[1], sizeof r[0]) == 0);
    ck_assert(memcmp(r[0], r[2], sizeof r[0]) == 0);
    for (size_t i = 0; i < N; i++)
        ck_assert(r[0][i].interval == iv[i]);
}
END_TEST

/* --set reaches every worker's circuit: a lower R_reg gives less facilitation (Fig. 3a-b). */
START_TEST(test_set)
{
    static const double iv[] = {10e-3, 20e-3};
    const char *sets[] = {"syn.R_reg=500ohm"};
    opsin_ppf_opts o = fmes_opts(iv, 2);
    opsin_ppf_row lo[2], hi[2];
    run_ok(&o, hi);
    o.sets = sets;
    o.nsets = 1;
    o.jobs = 2;
    run_ok(&o, lo);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(lo[i].a2 / lo[i].a1 < hi[i].a2 / hi[i].a1, "%g", lo[i].a2 / lo[i].a1);
}
END_TEST

/* Voltage pulses on the N-LEM: the peak of the EPSC during each pulse, facilitating. */
START_TEST(test_nlem_voltage)
{
    static const double iv[] = {60e-3, 0.2};
    opsin_ppf_opts o = opsin_ppf_opts_default();
    o.circuit = SRCDIR "/circuits/nlem.cfg";
    o.intervals = iv;
    o.nintervals = 2;
    o.width = 30e-3;
    o.amplitude = 5;
    o.kind = OPSIN_SRC_VOLTAGE;
    o.target = "lem.I";
    opsin_ppf_row r[2];
    char unit[32], target[160];
    opsin_diag d = {""};
    ck_assert_msg(opsin_ppf_run(&o, r, unit, target, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_str_eq(unit, "A");
    ck_assert(r[0].a2 > r[0].a1 && r[0].a2 / r[0].a1 > r[1].a2 / r[1].a1);
}
END_TEST

/* Every error, with its message. */
START_TEST(test_errors)
{
    static const double iv[] = {10e-3, 0.5e-3};
    opsin_ppf_opts o = fmes_opts(iv, 2);
    opsin_ppf_row r[2];
    char unit[32], target[160];
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "interval 0.0005 s is too short for 0.001 s pulses (expected "
                     "intervals above 0.001 s, start to start)");
    o.nintervals = 1;
    o.rule = OPSIN_PPF_AT;
    o.rule_t = 9.5e-3;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "interval 0.01 s is too short for 0.001 s pulses read T after the "
                     "edge (expected intervals above 0.0105 s, start to start)");
    o.rule = OPSIN_PPF_PEAK;
    o.nintervals = 0;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "no intervals (expected --intervals LIST)");
    o.nintervals = 1;
    o.jobs = 0;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "0 jobs (expected at least 1)");
    o.jobs = 1;
    o.width = 0;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "width 0 s, amplitude 0.0039603 are not usable (expected width > 0 "
                     "and a finite amplitude, >= 0 for light)");
    o.width = W;
    o.kind = OPSIN_SRC_OPTICAL;
    o.wavelength = 445e-9;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "the pulses on 'syn': target 'syn' (model supercap) takes no optical "
                     "drive (expected a component that accepts optical input)");
    o.kind = OPSIN_SRC_CURRENT;
    o.target = "syn.nope";
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "nope") != NULL, "%s", d.msg);
    o.target = NULL;
    o.source = "other";
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "unknown target 'other'") != NULL, "%s", d.msg);
    o.source = NULL;
    const char *sets[] = {"syn.R_x=5"};
    o.sets = sets;
    o.nsets = 1;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "R_x") != NULL, "%s", d.msg);
    const char *bad[] = {"syn.R_reg"};
    o.sets = bad;
    ck_assert_int_eq(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "--set syn.R_reg: expected ID.PARAM=VALUE");
    o.nsets = 0;
    o.circuit = SRCDIR "/circuits/none.cfg";
    ck_assert_int_ne(opsin_ppf_run(&o, r, unit, target, &d), OPSIN_OK);
    ck_assert_msg(strstr(d.msg, "none.cfg") != NULL, "%s", d.msg);
}
END_TEST

static Suite *ppf_suite(void)
{
    Suite *s = suite_create("ppf");
    TCase *tc = tcase_create("fmes");
    tcase_add_test(tc, test_closed_form_peak);
    tcase_add_test(tc, test_closed_form_at);
    tcase_add_test(tc, test_monotone_and_fit);
    tcase_add_test(tc, test_jobs_identical);
    tcase_add_test(tc, test_set);
    tcase_add_test(tc, test_nlem_voltage);
    tcase_add_test(tc, test_errors);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off(); /* the fit API reports GSL failures itself (fit.h) */
    SRunner *sr = srunner_create(ppf_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
