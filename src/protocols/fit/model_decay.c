/* model_decay.c: the fit model decay, a stretched-exponential relaxation of the
 * conductance (PPC retention). */
#include <math.h>

#include "protocols/fit/model.h"

/* q = G0, Ginf, ln tau, beta. */
static double decay_f(const opsin_fit_ctx *c, const double *q, int s, double x, double *dq)
{
    (void)c;
    (void)s;
    double lr = x > 0 ? log(x) - q[2] : -INFINITY; /* ln(t/tau) */
    double u = x > 0 ? exp(q[3] * lr) : 0, e = exp(-u), span = q[0] - q[1];
    if (dq) {
        dq[0] = e;
        dq[1] = 1 - e;
        dq[2] = span * e * u * q[3];
        dq[3] = x > 0 ? -span * e * u * lr : 0;
    }
    return q[1] + span * e;
}

/* G0 and Ginf enter linearly: weights e and 1 - e of the stretched exponential e. */
static void decay_basis(const opsin_fit_ctx *c, const double *nl, int s, double x, double *b,
                        double *off)
{
    (void)c;
    (void)s;
    double e = x > 0 ? exp(-exp(nl[1] * (log(x) - nl[0]))) : 1;
    b[0] = e;
    b[1] = 1 - e;
    *off = 0;
}

/* tau from a third of the first t > 0 to three times the last; beta from 0.15 to 1.5. */
static void decay_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    opsin_fit_grid_log(d, 0, 3, lo, hi, n);
    if (k) {
        *lo = 0.15;
        *hi = 1.5;
        *n = 28;
    }
}

/* Time runs from the end of the stimulus: earlier points belong to the stimulus. */
static int decay_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    return opsin_fit_x_check(d, 1, 0, "time", "t >= 0, measured from the end of the stimulus",
                             diag);
}

/* G0 and Ginf back in y units; tau from its logarithm. */
static void decay_report(const opsin_fit_ctx *c, const double *q, const double *var, double ys,
                         opsin_fit_result *r)
{
    (void)c;
    double tau = exp(q[2]);
    opsin_fit_report_add(r, "G0", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    opsin_fit_report_add(r, "Ginf", OPSIN_FIT_UNIT_Y, q[1] * ys, sqrt(var[1]) * ys);
    opsin_fit_report_add(r, "tau", OPSIN_FIT_UNIT_X, tau, tau * sqrt(var[2]));
    opsin_fit_report_add(r, "beta", OPSIN_FIT_UNIT_ONE, q[3], sqrt(var[3]));
}

static const opsin_fit_p0 decay_p0[] = {
    {"G0", 0, OPSIN_FIT_P0_Y}, {"Ginf", 1, OPSIN_FIT_P0_Y},
    {"tau", 2, OPSIN_FIT_P0_LOG}, {"beta", 3, OPSIN_FIT_P0_SAME},
    {NULL, 0, 0}};

const opsin_fit_model opsin_fit_decay = {
    .name = "decay",
    .help = "G(t) = Ginf + (G0 - Ginf) exp(-(t/tau)^beta)",
    .nq = 4, .nnl = 2, .nseries = 1, .scale_y = 1,
    .at_lin = {0, 1}, .at_nl = {2, 3}, .p0 = decay_p0, .p0_names = "G0, Ginf, tau, beta",
    .f = decay_f, .basis = decay_basis, .grid = decay_grid, .domain = decay_domain,
    .report = decay_report};
