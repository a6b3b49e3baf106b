/* intlit.c: integer literals that libconfig stores wrapped, read again from the text.
 *
 * libconfig 1.5 converts an integer without an L suffix with atoi (4000000000 becomes
 * -294967296), a hex one with strtoul into an int, and an L one with strtoll (saturating):
 * the value a file states is lost, and a count of four billion passed as a negative number.
 * So each text is scanned once for integer literals whose stored value differs from the
 * written one; they are kept by (line, stored value), and opsin_cfg_int_value gives back the
 * written value of a setting that matches.  The table hangs on the root setting's hook and is
 * freed with the configuration; @include'd files are scanned when a setting of theirs is
 * first read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"

/* One literal stored wrapped: its line, what libconfig made of it, what the text says. */
typedef struct intlit {
    unsigned line;
    long long stored;
    double value;
} intlit;

/* The wrapped literals of one file, in text order (so by line); name NULL: the main text. */
typedef struct intlit_file {
    char *name;
    intlit *v;
    size_t n, cap;
} intlit_file;

typedef struct intlit_table {
    intlit_file *f;
    size_t n;
} intlit_table;

/* What libconfig 1.5's scanner stores for an integer token (sign, digits or 0x digits, and
 * an optional L or LL): atoi, strtoul into an int, atoll or strtoull. */
static long long stored_value(const char *tok, int hex, int wide)
{
    if (hex)
        return wide ? (long long)strtoull(tok, NULL, 16) : (long long)(int)strtoul(tok, NULL, 16);
    return wide ? strtoll(tok, NULL, 10) : (long long)(int)strtol(tok, NULL, 10);
}

/* Records the token if libconfig would store it as something else than it says. */
static int consider(intlit_file *f, const char *tok, size_t len, unsigned line)
{
    char buf[128];
    if (len >= sizeof buf)
        len = sizeof buf - 1; /* 127 digits: beyond any double's range either way */
    memcpy(buf, tok, len);
    buf[len] = '\0';
    size_t n = len;
    int wide = 0;
    while (n > 0 && buf[n - 1] == 'L' && wide < 2) {
        buf[--n] = '\0';
        wide++;
    }
    const char *d = buf + (buf[0] == '-' || buf[0] == '+');
    int hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
    if (hex ? d != buf || strspn(d + 2, "0123456789abcdefABCDEF") != strlen(d + 2) || !d[2]
            : strspn(d, "0123456789") != strlen(d) || !d[0])
        return OPSIN_OK; /* a float or not a number */
    double value = strtod(buf, NULL);
    long long stored = stored_value(buf, hex, wide);
    if ((double)stored == value)
        return OPSIN_OK;
    if (opsin_grow((void **)&f->v, &f->cap, f->n, sizeof *f->v))
        return OPSIN_ENOMEM;
    f->v[f->n++] = (intlit){line, stored, value};
    return OPSIN_OK;
}

/* Skips a string, a comment or a name at *p (counting lines); 1 if it did. */
static int skip_other(const char **p, unsigned *line)
{
    const char *s = *p;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1])
                s++;
            *line += *s == '\n';
        }
        *p = *s ? s + 1 : s;
        return 1;
    }
    if (*s == '#' || (s[0] == '/' && s[1] == '/')) {
        *p = s + strcspn(s, "\n");
        return 1;
    }
    if (s[0] == '/' && s[1] == '*') {
        for (s += 2; *s && !(s[0] == '*' && s[1] == '/'); s++)
            *line += *s == '\n';
        *p = *s ? s + 2 : s;
        return 1;
    }
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '*') {
        *p = s + strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-*");
        return 1;
    }
    return 0;
}

/* Every integer literal of a libconfig text that libconfig would store wrapped, into f. */
static int scan(intlit_file *f, const char *text)
{
    unsigned line = 1;
    for (const char *p = text; *p;) {
        if (skip_other(&p, &line))
            continue;
        int num = (*p >= '0' && *p <= '9') ||
                  ((*p == '-' || *p == '+' || *p == '.') && p[1] >= '0' && p[1] <= '9');
        if (!num) {
            line += *p++ == '\n';
            continue;
        }
        size_t len = strspn(p, "0123456789abcdefABCDEFxXL.+-");
        int rc = consider(f, p, len, line);
        if (rc)
            return rc;
        p += len;
    }
    return OPSIN_OK;
}

/* The whole of a file, NUL-terminated (malloc'd), or NULL. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *text = NULL;
    long n = -1;
    if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)n + 1)) && fread(text, 1, (size_t)n, fp) == (size_t)n)
        text[n] = '\0';
    else if (text) {
        free(text);
        text = NULL;
    }
    if (fp)
        fclose(fp);
    return text;
}

static void table_free(void *hook)
{
    intlit_table *t = hook;
    for (size_t i = 0; i < t->n; i++) {
        free(t->f[i].name);
        free(t->f[i].v);
    }
    free(t->f);
    free(t);
}

/* Adds a file's scan to the table: text NULL reads it from path (an unreadable file scans as
 * empty: libconfig read it, so it is rarely so).  The entry or NULL (ENOMEM). */
static intlit_file *table_add(intlit_table *t, const char *name, const char *path,
                              const char *text)
{
    intlit_file *grown = realloc(t->f, (t->n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    t->f = grown;
    intlit_file *f = &t->f[t->n];
    *f = (intlit_file){NULL, NULL, 0, 0};
    if (name && !(f->name = opsin_strdup(name)))
        return NULL;
    t->n++;
    char *owned = NULL;
    if (!text && (owned = slurp(path)))
        text = owned;
    int rc = text ? scan(f, text) : OPSIN_OK;
    free(owned);
    return rc ? NULL : f;
}

int opsin_cfg_track_ints(config_t *cfg, const char *text, const char *path)
{
    intlit_table *t = calloc(1, sizeof *t);
    if (!t || !table_add(t, NULL, path, text)) {
        if (t)
            table_free(t);
        return OPSIN_ENOMEM;
    }
    config_set_destructor(cfg, table_free);
    config_setting_set_hook(config_root_setting(cfg), t);
    return OPSIN_OK;
}

/* The scan of the file a setting comes from (scanned now if it is an @include'd one). */
static const intlit_file *file_of(const config_setting_t *s)
{
    intlit_table *t = config_setting_get_hook(config_root_setting(s->config));
    const char *name = config_setting_source_file(s);
    if (!t)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (name ? t->f[i].name && strcmp(t->f[i].name, name) == 0 : !t->f[i].name)
            return &t->f[i];
    if (!name)
        return NULL;
    char path[4096]; /* libconfig opened INCLUDE_DIR/NAME */
    const char *dir = s->config->include_dir;
    snprintf(path, sizeof path, "%s%s%s", dir && name[0] != '/' ? dir : "",
             dir && name[0] != '/' ? "/" : "", name);
    return table_add(t, name, path, NULL);
}

double opsin_cfg_int_value(const config_setting_t *s)
{
    long long stored = config_setting_get_int64(s);
    const intlit_file *f = file_of(s);
    unsigned line = config_setting_source_line(s);
    size_t lo = 0, hi = f ? f->n : 0;
    while (lo < hi) { /* the first literal at or after the line */
        size_t mid = lo + (hi - lo) / 2;
        if (f->v[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; f && lo < f->n && f->v[lo].line == line; lo++)
        if (f->v[lo].stored == stored)
            return f->v[lo].value;
    return (double)stored;
}
