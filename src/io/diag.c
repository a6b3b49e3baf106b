/* diag.c: diagnostics ("FILE:LINE: message"), status strings and small shared helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"

/* Puts text (n bytes) into d->msg after its first `used` bytes.  Text too long for the rest
 * keeps its start and its last " (expected ...)" joined by "...": a message that quotes a
 * long input still says what was expected. */
static void diag_put(opsin_diag *d, size_t used, const char *text, size_t n)
{
    size_t room = sizeof d->msg - 1 - used;
    const char *tail = NULL;
    for (const char *p = text; (p = strstr(p, " (expected")); p++)
        tail = p;
    size_t tn = tail ? n - (size_t)(tail - text) : 0;
    if (n <= room || !tail || tn + 3 + 16 > room) {
        snprintf(d->msg + used, room + 1, "%s", text);
        return;
    }
    size_t keep = room - tn - 3;
    memcpy(d->msg + used, text, keep);
    memcpy(d->msg + used + keep, "...", 3);
    memcpy(d->msg + used + keep + 3, tail, tn + 1);
}

void opsin_diag_vset(opsin_diag *d, const char *file, int line, const char *fmt, va_list ap)
{
    if (!d)
        return;
    size_t used = 0;
    if (file && line > 0)
        used = (size_t)snprintf(d->msg, sizeof d->msg, "%s:%d: ", file, line);
    else if (file)
        used = (size_t)snprintf(d->msg, sizeof d->msg, "%s: ", file);
    if (used >= sizeof d->msg)
        used = sizeof d->msg - 1;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text) {
        vsnprintf(text, (size_t)n + 1, fmt, ap2);
        diag_put(d, used, text, (size_t)n);
        free(text);
    } else { /* no memory for the whole text: its start */
        vsnprintf(d->msg + used, sizeof d->msg - used, fmt, ap2);
    }
    va_end(ap2);
}

void opsin_diag_set(opsin_diag *d, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    opsin_diag_vset(d, file, line, fmt, ap);
    va_end(ap);
}

void opsin_diag_oom(opsin_diag *d, const char *file, const char *what)
{
    opsin_diag_set(d, file, 0, "out of memory while %s (expected a smaller circuit or stimulus, "
                   "or more memory)", what);
}

void *opsin_memdup(const void *p, size_t n)
{
    void *q = n ? malloc(n) : NULL;
    if (q)
        memcpy(q, p, n);
    return q;
}

char *opsin_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

const char *opsin_clip(const char *s, opsin_clip_buf *buf)
{
    if (strlen(s) <= OPSIN_CLIP_MAX)
        return s;
    snprintf(buf->text, sizeof buf->text, "%.*s...", OPSIN_CLIP_MAX, s);
    return buf->text;
}

const char *opsin_strerror(int status)
{
    switch (status) {
    case OPSIN_OK: return "success";
    case OPSIN_EIO: return "input/output error";
    case OPSIN_EPARSE: return "syntax error";
    case OPSIN_EINVAL: return "invalid input";
    case OPSIN_ENOMEM: return "out of memory";
    case OPSIN_ESOLVER: return "integrator failure";
    case OPSIN_ECALLBACK: return "stopped by the output callback";
    default: return "unknown status";
    }
}

const char *opsin_version(void)
{
    return PACKAGE_VERSION;
}

int opsin_name_lookup(const char *const *names, size_t n, const char *s, char *expected,
                      size_t len)
{
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    expected[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(expected + used, len - used, "%s\"%s\"",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    return -1;
}
