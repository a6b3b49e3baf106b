/* pair.c: a weight made of devices updated by pulses along their curves: the state, update
 * rule, noise, read quantisation and refresh behind the nl and device synapse kinds; the
 * equations, rounding and split are stated in pair.h.
 *
 * Inside, a device's conductance G (S) is kept exactly and read as x = (G - Gmin)/(Gmax - Gmin)
 * in [0, 1].  Each curve is a rising function c(s) of the pulse position s in [0, P]: the LTP
 * curve in x, the LTD curve in 1 - x, so one move serves both directions.  Only weights whose
 * change rounds to at least one pulse touch a curve (the log and exp of the nl law): most of a
 * layer's weights per image cost a multiply and a compare. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "io/cfg.h"
#include "train/blas.h"
#include "train/gauss.h"
#include "train/pair.h"

/* A curve as a device sees it: the nl law of its own nu, or a table of rising values.  The
 * law moves by a pulses in one step, g(s + d) = e^{-nu d} g(s) + g(d) (d = a/P), with the two
 * factors tabulated for whole a when the device has no variation of its own. */
typedef struct curve {
    double P;            /* pulses from one end to the other (1 when continuous) */
    double nu, rden;     /* law: nu and 1/expm1(-nu) */
    double q;            /* law of a device's own nu: expm1(-nu/P) */
    int own;             /* q set: the device's own law (variation) */
    const double *e, *f; /* law: e^{-nu a/P} and g(a/P) for a = 0..ne (NULL: computed) */
    size_t ne;
    const double *t;     /* table of P + 1 values (NULL: the law) */
} curve;

typedef struct pair_state {
    opsin_pair_params p;   /* tables NULL: curve[] holds them in curve form */
    double span, rspan, wmin, wspan, du_per_dw;
    double P;              /* nominal pulses per full range (pair.h) */
    double amax;           /* 2 ceil(P) + 2: more pulses than both devices can take */
    int continuous;
    curve curve[2];        /* LTP in x, LTD in 1 - x (the law without variation, or tables) */
    double *buf[4];        /* what curve[] points to: tables, or e and f of each */
    double *g;             /* two conductances per weight (S) */
    double *nu;            /* with variation: nu, 1/expm1(-nu), expm1(-nu/P) of (device,
                            * direction), NU_PER_WEIGHT per weight */
    uint32_t *count;       /* updates of each weight: a stream position for its noise */
    uint64_t seed;
    opsin_gauss_tab gauss; /* the normal ziggurat's layers (noise, variation) */
} pair_state;

/* |nu| below this is the linear law: g(s, nu) - s is at most nu/8, round-off. */
#define NU_LINEAR 1e-12
/* Doubles of a weight's own laws (variation): 2 devices x 2 directions x (nu, 1/expm1(-nu),
 * expm1(-nu/P)). */
#define NU_PER_WEIGHT 12
/* Largest whole step tabulated for the law (beyond: computed). */
#define LAW_TAB_MAX 65536

/* The law's step from rising coordinate c by `a` pulses (unclamped). */
static double law_step(const curve *k, double c, double a)
{
    if (k->e && a <= (double)k->ne) {
        size_t j = (size_t)a;
        return c * k->e[j] + k->f[j];
    }
    if (fabs(k->nu) < NU_LINEAR)
        return c + a / k->P;
    double d = k->nu * a / k->P;
    if (k->own && a <= 64) {
        /* e^{-d} - 1 = (1 + q)^a - 1 by squaring kept in the form "minus one", (1 + u)(1 + v)
         * - 1 = u + v + u v: no libm call, and no cancellation however small d is */
        double m = 0, b = k->q;
        for (unsigned n = (unsigned)a; n; n >>= 1, b = 2 * b + b * b)
            if (n & 1)
                m = m + b + m * b;
        return c * (1 + m) + m * k->rden;
    }
    double m = expm1(-d); /* expm1 keeps g exact to a few ulps for any nu */
    return c * (1 + m) + m * k->rden;
}

/* The inverse of g(s, nu) = (1 - e^{-nu s})/(1 - e^{-nu}): s = -ln(1 - c (1 - e^{-nu}))/nu. */
static double law_inv(double c, double nu)
{
    return fabs(nu) < NU_LINEAR ? c : -log1p(c * expm1(-nu)) / nu;
}

