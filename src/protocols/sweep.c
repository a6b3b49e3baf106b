/* sweep.c: parameter sweeps: a grid of circuit and stimulus parameter values, one run per
 * point on the worker pool, named measures per run, CSV rows written in grid order.
 *
 * The circuit and stimulus files are read once.  Everything that can be wrong with a sweep's
 * specification is found by opsin_sweep_new, before any run: every value of every --set is
 * applied by the typed setters (circuit parameters at every grid point, in --set order, as
 * the runs will apply them), every stimulus variant is made (a copy of the parsed stimulus
 * with the values of one combination set; the runs share them read-only) and a sim is
 * created once.  A run copies the parsed circuit and sets its values as doubles, so runs
 * share nothing writable and no number goes through text.  The pool hands rows back in grid
 * order, so the output does not depend on the number of threads or on their timing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/number.h"
#include "protocols/measure.h"
#include "protocols/partial.h"
#include "protocols/pool.h"
#include "protocols/sweep.h"

#define MAX_VARIANTS 100000 /* stimulus variants, all held in memory during the sweep */

typedef struct sweep_param {
    char *key;       /* ID.PARAM or SOURCE[.trainN].KEY */
    int is_stim;
    const char *unit;
    double *values;  /* SI, +inf for "open" */
    size_t n;
    opsin_param_ref ref;       /* circuit parameters */
    opsin_stimulus_param sref; /* stimulus parameters */
} sweep_param;

struct opsin_sweep {
    char *circuit_path, *stimulus_path;
    opsin_circuit *circuit;     /* as in the file (the validation copy, restored after use) */
    opsin_stimulus *stimulus;   /* as in the file */
    sweep_param *params;
    size_t nparams;
    opsin_measure_list ml;      /* the measures, and the probes and neurons each run records */
    opsin_stimulus **variants;  /* one per combination of stimulus values */
    size_t nvariants;
    opsin_run_opts opts;
    size_t npoints;
    int ran;
    volatile sig_atomic_t *cancel; /* opsin_sweep_opts.cancel */
    opsin_partial *partial;        /* opsin_sweep_set_partial */
};

/* What the pool hands back for one point: its measures (nan when it failed). */
typedef struct sweep_run {
    const opsin_sweep *sw;
    FILE *out, *warn;
    opsin_sweep_progress progress;
    void *progress_ctx;
    size_t nfailed;
} sweep_run;

/* ---- parameters ------------------------------------------------------------------------- */

static void param_free(sweep_param *p)
{
    free(p->values);
    free(p->key);
}

/* Where a --set key points: a parameter of a component of the circuit (its unit and
 * "open"), else a stimulus key. */
static int param_resolve(opsin_sweep *sw, sweep_param *p, int *allow_open, opsin_diag *d)
{
    const char *dot = strchr(p->key, '.');
    char id[OPSIN_ID_MAX];
    int ci = -1;
    opsin_diag u;
    if (dot && (size_t)(dot - p->key) < sizeof id) {
        snprintf(id, sizeof id, "%.*s", (int)(dot - p->key), p->key);
        ci = opsin_circuit_find(sw->circuit, id);
    }
    if (ci >= 0) {
        const opsin_model *m = sw->circuit->comps[ci].model;
        if (opsin_circuit_param_find(sw->circuit, p->key, &p->ref, &u)) {
            opsin_diag_set(d, NULL, 0, "--set %s: %s (model %s) has no numeric parameter '%s' "
                           "(expected one listed by 'opsin models %s')", p->key, id, m->name,
                           dot + 1, m->name);
            return OPSIN_EINVAL;
        }
        p->unit = p->ref.unit;
        *allow_open = p->ref.allow_open;
        return OPSIN_OK;
    }
    if (!sw->stimulus) {
        opsin_diag_set(d, NULL, 0, "--set %s: no component '%s' in %s (expected ID.PARAM with "
                       "a component id, or a STIMULUS file for SOURCE.KEY)", p->key,
                       dot ? id : p->key, sw->circuit_path);
        return OPSIN_EINVAL;
    }
    if (opsin_stimulus_param_find(sw->stimulus, p->key, &p->sref, &u)) {
        opsin_diag_set(d, NULL, 0, "--set %s: not a parameter of %s; as a stimulus key: %s",
                       p->key, sw->circuit_path, u.msg);
        return OPSIN_EINVAL;
    }
    p->unit = p->sref.unit;
    p->is_stim = 1;
    *allow_open = 0;
    return OPSIN_OK;
}

