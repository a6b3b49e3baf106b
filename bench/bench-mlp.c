/* bench-mlp.c: seconds per training epoch of the float network in the NeuroSim protocol:
 * 400-100-10, sigmoid with squared error, 8000 images of 20 x 20 random pixels in [0, 1) with
 * random labels per epoch, per-image SGD (batch 1), ideal synapses.  Random images cost the
 * same arithmetic as MNIST's; accuracy is not the point.  Usage: bench-mlp [EPOCHS [BATCH [JOBS]]]. */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "train/blas.h"
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
    if (opsin_mlp_new(&s, &m, &d) || opsin_trainer_new(m, &os, &opsin_syn_ideal, NULL, 1, &t, &d) ||
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
    printf("blas %s  400-100-10  %d images  batch %zu  %d epochs  %.4f s/epoch wall  %.4f s/epoch "
           "cpu  jobs %u  loss %.6f\n", opsin_blas_name(), N, batch, epochs, per, cpu, jobs, loss);
    opsin_trainer_free(t);
    opsin_mlp_free(m);
    gsl_rng_free(r);
    free(x);
    free(lab);
    return 0;
}
