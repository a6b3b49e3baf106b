/* wimage.c: the class maps of a network drawn as a PNG grid (wimage.h): each map is the row of
 * the weight matrices' product for its class, computed from the output back to the input
 * (v_L = e_c, v_l = W_l^T v_{l+1}), coloured on a diverging map scaled per tile. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/png.h"
#include "train/wimage.h"

/* The grey of the lines between the tiles and of empty places: no colour of the map (each
 * has a channel at 255). */
#define GAP 128

/* The widest layer, for the two work vectors. */
static size_t widest(const opsin_mlp *m)
{
    const opsin_mlp_spec *s = opsin_mlp_spec_of(m);
    size_t w = 0;
    for (size_t k = 0; k < s->nsizes; k++)
        w = s->sizes[k] > w ? s->sizes[k] : w;
    return w;
}

/* out (nin) = W^T in (nout) for one layer. */
static void back_one(const opsin_mlp_layer *L, const double *in, double *out)
{
    memset(out, 0, L->nin * sizeof *out);
    for (size_t j = 0; j < L->nout; j++)
        for (size_t i = 0; i < L->nin; i++)
            out[i] += L->w[j * L->nin + i] * in[j];
}

int opsin_weight_map(const opsin_mlp *m, int c, double *v)
{
    size_t nl = opsin_mlp_nlayers(m), w = widest(m);
    double *a = calloc(w, sizeof *a), *b = calloc(w, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return OPSIN_ENOMEM;
    }
    a[c] = 1.0;
    for (size_t l = nl; l-- > 0;) {
        back_one(opsin_mlp_layer_at(m, l), a, b);
        double *t = a;
        a = b;
        b = t;
    }
    memcpy(v, a, opsin_mlp_layer_at(m, 0)->nin * sizeof *v);
    free(a);
    free(b);
    return OPSIN_OK;
}

/* The colour of t in [-1, 1]: white to red above 0, white to blue below. */
static void colour(double t, unsigned char rgb[3])
{
    unsigned char r = (unsigned char)lround(255.0 * (1.0 - fabs(t)));
    rgb[0] = t < 0 ? r : 255;
    rgb[1] = r;
    rgb[2] = t < 0 ? 255 : r;
}

/* The grid's shape: tiles a row and rows of tiles (wimage.h). */
static void grid_shape(size_t n, size_t *across, size_t *down)
{
    *down = (n + OPSIN_WGRID_PER_ROW - 1) / OPSIN_WGRID_PER_ROW;
    *across = (n + *down - 1) / *down;
}

/* One tile: map v (rows x cols) scaled to its largest magnitude, each value a scale x scale
 * square, its top left corner at pixel (x0, y0) of an image width pixels wide. */
static void draw_tile(unsigned char *img, size_t width, size_t x0, size_t y0, const double *v,
                      size_t rows, size_t cols, size_t scale)
{
    double big = 0.0;
    for (size_t i = 0; i < rows * cols; i++)
        big = fmax(big, fabs(v[i]));
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            unsigned char rgb[3];
            colour(big > 0 ? v[r * cols + c] / big : 0.0, rgb);
            for (size_t dy = 0; dy < scale; dy++)
                for (size_t dx = 0; dx < scale; dx++)
                    memcpy(img + 3 * ((y0 + r * scale + dy) * width + x0 + c * scale + dx),
                           rgb, 3);
        }
}

