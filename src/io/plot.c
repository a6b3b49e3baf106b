/* plot.c: the one gnuplot driver: a waveform CSV (one panel per probe, or per unit with a
 * legend) or point and curve series (fits), each a script body written after the shared
 * terminal and output lines; the terminal follows from the file name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "io/number.h"
#include "io/plot.h"
#include "io/raster.h"

/* A picture type: the file name's ending, the gnuplot terminals to try in order (the second,
 * if any, for builds without cairo) and whether its size is given in inches (100 px each). */
typedef struct plot_type {
    const char *ext;
    const char *term[2];
    int inches;
} plot_type;

static const plot_type types[] = {
    {".png", {"pngcairo", "png"}, 0},
    {".svg", {"svg", NULL}, 0},
    {".pdf", {"pdfcairo", NULL}, 1},
};
#define NTYPES (sizeof types / sizeof types[0])

/* The type named by the file's ending (any case), or NULL. */
static const plot_type *type_of(const char *file)
{
    size_t n = strlen(file);
    for (size_t i = 0; i < NTYPES; i++) {
        size_t k = strlen(types[i].ext);
        if (n > k && strcasecmp(file + n - k, types[i].ext) == 0)
            return &types[i];
    }
    return NULL;
}

/* The known endings are listed from the table, so a new type is one row. */
int opsin_plot_name_ok(const char *file, char *expected, size_t len)
{
    if (type_of(file))
        return 1;
    size_t used = (size_t)snprintf(expected, len, "a file name ending in");
    for (size_t i = 0; i < NTYPES && used < len; i++)
        used += (size_t)snprintf(expected + used, len - used, "%s %s",
                                 i == 0 ? "" : i + 1 < NTYPES ? "," : " or", types[i].ext);
    return 0;
}

/* One drawing: the picture's size and the body of its script; out names the picture (its
 * type, messages) and csv the data file in messages (NULL when the data is inline); gnuplot
 * writes to path (NULL: standard output). */
typedef struct plot_job {
    const char *out, *path, *csv;
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

/* No picture: err says which one (and from which CSV); the caller removes what path holds
 * (it may be a temporary file, or a device that must stay). */
static int plot_failed(const plot_job *job, FILE *err)
{
    fprintf(err, "opsin: gnuplot could not draw %s%s%s\n", job->out, job->csv ? " from " : "",
            job->csv ? job->csv : "");
    return -1;
}

/* The terminal and output lines every script starts with.  Text is noenhanced: names such as
 * R_reg and G_LTP keep their underscores instead of turning into subscripts. */
static void script_head(FILE *gp, const plot_job *job, const char *term)
{
    const plot_type *t = type_of(job->out);
    if (t && t->inches)
        fprintf(gp, "set terminal %s size %gin,%gin noenhanced\n", term, job->width / 100.0,
                job->height / 100.0);
    else
        fprintf(gp, "set terminal %s size %zu,%zu noenhanced\n", term, job->width, job->height);
    fprintf(gp, "set output ");
    if (job->path)
        quoted(gp, job->path);
    fputc('\n', gp);
}

/* One gnuplot run with terminal term: 0 when it drew the picture. */
static int run_gnuplot(const plot_job *job, const char *term)
{
    FILE *gp = popen("gnuplot 2>/dev/null", "w");
    if (!gp)
        return -1;
    script_head(gp, job, term);
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
            "'apt-get install -y gnuplot-nox')\n", job->out, job->csv ? "; the CSV " : "",
            job->csv ? job->csv : "", job->csv ? " is complete" : "");
    return 1;
}

/* Runs the job with the terminals of the file's type in turn (an unknown ending: PNG). */
static int plot_draw(const plot_job *job, FILE *err)
{
    const plot_type *t = type_of(job->out);
    if (!t)
        t = &types[0];
    for (size_t i = 0; i < 2 && t->term[i]; i++)
        if (run_gnuplot(job, t->term[i]) == 0)
            return 0;
    return plot_failed(job, err);
}

/* ---- a waveform CSV -------------------------------------------------------------------- */

/* One column of the CSV: its name and unit from the header cell "NAME (UNIT)", the largest
 * magnitude of its numbers, and the panel that draws it. */
typedef struct column {
    char *name, *unit;
    double maxabs;
    size_t panel;
} column;

/* An axis: its factor from SI and its label "NAME (PREFIXUNIT)". */
typedef struct axis {
    double scale;
    char unit[32];
} axis;

