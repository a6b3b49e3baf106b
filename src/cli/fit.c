/* fit.c: `opsin fit MODEL DATA.csv`: fits a measured curve (nl, ppf, decay, stdp) or
 * analyses a staircase, prints the parameters with standard errors, writes the fitted curve.
 *
 * The fitted-curve CSV is written under a temporary name and renamed only when everything
 * succeeded (src/cli/output.c), so bad input leaves no file behind.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "io/number.h"
#include "io/plot.h"
#include "io/table.h"
#include "opsin.h"
#include "protocols/fit.h"

int opsin_cmd_fit(int argc, char **argv);

static const char help_head[] =
    "Usage: opsin fit MODEL DATA.csv [OPTION]...\n"
    "Fit MODEL to the measured curve in DATA.csv (a header row, then numbers; columns by name)\n"
    "by nonlinear least squares and print every parameter with its standard error and R^2.\n\n"
    "Models (x = the --x column, y = the --y column):\n";
static const char help_staircase[] =
    "not a fit: states, mean step, SNR, write noise, linear range and LDR";
static const char help_tail[] =
    "\n"
    "  -x, --x=COL          x column (default: the first)\n"
    "  -y, --y=COL          y column (default: the second)\n"
    "      --y2=COL         nl only: the LTD column (empty cells allowed)\n"
    "  -o, --output=FILE    write x, y data, y fit (and y2 data, y2 fit) as CSV\n"
    "      --plot=FILE.png  draw the data and the fitted curve with gnuplot\n"
    "      --p0=NAME=VALUE,...\n"
    "                       starting values (nl: Pmax=VALUE fixes Pmax)\n"
    "      --max-iter=N     solver iterations before giving up (default 200)\n"
    "  -q, --quiet          accepted as by every command (fit prints no warnings or\n"
    "                       progress to silence)\n"
    "  -h, --help           show this help and exit\n\n"
    "Exit status: 0 success, 1 the fit did not converge or writing failed, 2 bad usage or "
    "input.\n";

/* One model of the help: its name in a column, its text beside, continued lines aligned. */
static void help_model(const char *name, const char *text)
{
    printf("  %-10s ", name);
    for (const char *t = text; *t; t++) {
        putchar(*t);
        if (*t == '\n')
            printf("%13s", "");
    }
    putchar('\n');
}

/* The help lists the models from the library's catalogue, so it follows the models. */
static void help_print(void)
{
    const char *name, *text;
    fputs(help_head, stdout);
    for (size_t i = 0; (name = opsin_fit_model_at(i, &text)); i++)
        help_model(name, text);
    help_model("staircase", help_staircase);
    fputs(help_tail, stdout);
}

typedef struct fit_args {
    const char *model, *data, *x, *y, *y2, *output, *plot, *p0;
    size_t max_iter;
} fit_args;

/* MODEL and --y2 are checked against the catalogue before the data is read. */
static int check_model(const fit_args *a)
{
    char names[96], msg[200];
    if (!opsin_fit_model_known(a->model) && strcmp(a->model, "staircase") != 0) {
        opsin_fit_model_names(names, sizeof names, 0, "staircase");
        snprintf(msg, sizeof msg, "unknown model '%.40s' (expected %s)", a->model, names);
        return opsin_cli_usage_error("fit", msg);
    }
    if (a->y2 && !opsin_fit_model_two_series(a->model)) {
        opsin_fit_model_names(names, sizeof names, 1, NULL);
        snprintf(msg, sizeof msg, "--y2 is for model %s only (expected the LTD column of an "
                 "LTP/LTD measurement)", names);
        return opsin_cli_usage_error("fit", msg);
    }
    return 0;
}

static const char shortopts[] = "x:y:o:qh";

