/* devsyn_read.c: the `device` group of a projection: every synapse is an instance of a device
 * model (engine/devsyn.c).
 *
 *   device = { model = "phototrap"; PARAM = value; ...     (or material = "ID"; overrides)
 *              spike = { shape = "exp"; amplitude = "-1 V"; width = "1 ms"; tail = 0.5;
 *                        tail_width = "30 ms"; tail_tau = "10 ms"; };
 *              read = { voltage = "0.1 V"; width = "1 ms"; }; }
 *
 * The device must accept voltage drives and offer a conductance (its port): the spike
 * waveforms are voltages on its terminal and a pre spike reads its conductance.  The spike
 * keys and their defaults are those of `opsin stdp` (shape rect, exp or linear; no table).
 * Or it is linear, takes a current and offers a voltage (a supercap, the `filter` kind):
 *
 *   device = { model = "supercap"; PARAM = value; ...
 *              spike = { shape = "rect"; amplitude = "1 mA"; width = "1 ms"; }; }
 *
 * each pre spike drives a rect current pulse into it and its voltage drives the post neuron
 * through the projection's weight (S; engine/netfilt.c): no read, no tail, no other shape.
 */
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const spike_keys[] = {"shape", "amplitude", "width", "tail", "tail_width",
                                         "tail_tau", NULL};
static const char *const read_keys[] = {"voltage", "width", NULL};
static const char *const skip_keys[] = {"model", "material", "spike", "read", NULL};
static const char *const shape_names[] = {"rect", "exp", "linear"}; /* enum opsin_spike_shape */

static const opsin_param_def amplitude_def = {"amplitude", "V", -1.0, -INFINITY, INFINITY,
                                              1e-3, 100, 0, ""};
static const opsin_param_def current_def = {"amplitude", "A", 1e-3, -INFINITY, INFINITY,
                                            1e-12, 1, 0, ""};
static const opsin_param_def width_def = {"width", "s", 1e-3, 0, INFINITY, 1e-9, 10,
                                          OPSIN_P_MIN_OPEN, ""};
static const opsin_param_def tail_def = {"tail", "", 0.5, -INFINITY, INFINITY, 0, 0, 0, ""};
static const opsin_param_def tail_width_def = {"tail_width", "s", 30e-3, 0, INFINITY, 1e-9, 10,
                                               OPSIN_P_MIN_OPEN, ""};
static const opsin_param_def tail_tau_def = {"tail_tau", "s", 10e-3, 0, INFINITY, 1e-9, 10,
                                             OPSIN_P_MIN_OPEN, ""};
static const opsin_param_def vread_def = {"voltage", "V", 0, -INFINITY, INFINITY, 1e-3, 100, 0,
                                          ""};
static const opsin_param_def tread_def = {"width", "s", 0, 0, INFINITY, 1e-9, 10,
                                          OPSIN_P_MIN_OPEN, ""};

/* Member `def->name` of g into *out when present (else *out keeps its default). */
static int optional(const config_setting_t *g, const opsin_param_def *def, double *out,
                    opsin_circuit *c, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, def->name);
    return s ? opsin_cfg_param_warn(s, def, out, c->path, &c->warn, d) : OPSIN_OK;
}

/* A model whose instances can be read (voltage in, conductance out). */
static int readable(const opsin_model *m)
{
    return m->port == OPSIN_PORT_CONDUCTANCE && (m->accepts & OPSIN_IN_VOLTAGE);
}

/* A linear model that takes a current and offers a voltage: a supercap synapse. */
static int filter(const opsin_model *m)
{
    return m->port == OPSIN_PORT_VOLTAGE && (m->accepts & OPSIN_IN_CURRENT) && m->linear_sys;
}

/* The model's names that can be device synapses, for messages. */
static void device_models(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; opsin_model_at(i) && used < len; i++) {
        const opsin_model *m = opsin_model_at(i);
        if (readable(m) || filter(m))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", m->name);
    }
}

