/* stimulus.c: reads stimulus files: current, voltage and optical sources with pulse trains. */
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const top_keys[] = {"sources", "t_end", NULL};
static const char *const source_keys[] = {"id", "kind", "targets", "wavelength", "trains",
                                          "envelope", "frequency", "phase", "tau", "slope",
                                          "start", "width", "period", "count", "amplitude",
                                          "amplitude_end", "irradiance", "irradiance_end", NULL};
static const char *const train_keys[] = {"start", "width", "period", "count", "amplitude",
                                         "amplitude_end", "irradiance", "irradiance_end", "slope",
                                         NULL};
static const char *const kind_names[] = {"current", "voltage", "optical"};
static const char *const kind_units[] = {"A", "V", "W/m2"};
static const char *const kind_slope_units[] = {"A/s", "V/s", "W/m2/s"};
static const unsigned kind_accepts[] = {OPSIN_IN_CURRENT, OPSIN_IN_VOLTAGE, OPSIN_IN_OPTICAL};

void opsin_stimulus_free(opsin_stimulus *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsources; i++) {
        free(s->sources[i].targets);
        free(s->sources[i].pulses);
    }
    free(s->sources);
    free(s->path);
    free(s);
}

/* Reads an optional number member with bounds; *out keeps its value when absent. */
static int member(const config_setting_t *g, const opsin_param_def *pd, double *out,
                  const char *file, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, pd->name);
    return s ? opsin_cfg_param(s, pd, out, file, d) : OPSIN_OK;
}

/* Optical trains give `irradiance`, electrical ones `amplitude`: the other is a mistake. */
static int check_amplitude_key(const config_setting_t *g, const opsin_source *src,
                               const char *file, opsin_diag *d)
{
    int optical = src->kind == OPSIN_SRC_OPTICAL;
    const char *wrong = optical ? "amplitude" : "irradiance";
    const config_setting_t *s = config_setting_get_member(g, wrong);
    if (!s)
        s = config_setting_get_member(g, optical ? "amplitude_end" : "irradiance_end");
    if (!s)
        return OPSIN_OK;
    opsin_diag_at(d, file, s, "'%s' does not belong to %s %s source (expected "
                   "'%s')", config_setting_name(s), optical ? "an" : "a", kind_names[src->kind],
                   optical ? "irradiance" : "amplitude");
    return OPSIN_EINVAL;
}

