/* mlp.h: a fully connected feed-forward network in floating point (train/mlp.c): forward and
 * backward passes over a batch of images, the gradient of the loss per weight and bias.
 *
 * Layer l (0 .. nlayers-1) maps a_l (n_l values) to a_{l+1} = f(W_l a_l + b_l), W_l an
 * n_{l+1} x n_l matrix stored row-major (W_l[j * n_l + i] joins input i to output j).  Hidden
 * layers use `hidden` (sigmoid or ReLU), the last layer `output` (sigmoid, ReLU or softmax).
 * Loss per image: cross-entropy -sum_j t_j ln y_j or squared error 1/2 sum_j (y_j - t_j)^2
 * (NeuroSim's sigmoid output with squared error), t the one-hot label; the batch loss and its
 * gradient are the means over the batch.  Weights are dimensionless numbers in [wmin, wmax]
 * (the range a synapse maps onto its conductances); biases are unbounded. */
#ifndef OPSIN_TRAIN_MLP_H
#define OPSIN_TRAIN_MLP_H

#include <stddef.h>

#include "opsin.h"

enum { OPSIN_MLP_MAX_LAYERS = 16 }; /* weight layers, i.e. at most 17 sizes */

typedef enum opsin_act { OPSIN_ACT_SIGMOID, OPSIN_ACT_RELU, OPSIN_ACT_SOFTMAX } opsin_act;
typedef enum opsin_loss { OPSIN_LOSS_XENT, OPSIN_LOSS_MSE } opsin_loss;

/* Initial weights, drawn with the seed: UNIFORM over the whole weight range [wmin, wmax] (as
 * NeuroSim starts its devices), XAVIER uniform in +-sqrt(6 / (n_in + n_out)) (Glorot and
 * Bengio 2010) clipped to the range.  Biases start at 0. */
typedef enum opsin_init { OPSIN_INIT_UNIFORM, OPSIN_INIT_XAVIER } opsin_init;

typedef struct opsin_mlp_spec {
    size_t nsizes;       /* number of layer sizes, >= 2 (input, hidden..., output) */
    const size_t *sizes; /* each >= 1 */
    opsin_act hidden;    /* SIGMOID or RELU */
    opsin_act output;    /* SIGMOID, RELU or SOFTMAX */
    opsin_loss loss;     /* XENT needs a SIGMOID or SOFTMAX output */
    int bias;            /* 1: every layer has biases; 0: none (a crossbar without them) */
    double wmin, wmax;   /* weight range, wmin < wmax */
    opsin_init init;
    unsigned long seed;  /* initial weights */
    size_t max_batch;    /* most images per forward/backward call, >= 1 */
} opsin_mlp_spec;

/* One weight layer; the network owns every array. */
typedef struct opsin_mlp_layer {
    size_t nin, nout;
    double *w;  /* nout x nin */
    double *b;  /* nout (zeros, never changed, without biases) */
    double *gw; /* gradient of the batch loss by w, after opsin_mlp_gradient */
    double *gb; /* ... by b */
    double *delta; /* max_batch x nout: dLoss/dz after opsin_mlp_backward */
} opsin_mlp_layer;

typedef struct opsin_mlp opsin_mlp;

/* sigmoid hidden and output, squared error, biases, weight range [-1, 1], uniform init, seed 1,
 * max_batch 1; nsizes/sizes must still be set. */
opsin_mlp_spec opsin_mlp_default_spec(void);

/* A network with initial weights; OPSIN_EINVAL for a spec out of bounds, OPSIN_ENOMEM; *out
 * untouched on failure.  Sets the BLAS to one thread (blas.h). */
int opsin_mlp_new(const opsin_mlp_spec *spec, opsin_mlp **out, opsin_diag *diag);
void opsin_mlp_free(opsin_mlp *m);

size_t opsin_mlp_nlayers(const opsin_mlp *m);       /* weight layers (nsizes - 1) */
/* Layer l < nlayers; its arrays are writable even through a const network (as strchr). */
opsin_mlp_layer *opsin_mlp_layer_at(const opsin_mlp *m, size_t l);
const opsin_mlp_spec *opsin_mlp_spec_of(const opsin_mlp *m); /* sizes point into m */

/* Forward pass of n <= max_batch images x (n x sizes[0], row-major); returns the outputs
 * (n x sizes[last], valid until the next call). */
const double *opsin_mlp_forward(opsin_mlp *m, const double *x, size_t n);

/* Mean loss of n images with labels (each < sizes[last]) after a forward pass of them. */
double opsin_mlp_loss(const opsin_mlp *m, const int *labels, size_t n);

/* Forward and backward pass of n images: keeps every layer's delta (the gradient of the mean
 * loss by its pre-activations) for opsin_mlp_grad_rows and returns the mean loss.  Nothing
 * is read from the weights afterwards, so they may be updated row by row before the next
 * forward pass. */
double opsin_mlp_backward(opsin_mlp *m, const double *x, const int *labels, size_t n);

/* Rows j0 <= j < j1 <= nout of layer l's gradient after opsin_mlp_backward (whose images x
 * must still be there): gw ((j1 - j0) x nin) and gb (j1 - j0; zeros without biases).  A
 * block of rows at a time keeps a training step in the cache (train/loop.c). */
void opsin_mlp_grad_rows(const opsin_mlp *m, size_t l, size_t j0, size_t j1, double *gw,
                         double *gb);

/* Backward pass and every layer's whole gradient into its gw and gb; the mean loss. */
double opsin_mlp_gradient(opsin_mlp *m, const double *x, const int *labels, size_t n);

/* The class (largest output) of each of n images into cls, batch by batch (any n). */
void opsin_mlp_classify(opsin_mlp *m, const double *x, size_t n, int *cls);

#endif
