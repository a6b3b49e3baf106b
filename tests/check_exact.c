/* check_exact.c: lone lif islands advanced in closed form (engine/exact.c) against an
 * independent closed-form reference to 1e-12, against their CVODE path within its tolerance,
 * with pulses, refractory periods across pulse edges and connections into CVODE islands; and
 * solver.method = "exact" refused where an island has no closed form. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testutil.h"

/* Closed forms are met to round-off: 1e-12 relative (times; voltages relative to the swing
 * |V_th - V_reset| plus |V|). */
#define EXACT 1e-12
/* The CVODE path's tolerance: its solver section's rtol (1e-9, and 1e-11 to see the two
 * paths converge; atol = rtol x 1 V for V) and K local error bounds rtol |V| + atol for its
 * error over an interval: the local errors of the steps CVODE takes within about a time
 * constant of the crossing add up, from its restart at order 1 (measured at up to 31 bounds
 * on the train below, at every rtol from 1e-9 to 1e-12).  tests/compare-methods.awk uses the
 * same K on the examples. */
static const double rtols[] = {1e-9, 1e-11};
#define K 100.0

/* ---- an independent reference: the lif under a piecewise-constant current ---------------- */

/* From t on: V = v (held there until the next record when held), current I. */
typedef struct ref_seg {
    double t, v, I;
    int held;
} ref_seg;

typedef struct ref {
    double Cm, GL, EL, Gin, Vin, Vth, Vr, tref; /* the circuit's parameters */
    double G, tau, vinf;
    ref_seg seg[4096];
    size_t nseg;
    double spike[1024], slope[1024]; /* spike times, dV/dt just before each */
    size_t nspikes;
    double energy; /* of the current source: integral of I V dt */
} ref;

static void ref_push(ref *r, double t, double v, double I, int held)
{
    ck_assert_uint_lt(r->nseg, sizeof r->seg / sizeof r->seg[0]);
    r->seg[r->nseg++] = (ref_seg){t, v, I, held};
}

/* Where V relaxes under current I. */
static double ref_vinf(const ref *r, double I)
{
    return (r->GL * r->EL + r->Gin * r->Vin + I) / r->G;
}

/* Free relaxation from v for s: V at the end, and the integral of V into *area. */
static double ref_relax(const ref *r, double v, double I, double s, double *area)
{
    double ve = ref_vinf(r, I), e = exp(-s / r->tau);
    *area = ve * s + (v - ve) * r->tau * (1.0 - e);
    return ve + (v - ve) * e;
}

/* The lif from V(0) under the current `level[k]` from edge[k] on (0 before edge[0]), to
 * t_end: spikes when V reaches V_th from below (before an edge at the same instant), then
 * V = V_reset held for t_ref; an edge inside a refractory period changes only the current. */
static void ref_run(ref *r, const double *edge, const double *level, size_t nedge, double t_end)
{
    r->G = r->GL + r->Gin;
    r->tau = r->Cm / r->G;
    r->vinf = ref_vinf(r, 0.0);
    double t = 0.0, v = r->EL < r->Vth ? r->EL : r->Vr, I = 0.0, wake = -INFINITY, area;
    size_t k = 0;
    r->nseg = r->nspikes = 0;
    r->energy = 0.0;
    ref_push(r, t, v, I, 0);
    while (t < t_end) {
        double te = k < nedge && edge[k] < t_end ? edge[k] : t_end;
        if (t < wake && wake <= te) { /* the refractory period ends first */
            r->energy += I * v * (wake - t);
            t = wake;
            ref_push(r, t, v, I, 0);
            continue;
        }
        double ve = ref_vinf(r, I), tc = INFINITY;
        if (!(t < wake) && v < r->Vth && ve > r->Vth)
            tc = t + r->tau * log((ve - v) / (ve - r->Vth));
        double tn = fmin(tc, te);
        double vn = t < wake ? v : ref_relax(r, v, I, tn - t, &area);
        r->energy += I * (t < wake ? v * (tn - t) : area);
        int held = t < wake;
        t = tn;
        if (tc <= te) { /* a spike, before an edge at the same instant */
            r->slope[r->nspikes] = (ve - r->Vth) / r->tau;
            r->spike[r->nspikes++] = tc;
            v = r->Vr;
            wake = tc + r->tref;
            ref_push(r, t, v, I, r->tref > 0);
            continue;
        }
        v = vn;
        if (te == t_end && !(k < nedge && edge[k] == t_end))
            break;
        I = level[k++];
        ref_push(r, t, v, I, held);
    }
}