/* A value of a parameter as the user reads it: exact decimals, or "open". */
static void value_text(double v, char *buf, size_t len)
{
    if (isinf(v))
        snprintf(buf, len, "open");
    else
        opsin_number_format(buf, len, v);
}

/* One --set ID.PARAM=SPEC: key, unit, values. */
static int param_parse(opsin_sweep *sw, const char *set, sweep_param *p, opsin_diag *d)
{
    const char *eq = strchr(set, '=');
    int allow_open = 0, rc;
    opsin_diag u;
    if (!eq || eq == set || !eq[1]) {
        opsin_diag_set(d, NULL, 0, "--set %s: no value (expected ID.PARAM=SPEC, SPEC a list "
                       "a,b,c, a range FROM:TO:N or log:FROM:TO:N)", set);
        return OPSIN_EINVAL;
    }
    if (!(p->key = malloc((size_t)(eq - set) + 1)))
        return OPSIN_ENOMEM;
    snprintf(p->key, (size_t)(eq - set) + 1, "%s", set);
    if ((rc = param_resolve(sw, p, &allow_open, d)))
        return rc;
    if ((rc = opsin_values_parse(eq + 1, p->unit, allow_open, &p->values, &p->n, &u))) {
        if (rc == OPSIN_EINVAL)
            opsin_diag_set(d, NULL, 0, "--set %s: %s", p->key, u.msg);
        return rc;
    }
    for (size_t i = 0; i < sw->nparams; i++)
        if (strcmp(sw->params[i].key, p->key) == 0) {
            opsin_diag_set(d, NULL, 0, "--set %s is given twice (expected each parameter once)",
                           p->key);
            return OPSIN_EINVAL;
        }
    return OPSIN_OK;
}

/* Index of parameter j's value at grid point i: the last parameter varies fastest. */
static size_t grid_index(const opsin_sweep *sw, size_t i, size_t j)
{
    for (size_t k = sw->nparams; k-- > j + 1;)
        i /= sw->params[k].n;
    return i % sw->params[j].n;
}

/* Index of the stimulus variant of grid point i (mixed radix over the stimulus parameters). */
static size_t variant_index(const opsin_sweep *sw, size_t i)
{
    size_t v = 0;
    for (size_t j = 0; j < sw->nparams; j++)
        if (sw->params[j].is_stim)
            v = v * sw->params[j].n + grid_index(sw, i, j);
    return v;
}

/* Applies grid point i's circuit values in --set order; on failure *bad names the key. */
static int apply_circuit(const opsin_sweep *sw, opsin_circuit *c, size_t i, size_t *bad,
                         opsin_diag *d)
{
    for (size_t j = 0; j < sw->nparams; j++) {
        const sweep_param *p = &sw->params[j];
        int rc;
        if (!p->is_stim &&
            (rc = opsin_circuit_set_param(c, &p->ref, p->values[grid_index(sw, i, j)], d))) {
            *bad = j;
            return rc;
        }
    }
    return OPSIN_OK;
}

/* "--set KEY=VALUE: why" for a value the setters refused. */
static void refused(opsin_diag *d, const sweep_param *p, double v, const opsin_diag *why)
{
    char text[OPSIN_NUMBER_MAX];
    value_text(v, text, sizeof text);
    opsin_diag_set(d, NULL, 0, "--set %s=%s: %s", p->key, text, why->msg);
}

/* Every grid point's circuit values, applied to a copy of the parsed circuit as a run will
 * apply them. */
static int check_circuit_grid(const opsin_sweep *sw, opsin_diag *d)
{
    size_t ncirc = 0;
    for (size_t j = 0; j < sw->nparams; j++)
        ncirc += !sw->params[j].is_stim;
    int rc = OPSIN_OK;
    for (size_t i = 0; ncirc && i < sw->npoints && !rc; i++) {
        opsin_circuit *c = NULL;
        size_t bad = 0;
        opsin_diag u;
        if ((rc = opsin_circuit_copy(sw->circuit, &c)) == OPSIN_OK &&
            (rc = apply_circuit(sw, c, i, &bad, &u)))
            refused(d, &sw->params[bad], sw->params[bad].values[grid_index(sw, i, bad)], &u);
        opsin_circuit_free(c);
    }
    return rc;
}

/* "--set K=V, K=V: why" for the stimulus values of variant v that the setter refused
 * together. */
