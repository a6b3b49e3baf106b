/* check_errors.c: every bad input of tests/bad-inputs.txt fails with its exact diagnostic. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h" /* opsin_circuit_parse */
#include "opsin.h"

#ifndef SRCDIR
#error "SRCDIR must name the source tree, e.g. -DSRCDIR='\"/path/to/opsin\"'"
#endif

#define TABLE "tests/bad-inputs.txt"
#define STIMULUS_CIRCUIT "circuits/fmes.cfg"
#define MIN_CASES 24

/* One line of the golden table: FILE|KIND|EXPECTED MESSAGE (pointers into `line`). */
typedef struct bad_case {
    char *line;
    const char *file, *kind, *msg;
    int lineno;
} bad_case;

static bad_case *cases;
static size_t ncases;

/* Splits a table line in place; a malformed line keeps kind == NULL and fails its test. */
static void split_case(bad_case *bc)
{
    char *bar1 = strchr(bc->line, '|');
    char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    bc->file = bc->line;
    if (!bar2)
        return;
    *bar1 = '\0';
    *bar2 = '\0';
    bc->kind = bar1 + 1;
    bc->msg = bar2 + 1;
}

/* Reads the table before the suite is built: the loop test needs the number of cases. */
static void read_table(void)
{
    FILE *fp = fopen(TABLE, "r");
    if (!fp)
        return; /* test_table_size reports it */
    char buf[2048];
    int lineno = 0;
    while (fgets(buf, sizeof buf, fp)) {
        lineno++;
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0] == '\0' || buf[0] == '#') /* blank lines and comments */
            continue;
        bad_case *grown = realloc(cases, (ncases + 1) * sizeof *cases);
        char *copy = malloc(strlen(buf) + 1);
        if (!grown || !copy) {
            free(copy);
            cases = grown ? grown : cases;
            break;
        }
        cases = grown;
        strcpy(copy, buf);
        cases[ncases] = (bad_case){copy, NULL, NULL, NULL, lineno};
        split_case(&cases[ncases++]);
    }
    fclose(fp);
}

static void free_table(void)
{
    for (size_t i = 0; i < ncases; i++)
        free(cases[i].line);
    free(cases);
    cases = NULL;
    ncases = 0;
}

/* A table too short means lost cases, not a passing suite. */
START_TEST(test_table_size)
{
    ck_assert_msg(ncases >= MIN_CASES, "%s: %zu cases (expected at least %d)", TABLE, ncases,
                  MIN_CASES);
}
END_TEST

/* Loads a stimulus against the circuit every stimulus case is written for. */
static int load_stimulus(const char *file, opsin_stimulus **out, opsin_diag *d)
{
    opsin_circuit *c = NULL;
    opsin_diag cd = {""};
    ck_assert_msg(opsin_circuit_load(STIMULUS_CIRCUIT, &c, &cd) == OPSIN_OK, "%s", cd.msg);
    int rc = opsin_stimulus_load(file, c, out, d);
    opsin_circuit_free(c);
    return rc;
}

/* The file's text, or NULL when it cannot stand alone (unreadable, or with an @include). */
static char *file_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *text = fp ? calloc(1, 65536) : NULL;
    size_t n = text ? fread(text, 1, 65535, fp) : 0;
    /* text in memory is a C string: a file with a NUL byte (or an @include) has no such form */
    int ok = text && n < 65535 && !ferror(fp) && strlen(text) == n && !strstr(text, "@include");
    if (fp)
        fclose(fp);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* The same case from the file's text, named by the file (opsin_circuit_parse,
 * opsin_stimulus_parse: the fuzz targets read text): the same failure and message. */
