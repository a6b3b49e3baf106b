/* check_png.c: the PNG writer (io/png.h) read back by a decoder written here (signature,
 * IHDR fields, every chunk's CRC-32 by a bitwise CRC independent of zlib, the IDAT inflated
 * and compared pixel by pixel), the replace-by-rename; the class maps and their grid
 * (train/wimage.h): the maps against products computed by hand and by a naive loop, every
 * pixel of a small grid against its colour, the layout, the bad arguments; the accuracy curves
 * of an epoch CSV (train/accplot.h) and the script a stand-in gnuplot receives, the note when
 * gnuplot is missing, the failure when it fails. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "io/png.h"
#include "train/accplot.h"
#include "train/wimage.h"

/* ---- a scratch directory ---------------------------------------------------------------- */

static char dir[64];

static void dir_make(void)
{
    snprintf(dir, sizeof dir, "/tmp/opsin-png-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* The path of name inside the scratch directory (static buffer per slot 0..3). */
static const char *in_dir(int slot, const char *name)
{
    static char buf[4][384];
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
    return buf[slot];
}

/* Removes the scratch directory and everything in it. */
static void dir_remove(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(in_dir(0, e->d_name));
    if (d)
        closedir(d);
    rmdir(dir);
}

/* How many entries the scratch directory holds (temporary files left behind show here). */
static size_t dir_count(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void put_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The whole file (malloc'd, *n bytes). */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    rewind(fp);
    unsigned char *b = malloc(*n + 1);
    ck_assert_uint_eq(fread(b, 1, *n, fp), *n);
    fclose(fp);
    return b;
}

/* ---- a PNG decoder for what the writer makes ------------------------------------------- */

/* CRC-32 as the PNG specification's annex D computes it, bit by bit (polynomial 0xedb88320). */
static uint32_t crc_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct png_img {
    uint32_t width, height;
    int depth, ctype, channels;
    unsigned char *pix; /* height x width x channels */
    size_t nchunks;
} png_img;

/* Decodes buf: the signature, IHDR first (13 bytes: 8-bit, type 0 or 2, methods 0, no
 * interlace), the IDATs joined and inflated to exactly the rows, each row filter 0, IEND last
 * and empty; every chunk's CRC over its type and data.  Fails the test otherwise. */
static png_img decode(const unsigned char *buf, size_t n)
{
    static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    png_img im = {0, 0, 0, 0, 0, NULL, 0};
    ck_assert_uint_ge(n, 8);
    ck_assert_int_eq(memcmp(buf, sig, 8), 0);
    unsigned char *z = NULL;
    size_t nz = 0, at = 8;
    int ended = 0;
    while (at < n) {
        ck_assert_int_eq(ended, 0);
        ck_assert_uint_ge(n - at, 12);
        uint32_t len = be32(buf + at);
        ck_assert_uint_ge(n - at - 12, len);
        const unsigned char *type = buf + at + 4, *data = type + 4;
        ck_assert_uint_eq(be32(data + len), crc_png(type, len + 4));
        if (im.nchunks++ == 0) {
            ck_assert_int_eq(memcmp(type, "IHDR", 4), 0);
            ck_assert_uint_eq(len, 13);
            im.width = be32(data);
            im.height = be32(data + 4);
            im.depth = data[8];
            im.ctype = data[9];
            ck_assert_int_eq(data[10] | data[11] | data[12], 0);
            im.channels = im.ctype == 2 ? 3 : im.ctype == 0 ? 1 : 0;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            z = realloc(z, nz + len + 1);
            memcpy(z + nz, data, len);
            nz += len;
        } else if (memcmp(type, "IEND", 4) == 0) {
            ck_assert_uint_eq(len, 0);
            ended = 1;
        }
        at += 12 + len;
    }
    ck_assert_int_eq(ended, 1);
    ck_assert_int_eq(im.depth, 8);
    ck_assert_int_ne(im.channels, 0);
    size_t row = (size_t)im.width * (size_t)im.channels, want = (row + 1) * im.height;
    uLongf got = (uLongf)want + 16;
    unsigned char *raw = malloc(got);
    ck_assert_int_eq(uncompress(raw, &got, z, (uLong)nz), Z_OK);
    ck_assert_uint_eq(got, want);
    im.pix = malloc(row * im.height);
    for (size_t y = 0; y < im.height; y++) {
        ck_assert_int_eq(raw[y * (row + 1)], 0);
        memcpy(im.pix + y * row, raw + y * (row + 1) + 1, row);
    }
    free(raw);
    free(z);
    return im;
}

static png_img decode_file(const char *path)
{
    size_t n;
    unsigned char *b = slurp(path, &n);
    png_img im = decode(b, n);
    free(b);
    return im;
}

/* ---- the writer ------------------------------------------------------------------------- */

/* Pixels that differ from their neighbours (a pattern a wrong stride would scramble). */
static unsigned char *pattern(size_t n, unsigned seed)
{
    unsigned char *p = malloc(n);
    uint32_t s = seed;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (unsigned char)(s >> 24);
    }
    return p;
}

START_TEST(test_roundtrip)
{
    static const struct { size_t w, h; int ch; } cases[] = {
        {1, 1, OPSIN_PNG_GREY}, {3, 2, OPSIN_PNG_GREY}, {5, 4, OPSIN_PNG_RGB},
        {257, 31, OPSIN_PNG_RGB}, {64, 300, OPSIN_PNG_GREY}};
    dir_make();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t n = cases[k].w * cases[k].h * (size_t)cases[k].ch;
        unsigned char *pix = pattern(n, (unsigned)k + 1);
        opsin_diag d = {""};
        const char *path = in_dir(1, "a.png");
        ck_assert_msg(opsin_png_save(path, pix, cases[k].w, cases[k].h, cases[k].ch, &d) ==
                      OPSIN_OK, "%s", d.msg);
        png_img im = decode_file(path);
        ck_assert_uint_eq(im.width, cases[k].w);
        ck_assert_uint_eq(im.height, cases[k].h);
        ck_assert_int_eq(im.ctype, cases[k].ch == 3 ? 2 : 0);
        ck_assert_uint_eq(im.nchunks, 3);
        ck_assert_int_eq(memcmp(im.pix, pix, n), 0);
        /* the stream writer gives the same bytes */
        FILE *fp = tmpfile();
        ck_assert_int_eq(opsin_png_write(fp, "x", pix, cases[k].w, cases[k].h, cases[k].ch, &d),
                         OPSIN_OK);
        size_t nf, ns = (size_t)ftell(fp);
        unsigned char *file = slurp(path, &nf), *stream = malloc(ns);
        rewind(fp);
        ck_assert_uint_eq(fread(stream, 1, ns, fp), ns);
        fclose(fp);
        ck_assert_uint_eq(ns, nf);
        ck_assert_int_eq(memcmp(stream, file, nf), 0);
        free(stream);
        free(file);
        free(im.pix);
        free(pix);
    }
    ck_assert_uint_eq(dir_count(), 1); /* a.png, replaced each time; no temporary left */
    dir_remove();
}
END_TEST

/* The mode of a replaced file is kept; a bad size or a missing directory leaves nothing. */
START_TEST(test_save_errors)
{
    unsigned char pix[12] = {0};
    opsin_diag d = {""};
    dir_make();
    const char *path = in_dir(1, "b.png");
    put_file(path, "old");
    chmod(path, 0640);
    ck_assert_int_eq(opsin_png_save(path, pix, 2, 2, OPSIN_PNG_RGB, &d), OPSIN_OK);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    static const struct { size_t w, h; int ch; } bad[] = {
        {0, 2, 1}, {2, 0, 3}, {2, 2, 2}, {2, 2, 4}, {OPSIN_PNG_MAX_SIDE + 1, 1, 1}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        d.msg[0] = '\0';
        ck_assert_int_eq(opsin_png_save(path, pix, bad[k].w, bad[k].h, bad[k].ch, &d),
                         OPSIN_EINVAL);
        ck_assert_ptr_nonnull(strstr(d.msg, "(expected 1 to 32768 pixels a side and 1 or 3 "
                                            "channels)"));
        png_img im = decode_file(path); /* the old picture is still whole */
        ck_assert_uint_eq(im.width, 2);
        free(im.pix);
    }
    ck_assert_int_eq(opsin_png_save(in_dir(2, "no/such/c.png"), pix, 2, 2, 1, &d), OPSIN_EIO);
    ck_assert_ptr_nonnull(strstr(d.msg, "cannot create the picture"));
    ck_assert_uint_eq(dir_count(), 1);
    dir_remove();
}
END_TEST

/* ---- class maps and the grid ------------------------------------------------------------ */

/* A network of the given sizes without biases whose weights are then set by the test. */
static opsin_mlp *net(const size_t *sizes, size_t ns)
{
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = ns;
    s.sizes = sizes;
    s.bias = 0;
    s.wmin = -10;
    s.wmax = 10;
    opsin_mlp *m = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_mlp_new(&s, &m, &d) == OPSIN_OK, "%s", d.msg);
    return m;
}

