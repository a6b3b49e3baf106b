/* raster.c: a network run's spike list (t, ID[K]) read back for its plot.  Every spike counts
 * in its population's rate, rate_p(k) = spikes of p in bin k / (width_k N_p) in Hz, over
 * bins [k w, (k + 1) w) of w = max(dt_out, t_end / max_bins) (the last one ends at t_end;
 * the edges are the products k w printed as written, opsin_time_snap).
 * The points drawn are bounded twice, deterministically: every s-th member of each
 * population, s = ceil(N / max_members), and of those members' spikes every 2^m-th in file
 * order, m the smallest that keeps them within max_points; so a run of any size hands
 * gnuplot at most max_points points and max_bins rows of rates.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/raster.h"
#include "io/table.h"

opsin_raster_params opsin_raster_default_params(void)
{
    opsin_raster_params p = {1000, 100000, 200};
    return p;
}

/* The bins: no narrower than the output step (the window of the rate probes), at most
 * max_bins; a shorter last bin ends at t_end, but not for a rounding error (t_end over
 * t_end / 200 is 200 bins). */
static void bins_set(opsin_raster *r, double dt_out, size_t max_bins)
{
    double dt = dt_out > 0 ? dt_out : r->t_end / 1000.0; /* the run's default step */
    r->bin = fmax(dt, r->t_end / (double)max_bins);
    double n = ceil(r->t_end / r->bin * (1.0 - 1e-12));
    r->nbins = n < 1.0 ? 1 : n > (double)max_bins ? max_bins : (size_t)n;
}

/* One stride for all populations, so that each keeps its share of the rows drawn. */
static size_t stride_for(size_t nneurons, size_t max_members)
{
    return nneurons <= max_members ? 1 : (nneurons + max_members - 1) / max_members;
}

int opsin_raster_init(opsin_raster *r, const opsin_circuit *c, double t_end, double dt_out,
                      const opsin_raster_params *p)
{
    opsin_raster_params def = opsin_raster_default_params();
    const opsin_raster_params *q = p ? p : &def;
    memset(r, 0, sizeof *r);
    size_t npops = opsin_circuit_npopulations(c);
    if (!npops || !(t_end > 0) || !q->max_members || !q->max_points || !q->max_bins)
        return OPSIN_EINVAL;
    r->c = c;
    r->t_end = t_end;
    r->max_points = q->max_points;
    r->every = 1;
    bins_set(r, dt_out, q->max_bins);
    if (!(r->pop = calloc(npops, sizeof *r->pop)))
        return OPSIN_ENOMEM;
    r->npops = npops;
    for (size_t i = 0; i < npops; i++) {
        opsin_raster_pop *pp = &r->pop[i];
        pp->id = opsin_circuit_population(c, i, &pp->size);
        pp->first = r->nneurons;
        r->nneurons += pp->size;
        if (!(pp->count = calloc(r->nbins, sizeof *pp->count))) {
            opsin_raster_free(r);
            return OPSIN_ENOMEM;
        }
    }
    r->stride = stride_for(r->nneurons, q->max_members);
    return OPSIN_OK;
}

void opsin_raster_free(opsin_raster *r)
{
    for (size_t i = 0; i < r->npops; i++)
        free(r->pop[i].count);
    free(r->pop);
    free(r->pt);
    memset(r, 0, sizeof *r);
}

double opsin_raster_bin_start(const opsin_raster *r, size_t k)
{
    return opsin_time_snap((double)k * r->bin);
}

/* Bin k holds [start k, start k + 1): a spike on an edge (0.3 s in bins of 0.1 s) falls in
 * the bin that starts there, whatever t / w rounds to (2.9999999999999996). */
static size_t bin_of(const opsin_raster *r, double t)
{
    double f = floor(t / r->bin);
    size_t k = f >= (double)r->nbins ? r->nbins - 1 : (size_t)f;
    if (k > 0 && opsin_raster_bin_start(r, k) > t)
        k--;
    else if (k + 1 < r->nbins && opsin_raster_bin_start(r, k + 1) <= t)
        k++;
    return k;
}

/* Halves the points: every doubles, and since the points kept are the candidates 0, every,
 * 2 every, ..., those at even positions are the multiples of the new step. */
static void thin(opsin_raster *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->npoints; i += 2)
        r->pt[n++] = r->pt[i];
    r->npoints = n;
    r->every *= 2;
}

/* A spike of a drawn member: kept if it is an every-th candidate, the step doubled first
 * while the points are full. */
