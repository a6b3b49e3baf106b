/* warn.c: the library's warnings on standard error.  The library keeps them in its objects
 * (opsin_circuit_warning, opsin_stimulus_warning, opsin_sim_warning) and never prints; the
 * commands print them here, and -q (--quiet) silences them. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* One line: a file's warning names its file; the others get the command's name. */
static void print_line(const char *cmd, const char *line)
{
    if (strncmp(line, "warning: ", 9) == 0)
        fprintf(stderr, "opsin %s: %s\n", cmd, line);
    else
        fprintf(stderr, "%s\n", line);
}

void opsin_cli_warnings(const char *cmd, int quiet, const opsin_circuit *c,
                        const opsin_stimulus *s)
{
    const char *line;
    for (size_t i = 0; !quiet && c && (line = opsin_circuit_warning(c, i)); i++)
        print_line(cmd, line);
    for (size_t i = 0; !quiet && s && (line = opsin_stimulus_warning(s, i)); i++)
        print_line(cmd, line);
}

void opsin_cli_sim_warnings(const char *cmd, int quiet, const opsin_sim *sim, size_t *seen)
{
    const char *line;
    for (; (line = opsin_sim_warning(sim, *seen)); ++*seen)
        if (!quiet)
            print_line(cmd, line);
}
