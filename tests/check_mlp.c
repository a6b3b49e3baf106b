/* check_mlp.c: the float network and its training loop (src/train/): back-propagated
 * gradients against central finite differences for every activation and loss on three layer
 * shapes, a batch's gradient against the mean of its images', the optimisers' first steps
 * against their formulas, the ideal synapse's clipping and counts, four Gaussian blobs learned
 * to 100 % by SGD, momentum and Adam, the same bytes from the same seed, and every bad spec. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/team.h"
#include "train/train.h"

static opsin_mlp *make(const size_t *sizes, size_t ns, opsin_act hid, opsin_act out,
                       opsin_loss loss, size_t batch, unsigned long seed)
{
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = ns;
    s.sizes = sizes;
    s.hidden = hid;
    s.output = out;
    s.loss = loss;
    s.init = OPSIN_INIT_XAVIER;
    s.max_batch = batch;
    s.seed = seed;
    opsin_mlp *m = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_mlp_new(&s, &m, &d) == OPSIN_OK, "%s", d.msg);
    return m;
}

/* Uniform numbers in [lo, hi) from a fixed seed. */
static void fill(double *v, size_t n, double lo, double hi, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, seed);
    for (size_t k = 0; k < n; k++)
        v[k] = lo + (hi - lo) * gsl_rng_uniform(r);
    gsl_rng_free(r);
}

/* Central difference of the mean loss by one parameter p: step h = 1e-5 leaves a truncation
 * error h^2/6 |L'''| ~ 1e-11 and a round-off of eps |L| / h ~ 1e-11. */
static double fd(opsin_mlp *m, double *p, const double *x, const int *lab, size_t n)
{
    const double h = 1e-5, p0 = *p;
    *p = p0 + h;
    opsin_mlp_forward(m, x, n);
    double up = opsin_mlp_loss(m, lab, n);
    *p = p0 - h;
    opsin_mlp_forward(m, x, n);
    double down = opsin_mlp_loss(m, lab, n);
    *p = p0;
    return (up - down) / (2 * h);
}

/* Every weight's and bias's gradient against its finite difference: relative 1e-6, or 1e-9
 * absolute for a gradient within the difference quotient's round-off of 0. */
static void check_gradient(const size_t *sizes, size_t ns, opsin_act hid, opsin_act out,
                           opsin_loss loss, size_t n)
{
    opsin_mlp *m = make(sizes, ns, hid, out, loss, n, 7);
    double x[4 * 8];
    int lab[4];
    fill(x, n * sizes[0], -1, 1, 11);
    for (size_t i = 0; i < n; i++)
        lab[i] = (int)((i * 5 + 1) % sizes[ns - 1]);
    for (size_t l = 0; l < ns - 1; l++)
        fill(opsin_mlp_layer_at(m, l)->b, sizes[l + 1], -0.5, 0.5, 13 + l);
    opsin_mlp_gradient(m, x, lab, n);
    size_t checked = 0;
    for (size_t l = 0; l < ns - 1; l++) {
        opsin_mlp_layer *L = opsin_mlp_layer_at(m, l);
        double *gw = malloc(L->nin * L->nout * sizeof *gw), gb[8];
        memcpy(gw, L->gw, L->nin * L->nout * sizeof *gw);
        memcpy(gb, L->gb, L->nout * sizeof *gb);
        for (size_t k = 0; k < L->nin * L->nout + L->nout; k++, checked++) {
            int isw = k < L->nin * L->nout;
            double g = isw ? gw[k] : gb[k - L->nin * L->nout];
            double f = fd(m, isw ? &L->w[k] : &L->b[k - L->nin * L->nout], x, lab, n);
            ck_assert_msg(fabs(f - g) <= 1e-6 * fabs(g) + 1e-9,
                          "layer %zu param %zu (act %d/%d loss %d batch %zu): backprop %.12g, "
                          "finite difference %.12g", l, k, hid, out, loss, n, g, f);
        }
        free(gw);
    }
    ck_assert_uint_gt(checked, 0);
    opsin_mlp_free(m);
}