/* A table's value at position s (linear between pulses). */
static double table_at(const curve *k, double s)
{
    s = s < 0 ? 0 : s > k->P ? k->P : s;
    size_t i = (size_t)s;
    if ((double)i >= k->P)
        return k->t[i];
    return k->t[i] + (s - (double)i) * (k->t[i + 1] - k->t[i]);
}

/* A conductance read back from a table point may lie an ulp below it: within this fraction of
 * the range it counts as on the point (else a flat stretch could hold a device one pulse). */
#define TABLE_SNAP 1e-12

/* The position of value c: the largest s with c(s) <= c (0 below the start, P past the end);
 * on a flat stretch of a table, its end, so that the next pulse moves. */
static double curve_pos(const curve *k, double c)
{
    if (!k->t) {
        double s = k->P * law_inv(c < 0 ? 0 : c > 1 ? 1 : c, k->nu);
        return s < 0 ? 0 : s > k->P ? k->P : s;
    }
    size_t n = (size_t)k->P;
    double ce = c + TABLE_SNAP;
    if (ce < k->t[0])
        return 0;
    if (ce >= k->t[n])
        return k->P;
    size_t lo = 0, hi = n; /* t[lo] <= ce < t[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->t[mid] <= ce)
            lo = mid;
        else
            hi = mid;
    }
    double f = (c - k->t[lo]) / (k->t[lo + 1] - k->t[lo]);
    return (double)lo + (f > 0 ? f : 0);
}

/* Room before the curve's end from position s: whole pulses (the last one clamps), or the
 * real amount when continuous. */
static double room(const pair_state *st, const curve *k, double s)
{
    double r = k->P - s;
    if (st->continuous)
        return r > 0 ? r : 0;
    r = ceil(r - 1e-9);
    return r > 0 ? r : 0;
}

/* How much of `want` a device at rising coordinate c takes along curve k (its room caps it),
 * and where that leaves it, *c1 (never behind c, at most 1).  The law needs its position (a
 * log) only when the step would pass the end. */
static double take(const pair_state *st, const curve *k, double c, double want, double *c1)
{
    double got = want, v;
    if (!k->t) {
        v = law_step(k, c, want);
        if (v > 1) {
            double r = room(st, k, curve_pos(k, c));
            if (r < want) {
                got = r;
                v = law_step(k, c, r);
            }
        }
    } else {
        double s = curve_pos(k, c), r = room(st, k, s);
        got = want < r ? want : r;
        v = table_at(k, s + got);
    }
    v = v > 1 ? 1 : v;
    *c1 = v > c ? v : c;
    return got;
}

static uint64_t bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

enum { STREAM_NL = 1, STREAM_NOISE = 2 };

static uint64_t key_of(const pair_state *st, size_t i, unsigned dev, unsigned stream)
{
    uint64_t what = ((uint64_t)i << 4) | (uint64_t)(dev << 2) | stream;
    return opsin_splitmix64(st->seed ^ opsin_splitmix64(what));
}

/* The LTP (dir 0) or LTD (dir 1) curve of device dev of weight i (in *tmp with variation). */
static const curve *curve_of(const pair_state *st, size_t i, unsigned dev, int dir, curve *tmp)
{
    if (!st->nu)
        return &st->curve[dir];
    const double *v = &st->nu[NU_PER_WEIGHT * i + 6 * dev + 3 * (unsigned)dir];
    *tmp = st->curve[dir];
    tmp->e = tmp->f = NULL;
    tmp->nu = v[0];
    tmp->rden = v[1];
    tmp->q = v[2];
    tmp->own = !st->continuous;
    return tmp;
}

static double x_of(const pair_state *st, double g) { return (g - st->p.gmin) * st->rspan; }

static double level(const pair_state *st, double x)
{
    if (!st->p.levels)
        return x;
    double L = (double)(st->p.levels - 1);
    return round(x * L) / L;
}

/* The weight the conductances of weight i hold, as read. */
static double weight_of(const pair_state *st, size_t i)
{
    double a = level(st, x_of(st, st->g[2 * i])), u;
    if (st->p.mode == OPSIN_PAIR_DIFFERENTIAL)
        u = a - level(st, x_of(st, st->g[2 * i + 1]));
    else
        u = 2 * a - 1;
    double w = st->wmin + (u + 1) / 2 * st->wspan;
    return w < st->wmin ? st->wmin : w > st->wmin + st->wspan ? st->wmin + st->wspan : w;
}

/* Sets device dev of weight i to rising coordinate c1 of direction dir after `a` pulses: with
 * noise for a whole number of pulses, clamped to the range. */
static void commit(pair_state *st, size_t i, unsigned dev, int dir, double c1, double a)
{
    if (!(a > 0))
        return;
    double x = dir ? 1 - c1 : c1;
    if (st->p.noise > 0 && !st->continuous) {
        uint64_t key = key_of(st, i, dev, STREAM_NOISE) ^ opsin_splitmix64(st->count[i]) ^
                       opsin_splitmix64(bits(st->g[2 * i]) ^ (bits(st->g[2 * i + 1]) << 1));
        x += st->p.noise * sqrt(a) * opsin_gauss(&st->gauss, key);
        x = x < 0 ? 0 : x > 1 ? 1 : x;
    }
    st->g[2 * i + dev] = st->p.gmin + x * st->span;
}

/* Refresh (pair.h): both devices of weight i down by LTD pulses to Gmin and to u. */
static void refresh(pair_state *st, size_t i, uint64_t *ltd)
{
    double *g = &st->g[2 * i], xp = x_of(st, g[0]), xm = x_of(st, g[1]);
    unsigned hi = xm > xp;
    double xhi = hi ? xm : xp, xlo = hi ? xp : xm;
    if (xhi < 1 - st->p.refresh || xlo <= 0)
        return;
    double u = xhi - xlo;
    if (!st->continuous) {
        curve t1, t2;
        const curve *kl = curve_of(st, i, !hi, 1, &t1), *kh = curve_of(st, i, hi, 1, &t2);
        double n_lo = room(st, kl, curve_pos(kl, 1 - xlo));
        double n_hi = round(curve_pos(kh, 1 - u) - curve_pos(kh, 1 - xhi));
        *ltd += (uint64_t)n_lo + (uint64_t)(n_hi > 0 ? n_hi : 0);
    }
    g[!hi] = st->p.gmin;
    g[hi] = st->p.gmin + u * st->span;
}

/* One weight i asked to move by du (pair.h): pulses, split, moves, refresh; w read back. */
static void apply_one(pair_state *st, size_t i, double *w, double du, int diff,
                      uint64_t *ltp, uint64_t *ltd)
{
    double mag = fabs(du) * (diff ? 1 : 0.5), A;
    if (st->continuous)
        A = mag;
    else {
        double np = mag * st->P;
        if (np < 0.5)
            return; /* below half a pulse (du == 0 included): nothing moves */
        /* round half away from zero, by truncation (no libm call); more than 2P + 2 pulses
         * cannot all be taken, so the count is capped there first (no overflow) */
        np = np < st->amax ? np : st->amax;
        A = (double)(int64_t)(np + 0.5);
    }
    if (A == 0)
        return;
    if (diff) {
        unsigned up = du < 0, dn = !up; /* LTP on G+ for du > 0, on G- for du < 0 */
        curve t1, t2;
        const curve *ku = curve_of(st, i, up, 0, &t1), *kd = curve_of(st, i, dn, 1, &t2);
        double cu = x_of(st, st->g[2 * i + up]), cd = 1 - x_of(st, st->g[2 * i + dn]), cu1, cd1;
        double a0 = st->continuous ? A / 2 : (double)(((int64_t)A + 1) / 2);
        double a = take(st, ku, cu, a0, &cu1), b = take(st, kd, cd, A - a, &cd1);
        if (b < A - a && a == a0) /* G- (G+) full: the rest to the other, up to its room */
            a = take(st, ku, cu, A - b, &cu1);
        commit(st, i, up, 0, cu1, a);
        commit(st, i, dn, 1, cd1, b);
        if (!st->continuous) {
            *ltp += (uint64_t)a;
            *ltd += (uint64_t)b;
        }
        if (st->p.refresh > 0)
            refresh(st, i, ltd);
    } else {
        int dir = du < 0;
        curve t1;
        const curve *kk = curve_of(st, i, 0, dir, &t1);
        double x = x_of(st, st->g[2 * i]), c1;
        double a = take(st, kk, dir ? 1 - x : x, A, &c1);
        commit(st, i, 0, dir, c1, a);
        if (!st->continuous)
            *(dir ? ltd : ltp) += (uint64_t)a;
    }
    st->count[i]++;
    *w = weight_of(st, i);
}

/* Whether any of dw[0..n) reaches thr in magnitude; adds the non-zero ones to *nz.  A
 * vectorised filter: a chunk where nothing reaches half a pulse is done with here. */
OPSIN_WIDE static int scan(const double *restrict dw, size_t n, double thr, uint64_t *nz)
{
    int any = 0;
    uint64_t z = 0;
    for (size_t k = 0; k < n; k++) {
        double a = fabs(dw[k]);
        any |= a >= thr;
        z += a != 0;
    }
    *nz += z;
    return any;
}

enum { CHUNK = 256 };

void opsin_pair_apply(void *state, size_t first, double *restrict w,
                      const double *restrict dw, size_t n, opsin_syn_counts *c)
{
    pair_state *st = state;
    const double k = st->du_per_dw;
    const int diff = st->p.mode == OPSIN_PAIR_DIFFERENTIAL;
    /* |dw| below thr is below half a pulse (the margin keeps this filter on the safe side of
     * apply_one's exact test); continuous: every non-zero change moves */
    const double thr = st->continuous ? 0 : 0.5 / (st->P * k * (diff ? 1 : 0.5)) * (1 - 1e-9);
    uint64_t ltp = 0, ltd = 0, updates = 0;
    for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
        size_t j1 = n - j0 < CHUNK ? n : j0 + CHUNK;
        if (!scan(dw + j0, j1 - j0, thr, &updates))
            continue;
        unsigned short at[CHUNK]; /* the weights that may move, without a branch per weight */
        size_t m = 0;
        for (size_t j = j0; j < j1; j++) {
            at[m] = (unsigned short)(j - j0);
            m += fabs(dw[j]) >= thr;
        }
        for (size_t q = 0; q < m; q++) {
            size_t j = j0 + at[q];
            apply_one(st, first + j, w + j, dw[j] * k, diff, &ltp, &ltd);
        }
    }
    c->ltp += ltp;
    c->ltd += ltd;
    c->updates += updates;
    c->energy += (double)ltp * st->p.e_ltp + (double)ltd * st->p.e_ltd;
}

