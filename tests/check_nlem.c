/* check_nlem.c: circuits/nlem.cfg against the N-LEM rows of the calibration table (seed 003,
 * negative-UV-photoconductive light-emitting memristor); numbers and tolerances are copied
 * here with their source so that the test needs nothing outside the project. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

#define NLEM SRCDIR "/circuits/nlem.cfg"

/* Seed 003, 003:50: NL 0.20 (EPSC) and 0.27 (EPSB) for 10 pulses of 5 V, 30 ms, Pearson
 * 0.999; tolerance 15 %, r > 0.99. */
#define PAPER_NL_I 0.20
#define PAPER_NL_L 0.27
#define TOL_NL 0.15
#define MIN_PEARSON 0.99
/* 003:66: gain A_N/A_1 (A_N: the peak of the last pulse) 1.38 -> 2.40 (EPSC) and
 * 1.57 -> 3.17 (EPSB) for 10 -> 50 pulses; tolerance 15 %. */
#define PAPER_GAIN10_I 1.38
#define PAPER_GAIN50_I 2.40
#define PAPER_GAIN10_L 1.57
#define PAPER_GAIN50_L 3.17
#define TOL_GAIN 0.15
/* 003:87: the first pulse of the second cycle attenuates by 63.06 % after 71.6 s of natural
 * decay following 50 pulses; tolerance 10 %. */
#define PAPER_DECAY 0.6306
#define DECAY_WAIT 71.6
#define TOL_DECAY 0.10
/* 003:87 and 003:34: 2.52 s of UV at 70 mW/cm2 reduce the weight by 100 %, below 3.52 % of
 * the natural decay time; tolerance 10 %. */
#define PAPER_UV_T 2.52
#define PAPER_UV_REDUCTION 1.00
#define PAPER_TIME_RATIO 0.0352
#define TOL_UV 0.10

/* Protocol of the shipped stimuli: pulses of 30 ms every 60 ms from 30 ms (the interval is
 * not stated; see stimuli/nlem-train10.cfg). */
#define T0 0.03
#define WIDTH 0.03
#define PERIOD 0.06
#define G0 1e-6 /* circuits/nlem.cfg: conductance with empty traps */
/* Slack on a pulse window's end so that the falling-edge row is inside it whatever the
 * rounding of the edge time (G is continuous there). */
#define EDGE_EPS 1e-9

/* Peaks of column col during pulses 0..n-1 of the standard train ("the peak value A_N",
 * 003:66): the maximum over each pulse window. */
static void train_peaks(const trace *tr, size_t col, size_t n, double *out)
{
    for (size_t k = 0; k < n; k++) {
        double t = T0 + (double)k * PERIOD;
        out[k] = tu_max(tr, col, t, t + WIDTH + EDGE_EPS);
    }
}

/* Exponential update law normalised to 0..1 at p = 0..P with nu = P/A (linear at nu = 0). */
static double nl_law(double nu, double p, double P)
{
    return fabs(nu) < 1e-12 ? p / P : expm1(-nu * p / P) / expm1(-nu);
}

/* NL nu = Pmax/A: least-squares fit of the update law to the normalised peaks (golden
 * section); the paper does not define its NL, this is the form of seed 002 (002:73-76). */
static double nl_fit(const double *y, size_t n)
{
    double P = (double)(n - 1), lo = -10.0, hi = 10.0, g = (sqrt(5.0) - 1.0) / 2.0;
    double z[64];
    ck_assert(n <= 64);
    for (size_t p = 0; p < n; p++)
        z[p] = (y[p] - y[0]) / (y[n - 1] - y[0]);
    double x[2], f[2];
    for (int it = 0; it < 200; it++) {
        x[0] = hi - g * (hi - lo);
        x[1] = lo + g * (hi - lo);
        for (int k = 0; k < 2; k++) {
            f[k] = 0.0;
            for (size_t p = 0; p < n; p++) {
                double d = nl_law(x[k], (double)p, P) - z[p];
                f[k] += d * d;
            }
        }
        if (f[0] < f[1])
            hi = x[1];
        else
            lo = x[0];
    }
    return 0.5 * (lo + hi);
}

