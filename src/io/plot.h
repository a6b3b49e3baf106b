/* plot.h: draws a waveform CSV with gnuplot (optional at run time). */
#ifndef OPSIN_PLOT_H
#define OPSIN_PLOT_H

#include <stdio.h>

/* Plots every column of csv against its first (one panel each) into png.  When gnuplot is
 * not installed, says so on err and returns 0 (the CSV is the result); -1 if plotting failed. */
int opsin_plot_csv(const char *csv, const char *png, FILE *err);

#endif
