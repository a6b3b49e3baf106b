/* fit.h: least-squares fits of measured device curves (NL weight update, PPF, PPC decay,
 * STDP window) with GSL's trust-region solver, and the staircase analysis.
 *
 * Models (x is the first column, y the second; y2 the optional second series of nl):
 *   nl     G_LTP(P) = Gmin + (Gmax - Gmin) (1 - exp(-P/A)) / (1 - exp(-Pmax/A)),
 *          G_LTD(d) = Gmax - (Gmax - Gmin) (1 - exp(-d/A_LTD)) / (1 - exp(-Pmax/A_LTD)),
 *          d = depression pulses applied from the top (seed 002's G_LTD(P) at P = Pmax - d);
 *          Pmax fixed (the largest pulse number of the data unless --p0 Pmax=...), NL = Pmax/A.
 *   ppf    PPF(dt) = 1 + C1 exp(-dt/tau1) + C2 exp(-dt/tau2), tau1 < tau2.
 *   decay  G(t) = Ginf + (G0 - Ginf) exp(-(t/tau)^beta), t >= 0.
 *   stdp   dW(dt) = A+ exp(-dt/tau+) (dt > 0), -A- exp(dt/tau-) (dt < 0).
 * Standard errors: sqrt of the diagonal of (J^T J)^-1 s^2, s^2 = RSS/(n - p), carried to the
 * reported parameters by the derivative of their transformation (tau = exp(ln tau), A = Pmax/NL).
 *
 * The module (src/protocols/fit/): lsq.c the least-squares driver, one file per model
 * (model_nl.c, model_ppf.c, model_decay.c, model_stdp.c) holding its descriptor (model.h),
 * catalogue.c the one list of them, staircase.c the staircase analysis.
 *
 * GSL's default error handler aborts the process; the solver reports its failures through
 * return codes instead, so the caller must turn the handler off once, before the first fit:
 * gsl_set_error_handler_off() (the library keeps no global state and so does not do it).
 */
#ifndef OPSIN_FIT_H
#define OPSIN_FIT_H

#include <stddef.h>
#include <stdio.h>

#include "opsin.h"

#define OPSIN_FIT_MAXQ 4  /* fitted parameters */
#define OPSIN_FIT_MAXR 8  /* reported parameters */

/* Measured data: one series, or two for nl (LTP in x,y and LTD in x2,y2). */
typedef struct opsin_fit_data {
    const double *x, *y;
    size_t n;
    const double *x2, *y2;
    size_t n2;
    const int *line, *line2; /* source line of each point, for messages (may be NULL) */
    const char *file;        /* for messages (may be NULL) */
} opsin_fit_data;

typedef struct opsin_fit_opts {
    size_t max_iter; /* trust-region iterations before "did not converge" */
    double xtol, gtol, ftol;
    const char *p0;  /* "NAME=VALUE,..." starting values (nl: Pmax fixes Pmax), or NULL */
} opsin_fit_opts;

/* 200 iterations, xtol 1e-10, gtol 1e-12, ftol 0, no p0. */
opsin_fit_opts opsin_fit_opts_default(void);

/* How a reported value scales with the data: in y units, x units or dimensionless. */
enum opsin_fit_unit { OPSIN_FIT_UNIT_Y, OPSIN_FIT_UNIT_X, OPSIN_FIT_UNIT_ONE };

typedef struct opsin_fit_result {
    const char *model;
    size_t nr;                          /* reported parameters */
    const char *name[OPSIN_FIT_MAXR];
    int unit[OPSIN_FIT_MAXR];           /* enum opsin_fit_unit */
    int fixed[OPSIN_FIT_MAXR];          /* 1: held fixed, no standard error */
    double value[OPSIN_FIT_MAXR], se[OPSIN_FIT_MAXR];
    double r2, rss;                     /* over both series; rss in y units squared */
    size_t n, dof, iters;
    size_t grid_evals;                  /* model evaluations of the start grid (its cost) */
    int logx;                           /* 1: the model's x spans decades (plot it on a log axis) */
    /* internal: the fitted vector, for opsin_fit_eval */
    const void *m;
    double q[OPSIN_FIT_MAXQ], constant, yscale;
} opsin_fit_result;

/* 1 if name is a fit model (nl, ppf, decay, stdp). */
int opsin_fit_model_known(const char *name);

/* 1 if the model name also fits a second series (nl: LTD in x2, y2). */
int opsin_fit_model_two_series(const char *name);

/* The i-th fit model's name and its `opsin fit --help` text (lines joined by '\n'); NULL past
 * the last. */
const char *opsin_fit_model_at(size_t i, const char **help);

/* The fit models' names as "nl, ppf, decay, stdp" (with two_series only those fitting a second
 * series), and " or " last when last is given: the lists of messages. */
void opsin_fit_model_names(char *buf, size_t len, int two_series, const char *last);

/* Fits model to data.  EINVAL: unknown model, too few points, bad --p0, data out of the
 * model's domain; ESOLVER: did not converge or the solver failed.  *r untouched on failure.
 * The start grid uses at most 4096 points spread evenly through the data, the solver all. */
int opsin_fit_run(const char *model, const opsin_fit_data *data, const opsin_fit_opts *opts,
                  opsin_fit_result *r, opsin_diag *diag);

/* The fitted curve at x for series 0 (y) or 1 (nl: y2). */
double opsin_fit_eval(const opsin_fit_result *r, int series, double x);

/* Prints "NAME = VALUE +- SE UNIT" lines and R^2; xunit/yunit name the data's units. */
void opsin_fit_print(const opsin_fit_result *r, const char *xunit, const char *yunit, FILE *fp);

/* Staircase analysis of a conductance-vs-pulse series (seed 000's definitions). */
typedef struct opsin_staircase {
    size_t npoints, nsteps, states;  /* states: 1 + steps in the mean direction > noise_std */
    double mean_step, step_std;      /* mean and std of dG_k = G_k+1 - G_k */
    double noise_std;                /* write noise: sqrt(mean((dG_k+1 - dG_k)^2)/2) */
    double snr;                      /* mean(dG)^2 / var(dG) */
    double slope, intercept;         /* best-fit line over the linear range */
    size_t lin_first, lin_last;      /* linear range: points [first, last] */
    double linear_range;             /* |slope| (x_last - x_first), y units */
    double ldr;                      /* linear_range / noise_std */
    size_t work;                     /* steps of the linear-range search (its cost) */
} opsin_staircase;

/* Analyses y(x) (x increasing): EINVAL with fewer than 4 points, x not increasing, no net
 * change or no write noise (a noiseless staircase has an unbounded LDR); ENOMEM.  The
 * linear range costs O(n L log L), L the longest run of points near one line. */
int opsin_staircase_analyse(const double *x, const double *y, size_t n, opsin_staircase *s,
                            opsin_diag *diag);

void opsin_staircase_print(const opsin_staircase *s, const double *x, const char *yunit,
                           FILE *fp);

/* n points of the fitted curve of series `series` over [lo, hi] (log-spaced if logx) into
 * x and y. */
void opsin_fit_curve(const opsin_fit_result *r, int series, double lo, double hi, int logx,
                     size_t n, double *x, double *y);
#endif
