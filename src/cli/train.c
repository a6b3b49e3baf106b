/* train.c: `opsin train NET.cfg`: trains the network of a network file (opsin-network(5)) on
 * its data with its synapse kind, one CSV row per epoch (or per --eval-every images), the
 * confusion matrix of the final test, and the trained state for --load.
 *
 * The images of epoch e (counted over --save/--load) are visited in the order the trainer
 * draws from the seed and e alone (train.h), one update per batch, stepped here so that a
 * progress line and tests every N images fit in; a run continued with --load from a saved
 * state visits the images the uninterrupted run would.  Bad input of any kind (the
 * file, its data, a state that does not fit) is found before an output is opened. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/resume.h"
#include "cli/signals.h"
#include "cli/train_grid.h"
#include "io/number.h"
#include "protocols/pool_mpi.h"
#include "train/accplot.h"
#include "train/grid.h"
#include "train/netfile.h"
#include "train/state.h"
#include "train/train.h"
#include "train/wimage.h"

int opsin_cmd_train(int argc, char **argv);

static const char help[] =
    "Usage: opsin train NET.cfg [OPTION]...\n"
    "Train the network of the network file NET.cfg (man opsin-network) on its data and write\n"
    "one CSV row per epoch: epoch, training and test accuracy, mean loss, the LTP and LTD\n"
    "pulses and the energy of the epoch's updates, its wall time.  Row 0 is the network\n"
    "before training.\n\n"
    "  -o, --output=FILE    write the CSV to FILE (default: standard output)\n"
    "      --confusion=FILE the confusion matrix of the final test as CSV: a row per true\n"
    "                       class, a column per predicted class (the files' labels)\n"
    "      --save=FILE      write the trained state (weights, biases, device states)\n"
    "      --load=FILE      start from a state --save wrote for the same network file and\n"
    "                       synapse kind; the epochs count on from the saved ones\n"
    "      --weights=FILE.png\n"
    "                       the weights as pictures: a tile per class, its map over the\n"
    "                       input image (the rows of W_L...W_1), as PNG\n"
    "      --classes=C,...  with --weights: the classes drawn, the files' labels (default\n"
    "                       all of them)\n"
    "      --weights-scale=N\n"
    "                       with --weights: pixels a weight takes, N x N (1 to 64;\n"
    "                       default 3)\n"
    "      --plot=FILE      draw the accuracy curves of the CSV (-o FILE) with gnuplot into\n"
    "                       FILE.png, .svg or .pdf\n"
    "      --eval-every=N   test after every N training images instead of every epoch: one\n"
    "                       row per test, with the images trained so far (seed 004 Fig. 5's\n"
    "                       adaptation, with --load)\n"
    "  -e, --epochs=N       epochs to train (default: the file's training.epochs)\n"
    "  -S, --set=NAME=VALUE a key of the network file (training.rate=0.05, dataset.crop=20),\n"
    "                       or else a setting for the synapse kind, e.g. syn.R_reg=8kohm for\n"
    "                       the device kind (repeatable)\n"
    "  -j, --jobs=N         threads the synapse kind may use, or with --grid the points\n"
    "                       trained at once (default: the CPUs it may run on); the results do not\n"
    "                       depend on it\n"
    "  -s, --seed=N         the seed (default: the file's seed)\n"
    "      --grid=KEY=SPEC  a training per point of a grid of values of a key of the network\n"
    "                       file or its synapse kind (repeatable; the last varies fastest):\n"
    "                       one CSV row per point with its final and best accuracies, loss,\n"
    "                       pulses and energy.  SPEC: a list 0.05,0.1 or '\"relu\",\"sigmoid\"', or a\n"
    "                       range of bare SI numbers FROM:TO:N or log:FROM:TO:N, e.g.\n"
    "                       --grid syn.R_reg=500ohm,2kohm,8kohm --grid seed=1:5:5.  The points\n"
    "                       run on --jobs threads (and MPI ranks under mpirun)\n"
    "      --resume         with --grid and -o FILE: continue an interrupted grid from\n"
    "                       FILE.partial, training only the missing points\n"
    "  -q, --quiet          print no synapse description, warnings or progress line\n"
    "  -h, --help           show this help and exit\n\n"
    "Examples: opsin train fashion.cfg -o epochs.csv --confusion confusion.csv --save net.state\n"
    "          opsin train fashion.cfg -e 5 --grid synapse.NL=0:5:6 -o grid.csv\n\n"
    "Exit status: 0 success, 1 writing failed or a grid point failed (its columns are nan),\n"
    "2 bad usage or input (nothing is written).\n";

typedef struct train_args {
    const char *net, *output, *confusion, *save, *load, *weights, *classes, *plot;
    const char *sets[OPSIN_CLI_MAX_SETS + 2];
    size_t nsets;
    const char *grids[OPSIN_GRID_MAX_KEYS];
    size_t ngrids;
    cli_resume rs; /* --grid: the partial file's key, --resume */
    unsigned long eval_every, jobs, scale;
    char epochs_set[64], seed_set[64];
    int quiet;
} train_args;

