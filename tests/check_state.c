/* check_state.c: the state file of opsin train --save/--load (src/train/state.c) with a
 * synapse kind that keeps device state: a pair of conductances per weight, w = G+ - G-.
 * What is written reads back as the same bytes (weights, biases, device states, epochs)
 * into a network that started elsewhere; a state of another kind, a device value the kind
 * refuses and a file cut short are refused with their line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/state.h"

/* ---- a pair kind: G+ and G- in [0, 1] per weight, w = G+ - G- ---------------------------- */

typedef struct pair_state {
    double *g; /* n x 2 */
    size_t n;
} pair_state;

static int pair_alloc(void **state, const void *params, double wmin, double wmax, double *w,
                      size_t n, unsigned long seed, opsin_diag *diag)
{
    (void)params, (void)wmin, (void)wmax, (void)seed, (void)diag;
    pair_state *s = malloc(sizeof *s);
    s->g = malloc(2 * n * sizeof *s->g);
    s->n = n;
    for (size_t k = 0; k < n; k++) {
        s->g[2 * k] = w[k] > 0 ? w[k] : 0;
        s->g[2 * k + 1] = w[k] < 0 ? -w[k] : 0;
    }
    *state = s;
    return OPSIN_OK;
}

static void pair_apply(void *state, size_t first, double *w, const double *dw, size_t n,
                       opsin_syn_counts *c)
{
    pair_state *s = state;
    for (size_t k = 0; k < n; k++) {
        double *g = s->g + 2 * (first + k);
        g[dw[k] > 0 ? 0 : 1] += dw[k] > 0 ? dw[k] : -dw[k];
        g[0] = g[0] > 1 ? 1 : g[0];
        g[1] = g[1] > 1 ? 1 : g[1];
        w[k] = g[0] - g[1];
        c->ltp += dw[k] > 0;
        c->ltd += dw[k] < 0;
    }
}

static void pair_free(void *state)
{
    pair_state *s = state;
    free(s->g);
    free(s);
}

static void pair_save(const void *state, size_t first, size_t n, double *out)
{
    const pair_state *s = state;
    memcpy(out, s->g + 2 * first, 2 * n * sizeof *out);
}

static int pair_load(void *state, size_t first, size_t n, const double *in, double *w,
                     opsin_diag *diag)
{
    pair_state *s = state;
    for (size_t k = 0; k < 2 * n; k++)
        if (!(in[k] >= 0 && in[k] <= 1)) {
            opsin_diag_set(diag, NULL, 0, "G = %g is outside the device's range (expected 0 "
                           "to 1)", in[k]);
            return OPSIN_EINVAL;
        }
    memcpy(s->g + 2 * first, in, 2 * n * sizeof *in);
    for (size_t k = 0; k < n; k++)
        w[k] = s->g[2 * (first + k)] - s->g[2 * (first + k) + 1];
    return OPSIN_OK;
}

static const opsin_syn_type pair = {"pair", pair_alloc, pair_apply, pair_free, 2, pair_save,
                                    pair_load};

/* ---- fixtures ---------------------------------------------------------------------------- */

static const size_t sizes[] = {5, 4, 3};

typedef struct net {
    opsin_mlp *m;
    opsin_trainer *t;
} net;

