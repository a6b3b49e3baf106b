/* check_road.c: the typed road from protocols to the engine: the worker pool's order and
 * failure rule, circuit copies and typed parameters, probes without a limit, stimuli built
 * in code against the same checks as files. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "protocols/pool.h"
#include "testutil.h"

#define FMES SRCDIR "/circuits/fmes.cfg"

/* ---- the pool ------------------------------------------------------------------------- */

/* Jobs that square their index, fail where fail[i] is set, and finish out of order; job
 * `trigger` sets the cancel flag (a signal arriving while it runs) and fails as a job cut
 * short does. */
typedef struct squares {
    const int *fail;
    size_t emitted[64], nemitted;
    int status[64];
    size_t stop_at; /* emit returns OPSIN_EIO at this index (SIZE_MAX: never) */
    size_t trigger; /* SIZE_MAX: none */
    volatile sig_atomic_t flag;
    size_t started;
    size_t slow; /* 1 + the index of a job that takes 30 ms (0: none) */
} squares;

static int sq_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    squares *q = ctx;
    struct timespec ts = {0, (long)((i * 7919) % 5) * 200000L}; /* shuffle finishing times */
    __atomic_add_fetch(&q->started, 1, __ATOMIC_SEQ_CST);
    if (i + 1 == q->slow)
        ts.tv_nsec = 30000000L;
    nanosleep(&ts, NULL);
    *(double *)row = (double)(i * i);
    if (i == q->trigger) {
        q->flag = SIGTERM;
        opsin_diag_set(d, NULL, 0, "job %zu cut short", i);
        return OPSIN_ECALLBACK;
    }
    if (q->fail[i]) {
        opsin_diag_set(d, NULL, 0, "job %zu failed", i);
        return OPSIN_ESOLVER;
    }
    return OPSIN_OK;
}

static int sq_emit(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    squares *q = ctx;
    (void)d;
    ck_assert(*(double *)row == (double)(i * i));
    q->status[q->nemitted] = status;
    q->emitted[q->nemitted++] = i;
    return i == q->stop_at ? OPSIN_EIO : OPSIN_OK;
}

/* Rows come back in index order, every one once, whatever the thread count. */
START_TEST(test_pool_order)
{
    static const int none[40] = {0};
    for (unsigned threads = 1; threads <= 5; threads++) {
        squares q = {none, {0}, 0, {0}, (size_t)-1, (size_t)-1, 0, 0, 0};
        opsin_pool_job job = {40, sizeof(double), sq_run, sq_emit, &q, 0, NULL, NULL, 0};
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_pool_run(&job, threads, &d), OPSIN_OK);
        ck_assert_uint_eq(q.nemitted, 40);
        for (size_t i = 0; i < 40; i++)
            ck_assert_uint_eq(q.emitted[i], i);
    }
}
END_TEST

/* With stop_on_failure the lowest failed index is reported, and nothing after it emitted,
 * for any number of threads: job 9 takes 30 ms, so with two threads or more job 30 fails
 * earlier in time, and a pool that reported the first failure in time would name it. */
START_TEST(test_pool_lowest_failure)
{
    int fail[40] = {0};
    fail[9] = fail[30] = 1;
    for (unsigned threads = 1; threads <= 5; threads++) {
        squares q = {fail, {0}, 0, {0}, (size_t)-1, (size_t)-1, 0, 0, 10};
        opsin_pool_job job = {40, sizeof(double), sq_run, sq_emit, &q, 1, NULL, NULL, 0};
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_pool_run(&job, threads, &d), OPSIN_ESOLVER);
        ck_assert_str_eq(d.msg, "job 9 failed");
        ck_assert_uint_eq(q.nemitted, 9);
    }
}
END_TEST

