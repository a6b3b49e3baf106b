/* check_dataset.c: the training datasets (train/dataset.h): a tiny IDX pair and CSV files the
 * suite writes itself (raw and gzip) read back exactly, every bad input with its one-line
 * message, the preprocessing steps against hand computations, the seeded shuffle, and
 * Fashion-MNIST's real files when the Debian package dataset-fashion-mnist is installed. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "opsin.h"
#include "train/dataset.h"

#define FASHION "/usr/share/datasets/fashion-mnist/"

/* The fixture: 3 images of 2 x 3 pixels, byte p of image k = 40 k + 7 p + 3, but the first
 * 0 and the last 255 (the ends of the range). */
#define NIMG 3
#define NPIX 6
static const unsigned char fix_labels[NIMG] = {2, 0, 1};
static unsigned char fix_pixel(size_t k, size_t p)
{
    if (k == 0 && p == 0)
        return 0;
    return k == NIMG - 1 && p == NPIX - 1 ? 255 : (unsigned char)(40 * k + 7 * p + 3);
}

static char dir[64];

static void dir_make(void)
{
    snprintf(dir, sizeof dir, "/tmp/opsin-dataset-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Removes every file of dir, then dir. */
static void dir_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* want with each "%s" replaced by the directory (a message with the path in it). */
static void expand(char *out, size_t len, const char *want)
{
    size_t used = 0;
    for (const char *p = want; *p && used + 1 < len; p++) {
        if (p[0] == '%' && p[1] == 's') {
            used += (size_t)snprintf(out + used, len - used, "%s", dir);
            p++;
        } else {
            out[used++] = *p;
        }
    }
    out[used < len ? used : len - 1] = '\0';
}

static const char *dir_path(int slot, const char *name)
{
    static char path[4][128];
    snprintf(path[slot], sizeof path[slot], "%s/%s", dir, name);
    return path[slot];
}

/* Writes len bytes raw (gzip 0) or gzip-compressed. */
static void bytes_write(const char *path, const void *b, size_t len, int gzip)
{
    if (gzip) {
        gzFile gz = gzopen(path, "wb");
        ck_assert_ptr_nonnull(gz);
        ck_assert_int_eq(gzwrite(gz, b, (unsigned)len), (int)len);
        ck_assert_int_eq(gzclose(gz), Z_OK);
    } else {
        FILE *fp = fopen(path, "wb");
        ck_assert_ptr_nonnull(fp);
        ck_assert_uint_eq(fwrite(b, 1, len, fp), len);
        ck_assert_int_eq(fclose(fp), 0);
    }
}

static void put32(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* An IDX file: magic, ndim counts, then len bytes of data (the fixture's when data NULL). */
static const char *idx_write(int slot, const char *name, unsigned long magic,
                             const unsigned long *dims, size_t ndim, const unsigned char *data,
                             size_t len, int gzip)
{
    unsigned char b[1024];
    put32(b, magic);
    for (size_t k = 0; k < ndim; k++)
        put32(b + 4 + 4 * k, dims[k]);
    ck_assert_uint_le(4 + 4 * ndim + len, sizeof b);
    memcpy(b + 4 + 4 * ndim, data, len);
    const char *path = dir_path(slot, name);
    bytes_write(path, b, 4 + 4 * ndim + len, gzip);
    return path;
}

static unsigned char fix_bytes[NIMG * NPIX];

/* The fixture's image and label files as slots 0 and 1. */
static void fixture_write(int gzip)
{
    static const unsigned long di[3] = {NIMG, 2, 3}, dl[1] = {NIMG};
    for (size_t k = 0; k < NIMG; k++)
        for (size_t p = 0; p < NPIX; p++)
            fix_bytes[k * NPIX + p] = fix_pixel(k, p);
    idx_write(0, gzip ? "img.gz" : "img", 0x803, di, 3, fix_bytes, sizeof fix_bytes, gzip);
    idx_write(1, gzip ? "lab.gz" : "lab", 0x801, dl, 1, fix_labels, NIMG, gzip);
}

static opsin_dataset *idx_ok(const char *img, const char *lab, const opsin_dataset_read_opts *o)
{
    opsin_dataset *ds = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_dataset_read_idx(img, lab, o, &ds, &d) == OPSIN_OK, "%s", d.msg);
    return ds;
}

/* The fixture's first n images, exactly: byte / 255. */
static void fixture_check(const opsin_dataset *ds, size_t n)
{
    ck_assert_uint_eq(ds->n, n);
    ck_assert_uint_eq(ds->rows, 2);
    ck_assert_uint_eq(ds->cols, 3);
    ck_assert(ds->lo == 0 && ds->hi == 1);
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(ds->label[k], fix_labels[k]);
        ck_assert_int_eq(ds->orig[k], fix_labels[k]);
        for (size_t p = 0; p < NPIX; p++)
            ck_assert(ds->x[k * NPIX + p] == fix_pixel(k, p) / 255.0);
    }
}

START_TEST(test_idx_read)
{
    dir_make();
    for (int gzip = 0; gzip < 2; gzip++) {
        fixture_write(gzip);
        opsin_dataset_read_opts o = opsin_dataset_read_defaults();
        opsin_dataset *ds = idx_ok(dir_path(0, gzip ? "img.gz" : "img"),
                                   dir_path(1, gzip ? "lab.gz" : "lab"), &o);
        fixture_check(ds, NIMG);
        ck_assert_uint_eq(ds->nclasses, 10);
        opsin_dataset_free(ds);
        o.max_images = 2;
        o.nclasses = 0; /* from the data: the largest label is 2 */
        ds = idx_ok(dir_path(0, gzip ? "img.gz" : "img"), dir_path(1, gzip ? "lab.gz" : "lab"),
                    &o);
        fixture_check(ds, 2);
        ck_assert_uint_eq(ds->nclasses, 3);
        opsin_dataset_free(ds);
        o = opsin_dataset_read_defaults();
        o.scale = OPSIN_SCALE_NONE;
        ds = idx_ok(dir_path(0, gzip ? "img.gz" : "img"), dir_path(1, gzip ? "lab.gz" : "lab"),
                    &o);
        ck_assert(ds->lo == 0 && ds->hi == 255);
        for (size_t i = 0; i < NIMG * NPIX; i++)
            ck_assert(ds->x[i] == fix_bytes[i]);
        opsin_dataset_free(ds);
        o.scale = OPSIN_SCALE_SYMMETRIC;
        ds = idx_ok(dir_path(0, gzip ? "img.gz" : "img"), dir_path(1, gzip ? "lab.gz" : "lab"),
                    &o);
        ck_assert(ds->lo == -1 && ds->hi == 1);
        for (size_t i = 0; i < NIMG * NPIX; i++)
            ck_assert(ds->x[i] == 2 * (fix_bytes[i] / 255.0) - 1);
        opsin_dataset_free(ds);
    }
    dir_remove();
}
END_TEST

/* The pair fails, returns nothing, and says d->msg; want expanded into msg. */
static void idx_fail(const char *img, const char *lab, size_t nclasses, const char *want,
                     char *msg, opsin_diag *d)
{
    opsin_dataset_read_opts o = opsin_dataset_read_defaults();
    o.nclasses = nclasses;
    opsin_dataset *ds = NULL;
    expand(msg, 640, want);
    ck_assert_int_ne(opsin_dataset_read_idx(img, lab, &o, &ds, d), OPSIN_OK);
    ck_assert_ptr_null(ds);
}

/* The pair fails with exactly want ("%s" for the directory). */
static void idx_fails(const char *img, const char *lab, size_t nclasses, const char *want)
{
    opsin_diag d = {""};
    char msg[640];
    idx_fail(img, lab, nclasses, want, msg, &d);
    ck_assert_str_eq(d.msg, msg);
}

/* The same where part of the message depends on zlib: its start and end. */
static void idx_fails_like(const char *img, const char *lab, const char *start, const char *end)
{
    opsin_diag d = {""};
    char msg[640];
    idx_fail(img, lab, 10, start, msg, &d);
    ck_assert_msg(strncmp(d.msg, msg, strlen(msg)) == 0, "%s", d.msg);
    ck_assert_msg(strlen(d.msg) > strlen(end) &&
                  strcmp(d.msg + strlen(d.msg) - strlen(end), end) == 0, "%s", d.msg);
}

/* A copy of the gzip file src cut to half, or with its deflate data overwritten. */
static const char *gz_damage(const char *src, const char *name, int cut)
{
    static unsigned char b[4096];
    FILE *fp = fopen(src, "rb");
    ck_assert_ptr_nonnull(fp);
    size_t len = fread(b, 1, sizeof b, fp);
    fclose(fp);
    if (!cut)
        memset(b + 12, 0xff, 8);
    const char *path = dir_path(2, name);
    bytes_write(path, b, cut ? len / 2 + 4 : len, 0);
    return path;
}

START_TEST(test_idx_errors)
{
    dir_make();
    fixture_write(0);
    const char *img = dir_path(0, "img"), *lab = dir_path(1, "lab");
    unsigned long di[3] = {NIMG, 2, 3}, dl[1] = {NIMG};
    idx_fails(dir_path(3, "none"), lab, 10, "%s/none: cannot open: No such file or directory "
              "(expected a readable IDX file)");
    idx_fails(idx_write(2, "bad", 0x804, di, 3, fix_bytes, sizeof fix_bytes, 0), lab, 10,
              "%s/bad: magic number 0x00000804 is not that of IDX images (expected 0x00000803: "
              "unsigned bytes in 3 dimensions)");
    idx_fails(lab, img, 10, "%s/lab: holds labels (magic 0x00000801), not images (expected the "
              "images file, magic 0x00000803)");
    idx_fails(img, idx_write(2, "badl", 0x00000d01, dl, 1, fix_labels, NIMG, 0), 10,
              "%s/badl: magic number 0x00000d01 is not that of IDX labels (expected 0x00000801: "
              "unsigned bytes in 1 dimension)");
    idx_fails(idx_write(2, "short", 0x803, di, 3, fix_bytes, sizeof fix_bytes - 1, 0), lab, 10,
              "%s/short: truncated: 17 bytes after the header, which announces 18 (expected a "
              "file of 34 bytes)");
    idx_fails(idx_write(2, "long", 0x803, di, 3, fix_bytes, sizeof fix_bytes, 0),
              idx_write(3, "longl", 0x801, dl, 1, fix_bytes, NIMG + 1, 0), 10,
              "%s/longl: longer than its header says: 4 bytes after the header, which announces "
              "3 (expected a file of 11 bytes)");
    idx_fails(idx_write(2, "hdr", 0x803, di, 2, NULL, 0, 0), lab, 10,
              "%s/hdr: truncated: 12 of the 16 bytes of the header (expected the whole file)");
    idx_fails(idx_write(2, "magic", 0x803, di, 0, NULL, 0, 0), lab, 10,
              "%s/magic: truncated: 4 of the 16 bytes of the header (expected the whole file)");
    bytes_write(dir_path(2, "empty"), "", 0, 0);
    idx_fails(dir_path(2, "empty"), lab, 10, "%s/empty: truncated: 0 of the 4 bytes of the "
              "magic number (expected the whole file)");
    /* A corrupt header must not allocate what it announces: 4294967295 images of 28 x 28. */
    unsigned long huge[3] = {4294967295ul, 28, 28};
    idx_fails(idx_write(2, "huge", 0x803, huge, 3, fix_bytes, sizeof fix_bytes, 0), lab, 10,
              "%s/huge: truncated: 18 bytes after the header, which announces 3367254359280 "
              "(expected a file of 3367254359296 bytes)");
    const char *hz = idx_write(2, "huge.gz", 0x803, huge, 3, fix_bytes, sizeof fix_bytes, 1);
    struct stat st;
    ck_assert_int_eq(stat(hz, &st), 0);
    char want[256];
    snprintf(want, sizeof want, "%%s/huge.gz: the header announces 3367254359280 bytes, more "
             "than a gzip file of %lld bytes can hold (expected counts that match the data)",
             (long long)st.st_size);
    idx_fails(hz, lab, 10, want);
    unsigned long zero[3] = {0, 2, 3};
    idx_fails(idx_write(2, "zero", 0x803, zero, 3, NULL, 0, 0), lab, 10, "%s/zero: the header "
              "announces 0 images of 2 x 3 pixels (expected at least one image of at least "
              "1 x 1 pixels)");
    dl[0] = NIMG - 1;
    idx_fails(img, idx_write(2, "fewer", 0x801, dl, 1, fix_labels, NIMG - 1, 0), 10,
              "%s/fewer: 2 labels for the 3 images of %s/img (expected one label per image)");
    idx_fails(img, lab, 2, "%s/lab: label 2 of image 0 is out of range (expected a class from 0 "
              "to 1)");
    /* Gzip: cut short, and not decompressing. */
    fixture_write(1);
    idx_fails(dir, lab, 10, "%s: cannot open: Is a directory (expected a readable IDX file)");
    idx_fails_like(gz_damage(dir_path(0, "img.gz"), "cut.gz", 1), lab, "%s/cut.gz: the gzip data end early, after ",
                   " (expected a whole .gz file)");
    idx_fails_like(gz_damage(dir_path(0, "img.gz"), "bad.gz", 0), lab, "%s/bad.gz: the gzip data do not decompress: ",
                   " (expected an IDX file, raw or gzip-compressed)");
    dir_remove();
}
END_TEST

static const char *text_write(int slot, const char *name, const char *text, int gzip)
{
    const char *path = dir_path(slot, name);
    bytes_write(path, text, strlen(text), gzip);
    return path;
}

static opsin_dataset *csv_ok(const char *path, const opsin_dataset_read_opts *o)
{
    opsin_dataset *ds = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_dataset_read_csv(path, o, &ds, &d) == OPSIN_OK, "%s", d.msg);
    return ds;
}

/* The fixture as CSV text, with a header row when header is set. */
static void fixture_csv(char *buf, size_t len, int header)
{
    size_t used = (size_t)snprintf(buf, len, "%s# a comment\n\n", header ?
                                   "label, p0, p1, p2, p3, p4, \"p5\"\r\n" : "");
    for (size_t k = 0; k < NIMG; k++) {
        used += (size_t)snprintf(buf + used, len - used, "%d", fix_labels[k]);
        for (size_t p = 0; p < NPIX; p++)
            used += (size_t)snprintf(buf + used, len - used, ",%s%d", p == 2 ? " " : "",
                                     fix_pixel(k, p));
        used += (size_t)snprintf(buf + used, len - used, k == 1 ? "\r\n" : "\n");
    }
}

START_TEST(test_csv_read)
{
    dir_make();
    char text[1024];
    opsin_dataset_read_opts o = opsin_dataset_read_defaults();
    o.rows = 2;
    o.cols = 3;
    for (int variant = 0; variant < 4; variant++) {
        fixture_csv(text, sizeof text, variant & 1);
        opsin_dataset *ds = csv_ok(text_write(0, "a.csv", text, variant >> 1), &o);
        fixture_check(ds, NIMG);
        ck_assert_uint_eq(ds->nclasses, 10);
        opsin_dataset_free(ds);
    }
    o.max_images = 2;
    opsin_dataset *ds = csv_ok(dir_path(0, "a.csv"), &o);
    fixture_check(ds, 2);
    opsin_dataset_free(ds);
    /* A square inferred; pixels already in [0, 1]; classes from the data. */
    o = opsin_dataset_read_defaults();
    o.pixel_max = 1;
    o.nclasses = 0;
    ds = csv_ok(text_write(0, "sq.csv", "4,0,0.25,0.5,1\n1,1,1,0,0\n", 0), &o);
    ck_assert_uint_eq(ds->n, 2);
    ck_assert_uint_eq(ds->rows, 2);
    ck_assert_uint_eq(ds->cols, 2);
    ck_assert_uint_eq(ds->nclasses, 5);
    ck_assert(ds->x[1] == 0.25 && ds->x[3] == 1 && ds->x[6] == 0);
    ck_assert_int_eq(ds->label[0], 4);
    opsin_dataset_free(ds);
    /* A long row: 28 x 28 pixels, past any fixed line buffer. */
    char *big = malloc(784 * 8 + 16);
    size_t used = (size_t)sprintf(big, "7");
    for (size_t p = 0; p < 784; p++)
        used += (size_t)sprintf(big + used, ",%zu.000", p % 256);
    sprintf(big + used, "\n");
    ds = csv_ok(text_write(0, "big.csv", big, 0), &(opsin_dataset_read_opts){0, 10, 255, 0, 0,
                                                                         OPSIN_SCALE_NONE});
    ck_assert_uint_eq(ds->rows, 28);
    ck_assert(ds->x[783] == 783 % 256);
    opsin_dataset_free(ds);
    free(big);
    dir_remove();
}
END_TEST

/* The CSV file fails with exactly want ("%s" for the directory). */
static void csv_path_fails(const char *path, size_t rows, size_t cols, const char *want)
{
    opsin_dataset_read_opts o = opsin_dataset_read_defaults();
    o.rows = rows;
    o.cols = cols;
    opsin_dataset *ds = NULL;
    opsin_diag d = {""};
    char msg[640];
    expand(msg, sizeof msg, want);
    ck_assert_int_ne(opsin_dataset_read_csv(path, &o, &ds, &d), OPSIN_OK);
    ck_assert_ptr_null(ds);
    ck_assert_str_eq(d.msg, msg);
}

/* The CSV text (NULL: a missing file) fails with exactly want. */
static void csv_fails(const char *text, size_t rows, size_t cols, const char *want)
{
    csv_path_fails(text ? text_write(0, "bad.csv", text, 0) : dir_path(0, "none.csv"), rows,
                   cols, want);
}

START_TEST(test_csv_errors)
{
    dir_make();
    csv_fails(NULL, 0, 0, "%s/none.csv: cannot open: No such file or directory (expected a "
              "readable CSV file)");
    csv_fails("label,a,b,c,d\n1,0,0,0,0\n2,0,0,0\n", 0, 0, "%s/bad.csv:3: 3 pixels after the "
              "label, where the rows before have 4 (expected the same number in every row)");
    csv_fails("1,0,0,0,0\n\n2,0,0,0,0,0\n", 0, 0, "%s/bad.csv:3: 5 pixels after the label, "
              "where the rows before have 4 (expected the same number in every row)");
    csv_fails("1,0,0,0,0\n2,0,x1,0,0\n", 0, 0, "%s/bad.csv:2: column 3 holds 'x1' (expected a "
              "pixel)");
    csv_fails("1,0,0,0,0\n2,0,,0,0\n", 0, 0, "%s/bad.csv:2: column 3 holds '(empty)' (expected "
              "a pixel)");
    csv_fails("1,0,0,0,0\ncat,0,0,0,0\n", 0, 0, "%s/bad.csv:2: column 1 holds 'cat' (expected "
              "a label)");
    csv_fails("1,0,0,0,0\n10,0,0,0,0\n", 0, 0, "%s/bad.csv:2: label 10 (expected a whole "
              "number from 0 to 9)");
    csv_fails("-1,0,0,0,0\n", 0, 0, "%s/bad.csv:1: label -1 (expected a whole number from 0 "
              "to 9)");
    csv_fails("2.5,0,0,0,0\n", 0, 0, "%s/bad.csv:1: label 2.5 (expected a whole number from 0 "
              "to 9)");
    csv_fails("1,0,0,256,0\n", 0, 0, "%s/bad.csv:1: column 4 holds 256 (expected a pixel from "
              "0 to 255)");
    csv_fails("1,0,0,1e999,0\n", 0, 0, "%s/bad.csv:1: column 4 holds '1e999' (expected a "
              "pixel)");
    csv_fails("1,0,0,0\n", 0, 0, "%s/bad.csv:1: 3 pixels after the label do not make a square "
              "image (expected a square number of pixels, or rows and cols given)");
    csv_fails("1\n", 0, 0, "%s/bad.csv:1: 0 pixels after the label do not make a square image "
              "(expected a square number of pixels, or rows and cols given)");
    csv_fails("1,0,0,0,0\n", 2, 3, "%s/bad.csv:1: 4 pixels after the label (expected rows x "
              "cols = 2 x 3 = 6)");
    csv_fails("1,0,0,0,0\nlabel,a,b,c,d\n", 0, 0, "%s/bad.csv:2: column 1 holds 'label' "
              "(expected a label)");
    csv_fails("label,a\n# nothing\n", 0, 0, "%s/bad.csv: no images (expected rows of a label "
              "and its pixels)");
    csv_fails("", 0, 0, "%s/bad.csv: no images (expected rows of a label and its pixels)");
    /* A NUL byte: the line it is in, not that line joined to the next. */
    static const char nul[] = "1,0,0,0,0\n2,0\0,0,0\n3,0,0,0,0\n";
    bytes_write(dir_path(1, "nul.csv"), nul, sizeof nul - 1, 0);
    csv_path_fails(dir_path(1, "nul.csv"), 0, 0, "%s/nul.csv:2: a NUL byte at column 4 "
                   "(expected a text file)");
    /* Gzip data that do not decompress: the line they broke in, zlib's reason. */
    char text[1024];
    fixture_csv(text, sizeof text, 0);
    const char *bad = gz_damage(text_write(1, "gz.csv", text, 1), "bad.csv.gz", 0);
    opsin_dataset *ds = NULL;
    opsin_diag d = {""};
    opsin_dataset_read_opts o = opsin_dataset_read_defaults();
    ck_assert_int_eq(opsin_dataset_read_csv(bad, &o, &ds, &d), OPSIN_EINVAL);
    ck_assert_ptr_null(ds);
    char want[640];
    expand(want, sizeof want, "%s/bad.csv.gz:1: the gzip data do not decompress: ");
    ck_assert_msg(strncmp(d.msg, want, strlen(want)) == 0, "%s", d.msg);
    ck_assert_ptr_nonnull(strstr(d.msg, " (expected a CSV file, raw or gzip-compressed)"));
    dir_remove();
}
END_TEST

/* A dataset of n images of rows x cols with x[i] = i and label k % nclasses, unscaled. */
static opsin_dataset *ramp(size_t n, size_t rows, size_t cols, size_t nclasses)
{
    opsin_dataset *ds = opsin_dataset_new(rows, cols, n);
    ck_assert_ptr_nonnull(ds);
    ds->n = n;
    ds->nclasses = nclasses;
    ds->lo = 0;
    ds->hi = (double)(n * rows * cols);
    for (size_t i = 0; i < n * rows * cols; i++)
        ds->x[i] = (double)i;
    for (size_t k = 0; k < n; k++)
        ds->label[k] = ds->orig[k] = (int)(k % nclasses);
    return ds;
}

static void prep_fails(int rc, const opsin_diag *d, const char *want)
{
    ck_assert_int_eq(rc, OPSIN_EINVAL);
    ck_assert_str_eq(d->msg, want);
}

START_TEST(test_crop)
{
    /* 4 x 4 -> 2 x 2 keeps rows and columns 1 and 2: pixels 5, 6, 9, 10 (+ 16 per image). */
    opsin_dataset *ds = ramp(2, 4, 4, 2);
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_dataset_crop(ds, 2, "net.cfg", 3, &d), OPSIN_OK);
    const double want4[8] = {5, 6, 9, 10, 21, 22, 25, 26};
    ck_assert(ds->rows == 2 && ds->cols == 2);
    for (size_t i = 0; i < 8; i++)
        ck_assert(ds->x[i] == want4[i]);
    opsin_dataset_free(ds);
    /* 5 x 6 -> 2 x 2: margins of 3 and 4 keep rows 1, 2 and columns 2, 3. */
    ds = ramp(1, 5, 6, 2);
    ck_assert_int_eq(opsin_dataset_crop(ds, 2, "net.cfg", 3, &d), OPSIN_OK);
    const double want5[4] = {8, 9, 14, 15};
    for (size_t i = 0; i < 4; i++)
        ck_assert(ds->x[i] == want5[i]);
    opsin_dataset_free(ds);
    /* 28 -> 20 as seed 002: rows and columns 4 .. 23. */
    ds = ramp(2, 28, 28, 2);
    ck_assert_int_eq(opsin_dataset_crop(ds, 20, "net.cfg", 3, &d), OPSIN_OK);
    ck_assert(ds->x[0] == 4 * 28 + 4 && ds->x[399] == 23 * 28 + 23);
    ck_assert(ds->x[400] == 784 + 4 * 28 + 4 && ds->x[799] == 784 + 23 * 28 + 23);
    prep_fails(opsin_dataset_crop(ds, 21, "net.cfg", 3, &d), &d, "net.cfg:3: a crop to 21 x 21 "
               "of 20 x 20 images (expected a size from 1 to 20)");
    prep_fails(opsin_dataset_crop(ds, 0, "net.cfg", 4, &d), &d, "net.cfg:4: a crop to 0 x 0 "
               "of 20 x 20 images (expected a size from 1 to 20)");
    ck_assert(ds->rows == 20 && ds->x[0] == 4 * 28 + 4);
    opsin_dataset_free(ds);
}
END_TEST