/* The CSV as the script needs it: columns, panels (an axis each) and the x axis. */
typedef struct csv_arg {
    const char *csv;
    const opsin_plot_opts *o;
    column *col;
    size_t n, npanels;
    axis x, *panel;
} csv_arg;

/* Splits a header cell "NAME (UNIT)" at its first " (" (no unit: ""); 0, or -1 out of
 * memory.  Names hold no space, units may hold parentheses: "k (1/(V s))". */
static int column_set(column *c, const char *cell)
{
    size_t n = strlen(cell);
    const char *open = strstr(cell, " (");
    size_t nlen = open && cell[n - 1] == ')' ? (size_t)(open - cell) : n;
    size_t ulen = nlen < n ? n - nlen - 3 : 0;
    c->name = malloc(nlen + 1);
    c->unit = malloc(ulen + 1);
    if (!c->name || !c->unit)
        return -1;
    memcpy(c->name, cell, nlen);
    c->name[nlen] = '\0';
    memcpy(c->unit, cell + (nlen < n ? nlen + 2 : n), ulen);
    c->unit[ulen] = '\0';
    return 0;
}

/* The header's cells as columns; 0, or -1. */
static int read_header(char *line, csv_arg *a)
{
    line[strcspn(line, "\r\n")] = '\0';
    for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ",")) {
        column *c = realloc(a->col, (a->n + 1) * sizeof *c);
        if (!c)
            return -1;
        a->col = c;
        memset(&c[a->n], 0, sizeof c[a->n]);
        if (column_set(&c[a->n++], tok))
            return -1;
    }
    return 0;
}

/* The largest finite magnitude of every column over the data rows. */
static void read_ranges(FILE *fp, char **line, size_t *cap, csv_arg *a)
{
    while (getline(line, cap, fp) > 0) {
        char *s = *line;
        for (size_t i = 0; i < a->n; i++) {
            char *end;
            double v = strtod(s, &end);
            if (end != s && isfinite(v) && fabs(v) > a->col[i].maxabs)
                a->col[i].maxabs = fabs(v);
            s = end + strcspn(end, ",");
            if (*s != ',')
                break;
            s++;
        }
    }
}

/* Reads the CSV's header and ranges; 0, or -1 if it cannot be read or has no data column. */
static int csv_scan(const char *csv, csv_arg *a)
{
    FILE *fp = fopen(csv, "r");
    char *line = NULL;
    size_t cap = 0;
    int rc = -1;
    if (fp && getline(&line, &cap, fp) > 0 && read_header(line, a) == 0) {
        read_ranges(fp, &line, &cap, a);
        rc = a->n >= 2 ? 0 : -1;
    }
    free(line);
    if (fp)
        fclose(fp);
    return rc;
}

/* The SI prefix that puts the largest magnitude between 1 and 1000 (t_end 30 ms: ms, 20 nS:
 * nS).  Units that do not take a prefix keep factor 1: dimensionless ("" or "1"), those not
 * starting with a letter (1/s) and those whose first symbol has a power (m2). */
static axis axis_for(double maxabs, const char *unit)
{
    static const char prefixes[] = "fpnum kMGT"; /* 1e-15 .. 1e12; ' ' is none */
    axis x = {1.0, ""};
    size_t sym = strspn(unit, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    int k = 5;
    if (sym > 0 && !(unit[sym] >= '0' && unit[sym] <= '9') && maxabs > 0 && isfinite(maxabs)) {
        k = (int)floor(log10(maxabs) / 3.0 + 1e-9) + 5;
        k = k < 0 ? 0 : k > 9 ? 9 : k;
        x.scale = pow(10.0, -3.0 * (k - 5));
    }
    snprintf(x.unit, sizeof x.unit, "%.1s%s", k == 5 ? "" : &prefixes[k], unit);
    return x;
}

/* Panels: one per column, or with overlay one per unit; each gets the axis of the largest
 * magnitude it draws.  0, or -1 out of memory. */
static int make_panels(csv_arg *a)
{
    int overlay = a->o && a->o->overlay;
    a->npanels = 0;
    for (size_t i = 1; i < a->n; i++) {
        size_t p = a->npanels;
        for (size_t j = 1; overlay && j < i; j++)
            if (strcmp(a->col[j].unit, a->col[i].unit) == 0)
                p = a->col[j].panel;
        a->col[i].panel = p;
        a->npanels += p == a->npanels;
    }
    if (!(a->panel = calloc(a->npanels, sizeof *a->panel)))
        return -1;
    for (size_t p = 0; p < a->npanels; p++) {
        double m = 0.0;
        const char *unit = "";
        for (size_t i = 1; i < a->n; i++)
            if (a->col[i].panel == p) {
                m = fmax(m, a->col[i].maxabs);
                unit = a->col[i].unit;
            }
        a->panel[p] = axis_for(m, unit);
    }
    double x_end = a->o && a->o->x_end > 0 ? a->o->x_end : a->col[0].maxabs;
    a->x = axis_for(x_end, a->col[0].unit);
    return 0;
}

static void csv_free(csv_arg *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->col[i].name);
        free(a->col[i].unit);
    }
    free(a->col);
    free(a->panel);
}

