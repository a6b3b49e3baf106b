/* png.c: a PNG writer on zlib (png.h): the signature, IHDR (8-bit greyscale, colour type 0, or
 * RGB, colour type 2), one IDAT holding the zlib stream of the rows (each led by filter byte 0,
 * "None") and IEND; every chunk is length, type, data and the CRC-32 of type and data (zlib's
 * crc32 is the CRC the PNG specification defines).  Source: ISO/IEC 15948:2003, sections 5
 * (datastream), 11.2 (critical chunks) and 9 (filtering). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core.h"
#include "io/png.h"

static const unsigned char signature[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};

/* A 32-bit number most significant byte first, as every PNG integer. */
static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One chunk; 0, or -1 when fp failed. */
static int put_chunk(FILE *fp, const char type[4], const unsigned char *data, size_t n)
{
    unsigned char word[4];
    put_be32(word, (uint32_t)n);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (n)
        crc = crc32(crc, data, (uInt)n);
    fwrite(word, 1, 4, fp);
    fwrite(type, 1, 4, fp);
    if (n)
        fwrite(data, 1, n, fp);
    put_be32(word, (uint32_t)crc);
    fwrite(word, 1, 4, fp);
    return ferror(fp) ? -1 : 0;
}

/* The IHDR data: width, height, bit depth 8, colour type, compression 0, filter 0, no
 * interlace. */
static void ihdr(unsigned char h[13], size_t width, size_t height, int channels)
{
    put_be32(h, (uint32_t)width);
    put_be32(h + 4, (uint32_t)height);
    h[8] = 8;
    h[9] = channels == OPSIN_PNG_RGB ? 2 : 0;
    h[10] = h[11] = h[12] = 0;
}

/* The zlib stream of the filtered rows into *z (malloc'd, *nz bytes); 0, or -1 out of
 * memory. */
static int deflate_rows(const unsigned char *pix, size_t width, size_t height, int channels,
                        unsigned char **z, uLongf *nz)
{
    size_t row = width * (size_t)channels, nraw = (row + 1) * height;
    unsigned char *raw = malloc(nraw);
    *nz = compressBound((uLong)nraw);
    *z = malloc(*nz);
    int rc = raw && *z ? 0 : -1;
    for (size_t y = 0; rc == 0 && y < height; y++) {
        raw[y * (row + 1)] = 0;
        memcpy(raw + y * (row + 1) + 1, pix + y * row, row);
    }
    if (rc == 0 && compress2(*z, nz, raw, (uLong)nraw, Z_BEST_COMPRESSION) != Z_OK)
        rc = -1;
    free(raw);
    if (rc) {
        free(*z);
        *z = NULL;
    }
    return rc;
}

int opsin_png_write(FILE *fp, const char *name, const unsigned char *pix, size_t width,
                    size_t height, int channels, opsin_diag *diag)
{
    if (width < 1 || height < 1 || width > OPSIN_PNG_MAX_SIDE || height > OPSIN_PNG_MAX_SIDE ||
        (channels != OPSIN_PNG_GREY && channels != OPSIN_PNG_RGB)) {
        opsin_diag_set(diag, name, 0, "a picture of %zu x %zu pixels with %d channels "
                       "(expected 1 to %d pixels a side and 1 or 3 channels)", width, height,
                       channels, OPSIN_PNG_MAX_SIDE);
        return OPSIN_EINVAL;
    }
    unsigned char *z, h[13];
    uLongf nz;
    if (deflate_rows(pix, width, height, channels, &z, &nz)) {
        opsin_diag_oom(diag, name, "compressing a picture");
        return OPSIN_ENOMEM;
    }
    ihdr(h, width, height, channels);
    fwrite(signature, 1, sizeof signature, fp);
    int bad = put_chunk(fp, "IHDR", h, sizeof h) | put_chunk(fp, "IDAT", z, nz) |
              put_chunk(fp, "IEND", NULL, 0);
    free(z);
    if (bad || fflush(fp) != 0) {
        opsin_diag_set(diag, name, 0, "writing the picture failed: %s (expected a writable "
                       "file with room for it)", strerror(errno ? errno : EIO));
        return OPSIN_EIO;
    }
    return OPSIN_OK;
}

/* The mode a new file gets: that of the file it replaces, else 0666 less the umask. */
static mode_t save_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* A temporary file beside path, open for writing (*tmp malloc'd); NULL with errno set. */
static FILE *open_beside(const char *path, char **tmp)
{
    size_t n = strlen(path) + sizeof ".tmpXXXXXX";
    FILE *fp = NULL;
    if (!(*tmp = malloc(n)))
        return NULL;
    snprintf(*tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd >= 0 && (fchmod(fd, save_mode(path)) != 0 || !(fp = fdopen(fd, "wb")))) {
        int e = errno;
        close(fd);
        unlink(*tmp);
        errno = e;
    }
    if (!fp) {
        free(*tmp);
        *tmp = NULL;
    }
    return fp;
}

int opsin_png_save(const char *path, const unsigned char *pix, size_t width, size_t height,
                   int channels, opsin_diag *diag)
{
    char *tmp;
    errno = 0;
    FILE *fp = open_beside(path, &tmp);
    if (!fp) {
        opsin_diag_set(diag, path, 0, "cannot create the picture: %s (expected a writable "
                       "directory)", strerror(errno ? errno : ENOMEM));
        return errno == ENOMEM ? OPSIN_ENOMEM : OPSIN_EIO;
    }
    int rc = opsin_png_write(fp, path, pix, width, height, channels, diag);
    if (fclose(fp) != 0 && rc == OPSIN_OK) {
        opsin_diag_set(diag, path, 0, "writing the picture failed: %s (expected a writable "
                       "file with room for it)", strerror(errno));
        rc = OPSIN_EIO;
    }
    if (rc == OPSIN_OK && rename(tmp, path) != 0) {
        opsin_diag_set(diag, path, 0, "cannot put the picture in place: %s (expected a "
                       "writable directory)", strerror(errno));
        rc = OPSIN_EIO;
    }
    if (rc != OPSIN_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}
