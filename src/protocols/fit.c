/* fit.c: least-squares fits of device curves and the staircase analysis (see fit.h).
 *
 * Every model is two linear amplitudes and one or two nonlinear shape parameters (time
 * constants as their logarithms, the nonlinearity NL, the stretch beta).  The start is the
 * best point of a grid over the shape parameters with the amplitudes solved exactly at each
 * (variable projection), so no user guess is needed; GSL's trust region (Levenberg-Marquardt
 * with geodesic acceleration off, analytic Jacobian) then polishes all parameters together.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "core.h"
#include "protocols/fit.h"

#define GRID_MAX 48          /* grid points per shape parameter */
#define NU_SMALL 1e-5        /* |NL| below which the NL law uses its Taylor series */

typedef struct fit_ctx {
    double pmax; /* nl: the fixed Pmax */
} fit_ctx;

typedef struct fit_model {
    const char *name;
    size_t nq, nnl;    /* fitted parameters; shape parameters among them (grid dimensions) */
    int scale_y;       /* 1: y is divided by its largest magnitude while fitting */
    int two_series;
    const char *p0_names;
    /* model value of series s at x, with d/dq into dq (may be NULL) */
    double (*f)(const fit_ctx *c, const double *q, int s, double x, double *dq);
    /* f = off + b[0] lin0 + b[1] lin1 at fixed shape parameters nl */
    void (*basis)(const fit_ctx *c, const double *nl, int s, double x, double *b, double *off);
    /* the start grid of shape parameter k: n points from lo to hi */
    void (*grid)(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n);
    void (*pack)(const double *lin, const double *nl, double *q);
    /* 0, or -1 with diag filled when the data is outside the model's domain */
    int (*domain)(const opsin_fit_data *d, opsin_diag *diag);
    void (*report)(const fit_ctx *c, const double *q, const double *var, double ys,
                   opsin_fit_result *r);
    /* sets a starting value by its reported name (y values already scaled); -1 unknown */
    int (*set_p0)(fit_ctx *c, double *q, const char *name, double v);
} fit_model;

opsin_fit_opts opsin_fit_opts_default(void)
{
    return (opsin_fit_opts){200, 1e-10, 1e-12, 0.0, NULL};
}

/* ---- reported values ---------------------------------------------------------------- */

/* Appends one reported value: se from the variance of its fitted parameter times |dv/dq|. */
static void report_add(opsin_fit_result *r, const char *name, int unit, double v, double se)
{
    size_t k = r->nr++;
    r->name[k] = name;
    r->unit[k] = unit;
    r->value[k] = v;
    r->se[k] = se;
    r->fixed[k] = 0;
}

static void report_fixed(opsin_fit_result *r, const char *name, int unit, double v)
{
    report_add(r, name, unit, v, 0.0);
    r->fixed[r->nr - 1] = 1;
}

/* ---- nl: the exponential weight-update law of seed 002 ---------------------------------- */

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
static double nl_f(const fit_ctx *c, const double *q, int s, double x, double *dq)
{
    double gnu, g = nl_g(x / c->pmax, q[2 + s], &gnu), span = q[1] - q[0];
    if (dq) {
        memset(dq, 0, OPSIN_FIT_MAXQ * sizeof *dq);
        dq[0] = s ? g : 1 - g;
        dq[1] = s ? 1 - g : g;
        dq[2 + s] = s ? -span * gnu : span * gnu;
    }
    return s ? q[1] - span * g : q[0] + span * g;
}

static void nl_basis(const fit_ctx *c, const double *nl, int s, double x, double *b,
                     double *off)
{
    double g = nl_g(x / c->pmax, nl[s], NULL);
    b[0] = s ? g : 1 - g;
    b[1] = s ? 1 - g : g;
    *off = 0;
}

static void nl_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    (void)d;
    (void)k;
    *lo = -8;
    *hi = 8;
    *n = 33;
}

static void nl_pack(const double *lin, const double *nl, double *q)
{
    q[0] = lin[0];
    q[1] = lin[1];
    q[2] = nl[0];
    q[3] = nl[1];
}

