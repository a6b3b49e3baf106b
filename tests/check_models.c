/* check_models.c: lif and supercap waveforms against closed forms; edges, islands, energy;
 * the lif's external drive output. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testutil.h"

#define REL 1e-6 /* closed-form agreement required by the core issue */

static int close_rel(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want);
}

/* ---- supercap as a plain RC: C2 cut off by a huge R_d ---------------------------------- */

static const char rc_circuit[] =
    "components = ({ id = \"c\"; model = \"supercap\"; C1 = \"10 uF\"; C2 = \"1 mF\";\n"
    "  R_d = 1e18; R_reg = \"1 kohm\"; });\n"
    "probes = [\"c.v\"];\nsolver = { rtol = 1e-10; };\n";
static const char rc_stimulus[] =
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"c\"]; start = \"1 ms\";\n"
    "  width = \"20 ms\"; amplitude = \"1 mA\"; });\n";

/* Charging v = I R (1 - exp(-t/RC)) during the pulse, discharge exp(-t/RC) after it. */
START_TEST(test_rc_closed_form)
{
    trace tr;
    const double R = 1e3, C = 10e-6, I = 1e-3, t0 = 1e-3, w = 20e-3, tau = R * C;
    tu_run(&tr, rc_circuit, rc_stimulus, 60e-3, 0.5e-3, NULL, NULL);
    double v_end = I * R * (1 - exp(-w / tau));
    size_t checked = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i], want;
        if (t <= t0)
            want = 0.0;
        else if (t <= t0 + w)
            want = I * R * (1 - exp(-(t - t0) / tau));
        else
            want = v_end * exp(-(t - t0 - w) / tau);
        if (i + 1 < tr.nrows && tr.t[i + 1] == t && (t == t0 || t == t0 + w))
            continue; /* left side of an edge: checked below */
        if (want > 1e-3) {
            ck_assert_msg(close_rel(tr.v[i], want, REL), "t=%g: %.12g vs %.12g", t, tr.v[i], want);
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 100);
    ck_assert(close_rel(tu_before(&tr, 0, t0 + w), v_end, REL));
    tu_free(&tr);
}
END_TEST

/* 1000 pulses with width == period, 1 us, 1 ms and 0.1 s: one constant current for the
 * whole train.  Pulse k ends at start + k P + P and pulse k+1 starts at start + (k+1) P, which
 * round-off keeps apart by an ulp or so: before, the train was refused as overlapping from
 * pulse 11.  Now the edges meet at one instant: the drive never drops between pulses (nor
 * doubles), and v is the RC charge of one long pulse. */
START_TEST(test_back_to_back_train)
{
    static const double P[] = {1e-6, 1e-3, 0.1};
    const double R = 1e3, C = 10e-6, I = 1e-3, t0 = 3 * P[_i], tau = R * C;
    /* the last pulse's end, as its train has it: computed times set to their decimal */
    const double end = opsin_time_snap(opsin_time_snap(t0 + 999.0 * P[_i]) + P[_i]);
    char stim[512];
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"c\"]; start = %.17g;\n"
             "  width = %.17g; period = %.17g; count = 1000; amplitude = \"1 mA\"; });\n",
             t0, P[_i], P[_i]);
    trace tr;
    tu_run(&tr, rc_circuit, stim, end + P[_i], (end - t0) / 500, "c.v,c.i", NULL);
    ck_assert_uint_eq(tr.stats.pulses, 1000);
    ck_assert_uint_eq(tr.stats.events, 2000);
    size_t inside = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i];
        int left_of_start = t == t0 && !(i > 0 && tr.t[i - 1] == t0);
        int right_of_end = t == end ? i > 0 && tr.t[i - 1] == t : t > end;
        if (t < t0 || left_of_start || right_of_end)
            continue;
        ck_assert_msg(tr.v[2 * i + 1] == I, "t = %.17g s: drive %g A", t, tr.v[2 * i + 1]);
        double want = I * R * (1 - exp(-(t - t0) / tau));
        ck_assert_msg(close_rel(tr.v[2 * i], want, REL) || fabs(tr.v[2 * i] - want) < 1e-12,
                      "t = %.17g s: %.12g V vs %.12g V", t, tr.v[2 * i], want);
        inside++;
    }
    ck_assert_uint_ge(inside, 2000); /* both sides of 1000 edges, and the grid */
    tu_free(&tr);
}
END_TEST

