/* stdp.h: the STDP window protocol: pre and post spike trains on a synapse, dG against
 * dt = t_post - t_pre. */
#ifndef OPSIN_STDP_H
#define OPSIN_STDP_H

#include <stddef.h>

#include "opsin.h"

/* A spike waveform (shapes: enum opsin_spike_shape in opsin.h), applied as V_pre(t) on the
 * synapse and as -V_post(t) for the post spike, so that the device sees V_pre - V_post. */

typedef struct opsin_spike {
    int shape;
    double amplitude;  /* V, the first phase */
    double width;      /* s */
    double tail;       /* tail amplitude as a fraction of -amplitude (opposite sign) */
    double tail_width; /* s */
    double tail_tau;   /* s, exponential tail */
    const double *pwl_t, *pwl_v; /* s, V: the table, from the spike time (PWL) */
    size_t npwl;
} opsin_spike;

typedef struct opsin_stdp_opts {
    const char *device;     /* component id of the synapse */
    const char *output;     /* its output to measure, NULL: the model's first */
    const double *dts;      /* s, the values of dt = t_post - t_pre */
    size_t npoints;
    size_t pairs;
    double frequency;       /* Hz, pair repetition */
    opsin_spike spike;
    double light_wavelength, light_irradiance, light_duration; /* m, W/m2, s; irradiance 0: dark */
    unsigned long seed;
    size_t jobs;            /* worker threads, 0: one */
    double max_memory;      /* bytes each run may need (opsin_run_opts); 0: no limit */
    struct opsin_partial *partial; /* NULL, or the partial file of the points (partial.h) */
} opsin_stdp_opts;

/* One point of the window. */
typedef struct opsin_stdp_point {
    double dt, g0, g1; /* s; the measured output before and after the protocol */
} opsin_stdp_point;

/* Runs the window over the npoints values dts on circuit c (not changed), in parallel over
 * `jobs` threads; points[i] holds point i whatever the thread count, and a failure reported
 * is the lowest point's.  The stimulus of each point is the one opsin_stdp_stimulus builds. */
int opsin_stdp_run(const opsin_circuit *c, const opsin_stdp_opts *o, opsin_stdp_point *points,
                   opsin_diag *diag);

/* SI unit of the output the window measures (o->output of o->device, or its model's first
 * output); "" when the circuit has no such device or output. */
const char *opsin_stdp_unit(const opsin_circuit *c, const opsin_stdp_opts *o);

/* Builds the stimulus of one dt on circuit c (the pieces of the pre and post waveforms as
 * voltage sources on the device, and the light) into *out; the protocol's t_end into
 * *t_end. */
int opsin_stdp_stimulus(const opsin_circuit *c, const opsin_stdp_opts *o, double dt,
                        opsin_stimulus **out, double *t_end, opsin_diag *diag);

#endif
