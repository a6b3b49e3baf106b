/* check_measure.c: the measures ngspice users reach for (when, max_t/min_t, integral, avg),
 * on rows written out here (crossings at rows, at edges and between rows; windows cutting
 * edges), through the one --measure parser of run and sweep, and on runs against closed
 * forms: an RC charge (crossing times -tau ln(1 - v/v_inf), its integral and average), a
 * spiking neuron (the Nth rising and falling crossing) and a current pulse (an edge inside
 * the window). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/measure.h"
#include "testutil.h"

#define FMES SRCDIR "/circuits/fmes.cfg"

/* ---- on rows written out here ------------------------------------------------------------ */

/* A measure over rows (t, v) with its arguments. */
static double over_rows(const char *name, const double *t, const double *v, size_t n,
                        double arg, double arg2, int dir, long nth)
{
    opsin_measure_input in = {t, v, 1, n, NULL, 0, NULL, 0, t[n - 1], 0.0, arg, arg2, dir, nth,
                              0, NAN};
    const opsin_measure_def *m = opsin_measure_find(name);
    ck_assert_ptr_nonnull(m);
    return m->fn(&in);
}

/* Level 1: reached at a row then above (rise at t = 1), an edge down across it (fall at
 * t = 2), touched from below and left downwards (no crossing), then crossed between rows
 * (rise at t = 5 + 0.5/1.5). */
START_TEST(test_when_rows)
{
    static const double t[] = {0, 1, 2, 2, 3, 4, 5, 6}, v[] = {0, 1, 2, 0, 1, 1, 0.5, 2};
    const double third = 5 + 0.5 / 1.5;
    struct { int dir; long nth; double want; } c[] = {
        {OPSIN_MDIR_CROSS, 1, 1},     {OPSIN_MDIR_CROSS, 2, 2},    {OPSIN_MDIR_CROSS, 3, third},
        {OPSIN_MDIR_CROSS, 4, NAN},   {OPSIN_MDIR_RISE, 1, 1},     {OPSIN_MDIR_RISE, 2, third},
        {OPSIN_MDIR_FALL, 1, 2},      {OPSIN_MDIR_FALL, 2, NAN},   {OPSIN_MDIR_CROSS, 0, third},
        {OPSIN_MDIR_FALL, 0, 2},      {OPSIN_MDIR_RISE, 0, third}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        double got = over_rows("when", t, v, 8, 1.0, 0, c[k].dir, c[k].nth);
        ck_assert_msg(isnan(c[k].want) ? isnan(got) : got == c[k].want,
                      "dir %d, n %ld: %.17g (expected %.17g)", c[k].dir, c[k].nth, got,
                      c[k].want);
    }
    /* never reached: nan */
    ck_assert(isnan(over_rows("when", t, v, 8, 5.0, 0, OPSIN_MDIR_CROSS, 1)));
}
END_TEST

/* A jump from 1 to 3 at t = 1 (two rows): each side counts over its own interval only. */
START_TEST(test_integral_rows)
{
    static const double t[] = {0, 1, 1, 2}, v[] = {0, 1, 3, 3};
    ck_assert(over_rows("integral", t, v, 4, -INFINITY, INFINITY, 0, 1) == 3.5);
    ck_assert(over_rows("integral", t, v, 4, 0.5, 1.5, 0, 1) == 0.375 + 1.5);
    ck_assert(over_rows("integral", t, v, 4, 1, 2, 0, 1) == 3);
    ck_assert(over_rows("integral", t, v, 4, 0, 1, 0, 1) == 0.5);
    ck_assert(over_rows("avg", t, v, 4, 0.5, 1.5, 0, 1) == 1.875);
    ck_assert(over_rows("avg", t, v, 4, -INFINITY, INFINITY, 0, 1) ==
              over_rows("mean", t, v, 4, 0, 0, 0, 1));
    ck_assert(over_rows("max_t", t, v, 4, 0, 0, 0, 1) == 1); /* the first row holding 3 */
    ck_assert(over_rows("min_t", t, v, 4, 0, 0, 0, 1) == 0);
}
END_TEST

/* ---- the parser of run and sweep --------------------------------------------------------- */

