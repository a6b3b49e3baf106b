/* netcond.c: a population member with conductance-based synapses between events (see
 * netcond.h).
 *
 * An input of weight g_k (S) through a synapse of reversal potential E_k adds g_k to a
 * conductance that decays with the population's tau_syn (ts); between events the member
 * (tau = C_m/G, r_in = 1/G, V_inf its resting potential) obeys
 *   tau dV/dt = -(V - v_inf) + r_in sum_k g_k(t) (E_k - V),   g_k(t) = g_k e^{-s/ts}.
 * All of a population's conductances decay with the one ts, so the total G = sum_k g_k (S)
 * and the drive D = sum_k g_k (E_k - v_inf) (A) are its whole synaptic state, however many
 * reversal potentials it has (an input adds w to G and w (E - v_inf) to D; one with
 * E = v_inf adds nothing to D: it only shunts).  With x = V - v_inf and q(s) = e^{-s/ts}:
 *   tau dx/ds = -(1 + r_in G q(s)) x + r_in D q(s),
 * linear in x with coefficients that vary in time, so from x0 at s = 0
 *   x(s) = x0 e^{-A(s)} + (r_in D/tau) I(s),     A(s) = s/tau + c (1 - q(s)),  c = r_in G ts/tau,
 *   I(s) = int_0^s q(u) e^{-(A(s) - A(u))} du.
 * I has no elementary form (it is e^{c q(s)} (c q(s))^{ts/tau} (ts/c) times a difference of
 * two upper incomplete gamma functions of parameter 1 - ts/tau, which cancel for short s), so
 * it is integrated by Gauss-Legendre quadrature with an a-priori error bound.
 *
 * Error bound: on a piece [0, h] the integrand is f = e^{psi}, psi' = d + gamma q(u) with
 * d = 1/tau - 1/ts and gamma = r_in G/tau (G at the piece's start), and |psi^{(j)}| <=
 * gamma/ts^{j-1} for j >= 2.  With Lambda = max(|d|, |d + gamma|, 1/ts, gamma) every
 * |psi^{(j)}| <= Lambda^j, so |f^{(k)}| <= B_k Lambda^k f (B_k the Bell numbers: Faa di Bruno's
 * formula has non-negative coefficients), and f varies by at most e^{x} over the piece,
 * x = h Lambda.  The n-point rule's remainder h^{2n+1} (n!)^4 / ((2n+1) ((2n)!)^3) f^{(2n)}
 * is then at most
 *   E_n(x) = e^x B_{2n} (n!)^4 / ((2n+1) ((2n)!)^3) x^{2n}
 * of the integral.  opsin_cond_quad_init finds, for each rule, the x at which E_n = 1e-16; a
 * piece takes the fewest nodes whose limit covers its x, and an interval whose x is beyond
 * the 16-point rule's (about 2.1) is cut into pieces of that length, each started from the
 * last one's end.  Between inputs a few microseconds apart x is about 0.01: 3 nodes.  Once
 * c < 1e-17 the conductances change V by less than 1e-17 of the distance between v_inf and
 * the reversal potentials, and x decays as x0 e^{-s/tau}.
 *
 * Threshold crossings: the instantaneous equilibrium x_eq(s) = r_in D q/(1 + r_in G q) moves
 * monotonically to 0 (down when D > 0), and x' = 0 only where x meets it, where x - x_eq
 * changes sign in one direction only; so x has at most one extremum.  When V(S) >= v_th the
 * first crossing is the one sign change in (0, S]; when V(S) < v_th a crossing is possible
 * only when x rises (x0 < x_eq(0), D > 0) to a maximum and falls back, and x never exceeds
 * x_eq at a time it rises, which bounds the search for that maximum.  The root is then found
 * by safeguarded Newton (engine/bracket.c) on V computed as above.  After a spike V is held
 * at v_reset for t_ref while the conductances keep decaying (as exp synapses' currents do).
 */
#include <math.h>

#include <gsl/gsl_integration.h>

#include "engine/bracket.h"
#include "engine/netcond.h"

/* The relative error each rule's pieces keep to. */
#define COND_TOL 1e-16
/* Below this c (r_in G ts/tau) the conductances are left out of V's evolution. */
#define COND_NEGLIGIBLE 1e-17

/* ln of the bound E_n(x) / e^x without the x^{2n}: ln(B_{2n} (n!)^4 / ((2n+1) ((2n)!)^3)). */
static double bound_log(int n, const double *bell)
{
    double m = (double)n;
    return log(bell[2 * n]) + 4.0 * lgamma(m + 1) - log(2 * m + 1) - 3.0 * lgamma(2 * m + 1);
}

/* The x at which x + 2n ln x + ln_k = ln COND_TOL (the left side rises with x). */
static double rule_limit(int n, double ln_k)
{
    double lo = log(1e-12), hi = log(10.0), target = log(COND_TOL);
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (exp(mid) + 2.0 * n * mid + ln_k <= target)
            lo = mid;
        else
            hi = mid;
    }
    return exp(lo);
}

