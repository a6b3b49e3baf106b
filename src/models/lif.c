/* lif.c: leaky integrate-and-fire neuron circuit with a conductance (or voltage) input.
 *
 *   C_m dV/dt = -G_L (V - E_L) + I_syn + I_ext            (not refractory)
 *   I_syn     = (G_in + G_dev)(V_in - V)                  input device offers a conductance
 *   I_syn     = G_in (V_in + v_dev - V)                   input device offers a voltage
 *   V reaches V_th (upward, located by root finding) -> spike, V := V_reset, and V is held
 *   at V_reset for t_ref.
 * For constant input the firing rate is f = 1/(t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th)))
 * with tau = C_m/(G_L + G), V_inf = (G_L E_L + G V_in)/(G_L + G).  Units: F, S, V, s, A.
 * Source: the I&F neuron circuits of seed 000 (ReS2 photo-excitable neuristor, Fig. 1b), here
 * in the textbook leaky form.
 */
#include "core.h"

enum { P_CM, P_GL, P_EL, P_GIN, P_VIN, P_VTH, P_VRESET, P_TREF, P_INPUT, NP };

static const opsin_param_def params[NP] = {
    [P_CM] = {"C_m", "F", 100e-12, 0, INFINITY, 1e-12, 10e-6, OPSIN_P_MIN_OPEN,
              "membrane capacitance"},
    [P_GL] = {"G_L", "S", 10e-9, 0, INFINITY, 1e-12, 1e-3, 0, "leak conductance"},
    [P_EL] = {"E_L", "V", 0.0, -INFINITY, INFINITY, 0, 100, 0, "leak (resting) potential"},
    [P_GIN] = {"G_in", "S", 0.0, 0, INFINITY, 1e-12, 1e-3, 0,
               "fixed input conductance to V_in (the input device adds to it)"},
    [P_VIN] = {"V_in", "V", 1.0, -INFINITY, INFINITY, 0, 100, 0, "input reversal potential"},
    [P_VTH] = {"V_th", "V", 0.5, -INFINITY, INFINITY, 0, 100, 0, "spike threshold"},
    [P_VRESET] = {"V_reset", "V", 0.0, -INFINITY, INFINITY, 0, 100, 0,
                  "reset potential after a spike"},
    [P_TREF] = {"t_ref", "s", 2e-3, 0, INFINITY, 1e-9, 10, 0,
                "refractory period (V held at V_reset)"},
    [P_INPUT] = {"input", "", NAN, 0, 0, 0, 0, OPSIN_P_REF,
                 "id of a device whose conductance adds to G_in (or whose voltage adds to V_in)"},
};

static const opsin_var_def states[] = {{"V", "V", 1.0, "membrane potential"}};
enum { O_V, O_ISYN, O_IEXT };
static const opsin_var_def outputs[] = {
    [O_V] = {"V", "V", 0, "membrane potential"},
    [O_ISYN] = {"I_syn", "A", 0, "input current through G_in and the input device"},
    [O_IEXT] = {"I_ext", "A", 0,
                "external drive: the sum of the current sources and connections on the neuron"},
};

/* Current through the input branch at membrane potential V: the device either adds
 * conductance or input voltage. */
static double input_current_at(const opsin_comp *c, double t, const double *y, double V)
{
    const double *p = c->p;
    if (!c->in)
        return p[P_GIN] * (p[P_VIN] - V);
    double dev = c->in->def->model->port_value(c->in, t, y);
    if (c->in->def->model->port == OPSIN_PORT_CONDUCTANCE)
        return (p[P_GIN] + dev) * (p[P_VIN] - V);
    return p[P_GIN] * (p[P_VIN] + dev - V);
}

/* The same at the present V. */
static double input_current(const opsin_comp *c, double t, const double *y)
{
    return input_current_at(c, t, y, y[c->y_off]);
}

/* Total current charging C_m were the membrane at V: leak, input branch and sources.  One
 * expression for the right-hand side and the threshold test, so that the two agree to the
 * last bit. */
static double membrane_current(const opsin_comp *c, double t, const double *y, double V)
{
    const double *p = c->p;
    return -p[P_GL] * (V - p[P_EL]) + input_current_at(c, t, y, V) + opsin_comp_current(c, t);
}

