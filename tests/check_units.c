/* check_units.c: unit strings to SI: prefixes, every quantity, and the errors. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opsin.h"

typedef struct unit_case {
    const char *text, *si;
    double want;
} unit_case;

static const unit_case good[] = {
    {"10 ms", "s", 10e-3},        {"2.5", "s", 2.5},           {"1 min", "s", 60.0},
    {"1 h", "s", 3600.0},         {"100 ns", "s", 100e-9},     {"5us", "s", 5e-6},
    {"445 nm", "m", 445e-9},      {"5 mW/cm2", "W/m2", 50.0},  {"65 mW/cm2", "W/m2", 650.0},
    {"11.97 uW/cm2", "W/m2", 11.97e-6 * 1e4}, {"1 W/m2", "W/m2", 1.0},
    {"8 kohm", "ohm", 8000.0},    {"8 k\xCE\xA9", "ohm", 8000.0}, {"1.2 Mohm", "ohm", 1.2e6},
    {"180 nS", "S", 180e-9},      {"5 mS", "S", 5e-3},         {"1 mA", "A", 1e-3},
    {"-1 mA", "A", -1e-3},        {"100 pF", "F", 100e-12},    {"7.9 mF", "F", 7.9e-3},
    {"-65 mV", "V", -65e-3},      {"1e-3 V", "V", 1e-3},       {"  3 V  ", "V", 3.0},
    {"8.9 fJ", "J", 8.9e-15},     {"1e-400 s", "s", 0.0},     {"2 cm2", "m2", 2e-4},       {"1 mm2", "m2", 1e-6},
    {"1.5 eV", "eV", 1.5},        {"10 kHz", "Hz", 1e4},       {"1e17 cm-3", "m-3", 1e23},
};

/* Every accepted form converts to the SI value within one rounding. */
START_TEST(test_good)
{
    const unit_case *c = &good[_i];
    double v = NAN;
    opsin_diag d = {""};
    ck_assert_msg(opsin_units_parse(c->text, c->si, &v, &d) == OPSIN_OK, "%s: %s", c->text, d.msg);
    ck_assert_msg(fabs(v - c->want) <= 1e-15 * fabs(c->want), "%s -> %.17g, want %.17g", c->text,
                  v, c->want);
}
END_TEST

typedef struct bad_case {
    const char *text, *si, *needle;
} bad_case;

static const bad_case bad[] = {
    {"10 parsecs", "s", "unknown unit 'parsecs'"},
    {"5 ms", "F", "'ms' is a unit of time, not of capacitance"}, /* wrong quantity */
    {"5 mS", "s", "'mS' is a unit of conductance, not of time"}, /* S is siemens */
    {"0x10", "s", "is not a number"},         /* no hexadecimal */
    {"nan", "s", "out of range"},
    {"fast", "s", "is not a number"},
    {"", "s", "is not a number"},
    {"1e999 s", "s", "out of range"},
    {"3 V", "", "dimensionless"},
    {"1 kmin", "s", "unknown unit 'kmin'"},   /* min takes no prefix */
    {"2 xV", "V", "unknown unit 'xV'"},
    {"1e300 Tohm", "ohm", "out of range"},    /* finite number, infinite value: no "open" */
    {"1e303 W/mm2", "W/m2", "out of range"},
};

/* Each bad string fails with a message naming the problem and what was expected. */
START_TEST(test_bad)
{
    const bad_case *c = &bad[_i];
    double v = 42.0;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_units_parse(c->text, c->si, &v, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, c->needle) != NULL, "'%s': got '%s'", c->text, d.msg);
    ck_assert_msg(strstr(d.msg, "expected") != NULL, "'%s': no 'expected' in '%s'", c->text,
                  d.msg);
    ck_assert(v == 42.0); /* output untouched on failure */
}
END_TEST

/* A long input is quoted clipped, so that the message still says what was expected (it
 * used to end in the middle of the quote); the same for a value spec. */
START_TEST(test_long_text)
{
    char text[700];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    memcpy(text, "1 parsec", 8);
    double v = 42.0, *vs = NULL;
    size_t n = 0;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_units_parse(text, "s", &v, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "'1 parsecxxx") && strstr(d.msg, "xxx...' (expected s"),
                  "%s", d.msg);
    text[0] = ',';
    ck_assert_int_eq(opsin_values_parse(text, "s", 0, &vs, &n, &d), OPSIN_EINVAL);
    ck_assert_msg(strstr(d.msg, "xxx...': empty item 1 (expected a list"), "%s", d.msg);
    ck_assert(vs == NULL && v == 42.0);
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("convert");
    tcase_add_loop_test(tc, test_good, 0, (int)(sizeof good / sizeof good[0]));
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("errors");
    tcase_add_loop_test(te, test_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(te, test_long_text);
    suite_add_tcase(s, te);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(units_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
