/* exact.h: which islands solver.method advances in closed form (engine/exact.c); the exact
 * kind of island itself is declared in engine/island.h. */
#ifndef OPSIN_EXACT_H
#define OPSIN_EXACT_H

#include "core.h"

/* Which of the nisl islands of circuit c (island_of[k]: the island of component k), driven by
 * st (may be NULL), are advanced in closed form under c->method: exact[i] = 1 or 0.  An island
 * is eligible when it is one component whose model has a closed form for its parameters
 * (opsin_model.linear: a neuron; opsin_model.linear_sys: a linear system), with no input
 * device, driven only by currents that are constant
 * between events (rectangular source pulses: no slope, no envelope; spike connections); or,
 * for a model with linear_input (a phototrap with filling = 0), by rectangular pulses of its
 * input's kind (light) and rectangular pulses of other kinds whose summed range its inert
 * hook calls inert.
 * "auto" takes every eligible island, "cvode" none; "exact" takes all, and when strict an
 * ineligible one is OPSIN_EINVAL with "FILE:LINE: component 'ID' (MODEL) cannot be advanced
 * exactly ...: WHY (expected ...)" in d (not strict: it is left to CVODE).  OPSIN_ENOMEM
 * (d untouched). */
int opsin_exact_plan(const opsin_circuit *c, const opsin_stimulus *st, const size_t *island_of,
                     size_t nisl, int strict, unsigned char *exact, opsin_diag *d);

#endif
