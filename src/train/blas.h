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

/* Makes the BLAS sum every product in one order: OpenBLAS's threads split a product between
 * them in a way that depends on how many there are, so it is kept to one thread (process-wide;
 * parallelism, where it pays, comes from images, not from inside a product).  A no-op with
 * GSL's CBLAS, which has no threads. */
void opsin_blas_serial(void);

/* "openblas" or "gslcblas": which BLAS this build multiplies with (for reports and benches). */
const char *opsin_blas_name(void);

#endif
