/* train.h: the training loop (train/loop.c): a network (mlp.h), an optimiser (optim.h) and a
 * synapse kind (synapse.h) put together; one update per batch of images, epochs over a data
 * set in a seeded order, accuracy on a test set, and the pulses the synapses took.
 *
 * One step: gradient of the batch's mean loss, the optimiser's desired Delta w and Delta b,
 * the synapse applies Delta w to every weight layer (and reports the weights reached), the
 * biases take Delta b in software (unbounded).  A batch of 1 is per-image SGD as in NeuroSim
 * and the papers. */
#ifndef OPSIN_TRAIN_TRAIN_H
#define OPSIN_TRAIN_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "opsin.h"
#include "train/mlp.h"
#include "train/optim.h"
#include "train/synapse.h"

typedef struct opsin_trainer opsin_trainer;

/* A trainer of network m (kept, not owned: it must outlive the trainer) with optimiser spec
 * os and synapses of kind syn (params as that kind takes, NULL for ideal); seed orders the
 * images of every epoch and seeds the synapses.  The synapses may move m's weights onto their
 * states.  OPSIN_EINVAL / OPSIN_ENOMEM with diag filled, *out untouched. */
int opsin_trainer_new(opsin_mlp *m, const opsin_optim_spec *os, const opsin_syn_type *syn,
                      const void *syn_params, unsigned long seed, opsin_trainer **out,
                      opsin_diag *diag);
void opsin_trainer_free(opsin_trainer *t);

/* Runs each step's blocks of rows (gradient, optimiser, synapses) on `jobs` threads (the
 * caller included); the results are the same bytes for any number (blocks are disjoint and
 * their pulse counts are added in block order), provided the synapse kind's draws depend on
 * the weight and not on the thread (synapse.h).  OPSIN_ENOMEM when the threads cannot be
 * made. */
int opsin_trainer_set_jobs(opsin_trainer *t, unsigned jobs, opsin_diag *diag);

/* One update from n (1 <= n <= max_batch) images x with their labels; the batch's mean loss
 * before the update. */
double opsin_trainer_step(opsin_trainer *t, const double *x, const int *labels, size_t n);

/* One epoch: the N images (N x sizes[0]) in a fresh order drawn from the trainer's generator,
 * max_batch at a time (a short last batch); the mean of the batches' losses, or NAN (and no
 * update) when N is 0 or there is no memory for the order. */
double opsin_trainer_epoch(opsin_trainer *t, const double *x, const int *labels, size_t N);

/* Begins an epoch of N images as opsin_trainer_epoch does (the epoch count advances) and
 * returns its image order (valid until the next call), for a caller that steps through the
 * epoch itself (a test every K images, a progress line); NULL when N is 0 or there is no
 * memory for it. */
const size_t *opsin_trainer_order(opsin_trainer *t, size_t N);

/* Pulses and updates of all weight layers since the trainer was made. */
opsin_syn_counts opsin_trainer_counts(const opsin_trainer *t);

/* Epochs begun (each draws its image order from the seed and its number); set it to continue
 * a run that stopped after e epochs with the orders it would have taken. */
uint64_t opsin_trainer_epochs(const opsin_trainer *t);
void opsin_trainer_set_epochs(opsin_trainer *t, uint64_t e);

/* The synapse state of weight layer l (as the kind's alloc made it), for save and load. */
void *opsin_trainer_syn_state(const opsin_trainer *t, size_t l);

/* Mean loss of the N images x with their labels as the network stands (no update). */
double opsin_mlp_mean_loss(opsin_mlp *m, const double *x, const int *labels, size_t N);

/* Fraction of the N images whose largest output is their label. */
double opsin_mlp_accuracy(opsin_mlp *m, const double *x, const int *labels, size_t N);

#endif
