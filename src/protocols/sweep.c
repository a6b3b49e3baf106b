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

typedef struct sweep_measure {
    const opsin_measure_def *def;
    char label[2 * OPSIN_ID_MAX + 96]; /* "syn.v:peak", "n1:rate", "energy" */
    const char *unit;
    int col;       /* column of the probe in the run's rows, or -1 */
    int neuron;    /* index into the spiking neurons, or -1 */
    int source;    /* index of the pulse source in the stimulus, or -1 */
    double arg;    /* at:T, s */
} sweep_measure;

struct opsin_sweep {
    char *circuit_path, *stimulus_path;
    opsin_circuit *circuit;     /* as in the file (the validation copy, restored after use) */
    opsin_stimulus *stimulus;   /* as in the file */
    sweep_param *params;
    size_t nparams;
    sweep_measure *meas;
    size_t nmeas;
    opsin_probe *probes;        /* recorded by each run */
    size_t nprobes;
    char (*neurons)[OPSIN_ID_MAX];
    size_t nneurons;
    opsin_stimulus **variants;  /* one per combination of stimulus values */
    size_t nvariants;
    opsin_run_opts opts;
    size_t npoints;
    int ran;
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

/* Column of probe (ci, oi) in the run's rows, added to sw->probes when new. */
static int probe_column(opsin_sweep *sw, int ci, int oi, int *col)
{
    for (size_t k = 0; k < sw->nprobes; k++)
        if (sw->probes[k].comp == ci && sw->probes[k].output == oi) {
            *col = (int)k;
            return OPSIN_OK;
        }
    opsin_probe *p = realloc(sw->probes, (sw->nprobes + 1) * sizeof *p);
    if (!p)
        return OPSIN_ENOMEM;
    sw->probes = p;
    p[sw->nprobes] = (opsin_probe){ci, oi};
    *col = (int)sw->nprobes++;
    return OPSIN_OK;
}

/* Index of a spiking neuron among those whose spikes are kept, added when new. */
static int neuron_index(opsin_sweep *sw, const char *id, int *out)
{
    for (size_t k = 0; k < sw->nneurons; k++)
        if (strcmp(sw->neurons[k], id) == 0) {
            *out = (int)k;
            return OPSIN_OK;
        }
    void *p = realloc(sw->neurons, (sw->nneurons + 1) * sizeof *sw->neurons);
    if (!p)
        return OPSIN_ENOMEM;
    sw->neurons = p;
    snprintf(sw->neurons[sw->nneurons], OPSIN_ID_MAX, "%s", id);
    *out = (int)sw->nneurons++;
    return OPSIN_OK;
}

/* PROBE of a measure ("ID.OUTPUT", "ID", or NULL for the circuit's first probe) as a
 * component and output. */
static int measure_probe(const opsin_sweep *sw, const char *probe, const char *item, int *ci,
                         int *oi, opsin_diag *d)
{
    const opsin_circuit *c = sw->circuit;
    if (!probe) {
        if (c->nprobes == 0) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s has no probes (expected PROBE:NAME, "
                           "e.g. %s.%s:%s)", item, sw->circuit_path, c->comps[0].id,
                           c->comps[0].model->outputs[0].name, item);
            return OPSIN_EINVAL;
        }
        *ci = c->probes[0].comp;
        *oi = c->probes[0].output;
        return OPSIN_OK;
    }
    char id[OPSIN_ID_MAX];
    const char *dot = strchr(probe, '.');
    size_t len = dot ? (size_t)(dot - probe) : strlen(probe);
    *ci = len < sizeof id ? (snprintf(id, sizeof id, "%.*s", (int)len, probe),
                             opsin_circuit_find(c, id)) : -1;
    *oi = *ci < 0 ? -1 : dot ? opsin_model_output_index(c->comps[*ci].model, dot + 1) : 0;
    if (*oi < 0) {
        opsin_diag_set(d, NULL, 0, "--measure %s: unknown probe '%s' (expected ID.OUTPUT or ID "
                       "of a component of %s, e.g. %s.%s)", item, probe, sw->circuit_path,
                       c->comps[0].id, c->comps[0].model->outputs[0].name);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The argument of a measure: at:T (a time within the run) or a pulse source (optional). */
static int measure_arg(opsin_sweep *sw, sweep_measure *m, const char *arg, const char *item,
                       opsin_diag *d)
{
    if (m->def->arg == OPSIN_MARG_NONE && arg) {
        opsin_diag_set(d, NULL, 0, "--measure %s: %s takes no argument (expected [PROBE:]%s)",
                       item, m->def->name, m->def->name);
        return OPSIN_EINVAL;
    }
    if (m->def->arg == OPSIN_MARG_TIME) {
        opsin_diag u;
        if (!arg || opsin_units_parse(arg, "s", &m->arg, &u) || !(m->arg >= 0) ||
            m->arg > sw->opts.t_end) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s needs a time within the run (expected "
                           "[PROBE:]at:T with 0 <= T <= t_end = %g s, e.g. at:10ms)", item,
                           m->def->name, sw->opts.t_end);
            return OPSIN_EINVAL;
        }
    }
    if (!(m->def->needs & OPSIN_MEAS_PULSES))
        return OPSIN_OK;
    if (!sw->stimulus) {
        opsin_diag_set(d, NULL, 0, "--measure %s: %s measures the pulses of a source (expected "
                       "a STIMULUS file after the circuit)", item, m->def->name);
        return OPSIN_EINVAL;
    }
    m->source = arg ? -1 : 0;
    for (size_t k = 0; arg && k < sw->stimulus->nsources; k++)
        if (strcmp(sw->stimulus->sources[k].id, arg) == 0)
            m->source = (int)k;
    if (m->source < 0) {
        opsin_diag_set(d, NULL, 0, "--measure %s: no source '%s' in %s (expected [PROBE:]%s"
                       "[:SOURCE] with a source id, default %s)", item, arg,
                       sw->stimulus_path, m->def->name, sw->stimulus->sources[0].id);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Resolves the probe of a measure into a column or a neuron, and its unit and label. */
static int measure_bind(opsin_sweep *sw, sweep_measure *m, const char *probe, const char *arg,
                        const char *item, opsin_diag *d)
{
    int ci, oi, rc;
    if (m->def->needs == OPSIN_MEAS_NONE) {
        if (probe) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s is a total of the run and takes no "
                           "probe (expected %s)", item, m->def->name, m->def->name);
            return OPSIN_EINVAL;
        }
        snprintf(m->label, sizeof m->label, "%s", m->def->name);
        m->unit = m->def->unit;
        return OPSIN_OK;
    }
    if ((rc = measure_probe(sw, probe, item, &ci, &oi, d)))
        return rc;
    const opsin_compdef *cd = &sw->circuit->comps[ci];
    if (m->def->needs & OPSIN_MEAS_SPIKES) {
        if (!opsin_model_spikes(cd->model)) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s (model %s) does not spike (expected "
                           "the id of a neuron, e.g. NEURON:%s)", item, cd->id, cd->model->name,
                           m->def->name);
            return OPSIN_EINVAL;
        }
        snprintf(m->label, sizeof m->label, "%s:%s", cd->id, m->def->name);
        m->unit = m->def->unit;
        return neuron_index(sw, cd->id, &m->neuron);
    }
    snprintf(m->label, sizeof m->label, "%s.%s:%s%s%s", cd->id, cd->model->outputs[oi].name,
             m->def->name, arg ? ":" : "", arg ? arg : "");
    m->unit = m->def->unit[0] ? m->def->unit : cd->model->outputs[oi].unit;
    return probe_column(sw, ci, oi, &m->col);
}

