/* pool_mpi.c: the worker pool on MPI ranks (see pool_mpi.h and pool.h), master and workers.
 *
 * Rank 0 only distributes and emits; ranks 1 .. N-1 compute.  A worker asks for work with a
 * REQ that also carries the rows of its previous chunk; rank 0 answers WORK (a chunk of
 * indices) or STOP (the pool's outcome).  Chunks are guided: a share of what is left,
 * remaining / (2 workers), but no more than CHUNK_SECONDS of work at the rate the worker's
 * last chunk showed (its first chunk: one row per thread), at least the worker's thread
 * count and at most CHUNK_MAX rows: so cheap points travel in large chunks (few messages),
 * costly ones in small chunks (an interrupted job loses little, a slow point holds the end
 * back little).  A chunk comes back short when the worker was interrupted: the rest is
 * handed out again.  Failure and cancel follow pool.h: with stop_on_failure no index above a
 * known failure is handed out and emission stops at the lowest failed row; a cancel (rank 0's
 * flag) stops handing out at once and emits only the rows that had arrived, in order, and
 * the ranks still computing are answered at finalize.
 *
 * Messages (MPI_BYTE on MPI_COMM_WORLD):
 *   REQ   worker -> 0: req_hdr, then each row of the chunk in order: int32 status, row_size
 *         bytes, and after a failure a uint16 length and the message (no NUL).
 *   WORK  0 -> worker: work_msg.
 *   STOP  0 -> worker: stop_hdr, the message, then nbytes of rows: all n rows when the job
 *         has an out array (every rank then holds rank 0's results and goes on alike; rank
 *         0's job may have an emit as well: partial.h's wrapper fills out as it emits).
 *   ASK   worker -> 0 and AGREE 0 -> worker: an int32, rank 0's decision
 *         (opsin_pool_mpi_agree: run the pool or not), asked for before it.
 *   FINAL worker -> 0 and EXIT 0 -> worker: an int32 exit status (finalize).
 * A resumed job (pool.h's first > 0) exists on rank 0 only: rows below first are neither
 * handed out nor emitted there; the workers' jobs start at 0 and run what they are given.
 * Message sizes: REQ 56 bytes + (4 + row_size) per row (+ 2 + message per failed row),
 * WORK 16 bytes.  Waiting is MPI_Iprobe and a sleep growing from 20 us to 1 ms: an idle
 * rank leaves its core to the others, and rank 0 sees its cancel flag while it waits.
 * OPSIN_MPI_STATS=1 in rank 0's environment prints what rank 0 received and how fast.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "protocols/pool.h"
#include "protocols/pool_mpi.h"

#ifndef HAVE_MPI

/* The number in environment variable name (a launcher's), or -1. */
static long env_number(const char *name)
{
    const char *v = getenv(name);
    char *end;
    long n = v ? strtol(v, &end, 10) : -1;
    return v && *v && !*end ? n : -1;
}

/* Built without MPI but started as one of several ranks (mpirun, srun): every rank would run
 * the whole command on the same files and race on its outputs, so each refuses, and the
 * launcher's rank 0 says why. */
int opsin_pool_mpi_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const sizes[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                        "SLURM_STEP_NUM_TASKS"};
    static const char *const ranks[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                        "SLURM_PROCID"};
    long size = -1, rank = -1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0] && size < 0; i++)
        size = env_number(sizes[i]);
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0] && rank < 0; i++)
        rank = env_number(ranks[i]);
    if (size < 2)
        return 0;
    if (rank <= 0)
        fprintf(stderr, "opsin: this opsin was built without MPI, but it was started as %ld "
                "ranks of an MPI job, each of which would run the whole command (expected "
                "one process, or opsin built by configure --with-mpi with Open MPI "
                "installed)\n", size);
    return -1;
}

int opsin_pool_mpi_launched(void)
{
    return 0;
}

int opsin_pool_mpi_rank(void)
{
    return 0;
}

int opsin_pool_mpi_finalize(int status)
{
    return status;
}

int opsin_pool_mpi_size(void)
{
    return 1;
}

