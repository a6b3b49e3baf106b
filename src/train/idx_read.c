/* idx_read.c: reads an IDX image file and its label file (the MNIST format: a big-endian
 * magic 0x00000803 or 0x00000801, one 32-bit big-endian count per dimension, then unsigned
 * bytes), raw or gzip-compressed, into a dataset (train/dataset.h).
 *
 * Memory is bounded before it is allocated: the counts of a header must match the size of a
 * raw file exactly, and fit in what a gzip file of its size can hold (deflate expands at most
 * 1032 to 1); the images are converted to doubles as they stream through a fixed buffer.
 * Source: Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database" (yann.lecun.com/exdb/mnist).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "core.h"
#include "train/dataset.h"
#include "train/gzfile.h"

#define IDX_IMAGES 0x00000803u
#define IDX_LABELS 0x00000801u
#define DEFLATE_MAX_RATIO 1032u /* zlib's technical note: the most deflate can expand */

/* An open IDX file: its header and the bytes that follow it. */
typedef struct idx_file {
    const char *path;
    gzFile gz;
    int gzip;          /* 0: raw bytes (zlib reads them through) */
    uint32_t dim[3];   /* n, rows, cols (labels: n) */
    uint64_t data;     /* bytes after the header, from its counts */
} idx_file;

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* What a read that came up short means: the gzip stream broken, cut, or the data shorter
 * than the header says. */
static int short_read(const idx_file *f, const char *what, uint64_t got, uint64_t want,
                      opsin_diag *d)
{
    int err = Z_OK;
    const char *msg = gzerror(f->gz, &err);
    if (err == Z_BUF_ERROR)
        opsin_diag_set(d, f->path, 0, "the gzip data end early, after %llu of the %llu bytes "
                       "of %s (expected a whole .gz file)", (unsigned long long)got,
                       (unsigned long long)want, what);
    else if (err != Z_OK)
        opsin_diag_set(d, f->path, 0, "the gzip data do not decompress: %s (expected an IDX "
                       "file, raw or gzip-compressed)", msg);
    else
        opsin_diag_set(d, f->path, 0, "truncated: %llu of the %llu bytes of %s (expected the "
                       "whole file)", (unsigned long long)got, (unsigned long long)want, what);
    return OPSIN_EINVAL;
}

/* Reads exactly n bytes of a header (`done` bytes of `what` read before). */
static int gz_full(idx_file *f, void *buf, size_t n, size_t done, const char *what,
                   opsin_diag *d)
{
    int got = gzread(f->gz, buf, (unsigned)n);
    if (got == (int)n)
        return OPSIN_OK;
    return short_read(f, what, done + (got < 0 ? 0 : (uint64_t)got), done + n, d);
}

/* The header's magic against what is wanted, naming the other kind when the files are
 * swapped. */
static int magic_check(const idx_file *f, uint32_t magic, uint32_t want, opsin_diag *d)
{
    if (magic == want)
        return OPSIN_OK;
    const char *kind = want == IDX_IMAGES ? "images" : "labels";
    if (magic == IDX_IMAGES || magic == IDX_LABELS)
        opsin_diag_set(d, f->path, 0, "holds %s (magic 0x%08x), not %s (expected the %s "
                       "file, magic 0x%08x)", magic == IDX_IMAGES ? "images" : "labels", magic,
                       kind, kind, want);
    else
        opsin_diag_set(d, f->path, 0, "magic number 0x%08x is not that of IDX %s (expected "
                       "0x%08x: unsigned bytes in %u dimension%s)", magic, kind, want,
                       want & 0xffu, want == IDX_IMAGES ? "s" : "");
    return OPSIN_EINVAL;
}

