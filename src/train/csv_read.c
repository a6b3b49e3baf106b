/* csv_read.c: reads labelled images from a CSV file (raw or gzip), one image per row: the
 * label, then rows x cols pixels row by row (the layout of the MNIST and Fashion-MNIST CSV
 * exports), with an optional header row, into a dataset (train/dataset.h).
 *
 * Lines have no length limit (a 28 x 28 image is about 2,000 characters); blank lines and
 * lines starting with '#' are skipped; a first row with anything but a number for its label is
 * a header; cells are trimmed of blanks and one pair of double
 * quotes.  The pixels are checked to lie in [0, pixel_max] and scaled at the end.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"
#include "train/dataset.h"
#include "train/gzfile.h"

#define CSV_MAX_CLASSES 65536 /* labels when nclasses is inferred: a bound on what they cost */

typedef struct csv_reader {
    const char *path;
    gzFile gz;
    int line;
    char *buf;         /* the current line */
    size_t cap;
    double *cell;      /* the numbers of the current row */
    size_t ncell, cellcap;
} csv_reader;

/* The next line into r->buf, however long: 1, or 0 at the end, or an error status < 0. */
static int csv_line(csv_reader *r, opsin_diag *d)
{
    size_t len = 0;
    for (;;) {
        if (r->cap - len < 2) {
            size_t cap = r->cap ? 2 * r->cap : 4096;
            char *b = realloc(r->buf, cap);
            if (!b) {
                opsin_diag_oom(d, r->path, "reading a line");
                return -OPSIN_ENOMEM;
            }
            r->buf = b;
            r->cap = cap;
        }
        size_t room = r->cap - len > 1u << 30 ? 1u << 30 : r->cap - len;
        if (!gzgets(r->gz, r->buf + len, (int)room))
            break;
        size_t got = strlen(r->buf + len);
        len += got;
        if (len && r->buf[len - 1] == '\n')
            break;
        /* gzgets stops at a newline, a full buffer or the end: short of all three, the
         * text held a NUL byte (which would join this line to the next). */
        if (got < room - 1 && !gzeof(r->gz)) {
            opsin_diag_set(d, r->path, r->line + 1, "a NUL byte at column %zu (expected a "
                           "text file)", len + 1);
            return -OPSIN_EINVAL;
        }
    }
    int err = Z_OK;
    const char *msg = gzerror(r->gz, &err);
    if (err != Z_OK) {
        opsin_diag_set(d, r->path, r->line + 1, "the gzip data do not decompress: %s "
                       "(expected a CSV file, raw or gzip-compressed)", msg);
        return -OPSIN_EINVAL;
    }
    r->line++;
    if (len == 0)
        return 0;
    r->buf[len] = '\0';
    return 1;
}

/* A cell without its blanks and one pair of quotes, cut at the comma; *p moves past it. */
static char *cell_next(char **p)
{
    char *s = *p, *comma = strchr(s, ',');
    *p = comma ? comma + 1 : NULL;
    if (comma)
        *comma = '\0';
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Splits the line into r->cell; the first cell that is not a finite number, or NULL, in
 * *bad (its column, from 1, in *badcol). */
static int row_split(csv_reader *r, char *s, char **bad, size_t *badcol, opsin_diag *d)
{
    r->ncell = 0;
    *bad = NULL;
    for (char *p = s; p;) {
        char *c = cell_next(&p), *end;
        if (r->ncell == r->cellcap) {
            size_t cap = r->cellcap ? 2 * r->cellcap : 1024;
            double *v = realloc(r->cell, cap * sizeof *v);
            if (!v) {
                opsin_diag_oom(d, r->path, "reading a row");
                return OPSIN_ENOMEM;
            }
            r->cell = v;
            r->cellcap = cap;
        }
        errno = 0;
        double v = strtod(c, &end);
        if (!*bad && (!*c || *end || errno == ERANGE || !isfinite(v))) {
            *bad = c;
            *badcol = r->ncell + 1;
        }
        r->cell[r->ncell++] = v;
    }
    return OPSIN_OK;
}

/* The label in cell 0: a whole number below nclasses (or CSV_MAX_CLASSES). */
static int label_check(const csv_reader *r, size_t nclasses, opsin_diag *d)
{
    double v = r->cell[0];
    size_t top = nclasses ? nclasses : CSV_MAX_CLASSES;
    if (v >= 0 && v < (double)top && v == floor(v))
        return OPSIN_OK;
    opsin_diag_set(d, r->path, r->line, "label %g (expected a whole number from 0 to %zu)", v,
                   top - 1);
    return OPSIN_EINVAL;
}

/* The image shape from the first row: given, or the square root of its pixels. */
static int shape_set(const csv_reader *r, const opsin_dataset_read_opts *o, size_t *rows,
                     size_t *cols, opsin_diag *d)
{
    size_t npix = r->ncell - 1;
    if (o->rows && o->cols) {
        if (npix == o->rows * o->cols) {
            *rows = o->rows;
            *cols = o->cols;
            return OPSIN_OK;
        }
        opsin_diag_set(d, r->path, r->line, "%zu pixels after the label (expected rows x cols "
                       "= %zu x %zu = %zu)", npix, o->rows, o->cols, o->rows * o->cols);
        return OPSIN_EINVAL;
    }
    size_t side = (size_t)llround(sqrt((double)npix));
    if (npix && side * side == npix) {
        *rows = *cols = side;
        return OPSIN_OK;
    }
    opsin_diag_set(d, r->path, r->line, "%zu pixels after the label do not make a square "
                   "image (expected a square number of pixels, or rows and cols given)", npix);
    return OPSIN_EINVAL;
}

/* Checks one data row (label, count, pixel range) and appends it to ds. */
static int row_add(const csv_reader *r, const opsin_dataset_read_opts *o, opsin_dataset *ds,
                   opsin_diag *d)
{
    size_t npix = ds->rows * ds->cols;
    if (r->ncell - 1 != npix) {
        opsin_diag_set(d, r->path, r->line, "%zu pixels after the label, where the rows before "
                       "have %zu (expected the same number in every row)", r->ncell - 1, npix);
        return OPSIN_EINVAL;
    }
    int rc = label_check(r, o->nclasses, d);
    for (size_t k = 1; rc == OPSIN_OK && k < r->ncell; k++)
        if (!(r->cell[k] >= 0 && r->cell[k] <= o->pixel_max)) {
            opsin_diag_set(d, r->path, r->line, "column %zu holds %g (expected a pixel from 0 "
                           "to %g)", k + 1, r->cell[k], o->pixel_max);
            rc = OPSIN_EINVAL;
        }
    if (rc == OPSIN_OK && ds->n == ds->cap)
        rc = opsin_dataset_reserve(ds, 2 * ds->cap);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, r->path, "reading the images");
    if (rc != OPSIN_OK)
        return rc;
    memcpy(ds->x + ds->n * npix, r->cell + 1, npix * sizeof *ds->x);
    ds->label[ds->n] = ds->orig[ds->n] = (int)r->cell[0];
    if ((size_t)r->cell[0] >= ds->nclasses)
        ds->nclasses = (size_t)r->cell[0] + 1;
    ds->n++;
    return OPSIN_OK;
}

