/* check_sweep.c: opsin sweep: value lists and ranges, grid order, stimulus overrides, the
 * measures against closed forms (two-branch supercap, leaky I&F rate), determinism across
 * thread counts, failed runs and every error path of the specification. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/measure.h"
#include "protocols/sweep.h"
#include "testutil.h"

#define FMES SRCDIR "/circuits/fmes.cfg"
#define REL 1e-6     /* closed-form agreement of values at event rows (rtol 1e-8 of fmes.cfg) */
#define REL_INT 1e-5 /* integrals: trapezoid over 1 us rows, energy state */

static int close_rel(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want);
}

/* ---- running a sweep through the library ----------------------------------------------- */

typedef struct result {
    char *text;    /* the whole CSV */
    double *v;     /* rows x cols numbers after the header */
    size_t rows, cols;
    size_t nfailed;
    char warn[4096];
} result;

/* Splits the CSV after its header into numbers (strtod reads nan and inf). */
static void result_parse(result *r)
{
    const char *s = strchr(r->text, '\n');
    ck_assert_ptr_nonnull(s);
    r->cols = 1;
    for (const char *h = r->text; h < s; h++)
        r->cols += *h == ',';
    size_t cap = 16;
    r->v = malloc(cap * r->cols * sizeof *r->v);
    for (s++; *s; s++) {
        if (r->rows == cap)
            r->v = realloc(r->v, (cap *= 2) * r->cols * sizeof *r->v);
        for (size_t c = 0; c < r->cols; c++) {
            char *end;
            r->v[r->rows * r->cols + c] = strtod(s, &end);
            ck_assert_msg(end != s, "not a number: %.40s", s);
            s = end;
            ck_assert(*s == (c + 1 < r->cols ? ',' : '\n'));
            if (c + 1 < r->cols)
                s++;
        }
        r->rows++;
    }
}

