/* pool.c: the worker pool (see pool.h): POSIX threads take the next index, the calling
 * thread emits rows in index order; or the process backend the program set (pool_mpi.c). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/pool.h"

typedef struct pool {
    const opsin_pool_job *job;
    unsigned char *rows;   /* n x row_size */
    int *status;           /* per job */
    opsin_diag *diag;      /* per job */
    unsigned char *done;   /* per job */
    unsigned char *cut;    /* per job: failed once the pool was cancelled (cut short) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;           /* next index to hand out */
    size_t limit;          /* no index at or above it is handed out */
} pool;

/* 1 once the caller's cancel flag is set. */
static int cancelled(const pool *p)
{
    return p->job->cancel && *p->job->cancel;
}

/* Hands out the next index below the limit; 0 when there is none, or when the pool is
 * cancelled (then the emit loop, which may wait for this index, is woken to see it). */
static int take(pool *p, size_t *i)
{
    pthread_mutex_lock(&p->mu);
    int stop = cancelled(p), ok = !stop && p->next < p->limit;
    if (ok)
        *i = p->next++;
    if (stop)
        pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return ok;
}

/* Runs job i and files its outcome; a failure lowers the limit when failures stop the pool. */
static void run_one(pool *p, size_t i)
{
    p->diag[i].msg[0] = '\0';
    int status = p->job->run(p->job->ctx, i, p->rows + i * p->job->row_size, &p->diag[i]);
    pthread_mutex_lock(&p->mu);
    p->status[i] = status;
    p->done[i] = 1;
    p->cut[i] = status && cancelled(p);
    if (status && p->job->stop_on_failure && i + 1 < p->limit)
        p->limit = i + 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
    pool *p = arg;
    size_t i;
    while (take(p, &i))
        run_one(p, i);
    return NULL;
}

/* Stops handing out work (after a failure, or when emit asks). */
static void halt(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->limit = 0;
    pthread_mutex_unlock(&p->mu);
}

/* Makes row i done: runs it here when no worker thread runs, else waits for it (every index
 * below a failure is handed out, and the emit loop stops at the first failure).  0 when the
 * pool was cancelled before row i was handed out. */
static int wait_for(pool *p, size_t i, int threaded)
{
    if (!threaded) {
        size_t k;
        if (take(p, &k))
            run_one(p, k);
        return p->done[i];
    }
    pthread_mutex_lock(&p->mu);
    while (!p->done[i] && !(i >= p->next && cancelled(p)))
        pthread_cond_wait(&p->cv, &p->mu);
    int done = p->done[i];
    pthread_mutex_unlock(&p->mu);
    return done;
}

/* The calling thread's part: every row in index order to emit. */
static int emit_all(pool *p, int threaded, opsin_diag *d)
{
    const opsin_pool_job *job = p->job;
    for (size_t i = job->first < job->n ? job->first : job->n; i < job->n; i++) {
        if (!wait_for(p, i, threaded) || p->cut[i]) {
            opsin_diag_set(d, NULL, 0, "interrupted");
            return OPSIN_ECALLBACK;
        }
        if (p->status[i] && job->stop_on_failure) {
            *d = p->diag[i];
            return p->status[i];
        }
        unsigned char *row = p->rows + i * job->row_size;
        int rc = job->emit ? job->emit(job->ctx, i, row, p->status[i], &p->diag[i]) : OPSIN_OK;
        if (!job->emit)
            memcpy((unsigned char *)job->out + i * job->row_size, row, job->row_size);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}

/* Allocates the per-job arrays; 0 or -1. */
static int pool_alloc(pool *p, const opsin_pool_job *job)
{
    memset(p, 0, sizeof *p);
    p->job = job;
    p->limit = job->n;
    p->next = job->first < job->n ? job->first : job->n;
    size_t n = job->n ? job->n : 1;
    p->rows = calloc(n, job->row_size ? job->row_size : 1);
    p->status = calloc(n, sizeof *p->status);
    p->diag = calloc(n, sizeof *p->diag);
    p->done = calloc(n, 1);
    p->cut = calloc(n, 1);
    return p->rows && p->status && p->diag && p->done && p->cut ? 0 : -1;
}

static void pool_free(pool *p)
{
    free(p->rows);
    free(p->status);
    free(p->diag);
    free(p->done);
    free(p->cut);
}

static opsin_pool_backend backend_set; /* pool.h: NULL, or the program's process backend */

void opsin_pool_set_backend(opsin_pool_backend backend)
{
    backend_set = backend;
}

int opsin_pool_run(const opsin_pool_job *job, unsigned threads, opsin_diag *diag)
{
    return backend_set ? backend_set(job, threads, diag)
                       : opsin_pool_run_threads(job, threads, diag);
}

int opsin_pool_run_threads(const opsin_pool_job *job, unsigned threads, opsin_diag *diag)
{
    pool p;
    if (pool_alloc(&p, job)) {
        pool_free(&p);
        opsin_diag_set(diag, NULL, 0, "out of memory (expected fewer points)");
        return OPSIN_ENOMEM;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    size_t todo = job->n - p.next;
    size_t nt = threads < 1 ? 1 : threads > todo ? todo : threads, started = 0;
    pthread_t *tid = calloc(nt ? nt : 1, sizeof *tid);
    sigset_t all, old; /* workers are born with every signal blocked: they reach the caller */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    while (tid && started < nt && pthread_create(&tid[started], NULL, worker, &p) == 0)
        started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int rc = emit_all(&p, started > 0, diag);
    halt(&p);
    for (size_t k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    free(tid);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    pool_free(&p);
    return rc;
}
