/* expsum.c: sums of real exponentials, f(s) = c0 + sum_k c_k e^{l_k s}: values, sign changes
 * and the first upward crossing of 0, each root to the last bit (see expsum.h).
 *
 * Root isolation (Descartes' rule for exponential sums): with L the largest rate,
 * e^{-L s} f'(s) = c_L L + sum_{k != L} c_k l_k e^{(l_k - L) s} is again such a sum, with one
 * exponential fewer and every rate below 0; it has the sign of f' and so its sign changes cut
 * (0, S) into pieces on which f is monotone.  Recursing down to one exponential (whose root is
 * a logarithm) gives every sign change of f, each bracketed on one monotone piece and solved
 * by engine/bracket.c's safeguarded Newton.  Used for the threshold crossings of population
 * members driven through supercap synapses (engine/netfilt.c).
 */
#include <math.h>

#include "engine/bracket.h"
#include "engine/expsum.h"

int opsin_expsum_add(opsin_expsum *f, double c, double l)
{
    if (l == 0) {
        f->c0 += c;
        return 0;
    }
    for (size_t k = 0; k < f->m; k++)
        if (f->l[k] == l) {
            f->c[k] += c;
            return 0;
        }
    if (f->m >= OPSIN_EXPSUM_MAX)
        return -1;
    f->c[f->m] = c;
    f->l[f->m++] = l;
    return 0;
}

double opsin_expsum_eval(const opsin_expsum *f, double s, double *df)
{
    double v = f->c0, dv = 0;
    for (size_t k = 0; k < f->m; k++) {
        double e = f->c[k] == 0 ? 0.0 : f->c[k] * exp(f->l[k] * s);
        v += e;
        dv += f->l[k] * e;
    }
    if (df)
        *df = dv;
    return v;
}

/* f at s, its limit (c0) at s = INFINITY, where every rate is below 0. */
static double at(const opsin_expsum *f, double s)
{
    return isinf(s) ? f->c0 : opsin_expsum_eval(f, s, NULL);
}

/* e^{-L s} f' for the largest rate L of f's nonzero terms: the same signs as f'. */
static void deriv(const opsin_expsum *f, opsin_expsum *g)
{
    double L = -INFINITY;
    for (size_t k = 0; k < f->m; k++)
        if (f->c[k] != 0 && f->l[k] > L)
            L = f->l[k];
    *g = (opsin_expsum){0};
    for (size_t k = 0; k < f->m; k++)
        if (f->c[k] != 0)
            opsin_expsum_add(g, f->c[k] * f->l[k], f->l[k] - L);
}

/* sg f at s, for opsin_bracket_root. */
typedef struct signed_sum {
    const opsin_expsum *f;
    double sg;
} signed_sum;

static double signed_f(const void *ctx, double s, double *df)
{
    const signed_sum *x = ctx;
    double v = opsin_expsum_eval(x->f, s, df);
    *df *= x->sg;
    return x->sg * v;
}

/* A finite end past a, where f has taken the sign of its limit (every rate below 0). */
static double finite_end(const opsin_expsum *f, double a, double fa)
{
    double step = 0; /* the slowest time constant */
    for (size_t k = 0; k < f->m; k++)
        if (f->c[k] != 0 && f->l[k] < 0)
            step = fmax(step, -1.0 / f->l[k]);
    step = step > 0 ? step : 1.0;
    double b = a + step;
    for (int it = 0; it < 2100 && isfinite(b); it++, step *= 2, b = a + step) {
        double fb = at(f, b);
        if ((fa < 0) != (fb < 0) || fb == 0)
            return b;
    }
    return b;
}

/* The root of sg f on [a, b], sg f(a) < 0 <= sg f(b), to the last bit of t0 + s. */
static double solve(const opsin_expsum *f, double sg, double t0, double a, double b)
{
    signed_sum x = {f, sg};
    return opsin_bracket_root(signed_f, &x, t0, a, b);
}

size_t opsin_expsum_roots(const opsin_expsum *f, double S, double *r)
{
    size_t m = 0;
    for (size_t k = 0; k < f->m; k++)
        m += f->c[k] != 0;
    if (m == 0 || !(S > 0))
        return 0;
    double cut[OPSIN_EXPSUM_MAX + 1];
    size_t nc = 0;
    if (m > 1) { /* the monotone pieces */
        opsin_expsum g;
        deriv(f, &g);
        nc = opsin_expsum_roots(&g, S, cut);
    }
    cut[nc++] = S;
    size_t n = 0;
    double a = 0, fa = at(f, 0);
    for (size_t q = 0; q < nc; q++) {
        double b = cut[q], fb = at(f, b);
        if (fa != 0 && (fb == 0 || (fa < 0) != (fb < 0))) {
            if (isinf(b))
                b = finite_end(f, a, fa);
            double s = solve(f, fa < 0 ? 1.0 : -1.0, 0.0, a, b);
            if (s < S)
                r[n++] = s;
        }
        a = cut[q];
        fa = fb;
    }
    return n;
}

double opsin_expsum_first_up(const opsin_expsum *f, double t0, double S)
{
    double bound = f->c0; /* no term exceeds the larger of its values at 0 and S */
    for (size_t k = 0; k < f->m; k++) {
        double e = isinf(S) ? (f->l[k] < 0 ? 0.0 : INFINITY) : exp(f->l[k] * S);
        bound += fmax(f->c[k], f->c[k] * e);
    }
    if (!(S > 0) || bound < 0)
        return INFINITY;
    double cut[OPSIN_EXPSUM_MAX + 1];
    opsin_expsum g;
    deriv(f, &g);
    size_t nc = opsin_expsum_roots(&g, S, cut);
    cut[nc++] = S;
    double a = 0;
    for (size_t q = 0; q < nc; q++) {
        double b = cut[q];
        if (at(f, b) >= 0) {
            if (isinf(b))
                b = finite_end(f, a, -1.0);
            return solve(f, 1.0, t0, a, b);
        }
        a = b;
    }
    return INFINITY;
}
