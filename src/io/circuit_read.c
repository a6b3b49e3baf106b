/* circuit_read.c: reads, validates, overrides and prints circuit files (libconfig). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const top_keys[] = {"components", "materials", "arrays", "connections",
                                       "populations", "projections", "probes", "solver",
                                       "t_end", NULL};
static const char *const conn_keys[] = {"from", "to", "kind", "shape", "amplitude", "width",
                                        "delay", NULL};

/* Lists a model's parameter names for the "expected" part of a message. */
static void param_list(const opsin_model *m, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->nparams && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 m->params[i].name);
}

/* Lists the model names for the "expected" part of a message. */
static void model_list(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < opsin_model_count() && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 opsin_model_name(i));
}

const opsin_model *opsin_cfg_model(const config_setting_t *g, const char *file, opsin_diag *d)
{
    const char *model;
    if (opsin_cfg_string(g, "model", 1, &model, file, d))
        return NULL;
    const opsin_model *m = opsin_model_find(model);
    if (!m) {
        char list[256];
        model_list(list, sizeof list);
        opsin_diag_at(d, file, config_setting_get_member(g, "model"),
                       "unknown model '%s' (expected one of: %s)", model, list);
    }
    return m;
}

int opsin_params_read(const config_setting_t *g, const char *file, opsin_compdef *cd,
                      const char *const *skip, const char **input_name, opsin_warnings *w,
                      opsin_diag *d)
{
    const opsin_model *m = cd->model;
    for (int k = 0; k < config_setting_length(g); k++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
        const char *name = config_setting_name(s);
        int skipped = 0;
        for (const char *const *sk = skip; *sk && !skipped; sk++)
            skipped = strcmp(name, *sk) == 0;
        if (skipped)
            continue;
        int pi = opsin_model_param_index(m, name), rc;
        if (pi < 0) {
            char list[400];
            param_list(m, list, sizeof list);
            opsin_diag_at(d, file, s,
                           "unknown parameter '%s' for model %s (expected one of: %s)", name,
                           m->name, list);
            return OPSIN_EINVAL;
        }
        const opsin_param_def *pd = &m->params[pi];
        if (pd->flags & OPSIN_P_REF) {
            if (!input_name) {
                opsin_diag_at(d, file, s, "'%s' cannot be set here (expected "
                               "it on a component of the components list)", name);
                return OPSIN_EINVAL;
            }
            if ((rc = opsin_cfg_string(g, name, 1, input_name, file, d)))
                return rc;
        } else if ((rc = opsin_cfg_param_warn(s, pd, &cd->p[pi], file, w, d))) {
            return rc;
        }
        cd->p_line[pi] = opsin_cfg_line(s);
    }
    return OPSIN_OK;
}

int opsin_params_check(opsin_compdef *cd, const char *file, opsin_diag *d)
{
    return opsin_params_check_as(cd, file, "component", d);
}

