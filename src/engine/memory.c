/* memory.c: getting memory: arrays that grow by doubling. */
#include <stdint.h>
#include <stdlib.h>

#include "core.h"

int opsin_grow(void **array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return OPSIN_OK;
    size_t more = *cap ? 2 * *cap : 8;
    void *p = more < SIZE_MAX / size ? realloc(*array, more * size) : NULL;
    if (!p)
        return OPSIN_ENOMEM;
    *array = p;
    *cap = more;
    return OPSIN_OK;
}