/* ---- supercap, full two-branch linear circuit: 2x2 matrix exponential ------------------- */


/* A1 and A2 (end of each 1 ms pulse) of a pulse pair, start-to-start interval dt. */
static void ppf_closed_form(double C1, double C2, double Rd, double Rsd, double R, double I,
                            double w, double dt, double *A1, double *A2)
{
    tu_lin2 A = {-(1 / R + 1 / Rsd + 1 / Rd) / C1, 1 / (Rd * C1), 1 / (Rd * C2), -1 / (Rd * C2)};
    double on[2] = {I / C1, 0}, off[2] = {0, 0}, x[2] = {0, 0};
    tu_lin2_step(&A, on, w, x);
    *A1 = x[0];
    tu_lin2_step(&A, off, dt - w, x);
    tu_lin2_step(&A, on, w, x);
    *A2 = x[0];
}

static const char sc_circuit[] =
    "components = ({ id = \"syn\"; model = \"supercap\"; C1 = \"39.106 uF\";\n"
    "  C2 = \"7.9109 mF\"; R_d = \"173.73 ohm\"; R_sd = \"245.06 kohm\"; R_reg = \"7 kohm\"; });\n"
    "probes = [\"syn.v\", \"syn.i\"];\nsolver = { rtol = 1e-10; };\n";

/* Paired-pulse A1, A2 and A2/A1 of the two-branch circuit, at several intervals. */
START_TEST(test_supercap_ppf_closed_form)
{
    static const double intervals[] = {2e-3, 5e-3, 10e-3, 50e-3};
    const double I = 3.9603e-3, w = 1e-3, t0 = 1e-3;
    double dt = intervals[_i];
    char stim[512];
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = %.17g;\n"
             " width = %.17g; period = %.17g; count = 2; amplitude = %.17g; });\n",
             t0, w, dt, I);
    trace tr;
    tu_run(&tr, sc_circuit, stim, t0 + dt + 5e-3, 1e-4, NULL, NULL);
    double A1, A2;
    ppf_closed_form(39.106e-6, 7.9109e-3, 173.73, 245.06e3, 7e3, I, w, dt, &A1, &A2);
    double a1 = tu_before(&tr, 0, t0 + w), a2 = tu_before(&tr, 0, t0 + dt + w);
    ck_assert_msg(close_rel(a1, A1, REL), "A1 %.12g vs %.12g", a1, A1);
    ck_assert_msg(close_rel(a2, A2, REL), "A2 %.12g vs %.12g", a2, A2);
    ck_assert(close_rel(a2 / a1, A2 / A1, REL));
    tu_free(&tr);
}
END_TEST

/* Both sides of every edge: two rows at each edge time, drive off on the left, on the right. */
START_TEST(test_both_sides_of_edges)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = \"1 ms\";\n"
        " width = \"1 ms\"; period = \"10 ms\"; count = 2; amplitude = \"2 mA\"; });\n";
    trace tr;
    tu_run(&tr, sc_circuit, stim, 30e-3, 7e-3, NULL, NULL);
    static const double edges[] = {1e-3, 2e-3, 11e-3, 12e-3};
    static const double left_i[] = {0, 2e-3, 0, 2e-3}, right_i[] = {2e-3, 0, 2e-3, 0};
    for (size_t e = 0; e < 4; e++) {
        size_t n = 0, first = 0;
        for (size_t i = 0; i < tr.nrows; i++)
            if (tr.t[i] == edges[e] && n++ == 0)
                first = i;
        ck_assert_uint_eq(n, 2);
        ck_assert(tr.v[first * 2 + 1] == left_i[e]);
        ck_assert(tr.v[(first + 1) * 2 + 1] == right_i[e]);
        ck_assert(tr.v[first * 2] == tr.v[(first + 1) * 2]); /* v is continuous (R_s = 0) */
    }
    /* grid rows 0, 7, 14, 21, 28 ms plus t_end 30 ms, plus 4 x 2 edge rows */
    ck_assert_uint_eq(tr.nrows, 6 + 8);
    tu_free(&tr);
}
END_TEST

