/* args.c: option values shared by the commands (quantities with units, whole numbers) and
 * the one message for an option getopt_long could not take. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "io/plot.h"
#include "opsin.h"
#include "protocols/pool_mpi.h"

unsigned long opsin_cli_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned long)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned long)n : 1;
}

void opsin_cli_jobs_warning(const char *cmd, unsigned long jobs, int quiet)
{
    unsigned long cpus = opsin_cli_cpus();
    if (quiet || !opsin_pool_mpi_launched() || jobs <= cpus)
        return;
    fprintf(stderr, "opsin %s: warning: --jobs %lu, but this rank may run on %lu CPU%s only, "
            "so its threads share %s (mpirun binds each rank to a core unless told: expected "
            "mpirun --bind-to none, or --map-by slot:PE=%lu; srun --cpus-per-task=%lu)\n",
            cmd, jobs, cpus, cpus == 1 ? "" : "s", cpus == 1 ? "it" : "them", jobs, jobs);
}

int opsin_cli_quantity(const char *cmd, const char *opt, const char *text, const char *unit,
                       double *out)
{
    opsin_diag d;
    if (opsin_units_parse(text, unit, out, &d) == OPSIN_OK)
        return 0;
    fprintf(stderr, "opsin %s: %s: %s\n", cmd, opt, d.msg);
    return -1;
}

int opsin_cli_count(const char *cmd, const char *opt, const char *text, unsigned long lo,
                    unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    int whole = !errno && *text && *end == '\0' && text[0] != '-' && text[0] != '+';
    if (whole && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    fprintf(stderr, "opsin %s: %s '%s' is %s (expected ", cmd, opt, text,
            whole ? "out of range" : "not a whole number");
    if (lo == 0 && hi == ULONG_MAX)
        fputs("a non-negative integer, e.g. 1)\n", stderr);
    else
        fprintf(stderr, "an integer from %lu to %lu)\n", lo, hi);
    return EXIT_USAGE;
}

int opsin_cli_memory(const char *cmd, const char *text, double *bytes)
{
    static const char units[] = "KMGT";
    char *end;
    errno = 0;
    double v = strtod(text, &end), scale = 1.0;
    const char *u = *end ? strchr(units, *end) : NULL;
    if (u && *end) {
        scale = pow(1024.0, (double)(u - units + 1));
        end++;
    }
    if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
        end += strlen(end);
    if (!errno && end != text && !*end && v >= 0 && isfinite(v * scale)) {
        *bytes = v * scale;
        return 0;
    }
    fprintf(stderr, "opsin %s: --max-memory '%s' is not a size (expected bytes with an optional "
            "K, M, G or T, e.g. 16G; 0 for no limit)\n", cmd, text);
    return EXIT_USAGE;
}

double opsin_cli_memory_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    double cap = 8.0 * 1024 * 1024 * 1024;
    return pages > 0 && size > 0 ? fmin(0.75 * (double)pages * (double)size, cap) : cap;
}

double opsin_cli_memory_share(double bytes, unsigned long jobs)
{
    return jobs > 1 ? bytes / (double)jobs : bytes;
}

int opsin_cli_add_set(const char *cmd, const char **sets, size_t *n, const char *arg)
{
    if (*n == OPSIN_CLI_MAX_SETS) {
        fprintf(stderr, "opsin %s: too many --set options (expected at most %d)\n", cmd,
                OPSIN_CLI_MAX_SETS);
        return EXIT_USAGE;
    }
    sets[(*n)++] = arg;
    return 0;
}

int opsin_cli_help_only(int argc, char **argv, const char *cmd, const char *help)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (ch != 'h')
            return opsin_cli_option_error(cmd, opts, "h", help, argc, argv);
        fputs(help, stdout);
        return -1;
    }
    return 0;
}

/* ---- option errors ---------------------------------------------------------------------- */

/* Edit distance between a and b (optimal string alignment: a swap of neighbours counts one,
 * so --plto is one from --plot); SIZE_MAX for names too long to be options. */
static size_t edit_distance(const char *a, const char *b)
{
    enum { MAX = 48 };
    size_t n = strlen(a), m = strlen(b), d[MAX + 1][MAX + 1];
    if (n > MAX || m > MAX)
        return SIZE_MAX;
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= m; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[n][m];
}

/* The name of an option's value as its help writes it ("--output=FILE": FILE), or VALUE. */
static void value_name(const char *help, const char *name, char *buf, size_t len)
{
    char key[64];
    snprintf(key, sizeof key, "--%s=", name);
    const char *at = help ? strstr(help, key) : NULL;
    size_t n = at ? strcspn(at + strlen(key), " \n") : 0;
    if (n)
        snprintf(buf, len, "%.*s", (int)n, at + strlen(key));
    else
        snprintf(buf, len, "VALUE");
}

/* The long options whose names start with the n characters of `name` (all when n is 0), as
 * "--a, --b" in buf, and their number; *found gets the one named exactly, else the only one
 * that starts so, else NULL. */
