/* model.c: what the fit models share: reported values, start grids over time constants and
 * the check of x against a model's domain. */
#include <math.h>

#include "protocols/fit/model.h"

/* Reported values keep their standard error; report functions compute it. */
void opsin_fit_report_add(opsin_fit_result *r, const char *name, int unit, double v, double se)
{
    size_t k = r->nr++;
    r->name[k] = name;
    r->unit[k] = unit;
    r->value[k] = v;
    r->se[k] = se;
    r->fixed[k] = 0;
}

/* A fixed value is reported for completeness but marked as not fitted. */
void opsin_fit_report_fixed(opsin_fit_result *r, const char *name, int unit, double v)
{
    opsin_fit_report_add(r, name, unit, v, 0.0);
    r->fixed[r->nr - 1] = 1;
}

/* Time constants the data can resolve lie around its x range, so the grid covers it. */
void opsin_fit_grid_log(const opsin_fit_data *d, int sign, double factor, double *lo,
                        double *hi, size_t *n)
{
    double a = INFINITY, b = 0;
    for (size_t i = 0; i < d->n; i++) {
        double m = fabs(d->x[i]);
        if (m > 0 && (sign == 0 || (sign > 0) == (d->x[i] > 0))) {
            a = fmin(a, m);
            b = fmax(b, m);
        }
    }
    *lo = log(a / factor);
    *hi = log(b * factor);
    *n = OPSIN_FIT_GRID;
}

/* Counts and times cannot be negative (intervals not even 0): say which point is. */
int opsin_fit_x_check(const opsin_fit_data *d, size_t nseries, int positive, const char *what,
                      const char *expect, opsin_diag *diag)
{
    for (size_t s = 0; s < nseries; s++) {
        const double *x = s ? d->x2 : d->x;
        const int *line = s ? d->line2 : d->line;
        for (size_t i = 0; i < (s ? d->n2 : d->n); i++)
            if (positive ? !(x[i] > 0) : x[i] < 0) {
                opsin_diag_set(diag, d->file, line ? line[i] : 0, "%s %g is %s (expected %s)",
                               what, x[i], positive ? "not positive" : "negative", expect);
                return -1;
            }
    }
    return 0;
}
