/* check_traplin.c: the linear regime of the phototrap (filling = 0) advanced by the matrix
 * exponential of engine/exact.c (the model's linear_sys and linear_input hooks): against the
 * closed form of the 4-state trap kinetics to 1e-12 under light pulses of two wavelengths
 * and an inert gate voltage, energies too; against its CVODE path (rtol 1e-10) with write
 * noise, variability and additive errors on (the same seed draws the same noise); and which
 * islands go exact or are refused, with the reason. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testutil.h"

/* Closed forms are met to round-off: 1e-12 relative (to the value plus the largest the
 * column reaches). */
#define EXACT 1e-12
/* The CVODE path's tolerance: K local error bounds, as tests/check_linsys.c takes it. */
#define K 100.0
#define RTOL 1e-10

#define H_PLANCK 6.62607015e-34 /* J s */
#define C_LIGHT 299792458.0     /* m/s */
#define E_CHARGE 1.602176634e-19 /* C */

/* ---- the reference: dn/dt = g - k n, dm_j/dt = a_j n - l_j m_j ---------------------------- */

/* The kinetics written out from phototrap(7) in opsin-models(7) with filling = 0:
 *   dn/dt = g - n/tau_r - n/tau_c,  dm_j/dt = w_j n/tau_c - m_j/tau_j,
 * so n relaxes by one exponential towards g/k, k = 1/tau_r + 1/tau_c, and each m_j is the sum
 * of e^{-l_j s} and e^{-k s} terms (l_j = 1/tau_j, 0 for an open mode). */
typedef struct ref {
    double k, a[3], l[3];
    double G0, GT, af, sign, r0; /* G = G0 + G_T s, or G0 (1 - (1 - r0) s); s = a_f n + x */
    double sigma, area, Eg, Eu, eta;
} ref;

/* int_0^s e^{-l r} dr (s when l = 0), and int_0^s of that; series where l s is small. */
static double f1(double l, double s)
{
    return l * s == 0.0 ? s : -expm1(-l * s) / l;
}

static double f2(double l, double s)
{
    double x = -l * s;
    if (fabs(x) < 0.5) { /* s^2 sum_j x^j / (j + 2)! */
        double term = 0.5, sum = 0.0;
        for (int j = 0; j < 30; j++) {
            sum += term;
            term *= x / (j + 3);
        }
        return sum * s * s;
    }
    return (s - f1(l, s)) / l;
}

/* The state y = (n, m1, m2, m3) after s under generation g, and the integral of each state
 * over [0, s] into iy. */
static void ref_step(const ref *r, double y[4], double g, double s, double iy[4])
{
    double ninf = g / r->k, d = y[0] - ninf, yn[4];
    yn[0] = ninf + d * exp(-r->k * s);
    iy[0] = ninf * s + d * f1(r->k, s);
    for (int j = 0; j < 3; j++) {
        double l = r->l[j], a = r->a[j], m0 = y[1 + j];
        /* (e^{-ks} - e^{-ls})/(l - k) and its integral, (f1(k) - f1(l))/(l - k) */
        double two = exp(-l * s) * -expm1(-(r->k - l) * s) / (r->k - l);
        yn[1 + j] = m0 * exp(-l * s) + a * ninf * f1(l, s) + a * d * two;
        iy[1 + j] = m0 * f1(l, s) + a * ninf * f2(l, s) + a * d * (f1(r->k, s) - f1(l, s)) /
                                                              (l - r->k);
    }
    memcpy(y, yn, sizeof yn);
}

/* The conductance of a conducting fraction s. */
static double ref_G(const ref *r, double s)
{
    return r->sign > 0 ? r->G0 + r->GT * s : r->G0 * (1.0 - (1.0 - r->r0) * s);
}

/* Absorbed photons per second and m2 per W/m2 at a wavelength (the Urbach-tail yield). */
static double ref_photons(const ref *r, double wavelength)
{
    double E = H_PLANCK * C_LIGHT / (wavelength * E_CHARGE);
    return wavelength / (H_PLANCK * C_LIGHT) * r->eta * r->Eu * log1p(exp((E - r->Eg) / r->Eu));
}

/* ---- the runs --------------------------------------------------------------------------- */

