/* check_stdp.c: the STDP protocol: the pair rule against its closed form (one pair, many pairs
 * all-to-all and nearest, bounds), the device window emerging from waveform overlap, its
 * upward shift under light, the spike waveforms themselves, determinism across threads, and
 * the error paths. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/stdp.h"
#include "testutil.h"

#define WINDOW SRCDIR "/examples/stdp-window/synapse.cfg"

static const char pair_circuit[] =
    "components = ( { id = \"syn\"; model = \"pairstdp\"; A_plus = \"1 nS\";\n"
    "  A_minus = \"0.8 nS\"; tau_plus = \"20 ms\"; tau_minus = \"30 ms\"; W0 = \"50 nS\";\n"
    "  W_max = \"1 uS\"; } );\nsolver = { rtol = 1e-10; };\n";

static opsin_circuit *load_text(const char *text)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    const char *p = tu_write_temp(0, text);
    ck_assert_msg(opsin_circuit_load(p, &c, &d) == OPSIN_OK, "%s", d.msg);
    remove(p);
    return c;
}

/* Options with npoints values of dt evenly from `from` to `to` (kept in a static array: each
 * test uses its options before making new ones). */
static opsin_stdp_opts rect_opts(size_t npoints, double from, double to, size_t pairs, double f)
{
    static double dts[64];
    opsin_stdp_opts o;
    memset(&o, 0, sizeof o);
    ck_assert_uint_le(npoints, 64);
    for (size_t i = 0; i < npoints; i++)
        dts[i] = npoints < 2 ? from : from + (to - from) * (double)i / (double)(npoints - 1);
    o.device = "syn";
    o.dts = dts;
    o.npoints = npoints;
    o.pairs = pairs;
    o.frequency = f;
    o.spike = (opsin_spike){OPSIN_SPIKE_RECT, 1.0, 1e-4, 0, 0, 0, NULL, NULL, 0};
    o.seed = 1;
    o.jobs = 2;
    return o;
}

/* The pair rule by brute force over the spike lists: pre at k/f, post at k/f + dt; at equal
 * times the pre spike comes first (the protocol's tie order). */
static double pair_rule(double dt, size_t pairs, double f, int nearest)
{
    const double Ap = 1e-9, Am = 0.8e-9, tp = 20e-3, tm = 30e-3;
    double w = 0;
    for (size_t i = 0; i < pairs; i++) {
        double post = (double)i / f + dt, pre = (double)i / f;
        double xpre = 0, xpost = 0, last = -INFINITY;
        for (size_t k = 0; k < pairs; k++) { /* pre spikes up to and at the post spike */
            double s = (double)k / f;
            if (s <= post) {
                xpre = nearest ? 1.0 : xpre * exp(-(s - last) / tp) + 1.0;
                last = s;
            }
        }
        w += Ap * xpre * exp(-(post - last) / tp);
        last = -INFINITY;
        for (size_t k = 0; k < pairs; k++) { /* post spikes strictly before the pre spike */
            double s = (double)k / f + dt;
            if (s < pre) {
                xpost = nearest ? 1.0 : xpost * exp(-(s - last) / tm) + 1.0;
                last = s;
            }
        }
        if (last > -INFINITY)
            w -= Am * xpost * exp(-(pre - last) / tm);
    }
    return w;
}

/* One pair: dW = A+ exp(-dt/tau+) or -A- exp(dt/tau-), to 1e-6. */
START_TEST(test_pair_one)
{
    opsin_circuit *c = load_text(pair_circuit);
    opsin_stdp_opts o = rect_opts(17, -80e-3, 80e-3, 1, 1.0);
    opsin_stdp_point pt[17];
    opsin_diag d = {""};
    ck_assert_msg(opsin_stdp_run(c, &o, pt, &d) == OPSIN_OK, "%s", d.msg);
    for (size_t i = 0; i < 17; i++) {
        double dt = pt[i].dt, want = dt > 0 ? 1e-9 * exp(-dt / 20e-3)
                                   : dt < 0 ? -0.8e-9 * exp(dt / 30e-3) : 1e-9;
        ck_assert_msg(fabs(pt[i].g1 - pt[i].g0 - want) <= 1e-6 * fabs(want), "dt %g: %.12g vs %.12g",
                      dt, pt[i].g1 - pt[i].g0, want);
    }
    opsin_circuit_free(c);
}
END_TEST

