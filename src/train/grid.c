/* grid.c: training grids (grid.h): the --grid specifications, every point checked, one
 * training per point on the worker pool, the rows in grid order.
 *
 * The network file and its data are read once (the base: --set alone); a point is the same
 * file read again with the point's values after the --set ones, its data shared with the
 * base (netfile.h), so a point costs its network and trainer, never a copy of the images.
 * The values go through --set's own path (text), so a point trains exactly what
 * `opsin train --set KEY=VALUE` trains.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/number.h"
#include "protocols/partial.h"
#include "protocols/pool.h"
#include "train/grid.h"
#include "train/train.h"

typedef struct grid_key {
    char *key;       /* KEY of --grid KEY=SPEC */
    char **set;      /* "KEY=VALUE" for each value */
    char **column;   /* each value as the CSV writes it (a string value without its quotes) */
    size_t n;
} grid_key;

struct opsin_grid {
    char *net;
    const char **sets;   /* the --set ones, then a slot per key: a point's list */
    size_t nsets;
    grid_key keys[OPSIN_GRID_MAX_KEYS];
    size_t nkeys, npoints;
    opsin_netfile *base;
    volatile sig_atomic_t *cancel;
    opsin_partial *partial;
    int ran;
};

/* ---- the specifications ---------------------------------------------------------------- */

/* Value j of key k at point i (the last key varies fastest). */
static size_t value_index(const opsin_grid *g, size_t i, size_t k)
{
    for (size_t j = g->nkeys; j-- > k + 1;)
        i /= g->keys[j].n;
    return i % g->keys[k].n;
}

/* Splits spec at the commas outside quotes and brackets into *items (malloc'd copies);
 * OPSIN_EINVAL for an empty item or an unclosed quote or bracket. */
static int split_list(const char *spec, char ***items, size_t *n)
{
    size_t cap = 0;
    *items = NULL;
    *n = 0;
    for (const char *p = spec;;) {
        const char *q = p;
        int depth = 0;
        char quote = 0;
        for (; *q && (quote || depth || *q != ','); q++) {
            if (quote)
                quote = *q == quote ? 0 : quote;
            else if (*q == '"' || *q == '\'')
                quote = *q;
            else if (*q == '[' || *q == '(')
                depth++;
            else if ((*q == ']' || *q == ')') && depth > 0)
                depth--;
        }
        if (q == p || quote || depth)
            return OPSIN_EINVAL;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            char **grown = realloc(*items, cap * sizeof *grown);
            if (!grown)
                return OPSIN_ENOMEM;
            *items = grown;
        }
        if (!((*items)[*n] = malloc((size_t)(q - p) + 1)))
            return OPSIN_ENOMEM;
        snprintf((*items)[(*n)++], (size_t)(q - p) + 1, "%s", p);
        if (!*q)
            return OPSIN_OK;
        p = q + 1;
    }
}

/* A range "FROM:TO:N" or "log:FROM:TO:N" of bare numbers (io/values.c) into *items as
 * text, the shortest decimals that read back. */
static int parse_range(const char *arg, const char *spec, char ***items, size_t *n,
                       opsin_diag *d)
{
    double *v = NULL;
    opsin_diag u;
    const char *p = strncmp(spec, "log:", 4) ? spec : spec + 4;
    for (int k = 0; k < 2; k++) { /* FROM and TO: bare numbers */
        char *end;
        (void)strtod(p, &end);
        if (end == p || *end != ':') {
            opsin_diag_set(d, NULL, 0, "--grid %s: a range takes bare numbers, SI (expected "
                           "FROM:TO:N or log:FROM:TO:N such as log:500:8000:5, or a list such "
                           "as 500ohm,1kohm,8kohm)", arg);
            *n = 0;
            return OPSIN_EINVAL;
        }
        p = end + 1;
    }
    int rc = opsin_values_parse(spec, "", 0, &v, n, &u);
    if (rc == OPSIN_EINVAL)
        opsin_diag_set(d, NULL, 0, "--grid %s: %s", arg, u.msg);
    if (!rc && !(*items = calloc(*n, sizeof **items)))
        rc = OPSIN_ENOMEM;
    for (size_t i = 0; !rc && i < *n; i++) {
        char text[OPSIN_NUMBER_MAX];
        opsin_number_format(text, sizeof text, v[i]);
        if (!((*items)[i] = strdup(text)))
            rc = OPSIN_ENOMEM;
    }
    if (rc && !*items)
        *n = 0;
    free(v);
    return rc;
}

/* The length of the key of "KEY=..." (0 when there is no '='). */
static size_t key_length(const char *set)
{
    const char *eq = strchr(set, '=');
    return eq ? (size_t)(eq - set) : 0;
}

