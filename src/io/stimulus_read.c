/* stimulus_read.c: reads stimulus files into the typed stimulus object (engine/stimulus.c).
 *
 * This file checks what only a file can get wrong: the type, unit and line of each member,
 * unknown or misplaced keys, missing members.  The values then go through
 * opsin_stimulus_add_source and opsin_stimulus_add_train, whose checks (targets, bounds,
 * periods, overlaps) are the same for files and for stimuli built in code.  The keys and
 * their units come from the one key table (engine/stimkey.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

static const char *const top_keys[] = {"sources", "spike_sources", "t_end", NULL};
static const char *const envelope_names[] = {"rect", "sine", "exp"};

/* The names of the table's keys of a source group (its own, then a train's: a source may
 * be one train) or of a train group, NULL-terminated, in table order. */
static void key_names(int train_only, const char **out)
{
    size_t n = 0;
    for (int level = train_only ? OPSIN_SK_TRAIN : OPSIN_SK_SOURCE; level <= OPSIN_SK_TRAIN;
         level++)
        for (size_t i = 0; i < opsin_stim_nkeys; i++)
            if (opsin_stim_keys[i].level == level)
                out[n++] = opsin_stim_keys[i].def.name;
    out[n] = NULL;
}

/* Reads every numeric key of `level` present in g that fits the kind into spec (by the
 * table's offsets), each checked against its bounds at its own line; a value far outside its
 * usual range is a warning of the stimulus st. */
