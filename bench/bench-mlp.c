/* bench-mlp.c: seconds per training epoch of the float network in the NeuroSim protocol:
 * 400-100-10, sigmoid with squared error, 8000 images of 20 x 20 random pixels in [0, 1) with
 * random labels per epoch, per-image SGD (batch 1).  Random images cost the same arithmetic as
 * MNIST's; accuracy is not the point.  SYNAPSE: ideal (default); nl, the weight pair of
 * train/pair.h with the law `opsin fit nl` gives for examples/fit-your-data/ltp-ltd.csv
 * (Gmin 1 uS, Gmax 4 uS, Pmax 50, NL 2.5, NL_LTD 4); nl-noisy, the same with cycle-to-cycle
 * noise 0.01 and device variation 0.5 of NL; nl-fine, Pmax 5000, where most weights take
 * pulses every image; nl-continuous, Pmax infinite, the worst case where every weight moves
 * along its curve (two expm1) every image; nl-fine-noisy, both.
 * Usage: bench-mlp [EPOCHS [BATCH [JOBS [SYNAPSE]]]]. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train/blas.h"
#include "train/pair.h"
#include "train/train.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int epochs = argc > 1 ? atoi(argv[1]) : 5;
    size_t batch = argc > 2 ? (size_t)atoi(argv[2]) : 1;
    unsigned jobs = argc > 3 ? (unsigned)atoi(argv[3]) : 1;
    const char *kind = argc > 4 ? argv[4] : "ideal";
    const opsin_syn_type *syn = &opsin_syn_ideal;
    opsin_pair_params nl;
    opsin_pair_params_init(&nl);
    nl.gmin = 1e-6;
    nl.gmax = 4e-6;
    nl.pmax = strstr(kind, "fine") ? 5000 : strstr(kind, "continuous") ? INFINITY : 50;
    nl.nl_ltp = 2.5;
    nl.nl_ltd = 4;
    nl.e_ltp = 8.9e-15;
    nl.e_ltd = 25e-15;
    if (strstr(kind, "noisy")) {
        nl.noise = 0.01;
        nl.variation = 0.5;
    }
    if (!strncmp(kind, "nl", 2))
        syn = &opsin_syn_nl;
    else if (strcmp(kind, "ideal"))
        return 2;
    enum { N = 8000, NIN = 400 };
    static const size_t sizes[] = {NIN, 100, 10};
    double *x = malloc((size_t)N * NIN * sizeof *x);
    int *lab = malloc(N * sizeof *lab);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!x || !lab || !r || epochs < 1 || batch < 1)
        return 2;
    for (size_t k = 0; k < (size_t)N * NIN; k++)
        x[k] = gsl_rng_uniform(r);
    for (size_t i = 0; i < N; i++)
        lab[i] = (int)gsl_rng_uniform_int(r, 10);
    opsin_mlp_spec s = opsin_mlp_default_spec();
    s.nsizes = 3;
    s.sizes = sizes;
    s.max_batch = batch;
    opsin_optim_spec os = opsin_optim_default_spec();
    const double lr[2] = {0.4, 0.2};
    os.nlr = 2;
    os.lr = lr;
    opsin_mlp *m = NULL;
    opsin_trainer *t = NULL;
    opsin_diag d = {""};
    if (opsin_mlp_new(&s, &m, &d) || opsin_trainer_new(m, &os, syn, &nl, 1, &t, &d) ||
        opsin_trainer_set_jobs(t, jobs, &d)) {
        fprintf(stderr, "%s\n", d.msg);
        return 2;
    }
    double t0 = now(), loss = 0;
    clock_t c0 = clock();
    for (int e = 0; e < epochs; e++)
        loss = opsin_trainer_epoch(t, x, lab, N);
    double per = (now() - t0) / epochs;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC / epochs;
    opsin_syn_counts c = opsin_trainer_counts(t);
    printf("blas %s  400-100-10  %s  %d images  batch %zu  %d epochs  %.4f s/epoch wall  %.4f "
           "s/epoch cpu  jobs %u  loss %.6f  pulses/epoch %.0f LTP %.0f LTD\n", opsin_blas_name(),
           kind, N, batch, epochs, per, cpu, jobs, loss, (double)c.ltp / epochs,
           (double)c.ltd / epochs);
    opsin_trainer_free(t);
    opsin_mlp_free(m);
    gsl_rng_free(r);
    free(x);
    free(lab);
    return 0;
}