/* Electrical energy of a current pulse into an RC: I^2 R (w - RC (1 - exp(-w/RC))). */
START_TEST(test_energy_closed_form)
{
    trace tr;
    const double R = 1e3, C = 10e-6, I = 1e-3, w = 20e-3, tau = R * C;
    tu_run(&tr, rc_circuit, rc_stimulus, 60e-3, 1e-3, NULL, NULL);
    double want = I * I * R * (w - tau * (1 - exp(-w / tau)));
    ck_assert_uint_eq(tr.nenergy, 1);
    ck_assert_msg(close_rel(tr.energy[0], want, 1e-5), "E %.12g vs %.12g", tr.energy[0], want);
    tu_free(&tr);
}
END_TEST

/* A sinusoidal envelope into a pure capacitor: v = (I0/C) (t/2 - (cos(wt + p) - cos p)/(2w)). */
START_TEST(test_sine_envelope)
{
    static const char cap[] =
        "components = ({ id = \"c\"; model = \"supercap\"; C1 = \"10 uF\"; R_d = 1e18; });\n"
        "probes = [\"c.v\", \"c.i\"];\nsolver = { rtol = 1e-10; };\n";
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"c\"]; start = \"2 ms\";\n"
        " width = \"50 ms\"; amplitude = \"1 mA\"; envelope = \"sine\";\n"
        " frequency = \"100 Hz\"; phase = 0.5; });\n";
    const double C = 10e-6, I0 = 1e-3, w = 2 * M_PI * 100, p = 0.5, t0 = 2e-3;
    trace tr;
    tu_run(&tr, cap, stim, 40e-3, 0.25e-3, NULL, NULL);
    size_t checked = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double x = tr.t[i] - t0;
        if (x < 1e-3)
            continue;
        double want = I0 / C * (x / 2 - (cos(w * x + p) - cos(p)) / (2 * w));
        ck_assert_msg(close_rel(tr.v[i * 2], want, REL), "t=%g: %.12g vs %.12g", tr.t[i],
                      tr.v[i * 2], want);
        ck_assert(close_rel(tr.v[i * 2 + 1], I0 * 0.5 * (1 + sin(w * x + p)), 1e-12));
        checked++;
    }
    ck_assert_uint_gt(checked, 100);
    tu_free(&tr);
}
END_TEST

/* A sloped pulse then an exponential one into a pure capacitor:
 * v = (a x + b x^2/2)/C during the ramp, then + A tau (1 - exp(-x/tau))/C. */
START_TEST(test_slope_and_exp_envelope)
{
    static const char cap[] =
        "components = ({ id = \"c\"; model = \"supercap\"; C1 = \"10 uF\"; R_d = 1e18; });\n"
        "probes = [\"c.v\", \"c.i\"];\nsolver = { rtol = 1e-10; };\n";
    static const char stim[] =
        "sources = ({ id = \"ramp\"; kind = \"current\"; targets = [\"c\"]; start = \"1 ms\";\n"
        " width = \"10 ms\"; amplitude = \"1 mA\"; slope = \"-50 mA/s\"; },\n"
        " { id = \"tail\"; kind = \"current\"; targets = [\"c\"]; start = \"11 ms\";\n"
        " width = \"20 ms\"; amplitude = \"-0.4 mA\"; envelope = \"exp\"; tau = \"4 ms\"; });\n";
    const double C = 10e-6, a = 1e-3, b = -50e-3, A = -0.4e-3, tau = 4e-3;
    trace tr;
    tu_run(&tr, cap, stim, 40e-3, 0.5e-3, NULL, NULL);
    double v_ramp = (a * 10e-3 + b * 10e-3 * 10e-3 / 2) / C;
    size_t checked = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i], want, I;
        if (t <= 1e-3)
            continue;
        if (t < 11e-3) {
            double x = t - 1e-3;
            want = (a * x + b * x * x / 2) / C;
            I = a + b * x;
        } else {
            double x = fmin(t, 31e-3) - 11e-3;
            want = v_ramp + A * tau * (1 - exp(-x / tau)) / C;
            I = t < 31e-3 ? A * exp(-x / tau) : 0.0;
        }
        if (i + 1 < tr.nrows && tr.t[i + 1] == t)
            continue; /* left side of an edge */
        ck_assert_msg(close_rel(tr.v[i * 2], want, REL), "t=%g: %.12g vs %.12g", t,
                      tr.v[i * 2], want);
        ck_assert_msg(fabs(tr.v[i * 2 + 1] - I) <= 1e-12 * 1e-3, "t=%g: I %.12g vs %.12g", t,
                      tr.v[i * 2 + 1], I);
        checked++;
    }
    ck_assert_uint_gt(checked, 50);
    tu_free(&tr);
}
END_TEST