/* Writes "NAME (UNIT)" as a quoted label ("NAME" without a unit, "(UNIT)" without a name). */
static void label(FILE *gp, const char *name, const char *unit)
{
    char buf[512];
    if (!unit[0])
        snprintf(buf, sizeof buf, "%s", name);
    else
        snprintf(buf, sizeof buf, "%s%s(%s)", name, name[0] ? " " : "", unit);
    quoted(gp, buf);
}

/* The widest legend entry in characters, for the right margin that the keys need. */
static size_t widest_name(const csv_arg *a)
{
    size_t w = 0;
    for (size_t i = 1; i < a->n; i++)
        w = strlen(a->col[i].name) > w ? strlen(a->col[i].name) : w;
    return w;
}

/* One panel: its columns scaled to the panel's prefixed unit, against scaled x. */
static void csv_panel(FILE *gp, const csv_arg *a, size_t p)
{
    size_t members = 0, last = 0;
    for (size_t i = 1; i < a->n; i++)
        if (a->col[i].panel == p) {
            members++;
            last = i;
        }
    fprintf(gp, "set ylabel ");
    label(gp, members == 1 ? a->col[last].name : "", a->panel[p].unit);
    fprintf(gp, "\nplot ");
    for (size_t i = 1, k = 0; i < a->n; i++) {
        if (a->col[i].panel != p)
            continue;
        fprintf(gp, "%s", k++ ? ", " : "");
        quoted(gp, a->csv);
        fprintf(gp, " using ($1*%.17g):($%zu*%.17g) every ::1 with lines lw 1.5 ", a->x.scale,
                i + 1, a->panel[p].scale);
        if (a->o && a->o->overlay) {
            fprintf(gp, "title ");
            quoted(gp, a->col[i].name);
        } else {
            fprintf(gp, "notitle");
        }
    }
    fputc('\n', gp);
}

/* ---- a network's spikes, below the probes ----------------------------------------------- */

/* The height of a probe panel in pixels (100 per inch in a PDF); the raster gets two. */
#define PANEL_PX 240

/* The raster's rows: the probe panels, the raster (two panels high) and the rates. */
static size_t net_rows(const csv_arg *a)
{
    return a->npanels + 3;
}

/* The picture's height with a raster: its panels, the title and 10 pixels above and below. */
static size_t net_height(const csv_arg *a)
{
    return PANEL_PX * net_rows(a) + (a->o->title ? 30 : 0) + 20;
}

/* Places the next panel, rows panel heights high, below `above` of them: gnuplot's layout
 * makes every panel the same height. */
static void net_place(FILE *gp, const csv_arg *a, size_t above, size_t rows)
{
    double h = (double)net_height(a), bottom = (double)(PANEL_PX * (net_rows(a) - above - rows));
    fprintf(gp, "set origin 0,%.6f\nset size 1,%.6f\n", (bottom + 10) / h,
            (double)(PANEL_PX * rows) / h);
}

/* The longest population id, for the right margin that their names need. */
static size_t widest_pop(const opsin_raster *r)
{
    size_t w = 0;
    for (size_t p = 0; p < r->npops; p++)
        w = strlen(r->pop[p].id) > w ? strlen(r->pop[p].id) : w;
    return w;
}

/* The points and rates inline, in SI and comma-separated like the CSV: "t,neuron,line type"
 * (the population from 1, its colour) and per bin "start,rate,rate,..." with the last rates
 * again at t_end, the end of the last step. */