static const size_t shape2[] = {5, 3}, shape3[] = {6, 4, 3}, shape4[] = {5, 4, 3, 3};

START_TEST(test_gradient)
{
    static const struct {
        opsin_act hid, out;
        opsin_loss loss;
    } c[] = {
        {OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE},  /* NeuroSim */
        {OPSIN_ACT_SIGMOID, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT},
        {OPSIN_ACT_RELU, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT},
        {OPSIN_ACT_RELU, OPSIN_ACT_SIGMOID, OPSIN_LOSS_XENT},
        {OPSIN_ACT_SIGMOID, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_MSE},
        {OPSIN_ACT_RELU, OPSIN_ACT_RELU, OPSIN_LOSS_MSE},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++)
        for (size_t n = 1; n <= 3; n += 2) {
            check_gradient(shape2, 2, c[k].hid, c[k].out, c[k].loss, n);
            check_gradient(shape3, 3, c[k].hid, c[k].out, c[k].loss, n);
            check_gradient(shape4, 4, c[k].hid, c[k].out, c[k].loss, n);
        }
}
END_TEST

/* A batch's gradient (matrix-matrix products) is the mean of its images' (matrix-vector). */
START_TEST(test_batch_is_mean)
{
    opsin_mlp *mb = make(shape4, 4, OPSIN_ACT_SIGMOID, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 4, 3);
    opsin_mlp *m1 = make(shape4, 4, OPSIN_ACT_SIGMOID, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 1, 3);
    double x[4 * 5], mean[5 * 4] = {0};
    const int lab[4] = {0, 2, 1, 2};
    fill(x, sizeof x / sizeof *x, 0, 1, 5);
    double lb = opsin_mlp_gradient(mb, x, lab, 4), l1 = 0;
    for (size_t i = 0; i < 4; i++) {
        l1 += opsin_mlp_gradient(m1, x + 5 * i, lab + i, 1) / 4;
        for (size_t k = 0; k < 20; k++)
            mean[k] += opsin_mlp_layer_at(m1, 0)->gw[k] / 4;
    }
    ck_assert_double_eq_tol(lb, l1, 1e-14);
    for (size_t k = 0; k < 20; k++)
        ck_assert_double_eq_tol(opsin_mlp_layer_at(mb, 0)->gw[k], mean[k], 1e-15);
    opsin_mlp_free(mb);
    opsin_mlp_free(m1);
}
END_TEST

/* Four Gaussian blobs (sd 0.3) at (+-1.5, +-1.5) in 2-D: n points, labels by quadrant. */
static void blobs(double *x, int *lab, size_t n, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++) {
        lab[i] = (int)(i % 4);
        x[2 * i] = (lab[i] & 1 ? 1.5 : -1.5) + gsl_ran_gaussian(r, 0.3);
        x[2 * i + 1] = (lab[i] & 2 ? 1.5 : -1.5) + gsl_ran_gaussian(r, 0.3);
    }
    gsl_rng_free(r);
}

enum { NB = 200 };

