/* signals.c: SIGINT and SIGTERM: the flag, the registered temporary names (see signals.h). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/signals.h"

enum { SLOTS = 8, NAME_LEN = 4096 };

/* The process' one set of handlers: the state a handler may see has to be static. */
static char slot_name[SLOTS][NAME_LEN];
static volatile sig_atomic_t slot_armed[SLOTS]; /* the handler removes slot_name[i] */
static int slot_taken[SLOTS];                   /* main thread only */
static volatile sig_atomic_t caught;           /* the signal, 0 before one came */
static volatile sig_atomic_t graceful;
/* cli_signals_note: the line for an immediate stop by SIGINT and by SIGTERM */
static char note_line[2][NAME_LEN + 256];
static size_t note_len[2];
static volatile sig_atomic_t note_armed;

/* Async-signal-safe only: a flag, unlink() and _exit().  A graceful command stops by itself
 * at the first SIGINT or SIGTERM; otherwise (at a second one, or at SIGHUP or SIGPIPE: the
 * terminal or the reader is gone) the temporary files go now. */
static void on_signal(int sig)
{
    int again = caught != 0;
    if (sig == SIGINT || sig == SIGTERM) {
        caught = sig;
        if (graceful && !again)
            return;
        if (note_armed && !again) {
            int k = sig == SIGTERM;
            ssize_t w = write(STDERR_FILENO, note_line[k], note_len[k]);
            (void)w; /* nothing to do about a failed write here */
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (slot_armed[i])
            unlink(slot_name[i]);
    _exit(128 + sig);
}

/* Installs on_signal for sig unless sig was ignored at start (nohup, `cmd &` in sh). */
static void catch_one(int sig)
{
    struct sigaction sa, old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(sig, &sa, NULL);
}

void cli_signals_install(void)
{
    catch_one(SIGINT);
    catch_one(SIGTERM);
    catch_one(SIGHUP);
    catch_one(SIGPIPE);
}

void cli_signals_note(const char *cmd, const char *text)
{
    note_armed = 0;
    atomic_signal_fence(memory_order_seq_cst);
    if (!cmd || !text)
        return;
    static const char *const names[2] = {"SIGINT", "SIGTERM"};
    for (int k = 0; k < 2; k++) {
        int n = snprintf(note_line[k], sizeof note_line[k], "opsin %s: interrupted by %s%s\n",
                         cmd, names[k], text);
        note_len[k] = n < 0 ? 0 : (size_t)n < sizeof note_line[k] ? (size_t)n
                                                                   : sizeof note_line[k] - 1;
    }
    atomic_signal_fence(memory_order_seq_cst);
    note_armed = 1;
}

void cli_signals_graceful(int on)
{
    graceful = on;
    if (!on && caught) /* a signal came while the command could not stop: stop now */
        on_signal(caught);
}

volatile sig_atomic_t *cli_signals_flag(void)
{
    return &caught;
}

int cli_signals_status(void)
{
    return caught ? 128 + caught : 0;
}

const char *cli_signals_name(void)
{
    return caught == SIGINT ? "SIGINT" : caught == SIGTERM ? "SIGTERM" : "a signal";
}

/* The name is complete in its slot before the handler may see it (the fence keeps the
 * compiler from moving the copy after the flag), so no prefix of it is ever removed. */
char *cli_signals_register(const char *template)
{
    size_t len = strlen(template);
    if (len >= NAME_LEN) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    for (int i = 0; i < SLOTS; i++)
        if (!slot_taken[i]) {
            slot_taken[i] = 1;
            memcpy(slot_name[i], template, len + 1);
            atomic_signal_fence(memory_order_seq_cst);
            slot_armed[i] = 1;
            return slot_name[i];
        }
    errno = EMFILE;
    return NULL;
}

void cli_signals_release(char *name)
{
    for (int i = 0; i < SLOTS; i++)
        if (name == slot_name[i]) {
            slot_armed[i] = 0;
            atomic_signal_fence(memory_order_seq_cst);
            slot_taken[i] = 0;
        }
}