static const char shortopts[] = "o:e:S:j:s:qh";

/* One line "opsin train: msg" on standard error; EXIT_USAGE. */
static int fail_usage(const char *msg)
{
    fprintf(stderr, "opsin train: %s\n", msg);
    return EXIT_USAGE;
}

static int check_pictures(const train_args *a);
static int check_grid(const train_args *a);

/* Options into a; > 0 an exit status, < 0 "done, exit 0" (--help). */
static int parse_args(int argc, char **argv, train_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},    {"confusion", required_argument, NULL, 'C'},
        {"save", required_argument, NULL, 'W'},      {"load", required_argument, NULL, 'L'},
        {"eval-every", required_argument, NULL, 'E'}, {"epochs", required_argument, NULL, 'e'},
        {"set", required_argument, NULL, 'S'},       {"jobs", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, 's'},      {"quiet", no_argument, NULL, 'q'},
        {"weights", required_argument, NULL, 'G'},   {"classes", required_argument, NULL, 'c'},
        {"weights-scale", required_argument, NULL, 'Z'}, {"plot", required_argument, NULL, 'P'},
        {"grid", required_argument, NULL, 'g'},      {"resume", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    unsigned long v;
    int ch;
    memset(a, 0, sizeof *a);
    a->jobs = opsin_cli_cpus();
    a->scale = 3;
    optind = 1;
    opterr = 0;
    cli_resume_init(&a->rs, "train", "jqoR");
    while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        cli_resume_option(&a->rs, opts, ch, optarg);
        switch (ch) {
        case 'o': a->output = optarg; break;
        case 'R': a->rs.resume = 1; break;
        case 'g':
            if (a->ngrids == OPSIN_GRID_MAX_KEYS)
                return fail_usage("too many --grid options (expected at most 16 keys)");
            a->grids[a->ngrids++] = optarg;
            break;
        case 'C': a->confusion = optarg; break;
        case 'W': a->save = optarg; break;
        case 'L': a->load = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'G': a->weights = optarg; break;
        case 'c': a->classes = optarg; break;
        case 'P': a->plot = optarg; break;
        case 'Z':
            if (opsin_cli_count("train", "--weights-scale", optarg, 1, OPSIN_WGRID_MAX_SCALE,
                                &a->scale))
                return EXIT_USAGE;
            break;
        case 'S':
            if (opsin_cli_add_set("train", a->sets, &a->nsets, optarg))
                return EXIT_USAGE;
            break;
        case 'E':
            if (opsin_cli_count("train", "--eval-every", optarg, 1, 1000000000, &a->eval_every))
                return EXIT_USAGE;
            break;
        case 'j':
            if (opsin_cli_count("train", "--jobs", optarg, 1, 1024, &a->jobs))
                return EXIT_USAGE;
            break;
        /* --epochs and --seed are the file's keys, set as --set would */
        case 'e':
            if (opsin_cli_count("train", "--epochs", optarg, 0, 1000000, &v))
                return EXIT_USAGE;
            snprintf(a->epochs_set, sizeof a->epochs_set, "training.epochs=%lu", v);
            break;
        case 's':
            if (opsin_cli_count("train", "--seed", optarg, 1, 4294967295UL, &v))
                return EXIT_USAGE;
            snprintf(a->seed_set, sizeof a->seed_set, "seed=%lu", v);
            break;
        case 'h': fputs(help, stdout); return -1;
        default: return opsin_cli_option_error("train", opts, shortopts, help, argc, argv);
        }
    }
    if (optind == argc)
        return opsin_cli_usage_error("train", "missing NET.cfg, the network file");
    if (argc - optind > 1)
        return opsin_cli_usage_error("train", "too many files (expected one network file)");
    a->net = argv[optind];
    if (a->epochs_set[0])
        a->sets[a->nsets++] = a->epochs_set;
    if (a->seed_set[0])
        a->sets[a->nsets++] = a->seed_set;
    return a->ngrids ? check_grid(a) : check_pictures(a);
}

