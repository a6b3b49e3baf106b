/* model_rc.c: a test model, a linear RC membrane, to show that a model is one file plus one
 * registry line: tests/Makefile.inc builds tests/check_model_rc with this file and
 * -D'OPSIN_EXTRA_MODELS(X)=X(rc)', and nothing else in opsin knows about it.
 *
 *   C dV/dt = I - (V - E)/R        I: the current driven into the membrane (A)
 * A current pulse of amplitude I from t0 charges it as V = E + I R (1 - exp(-(t - t0)/(R C))).
 * The model counts the pulses it has received in its private state (naux = 1).
 */
#include "core.h"

enum { P_C, P_R, P_E, NP };

static const opsin_param_def params[NP] = {
    [P_C] = {"C", "F", 1e-9, 0, INFINITY, 1e-15, 1, OPSIN_P_MIN_OPEN, "membrane capacitance"},
    [P_R] = {"R", "ohm", 1e6, 0, INFINITY, 1, 1e12, OPSIN_P_MIN_OPEN, "membrane resistance"},
    [P_E] = {"E", "V", 0.0, -INFINITY, INFINITY, 0, 100, 0, "resting potential"},
};

static const opsin_var_def states[] = {{"V", "V", 1e-3, "membrane potential"}};

enum { O_V, O_IR, O_PULSES };
static const opsin_var_def outputs[] = {
    [O_V] = {"V", "V", 0, "membrane potential"},
    [O_IR] = {"i_R", "A", 0, "current through R, (V - E)/R"},
    [O_PULSES] = {"pulses", "1", 0, "current pulses started so far"},
};

enum { AUX_PULSES, NAUX };

/* At rest: V = E, no pulse seen. */
static void init(opsin_comp *c, double *y)
{
    y[c->y_off] = c->p[P_E];
    c->aux[AUX_PULSES] = 0.0;
}

/* C dV/dt = I - (V - E)/R. */
static void rhs(const opsin_comp *c, double t, const double *y, double *ydot)
{
    const double *p = c->p;
    ydot[c->y_off] = (opsin_comp_current(c, t) - (y[c->y_off] - p[P_E]) / p[P_R]) / p[P_C];
}

/* V, the leak current, or the pulse count from the private state. */
static double output(const opsin_comp *c, size_t k, double t, const double *y)
{
    (void)t;
    switch (k) {
    case O_V: return y[c->y_off];
    case O_IR: return (y[c->y_off] - c->p[P_E]) / c->p[P_R];
    default: return c->aux[AUX_PULSES];
    }
}

/* The membrane voltage, for the energy of current sources. */
static double terminal_v(const opsin_comp *c, double t, const double *y)
{
    (void)t;
    return y[c->y_off];
}

/* Counts the pulses that start. */
static void on_drive(opsin_comp *c, size_t drive, int on, double amplitude, double t, double *y)
{
    (void)drive;
    (void)amplitude;
    (void)t;
    (void)y;
    c->aux[AUX_PULSES] += on;
}

const opsin_model opsin_model_rc = {
    .name = "rc",
    .summary = "test model: linear RC membrane driven by a current",
    .equations = "C dV/dt = I - (V - E)/R\n"
                 "pulse I from t0: V = E + I R (1 - exp(-(t - t0)/(R C)))",
    OPSIN_MODEL_TABLES(params, states, outputs),
    .accepts = OPSIN_IN_CURRENT,
    .port = OPSIN_PORT_NONE,
    .naux = NAUX,
    .init = init,
    .rhs = rhs,
    .output = output,
    .terminal_v = terminal_v,
    .on_drive = on_drive,
};