/* Without stop_on_failure failed rows are emitted with their status; an emit error stops. */
START_TEST(test_pool_go_on_and_emit_stop)
{
    int fail[40] = {0};
    fail[3] = 1;
    squares q = {fail, {0}, 0, {0}, (size_t)-1, (size_t)-1, 0, 0, 0};
    opsin_pool_job job = {40, sizeof(double), sq_run, sq_emit, &q, 0, NULL, NULL, 0};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_pool_run(&job, 3, &d), OPSIN_OK);
    ck_assert_uint_eq(q.nemitted, 40);
    ck_assert_int_eq(q.status[3], OPSIN_ESOLVER);
    ck_assert_int_eq(q.status[4], OPSIN_OK);
    squares r = {fail, {0}, 0, {0}, 12, (size_t)-1, 0, 0, 0};
    job.ctx = &r;
    ck_assert_int_eq(opsin_pool_run(&job, 3, &d), OPSIN_EIO);
    ck_assert_uint_eq(r.nemitted, 13);
    /* no emit: the rows land in `out`, in their slots */
    double out[40];
    static const int none[40] = {0};
    squares z = {none, {0}, 0, {0}, (size_t)-1, (size_t)-1, 0, 0, 0};
    opsin_pool_job copy = {40, sizeof(double), sq_run, NULL, &z, 1, out, NULL, 0};
    ck_assert_int_eq(opsin_pool_run(&copy, 4, &d), OPSIN_OK);
    for (size_t i = 0; i < 40; i++)
        ck_assert(out[i] == (double)(i * i));
}
END_TEST

/* Cancelled: no job starts once the flag is seen (with one worker: none after the cut one),
 * the cut job is not emitted, and what was emitted is rows 0 .. k-1 in order (k = 12 exactly
 * with one worker: every row before the cut one is done); a flag set before the start runs
 * nothing. */
START_TEST(test_pool_cancel)
{
    static const int none[40] = {0};
    for (unsigned threads = 1; threads <= 5; threads++) {
        squares k = {none, {0}, 0, {0}, (size_t)-1, 12, 0, 0, 0};
        opsin_pool_job job = {40, sizeof(double), sq_run, sq_emit, &k, 0, NULL, &k.flag, 0};
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_pool_run(&job, threads, &d), OPSIN_ECALLBACK);
        ck_assert_str_eq(d.msg, "interrupted");
        ck_assert_msg(k.nemitted <= 12 && (threads > 1 || k.nemitted == 12), "%u threads: %zu "
                      "rows", threads, k.nemitted);
        ck_assert(threads > 1 || k.started == 13); /* none after the cut one */
        for (size_t i = 0; i < k.nemitted; i++) {
            ck_assert_uint_eq(k.emitted[i], i);
            ck_assert_int_eq(k.status[i], OPSIN_OK);
        }
    }
    squares z = {none, {0}, 0, {0}, (size_t)-1, (size_t)-1, SIGINT, 0, 0};
    opsin_pool_job early = {40, sizeof(double), sq_run, sq_emit, &z, 0, NULL, &z.flag, 0};
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_pool_run(&early, 3, &d), OPSIN_ECALLBACK);
    ck_assert_uint_eq(z.started, 0);
    ck_assert_uint_eq(z.nemitted, 0);
}
END_TEST

/* ---- circuits ------------------------------------------------------------------------- */

static opsin_circuit *load(const char *path)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_circuit_load(path, &c, &d) == OPSIN_OK, "%s", d.msg);
    return c;
}

/* Pulse k of source i, as a run makes it. */
static opsin_pulse pulse_at(const opsin_stimulus *s, size_t i, size_t k)
{
    opsin_pulse *p, q;
    size_t n;
    ck_assert_int_eq(opsin_source_pulses(&s->sources[i], INFINITY, &p, &n), OPSIN_OK);
    ck_assert_uint_gt(n, k);
    q = p[k];
    free(p);
    return q;
}

/* A copy is deep: setting a parameter of the copy leaves the original alone, and the copy
 * runs to the same bytes as a circuit loaded with the value from text. */
