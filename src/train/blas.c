/* blas.c: which CBLAS the train layer uses, and keeping it to one summation order (blas.h). */
#include "train/blas.h"

void opsin_blas_serial(void)
{
#ifdef HAVE_OPENBLAS
    if (openblas_get_num_threads() != 1)
        openblas_set_num_threads(1);
#endif
}

const char *opsin_blas_name(void)
{
#ifdef HAVE_OPENBLAS
    return "openblas";
#else
    return "gslcblas";
#endif
}
