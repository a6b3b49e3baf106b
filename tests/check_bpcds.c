/* check_bpcds.c: circuits/bpcds.cfg against the BP/CdS rows of the calibration table (seed 002);
 * paper numbers and tolerances are copied here with their source ("txt p.NN": paragraph NN). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define BPCDS SRCDIR "/circuits/bpcds.cfg"
#define STIM(name) SRCDIR "/stimuli/bpcds-" name ".cfg"

/* Single pulse, txt p.35 and p.40: 12.5 uA peak, 11 uA after 5000 s; 10 %. */
#define PAPER_PEAK 12.5e-6
#define PAPER_KEEP 11e-6
#define TOL_SINGLE 0.10
/* Fig. 3c/3d, txt p.35: 3 -> 16 uA for 5 -> 1000 ms at 11.97 uW/cm2; 2.5 -> 14.5 uA for
 * 0.9 -> 126 uW/cm2 at 50 ms; 15 %, monotone. */
#define TOL_CURVE 0.15
/* Fig. S15a, txt p.42: 14 uA after 5 pulses, ~16 uA saturation, A100/A1 = 356 %; 15 %. */
#define PAPER_A5 14e-6
#define PAPER_ASAT 16e-6
#define PAPER_RATIO 3.56
#define TOL_TRAIN 0.15
/* Fig. S15d, txt p.42: Gmax/Gmin 132 at VG = 0, 804 at VG = -40 V; 20 %. */
#define PAPER_MARGIN0 132.0
#define PAPER_MARGIN40 804.0
#define TOL_MARGIN 0.20
/* Energy, txt p.44 and p.57: 8.9 fJ and 0.43 fJ per light spike, 25 fJ per electrical
 * spike; 20 % ("computed by the energy report"). */
#define PAPER_E1 8.9e-15
#define PAPER_E2 0.43e-15
#define PAPER_EG 25e-15
#define TOL_ENERGY 0.20

/* Relative error of model value m against paper value p. */
static double rel(double m, double p)
{
    return m / p - 1.0;
}

/* -dPSC peak (A) of one 450 nm pulse of the given width and irradiance on syn, read just
 * before its falling edge, from the dark state. */
static double peak(double width, double irradiance)
{
    char stim[512];
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"L\"; kind = \"optical\"; wavelength = \"450 nm\";\n"
             " targets = [\"syn\"]; start = 1.0; width = %.17g; irradiance = %.17g; });\n",
             width, irradiance);
    trace tr;
    tu_run_stim(&tr, BPCDS, stim, 1.0 + width + 0.1, 1.0, "syn.I", NULL);
    double d = tu_at(&tr, 0, 0.0) - tu_before(&tr, 0, 1.0 + width);
    tu_free(&tr);
    return d;
}

/* Fig. 3b: one 11.97 uW/cm2, 50 ms pulse; peak and the level 5000 s later. */
START_TEST(test_single_pulse)
{
    trace tr;
    tu_run_files(&tr, BPCDS, STIM("pulse"), 0, 1000.0, "syn.I", NULL);
    double dark = tu_at(&tr, 0, 0.0);
    double pk = dark - tu_before(&tr, 0, 1.05), keep = dark - tu_at(&tr, 0, 5001.0);
    printf("bpcds single pulse: peak %.4g uA (paper 12.5), after 5000 s %.4g uA (paper 11)\n",
           pk * 1e6, keep * 1e6);
    ck_assert(tr.t[tr.nrows - 1] == 5001.0);
    ck_assert_msg(fabs(rel(pk, PAPER_PEAK)) <= TOL_SINGLE, "peak %g A", pk);
    ck_assert_msg(fabs(rel(keep, PAPER_KEEP)) <= TOL_SINGLE, "kept %g A", keep);
    tu_free(&tr);
}
END_TEST

/* Fig. 3c: widths 5 ... 1000 ms at 11.97 uW/cm2: monotone, ends within 15 %. */
START_TEST(test_pulse_width)
{
    static const double w[] = {5e-3, 10e-3, 20e-3, 50e-3, 100e-3, 200e-3, 500e-3, 1.0};
    double prev = 0.0, first = 0.0, last = 0.0;
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
        double d = peak(w[k], 11.97e-2);
        ck_assert_msg(d > prev, "width %g s: %g A not above %g A", w[k], d, prev);
        if (k == 0)
            first = d;
        last = prev = d;
    }
    printf("bpcds width: 5 ms %.4g uA (paper 3), 1000 ms %.4g uA (paper 16)\n", first * 1e6,
           last * 1e6);
    ck_assert_msg(fabs(rel(first, 3e-6)) <= TOL_CURVE, "5 ms: %g A", first);
    ck_assert_msg(fabs(rel(last, 16e-6)) <= TOL_CURVE, "1000 ms: %g A", last);
}
END_TEST