/* ---- lif firing rate ------------------------------------------------------------------- */

/* The lif tests run under both paths: solver.method "auto" (a lone lif driven by rectangular
 * currents is advanced in closed form, engine/exact.c) and "cvode". */
static const char *const methods[] = {"auto", "cvode"};

/* The circuit text with method put first in its solver group, into buf. */
static const char *with_method(const char *circuit, const char *method, char *buf, size_t len)
{
    static const char group[] = "solver = { ";
    const char *at = strstr(circuit, group);
    ck_assert_ptr_nonnull(at);
    int n = snprintf(buf, len, "%.*s%smethod = \"%s\"; %s", (int)(at - circuit), circuit, group,
                     method, at + strlen(group));
    ck_assert(n > 0 && (size_t)n < len);
    return buf;
}

static const char lif_circuit[] =
    "components = ({ id = \"n\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\";\n"
    "  E_L = 0; V_in = \"1 V\"; V_th = \"0.5 V\"; V_reset = \"0.1 V\"; t_ref = \"2 ms\"; });\n"
    "probes = [\"n.V\"];\nsolver = { rtol = 1e-10; };\n";

/* f = 1/(t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th))) from below threshold to 100x. */
START_TEST(test_lif_rate)
{
    static const double factors[] = {0.5, 0.99, 1, 1.01, 1.5, 3, 10, 100}; /* 1: rheobase */
    const double GL = 10e-9, Cm = 100e-12, Vth = 0.5, Vr = 0.1, tref = 2e-3;
    double G = factors[_i % 8] * GL; /* threshold is at G_in = G_L (V_inf = V_th) */
    char circ[512];
    char set[64];
    snprintf(set, sizeof set, "n.G_in=%.17g", G);
    const char *sets[] = {set, NULL};
    double tau = Cm / (GL + G), Vinf = G / (GL + G);
    double T = 1.0, f = 0.0;
    if (Vinf > Vth) {
        f = 1 / (tref + tau * log((Vinf - Vr) / (Vinf - Vth)));
        T = fmin(1.0, 60 / f);
    }
    trace tr;
    tu_run(&tr, with_method(lif_circuit, methods[_i / 8], circ, sizeof circ), NULL, T, T / 10,
           NULL, sets);
    if (f == 0.0) {
        ck_assert_uint_eq(tr.nspikes, 0);
    } else {
        ck_assert_uint_ge(tr.nspikes, 10);
        /* from the 2nd spike on, every interval starts at V_reset */
        double rate = (double)(tr.nspikes - 2) / (tr.spike_t[tr.nspikes - 1] - tr.spike_t[1]);
        ck_assert_msg(close_rel(rate, f, REL), "G=%gx, %s: %.12g Hz vs %.12g Hz", factors[_i % 8],
                      methods[_i / 8], rate, f);
    }
    tu_free(&tr);
}
END_TEST

/* ---- rheobase: V_inf = V_th exactly ----------------------------------------------------- */

/* G_L = 2^-27 S and a 2^-28 A step give V_inf = I/G_L = 0.5 V = V_th with no rounding: the
 * drive at V = V_th is exactly 0, and V approaches V_th for ever (rate 0). */
static const char rheo_circuit[] =
    "components = ({ id = \"n\"; model = \"lif\"; C_m = %.17g; G_L = 7.450580596923828125e-9;\n"
    "  E_L = 0; V_th = 0.5; V_reset = 0; t_ref = \"2 ms\"; });\n"
    "probes = [\"n.V\"];\nsolver = { rtol = %g; };\n";
static const char rheo_stimulus[] =
    "sources = ({ id = \"i\"; kind = \"current\"; targets = [\"n\"]; start = 0;\n"
    "  width = \"100 s\"; amplitude = %.17g; }%s);\n";
#define RHEO_I 3.7252902984619140625e-9 /* 2^-28 A */

/* The rheobase circuit and stimulus with C_m, rtol, amplitude, extra sources and method. */
static void rheo_run(trace *tr, double Cm, double rtol, double I, const char *more, double t_end,
                     const char *method)
{
    char circ[512], text[600], stim[1024];
    snprintf(circ, sizeof circ, rheo_circuit, Cm, rtol);
    snprintf(stim, sizeof stim, rheo_stimulus, I, more);
    tu_run(tr, with_method(circ, method, text, sizeof text), stim, t_end, t_end / 100, NULL,
           NULL);
}