/* Runs a sweep on `jobs` threads; the specification must be valid. */
static void sweep(result *r, const char *circuit, const char *stim, const char *const *sets,
                  const char *measures, double t_end, double dt_out, unsigned jobs)
{
    size_t nsets = 0;
    while (sets && sets[nsets])
        nsets++;
    opsin_sweep_opts o = {circuit, stim, sets, nsets, &measures, 1, t_end, dt_out, 1, 0, NULL};
    opsin_sweep *sw = NULL;
    opsin_diag d = {""};
    int rc = opsin_sweep_new(&o, &sw, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    FILE *out = tmpfile(), *warn = tmpfile();
    ck_assert(out && warn);
    memset(r, 0, sizeof *r);
    rc = opsin_sweep_run(sw, jobs, out, warn, NULL, NULL, &r->nfailed, &d);
    ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
    ck_assert_int_eq(opsin_sweep_run(sw, jobs, out, warn, NULL, NULL, &r->nfailed, &d),
                     OPSIN_EINVAL); /* once only */
    long n = ftell(out);
    r->text = calloc((size_t)n + 1, 1);
    rewind(out);
    ck_assert_uint_eq(fread(r->text, 1, (size_t)n, out), (size_t)n);
    rewind(warn);
    size_t w = fread(r->warn, 1, sizeof r->warn - 1, warn);
    r->warn[w] = '\0';
    fclose(out);
    fclose(warn);
    opsin_sweep_free(sw);
    result_parse(r);
}

static double at(const result *r, size_t row, size_t col)
{
    ck_assert(row < r->rows && col < r->cols);
    return r->v[row * r->cols + col];
}

static void result_free(result *r)
{
    free(r->text);
    free(r->v);
}

/* ---- the two-branch supercap in closed form (as tests/check_models.c) ------------------- */


/* First component of A^-1 y. */
static double lin2_solve0(const tu_lin2 *A, const double y[2])
{
    double det = A->a11 * A->a22 - A->a12 * A->a21;
    return (A->a22 * y[0] - A->a12 * y[1]) / det;
}

/* fmes.cfg with R_reg = R (inf: open); R_s = 0, so the PSV is v1. */
static tu_lin2 fmes_matrix(double R)
{
    const double C1 = 39.106e-6, C2 = 7.9109e-3, Rd = 173.73, Rsd = 245.06e3;
    tu_lin2 A = {-(1 / R + 1 / Rsd + 1 / Rd) / C1, 1 / (Rd * C1), 1 / (Rd * C2), -1 / (Rd * C2)};
    return A;
}
#define FMES_C1 39.106e-6

/* The closed form of one pulse of I from t0 to t0 + w, observed until T: PSV at the end of
 * the pulse, at T, the time average over [0, T] and the energy I int_pulse v dt. */
typedef struct pulse_cf {
    double peak, final, mean, energy;
} pulse_cf;

static pulse_cf one_pulse(double R, double I, double t0, double w, double T)
{
    tu_lin2 A = fmes_matrix(R);
    double on[2] = {I / FMES_C1, 0}, off[2] = {0, 0}, x[2] = {0, 0}, x0[2];
    pulse_cf cf;
    tu_lin2_step(&A, off, t0, x); /* stays 0 */
    x0[0] = x[0];
    x0[1] = x[1];
    tu_lin2_step(&A, on, w, x);
    cf.peak = x[0];
    /* int x dt over the pulse = A^-1 (x(t0+w) - x(t0) - b w) */
    double dy[2] = {x[0] - x0[0] - on[0] * w, x[1] - x0[1]};
    cf.energy = I * lin2_solve0(&A, dy);
    double xe[2] = {x[0], x[1]};
    tu_lin2_step(&A, off, T - t0 - w, x);
    cf.final = x[0];
    double dz[2] = {x[0] - xe[0], x[1] - xe[1]}; /* after the pulse b = 0 */
    cf.mean = (cf.energy / I + lin2_solve0(&A, dz)) / T;
    return cf;
}

/* ---- value lists ------------------------------------------------------------------------ */

START_TEST(test_parse_lists)
{
    double *v = NULL;
    size_t n = 0;
    opsin_diag d;
    ck_assert_int_eq(opsin_values_parse("500,1 kohm,8kohm,open", "ohm", 1, &v, &n, &d), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert(v[0] == 500 && v[1] == 1000 && v[2] == 8000 && isinf(v[3]));
    free(v);
    ck_assert_int_eq(opsin_values_parse("2.5", "s", 0, &v, &n, &d), 0);
    ck_assert(n == 1 && v[0] == 2.5);
    free(v);
    ck_assert_int_eq(opsin_values_parse("10ms,1e-3", "s", 0, &v, &n, &d), 0);
    ck_assert(n == 2 && v[0] == 10e-3 && v[1] == 1e-3);
    free(v);
}
END_TEST

START_TEST(test_parse_ranges)
{
    double *v = NULL;
    size_t n = 0;
    opsin_diag d;
    ck_assert_int_eq(opsin_values_parse("log:500ohm:8kohm:5", "ohm", 1, &v, &n, &d), 0);
    static const double want[] = {500, 1000, 2000, 4000, 8000};
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(close_rel(v[i], want[i], 1e-15), "%zu: %.17g", i, v[i]);
    ck_assert(v[0] == 500 && v[4] == 8000); /* ends exact */
    free(v);
    ck_assert_int_eq(opsin_values_parse("0:1:5", "", 0, &v, &n, &d), 0);
    ck_assert(n == 5 && v[0] == 0 && v[1] == 0.25 && v[2] == 0.5 && v[3] == 0.75 && v[4] == 1);
    free(v);
    ck_assert_int_eq(opsin_values_parse("2 mA:-2mA:3", "A", 0, &v, &n, &d), 0);
    ck_assert(n == 3 && v[0] == 2e-3 && v[1] == 0 && v[2] == -2e-3);
    free(v);
    ck_assert_int_eq(opsin_values_parse("log:1:1e3:4", "", 0, &v, &n, &d), 0);
    ck_assert(n == 4 && v[0] == 1 && close_rel(v[1], 10, 1e-14) && close_rel(v[2], 100, 1e-14) &&
              v[3] == 1000);
    free(v);
    /* whole numbers stay whole: a seed or a count swept 1:2000:2000 takes 1, 2, ... exactly
     * (from + (to - from) i/(n-1) gave 126.00000000000001) */
    ck_assert_int_eq(opsin_values_parse("1:2000:2000", "", 0, &v, &n, &d), 0);
    ck_assert_uint_eq(n, 2000);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v[i] == (double)(i + 1), "%zu: %.17g", i, v[i]);
    free(v);
    ck_assert_int_eq(opsin_values_parse("-30:70:11", "", 0, &v, &n, &d), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v[i] == -30.0 + 10.0 * (double)i, "%zu: %.17g", i, v[i]);
    free(v);
    /* the values meant, as written: decades, octaves, decimal steps */
    ck_assert_int_eq(opsin_values_parse("log:1:1000:4", "", 0, &v, &n, &d), 0);
    ck_assert_msg(v[1] == 10 && v[2] == 100, "%.17g %.17g", v[1], v[2]);
    free(v);
    ck_assert_int_eq(opsin_values_parse("log:0.5:4:4", "", 0, &v, &n, &d), 0);
    ck_assert_msg(v[1] == 1 && v[2] == 2, "%.17g %.17g", v[1], v[2]);
    free(v);
    ck_assert_int_eq(opsin_values_parse("0.1:0.3:5", "", 0, &v, &n, &d), 0);
    ck_assert_msg(v[1] == 0.15 && v[2] == 0.2 && v[3] == 0.25, "%.17g %.17g %.17g", v[1], v[2],
                  v[3]);
    free(v);
    ck_assert_int_eq(opsin_values_parse("log:1:10:3", "", 0, &v, &n, &d), 0);
    ck_assert_msg(fabs(v[1] - sqrt(10.0)) < 1e-14, "%.17g", v[1]);
    free(v);
}
END_TEST

/* Every malformed SPEC: EINVAL, *values untouched, one line naming the spec and what was
 * expected. */
START_TEST(test_parse_errors)
{
    static const struct {
        const char *spec, *unit, *want;
        int open;
    } bad[] = {
        {"", "ohm", "empty item", 1},
        {"1,,2", "ohm", "empty item 2", 1},
        {"1,", "ohm", "empty item 2", 1},
        {"open", "s", "'open'", 0},
        {"5 V", "ohm", "'5 V'", 0},
        {"abc", "ohm", "'abc'", 0},
        {"1:2", "", "is not a range (expected FROM:TO:N)", 0},
        {"1:2:3:4", "", "is not a range", 0},
        {"log:1:2", "", "(expected log:FROM:TO:N)", 0},
        {"1:2:1", "", "N = '1'", 0},
        {"1:2:x", "", "N = 'x'", 0},
        {"1:2:-3", "", "N = '-3'", 0},
        {"1:2:", "", "N = ''", 0},
        {"1:2:2000000", "", "from 2 to 1000000", 0},
        {"log:0:1:3", "", "positive ends", 0},
        {"log:-1ohm:1kohm:3", "ohm", "positive ends", 0},
        {"open:1:3", "ohm", "'open:1:3'", 1},
        {"1e999", "", "finite number", 0},
        {"1ms:x:3", "s", "'1ms:x:3'", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double *v = (double *)&bad[i];
        size_t n = 77;
        opsin_diag d = {""};
        int rc = opsin_values_parse(bad[i].spec, bad[i].unit, bad[i].open, &v, &n, &d);
        ck_assert_msg(rc == OPSIN_EINVAL, "'%s' accepted", bad[i].spec);
        ck_assert(v == (double *)&bad[i] && n == 77);
        ck_assert_msg(strstr(d.msg, bad[i].want) && strstr(d.msg, "expected") &&
                      !strchr(d.msg, '\n'), "'%s': %s", bad[i].spec, d.msg);
    }
}
END_TEST

/* ---- measures against closed forms ------------------------------------------------------ */

static const char one_pulse_stim[] =
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = \"1 ms\";\n"
    "  width = \"1 ms\"; amplitude = \"0.5 mA\"; });\n";

/* PSV of a 0.5 mA, 1 ms pulse vs R_reg: peak, value at the falling edge, final, mean, energy. */
START_TEST(test_supercap_vs_r)
{
    const char *sets[] = {"syn.R_reg=500,1000,8000,open", NULL};
    static const double R[] = {500, 1000, 8000, INFINITY};
    const double T = 5e-3;
    result r;
    sweep(&r, FMES, tu_write_temp(1, one_pulse_stim), sets,
          "peak,syn.v:at:2ms,final,mean,energy", T, 1e-6, 2);
    ck_assert_uint_eq(r.rows, 4);
    ck_assert_uint_eq(r.cols, 6);
    ck_assert_msg(strncmp(r.text, "syn.R_reg (ohm),syn.v:peak (V),syn.v:at:2ms (V),"
                          "syn.v:final (V),syn.v:mean (V),energy (J)\n", 80) == 0, "%s", r.text);
    double prev = 0;
    for (size_t i = 0; i < 4; i++) {
        pulse_cf cf = one_pulse(R[i], 0.5e-3, 1e-3, 1e-3, T);
        ck_assert(at(&r, i, 0) == R[i]);
        ck_assert_msg(close_rel(at(&r, i, 1), cf.peak, REL), "peak %.12g vs %.12g", at(&r, i, 1),
                      cf.peak);
        ck_assert(close_rel(at(&r, i, 2), cf.peak, REL));
        ck_assert_msg(close_rel(at(&r, i, 3), cf.final, REL), "final %.12g vs %.12g",
                      at(&r, i, 3), cf.final);
        ck_assert_msg(close_rel(at(&r, i, 4), cf.mean, REL_INT), "mean %.12g vs %.12g",
                      at(&r, i, 4), cf.mean);
        ck_assert_msg(close_rel(at(&r, i, 5), cf.energy, REL_INT), "energy %.12g vs %.12g",
                      at(&r, i, 5), cf.energy);
        ck_assert(cf.peak > prev); /* the PSV rises with R (seed 004 Fig. 2c) */
        prev = cf.peak;
    }
    ck_assert_uint_eq(r.nfailed, 0);
    ck_assert_str_eq(r.warn, "");
    result_free(&r);
}
END_TEST

/* at:T between rows is linear between them; at an edge it is the right side. */
START_TEST(test_at_between_rows)
{
    const char *sets[] = {"syn.R_reg=8000", NULL};
    result r;
    /* rows every 1 ms: 1.5 ms lies between the edges 1 and 2 ms, 3.5 ms between grid rows */
    sweep(&r, FMES, tu_write_temp(1, one_pulse_stim), sets,
          "syn.v:at:1ms,syn.v:at:1.5ms,syn.v:at:3ms,syn.v:at:3.5ms,syn.v:at:4ms,syn.i:at:1ms,"
          "syn.i:at:2ms,syn.i:at:0", 5e-3, 1e-3, 1);
    ck_assert(at(&r, 0, 1) == 0.0);
    ck_assert(close_rel(at(&r, 0, 2), 0.5 * (at(&r, 0, 1) + one_pulse(8000, 0.5e-3, 1e-3, 1e-3,
                                                                  5e-3).peak), REL));
    ck_assert(close_rel(at(&r, 0, 4), 0.5 * (at(&r, 0, 3) + at(&r, 0, 5)), 1e-12));
    ck_assert(at(&r, 0, 6) == 0.5e-3); /* right side of the rising edge: drive on */
    ck_assert(at(&r, 0, 7) == 0.0);    /* right side of the falling edge: drive off */
    ck_assert(at(&r, 0, 8) == 0.0);
    result_free(&r);
}
END_TEST

/* Stimulus overrides: amplitude and width change the PSV as the closed form says; the grid
 * runs the last --set fastest. */
START_TEST(test_stimulus_overrides_and_grid_order)
{
    const char *sets[] = {"I.amplitude=0.5mA,1mA", "I.width=0.5ms,1ms,2ms", NULL};
    static const double I[] = {0.5e-3, 1e-3}, w[] = {0.5e-3, 1e-3, 2e-3};
    result r;
    sweep(&r, FMES, tu_write_temp(1, one_pulse_stim), sets, "peak", 4e-3, 0, 2);
    ck_assert_uint_eq(r.rows, 6);
    ck_assert(strncmp(r.text, "I.amplitude (A),I.width (s),syn.v:peak (V)\n", 43) == 0);
    for (size_t i = 0; i < 6; i++) {
        ck_assert(at(&r, i, 0) == I[i / 3] && at(&r, i, 1) == w[i % 3]);
        double want = one_pulse(7000, I[i / 3], 1e-3, w[i % 3], 4e-3).peak;
        /* coarser rows (4 us) than above: CVODE's global error, not rtol, sets the match */
        ck_assert_msg(close_rel(at(&r, i, 2), want, REL_INT), "%zu: %.12g vs %.12g", i,
                      at(&r, i, 2), want);
    }
    result_free(&r);
}
END_TEST

/* Pulses k = 0..n-1 of I from t0 + k P, width w: dG_k and the peaks, in closed form. */
static void train_cf(double R, const double *I, size_t n, double t0, double P, double w,
                     double *dg, double *peak)
{
    tu_lin2 A = fmes_matrix(R);
    double x[2] = {0, 0}, off[2] = {0, 0}, t = 0;
    for (size_t k = 0; k < n; k++) {
        double on[2] = {I[k] / FMES_C1, 0};
        tu_lin2_step(&A, off, t0 + (double)k * P - t, x);
        double before = x[0];
        tu_lin2_step(&A, on, w, x);
        t = t0 + (double)k * P + w;
        dg[k] = x[0] - before;
        peak[k] = x[0];
    }
}

/* dg_mean, dg_std and ppf of a five-pulse train at two resistances. */
START_TEST(test_pulse_measures)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = \"1 ms\";\n"
        "  width = \"1 ms\"; period = \"3 ms\"; count = 5; amplitude = \"1 mA\"; });\n";
    const char *sets[] = {"syn.R_reg=500,8000", NULL};
    static const double R[] = {500, 8000}, I[] = {1e-3, 1e-3, 1e-3, 1e-3, 1e-3};
    result r;
    sweep(&r, FMES, tu_write_temp(1, stim), sets, "dg_mean,dg_std,ppf,syn.v:ppf:I", 20e-3, 0, 2);
    for (size_t i = 0; i < 2; i++) {
        double dg[5], pk[5], mean = 0, var = 0;
        train_cf(R[i], I, 5, 1e-3, 3e-3, 1e-3, dg, pk);
        for (size_t k = 0; k < 5; k++)
            mean += dg[k] / 5;
        for (size_t k = 0; k < 5; k++)
            var += (dg[k] - mean) * (dg[k] - mean) / 4;
        ck_assert_msg(close_rel(at(&r, i, 1), mean, REL), "dg_mean %.12g vs %.12g",
                      at(&r, i, 1), mean);
        ck_assert_msg(close_rel(at(&r, i, 2), sqrt(var), 1e-4), "dg_std %.12g vs %.12g",
                      at(&r, i, 2), sqrt(var));
        ck_assert(close_rel(at(&r, i, 3), pk[1] / pk[0], REL));
        ck_assert(at(&r, i, 4) == at(&r, i, 3));
    }
    result_free(&r);
    /* pulses that end after t_end do not count: at 7.5 ms only two are complete */
    sweep(&r, FMES, tu_write_temp(1, stim), sets, "dg_mean,dg_std", 7.5e-3, 0, 1);
    double dg[5], pk[5];
    train_cf(8000, I, 5, 1e-3, 3e-3, 1e-3, dg, pk);
    ck_assert(close_rel(at(&r, 1, 1), 0.5 * (dg[0] + dg[1]), REL));
    ck_assert(close_rel(at(&r, 1, 2), fabs(dg[0] - dg[1]) / sqrt(2), 1e-4));
    result_free(&r);
    /* one complete pulse: no std, no ppf (nan, not a failure) */
    sweep(&r, FMES, tu_write_temp(1, stim), sets, "dg_std,ppf,dg_mean", 3e-3, 0, 1);
    ck_assert(isnan(at(&r, 0, 1)) && isnan(at(&r, 0, 2)) && !isnan(at(&r, 0, 3)));
    ck_assert_uint_eq(r.nfailed, 0);
    result_free(&r);
}
END_TEST

/* SOURCE.trainN.KEY: the second train of a source gets its own amplitude. */
START_TEST(test_train_override)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
        "  trains = ( { start = \"1 ms\"; width = \"1 ms\"; amplitude = \"1 mA\"; },\n"
        "             { start = \"11 ms\"; width = \"1 ms\"; amplitude = \"1 mA\"; } ); });\n";
    const char *sets[] = {"I.train2.amplitude=1mA,2mA", NULL};
    static const double I1[] = {1e-3, 1e-3}, I2[] = {1e-3, 2e-3};
    result r;
    sweep(&r, FMES, tu_write_temp(1, stim), sets, "ppf", 20e-3, 0, 2);
    for (size_t i = 0; i < 2; i++) {
        double dg[2], pk[2];
        train_cf(7000, i ? I2 : I1, 2, 1e-3, 10e-3, 1e-3, dg, pk);
        ck_assert_msg(close_rel(at(&r, i, 1), pk[1] / pk[0], REL), "%.12g vs %.12g",
                      at(&r, i, 1), pk[1] / pk[0]);
    }
    ck_assert(at(&r, 1, 1) > 2 * at(&r, 0, 1) - 1.1);
    result_free(&r);
}
END_TEST

