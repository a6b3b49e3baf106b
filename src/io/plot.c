/* plot.c: draws a waveform CSV with gnuplot, one panel per probe. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/plot.h"

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

static int run_gnuplot(const char *csv, const char *png, const char *term, char **titles,
                       size_t n)
{
    FILE *gp = popen("gnuplot 2>/dev/null", "w");
    if (!gp)
        return -1;
    fprintf(gp, "set terminal %s size 900,%zu noenhanced\nset output ", term, 60 + 240 * (n - 1));
    quoted(gp, png);
    fprintf(gp, "\nset datafile separator ','\nset grid\nset multiplot layout %zu,1\n", n - 1);
    for (size_t i = 1; i < n; i++) {
        fprintf(gp, "set xlabel ");
        quoted(gp, titles[0]);
        fprintf(gp, "\nset ylabel ");
        quoted(gp, titles[i]);
        fprintf(gp, "\nplot ");
        quoted(gp, csv);
        fprintf(gp, " using 1:%zu every ::1 with lines lw 1.5 notitle\n", i + 1);
    }
    fprintf(gp, "unset multiplot\nset output\n");
    int status = pclose(gp);
    return status == 0 ? 0 : -1;
}

int opsin_plot_csv(const char *csv, const char *png, FILE *err)
{
    if (!on_path("gnuplot")) {
        fprintf(err, "opsin: gnuplot is not installed, so %s was not drawn; the CSV %s is "
                "complete (install it with 'apt-get install -y gnuplot-nox')\n", png, csv);
        return 0;
    }
    char **titles;
    size_t n = read_header(csv, &titles);
    int rc = -1;
    if (n >= 2)
        rc = run_gnuplot(csv, png, "pngcairo", titles, n) == 0 ||
                     run_gnuplot(csv, png, "png", titles, n) == 0
                 ? 0
                 : -1;
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    if (rc) {
        unlink(png);
        fprintf(err, "opsin: gnuplot could not draw %s from %s\n", png, csv);
    }
    return rc;
}
