/* cfg.c: typed, line-aware reading of libconfig settings. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void opsin_diag_at(opsin_diag *d, const char *file, const config_setting_t *s, const char *fmt,
                   ...)
{
    const char *src = s ? config_setting_source_file(s) : NULL;
    char where[4096];
    if (src && strcmp(src, file) != 0 && src[0] != '/') { /* relative to the including file */
        const char *slash = strrchr(file, '/');
        snprintf(where, sizeof where, "%.*s%s", slash ? (int)(slash - file + 1) : 0, file, src);
        src = where;
    }
    char msg[sizeof d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    opsin_diag_set(d, src ? src : file, opsin_cfg_line(s), "%s", msg);
}

/* Reports a libconfig parse error of `path` as one diagnostic line. */
static int parse_error(const config_t *cfg, const char *path, opsin_diag *d)
{
    const char *text = config_error_text(cfg);
    const char *where = config_error_file(cfg) ? config_error_file(cfg) : path;
    if (strstr(text, "include file"))
        opsin_diag_set(d, where, config_error_line(cfg), "cannot open an @include'd file "
                       "(expected a readable file, its path relative to the including file)");
    else if (strstr(text, "duplicate setting"))
        opsin_diag_set(d, where, config_error_line(cfg),
                       "a setting is given twice in this group (expected each name once)");
    else if (strcmp(text, "syntax error") == 0)
        opsin_diag_set(d, where, config_error_line(cfg),
                       "syntax error (expected libconfig syntax: name = value;)");
    else
        opsin_diag_set(d, where, config_error_line(cfg),
                       "syntax error: %s (expected libconfig syntax: name = value;)", text);
    return OPSIN_EPARSE;
}

int opsin_cfg_read_string(config_t *cfg, const char *text, const char *name, opsin_diag *d)
{
    config_set_auto_convert(cfg, 1);
    if (config_read_string(cfg, text) != CONFIG_TRUE)
        return parse_error(cfg, name, d);
    return OPSIN_OK;
}

int opsin_cfg_read(config_t *cfg, const char *path, opsin_diag *d)
{
    FILE *fp = fopen(path, "r");
    struct stat st;
    if (fp && (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))) {
        fclose(fp); /* libconfig's scanner exits the process on a directory */
        fp = NULL;
        errno = EISDIR;
    }
    if (!fp) {
        opsin_diag_set(d, path, 0, "cannot read the file: %s (expected a readable libconfig file)",
                       strerror(errno));
        return OPSIN_EIO;
    }
    config_set_auto_convert(cfg, 1);
    /* @include "FILE" is relative to the including file, wherever opsin runs */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    config_set_include_dir(cfg, dir);
    int ok = config_read(cfg, fp);
    fclose(fp);
    if (ok != CONFIG_TRUE)
        return parse_error(cfg, path, d);
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
        if (strcmp(text, "open") == 0) {
            opsin_diag_at(d, file, s, "%s cannot be \"open\" (expected a number "
                           "with an optional unit, e.g. \"10 %s\")", name, unit);
            return OPSIN_EINVAL;
        }
        if (opsin_units_convert(text, unit, out, msg, sizeof msg) == 0)
            return OPSIN_OK;
        opsin_diag_at(d, file, s, "%s: %s", name, msg);
        return OPSIN_EINVAL;
    }
    default:
        if (!unit[0])
            opsin_diag_at(d, file, s, "%s is %s (expected a number)", name,
                           type_name(config_setting_type(s)));
        else
            opsin_diag_at(d, file, s,
                           "%s is %s (expected a number or a string such as \"10 %s\"%s)", name,
                           type_name(config_setting_type(s)), unit,
                           allow_open ? " or \"open\"" : "");
        return OPSIN_EINVAL;
    }
}

int opsin_param_check(const opsin_param_def *pd, double v, char *msg, size_t len)
{
    int low = (pd->flags & OPSIN_P_MIN_OPEN) ? !(v > pd->min) : !(v >= pd->min);
    int whole = (pd->flags & OPSIN_P_INTEGER) && v != floor(v);
    if (!low && !(v > pd->max) && !whole)
        return 0;
    const char *sp = pd->unit[0] ? " " : "";
    char range[128];
    if (isinf(pd->max))
        snprintf(range, sizeof range, "%s%s %g%s%s", whole ? "a whole number " : "",
                 (pd->flags & OPSIN_P_MIN_OPEN) ? ">" : ">=", pd->min, sp, pd->unit);
    else
        snprintf(range, sizeof range, "%sbetween %g and %g%s%s", whole ? "a whole number " : "",
                 pd->min, pd->max, sp, pd->unit);
    snprintf(msg, len, "%s = %g%s%s is %s (expected %s)", pd->name, v, sp, pd->unit,
             whole && !low && !(v > pd->max) ? "not a whole number" : "out of range", range);
    return -1;
}

int opsin_cfg_param(const config_setting_t *s, const opsin_param_def *pd, double *out,
                    const char *file, opsin_diag *d)
{
    double v;
    int rc = opsin_cfg_number(s, pd->unit, (pd->flags & OPSIN_P_OPEN) != 0, &v, file, d);
    if (rc)
        return rc;
    char msg[256];
    if (opsin_param_check(pd, v, msg, sizeof msg)) {
        opsin_diag_at(d, file, s, "%s", msg);
        return OPSIN_EINVAL;
    }
    *out = v;
    return OPSIN_OK;
}

/* The number as the file wrote it, before its unit: what a suggested unit goes with. */
static double written_number(const config_setting_t *s, double v)
{
    return config_setting_type(s) == CONFIG_TYPE_STRING
               ? strtod(config_setting_get_string(s), NULL) : v;
}

int opsin_cfg_param_warn(const config_setting_t *s, const opsin_param_def *pd, double *out,
                         const char *file, opsin_warnings *w, opsin_diag *d)
{
    int rc = opsin_cfg_param(s, pd, out, file, d);
    char msg[sizeof d->msg];
    if (rc || !opsin_param_usual(pd, *out, written_number(s, *out), msg, sizeof msg))
        return rc;
    opsin_diag at;
    opsin_diag_at(&at, file, s, "warning: %s", msg);
    return opsin_warnings_add(w, at.msg);
}

int opsin_cfg_string(const config_setting_t *group, const char *name, int required,
                     const char **out, const char *file, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(group, name);
    *out = NULL;
    if (!s) {
        if (!required)
            return OPSIN_OK;
        opsin_diag_at(d, file, group, "missing '%s' (expected %s = \"...\";)",
                       name, name);
        return OPSIN_EINVAL;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        opsin_diag_at(d, file, s, "%s is %s (expected a string)", name,
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
            opsin_diag_at(d, file, m, "unknown %s '%s' (expected one of: %s)",
                           what, name, list);
            return OPSIN_EINVAL;
        }
    }
    return OPSIN_OK;
}