static void check_text_parse(const bad_case *bc)
{
    char *text = file_text(bc->file);
    if (!text)
        return;
    opsin_diag d = {""};
    int rc, returned;
    if (strcmp(bc->kind, "circuit") == 0) {
        opsin_circuit *c = NULL;
        rc = opsin_circuit_parse(text, bc->file, &c, &d);
        returned = c != NULL;
        opsin_circuit_free(c);
    } else {
        opsin_circuit *c = NULL;
        opsin_stimulus *s = NULL;
        opsin_diag cd = {""};
        ck_assert_msg(opsin_circuit_load(STIMULUS_CIRCUIT, &c, &cd) == OPSIN_OK, "%s", cd.msg);
        rc = opsin_stimulus_parse(text, bc->file, c, &s, &d);
        returned = s != NULL;
        opsin_stimulus_free(s);
        opsin_circuit_free(c);
    }
    free(text);
    ck_assert_msg(rc != OPSIN_OK && !returned, "%s: its text parsed without error", bc->file);
    ck_assert_str_eq(d.msg, bc->msg);
}

/* One case: the load fails, returns nothing, and says exactly what the table says. */
START_TEST(test_bad_input)
{
    const bad_case *bc = &cases[_i];
    ck_assert_msg(bc->kind, "%s:%d: malformed line (expected FILE|KIND|MESSAGE)", TABLE,
                  bc->lineno);
    opsin_diag d;
    memset(&d, 0, sizeof d);
    int rc, returned;
    if (strcmp(bc->kind, "circuit") == 0) {
        opsin_circuit *c = NULL;
        rc = opsin_circuit_load(bc->file, &c, &d);
        returned = c != NULL;
        opsin_circuit_free(c); /* before asserting: no leak when CK_FORK=no */
    } else if (strcmp(bc->kind, "stimulus") == 0) {
        opsin_stimulus *s = NULL;
        rc = load_stimulus(bc->file, &s, &d);
        returned = s != NULL;
        opsin_stimulus_free(s);
    } else {
        ck_abort_msg("%s:%d: kind '%s' (expected circuit or stimulus)", TABLE, bc->lineno,
                     bc->kind);
    }
    ck_assert_msg(rc != OPSIN_OK, "%s: loaded without error", bc->file);
    ck_assert_msg(!returned, "%s: %s returned on failure", bc->file, bc->kind);
    ck_assert_str_eq(d.msg, bc->msg);
    check_text_parse(bc);
}
END_TEST

/* Loads the circuit the API tests override. */
static opsin_circuit *load_fmes(void)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_circuit_load(STIMULUS_CIRCUIT, &c, &d) == OPSIN_OK, "%s", d.msg);
    return c;
}

/* The resolved circuit as text, to see whether a failed override changed anything. */
static char *print_circuit(const opsin_circuit *c)
{
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    opsin_circuit_print(c, fp);
    long n = ftell(fp);
    ck_assert_int_gt(n, 0);
    char *text = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(text);
    rewind(fp);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, fp), (size_t)n);
    text[n] = '\0';
    fclose(fp);
    return text;
}

/* A run needs a positive end time; zero and negative ones are refused up front. */
START_TEST(test_sim_t_end)
{
    static const double bad[] = {0.0, -1.0};
    opsin_circuit *c = load_fmes();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        opsin_run_opts o = opsin_run_opts_default(c, NULL);
        o.t_end = bad[i];
        opsin_sim *sim = NULL;
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_sim_new(c, NULL, &o, &sim, &d), OPSIN_EINVAL);
        ck_assert_ptr_null(sim);
        ck_assert_msg(strstr(d.msg, "t_end") != NULL, "t_end = %g: '%s'", bad[i], d.msg);
    }
    opsin_circuit_free(c);
}
END_TEST

/* A failed override says why and leaves every parameter as it was. */
static void set_fails(opsin_circuit *c, const char *key, const char *value, const char *want)
{
    char *before = print_circuit(c);
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_circuit_set(c, key, value, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, want);
    char *after = print_circuit(c);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}