/* Pulse numbers are counts from 0: negative ones mean a mislabelled column. */
static int nl_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    for (int s = 0; s < 2; s++) {
        const double *x = s ? d->x2 : d->x;
        size_t n = s ? d->n2 : d->n;
        for (size_t i = 0; i < n; i++)
            if (x[i] < 0) {
                const int *l = s ? d->line2 : d->line;
                opsin_diag_set(diag, d->file, l ? l[i] : 0, "pulse number %g is negative "
                               "(expected P >= 0)", x[i]);
                return -1;
            }
    }
    return 0;
}

/* A = Pmax/NL: its standard error is Pmax/NL^2 times that of NL. */
static void nl_report(const fit_ctx *c, const double *q, const double *var, double ys,
                      opsin_fit_result *r, size_t nseries)
{
    static const char *const a_name[] = {"A", "A_LTD"}, *const nl_name[] = {"NL", "NL_LTD"};
    report_add(r, "Gmin", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    report_add(r, "Gmax", OPSIN_FIT_UNIT_Y, q[1] * ys, sqrt(var[1]) * ys);
    report_fixed(r, "Pmax", OPSIN_FIT_UNIT_X, c->pmax);
    for (size_t s = 0; s < nseries; s++) {
        double nu = q[2 + s], se = sqrt(var[2 + s]);
        report_add(r, a_name[s], OPSIN_FIT_UNIT_X, c->pmax / nu, c->pmax / (nu * nu) * se);
        report_add(r, nl_name[s], OPSIN_FIT_UNIT_ONE, nu, se);
    }
}

static void nl1_report(const fit_ctx *c, const double *q, const double *var, double ys,
                       opsin_fit_result *r)
{
    nl_report(c, q, var, ys, r, 1);
}

static void nl2_report(const fit_ctx *c, const double *q, const double *var, double ys,
                       opsin_fit_result *r)
{
    nl_report(c, q, var, ys, r, 2);
}

static int nl_set_p0(fit_ctx *c, double *q, const char *name, double v)
{
    if (strcmp(name, "Gmin") == 0 || strcmp(name, "Gmax") == 0)
        q[name[2] == 'a'] = v;
    else if (strcmp(name, "NL") == 0 || strcmp(name, "NL_LTD") == 0)
        q[2 + (name[2] == '_')] = v;
    else if (strcmp(name, "A") == 0 || strcmp(name, "A_LTD") == 0)
        q[2 + (name[1] == '_')] = c->pmax / v;
    else
        return -1;
    return 0;
}

/* ---- ppf: 1 + C1 exp(-dt/tau1) + C2 exp(-dt/tau2) -------------------------------------- */

/* q = C1, ln tau1, C2, ln tau2 (logarithms keep the time constants positive). */
static double ppf_f(const fit_ctx *c, const double *q, int s, double x, double *dq)
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

static void ppf_basis(const fit_ctx *c, const double *nl, int s, double x, double *b,
                      double *off)
{
    (void)c;
    (void)s;
    b[0] = exp(-x * exp(-nl[0]));
    b[1] = exp(-x * exp(-nl[1]));
    *off = 1;
}

/* Smallest and largest |x| > 0 of the primary series. */
static void x_span(const opsin_fit_data *d, int sign, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = 0;
    for (size_t i = 0; i < d->n; i++) {
        double a = fabs(d->x[i]);
        if (a > 0 && (sign == 0 || (sign > 0) == (d->x[i] > 0))) {
            *lo = fmin(*lo, a);
            *hi = fmax(*hi, a);
        }
    }
}

/* Time constants from a tenth of the shortest interval to ten times the longest. */
static void ppf_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    (void)k;
    double a, b;
    x_span(d, 0, &a, &b);
    *lo = log(a / 10);
    *hi = log(b * 10);
    *n = GRID_MAX;
}

/* q = lin0, nl0, lin1, nl1: an amplitude beside its time constant (ppf, stdp). */
static void pair_pack(const double *lin, const double *nl, double *q)
{
    q[0] = lin[0];
    q[1] = nl[0];
    q[2] = lin[1];
    q[3] = nl[1];
}

static int positive_x(const opsin_fit_data *d, const char *what, opsin_diag *diag)
{
    for (size_t i = 0; i < d->n; i++)
        if (!(d->x[i] > 0)) {
            opsin_diag_set(diag, d->file, d->line ? d->line[i] : 0, "%s %g is not positive "
                           "(expected %s > 0)", what, d->x[i], what);
            return -1;
        }
    return 0;
}

static int ppf_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    return positive_x(d, "interval", diag);
}

