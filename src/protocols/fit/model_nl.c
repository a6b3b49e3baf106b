/* model_nl.c: the fit model nl, seed 002's exponential weight-update law, with one series
 * (LTP) or two (LTP and LTD), and Pmax the constant of the law. */
#include <math.h>
#include <string.h>

#include "protocols/fit/model.h"

#define NU_SMALL 1e-5 /* |NL| below which the law uses its Taylor series */

/* g(s) = (1 - exp(-nu s))/(1 - exp(-nu)), s = P/Pmax, and dg/dnu: expm1 keeps it exact for
 * small nu; the derivative switches to its Taylor series where it would cancel. */
static double nl_g(double s, double nu, double *dnu)
{
    if (fabs(nu) < NU_SMALL) {
        if (dnu)
            *dnu = s * (1 - s) / 2 + nu * s * (1 - s) * (1 - 2 * s) / 6;
        return s + nu * s * (1 - s) / 2;
    }
    double den = -expm1(-nu), num = -expm1(-nu * s);
    if (dnu)
        *dnu = (s * exp(-nu * s) * den - num * exp(-nu)) / (den * den);
    return num / den;
}

/* q = Gmin, Gmax, NL (LTP), NL_LTD: series 0 rises from Gmin, series 1 falls from Gmax. */
static double nl_f(const opsin_fit_ctx *c, const double *q, int s, double x, double *dq)
{
    double gnu, g = nl_g(x / c->constant, q[2 + s], &gnu), span = q[1] - q[0];
    if (dq) {
        memset(dq, 0, OPSIN_FIT_MAXQ * sizeof *dq);
        dq[0] = s ? g : 1 - g;
        dq[1] = s ? 1 - g : g;
        dq[2 + s] = s ? -span * gnu : span * gnu;
    }
    return s ? q[1] - span * g : q[0] + span * g;
}

/* Gmin and Gmax enter linearly: weights 1 - g and g (swapped for the falling series). */
static void nl_basis(const opsin_fit_ctx *c, const double *nl, int s, double x, double *b,
                     double *off)
{
    double g = nl_g(x / c->constant, nl[s], NULL);
    b[0] = s ? g : 1 - g;
    b[1] = s ? 1 - g : g;
    *off = 0;
}

/* NL from -8 (saturating downwards) to 8 (strongly saturating) covers measured devices. */
static void nl_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    (void)d;
    (void)k;
    *lo = -8;
    *hi = 8;
    *n = 33;
}

/* Pulse numbers are counts from 0: negative ones mean a mislabelled column. */
static int nl_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    return opsin_fit_x_check(d, 2, 0, "pulse number", "P >= 0", diag);
}

/* Pmax is the pulse number of the last state, so it must be positive. */
static int nl_pmax_check(double v, opsin_diag *diag)
{
    if (v > 0)
        return 0;
    opsin_diag_set(diag, NULL, 0, "--p0: Pmax = %g is not positive (expected the pulse number "
                   "of the last state)", v);
    return -1;
}

/* Pmax from the data: the largest pulse number of either series. */
static int nl_pmax_data(const opsin_fit_data *d, double *v, opsin_diag *diag)
{
    double p = 0;
    for (size_t i = 0; i < d->n; i++)
        p = fmax(p, d->x[i]);
    for (size_t i = 0; d->y2 && i < d->n2; i++)
        p = fmax(p, d->x2[i]);
    *v = p;
    if (p > 0)
        return 0;
    opsin_diag_set(diag, d->file, 0, "every pulse number is 0 (expected P from 0 to Pmax)");
    return -1;
}

/* A = Pmax/NL: its standard error is Pmax/NL^2 times that of NL. */
static void nl_report(const opsin_fit_ctx *c, const double *q, const double *var, double ys,
                      opsin_fit_result *r)
{
    static const char *const a_name[] = {"A", "A_LTD"}, *const nl_name[] = {"NL", "NL_LTD"};
    opsin_fit_report_add(r, "Gmin", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    opsin_fit_report_add(r, "Gmax", OPSIN_FIT_UNIT_Y, q[1] * ys, sqrt(var[1]) * ys);
    opsin_fit_report_fixed(r, "Pmax", OPSIN_FIT_UNIT_X, c->constant);
    for (size_t s = 0; s < c->nseries; s++) {
        double nu = q[2 + s], se = sqrt(var[2 + s]);
        opsin_fit_report_add(r, a_name[s], OPSIN_FIT_UNIT_X, c->constant / nu,
                             c->constant / (nu * nu) * se);
        opsin_fit_report_add(r, nl_name[s], OPSIN_FIT_UNIT_ONE, nu, se);
    }
}

/* The LTD names are accepted (and unused) with one series too. */
static const opsin_fit_p0 nl_p0[] = {
    {"Gmin", 0, OPSIN_FIT_P0_Y}, {"Gmax", 1, OPSIN_FIT_P0_Y},
    {"NL", 2, OPSIN_FIT_P0_SAME}, {"NL_LTD", 3, OPSIN_FIT_P0_SAME},
    {"A", 2, OPSIN_FIT_P0_OVER}, {"A_LTD", 3, OPSIN_FIT_P0_OVER},
    {NULL, 0, 0}};

/* LTP and LTD together: the two series share Gmin and Gmax, each has its own NL. */
static const opsin_fit_model nl2 = {
    .name = "nl", .nq = 4, .nnl = 2, .nseries = 2, .scale_y = 1,
    .at_lin = {0, 1}, .at_nl = {2, 3}, .p0 = nl_p0,
    .p0_names = "Gmin, Gmax, Pmax, A, NL, A_LTD, NL_LTD", .constant = "Pmax",
    .constant_check = nl_pmax_check, .constant_data = nl_pmax_data,
    .f = nl_f, .basis = nl_basis, .grid = nl_grid, .domain = nl_domain, .report = nl_report};

const opsin_fit_model opsin_fit_nl = {
    .name = "nl",
    .help = "seed 002 weight update: G_LTP(P) = Gmin + (Gmax - Gmin)(1 - exp(-P/A))\n"
            "/ (1 - exp(-Pmax/A)); with --y2 also G_LTD after P depression pulses from\n"
            "Gmax (own A_LTD).  Pmax = the largest P (fixed); NL = Pmax/A",
    .nq = 3, .nnl = 1, .nseries = 1, .two = &nl2, .scale_y = 1,
    .at_lin = {0, 1}, .at_nl = {2, 3}, .p0 = nl_p0,
    .p0_names = "Gmin, Gmax, Pmax, A, NL", .constant = "Pmax",
    .constant_check = nl_pmax_check, .constant_data = nl_pmax_data,
    .f = nl_f, .basis = nl_basis, .grid = nl_grid, .domain = nl_domain, .report = nl_report};
