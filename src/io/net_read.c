/* net_read.c: the network part of a circuit file: populations (N neurons of one model, each
 * parameter one value or a distribution over the members) and projections (synapses from one
 * population to another by a connection rule).  The pair list of a projection of rule "list"
 * is checked here, when the circuit is read; the engine reads it again to build the network.
 */
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const pop_keys[] = {"id", "model", "size", "synapse", "tau_syn", NULL};
static const char *const proj_keys[] = {"id", "from", "to", "rule", "p", "k", "file", "weight",
                                        "delay", "E_rev", "autapses", "device", NULL};
static const char *const synapse_names[] = {"delta", "exp", "cond"}; /* enum opsin_syn_kind */
static const char *const rule_names[] = {"all_to_all", "one_to_one", "fixed_prob",
                                         "fixed_indegree", "list"}; /* enum opsin_proj_rule */
/* The key only one rule takes, by rule, with an example value. */
static const char *const rule_key[] = {NULL, NULL, "p", "k", "file"};
static const char *const rule_example[] = {NULL, NULL, "0.1", "100", "\"pairs.csv\""};

const char *opsin_proj_rule_name(int rule)
{
    return rule_names[rule];
}

const char *opsin_synapse_name(int synapse)
{
    return synapse_names[synapse];
}

static const opsin_param_def size_def = {"size", "", 0, 1, 1e8, 0, 0, OPSIN_P_INTEGER, ""};
static const opsin_param_def tau_syn_def = {"tau_syn", "s", 0, 0, INFINITY, 1e-5, 1,
                                            OPSIN_P_MIN_OPEN, ""};
static const opsin_param_def p_def = {"p", "", 0, 0, 1, 0, 0, 0, ""};
static const opsin_param_def k_def = {"k", "", 0, 0, 1e8, 0, 0, OPSIN_P_INTEGER, ""};
static const opsin_param_def delay_def = {"delay", "s", 0, 0, INFINITY, 1e-6, 10,
                                          OPSIN_P_MIN_OPEN, ""};
/* A supercap synapse's weight: the conductance that couples its voltage into the neuron. */
static const opsin_param_def coupling_def = {"weight", "S", 0, 0, INFINITY, 1e-12, 1e-3, 0, ""};
static const opsin_param_def e_rev_def = {"E_rev", "V", 0, -INFINITY, INFINITY, 0, 1, 0, ""};

/* ---- weights: V on delta synapses, A on exp synapses, S on cond synapses ----------------- */

/* By enum opsin_syn_kind: the weight's definition (a conductance cannot be negative), what
 * it is, an example, and what a spike does with it. */
static const opsin_param_def weight_defs[OPSIN_NSYN] = {
    {"weight", "V", 0, -INFINITY, INFINITY, 1e-9, 0.1, 0, ""},
    {"weight", "A", 0, -INFINITY, INFINITY, 1e-15, 1e-3, 0, ""},
    {"weight", "S", 0, 0, INFINITY, 1e-12, 1e-6, 0, ""},
};
static const struct {
    const char *quantity, *example, *effect;
} weight_kinds[OPSIN_NSYN] = {
    {"voltage", "0.1 mV", "a spike moves V by the weight"},
    {"current", "10 pA", "a spike adds the weight to a decaying current"},
    {"conductance", "1 nS", "a spike adds the weight to a decaying conductance"},
};

opsin_param_def opsin_weight_def(int synapse)
{
    return weight_defs[synapse];
}

const char *opsin_weight_example(int synapse)
{
    return weight_kinds[synapse].example;
}

/* A string leaf of a weight that reads as another synapse kind's quantity: said with the
 * reason its unit is what it is. */