static void set_w(opsin_mlp *m, size_t l, const double *w)
{
    opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
    memcpy(L->w, w, L->nin * L->nout * sizeof *w);
}

/* One hidden layer by hand: map_c = sum_j W2[c][j] W1[j][:]. */
START_TEST(test_map_by_hand)
{
    static const size_t sizes[] = {3, 2, 2};
    static const double w1[] = {1, 2, 3, 4, 5, 6}, w2[] = {1, 0, 0.5, -1};
    opsin_mlp *m = net(sizes, 3);
    set_w(m, 0, w1);
    set_w(m, 1, w2);
    double v[3];
    ck_assert_int_eq(opsin_weight_map(m, 0, v), OPSIN_OK);
    ck_assert(v[0] == 1 && v[1] == 2 && v[2] == 3);
    ck_assert_int_eq(opsin_weight_map(m, 1, v), OPSIN_OK);
    ck_assert(v[0] == -3.5 && v[1] == -4 && v[2] == -4.5);
    opsin_mlp_free(m);
    /* no hidden layer: the class's own weights */
    static const size_t one[] = {3, 2};
    m = net(one, 2);
    set_w(m, 0, w1);
    ck_assert_int_eq(opsin_weight_map(m, 1, v), OPSIN_OK);
    ck_assert(v[0] == 4 && v[1] == 5 && v[2] == 6);
    opsin_mlp_free(m);
}
END_TEST

