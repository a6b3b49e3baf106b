/* timesnap.c: event and sample times that print as the user wrote them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"

/* The powers of ten that are exact doubles. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The double nearest the decimal of 15 significant digits nearest x > 0, as
 * strtod(printf("%.15g")) gives it, without the text where 10^k is an exact double (x >= 1e-8):
 * the integer n nearest x 10^k (below 10^15, at least 10^14) is found exactly (fma gives the
 * product's rounding error; a half is broken to even, as printf does), and n / 10^k is
 * correctly rounded by IEEE division.  Elsewhere through the text. */
static double decimal15(double x)
{
    int k = 14 - (int)floor(log10(x)); /* may be one off near a power of ten: corrected */
    for (int pass = 0; pass < 3 && k >= 0 && k <= 22; pass++) {
        double p = x * pow10_exact[k], r = nearbyint(p), e = fma(x, pow10_exact[k], -p);
        if (p - r == 0.5 && e > 0)
            r += 1.0;
        else if (p - r == -0.5 && e < 0)
            r -= 1.0;
        if (r >= 1e15)
            k--;
        else if (r < 1e14)
            k++;
        else
            return r / pow10_exact[k];
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", x);
    return strtod(buf, NULL);
}

/* Sums and products of the times a user writes (1 ms + 50 ms + 1 ms, 523 x 0.1 ms) land a
 * few ulps beside the decimal they mean (0.052000000000000005 for 0.052).  Snapping such a
 * time to the double nearest that decimal (at most 15 significant digits, within 4 ulps)
 * moves it by less than 1e-15 relative, so it changes no physics, and the row is then found
 * in the CSV as the decimal the user wrote; a time with no such decimal nearby is kept. */
double opsin_time_snap(double t)
{
    if (!isfinite(t) || t == 0.0)
        return t;
    double d = copysign(decimal15(fabs(t)), t);
    double ulp = nextafter(fabs(t), INFINITY) - fabs(t);
    return fabs(d - t) <= 4.0 * ulp ? d : t;
}
