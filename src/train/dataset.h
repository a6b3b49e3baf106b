/* dataset.h: labelled images in memory for training (issue 10, `opsin train`): read from IDX
 * files (the MNIST format, raw or gzip) or CSV (label, then pixels), then prepared by a class
 * filter, first-K, a centre crop, scaling, a binarisation threshold and a seeded shuffle.
 *
 * Readers: train/idx_read.c and train/csv_read.c; the container and the preprocessing steps:
 * train/dataset.c.  Every function returns an OPSIN_* status; on failure it fills the diag
 * with one line "FILE:LINE: what is wrong (expected ...)" (no line for binary files or where no
 * file is involved) and leaves its output arguments and the dataset as they were.
 *
 * The order in which a trainer applies the steps (the network file's order):
 *   read -> filter -> first -> crop -> scale -> binarise -> shuffle
 * so "the first 6000 images of classes 0, 2, 4, 6, cropped to 20 x 20" means what it says.
 */
#ifndef OPSIN_TRAIN_DATASET_H
#define OPSIN_TRAIN_DATASET_H

#include <stddef.h>

#include "opsin.h"

/* n images of rows x cols pixels with a label each. */
typedef struct opsin_dataset {
    size_t n;          /* images */
    size_t rows, cols; /* pixels of one image, stored row by row */
    size_t nclasses;   /* labels run 0 .. nclasses - 1 */
    double lo, hi;     /* the pixel range: [0, 1] as read by default, [-1, 1], or unscaled */
    double *x;         /* n * rows * cols pixels, image after image */
    int *label;        /* n labels (after a class filter: positions in its list) */
    int *orig;         /* n labels as the file had them, kept through filters for reports */
    size_t cap;        /* images the arrays have room for */
} opsin_dataset;

/* How pixels are mapped: the range [lo, hi] of the data onto [0, 1], onto [-1, 1], or left. */
enum opsin_dataset_scale {
    OPSIN_SCALE_UNIT,      /* x -> (x - lo) / (hi - lo): 0 .. 255 becomes 0 .. 1 */
    OPSIN_SCALE_SYMMETRIC, /* x -> 2 (x - lo) / (hi - lo) - 1 */
    OPSIN_SCALE_NONE       /* the file's values (0 .. pixel_max) */
};

/* What a reader accepts and how it stores it. */
typedef struct opsin_dataset_read_opts {
    size_t max_images;  /* read at most this many images, the first ones (0: all) */
    size_t nclasses;    /* labels must lie in 0 .. nclasses - 1 (0: the largest label + 1) */
    double pixel_max;   /* CSV: pixels lie in [0, pixel_max] (IDX bytes: always 255) */
    size_t rows, cols;  /* CSV: the image shape (both 0: a square of the row's pixels) */
    enum opsin_dataset_scale scale; /* applied while reading */
} opsin_dataset_read_opts;

/* max_images 0, nclasses 10, pixel_max 255, rows = cols = 0, OPSIN_SCALE_UNIT. */
opsin_dataset_read_opts opsin_dataset_read_defaults(void);

/* Reads an IDX pair: `images` with magic 0x00000803 (n x rows x cols unsigned bytes) and
 * `labels` with magic 0x00000801 (n unsigned bytes), each raw or gzip-compressed (found by
 * content, not by name).  The headers are checked against each other and against the files'
 * sizes before anything is allocated.  EIO (cannot open), EINVAL (bad magic, truncated or
 * longer than the header says, a gzip that does not decompress, counts that differ, a label
 * out of range), ENOMEM.  On success *out owns the dataset. */
int opsin_dataset_read_idx(const char *images, const char *labels,
                           const opsin_dataset_read_opts *o, opsin_dataset **out,
                           opsin_diag *diag);

/* Reads a CSV file (raw or gzip): per row the label, then the pixels row by row; blank lines
 * and lines starting with '#' are skipped, and a first row whose first cell is not a number is
 * a header.  EIO, EINVAL (a non-number, a label that is not a whole number in range, a pixel
 * outside [0, pixel_max], a row with a different number of pixels, a shape that does not
 * fit, no rows), ENOMEM. */
int opsin_dataset_read_csv(const char *path, const opsin_dataset_read_opts *o,
                           opsin_dataset **out, opsin_diag *diag);

void opsin_dataset_free(opsin_dataset *ds);

/* For readers: an empty dataset of rows x cols images with room for cap (NULL: no memory),
 * and room for cap images in all (ENOMEM leaves it as it was). */
opsin_dataset *opsin_dataset_new(size_t rows, size_t cols, size_t cap);
int opsin_dataset_reserve(opsin_dataset *ds, size_t cap);

/* Keeps the images whose label is in classes[0 .. k - 1] (in their order) and relabels them
 * by position in that list: classes = {0, 2, 4, 6} makes 4 -> 2; orig keeps the 4.  EINVAL
 * (a class out of range or listed twice, k == 0, no image left) with where:line, ENOMEM. */
int opsin_dataset_filter(opsin_dataset *ds, const int *classes, size_t k, const char *where,
                         int line, opsin_diag *diag);

/* Keeps the first k images (all when k is 0 or at least n). */
void opsin_dataset_first(opsin_dataset *ds, size_t k);

/* Keeps the central size x size pixels of every image; with an odd margin the extra pixel is
 * cut at the bottom and right (28 -> 20 keeps rows and columns 4 .. 23).  EINVAL (size 0 or
 * larger than the image) with where:line. */
int opsin_dataset_crop(opsin_dataset *ds, size_t size, const char *where, int line,
                       opsin_diag *diag);

/* Maps the pixels from [lo, hi] as enum opsin_dataset_scale says; OPSIN_SCALE_NONE is a
 * no-op. */
void opsin_dataset_scale(opsin_dataset *ds, enum opsin_dataset_scale kind);

/* One pixel x of the range [lo, hi] so mapped: x / 255 for bytes onto [0, 1], rounded once
 * (the readers and opsin_dataset_scale share it). */
double opsin_dataset_scaled(double x, double lo, double hi, enum opsin_dataset_scale kind);

/* Every pixel at or above threshold becomes hi, every other one lo.  EINVAL (a threshold
 * outside (lo, hi] or not finite) with where:line. */
int opsin_dataset_binarise(opsin_dataset *ds, double threshold, const char *where, int line,
                           opsin_diag *diag);

/* perm[0 .. n - 1] becomes a permutation of 0 .. n - 1 drawn from seed alone (Fisher-Yates
 * with GSL's taus2; the same on every platform).  ENOMEM. */
int opsin_dataset_permutation(size_t *perm, size_t n, unsigned long seed);

/* Puts the images in the order opsin_dataset_permutation(seed) gives: image i afterwards is
 * image perm[i] before.  ENOMEM leaves the dataset as it was. */
int opsin_dataset_shuffle(opsin_dataset *ds, unsigned long seed);

#endif
