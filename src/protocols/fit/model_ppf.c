/* model_ppf.c: the fit model ppf, paired-pulse facilitation as 1 + two decaying
 * exponentials. */
#include <math.h>

#include "protocols/fit/model.h"

/* q = C1, ln tau1, C2, ln tau2 (logarithms keep the time constants positive). */
static double ppf_f(const opsin_fit_ctx *c, const double *q, int s, double x, double *dq)
{
    (void)c;
    (void)s;
    double e1 = exp(-x * exp(-q[1])), e2 = exp(-x * exp(-q[3]));
    if (dq) {
        dq[0] = e1;
        dq[1] = q[0] * e1 * x * exp(-q[1]);
        dq[2] = e2;
        dq[3] = q[2] * e2 * x * exp(-q[3]);
    }
    return 1 + q[0] * e1 + q[2] * e2;
}

/* C1 and C2 enter linearly, on top of the constant 1. */
static void ppf_basis(const opsin_fit_ctx *c, const double *nl, int s, double x, double *b,
                      double *off)
{
    (void)c;
    (void)s;
    b[0] = exp(-x * exp(-nl[0]));
    b[1] = exp(-x * exp(-nl[1]));
    *off = 1;
}

/* Time constants from a tenth of the shortest interval to ten times the longest. */
static void ppf_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    (void)k;
    opsin_fit_grid_log(d, 0, 10, lo, hi, n);
}

/* A pair of pulses needs a positive interval between them. */
static int ppf_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    return opsin_fit_x_check(d, 1, 1, "interval", "interval > 0", diag);
}

/* Reports the faster term first: the two terms are interchangeable in the model. */
static void ppf_report(const opsin_fit_ctx *c, const double *q, const double *var, double ys,
                       opsin_fit_result *r)
{
    (void)c;
    (void)ys;
    int sw = q[1] > q[3];
    for (int k = 0; k < 2; k++) {
        int j = 2 * (k ^ sw);
        double tau = exp(q[j + 1]);
        opsin_fit_report_add(r, k ? "C2" : "C1", OPSIN_FIT_UNIT_ONE, q[j], sqrt(var[j]));
        opsin_fit_report_add(r, k ? "tau2" : "tau1", OPSIN_FIT_UNIT_X, tau,
                             tau * sqrt(var[j + 1]));
    }
}

static const opsin_fit_p0 ppf_p0[] = {
    {"C1", 0, OPSIN_FIT_P0_SAME}, {"tau1", 1, OPSIN_FIT_P0_LOG},
    {"C2", 2, OPSIN_FIT_P0_SAME}, {"tau2", 3, OPSIN_FIT_P0_LOG},
    {NULL, 0, 0}};

const opsin_fit_model opsin_fit_ppf = {
    .name = "ppf",
    .help = "PPF(dt) = 1 + C1 exp(-dt/tau1) + C2 exp(-dt/tau2), tau1 < tau2 (y = A2/A1)",
    .nq = 4, .nnl = 2, .nseries = 1, .logx = 1, .ordered = 1,
    .at_lin = {0, 2}, .at_nl = {1, 3}, .p0 = ppf_p0, .p0_names = "C1, tau1, C2, tau2",
    .f = ppf_f, .basis = ppf_basis, .grid = ppf_grid, .domain = ppf_domain,
    .report = ppf_report};