/* Trains 2-8-4 on the blobs for `epochs` and returns the test accuracy (fresh blobs). */
static double learn_blobs(opsin_opt_kind kind, double lr, opsin_act out, opsin_loss loss,
                          size_t batch, int epochs, opsin_mlp **keep)
{
    static const size_t sizes[] = {2, 8, 4};
    double x[2 * NB], xt[2 * NB];
    int lab[NB], labt[NB];
    blobs(x, lab, NB, 1);
    blobs(xt, labt, NB, 2);
    opsin_mlp *m = make(sizes, 3, OPSIN_ACT_SIGMOID, out, loss, batch, 42);
    opsin_optim_spec os = opsin_optim_default_spec();
    os.kind = kind;
    os.nlr = 1;
    os.lr = &lr;
    opsin_trainer *t = NULL;
    opsin_diag d = {""};
    ck_assert_msg(opsin_trainer_new(m, &os, &opsin_syn_ideal, NULL, 9, &t, &d) == OPSIN_OK,
                  "%s", d.msg);
    double first = opsin_trainer_epoch(t, x, lab, NB), last = first;
    for (int e = 1; e < epochs; e++)
        last = opsin_trainer_epoch(t, x, lab, NB);
    ck_assert_msg(last < first / 2, "loss %g after %d epochs, %g after the first", last,
                  epochs, first);
    ck_assert_double_eq(opsin_mlp_accuracy(m, x, lab, NB), 1.0);
    double acc = opsin_mlp_accuracy(m, xt, labt, NB);
    opsin_syn_counts c = opsin_trainer_counts(t);
    ck_assert_uint_eq(c.ltp, 0);
    ck_assert_uint_eq(c.ltd, 0);
    ck_assert_uint_gt(c.updates, 0);
    ck_assert_uint_le(c.updates, (uint64_t)epochs * ((NB + batch - 1) / batch) * (2 * 8 + 8 * 4));
    opsin_trainer_free(t);
    if (keep)
        *keep = m;
    else
        opsin_mlp_free(m);
    return acc;
}

START_TEST(test_blobs)
{
    ck_assert_double_eq(learn_blobs(OPSIN_OPT_SGD, 0.5, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1,
                                    20, NULL), 1.0);
    ck_assert_double_eq(learn_blobs(OPSIN_OPT_SGD, 0.1, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 1,
                                    20, NULL), 1.0);
    ck_assert_double_eq(learn_blobs(OPSIN_OPT_MOMENTUM, 0.02, OPSIN_ACT_SOFTMAX,
                                    OPSIN_LOSS_XENT, 1, 20, NULL), 1.0);
    ck_assert_double_eq(learn_blobs(OPSIN_OPT_ADAM, 0.01, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT,
                                    1, 20, NULL), 1.0);
    ck_assert_double_eq(learn_blobs(OPSIN_OPT_ADAM, 0.05, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT,
                                    10, 40, NULL), 1.0);
}
END_TEST

/* Same seeds, same bytes; another network seed, other weights. */
START_TEST(test_same_seed_same_bytes)
{
    opsin_mlp *a = NULL, *b = NULL;
    learn_blobs(OPSIN_OPT_ADAM, 0.05, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 10, 40, &a);
    learn_blobs(OPSIN_OPT_ADAM, 0.05, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 10, 40, &b);
    for (size_t l = 0; l < 2; l++) {
        const opsin_mlp_layer *A = opsin_mlp_layer_at(a, l), *B = opsin_mlp_layer_at(b, l);
        ck_assert(memcmp(A->w, B->w, A->nin * A->nout * sizeof *A->w) == 0);
        ck_assert(memcmp(A->b, B->b, A->nout * sizeof *A->b) == 0);
    }
    opsin_mlp *c = make(shape3, 3, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 1);
    opsin_mlp *d = make(shape3, 3, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 2);
    ck_assert(memcmp(opsin_mlp_layer_at(c, 0)->w, opsin_mlp_layer_at(d, 0)->w,
                     24 * sizeof(double)) != 0);
    opsin_mlp_free(a);
    opsin_mlp_free(b);
    opsin_mlp_free(c);
    opsin_mlp_free(d);
}
END_TEST

