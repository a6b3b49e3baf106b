/* devtable.h: a device's update curve as tabulated from its own simulation (the `device`
 * synapse kind): the conductance read after each pulse of a full LTP staircase from the
 * device's low end and of a full LTD staircase from its high end, and the energy per pulse.
 * Made by train/devtable.c from a circuit and two stimulus files; taken by the weight pair
 * (train/pair.h) as a tabulated curve. */
#ifndef OPSIN_TRAIN_DEVTABLE_H
#define OPSIN_TRAIN_DEVTABLE_H

#include <stddef.h>

#include "opsin.h" /* opsin_diag */

typedef struct opsin_devtable {
    size_t nltp;    /* LTP pulses tabulated */
    double *g_ltp;  /* nltp + 1 conductances (S): before the first LTP pulse, then after each;
                     * non-decreasing */
    size_t nltd;    /* LTD pulses tabulated */
    double *g_ltd;  /* nltd + 1 conductances (S): from the high end, then after each LTD
                     * pulse; non-increasing */
    double e_ltp, e_ltd; /* J per pulse (0 when the circuit gives no energy) */
    char how[512];       /* one line: how it was tabulated (files, read delay, states found) */
    char unit[16];       /* the output's unit (S, V, ...) */
    size_t states_ltp, states_ltd; /* states found on each staircase (fit/staircase.c's rule) */
    double seconds;      /* wall time of the tabulation (not in `how`: the table is the same
                          * bytes for the same seed) */
} opsin_devtable;

/* What to tabulate: the device's output `output` ("ID.OUTPUT", as --probe names it; "-ID.OUTPUT"
 * tabulates its negative, for a device whose conductance falls as it is potentiated, as the
 * negative photoconductance of circuits/bpcds.cfg does: only differences reach the pair) in
 * circuit `circuit` (with the --set overrides `set`: "ID.PARAM=VALUE" of the circuit, or
 * "SOURCE.KEY=VALUE" of a source of either stimulus, e.g. light.wavelength=525nm), under the
 * LTP stimulus `ltp` (one potentiating pulse, or a group of pulses that make one) and the LTD
 * stimulus `ltd` (one depressing pulse), each repeated every `period`.  Messages about the
 * spec name `file` (the network file) at the line of the key concerned. */
typedef struct opsin_devtable_spec {
    const char *circuit, *output, *ltp, *ltd; /* files as given (already resolved) */
    size_t nset;
    const char *const *set;
    double period;      /* s between pulse starts; 0: each stimulus' own length (its t_end,
                         * else the end of its last pulse) */
    double read;        /* s after the end of a pulse (its last edge) when the output is read;
                         * < 0: just before the next pulse (period - pulse end) */
    size_t max_pulses;  /* per staircase; 0: OPSIN_DEVTABLE_MAX_PULSES */
    unsigned long seed; /* every random stream of the device (noise, variability) */
    int check;          /* 1: load and check the circuit, stimuli and settings, then stop
                         * (an empty table) */
    const char *file;   /* for messages (NULL: none) */
    int line, line_output, line_ltp, line_ltd, line_period, line_read; /* 0: none */
} opsin_devtable_spec;

#define OPSIN_DEVTABLE_MAX_PULSES 10000
/* A staircase has saturated when its last OPSIN_DEVTABLE_WINDOW steps move the output by at
 * most WINDOW x OPSIN_DEVTABLE_SATURATED of the range it covered so far (a mean step of at
 * most 0.1 % of it). */
#define OPSIN_DEVTABLE_WINDOW 10
#define OPSIN_DEVTABLE_SATURATED 1e-3

/* Runs the device from its initial state through the LTP pulse repeated until the staircase
 * saturates (or max_pulses), then from that high end through the LTD pulse repeated until it
 * saturates, reaches the LTP staircase's start, or max_pulses; fills *out on success only
 * (overwritten: clear a previous table first).  EINVAL (bad spec, no states, LTP that
 * lowers the output...), EIO, EPARSE, ESOLVER, ENOMEM with "FILE:LINE: what is wrong
 * (expected ...)" in d. */
int opsin_devtable_make(const opsin_devtable_spec *spec, opsin_devtable *out, opsin_diag *d);

/* Frees the arrays (not t itself); t may be zeroed. */
void opsin_devtable_clear(opsin_devtable *t);

#endif