/* Overrides: unknown key, out of range, wrong unit fail; "open" on a resistor succeeds. */
START_TEST(test_circuit_set)
{
    opsin_circuit *c = load_fmes();
    set_fails(c, "syn.foo", "1",
              "'syn.foo' is not a numeric parameter of this circuit (expected ID.PARAM, e.g. "
              "syn.C1)");
    set_fails(c, "syn.C1", "-1", "syn.C1 = -1 F is out of range (expected > 0 F)");
    opsin_diag da = {""};
    ck_assert_int_eq(opsin_circuit_assign(c, "syn.C1", &da), OPSIN_EINVAL);
    ck_assert_str_eq(da.msg, "--set syn.C1: expected ID.PARAM=VALUE");
    ck_assert_int_eq(opsin_circuit_assign(c, "syn.C1=5 ms", &da), OPSIN_EINVAL);
    ck_assert_msg(strncmp(da.msg, "--set: syn.C1: 'ms' is a unit of time", 37) == 0, "%s", da.msg);

    /* A unit of the wrong quantity leaves the circuit unchanged. */
    char *before = print_circuit(c);
    opsin_diag d = {""};
    set_fails(c, "syn.R_reg", "5 ms",
              "syn.R_reg: 'ms' is a unit of time, not of resistance (expected ohm, Ohm with an "
              "optional prefix f p n u (or \xC2\xB5) m c k M G T)");
    char *after = print_circuit(c);
    ck_assert_str_eq(after, before);
    free(after);

    ck_assert_msg(strstr(before, "R_reg        = 7000 ohm") != NULL, "%s", before);
    ck_assert_int_eq(opsin_circuit_set(c, "syn.R_reg", "open", &d), OPSIN_OK);
    after = print_circuit(c);
    ck_assert_msg(strstr(after, "R_reg        = open") != NULL, "%s", after);
    free(before);
    free(after);
    opsin_circuit_free(c);
}
END_TEST

/* Unit parsing fails with a reason and leaves the output alone. */
static void units_fail(const char *text, const char *si, const char *want)
{
    double v = 42.0;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_units_parse(text, si, &v, &d), OPSIN_EINVAL);
    ck_assert_str_eq(d.msg, want);
    ck_assert(v == 42.0);
}

START_TEST(test_units_parse)
{
    units_fail("10 parsecs", "s",
               "unknown unit 'parsecs' in '10 parsecs' (expected s with an optional prefix f p "
               "n u (or \xC2\xB5) m c k M G T, or min, h)");
    units_fail("ten", "s", "'ten' is not a number (expected a number with an optional unit, "
                           "e.g. 10 s)");
    units_fail("", "V", "'' is not a number (expected a number with an optional unit, e.g. 10 V)");
    units_fail("1e999 s", "s", "'1e999 s' is out of range (expected a finite number)");
    units_fail("nan", "s", "'nan' is out of range (expected a finite number)");
    units_fail("3 V", "", "'3 V' has a unit, but this value is dimensionless (expected a plain "
                          "number)");
}
END_TEST

/* A message about a long input is cut in the middle, not at the end: it still says what
 * was expected (the cut used to drop the "(expected ...)" part). */
START_TEST(test_long_message)
{
    opsin_circuit *c = load_fmes();
    char key[2000];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    opsin_param_ref p;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_circuit_param_find(c, key, &p, &d), OPSIN_EINVAL);
    const char *want = "kkk... (expected ID.PARAM, e.g. syn.C1)";
    ck_assert_msg(strncmp(d.msg, "'kkkk", 5) == 0 && strlen(d.msg) == sizeof d.msg - 1 &&
                  strcmp(d.msg + strlen(d.msg) - strlen(want), want) == 0, "%s", d.msg);
    opsin_circuit_free(c);
}
END_TEST

static Suite *errors_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *files = tcase_create("files");
    tcase_add_test(files, test_table_size);
    tcase_add_loop_test(files, test_bad_input, 0, (int)ncases);
    suite_add_tcase(s, files);
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_sim_t_end);
    tcase_add_test(api, test_circuit_set);
    tcase_add_test(api, test_units_parse);
    tcase_add_test(api, test_long_message);
    suite_add_tcase(s, api);
    return s;
}

/* Paths in the table and in the messages are relative to the source tree. */
int main(void)
{
    if (chdir(SRCDIR) != 0) {
        perror(SRCDIR);
        return EXIT_FAILURE;
    }
    read_table();
    SRunner *sr = srunner_create(errors_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free_table();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
