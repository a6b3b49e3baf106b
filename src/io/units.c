/* units.c: converts value strings with units ("10 ms", "8 kohm", "5 mW/cm2") to SI. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* A unit symbol accepted for a quantity, with its factor to the quantity's SI unit.  Symbols
 * take the SI prefixes below unless `bare` is set (min, h: no "kmin"). */
typedef struct unit_def {
    const char *si;     /* the SI unit this symbol measures */
    const char *symbol;
    double factor;
    int bare;
} unit_def;

static const unit_def units[] = {
    {"s", "s", 1.0, 0},       {"s", "min", 60.0, 1},     {"s", "h", 3600.0, 1},
    {"F", "F", 1.0, 0},       {"S", "S", 1.0, 0},        {"V", "V", 1.0, 0},
    {"A", "A", 1.0, 0},       {"ohm", "ohm", 1.0, 0},    {"ohm", "Ohm", 1.0, 0},
    {"ohm", "\xCE\xA9", 1.0, 0}, /* U+03A9 Greek capital omega */
    {"ohm", "\xE2\x84\xA6", 1.0, 0}, /* U+2126 ohm sign */
    {"m", "m", 1.0, 0},       {"m2", "m2", 1.0, 1},      {"m2", "cm2", 1e-4, 1},
    {"m2", "mm2", 1e-6, 1},   {"m2", "um2", 1e-12, 1},   {"W/m2", "W/m2", 1.0, 0},
    {"W/m2", "W/cm2", 1e4, 0}, {"W/m2", "W/mm2", 1e6, 0}, {"J", "J", 1.0, 0},
    {"J", "eV", 1.602176634e-19, 0}, {"W", "W", 1.0, 0}, {"Hz", "Hz", 1.0, 0},
    {"eV", "eV", 1.0, 0},     {"K", "K", 1.0, 0},        {"C", "C", 1.0, 0},
    {"m-3", "m-3", 1.0, 1},   {"m-3", "cm-3", 1e6, 1},   {"1/s", "1/s", 1.0, 0},
    {"1/s", "Hz", 1.0, 0},    {"S/V", "S/V", 1.0, 0},    {"A/V", "A/V", 1.0, 0},
    {"1/eV", "1/eV", 1.0, 1}, {"1/(V s)", "1/(V s)", 1.0, 1},
    {"A/s", "A/s", 1.0, 0},   {"V/s", "V/s", 1.0, 0},    {"W/m2/s", "W/m2/s", 1.0, 0},
    {"W/m2/s", "W/cm2/s", 1e4, 0},
};

/* Names of the quantities, for "'ms' is a unit of time, not of capacitance". */
static const struct {
    const char *si, *name;
} quantities[] = {
    {"s", "time"},       {"F", "capacitance"}, {"S", "conductance"}, {"V", "voltage"},
    {"A", "current"},    {"ohm", "resistance"}, {"m", "length"},     {"m2", "area"},
    {"W/m2", "irradiance"}, {"J", "energy"},   {"W", "power"},       {"Hz", "frequency"},
    {"eV", "energy"},    {"K", "temperature"}, {"C", "charge"},      {"m-3", "density"},
    {"1/s", "rate"},     {"S/V", "conductance per volt"}, {"A/V", "current per volt"},
    {"1/eV", "yield per eV"}, {"1/(V s)", "rate per volt"},
    {"A/s", "current slope"}, {"V/s", "voltage slope"}, {"W/m2/s", "irradiance slope"},
};

static const char *quantity_name(const char *si)
{
    for (size_t i = 0; i < sizeof quantities / sizeof quantities[0]; i++)
        if (strcmp(quantities[i].si, si) == 0)
            return quantities[i].name;
    return si;
}

typedef struct prefix_def {
    const char *text;
    double factor;
} prefix_def;

static const prefix_def prefixes[] = {
    {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6}, {"\xC2\xB5", 1e-6}, /* micro sign */
    {"\xCE\xBC", 1e-6}, /* Greek mu */
    {"m", 1e-3}, {"c", 1e-2}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
};

/* Factor of a prefix string ("" is 1); 0 if it is not a prefix. */
static double prefix_factor(const char *p, size_t n)
{
    if (n == 0)
        return 1.0;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strlen(prefixes[i].text) == n && memcmp(prefixes[i].text, p, n) == 0)
            return prefixes[i].factor;
    return 0.0;
}

/* Factor of a unit string for quantity si, trying every symbol as a suffix so that "mS"
 * (milli-siemens) and "ms" (milliseconds) stay distinct; 0 if none fits. */
static double unit_factor(const char *u, const char *si)
{
    size_t ulen = strlen(u);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const unit_def *d = &units[i];
        size_t slen = strlen(d->symbol);
        if (strcmp(d->si, si) != 0 || slen > ulen || strcmp(u + ulen - slen, d->symbol) != 0)
            continue;
        if (d->bare && slen != ulen)
            continue;
        double pf = prefix_factor(u, ulen - slen);
        if (pf != 0.0)
            return pf * d->factor;
    }
    return 0.0;
}

/* Lists the accepted symbols for a quantity, for the "expected" part of a message: those
 * taking prefixes first, then the bare ones. */
