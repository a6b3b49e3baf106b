/* check_plot.c: the gnuplot script that --plot hands to gnuplot (io/plot.h): SI-prefixed axes
 * chosen from the data, the x range [0, t_end], the title, one left margin for all panels,
 * overlaid probes with a legend, plain (noenhanced) text, and the picture type by name; a
 * network's raster and rates (io/raster.h): a point per spike at its neuron's index, the
 * rate per bin as the count over bin x N, the bounds on members and points, bad spike lists. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/plot.h"
#include "io/raster.h"
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
    opsin_plot_opts o = {"circuits/fmes.cfg + stimuli/fmes-ppf.cfg", 0.03, 0, NULL};
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
    opsin_plot_opts o = {"chain.cfg", 0.2, 1, NULL};
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
    opsin_plot_opts o = {"it's.cfg", 0, 0, NULL};
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

/* ---- networks ---------------------------------------------------------------------------- */

/* Sets r up for c and reads the spike list `spikes` (slot 1, removed again); the status, and
 * the message in d. */
static int raster(opsin_raster *r, const opsin_circuit *c, const char *spikes, double t_end,
                  double dt_out, const opsin_raster_params *p, opsin_diag *d)
{
    ck_assert_int_eq(opsin_raster_init(r, c, t_end, dt_out, p), OPSIN_OK);
    const char *path = tu_write_temp(1, spikes);
    int rc = opsin_raster_read(r, path, d);
    unlink(path);
    return rc;
}

/* The rows of the script's data block NAME ("$NAME << EOD" .. "EOD"), each split into at most
 * 8 numbers; the number of rows. */
static size_t block(const char *s, const char *name, double (*row)[8], size_t max)
{
    char head[64];
    snprintf(head, sizeof head, "$%s << EOD\n", name);
    const char *p = strstr(s, head);
    ck_assert_msg(p != NULL, "no block %s in:\n%s", name, s);
    p += strlen(head);
    size_t n = 0;
    for (; strncmp(p, "EOD\n", 4) != 0; p = strchr(p, '\n') + 1, n++) {
        ck_assert_uint_lt(n, max);
        char *end = (char *)p;
        for (size_t i = 0; i < 8 && *end != '\n'; i++)
            row[n][i] = strtod(end + (i > 0), &end);
    }
    return n;
}

static const char two_pops[] =
    "populations = ( { id = \"exc\"; model = \"lif\"; size = 3; },\n"
    "                { id = \"inh\"; model = \"lif\"; size = 2; } );\n";

/* Eight spikes of 1 s, bins of 100 ms (dt_out; t_end/200 is finer): each spike a point at
 * its neuron's index (inh after the 3 of exc) in its population's colour; a spike on a bin
 * edge in the bin that starts there (0.3 s and 0.7 s, which 0.3 / 0.1 and 0.7 / 0.1 round
 * below 3 and 7), one at t_end in the last; each rate the count over 100 ms x N.  The raster
 * and rates sit below the probe panel, the raster twice as tall, all placed by hand. */
