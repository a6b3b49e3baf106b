/* phototrap.c: the photo-trap family: optoelectronic synapses whose conductance is written by
 * light through persistent-photoconductivity trap kinetics and erased electrically.
 *
 * States, all fractions of the trap density N_t: free photocarriers n and trapped carriers in
 * three release modes m1, m2, m3 (x = m1 + m2 + m3 is the trap occupancy, 0 <= x <= 1).
 *
 *   E    = h c / lambda                                   photon energy of each optical drive
 *   eta  = eta_ex E_u ln(1 + exp((E - Eg)/E_u))           quantum yield: an Urbach tail
 *                                                         exp((E-Eg)/E_u) below the gap,
 *                                                         eta_ex (E - Eg) well above it
 *   F    = sum over optical drives of P lambda/(h c) eta  absorbed photon flux (1/(m2 s))
 *   g    = k_n d sigma F + k_p max(0, V - V_p)            generation (1/s); k_n: this pulse's
 *                                                         write noise, d: device variability;
 *                                                         each pulse also ends with an error
 *                                                         N(0, noise_wa |dG|) on what it wrote
 *   c    = n (1 - f x) / tau_c                            capture into empty traps; f: the
 *                                                         parameter `filling`, 1 (default) or
 *                                                         0: the low-occupancy limit n/tau_c,
 *                                                         valid while x << 1
 *   e    = k_e max(0, V - V_e) / (x + x_e)                gate erase rate (1/s) above V_e:
 *                                                         removes k_e max(0, V - V_e) x/(x+x_e)
 *                                                         per second, zero-order (a constant
 *                                                         step per pulse) while x >> x_e,
 *                                                         first-order near the floor
 *   e_d  = k_d max(0, -V - V_d) / (x + x_e)               depression by a negative voltage
 *                                                         (two-terminal devices: the STDP
 *                                                         overlap of pre and post spikes)
 *   u    = sigma_reset F                                  optical (UV) reset rate (1/s)
 *   dn/dt   = g - n/tau_r - c
 *   dm_k/dt = w_k c - m_k/tau_k - (e + e_d + u) m_k             k = 1, 2, 3 (Prony modes of a
 *                                                         stretched-exponential release)
 *   tau_s, beta (optional) replace tau1..3 and w1..3 by the three-mode Prony series that
 *   fits exp(-(t/tau_s)^beta) best over t = 0 and tau_s/100 .. 10 tau_s (tested within
 *   3 % for beta = 0.6 by tests/check_phototrap.c; exact for beta = 1)
 *   s    = a_f n + x                                      conducting fraction
 *   G    = G0 + G_T s                                     positive photoconductance (sign +1)
 *   G    = G0 (1 - (1 - r) s),  r = r0 exp(min(V,0)/V_w)  negative (sign -1): trapped charge
 *                                                         depletes the channel to a residual
 *                                                         fraction r that a negative gate
 *                                                         bias held while writing lowers
 *   I    = G V_read,   L = k_L max(0, |I| - I_L)^gamma_L  read current and light output above
 *                                                         a turn-on current I_L
 * V is the sum of the voltage drives on the device (gate, or the two terminals of a
 * memristor).
 * Linear regime: with filling = 0 and sigma_reset = 0, and while V reaches no erase,
 * depression or electrical write path (the `inert` hook below), the kinetics are linear with
 * the generation g constant between the edges of rectangular light pulses:
 *   dn/dt = g - n/tau_r - n/tau_c,   dm_k/dt = w_k n/tau_c - m_k/tau_k,
 * and G is affine in the state; linear_sys and linear_input give that system to the exact
 * islands of engine/exact.c (a matrix exponential per event instead of the integrator).
 * Units: S, s, V, m2, eV, W.  Sources: seeds 000 (ReS2 PEN, IWO), 002 (BP/CdS),
 * 003 (N-LEM); the presets in circuits/ carry their calibration.
 */
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core.h"

