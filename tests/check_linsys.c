/* check_linsys.c: supercap islands advanced by the matrix exponential (engine/exact.c, the
 * model's linear_sys hook) against the two-time-constant closed form of the supercap to
 * 1e-12, with R_reg finite and open, R_sd finite and open (A singular), R_s zero and not;
 * and against their CVODE path (rtol 1e-10) on seed 004's paired pulses, energies too. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testutil.h"

/* Closed forms are met to round-off: 1e-12 relative (states relative to their own size plus
 * the largest the run reaches). */
#define EXACT 1e-12
/* The CVODE path's tolerance: K local error bounds, as tests/check_exact.c and
 * tests/compare-methods.awk take it. */
#define K 100.0
#define RTOL 1e-10

/* ---- the reference: the supercap under a piecewise-constant current --------------------- */

/* The device, written out from its equations (supercap(7) in opsin-models(7)):
 *   C1 dv1/dt = i_c - v1/R_sd - (v1 - w)/R_d,  C2 dw/dt = (v1 - w)/R_d,
 *   i_c = (I R_reg - v1)/(R_reg + R_s),  u = R_reg (I R_s + v1)/(R_reg + R_s)
 * (R_reg open: i_c = I, u = I R_s + v1), i.e. y' = A y + b I, u = c.y + d I. */
typedef struct ref {
    double A[2][2], b[2], c[2], d;
    double l1, l2; /* the eigenvalues of A: real, l1 < l2 <= 0 */
} ref;

static void ref_init(ref *r, double C1, double C2, double Rd, double Rsd, double Rreg, double Rs)
{
    double gleak = isinf(Rsd) ? 0.0 : 1.0 / Rsd;
    double gin = isinf(Rreg) ? 0.0 : 1.0 / (Rreg + Rs);    /* v1 back through R_reg */
    double into = isinf(Rreg) ? 1.0 : Rreg / (Rreg + Rs); /* of I into C1 */
    r->A[0][0] = -(gin + gleak + 1.0 / Rd) / C1;
    r->A[0][1] = 1.0 / (Rd * C1);
    r->A[1][0] = 1.0 / (Rd * C2);
    r->A[1][1] = -1.0 / (Rd * C2);
    r->b[0] = into / C1;
    r->b[1] = 0.0;
    r->c[0] = into;
    r->c[1] = 0.0;
    r->d = into * Rs;
    double tr = r->A[0][0] + r->A[1][1];
    double det = r->A[0][0] * r->A[1][1] - r->A[0][1] * r->A[1][0];
    double disc = tr * tr - 4.0 * det;
    ck_assert_double_gt(disc, 0.0); /* an RC network: real, distinct */
    r->l1 = 0.5 * (tr - sqrt(disc));
    r->l2 = det / r->l1; /* not the difference of two near-equal numbers */
}

/* f_k(l, s) for the three integrals: e^{ls}, its integral over [0, s] and that one's; series
 * where ls is small (l = 0 included) so that nothing cancels. */
static double fk(int k, double l, double s)
{
    double x = l * s;
    if (k == 0)
        return exp(x);
    if (fabs(x) < 0.5) { /* s^k sum_j x^j / (j + k)! */
        double term = 1.0, sum = 0.0;
        for (int j = 1; j <= k; j++)
            term /= j;
        for (int j = 0; j < 30; j++) {
            sum += term;
            term *= x / (j + k + 1);
        }
        return sum * (k == 1 ? s : s * s);
    }
    return k == 1 ? expm1(x) / l : (expm1(x) / l - s) / l;
}

/* F = f(A) by Sylvester's formula: (f(l1)(A - l2) - f(l2)(A - l1)) / (l1 - l2). */
static void sylvester(const ref *r, int k, double s, double F[2][2])
{
    double f1 = fk(k, r->l1, s), f2 = fk(k, r->l2, s);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double id = i == j ? 1.0 : 0.0;
            F[i][j] = (f1 * (r->A[i][j] - r->l2 * id) - f2 * (r->A[i][j] - r->l1 * id)) /
                      (r->l1 - r->l2);
        }
}