/* --grid writes one CSV: the outputs of one training do not go with it. */
static int check_grid(const train_args *a)
{
    const char *other = a->confusion ? "--confusion" : a->save ? "--save" : a->load ? "--load"
                        : a->weights ? "--weights" : a->classes ? "--classes" : a->scale != 3 ?
                        "--weights-scale" : a->plot ? "--plot" : a->eval_every ? "--eval-every"
                        : NULL;
    if (!other)
        return EXIT_OK;
    fprintf(stderr, "opsin train: %s does not go with --grid (expected --grid with -o FILE.csv "
            "alone: one row per point; train a point alone for its %s)\n", other, other);
    return EXIT_USAGE;
}

/* The pictures' options, before anything runs: --classes and --weights-scale go with
 * --weights, a PNG name (or a device); --plot draws the CSV of -o from its file, into a
 * picture type it can tell. */
static int check_pictures(const train_args *a)
{
    size_t n = a->weights ? strlen(a->weights) : 0;
    if (a->weights && cli_out_kind(a->weights) == CLI_OUT_RENAME &&
        (n < 4 || strcasecmp(a->weights + n - 4, ".png") != 0))
        return fail_usage("--weights: a PNG file is named FILE.png (expected e.g. --weights "
                          "weights.png)");
    if ((a->classes || a->scale != 3) && !a->weights)
        return fail_usage("--classes and --weights-scale go with --weights (expected e.g. "
                          "--weights weights.png --classes 0,3)");
    if (a->plot && cli_out_kind(a->output) != CLI_OUT_RENAME)
        return fail_usage("--plot draws the CSV from its file (expected -o FILE.csv with it)");
    return opsin_cli_plot_name("train", a->plot);
}

/* ---- training ---------------------------------------------------------------------------- */

typedef struct run {
    const train_args *a;
    opsin_netfile *nf;
    opsin_mlp *m;
    opsin_trainer *t;
    const size_t *order;    /* the image order of the current epoch (the trainer's) */
    double *xb;             /* a gathered batch */
    int *yb;
    unsigned long epoch;    /* epochs trained, the loaded ones included */
    unsigned long epoch_end; /* ... when this run is done */
    size_t images;          /* images trained in this run */
    double loss_sum;        /* batch losses since the last row */
    size_t loss_n;
    opsin_syn_counts last;  /* the counts at the last row */
    struct timespec clock;  /* the time of the last row */
    cli_progress progress;
    int drawn[256];         /* --weights: the outputs drawn */
    size_t ndrawn;
} run;

/* Trains the images order[i0 .. i1) of the training set, max_batch at a time. */
static void train_range(run *r, size_t i0, size_t i1)
{
    const opsin_dataset *ds = r->nf->train;
    size_t nin = ds->rows * ds->cols, B = r->nf->mlp.max_batch;
    for (size_t i = i0; i < i1;) {
        size_t n = i1 - i < B ? i1 - i : B;
        for (size_t k = 0; k < n; k++) {
            memcpy(r->xb + k * nin, ds->x + r->order[i + k] * nin, nin * sizeof *r->xb);
            r->yb[k] = ds->label[r->order[i + k]];
        }
        r->loss_sum += opsin_trainer_step(r->t, r->xb, r->yb, n);
        r->loss_n++;
        i += n;
        cli_progress_show(&r->progress, "epoch %lu of %lu, image %zu of %zu", r->epoch + 1,
                          r->epoch_end, i, ds->n);
    }
}

/* The columns after epoch (or images): accuracies, loss, pulses, energy, seconds. */
static int write_row(run *r, FILE *fp, double first, int with_train)
{
    const opsin_dataset *tr = r->nf->train, *te = r->nf->test;
    double loss = r->loss_n ? r->loss_sum / (double)r->loss_n
                            : opsin_mlp_mean_loss(r->m, tr->x, tr->label, tr->n);
    double test = opsin_mlp_accuracy(r->m, te->x, te->label, te->n);
    opsin_syn_counts c = opsin_trainer_counts(r->t);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double wall = (double)(now.tv_sec - r->clock.tv_sec) +
                  1e-9 * (double)(now.tv_nsec - r->clock.tv_nsec);
    double v[8], *p = v;
    *p++ = first;
    if (with_train)
        *p++ = opsin_mlp_accuracy(r->m, tr->x, tr->label, tr->n);
    *p++ = test;
    *p++ = loss;
    *p++ = (double)(c.ltp - r->last.ltp);
    *p++ = (double)(c.ltd - r->last.ltd);
    *p++ = c.energy - r->last.energy;
    *p++ = round(wall * 1e6) / 1e6; /* microseconds: the clock's noise below */
    r->last = c;
    r->loss_sum = 0;
    r->loss_n = 0;
    cli_progress_end(&r->progress);
    if (opsin_number_write_list(fp, v, (size_t)(p - v)) == EOF || fputc('\n', fp) == EOF ||
        fflush(fp)) {
        cli_out_failed("train", r->a->output, 0);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &r->clock);
    return 0;
}