START_TEST(test_filter)
{
    /* Labels 0 1 2 3 0 1 2 3 0 1; classes {2, 0}: images 0 2 4 6 8 with labels 1 0 1 0 1. */
    opsin_dataset *ds = ramp(10, 1, 2, 4);
    opsin_diag d = {""};
    const int bad1[2] = {1, 4}, bad2[3] = {1, 2, 1}, classes[2] = {2, 0};
    prep_fails(opsin_dataset_filter(ds, bad1, 2, "net.cfg", 7, &d), &d, "net.cfg:7: class 4 is "
               "not a label of the data (expected a class from 0 to 3)");
    prep_fails(opsin_dataset_filter(ds, bad2, 3, "net.cfg", 7, &d), &d, "net.cfg:7: class 1 is "
               "listed twice (expected each class once)");
    prep_fails(opsin_dataset_filter(ds, classes, 0, "net.cfg", 7, &d), &d, "net.cfg:7: an empty "
               "class filter (expected at least one class from 0 to 3)");
    ck_assert_uint_eq(ds->n, 10);
    ck_assert_int_eq(opsin_dataset_filter(ds, classes, 2, "net.cfg", 7, &d), OPSIN_OK);
    ck_assert_uint_eq(ds->n, 5);
    ck_assert_uint_eq(ds->nclasses, 2);
    const int label[5] = {1, 0, 1, 0, 1}, orig[5] = {0, 2, 0, 2, 0}, from[5] = {0, 2, 4, 6, 8};
    for (size_t k = 0; k < 5; k++) {
        ck_assert_int_eq(ds->label[k], label[k]);
        ck_assert_int_eq(ds->orig[k], orig[k]);
        ck_assert(ds->x[2 * k] == 2 * from[k] && ds->x[2 * k + 1] == 2 * from[k] + 1);
    }
    opsin_dataset_first(ds, 3);
    ck_assert_uint_eq(ds->n, 3);
    opsin_dataset_first(ds, 0);
    ck_assert_uint_eq(ds->n, 3);
    opsin_dataset_free(ds);
    /* Labels 0 1 2 of 4 classes: none of class 3. */
    ds = ramp(3, 1, 1, 4);
    const int three[1] = {3};
    prep_fails(opsin_dataset_filter(ds, three, 1, "net.cfg", 8, &d), &d, "net.cfg:8: no image "
               "of the 3 images has one of the classes listed (expected at least one)");
    ck_assert_uint_eq(ds->n, 3);
    ck_assert_uint_eq(ds->nclasses, 4);
    opsin_dataset_free(ds);
}
END_TEST