/* Three weight layers with their initial (seeded) weights: the map of each class against the
 * product W3 W2 W1 formed by a naive loop. */
START_TEST(test_map_product)
{
    static const size_t sizes[] = {5, 4, 3, 2};
    opsin_mlp *m = net(sizes, 4);
    const opsin_mlp_layer *a = opsin_mlp_layer_at(m, 0), *b = opsin_mlp_layer_at(m, 1),
                          *c = opsin_mlp_layer_at(m, 2);
    for (int cls = 0; cls < 2; cls++) {
        double v[5];
        ck_assert_int_eq(opsin_weight_map(m, cls, v), OPSIN_OK);
        for (size_t i = 0; i < 5; i++) {
            double p = 0.0;
            for (size_t j = 0; j < 3; j++)
                for (size_t k = 0; k < 4; k++)
                    p += c->w[(size_t)cls * 3 + j] * b->w[j * 4 + k] * a->w[k * 5 + i];
            ck_assert_double_eq_tol(v[i], p, 1e-12);
            ck_assert(p != 0.0);
        }
    }
    opsin_mlp_free(m);
}
END_TEST

static void px_is(const png_img *im, size_t x, size_t y, int r, int g, int b)
{
    const unsigned char *p = im->pix + 3 * (y * im->width + x);
    ck_assert_msg(p[0] == r && p[1] == g && p[2] == b, "pixel (%zu,%zu) is (%d,%d,%d), expected "
                  "(%d,%d,%d)", x, y, p[0], p[1], p[2], r, g, b);
}

