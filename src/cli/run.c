/* run.c: `opsin run CIRCUIT [STIMULUS]`: transient simulation to CSV, spikes and summary.
 *
 * Output files are written as src/cli/output.h says: under temporary names renamed only when
 * the run succeeded, so a failed or interrupted run leaves nothing half-written; standard
 * output (no -o), a device or a FIFO gets the rows as they come.  SIGINT or SIGTERM stops
 * the run at its next row (cli/signals.h).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/measures.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "io/number.h"
#include "io/plot.h"
#include "io/raster.h"
#include "opsin.h"

static const char help[] =
    "Usage: opsin run CIRCUIT [STIMULUS] [OPTION]...\n"
    "Simulate CIRCUIT (driven by the sources of STIMULUS) from t = 0 to t_end and write the\n"
    "probes as CSV: a header of names and units, the output grid plus both sides of every\n"
    "event, each number the shortest decimal (15 to 17 significant digits) that reads back as\n"
    "the same double.  With -o OUT.csv, spikes go to OUT.spikes.csv and the summary (events,\n"
    "solver statistics, energy per source) to OUT.summary.txt and standard error.\n\n"
    "  -o, --output=FILE    write the CSV to FILE (default: standard output)\n"
    "  -t, --t-end=T        end time, e.g. 100ms or 2.5 (s); overrides the files' t_end\n"
    "  -d, --dt-out=DT      output grid step (default t_end/1000)\n"
    "  -p, --probe=P,...    probes ID.OUTPUT to write (default: the circuit's probes)\n"
    "  -s, --seed=N         seed of the random streams (default 1)\n"
    "  -j, --jobs=N         threads that advance a network's neurons (default: the CPUs\n"
    "                       it may run on); the output is the same bytes for any N\n"
    "  -S, --set=ID.PARAM=VALUE\n"
    "                       override a circuit parameter, e.g. --set syn.R_reg=500ohm\n"
    "                       or --set syn.R_reg=open (repeatable)\n"
    "      --plot=FILE      plot the probes with gnuplot into FILE.png, .svg or .pdf (a\n"
    "                       network: and below them its spike raster and rates)\n"
    "      --plot-overlay   with --plot: the probes of one unit share an axis, with a legend\n"
    "      --map=FILE.csv   write every array cell's (or device synapse's) first output\n"
    "                       (e.g. G) at the --map-at times: t, array, row, col, value\n"
    "      --map-at=T,...   times of the map, e.g. 10s,20s (default: t_end)\n"
    "  -m, --measure=M,...  measures of the run, as for opsin sweep (repeatable), e.g.\n"
    "                       syn.v:peak,syn.v:when:50mV:rise,syn.v:integral:1ms:2ms; one line\n"
    "                       NAME,VALUE,UNIT each on standard error after the summary\n"
    "      --measure-output=FILE\n"
    "                       write those lines to FILE instead\n"
    "      --max-memory=SIZE\n"
    "                       refuse a simulation estimated to need more memory, e.g. 16G\n"
    "                       (0: no limit; default 3/4 of the RAM, at most 8G)\n"
    "  -q, --quiet          print no summary, warnings or progress on standard error\n"
    "  -h, --help           show this help and exit\n\n"
    "Exit status: 0 success, 1 run-time failure (solver, writing), 2 bad usage or input.\n";


typedef struct run_args {
    const char *circuit, *stimulus, *output, *plot, *probes, *t_end, *dt_out, *map, *map_at;
    const char *sets[OPSIN_CLI_MAX_SETS];
    size_t nsets;
    const char *measures[OPSIN_CLI_MAX_SETS], *measure_output;
    size_t nmeasures;
    unsigned long seed, jobs;
    double max_memory;
    int quiet, overlay;
} run_args;

typedef struct csv_ctx {
    FILE *csv, *spikes, *map;
    int map_header;
    cli_progress *progress; /* the simulated time on a terminal */
    double t_end;
    volatile sig_atomic_t *stop; /* set by SIGINT or SIGTERM: the run ends at the next row */
    double t;                    /* the time of the last row written */
    int err;                     /* errno of the first failed write, for its message */
} csv_ctx;