/* The record in force at t: after every record at t (left = 0), or before those (left = 1). */
static const ref_seg *ref_at(const ref *r, double t, int left)
{
    size_t i = 0;
    while (i + 1 < r->nseg && (left ? r->seg[i + 1].t < t : r->seg[i + 1].t <= t))
        i++;
    return &r->seg[i];
}

/* V at t (left: before the records at t). */
static double ref_v(const ref *r, double t, int left)
{
    const ref_seg *s = ref_at(r, t, left);
    double area;
    return s->held || t == s->t ? s->v : ref_relax(r, s->v, s->I, t - s->t, &area);
}

/* ---- the circuit and its stimulus ------------------------------------------------------- */

/* A lif with E_L below the input's pull (V relaxes from E_L before any drive), a current
 * source, and a connection to a supercap; %s: the solver's method. */
static const char circuit[] =
    "components = (\n"
    " { id = \"n\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\"; E_L = \"-70 mV\";\n"
    "   G_in = \"5 nS\"; V_in = \"0.4 V\"; V_th = \"0.2 V\"; V_reset = \"-50 mV\";\n"
    "   t_ref = \"2 ms\"; },\n"
    " { id = \"syn\"; model = \"supercap\"; R_reg = \"7 kohm\"; });\n"
    "connections = ({ from = \"n\"; to = \"syn\"; amplitude = 1e-3; width = 1e-3;\n"
    "   delay = 5e-4; });\n"
    "probes = [\"n.V\", \"n.I_syn\", \"n.I_ext\", \"syn.v\", \"syn.i\"];\n"
    "solver = { rtol = %g; method = \"%s\"; };\n";

/* One long pulse (1), and a train of two spikes a pulse whose second spike's refractory
 * period holds the end of its pulse and the start of the next (3). */
static const char *const stimuli[] = {
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"n\"]; start = \"5 ms\";\n"
    "  width = \"500 ms\"; amplitude = \"2 nA\"; });\n",
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"n\"]; start = \"5 ms\";\n"
    "  width = \"9 ms\"; period = \"10 ms\"; count = 12; amplitude = \"8 nA\"; });\n",
};

/* The run of the circuit under stimulus `which` with `method`, and the reference from the
 * parsed files' own numbers (pulse edges as the run computes them). */
