/* signals.h: SIGINT and SIGTERM (and SIGHUP, SIGPIPE) in the opsin command: a flag that long
 * work checks, and the temporary files that go when a signal ends the process.
 *
 * The handler only sets the flag and, unless the command stops by itself (graceful), removes
 * the registered temporary files with unlink() and leaves with _exit(128 + signal): both are
 * async-signal-safe.  A second signal always leaves at once.  run and sweep are graceful
 * while they compute: they check the flag (run at each row, sweep through the worker pool's
 * cancel flag), keep or remove their files and exit with cli_signals_status().
 */
#ifndef OPSIN_CLI_SIGNALS_H
#define OPSIN_CLI_SIGNALS_H

#include <signal.h>
#include <stddef.h>

/* Catches SIGINT and SIGTERM (SA_RESTART: writes are not cut short), and SIGHUP and SIGPIPE,
 * which always end the process at once but without leaving temporary files; a signal that
 * was ignored when opsin started (SIGINT of a background job of a shell) stays ignored. */
void cli_signals_install(void);

/* on: the command checks the flag and stops by itself; off: a signal ends it at once. */
void cli_signals_graceful(int on);

/* The flag: 0, or the number of the signal caught; for the worker pool's cancel field. */
volatile sig_atomic_t *cli_signals_flag(void);

/* A command that stops at once (not graceful) under SIGINT or SIGTERM first writes "opsin CMD:
 * interrupted by SIGINT" and text (e.g. ": --resume continues from the rows in
 * OUT.partial") as one line on standard error; NULL cmd or text: no line (the default). */
void cli_signals_note(const char *cmd, const char *text);

/* The exit status after a caught signal (130 for SIGINT, 143 for SIGTERM), 0 if none; and
 * its name ("SIGINT"). */
int cli_signals_status(void);
const char *cli_signals_name(void);

/* Registers the name of a temporary file before it is created: copies template (e.g.
 * "OUT.tmpXXXXXX") into a slot that the handler removes from then on and returns the slot,
 * for mkstemp() in place; NULL with errno set when every slot is taken or the name is too
 * long.  Release it once the file is renamed or removed. */
char *cli_signals_register(const char *template);
void cli_signals_release(char *name);

#endif