static int weight_leaf_unit(const config_setting_t *s, int synapse, const char *pop,
                            const char *file, opsin_diag *d)
{
    const char *text = config_setting_type(s) == CONFIG_TYPE_STRING
                           ? config_setting_get_string(s) : NULL;
    char msg[256];
    double v;
    if (!text || opsin_units_convert(text, weight_defs[synapse].unit, &v, msg, sizeof msg) == 0)
        return OPSIN_OK;
    for (int k = 0; k < OPSIN_NSYN; k++)
        if (k != synapse && opsin_units_convert(text, weight_defs[k].unit, &v, msg,
                                                sizeof msg) == 0) {
            opsin_diag_at(d, file, s, "weight \"%s\" is a %s, but '%s' has %s synapses: %s "
                          "(expected a %s such as \"%s\", or synapse = \"%s\"; on '%s')", text,
                          weight_kinds[k].quantity, pop, synapse_names[synapse],
                          weight_kinds[synapse].effect, weight_kinds[synapse].quantity,
                          weight_kinds[synapse].example, synapse_names[k], pop);
            return OPSIN_EINVAL;
        }
    return OPSIN_OK; /* wrong for another reason: the reader says why */
}

int opsin_weight_read(const config_setting_t *s, int synapse, const char *pop, opsin_dist *out,
                      const char *file, opsin_warnings *w, opsin_diag *d)
{
    int rc = weight_leaf_unit(s, synapse, pop, file, d);
    for (int i = 0; !rc && config_setting_is_group(s) && i < config_setting_length(s); i++)
        rc = weight_leaf_unit(config_setting_get_elem(s, (unsigned)i), synapse, pop, file, d);
    opsin_param_def def = opsin_weight_def(synapse);
    return rc ? rc : opsin_cfg_dist(s, &def, out, file, w, d);
}

int opsin_e_rev_read(const config_setting_t *g, int synapse, const char *pop, const char *what,
                     double *out, const char *file, opsin_warnings *w, opsin_diag *d)
{
    const config_setting_t *e = config_setting_get_member(g, "E_rev");
    *out = 0.0;
    if (synapse != OPSIN_SYN_COND && e) {
        opsin_diag_at(d, file, e, "E_rev belongs to inputs into cond synapses, but '%s' has %s "
                      "synapses (expected no E_rev, or synapse = \"cond\"; on '%s')", pop,
                      synapse_names[synapse], pop);
        return OPSIN_EINVAL;
    }
    if (synapse == OPSIN_SYN_COND && !e) {
        opsin_diag_at(d, file, g, "%s needs 'E_rev': '%s' has cond synapses, whose conductance "
                      "pulls V toward the input's reversal potential (expected E_rev = \"0 mV\"; "
                      "for an excitatory input, or e.g. \"-80 mV\" for an inhibitory one)", what,
                      pop);
        return OPSIN_EINVAL;
    }
    return e ? opsin_cfg_param_warn(e, &e_rev_def, out, file, w, d) : OPSIN_OK;
}

/* ---- populations ------------------------------------------------------------------------- */

/* The keys a population of model m takes, for messages. */
static void pop_key_list(const opsin_model *m, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *const *k = pop_keys; *k && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", *k);
    for (size_t i = 0; i < m->nparams && used < len; i++)
        if (!(m->params[i].flags & OPSIN_P_REF))
            used += (size_t)snprintf(buf + used, len - used, ", %s", m->params[i].name);
}

/* The model of a population: one with a closed form between events. */
static int pop_model(const config_setting_t *g, opsin_popdef *pd, const char *file,
                     opsin_diag *d)
{
    if (!(pd->model = opsin_cfg_model(g, file, d)))
        return OPSIN_EINVAL;
    if (pd->model->linear)
        return OPSIN_OK;
    char list[256];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < opsin_model_count() && used < sizeof list; i++)
        if (opsin_model_at(i)->linear)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                     opsin_model_name(i));
    opsin_diag_at(d, file, config_setting_get_member(g, "model"), "model %s cannot form a "
                  "population (expected a model with a closed form between events: %s)",
                  pd->model->name, list);
    return OPSIN_EINVAL;
}