static int parse_args(int argc, char **argv, fit_args *a)
{
    static const struct option opts[] = {
        {"x", required_argument, NULL, 'x'},      {"y", required_argument, NULL, 'y'},
        {"y2", required_argument, NULL, 'Y'},     {"output", required_argument, NULL, 'o'},
        {"plot", required_argument, NULL, 'P'},   {"p0", required_argument, NULL, '0'},
        {"max-iter", required_argument, NULL, 'M'}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},          {NULL, 0, NULL, 0}};
    int ch;
    char *end;
    memset(a, 0, sizeof *a);
    a->max_iter = opsin_fit_opts_default().max_iter;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (ch) {
        case 'x': a->x = optarg; break;
        case 'y': a->y = optarg; break;
        case 'Y': a->y2 = optarg; break;
        case 'o': a->output = optarg; break;
        case 'P': a->plot = optarg; break;
        case '0': a->p0 = optarg; break;
        case 'q': break; /* every command takes -q; fit has no warnings or progress */
        case 'M':
            errno = 0;
            a->max_iter = strtoul(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-' || a->max_iter == 0)
                return opsin_cli_usage_error("fit", "--max-iter needs a positive integer");
            break;
        case 'h': help_print(); return -1;
        default: return opsin_cli_option_error("fit", opts, shortopts, help_tail, argc, argv);
        }
    }
    if (argc - optind < 2)
        return opsin_cli_usage_error("fit", "missing MODEL or DATA.csv (expected opsin fit "
                                     "MODEL DATA.csv)");
    if (argc - optind > 2)
        return opsin_cli_usage_error("fit", "too many arguments (expected MODEL DATA.csv)");
    a->model = argv[optind];
    a->data = argv[optind + 1];
    return check_model(a);
}

/* Prints a library message: it names the file already, or gets the command's prefix. */
static void report_diag(const fit_args *a, const opsin_diag *d)
{
    if (strncmp(d->msg, a->data, strlen(a->data)) == 0)
        fprintf(stderr, "%s\n", d->msg);
    else
        fprintf(stderr, "opsin fit: %s\n", d->msg);
}

/* The series of the table: x and y, and for --y2 the rows where it has a value. */
typedef struct series {
    double *x2, *y2;
    int *line2;
    size_t n2;
} series;

static int series_y2(const opsin_table *t, const fit_args *a, series *s)
{
    memset(s, 0, sizeof *s);
    if (!a->y2)
        return 0;
    s->x2 = malloc((t->nrows + 1) * sizeof *s->x2);
    s->y2 = malloc((t->nrows + 1) * sizeof *s->y2);
    s->line2 = malloc((t->nrows + 1) * sizeof *s->line2);
    if (!s->x2 || !s->y2 || !s->line2)
        return -1;
    for (size_t i = 0; i < t->nrows; i++)
        if (!isnan(t->v[2][i])) {
            s->x2[s->n2] = t->v[0][i];
            s->y2[s->n2] = t->v[2][i];
            s->line2[s->n2++] = t->line[i];
        }
    return 0;
}

static void series_free(series *s)
{
    free(s->x2);
    free(s->y2);
    free(s->line2);
}

/* What write_fitted writes. */
typedef struct fitted {
    const fit_args *a;
    const opsin_table *t;
    const opsin_fit_result *r;
    const opsin_staircase *st;
} fitted;

/* x, y data, y fit [, y2 data, y2 fit] per row of the table (cli_out_write checks the
 * writes). */
static int fitted_rows(void *ctx, cli_out *o)
{
    const fitted *f = ctx;
    const fit_args *a = f->a;
    const opsin_table *t = f->t;
    const opsin_fit_result *r = f->r;
    const opsin_staircase *st = f->st;
    FILE *fp = o->fp;
    fprintf(fp, "%s,%s,%s fit", t->header[0], t->header[1], t->header[1]);
    if (a->y2)
        fprintf(fp, ",%s,%s fit", t->header[2], t->header[2]);
    fputc('\n', fp);
    for (size_t i = 0; i < t->nrows; i++) {
        double x = t->v[0][i];
        double v[] = {x, t->v[1][i], r ? opsin_fit_eval(r, 0, x) : st->intercept + st->slope * x};
        opsin_number_write_list(fp, v, 3);
        if (a->y2) {
            fputc(',', fp);
            if (!isnan(t->v[2][i])) /* an empty y2 cell stays empty */
                opsin_number_write(fp, t->v[2][i]);
            fputc(',', fp);
            opsin_number_write(fp, opsin_fit_eval(r, 1, x));
        }
        fputc('\n', fp);
    }
    return 0;
}

/* Writes the fitted table to -o (output.h). */
static int write_fitted(const fit_args *a, const opsin_table *t, const opsin_fit_result *r,
                        const opsin_staircase *st)
{
    fitted f = {a, t, r, st};
    return cli_out_write("fit", a->output, 0, fitted_rows, &f);
}

/* The files of the command, checked before the data is read (cli_out_check); the report
 * always goes to standard output. */
static int check_files(const fit_args *a)
{
    cli_file in[] = {{"the data", a->data}};
    cli_file out[] = {{"the report", "-"}, {"-o", a->output}, {"--plot", a->plot}};
    int rc = cli_out_check("fit", in, 1, out, 3);
    return rc ? rc : opsin_cli_plot_name("fit", a->plot);
}