/* Parses specs against circuit path cp (and stimulus text, or NULL) with t_end. */
static int parse(opsin_measure_list *ml, const char *cp, const char *stim, const char *spec,
                 double t_end, opsin_diag *d, opsin_circuit **c, opsin_stimulus **s)
{
    opsin_diag u = {""};
    ck_assert_msg(opsin_circuit_load(cp, c, &u) == 0, "%s", u.msg);
    *s = NULL;
    const char *sp = stim ? tu_write_temp(1, stim) : NULL;
    if (sp)
        ck_assert_msg(opsin_stimulus_load(sp, *c, s, &u) == 0, "%s", u.msg);
    opsin_measure_scope scope = {*c, cp, *s, sp, t_end};
    return opsin_measure_list_parse(ml, &scope, &spec, 1, NULL, 0, d);
}

START_TEST(test_parse)
{
    opsin_measure_list ml;
    opsin_circuit *c;
    opsin_stimulus *s;
    opsin_diag d = {""};
    ck_assert_msg(parse(&ml, FMES, NULL, "when:syn.v=50mV:rise:2,syn.i:when:-1mA:last,"
                        "syn.v:integral:1ms:2ms,integral,syn.i:avg,max_t,syn.i:min_t,max",
                        30e-3, &d, &c, &s) == 0, "%s", d.msg);
    ck_assert_uint_eq(ml.n, 8);
    static const char *const label[] = {"syn.v:when:50mV:rise:2", "syn.i:when:-1mA:last",
                                        "syn.v:integral:1ms:2ms", "syn.v:integral",
                                        "syn.i:avg", "syn.v:max_t", "syn.i:min_t", "syn.v:max"};
    static const char *const unit[] = {"s", "s", "V s", "V s", "A", "s", "s", "V"};
    for (size_t k = 0; k < ml.n; k++) {
        ck_assert_str_eq(ml.items[k].label, label[k]);
        ck_assert_str_eq(ml.items[k].unit, unit[k]);
    }
    ck_assert(ml.items[0].arg == 0.05 && ml.items[0].dir == OPSIN_MDIR_RISE &&
              ml.items[0].nth == 2);
    ck_assert(ml.items[1].arg == -1e-3 && ml.items[1].dir == OPSIN_MDIR_CROSS &&
              ml.items[1].nth == 0);
    ck_assert(ml.items[2].arg == 1e-3 && ml.items[2].arg2 == 2e-3);
    ck_assert(ml.items[3].arg == -INFINITY && ml.items[3].arg2 == INFINITY);
    ck_assert_uint_eq(ml.nprobes, 2); /* syn.v and syn.i, each recorded once */
    opsin_measure_list_free(&ml);
    opsin_circuit_free(c);
}
END_TEST

/* Every way to get an item wrong names it and says what was expected. */
START_TEST(test_parse_errors)
{
    static const struct { const char *spec, *want; } bad[] = {
        {"syn.v:when:syn.v=1", "two probes, 'syn.v' and 'syn.v'"},
        {"when:syn.v=5A", "when needs a level in V"},
        {"when", "when needs a level"},
        {"when:1:up", "after the level comes rise, fall or cross"},
        {"when:1:rise:0", "then N >= 1 or last"},
        {"when:1:rise:2x", "then N >= 1 or last"},
        {"when:1:2:rise", "then N >= 1 or last"},
        {"when:1:rise:2:3", "too many ':'"},
        {"when:zz.v=1", "unknown probe 'zz.v'"},
        {"avg:2ms:1ms", "avg takes a window of the run"},
        {"avg:1ms", "avg takes a window of the run"},
        {"integral:1ms:1s", "0 <= T1 < T2 <= t_end = 0.03 s"},
        {"max_t:1", "max_t takes no argument"},
        {"whence", "unknown measure 'whence'"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        opsin_measure_list ml;
        opsin_circuit *c;
        opsin_stimulus *s;
        opsin_diag d = {""};
        ck_assert_int_eq(parse(&ml, FMES, NULL, bad[k].spec, 30e-3, &d, &c, &s), OPSIN_EINVAL);
        char head[300];
        snprintf(head, sizeof head, "--measure %s: ", bad[k].spec);
        ck_assert_msg(strncmp(d.msg, head, strlen(head)) == 0 && strstr(d.msg, bad[k].want) &&
                      strstr(d.msg, "(expected "), "%s: %s", bad[k].spec, d.msg);
        opsin_measure_list_free(&ml);
        opsin_circuit_free(c);
    }
}
END_TEST

/* ---- runs against closed forms ------------------------------------------------------------ */

/* Runs circuit path cp (stimulus text or NULL) to t_end with rows every dt and evaluates
 * spec: the path `opsin run --measure` takes when `follow` (the level crossings found on the
 * solution, opsin_run_opts.watches), else with when read off the rows (as for a population's
 * probe). */
static void measure_run_as(const char *cp, const char *stim, const char *spec, double t_end,
                           double dt, int follow, double *res)
{
    opsin_measure_list ml;
    opsin_circuit *c;
    opsin_stimulus *s;
    opsin_diag d = {""};
    ck_assert_msg(parse(&ml, cp, stim, spec, t_end, &d, &c, &s) == 0, "%s", d.msg);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = t_end;
    o.dt_out = dt;
    o.probes = ml.probes;
    o.nprobes = ml.nprobes;
    if (follow) {
        o.watches = ml.watches;
        o.nwatches = ml.nwatches;
    }
    opsin_sim *sim;
    ck_assert_msg(opsin_sim_new(c, s, &o, &sim, &d) == 0, "%s", d.msg);
    opsin_measure_record r;
    opsin_measure_record_init(&r, &ml, NULL, 0);
    opsin_sink sink = opsin_measure_record_sink(&r);
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == 0, "%s", d.msg);
    ck_assert_int_eq(opsin_measure_list_eval(&ml, &r, s, sim, t_end, res), 0);
    opsin_measure_record_free(&r);
    opsin_sim_free(sim);
    opsin_measure_list_free(&ml);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}

