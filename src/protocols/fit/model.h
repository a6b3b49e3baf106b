/* model.h: the descriptor every fit model fills (a table of function pointers and data, one
 * per file), the catalogue that lists them and the helpers they share (not installed).
 *
 * Every model is two linear amplitudes and one or two nonlinear shape parameters in a vector
 * q of at most OPSIN_FIT_MAXQ; the driver (lsq.c) knows models only through this table.
 */
#ifndef OPSIN_FIT_MODEL_H
#define OPSIN_FIT_MODEL_H

#include <stddef.h>

#include "core.h"
#include "protocols/fit.h"

#define OPSIN_FIT_GRID 48 /* grid points per shape parameter, by default */

/* What a model needs besides q: the constant its law holds fixed (nl: Pmax) and how many
 * series are fitted. */
typedef struct opsin_fit_ctx {
    double constant;
    size_t nseries;
} opsin_fit_ctx;

/* How a --p0 value becomes its fitted parameter. */
enum opsin_fit_p0_map {
    OPSIN_FIT_P0_SAME,  /* as given */
    OPSIN_FIT_P0_Y,     /* in y units: divided by the y scale of the fit */
    OPSIN_FIT_P0_LOG,   /* a time constant: its logarithm; must be > 0 */
    OPSIN_FIT_P0_OVER   /* the constant over it (nl: NL = Pmax/A) */
};

/* One name --p0 accepts: the fitted parameter q[q] it starts, and how. */
typedef struct opsin_fit_p0 {
    const char *name;
    size_t q;
    int map; /* enum opsin_fit_p0_map */
} opsin_fit_p0;

typedef struct opsin_fit_model {
    const char *name;
    const char *help;       /* `opsin fit --help` text, lines joined by '\n' */
    size_t nq, nnl;         /* fitted parameters; shape parameters among them (grid dimensions) */
    size_t nseries;         /* 1, or 2: also x2, y2 */
    const struct opsin_fit_model *two; /* the variant fitting a second series, or NULL */
    int scale_y;            /* 1: y is divided by its largest magnitude while fitting */
    int logx;               /* 1: x spans decades (plots use a log axis) */
    int ordered;            /* 1: the shape parameters are interchangeable; grid keeps nl0 < nl1 */
    size_t at_lin[2], at_nl[2]; /* where the amplitudes and shape parameters sit in q */
    const opsin_fit_p0 *p0; /* the --p0 names, ended by a NULL name */
    const char *p0_names;   /* them (and `constant`) for messages */
    const char *constant;   /* the --p0 name that fixes the constant rather than starts, or NULL */
    /* 0 if v is an allowed --p0 value of the constant, else -1 with diag filled */
    int (*constant_check)(double v, opsin_diag *diag);
    /* the constant from the data when --p0 does not give it: 0, or -1 with diag filled */
    int (*constant_data)(const opsin_fit_data *d, double *v, opsin_diag *diag);
    /* model value of series s at x, with d/dq into dq (may be NULL) */
    double (*f)(const opsin_fit_ctx *c, const double *q, int s, double x, double *dq);
    /* f = off + b[0] lin0 + b[1] lin1 at fixed shape parameters nl */
    void (*basis)(const opsin_fit_ctx *c, const double *nl, int s, double x, double *b,
                  double *off);
    /* the start grid of shape parameter k: n points from lo to hi */
    void (*grid)(const opsin_fit_data *d, size_t k, double *lo, double *hi, size_t *n);
    /* 0, or -1 with diag filled when the data is outside the model's domain */
    int (*domain)(const opsin_fit_data *d, opsin_diag *diag);
    /* the reported values from q and the variances of q (y scale ys) into r */
    void (*report)(const opsin_fit_ctx *c, const double *q, const double *var, double ys,
                   opsin_fit_result *r);
} opsin_fit_model;

/* catalogue.c: the model of a name, or NULL. */
const opsin_fit_model *opsin_fit_model_find(const char *name);

/* Appends a reported value with its standard error. */
void opsin_fit_report_add(opsin_fit_result *r, const char *name, int unit, double v, double se);

/* Appends a value held fixed (no standard error). */
void opsin_fit_report_fixed(opsin_fit_result *r, const char *name, int unit, double v);

/* Time-constant grid (logarithms) from 1/factor of the smallest |x| > 0 to factor times the
 * largest, over x of one sign (sign > 0, < 0) or all (0); OPSIN_FIT_GRID points. */
void opsin_fit_grid_log(const opsin_fit_data *d, int sign, double factor, double *lo,
                        double *hi, size_t *n);

/* -1 with diag naming the first x of the first nseries series that is negative (positive:
 * not > 0), as "WHAT X is negative (expected EXPECT)"; else 0. */
int opsin_fit_x_check(const opsin_fit_data *d, size_t nseries, int positive, const char *what,
                      const char *expect, opsin_diag *diag);

#endif