/* Reports the faster term first: the two terms are interchangeable in the model. */
static void ppf_report(const fit_ctx *c, const double *q, const double *var, double ys,
                       opsin_fit_result *r)
{
    (void)c;
    (void)ys;
    int sw = q[1] > q[3];
    for (int k = 0; k < 2; k++) {
        int j = 2 * (k ^ sw);
        double tau = exp(q[j + 1]);
        report_add(r, k ? "C2" : "C1", OPSIN_FIT_UNIT_ONE, q[j], sqrt(var[j]));
        report_add(r, k ? "tau2" : "tau1", OPSIN_FIT_UNIT_X, tau, tau * sqrt(var[j + 1]));
    }
}

/* Sets q[j] (an amplitude) or q[j+1] (a time constant) for names C<k>/tau<k>. */
static int pair_set_p0(double *q, const char *name, double v, const char *amp[2],
                       const char *tau[2])
{
    for (int k = 0; k < 2; k++) {
        if (strcmp(name, amp[k]) == 0) {
            q[2 * k] = v;
            return 0;
        }
        if (strcmp(name, tau[k]) == 0 && v > 0) {
            q[2 * k + 1] = log(v);
            return 0;
        }
    }
    return -1;
}

static int ppf_set_p0(fit_ctx *c, double *q, const char *name, double v)
{
    (void)c;
    const char *amp[2] = {"C1", "C2"}, *tau[2] = {"tau1", "tau2"};
    return pair_set_p0(q, name, v, amp, tau);
}

/* ---- decay: Ginf + (G0 - Ginf) exp(-(t/tau)^beta) -------------------------------------- */

/* q = G0, Ginf, ln tau, beta. */
static double decay_f(const fit_ctx *c, const double *q, int s, double x, double *dq)
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

static void decay_basis(const fit_ctx *c, const double *nl, int s, double x, double *b,
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
    double a, b;
    x_span(d, 0, &a, &b);
    *lo = k ? 0.15 : log(a / 3);
    *hi = k ? 1.5 : log(b * 3);
    *n = k ? 28 : GRID_MAX;
}

static void decay_pack(const double *lin, const double *nl, double *q)
{
    q[0] = lin[0];
    q[1] = lin[1];
    q[2] = nl[0];
    q[3] = nl[1];
}

static int decay_domain(const opsin_fit_data *d, opsin_diag *diag)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->x[i] < 0) {
            opsin_diag_set(diag, d->file, d->line ? d->line[i] : 0, "time %g is negative "
                           "(expected t >= 0, measured from the end of the stimulus)", d->x[i]);
            return -1;
        }
    return 0;
}