/* Pearson correlation coefficient of two series. */
static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i] / (double)n;
        mb += b[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* Relative closeness of a model number to the paper's. */
static int within(double model, double paper, double tol)
{
    return fabs(model / paper - 1.0) <= tol;
}

/* 003:50: 10 pulses; NL of the EPSC and the EPSB peaks, their Pearson coefficient, and the
 * 10-pulse gains of 003:66. */
START_TEST(test_nl_pearson_gain10)
{
    trace tr;
    tu_run_files(&tr, NLEM, SRCDIR "/stimuli/nlem-train10.cfg", 0, 1e-2, "lem.I,lem.L", NULL);
    double I[10], L[10];
    train_peaks(&tr, 0, 10, I);
    train_peaks(&tr, 1, 10, L);
    tu_free(&tr);
    double nu_i = nl_fit(I, 10), nu_l = nl_fit(L, 10), r = pearson(I, L, 10);
    printf("nlem: NL EPSC %.4f (paper 0.20), EPSB %.4f (0.27), Pearson %.6f (0.999); "
           "gain10 EPSC %.4f (1.38), EPSB %.4f (1.57)\n", nu_i, nu_l, r, I[9] / I[0],
           L[9] / L[0]);
    ck_assert_msg(within(nu_i, PAPER_NL_I, TOL_NL), "NL EPSC %g", nu_i);
    ck_assert_msg(within(nu_l, PAPER_NL_L, TOL_NL), "NL EPSB %g", nu_l);
    ck_assert_msg(r > MIN_PEARSON, "Pearson %g", r);
    ck_assert_msg(within(I[9] / I[0], PAPER_GAIN10_I, TOL_GAIN), "gain10 EPSC %g", I[9] / I[0]);
    ck_assert_msg(within(L[9] / L[0], PAPER_GAIN10_L, TOL_GAIN), "gain10 EPSB %g", L[9] / L[0]);
    for (size_t k = 1; k < 10; k++)
        ck_assert_msg(I[k] > I[k - 1] && L[k] > L[k - 1], "peak %zu does not grow", k);
}
END_TEST

/* 003:66: 50-pulse gains. */
START_TEST(test_gain50)
{
    trace tr;
    tu_run_files(&tr, NLEM, SRCDIR "/stimuli/nlem-train50.cfg", 0, 1e-2, "lem.I,lem.L", NULL);
    double I[50], L[50];
    train_peaks(&tr, 0, 50, I);
    train_peaks(&tr, 1, 50, L);
    tu_free(&tr);
    printf("nlem: gain50 EPSC %.4f (paper 2.40), EPSB %.4f (3.17)\n", I[49] / I[0],
           L[49] / L[0]);
    ck_assert_msg(within(I[49] / I[0], PAPER_GAIN50_I, TOL_GAIN), "gain50 EPSC %g", I[49] / I[0]);
    ck_assert_msg(within(L[49] / L[0], PAPER_GAIN50_L, TOL_GAIN), "gain50 EPSB %g", L[49] / L[0]);
}
END_TEST

/* PPF index (A2 - A1)/A1 of two 5 V, 30 ms pulses separated by gap (003:68). */
static double ppf_index(double gap)
{
    char stim[512];
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"pre\"; kind = \"voltage\"; targets = [\"lem\"]; start = %.17g;\n"
             " width = %.17g; period = %.17g; count = 2; amplitude = 5.0; });\n", T0, WIDTH,
             WIDTH + gap);
    trace tr;
    double t2 = T0 + WIDTH + gap;
    tu_run_stim(&tr, NLEM, stim, t2 + WIDTH + 0.01, fmax(gap, WIDTH), "lem.I", NULL);
    double a1 = tu_max(&tr, 0, T0, T0 + WIDTH + EDGE_EPS);
    double a2 = tu_max(&tr, 0, t2, t2 + WIDTH + EDGE_EPS);
    tu_free(&tr);
    return (a2 - a1) / a1;
}