/* A 4-input, 3-class layer, maps of 2 x 2, classes 0 and 2 at scale 1: a 7 x 4 picture whose
 * every pixel is known.  Class 0: 1, -1, 0.5, 0 (red, blue, half red, white); class 2: -2, 0,
 * 0, 0.5 scaled by 2 (blue, white, white, quarter red). */
START_TEST(test_grid_pixels)
{
    static const size_t sizes[] = {4, 3};
    static const double w[] = {1, -1, 0.5, 0, 9, 9, 9, 9, -2, 0, 0, 0.5};
    static const int cls[] = {0, 2};
    opsin_mlp *m = net(sizes, 2);
    set_w(m, 0, w);
    opsin_diag d = {""};
    dir_make();
    const char *path = in_dir(1, "w.png");
    ck_assert_msg(opsin_weight_grid_png(path, m, cls, 2, 2, 2, 1, &d) == OPSIN_OK, "%s", d.msg);
    png_img im = decode_file(path);
    ck_assert_uint_eq(im.width, 7);
    ck_assert_uint_eq(im.height, 4);
    ck_assert_int_eq(im.ctype, 2);
    /* grey frame: rows 0 and 3, columns 0, 3, 6 */
    for (size_t x = 0; x < 7; x++) {
        px_is(&im, x, 0, 128, 128, 128);
        px_is(&im, x, 3, 128, 128, 128);
    }
    for (size_t y = 0; y < 4; y++)
        for (size_t x = 0; x < 7; x += 3)
            px_is(&im, x, y, 128, 128, 128);
    px_is(&im, 1, 1, 255, 0, 0);
    px_is(&im, 2, 1, 0, 0, 255);
    px_is(&im, 1, 2, 255, 128, 128); /* 255 (1 - 0.5) = 127.5 rounds to 128 */
    px_is(&im, 2, 2, 255, 255, 255);
    px_is(&im, 4, 1, 0, 0, 255);
    px_is(&im, 5, 1, 255, 255, 255);
    px_is(&im, 4, 2, 255, 255, 255);
    px_is(&im, 5, 2, 255, 191, 191); /* t = 0.25: 191.25 */
    free(im.pix);
    dir_remove();
    opsin_mlp_free(m);
}
END_TEST

/* Seven classes at scale 3: 2 rows of 4 tiles, the eighth place grey, each weight a 3 x 3
 * square; an all-zero map is white; the stream writer gives the same picture. */
START_TEST(test_grid_layout)
{
    static const size_t sizes[] = {6, 7};
    static const int cls[] = {6, 5, 4, 3, 2, 1, 0};
    opsin_mlp *m = net(sizes, 2);
    opsin_mlp_layer *L = opsin_mlp_layer_at(m, 0);
    for (size_t j = 0; j < 7; j++)
        for (size_t i = 0; i < 6; i++)
            L->w[j * 6 + i] = j == 0 ? 0.0 : i == j - 1 ? 1.0 : i == 5 ? -1.0 : 0.0;
    unsigned char *rgb = NULL;
    size_t w = 0, h = 0;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_weight_grid(m, cls, 7, 2, 3, 3, &rgb, &w, &h, &d), OPSIN_OK);
    ck_assert_uint_eq(w, 4 * (3 * 3 + 1) + 1);
    ck_assert_uint_eq(h, 2 * (2 * 3 + 1) + 1);
    png_img im = {(uint32_t)w, (uint32_t)h, 8, 2, 3, rgb, 0};
    for (size_t k = 0; k < 8; k++) {
        size_t x0 = 1 + (k % 4) * 10, y0 = 1 + (k / 4) * 7;
        for (size_t y = 0; y < 6; y++)
            for (size_t x = 0; x < 9; x++) {
                size_t i = (y / 3) * 3 + x / 3; /* the weight this pixel shows */
                int j = k < 7 ? cls[k] : -1;   /* the class of the tile */
                if (j < 0)
                    px_is(&im, x0 + x, y0 + y, 128, 128, 128);
                else if (j == 0 || (i != (size_t)j - 1 && i != 5))
                    px_is(&im, x0 + x, y0 + y, 255, 255, 255);
                else if (i == (size_t)j - 1)
                    px_is(&im, x0 + x, y0 + y, 255, 0, 0);
                else
                    px_is(&im, x0 + x, y0 + y, 0, 0, 255);
            }
    }
    FILE *fp = tmpfile();
    ck_assert_int_eq(opsin_weight_grid_write(fp, "grid.png", m, cls, 7, 2, 3, 3, &d), OPSIN_OK);
    size_t n = (size_t)ftell(fp);
    unsigned char *b = malloc(n);
    rewind(fp);
    ck_assert_uint_eq(fread(b, 1, n, fp), n);
    fclose(fp);
    png_img back = decode(b, n);
    ck_assert_uint_eq(back.width, w);
    ck_assert_int_eq(memcmp(back.pix, rgb, w * h * 3), 0);
    free(back.pix);
    free(b);
    free(rgb);
    opsin_mlp_free(m);
}
END_TEST

