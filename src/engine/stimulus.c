/* stimulus.c: the stimulus object: sources with their trains, built, copied and changed by
 * typed calls; the trains are checked after every change (pulses never overlap), and their
 * pulses are made one at a time when a run needs them (engine/pulses.c).
 *
 * The file reader (io/stimulus_read.c) checks what only a file can get wrong (types, units, keys,
 * the line of each member) and builds through these same calls, so a stimulus made in code
 * (ppf, stdp) or changed by a sweep passes exactly the checks a file does.  Messages are
 * composed here, where the fault is known: "NAME:LINE: what (expected ...)".
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

opsin_source_spec opsin_source_spec_default(void)
{
    opsin_source_spec s;
    memset(&s, 0, sizeof s);
    s.kind = OPSIN_SRC_CURRENT;
    s.envelope = OPSIN_ENV_RECT;
    return s;
}

opsin_train_spec opsin_train_spec_default(void)
{
    opsin_train_spec t;
    memset(&t, 0, sizeof t);
    t.count = 1;
    t.amplitude_end = NAN;
    return t;
}

int opsin_stimulus_new(const char *name, opsin_stimulus **out)
{
    opsin_stimulus *s = calloc(1, sizeof *s);
    if (!s || !(s->path = opsin_strdup(name))) {
        free(s);
        return OPSIN_ENOMEM;
    }
    *out = s;
    return OPSIN_OK;
}

static void source_free(opsin_source *src)
{
    free(src->targets);
    free(src->projs);
    free(src->pops);
    free(src->trains);
}

static void spikesrc_free(opsin_spikesrc *ss)
{
    free(ss->file);
    free(ss->targets);
    free(ss->times);
    free(ss->member);
}

void opsin_stimulus_free(opsin_stimulus *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsources; i++)
        source_free(&s->sources[i]);
    free(s->sources);
    for (size_t i = 0; i < s->nspikesrcs; i++)
        spikesrc_free(&s->spikesrcs[i]);
    free(s->spikesrcs);
    opsin_idindex_free(&s->ids);
    free(s->path);
    opsin_warnings_free(&s->warn);
    free(s);
}

const char *opsin_stimulus_data_file(const opsin_stimulus *s, size_t i)
{
    for (size_t k = 0; s && k < s->nspikesrcs; k++)
        if (s->spikesrcs[k].file && i-- == 0)
            return s->spikesrcs[k].file;
    return NULL;
}

void opsin_stimulus_set_t_end(opsin_stimulus *s, double t_end)
{
    s->t_end = t_end;
}

/* Deep copy of one source into dst (zeroed on failure, so it frees cleanly). */
static int source_copy(opsin_source *dst, const opsin_source *src)
{
    *dst = *src;
    dst->targets = opsin_memdup(src->targets, src->ntargets * sizeof *src->targets);
    dst->projs = opsin_memdup(src->projs, src->nprojs * sizeof *src->projs);
    dst->pops = opsin_memdup(src->pops, src->npops * sizeof *src->pops);
    dst->trains = opsin_memdup(src->trains, src->ntrains * sizeof *src->trains);
    if ((src->ntargets && !dst->targets) || (src->nprojs && !dst->projs) ||
        (src->npops && !dst->pops) ||
        (src->ntrains && !dst->trains)) {
        source_free(dst);
        memset(dst, 0, sizeof *dst);
        return OPSIN_ENOMEM;
    }
    return OPSIN_OK;
}

/* Deep copy of one spike source into dst (zeroed on failure, so it frees cleanly). */
static int spikesrc_copy(opsin_spikesrc *dst, const opsin_spikesrc *src)
{
    *dst = *src;
    dst->targets = opsin_memdup(src->targets, src->ntargets * sizeof *src->targets);
    dst->times = opsin_memdup(src->times, src->ntimes * sizeof *src->times);
    dst->member = opsin_memdup(src->member, src->ntimes * sizeof *src->member);
    dst->file = src->file ? opsin_strdup(src->file) : NULL;
    if ((src->ntargets && !dst->targets) || (src->ntimes && (!dst->times || !dst->member)) ||
        (src->file && !dst->file)) {
        spikesrc_free(dst);
        memset(dst, 0, sizeof *dst);
        return OPSIN_ENOMEM;
    }
    return OPSIN_OK;
}

int opsin_stimulus_copy(const opsin_stimulus *s, opsin_stimulus **out)
{
    opsin_stimulus *t = NULL;
    if (opsin_stimulus_new(s->path, &t))
        return OPSIN_ENOMEM;
    t->t_end = s->t_end;
    if (opsin_warnings_copy(&t->warn, &s->warn) || opsin_idindex_copy(&t->ids, &s->ids) ||
        (s->nsources && !(t->sources = calloc(s->nsources, sizeof *t->sources)))) {
        opsin_stimulus_free(t);
        return OPSIN_ENOMEM;
    }
    t->cap = s->nsources;
    for (size_t i = 0; i < s->nsources; i++, t->nsources++)
        if (source_copy(&t->sources[i], &s->sources[i])) {
            opsin_stimulus_free(t);
            return OPSIN_ENOMEM;
        }
    if (s->nspikesrcs && !(t->spikesrcs = calloc(s->nspikesrcs, sizeof *t->spikesrcs))) {
        opsin_stimulus_free(t);
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < s->nspikesrcs; i++, t->nspikesrcs++)
        if (spikesrc_copy(&t->spikesrcs[i], &s->spikesrcs[i])) {
            opsin_stimulus_free(t);
            return OPSIN_ENOMEM;
        }
    *out = t;
    return OPSIN_OK;
}

