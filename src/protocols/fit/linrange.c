/* linrange.c: the linear range of a staircase (seed 000; see linrange.h), found without
 * fitting every window.
 *
 * The definition: among the windows [a, b] whose least-squares line stays within half the
 * mean step of every point in it, the one whose line spans most conductance |slope| (x_b -
 * x_a); ties go to the first in the order a ascending, b descending.  Fitting every window
 * and checking every point is O(n^3).  This search gives the same window and the same
 * doubles with three shortcuts, each exact:
 *
 *  - bound: a window's span is below |y_b - y_a| + 2 half (its line is within half of both
 *    ends), so windows whose bound cannot beat the best are skipped, and the windows from a
 *    stop at the first b from which no bound can (suffix extremes of y);
 *  - no line within half: if some point j of [a, b] is 2 half or more off the chord from a
 *    to b, no line is within half of a, j and b, so neither [a, b] nor any longer window
 *    from a qualifies; the windows from a stop there;
 *  - hulls: the windows from a grow one point at a time; the upper and lower convex hulls of
 *    their points give the largest residual of a line in O(log n) instead of O(n), and the
 *    line itself comes from running sums.
 * The running sums and the hulls round differently from the definition's two-pass fit, so
 * they only sort windows: a window is rejected when it fails by more than a generous
 * allowance for rounding (RND below), and every window that may become the best is fitted
 * and checked exactly as the definition does (line_fit, line_maxres).  Cost: O(n L log L),
 * L the longest window from any start that the bound and the chord test let through (a few
 * hundred points on 30,000-point staircases); O(n^2 log n) at worst (tests/check_staircase.c
 * compares it with the definition and counts its steps).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "protocols/fit/linrange.h"

/* Rounding allowance of a residual or span of a window of m points, relative to the scale
 * of the numbers that enter it: generous against the O(m eps) error of either way of
 * computing them. */
#define RND(m) (64.0 * ((double)(m) + 8.0) * DBL_EPSILON)

/* Least-squares line through points [a, b], two passes: the definition's own numbers. */
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

/* The search's state: the data, the best window so far, and scratch of n entries. */
typedef struct search {
    const double *x, *y;
    size_t n;
    double half, ymag, xmag; /* half the mean step; largest |y| and |x| (rounding scale) */
    double *sufmax, *sufmin; /* largest and smallest y from i on */
    size_t *up, *lo;         /* upper and lower hull of the current window (indices) */
    size_t nup, nlo;
    unsigned char *verdict;  /* per b: REJECT, PASS or EXACT (see window_sort) */
    double *span;            /* per b: the span from the running sums plus RND: at least the
                              * definition's */
    double best;
    opsin_staircase *s;
    size_t work;
} search;

enum { REJECT, PASS, EXACT };

/* Cross product of (j - i) and (k - i): > 0 when i, j, k turn left. */
static double turn(const search *q, size_t i, size_t j, size_t k)
{
    return (q->x[j] - q->x[i]) * (q->y[k] - q->y[i]) - (q->y[j] - q->y[i]) * (q->x[k] - q->x[i]);
}

/* Adds point b (x increasing) to both hulls: Andrew's monotone chain, amortised O(1). */
static void hull_push(search *q, size_t b)
{
    while (q->nup >= 2 && turn(q, q->up[q->nup - 2], q->up[q->nup - 1], b) >= 0) {
        q->nup--;
        q->work++;
    }
    q->up[q->nup++] = b;
    while (q->nlo >= 2 && turn(q, q->lo[q->nlo - 2], q->lo[q->nlo - 1], b) <= 0) {
        q->nlo--;
        q->work++;
    }
    q->lo[q->nlo++] = b;
    q->work++;
}

/* Extreme over hull h (sign +1: upper, largest; -1: lower, smallest) of y - y_a - slope
 * (x - x_a), by bisection on the hull's edge slopes. */
