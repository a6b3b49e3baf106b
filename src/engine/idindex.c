/* idindex.c: a hash index from ids to positions in an array of records, so that reading n
 * components or sources checks duplicates and resolves references in O(n), not O(n^2).
 *
 * The index keeps positions only; the ids stay in the records (each record's first member is
 * its char id[]), found through the array's base and stride at every call, so the array may
 * move (realloc) between calls.  Open addressing with linear probing, at most half full.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* FNV-1a: cheap and spreads short ids with common prefixes ("c1", "c2", ...) well. */
static uint64_t id_hash(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 0x100000001b3ull;
    return h;
}

/* The id of record i. */
static const char *id_at(const void *base, size_t stride, size_t i)
{
    return (const char *)base + i * stride;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t probe(const opsin_idindex *x, const void *base, size_t stride, const char *id)
{
    size_t mask = x->cap - 1, j = (size_t)id_hash(id) & mask;
    while (x->slot[j] && strcmp(id_at(base, stride, x->slot[j] - 1), id) != 0)
        j = (j + 1) & mask;
    return j;
}

int opsin_idindex_find(const opsin_idindex *x, const void *base, size_t stride, const char *id)
{
    if (!x->cap)
        return -1;
    size_t j = probe(x, base, stride, id);
    return x->slot[j] ? (int)(x->slot[j] - 1) : -1;
}

/* Doubles the table (or makes the first one) and re-inserts every position. */
static int grow(opsin_idindex *x, const void *base, size_t stride)
{
    opsin_idindex bigger = {NULL, x->cap ? 2 * x->cap : 64, 0};
    if (!(bigger.slot = calloc(bigger.cap, sizeof *bigger.slot)))
        return OPSIN_ENOMEM;
    for (size_t j = 0; j < x->cap; j++)
        if (x->slot[j]) {
            bigger.slot[probe(&bigger, base, stride, id_at(base, stride, x->slot[j] - 1))] =
                x->slot[j];
            bigger.n++;
        }
    free(x->slot);
    *x = bigger;
    return OPSIN_OK;
}

int opsin_idindex_add(opsin_idindex *x, const void *base, size_t stride, size_t i)
{
    if (2 * (x->n + 1) > x->cap && grow(x, base, stride))
        return OPSIN_ENOMEM;
    size_t j = probe(x, base, stride, id_at(base, stride, i));
    if (!x->slot[j])
        x->n++;
    x->slot[j] = i + 1;
    return OPSIN_OK;
}

int opsin_idindex_copy(opsin_idindex *dst, const opsin_idindex *src)
{
    *dst = (opsin_idindex){NULL, 0, 0};
    if (!src->cap)
        return OPSIN_OK;
    if (!(dst->slot = malloc(src->cap * sizeof *dst->slot)))
        return OPSIN_ENOMEM;
    memcpy(dst->slot, src->slot, src->cap * sizeof *dst->slot);
    dst->cap = src->cap;
    dst->n = src->n;
    return OPSIN_OK;
}

void opsin_idindex_free(opsin_idindex *x)
{
    free(x->slot);
    *x = (opsin_idindex){NULL, 0, 0};
}
