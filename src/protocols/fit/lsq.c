/* lsq.c: the least-squares driver of the fit models (see fit.h): data checks, --p0, the
 * start grid, GSL's trust region and the result; it knows models only through their
 * descriptors (model.h).
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

#include "protocols/fit/model.h"

#define NAMES_MAX 128    /* a list of model names in a message */
#define GRID_POINTS 4096 /* at most this many points enter the start grid */

/* One fit: the model, its context, the data, the y scale and the starting vector. */
typedef struct fit_job {
    const opsin_fit_model *m;
    opsin_fit_ctx c;
    const opsin_fit_data *d;
    double ys;
    int constant_given; /* 1: --p0 set c.constant */
    double q0[OPSIN_FIT_MAXQ];
    size_t grid_evals; /* model evaluations of the start grid */
} fit_job;

/* Defaults that converge on measured curves well within the iteration budget. */
opsin_fit_opts opsin_fit_opts_default(void)
{
    return (opsin_fit_opts){200, 1e-10, 1e-12, 0.0, NULL};
}

/* ---- the data as one stacked series --------------------------------------------------- */

/* Point i of the stacked series: primary first, then the second (y scaled). */
static void job_point(const fit_job *j, size_t i, int *s, double *x, double *y)
{
    *s = i >= j->d->n;
    size_t k = *s ? i - j->d->n : i;
    *x = *s ? j->d->x2[k] : j->d->x[k];
    *y = (*s ? j->d->y2[k] : j->d->y[k]) / j->ys;
}

/* The residual count: both series when the model fits two. */
static size_t job_npoints(const fit_job *j)
{
    return j->d->n + (j->m->nseries > 1 ? j->d->n2 : 0);
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
static int data_check(const opsin_fit_model *m, const opsin_fit_data *data, opsin_diag *d)
{
    size_t n = data->n + (m->nseries > 1 ? data->n2 : 0);
    if (n <= m->nq) {
        opsin_diag_set(d, data->file, 0, "%zu data points are too few for model %s (expected at "
                       "least %zu)", n, m->name, m->nq + 1);
        return OPSIN_EINVAL;
    }
    if (m->domain(data, d))
        return OPSIN_EINVAL;
    return OPSIN_OK;
}

/* ---- the start grid ------------------------------------------------------------------- */

/* Point k of the m the start grid uses: every point when there are at most GRID_POINTS,
 * else m = GRID_POINTS spread evenly through the rows (a start needs the curve's shape, not
 * every point: the grid's cost stays bounded and the trust region then uses all points). */
static void grid_point(const fit_job *j, size_t k, size_t m, int *s, double *x, double *y)
{
    size_t n = job_npoints(j);
    job_point(j, m < n ? (size_t)((double)k * (double)n / (double)m) : k, s, x, y);
}

/* How many points the start grid uses. */
static size_t grid_npoints(const fit_job *j)
{
    size_t n = job_npoints(j);
    return n < GRID_POINTS ? n : GRID_POINTS;
}

/* Amplitudes that minimise the squared error at fixed shape parameters; returns the error
 * (INFINITY when the 2x2 normal equations are singular). */
static double grid_solve(const fit_job *j, const double *nl, double *lin)
{
    double a00 = 0, a01 = 0, a11 = 0, r0 = 0, r1 = 0, b[2], off, x, y, sse = 0;
    int s;
    size_t n = grid_npoints(j);
    for (size_t i = 0; i < n; i++) {
        grid_point(j, i, n, &s, &x, &y);
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
        grid_point(j, i, n, &s, &x, &y);
        j->m->basis(&j->c, nl, s, x, b, &off);
        double e = y - off - b[0] * lin[0] - b[1] * lin[1];
        sse += e * e;
    }
    return sse;
}

/* Value i of shape parameter k's grid (its lower end when the grid has one point). */
static double grid_at(const double *lo, const double *hi, const size_t *n, size_t k, size_t i)
{
    return n[k] > 1 ? lo[k] + (hi[k] - lo[k]) * (double)i / (double)(n[k] - 1) : lo[k];
}

/* Puts amplitudes and shape parameters where the model keeps them in q. */
static void grid_pack(const opsin_fit_model *m, const double *lin, const double *nl, double *q)
{
    for (size_t k = 0; k < 2; k++) {
        q[m->at_lin[k]] = lin[k];
        q[m->at_nl[k]] = nl[k];
    }
}

/* The best grid point, so that no user guess is needed (interchangeable shape parameters:
 * only the first below the second). */
static int grid_start(fit_job *j)
{
    double lo[2] = {0, 0}, hi[2] = {0, 0}, best = INFINITY;
    size_t n[2] = {1, 1};
    for (size_t k = 0; k < j->m->nnl; k++)
        j->m->grid(j->d, k, &lo[k], &hi[k], &n[k]);
    for (size_t a = 0; a < n[0]; a++)
        for (size_t b = 0; b < n[1]; b++) {
            if (j->m->ordered && b <= a)
                continue;
            double nl[2] = {grid_at(lo, hi, n, 0, a), grid_at(lo, hi, n, 1, b)}, lin[2] = {0, 0};
            double sse = grid_solve(j, nl, lin);
            j->grid_evals += 2 * grid_npoints(j);
            if (sse < best) {
                best = sse;
                grid_pack(j->m, lin, nl, j->q0);
            }
        }
    return isfinite(best) ? 0 : -1;
}

/* ---- --p0 ----------------------------------------------------------------------------- */

/* What a pass over --p0 does with one NAME=VALUE: 0, or -1 with the message. */
typedef int (*p0_fn)(fit_job *j, const char *name, double v, opsin_diag *d);

/* Splits "NAME=VALUE,..." and hands each to fn; -1 at the first malformed or refused one. */
static int p0_each(fit_job *j, const char *p0, p0_fn fn, opsin_diag *d)
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
        if (fn(j, tok, v, d))
            return -1;
    }
    return 0;
}

