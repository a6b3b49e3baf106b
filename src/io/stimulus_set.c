/* stimulus_set.c: a stimulus file re-read with SOURCE[.trainN].KEY=VALUE overrides applied.
 *
 * Pulse trains are expanded into pulses when a stimulus is loaded, so an override is applied
 * to the libconfig tree of the file, which is written back to text (@include'd files inline)
 * and parsed by the ordinary reader: every check of stimulus.c applies to the result.  Floats
 * are rewritten as "%.17g" strings first, since libconfig writes them with 15 digits only.
 */
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"
#include "io/stimulus_set.h"

static const char *const train_keys[] = {"start", "width", "period", "count", "amplitude",
                                         "amplitude_end", "irradiance", "irradiance_end", NULL};
static const char *const source_keys[] = {"wavelength", "frequency", "phase", NULL};

/* A parsed key: source id, train number (0: the source itself) and key name. */
typedef struct stim_key {
    char source[OPSIN_ID_MAX];
    long train;
    const char *name;
    int is_train_key;
} stim_key;

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* Splits SOURCE.KEY or SOURCE.trainN.KEY; -1 with a message if malformed or unknown. */
static int key_parse(const char *key, stim_key *k, opsin_diag *d)
{
    const char *dot = strchr(key, '.'), *rest;
    char *end;
    memset(k, 0, sizeof *k);
    if (!dot || dot == key || (size_t)(dot - key) >= sizeof k->source) {
        opsin_diag_set(d, NULL, 0, "'%s' is not a stimulus parameter (expected SOURCE.KEY or "
                       "SOURCE.trainN.KEY)", key);
        return -1;
    }
    snprintf(k->source, sizeof k->source, "%.*s", (int)(dot - key), key);
    rest = dot + 1;
    if (strncmp(rest, "train", 5) == 0 && strchr(rest, '.')) {
        k->train = strtol(rest + 5, &end, 10);
        if (end == rest + 5 || *end != '.' || k->train < 1) {
            opsin_diag_set(d, NULL, 0, "'%s': bad train number (expected SOURCE.trainN.KEY with "
                           "N = 1, 2, ...)", key);
            return -1;
        }
        rest = end + 1;
    }
    k->name = rest;
    k->is_train_key = in_list(train_keys, rest);
    if (!k->is_train_key && (k->train || !in_list(source_keys, rest))) {
        opsin_diag_set(d, NULL, 0, "'%s': unknown stimulus key '%s' (expected start, width, "
                       "period, count, amplitude, amplitude_end, irradiance, irradiance_end%s)",
                       key, rest, k->train ? "" : ", wavelength, frequency or phase");
        return -1;
    }
    return 0;
}

/* SI unit of a key on a source of the given kind; NULL (and a message) if it does not fit. */
static const char *key_unit(const stim_key *k, int kind, const char *key, opsin_diag *d)
{
    int optical = kind == OPSIN_SRC_OPTICAL;
    const char *n = k->name;
    if (!strcmp(n, "start") || !strcmp(n, "width") || !strcmp(n, "period"))
        return "s";
    if (!strcmp(n, "count") || !strcmp(n, "phase"))
        return "";
    if (!strcmp(n, "frequency"))
        return "Hz";
    if (!strcmp(n, "wavelength") && optical)
        return "m";
    if (!strncmp(n, "irradiance", 10) && optical)
        return "W/m2";
    if (!strncmp(n, "amplitude", 9) && !optical)
        return kind == OPSIN_SRC_CURRENT ? "A" : "V";
    opsin_diag_set(d, NULL, 0, "'%s': %s does not belong to %s source (expected %s)", key, n,
                   optical ? "an optical" : "an electrical",
                   optical ? "irradiance or irradiance_end" : "amplitude or amplitude_end");
    return NULL;
}

int opsin_stimulus_key_unit(const opsin_stimulus *s, const char *key, const char **unit,
                            opsin_diag *diag)
{
    stim_key k;
    int bad = key_parse(key, &k, diag);
    for (size_t i = 0; !bad && i < s->nsources; i++)
        if (strcmp(s->sources[i].id, k.source) == 0) {
            const char *u = key_unit(&k, s->sources[i].kind, key, diag);
            if (!u)
                return OPSIN_EINVAL;
            *unit = u;
            return OPSIN_OK;
        }
    for (size_t i = 0; bad && k.source[0] && i < s->nsources; i++)
        if (strcmp(s->sources[i].id, k.source) == 0)
            return OPSIN_EINVAL; /* a known source with a bad key: key_parse said why */
    if (!k.source[0])
        return OPSIN_EINVAL;
    opsin_diag_set(diag, NULL, 0, "'%s': no source '%s' in %s (expected the id of one of its "
                   "%zu source(s), e.g. %s)", key, k.source, s->path, s->nsources,
                   s->sources[0].id);
    return OPSIN_EINVAL;
}