/* Tables as rising curves in x (LTP) and 1 - x (LTD). */
static double *rising(const double *g, size_t n, const pair_state *st, int down)
{
    double *t = malloc((n + 1) * sizeof *t);
    for (size_t i = 0; t && i <= n; i++)
        t[i] = down ? 1 - x_of(st, g[i]) : x_of(st, g[i]);
    return t;
}

/* The law's whole steps a = 0..k->ne: e^{-nu a/P} into e, g(a/P) into f. */
static void law_table(curve *k, double *e, double *f)
{
    for (size_t a = 0; a <= k->ne; a++) {
        double m = expm1(-k->nu * (double)a / k->P);
        int lin = fabs(k->nu) < NU_LINEAR;
        e[a] = lin ? 1 : 1 + m;
        f[a] = lin ? (double)a / k->P : m * k->rden;
    }
    k->e = e;
    k->f = f;
}

/* st->curve[] from p: tables, or the law (its steps tabulated when Pmax is finite); -1 when
 * out of memory. */
static int set_curves(pair_state *st, const opsin_pair_params *p)
{
    for (int dir = 0; dir < 2; dir++) {
        curve *k = &st->curve[dir];
        if (p->tab_ltp) {
            k->P = (double)(dir ? p->nltd : p->nltp);
            k->t = st->buf[dir] = rising(dir ? p->tab_ltd : p->tab_ltp, dir ? p->nltd : p->nltp,
                                         st, dir);
            if (!k->t)
                return -1;
            continue;
        }
        k->P = st->continuous ? 1 : p->pmax;
        k->nu = dir ? p->nl_ltd : p->nl_ltp;
        k->rden = 1 / expm1(-k->nu);
        if (st->continuous || p->pmax > LAW_TAB_MAX || p->variation > 0)
            continue;
        k->ne = (size_t)ceil(p->pmax) + 1;
        st->buf[2 * dir] = malloc((k->ne + 1) * sizeof(double));
        st->buf[2 * dir + 1] = malloc((k->ne + 1) * sizeof(double));
        if (!st->buf[2 * dir] || !st->buf[2 * dir + 1])
            return -1;
        law_table(k, st->buf[2 * dir], st->buf[2 * dir + 1]);
    }
    return 0;
}