#define H_PLANCK 6.62607015e-34 /* J s */
#define C_LIGHT 299792458.0     /* m/s */
#define E_CHARGE 1.602176634e-19 /* C (J per eV) */

enum {
    P_G0, P_GT, P_SIGN, P_R0, P_VW, P_AF, P_SIGMA, P_SIGMA_RESET, P_EG, P_EU, P_ETA,
    P_TAU_R, P_TAU_C, P_FILL, P_TAU1, P_TAU2, P_TAU3, P_W1, P_W2, P_W3, P_VE, P_KE, P_XE, P_VD,
    P_KD, P_VP, P_KP,
    P_VREAD, P_KL, P_IL, P_GAMMA_L, P_NOISE_W, P_NOISE_E, P_NOISE_WA, P_NOISE_EA, P_D2D,
    P_AREA, P_GGATE, P_X0, P_TAUS, P_BETA, NP
};

static const opsin_param_def params[NP] = {
    [P_G0] = {"G0", "S", 1e-9, 0, INFINITY, 1e-15, 0.1, OPSIN_P_MIN_OPEN,
              "conductance with empty traps"},
    [P_GT] = {"G_T", "S", 100e-9, 0, INFINITY, 1e-15, 0.1, 0,
              "conductance added by full traps (sign +1)"},
    [P_SIGN] = {"sign", "", 1, -1, 1, 0, 0, OPSIN_P_INTEGER,
                "photoconductance sign: +1 positive, -1 negative (trapped charge depletes)"},
    [P_R0] = {"r0", "", 0.01, 0, 1, 0, 0, OPSIN_P_MIN_OPEN,
              "sign -1: residual fraction of G0 with full traps at V = 0"},
    [P_VW] = {"V_w", "V", INFINITY, 0, INFINITY, 0, 100, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
              "sign -1: gate voltage scale of the residual, r = r0 exp(min(V,0)/V_w)"},
    [P_AF] = {"a_f", "", 1, 0, INFINITY, 0, 0, 0,
              "conductance of free carriers relative to trapped"},
    [P_SIGMA] = {"sigma", "m2", 1e-20, 0, INFINITY, 1e-30, 1e-10, 0,
                 "write cross-section: generation per absorbed photon flux"},
    [P_SIGMA_RESET] = {"sigma_reset", "m2", 0, 0, INFINITY, 1e-30, 1e-10, 0,
                       "optical reset cross-section: detrapping per absorbed photon flux"},
    [P_EG] = {"Eg", "eV", 1.5, 0, 20, 0, 0, OPSIN_P_MIN_OPEN, "bandgap (absorption edge)"},
    [P_EU] = {"E_u", "eV", 0.02, 0, 1, 0, 0, OPSIN_P_MIN_OPEN, "Urbach tail width"},
    [P_ETA] = {"eta_ex", "1/eV", 1, 0, INFINITY, 0, 0, 0,
               "quantum yield per eV of photon energy above the gap"},
    [P_TAU_R] = {"tau_r", "s", 1e-3, 0, INFINITY, 1e-12, 1e3, OPSIN_P_MIN_OPEN,
                 "free-carrier recombination time"},
    [P_TAU_C] = {"tau_c", "s", 1e-3, 0, INFINITY, 1e-12, 1e4, OPSIN_P_MIN_OPEN,
                 "capture time into empty traps"},
    [P_FILL] = {"filling", "", 1, 0, 1, 0, 0, OPSIN_P_INTEGER,
                "1: capture slows as the traps fill, n (1 - x)/tau_c; 0: n/tau_c, the "
                "low-occupancy limit (x << 1), linear between events"},
    [P_TAU1] = {"tau1", "s", INFINITY, 0, INFINITY, 1e-9, 1e9, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
                "release time of mode 1 (\"open\": none)"},
    [P_TAU2] = {"tau2", "s", INFINITY, 0, INFINITY, 1e-9, 1e9, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
                "release time of mode 2"},
    [P_TAU3] = {"tau3", "s", INFINITY, 0, INFINITY, 1e-9, 1e9, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
                "release time of mode 3"},
    [P_W1] = {"w1", "", 1, 0, 1, 0, 0, 0, "share of captured carriers going to mode 1"},
    [P_W2] = {"w2", "", 0, 0, 1, 0, 0, 0, "share of mode 2"},
    [P_W3] = {"w3", "", 0, 0, 1, 0, 0, 0, "share of mode 3"},
    [P_VE] = {"V_e", "V", 10, -INFINITY, INFINITY, 0, 100, 0, "gate erase threshold"},
    [P_KE] = {"k_e", "1/(V s)", 0, 0, INFINITY, 1e-12, 1e6, 0,
              "erase rate per volt above V_e (occupancy removed per second at x >> x_e)"},
    [P_XE] = {"x_e", "", 1, 0, INFINITY, 0, 0, OPSIN_P_MIN_OPEN,
              "erase saturation occupancy: zero-order above it, first-order below"},
    [P_VD] = {"V_d", "V", 1, 0, INFINITY, 0, 100, 0,
              "depression threshold: a voltage below -V_d removes trapped carriers"},
    [P_KD] = {"k_d", "1/(V s)", 0, 0, INFINITY, 1e-12, 1e6, 0,
              "depression rate per volt below -V_d (zero-order like the erase)"},
    [P_VP] = {"V_p", "V", 1, -INFINITY, INFINITY, 0, 100, 0, "electrical write threshold"},
    [P_KP] = {"k_p", "1/(V s)", 0, 0, INFINITY, 1e-12, 1e6, 0,
              "electrical generation per volt above V_p"},
    [P_VREAD] = {"V_read", "V", 0.1, -INFINITY, INFINITY, 0, 100, 0, "read (drain) voltage"},
    [P_KL] = {"k_L", "", 0, 0, INFINITY, 0, 0, 0,
              "light output per A^gamma_L of read current above I_L (W/A^gamma_L)"},
    [P_IL] = {"I_L", "A", 0, 0, INFINITY, 1e-12, 1, 0, "turn-on current of the light output"},
    [P_GAMMA_L] = {"gamma_L", "", 1, 0, 10, 0, 0, 0, "nonlinearity of the light output"},
    [P_NOISE_W] = {"noise_w", "", 0, 0, 10, 0, 0, 0,
                   "relative std of each optical or electrical write pulse's generation"},
    [P_NOISE_E] = {"noise_e", "", 0, 0, 10, 0, 0, 0, "relative std of each erase pulse's rate"},
    [P_NOISE_WA] = {"noise_wa", "S", 0, 0, INFINITY, 1e-18, 1e-3, 0,
                    "additive write error: its variance per siemens written (std = "
                    "sqrt(noise_wa |dG|), shot-noise-like)"},
    [P_NOISE_EA] = {"noise_ea", "S", 0, 0, INFINITY, 1e-18, 1e-3, 0,
                    "additive erase error: its variance per siemens erased"},
    [P_D2D] = {"d2d", "", 0, 0, 10, 0, 0, 0,
               "device-to-device relative std of sigma and k_p (lognormal, per device)"},
    [P_AREA] = {"area", "m2", 0, 0, INFINITY, 1e-14, 1e-2, 0, "illuminated area (optical energy)"},
    [P_GGATE] = {"G_gate", "S", 0, 0, INFINITY, 1e-18, 1, 0,
                 "gate leakage conductance; 0: V is across the channel (two terminals)"},
    [P_X0] = {"x0", "", 0, 0, 1, 0, 0, 0,
              "initial trap occupancy (a programmed state), shared by the modes as w_k"},
    [P_TAUS] = {"tau_s", "s", INFINITY, 0, INFINITY, 1e-9, 1e9, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
                "stretched-exponential release exp(-(t/tau_s)^beta): sets tau1..3, w1..3"},
    [P_BETA] = {"beta", "", 1, 0.3, 1, 0, 0, 0, "stretch exponent of the release (with tau_s)"},
};

