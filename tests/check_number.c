/* check_number.c: the number format of the CSV files (io/number.h): fixed cases, and random
 * doubles against the definition (the shortest of %.15g, %.16g, %.17g that reads back). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/number.h"

typedef struct number_case {
    double x;
    const char *text;
} number_case;

static const number_case cases[] = {
    {0.052, "0.052"},
    {0.1 + 0.2, "0.30000000000000004"},
    {0.001 + 0.05 + 0.001, "0.052000000000000005"},
    {0.3, "0.3"},
    {0.0, "0"},
    {-0.0, "-0"},
    {1.0, "1"},
    {-2.5, "-2.5"},
    {100.0, "100"},
    {123456.0, "123456"},
    {1e15, "1e+15"},
    {1e16, "1e+16"},
    {1e23, "1e+23"},
    {1234567890123455.0, "1234567890123455"}, /* a tie at 15 digits */
    {0.0001, "0.0001"},
    {1e-5, "1e-05"},
    {3e-5, "3e-05"},
    {0.03 / 1000, "2.9999999999999997e-05"},
    {1e-300, "1e-300"},
    {1e300, "1e+300"},
    {DBL_MAX, "1.7976931348623157e+308"},
    {DBL_MIN, "2.2250738585072014e-308"},
    {4.9406564584124654e-324, "4.94065645841247e-324"}, /* the smallest denormal */
    {2.2250738585072009e-308, "2.225073858507201e-308"}, /* the largest denormal */
    {1e-310, "9.99999999999997e-311"}, /* a denormal: 15 digits of what it holds */
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {-NAN, "nan"},
};

START_TEST(test_cases)
{
    const number_case *c = &cases[_i];
    char buf[OPSIN_NUMBER_MAX];
    opsin_number_format(buf, sizeof buf, c->x);
    ck_assert_msg(strcmp(buf, c->text) == 0, "%a: '%s' (expected '%s')", c->x, buf, c->text);
}
END_TEST

/* The contract as written. */
static void definition(char *buf, size_t len, double x)
{
    if (isnan(x)) {
        snprintf(buf, len, "nan");
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Doubles of every kind: any bit pattern, sums and products of short decimals (times of
 * pulses and grids), neighbours of powers of ten and two, integers. */
static double random_double(uint64_t *s, int kind)
{
    uint64_t u = next(s);
    double x;
    switch (kind) {
    case 0: memcpy(&x, &u, sizeof x); return x;
    case 1: return (double)(u % 2000001) * 1e-3 - 1000.0;
    case 2: return (double)(u % 100000) * 8e-5 + 0.001;
    case 3: return nextafter(pow(10, (int)(u % 600) - 300), u & 1024 ? INFINITY : 0);
    case 4: return nextafter(ldexp(1, (int)(u % 2000) - 1000), u & 4096 ? INFINITY : 0);
    default: return (double)(u >> (u % 40));
    }
}

/* Same text as the definition, and it reads back as the same double, bit for bit. */
START_TEST(test_random)
{
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 30000; i++) {
        double x = random_double(&s, i % 6), y;
        char got[OPSIN_NUMBER_MAX], want[OPSIN_NUMBER_MAX];
        opsin_number_format(got, sizeof got, x);
        definition(want, sizeof want, x);
        ck_assert_msg(strcmp(got, want) == 0, "%a: '%s' (expected '%s')", x, got, want);
        y = strtod(got, NULL);
        ck_assert_msg(isnan(x) ? isnan(y) : memcmp(&x, &y, sizeof x) == 0, "%a: '%s' reads "
                      "back as %a", x, got, y);
    }
}
END_TEST

/* The time snap against its definition through the text: the double nearest the %.15g
 * decimal when that is within 4 ulps, else the time itself; on grid times k dt and pulse
 * edges, ties at 15 digits (x 10^k = n + 1/2 exactly: 1234567890123455 / 10^j), neighbours of
 * powers of ten and every kind above. */
static double snap_definition(double t)
{
    if (!isfinite(t) || t == 0.0)
        return t;
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", t);
    double d = strtod(buf, NULL), ulp = nextafter(fabs(t), INFINITY) - fabs(t);
    return fabs(d - t) <= 4.0 * ulp ? d : t;
}

START_TEST(test_time_snap)
{
    uint64_t s = 0x2545F4914F6CDD1Du;
    const double dts[] = {1e-5, 3e-5, 1e-4, 2.5e-4, 1e-3, 0.1, 7e-9, 1.1e-8};
    for (int i = 0; i < 60000; i++) {
        double x;
        if (i % 4 == 0)
            x = (double)(next(&s) % 100000) * dts[next(&s) % 8];
        else if (i % 4 == 1)
            x = 1234567890123455.0 / pow(10, (int)(next(&s) % 40)) *
                (next(&s) & 1 ? 1 : -1);
        else
            x = random_double(&s, i % 6);
        double got = opsin_time_snap(x), want = snap_definition(x);
        ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "%a: snapped to %a (expected %a)",
                      x, got, want);
    }
    ck_assert(opsin_time_snap(0.001 + 0.05 + 0.001) == 0.052);
    ck_assert(opsin_time_snap(523 * 1e-4) == 0.0523);
}
END_TEST

/* A short buffer gets the start of the text, terminated. */
START_TEST(test_short_buffer)
{
    char buf[5];
    opsin_number_format(buf, sizeof buf, 0.30000000000000004);
    ck_assert_str_eq(buf, "0.30");
    opsin_number_format(buf, sizeof buf, 1e-300);
    ck_assert_str_eq(buf, "1e-3");
}
END_TEST

/* A list: commas between the numbers, nothing after the last. */
START_TEST(test_write_list)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    double v[] = {0.052, NAN, -INFINITY, 1e-5};
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_ne(opsin_number_write_list(fp, v, 4), EOF);
    ck_assert_int_ne(opsin_number_write(fp, 0.1 + 0.2), EOF);
    fclose(fp);
    ck_assert_str_eq(text, "0.052,nan,-inf,1e-050.30000000000000004");
    free(text);
}
END_TEST

static Suite *number_suite(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("format");
    tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_random);
    tcase_add_test(tc, test_short_buffer);
    tcase_add_test(tc, test_write_list);
    tcase_add_test(tc, test_time_snap);
    tcase_set_timeout(tc, 60); /* 0.3 s alone; a loaded machine has stretched it past 4 s */
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(number_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
