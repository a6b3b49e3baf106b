/* loop.c: the training loop: gradient, desired change, synapse update, per batch and per
 * epoch in a seeded order; the accuracy of a network on a data set (train.h). */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "train/dataset.h"
#include "train/team.h"
#include "train/train.h"

struct opsin_trainer {
    opsin_mlp *m;
    opsin_optim *opt;
    const opsin_syn_type *syn;
    void *state[OPSIN_MLP_MAX_LAYERS]; /* one synapse state per weight layer */
    size_t nl;
    opsin_syn_counts counts;
    unsigned long seed;
    uint64_t epochs; /* epochs begun: the order of epoch e comes from (seed, e) alone */
    size_t *order;   /* image order of the current epoch */
    size_t norder;
    double *xb;      /* a gathered batch (max_batch x sizes[0]) */
    int *yb;
    opsin_team *team;  /* NULL: the caller alone */
    size_t nblocks;    /* blocks of rows of all weight layers, layer after layer */
    size_t *blk_l, *blk_j0;
    opsin_syn_counts *blk_counts; /* one step's counts per block, added in block order */
    size_t nmembers;
    double **gw, **dw, **gb, **db; /* per member, one block of rows: gradient and change */
};

/* Rows of a layer updated together: their gradient, change and weights (3 x 16 KiB) stay in
 * the level-1/2 cache between the gradient, the optimiser and the synapse, instead of
 * streaming the whole layer through memory three times per image. */
enum { BLOCK = 2048 };

static size_t block_rows(size_t nin) { return nin >= BLOCK ? 1 : BLOCK / nin; }

/* Scratch for `members` members (one block of rows each); -1 when out of memory, with the
 * scratch already there kept. */
static int scratch(opsin_trainer *t, size_t members)
{
    const opsin_mlp_spec *ms = opsin_mlp_spec_of(t->m);
    size_t big = BLOCK;
    for (size_t l = 0; l < ms->nsizes; l++)
        big = ms->sizes[l] > big ? ms->sizes[l] : big;
    double ***bufs[] = {&t->gw, &t->dw, &t->gb, &t->db};
    size_t len[] = {big, big, BLOCK, BLOCK};
    for (size_t k = 0; k < 4; k++) {
        double **b = realloc(*bufs[k], members * sizeof *b);
        if (!b)
            return -1;
        *bufs[k] = b;
        for (size_t i = t->nmembers; i < members; i++)
            b[i] = NULL;
    }
    for (size_t i = t->nmembers; i < members; i++)
        for (size_t k = 0; k < 4; k++)
            if (!((*bufs[k])[i] = malloc(len[k] * sizeof(double)))) {
                for (size_t j = 0; j <= k; j++)
                    free((*bufs[j])[i]);
                return -1;
            }
    t->nmembers = members;
    return 0;
}

/* The blocks of rows of every weight layer, in order. */
static int blocks(opsin_trainer *t)
{
    size_t n = 0;
    for (size_t l = 0; l < t->nl; l++) {
        opsin_mlp_layer *L = opsin_mlp_layer_at(t->m, l);
        size_t rows = block_rows(L->nin);
        n += (L->nout + rows - 1) / rows;
    }
    t->blk_l = malloc(n * sizeof *t->blk_l);
    t->blk_j0 = malloc(n * sizeof *t->blk_j0);
    t->blk_counts = malloc(n * sizeof *t->blk_counts);
    if (!t->blk_l || !t->blk_j0 || !t->blk_counts)
        return -1;
    t->nblocks = 0;
    for (size_t l = 0; l < t->nl; l++) {
        opsin_mlp_layer *L = opsin_mlp_layer_at(t->m, l);
        size_t rows = block_rows(L->nin);
        for (size_t j0 = 0; j0 < L->nout; j0 += rows, t->nblocks++) {
            t->blk_l[t->nblocks] = l;
            t->blk_j0[t->nblocks] = j0;
        }
    }
    return 0;
}

