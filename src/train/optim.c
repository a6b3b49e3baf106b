/* optim.c: SGD, momentum and Adam, each giving the desired change of every weight and bias
 * from a network's gradient (optim.h states the update rules). */
#include <math.h>
#include <stdlib.h>

#include "core.h"
#include "train/blas.h"
#include "train/optim.h"

/* The optimiser's memory of one parameter array of a layer (its weights or its biases). */
typedef struct slot {
    double *v, *s; /* momentum velocity or Adam's first moment; Adam's second moment */
} slot;

struct opsin_optim {
    opsin_optim_spec spec;
    double lr[OPSIN_MLP_MAX_LAYERS];
    size_t nl, nin[OPSIN_MLP_MAX_LAYERS];
    slot w[OPSIN_MLP_MAX_LAYERS], b[OPSIN_MLP_MAX_LAYERS];
    double b1t, b2t; /* beta1^t, beta2^t */
};

opsin_optim_spec opsin_optim_default_spec(void)
{
    return (opsin_optim_spec){.kind = OPSIN_OPT_SGD, .momentum = 0.9, .beta1 = 0.9,
                              .beta2 = 0.999, .eps = 1e-8};
}

/* The first thing wrong with a spec for nl weight layers, or NULL. */
static const char *spec_problem(const opsin_optim_spec *s, size_t nl)
{
    if (s->kind != OPSIN_OPT_SGD && s->kind != OPSIN_OPT_MOMENTUM && s->kind != OPSIN_OPT_ADAM)
        return "optimiser (expected sgd, momentum or adam)";
    if ((s->nlr != 1 && s->nlr != nl) || !s->lr)
        return "learning rates: wrong count (expected one, or one per weight layer)";
    for (size_t l = 0; l < s->nlr; l++)
        if (!(s->lr[l] > 0) || !isfinite(s->lr[l]))
            return "learning rate (expected a finite number > 0)";
    if (!(s->momentum >= 0 && s->momentum < 1))
        return "momentum (expected 0 <= momentum < 1)";
    if (!(s->beta1 >= 0 && s->beta1 < 1) || !(s->beta2 >= 0 && s->beta2 < 1))
        return "Adam beta (expected 0 <= beta < 1)";
    if (!(s->eps > 0) || !isfinite(s->eps))
        return "Adam epsilon (expected a finite number > 0)";
    return NULL;
}

static int slot_alloc(slot *p, size_t n, opsin_opt_kind kind)
{
    if (kind != OPSIN_OPT_SGD)
        p->v = calloc(n, sizeof(double));
    if (kind == OPSIN_OPT_ADAM)
        p->s = calloc(n, sizeof(double));
    return (kind == OPSIN_OPT_SGD || p->v) && (kind != OPSIN_OPT_ADAM || p->s) ? 0 : -1;
}

static void slot_free(slot *p)
{
    free(p->v);
    free(p->s);
}

int opsin_optim_new(const opsin_optim_spec *spec, const opsin_mlp *m, opsin_optim **out,
                    opsin_diag *diag)
{
    size_t nl = opsin_mlp_nlayers(m);
    const char *bad = spec_problem(spec, nl);
    if (bad) {
        opsin_diag_set(diag, NULL, 0, "training: %s", bad);
        return OPSIN_EINVAL;
    }
    opsin_optim *o = calloc(1, sizeof *o);
    int ok = o != NULL;
    if (ok) {
        o->spec = *spec;
        o->nl = nl;
        o->b1t = o->b2t = 1;
        for (size_t l = 0; l < nl; l++)
            o->lr[l] = spec->lr[spec->nlr == 1 ? 0 : l];
        o->spec.lr = o->lr;
        o->spec.nlr = nl;
    }
    for (size_t l = 0; ok && l < nl; l++) {
        const opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
        o->nin[l] = L->nin;
        ok = slot_alloc(&o->w[l], L->nin * L->nout, spec->kind) == 0 &&
             slot_alloc(&o->b[l], L->nout, spec->kind) == 0;
    }
    if (!ok) {
        opsin_optim_free(o);
        opsin_diag_oom(diag, NULL, "allocating the optimiser");
        return OPSIN_ENOMEM;
    }
    *out = o;
    return OPSIN_OK;
}

void opsin_optim_free(opsin_optim *o)
{
    if (!o)
        return;
    for (size_t l = 0; l < o->nl; l++) {
        slot_free(&o->w[l]);
        slot_free(&o->b[l]);
    }
    free(o);
}

/* The desired changes d of n parameters from their gradient g at rate eta; v and s are the
 * optimiser's memory of those same parameters. */
OPSIN_WIDE static void step(const opsin_optim *o, size_t n, const double *restrict g, double *restrict d,
                 double *restrict v, double *restrict s, double eta)
{
    const opsin_optim_spec *p = &o->spec;
    const double mu = p->momentum, b1 = p->beta1, b2 = p->beta2, eps = p->eps;
    if (p->kind == OPSIN_OPT_SGD) {
        for (size_t k = 0; k < n; k++)
            d[k] = -eta * g[k];
    } else if (p->kind == OPSIN_OPT_MOMENTUM) {
        for (size_t k = 0; k < n; k++)
            d[k] = v[k] = mu * v[k] - eta * g[k];
    } else {
        double c1 = 1 / (1 - o->b1t), c2 = 1 / (1 - o->b2t);
        for (size_t k = 0; k < n; k++) {
            v[k] = b1 * v[k] + (1 - b1) * g[k];
            s[k] = b2 * s[k] + (1 - b2) * g[k] * g[k];
            d[k] = -eta * (v[k] * c1) / (sqrt(s[k] * c2) + eps);
        }
    }
}

void opsin_optim_begin(opsin_optim *o)
{
    o->b1t *= o->spec.beta1;
    o->b2t *= o->spec.beta2;
}

/* The memory of slot p from parameter k on (NULL where the optimiser keeps none). */
static double *at(double *mem, size_t k) { return mem ? mem + k : NULL; }

void opsin_optim_rows(opsin_optim *o, size_t l, size_t j0, size_t j1, const double *gw,
                      const double *gb, double *dw, double *db)
{
    size_t nin = o->nin[l];
    step(o, (j1 - j0) * nin, gw, dw, at(o->w[l].v, j0 * nin), at(o->w[l].s, j0 * nin), o->lr[l]);
    step(o, j1 - j0, gb, db, at(o->b[l].v, j0), at(o->b[l].s, j0), o->lr[l]);
}