/* Sum of squares of the best C1 exp(-x/t1) + C2 exp(-x/t2) for fixed log-times lt (the
 * amplitudes enter linearly: 2x2 normal equations); the amplitudes go to c. */
static double varpro_sse(const double *x, const double *y, size_t n, const double *lt, double *c)
{
    double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, sse = 0;
    for (size_t i = 0; i < n; i++) {
        double e1 = exp(-x[i] / exp(lt[0])), e2 = exp(-x[i] / exp(lt[1]));
        a11 += e1 * e1;
        a12 += e1 * e2;
        a22 += e2 * e2;
        b1 += e1 * y[i];
        b2 += e2 * y[i];
    }
    double det = a11 * a22 - a12 * a12;
    if (!(fabs(det) > 1e-300))
        return INFINITY;
    c[0] = (b1 * a22 - b2 * a12) / det;
    c[1] = (a11 * b2 - a12 * b1) / det;
    for (size_t i = 0; i < n; i++) {
        double d = c[0] * exp(-x[i] / exp(lt[0])) + c[1] * exp(-x[i] / exp(lt[1])) - y[i];
        sse += d * d;
    }
    return sse;
}

/* Double-exponential least-squares fit y = C1 exp(-x/t1) + C2 exp(-x/t2), t1 < t2: a grid
 * over the two log-times (1 ms .. 1e4 s), then Nelder-Mead on them. */
static void fit_double_exp(const double *x, const double *y, size_t n, double *p)
{
    double c[2], best = INFINITY, lt[2] = {0, 0}, l0 = log(1e-3), step = (log(1e4) - l0) / 56;
    for (int i = 0; i < 57; i++)
        for (int j = i + 1; j < 57; j++) {
            double q[2] = {l0 + i * step, l0 + j * step}, s = varpro_sse(x, y, n, q, c);
            if (s < best) {
                best = s;
                lt[0] = q[0];
                lt[1] = q[1];
            }
        }
    double pt[3][2] = {{lt[0], lt[1]}, {lt[0] + 0.3, lt[1]}, {lt[0], lt[1] + 0.3}}, f[3];
    for (int k = 0; k < 3; k++)
        f[k] = varpro_sse(x, y, n, pt[k], c);
    for (int it = 0; it < 400; it++) {
        for (int a = 0; a < 3; a++) /* sort the simplex by value */
            for (int b = a + 1; b < 3; b++)
                if (f[b] < f[a]) {
                    double t = f[a], u0 = pt[a][0], u1 = pt[a][1];
                    f[a] = f[b], pt[a][0] = pt[b][0], pt[a][1] = pt[b][1];
                    f[b] = t, pt[b][0] = u0, pt[b][1] = u1;
                }
        double m[2] = {(pt[0][0] + pt[1][0]) / 2, (pt[0][1] + pt[1][1]) / 2};
        double r[2] = {2 * m[0] - pt[2][0], 2 * m[1] - pt[2][1]};
        double fr = varpro_sse(x, y, n, r, c);
        if (fr < f[0]) {
            double e[2] = {3 * m[0] - 2 * pt[2][0], 3 * m[1] - 2 * pt[2][1]};
            double fe = varpro_sse(x, y, n, e, c);
            int use_e = fe < fr;
            pt[2][0] = use_e ? e[0] : r[0];
            pt[2][1] = use_e ? e[1] : r[1];
            f[2] = use_e ? fe : fr;
        } else if (fr < f[1]) {
            pt[2][0] = r[0], pt[2][1] = r[1], f[2] = fr;
        } else {
            double h[2] = {(m[0] + pt[2][0]) / 2, (m[1] + pt[2][1]) / 2};
            double fh = varpro_sse(x, y, n, h, c);
            if (fh < f[2]) {
                pt[2][0] = h[0], pt[2][1] = h[1], f[2] = fh;
            } else {
                for (int k = 1; k < 3; k++) {
                    pt[k][0] = (pt[0][0] + pt[k][0]) / 2;
                    pt[k][1] = (pt[0][1] + pt[k][1]) / 2;
                    f[k] = varpro_sse(x, y, n, pt[k], c);
                }
            }
        }
    }
    double q[2] = {fmin(pt[0][0], pt[0][1]), fmax(pt[0][0], pt[0][1])};
    varpro_sse(x, y, n, q, c);
    p[0] = c[0], p[1] = exp(q[0]), p[2] = c[1], p[3] = exp(q[1]);
}

