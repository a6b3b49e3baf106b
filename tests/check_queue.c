/* check_queue.c: the event queue: time order, the tie rule, push order, growth. */
#include <check.h>
#include <stdlib.h>

#include "engine/queue.h"

static opsin_event ev(double t, int kind, size_t index)
{
    opsin_event e = {t, kind, 0, 0, index, 0.0, 0.0, 0};
    return e;
}

/* Random times come out sorted, with every event exactly once. */
START_TEST(test_order)
{
    opsin_queue q;
    opsin_queue_init(&q);
    srand(7);
    for (size_t i = 0; i < 5000; i++)
        ck_assert_int_eq(opsin_queue_push(&q, ev((double)(rand() % 1000) * 1e-3, OPSIN_EV_ON, i)), 0);
    double last = -1.0;
    size_t n = 0;
    opsin_event e;
    while (opsin_queue_pop(&q, &e) == 0) {
        ck_assert(e.t >= last);
        last = e.t;
        n++;
    }
    ck_assert_uint_eq(n, 5000);
    ck_assert_int_eq(opsin_queue_pop(&q, &e), -1);
    ck_assert_ptr_null(opsin_queue_top(&q));
    opsin_queue_free(&q);
}
END_TEST

/* Same time: WAKE, SPIKE, OFF, ON, whatever the push order. */
START_TEST(test_tie_kinds)
{
    opsin_queue q;
    opsin_queue_init(&q);
    opsin_queue_push(&q, ev(1.0, OPSIN_EV_ON, 0));
    opsin_queue_push(&q, ev(1.0, OPSIN_EV_OFF, 1));
    opsin_queue_push(&q, ev(1.0, OPSIN_EV_SPIKE, 2));
    opsin_queue_push(&q, ev(1.0, OPSIN_EV_WAKE, 3));
    opsin_queue_push(&q, ev(0.5, OPSIN_EV_ON, 4));
    int want[] = {OPSIN_EV_ON, OPSIN_EV_WAKE, OPSIN_EV_SPIKE, OPSIN_EV_OFF, OPSIN_EV_ON};
    size_t want_index[] = {4, 3, 2, 1, 0};
    opsin_event e;
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(opsin_queue_pop(&q, &e), 0);
        ck_assert_int_eq(e.kind, want[i]);
        ck_assert_uint_eq(e.index, want_index[i]);
    }
    opsin_queue_free(&q);
}
END_TEST

/* Same time and kind: first pushed, first out (stable). */
START_TEST(test_tie_fifo)
{
    opsin_queue q;
    opsin_queue_init(&q);
    for (size_t i = 0; i < 100; i++)
        opsin_queue_push(&q, ev(2.0, OPSIN_EV_ON, i));
    opsin_event e;
    for (size_t i = 0; i < 100; i++) {
        opsin_queue_pop(&q, &e);
        ck_assert_uint_eq(e.index, i);
    }
    opsin_queue_free(&q);
}
END_TEST

/* Times one ulp apart stay distinct: nothing is rounded to a grid. */
START_TEST(test_exact_times)
{
    opsin_queue q;
    opsin_queue_init(&q);
    double t = 0.1 * 3;
    opsin_queue_push(&q, ev(nextafter(t, 1.0), OPSIN_EV_WAKE, 1));
    opsin_queue_push(&q, ev(t, OPSIN_EV_ON, 0));
    opsin_event e;
    opsin_queue_pop(&q, &e);
    ck_assert_uint_eq(e.index, 0);
    ck_assert(e.t == t);
    opsin_queue_pop(&q, &e);
    ck_assert_uint_eq(e.index, 1);
    opsin_queue_free(&q);
}
END_TEST

static Suite *queue_suite(void)
{
    Suite *s = suite_create("queue");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_order);
    tcase_add_test(core, test_exact_times);
    suite_add_tcase(s, core);
    TCase *ties = tcase_create("ties");
    tcase_add_test(ties, test_tie_kinds);
    tcase_add_test(ties, test_tie_fifo);
    suite_add_tcase(s, ties);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(queue_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
