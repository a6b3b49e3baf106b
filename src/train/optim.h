/* optim.h: optimisers that turn a network's gradient into the desired change of every weight
 * and bias (train/optim.c), with a learning rate per weight layer.
 *
 * With g the gradient (mlp.h) and eta_l the layer's rate, after step t = 1, 2, ...:
 *   SGD       Delta w = -eta g
 *   momentum  v <- mu v - eta g;  Delta w = v                  (Polyak's heavy ball)
 *   Adam      m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2;
 *             Delta w = -eta (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)   (Kingma, Ba 2015)
 * The optimiser only proposes: a synapse (synapse.h) applies Delta w and may reach another
 * weight; the optimiser's state follows the gradient, not the weight reached. */
#ifndef OPSIN_TRAIN_OPTIM_H
#define OPSIN_TRAIN_OPTIM_H

#include <stddef.h>

#include "opsin.h"
#include "train/mlp.h"

typedef enum opsin_opt_kind { OPSIN_OPT_SGD, OPSIN_OPT_MOMENTUM, OPSIN_OPT_ADAM } opsin_opt_kind;

typedef struct opsin_optim_spec {
    opsin_opt_kind kind;
    size_t nlr;        /* 1 (one rate for every layer) or the number of weight layers */
    const double *lr;  /* learning rates, each > 0 and finite */
    double momentum;   /* mu in [0, 1) */
    double beta1, beta2, eps; /* Adam: betas in [0, 1), eps > 0 */
} opsin_optim_spec;

typedef struct opsin_optim opsin_optim;

/* SGD, no rates set (nlr 0: must be set), momentum 0.9, beta1 0.9, beta2 0.999, eps 1e-8. */
opsin_optim_spec opsin_optim_default_spec(void);

/* An optimiser for network m (its shape; m is not kept); OPSIN_EINVAL for a spec out of
 * bounds, OPSIN_ENOMEM; *out untouched on failure. */
int opsin_optim_new(const opsin_optim_spec *spec, const opsin_mlp *m, opsin_optim **out,
                    opsin_diag *diag);
void opsin_optim_free(opsin_optim *o);

/* Starts an update (the step count t advances): then opsin_optim_rows for every row once. */
void opsin_optim_begin(opsin_optim *o);

/* The desired change of rows j0 <= j < j1 of layer l from their gradient (as
 * opsin_mlp_grad_rows gives it): dw ((j1 - j0) x nin) from gw, db (j1 - j0) from gb. */
void opsin_optim_rows(opsin_optim *o, size_t l, size_t j0, size_t j1, const double *gw,
                      const double *gb, double *dw, double *db);

#endif