static void run_both(trace *tr, ref *r, int which, const char *method, double rtol,
                     double t_end)
{
    char text[2048];
    opsin_diag d;
    opsin_circuit *c;
    opsin_stimulus *st;
    snprintf(text, sizeof text, circuit, rtol, method);
    ck_assert_msg(opsin_circuit_parse(text, "exact.cfg", &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stimulus_parse(stimuli[which], "stim.cfg", c, &st, &d) == OPSIN_OK, "%s",
                  d.msg);
    tu_run_built(tr, c, st, t_end, 1e-3, NULL, 1);
    static const char *const names[] = {"C_m", "G_L", "E_L", "G_in", "V_in", "V_th", "V_reset",
                                        "t_ref"};
    double p[8];
    for (size_t k = 0; k < 8; k++) {
        int at = opsin_model_param_index(c->comps[0].model, names[k]);
        ck_assert_int_ge(at, 0);
        p[k] = c->comps[0].p[at];
    }
    *r = (ref){.Cm = p[0], .GL = p[1], .EL = p[2], .Gin = p[3], .Vin = p[4], .Vth = p[5],
               .Vr = p[6], .tref = p[7]};
    opsin_pulse *pl;
    size_t np;
    ck_assert_int_eq(opsin_source_pulses(&st->sources[0], t_end, &pl, &np), OPSIN_OK);
    double edge[64], level[64];
    ck_assert_uint_le(2 * np, 64);
    for (size_t k = 0; k < np; k++) {
        edge[2 * k] = pl[k].start;
        level[2 * k] = pl[k].amplitude;
        edge[2 * k + 1] = pl[k].end;
        level[2 * k + 1] = 0.0;
    }
    ref_run(r, edge, level, 2 * np, t_end);
    free(pl);
    opsin_stimulus_free(st);
    opsin_circuit_free(c);
}

/* Whether row i is the left side of an edge (the next row has the same time). */
static int left_row(const trace *tr, size_t i)
{
    return i + 1 < tr->nrows && tr->t[i + 1] == tr->t[i];
}

/* The spikes of the lif (neuron "n") into t[]; their number. */
static size_t lif_spikes(const trace *tr, double *t, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < tr->nspikes; k++)
        if (strcmp(tr->spike_names[tr->spike_who[k]], "n") == 0 && n < max)
            t[n++] = tr->spike_t[k];
    return n;
}

/* ---- (1) and (3): the exact path is the closed form ------------------------------------- */

/* Every spike time, V, I_syn = G_in (V_in - V) and I_ext on every row (both sides of every
 * edge), and the source's energy, to 1e-12 of the reference; no integrator step. */
START_TEST(test_closed_form)
{
    trace tr;
    ref r;
    double t_end = 0.6;
    run_both(&tr, &r, _i, "auto", rtols[0], t_end);
    ck_assert_uint_eq(tr.stats.exact_islands, 2); /* n, and syn driven by its spikes */
    ck_assert_uint_eq(tr.stats.islands, 2);
    double sp[1024];
    size_t ns = lif_spikes(&tr, sp, 1024);
    ck_assert_uint_ge(r.nspikes, 20);
    ck_assert_uint_eq(ns, r.nspikes);
    for (size_t k = 0; k < ns; k++)
        ck_assert_msg(fabs(sp[k] - r.spike[k]) <= EXACT * r.spike[k], "spike %zu: %.17g vs %.17g",
                      k, sp[k], r.spike[k]);
    double swing = fabs(r.Vth - r.Vr);
    for (size_t i = 0, k = 0; i < tr.nrows; i++) {
        double t = tr.t[i], *row = &tr.v[i * tr.ncols];
        while (k < r.nspikes && r.spike[k] < t * (1 - EXACT))
            k++;
        /* the rows of a spike: at the reference's time, which may be an ulp away */
        double at = k < r.nspikes && fabs(r.spike[k] - t) <= EXACT * t ? r.spike[k] : t;
        double want = ref_v(&r, at, left_row(&tr, i));
        ck_assert_msg(fabs(row[0] - want) <= EXACT * (swing + fabs(want)),
                      "t %.17g: V %.17g vs %.17g", t, row[0], want);
        ck_assert(fabs(row[1] - r.Gin * (r.Vin - row[0])) <= 1e-15 * r.Gin);
        ck_assert(row[2] == ref_at(&r, t, left_row(&tr, i))->I); /* I_ext: the pulse */
    }
    ck_assert_msg(fabs(tr.energy[0] - r.energy) <= EXACT * fabs(r.energy), "%.17g vs %.17g J",
                  tr.energy[0], r.energy);
    tu_free(&tr);
}
END_TEST

/* (3) The premise of the train: its pulses end, and the next ones start, inside refractory
 * periods (the current changes while V is held); test_closed_form meets the reference. */