/* The header's byte count against the file's size, before anything is allocated. */
static int size_check(const idx_file *f, uint64_t header, opsin_diag *d)
{
    struct stat st;
    if (stat(f->path, &st) != 0) {
        opsin_diag_set(d, f->path, 0, "cannot stat: %s (expected a readable file)",
                       strerror(errno));
        return OPSIN_EIO;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (f->gzip && f->data / DEFLATE_MAX_RATIO > size) {
        opsin_diag_set(d, f->path, 0, "the header announces %llu bytes, more than a gzip file "
                       "of %llu bytes can hold (expected counts that match the data)",
                       (unsigned long long)f->data, (unsigned long long)size);
        return OPSIN_EINVAL;
    }
    if (!f->gzip && size != header + f->data) {
        opsin_diag_set(d, f->path, 0, "%s: %llu bytes after the header, which announces %llu "
                       "(expected a file of %llu bytes)", size < header + f->data ? "truncated"
                       : "longer than its header says", (unsigned long long)(size - header),
                       (unsigned long long)f->data, (unsigned long long)(header + f->data));
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Opens path and reads its header: magic `want`, then 3 (images) or 1 (labels) counts. */
static int idx_open(idx_file *f, const char *path, uint32_t want, opsin_diag *d)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    if (!(f->gz = opsin_gzfile_open(path, "IDX file", d)))
        return OPSIN_EIO;
    unsigned char b[16];
    size_t ndim = want == IDX_IMAGES ? 3 : 1, header = 4 + 4 * ndim;
    int rc = gz_full(f, b, 4, 0, "the magic number", d);
    f->gzip = !gzdirect(f->gz);
    if (rc == OPSIN_OK)
        rc = magic_check(f, be32(b), want, d);
    if (rc == OPSIN_OK)
        rc = gz_full(f, b + 4, header - 4, 4, "the header", d);
    if (rc != OPSIN_OK)
        return rc;
    f->dim[1] = f->dim[2] = 1;
    for (size_t k = 0; k < ndim; k++)
        f->dim[k] = be32(b + 4 + 4 * k);
    uint64_t npix = (uint64_t)f->dim[1] * f->dim[2]; /* < 2^64; n * npix may not be */
    if (ndim == 1 && f->dim[0] == 0) {
        opsin_diag_set(d, path, 0, "the header announces no labels (expected at least one)");
        return OPSIN_EINVAL;
    }
    if (f->dim[0] == 0 || npix == 0 || f->dim[0] > UINT64_MAX / npix) {
        opsin_diag_set(d, path, 0, "the header announces %lu images of %lu x %lu pixels "
                       "(expected at least one image of at least 1 x 1 pixels)",
                       (unsigned long)f->dim[0], (unsigned long)f->dim[1],
                       (unsigned long)f->dim[2]);
        return OPSIN_EINVAL;
    }
    f->data = f->dim[0] * npix;
    return size_check(f, header, d);
}

/* Anything after the bytes the header announced is an error: the counts are wrong. */
static int idx_end(idx_file *f, opsin_diag *d)
{
    unsigned char extra;
    int got = gzread(f->gz, &extra, 1);
    if (got == 1) {
        opsin_diag_set(d, f->path, 0, "longer than its header says: more than the %llu bytes "
                       "announced (expected counts that match the data)",
                       (unsigned long long)f->data);
        return OPSIN_EINVAL;
    }
    return got < 0 ? short_read(f, "the end", 0, 0, d) : OPSIN_OK;
}

/* Streams n images through a byte buffer into ds->x, scaled as s says. */
static int images_read(idx_file *f, size_t n, opsin_dataset *ds, enum opsin_dataset_scale s,
                       opsin_diag *d)
{
    unsigned char buf[1u << 16];
    size_t total = n * ds->rows * ds->cols, done = 0;
    double table[256];
    for (int v = 0; v < 256; v++)
        table[v] = opsin_dataset_scaled(v, 0, 255, s);
    while (done < total) {
        size_t want = total - done < sizeof buf ? total - done : sizeof buf;
        int got = gzread(f->gz, buf, (unsigned)want);
        if (got != (int)want)
            return short_read(f, "images", done + (got > 0 ? (uint64_t)got : 0), f->data, d);
        for (size_t i = 0; i < want; i++)
            ds->x[done + i] = table[buf[i]];
        done += want;
    }
    ds->lo = opsin_dataset_scaled(0, 0, 255, s);
    ds->hi = opsin_dataset_scaled(255, 0, 255, s);
    return OPSIN_OK;
}

/* Reads n labels and checks each against nclasses (0: any byte, nclasses from the data). */
static int labels_read(idx_file *f, size_t n, size_t nclasses, opsin_dataset *ds,
                       opsin_diag *d)
{
    unsigned char buf[1u << 16];
    size_t top = 0;
    for (size_t done = 0; done < n;) {
        size_t want = n - done < sizeof buf ? n - done : sizeof buf;
        int got = gzread(f->gz, buf, (unsigned)want);
        if (got != (int)want)
            return short_read(f, "labels", done + (got > 0 ? (uint64_t)got : 0), f->data, d);
        for (size_t i = 0; i < want; i++, done++) {
            if (nclasses && buf[i] >= nclasses) {
                opsin_diag_set(d, f->path, 0, "label %d of image %zu is out of range "
                               "(expected a class from 0 to %zu)", buf[i], done, nclasses - 1);
                return OPSIN_EINVAL;
            }
            ds->label[done] = ds->orig[done] = buf[i];
            top = buf[i] >= top ? (size_t)buf[i] + 1 : top;
        }
    }
    ds->nclasses = nclasses ? nclasses : top;
    return OPSIN_OK;
}

/* Both headers, then the data; *out only on success. */
static int idx_pair(idx_file *fi, idx_file *fl, const char *images, const char *labels,
                    const opsin_dataset_read_opts *o, opsin_dataset **out, opsin_diag *d)
{
    int rc = idx_open(fi, images, IDX_IMAGES, d);
    if (rc == OPSIN_OK)
        rc = idx_open(fl, labels, IDX_LABELS, d);
    if (rc != OPSIN_OK)
        return rc;
    if (fi->dim[0] != fl->dim[0]) {
        opsin_diag_set(d, labels, 0, "%lu labels for the %lu images of %s (expected one label "
                       "per image)", (unsigned long)fl->dim[0], (unsigned long)fi->dim[0],
                       images);
        return OPSIN_EINVAL;
    }
    size_t n = fi->dim[0];
    int whole = !o->max_images || o->max_images >= n;
    if (!whole)
        n = o->max_images;
    opsin_dataset *ds = opsin_dataset_new(fi->dim[1], fi->dim[2], n);
    if (!ds) {
        opsin_diag_oom(d, images, "reading the images");
        return OPSIN_ENOMEM;
    }
    ds->n = n;
    rc = images_read(fi, n, ds, o->scale, d);
    if (rc == OPSIN_OK)
        rc = labels_read(fl, n, o->nclasses, ds, d);
    if (rc == OPSIN_OK && whole)
        rc = idx_end(fi, d);
    if (rc == OPSIN_OK && whole)
        rc = idx_end(fl, d);
    if (rc != OPSIN_OK)
        opsin_dataset_free(ds);
    else
        *out = ds;
    return rc;
}

int opsin_dataset_read_idx(const char *images, const char *labels,
                           const opsin_dataset_read_opts *o, opsin_dataset **out,
                           opsin_diag *d)
{
    idx_file fi = {0}, fl = {0};
    int rc = idx_pair(&fi, &fl, images, labels, o, out, d);
    if (fi.gz)
        gzclose(fi.gz);
    if (fl.gz)
        gzclose(fl.gz);
    return rc;
}