START_TEST(test_scale_binarise)
{
    /* Pixels 0 .. 7 in [0, 8]: unit x / 8, symmetric x / 4 - 1. */
    opsin_dataset *ds = ramp(2, 2, 2, 2);
    opsin_diag d = {""};
    opsin_dataset_scale(ds, OPSIN_SCALE_SYMMETRIC);
    ck_assert(ds->lo == -1 && ds->hi == 1);
    for (size_t i = 0; i < 8; i++)
        ck_assert_double_eq_tol(ds->x[i], i / 4.0 - 1, 1e-15);
    opsin_dataset_scale(ds, OPSIN_SCALE_UNIT);
    ck_assert(ds->lo == 0 && ds->hi == 1);
    for (size_t i = 0; i < 8; i++)
        ck_assert_double_eq_tol(ds->x[i], i / 8.0, 1e-15);
    opsin_dataset_scale(ds, OPSIN_SCALE_NONE);
    ck_assert_double_eq_tol(ds->x[3], 3 / 8.0, 1e-15);
    prep_fails(opsin_dataset_binarise(ds, 0, "net.cfg", 9, &d), &d, "net.cfg:9: binarisation "
               "threshold 0 lies outside the pixel range (expected a number above 0 and at most "
               "1)");
    prep_fails(opsin_dataset_binarise(ds, NAN, "net.cfg", 9, &d), &d, "net.cfg:9: binarisation "
               "threshold nan lies outside the pixel range (expected a number above 0 and at "
               "most 1)");
    /* 0.5 = 4 / 8: pixel 4 and above become 1. */
    ck_assert_int_eq(opsin_dataset_binarise(ds, 0.5, "net.cfg", 9, &d), OPSIN_OK);
    for (size_t i = 0; i < 8; i++)
        ck_assert(ds->x[i] == (i >= 4 ? 1 : 0));
    opsin_dataset_scale(ds, OPSIN_SCALE_SYMMETRIC);
    ck_assert(ds->x[0] == -1 && ds->x[7] == 1);
    ck_assert_int_eq(opsin_dataset_binarise(ds, 1, "net.cfg", 9, &d), OPSIN_OK);
    ck_assert(ds->x[0] == -1 && ds->x[7] == 1);
    opsin_dataset_free(ds);
}
END_TEST