size_t opsin_stimulus_nwarnings(const opsin_stimulus *s)
{
    return s->warn.n;
}

const char *opsin_stimulus_warning(const opsin_stimulus *s, size_t i)
{
    return opsin_warnings_at(&s->warn, i);
}

/* ---- sources ---------------------------------------------------------------------------- */

/* Adds one component to a source's targets: it must take the source's kind. */
static int add_target(const opsin_stimulus *s, const opsin_circuit *c, opsin_source *src,
                      int ci, int line, opsin_diag *d)
{
    const opsin_source_kind_def *k = &opsin_source_kinds[src->kind];
    if (!(c->comps[ci].model->accepts & k->accepts)) {
        opsin_diag_set(d, s->path, line, "target '%s' (model %s) takes no %s drive (expected a "
                       "component that accepts %s input)", c->comps[ci].id,
                       c->comps[ci].model->name, k->name, k->name);
        return OPSIN_EINVAL;
    }
    src->targets[src->ntargets++] = ci;
    return OPSIN_OK;
}

/* A target and where it was listed, for the duplicate check. */
typedef struct target_pos {
    int comp;
    size_t pos;
} target_pos;

static int target_pos_cmp(const void *a, const void *b)
{
    const target_pos *x = a, *y = b;
    if (x->comp != y->comp)
        return (x->comp > y->comp) - (x->comp < y->comp);
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Each target once, checked by sorting (an array target brings every cell: a list of them is
 * checked in O(n log n)); the message names the target listed again first. */
static int targets_unique(const opsin_stimulus *s, const opsin_circuit *c,
                          const opsin_source *src, int line, opsin_diag *d)
{
    target_pos *tp = malloc((src->ntargets ? src->ntargets : 1) * sizeof *tp);
    if (!tp)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < src->ntargets; i++)
        tp[i] = (target_pos){src->targets[i], i};
    qsort(tp, src->ntargets, sizeof *tp, target_pos_cmp);
    size_t again = SIZE_MAX; /* position of the first repetition */
    for (size_t i = 1; i < src->ntargets; i++)
        if (tp[i].comp == tp[i - 1].comp && tp[i].pos < again)
            again = tp[i].pos;
    free(tp);
    if (again == SIZE_MAX)
        return OPSIN_OK;
    opsin_diag_set(d, s->path, line, "target '%s' is listed twice (expected each target once)",
                   c->comps[src->targets[again]].id);
    return OPSIN_EINVAL;
}

