/* wimage.h: the weights of a trained network as a picture (train/wimage.c): one tile per
 * chosen output class showing the map of that class over the input image (seed 004 Fig. 4c,
 * "784 synaptic weights connected to the output digit '3'"), tiles in a grid, as a PNG.
 *
 * The map of class c: row c of the product W_L ... W_2 W_1 of the weight matrices (mlp.h),
 * n_0 values, one per input pixel, drawn as a rows x cols image (rows * cols = n_0, row-major
 * as the dataset's pixels).  It is the linear path from each pixel to the class, activations
 * and biases left out; for a network without a hidden layer it is the class's own weights.
 *
 * Layout: tiles of rows x cols pixels, each pixel a scale x scale square, 1-pixel grey
 * (128,128,128) lines between the tiles and around them; at most 5 tiles a row, as many rows
 * as needed (R = ceil(n / 5)) with ceil(n / R) tiles each, filled left to right and top to
 * bottom in the order of classes (10 classes: 2 rows of 5), empty places grey.  Width
 * tc * (cols * scale + 1) + 1, height R * (rows * scale + 1) + 1, tc the tiles a row.
 *
 * Colours, a diverging map scaled per tile: t = v / max|v| of the tile in [-1, 1]; t >= 0
 * goes from white (255,255,255) to red (255,0,0), (255, r, r) with r = round(255 (1 - t)),
 * t < 0 from white to blue (0,0,255), (r, r, 255) with r = round(255 (1 + t)).  A tile whose
 * map is all zero is white.  Per-tile scaling shows each class's pattern at full contrast;
 * the colour of one tile is not comparable with another's. */
#ifndef OPSIN_TRAIN_WIMAGE_H
#define OPSIN_TRAIN_WIMAGE_H

#include <stddef.h>
#include <stdio.h>

#include "opsin.h"
#include "train/mlp.h"

enum { OPSIN_WGRID_PER_ROW = 5, OPSIN_WGRID_MAX_SCALE = 64 };

/* The map of class c (< the output size) into v (sizes[0] values), as defined above; 0, or
 * OPSIN_ENOMEM. */
int opsin_weight_map(const opsin_mlp *m, int c, double *v);

/* The RGB pixels of the grid for the nclasses (>= 1) classes (each in 0 .. output size - 1,
 * repeats allowed), rows * cols equal to the input size, scale 1 .. OPSIN_WGRID_MAX_SCALE:
 * *rgb malloc'd, *width x *height pixels (3 bytes each).  OPSIN_EINVAL (diag says which
 * argument and what was expected) or OPSIN_ENOMEM; outputs untouched on failure. */
int opsin_weight_grid(const opsin_mlp *m, const int *classes, size_t nclasses, size_t rows,
                      size_t cols, int scale, unsigned char **rgb, size_t *width,
                      size_t *height, opsin_diag *diag);

/* The grid as a PNG on fp (name: the file in messages), for a command's own output layer. */
int opsin_weight_grid_write(FILE *fp, const char *name, const opsin_mlp *m, const int *classes,
                            size_t nclasses, size_t rows, size_t cols, int scale,
                            opsin_diag *diag);

/* The grid as a PNG in the file path (a temporary file renamed into place: io/png.h's
 * opsin_png_save); OPSIN_EIO when it cannot be written. */
int opsin_weight_grid_png(const char *path, const opsin_mlp *m, const int *classes,
                          size_t nclasses, size_t rows, size_t cols, int scale,
                          opsin_diag *diag);

#endif
