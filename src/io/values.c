/* values.c: value specifications of the command line: a list "a,b,c" of numbers with units,
 * a linear range "FROM:TO:N" or a geometric one "log:FROM:TO:N" (sweep, ppf, stdp). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define MAX_VALUES 1000000

/* Parses one number with a unit (or "open"); EINVAL with a message naming spec (the
 * spec as messages quote it: clipped). */
static int parse_one(const char *text, const char *si_unit, int allow_open, double *out,
                     const char *spec, opsin_diag *d)
{
    opsin_diag u;
    if (allow_open && strcmp(text, "open") == 0) {
        *out = INFINITY;
        return OPSIN_OK;
    }
    double v = 0;
    int rc = opsin_units_parse(text, si_unit, &v, &u);
    if (rc == OPSIN_OK && isfinite(v)) {
        *out = v;
        return OPSIN_OK;
    }
    opsin_diag_set(d, NULL, 0, "'%s': %s", spec, rc ? u.msg :
                   "not a finite number (expected e.g. 500 or \"8 kohm\")");
    return OPSIN_EINVAL;
}

/* "FROM:TO:N" (geometric when log): N points, both ends included exactly; spec is the whole
 * specification as messages quote it. */
static int parse_range(const char *spec, const char *body, int geometric, const char *si_unit,
                       double **values, size_t *n, opsin_diag *d)
{
    char from[128], to[128], *end;
    const char *c1 = strchr(body, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':') || (size_t)(c1 - body) >= sizeof from ||
        (size_t)(c2 - c1 - 1) >= sizeof to) {
        opsin_diag_set(d, NULL, 0, "'%s' is not a range (expected %sFROM:TO:N)", spec,
                       geometric ? "log:" : "");
        return OPSIN_EINVAL;
    }
    snprintf(from, sizeof from, "%.*s", (int)(c1 - body), body);
    snprintf(to, sizeof to, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    double a, b;
    if (parse_one(from, si_unit, 0, &a, spec, d) || parse_one(to, si_unit, 0, &b, spec, d))
        return OPSIN_EINVAL;
    unsigned long k = strtoul(c2 + 1, &end, 10);
    if (*end || c2[1] == '\0' || c2[1] == '-' || k < 2 || k > MAX_VALUES) {
        opsin_clip_buf clip;
        opsin_diag_set(d, NULL, 0, "'%s': N = '%s' is not a number of points (expected an "
                       "integer from 2 to %d)", spec, opsin_clip(c2 + 1, &clip), MAX_VALUES);
        return OPSIN_EINVAL;
    }
    if (geometric && !(a > 0 && b > 0)) {
        opsin_diag_set(d, NULL, 0, "'%s': a log range needs positive ends (expected "
                       "log:FROM:TO:N with FROM, TO > 0)", spec);
        return OPSIN_EINVAL;
    }
    int rc = opsin_values_range(a, b, k, geometric, values);
    if (!rc)
        *n = k;
    return rc;
}

int opsin_values_range(double from, double to, size_t n, int geometric, double **values)
{
    if (n < 2 || (geometric && !(from > 0 && to > 0)))
        return OPSIN_EINVAL;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return OPSIN_ENOMEM;
    double m = (double)(n - 1);
    for (size_t i = 0; i < n; i++) {
        double f = (double)i / m;
        /* linear: the weighted mean, exact whenever the value is (1:2000:2000 is 1, 2, ...
         * to the bit, so an integer key takes every value) */
        v[i] = geometric ? from * pow(to / from, f)
                         : (from * (m - (double)i) + to * (double)i) / m;
        /* rounded to 15 significant digits, below the error of the arithmetic: the values a
         * user means come out as written (log:1:1000:4 is 10 and 100, not 9.999999999999998;
         * 0.1:0.3:5 is 0.15, not 0.15000000000000002) */
        char text[32];
        snprintf(text, sizeof text, "%.15g", v[i]);
        v[i] = strtod(text, NULL);
    }
    v[0] = from;
    v[n - 1] = to;
    *values = v;
    return OPSIN_OK;
}

/* "a,b,c": each item a number with a unit, or "open"; quoted: spec as messages quote it. */
static int parse_list(const char *spec, const char *quoted, const char *si_unit,
                      int allow_open, double **values, size_t *n, opsin_diag *d)
{
    size_t cap = 1, k = 0;
    for (const char *s = spec; *s; s++)
        cap += *s == ',';
    double *v = malloc(cap * sizeof *v);
    if (!v)
        return OPSIN_ENOMEM;
    for (const char *s = spec;; s++) {
        char item[128];
        size_t len = strcspn(s, ",");
        if (len == 0 || len >= sizeof item) {
            opsin_diag_set(d, NULL, 0, "'%s': %s item %zu (expected a list a,b,c of values, "
                           "a range FROM:TO:N or log:FROM:TO:N)", quoted, len ? "too long an" :
                           "empty", k + 1);
            free(v);
            return OPSIN_EINVAL;
        }
        snprintf(item, sizeof item, "%.*s", (int)len, s);
        if (parse_one(item, si_unit, allow_open, &v[k++], quoted, d)) {
            free(v);
            return OPSIN_EINVAL;
        }
        s += len;
        if (!*s)
            break;
    }
    *values = v;
    *n = k;
    return OPSIN_OK;
}

int opsin_values_parse(const char *spec, const char *si_unit, int allow_open, double **values,
                       size_t *n, opsin_diag *diag)
{
    opsin_clip_buf clip;
    const char *quoted = opsin_clip(spec, &clip);
    if (strncmp(spec, "log:", 4) == 0)
        return parse_range(quoted, spec + 4, 1, si_unit, values, n, diag);
    if (strchr(spec, ':'))
        return parse_range(quoted, spec, 0, si_unit, values, n, diag);
    return parse_list(spec, quoted, si_unit, allow_open, values, n, diag);
}
