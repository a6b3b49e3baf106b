/* queue.h: the event priority queue (binary min-heap) and its tie rule.
 *
 * Events are ordered by time; events at the same time by kind, in the order of
 * enum opsin_event_kind (refractory ends, then spikes, then pulse ends, then pulse starts,
 * so back-to-back pulses hand over cleanly and a spike belongs to the state that reached
 * threshold); events of the same time and kind in the order they were pushed.  Times are
 * exact doubles, never rounded to a grid.
 */
#ifndef OPSIN_QUEUE_H
#define OPSIN_QUEUE_H

#include <stddef.h>

enum opsin_event_kind {
    OPSIN_EV_WAKE,  /* a component's wake time (end of refractory period) */
    OPSIN_EV_SPIKE, /* a component reached its threshold */
    OPSIN_EV_OFF,   /* a pulse ends: level -= value */
    OPSIN_EV_ON,    /* a pulse starts: level += value */
    OPSIN_EV_NKINDS
};

typedef struct opsin_event {
    double t;
    int kind;
    unsigned long seq;  /* push order, set by the queue */
    size_t island;
    size_t index;       /* component (WAKE, SPIKE) or drive level (ON, OFF) */
    double value;       /* level change of ON/OFF */
    double slope;       /* change of the level's slope (per s) of ON/OFF */
    unsigned long gen;  /* SPIKE: island generation when found; stale if it changed */
} opsin_event;

typedef struct opsin_queue {
    opsin_event *heap;
    size_t n, cap;
    unsigned long next_seq;
} opsin_queue;

void opsin_queue_init(opsin_queue *q);
void opsin_queue_free(opsin_queue *q);
/* Room for n events (the first push otherwise makes room for 64, then it doubles); -1 on
 * allocation failure, queue unchanged. */
int opsin_queue_reserve(opsin_queue *q, size_t n);
/* Adds an event (its seq is assigned here); -1 on allocation failure, queue unchanged. */
int opsin_queue_push(opsin_queue *q, opsin_event ev);
/* Removes the first event into *ev; -1 if empty. */
int opsin_queue_pop(opsin_queue *q, opsin_event *ev);
/* The first event without removing it, or NULL if empty. */
const opsin_event *opsin_queue_top(const opsin_queue *q);
/* 1 if a is processed before b under the tie rule. */
int opsin_event_before(const opsin_event *a, const opsin_event *b);

#endif
