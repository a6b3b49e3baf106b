/* testutil.c: helpers for the model tests (see testutil.h). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "testutil.h"

const char *tu_write_temp(int slot, const char *text)
{
    static char names[2][64];
    snprintf(names[slot], sizeof names[slot], "/tmp/opsin-test-%d-%ld.cfg", slot, (long)getpid());
    FILE *fp = fopen(names[slot], "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return names[slot];
}

opsin_circuit *tu_circuit(const char *text)
{
    opsin_circuit *c = NULL;
    opsin_diag d = {""};
    const char *path = tu_write_temp(0, text);
    ck_assert_msg(opsin_circuit_load(path, &c, &d) == OPSIN_OK, "%s", d.msg);
    unlink(path);
    return c;
}

static int on_header(void *ctx, size_t n, const char *const *names, const char *const *units)
{
    (void)names;
    (void)units;
    ((trace *)ctx)->ncols = n;
    return 0;
}

static int on_row(void *ctx, double t, const double *v, size_t n)
{
    trace *tr = ctx;
    if (tr->nrows == tr->cap) {
        tr->cap = tr->cap ? 2 * tr->cap : 1024;
        tr->t = realloc(tr->t, tr->cap * sizeof *tr->t);
        tr->v = realloc(tr->v, tr->cap * n * sizeof *tr->v);
        ck_assert(tr->t && tr->v);
    }
    tr->t[tr->nrows] = t;
    memcpy(tr->v + tr->nrows * n, v, n * sizeof *v);
    tr->nrows++;
    return 0;
}

static int on_spike(void *ctx, double t, const char *neuron)
{
    trace *tr = ctx;
    if (tr->nspikes == tr->spike_cap) {
        tr->spike_cap = tr->spike_cap ? 2 * tr->spike_cap : 256;
        tr->spike_t = realloc(tr->spike_t, tr->spike_cap * sizeof *tr->spike_t);
        tr->spike_who = realloc(tr->spike_who, tr->spike_cap * sizeof *tr->spike_who);
        ck_assert(tr->spike_t && tr->spike_who);
    }
    size_t k = 0;
    while (k < tr->nnames && strcmp(tr->spike_names[k], neuron) != 0)
        k++;
    if (k == tr->nnames) {
        ck_assert_uint_lt(tr->nnames, 8);
        snprintf(tr->spike_names[tr->nnames++], sizeof tr->spike_names[0], "%s", neuron);
    }
    tr->spike_who[tr->nspikes] = (unsigned char)k;
    tr->spike_t[tr->nspikes++] = t;
    return 0;
}

double tu_mean_isi(const trace *tr, const char *neuron, double t0, double t1)
{
    double first = NAN, last = NAN;
    size_t n = 0;
    for (size_t i = 0; i < tr->nspikes; i++) {
        if (strcmp(tr->spike_names[tr->spike_who[i]], neuron) != 0 || tr->spike_t[i] < t0 ||
            tr->spike_t[i] > t1)
            continue;
        if (n++ == 0)
            first = tr->spike_t[i];
        last = tr->spike_t[i];
    }
    return n >= 2 ? (last - first) / (double)(n - 1) : NAN;
}

void tu_run_files(trace *tr, const char *cpath, const char *spath, double t_end, double dt_out,
                  const char *probes, const char *const *sets)
{
    tu_run_seeded(tr, cpath, spath, t_end, dt_out, probes, sets, 1);
}

void tu_run_built(trace *tr, const opsin_circuit *c, const opsin_stimulus *s, double t_end,
                  double dt_out, const char *probes, unsigned long seed)
{
    opsin_diag d = {""};
    opsin_sim *sim = NULL;
    memset(tr, 0, sizeof *tr);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    if (t_end > 0)
        o.t_end = t_end;
    o.dt_out = dt_out < 0 ? o.t_end : dt_out;
    opsin_probe *pr = NULL;
    if (probes) { /* test text is the command line's: parsed once here */
        ck_assert_msg(opsin_probes_parse(c, probes, &pr, &o.nprobes, "probes", 0, &d) == OPSIN_OK,
                      "%s", d.msg);
        o.probes = pr;
    }
    o.seed = seed;
    ck_assert_msg(opsin_sim_new(c, s, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    free(pr);
    opsin_sink sink = {on_header, on_row, on_spike, NULL, tr};
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sim_stats(sim, &tr->stats);
    tr->nenergy = opsin_sim_nsources(sim);
    ck_assert_uint_le(tr->nenergy, 16);
    for (size_t i = 0; i < tr->nenergy; i++) {
        const char *name;
        opsin_sim_energy(sim, i, &name, &tr->energy[i]);
        snprintf(tr->energy_name[i], sizeof tr->energy_name[i], "%s", name);
    }
    opsin_sim_free(sim);
}

void tu_run_seeded(trace *tr, const char *cpath, const char *spath, double t_end,
                   double dt_out, const char *probes, const char *const *sets,
                   unsigned long seed)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    ck_assert_msg(opsin_circuit_load(cpath, &c, &d) == OPSIN_OK, "%s", d.msg);
    for (const char *const *kv = sets; kv && *kv; kv++)
        ck_assert_msg(opsin_circuit_assign(c, *kv, &d) == OPSIN_OK, "%s", d.msg);
    if (spath)
        ck_assert_msg(opsin_stimulus_load(spath, c, &s, &d) == OPSIN_OK, "%s", d.msg);
    tu_run_built(tr, c, s, t_end, dt_out, probes, seed);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}