static int keep(opsin_raster *r, double t, size_t neuron)
{
    unsigned long i = r->candidates;
    for (;;) {
        if (i % r->every)
            return r->candidates++, OPSIN_OK;
        if (r->npoints < r->max_points)
            break;
        thin(r);
    }
    if (opsin_grow((void **)&r->pt, &r->cap, r->npoints, sizeof *r->pt))
        return OPSIN_ENOMEM;
    r->pt[r->npoints].t = t;
    r->pt[r->npoints++].neuron = neuron;
    r->candidates++;
    return OPSIN_OK;
}

/* Population and member of "ID[K]": 0; 1 for a component's name (no "[K]"); -1 for a name
 * that is not a member of the circuit's populations. */
static int member_of(const opsin_raster *r, const char *name, size_t *p, size_t *k)
{
    char id[OPSIN_ID_MAX], *end;
    size_t n = strcspn(name, "[");
    if (!name[n])
        return 1;
    if (n == 0 || n >= sizeof id || !isdigit((unsigned char)name[n + 1]))
        return -1;
    memcpy(id, name, n);
    id[n] = '\0';
    int pi = opsin_circuit_find_population(r->c, id);
    errno = 0;
    unsigned long long v = strtoull(name + n + 1, &end, 10);
    if (pi < 0 || errno || strcmp(end, "]") != 0 || v >= r->pop[pi].size)
        return -1;
    *p = (size_t)pi;
    *k = (size_t)v;
    return 0;
}

int opsin_raster_add(opsin_raster *r, double t, const char *neuron)
{
    size_t p, k;
    int is = member_of(r, neuron, &p, &k);
    if (is > 0)
        return OPSIN_OK;
    if (is < 0 || !(t >= 0 && t <= r->t_end))
        return OPSIN_EINVAL;
    if (k % r->stride == 0 && keep(r, t, r->pop[p].first + k))
        return OPSIN_ENOMEM;
    r->pop[p].count[bin_of(r, t)]++;
    r->pop[p].spikes++;
    return OPSIN_OK;
}

/* The header opsin run writes; 0, or EINVAL. */
static int read_header(const opsin_csv *f, opsin_diag *d)
{
    if (f->ncells == 2 && !strcmp(f->cell[0], "t (s)") && !strcmp(f->cell[1], "neuron"))
        return OPSIN_OK;
    opsin_diag_set(d, f->path, f->line, "this is not the header of a spike list (expected "
                   "t (s),neuron)");
    return OPSIN_EINVAL;
}

/* One row "T,ID[K]" of the list. */
static int read_row(opsin_raster *r, const opsin_csv *f, opsin_diag *d)
{
    char *end = NULL;
    double t = f->ncells == 2 ? strtod(f->cell[0], &end) : 0;
    int rc = end && end != f->cell[0] && !*end ? opsin_raster_add(r, t, f->cell[1])
                                                : OPSIN_EINVAL;
    if (rc == OPSIN_ENOMEM)
        opsin_diag_oom(d, f->path, "keeping the spikes to draw");
    else if (rc)
        opsin_diag_set(d, f->path, f->line, "this row is not a spike of the run (expected T,"
                       "ID[K]: T from 0 to t_end = %g s, ID a population of the circuit, K "
                       "below its size)", r->t_end);
    return rc;
}

int opsin_raster_read(opsin_raster *r, const char *path, opsin_diag *d)
{
    opsin_csv f;
    int have, header = 0, rc = opsin_csv_open(&f, path, d);
    while (!rc && !(rc = opsin_csv_next(&f, &have, d)) && have)
        rc = header++ ? read_row(r, &f, d) : read_header(&f, d);
    if (!rc && !header) {
        opsin_diag_set(d, path, 0, "no header (expected t (s),neuron)");
        rc = OPSIN_EINVAL;
    }
    opsin_csv_close(&f);
    return rc;
}

double opsin_raster_bin_width(const opsin_raster *r, size_t k)
{
    return k + 1 < r->nbins ? r->bin : r->t_end - opsin_raster_bin_start(r, k);
}

double opsin_raster_rate(const opsin_raster *r, size_t p, size_t k)
{
    return (double)r->pop[p].count[k] / (opsin_raster_bin_width(r, k) * (double)r->pop[p].size);
}

size_t opsin_raster_pop_of(const opsin_raster *r, size_t neuron)
{
    size_t lo = 0, hi = r->npops; /* the last population whose first <= neuron */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->pop[mid].first <= neuron)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