START_TEST(test_refractory_across_edges)
{
    trace tr;
    ref r;
    run_both(&tr, &r, 1, "auto", rtols[0], 0.2);
    size_t ends = 0, starts = 0; /* edges while V is held */
    for (size_t i = 1; i < r.nseg; i++)
        if (r.seg[i].held && r.seg[i - 1].held) {
            ends += r.seg[i].I == 0.0;
            starts += r.seg[i].I != 0.0;
        }
    ck_assert_uint_ge(ends, 5);
    ck_assert_uint_ge(starts, 5);
    tu_free(&tr);
}
END_TEST

/* The connection out of the exact lif: each spike puts 1 mA on the supercap (a CVODE island)
 * for 1 ms after 0.5 ms, on both sides of its edges. */
START_TEST(test_connection_out)
{
    trace tr;
    ref r;
    run_both(&tr, &r, 1, "auto", rtols[0], 0.2);
    double sp[1024];
    size_t ns = lif_spikes(&tr, sp, 1024);
    ck_assert_uint_ge(ns, 20);
    for (size_t k = 0; k < ns; k++) {
        double on = sp[k] + 5e-4, off = on + 1e-3; /* as the run adds them */
        if (off >= 0.2)
            break;
        ck_assert(tu_before(&tr, 4, on) == 0.0);
        ck_assert(tu_at(&tr, 4, on) == 1e-3);
        ck_assert(tu_before(&tr, 4, off) == 1e-3);
        ck_assert(tu_at(&tr, 4, off) == 0.0);
    }
    ck_assert_double_gt(tu_max(&tr, 3, 0, 0.2), 0.1); /* the pulses charged it */
    tu_free(&tr);
}
END_TEST

/* ---- (2): the CVODE path agrees within its tolerance ------------------------------------- */

/* Spikes: the same number, and every interval (and the first spike) within K tol_V / slope
 * of the exact run's, tol_V = rtol |V_th| + atol and slope dV/dt at the threshold.  Rows at
 * the times both runs share, where both have fired as often: V within K (rtol |V| + atol) +
 * slope_max shift, shift the gap between the runs' latest spikes and slope_max the steepest
 * V gets (the runs are that far out of phase); I_syn = G_in (V_in - V) within G_in times
 * that; syn.v likewise with its natural atol (0.1 V rtol); the drives I_ext and syn.i equal
 * (their edges are the same in both runs, bar the spikes' shift). */