/* Leaky I&F with a constant input conductance: spikes in [0, T] and the rate, against
 * f = 1/(t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th))) (first spike without t_ref, so
 * n spikes over T are not n/T = f). */
START_TEST(test_lif_rate)
{
    static const char circuit[] =
        "components = ({ id = \"n1\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\";\n"
        "  E_L = 0; G_in = \"20 nS\"; V_in = \"1 V\"; V_th = \"0.5 V\"; V_reset = 0;\n"
        "  t_ref = \"2 ms\"; });\nprobes = [\"n1.V\"];\nsolver = { rtol = 1e-9; };\n";
    const char *sets[] = {"n1.G_in=20nS,50nS,100nS,300nS", NULL};
    static const double G[] = {20e-9, 50e-9, 100e-9, 300e-9};
    const double T = 1.0, Cm = 100e-12, GL = 10e-9, tref = 2e-3, Vth = 0.5;
    result r;
    sweep(&r, tu_write_temp(0, circuit), NULL, sets, "spikes,n1:rate,n1.V:rate", T, 0, 2);
    ck_assert(strncmp(r.text, "n1.G_in (S),n1:spikes (1),n1:rate (Hz),n1:rate (Hz)\n", 52) == 0);
    for (size_t i = 0; i < 4; i++) {
        double tau = Cm / (GL + G[i]), Vinf = G[i] / (GL + G[i]);
        double t1 = tau * log(Vinf / (Vinf - Vth)), f = 1 / (tref + t1);
        double n = floor((T - t1) / (t1 + tref)) + 1;
        double frac = (T - t1) / (t1 + tref) - floor((T - t1) / (t1 + tref));
        ck_assert(frac > 1e-4 && frac < 1 - 1e-4); /* no spike within rtol of T */
        ck_assert_msg(at(&r, i, 1) == n, "G %g: %g spikes, closed form %g", G[i], at(&r, i, 1),
                      n);
        /* from the first spike on, every interval is t_ref + t1: the rate is f itself */
        ck_assert_msg(close_rel(at(&r, i, 2), f, REL), "G %g: %.12g Hz, closed form %.12g Hz",
                      G[i], at(&r, i, 2), f);
        ck_assert(at(&r, i, 3) == at(&r, i, 2));
    }
    result_free(&r);
}
END_TEST