/* A failed write keeps its reason (the run goes on unwinding, which may change errno). */
static int failed(csv_ctx *x, int bad)
{
    if (bad && !x->err)
        x->err = errno ? errno : EIO;
    return bad;
}

static int csv_header(void *ctx, size_t n, const char *const *names, const char *const *units)
{
    FILE *fp = ((csv_ctx *)ctx)->csv;
    fprintf(fp, "t (s)");
    for (size_t i = 0; i < n; i++)
        fprintf(fp, ",%s (%s)", names[i], units[i]);
    return failed(ctx, fputc('\n', fp) == EOF);
}

/* Numbers as io/number.h writes them: a re-read gives back the same doubles. */
static int csv_row(void *ctx, double t, const double *v, size_t n)
{
    csv_ctx *x = ctx;
    FILE *fp = x->csv;
    if (*x->stop)
        return 1;
    x->t = t;
    cli_progress_show(x->progress, "t = %.4g s of %.4g s (%.0f %%)", t, x->t_end,
                      100 * t / x->t_end);
    opsin_number_write(fp, t);
    if (n && (fputc(',', fp) == EOF || opsin_number_write_list(fp, v, n) == EOF))
        return failed(x, 1);
    return failed(x, fputc('\n', fp) == EOF);
}

static int csv_spike(void *ctx, double t, const char *neuron)
{
    FILE *fp = ((csv_ctx *)ctx)->spikes;
    return failed(ctx, fp && (opsin_number_write(fp, t) == EOF ||
                              fprintf(fp, ",%s\n", neuron) < 0));
}

static int csv_map(void *ctx, double t, const char *array, size_t row, size_t col, double v,
                   const char *unit)
{
    csv_ctx *x = ctx;
    if (!x->map)
        return 0;
    if (!x->map_header++)
        fprintf(x->map, "t (s),array,row,col,value (%s)\n", unit);
    opsin_number_write(x->map, t);
    fprintf(x->map, ",%s,%zu,%zu,", array, row, col);
    return failed(x, opsin_number_write(x->map, v) == EOF || fputc('\n', x->map) == EOF);
}

/* --plot names a picture type and --plot-overlay comes with it: checked before anything runs. */
static int check_plot(const run_args *a)
{
    if (a->overlay && !a->plot) {
        fprintf(stderr, "opsin run: --plot-overlay needs --plot FILE (expected e.g. --plot "
                "run.png --plot-overlay)\n");
        return EXIT_USAGE;
    }
    return opsin_cli_plot_name("run", a->plot);
}

static const char shortopts[] = "o:t:d:p:s:j:S:m:qh";

static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"t-end", required_argument, NULL, 't'},
        {"dt-out", required_argument, NULL, 'd'}, {"probe", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 's'},   {"plot", required_argument, NULL, 'P'},
        {"set", required_argument, NULL, 'S'},    {"map", required_argument, NULL, 'M'},
        {"map-at", required_argument, NULL, 'A'}, {"plot-overlay", no_argument, NULL, 'O'},
        {"measure", required_argument, NULL, 'm'}, {"measure-output", required_argument, NULL, 'W'},
        {"max-memory", required_argument, NULL, 'X'}, {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int ch;
    memset(a, 0, sizeof *a);
    a->seed = 1;
    a->jobs = opsin_cli_cpus();
    a->max_memory = opsin_cli_memory_default();
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (ch) {
        case 'o': a->output = optarg; break;
        case 't': a->t_end = optarg; break;
        case 'd': a->dt_out = optarg; break;
        case 'p': a->probes = optarg; break;
        case 'P': a->plot = optarg; break;
        case 'O': a->overlay = 1; break;
        case 'M': a->map = optarg; break;
        case 'A': a->map_at = optarg; break;
        case 'X':
            if (opsin_cli_memory("run", optarg, &a->max_memory))
                return EXIT_USAGE;
            break;
        case 'q': a->quiet = 1; break;
        case 'W': a->measure_output = optarg; break;
        case 'm':
            if (a->nmeasures == OPSIN_CLI_MAX_SETS) {
                fprintf(stderr, "opsin run: too many --measure options (expected at most %d, "
                        "each a comma-separated list)\n", OPSIN_CLI_MAX_SETS);
                return EXIT_USAGE;
            }
            a->measures[a->nmeasures++] = optarg;
            break;
        case 'S':
            if (opsin_cli_add_set("run", a->sets, &a->nsets, optarg))
                return EXIT_USAGE;
            break;
        case 's':
            if (opsin_cli_count("run", "--seed", optarg, 0, ULONG_MAX, &a->seed))
                return EXIT_USAGE;
            break;
        case 'j':
            if (opsin_cli_count("run", "--jobs", optarg, 1, 1024, &a->jobs))
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return -1;
        default: return opsin_cli_option_error("run", opts, shortopts, help, argc, argv);
        }
    }
    if (optind == argc)
        return opsin_cli_usage_error("run", "missing CIRCUIT file");
    if (argc - optind > 2)
        return opsin_cli_usage_error("run", "too many files (expected CIRCUIT [STIMULUS])");
    a->circuit = argv[optind];
    a->stimulus = optind + 1 < argc ? argv[optind + 1] : NULL;
    return check_plot(a);
}

