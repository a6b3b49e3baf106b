/* accplot.c: the epoch CSV's accuracy columns as curves against the epoch (accplot.h): the
 * header picks the columns, the rows are read into one block and split into the series that
 * io/plot.c draws. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "train/accplot.h"

/* The CSV being read: its rows so far, each the x value and the curves' values. */
typedef struct acc_read {
    const char *csv;
    size_t col[OPSIN_ACC_MAX_CURVES]; /* the CSV column of each curve */
    size_t line, n, cap;
    double *rows; /* n x (1 + ns) */
} acc_read;

/* The name of a header cell "NAME (UNIT)" into name and its unit into unit ("" without). */
static void split_cell(const char *cell, size_t len, char *name, char *unit, size_t size)
{
    const char *open = NULL;
    for (const char *p = cell; p + 1 < cell + len; p++)
        if (p[0] == ' ' && p[1] == '(')
            open = open ? open : p;
    size_t nlen = open && cell[len - 1] == ')' ? (size_t)(open - cell) : len;
    snprintf(name, size, "%.*s", (int)nlen, cell);
    snprintf(unit, size, "%.*s", nlen < len ? (int)(len - nlen - 3) : 0,
             nlen < len ? cell + nlen + 2 : "");
}

/* The header line: the x label, the curves' columns and titles, the y label; 0, or
 * OPSIN_EINVAL. */
static int read_header(char *line, acc_read *r, opsin_acc_curves *c, opsin_diag *diag)
{
    char name[128], unit[128];
    size_t col = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line;; col++) {
        size_t len = strcspn(p, ",");
        split_cell(p, len, name, unit, sizeof name);
        if (col == 0)
            snprintf(c->xlabel, sizeof c->xlabel, "%.*s", (int)len, p);
        else if (strstr(name, "accuracy") && c->ns == OPSIN_ACC_MAX_CURVES) {
            opsin_diag_set(diag, r->csv, 1, "more than %d accuracy columns (expected at most "
                           "%d)", OPSIN_ACC_MAX_CURVES, OPSIN_ACC_MAX_CURVES);
            return OPSIN_EINVAL;
        } else if (strstr(name, "accuracy")) {
            if (c->ns == 0 && unit[0] && strcmp(unit, "1") != 0)
                snprintf(c->ylabel, sizeof c->ylabel, "accuracy (%.100s)", unit);
            else if (c->ns == 0)
                snprintf(c->ylabel, sizeof c->ylabel, "accuracy");
            snprintf(c->title[c->ns], sizeof c->title[0], "%s", name);
            r->col[c->ns++] = col;
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    if (c->ns == 0) {
        opsin_diag_set(diag, r->csv, 1, "no accuracy column (expected a header cell such as "
                       "train_accuracy or test_accuracy)");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The number in a cell, or NAN when the cell is not one number. */
static double cell_value(const char *p, size_t len)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return NAN;
    memcpy(buf, p, len);
    buf[len] = '\0';
    double v = strtod(buf, &end);
    end += strspn(end, " \t");
    return end != buf && !*end ? v : NAN;
}

/* The cell of column col in line (NAN when the row is shorter). */
static double row_cell(const char *line, size_t col)
{
    const char *p = line;
    for (size_t k = 0; k < col; k++) {
        p += strcspn(p, ",");
        if (!*p)
            return NAN;
        p++;
    }
    return cell_value(p, strcspn(p, ",\r\n"));
}

/* One data row appended; 0, OPSIN_EINVAL (the epoch is not a number) or OPSIN_ENOMEM. */
static int read_row(const char *line, acc_read *r, size_t ns, opsin_diag *diag)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        double *rows = realloc(r->rows, cap * (1 + ns) * sizeof *rows);
        if (!rows) {
            opsin_diag_oom(diag, r->csv, "reading the accuracy curves");
            return OPSIN_ENOMEM;
        }
        r->rows = rows;
        r->cap = cap;
    }
    double *row = r->rows + r->n * (1 + ns);
    if (!isfinite(row[0] = row_cell(line, 0))) {
        opsin_diag_set(diag, r->csv, (int)r->line, "the first cell is not a number (expected "
                       "the epoch)");
        return OPSIN_EINVAL;
    }
    for (size_t k = 0; k < ns; k++)
        row[1 + k] = row_cell(line, r->col[k]);
    r->n++;
    return OPSIN_OK;
}