/* The order of the next epoch (the trainer's: from the seed and the epoch's number); -1
 * when there is no memory. */
static int next_order(run *r)
{
    r->order = opsin_trainer_order(r->t, r->nf->train->n);
    if (!r->order)
        fprintf(stderr, "opsin train: out of memory for the order of the images\n");
    return r->order ? 0 : -1;
}

/* One row per epoch. */
static int train_epochs(run *r, FILE *fp)
{
    size_t N = r->nf->train->n, E = r->nf->epochs;
    fputs("epoch,train_accuracy (1),test_accuracy (1),loss (1),ltp_pulses,ltd_pulses,"
          "energy (J),wall (s)\n", fp);
    if (write_row(r, fp, (double)r->epoch, 1))
        return -1;
    for (size_t e = 0; e < E && !cli_signals_status(); e++) {
        if (next_order(r))
            return -1;
        train_range(r, 0, N);
        r->epoch++;
        r->images += N;
        if (write_row(r, fp, (double)r->epoch, 1))
            return -1;
    }
    return 0;
}

/* One row per every N images (and one at the end): the adaptation curve. */
static int train_evals(run *r, FILE *fp)
{
    size_t N = r->nf->train->n, E = r->nf->epochs, every = r->a->eval_every;
    fputs("images,test_accuracy (1),loss (1),ltp_pulses,ltd_pulses,energy (J),wall (s)\n", fp);
    if (write_row(r, fp, 0, 0))
        return -1;
    for (size_t e = 0; e < E && !cli_signals_status(); e++) {
        if (next_order(r))
            return -1;
        for (size_t i = 0; i < N;) {
            size_t n = every - r->images % every;
            n = n < N - i ? n : N - i;
            train_range(r, i, i + n);
            i += n;
            r->images += n;
            if (r->images % every == 0 && write_row(r, fp, (double)r->images, 0))
                return -1;
        }
        r->epoch++;
    }
    return r->images % every ? write_row(r, fp, (double)r->images, 0) : 0;
}

static int write_rows(void *ctx, cli_out *o)
{
    run *r = ctx;
    clock_gettime(CLOCK_MONOTONIC, &r->clock);
    r->epoch_end = r->epoch + r->nf->epochs;
    cli_progress_start(&r->progress, "train", r->a->quiet);
    return r->a->eval_every ? train_evals(r, o->fp) : train_epochs(r, o->fp);
}

/* The confusion matrix of the test set: rows true class, columns predicted, the files'
 * labels. */
static int write_confusion(void *ctx, cli_out *o)
{
    run *r = ctx;
    const opsin_dataset *te = r->nf->test;
    size_t K = r->nf->nclasses;
    int *cls = malloc(te->n * sizeof *cls);
    double *count = calloc(K * K, sizeof *count);
    if (!cls || !count) {
        free(cls);
        free(count);
        fprintf(stderr, "opsin train: out of memory for the confusion matrix\n");
        return -1;
    }
    opsin_mlp_classify(r->m, te->x, te->n, cls);
    for (size_t i = 0; i < te->n; i++)
        count[(size_t)te->label[i] * K + (size_t)cls[i]] += 1;
    fputs("true class", o->fp);
    for (size_t k = 0; k < K; k++)
        fprintf(o->fp, ",predicted %d", r->nf->classes[k]);
    fputc('\n', o->fp);
    for (size_t j = 0; j < K; j++) {
        fprintf(o->fp, "%d,", r->nf->classes[j]);
        opsin_number_write_list(o->fp, count + j * K, K);
        fputc('\n', o->fp);
    }
    free(cls);
    free(count);
    return 0;
}

