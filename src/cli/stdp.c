/* stdp.c: `opsin stdp CIRCUIT --device ID`: the STDP window of a synapse, dG against dt. */
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
#include "protocols/stdp.h"

static const char help[] =
    "Usage: opsin stdp CIRCUIT --device ID [OPTION]...\n"
    "STDP window of a synapse: for each dt = t_post - t_pre, PAIRS pre and post spikes are\n"
    "applied to the device as voltage waveforms (the post one negated, so the device sees\n"
    "V_pre - V_post) and the change of its output (G of a phototrap, W of a pairstdp) is\n"
    "measured.  Writes dt (s), dG and dG/G0 per point, in dt order.\n\n"
    "  -D, --device=ID        the synapse (a component that takes a voltage)\n"
    "      --output=NAME      the output to measure (default: the model's first, G or W)\n"
    "      --dt=SPEC          values of dt: FROM:TO:N, log:FROM:TO:N or a list a,b,c\n"
    "                         (default -50ms:50ms:101)\n"
    "  -n, --pairs=N          pairs per point (default 60)\n"
    "  -f, --freq=F           pair repetition frequency (default 1Hz)\n"
    "      --shape=SHAPE      rect, exp (rect + exponential tail of opposite sign), linear\n"
    "                         (rect + linear tail), or table:FILE (CSV rows t (s), V (V)\n"
    "                         from the spike time; default exp)\n"
    "  -a, --amplitude=V      first phase of a spike (default -1V)\n"
    "  -w, --width=W          its width (default 1ms)\n"
    "      --tail=R           tail amplitude as a fraction of the first phase (default 0.5)\n"
    "      --tail-width=W     tail duration (default 30ms)\n"
    "      --tail-tau=T       time constant of the exponential tail (default 10ms)\n"
    "      --light=L,P[,D]    illuminate during the protocol: wavelength, irradiance, and\n"
    "                         optionally duration from t = 0 (e.g. 445nm,65mW/cm2,10s)\n"
    "  -S, --set=ID.PARAM=VALUE  override a circuit parameter (repeatable), e.g. the\n"
    "                         initial weight --set syn.W0=50nS\n"
    "  -s, --seed=N           seed of the random streams (default 1)\n"
    "  -j, --jobs=N           worker threads (default: the CPUs it may run on)\n"
    "      --max-memory=SIZE  memory the N parallel runs may need together (estimated before\n"
    "                         each run), e.g. 16G (0: no limit; default 3/4 of the RAM, at\n"
    "                         most 8G)\n"
    "  -o, --output-file=FILE write the CSV to FILE (default: standard output); the points\n"
    "                         also go to FILE.partial until FILE is complete\n"
    "      --resume           continue an interrupted run from FILE.partial: run only the\n"
    "                         missing points (the same options and files are required)\n"
    "      --plot=FILE.png    plot dG and dG/G0 against dt with gnuplot (needs -o)\n"
    "  -q, --quiet            print no warnings on standard error\n"
    "  -h, --help             show this help and exit\n\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad usage or input.\n";

typedef struct stdp_args {
    const char *circuit, *out, *plot, *shape, *light, *dt;
    double *dts;   /* the values of --dt */
    const char *sets[OPSIN_CLI_MAX_SETS];
    size_t nsets;
    double max_memory;
    opsin_stdp_opts o;
    double *table; /* t, v pairs of table:FILE */
    int quiet;
    cli_resume rs; /* the partial file's key, --resume */
} stdp_args;

/* --dt: a list, FROM:TO:N or log:FROM:TO:N of times (default -50ms:50ms:101). */
static int parse_dt(stdp_args *a)
{
    opsin_diag d;
    if (opsin_values_parse(a->dt ? a->dt : "-50ms:50ms:101", "s", 0, &a->dts, &a->o.npoints,
                           &d) == OPSIN_OK) {
        a->o.dts = a->dts;
        return 0;
    }
    fprintf(stderr, "opsin stdp: --dt %s\n", d.msg);
    return -1;
}

