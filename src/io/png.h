/* png.h: a small PNG writer (io/png.c): 8-bit greyscale or RGB pixels, no interlace, one
 * IDAT chunk compressed by zlib, each row with filter type 0 (ISO/IEC 15948, PNG 2nd ed.). */
#ifndef OPSIN_PNG_H
#define OPSIN_PNG_H

#include <stddef.h>
#include <stdio.h>

#include "opsin.h"

/* Channels per pixel; the value is also the PNG colour type's channel count. */
enum { OPSIN_PNG_GREY = 1, OPSIN_PNG_RGB = 3 };

/* The largest width and height accepted (PNG allows 2^31 - 1; this keeps a picture in memory). */
enum { OPSIN_PNG_MAX_SIDE = 32768 };

/* Writes a PNG of width x height pixels (each 1..OPSIN_PNG_MAX_SIDE), channels OPSIN_PNG_GREY
 * or OPSIN_PNG_RGB bytes per pixel, rows top to bottom, row-major (pix[(y * width + x) *
 * channels + k]), to fp.  name is the file in messages.  OPSIN_EINVAL for sizes or channels
 * out of range, OPSIN_ENOMEM, OPSIN_EIO when writing fails (diag filled). */
int opsin_png_write(FILE *fp, const char *name, const unsigned char *pix, size_t width,
                    size_t height, int channels, opsin_diag *diag);

/* The same into the file path: written to a temporary file beside it (path.tmpXXXXXX, the
 * mode of the file it replaces or 0666 less the umask) and renamed onto path, so path holds
 * the old file or the whole new picture, never a part.  No signal handling: a command line
 * writes through its own output layer with opsin_png_write. */
int opsin_png_save(const char *path, const unsigned char *pix, size_t width, size_t height,
                   int channels, opsin_diag *diag);

#endif
