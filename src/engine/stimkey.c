/* stimkey.c: the one table of source kinds and the one table of stimulus keys, used by the
 * file reader, the typed setters (opsin sweep --set SOURCE.KEY), `opsin sweep --list-keys`
 * and the man page test. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core.h"

/* Usual levels: 1 pA .. 10 mA through a device, up to 100 V on it, 10 nW/cm2 .. 10 W/cm2 of
 * light. */
const opsin_source_kind_def opsin_source_kinds[OPSIN_NKINDS] = {
    {"current", "A", "A/s", "amplitude", OPSIN_IN_CURRENT, 1e-12, 10e-3},
    {"voltage", "V", "V/s", "amplitude", OPSIN_IN_VOLTAGE, 0, 100},
    {"optical", "W/m2", "W/m2/s", "irradiance", OPSIN_IN_OPTICAL, 1e-4, 1e5},
};

const char *opsin_source_kind_name(int kind)
{
    return kind >= 0 && kind < OPSIN_NKINDS ? opsin_source_kinds[kind].name : NULL;
}

const char *opsin_source_kind_unit(int kind)
{
    return kind >= 0 && kind < OPSIN_NKINDS ? opsin_source_kinds[kind].unit : NULL;
}

#define ELEC ((1u << OPSIN_SRC_CURRENT) | (1u << OPSIN_SRC_VOLTAGE))
#define LIGHT (1u << OPSIN_SRC_OPTICAL)
#define ANY (ELEC | LIGHT)
#define NONE SIZE_MAX
#define SRC(f) offsetof(opsin_source_spec, f)
#define TRN(f) offsetof(opsin_train_spec, f)

/* name, unit, default, min, max, usual lo and hi (the level keys take their kind's), flags, doc
 * | level, kinds, unit from, envelope, offset */
