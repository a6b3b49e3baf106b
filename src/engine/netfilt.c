/* netfilt.c: supercap synapses in a population (see netfilt.h).
 *
 * Synapse k of post member j is a linear device (the model's linear_sys hook): with its drive
 * current I_k, dy_k/dt = A y_k + b I_k and its terminal voltage is u_k = c.y_k + d I_k (V);
 * each pre spike, after the synapse's delay, drives I_k = amplitude (A) for `width` s.  The
 * member receives the current sum_k w_k u_k (w_k in S, the coupling conductance: what a
 * lif's G_in does for a component input):
 *   tau dV/dt = -(V - v_inf) + r_in (c.Y + d J [+ the exp synapses' current]),
 *   dY/dt = A Y + b J,   Y = sum_k w_k y_k,   J = sum_k w_k I_k,
 * so a member keeps Y and J (not one state per synapse): J is piecewise constant, its edges
 * (w amplitude up at an arrival, down `width` later) queued per member.  Y is kept in the
 * eigenbasis of A (A = P diag(lambda) P^-1, z = P^-1 Y, real negative eigenvalues for a
 * passive RC device), where z_k relaxes to -beta_k J / lambda_k with rate lambda_k.  Between
 * edges and other inputs V - v_th is then an explicit sum of exponentials (rates lambda_1,
 * lambda_2, -1/tau and -1/tau_syn) and a constant,
 *   V(s) = V_inf' + sum_k B_k e^{lambda_k s} + B_e e^{-s/ts} + C e^{-s/tau},
 *   B_k = (r_in/tau) gamma_k (z_k - z_k*) / (lambda_k + 1/tau),  gamma = c P,
 * whose threshold crossings engine/expsum.c isolates and solves to the last bit.  Units: SI.
 * Source: the supercap model (models/supercap.c, seed 004) and circuits/lif-supercap-lif.cfg,
 * whose post neuron this reproduces with G_in = 100 nS, V_in = 0 and weight = 100 nS.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/expsum.h"
#include "engine/netfilt.h"

/* An edge of a member's J: at t, J += dj; on: 1 for a pulse's start, 0 for its end. */
typedef struct edge {
    double t, dj;
    int on;
} edge;

typedef struct fmember {
    double z[2];  /* Y in the eigenbasis, at the member's time */
    double j;     /* A */
    long pulses;  /* pulses on: J is 0 exactly when none is */
    edge *e;      /* queued edges, e[pos ..] still to come */
    size_t n, cap, pos;
    double last;  /* the latest edge queued */
    int unsorted;
} fmember;

struct opsin_netfilt {
    double lam[2];  /* 1/s, eigenvalues of A, both < 0 */
    double beta[2]; /* P^-1 b */
    double gam[2];  /* c P */
    double d;       /* ohm */
    double amp, width;
    size_t first, size;
    fmember *m;
};

/* Eigenvalues and eigenvectors of the 2 x 2 matrix A (row by row): real, negative and
 * distinct, else -1.  The larger root in magnitude first (no cancellation), then det / it. */
static int eigen2(const double *A, double lam[2], double P[4])
{
    double tr = A[0] + A[3], det = A[0] * A[3] - A[1] * A[2], disc = tr * tr - 4 * det;
    if (!(disc > 0) || !(tr < 0) || !(det > 0))
        return -1;
    double q = 0.5 * (tr - sqrt(disc));
    lam[0] = q;
    lam[1] = det / q;
    for (int k = 0; k < 2; k++) { /* (A - lam) v = 0: the better-conditioned row */
        double v0 = A[1], v1 = lam[k] - A[0], u0 = lam[k] - A[3], u1 = A[2];
        if (hypot(u0, u1) > hypot(v0, v1)) {
            v0 = u0;
            v1 = u1;
        }
        double nv = hypot(v0, v1);
        P[k] = v0 / nv; /* column k */
        P[2 + k] = v1 / nv;
    }
    return 0;
}

/* How near two rates may be before the closed form's 1/(lambda + 1/tau) loses digits. */
#define RATE_GAP 1e-6

static int rates_apart(double a, double b)
{
    return fabs(a - b) > RATE_GAP * fmax(fabs(a), fabs(b));
}

