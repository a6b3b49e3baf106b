/* drive.c: what sources and connections apply to a component: values, envelopes, sums. */
#include <math.h>

#include "core.h"

double opsin_drive_value(const opsin_drive *dv, double t)
{
    double v = *dv->level, dt = t - *dv->t_on;
    if (dv->slope && *dv->slope != 0.0)
        v += *dv->slope * dt;
    if (!dv->env || v == 0.0)
        return v;
    switch (dv->env->kind) {
    case OPSIN_ENV_SINE:
        return v * 0.5 * (1.0 + sin(2.0 * M_PI * dv->env->frequency * dt + dv->env->phase));
    case OPSIN_ENV_EXP: return v * exp(-dt / dv->env->tau);
    default: return v;
    }
}

/* Sum of the values of one kind of drive. */
static double sum_kind(const opsin_comp *c, int kind, double t)
{
    double sum = 0.0;
    for (size_t i = 0; i < c->ndrives; i++)
        if (c->drives[i].kind == kind)
            sum += opsin_drive_value(&c->drives[i], t);
    return sum;
}

double opsin_comp_current(const opsin_comp *c, double t)
{
    return sum_kind(c, OPSIN_SRC_CURRENT, t);
}

double opsin_comp_voltage(const opsin_comp *c, double t)
{
    return sum_kind(c, OPSIN_SRC_VOLTAGE, t);
}

double opsin_comp_optical(const opsin_comp *c, double t,
                          double (*weight)(const opsin_comp *c, double wavelength))
{
    double sum = 0.0;
    for (size_t i = 0; i < c->ndrives; i++) {
        const opsin_drive *dv = &c->drives[i];
        if (dv->kind == OPSIN_SRC_OPTICAL && *dv->level != 0.0)
            sum += opsin_drive_value(dv, t) * weight(c, dv->wavelength);
    }
    return sum;
}