/* One item [PROBE:]NAME[:ARG]: a measure name first means the default probe. */
static int measure_parse(opsin_sweep *sw, const char *item, sweep_measure *m, opsin_diag *d)
{
    char buf[256], *parts[4] = {NULL};
    size_t np = 0;
    if (strlen(item) >= sizeof buf || !*item) {
        opsin_diag_set(d, NULL, 0, "--measure '%.64s': %s (expected [PROBE:]NAME[:ARG])", item,
                       *item ? "too long" : "empty item");
        return OPSIN_EINVAL;
    }
    snprintf(buf, sizeof buf, "%s", item);
    for (char *s = buf; s && np < 4; np++) {
        parts[np] = s;
        if ((s = strchr(s, ':')))
            *s++ = '\0';
    }
    size_t first = opsin_measure_find(parts[0]) || np == 1 ? 0 : 1;
    const char *probe = first ? parts[0] : NULL;
    m->def = parts[first] ? opsin_measure_find(parts[first]) : NULL;
    m->col = m->neuron = m->source = -1;
    if (!m->def) {
        char names[256];
        size_t used = 0;
        for (size_t k = 0; k < opsin_measure_count() && used < sizeof names; k++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s%s", k ? ", " : "",
                                     opsin_measure_at(k)->name,
                                     opsin_measure_at(k)->arg == OPSIN_MARG_TIME ? ":T" : "");
        opsin_diag_set(d, NULL, 0, "--measure %s: unknown measure '%s' (expected [PROBE:]NAME "
                       "with NAME one of %s)", item, parts[first] ? parts[first] : "", names);
        return OPSIN_EINVAL;
    }
    if (np > first + 2) {
        opsin_diag_set(d, NULL, 0, "--measure %s: too many ':' (expected [PROBE:]NAME[:ARG])",
                       item);
        return OPSIN_EINVAL;
    }
    const char *arg = parts[first + 1];
    int rc = measure_arg(sw, m, arg, item, d);
    return rc ? rc : measure_bind(sw, m, probe, arg, item, d);
}

