/* timesnap.c: event and sample times that print as the user wrote them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"

/* Sums and products of the times a user writes (1 ms + 50 ms + 1 ms, 523 x 0.1 ms) land a
 * few ulps beside the decimal they mean (0.052000000000000005 for 0.052).  Snapping such a
 * time to the double nearest that decimal (at most 15 significant digits, within 4 ulps)
 * moves it by less than 1e-15 relative, so it changes no physics, and the row is then found
 * in the CSV as the decimal the user wrote; a time with no such decimal nearby is kept. */
double opsin_time_snap(double t)
{
    if (!isfinite(t) || t == 0.0)
        return t;
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", t);
    double d = strtod(buf, NULL);
    double ulp = nextafter(fabs(t), INFINITY) - fabs(t);
    return fabs(d - t) <= 4.0 * ulp ? d : t;
}
