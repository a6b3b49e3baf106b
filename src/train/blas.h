/* blas.h: the CBLAS the train layer multiplies matrices with: OpenBLAS when configure found it
 * (HAVE_OPENBLAS, pkg-config `openblas`), else GSL's own CBLAS (libgslcblas).  Both declare
 * the same cblas_* functions and CblasRowMajor/CblasTrans names. */
#ifndef OPSIN_TRAIN_BLAS_H
#define OPSIN_TRAIN_BLAS_H

#include "config.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#else
#include <gsl/gsl_cblas.h>
#endif

/* OPSIN_WIDE marks a loop over every weight that runs once per image (gradient, optimiser,
 * synapse): GCC on x86-64 compiles it twice, for AVX2 and for the baseline, and the loader
 * picks the one the processor has (target_clones).  The train layer is built with the
 * vectoriser's dynamic cost model (configure's TRAIN_CFLAGS), so both versions are
 * vectorised; element-wise arithmetic without FMA gives the same bits in either. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__) && \
    __GNUC__ >= 6
#define OPSIN_WIDE __attribute__((target_clones("avx2", "default")))
#else
#define OPSIN_WIDE
#endif

/* Makes the BLAS sum every product in one order: OpenBLAS's threads split a product between
 * them in a way that depends on how many there are, so it is kept to one thread (process-wide;
 * parallelism, where it pays, comes from images, not from inside a product).  A no-op with
 * GSL's CBLAS, which has no threads. */
void opsin_blas_serial(void);

/* "openblas" or "gslcblas": which BLAS this build multiplies with (for reports and benches). */
const char *opsin_blas_name(void);

#endif