START_TEST(test_shuffle)
{
    enum { N = 1000 };
    static size_t p1[N], p2[N], p3[N];
    ck_assert_int_eq(opsin_dataset_permutation(p1, N, 42), OPSIN_OK);
    ck_assert_int_eq(opsin_dataset_permutation(p2, N, 42), OPSIN_OK);
    ck_assert_int_eq(opsin_dataset_permutation(p3, N, 43), OPSIN_OK);
    ck_assert_mem_eq(p1, p2, sizeof p1);
    static int seen[N];
    size_t fixed = 0, same = 0;
    for (size_t i = 0; i < N; i++) {
        ck_assert_uint_lt(p1[i], N);
        ck_assert_int_eq(seen[p1[i]]++, 0);
        fixed += p1[i] == i;
        same += p1[i] == p3[i];
    }
    /* A uniform permutation fixes about one point; two seeds agree on about one. */
    ck_assert_uint_lt(fixed, 10);
    ck_assert_uint_lt(same, 10);
    /* The images move as the permutation says, labels and original labels with them. */
    opsin_dataset *ds = ramp(N, 1, 3, 7);
    ck_assert_int_eq(opsin_dataset_shuffle(ds, 42), OPSIN_OK);
    for (size_t i = 0; i < N; i++) {
        for (size_t p = 0; p < 3; p++)
            ck_assert(ds->x[3 * i + p] == (double)(3 * p1[i] + p));
        ck_assert_int_eq(ds->label[i], (int)(p1[i] % 7));
        ck_assert_int_eq(ds->orig[i], (int)(p1[i] % 7));
    }
    opsin_dataset_free(ds);
}
END_TEST

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reads one Fashion-MNIST pair and checks what the dataset's README states: n images of
 * 28 x 28, n / 10 of each class. */