/* id (unique among populations, components, materials and arrays) and model. */
static int pop_head(const config_setting_t *g, const opsin_circuit *c, opsin_popdef *pd,
                    opsin_diag *d)
{
    const char *file = c->path, *id, *clash = NULL;
    int rc;
    if ((rc = opsin_cfg_string(g, "id", 1, &id, file, d)) ||
        (rc = opsin_cfg_id(id, "[]:", config_setting_get_member(g, "id"), file, d)))
        return rc;
    if (opsin_circuit_find_population(c, id) >= 0) {
        opsin_diag_at(d, file, g, "population '%s' is defined twice (expected unique ids)", id);
        return OPSIN_EINVAL;
    }
    if (opsin_circuit_find(c, id) >= 0)
        clash = "a component";
    else if (opsin_circuit_find_material(c, id) >= 0)
        clash = "a material";
    else if (opsin_circuit_find_array(c, id) >= 0)
        clash = "an array";
    if (clash) {
        opsin_diag_at(d, file, g, "population '%s' shares its id with %s (expected unique "
                      "ids)", id, clash);
        return OPSIN_EINVAL;
    }
    snprintf(pd->id, sizeof pd->id, "%s", id);
    return pop_model(g, pd, file, d);
}

/* size (required), synapse and tau_syn (required with exp and cond synapses, refused with
 * delta). */
static int pop_size_synapse(const config_setting_t *g, opsin_circuit *c, opsin_popdef *pd,
                            opsin_diag *d)
{
    const char *file = c->path, *syn;
    const config_setting_t *s = config_setting_get_member(g, "size");
    const config_setting_t *tau = config_setting_get_member(g, "tau_syn");
    double v;
    char expected[64];
    int rc;
    if (!s) {
        opsin_diag_at(d, file, g, "population '%s' needs 'size' (expected size = 1000;)", pd->id);
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_param(s, &size_def, &v, file, d)) ||
        (rc = opsin_cfg_string(g, "synapse", 0, &syn, file, d)))
        return rc;
    pd->size = (size_t)v;
    pd->synapse = syn ? opsin_name_lookup(synapse_names, OPSIN_NSYN, syn, expected,
                                          sizeof expected)
                      : OPSIN_SYN_DELTA;
    if (pd->synapse < 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "synapse"), "unknown synapse '%s' "
                      "(expected %s)", syn, expected);
        return OPSIN_EINVAL;
    }
    if (pd->synapse == OPSIN_SYN_DELTA && tau) {
        opsin_diag_at(d, file, tau, "tau_syn belongs to exp and cond synapses (expected "
                      "synapse = \"exp\"; or synapse = \"cond\"; beside it, or no tau_syn)");
        return OPSIN_EINVAL;
    }
    if (pd->synapse != OPSIN_SYN_DELTA && !tau) {
        opsin_diag_at(d, file, g, "population '%s' has %s synapses and needs 'tau_syn' "
                      "(expected tau_syn = \"5 ms\";)", pd->id, synapse_names[pd->synapse]);
        return OPSIN_EINVAL;
    }
    return tau ? opsin_cfg_param_warn(tau, &tau_syn_def, &pd->tau_syn, file, &c->warn, d)
               : OPSIN_OK;
}

/* The model parameters of a population group, each a value or a distribution. */
static int pop_params(const config_setting_t *g, opsin_circuit *c, opsin_popdef *pd,
                      opsin_diag *d)
{
    const opsin_model *m = pd->model;
    for (size_t i = 0; i < m->nparams; i++)
        pd->dist[i] = (opsin_dist){OPSIN_DIST_CONST, m->params[i].def, 0.0};
    for (int k = 0; k < config_setting_length(g); k++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
        const char *name = config_setting_name(s);
        int own = 0, rc;
        for (const char *const *pk = pop_keys; *pk && !own; pk++)
            own = strcmp(name, *pk) == 0;
        if (own)
            continue;
        int pi = opsin_model_param_index(m, name);
        if (pi < 0) {
            char list[400];
            pop_key_list(m, list, sizeof list);
            opsin_diag_at(d, c->path, s, "unknown population key '%s' for model %s (expected "
                          "one of: %s)", name, m->name, list);
            return OPSIN_EINVAL;
        }
        if (m->params[pi].flags & OPSIN_P_REF) {
            opsin_diag_at(d, c->path, s, "'%s' cannot be set on a population (expected G_in and "
                          "V_in for a fixed input; input devices belong to components)", name);
            return OPSIN_EINVAL;
        }
        if ((rc = opsin_cfg_dist(s, &m->params[pi], &pd->dist[pi], c->path, &c->warn, d)))
            return rc;
        pd->p_line[pi] = opsin_cfg_line(s);
    }
    return OPSIN_OK;
}

