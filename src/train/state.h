/* state.h: the trained state of a network as `opsin train --save` writes it and `--load` reads
 * it back (train/state.c; the format is documented in opsin-network(5), "STATE FILES").
 *
 * A text file, every number in the form of number.h (it reads back as the same double):
 *   opsin-train-state 1
 *   layers 400,100,10          the sizes
 *   synapse nl,2               the kind and its doubles of device state per weight
 *   epochs 3                   epochs trained so far
 *   layer 1 weights            then one line per output row: its nin weights
 *   layer 1 biases             then one line: the nout biases
 *   layer 1 states             (only with device state) one line per output row: its nin x
 *                              per_weight values, weight after weight
 *   ... the same for every weight layer, then
 *   end
 * Neither the optimiser's memory nor the random streams are saved: a loaded network continues
 * from its weights and device states. */
#ifndef OPSIN_TRAIN_STATE_H
#define OPSIN_TRAIN_STATE_H

#include <stdio.h>

#include "opsin.h"
#include "train/mlp.h"
#include "train/synapse.h"
#include "train/train.h"

/* Writes the state of network m trained by t (synapses of kind syn) after `epochs` epochs;
 * 0, or EOF on a write error (errno set). */
int opsin_state_write(FILE *fp, const opsin_mlp *m, const opsin_trainer *t,
                      const opsin_syn_type *syn, unsigned long epochs);

/* Reads the state file at path into m and t's synapses (kind syn); *epochs gets its epoch
 * count.  OPSIN_EIO (cannot open), OPSIN_EINVAL (not a state file, another network or
 * synapse kind, a number missing, not finite, or a weight outside the range), ENOMEM; diag
 * "PATH:LINE: what is wrong (expected ...)".  On failure m and the synapses may be partly
 * loaded (the caller gives up on them). */
int opsin_state_read(const char *path, opsin_mlp *m, opsin_trainer *t,
                     const opsin_syn_type *syn, unsigned long *epochs, opsin_diag *diag);

#endif
