/* cfg.c: typed, line-aware reading of libconfig settings. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/cfg.h"

#define INCLUDE_DEPTH 10 /* libconfig 1.5's deepest @include */

int opsin_cfg_line(const config_setting_t *s)
{
    for (; s; s = config_setting_parent(s)) {
        int line = (int)config_setting_source_line(s);
        if (line > 0)
            return line;
    }
    return 0;
}

/* The path of a file libconfig names `src` while reading `file`: an @include'd file's name
 * is relative to the directory of the file read first, so it gets that directory. */
static const char *included_path(const char *file, const char *src, char *buf, size_t len)
{
    if (!src || strcmp(src, file) == 0)
        return src;
    return opsin_cfg_relative(file, src, buf, len);
}

const char *opsin_cfg_relative(const char *file, const char *name, char *buf, size_t len)
{
    if (name[0] == '/')
        return name;
    const char *slash = strrchr(file, '/');
    snprintf(buf, len, "%.*s%s", slash ? (int)(slash - file + 1) : 0, file, name);
    return buf;
}

void opsin_diag_at(opsin_diag *d, const char *file, const config_setting_t *s, const char *fmt,
                   ...)
{
    char where[4096];
    const char *src = included_path(file, s ? config_setting_source_file(s) : NULL, where,
                                    sizeof where);
    va_list ap; /* composed once, so a long message keeps its "(expected ...)" end */
    va_start(ap, fmt);
    opsin_diag_vset(d, src ? src : file, opsin_cfg_line(s), fmt, ap);
    va_end(ap);
}

/* Reports a libconfig parse error of `path` as one diagnostic line. */
static int parse_error(const config_t *cfg, const char *path, opsin_diag *d)
{
    const char *text = config_error_text(cfg);
    char buf[4096];
    const char *where = config_error_file(cfg) ? included_path(path, config_error_file(cfg),
                                                               buf, sizeof buf) : path;
    if (strstr(text, "nesting too deep"))
        opsin_diag_set(d, where, config_error_line(cfg), "@include'd files nest too deep "
                       "(expected at most %d levels of @include)", INCLUDE_DEPTH);
    else if (strstr(text, "include file"))
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

/* After a parse: the integer literals libconfig stored wrapped (intlit.c), from text or, when
 * it is NULL, from the file at path. */
static int track_ints(config_t *cfg, const char *text, const char *path, opsin_diag *d)
{
    if (!opsin_cfg_track_ints(cfg, text, path))
        return OPSIN_OK;
    opsin_diag_oom(d, path, "reading the file");
    return OPSIN_ENOMEM;
}

/* libconfig 1.5 crashes when an allocation fails while it parses: its tree takes up to about
 * 40 bytes per byte of text (a list of one-digit numbers; 12 to 16 for opsin's files), so
 * that much must be there first. */
static int room_to_parse(double bytes, const char *name, opsin_diag *d)
{
    if (opsin_memory_there(40.0 * bytes + 65536.0))
        return OPSIN_OK;
    opsin_diag_oom(d, name, "reading the file");
    return OPSIN_ENOMEM;
}

int opsin_cfg_read_string(config_t *cfg, const char *text, const char *name, opsin_diag *d)
{
    config_set_auto_convert(cfg, 1);
    int rc = room_to_parse((double)strlen(text), name, d);
    if (rc)
        return rc;
    if (config_read_string(cfg, text) != CONFIG_TRUE)
        return parse_error(cfg, name, d);
    return track_ints(cfg, text, name, d);
}

/* ---- what libconfig does not check ------------------------------------------------------
 * libconfig reads a NUL byte as the end of a string or as a syntax error, exits the process
 * on a directory, never ends on /dev/zero, and reports an @include loop as "cannot open".  So
 * before it reads a file, the file and everything it @includes are scanned: regular files,
 * no NUL byte, no file included again while it is being read. */

/* A file of the @include chain being scanned, from the first file read. */
typedef struct scan_link {
    const char *shown; /* its path as messages show it */
    dev_t dev;
    ino_t ino;
    const struct scan_link *up;
    void (*visit)(void *ctx, const char *path); /* opsin_cfg_includes: each @include'd file */
    void *ctx;
} scan_link;

/* 0 if path is a regular file (st filled), else the reason. */
static const char *not_regular(const char *path, struct stat *st)
{
    if (stat(path, st) != 0)
        return strerror(errno);
    if (S_ISDIR(st->st_mode))
        return strerror(EISDIR);
    return S_ISREG(st->st_mode) ? NULL : "not a regular file (a device, FIFO or socket)";
}

/* The name of an @include directive in line (libconfig's form: blanks, @include, blanks, a
 * quoted name) into name; 0 if the line holds none. */
static int include_name(const char *line, char *name, size_t len)
{
    line += strspn(line, " \t");
    if (strncmp(line, "@include", 8) != 0 || !strchr(" \t", line[8]) || !line[8])
        return 0;
    line += 8 + strspn(line + 8, " \t");
    const char *end = line[0] == '"' ? strchr(line + 1, '"') : NULL;
    if (!end)
        return 0;
    snprintf(name, len, "%.*s", (int)(end - line - 1), line + 1);
    return 1;
}

/* "a.cfg -> b.cfg -> a.cfg": the chain from the first file down to `last`. */
static void chain_text(const scan_link *l, const char *last, char *buf, size_t len)
{
    if (!l) {
        buf[0] = '\0';
        return;
    }
    chain_text(l->up, NULL, buf, len);
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s%s%s", used ? " -> " : "", l->shown,
             last ? " -> " : "", last ? last : "");
}