/* Whether key (n bytes) names the dataset group or a key in it. */
static int dataset_key(const char *key, size_t n)
{
    return n >= 7 && !strncmp(key, "dataset", 7) && (n == 7 || key[7] == '.');
}

/* One --grid KEY=SPEC into key k. */
static int parse_grid(opsin_grid *g, const char *arg, grid_key *k, opsin_diag *d)
{
    size_t n = key_length(arg);
    const char *spec = arg + n + 1;
    if (!n || !*spec) {
        opsin_diag_set(d, NULL, 0, "--grid %s: no %s (expected KEY=SPEC, e.g. --grid "
                       "training.rate=0.05,0.1 or --grid syn.R_reg=500ohm,8kohm)", arg,
                       arg[0] == '=' ? "key" : "values");
        return OPSIN_EINVAL;
    }
    if (dataset_key(arg, n)) {
        opsin_diag_set(d, NULL, 0, "--grid %s: the points share one data set, read once "
                       "(expected a key outside dataset; --set changes the data of every "
                       "point)", arg);
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < g->nsets + g->nkeys; i++) {
        const char *other = i < g->nsets ? g->sets[i] : g->keys[i - g->nsets].key;
        size_t m = i < g->nsets ? key_length(other) : strlen(other);
        if (m == n && !strncmp(other, arg, n)) {
            opsin_diag_set(d, NULL, 0, "--grid %s: %.*s is %s already (expected each key "
                           "once, in --set or in one --grid)", arg, (int)n, arg,
                           i < g->nsets ? "set by --set, --epochs or --seed" : "on the grid");
            return OPSIN_EINVAL;
        }
    }
    if (!(k->key = malloc(n + 1)))
        return OPSIN_ENOMEM;
    snprintf(k->key, n + 1, "%s", arg);
    int rc, range = !strncmp(spec, "log:", 4) ||
                    (!strpbrk(spec, ",\"'[(") && strchr(spec, ':'));
    char **items = NULL;
    size_t nitems = 0;
    if (range)
        rc = parse_range(arg, spec, &items, &nitems, d);
    else if ((rc = split_list(spec, &items, &nitems)) == OPSIN_EINVAL)
        opsin_diag_set(d, NULL, 0, "--grid %s: an empty value or an unclosed quote or bracket "
                       "(expected a list v1,v2,... such as 0.05,0.1 or a range FROM:TO:N)",
                       arg);
    if (!rc && (!(k->set = calloc(nitems, sizeof *k->set)) ||
                !(k->column = calloc(nitems, sizeof *k->column))))
        rc = OPSIN_ENOMEM;
    if (!rc)
        k->n = nitems; /* freed with the grid from here */
    for (size_t j = 0; !rc && j < k->n; j++) {
        const char *v = items[j];
        size_t len = strlen(v);
        if (!(k->set[j] = malloc(n + len + 2)) || !(k->column[j] = malloc(len + 1))) {
            rc = OPSIN_ENOMEM;
            break;
        }
        snprintf(k->set[j], n + len + 2, "%s=%s", k->key, v);
        int quoted = len >= 2 && v[0] == '"' && v[len - 1] == '"';
        snprintf(k->column[j], len + 1, "%.*s", (int)(quoted ? len - 2 : len), v + quoted);
    }
    for (size_t j = 0; j < nitems; j++)
        free(items[j]);
    free(items);
    return rc;
}

/* The --set list of point i: the --set ones, then the point's values. */
static void point_sets(const opsin_grid *g, size_t i, const char **sets)
{
    memcpy(sets, g->sets, g->nsets * sizeof *sets);
    for (size_t k = 0; k < g->nkeys; k++)
        sets[g->nsets + k] = g->keys[k].set[value_index(g, i, k)];
}

/* Reads point i's network file (data shared with the base; check: the kind's costly part
 * skipped). */
static int point_read(const opsin_grid *g, size_t i, int check, opsin_warnings *w,
                      opsin_netfile **nf, opsin_diag *d)
{
    const char *sets[OPSIN_GRID_MAX_KEYS + 128];
    point_sets(g, i, sets);
    opsin_netfile_opts o = {g->nsets + g->nkeys, sets, 1, w, g->base, check};
    return opsin_netfile_read(g->net, &o, nf, d);
}

/* "KEY=VALUE, KEY=VALUE" of point i into buf. */
static void point_name(const opsin_grid *g, size_t i, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < g->nkeys && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? ", " : "",
                                 g->keys[k].set[value_index(g, i, k)]);
}