/* At rheobase and one ulp of current below it, with tau = 13.4 ms and 0.4 ns, no spike in
 * 5 s: before, the solver's round-off around V_th fired 26 times (50 times in 0.1 s at the
 * refractory limit with tau = 0.4 ns). */
START_TEST(test_rheobase_silent)
{
    const double Cm[] = {100e-12, 0.4e-9 * 7.450580596923828125e-9}; /* tau = C_m/G_L */
    double I = _i % 2 ? nextafter(RHEO_I, 0.0) : RHEO_I;
    int big = _i / 2 % 2;
    trace tr;
    rheo_run(&tr, Cm[big], 1e-6, I, "", big ? 0.1 : 5.0, methods[_i / 4]);
    ck_assert_msg(tr.nspikes == 0, "%zu spikes, the first at %.17g s", tr.nspikes,
                  tr.nspikes ? tr.spike_t[0] : 0.0);
    ck_assert_double_gt(tu_max(&tr, 0, 0, tr.t[tr.nrows - 1]), 0.5 - 1e-5); /* it got there */
    tu_free(&tr);
}
END_TEST

/* One ulp of current above rheobase: V_inf - V_th = 2^-53 V, so the exact neuron fires every
 * t_ref + tau ln(V_inf/2^-53) = 0.486 s.  The solver knows V to eps = rtol |V_th| + atol only,
 * so an interval can end once V is within eps of V_th: every interval lies between the closed
 * form for a threshold eps lower and the exact one. */
START_TEST(test_rheobase_ulp_above)
{
    const double Cm = 100e-12, GL = 7.450580596923828125e-9, rtol = 1e-10, tref = 2e-3;
    const double I = nextafter(RHEO_I, 1.0), tau = Cm / GL, Vinf = I / GL;
    const double delta = Vinf - 0.5, eps = rtol * 0.5 + rtol * 1.0;
    ck_assert(delta == 0x1p-53);
    double lo = tau * log(Vinf / (delta + eps)), hi = tau * log(Vinf / delta);
    trace tr;
    rheo_run(&tr, Cm, rtol, I, "", 5.0, methods[_i]);
    ck_assert_uint_ge(tr.nspikes, 5);
    for (size_t k = 0; k < tr.nspikes; k++) {
        double isi = tr.spike_t[k] - (k ? tr.spike_t[k - 1] + tref : 0.0);
        ck_assert_msg(isi >= lo && isi <= hi, "interval %zu: %.9g s outside [%.9g, %.9g] s", k,
                      isi, lo, hi);
    }
    tu_free(&tr);
}
END_TEST

/* At rheobase V creeps up to V_th (the solver may put it a hair above); a 1 nA pulse at 1 s
 * then fires at once: the threshold test right after the restart, which CVODE's root finding
 * never makes at its initial time. */
START_TEST(test_rheobase_then_pulse)
{
    static const char pulse[] =
        ", { id = \"j\"; kind = \"current\"; targets = [\"n\"]; start = 1; width = 1;\n"
        "  amplitude = \"1 nA\"; }";
    trace tr;
    rheo_run(&tr, 100e-12, 1e-6, RHEO_I, pulse, 1.2, methods[_i]);
    ck_assert_uint_ge(tr.nspikes, 2);
    /* V(1 s) is V_th - 0.5 e^(-1/tau) V: the exact crossing is within 1e-30 s of the edge */
    ck_assert_msg(tr.spike_t[0] >= 1.0 && tr.spike_t[0] < 1.0 + 1e-6, "first spike %.17g s",
                  tr.spike_t[0]);
    tu_free(&tr);
}
END_TEST

/* Edges one ulp apart, and apart from grid samples, on a spiking and a plain island: no
 * "too close" failure, and each edge still gets its own pair of rows. */
