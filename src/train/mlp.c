/* mlp.c: a fully connected network in floating point: forward pass, loss and back-propagated
 * gradient per weight and bias over a batch of images (mlp.h states the equations).
 *
 * Backward pass (Rumelhart, Hinton and Williams 1986), per image, output layer first:
 *   delta_L = dLoss/dz_L:  y - t for softmax with cross-entropy and for sigmoid with binary
 *   cross-entropy -sum_j [t_j ln y_j + (1 - t_j) ln(1 - y_j)]; f'(z) (y - t) for squared error
 *   (f' = y(1 - y) for sigmoid, [y > 0] for ReLU, the softmax Jacobian diag(y) - y y^T);
 *   dLoss/dW_l = delta_l a_l^T,  dLoss/db_l = delta_l,  delta_{l-1} = f'(z_{l-1}) (W_l^T delta_l),
 * then averaged over the batch.  Products go through CBLAS (blas.h): matrix-vector for one
 * image (the papers' per-image SGD), matrix-matrix for a batch. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "train/blas.h"
#include "train/mlp.h"

struct opsin_mlp {
    opsin_mlp_spec spec;
    size_t sizes[OPSIN_MLP_MAX_LAYERS + 1];
    size_t nl; /* weight layers */
    opsin_mlp_layer layer[OPSIN_MLP_MAX_LAYERS];
    const double *a[OPSIN_MLP_MAX_LAYERS + 1]; /* activations per layer; a[0] the caller's x */
    double *act[OPSIN_MLP_MAX_LAYERS + 1];     /* storage of a[1..nl] */
    size_t n;                                  /* images in the last forward pass */
};

opsin_mlp_spec opsin_mlp_default_spec(void)
{
    return (opsin_mlp_spec){.hidden = OPSIN_ACT_SIGMOID, .output = OPSIN_ACT_SIGMOID,
                            .loss = OPSIN_LOSS_MSE, .bias = 1, .wmin = -1, .wmax = 1,
                            .init = OPSIN_INIT_UNIFORM, .seed = 1, .max_batch = 1};
}

/* The first thing wrong with a spec, or NULL. */
static const char *spec_problem(const opsin_mlp_spec *s)
{
    if (s->nsizes < 2 || s->nsizes > OPSIN_MLP_MAX_LAYERS + 1 || !s->sizes)
        return "layer sizes: wrong count (expected 2 to 17 sizes)";
    for (size_t l = 0; l < s->nsizes; l++)
        if (s->sizes[l] < 1)
            return "layer size 0 (expected at least 1 unit per layer)";
    if (s->hidden != OPSIN_ACT_SIGMOID && s->hidden != OPSIN_ACT_RELU)
        return "hidden activation (expected sigmoid or relu)";
    if (s->output != OPSIN_ACT_SIGMOID && s->output != OPSIN_ACT_RELU &&
        s->output != OPSIN_ACT_SOFTMAX)
        return "output activation (expected sigmoid, relu or softmax)";
    if (s->loss != OPSIN_LOSS_MSE && s->loss != OPSIN_LOSS_XENT)
        return "loss (expected cross-entropy or squared error)";
    if (s->loss == OPSIN_LOSS_XENT && s->output == OPSIN_ACT_RELU)
        return "cross-entropy with a relu output (expected a sigmoid or softmax output)";
    if (!(s->wmin < s->wmax) || !isfinite(s->wmin) || !isfinite(s->wmax))
        return "weight range (expected finite wmin < wmax)";
    if (s->init != OPSIN_INIT_UNIFORM && s->init != OPSIN_INIT_XAVIER)
        return "weight initialisation (expected uniform or xavier)";
    if (s->max_batch < 1)
        return "batch size 0 (expected at least 1 image)";
    return NULL;
}

/* Draws the initial weights, layer by layer and row by row, from one seeded generator. */
static int init_weights(opsin_mlp *m)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        return -1;
    gsl_rng_set(r, m->spec.seed);
    const double lo = m->spec.wmin, hi = m->spec.wmax;
    for (size_t l = 0; l < m->nl; l++) {
        opsin_mlp_layer *L = &m->layer[l];
        double x = sqrt(6.0 / (double)(L->nin + L->nout));
        for (size_t k = 0; k < L->nin * L->nout; k++) {
            double u = gsl_rng_uniform(r);
            L->w[k] = m->spec.init == OPSIN_INIT_UNIFORM ? lo + (hi - lo) * u
                                                         : fmin(hi, fmax(lo, x * (2 * u - 1)));
        }
    }
    gsl_rng_free(r);
    return 0;
}

