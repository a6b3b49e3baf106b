/* args.c: option values shared by the commands: quantities with units and whole numbers. */
#include <errno.h>
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

int opsin_cli_count(const char *text, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || !*text || text[0] == '-' || text[0] == '+' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}