/* A neuron driven by a current step for half the run: its rate is the closed-form rate of the
 * step, f = 1/(t_ref + tau ln(V_inf/(V_inf - V_th))), not spikes / t_end; 0 below threshold
 * and nan with a single spike. */
START_TEST(test_lif_rate_driven)
{
    static const char circuit[] =
        "components = ({ id = \"n\"; model = \"lif\"; C_m = \"100 pF\"; G_L = \"10 nS\";\n"
        "  E_L = 0; V_th = \"0.5 V\"; V_reset = 0; t_ref = \"2 ms\"; });\n"
        "probes = [\"n.V\"];\nsolver = { rtol = 1e-9; };\n";
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"n\"]; start = \"20 ms\";\n"
        "  width = \"50 ms\"; amplitude = \"10 nA\"; });\n";
    const char *amps[] = {"I.amplitude=3nA,10nA,30nA", NULL};
    static const double I[] = {3e-9, 10e-9, 30e-9};
    const double T = 0.1, tau = 10e-3, tref = 2e-3, Vth = 0.5, GL = 10e-9;
    result r;
    sweep(&r, tu_write_temp(0, circuit), tu_write_temp(1, stim), amps, "n:spikes,n:rate", T, 0,
          2);
    ck_assert(strncmp(r.text, "I.amplitude (A),n:spikes (1),n:rate (Hz)\n", 41) == 0);
    ck_assert(at(&r, 0, 1) == 0 && at(&r, 0, 2) == 0); /* V_inf = 0.3 V < V_th */
    for (size_t i = 1; i < 3; i++) {
        double Vinf = I[i] / GL, f = 1 / (tref + tau * log(Vinf / (Vinf - Vth)));
        ck_assert_double_ge(at(&r, i, 1), 5);
        ck_assert_msg(close_rel(at(&r, i, 2), f, REL), "I %g: %.12g Hz, closed form %.12g Hz",
                      I[i], at(&r, i, 2), f);
        ck_assert(at(&r, i, 2) > 1.5 * at(&r, i, 1) / T); /* spikes/t_end is far below it */
    }
    result_free(&r);
    const char *one[] = {"I.width=9ms", NULL}; /* the 2nd spike would come 15.9 ms after 20 ms */
    sweep(&r, tu_write_temp(0, circuit), tu_write_temp(1, stim), one, "n:spikes,n:rate", T, 0, 1);
    ck_assert(at(&r, 0, 1) == 1 && isnan(at(&r, 0, 2)));
    result_free(&r);
}
END_TEST