static void decay_report(const fit_ctx *c, const double *q, const double *var, double ys,
                         opsin_fit_result *r)
{
    (void)c;
    double tau = exp(q[2]);
    report_add(r, "G0", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    report_add(r, "Ginf", OPSIN_FIT_UNIT_Y, q[1] * ys, sqrt(var[1]) * ys);
    report_add(r, "tau", OPSIN_FIT_UNIT_X, tau, tau * sqrt(var[2]));
    report_add(r, "beta", OPSIN_FIT_UNIT_ONE, q[3], sqrt(var[3]));
}

static int decay_set_p0(fit_ctx *c, double *q, const char *name, double v)
{
    (void)c;
    if (strcmp(name, "G0") == 0 || strcmp(name, "Ginf") == 0)
        q[name[1] == 'i'] = v;
    else if (strcmp(name, "tau") == 0 && v > 0)
        q[2] = log(v);
    else if (strcmp(name, "beta") == 0)
        q[3] = v;
    else
        return -1;
    return 0;
}

/* ---- stdp: A+ exp(-dt/tau+) for dt > 0, -A- exp(dt/tau-) for dt < 0 --------------------- */

/* q = A+, ln tau+, A-, ln tau-: each branch only touches its own pair. */
static double stdp_f(const fit_ctx *c, const double *q, int s, double x, double *dq)
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

static void stdp_basis(const fit_ctx *c, const double *nl, int s, double x, double *b,
                       double *off)
{
    (void)c;
    (void)s;
    int neg = x < 0;
    b[neg] = (neg ? -1 : 1) * exp(-fabs(x) * exp(-nl[neg]));
    b[!neg] = 0;
    *off = 0;
}

static void stdp_grid(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n)
{
    double a, b;
    x_span(d, k ? -1 : 1, &a, &b);
    *lo = log(a / 10);
    *hi = log(b * 10);
    *n = GRID_MAX;
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

static void stdp_report(const fit_ctx *c, const double *q, const double *var, double ys,
                        opsin_fit_result *r)
{
    (void)c;
    double tp = exp(q[1]), tm = exp(q[3]);
    report_add(r, "A+", OPSIN_FIT_UNIT_Y, q[0] * ys, sqrt(var[0]) * ys);
    report_add(r, "tau+", OPSIN_FIT_UNIT_X, tp, tp * sqrt(var[1]));
    report_add(r, "A-", OPSIN_FIT_UNIT_Y, q[2] * ys, sqrt(var[2]) * ys);
    report_add(r, "tau-", OPSIN_FIT_UNIT_X, tm, tm * sqrt(var[3]));
}

static int stdp_set_p0(fit_ctx *c, double *q, const char *name, double v)
{
    (void)c;
    const char *amp[2] = {"A+", "A-"}, *tau[2] = {"tau+", "tau-"};
    return pair_set_p0(q, name, v, amp, tau);
}

/* ---- the table ------------------------------------------------------------------------ */

static const fit_model models[] = {
    {"nl", 3, 1, 1, 0, "Gmin, Gmax, Pmax, A, NL", nl_f, nl_basis, nl_grid, nl_pack, nl_domain,
     nl1_report, nl_set_p0},
    {"nl", 4, 2, 1, 1, "Gmin, Gmax, Pmax, A, NL, A_LTD, NL_LTD", nl_f, nl_basis, nl_grid,
     nl_pack, nl_domain, nl2_report, nl_set_p0},
    {"ppf", 4, 2, 0, 0, "C1, tau1, C2, tau2", ppf_f, ppf_basis, ppf_grid, pair_pack, ppf_domain,
     ppf_report, ppf_set_p0},
    {"decay", 4, 2, 1, 0, "G0, Ginf, tau, beta", decay_f, decay_basis, decay_grid, decay_pack,
     decay_domain, decay_report, decay_set_p0},
    {"stdp", 4, 2, 1, 0, "A+, tau+, A-, tau-", stdp_f, stdp_basis, stdp_grid, pair_pack,
     stdp_domain, stdp_report, stdp_set_p0},
};
#define NMODELS (sizeof models / sizeof models[0])

int opsin_fit_model_known(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(models[i].name, name) == 0)
            return 1;
    return 0;
}

/* The table row for a name and the number of series (nl has a one- and a two-series row). */
static const fit_model *model_find(const char *name, int two)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(models[i].name, name) == 0 && (models[i].two_series == two ||
                                                  strcmp(name, "nl") != 0))
            return &models[i];
    return NULL;
}

/* ---- fitting -------------------------------------------------------------------------- */

typedef struct fit_job {
    const fit_model *m;
    fit_ctx c;
    const opsin_fit_data *d;
    double ys; /* y scale */
} fit_job;

/* Point i of the stacked series: primary first, then the second. */
static void job_point(const fit_job *j, size_t i, int *s, double *x, double *y)
{
    *s = i >= j->d->n;
    size_t k = *s ? i - j->d->n : i;
    *x = *s ? j->d->x2[k] : j->d->x[k];
    *y = (*s ? j->d->y2[k] : j->d->y[k]) / j->ys;
}

static size_t job_npoints(const fit_job *j)
{
    return j->d->n + (j->m->two_series ? j->d->n2 : 0);
}

/* Amplitudes that minimise the squared error at fixed shape parameters; returns the error
 * (INFINITY when the 2x2 normal equations are singular). */
static double grid_solve(const fit_job *j, const double *nl, double *lin)
{
    double a00 = 0, a01 = 0, a11 = 0, r0 = 0, r1 = 0, b[2], off, x, y, sse = 0;
    int s;
    size_t n = job_npoints(j);
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        j->m->basis(&j->c, nl, s, x, b, &off);
        a00 += b[0] * b[0];
        a01 += b[0] * b[1];
        a11 += b[1] * b[1];
        r0 += b[0] * (y - off);
        r1 += b[1] * (y - off);
    }
    double det = a00 * a11 - a01 * a01;
    if (!(fabs(det) > 1e-12 * a00 * a11))
        return INFINITY;
    lin[0] = (a11 * r0 - a01 * r1) / det;
    lin[1] = (a00 * r1 - a01 * r0) / det;
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        j->m->basis(&j->c, nl, s, x, b, &off);
        double e = y - off - b[0] * lin[0] - b[1] * lin[1];
        sse += e * e;
    }
    return sse;
}

