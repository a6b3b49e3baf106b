/* staircase.c: the staircase analysis of a conductance-vs-pulse series (seed 000's states,
 * write noise, SNR, linear range and LDR; see fit.h). */
#include <math.h>

#include "core.h"
#include "protocols/fit.h"
#include "protocols/fit/linrange.h"

/* The definitions need at least two differences of steps and pulses in order. */
static int staircase_check(const double *x, size_t n, opsin_diag *d)
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
    return OPSIN_OK;
}

/* Mean and spread of the steps, and the write noise from differences of successive steps
 * (a slow drift of the step size does not count as noise). */
static void step_stats(const double *y, size_t n, opsin_staircase *s, double *var)
{
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
    s->mean_step = m;
    s->step_std = sqrt(v);
    s->noise_std = sqrt(mssd / 2);
    *var = v;
}

/* States a reader can tell apart: steps in the mean direction larger than the noise. */
static size_t count_states(const double *y, size_t n, const opsin_staircase *s)
{
    size_t states = 1;
    for (size_t i = 0; i + 1 < n; i++)
        states += (y[i + 1] - y[i]) * (s->mean_step > 0 ? 1 : -1) > s->noise_std;
    return states;
}

/* Checks, step statistics, states, then the linear range that bounds the LDR. */
int opsin_staircase_analyse(const double *x, const double *y, size_t n, opsin_staircase *out,
                            opsin_diag *d)
{
    if (staircase_check(x, n, d))
        return OPSIN_EINVAL;
    opsin_staircase s = {.npoints = n, .nsteps = n - 1};
    double v, m;
    step_stats(y, n, &s, &v);
    m = s.mean_step;
    if (m == 0 || !(s.noise_std > 0)) {
        opsin_diag_set(d, NULL, 0, "%s (expected a staircase with a net change and some write "
                       "noise)", m == 0 ? "no net change over the pulses" : "no write noise: "
                       "every step is equal, the dynamic range is unbounded");
        return OPSIN_EINVAL;
    }
    s.snr = v > 0 ? m * m / v : INFINITY;
    s.states = count_states(y, n, &s);
    if (opsin_staircase_linear_range(x, y, n, &s)) {
        opsin_diag_set(d, NULL, 0, "out of memory for the linear range of %zu points (expected "
                       "fewer points)", n);
        return OPSIN_ENOMEM;
    }
    s.ldr = s.linear_range / s.noise_std;
    *out = s;
    return OPSIN_OK;
}

/* The analysis for people: each value with its unit and definition. */
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
