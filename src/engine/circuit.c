/* circuit.c: the circuit object: lifetime, copies, typed parameters and probes.  The file
 * reader is io/circuit_read.c; everything here works on parsed circuits and never on text, except
 * the probe parser that reads what a file or the command line names. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Frees the parameter arrays of n component definitions and the array itself. */
static void compdefs_free(opsin_compdef *cd, size_t n)
{
    for (size_t i = 0; cd && i < n; i++) {
        free(cd[i].p);
        free(cd[i].p_line);
    }
    free(cd);
}

void opsin_circuit_free(opsin_circuit *c)
{
    if (!c)
        return;
    compdefs_free(c->comps, c->ncomps);
    compdefs_free(c->mats, c->nmats);
    for (size_t i = 0; c->pops && i < c->npops; i++) {
        free(c->pops[i].dist);
        free(c->pops[i].p_line);
    }
    free(c->pops);
    for (size_t i = 0; c->projs && i < c->nprojs; i++) {
        free(c->projs[i].file);
        if (c->projs[i].dev) {
            free(c->projs[i].dev->dev.p);
            free(c->projs[i].dev->dev.p_line);
            free(c->projs[i].dev);
        }
    }
    free(c->projs);
    opsin_idindex_free(&c->comp_ids);
    opsin_idindex_free(&c->mat_ids);
    opsin_idindex_free(&c->array_ids);
    opsin_idindex_free(&c->pop_ids);
    free(c->arrays);
    free(c->conns);
    free(c->probes);
    free(c->path);
    opsin_warnings_free(&c->warn);
    free(c);
}

int opsin_circuit_find(const opsin_circuit *c, const char *id)
{
    return opsin_idindex_find(&c->comp_ids, c->comps, sizeof *c->comps, id);
}

int opsin_circuit_find_population(const opsin_circuit *c, const char *id)
{
    return opsin_idindex_find(&c->pop_ids, c->pops, sizeof *c->pops, id);
}

/* After a byte copy of a definition: its per-parameter arrays of its own, np values of
 * `size` bytes and np lines; 1 when one could not be allocated. */
static int params_own(void **values, size_t size, int **lines, size_t np)
{
    *values = opsin_memdup(*values, np * size);
    *lines = opsin_memdup(*lines, np * sizeof **lines);
    return np && (!*values || !*lines);
}

/* Deep copies of n component definitions (parameters and their lines); NULL on failure. */
static opsin_compdef *compdefs_copy(const opsin_compdef *src, size_t n, int *fail)
{
    opsin_compdef *cd = opsin_memdup(src, n * sizeof *src);
    *fail |= n && !cd;
    for (size_t i = 0; cd && i < n; i++)
        *fail |= params_own((void **)&cd[i].p, sizeof *cd[i].p, &cd[i].p_line,
                            src[i].model->nparams);
    return cd;
}

/* Deep copies of n populations (distributions and lines); NULL on failure. */
static opsin_popdef *popdefs_copy(const opsin_popdef *src, size_t n, int *fail)
{
    opsin_popdef *pd = opsin_memdup(src, n * sizeof *src);
    *fail |= n && !pd;
    for (size_t i = 0; pd && i < n; i++)
        *fail |= params_own((void **)&pd[i].dist, sizeof *pd[i].dist, &pd[i].p_line,
                            src[i].model->nparams);
    return pd;
}

/* Copies of n projections with their file names and devices; NULL on failure. */
static opsin_projdef *projdefs_copy(const opsin_projdef *src, size_t n, int *fail)
{
    opsin_projdef *pj = opsin_memdup(src, n * sizeof *src);
    *fail |= n && !pj;
    for (size_t i = 0; pj && i < n; i++) {
        pj[i].file = src[i].file ? opsin_strdup(src[i].file) : NULL;
        *fail |= src[i].file && !pj[i].file;
        if (!src[i].dev)
            continue;
        if (!(pj[i].dev = opsin_memdup(src[i].dev, sizeof *src[i].dev))) {
            *fail = 1;
            continue;
        }
        opsin_compdef *cd = &pj[i].dev->dev;
        *fail |= params_own((void **)&cd->p, sizeof *cd->p, &cd->p_line, cd->model->nparams);
    }
    return pj;
}