/* The device: a model and its parameters, or a material and overrides. */
static int read_device_model(const config_setting_t *g, opsin_circuit *c, opsin_projdef *pj,
                             opsin_diag *d)
{
    opsin_compdef *cd = &pj->dev->dev;
    const config_setting_t *mat = config_setting_get_member(g, "material");
    const config_setting_t *mod = config_setting_get_member(g, "model");
    const opsin_compdef *from = NULL;
    const opsin_model *m;
    int rc;
    if (!!mat == !!mod) {
        opsin_diag_at(d, c->path, mat ? mat : g, "a device synapse %s 'model' or 'material' "
                      "(expected device = { model = \"phototrap\"; ... } or { material = "
                      "\"ID\"; ... })", mat ? "takes one of" : "needs either");
        return OPSIN_EINVAL;
    }
    if (mat) {
        const char *name;
        if ((rc = opsin_cfg_string(g, "material", 1, &name, c->path, d)))
            return rc;
        int mi = opsin_circuit_find_material(c, name);
        if (mi < 0) {
            opsin_diag_at(d, c->path, mat, "unknown material '%s' (expected the id of an "
                          "entry of materials)", name);
            return OPSIN_EINVAL;
        }
        from = &c->mats[mi];
        m = from->model;
    } else if (!(m = opsin_cfg_model(g, c->path, d))) {
        return OPSIN_EINVAL;
    }
    if (!readable(m) && !filter(m)) {
        char list[200];
        device_models(list, sizeof list);
        opsin_diag_at(d, c->path, mat ? mat : mod, "model %s cannot be a device synapse: it "
                      "must take the spikes' voltage and offer a conductance to read, or be "
                      "linear, take a current pulse and offer a voltage (expected one of: %s)",
                      m->name, list);
        return OPSIN_EINVAL;
    }
    pj->dev->filter = filter(m);
    if ((rc = opsin_compdef_init(cd, pj->id, m, opsin_cfg_line(g))))
        return rc;
    if (from) {
        memcpy(cd->p, from->p, m->nparams * sizeof *cd->p);
        memcpy(cd->p_line, from->p_line, m->nparams * sizeof *cd->p_line);
    }
    if ((rc = opsin_params_read(g, c->path, cd, skip_keys, NULL, &c->warn, d)))
        return rc;
    return opsin_params_check_as(cd, c->path, "the device synapses of projection", d);
}

/* A supercap's pulse: spike = { shape = "rect"; amplitude = CURRENT; width = TIME; } with
 * the amplitude required (the device takes a current: no tail, no other shape). */
static int read_pulse(const config_setting_t *g, const config_setting_t *s, opsin_circuit *c,
                      opsin_devsyn_def *dv, opsin_diag *d)
{
    static const char example[] = "spike = { shape = \"rect\"; amplitude = \"1 mA\"; width = "
                                  "\"1 ms\"; }";
    static const char *const tail_keys[] = {"tail", "tail_width", "tail_tau", NULL};
    dv->shape = OPSIN_SPIKE_RECT;
    dv->tail = 0;
    if (!s || !config_setting_is_group(s)) {
        opsin_diag_at(d, c->path, s ? s : g, "%s: each pre spike drives a current pulse into "
                      "the %s (expected %s)", s ? "'spike' must be a group"
                      : "a supercap synapse needs its spike", dv->dev.model->name, example);
        return OPSIN_EINVAL;
    }
    const config_setting_t *x = NULL;
    for (size_t k = 0; tail_keys[k] && !x; k++)
        x = config_setting_get_member(s, tail_keys[k]);
    const char *shape;
    int rc = opsin_cfg_known_keys(s, spike_keys, "spike key", c->path, d);
    if (!rc && x) {
        opsin_diag_at(d, c->path, x, "'%s': a %s takes a rectangular current pulse, with no "
                      "tail (expected %s)", config_setting_name(x), dv->dev.model->name,
                      example);
        return OPSIN_EINVAL;
    }
    if (!rc && !(rc = opsin_cfg_string(s, "shape", 0, &shape, c->path, d)) && shape &&
        strcmp(shape, "rect") != 0) {
        opsin_diag_at(d, c->path, config_setting_get_member(s, "shape"), "spike shape '%s' "
                      "on a %s, which takes a current pulse (expected shape = \"rect\")",
                      shape, dv->dev.model->name);
        return OPSIN_EINVAL;
    }
    const config_setting_t *a = config_setting_get_member(s, "amplitude");
    if (!rc && !a) {
        opsin_diag_at(d, c->path, s, "the pulse into a %s needs its 'amplitude', a current "
                      "(expected %s)", dv->dev.model->name, example);
        return OPSIN_EINVAL;
    }
    if (!rc)
        rc = opsin_cfg_param_warn(a, &current_def, &dv->amplitude, c->path, &c->warn, d);
    return rc ? rc : optional(s, &width_def, &dv->width, c, d);
}

