/* team.c: a persistent team of threads (team.h).
 *
 * One 64-bit word announces a call and hands out its tasks: call number (bits 48..63), task
 * count (24..47) and the next task (0..23).  A member claims task i of call g by a compare-
 * and-swap that also checks g, so a member that wakes after its call ended can claim nothing
 * from it and reads the task function only for a call still running.  Members spin on the
 * word for a while (a training step lasts tens of microseconds, less than a sleep and a
 * wake-up) and then sleep on a condition variable.  Worker threads block every signal:
 * signals reach the caller. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "train/team.h"

enum { SPIN = 20000 }; /* polls of the word before a member sleeps (tens of microseconds) */

#define CALL(w) ((w) >> 48)
#define COUNT(w) (((w) >> 24) & 0xFFFFFFu)
#define NEXT(w) ((w) & 0xFFFFFFu)

typedef struct member {
    opsin_team *team;
    unsigned id;
    pthread_t th;
} member;

struct opsin_team {
    unsigned n;
    member *m;
    pthread_mutex_t mu;
    pthread_cond_t go;
    int sleepers, quit;     /* under mu */
    _Atomic uint64_t word;  /* call, count, next */
    atomic_size_t finished; /* tasks of the current call done */
    opsin_team_task task;   /* of the current call */
    void *ctx;
};

/* Claims and runs tasks of call `call` until none is left; 1 if the word moved on. */
static void claim(opsin_team *t, uint64_t call, unsigned id)
{
    uint64_t w = atomic_load_explicit(&t->word, memory_order_acquire);
    while (CALL(w) == call && NEXT(w) < COUNT(w)) {
        if (!atomic_compare_exchange_weak_explicit(&t->word, &w, w + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        t->task(t->ctx, NEXT(w), id);
        atomic_fetch_add_explicit(&t->finished, 1, memory_order_acq_rel);
        w = atomic_load_explicit(&t->word, memory_order_acquire);
    }
}

static void *member_main(void *arg)
{
    member *me = arg;
    opsin_team *t = me->team;
    uint64_t seen = 0;
    for (;;) {
        uint64_t w;
        int spins = 0;
        while (CALL(w = atomic_load_explicit(&t->word, memory_order_acquire)) == seen &&
               ++spins < SPIN)
            ;
        if (CALL(w) == seen) {
            pthread_mutex_lock(&t->mu);
            t->sleepers++;
            while (CALL(w = atomic_load_explicit(&t->word, memory_order_acquire)) == seen &&
                   !t->quit)
                pthread_cond_wait(&t->go, &t->mu);
            t->sleepers--;
            int quit = t->quit;
            pthread_mutex_unlock(&t->mu);
            if (quit)
                return NULL;
        }
        seen = CALL(w);
        claim(t, seen, me->id);
    }
}

opsin_team *opsin_team_new(unsigned n)
{
    opsin_team *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n = n ? n : 1;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->go, NULL);
    atomic_init(&t->word, 0);
    atomic_init(&t->finished, 0);
    if (t->n == 1)
        return t;
    t->m = calloc(t->n, sizeof *t->m);
    if (!t->m) {
        opsin_team_free(t);
        return NULL;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    unsigned made = 1;
    for (; made < t->n; made++) {
        t->m[made].team = t;
        t->m[made].id = made;
        if (pthread_create(&t->m[made].th, NULL, member_main, &t->m[made]))
            break;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (made < t->n) {
        t->n = made; /* joins the members that were made */
        opsin_team_free(t);
        return NULL;
    }
    return t;
}

unsigned opsin_team_size(const opsin_team *t) { return t->n; }

void opsin_team_run(opsin_team *t, opsin_team_task task, void *ctx, size_t ntasks)
{
    if (t->n == 1 || ntasks <= 1) {
        for (size_t i = 0; i < ntasks; i++)
            task(ctx, i, 0);
        return;
    }
    /* Every task of the previous call is finished, so no member reads task or ctx now. */
    t->task = task;
    t->ctx = ctx;
    atomic_store_explicit(&t->finished, 0, memory_order_relaxed);
    uint64_t call = (CALL(atomic_load_explicit(&t->word, memory_order_relaxed)) + 1) & 0xFFFF;
    atomic_store_explicit(&t->word, call << 48 | (uint64_t)ntasks << 24, memory_order_release);
    pthread_mutex_lock(&t->mu);
    if (t->sleepers)
        pthread_cond_broadcast(&t->go);
    pthread_mutex_unlock(&t->mu);
    claim(t, call, 0);
    for (unsigned spins = 0; atomic_load_explicit(&t->finished, memory_order_acquire) < ntasks;)
        if (++spins % 1024 == 0)
            sched_yield();
}

void opsin_team_free(opsin_team *t)
{
    if (!t)
        return;
    if (t->m) {
        pthread_mutex_lock(&t->mu);
        t->quit = 1;
        pthread_cond_broadcast(&t->go);
        pthread_mutex_unlock(&t->mu);
        for (unsigned i = 1; i < t->n; i++)
            pthread_join(t->m[i].th, NULL);
        free(t->m);
    }
    pthread_cond_destroy(&t->go);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
