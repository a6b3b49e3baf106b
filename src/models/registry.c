/* registry.c: the one list of component models; a new model is one line here. */
#include <string.h>

#include "core.h"

/* The catalogue, in `opsin models` order: X(NAME) for each `const opsin_model opsin_model_NAME`
 * (src/models/NAME.c). */
#define OPSIN_MODELS(X) \
    X(lif)              \
    X(supercap)         \
    X(phototrap)        \
    X(pairstdp)

/* Models a build adds after those, in the same form: the test suite compiles this file with
 * -D'OPSIN_EXTRA_MODELS(X)=X(rc)' into a test binary, whose registry object is linked before
 * the library and so takes the place of the library's own (tests/Makefile.inc). */
#ifndef OPSIN_EXTRA_MODELS
#define OPSIN_EXTRA_MODELS(X)
#endif

#define OPSIN_MODEL_DECLARE(name) extern const opsin_model opsin_model_##name;
#define OPSIN_MODEL_ENTRY(name) &opsin_model_##name,
OPSIN_MODELS(OPSIN_MODEL_DECLARE)
OPSIN_EXTRA_MODELS(OPSIN_MODEL_DECLARE)

static const opsin_model *const registry[] = {
    OPSIN_MODELS(OPSIN_MODEL_ENTRY) OPSIN_EXTRA_MODELS(OPSIN_MODEL_ENTRY)
};

size_t opsin_model_count(void)
{
    return OPSIN_COUNT(registry);
}

const opsin_model *opsin_model_at(size_t i)
{
    return i < opsin_model_count() ? registry[i] : NULL;
}

const char *opsin_model_name(size_t i)
{
    return i < opsin_model_count() ? registry[i]->name : NULL;
}

const opsin_model *opsin_model_find(const char *name)
{
    for (size_t i = 0; i < opsin_model_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

int opsin_model_spikes(const opsin_model *m)
{
    return m->nroots > 0 && m->roots && m->on_root;
}

int opsin_model_param_index(const opsin_model *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

int opsin_model_output_index(const opsin_model *m, const char *name)
{
    for (size_t i = 0; i < m->noutputs; i++)
        if (strcmp(m->outputs[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Formats a parameter's default for the catalogue. */
static void format_default(const opsin_param_def *d, char *buf, size_t len)
{
    if (d->flags & OPSIN_P_REF)
        snprintf(buf, len, "(none)");
    else if (d->flags & OPSIN_P_REQUIRED)
        snprintf(buf, len, "(required)");
    else if (isinf(d->def))
        snprintf(buf, len, "open");
    else
        snprintf(buf, len, "%g", d->def);
}

/* A parameter's meaning for the catalogue, with its usual range where it has one (a value
 * far outside it draws a warning, opsin_param_usual). */
static void param_meaning(const opsin_param_def *d, char *buf, size_t len)
{
    char range[80];
    if (!(d->hi > 0)) {
        snprintf(buf, len, "%s", d->doc);
        return;
    }
    opsin_param_usual_text(d, range, sizeof range);
    snprintf(buf, len, "%s (usually %s)", d->doc, range);
}

int opsin_model_describe(const char *name, FILE *fp)
{
    const opsin_model *m = opsin_model_find(name);
    if (!m)
        return OPSIN_EINVAL;
    fprintf(fp, "%s: %s\n\n", m->name, m->summary);
    for (const char *s = m->equations; *s;) {
        const char *e = strchr(s, '\n');
        int n = e ? (int)(e - s) : (int)strlen(s);
        fprintf(fp, "    %.*s\n", n, s);
        s += n + (e != NULL);
    }
    fprintf(fp, "\nparameters:\n  %-12s %-8s %-10s %s\n", "name", "unit", "default", "meaning");
    for (size_t i = 0; i < m->nparams; i++) {
        char def[32], meaning[400];
        format_default(&m->params[i], def, sizeof def);
        param_meaning(&m->params[i], meaning, sizeof meaning);
        fprintf(fp, "  %-12s %-8s %-10s %s\n", m->params[i].name,
                m->params[i].unit[0] ? m->params[i].unit : "-", def, meaning);
    }
    fprintf(fp, "\noutputs (probe as ID.NAME):\n");
    for (size_t i = 0; i < m->noutputs; i++)
        fprintf(fp, "  %-12s %-8s %s\n", m->outputs[i].name, m->outputs[i].unit,
                m->outputs[i].doc);
    fprintf(fp, "\ndrive accepted: %s%s%s\n", m->accepts & OPSIN_IN_CURRENT ? "current " : "",
            m->accepts & OPSIN_IN_VOLTAGE ? "voltage " : "",
            m->accepts & OPSIN_IN_OPTICAL ? "optical" : "");
    return OPSIN_OK;
}

/* Rows a script can split on tabs without guessing where a unit with a space ends. */
int opsin_model_tabulate(const char *name, FILE *fp)
{
    const opsin_model *m = opsin_model_find(name);
    if (!m)
        return OPSIN_EINVAL;
    for (size_t i = 0; i < m->nparams; i++) {
        char def[32], meaning[400];
        format_default(&m->params[i], def, sizeof def);
        param_meaning(&m->params[i], meaning, sizeof meaning);
        fprintf(fp, "param\t%s\t%s\t%s\t%s\n", m->params[i].name, m->params[i].unit, def,
                meaning);
    }
    for (size_t i = 0; i < m->nstates; i++)
        fprintf(fp, "state\t%s\t%s\t%g\t%s\n", m->states[i].name, m->states[i].unit,
                m->states[i].atol, m->states[i].doc);
    for (size_t i = 0; i < m->noutputs; i++)
        fprintf(fp, "output\t%s\t%s\t\t%s\n", m->outputs[i].name, m->outputs[i].unit,
                m->outputs[i].doc);
    return OPSIN_OK;
}