/* Every comma-separated item of every --measure. */
static int measures_parse(opsin_sweep *sw, const opsin_sweep_opts *o, opsin_diag *d)
{
    size_t cap = 0;
    for (size_t i = 0; i < o->nmeasures; i++)
        for (const char *s = o->measures[i]; ; s++) {
            cap += *s == ',' || !*s;
            if (!*s)
                break;
        }
    if (cap == 0) {
        opsin_diag_set(d, NULL, 0, "no --measure (expected e.g. --measure peak,final)");
        return OPSIN_EINVAL;
    }
    if (!(sw->meas = calloc(cap, sizeof *sw->meas)))
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < o->nmeasures; i++)
        for (const char *s = o->measures[i];;) {
            char item[256];
            size_t len = strcspn(s, ",");
            snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1),
                     s);
            int rc = measure_parse(sw, item, &sw->meas[sw->nmeas], d);
            if (rc)
                return rc;
            sw->nmeas++;
            s += len;
            if (!*s++)
                break;
        }
    return OPSIN_OK;
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
    free(sw->meas);
    free(sw->probes);
    free(sw->neurons);
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
    sw->opts.probes = sw->probes;
    sw->opts.nprobes = sw->nprobes;
    int rc = opsin_sim_new(sw->circuit, sw->stimulus, &sw->opts, &sim, d);
    opsin_sim_free(sim);
    return rc;
}

int opsin_sweep_new(const opsin_sweep_opts *o, opsin_sweep **out, opsin_diag *diag)
{
    opsin_sweep *sw = calloc(1, sizeof *sw);
    if (!sw)
        return OPSIN_ENOMEM;
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

/* What one run recorded: the rows of the probes and the spikes of the kept neurons. */
typedef struct recorder {
    const opsin_sweep *sw;
    size_t ncols, nrows, cap;
    double *t, *v;
    double *spike_t;
    int *spike_who;
    size_t nspikes, spike_cap;
} recorder;

static int rec_header(void *ctx, size_t n, const char *const *names, const char *const *units)
{
    (void)names;
    (void)units;
    ((recorder *)ctx)->ncols = n;
    return 0;
}

static int rec_row(void *ctx, double t, const double *v, size_t n)
{
    recorder *r = ctx;
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 2048;
        double *nt = realloc(r->t, cap * sizeof *nt);
        if (nt)
            r->t = nt;
        double *nv = nt ? realloc(r->v, cap * (n ? n : 1) * sizeof *nv) : NULL;
        if (!nv)
            return 1;
        r->v = nv;
        r->cap = cap;
    }
    r->t[r->nrows] = t;
    memcpy(r->v + r->nrows * n, v, n * sizeof *v);
    r->nrows++;
    return 0;
}

static int rec_spike(void *ctx, double t, const char *neuron)
{
    recorder *r = ctx;
    int who = -1;
    for (size_t k = 0; k < r->sw->nneurons; k++)
        if (strcmp(r->sw->neurons[k], neuron) == 0)
            who = (int)k;
    if (who < 0)
        return 0;
    if (r->nspikes == r->spike_cap) {
        size_t cap = r->spike_cap ? 2 * r->spike_cap : 256;
        double *nt = realloc(r->spike_t, cap * sizeof *nt);
        if (nt)
            r->spike_t = nt;
        int *nw = nt ? realloc(r->spike_who, cap * sizeof *nw) : NULL;
        if (!nw)
            return 1;
        r->spike_who = nw;
        r->spike_cap = cap;
    }
    r->spike_t[r->nspikes] = t;
    r->spike_who[r->nspikes++] = who;
    return 0;
}

