/* check_expsum.c: sums of exponentials (engine/expsum.c) against roots known in closed form
 * (a polynomial in x = e^{-s} with chosen roots: two, three, two nearly touching, none), and
 * a member driven through a supercap synapse (engine/netfilt.c) against an independent ODE
 * solution of the neuron and the device together (GSL rk8pd at 1e-13). */
#include <check.h>
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "engine/expsum.h"
#include "engine/netfilt.h"

/* f(s) = prod_k (x - x_k) with x = e^{-s}, times sg: rates -1, -2, ... */
static opsin_expsum poly(const double *xk, size_t n, double sg)
{
    double a[OPSIN_EXPSUM_MAX + 1] = {1}; /* coefficients of x^0 .. x^n */
    for (size_t k = 0; k < n; k++) { /* times (x - x_k) */
        for (size_t q = k + 1; q > 0; q--)
            a[q] = a[q - 1] - xk[k] * a[q];
        a[0] *= -xk[k];
    }
    opsin_expsum f = {0};
    for (size_t q = 0; q <= n; q++)
        opsin_expsum_add(&f, sg * a[q], -(double)q);
    return f;
}

/* How far round-off in f moves its root s: a few ulps of the terms' size over |f'(s)|, plus
 * the last bits of s itself. */
static double root_tol(const opsin_expsum *f, double s)
{
    double size = fabs(f->c0), df;
    for (size_t k = 0; k < f->m; k++)
        size += fabs(f->c[k] * exp(f->l[k] * s));
    opsin_expsum_eval(f, s, &df);
    return 4 * DBL_EPSILON * size / fabs(df) + 2 * DBL_EPSILON * s;
}

static void check_roots(const double *xk, size_t n)
{
    opsin_expsum f = poly(xk, n, 1.0);
    double r[OPSIN_EXPSUM_MAX];
    size_t got = opsin_expsum_roots(&f, 10.0, r);
    ck_assert_uint_eq(got, n);
    for (size_t k = 0; k < n; k++) { /* x_k descending: s ascending */
        double s = -log(xk[k]);
        ck_assert_msg(fabs(r[k] - s) <= root_tol(&f, s), "root %zu: %.17g, want %.17g (tol "
                      "%.3g)", k, r[k], s, root_tol(&f, s));
    }
}

START_TEST(test_roots)
{
    const double two[] = {0.7, 0.3}, three[] = {0.8, 0.5, 0.2};
    check_roots(two, 2);
    check_roots(three, 3);
    /* (x - 0.5)^2 - 1e-10: roots 0.5 +- 1e-5, a near-tangent pair, conditioned by 1/f' */
    const double near[] = {0.5 + 1e-5, 0.5 - 1e-5};
    check_roots(near, 2);
    /* (x - 0.5)^2 + 0.01: none; and one root beyond S is not reported */
    opsin_expsum f = {0};
    opsin_expsum_add(&f, 0.26, 0);
    opsin_expsum_add(&f, -1.0, -1);
    opsin_expsum_add(&f, 1.0, -2);
    double r[OPSIN_EXPSUM_MAX];
    ck_assert_uint_eq(opsin_expsum_roots(&f, 10.0, r), 0);
    ck_assert_uint_eq(opsin_expsum_roots(&f, INFINITY, r), 0);
    const double late[] = {0.8, 1e-6};
    f = poly(late, 2, 1.0);
    ck_assert_uint_eq(opsin_expsum_roots(&f, 10.0, r), 1);
    ck_assert_uint_eq(opsin_expsum_roots(&f, INFINITY, r), 2);
    ck_assert(fabs(r[1] + log(1e-6)) <= root_tol(&f, -log(1e-6)));
}
END_TEST

/* The first upward crossing: f = -(x - 0.8)(x - 0.5) is below 0 at s = 0 and reaches 0 at
 * -ln 0.8, the time t0 + s to the last bit; falling back below after -ln 0.5 changes nothing;
 * a bracket that ends before it finds none. */