/* Fig. 3d: irradiance 0.9 ... 126 uW/cm2 at 50 ms: monotone, ends within 15 %. */
START_TEST(test_power)
{
    static const double p[] = {0.9e-2, 2e-2, 5.32e-2, 11.97e-2, 30e-2, 126e-2};
    double prev = 0.0, first = 0.0, last = 0.0;
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) {
        double d = peak(50e-3, p[k]);
        ck_assert_msg(d > prev, "%g W/m2: %g A not above %g A", p[k], d, prev);
        if (k == 0)
            first = d;
        last = prev = d;
    }
    printf("bpcds power: 0.9 uW/cm2 %.4g uA (paper 2.5), 126 uW/cm2 %.4g uA (paper 14.5)\n",
           first * 1e6, last * 1e6);
    ck_assert_msg(fabs(rel(first, 2.5e-6)) <= TOL_CURVE, "0.9 uW/cm2: %g A", first);
    ck_assert_msg(fabs(rel(last, 14.5e-6)) <= TOL_CURVE, "126 uW/cm2: %g A", last);
}
END_TEST

/* Fig. S15a on the s15 device: peaks A_n rise, A5, A100 and A100/A1 within 15 %. */
START_TEST(test_train)
{
    trace tr;
    tu_run_files(&tr, BPCDS, STIM("train"), 0, 1.0, "s15.I", NULL);
    double dark = tu_at(&tr, 0, 0.0), a[100];
    for (int k = 0; k < 100; k++) {
        a[k] = dark - tu_before(&tr, 0, 1.05 + k);
        ck_assert_msg(k == 0 || a[k] >= a[k - 1] - 1e-12, "A%d %g below A%d", k + 1, a[k], k);
    }
    printf("bpcds train: A1 %.4g uA, A5 %.4g uA (paper 14), A100 %.4g uA (paper 16), "
           "A100/A1 %.4g (paper 3.56)\n", a[0] * 1e6, a[4] * 1e6, a[99] * 1e6, a[99] / a[0]);
    ck_assert_msg(fabs(rel(a[4], PAPER_A5)) <= TOL_TRAIN, "A5 %g A", a[4]);
    ck_assert_msg(fabs(rel(a[99], PAPER_ASAT)) <= TOL_TRAIN, "A100 %g A", a[99]);
    ck_assert_msg(fabs(rel(a[99] / a[0], PAPER_RATIO)) <= TOL_TRAIN, "A100/A1 %g", a[99] / a[0]);
    tu_free(&tr);
}
END_TEST

/* Gmax/Gmin of the s15 train: G before the train over G at the last peak. */
static double margin(const char *stim)
{
    trace tr;
    tu_run_files(&tr, BPCDS, stim, 0, 1.0, "s15.G", NULL);
    double m = tu_at(&tr, 0, 0.0) / tu_before(&tr, 0, 100.05);
    tu_free(&tr);
    return m;
}

/* Fig. S15d: 132 at VG = 0 and 804 at VG = -40 V, within 20 %. */
START_TEST(test_margin)
{
    double m0 = margin(STIM("train")), m40 = margin(STIM("train-vg40"));
    printf("bpcds margin: Gmax/Gmin %.4g at VG = 0 (paper 132), %.4g at -40 V (paper 804)\n",
           m0, m40);
    ck_assert_msg(fabs(rel(m0, PAPER_MARGIN0)) <= TOL_MARGIN, "VG 0: %g", m0);
    ck_assert_msg(fabs(rel(m40, PAPER_MARGIN40)) <= TOL_MARGIN, "VG -40 V: %g", m40);
}
END_TEST

/* Fig. S10: 633 and 980 nm change G by < 1 %; 450 nm (control) responds strongly. */
START_TEST(test_spectral)
{
    trace tr;
    tu_run_files(&tr, BPCDS, STIM("spectral"), 0, 1.0, "syn.G", NULL);
    double g0 = tu_at(&tr, 0, 0.0);
    double red = 1 - tu_before(&tr, 0, 1.05) / g0, nir = 1 - tu_before(&tr, 0, 2.05) / g0;
    double blue = 1 - tu_before(&tr, 0, 3.05) / g0;
    printf("bpcds spectral: dG/G %.3g (633 nm), %.3g (980 nm), %.4g (450 nm)\n", red, nir, blue);
    ck_assert_msg(fabs(red) < 0.01 && fabs(nir) < 0.01, "633 nm %g, 980 nm %g", red, nir);
    ck_assert_msg(blue > 0.5, "450 nm %g", blue);
    tu_free(&tr);
}
END_TEST

/* NeuroSim shape (seed 002 txt p.73-76) through the end points, nu = Pmax/A. */
static double ns_shape(double nu, int p, int n)
{
    if (fabs(nu) < 1e-9)
        return (double)p / n;
    return expm1(-nu * p / n) / expm1(-nu);
}