static opsin_dataset *fashion_read(const char *which, size_t n)
{
    char img[128], lab[128];
    snprintf(img, sizeof img, FASHION "%s-images-idx3-ubyte.gz", which);
    snprintf(lab, sizeof lab, FASHION "%s-labels-idx1-ubyte.gz", which);
    opsin_dataset_read_opts o = opsin_dataset_read_defaults();
    double t0 = seconds();
    opsin_dataset *ds = idx_ok(img, lab, &o);
    printf("fashion-mnist %s: %zu images of %zu x %zu read in %.3f s\n", which, ds->n,
           ds->rows, ds->cols, seconds() - t0);
    ck_assert_uint_eq(ds->n, n);
    ck_assert(ds->rows == 28 && ds->cols == 28);
    size_t count[10] = {0};
    for (size_t k = 0; k < n; k++)
        count[ds->label[k]]++;
    for (size_t c = 0; c < 10; c++)
        ck_assert_uint_eq(count[c], n / 10);
    double sum = 0, top = 0;
    for (size_t i = 0; i < n * 784; i++) {
        sum += ds->x[i];
        top = ds->x[i] > top ? ds->x[i] : top;
    }
    ck_assert(top == 1);
    printf("fashion-mnist %s: mean pixel %.4f\n", which, sum / (double)(n * 784));
    return ds;
}

