/* raster.h: a network run's spike list as its plot draws it: the spikes of a bounded set of
 * members as points (t, neuron index), and every population's rate in bins of fixed width. */
#ifndef OPSIN_RASTER_H
#define OPSIN_RASTER_H

#include <stddef.h>

#include "opsin.h"

/* The bounds that keep a raster of any run drawable (what gnuplot is handed stays small). */
typedef struct opsin_raster_params {
    size_t max_members; /* every s-th member of each population, s = ceil(N / max_members) */
    size_t max_points;  /* of those members' spikes, every 2^m-th, the smallest m that fits */
    size_t max_bins;    /* the rate's bin: max(dt_out, t_end / max_bins) */
} opsin_raster_params;

/* 1000 members, 100000 points, 200 bins. */
opsin_raster_params opsin_raster_default_params(void);

/* One spike drawn: its time (s) and its neuron's index among all members (population p's
 * member k is first(p) + k, first(p) the sizes of the populations before it). */
typedef struct opsin_raster_point {
    double t;
    size_t neuron;
} opsin_raster_point;

/* A population: its id (the circuit's), size, first index, and spikes per bin. */
typedef struct opsin_raster_pop {
    const char *id;
    size_t size, first;
    unsigned long *count;
    unsigned long spikes;
} opsin_raster_pop;

typedef struct opsin_raster {
    const opsin_circuit *c;
    opsin_raster_pop *pop;
    size_t npops, nneurons;
    double t_end, bin; /* bin k: [k bin, (k + 1) bin), the last one [.., t_end] */
    size_t nbins;
    size_t stride;           /* member k of a population is drawn when k % stride == 0 */
    unsigned long every;     /* of those members' spikes, in file order, every every-th */
    unsigned long candidates; /* spikes of drawn members seen so far */
    opsin_raster_point *pt;  /* the points drawn, in file order */
    size_t npoints, cap, max_points;
} opsin_raster;

/* Sets r up for the populations of c (which must outlive r) and a run to t_end with output
 * step dt_out, within p's bounds (NULL: the defaults).  OPSIN_EINVAL if c has no population
 * or a bound is 0, OPSIN_ENOMEM; r is then empty (opsin_raster_free is safe). */
int opsin_raster_init(opsin_raster *r, const opsin_circuit *c, double t_end, double dt_out,
                      const opsin_raster_params *p);

/* Counts one spike of `neuron` ("ID[K]") at t and keeps it as a point if its member is drawn.
 * A component's spike ("ID", no member) is not part of the raster: 0, nothing counted.
 * OPSIN_EINVAL (r unchanged) for a member that c does not have or t outside [0, t_end];
 * OPSIN_ENOMEM. */
int opsin_raster_add(opsin_raster *r, double t, const char *neuron);

/* Adds every spike of a spike list written by opsin run (header "t (s),neuron", rows
 * "T,ID[K]").  On failure diag holds "PATH:LINE: what is wrong (expected ...)"; the spikes
 * before it stay added. */
int opsin_raster_read(opsin_raster *r, const char *path, opsin_diag *diag);

/* The start of bin k (k bin, the double nearest its decimal: 0.3, not 0.30000000000000004),
 * its width (bin; the last one's ends at t_end), and population p's rate in it: its spikes
 * there / (width x size), in Hz. */
double opsin_raster_bin_start(const opsin_raster *r, size_t k);
double opsin_raster_bin_width(const opsin_raster *r, size_t k);
double opsin_raster_rate(const opsin_raster *r, size_t p, size_t k);

/* The population of a point's neuron. */
size_t opsin_raster_pop_of(const opsin_raster *r, size_t neuron);

void opsin_raster_free(opsin_raster *r);

#endif
