/* warnings.c: the warnings a circuit, stimulus or simulation keeps for its caller: lines
 * "FILE:LINE: warning: ..." or "warning: ..." about what is allowed but probably not meant.
 * The library never prints them; the command-line tool does (unless -q). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* One copy of each line: a fault found twice (a material used by many cells) is said once. */
int opsin_warnings_add(opsin_warnings *w, const char *line)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->line[i], line) == 0)
            return OPSIN_OK;
    char **grown = realloc(w->line, (w->n + 1) * sizeof *grown);
    if (!grown)
        return OPSIN_ENOMEM;
    w->line = grown;
    if (!(w->line[w->n] = opsin_strdup(line)))
        return OPSIN_ENOMEM;
    w->n++;
    return OPSIN_OK;
}

/* Composed like a diagnostic, with "warning: " after the location. */
int opsin_warnings_addf(opsin_warnings *w, const char *file, int line, const char *fmt, ...)
{
    char text[sizeof ((opsin_diag *)0)->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    opsin_diag d;
    opsin_diag_set(&d, file, line, "warning: %s", text);
    return opsin_warnings_add(w, d.msg);
}

/* A deep copy, for the copies of circuits and stimuli. */
int opsin_warnings_copy(opsin_warnings *dst, const opsin_warnings *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++)
        if (opsin_warnings_add(dst, src->line[i])) {
            opsin_warnings_free(dst);
            return OPSIN_ENOMEM;
        }
    return OPSIN_OK;
}

void opsin_warnings_free(opsin_warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->line[i]);
    free(w->line);
    memset(w, 0, sizeof *w);
}

/* Line i, or NULL past the end: what the public accessors of every object return. */
const char *opsin_warnings_at(const opsin_warnings *w, size_t i)
{
    return i < w->n ? w->line[i] : NULL;
}