static int scan_file(const char *path, const char *top, const char *dir, const scan_link *link,
                     opsin_diag *d);

/* The @include "name" on line `line` of the file of `link`: a regular file, not on the chain,
 * scanned in turn (a file that does not exist is left to libconfig's message).  top is the
 * first file read and dir its directory, where libconfig looks for every @include'd name. */
static int scan_include(const char *top, const char *dir, const scan_link *link, int line,
                        const char *name, opsin_diag *d)
{
    char path[4096], shown[4096], chain[600];
    struct stat st;
    snprintf(path, sizeof path, "%s%s%s", name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/",
             name);
    if (stat(path, &st) != 0)
        return OPSIN_OK;
    const char *why = not_regular(path, &st);
    if (why) {
        opsin_diag_set(d, link->shown, line, "@include \"%s\": %s (expected a libconfig file)",
                       name, why);
        return OPSIN_EIO;
    }
    for (const scan_link *l = link; l; l = l->up)
        if (l->dev == st.st_dev && l->ino == st.st_ino) {
            chain_text(link, l->shown, chain, sizeof chain);
            opsin_diag_set(d, link->shown, line, "@include loop %s (expected no file to "
                           "include itself, directly or through others)", chain);
            return OPSIN_EPARSE;
        }
    scan_link next = {included_path(top, name, shown, sizeof shown), st.st_dev, st.st_ino,
                      link, link->visit, link->ctx};
    if (link->visit)
        link->visit(link->ctx, path);
    return scan_file(path, top, dir, &next, d);
}

/* Scans the file of `link` at path: NUL bytes, then each line's @include. */
static int scan_file(const char *path, const char *top, const char *dir, const scan_link *link,
                     opsin_diag *d)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return OPSIN_OK; /* libconfig says it cannot open it */
    char buf[1024], name[1024];
    size_t len = 0, col = 0;
    int c = 0, line = 1, rc = OPSIN_OK;
    while (rc == OPSIN_OK && c != EOF) {
        c = getc(fp);
        col++;
        if (c == '\0') {
            opsin_diag_set(d, link->shown, line, "a NUL byte at column %zu (expected a text "
                           "file)", col);
            rc = OPSIN_EPARSE;
        } else if (c == '\n' || c == EOF) {
            buf[len] = '\0';
            if (include_name(buf, name, sizeof name))
                rc = scan_include(top, dir, link, line, name, d);
            line++;
            len = col = 0;
        } else if (len + 1 < sizeof buf) {
            buf[len++] = (char)c;
        }
    }
    fclose(fp);
    return rc;
}