int opsin_circuit_copy(const opsin_circuit *c, opsin_circuit **out)
{
    opsin_circuit *t = malloc(sizeof *t);
    int fail = !t;
    if (fail)
        return OPSIN_ENOMEM;
    *t = *c;
    fail |= opsin_warnings_copy(&t->warn, &c->warn) != OPSIN_OK;
    t->path = opsin_strdup(c->path);
    t->comps = compdefs_copy(c->comps, c->ncomps, &fail);
    t->mats = compdefs_copy(c->mats, c->nmats, &fail);
    t->arrays = opsin_memdup(c->arrays, c->narrays * sizeof *c->arrays);
    t->conns = opsin_memdup(c->conns, c->nconns * sizeof *c->conns);
    t->probes = opsin_memdup(c->probes, c->nprobes * sizeof *c->probes);
    t->pops = popdefs_copy(c->pops, c->npops, &fail);
    t->projs = projdefs_copy(c->projs, c->nprojs, &fail);
    fail |= opsin_idindex_copy(&t->comp_ids, &c->comp_ids) |
            opsin_idindex_copy(&t->mat_ids, &c->mat_ids) |
            opsin_idindex_copy(&t->array_ids, &c->array_ids) |
            opsin_idindex_copy(&t->pop_ids, &c->pop_ids);
    fail |= !t->path || (c->narrays && !t->arrays) || (c->nconns && !t->conns) ||
            (c->nprobes && !t->probes);
    if (fail) {
        opsin_circuit_free(t);
        return OPSIN_ENOMEM;
    }
    *out = t;
    return OPSIN_OK;
}

size_t opsin_circuit_nwarnings(const opsin_circuit *c)
{
    return c->warn.n;
}

const char *opsin_circuit_warning(const opsin_circuit *c, size_t i)
{
    return opsin_warnings_at(&c->warn, i);
}

/* ---- typed parameters ------------------------------------------------------------------- */

int opsin_circuit_param_find(const opsin_circuit *c, const char *key, opsin_param_ref *out,
                             opsin_diag *d)
{
    const char *dot = strchr(key, '.');
    char id[OPSIN_ID_MAX];
    int ci = -1, pi = -1;
    if (dot && (size_t)(dot - key) < sizeof id) {
        snprintf(id, sizeof id, "%.*s", (int)(dot - key), key);
        ci = opsin_circuit_find(c, id);
        if (ci >= 0)
            pi = opsin_model_param_index(c->comps[ci].model, dot + 1);
    }
    if (pi < 0 || (c->comps[ci].model->params[pi].flags & OPSIN_P_REF)) {
        if (c->ncomps)
            opsin_diag_set(d, NULL, 0, "'%s' is not a numeric parameter of this circuit "
                           "(expected ID.PARAM, e.g. %s.%s)", key, c->comps[0].id,
                           c->comps[0].model->params[0].name);
        else
            opsin_diag_set(d, NULL, 0, "'%s' is not a numeric parameter of this circuit "
                           "(expected ID.PARAM of a component; this circuit has none)", key);
        return OPSIN_EINVAL;
    }
    const opsin_param_def *pd = &c->comps[ci].model->params[pi];
    *out = (opsin_param_ref){(size_t)ci, (size_t)pi, pd->unit, (pd->flags & OPSIN_P_OPEN) != 0};
    return OPSIN_OK;
}

double opsin_circuit_get_param(const opsin_circuit *c, const opsin_param_ref *p)
{
    return c->comps[p->comp].p[p->param];
}