int opsin_cond_quad_init(opsin_cond_quad *q)
{
    /* Bell numbers B_0 .. B_32 by the Bell triangle. */
    double bell[2 * OPSIN_COND_MAXNODES + 1], row[2 * OPSIN_COND_MAXNODES + 1];
    bell[0] = row[0] = 1.0;
    for (int k = 1; k <= 2 * OPSIN_COND_MAXNODES; k++) {
        double prev = row[0];
        row[0] = row[k - 1];
        for (int j = 1; j <= k; j++) {
            double here = j < k ? row[j] : 0.0;
            row[j] = row[j - 1] + prev;
            prev = here;
        }
        bell[k] = row[0];
    }
    for (int r = 0; r < OPSIN_COND_NRULES; r++) {
        int n = r < OPSIN_COND_NRULES - 1 ? r + 1 : OPSIN_COND_MAXNODES;
        gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc((size_t)n);
        if (!t)
            return OPSIN_ENOMEM;
        q->npair[r] = n / 2;
        q->wmid[r] = 0.0;
        for (int i = 0; i < n; i++) { /* nodes ascending on [-1, 1], in mirrored pairs */
            double x, w;
            gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, &x, &w, t);
            if (2 * i + 1 == n) {
                q->wmid[r] = 0.5 * w;
            } else if (2 * i < n) {
                q->xi[r][i] = -x;
                q->w[r][i] = 0.5 * w;
            }
        }
        gsl_integration_glfixed_table_free(t);
        q->xmax[r] = rule_limit(n, bound_log(n, bell));
    }
    return OPSIN_OK;
}

/* Lambda of a piece that starts with conductance g (the header's error bound). */
static double piece_rate(const opsin_lin_neuron *L, double ts, double g)
{
    double d = fabs(1.0 / L->tau - 1.0 / ts), gamma = L->r_in * g / L->tau;
    double dg = fabs(1.0 / L->tau - 1.0 / ts + gamma), a = d > dg ? d : dg;
    double b = 1.0 / ts > gamma ? 1.0 / ts : gamma;
    return a > b ? a : b;
}

/* x after a piece of length h from x, with c = r_in g ts/tau and drive dr, by rule r; q(h)
 * into *qh.  The nodes come in mirrored pairs about h/2, so that q at both is q(h/2) e^{-+y}
 * from one exponential. */
static double piece(const opsin_cond_quad *q, int r, const opsin_lin_neuron *L, double ts,
                    double x, double c, double dr, double h, double *qh)
{
    double hh = 0.5 * h, em = expm1(-hh / ts), qm = 1.0 + em; /* q(h/2) */
    double q1 = qm * qm, one_q1 = -em * (2.0 + em);             /* q(h), 1 - q(h) */
    double sum = q->wmid[r] > 0 ? q->wmid[r] * qm * exp(-hh / L->tau - c * (qm - q1)) : 0.0;
    for (int i = 0; i < q->npair[r]; i++) {
        double y = hh * q->xi[r][i], e = exp(y / ts), qa = qm * e, qb = qm / e;
        double za = y / L->tau, zb = hh / L->tau; /* at u = h/2 -+ y: h - u = h/2 +- y */
        sum += q->w[r][i] * (qa * exp(-(zb + za) - c * (qa - q1)) +
                             qb * exp(-(zb - za) - c * (qb - q1)));
    }
    *qh = q1;
    return x * exp(-(h / L->tau + c * one_q1)) + L->r_in * dr / L->tau * (h * sum);
}

/* V after s of free evolution from v with conductance *g and drive *dr, which are left
 * decayed to s. */
static double evolve(const opsin_cond_quad *q, const opsin_lin_neuron *L, double ts, double v,
                     double *g, double *dr, double s)
{
    double x = v - L->v_inf;
    const int last = OPSIN_COND_NRULES - 1;
    while (s > 0) {
        double c = L->r_in * *g * ts / L->tau, qh;
        if (!(c >= COND_NEGLIGIBLE)) {
            qh = exp(-s / ts);
            *g *= qh;
            *dr *= qh;
            return L->v_inf + x * exp(-s / L->tau);
        }
        double lam = piece_rate(L, ts, *g), h = s;
        int r = 0;
        if (s * lam > q->xmax[last]) { /* cut: a piece of the 16-point rule's length */
            r = last;
            h = q->xmax[last] / lam;
            if (!(s - h < s))
                h = s;
        } else {
            while (s * lam > q->xmax[r])
                r++;
        }
        x = piece(q, r, L, ts, x, c, *dr, h, &qh);
        *g *= qh;
        *dr *= qh;
        s = h == s ? 0.0 : s - h;
    }
    return L->v_inf + x;
}


