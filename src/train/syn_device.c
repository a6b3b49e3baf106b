/* syn_device.c: the `device` synapse kind of a network file (synkind.h): a weight pair whose
 * update curve is tabulated from the device's own simulation (train/devtable.c).
 *
 *   synapse = { kind = "device"; circuit = "../circuits/bpcds.cfg"; output = "-syn.G";
 *               ltp = "ltp.cfg"; ltd = "ltd.cfg"; period = "1 s"; read = "10 ms";
 *               max_pulses = 10000; pair = "differential"; noise = 0.01; ... };
 *
 * circuit, ltp and ltd are relative to the network file; the command line's --set (circuit
 * parameters, or a stimulus source's keys) and the network's seed reach the device run.  The
 * pair keys (pair, noise, levels, refresh) are the weight pair's (train/pair.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cfg.h"
#include "train/pair.h"
#include "train/syn_device.h"

/* period > 0, read >= 0 (s), max_pulses a whole number 1 .. 1e6. */
static const opsin_param_def key_defs[] = {
    {"period", "s", 0, 0, INFINITY, 1e-9, 1e4, OPSIN_P_MIN_OPEN,
     "time between pulse starts (default: each stimulus file's t_end)"},
    {"read", "s", 0, 0, INFINITY, 1e-9, 1e4, 0,
     "when the output is read, after the end of each pulse (default: just before the next)"},
    {"max_pulses", "", OPSIN_DEVTABLE_MAX_PULSES, 1, 1e6, 0, 0, OPSIN_P_INTEGER,
     "pulses per staircase at most"},
};

/* A file key: required string, relative to the network file, into buf. */
static int path_key(const config_setting_t *g, const char *name, const opsin_wsyn_ctx *ctx,
                    char *buf, size_t len, int *line, opsin_diag *d)
{
    const char *v;
    if (opsin_cfg_string(g, name, 1, &v, ctx->file, d))
        return OPSIN_EINVAL;
    *line = opsin_cfg_line(config_setting_get_member(g, name));
    if (!*v) {
        opsin_diag_at(d, ctx->file, config_setting_get_member(g, name), "%s is empty "
                      "(expected a file name)", name);
        return OPSIN_EINVAL;
    }
    const char *full = opsin_cfg_relative(ctx->file, v, buf, len); /* an absolute name: v */
    if (full != buf)
        snprintf(buf, len, "%s", full);
    return OPSIN_OK;
}

int opsin_wsyn_device_table(const config_setting_t *g, const opsin_wsyn_ctx *ctx,
                            opsin_devtable *t, opsin_diag *d)
{
    char circuit[4096], ltp[4096], ltd[4096];
    opsin_devtable_spec sp;
    double v[3] = {0, -1, 0};
    int line_circuit;
    memset(&sp, 0, sizeof sp);
    sp.file = ctx->file;
    sp.line = opsin_cfg_line(g);
    if (path_key(g, "circuit", ctx, circuit, sizeof circuit, &line_circuit, d) ||
        opsin_cfg_string(g, "output", 1, &sp.output, ctx->file, d) ||
        path_key(g, "ltp", ctx, ltp, sizeof ltp, &sp.line_ltp, d) ||
        path_key(g, "ltd", ctx, ltd, sizeof ltd, &sp.line_ltd, d))
        return OPSIN_EINVAL;
    sp.line_output = opsin_cfg_line(config_setting_get_member(g, "output"));
    int *lines[3] = {&sp.line_period, &sp.line_read, NULL};
    for (size_t i = 0; i < 3; i++) {
        const config_setting_t *s = config_setting_get_member(g, key_defs[i].name);
        if (s && opsin_cfg_param(s, &key_defs[i], &v[i], ctx->file, d))
            return OPSIN_EINVAL;
        if (s && lines[i])
            *lines[i] = opsin_cfg_line(s);
    }
    sp.circuit = circuit;
    sp.ltp = ltp;
    sp.ltd = ltd;
    sp.period = v[0];
    sp.read = v[1];
    sp.max_pulses = (size_t)v[2];
    sp.nset = ctx->nset;
    sp.set = ctx->set;
    sp.seed = ctx->seed;
    sp.check = ctx->check;
    opsin_wsyn_input_add(ctx->inputs, circuit, 1);
    opsin_wsyn_input_add(ctx->inputs, ltp, 1);
    opsin_wsyn_input_add(ctx->inputs, ltd, 1);
    return opsin_devtable_make(&sp, t, d);
}

/* ---- the kind: the table handed to the weight pair (train/pair.h) --------------------------- */
const opsin_syn_type opsin_syn_device = OPSIN_PAIR_TYPE("device");

/* The pair's params first (the pair's functions take a pointer to them), then what
 * describe() says about the table. */
typedef struct device_params {
    opsin_pair_params pair;
    char how[512];
    size_t states_ltp, states_ltd;
    double seconds;
} device_params;

int opsin_wsyn_device_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                           opsin_diag *diag)
{
    static const char *const keys[] = {"kind", "circuit", "output", "ltp", "ltd", "read",
                                       "period", "max_pulses", OPSIN_PAIR_COMMON_KEYS, NULL};
    device_params *p;
    opsin_devtable t;
    char what[160];
    memset(&t, 0, sizeof t);
    if (opsin_cfg_known_keys(g, keys, "device synapse key", ctx->file, diag))
        return OPSIN_EINVAL;
    if (!(p = calloc(1, sizeof *p)))
        return OPSIN_ENOMEM;
    opsin_pair_params_init(&p->pair);
    int rc = opsin_pair_read_common(g, ctx, &p->pair, diag);
    if (!rc)
        rc = opsin_wsyn_device_table(g, ctx, &t, diag);
    snprintf(what, sizeof what, "%s:%d: the device curve", ctx->file, opsin_cfg_line(g));
    if (!rc && !ctx->check)
        rc = opsin_pair_from_table(&p->pair, &t, what, diag);
    if (rc) {
        opsin_devtable_clear(&t);
        opsin_wsyn_device_free(p);
        return rc;
    }
    memcpy(p->how, t.how, sizeof p->how);
    p->states_ltp = t.states_ltp;
    p->states_ltd = t.states_ltd;
    p->seconds = t.seconds;
    opsin_devtable_clear(&t);
    *params = p;
    return OPSIN_OK;
}

void opsin_wsyn_device_free(void *params)
{
    opsin_pair_params_free(params);
}

void opsin_wsyn_device_describe(const void *params, FILE *out)
{
    const device_params *p = params;
    fprintf(out, "# device curve: %s\n", p->how);
    fprintf(out, "# tabulated in %.3g s: %zu LTP and %zu LTD states\n", p->seconds,
            p->states_ltp, p->states_ltd);
    opsin_pair_describe(params, out);
}
