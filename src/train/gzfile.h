/* gzfile.h: opens a data file of the training layer for reading, raw or gzip alike. */
#ifndef OPSIN_TRAIN_GZFILE_H
#define OPSIN_TRAIN_GZFILE_H

#include <zlib.h>

#include "opsin.h"

/* path opened through zlib (which reads a file that is not gzip as it is), with a large
 * buffer; NULL and EIO with "PATH: cannot open: REASON (expected a readable KIND)" for a
 * directory, a missing or unreadable file. */
gzFile opsin_gzfile_open(const char *path, const char *kind, opsin_diag *diag);

#endif