START_TEST(test_cvode_agrees)
{
    trace a, b;
    ref r;
    double t_end = _i % 2 ? 0.2 : 0.6, rtol = rtols[_i / 2];
    run_both(&a, &r, _i % 2, "auto", rtol, t_end);
    run_both(&b, &r, _i % 2, "cvode", rtol, t_end);
    ck_assert_uint_eq(b.stats.exact_islands, 0);
    ck_assert_uint_gt(b.stats.steps, 0);
    double sa[1024], sb[1024];
    size_t na = lif_spikes(&a, sa, 1024), nb = lif_spikes(&b, sb, 1024);
    ck_assert_uint_eq(na, nb);
    const double tolv = rtol * fabs(r.Vth) + rtol * 1.0;
    for (size_t k = 0; k < na; k++) {
        double da = k ? sa[k] - sa[k - 1] : sa[k], db = k ? sb[k] - sb[k - 1] : sb[k];
        ck_assert_msg(fabs(da - db) <= K * tolv / r.slope[k], "interval %zu: %.17g vs %.17g s",
                      k, da, db);
    }
    /* the steepest slope of each column, from the exact run */
    double steep[5] = {0};
    for (size_t i = 0; i + 1 < a.nrows; i++)
        for (size_t c = 0; c < a.ncols && a.t[i + 1] > a.t[i]; c++)
            steep[c] = fmax(steep[c], fabs(a.v[(i + 1) * a.ncols + c] - a.v[i * a.ncols + c]) /
                                          (a.t[i + 1] - a.t[i]));
    size_t compared = 0;
    for (size_t i = 0, j = 0; i < a.nrows && j < b.nrows;) {
        if (a.t[i] != b.t[j]) {
            a.t[i] < b.t[j] ? i++ : j++;
            continue;
        }
        double t = a.t[i], *x = &a.v[i * a.ncols], *y = &b.v[j * b.ncols];
        size_t ka = 0, kb = 0;
        while (ka < na && sa[ka] < t)
            ka++;
        while (kb < nb && sb[kb] < t)
            kb++;
        if (ka == kb) {
            double shift = ka ? fabs(sa[ka - 1] - sb[ka - 1]) : 0.0;
            double tol[5] = {K * rtol * (fabs(x[0]) + 1.0), 0, 0,
                             K * rtol * (fabs(x[3]) + 0.1), 0};
            tol[1] = r.Gin * tol[0];
            for (size_t c = 0; c < a.ncols; c++)
                ck_assert_msg(fabs(x[c] - y[c]) <= tol[c] + steep[c] * shift,
                              "column %zu at t %.17g: %.17g vs %.17g (tolerance %g)", c, t, x[c],
                              y[c], tol[c] + steep[c] * shift);
            compared++;
        }
        i++;
        j++;
    }
    ck_assert_uint_gt(compared, a.nrows / 2);
    tu_free(&a);
    tu_free(&b);
}
END_TEST

/* "exact" on an eligible circuit (the lif alone) is "auto", to the bit, with no integrator
 * step. */
START_TEST(test_exact_is_auto)
{
    static const char *const methods[] = {"auto", "exact"};
    trace tr[2];
    for (int m = 0; m < 2; m++) {
        char text[2048], *cut;
        snprintf(text, sizeof text, circuit, rtols[0], methods[m]);
        ck_assert_ptr_nonnull(cut = strstr(text, ",\n { id = \"syn\""));
        const char *solver = strstr(text, "solver");
        memmove(cut, ");\n", 3);
        memmove(cut + 3, solver, strlen(solver) + 1); /* no syn, connection or probes */
        tu_run(&tr[m], text, stimuli[1], 0.1, 1e-3, NULL, NULL);
        ck_assert_uint_eq(tr[m].stats.exact_islands, 1);
        ck_assert_uint_eq(tr[m].stats.steps, 0);
    }
    ck_assert_uint_eq(tr[0].nrows, tr[1].nrows);
    ck_assert_uint_eq(tr[0].nspikes, tr[1].nspikes);
    ck_assert_uint_ge(tr[0].nspikes, 10);
    ck_assert(memcmp(tr[0].v, tr[1].v, tr[0].nrows * tr[0].ncols * sizeof *tr[0].v) == 0);
    tu_free(&tr[0]);
    tu_free(&tr[1]);
}
END_TEST

/* ---- (5): "exact" refused, with the component and the reason ------------------------------ */

/* The end of every refusal: what is eligible. */
#define EXPECTED                                                                              \
    "(expected a lif or a supercap alone in its island, with no input, driven by rectangular " \
    "current pulses only; or method \"auto\" or \"cvode\")"