START_TEST(test_first_up)
{
    const double xk[] = {0.8, 0.5};
    opsin_expsum f = poly(xk, 2, -1.0);
    double s = -log(0.8);
    double t = opsin_expsum_first_up(&f, 0.0, 10.0);
    ck_assert_msg(fabs(t - s) <= root_tol(&f, s), "t %.17g, want %.17g", t, s);
    ck_assert(opsin_expsum_eval(&f, t, NULL) >= 0); /* the first time at or above 0 */
    t = opsin_expsum_first_up(&f, 10.0, INFINITY);
    ck_assert_msg(fabs(t - (10.0 + s)) <= root_tol(&f, s) + 2 * DBL_EPSILON * 10, "t %.17g", t);
    ck_assert(isinf(opsin_expsum_first_up(&f, 0.0, 0.2)));
    /* (x - 0.5)^2 + 0.01 shifted down by 0.02: its minimum -0.01 at x = 0.5 crosses twice */
    opsin_expsum g = {0};
    opsin_expsum_add(&g, -0.25 - 0.01, 0);
    opsin_expsum_add(&g, 1.0, -1);
    opsin_expsum_add(&g, -1.0, -2); /* -(x - 0.5)^2 - 0.01 < 0 everywhere: no crossing */
    ck_assert(isinf(opsin_expsum_first_up(&g, 0.0, INFINITY)));
}
END_TEST

/* ---- a member through one supercap pulse, against rk8pd -------------------------------- */

typedef struct ref_sys {
    double C1, C2, Rd, Rsd, R, Rs, I, w; /* the device, its drive (A) and the weight (S) */
    opsin_lin_neuron L;
    double ts;
} ref_sys;

/* y = (V, v1, w_C2, I_exp): the equations of models/supercap.c's header and the neuron's. */
static int ref_rhs(double t, const double y[], double dy[], void *params)
{
    (void)t;
    const ref_sys *s = params;
    double u = s->R * (s->I * s->Rs + y[1]) / (s->R + s->Rs);
    double ic = (s->I * s->R - y[1]) / (s->R + s->Rs), id = (y[1] - y[2]) / s->Rd;
    dy[0] = (-(y[0] - s->L.v_inf) + s->L.r_in * (s->w * u + y[3])) / s->L.tau;
    dy[1] = (ic - y[1] / s->Rsd - id) / s->C1;
    dy[2] = id / s->C2;
    dy[3] = -y[3] / s->ts;
    return GSL_SUCCESS;
}

static double ref_v(ref_sys *s, const double *tk, const double *Ik, size_t n, double tend,
                    double i0)
{
    gsl_odeiv2_system sys = {ref_rhs, NULL, 4, s};
    double y[4] = {s->L.v0, 0, 0, i0}, t = 0;
    for (size_t k = 0; k <= n; k++) {
        double t2 = k < n ? tk[k] : tend;
        gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-9,
                                                             1e-30, 1e-13);
        ck_assert_int_eq(gsl_odeiv2_driver_apply(d, &t, t2, y), GSL_SUCCESS);
        gsl_odeiv2_driver_free(d);
        if (k < n)
            s->I = Ik[k];
    }
    return y[0];
}

/* A supercap projection into a population of one, in code: its parameters p (C1, C2, R_d,
 * R_sd, R_reg, R_s, checked against the model's table), pulses of 1 mA for 1 ms. */
typedef struct fake_proj {
    double p[6];
    opsin_popdef pop;
    opsin_circuit c;
    opsin_devsyn_def dv;
    opsin_projdef pj;
} fake_proj;