int opsin_pool_mpi_agree(int decision)
{
    return decision;
}

#else

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#define CHUNK_MAX 1024   /* rows per chunk at most: bounds a REQ and a slow chunk's tail */
#define CHUNK_SECONDS 0.2 /* a chunk's aim, from the worker's last one: resume and balance */

enum { TAG_REQ = 1, TAG_WORK, TAG_STOP, TAG_FINAL, TAG_EXIT, TAG_ASK, TAG_AGREE };

typedef struct req_hdr {
    uint64_t seq;        /* the worker's pool number (1, 2, ... in program order) */
    uint64_t n, row_size; /* the job as the worker parsed it: must be rank 0's */
    uint64_t start, count; /* the rows that follow: indices start .. start + count - 1 */
    uint32_t threads;    /* the worker's threads: the smallest useful chunk */
    uint32_t leaving;    /* 1: the worker was interrupted and takes no more work */
    uint64_t spare;
} req_hdr;

typedef struct work_msg {
    uint64_t start, count;
} work_msg;

typedef struct stop_hdr {
    int32_t rc;
    uint32_t msglen;
    uint64_t nbytes;
} stop_hdr;

static int mpi_on, mpi_rank, mpi_size;
static uint64_t pool_seq;      /* pools run by this rank */
static unsigned char *gone;    /* rank 0: per rank, 1 once it sent FINAL */

int opsin_pool_mpi_rank(void)
{
    return mpi_rank;
}

int opsin_pool_mpi_size(void)
{
    return mpi_on && mpi_size > 1 ? mpi_size : 1;
}

/* ---- waiting ------------------------------------------------------------------------ */

/* Waits for a message from `source` (MPI_ANY_SOURCE) and receives it into *buf (grown);
 * 1 with *tag, *from and *len set, 0 when cancel was set first, -1 on an MPI error. */
static int receive(int source, volatile sig_atomic_t *cancel, unsigned char **buf,
                   size_t *cap, int *tag, int *from, size_t *len)
{
    long nap = 20000; /* ns */
    for (;;) {
        int flag = 0, count = 0;
        MPI_Status st;
        if (cancel && *cancel)
            return 0;
        if (MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS)
            return -1;
        if (flag) {
            MPI_Get_count(&st, MPI_BYTE, &count);
            if ((size_t)count > *cap) {
                unsigned char *b = realloc(*buf, (size_t)count);
                if (!b)
                    return -1;
                *buf = b;
                *cap = (size_t)count;
            }
            if (MPI_Recv(*buf, count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE) != MPI_SUCCESS)
                return -1;
            *tag = st.MPI_TAG;
            *from = st.MPI_SOURCE;
            *len = (size_t)count;
            return 1;
        }
        struct timespec ts = {0, nap};
        nanosleep(&ts, NULL);
        if (nap < 1000000)
            nap *= 2;
    }
}