/* Every point read as it will be trained, before any runs. */
static int check_points(opsin_grid *g, opsin_warnings *w, opsin_diag *d)
{
    for (size_t i = 0; i < g->npoints; i++) {
        opsin_netfile *nf = NULL;
        opsin_diag e = {""};
        int rc = point_read(g, i, 1, w, &nf, &e);
        opsin_netfile_free(nf);
        if (rc) {
            char name[512];
            point_name(g, i, name, sizeof name);
            opsin_diag_set(d, NULL, 0, "--grid point %s: %s", name, e.msg);
            return rc;
        }
    }
    return OPSIN_OK;
}

int opsin_grid_new(const opsin_grid_opts *o, opsin_grid **out, opsin_diag *d)
{
    opsin_grid *g = calloc(1, sizeof *g);
    int rc = OPSIN_OK;
    if (!g || !(g->net = strdup(o->net)) ||
        !(g->sets = malloc((o->nsets + OPSIN_GRID_MAX_KEYS + 1) * sizeof *g->sets))) {
        opsin_grid_free(g);
        opsin_diag_oom(d, NULL, "setting up the grid");
        return OPSIN_ENOMEM;
    }
    if (o->nsets > 128) {
        opsin_grid_free(g);
        opsin_diag_set(d, NULL, 0, "%zu --set options are too many (expected at most 128)",
                       o->nsets);
        return OPSIN_EINVAL;
    }
    memcpy(g->sets, o->sets, o->nsets * sizeof *g->sets);
    g->nsets = o->nsets;
    g->cancel = o->cancel;
    g->npoints = 1;
    if (o->ngrids > OPSIN_GRID_MAX_KEYS) {
        opsin_diag_set(d, NULL, 0, "%zu --grid options are too many (expected at most %d)",
                       o->ngrids, OPSIN_GRID_MAX_KEYS);
        rc = OPSIN_EINVAL;
    }
    for (size_t k = 0; !rc && k < o->ngrids; k++) {
        rc = parse_grid(g, o->grids[k], &g->keys[k], d);
        g->nkeys = k + 1;
        if (!rc && g->keys[k].n > OPSIN_GRID_MAX_POINTS / g->npoints) {
            opsin_diag_set(d, NULL, 0, "--grid: the grid has more than %d points (expected "
                           "fewer values)", OPSIN_GRID_MAX_POINTS);
            rc = OPSIN_EINVAL;
        }
        g->npoints *= rc ? 1 : g->keys[k].n;
    }
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, NULL, "setting up the grid");
    opsin_netfile_opts bo = {g->nsets, g->sets, 1, NULL, NULL, 1};
    if (!rc)
        rc = opsin_netfile_read(g->net, &bo, &g->base, d);
    if (!rc)
        rc = check_points(g, o->warnings, d);
    if (rc) {
        opsin_grid_free(g);
        return rc;
    }
    *out = g;
    return OPSIN_OK;
}

void opsin_grid_free(opsin_grid *g)
{
    if (!g)
        return;
    for (size_t k = 0; k < g->nkeys; k++) {
        for (size_t j = 0; j < g->keys[k].n; j++) {
            free(g->keys[k].set ? g->keys[k].set[j] : NULL);
            free(g->keys[k].column ? g->keys[k].column[j] : NULL);
        }
        free(g->keys[k].set);
        free(g->keys[k].column);
        free(g->keys[k].key);
    }
    opsin_netfile_free(g->base);
    free(g->sets);
    free(g->net);
    free(g);
}

size_t opsin_grid_npoints(const opsin_grid *g)
{
    return g->npoints;
}

const opsin_netfile *opsin_grid_base(const opsin_grid *g)
{
    return g->base;
}

void opsin_grid_set_partial(opsin_grid *g, opsin_partial *p)
{
    g->partial = p;
}

/* ---- one point: a training ------------------------------------------------------------- */

typedef struct grid_run {
    const opsin_grid *g;
    FILE *out, *warn;
    opsin_grid_progress progress;
    void *progress_ctx;
    size_t nfailed;
} grid_run;

/* Trains nf as `opsin train` does (its epochs, one thread: the same numbers) into
 * v[OPSIN_GRID_WIDTH].  A cancel is seen between epochs. */