int opsin_mlp_new(const opsin_mlp_spec *spec, opsin_mlp **out, opsin_diag *diag)
{
    const char *bad = spec_problem(spec);
    if (bad) {
        opsin_diag_set(diag, NULL, 0, "network: %s", bad);
        return OPSIN_EINVAL;
    }
    opsin_mlp *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    m->spec = *spec;
    memcpy(m->sizes, spec->sizes, spec->nsizes * sizeof *m->sizes);
    m->spec.sizes = m->sizes;
    m->nl = spec->nsizes - 1;
    size_t B = spec->max_batch;
    int ok = 1;
    for (size_t l = 0; ok && l < m->nl; l++) {
        opsin_mlp_layer *L = &m->layer[l];
        L->nin = m->sizes[l];
        L->nout = m->sizes[l + 1];
        ok = (L->w = malloc(L->nin * L->nout * sizeof(double))) != NULL &&
             (L->gw = calloc(L->nin * L->nout, sizeof(double))) != NULL &&
             (L->b = calloc(L->nout, sizeof(double))) != NULL &&
             (L->gb = calloc(L->nout, sizeof(double))) != NULL &&
             (L->delta = malloc(B * L->nout * sizeof(double))) != NULL &&
             (m->act[l + 1] = malloc(B * L->nout * sizeof(double))) != NULL;
    }
    if (!ok || init_weights(m) != 0)
        goto oom;
    opsin_blas_serial();
    *out = m;
    return OPSIN_OK;
oom:
    opsin_mlp_free(m);
    opsin_diag_oom(diag, NULL, "allocating the network");
    return OPSIN_ENOMEM;
}

void opsin_mlp_free(opsin_mlp *m)
{
    if (!m)
        return;
    for (size_t l = 0; l < m->nl; l++) {
        free(m->layer[l].w);
        free(m->layer[l].gw);
        free(m->layer[l].b);
        free(m->layer[l].gb);
        free(m->layer[l].delta);
        free(m->act[l + 1]);
    }
    free(m);
}

size_t opsin_mlp_nlayers(const opsin_mlp *m) { return m->nl; }
opsin_mlp_layer *opsin_mlp_layer_at(const opsin_mlp *m, size_t l)
{
    return (opsin_mlp_layer *)&m->layer[l];
}
const opsin_mlp_spec *opsin_mlp_spec_of(const opsin_mlp *m) { return &m->spec; }

/* z <- f(z) over one image's k outputs. */
static void activate(opsin_act f, double *z, size_t k)
{
    if (f == OPSIN_ACT_SIGMOID) {
        for (size_t j = 0; j < k; j++)
            z[j] = 1 / (1 + exp(-z[j]));
    } else if (f == OPSIN_ACT_RELU) {
        for (size_t j = 0; j < k; j++)
            z[j] = z[j] > 0 ? z[j] : 0;
    } else { /* softmax, shifted by the largest so that no exponential overflows */
        double zmax = z[0], sum = 0;
        for (size_t j = 1; j < k; j++)
            zmax = z[j] > zmax ? z[j] : zmax;
        for (size_t j = 0; j < k; j++)
            sum += (z[j] = exp(z[j] - zmax));
        for (size_t j = 0; j < k; j++)
            z[j] /= sum;
    }
}

/* d <- f'(z) d for an element-wise f, from its output y (sigmoid y(1 - y), ReLU [y > 0]). */
static void times_slope(opsin_act f, const double *y, double *d, size_t k)
{
    if (f == OPSIN_ACT_SIGMOID)
        for (size_t j = 0; j < k; j++)
            d[j] *= y[j] * (1 - y[j]);
    else
        for (size_t j = 0; j < k; j++)
            d[j] = y[j] > 0 ? d[j] : 0;
}

const double *opsin_mlp_forward(opsin_mlp *m, const double *x, size_t n)
{
    m->a[0] = x;
    m->n = n;
    for (size_t l = 0; l < m->nl; l++) {
        const opsin_mlp_layer *L = &m->layer[l];
        double *z = m->act[l + 1];
        if (n == 1)
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)L->nout, (int)L->nin, 1.0, L->w,
                        (int)L->nin, m->a[l], 1, 0.0, z, 1);
        else
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)L->nout,
                        (int)L->nin, 1.0, m->a[l], (int)L->nin, L->w, (int)L->nin, 0.0, z,
                        (int)L->nout);
        opsin_act f = l + 1 == m->nl ? m->spec.output : m->spec.hidden;
        for (size_t i = 0; i < n; i++) {
            double *zi = z + i * L->nout;
            for (size_t j = 0; j < L->nout; j++)
                zi[j] += L->b[j];
            activate(f, zi, L->nout);
        }
        m->a[l + 1] = z;
    }
    return m->a[m->nl];
}