START_TEST(test_ulp_close_events)
{
    char stim[1024];
    double t1 = 0.1 * 3, t2 = nextafter(t1, 1.0), t3 = nextafter(t2, 1.0);
    snprintf(stim, sizeof stim,
             "sources = ({ id = \"a\"; kind = \"current\"; targets = [\"n\"]; start = %.17g;\n"
             " width = 0.2; amplitude = 2e-8; },\n"
             " { id = \"b\"; kind = \"current\"; targets = [\"n\"]; start = %.17g;\n"
             " width = 0.2; amplitude = 1e-9; },\n"
             " { id = \"c\"; kind = \"current\"; targets = [\"n\"]; start = %.17g;\n"
             " width = 0.1; amplitude = 1e-9; });\n", t1, t2, t3);
    const char *sets[] = {"n.G_in=0", "n.t_ref=0", NULL};
    char circ[512];
    trace tr;
    tu_run(&tr, with_method(lif_circuit, methods[_i], circ, sizeof circ), stim, 0.6, 0.1, NULL,
           sets); /* grid sample 0.30000000000000004 */
    size_t at_edges = 0;
    for (size_t i = 0; i < tr.nrows; i++)
        at_edges += tr.t[i] == t1 || tr.t[i] == t2 || tr.t[i] == t3;
    ck_assert_uint_ge(at_edges, 6);
    ck_assert_uint_gt(tr.nspikes, 5); /* 22 nA into 10 nS: V_inf = 2.2 V, above threshold */
    tu_free(&tr);
}
END_TEST

/* ---- lif -> supercap -> lif ------------------------------------------------------------ */

/* The whole of a (small) file into buf. */
static void read_text(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "%s", path);
    size_t n = fread(buf, 1, len - 1, fp);
    fclose(fp);
    ck_assert_uint_lt(n, len - 1);
    buf[n] = '\0';
}

/* The chain: pre fires at its closed-form rate, each spike puts a 1 mA, 1 ms pulse on the
 * synapse after 0.5 ms, and the postsynaptic neuron fires on the synapse's voltage.  With
 * method auto, pre alone is advanced exactly: its spikes still drive the CVODE island. */
START_TEST(test_chain)
{
    char file[2048], circ[2100], stim[1024];
    read_text(SRCDIR "/circuits/lif-supercap-lif.cfg", file, sizeof file);
    read_text(SRCDIR "/stimuli/lif-chain.cfg", stim, sizeof stim);
    trace tr;
    tu_run(&tr, with_method(file, methods[_i], circ, sizeof circ), stim, 0.2, 1e-3,
           "pre.V,syn.v,syn.i,post.V", NULL);
    ck_assert_uint_eq(tr.stats.exact_islands, _i ? 0 : 1);
    /* pre: V_inf = 1 V, tau = 10 ms, reset 0, threshold 0.5, t_ref 2 ms */
    double isi = 2e-3 + 10e-3 * log(2.0);
    size_t npre = (size_t)floor(150e-3 / isi) + 0; /* 10 ms .. 160 ms of drive */
    ck_assert_uint_ge(tr.nspikes, npre + 5);
    double first = 10e-3 + 10e-3 * log(2.0);
    /* the chain's solver.rtol is 1e-7: the spike time is good to about that with CVODE, to
     * round-off in closed form */
    ck_assert_msg(fabs(tr.spike_t[0] - first) < (_i ? 1e-6 : 1e-14) * first, "%.17g",
                  tr.spike_t[0]);
    /* the synapse's drive is 1 mA between spike + 0.5 ms and spike + 1.5 ms */
    double ts = tr.spike_t[0];
    ck_assert(tu_at(&tr, 2, ts + 0.5e-3) == 1e-3);
    ck_assert(tu_before(&tr, 2, ts + 0.5e-3) == 0.0);
    ck_assert(tu_before(&tr, 2, ts + 1.5e-3) == 1e-3);
    ck_assert(tu_at(&tr, 2, ts + 1.5e-3) == 0.0);
    /* post fires only after the synapse has been charged */
    ck_assert_double_gt(tu_max(&tr, 3, 0, 0.2), 0.0);
    ck_assert_double_lt(tu_max(&tr, 3, 0, first + 0.5e-3), 1e-12);
    ck_assert_uint_eq(tr.stats.islands, 2);
    tu_free(&tr);
}
END_TEST

/* Neuron a fires on its own; each of its spikes sends 20 nA for 2 ms, after a delay (%s),
 * into neuron b. */