/* table:FILE: CSV rows "t,V" (SI or with units), '#' comments and a header line allowed. */
static int read_table(const char *path, stdp_args *a)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "%s: cannot read the spike table: %s (expected a CSV of t (s), V (V))\n",
                path, strerror(errno));
        return -1;
    }
    char line[256];
    size_t n = 0, cap = 0;
    int lineno = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, fp)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *comma = strchr(line, ',');
        if (line[0] == '#' || line[0] == '\0' || (lineno == 1 && comma &&
                                                  !strpbrk(line, "0123456789")))
            continue;
        double t, v;
        opsin_diag d;
        if (comma)
            *comma = '\0';
        if (!comma || opsin_units_parse(line, "s", &t, &d) ||
            opsin_units_parse(comma + 1, "V", &v, &d)) {
            fprintf(stderr, "%s:%d: a spike table row must be t,V (expected e.g. 0.001,-0.5)\n",
                    path, lineno);
            rc = -1;
            break;
        }
        if (n + 2 > cap) {
            cap = cap ? 2 * cap : 64;
            double *g = realloc(a->table, cap * sizeof *g);
            if (!g) {
                rc = -1;
                break;
            }
            a->table = g;
        }
        a->table[n++] = t;
        a->table[n++] = v;
    }
    fclose(fp);
    a->o.spike.npwl = n / 2;
    return rc;
}

/* --shape NAME: rect | exp | linear | table:FILE. */
static int parse_shape(stdp_args *a)
{
    /* by enum opsin_spike_shape; the table takes its file after "table:" */
    static const char *const names[] = {"rect", "exp", "linear"};
    const char *s = a->shape;
    opsin_spike *sp = &a->o.spike;
    char expected[96];
    if (strncmp(s, "table:", 6) == 0) {
        sp->shape = OPSIN_SPIKE_PWL;
        return read_table(s + 6, a) ? -1 : 0;
    }
    if ((sp->shape = opsin_name_lookup(names, 3, s, expected, sizeof expected)) < 0) {
        fprintf(stderr, "opsin stdp: unknown --shape '%s' (expected %s or \"table:FILE\")\n",
                s, expected);
        return -1;
    }
    return 0;
}

/* --light WAVELENGTH,IRRADIANCE[,DURATION]. */
static int parse_light(stdp_args *a)
{
    char part[3][64] = {"", "", ""};
    int k = 0;
    for (const char *p = a->light; k < 3;) {
        size_t n = strcspn(p, ",");
        snprintf(part[k++], sizeof part[0], "%.*s", (int)(n < 63 ? n : 63), p);
        if (!p[n])
            break;
        p += n + 1;
    }
    if (k < 2 || opsin_cli_quantity("stdp", "--light", part[0], "m", &a->o.light_wavelength) ||
        opsin_cli_quantity("stdp", "--light", part[1], "W/m2", &a->o.light_irradiance) ||
        (k == 3 && opsin_cli_quantity("stdp", "--light", part[2], "s", &a->o.light_duration))) {
        if (k < 2)
            fprintf(stderr, "opsin stdp: --light %s: expected WAVELENGTH,IRRADIANCE[,DURATION], "
                    "e.g. 445nm,65mW/cm2\n", a->light);
        return -1;
    }
    return 0;
}

/* Default options of the protocol. */
static void defaults(stdp_args *a)
{
    memset(a, 0, sizeof *a);
    a->shape = "exp";
    a->o.pairs = 60;
    a->o.frequency = 1.0;
    /* a negative first phase: with a device that writes on positive voltage, post after pre
     * (dt > 0) overlaps the pre tail with the negated post spike at +1.5 V: Hebbian */
    a->o.spike = (opsin_spike){OPSIN_SPIKE_EXP_TAIL, -1.0, 1e-3, 0.5, 30e-3, 10e-3, NULL, NULL, 0};
    a->o.seed = 1;
    a->o.jobs = opsin_cli_cpus();
    a->max_memory = opsin_cli_memory_default();
    cli_resume_init(&a->rs, "stdp", "jXoPqZ");
}

static const char shortopts[] = "D:n:f:a:w:S:s:j:o:qh";