int opsin_trainer_new(opsin_mlp *m, const opsin_optim_spec *os, const opsin_syn_type *syn,
                      const void *syn_params, unsigned long seed, opsin_trainer **out,
                      opsin_diag *diag)
{
    const opsin_mlp_spec *ms = opsin_mlp_spec_of(m);
    opsin_trainer *t = calloc(1, sizeof *t);
    if (!t)
        goto oom;
    t->m = m;
    t->syn = syn;
    t->nl = opsin_mlp_nlayers(m);
    int rc = opsin_optim_new(os, m, &t->opt, diag);
    if (rc != OPSIN_OK) {
        opsin_trainer_free(t);
        return rc;
    }
    for (size_t l = 0; l < t->nl; l++) {
        opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
        rc = syn->alloc(&t->state[l], syn_params, ms->wmin, ms->wmax, L->w, L->nin * L->nout,
                        seed + l + 1, diag);
        if (rc != OPSIN_OK) {
            opsin_trainer_free(t);
            return rc;
        }
    }
    t->xb = malloc(ms->max_batch * ms->sizes[0] * sizeof *t->xb);
    t->yb = malloc(ms->max_batch * sizeof *t->yb);
    if (scratch(t, 1) != 0 || blocks(t) != 0 || !t->xb || !t->yb)
        goto oom;
    t->seed = seed;
    *out = t;
    return OPSIN_OK;
oom:
    opsin_trainer_free(t);
    opsin_diag_oom(diag, NULL, "allocating the trainer");
    return OPSIN_ENOMEM;
}

void opsin_trainer_free(opsin_trainer *t)
{
    if (!t)
        return;
    for (size_t l = 0; l < t->nl; l++)
        if (t->state[l])
            t->syn->free(t->state[l]);
    opsin_optim_free(t->opt);
    free(t->order);
    free(t->xb);
    free(t->yb);
    opsin_team_free(t->team);
    for (size_t i = 0; i < t->nmembers; i++) {
        free(t->gw[i]);
        free(t->dw[i]);
        free(t->gb[i]);
        free(t->db[i]);
    }
    free(t->gw);
    free(t->dw);
    free(t->gb);
    free(t->db);
    free(t->blk_l);
    free(t->blk_j0);
    free(t->blk_counts);
    free(t);
}

/* Block i of a step: its rows' gradient, desired change, the synapses' update, the biases.
 * Blocks touch disjoint rows, so any member may take any block. */
static void step_block(void *ctx, size_t i, unsigned member)
{
    opsin_trainer *t = ctx;
    size_t l = t->blk_l[i], j0 = t->blk_j0[i];
    opsin_mlp_layer *L = opsin_mlp_layer_at(t->m, l);
    size_t rows = block_rows(L->nin), j1 = L->nout - j0 < rows ? L->nout : j0 + rows;
    size_t first = j0 * L->nin;
    double *gw = t->gw[member], *dw = t->dw[member], *gb = t->gb[member], *db = t->db[member];
    opsin_syn_counts *c = &t->blk_counts[i];
    *c = (opsin_syn_counts){0};
    opsin_mlp_grad_rows(t->m, l, j0, j1, gw, gb);
    opsin_optim_rows(t->opt, l, j0, j1, gw, gb, dw, db);
    t->syn->apply(t->state[l], first, L->w + first, dw, (j1 - j0) * L->nin, c);
    for (size_t j = j0; j < j1; j++)
        L->b[j] += db[j - j0];
}

double opsin_trainer_step(opsin_trainer *t, const double *x, const int *labels, size_t n)
{
    double loss = opsin_mlp_backward(t->m, x, labels, n);
    opsin_optim_begin(t->opt);
    if (t->team)
        opsin_team_run(t->team, step_block, t, t->nblocks);
    else
        for (size_t i = 0; i < t->nblocks; i++)
            step_block(t, i, 0);
    for (size_t i = 0; i < t->nblocks; i++) { /* in block order: the same sums for any team */
        const opsin_syn_counts *c = &t->blk_counts[i];
        t->counts.ltp += c->ltp;
        t->counts.ltd += c->ltd;
        t->counts.updates += c->updates;
        t->counts.energy += c->energy;
    }
    return loss;
}