int opsin_params_check_as(opsin_compdef *cd, const char *file, const char *what, opsin_diag *d)
{
    const opsin_model *m = cd->model;
    for (size_t i = 0; i < m->nparams; i++)
        if ((m->params[i].flags & OPSIN_P_REQUIRED) && cd->p_line[i] == 0) {
            opsin_diag_set(d, file, cd->line, "'%s' (%s) needs parameter '%s' (%s)", cd->id,
                           m->name, m->params[i].name, m->params[i].doc);
            return OPSIN_EINVAL;
        }
    char msg[400];
    if (m->validate && m->validate(cd->p, msg, sizeof msg)) {
        opsin_diag_set(d, file, cd->line, "%s '%s': %s", what, cd->id, msg);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

int opsin_compdef_init(opsin_compdef *cd, const char *id, const opsin_model *m, int line)
{
    snprintf(cd->id, sizeof cd->id, "%s", id);
    cd->model = m;
    cd->line = line;
    cd->input = -1;
    cd->p = calloc(m->nparams, sizeof *cd->p);
    cd->p_line = calloc(m->nparams, sizeof *cd->p_line);
    if (!cd->p || !cd->p_line)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < m->nparams; i++)
        cd->p[i] = m->params[i].def;
    return OPSIN_OK;
}

/* Reads one component (or material) group: id, model and the model's parameters (others
 * keep their defaults).  `what` names the kind of group in messages. */
static int read_model_group(const config_setting_t *g, opsin_circuit *c, const char *what,
                            opsin_compdef *cd, const char **input_name, opsin_diag *d)
{
    static const char *const skip[] = {"id", "model", NULL};
    const char *file = c->path, *id, *model;
    int rc;
    if (!config_setting_is_group(g)) {
        opsin_diag_at(d, file, g,
                       "a %s must be a group (expected { id = \"...\"; model = \"...\"; })", what);
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_string(g, "id", 1, &id, file, d)) ||
        (rc = opsin_cfg_id(id, "", config_setting_get_member(g, "id"), file, d)) ||
        (rc = opsin_cfg_string(g, "model", 1, &model, file, d)))
        return rc;
    if (opsin_circuit_find(c, id) >= 0 || opsin_circuit_find_material(c, id) >= 0) {
        opsin_diag_at(d, file, g,
                       "%s '%s' is defined twice (expected unique ids)", what, id);
        return OPSIN_EINVAL;
    }
    const opsin_model *m = opsin_cfg_model(g, file, d);
    if (!m)
        return OPSIN_EINVAL;
    if ((rc = opsin_compdef_init(cd, id, m, opsin_cfg_line(g))) ||
        (rc = opsin_idindex_add(&c->comp_ids, c->comps, sizeof *c->comps, (size_t)(cd - c->comps))))
        return rc;
    if (input_name)
        *input_name = NULL;
    if ((rc = opsin_params_read(g, file, cd, skip, input_name, &c->warn, d)))
        return rc;
    return opsin_params_check(cd, file, d);
}

/* Resolves a component's `input` reference: an existing device that offers a port. */
static int resolve_input(opsin_circuit *c, size_t i, const char *name, opsin_diag *d)
{
    opsin_compdef *cd = &c->comps[i];
    int line = cd->p_line[opsin_model_param_index(cd->model, "input")];
    int j = opsin_circuit_find(c, name);
    if (j < 0) {
        opsin_diag_set(d, c->path, line, "input '%s' of '%s' is not a component (expected the id "
                       "of a device defined in this file)", name, cd->id);
        return OPSIN_EINVAL;
    }
    if ((size_t)j == i || c->comps[j].model->port == OPSIN_PORT_NONE) {
        opsin_diag_set(d, c->path, line, "input '%s' of '%s' offers no conductance or voltage "
                       "(expected a device such as a supercap)", name, cd->id);
        return OPSIN_EINVAL;
    }
    cd->input = j;
    return OPSIN_OK;
}

/* Reads the components list; their `input` names go to *inputs (resolved once the arrays
 * exist, since an input may be an array cell). */
static int read_components(const config_setting_t *list, int have_others, opsin_circuit *c,
                           const char ***inputs, opsin_diag *d)
{
    if (list && !config_setting_is_list(list)) {
        opsin_diag_at(d, c->path, list, "components must be a list (expected "
                       "components = ( { id = ...; model = ...; } );)");
        return OPSIN_EINVAL;
    }
    if ((!list || config_setting_length(list) == 0) && !have_others) {
        opsin_diag_set(d, c->path, list ? opsin_cfg_line(list) : 0,
                       "no components (expected components = ( { id = ...; model = ...; } );)");
        return OPSIN_EINVAL;
    }
    size_t n = list ? (size_t)config_setting_length(list) : 0;
    *inputs = calloc(n ? n : 1, sizeof **inputs);
    c->comps = calloc(n ? n : 1, sizeof *c->comps);
    if (!*inputs || !c->comps)
        return OPSIN_ENOMEM;
    int rc = OPSIN_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        c->ncomps = i + 1; /* owned from here on, even when partly read */
        rc = read_model_group(config_setting_get_elem(list, (unsigned)i), c, "component",
                              &c->comps[i], &(*inputs)[i], d);
    }
    return rc;
}

static int resolve_inputs(opsin_circuit *c, const char **inputs, size_t n, opsin_diag *d)
{
    for (size_t i = 0; i < n; i++)
        if (inputs[i]) {
            int rc = resolve_input(c, i, inputs[i], d);
            if (rc)
                return rc;
        }
    return OPSIN_OK;
}