/* Rows are the same bytes whatever the number of threads. */
START_TEST(test_determinism)
{
    const char *sets[] = {"syn.R_reg=log:500:8000:6", "I.amplitude=0.25mA:1mA:4", NULL};
    result r1, r2, r3;
    const char *stim = tu_write_temp(1, one_pulse_stim);
    sweep(&r1, FMES, stim, sets, "peak,final,mean,energy", 10e-3, 0, 1);
    sweep(&r2, FMES, stim, sets, "peak,final,mean,energy", 10e-3, 0, 2);
    sweep(&r3, FMES, stim, sets, "peak,final,mean,energy", 10e-3, 0, 7);
    ck_assert_uint_eq(r1.rows, 24);
    ck_assert_str_eq(r1.text, r2.text);
    ck_assert_str_eq(r1.text, r3.text);
    result_free(&r1);
    result_free(&r2);
    result_free(&r3);
}
END_TEST

/* The progress callback plays the signal handler: it sets the cancel flag after row `at`. */
typedef struct canceller {
    volatile sig_atomic_t flag;
    size_t at, last;
} canceller;

static void cancel_after(void *ctx, size_t done, size_t total)
{
    canceller *k = ctx;
    (void)total;
    k->last = done;
    if (done == k->at)
        k->flag = SIGINT;
}

/* "syn.R_reg=V1,V2,...": the first n of 500, 503, 506, ... ohm. */
static char *r_list(size_t n)
{
    char *set = malloc(16 + 8 * n), *p = set;
    p += sprintf(p, "syn.R_reg=");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%zu", i ? "," : "", 500 + 3 * i);
    return set;
}

/* Runs the 2000-point sweep of `sets` on `jobs` threads with the canceller k; *text gets
 * what it wrote (malloc'd), *lines its lines; the status. */
static int cancelled_sweep(const char *const *sets, const char *stim, const char **measures,
                           unsigned jobs, canceller *k, char **text, size_t *lines)
{
    opsin_sweep_opts o = {FMES, stim, sets, 1, measures, 1, 10e-3, 0, 1, 0, &k->flag};
    opsin_sweep *sw = NULL;
    opsin_diag d = {""};
    size_t nfailed = 0;
    ck_assert_int_eq(opsin_sweep_new(&o, &sw, &d), OPSIN_OK);
    FILE *out = tmpfile();
    int rc = opsin_sweep_run(sw, jobs, out, NULL, cancel_after, k, &nfailed, &d);
    ck_assert_uint_eq(nfailed, 0);
    long n = ftell(out);
    *text = calloc((size_t)n + 1, 1);
    rewind(out);
    ck_assert_uint_eq(fread(*text, 1, (size_t)n, out), (size_t)n);
    *lines = 0;
    for (char *c = *text; *c; c++)
        *lines += *c == '\n';
    ck_assert(n > 0 && (*text)[n - 1] == '\n');
    fclose(out);
    opsin_sweep_free(sw);
    return rc;
}

/* A cancelled sweep leaves the header and rows 1 .. k exactly as a sweep of the first k points
 * writes them (a complete prefix, whatever the threads), and the progress saw k rows.
 * Cancelled before it starts: the header alone.  Cancelled after row 3 of 2000: it stops
 * there or soon after (unless, as valgrind's scheduling allows, the workers had finished
 * every point before row 3 was written: then all 2000 rows). */
START_TEST(test_cancel_prefix)
{
    const char *stim = tu_write_temp(1, one_pulse_stim), *measures = "peak,final,energy";
    char *all = r_list(2000), *text;
    const char *sets[] = {all, NULL};
    size_t lines;
    for (unsigned jobs = 1; jobs <= 3; jobs++) {
        canceller early = {SIGTERM, 0, 0};
        ck_assert_int_eq(cancelled_sweep(sets, stim, &measures, jobs, &early, &text, &lines),
                         OPSIN_ECALLBACK);
        ck_assert_uint_eq(lines, 1);
        ck_assert_uint_eq(early.last, 0);
        ck_assert_ptr_nonnull(strstr(text, "syn.R_reg (ohm),"));
        free(text);
        canceller k = {0, 3, 0};
        int rc = cancelled_sweep(sets, stim, &measures, jobs, &k, &text, &lines);
        ck_assert_msg(lines == k.last + 1 && lines >= 4 &&
                      (rc == OPSIN_ECALLBACK ? lines < 2001 : rc == OPSIN_OK && lines == 2001),
                      "jobs %u: status %d, %zu lines, progress %zu", jobs, rc, lines, k.last);
        if (rc == OPSIN_ECALLBACK) {
            char *first = r_list(lines - 1);
            const char *head[] = {first, NULL};
            result ref;
            sweep(&ref, FMES, stim, head, measures, 10e-3, 0, 1);
            ck_assert_msg(strcmp(text, ref.text) == 0, "not the first %zu rows:\n%s",
                          lines - 1, text);
            result_free(&ref);
            free(first);
        }
        free(text);
    }
    free(all);
}
END_TEST

/* A run the solver cannot finish: nan measures, one warning naming the point, no crash. */
START_TEST(test_failed_runs)
{
    /* C1 = 1e-100 F: a time constant of 1e-97 s, the corrector cannot converge (CVODE's:
     * the supercap's exact island takes it) */
    static const char cvode[] =
        "components = ({ id = \"syn\"; model = \"supercap\"; C1 = \"39.106 uF\";\n"
        "  C2 = \"7.9109 mF\"; R_d = \"173.73 ohm\"; R_sd = \"245.06 kohm\"; R_reg = \"7 kohm\"; "
        "});\nprobes = [\"syn.v\"];\nsolver = { rtol = 1e-8; method = \"cvode\"; };\n";
    const char *sets[] = {"syn.C1=1e-100,1uF,1e-100", NULL};
    result r;
    sweep(&r, tu_write_temp(0, cvode), tu_write_temp(1, one_pulse_stim), sets, "peak,energy",
          5e-3, 0, 2);
    ck_assert_uint_eq(r.rows, 3);
    ck_assert_uint_eq(r.nfailed, 2);
    ck_assert(at(&r, 0, 0) == 1e-100 && isnan(at(&r, 0, 1)) && isnan(at(&r, 2, 2)));
    ck_assert(at(&r, 1, 1) > 0 && at(&r, 1, 2) > 0);
    ck_assert_msg(strstr(r.warn, "opsin sweep: warning: row 1 (syn.C1=1e-100) failed, its "
                         "measures are nan: ") && strstr(r.warn, "row 3 (syn.C1=1e-100)") &&
                  !strstr(r.warn, "row 2"), "%s", r.warn);
    ck_assert(strstr(r.text, "\n1e-100,nan,nan\n"));
    result_free(&r);
}
END_TEST