START_TEST(test_fashion_mnist)
{
    if (access(FASHION "train-images-idx3-ubyte.gz", R_OK) != 0) {
        printf("skipped: " FASHION " not installed (apt-get install dataset-fashion-mnist)\n");
        return;
    }
    opsin_dataset_free(fashion_read("t10k", 10000));
    opsin_dataset *ds = fashion_read("train", 60000);
    /* Seed 004's split and seed 002's crop on the real data. */
    const int classes[4] = {0, 2, 4, 6};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_dataset_filter(ds, classes, 4, "net.cfg", 1, &d), OPSIN_OK);
    ck_assert_uint_eq(ds->n, 24000);
    ck_assert_int_eq(opsin_dataset_crop(ds, 20, "net.cfg", 1, &d), OPSIN_OK);
    double t0 = seconds();
    ck_assert_int_eq(opsin_dataset_shuffle(ds, 1), OPSIN_OK);
    printf("fashion-mnist train: 24000 images of 20 x 20 shuffled in %.3f s\n", seconds() - t0);
    opsin_dataset_free(ds);
}
END_TEST

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("read");
    tcase_add_test(tc, test_idx_read);
    tcase_add_test(tc, test_idx_errors);
    tcase_add_test(tc, test_csv_read);
    tcase_add_test(tc, test_csv_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("prepare");
    tcase_add_test(tc, test_crop);
    tcase_add_test(tc, test_filter);
    tcase_add_test(tc, test_scale_binarise);
    tcase_add_test(tc, test_shuffle);
    suite_add_tcase(s, tc);
    tc = tcase_create("fashion");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fashion_mnist);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dataset_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