/* The stem of OUT.csv (OUT) for the files beside it. */
static char *sibling(const char *out, const char *suffix)
{
    size_t n = strlen(out);
    if (n > 4 && strcmp(out + n - 4, ".csv") == 0)
        n -= 4;
    char *s = malloc(n + strlen(suffix) + 1);
    if (s) {
        memcpy(s, out, n);
        strcpy(s + n, suffix);
    }
    return s;
}

/* The files of a run: the CSV (or standard output), and with -o the spikes and the summary
 * beside it; the map when asked for. */
typedef struct outputs {
    cli_out csv, spikes, summary, map;
    char *spikes_name, *summary_name;
} outputs;

static void outputs_discard(outputs *o)
{
    cli_out_discard(&o->csv);
    cli_out_discard(&o->spikes);
    cli_out_discard(&o->summary);
    cli_out_discard(&o->map);
    free(o->spikes_name);
    free(o->summary_name);
    memset(o, 0, sizeof *o);
}

/* The names of the files beside -o OUT.csv, known before anything runs; only beside a file
 * renamed into place (standard output, a device or a FIFO has no such place: /dev/null
 * would give /dev/null.spikes.csv). */
static int outputs_names(outputs *o, const char *out)
{
    memset(o, 0, sizeof *o);
    if (cli_out_kind(out) != CLI_OUT_RENAME)
        return 0;
    o->spikes_name = sibling(out, ".spikes.csv");
    o->summary_name = sibling(out, ".summary.txt");
    return o->spikes_name && o->summary_name ? 0 : -1;
}

/* The files a run reads and writes, checked before it runs (cli_out_check). */
static int outputs_check(const outputs *o, const run_args *a)
{
    cli_file in[] = {{"the circuit", a->circuit}, {"the stimulus", a->stimulus}};
    cli_file out[] = {{a->output ? "-o" : "the CSV", a->output ? a->output : "-"},
                      {"the spike list", o->spikes_name}, {"the summary", o->summary_name},
                      {"--map", a->map}, {"--plot", a->plot},
                      {"--measure-output", a->measure_output}};
    return cli_out_check("run", in, 2, out, 6);
}

/* The outputs against the data files the circuit and the stimulus read (synapse lists,
 * spike times), once they are loaded. */
static int data_files_check(const outputs *o, const run_args *a, const opsin_circuit *c,
                            const opsin_stimulus *s)
{
    size_t nc = 0, ns = 0;
    while (opsin_circuit_data_file(c, nc))
        nc++;
    while (s && opsin_stimulus_data_file(s, ns))
        ns++;
    if (!nc && !ns)
        return 0;
    cli_file *in = malloc((nc + ns) * sizeof *in);
    if (!in) {
        fprintf(stderr, "opsin run: out of memory\n");
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < nc; i++)
        in[i] = (cli_file){"the synapse list", opsin_circuit_data_file(c, i)};
    for (size_t i = 0; i < ns; i++)
        in[nc + i] = (cli_file){"the spike times", opsin_stimulus_data_file(s, i)};
    cli_file out[] = {{a->output ? "-o" : "the CSV", a->output ? a->output : "-"},
                      {"the spike list", o->spikes_name}, {"the summary", o->summary_name},
                      {"--map", a->map}, {"--plot", a->plot},
                      {"--measure-output", a->measure_output}};
    int rc = cli_out_check("run", in, nc + ns, out, 6);
    free(in);
    return rc;
}