static void measure_run(const char *cp, const char *stim, const char *spec, double t_end,
                        double dt, double *res)
{
    measure_run_as(cp, stim, spec, t_end, dt, 0, res);
}

/* An RC charge: lif below threshold with a constant input conductance, V(0) = 0,
 * V = v_inf (1 - exp(-t/tau)), v_inf = 0.5 V, tau = C_m/(G_L + G_in) = 5 ms. */
static const char rc_circuit[] =
    "components = ({ id = \"n1\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\"; E_L = 0;\n"
    "  G_in = \"10 nS\"; V_in = \"1 V\"; V_th = \"%s\"; V_reset = 0; t_ref = \"2 ms\"; });\n"
    "probes = [\"n1.V\"];\nsolver = { method = \"%s\"; rtol = 1e-10; };\n";
#define VINF 0.5
#define TAU 5e-3

/* The charge advanced by solver.method `method` ("auto": in closed form). */
static const char *rc_path_method(const char *v_th, const char *method)
{
    static char text[512];
    snprintf(text, sizeof text, rc_circuit, v_th, method);
    return tu_write_temp(0, text);
}

static const char *rc_path(const char *v_th)
{
    return rc_path_method(v_th, "auto");
}

/* The solver's global error in V at rtol 1e-10: ~1e-9 V on this charge (opsin run -m at:T
 * against the closed form), taken as 1e-8 V; at a crossing of level L it moves the time by
 * that over V' = (v_inf - L)/tau. */
#define V_ERR 1e-8

/* when: the crossing time of v is -tau ln(1 - v/v_inf).  Linear interpolation between rows
 * dt apart misplaces it by at most dt^2 max|V''|/(8 V') = dt^2 e^(dt/tau)/(8 tau) (V'' over
 * the row's interval against V' at the crossing), plus the solver's share.  --dt-out is the
 * knob: at tau/1000 and tau/100 both stay within their bound. */
START_TEST(test_rc_when)
{
    static const double level[] = {0.05, 0.25, 0.4, 0.45};
    static const double dts[] = {TAU / 1000, TAU / 100};
    char spec[256];
    snprintf(spec, sizeof spec, "when:n1.V=%g,when:n1.V=%g:rise,when:n1.V=%g:rise:1,"
             "when:n1.V=%gV:last,when:n1.V=0.6,when:n1.V=0.25:fall", level[0], level[1],
             level[2], level[3]);
    for (size_t k = 0; k < 2; k++) {
        double res[6], dt = dts[k];
        measure_run(rc_path("2 V"), NULL, spec, 20e-3, dt, res);
        for (size_t i = 0; i < 4; i++) {
            double want = -TAU * log(1 - level[i] / VINF);
            double err = res[i] - want;
            double bound = dt * dt * exp(dt / TAU) / (8 * TAU) +
                           V_ERR * TAU / (VINF - level[i]);
            printf("RC, rows every %g s: crossing of %g V at %.12g s, closed form %.12g s, "
                   "error %.3g s (bound %.3g s)\n", dt, level[i], res[i], want, err, bound);
            ck_assert_msg(fabs(err) <= bound, "level %g: %.15g vs %.15g", level[i], res[i],
                          want);
        }
        ck_assert(isnan(res[4]) && isnan(res[5])); /* never reached; never falls */
    }
}
END_TEST