/* Where free evolution starts from a member at (t, v, g, dr) refractory until re: at
 * *tf = max(t, re), with V = v_reset if it was refractory, and the conductances there. */
static double free_start(const opsin_lin_neuron *L, double ts, double t, double v, double re,
                         double *tf, double *g, double *dr)
{
    if (!(t < re)) {
        *tf = t;
        return v;
    }
    double qf = exp(-(re - t) / ts);
    *tf = re;
    *g *= qf;
    *dr *= qf;
    return L->v_reset;
}

double opsin_cond_v_at(const opsin_cond_quad *q, const opsin_lin_neuron *L, double ts, double t,
                       double v, double g, double dr, double re, double t2, double *g2,
                       double *dr2)
{
    double v2;
    if (t2 <= re) {
        double q2 = t2 == t ? 1.0 : exp(-(t2 - t) / ts);
        g *= q2;
        dr *= q2;
        v2 = t < re ? L->v_reset : v;
    } else {
        double tf, vf = free_start(L, ts, t, v, re, &tf, &g, &dr);
        v2 = t2 == tf ? vf : evolve(q, L, ts, vf, &g, &dr, t2 - tf);
    }
    if (g2) {
        *g2 = g;
        *dr2 = dr;
    }
    return v2;
}

/* Free evolution from (vf, g, dr), for the root of V - v_th. */
typedef struct cond_free {
    const opsin_cond_quad *q;
    const opsin_lin_neuron *L;
    double ts, vf, g, dr;
} cond_free;

/* dx/ds at x with conductance g and drive dr. */
static double slope(const opsin_lin_neuron *L, double x, double g, double dr)
{
    return (-(1.0 + L->r_in * g) * x + L->r_in * dr) / L->tau;
}

static double cond_f(const void *ctx, double s, double *df)
{
    const cond_free *k = ctx;
    double g = k->g, dr = k->dr, v = evolve(k->q, k->L, k->ts, k->vf, &g, &dr, s);
    *df = slope(k->L, v - k->L->v_inf, g, dr);
    return v - k->L->v_th;
}

/* The first time in (tf, tf + S] at which free evolution from (vf < v_th, g, dr) at tf
 * reaches v_th, V at tf + S being vs with conductance gs and drive ds; INFINITY if none (the
 * header's analysis). */
static double crossing(const cond_free *k, double tf, double S, double vs, double gs, double ds)
{
    const opsin_lin_neuron *L = k->L;
    if (vs >= L->v_th)
        return opsin_bracket_root(cond_f, k, tf, 0.0, S);
    double x0 = k->vf - L->v_inf, xth = L->v_th - L->v_inf;
    if (!(k->dr > 0) || !(x0 < L->r_in * k->dr / (1.0 + L->r_in * k->g)) ||
        L->r_in * k->dr / (1.0 + L->r_in * k->g) < xth)
        return INFINITY; /* monotone, or falls first, or bounded below v_th */
    if (slope(L, vs - L->v_inf, gs, ds) >= 0)
        return INFINITY; /* rising all along: the end is the highest */
    double a = 0.0, b = S; /* rising at a, falling at b: the maximum between */
    for (int it = 0; it < 200; it++) {
        double m = a + 0.5 * (b - a);
        if (!(m > a && m < b))
            break;
        double gm = k->g, dm = k->dr, vm = evolve(k->q, L, k->ts, k->vf, &gm, &dm, m);
        if (vm >= L->v_th)
            return opsin_bracket_root(cond_f, k, tf, 0.0, m);
        if (slope(L, vm - L->v_inf, gm, dm) > 0) {
            a = m;
            if (L->r_in * dm / (1.0 + L->r_in * gm) < xth)
                return INFINITY; /* what is left of the rise stays below x_eq(a) < v_th */
        } else {
            b = m;
        }
    }
    return INFINITY;
}

double opsin_cond_step(const opsin_cond_quad *q, const opsin_lin_neuron *L, double ts, double t,
                       double v, double g, double dr, double re, double tlim, double *v2,
                       double *g2, double *dr2)
{
    if (!(re < tlim)) { /* refractory all along */
        *v2 = opsin_cond_v_at(q, L, ts, t, v, g, dr, re, tlim, g2, dr2);
        return INFINITY;
    }
    double tf;
    cond_free k = {q, L, ts, 0.0, g, dr};
    k.vf = free_start(L, ts, t, v, re, &tf, &k.g, &k.dr);
    *g2 = k.g;
    *dr2 = k.dr;
    *v2 = tlim == tf ? k.vf : evolve(q, L, ts, k.vf, g2, dr2, tlim - tf);
    if (!(k.vf < L->v_th))
        return tf;
    double tc = crossing(&k, tf, tlim - tf, *v2, *g2, *dr2);
    return tc < tlim ? tc : tc < INFINITY ? tlim : INFINITY; /* not past tlim by rounding */
}
