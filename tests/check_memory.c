/* check_memory.c: what loading and running cost: duplicate ids among many. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testutil.h"

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

/* ---- ids --------------------------------------------------------------------------------- */

static const char neuron[] =
    "components = ({ id = \"n\"; model = \"lif\"; });\nprobes = [\"n.V\"];\n";

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

static Suite *memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *ids = tcase_create("ids");
    tcase_add_test(ids, test_duplicate_source_among_many);
    tcase_add_loop_test(ids, test_components_by_id, 0, 2);
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