/* Uniform initial weights fill the whole range; Xavier's stay within +-sqrt(6/(nin+nout)). */
START_TEST(test_init)
{
    static const size_t sizes[] = {400, 100, 10};
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = 3;
    s.sizes = sizes;
    s.wmin = -0.5;
    s.wmax = 2;
    opsin_mlp *m = NULL;
    opsin_diag d = {""};
    ck_assert_int_eq(opsin_mlp_new(&s, &m, &d), OPSIN_OK);
    const opsin_mlp_layer *L = opsin_mlp_layer_at(m, 0);
    double lo = INFINITY, hi = -INFINITY, mean = 0;
    for (size_t k = 0; k < 40000; k++) {
        lo = fmin(lo, L->w[k]);
        hi = fmax(hi, L->w[k]);
        mean += L->w[k] / 40000;
    }
    ck_assert(lo >= -0.5 && lo < -0.49 && hi < 2 && hi > 1.99);
    ck_assert_double_eq_tol(mean, 0.75, 0.02); /* 5 sd of the mean of 40000 draws */
    opsin_mlp_free(m);
    s.init = OPSIN_INIT_XAVIER;
    ck_assert_int_eq(opsin_mlp_new(&s, &m, &d), OPSIN_OK);
    L = opsin_mlp_layer_at(m, 1);
    double x = sqrt(6.0 / 110), big = 0;
    for (size_t k = 0; k < 1000; k++)
        big = fmax(big, fabs(L->w[k]));
    ck_assert(big <= x && big > 0.95 * x);
    opsin_mlp_free(m);
}
END_TEST

/* One step of each optimiser against its formula, through the ideal synapse. */
static void check_first_step(opsin_opt_kind kind)
{
    static const size_t sizes[] = {3, 2};
    opsin_mlp *m = make(sizes, 2, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 4);
    opsin_mlp *g = make(sizes, 2, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 4);
    const double x[3] = {0.2, -0.7, 1.0}, lr = 0.3;
    const int lab = 1;
    opsin_mlp_gradient(g, x, &lab, 1);
    opsin_optim_spec os = opsin_optim_default_spec();
    os.kind = kind;
    os.nlr = 1;
    os.lr = &lr;
    opsin_trainer *t = NULL;
    ck_assert_int_eq(opsin_trainer_new(m, &os, &opsin_syn_ideal, NULL, 1, &t, NULL), OPSIN_OK);
    opsin_trainer_step(t, x, &lab, 1);
    const opsin_mlp_layer *G = opsin_mlp_layer_at(g, 0), *M = opsin_mlp_layer_at(m, 0);
    for (size_t k = 0; k < 6; k++) {
        double gk = G->gw[k];
        /* momentum from v = 0 is SGD; Adam's bias-corrected first step is g / (|g| + eps) */
        double dw = kind == OPSIN_OPT_ADAM ? -lr * gk / (fabs(gk) + 1e-8) : -lr * gk;
        double want = fmin(1, fmax(-1, G->w[k] + dw));
        ck_assert_double_eq_tol(M->w[k], want, 1e-15);
    }
    for (size_t j = 0; j < 2; j++) {
        double gj = G->gb[j];
        double want = kind == OPSIN_OPT_ADAM ? -lr * gj / (fabs(gj) + 1e-8) : -lr * gj;
        ck_assert_double_eq_tol(M->b[j], want, 1e-15);
    }
    opsin_trainer_free(t);
    opsin_mlp_free(m);
    opsin_mlp_free(g);
}

START_TEST(test_first_steps)
{
    check_first_step(OPSIN_OPT_SGD);
    check_first_step(OPSIN_OPT_MOMENTUM);
    check_first_step(OPSIN_OPT_ADAM);
}
END_TEST

/* The trainer's step, a few rows at a time (700 inputs: blocks of 2 of 41 rows, a short last
 * one) on `jobs` threads, gives the same bits as the whole layer at once on one: each row
 * block reads its own part of the optimiser's memory. */
