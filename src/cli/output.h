/* output.h: how every output of every command is written, by what it would replace:
 *   - a regular file, or a new path: under a temporary name in the target's directory
 *     (OUT.tmpXXXXXX), renamed into place only when everything succeeded, so a failure or an
 *     interrupt leaves the old file as it was; a symbolic link is followed and its target
 *     replaced (the link stays);
 *   - standard output ("-", or no file), a character or block device (/dev/null), a FIFO:
 *     written directly, as they come (nothing can be renamed onto them); a write error is
 *     still an error.
 * And before anything runs, cli_out_check refuses an output that is one of the command's
 * input files, or two outputs that are the same file. */
#ifndef OPSIN_CLI_OUTPUT_H
#define OPSIN_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "io/plot.h"

enum cli_out_kind { CLI_OUT_STDOUT, CLI_OUT_DIRECT, CLI_OUT_RENAME };

typedef struct cli_out {
    FILE *fp;          /* where to write; NULL when opened by name (cli_out_open_name) */
    char *tmp;         /* the temporary name (a signals.h slot), NULL when written directly */
    char *target;      /* the file renamed onto: the path with its links followed */
    const char *path;  /* as given; NULL for standard output */
    int kind;          /* enum cli_out_kind */
} cli_out;

/* How path would be written (NULL or "-": standard output). */
int cli_out_kind(const char *path);

/* 1 when what is written to path shows on the terminal standard error shows (standard
 * output or /dev/tty there): a progress line drawn on standard error would run into it. */
int cli_out_on_stderr_terminal(const char *path);

/* The name of an output in messages: path, or "standard output". */
const char *cli_out_shown(const char *path);

/* Opens the output path (NULL or "-": standard output) as a stream; -1 with errno set. */
int cli_out_open(cli_out *o, const char *path);

/* The same for a program that writes a file by name (gnuplot): cli_out_name gives the name
 * to write to (the temporary file, the device itself, or NULL for standard output). */
int cli_out_open_name(cli_out *o, const char *path);
const char *cli_out_name(const cli_out *o);

/* Finishes the output: renames it into place, or flushes it; -1 with errno on a write
 * failure, in which case no temporary file is left. */
int cli_out_commit(cli_out *o);

/* Closes and removes the temporary file (after a failure or an interrupt; what went to a
 * device stays there); safe on an unopened (zeroed) cli_out. */
void cli_out_discard(cli_out *o);

/* Commits when rc is 0, else discards (rc > 0: nothing to keep, not an error); 0 on success,
 * -1 when rc < 0 or committing failed. */
int cli_out_finish(cli_out *o, int rc);

/* The one line for an output that could not be created (opening) or written, with errno's
 * reason: "opsin CMD: cannot create PATH: why" or "opsin CMD: writing PATH failed: why";
 * returns EXIT_RUNTIME. */
int cli_out_failed(const char *cmd, const char *path, int opening);

/* Writes one whole output: opens path (by name when by_name: for a program that opens the
 * file itself, as gnuplot), calls write(ctx, o) and commits.  write returns 0, 1 when there
 * is nothing to keep (it said why), or -1 after its own message.  An exit status; the
 * messages of cli_out_failed. */
int cli_out_write(const char *cmd, const char *path, int by_name,
                  int (*write)(void *ctx, cli_out *o), void *ctx);

/* The plots of io/plot.h written like any output (a temporary file renamed into place); an
 * exit status.  Without gnuplot nothing is written and the status is 0 (plot.h says why).
 * o: how the CSV is drawn (NULL: the defaults). */
int cli_out_plot_csv(const char *cmd, const char *csv, const char *png, const opsin_plot_opts *o);
int cli_out_plot_xy(const char *cmd, const char *png, const char *xlabel, const char *ylabel,
                    int logx, const opsin_plot_series *s, size_t ns);

/* A file of a command: what names it in messages ("-o", "--map", "the spike list") and its
 * path (NULL: none; "-": standard output). */
typedef struct cli_file {
    const char *what, *path;
} cli_file;

/* Before anything runs: an output that is the same file as an input (same device and inode;
 * through links and other names), or as another output, is refused with one line
 * "opsin CMD: -o X is the input file Y (expected ...)" on stderr and EXIT_USAGE.  Character
 * devices (/dev/null, a terminal) are never the same file as anything. */
int cli_out_check(const char *cmd, const cli_file *in, size_t nin, const cli_file *out,
                  size_t nout);

#endif