const opsin_stim_key opsin_stim_keys[] = {
    {{"id", "", 0, 0, 0, 0, 0, 0, "the source's name (unique in the file)"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, -1, NONE},
    {{"kind", "", 0, 0, 0, 0, 0, 0, "\"current\", \"voltage\" or \"optical\""},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, -1, NONE},
    {{"targets", "", 0, 0, 0, 0, 0, 0, "ids of the driven components or arrays"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, -1, NONE},
    {{"wavelength", "m", 0, 0, INFINITY, 100e-9, 10e-6, OPSIN_P_MIN_OPEN,
      "wavelength of the light"},
     OPSIN_SK_SOURCE, LIGHT, OPSIN_SKU_FIXED, -1, SRC(wavelength)},
    {{"trains", "", 0, 0, 0, 0, 0, 0, "a list of train groups (keys below)"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, -1, NONE},
    {{"envelope", "", 0, 0, 0, 0, 0, 0, "\"rect\" (default), \"sine\" or \"exp\""},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, -1, NONE},
    {{"frequency", "Hz", 0, 0, INFINITY, 1e-3, 1e9, OPSIN_P_MIN_OPEN,
      "frequency of the sine envelope"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, OPSIN_ENV_SINE, SRC(frequency)},
    {{"phase", "", 0, -INFINITY, INFINITY, 0, 0, 0, "phase of the sine envelope, rad"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, OPSIN_ENV_SINE, SRC(phase)},
    {{"tau", "s", 0, 0, INFINITY, 1e-9, 1e5, OPSIN_P_MIN_OPEN,
      "time constant of the exp envelope"},
     OPSIN_SK_SOURCE, ANY, OPSIN_SKU_FIXED, OPSIN_ENV_EXP, SRC(tau)},
    {{"start", "s", 0, 0, INFINITY, 1e-9, 1e5, 0, "start of the first pulse"},
     OPSIN_SK_TRAIN, ANY, OPSIN_SKU_FIXED, -1, TRN(start)},
    {{"width", "s", 0, 0, INFINITY, 1e-9, 1e5, OPSIN_P_MIN_OPEN, "width of each pulse"},
     OPSIN_SK_TRAIN, ANY, OPSIN_SKU_FIXED, -1, TRN(width)},
    {{"period", "s", 0, 0, INFINITY, 1e-9, 1e5, OPSIN_P_MIN_OPEN,
      "start to start (needed when count > 1)"},
     OPSIN_SK_TRAIN, ANY, OPSIN_SKU_FIXED, -1, TRN(period)},
    {{"count", "", 1, 0, 1e6, 0, 0, OPSIN_P_INTEGER, "number of pulses (default 1)"},
     OPSIN_SK_TRAIN, ANY, OPSIN_SKU_FIXED, -1, TRN(count)},
    {{"amplitude", "", 0, -INFINITY, INFINITY, 0, 0, 0, "current or voltage of the first pulse"},
     OPSIN_SK_TRAIN, ELEC, OPSIN_SKU_LEVEL, -1, TRN(amplitude)},
    {{"amplitude_end", "", 0, -INFINITY, INFINITY, 0, 0, 0, "of the last pulse (linear ramp)"},
     OPSIN_SK_TRAIN, ELEC, OPSIN_SKU_LEVEL, -1, TRN(amplitude_end)},
    {{"irradiance", "W/m2", 0, 0, INFINITY, 0, 0, 0, "irradiance of the first pulse"},
     OPSIN_SK_TRAIN, LIGHT, OPSIN_SKU_LEVEL, -1, TRN(amplitude)},
    {{"irradiance_end", "W/m2", 0, 0, INFINITY, 0, 0, 0, "of the last pulse (linear ramp)"},
     OPSIN_SK_TRAIN, LIGHT, OPSIN_SKU_LEVEL, -1, TRN(amplitude_end)},
    {{"slope", "", 0, -INFINITY, INFINITY, 0, 0, 0, "rate of change inside each pulse"},
     OPSIN_SK_TRAIN, ANY, OPSIN_SKU_SLOPE, -1, TRN(slope)},
};
const size_t opsin_stim_nkeys = sizeof opsin_stim_keys / sizeof opsin_stim_keys[0];

int opsin_stim_key_find(const char *name, int level)
{
    for (size_t i = 0; i < opsin_stim_nkeys; i++)
        if (opsin_stim_keys[i].level == level && strcmp(opsin_stim_keys[i].def.name, name) == 0)
            return (int)i;
    return -1;
}

const char *opsin_stim_key_unit(const opsin_stim_key *k, int kind)
{
    switch (k->unit_from) {
    case OPSIN_SKU_LEVEL: return opsin_source_kinds[kind].unit;
    case OPSIN_SKU_SLOPE: return opsin_source_kinds[kind].slope_unit;
    default: return k->def.unit;
    }
}

opsin_param_def opsin_stim_key_def(const opsin_stim_key *k, int kind)
{
    opsin_param_def d = k->def;
    d.unit = opsin_stim_key_unit(k, kind);
    if (k->unit_from == OPSIN_SKU_LEVEL) {
        d.lo = opsin_source_kinds[kind].lo;
        d.hi = opsin_source_kinds[kind].hi;
    }
    return d;
}

size_t opsin_stimulus_key_count(void)
{
    return opsin_stim_nkeys;
}

const char *opsin_stimulus_key_name(size_t i)
{
    return i < opsin_stim_nkeys ? opsin_stim_keys[i].def.name : NULL;
}

/* The kinds a key belongs to, as "current, voltage" for the listing. */
static void kinds_text(unsigned kinds, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < OPSIN_NKINDS; k++)
        if (kinds & (1u << k))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     opsin_source_kinds[k].name);
}

void opsin_stimulus_key_print(FILE *fp)
{
    static const char *const env[] = {"", " (sine)", " (exp)"};
    fprintf(fp, "%-15s %-7s %-22s %-8s %s\n", "key", "level", "sources", "unit", "meaning");
    for (size_t i = 0; i < opsin_stim_nkeys; i++) {
        const opsin_stim_key *k = &opsin_stim_keys[i];
        char kinds[64];
        kinds_text(k->kinds, kinds, sizeof kinds);
        const char *unit = k->unit_from == OPSIN_SKU_LEVEL ? "A|V|W/m2"
                           : k->unit_from == OPSIN_SKU_SLOPE ? "unit/s"
                           : k->offset == SIZE_MAX ? "text" : k->def.unit[0] ? k->def.unit : "1";
        fprintf(fp, "%-15s %-7s %-22s %-8s %s%s\n", k->def.name,
                k->level == OPSIN_SK_SOURCE ? "source" : "train", kinds, unit, k->def.doc,
                k->envelope >= 0 ? env[k->envelope] : "");
    }
}