static int parse_args(int argc, char **argv, stdp_args *a)
{
    static const struct option opts[] = {
        {"device", required_argument, NULL, 'D'},  {"output", required_argument, NULL, 'O'},
        {"dt", required_argument, NULL, 'T'},      {"pairs", required_argument, NULL, 'n'},
        {"freq", required_argument, NULL, 'f'},    {"shape", required_argument, NULL, 'H'},
        {"amplitude", required_argument, NULL, 'a'}, {"width", required_argument, NULL, 'w'},
        {"tail", required_argument, NULL, 'R'},    {"tail-width", required_argument, NULL, 'W'},
        {"tail-tau", required_argument, NULL, 'U'}, {"light", required_argument, NULL, 'L'},
        {"set", required_argument, NULL, 'S'},     {"seed", required_argument, NULL, 's'},
        {"jobs", required_argument, NULL, 'j'},    {"output-file", required_argument, NULL, 'o'},
        {"plot", required_argument, NULL, 'P'},    {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'},         {"max-memory", required_argument, NULL, 'X'},
        {"resume", no_argument, NULL, 'Z'},        {NULL, 0, NULL, 0}};
    int ch, bad = 0;
    unsigned long n;
    optind = 1;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        cli_resume_option(&a->rs, opts, ch, optarg);
        switch (ch) {
        case 'D': a->o.device = optarg; break;
        case 'O': a->o.output = optarg; break;
        case 'T': a->dt = optarg; break;
        case 'n':
            if ((bad = opsin_cli_count("stdp", "--pairs", optarg, 1, 1000000, &n)) == 0)
                a->o.pairs = n;
            break;
        case 'f': bad = opsin_cli_quantity("stdp", "--freq", optarg, "Hz", &a->o.frequency); break;
        case 'H': a->shape = optarg; break;
        case 'a': bad = opsin_cli_quantity("stdp", "--amplitude", optarg, "V", &a->o.spike.amplitude); break;
        case 'w': bad = opsin_cli_quantity("stdp", "--width", optarg, "s", &a->o.spike.width); break;
        case 'R': bad = opsin_cli_quantity("stdp", "--tail", optarg, "", &a->o.spike.tail); break;
        case 'W': bad = opsin_cli_quantity("stdp", "--tail-width", optarg, "s", &a->o.spike.tail_width); break;
        case 'U': bad = opsin_cli_quantity("stdp", "--tail-tau", optarg, "s", &a->o.spike.tail_tau); break;
        case 'L': a->light = optarg; break;
        case 'S':
            if (opsin_cli_add_set("stdp", a->sets, &a->nsets, optarg))
                return EXIT_USAGE;
            break;
        case 's': bad = opsin_cli_count("stdp", "--seed", optarg, 0, ULONG_MAX, &a->o.seed); break;
        case 'j':
            if ((bad = opsin_cli_count("stdp", "--jobs", optarg, 1, 1024, &n)) == 0)
                a->o.jobs = n;
            break;
        case 'o': a->out = optarg; break;
        case 'P': a->plot = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'Z': a->rs.resume = 1; break;
        case 'X': bad = opsin_cli_memory("stdp", optarg, &a->max_memory); break;
        case 'h': fputs(help, stdout); return -1;
        default: return opsin_cli_option_error("stdp", opts, shortopts, help, argc, argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (argc - optind != 1)
        return opsin_cli_usage_error("stdp", "expected one CIRCUIT file");
    if (!a->o.device)
        return opsin_cli_usage_error("stdp", "missing --device ID (the synapse)");
    if (a->plot && cli_out_kind(a->out) != CLI_OUT_RENAME)
        return opsin_cli_usage_error("stdp", "--plot needs -o OUT.csv, a file (the plot reads "
                                     "the CSV)");
    a->circuit = argv[optind];
    a->o.max_memory = opsin_cli_memory_share(a->max_memory, a->o.jobs);
    if (parse_dt(a) || parse_shape(a) || (a->light && parse_light(a)))
        return EXIT_USAGE;
    return 0;
}

/* The table is stored interleaved; the protocol wants two arrays. */
static int split_table(stdp_args *a, double **t, double **v)
{
    size_t n = a->o.spike.npwl;
    *t = malloc((n ? n : 1) * sizeof **t);
    *v = malloc((n ? n : 1) * sizeof **v);
    if (!*t || !*v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        (*t)[i] = a->table[2 * i];
        (*v)[i] = a->table[2 * i + 1];
    }
    a->o.spike.pwl_t = *t;
    a->o.spike.pwl_v = *v;
    return 0;
}

/* Loads the circuit and applies the --set overrides. */
static int load(stdp_args *a, opsin_circuit **c)
{
    opsin_diag d = {""};
    int rc = opsin_circuit_load(a->circuit, c, &d);
    for (size_t i = 0; !rc && i < a->nsets; i++)
        rc = opsin_circuit_assign(*c, a->sets[i], &d);
    if (rc)
        fprintf(stderr, "%s%s\n", *c ? "opsin stdp: " : "", d.msg);
    return rc ? opsin_cli_exit_status(rc) : EXIT_OK;
}

/* The window and its unit, for write_csv. */
typedef struct window {
    const char *unit;
    const opsin_stdp_point *p;
    size_t n;
} window;

/* Writes the window (cli_out_write checks the writes); relative change dG/G0 (NaN when
 * G0 = 0). */
static int write_csv(void *ctx, cli_out *o)
{
    const window *w = ctx;
    const opsin_stdp_point *p = w->p;
    fprintf(o->fp, "dt (s),dG (%s),relative (1)\n", w->unit);
    for (size_t i = 0; i < w->n; i++) {
        double v[] = {p[i].dt, p[i].g1 - p[i].g0,
                      p[i].g0 != 0 ? (p[i].g1 - p[i].g0) / p[i].g0 : NAN};
        opsin_number_write_list(o->fp, v, sizeof v / sizeof v[0]);
        fputc('\n', o->fp);
    }
    return 0;
}

/* The files of the command, checked before anything runs (cli_out_check). */
static int check_files(const stdp_args *a)
{
    const char *table = strncmp(a->shape, "table:", 6) == 0 ? a->shape + 6 : NULL;
    cli_file in[] = {{"the circuit", a->circuit}, {"the spike table", table}};
    cli_file out[] = {{a->out ? "-o" : "the CSV", a->out ? a->out : "-"}, {"--plot", a->plot}};
    int rc = cli_out_check("stdp", in, 2, out, 2);
    return rc ? rc : opsin_cli_plot_name("stdp", a->plot);
}

int opsin_cmd_stdp(int argc, char **argv)
{
    stdp_args a;
    defaults(&a);
    int rc = parse_args(argc, argv, &a);
    opsin_circuit *c = NULL;
    double *t = NULL, *v = NULL;
    opsin_stdp_point *points = NULL;
    if (rc || (rc = check_files(&a))) {
        free(a.table);
        free(a.dts);
        cli_resume_free(&a.rs);
        return rc < 0 ? EXIT_OK : rc;
    }
    if ((rc = load(&a, &c)) == EXIT_OK && (split_table(&a, &t, &v) ||
                                           !(points = calloc(a.o.npoints, sizeof *points))))
        rc = EXIT_RUNTIME;
    if (rc == EXIT_OK) {
        cli_resume_config(&a.rs, "circuit", a.circuit);
        cli_resume_file(&a.rs, "spike-table", strncmp(a.shape, "table:", 6) ? NULL : a.shape + 6);
        cli_resume_data_files(&a.rs, c, NULL);
        opsin_cli_jobs_warning("stdp", a.o.jobs, a.quiet);
        rc = cli_resume_prepare(&a.rs, a.out, a.o.npoints, a.quiet, &a.o.partial);
    }
    if (rc == EXIT_OK) {
        opsin_diag d = {""};
        int st = opsin_stdp_run(c, &a.o, points, &d);
        if (st) {
            fprintf(stderr, "opsin stdp: %s\n", d.msg);
            rc = cli_resume_write_failed(&a.rs) ? EXIT_RUNTIME : opsin_cli_exit_status(st);
        } else {
            opsin_cli_warnings("stdp", a.quiet, c, NULL);
        }
    }
    window w = {opsin_stdp_unit(c, &a.o), points, a.o.npoints};
    if (rc == EXIT_OK && (rc = cli_out_write("stdp", a.out, 0, write_csv, &w)) == EXIT_OK)
        cli_resume_done(&a.rs);
    if (rc == EXIT_OK && a.plot)
        rc = cli_out_plot_csv("stdp", a.out, a.plot, NULL);
    rc = rc == CLI_RESUME_COMPLETE ? EXIT_OK : rc;
    cli_resume_free(&a.rs);
    free(points);
    free(a.dts);
    free(t);
    free(v);
    free(a.table);
    opsin_circuit_free(c);
    return rc;
}