static void check_blocks(opsin_opt_kind kind, unsigned jobs)
{
    static const size_t sizes[] = {700, 41, 3};
    opsin_mlp *a = make(sizes, 3, OPSIN_ACT_RELU, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 1, 8);
    opsin_mlp *b = make(sizes, 3, OPSIN_ACT_RELU, OPSIN_ACT_SOFTMAX, OPSIN_LOSS_XENT, 1, 8);
    static double x[3 * 700], dw[700 * 41], db[41];
    fill(x, 3 * 700, 0, 1, 21);
    const int lab[3] = {2, 0, 1};
    const double lr[2] = {0.05, 0.02};
    opsin_optim_spec os = opsin_optim_default_spec();
    os.kind = kind;
    os.nlr = 2;
    os.lr = lr;
    opsin_trainer *t = NULL;
    opsin_optim *o = NULL;
    void *syn[2];
    ck_assert_int_eq(opsin_trainer_new(a, &os, &opsin_syn_ideal, NULL, 1, &t, NULL), OPSIN_OK);
    ck_assert_int_eq(opsin_trainer_set_jobs(t, jobs, NULL), OPSIN_OK);
    ck_assert_int_eq(opsin_optim_new(&os, b, &o, NULL), OPSIN_OK);
    opsin_syn_counts c = {0};
    for (size_t l = 0; l < 2; l++) {
        opsin_mlp_layer *L = opsin_mlp_layer_at(b, l);
        ck_assert_int_eq(opsin_syn_ideal.alloc(&syn[l], NULL, -1, 1, L->w, L->nin * L->nout, 1,
                                               NULL), OPSIN_OK);
    }
    for (size_t i = 0; i < 3; i++) {
        opsin_trainer_step(t, x + 700 * i, lab + i, 1);
        opsin_mlp_gradient(b, x + 700 * i, lab + i, 1);
        opsin_optim_begin(o);
        for (size_t l = 0; l < 2; l++) {
            opsin_mlp_layer *L = opsin_mlp_layer_at(b, l);
            opsin_optim_rows(o, l, 0, L->nout, L->gw, L->gb, dw, db);
            opsin_syn_ideal.apply(syn[l], 0, L->w, dw, L->nin * L->nout, &c);
            for (size_t j = 0; j < L->nout; j++)
                L->b[j] += db[j];
        }
    }
    for (size_t l = 0; l < 2; l++) {
        const opsin_mlp_layer *A = opsin_mlp_layer_at(a, l), *B = opsin_mlp_layer_at(b, l);
        ck_assert(memcmp(A->w, B->w, A->nin * A->nout * sizeof *A->w) == 0);
        ck_assert(memcmp(A->b, B->b, A->nout * sizeof *A->b) == 0);
        opsin_syn_ideal.free(syn[l]);
    }
    ck_assert_uint_eq(opsin_trainer_counts(t).updates, c.updates);
    opsin_trainer_free(t);
    opsin_optim_free(o);
    opsin_mlp_free(a);
    opsin_mlp_free(b);
}

START_TEST(test_blocks)
{
    for (unsigned jobs = 1; jobs <= 3; jobs++) {
        check_blocks(OPSIN_OPT_SGD, jobs);
        check_blocks(OPSIN_OPT_MOMENTUM, jobs);
        check_blocks(OPSIN_OPT_ADAM, jobs);
    }
}
END_TEST

/* The team runs every task of every call exactly once, before the call returns, whichever
 * member takes it (many short calls: members spinning, sleeping and waking late). */
enum { TASKS = 37 };
static void count_task(void *ctx, size_t i, unsigned member)
{
    unsigned *hits = ctx;
    ck_assert_uint_lt(member, 3);
    hits[i]++;
}

START_TEST(test_team)
{
    opsin_team *team = opsin_team_new(3);
    ck_assert_ptr_nonnull(team);
    ck_assert_uint_eq(opsin_team_size(team), 3);
    static unsigned hits[TASKS];
    for (unsigned call = 1; call <= 4000; call++) {
        opsin_team_run(team, count_task, hits, call % TASKS + 1);
        for (size_t i = 0; i < TASKS; i++)
            ck_assert_uint_eq(hits[i], i <= call % TASKS);
        memset(hits, 0, sizeof hits);
        if (call % 1000 == 0) /* long enough for the members to fall asleep */
            usleep(20000);
    }
    opsin_team_free(team);
}
END_TEST