/* Sum of squared residuals of the NeuroSim shape with nu against y[0..n]. */
static double ns_sse(const double *y, int n, double nu)
{
    double f = 0.0;
    for (int p = 0; p <= n; p++) {
        double e = y[0] + (y[n] - y[0]) * ns_shape(nu, p, n) - y[p];
        f += e * e;
    }
    return f;
}

/* Least-squares nu of y[0..n] (rising branch) by golden section on [-20, 20]: the paper's NL
 * (A, in pulses) is n/nu. */
static double ns_fit(const double *y, int n)
{
    double a = -20.0, b = 20.0, g = (sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = ns_sse(y, n, c), fd = ns_sse(y, n, d);
    for (int it = 0; it < 120; it++) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = ns_sse(y, n, c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = ns_sse(y, n, d);
        }
    }
    return 0.5 * (a + b);
}

/* Fig. 3f: N light pulses then N gate ramps; both branches near-linear (|Pmax/A| <= 0.5, a
 * bound the paper's "linear" allows) and symmetric (the LTD undoes the LTP within 15 %). */
START_TEST(test_ltp_ltd)
{
    static const int ns[] = {20, 50, 100};
    static const char *const files[] = {STIM("ltp-ltd-20"), STIM("ltp-ltd-50"),
                                        STIM("ltp-ltd-100")};
    int n = ns[_i];
    trace tr;
    tu_run_files(&tr, BPCDS, files[_i], 0, 1.0, "syn.I", NULL);
    double dark = tu_at(&tr, 0, 0.0), w[201], up[101], down[101];
    for (int k = 0; k <= 2 * n; k++)
        w[k] = dark - tu_before(&tr, 0, 1.0 + k);
    for (int k = 0; k <= n; k++) {
        up[k] = w[k];
        down[k] = w[n] - w[n + k];
        ck_assert_msg(k == 0 || (up[k] > up[k - 1] && down[k] >= down[k - 1] - 1e-15),
                      "N %d: not monotone at pulse %d", n, k);
    }
    double nu_p = ns_fit(up, n), nu_d = ns_fit(down, n), back = down[n] / (up[n] - up[0]);
    printf("bpcds LTP/LTD N = %3d: swing %.4g uA; LTP nu = Pmax/A = %.4f (A = %.4g pulses); "
           "LTD nu = %.4f (A = %.4g); LTD/LTP drop %.4f\n",
           n, (up[n] - up[0]) * 1e6, nu_p, n / nu_p, nu_d, n / nu_d, back);
    ck_assert_msg(fabs(nu_p) <= 0.5, "N %d: LTP nu %g", n, nu_p);
    ck_assert_msg(fabs(nu_d) <= 0.5, "N %d: LTD nu %g", n, nu_d);
    ck_assert_msg(fabs(back - 1.0) <= 0.15, "N %d: LTD undoes %g of the LTP", n, back);
    tu_free(&tr);
}
END_TEST

/* Energy report (opsin_sim_energy) of bpcds-energy.cfg: the two light spikes and the sum of
 * the ten sources that build the gate ramp. */
START_TEST(test_energy)
{
    trace tr;
    tu_run_files(&tr, BPCDS, STIM("energy"), 0, -1, NULL, NULL);
    double e1 = NAN, e2 = NAN, eg = 0.0;
    int ngate = 0;
    for (size_t i = 0; i < tr.nenergy; i++) {
        const char *name = tr.energy_name[i];
        if (strcmp(name, "light1") == 0)
            e1 = tr.energy[i];
        else if (strcmp(name, "light2") == 0)
            e2 = tr.energy[i];
        else if (name[0] == 'E') {
            eg += tr.energy[i];
            ngate++;
        }
    }
    printf("bpcds energy: %.4g fJ (paper 8.9), %.4g fJ (paper 0.43) per light spike, "
           "%.4g fJ (paper 25) per gate spike\n", e1 * 1e15, e2 * 1e15, eg * 1e15);
    ck_assert_int_eq(ngate, 10);
    ck_assert_msg(fabs(rel(e1, PAPER_E1)) <= TOL_ENERGY, "light 1: %g J", e1);
    ck_assert_msg(fabs(rel(e2, PAPER_E2)) <= TOL_ENERGY, "light 2: %g J", e2);
    ck_assert_msg(fabs(rel(eg, PAPER_EG)) <= TOL_ENERGY, "gate: %g J", eg);
    tu_free(&tr);
}
END_TEST

static Suite *bpcds_suite(void)
{
    Suite *s = suite_create("bpcds");
    TCase *tc = tcase_create("calibration");
    tcase_add_test(tc, test_single_pulse);
    tcase_add_test(tc, test_pulse_width);
    tcase_add_test(tc, test_power);
    tcase_add_test(tc, test_train);
    tcase_add_test(tc, test_margin);
    tcase_add_test(tc, test_spectral);
    tcase_add_loop_test(tc, test_ltp_ltd, 0, 3);
    tcase_add_test(tc, test_energy);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bpcds_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