START_TEST(test_grid_errors)
{
    static const size_t sizes[] = {6, 3};
    opsin_mlp *m = net(sizes, 2);
    static const int ok[] = {0}, high[] = {0, 3}, neg[] = {-1};
    static const struct {
        const int *cls;
        size_t n, rows, cols;
        int scale;
        const char *says;
    } bad[] = {
        {ok, 0, 2, 3, 1, "(expected at least one output class)"},
        {high, 2, 2, 3, 1, "class 3 (expected an output class from 0 to 2)"},
        {neg, 1, 2, 3, 1, "class -1 (expected"},
        {ok, 1, 3, 3, 1, "3 x 3 pixels (expected rows x cols equal to the 6 inputs)"},
        {ok, 1, 0, 3, 1, "(expected rows x cols"},
        {ok, 1, 2, 3, 0, "scale 0 (expected a whole number from 1 to 64)"},
        {ok, 1, 2, 3, 65, "scale 65 (expected"},
    };
    dir_make();
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        unsigned char *rgb = (unsigned char *)"untouched";
        size_t w = 7, h = 7;
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_weight_grid(m, bad[k].cls, bad[k].n, bad[k].rows, bad[k].cols,
                                           bad[k].scale, &rgb, &w, &h, &d), OPSIN_EINVAL);
        ck_assert_msg(strstr(d.msg, bad[k].says), "case %zu: %s", k, d.msg);
        ck_assert(w == 7 && h == 7 && strcmp((char *)rgb, "untouched") == 0);
        ck_assert_int_eq(opsin_weight_grid_png(in_dir(1, "e.png"), m, bad[k].cls, bad[k].n,
                                               bad[k].rows, bad[k].cols, bad[k].scale, &d),
                         OPSIN_EINVAL);
    }
    ck_assert_uint_eq(dir_count(), 0);
    dir_remove();
    opsin_mlp_free(m);
}
END_TEST

/* ---- accuracy curves -------------------------------------------------------------------- */

static const char epochs[] =
    "epoch,train_accuracy (%),test_accuracy (%),pulses_ltp,energy (J)\n"
    "1,50,25,100,1e-12\n"
    "\n"
    "2,75,,200,2e-12\n"
    "3,87.5,62.5,300,3e-12\n";