int opsin_trainer_set_jobs(opsin_trainer *t, unsigned jobs, opsin_diag *diag)
{
    if (jobs < 1)
        jobs = 1;
    opsin_team_free(t->team);
    t->team = NULL;
    if (jobs == 1)
        return OPSIN_OK;
    if (scratch(t, jobs) != 0 || !(t->team = opsin_team_new(jobs))) {
        opsin_diag_oom(diag, NULL, "making the trainer's threads");
        return OPSIN_ENOMEM;
    }
    return OPSIN_OK;
}

/* The order of 0..N-1 for the next epoch, a permutation drawn from (seed, epoch number) so
 * that a run continued from a saved state takes the orders an unbroken run would; -1 when
 * there is no memory for it. */
static int shuffle(opsin_trainer *t, size_t N)
{
    if (t->norder != N) {
        size_t *o = realloc(t->order, N * sizeof *o);
        if (!o)
            return -1;
        t->order = o;
        t->norder = N;
    }
    uint64_t s = opsin_splitmix64(opsin_splitmix64(t->seed) ^ t->epochs);
    if (opsin_dataset_permutation(t->order, N, (unsigned long)s) != OPSIN_OK)
        return -1;
    t->epochs++;
    return 0;
}

double opsin_trainer_epoch(opsin_trainer *t, const double *x, const int *labels, size_t N)
{
    const opsin_mlp_spec *ms = opsin_mlp_spec_of(t->m);
    size_t nin = ms->sizes[0], B = ms->max_batch, batches = 0;
    if (N == 0 || shuffle(t, N) != 0)
        return NAN;
    double sum = 0;
    for (size_t i0 = 0; i0 < N; i0 += B, batches++) {
        size_t n = N - i0 < B ? N - i0 : B;
        if (n == 1) { /* per-image SGD: no copy */
            size_t k = t->order[i0];
            sum += opsin_trainer_step(t, x + k * nin, labels + k, 1);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            size_t k = t->order[i0 + i];
            memcpy(t->xb + i * nin, x + k * nin, nin * sizeof *x);
            t->yb[i] = labels[k];
        }
        sum += opsin_trainer_step(t, t->xb, t->yb, n);
    }
    return sum / (double)batches;
}

opsin_syn_counts opsin_trainer_counts(const opsin_trainer *t) { return t->counts; }

const size_t *opsin_trainer_order(opsin_trainer *t, size_t N)
{
    return N && shuffle(t, N) == 0 ? t->order : NULL;
}

uint64_t opsin_trainer_epochs(const opsin_trainer *t) { return t->epochs; }

void opsin_trainer_set_epochs(opsin_trainer *t, uint64_t e) { t->epochs = e; }

void *opsin_trainer_syn_state(const opsin_trainer *t, size_t l)
{
    return l < t->nl ? t->state[l] : NULL;
}

double opsin_mlp_mean_loss(opsin_mlp *m, const double *x, const int *labels, size_t N)
{
    const opsin_mlp_spec *ms = opsin_mlp_spec_of(m);
    size_t nin = ms->sizes[0], B = ms->max_batch;
    double sum = 0;
    for (size_t i = 0; i < N; i += B) {
        size_t n = N - i < B ? N - i : B;
        opsin_mlp_forward(m, x + i * nin, n);
        sum += opsin_mlp_loss(m, labels + i, n) * (double)n;
    }
    return sum / (double)N;
}

double opsin_mlp_accuracy(opsin_mlp *m, const double *x, const int *labels, size_t N)
{
    size_t nin = opsin_mlp_spec_of(m)->sizes[0], right = 0;
    int cls[256];
    for (size_t i0 = 0; i0 < N; i0 += 256) {
        size_t n = N - i0 < 256 ? N - i0 : 256;
        opsin_mlp_classify(m, x + i0 * nin, n, cls);
        for (size_t i = 0; i < n; i++)
            right += cls[i] == labels[i0 + i];
    }
    return N ? (double)right / (double)N : 0;
}