/* Opens every output; -1 with *which naming the one that could not be created. */
static int outputs_open(outputs *o, const char *out, const char *map, const char **which)
{
    if (map && cli_out_open(&o->map, *which = map))
        return -1;
    if (cli_out_open(&o->csv, *which = out))
        return -1;
    if (!o->spikes_name)
        return 0;
    if (cli_out_open(&o->spikes, *which = o->spikes_name) ||
        cli_out_open(&o->summary, *which = o->summary_name))
        return -1;
    fprintf(o->spikes.fp, "t (s),neuron\n");
    return 0;
}

/* Renames every output into place (flushes standard output); -1 with *which naming the one
 * whose writing failed. */
static int outputs_commit(outputs *o, const char *out, const char *map, const char **which)
{
    if (o->map.fp && cli_out_commit(&o->map))
        return *which = map, -1;
    if (o->spikes.fp && cli_out_commit(&o->spikes))
        return *which = o->spikes_name, -1;
    if (o->summary.fp && cli_out_commit(&o->summary))
        return *which = o->summary_name, -1;
    *which = out;
    return cli_out_commit(&o->csv);
}

/* The output whose write failed during the run (the CSV, the spike list or the map). */
static const char *failed_output(const outputs *o, const char *out, const char *map)
{
    if (o->spikes.fp && ferror(o->spikes.fp))
        return o->spikes_name;
    if (o->map.fp && ferror(o->map.fp))
        return map;
    return out;
}

/* SIGINT or SIGTERM stopped the run: the temporary files go, and one line says what is left
 * (the rows on standard output, a device or a FIFO stay where they went). */
static int interrupted(outputs *o, const char *out, double t)
{
    char when[OPSIN_NUMBER_MAX];
    opsin_number_format(when, sizeof when, t);
    if (cli_out_kind(out) == CLI_OUT_RENAME)
        fprintf(stderr, "opsin run: interrupted by %s at t = %s s: no file written (earlier "
                "ones left as they were)\n", cli_signals_name(), when);
    else
        fprintf(stderr, "opsin run: interrupted by %s at t = %s s: %s holds the rows up to "
                "it\n", cli_signals_name(), when, cli_out_shown(out));
    fflush(o->csv.fp);
    outputs_discard(o);
    return cli_signals_status();
}

/* --map-at T,T,...: increasing times within the run (default: t_end), as many as given, in
 * *times (malloc'd; the caller frees it, also after a failure).  An exit status. */
static int parse_map_times(const run_args *a, opsin_run_opts *o, double **times_out)
{
    const char *list = a->map_at ? a->map_at : "";
    size_t n = 0, max = 1;
    if (!a->map) {
        fprintf(stderr, "opsin run: --map-at needs --map FILE.csv\n");
        return EXIT_USAGE;
    }
    for (const char *s = list; *s; s++)
        max += *s == ',';
    double *times = *times_out = malloc(max * sizeof *times);
    if (!times) {
        fprintf(stderr, "opsin run: out of memory for %zu --map-at times\n", max);
        return EXIT_RUNTIME;
    }
    for (const char *s = list; *s;) {
        char item[64];
        size_t len = strcspn(s, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), s);
        if (opsin_cli_quantity("run", "--map-at", item, "s", &times[n]))
            return EXIT_USAGE;
        if (!(times[n] >= 0 && times[n] <= o->t_end) || (n && !(times[n] > times[n - 1]))) {
            fprintf(stderr, "opsin run: --map-at: %s is not usable (expected increasing times "
                    "between 0 and t_end = %g s)\n", item, o->t_end);
            return EXIT_USAGE;
        }
        n++;
        s += len + (s[len] == ',');
    }
    if (n == 0)
        times[n++] = o->t_end;
    o->map_times = times;
    o->nmap_times = n;
    return 0;
}

/* Loads the files and resolves the run options (command line over files over default);
 * o->map_times is *map_times, malloc'd. */
