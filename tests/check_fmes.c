/* check_fmes.c: circuits/fmes.cfg against the MXene supercapacitor rows of the calibration
 * table (seed 004, Natl Sci Rev FMES synapse); numbers and tolerances copied here with their
 * source so that the test needs nothing outside the project. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

#define FMES SRCDIR "/circuits/fmes.cfg"

/* Seed 004, Fig. 3c: A1 = 0.094 V, A2 = 0.115 V at 7000 ohm, 10 ms; tolerance 10 %. */
#define PAPER_A1 0.094
#define PAPER_PPF 1.22
#define TOL_PPF 0.10

static const char *const r_values[] = {"500", "1000", "8000", "open"};
#define NR 4

/* A2/A1 of two 1 ms pulses of amplitude I, start-to-start interval dt, at R_reg = R. */
static double ppf_ratio(const char *R, double I, double dt, double *A1)
{
    char stim[512], set[64];
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = 1e-3;\n"
             " width = 1e-3; period = %.17g; count = 2; amplitude = %.17g; });\n", dt, I);
    snprintf(set, sizeof set, "syn.R_reg=%s", R);
    const char *sets[] = {set, NULL};
    trace tr;
    tu_run_stim(&tr, FMES, stim, 2e-3 + dt + 1e-3, 1e-3, NULL, sets);
    double a1 = tu_before(&tr, 0, 2e-3), a2 = tu_before(&tr, 0, 2e-3 + dt);
    tu_free(&tr);
    if (A1)
        *A1 = a1;
    return a2 / a1;
}

/* The paper's PPF at 7000 ohm and 10 ms from the shipped preset and stimulus. */
START_TEST(test_ppf_7000)
{
    trace tr;
    tu_run_files(&tr, FMES, SRCDIR "/stimuli/fmes-ppf.cfg", 0, 1e-3, NULL, NULL);
    double A1 = tu_before(&tr, 0, 2e-3), A2 = tu_before(&tr, 0, 12e-3);
    ck_assert_msg(fabs(A1 - PAPER_A1) <= TOL_PPF * PAPER_A1, "A1 = %g V", A1);
    ck_assert_msg(fabs(A2 / A1 - PAPER_PPF) <= TOL_PPF * PAPER_PPF, "A2/A1 = %g", A2 / A1);
    tu_free(&tr);
}
END_TEST

/* Seed 004 Fig. 3a-b: A2/A1 decays faster with interval at lower R (500 ... 8000, open). */
START_TEST(test_ppf_vs_r)
{
    static const double intervals[] = {5e-3, 10e-3, 20e-3};
    double prev_dt[NR] = {INFINITY, INFINITY, INFINITY, INFINITY};
    for (size_t k = 0; k < 3; k++) {
        double prev = 0.0;
        for (size_t r = 0; r < NR; r++) {
            double q = ppf_ratio(r_values[r], 3.9603e-3, intervals[k], NULL);
            ck_assert_msg(q > prev, "dt %g, R %s: %g not above %g", intervals[k], r_values[r], q,
                          prev);
            ck_assert_msg(q < prev_dt[r] && q > 1.0, "R %s: PPF does not decay with interval",
                          r_values[r]);
            prev = prev_dt[r] = q;
        }
    }
}
END_TEST

/* Seed 004 Fig. 2c: the PSV of a 0.5 mA, 1 ms pulse rises with R.  (The 0.12 -> 0.74 V
 * values are CV readings, out of reach of any linear RC device as a pulse response: see
 * circuits/fmes.cfg and circuits/calibrate-fmes.py.) */
START_TEST(test_psv_vs_r)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = 0;\n"
        " width = \"1 ms\"; amplitude = \"0.5 mA\"; });\n";
    double prev = 0.0;
    for (size_t r = 0; r < NR; r++) {
        char set[64];
        snprintf(set, sizeof set, "syn.R_reg=%s", r_values[r]);
        const char *sets[] = {set, NULL};
        trace tr;
        tu_run_stim(&tr, FMES, stim, 2e-3, 1e-3, NULL, sets);
        double psv = tu_before(&tr, 0, 1e-3);
        ck_assert_msg(psv > prev, "R %s: PSV %g not above %g", r_values[r], psv, prev);
        prev = psv;
        tu_free(&tr);
    }
}
END_TEST

/* Seed 004 Fig. 1e / 3h-i: 150 x +1 mA then 150 x -1 mA at 500 Hz; larger R gives a larger
 * weight change per pulse.  W_n is the PSV just before pulse n+1 (at n x 2 ms). */
START_TEST(test_ltp_ltd_vs_r)
{
    double prev_ltp = 0.0, prev_ltd = 0.0;
    for (size_t r = 0; r < NR; r++) {
        char set[64];
        snprintf(set, sizeof set, "syn.R_reg=%s", r_values[r]);
        const char *sets[] = {set, NULL};
        trace tr;
        tu_run_files(&tr, FMES, SRCDIR "/stimuli/fmes-ltp-ltd.cfg", 0.61, 1e-3, NULL, sets);
        double w1 = tu_before(&tr, 0, 2e-3), w150 = tu_before(&tr, 0, 0.3);
        double w300 = tu_before(&tr, 0, 0.6);
        double ltp = (w150 - w1) / 149, ltd = (w150 - w300) / 150;
        ck_assert_msg(ltp > prev_ltp && ltd > prev_ltd, "R %s: dw %g / %g", r_values[r], ltp, ltd);
        prev_ltp = ltp;
        prev_ltd = ltd;
        tu_free(&tr);
    }
}
END_TEST

/* Seed 004 Fig. 3g: after a 500 Hz, 1 mA train (open), the PSV loses < 10 % over 100 s.
 * The calibration put R_sd at 5 % loss, measured from 135.1 ms (20 fast time constants)
 * after the last falling edge; the simulator must agree with that derivation too. */
START_TEST(test_retention)
{
    const char *sets[] = {"syn.R_reg=open", NULL};
    const double t_set = 149 * 2e-3 + 1e-3 + 0.1351;
    double u[2];
    for (int k = 0; k < 2; k++) { /* the last row of a run is exactly at t_end */
        trace tr;
        tu_run_files(&tr, FMES, SRCDIR "/stimuli/fmes-retention.cfg", t_set + 100.0 * k, 1.0,
                     NULL, sets);
        u[k] = tr.v[(tr.nrows - 1) * tr.ncols];
        ck_assert(tr.t[tr.nrows - 1] == t_set + 100.0 * k);
        tu_free(&tr);
    }
    double kept = u[1] / u[0];
    ck_assert_msg(kept > 0.90, "retention %g", kept);
    ck_assert_msg(fabs(kept - 0.95) < 2e-3, "retention %g, calibrated 0.95", kept);
}
END_TEST

static Suite *fmes_suite(void)
{
    Suite *s = suite_create("fmes");
    TCase *tc = tcase_create("calibration");
    tcase_add_test(tc, test_ppf_7000);
    tcase_add_test(tc, test_ppf_vs_r);
    tcase_add_test(tc, test_psv_vs_r);
    tcase_add_test(tc, test_ltp_ltd_vs_r);
    tcase_add_test(tc, test_retention);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fmes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