/* Two devices: positive photoconductance with all three modes finite, and negative with the
 * third mode open (no release: A singular). */
static const char *const devices[] = {
    "sign = 1; G0 = \"1 nS\"; G_T = \"200 nS\"; a_f = 0.5; tau_r = \"2 ms\"; "
    "tau_c = \"5 ms\"; tau1 = \"30 ms\"; tau2 = \"400 ms\"; tau3 = \"20 s\"; w1 = 0.5; "
    "w2 = 0.3; w3 = 0.2;",
    "sign = -1; r0 = 0.05; G0 = \"50 nS\"; a_f = 2; tau_r = \"1 ms\"; tau_c = \"3 ms\"; "
    "tau1 = \"10 ms\"; tau2 = \"1 s\"; tau3 = \"open\"; w1 = 0.2; w2 = 0.3; w3 = 0.5;",
};

static const char circuit[] =
    "components = ({ id = \"pt\"; model = \"phototrap\"; filling = 0; sigma = \"1e-19 m2\";\n"
    "  area = \"100 um2\"; k_e = \"1 1/(V s)\"; V_e = \"5 V\"; k_p = \"1 1/(V s)\";\n"
    "  V_p = \"4 V\"; %s %s });\n"
    "probes = [\"pt.n\", \"pt.x\", \"pt.G\"];\n"
    "solver = { rtol = %g; method = \"%s\"; };\n";

/* Blue pulses whose irradiance steps pulse to pulse, a long green pulse across some of them
 * and a gate voltage below V_p and V_e (inert; it draws the channel current's energy). */
static const char stimulus[] =
    "sources = ({ id = \"blue\"; kind = \"optical\"; wavelength = \"445 nm\"; targets = [\"pt\"];\n"
    "  trains = ({ start = \"1 ms\"; width = \"2 ms\"; period = \"10 ms\"; count = 8;\n"
    "              irradiance = \"10 mW/cm2\"; irradiance_end = \"30 mW/cm2\"; }); },\n"
    "  { id = \"green\"; kind = \"optical\"; wavelength = \"520 nm\"; targets = [\"pt\"];\n"
    "    start = \"5 ms\"; width = \"20 ms\"; irradiance = \"50 mW/cm2\"; },\n"
    "  { id = \"gate\"; kind = \"voltage\"; targets = [\"pt\"];\n"
    "    trains = ({ start = \"30 ms\"; width = \"40 ms\"; amplitude = \"2 V\"; },\n"
    "              { start = \"100 ms\"; width = \"5 ms\"; amplitude = \"-3 V\"; }); });\n";

#define NSRC 3

