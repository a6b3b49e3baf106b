/* progress.h: a progress line on standard error for long work, drawn only on a terminal and
 * only once the work has taken a second, and erased when it ends (src/cli/progress.c). */
#ifndef OPSIN_CLI_PROGRESS_H
#define OPSIN_CLI_PROGRESS_H

#include <time.h>

typedef struct cli_progress {
    const char *cmd;
    int on;                    /* standard error is a terminal, and no -q */
    int drawn;                 /* a line is on the screen */
    unsigned calls;
    struct timespec start, last;
} cli_progress;

/* Starts the clock; the line stays off when quiet or when standard error is no terminal. */
void cli_progress_start(cli_progress *p, const char *cmd, int quiet);
/* Redraws "opsin CMD: TEXT" (printf-style) when the work has run for a second and the last
 * drawing is a tenth of a second old; cheap to call for every row. */
void cli_progress_show(cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Erases the line, if one was drawn. */
void cli_progress_end(cli_progress *p);

#endif