enum { S_N, S_M1, S_M2, S_M3, NS };
static const opsin_var_def states[NS] = {
    {"n", "", 1e-4, "free photocarriers (fraction of the trap density)"},
    {"m1", "", 1e-4, "trapped carriers in release mode 1"},
    {"m2", "", 1e-4, "trapped carriers in release mode 2"},
    {"m3", "", 1e-4, "trapped carriers in release mode 3"},
};

enum { O_G, O_I, O_L, O_X, O_N, O_V };
static const opsin_var_def outputs[] = {
    {"G", "S", 0, "channel conductance"},
    {"I", "A", 0, "read current G V_read"},
    {"L", "W", 0, "light output k_L max(0, |I| - I_L)^gamma_L"},
    {"x", "1", 0, "trap occupancy m1 + m2 + m3"},
    {"n", "1", 0, "free photocarriers"},
    {"V", "V", 0, "applied voltage (sum of voltage drives)"},
};

/* Per-component values drawn from the generator, and where the current pulse started. */
enum { AUX_WRITE, AUX_ERASE, AUX_D2D, AUX_X_ON, NAUX };

/* Absorbed photons per incident photon at a wavelength: Urbach tail below the gap, rising
 * with the excess energy above it (so that blue writes faster than red at equal power). */
static double yield(const double *p, double wavelength)
{
    double E = H_PLANCK * C_LIGHT / (wavelength * E_CHARGE); /* eV */
    double x = (E - p[P_EG]) / p[P_EU];
    double softplus = x > 30 ? x : log1p(exp(x));
    return p[P_ETA] * p[P_EU] * softplus;
}

