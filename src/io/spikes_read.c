/* spikes_read.c: the spike sources of a stimulus file: spike trains into members of the
 * circuit's populations, Poisson, regular, or listed in a CSV file (read here, sorted by
 * time).  Their ids share one name space with the stimulus' sources.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const ss_keys[] = {"id", "kind", "targets", "weight", "E_rev", "rate",
                                      "file", "start", "stop", NULL};
static const char *const ss_kinds[] = {"poisson", "regular", "list"}; /* enum opsin_spikesrc_kind */

static const opsin_param_def rate_def = {"rate", "Hz", 0, 0, INFINITY, 1e-3, 1e6,
                                         OPSIN_P_MIN_OPEN, ""};
static const opsin_param_def start_def = {"start", "s", 0, 0, INFINITY, 0, 0, 0, ""};
static const opsin_param_def stop_def = {"stop", "s", INFINITY, 0, INFINITY, 0, 0,
                                         OPSIN_P_OPEN | OPSIN_P_MIN_OPEN, ""};

/* "a population of CIRCUIT: a, b" for messages, or that it has none. */
static void pop_list(const opsin_circuit *c, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "a population of %s%s", c->path,
                                   c->npops ? ": " : ", which has none");
    for (size_t i = 0; i < c->npops && used < 300; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", c->pops[i].id);
}

/* Parses "ID", "ID[K]" or "ID[LO:HI]" (members LO .. HI - 1) against the circuit. */
int opsin_target_parse(const char *text, const opsin_circuit *c, opsin_target_range *t,
                       char *msg, size_t len)
{
    char id[OPSIN_ID_MAX], list[400];
    size_t n = strcspn(text, "[");
    snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), text);
    if ((t->pop = n < sizeof id ? opsin_circuit_find_population(c, id) : -1) < 0) {
        pop_list(c, list, sizeof list);
        if (opsin_circuit_find(c, id) >= 0 || opsin_circuit_find_array(c, id) >= 0)
            snprintf(msg, len, "target '%s' is a component (expected %s; components are "
                     "driven by `sources`)", text, list);
        else
            snprintf(msg, len, "unknown target '%s' (expected %s)", text, list);
        return -1;
    }
    const opsin_popdef *pd = &c->pops[t->pop];
    t->lo = 0;
    t->hi = pd->size;
    if (!text[n])
        return 0;
    const char *s = text + n + 1;
    char *end = NULL;
    unsigned long long lo = 0, hi = 0;
    int ok = *s >= '0' && *s <= '9';
    if (ok) {
        errno = 0;
        lo = hi = strtoull(s, &end, 10);
        hi++;
        if (*end == ':') {
            ok = end[1] >= '0' && end[1] <= '9';
            hi = ok ? strtoull(end + 1, &end, 10) : 0;
        }
        ok = ok && errno == 0 && end[0] == ']' && end[1] == '\0';
    }
    if (!ok) {
        snprintf(msg, len, "target '%s' is not POP, POP[K] or POP[LO:HI] (expected e.g. "
                 "\"%s[0:%zu]\" for members 0 to %zu)", text, id, pd->size, pd->size - 1);
        return -1;
    }
    if (lo >= hi || hi > pd->size) {
        snprintf(msg, len, "target '%s' %s population '%s' of %zu member%s (expected members "
                 "LO to HI - 1 with LO < HI <= %zu)", text, lo >= hi ? "holds no member of"
                 : "reaches past", id, pd->size, pd->size == 1 ? "" : "s", pd->size);
        return -1;
    }
    t->lo = (size_t)lo;
    t->hi = (size_t)hi;
    return 0;
}

