/* bracket.h: where a function first reaches zero inside a bracket, by safeguarded Newton
 * (engine/bracket.c). */
#ifndef OPSIN_BRACKET_H
#define OPSIN_BRACKET_H

/* f at s, and its derivative at s into *df. */
typedef double (*opsin_bracket_fn)(const void *ctx, double s, double *df);

/* The time t0 + s at which f, below 0 at lo and at or above 0 at hi, and changing sign once
 * between them, reaches 0: the smallest such time to the last bit of t0 + s (the bracket is
 * closed until t0 + lo and t0 + hi are neighbours, or after 200 steps).  Newton steps are
 * kept inside the bracket, halving it where they would leave it.  Returns t0 + hi, whose f
 * is at or above 0. */
double opsin_bracket_root(opsin_bracket_fn f, const void *ctx, double t0, double lo, double hi);

#endif
