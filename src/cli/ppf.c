/* ppf.c: `opsin ppf CIRCUIT`: paired-pulse facilitation over a list of intervals, the
 * A2/A1 table and its double-exponential fit.
 *
 * The table is written under a temporary name and renamed only when every run succeeded
 * (src/cli/output.c); without -o it goes to standard output (and the fit report to
 * standard error).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resume.h"
#include "io/number.h"
#include "io/plot.h"
#include "opsin.h"
#include "protocols/fit.h"
#include "protocols/ppf.h"

int opsin_cmd_ppf(int argc, char **argv);

static const char help[] =
    "Usage: opsin ppf CIRCUIT [OPTION]...\n"
    "Paired-pulse facilitation: for every interval, two pulses (start to start) on a device of\n"
    "CIRCUIT, A1 and A2 read on a probe, then the fit PPF = 1 + C1 exp(-dt/tau1)\n"
    "+ C2 exp(-dt/tau2) with standard errors.  Writes interval (s), A1, A2, A2/A1 and\n"
    "(A2 - A1)/A1 per interval, in the order given, whatever the number of jobs.\n\n"
    "  -o, --output=FILE        write the table to FILE (default: standard output; the fit\n"
    "                           report then goes to standard error); the rows also go to\n"
    "                           FILE.partial until FILE is complete\n"
    "      --resume             continue an interrupted run from FILE.partial: run only the\n"
    "                           missing intervals (the same options and circuit are required)\n"
    "      --target=ID.OUTPUT   probe to read (default: the circuit's first probe)\n"
    "      --source=ID          component the pulses drive (default: the target's)\n"
    "  -i, --intervals=LIST     intervals, start to start: T,T,... or FROM:TO:N (linear) or\n"
    "                           log:FROM:TO:N, e.g. log:2ms:1s:15 (default log:2W:200W:12)\n"
    "  -w, --width=W            pulse width (default 1ms)\n"
    "  -a, --amplitude=A        pulse amplitude: A, V or W/m2 by --kind (required)\n"
    "  -k, --kind=KIND          current, voltage or optical (default current)\n"
    "      --wavelength=L       wavelength of optical pulses, e.g. 445nm\n"
    "  -r, --rule=RULE          peak (largest |value| during each pulse, default) or at:T\n"
    "                           (the value T after each falling edge, e.g. at:0.5ms)\n"
    "  -S, --set=ID.PARAM=VALUE override a circuit parameter (repeatable)\n"
    "  -s, --seed=N             seed of the random streams (default 1)\n"
    "  -j, --jobs=N             worker threads (default: the CPUs it may run on)\n"
    "      --max-memory=SIZE    memory the N parallel runs may need together (estimated\n"
    "                           before each run), e.g. 16G (0: no limit; default 3/4 of the\n"
    "                           RAM, at most 8G)\n"
    "      --plot=FILE.png      draw A2/A1 and the fit against the interval\n"
    "  -q, --quiet              print no fit report or notes on standard error\n"
    "  -h, --help               show this help and exit\n\n"
    "Exit status: 0 success, 1 run-time failure (solver, writing), 2 bad usage or input.\n";


typedef struct ppf_args {
    const char *circuit, *output, *plot, *intervals, *amplitude, *wavelength, *rule, *width;
    const char *sets[OPSIN_CLI_MAX_SETS];
    double max_memory;
    opsin_ppf_opts o;
    int quiet;
    cli_resume rs; /* the partial file's key, --resume */
} ppf_args;

static int usage(const char *msg)
{
    return opsin_cli_usage_error("ppf", msg);
}

/* --kind: a source kind by name; -1 with the names in `expected`. */
static int parse_kind(const char *s, char *expected, size_t len)
{
    const char *names[8];
    size_t n = 0;
    while (n < 8 && (names[n] = opsin_source_kind_name((int)n)))
        n++;
    return opsin_name_lookup(names, n, s, expected, len);
}

