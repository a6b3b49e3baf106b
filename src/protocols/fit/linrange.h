/* linrange.h: the linear range of a staircase (linrange.c), for staircase.c (not installed). */
#ifndef OPSIN_FIT_LINRANGE_H
#define OPSIN_FIT_LINRANGE_H

#include <stddef.h>

#include "protocols/fit.h"

/* Seed 000's linear range of y(x) (x increasing, n >= 2) with s->mean_step set: fills
 * lin_first, lin_last, slope, intercept, linear_range (the largest span |slope| (x_last -
 * x_first) of a window whose least-squares line is within half the mean step of each of its
 * points; -1 if none) and work.  -1 when out of memory (s untouched), else 0. */
int opsin_staircase_linear_range(const double *x, const double *y, size_t n,
                                 opsin_staircase *s);

#endif
