/* usual.c: the usual range of a parameter.  Plain numbers are SI, so a value orders of
 * magnitude outside the usual range most likely lacks its unit (C_m = 100 is 100 F): it draws
 * a warning naming the spelling that would fit ("100 pF"), never an error. */
#include <math.h>
#include <stdio.h>

#include "core.h"

/* How many times outside its usual range a value may lie before it is questioned. */
#define USUAL_FACTOR 1e3

void opsin_param_usual_text(const opsin_param_def *pd, char *buf, size_t len)
{
    char lo[48], hi[48];
    opsin_units_format(pd->lo > 0 || pd->min >= 0 ? pd->lo : -pd->hi, pd->unit, lo, sizeof lo);
    opsin_units_format(pd->hi, pd->unit, hi, sizeof hi);
    snprintf(buf, len, "%s .. %s%s", lo, hi, pd->lo > 0 && pd->min < 0 ? " in magnitude" : "");
}

int opsin_param_usual(const opsin_param_def *pd, double v, double number, char *msg,
                      size_t len)
{
    double a = fabs(v);
    if (!(pd->hi > 0) || a == 0 || !isfinite(v) ||
        (a <= pd->hi * USUAL_FACTOR && a >= pd->lo / USUAL_FACTOR))
        return 0;
    char range[128], fix[96];
    opsin_param_usual_text(pd, range, sizeof range);
    /* nearest the default, the typical value; without one, the smallest correction.  A number
     * written like 1e-9 was meant in SI: no prefix to suggest. */
    double near = isfinite(pd->def) && pd->def != 0 ? pd->def : v;
    if (fabs(number) >= 1e-3 && fabs(number) < 1e6 &&
        opsin_units_suggest(number, pd->unit, pd->lo, pd->hi, near, fix, sizeof fix) == 0)
        snprintf(msg, len, "%s = %g%s%s is far outside the usual %s: did you mean \"%s\"?",
                 pd->name, v, pd->unit[0] ? " " : "", pd->unit, range, fix);
    else
        snprintf(msg, len, "%s = %g%s%s is far outside the usual %s (expected a value in "
                 "that range, with its unit)", pd->name, v, pd->unit[0] ? " " : "", pd->unit,
                 range);
    return 1;
}