/* The group an override writes into: the source, or its N-th train. */
static config_setting_t *target_group(config_t *cfg, const stim_key *k, const char *key,
                                      const char *path, opsin_diag *d)
{
    config_setting_t *list = config_lookup(cfg, "sources"), *src = NULL;
    for (int i = 0; list && i < config_setting_length(list) && !src; i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *id;
        if (config_setting_lookup_string(g, "id", &id) && strcmp(id, k->source) == 0)
            src = g;
    }
    if (!src) {
        opsin_diag_set(d, path, 0, "'%s': no source '%s' (expected the id of a source of this "
                       "file)", key, k->source);
        return NULL;
    }
    config_setting_t *trains = config_setting_get_member(src, "trains");
    int ntrains = trains ? config_setting_length(trains) : 0;
    if (k->train > ntrains) {
        opsin_diag_set(d, path, 0, "'%s': source '%s' has %d train(s) (expected N from 1 to %d "
                       "in SOURCE.trainN.KEY%s)", key, k->source, ntrains, ntrains,
                       ntrains ? "" : ", or SOURCE.KEY");
        return NULL;
    }
    if (k->train)
        return config_setting_get_elem(trains, (unsigned)(k->train - 1));
    if (k->is_train_key && ntrains > 0) {
        opsin_diag_set(d, path, 0, "'%s': source '%s' has a trains list, so '%s' is ambiguous "
                       "(expected %s.trainN.%s with N from 1 to %d)", key, k->source, k->name,
                       k->source, k->name, ntrains);
        return NULL;
    }
    return src;
}

/* Replaces (or adds) member `name` of g by the string value. */
static int group_set_string(config_setting_t *g, const char *name, const char *value)
{
    if (config_setting_get_member(g, name))
        config_setting_remove(g, name);
    config_setting_t *s = config_setting_add(g, name, CONFIG_TYPE_STRING);
    return s && config_setting_set_string(s, value) == CONFIG_TRUE ? 0 : -1;
}

/* Rewrites every float member of every group below s as a "%.17g" string (exact). */
static int floats_to_strings(config_setting_t *s)
{
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if ((config_setting_is_group(e) || config_setting_is_list(e)) && floats_to_strings(e))
            return -1;
    }
    if (!config_setting_is_group(s))
        return 0;
    for (int i = 0; i < n;) { /* a rewritten member moves to the end: rescan from the start */
        config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_FLOAT) {
            i++;
            continue;
        }
        char name[256], buf[32];
        snprintf(name, sizeof name, "%s", config_setting_name(e));
        snprintf(buf, sizeof buf, "%.17g", config_setting_get_float(e));
        if (group_set_string(s, name, buf))
            return -1;
        i = 0;
    }
    return 0;
}

/* "PATH with K=V, K=V: " in front of the reader's message about the rewritten text, whose
 * "NAME:LINE: " (lines of the rewrite, not of the file) is dropped. */
static void diag_rename(opsin_diag *d, const char *tmp, const char *path,
                        const opsin_stimulus_override *ov, size_t n)
{
    char head[320] = "", msg[2048];
    const char *rest = d->msg;
    size_t tl = strlen(tmp);
    if (strncmp(rest, tmp, tl) == 0) { /* drop "TMP:LINE: ": the line is of the rewrite */
        rest += tl;
        rest += strspn(rest, ":0123456789");
        rest += strspn(rest, " ");
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(head);
        snprintf(head + len, sizeof head - len, "%s%s=%s", i ? ", " : "", ov[i].key, ov[i].value);
    }
    snprintf(msg, sizeof msg, "%s with %s: %s", path, head, rest);
    size_t len = strlen(msg) < sizeof d->msg ? strlen(msg) : sizeof d->msg - 1;
    memcpy(d->msg, msg, len);
    d->msg[len] = '\0';
}

/* The text of cfg as libconfig writes it; malloc'd in *text. */
static int write_text(config_t *cfg, char **text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return OPSIN_ENOMEM;
    config_write(cfg, fp);
    if (ferror(fp) | fclose(fp)) {
        free(buf);
        return OPSIN_ENOMEM;
    }
    *text = buf;
    return OPSIN_OK;
}

/* Applies the overrides to the tree; EINVAL with a message for a bad key. */
static int apply_overrides(config_t *cfg, const char *path, const opsin_stimulus_override *ov,
                           size_t n, opsin_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        stim_key k;
        config_setting_t *g;
        if (key_parse(ov[i].key, &k, d))
            return OPSIN_EINVAL;
        if (!(g = target_group(cfg, &k, ov[i].key, path, d)))
            return OPSIN_EINVAL;
        if (group_set_string(g, k.name, ov[i].value))
            return OPSIN_ENOMEM;
    }
    return OPSIN_OK;
}

int opsin_stimulus_load_with(const char *path, const opsin_circuit *c,
                             const opsin_stimulus_override *ov, size_t n, opsin_stimulus **out,
                             opsin_diag *diag)
{
    config_t cfg;
    char *text = NULL;
    config_init(&cfg);
    int rc = opsin_cfg_read(&cfg, path, diag);
    if (!rc)
        rc = apply_overrides(&cfg, path, ov, n, diag);
    if (!rc && floats_to_strings(config_root_setting(&cfg)))
        rc = OPSIN_ENOMEM;
    if (!rc)
        rc = write_text(&cfg, &text);
    config_destroy(&cfg);
    if (rc == OPSIN_ENOMEM)
        opsin_diag_set(diag, path, 0, "out of memory while applying the overrides");
    if (!rc && (rc = opsin_stimulus_parse(text, path, c, out, diag)))
        diag_rename(diag, path, path, ov, n);
    free(text);
    return rc;
}