int opsin_pair_alloc(void **state, const void *params, double wmin, double wmax, double *w,
                     size_t n, unsigned long seed, opsin_diag *diag)
{
    const opsin_pair_params *p = params;
    int table = p->tab_ltp != NULL;
    if (!(p->gmax > p->gmin) || !(wmax > wmin) ||
        (table ? !p->nltp || !p->nltd || !p->tab_ltd : !(p->pmax > 0))) {
        opsin_diag_set(diag, NULL, 0, "synapse: device curve unset (expected Gmax > Gmin and "
                       "Pmax > 0, or a tabulated curve)");
        return OPSIN_EINVAL;
    }
    pair_state *st = calloc(1, sizeof *st);
    if (!st)
        goto oom;
    st->p = *p;
    st->p.tab_ltp = st->p.tab_ltd = NULL;
    opsin_gauss_init(&st->gauss);
    st->span = p->gmax - p->gmin;
    st->rspan = 1 / st->span;
    st->wmin = wmin;
    st->wspan = wmax - wmin;
    st->du_per_dw = 2 / st->wspan;
    st->continuous = !table && isinf(p->pmax);
    st->P = table ? (double)(p->nltp + p->nltd) / 2 : st->continuous ? INFINITY : p->pmax;
    st->seed = opsin_splitmix64((uint64_t)seed);
    st->amax = 2 * ceil(st->P) + 2;
    st->g = malloc(2 * (n ? n : 1) * sizeof *st->g);
    st->count = calloc(n ? n : 1, sizeof *st->count);
    if (!st->g || !st->count)
        goto oom;
    if (set_curves(st, p))
        goto oom;
    if (!table && p->variation > 0) {
        st->nu = malloc(NU_PER_WEIGHT * (n ? n : 1) * sizeof *st->nu);
        if (!st->nu)
            goto oom;
        for (size_t i = 0; i < n; i++)
            for (unsigned d = 0; d < 2; d++) {
                uint64_t key = key_of(st, i, d, STREAM_NL);
                double *v = &st->nu[NU_PER_WEIGHT * i + 6 * d];
                v[0] = p->nl_ltp + p->variation * opsin_gauss(&st->gauss, key);
                v[3] = p->nl_ltd + p->variation * opsin_gauss(&st->gauss, ~key);
                for (int k = 0; k < 6; k += 3) {
                    v[k + 1] = 1 / expm1(-v[k]);
                    v[k + 2] = st->continuous ? 0 : expm1(-v[k] / p->pmax);
                }
            }
    }
    for (size_t i = 0; i < n; i++) {
        double u = 2 * (w[i] - wmin) / st->wspan - 1;
        u = u < -1 ? -1 : u > 1 ? 1 : u;
        if (p->mode == OPSIN_PAIR_DIFFERENTIAL) {
            st->g[2 * i] = p->gmin + (u > 0 ? u : 0) * st->span;
            st->g[2 * i + 1] = p->gmin + (u < 0 ? -u : 0) * st->span;
        } else {
            st->g[2 * i] = p->gmin + (u + 1) / 2 * st->span;
            st->g[2 * i + 1] = (p->gmin + p->gmax) / 2;
        }
        w[i] = weight_of(st, i);
    }
    *state = st;
    return OPSIN_OK;
oom:
    opsin_pair_free(st);
    opsin_diag_oom(diag, NULL, "allocating the device synapses");
    return OPSIN_ENOMEM;
}

