/* expsum.h: sums of real exponentials f(s) = c0 + sum_k c_k e^{l_k s}, evaluated and their
 * roots isolated and solved to the last bit (engine/expsum.c). */
#ifndef OPSIN_EXPSUM_H
#define OPSIN_EXPSUM_H

#include <stddef.h>

enum { OPSIN_EXPSUM_MAX = 8 };

/* f(s) = c0 + sum_{k < m} c[k] e^{l[k] s}: rates in 1/s, none 0 (a zero rate belongs in c0). */
typedef struct opsin_expsum {
    size_t m;
    double c0;
    double c[OPSIN_EXPSUM_MAX], l[OPSIN_EXPSUM_MAX];
} opsin_expsum;

/* Adds the term c e^{l s} to f: into c0 when l is 0, onto a term of the same rate, or as a new
 * term (f->m < OPSIN_EXPSUM_MAX, else the term is dropped and -1 returned); 0 otherwise. */
int opsin_expsum_add(opsin_expsum *f, double c, double l);

/* f at s, and f' at s into *df unless NULL. */
double opsin_expsum_eval(const opsin_expsum *f, double s, double *df);

/* The points in (0, S) (S may be INFINITY) at which f changes sign, ascending, into r (room
 * for f->m); returns how many.  A sum of m exponentials and a constant changes sign at most
 * m times: the sign changes of its derivative (found the same way, one term fewer once it is
 * multiplied by e^{-l_max s}) cut (0, S) into pieces on which f is monotone, and each piece
 * whose ends differ in sign holds one root, solved by bracketed Newton to the last bit. */
size_t opsin_expsum_roots(const opsin_expsum *f, double S, double *r);

/* The first time t0 + s, s in (0, S], at which f, below 0 at s = 0, reaches 0 (the last bit
 * of t0 + s), or INFINITY when it stays below 0 on (0, S]. */
double opsin_expsum_first_up(const opsin_expsum *f, double t0, double S);

#endif