/* The best grid point (ppf: only tau1 < tau2, the terms being interchangeable). */
static int grid_start(const fit_job *j, double *q)
{
    double lo[2] = {0, 0}, hi[2] = {0, 0}, best = INFINITY;
    size_t n[2] = {1, 1};
    for (size_t k = 0; k < j->m->nnl; k++)
        j->m->grid(j->d, k, &lo[k], &hi[k], &n[k]);
    for (size_t a = 0; a < n[0]; a++)
        for (size_t b = 0; b < n[1]; b++) {
            if (j->m->f == ppf_f && b <= a)
                continue;
            double nl[2], lin[2];
            nl[0] = n[0] > 1 ? lo[0] + (hi[0] - lo[0]) * (double)a / (double)(n[0] - 1) : lo[0];
            nl[1] = n[1] > 1 ? lo[1] + (hi[1] - lo[1]) * (double)b / (double)(n[1] - 1) : lo[1];
            double sse = grid_solve(j, nl, lin);
            if (sse < best) {
                best = sse;
                j->m->pack(lin, nl, q);
            }
        }
    return isfinite(best) ? 0 : -1;
}

static int gsl_f(const gsl_vector *qv, void *params, gsl_vector *f)
{
    const fit_job *j = params;
    double x, y;
    int s;
    for (size_t i = 0; i < f->size; i++) {
        job_point(j, i, &s, &x, &y);
        double v = j->m->f(&j->c, qv->data, s, x, NULL) - y;
        if (!isfinite(v))
            return GSL_EDOM;
        gsl_vector_set(f, i, v);
    }
    return GSL_SUCCESS;
}

static int gsl_df(const gsl_vector *qv, void *params, gsl_matrix *J)
{
    const fit_job *j = params;
    double x, y, dq[OPSIN_FIT_MAXQ];
    int s;
    for (size_t i = 0; i < J->size1; i++) {
        job_point(j, i, &s, &x, &y);
        j->m->f(&j->c, qv->data, s, x, dq);
        for (size_t k = 0; k < J->size2; k++) {
            if (!isfinite(dq[k]))
                return GSL_EDOM;
            gsl_matrix_set(J, i, k, dq[k]);
        }
    }
    return GSL_SUCCESS;
}

/* Splits "NAME=VALUE,..." and applies each; Pmax first (the law depends on it). */
static int p0_apply(fit_job *j, const char *p0, int pmax_pass, double *q, opsin_diag *d)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", p0 ? p0 : "");
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end;
        double v = eq ? strtod(eq + 1, &end) : NAN;
        if (!eq || end == eq + 1 || *end || !isfinite(v)) {
            opsin_diag_set(d, NULL, 0, "--p0: '%s' is not NAME=VALUE (expected e.g. tau1=0.01)",
                           tok);
            return -1;
        }
        *eq = '\0';
        int is_pmax = strcmp(j->m->name, "nl") == 0 && strcmp(tok, "Pmax") == 0;
        if (is_pmax && !(v > 0)) {
            opsin_diag_set(d, NULL, 0, "--p0: Pmax = %g is not positive (expected the pulse "
                           "number of the last state)", v);
            return -1;
        }
        if (pmax_pass && is_pmax)
            j->c.pmax = v;
        if (pmax_pass || is_pmax)
            continue;
        double yv = j->m->scale_y && (strncmp(tok, "G", 1) == 0 || strcmp(tok, "A+") == 0 ||
                                      strcmp(tok, "A-") == 0) ? v / j->ys : v;
        if (j->m->set_p0(&j->c, q, tok, yv)) {
            opsin_diag_set(d, NULL, 0, "--p0: no parameter '%s' with value %g in model %s "
                           "(expected one of %s; time constants > 0)", tok, v, j->m->name,
                           j->m->p0_names);
            return -1;
        }
    }
    return 0;
}

/* Largest |y| of the data, the scale that brings amplitudes near 1 for the solver. */
static double y_scale(const opsin_fit_data *d, int two)
{
    double m = 0;
    for (size_t i = 0; i < d->n; i++)
        m = fmax(m, fabs(d->y[i]));
    for (size_t i = 0; two && i < d->n2; i++)
        m = fmax(m, fabs(d->y2[i]));
    return m > 0 ? m : 1;
}