/* Appends one train (start, width, period, count, amplitude ramp) to a source's pulses. */
static int read_train(const config_setting_t *g, opsin_source *src, const char *file,
                      opsin_diag *d)
{
    const char *unit = kind_units[src->kind];
    const char *amp_name = src->kind == OPSIN_SRC_OPTICAL ? "irradiance" : "amplitude";
    const char *end_name = src->kind == OPSIN_SRC_OPTICAL ? "irradiance_end" : "amplitude_end";
    const opsin_param_def d_start = {"start", "s", 0, 0, INFINITY, 0, ""};
    const opsin_param_def d_width = {"width", "s", 0, 0, INFINITY, OPSIN_P_MIN_OPEN, ""};
    const opsin_param_def d_period = {"period", "s", 0, 0, INFINITY, OPSIN_P_MIN_OPEN, ""};
    const opsin_param_def d_count = {"count", "", 1, 0, 1e6, OPSIN_P_INTEGER, ""};
    const opsin_param_def d_amp = {amp_name, unit, 0, src->kind == OPSIN_SRC_OPTICAL ? 0 : -INFINITY,
                                   INFINITY, 0, ""};
    const opsin_param_def d_end = {end_name, unit, 0, d_amp.min, INFINITY, 0, ""};
    int line = opsin_cfg_line(g), rc;
    if ((rc = check_amplitude_key(g, src, file, d)))
        return rc;
    static const char *const needed[] = {"start", "width", NULL};
    for (const char *const *n = needed; *n; n++)
        if (!config_setting_get_member(g, *n)) {
            opsin_diag_set(d, file, line, "pulse train needs '%s' (expected %s = \"... s\";)", *n,
                           *n);
            return OPSIN_EINVAL;
        }
    if (!config_setting_get_member(g, amp_name)) {
        opsin_diag_set(d, file, line, "pulse train needs '%s' (expected %s = \"... %s\";)",
                       amp_name, amp_name, unit);
        return OPSIN_EINVAL;
    }
    const opsin_param_def d_slope = {"slope", kind_slope_units[src->kind], 0, -INFINITY, INFINITY,
                                     0, ""};
    double start = 0, width = 0, period = 0, count = 1, amp = 0, amp_end, slope = 0;
    if ((rc = member(g, &d_start, &start, file, d)) || (rc = member(g, &d_width, &width, file, d)) ||
        (rc = member(g, &d_count, &count, file, d)) || (rc = member(g, &d_amp, &amp, file, d)))
        return rc;
    amp_end = amp;
    if ((rc = member(g, &d_end, &amp_end, file, d)) || (rc = member(g, &d_slope, &slope, file, d)))
        return rc;
    if (config_setting_get_member(g, "period") && (rc = member(g, &d_period, &period, file, d)))
        return rc;
    if (count > 1) {
        if (!config_setting_get_member(g, "period")) {
            opsin_diag_set(d, file, line, "a train of %ld pulses needs 'period' (expected period "
                           ">= width)", (long)count);
            return OPSIN_EINVAL;
        }
        if ((rc = member(g, &d_period, &period, file, d)))
            return rc;
        if (period < width) {
            opsin_diag_set(d, file, line, "period %g s is shorter than width %g s: pulses would "
                           "overlap (expected period >= width)", period, width);
            return OPSIN_EINVAL;
        }
    }
    size_t n = (size_t)count;
    opsin_pulse *p = realloc(src->pulses, (src->npulses + n + 1) * sizeof *p);
    if (!p)
        return OPSIN_ENOMEM;
    src->pulses = p;
    for (size_t k = 0; k < n; k++) {
        /* Exact products, never accumulated sums: pulse k starts at start + k*period. */
        double frac = n > 1 ? (double)k / (double)(n - 1) : 0.0;
        p[src->npulses + k] = (opsin_pulse){start + (double)k * period, width,
                                            amp + (amp_end - amp) * frac, slope};
    }
    src->npulses += n;
    return OPSIN_OK;
}

static int pulse_cmp(const void *a, const void *b)
{
    double x = ((const opsin_pulse *)a)->start, y = ((const opsin_pulse *)b)->start;
    return (x > y) - (x < y);
}

/* Adds one component to a source's targets: it must take the source's kind, and only once. */
static int add_target(const opsin_circuit *c, opsin_source *src, int ci, const char *file,
                      int line, opsin_diag *d)
{
    const char *id = c->comps[ci].id;
    if (!(c->comps[ci].model->accepts & kind_accepts[src->kind])) {
        opsin_diag_set(d, file, line, "target '%s' (model %s) takes no %s drive (expected a "
                       "component that accepts %s input)", id, c->comps[ci].model->name,
                       kind_names[src->kind], kind_names[src->kind]);
        return OPSIN_EINVAL;
    }
    for (size_t k = 0; k < src->ntargets; k++)
        if (src->targets[k] == ci) {
            opsin_diag_set(d, file, line, "target '%s' is listed twice (expected each target "
                           "once)", id);
            return OPSIN_EINVAL;
        }
    src->targets[src->ntargets++] = ci;
    return OPSIN_OK;
}