/* Photon flux weight of one optical drive: lambda/(h c) eta(lambda). */
static double photon_weight(const opsin_comp *c, double wavelength)
{
    return wavelength / (H_PLANCK * C_LIGHT) * yield(c->p, wavelength);
}

static double occupancy(const opsin_comp *c, const double *y)
{
    return y[c->y_off + S_M1] + y[c->y_off + S_M2] + y[c->y_off + S_M3];
}

static double conductance(const opsin_comp *c, double t, const double *y)
{
    const double *p = c->p;
    double s = p[P_AF] * y[c->y_off + S_N] + occupancy(c, y);
    if (p[P_SIGN] > 0)
        return p[P_G0] + p[P_GT] * s;
    double V = opsin_comp_voltage(c, t);
    double r = p[P_R0] * (isinf(p[P_VW]) ? 1.0 : exp(fmin(V, 0.0) / p[P_VW]));
    return p[P_G0] * (1.0 - (1.0 - r) * s);
}

/* Least squares of the samples f by the modes exp(-t/tau_k) of the set `use` (a bit mask),
 * all weights >= 0; the max error, or INFINITY when a weight would be negative. */
static double prony_fit(const double *t, const double *f, size_t n, const double tau[3],
                        unsigned use, double w[3])
{
    double A[3][4] = {{0}}, e[64][3];
    if (n > 64)
        return INFINITY;
    size_t idx[3], m = 0;
    for (size_t k = 0; k < 3; k++)
        if (use & (1u << k))
            idx[m++] = k;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < 3; k++)
            e[i][k] = exp(-t[i] / tau[k]);
    for (size_t a = 0; a < m; a++) { /* normal equations, augmented */
        for (size_t b = 0; b < m; b++)
            for (size_t i = 0; i < n; i++)
                A[a][b] += e[i][idx[a]] * e[i][idx[b]];
        for (size_t i = 0; i < n; i++)
            A[a][3] += e[i][idx[a]] * f[i];
    }
    for (size_t a = 0; a < m; a++) { /* Gauss-Jordan on the m x m system, RHS in column 3 */
        double piv = A[a][a];
        if (!(fabs(piv) > 1e-300))
            return INFINITY;
        for (size_t b = 0; b < 4; b++)
            A[a][b] /= piv;
        for (size_t r = 0; r < m; r++) {
            double factor = A[r][a];
            if (r == a || factor == 0.0)
                continue;
            for (size_t b = 0; b < 4; b++)
                A[r][b] -= factor * A[a][b];
        }
    }
    w[0] = w[1] = w[2] = 0.0;
    for (size_t a = 0; a < m; a++) {
        if (A[a][3] < 0)
            return INFINITY;
        w[idx[a]] = A[a][3];
    }
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(w[0] * e[i][0] + w[1] * e[i][1] + w[2] * e[i][2] - f[i]));
    return worst;
}