static int write_weights(void *ctx, cli_out *o)
{
    run *r = ctx;
    opsin_diag d = {""};
    const opsin_dataset *ds = r->nf->train;
    if (opsin_weight_grid_write(o->fp, r->a->weights, r->m, r->drawn, r->ndrawn, ds->rows,
                                ds->cols, (int)r->a->scale, &d) == OPSIN_OK)
        return 0;
    fprintf(stderr, "opsin train: --weights: %s\n", d.msg);
    return -1;
}

/* --plot: the accuracy curves of the CSV just written. */
static int plot(const train_args *a)
{
    opsin_acc_curves c;
    opsin_diag d = {""};
    if (opsin_acc_curves_read(a->output, &c, &d)) {
        fprintf(stderr, "opsin train: --plot: %s\n", d.msg);
        return EXIT_RUNTIME;
    }
    int rc = cli_out_plot_xy("train", a->plot, c.xlabel, c.ylabel, 0, c.s, c.ns);
    opsin_acc_curves_free(&c);
    return rc;
}

static int write_state(void *ctx, cli_out *o)
{
    run *r = ctx;
    return opsin_state_write(o->fp, r->m, r->t, r->nf->kind->type, r->epoch) ? -1 : 0;
}

/* ---- setting up -------------------------------------------------------------------------- */

/* The network, its trainer and the loaded state; an exit status. */
static int build(run *r)
{
    opsin_netfile *nf = r->nf;
    opsin_diag d = {""};
    int rc = opsin_mlp_new(&nf->mlp, &r->m, &d);
    if (!rc)
        rc = opsin_trainer_new(r->m, &nf->optim, nf->kind->type, nf->syn_params, nf->seed,
                               &r->t, &d);
    int located = 0; /* a message of the state file names it: "FILE:LINE: ..." */
    if (!rc)
        rc = opsin_trainer_set_jobs(r->t, (unsigned)r->a->jobs, &d);
    if (!rc && r->a->load)
        located = (rc = opsin_state_read(r->a->load, r->m, r->t, nf->kind->type, &r->epoch,
                                         &d)) != 0;
    if (!rc) /* the loaded epochs' orders are behind us */
        opsin_trainer_set_epochs(r->t, r->epoch);
    size_t B = nf->mlp.max_batch, nin = nf->sizes[0];
    if (!rc && (!(r->xb = malloc(B * nin * sizeof *r->xb)) ||
                !(r->yb = malloc(B * sizeof *r->yb)))) {
        opsin_diag_oom(&d, NULL, "allocating a batch");
        rc = OPSIN_ENOMEM;
    }
    if (rc)
        fprintf(stderr, "%s%s\n", located ? "" : "opsin train: ", d.msg);
    return rc ? opsin_cli_exit_status(rc) : EXIT_OK;
}

/* --classes (the files' labels) as outputs of the network, all of them by default; an exit
 * status. */
static int drawn_classes(run *r)
{
    const opsin_netfile *nf = r->nf;
    const char *p = r->a->classes;
    r->ndrawn = 0;
    for (size_t k = 0; !p && k < nf->nclasses; k++)
        r->drawn[r->ndrawn++] = (int)k;
    while (p) {
        char *end;
        long c = strtol(p, &end, 10);
        size_t k = 0;
        while (k < nf->nclasses && nf->classes[k] != c)
            k++;
        if (end == p || (*end != ',' && *end != '\0') || k == nf->nclasses ||
            r->ndrawn == sizeof r->drawn / sizeof r->drawn[0]) {
            char list[1024] = "";
            for (size_t j = 0, used = 0; j < nf->nclasses && used < sizeof list; j++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%d", j ? "," : "",
                                         nf->classes[j]);
            fprintf(stderr, "opsin train: --classes %s: '%.*s' is not a class of the network "
                    "(expected classes among %s)\n", r->a->classes, (int)strcspn(p, ","), p,
                    list);
            return EXIT_USAGE;
        }
        r->drawn[r->ndrawn++] = (int)k;
        p = *end == ',' ? end + 1 : NULL;
    }
    return EXIT_OK;
}

static void run_free(run *r)
{
    opsin_trainer_free(r->t);
    opsin_mlp_free(r->m);
    opsin_netfile_free(r->nf);
    free(r->xb);
    free(r->yb);
}

/* The outputs, in turn: each complete or not there. */
static int outputs(run *r)
{
    const train_args *a = r->a;
    int rc = cli_out_write("train", a->output, 0, write_rows, r);
    if (!rc && a->confusion)
        rc = cli_out_write("train", a->confusion, 0, write_confusion, r);
    if (!rc && a->save)
        rc = cli_out_write("train", a->save, 0, write_state, r);
    if (!rc && a->weights)
        rc = cli_out_write("train", a->weights, 0, write_weights, r);
    if (!rc && a->plot)
        rc = plot(a);
    return rc;
}

