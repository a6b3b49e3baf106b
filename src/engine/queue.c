/* queue.c: binary min-heap of events ordered by (time, kind, push order). */
#include <stdlib.h>

#include "core.h"
#include "engine/queue.h"

int opsin_event_before(const opsin_event *a, const opsin_event *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->seq < b->seq;
}

void opsin_queue_init(opsin_queue *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->next_seq = 0;
}

void opsin_queue_free(opsin_queue *q)
{
    free(q->heap);
    opsin_queue_init(q);
}

int opsin_queue_reserve(opsin_queue *q, size_t n)
{
    if (q->cap >= n)
        return 0;
    opsin_event *h = realloc(q->heap, n * sizeof *h);
    if (!h)
        return -1;
    q->heap = h;
    q->cap = n;
    return 0;
}

int opsin_queue_push(opsin_queue *q, opsin_event ev)
{
    /* 64 at first: the memory estimate counts an island's stops at that size */
    if ((!q->cap && opsin_queue_reserve(q, 64)) ||
        opsin_grow((void **)&q->heap, &q->cap, q->n, sizeof *q->heap))
        return -1;
    ev.seq = q->next_seq++;
    size_t i = q->n++;
    /* Sift up: move parents down until ev's place is found. */
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!opsin_event_before(&ev, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = ev;
    return 0;
}

const opsin_event *opsin_queue_top(const opsin_queue *q)
{
    return q->n ? &q->heap[0] : NULL;
}

int opsin_queue_pop(opsin_queue *q, opsin_event *ev)
{
    if (q->n == 0)
        return -1;
    *ev = q->heap[0];
    opsin_event last = q->heap[--q->n];
    size_t i = 0;
    /* Sift down the former last element from the root. */
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->n)
            break;
        if (child + 1 < q->n && opsin_event_before(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!opsin_event_before(&q->heap[child], &last))
            break;
        q->heap[i] = q->heap[child];
        i = child;
    }
    if (q->n)
        q->heap[i] = last;
    return 0;
}
