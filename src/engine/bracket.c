/* bracket.c: the first zero of a function inside a bracket, to the last bit of the time, by
 * Newton steps that a bisection keeps inside the bracket (see bracket.h).  Shared by the
 * threshold crossings of exp and cond synapses (engine/net.c, engine/netcond.c). */
#include <math.h>

#include "engine/bracket.h"

double opsin_bracket_root(opsin_bracket_fn f, const void *ctx, double t0, double lo, double hi)
{
    double s = hi;
    for (int it = 0; it < 200 && t0 + lo < t0 + hi; it++) {
        double df, fs = f(ctx, s, &df);
        if (fs >= 0)
            hi = s;
        else
            lo = s;
        double nx = df > 0 ? s - fs / df : NAN; /* Newton, kept inside the bracket */
        s = nx > lo && nx < hi ? nx : lo + 0.5 * (hi - lo);
        if (s <= lo || s >= hi) {
            double mid = lo + 0.5 * (hi - lo);
            if (!(mid > lo && mid < hi))
                break;
            s = mid;
        }
    }
    return t0 + hi; /* the first time whose f is at or above 0 */
}