/* ---- every error of a specification ----------------------------------------------------- */

static const char lif_circuit[] =
    "components = ({ id = \"n1\"; model = \"lif\"; G_in = \"20 nS\"; },\n"
    "  { id = \"syn\"; model = \"supercap\"; });\nprobes = [\"syn.v\"];\nt_end = \"10 ms\";\n";

static const char trains_stim[] =
    "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
    "  trains = ( { start = \"1 ms\"; width = \"1 ms\"; amplitude = \"1 mA\"; } ); },\n"
    "  { id = \"L\"; kind = \"current\"; targets = [\"syn\"]; start = \"5 ms\"; width = \"1 ms\";"
    " amplitude = \"1 mA\"; period = \"2 ms\"; count = 2; });\n";

typedef struct bad_case {
    int circuit;    /* 0 fmes.cfg, 1 lif_circuit, 2 missing file */
    int stim;       /* 0 none, 1 one pulse, 2 trains_stim, 3 missing, 4 bad syntax */
    const char *set, *set2, *measures;
    double t_end;
    int status;
    const char *want;
} bad_case;

static const bad_case bad_cases[] = {
    {0, 0, "syn.R_reg", NULL, "peak", 0, OPSIN_EINVAL, "--set syn.R_reg: no value (expected ID.PARAM=SPEC"},
    {0, 0, "=1", NULL, "peak", 0, OPSIN_EINVAL, "(expected ID.PARAM=SPEC"},
    {0, 0, "syn.R_reg=", NULL, "peak", 0, OPSIN_EINVAL, "(expected ID.PARAM=SPEC"},
    {0, 0, "syn.R_reg=1:2", NULL, "peak", 0, OPSIN_EINVAL, "--set syn.R_reg: '1:2' is not a range"},
    {0, 0, "syn.R_reg=-5", NULL, "peak", 0, OPSIN_EINVAL, "--set syn.R_reg=-5: syn.R_reg"},
    {0, 0, "syn.R_reg=5 V", NULL, "peak", 0, OPSIN_EINVAL, "--set syn.R_reg: '5 V'"},
    {0, 0, "syn.C1=open", NULL, "peak", 0, OPSIN_EINVAL, "--set syn.C1: 'open'"},
    {0, 0, "syn.nope=1", NULL, "peak", 0, OPSIN_EINVAL, "has no numeric parameter 'nope'"},
    {1, 0, "n1.input=1", NULL, "peak", 0, OPSIN_EINVAL, "has no numeric parameter 'input'"},
    {0, 0, "zz.R=1", NULL, "peak", 0, OPSIN_EINVAL, "no component 'zz'"},
    {0, 0, "zz=1", NULL, "peak", 0, OPSIN_EINVAL, "no component 'zz'"},
    {0, 1, "zz.R=1", NULL, "peak", 0, OPSIN_EINVAL, "no source 'zz'"},
    {0, 1, "I.nope=1", NULL, "peak", 0, OPSIN_EINVAL, "'nope' is not a key of current source 'I'"},
    {0, 1, "I.irradiance=1", NULL, "peak", 0, OPSIN_EINVAL, "'irradiance' is not a key of "
     "current source"},
    {0, 1, "I.wavelength=1", NULL, "peak", 0, OPSIN_EINVAL, "'wavelength' is not a key of current source"},
    {0, 1, "I.train0.width=1", NULL, "peak", 0, OPSIN_EINVAL, "bad train number"},
    {0, 1, "I.trainx.width=1", NULL, "peak", 0, OPSIN_EINVAL, "bad train number"},
    {0, 1, "I.train1.wavelength=1", NULL, "peak", 0, OPSIN_EINVAL, "'wavelength' is not a key"},
    {0, 1, "I.train1.width=1ms", NULL, "peak", 0, OPSIN_EINVAL, "has 0 train(s)"},
    {0, 2, "I.train2.width=1ms", NULL, "peak", 0, OPSIN_EINVAL, "has 1 train(s)"},
    {0, 2, "I.width=1ms", NULL, "peak", 0, OPSIN_EINVAL, "'width' is ambiguous (expected "
     "I.trainN.width"},
    {0, 1, "I.width=0", NULL, "peak", 0, OPSIN_EINVAL, "--set I.width=0: "},
    {0, 2, "L.period=0.5ms", NULL, "peak", 0, OPSIN_EINVAL, "--set L.period=0.0005: "},
    {0, 2, "L.period=0.5ms,2ms", "L.width=0.2ms,1ms", "peak", 0, OPSIN_EINVAL,
     "--set L.period=0.0005, L.width=0.001: "},
    {0, 1, "I.count=1.5", NULL, "peak", 0, OPSIN_EINVAL, "--set I.count=1.5: "},
    {1, 0, "n1.V_th=-1,1", NULL, "peak", 0, OPSIN_EINVAL, "--set n1.V_th=-1: n1.V_th: V_reset"},
    {0, 0, "syn.R_reg=1kohm", "syn.R_reg=2kohm", "peak", 0, OPSIN_EINVAL, "given twice"},
    {0, 0, NULL, NULL, "", 0, OPSIN_EINVAL, "--measure '': empty item"},
    {0, 0, NULL, NULL, "peak,", 0, OPSIN_EINVAL, "empty item"},
    {0, 0, NULL, NULL, "peek", 0, OPSIN_EINVAL, "unknown measure 'peek'"},
    {0, 0, NULL, NULL, "syn.v", 0, OPSIN_EINVAL, "unknown measure 'syn.v'"},
    {0, 0, NULL, NULL, "syn.v:", 0, OPSIN_EINVAL, "unknown measure ''"},
    {0, 0, NULL, NULL, "syn.v:peek", 0, OPSIN_EINVAL, "unknown measure 'peek'"},
    {0, 0, NULL, NULL, "zz.v:peak", 0, OPSIN_EINVAL, "unknown probe 'zz.v'"},
    {0, 0, NULL, NULL, "syn.zz:peak", 0, OPSIN_EINVAL, "unknown probe 'syn.zz'"},
    {0, 0, NULL, NULL, "peak:1", 0, OPSIN_EINVAL, "peak takes no argument"},
    {0, 0, NULL, NULL, "syn.v:at", 0, OPSIN_EINVAL, "at needs a time within the run"},
    {0, 0, NULL, NULL, "at:1s", 0, OPSIN_EINVAL, "0 <= T <= t_end = 0.03 s"},
    {0, 0, NULL, NULL, "at:-1ms", 0, OPSIN_EINVAL, "at needs a time"},
    {0, 0, NULL, NULL, "at:5V", 0, OPSIN_EINVAL, "at needs a time"},
    {0, 0, NULL, NULL, "syn.v:at:1ms:2", 0, OPSIN_EINVAL, "too many ':'"},
    {0, 0, NULL, NULL, "a:b:c:d:e", 0, OPSIN_EINVAL, "unknown measure 'b'"},
    {0, 0, NULL, NULL, "syn:rate", 0, OPSIN_EINVAL, "syn (model supercap) does not spike"},
    {0, 0, NULL, NULL, "syn.v:energy", 0, OPSIN_EINVAL, "takes no probe"},
    {0, 0, NULL, NULL, "ppf", 0, OPSIN_EINVAL, "(expected a STIMULUS file"},
    {0, 1, NULL, NULL, "ppf:Q", 0, OPSIN_EINVAL, "no source 'Q'"},
    {1, 0, NULL, NULL, "peak", 0, OPSIN_OK, ""},
    {0, 0, NULL, NULL, "peak", -1, OPSIN_OK, ""},
    {2, 0, NULL, NULL, "peak", 0, OPSIN_EIO, "cannot read the file"},
    {0, 3, NULL, NULL, "peak", 0, OPSIN_EIO, "cannot read the file"},
    {0, 4, NULL, NULL, "peak", 0, OPSIN_EPARSE, "syntax error"},
    {0, 4, "I.width=1ms", NULL, "peak", 0, OPSIN_EPARSE, "syntax error"},
    {0, 0, "syn.R_reg=1:2:100000", "syn.C1=1:2:100000", "peak", 0, OPSIN_EINVAL,
     "exceeds 1e8 points"},
    {0, 1, "I.width=1ms:2ms:400", "I.start=0:1ms:400", "peak", 0, OPSIN_EINVAL,
     "160000 combinations of stimulus values (expected at most 100000"},
};

