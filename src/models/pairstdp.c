/* pairstdp.c: phenomenological synapse with the trace-based pair STDP rule.
 *
 * Pre and post spikes arrive as voltage pulses on the synapse: a pulse of positive amplitude
 * is a presynaptic spike, one of negative amplitude a postsynaptic spike (the net device
 * voltage V_pre - V_post of the stdp protocol).  Between spikes the traces decay,
 *   dx_pre/dt = -x_pre/tau_plus,   dx_post/dt = -x_post/tau_minus,   dW/dt = 0;
 * at a pre spike W -= A_minus x_post f_-(W) and x_pre += 1 (x_pre := 1 with nearest-spike
 * pairing); at a post spike W += A_plus x_pre f_+(W) and x_post += 1 (or := 1).
 * Hard bounds (soft = 0): f = 1, then W is clipped to [W_min, W_max]; soft bounds (soft = 1):
 * f_+ = (W_max - W)/(W_max - W_min), f_- = (W - W_min)/(W_max - W_min).
 * For one pair, dW = A_plus exp(-dt/tau_plus) for dt = t_post - t_pre > 0 and
 * -A_minus exp(dt/tau_minus) for dt < 0.  W is a conductance (S), offered to a neuron's input.
 * Source: the pair-based rule (Song, Miller and Abbott 2000) used for comparison with the
 * physical devices of seeds 000 and 002.
 */
#include "core.h"

enum { P_AP, P_AM, P_TP, P_TM, P_W0, P_WMIN, P_WMAX, P_NEAREST, P_SOFT, NP };

static const opsin_param_def params[NP] = {
    [P_AP] = {"A_plus", "S", 1e-9, 0, INFINITY, 1e-15, 1e-3, 0,
              "potentiation per pair at dt = 0+"},
    [P_AM] = {"A_minus", "S", 1.05e-9, 0, INFINITY, 1e-15, 1e-3, 0,
              "depression per pair at dt = 0-"},
    [P_TP] = {"tau_plus", "s", 20e-3, 0, INFINITY, 1e-6, 10, OPSIN_P_MIN_OPEN,
              "potentiation time constant"},
    [P_TM] = {"tau_minus", "s", 20e-3, 0, INFINITY, 1e-6, 10, OPSIN_P_MIN_OPEN,
              "depression time constant"},
    [P_W0] = {"W0", "S", 50e-9, 0, INFINITY, 1e-15, 1, 0, "initial weight"},
    [P_WMIN] = {"W_min", "S", 0, 0, INFINITY, 1e-15, 1, 0, "lower bound of the weight"},
    [P_WMAX] = {"W_max", "S", 100e-9, 0, INFINITY, 1e-15, 1, OPSIN_P_MIN_OPEN,
                "upper bound of the weight"},
    [P_NEAREST] = {"nearest", "", 0, 0, 1, 0, 0, OPSIN_P_INTEGER,
                   "1: nearest-spike pairing (trace set to 1); 0: all-to-all (trace += 1)"},
    [P_SOFT] = {"soft", "", 0, 0, 1, 0, 0, OPSIN_P_INTEGER,
                "1: soft (multiplicative) bounds; 0: hard bounds (clipping)"},
};

enum { S_XPRE, S_XPOST, S_W, NS };
static const opsin_var_def states[NS] = {
    {"x_pre", "", 1e-3, "presynaptic trace"},
    {"x_post", "", 1e-3, "postsynaptic trace"},
    {"W", "S", 1e-12, "weight"},
};
static const opsin_var_def outputs[] = {
    {"W", "S", 0, "weight (a conductance)"},
    {"x_pre", "1", 0, "presynaptic trace"},
    {"x_post", "1", 0, "postsynaptic trace"},
};

static int validate(double *p, char *msg, size_t len)
{
    if (!(p[P_WMIN] < p[P_WMAX]) || p[P_W0] < p[P_WMIN] || p[P_W0] > p[P_WMAX]) {
        snprintf(msg, len, "W_min = %g S, W0 = %g S, W_max = %g S (expected W_min <= W0 <= "
                 "W_max and W_min < W_max)", p[P_WMIN], p[P_W0], p[P_WMAX]);
        return -1;
    }
    return 0;
}

static void init(opsin_comp *c, double *y)
{
    y[c->y_off + S_XPRE] = y[c->y_off + S_XPOST] = 0.0;
    y[c->y_off + S_W] = c->p[P_W0];
}

static void rhs(const opsin_comp *c, double t, const double *y, double *ydot)
{
    (void)t;
    ydot[c->y_off + S_XPRE] = -y[c->y_off + S_XPRE] / c->p[P_TP];
    ydot[c->y_off + S_XPOST] = -y[c->y_off + S_XPOST] / c->p[P_TM];
    ydot[c->y_off + S_W] = 0.0;
}

static double output(const opsin_comp *c, size_t k, double t, const double *y)
{
    (void)t;
    return y[c->y_off + (k == 0 ? S_W : k == 1 ? S_XPRE : S_XPOST)];
}

static double port_value(const opsin_comp *c, double t, const double *y)
{
    return output(c, 0, t, y);
}

/* A spike: the weight moves by the other side's trace, then this side's trace jumps. */
static void on_drive(opsin_comp *c, size_t drive, int on, double amplitude, double t, double *y)
{
    (void)drive;
    (void)t;
    if (!on || amplitude == 0.0)
        return;
    const double *p = c->p;
    double *W = &y[c->y_off + S_W], span = p[P_WMAX] - p[P_WMIN];
    int pre = amplitude > 0;
    if (pre) {
        double f = p[P_SOFT] > 0 ? (*W - p[P_WMIN]) / span : 1.0;
        *W -= p[P_AM] * y[c->y_off + S_XPOST] * f;
    } else {
        double f = p[P_SOFT] > 0 ? (p[P_WMAX] - *W) / span : 1.0;
        *W += p[P_AP] * y[c->y_off + S_XPRE] * f;
    }
    *W = fmin(p[P_WMAX], fmax(p[P_WMIN], *W));
    double *x = &y[c->y_off + (pre ? S_XPRE : S_XPOST)];
    *x = p[P_NEAREST] > 0 ? 1.0 : *x + 1.0;
}

const opsin_model opsin_model_pairstdp = {
    .name = "pairstdp",
    .summary = "phenomenological synapse: trace-based pair STDP (all-to-all or nearest spike)",
    .equations =
        "dx_pre/dt = -x_pre/tau_plus,  dx_post/dt = -x_post/tau_minus\n"
        "pre spike (positive voltage pulse):  W -= A_minus x_post f-(W); x_pre += 1 (:= 1 nearest)\n"
        "post spike (negative voltage pulse): W += A_plus x_pre f+(W);  x_post += 1 (:= 1 nearest)\n"
        "hard bounds: f = 1, W clipped to [W_min, W_max]; soft: f+ = (W_max-W)/span, f- = (W-W_min)/span\n"
        "one pair: dW = A_plus exp(-dt/tau_plus) (dt > 0), -A_minus exp(dt/tau_minus) (dt < 0)\n"
        "source: pair-based STDP (Song, Miller and Abbott 2000), for comparison with the devices",
    OPSIN_MODEL_TABLES(params, states, outputs),
    .accepts = OPSIN_IN_VOLTAGE,
    .port = OPSIN_PORT_CONDUCTANCE,
    .pulse_spikes = 1,
    .validate = validate,
    .init = init,
    .rhs = rhs,
    .output = output,
    .port_value = port_value,
    .on_drive = on_drive,
};
