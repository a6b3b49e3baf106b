/* check_devtable.c: the device curve tabulated from the device's own simulation
 * (train/devtable.c) against closed forms:
 *  - a linear phototrap (filling = 0, a_f = 0, release open): each light pulse of irradiance
 *    P and width w adds dx = sigma F w tau_r/(tau_r + tau_c) to the trap occupancy (every
 *    free carrier is captured or recombines long before the read), F = P lambda/(h c) eta,
 *    eta = eta_ex E_u softplus((E - Eg)/E_u); G = G0 + G_T x.  Each gate pulse V of width w
 *    erases along dx/dt = -k_e V x/(x + x_e), i.e. x + x_e ln x falls by k_e V w.
 *    Energy: P area w per light pulse, V^2 G_gate w per gate pulse.
 *  - a supercapacitor with R_reg and R_sd open: its stored charge q rises by I w per pulse.
 * Also: the saturation rule, max_pulses, --set of the circuit and of a stimulus, seeds, the
 * error messages, the shipped bpcds and fmes presets, and the device kind read through the
 * registry moving a weight pair's device one table step. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "opsin.h"
#include "train/devtable.h"
#include "train/pair.h"
#include "train/syn_device.h"

static char dir[64];

/* Writes text to dir/name; returns the path (static per call site's buffer). */
static const char *put(const char *name, const char *text, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", dir, name);
    FILE *fp = fopen(buf, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return buf;
}

static char pc[128], pl[128], pd[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/opsin-devtable-%ld", (long)getpid());
    char cmd[96];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- the linear phototrap ---------------------------------------------------------------- */

#define TRAP_CIRCUIT                                                                           \
    "components = ({ id = \"syn\"; model = \"phototrap\"; G0 = \"1 nS\"; G_T = \"100 nS\";\n"  \
    "  a_f = 0; filling = 0; tau_r = \"10 us\"; tau_c = \"10 us\"; sigma = 1e-16;\n"          \
    "  Eg = \"2 eV\"; E_u = \"25 meV\"; eta_ex = 1; k_e = 2; V_e = \"0 V\"; x_e = 1e-3;\n"      \
    "  area = \"10 um2\"; G_gate = \"1 pS\"; %s });\nsolver = { rtol = 1e-10; };\n"
#define LIGHT                                                                                  \
    "sources = ({ id = \"light\"; kind = \"optical\"; wavelength = \"450 nm\";\n"              \
    "  targets = [\"syn\"]; start = \"0 s\"; width = \"10 ms\"; irradiance = \"1 uW/cm2\"; });\n" \
    "t_end = \"1 s\";\n"
#define GATE                                                                                   \
    "sources = ({ id = \"gate\"; kind = \"voltage\"; targets = [\"syn\"]; start = \"0 s\";\n"  \
    "  width = \"10 ms\"; amplitude = \"1 V\"; });\nt_end = \"1 s\";\n"

static const double G0 = 1e-9, GT = 100e-9, W = 10e-3, IRR = 1e-2, KE = 2, XE = 1e-3,
                    AREA = 10e-12, GGATE = 1e-12, VG = 1;

/* dx of one light pulse, from the model's formulas (phototrap.c) and physical constants. */
static double trap_dx(void)
{
    const double h = 6.62607015e-34, c = 299792458.0, q = 1.602176634e-19, lambda = 450e-9;
    double E = h * c / (lambda * q), x = (E - 2.0) / 25e-3;
    double eta = 1.0 * 25e-3 * (x > 30 ? x : log1p(exp(x)));
    double F = IRR * lambda / (h * c) * eta;
    return 1e-16 * F * W * 10e-6 / (10e-6 + 10e-6);
}

/* x after one gate pulse from x0: x + x_e ln x = x0 + x_e ln x0 - k_e V w (Newton). */
static double erase(double x0)
{
    double target = x0 + XE * log(x0) - KE * VG * W, x = fmax(x0 - KE * VG * W, 1e-3 * x0);
    for (int i = 0; i < 200; i++) {
        double f = x + XE * log(x) - target, dx = f / (1 + XE / x);
        x = fmax(x - dx, x / 10);
        if (fabs(dx) < 1e-16 * x)
            break;
    }
    return x;
}

/* A spec of the files written to dir, read just before each next pulse, seed 1, messages at
 * net.cfg lines 3 (group), 4 (output), 5 (ltp), 6 (ltd). */
static opsin_devtable_spec spec_of(const char *circuit_name, const char *circuit,
                                   const char *ltp_name, const char *ltp, const char *ltd_name,
                                   const char *ltd, const char *output)
{
    opsin_devtable_spec s = {0};
    s.circuit = put(circuit_name, circuit, pc, sizeof pc);
    s.ltp = put(ltp_name, ltp, pl, sizeof pl);
    s.ltd = put(ltd_name, ltd, pd, sizeof pd);
    s.output = output;
    s.read = -1;
    s.seed = 1;
    s.file = "net.cfg";
    s.line = 3;
    s.line_output = 4;
    s.line_ltp = 5;
    s.line_ltd = 6;
    return s;
}

static opsin_devtable_spec trap_spec(const char *extra)
{
    char circuit[1024];
    snprintf(circuit, sizeof circuit, TRAP_CIRCUIT, extra);
    return spec_of("trap.cfg", circuit, "light.cfg", LIGHT, "gate.cfg", GATE, "syn.G");
}

static opsin_devtable make_ok(const opsin_devtable_spec *s)
{
    opsin_devtable t;
    opsin_diag d = {""};
    memset(&t, 0, sizeof t);
    ck_assert_msg(opsin_devtable_make(s, &t, &d) == OPSIN_OK, "%s", d.msg);
    return t;
}

/* LTP: G0 + G_T k dx exactly (a line: never saturates, so max_pulses bounds it); LTD: the
 * erase law pulse by pulse until it is back at G0; energy per pulse from P area w, V^2 G w. */
START_TEST(test_trap_closed_form)
{
    opsin_devtable_spec s = trap_spec("");
    s.max_pulses = 20;
    opsin_devtable t = make_ok(&s);
    double dx = trap_dx(), range = GT * 20 * dx;
    ck_assert_uint_eq(t.nltp, 20);
    ck_assert_ptr_nonnull(strstr(t.how, "20 x light.cfg (max_pulses)"));
    for (size_t k = 0; k <= t.nltp; k++)
        ck_assert_msg(fabs(t.g_ltp[k] - (G0 + GT * (double)k * dx)) <= 1e-7 * range,
                      "LTP %zu: %.12g S, hand %.12g S", k, t.g_ltp[k], G0 + GT * (double)k * dx);
    ck_assert_uint_eq(t.states_ltp, 21);
    double x = 20 * dx;
    ck_assert_msg(t.nltd > 5 && t.nltd < 20, "LTD %zu pulses", t.nltd);
    ck_assert_double_eq(t.g_ltd[0], t.g_ltp[20]);
    for (size_t k = 1; k <= t.nltd; k++) {
        x = erase(x);
        ck_assert_msg(fabs(t.g_ltd[k] - (G0 + GT * x)) <= 1e-6 * range,
                      "LTD %zu: %.12g S, hand %.12g S", k, t.g_ltd[k], G0 + GT * x);
    }
    /* it stopped back at the start (G0 within 1e-9 of the range), not a pulse earlier */
    size_t n = t.nltd;
    ck_assert_ptr_nonnull(strstr(t.how, "(back at start)"));
    ck_assert(t.g_ltd[n] - G0 <= 1e-9 * (t.g_ltd[0] - G0));
    ck_assert(t.g_ltd[n - 1] - G0 > 1e-9 * (t.g_ltd[0] - G0));
    ck_assert_msg(fabs(t.e_ltp - IRR * AREA * W) <= 1e-9 * IRR * AREA * W, "e_ltp %g J",
                  t.e_ltp);
    ck_assert_msg(fabs(t.e_ltd - VG * VG * GGATE * W) <= 1e-6 * VG * VG * GGATE * W,
                  "e_ltd %g J", t.e_ltd);
    opsin_devtable_clear(&t);
}
END_TEST

/* A read delay: the output 5 ms after each pulse (the carriers are long captured, so the
 * same line), and a period given instead of the files' 1 s. */
START_TEST(test_trap_read_period)
{
    opsin_devtable_spec s = trap_spec("");
    s.max_pulses = 12;
    s.read = 5e-3;
    s.period = 50e-3;
    opsin_devtable t = make_ok(&s);
    double dx = trap_dx();
    for (size_t k = 0; k <= t.nltp; k++)
        ck_assert(fabs(t.g_ltp[k] - (G0 + GT * (double)k * dx)) <= 1e-7 * GT * 12 * dx);
    ck_assert_ptr_nonnull(strstr(t.how, "every 0.05 s / 0.05 s, read 0.005 s / 0.005 s"));
    opsin_devtable_clear(&t);
}
END_TEST

/* Write noise and device variability: the same seed gives the same bytes, another seed
 * another table; tables stay monotone. */
START_TEST(test_trap_seed)
{
    opsin_devtable_spec s = trap_spec("noise_w = 0.3; d2d = 0.2;");
    s.max_pulses = 15;
    opsin_devtable a = make_ok(&s), b = make_ok(&s);
    s.seed = 2;
    opsin_devtable c = make_ok(&s);
    ck_assert_uint_eq(a.nltp, b.nltp);
    ck_assert_uint_eq(a.nltd, b.nltd);
    ck_assert(!memcmp(a.g_ltp, b.g_ltp, (a.nltp + 1) * sizeof *a.g_ltp));
    ck_assert(!memcmp(a.g_ltd, b.g_ltd, (a.nltd + 1) * sizeof *a.g_ltd));
    ck_assert_str_eq(a.how, b.how);
    ck_assert(a.nltp != c.nltp || memcmp(a.g_ltp, c.g_ltp, (a.nltp + 1) * sizeof *a.g_ltp));
    for (size_t k = 0; k < c.nltp; k++)
        ck_assert(c.g_ltp[k + 1] >= c.g_ltp[k]);
    for (size_t k = 0; k < c.nltd; k++)
        ck_assert(c.g_ltd[k + 1] <= c.g_ltd[k]);
    opsin_devtable_clear(&a);
    opsin_devtable_clear(&b);
    opsin_devtable_clear(&c);
}
END_TEST

/* ---- the supercapacitor (C2 1 mF, R_d 1 kohm: the model's defaults) ------------------------------------------------------------------ */

#define CAP_CIRCUIT                                                                            \
    "components = ({ id = \"syn\"; model = \"supercap\"; C1 = \"10 uF\"; %s });\n"         \
    "solver = { rtol = 1e-10; };\n"
#define PULSE(A) PULSE_ON("pre", A)
#define PULSE_ON(ID, A)                                                                        \
    "sources = ({ id = \"" ID "\"; kind = \"current\"; targets = [\"syn\"]; start = \"0 s\";\n"   \
    "  width = \"1 ms\"; amplitude = \"" A "\"; });\nt_end = \"2 ms\";\n"

static opsin_devtable_spec cap_spec(const char *extra, const char *output)
{
    char circuit[512];
    snprintf(circuit, sizeof circuit, CAP_CIRCUIT, extra);
    return spec_of("cap.cfg", circuit, "up.cfg", PULSE("1 mA"), "down.cfg",
                   PULSE_ON("post", "-1 mA"), output);
}

/* q rises by I w = 1 uC per pulse and falls back by as much: LTD stops back at the start;
 * --set of a stimulus key (pre.amplitude) doubles the step. */
START_TEST(test_cap_charge)
{
    opsin_devtable_spec s = cap_spec("", "syn.q");
    s.max_pulses = 30;
    opsin_devtable t = make_ok(&s);
    ck_assert_uint_eq(t.nltp, 30);
    for (size_t k = 0; k <= 30; k++)
        ck_assert_msg(fabs(t.g_ltp[k] - (double)k * 1e-6) <= 1e-9 * 30e-6, "q %zu = %.12g C",
                      k, t.g_ltp[k]);
    ck_assert_msg(t.nltd >= 30 && t.nltd <= 31, "LTD %zu pulses", t.nltd);
    ck_assert(fabs(t.g_ltd[30]) <= 1e-9 * 30e-6);
    ck_assert_ptr_nonnull(strstr(t.how, "back at start"));
    const char *set[] = {"pre.amplitude=2mA"};
    s.set = set;
    s.nset = 1;
    opsin_devtable u = make_ok(&s);
    ck_assert_uint_eq(u.nltp, 30);
    for (size_t k = 0; k <= 30; k++)
        ck_assert(fabs(u.g_ltp[k] - (double)k * 2e-6) <= 1e-9 * 60e-6);
    opsin_devtable_clear(&t);
    opsin_devtable_clear(&u);
}
END_TEST

/* --set syn.R_reg (seed 004's knob): the regulating resistor leaks charge, so the staircase
 * falls below the open one; the same value as the file's gives the same bytes. */
START_TEST(test_cap_set_rreg)
{
    opsin_devtable_spec s = cap_spec("R_reg = \"open\";", "syn.v");
    s.max_pulses = 40;
    opsin_devtable open = make_ok(&s);
    const char *set8[] = {"syn.R_reg=8kohm"}, *setopen[] = {"syn.R_reg=open"};
    s.set = set8;
    s.nset = 1;
    opsin_devtable r8 = make_ok(&s);
    s.set = setopen;
    opsin_devtable same = make_ok(&s);
    ck_assert_uint_eq(open.nltp, same.nltp);
    ck_assert(!memcmp(open.g_ltp, same.g_ltp, (open.nltp + 1) * sizeof *open.g_ltp));
    size_t n = r8.nltp < open.nltp ? r8.nltp : open.nltp;
    ck_assert_uint_ge(n, 10);
    for (size_t k = 1; k <= n; k++)
        ck_assert_msg(r8.g_ltp[k] < open.g_ltp[k], "pulse %zu: %g V at 8 kohm, %g V open", k,
                      r8.g_ltp[k], open.g_ltp[k]);
    opsin_devtable_clear(&open);
    opsin_devtable_clear(&r8);
    opsin_devtable_clear(&same);
}
END_TEST

/* A saturating staircase (R_reg = 1 kohm against C1 = 10 uF: tau 10 ms, steps shrinking by
 * e^-0.2 a pulse) stops at the first pulse the rule holds, well before max_pulses. */
START_TEST(test_cap_saturates)
{
    opsin_devtable_spec s = cap_spec("C2 = \"1 nF\"; R_d = \"1 Mohm\"; R_reg = \"1 kohm\";",
                                     "syn.v");
    opsin_devtable t = make_ok(&s);
    size_t n = t.nltp;
    ck_assert_msg(n > 10 && n < 100, "%zu pulses", n);
    ck_assert(t.g_ltp[n] - t.g_ltp[n - 10] <= 1e-2 * (t.g_ltp[n] - t.g_ltp[0]));
    ck_assert(t.g_ltp[n - 1] - t.g_ltp[n - 11] > 1e-2 * (t.g_ltp[n - 1] - t.g_ltp[0]));
    ck_assert_ptr_nonnull(strstr(t.how, "(saturated)"));
    opsin_devtable_clear(&t);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------ */

static void make_fails(const opsin_devtable_spec *s, const char *msg)
{
    opsin_devtable t;
    opsin_diag d = {""};
    memset(&t, 0, sizeof t);
    ck_assert_int_eq(opsin_devtable_make(s, &t, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, msg);
    ck_assert_ptr_null(t.g_ltp);
}

START_TEST(test_errors)
{
    opsin_devtable_spec s = cap_spec("", "syn.G");
    s.max_pulses = 20;
    char msg[640];
    opsin_diag d;
    opsin_devtable t;
    ck_assert_int_eq(opsin_devtable_make(&s, &t, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "net.cfg:4: component 'syn' (model supercap) has no output 'G' "
                     "(expected one of: v, v1, w, i, q)");
    s.output = "syn.q";
    s.ltp = pd; /* swapped */
    s.ltd = pl;
    snprintf(msg, sizeof msg, "net.cfg:5: the LTP stimulus '%s' lowers syn.q from 0 to -2e-05 "
             "C over 20 pulses (expected a potentiating pulse: are ltp and ltd swapped?)", pd);
    make_fails(&s, msg);
    s.ltp = put("zero.cfg", PULSE("0 mA"), pl, sizeof pl);
    snprintf(msg, sizeof msg, "net.cfg:5: the LTP stimulus '%s' does not move syn.q (0 C "
             "before, 0 C after 10 pulses; no states found) (expected a potentiating pulse "
             "that raises it)", pl);
    make_fails(&s, msg);
    s.ltp = put("up.cfg", PULSE("1 mA"), pl, sizeof pl);
    s.ltd = put("up2.cfg", PULSE("2 mA"), pd, sizeof pd);
    snprintf(msg, sizeof msg, "net.cfg:6: the LTD stimulus '%s' raises syn.q from 2e-05 to "
             "6e-05 C over 20 pulses (expected a depressing pulse: are ltp and ltd swapped?)",
             pd);
    make_fails(&s, msg);
    s.ltd = put("down.cfg", PULSE("-1 mA"), pd, sizeof pd);
    s.period = 0.5e-3;
    s.line_period = 7;
    snprintf(msg, sizeof msg, "net.cfg:7: period 0.0005 s is shorter than the LTP pulse of "
             "'%s', which ends at 0.001 s (expected a period of at least 0.001 s)", pl);
    make_fails(&s, msg);
    s.period = 0;
    s.read = 2e-3;
    s.line_read = 8;
    snprintf(msg, sizeof msg, "net.cfg:8: read 0.002 s after the LTP pulse of '%s' (ending at "
             "0.001 s) falls after the next pulse (expected a read delay of at most 0.001 s "
             "with period 0.002 s)", pl);
    make_fails(&s, msg);
    s.read = -1;
    const char *set[] = {"nosuch.R=1"};
    s.set = set;
    s.nset = 1;
    snprintf(msg, sizeof msg, "--set nosuch.R=1: no component 'nosuch' in '%s' and no source "
             "'nosuch' in '%s' or '%s' (expected ID.PARAM of the circuit or SOURCE.KEY of a "
             "stimulus)", pc, pl, pd);
    make_fails(&s, msg);
    s.nset = 0;
    s.ltd = put("empty.cfg", "sources = ({ id = \"post\"; kind = \"current\"; "
                "targets = [\"syn\"]; start = 0; width = \"1 ms\"; count = 0; amplitude = \"1 mA\"; });\n",
                pd, sizeof pd);
    snprintf(msg, sizeof msg, "net.cfg:6: the LTD stimulus '%s' has no pulse (expected one "
             "depressing pulse)", pd);
    make_fails(&s, msg);
}
END_TEST

/* ---- the network file's keys ----------------------------------------------------------- */

/* Tabulates the `synapse` group of network text (written to dir/net.cfg); 0 or the status
 * with the message in d. */
static int from_network(const char *text, const char *const *set, size_t nset,
                        opsin_devtable *t, opsin_diag *d)
{
    char path[128];
    config_t cfg;
    put("net.cfg", text, path, sizeof path);
    config_init(&cfg);
    ck_assert_msg(config_read_file(&cfg, path) == CONFIG_TRUE, "%s", config_error_text(&cfg));
    opsin_wsyn_ctx ctx = {path, nset, set, 1, 1, NULL};
    memset(t, 0, sizeof *t);
    int rc = opsin_wsyn_device_table(config_lookup(&cfg, "synapse"), &ctx, t, d);
    config_destroy(&cfg);
    return rc;
}

/* Files relative to the network file; period, read and max_pulses with units; --set. */
START_TEST(test_network_keys)
{
    opsin_devtable_spec s = cap_spec("", "syn.q"); /* writes cap.cfg, up.cfg, down.cfg */
    (void)s;
    opsin_devtable t;
    opsin_diag d = {""};
    const char *set[] = {"syn.R_reg=open"};
    int rc = from_network("synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n"
                          "  output = \"syn.q\"; ltp = \"up.cfg\"; ltd = \"down.cfg\";\n"
                          "  period = \"4 ms\"; read = \"0.5 ms\"; max_pulses = 12; };\n",
                          set, 1, &t, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(t.nltp, 12);
    for (size_t k = 0; k <= 12; k++)
        ck_assert(fabs(t.g_ltp[k] - (double)k * 1e-6) <= 1e-9 * 12e-6);
    ck_assert_ptr_nonnull(strstr(t.how, "every 0.004 s / 0.004 s, read 0.0005 s / 0.0005 s"));
    opsin_devtable_clear(&t);
    /* absolute names are taken as they are (they once left the name unset: empty, or the
     * relative name's of an earlier call); the relative names' files are gone */
    char text[1024], from[256], to[256];
    for (size_t i = 0; i < 3; i++) {
        const char *n = (const char *[]){"cap.cfg", "up.cfg", "down.cfg"}[i];
        snprintf(from, sizeof from, "%s/%s", dir, n);
        snprintf(to, sizeof to, "%s/abs-%s", dir, n);
        ck_assert_int_eq(rename(from, to), 0);
    }
    snprintf(text, sizeof text, "synapse = { kind = \"device\"; circuit = \"%s/abs-cap.cfg\";\n"
             "  output = \"syn.q\"; ltp = \"%s/abs-up.cfg\"; ltd = \"%s/abs-down.cfg\";\n"
             "  period = \"4 ms\"; max_pulses = 12; };\n", dir, dir, dir);
    rc = from_network(text, set, 1, &t, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(t.nltp, 12);
    opsin_devtable_clear(&t);
}
END_TEST

/* The device kind through the registry: its table goes to the weight pair (train/pair.h),
 * and one LTP pulse (reference pair, weights in [-1, 1]: dw = 2/P) moves a device from Gmin
 * to the table's first step. */
START_TEST(test_device_kind)
{
    opsin_devtable_spec s = cap_spec("", "syn.q");
    (void)s;
    char path[128];
    config_t cfg;
    put("net.cfg", "synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n"
                   "  output = \"syn.q\"; ltp = \"up.cfg\"; ltd = \"down.cfg\";\n"
                   "  period = \"4 ms\"; read = \"0.5 ms\"; max_pulses = 12;\n"
                   "  pair = \"reference\"; };\n", path, sizeof path);
    config_init(&cfg);
    ck_assert(config_read_file(&cfg, path) == CONFIG_TRUE);
    const char *set[] = {"syn.R_reg=open"};
    opsin_wsyn_ctx ctx = {path, 1, set, 1, 1, NULL};
    const opsin_wsyn_kind *k = opsin_wsyn_find("device");
    void *params = NULL, *st = NULL;
    opsin_diag d = {""};
    ck_assert(k != NULL);
    ck_assert_msg(k->read(config_lookup(&cfg, "synapse"), &ctx, &params, &d) == OPSIN_OK, "%s",
                  d.msg);
    config_destroy(&cfg);
    const opsin_pair_params *p = params;
    ck_assert(p->mode == OPSIN_PAIR_REFERENCE && p->nltp == 12 && p->tab_ltp != NULL);
    double w = -1, g[2], dw = 2 / ((double)(p->nltp + p->nltd) / 2);
    ck_assert_msg(k->type->alloc(&st, params, -1, 1, &w, 1, 1, &d) == OPSIN_OK, "%s", d.msg);
    opsin_syn_counts c = {0};
    k->type->apply(st, 0, &w, &dw, 1, &c);
    k->type->save(st, 0, 1, g);
    ck_assert_uint_eq(c.ltp, 1);
    ck_assert_msg(fabs(g[0] - p->tab_ltp[1]) <= 1e-12 * p->gmax, "G %g, table %g", g[0],
                  p->tab_ltp[1]);
    k->type->free(st);
    k->free_params(params);
}
END_TEST

/* The keys' own errors, at their lines of the network file. */
START_TEST(test_network_errors)
{
    opsin_devtable_spec s = cap_spec("", "syn.q");
    (void)s;
    opsin_devtable t;
    opsin_diag d = {""};
    char msg[640];
    static const char *const bad[][2] = {
        {"synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n output = \"syn.q\";\n"
         " ltp = \"up.cfg\"; ltd = \"down.cfg\";\n max_pulses = 0; };\n",
         ":4: max_pulses = 0 is out of range (expected between 1 and 1e+06)"},
        {"synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n output = \"syn.nope\";\n"
         " ltp = \"up.cfg\"; ltd = \"down.cfg\"; };\n",
         ":2: component 'syn' (model supercap) has no output 'nope' (expected one "
         "of: v, v1, w, i, q)"},
        {"synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n output = \"syn.q\";\n"
         " ltd = \"down.cfg\"; };\n",
         ":1: missing 'ltp' (expected ltp = \"...\";)"},
        {"synapse = { kind = \"device\"; circuit = \"cap.cfg\";\n output = \"syn.q\";\n"
         " ltp = \"up.cfg\"; ltd = \"down.cfg\";\n period = \"-1 s\"; };\n",
         ":4: period = -1 s is out of range (expected > 0 s)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(from_network(bad[i][0], NULL, 0, &t, &d), OPSIN_EINVAL);
        snprintf(msg, sizeof msg, "%s/net.cfg%s", dir, bad[i][1]);
        ck_assert_str_eq(d.msg, msg);
    }
}
END_TEST

/* ---- the shipped presets ----------------------------------------------------------------- */

/* circuits/bpcds.cfg with seed 002's light pulse and gate ramp: the weight is -G (negative
 * photoconductance), the LTP saturates, the LTD returns to the start; 25 fJ per electrical
 * spike as calibrated (circuits/bpcds.cfg: 25.0 fJ, stimuli/bpcds-energy.cfg), and the light
 * spike's energy is P area w of its 0.16 uW/cm2, 5 ms. */
static opsin_devtable_spec preset(const char *circuit, const char *output, const char *ltp,
                                  const char *ltd)
{
    opsin_devtable_spec s = {0};
    s.circuit = circuit;
    s.output = output;
    s.ltp = ltp;
    s.ltd = ltd;
    s.read = -1;
    s.seed = 1;
    return s;
}

START_TEST(test_bpcds)
{
    opsin_devtable_spec s = preset(SRCDIR "/circuits/bpcds.cfg", "-syn.G",
                                   SRCDIR "/stimuli/bpcds-ltp-pulse.cfg",
                                   SRCDIR "/stimuli/bpcds-ltd-pulse.cfg");
    opsin_devtable t = make_ok(&s);
    printf("bpcds: %s (%.2f s)\n", t.how, t.seconds);
    ck_assert_ptr_nonnull(strstr(t.how, "(saturated)"));
    ck_assert_ptr_nonnull(strstr(t.how, "(back at start)"));
    ck_assert(t.g_ltp[t.nltp] > t.g_ltp[0]);
    ck_assert_msg(fabs(t.e_ltd - 25e-15) <= 0.2 * 25e-15, "%g J", t.e_ltd);
    double e_light = 0.16e-6 / 1e-4 * 14.85e-12 * 5e-3;
    ck_assert_msg(fabs(t.e_ltp - e_light) <= 1e-9 * e_light, "%g J", t.e_ltp);
    opsin_devtable_clear(&t);
    /* seed 002's 8.9 fJ light spike: the 5 ms pulse of stimuli/bpcds-energy.cfg, 11.97 uW/cm2
     * (the calibration's tolerance, 20 %) */
    const char *set[] = {"light.irradiance=11.97uW/cm2"};
    s.set = set;
    s.nset = 1;
    t = make_ok(&s);
    printf("bpcds 11.97 uW/cm2: %s (%.2f s)\n", t.how, t.seconds);
    ck_assert_msg(fabs(t.e_ltp - 8.9e-15) <= 0.2 * 8.9e-15, "%g J", t.e_ltp);
    opsin_devtable_clear(&t);
}
END_TEST

/* circuits/fmes.cfg with +-1 mA, 1 ms pulses at 500 Hz, R_reg open and 8 kohm (seed 004). */
START_TEST(test_fmes)
{
    opsin_devtable_spec s = preset(SRCDIR "/circuits/fmes.cfg", "syn.v",
                                   SRCDIR "/stimuli/fmes-ltp-pulse.cfg",
                                   SRCDIR "/stimuli/fmes-ltd-pulse.cfg");
    const char *set[1];
    s.set = set;
    s.nset = 1;
    set[0] = "syn.R_reg=open";
    opsin_devtable a = make_ok(&s);
    set[0] = "syn.R_reg=8kohm";
    opsin_devtable b = make_ok(&s);
    printf("fmes open: %s\nfmes 8 kohm: %s\n", a.how, b.how);
    ck_assert(b.g_ltp[b.nltp] < a.g_ltp[a.nltp]);
    ck_assert(a.e_ltp > 0 && a.e_ltd < 0);
    opsin_devtable_clear(&a);
    opsin_devtable_clear(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("devtable");
    TCase *tc = tcase_create("closed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_trap_closed_form);
    tcase_add_test(tc, test_trap_read_period);
    tcase_add_test(tc, test_trap_seed);
    tcase_add_test(tc, test_cap_charge);
    tcase_add_test(tc, test_cap_set_rreg);
    tcase_add_test(tc, test_cap_saturates);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_network_keys);
    tcase_add_test(tc, test_network_errors);
    tcase_add_test(tc, test_device_kind);
    suite_add_tcase(s, tc);
    /* The presets tabulate the shipped circuits through hundreds of pulses with CVODE (seconds
     * here, minutes under valgrind); their code paths are the closed-form tests' own, which
     * valgrind does check, so the memory pass leaves them out. */
    if (getenv("OPSIN_VALGRIND"))
        return s;
    TCase *tp = tcase_create("presets");
    tcase_set_timeout(tp, 120);
    tcase_add_test(tp, test_bpcds);
    tcase_add_test(tp, test_fmes);
    suite_add_tcase(s, tp);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