/* 20 pairs at 40 Hz: the traces of neighbouring pairs overlap; all-to-all and nearest. */
START_TEST(test_pair_many)
{
    for (int nearest = 0; nearest <= 1; nearest++) {
        opsin_circuit *c = load_text(pair_circuit);
        opsin_diag d = {""};
        if (nearest)
            ck_assert(opsin_circuit_set(c, "syn.nearest", "1", &d) == OPSIN_OK);
        opsin_stdp_opts o = rect_opts(9, -20e-3, 20e-3, 20, 40.0);
        opsin_stdp_point pt[9];
        ck_assert_msg(opsin_stdp_run(c, &o, pt, &d) == OPSIN_OK, "%s", d.msg);
        for (size_t i = 0; i < 9; i++) {
            double want = pair_rule(pt[i].dt, 20, 40.0, nearest);
            ck_assert_msg(fabs(pt[i].g1 - pt[i].g0 - want) <= 1e-6 * fabs(want) + 1e-18,
                          "nearest %d dt %g: %.12g vs %.12g", nearest, pt[i].dt,
                          pt[i].g1 - pt[i].g0, want);
        }
        opsin_circuit_free(c);
    }
}
END_TEST

/* The soft-bound rule event by event (an independent implementation): pre at k/f, post at
 * k/f + dt, pre first at equal times. */
static double soft_rule(double w, double dt, size_t pairs, double f, double wmin, double wmax)
{
    const double Ap = 1e-9, Am = 0.8e-9, tp = 20e-3, tm = 30e-3;
    double xpre = 0, xpost = 0, t = 0, span = wmax - wmin;
    size_t i = 0, j = 0;
    while (i < pairs || j < pairs) {
        double tpre = i < pairs ? (double)i / f : INFINITY;
        double tpost = j < pairs ? (double)j / f + dt : INFINITY;
        double next = fmin(tpre, tpost);
        xpre *= exp(-(next - t) / tp);
        xpost *= exp(-(next - t) / tm);
        t = next;
        if (tpre <= tpost) {
            w -= Am * xpost * (w - wmin) / span;
            xpre += 1;
            i++;
        } else {
            w += Ap * xpre * (wmax - w) / span;
            xpost += 1;
            j++;
        }
    }
    return w;
}

/* Bounds: hard bounds clip at W_max; soft bounds follow the multiplicative rule. */
START_TEST(test_pair_bounds)
{
    for (int soft = 0; soft <= 1; soft++) {
        opsin_circuit *c = load_text(pair_circuit);
        opsin_diag d = {""};
        ck_assert(opsin_circuit_set(c, "syn.W_max", "60nS", &d) == OPSIN_OK);
        if (soft)
            ck_assert(opsin_circuit_set(c, "syn.soft", "1", &d) == OPSIN_OK);
        opsin_stdp_opts o = rect_opts(1, 5e-3, 5e-3, 100, 10.0);
        opsin_stdp_point pt;
        ck_assert_msg(opsin_stdp_run(c, &o, &pt, &d) == OPSIN_OK, "%s", d.msg);
        if (soft) {
            double want = soft_rule(50e-9, 5e-3, 100, 10.0, 0, 60e-9);
            ck_assert_msg(fabs(pt.g1 - want) <= 1e-6 * want && pt.g1 < 60e-9, "soft: %.12g vs "
                          "%.12g", pt.g1, want);
        }
        else
            ck_assert_msg(fabs(pt.g1 - 60e-9) <= 1e-12 * 60e-9, "hard: %.17g", pt.g1); /* clipped */
        opsin_circuit_free(c);
    }
}
END_TEST

/* The device window: no formula, only waveform overlap above the write/depress thresholds:
 * potentiation for 0 < dt <= 10 ms, depression for -10 ms <= dt < 0, nothing for |dt| >= 20 ms
 * (the tail is below threshold by then) nor at dt = 0 (the first phases cancel). */