static int send(const void *buf, size_t len, int to, int tag)
{
    return MPI_Send(buf, (int)len, MPI_BYTE, to, tag, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

/* STOP to a worker: rc, message, rows (NULL: none). */
static int send_stop(int to, int rc, const char *msg, const void *rows, size_t nbytes)
{
    size_t ml = strlen(msg);
    stop_hdr h = {rc, (uint32_t)ml, rows ? nbytes : 0};
    unsigned char *b = malloc(sizeof h + ml + h.nbytes);
    if (!b)
        return -1;
    memcpy(b, &h, sizeof h);
    memcpy(b + sizeof h, msg, ml);
    if (h.nbytes)
        memcpy(b + sizeof h + ml, rows, h.nbytes);
    int r = send(b, sizeof h + ml + h.nbytes, to, TAG_STOP);
    free(b);
    return r;
}

/* ---- rank 0 ------------------------------------------------------------------------- */

typedef struct range {
    size_t start, count;
} range;

typedef struct master {
    const opsin_pool_job *job;
    unsigned char *rows, *done;
    int *status;
    char **msg;            /* per row: NULL, or the failed row's message */
    range *given;          /* per rank: the chunk out there */
    range *again;          /* chunks handed back short, to hand out again */
    size_t nagain;
    unsigned char *active; /* per rank: in this pool, not yet stopped */
    unsigned *threads;     /* per rank */
    double *sent_at, *per_row; /* per rank: when its chunk went out; seconds per row seen */
    size_t next, limit, emitted;
    int stopping, rc;
    opsin_diag diag;
    /* OPSIN_MPI_STATS */
    size_t nreq, bytes, nrows;
    double t_recv, t_emit;
} master;

static double now(void)
{
    return MPI_Wtime();
}

/* Files the rows of a REQ: status, bytes, message; a short chunk goes back in the queue. */
static int file_rows(master *m, int w, const req_hdr *h, const unsigned char *p, size_t len)
{
    const opsin_pool_job *job = m->job;
    const unsigned char *end = p + len;
    range g = m->given[w];
    if (h->count > g.count || (h->count && h->start != g.start))
        return -1;
    for (size_t k = 0; k < h->count; k++) {
        size_t i = (size_t)h->start + k;
        int32_t status;
        if ((size_t)(end - p) < sizeof status + job->row_size)
            return -1;
        memcpy(&status, p, sizeof status);
        p += sizeof status;
        memcpy(m->rows + i * job->row_size, p, job->row_size);
        p += job->row_size;
        if (status) {
            uint16_t ml;
            if ((size_t)(end - p) < sizeof ml)
                return -1;
            memcpy(&ml, p, sizeof ml);
            p += sizeof ml;
            if ((size_t)(end - p) < ml || !(m->msg[i] = malloc((size_t)ml + 1)))
                return -1;
            memcpy(m->msg[i], p, ml);
            m->msg[i][ml] = '\0';
            p += ml;
            if (job->stop_on_failure && i + 1 < m->limit)
                m->limit = i + 1;
        }
        m->status[i] = status;
        m->done[i] = 1;
    }
    if (h->count)
        m->per_row[w] = (now() - m->sent_at[w]) / (double)h->count;
    if (h->count < g.count && m->nagain == (size_t)mpi_size)
        return -1;
    if (h->count < g.count) /* cut short (the worker left): the rest is handed out again */
        m->again[m->nagain++] = (range){g.start + (size_t)h->count, g.count - (size_t)h->count};
    m->given[w] = (range){0, 0};
    m->nrows += (size_t)h->count;
    return 0;
}

/* The next chunk for worker w (count 0: none left below the limit). */
static range next_chunk(master *m, int w)
{
    while (m->nagain) {
        range r = m->again[--m->nagain];
        if (r.start < m->limit) {
            if (r.start + r.count > m->limit)
                r.count = m->limit - r.start;
            return r;
        }
    }
    if (m->next >= m->limit)
        return (range){m->next, 0};
    size_t left = m->limit - m->next, nw = (size_t)mpi_size - 1;
    size_t c = left / (2 * nw), lo = m->threads[w] ? m->threads[w] : 1;
    if (m->per_row[w] > 0 && c > CHUNK_SECONDS / m->per_row[w])
        c = (size_t)(CHUNK_SECONDS / m->per_row[w]);
    else if (!(m->per_row[w] > 0) && c > lo) /* its first chunk: as many rows as threads */
        c = lo;
    if (c < lo)
        c = lo;
    if (c > CHUNK_MAX)
        c = CHUNK_MAX;
    if (c > left)
        c = left;
    range r = {m->next, c};
    m->next += c;
    return r;
}

/* Emits every row that is done, in order (pool.h's rules); stops the pool when it must. */
static void emit_ready(master *m)
{
    const opsin_pool_job *job = m->job;
    double t0 = now();
    while (!m->stopping && m->emitted < job->n && m->done[m->emitted]) {
        size_t i = m->emitted;
        opsin_diag d;
        snprintf(d.msg, sizeof d.msg, "%s", m->msg[i] ? m->msg[i] : "");
        if (m->status[i] && job->stop_on_failure) {
            m->rc = m->status[i];
            m->diag = d;
            m->stopping = 1;
            break;
        }
        unsigned char *row = m->rows + i * job->row_size;
        int rc = OPSIN_OK;
        if (job->emit)
            rc = job->emit(job->ctx, i, row, m->status[i], &d);
        else
            memcpy((unsigned char *)job->out + i * job->row_size, row, job->row_size);
        m->emitted++;
        if (rc) {
            m->rc = rc;
            m->stopping = 1;
        }
    }
    if (m->emitted == job->n)
        m->stopping = 1;
    m->t_emit += now() - t0;
}

/* The STOP of this pool to worker w: the outcome, and the rows when the job has an out
 * array (filled by the copy of emit_ready, or by an emit that fills it: partial.h). */
static int stop_worker(master *m, int w)
{
    m->active[w] = 0;
    const opsin_pool_job *job = m->job;
    return send_stop(w, m->rc, m->rc ? m->diag.msg : "", job->out, job->n * job->row_size);
}

/* A REQ outside any pool of rank 0 (before, after, or a pool rank 0 left): STOP. */
static int stop_stray(int w)
{
    return send_stop(w, OPSIN_ECALLBACK, "rank 0 stopped before this rank's work", NULL, 0);
}

/* One REQ from worker w: file its rows, answer WORK or STOP. */
static int master_req(master *m, int w, const unsigned char *buf, size_t len)
{
    req_hdr h;
    if (len < sizeof h)
        return -1;
    memcpy(&h, buf, sizeof h);
    m->nreq++;
    m->bytes += len;
    if (h.seq != pool_seq)
        return stop_stray(w);
    if (h.n != m->job->n || h.row_size != m->job->row_size) {
        if (!m->rc) {
            m->rc = OPSIN_EINVAL;
            opsin_diag_set(&m->diag, NULL, 0, "rank %d has %llu jobs of %llu bytes, rank 0 "
                           "%zu of %zu (expected every rank to read the same files)", w,
                           (unsigned long long)h.n, (unsigned long long)h.row_size, m->job->n,
                           m->job->row_size);
        }
        m->stopping = 1;
        return stop_worker(m, w);
    }
    m->active[w] = 1;
    m->threads[w] = h.threads;
    if (file_rows(m, w, &h, buf + sizeof h, len - sizeof h))
        return -1;
    emit_ready(m);
    range r = m->stopping || h.leaving ? (range){0, 0} : next_chunk(m, w);
    if (!r.count)
        return stop_worker(m, w);
    m->given[w] = r;
    m->sent_at[w] = now();
    work_msg wm = {r.start, r.count};
    return send(&wm, sizeof wm, w, TAG_WORK);
}

/* OPSIN_MPI_STATS: rows and bytes received, and rank 0's own cost: per message (probe,
 * receive, answer) and per row (filing, emitting), whose sum bounds the rows per second one
 * rank 0 can gather. */
static void master_stats(const master *m, double t)
{
    double per_msg = m->nreq ? (m->t_recv - m->t_emit) / (double)m->nreq : 0.0;
    double per_row = m->nrows ? m->t_emit / (double)m->nrows : 0.0;
    fprintf(stderr, "opsin: mpi: rank 0 received %zu rows in %zu messages (%zu bytes, %.1f "
            "per row) in %.3f s: %.0f rows/s; busy %.3f s (%.2f us per message, %.2f us per "
            "row emitted): at most %.0f rows/s\n", m->nrows, m->nreq, m->bytes,
            m->nrows ? (double)m->bytes / (double)m->nrows : 0.0, t,
            t > 0 ? (double)m->nrows / t : 0.0, m->t_recv, per_msg * 1e6, per_row * 1e6,
            m->t_recv > 0 ? (double)m->nrows / m->t_recv : 0.0);
}

static int master_alloc(master *m, const opsin_pool_job *job)
{
    size_t n = job->n ? job->n : 1, nr = (size_t)mpi_size;
    memset(m, 0, sizeof *m);
    m->job = job;
    m->limit = job->n;
    m->next = m->emitted = job->first < job->n ? job->first : job->n; /* resumed: pool.h */
    m->rows = calloc(n, job->row_size ? job->row_size : 1);
    m->done = calloc(n, 1);
    m->status = calloc(n, sizeof *m->status);
    m->msg = calloc(n, sizeof *m->msg);
    m->given = calloc(nr, sizeof *m->given);
    m->again = calloc(nr, sizeof *m->again);
    m->active = calloc(nr, 1);
    m->threads = calloc(nr, sizeof *m->threads);
    m->sent_at = calloc(nr, sizeof *m->sent_at);
    m->per_row = calloc(nr, sizeof *m->per_row);
    return m->rows && m->done && m->status && m->msg && m->given && m->again && m->active &&
           m->threads && m->sent_at && m->per_row ? 0 : -1;
}

static void master_free(master *m)
{
    for (size_t i = 0; m->msg && i < m->job->n; i++)
        free(m->msg[i]);
    free(m->msg);
    free(m->rows);
    free(m->done);
    free(m->status);
    free(m->given);
    free(m->again);
    free(m->active);
    free(m->threads);
    free(m->sent_at);
    free(m->per_row);
}

/* Rank 0's pool: until every row is emitted (or the pool stopped) and every worker in the
 * pool has its STOP; a cancel returns at once. */
static int master_run(const opsin_pool_job *job, opsin_diag *diag)
{
    master m;
    unsigned char *buf = NULL;
    size_t cap = 0, len;
    int tag, from, err = 0, waiting;
    double t0 = now();
    if (master_alloc(&m, job)) {
        master_free(&m);
        opsin_diag_set(diag, NULL, 0, "out of memory (expected fewer points)");
        return OPSIN_ENOMEM;
    }
    /* Every worker not gone is expected in this pool until it has its STOP. */
    for (int w = 1; w < mpi_size; w++)
        m.active[w] = !gone[w];
    emit_ready(&m); /* n = 0 */
    for (;;) {
        waiting = 0;
        for (int w = 1; w < mpi_size; w++)
            waiting |= m.active[w];
        if (!waiting)
            break;
        int r = receive(MPI_ANY_SOURCE, job->cancel, &buf, &cap, &tag, &from, &len);
        if (r == 0) { /* cancelled: what arrived is emitted, the rest answered at finalize */
            emit_ready(&m);
            if (!m.rc || m.emitted < job->n) {
                m.rc = OPSIN_ECALLBACK;
                opsin_diag_set(&m.diag, NULL, 0, "interrupted");
            }
            break;
        }
        double t1 = now();
        if (r < 0)
            err = 1;
        else if (tag == TAG_REQ)
            err = master_req(&m, from, buf, len) != 0;
        else if (tag == TAG_FINAL) { /* a rank that left before this pool */
            gone[from] = 1;
            m.active[from] = 0;
        } else
            err = 1;
        m.t_recv += now() - t1;
        if (err)
            break;
    }
    if (err) {
        m.rc = OPSIN_EIO;
        opsin_diag_set(&m.diag, NULL, 0, "MPI: a message from rank %d failed (expected every "
                       "rank to run the same opsin on the same files)", from);
    } else if (!m.stopping) { /* every worker left: nobody computes the rest */
        m.rc = OPSIN_ECALLBACK;
        opsin_diag_set(&m.diag, NULL, 0, "every other rank stopped before the last row "
                       "(expected them to run to the end)");
    }
    if (getenv("OPSIN_MPI_STATS"))
        master_stats(&m, now() - t0);
    int rc = m.rc;
    if (rc)
        *diag = m.diag;
    free(buf);
    master_free(&m);
    return rc;
}

/* ---- ranks 1 .. N-1 ------------------------------------------------------------------- */

typedef struct chunk {
    const opsin_pool_job *job;
    size_t start;
    unsigned char *buf; /* the REQ being built */
    size_t len, cap;
    size_t count;       /* rows packed */
} chunk;

static int chunk_put(chunk *c, const void *p, size_t n)
{
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + n)
            cap *= 2;
        unsigned char *b = realloc(c->buf, cap);
        if (!b)
            return -1;
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

static int chunk_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const chunk *c = ctx;
    return c->job->run(c->job->ctx, c->start + i, row, d);
}

/* The threaded pool's emit on a worker: packs the row into the REQ. */
static int chunk_emit(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    chunk *c = ctx;
    int32_t s = status;
    (void)i;
    if (chunk_put(c, &s, sizeof s) || chunk_put(c, row, c->job->row_size))
        return OPSIN_ENOMEM;
    if (status) {
        size_t ml = strlen(d->msg);
        uint16_t l = (uint16_t)(ml > 0xffff ? 0xffff : ml);
        if (chunk_put(c, &l, sizeof l) || chunk_put(c, d->msg, l))
            return OPSIN_ENOMEM;
    }
    c->count++;
    return OPSIN_OK;
}

/* A worker's pool: REQs (each with the rows of the chunk before), WORK chunks run on its
 * threads, until STOP, whose outcome it returns (with rank 0's rows when the job has no
 * emit). */
static int worker_run(const opsin_pool_job *job, unsigned threads, opsin_diag *diag)
{
    chunk c = {job, 0, NULL, 0, 0, 0};
    req_hdr h = {pool_seq, job->n, job->row_size, 0, 0, threads, 0, 0};
    opsin_pool_job sub = {0, job->row_size, chunk_run, chunk_emit, &c, 0, NULL, job->cancel, 0};
    unsigned char *in = NULL;
    size_t cap = 0, len;
    int tag, from, rc = OPSIN_EIO;
    opsin_diag d;
    opsin_diag_set(diag, NULL, 0, "MPI: rank %d lost rank 0", mpi_rank);
    if (chunk_put(&c, &h, sizeof h))
        return OPSIN_ENOMEM;
    for (;;) {
        h.leaving = job->cancel && *job->cancel;
        memcpy(c.buf, &h, sizeof h);
        if (send(c.buf, c.len, 0, TAG_REQ) || receive(0, NULL, &in, &cap, &tag, &from, &len) != 1)
            break;
        if (tag == TAG_WORK && len == sizeof(work_msg)) {
            work_msg wm;
            memcpy(&wm, in, sizeof wm);
            c.start = (size_t)wm.start;
            c.count = 0;
            c.len = sizeof h; /* the header stays in front; its fields are set above */
            sub.n = (size_t)wm.count;
            int st = opsin_pool_run_threads(&sub, threads, &d);
            if (st && st != OPSIN_ECALLBACK)
                break; /* out of memory packing the rows */
            h.start = wm.start;
            h.count = c.count;
            continue;
        }
        if (tag == TAG_STOP && len >= sizeof(stop_hdr)) {
            stop_hdr s;
            memcpy(&s, in, sizeof s);
            if (len != sizeof s + s.msglen + s.nbytes)
                break;
            snprintf(diag->msg, sizeof diag->msg, "%.*s", (int)s.msglen, in + sizeof s);
            if (s.nbytes && job->out && s.nbytes == job->n * job->row_size)
                memcpy(job->out, in + sizeof s + s.msglen, s.nbytes);
            rc = s.rc;
        }
        break;
    }
    free(c.buf);
    free(in);
    return rc;
}

/* ---- the backend, start and end ------------------------------------------------------- */

static int mpi_pool_run(const opsin_pool_job *job, unsigned threads, opsin_diag *diag)
{
    pool_seq++;
    return mpi_rank == 0 ? master_run(job, diag) : worker_run(job, threads ? threads : 1, diag);
}

/* Started by a launcher: Open MPI's mpirun, or a PMI/PMIx one (srun). */
static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") ||
           getenv("PMI_SIZE");
}