/* Resolves the targets array to component indices accepting this kind of drive. */
static int read_targets(const config_setting_t *g, const opsin_circuit *c, opsin_source *src,
                        const char *file, opsin_diag *d)
{
    const config_setting_t *t = config_setting_get_member(g, "targets");
    int line = t ? opsin_cfg_line(t) : opsin_cfg_line(g);
    int n = t ? config_setting_length(t) : 0;
    if (t && config_setting_type(t) != CONFIG_TYPE_ARRAY && !config_setting_is_list(t)) {
        opsin_diag_set(d, file, line, "targets must be an array (expected targets = [\"%s\"];)",
                       c->comps[0].id);
        return OPSIN_EINVAL;
    }
    if (n == 0) {
        opsin_diag_set(d, file, line, "source '%s' needs targets (expected targets = [\"ID\", "
                       "...];)", src->id);
        return OPSIN_EINVAL;
    }
    size_t cap = 0;
    for (int i = 0; i < n; i++) { /* an array id stands for all of its cells */
        const char *id = config_setting_get_string_elem(t, i);
        int ai = id ? opsin_circuit_find_array(c, id) : -1;
        cap += ai >= 0 ? c->arrays[ai].rows * c->arrays[ai].cols : 1;
    }
    src->targets = calloc(cap, sizeof *src->targets);
    if (!src->targets)
        return OPSIN_ENOMEM;
    for (int i = 0; i < n; i++) {
        const char *id = config_setting_get_string_elem(t, i);
        if (!id) {
            opsin_diag_set(d, file, line, "target %d is not a string (expected the id of a "
                           "component of %s)", i + 1, c->path);
            return OPSIN_EINVAL;
        }
        int ai = opsin_circuit_find_array(c, id), ci = opsin_circuit_find(c, id);
        if (ci < 0 && ai < 0) {
            opsin_diag_set(d, file, line, "unknown target '%s' (expected the id of a component "
                           "or array of %s)", id, c->path);
            return OPSIN_EINVAL;
        }
        size_t first = ai >= 0 ? c->arrays[ai].first : (size_t)ci;
        size_t count = ai >= 0 ? c->arrays[ai].rows * c->arrays[ai].cols : 1;
        for (size_t k = first; k < first + count; k++) {
            int rc = add_target(c, src, (int)k, file, line, d);
            if (rc)
                return rc;
        }
    }
    return OPSIN_OK;
}

/* envelope = "rect" (default) | "sine" with frequency (Hz) and phase (rad) | "exp" with tau (s). */
static int read_envelope(const config_setting_t *g, opsin_source *src, const char *file,
                         opsin_diag *d)
{
    const char *env;
    int rc = opsin_cfg_string(g, "envelope", 0, &env, file, d);
    const config_setting_t *f = config_setting_get_member(g, "frequency");
    const config_setting_t *ph = config_setting_get_member(g, "phase");
    const config_setting_t *tau = config_setting_get_member(g, "tau");
    if (rc)
        return rc;
    src->env.kind = OPSIN_ENV_RECT;
    int sine = env && strcmp(env, "sine") == 0, ex = env && strcmp(env, "exp") == 0;
    const config_setting_t *extra = !sine && f ? f : !sine && ph ? ph : !ex && tau ? tau : NULL;
    if (extra) {
        opsin_diag_at(d, file, extra, "'%s' does not belong to this envelope (expected "
                      "frequency and phase with envelope = \"sine\", tau with \"exp\")",
                      config_setting_name(extra));
        return OPSIN_EINVAL;
    }
    if (!env || strcmp(env, "rect") == 0)
        return OPSIN_OK;
    if (ex) {
        const opsin_param_def d_tau = {"tau", "s", 0, 0, INFINITY, OPSIN_P_MIN_OPEN, ""};
        if (!tau) {
            opsin_diag_set(d, file, src->line, "an exponential envelope needs tau (expected "
                           "tau = \"1 ms\";)");
            return OPSIN_EINVAL;
        }
        src->env.kind = OPSIN_ENV_EXP;
        return opsin_cfg_param(tau, &d_tau, &src->env.tau, file, d);
    }
    if (!sine) {
        opsin_diag_at(d, file, config_setting_get_member(g, "envelope"),
                       "unknown envelope '%s' (expected \"rect\", \"sine\" or \"exp\")", env);
        return OPSIN_EINVAL;
    }
    const opsin_param_def d_f = {"frequency", "Hz", 0, 0, INFINITY, OPSIN_P_MIN_OPEN, ""};
    const opsin_param_def d_ph = {"phase", "", 0, -INFINITY, INFINITY, 0, ""};
    if (!f) {
        opsin_diag_set(d, file, src->line, "a sinusoidal envelope needs a frequency (expected "
                       "frequency = \"1 Hz\";)");
        return OPSIN_EINVAL;
    }
    src->env.kind = OPSIN_ENV_SINE;
    if ((rc = opsin_cfg_param(f, &d_f, &src->env.frequency, file, d)) ||
        (ph && (rc = opsin_cfg_param(ph, &d_ph, &src->env.phase, file, d))))
        return rc;
    return OPSIN_OK;
}

