/* table.c: reads chosen numeric columns of a measured CSV file (see table.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core.h"
#include "io/table.h"

#define MAX_CELLS OPSIN_CSV_MAXCELLS

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

/* Splits a line at commas into trimmed cells, keeping the first MAX_CELLS; returns how many
 * cells the line has. */
static size_t line_split(char *line, char **cells)
{
    size_t n = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (n < MAX_CELLS)
            cells[n] = cell_trim(p);
        n++;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

/* Reads one line, without its newline, into buf (cap bytes, NUL-terminated): 1, or 0 at the
 * end of the file.  *len counts its bytes (cap when it does not fit: the rest is left
 * unread); *nul is the column of its first NUL byte, 0 when it has none (a NUL would end the
 * text early, so the caller refuses it). */
static int line_read(FILE *fp, char *buf, size_t cap, size_t *len, size_t *nul)
{
    int c = EOF;
    *len = *nul = 0;
    flockfile(fp);
    while (*len < cap - 1 && (c = getc_unlocked(fp)) != EOF && c != '\n') {
        if (c == '\0' && !*nul)
            *nul = *len + 1;
        buf[(*len)++] = (char)c;
    }
    if (*len == cap - 1 && c != '\n' && c != EOF && (c = getc_unlocked(fp)) != '\n' && c != EOF)
        *len = cap;
    funlockfile(fp);
    buf[*len < cap ? *len : cap - 1] = '\0';
    return *len > 0 || c == '\n';
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

/* The name of a header cell: the cell without its " (unit)", into buf. */
static const char *header_name(const char *h, char *buf, size_t len)
{
    const char *open = strchr(h, '(');
    size_t n = open ? (size_t)(open - h) : strlen(h);
    while (n && h[n - 1] == ' ')
        n--;
    snprintf(buf, len, "%.*s", (int)n, h);
    return buf;
}

/* A header names each column once (columns without a name aside): a name given twice could
 * pick either column. */
static int header_unique(const char *path, int line, char **cells, size_t n, opsin_diag *d)
{
    char a[128], b[128];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && *header_name(cells[i], a, sizeof a); j++)
            if (strcmp(a, header_name(cells[j], b, sizeof b)) == 0) {
                opsin_diag_set(d, path, line, "column name '%s' is given twice (columns %zu "
                               "and %zu) (expected each column named once)", a, i + 1, j + 1);
                return OPSIN_EINVAL;
            }
    return OPSIN_OK;
}

/* Resolves each wanted column to its position in the header. */
static int header_resolve(const char *path, int line, char **cells, size_t n,
                          const opsin_table_want *want, size_t nwant, size_t *pos,
                          opsin_table *t, opsin_diag *d)
{
    char list[400];
    if (n > MAX_CELLS) {
        opsin_diag_set(d, path, line, "the header has %zu columns (expected at most %d)", n,
                       MAX_CELLS);
        return OPSIN_EINVAL;
    }
    if (header_unique(path, line, cells, n, d))
        return OPSIN_EINVAL;
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

/* Appends one data row; every chosen cell must be a finite number (or allowed empty), and
 * the row may not have more cells than the header (its numbers would sit under the wrong
 * names). */
static int row_add(const char *path, int line, char **cells, size_t n, size_t ncols,
                   const opsin_table_want *want, const size_t *pos, opsin_table *t,
                   size_t *cap, opsin_diag *d)
{
    if (n > ncols) {
        opsin_diag_set(d, path, line, "%zu cells in a row under a header of %zu columns "
                       "(expected at most one cell per column)", n, ncols);
        return OPSIN_EINVAL;
    }
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

int opsin_csv_open(opsin_csv *r, const char *path, opsin_diag *d)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    struct stat st;
    r->fp = stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? (errno = EISDIR, NULL)
                                                         : fopen(path, "r");
    if (!r->fp) {
        opsin_diag_set(d, path, 0, "cannot open: %s (expected a readable CSV file)",
                       strerror(errno));
        return OPSIN_EIO;
    }
    return OPSIN_OK;
}

int opsin_csv_next(opsin_csv *r, int *have, opsin_diag *d)
{
    size_t len, nul;
    *have = 0;
    while (line_read(r->fp, r->buf, sizeof r->buf, &len, &nul)) {
        r->line++;
        if (nul) {
            opsin_diag_set(d, r->path, r->line, "a NUL byte at column %zu (expected a text "
                           "file)", nul);
            return OPSIN_EINVAL;
        }
        if (len == sizeof r->buf) {
            opsin_diag_set(d, r->path, r->line, "line is longer than %zu characters (expected "
                           "a CSV row)", sizeof r->buf - 1);
            return OPSIN_EINVAL;
        }
        char *s = cell_trim(r->buf);
        if (!*s || *s == '#')
            continue;
        r->ncells = line_split(s, r->cell);
        *have = 1;
        return OPSIN_OK;
    }
    if (ferror(r->fp)) {
        opsin_diag_set(d, r->path, 0, "read error (expected a readable CSV file)");
        return OPSIN_EIO;
    }
    return OPSIN_OK;
}

void opsin_csv_close(opsin_csv *r)
{
    if (r->fp)
        fclose(r->fp);
    r->fp = NULL;
}

/* Reads the rows: the first one is the header. */
static int table_parse(opsin_csv *r, const opsin_table_want *want, size_t nwant,
                       opsin_table *t, opsin_diag *d)
{
    size_t pos[OPSIN_TABLE_MAXCOLS], cap = 0, ncols = 0;
    int have, have_header = 0, rc;
    while (!(rc = opsin_csv_next(r, &have, d)) && have) {
        if (!have_header++)
            rc = header_resolve(r->path, r->line, r->cell, ncols = r->ncells, want, nwant, pos,
                                t, d);
        else
            rc = row_add(r->path, r->line, r->cell, r->ncells, ncols, want, pos, t, &cap, d);
        if (rc)
            return rc;
    }
    if (rc == OPSIN_OK && !have_header) {
        opsin_diag_set(d, r->path, r->line, "no header row (expected names, e.g. P,G)");
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
    opsin_csv r;
    int rc = opsin_csv_open(&r, path, d);
    if (rc)
        return rc;
    t->ncols = nwant;
    rc = table_parse(&r, want, nwant, t, d);
    opsin_csv_close(&r);
    if (rc)
        opsin_table_free(t);
    return rc;
}