static void fake_init(fake_proj *x, const double p[6])
{
    const opsin_model *m = opsin_model_find("supercap");
    const char *names[] = {"C1", "C2", "R_d", "R_sd", "R_reg", "R_s"};
    ck_assert_uint_eq(m->nparams, 6);
    memset(x, 0, sizeof *x);
    for (size_t k = 0; k < 6; k++) {
        ck_assert_str_eq(m->params[k].name, names[k]);
        x->p[k] = p[k];
    }
    snprintf(x->pop.id, sizeof x->pop.id, "post");
    x->pop.size = 1;
    x->c.pops = &x->pop;
    x->c.npops = 1;
    x->c.path = "t.cfg";
    x->dv.dev.model = m;
    x->dv.dev.p = x->p;
    x->dv.filter = 1;
    x->dv.amplitude = 1e-3;
    x->dv.width = 1e-3;
    x->dv.line = 7;
    x->pj.dev = &x->dv;
}

static void member_case(double Rs, double i0)
{
    const double vals[] = {39.106e-6, 7.9109e-3, 173.73, 245.06e3, 8e3, Rs};
    fake_proj x;
    fake_init(&x, vals);
    /* the post neuron of circuits/lif-supercap-lif.cfg, its threshold out of reach */
    opsin_lin_neuron L = {100e-12 / 110e-9, 0.0, 1.0 / 110e-9, 1.0, 0.0, 2e-3, 0.0};
    double ts = 5e-3, w = 100e-9;
    opsin_netfilt *f;
    opsin_diag d = {0};
    ck_assert_int_eq(opsin_netfilt_new(&x.c, &x.pj, &L, ts, &f, &d), OPSIN_OK);
    ck_assert_int_eq(opsin_netfilt_deliver(f, 0, 0.5e-3, w), 0);
    opsin_netfilt_begin(f, 0);
    double t = 0, v = 0, cur = i0, tend = 5e-3;
    while (isfinite(opsin_netfilt_next_edge(f, 0))) {
        double te = opsin_netfilt_next_edge(f, 0);
        v = opsin_netfilt_v_at(f, 0, &L, ts, t, v, cur, 0, te, &cur);
        t = te;
        opsin_netfilt_edges(f, 0, te);
    }
    v = opsin_netfilt_v_at(f, 0, &L, ts, t, v, cur, 0, tend, &cur);
    opsin_netfilt_free(f);
    ref_sys s = {39.106e-6, 7.9109e-3, 173.73, 245.06e3, 8e3, Rs, 0, w, L, ts};
    const double tk[] = {0.5e-3, 1.5e-3}, Ik[] = {1e-3, 0};
    double want = ref_v(&s, tk, Ik, 2, tend, i0);
    ck_assert_msg(fabs(v - want) <= 1e-12 * fabs(want), "R_s %g, i0 %g: V %.17g, rk8pd "
                  "%.17g (%.3g)", Rs, i0, v, want, (v - want) / want);
}

START_TEST(test_member)
{
    gsl_set_error_handler_off();
    member_case(0.0, 0.0);
    member_case(20.0, 0.0);    /* a series resistance: u = c.y + d I */
    member_case(0.0, 1e-9);    /* with an exp synapse's current beside it */
}
END_TEST

/* A device that never lets its charge go (R_reg and R_sd open) has a zero rate: refused. */
START_TEST(test_refused)
{
    const double vals[] = {39.106e-6, 7.9109e-3, 173.73, INFINITY, INFINITY, 0};
    fake_proj x;
    fake_init(&x, vals);
    opsin_lin_neuron L = {1e-3, 0.0, 1e7, 1.0, 0.0, 2e-3, 0.0};
    opsin_netfilt *f = NULL;
    opsin_diag d = {0};
    ck_assert_int_eq(opsin_netfilt_new(&x.c, &x.pj, &L, 0, &f, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "t.cfg:7: ") && strstr(d.msg, "not real, negative and "
                  "distinct"), "%s", d.msg);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("expsum");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_roots);
    tcase_add_test(tc, test_first_up);
    tcase_add_test(tc, test_member);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
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