/* Momentum's second step adds mu times the first change. */
START_TEST(test_momentum_memory)
{
    static const size_t sizes[] = {2, 1};
    opsin_mlp *m = make(sizes, 2, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 4);
    const double lr[1] = {0.1};
    opsin_optim_spec os = opsin_optim_default_spec();
    os.kind = OPSIN_OPT_MOMENTUM;
    os.nlr = 1;
    os.lr = lr;
    os.momentum = 0.5;
    opsin_optim *o = NULL;
    ck_assert_int_eq(opsin_optim_new(&os, m, &o, NULL), OPSIN_OK);
    double g[2] = {2, 0}, gb = 0, dw[2], db;
    opsin_optim_begin(o);
    opsin_optim_rows(o, 0, 0, 1, g, &gb, dw, &db);
    ck_assert_double_eq(dw[0], -0.2);
    g[0] = -1;
    opsin_optim_begin(o);
    opsin_optim_rows(o, 0, 0, 1, g, &gb, dw, &db);
    ck_assert_double_eq_tol(dw[0], 0.5 * -0.2 + 0.1, 1e-16);
    ck_assert_double_eq(dw[1], 0);
    opsin_optim_free(o);
    opsin_mlp_free(m);
}
END_TEST

/* The ideal synapse clips to the range, counts the weights asked to move, and no pulse. */
START_TEST(test_ideal_synapse)
{
    void *s = NULL;
    double w[4] = {0.5, -0.9, 0.0, 0.99};
    const double dw[4] = {0.25, -0.5, 0.0, 0.02};
    ck_assert_int_eq(opsin_syn_ideal.alloc(&s, NULL, -1, 1, w, 4, 1, NULL), OPSIN_OK);
    opsin_syn_counts c = {0};
    opsin_syn_ideal.apply(s, 0, w, dw, 4, &c);
    ck_assert_double_eq(w[0], 0.75);
    ck_assert_double_eq(w[1], -1);
    ck_assert_double_eq(w[2], 0);
    ck_assert_double_eq(w[3], 1);
    ck_assert_uint_eq(c.updates, 3);
    ck_assert_uint_eq(c.ltp + c.ltd, 0);
    opsin_syn_ideal.free(s);
}
END_TEST