static int train_point(const opsin_grid *g, const opsin_netfile *nf, double *v,
                       opsin_diag *d)
{
    const opsin_dataset *tr = nf->train, *te = nf->test;
    opsin_mlp *m = NULL;
    opsin_trainer *t = NULL;
    int rc = opsin_mlp_new(&nf->mlp, &m, d);
    if (!rc)
        rc = opsin_trainer_new(m, &nf->optim, nf->kind->type, nf->syn_params, nf->seed, &t, d);
    double best = rc ? 0 : opsin_mlp_accuracy(m, te->x, te->label, te->n), acc = best;
    double best_epoch = 0, loss = NAN;
    for (size_t e = 0; !rc && e < nf->epochs; e++) {
        if (g->cancel && *g->cancel) {
            opsin_diag_set(d, NULL, 0, "interrupted");
            rc = OPSIN_ECALLBACK;
        } else if (isnan(loss = opsin_trainer_epoch(t, tr->x, tr->label, tr->n))) {
            opsin_diag_oom(d, NULL, "the order of the images");
            rc = OPSIN_ENOMEM;
        } else if ((acc = opsin_mlp_accuracy(m, te->x, te->label, te->n)) > best) {
            best = acc;
            best_epoch = (double)(e + 1);
        }
    }
    if (!rc) {
        opsin_syn_counts c = opsin_trainer_counts(t);
        v[0] = opsin_mlp_accuracy(m, tr->x, tr->label, tr->n);
        v[1] = acc;
        v[2] = nf->epochs ? loss : opsin_mlp_mean_loss(m, tr->x, tr->label, tr->n);
        v[3] = best;
        v[4] = best_epoch;
        v[5] = (double)c.ltp;
        v[6] = (double)c.ltd;
        v[7] = c.energy;
    }
    opsin_trainer_free(t);
    opsin_mlp_free(m);
    return rc;
}

/* The pool's run: point i read with its values (the device curve tabulated) and trained. */
static int point_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const opsin_grid *g = ((const grid_run *)ctx)->g;
    double *v = row;
    opsin_netfile *nf = NULL;
    for (size_t k = 0; k < OPSIN_GRID_WIDTH; k++)
        v[k] = NAN;
    int rc = point_read(g, i, 0, NULL, &nf, d);
    if (!rc)
        rc = train_point(g, nf, v, d);
    opsin_netfile_free(nf);
    if (rc)
        for (size_t k = 0; k < OPSIN_GRID_WIDTH; k++)
            v[k] = NAN;
    return rc;
}

/* A CSV field: as it is, or in quotes (doubled inside) when it holds a comma, a quote or a
 * line break. */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int write_header(const opsin_grid *g, FILE *out)
{
    for (size_t k = 0; k < g->nkeys; k++) {
        csv_field(out, g->keys[k].key);
        fputc(',', out);
    }
    fputs("train_accuracy (1),test_accuracy (1),loss (1),best_test_accuracy (1),best_epoch,"
          "ltp_pulses,ltd_pulses,energy (J)\n", out);
    return ferror(out) || fflush(out) ? OPSIN_EIO : OPSIN_OK;
}

/* Row i in grid order (the pool's emit); a failed point's warning names its values. */
static int write_row(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    grid_run *run = ctx;
    const opsin_grid *g = run->g;
    for (size_t k = 0; k < g->nkeys; k++) {
        csv_field(run->out, g->keys[k].column[value_index(g, i, k)]);
        fputc(',', run->out);
    }
    opsin_number_write_list(run->out, row, OPSIN_GRID_WIDTH);
    if (status) {
        char name[512];
        run->nfailed++;
        point_name(g, i, name, sizeof name);
        if (run->warn)
            fprintf(run->warn, "opsin train: warning: row %zu%s%s%s failed, its columns are "
                    "nan: %s\n", i + 1, g->nkeys ? " (" : "", name, g->nkeys ? ")" : "",
                    d->msg[0] ? d->msg : "the training failed");
    }
    if (fputc('\n', run->out) == EOF || fflush(run->out))
        return OPSIN_EIO;
    if (run->progress)
        run->progress(run->progress_ctx, i + 1, g->npoints);
    return OPSIN_OK;
}

int opsin_grid_run(opsin_grid *g, unsigned jobs, FILE *out, FILE *warn,
                   opsin_grid_progress progress, void *progress_ctx, size_t *nfailed,
                   opsin_diag *diag)
{
    *nfailed = 0;
    if (g->ran) {
        opsin_diag_set(diag, NULL, 0, "this grid has already run (expected a new one)");
        return OPSIN_EINVAL;
    }
    g->ran = 1;
    grid_run run = {g, out, warn, progress, progress_ctx, 0};
    opsin_pool_job job = {g->npoints, OPSIN_GRID_WIDTH * sizeof(double), point_run, write_row,
                          &run, 0, NULL, g->cancel, 0};
    if (write_header(g, out)) {
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
        return OPSIN_EIO;
    }
    int rc = opsin_partial_pool_run(&job, jobs, g->partial, diag);
    *nfailed = run.nfailed;
    if (rc == OPSIN_EIO && !(g->partial && g->partial->err))
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
    return rc;
}