/* y after s from y under current I, and the integral of u over [0, s] into *area:
 *   y(s) = e^{As} y + (int_0^s e^{Ar} dr) b I,
 *   int y = (int_0^s e^{Ar} dr) y + (int_0^s int_0^r e^{Aq} dq dr) b I. */
static void ref_step(const ref *r, double y[2], double I, double s, double *area)
{
    double F0[2][2], F1[2][2], F2[2][2], yn[2], iy[2];
    sylvester(r, 0, s, F0);
    sylvester(r, 1, s, F1);
    sylvester(r, 2, s, F2);
    for (int i = 0; i < 2; i++) {
        yn[i] = F0[i][0] * y[0] + F0[i][1] * y[1] + (F1[i][0] * r->b[0] + F1[i][1] * r->b[1]) * I;
        iy[i] = F1[i][0] * y[0] + F1[i][1] * y[1] + (F2[i][0] * r->b[0] + F2[i][1] * r->b[1]) * I;
    }
    *area = r->c[0] * iy[0] + r->c[1] * iy[1] + r->d * I * s;
    y[0] = yn[0];
    y[1] = yn[1];
}

/* ---- the runs --------------------------------------------------------------------------- */

/* Parameter sets: seed 004's fitted device (circuits/fmes.cfg); R_reg open with a leak and a
 * series resistance; nothing in parallel (A singular: the charge only moves); R_reg without
 * leak. */
static const char *const devices[] = {
    "C1 = \"39.106 uF\"; C2 = \"7.9109 mF\"; R_d = \"173.73 ohm\"; R_sd = \"245.06 kohm\"; "
    "R_reg = \"7 kohm\";",
    "C1 = \"10 uF\"; C2 = \"1 mF\"; R_d = \"1 kohm\"; R_sd = \"1 Mohm\"; R_s = \"20 ohm\";",
    "C1 = \"10 uF\"; C2 = \"1 mF\"; R_d = \"1 kohm\";",
    "C1 = \"39.106 uF\"; C2 = \"7.9109 mF\"; R_d = \"173.73 ohm\"; R_reg = \"500 ohm\"; "
    "R_s = \"5 ohm\";",
};

static const char circuit[] =
    "components = ({ id = \"syn\"; model = \"supercap\"; %s });\n"
    "probes = [\"syn.v1\", \"syn.w\", \"syn.v\", \"syn.q\"];\n"
    "solver = { rtol = %g; method = \"%s\"; };\n";

/* Paired pulses (seed 004, Fig. 3c), then a train whose amplitude steps pulse to pulse, and
 * a long pulse into the retention tail. */
static const char stimulus[] =
    "sources = ({ id = \"pre\"; kind = \"current\"; targets = [\"syn\"];\n"
    "  trains = ({ start = \"1 ms\"; width = \"1 ms\"; period = \"10 ms\"; count = 2;\n"
    "              amplitude = \"3.9603 mA\"; },\n"
    "            { start = \"40 ms\"; width = \"1 ms\"; period = \"2 ms\"; count = 40;\n"
    "              amplitude = \"1 mA\"; amplitude_end = \"0.2 mA\"; },\n"
    "            { start = \"150 ms\"; width = \"50 ms\"; amplitude = \"-0.5 mA\"; }); });\n";