/* The Prony series of exp(-(t/tau_s)^beta): time constants tau_s/r, tau_s and tau_s r with the
 * spread r searched on a log grid, weights by non-negative least squares over log-spaced
 * samples from tau_s/100 to 10 tau_s plus t = 0 (weighted, so that the weights sum to ~1,
 * as they must: every captured carrier goes to some mode), then normalised. */
static void prony_derive(double *p)
{
    enum { NS_ = 48, N0 = 8 }; /* samples, and copies of the t = 0 anchor */
    double t[NS_ + N0], f[NS_ + N0], best = INFINITY, tau[3], w[3], bt[3] = {0}, bw[3] = {0};
    for (size_t i = 0; i < NS_ + N0; i++) {
        t[i] = i < N0 ? 0.0 : p[P_TAUS] * pow(10.0, -2.0 + 3.0 * (double)(i - N0) / (NS_ - 1));
        f[i] = exp(-pow(t[i] / p[P_TAUS], p[P_BETA]));
    }
    for (int j = 0; j <= 24; j++) {
        double r = pow(10.0, 0.1 * j + 0.1);
        tau[0] = p[P_TAUS] / r;
        tau[1] = p[P_TAUS];
        tau[2] = p[P_TAUS] * r;
        for (unsigned use = 1; use < 8; use++) {
            double err = prony_fit(t, f, NS_ + N0, tau, use, w);
            if (err < best) {
                best = err;
                memcpy(bt, tau, sizeof bt);
                memcpy(bw, w, sizeof bw);
            }
        }
    }
    double sum = bw[0] + bw[1] + bw[2];
    for (size_t k = 0; k < 3; k++) {
        p[P_TAU1 + k] = bt[k];
        p[P_W1 + k] = bw[k] / sum;
    }
}

static int validate(double *p, char *msg, size_t len)
{
    if (!isinf(p[P_TAUS]))
        prony_derive(p);
    double w = p[P_W1] + p[P_W2] + p[P_W3];
    if (fabs(w - 1.0) > 1e-9) {
        snprintf(msg, len, "w1 + w2 + w3 = %g (expected 1: the release modes share every "
                 "captured carrier)", w);
        return -1;
    }
    if (p[P_SIGN] == 0) {
        snprintf(msg, len, "sign = 0 (expected +1 or -1)");
        return -1;
    }
    return 0;
}

/* Device-to-device variability: one lognormal factor per device, with mean 1. */
static void init(opsin_comp *c, double *y)
{
    y[c->y_off + S_N] = 0.0;
    for (size_t k = 0; k < 3; k++)
        y[c->y_off + S_M1 + k] = c->p[P_W1 + k] * c->p[P_X0];
    double s = c->p[P_D2D];
    c->aux[AUX_WRITE] = c->aux[AUX_ERASE] = 1.0;
    c->aux[AUX_D2D] = s > 0 ? exp(gsl_ran_gaussian(c->rng, s) - 0.5 * s * s) : 1.0;
}

/* The generation g (1/s) at t: light, and a voltage above V_p, times the pulse's write noise
 * and the device's variability. */
static double generation(const opsin_comp *c, double V, double F)
{
    const double *p = c->p;
    return c->aux[AUX_WRITE] * c->aux[AUX_D2D] *
           (p[P_SIGMA] * F + p[P_KP] * fmax(0.0, V - p[P_VP]));
}