static size_t long_matches(const struct option *opts, const char *name, size_t n,
                           const struct option **found, char *buf, size_t len)
{
    const struct option *exact = NULL, *last = NULL;
    size_t count = 0, used = 0;
    buf[0] = '\0';
    for (const struct option *o = opts; o->name; o++) {
        if (strncmp(o->name, name, n) != 0)
            continue;
        if (strlen(o->name) == n)
            exact = o;
        last = o;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s--%s", count ? ", " : "",
                                     o->name);
        count++;
    }
    *found = exact ? exact : count == 1 ? last : NULL;
    return count;
}

/* An unknown long option: the nearest name within a third of its length (at least 2 edits),
 * else the list of every option. */
static void unknown_long(const char *name, const struct option *opts, char *msg, size_t len)
{
    const struct option *best = NULL, *exact;
    size_t best_d = SIZE_MAX, limit = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;
    for (const struct option *o = opts; o->name; o++) {
        size_t dist = edit_distance(name, o->name);
        if (dist < best_d) {
            best_d = dist;
            best = o;
        }
    }
    if (best && best_d <= limit) {
        snprintf(msg, len, "unknown option '--%s' (did you mean '--%s'?)", name, best->name);
        return;
    }
    char all[512];
    long_matches(opts, "", 0, &exact, all, sizeof all);
    snprintf(msg, len, "unknown option '--%s' (expected one of %s)", name, all);
}

/* The option a long argument ("output=x.csv", "pl") names, or NULL. */
static const struct option *long_find(const char *arg, const struct option *opts)
{
    const struct option *o;
    char list[512];
    long_matches(opts, arg, strcspn(arg, "="), &o, list, sizeof list);
    return o;
}

/* A long option: unknown, ambiguous, missing its value or given one it does not take. */
static void long_error(const char *arg, const struct option *opts, const char *help, char *msg,
                       size_t len)
{
    char name[64], list[512], value[64];
    const struct option *o;
    snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    size_t count = long_matches(opts, name, strlen(name), &o, list, sizeof list);
    if (!o && count > 1)
        snprintf(msg, len, "option '--%s' is ambiguous (expected one of %s)", name, list);
    else if (!o)
        unknown_long(name, opts, msg, len);
    else if (o->has_arg == no_argument)
        snprintf(msg, len, "option '--%s' takes no value (expected --%s alone)", o->name,
                 o->name);
    else {
        value_name(help, o->name, value, sizeof value);
        snprintf(msg, len, "option '--%s' needs a value (expected --%s=%s)", o->name, o->name,
                 value);
    }
}

/* A short option: unknown, or missing its value (named after its long twin). */
static void short_error(int c, const struct option *opts, const char *shortopts,
                        const char *help, char *msg, size_t len)
{
    const char *at = c && c != ':' ? strchr(shortopts, c) : NULL;
    if (!at || at[1] != ':') {
        char list[128];
        size_t used = 0;
        list[0] = '\0';
        for (const char *s = shortopts; *s && used < sizeof list; s++)
            if (*s != ':' && *s != '+')
                used += (size_t)snprintf(list + used, sizeof list - used, "%s-%c",
                                         used ? ", " : "", *s);
        snprintf(msg, len, "unknown option '-%c' (expected one of %s)", c, list);
        return;
    }
    char value[64] = "VALUE";
    for (const struct option *o = opts; o->name; o++)
        if (o->val == c)
            value_name(help, o->name, value, sizeof value);
    snprintf(msg, len, "option '-%c' needs a value (expected -%c %s)", c, c, value);
}

int opsin_cli_option_error(const char *cmd, const struct option *opts, const char *shortopts,
                           const char *help, int argc, char **argv)
{
    char msg[640];
    /* the argument getopt stepped over: the long option, unless a short one inside a
     * cluster ("-qx") was at fault, which leaves optind where it was */
    const char *arg = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
    const struct option *named = strncmp(arg, "--", 2) == 0 ? long_find(arg + 2, opts) : NULL;
    if (strncmp(arg, "--", 2) == 0 && arg[2] && (optopt == 0 || (named && named->val == optopt)))
        long_error(arg + 2, opts, help, msg, sizeof msg);
    else
        short_error(optopt, opts, shortopts, help, msg, sizeof msg);
    return opsin_cli_usage_error(cmd, msg);
}

int opsin_cli_plot_name(const char *cmd, const char *plot)
{
    char expected[128]; /* a device, FIFO or "-" takes what it is given: no name to read */
    if (!plot || cli_out_kind(plot) != CLI_OUT_RENAME ||
        opsin_plot_name_ok(plot, expected, sizeof expected))
        return 0;
    fprintf(stderr, "opsin %s: --plot: cannot tell the picture type of '%s' (expected %s)\n",
            cmd, plot, expected);
    return EXIT_USAGE;
}
