/* measure_bind.c: the --measure items "[PROBE:]NAME[:ARG...]" of `opsin run` and `opsin sweep`,
 * parsed once and bound to a circuit's probes and neurons and a stimulus' sources (see
 * measure.h).
 *
 * Every message starts with "--measure ITEM: " and ends with "(expected ...)".
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/measure.h"

#define MAX_PARTS 6 /* PROBE, NAME and up to three arguments, one more to see too many */

/* Column of probe (ci, oi) in the recorded rows, added to ml->probes when new. */
static int probe_column(opsin_measure_list *ml, int ci, int oi, int *col)
{
    for (size_t k = 0; k < ml->nprobes; k++)
        if (ml->probes[k].comp == ci && ml->probes[k].output == oi) {
            *col = (int)k;
            return OPSIN_OK;
        }
    opsin_probe *p = realloc(ml->probes, (ml->nprobes + 1) * sizeof *p);
    if (!p)
        return OPSIN_ENOMEM;
    ml->probes = p;
    p[ml->nprobes] = (opsin_probe){.comp = ci, .output = oi};
    *col = (int)ml->nprobes++;
    return OPSIN_OK;
}

/* Index of a spiking neuron among those whose spikes are kept, added when new. */
static int neuron_index(opsin_measure_list *ml, const char *id, int *out)
{
    for (size_t k = 0; k < ml->nneurons; k++)
        if (strcmp(ml->neurons[k], id) == 0) {
            *out = (int)k;
            return OPSIN_OK;
        }
    void *p = realloc(ml->neurons, (ml->nneurons + 1) * sizeof *ml->neurons);
    if (!p)
        return OPSIN_ENOMEM;
    ml->neurons = p;
    snprintf(ml->neurons[ml->nneurons], OPSIN_ID_MAX, "%s", id);
    *out = (int)ml->nneurons++;
    return OPSIN_OK;
}

/* PROBE of a measure ("ID.OUTPUT", "ID", or NULL for the circuit's first probe) as a
 * component and output. */
