/* plot.h: the program's one gnuplot driver (optional at run time): a waveform CSV in
 * panels, or series of points and curves in one graph; PNG, SVG or PDF by the file name. */
#ifndef OPSIN_PLOT_H
#define OPSIN_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct opsin_raster;

/* How a waveform CSV is drawn. */
typedef struct opsin_plot_opts {
    const char *title; /* above the panels (e.g. the circuit and stimulus files); NULL: none */
    double x_end;      /* > 0: the x axis runs from 0 to x_end (SI, e.g. t_end); else the data's */
    int overlay;       /* 1: the columns of one unit share a panel, with a legend */
    const struct opsin_raster *raster; /* a network's spikes (io/raster.h): below the probe
                                          panels, a raster twice their height and a panel of
                                          the populations' binned rates; NULL: none */
} opsin_plot_opts;

/* 1 when the picture type follows from the file name (.png, .svg or .pdf, any case); else 0
 * and `expected` (len bytes) names the known endings, for the caller's message. */
int opsin_plot_name_ok(const char *file, char *expected, size_t len);

/* Plots every column of csv against its first (one panel each) into the file path (NULL:
 * standard output), a picture of the type that out's name says; out names it in messages
 * (path is out, or a temporary file renamed onto out afterwards).  When gnuplot is not
 * installed, says so on err and returns 1 (the CSV is the result); -1 if plotting failed
 * (reason on err; the caller removes what path holds). */
int opsin_plot_csv(const char *csv, const char *out, const char *path, FILE *err);

/* The same drawn as o says (NULL: as opsin_plot_csv): every axis in SI-prefixed units chosen
 * from its data (t in ms, G in nS, ...), panels with one left margin. */
int opsin_plot_csv_opts(const char *csv, const char *out, const char *path,
                        const opsin_plot_opts *o, FILE *err);

/* The whole gnuplot script of opsin_plot_csv_opts with the terminal `term` ("pngcairo", "svg",
 * ...), written to gp: what gnuplot is given, for tests.  -1 if the CSV cannot be read or has
 * fewer than two columns. */
int opsin_plot_csv_script(FILE *gp, const char *csv, const char *out, const char *term,
                          const opsin_plot_opts *o);

/* One thing to draw: points (lines = 0) or a curve (lines = 1). */
typedef struct opsin_plot_series {
    const double *x, *y;
    size_t n;
    const char *title;
    int lines;
} opsin_plot_series;

/* Draws the series with gnuplot into path, png in messages and for the type, as
 * opsin_plot_csv (log x axis if logx; non-finite y left out).  Without gnuplot it says so on
 * err and returns 1; -1 (reason on err) if gnuplot failed. */
int opsin_plot_xy(const char *png, const char *path, const char *xlabel, const char *ylabel,
                  int logx, const opsin_plot_series *s, size_t ns, FILE *err);

#endif
