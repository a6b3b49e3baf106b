/* table.c: reads chosen numeric columns of a measured CSV file (see table.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/table.h"

#define MAX_CELLS 256

void opsin_table_free(opsin_table *t)
{
    for (size_t k = 0; k < OPSIN_TABLE_MAXCOLS; k++)
        free(t->v[k]);
    free(t->line);
    memset(t, 0, sizeof *t);
}

/* Trims blanks and one pair of double quotes in place: spreadsheets quote header cells. */
static char *cell_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Splits a line at commas into at most MAX_CELLS trimmed cells; returns how many. */
static size_t line_split(char *line, char **cells)
{
    size_t n = 0;
    for (char *p = line; n < MAX_CELLS;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        cells[n++] = cell_trim(p);
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* 1 if header cell h names `name`: the whole cell, or the part before " (unit)". */
static int header_matches(const char *h, const char *name)
{
    size_t n = strlen(name);
    if (strcmp(h, name) == 0)
        return 1;
    return strncmp(h, name, n) == 0 && (h[n] == '(' || (h[n] == ' ' && h[n + 1] == '('));
}

/* Keeps the chosen header cell and the unit inside its parentheses. */
static void header_keep(opsin_table *t, size_t k, const char *h)
{
    snprintf(t->header[k], sizeof t->header[k], "%s", h);
    const char *open = strchr(h, '('), *close = open ? strrchr(open, ')') : NULL;
    if (open && close)
        snprintf(t->unit[k], sizeof t->unit[k], "%.*s", (int)(close - open - 1), open + 1);
}

/* Lists the header cells into buf, for "expected one of ..." messages. */
static void header_list(char **cells, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n && strlen(buf) + 4 < len; i++)
        snprintf(buf + strlen(buf), len - strlen(buf), "%s'%s'", i ? ", " : "", cells[i]);
}

/* Resolves each wanted column to its position in the header. */
static int header_resolve(const char *path, int line, char **cells, size_t n,
                          const opsin_table_want *want, size_t nwant, size_t *pos,
                          opsin_table *t, opsin_diag *d)
{
    char list[400];
    for (size_t k = 0; k < nwant; k++) {
        size_t i = want[k].pos;
        if (want[k].name)
            for (i = 0; i < n && !header_matches(cells[i], want[k].name); i++)
                ;
        if (i >= n) {
            header_list(cells, n, list, sizeof list);
            if (want[k].name)
                opsin_diag_set(d, path, line, "no column '%s' (expected one of %s)",
                               want[k].name, list);
            else
                opsin_diag_set(d, path, line, "the header has %zu column%s, column %zu is "
                               "missing (expected at least %zu columns)", n, n == 1 ? "" : "s",
                               i + 1, i + 1);
            return OPSIN_EINVAL;
        }
        pos[k] = i;
        header_keep(t, k, cells[i]);
    }
    return OPSIN_OK;
}

/* Appends one data row; every chosen cell must be a finite number (or allowed empty). */
static int row_add(const char *path, int line, char **cells, size_t n,
                   const opsin_table_want *want, const size_t *pos, opsin_table *t,
                   size_t *cap, opsin_diag *d)
{
    if (t->nrows == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        for (size_t k = 0; k < t->ncols; k++) {
            double *v = realloc(t->v[k], *cap * sizeof *v);
            if (!v)
                return OPSIN_ENOMEM;
            t->v[k] = v;
        }
        int *l = realloc(t->line, *cap * sizeof *l);
        if (!l)
            return OPSIN_ENOMEM;
        t->line = l;
    }
    for (size_t k = 0; k < t->ncols; k++) {
        const char *s = pos[k] < n ? cells[pos[k]] : "";
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (!*s && want[k].optional_cells)
            v = NAN;
        else if (!*s || *end || errno == ERANGE || !isfinite(v)) {
            opsin_diag_set(d, path, line, "column '%s' holds '%.40s' (expected a finite number)",
                           t->header[k], *s ? s : "(empty)");
            return OPSIN_EINVAL;
        }
        t->v[k][t->nrows] = v;
    }
    t->line[t->nrows++] = line;
    return OPSIN_OK;
}

/* Reads the file line by line: the first non-comment line is the header. */
static int table_parse(FILE *fp, const char *path, const opsin_table_want *want, size_t nwant,
                       opsin_table *t, opsin_diag *d)
{
    char buf[8192], *cells[MAX_CELLS];
    size_t pos[OPSIN_TABLE_MAXCOLS], cap = 0;
    int line = 0, have_header = 0, rc = OPSIN_OK;
    while (rc == OPSIN_OK && fgets(buf, sizeof buf, fp)) {
        line++;
        if (!strchr(buf, '\n') && !feof(fp)) {
            opsin_diag_set(d, path, line, "line is longer than %zu characters (expected a CSV "
                           "row)", sizeof buf - 2);
            return OPSIN_EINVAL;
        }
        char *s = cell_trim(buf);
        if (!*s || *s == '#')
            continue;
        size_t n = line_split(s, cells);
        if (!have_header++)
            rc = header_resolve(path, line, cells, n, want, nwant, pos, t, d);
        else
            rc = row_add(path, line, cells, n, want, pos, t, &cap, d);
    }
    if (rc == OPSIN_OK && !have_header) {
        opsin_diag_set(d, path, line, "no header row (expected names, e.g. P,G)");
        rc = OPSIN_EINVAL;
    }
    return rc;
}

int opsin_table_read(const char *path, const opsin_table_want *want, size_t nwant,
                     opsin_table *t, opsin_diag *d)
{
    memset(t, 0, sizeof *t);
    if (nwant == 0 || nwant > OPSIN_TABLE_MAXCOLS) {
        opsin_diag_set(d, path, 0, "%zu columns asked for (expected 1 to %d)", nwant,
                       OPSIN_TABLE_MAXCOLS);
        return OPSIN_EINVAL;
    }
    FILE *fp = fopen(path, "r");
    if (!fp) {
        opsin_diag_set(d, path, 0, "cannot open: %s (expected a readable CSV file)",
                       strerror(errno));
        return OPSIN_EIO;
    }
    t->ncols = nwant;
    int rc = table_parse(fp, path, want, nwant, t, d);
    if (rc == OPSIN_OK && ferror(fp)) {
        opsin_diag_set(d, path, 0, "read error (expected a readable CSV file)");
        rc = OPSIN_EIO;
    }
    fclose(fp);
    if (rc)
        opsin_table_free(t);
    return rc;
}