START_TEST(test_acc_read)
{
    dir_make();
    const char *csv = in_dir(1, "e.csv");
    put_file(csv, epochs);
    opsin_acc_curves c;
    opsin_diag d = {""};
    ck_assert_msg(opsin_acc_curves_read(csv, &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(c.ns, 2);
    ck_assert_str_eq(c.xlabel, "epoch");
    ck_assert_str_eq(c.ylabel, "accuracy (%)");
    ck_assert_str_eq(c.s[0].title, "train_accuracy");
    ck_assert_str_eq(c.s[1].title, "test_accuracy");
    static const double x[] = {1, 2, 3}, y0[] = {50, 75, 87.5}, y1[] = {25, NAN, 62.5};
    for (size_t k = 0; k < 2; k++) {
        ck_assert_uint_eq(c.s[k].n, 3);
        ck_assert_int_eq(c.s[k].lines, 1);
        for (size_t i = 0; i < 3; i++) {
            const double want = k ? y1[i] : y0[i];
            ck_assert(c.s[k].x[i] == x[i]);
            ck_assert(isnan(want) ? isnan(c.s[k].y[i]) : c.s[k].y[i] == want);
        }
    }
    opsin_acc_curves_free(&c);
    /* a unit of 1 (a fraction) is left out of the label */
    put_file(csv, "epoch,test_accuracy (1)\n1,0.5\n");
    ck_assert_int_eq(opsin_acc_curves_read(csv, &c, &d), OPSIN_OK);
    ck_assert_str_eq(c.ylabel, "accuracy");
    opsin_acc_curves_free(&c);
    dir_remove();
}
END_TEST

START_TEST(test_acc_errors)
{
    static const struct { const char *text, *says; } bad[] = {
        {"", ":1: no header line (expected the epoch CSV"},
        {"epoch,loss\n1,2\n", ":1: no accuracy column (expected a header cell such as"},
        {"epoch,train_accuracy\n\n", ":2: no data row (expected one row per epoch)"},
        {"epoch,train_accuracy\n1,0.5\nx,0.6\n", ":3: the first cell is not a number"},
        {"epoch,a_accuracy,b_accuracy,c_accuracy,d_accuracy,e_accuracy,f_accuracy,g_accuracy,"
         "h_accuracy,i_accuracy\n1,1,1,1,1,1,1,1,1,1\n", ":1: more than 8 accuracy columns"},
    };
    dir_make();
    const char *csv = in_dir(1, "bad.csv");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        opsin_acc_curves c;
        opsin_diag d = {""};
        put_file(csv, bad[k].text);
        ck_assert_int_eq(opsin_acc_curves_read(csv, &c, &d), OPSIN_EINVAL);
        ck_assert_msg(strstr(d.msg, bad[k].says), "case %zu: %s", k, d.msg);
        ck_assert_ptr_null(c.x);
    }
    opsin_acc_curves c;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_acc_curves_read(in_dir(2, "none.csv"), &c, &d), OPSIN_EIO);
    ck_assert_ptr_nonnull(strstr(d.msg, "cannot be read"));
    dir_remove();
}
END_TEST

/* A stand-in gnuplot (a shell script first on PATH) with the given body. */
static void fake_gnuplot(const char *body)
{
    char text[512];
    snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
    put_file(in_dir(3, "gnuplot"), text);
    chmod(in_dir(3, "gnuplot"), 0755);
}

/* The text of a stream from its start (malloc'd). */
static char *stream_text(FILE *fp)
{
    size_t n = (size_t)ftell(fp);
    char *s = calloc(n + 1, 1);
    rewind(fp);
    ck_assert_uint_eq(fread(s, 1, n, fp), n);
    return s;
}

/* The script gnuplot gets holds both curves' points (the empty cell left out), their titles,
 * the labels and the terminal of the picture's type. */
