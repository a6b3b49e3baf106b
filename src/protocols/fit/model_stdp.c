/* model_stdp.c: the fit model stdp, the exponential STDP window, one branch per sign of
 * dt. */
#include <math.h>
#include <string.h>

#include "protocols/fit/model.h"

/* q = A+, ln tau+, A-, ln tau-: each branch only touches its own pair. */
static double stdp_f(const opsin_fit_ctx *c, const double *q, int s, double x, double *dq)
{
    (void)c;
    (void)s;
    int neg = x < 0;
    double sign = neg ? -1 : 1, e = exp(-fabs(x) * exp(-q[2 * neg + 1]));
    if (dq) {
        memset(dq, 0, OPSIN_FIT_MAXQ * sizeof *dq);
        dq[2 * neg] = sign * e;
        dq[2 * neg + 1] = sign * q[2 * neg] * e * fabs(x) * exp(-q[2 * neg + 1]);
    }
    return sign * q[2 * neg] * e;
}

/* A+ and A- enter linearly, each only on its own side of dt = 0. */
static void stdp_basis(const opsin_fit_ctx *c, const double *nl, int s, double x, double *b,
                       double *off)
{
    (void)c;
    (void)s;
    int neg = x < 0;
    b[neg] = (neg ? -1 : 1) * exp(-fabs(x) * exp(-nl[neg]));
    b[!neg] = 0;
    *off = 0;
}

/* tau+ over the dt > 0 points, tau- over the dt < 0 points, each a decade either side. */
static void stdp_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    opsin_fit_grid_log(d, k ? -1 : 1, 10, lo, hi, n);
}

/* Each branch needs two points for its amplitude and time constant. */
static int stdp_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    size_t npos = 0, nneg = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->x[i] == 0) {
            opsin_diag_set(diag, d->file, d->line ? d->line[i] : 0, "dt = 0 belongs to neither "
                           "branch of the window (expected dt > 0 or dt < 0)");
            return -1;
        }
        npos += d->x[i] > 0;
        nneg += d->x[i] < 0;
    }
    if (npos < 2 || nneg < 2) {
        opsin_diag_set(diag, d->file, 0, "%zu points with dt > 0 and %zu with dt < 0 (expected "
                       "at least 2 on each side)", npos, nneg);
        return -1;
    }
    return 0;
}

/* Amplitudes back in y units; time constants from their logarithms. */
static void stdp_report(const opsin_fit_ctx *c, const double *q, const double *var, double ys,
                        opsin_fit_result *r)
{
    (void)c;
    double tp = exp(q[1]), tm = exp(q[3]);
    opsin_fit_report_add(r, "A+", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    opsin_fit_report_add(r, "tau+", OPSIN_FIT_UNIT_X, tp, tp * sqrt(var[1]));
    opsin_fit_report_add(r, "A-", OPSIN_FIT_UNIT_Y, q[2] * ys, sqrt(var[2]) * ys);
    opsin_fit_report_add(r, "tau-", OPSIN_FIT_UNIT_X, tm, tm * sqrt(var[3]));
}

static const opsin_fit_p0 stdp_p0[] = {
    {"A+", 0, OPSIN_FIT_P0_Y}, {"tau+", 1, OPSIN_FIT_P0_LOG},
    {"A-", 2, OPSIN_FIT_P0_Y}, {"tau-", 3, OPSIN_FIT_P0_LOG},
    {NULL, 0, 0}};

const opsin_fit_model opsin_fit_stdp = {
    .name = "stdp",
    .help = "dW(dt) = A+ exp(-dt/tau+) for dt > 0, -A- exp(dt/tau-) for dt < 0",
    .nq = 4, .nnl = 2, .nseries = 1, .scale_y = 1,
    .at_lin = {0, 2}, .at_nl = {1, 3}, .p0 = stdp_p0, .p0_names = "A+, tau+, A-, tau-",
    .f = stdp_f, .basis = stdp_basis, .grid = stdp_grid, .domain = stdp_domain,
    .report = stdp_report};
