/* pool.h: the one worker pool of the protocols (sweep, ppf, stdp): jobs 0 .. n-1 run on
 * threads and their result rows come back to the caller in index order.
 *
 * A job maps an index to a result row of row_size bytes and nothing else, the shape a
 * process backend (MPI ranks shipping rows to rank 0) can implement as well as threads.
 * run() is called from worker threads for distinct indices and must not touch shared
 * writable state.  emit() is called on the calling thread for i = 0, 1, ... in order, each
 * once its row and every row before it are done, so whatever emit writes is the same bytes
 * for any number of threads.  Failure rule: with stop_on_failure, no job above a failed
 * index is started once the failure is known and emission stops at the first failed row, so
 * the failure reported is always the lowest-index one; without it, failed rows are emitted
 * like the others (with their status and message) and the pool goes on.
 *
 * Cancelling (an interrupt): once *cancel is non-zero no job is started, and emission stops
 * at the first row that was not done before it (a job that failed once *cancel was set was
 * cut short, not done), so what was emitted is rows 0 .. k-1 exactly as an uncancelled pool
 * would have emitted them.  Worker threads block every signal: signals reach the caller.
 */
#ifndef OPSIN_POOL_H
#define OPSIN_POOL_H

#include <signal.h>
#include <stddef.h>

#include "opsin.h"

typedef struct opsin_pool_job {
    size_t n;        /* jobs */
    size_t row_size; /* bytes of one result row */
    /* Fills row for job i; returns OPSIN_OK or a status with d filled. */
    int (*run)(void *ctx, size_t i, void *row, opsin_diag *d);
    /* Takes row i in order, with the job's status and message; non-zero stops the pool.
     * NULL: row i is copied to out + i row_size. */
    int (*emit)(void *ctx, size_t i, void *row, int status, const opsin_diag *d);
    void *ctx;
    int stop_on_failure;
    void *out; /* n rows, when emit is NULL */
    /* NULL, or a flag (set by a signal handler) that cancels the pool when non-zero; run()
     * may watch it too, to stop early (its row is then dropped). */
    volatile sig_atomic_t *cancel;
    /* Rows below it are not run or emitted (the caller has them: a resumed run, partial.h);
     * jobs first .. n-1 run and are emitted from row first on.  0: all. */
    size_t first;
} opsin_pool_job;

/* Runs every job on `threads` worker threads (>= 1; fewer when there are fewer jobs, and the
 * calling thread alone when none can start).  Returns OPSIN_OK; the status of the lowest
 * failed job (stop_on_failure) with its message in diag; the status emit returned when it
 * stopped the pool; OPSIN_ECALLBACK ("interrupted") when cancelled; or OPSIN_ENOMEM. */
int opsin_pool_run(const opsin_pool_job *job, unsigned threads, opsin_diag *diag);

/* The threaded pool itself (what opsin_pool_run does without a backend). */
int opsin_pool_run_threads(const opsin_pool_job *job, unsigned threads, opsin_diag *diag);

/* A process backend with the contract above (the opsin program's MPI ranks, pool_mpi.h),
 * to which opsin_pool_run hands every job once set; NULL: threads.  The library's one
 * global: set by the program at start, before any pool runs, never by the library. */
typedef int (*opsin_pool_backend)(const opsin_pool_job *job, unsigned threads,
                                  opsin_diag *diag);
void opsin_pool_set_backend(opsin_pool_backend backend);

#endif