static void run(trace *tr, int dev, const char *method, opsin_circuit **cp, double t_end)
{
    char text[1024];
    opsin_diag d;
    opsin_stimulus *st;
    snprintf(text, sizeof text, circuit, devices[dev], RTOL, method);
    ck_assert_msg(opsin_circuit_parse(text, "linsys.cfg", cp, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stimulus_parse(stimulus, "stim.cfg", *cp, &st, &d) == OPSIN_OK, "%s",
                  d.msg);
    tu_run_built(tr, *cp, st, t_end, 1e-3, NULL, 1);
    opsin_stimulus_free(st);
}

/* The reference from the parsed circuit's own numbers. */
static void ref_of(ref *r, const opsin_circuit *c)
{
    static const char *const names[] = {"C1", "C2", "R_d", "R_sd", "R_reg", "R_s"};
    double p[6];
    for (size_t k = 0; k < 6; k++) {
        int at = opsin_model_param_index(c->comps[0].model, names[k]);
        ck_assert_int_ge(at, 0);
        p[k] = c->comps[0].p[at];
    }
    ref_init(r, p[0], p[1], p[2], p[3], p[4], p[5]);
}

/* The pulses' edges and the current from each on, in time order (2 per pulse). */
static size_t edges_of(const opsin_circuit *c, double t_end, double *edge, double *level,
                       size_t max)
{
    opsin_diag d;
    opsin_stimulus *st;
    opsin_pulse *pl;
    size_t np;
    ck_assert(opsin_stimulus_parse(stimulus, "stim.cfg", c, &st, &d) == OPSIN_OK);
    ck_assert_int_eq(opsin_source_pulses(&st->sources[0], t_end, &pl, &np), OPSIN_OK);
    ck_assert_uint_le(2 * np, max);
    for (size_t k = 0; k < np; k++) { /* the trains do not overlap */
        edge[2 * k] = pl[k].start;
        level[2 * k] = pl[k].amplitude;
        edge[2 * k + 1] = pl[k].end;
        level[2 * k + 1] = 0.0;
    }
    free(pl);
    opsin_stimulus_free(st);
    return 2 * np;
}

/* ---- (a) the propagator is the closed form ---------------------------------------------- */

/* Every row (both sides of every edge: v1, w, u = c.y + d I with the row's I, q = C1 v1 +
 * C2 w) and the source's energy to 1e-12 of the closed form, stepped edge to edge and then
 * to each row; the island exact, with no integrator step. */
START_TEST(test_closed_form)
{
    trace tr;
    opsin_circuit *c;
    ref r;
    double t_end = 0.3, edge[256], level[256];
    run(&tr, _i, "auto", &c, t_end);
    ck_assert_uint_eq(tr.stats.exact_islands, 1);
    ck_assert_uint_eq(tr.stats.steps, 0);
    ref_of(&r, c);
    if (_i == 2)
        ck_assert(fabs(r.l2) < 1e-12 * fabs(r.l1)); /* singular: no leak anywhere */
    size_t ne = edges_of(c, t_end, edge, level, 256), k = 0;
    double y[2] = {0, 0}, t = 0.0, I = 0.0, energy = 0.0, area, scale[4] = {0};
    for (size_t i = 0; i < tr.nrows; i++)
        for (size_t j = 0; j < 4; j++)
            scale[j] = fmax(scale[j], fabs(tr.v[i * tr.ncols + j]));
    ck_assert_double_gt(scale[0], 0.01);
    for (size_t i = 0; i < tr.nrows; i++) {
        double ti = tr.t[i];
        int left = i + 1 < tr.nrows && tr.t[i + 1] == ti; /* the left side of an edge */
        while (k < ne && (edge[k] < ti || (edge[k] == ti && !left))) {
            ref_step(&r, y, I, edge[k] - t, &area);
            energy += I * area;
            t = edge[k];
            I = level[k++];
        }
        double yr[2] = {y[0], y[1]};
        ref_step(&r, yr, I, ti - t, &area);
        double want[4] = {yr[0], yr[1], r.c[0] * yr[0] + r.c[1] * yr[1] + r.d * I,
                          c->comps[0].p[opsin_model_param_index(c->comps[0].model, "C1")] *
                                  yr[0] +
                              c->comps[0].p[opsin_model_param_index(c->comps[0].model, "C2")] *
                                  yr[1]};
        for (size_t j = 0; j < 4; j++) {
            double got = tr.v[i * tr.ncols + j];
            ck_assert_msg(fabs(got - want[j]) <= EXACT * (fabs(want[j]) + scale[j]),
                          "device %d, column %zu at t %.17g: %.17g vs %.17g", _i, j, ti, got,
                          want[j]);
        }
    }
    while (k < ne && edge[k] <= t_end) { /* to t_end */
        ref_step(&r, y, I, edge[k] - t, &area);
        energy += I * area;
        t = edge[k];
        I = level[k++];
    }
    ref_step(&r, y, I, t_end - t, &area);
    energy += I * area;
    ck_assert_msg(fabs(tr.energy[0] - energy) <= EXACT * fabs(energy), "energy %.17g vs %.17g J",
                  tr.energy[0], energy);
    opsin_circuit_free(c);
    tu_free(&tr);
}
END_TEST

/* The device's runs with "auto" into a and with `method` into b. */
static void run_pair(trace *a, trace *b, int dev, const char *method)
{
    opsin_circuit *ca, *cb;
    run(a, dev, "auto", &ca, 0.3);
    run(b, dev, method, &cb, 0.3);
    opsin_circuit_free(ca);
    opsin_circuit_free(cb);
    ck_assert_uint_eq(a->nrows, b->nrows);
}

/* ---- (b), (c) CVODE agrees within its tolerance ----------------------------------------- */

/* Every row both runs share within K (rtol (|v| + max |column|)) of each other, and the
 * source's energy within K rtol of its size (the energy states are quadratures of the
 * voltage, which the error test bounds). */
START_TEST(test_cvode_agrees)
{
    trace a, b;
    run_pair(&a, &b, _i, "cvode");
    ck_assert_uint_eq(a.stats.exact_islands, 1);
    ck_assert_uint_eq(b.stats.exact_islands, 0);
    ck_assert_uint_gt(b.stats.steps, 0);
    double scale[4] = {0};
    for (size_t i = 0; i < a.nrows; i++)
        for (size_t j = 0; j < 4; j++)
            scale[j] = fmax(scale[j], fabs(a.v[i * a.ncols + j]));
    for (size_t i = 0; i < a.nrows; i++) {
        ck_assert(a.t[i] == b.t[i]);
        for (size_t j = 0; j < 4; j++) {
            double x = a.v[i * a.ncols + j], z = b.v[i * b.ncols + j];
            ck_assert_msg(fabs(x - z) <= K * RTOL * (fabs(x) + scale[j]),
                          "device %d, column %zu at t %.17g: %.17g vs %.17g", _i, j, a.t[i], x, z);
        }
    }
    ck_assert_msg(fabs(a.energy[0] - b.energy[0]) <= K * RTOL * fabs(a.energy[0]),
                  "energy %.17g vs %.17g J", a.energy[0], b.energy[0]);
    tu_free(&a);
    tu_free(&b);
}
END_TEST

/* "exact" takes the supercap as "auto" does, to the bit. */
START_TEST(test_exact_is_auto)
{
    trace a, b;
    run_pair(&a, &b, _i, "exact");
    ck_assert_uint_eq(b.stats.exact_islands, 1);
    ck_assert(memcmp(a.v, b.v, a.nrows * a.ncols * sizeof *a.v) == 0);
    ck_assert(a.energy[0] == b.energy[0]);
    tu_free(&a);
    tu_free(&b);
}
END_TEST

static Suite *linsys_suite(void)
{
    Suite *s = suite_create("linsys");
    int ndev = (int)(sizeof devices / sizeof devices[0]);
    TCase *cf = tcase_create("closed form");
    tcase_add_loop_test(cf, test_closed_form, 0, ndev);
    tcase_add_loop_test(cf, test_exact_is_auto, 0, ndev);
    suite_add_tcase(s, cf);
    TCase *cv = tcase_create("cvode");
    tcase_add_loop_test(cv, test_cvode_agrees, 0, ndev);
    tcase_set_timeout(cv, 60);
    suite_add_tcase(s, cv);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(linsys_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
