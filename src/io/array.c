/* array.c: materials (named parameter sets) and rows x cols arrays of devices built from
 * them, with a per-cell material map. */
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const array_keys_fixed[] = {"id", "rows", "cols", "material", "map",
                                               "legend", NULL};

int opsin_circuit_find_material(const opsin_circuit *c, const char *id)
{
    return opsin_idindex_find(&c->mat_ids, c->mats, sizeof *c->mats, id);
}

int opsin_circuit_find_array(const opsin_circuit *c, const char *id)
{
    return opsin_idindex_find(&c->array_ids, c->arrays, sizeof *c->arrays, id);
}

int opsin_materials_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d)
{
    static const char *const skip[] = {"id", "model", NULL};
    if (!list)
        return OPSIN_OK;
    if (!config_setting_is_list(list)) {
        opsin_diag_at(d, c->path, list, "materials must be a list (expected "
                       "materials = ( { id = ...; model = ...; ... } );)");
        return OPSIN_EINVAL;
    }
    size_t n = (size_t)config_setting_length(list);
    c->mats = calloc(n ? n : 1, sizeof *c->mats);
    if (!c->mats)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *id;
        int rc, line = opsin_cfg_line(g);
        if (!config_setting_is_group(g)) {
            opsin_diag_set(d, c->path, line, "a material must be a group (expected { id = "
                           "\"...\"; model = \"...\"; ... })");
            return OPSIN_EINVAL;
        }
        if ((rc = opsin_cfg_string(g, "id", 1, &id, c->path, d)))
            return rc;
        const opsin_model *m = opsin_cfg_model(g, c->path, d);
        if (!m)
            return OPSIN_EINVAL;
        if (opsin_circuit_find_material(c, id) >= 0) {
            opsin_diag_set(d, c->path, line, "material '%s' is defined twice (expected unique "
                           "ids)", id);
            return OPSIN_EINVAL;
        }
        c->nmats = i + 1;
        if ((rc = opsin_compdef_init(&c->mats[i], id, m, line)) ||
            (rc = opsin_idindex_add(&c->mat_ids, c->mats, sizeof *c->mats, i)) ||
            (rc = opsin_params_read(g, c->path, &c->mats[i], skip, NULL, &c->warn, d)) ||
            (rc = opsin_params_check(&c->mats[i], c->path, d)))
            return rc;
    }
    return OPSIN_OK;
}

/* Whole number member in [lo, hi]. */
static int count_member(const config_setting_t *g, const char *name, double lo, double hi,
                        size_t *out, const char *file, opsin_diag *d)
{
    const opsin_param_def pd = {name, "", 0, lo, hi, 0, 0, OPSIN_P_INTEGER, ""};
    const config_setting_t *s = config_setting_get_member(g, name);
    double v;
    if (!s) {
        opsin_diag_at(d, file, g, "an array needs '%s' (expected %s = 6;)", name,
                       name);
        return OPSIN_EINVAL;
    }
    int rc = opsin_cfg_param(s, &pd, &v, file, d);
    if (!rc)
        *out = (size_t)v;
    return rc;
}

/* The material of cell (r, col): the array's material, or the legend entry of the map's
 * character; -1 with a message when the map or legend is wrong. */
static int cell_material(const config_setting_t *g, const opsin_circuit *c, size_t r,
                         size_t col, opsin_diag *d)
{
    const config_setting_t *map = config_setting_get_member(g, "map");
    const char *name;
    if (!map) {
        opsin_cfg_string(g, "material", 0, &name, c->path, d);
    } else {
        const char *row = config_setting_get_string_elem(map, (int)r);
        char key[2] = {row ? row[col] : 0, 0};
        const config_setting_t *legend = config_setting_get_member(g, "legend");
        const config_setting_t *e = legend ? config_setting_get_member(legend, key) : NULL;
        name = e ? config_setting_get_string(e) : NULL;
        if (!name) {
            opsin_diag_at(d, c->path, map, "map character '%s' (row %zu, col "
                           "%zu) has no material in legend (expected legend = { %s = "
                           "\"MATERIAL\"; };)", key, r, col, key[0] ? key : "X");
            return -1;
        }
    }
    int mi = name ? opsin_circuit_find_material(c, name) : -1;
    if (mi < 0)
        opsin_diag_at(d, c->path, g, "unknown material '%s' (expected the id of "
                       "an entry of materials)", name ? name : "(none)");
    return mi;
}

