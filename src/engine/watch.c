/* watch.c: level crossings of one probe on its continuous solution (see watch.h).
 *
 * Between two fed times t_a < t_b with values on different sides of the level L, the
 * crossing is the first time at which f(t) = s (v(t) - L) reaches 0, s = +1 for a rise and
 * -1 for a fall, solved by bisection on the value the island gives in between (its CVODE
 * interpolant, its closed form) to neighbouring doubles of t (engine/bracket.c): the answer
 * no longer depends on where the output rows fall.  Values exactly on L are handled as the
 * rows are in protocols/measure.c: the crossing is then the first time on L since the last
 * value off it, and touching L and going back is no crossing.
 */
#include "engine/bracket.h"
#include "engine/watch.h"

void opsin_watch_start(opsin_watch_run *r, const opsin_watch *w, const opsin_comp *c,
                       size_t output, double t, double v)
{
    *r = (opsin_watch_run){.w = *w, .comp = c, .output = output, .t = t, .on = NAN,
                           .nth = NAN, .last = NAN};
    r->side = isnan(v) || v == w->level ? 0 : v > w->level ? 1 : -1;
    if (v == w->level)
        r->on = t;
}

/* What the bracket searches: s (v(t_a + x) - L), without a derivative (bisection). */
typedef struct side_fn {
    opsin_watch_value_fn value;
    void *ctx;
    double t0, level, sign;
} side_fn;

static double side_at(const void *ctx, double x, double *df)
{
    const side_fn *f = ctx;
    *df = 0.0;
    double v = f->value(f->ctx, f->t0 + x);
    return isnan(v) ? 0.0 : f->sign * (v - f->level); /* no value: take the earliest time */
}

/* Counts a crossing at t in direction s (+1 rise, -1 fall) when the watch's direction takes it. */
static void count(opsin_watch_run *r, int s, double t)
{
    if (r->w.dir != OPSIN_WATCH_CROSS && (r->w.dir == OPSIN_WATCH_RISE) != (s > 0))
        return;
    r->last = t;
    if (++r->count == r->w.nth)
        r->nth = t;
}

void opsin_watch_feed(opsin_watch_run *r, double t, double v, opsin_watch_value_fn value,
                      void *ctx)
{
    double ta = r->t;
    t = t > ta ? t : ta;
    r->t = t;
    if (isnan(v))
        return;
    if (v == r->w.level) {
        r->on = isnan(r->on) ? t : r->on;
        return;
    }
    int s = v > r->w.level ? 1 : -1;
    if (r->side && s != r->side) {
        double tc = r->on;
        if (isnan(tc) && t > ta) { /* continuous since ta: the first time on the new side */
            side_fn f = {value, ctx, ta, r->w.level, s};
            tc = opsin_bracket_root(side_at, &f, ta, 0.0, t - ta);
        } else if (isnan(tc)) {
            tc = t; /* a jump at an event */
        }
        count(r, s, tc);
    }
    r->side = s;
    r->on = NAN;
}

double opsin_watch_result(const opsin_watch_run *r)
{
    return r->w.nth == 0 ? r->last : r->nth;
}