START_TEST(test_raster_script)
{
    static const char spikes[] = "t (s),neuron\n0.05,exc[0]\n0.1,exc[2]\n0.3,inh[1]\n"
                                 "0.3,exc[1]\n0.35,exc[0]\n0.7,inh[0]\n0.95,inh[0]\n1,inh[1]\n";
    static const double want_pt[8][3] = {{0.05, 0, 1}, {0.1, 2, 1},  {0.3, 4, 2},
                                         {0.3, 1, 1},  {0.35, 0, 1}, {0.7, 3, 2},
                                         {0.95, 3, 2}, {1, 4, 2}};
    static const unsigned want_count[2][10] = {{1, 1, 0, 2, 0, 0, 0, 0, 0, 0},
                                               {0, 0, 0, 1, 0, 0, 0, 1, 0, 2}};
    static const double size[2] = {3, 2};
    opsin_circuit *c = tu_circuit(two_pops);
    opsin_raster r;
    opsin_diag d = {""};
    ck_assert_msg(raster(&r, c, spikes, 1, 0.1, NULL, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(r.nbins, 10);
    ck_assert_uint_eq(r.stride, 1);
    ck_assert_uint_eq(r.every, 1);
    opsin_plot_opts o = {"net.cfg", 1, 0, &r};
    char *s = script("t (s),exc.rate (Hz)\n0,0\n1,0\n", "net.png", "pngcairo", &o);
    double row[16][8];
    ck_assert_uint_eq(block(s, "raster", row, 16), 8);
    for (size_t i = 0; i < 8; i++)
        for (size_t j = 0; j < 3; j++)
            ck_assert_double_eq(row[i][j], want_pt[i][j]);
    ck_assert_uint_eq(block(s, "rate", row, 16), 11);
    HAS(s, "0.7,0,5"); /* the edges as written, not 7 x 0.1 = 0.7000000000000001 */
    for (size_t k = 0; k <= 10; k++) {
        size_t b = k < 10 ? k : 9; /* the last rates again at t_end */
        ck_assert_double_eq_tol(row[k][0], 0.1 * (double)k, 1e-15);
        for (size_t p = 0; p < 2; p++)
            ck_assert_double_eq_tol(row[k][p + 1], want_count[p][b] / (0.1 * size[p]), 1e-12);
    }
    /* one probe panel, the raster of two and the rates: 4 x 240 px, the title, 2 x 10 px */
    HAS(s, "set terminal pngcairo size 900,1010 noenhanced");
    HAS(s, "set multiplot title 'net.cfg'");
    ck_assert_ptr_null(strstr(s, "layout"));
    ck_assert_uint_eq(count(s, "set origin"), 3);
    HAS(s, "set origin 0,0.009901\nset size 1,0.237624"); /* the rates, 10 px up */
    HAS(s, "set origin 0,0.247525\nset size 1,0.475248"); /* the raster above them */
    HAS(s, "set rmargin 6"); /* room for the names */
    HAS(s, "set ylabel 'neuron'");
    HAS(s, "set yrange [-0.5:4.5]");
    HAS(s, "set arrow from graph 0, first 2.5 to graph 1, first 2.5 nohead dt 2 lc rgb "
           "'gray40' front");
    HAS(s, "set label 'exc' at graph 1.01, first 1 left tc lt 1");
    HAS(s, "set label 'inh' at graph 1.01, first 3.5 left tc lt 2");
    HAS(s, "plot $raster using ($1*1):2:3 with points pt 7 ps 0.3 lc variable notitle");
    HAS(s, "set ylabel 'rate (Hz) in 100 ms bins'");
    HAS(s, "plot $rate using ($1*1):($2*1) with steps lw 1.5 lt 1 notitle, $rate using "
           "($1*1):($3*1) with steps lw 1.5 lt 2 notitle");
    free(s);
    opsin_raster_free(&r);
    opsin_circuit_free(c);
}
END_TEST

/* 3000 members (2500 + 500) and one spike each: at most 1000 members drawn is every 3rd of
 * each population (834 + 167 = 1001 of them); at most 50 points keeps every 32nd of their
 * spikes (1001 / 16 would be 63): 32 points, the candidates 0, 32, ..., 992.  The rates still
 * count all 3000. */
START_TEST(test_raster_bounds)
{
    size_t len = 64 + 3000 * 32, n = 0;
    char *spikes = malloc(len);
    n += (size_t)snprintf(spikes + n, len - n, "t (s),neuron\n");
    for (size_t j = 0; j < 3000; j++)
        n += (size_t)snprintf(spikes + n, len - n, "%.17g,%s[%zu]\n", (double)j * 3e-5,
                              j < 2500 ? "a" : "b", j < 2500 ? j : j - 2500);
    opsin_circuit *c = tu_circuit("populations = ( { id = \"a\"; model = \"lif\"; size = 2500; },"
                                  " { id = \"b\"; model = \"lif\"; size = 500; } );\n");
    opsin_raster_params p = opsin_raster_default_params();
    p.max_points = 50;
    opsin_raster r;
    opsin_diag d = {""};
    ck_assert_msg(raster(&r, c, spikes, 0.1, 1e-4, &p, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(r.stride, 3);
    ck_assert_uint_eq(r.candidates, 1001);
    ck_assert_uint_eq(r.every, 32);
    ck_assert_uint_eq(r.npoints, 32);
    size_t cand = 0, kept = 0;
    for (size_t j = 0; j < 3000; j++) {
        size_t k = j < 2500 ? j : j - 2500;
        if (k % 3)
            continue;
        if (cand++ % 32 == 0) {
            ck_assert_uint_eq(r.pt[kept].neuron, j);
            ck_assert_double_eq(r.pt[kept++].t, (double)j * 3e-5);
        }
    }
    ck_assert_uint_eq(kept, 32);
    /* the rates: 200 bins of 0.5 ms, every spike counted once */
    ck_assert_uint_eq(r.nbins, 200);
    ck_assert_double_eq(r.bin, 5e-4);
    for (size_t q = 0; q < 2; q++) {
        double sum = 0;
        for (size_t k = 0; k < r.nbins; k++)
            sum += opsin_raster_rate(&r, q, k) * opsin_raster_bin_width(&r, k) *
                   (double)r.pop[q].size;
        ck_assert_double_eq_tol(sum, q ? 500 : 2500, 1e-9);
    }
    opsin_plot_opts o = {NULL, 0.1, 0, &r};
    char *s = script("t (s),a.rate (Hz)\n0,0\n0.1,0\n", "net.svg", "svg", &o);
    HAS(s, "set ylabel 'neuron (1 member in 3, 1 spike in 32)'");
    HAS(s, "set yrange [-0.5:2999.5]");
    HAS(s, "set multiplot");
    HAS(s, "set terminal svg size 900,980 noenhanced"); /* no title */
    free(s);
    opsin_raster_free(&r);
    /* one point at most: the step doubles until the next candidate is not a multiple */
    p.max_points = 1;
    ck_assert_int_eq(raster(&r, c, spikes, 0.1, 1e-4, &p, &d), OPSIN_OK);
    ck_assert_uint_eq(r.npoints, 1);
    ck_assert_uint_eq(r.every, 1024);
    ck_assert_uint_eq(r.pt[0].neuron, 0);
    opsin_raster_free(&r);
    /* a short last bin: 1 ms of output step over 2.5 ms, the last of 0.5 ms */
    ck_assert_int_eq(raster(&r, c, "t (s),neuron\n0.0025,b[0]\n", 0.0025, 1e-3, NULL, &d),
                     OPSIN_OK);
    ck_assert_uint_eq(r.nbins, 3);
    ck_assert_double_eq_tol(opsin_raster_bin_width(&r, 2), 5e-4, 1e-15);
    ck_assert_double_eq_tol(opsin_raster_rate(&r, 1, 2), 1 / (5e-4 * 500), 1e-9);
    opsin_raster_free(&r);
    free(spikes);
    opsin_circuit_free(c);
}
END_TEST

/* A spike list that does not fit the circuit is refused with its line; a component's spike
 * (named by its id alone) is no member and not counted. */
START_TEST(test_raster_errors)
{
    static const struct {
        const char *text;
        int line;
    } bad[] = {
        {"t,neuron\n0.001,exc[0]\n", 1},     {"t (s),neuron\n0.001,exc[3]\n", 2},
        {"t (s),neuron\n0.001,ex[0]\n", 2},  {"t (s),neuron\n0.011,exc[0]\n", 2},
        {"t (s),neuron\n-1e-9,exc[0]\n", 2}, {"t (s),neuron\nx,exc[0]\n", 2},
        {"t (s),neuron\n0.001\n", 2},        {"t (s),neuron\n0.001,exc[1x]\n", 2},
        {"t (s),neuron\n0.001,exc[]\n", 2},  {"t (s),neuron\n0,exc[0]\n0.001,[0]\n", 3},
        {"t (s),neuron\n0.001,exc[-1]\n", 2}, {"t (s),neuron\nnan,exc[0]\n", 2},
    };
    opsin_circuit *c = tu_circuit(two_pops);
    opsin_raster r;
    opsin_diag d = {""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(raster(&r, c, bad[i].text, 0.01, 0, NULL, &d), OPSIN_EINVAL);
        char where[96];
        snprintf(where, sizeof where, "%s:%d: ", tu_write_temp(1, ""), bad[i].line);
        unlink(tu_write_temp(1, ""));
        ck_assert_msg(strncmp(d.msg, where, strlen(where)) == 0, "%s: %s", bad[i].text, d.msg);
        opsin_raster_free(&r);
    }
    ck_assert_int_eq(raster(&r, c, "t (s),neuron\n0.001,exc[3]\n", 0.01, 0, NULL, &d),
                     OPSIN_EINVAL);
    ck_assert_str_eq(strchr(strchr(d.msg, ':') + 1, ':') + 2,
                     "this row is not a spike of the run (expected T,ID[K]: T from 0 to t_end "
                     "= 0.01 s, ID a population of the circuit, K below its size)");
    opsin_raster_free(&r);
    ck_assert_int_eq(raster(&r, c, "", 0.01, 0, NULL, &d), OPSIN_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.msg, ": no header (expected t (s),neuron)"));
    opsin_raster_free(&r);
    ck_assert_int_eq(raster(&r, c, "t (s),neuron\n0.001,solo\n0.002,exc[1]\n", 0.01, 0, NULL,
                            &d), OPSIN_OK);
    ck_assert_uint_eq(r.pop[0].spikes + r.pop[1].spikes, 1);
    ck_assert_uint_eq(r.npoints, 1);
    opsin_raster_free(&r);
    ck_assert_int_eq(opsin_raster_init(&r, c, 0.01, 0, NULL), OPSIN_OK);
    ck_assert_int_eq(opsin_raster_read(&r, "/nonexistent/x.spikes.csv", &d), OPSIN_EIO);
    opsin_raster_free(&r);
    /* no populations, no end, no room: nothing to set up */
    opsin_raster_params p = opsin_raster_default_params();
    p.max_points = 0;
    ck_assert_int_eq(opsin_raster_init(&r, c, 0.01, 0, &p), OPSIN_EINVAL);
    ck_assert_int_eq(opsin_raster_init(&r, c, 0, 0, NULL), OPSIN_EINVAL);
    opsin_circuit_free(c);
    c = tu_circuit("components = ( { id = \"solo\"; model = \"lif\"; } );\n");
    ck_assert_uint_eq(opsin_circuit_npopulations(c), 0);
    ck_assert_int_eq(opsin_raster_init(&r, c, 0.01, 0, NULL), OPSIN_EINVAL);
    opsin_raster_free(&r);
    opsin_circuit_free(c);
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
    TCase *net = tcase_create("network");
    tcase_add_test(net, test_raster_script);
    tcase_add_test(net, test_raster_bounds);
    tcase_add_test(net, test_raster_errors);
    suite_add_tcase(s, net);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