/* 1 if name is the model's constant, which --p0 fixes instead of starting. */
static int is_constant(const opsin_fit_model *m, const char *name)
{
    return m->constant && strcmp(name, m->constant) == 0;
}

/* First pass: the constant, since the start grid depends on it. */
static int p0_constant(fit_job *j, const char *name, double v, opsin_diag *d)
{
    if (!is_constant(j->m, name))
        return 0;
    if (j->m->constant_check(v, d))
        return -1;
    j->c.constant = v;
    j->constant_given = 1;
    return 0;
}

/* A --p0 value in its fitted parameter's terms; -1 when the map refuses it. */
static int p0_map(const fit_job *j, const opsin_fit_p0 *p, double v, double *q)
{
    switch (p->map) {
    case OPSIN_FIT_P0_Y: *q = v / j->ys; return 0;
    case OPSIN_FIT_P0_LOG:
        if (!(v > 0))
            return -1;
        *q = log(v);
        return 0;
    case OPSIN_FIT_P0_OVER: *q = j->c.constant / v; return 0;
    default: *q = v; return 0;
    }
}

/* Second pass, after the grid: the user's starting values replace the grid's. */
static int p0_start(fit_job *j, const char *name, double v, opsin_diag *d)
{
    if (is_constant(j->m, name))
        return 0;
    for (const opsin_fit_p0 *p = j->m->p0; p->name; p++)
        if (strcmp(p->name, name) == 0 && p0_map(j, p, v, &j->q0[p->q]) == 0)
            return 0;
    opsin_diag_set(d, NULL, 0, "--p0: no parameter '%s' with value %g in model %s (expected one "
                   "of %s; time constants > 0)", name, v, j->m->name, j->m->p0_names);
    return -1;
}

/* The model's constant from --p0, else from the data (where the model has one). */
static int job_constant(fit_job *j, const char *p0, opsin_diag *d)
{
    if (p0_each(j, p0, p0_constant, d))
        return -1;
    if (!j->constant_given && j->m->constant_data)
        return j->m->constant_data(j->d, &j->c.constant, d);
    return 0;
}

/* ---- GSL's trust region --------------------------------------------------------------- */

/* Residuals for GSL; a non-finite one (an overflowing exponential) rejects the step. */
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

/* The analytic Jacobian for GSL, from the models' derivatives. */
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

/* Total sum of squares of the stacked data, the denominator of R^2. */
static double job_tss(const fit_job *j)
{
    size_t n = job_npoints(j);
    double mean = 0, tss = 0, x, y;
    int s;
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        mean += y / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        job_point(j, i, &s, &x, &y);
        tss += (y - mean) * (y - mean);
    }
    return tss;
}

/* Variances of the fitted parameters, (J^T J)^-1 s^2; NaN where the covariance fails. */
static void fit_variances(gsl_multifit_nlinear_workspace *w, size_t n, size_t p, double rss,
                          double *var)
{
    gsl_matrix *cov = gsl_matrix_alloc(p, p);
    if (cov && gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov) == GSL_SUCCESS)
        for (size_t k = 0; k < p; k++)
            var[k] = gsl_matrix_get(cov, k, k) * rss / (double)(n - p);
    gsl_matrix_free(cov);
}

/* Fills r from the solution: R^2 over both series and the model's reported values. */
static void result_fill(const fit_job *j, gsl_multifit_nlinear_workspace *w, opsin_fit_result *r)
{
    size_t n = job_npoints(j), p = j->m->nq;
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double rss, tss = job_tss(j), var[OPSIN_FIT_MAXQ] = {NAN, NAN, NAN, NAN};
    gsl_blas_ddot(f, f, &rss);
    fit_variances(w, n, p, rss, var);
    memset(r, 0, sizeof *r);
    r->model = j->m->name;
    r->m = j->m;
    r->logx = j->m->logx;
    r->constant = j->c.constant;
    r->yscale = j->ys;
    memcpy(r->q, gsl_multifit_nlinear_position(w)->data, p * sizeof *r->q);
    r->n = n;
    r->dof = n - p;
    r->rss = rss * j->ys * j->ys;
    r->r2 = tss > 0 ? 1 - rss / tss : NAN;
    r->iters = gsl_multifit_nlinear_niter(w);
    j->m->report(&j->c, r->q, var, j->ys, r);
}