static void variant_refused(const opsin_sweep *sw, const double *v, size_t n,
                            const opsin_diag *why, opsin_diag *d)
{
    char head[320] = "";
    size_t used = 0, k = 0;
    for (size_t j = 0; j < sw->nparams && k < n && used < sizeof head; j++)
        if (sw->params[j].is_stim) {
            char text[OPSIN_NUMBER_MAX];
            value_text(v[k++], text, sizeof text);
            used += (size_t)snprintf(head + used, sizeof head - used, "%s%s=%s", k > 1 ? ", " : "",
                                     sw->params[j].key, text);
        }
    opsin_diag_set(d, NULL, 0, "--set %s: %s", head, why->msg);
}

/* Stimulus variant v: a copy of the parsed stimulus with the values of its combination, set
 * together (values may be valid only together). */
static int make_variant(const opsin_sweep *sw, size_t v, opsin_stimulus **out, opsin_diag *d)
{
    size_t nstim = 0, rest = v;
    for (size_t j = 0; j < sw->nparams; j++)
        nstim += sw->params[j].is_stim;
    opsin_stimulus_param *p = calloc(nstim ? nstim : 1, sizeof *p);
    double *val = calloc(nstim ? nstim : 1, sizeof *val);
    int rc = p && val ? opsin_stimulus_copy(sw->stimulus, out) : OPSIN_ENOMEM;
    for (size_t j = sw->nparams, k = nstim; !rc && j-- > 0;) /* last parameter fastest */
        if (sw->params[j].is_stim) {
            p[--k] = sw->params[j].sref;
            val[k] = sw->params[j].values[rest % sw->params[j].n];
            rest /= sw->params[j].n;
        }
    opsin_diag u;
    if (!rc && (rc = opsin_stimulus_set_params(*out, p, val, nstim, &u)))
        variant_refused(sw, val, nstim, &u, d);
    free(p);
    free(val);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(d, NULL, 0, "out of memory (expected a smaller sweep)");
    return rc;
}

/* Makes every combination of the stimulus parameters' values (or none without a stimulus). */
static int load_variants(opsin_sweep *sw, opsin_diag *d)
{
    size_t n = 1;
    for (size_t j = 0; j < sw->nparams; j++)
        if (sw->params[j].is_stim)
            n *= sw->params[j].n;
    if (!sw->stimulus)
        return OPSIN_OK;
    if (n > MAX_VARIANTS) {
        opsin_diag_set(d, NULL, 0, "--set: %zu combinations of stimulus values (expected at "
                       "most %d: each is made before the runs)", n, MAX_VARIANTS);
        return OPSIN_EINVAL;
    }
    if (!(sw->variants = calloc(n, sizeof *sw->variants)))
        return OPSIN_ENOMEM;
    int rc = OPSIN_OK;
    for (size_t v = 0; v < n && !rc; v++) {
        opsin_stimulus *s = NULL; /* untouched by a failed copy */
        rc = make_variant(sw, v, &s, d);
        if (rc) {
            opsin_stimulus_free(s);
            break;
        }
        sw->variants[sw->nvariants++] = s;
    }
    return rc;
}

/* ---- measures --------------------------------------------------------------------------- */

/* Every --measure against the files (measure_bind.c). */
static int measures_parse(opsin_sweep *sw, const opsin_sweep_opts *o, opsin_diag *d)
{
    opsin_measure_scope scope = {sw->circuit, sw->circuit_path, sw->stimulus,
                                 sw->stimulus_path, sw->opts.t_end};
    return opsin_measure_list_parse(&sw->ml, &scope, o->measures, o->nmeasures, NULL, 0, d);
}

/* ---- creation --------------------------------------------------------------------------- */

void opsin_sweep_free(opsin_sweep *sw)
{
    if (!sw)
        return;
    for (size_t j = 0; j < sw->nparams; j++)
        param_free(&sw->params[j]);
    free(sw->params);
    for (size_t v = 0; v < sw->nvariants; v++)
        opsin_stimulus_free(sw->variants[v]);
    free(sw->variants);
    opsin_measure_list_free(&sw->ml);
    opsin_stimulus_free(sw->stimulus);
    opsin_circuit_free(sw->circuit);
    free(sw->circuit_path);
    free(sw->stimulus_path);
    free(sw);
}

