/* diag.c: diagnostics ("FILE:LINE: message"), status strings and small shared helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"

void opsin_diag_set(opsin_diag *d, const char *file, int line, const char *fmt, ...)
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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg + used, sizeof d->msg - used, fmt, ap);
    va_end(ap);
}

char *opsin_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
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