/* targets: a non-empty array of population ranges, all of one synapse kind (*synapse). */
static int read_targets(const config_setting_t *g, const opsin_circuit *c, opsin_spikesrc *ss,
                        int *synapse, const char *file, opsin_diag *d)
{
    const config_setting_t *t = config_setting_get_member(g, "targets");
    int n = t ? config_setting_length(t) : 0;
    if (t && config_setting_type(t) != CONFIG_TYPE_ARRAY && !config_setting_is_list(t)) {
        opsin_diag_at(d, file, t, "targets must be an array (expected targets = [\"POP\", "
                      "\"POP[LO:HI]\", ...];)");
        return OPSIN_EINVAL;
    }
    if (n == 0) {
        opsin_diag_at(d, file, t ? t : g, "spike source '%s' needs targets (expected targets = "
                      "[\"POP\", \"POP[LO:HI]\", \"POP[K]\", ...];)", ss->id);
        return OPSIN_EINVAL;
    }
    if (!(ss->targets = calloc((size_t)n, sizeof *ss->targets)))
        return OPSIN_ENOMEM;
    for (int i = 0; i < n; i++, ss->ntargets++) {
        const char *text = config_setting_get_string_elem(t, i);
        char msg[sizeof d->msg];
        if (!text) {
            opsin_diag_at(d, file, t, "target %d is not a string (expected the id of a "
                          "population of %s, with [K] or [LO:HI] for some members)", i + 1,
                          c->path);
            return OPSIN_EINVAL;
        }
        if (opsin_target_parse(text, c, &ss->targets[i], msg, sizeof msg)) {
            opsin_diag_at(d, file, t, "%s", msg);
            return OPSIN_EINVAL;
        }
        const opsin_popdef *first = &c->pops[ss->targets[0].pop];
        const opsin_popdef *pd = &c->pops[ss->targets[i].pop];
        if (pd->synapse != first->synapse) {
            opsin_diag_at(d, file, t, "the targets of spike source '%s' mix synapse kinds: "
                          "'%s' has %s synapses, '%s' %s (expected targets of one kind, or one "
                          "spike source per kind)", ss->id, first->id,
                          opsin_synapse_name(first->synapse), pd->id,
                          opsin_synapse_name(pd->synapse));
            return OPSIN_EINVAL;
        }
    }
    *synapse = ss->synapse = c->pops[ss->targets[0].pop].synapse;
    return OPSIN_OK;
}

/* A spike time and its place in the file, for a stable sort by time. */
typedef struct spike_row {
    double t;
    long member;
    size_t row;
} spike_row;

static int spike_row_cmp(const void *a, const void *b)
{
    const spike_row *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->row > y->row) - (x->row < y->row);
}

/* One row t[,member] of a spike list: t >= 0 s; member -1 (or absent: every target) or a
 * position among the ntotal targets. */
static int spike_row_read(const opsin_csv *r, size_t ntotal, spike_row *out, opsin_diag *d)
{
    char *end;
    if (r->ncells > 2) {
        opsin_diag_set(d, r->path, r->line, "%zu cells in a row (expected t[,member]: a time "
                       "in s, then a target's position or -1 for all)", r->ncells);
        return OPSIN_EINVAL;
    }
    out->t = strtod(r->cell[0], &end);
    if (!*r->cell[0] || *end || !isfinite(out->t) || out->t < 0) {
        opsin_diag_set(d, r->path, r->line, "time '%.40s' is not a time >= 0 (expected a "
                       "number of seconds)", r->cell[0]);
        return OPSIN_EINVAL;
    }
    const char *m = r->ncells > 1 ? r->cell[1] : "";
    double v = *m ? strtod(m, &end) : -1;
    if (*m && (*end || !(v == floor(v) && v >= -1 && v < (double)ntotal))) {
        opsin_diag_set(d, r->path, r->line, "member '%.40s' is not one of the %zu targets "
                       "(expected -1 for every target, or a whole number from 0 to %zu)", m,
                       ntotal, ntotal - 1);
        return OPSIN_EINVAL;
    }
    out->member = (long)v;
    return OPSIN_OK;
}

/* The spike list of a kind "list" source (relative to the stimulus file), sorted by time
 * (rows of one time keep their order); a first row that does not start with a number is a
 * header. */