/* Checks the map's shape: `rows` strings of `cols` characters. */
static int check_map(const config_setting_t *g, const opsin_circuit *c, size_t rows, size_t cols,
                     opsin_diag *d)
{
    const config_setting_t *map = config_setting_get_member(g, "map");
    const config_setting_t *mat = config_setting_get_member(g, "material");
    if (!map == !mat) {
        opsin_diag_at(d, c->path, g, "an array needs either 'material' or "
                       "'map' with 'legend' (expected one of them)");
        return OPSIN_EINVAL;
    }
    if (!map)
        return OPSIN_OK;
    int ok = (size_t)config_setting_length(map) == rows;
    for (size_t r = 0; ok && r < rows; r++) {
        const char *row = config_setting_get_string_elem(map, (int)r);
        ok = row && strlen(row) == cols;
    }
    if (!ok) {
        opsin_diag_at(d, c->path, map, "map must be %zu strings of %zu "
                       "characters, one per row (expected e.g. map = [\"RRII\", ...];)", rows,
                       cols);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* Adds the cells of one array to c->comps: material parameters, then the array's overrides. */
static int read_array(const config_setting_t *g, opsin_circuit *c, opsin_arraydef *a,
                      opsin_diag *d)
{
    const char *id;
    int rc;
    a->line = opsin_cfg_line(g);
    if (!config_setting_is_group(g)) {
        opsin_diag_set(d, c->path, a->line, "an array must be a group (expected { id = ...; rows "
                       "= ...; cols = ...; material = ...; })");
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_string(g, "id", 1, &id, c->path, d)) ||
        (rc = count_member(g, "rows", 1, 4096, &a->rows, c->path, d)) ||
        (rc = count_member(g, "cols", 1, 4096, &a->cols, c->path, d)) ||
        (rc = check_map(g, c, a->rows, a->cols, d)))
        return rc;
    if (strlen(id) == 0 || strlen(id) > 40 || strpbrk(id, "., \t=_")) {
        opsin_diag_set(d, c->path, a->line, "bad array id '%s' (expected 1 to 40 characters "
                       "without '.', ',', '=', '_' or spaces)", id);
        return OPSIN_EINVAL;
    }
    if (opsin_circuit_find(c, id) >= 0 || opsin_circuit_find_array(c, id) >= 0) {
        opsin_diag_set(d, c->path, a->line, "array '%s' is defined twice or shares an id with a "
                       "component (expected unique ids)", id);
        return OPSIN_EINVAL;
    }
    snprintf(a->id, sizeof a->id, "%s", id);
    if (opsin_idindex_add(&c->array_ids, c->arrays, sizeof *c->arrays, (size_t)(a - c->arrays)))
        return OPSIN_ENOMEM;
    size_t n = a->rows * a->cols;
    opsin_compdef *grown = realloc(c->comps, (c->ncomps + n) * sizeof *grown);
    if (!grown)
        return OPSIN_ENOMEM;
    c->comps = grown;
    a->first = c->ncomps;
    for (size_t r = 0; r < a->rows; r++)
        for (size_t col = 0; col < a->cols; col++) {
            int mi = cell_material(g, c, r, col, d);
            if (mi < 0)
                return OPSIN_EINVAL;
            const opsin_compdef *mat = &c->mats[mi];
            opsin_compdef *cd = &c->comps[c->ncomps];
            char cid[OPSIN_ID_MAX];
            snprintf(cid, sizeof cid, "%s_%zu_%zu", id, r, col);
            if (opsin_circuit_find(c, cid) >= 0) {
                opsin_diag_set(d, c->path, a->line, "cell '%s' of array '%s' shares its id with "
                               "a component (expected unique ids)", cid, id);
                return OPSIN_EINVAL;
            }
            memset(cd, 0, sizeof *cd);
            c->ncomps++;
            if ((rc = opsin_compdef_init(cd, cid, mat->model, a->line)) ||
                (rc = opsin_idindex_add(&c->comp_ids, c->comps, sizeof *c->comps, c->ncomps - 1)))
                return rc;
            memcpy(cd->p, mat->p, mat->model->nparams * sizeof *cd->p);
            memcpy(cd->p_line, mat->p_line, mat->model->nparams * sizeof *cd->p_line);
            if ((rc = opsin_params_read(g, c->path, cd, array_keys_fixed, NULL, &c->warn, d)) ||
                (rc = opsin_params_check(cd, c->path, d)))
                return rc;
        }
    return OPSIN_OK;
}

int opsin_arrays_read(const config_setting_t *list, opsin_circuit *c, opsin_diag *d)
{
    if (!list)
        return OPSIN_OK;
    if (!config_setting_is_list(list)) {
        opsin_diag_at(d, c->path, list, "arrays must be a list (expected "
                       "arrays = ( { id = ...; rows = ...; cols = ...; material = ...; } );)");
        return OPSIN_EINVAL;
    }
    size_t n = (size_t)config_setting_length(list);
    c->arrays = calloc(n ? n : 1, sizeof *c->arrays);
    if (!c->arrays)
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        c->narrays = i + 1;
        int rc = read_array(config_setting_get_elem(list, (unsigned)i), c, &c->arrays[i], d);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}
