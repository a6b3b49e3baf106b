/* plot.c: the one gnuplot driver: a waveform CSV (one panel per probe) or point and curve
 * series (fits), each a script body written after the shared terminal and output lines. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/plot.h"

/* One drawing: the picture's size and the body of its script; csv names the data file in
 * messages (NULL when the data is inline). */
typedef struct plot_job {
    const char *png, *csv;
    size_t width, height;
    void (*body)(FILE *gp, const void *arg);
    const void *arg;
} plot_job;

/* 1 if an executable named prog is on PATH. */
static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char buf[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", prog);
        if (access(buf, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* Writes s as a gnuplot single-quoted string (a quote is doubled). */
static void quoted(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', fp);
        fputc(*s, fp);
    }
    fputc('\'', fp);
}

/* No picture: the partial PNG goes, and err says which one (and from which CSV). */
static int plot_failed(const plot_job *job, FILE *err)
{
    unlink(job->png);
    fprintf(err, "opsin: gnuplot could not draw %s%s%s\n", job->png, job->csv ? " from " : "",
            job->csv ? job->csv : "");
    return -1;
}

/* One gnuplot run with terminal term: 0 when it drew the picture. */
static int run_gnuplot(const plot_job *job, const char *term)
{
    FILE *gp = popen("gnuplot 2>/dev/null", "w");
    if (!gp)
        return -1;
    fprintf(gp, "set terminal %s size %zu,%zu noenhanced\nset output ", term, job->width,
            job->height);
    quoted(gp, job->png);
    fputc('\n', gp);
    job->body(gp, job->arg);
    return pclose(gp) == 0 ? 0 : -1;
}

/* A missing gnuplot is a note, not an error (1: said so on err): the plot only illustrates
 * results written elsewhere. */
static int gnuplot_missing(const plot_job *job, FILE *err)
{
    if (on_path("gnuplot"))
        return 0;
    fprintf(err, "opsin: gnuplot is not installed, so %s was not drawn%s%s%s (install it with "
            "'apt-get install -y gnuplot-nox')\n", job->png, job->csv ? "; the CSV " : "",
            job->csv ? job->csv : "", job->csv ? " is complete" : "");
    return 1;
}

/* Runs the job with pngcairo, else with the plain png terminal (builds without cairo). */
static int plot_draw(const plot_job *job, FILE *err)
{
    if (run_gnuplot(job, "pngcairo") == 0 || run_gnuplot(job, "png") == 0)
        return 0;
    return plot_failed(job, err);
}

/* ---- a waveform CSV -------------------------------------------------------------------- */

/* Column titles from the CSV header; returns how many (0 on failure). */
static size_t read_header(const char *csv, char ***titles)
{
    FILE *fp = fopen(csv, "r");
    char line[8192];
    size_t n = 0;
    *titles = NULL;
    if (!fp)
        return 0;
    if (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ",")) {
            char **t = realloc(*titles, (n + 1) * sizeof *t);
            if (!t)
                break;
            *titles = t;
            if (!(t[n] = malloc(strlen(tok) + 1)))
                break;
            strcpy(t[n++], tok);
        }
    }
    fclose(fp);
    return n;
}

/* The CSV's columns and titles, for csv_body. */
typedef struct csv_arg {
    const char *csv;
    char **titles;
    size_t n;
} csv_arg;

/* One panel per column after the first, read from the file by gnuplot itself. */
static void csv_body(FILE *gp, const void *arg)
{
    const csv_arg *a = arg;
    fprintf(gp, "set datafile separator ','\nset grid\nset multiplot layout %zu,1\n", a->n - 1);
    for (size_t i = 1; i < a->n; i++) {
        fprintf(gp, "set xlabel ");
        quoted(gp, a->titles[0]);
        fprintf(gp, "\nset ylabel ");
        quoted(gp, a->titles[i]);
        fprintf(gp, "\nplot ");
        quoted(gp, a->csv);
        fprintf(gp, " using 1:%zu every ::1 with lines lw 1.5 notitle\n", i + 1);
    }
    fprintf(gp, "unset multiplot\nset output\n");
}

/* gnuplot reads the CSV itself; only the header is needed here, for the titles. */
int opsin_plot_csv(const char *csv, const char *png, FILE *err)
{
    csv_arg a = {csv, NULL, 0};
    plot_job job = {png, csv, 900, 0, csv_body, &a};
    if (gnuplot_missing(&job, err))
        return 0;
    a.n = read_header(csv, &a.titles);
    job.height = a.n >= 2 ? 60 + 240 * (a.n - 1) : 0;
    int rc = a.n >= 2 ? plot_draw(&job, err) : plot_failed(&job, err);
    for (size_t i = 0; i < a.n; i++)
        free(a.titles[i]);
    free(a.titles);
    return rc;
}

/* ---- point and curve series ------------------------------------------------------------ */

/* The labels and series of one graph, for xy_body. */
typedef struct xy_arg {
    const char *xlabel, *ylabel;
    int logx;
    const opsin_plot_series *s;
    size_t ns;
} xy_arg;

/* Every series as an inline data block, then one plot command. */
static void xy_body(FILE *gp, const void *arg)
{
    const xy_arg *a = arg;
    fprintf(gp, "set grid\nset key top right\nset xlabel ");
    quoted(gp, a->xlabel);
    fprintf(gp, "\nset ylabel ");
    quoted(gp, a->ylabel);
    fprintf(gp, "\n%s\n", a->logx ? "set logscale x" : "unset logscale x");
    for (size_t k = 0; k < a->ns; k++) {
        fprintf(gp, "$d%zu << EOD\n", k);
        for (size_t i = 0; i < a->s[k].n; i++)
            if (isfinite(a->s[k].y[i]))
                fprintf(gp, "%.17g %.17g\n", a->s[k].x[i], a->s[k].y[i]);
        fprintf(gp, "EOD\n");
    }
    fprintf(gp, "plot ");
    for (size_t k = 0; k < a->ns; k++) {
        fprintf(gp, "%s$d%zu using 1:2 with %s title ", k ? ", " : "", k,
                a->s[k].lines ? "lines lw 2" : "points pt 7 ps 0.8");
        quoted(gp, a->s[k].title);
    }
    fprintf(gp, "\nset output\n");
}

/* The data goes inline, so nothing but the PNG is written. */
int opsin_plot_xy(const char *png, const char *xlabel, const char *ylabel, int logx,
                  const opsin_plot_series *s, size_t ns, FILE *err)
{
    xy_arg a = {xlabel, ylabel, logx, s, ns};
    plot_job job = {png, NULL, 800, 500, xy_body, &a};
    return gnuplot_missing(&job, err) ? 0 : plot_draw(&job, err);
}