/* Each named output can be made where it goes (a temporary file in its directory, removed
 * at once), before the training: a run of minutes must not end without its outputs. */
static int outputs_possible(const cli_file *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!out[i].path || cli_out_kind(out[i].path) != CLI_OUT_RENAME)
            continue;
        cli_out o;
        if (cli_out_open_name(&o, out[i].path))
            return cli_out_failed("train", out[i].path, 1);
        cli_out_discard(&o);
    }
    return EXIT_OK;
}

int opsin_cmd_train(int argc, char **argv)
{
    train_args a;
    int rc = parse_args(argc, argv, &a);
    if (!rc && a.rs.resume && !a.ngrids)
        rc = fail_usage("--resume continues a --grid (expected --grid; a single training "
                        "continues from --save with --load)");
    if (!rc && a.ngrids) {
        cli_train_grid_args g = {a.net, a.output, a.sets, a.nsets, a.grids, a.ngrids,
                                 (unsigned)a.jobs, a.quiet, &a.rs};
        rc = cli_train_grid(&g);
        cli_resume_free(&a.rs);
        return rc;
    }
    cli_resume_free(&a.rs);
    if (rc)
        return rc < 0 ? (fflush(stdout) || ferror(stdout) ? EXIT_RUNTIME : EXIT_OK) : rc;
    /* Under mpirun a training is not distributed: rank 0 trains alone, the other ranks end
     * here and leave with rank 0's status (pool_mpi.h). */
    if (opsin_pool_mpi_rank() > 0)
        return EXIT_OK;
    cli_file in[] = {{"the network file", a.net}, {"--load", a.load}};
    cli_file out[] = {{a.output ? "-o" : "the CSV", a.output ? a.output : "-"},
                      {"--confusion", a.confusion}, {"--save", a.save},
                      {"--weights", a.weights}, {"--plot", a.plot}};
    if (cli_out_check("train", in, 2, out, 5))
        return EXIT_USAGE;
    if ((rc = outputs_possible(out, 5)))
        return rc;
    opsin_warnings w = {NULL, 0};
    opsin_netfile_opts o = {a.nsets, a.sets, (int)a.jobs, &w, NULL, 0};
    run r = {&a, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, {0}, {0}, {0}, {0}, 0};
    opsin_diag d = {""};
    if ((rc = opsin_netfile_read(a.net, &o, &r.nf, &d))) {
        fprintf(stderr, "%s%s\n", strncmp(d.msg, "--set", 5) ? "" : "opsin train: ", d.msg);
        opsin_warnings_free(&w);
        return opsin_cli_exit_status(rc);
    }
    if (cli_train_check_outputs(a.net, a.load, r.nf, out, 5)) {
        opsin_warnings_free(&w);
        opsin_netfile_free(r.nf);
        return EXIT_USAGE;
    }
    if (opsin_pool_mpi_size() > 1 && !a.quiet)
        fprintf(stderr, "opsin train: warning: %d MPI ranks: rank 0 trains alone and the "
                "others end (one training is not spread over ranks, --grid spreads its points; "
                "--jobs sets its threads)\n",
                opsin_pool_mpi_size());
    opsin_cli_jobs_warning("train", a.jobs, a.quiet);
    for (size_t i = 0; !a.quiet && i < w.n; i++)
        fprintf(stderr, "%s\n", opsin_warnings_at(&w, i));
    opsin_warnings_free(&w);
    if (!a.quiet && r.nf->kind->describe)
        r.nf->kind->describe(r.nf->syn_params, stderr);
    rc = a.weights ? drawn_classes(&r) : EXIT_OK;
    if (!rc)
        rc = build(&r);
    /* From here SIGINT or SIGTERM ends the training at the end of its epoch, and the outputs
     * hold the epochs done (a second signal ends it at once, without them). */
    cli_signals_graceful(1);
    if (!rc)
        rc = outputs(&r);
    if (!rc && cli_signals_status()) {
        cli_progress_end(&r.progress);
        fprintf(stderr, "opsin train: interrupted by %s: the outputs hold the network after "
                "epoch %lu of %lu (--load of a --save state continues from there)\n",
                cli_signals_name(), r.epoch, r.epoch_end);
        run_free(&r);
        return cli_signals_status();
    }
    cli_signals_graceful(0);
    run_free(&r);
    return rc;
}