static int parse_option(int ch, ppf_args *a)
{
    unsigned long n;
    char expected[96];
    switch (ch) {
    case 'o': a->output = optarg; break;
    case 'T': a->o.target = optarg; break;
    case 'C': a->o.source = optarg; break;
    case 'i': a->intervals = optarg; break;
    case 'w': a->width = optarg; break;
    case 'a': a->amplitude = optarg; break;
    case 'L': a->wavelength = optarg; break;
    case 'r': a->rule = optarg; break;
    case 'P': a->plot = optarg; break;
    case 'q': a->quiet = 1; break;
    case 'Z': a->rs.resume = 1; break;
    case 'k':
        if ((a->o.kind = parse_kind(optarg, expected, sizeof expected)) < 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown --kind '%.32s' (expected %s)", optarg, expected);
            return usage(msg);
        }
        break;
    case 'S':
        return opsin_cli_add_set("ppf", a->sets, &a->o.nsets, optarg);
    case 's':
        return opsin_cli_count("ppf", "--seed", optarg, 0, ULONG_MAX, &a->o.seed);
    case 'j':
        if (opsin_cli_count("ppf", "--jobs", optarg, 1, 1024, &n))
            return EXIT_USAGE;
        a->o.jobs = n;
        break;
    case 'X': return opsin_cli_memory("ppf", optarg, &a->max_memory);
    }
    return 0;
}

static const char shortopts[] = "o:i:w:a:k:r:S:s:j:qh";

static int parse_args(int argc, char **argv, ppf_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},     {"target", required_argument, NULL, 'T'},
        {"source", required_argument, NULL, 'C'},     {"intervals", required_argument, NULL, 'i'},
        {"width", required_argument, NULL, 'w'},      {"amplitude", required_argument, NULL, 'a'},
        {"kind", required_argument, NULL, 'k'},       {"wavelength", required_argument, NULL, 'L'},
        {"rule", required_argument, NULL, 'r'},       {"set", required_argument, NULL, 'S'},
        {"seed", required_argument, NULL, 's'},       {"jobs", required_argument, NULL, 'j'},
        {"plot", required_argument, NULL, 'P'},       {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},            {"max-memory", required_argument, NULL, 'X'},
        {"resume", no_argument, NULL, 'Z'},           {NULL, 0, NULL, 0}};
    int ch, rc;
    memset(a, 0, sizeof *a);
    a->o = opsin_ppf_opts_default();
    a->o.jobs = opsin_cli_cpus();
    a->max_memory = opsin_cli_memory_default();
    a->o.sets = a->sets;
    cli_resume_init(&a->rs, "ppf", "ojXPqZ");
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if (ch == '?')
            return opsin_cli_option_error("ppf", opts, shortopts, help, argc, argv);
        cli_resume_option(&a->rs, opts, ch, optarg);
        if ((rc = parse_option(ch, a)))
            return rc;
    }
    if (optind == argc)
        return usage("missing CIRCUIT file");
    if (argc - optind > 1)
        return usage("too many files (expected CIRCUIT only: the stimulus is generated)");
    a->circuit = a->o.circuit = argv[optind];
    a->o.max_memory = opsin_cli_memory_share(a->max_memory, a->o.jobs);
    if (!a->amplitude)
        return usage("missing --amplitude (expected e.g. --amplitude 4mA, 5V or 10mW/cm2)");
    if (a->wavelength && a->o.kind != OPSIN_SRC_OPTICAL)
        return usage("--wavelength is for --kind optical only");
    if (!a->wavelength && a->o.kind == OPSIN_SRC_OPTICAL)
        return usage("--kind optical needs --wavelength (expected e.g. --wavelength 445nm)");
    return 0;
}

