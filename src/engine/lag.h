/* lag.h: the spiking islands by how far their integrators have gone (engine/lag.c), so that
 * the event loop steps the one furthest behind without scanning them all.
 *
 * A binary min-heap of (tn, island, generation), ordered by tn and then island index (the
 * order of the scan it replaces).  Entries are checked when they reach the top: an island
 * whose generation moved on (it was restarted, possibly earlier) left a stale entry, and an
 * island that went further than its entry says (probes and events advance islands too) is
 * put back with its real time.
 */
#ifndef OPSIN_LAG_H
#define OPSIN_LAG_H

#include <stddef.h>

typedef struct opsin_lag_entry {
    double tn;
    size_t isl;
    unsigned long gen;
} opsin_lag_entry;

typedef struct opsin_lag {
    opsin_lag_entry *h;
    size_t n, cap;
} opsin_lag;

/* Adds an entry; -1 when it could not grow. */
int opsin_lag_push(opsin_lag *q, double tn, size_t isl, unsigned long gen);
/* The entry with the least (tn, isl), or NULL when empty. */
const opsin_lag_entry *opsin_lag_top(const opsin_lag *q);
/* Removes the top entry. */
void opsin_lag_pop(opsin_lag *q);
/* Gives the top entry time tn (no earlier than its present one) and restores the order. */
void opsin_lag_raise_top(opsin_lag *q, double tn);
void opsin_lag_free(opsin_lag *q);

#endif
