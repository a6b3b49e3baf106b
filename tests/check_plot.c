/* check_plot.c: the gnuplot script that --plot hands to gnuplot (io/plot.h): SI-prefixed axes
 * chosen from the data, the x range [0, t_end], the title, one left margin for all panels,
 * overlaid probes with a legend, plain (noenhanced) text, and the picture type by name. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/plot.h"
#include "testutil.h"

/* The script for csv text, as a malloc'd string. */
static char *script(const char *csv_text, const char *out, const char *term,
                    const opsin_plot_opts *o)
{
    const char *csv = tu_write_temp(0, csv_text);
    FILE *fp = tmpfile();
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(opsin_plot_csv_script(fp, csv, out, term, o), 0);
    long n = ftell(fp);
    char *s = calloc((size_t)n + 1, 1);
    rewind(fp);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    unlink(csv);
    return s;
}

/* 1 if the script holds this whole line. */
static int has_line(const char *s, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = strstr(s, line); p; p = strstr(p + 1, line))
        if ((p == s || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

/* How often text occurs in s. */
static size_t count(const char *s, const char *text)
{
    size_t n = 0;
    for (const char *p = strstr(s, text); p; p = strstr(p + 1, text))
        n++;
    return n;
}

#define HAS(s, line) ck_assert_msg(has_line(s, line), "no line \"%s\" in:\n%s", line, s)

/* A paired-pulse run: 30 ms, a voltage in mV, a current in mA, a current in nA, a fraction. */
static const char ppf_csv[] =
    "t (s),syn.v (V),syn.i (A),post.I_syn (A),syn.x (1)\n"
    "0,0,0,0,0\n"
    "0.001,0,0,0,0\n"
    "0.001,0,0.0039603,0,0\n"
    "0.002,0.0939997,0.0039603,-2e-9,0.27\n"
    "0.03,0.0085,0,1.5e-9,0.26\n";

START_TEST(test_panels)
{
    opsin_plot_opts o = {"circuits/fmes.cfg + stimuli/fmes-ppf.cfg", 0.03, 0};
    char *s = script(ppf_csv, "ppf.png", "pngcairo", &o);
    /* four panels of 240 px, 60 px of margins, 30 px of title */
    HAS(s, "set terminal pngcairo size 900,1050 noenhanced");
    HAS(s, "set output 'ppf.png'");
    ck_assert_uint_eq(count(s, "enhanced"), 1); /* no label switches it back on */
    HAS(s, "set multiplot layout 4,1 title 'circuits/fmes.cfg + stimuli/fmes-ppf.cfg'");
    /* t_end 30 ms: the x axis in ms from 0 to 30, the same for every panel */
    HAS(s, "set xrange [0:30]");
    HAS(s, "set xlabel 't (ms)'");
    ck_assert_uint_eq(count(s, "set xrange"), 1);
    /* one left margin, set before the panels: the axes line up */
    HAS(s, "set lmargin 12");
    ck_assert_uint_eq(count(s, "lmargin"), 1);
    ck_assert(strstr(s, "set lmargin 12") < strstr(s, "set multiplot"));
    /* each panel in the prefix of its largest magnitude */
    HAS(s, "set ylabel 'syn.v (mV)'");
    HAS(s, "set ylabel 'syn.i (mA)'");
    HAS(s, "set ylabel 'post.I_syn (nA)'"); /* largest magnitude 2 nA, negative */
    HAS(s, "set ylabel 'syn.x (1)'");       /* dimensionless: no prefix */
    ck_assert_ptr_nonnull(strstr(s, "using ($1*1000):($2*1000) every ::1 with lines"));
    ck_assert_ptr_nonnull(strstr(s, "using ($1*1000):($4*1000000000) every ::1 with lines"));
    ck_assert_ptr_nonnull(strstr(s, "using ($1*1000):($5*1) every ::1 with lines"));
    HAS(s, "unset key");
    ck_assert_uint_eq(count(s, "notitle"), 4);
    ck_assert_uint_eq(count(s, "\nplot "), 4);
    free(s);
}
END_TEST

/* --plot-overlay: the probes of one unit on one axis, each with its name in the legend. */
START_TEST(test_overlay)
{
    static const char csv[] =
        "t (s),pre.V (V),pre.I_ext (A),post.V (V)\n"
        "0,0,0,0\n"
        "0.1,0.5,1e-8,0.02\n"
        "0.2,0,0,0\n";
    opsin_plot_opts o = {"chain.cfg", 0.2, 1};
    char *s = script(csv, "chain.svg", "svg", &o);
    HAS(s, "set terminal svg size 900,570 noenhanced"); /* two panels and the title */
    HAS(s, "set multiplot layout 2,1 title 'chain.cfg'");
    HAS(s, "set key outside right top");
    HAS(s, "set xrange [0:200]");
    HAS(s, "set ylabel '(mV)'"); /* the names are in the legend */
    HAS(s, "set ylabel 'pre.I_ext (nA)'");
    const char *volts = strstr(s, "set ylabel '(mV)'\nplot ");
    ck_assert_ptr_nonnull(volts);
    const char *end = strchr(volts + 18, '\n');
    ck_assert_ptr_nonnull(strstr(volts, "($2*1000) every ::1 with lines lw 1.5 title 'pre.V'"));
    ck_assert_ptr_nonnull(strstr(volts, "($4*1000) every ::1 with lines lw 1.5 title 'post.V'"));
    ck_assert(strstr(volts, "title 'post.V'") < end); /* on the same plot command */
    ck_assert_uint_eq(count(s, "\nplot "), 2);
    free(s);
}
END_TEST

/* Without a run's t_end (stdp tables) the x axis fits the data; units that take no prefix
 * stay as they are; a quote in the title is doubled; PDF sizes are in inches. */
START_TEST(test_units_and_quotes)
{
    static const char csv[] =
        "dt (s),A (m2),E (W/m2),r (1/s),k (1/(V s)),n\n"
        "-0.05,1e-12,0.05,300,2e-3,7\n"
        "2.5,2e-12,0.01,100,1e-3,9\n";
    opsin_plot_opts o = {"it's.cfg", 0, 0};
    char *s = script(csv, "w.pdf", "pdfcairo", &o);
    HAS(s, "set terminal pdfcairo size 9in,12.9in noenhanced");
    HAS(s, "set multiplot layout 5,1 title 'it''s.cfg'");
    HAS(s, "set autoscale xfix");
    ck_assert_ptr_null(strstr(s, "set xrange"));
    HAS(s, "set xlabel 'dt (s)'"); /* 2.5 s */
    HAS(s, "set ylabel 'A (m2)'");  /* a prefix would apply to m before the square */
    HAS(s, "set ylabel 'E (mW/m2)'");
    HAS(s, "set ylabel 'r (1/s)'");
    HAS(s, "set ylabel 'k (1/(V s))'");
    HAS(s, "set ylabel 'n'"); /* no unit */
    free(s);
    /* no title, no x_end: as opsin_plot_csv draws a table */
    s = script("t (s),x (V)\n0,1e-6\n1e-9,0\n", "t.png", "png", NULL);
    HAS(s, "set terminal png size 900,300 noenhanced");
    HAS(s, "set multiplot layout 1,1");
    HAS(s, "set xlabel 't (ns)'");
    HAS(s, "set ylabel 'x (uV)'");
    free(s);
}
END_TEST

/* The picture type comes from the name; anything else is refused with the known endings. */
START_TEST(test_names)
{
    char expected[128] = "";
    ck_assert(opsin_plot_name_ok("run.png", expected, sizeof expected));
    ck_assert(opsin_plot_name_ok("dir.d/run.SVG", expected, sizeof expected));
    ck_assert(opsin_plot_name_ok("run.pdf", expected, sizeof expected));
    ck_assert(!opsin_plot_name_ok("run.jpg", expected, sizeof expected));
    ck_assert_str_eq(expected, "a file name ending in .png, .svg or .pdf");
    ck_assert(!opsin_plot_name_ok("png", expected, sizeof expected));
    ck_assert(!opsin_plot_name_ok(".png", expected, sizeof expected));
    ck_assert(!opsin_plot_name_ok("run.png.txt", expected, sizeof expected));
    /* a CSV with only t cannot be plotted */
    const char *csv = tu_write_temp(0, "t (s)\n0\n1\n");
    FILE *fp = tmpfile();
    ck_assert_int_eq(opsin_plot_csv_script(fp, csv, "a.png", "png", NULL), -1);
    fclose(fp);
    unlink(csv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("script");
    tcase_add_test(tc, test_panels);
    tcase_add_test(tc, test_overlay);
    tcase_add_test(tc, test_units_and_quotes);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