static int validate(double *p, char *msg, size_t len)
{
    if (p[P_VRESET] >= p[P_VTH]) {
        snprintf(msg, len, "V_reset = %g V is not below V_th = %g V (expected V_reset < V_th)",
                 p[P_VRESET], p[P_VTH]);
        return -1;
    }
    return 0;
}

static void init(opsin_comp *c, double *y)
{
    y[c->y_off] = c->p[P_EL] < c->p[P_VTH] ? c->p[P_EL] : c->p[P_VRESET];
}

static void rhs(const opsin_comp *c, double t, const double *y, double *ydot)
{
    const double *p = c->p;
    double V = y[c->y_off];
    if (c->mode) { /* refractory: clamped */
        ydot[c->y_off] = 0.0;
        return;
    }
    ydot[c->y_off] = membrane_current(c, t, y, V) / p[P_CM];
}

/* The probe-able quantities: I_ext is what drives the neuron from outside, so a lab can plot
 * the step beside V. */
static double output(const opsin_comp *c, size_t k, double t, const double *y)
{
    switch (k) {
    case O_V: return y[c->y_off];
    case O_ISYN: return input_current(c, t, y);
    default: return opsin_comp_current(c, t);
    }
}

static double terminal_v(const opsin_comp *c, double t, const double *y)
{
    (void)t;
    return y[c->y_off];
}

/* Only upward crossings count, none while refractory (V is clamped below V_th), and none
 * unless the drive at V = V_th charges the membrane: at or below rheobase (V_inf <= V_th) V
 * approaches V_th and never reaches it, so V - V_th >= 0 there would be the solver's error
 * around V_th, not a spike (rate 0, as the closed form says). */
static void roots(const opsin_comp *c, double t, const double *y, double *g)
{
    int can_cross = !c->mode && membrane_current(c, t, y, c->p[P_VTH]) > 0.0;
    g[0] = can_cross ? y[c->y_off] - c->p[P_VTH] : -1.0;
}

static opsin_root_action on_root(opsin_comp *c, double t, double *y)
{
    opsin_root_action a = {1, 0.0};
    y[c->y_off] = c->p[P_VRESET];
    if (c->p[P_TREF] > 0) {
        c->mode = 1;
        a.wake_at = t + c->p[P_TREF];
    }
    return a;
}

static void on_wake(opsin_comp *c, double t, double *y)
{
    (void)t;
    (void)y;
    c->mode = 0;
}

/* G = G_L + G_in: tau = C_m / G, V relaxes to (G_L E_L + G_in V_in) / G, and a current I
 * moves that by I / G. */
static int linear(const double *p, opsin_lin_neuron *out)
{
    double G = p[P_GL] + p[P_GIN];
    if (!(G > 0))
        return 0;
    *out = (opsin_lin_neuron){p[P_CM] / G, (p[P_GL] * p[P_EL] + p[P_GIN] * p[P_VIN]) / G,
                              1.0 / G, p[P_VTH], p[P_VRESET], p[P_TREF],
                              p[P_EL] < p[P_VTH] ? p[P_EL] : p[P_VRESET]};
    return 1;
}

const opsin_model opsin_model_lif = {
    .name = "lif",
    .summary = "leaky integrate-and-fire neuron circuit; spikes by root finding",
    .equations =
        "C_m dV/dt = -G_L (V - E_L) + I_syn + I_ext\n"
        "I_syn = (G_in + G_dev)(V_in - V)   (input device offers a conductance G_dev)\n"
        "I_syn = G_in (V_in + v_dev - V)    (input device offers a voltage v_dev)\n"
        "V = V_th (upward) -> spike; V := V_reset, held for t_ref\n"
        "rate f = 1/(t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th))), tau = C_m/(G_L+G)\n"
        "source: I&F neuron circuits of seed 000 (ReS2 neuristor, Fig. 1b)",
    OPSIN_MODEL_TABLES(params, states, outputs),
    .accepts = OPSIN_IN_CURRENT,
    .port = OPSIN_PORT_NONE,
    .nroots = 1,
    .validate = validate,
    .init = init,
    .rhs = rhs,
    .output = output,
    .terminal_v = terminal_v,
    .roots = roots,
    .on_root = on_root,
    .on_wake = on_wake,
    .linear = linear,
};