static int read_numbers(const config_setting_t *g, int level, int kind, void *spec,
                        opsin_stimulus *st, opsin_diag *d)
{
    for (size_t i = 0; i < opsin_stim_nkeys; i++) {
        const opsin_stim_key *k = &opsin_stim_keys[i];
        const config_setting_t *s = config_setting_get_member(g, k->def.name);
        if (!s || k->level != level || k->offset == SIZE_MAX || !(k->kinds & (1u << kind)))
            continue;
        opsin_param_def pd = opsin_stim_key_def(k, kind);
        int rc = opsin_cfg_param_warn(s, &pd, (double *)((char *)spec + k->offset), st->path,
                                      &st->warn, d);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}

/* Optical trains give `irradiance`, electrical ones `amplitude`: the other is a mistake. */
static int check_level_key(const config_setting_t *g, int kind, const char *file, opsin_diag *d)
{
    int optical = kind == OPSIN_SRC_OPTICAL;
    const char *wrong = optical ? "amplitude" : "irradiance";
    const config_setting_t *s = config_setting_get_member(g, wrong);
    if (!s)
        s = config_setting_get_member(g, optical ? "amplitude_end" : "irradiance_end");
    if (!s)
        return OPSIN_OK;
    opsin_diag_at(d, file, s, "'%s' does not belong to %s %s source (expected '%s')",
                  config_setting_name(s), optical ? "an" : "a", opsin_source_kinds[kind].name,
                  opsin_source_kinds[kind].level_key);
    return OPSIN_EINVAL;
}

/* Reads one train group (or the train given beside a source's id) and adds it. */
static int read_train(const config_setting_t *g, opsin_stimulus *st, size_t si,
                      const char *file, opsin_diag *d)
{
    int kind = st->sources[si].kind, line = opsin_cfg_line(g), rc;
    const char *level = opsin_source_kinds[kind].level_key;
    if ((rc = check_level_key(g, kind, file, d)))
        return rc;
    static const char *const needed[] = {"start", "width", NULL};
    for (const char *const *n = needed; *n; n++)
        if (!config_setting_get_member(g, *n)) {
            opsin_diag_set(d, file, line, "pulse train needs '%s' (expected %s = \"... s\";)", *n,
                           *n);
            return OPSIN_EINVAL;
        }
    if (!config_setting_get_member(g, level)) {
        opsin_diag_set(d, file, line, "pulse train needs '%s' (expected %s = \"... %s\";)", level,
                       level, opsin_source_kinds[kind].unit);
        return OPSIN_EINVAL;
    }
    opsin_train_spec t = opsin_train_spec_default();
    t.line = line;
    if ((rc = read_numbers(g, OPSIN_SK_TRAIN, kind, &t, st, d)))
        return rc;
    return opsin_stimulus_add_train(st, si, &t, d);
}

/* The targets array as a list of ids (pointers into the configuration). */
static int read_targets(const config_setting_t *g, const opsin_circuit *c,
                        opsin_source_spec *sp, const char ***ids, const char *file,
                        opsin_diag *d)
{
    const config_setting_t *t = config_setting_get_member(g, "targets");
    int n = t ? config_setting_length(t) : 0;
    sp->targets_line = t ? opsin_cfg_line(t) : 0;
    if (t && config_setting_type(t) != CONFIG_TYPE_ARRAY && !config_setting_is_list(t)) {
        opsin_diag_set(d, file, sp->targets_line, "targets must be an array (expected targets = "
                       "[\"%s\"];)", c->ncomps ? c->comps[0].id : "ID");
        return OPSIN_EINVAL;
    }
    if (!(*ids = calloc((size_t)n + 1, sizeof **ids)))
        return OPSIN_ENOMEM;
    for (int i = 0; i < n; i++)
        if (!((*ids)[i] = config_setting_get_string_elem(t, i))) {
            opsin_diag_set(d, file, sp->targets_line, "target %d is not a string (expected the "
                           "id of a component of %s)", i + 1, c->path);
            return OPSIN_EINVAL;
        }
    sp->targets = *ids;
    sp->ntargets = (size_t)n;
    return OPSIN_OK;
}

/* envelope = "rect" (default) | "sine" with frequency and phase | "exp" with tau; the keys
 * of another envelope are mistakes. */
static int read_envelope(const config_setting_t *g, opsin_source_spec *sp, const char *file,
                         opsin_diag *d)
{
    const char *env;
    int rc = opsin_cfg_string(g, "envelope", 0, &env, file, d);
    if (rc)
        return rc;
    char expected[96];
    sp->envelope = env ? opsin_name_lookup(envelope_names, 3, env, expected, sizeof expected)
                       : OPSIN_ENV_RECT;
    if (sp->envelope < 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "envelope"),
                      "unknown envelope '%s' (expected %s)", env, expected);
        return OPSIN_EINVAL;
    }
    for (size_t i = 0; i < opsin_stim_nkeys; i++) {
        const opsin_stim_key *k = &opsin_stim_keys[i];
        const config_setting_t *s = config_setting_get_member(g, k->def.name);
        if (s && k->envelope >= 0 && k->envelope != sp->envelope) {
            opsin_diag_at(d, file, s, "'%s' does not belong to this envelope (expected "
                          "frequency and phase with envelope = \"sine\", tau with \"exp\")",
                          k->def.name);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}

/* id, kind and wavelength of a source group into the spec. */
static int read_kind(const config_setting_t *g, opsin_source_spec *sp, const char *file,
                     opsin_diag *d)
{
    const char *kind, *names[OPSIN_NKINDS];
    int rc;
    if ((rc = opsin_cfg_string(g, "id", 1, &sp->id, file, d)) ||
        (rc = opsin_cfg_string(g, "kind", 1, &kind, file, d)))
        return rc;
    for (int k = 0; k < OPSIN_NKINDS; k++)
        names[k] = opsin_source_kinds[k].name;
    char expected[96];
    if ((sp->kind = opsin_name_lookup(names, OPSIN_NKINDS, kind, expected, sizeof expected)) < 0) {
        opsin_diag_at(d, file, config_setting_get_member(g, "kind"),
                      "unknown source kind '%s' (expected %s)", kind, expected);
        return OPSIN_EINVAL;
    }
    const config_setting_t *wl = config_setting_get_member(g, "wavelength");
    if (sp->kind == OPSIN_SRC_OPTICAL && !wl) {
        opsin_diag_set(d, file, sp->line, "optical source '%s' needs a wavelength (expected "
                       "wavelength = \"445 nm\";)", sp->id);
        return OPSIN_EINVAL;
    }
    if (sp->kind != OPSIN_SRC_OPTICAL && wl) {
        opsin_diag_at(d, file, wl, "wavelength belongs to optical sources only (expected "
                      "kind = \"optical\")");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The source-level part of a group: everything but its trains, added to the stimulus. */
static int read_source_head(const config_setting_t *g, opsin_stimulus *st,
                            const opsin_circuit *c, size_t *si, const char *file,
                            opsin_diag *d)
{
    const char *keys[64], **ids = NULL;
    opsin_source_spec sp = opsin_source_spec_default();
    sp.line = opsin_cfg_line(g);
    key_names(0, keys);
    int rc = opsin_cfg_known_keys(g, keys, "source key", file, d);
    if (!rc)
        rc = read_kind(g, &sp, file, d);
    if (!rc)
        rc = check_level_key(g, sp.kind, file, d);
    if (!rc)
        rc = read_targets(g, c, &sp, &ids, file, d);
    if (!rc)
        rc = read_envelope(g, &sp, file, d);
    if (!rc)
        rc = read_numbers(g, OPSIN_SK_SOURCE, sp.kind, &sp, st, d);
    if (!rc)
        rc = opsin_stimulus_add_source(st, c, &sp, si, d);
    free(ids);
    return rc;
}

/* A train key beside a source's id without `start` is a train that lost its start. */
static int check_stray_train_keys(const config_setting_t *g, const char *id, const char *file,
                                  opsin_diag *d)
{
    const char *keys[64];
    key_names(1, keys);
    for (const char *const *k = keys; *k; k++)
        if (config_setting_get_member(g, *k)) {
            opsin_diag_at(d, file, config_setting_get_member(g, *k),
                          "'%s' belongs to a pulse train, but source '%s' gives no start "
                          "(expected start = \"...\"; beside it, or the key inside "
                          "trains = ( {...} );)", *k, id);
            return OPSIN_EINVAL;
        }
    return OPSIN_OK;
}

/* The `trains` list of a source group. */
static int read_train_list(const config_setting_t *trains, opsin_stimulus *st, size_t si,
                           const char *file, opsin_diag *d)
{
    const char *keys[64];
    key_names(1, keys);
    if (!config_setting_is_list(trains)) {
        opsin_diag_at(d, file, trains, "trains must be a list (expected "
                      "trains = ( { start = ...; width = ...; ... } );)");
        return OPSIN_EINVAL;
    }
    for (int i = 0; i < config_setting_length(trains); i++) {
        const config_setting_t *tg = config_setting_get_elem(trains, (unsigned)i);
        int rc;
        if (!config_setting_is_group(tg)) {
            opsin_diag_at(d, file, tg, "a train must be a group (expected "
                          "{ start = ...; width = ...; ... })");
            return OPSIN_EINVAL;
        }
        if ((rc = opsin_cfg_known_keys(tg, keys, "train key", file, d)) ||
            (rc = read_train(tg, st, si, file, d)))
            return rc;
    }
    return OPSIN_OK;
}

/* One source group: its head, then the train beside its id and/or its trains list. */
static int read_source(const config_setting_t *g, opsin_stimulus *st, const opsin_circuit *c,
                       opsin_diag *d)
{
    const char *file = st->path;
    size_t si;
    int rc;
    if (!config_setting_is_group(g)) {
        opsin_diag_set(d, file, opsin_cfg_line(g), "a source must be a group (expected { id = "
                       "...; kind = ...; targets = [...]; ... })");
        return OPSIN_EINVAL;
    }
    if ((rc = read_source_head(g, st, c, &si, file, d)))
        return rc;
    const config_setting_t *trains = config_setting_get_member(g, "trains");
    int inline_train = config_setting_get_member(g, "start") != NULL;
    if (inline_train) {
        if ((rc = read_train(g, st, si, file, d)))
            return rc;
        st->sources[si].inline_train = 1;
    } else if ((rc = check_stray_train_keys(g, st->sources[si].id, file, d))) {
        return rc;
    }
    if (trains && (rc = read_train_list(trains, st, si, file, d)))
        return rc;
    if ((!trains || config_setting_length(trains) == 0) && !inline_train) {
        opsin_diag_set(d, file, st->sources[si].line, "source '%s' has no pulses (expected "
                       "start, width, ... or trains = ( {...} );)", st->sources[si].id);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The `sources` list: a list, and not empty unless `spike_sources` has some. */
static int sources_list(const config_t *cfg, const char *path, const config_setting_t **out,
                        opsin_diag *d)
{
    const config_setting_t *list = config_lookup(cfg, "sources");
    const config_setting_t *spikes = config_lookup(cfg, "spike_sources");
    if (list && !config_setting_is_list(list)) {
        opsin_diag_at(d, path, list, "sources must be a list (expected "
                      "sources = ( { id = ...; kind = ...; } );)");
        return OPSIN_EINVAL;
    }
    if ((!list || config_setting_length(list) == 0) &&
        !(spikes && config_setting_length(spikes) > 0)) {
        opsin_diag_set(d, path, list ? opsin_cfg_line(list) : 0,
                       "no sources (expected sources = ( { id = ...; kind = ...; } ); or "
                       "spike_sources = ( {...} );)");
        return OPSIN_EINVAL;
    }
    *out = list;
    return OPSIN_OK;
}

/* A circuit file given where the stimulus belongs: its components (or arrays) and no
 * sources say so, before the unknown key would. */
static int check_not_circuit(const config_t *cfg, const char *path, opsin_diag *d)
{
    const config_setting_t *comps = config_lookup(cfg, "components");
    if (!comps)
        comps = config_lookup(cfg, "arrays");
    if (!comps)
        comps = config_lookup(cfg, "populations");
    if (!comps || config_lookup(cfg, "sources") || config_lookup(cfg, "spike_sources"))
        return OPSIN_OK;
    opsin_diag_at(d, path, comps, "unknown stimulus key '%s': this looks like a circuit file "
                  "(expected a stimulus file after the circuit: opsin run CIRCUIT STIMULUS)",
                  config_setting_name(comps));
    return OPSIN_EINVAL;
}

/* Reads a stimulus from a file (text == NULL) or from text named `path` in messages. */
static int stimulus_read(const char *path, const char *text, const opsin_circuit *c,
                         opsin_stimulus **out, opsin_diag *diag)
{
    opsin_stimulus *s = NULL;
    int rc = opsin_stimulus_new(path, &s);
    config_t cfg;
    config_init(&cfg);
    if (!rc)
        rc = text ? opsin_cfg_read_string(&cfg, text, path, diag)
                  : opsin_cfg_read(&cfg, path, diag);
    const config_setting_t *list = NULL;
    if (!rc)
        rc = check_not_circuit(&cfg, path, diag);
    if (!rc)
        rc = opsin_cfg_known_keys(config_root_setting(&cfg), top_keys, "stimulus key", path,
                                  diag);
    if (!rc) /* before the sources, which may be many */
        rc = opsin_read_t_end(&cfg, path, &s->t_end, diag);
    if (!rc)
        rc = sources_list(&cfg, path, &list, diag);
    for (int i = 0; !rc && list && i < config_setting_length(list); i++)
        rc = read_source(config_setting_get_elem(list, (unsigned)i), s, c, diag);
    if (!rc)
        rc = opsin_spikesrcs_read(config_lookup(&cfg, "spike_sources"), s, c, diag);
    config_destroy(&cfg);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(diag, path, "reading the stimulus");
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