/* The projection whose synapses are devices named id, or -1. */
static int device_projection(const opsin_circuit *c, const char *id)
{
    for (size_t i = 0; i < c->nprojs; i++)
        if (c->projs[i].dev && strcmp(c->projs[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Adds a device projection to a source's: its devices must take the source's kind, and it
 * comes once. */
static int add_projection(const opsin_stimulus *s, const opsin_circuit *c, opsin_source *src,
                          int pi, int line, opsin_diag *d)
{
    const opsin_source_kind_def *k = &opsin_source_kinds[src->kind];
    const opsin_model *m = c->projs[pi].dev->dev.model;
    if (c->projs[pi].dev->filter) {
        opsin_diag_set(d, s->path, line, "target '%s' (supercap synapses) takes no stimulus: "
                       "its members keep one summed state, not one per synapse (expected a "
                       "projection of phototrap or pairstdp synapses)", c->projs[pi].id);
        return OPSIN_EINVAL;
    }
    if (!(m->accepts & k->accepts)) {
        opsin_diag_set(d, s->path, line, "target '%s' (device synapses of model %s) takes no %s "
                       "drive (expected a projection whose devices accept %s input)",
                       c->projs[pi].id, m->name, k->name, k->name);
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < src->nprojs; i++)
        if (src->projs[i] == pi) {
            opsin_diag_set(d, s->path, line, "target '%s' is listed twice (expected each "
                           "target once)", c->projs[pi].id);
            return OPSIN_EINVAL;
        }
    src->projs[src->nprojs++] = pi;
    return OPSIN_OK;
}

/* 1 when target text names a population or members of one ("exc", "exc[3]", "exc[0:10]"). */
static int population_target(const opsin_circuit *c, const char *text)
{
    char id[OPSIN_ID_MAX];
    size_t n = strcspn(text, "[");
    if (n >= sizeof id)
        return 0;
    snprintf(id, sizeof id, "%.*s", (int)n, text);
    return opsin_circuit_find_population(c, id) >= 0;
}

/* Adds population members to a source's: a rectangular current (members are advanced in
 * closed form with a constant drive between edges) into populations whose synapses are
 * not conductances. */
static int add_population(const opsin_stimulus *s, const opsin_circuit *c, opsin_source *src,
                          const char *text, int line, opsin_diag *d)
{
    opsin_target_range r;
    char msg[512];
    if (opsin_target_parse(text, c, &r, msg, sizeof msg)) {
        opsin_diag_set(d, s->path, line, "%s", msg);
        return OPSIN_EINVAL;
    }
    const opsin_popdef *pd = &c->pops[r.pop];
    if (src->kind != OPSIN_SRC_CURRENT || src->env.kind != OPSIN_ENV_RECT ||
        pd->synapse == OPSIN_SYN_COND) {
        opsin_diag_set(d, s->path, line, "source '%s' on population %s: %s (expected a "
                       "current source of rectangular pulses: members are advanced in "
                       "closed form)", src->id, pd->id,
                       src->kind != OPSIN_SRC_CURRENT ? "members take a current only"
                       : pd->synapse == OPSIN_SYN_COND ? "a population of cond synapses "
                                                         "takes no current source yet"
                                                       : "an envelope has no closed form");
        return OPSIN_EINVAL;
    }
    src->pops[src->npops++] = r;
    return OPSIN_OK;
}

/* Cells of an array target, or 1 for a component; 0 if the id names neither. */
static size_t target_size(const opsin_circuit *c, const char *id)
{
    int ai = opsin_circuit_find_array(c, id);
    if (ai >= 0)
        return c->arrays[ai].rows * c->arrays[ai].cols;
    return opsin_circuit_find(c, id) >= 0;
}

/* Resolves target ids (an array id stands for all of its cells) to component indices. */
static int resolve_targets(const opsin_stimulus *s, const opsin_circuit *c,
                           const opsin_source_spec *sp, opsin_source *src, opsin_diag *d)
{
    int line = sp->targets_line ? sp->targets_line : sp->line;
    size_t cap = 0;
    if (sp->ntargets == 0) {
        opsin_diag_set(d, s->path, line, "source '%s' needs targets (expected targets = "
                       "[\"ID\", ...];)", src->id);
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < sp->ntargets; i++) {
        size_t n = target_size(c, sp->targets[i]);
        if (n == 0 && device_projection(c, sp->targets[i]) < 0 &&
            !population_target(c, sp->targets[i])) {
            int devices = 0;
            for (size_t q = 0; q < c->nprojs; q++)
                devices |= c->projs[q].dev != NULL;
            opsin_diag_set(d, s->path, line, "unknown target '%s' (expected the id of a "
                           "component%s of %s)", sp->targets[i],
                           devices ? ", array or device projection" : " or array", c->path);
            return OPSIN_EINVAL;
        }
        cap += n;
    }
    if (!(src->targets = calloc(cap ? cap : 1, sizeof *src->targets)) ||
        !(src->projs = calloc(sp->ntargets, sizeof *src->projs)) ||
        !(src->pops = calloc(sp->ntargets, sizeof *src->pops)))
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < sp->ntargets; i++) {
        if (target_size(c, sp->targets[i]) == 0 && population_target(c, sp->targets[i])) {
            int rc = add_population(s, c, src, sp->targets[i], line, d);
            if (rc)
                return rc;
            continue;
        }
        int pi = device_projection(c, sp->targets[i]);
        if (target_size(c, sp->targets[i]) == 0 && pi >= 0) {
            int rc = add_projection(s, c, src, pi, line, d);
            if (rc)
                return rc;
            continue;
        }
        int ai = opsin_circuit_find_array(c, sp->targets[i]);
        size_t first = ai >= 0 ? c->arrays[ai].first : (size_t)opsin_circuit_find(c, sp->targets[i]);
        for (size_t k = first; k < first + target_size(c, sp->targets[i]); k++) {
            int rc = add_target(s, c, src, (int)k, line, d);
            if (rc)
                return rc;
        }
    }
    return targets_unique(s, c, src, line, d);
}

/* Bounds of one numeric key, composed with the stimulus name and line. */
static int key_check(const opsin_stimulus *s, int line, const opsin_stim_key *k, int kind,
                     double v, opsin_diag *d)
{
    opsin_param_def pd = opsin_stim_key_def(k, kind);
    char msg[400];
    if (!opsin_param_check(&pd, v, msg, sizeof msg))
        return OPSIN_OK;
    opsin_diag_set(d, s->path, line, "%s", msg);
    return OPSIN_EINVAL;
}

/* A train key left at its "not given" value: amplitude_end NAN (the amplitude holds), period
 * 0 (one pulse needs none). */
static int absent(const opsin_stim_key *k, double v)
{
    return (k->offset == offsetof(opsin_train_spec, amplitude_end) && isnan(v)) ||
           (k->offset == offsetof(opsin_train_spec, period) && v == 0);
}

/* Every numeric key of `level` that applies to this kind and envelope, within bounds. */
static int keys_check(const opsin_stimulus *s, int line, int level, int kind, int envelope,
                      const void *spec, opsin_diag *d)
{
    for (size_t i = 0; i < opsin_stim_nkeys; i++) {
        const opsin_stim_key *k = &opsin_stim_keys[i];
        if (k->level != level || k->offset == SIZE_MAX || !(k->kinds & (1u << kind)) ||
            (k->envelope >= 0 && k->envelope != envelope))
            continue;
        double v = *(const double *)((const char *)spec + k->offset);
        if (level == OPSIN_SK_TRAIN && absent(k, v))
            continue;
        int rc = key_check(s, line, k, kind, v, d);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}

/* Checks an id: non-empty, short, and free of the characters that separate keys. */
static int id_check(const opsin_stimulus *s, const opsin_source_spec *sp, opsin_diag *d)
{
    size_t n = sp->id ? strlen(sp->id) : 0;
    if (n == 0 || n >= OPSIN_ID_MAX || strpbrk(sp->id, "., \t=")) {
        opsin_diag_set(d, s->path, sp->line, "bad source id '%s' (expected 1 to %d characters "
                       "without '.', ',', '=' or spaces)", sp->id ? sp->id : "",
                       OPSIN_ID_MAX - 1);
        return OPSIN_EINVAL;
    }
    int j = opsin_idindex_find(&s->ids, s->sources, sizeof *s->sources, sp->id);
    if (j >= 0) {
        opsin_diag_set(d, s->path, sp->line, "source '%s' is defined twice (expected unique "
                       "ids; first at line %d)", sp->id, s->sources[j].line);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Kind, envelope and their numbers: what a source spec must hold besides its targets. */
static int spec_check(const opsin_stimulus *s, const opsin_source_spec *sp, opsin_diag *d)
{
    if (sp->kind < 0 || sp->kind >= OPSIN_NKINDS || sp->envelope < OPSIN_ENV_RECT ||
        sp->envelope > OPSIN_ENV_EXP) {
        opsin_diag_set(d, s->path, sp->line, "source '%s': kind %d or envelope %d is unknown "
                       "(expected an enum opsin_source_kind and opsin_envelope_kind)", sp->id,
                       sp->kind, sp->envelope);
        return OPSIN_EINVAL;
    }
    if (sp->kind == OPSIN_SRC_OPTICAL && sp->wavelength == 0) {
        opsin_diag_set(d, s->path, sp->line, "optical source '%s' needs a wavelength (expected "
                       "wavelength = \"445 nm\";)", sp->id);
        return OPSIN_EINVAL;
    }
    if (sp->envelope == OPSIN_ENV_SINE && sp->frequency == 0) {
        opsin_diag_set(d, s->path, sp->line, "a sinusoidal envelope needs a frequency (expected "
                       "frequency = \"1 Hz\";)");
        return OPSIN_EINVAL;
    }
    if (sp->envelope == OPSIN_ENV_EXP && sp->tau == 0) {
        opsin_diag_set(d, s->path, sp->line, "an exponential envelope needs tau (expected "
                       "tau = \"1 ms\";)");
        return OPSIN_EINVAL;
    }
    return keys_check(s, sp->line, OPSIN_SK_SOURCE, sp->kind, sp->envelope, sp, d);
}

/* An allocation that failed, said so (every other message is composed where it is found). */
static int oom_said(const opsin_stimulus *s, int rc, opsin_diag *d)
{
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, s->path, "building the stimulus");
    return rc;
}

static int add_source(opsin_stimulus *s, const opsin_circuit *c, const opsin_source_spec *sp,
                      size_t *index, opsin_diag *d)
{
    int rc;
    if ((rc = id_check(s, sp, d)) || (rc = spec_check(s, sp, d)))
        return rc;
    opsin_source src;
    memset(&src, 0, sizeof src);
    snprintf(src.id, sizeof src.id, "%s", sp->id);
    src.kind = sp->kind;
    src.wavelength = sp->kind == OPSIN_SRC_OPTICAL ? sp->wavelength : 0.0;
    src.env = (opsin_envelope){sp->envelope, sp->frequency, sp->phase, sp->tau};
    src.line = sp->line;
    if ((rc = resolve_targets(s, c, sp, &src, d)) ||
        (rc = opsin_grow((void **)&s->sources, &s->cap, s->nsources, sizeof *s->sources))) {
        source_free(&src);
        return rc;
    }
    s->sources[s->nsources] = src;
    if (opsin_idindex_add(&s->ids, s->sources, sizeof *s->sources, s->nsources)) {
        source_free(&src);
        return OPSIN_ENOMEM;
    }
    if (index)
        *index = s->nsources;
    s->nsources++;
    return OPSIN_OK;
}

/* ---- trains and pulses ------------------------------------------------------------------ */

/* A train's own checks: bounds of every key, a period when it has several pulses. */
static int train_check(const opsin_stimulus *s, const opsin_source *src,
                       const opsin_train_spec *t, opsin_diag *d)
{
    int rc = keys_check(s, t->line, OPSIN_SK_TRAIN, src->kind, src->env.kind, t, d);
    if (rc)
        return rc;
    if (t->count > 1 && t->period == 0) {
        opsin_diag_set(d, s->path, t->line, "a train of %.0f pulses needs 'period' (expected "
                       "period >= width)", t->count);
        return OPSIN_EINVAL;
    }
    if (t->count > 1 && t->period < t->width) {
        opsin_diag_set(d, s->path, t->line, "period %g s is shorter than width %g s: pulses "
                       "would overlap (expected period >= width)", t->period, t->width);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* A train's time span [first start, last end) and its index, for the overlap check. */
typedef struct train_span {
    double start, end;
    size_t train;
} train_span;

static int span_cmp(const void *a, const void *b)
{
    double x = ((const train_span *)a)->start, y = ((const train_span *)b)->start;
    return (x > y) - (x < y);
}

/* Whether the spans of some two trains of the source meet (beyond round-off): only then can
 * their pulses overlap, since a train's own pulses do not (period >= width). */
static int spans_meet(const opsin_source *src, int *meet)
{
    train_span *sp = malloc((src->ntrains ? src->ntrains : 1) * sizeof *sp);
    if (!sp)
        return OPSIN_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < src->ntrains; i++)
        if (src->trains[i].count >= 1)
            sp[n++] = (train_span){src->trains[i].start,
                                   opsin_train_pulse(&src->trains[i],
                                                     (size_t)src->trains[i].count - 1).end, i};
    qsort(sp, n, sizeof *sp, span_cmp);
    double reach = -INFINITY; /* the latest end so far */
    *meet = 0;
    for (size_t i = 0; i < n && !*meet; i++) {
        *meet = sp[i].start < reach && !opsin_same_instant(sp[i].start, reach);
        reach = fmax(reach, sp[i].end);
    }
    free(sp);
    return OPSIN_OK;
}

/* Pulses of different trains that overlap: walks the merged pulses (only when the trains'
 * spans meet), each start at or after the previous end, or within round-off of it. */
static int trains_overlap(const opsin_stimulus *s, const opsin_source *src, opsin_diag *d)
{
    int meet, rc = spans_meet(src, &meet);
    if (rc || !meet)
        return rc;
    opsin_pulse_iter it;
    opsin_pulse p, q;
    if (opsin_pulse_iter_init(&it, src))
        return OPSIN_ENOMEM;
    for (int more = opsin_pulse_iter_next(&it, &p); more; p = q)
        if ((more = opsin_pulse_iter_next(&it, &q)) && q.start < p.end) {
            opsin_diag_set(d, s->path, src->line, "pulses of source '%s' overlap at t = %g s "
                           "(expected each pulse to end before the next starts)", src->id,
                           q.start);
            rc = OPSIN_EINVAL;
            break;
        }
    opsin_pulse_iter_free(&it);
    return rc;
}

/* The source's pulse count and the reach of its trains (latest start, latest end). */
static void count_pulses(opsin_source *src)
{
    src->npulses = 0;
    src->last_start = src->reach = -INFINITY;
    for (size_t i = 0; i < src->ntrains; i++) {
        const opsin_train_spec *t = &src->trains[i];
        src->npulses += (size_t)t->count;
        if (t->count >= 1) {
            src->last_start = fmax(src->last_start, t->start);
            src->reach = fmax(src->reach, opsin_train_pulse(t, (size_t)t->count - 1).end);
        }
    }
}

/* The source's pulses checked (no overlap) and counted after its trains changed. */
static int expand(const opsin_stimulus *s, opsin_source *src, opsin_diag *d)
{
    int rc = trains_overlap(s, src, d);
    if (!rc)
        count_pulses(src);
    return rc;
}

/* A train that starts after every other train of the source has started and ended (a list
 * written in time order, e.g. a Poisson train of single pulses) overlaps none: checked in
 * O(1), so n such trains load in O(n). */
static int appended_in_order(const opsin_source *src, const opsin_train_spec *t)
{
    return t->count < 1 || src->npulses == 0 ||
           (t->start >= src->last_start &&
            (t->start >= src->reach || opsin_same_instant(t->start, src->reach)));
}

int opsin_stimulus_add_source(opsin_stimulus *s, const opsin_circuit *c,
                              const opsin_source_spec *sp, size_t *index, opsin_diag *d)
{
    return oom_said(s, add_source(s, c, sp, index, d), d);
}

static int add_train(opsin_stimulus *s, size_t source, const opsin_train_spec *t,
                     opsin_diag *d)
{
    if (source >= s->nsources) {
        opsin_diag_set(d, s->path, t->line, "no source %zu (expected an index below %zu)",
                       source, s->nsources);
        return OPSIN_EINVAL;
    }
    opsin_source *src = &s->sources[source];
    int rc = train_check(s, src, t, d);
    if (rc)
        return rc;
    if (src->npops && t->slope != 0.0) {
        opsin_diag_set(d, s->path, t->line > 0 ? t->line : src->line, "source '%s' on a "
                       "population: a slope has no closed form (expected a current source of "
                       "rectangular pulses: members are advanced in closed form)", src->id);
        return OPSIN_EINVAL;
    }
    opsin_train_spec *tr = realloc(src->trains, (src->ntrains + 1) * sizeof *tr);
    if (!tr)
        return OPSIN_ENOMEM;
    src->trains = tr;
    if (appended_in_order(src, t)) {
        tr[src->ntrains++] = *t;
        src->npulses += (size_t)t->count;
        if (t->count >= 1) {
            double end = opsin_train_pulse(t, (size_t)t->count - 1).end;
            src->reach = src->npulses == (size_t)t->count ? end : fmax(src->reach, end);
            src->last_start = t->start;
        }
        return OPSIN_OK;
    }
    tr[src->ntrains++] = *t;
    if ((rc = expand(s, src, d)))
        src->ntrains--;
    return rc;
}

/* ---- typed parameters ------------------------------------------------------------------- */

/* Splits SOURCE.KEY or SOURCE.trainN.KEY into its parts; N = 0 when absent. */
static int name_split(const opsin_stimulus *s, const char *name, char *source, long *train,
                      const char **key, opsin_diag *d)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name || (size_t)(dot - name) >= OPSIN_ID_MAX) {
        opsin_diag_set(d, NULL, 0, "'%s' is not a stimulus parameter (expected SOURCE.KEY or "
                       "SOURCE.trainN.KEY)", name);
        return OPSIN_EINVAL;
    }
    snprintf(source, OPSIN_ID_MAX, "%.*s", (int)(dot - name), name);
    *key = dot + 1;
    *train = 0;
    if (strncmp(*key, "train", 5) == 0 && strchr(*key, '.')) {
        char *end;
        *train = strtol(*key + 5, &end, 10);
        if (end == *key + 5 || *end != '.' || *train < 1) {
            opsin_diag_set(d, NULL, 0, "'%s': bad train number (expected SOURCE.trainN.KEY with "
                           "N = 1, 2, ...)", name);
            return OPSIN_EINVAL;
        }
        *key = end + 1;
    }
    (void)s;
    return OPSIN_OK;
}

/* Index of the source named id, or -1 with a message listing what there is. */
static int source_find(const opsin_stimulus *s, const char *id, const char *name,
                       opsin_diag *d)
{
    int i = opsin_idindex_find(&s->ids, s->sources, sizeof *s->sources, id);
    if (i >= 0)
        return i;
    opsin_diag_set(d, NULL, 0, "'%s': no source '%s' in %s (expected the id of one of its %zu "
                   "source(s), e.g. %s)", name, id, s->path, s->nsources,
                   s->nsources ? s->sources[0].id : "none");
    return -1;
}

/* The numeric keys of one level that fit a kind, as "a, b or c" for messages. */
static void keys_text(int level, int kind, char *buf, size_t len)
{
    size_t used = 0, n = 0, total = 0;
    for (size_t i = 0; i < opsin_stim_nkeys; i++)
        total += opsin_stim_keys[i].level == level && opsin_stim_keys[i].offset != SIZE_MAX &&
                 (opsin_stim_keys[i].kinds & (1u << kind));
    buf[0] = '\0';
    for (size_t i = 0; i < opsin_stim_nkeys && used < len; i++) {
        const opsin_stim_key *k = &opsin_stim_keys[i];
        if (k->level != level || k->offset == SIZE_MAX || !(k->kinds & (1u << kind)))
            continue;
        n++;
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 n == 1 ? "" : n == total ? " or " : ", ", k->def.name);
    }
}

/* The key row of `key` on source src (train keys on a train, source keys on the source). */
static int key_resolve(const opsin_source *src, long train, const char *key, const char *name,
                       opsin_diag *d)
{
    int level = train || opsin_stim_key_find(key, OPSIN_SK_SOURCE) < 0 ? OPSIN_SK_TRAIN
                                                                        : OPSIN_SK_SOURCE;
    int ki = opsin_stim_key_find(key, level);
    const opsin_stim_key *k = ki >= 0 ? &opsin_stim_keys[ki] : NULL;
    if (k && k->envelope >= 0 && k->envelope != src->env.kind) {
        opsin_diag_set(d, NULL, 0, "'%s': '%s' belongs to the %s envelope, which source '%s' "
                       "does not have (expected frequency and phase with envelope = \"sine\", "
                       "tau with \"exp\")", name, key,
                       k->envelope == OPSIN_ENV_SINE ? "sine" : "exp", src->id);
        return -1;
    }
    if (k && k->offset != SIZE_MAX && (k->kinds & (1u << src->kind)))
        return ki;
    char trains[200], sources[200];
    keys_text(OPSIN_SK_TRAIN, src->kind, trains, sizeof trains);
    keys_text(OPSIN_SK_SOURCE, src->kind, sources, sizeof sources);
    opsin_diag_set(d, NULL, 0, "'%s': '%s' is not a key of %s source '%s' (expected %s%s%s)",
                   name, key, opsin_source_kinds[src->kind].name, src->id, trains,
                   train ? "" : "; or of the source: ", train ? "" : sources);
    return -1;
}

/* The train a train key points to: N-th of the list, or the source's one train. */
static int train_resolve(const opsin_source *src, long train, const char *key,
                         const char *name, size_t *out, opsin_diag *d)
{
    size_t listed = src->ntrains - (size_t)src->inline_train;
    if (train > 0 && (size_t)train <= listed) {
        *out = (size_t)src->inline_train + (size_t)train - 1;
        return OPSIN_OK;
    }
    if (train > 0)
        opsin_diag_set(d, NULL, 0, "'%s': source '%s' has %zu train(s) (expected N from 1 to "
                       "%zu in SOURCE.trainN.KEY%s)", name, src->id, listed, listed,
                       listed ? "" : ", or SOURCE.KEY");
    else if (listed > 0)
        opsin_diag_set(d, NULL, 0, "'%s': source '%s' has a trains list, so '%s' is ambiguous "
                       "(expected %s.trainN.%s with N from 1 to %zu)", name, src->id, key,
                       src->id, key, listed);
    else if (src->ntrains == 0)
        opsin_diag_set(d, NULL, 0, "'%s': source '%s' has no train (expected a source with "
                       "pulses)", name, src->id);
    else {
        *out = 0;
        return OPSIN_OK;
    }
    return OPSIN_EINVAL;
}

int opsin_stimulus_param_find(const opsin_stimulus *s, const char *name,
                              opsin_stimulus_param *out, opsin_diag *d)
{
    char id[OPSIN_ID_MAX];
    const char *key;
    long train;
    int si, ki;
    opsin_stimulus_param p = {0, 0, 0, ""};
    if (name_split(s, name, id, &train, &key, d) || (si = source_find(s, id, name, d)) < 0 ||
        (ki = key_resolve(&s->sources[si], train, key, name, d)) < 0)
        return OPSIN_EINVAL;
    p.source = (size_t)si;
    p.key = ki;
    p.unit = opsin_stim_key_unit(&opsin_stim_keys[ki], s->sources[si].kind);
    if (opsin_stim_keys[ki].level == OPSIN_SK_TRAIN &&
        train_resolve(&s->sources[si], train, key, name, &p.train, d))
        return OPSIN_EINVAL;
    *out = p;
    return OPSIN_OK;
}

/* The source as a spec (core.h). */
opsin_source_spec opsin_source_spec_of(const opsin_source *src)
{
    opsin_source_spec sp = opsin_source_spec_default();
    sp.id = src->id;
    sp.kind = src->kind;
    sp.wavelength = src->wavelength;
    sp.envelope = src->env.kind;
    sp.frequency = src->env.frequency;
    sp.phase = src->env.phase;
    sp.tau = src->env.tau;
    sp.line = src->line;
    return sp;
}

/* Where the value of a parameter lives: a train's field, or the source's own. */
static double *slot(opsin_stimulus *s, const opsin_stimulus_param *p)
{
    opsin_source *src = &s->sources[p->source];
    size_t off = opsin_stim_keys[p->key].offset;
    if (opsin_stim_keys[p->key].level == OPSIN_SK_TRAIN)
        return (double *)((char *)&src->trains[p->train] + off);
    if (off == offsetof(opsin_source_spec, wavelength))
        return &src->wavelength;
    if (off == offsetof(opsin_source_spec, frequency))
        return &src->env.frequency;
    if (off == offsetof(opsin_source_spec, phase))
        return &src->env.phase;
    return &src->env.tau;
}

/* A parameter as opsin_stimulus_param_find makes them, for this stimulus. */
static int param_ok(const opsin_stimulus *s, const opsin_stimulus_param *p)
{
    if (p->source >= s->nsources || p->key < 0 || (size_t)p->key >= opsin_stim_nkeys)
        return 0;
    const opsin_stim_key *k = &opsin_stim_keys[p->key];
    const opsin_source *src = &s->sources[p->source];
    return k->offset != SIZE_MAX && (k->kinds & (1u << src->kind)) &&
           (k->envelope < 0 || k->envelope == src->env.kind) &&
           (k->level == OPSIN_SK_SOURCE || p->train < src->ntrains);
}

/* Every check of a source after its values changed: its keys, each train, its pulses. */
static int source_recheck(const opsin_stimulus *s, opsin_source *src, opsin_diag *d)
{
    opsin_source_spec sp = opsin_source_spec_of(src);
    int rc = keys_check(s, src->line, OPSIN_SK_SOURCE, src->kind, src->env.kind, &sp, d);
    for (size_t t = 0; !rc && t < src->ntrains; t++)
        rc = train_check(s, src, &src->trains[t], d);
    return rc ? rc : expand(s, src, d);
}

/* Re-checks every source that one of the n parameters touched. */
static int recheck_touched(opsin_stimulus *s, const opsin_stimulus_param *p, size_t n,
                           opsin_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p[j].source == p[i].source;
        int rc = seen ? OPSIN_OK : source_recheck(s, &s->sources[p[i].source], d);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}

int opsin_stimulus_add_train(opsin_stimulus *s, size_t source, const opsin_train_spec *t,
                             opsin_diag *d)
{
    return oom_said(s, add_train(s, source, t, d), d);
}

static int set_params(opsin_stimulus *s, const opsin_stimulus_param *p, const double *v,
                      size_t n, opsin_diag *d)
{
    for (size_t i = 0; i < n; i++)
        if (!param_ok(s, &p[i])) {
            opsin_diag_set(d, s->path, 0, "parameter %zu is not one of this stimulus (expected "
                           "one from opsin_stimulus_param_find)", i + 1);
            return OPSIN_EINVAL;
        }
    double *old = malloc((n ? n : 1) * sizeof *old);
    if (!old)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        old[i] = *slot(s, &p[i]);
        *slot(s, &p[i]) = v[i];
    }
    int rc = recheck_touched(s, p, n, d);
    if (rc) { /* the old values, which passed, and their pulses back */
        for (size_t i = n; i-- > 0;)
            *slot(s, &p[i]) = old[i];
        opsin_diag ignored;
        recheck_touched(s, p, n, &ignored);
    }
    free(old);
    return rc;
}

int opsin_stimulus_set_params(opsin_stimulus *s, const opsin_stimulus_param *p, const double *v,
                              size_t n, opsin_diag *d)
{
    return oom_said(s, set_params(s, p, v, n, d), d);
}

int opsin_stimulus_set_param(opsin_stimulus *s, const opsin_stimulus_param *p, double v,
                             opsin_diag *d)
{
    return opsin_stimulus_set_params(s, p, &v, 1, d);
}

/* One line per spike source: kind, rate or spike count, weight, window and targets. */
static void print_spikesrc(const opsin_spikesrc *ss, FILE *fp)
{
    static const char *const kinds[] = {"poisson", "regular", "list"};
    size_t n = 0;
    for (size_t i = 0; i < ss->ntargets; i++)
        n += ss->targets[i].hi - ss->targets[i].lo;
    fprintf(fp, "  %s: %s spikes", ss->id, kinds[ss->kind]);
    if (ss->kind == OPSIN_SS_LIST)
        fprintf(fp, ", %zu listed", ss->ntimes);
    else
        fprintf(fp, " at %.6g Hz", ss->rate);
    static const char *const units[] = {"V", "A", "S"}; /* by enum opsin_syn_kind */
    fprintf(fp, ", weight %.6g %s", ss->weight, units[ss->synapse]);
    if (ss->synapse == OPSIN_SYN_COND)
        fprintf(fp, " toward %.6g V", ss->e_rev);
    fprintf(fp, ", from %.9g s to ", ss->start);
    if (isinf(ss->stop))
        fprintf(fp, "the end");
    else
        fprintf(fp, "%.9g s", ss->stop);
    fprintf(fp, ", into %zu neuron(s) in %zu range(s)\n", n, ss->ntargets);
}

void opsin_stimulus_print(const opsin_stimulus *s, FILE *fp)
{
    fprintf(fp, "stimulus %s: %zu source(s)", s->path, s->nsources);
    if (s->nspikesrcs)
        fprintf(fp, ", %zu spike source(s)", s->nspikesrcs);
    fprintf(fp, "\n");
    for (size_t i = 0; i < s->nsources; i++) {
        const opsin_source *src = &s->sources[i];
        const opsin_source_kind_def *k = &opsin_source_kinds[src->kind];
        fprintf(fp, "  %s: %s, %zu pulse(s)", src->id, k->name, src->npulses);
        if (src->kind == OPSIN_SRC_OPTICAL)
            fprintf(fp, " at %.6g m", src->wavelength);
        const opsin_train_spec *first = NULL;
        double last_end = -INFINITY;
        for (size_t t = 0; t < src->ntrains; t++) {
            const opsin_train_spec *tr = &src->trains[t];
            if (tr->count < 1)
                continue;
            if (!first || tr->start < first->start)
                first = tr;
            last_end = fmax(last_end, opsin_train_pulse(tr, (size_t)tr->count - 1).end);
        }
        if (first)
            fprintf(fp, ", first at %.9g s (%.6g s, %.6g %s), last ends %.9g s", first->start,
                    first->width, first->amplitude, k->unit, last_end);
        fprintf(fp, "\n");
    }
    for (size_t i = 0; i < s->nspikesrcs; i++)
        print_spikesrc(&s->spikesrcs[i], fp);
}