void opsin_pair_free(void *state)
{
    pair_state *st = state;
    if (!st)
        return;
    for (int k = 0; k < 4; k++)
        free(st->buf[k]);
    free(st->g);
    free(st->nu);
    free(st->count);
    free(st);
}

void opsin_pair_save(const void *state, size_t first, size_t n, double *out)
{
    const pair_state *st = state;
    memcpy(out, st->g + 2 * first, 2 * n * sizeof *out);
}

int opsin_pair_load(void *state, size_t first, size_t n, const double *in, double *w,
                    opsin_diag *diag)
{
    pair_state *st = state;
    const double gref = (st->p.gmin + st->p.gmax) / 2;
    for (size_t k = 0; k < 2 * n; k++) {
        double v = in[k];
        if (!(v >= st->p.gmin && v <= st->p.gmax)) {
            opsin_diag_set(diag, NULL, 0, "saved state: weight %zu: conductance %g %s (expected "
                           "%g to %g %s)", first + k / 2, v, st->p.unit, st->p.gmin,
                           st->p.gmax, st->p.unit);
            return OPSIN_EINVAL;
        }
        if (st->p.mode == OPSIN_PAIR_REFERENCE && k % 2 && !(fabs(v - gref) <= 1e-9 * gref)) {
            opsin_diag_set(diag, NULL, 0, "saved state: weight %zu: reference conductance "
                           "%g %s (expected %g %s, (Gmin + Gmax)/2)", first + k / 2, v,
                           st->p.unit, gref, st->p.unit);
            return OPSIN_EINVAL;
        }
    }
    memcpy(st->g + 2 * first, in, 2 * n * sizeof *in);
    for (size_t k = 0; k < n; k++) {
        if (st->p.mode == OPSIN_PAIR_REFERENCE)
            st->g[2 * (first + k) + 1] = gref;
        w[k] = weight_of(st, first + k);
    }
    return OPSIN_OK;
}

