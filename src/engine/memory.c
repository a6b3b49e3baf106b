/* memory.c: getting memory: arrays that grow by doubling, and whether memory is there before
 * handing work to a library that does not survive its own allocation failures.
 *
 * SUNDIALS 6 writes into what a failed clone returned (N_VClone and SUNMatClone set the
 * NULL's context), and libconfig 1.5 uses the NULL of a failed allocation while parsing.  So
 * opsin takes the memory such a call is about to take and gives it back first: when that
 * fails, it reports OPSIN_ENOMEM ("out of memory ...") instead of crashing.  This holds for a
 * process limit (ulimit -v) or no overcommit; with several threads another one may take the
 * memory in between.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core.h"

int opsin_memory_there(double bytes)
{
    void *volatile p = bytes >= 0 && bytes < 1e18 ? malloc((size_t)bytes + 1) : NULL;
    free(p);
    return p != NULL;
}

int opsin_grow(void **array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return OPSIN_OK;
    size_t more = *cap ? 2 * *cap : 8;
    while (more <= n && more < SIZE_MAX / 2) /* room for n, however far beyond the end */
        more *= 2;
    void *p = more > n && more < SIZE_MAX / size ? realloc(*array, more * size) : NULL;
    if (!p)
        return OPSIN_ENOMEM;
    *array = p;
    *cap = more;
    return OPSIN_OK;
}