int opsin_pool_mpi_launched(void)
{
    return mpi_on;
}

int opsin_pool_mpi_init(int *argc, char ***argv)
{
    int provided;
    if (!launched())
        return 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "opsin: MPI_Init_thread failed (expected to run under mpirun)\n");
        return -1;
    }
    mpi_on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    if (mpi_size < 2)
        return 0;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    gone = calloc((size_t)mpi_size, 1);
    if (!gone) {
        fprintf(stderr, "opsin: out of memory (expected fewer ranks)\n");
        return -1;
    }
    if (mpi_rank > 0) { /* only rank 0 prints */
        int fd = open("/dev/null", O_WRONLY);
        fflush(stdout);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
            return -1;
        close(fd);
    }
    opsin_pool_set_backend(mpi_pool_run);
    return 0;
}

/* ---- one decision for every rank ----------------------------------------------------- */

static int agree_send(int to, int decision)
{
    int32_t v = decision;
    return send(&v, sizeof v, to, TAG_AGREE);
}

/* Rank 0: answers each worker's ASK with the decision (a worker that ended is not waited
 * for, a stray REQ gets its STOP); -1 on an MPI error. */
static int agree_master(int decision)
{
    unsigned char *asked = calloc((size_t)mpi_size, 1), *buf = NULL;
    size_t cap = 0, len;
    int tag, from, err = !asked;
    for (;;) {
        int left = 0;
        for (int w = 1; !err && w < mpi_size; w++)
            left |= !gone[w] && !asked[w];
        if (!left || receive(MPI_ANY_SOURCE, NULL, &buf, &cap, &tag, &from, &len) != 1)
            break;
        if (tag == TAG_ASK && !asked[from]) {
            asked[from] = 1;
            err = agree_send(from, decision) != 0;
        } else if (tag == TAG_FINAL) {
            gone[from] = 1;
        } else if (tag == TAG_REQ) {
            err = stop_stray(from) != 0;
        } else {
            err = 1;
        }
    }
    free(buf);
    free(asked);
    return err ? -1 : 0;
}