/* A 5-4-3 network whose initial weights come from init, trained with seed 1. */
static net make(unsigned long init, const opsin_syn_type *syn)
{
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = 3;
    s.sizes = sizes;
    s.seed = init;
    opsin_optim_spec os = opsin_optim_default_spec();
    double lr = 0.5;
    os.nlr = 1;
    os.lr = &lr;
    net n;
    opsin_diag d = {""};
    ck_assert_msg(opsin_mlp_new(&s, &n.m, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_trainer_new(n.m, &os, syn, NULL, 1, &n.t, &d) == OPSIN_OK, "%s",
                  d.msg);
    return n;
}

static void done(net n)
{
    opsin_trainer_free(n.t);
    opsin_mlp_free(n.m);
}

/* A few updates, so that weights, biases and both conductances of most pairs move. */
static void train(net n)
{
    double x[5 * 6];
    int y[6];
    for (int i = 0; i < 30; i++)
        x[i] = (double)((i * 7) % 11) / 10;
    for (int i = 0; i < 6; i++)
        y[i] = i % 3;
    for (int e = 0; e < 3; e++)
        opsin_trainer_epoch(n.t, x, y, 6);
}

static char path[64];

static void save(net n, const opsin_syn_type *syn, unsigned long epochs)
{
    snprintf(path, sizeof path, "/tmp/check_state_%ld.txt", (long)getpid());
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(opsin_state_write(fp, n.m, n.t, syn, epochs), 0);
    ck_assert_int_eq(fclose(fp), 0);
}

/* Line `line` (from 1) of the saved file replaced by text. */
static void patch(int line, const char *text)
{
    char buf[8192], out[16384] = "";
    FILE *fp = fopen(path, "r");
    for (int k = 1; fgets(buf, sizeof buf, fp); k++)
        strcat(out, k == line ? text : buf);
    fclose(fp);
    fp = fopen(path, "w");
    fputs(out, fp);
    fclose(fp);
}

/* ---- tests ------------------------------------------------------------------------------- */

START_TEST(test_round_trip)
{
    net a = make(1, &pair), b = make(2, &pair);
    train(a);
    save(a, &pair, 7);
    unsigned long epochs = 0;
    opsin_diag d = {""};
    ck_assert_msg(opsin_state_read(path, b.m, b.t, &pair, &epochs, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_uint_eq(epochs, 7);
    for (size_t l = 0; l < 2; l++) {
        const opsin_mlp_layer *La = opsin_mlp_layer_at(a.m, l), *Lb = opsin_mlp_layer_at(b.m, l);
        size_t n = La->nin * La->nout;
        const pair_state *sa = opsin_trainer_syn_state(a.t, l), *sb = opsin_trainer_syn_state(b.t, l);
        ck_assert_int_eq(memcmp(La->w, Lb->w, n * sizeof *La->w), 0);
        ck_assert_int_eq(memcmp(La->b, Lb->b, La->nout * sizeof *La->b), 0);
        ck_assert_int_eq(memcmp(sa->g, sb->g, 2 * n * sizeof *sa->g), 0);
        /* the training moved both devices of some pairs: the states say more than w */
        int both = 0;
        for (size_t k = 0; k < n; k++)
            both += sa->g[2 * k] > 0 && sa->g[2 * k + 1] > 0;
        ck_assert_int_gt(both, 0);
    }
    /* trained on from both (the loaded one told its epochs, as opsin train does) with the
     * same seed and SGD, which keeps no memory: the same bytes */
    opsin_trainer_set_epochs(b.t, opsin_trainer_epochs(a.t));
    train(a);
    train(b);
    const opsin_mlp_layer *La = opsin_mlp_layer_at(a.m, 1), *Lb = opsin_mlp_layer_at(b.m, 1);
    ck_assert_int_eq(memcmp(La->w, Lb->w, 12 * sizeof *La->w), 0);
    unlink(path);
    done(a);
    done(b);
}
END_TEST

/* The line layout of a saved 5-4-3 pair network: 1 magic, 2 layers, 3 synapse, 4 epochs,
 * 5 "layer 1 weights", 6-9 rows, 10 "layer 1 biases", 11 biases, 12 "layer 1 states",
 * 13-16 rows of 5 x 2 values, 17 "layer 2 weights", ... */
/* Reading the saved file into n (synapses of kind syn) is refused with "PATH:" tail. */
static void refused(net n, const opsin_syn_type *syn, const char *tail)
{
    unsigned long epochs = 0;
    opsin_diag d = {""};
    char want[512];
    ck_assert_int_eq(opsin_state_read(path, n.m, n.t, syn, &epochs, &d), OPSIN_EINVAL);
    snprintf(want, sizeof want, "%s:%s", path, tail);
    ck_assert_str_eq(d.msg, want);
}

START_TEST(test_refused)
{
    net a = make(1, &pair), b = make(2, &pair), c = make(3, &opsin_syn_ideal);
    train(a);
    save(a, &pair, 3); /* another kind */
    refused(c, &opsin_syn_ideal, "3: 'synapse pair,2' (expected 'synapse ideal,0': the synapse "
            "kind of the network file, and its state per weight)");
    patch(14, "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,2,0.5\n"); /* a conductance the kind refuses */
    refused(b, &pair, "16: layer 1 states: G = 2 is outside the device's range (expected 0 to "
            "1)");
    patch(14, "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5\n"); /* one value short */
    refused(b, &pair, "14: layer 1 states, row 2: value 9 is the last of the row (expected 10 "
            "comma-separated numbers)");
    save(a, &pair, 3);
    patch(12, "layer 1 state\n");
    refused(b, &pair, "12: 'layer 1 state' (expected 'layer 1 states': the device states of "
            "the layer)");
    save(a, &pair, 3);
    patch(4, "epochs three\n");
    refused(b, &pair, "4: no epoch count (expected 'epochs N')");
    unlink(path);
    done(a);
    done(b);
    done(c);
}
END_TEST

static Suite *state_suite(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(state_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