/* Reads a connection: spikes of `from` become rectangular current pulses on `to`. */
static int read_connection(const config_setting_t *g, opsin_circuit *c, opsin_conndef *cn,
                           opsin_diag *d)
{
    const char *file = c->path, *from, *to, *kind, *shape;
    int rc;
    cn->line = opsin_cfg_line(g);
    if (!config_setting_is_group(g)) {
        opsin_diag_set(d, file, cn->line, "a connection must be a group (expected { from = ...; "
                       "to = ...; amplitude = ...; width = ...; })");
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_known_keys(g, conn_keys, "connection key", file, d)) ||
        (rc = opsin_cfg_string(g, "from", 1, &from, file, d)) ||
        (rc = opsin_cfg_string(g, "to", 1, &to, file, d)) ||
        (rc = opsin_cfg_string(g, "kind", 0, &kind, file, d)) ||
        (rc = opsin_cfg_string(g, "shape", 0, &shape, file, d)))
        return rc;
    cn->from = opsin_circuit_find(c, from);
    cn->to = opsin_circuit_find(c, to);
    int from_line = opsin_cfg_line(config_setting_get_member(g, "from"));
    int to_line = opsin_cfg_line(config_setting_get_member(g, "to"));
    if (cn->from < 0) {
        opsin_diag_set(d, file, from_line, "connection source '%s' is not a component (expected "
                       "the id of a lif defined in this file)", from);
        return OPSIN_EINVAL;
    }
    if (!opsin_model_spikes(c->comps[cn->from].model)) {
        opsin_diag_set(d, file, from_line, "connection source '%s' (model %s) does not spike "
                       "(expected the id of a lif)", from, c->comps[cn->from].model->name);
        return OPSIN_EINVAL;
    }
    if (cn->to < 0) {
        opsin_diag_set(d, file, to_line, "connection target '%s' is not a component (expected "
                       "the id of a component defined in this file)", to);
        return OPSIN_EINVAL;
    }
    if (!(c->comps[cn->to].model->accepts & OPSIN_IN_CURRENT)) {
        opsin_diag_set(d, file, to_line, "connection target '%s' (model %s) takes no current "
                       "(expected a component that accepts current input)", to,
                       c->comps[cn->to].model->name);
        return OPSIN_EINVAL;
    }
    if (kind && strcmp(kind, "current") != 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "kind"),
                       "connection kind '%s' is not supported (expected \"current\")", kind);
        return OPSIN_EINVAL;
    }
    if (shape && strcmp(shape, "rect") != 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "shape"),
                       "spike shape '%s' is not supported (expected \"rect\")", shape);
        return OPSIN_EINVAL;
    }
    static const opsin_param_def amp = {"amplitude", "A", 0, -INFINITY, INFINITY, 1e-12, 10e-3,
                                        0, ""};
    static const opsin_param_def width = {"width", "s", 0, 0, INFINITY, 1e-9, 1e5,
                                          OPSIN_P_MIN_OPEN, ""};
    static const opsin_param_def delay = {"delay", "s", 0, 0, INFINITY, 1e-9, 1e5, 0, ""};
    const opsin_param_def *defs[] = {&amp, &width, &delay};
    double *dst[] = {&cn->amplitude, &cn->width, &cn->delay};
    for (size_t k = 0; k < 3; k++) {
        const config_setting_t *s = config_setting_get_member(g, defs[k]->name);
        if (!s && k < 2) {
            opsin_diag_set(d, file, cn->line, "connection needs '%s' (expected %s = \"...\";)",
                           defs[k]->name, defs[k]->name);
            return OPSIN_EINVAL;
        }
        *dst[k] = 0.0;
        if (s && (rc = opsin_cfg_param_warn(s, defs[k], dst[k], file, &c->warn, d)))
            return rc;
    }
    return OPSIN_OK;
}

static int read_connections(const config_setting_t *list, opsin_circuit *c, opsin_diag *d)
{
    if (!list)
        return OPSIN_OK;
    if (!config_setting_is_list(list)) {
        opsin_diag_at(d, c->path, list,
                       "connections must be a list (expected connections = ( {...}, ... );)");
        return OPSIN_EINVAL;
    }
    size_t n = (size_t)config_setting_length(list);
    c->conns = calloc(n ? n : 1, sizeof *c->conns);
    if (!c->conns)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int rc = read_connection(config_setting_get_elem(list, (unsigned)i), c, &c->conns[i], d);
        if (rc)
            return rc;
        c->nconns = i + 1;
    }
    return OPSIN_OK;
}

/* Probes: an array of "ID.OUTPUT" strings; absent means every component's first output
 * and every population's rate. */