static void list_symbols(const char *si, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int bare = 0; bare < 2; bare++) {
        int first = 1;
        for (size_t i = 0; i < sizeof units / sizeof units[0] && used + 1 < len; i++) {
            if (strcmp(units[i].si, si) != 0 || units[i].bare != bare ||
                (unsigned char)units[i].symbol[0] >= 0x80)
                continue;
            const char *sep = first ? (bare && used ? ", or " : "") : ", ";
            int w = snprintf(buf + used, len - used, "%s%s", sep, units[i].symbol);
            if (w < 0)
                break;
            used += (size_t)w;
            first = 0;
        }
        if (!bare && used && used + 1 < len)
            used += (size_t)snprintf(buf + used, len - used,
                                     " with an optional prefix f p n u (or \xC2\xB5) m c k M G T");
    }
}

/* The quantity a unit string belongs to when it is not the expected one, else NULL. */
static const char *other_quantity(const char *u, const char *si)
{
    for (size_t i = 0; i < sizeof quantities / sizeof quantities[0]; i++)
        if (strcmp(quantities[i].si, si) != 0 && unit_factor(u, quantities[i].si) != 0.0)
            return quantities[i].name;
    return NULL;
}

int opsin_units_convert(const char *text, const char *si_unit, double *out, char *msg,
                        size_t len)
{
    char *end;
    const char *num = text + strspn(text, " \t+-");
    opsin_clip_buf clip;
    const char *quoted = opsin_clip(text, &clip);
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || (num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))) {
        snprintf(msg, len, "'%s' is not a number (expected a number with an optional unit%s%s)",
                 quoted, si_unit[0] ? ", e.g. 10 " : "", si_unit);
        return -1;
    }
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) { /* underflow is just tiny */
        snprintf(msg, len, "'%s' is out of range (expected a finite number)", quoted);
        return -1;
    }
    while (isspace((unsigned char)*end))
        end++;
    char u[64];
    size_t n = strlen(end);
    while (n > 0 && isspace((unsigned char)end[n - 1]))
        n--;
    if (n == 0) {
        *out = v;
        return 0;
    }
    if (si_unit[0] == '\0') {
        snprintf(msg, len, "'%s' has a unit, but this value is dimensionless (expected a plain "
                 "number)", quoted);
        return -1;
    }
    snprintf(u, sizeof u, "%.*s", (int)(n < sizeof u ? n : sizeof u - 1), end);
    double f = n < sizeof u ? unit_factor(u, si_unit) : 0.0;
    if (f == 0.0) {
        char sym[200];
        const char *other = n < sizeof u ? other_quantity(u, si_unit) : NULL;
        list_symbols(si_unit, sym, sizeof sym);
        if (other)
            snprintf(msg, len, "'%s' is a unit of %s, not of %s (expected %s)", u, other,
                     quantity_name(si_unit), sym);
        else
            snprintf(msg, len, "unknown unit '%s' in '%s' (expected %s)", u, quoted, sym);
        return -1;
    }
    if (!isfinite(v * f)) { /* "1e300 Tohm" is no "open" */
        snprintf(msg, len, "'%s' is out of range (expected a finite number)", quoted);
        return -1;
    }
    *out = v * f;
    return 0;
}

int opsin_units_parse(const char *text, const char *si_unit, double *out, opsin_diag *diag)
{
    char msg[512];
    if (opsin_units_convert(text, si_unit, out, msg, sizeof msg) != 0) {
        opsin_diag_set(diag, NULL, 0, "%s", msg);
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

/* The prefixes a suggestion or a formatted value may use: the plain ASCII ones, no centi. */
static const prefix_def spelled[] = {
    {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"", 1.0},
    {"k", 1e3},   {"M", 1e6},   {"G", 1e9},  {"T", 1e12},
};
#define NSPELLED (sizeof spelled / sizeof spelled[0])

void opsin_units_format(double v, const char *si, char *buf, size_t len)
{
    const unit_def *plain = NULL;
    for (size_t i = 0; i < sizeof units / sizeof units[0] && !plain; i++)
        if (strcmp(units[i].si, si) == 0 && strcmp(units[i].symbol, si) == 0 && !units[i].bare)
            plain = &units[i];
    for (size_t k = NSPELLED; plain && v != 0 && isfinite(v) && k-- > 0;) {
        double n = fabs(v) / spelled[k].factor;
        if (n >= 1 - 1e-9) { /* the largest prefix that leaves at least 1 (1e-12 F: 1 pF) */
            snprintf(buf, len, "%g %s%s", v / spelled[k].factor, spelled[k].text, si);
            return;
        }
    }
    snprintf(buf, len, "%g%s%s", v, si[0] ? " " : "", si);
}

/* How far apart two magnitudes are: the absolute log of their ratio. */
static double log_distance(double a, double b)
{
    return fabs(log(fabs(a) / fabs(b)));
}

int opsin_units_suggest(double number, const char *si, double lo, double hi, double near,
                        char *buf, size_t len)
{
    double best = INFINITY;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const unit_def *u = &units[i];
        if (strcmp(u->si, si) != 0 || (unsigned char)u->symbol[0] >= 0x80)
            continue;
        static const prefix_def none = {"", 1.0};
        for (size_t k = 0; k < (u->bare ? 1 : NSPELLED); k++) {
            const prefix_def *p = u->bare ? &none : &spelled[k];
            double v = fabs(number * p->factor * u->factor), d = log_distance(v, near);
            if (v > 0 && v >= lo && v <= hi && d < best) {
                best = d;
                snprintf(buf, len, "%g %s%s", number, p->text, u->symbol);
            }
        }
    }
    return isinf(best) ? -1 : 0;
}