static void rhs(const opsin_comp *c, double t, const double *y, double *ydot)
{
    const double *p = c->p;
    const double *m = y + c->y_off + S_M1;
    double n = y[c->y_off + S_N], x = occupancy(c, y);
    double V = opsin_comp_voltage(c, t);
    double F = opsin_comp_optical(c, t, photon_weight);
    double g = generation(c, V, F);
    double cap = n * (1.0 - p[P_FILL] * x) / p[P_TAU_C];
    double erase = p[P_KE] * fmax(0.0, V - p[P_VE]) + p[P_KD] * fmax(0.0, -V - p[P_VD]);
    double loss = c->aux[AUX_ERASE] * erase / (x + p[P_XE]) + p[P_SIGMA_RESET] * F;
    ydot[c->y_off + S_N] = g - n / p[P_TAU_R] - cap;
    for (size_t k = 0; k < 3; k++) {
        double tau = p[P_TAU1 + k];
        ydot[c->y_off + S_M1 + k] =
            p[P_W1 + k] * cap - (isinf(tau) ? 0.0 : m[k] / tau) - loss * m[k];
    }
}

static double output(const opsin_comp *c, size_t k, double t, const double *y)
{
    double G = conductance(c, t, y), I = G * c->p[P_VREAD];
    switch (k) {
    case O_G: return G;
    case O_I: return I;
    case O_L: return c->p[P_KL] * pow(fmax(0.0, fabs(I) - c->p[P_IL]), c->p[P_GAMMA_L]);
    case O_X: return occupancy(c, y);
    case O_N: return y[c->y_off + S_N];
    default: return opsin_comp_voltage(c, t);
    }
}

static double port_value(const opsin_comp *c, double t, const double *y)
{
    return conductance(c, t, y);
}

/* Current drawn by the voltage drives: gate leakage, or the channel itself. */
static double terminal_i(const opsin_comp *c, double t, const double *y)
{
    double V = opsin_comp_voltage(c, t);
    return c->p[P_GGATE] > 0 ? c->p[P_GGATE] * V : conductance(c, t, y) * V;
}

static double area(const opsin_comp *c)
{
    return c->p[P_AREA];
}

/* What a pulse of this drive is: a write (light, or a voltage above V_p) or an erase (a
 * voltage above V_e), or neither. */
enum { PULSE_NONE, PULSE_WRITE, PULSE_ERASE };

static int pulse_kind(const opsin_comp *c, const opsin_drive *dv, double level)
{
    const double *p = c->p;
    if (dv->kind == OPSIN_SRC_OPTICAL)
        return p[P_SIGMA] > 0 ? PULSE_WRITE : PULSE_NONE;
    if (dv->kind != OPSIN_SRC_VOLTAGE)
        return PULSE_NONE;
    if ((p[P_KE] > 0 && level > p[P_VE]) || (p[P_KD] > 0 && -level > p[P_VD]))
        return PULSE_ERASE;
    return p[P_KP] > 0 && level > p[P_VP] ? PULSE_WRITE : PULSE_NONE;
}

/* Moves the occupancy by a conductance error whose variance is `variance` (S) per siemens the
 * pulse wrote or erased (the change of occupancy since it started), like the shot noise of the
 * trapping events: a pulse that writes little errs little.  Shared among the release modes by
 * their weights, never below empty. */
static void additive_error(opsin_comp *c, double variance, double *y)
{
    const double *p = c->p;
    double slope = p[P_SIGN] > 0 ? p[P_GT] : p[P_G0] * (1.0 - p[P_R0]); /* dG/dx */
    double x = y[c->y_off + S_M1] + y[c->y_off + S_M2] + y[c->y_off + S_M3];
    double dG = slope * fabs(x - c->aux[AUX_X_ON]);
    if (!(variance > 0) || !(slope > 0) || !(dG > 0))
        return;
    double dx = gsl_ran_gaussian(c->rng, sqrt(variance * dG) / slope);
    for (size_t k = 0; k < 3; k++)
        y[c->y_off + S_M1 + k] = fmax(0.0, y[c->y_off + S_M1 + k] + p[P_W1 + k] * dx);
}

