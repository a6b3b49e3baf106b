/* syn_device.h: the `device` synapse kind's reader (train/syn_device.c). */
#ifndef OPSIN_TRAIN_SYN_DEVICE_H
#define OPSIN_TRAIN_SYN_DEVICE_H

#include <libconfig.h>
#include <stdio.h>

#include "core.h" /* opsin_warnings, which synkind.h uses */
#include "train/devtable.h"
#include "train/synkind.h"

/* Reads the table keys of synapse group g (circuit, output, ltp, ltd: required; period,
 * read, max_pulses: optional; files relative to ctx->file; unknown keys are the caller's)
 * and tabulates the device with ctx's --set and seed into *t (see devtable.h).  Failures:
 * "FILE:LINE: ... (expected ...)" in d, OPSIN_EINVAL (EIO, EPARSE, ESOLVER, ENOMEM). */
int opsin_wsyn_device_table(const config_setting_t *g, const opsin_wsyn_ctx *ctx,
                            opsin_devtable *t, opsin_diag *d);

/* The kind's opsin_wsyn_kind functions (on the weight pair, train/pair.h): read checks
 * the keys (the table's and OPSIN_PAIR_COMMON_KEYS), tabulates, and hands the table to the
 * pair; describe prints the `how` line, the states and the pair's lines. */
extern const opsin_syn_type opsin_syn_device;
int opsin_wsyn_device_read(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                           opsin_diag *diag);
void opsin_wsyn_device_free(void *params);
void opsin_wsyn_device_describe(const void *params, FILE *out);

#endif
