/* accplot.h: the accuracy curves of a training run's epoch CSV (train/accplot.c), drawn
 * through the program's gnuplot driver (io/plot.h) as `--plot` of `opsin train` does.
 *
 * The CSV: a header line of comma-separated cells "NAME" or "NAME (UNIT)", then one row per
 * epoch.  The first column is the x axis (the epoch); every column whose NAME contains
 * "accuracy" (train_accuracy, test_accuracy, ...) is a curve titled by its NAME, at most
 * OPSIN_ACC_MAX_CURVES of them; the other columns (pulses, energy, time) are not drawn.
 * A cell that is not a number (an epoch without a test) leaves a gap in its curve.  The y
 * label is "accuracy" with the first curve's unit, if it has one other than "1". */
#ifndef OPSIN_TRAIN_ACCPLOT_H
#define OPSIN_TRAIN_ACCPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "opsin.h"
#include "io/plot.h"

enum { OPSIN_ACC_MAX_CURVES = 8 };

/* The curves read from an epoch CSV, ready for opsin_plot_xy (or the command line's
 * cli_out_plot_xy): series s[0 .. ns-1] against x labelled xlabel, y labelled ylabel. */
typedef struct opsin_acc_curves {
    opsin_plot_series s[OPSIN_ACC_MAX_CURVES];
    size_t ns;
    char xlabel[128], ylabel[128];
    char title[OPSIN_ACC_MAX_CURVES][128];
    double *x, *y; /* n rows; y is ns x n */
} opsin_acc_curves;

/* Reads csv; OPSIN_EIO when it cannot be read, OPSIN_EINVAL when it has no header, no data
 * row, no accuracy column or more than OPSIN_ACC_MAX_CURVES of them (diag "CSV:LINE: ...
 * (expected ...)"), OPSIN_ENOMEM; c holds nothing to free on failure. */
int opsin_acc_curves_read(const char *csv, opsin_acc_curves *c, opsin_diag *diag);
void opsin_acc_curves_free(opsin_acc_curves *c);

/* The accuracy curves of csv drawn into path (NULL: standard output), png naming the picture
 * (its type by the ending, messages), as opsin_plot_xy: 0 when drawn; 1 when gnuplot is not
 * installed (a note on err, nothing written: the CSV is the result); -1 when the CSV cannot be
 * read (its diag line on err) or gnuplot failed (reason on err; the caller removes what path
 * holds). */
int opsin_train_plot(const char *png, const char *path, const char *csv, FILE *err);

#endif