static void rec_free(recorder *r)
{
    free(r->t);
    free(r->v);
    free(r->spike_t);
    free(r->spike_who);
}

/* Evaluates measure m over what the run recorded; scratch holds nspikes doubles and the
 * source's pulses. */
static double measure_eval(const sweep_measure *m, const recorder *r, const opsin_stimulus *st,
                           double t_end, double energy, double *spikes,
                           opsin_measure_pulse *pulses)
{
    opsin_measure_input in = {r->t, NULL, r->ncols, r->nrows, spikes, 0, pulses, 0, t_end,
                              energy, m->arg};
    if (m->col >= 0)
        in.v = r->v + m->col;
    for (size_t k = 0; m->neuron >= 0 && k < r->nspikes; k++)
        if (r->spike_who[k] == m->neuron)
            spikes[in.nspikes++] = r->spike_t[k];
    if (m->source >= 0) {
        const opsin_source *src = &st->sources[m->source];
        for (size_t k = 0; k < src->npulses; k++)
            pulses[k] = (opsin_measure_pulse){src->pulses[k].start, src->pulses[k].width};
        in.npulses = src->npulses;
    }
    return m->def->fn(&in);
}

/* Every measure of a finished run into res. */
static int measures_eval(const opsin_sweep *sw, const recorder *r, const opsin_stimulus *st,
                         const opsin_sim *sim, double *res)
{
    double energy = 0.0, joules;
    const char *name;
    size_t npulses = 0;
    for (size_t k = 0; k < opsin_sim_nsources(sim); k++)
        if (opsin_sim_energy(sim, k, &name, &joules) == OPSIN_OK)
            energy += joules;
    for (size_t k = 0; st && k < st->nsources; k++)
        npulses = st->sources[k].npulses > npulses ? st->sources[k].npulses : npulses;
    double *spikes = malloc((r->nspikes + 1) * sizeof *spikes);
    opsin_measure_pulse *pulses = malloc((npulses + 1) * sizeof *pulses);
    if (!spikes || !pulses) {
        free(spikes);
        free(pulses);
        return OPSIN_ENOMEM;
    }
    for (size_t k = 0; k < sw->nmeas; k++)
        res[k] = measure_eval(&sw->meas[k], r, st, sw->opts.t_end, energy, spikes, pulses);
    free(spikes);
    free(pulses);
    return OPSIN_OK;
}

/* Runs grid point i into res; on failure returns the status with diag filled. */
static int point_run(void *ctx, size_t i, void *row, opsin_diag *d)
{
    const opsin_sweep *sw = ((const sweep_run *)ctx)->sw;
    double *res = row;
    opsin_circuit *c = NULL;
    opsin_sim *sim = NULL;
    recorder r = {sw, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0};
    const opsin_stimulus *st = sw->variants ? sw->variants[variant_index(sw, i)] : NULL;
    size_t bad;
    int rc = opsin_circuit_copy(sw->circuit, &c);
    if (!rc)
        rc = apply_circuit(sw, c, i, &bad, d);
    if (!rc)
        rc = opsin_sim_new(c, st, &sw->opts, &sim, d);
    if (!rc) {
        opsin_sink sink = {rec_header, rec_row, rec_spike, NULL, &r};
        rc = opsin_sim_run(sim, &sink, d);
        if (rc == OPSIN_ECALLBACK)
            rc = OPSIN_ENOMEM; /* the recorder's only way to fail */
    }
    if (!rc)
        rc = measures_eval(sw, &r, st, sim, res);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(d, NULL, 0, "out of memory");
    for (size_t k = 0; rc && k < sw->nmeas; k++)
        res[k] = NAN;
    rec_free(&r);
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
    for (size_t k = 0; k < sw->nmeas; k++)
        fprintf(out, "%s%s (%s)", sw->nparams || k ? "," : "", sw->meas[k].label,
                unit_text(sw->meas[k].unit));
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
    for (size_t k = 0; k < sw->nmeas; k++) {
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
    opsin_pool_job job = {sw->npoints, (sw->nmeas ? sw->nmeas : 1) * sizeof(double), point_run,
                          write_row, &run, 0, NULL};
    if (write_header(sw, out)) {
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
        return OPSIN_EIO;
    }
    int rc = opsin_pool_run(&job, jobs, diag);
    *nfailed = run.nfailed;
    if (rc == OPSIN_EIO)
        opsin_diag_set(diag, NULL, 0, "writing the output failed");
    return rc;
}
