/* synkind.h: the synapse kinds a network file can name (train/synkind.c), one registry line
 * each: `synapse = { kind = "nl"; ... }` finds its kind here, the kind reads its own keys,
 * and the trainer takes the kind's opsin_syn_type with the params it read.
 *
 * A new kind is one file (its opsin_syn_type, its reader) plus one line in synkind.c. */
#ifndef OPSIN_TRAIN_SYNKIND_H
#define OPSIN_TRAIN_SYNKIND_H

#include <libconfig.h>
#include <stdio.h>

#include "core.h" /* opsin_warnings */
#include "opsin.h"
#include "train/synapse.h"

/* The files a network file's reading opened (its data, a device kind's circuit and stimuli),
 * for a key that identifies a run (--resume).  Names beyond OPSIN_WSYN_MAX_INPUTS are
 * dropped. */
enum { OPSIN_WSYN_MAX_INPUTS = 8 };
typedef struct opsin_wsyn_inputs {
    size_t n;
    char path[OPSIN_WSYN_MAX_INPUTS][4096];
    int config[OPSIN_WSYN_MAX_INPUTS]; /* 1: a libconfig file (it may @include others) */
} opsin_wsyn_inputs;

/* Adds path (config: a libconfig file, else data) to in (NULL in or path: nothing). */
void opsin_wsyn_input_add(opsin_wsyn_inputs *in, const char *path, int config);

/* What a kind's reader may need besides its group. */
typedef struct opsin_wsyn_ctx {
    const char *file;             /* the network file (messages; relative paths) */
    size_t nset;                  /* the command line's --set NAME=VALUE, in order */
    const char *const *set;
    unsigned long seed;           /* the network's seed (device noise, variability) */
    int jobs;                     /* worker threads a kind may use while it reads (>= 1) */
    opsin_warnings *warnings;     /* where a kind's warnings go (may be NULL) */
    int check;                    /* 1: check every key and file, but skip the costly work (a
                                   * device's tabulation): the params are for nothing else */
    opsin_wsyn_inputs *inputs;    /* the files the kind reads go here (may be NULL) */
} opsin_wsyn_ctx;

typedef struct opsin_wsyn_kind {
    const char *name;                 /* the value of `kind` */
    const opsin_syn_type *type;
    /* Reads the kind's keys of group g (kind included; unknown keys refused), into fresh
     * params (*params NULL for a kind without any).  Every failure fills diag with
     * "FILE:LINE: what is wrong (expected ...)" and returns OPSIN_EINVAL (ENOMEM, EIO...). */
    int (*read)(const config_setting_t *g, const opsin_wsyn_ctx *ctx, void **params,
                opsin_diag *diag);
    void (*free_params)(void *params);
    /* One or more lines, each starting with "# ", saying what the synapse is (a device curve:
     * how it was tabulated, how many states it found, energy per pulse).  May be NULL. */
    void (*describe)(const void *params, FILE *out);
} opsin_wsyn_kind;

/* The kind called name, or NULL. */
const opsin_wsyn_kind *opsin_wsyn_find(const char *name);

/* The kinds' names, comma-separated, for "(expected one of ...)" messages. */
const char *opsin_wsyn_names(void);

#endif