static void net_data(FILE *gp, const opsin_raster *r)
{
    fprintf(gp, "$raster << EOD\n");
    for (size_t i = 0; i < r->npoints; i++) {
        opsin_number_write(gp, r->pt[i].t);
        fprintf(gp, ",%zu,%zu\n", r->pt[i].neuron, opsin_raster_pop_of(r, r->pt[i].neuron) + 1);
    }
    fprintf(gp, "EOD\n$rate << EOD\n");
    for (size_t k = 0; k <= r->nbins; k++) {
        size_t b = k < r->nbins ? k : k - 1;
        opsin_number_write(gp, k < r->nbins ? opsin_raster_bin_start(r, k) : r->t_end);
        for (size_t p = 0; p < r->npops; p++) {
            fputc(',', gp);
            opsin_number_write(gp, opsin_raster_rate(r, p, b));
        }
        fputc('\n', gp);
    }
    fprintf(gp, "EOD\n");
}

/* "neuron", and how it was thinned: "neuron (1 member in 10, 1 spike in 2)". */
static void raster_ylabel(FILE *gp, const opsin_raster *r)
{
    char buf[128];
    size_t n = (size_t)snprintf(buf, sizeof buf, "neuron");
    if (r->stride > 1 || r->every > 1)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " (");
    if (r->stride > 1)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "1 member in %zu%s", r->stride,
                              r->every > 1 ? ", " : ")");
    if (r->every > 1)
        snprintf(buf + n, sizeof buf - n, "1 spike in %lu)", r->every);
    fprintf(gp, "set ylabel ");
    quoted(gp, buf);
    fputc('\n', gp);
}

/* The populations' names right of a panel in their colours: beside the middle of their
 * members in the raster, else one under the other from the top. */
static void pop_names(FILE *gp, const opsin_raster *r, int raster)
{
    for (size_t p = 0; p < r->npops; p++) {
        const opsin_raster_pop *q = &r->pop[p];
        fprintf(gp, "set label ");
        quoted(gp, q->id);
        if (raster)
            fprintf(gp, " at graph 1.01, first %.17g",
                    (double)q->first + ((double)q->size - 1) / 2);
        else
            fprintf(gp, " at graph 1.01, graph %.6f",
                    0.95 - fmin(0.12, 0.9 / (double)r->npops) * (double)p);
        fprintf(gp, " left tc lt %zu\n", p + 1);
    }
}

/* One dot per spike at (t, neuron index), the populations stacked in their colours, dashed
 * lines between them and their names right of the panel. */
static void raster_panel(FILE *gp, const csv_arg *a, const opsin_raster *r)
{
    net_place(gp, a, a->npanels, 2);
    raster_ylabel(gp, r);
    fprintf(gp, "set yrange [-0.5:%zu.5]\n", r->nneurons - 1);
    for (size_t p = 1; p < r->npops; p++)
        fprintf(gp, "set arrow from graph 0, first %zu.5 to graph 1, first %zu.5 nohead dt 2 "
                "lc rgb 'gray40' front\n", r->pop[p].first - 1, r->pop[p].first - 1);
    pop_names(gp, r, 1);
    fprintf(gp, "plot $raster using ($1*%.17g):2:3 with points pt 7 ps 0.3 lc variable "
            "notitle\nunset arrow\nunset label\n", a->x.scale);
}

/* The rate of every population in the raster's bins, as steps in its colour. */
static void rate_panel(FILE *gp, const csv_arg *a, const opsin_raster *r)
{
    double m = 0.0;
    for (size_t p = 0; p < r->npops; p++)
        for (size_t k = 0; k < r->nbins; k++)
            m = fmax(m, opsin_raster_rate(r, p, k));
    axis y = axis_for(m, "Hz"), bin = axis_for(r->bin, "s");
    char text[128];
    snprintf(text, sizeof text, "rate (%s) in %g %s bins", y.unit, r->bin * bin.scale,
             bin.unit);
    net_place(gp, a, a->npanels + 2, 1);
    fprintf(gp, "set ylabel ");
    quoted(gp, text);
    fprintf(gp, "\nset yrange [0:*]\nunset key\n");
    pop_names(gp, r, 0);
    fprintf(gp, "plot ");
    for (size_t p = 0; p < r->npops; p++)
        fprintf(gp, "%s$rate using ($1*%.17g):($%zu*%.17g) with steps lw 1.5 lt %zu notitle",
                p ? ", " : "", a->x.scale, p + 2, y.scale, p + 1);
    fprintf(gp, "\nunset label\n");
}