START_TEST(test_device_window)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    ck_assert_msg(opsin_circuit_load(WINDOW, &c, &d) == OPSIN_OK, "%s", d.msg);
    opsin_stdp_opts o = rect_opts(21, -50e-3, 50e-3, 20, 1.0);
    o.device = "S_0_0";
    o.spike = (opsin_spike){OPSIN_SPIKE_EXP_TAIL, -1.0, 1e-3, 0.5, 30e-3, 10e-3, NULL, NULL, 0};
    opsin_stdp_point pt[21];
    ck_assert_msg(opsin_stdp_run(c, &o, pt, &d) == OPSIN_OK, "%s", d.msg);
    for (size_t i = 0; i < 21; i++) {
        double dt = pt[i].dt, dg = pt[i].g1 - pt[i].g0;
        if (dt > 1e-6 && dt < 10.5e-3)
            ck_assert_msg(dg > 1e-12, "dt %g: no potentiation (%g)", dt, dg);
        else if (dt < -1e-6 && dt > -10.5e-3)
            ck_assert_msg(dg < -1e-12, "dt %g: no depression (%g)", dt, dg);
        else if (fabs(dt) > 19e-3 || fabs(dt) < 1e-6)
            ck_assert_msg(dg == 0.0, "dt %g: change %g outside the window", dt, dg);
    }
    /* potentiation falls with dt: the tail decays */
    ck_assert(pt[11].g1 - pt[11].g0 > pt[12].g1 - pt[12].g0);
    opsin_circuit_free(c);
}
END_TEST

/* Seed 000 Fig. 1c: light during the protocol shifts the window upward, more for shorter
 * wavelengths (230 mW/cm2) and for more light. */
START_TEST(test_light_shift)
{
    static const double wl[] = {0, 623e-9, 525e-9, 445e-9};
    double prev[5] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    ck_assert_msg(opsin_circuit_load(WINDOW, &c, &d) == OPSIN_OK, "%s", d.msg);
    for (size_t k = 0; k < 4; k++) {
        opsin_stdp_opts o = rect_opts(5, -20e-3, 20e-3, 10, 1.0);
        o.device = "S_0_0";
        o.spike = (opsin_spike){OPSIN_SPIKE_EXP_TAIL, -1.0, 1e-3, 0.5, 30e-3, 10e-3, NULL, NULL, 0};
        o.light_wavelength = wl[k];
        o.light_irradiance = k ? 2300.0 : 0.0;
        opsin_stdp_point pt[5];
        ck_assert_msg(opsin_stdp_run(c, &o, pt, &d) == OPSIN_OK, "%s", d.msg);
        for (size_t i = 0; i < 5; i++) {
            double dg = pt[i].g1 - pt[i].g0;
            ck_assert_msg(dg > prev[i], "wavelength %g nm, dt %g: %g not above %g", wl[k] * 1e9,
                          pt[i].dt, dg, prev[i]);
            prev[i] = dg;
        }
    }
    opsin_circuit_free(c);
}
END_TEST

/* The generated waveform: with an exponential tail, the device sees V_pre - V_post exactly. */
START_TEST(test_waveform)
{
    opsin_stdp_opts o = rect_opts(1, 4e-3, 4e-3, 1, 1.0);
    o.device = "S_0_0";
    o.spike = (opsin_spike){OPSIN_SPIKE_EXP_TAIL, -1.0, 1e-3, 0.5, 30e-3, 10e-3, NULL, NULL, 0};
    double t_end;
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_circuit_load(WINDOW, &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stdp_stimulus(c, &o, 4e-3, &s, &t_end, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(s->nsources, 4); /* pre and post, each a phase and a tail */
    ck_assert_uint_eq(s->sources[3].npulses, 1);
    trace tr;
    tu_run_built(&tr, c, s, t_end, 1e-4, "S_0_0.V", 1);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
    /* pre at 1 ms: -1 V for 1 ms, then +0.5 exp(-(t - 2 ms)/10 ms); post at 5 ms, negated */
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i], pre = 0, post = 0;
        if (i + 1 < tr.nrows && tr.t[i + 1] == t)
            continue; /* left side of an edge */
        if (t >= 1e-3 && t < 2e-3)
            pre = -1;
        else if (t >= 2e-3 && t < 32e-3)
            pre = 0.5 * exp(-(t - 2e-3) / 10e-3);
        if (t >= 5e-3 && t < 6e-3)
            post = -1;
        else if (t >= 6e-3 && t < 36e-3)
            post = 0.5 * exp(-(t - 6e-3) / 10e-3);
        ck_assert_msg(fabs(tr.v[i] - (pre - post)) < 1e-12, "t %g: V %g vs %g", t, tr.v[i],
                      pre - post);
    }
    tu_free(&tr);
}
END_TEST