/* A worker: v to rank 0 under tag, then rank 0's int32 answer under tag want (fallback when
 * none came): ASK and AGREE, FINAL and EXIT. */
static int32_t worker_ask(int tag, int32_t v, int want, int32_t fallback)
{
    unsigned char *buf = NULL;
    size_t cap = 0, len;
    int got, from;
    if (send(&v, sizeof v, 0, tag) == 0 &&
        receive(0, NULL, &buf, &cap, &got, &from, &len) == 1 && got == want && len == sizeof v)
        memcpy(&fallback, buf, sizeof v);
    free(buf);
    return fallback;
}

int opsin_pool_mpi_agree(int decision)
{
    if (!mpi_on || mpi_size < 2)
        return decision;
    if (mpi_rank > 0) /* ASK, then rank 0's decision */
        return worker_ask(TAG_ASK, 0, TAG_AGREE, OPSIN_POOL_MPI_NO_DECISION);
    if (agree_master(decision)) {
        fprintf(stderr, "opsin: MPI: the ranks could not agree (expected every rank to run "
                "the same opsin on the same files)\n");
        return OPSIN_POOL_MPI_NO_DECISION;
    }
    return decision;
}

/* Rank 0: answers every stray REQ with STOP until each worker has sent FINAL, then sends
 * them rank 0's status. */
static void master_finalize(int status)
{
    unsigned char *buf = NULL;
    size_t cap = 0, len;
    int tag, from;
    for (;;) {
        int left = 0;
        for (int w = 1; w < mpi_size; w++)
            left |= !gone[w];
        if (!left)
            break;
        if (receive(MPI_ANY_SOURCE, NULL, &buf, &cap, &tag, &from, &len) != 1)
            break;
        if (tag == TAG_REQ)
            stop_stray(from);
        else if (tag == TAG_ASK)
            agree_send(from, OPSIN_POOL_MPI_NO_DECISION); /* rank 0 ended first */
        else if (tag == TAG_FINAL)
            gone[from] = 1;
    }
    free(buf);
    int32_t s = status;
    for (int w = 1; w < mpi_size; w++)
        send(&s, sizeof s, w, TAG_EXIT);
}

int opsin_pool_mpi_finalize(int status)
{
    if (!mpi_on)
        return status;
    if (mpi_size > 1 && mpi_rank == 0)
        master_finalize(status);
    else if (mpi_size > 1)
        status = worker_ask(TAG_FINAL, status, TAG_EXIT, status);
    free(gone);
    MPI_Finalize();
    return status;
}

#endif