/* Files, end time and step: the command line over the files. */
static int sweep_load(opsin_sweep *sw, const opsin_sweep_opts *o, opsin_diag *d)
{
    int rc;
    if (!(sw->circuit_path = opsin_strdup(o->circuit)) ||
        (o->stimulus && !(sw->stimulus_path = opsin_strdup(o->stimulus))))
        return OPSIN_ENOMEM;
    if ((rc = opsin_circuit_load(o->circuit, &sw->circuit, d)) ||
        (o->stimulus && (rc = opsin_stimulus_load(o->stimulus, sw->circuit, &sw->stimulus, d))))
        return rc;
    sw->opts = opsin_run_opts_default(sw->circuit, sw->stimulus);
    sw->opts.seed = o->seed;
    sw->opts.max_memory = o->max_memory;
    if (o->t_end > 0)
        sw->opts.t_end = o->t_end;
    sw->opts.dt_out = o->dt_out;
    if (!(sw->opts.t_end > 0) || !isfinite(sw->opts.t_end)) {
        opsin_diag_set(d, NULL, 0, "no end time (expected --t-end T, or t_end = \"...\"; in the "
                       "circuit or stimulus file)");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Every --set: keys, values, the grid size. */
static int params_parse(opsin_sweep *sw, const opsin_sweep_opts *o, opsin_diag *d)
{
    sw->npoints = 1;
    if (o->nsets && !(sw->params = calloc(o->nsets, sizeof *sw->params)))
        return OPSIN_ENOMEM;
    for (size_t j = 0; j < o->nsets; j++) {
        int rc = param_parse(sw, o->sets[j], &sw->params[j], d);
        if (rc) {
            param_free(&sw->params[j]);
            return rc;
        }
        sw->nparams++;
        if (sw->npoints > (size_t)100000000 / sw->params[j].n) {
            opsin_diag_set(d, NULL, 0, "--set %s: the grid exceeds 1e8 points (expected fewer "
                           "values)", sw->params[j].key);
            return OPSIN_EINVAL;
        }
        sw->npoints *= sw->params[j].n;
    }
    return OPSIN_OK;
}

/* A sim of the file's circuit and stimulus with the run options: probes, t_end, dt_out. */
static int check_run_opts(opsin_sweep *sw, opsin_diag *d)
{
    opsin_sim *sim = NULL;
    sw->opts.probes = sw->ml.probes;
    sw->opts.nprobes = sw->ml.nprobes;
    sw->opts.watches = sw->ml.watches;
    sw->opts.nwatches = sw->ml.nwatches;
    int rc = opsin_sim_new(sw->circuit, sw->stimulus, &sw->opts, &sim, d);
    opsin_sim_free(sim);
    return rc;
}

int opsin_sweep_new(const opsin_sweep_opts *o, opsin_sweep **out, opsin_diag *diag)
{
    opsin_sweep *sw = calloc(1, sizeof *sw);
    if (!sw)
        return OPSIN_ENOMEM;
    sw->cancel = o->cancel;
    int rc = sweep_load(sw, o, diag);
    if (!rc)
        rc = params_parse(sw, o, diag);
    if (!rc)
        rc = measures_parse(sw, o, diag);
    if (!rc)
        rc = check_run_opts(sw, diag);
    if (!rc)
        rc = check_circuit_grid(sw, diag);
    if (!rc)
        rc = load_variants(sw, diag);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(diag, NULL, 0, "out of memory (expected a smaller sweep)");
    if (rc) {
        opsin_sweep_free(sw);
        return rc;
    }
    *out = sw;
    return OPSIN_OK;
}

void opsin_sweep_set_partial(opsin_sweep *sw, opsin_partial *p)
{
    sw->partial = p;
}

size_t opsin_sweep_npoints(const opsin_sweep *sw)
{
    return sw->npoints;
}

const opsin_circuit *opsin_sweep_circuit(const opsin_sweep *sw)
{
    return sw->circuit;
}

const opsin_stimulus *opsin_sweep_stimulus(const opsin_sweep *sw)
{
    return sw->stimulus;
}

/* ---- one run ---------------------------------------------------------------------------- */

/* Forwarded each row by the record: stops the run once the sweep is cancelled (its row is
 * then dropped by the pool). */
static int cancel_check(void *ctx, double t, const double *v, size_t n)
{
    const opsin_sweep *sw = ctx;
    (void)t;
    (void)v;
    (void)n;
    return sw->cancel && *sw->cancel;
}

/* Runs grid point i into res; on failure returns the status with diag filled. */
static int point_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const opsin_sweep *sw = ((const sweep_run *)ctx)->sw;
    double *res = row;
    opsin_circuit *c = NULL;
    opsin_sim *sim = NULL;
    opsin_measure_record r;
    const opsin_stimulus *st = sw->variants ? sw->variants[variant_index(sw, i)] : NULL;
    size_t bad;
    opsin_sink watch = {NULL, cancel_check, NULL, NULL, (void *)sw};
    opsin_measure_record_init(&r, &sw->ml, &watch, 0);
    int rc = opsin_circuit_copy(sw->circuit, &c);
    if (!rc)
        rc = apply_circuit(sw, c, i, &bad, d);
    if (!rc)
        rc = opsin_sim_new(c, st, &sw->opts, &sim, d);
    if (!rc) {
        opsin_sink sink = opsin_measure_record_sink(&r);
        rc = opsin_sim_run(sim, &sink, d);
        if (rc == OPSIN_ECALLBACK && !(sw->cancel && *sw->cancel))
            rc = OPSIN_ENOMEM; /* the recorder's only other way to fail */
    }
    if (!rc)
        rc = opsin_measure_list_eval(&sw->ml, &r, st, sim, sw->opts.t_end, res);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(d, NULL, 0, "out of memory");
    for (size_t k = 0; rc && k < sw->ml.n; k++)
        res[k] = NAN;
    opsin_measure_record_free(&r);
    opsin_sim_free(sim);
    opsin_circuit_free(c);
    return rc;
}

/* "1" for a dimensionless quantity, else the unit. */
static const char *unit_text(const char *u)
{
    return u[0] ? u : "1";
}

static int write_header(const opsin_sweep *sw, FILE *out)
{
    for (size_t j = 0; j < sw->nparams; j++)
        fprintf(out, "%s%s (%s)", j ? "," : "", sw->params[j].key,
                unit_text(sw->params[j].unit));
    for (size_t k = 0; k < sw->ml.n; k++)
        fprintf(out, "%s%s (%s)", sw->nparams || k ? "," : "", sw->ml.items[k].label,
                sw->ml.items[k].unit);
    return fputc('\n', out) == EOF || fflush(out) ? OPSIN_EIO : OPSIN_OK;
}

/* The warning for a failed point: which values, and why. */
static void warn_failed(const opsin_sweep *sw, size_t i, const char *why, FILE *warn)
{
    fprintf(warn, "opsin sweep: warning: row %zu", i + 1);
    for (size_t j = 0; j < sw->nparams; j++) {
        char text[OPSIN_NUMBER_MAX];
        value_text(sw->params[j].values[grid_index(sw, i, j)], text, sizeof text);
        fprintf(warn, "%s%s=%s", j ? ", " : " (", sw->params[j].key, text);
    }
    fprintf(warn, "%s failed, its measures are nan: %s\n", sw->nparams ? ")" : "",
            why[0] ? why : "the run failed");
}

/* Row i, flushed, in grid order (the pool's emit); a failed run's warning names the point. */
static int write_row(void *ctx, size_t i, void *row, int status, const opsin_diag *d)
{
    sweep_run *run = ctx;
    const opsin_sweep *sw = run->sw;
    const double *res = row;
    FILE *out = run->out;
    for (size_t j = 0; j < sw->nparams; j++) {
        if (j)
            fputc(',', out);
        opsin_number_write(out, sw->params[j].values[grid_index(sw, i, j)]);
    }
    for (size_t k = 0; k < sw->ml.n; k++) {
        if (sw->nparams || k)
            fputc(',', out);
        opsin_number_write(out, res[k]);
    }
    if (status) {
        run->nfailed++;
        if (run->warn)
            warn_failed(sw, i, d->msg, run->warn);
    }
    if (fputc('\n', out) == EOF || fflush(out))
        return OPSIN_EIO;
    if (run->progress)
        run->progress(run->progress_ctx, i + 1, sw->npoints);
    return OPSIN_OK;
}

int opsin_sweep_run(opsin_sweep *sw, unsigned jobs, FILE *out, FILE *warn,
                    opsin_sweep_progress progress, void *progress_ctx, size_t *nfailed,
                    opsin_diag *diag)
{
    if (sw->ran) {
        opsin_diag_set(diag, NULL, 0, "this sweep has already run (expected a new one)");
        return OPSIN_EINVAL;
    }
    sw->ran = 1;
    *nfailed = 0;
    sweep_run run = {sw, out, warn, progress, progress_ctx, 0};
    opsin_pool_job job = {sw->npoints, (sw->ml.n ? sw->ml.n : 1) * sizeof(double), point_run,
                          write_row, &run, 0, NULL, sw->cancel, 0};
    if (write_header(sw, out)) {
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
        return OPSIN_EIO;
    }
    int rc = opsin_partial_pool_run(&job, jobs, sw->partial, diag);
    *nfailed = run.nfailed;
    if (rc == OPSIN_EIO && !(sw->partial && sw->partial->err))
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
    return rc;
}