static int read_probes(const config_setting_t *arr, opsin_circuit *c, opsin_diag *d)
{
    if (!arr) { /* of arrays, the first cell only; of populations, not a member */
        c->probes = calloc(c->ncomps + c->npops, sizeof *c->probes);
        if (!c->probes)
            return OPSIN_ENOMEM;
        size_t explicit_n = c->narrays ? c->arrays[0].first : c->ncomps;
        for (size_t i = 0; i < explicit_n; i++)
            c->probes[c->nprobes++] = (opsin_probe){.comp = (int)i};
        for (size_t a = 0; a < c->narrays; a++)
            c->probes[c->nprobes++] = (opsin_probe){.comp = (int)c->arrays[a].first};
        for (size_t p = 0; p < c->npops; p++)
            c->probes[c->nprobes++] = (opsin_probe){.comp = -1, .pop = (int)p + 1, .member = -1};
        return OPSIN_OK;
    }
    int line = opsin_cfg_line(arr);
    if (config_setting_type(arr) != CONFIG_TYPE_ARRAY && !config_setting_is_list(arr)) {
        opsin_diag_set(d, c->path, line, "probes must be an array (expected probes = "
                       "[\"ID.OUTPUT\", ...];)");
        return OPSIN_EINVAL;
    }
    size_t n = (size_t)config_setting_length(arr);
    if (n == 0) {
        opsin_diag_set(d, c->path, line, "probes is empty (expected at least one \"ID.OUTPUT\")");
        return OPSIN_EINVAL;
    }
    if (!(c->probes = calloc(n, sizeof *c->probes)))
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s = config_setting_get_string_elem(arr, (int)i);
        if (!s || strchr(s, ',')) {
            opsin_diag_set(d, c->path, line, "probe %zu is not a string naming one output "
                           "(expected \"ID.OUTPUT\")", i + 1);
            return OPSIN_EINVAL;
        }
        int rc = opsin_probe_parse(c, s, &c->probes[i], c->path, line, d);
        if (rc)
            return rc;
        c->nprobes = i + 1;
    }
    return OPSIN_OK;
}

/* The solver settings, one row each: name, bounds, default and meaning, and where the value
 * goes (a double, or a long for whole numbers).  linear_solver is a name, not a number. */
typedef struct solver_key {
    opsin_param_def def;
    size_t offset;
    int is_long;
} solver_key;

static const solver_key solver_table[] = {
    {{"rtol", "", 1e-6, 1e-14, 1e-2, 0, 0, 0, "relative tolerance of every state"},
     offsetof(opsin_circuit, rtol), 0},
    {{"atol_scale", "", 1.0, 0, 1e6, 0, 0, OPSIN_P_MIN_OPEN,
      "factor on each state's natural atol"},
     offsetof(opsin_circuit, atol_scale), 0},
    {{"max_steps", "", 1e5, 1, 1e9, 0, 0, OPSIN_P_INTEGER, "steps per advance before giving up"},
     offsetof(opsin_circuit, max_steps), 1},
    {{"bandwidth", "", -1, 0, 1e6, 0, 0, OPSIN_P_INTEGER, "half-bandwidth of the banded solver"},
     offsetof(opsin_circuit, bandwidth), 1},
};
static const char *const solver_names[] = {"dense", "band"};
const char *const opsin_method_names[3] = {"auto", "exact", "cvode"};

/* Stores v into the circuit field of a solver row. */
static void solver_store(opsin_circuit *c, const solver_key *k, double v)
{
    char *field = (char *)c + k->offset;
    if (k->is_long)
        *(long *)field = (long)v;
    else
        *(double *)field = v;
}

/* method = "auto" | "exact" | "cvode" (how lif islands and populations advance). */
static int read_method(const config_setting_t *g, opsin_circuit *c, opsin_diag *d)
{
    const char *m;
    char expected[64];
    int rc = opsin_cfg_string(g, "method", 0, &m, c->path, d);
    if (rc || !m)
        return rc;
    c->method = opsin_name_lookup(opsin_method_names, 3, m, expected, sizeof expected);
    if (c->method < 0) {
        opsin_diag_at(d, c->path, config_setting_get_member(g, "method"),
                      "method '%s' is unknown (expected %s)", m, expected);
        return OPSIN_EINVAL;
    }
    c->method_line = (int)config_setting_source_line(config_setting_get_member(g, "method"));
    return OPSIN_OK;
}