/* ---- the picture ------------------------------------------------------------------------ */

/* The panels one above the other, read from the file by gnuplot itself: one left margin for
 * all (aligned axes), the same x range, a title over them; a network's raster and rates
 * below them (their data inline), placed one by one since the raster is taller. */
static void csv_body(FILE *gp, const void *arg)
{
    const csv_arg *a = arg;
    const opsin_raster *r = a->o ? a->o->raster : NULL;
    int overlay = a->o && a->o->overlay;
    size_t rmargin = overlay ? widest_name(a) + 12 : 4;
    if (r && widest_pop(r) + 3 > rmargin)
        rmargin = widest_pop(r) + 3;
    fprintf(gp, "set datafile separator ','\nset grid\nset lmargin 12\nset rmargin %zu\n",
            rmargin);
    fprintf(gp, "%s\n", overlay ? "set key outside right top" : "unset key");
    if (a->o && a->o->x_end > 0)
        fprintf(gp, "set xrange [0:%.17g]\n", a->o->x_end * a->x.scale);
    else
        fprintf(gp, "set autoscale xfix\n");
    fprintf(gp, "set xlabel ");
    label(gp, a->col[0].name, a->x.unit);
    fputc('\n', gp);
    if (r)
        net_data(gp, r);
    fprintf(gp, "set multiplot");
    if (!r)
        fprintf(gp, " layout %zu,1", a->npanels);
    if (a->o && a->o->title) {
        fprintf(gp, " title ");
        quoted(gp, a->o->title);
    }
    fputc('\n', gp);
    for (size_t p = 0; p < a->npanels; p++) {
        if (r)
            net_place(gp, a, p, 1);
        csv_panel(gp, a, p);
    }
    if (r) {
        raster_panel(gp, a, r);
        rate_panel(gp, a, r);
    }
    fprintf(gp, "unset multiplot\nset output\n");
}

/* The job of drawing a scanned CSV into out. */
static plot_job csv_job(const char *csv, const char *out, const char *path, const csv_arg *a)
{
    int title = a->o && a->o->title;
    size_t height = a->o && a->o->raster ? net_height(a)
                                         : 60 + PANEL_PX * a->npanels + (title ? 30 : 0);
    plot_job job = {out, path, csv, 900, height, csv_body, a};
    return job;
}

int opsin_plot_csv_script(FILE *gp, const char *csv, const char *out, const char *term,
                          const opsin_plot_opts *o)
{
    csv_arg a = {csv, o, NULL, 0, 0, {1.0, ""}, NULL};
    int rc = csv_scan(csv, &a) == 0 && make_panels(&a) == 0 ? 0 : -1;
    if (rc == 0) {
        plot_job job = csv_job(csv, out, out, &a);
        script_head(gp, &job, term);
        csv_body(gp, &a);
    }
    csv_free(&a);
    return rc;
}

/* gnuplot reads the CSV itself; here only the header and the ranges, for labels and axes. */
int opsin_plot_csv_opts(const char *csv, const char *out, const char *path,
                        const opsin_plot_opts *o, FILE *err)
{
    csv_arg a = {csv, o, NULL, 0, 0, {1.0, ""}, NULL};
    plot_job job = {out, path, csv, 900, 0, csv_body, &a};
    if (gnuplot_missing(&job, err))
        return 1;
    int rc = csv_scan(csv, &a) == 0 && make_panels(&a) == 0 ? 0 : -1;
    if (rc == 0) {
        job = csv_job(csv, out, path, &a);
        rc = plot_draw(&job, err);
    } else {
        rc = plot_failed(&job, err);
    }
    csv_free(&a);
    return rc;
}

int opsin_plot_csv(const char *csv, const char *out, const char *path, FILE *err)
{
    return opsin_plot_csv_opts(csv, out, path, NULL, err);
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

/* The data goes inline, so nothing but the picture is written. */
int opsin_plot_xy(const char *png, const char *path, const char *xlabel, const char *ylabel,
                  int logx, const opsin_plot_series *s, size_t ns, FILE *err)
{
    xy_arg a = {xlabel, ylabel, logx, s, ns};
    plot_job job = {png, path, NULL, 800, 500, xy_body, &a};
    return gnuplot_missing(&job, err) ? 1 : plot_draw(&job, err);
}