/* Every bad network and optimiser spec is refused with its message; nothing is made. */
START_TEST(test_errors)
{
    static const size_t ok[] = {4, 3, 2}, zero[] = {4, 0, 2};
    static const struct {
        size_t ns;
        const size_t *sizes;
        int hid, out, loss, batch, init;
        double wmin, wmax;
        const char *msg;
    } bad[] = {
        {1, ok, 0, 0, 1, 1, 0, -1, 1, "network: layer sizes: wrong count (expected 2 to 17 sizes)"},
        {18, ok, 0, 0, 1, 1, 0, -1, 1, "network: layer sizes: wrong count (expected 2 to 17 sizes)"},
        {3, zero, 0, 0, 1, 1, 0, -1, 1, "network: layer size 0 (expected at least 1 unit per layer)"},
        {3, ok, 2, 0, 1, 1, 0, -1, 1, "network: hidden activation (expected sigmoid or relu)"},
        {3, ok, 0, 3, 1, 1, 0, -1, 1, "network: output activation (expected sigmoid, relu or softmax)"},
        {3, ok, 0, 0, 2, 1, 0, -1, 1, "network: loss (expected cross-entropy or squared error)"},
        {3, ok, 0, 1, 0, 1, 0, -1, 1, "network: cross-entropy with a relu output (expected a sigmoid or softmax output)"},
        {3, ok, 0, 0, 1, 1, 0, 1, 1, "network: weight range (expected finite wmin < wmax)"},
        {3, ok, 0, 0, 1, 1, 0, -INFINITY, 1, "network: weight range (expected finite wmin < wmax)"},
        {3, ok, 0, 0, 1, 1, 2, -1, 1, "network: weight initialisation (expected uniform or xavier)"},
        {3, ok, 0, 0, 1, 0, 0, -1, 1, "network: batch size 0 (expected at least 1 image)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        opsin_mlp_spec s = opsin_mlp_default_spec();
        s.nsizes = bad[k].ns;
        s.sizes = bad[k].sizes;
        s.hidden = (opsin_act)bad[k].hid;
        s.output = (opsin_act)bad[k].out;
        s.loss = (opsin_loss)bad[k].loss;
        s.max_batch = (size_t)bad[k].batch;
        s.init = (opsin_init)bad[k].init;
        s.wmin = bad[k].wmin;
        s.wmax = bad[k].wmax;
        opsin_mlp *m = (opsin_mlp *)&s;
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_mlp_new(&s, &m, &d), OPSIN_EINVAL);
        ck_assert_str_eq(d.msg, bad[k].msg);
        ck_assert_ptr_eq(m, (opsin_mlp *)&s);
    }
    opsin_mlp *m = make(ok, 3, OPSIN_ACT_SIGMOID, OPSIN_ACT_SIGMOID, OPSIN_LOSS_MSE, 1, 1);
    static const double two[2] = {0.1, 0.2}, three[3] = {0.1, 0.2, 0.3}, neg[1] = {-1},
                        nan1[1] = {NAN};
    static const struct {
        int kind;
        size_t nlr;
        const double *lr;
        double mu, b1, b2, eps;
        const char *msg;
    } obad[] = {
        {3, 1, two, 0.9, 0.9, 0.999, 1e-8, "training: optimiser (expected sgd, momentum or adam)"},
        {0, 3, three, 0.9, 0.9, 0.999, 1e-8, "training: learning rates: wrong count (expected one, or one per weight layer)"},
        {0, 0, two, 0.9, 0.9, 0.999, 1e-8, "training: learning rates: wrong count (expected one, or one per weight layer)"},
        {0, 1, neg, 0.9, 0.9, 0.999, 1e-8, "training: learning rate (expected a finite number > 0)"},
        {0, 1, nan1, 0.9, 0.9, 0.999, 1e-8, "training: learning rate (expected a finite number > 0)"},
        {1, 2, two, 1.0, 0.9, 0.999, 1e-8, "training: momentum (expected 0 <= momentum < 1)"},
        {2, 2, two, 0.9, 1.0, 0.999, 1e-8, "training: Adam beta (expected 0 <= beta < 1)"},
        {2, 2, two, 0.9, 0.9, -0.1, 1e-8, "training: Adam beta (expected 0 <= beta < 1)"},
        {2, 2, two, 0.9, 0.9, 0.999, 0, "training: Adam epsilon (expected a finite number > 0)"},
    };
    for (size_t k = 0; k < sizeof obad / sizeof *obad; k++) {
        opsin_optim_spec os = {(opsin_opt_kind)obad[k].kind, obad[k].nlr, obad[k].lr,
                               obad[k].mu, obad[k].b1, obad[k].b2, obad[k].eps};
        opsin_trainer *t = NULL;
        opsin_diag d = {""};
        ck_assert_int_eq(opsin_trainer_new(m, &os, &opsin_syn_ideal, NULL, 1, &t, &d),
                         OPSIN_EINVAL);
        ck_assert_str_eq(d.msg, obad[k].msg);
        ck_assert_ptr_null(t);
    }
    opsin_mlp_free(m);
}
END_TEST

static Suite *mlp_suite(void)
{
    Suite *s = suite_create("mlp");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_gradient);
    tcase_add_test(core, test_batch_is_mean);
    tcase_add_test(core, test_init);
    tcase_add_test(core, test_first_steps);
    tcase_add_test(core, test_momentum_memory);
    tcase_add_test(core, test_blocks);
    tcase_add_test(core, test_team);
    tcase_add_test(core, test_ideal_synapse);
    suite_add_tcase(s, core);
    TCase *learn = tcase_create("learning");
    tcase_set_timeout(learn, 60);
    tcase_add_test(learn, test_blobs);
    tcase_add_test(learn, test_same_seed_same_bytes);
    suite_add_tcase(s, learn);
    TCase *err = tcase_create("errors");
    tcase_add_test(err, test_errors);
    suite_add_tcase(s, err);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mlp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
