/* output.h: output files of the commands: written under a temporary name beside the final
 * one and renamed only when everything succeeded, so a failure leaves nothing half-written;
 * standard output gets the text only at the end, too. */
#ifndef OPSIN_CLI_OUTPUT_H
#define OPSIN_CLI_OUTPUT_H

#include <stdio.h>

typedef struct cli_out {
    FILE *fp;
    char *tmp;         /* temporary name, NULL for standard output */
    const char *final; /* NULL: standard output */
} cli_out;

/* Opens a temporary file for `final` (NULL: one whose text goes to standard output at
 * commit), with the usual permissions (umask); -1 with errno on failure. */
int cli_out_open(cli_out *o, const char *final);

/* Closes and renames into place (or copies to standard output); -1 on a write failure, in
 * which case nothing is left behind. */
int cli_out_commit(cli_out *o);

/* Closes and removes the temporary file (after a failure); safe on an unopened cli_out. */
void cli_out_discard(cli_out *o);

#endif