/* The centre of a distribution: its value, mean or midpoint. */
static double dist_centre(const opsin_dist *x)
{
    return x->kind == OPSIN_DIST_UNIFORM || x->kind == OPSIN_DIST_LINEAR ? (x->a + x->b) / 2
                                                                          : x->a;
}

/* Required parameters given; the model's cross-checks and its closed form on the centre
 * values of the distributions. */
static int pop_check(const opsin_popdef *pd, const char *file, opsin_diag *d)
{
    const opsin_model *m = pd->model;
    for (size_t i = 0; i < m->nparams; i++)
        if ((m->params[i].flags & OPSIN_P_REQUIRED) && pd->p_line[i] == 0) {
            opsin_diag_set(d, file, pd->line, "population '%s' (%s) needs parameter '%s' (%s)",
                           pd->id, m->name, m->params[i].name, m->params[i].doc);
            return OPSIN_EINVAL;
        }
    double *p = malloc(m->nparams * sizeof *p);
    if (!p)
        return OPSIN_ENOMEM;
    int spread = 0;
    for (size_t i = 0; i < m->nparams; i++) {
        p[i] = dist_centre(&pd->dist[i]);
        spread |= pd->dist[i].kind != OPSIN_DIST_CONST;
    }
    char msg[400];
    opsin_lin_neuron ln;
    int rc = OPSIN_OK;
    if (m->validate && m->validate(p, msg, sizeof msg)) {
        opsin_diag_set(d, file, pd->line, "population '%s'%s: %s", pd->id,
                       spread ? ", at the centres of its distributions" : "", msg);
        rc = OPSIN_EINVAL;
    } else if (!m->linear(p, &ln)) {
        opsin_diag_set(d, file, pd->line, "population '%s' (model %s) has no closed form with "
                       "these parameters (expected values for which the model is linear "
                       "between events: see opsin models %s)", pd->id, m->name, m->name);
        rc = OPSIN_EINVAL;
    }
    free(p);
    return rc;
}

static int read_pop(const config_setting_t *g, void *item, void *ctx, opsin_diag *d)
{
    opsin_circuit *c = ctx;
    opsin_popdef *pd = item;
    int rc;
    pd->line = opsin_cfg_line(g);
    if ((rc = pop_head(g, c, pd, d)))
        return rc;
    pd->dist = calloc(pd->model->nparams, sizeof *pd->dist);
    pd->p_line = calloc(pd->model->nparams, sizeof *pd->p_line);
    if (!pd->dist || !pd->p_line ||
        opsin_idindex_add(&c->pop_ids, c->pops, sizeof *c->pops, (size_t)(pd - c->pops)))
        return OPSIN_ENOMEM;
    if ((rc = pop_size_synapse(g, c, pd, d)) || (rc = pop_params(g, c, pd, d)) ||
        (rc = pop_check(pd, c->path, d)))
        return rc;
    pd->first = c->nneurons;
    c->nneurons += pd->size;
    return OPSIN_OK;
}

int opsin_populations_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d)
{
    return opsin_cfg_list(list, c->path, "population", "{ id = ...; model = ...; size = ...; }",
                          sizeof *c->pops, (void **)&c->pops, &c->npops, read_pop, c, d);
}

/* ---- projections ------------------------------------------------------------------------- */

