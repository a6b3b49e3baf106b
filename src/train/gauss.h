/* gauss.h: standard normal variates from a key, by the ziggurat of Marsaglia & Tsang (2000),
 * J. Stat. Softw. 5(8) (train/gauss.c).  A draw depends on its key alone (counter-based: the
 * uniforms are SplitMix64 of the key and its successors), so a device's noise follows the
 * device and not the thread or the order of the draws.  About 99 % of draws cost one hash,
 * one multiply and one comparison: no log, no cosine. */
#ifndef OPSIN_TRAIN_GAUSS_H
#define OPSIN_TRAIN_GAUSS_H

#include <stdint.h>

enum { OPSIN_GAUSS_N = 128 };

typedef struct opsin_gauss_tab {
    double x[OPSIN_GAUSS_N + 1]; /* layer edges x_i (x_1 = r, x_N = 0; x_0 the base strip's width) */
    double k[OPSIN_GAUSS_N];     /* x_{i+1}/x_i: u below it is inside layer i's rectangle */
    double f[OPSIN_GAUSS_N + 1]; /* e^{-x_i^2/2} */
} opsin_gauss_tab;

/* Fills the layers (a few hundred libm calls; the table is read-only afterwards). */
void opsin_gauss_init(opsin_gauss_tab *t);

/* The standard normal variate of key. */
double opsin_gauss(const opsin_gauss_tab *t, uint64_t key);

#endif