static const struct refusal {
    const char *circuit, *stimulus, *message;
} refusals[] = {
    {"components = ({ id = \"syn\"; model = \"supercap\"; },\n"
     "  { id = \"n\"; model = \"lif\"; input = \"syn\"; G_in = \"1 nS\"; });\n"
     "solver = {\n  method = \"exact\"; };\n",
     NULL,
     "exact.cfg:2: component 'n' (lif) cannot be advanced exactly, as solver.method = \"exact\" "
     "(line 4) asks: its input 'syn' (supercap) is integrated with it "
     EXPECTED},
    {"components = ({ id = \"n\"; model = \"lif\"; }, { id = \"c\"; model = \"phototrap\"; });\n"
     "solver = { method = \"exact\"; };\n",
     NULL,
     "exact.cfg:1: component 'c' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: its parameters give model phototrap no closed form: filling = "
     "1: capture n (1 - x)/tau_c slows as the traps fill, which is not linear (expected a "
     "phototrap with filling = 0 and sigma_reset = 0 alone in its island, with no input, driven "
     "by rectangular light pulses and by rectangular voltage pulses that reach no erase, "
     "depression or write path; or method \"auto\" or \"cvode\")"},
    {"components = ({ id = \"n\"; model = \"lif\"; G_L = 0; });\n"
     "solver = { method = \"exact\"; };\n",
     NULL,
     "exact.cfg:1: component 'n' (lif) cannot be advanced exactly, as solver.method = \"exact\" "
     "(line 2) asks: its parameters give model lif no closed form "
     EXPECTED},
    {"components = ({ id = \"n\"; model = \"lif\"; });\nsolver = { method = \"exact\"; };\n",
     "sources = ({ id = \"s\"; kind = \"current\"; targets = [\"n\"];\n"
     "  envelope = \"sine\"; frequency = \"10 Hz\"; start = 0; width = 1; amplitude = 1e-9; });\n",
     "exact.cfg:1: component 'n' (lif) cannot be advanced exactly, as solver.method = \"exact\" "
     "(line 2) asks: source 's' (stim.cfg:1) has a sine envelope "
     EXPECTED},
    {"components = ({ id = \"n\"; model = \"lif\"; });\nsolver = { method = \"exact\"; };\n",
     "sources = ({ id = \"s\"; kind = \"current\"; targets = [\"n\"];\n"
     "  trains = ({ start = 0; width = 1; amplitude = 0; },\n"
     "            { start = 2; width = 1; amplitude = 0; slope = \"1 nA/s\"; }); });\n",
     "exact.cfg:1: component 'n' (lif) cannot be advanced exactly, as solver.method = \"exact\" "
     "(line 2) asks: source 's' (stim.cfg:3) has a slope inside its pulses "
     EXPECTED},
    {"components = ({ id = \"c\"; model = \"supercap\"; });\nsolver = { method = \"exact\"; };\n",
     "sources = ({ id = \"s\"; kind = \"current\"; targets = [\"c\"];\n"
     "  envelope = \"exp\"; tau = \"1 ms\"; start = 0; width = 1; amplitude = 1e-3; });\n",
     "exact.cfg:1: component 'c' (supercap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: source 's' (stim.cfg:1) has an exp envelope "
     EXPECTED},
};

/* Each refused by opsin_sim_new (EINVAL, the golden message); with method "auto" the same
 * circuit runs, with CVODE for that island. */
START_TEST(test_exact_refused)
{
    const struct refusal *f = &refusals[_i];
    /* 'n' beside the phototrap goes exact */
    ck_assert_uint_eq(tu_exact_islands(f->circuit, f->stimulus, f->message), _i == 1 ? 1 : 0);
}
END_TEST

static Suite *exact_suite(void)
{
    Suite *s = suite_create("exact");
    TCase *cf = tcase_create("closed form");
    tcase_add_loop_test(cf, test_closed_form, 0, 2);
    tcase_add_test(cf, test_refractory_across_edges);
    tcase_add_test(cf, test_connection_out);
    tcase_add_test(cf, test_exact_is_auto);
    suite_add_tcase(s, cf);
    TCase *cv = tcase_create("cvode");
    tcase_add_loop_test(cv, test_cvode_agrees, 0, 4);
    tcase_set_timeout(cv, 60);
    suite_add_tcase(s, cv);
    TCase *err = tcase_create("errors");
    tcase_add_loop_test(err, test_exact_refused, 0,
                        (int)(sizeof refusals / sizeof refusals[0]));
    suite_add_tcase(s, err);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exact_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
