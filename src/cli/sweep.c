/* sweep.c: `opsin sweep CIRCUIT [STIMULUS] --set ... --measure ...`: one CSV row of measures
 * per point of a parameter grid, runs in parallel, rows in grid order.
 *
 * With -o the rows go to a temporary file beside OUT, renamed into place at the end (a bad
 * specification leaves no file at all; an interrupt keeps the complete rows); without it they
 * go to standard output as they complete.  The progress bar is drawn only when standard
 * error is a terminal that the rows do not go to.
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
#include "cli/resume.h"
#include "cli/signals.h"
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
    "  -j, --jobs=N         parallel runs (default: the CPUs it may run on)\n"
    "      --max-memory=SIZE\n"
    "                       memory the N parallel runs may need together (estimated before\n"
    "                       each run), e.g. 16G (0: no limit; default 3/4 of the RAM, at\n"
    "                       most 8G)\n"
    "  -s, --seed=N         seed of the random streams of every run (default 1)\n"
    "  -o, --output=FILE    write the CSV to FILE (default: standard output); the rows\n"
    "                       also go to FILE.partial until FILE is complete\n"
    "      --resume         continue an interrupted sweep from FILE.partial: compute only\n"
    "                       the missing rows (the same options and files are required)\n"
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
    cli_resume rs; /* the partial file's key, --resume */
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
        {"max-memory", required_argument, NULL, 'X'}, {"resume", no_argument, NULL, 'Z'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int ch;
    memset(a, 0, sizeof *a);
    a->seed = 1;
    a->jobs = opsin_cli_cpus();
    a->max_memory = opsin_cli_memory_default();
    cli_resume_init(&a->rs, "sweep", "jXqoZ");
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        cli_resume_option(&a->rs, opts, ch, optarg);
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
        case 'Z': a->rs.resume = 1; break;
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

/* The rows written so far, and the progress bar when it is drawn. */
typedef struct progress {
    int draw;
    size_t done, total;
} progress;

enum { BAR_WIDTH = 40 };

/* Erases the bar line ("\r", blanks, "\r"). */
static void progress_erase(void)
{
    fprintf(stderr, "\r%*s\r", BAR_WIDTH + 40, "");
    fflush(stderr);
}

/* Counts the rows and draws "\ropsin sweep: [####......] done/total", erased at the end. */
static void progress_note(void *ctx, size_t done, size_t total)
{
    progress *p = ctx;
    p->done = done;
    p->total = total;
    if (!p->draw)
        return;
    if (done == total) {
        progress_erase();
        return;
    }
    size_t fill = done * BAR_WIDTH / total;
    char bar[BAR_WIDTH + 1];
    memset(bar, '#', fill);
    memset(bar + fill, '.', BAR_WIDTH - fill);
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\ropsin sweep: [%s] %zu/%zu", bar, done, total);
    fflush(stderr);
}

/* Runs the sweep into out: the exit status, or -1 when the output could not be written (the
 * message is printed); *p gets the rows written. */
static int sweep_write(opsin_sweep *sw, const sweep_args *a, FILE *out, progress *p)
{
    opsin_diag d = {""};
    size_t nfailed = 0;
    p->draw = !a->quiet && isatty(STDERR_FILENO) && !cli_out_on_stderr_terminal(a->output);
    p->total = opsin_sweep_npoints(sw);
    int rc = opsin_sweep_run(sw, (unsigned)a->jobs, out, stderr, progress_note, p, &nfailed,
                             &d);
    if (rc == OPSIN_ECALLBACK && cli_signals_status())
        return cli_signals_status();
    if (rc == OPSIN_EIO && cli_resume_write_failed(&a->rs)) {
        fprintf(stderr, "opsin sweep: %s\n", d.msg);
        return -1;
    }
    if (rc == OPSIN_EIO) {
        cli_out_failed("sweep", a->output, 0);
        return -1;
    }
    if (rc) {
        fprintf(stderr, "opsin sweep: %s: %s\n", d.msg, opsin_strerror(rc));
        return -1;
    }
    if (nfailed)
        fprintf(stderr, "opsin sweep: %zu of %zu runs failed (their measures are nan)\n",
                nfailed, opsin_sweep_npoints(sw));
    return nfailed ? EXIT_RUNTIME : EXIT_OK;
}

/* SIGINT or SIGTERM: the complete rows stay (the file is renamed into place with them) and
 * one line says how many. */
static int sweep_interrupted(cli_out *out, const sweep_args *a, const progress *p)
{
    if (p->draw)
        progress_erase();
    if (cli_out_commit(out))
        return cli_out_failed("sweep", a->output, 0);
    fprintf(stderr, "opsin sweep: interrupted by %s: %s holds the first %zu of %zu rows "
            "(complete, in grid order)%s\n", cli_signals_name(), cli_out_shown(a->output),
            p->done, p->total, a->rs.path ? "; --resume computes the rest" : "");
    return cli_signals_status();
}

/* Writes to -o FILE (output.h: a temporary file renamed into place, or a device), or streams
 * to standard output; a signal stops it after the last complete row. */
static int sweep_output(opsin_sweep *sw, const sweep_args *a)
{
    cli_out out;
    progress p = {0, 0, 0};
    cli_signals_graceful(1);
    if (cli_out_open(&out, a->output))
        return cli_out_failed("sweep", a->output, 1);
    int rc = sweep_write(sw, a, out.fp, &p);
    if (rc >= 0 && cli_signals_status())
        return sweep_interrupted(&out, a, &p);
    cli_signals_graceful(0);
    if (rc < 0) {
        cli_out_discard(&out);
        return EXIT_RUNTIME;
    }
    if (cli_out_commit(&out))
        return cli_out_failed("sweep", a->output, 0);
    cli_resume_done(&a->rs);
    return rc;
}

int opsin_cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        cli_resume_free(&a.rs);
        return rc < 0 ? (fflush(stdout) || ferror(stdout) ? EXIT_RUNTIME : EXIT_OK) : rc;
    }
    opsin_sweep_opts o = {a.circuit, a.stimulus, a.sets, a.nsets, a.measures, a.nmeasures,
                          0, 0, a.seed, opsin_cli_memory_share(a.max_memory, a.jobs),
                          cli_signals_flag()};
    cli_file in[] = {{"the circuit", a.circuit}, {"the stimulus", a.stimulus}};
    cli_file out[] = {{a.output ? "-o" : "the CSV", a.output ? a.output : "-"}};
    opsin_sweep *sw = NULL;
    opsin_diag d = {""};
    opsin_partial *part = NULL;
    if (cli_out_check("sweep", in, 2, out, 1) ||
        (a.t_end && parse_duration("--t-end", a.t_end, &o.t_end)) ||
        (a.dt_out && parse_duration("--dt-out", a.dt_out, &o.dt_out))) {
        rc = EXIT_USAGE;
    } else if ((rc = opsin_sweep_new(&o, &sw, &d))) {
        fprintf(stderr, "opsin sweep: %s\n", d.msg);
        rc = opsin_cli_exit_status(rc);
    } else {
        opsin_cli_warnings("sweep", a.quiet, opsin_sweep_circuit(sw), opsin_sweep_stimulus(sw));
        opsin_cli_jobs_warning("sweep", a.jobs, a.quiet);
        cli_resume_config(&a.rs, "circuit", a.circuit);
        cli_resume_config(&a.rs, "stimulus", a.stimulus);
        cli_resume_data_files(&a.rs, opsin_sweep_circuit(sw), opsin_sweep_stimulus(sw));
        rc = cli_resume_prepare(&a.rs, a.output, opsin_sweep_npoints(sw), a.quiet, &part);
        if (rc == 0) {
            opsin_sweep_set_partial(sw, part);
            rc = sweep_output(sw, &a);
        }
        rc = rc == CLI_RESUME_COMPLETE ? EXIT_OK : rc;
    }
    opsin_sweep_free(sw);
    cli_resume_free(&a.rs);
    return rc;
}
