/* resume.h: --resume of sweep, ppf and stdp (opsin(1) "Resuming").
 *
 * With -o OUT a regular file, the rows go, as they are emitted, to the partial file
 * OUT.partial (protocols/partial.h) as well, which stays when the run does not complete (a
 * kill, a signal, a failure) and is removed once OUT is in place.  Its key lines identify the
 * run: the command, opsin's version, every option that changes the rows as it was parsed
 * (not --jobs, --max-memory, --quiet, -o, --plot, --resume), and the size and 64-bit FNV-1a
 * hash of every input file.  --resume reads OUT.partial (refused when its key differs),
 * restores its rows and computes the rest; with no OUT.partial but a complete OUT (a header
 * and one line per row) there is nothing to do; with neither the run starts from row 1.
 */
#ifndef OPSIN_CLI_RESUME_H
#define OPSIN_CLI_RESUME_H

#include <getopt.h>

#include "opsin.h"
#include "protocols/partial.h"

/* What cli_resume_prepare returns when a complete OUT leaves nothing to do. */
enum { CLI_RESUME_COMPLETE = -1 };

typedef struct cli_resume {
    const char *cmd;
    const char *skip;     /* short option characters that are not part of the key */
    char *key;            /* the key lines */
    size_t len, cap;
    int nomem;
    int resume;           /* --resume was given */
    char *path;           /* OUT.partial; NULL when the output has none */
    opsin_partial part;
} cli_resume;

/* Starts the key of command cmd; skip lists the options (by their getopt value) that do not
 * change the rows. */
void cli_resume_init(cli_resume *r, const char *cmd, const char *skip);

/* Adds an option, as getopt_long returned it (ch, its argument or NULL), to the key unless
 * ch is in skip; opts names it. */
void cli_resume_option(cli_resume *r, const struct option *opts, int ch, const char *arg);

/* Adds an input file (role: "circuit", "stimulus", ...; NULL path: none) by size and hash. */
void cli_resume_file(cli_resume *r, const char *role, const char *path);

/* A libconfig input file (circuit, stimulus, network file) as cli_resume_file adds it, then
 * every file it @includes ("include" lines). */
void cli_resume_config(cli_resume *r, const char *role, const char *path);

/* The data files a loaded circuit and stimulus read (synapse lists, spike times). */
void cli_resume_data_files(cli_resume *r, const opsin_circuit *c, const opsin_stimulus *s);

/* Before the runs, for output (NULL or "-": standard output) of nrows rows: *part gets the
 * partial file to pass to the protocol (NULL: none).  0 to run; EXIT_USAGE after one line
 * (--resume without a file to resume, a partial file of another run); EXIT_RUNTIME after one
 * line (out of memory, an unreadable partial file); CLI_RESUME_COMPLETE when OUT is complete
 * and there is no partial file (one note unless quiet).
 * Under mpirun (pool_mpi.h) only rank 0 does the above and prints; every other rank gets no
 * partial file and returns rank 0's value. */
int cli_resume_prepare(cli_resume *r, const char *output, size_t nrows, int quiet,
                       opsin_partial **part);

/* 1 when the partial file could not be written (the protocol's message says why). */
int cli_resume_write_failed(const cli_resume *r);

/* Once OUT is in place: removes the partial file. */
void cli_resume_done(const cli_resume *r);

void cli_resume_free(cli_resume *r);

#endif
