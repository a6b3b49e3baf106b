/* cli.h: the `opsin` subcommands; each returns the process exit status
 * (0 success, 1 run-time failure, 2 bad usage or bad input). */
#ifndef OPSIN_CLI_H
#define OPSIN_CLI_H

#include <stddef.h>

#include "opsin.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

int opsin_cmd_run(int argc, char **argv);
int opsin_cmd_check(int argc, char **argv);
int opsin_cmd_models(int argc, char **argv);
int opsin_cmd_stdp(int argc, char **argv);
int opsin_cmd_fit(int argc, char **argv);
int opsin_cmd_ppf(int argc, char **argv);
int opsin_cmd_sweep(int argc, char **argv);
int opsin_cmd_train(int argc, char **argv);

/* Prints "opsin: msg" and the "Try" line to stderr; returns EXIT_USAGE. */
int opsin_cli_usage_error(const char *cmd, const char *msg);

/* A quantity with a unit ("10ms") for option opt; -1 after printing "opsin CMD: OPT: why". */
int opsin_cli_quantity(const char *cmd, const char *opt, const char *text, const char *unit,
                       double *out);

/* A whole number from lo to hi (no sign, nothing after it) for option opt; otherwise *out is
 * unchanged and the result is EXIT_USAGE after one line "opsin CMD: OPT 'TEXT' is out of range
 * (expected an integer from LO to HI)" (or "is not a whole number"). */
int opsin_cli_count(const char *cmd, const char *opt, const char *text, unsigned long lo,
                    unsigned long hi, unsigned long *out);

/* --max-memory SIZE: bytes with an optional K, M, G or T (powers of 1024, "B" or "iB" may
 * follow), 0 for no limit; EXIT_USAGE after one line on stderr when it is not a size. */
int opsin_cli_memory(const char *cmd, const char *text, double *bytes);

/* The default --max-memory: 3/4 of the physical memory, at most 8 GiB. */
double opsin_cli_memory_default(void);

/* The CPUs this process may run on (its affinity: what mpirun, srun or taskset bound it to;
 * else the online CPUs), at least 1: the default of --jobs. */
unsigned long opsin_cli_cpus(void);

/* Under mpirun or srun (one rank included): one warning on standard error (unless quiet)
 * when --jobs asks for more threads than the CPUs this rank may run on (Open MPI binds each
 * rank to one core unless told otherwise). */
void opsin_cli_jobs_warning(const char *cmd, unsigned long jobs, int quiet);

/* The memory limit of each simulation when `jobs` run at once: a share of the whole. */
double opsin_cli_memory_share(double bytes, unsigned long jobs);

/* --set NAME=VALUE options kept for later, at most OPSIN_CLI_MAX_SETS of them. */
enum { OPSIN_CLI_MAX_SETS = 64 };

/* Appends arg to sets[*n]; EXIT_USAGE after one line on stderr when the list is full. */
int opsin_cli_add_set(const char *cmd, const char **sets, size_t *n, const char *arg);

/* Exit status for a library status code. */
int opsin_cli_exit_status(int status);

/* Options of a command whose only option is --help: 0 to go on (optind at the first
 * operand), -1 when the help was printed (exit 0), else the usage exit status. */
int opsin_cli_help_only(int argc, char **argv, const char *cmd, const char *help);

struct option;

/* The option error getopt_long (opterr = 0) just reported with '?', as one message that names
 * the option: "unknown option '--ouput' (did you mean '--output'?)" (the nearest of opts by
 * edit distance), "option '--se' is ambiguous (...)", "option '-o' needs a value (expected
 * -o FILE)" (the value's name from "--output=FILE" in help), "option '--quiet' takes no
 * value".  Printed with the "Try" line; returns EXIT_USAGE. */
int opsin_cli_option_error(const char *cmd, const struct option *opts, const char *shortopts,
                           const char *help, int argc, char **argv);

/* The warnings of a circuit and a stimulus (either may be NULL) on standard error, unless
 * quiet: "FILE:LINE: warning: ..." as they are, unlocated ones as "opsin CMD: warning: ..."
 * (src/cli/warn.c). */
void opsin_cli_warnings(const char *cmd, int quiet, const opsin_circuit *c,
                        const opsin_stimulus *s);
/* The same for a run's warnings from number *seen on (the ones found since the last call);
 * *seen becomes their number. */
void opsin_cli_sim_warnings(const char *cmd, int quiet, const opsin_sim *sim, size_t *seen);

/* --plot FILE: 0 when absent, not a file (a device, FIFO or "-") or its name tells the
 * picture type (png, svg, pdf); else one
 * line "opsin CMD: --plot: ... (expected ...)" and the usage exit status. */
int opsin_cli_plot_name(const char *cmd, const char *plot);

#endif
