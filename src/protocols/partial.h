/* partial.h: the partial file of a pool job (pool.h): the rows emitted so far, one text line
 * each, appended as they are emitted, so that a run killed at any point (SIGKILL, a wall-time
 * limit, a node failure) can be resumed from the rows it finished.
 *
 * The file (OUT.partial beside an output OUT; opsin(1) "Resuming") is text:
 *
 *     opsin partial 1                      magic and format version
 *     KEY LINES                            what the caller says identifies the job (the
 *                                          command, the options, the input files' hashes)
 *     rows N W                             the job's rows and the doubles in each row
 *     I STATUS V1,...,VW[ MESSAGE]          row I (0, 1, ... in order), its status (0: done;
 *                                          else the opsin status of a failed row, with its
 *                                          message), its doubles as io/number.h writes them
 *                                          (they read back as the same doubles)
 *
 * A row line is written and flushed (one write) as its row is emitted, and the file is
 * synced to the disk (fdatasync) at most once a second, so a crash of the machine loses at
 * most the rows of the last second.  A last line without its newline is a row torn by the
 * kill: the reader drops it and the writer cuts it off before appending.
 *
 * A job run through opsin_partial_pool_run with rows restored by opsin_partial_read emits
 * the restored rows first (through its emit, or into its out array, as the pool would), then
 * runs the pool from the first missing index (opsin_pool_job.first): what the job writes is
 * the same bytes as an uninterrupted run.  The file is opened (created, or cut
 * and appended to) when the first row is emitted by the pool, so a process whose pool emits
 * nothing (a worker rank of a process backend) never writes it.
 */
#ifndef OPSIN_PARTIAL_H
#define OPSIN_PARTIAL_H

#include <stdio.h>

#include "opsin.h"
#include "protocols/pool.h"

typedef struct opsin_partial {
    /* Set by the caller. */
    const char *path; /* the partial file */
    const char *key;  /* the key lines, each ended by '\n' (no line "rows ..." among them) */
    /* Filled by opsin_partial_read (zero: a new file). */
    int restored;     /* 1: the rows below come from the file, to be continued */
    size_t n, width;  /* the file's "rows N W" */
    size_t nrows;     /* rows restored */
    double *vals;     /* nrows x width */
    int *status;      /* nrows */
    char **msg;       /* nrows: the message of a failed row, else NULL */
    long keep;        /* bytes of the file up to the end of the last whole row */
    int torn;         /* 1 when a torn last line was dropped */
    /* Writing (opsin_partial_pool_run). */
    FILE *fp;
    double synced;    /* monotonic time of the last fdatasync, s */
    int err;          /* errno of a failed write, 0 */
} opsin_partial;

/* Reads p->path: checks its magic and that its key lines are p->key, then its rows.  A
 * mismatch or a malformed line is OPSIN_EINVAL with one line in d ("PATH:LINE: what
 * (expected ...)"); a file that cannot be read is OPSIN_EIO (errno kept). */
int opsin_partial_read(opsin_partial *p, opsin_diag *d);

/* Runs job on the pool (pool.h) with p (NULL: opsin_pool_run alone): after
 * opsin_partial_read, emits the restored rows first and runs only the missing ones; at the
 * first row the pool emits, creates p->path anew (header, then the rows) or cuts it after its
 * last whole row, and appends each row as it is emitted.  Returns what opsin_pool_run returns; OPSIN_EINVAL when the restored rows do not
 * fit the job (other N or W); OPSIN_EIO when the partial file could not be written (p->err
 * holds errno; the job's own writes report OPSIN_EIO with p->err 0). */
int opsin_partial_pool_run(const opsin_pool_job *job, unsigned threads, opsin_partial *p,
                           opsin_diag *d);

/* Frees what opsin_partial_read allocated and closes the file (it stays on the disk). */
void opsin_partial_free(opsin_partial *p);

#endif
