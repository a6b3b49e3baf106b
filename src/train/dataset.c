/* dataset.c: the training layer's image container and its preprocessing steps: class filter
 * (relabelled by position, original labels kept), first K, centre crop, linear scaling of the
 * pixel range [lo, hi] onto [0, 1] or [-1, 1], binarisation at a threshold, and a shuffle
 * seeded by one number (Fisher-Yates over GSL's taus2, so the order is the same everywhere).
 * The readers are train/idx_read.c and train/csv_read.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "config.h"
#include "core.h"
#include "train/dataset.h"

opsin_dataset_read_opts opsin_dataset_read_defaults(void)
{
    opsin_dataset_read_opts o = {0, 10, 255, 0, 0, OPSIN_SCALE_UNIT};
    return o;
}

opsin_dataset *opsin_dataset_new(size_t rows, size_t cols, size_t cap)
{
    opsin_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    ds->rows = rows;
    ds->cols = cols;
    if (opsin_dataset_reserve(ds, cap ? cap : 1) != OPSIN_OK) {
        opsin_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Each array is grown on its own, so a failure leaves every one at least ds->cap long. */
int opsin_dataset_reserve(opsin_dataset *ds, size_t cap)
{
    size_t npix = ds->rows * ds->cols;
    if (cap <= ds->cap)
        return OPSIN_OK;
    if (npix && cap > SIZE_MAX / sizeof(double) / npix)
        return OPSIN_ENOMEM;
    double *x = realloc(ds->x, cap * npix * sizeof *x);
    if (!x)
        return OPSIN_ENOMEM;
    ds->x = x;
    int *l = realloc(ds->label, cap * sizeof *l);
    if (!l)
        return OPSIN_ENOMEM;
    ds->label = l;
    int *o = realloc(ds->orig, cap * sizeof *o);
    if (!o)
        return OPSIN_ENOMEM;
    ds->orig = o;
    ds->cap = cap;
    return OPSIN_OK;
}

void opsin_dataset_free(opsin_dataset *ds)
{
    if (!ds)
        return;
    free(ds->x);
    free(ds->label);
    free(ds->orig);
    free(ds);
}

/* The position of each label in the filter's list, or -1: checked whole before any image
 * moves, so a bad list leaves the dataset as it was. */
static int filter_map(const opsin_dataset *ds, const int *classes, size_t k, int *pos,
                      const char *where, int line, opsin_diag *d)
{
    if (k == 0) {
        opsin_diag_set(d, where, line, "an empty class filter (expected at least one class "
                       "from 0 to %zu)", ds->nclasses - 1);
        return OPSIN_EINVAL;
    }
    for (size_t c = 0; c < ds->nclasses; c++)
        pos[c] = -1;
    for (size_t i = 0; i < k; i++) {
        if (classes[i] < 0 || (size_t)classes[i] >= ds->nclasses) {
            opsin_diag_set(d, where, line, "class %d is not a label of the data (expected a "
                           "class from 0 to %zu)", classes[i], ds->nclasses - 1);
            return OPSIN_EINVAL;
        }
        if (pos[classes[i]] >= 0) {
            opsin_diag_set(d, where, line, "class %d is listed twice (expected each class "
                           "once)", classes[i]);
            return OPSIN_EINVAL;
        }
        pos[classes[i]] = (int)i;
    }
    return OPSIN_OK;
}

int opsin_dataset_filter(opsin_dataset *ds, const int *classes, size_t k, const char *where,
                         int line, opsin_diag *d)
{
    int *pos = malloc((ds->nclasses ? ds->nclasses : 1) * sizeof *pos);
    if (!pos) {
        opsin_diag_oom(d, where, "filtering classes");
        return OPSIN_ENOMEM;
    }
    int rc = filter_map(ds, classes, k, pos, where, line, d);
    size_t kept = 0;
    for (size_t i = 0; rc == OPSIN_OK && i < ds->n; i++)
        kept += pos[ds->label[i]] >= 0;
    if (rc == OPSIN_OK && kept == 0) {
        opsin_diag_set(d, where, line, "no image of the %zu image%s has one of the classes "
                       "listed (expected at least one)", ds->n, ds->n == 1 ? "" : "s");
        rc = OPSIN_EINVAL;
    }
    if (rc != OPSIN_OK) {
        free(pos);
        return rc;
    }
    size_t npix = ds->rows * ds->cols, m = 0;
    for (size_t i = 0; i < ds->n; i++) {
        if (pos[ds->label[i]] < 0)
            continue;
        if (m != i)
            memmove(ds->x + m * npix, ds->x + i * npix, npix * sizeof *ds->x);
        ds->label[m] = pos[ds->label[i]];
        ds->orig[m++] = ds->orig[i];
    }
    ds->n = m;
    ds->nclasses = k;
    free(pos);
    return OPSIN_OK;
}