static int read_spike_list(const config_setting_t *g, opsin_spikesrc *ss, const char *file,
                           opsin_diag *d)
{
    char path[4096];
    opsin_csv r;
    spike_row *rows = NULL;
    size_t n = 0, cap = 0, ntotal = 0;
    int have, rc = opsin_cfg_csv_open(config_setting_get_member(g, "file"), file, &r, path,
                                      sizeof path, d);
    if (rc)
        return rc;
    if (!(ss->file = opsin_strdup(path))) {
        opsin_csv_close(&r);
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < ss->ntargets; i++)
        ntotal += ss->targets[i].hi - ss->targets[i].lo;
    for (int first = 1; !(rc = opsin_csv_next(&r, &have, d)) && have; first = 0) {
        char *end;
        if (first && (strtod(r.cell[0], &end), end == r.cell[0]))
            continue; /* a header */
        if ((rc = opsin_grow((void **)&rows, &cap, n, sizeof *rows)) ||
            (rc = spike_row_read(&r, ntotal, &rows[n], d)))
            break;
        rows[n].row = n;
        n++;
    }
    opsin_csv_close(&r);
    if (!rc && n) {
        qsort(rows, n, sizeof *rows, spike_row_cmp);
        ss->times = malloc(n * sizeof *ss->times);
        ss->member = malloc(n * sizeof *ss->member);
        if (!ss->times || !ss->member)
            rc = OPSIN_ENOMEM;
        for (size_t i = 0; !rc && i < n; i++) {
            ss->times[i] = rows[i].t;
            ss->member[i] = rows[i].member;
        }
        ss->ntimes = rc ? 0 : n;
    }
    free(rows);
    return rc;
}

/* rate for poisson and regular sources, file for list ones: each only there. */
static int read_kind_keys(const config_setting_t *g, opsin_stimulus *st, opsin_spikesrc *ss,
                          opsin_diag *d)
{
    const config_setting_t *rate = config_setting_get_member(g, "rate");
    const config_setting_t *f = config_setting_get_member(g, "file");
    const char *kind = ss_kinds[ss->kind];
    if (ss->kind == OPSIN_SS_LIST ? rate != NULL : f != NULL) {
        opsin_diag_at(d, st->path, rate ? rate : f, "'%s' does not belong to a %s spike source "
                      "(expected %s)", rate ? "rate" : "file", kind, rate
                      ? "the spike times in file = \"spikes.csv\";" : "rate = \"20 Hz\";");
        return OPSIN_EINVAL;
    }
    if (ss->kind == OPSIN_SS_LIST && f)
        return read_spike_list(g, ss, st->path, d);
    if (ss->kind == OPSIN_SS_LIST) {
        opsin_diag_at(d, st->path, g, "list spike source '%s' needs 'file' (expected file = "
                      "\"spikes.csv\"; with rows t[,member])", ss->id);
        return OPSIN_EINVAL;
    }
    if (!rate) {
        opsin_diag_at(d, st->path, g, "%s spike source '%s' needs 'rate' (expected rate = "
                      "\"20 Hz\";%s)", kind, ss->id, ss->kind == OPSIN_SS_POISSON
                      ? ", the rate of each target neuron" : "");
        return OPSIN_EINVAL;
    }
    return opsin_cfg_param_warn(rate, &rate_def, &ss->rate, st->path, &st->warn, d);
}

/* weight (required, one value in the unit of the targets' synapses), E_rev (into cond
 * synapses), start and stop. */