static double hull_extreme(search *q, const size_t *h, size_t nh, double sign, size_t a,
                           double slope)
{
    size_t lo = 0, hi = nh - 1; /* the extreme vertex lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, i = h[mid], j = h[mid + 1];
        double rise = q->y[j] - q->y[i], run = q->x[j] - q->x[i];
        if (sign * (rise - slope * run) > 0)
            lo = mid + 1;
        else
            hi = mid;
        q->work++;
    }
    size_t k = h[lo];
    return (q->y[k] - q->y[a]) - slope * (q->x[k] - q->x[a]);
}

/* Largest distance above and below the line through (x_a, y_a + c) of slope `slope`. */
static double hull_maxres(search *q, size_t a, double slope, double c)
{
    double above = hull_extreme(q, q->up, q->nup, 1, a, slope) - c;
    double below = c - hull_extreme(q, q->lo, q->nlo, -1, a, slope);
    return fmax(above, below);
}

/* Running sums of the window from a, about (x_a, y_a) (no cancellation against the data's
 * offset). */
typedef struct sums {
    double m, sx, sy, sxx, sxy;
} sums;

/* Adds point b to the sums and returns the window's line: slope, and c its value at x_a
 * minus y_a. */
static void sums_line(const search *q, sums *u, size_t a, size_t b, double *slope, double *c)
{
    double dx = q->x[b] - q->x[a], dy = q->y[b] - q->y[a];
    u->m += 1;
    u->sx += dx;
    u->sy += dy;
    u->sxx += dx * dx;
    u->sxy += dx * dy;
    double vxx = u->sxx - u->sx * u->sx / u->m, vxy = u->sxy - u->sx * u->sy / u->m;
    *slope = vxx > 0 ? vxy / vxx : 0;
    *c = (u->sy - *slope * u->sx) / u->m;
}

/* What the window [a, b] can be, from the sums and hulls: REJECT (no line within half, or
 * a span that cannot beat `best`, beyond rounding), PASS (clearly within half), EXACT (too
 * close to call).  Also returns 1 when the chord test ends the windows from a. */
static int window_sort(search *q, sums *u, size_t a, size_t b)
{
    double slope, c, m = (double)(b - a + 1);
    sums_line(q, u, a, b, &slope, &c);
    double tol = RND(m) * (q->ymag + fabs(slope) * q->xmag + q->half);
    if (b > a + 1) {
        double chord = (q->y[b] - q->y[a]) / (q->x[b] - q->x[a]);
        double ctol = RND(m) * (q->ymag + fabs(chord) * q->xmag + q->half);
        if (hull_maxres(q, a, chord, 0) >= 2 * q->half + ctol)
            return 1;
    }
    q->span[b] = fabs(slope * (q->x[b] - q->x[a])) + tol;
    q->verdict[b] = REJECT;
    if (fabs(q->y[b] - q->y[a]) + 2 * q->half <= q->best || q->span[b] <= q->best)
        return 0;
    double res = hull_maxres(q, a, slope, c);
    q->verdict[b] = res + tol < q->half ? PASS : res - tol >= q->half ? REJECT : EXACT;
    return 0;
}

/* The definition's step for window [a, b]: fit, and keep it if it beats the best. */
static void window_exact(search *q, size_t a, size_t b)
{
    double slope, icpt;
    line_fit(q->x, q->y, a, b, &slope, &icpt);
    q->work += 2 * (b - a + 1);
    double span = fabs(slope * (q->x[b] - q->x[a]));
    if (span > q->best && line_maxres(q->x, q->y, a, b, slope, icpt) < q->half) {
        q->best = span;
        q->s->lin_first = a;
        q->s->lin_last = b;
        q->s->slope = slope;
        q->s->intercept = icpt;
    }
}

/* The largest |y_b' - y_a| over b' >= b: the bound of the windows from a that end there or
 * later. */
static double reaches(const search *q, size_t a, size_t b)
{
    return fmax(q->sufmax[b] - q->y[a], q->y[a] - q->sufmin[b]);
}

/* The windows from a: sorted growing, then taken in the definition's order (b descending),
 * fitted exactly when they may beat the best. */
static void windows_from(search *q, size_t a)
{
    const double *y = q->y;
    sums u = {1, 0, 0, 0, 0};
    size_t last = a;
    q->nup = q->nlo = 0;
    hull_push(q, a);
    for (size_t b = a + 1; b < q->n; b++) {
        if (reaches(q, a, b) + 2 * q->half <= q->best)
            break; /* no window from a ending at b or later passes its bound */
        hull_push(q, b);
        if (window_sort(q, &u, a, b))
            break;
        last = b;
    }
    for (size_t b = last; b > a; b--) {
        q->work++;
        if (fabs(y[b] - y[a]) + 2 * q->half <= q->best || q->verdict[b] == REJECT)
            continue;
        if (q->span[b] > q->best)
            window_exact(q, a, b);
    }
}

/* Largest |v| of n values. */
static double magnitude(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

int opsin_staircase_linear_range(const double *x, const double *y, size_t n,
                                 opsin_staircase *s)
{
    search q = {x, y, n, fabs(s->mean_step) / 2, magnitude(y, n), magnitude(x, n),
                malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t)), 0, 0, malloc(n),
                malloc(n * sizeof(double)), -1, s, 0};
    int rc = q.sufmax && q.sufmin && q.up && q.lo && q.verdict && q.span ? 0 : -1;
    if (rc == 0) {
        q.sufmax[n - 1] = q.sufmin[n - 1] = y[n - 1];
        for (size_t i = n - 1; i-- > 0;) {
            q.sufmax[i] = fmax(y[i], q.sufmax[i + 1]);
            q.sufmin[i] = fmin(y[i], q.sufmin[i + 1]);
        }
        for (size_t a = 0; a + 1 < n; a++)
            windows_from(&q, a);
        s->linear_range = q.best;
        s->work = q.work;
    }
    free(q.sufmax);
    free(q.sufmin);
    free(q.up);
    free(q.lo);
    free(q.verdict);
    free(q.span);
    return rc;
}