/* Write noise: each write or erase pulse draws its own efficiency when it starts
 * (cycle-to-cycle), and leaves an additive error, scaled to what it wrote, when it ends. */
static void on_drive(opsin_comp *c, size_t drive, int on, double amplitude, double t, double *y)
{
    (void)t;
    const double *p = c->p;
    int kind = pulse_kind(c, &c->drives[drive], amplitude);
    if (on && kind != PULSE_NONE) /* where the pulse starts, for its additive error */
        c->aux[AUX_X_ON] = y[c->y_off + S_M1] + y[c->y_off + S_M2] + y[c->y_off + S_M3];
    if (on && kind == PULSE_WRITE && p[P_NOISE_W] > 0)
        c->aux[AUX_WRITE] = fmax(0.0, 1.0 + gsl_ran_gaussian(c->rng, p[P_NOISE_W]));
    else if (on && kind == PULSE_ERASE && p[P_NOISE_E] > 0)
        c->aux[AUX_ERASE] = fmax(0.0, 1.0 + gsl_ran_gaussian(c->rng, p[P_NOISE_E]));
    else if (!on && kind == PULSE_WRITE)
        additive_error(c, p[P_NOISE_WA], y);
    else if (!on && kind == PULSE_ERASE)
        additive_error(c, p[P_NOISE_EA], y);
}

/* Light acts through sigma (write) and sigma_reset (reset); a voltage through the erase
 * (k_e above V_e), the depression (k_d below -V_d), the electrical write (k_p above V_p) or,
 * negative and with sign -1, the residual (V_w).  A drive that reaches none of them changes
 * nothing: the reason names the paths it misses. */
static int inert(const double *p, int kind, double lo, double hi, char *why, size_t len)
{
    if (kind == OPSIN_SRC_OPTICAL) {
        if (p[P_SIGMA] > 0 || p[P_SIGMA_RESET] > 0)
            return 0;
        snprintf(why, len, "sigma = 0 and sigma_reset = 0: light neither writes nor resets it");
        return 1;
    }
    if (kind != OPSIN_SRC_VOLTAGE || (p[P_KE] > 0 && hi > p[P_VE]) ||
        (p[P_KD] > 0 && -lo > p[P_VD]) || (p[P_KP] > 0 && hi > p[P_VP]) ||
        (p[P_SIGN] < 0 && !isinf(p[P_VW]) && lo < 0))
        return 0;
    if (!(p[P_KE] > 0) && !(p[P_KD] > 0) && !(p[P_KP] > 0)) {
        snprintf(why, len, "k_e = k_d = k_p = 0: no erase, depression or electrical write path");
        return 1;
    }
    size_t used = (size_t)snprintf(why, len, "its voltage, %g V .. %g V, reaches no path (", lo,
                                   hi);
    const char *sep = "";
    if (p[P_KE] > 0 && used < len) {
        used += (size_t)snprintf(why + used, len - used, "erase above V_e = %g V", p[P_VE]);
        sep = ", ";
    }
    if (p[P_KD] > 0 && used < len) {
        used += (size_t)snprintf(why + used, len - used, "%sdepression below -V_d = %g V", sep,
                                 -p[P_VD]);
        sep = ", ";
    }
    if (p[P_KP] > 0 && used < len)
        used += (size_t)snprintf(why + used, len - used, "%swrite above V_p = %g V", sep,
                                 p[P_VP]);
    if (used < len)
        snprintf(why + used, len - used, ")");
    return 1;
}

/* The linear regime (filling = 0, no optical reset): with y = (n, m1, m2, m3) and the
 * generation g as input, dy/dt = A y + b g,
 *   A = [[-(1/tau_r + 1/tau_c), 0, 0, 0], [w_k/tau_c, -1/tau_k (0 when open)] ...],  b = e_n;
 * the erase, depression and electrical write terms are zero because the exact island takes
 * only voltages that the `inert` hook calls inert.  c and d (a current's terminal) unused. */
