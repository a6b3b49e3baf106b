/* sweep.c: `opsin sweep CIRCUIT [STIMULUS] --set ... --measure ...`: one CSV row of measures
 * per point of a parameter grid, runs in parallel, rows in grid order.
 *
 * With -o the rows go to a temporary file beside OUT, renamed into place at the end (a bad
 * specification leaves no file at all); without it they go to standard output as they
 * complete.  The progress bar is drawn only when standard error is a terminal.
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
#include "cli/output.h"
#include "opsin.h"
#include "protocols/measure.h"
#include "protocols/sweep.h"

int opsin_cmd_sweep(int argc, char **argv);

static const char help[] =
    "Usage: opsin sweep CIRCUIT [STIMULUS] --set ID.PARAM=SPEC... --measure NAME[,NAME...]\n"
    "                   [OPTION]...\n"
    "Run CIRCUIT once per point of the grid of the --set values and write one CSV row per\n"
    "point: the parameter values (SI) then the measures, in grid order (the last --set varies\n"
    "fastest), each row flushed as soon as it and all rows before it are done.\n\n"
    "  -S, --set=KEY=SPEC   a swept parameter (repeatable; several make a grid).  KEY is\n"
    "                       ID.PARAM of the circuit, or SOURCE.KEY / SOURCE.trainN.KEY of\n"
    "                       the stimulus (any numeric key --list-keys shows, e.g. width,\n"
    "                       amplitude, slope, tau).  SPEC: a list 500,1kohm,8kohm (open\n"
    "                       where the parameter allows it), FROM:TO:N (N evenly spaced, both\n"
    "                       ends included) or log:FROM:TO:N (geometric), e.g.\n"
    "                       --set syn.R_reg=log:500ohm:8kohm:5\n"
    "  -m, --measure=M,...  measures [PROBE:]NAME[:ARG] (repeatable), e.g.\n"
    "                       syn.v:peak,syn.v:at:10ms,post:rate,energy; PROBE is ID.OUTPUT\n"
    "                       (or ID for a neuron's spikes), default the circuit's first probe\n"
    "      --list-measures  list the measures with their units and exit\n"
    "      --list-keys      list the stimulus keys with their units and exit\n"
    "  -t, --t-end=T        end time of every run, e.g. 30ms (default: the files' t_end)\n"
    "  -d, --dt-out=DT      output grid step of every run (default t_end/1000)\n"
    "  -j, --jobs=N         parallel runs (default: the number of online CPUs)\n"
    "      --max-memory=SIZE\n"
    "                       memory the N parallel runs may need together (estimated before\n"
    "                       each run), e.g. 16G (0: no limit; default 3/4 of the RAM, at\n"
    "                       most 8G)\n"
    "  -s, --seed=N         seed of the random streams of every run (default 1)\n"
    "  -o, --output=FILE    write the CSV to FILE (default: standard output)\n"
    "  -q, --quiet          print no warnings or progress bar on standard error\n"
    "  -h, --help           show this help and exit\n\n"
    "Exit status: 0 success, 1 a run failed (its measures are nan) or writing failed,\n"
    "2 bad usage or input (nothing is run or written).\n";

#define MAX_MEASURES 64

typedef struct sweep_args {
    const char *circuit, *stimulus, *output, *t_end, *dt_out;
    const char *sets[OPSIN_CLI_MAX_SETS], *measures[MAX_MEASURES];
    size_t nsets, nmeasures;
    unsigned long seed, jobs;
    double max_memory;
    int quiet;
} sweep_args;

/* One line "opsin sweep: msg" on standard error; EXIT_USAGE. */
static int fail_usage(const char *msg)
{
    fprintf(stderr, "opsin sweep: %s\n", msg);
    return EXIT_USAGE;
}

static const char shortopts[] = "S:m:t:d:j:s:o:qh";

/* Options into a; > 0 an exit status, < 0 "done, exit 0" (--help, --list-measures,
 * --list-keys). */
static int parse_args(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, 'S'},   {"measure", required_argument, NULL, 'm'},
        {"t-end", required_argument, NULL, 't'}, {"dt-out", required_argument, NULL, 'd'},
        {"jobs", required_argument, NULL, 'j'},  {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'}, {"list-measures", no_argument, NULL, 'L'},
        {"list-keys", no_argument, NULL, 'K'},    {"quiet", no_argument, NULL, 'q'},
        {"max-memory", required_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int ch;
    memset(a, 0, sizeof *a);
    a->seed = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = ncpu > 0 ? (unsigned long)ncpu : 1;
    a->max_memory = opsin_cli_memory_default();
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (ch) {
        case 'S':
            if (opsin_cli_add_set("sweep", a->sets, &a->nsets, optarg))
                return EXIT_USAGE;
            break;
        case 'm':
            if (a->nmeasures == MAX_MEASURES)
                return fail_usage("too many --measure options (expected at most 64, each a "
                                  "comma-separated list)");
            a->measures[a->nmeasures++] = optarg;
            break;
        case 't': a->t_end = optarg; break;
        case 'd': a->dt_out = optarg; break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'j':
            if (opsin_cli_count("sweep", "--jobs", optarg, 1, 1024, &a->jobs))
                return EXIT_USAGE;
            break;
        case 's':
            if (opsin_cli_count("sweep", "--seed", optarg, 0, ULONG_MAX, &a->seed))
                return EXIT_USAGE;
            break;
        case 'X':
            if (opsin_cli_memory("sweep", optarg, &a->max_memory))
                return EXIT_USAGE;
            break;
        case 'L':
            opsin_measure_print_table(stdout);
            return -1;
        case 'K':
            opsin_stimulus_key_print(stdout);
            return -1;
        case 'h': fputs(help, stdout); return -1;
        default: return opsin_cli_option_error("sweep", opts, shortopts, help, argc, argv);
        }
    }
    if (optind == argc)
        return opsin_cli_usage_error("sweep", "missing CIRCUIT file");
    if (argc - optind > 2)
        return fail_usage("too many files (expected CIRCUIT [STIMULUS])");
    a->circuit = argv[optind];
    a->stimulus = optind + 1 < argc ? argv[optind + 1] : NULL;
    return 0;
}