START_TEST(test_errors)
{
    static const char no_t_end[] =
        "components = ({ id = \"syn\"; model = \"supercap\"; });\nprobes = [\"syn.v\"];\n";
    const bad_case *b = &bad_cases[_i];
    const char *circuit = b->circuit == 0 ? FMES : b->circuit == 1 ? tu_write_temp(0, lif_circuit)
                          : "/nonexistent/x.cfg";
    if (b->t_end < 0)
        circuit = tu_write_temp(0, no_t_end);
    const char *stims[] = {NULL, one_pulse_stim, trains_stim, NULL, "sources = ( {"};
    const char *stim = b->stim == 3 ? "/nonexistent/s.cfg" : stims[b->stim] ?
                       tu_write_temp(1, stims[b->stim]) : NULL;
    const char *sets[] = {b->set, b->set2};
    opsin_sweep_opts o = {circuit, stim, sets, b->set2 ? 2 : b->set ? 1 : 0, &b->measures, 1,
                          0, 0, 1, 0, NULL};
    opsin_sweep *sw = (opsin_sweep *)&o;
    opsin_diag d = {""};
    int rc = opsin_sweep_new(&o, &sw, &d);
    if (b->status == OPSIN_OK && b->t_end == 0) {
        ck_assert_msg(rc == OPSIN_OK, "%s", d.msg);
        opsin_sweep_free(sw);
        return;
    }
    if (b->t_end < 0) { /* no end time anywhere */
        ck_assert_int_eq(rc, OPSIN_EINVAL);
        ck_assert(strstr(d.msg, "no end time (expected --t-end T"));
        return;
    }
    ck_assert_msg(rc == b->status, "case %d: status %d: %s", _i, rc, d.msg);
    ck_assert(sw == (opsin_sweep *)&o);
    ck_assert_msg(strstr(d.msg, b->want), "case %d: '%s' lacks '%s'", _i, d.msg, b->want);
    ck_assert_msg(strstr(d.msg, "(expected") && !strchr(d.msg, '\n'), "case %d: %s", _i, d.msg);
}
END_TEST

/* ---- stimulus overrides in the library --------------------------------------------------- */

/* Typed stimulus parameters: values set exactly, pulses re-expanded, a refused value leaves
 * the stimulus as it was, and a copy is independent of its original. */
START_TEST(test_stimulus_set_exact)
{
    static const char stim[] =
        "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"]; start = 0.0012345678901234567;\n"
        "  width = 1e-3; amplitude = 0.0039603000000000003; });\nt_end = 0.030000000000000002;\n";
    static const struct { const char *key; double v; } set[] = {
        {"I.width", 2e-3}, {"I.period", 5e-3}, {"I.count", 3}};
    opsin_circuit *c;
    opsin_stimulus *s = NULL, *copy = NULL;
    opsin_diag d;
    ck_assert_int_eq(opsin_circuit_load(FMES, &c, &d), 0);
    const char *path = tu_write_temp(1, stim);
    ck_assert_msg(opsin_stimulus_load(path, c, &s, &d) == 0, "%s", d.msg);
    ck_assert_int_eq(opsin_stimulus_copy(s, &copy), 0);
    for (size_t i = 0; i < 3; i++) {
        opsin_stimulus_param p;
        ck_assert_msg(opsin_stimulus_param_find(s, set[i].key, &p, &d) == 0, "%s", d.msg);
        ck_assert_msg(opsin_stimulus_set_param(s, &p, set[i].v, &d) == 0, "%s", d.msg);
    }
    ck_assert_str_eq(s->path, path);
    ck_assert_uint_eq(s->sources[0].npulses, 3);
    opsin_pulse *p;
    size_t np;
    ck_assert_int_eq(opsin_source_pulses(&s->sources[0], INFINITY, &p, &np), 0);
    ck_assert_uint_eq(np, 3);
    ck_assert(p[0].start == 0.0012345678901234567);
    ck_assert(p[2].start == 0.0012345678901234567 + 2 * 5e-3);
    ck_assert(p[1].end == p[1].start + 2e-3);
    ck_assert(p[1].amplitude == 0.0039603000000000003);
    free(p);
    ck_assert(s->t_end == 0.030000000000000002);
    /* a width above the period is refused with the train's line; nothing changes */
    opsin_stimulus_param w;
    ck_assert_int_eq(opsin_stimulus_param_find(s, "I.width", &w, &d), 0);
    ck_assert_int_eq(opsin_stimulus_set_param(s, &w, 6e-3, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, ":1: period 0.005 s is shorter than width 0.006 s") != NULL,
                  "%s", d.msg);
    ck_assert(s->sources[0].trains[0].width == 2e-3 && s->sources[0].npulses == 3);
    ck_assert_uint_eq(copy->sources[0].npulses, 1);
    ck_assert(copy->sources[0].trains[0].width == 1e-3);
    opsin_stimulus_free(copy);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