int opsin_netfilt_new(const opsin_circuit *c, const opsin_projdef *pj,
                      const opsin_lin_neuron *lin, double ts, opsin_netfilt **out,
                      opsin_diag *d)
{
    const opsin_devsyn_def *dv = pj->dev;
    const opsin_model *m = dv->dev.model;
    const opsin_popdef *to = &c->pops[pj->to];
    double A[OPSIN_LIN_SYS_MAX * OPSIN_LIN_SYS_MAX], b[OPSIN_LIN_SYS_MAX],
        cc[OPSIN_LIN_SYS_MAX], dd, lam[2], P[4];
    if (m->nstates != 2 || !m->linear_sys || !m->linear_sys(dv->dev.p, A, b, cc, &dd)) {
        opsin_diag_set(d, c->path, dv->line, "projection %s: model %s has no linear closed "
                       "form of two states for these parameters (expected a supercap)", pj->id,
                       m->name);
        return OPSIN_EINVAL;
    }
    if (eigen2(A, lam, P)) {
        opsin_diag_set(d, c->path, dv->line, "projection %s: the %s's relaxation rates are not "
                       "real, negative and distinct, so it has no closed form here (expected a "
                       "finite R_reg or R_sd: charge that never leaves does not relax)", pj->id,
                       m->name);
        return OPSIN_EINVAL;
    }
    for (size_t k = 0; k < to->size; k++)
        for (int e = 0; e < 2; e++)
            if (!rates_apart(lam[e], -1.0 / lin[k].tau) || (ts > 0 && !rates_apart(lam[e],
                                                                                  -1.0 / ts))) {
                opsin_diag_set(d, c->path, dv->line, "projection %s: a relaxation time of its "
                               "%s, %g s, equals %s[%zu]'s %s (expected them to differ by more "
                               "than 1 part in 1e6)", pj->id, m->name, -1.0 / lam[e], to->id,
                               k, rates_apart(lam[e], -1.0 / lin[k].tau) ? "tau_syn"
                                                                         : "membrane tau");
                return OPSIN_EINVAL;
            }
    opsin_netfilt *f = calloc(1, sizeof *f);
    if (!f || !(f->m = calloc(to->size ? to->size : 1, sizeof *f->m))) {
        free(f);
        return OPSIN_ENOMEM;
    }
    double det = P[0] * P[3] - P[1] * P[2];
    double Pi[4] = {P[3] / det, -P[1] / det, -P[2] / det, P[0] / det};
    for (int k = 0; k < 2; k++) {
        f->lam[k] = lam[k];
        f->beta[k] = Pi[2 * k] * b[0] + Pi[2 * k + 1] * b[1];
        f->gam[k] = cc[0] * P[k] + cc[1] * P[2 + k];
    }
    f->d = dd;
    f->amp = dv->amplitude;
    f->width = dv->width;
    f->first = to->first;
    f->size = to->size;
    *out = f;
    return OPSIN_OK;
}

void opsin_netfilt_free(opsin_netfilt *f)
{
    if (!f)
        return;
    for (size_t k = 0; k < f->size; k++)
        free(f->m[k].e);
    free(f->m);
    free(f);
}

/* Appends edge (t, dj) to a member's queue. */
static int push(fmember *m, double t, double dj, int on)
{
    if (opsin_grow((void **)&m->e, &m->cap, m->n, sizeof *m->e))
        return -1;
    if (t < m->last)
        m->unsorted = 1;
    else
        m->last = t;
    m->e[m->n++] = (edge){t, dj, on};
    return 0;
}

int opsin_netfilt_deliver(opsin_netfilt *f, size_t i, double t, double w)
{
    fmember *m = &f->m[i - f->first];
    double dj = w * f->amp;
    return push(m, t, dj, 1) || push(m, t + f->width, -dj, 0) ? -1 : 0;
}

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->on > y->on) - (x->on < y->on); /* ends first: the same sum in any order */
}

void opsin_netfilt_begin(opsin_netfilt *f, size_t i)
{
    fmember *m = &f->m[i - f->first];
    if (m->pos) {
        memmove(m->e, m->e + m->pos, (m->n - m->pos) * sizeof *m->e);
        m->n -= m->pos;
        m->pos = 0;
    }
    if (m->unsorted) {
        qsort(m->e, m->n, sizeof *m->e, cmp_edge);
        m->unsorted = 0;
    }
}

double opsin_netfilt_next_edge(const opsin_netfilt *f, size_t i)
{
    const fmember *m = &f->m[i - f->first];
    double t = INFINITY; /* the queue may be unsorted until opsin_netfilt_begin */
    for (size_t k = m->pos; k < m->n && (m->unsorted || k == m->pos); k++)
        t = fmin(t, m->e[k].t);
    return t;
}

void opsin_netfilt_edges(opsin_netfilt *f, size_t i, double t)
{
    fmember *m = &f->m[i - f->first];
    for (; m->pos < m->n && m->e[m->pos].t == t; m->pos++) {
        m->j += m->e[m->pos].dj;
        m->pulses += m->e[m->pos].on ? 1 : -1;
        if (!m->pulses)
            m->j = 0.0; /* no round-off left over when every pulse has ended */
    }
}