/* The spike waveform (defaults: opsin stdp's). */
static int read_spike(const config_setting_t *g, opsin_circuit *c, opsin_devsyn_def *dv,
                      opsin_diag *d)
{
    dv->shape = OPSIN_SPIKE_EXP_TAIL;
    dv->amplitude = amplitude_def.def;
    dv->width = width_def.def;
    dv->tail = tail_def.def;
    dv->tail_width = tail_width_def.def;
    dv->tail_tau = tail_tau_def.def;
    const config_setting_t *s = config_setting_get_member(g, "spike");
    if (dv->filter)
        return read_pulse(g, s, c, dv, d);
    if (!s)
        return OPSIN_OK;
    int rc;
    if (!config_setting_is_group(s)) {
        opsin_diag_at(d, c->path, s, "'spike' must be a group (expected spike = { shape = "
                      "\"exp\"; amplitude = \"-1 V\"; width = \"1 ms\"; })");
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_known_keys(s, spike_keys, "spike key", c->path, d)))
        return rc;
    const char *shape;
    if ((rc = opsin_cfg_string(s, "shape", 0, &shape, c->path, d)))
        return rc;
    if (shape) {
        char expected[128];
        int k = opsin_name_lookup(shape_names, 3, shape, expected, sizeof expected);
        if (k < 0) {
            opsin_diag_at(d, c->path, config_setting_get_member(s, "shape"), "unknown spike "
                          "shape '%s' (expected %s)", shape, expected);
            return OPSIN_EINVAL;
        }
        dv->shape = k;
    }
    if ((rc = optional(s, &amplitude_def, &dv->amplitude, c, d)) ||
        (rc = optional(s, &width_def, &dv->width, c, d)) ||
        (rc = optional(s, &tail_def, &dv->tail, c, d)) ||
        (rc = optional(s, &tail_width_def, &dv->tail_width, c, d)) ||
        (rc = optional(s, &tail_tau_def, &dv->tail_tau, c, d)))
        return rc;
    return OPSIN_OK;
}

/* The read: both keys required (they set the weight's scale). */
static int read_read(const config_setting_t *g, opsin_circuit *c, opsin_devsyn_def *dv,
                     opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, "read");
    static const char example[] = "read = { voltage = \"0.1 V\"; width = \"1 ms\"; }";
    int rc;
    if (dv->filter) {
        if (s)
            opsin_diag_at(d, c->path, s, "a %s has no conductance to read: its voltage drives "
                          "the post neuron through the weight (expected no 'read'; weight = "
                          "\"100 nS\" beside 'device')", dv->dev.model->name);
        return s ? OPSIN_EINVAL : OPSIN_OK;
    }
    if (!s || !config_setting_is_group(s)) {
        opsin_diag_at(d, c->path, s ? s : g, "%s: a pre spike sends the charge G x voltage x "
                      "width to the post neuron (expected %s)", s ? "'read' must be a group"
                      : "a device synapse needs its read", example);
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_known_keys(s, read_keys, "read key", c->path, d)))
        return rc;
    const opsin_param_def *defs[2] = {&vread_def, &tread_def};
    double *outs[2] = {&dv->v_read, &dv->t_read};
    for (int k = 0; k < 2; k++) {
        const config_setting_t *m = config_setting_get_member(s, defs[k]->name);
        if (!m) {
            opsin_diag_at(d, c->path, s, "read needs '%s' (expected %s)", defs[k]->name,
                          example);
            return OPSIN_EINVAL;
        }
        if ((rc = opsin_cfg_param_warn(m, defs[k], outs[k], c->path, &c->warn, d)))
            return rc;
    }
    return OPSIN_OK;
}

/* A model that counts pulses as spikes takes one positive rectangular pulse per spike. */
static int spike_fits(const config_setting_t *g, const opsin_circuit *c,
                      const opsin_devsyn_def *dv, opsin_diag *d)
{
    if (!dv->dev.model->pulse_spikes ||
        (dv->shape == OPSIN_SPIKE_RECT && dv->amplitude > 0))
        return OPSIN_OK;
    const config_setting_t *s = config_setting_get_member(g, "spike");
    opsin_diag_at(d, c->path, s ? s : g, "model %s takes every pulse as a spike (positive: "
                  "pre, negative: post), so a %s would count wrong (expected spike = { shape "
                  "= \"rect\"; amplitude = \"1 V\"; })", dv->dev.model->name,
                  dv->shape != OPSIN_SPIKE_RECT ? "tail" : "negative amplitude");
    return OPSIN_EINVAL;
}

int opsin_devsyn_read(const config_setting_t *g, opsin_circuit *c, opsin_projdef *pj,
                      opsin_diag *d)
{
    if (!config_setting_is_group(g)) {
        opsin_diag_at(d, c->path, g, "'device' must be a group (expected device = { model = "
                      "\"phototrap\"; ...; read = { voltage = \"0.1 V\"; width = \"1 ms\"; "
                      "}; })");
        return OPSIN_EINVAL;
    }
    if (!(pj->dev = calloc(1, sizeof *pj->dev)))
        return OPSIN_ENOMEM;
    pj->dev->line = opsin_cfg_line(g);
    int rc;
    if ((rc = read_device_model(g, c, pj, d)) || (rc = read_spike(g, c, pj->dev, d)) ||
        (rc = read_read(g, c, pj->dev, d)))
        return rc;
    return spike_fits(g, c, pj->dev, d);
}