/* Checks the data against the model before any arithmetic. */
static int data_check(const fit_model *m, const opsin_fit_data *data, opsin_diag *d)
{
    size_t n = data->n + (m->two_series ? data->n2 : 0);
    if (n <= m->nq) {
        opsin_diag_set(d, data->file, 0, "%zu data points are too few for model %s (expected at "
                       "least %zu)", n, m->name, m->nq + 1);
        return OPSIN_EINVAL;
    }
    if (m->domain(data, d))
        return OPSIN_EINVAL;
    return OPSIN_OK;
}

/* Pmax of nl: the largest pulse number of the data. */
static double data_pmax(const opsin_fit_data *d)
{
    double p = 0;
    for (size_t i = 0; i < d->n; i++)
        p = fmax(p, d->x[i]);
    for (size_t i = 0; d->y2 && i < d->n2; i++)
        p = fmax(p, d->x2[i]);
    return p;
}

/* Fills r from the solution: R^2 over both series and the scaled covariance. */
static void result_fill(const fit_job *j, gsl_multifit_nlinear_workspace *w, opsin_fit_result *r)
{
    size_t n = job_npoints(j), p = j->m->nq;
    gsl_matrix *cov = gsl_matrix_alloc(p, p);
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double rss, mean = 0, tss = 0, var[OPSIN_FIT_MAXQ] = {NAN, NAN, NAN, NAN}, x, y;
    int s;
    gsl_blas_ddot(f, f, &rss);
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        mean += y / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        tss += (y - mean) * (y - mean);
    }
    if (cov && gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov) == GSL_SUCCESS)
        for (size_t k = 0; k < p; k++)
            var[k] = gsl_matrix_get(cov, k, k) * rss / (double)(n - p);
    gsl_matrix_free(cov);
    memset(r, 0, sizeof *r);
    r->model = j->m->name;
    r->m = j->m;
    r->fixed_pmax = j->c.pmax;
    r->yscale = j->ys;
    memcpy(r->q, gsl_multifit_nlinear_position(w)->data, p * sizeof *r->q);
    r->n = n;
    r->dof = n - p;
    r->rss = rss * j->ys * j->ys;
    r->r2 = tss > 0 ? 1 - rss / tss : NAN;
    r->iters = gsl_multifit_nlinear_niter(w);
    j->m->report(&j->c, r->q, var, j->ys, r);
}

/* Runs the trust region from q0; ESOLVER with a message when it does not converge. */
static int solve(const fit_job *j, const double *q0, const opsin_fit_opts *o,
                 opsin_fit_result *r, opsin_diag *d)
{
    size_t n = job_npoints(j), p = j->m->nq;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, p);
    if (!w)
        return OPSIN_ENOMEM;
    gsl_multifit_nlinear_fdf fdf = {gsl_f, gsl_df, NULL, n, p, (void *)j, 0, 0, 0};
    gsl_vector_const_view q = gsl_vector_const_view_array(q0, p);
    int info = 0, rc = gsl_multifit_nlinear_init(&q.vector, &fdf, w);
    if (rc == GSL_SUCCESS)
        rc = gsl_multifit_nlinear_driver(o->max_iter, o->xtol, o->gtol, o->ftol, NULL, NULL,
                                         &info, w);
    double rss = INFINITY;
    if (rc == GSL_SUCCESS || rc == GSL_ENOPROG)
        gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &rss);
    /* no progress at an exact fit is convergence: the residual is round-off */
    if (rc == GSL_ENOPROG && rss <= 1e-24 * (double)n)
        rc = GSL_SUCCESS;
    if (rc != GSL_SUCCESS) {
        opsin_diag_set(d, j->d->file, 0, "model %s did not converge after %zu iterations (%s) "
                       "(expected data the model can follow; try --p0 NAME=VALUE)", j->m->name,
                       gsl_multifit_nlinear_niter(w), gsl_strerror(rc));
        gsl_multifit_nlinear_free(w);
        return OPSIN_ESOLVER;
    }
    result_fill(j, w, r);
    gsl_multifit_nlinear_free(w);
    return OPSIN_OK;
}