int opsin_circuit_set_param(opsin_circuit *c, const opsin_param_ref *p, double v,
                            opsin_diag *d)
{
    opsin_compdef *cd = &c->comps[p->comp];
    const opsin_param_def *pd = &cd->model->params[p->param];
    char msg[512];
    if (isinf(v) && !(v > 0 && (pd->flags & OPSIN_P_OPEN))) {
        opsin_diag_set(d, NULL, 0, "%s.%s = %g is not allowed (expected a finite value%s)",
                       cd->id, pd->name, v, (pd->flags & OPSIN_P_OPEN) ? " or open" : "");
        return OPSIN_EINVAL;
    }
    if (opsin_param_check(pd, v, msg, sizeof msg)) {
        opsin_diag_set(d, NULL, 0, "%s.%s", cd->id, msg);
        return OPSIN_EINVAL;
    }
    double old = cd->p[p->param];
    cd->p[p->param] = v;
    if (cd->model->validate && cd->model->validate(cd->p, msg, sizeof msg)) {
        cd->p[p->param] = old;
        char again[8];
        cd->model->validate(cd->p, again, sizeof again); /* re-derive from the old value */
        opsin_diag_set(d, NULL, 0, "%s.%s: %s", cd->id, pd->name, msg);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* ---- probes ----------------------------------------------------------------------------- */

/* Appends name i of n to a list "a, b, c" for a message; past ~300 characters it ends with
 * "... (N in all)" and returns 0 to stop. */
static int list_add(char *buf, size_t len, size_t *used, const char *name, size_t i, size_t n)
{
    if (i == 0)
        buf[0] = '\0';
    if (*used >= len)
        return 0;
    if (*used > 300) {
        snprintf(buf + *used, len - *used, ", ... (%zu in all)", n);
        return 0;
    }
    *used += (size_t)snprintf(buf + *used, len - *used, "%s%s", i ? ", " : "", name);
    return 1;
}

/* The outputs of model m as "a, b, c" for a message. */
static void output_list(const opsin_model *m, char *buf, size_t len)
{
    size_t used = 0;
    for (size_t i = 0; i < m->noutputs && list_add(buf, len, &used, m->outputs[i].name, i,
                                                   m->noutputs); i++)
        ;
}

/* What is wrong with "ID.OUTPUT" whose id (ci < 0) or output is unknown. */
static void probe_fault(const opsin_circuit *c, const char *text, int ci, char *msg,
                        size_t len)
{
    char list[400];
    size_t n = strcspn(text, "."), used = 0, all = c->ncomps + c->npops;
    if (!text[n] && c->ncomps) {
        snprintf(msg, len, "probe '%s' names no output (expected ID.OUTPUT, e.g. %s.%s)", text,
                 c->comps[0].id, c->comps[0].model->outputs[0].name);
    } else if (ci < 0) {
        for (size_t i = 0; i < all && list_add(list, sizeof list, &used, i < c->ncomps
                                               ? c->comps[i].id : c->pops[i - c->ncomps].id,
                                               i, all); i++)
            ;
        snprintf(msg, len, "no component%s '%.*s' (expected one of: %s)",
                 c->npops ? " or population" : "", (int)strcspn(text, c->npops ? ".[" : "."),
                 text, list);
    } else {
        const opsin_model *m = c->comps[ci].model;
        output_list(m, list, sizeof list);
        snprintf(msg, len, "component '%s' (model %s) has no output '%s' (expected one of: %s)",
                 c->comps[ci].id, m->name, text + n + 1, list);
    }
}

/* "ID.rate" or "ID[K].OUTPUT" of population pi into *out; 0, or -1 with a message. */
static int pop_probe(const opsin_circuit *c, int pi, const char *text, opsin_probe *out,
                     char *msg, size_t len)
{
    const opsin_popdef *pd = &c->pops[pi];
    const opsin_model *m = pd->model;
    const char *s = text + strlen(pd->id), *id = pd->id;
    long member = -1;
    if (*s == '[') {
        char *end;
        unsigned long long k = s[1] >= '0' && s[1] <= '9' ? strtoull(s + 1, &end, 10) : 0;
        if (!(s[1] >= '0' && s[1] <= '9') || *end != ']') {
            snprintf(msg, len, "probe '%s': bad member (expected %s[K].OUTPUT with K a whole "
                     "number from 0 to %zu)", text, id, pd->size - 1);
            return -1;
        }
        if (k >= pd->size) {
            snprintf(msg, len, "probe '%s': population '%s' has %zu member%s (expected "
                     "%s[K].OUTPUT with K from 0 to %zu)", text, id, pd->size,
                     pd->size == 1 ? "" : "s", id, pd->size - 1);
            return -1;
        }
        member = (long)k;
        s = end + 1;
    }
    if (*s != '.' || !s[1]) {
        snprintf(msg, len, "probe '%s' names no output (expected %s.rate, or %s[K].OUTPUT with "
                 "K from 0 to %zu)", text, id, id, pd->size - 1);
        return -1;
    }
    int oi = opsin_model_output_index(m, s + 1), rate = strcmp(s + 1, "rate") == 0;
    if (member < 0 && !rate) {
        snprintf(msg, len, "probe '%s' names no member of population '%s' (expected %s[K]%s "
                 "with K from 0 to %zu, or %s.rate)", text, id, id, oi >= 0 ? s : ".OUTPUT",
                 pd->size - 1, id);
        return -1;
    }
    if (member >= 0 && oi < 0) { /* the closed form carries the membrane only */
        snprintf(msg, len, "population '%s' (model %s) has no output '%s' for a member "
                 "(expected %s%s)", id, m->name, s + 1, m->outputs[0].name,
                 rate ? "; the rate is the whole population's: ID.rate" : "");
        return -1;
    }
    if (member >= 0 && oi != 0) { /* the closed form carries the membrane only */
        snprintf(msg, len, "probe '%s': a population member offers %s only in this version "
                 "(expected %s[%ld].%s, or %s.rate)", text, m->outputs[0].name, id, member,
                 m->outputs[0].name, id);
        return -1;
    }
    *out = (opsin_probe){.comp = -1, .output = member < 0 ? 0 : oi, .pop = pi + 1,
                         .member = member};
    return 0;
}

int opsin_probe_parse(const opsin_circuit *c, const char *text, opsin_probe *out,
                      const char *where, int line, opsin_diag *d)
{
    char item[3 * OPSIN_ID_MAX], msg[sizeof d->msg];
    snprintf(item, sizeof item, "%s", text);
    char *dot = strchr(item, '.');
    int ci = -1, oi = -1;
    if (dot) {
        *dot = '\0';
        ci = opsin_circuit_find(c, item);
        if (ci >= 0)
            oi = opsin_model_output_index(c->comps[ci].model, dot + 1);
        *dot = '.';
    }
    if (ci < 0 && c->npops) { /* ID, ID[K] before the dot: a population's */
        size_t n = strcspn(item, ".[");
        char id[OPSIN_ID_MAX];
        snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), item);
        int pi = opsin_circuit_find_population(c, id);
        if (pi >= 0) {
            if (!pop_probe(c, pi, item, out, msg, sizeof msg))
                return OPSIN_OK;
            opsin_diag_set(d, where, line, "%s", msg);
            return OPSIN_EINVAL;
        }
    }
    if (oi < 0) {
        probe_fault(c, item, ci, msg, sizeof msg);
        opsin_diag_set(d, where, line, "%s", msg);
        return OPSIN_EINVAL;
    }
    *out = (opsin_probe){.comp = ci, .output = oi};
    return OPSIN_OK;
}