static const char two_neurons[] =
    "components = (\n"
    " { id = \"a\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\"; G_in = \"30 nS\";\n"
    "   V_in = 1; V_th = 0.5; V_reset = 0; t_ref = \"1 ms\"; },\n"
    " { id = \"b\"; model = \"lif\"; C_m = \"50 pF\"; G_L = \"10 nS\";\n"
    "   V_th = 0.5; V_reset = 0; t_ref = \"1 ms\"; });\n"
    "connections = ({ from = \"a\"; to = \"b\"; amplitude = \"20 nA\";\n"
    "   width = \"2 ms\"; delay = %s; });\n"
    "probes = [\"a.V\", \"b.V\"];\nsolver = { rtol = 1e-10; };\n";

/* Neuron a fires regularly; each spike puts a rectangular current on neuron b (another
 * spiking island) with no delay.  b rests at V = 0 between spikes, so it fires exactly
 * tau_b ln(I/(I - G_L V_th)) after each of a's spikes: causality across islands, even when b
 * was stepped past a's spike before the spike was found. */
START_TEST(test_spike_to_spike)
{
    static const char *const delays[] = {"0", "0.3e-3"};
    char net[1024], text[1100];
    snprintf(net, sizeof net, two_neurons, delays[_i % 2]);
    with_method(net, methods[_i / 2], text, sizeof text);
    double d = _i % 2 ? 0.3e-3 : 0.0;
    double lag = d + 5e-3 * log(20e-9 / (20e-9 - 10e-9 * 0.5)); /* tau_b = 5 ms */
    trace tr;
    tu_run(&tr, text, NULL, 0.1, 1e-3, NULL, NULL);
    ck_assert_uint_ge(tr.nspikes, 10);
    /* spikes alternate a, b, a, b ...: b's follow a's by the closed-form lag */
    size_t pairs = 0;
    for (size_t i = 0; i + 1 < tr.nspikes; i += 2, pairs++)
        ck_assert_msg(fabs(tr.spike_t[i + 1] - tr.spike_t[i] - lag) < 1e-7 * lag,
                      "pair %zu: lag %.12g vs %.12g", pairs, tr.spike_t[i + 1] - tr.spike_t[i],
                      lag);
    ck_assert_uint_ge(pairs, 5);
    tu_free(&tr);
}
END_TEST

/* 1 when t lies in the pulse [on, off): the left row at an edge time (the state before the
 * events) counts the pulse as on over (on, off] instead. */
static int pulse_on(double t, int left, double on, double off)
{
    return left ? t > on && t <= off : t >= on && t < off;
}

/* I_ext of a neuron is what drives it from outside: a current step from a source plus the
 * pulses a connection sends on each spike of another neuron, on every row and both sides of
 * every edge. */
START_TEST(test_lif_i_ext)
{
    static const char step[] =
        "sources = ({ id = \"step\"; kind = \"current\"; targets = [\"b\"]; start = \"10 ms\";\n"
        "  width = \"50 ms\"; amplitude = \"3 nA\"; });\n";
    const double Is = 3e-9, Ic = 20e-9, t0 = 10e-3, t1 = 60e-3; /* ends at 60 ms as written */
    char net[1024], text[1100];
    snprintf(net, sizeof net, two_neurons, "\"0.5 ms\"");
    trace tr;
    tu_run(&tr, with_method(net, methods[_i], text, sizeof text), step, 0.1, 1e-3,
           "b.I_ext,a.I_ext", NULL);
    size_t pulses = 0, nonzero = 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        double t = tr.t[i], want = 0.0;
        int left = i + 1 < tr.nrows && tr.t[i + 1] == t;
        want += pulse_on(t, left, t0, t1) ? Is : 0.0;
        for (size_t k = 0; k < tr.nspikes; k++)
            if (strcmp(tr.spike_names[tr.spike_who[k]], "a") == 0) {
                double on = tr.spike_t[k] + 0.5e-3;
                want += pulse_on(t, left, on, on + 2e-3) ? Ic : 0.0;
                pulses += i == 0;
            }
        double got = tr.v[i * tr.ncols];
        /* the drive sums its sources in doubles: a few ulps, and exactly 0 when off */
        ck_assert_msg(want == 0 ? got == 0 : close_rel(got, want, 1e-14),
                      "row %zu, t %.17g: I_ext %g, expected %g", i, t, got, want);
        nonzero += got != 0;
        ck_assert(tr.v[i * tr.ncols + 1] == 0.0); /* nothing drives a from outside */
    }
    ck_assert_uint_ge(pulses, 20);
    ck_assert_uint_ge(nonzero, tr.nrows / 2);
    tu_free(&tr);
}
END_TEST

