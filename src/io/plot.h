/* plot.h: the program's one gnuplot driver (optional at run time): a waveform CSV in
 * panels, or series of points and curves in one graph. */
#ifndef OPSIN_PLOT_H
#define OPSIN_PLOT_H

#include <stddef.h>
#include <stdio.h>

/* Plots every column of csv against its first (one panel each) into png.  When gnuplot is
 * not installed, says so on err and returns 0 (the CSV is the result); -1 if plotting failed. */
int opsin_plot_csv(const char *csv, const char *png, FILE *err);

/* One thing to draw: points (lines = 0) or a curve (lines = 1). */
typedef struct opsin_plot_series {
    const double *x, *y;
    size_t n;
    const char *title;
    int lines;
} opsin_plot_series;

/* Draws the series into png with gnuplot (log x axis if logx; non-finite y left out).
 * Without gnuplot it says so on err and returns 0; -1 (png removed, reason on err) if gnuplot
 * failed. */
int opsin_plot_xy(const char *png, const char *xlabel, const char *ylabel, int logx,
                  const opsin_plot_series *s, size_t ns, FILE *err);

#endif