/* linear_solver = "dense" | "band"; bandwidth only with "band"; method. */
static int read_linear_solver(const config_setting_t *g, opsin_circuit *c, opsin_diag *d)
{
    const char *ls;
    char expected[64];
    int rc = opsin_cfg_string(g, "linear_solver", 0, &ls, c->path, d);
    if (rc)
        return rc;
    int which = ls ? opsin_name_lookup(solver_names, 2, ls, expected, sizeof expected) : 0;
    if (which < 0) {
        opsin_diag_at(d, c->path, config_setting_get_member(g, "linear_solver"),
                      "linear_solver '%s' is unknown (expected %s)", ls, expected);
        return OPSIN_EINVAL;
    }
    c->band = which == 1;
    if (c->bandwidth >= 0 && !c->band) {
        opsin_diag_at(d, c->path, config_setting_get_member(g, "bandwidth"),
                      "bandwidth applies to the banded solver only (expected linear_solver = "
                      "\"band\")");
        return OPSIN_EINVAL;
    }
    return read_method(g, c, d);
}

static int read_solver(const config_setting_t *g, opsin_circuit *c, opsin_diag *d)
{
    size_t n = sizeof solver_table / sizeof solver_table[0];
    const char *keys[sizeof solver_table / sizeof solver_table[0] + 3];
    for (size_t k = 0; k < n; k++) {
        solver_store(c, &solver_table[k], solver_table[k].def.def);
        keys[k] = solver_table[k].def.name;
    }
    keys[n] = "linear_solver";
    keys[n + 1] = "method";
    keys[n + 2] = NULL;
    c->band = 0;
    c->method = OPSIN_METHOD_AUTO;
    c->method_line = 0;
    if (!g)
        return OPSIN_OK;
    int rc;
    if (!config_setting_is_group(g)) {
        opsin_diag_at(d, c->path, g, "solver must be a group (expected solver "
                       "= { rtol = 1e-6; };)");
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_known_keys(g, keys, "solver key", c->path, d)))
        return rc;
    for (size_t k = 0; k < n; k++) {
        const config_setting_t *s = config_setting_get_member(g, solver_table[k].def.name);
        double v;
        if (s && (rc = opsin_cfg_param(s, &solver_table[k].def, &v, c->path, d)))
            return rc;
        if (s)
            solver_store(c, &solver_table[k], v);
    }
    return read_linear_solver(g, c, d);
}

int opsin_read_t_end(const config_t *cfg, const char *file, double *t_end, opsin_diag *d)
{
    static const opsin_param_def def = {"t_end", "s", 0, 0, INFINITY, 0, 0, OPSIN_P_MIN_OPEN, ""};
    const config_setting_t *s = config_lookup(cfg, "t_end");
    *t_end = 0.0;
    return s ? opsin_cfg_param(s, &def, t_end, file, d) : OPSIN_OK;
}

/* A stimulus file given where the circuit belongs (opsin run STIMULUS CIRCUIT): its
 * `sources` and no components say so, before the unknown key would. */
static int check_not_stimulus(const config_t *cfg, const char *path, opsin_diag *d)
{
    const config_setting_t *sources = config_lookup(cfg, "sources");
    if (!sources || config_lookup(cfg, "components") || config_lookup(cfg, "arrays") ||
        config_lookup(cfg, "populations"))
        return OPSIN_OK;
    opsin_diag_at(d, path, sources, "unknown circuit key 'sources': this looks like a stimulus "
                  "file (expected the circuit file first: opsin run CIRCUIT STIMULUS)");
    return OPSIN_EINVAL;
}