/* GSL's verdict, except that no progress at an exact fit is convergence: the residual is
 * round-off. */
static int solve_status(int rc, gsl_multifit_nlinear_workspace *w, size_t n)
{
    double rss = INFINITY;
    if (rc == GSL_SUCCESS || rc == GSL_ENOPROG)
        gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &rss);
    return rc == GSL_ENOPROG && rss <= 1e-24 * (double)n ? GSL_SUCCESS : rc;
}

/* Runs the trust region from the start; ESOLVER with a message when it does not converge. */
static int solve(const fit_job *j, const opsin_fit_opts *o, opsin_fit_result *r,
                 opsin_diag *d)
{
    size_t n = job_npoints(j), p = j->m->nq;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, p);
    if (!w)
        return OPSIN_ENOMEM;
    gsl_multifit_nlinear_fdf fdf = {gsl_f, gsl_df, NULL, n, p, (void *)j, 0, 0, 0};
    gsl_vector_const_view q = gsl_vector_const_view_array(j->q0, p);
    int info = 0, rc = gsl_multifit_nlinear_init(&q.vector, &fdf, w);
    if (rc == GSL_SUCCESS)
        rc = gsl_multifit_nlinear_driver(o->max_iter, o->xtol, o->gtol, o->ftol, NULL, NULL,
                                         &info, w);
    if ((rc = solve_status(rc, w, n)) != GSL_SUCCESS) {
        opsin_diag_set(d, j->d->file, 0, "model %s did not converge after %zu iterations (%s) "
                       "(expected data the model can follow; try --p0 NAME=VALUE)", j->m->name,
                       gsl_multifit_nlinear_niter(w), gsl_strerror(rc));
        gsl_multifit_nlinear_free(w);
        return OPSIN_ESOLVER;
    }
    result_fill(j, w, r);
    r->grid_evals = j->grid_evals;
    gsl_multifit_nlinear_free(w);
    return OPSIN_OK;
}

/* ---- the API -------------------------------------------------------------------------- */

/* The model's variant for the data's series: NULL with the message when there is none. */
static const opsin_fit_model *model_for(const char *name, int two, opsin_diag *d)
{
    const opsin_fit_model *m = opsin_fit_model_find(name);
    char names[NAMES_MAX];
    if (!m) {
        opsin_fit_model_names(names, sizeof names, 0, "staircase");
        opsin_diag_set(d, NULL, 0, "unknown model '%s' (expected %s)", name, names);
        return NULL;
    }
    if (two && !m->two) {
        opsin_fit_model_names(names, sizeof names, 1, NULL);
        opsin_diag_set(d, NULL, 0, "model %s fits one series (expected --y2 only with %s)",
                       name, names);
        return NULL;
    }
    return two ? m->two : m;
}

/* Checks before arithmetic, then the grid's start with the user's values over it. */
int opsin_fit_run(const char *model, const opsin_fit_data *data, const opsin_fit_opts *opts,
                  opsin_fit_result *r, opsin_diag *d)
{
    int two = data->y2 && data->n2 > 0, rc;
    const opsin_fit_model *m = model_for(model, two, d);
    if (!m)
        return OPSIN_EINVAL;
    if ((rc = data_check(m, data, d)))
        return rc;
    fit_job j = {m, {0, m->nseries}, data, m->scale_y ? y_scale(data, two) : 1.0, 0,
                 {0, 0, 0, 0}, 0};
    if (job_constant(&j, opts->p0, d))
        return OPSIN_EINVAL;
    if (grid_start(&j)) {
        opsin_diag_set(d, data->file, 0, "no starting point: the data does not determine model "
                       "%s (expected points spread over x)", m->name);
        return OPSIN_EINVAL;
    }
    if (p0_each(&j, opts->p0, p0_start, d))
        return OPSIN_EINVAL;
    return solve(&j, opts, r, d);
}

/* The fitted law in the data's y units. */
double opsin_fit_eval(const opsin_fit_result *r, int series, double x)
{
    const opsin_fit_model *m = r->m;
    opsin_fit_ctx c = {r->constant, m->nseries};
    return m->f(&c, r->q, series, x, NULL) * r->yscale;
}

/* Samples the fitted law for drawing, evenly in x or in log x. */
void opsin_fit_curve(const opsin_fit_result *r, int series, double lo, double hi, int logx,
                     size_t n, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        double f = n > 1 ? (double)i / (double)(n - 1) : 0;
        x[i] = logx ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
        y[i] = opsin_fit_eval(r, series, x[i]);
    }
}

/* Writes a unit after a value: the data's unit, or nothing when it has none. */
static const char *unit_text(int unit, const char *xunit, const char *yunit)
{
    const char *u = unit == OPSIN_FIT_UNIT_X ? xunit : unit == OPSIN_FIT_UNIT_Y ? yunit : "";
    return u ? u : "";
}

/* The result for people: each value with its standard error and unit, then R^2 and RSS. */
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
