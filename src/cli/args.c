/* args.c: option values shared by the commands: quantities with units and whole numbers. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "opsin.h"

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
            return opsin_cli_usage_error(cmd, "unknown option");
        fputs(help, stdout);
        return -1;
    }
    return 0;
}
