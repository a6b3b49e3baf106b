/* gzfile.c: opens the IDX and CSV files of datasets (train/idx_read.c, train/csv_read.c)
 * through zlib, so that a file compressed with gzip reads like a raw one. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "core.h"
#include "train/gzfile.h"

/* zlib opens a directory without complaint and fails at the first read: refused here. */
gzFile opsin_gzfile_open(const char *path, const char *kind, opsin_diag *d)
{
    struct stat st;
    errno = 0;
    gzFile gz = stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? (errno = EISDIR, NULL)
                                                             : gzopen(path, "rb");
    if (!gz) {
        opsin_diag_set(d, path, 0, "cannot open: %s (expected a readable %s)",
                       errno ? strerror(errno) : "out of memory", kind);
        return NULL;
    }
    gzbuffer(gz, 1u << 17);
    return gz;
}
