/* devtable.h: a device's update curve as tabulated from its own simulation (the `device`
 * synapse kind): the conductance read after each pulse of a full LTP staircase from the
 * device's low end and of a full LTD staircase from its high end, and the energy per pulse.
 * Made by train/devtable.c from a circuit and two stimulus files; taken by the weight pair
 * (train/pair.h) as a tabulated curve. */
#ifndef OPSIN_TRAIN_DEVTABLE_H
#define OPSIN_TRAIN_DEVTABLE_H

#include <stddef.h>

typedef struct opsin_devtable {
    size_t nltp;    /* LTP pulses tabulated */
    double *g_ltp;  /* nltp + 1 conductances (S): before the first LTP pulse, then after each;
                     * non-decreasing */
    size_t nltd;    /* LTD pulses tabulated */
    double *g_ltd;  /* nltd + 1 conductances (S): from the high end, then after each LTD
                     * pulse; non-increasing */
    double e_ltp, e_ltd; /* J per pulse (0 when the circuit gives no energy) */
    char how[512];       /* one line: how it was tabulated (files, read delay, states found) */
} opsin_devtable;

/* Frees the arrays (not t itself); t may be zeroed. */
void opsin_devtable_clear(opsin_devtable *t);

#endif