/* The directory libconfig looks in for the @include'd names of the file at path. */
static void include_dir(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else
        snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

void opsin_cfg_includes(const char *path, void (*visit)(void *ctx, const char *path),
                        void *ctx)
{
    struct stat st;
    char dir[4096];
    opsin_diag d;
    if (not_regular(path, &st))
        return;
    include_dir(path, dir, sizeof dir);
    scan_link top = {path, st.st_dev, st.st_ino, NULL, visit, ctx};
    (void)scan_file(path, path, dir, &top, &d); /* a bad chain: the file's reading says why */
}

int opsin_cfg_read(config_t *cfg, const char *path, opsin_diag *d)
{
    struct stat st;
    const char *why = not_regular(path, &st);
    FILE *fp = why ? NULL : fopen(path, "r");
    if (!fp) {
        opsin_diag_set(d, path, 0, "cannot read the file: %s (expected a readable libconfig file)",
                       why ? why : strerror(errno));
        return OPSIN_EIO;
    }
    /* @include "FILE" is relative to the including file, wherever opsin runs */
    char dir[4096];
    include_dir(path, dir, sizeof dir);
    scan_link top = {path, st.st_dev, st.st_ino, NULL, NULL, NULL};
    int rc = scan_file(path, path, dir, &top, d);
    if (!rc) /* the first file's size: an @include'd one is rarely large */
        rc = room_to_parse((double)st.st_size, path, d);
    if (rc) {
        fclose(fp);
        return rc;
    }
    config_set_auto_convert(cfg, 1);
    config_set_include_dir(cfg, dir);
    int ok = config_read(cfg, fp);
    fclose(fp);
    if (ok != CONFIG_TRUE)
        return parse_error(cfg, path, d);
    return track_ints(cfg, NULL, path, d);
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
        *out = opsin_cfg_int_value(s);
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
    char val[32]; /* a count as written (4000000000, not 4e+09); others in the short form */
    snprintf(val, sizeof val, (pd->flags & OPSIN_P_INTEGER) ? "%.15g" : "%g", v);
    snprintf(msg, len, "%s = %s%s%s is %s (expected %s)", pd->name, val, sp, pd->unit,
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

int opsin_cfg_bool(const config_setting_t *s, int *out, const char *file, opsin_diag *d)
{
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        opsin_diag_at(d, file, s, "%s is %s (expected true or false)", config_setting_name(s),
                      type_name(config_setting_type(s)));
        return OPSIN_EINVAL;
    }
    *out = config_setting_get_bool(s) != 0;
    return OPSIN_OK;
}

int opsin_cfg_id(const char *id, const char *extra, const config_setting_t *s, const char *file,
                 opsin_diag *d)
{
    char bad[16], list[64] = "'.', ',', '='";
    snprintf(bad, sizeof bad, "., \t=%s", extra);
    size_t n = strlen(id);
    if (n > 0 && n < OPSIN_ID_MAX && !strpbrk(id, bad))
        return OPSIN_OK;
    for (const char *e = extra; *e; e++)
        snprintf(list + strlen(list), sizeof list - strlen(list), ", '%c'", *e);
    opsin_diag_at(d, file, s, "bad id '%s' (expected 1 to %d characters without %s or spaces)",
                  id, OPSIN_ID_MAX - 1, list);
    return OPSIN_EINVAL;
}

int opsin_cfg_csv_open(const config_setting_t *s, const char *file, opsin_csv *r, char *path,
                       size_t len, opsin_diag *d)
{
    const char *name = config_setting_get_string(s);
    if (!name || !name[0]) {
        opsin_diag_at(d, file, s, "%s is %s (expected the name of a CSV file)",
                      config_setting_name(s), name ? "empty" : type_name(config_setting_type(s)));
        return OPSIN_EINVAL;
    }
    const char *full = opsin_cfg_relative(file, name, path, len);
    if (full != path)
        snprintf(path, len, "%s", full);
    opsin_diag inner;
    int rc = opsin_csv_open(r, path, &inner);
    if (rc) /* where the file is named, then why it cannot be read */
        opsin_diag_at(d, file, s, "%s", inner.msg);
    return rc;
}

int opsin_cfg_list(const config_setting_t *list, const char *file, const char *what,
                   const char *example, size_t size, void **items, size_t *n,
                   opsin_cfg_item_fn read, void *ctx, opsin_diag *d)
{
    if (!list)
        return OPSIN_OK;
    const char *name = config_setting_name(list);
    if (!config_setting_is_list(list)) {
        opsin_diag_at(d, file, list, "%s must be a list (expected %s = ( %s );)", name, name,
                      example);
        return OPSIN_EINVAL;
    }
    size_t len = (size_t)config_setting_length(list);
    if (!(*items = calloc(len ? len : 1, size)))
        return OPSIN_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        if (!config_setting_is_group(g)) {
            opsin_diag_at(d, file, g, "a %s must be a group (expected %s)", what, example);
            return OPSIN_EINVAL;
        }
        *n = i + 1; /* owned from here on, even when partly read */
        int rc = read(g, (char *)*items + i * size, ctx, d);
        if (rc)
            return rc;
    }
    return OPSIN_OK;
}

/* ---- distributions over the members of a population ------------------------------------ */

static const char *const dist_names[] = {"uniform", "normal", "linear"}; /* from UNIFORM */
static const char *const dist_keys[][4] = {{"dist", "min", "max", NULL},
                                           {"dist", "mean", "sd", NULL},
                                           {"dist", "from", "to", NULL}};

/* Member `key` of distribution group g, checked as NAME.KEY against pd's bounds (a spread:
 * >= 0 only); its usual range is warned about in w. */
static int dist_member(const config_setting_t *g, const char *key, const opsin_param_def *pd,
                       int spread, double *out, const char *file, opsin_warnings *w,
                       opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (!s) {
        opsin_diag_at(d, file, g, "%s: a %s distribution needs '%s' (expected %s = %s%s%s;)",
                      pd->name, config_setting_get_string(config_setting_get_member(g, "dist")),
                      key, key, pd->unit[0] ? "\"... " : "...", pd->unit,
                      pd->unit[0] ? "\"" : "");
        return OPSIN_EINVAL;
    }
    char name[96];
    snprintf(name, sizeof name, "%s.%s", pd->name, key);
    opsin_param_def def = *pd;
    def.name = name;
    def.flags &= ~(unsigned)OPSIN_P_OPEN;
    if (spread) {
        def.min = 0;
        def.max = INFINITY;
        def.lo = def.hi = 0;
        def.flags = 0;
    }
    return opsin_cfg_param_warn(s, &def, out, file, w, d);
}

int opsin_cfg_dist(const config_setting_t *s, const opsin_param_def *pd, opsin_dist *out,
                   const char *file, opsin_warnings *w, opsin_diag *d)
{
    double a, b;
    int rc;
    if (!config_setting_is_group(s)) {
        if (!(rc = opsin_cfg_param_warn(s, pd, &a, file, w, d)))
            *out = (opsin_dist){OPSIN_DIST_CONST, a, 0.0};
        return rc;
    }
    const config_setting_t *ds = config_setting_get_member(s, "dist");
    const char *name = ds ? config_setting_get_string(ds) : NULL;
    char expected[64], what[48];
    int k = name ? opsin_name_lookup(dist_names, 3, name, expected, sizeof expected) : -1;
    if (k < 0) {
        opsin_name_lookup(dist_names, 3, "", expected, sizeof expected);
        if (name)
            opsin_diag_at(d, file, ds, "unknown distribution '%s' (expected %s)", name, expected);
        else
            opsin_diag_at(d, file, ds ? ds : s, "%s: a distribution group needs dist = \"...\" "
                          "(expected dist = %s, or a plain value)", pd->name, expected);
        return OPSIN_EINVAL;
    }
    snprintf(what, sizeof what, "%s distribution key", dist_names[k]);
    if ((rc = opsin_cfg_known_keys(s, dist_keys[k], what, file, d)) ||
        (rc = dist_member(s, dist_keys[k][1], pd, 0, &a, file, w, d)) ||
        (rc = dist_member(s, dist_keys[k][2], pd, k + 1 == OPSIN_DIST_NORMAL, &b, file, w, d)))
        return rc;
    if (k + 1 == OPSIN_DIST_UNIFORM && a > b) {
        opsin_diag_at(d, file, s, "%s: min = %g%s%s is above max = %g%s%s (expected min <= max)",
                      pd->name, a, pd->unit[0] ? " " : "", pd->unit, b, pd->unit[0] ? " " : "",
                      pd->unit);
        return OPSIN_EINVAL;
    }
    *out = (opsin_dist){k + 1, a, b};
    return OPSIN_OK;
}