/* A positive duration option ("30ms", "0.5") in seconds; -1 after the message. */
static int parse_duration(const char *opt, const char *text, double *out)
{
    opsin_diag d;
    if (opsin_units_parse(text, "s", out, &d) != OPSIN_OK) {
        fprintf(stderr, "opsin sweep: %s %s: %s\n", opt, text, d.msg);
        return -1;
    }
    if (!(*out > 0)) {
        fprintf(stderr, "opsin sweep: %s %s is not a positive duration (expected e.g. 10ms)\n",
                opt, text);
        return -1;
    }
    return 0;
}

/* The progress bar: "\r[####......] done/total", erased at the end. */
static void progress_draw(void *ctx, size_t done, size_t total)
{
    enum { WIDTH = 40 };
    (void)ctx;
    if (done == total) {
        fprintf(stderr, "\r%*s\r", WIDTH + 40, "");
        return;
    }
    size_t fill = done * WIDTH / total;
    char bar[WIDTH + 1];
    memset(bar, '#', fill);
    memset(bar + fill, '.', WIDTH - fill);
    bar[WIDTH] = '\0';
    fprintf(stderr, "\ropsin sweep: [%s] %zu/%zu", bar, done, total);
    fflush(stderr);
}

/* Runs the sweep into out (a temporary file or stdout): the exit status, or -1 when the
 * output could not be written (the message is printed). */
static int sweep_write(opsin_sweep *sw, const sweep_args *a, FILE *out)
{
    opsin_diag d = {""};
    size_t nfailed = 0;
    int tty = !a->quiet && isatty(STDERR_FILENO);
    int rc = opsin_sweep_run(sw, (unsigned)a->jobs, out, stderr, tty ? progress_draw : NULL,
                             NULL, &nfailed, &d);
    if (rc) {
        fprintf(stderr, "opsin sweep: %s: %s\n", d.msg, rc == OPSIN_EIO ? strerror(errno) :
                opsin_strerror(rc));
        return -1;
    }
    if (nfailed)
        fprintf(stderr, "opsin sweep: %zu of %zu runs failed (their measures are nan)\n",
                nfailed, opsin_sweep_npoints(sw));
    return nfailed ? EXIT_RUNTIME : EXIT_OK;
}

/* Writes to -o FILE through a temporary name (cli_out), or streams to standard output. */
static int sweep_output(opsin_sweep *sw, const sweep_args *a)
{
    if (!a->output) {
        int rc = sweep_write(sw, a, stdout);
        return rc < 0 ? EXIT_RUNTIME : rc;
    }
    cli_out out;
    if (cli_out_open(&out, a->output)) {
        fprintf(stderr, "opsin sweep: cannot create %s: %s\n", a->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    int rc = sweep_write(sw, a, out.fp);
    if (rc < 0) {
        cli_out_discard(&out);
        return EXIT_RUNTIME;
    }
    if (cli_out_commit(&out)) {
        fprintf(stderr, "opsin sweep: writing %s failed: %s\n", a->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    return rc;
}

int opsin_cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? (fflush(stdout) || ferror(stdout) ? EXIT_RUNTIME : EXIT_OK) : rc;
    opsin_sweep_opts o = {a.circuit, a.stimulus, a.sets, a.nsets, a.measures, a.nmeasures,
                          0, 0, a.seed, opsin_cli_memory_share(a.max_memory, a.jobs), NULL};
    if ((a.t_end && parse_duration("--t-end", a.t_end, &o.t_end)) ||
        (a.dt_out && parse_duration("--dt-out", a.dt_out, &o.dt_out)))
        return EXIT_USAGE;
    opsin_sweep *sw = NULL;
    opsin_diag d = {""};
    if ((rc = opsin_sweep_new(&o, &sw, &d))) {
        fprintf(stderr, "opsin sweep: %s\n", d.msg);
        return opsin_cli_exit_status(rc);
    }
    opsin_cli_warnings("sweep", a.quiet, opsin_sweep_circuit(sw), opsin_sweep_stimulus(sw));
    rc = sweep_output(sw, &a);
    opsin_sweep_free(sw);
    return rc;
}