/* 003:68 and Fig. 2g: the PPF index falls with the interval and follows a double
 * exponential; the paper's fit values are not in the text, so the test asserts the fall, a
 * fit that reproduces the points, and reports C1, tau1, C2, tau2. */
START_TEST(test_ppf)
{
    static const double gaps[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200};
    enum { NG = sizeof gaps / sizeof gaps[0] };
    double y[NG], p[4];
    for (size_t k = 0; k < NG; k++) {
        y[k] = ppf_index(gaps[k]);
        ck_assert_msg(y[k] > 0, "PPF index %g at %g s", y[k], gaps[k]);
        if (k)
            ck_assert_msg(y[k] < y[k - 1], "PPF index rises from %g s to %g s", gaps[k - 1],
                          gaps[k]);
    }
    fit_double_exp(gaps, y, NG, p);
    printf("nlem: PPF index %.5f (10 ms) ... %.5f (200 s); fit C1 %.4g tau1 %.4g s, "
           "C2 %.4g tau2 %.4g s\n", y[0], y[NG - 1], p[0], p[1], p[2], p[3]);
    double worst = 0;
    for (size_t k = 0; k < NG; k++)
        worst = fmax(worst, fabs(p[0] * exp(-gaps[k] / p[1]) + p[2] * exp(-gaps[k] / p[3]) - y[k]));
    ck_assert_msg(worst < 0.01 * y[0], "double exponential misses a point by %g", worst);
    ck_assert_msg(p[0] > 0 && p[2] > 0 && p[1] < p[3], "fit %g %g %g %g", p[0], p[1], p[2], p[3]);
    ck_assert_msg(y[NG - 1] < 0.1 * y[0], "PPF does not fade: %g", y[NG - 1]);
}
END_TEST

/* 003:87: 50 pulses, 71.6 s in the dark, then the first pulse of the next cycle:
 * (A_50 - A_1')/(A_50 - A_1) = 63.06 %. */
START_TEST(test_natural_decay)
{
    trace tr;
    tu_run_files(&tr, NLEM, SRCDIR "/stimuli/nlem-decay.cfg", 0, 0.1, "lem.I", NULL);
    double A[50];
    train_peaks(&tr, 0, 50, A);
    double tp = T0 + 49 * PERIOD + WIDTH + DECAY_WAIT;
    double a1p = tu_max(&tr, 0, tp, tp + WIDTH + EDGE_EPS);
    tu_free(&tr);
    double lost = (A[49] - a1p) / (A[49] - A[0]);
    printf("nlem: natural decay %.4f after 71.6 s (paper 0.6306), A1' = %.4f A1\n", lost,
           a1p / A[0]);
    ck_assert_msg(within(lost, PAPER_DECAY, TOL_DECAY), "decay %g", lost);
}
END_TEST

/* 003:87, 003:34: UV at 70 mW/cm2 for 2.52 s after 50 pulses removes the weight (G - G0);
 * 2.52 s is 3.52 % of 71.6 s, over which the dark removes only 63 %.  The 4 V read pulse
 * that follows (Fig. 2h) must not write. */