int opsin_probes_parse(const opsin_circuit *c, const char *list, opsin_probe **out, size_t *n,
                       const char *where, int line, opsin_diag *d)
{
    size_t cap = 1;
    for (const char *s = list; *s; s++)
        cap += *s == ',';
    opsin_probe *p = calloc(cap, sizeof *p);
    if (!p)
        return OPSIN_ENOMEM;
    size_t k = 0;
    for (const char *s = list; *s; k++) {
        size_t len = strcspn(s, ",");
        char item[3 * OPSIN_ID_MAX];
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), s);
        if (opsin_probe_parse(c, item, &p[k], where, line, d)) {
            free(p);
            return OPSIN_EINVAL;
        }
        s += len + (s[len] == ',');
    }
    *out = p;
    *n = k;
    return OPSIN_OK;
}

const char *opsin_probe_unit(const opsin_circuit *c, opsin_probe p)
{
    if (p.pop > 0)
        return p.member < 0 ? "Hz" : c->pops[p.pop - 1].model->outputs[p.output].unit;
    return c->comps[p.comp].model->outputs[p.output].unit;
}

void opsin_probe_name(const opsin_circuit *c, opsin_probe p, char *buf, size_t len)
{
    if (p.pop > 0 && p.member < 0)
        snprintf(buf, len, "%s.rate", c->pops[p.pop - 1].id);
    else if (p.pop > 0)
        snprintf(buf, len, "%s[%ld].%s", c->pops[p.pop - 1].id, p.member,
                 c->pops[p.pop - 1].model->outputs[p.output].name);
    else
        snprintf(buf, len, "%s.%s", c->comps[p.comp].id,
                 c->comps[p.comp].model->outputs[p.output].name);
}

size_t opsin_circuit_nprobes(const opsin_circuit *c)
{
    return c->nprobes;
}

opsin_probe opsin_circuit_probe_at(const opsin_circuit *c, size_t i)
{
    return c->probes[i];
}

int opsin_circuit_runnable(const opsin_circuit *c, opsin_diag *d)
{
    if (!c->npops)
        return OPSIN_OK;
    if (c->ncomps) {
        opsin_diag_set(d, c->path, c->comps[0].line, "component %s beside populations: a "
                       "circuit of populations cannot hold components yet (expected "
                       "populations, projections and spike sources only)", c->comps[0].id);
        return OPSIN_EINVAL;
    }
    if (c->method == OPSIN_METHOD_CVODE) {
        opsin_diag_set(d, c->path, c->method_line, "solver.method = \"cvode\": populations "
                       "are advanced exactly only (expected method \"auto\" or \"exact\")");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

const char *opsin_circuit_data_file(const opsin_circuit *c, size_t i)
{
    for (size_t p = 0; p < c->nprojs; p++)
        if (c->projs[p].file && i-- == 0)
            return c->projs[p].file;
    return NULL;
}

size_t opsin_circuit_npopulations(const opsin_circuit *c)
{
    return c->npops;
}

const char *opsin_circuit_population(const opsin_circuit *c, size_t i, size_t *size)
{
    *size = c->pops[i].size;
    return c->pops[i].id;
}