/* Reads a circuit from a file (text == NULL) or from text named `path` in messages. */
static int circuit_read(const char *path, const char *text, opsin_circuit **out,
                        opsin_diag *diag)
{
    opsin_circuit *c = calloc(1, sizeof *c);
    int rc = c && (c->path = opsin_strdup(path)) ? OPSIN_OK : OPSIN_ENOMEM;
    config_t cfg;
    config_init(&cfg);
    if (!rc)
        rc = text ? opsin_cfg_read_string(&cfg, text, path, diag)
                  : opsin_cfg_read(&cfg, path, diag);
    if (!rc) {
        const config_setting_t *root = config_root_setting(&cfg);
        const config_setting_t *arrays = config_lookup(&cfg, "arrays");
        const config_setting_t *pops = config_lookup(&cfg, "populations");
        const char **inputs = NULL;
        size_t nexplicit = 0;
        /* the settings of a few bytes before the arrays, which may hold millions of cells */
        if (!(rc = check_not_stimulus(&cfg, path, diag)) &&
            !(rc = opsin_cfg_known_keys(root, top_keys, "circuit key", path, diag)) &&
            !(rc = read_solver(config_lookup(&cfg, "solver"), c, diag)) &&
            !(rc = opsin_read_t_end(&cfg, path, &c->t_end, diag)) &&
            !(rc = opsin_materials_read(config_lookup(&cfg, "materials"), c, diag)) &&
            !(rc = read_components(config_lookup(&cfg, "components"), arrays || pops, c,
                                   &inputs, diag))) {
            nexplicit = c->ncomps;
            if (!(rc = opsin_arrays_read(arrays, c, diag)) &&
                !(rc = resolve_inputs(c, inputs, nexplicit, diag)))
                rc = opsin_populations_read(pops, c, diag);
        }
        free(inputs);
        if (!rc && c->ncomps == 0 && c->npops == 0) {
            opsin_diag_set(diag, path, 0, "no components (expected components = ( {...} );, "
                           "arrays = ( {...} ); or populations = ( {...} );)");
            rc = OPSIN_EINVAL;
        }
        if (!rc && !(rc = read_connections(config_lookup(&cfg, "connections"), c, diag)) &&
            !(rc = opsin_projections_read(config_lookup(&cfg, "projections"), c, diag)))
            rc = read_probes(config_lookup(&cfg, "probes"), c, diag);
    }
    config_destroy(&cfg);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(diag, path, "reading the circuit");
    if (rc) {
        opsin_circuit_free(c);
        return rc;
    }
    *out = c;
    return OPSIN_OK;
}

int opsin_circuit_load(const char *path, opsin_circuit **out, opsin_diag *diag)
{
    return circuit_read(path, NULL, out, diag);
}

int opsin_circuit_parse(const char *text, const char *name, opsin_circuit **out,
                        opsin_diag *diag)
{
    return circuit_read(name, text, out, diag);
}

/* A value as a file or an option holds it ("8 kohm", "open") for a parameter; messages start
 * with `where` (NULL: none) and the key.  A value far outside its usual range is a warning of
 * the circuit. */
static int set_text(opsin_circuit *c, const char *key, const char *value, const char *where,
                    opsin_diag *d)
{
    opsin_param_ref p;
    opsin_diag u;
    char msg[512];
    double v;
    if (opsin_circuit_param_find(c, key, &p, &u)) {
        opsin_diag_set(d, where, 0, "%s", u.msg);
        return OPSIN_EINVAL;
    }
    if (p.allow_open && strcmp(value, "open") == 0)
        v = INFINITY;
    else if (opsin_units_convert(value, p.unit, &v, msg, sizeof msg)) {
        opsin_diag_set(d, where, 0, "%s: %s", key, msg);
        return OPSIN_EINVAL;
    }
    if (opsin_circuit_set_param(c, &p, v, &u)) {
        opsin_diag_set(d, where, 0, "%s", u.msg);
        return OPSIN_EINVAL;
    }
    const opsin_compdef *cd = &c->comps[p.comp];
    opsin_param_def named = cd->model->params[p.param];
    char full[2 * OPSIN_ID_MAX];
    snprintf(full, sizeof full, "%s.%s", cd->id, named.name);
    named.name = full; /* "syn.C1 = 100 F is far outside ..." */
    if (opsin_param_usual(&named, v, strtod(value, NULL), msg, sizeof msg))
        return opsin_warnings_addf(&c->warn, NULL, 0, "%s%s%s", where ? where : "",
                                   where ? " " : "", msg);
    return OPSIN_OK;
}

int opsin_circuit_set(opsin_circuit *c, const char *key, const char *value, opsin_diag *d)
{
    return set_text(c, key, value, NULL, d);
}

int opsin_circuit_assign(opsin_circuit *c, const char *assignment, opsin_diag *d)
{
    char key[160];
    const char *eq = strchr(assignment, '=');
    if (!eq || (size_t)(eq - assignment) >= sizeof key) {
        opsin_diag_set(d, NULL, 0, "--set %s: expected ID.PARAM=VALUE", assignment);
        return OPSIN_EINVAL;
    }
    snprintf(key, sizeof key, "%.*s", (int)(eq - assignment), assignment);
    return set_text(c, key, eq + 1, "--set", d);
}