/* The rows split into x and one y array per curve; 0, or OPSIN_ENOMEM. */
static int make_series(const acc_read *r, opsin_acc_curves *c, opsin_diag *diag)
{
    c->x = malloc(r->n * sizeof *c->x);
    c->y = malloc(r->n * c->ns * sizeof *c->y);
    if (!c->x || !c->y) {
        opsin_diag_oom(diag, r->csv, "reading the accuracy curves");
        return OPSIN_ENOMEM;
    }
    for (size_t i = 0; i < r->n; i++) {
        c->x[i] = r->rows[i * (1 + c->ns)];
        for (size_t k = 0; k < c->ns; k++)
            c->y[k * r->n + i] = r->rows[i * (1 + c->ns) + 1 + k];
    }
    for (size_t k = 0; k < c->ns; k++) {
        opsin_plot_series s = {c->x, c->y + k * r->n, r->n, c->title[k], 1};
        c->s[k] = s;
    }
    return OPSIN_OK;
}

/* The header, then every non-empty line as a row. */
static int read_lines(FILE *fp, acc_read *r, opsin_acc_curves *c, opsin_diag *diag)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = OPSIN_OK;
    if (getline(&line, &cap, fp) <= 0) {
        opsin_diag_set(diag, r->csv, 1, "no header line (expected the epoch CSV of a training "
                       "run)");
        rc = OPSIN_EINVAL;
    } else {
        r->line = 1;
        rc = read_header(line, r, c, diag);
    }
    while (rc == OPSIN_OK && getline(&line, &cap, fp) > 0) {
        r->line++;
        if (line[strspn(line, " \t\r\n")])
            rc = read_row(line, r, c->ns, diag);
    }
    free(line);
    if (rc == OPSIN_OK && r->n == 0) {
        opsin_diag_set(diag, r->csv, (int)r->line, "no data row (expected one row per epoch)");
        rc = OPSIN_EINVAL;
    }
    return rc;
}

int opsin_acc_curves_read(const char *csv, opsin_acc_curves *c, opsin_diag *diag)
{
    acc_read r = {csv, {0}, 0, 0, 0, NULL};
    memset(c, 0, sizeof *c);
    FILE *fp = fopen(csv, "r");
    if (!fp) {
        opsin_diag_set(diag, csv, 0, "cannot be read: %s (expected the epoch CSV of a training "
                       "run)", strerror(errno));
        return OPSIN_EIO;
    }
    int rc = read_lines(fp, &r, c, diag);
    fclose(fp);
    if (rc == OPSIN_OK)
        rc = make_series(&r, c, diag);
    free(r.rows);
    if (rc != OPSIN_OK)
        opsin_acc_curves_free(c);
    return rc;
}

void opsin_acc_curves_free(opsin_acc_curves *c)
{
    free(c->x);
    free(c->y);
    memset(c, 0, sizeof *c);
}

int opsin_train_plot(const char *png, const char *path, const char *csv, FILE *err)
{
    opsin_acc_curves c;
    opsin_diag d = {{0}};
    if (opsin_acc_curves_read(csv, &c, &d) != OPSIN_OK) {
        fprintf(err, "opsin: %s\n", d.msg);
        return -1;
    }
    int rc = opsin_plot_xy(png, path, c.xlabel, c.ylabel, 0, c.s, c.ns, err);
    opsin_acc_curves_free(&c);
    return rc;
}