double opsin_mlp_loss(const opsin_mlp *m, const int *labels, size_t n)
{
    size_t k = m->sizes[m->nl];
    const double *y = m->a[m->nl];
    double sum = 0;
    for (size_t i = 0; i < n; i++, y += k)
        for (size_t j = 0; j < k; j++) {
            double t = (int)j == labels[i];
            if (m->spec.loss == OPSIN_LOSS_MSE)
                sum += 0.5 * (y[j] - t) * (y[j] - t);
            else if (t != 0)
                sum -= log(y[j]);
            else if (m->spec.output == OPSIN_ACT_SIGMOID)
                sum -= log1p(-y[j]);
        }
    return sum / (double)n;
}

/* The output layer's delta for each image of the last forward pass. */
static void output_delta(opsin_mlp *m, const int *labels)
{
    size_t k = m->sizes[m->nl];
    for (size_t i = 0; i < m->n; i++) {
        const double *y = m->a[m->nl] + i * k;
        double *d = m->layer[m->nl - 1].delta + i * k;
        for (size_t j = 0; j < k; j++)
            d[j] = y[j] - ((int)j == labels[i]);
        if (m->spec.loss == OPSIN_LOSS_XENT) /* y - t already, for softmax and sigmoid */
            continue;
        if (m->spec.output != OPSIN_ACT_SOFTMAX) {
            times_slope(m->spec.output, y, d, k);
            continue;
        }
        double yd = 0;
        for (size_t j = 0; j < k; j++)
            yd += y[j] * d[j];
        for (size_t j = 0; j < k; j++)
            d[j] = y[j] * (d[j] - yd);
    }
}

/* g (rows x nin) <- d a^T: one image's gradient of a block of rows. */
OPSIN_WIDE static void outer(const double *d, size_t rows, const double *restrict a, size_t nin,
                             double *restrict g)
{
    for (size_t j = 0; j < rows; j++, g += nin)
        for (size_t i = 0; i < nin; i++)
            g[i] = d[j] * a[i];
}

void opsin_mlp_grad_rows(const opsin_mlp *m, size_t l, size_t j0, size_t j1, double *gw,
                         double *gb)
{
    const opsin_mlp_layer *L = &m->layer[l];
    const double *a = m->a[l];
    size_t n = m->n, nin = L->nin;
    if (n == 1) { /* an outer product: no sums, so no BLAS call needed */
        outer(L->delta + j0, j1 - j0, a, nin, gw);
    } else {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(j1 - j0), (int)nin, (int)n,
                    1.0 / (double)n, L->delta + j0, (int)L->nout, a, (int)nin, 0.0, gw,
                    (int)nin);
    }
    for (size_t j = j0; j < j1; j++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += L->delta[i * L->nout + j];
        gb[j - j0] = m->spec.bias ? s / (double)n : 0;
    }
}

/* The delta of layer l - 1 from layer l's: W_l^T delta times the hidden slope. */
static void back_delta(opsin_mlp *m, size_t l)
{
    const opsin_mlp_layer *L = &m->layer[l];
    double *prev = m->layer[l - 1].delta;
    if (m->n == 1)
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)L->nout, (int)L->nin, 1.0, L->w,
                    (int)L->nin, L->delta, 1, 0.0, prev, 1);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m->n, (int)L->nin,
                    (int)L->nout, 1.0, L->delta, (int)L->nout, L->w, (int)L->nin, 0.0, prev,
                    (int)L->nin);
    times_slope(m->spec.hidden, m->a[l], prev, m->n * L->nin);
}

double opsin_mlp_backward(opsin_mlp *m, const double *x, const int *labels, size_t n)
{
    opsin_mlp_forward(m, x, n);
    double loss = opsin_mlp_loss(m, labels, n);
    output_delta(m, labels);
    for (size_t l = m->nl - 1; l > 0; l--)
        back_delta(m, l);
    return loss;
}

double opsin_mlp_gradient(opsin_mlp *m, const double *x, const int *labels, size_t n)
{
    double loss = opsin_mlp_backward(m, x, labels, n);
    for (size_t l = 0; l < m->nl; l++)
        opsin_mlp_grad_rows(m, l, 0, m->layer[l].nout, m->layer[l].gw, m->layer[l].gb);
    return loss;
}

void opsin_mlp_classify(opsin_mlp *m, const double *x, size_t n, int *cls)
{
    size_t nin = m->sizes[0], k = m->sizes[m->nl];
    for (size_t i0 = 0; i0 < n; i0 += m->spec.max_batch) {
        size_t b = n - i0 < m->spec.max_batch ? n - i0 : m->spec.max_batch;
        const double *y = opsin_mlp_forward(m, x + i0 * nin, b);
        for (size_t i = 0; i < b; i++, y += k) {
            size_t best = 0;
            for (size_t j = 1; j < k; j++)
                best = y[j] > y[best] ? j : best;
            cls[i0 + i] = (int)best;
        }
    }
}