int opsin_netfilt_active(const opsin_netfilt *f, size_t i)
{
    const fmember *m = &f->m[i - f->first];
    return m->j != 0 || m->z[0] != 0 || m->z[1] != 0;
}

/* z after s at constant J: each mode relaxes to -beta J / lambda. */
static void z_after(const opsin_netfilt *f, const double *z, double j, double s, double *out)
{
    for (int k = 0; k < 2; k++) {
        double zs = -f->beta[k] * j / f->lam[k];
        out[k] = s == 0 ? z[k] : zs + (z[k] - zs) * exp(f->lam[k] * s);
    }
}

/* V(tf + s) of a member free from tf at vf with exp current i0 (decaying with ts), filter
 * state z and current j: the sum of exponentials of the file's header into *v. */
static void v_sum(const opsin_netfilt *f, const opsin_lin_neuron *L, double ts, double vf,
                  double i0, const double *z, double j, opsin_expsum *v)
{
    double mu = -1.0 / L->tau, kap = L->r_in / L->tau, iinf = f->d * j, rest = vf - L->v_inf;
    *v = (opsin_expsum){0};
    for (int k = 0; k < 2; k++) {
        double zs = -f->beta[k] * j / f->lam[k], B = kap * f->gam[k] * (z[k] - zs) /
                                                     (f->lam[k] - mu);
        iinf += f->gam[k] * zs;
        opsin_expsum_add(v, B, f->lam[k]);
        rest -= B;
    }
    if (ts > 0 && i0 != 0) {
        double Be = L->r_in * i0 * ts / (ts - L->tau);
        opsin_expsum_add(v, Be, -1.0 / ts);
        rest -= Be;
    }
    v->c0 += L->v_inf + L->r_in * iinf;
    opsin_expsum_add(v, rest - L->r_in * iinf, mu);
}

/* The exp synaptic current at t2 of one that was i at t. */
static double cur_at(double ts, double i, double t, double t2)
{
    return ts > 0 && i != 0 && t2 != t ? i * exp(-(t2 - t) / ts) : i;
}

/* V at t2 from (t, v, cur, re) and the filter state (z, j) at t. */
static double v_state(const opsin_netfilt *f, const double *z, double j,
                      const opsin_lin_neuron *L, double ts, double t, double v, double cur,
                      double re, double t2)
{
    if (t2 <= re)
        return t < re ? L->v_reset : v;
    double tf = t < re ? re : t, vf = t < re ? L->v_reset : v;
    if (t2 == tf)
        return vf;
    double zf[2];
    opsin_expsum e;
    z_after(f, z, j, tf - t, zf);
    v_sum(f, L, ts, vf, cur_at(ts, cur, t, tf), zf, j, &e);
    return opsin_expsum_eval(&e, t2 - tf, NULL);
}

double opsin_netfilt_v_at(opsin_netfilt *f, size_t i, const opsin_lin_neuron *L, double ts,
                          double t, double v, double cur, double re, double t2, double *cur2)
{
    fmember *m = &f->m[i - f->first];
    double v2 = v_state(f, m->z, m->j, L, ts, t, v, cur, re, t2);
    if (cur2)
        *cur2 = cur_at(ts, cur, t, t2);
    z_after(f, m->z, m->j, t2 - t, m->z);
    return v2;
}

void opsin_netfilt_to(opsin_netfilt *f, size_t i, double t, double t2)
{
    fmember *m = &f->m[i - f->first];
    z_after(f, m->z, m->j, t2 - t, m->z);
}

double opsin_netfilt_cross(const opsin_netfilt *f, size_t i, const opsin_lin_neuron *L,
                           double ts, double t, double cur, double tf, double vf, double tlim)
{
    const fmember *m = &f->m[i - f->first];
    double zf[2];
    opsin_expsum e;
    z_after(f, m->z, m->j, tf - t, zf);
    v_sum(f, L, ts, vf, cur_at(ts, cur, t, tf), zf, m->j, &e);
    e.c0 -= L->v_th;
    return opsin_expsum_first_up(&e, tf, tlim - tf);
}

void opsin_netfilt_get(const opsin_netfilt *f, size_t i, double st[OPSIN_NETFILT_STATE])
{
    const fmember *m = &f->m[i - f->first];
    st[0] = m->z[0];
    st[1] = m->z[1];
    st[2] = m->j;
}

double opsin_netfilt_v_from(const opsin_netfilt *f, const double st[OPSIN_NETFILT_STATE],
                            const opsin_lin_neuron *L, double ts, double t, double v,
                            double cur, double re, double t2)
{
    return v_state(f, st, st[2], L, ts, t, v, cur, re, t2);
}