START_TEST(test_copy_and_set)
{
    opsin_circuit *c = load(FMES), *k = NULL, *t = load(FMES);
    opsin_diag d = {""};
    opsin_param_ref p;
    ck_assert_int_eq(opsin_circuit_copy(c, &k), OPSIN_OK);
    ck_assert_int_eq(opsin_circuit_param_find(k, "syn.R_reg", &p, &d), OPSIN_OK);
    ck_assert_str_eq(p.unit, "ohm");
    ck_assert_int_eq(p.allow_open, 1);
    ck_assert_int_eq(opsin_circuit_set_param(k, &p, 500.0, &d), OPSIN_OK);
    ck_assert(opsin_circuit_get_param(k, &p) == 500.0);
    ck_assert(opsin_circuit_get_param(c, &p) == 7000.0);
    ck_assert_int_eq(opsin_circuit_set(t, "syn.R_reg", "500 ohm", &d), OPSIN_OK);
    trace a, b;
    tu_run_built(&a, k, NULL, 0.02, 1e-3, NULL, 1);
    tu_run_built(&b, t, NULL, 0.02, 1e-3, NULL, 1);
    ck_assert_uint_eq(a.nrows, b.nrows);
    ck_assert_int_eq(memcmp(a.v, b.v, a.nrows * a.ncols * sizeof *a.v), 0);
    tu_free(&a);
    tu_free(&b);
    /* open, and what is refused: below the bound, +inf where open is not allowed, NaN */
    ck_assert_int_eq(opsin_circuit_set_param(k, &p, INFINITY, &d), OPSIN_OK);
    ck_assert_int_eq(opsin_circuit_set_param(k, &p, -1.0, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "syn.R_reg = -1 ohm is out of range (expected") == d.msg, "%s",
                  d.msg);
    ck_assert(isinf(opsin_circuit_get_param(k, &p)));
    ck_assert_int_eq(opsin_circuit_param_find(k, "syn.C1", &p, &d), OPSIN_OK);
    ck_assert_int_eq(opsin_circuit_set_param(k, &p, INFINITY, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "syn.C1 = inf is not allowed (expected a finite value)");
    ck_assert_int_eq(opsin_circuit_set_param(k, &p, NAN, &d), OPSIN_EINVAL);
    ck_assert_int_eq(opsin_circuit_param_find(k, "syn.nope", &p, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "(expected ID.PARAM") != NULL, "%s", d.msg);
    opsin_circuit_free(t);
    opsin_circuit_free(k);
    opsin_circuit_free(c);
}
END_TEST

/* Probes are an array of any length: 300 of them load and run (the old 4 KB text limit). */
START_TEST(test_many_probes)
{
    size_t n = 300, len = 64 + n * 16;
    char *text = malloc(len + 256);
    ck_assert_ptr_nonnull(text);
    size_t used = (size_t)snprintf(text, len, "components = ({ id = \"syn\"; model = "
                                               "\"supercap\"; });\nprobes = [");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, len - used, "%s\"syn.%s\"", i ? ", " : "",
                                 i % 2 ? "v" : "i");
    snprintf(text + used, len - used, "];\n");
    opsin_circuit *c = load(tu_write_temp(0, text));
    free(text);
    ck_assert_uint_eq(opsin_circuit_nprobes(c), n);
    char name[64];
    opsin_probe_name(c, opsin_circuit_probe_at(c, 299), name, sizeof name);
    ck_assert_str_eq(name, "syn.v");
    ck_assert_str_eq(opsin_probe_unit(c, opsin_circuit_probe_at(c, 0)), "A");
    trace tr;
    tu_run_built(&tr, c, NULL, 1e-3, 1e-4, NULL, 1);
    ck_assert_uint_eq(tr.ncols, n);
    tu_free(&tr);
    opsin_circuit_free(c);
}
END_TEST

/* ---- stimuli built in code ------------------------------------------------------------ */

/* A stimulus built in code equals the same stimulus read from a file, pulse for pulse, and
 * gets the file reader's checks with its own name in the message. */
