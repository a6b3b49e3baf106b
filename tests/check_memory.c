/* check_memory.c: what loading and running cost in bytes and events: the simulation's memory
 * estimate against the bytes really in use, the memory limit, pulses made one at a time,
 * duplicate ids among many, and loading that grows linearly. */
#include <check.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "testutil.h"

/* Bytes the allocator has handed out and not taken back. */
static double in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return (double)(m.uordblks + m.hblkhd);
}

/* Whether in_use counts: not under valgrind (`make check-valgrind`), whose allocator glibc's
 * statistics do not see; the byte counts are then left to the plain `make check`. */
static int bytes_counted(void)
{
    double before = in_use();
    void *volatile p = malloc(1 << 20);
    int counted = in_use() - before >= (1 << 20);
    free(p);
    ck_assert_msg(counted || getenv("OPSIN_VALGRIND"), "mallinfo2 counts no allocation");
    return counted;
}

/* A text buffer that grows (the test circuits and stimuli are generated). */
typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(k, 0);
        if ((size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = 2 * (t->cap + (size_t)k + 1);
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
}

static opsin_circuit *circuit_of(const char *s)
{
    opsin_circuit *c;
    opsin_diag d;
    ck_assert_msg(opsin_circuit_load(tu_write_temp(0, s), &c, &d) == OPSIN_OK, "%s", d.msg);
    return c;
}

static opsin_stimulus *stimulus_of(const char *s, const opsin_circuit *c)
{
    opsin_stimulus *st;
    opsin_diag d;
    ck_assert_msg(opsin_stimulus_parse(s, "stim", c, &st, &d) == OPSIN_OK, "%s", d.msg);
    return st;
}

/* ---- the estimate ------------------------------------------------------------------------ */

/* 500 components PREFIX0 .. PREFIX499 of a model into c, and a current source on them all
 * into s. */
static void driven(text *c, text *s, const char *prefix, const char *model)
{
    add(s, "sources = ({ id = \"I\"; kind = \"current\"; targets = [");
    for (int i = 0; i < 500; i++) {
        add(c, "{ id = \"%s%d\"; model = \"%s\"; },\n", prefix, i, model);
        add(s, "%s\"%s%d\"", i ? "," : "", prefix, i);
    }
    add(s, "]; start = 0; width = 1; amplitude = \"1 nA\"; });\n");
}

/* Shapes: 500 lif islands (1 state, driven by G_in, in closed form), 500 supercaps with a
 * current source each (3 states), 20 x 25 phototrap cells in light, stars of one supercap and
 * 30 or 300 lifs (one island of 32 or 302 states: the n^2 matrices), and 500 lifs with a
 * current source each (2 states) advanced in closed form, then with CVODE (solver.method).
 * The estimate made before building is within a factor of 1.25 of the bytes in use after
 * 1 ms of simulation. */
START_TEST(test_estimate)
{
    text c = {NULL, 0, 0}, s = {NULL, 0, 0};
    add(&c, "components = (\n");
    switch (_i) {
    case 0:
        for (int i = 0; i < 500; i++)
            add(&c, "{ id = \"n%d\"; model = \"lif\"; G_in = 1e-9; },\n", i);
        break;
    case 1:
        driven(&c, &s, "d", "supercap");
        break;
    case 2:
        c.n = 0;
        add(&c, "materials = ({ id = \"m\"; model = \"phototrap\"; });\narrays = ({ id = \"A\"; "
                "rows = 20; cols = 25; material = \"m\"; });\n");
        add(&s, "sources = ({ id = \"L\"; kind = \"optical\"; wavelength = \"445 nm\"; "
                "targets = [\"A\"]; start = 0; width = 1; irradiance = \"1 mW/cm2\"; });\n");
        break;
    case 3:
    case 4:
        for (int i = 0; i < (_i == 3 ? 30 : 300); i++)
            add(&c, "{ id = \"n%d\"; model = \"lif\"; input = \"d\"; G_in = 1e-9; },\n", i);
        break;
    default:
        driven(&c, &s, "n", "lif");
        break;
    }
    if (_i != 2)
        add(&c, "{ id = \"d\"; model = \"supercap\"; });\n");
    add(&c, "t_end = \"1 ms\";\n");
    if (_i == 6)
        add(&c, "solver = { method = \"cvode\"; };\n");
    opsin_circuit *circ = circuit_of(c.s);
    opsin_stimulus *st = s.s ? stimulus_of(s.s, circ) : NULL;
    double est, before = in_use();
    ck_assert_int_eq(opsin_sim_estimate(circ, st, &est), OPSIN_OK);
    opsin_run_opts o = opsin_run_opts_default(circ, st);
    opsin_sim *sim;
    opsin_diag d;
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    ck_assert_msg(opsin_sim_new(circ, st, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == OPSIN_OK, "%s", d.msg);
    double used = in_use() - before;
    if (bytes_counted())
        ck_assert_msg(est >= used / 1.25 && est <= 1.25 * used, "shape %d: estimate %.0f "
                      "bytes, %.0f in use", _i, est, used);
    opsin_sim_free(sim);
    opsin_stimulus_free(st);
    opsin_circuit_free(circ);
    free(c.s);
    free(s.s);
}
END_TEST

/* A limit below the estimate refuses the simulation, with the estimate in the message; a
 * limit above it, or none, lets it through. */
START_TEST(test_limit)
{
    opsin_circuit *c = circuit_of("materials = ({ id = \"m\"; model = \"phototrap\"; });\n"
                                  "arrays = ({ id = \"A\"; rows = 100; cols = 100; "
                                  "material = \"m\"; });\nt_end = \"1 ms\";\n");
    double est;
    ck_assert_int_eq(opsin_sim_estimate(c, NULL, &est), OPSIN_OK);
    ck_assert_double_gt(est, 1e4 * 15360.0); /* 10,000 islands */
    opsin_run_opts o = opsin_run_opts_default(c, NULL);
    opsin_sim *sim = NULL;
    opsin_diag d;
    o.max_memory = est / 2;
    ck_assert_int_eq(opsin_sim_new(c, NULL, &o, &sim, &d), OPSIN_EINVAL);
    ck_assert_ptr_null(sim);
    char want[200];
    snprintf(want, sizeof want, "the simulation would need about %.3g MiB for its 10000 "
             "components, more than the memory limit of %.3g MiB", est / 1048576.0,
             est / 2 / 1048576.0);
    ck_assert_msg(strstr(d.msg, want) == d.msg, "%s", d.msg);
    o.max_memory = est * 1.01;
    ck_assert_msg(opsin_sim_new(c, NULL, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sim_free(sim);
    o.max_memory = 0;
    ck_assert_msg(opsin_sim_new(c, NULL, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sim_free(sim);
    opsin_circuit_free(c);
}
END_TEST

/* ---- pulses ------------------------------------------------------------------------------ */

static const char neuron[] =
    "components = ({ id = \"n\"; model = \"lif\"; });\nprobes = [\"n.V\"];\n";

/* 10 sources of 10 trains of a million pulses each (one after the other), t_end 1 ms: the
 * stimulus holds its trains, not 10^8 pulses (3.2 GB before), and the run queues each pulse
 * only when the one before it starts: 2 events for each of the 11 pulses that start by t_end
 * (s0's second one at t_end itself ends after it), and the count of those after it. */
START_TEST(test_lazy_pulses)
{
    text s = {NULL, 0, 0};
    add(&s, "sources = (\n");
    for (int i = 0; i < 10; i++) {
        add(&s, "{ id = \"s%d\"; kind = \"current\"; targets = [\"n\"]; trains = (", i);
        for (int j = 0; j < 10; j++)
            add(&s, "{ start = %.17g; width = 1e-7; period = 1e-3; count = 1000000; "
                    "amplitude = 1e-12; }%s", j * 1000.0 + i * 0.2e-6, j < 9 ? "," : "");
        add(&s, "); }%s\n", i < 9 ? "," : "");
    }
    add(&s, ");\n");
    opsin_circuit *c = circuit_of(neuron);
    double before = in_use();
    opsin_stimulus *st = stimulus_of(s.s, c);
    if (bytes_counted())
        ck_assert_double_lt(in_use() - before, 1e6);
    trace tr;
    tu_run_built(&tr, c, st, 1e-3, 1e-4, NULL, 1);
    ck_assert_uint_eq(tr.stats.pulses, 100000000);
    ck_assert_uint_eq(tr.stats.pulses_after_end, 100000000 - 11);
    ck_assert_uint_eq(tr.stats.events, 2 * 11 - 1);
    tu_free(&tr);
    opsin_stimulus_free(st);
    opsin_circuit_free(c);
    free(s.s);
}
END_TEST

/* Pulses after t_end, counted from the starts the run computes (0.1 + k 0.1, set to the
 * decimal it lands beside: 0.30000000000000004 is 0.3): t_end exactly on a start (0.3 and
 * 0.7: that pulse is not after the end), one ulp above it, before the first and after the
 * last. */
START_TEST(test_pulses_after_end)
{
    static const struct {
        double t_end;
        unsigned long after;
    } cases[] = {{0.1 + 2 * 0.1, 7}, {0.3, 7}, {0.7, 3}, {0.0999, 10}, {5, 0}};
    opsin_circuit *c = circuit_of(neuron);
    opsin_stimulus *st = stimulus_of("sources = ({ id = \"a\"; kind = \"current\"; targets = "
                                     "[\"n\"]; start = 0.1; width = 0.01; period = 0.1; "
                                     "count = 10; amplitude = 1e-12; });\n", c);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        trace tr;
        tu_run_built(&tr, c, st, cases[i].t_end, cases[i].t_end, NULL, 1);
        ck_assert_uint_eq(tr.stats.pulses, 10);
        ck_assert_msg(tr.stats.pulses_after_end == cases[i].after, "t_end %.17g: %lu after",
                      cases[i].t_end, tr.stats.pulses_after_end);
        tu_free(&tr);
    }
    opsin_stimulus_free(st);
    opsin_circuit_free(c);
}
END_TEST

/* ---- ids --------------------------------------------------------------------------------- */

/* 5000 sources, the last reusing the id of the 1235th: found through the index, with the
 * line of the first. */
START_TEST(test_duplicate_source_among_many)
{
    text s = {NULL, 0, 0};
    add(&s, "sources = (\n");
    for (int i = 0; i < 5000; i++)
        add(&s, "{ id = \"s%d\"; kind = \"current\"; targets = [\"n\"]; start = %d; "
                "width = 0.5; amplitude = 1e-12; }%s\n", i == 4999 ? 1234 : i, i,
            i < 4999 ? "," : "");
    add(&s, ");\n");
    opsin_circuit *c = circuit_of(neuron);
    opsin_stimulus *st = NULL;
    opsin_diag d;
    ck_assert_int_eq(opsin_stimulus_parse(s.s, "many", c, &st, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, "many:5001: source 's1234' is defined twice (expected unique ids; "
                            "first at line 1236)");
    opsin_circuit_free(c);
    free(s.s);
}
END_TEST

/* 5000 components, the last reusing the id of the 1235th; then every id is found. */
START_TEST(test_components_by_id)
{
    text c = {NULL, 0, 0};
    add(&c, "components = (\n");
    for (int i = 0; i < 5000; i++)
        add(&c, "{ id = \"c%d\"; model = \"lif\"; }%s\n", i == 4999 && _i ? 1234 : i,
            i < 4999 ? "," : "");
    add(&c, ");\n");
    opsin_circuit *circ;
    opsin_diag d;
    const char *path = tu_write_temp(0, c.s);
    if (_i) {
        ck_assert_int_eq(opsin_circuit_load(path, &circ, &d), OPSIN_EINVAL);
        char want[256];
        snprintf(want, sizeof want, "%s:5001: component 'c1234' is defined twice (expected "
                 "unique ids)", path);
        ck_assert_str_eq(d.msg, want);
    } else {
        ck_assert_msg(opsin_circuit_load(path, &circ, &d) == OPSIN_OK, "%s", d.msg);
        for (int i = 0; i < 5000; i++) {
            char id[16];
            snprintf(id, sizeof id, "c%d", i);
            ck_assert_int_eq(opsin_circuit_find(circ, id), i);
        }
        ck_assert_int_eq(opsin_circuit_find(circ, "c5000"), -1);
        opsin_circuit *copy;
        ck_assert_int_eq(opsin_circuit_copy(circ, &copy), OPSIN_OK);
        ck_assert_int_eq(opsin_circuit_find(copy, "c4321"), 4321);
        opsin_circuit_free(copy);
        opsin_circuit_free(circ);
    }
    free(c.s);
}
END_TEST

/* CPU seconds of this process. */
static double cpu_seconds(void)
{
    struct timespec t;
    ck_assert_int_eq(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds to load, the best of three, n sources of their own id on one neuron (shape 0)
 * or n components and one source that targets them all (shape 1). */
static double load_seconds(int shape, int n)
{
    text c = {NULL, 0, 0}, s = {NULL, 0, 0};
    add(&c, "%s", shape ? "components = (\n" : neuron);
    add(&s, "sources = (\n");
    for (int i = 0; i < n; i++) {
        if (shape)
            add(&c, "{ id = \"c%d\"; model = \"lif\"; }%s\n", i, i < n - 1 ? "," : ");");
        else
            add(&s, "{ id = \"s%d\"; kind = \"current\"; targets = [\"n\"]; start = %d; "
                    "width = 0.5; amplitude = 1e-12; },\n", i, i);
    }
    if (shape) {
        add(&s, "{ id = \"all\"; kind = \"current\"; targets = [");
        for (int i = 0; i < n; i++)
            add(&s, "%s\"c%d\"", i ? "," : "", i);
        add(&s, "]; start = 0; width = 1; amplitude = 1e-12; }\n);\n");
    } else {
        add(&s, "{ id = \"last\"; kind = \"current\"; targets = [\"n\"]; start = 0; "
                "width = 0.5; amplitude = 1e-12; }\n);\n");
    }
    const char *path = tu_write_temp(0, c.s);
    double best = INFINITY;
    for (int k = 0; k < 3; k++) {
        opsin_circuit *circ;
        opsin_stimulus *st;
        opsin_diag d;
        double t0 = cpu_seconds();
        ck_assert_msg(opsin_circuit_load(path, &circ, &d) == OPSIN_OK, "%s", d.msg);
        ck_assert_msg(opsin_stimulus_parse(s.s, "stim", circ, &st, &d) == OPSIN_OK, "%s", d.msg);
        best = fmin(best, cpu_seconds() - t0);
        opsin_stimulus_free(st);
        opsin_circuit_free(circ);
    }
    free(c.s);
    free(s.s);
    return best;
}

/* Loading grows linearly (ids through a hash index, targets checked by sorting): four times
 * the sources, or the components a source targets, cost at most eight times the CPU time
 * (a pairwise check of the ids or the targets costs sixteen times).  Not under valgrind,
 * whose slowdown is not uniform. */
START_TEST(test_load_linear)
{
    if (getenv("OPSIN_VALGRIND"))
        return;
    double small = load_seconds(_i, 10000), big = load_seconds(_i, 40000);
    ck_assert_msg(big <= 8 * small, "shape %d: 10000 load in %.3f s, 40000 in %.3f s (%.1f x)",
                  _i, small, big, big / small);
}
END_TEST

static Suite *memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *est = tcase_create("estimate");
    tcase_add_loop_test(est, test_estimate, 0, 7);
    tcase_add_test(est, test_limit);
    tcase_set_timeout(est, 60);
    suite_add_tcase(s, est);
    TCase *pulses = tcase_create("pulses");
    tcase_add_test(pulses, test_lazy_pulses);
    tcase_add_test(pulses, test_pulses_after_end);
    tcase_set_timeout(pulses, 60);
    suite_add_tcase(s, pulses);
    TCase *ids = tcase_create("ids");
    tcase_add_test(ids, test_duplicate_source_among_many);
    tcase_add_loop_test(ids, test_components_by_id, 0, 2);
    tcase_add_loop_test(ids, test_load_linear, 0, 2);
    tcase_set_timeout(ids, 60);
    suite_add_tcase(s, ids);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(memory_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
