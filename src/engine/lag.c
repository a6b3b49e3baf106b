/* lag.c: the spiking islands by integrator time (see lag.h). */
#include <stdlib.h>

#include "core.h"
#include "engine/lag.h"

static int before(const opsin_lag_entry *a, const opsin_lag_entry *b)
{
    return a->tn < b->tn || (a->tn == b->tn && a->isl < b->isl);
}

static void swap(opsin_lag_entry *a, opsin_lag_entry *b)
{
    opsin_lag_entry t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(opsin_lag *q, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && before(&q->h[l], &q->h[m]))
            m = l;
        if (r < q->n && before(&q->h[r], &q->h[m]))
            m = r;
        if (m == i)
            return;
        swap(&q->h[i], &q->h[m]);
        i = m;
    }
}

int opsin_lag_push(opsin_lag *q, double tn, size_t isl, unsigned long gen)
{
    if (opsin_grow((void **)&q->h, &q->cap, q->n, sizeof *q->h))
        return -1;
    size_t i = q->n++;
    q->h[i] = (opsin_lag_entry){tn, isl, gen};
    while (i > 0 && before(&q->h[i], &q->h[(i - 1) / 2])) {
        swap(&q->h[i], &q->h[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    return 0;
}

const opsin_lag_entry *opsin_lag_top(const opsin_lag *q)
{
    return q->n ? &q->h[0] : NULL;
}

void opsin_lag_pop(opsin_lag *q)
{
    if (!q->n)
        return;
    q->h[0] = q->h[--q->n];
    sift_down(q, 0);
}

void opsin_lag_raise_top(opsin_lag *q, double tn)
{
    q->h[0].tn = tn;
    sift_down(q, 0);
}

void opsin_lag_free(opsin_lag *q)
{
    free(q->h);
    q->h = NULL;
    q->n = q->cap = 0;
}