static void run(trace *tr, int dev, const char *extra, const char *method, opsin_circuit **cp,
                double t_end, unsigned long seed)
{
    char text[2048];
    opsin_diag d;
    opsin_stimulus *st;
    snprintf(text, sizeof text, circuit, devices[dev], extra, RTOL, method);
    ck_assert_msg(opsin_circuit_parse(text, "traplin.cfg", cp, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stimulus_parse(stimulus, "stim.cfg", *cp, &st, &d) == OPSIN_OK, "%s",
                  d.msg);
    tu_run_built(tr, *cp, st, t_end, 1e-3, NULL, seed);
    opsin_stimulus_free(st);
}

/* The reference from the parsed circuit's own numbers. */
static void ref_of(ref *r, const opsin_circuit *c)
{
    const opsin_compdef *cd = &c->comps[0];
#define P(name) cd->p[opsin_model_param_index(cd->model, name)]
    r->k = 1.0 / P("tau_r") + 1.0 / P("tau_c");
    static const char *const tau[] = {"tau1", "tau2", "tau3"}, *const w[] = {"w1", "w2", "w3"};
    for (int j = 0; j < 3; j++) {
        r->a[j] = P(w[j]) / P("tau_c");
        r->l[j] = isinf(P(tau[j])) ? 0.0 : 1.0 / P(tau[j]);
    }
    r->G0 = P("G0");
    r->GT = P("G_T");
    r->af = P("a_f");
    r->sign = P("sign");
    r->r0 = P("r0");
    r->sigma = P("sigma");
    r->area = P("area");
    r->Eg = P("Eg");
    r->Eu = P("E_u");
    r->eta = P("eta_ex");
#undef P
}

/* Every source's edges: time, source and its level from then on, in time order. */
typedef struct edge {
    double t, level;
    int src;
} edge;

static int edge_cmp(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static size_t edges_of(const opsin_circuit *c, double t_end, edge *e, size_t max,
                       double wavelength[NSRC], int kind[NSRC])
{
    opsin_diag d;
    opsin_stimulus *st;
    size_t ne = 0;
    ck_assert(opsin_stimulus_parse(stimulus, "stim.cfg", c, &st, &d) == OPSIN_OK);
    ck_assert_uint_eq(st->nsources, NSRC);
    for (int s = 0; s < NSRC; s++) {
        opsin_pulse *pl;
        size_t np;
        wavelength[s] = st->sources[s].wavelength;
        kind[s] = st->sources[s].kind;
        ck_assert_int_eq(opsin_source_pulses(&st->sources[s], t_end, &pl, &np), OPSIN_OK);
        ck_assert_uint_le(ne + 2 * np, max);
        for (size_t k = 0; k < np; k++) { /* a source's pulses do not overlap */
            e[ne++] = (edge){pl[k].start, pl[k].amplitude, s};
            e[ne++] = (edge){pl[k].end, 0.0, s};
        }
        free(pl);
    }
    opsin_stimulus_free(st);
    qsort(e, ne, sizeof *e, edge_cmp);
    return ne;
}

/* The reference run: the state stepped from edge to edge, the energies summed. */
typedef struct walk {
    const ref *r;
    double y[4], t, level[NSRC], wavelength[NSRC], energy[NSRC];
    int kind[NSRC];
} walk;

/* Generation and gate voltage of the present levels. */
static double walk_g(const walk *w, double *V)
{
    double g = 0.0;
    *V = 0.0;
    for (int s = 0; s < NSRC; s++) {
        if (w->kind[s] == OPSIN_SRC_OPTICAL)
            g += w->r->sigma * w->level[s] * ref_photons(w->r, w->wavelength[s]);
        else
            *V += w->level[s];
    }
    return g;
}

/* To t: the state, and each source's energy (light: irradiance area time; the gate: V times
 * the channel current G V, G affine in the state, integrated from the states' integrals). */
static void walk_to(walk *w, double t)
{
    double V, g = walk_g(w, &V), iy[4], s = t - w->t;
    if (s <= 0.0)
        return;
    ref_step(w->r, w->y, g, s, iy);
    double iG = ref_G(w->r, 0.0) * s +
                (ref_G(w->r, 1.0) - ref_G(w->r, 0.0)) * (w->r->af * iy[0] + iy[1] + iy[2] + iy[3]);
    for (int k = 0; k < NSRC; k++)
        w->energy[k] += w->kind[k] == OPSIN_SRC_OPTICAL ? w->level[k] * w->r->area * s
                                                        : w->level[k] * V * iG;
    w->t = t;
}

/* ---- (a) the propagator is the closed form ---------------------------------------------- */

/* Every row (both sides of every edge, in the light and in the dark) and every source's
 * energy to 1e-12 of the closed form; the island exact, with no integrator step. */
START_TEST(test_closed_form)
{
    trace tr;
    opsin_circuit *c;
    ref r;
    edge e[128];
    double t_end = 0.3, scale[3] = {0};
    run(&tr, _i, "", "auto", &c, t_end, 1);
    ck_assert_uint_eq(tr.stats.exact_islands, 1);
    ck_assert_uint_eq(tr.stats.steps, 0);
    ref_of(&r, c);
    walk w = {.r = &r};
    size_t ne = edges_of(c, t_end, e, 128, w.wavelength, w.kind), k = 0;
    for (size_t i = 0; i < tr.nrows; i++)
        for (size_t j = 0; j < 3; j++)
            scale[j] = fmax(scale[j], fabs(tr.v[i * tr.ncols + j]));
    ck_assert_double_gt(scale[1], 1e-3); /* the traps filled noticeably */
    for (size_t i = 0; i < tr.nrows; i++) {
        double ti = tr.t[i];
        int left = i + 1 < tr.nrows && tr.t[i + 1] == ti; /* the left side of an edge */
        while (k < ne && (e[k].t < ti || (e[k].t == ti && !left))) {
            walk_to(&w, e[k].t);
            w.level[e[k].src] = e[k].level;
            k++;
        }
        walk at = w;
        walk_to(&at, ti);
        double x = at.y[1] + at.y[2] + at.y[3];
        double want[3] = {at.y[0], x, ref_G(&r, r.af * at.y[0] + x)};
        for (size_t j = 0; j < 3; j++) {
            double got = tr.v[i * tr.ncols + j];
            ck_assert_msg(fabs(got - want[j]) <= EXACT * (fabs(want[j]) + scale[j]),
                          "device %d, column %zu at t %.17g: %.17g vs %.17g", _i, j, ti, got,
                          want[j]);
        }
    }
    for (; k < ne && e[k].t <= t_end; k++) {
        walk_to(&w, e[k].t);
        w.level[e[k].src] = e[k].level;
    }
    walk_to(&w, t_end);
    ck_assert_uint_eq(tr.nenergy, NSRC);
    for (int s = 0; s < NSRC; s++) {
        ck_assert_double_gt(fabs(w.energy[s]), 0.0);
        ck_assert_msg(fabs(tr.energy[s] - w.energy[s]) <= EXACT * fabs(w.energy[s]),
                      "device %d, energy %s %.17g vs %.17g J", _i, tr.energy_name[s],
                      tr.energy[s], w.energy[s]);
    }
    opsin_circuit_free(c);
    tu_free(&tr);
}
END_TEST

/* ---- (b) CVODE agrees within its tolerance, noise and all ------------------------------- */

/* With write noise, additive write errors and device variability on, the same seed: every
 * row within K (rtol (|v| + max |column|)) of the CVODE run's, every energy within K rtol. */
START_TEST(test_cvode_agrees)
{
    static const char noise[] = "noise_w = 0.2; noise_wa = \"20 pS\"; d2d = 0.3;";
    trace a, b, q;
    opsin_circuit *ca, *cb, *cq;
    run(&a, _i, noise, "auto", &ca, 0.3, 7);
    run(&b, _i, noise, "cvode", &cb, 0.3, 7);
    run(&q, _i, "", "auto", &cq, 0.3, 7);
    ck_assert_uint_eq(a.stats.exact_islands, 1);
    ck_assert_uint_eq(b.stats.exact_islands, 0);
    ck_assert_uint_gt(b.stats.steps, 0);
    ck_assert_uint_eq(a.nrows, b.nrows);
    double scale[3] = {0}, moved = 0.0;
    for (size_t i = 0; i < a.nrows; i++)
        for (size_t j = 0; j < 3; j++)
            scale[j] = fmax(scale[j], fabs(a.v[i * a.ncols + j]));
    for (size_t i = 0; i < a.nrows; i++) {
        ck_assert(a.t[i] == b.t[i]);
        for (size_t j = 0; j < 3; j++) {
            double x = a.v[i * a.ncols + j], z = b.v[i * b.ncols + j];
            ck_assert_msg(fabs(x - z) <= K * RTOL * (fabs(x) + scale[j]),
                          "device %d, column %zu at t %.17g: %.17g vs %.17g", _i, j, a.t[i], x, z);
            moved = fmax(moved, fabs(x - q.v[i * q.ncols + j]) / scale[j]);
        }
    }
    ck_assert_double_gt(moved, 1e-3); /* the noise is there, far above the tolerance */
    for (size_t s = 0; s < a.nenergy; s++)
        ck_assert_msg(fabs(a.energy[s] - b.energy[s]) <= K * RTOL * fabs(a.energy[s]),
                      "energy %s %.17g vs %.17g J", a.energy_name[s], a.energy[s], b.energy[s]);
    opsin_circuit_free(ca);
    opsin_circuit_free(cb);
    opsin_circuit_free(cq);
    tu_free(&a);
    tu_free(&b);
    tu_free(&q);
}
END_TEST

/* ---- (c) which islands: refused with "exact", CVODE with "auto" ------------------------- */

#define EXPECTED                                                                              \
    "(expected a phototrap with filling = 0 and sigma_reset = 0 alone in its island, with no " \
    "input, driven by rectangular light pulses and by rectangular voltage pulses that reach "   \
    "no erase, depression or write path; or method \"auto\" or \"cvode\")"

static const struct refusal {
    const char *circuit, *stimulus, *message;
} refusals[] = {
    {"components = ({ id = \"pt\"; model = \"phototrap\"; });\n"
     "solver = { method = \"exact\"; };\n",
     NULL,
     "exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: its parameters give model phototrap no closed form: filling = 1: "
     "capture n (1 - x)/tau_c slows as the traps fill, which is not linear " EXPECTED},
    {"components = ({ id = \"pt\"; model = \"phototrap\"; filling = 0;\n"
     "  sigma_reset = \"1e-21 m2\"; });\nsolver = { method = \"exact\"; };\n",
     NULL,
     "exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 3) asks: its parameters give model phototrap no closed form: sigma_reset "
     "= 1e-21 m2: the light's reset rate multiplies the trapped carriers, which is not linear "
     EXPECTED},
    /* a gate pulse above V_e erases: not linear */
    {"components = ({ id = \"pt\"; model = \"phototrap\"; filling = 0; k_e = 1; V_e = 5; });\n"
     "solver = { method = \"exact\"; };\n",
     "sources = ({ id = \"led\"; kind = \"optical\"; wavelength = \"445 nm\"; targets = [\"pt\"];\n"
     "    start = 0; width = \"1 ms\"; irradiance = \"1 W/cm2\"; },\n"
     "  { id = \"gate\"; kind = \"voltage\"; targets = [\"pt\"];\n"
     "    trains = ({ start = \"2 ms\"; width = \"1 ms\"; amplitude = \"4 V\"; },\n"
     "              { start = \"4 ms\"; width = \"1 ms\"; amplitude = \"12 V\"; }); });\n",
     "exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: source 'gate' (stim.cfg:3) spans 0 V .. 12 V: a voltage drive "
     "that acts on it (not inert) " EXPECTED},
    /* two gates, each inert alone, sum above V_e */
    {"components = ({ id = \"pt\"; model = \"phototrap\"; filling = 0; k_e = 1; V_e = 5; });\n"
     "solver = { method = \"exact\"; };\n",
     "sources = ({ id = \"g1\"; kind = \"voltage\"; targets = [\"pt\"];\n"
     "    start = 0; width = \"2 ms\"; amplitude = \"3 V\"; },\n"
     "  { id = \"g2\"; kind = \"voltage\"; targets = [\"pt\"];\n"
     "    start = \"1 ms\"; width = \"2 ms\"; amplitude = \"3 V\"; });\n",
     "exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: source 'g1' (stim.cfg:1) with the others of its kind spans 0 V "
     ".. 6 V: a voltage drive that acts on it (not inert) " EXPECTED},
    /* light with an envelope is not constant between events */
    {"components = ({ id = \"pt\"; model = \"phototrap\"; filling = 0; });\n"
     "solver = { method = \"exact\"; };\n",
     "sources = ({ id = \"led\"; kind = \"optical\"; wavelength = \"445 nm\"; targets = [\"pt\"];\n"
     "  envelope = \"sine\"; frequency = \"1 kHz\"; start = 0; width = \"5 ms\";\n"
     "  irradiance = \"1 W/cm2\"; });\n",
     "exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = "
     "\"exact\" (line 2) asks: source 'led' (stim.cfg:1) has a sine envelope " EXPECTED},
};

/* Each refused by opsin_sim_new (EINVAL, the golden message); with method "auto" the same
 * circuit runs with CVODE; and with the offending part taken away (filling 0, no reset, the
 * gate at 4 V, rectangular light) it goes exact. */
START_TEST(test_exact_refused)
{
    static const char *const fixed[][2] = {
        {"model = \"phototrap\";", "model = \"phototrap\"; filling = 0;"},
        {"sigma_reset = \"1e-21 m2\";", ""},
        {"amplitude = \"12 V\"", "amplitude = \"4 V\""},
        {"amplitude = \"3 V\"; },\n  { id = \"g2\"", "amplitude = \"2 V\"; },\n  { id = \"g2\""},
        {"envelope = \"sine\"; frequency = \"1 kHz\";", ""},
    };
    const struct refusal *f = &refusals[_i];
    for (int pass = 0; pass < 2; pass++) {
        char ctext[1024], stext[1024] = "";
        const char *from = fixed[_i][0], *to = fixed[_i][1];
        snprintf(ctext, sizeof ctext, "%s", f->circuit);
        if (f->stimulus)
            snprintf(stext, sizeof stext, "%s", f->stimulus);
        char *text = strstr(ctext, from) ? ctext : stext, *at = strstr(text, from);
        ck_assert_ptr_nonnull(at);
        if (pass == 1) { /* the offending part replaced */
            char rest[1024];
            snprintf(rest, sizeof rest, "%s", at + strlen(from));
            snprintf(at, sizeof ctext - (size_t)(at - text), "%s%s", to, rest);
        }
        ck_assert_uint_eq(tu_exact_islands(ctext, f->stimulus ? stext : NULL,
                                           pass ? NULL : f->message), (size_t)pass);
    }
}
END_TEST

/* filling = 1 (the default) is today's model: the same run, to the bit, whether the key is
 * left out or set; filling = 0 differs once the traps fill. */
START_TEST(test_filling_default)
{
    trace a, b, z;
    opsin_circuit *ca, *cb, *cz;
    run(&z, 0, "", "cvode", &cz, 0.3, 1);
    static const char plain[] =
        "components = ({ id = \"pt\"; model = \"phototrap\"; sigma = \"1e-19 m2\";\n"
        "  area = \"100 um2\"; k_e = \"1 1/(V s)\"; V_e = \"5 V\"; k_p = \"1 1/(V s)\";\n"
        "  V_p = \"4 V\"; %s %s });\n"
        "probes = [\"pt.n\", \"pt.x\", \"pt.G\"];\nsolver = { rtol = %g; };\n";
    char text[2048];
    opsin_diag d;
    opsin_stimulus *st;
    trace *tr[2] = {&a, &b};
    opsin_circuit **cp[2] = {&ca, &cb};
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text, plain, devices[0], k ? "filling = 1;" : "", RTOL);
        ck_assert_msg(opsin_circuit_parse(text, "f.cfg", cp[k], &d) == OPSIN_OK, "%s", d.msg);
        ck_assert(opsin_stimulus_parse(stimulus, "stim.cfg", *cp[k], &st, &d) == OPSIN_OK);
        tu_run_built(tr[k], *cp[k], st, 0.3, 1e-3, NULL, 1);
        opsin_stimulus_free(st);
        ck_assert_uint_eq(tr[k]->stats.exact_islands, 0);
    }
    ck_assert_uint_eq(a.nrows, b.nrows);
    ck_assert(memcmp(a.v, b.v, a.nrows * a.ncols * sizeof *a.v) == 0);
    ck_assert_uint_eq(a.nrows, z.nrows);
    double x1 = a.v[(a.nrows - 1) * a.ncols + 1], x0 = z.v[(z.nrows - 1) * z.ncols + 1];
    ck_assert_msg(x0 > x1 * (1.0 + 1e-3), "filling 0: x %g, filling 1: x %g", x0, x1);
    opsin_circuit_free(ca);
    opsin_circuit_free(cb);
    opsin_circuit_free(cz);
    tu_free(&a);
    tu_free(&b);
    tu_free(&z);
}
END_TEST

static Suite *traplin_suite(void)
{
    Suite *s = suite_create("traplin");
    int ndev = (int)(sizeof devices / sizeof devices[0]);
    TCase *cf = tcase_create("closed form");
    tcase_add_loop_test(cf, test_closed_form, 0, ndev);
    tcase_add_test(cf, test_filling_default);
    suite_add_tcase(s, cf);
    TCase *cv = tcase_create("cvode");
    tcase_add_loop_test(cv, test_cvode_agrees, 0, ndev);
    tcase_set_timeout(cv, 60);
    suite_add_tcase(s, cv);
    TCase *err = tcase_create("errors");
    tcase_add_loop_test(err, test_exact_refused, 0, (int)(sizeof refusals / sizeof refusals[0]));
    suite_add_tcase(s, err);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(traplin_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