static int read_source(const config_setting_t *g, const opsin_stimulus *st,
                       const opsin_circuit *c, opsin_source *src, opsin_diag *d)
{
    const char *file = st->path, *id, *kind;
    int rc;
    src->line = opsin_cfg_line(g);
    if (!config_setting_is_group(g)) {
        opsin_diag_set(d, file, src->line, "a source must be a group (expected { id = ...; kind "
                       "= ...; targets = [...]; ... })");
        return OPSIN_EINVAL;
    }
    if ((rc = opsin_cfg_known_keys(g, source_keys, "source key", file, d)) ||
        (rc = opsin_cfg_string(g, "id", 1, &id, file, d)) ||
        (rc = opsin_cfg_string(g, "kind", 1, &kind, file, d)))
        return rc;
    if (strlen(id) == 0 || strlen(id) >= OPSIN_ID_MAX || strpbrk(id, "., \t=")) {
        opsin_diag_set(d, file, src->line, "bad source id '%s' (expected 1 to %d characters "
                       "without '.', ',', '=' or spaces)", id, OPSIN_ID_MAX - 1);
        return OPSIN_EINVAL;
    }
    snprintf(src->id, sizeof src->id, "%s", id);
    src->kind = -1;
    for (int k = 0; k < 3; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            src->kind = k;
    if (src->kind < 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "kind"),
                       "unknown source kind '%s' (expected \"current\", \"voltage\" or "
                       "\"optical\")", kind);
        return OPSIN_EINVAL;
    }
    if (src->kind == OPSIN_SRC_OPTICAL) {
        const opsin_param_def wl = {"wavelength", "m", 0, 0, INFINITY, OPSIN_P_MIN_OPEN, ""};
        if (!config_setting_get_member(g, "wavelength")) {
            opsin_diag_set(d, file, src->line, "optical source '%s' needs a wavelength "
                           "(expected wavelength = \"445 nm\";)", id);
            return OPSIN_EINVAL;
        }
        if ((rc = member(g, &wl, &src->wavelength, file, d)))
            return rc;
    } else if (config_setting_get_member(g, "wavelength")) {
        opsin_diag_at(d, file, config_setting_get_member(g, "wavelength"),
                       "wavelength belongs to optical sources only (expected kind = \"optical\")");
        return OPSIN_EINVAL;
    }
    if ((rc = check_amplitude_key(g, src, file, d)) || (rc = read_targets(g, c, src, file, d)) ||
        (rc = read_envelope(g, src, file, d)))
        return rc;
    const config_setting_t *trains = config_setting_get_member(g, "trains");
    if (config_setting_get_member(g, "start")) {
        if ((rc = read_train(g, src, file, d)))
            return rc;
    } else {
        for (const char *const *k = train_keys; *k; k++) /* a train without its start */
            if (config_setting_get_member(g, *k)) {
                opsin_diag_at(d, file, config_setting_get_member(g, *k),
                               "'%s' belongs to a pulse train, but source '%s' gives no start "
                               "(expected start = \"...\"; beside it, or the key inside "
                               "trains = ( {...} );)", *k, id);
                return OPSIN_EINVAL;
            }
    }
    if (trains) {
        if (!config_setting_is_list(trains)) {
            opsin_diag_at(d, file, trains, "trains must be a list (expected "
                           "trains = ( { start = ...; width = ...; ... } );)");
            return OPSIN_EINVAL;
        }
        for (int i = 0; i < config_setting_length(trains); i++) {
            const config_setting_t *tg = config_setting_get_elem(trains, (unsigned)i);
            if (!config_setting_is_group(tg)) {
                opsin_diag_at(d, file, tg, "a train must be a group (expected "
                               "{ start = ...; width = ...; ... })");
                return OPSIN_EINVAL;
            }
            if ((rc = opsin_cfg_known_keys(tg, train_keys, "train key", file, d)) ||
                (rc = read_train(tg, src, file, d)))
                return rc;
        }
    }
    if ((!trains || config_setting_length(trains) == 0) && !config_setting_get_member(g, "start")) {
        opsin_diag_set(d, file, src->line, "source '%s' has no pulses (expected start, width, "
                       "... or trains = ( {...} );)", id);
        return OPSIN_EINVAL;
    }
    qsort(src->pulses, src->npulses, sizeof *src->pulses, pulse_cmp);
    for (size_t k = 1; k < src->npulses; k++) {
        const opsin_pulse *a = &src->pulses[k - 1], *b = &src->pulses[k];
        if (b->start < a->start + a->width) {
            opsin_diag_set(d, file, src->line, "pulses of source '%s' overlap at t = %g s "
                           "(expected each pulse to end before the next starts)", id, b->start);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}

/* Reads a stimulus from a file (text == NULL) or from text named `path` in messages. */
static int stimulus_read(const char *path, const char *text, const opsin_circuit *c,
                         opsin_stimulus **out, opsin_diag *diag)
{
    opsin_stimulus *s = calloc(1, sizeof *s);
    if (!s || !(s->path = opsin_strdup(path))) {
        free(s);
        return OPSIN_ENOMEM;
    }
    config_t cfg;
    config_init(&cfg);
    int rc = text ? opsin_cfg_read_string(&cfg, text, path, diag)
                  : opsin_cfg_read(&cfg, path, diag);
    const config_setting_t *list = NULL;
    if (!rc && !(rc = opsin_cfg_known_keys(config_root_setting(&cfg), top_keys, "stimulus key",
                                          path, diag))) {
        list = config_lookup(&cfg, "sources");
        if (list && !config_setting_is_list(list)) {
            opsin_diag_at(diag, path, list, "sources must be a list (expected "
                           "sources = ( { id = ...; kind = ...; } );)");
            rc = OPSIN_EINVAL;
        } else if (!list || config_setting_length(list) == 0) {
            opsin_diag_set(diag, path, list ? opsin_cfg_line(list) : 0,
                           "no sources (expected sources = ( { id = ...; kind = ...; } );)");
            rc = OPSIN_EINVAL;
        }
    }
    if (!rc) {
        size_t n = (size_t)config_setting_length(list);
        s->sources = calloc(n ? n : 1, sizeof *s->sources);
        rc = s->sources ? OPSIN_OK : OPSIN_ENOMEM;
        for (size_t i = 0; i < n && !rc; i++) {
            s->nsources = i + 1;
            rc = read_source(config_setting_get_elem(list, (unsigned)i), s, c, &s->sources[i],
                             diag);
            for (size_t j = 0; j < i && !rc; j++)
                if (strcmp(s->sources[j].id, s->sources[i].id) == 0) {
                    opsin_diag_set(diag, path, s->sources[i].line, "source '%s' is defined twice "
                                   "(expected unique ids; first at line %d)", s->sources[i].id,
                                   s->sources[j].line);
                    rc = OPSIN_EINVAL;
                }
        }
    }
    if (!rc)
        rc = opsin_read_t_end(&cfg, path, &s->t_end, diag);
    config_destroy(&cfg);
    if (rc) {
        opsin_stimulus_free(s);
        return rc;
    }
    *out = s;
    return OPSIN_OK;
}

int opsin_stimulus_load(const char *path, const opsin_circuit *c, opsin_stimulus **out,
                        opsin_diag *diag)
{
    return stimulus_read(path, NULL, c, out, diag);
}

int opsin_stimulus_parse(const char *text, const char *name, const opsin_circuit *c,
                         opsin_stimulus **out, opsin_diag *diag)
{
    return stimulus_read(name, text, c, out, diag);
}

void opsin_stimulus_print(const opsin_stimulus *s, FILE *fp)
{
    fprintf(fp, "stimulus %s: %zu source(s)\n", s->path, s->nsources);
    for (size_t i = 0; i < s->nsources; i++) {
        const opsin_source *src = &s->sources[i];
        fprintf(fp, "  %s: %s, %zu pulse(s)", src->id, kind_names[src->kind], src->npulses);
        if (src->kind == OPSIN_SRC_OPTICAL)
            fprintf(fp, " at %.6g m", src->wavelength);
        if (src->npulses)
            fprintf(fp, ", first at %.9g s (%.6g s, %.6g %s), last ends %.9g s", src->pulses[0].start,
                    src->pulses[0].width, src->pulses[0].amplitude, kind_units[src->kind],
                    src->pulses[src->npulses - 1].start + src->pulses[src->npulses - 1].width);
        fprintf(fp, "\n");
    }
}
