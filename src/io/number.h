/* number.h: the one text form of a number in every CSV opsin writes. */
#ifndef OPSIN_NUMBER_H
#define OPSIN_NUMBER_H

#include <stddef.h>
#include <stdio.h>

/* Room for any number opsin_number_format writes, with its terminating NUL. */
#define OPSIN_NUMBER_MAX 32

/* x as the shortest of %.15g, %.16g and %.17g that reads back (strtod) as the same double;
 * "nan" without a sign, "inf" and "-inf".  buf gets at most len bytes with the NUL. */
void opsin_number_format(char *buf, size_t len, double x);

/* Writes x in that form to fp; EOF on a write error, like fputs. */
int opsin_number_write(FILE *fp, double x);

/* Writes the n values in that form separated by commas (no newline); EOF on a write error. */
int opsin_number_write_list(FILE *fp, const double *v, size_t n);

#endif