START_TEST(test_train_plot)
{
    dir_make();
    const char *csv = in_dir(1, "e.csv");
    put_file(csv, epochs);
    char gp[384], path[512];
    snprintf(gp, sizeof gp, "%s", in_dir(2, "plot.gp"));
    char body[512];
    snprintf(body, sizeof body, "cat >'%s'", gp);
    fake_gnuplot(body);
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", dir, saved);
    setenv("PATH", path, 1);
    FILE *err = tmpfile();
    ck_assert_int_eq(opsin_train_plot("acc.png", "acc.png", csv, err), 0);
    size_t n;
    char *s = (char *)slurp(gp, &n);
    s[n] = '\0';
    ck_assert_ptr_nonnull(strstr(s, "set terminal pngcairo"));
    ck_assert_ptr_nonnull(strstr(s, "set xlabel 'epoch'\n"));
    ck_assert_ptr_nonnull(strstr(s, "set ylabel 'accuracy (%)'\n"));
    ck_assert_ptr_nonnull(strstr(s, "$d0 << EOD\n1 50\n2 75\n3 87.5\nEOD\n"));
    ck_assert_ptr_nonnull(strstr(s, "$d1 << EOD\n1 25\n3 62.5\nEOD\n"));
    ck_assert_ptr_nonnull(strstr(s, "title 'train_accuracy'"));
    ck_assert_ptr_nonnull(strstr(s, "title 'test_accuracy'"));
    free(s);
    /* gnuplot failing: -1 and a reason */
    fake_gnuplot("cat >/dev/null; exit 1");
    ck_assert_int_eq(opsin_train_plot("acc.png", "acc.png", csv, err), -1);
    char *e = stream_text(err);
    ck_assert_ptr_nonnull(strstr(e, "gnuplot could not draw acc.png"));
    free(e);
    /* a bad CSV: -1 and its line */
    put_file(csv, "epoch,loss\n1,2\n");
    rewind(err);
    ck_assert_int_eq(opsin_train_plot("acc.png", "acc.png", csv, err), -1);
    e = stream_text(err);
    ck_assert_ptr_nonnull(strstr(e, "e.csv:1: no accuracy column"));
    free(e);
    /* no gnuplot at all: 1, a note */
    put_file(csv, epochs);
    unlink(in_dir(3, "gnuplot"));
    setenv("PATH", dir, 1);
    rewind(err);
    ck_assert_int_eq(opsin_train_plot("acc.png", "acc.png", csv, err), 1);
    e = stream_text(err);
    ck_assert_ptr_nonnull(strstr(e, "gnuplot is not installed, so acc.png was not drawn"));
    free(e);
    setenv("PATH", saved, 1);
    free(saved);
    fclose(err);
    dir_remove();
}
END_TEST

/* With the machine's gnuplot (when it has one): a real PNG whose chunks check out. */
START_TEST(test_train_plot_real)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        return;
    dir_make();
    const char *csv = in_dir(1, "e.csv"), *png = in_dir(2, "acc.png");
    put_file(csv, epochs);
    ck_assert_int_eq(opsin_train_plot(png, png, csv, stderr), 0);
    size_t n;
    unsigned char *b = slurp(png, &n);
    ck_assert_uint_gt(n, 8);
    ck_assert_int_eq(memcmp(b, "\211PNG\r\n\032\n", 8), 0);
    for (size_t at = 8; at + 12 <= n;) { /* every chunk's CRC, whatever gnuplot's filters */
        uint32_t len = be32(b + at);
        ck_assert_uint_ge(n - at - 12, len);
        ck_assert_uint_eq(be32(b + at + 8 + len), crc_png(b + at + 4, len + 4));
        at += 12 + len;
    }
    free(b);
    dir_remove();
}
END_TEST

static Suite *png_suite(void)
{
    Suite *s = suite_create("png");
    TCase *core = tcase_create("png");
    tcase_add_test(core, test_roundtrip);
    tcase_add_test(core, test_save_errors);
    suite_add_tcase(s, core);
    TCase *grid = tcase_create("weights");
    tcase_add_test(grid, test_map_by_hand);
    tcase_add_test(grid, test_map_product);
    tcase_add_test(grid, test_grid_pixels);
    tcase_add_test(grid, test_grid_layout);
    tcase_add_test(grid, test_grid_errors);
    suite_add_tcase(s, grid);
    TCase *acc = tcase_create("accuracy");
    tcase_add_test(acc, test_acc_read);
    tcase_add_test(acc, test_acc_errors);
    tcase_add_test(acc, test_train_plot);
    tcase_add_test(acc, test_train_plot_real);
    tcase_set_timeout(acc, 30);
    suite_add_tcase(s, acc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(png_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
