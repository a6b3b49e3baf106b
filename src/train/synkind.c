/* synkind.c: the registry of synapse kinds a network file can name (synkind.h). */
#include <stdio.h>
#include <string.h>

#include "io/cfg.h"
#include "train/pair.h"
#include "train/syn_device.h"
#include "train/synkind.h"

static int ideal_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                      opsin_diag *diag);

static const opsin_wsyn_kind kinds[] = {
    {"ideal", &opsin_syn_ideal, ideal_read, NULL, NULL},
    {"nl", &opsin_syn_nl, opsin_nl_read, opsin_pair_params_free, opsin_pair_describe},
    {"device", &opsin_syn_device, opsin_wsyn_device_read, opsin_wsyn_device_free,
     opsin_wsyn_device_describe},
};

const opsin_wsyn_kind *opsin_wsyn_find(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const char *opsin_wsyn_names(void)
{
    static char buf[256];
    if (!buf[0])
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            if (i)
                strcat(buf, ", ");
            strcat(buf, kinds[i].name);
        }
    return buf;
}

void opsin_wsyn_input_add(opsin_wsyn_inputs *in, const char *path, int config)
{
    if (!in || !path || in->n == OPSIN_WSYN_MAX_INPUTS)
        return;
    in->config[in->n] = config;
    snprintf(in->path[in->n++], sizeof in->path[0], "%s", path);
}

/* ideal has no keys besides kind. */
static int ideal_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                      opsin_diag *diag)
{
    static const char *const keys[] = {"kind", NULL};
    *params = NULL;
    return opsin_cfg_known_keys(g, keys, "ideal synapse key", ctx->file, diag) ? OPSIN_EINVAL
                                                                          : OPSIN_OK;
}