static int measure_probe(const opsin_measure_scope *sc, const char *probe, const char *item,
                         int *ci, int *oi, opsin_diag *d)
{
    const opsin_circuit *c = sc->circuit;
    if (!probe) {
        if (c->nprobes == 0) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s has no probes (expected PROBE:NAME, "
                           "e.g. %s.%s:%s)", item, sc->circuit_path, c->comps[0].id,
                           c->comps[0].model->outputs[0].name, item);
            return OPSIN_EINVAL;
        }
        if (c->probes[0].comp < 0) { /* a population's: measures read components only */
            opsin_diag_set(d, NULL, 0, "--measure %s: the first probe of %s is a population's "
                           "(expected PROBE:NAME with the output of a component)", item,
                           sc->circuit_path);
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
    if (*oi < 0 && c->ncomps == 0) { /* a population's probe, or nothing */
        opsin_diag_set(d, NULL, 0, "--measure %s: unknown probe '%s' (expected ID.OUTPUT or ID "
                       "of a component; %s has none)", item, probe, sc->circuit_path);
        return OPSIN_EINVAL;
    }
    if (*oi < 0) {
        opsin_diag_set(d, NULL, 0, "--measure %s: unknown probe '%s' (expected ID.OUTPUT or ID "
                       "of a component of %s, e.g. %s.%s)", item, probe, sc->circuit_path,
                       c->comps[0].id, c->comps[0].model->outputs[0].name);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* A time within the run for an argument of measure m; -1 if the text is not one. */
static int run_time(const opsin_measure_scope *sc, const char *text, double *t)
{
    opsin_diag u;
    return text && opsin_units_parse(text, "s", t, &u) == 0 && *t >= 0 && *t <= sc->t_end
           ? 0 : -1;
}

/* at:T: a time within the run. */
static int arg_time(const opsin_measure_scope *sc, opsin_measure_item *m, char **args,
                    const char *item, opsin_diag *d)
{
    if (run_time(sc, args[0], &m->arg) == 0)
        return OPSIN_OK;
    opsin_diag_set(d, NULL, 0, "--measure %s: %s needs a time within the run (expected "
                   "[PROBE:]%s:T with 0 <= T <= t_end = %g s, e.g. %s:10ms)", item,
                   m->def->name, m->def->name, sc->t_end, m->def->name);
    return OPSIN_EINVAL;
}

/* [:T1:T2]: none (the whole run), or two increasing times within it. */
static int arg_window(const opsin_measure_scope *sc, opsin_measure_item *m, char **args,
                      const char *item, opsin_diag *d)
{
    m->arg = -INFINITY;
    m->arg2 = INFINITY;
    if (!args[0])
        return OPSIN_OK;
    if (args[1] && run_time(sc, args[0], &m->arg) == 0 && run_time(sc, args[1], &m->arg2) == 0
        && m->arg2 > m->arg)
        return OPSIN_OK;
    opsin_diag_set(d, NULL, 0, "--measure %s: %s takes a window of the run (expected "
                   "[PROBE:]%s or [PROBE:]%s:T1:T2 with 0 <= T1 < T2 <= t_end = %g s, e.g. "
                   "%s:1ms:2ms)", item, m->def->name, m->def->name, m->def->name, sc->t_end,
                   m->def->name);
    return OPSIN_EINVAL;
}

/* [:SOURCE]: a pulse source of the stimulus (default its first). */
static int arg_source(const opsin_measure_scope *sc, opsin_measure_item *m, char **args,
                      const char *item, opsin_diag *d)
{
    const char *arg = args[0];
    if (!sc->stimulus) {
        opsin_diag_set(d, NULL, 0, "--measure %s: %s measures the pulses of a source (expected "
                       "a STIMULUS file after the circuit)", item, m->def->name);
        return OPSIN_EINVAL;
    }
    m->source = arg ? -1 : 0;
    for (size_t k = 0; arg && k < sc->stimulus->nsources; k++)
        if (strcmp(sc->stimulus->sources[k].id, arg) == 0)
            m->source = (int)k;
    if (m->source < 0) {
        opsin_diag_set(d, NULL, 0, "--measure %s: no source '%s' in %s (expected [PROBE:]%s"
                       "[:SOURCE] with a source id, default %s)", item, arg,
                       sc->stimulus_path, m->def->name, sc->stimulus->sources[0].id);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The direction and count after a level: [rise|fall|cross][:N|last], in that order. */
static int level_which(opsin_measure_item *m, char **args)
{
    static const char *const dirs[] = {"cross", "rise", "fall"};
    m->dir = OPSIN_MDIR_CROSS;
    m->nth = 1;
    for (int k = 0; args[0] && k < 3; k++)
        if (strcmp(args[0], dirs[k]) == 0) {
            m->dir = k;
            args++;
            break;
        }
    if (!args[0])
        return 0;
    char *end;
    long n = strcmp(args[0], "last") == 0 ? 0 : strtol(args[0], &end, 10);
    if (n < 0 || (n == 0 && strcmp(args[0], "last") != 0) ||
        (n > 0 && (*end || !isdigit((unsigned char)args[0][0]))) || args[1])
        return -1;
    m->nth = n;
    return 0;
}

/* VALUE[:rise|fall|cross][:N|last] of when, VALUE in the probe's unit (PROBE= was taken off
 * by the caller). */
static int arg_level(opsin_measure_item *m, const char *unit, char **args, const char *item,
                     opsin_diag *d)
{
    opsin_diag u;
    if (!args[0] || opsin_units_parse(args[0], unit, &m->arg, &u) || !isfinite(m->arg)) {
        opsin_diag_set(d, NULL, 0, "--measure %s: %s needs a level in %s (expected "
                       "%s:[PROBE=]VALUE[:rise|fall|cross][:N|last], e.g. %s:syn.v=50mV:rise)",
                       item, m->def->name, unit[0] ? unit : "the probe's unit", m->def->name,
                       m->def->name);
        return OPSIN_EINVAL;
    }
    if (level_which(m, args + 1)) {
        opsin_diag_set(d, NULL, 0, "--measure %s: after the level comes rise, fall or cross, "
                       "then N >= 1 or last (expected %s:[PROBE=]VALUE[:rise|fall|cross]"
                       "[:N|last], e.g. %s:50mV:fall:2)", item, m->def->name, m->def->name);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The unit of item m on a probe of unit `unit`: its own, the probe's, or the probe's times s. */
static void item_unit(opsin_measure_item *m, const char *unit)
{
    const char *own = m->def->unit;
    if (own[0] == '*')
        snprintf(m->unit, sizeof m->unit, "%s%s%s", unit, unit[0] ? " " : "", own + 2);
    else
        snprintf(m->unit, sizeof m->unit, "%s", own[0] ? own : unit[0] ? unit : "1");
}

/* "A:B:C" from the arguments, for a label. */
static void args_text(char **args, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t k = 0; args[k]; k++)
        snprintf(buf + strlen(buf), len - strlen(buf), ":%s", args[k]);
}

/* Resolves the probe of an item into a column or a neuron, with its unit and label. */
static int measure_bind(opsin_measure_list *ml, const opsin_measure_scope *sc,
                        opsin_measure_item *m, const char *probe, char **args,
                        const char *item, opsin_diag *d)
{
    int ci, oi, rc;
    char tail[160];
    args_text(args, tail, sizeof tail);
    if (m->def->needs == OPSIN_MEAS_NONE) {
        if (probe) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s is a total of the run and takes no "
                           "probe (expected %s)", item, m->def->name, m->def->name);
            return OPSIN_EINVAL;
        }
        snprintf(m->label, sizeof m->label, "%s", m->def->name);
        item_unit(m, "");
        return OPSIN_OK;
    }
    if ((rc = measure_probe(sc, probe, item, &ci, &oi, d)))
        return rc;
    const opsin_compdef *cd = &sc->circuit->comps[ci];
    if (m->def->needs & OPSIN_MEAS_SPIKES) {
        if (!opsin_model_spikes(cd->model)) {
            opsin_diag_set(d, NULL, 0, "--measure %s: %s (model %s) does not spike (expected "
                           "the id of a neuron, e.g. NEURON:%s)", item, cd->id, cd->model->name,
                           m->def->name);
            return OPSIN_EINVAL;
        }
        snprintf(m->label, sizeof m->label, "%s:%s", cd->id, m->def->name);
        item_unit(m, "");
        return neuron_index(ml, cd->id, &m->neuron);
    }
    snprintf(m->label, sizeof m->label, "%s.%s:%s%s", cd->id, cd->model->outputs[oi].name,
             m->def->name, tail);
    item_unit(m, cd->model->outputs[oi].unit);
    return probe_column(ml, ci, oi, &m->col);
}

/* The most arguments a measure of each argument kind takes. */
static size_t max_args(int kind)
{
    static const size_t most[] = {[OPSIN_MARG_NONE] = 0, [OPSIN_MARG_TIME] = 1,
                                  [OPSIN_MARG_SOURCE] = 1, [OPSIN_MARG_WINDOW] = 2,
                                  [OPSIN_MARG_LEVEL] = 3};
    return most[kind];
}

/* when:PROBE=VALUE: the probe taken out of the level (it may also lead the item, not both). */
static int level_probe(const opsin_measure_item *m, char **args, const char **probe,
                       const char *item, opsin_diag *d)
{
    char *eq = m->def->arg == OPSIN_MARG_LEVEL && args[0] ? strchr(args[0], '=') : NULL;
    if (!eq)
        return OPSIN_OK;
    if (*probe) {
        opsin_diag_set(d, NULL, 0, "--measure %s: two probes, '%s' and '%.*s' (expected "
                       "%s:PROBE=VALUE or PROBE:%s:VALUE)", item, *probe, (int)(eq - args[0]),
                       args[0], m->def->name, m->def->name);
        return OPSIN_EINVAL;
    }
    *eq = '\0';
    *probe = args[0];
    args[0] = eq + 1;
    return OPSIN_OK;
}

/* The arguments of an item, once its probe is bound (a level is in the probe's unit). */
static int measure_args(const opsin_measure_list *ml, const opsin_measure_scope *sc,
                        opsin_measure_item *m, char **args, const char *item, opsin_diag *d)
{
    switch (m->def->arg) {
    case OPSIN_MARG_TIME: return arg_time(sc, m, args, item, d);
    case OPSIN_MARG_WINDOW: return arg_window(sc, m, args, item, d);
    case OPSIN_MARG_SOURCE: return arg_source(sc, m, args, item, d);
    case OPSIN_MARG_LEVEL:
        return arg_level(m, opsin_probe_unit(sc->circuit, ml->probes[m->col]), args, item, d);
    default: return OPSIN_OK;
    }
}

/* "--measure ITEM: unknown measure 'NAME' (expected ... one of peak, ..., at:T, ...)". */
static void unknown_measure(const char *item, const char *name, opsin_diag *d)
{
    static const char *const hint[] = {[OPSIN_MARG_NONE] = "", [OPSIN_MARG_TIME] = ":T",
                                       [OPSIN_MARG_SOURCE] = "", [OPSIN_MARG_WINDOW] = "",
                                       [OPSIN_MARG_LEVEL] = ":VALUE"};
    char names[320];
    size_t used = 0;
    for (size_t k = 0; k < opsin_measure_count() && used < sizeof names; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s%s", k ? ", " : "",
                                 opsin_measure_at(k)->name, hint[opsin_measure_at(k)->arg]);
    opsin_diag_set(d, NULL, 0, "--measure %s: unknown measure '%s' (expected [PROBE:]NAME "
                   "with NAME one of %s)", item, name, names);
}

/* One item [PROBE:]NAME[:ARG...]: a measure name first means the default probe. */
static int item_parse(opsin_measure_list *ml, const opsin_measure_scope *sc, const char *item,
                      opsin_measure_item *m, opsin_diag *d)
{
    char buf[256], *parts[MAX_PARTS + 1] = {NULL};
    size_t np = 0;
    if (strlen(item) >= sizeof buf || !*item) {
        opsin_diag_set(d, NULL, 0, "--measure '%.64s': %s (expected [PROBE:]NAME[:ARG])", item,
                       *item ? "too long" : "empty item");
        return OPSIN_EINVAL;
    }
    snprintf(buf, sizeof buf, "%s", item);
    for (char *s = buf; s && np < MAX_PARTS; np++) {
        parts[np] = s;
        if ((s = strchr(s, ':')))
            *s++ = '\0';
    }
    size_t first = opsin_measure_find(parts[0]) || np == 1 ? 0 : 1;
    const char *probe = first ? parts[0] : NULL;
    m->def = parts[first] ? opsin_measure_find(parts[first]) : NULL;
    m->col = m->neuron = m->source = m->watch = -1;
    if (!m->def) {
        unknown_measure(item, parts[first] ? parts[first] : "", d);
        return OPSIN_EINVAL;
    }
    char **args = parts + first + 1;
    size_t nargs = np - first - 1;
    if (m->def->arg == OPSIN_MARG_NONE && nargs) {
        opsin_diag_set(d, NULL, 0, "--measure %s: %s takes no argument (expected [PROBE:]%s)",
                       item, m->def->name, m->def->name);
        return OPSIN_EINVAL;
    }
    if (nargs > max_args(m->def->arg) || np == MAX_PARTS) {
        opsin_diag_set(d, NULL, 0, "--measure %s: too many ':' (expected [PROBE:]NAME[:ARG], "
                       "see --list-measures)", item);
        return OPSIN_EINVAL;
    }
    int rc = level_probe(m, args, &probe, item, d);
    if (!rc)
        rc = measure_bind(ml, sc, m, probe, args, item, d);
    return rc ? rc : measure_args(ml, sc, m, args, item, d);
}

/* The watch of a level crossing item, for the run to follow on the probe's solution. */
static void item_watch(opsin_measure_list *ml, opsin_measure_item *m)
{
    static const int dir[] = {[OPSIN_MDIR_CROSS] = OPSIN_WATCH_CROSS,
                              [OPSIN_MDIR_RISE] = OPSIN_WATCH_RISE,
                              [OPSIN_MDIR_FALL] = OPSIN_WATCH_FALL};
    if (m->def->arg != OPSIN_MARG_LEVEL || m->col < 0)
        return;
    m->watch = (int)ml->nwatches;
    ml->watches[ml->nwatches++] = (opsin_watch){(size_t)m->col, m->arg, dir[m->dir], m->nth};
}

void opsin_measure_list_free(opsin_measure_list *ml)
{
    free(ml->items);
    free(ml->probes);
    free(ml->neurons);
    free(ml->watches);
    memset(ml, 0, sizeof *ml);
}

int opsin_measure_list_parse(opsin_measure_list *ml, const opsin_measure_scope *scope,
                             const char *const *specs, size_t nspecs, const opsin_probe *first,
                             size_t nfirst, opsin_diag *d)
{
    size_t cap = 0;
    memset(ml, 0, sizeof *ml);
    for (size_t i = 0; i < nspecs; i++)
        for (const char *s = specs[i];; s++) {
            cap += *s == ',' || !*s;
            if (!*s)
                break;
        }
    if (cap == 0) {
        opsin_diag_set(d, NULL, 0, "no --measure (expected e.g. --measure peak,final)");
        return OPSIN_EINVAL;
    }
    if (!(ml->items = calloc(cap, sizeof *ml->items)) ||
        !(ml->watches = calloc(cap, sizeof *ml->watches)) ||
        (nfirst && !(ml->probes = malloc(nfirst * sizeof *ml->probes))))
        return OPSIN_ENOMEM;
    if (nfirst)
        memcpy(ml->probes, first, nfirst * sizeof *first);
    ml->nprobes = nfirst;
    for (size_t i = 0; i < nspecs; i++)
        for (const char *s = specs[i];;) {
            char item[256];
            size_t len = strcspn(s, ",");
            snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1),
                     s);
            int rc = item_parse(ml, scope, item, &ml->items[ml->n], d);
            if (rc)
                return rc;
            item_watch(ml, &ml->items[ml->n++]);
            s += len;
            if (!*s++)
                break;
        }
    return OPSIN_OK;
}