/* when on the solution itself (what opsin run and sweep do): the same bits whatever the
 * rows, even rows coarser than the charge (3 tau), and at the closed form's time to the
 * solver's accuracy (CVODE at rtol 1e-10: V_ERR over V') or to 1e-12 relative (the closed
 * form), where the rows' linear interpolation above needs rows of tau/1000 for 1e-7. */
START_TEST(test_rc_when_followed)
{
    static const char *const method[] = {"cvode", "exact"};
    static const double level[] = {0.05, 0.25, 0.4, 0.45};
    static const double dts[] = {TAU / 1000, TAU / 10, 3 * TAU};
    char spec[256];
    snprintf(spec, sizeof spec, "when:n1.V=%g,when:n1.V=%g:rise,when:n1.V=%g:rise:1,"
             "when:n1.V=%gV:last,when:n1.V=0.6,when:n1.V=0.25:fall", level[0], level[1],
             level[2], level[3]);
    for (size_t m = 0; m < 2; m++) {
        double first[6];
        for (size_t k = 0; k < 3; k++) {
            double res[6];
            measure_run_as(rc_path_method("2 V", method[m]), NULL, spec, 20e-3, dts[k], 1, res);
            for (size_t i = 0; i < 4; i++) {
                double want = -TAU * log(1 - level[i] / VINF);
                double bound = m == 0 ? V_ERR * TAU / (VINF - level[i]) : 1e-12 * want;
                printf("RC (%s), rows every %g s, on the solution: crossing of %g V at %.15g "
                       "s, closed form %.15g s, error %.3g s (bound %.3g s)\n", method[m],
                       dts[k], level[i], res[i], want, res[i] - want, bound);
                ck_assert_msg(fabs(res[i] - want) <= bound, "%s level %g: %.17g vs %.17g",
                              method[m], level[i], res[i], want);
                ck_assert_msg(k == 0 || res[i] == first[i], "%s level %g: %.17g at dt %g, "
                              "%.17g at dt %g", method[m], level[i], res[i], dts[k], first[i],
                              dts[0]);
            }
            ck_assert(isnan(res[4]) && isnan(res[5]));
            if (k == 0)
                memcpy(first, res, sizeof first);
        }
    }
}
END_TEST

/* integral, avg and mean of the RC charge: integral_a^b V = v_inf ((b - a) + tau (e^(-b/tau)
 * - e^(-a/tau))); the trapezoid rule errs by at most (b - a) dt^2 max|V''|/12 =
 * (b - a) dt^2 v_inf/(12 tau^2).  The charge rises throughout: max at t_end, min at 0. */
START_TEST(test_rc_integral)
{
    const double T = 20e-3, dt = TAU / 1000, a = 2e-3, b = 7e-3;
    double res[6];
    measure_run(rc_path("2 V"), NULL, "integral,integral:2ms:7ms,avg:2ms:7ms,mean,max_t,min_t",
                T, dt, res);
    double whole = VINF * (T + TAU * (exp(-T / TAU) - 1));
    double part = VINF * ((b - a) + TAU * (exp(-b / TAU) - exp(-a / TAU)));
    double tol_whole = T * dt * dt * VINF / (12 * TAU * TAU) + 1e-9 * whole;
    double tol_part = (b - a) * dt * dt * VINF / (12 * TAU * TAU) + 1e-9 * part;
    printf("RC integral %.12g V s (closed form %.12g), over [2, 7] ms %.12g (%.12g)\n", res[0],
           whole, res[1], part);
    ck_assert_msg(fabs(res[0] - whole) <= tol_whole, "%.15g vs %.15g", res[0], whole);
    ck_assert_msg(fabs(res[1] - part) <= tol_part, "%.15g vs %.15g", res[1], part);
    ck_assert_msg(fabs(res[2] - part / (b - a)) <= tol_part / (b - a), "avg %.15g", res[2]);
    ck_assert_msg(fabs(res[3] - whole / T) <= tol_whole / T, "mean %.15g", res[3]);
    ck_assert(res[4] == T && res[5] == 0);
}
END_TEST