int opsin_fit_run(const char *model, const opsin_fit_data *data, const opsin_fit_opts *opts,
                  opsin_fit_result *r, opsin_diag *d)
{
    int two = data->y2 && data->n2 > 0;
    const fit_model *m = model_find(model, two);
    if (!m) {
        opsin_diag_set(d, NULL, 0, "unknown model '%s' (expected nl, ppf, decay, stdp or "
                       "staircase)", model);
        return OPSIN_EINVAL;
    }
    if (two && !m->two_series) {
        opsin_diag_set(d, NULL, 0, "model %s fits one series (expected --y2 only with nl)",
                       model);
        return OPSIN_EINVAL;
    }
    int rc = data_check(m, data, d);
    if (rc)
        return rc;
    fit_job j = {m, {data_pmax(data)}, data, m->scale_y ? y_scale(data, two) : 1.0};
    double q[OPSIN_FIT_MAXQ] = {0, 0, 0, 0};
    if (p0_apply(&j, opts->p0, 1, q, d))
        return OPSIN_EINVAL;
    if (strcmp(m->name, "nl") == 0 && !(j.c.pmax > 0)) {
        opsin_diag_set(d, data->file, 0, "every pulse number is 0 (expected P from 0 to Pmax)");
        return OPSIN_EINVAL;
    }
    if (grid_start(&j, q)) {
        opsin_diag_set(d, data->file, 0, "no starting point: the data does not determine model "
                       "%s (expected points spread over x)", m->name);
        return OPSIN_EINVAL;
    }
    if (p0_apply(&j, opts->p0, 0, q, d))
        return OPSIN_EINVAL;
    return solve(&j, q, opts, r, d);
}

double opsin_fit_eval(const opsin_fit_result *r, int series, double x)
{
    const fit_model *m = r->m;
    fit_ctx c = {r->fixed_pmax};
    return m->f(&c, r->q, series, x, NULL) * r->yscale;
}

/* Writes a unit after a value: the data's unit, or nothing when it has none. */
static const char *unit_text(int unit, const char *xunit, const char *yunit)
{
    const char *u = unit == OPSIN_FIT_UNIT_X ? xunit : unit == OPSIN_FIT_UNIT_Y ? yunit : "";
    return u ? u : "";
}

void opsin_fit_print(const opsin_fit_result *r, const char *xunit, const char *yunit, FILE *fp)
{
    fprintf(fp, "model %s: %zu points, %zu degrees of freedom, %zu iterations\n", r->model, r->n,
            r->dof, r->iters);
    for (size_t k = 0; k < r->nr; k++) {
        const char *u = unit_text(r->unit[k], xunit, yunit);
        if (r->fixed[k])
            fprintf(fp, "%-7s = %.6g%s%s (fixed)\n", r->name[k], r->value[k], *u ? " " : "", u);
        else
            fprintf(fp, "%-7s = %.6g +- %.2g%s%s\n", r->name[k], r->value[k], r->se[k],
                    *u ? " " : "", u);
    }
    fprintf(fp, "R^2     = %.6f\nRSS     = %.6g\n", r->r2, r->rss);
}

/* ---- staircase ------------------------------------------------------------------------ */