/* The population named by member `key` (from or to) of projection group g. */
static int proj_end(const config_setting_t *g, const char *key, const opsin_circuit *c,
                    int *out, opsin_diag *d)
{
    const char *id;
    int rc = opsin_cfg_string(g, key, 1, &id, c->path, d);
    if (rc)
        return rc;
    const config_setting_t *s = config_setting_get_member(g, key);
    if ((*out = opsin_circuit_find_population(c, id)) >= 0)
        return OPSIN_OK;
    if (opsin_circuit_find(c, id) >= 0 || opsin_circuit_find_array(c, id) >= 0) {
        opsin_diag_at(d, c->path, s, "projection %s '%s' is a component (expected a population "
                      "id; connections %s components use `connections`)", key, id,
                      strcmp(key, "from") == 0 ? "from" : "to");
        return OPSIN_EINVAL;
    }
    char list[400];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < c->npops && used < 300; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 c->pops[i].id);
    if (c->npops)
        opsin_diag_at(d, c->path, s, "projection %s '%s' is not a population (expected one "
                      "of: %s)", key, id, list);
    else
        opsin_diag_at(d, c->path, s, "projection %s '%s' is not a population (expected the id "
                      "of a population; this circuit has none: populations = ( {...} );)", key,
                      id);
    return OPSIN_EINVAL;
}

/* rule, and the one key of it that only it takes (p, k or file) present, the others'
 * absent. */