/* --rule peak | at:T */
static int parse_rule(ppf_args *a)
{
    if (!a->rule || strcmp(a->rule, "peak") == 0)
        return 0;
    if (strncmp(a->rule, "at:", 3) != 0) {
        fprintf(stderr, "opsin ppf: --rule %s: unknown rule (expected peak or at:T, e.g. "
                "at:0.5ms)\n", a->rule);
        return -1;
    }
    a->o.rule = OPSIN_PPF_AT;
    if (opsin_cli_quantity("ppf", "--rule", a->rule + 3, "s", &a->o.rule_t))
        return -1;
    if (!(a->o.rule_t >= 0)) {
        fprintf(stderr, "opsin ppf: --rule %s: T is negative (expected T >= 0 after the falling "
                "edge)\n", a->rule);
        return -1;
    }
    return 0;
}

/* --intervals: a list, FROM:TO:N or log:FROM:TO:N (default: 12 from twice the width to 200
 * times it, geometric); *v is malloc'd. */
static int parse_intervals(ppf_args *a, double **v)
{
    opsin_diag d;
    if (!a->intervals) {
        a->o.nintervals = 12;
        return opsin_values_range(2 * a->o.width, 200 * a->o.width, 12, 1, v) ? -1 : 0;
    }
    if (opsin_values_parse(a->intervals, "s", 0, v, &a->o.nintervals, &d) != OPSIN_OK) {
        fprintf(stderr, "opsin ppf: --intervals %s\n", d.msg);
        return -1;
    }
    return 0;
}

/* Width, amplitude, wavelength, rule and intervals into the protocol options. */
static int resolve(ppf_args *a, double **v)
{
    if (a->width && opsin_cli_quantity("ppf", "--width", a->width, "s", &a->o.width))
        return -1;
    if (opsin_cli_quantity("ppf", "--amplitude", a->amplitude, opsin_source_kind_unit(a->o.kind),
                           &a->o.amplitude))
        return -1;
    if (a->wavelength && opsin_cli_quantity("ppf", "--wavelength", a->wavelength, "m", &a->o.wavelength))
        return -1;
    if (a->wavelength && !(a->o.wavelength > 0)) {
        fprintf(stderr, "opsin ppf: --wavelength %s is not positive (expected e.g. 445nm)\n",
                a->wavelength);
        return -1;
    }
    if (parse_rule(a) || parse_intervals(a, v))
        return -1;
    a->o.intervals = *v;
    return 0;
}

/* The table, numbers as io/number.h writes them: the same bytes for the same doubles
 * whatever the thread count. */
static void table_write(FILE *fp, const opsin_ppf_row *rows, size_t n, const char *target,
                        const char *unit)
{
    fprintf(fp, "interval (s),A1 %s (%s),A2 %s (%s),A2/A1 (1),(A2-A1)/A1 (1)\n", target, unit,
            target, unit);
    for (size_t i = 0; i < n; i++) {
        double v[] = {rows[i].interval, rows[i].a1, rows[i].a2, rows[i].a2 / rows[i].a1,
                      (rows[i].a2 - rows[i].a1) / rows[i].a1};
        opsin_number_write_list(fp, v, sizeof v / sizeof v[0]);
        fputc('\n', fp);
    }
}

/* What output() writes. */
typedef struct table {
    const opsin_ppf_row *rows;
    size_t n;
    const char *target, *unit;
} table;

/* The table into an opened output (cli_out_write checks the writes). */
static int table_output(void *ctx, cli_out *o)
{
    const table *t = ctx;
    table_write(o->fp, t->rows, t->n, t->target, t->unit);
    return 0;
}

static int output(const ppf_args *a, const opsin_ppf_row *rows, const char *target,
                  const char *unit)
{
    table t = {rows, a->o.nintervals, target, unit};
    return cli_out_write("ppf", a->output, 0, table_output, &t);
}

/* The files of the command, checked before anything runs (cli_out_check): the fit report
 * goes to standard output when the table does not. */