/* Least-squares line through points [a, b]. */
static void line_fit(const double *x, const double *y, size_t a, size_t b, double *slope,
                     double *icpt)
{
    double n = (double)(b - a + 1), mx = 0, my = 0, sxx = 0, sxy = 0;
    for (size_t i = a; i <= b; i++) {
        mx += x[i] / n;
        my += y[i] / n;
    }
    for (size_t i = a; i <= b; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    *slope = sxx > 0 ? sxy / sxx : 0;
    *icpt = my - *slope * mx;
}

/* Largest |residual| of the points [a, b] from the line slope x + icpt. */
static double line_maxres(const double *x, const double *y, size_t a, size_t b, double slope,
                          double icpt)
{
    double m = 0;
    for (size_t i = a; i <= b; i++)
        m = fmax(m, fabs(y[i] - (icpt + slope * x[i])));
    return m;
}

/* Seed 000's linear range: the conductance span |slope| (x_b - x_a) of the window [a, b]
 * whose best-fit line stays within half the mean step of every point in it, the largest
 * such span (not the most points: a flat saturated tail is straight but spans little).
 * Windows that cannot beat the best span are skipped before their line is fitted. */
static void linear_range(const double *x, const double *y, size_t n, opsin_staircase *s)
{
    double half = fabs(s->mean_step) / 2, best = -1;
    for (size_t a = 0; a + 1 < n; a++)
        for (size_t b = n - 1; b > a; b--) {
            if (fabs(y[b] - y[a]) + 2 * half <= best)
                continue;
            double slope, icpt;
            line_fit(x, y, a, b, &slope, &icpt);
            double span = fabs(slope * (x[b] - x[a]));
            if (span > best && line_maxres(x, y, a, b, slope, icpt) < half) {
                best = span;
                s->lin_first = a;
                s->lin_last = b;
                s->slope = slope;
                s->intercept = icpt;
            }
        }
    s->linear_range = best;
}

int opsin_staircase_analyse(const double *x, const double *y, size_t n, opsin_staircase *out,
                            opsin_diag *d)
{
    if (n < 4) {
        opsin_diag_set(d, NULL, 0, "%zu points are too few for a staircase (expected at least 4)",
                       n);
        return OPSIN_EINVAL;
    }
    for (size_t i = 1; i < n; i++)
        if (!(x[i] > x[i - 1])) {
            opsin_diag_set(d, NULL, 0, "pulse numbers are not increasing at point %zu (%g after "
                           "%g) (expected one row per pulse, in order)", i + 1, x[i], x[i - 1]);
            return OPSIN_EINVAL;
        }
    opsin_staircase s = {.npoints = n, .nsteps = n - 1};
    double m = 0, v = 0, mssd = 0;
    for (size_t i = 0; i + 1 < n; i++)
        m += (y[i + 1] - y[i]) / (double)(n - 1);
    for (size_t i = 0; i + 1 < n; i++) {
        double dg = y[i + 1] - y[i];
        v += (dg - m) * (dg - m) / (double)(n - 2);
        if (i + 2 < n) {
            double dd = (y[i + 2] - y[i + 1]) - dg;
            mssd += dd * dd / (double)(n - 2);
        }
    }
    s.mean_step = m;
    s.step_std = sqrt(v);
    s.noise_std = sqrt(mssd / 2);
    if (m == 0 || !(s.noise_std > 0)) {
        opsin_diag_set(d, NULL, 0, "%s (expected a staircase with a net change and some write "
                       "noise)", m == 0 ? "no net change over the pulses" : "no write noise: "
                       "every step is equal, the dynamic range is unbounded");
        return OPSIN_EINVAL;
    }
    s.snr = v > 0 ? m * m / v : INFINITY;
    s.states = 1;
    for (size_t i = 0; i + 1 < n; i++)
        s.states += (y[i + 1] - y[i]) * (m > 0 ? 1 : -1) > s.noise_std;
    linear_range(x, y, n, &s);
    s.ldr = s.linear_range / s.noise_std;
    *out = s;
    return OPSIN_OK;
}

void opsin_staircase_print(const opsin_staircase *s, const double *x, const char *yunit,
                           FILE *fp)
{
    const char *u = yunit ? yunit : "", *sp = *u ? " " : "";
    fprintf(fp, "staircase: %zu points, %zu steps\n", s->npoints, s->nsteps);
    fprintf(fp, "states  = %zu (steps in the mean direction larger than the write noise)\n",
            s->states);
    fprintf(fp, "mean dG = %.6g%s%s\nstd dG  = %.6g%s%s\n", s->mean_step, sp, u, s->step_std,
            sp, u);
    fprintf(fp, "noise   = %.6g%s%s (write noise: sqrt(mean((dG[k+1] - dG[k])^2)/2))\n",
            s->noise_std, sp, u);
    fprintf(fp, "SNR     = %.6g (mean(dG)^2/var(dG))\n", s->snr);
    fprintf(fp, "linear  = %.6g%s%s from x = %g to %g (within half a step of the line)\n",
            s->linear_range, sp, u, x[s->lin_first], x[s->lin_last]);
    fprintf(fp, "LDR     = %.6g (linear range / write noise)\n", s->ldr);
}

/* ---- fitted curve ---------------------------------------------------------------------- */

void opsin_fit_curve(const opsin_fit_result *r, int series, double lo, double hi, int logx,
                     size_t n, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        double f = n > 1 ? (double)i / (double)(n - 1) : 0;
        x[i] = logx ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
        y[i] = opsin_fit_eval(r, series, x[i]);
    }
}