/* A spiking neuron: V_th 0.4 V, so spikes at t_k = t1 + (k - 1)(t1 + t_ref), t1 = tau
 * ln(v_inf/(v_inf - V_th)); V jumps back to 0 at each (an edge: the falling crossing of any
 * level below V_th is the spike time exactly), and rises across level L at (k - 1)(t1 +
 * t_ref) + tau ln(v_inf/(v_inf - L)).  Crossings in order: rise, fall, rise, fall, ... */
START_TEST(test_spiking_when)
{
    const double tref = 2e-3, t1 = TAU * log(VINF / (VINF - 0.4)), P = t1 + tref, dt = TAU / 1000;
    const double up = TAU * log(VINF / (VINF - 0.25)), T = 50e-3;
    double res[5];
    measure_run(rc_path("0.4 V"), NULL, "when:n1.V=0.25,when:n1.V=0.25:fall:2,"
                "when:n1.V=0.25:rise:last,when:n1.V=0.25:cross:4,when:n1.V=0.25:rise:3",
                T, dt, res);
    long last = (long)floor((T - up) / P); /* the last rise before T, counted from 0 */
    double want[] = {up, t1 + P, last * P + up, t1 + P, 2 * P + up};
    for (size_t i = 0; i < 5; i++) {
        double bound = dt * dt * exp(dt / TAU) / (8 * TAU) + V_ERR * TAU / (VINF - 0.4);
        ck_assert_msg(fabs(res[i] - want[i]) <= bound, "measure %zu: %.15g vs %.15g", i,
                      res[i], want[i]);
    }
    /* on the solution (the closed form here), with rows far apart (2 ms, longer than t_ref):
     * the resets at the spikes are crossings at the spikes' times, the rises the closed
     * form's, to 1e-12 */
    measure_run_as(rc_path("0.4 V"), NULL, "when:n1.V=0.25,when:n1.V=0.25:fall:2,"
                   "when:n1.V=0.25:rise:last,when:n1.V=0.25:cross:4,when:n1.V=0.25:rise:3",
                   T, 2e-3, 1, res);
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(fabs(res[i] - want[i]) <= 1e-12 * want[i], "measure %zu on the solution: "
                      "%.17g vs %.17g", i, res[i], want[i]);
}
END_TEST

/* A 0.5 mA current pulse from 1 to 2 ms into the supercap: syn.i is a rectangle, so every
 * window that cuts it is exact (the rows at 2 ms hold both sides), and the voltage peaks at
 * the falling edge. */
START_TEST(test_pulse_edges)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = \"1 ms\";\n"
        "  width = \"1 ms\"; amplitude = \"0.5 mA\"; });\n";
    double res[7];
    measure_run(FMES, stim, "syn.i:integral,syn.i:integral:1.5ms:3ms,syn.i:avg:0:4ms,"
                "syn.i:when:0.25mA:fall,syn.i:when:0.25mA,syn.v:max_t,syn.i:integral:0:1ms",
                5e-3, 0.3e-3, res);
    ck_assert_msg(fabs(res[0] - 0.5e-6) <= 1e-15, "%.17g", res[0]);
    ck_assert_msg(fabs(res[1] - 0.25e-6) <= 1e-15, "%.17g", res[1]);
    ck_assert_msg(fabs(res[2] - 0.5e-6 / 4e-3) <= 1e-12, "%.17g", res[2]);
    ck_assert(res[3] == 2e-3 && res[4] == 1e-3 && res[5] == 2e-3 && res[6] == 0);
}
END_TEST

static Suite *measure_suite(void)
{
    Suite *s = suite_create("measure");
    TCase *rows = tcase_create("rows");
    tcase_add_test(rows, test_when_rows);
    tcase_add_test(rows, test_integral_rows);
    tcase_add_test(rows, test_parse);
    tcase_add_test(rows, test_parse_errors);
    suite_add_tcase(s, rows);
    TCase *cf = tcase_create("closed forms");
    tcase_add_test(cf, test_rc_when);
    tcase_add_test(cf, test_rc_when_followed);
    tcase_add_test(cf, test_rc_integral);
    tcase_add_test(cf, test_spiking_when);
    tcase_add_test(cf, test_pulse_edges);
    tcase_set_timeout(cf, 60);
    suite_add_tcase(s, cf);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(measure_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
