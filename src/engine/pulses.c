/* pulses.c: a source's pulses one at a time, in time order, from its trains.
 *
 * Nothing expands a train into memory: a run asks for the next pulse when the present one
 * starts, so a million-pulse train costs what its pulses before t_end cost.  Several trains
 * of one source are merged by a binary heap of their next starts.
 */
#include <stdlib.h>

#include "core.h"

/* Start of pulse k: the file's start as written for k = 0, else start + k period set to the
 * decimal it lands beside (opsin_time_snap), so edge rows print as the user's times. */
static double train_start(const opsin_train_spec *t, size_t k)
{
    return k ? opsin_time_snap(t->start + (double)k * t->period) : t->start;
}

opsin_pulse opsin_train_pulse(const opsin_train_spec *t, size_t k)
{
    size_t n = (size_t)t->count;
    double end = isnan(t->amplitude_end) ? t->amplitude : t->amplitude_end;
    double frac = n > 1 ? (double)k / (double)(n - 1) : 0.0;
    double start = train_start(t, k);
    return (opsin_pulse){start, opsin_time_snap(start + t->width),
                         t->amplitude + (end - t->amplitude) * frac, t->slope};
}

/* Start of the next pulse of heap entry j. */
static double next_start(const opsin_pulse_iter *it, size_t j)
{
    const opsin_train_spec *t = &it->src->trains[it->heap[j]];
    return train_start(t, it->next[it->heap[j]]);
}

/* Restores the heap order below entry j (its key grew or it was replaced). */
static void sift_down(opsin_pulse_iter *it, size_t j)
{
    for (;;) {
        size_t c = 2 * j + 1;
        if (c >= it->nheap)
            return;
        if (c + 1 < it->nheap && next_start(it, c + 1) < next_start(it, c))
            c++;
        if (!(next_start(it, c) < next_start(it, j)))
            return;
        size_t tmp = it->heap[c];
        it->heap[c] = it->heap[j];
        it->heap[j] = tmp;
        j = c;
    }
}

/* Takes the earliest pending pulse of all trains into it->ahead. */
static void take(opsin_pulse_iter *it)
{
    it->have_ahead = it->nheap > 0;
    if (!it->have_ahead)
        return;
    size_t tr = it->heap[0];
    it->ahead = opsin_train_pulse(&it->src->trains[tr], it->next[tr]);
    if (++it->next[tr] >= (size_t)it->src->trains[tr].count)
        it->heap[0] = it->heap[--it->nheap];
    sift_down(it, 0);
}

int opsin_pulse_iter_init(opsin_pulse_iter *it, const opsin_source *src)
{
    size_t n = src->ntrains ? src->ntrains : 1;
    *it = (opsin_pulse_iter){src, malloc(n * sizeof(size_t)), calloc(n, sizeof(size_t)), 0,
                             {0, 0, 0, 0}, 0};
    if (!it->heap || !it->next) {
        opsin_pulse_iter_free(it);
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < src->ntrains; i++)
        if (src->trains[i].count >= 1)
            it->heap[it->nheap++] = i;
    for (size_t j = it->nheap / 2; j-- > 0;)
        sift_down(it, j);
    take(it);
    return OPSIN_OK;
}

int opsin_pulse_iter_next(opsin_pulse_iter *it, opsin_pulse *p)
{
    if (!it->have_ahead)
        return 0;
    *p = it->ahead;
    take(it);
    if (it->have_ahead && opsin_same_instant(p->end, it->ahead.start))
        p->end = it->ahead.start; /* back to back: one instant, no sliver between them */
    return 1;
}

void opsin_pulse_iter_free(opsin_pulse_iter *it)
{
    free(it->heap);
    free(it->next);
    it->heap = it->next = NULL;
    it->nheap = 0;
    it->have_ahead = 0;
}

int opsin_source_pulses(const opsin_source *src, double t_end, opsin_pulse **out, size_t *n)
{
    opsin_pulse_iter it;
    size_t cap = 0, k = 0;
    opsin_pulse *p = NULL, q;
    int rc = opsin_pulse_iter_init(&it, src);
    while (!rc && opsin_pulse_iter_next(&it, &q) && q.start <= t_end)
        if (!(rc = opsin_grow((void **)&p, &cap, k, sizeof *p)))
            p[k++] = q;
    opsin_pulse_iter_free(&it);
    if (!rc && !p) /* no pulse: an empty array all the same */
        rc = opsin_grow((void **)&p, &cap, 0, sizeof *p);
    if (rc) {
        free(p);
        return OPSIN_ENOMEM;
    }
    *out = p;
    *n = k;
    return OPSIN_OK;
}