START_TEST(test_uv_reset)
{
    trace tr;
    tu_run_files(&tr, NLEM, SRCDIR "/stimuli/nlem-uv-reset.cfg", 0, 0.01, "lem.G,lem.L", NULL);
    double t_on = T0 + 49 * PERIOD + WIDTH, t_off = t_on + PAPER_UV_T;
    double w0 = tu_at(&tr, 0, t_on) - G0, w1 = tu_at(&tr, 0, t_off) - G0;
    double after_read = tu_at(&tr, 0, 5.6 + WIDTH + 0.05) - G0;
    tu_free(&tr);
    double reduction = 1.0 - w1 / w0;
    printf("nlem: UV weight reduction %.4f after 2.52 s (paper 1.00); 2.52/71.6 = %.4f "
           "(paper < 0.0352)\n", reduction, PAPER_UV_T / DECAY_WAIT);
    ck_assert_msg(w0 > 0.5 * G0, "no potentiation to reset: %g S", w0);
    ck_assert_msg(within(reduction, PAPER_UV_REDUCTION, TOL_UV), "reduction %g", reduction);
    ck_assert_msg(after_read <= w1 * (1 + 1e-6), "the 4 V read wrote: %g -> %g", w1, after_read);
    /* the same duration in the dark: the UV must beat 71.6 s of natural decay in 3.52 % of
     * the time (within 10 %) */
    ck_assert(PAPER_UV_T / DECAY_WAIT <= PAPER_TIME_RATIO * (1 + TOL_UV));
    ck_assert_msg(reduction > PAPER_DECAY, "UV %g does not beat the dark's %g", reduction,
                  PAPER_DECAY);
}
END_TEST

/* Controls of the reset: visible light (the device's own 625 nm, 70 mW/cm2) resets nothing
 * beyond the dark, and UV on a fresh device writes nothing (sigma = 0). */
START_TEST(test_light_does_not_write)
{
    static const char *const wl[] = {"625 nm", NULL};
    double red[2];
    for (int k = 0; k < 2; k++) {
        char stim[768];
        snprintf(stim, sizeof stim,
                 "sources = ({ id = \"pre\"; kind = \"voltage\"; targets = [\"lem\"]; start = 0.03;"
                 " width = 0.03; period = 0.06; count = 50; amplitude = 5.0; }%s%s%s);\n",
                 wl[k] ? ", { id = \"vis\"; kind = \"optical\"; targets = [\"lem\"]; wavelength = \""
                       : "",
                 wl[k] ? wl[k] : "",
                 wl[k] ? "\"; start = 3.0; width = 2.52; irradiance = \"70 mW/cm2\"; }" : "");
        trace tr;
        tu_run_stim(&tr, NLEM, stim, 5.52, 0.01, "lem.G", NULL);
        red[k] = 1.0 - (tu_at(&tr, 0, 5.52) - G0) / (tu_at(&tr, 0, 3.0) - G0);
        tu_free(&tr);
    }
    ck_assert_msg(fabs(red[0] - red[1]) < 1e-6, "625 nm light changes the reset: %g vs %g",
                  red[0], red[1]);
    static const char uv[] =
        "sources = ({ id = \"uv\"; kind = \"optical\"; targets = [\"lem\"]; wavelength = "
        "\"365 nm\"; start = 0.1; width = 2.52; irradiance = \"70 mW/cm2\"; });\n";
    trace tr;
    tu_run_stim(&tr, NLEM, uv, 3.0, 0.1, "lem.G", NULL);
    ck_assert_msg(fabs(tu_at(&tr, 0, 3.0) - G0) < 1e-12 * G0, "UV wrote: %g S", tu_at(&tr, 0, 3.0));
    tu_free(&tr);
}
END_TEST

static Suite *nlem_suite(void)
{
    Suite *s = suite_create("nlem");
    TCase *tc = tcase_create("calibration");
    tcase_add_test(tc, test_nl_pearson_gain10);
    tcase_add_test(tc, test_gain50);
    tcase_add_test(tc, test_ppf);
    tcase_add_test(tc, test_natural_decay);
    tcase_add_test(tc, test_uv_reset);
    tcase_add_test(tc, test_light_does_not_write);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nlem_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