const char *opsin_circuit_output_unit(const opsin_circuit *c, const char *probe)
{
    const char *dot = strchr(probe, '.');
    char id[OPSIN_ID_MAX];
    if (!dot || (size_t)(dot - probe) >= sizeof id)
        return "";
    snprintf(id, sizeof id, "%.*s", (int)(dot - probe), probe);
    int ci = opsin_circuit_find(c, id);
    opsin_probe p;
    opsin_diag ignored;
    if (ci < 0) /* a population's: exc.rate, exc[3].V */
        return opsin_probe_parse(c, probe, &p, NULL, 0, &ignored) ? ""
                                                                   : opsin_probe_unit(c, p);
    const opsin_model *m = c->comps[ci].model;
    int oi = dot[1] ? opsin_model_output_index(m, dot + 1) : 0;
    return oi < 0 ? "" : m->outputs[oi].unit;
}

/* Prints one component or material with every parameter (defaults marked). */
static void print_component(const opsin_compdef *cd, const char *what, const opsin_circuit *c,
                            FILE *fp)
{
    fprintf(fp, "  %s%s%s: model %s (line %d)\n", what, what[0] ? " " : "", cd->id,
            cd->model->name, cd->line);
    for (size_t k = 0; k < cd->model->nparams; k++) {
        const opsin_param_def *pd = &cd->model->params[k];
        if (pd->flags & OPSIN_P_REF) {
            if (cd->input >= 0)
                fprintf(fp, "    %-12s = %s\n", pd->name, c->comps[cd->input].id);
            continue;
        }
        /* a value neither in the file nor the default was derived from other parameters */
        const char *note = cd->p_line[k] ? "" : cd->p[k] == pd->def ? "  (default)" : "  (derived)";
        if (isinf(cd->p[k]))
            fprintf(fp, "    %-12s = open%s\n", pd->name, note);
        else
            fprintf(fp, "    %-12s = %.6g %s%s\n", pd->name, cd->p[k], pd->unit, note);
    }
}

/* A distribution of a quantity of unit `unit` as "V UNIT" or "uniform [A, B) UNIT". */
static void print_dist(const opsin_dist *x, const char *unit, FILE *fp)
{
    const char *sp = unit[0] ? " " : "";
    switch (x->kind) {
    case OPSIN_DIST_UNIFORM:
        fprintf(fp, "uniform [%.6g, %.6g)%s%s", x->a, x->b, sp, unit);
        break;
    case OPSIN_DIST_NORMAL:
        fprintf(fp, "normal mean %.6g sd %.6g%s%s", x->a, x->b, sp, unit);
        break;
    case OPSIN_DIST_LINEAR:
        fprintf(fp, "linear %.6g .. %.6g%s%s", x->a, x->b, sp, unit);
        break;
    default:
        if (isinf(x->a))
            fprintf(fp, "open");
        else
            fprintf(fp, "%.6g%s%s", x->a, sp, unit);
    }
}

/* One line per population: size, synapse and the parameters its file sets. */
static void print_population(const opsin_popdef *pd, FILE *fp)
{
    fprintf(fp, "  population %s: %zu x %s (neurons %zu .. %zu), %s synapses", pd->id, pd->size,
            pd->model->name, pd->first, pd->first + pd->size - 1,
            opsin_synapse_name(pd->synapse));
    if (pd->synapse != OPSIN_SYN_DELTA)
        fprintf(fp, " (tau_syn %.6g s)", pd->tau_syn);
    for (size_t k = 0; k < pd->model->nparams; k++)
        if (pd->p_line[k]) {
            fprintf(fp, ", %s = ", pd->model->params[k].name);
            print_dist(&pd->dist[k], pd->model->params[k].unit, fp);
        }
    fprintf(fp, " (line %d)\n", pd->line);
}