void tu_run(trace *tr, const char *circuit, const char *stimulus, double t_end, double dt_out,
            const char *probes, const char *const *sets)
{
    const char *cpath = tu_write_temp(0, circuit);
    const char *spath = stimulus ? tu_write_temp(1, stimulus) : NULL;
    tu_run_files(tr, cpath, spath, t_end, dt_out, probes, sets);
    unlink(cpath);
    if (spath)
        unlink(spath);
}

void tu_run_stim(trace *tr, const char *cpath, const char *stimulus, double t_end,
                 double dt_out, const char *probes, const char *const *sets)
{
    const char *spath = tu_write_temp(1, stimulus);
    tu_run_files(tr, cpath, spath, t_end, dt_out, probes, sets);
    unlink(spath);
}

typedef struct map_ctx {
    double *values;
    size_t max, n;
} map_ctx;

static int on_map(void *ctx, double t, const char *array, size_t row, size_t col, double value,
                  const char *unit)
{
    map_ctx *m = ctx;
    (void)t;
    (void)array;
    (void)row;
    (void)col;
    (void)unit;
    ck_assert_uint_lt(m->n, m->max);
    m->values[m->n++] = value;
    return 0;
}

void tu_run_map(const char *cpath, const char *spath, double t_end, double map_time,
                double *values, size_t max, size_t *n, opsin_stats *stats)
{
    opsin_diag d = {""};
    opsin_circuit *c = NULL;
    opsin_stimulus *s = NULL;
    opsin_sim *sim = NULL;
    ck_assert_msg(opsin_circuit_load(cpath, &c, &d) == OPSIN_OK, "%s", d.msg);
    ck_assert_msg(opsin_stimulus_load(spath, c, &s, &d) == OPSIN_OK, "%s", d.msg);
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = t_end;
    o.map_times = &map_time;
    o.nmap_times = 1;
    ck_assert_msg(opsin_sim_new(c, s, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    map_ctx m = {values, max, 0};
    opsin_sink sink = {NULL, NULL, NULL, on_map, &m};
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sim_stats(sim, stats);
    *n = m.n;
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
}

void tu_lin2_step(const tu_lin2 *A, const double b[2], double t, double x[2])
{
    double tr = A->a11 + A->a22, det = A->a11 * A->a22 - A->a12 * A->a21;
    double disc = sqrt(tr * tr / 4 - det), l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    double xs0 = -(A->a22 * b[0] - A->a12 * b[1]) / det;
    double xs1 = -(-A->a21 * b[0] + A->a11 * b[1]) / det;
    double d0 = x[0] - xs0, d1 = x[1] - xs1, e1 = exp(l1 * t), e2 = exp(l2 * t);
    /* expm(At) = (e1 (A - l2 I) - e2 (A - l1 I)) / (l1 - l2) */
    double m11 = (e1 * (A->a11 - l2) - e2 * (A->a11 - l1)) / (l1 - l2);
    double m12 = (e1 - e2) * A->a12 / (l1 - l2);
    double m21 = (e1 - e2) * A->a21 / (l1 - l2);
    double m22 = (e1 * (A->a22 - l2) - e2 * (A->a22 - l1)) / (l1 - l2);
    x[0] = xs0 + m11 * d0 + m12 * d1;
    x[1] = xs1 + m21 * d0 + m22 * d1;
}

size_t tu_exact_islands(const char *circuit, const char *stimulus, const char *message)
{
    opsin_diag d;
    opsin_circuit *c;
    opsin_stimulus *st = NULL;
    opsin_sim *sim = NULL;
    opsin_stats s;
    ck_assert_msg(opsin_circuit_parse(circuit, "exact.cfg", &c, &d) == OPSIN_OK, "%s", d.msg);
    if (stimulus)
        ck_assert_msg(opsin_stimulus_parse(stimulus, "stim.cfg", c, &st, &d) == OPSIN_OK, "%s",
                      d.msg);
    opsin_run_opts o = opsin_run_opts_default(c, st);
    o.t_end = 0.01;
    d.msg[0] = '\0';
    if (message) {
        ck_assert_int_eq(opsin_sim_new(c, st, &o, &sim, &d), OPSIN_EINVAL);
        ck_assert_ptr_null(sim);
        ck_assert_str_eq(d.msg, message);
        c->method = OPSIN_METHOD_AUTO;
    }
    ck_assert_msg(opsin_sim_new(c, st, &o, &sim, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    ck_assert_msg(opsin_sim_run(sim, &sink, &d) == OPSIN_OK, "%s", d.msg);
    opsin_sim_stats(sim, &s);
    opsin_sim_free(sim);
    opsin_stimulus_free(st);
    opsin_circuit_free(c);
    return s.exact_islands;
}

void tu_free(trace *tr)
{
    free(tr->t);
    free(tr->v);
    free(tr->spike_t);
    free(tr->spike_who);
    memset(tr, 0, sizeof *tr);
}

double tu_at(const trace *tr, size_t col, double t)
{
    size_t best = 0;
    for (size_t i = 0; i < tr->nrows && tr->t[i] <= t; i++)
        best = i;
    return tr->v[best * tr->ncols + col];
}

double tu_before(const trace *tr, size_t col, double t)
{
    size_t best = 0;
    for (size_t i = 0; i < tr->nrows && tr->t[i] <= t; i++) {
        best = i;
        if (tr->t[i] == t)
            break; /* the first row at t is the left side of the edge */
    }
    return tr->v[best * tr->ncols + col];
}

double tu_max(const trace *tr, size_t col, double t0, double t1)
{
    double m = -INFINITY;
    for (size_t i = 0; i < tr->nrows; i++)
        if (tr->t[i] >= t0 && tr->t[i] <= t1 && tr->v[i * tr->ncols + col] > m)
            m = tr->v[i * tr->ncols + col];
    return m;
}
