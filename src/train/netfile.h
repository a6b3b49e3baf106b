/* netfile.h: the network file of `opsin train` (train/netfile.c, documented key by key in
 * opsin-network(5)): a libconfig file naming the layer sizes and activations, the weight
 * range, the data (IDX or CSV, class filter, crop, scaling, binarisation, image counts), the
 * training (epochs, batch, optimiser, rates) and the synapse kind (synkind.h), read into the
 * specs of mlp.h and optim.h and two prepared data sets.
 *
 * Every failure fills the diag with one line "FILE:LINE: what is wrong (expected ...)" (the
 * data files' own readers name their file) and leaves *out untouched. */
#ifndef OPSIN_TRAIN_NETFILE_H
#define OPSIN_TRAIN_NETFILE_H

#include <libconfig.h>
#include <stddef.h>

#include "core.h" /* opsin_warnings, which synkind.h uses */
#include "train/dataset.h"
#include "train/mlp.h"
#include "train/optim.h"
#include "train/synkind.h"

/* What the command line adds to the file. */
typedef struct opsin_netfile_opts {
    size_t nset;              /* --set NAME=VALUE: a NAME under a key of the file (training.rate,
                               * dataset.crop, seed ...) replaces that key's value; the others
                               * go to the synapse kind's reader in order */
    const char *const *set;
    int jobs;                 /* for the synapse kind's reader (>= 1) */
    opsin_warnings *warnings; /* the kind's warnings (may be NULL) */
    /* NULL: read the data the file names.  Else the data sets of this network file, read
     * from the same file with the same dataset keys, are shared (not read again, not freed
     * with the new one): the points of a training grid (train/grid.h). */
    const struct opsin_netfile *data;
    int check;                /* 1: check every key, but skip the synapse kind's costly work
                               * (a device's tabulation): the result is for checking only */
} opsin_netfile_opts;

/* A network file read and its data prepared. */
typedef struct opsin_netfile {
    size_t sizes[OPSIN_MLP_MAX_LAYERS + 1];
    opsin_mlp_spec mlp;        /* sizes point into sizes[] above */
    double lr[OPSIN_MLP_MAX_LAYERS];
    opsin_optim_spec optim;    /* lr points into lr[] above */
    size_t epochs;
    unsigned long seed;
    opsin_dataset *train, *test;
    size_t nclasses;           /* outputs of the network */
    int classes[256];          /* original label of output k (the filter's list, or k) */
    const opsin_wsyn_kind *kind;
    void *syn_params;          /* the kind's, freed with it */
    config_t cfg;              /* kept: the kind's params may point into it */
    int shared_data;           /* train and test belong to opts.data's network file */
    opsin_wsyn_inputs inputs;  /* the data files and the kind's files read (not the network
                                * file itself) */
} opsin_netfile;

/* Reads the network file at path and the data it names.  OPSIN_EIO (a file cannot be read),
 * OPSIN_EPARSE, OPSIN_EINVAL, OPSIN_ENOMEM. */
int opsin_netfile_read(const char *path, const opsin_netfile_opts *o, opsin_netfile **out,
                       opsin_diag *diag);
void opsin_netfile_free(opsin_netfile *nf);

#endif