static void print_projection(const opsin_circuit *c, const opsin_projdef *pj, FILE *fp)
{
    fprintf(fp, "  projection %s -> %s: %s", c->pops[pj->from].id, c->pops[pj->to].id,
            opsin_proj_rule_name(pj->rule));
    if (pj->rule == OPSIN_PROJ_PROB)
        fprintf(fp, " p %g", pj->p);
    else if (pj->rule == OPSIN_PROJ_INDEGREE)
        fprintf(fp, " k %zu", pj->k);
    else if (pj->rule == OPSIN_PROJ_LIST)
        fprintf(fp, " %s", pj->file);
    if (pj->dev && pj->dev->filter) {
        const opsin_devsyn_def *dv = pj->dev;
        fprintf(fp, ", %s synapses %s (each pre spike a rect pulse %g A %g s into the device; "
                "its voltage drives the post neuron through weight ", dv->dev.model->name,
                pj->id, dv->amplitude, dv->width);
        print_dist(&pj->weight, "S", fp);
        fprintf(fp, ")");
    } else if (pj->dev) {
        const opsin_devsyn_def *dv = pj->dev;
        static const char *const shapes[] = {"rect", "exp", "linear"};
        fprintf(fp, ", device synapses %s of %s (spike %s %g V %g s", pj->id, dv->dev.model->name, shapes[dv->shape],
                dv->amplitude, dv->width);
        if (dv->shape != OPSIN_SPIKE_RECT)
            fprintf(fp, ", tail %g over %g s", dv->tail, dv->tail_width);
        fprintf(fp, "; read %g V %g s)", dv->v_read, dv->t_read);
    } else {
        fprintf(fp, ", weight ");
        print_dist(&pj->weight, opsin_weight_def(c->pops[pj->to].synapse).unit, fp);
    }
    fprintf(fp, ", delay ");
    print_dist(&pj->delay, "s", fp);
    if (c->pops[pj->to].synapse == OPSIN_SYN_COND)
        fprintf(fp, ", E_rev %.6g V", pj->e_rev);
    fprintf(fp, "%s (line %d)\n", pj->autapses ? ", autapses" : "", pj->line);
}

void opsin_circuit_print(const opsin_circuit *c, FILE *fp)
{
    fprintf(fp, "circuit %s: %zu component(s), %zu connection(s)", c->path, c->ncomps,
            c->nconns);
    if (c->npops)
        fprintf(fp, ", %zu population(s) of %zu neuron(s) in all, %zu projection(s)", c->npops,
                c->nneurons, c->nprojs);
    fprintf(fp, "\n");
    size_t explicit_n = c->narrays ? c->arrays[0].first : c->ncomps;
    for (size_t i = 0; i < c->nmats; i++)
        print_component(&c->mats[i], "material", c, fp);
    for (size_t a = 0; a < c->narrays; a++)
        fprintf(fp, "  array %s: %zu x %zu cells %s_0_0 .. %s_%zu_%zu (line %d)\n", c->arrays[a].id,
                c->arrays[a].rows, c->arrays[a].cols, c->arrays[a].id, c->arrays[a].id,
                c->arrays[a].rows - 1, c->arrays[a].cols - 1, c->arrays[a].line);
    for (size_t i = 0; i < explicit_n; i++)
        print_component(&c->comps[i], "", c, fp);
    for (size_t i = 0; i < c->nconns; i++)
        fprintf(fp, "  connection %s -> %s: rect %.6g A for %.6g s after %.6g s\n",
                c->comps[c->conns[i].from].id, c->comps[c->conns[i].to].id,
                c->conns[i].amplitude, c->conns[i].width, c->conns[i].delay);
    for (size_t i = 0; i < c->npops; i++)
        print_population(&c->pops[i], fp);
    for (size_t i = 0; i < c->nprojs; i++)
        print_projection(c, &c->projs[i], fp);
    fprintf(fp, "  probes:");
    for (size_t i = 0; i < c->nprobes; i++) {
        char name[3 * OPSIN_ID_MAX];
        opsin_probe_name(c, c->probes[i], name, sizeof name);
        fprintf(fp, " %s", name);
    }
    fprintf(fp, "\n  solver: rtol %g, atol_scale %g, max_steps %ld, %s linear solver", c->rtol,
            c->atol_scale, c->max_steps, c->band ? "band" : "dense");
    if (c->band && c->bandwidth >= 0)
        fprintf(fp, " (half-bandwidth %ld)", c->bandwidth);
    if (c->method != OPSIN_METHOD_AUTO)
        fprintf(fp, ", method %s", opsin_method_names[c->method]);
    fprintf(fp, "\n");
    if (c->t_end > 0)
        fprintf(fp, "  t_end: %.9g s\n", c->t_end);
}
