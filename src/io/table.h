/* table.h: reads chosen numeric columns of a measured CSV file (header row, columns by name). */
#ifndef OPSIN_TABLE_H
#define OPSIN_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "opsin.h"

#define OPSIN_TABLE_MAXCOLS 4

/* What to read: for each wanted column a header name (matched against the whole header cell
 * or its part before " (unit)"), or NULL for the column at position `pos` (from 0);
 * `optional_cells` lets empty cells of that column through as NAN. */
typedef struct opsin_table_want {
    const char *name;
    size_t pos;
    int optional_cells;
} opsin_table_want;

typedef struct opsin_table {
    size_t ncols, nrows;
    double *v[OPSIN_TABLE_MAXCOLS]; /* nrows values each, NAN for an allowed empty cell */
    int *line;                      /* source line of each row */
    char header[OPSIN_TABLE_MAXCOLS][128]; /* the header cell of each chosen column */
    char unit[OPSIN_TABLE_MAXCOLS][64];    /* text inside its "(...)", or "" */
} opsin_table;

/* Reads the wanted columns of path; '#' lines and blank lines are skipped.  On failure fills
 * diag with "FILE:LINE: what is wrong (expected ...)" and leaves *t empty.  Free with
 * opsin_table_free. */
int opsin_table_read(const char *path, const opsin_table_want *want, size_t nwant,
                     opsin_table *t, opsin_diag *diag);
void opsin_table_free(opsin_table *t);

/* A CSV file read row by row, for readers with their own rules (the pair and spike lists of
 * networks): '#' lines and blank lines are skipped, cells are split at commas and trimmed of
 * blanks and one pair of double quotes. */
#define OPSIN_CSV_MAXCELLS 256
typedef struct opsin_csv {
    FILE *fp;
    const char *path;
    int line;          /* of the row read last (at the end: the number of lines) */
    size_t ncells;     /* of that row; cells past OPSIN_CSV_MAXCELLS are counted, not kept */
    char *cell[OPSIN_CSV_MAXCELLS];
    char buf[8192];
} opsin_csv;

/* Opens path (kept, not copied); EIO with "PATH: cannot open: REASON (expected a readable CSV
 * file)". */
int opsin_csv_open(opsin_csv *r, const char *path, opsin_diag *diag);
/* The next row into r->cell: *have 1, or 0 at the end of the file.  EINVAL for a NUL byte or
 * a line too long, EIO for a read error, each with "PATH:LINE: ...". */
int opsin_csv_next(opsin_csv *r, int *have, opsin_diag *diag);
void opsin_csv_close(opsin_csv *r);

#endif
