/* catalogue.c: the one list of fit models, for lookup, `opsin fit --help` and the lists in
 * messages; a new model is one file and one line here. */
#include <string.h>

#include "protocols/fit/model.h"

extern const opsin_fit_model opsin_fit_nl;
extern const opsin_fit_model opsin_fit_ppf;
extern const opsin_fit_model opsin_fit_decay;
extern const opsin_fit_model opsin_fit_stdp;

static const opsin_fit_model *const registry[] = {
    &opsin_fit_nl,
    &opsin_fit_ppf,
    &opsin_fit_decay,
    &opsin_fit_stdp,
};
#define NMODELS (sizeof registry / sizeof registry[0])

/* Models are found by the name the user types. */
const opsin_fit_model *opsin_fit_model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

/* Lets the command refuse an unknown model before reading the data. */
int opsin_fit_model_known(const char *name)
{
    return opsin_fit_model_find(name) != NULL;
}

/* Lets the command refuse a second series for a model that fits one. */
int opsin_fit_model_two_series(const char *name)
{
    const opsin_fit_model *m = opsin_fit_model_find(name);
    return m && m->two;
}

/* Walks the registry for the help text. */
const char *opsin_fit_model_at(size_t i, const char **help)
{
    if (i >= NMODELS)
        return NULL;
    *help = registry[i]->help;
    return registry[i]->name;
}

/* Lists the names in messages from the registry, so they follow the models. */
void opsin_fit_model_names(char *buf, size_t len, int two_series, const char *last)
{
    const char *name[NMODELS + 1];
    size_t n = 0, used = 0;
    for (size_t i = 0; i < NMODELS; i++)
        if (!two_series || registry[i]->two)
            name[n++] = registry[i]->name;
    if (last)
        name[n++] = last;
    if (len)
        buf[0] = '\0';
    for (size_t k = 0; k < n && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", k == 0 ? "" : k + 1 == n ?
                                 " or " : ", ", name[k]);
}