/* Units of every key, and keys that do not fit the source. */
START_TEST(test_key_units)
{
    static const char stim[] =
        "sources = ({ id = \"E\"; kind = \"voltage\"; targets = [\"d\"]; start = 0; width = 1;"
        " amplitude = 1; envelope = \"sine\"; frequency = 1; },\n"
        "  { id = \"L\"; kind = \"optical\"; wavelength = \"450 nm\"; targets = [\"d\"];"
        " start = 0; width = 1; irradiance = 1; envelope = \"exp\"; tau = 1; },\n"
        "  { id = \"T\"; kind = \"voltage\"; targets = [\"d\"]; trains = ({ start = 0;"
        " width = 1; amplitude = 1; }, { start = 2; width = 1; amplitude = 1; }); });\n";
    static const char circuit[] =
        "components = ({ id = \"d\"; model = \"phototrap\"; });\n";
    static const struct { const char *key, *unit; } ok[] = {
        {"E.start", "s"}, {"E.width", "s"}, {"E.period", "s"}, {"E.count", ""},
        {"E.amplitude", "V"}, {"E.amplitude_end", "V"}, {"E.frequency", "Hz"}, {"E.phase", ""},
        {"E.slope", "V/s"}, {"L.irradiance", "W/m2"}, {"L.irradiance_end", "W/m2"},
        {"L.wavelength", "m"}, {"L.tau", "s"}, {"L.slope", "W/m2/s"}, {"T.train2.width", "s"},
    };
    opsin_circuit *c;
    opsin_stimulus *s;
    opsin_diag d;
    if (opsin_circuit_load(tu_write_temp(0, circuit), &c, &d) != 0)
        ck_abort_msg("%s", d.msg);
    ck_assert_msg(opsin_stimulus_load(tu_write_temp(1, stim), c, &s, &d) == 0, "%s", d.msg);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        opsin_stimulus_param p;
        ck_assert_msg(opsin_stimulus_param_find(s, ok[i].key, &p, &d) == 0, "%s", d.msg);
        ck_assert_str_eq(p.unit, ok[i].unit);
    }
    static const char *const bad[] = {"L.amplitude", "E.irradiance_end", "E.wavelength", "E",
                                      ".width", "Q.width", "E.train1.phase", "E.tau",
                                      "L.frequency", "T.width", "T.train3.width", "E.train0.width"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        opsin_stimulus_param p = {7, 7, 7, "unchanged"};
        ck_assert_int_eq(opsin_stimulus_param_find(s, bad[i], &p, &d), OPSIN_EINVAL);
        ck_assert_str_eq(p.unit, "unchanged");
        ck_assert_msg(strstr(d.msg, "(expected") && !strchr(d.msg, '\n'), "%s: %s", bad[i],
                      d.msg);
    }
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

/* The measure table: every row documented, units set, names unique and found. */
START_TEST(test_measure_table)
{
    ck_assert_uint_eq(opsin_measure_count(), 17);
    for (size_t i = 0; i < opsin_measure_count(); i++) {
        const opsin_measure_def *m = opsin_measure_at(i);
        ck_assert(m->doc[0] && m->fn);
        ck_assert_ptr_eq(opsin_measure_find(m->name), m);
    }
    ck_assert_ptr_null(opsin_measure_at(opsin_measure_count()));
    ck_assert_ptr_null(opsin_measure_find("nope"));
    /* an empty run: every row measure is nan, not a crash */
    opsin_measure_input in = {NULL, NULL, 1, 0, NULL, 0, NULL, 0, 1.0, 0.0, 0.5, 1.0,
                              OPSIN_MDIR_CROSS, 1, 0, NAN};
    static const char *const rows[] = {"peak", "min", "final", "mean", "at", "max_t", "min_t",
                                       "avg", "integral", "when"};
    for (size_t i = 0; i < 10; i++)
        ck_assert(isnan(opsin_measure_find(rows[i])->fn(&in)));
    FILE *fp = tmpfile();
    opsin_measure_print_table(fp);
    ck_assert_int_gt(ftell(fp), 300);
    fclose(fp);
}
END_TEST

static Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *parse = tcase_create("parse");
    tcase_add_test(parse, test_parse_lists);
    tcase_add_test(parse, test_parse_ranges);
    tcase_add_test(parse, test_parse_errors);
    tcase_add_test(parse, test_measure_table);
    tcase_add_test(parse, test_key_units);
    tcase_add_test(parse, test_stimulus_set_exact);
    suite_add_tcase(s, parse);
    TCase *meas = tcase_create("measures");
    tcase_set_timeout(meas, 120);
    tcase_add_test(meas, test_supercap_vs_r);
    tcase_add_test(meas, test_at_between_rows);
    tcase_add_test(meas, test_stimulus_overrides_and_grid_order);
    tcase_add_test(meas, test_pulse_measures);
    tcase_add_test(meas, test_train_override);
    tcase_add_test(meas, test_lif_rate);
    tcase_add_test(meas, test_lif_rate_driven);
    tcase_add_test(meas, test_determinism);
    tcase_add_test(meas, test_cancel_prefix);
    tcase_add_test(meas, test_failed_runs);
    suite_add_tcase(s, meas);
    TCase *err = tcase_create("errors");
    tcase_add_loop_test(err, test_errors, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    suite_add_tcase(s, err);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sweep_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