/* ---- cost follows events --------------------------------------------------------------- */

/* One pulse, then rest: 100x more rest costs less than 1.5x the steps (the step size grows
 * geometrically through the slow self-discharge; rtol 1e-10 here). */
START_TEST(test_cost_rest)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = 0;\n"
        " width = \"1 ms\"; amplitude = \"1 mA\"; });\n";
    char cv[1024]; /* the integrator's cost (the exact island's is one propagator per event) */
    snprintf(cv, sizeof cv, "%.*s solver = { method = \"cvode\"; rtol = 1e-10; };\n",
             (int)(strstr(sc_circuit, "solver") - sc_circuit), sc_circuit);
    trace a, b;
    tu_run(&a, cv, stim, 100.0, 100.0, NULL, NULL);
    tu_run(&b, cv, stim, 10000.0, 10000.0, NULL, NULL);
    ck_assert_uint_lt(a.stats.steps, 400);
    ck_assert_msg(2 * b.stats.steps < 3 * a.stats.steps, "%lu vs %lu", b.stats.steps,
                  a.stats.steps);
    tu_free(&a);
    tu_free(&b);
}
END_TEST

/* A second, undriven and unprobed device is its own island and costs next to nothing. */
START_TEST(test_quiet_island)
{
    static const char two[] =
        "components = ({ id = \"syn\"; model = \"supercap\"; R_reg = \"7 kohm\"; },\n"
        "              { id = \"idle\"; model = \"supercap\"; R_reg = \"7 kohm\"; });\n"
        "probes = [\"syn.v\"];\n";
    static const char one[] =
        "components = ({ id = \"syn\"; model = \"supercap\"; R_reg = \"7 kohm\"; });\n"
        "probes = [\"syn.v\"];\n";
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = 0;\n"
        " width = \"1 ms\"; period = \"2 ms\"; count = 100; amplitude = \"1 mA\"; });\n";
    trace a, b;
    tu_run(&a, one, stim, 1.0, 1e-3, NULL, NULL);
    tu_run(&b, two, stim, 1.0, 1e-3, NULL, NULL);
    ck_assert_uint_eq(b.stats.islands, 2);
    ck_assert_msg(b.stats.steps <= a.stats.steps + 10, "%lu vs %lu", b.stats.steps,
                  a.stats.steps);
    ck_assert_uint_eq(a.nrows, b.nrows);
    for (size_t i = 0; i < a.nrows; i++)
        ck_assert(a.v[i] == b.v[i]); /* the idle device changes nothing */
    tu_free(&a);
    tu_free(&b);
}
END_TEST

static Suite *models_suite(void)
{
    Suite *s = suite_create("models");
    TCase *sc = tcase_create("supercap");
    tcase_add_test(sc, test_rc_closed_form);
    tcase_add_loop_test(sc, test_back_to_back_train, 0, 3);
    tcase_add_loop_test(sc, test_supercap_ppf_closed_form, 0, 4);
    tcase_add_test(sc, test_both_sides_of_edges);
    tcase_add_test(sc, test_energy_closed_form);
    tcase_add_test(sc, test_sine_envelope);
    tcase_add_test(sc, test_slope_and_exp_envelope);
    suite_add_tcase(s, sc);
    TCase *lif = tcase_create("lif");
    tcase_add_loop_test(lif, test_lif_rate, 0, 16);
    tcase_add_loop_test(lif, test_rheobase_silent, 0, 8);
    tcase_add_loop_test(lif, test_rheobase_ulp_above, 0, 2);
    tcase_add_loop_test(lif, test_rheobase_then_pulse, 0, 2);
    tcase_add_loop_test(lif, test_chain, 0, 2);
    tcase_add_loop_test(lif, test_ulp_close_events, 0, 2);
    tcase_add_loop_test(lif, test_spike_to_spike, 0, 4);
    tcase_add_loop_test(lif, test_lif_i_ext, 0, 2);
    tcase_set_timeout(lif, 60);
    suite_add_tcase(s, lif);
    TCase *cost = tcase_create("cost");
    tcase_add_test(cost, test_cost_rest);
    tcase_add_test(cost, test_quiet_island);
    suite_add_tcase(s, cost);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(models_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