static int read_weight_window(const config_setting_t *g, opsin_stimulus *st,
                              const opsin_circuit *c, opsin_spikesrc *ss, int synapse,
                              opsin_diag *d)
{
    const config_setting_t *w = config_setting_get_member(g, "weight");
    const config_setting_t *s0 = config_setting_get_member(g, "start");
    const config_setting_t *s1 = config_setting_get_member(g, "stop");
    const char *pop = c->pops[ss->targets[0].pop].id;
    opsin_dist wd;
    int rc;
    if (!w || config_setting_is_group(w)) {
        opsin_diag_at(d, st->path, w ? w : g, "spike source '%s' needs %s weight (expected "
                      "weight = \"%s\"; in %s: '%s' has %s synapses)", ss->id, w ? "one" : "a",
                      opsin_weight_example(synapse), opsin_weight_def(synapse).unit, pop,
                      opsin_synapse_name(synapse));
        return OPSIN_EINVAL;
    }
    char what[OPSIN_ID_MAX + 16];
    snprintf(what, sizeof what, "spike source '%s'", ss->id);
    if ((rc = opsin_weight_read(w, synapse, pop, &wd, st->path, &st->warn, d)) ||
        (rc = opsin_e_rev_read(g, synapse, pop, what, &ss->e_rev, st->path, &st->warn, d)))
        return rc;
    ss->weight = wd.a;
    ss->start = 0.0;
    ss->stop = INFINITY;
    if ((s0 && (rc = opsin_cfg_param_warn(s0, &start_def, &ss->start, st->path, &st->warn, d))) ||
        (s1 && (rc = opsin_cfg_param_warn(s1, &stop_def, &ss->stop, st->path, &st->warn, d))))
        return rc;
    if (!(ss->stop > ss->start)) {
        opsin_diag_at(d, st->path, s1, "stop = %g s is not after start = %g s (expected stop > "
                      "start, or stop = \"open\")", ss->stop, ss->start);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* id: well formed and unique among the sources and the spike sources read so far. */
static int read_id(const config_setting_t *g, const opsin_stimulus *st, opsin_spikesrc *ss,
                   opsin_diag *d)
{
    const char *id;
    int rc, line = 0;
    if ((rc = opsin_cfg_string(g, "id", 1, &id, st->path, d)) ||
        (rc = opsin_cfg_id(id, "", config_setting_get_member(g, "id"), st->path, d)))
        return rc;
    int j = opsin_idindex_find(&st->ids, st->sources, sizeof *st->sources, id);
    if (j >= 0)
        line = st->sources[j].line;
    for (size_t i = 0; !line && i + 1 < st->nspikesrcs; i++) /* the last is this one */
        if (strcmp(st->spikesrcs[i].id, id) == 0)
            line = st->spikesrcs[i].line;
    if (line) {
        opsin_diag_at(d, st->path, g, "source '%s' is defined twice (expected unique ids; "
                      "first at line %d)", id, line);
        return OPSIN_EINVAL;
    }
    snprintf(ss->id, sizeof ss->id, "%s", id);
    return OPSIN_OK;
}

/* What reading one spike source needs. */
typedef struct spikes_ctx {
    opsin_stimulus *st;
    const opsin_circuit *c;
} spikes_ctx;

static int read_spikesrc(const config_setting_t *g, void *item, void *ctx, opsin_diag *d)
{
    opsin_stimulus *st = ((spikes_ctx *)ctx)->st;
    const opsin_circuit *c = ((spikes_ctx *)ctx)->c;
    opsin_spikesrc *ss = item;
    const char *kind;
    char expected[64];
    int rc, synapse;
    ss->line = opsin_cfg_line(g);
    if ((rc = opsin_cfg_known_keys(g, ss_keys, "spike source key", st->path, d)) ||
        (rc = read_id(g, st, ss, d)) ||
        (rc = opsin_cfg_string(g, "kind", 1, &kind, st->path, d)))
        return rc;
    if ((ss->kind = opsin_name_lookup(ss_kinds, 3, kind, expected, sizeof expected)) < 0) {
        opsin_diag_at(d, st->path, config_setting_get_member(g, "kind"), "unknown spike source "
                      "kind '%s' (expected %s)", kind, expected);
        return OPSIN_EINVAL;
    }
    if ((rc = read_targets(g, c, ss, &synapse, st->path, d)) ||
        (rc = read_weight_window(g, st, c, ss, synapse, d)))
        return rc;
    return read_kind_keys(g, st, ss, d);
}

int opsin_spikesrcs_read(const config_setting_t *list, opsin_stimulus *st,
                         const opsin_circuit *c, opsin_diag *d)
{
    spikes_ctx ctx = {st, c};
    return opsin_cfg_list(list, st->path, "spike source", "{ id = ...; kind = ...; targets = "
                          "[...]; weight = ...; }", sizeof *st->spikesrcs,
                          (void **)&st->spikesrcs, &st->nspikesrcs, read_spikesrc, &ctx, d);
}