/* Same points whatever the number of threads, bit for bit. */
START_TEST(test_threads)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    ck_assert_msg(opsin_circuit_load(WINDOW, &c, &d) == OPSIN_OK, "%s", d.msg);
    opsin_stdp_point a[15], b[15];
    opsin_stdp_opts o = rect_opts(15, -14e-3, 14e-3, 5, 1.0);
    o.device = "S_0_0";
    o.spike = (opsin_spike){OPSIN_SPIKE_EXP_TAIL, -1.0, 1e-3, 0.5, 30e-3, 10e-3, NULL, NULL, 0};
    o.jobs = 1;
    ck_assert(opsin_stdp_run(c, &o, a, &d) == OPSIN_OK);
    o.jobs = 3;
    ck_assert(opsin_stdp_run(c, &o, b, &d) == OPSIN_OK);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    opsin_circuit_free(c);
}
END_TEST

/* Each bad option: EINVAL and a message saying what was expected. */
START_TEST(test_errors)
{
    opsin_circuit *c = load_text(pair_circuit);
    opsin_stdp_point pt[3];
    opsin_diag d = {""};
    opsin_stdp_opts o = rect_opts(3, -1e-3, 1e-3, 1, 1.0);
    o.device = "nosuch";
    ck_assert_int_eq(opsin_stdp_run(c, &o, pt, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "--device 'nosuch'") && strstr(d.msg, "expected"), "%s", d.msg);
    o = rect_opts(3, -1e-3, 1e-3, 1, 1.0);
    o.output = "G";
    ck_assert_int_eq(opsin_stdp_run(c, &o, pt, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "--output 'G'"), "%s", d.msg);
    o = rect_opts(3, -1e-3, 1e-3, 1, 2000.0); /* 0.5 ms period, 0.1 ms spikes: fine */
    o.spike.width = 1e-3;                     /* 1 ms spikes do not fit */
    ck_assert_int_eq(opsin_stdp_run(c, &o, pt, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "lower --freq"), "%s", d.msg);
    static const double t[] = {0, 1e-3, 0.5e-3}, v[] = {0, 1, 0};
    o = rect_opts(3, -1e-3, 1e-3, 1, 1.0);
    o.spike = (opsin_spike){OPSIN_SPIKE_PWL, 0, 0, 0, 0, 0, t, v, 3};
    ck_assert_int_eq(opsin_stdp_run(c, &o, pt, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "increasing times"), "%s", d.msg);
    opsin_circuit_free(c);
}
END_TEST

/* The unit of the measured output, from the device's model table: its first output by
 * default, the named one with --output, "" for a device or output the circuit lacks. */
START_TEST(test_unit)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    ck_assert_msg(opsin_circuit_load(WINDOW, &c, &d) == OPSIN_OK, "%s", d.msg);
    opsin_stdp_opts o = {.device = "S_0_0"};
    ck_assert_str_eq(opsin_stdp_unit(c, &o), "S");
    o.output = "I";
    ck_assert_str_eq(opsin_stdp_unit(c, &o), "A");
    o.output = "x";
    ck_assert_str_eq(opsin_stdp_unit(c, &o), "1");
    o.output = "nosuch";
    ck_assert_str_eq(opsin_stdp_unit(c, &o), "");
    o.output = NULL;
    o.device = "nosuch";
    ck_assert_str_eq(opsin_stdp_unit(c, &o), "");
    ck_assert_str_eq(opsin_stdp_unit(NULL, &o), "");
    opsin_circuit_free(c);
}
END_TEST

static Suite *stdp_suite(void)
{
    Suite *s = suite_create("stdp");
    TCase *rule = tcase_create("pair rule");
    tcase_add_test(rule, test_pair_one);
    tcase_add_test(rule, test_pair_many);
    tcase_add_test(rule, test_pair_bounds);
    suite_add_tcase(s, rule);
    TCase *dev = tcase_create("device");
    tcase_add_test(dev, test_device_window);
    tcase_add_test(dev, test_light_shift);
    tcase_add_test(dev, test_waveform);
    tcase_add_test(dev, test_threads);
    tcase_add_test(dev, test_errors);
    tcase_add_test(dev, test_unit);
    tcase_set_timeout(dev, 120);
    suite_add_tcase(s, dev);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stdp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