static int linear_sys(const double *p, double *A, double *b, double *c, double *d)
{
    if (p[P_FILL] != 0.0 || p[P_SIGMA_RESET] != 0.0)
        return 0;
    memset(A, 0, NS * NS * sizeof *A);
    A[S_N * NS + S_N] = -(1.0 / p[P_TAU_R] + 1.0 / p[P_TAU_C]);
    for (size_t k = 0; k < 3; k++) {
        double tau = p[P_TAU1 + k];
        A[(S_M1 + k) * NS + S_N] = p[P_W1 + k] / p[P_TAU_C];
        A[(S_M1 + k) * NS + S_M1 + k] = isinf(tau) ? 0.0 : -1.0 / tau;
    }
    for (size_t i = 0; i < NS; i++) {
        b[i] = i == S_N ? 1.0 : 0.0;
        c[i] = 0.0;
    }
    *d = 0.0;
    return 1;
}

/* The input of the linear regime: the generation of the present segment (light only: a
 * voltage above V_p is not inert, so it never reaches an exact island). */
static double linear_q(const opsin_comp *c, double t)
{
    return generation(c, opsin_comp_voltage(c, t), opsin_comp_optical(c, t, photon_weight));
}

static void linear_why(const double *p, char *why, size_t len)
{
    if (p[P_FILL] != 0.0)
        snprintf(why, len, "filling = 1: capture n (1 - x)/tau_c slows as the traps fill, "
                 "which is not linear");
    else
        snprintf(why, len, "sigma_reset = %g m2: the light's reset rate multiplies the trapped "
                 "carriers, which is not linear", p[P_SIGMA_RESET]);
}

static const opsin_lin_input lin_input = {
    .kind = OPSIN_SRC_OPTICAL,
    .q = linear_q,
    .why = linear_why,
    .expect = "a phototrap with filling = 0 and sigma_reset = 0 alone in its island, with no "
              "input, driven by rectangular light pulses and by rectangular voltage pulses "
              "that reach no erase, depression or write path",
};

const opsin_model opsin_model_phototrap = {
    .name = "phototrap",
    .summary = "optoelectronic synapse: photocarrier trapping (PPC), gate erase, UV reset",
    .equations =
        "eta = eta_ex E_u ln(1 + exp((E - Eg)/E_u)),  E = h c/lambda   (Urbach tail)\n"
        "F = sum P lambda/(h c) eta,  g = k_n d sigma F + k_p max(0, V - V_p)\n"
        "dn/dt = g - n/tau_r - n (1 - f x)/tau_c   (f: filling, 1; 0: x << 1, linear)\n"
        "dm_k/dt = w_k n (1 - f x)/tau_c - m_k/tau_k - (e + sigma_reset F) m_k\n"
        "e = (k_e max(0, V - V_e) + k_d max(0, -V - V_d))/(x + x_e)   (zero-order for x >> x_e)\n"
        "x = m1 + m2 + m3,  s = a_f n + x\n"
        "G = G0 + G_T s (sign +1);  G = G0 (1 - (1 - r0 exp(min(V,0)/V_w)) s) (sign -1)\n"
        "I = G V_read,  L = k_L max(0, |I| - I_L)^gamma_L\n"
        "sources: seeds 000 (ReS2 PEN, IWO), 002 (BP/CdS), 003 (N-LEM)",
    OPSIN_MODEL_TABLES(params, states, outputs),
    .accepts = OPSIN_IN_OPTICAL | OPSIN_IN_VOLTAGE,
    .port = OPSIN_PORT_CONDUCTANCE,
    .naux = NAUX,
    .random = 1,
    .validate = validate,
    .init = init,
    .rhs = rhs,
    .output = output,
    .port_value = port_value,
    .terminal_i = terminal_i,
    .area = area,
    .on_drive = on_drive,
    .inert = inert,
    .linear_sys = linear_sys,
    .linear_input = &lin_input,
};
