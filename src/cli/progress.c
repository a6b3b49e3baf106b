/* progress.c: the progress line of long work on a terminal (progress.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"

enum { LINE_WIDTH = 79 };

/* Seconds from a to b. */
static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

void cli_progress_start(cli_progress *p, const char *cmd, int quiet)
{
    p->cmd = cmd;
    p->on = !quiet && isatty(STDERR_FILENO);
    p->drawn = 0;
    p->calls = 0;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

void cli_progress_show(cli_progress *p, const char *fmt, ...)
{
    struct timespec now;
    if (!p->on || (++p->calls & 63) != 0) /* the clock is read every 64th call only */
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (elapsed(&p->start, &now) < 1.0 || (p->drawn && elapsed(&p->last, &now) < 0.1))
        return;
    char text[LINE_WIDTH + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    int pad = LINE_WIDTH - (int)strlen(p->cmd) - 8; /* overwrite a longer line drawn before */
    fprintf(stderr, "\ropsin %s: %-*s", p->cmd, pad > 0 ? pad : 0, text);
    fflush(stderr);
    p->last = now;
    p->drawn = 1;
}

void cli_progress_end(cli_progress *p)
{
    if (p->drawn)
        fprintf(stderr, "\r%*s\r", LINE_WIDTH, "");
    p->drawn = 0;
}