/* Checks the arguments; 0, or OPSIN_EINVAL with diag saying which and what was expected. */
static int grid_check(const opsin_mlp *m, const int *classes, size_t nclasses, size_t rows,
                      size_t cols, int scale, opsin_diag *diag)
{
    const opsin_mlp_spec *s = opsin_mlp_spec_of(m);
    size_t nin = s->sizes[0], nout = s->sizes[s->nsizes - 1];
    if (nclasses < 1) {
        opsin_diag_set(diag, NULL, 0, "no class to draw (expected at least one output class)");
        return OPSIN_EINVAL;
    }
    for (size_t k = 0; k < nclasses; k++)
        if (classes[k] < 0 || (size_t)classes[k] >= nout) {
            opsin_diag_set(diag, NULL, 0, "class %d (expected an output class from 0 to %zu)",
                           classes[k], nout - 1);
            return OPSIN_EINVAL;
        }
    if (rows < 1 || cols < 1 || rows * cols != nin || rows > OPSIN_PNG_MAX_SIDE ||
        cols > OPSIN_PNG_MAX_SIDE) {
        opsin_diag_set(diag, NULL, 0, "weight maps of %zu x %zu pixels (expected rows x cols "
                       "equal to the %zu inputs)", rows, cols, nin);
        return OPSIN_EINVAL;
    }
    if (scale < 1 || scale > OPSIN_WGRID_MAX_SCALE) {
        opsin_diag_set(diag, NULL, 0, "scale %d (expected a whole number from 1 to %d)", scale,
                       OPSIN_WGRID_MAX_SCALE);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Every tile of the grid into img (already grey); 0, or OPSIN_ENOMEM. */
static int draw_tiles(unsigned char *img, size_t width, const opsin_mlp *m, const int *classes,
                      size_t nclasses, size_t rows, size_t cols, size_t scale, size_t across)
{
    double *v = malloc(rows * cols * sizeof *v);
    int rc = v ? OPSIN_OK : OPSIN_ENOMEM;
    for (size_t k = 0; rc == OPSIN_OK && k < nclasses; k++) {
        rc = opsin_weight_map(m, classes[k], v);
        size_t x0 = 1 + (k % across) * (cols * scale + 1), y0 = 1 + (k / across) * (rows * scale + 1);
        if (rc == OPSIN_OK)
            draw_tile(img, width, x0, y0, v, rows, cols, scale);
    }
    free(v);
    return rc;
}

int opsin_weight_grid(const opsin_mlp *m, const int *classes, size_t nclasses, size_t rows,
                      size_t cols, int scale, unsigned char **rgb, size_t *width,
                      size_t *height, opsin_diag *diag)
{
    int rc = grid_check(m, classes, nclasses, rows, cols, scale, diag);
    if (rc)
        return rc;
    size_t across, down, sc = (size_t)scale;
    grid_shape(nclasses, &across, &down);
    size_t w = across * (cols * sc + 1) + 1, h = down * (rows * sc + 1) + 1;
    if (w > OPSIN_PNG_MAX_SIDE || h > OPSIN_PNG_MAX_SIDE) {
        opsin_diag_set(diag, NULL, 0, "a picture of %zu x %zu pixels (expected at most %d a "
                       "side: a smaller scale or fewer classes)", w, h, OPSIN_PNG_MAX_SIDE);
        return OPSIN_EINVAL;
    }
    unsigned char *img = malloc(w * h * 3);
    if (img) {
        memset(img, GAP, w * h * 3);
        rc = draw_tiles(img, w, m, classes, nclasses, rows, cols, sc, across);
    }
    if (!img || rc) {
        free(img);
        opsin_diag_oom(diag, NULL, "drawing the weight maps");
        return OPSIN_ENOMEM;
    }
    *rgb = img;
    *width = w;
    *height = h;
    return OPSIN_OK;
}

/* The grid as a PNG on fp, or when fp is NULL into the file name (renamed into place). */
static int grid_png(FILE *fp, const char *name, const opsin_mlp *m, const int *classes,
                    size_t nclasses, size_t rows, size_t cols, int scale, opsin_diag *diag)
{
    unsigned char *img;
    size_t w, h;
    int rc = opsin_weight_grid(m, classes, nclasses, rows, cols, scale, &img, &w, &h, diag);
    if (rc == OPSIN_OK) {
        rc = fp ? opsin_png_write(fp, name, img, w, h, OPSIN_PNG_RGB, diag)
                : opsin_png_save(name, img, w, h, OPSIN_PNG_RGB, diag);
        free(img);
    }
    return rc;
}

int opsin_weight_grid_write(FILE *fp, const char *name, const opsin_mlp *m, const int *classes,
                            size_t nclasses, size_t rows, size_t cols, int scale,
                            opsin_diag *diag)
{
    return grid_png(fp, name, m, classes, nclasses, rows, cols, scale, diag);
}

int opsin_weight_grid_png(const char *path, const opsin_mlp *m, const int *classes,
                          size_t nclasses, size_t rows, size_t cols, int scale,
                          opsin_diag *diag)
{
    return grid_png(NULL, path, m, classes, nclasses, rows, cols, scale, diag);
}
