/* cfg.c: typed, line-aware reading of libconfig settings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/cfg.h"

int opsin_cfg_line(const config_setting_t *s)
{
    for (; s; s = config_setting_parent(s)) {
        int line = (int)config_setting_source_line(s);
        if (line > 0)
            return line;
    }
    return 0;
}

int opsin_cfg_read(config_t *cfg, const char *path, opsin_diag *d)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        opsin_diag_set(d, path, 0, "cannot read the file: %s (expected a readable libconfig file)",
                       strerror(errno));
        return OPSIN_EIO;
    }
    config_set_auto_convert(cfg, 1);
    int ok = config_read(cfg, fp);
    fclose(fp);
    if (ok != CONFIG_TRUE) {
        opsin_diag_set(d, path, config_error_line(cfg),
                       "syntax error: %s (expected libconfig syntax: name = value;)",
                       config_error_text(cfg));
        return OPSIN_EPARSE;
    }
    return OPSIN_OK;
}

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_LIST: return "a list";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_STRING: return "a string";
    default: return "a number";
    }
}

int opsin_cfg_number(const config_setting_t *s, const char *unit, int allow_open, double *out,
                     const char *file, opsin_diag *d)
{
    const char *name = config_setting_name(s) ? config_setting_name(s) : "value";
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(s);
        return OPSIN_OK;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(s);
        return OPSIN_OK;
    case CONFIG_TYPE_STRING: {
        const char *text = config_setting_get_string(s);
        if (allow_open && strcmp(text, "open") == 0) {
            *out = INFINITY;
            return OPSIN_OK;
        }
        char msg[512];
        if (opsin_units_convert(text, unit, out, msg, sizeof msg) == 0)
            return OPSIN_OK;
        opsin_diag_set(d, file, opsin_cfg_line(s), "%s: %s", name, msg);
        return OPSIN_EINVAL;
    }
    default:
        opsin_diag_set(d, file, opsin_cfg_line(s),
                       "%s is %s (expected a number or a string such as \"10 %s\"%s)", name,
                       type_name(config_setting_type(s)), unit[0] ? unit : "",
                       allow_open ? " or \"open\"" : "");
        return OPSIN_EINVAL;
    }
}

int opsin_cfg_param(const config_setting_t *s, const opsin_param_def *pd, double *out,
                    const char *file, opsin_diag *d)
{
    double v;
    int rc = opsin_cfg_number(s, pd->unit, (pd->flags & OPSIN_P_OPEN) != 0, &v, file, d);
    if (rc)
        return rc;
    int low = (pd->flags & OPSIN_P_MIN_OPEN) ? !(v > pd->min) : !(v >= pd->min);
    if (low || v > pd->max) {
        char range[128];
        if (isinf(pd->max))
            snprintf(range, sizeof range, "%s %g %s", (pd->flags & OPSIN_P_MIN_OPEN) ? ">" : ">=",
                     pd->min, pd->unit);
        else
            snprintf(range, sizeof range, "between %g and %g %s", pd->min, pd->max, pd->unit);
        opsin_diag_set(d, file, opsin_cfg_line(s), "%s = %g %s is out of range (expected %s)",
                       pd->name, v, pd->unit, range);
        return OPSIN_EINVAL;
    }
    *out = v;
    return OPSIN_OK;
}

int opsin_cfg_string(const config_setting_t *group, const char *name, int required,
                     const char **out, const char *file, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(group, name);
    *out = NULL;
    if (!s) {
        if (!required)
            return OPSIN_OK;
        opsin_diag_set(d, file, opsin_cfg_line(group), "missing '%s' (expected %s = \"...\";)",
                       name, name);
        return OPSIN_EINVAL;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        opsin_diag_set(d, file, opsin_cfg_line(s), "%s is %s (expected a string)", name,
                       type_name(config_setting_type(s)));
        return OPSIN_EINVAL;
    }
    *out = config_setting_get_string(s);
    return OPSIN_OK;
}

int opsin_cfg_known_keys(const config_setting_t *group, const char *const *allowed,
                         const char *what, const char *file, opsin_diag *d)
{
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(m);
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, name) == 0;
        if (!ok) {
            char list[400] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list; a++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                         a == allowed ? "" : ", ", *a);
            opsin_diag_set(d, file, opsin_cfg_line(m), "unknown %s '%s' (expected one of: %s)",
                           what, name, list);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}