START_TEST(test_build_like_file)
{
    opsin_circuit *c = load(FMES);
    opsin_diag d = {""};
    opsin_stimulus *f = NULL, *s = NULL;
    const char *text = "sources = ({ id = \"I\"; kind = \"current\"; targets = [\"syn\"];\n"
                       "  start = 0.001; width = 0.001; period = 0.01; count = 5;\n"
                       "  amplitude = 0.001; amplitude_end = 0.002; slope = 3.0; });\n";
    ck_assert_msg(opsin_stimulus_load(tu_write_temp(1, text), c, &f, &d) == OPSIN_OK, "%s",
                  d.msg);
    ck_assert_int_eq(opsin_stimulus_new("my pulses", &s), OPSIN_OK);
    const char *target = "syn";
    opsin_source_spec sp = opsin_source_spec_default();
    sp.id = "I";
    sp.targets = &target;
    sp.ntargets = 1;
    size_t si = 99;
    ck_assert_int_eq(opsin_stimulus_add_source(s, c, &sp, &si, &d), OPSIN_OK);
    ck_assert_uint_eq(si, 0);
    opsin_train_spec t = opsin_train_spec_default();
    t.start = 0.001;
    t.width = 0.001;
    t.period = 0.01;
    t.count = 5;
    t.amplitude = 0.001;
    t.amplitude_end = 0.002;
    t.slope = 3.0;
    ck_assert_int_eq(opsin_stimulus_add_train(s, 0, &t, &d), OPSIN_OK);
    ck_assert_uint_eq(s->sources[0].npulses, f->sources[0].npulses);
    for (size_t k = 0; k < 5; k++) {
        opsin_pulse a = pulse_at(s, 0, k), b = pulse_at(f, 0, k);
        ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
    }
    /* the same checks as a file: an overlapping train, a duplicate id, a wrong target */
    t.start = 0.0415;
    ck_assert_int_eq(opsin_stimulus_add_train(s, 0, &t, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "my pulses: pulses of source 'I' overlap at t = 0.0415 s (expected "
                            "each pulse to end before the next starts)");
    ck_assert_uint_eq(s->sources[0].npulses, 5);
    ck_assert_int_eq(opsin_stimulus_add_source(s, c, &sp, NULL, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "source 'I' is defined twice") != NULL, "%s", d.msg);
    sp.id = "L";
    sp.kind = OPSIN_SRC_OPTICAL;
    sp.wavelength = 445e-9;
    ck_assert_int_eq(opsin_stimulus_add_source(s, c, &sp, NULL, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "my pulses: target 'syn' (model supercap) takes no optical drive "
                            "(expected a component that accepts optical input)");
    ck_assert_uint_eq(s->nsources, 1);
    opsin_stimulus_free(s);
    opsin_stimulus_free(f);
    opsin_circuit_free(c);
}
END_TEST

/* Values valid only together (a shorter period with a shorter width) pass when set together
 * and fail alone, leaving the stimulus as it was. */
START_TEST(test_set_together)
{
    opsin_circuit *c = load(FMES);
    opsin_diag d = {""};
    opsin_stimulus *s = NULL;
    ck_assert_int_eq(opsin_stimulus_load(SRCDIR "/stimuli/fmes-ppf.cfg", c, &s, &d), OPSIN_OK);
    opsin_stimulus_param p[2];
    ck_assert_msg(opsin_stimulus_param_find(s, "pre.period", &p[0], &d) == OPSIN_OK, "%s",
                  d.msg);
    ck_assert_int_eq(opsin_stimulus_param_find(s, "pre.width", &p[1], &d), OPSIN_OK);
    opsin_pulse before = pulse_at(s, 0, 1), after;
    double v[2] = {0.4e-3, 0.2e-3};
    ck_assert_int_eq(opsin_stimulus_set_param(s, &p[0], v[0], &d), OPSIN_EINVAL);
    after = pulse_at(s, 0, 1);
    ck_assert_int_eq(memcmp(&after, &before, sizeof before), 0);
    ck_assert_msg(opsin_stimulus_set_params(s, p, v, 2, &d) == OPSIN_OK, "%s", d.msg);
    after = pulse_at(s, 0, 1);
    ck_assert(after.start == pulse_at(s, 0, 0).start + 0.4e-3);
    ck_assert(after.end == after.start + 0.2e-3);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}
END_TEST

static Suite *road_suite(void)
{
    Suite *s = suite_create("road");
    TCase *pool = tcase_create("pool");
    tcase_add_test(pool, test_pool_order);
    tcase_add_test(pool, test_pool_lowest_failure);
    tcase_add_test(pool, test_pool_go_on_and_emit_stop);
    tcase_add_test(pool, test_pool_cancel);
    suite_add_tcase(s, pool);
    TCase *typed = tcase_create("typed");
    tcase_add_test(typed, test_copy_and_set);
    tcase_add_test(typed, test_many_probes);
    tcase_add_test(typed, test_build_like_file);
    tcase_add_test(typed, test_set_together);
    suite_add_tcase(s, typed);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(road_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