/* The first data row fixes the shape and makes the dataset. */
static int row_take(csv_reader *r, const opsin_dataset_read_opts *o, opsin_dataset **ds,
                    opsin_diag *d)
{
    if (!*ds) {
        size_t rows = 0, cols = 0;
        int rc = shape_set(r, o, &rows, &cols, d);
        if (rc != OPSIN_OK)
            return rc;
        if (!(*ds = opsin_dataset_new(rows, cols, 64))) {
            opsin_diag_oom(d, r->path, "reading the images");
            return OPSIN_ENOMEM;
        }
    }
    return row_add(r, o, *ds, d);
}

/* Reads rows until the end or max_images; a first row whose label cell is not a number is a
 * header (a bad pixel in a first data row is still an error). */
static int csv_rows(csv_reader *r, const opsin_dataset_read_opts *o, opsin_dataset **ds,
                    opsin_diag *d)
{
    int first = 1, have;
    while ((!*ds || !o->max_images || (*ds)->n < o->max_images) &&
           (have = csv_line(r, d)) != 0) {
        if (have < 0)
            return -have;
        char *s = r->buf, *bad;
        size_t badcol = 0;
        s += strspn(s, " \t\r\n");
        if (!*s || *s == '#')
            continue;
        int rc = row_split(r, s, &bad, &badcol, d);
        if (rc != OPSIN_OK)
            return rc;
        if (bad && first && badcol == 1) {
            first = 0;
            continue;
        }
        first = 0;
        if (bad) {
            opsin_diag_set(d, r->path, r->line, "column %zu holds '%.40s' (expected a %s)",
                           badcol, *bad ? bad : "(empty)", badcol == 1 ? "label" : "pixel");
            return OPSIN_EINVAL;
        }
        if ((rc = row_take(r, o, ds, d)) != OPSIN_OK)
            return rc;
    }
    if (!*ds) {
        opsin_diag_set(d, r->path, 0, "no images (expected rows of a label and its pixels)");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

int opsin_dataset_read_csv(const char *path, const opsin_dataset_read_opts *o,
                           opsin_dataset **out, opsin_diag *d)
{
    csv_reader r = {path, NULL, 0, NULL, 0, NULL, 0, 0};
    if (!(r.gz = opsin_gzfile_open(path, "CSV file", d)))
        return OPSIN_EIO;
    opsin_dataset *ds = NULL;
    int rc = csv_rows(&r, o, &ds, d);
    if (rc == OPSIN_OK && o->nclasses)
        ds->nclasses = o->nclasses;
    if (rc == OPSIN_OK) {
        ds->lo = 0;
        ds->hi = o->pixel_max;
        opsin_dataset_scale(ds, o->scale);
        *out = ds;
    } else {
        opsin_dataset_free(ds);
    }
    gzclose(r.gz);
    free(r.buf);
    free(r.cell);
    return rc;
}