/* Smallest and largest of n values. */
static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        *lo = fmin(*lo, v[i]);
        *hi = fmax(*hi, v[i]);
    }
}

#define CURVE_N 400

/* Data as points, the fitted curves (or the staircase's line) as lines. */
static int plot(const fit_args *a, const opsin_table *t, const series *s,
                const opsin_fit_result *r, const opsin_staircase *st)
{
    double lo, hi, cx[2][CURVE_N], cy[2][CURVE_N];
    int logx = r && r->logx;
    range_of(t->v[0], t->nrows, &lo, &hi);
    opsin_plot_series ser[4] = {{t->v[0], t->v[1], t->nrows, t->header[1], 0},
                               {cx[0], cy[0], CURVE_N, "fit", 1},
                               {s->x2, s->y2, s->n2, a->y2 ? t->header[2] : "", 0},
                               {cx[1], cy[1], CURVE_N, "fit (LTD)", 1}};
    for (int k = 0; k < (a->y2 ? 2 : 1); k++) {
        if (r)
            opsin_fit_curve(r, k, lo, hi, logx, CURVE_N, cx[k], cy[k]);
        else
            for (size_t i = 0; i < CURVE_N; i++) {
                cx[k][i] = t->v[0][st->lin_first] + (t->v[0][st->lin_last] -
                           t->v[0][st->lin_first]) * (double)i / (CURVE_N - 1);
                cy[k][i] = st->intercept + st->slope * cx[k][i];
            }
    }
    if (!r)
        ser[1].title = "linear range";
    return cli_out_plot_xy("fit", a->plot, t->header[0], t->header[1], logx, ser,
                           a->y2 ? 4 : 2);
}

/* The fit (or the staircase analysis) and its report on standard output. */
static int analyse(const fit_args *a, const opsin_table *t, const series *s,
                   opsin_fit_result *r, opsin_staircase *st)
{
    opsin_diag d = {""};
    int rc;
    if (strcmp(a->model, "staircase") == 0) {
        if ((rc = opsin_staircase_analyse(t->v[0], t->v[1], t->nrows, st, &d)) == OPSIN_OK)
            opsin_staircase_print(st, t->v[0], t->unit[1], stdout);
    } else {
        opsin_fit_data data = {t->v[0], t->v[1], t->nrows, s->x2, s->y2, s->n2, t->line,
                               s->line2, a->data};
        opsin_fit_opts o = opsin_fit_opts_default();
        o.p0 = a->p0;
        o.max_iter = a->max_iter;
        if ((rc = opsin_fit_run(a->model, &data, &o, r, &d)) == OPSIN_OK)
            opsin_fit_print(r, t->unit[0], t->unit[1], stdout);
    }
    if (rc)
        report_diag(a, &d);
    return opsin_cli_exit_status(rc);
}

int opsin_cmd_fit(int argc, char **argv)
{
    fit_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc || (rc = check_files(&a)))
        return rc < 0 ? EXIT_OK : rc;
    opsin_table_want want[3] = {{a.x, 0, 0}, {a.y, 1, 0}, {a.y2, 2, 1}};
    opsin_table t;
    opsin_diag d = {""};
    if ((rc = opsin_table_read(a.data, want, a.y2 ? 3 : 2, &t, &d)) != OPSIN_OK) {
        report_diag(&a, &d);
        return opsin_cli_exit_status(rc);
    }
    series s;
    opsin_fit_result r;
    opsin_staircase st;
    int fit = strcmp(a.model, "staircase") != 0;
    if (series_y2(&t, &a, &s)) {
        fprintf(stderr, "opsin fit: out of memory\n");
        rc = EXIT_RUNTIME;
    } else if (a.y2 && s.n2 == 0) {
        fprintf(stderr, "%s: column '%s' is empty (expected the LTD conductances)\n", a.data,
                t.header[2]);
        rc = EXIT_USAGE;
    } else {
        rc = analyse(&a, &t, &s, &r, &st);
    }
    if (!rc && a.output)
        rc = write_fitted(&a, &t, fit ? &r : NULL, &st);
    if (!rc && a.plot)
        rc = plot(&a, &t, &s, fit ? &r : NULL, &st);
    if (!rc && (fflush(stdout) || ferror(stdout)))
        rc = EXIT_RUNTIME;
    series_free(&s);
    opsin_table_free(&t);
    return rc;
}