static int load(const run_args *a, opsin_circuit **c, opsin_stimulus **s, opsin_run_opts *o,
                double **map_times)
{
    opsin_diag d = {""};
    int rc = opsin_circuit_load(a->circuit, c, &d);
    for (size_t i = 0; !rc && i < a->nsets; i++)
        if ((rc = opsin_circuit_assign(*c, a->sets[i], &d)) != OPSIN_OK) {
            fprintf(stderr, "opsin run: %s\n", d.msg);
            return opsin_cli_exit_status(rc);
        }
    if (!rc && a->stimulus)
        rc = opsin_stimulus_load(a->stimulus, *c, s, &d);
    if (rc) {
        fprintf(stderr, "%s\n", d.msg);
        return opsin_cli_exit_status(rc);
    }
    *o = opsin_run_opts_default(*c, *s);
    o->seed = a->seed;
    o->jobs = (unsigned)a->jobs;
    o->max_memory = a->max_memory;
    if (a->probes) { /* freed by the caller */
        opsin_probe *p;
        if ((rc = opsin_probes_parse(*c, a->probes, &p, &o->nprobes, "--probe", 0, &d))) {
            fprintf(stderr, "opsin run: %s\n", d.msg);
            return opsin_cli_exit_status(rc);
        }
        o->probes = p;
    }
    if ((a->t_end && opsin_cli_quantity("run", "--t-end", a->t_end, "s", &o->t_end)) ||
        (a->dt_out && opsin_cli_quantity("run", "--dt-out", a->dt_out, "s", &o->dt_out)))
        return EXIT_USAGE;
    if (a->t_end && !(o->t_end > 0)) {
        fprintf(stderr, "opsin run: --t-end: %s is not a positive duration (expected e.g. "
                "100ms)\n", a->t_end);
        return EXIT_USAGE;
    }
    if (!(o->t_end > 0)) {
        fprintf(stderr, "opsin run: no end time (expected --t-end T, or t_end = \"...\"; in the "
                "circuit or stimulus file)\n");
        return EXIT_USAGE;
    }
    if ((a->map || a->map_at) && (rc = parse_map_times(a, o, map_times)))
        return rc;
    if (a->dt_out && !(o->dt_out > 0)) {
        fprintf(stderr, "opsin run: --dt-out: %s is not a positive step (expected e.g. 1ms)\n",
                a->dt_out);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The CSV a run will write, roughly: its rows (the grid and both sides of each edge) of about
 * 20 bytes per column.  Past 100 MB a warning says so before the run starts. */
static void warn_size(const opsin_sim *sim, const opsin_circuit *c, const opsin_run_opts *o,
                      int quiet)
{
    double rows = opsin_sim_rows_estimate(sim);
    size_t cols = 1 + (o->probes ? o->nprobes : opsin_circuit_nprobes(c));
    double mb = rows * 20.0 * (double)cols / 1e6;
    if (!quiet && mb > 100)
        fprintf(stderr, "opsin run: warning: the CSV will be about %.0f MB (%.0f rows of %zu "
                "columns; expected at most 100 MB: raise --dt-out or lower --t-end)\n", mb, rows,
                cols);
}

static int simulate(const run_args *a, const opsin_circuit *c, const opsin_stimulus *s,
                    const opsin_run_opts *o, outputs *out)
{
    opsin_diag d = {""};
    opsin_sim *sim = NULL;
    run_measures rm;
    int rc = run_measures_begin(&rm, a->measures, a->nmeasures, a->measure_output, c,
                                a->circuit, s, a->stimulus, o);
    if (rc) {
        run_measures_free(&rm);
        return rc;
    }
    if ((rc = opsin_sim_new(c, s, run_measures_opts(&rm, o), &sim, &d))) {
        fprintf(stderr, "opsin run: %s\n", d.msg);
        run_measures_free(&rm);
        return opsin_cli_exit_status(rc);
    }
    size_t seen = 0;
    opsin_cli_warnings("run", a->quiet, c, s);
    opsin_cli_sim_warnings("run", a->quiet, sim, &seen);
    warn_size(sim, c, o, a->quiet);
    const char *which = NULL;
    cli_signals_graceful(1); /* from here a signal stops the run at its next row */
    if (outputs_open(out, a->output, a->map, &which)) {
        cli_signals_graceful(0);
        cli_out_failed("run", which, 1);
        opsin_sim_free(sim);
        run_measures_free(&rm);
        return EXIT_RUNTIME;
    }
    cli_progress progress;
    cli_progress_start(&progress, "run", a->quiet || cli_out_on_stderr_terminal(a->output));
    csv_ctx ctx = {out->csv.fp, out->spikes.fp, out->map.fp, 0, &progress, o->t_end,
                   cli_signals_flag(), 0.0, 0};
    opsin_sink sink = {csv_header, csv_row, csv_spike, csv_map, &ctx};
    rc = opsin_sim_run(sim, run_measures_sink(&rm, &sink), &d);
    cli_progress_end(&progress);
    if (cli_signals_status()) {
        opsin_sim_free(sim);
        run_measures_free(&rm);
        return interrupted(out, a->output, ctx.t);
    }
    cli_signals_graceful(0);
    if (rc == OPSIN_ECALLBACK && ctx.err) {
        errno = ctx.err;
        rc = cli_out_failed("run", failed_output(out, a->output, a->map), 0);
    } else if (rc) {
        fprintf(stderr, "opsin run: %s\n", d.msg);
        rc = EXIT_RUNTIME;
    }
    if (!rc && out->summary.fp)
        opsin_sim_print_summary(sim, out->summary.fp);
    if (!rc)
        rc = run_measures_end(&rm, sim, s);
    if (!rc && outputs_commit(out, a->output, a->map, &which))
        rc = cli_out_failed("run", which, 0);
    if (!rc)
        opsin_cli_sim_warnings("run", a->quiet, sim, &seen);
    if (!rc && !a->quiet)
        opsin_sim_print_summary(sim, stderr);
    opsin_sim_free(sim);
    if (!rc && run_measures_commit(&rm)) {
        fprintf(stderr, "opsin run: writing the measures failed: %s\n", strerror(errno));
        rc = EXIT_RUNTIME;
    }
    run_measures_free(&rm);
    return rc;
}

/* The probes against t from 0 to t_end, titled with the files they came from; with
 * populations, below them the raster and rates of the spike list just written (spikes). */
static int plot(const run_args *a, const opsin_circuit *c, const opsin_run_opts *o,
                const char *spikes)
{
    char title[1024];
    snprintf(title, sizeof title, "%s%s%s", a->circuit, a->stimulus ? " + " : "",
             a->stimulus ? a->stimulus : "");
    opsin_plot_opts po = {title, o->t_end, a->overlay, NULL};
    opsin_raster r;
    memset(&r, 0, sizeof r);
    if (opsin_circuit_npopulations(c)) {
        opsin_diag d = {""};
        int rc = opsin_raster_init(&r, c, o->t_end, o->dt_out, NULL);
        if (rc)
            fprintf(stderr, "opsin run: out of memory for the raster of --plot\n");
        else if (!rc && (rc = opsin_raster_read(&r, spikes, &d)))
            fprintf(stderr, "opsin run: %s\n", d.msg);
        if (rc) {
            opsin_raster_free(&r);
            return EXIT_RUNTIME;
        }
        po.raster = &r;
    }
    int rc = cli_out_plot_csv("run", a->output, a->plot, &po);
    opsin_raster_free(&r);
    return rc;
}

int opsin_cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_run_opts o;
    memset(&o, 0, sizeof o);
    double *map_times = NULL;
    outputs out;
    if (outputs_names(&out, a.output)) {
        fprintf(stderr, "opsin run: out of memory\n");
        return EXIT_RUNTIME;
    }
    rc = outputs_check(&out, &a);
    if (!rc)
        rc = load(&a, &c, &s, &o, &map_times);
    if (!rc)
        rc = data_files_check(&out, &a, c, s);
    if (!rc && a.plot && cli_out_kind(a.output) != CLI_OUT_RENAME) {
        fprintf(stderr, "opsin run: --plot needs -o OUT.csv, a file (the plot reads the CSV)\n");
        rc = EXIT_USAGE;
    }
    if (!rc)
        rc = simulate(&a, c, s, &o, &out);
    if (!rc && a.plot)
        rc = plot(&a, c, &o, out.spikes_name);
    outputs_discard(&out);
    free((opsin_probe *)o.probes);
    free(map_times);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
    return rc;
}