static int check_files(const ppf_args *a)
{
    int tostd = cli_out_kind(a->output) == CLI_OUT_STDOUT;
    cli_file in[] = {{"the circuit", a->circuit}};
    cli_file out[] = {{"the fit report", tostd ? NULL : "-"},
                      {a->output ? "-o" : "the table", a->output ? a->output : "-"},
                      {"--plot", a->plot}};
    int rc = cli_out_check("ppf", in, 1, out, 3);
    return rc ? rc : opsin_cli_plot_name("ppf", a->plot);
}

#define CURVE_N 300

/* The double-exponential fit of A2/A1 (reported, not required: the table is the result). */
static int fit_and_plot(const ppf_args *a, const opsin_ppf_row *rows)
{
    size_t n = a->o.nintervals;
    FILE *rep = cli_out_kind(a->output) == CLI_OUT_STDOUT ? stderr : stdout;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), cx[CURVE_N], cy[CURVE_N];
    if (!x || !y) {
        free(x);
        free(y);
        return EXIT_RUNTIME;
    }
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = rows[i].interval;
        y[i] = rows[i].a2 / rows[i].a1;
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    opsin_fit_data data = {x, y, n, NULL, NULL, 0, NULL, NULL, NULL};
    opsin_fit_opts fo = opsin_fit_opts_default();
    opsin_fit_result r;
    opsin_diag d = {""};
    int fitted = n >= 5 && opsin_fit_run("ppf", &data, &fo, &r, &d) == OPSIN_OK;
    if (fitted && !(a->quiet && rep == stderr))
        opsin_fit_print(&r, "s", "", rep);
    else if (!fitted && !a->quiet)
        fprintf(stderr, "opsin ppf: no double-exponential fit: %s\n",
                n < 5 ? "fewer than 5 intervals" : d.msg);
    int rc = EXIT_OK;
    if (a->plot) {
        if (fitted)
            opsin_fit_curve(&r, 0, lo, hi, 1, CURVE_N, cx, cy);
        opsin_plot_series s[2] = {{x, y, n, "A2/A1", 0}, {cx, cy, CURVE_N, "double exponential", 1}};
        rc = cli_out_plot_xy("ppf", a->plot, "interval (s)", "A2/A1", 1, s, fitted ? 2 : 1);
    }
    free(x);
    free(y);
    return rc;
}

int opsin_cmd_ppf(int argc, char **argv)
{
    ppf_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc || (rc = check_files(&a))) {
        cli_resume_free(&a.rs);
        return rc < 0 ? EXIT_OK : rc;
    }
    double *v = NULL;
    opsin_ppf_row *rows = NULL;
    char unit[32] = "", target[160] = "";
    opsin_diag d = {""};
    if (resolve(&a, &v)) {
        rc = EXIT_USAGE;
    } else if (!(rows = calloc(a.o.nintervals, sizeof *rows))) {
        rc = EXIT_RUNTIME;
    } else {
        cli_resume_config(&a.rs, "circuit", a.circuit);
        opsin_cli_jobs_warning("ppf", a.o.jobs, a.quiet);
        rc = cli_resume_prepare(&a.rs, a.output, a.o.nintervals, a.quiet, &a.o.partial);
    }
    if (rc) {
        rc = rc == CLI_RESUME_COMPLETE ? EXIT_OK : rc;
    } else if ((rc = opsin_ppf_run(&a.o, rows, unit, target, &d)) != OPSIN_OK) {
        if (strncmp(d.msg, a.circuit, strlen(a.circuit)) == 0)
            fprintf(stderr, "%s\n", d.msg);
        else
            fprintf(stderr, "opsin ppf: %s\n", d.msg);
        rc = cli_resume_write_failed(&a.rs) ? EXIT_RUNTIME : opsin_cli_exit_status(rc);
    } else {
        rc = output(&a, rows, target, unit);
        if (!rc)
            cli_resume_done(&a.rs);
        if (!rc)
            rc = fit_and_plot(&a, rows);
    }
    free(rows);
    free(v);
    cli_resume_free(&a.rs);
    return rc;
}