void opsin_dataset_first(opsin_dataset *ds, size_t k)
{
    if (k && k < ds->n)
        ds->n = k;
}

int opsin_dataset_crop(opsin_dataset *ds, size_t size, const char *where, int line,
                       opsin_diag *d)
{
    if (size == 0 || size > ds->rows || size > ds->cols) {
        opsin_diag_set(d, where, line, "a crop to %zu x %zu of %zu x %zu images (expected a "
                       "size from 1 to %zu)", size, size, ds->rows, ds->cols,
                       ds->rows < ds->cols ? ds->rows : ds->cols);
        return OPSIN_EINVAL;
    }
    size_t r0 = (ds->rows - size) / 2, c0 = (ds->cols - size) / 2;
    size_t npix = ds->rows * ds->cols, out = size * size;
    /* In place: every write lands at or before the pixels still to be read. */
    for (size_t i = 0; i < ds->n; i++)
        for (size_t r = 0; r < size; r++)
            memmove(ds->x + i * out + r * size, ds->x + i * npix + (r0 + r) * ds->cols + c0,
                    size * sizeof *ds->x);
    ds->rows = ds->cols = size;
    return OPSIN_OK;
}

/* A division rather than a product with 1 / (hi - lo): 0 .. 255 reads as exactly v / 255. */
double opsin_dataset_scaled(double x, double lo, double hi, enum opsin_dataset_scale kind)
{
    if (kind == OPSIN_SCALE_NONE)
        return x;
    double u = (x - lo) / (hi - lo);
    return kind == OPSIN_SCALE_UNIT ? u : 2 * u - 1;
}

void opsin_dataset_scale(opsin_dataset *ds, enum opsin_dataset_scale kind)
{
    if (kind == OPSIN_SCALE_NONE || !(ds->hi > ds->lo))
        return;
    size_t len = ds->n * ds->rows * ds->cols;
    for (size_t i = 0; i < len; i++)
        ds->x[i] = opsin_dataset_scaled(ds->x[i], ds->lo, ds->hi, kind);
    ds->lo = kind == OPSIN_SCALE_UNIT ? 0 : -1;
    ds->hi = 1;
}

int opsin_dataset_binarise(opsin_dataset *ds, double threshold, const char *where, int line,
                           opsin_diag *d)
{
    if (!(threshold > ds->lo && threshold <= ds->hi)) {
        opsin_diag_set(d, where, line, "binarisation threshold %g lies outside the pixel "
                       "range (expected a number above %g and at most %g)", threshold, ds->lo,
                       ds->hi);
        return OPSIN_EINVAL;
    }
    size_t len = ds->n * ds->rows * ds->cols;
    for (size_t i = 0; i < len; i++)
        ds->x[i] = ds->x[i] >= threshold ? ds->hi : ds->lo;
    return OPSIN_OK;
}

/* The swaps of a Fisher-Yates shuffle from the top down: swap[i] = j for i = n - 1 .. 1, the
 * same draws for a permutation of indices and for the images themselves. */
static gsl_rng *shuffle_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (r)
        gsl_rng_set(r, seed);
    return r;
}

int opsin_dataset_permutation(size_t *perm, size_t n, unsigned long seed)
{
    gsl_rng *r = shuffle_rng(seed);
    if (!r)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i + 1);
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    gsl_rng_free(r);
    return OPSIN_OK;
}

/* Exchanges images i and j through tmp (one image long). */
static void image_swap(opsin_dataset *ds, size_t i, size_t j, double *tmp)
{
    size_t npix = ds->rows * ds->cols, bytes = npix * sizeof *tmp;
    memcpy(tmp, ds->x + i * npix, bytes);
    memcpy(ds->x + i * npix, ds->x + j * npix, bytes);
    memcpy(ds->x + j * npix, tmp, bytes);
    int l = ds->label[i], o = ds->orig[i];
    ds->label[i] = ds->label[j];
    ds->orig[i] = ds->orig[j];
    ds->label[j] = l;
    ds->orig[j] = o;
}

int opsin_dataset_shuffle(opsin_dataset *ds, unsigned long seed)
{
    gsl_rng *r = shuffle_rng(seed);
    double *tmp = malloc((ds->rows * ds->cols + 1) * sizeof *tmp);
    if (!r || !tmp) {
        gsl_rng_free(r);
        free(tmp);
        return OPSIN_ENOMEM;
    }
    for (size_t i = ds->n; i-- > 1;) {
        size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i + 1);
        if (j != i)
            image_swap(ds, i, j, tmp);
    }
    gsl_rng_free(r);
    free(tmp);
    return OPSIN_OK;
}