void opsin_pair_params_init(opsin_pair_params *p)
{
    memset(p, 0, sizeof *p);
    p->mode = OPSIN_PAIR_DIFFERENTIAL;
    snprintf(p->unit, sizeof p->unit, "S");
}

void opsin_pair_params_clear(opsin_pair_params *p)
{
    free(p->tab_ltp);
    free(p->tab_ltd);
    p->tab_ltp = p->tab_ltd = NULL;
}

/* Whether staircase g (n + 1 values) is finite and monotone (rising when up). */
static int monotone(const double *g, size_t n, int up)
{
    for (size_t i = 0; i <= n; i++)
        if (!isfinite(g[i]) || (i && (up ? g[i] < g[i - 1] : g[i] > g[i - 1])))
            return 0;
    return 1;
}

int opsin_pair_from_table(opsin_pair_params *p, const opsin_devtable *t, const char *what,
                          opsin_diag *diag)
{
    if (!t->nltp || !t->nltd || !t->g_ltp || !t->g_ltd) {
        opsin_diag_set(diag, NULL, 0, "%s: no pulses tabulated (expected LTP and LTD "
                       "staircases of at least one pulse each)", what);
        return OPSIN_EINVAL;
    }
    if (!monotone(t->g_ltp, t->nltp, 1) || !monotone(t->g_ltd, t->nltd, 0)) {
        opsin_diag_set(diag, NULL, 0, "%s: the tabulated curve is not monotone (expected LTP "
                       "pulses never to lower the conductance and LTD pulses never to raise it)",
                       what);
        return OPSIN_EINVAL;
    }
    double lo = fmin(t->g_ltp[0], t->g_ltd[t->nltd]), hi = fmax(t->g_ltp[t->nltp], t->g_ltd[0]);
    if (!(hi > lo)) {
        opsin_diag_set(diag, NULL, 0, "%s: the pulses do not change the conductance (expected "
                       "Gmax > Gmin)", what);
        return OPSIN_EINVAL;
    }
    double *a = opsin_memdup(t->g_ltp, (t->nltp + 1) * sizeof *a);
    double *b = opsin_memdup(t->g_ltd, (t->nltd + 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        opsin_diag_oom(diag, NULL, "copying the device curve");
        return OPSIN_ENOMEM;
    }
    opsin_pair_params_clear(p);
    p->tab_ltp = a;
    p->tab_ltd = b;
    p->nltp = t->nltp;
    p->nltd = t->nltd;
    p->gmin = lo;
    p->gmax = hi;
    p->variation = 0;
    p->e_ltp = t->e_ltp;
    p->e_ltd = t->e_ltd;
    snprintf(p->unit, sizeof p->unit, "%s", t->unit[0] ? t->unit : "S");
    return OPSIN_OK;
}

/* A number key of g into *v, checked lo <= v (< hi when hi_open, else <= hi). */
static int number(const config_setting_t *g, const char *key, const char *file, double lo,
                  double hi, const char *expected, double *v, opsin_diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (!s)
        return OPSIN_OK;
    double x;
    int rc = opsin_cfg_number(s, "", 0, &x, file, d);
    if (rc)
        return rc;
    if (!(x >= lo && x < hi)) {
        opsin_diag_at(d, file, s, "%s = %g is out of range (expected %s)", key, x, expected);
        return OPSIN_EINVAL;
    }
    *v = x;
    return OPSIN_OK;
}

int opsin_pair_read_common(const config_setting_t *g, const opsin_wsyn_ctx *ctx,
                           opsin_pair_params *p, opsin_diag *d)
{
    const char *file = ctx->file, *mode;
    int rc = opsin_cfg_string(g, "pair", 0, &mode, file, d);
    if (rc)
        return rc;
    if (mode) {
        if (!strcmp(mode, "differential"))
            p->mode = OPSIN_PAIR_DIFFERENTIAL;
        else if (!strcmp(mode, "reference"))
            p->mode = OPSIN_PAIR_REFERENCE;
        else {
            opsin_clip_buf cb;
            opsin_diag_at(d, file, config_setting_get_member(g, "pair"), "unknown pair '%s' "
                          "(expected \"differential\" or \"reference\")", opsin_clip(mode, &cb));
            return OPSIN_EINVAL;
        }
    }
    double lv = p->levels;
    if ((rc = number(g, "noise", file, 0, INFINITY, "a fraction of Gmax - Gmin >= 0", &p->noise,
                     d)) ||
        (rc = number(g, "refresh", file, 0, 1, "a fraction 0 <= F < 1, 0 for none",
                     &p->refresh, d)) ||
        (rc = number(g, "levels", file, 0, 1e9, "0 for an exact read, or a whole number of "
                     "levels >= 2", &lv, d)))
        return rc;
    const config_setting_t *s = config_setting_get_member(g, "levels");
    if (s && (lv == 1 || lv != floor(lv))) {
        opsin_diag_at(d, file, s, "levels = %g is out of range (expected 0 for an exact read, "
                      "or a whole number of levels >= 2)", lv);
        return OPSIN_EINVAL;
    }
    p->levels = (unsigned)lv;
    s = config_setting_get_member(g, "refresh");
    if (s && p->refresh > 0 && p->mode == OPSIN_PAIR_REFERENCE) {
        opsin_diag_at(d, file, s, "refresh with pair = \"reference\" (expected pair = "
                      "\"differential\": a single device has no partner to re-program)");
        return OPSIN_EINVAL;
    }
    return OPSIN_OK;
}

void opsin_pair_params_free(void *params)
{
    if (params)
        opsin_pair_params_clear(params);
    free(params);
}

void opsin_pair_describe(const void *params, FILE *out)
{
    const opsin_pair_params *p = params;
    const char *mode = p->mode == OPSIN_PAIR_DIFFERENTIAL ? "differential pair" :
                       "one device against Gref = (Gmin + Gmax)/2";
    double P = p->tab_ltp ? (double)(p->nltp + p->nltd) / 2 : p->pmax;
    if (p->tab_ltp)
        fprintf(out, "# synapse: tabulated curve, %zu LTP and %zu LTD pulses, Gmin %g %s, Gmax "
                "%g %s; %s\n", p->nltp, p->nltd, p->gmin, p->unit, p->gmax, p->unit, mode);
    else
        fprintf(out, "# synapse: nl law, Gmin %g S, Gmax %g S, Pmax %g, NL %g, NL_LTD %g, "
                "variation %g; %s\n", p->gmin, p->gmax, p->pmax, p->nl_ltp, p->nl_ltd,
                p->variation, mode);
    if (isinf(P))
        fprintf(out, "# synapse: continuous (no pulses counted)");
    else
        fprintf(out, "# synapse: %g pulses per range, a pulse of a linear device = %g of the "
                "weight range", P, p->mode == OPSIN_PAIR_DIFFERENTIAL ? 1 / (2 * P) : 1 / P);
    fprintf(out, "; noise %g, levels %u (0 exact), refresh %g; E_LTP %g J, E_LTD %g J\n",
            p->noise, p->levels, p->refresh, p->e_ltp, p->e_ltd);
}