static int proj_rule(const config_setting_t *g, const opsin_circuit *c, opsin_projdef *pj,
                     opsin_diag *d)
{
    const char *rule;
    char expected[128];
    int rc = opsin_cfg_string(g, "rule", 1, &rule, c->path, d);
    if (rc)
        return rc;
    if ((pj->rule = opsin_name_lookup(rule_names, 5, rule, expected, sizeof expected)) < 0) {
        opsin_diag_at(d, c->path, config_setting_get_member(g, "rule"), "unknown rule '%s' "
                      "(expected %s)", rule, expected);
        return OPSIN_EINVAL;
    }
    for (int r = 0; r < 5; r++) {
        const config_setting_t *s = rule_key[r] ? config_setting_get_member(g, rule_key[r]) : NULL;
        if (r == pj->rule && rule_key[r] && !s) {
            opsin_diag_at(d, c->path, g, "rule \"%s\" needs '%s' (expected %s = %s;)", rule,
                          rule_key[r], rule_key[r], rule_example[r]);
            return OPSIN_EINVAL;
        }
        if (r != pj->rule && s) {
            opsin_diag_at(d, c->path, s, "'%s' belongs to rule \"%s\" (expected no %s with "
                          "rule \"%s\")", rule_key[r], rule_names[r], rule_key[r], rule);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}

/* one_to_one: sizes equal and, within one population, autapses allowed; fixed_indegree: k
 * distinct presynaptic members available. */
static int proj_rule_fits(const config_setting_t *g, const opsin_circuit *c,
                          opsin_projdef *pj, opsin_diag *d)
{
    const opsin_popdef *from = &c->pops[pj->from], *to = &c->pops[pj->to];
    int self = pj->from == pj->to && !pj->autapses;
    if (pj->rule == OPSIN_PROJ_ONE && from->size != to->size) {
        opsin_diag_at(d, c->path, g, "rule \"one_to_one\" pairs member k with member k, but "
                      "'%s' has %zu members and '%s' %zu (expected populations of one size)",
                      from->id, from->size, to->id, to->size);
        return OPSIN_EINVAL;
    }
    if (pj->rule == OPSIN_PROJ_ONE && self) {
        opsin_diag_at(d, c->path, g, "rule \"one_to_one\" from '%s' to itself connects each "
                      "neuron to itself (expected autapses = true;)", from->id);
        return OPSIN_EINVAL;
    }
    if (pj->rule != OPSIN_PROJ_INDEGREE)
        return OPSIN_OK;
    const config_setting_t *s = config_setting_get_member(g, "k");
    double k;
    int rc = opsin_cfg_param(s, &k_def, &k, c->path, d);
    if (rc)
        return rc;
    size_t most = from->size - (size_t)self;
    if (k > (double)most) {
        opsin_diag_at(d, c->path, s, "k = %.0f is more than the %zu distinct members of '%s' "
                      "a neuron can get%s (expected a whole number from 0 to %zu%s)", k, most,
                      from->id, self ? " without autapses" : "", most,
                      self ? ", or autapses = true;" : "");
        return OPSIN_EINVAL;
    }
    pj->k = (size_t)k;
    return OPSIN_OK;
}

/* A cell that is a finite number. */
static int cell_number(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return *s && !*end && isfinite(*v);
}

/* Cell `what` (pre or post) of a pair: a member of population pd. */
static int pair_member(const opsin_csv *r, size_t i, const char *what, const opsin_popdef *pd,
                       double *v, opsin_diag *d)
{
    if (cell_number(r->cell[i], v) && *v >= 0 && *v == floor(*v) && *v < (double)pd->size)
        return OPSIN_OK;
    opsin_diag_set(d, r->path, r->line, "%s '%.40s' is not a member of '%s' (expected a whole "
                   "number from 0 to %zu)", what, r->cell[i], pd->id, pd->size - 1);
    return OPSIN_EINVAL;
}

/* One row pre,post[,weight[,delay]] of a pair list (without weight or delay: the
 * projection's); every cell a number, as the engine reads them again. */
static int pair_row(const opsin_csv *r, const opsin_circuit *c, const opsin_projdef *pj,
                    const char *unit, opsin_diag *d)
{
    double pre, post, v;
    if (r->ncells < 2 || r->ncells > 4) {
        opsin_diag_set(d, r->path, r->line, "%zu cell%s in a row (expected pre,post[,weight"
                       "[,delay]]: member indices, then a weight in %s and a delay in s)",
                       r->ncells, r->ncells == 1 ? "" : "s", unit);
        return OPSIN_EINVAL;
    }
    int rc;
    if ((rc = pair_member(r, 0, "pre", &c->pops[pj->from], &pre, d)) ||
        (rc = pair_member(r, 1, "post", &c->pops[pj->to], &post, d)))
        return rc;
    if (pj->dev && !pj->dev->filter && r->ncells > 2) {
        opsin_diag_set(d, r->path, r->line, "%zu cells in a row of a device projection's list "
                       "(expected pre,post: its synapses' weights are their devices' "
                       "conductances, and they take the projection's delay)", r->ncells);
        return OPSIN_EINVAL;
    }
    if (r->ncells > 2 && !cell_number(r->cell[2], &v)) {
        opsin_diag_set(d, r->path, r->line, "weight '%.40s' is not a number (expected a finite "
                       "number in %s; rows without a weight take the projection's)",
                       r->cell[2], unit);
        return OPSIN_EINVAL;
    }
    if (r->ncells > 2 && pj->dev && v < 0) {
        opsin_diag_set(d, r->path, r->line, "weight '%.40s' is a negative conductance (expected "
                       "a number of S >= 0: it couples a supercap's voltage into the post "
                       "neuron; rows without a weight take the projection's)", r->cell[2]);
        return OPSIN_EINVAL;
    }
    if (r->ncells > 2 && v < weight_defs[c->pops[pj->to].synapse].min) {
        opsin_diag_set(d, r->path, r->line, "weight '%.40s' is a negative conductance (expected "
                       "a number of S >= 0: '%s' has cond synapses; rows without a weight take "
                       "the projection's)", r->cell[2], c->pops[pj->to].id);
        return OPSIN_EINVAL;
    }
    if (r->ncells > 3 && !(cell_number(r->cell[3], &v) && v > 0)) {
        opsin_diag_set(d, r->path, r->line, "delay '%.40s' is not a time above 0 (expected a "
                       "number of seconds > 0; rows without a delay take the projection's)",
                       r->cell[3]);
        return OPSIN_EINVAL;
    }
    if (pj->from == pj->to && !pj->autapses && pre == post) {
        opsin_diag_set(d, r->path, r->line, "pair %.0f -> %.0f connects a neuron of '%s' to "
                       "itself (expected autapses = true; in the projection at %s:%d)", pre,
                       post, c->pops[pj->from].id, c->path, pj->line);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The pair list of a rule "list" projection: its path (relative to the circuit file)
 * stored, every row checked; a first row that does not start with a number is a header. */
static int proj_pairs(const config_setting_t *g, const opsin_circuit *c, opsin_projdef *pj,
                      opsin_diag *d)
{
    char path[4096];
    opsin_csv r;
    double v;
    int rc = opsin_cfg_csv_open(config_setting_get_member(g, "file"), c->path, &r, path,
                                sizeof path, d), have, rows = 0;
    if (rc)
        return rc;
    const char *unit = pj->dev ? "S" : opsin_weight_def(c->pops[pj->to].synapse).unit;
    while (!(rc = opsin_csv_next(&r, &have, d)) && have)
        if (rows++ > 0 || cell_number(r.cell[0], &v))
            if ((rc = pair_row(&r, c, pj, unit, d)))
                break;
    opsin_csv_close(&r);
    if (!rc && !(pj->file = opsin_strdup(path)))
        rc = OPSIN_ENOMEM;
    return rc;
}

/* weight (unit by the target's synapse) and delay, both required, each a value or a
 * distribution. */
static int proj_weight_delay(const config_setting_t *g, opsin_circuit *c, opsin_projdef *pj,
                             opsin_diag *d)
{
    const opsin_popdef *to = &c->pops[pj->to];
    const config_setting_t *w = config_setting_get_member(g, "weight");
    const config_setting_t *dl = config_setting_get_member(g, "delay");
    int rc;
    if (pj->dev && !pj->dev->filter && w) {
        opsin_diag_at(d, c->path, w, "a device synapse's weight is its conductance, read at "
                      "each pre spike (expected no 'weight' beside 'device')");
        return OPSIN_EINVAL;
    }
    if (pj->dev && pj->dev->filter && !w) {
        opsin_diag_at(d, c->path, g, "projection %s -> %s needs 'weight', the conductance "
                      "through which each %s's voltage drives its post neuron (expected e.g. "
                      "weight = \"100 nS\";)", c->pops[pj->from].id, to->id,
                      pj->dev->dev.model->name);
        return OPSIN_EINVAL;
    }
    if (!w && !pj->dev) {
        opsin_diag_at(d, c->path, g, "projection %s -> %s needs 'weight' (expected weight = "
                      "\"%s\"; in %s: '%s' has %s synapses)", c->pops[pj->from].id, to->id,
                      weight_kinds[to->synapse].example, weight_defs[to->synapse].unit, to->id,
                      synapse_names[to->synapse]);
        return OPSIN_EINVAL;
    }
    if (!dl) {
        opsin_diag_at(d, c->path, g, "projection %s -> %s needs 'delay' (expected a time > "
                      "0 s, e.g. delay = \"1.5 ms\";)", c->pops[pj->from].id, to->id);
        return OPSIN_EINVAL;
    }
    if (w && pj->dev && (rc = opsin_cfg_dist(w, &coupling_def, &pj->weight, c->path, &c->warn,
                                             d)))
        return rc;
    if (w && !pj->dev && (rc = opsin_weight_read(w, to->synapse, to->id, &pj->weight, c->path,
                                                 &c->warn, d)))
        return rc;
    if ((rc = opsin_cfg_dist(dl, &delay_def, &pj->delay, c->path, &c->warn, d)))
        return rc;
    if (pj->weight.kind == OPSIN_DIST_LINEAR || pj->delay.kind == OPSIN_DIST_LINEAR) {
        opsin_diag_at(d, c->path, pj->weight.kind == OPSIN_DIST_LINEAR ? w : dl,
                      "a linear spread has no order over synapses (expected a value, or a "
                      "uniform or normal distribution; linear spreads a population's members)");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* id: named in the file, or FROM_TO. */
static int proj_id(const config_setting_t *g, const opsin_circuit *c, opsin_projdef *pj,
                   opsin_diag *d)
{
    const char *id;
    int rc = opsin_cfg_string(g, "id", 0, &id, c->path, d);
    if (rc)
        return rc;
    if (id && (rc = opsin_cfg_id(id, "", config_setting_get_member(g, "id"), c->path, d)))
        return rc;
    char name[2 * OPSIN_ID_MAX + 2];
    snprintf(name, sizeof name, "%s%s%s", id ? id : c->pops[pj->from].id, id ? "" : "_",
             id ? "" : c->pops[pj->to].id);
    if (strlen(name) >= sizeof pj->id) {
        opsin_diag_at(d, c->path, g, "the projection's name %s is too long (expected id = "
                      "\"...\"; of at most %d characters)", name, OPSIN_ID_MAX - 1);
        return OPSIN_EINVAL;
    }
    memcpy(pj->id, name, strlen(name) + 1);
    return OPSIN_OK;
}

static int read_proj(const config_setting_t *g, void *item, void *ctx, opsin_diag *d)
{
    opsin_circuit *c = ctx;
    opsin_projdef *pj = item;
    const config_setting_t *aut;
    int rc;
    pj->line = opsin_cfg_line(g);
    if ((rc = opsin_cfg_known_keys(g, proj_keys, "projection key", c->path, d)) ||
        (rc = proj_end(g, "from", c, &pj->from, d)) || (rc = proj_end(g, "to", c, &pj->to, d)) ||
        (rc = proj_rule(g, c, pj, d)) || (rc = proj_id(g, c, pj, d)))
        return rc;
    const config_setting_t *dev = config_setting_get_member(g, "device");
    const opsin_popdef *to = &c->pops[pj->to];
    if (dev && to->synapse == OPSIN_SYN_COND) { /* before the group's own checks */
        const char *name = NULL;
        const opsin_model *dm = config_setting_is_group(dev) &&
                                config_setting_lookup_string(dev, "model", &name)
                                    ? opsin_model_find(name) : NULL;
        if (dm && dm->port == OPSIN_PORT_VOLTAGE)
            opsin_diag_at(d, c->path, dev, "a %s synapse drives a current, and '%s' has cond "
                          "synapses, whose inputs are conductances toward an E_rev (expected "
                          "synapse = \"delta\" or \"exp\" on '%s')", dm->name, to->id, to->id);
        else
            opsin_diag_at(d, c->path, dev, "device synapses send a charge at each read, and "
                          "'%s' has cond synapses, which take a conductance toward an E_rev "
                          "(expected synapse = \"delta\" or \"exp\" on '%s', or weight and "
                          "E_rev instead of device)", to->id, to->id);
        return OPSIN_EINVAL;
    }
    if (dev && (rc = opsin_devsyn_read(dev, c, pj, d)))
        return rc;
    if ((aut = config_setting_get_member(g, "autapses")) &&
        (rc = opsin_cfg_bool(aut, &pj->autapses, c->path, d)))
        return rc;
    if (pj->rule == OPSIN_PROJ_PROB &&
        (rc = opsin_cfg_param(config_setting_get_member(g, "p"), &p_def, &pj->p, c->path, d)))
        return rc;
    char what[2 * OPSIN_ID_MAX + 16];
    snprintf(what, sizeof what, "projection %s -> %s", c->pops[pj->from].id, to->id);
    if ((rc = proj_rule_fits(g, c, pj, d)) || (rc = proj_weight_delay(g, c, pj, d)) ||
        (rc = opsin_e_rev_read(g, to->synapse, to->id, what, &pj->e_rev, c->path, &c->warn, d)))
        return rc;
    return pj->rule == OPSIN_PROJ_LIST ? proj_pairs(g, c, pj, d) : OPSIN_OK;
}

int opsin_projections_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d)
{
    int rc = opsin_cfg_list(list, c->path, "projection", "{ from = ...; to = ...; rule = ...; "
                            "weight = ...; delay = ...; }", sizeof *c->projs,
                            (void **)&c->projs, &c->nprojs, read_proj, c, d);
    for (size_t i = 0; !rc && i < c->nprojs; i++) /* the map names device synapses by it */
        for (size_t j = 0; c->projs[i].dev && j < i; j++) {
            const opsin_projdef *a = &c->projs[i], *b = &c->projs[j];
            if (b->dev && strcmp(a->id, b->id) == 0) {
                opsin_diag_set(d, c->path, a->line, "projection id '%s' is taken by "
                               "the projection at line %d (expected id = \"...\"; on one of "
                               "them)", a->id, b->line);
                return OPSIN_EINVAL;
            }
            if (a->dev->filter && b->dev && b->dev->filter && a->to == b->to) {
                opsin_diag_set(d, c->path, a->line, "a second projection of supercap synapses "
                               "into '%s' (expected at most one per population: the one at "
                               "line %d)", c->pops[a->to].id, b->line);
                return OPSIN_EINVAL;
            }
        }
    return rc;
}
