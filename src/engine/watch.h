/* watch.h: level crossings of one probe followed along its continuous solution
 * (engine/watch.c), as opsin_run_opts.watches asks: the island feeds each watch the times it
 * reaches, with the solution valid since the last one, and the watch solves for a crossing
 * between two times on different sides of the level. */
#ifndef OPSIN_WATCH_H
#define OPSIN_WATCH_H

#include "core.h"

/* The probe's value at t (a time between the last two fed), or NAN when it cannot be had. */
typedef double (*opsin_watch_value_fn)(void *ctx, double t);

/* One watch as a run follows it, in O(1) memory: the count of crossings that count, the
 * time of the nth and of the last. */
typedef struct opsin_watch_run {
    opsin_watch w;
    const opsin_comp *comp; /* the probe's component and output */
    size_t output;
    double t;     /* s, followed up to here */
    int side;     /* -1 below, +1 above the level at the last value off it; 0 none yet */
    double on;    /* the first time on the level since then (NAN: none) */
    long count;   /* crossings in the watch's direction */
    double nth;   /* s, the time of the nth of them (NAN: not yet) */
    double last;  /* s, the time of the last of them (NAN: none) */
} opsin_watch_run;

/* A watch of w on output `output` of component c, followed from t with value v there. */
void opsin_watch_start(opsin_watch_run *r, const opsin_watch *w, const opsin_comp *c,
                       size_t output, double t, double v);

/* The solution reached t >= r->t with value v, continuous since r->t when t > r->t (value
 * gives it in between); at t == r->t a change of side is a jump at an event, a crossing at
 * t.  A time before r->t (never fed by the engine) is taken as r->t. */
void opsin_watch_feed(opsin_watch_run *r, double t, double v, opsin_watch_value_fn value,
                      void *ctx);

/* The time the watch asks for: the nth crossing, or the last (nth 0); NAN when none. */
double opsin_watch_result(const opsin_watch_run *r);

#endif
