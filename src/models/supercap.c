/* supercap.c: supercapacitor synapse with charge redistribution, self-discharge, optional
 * series resistance and a tunable regulating resistor in parallel.
 *
 *   terminal: u   = R_reg (I R_s + v1) / (R_reg + R_s)     (R_reg open: u = I R_s + v1)
 *             i_c = (I R_reg - v1) / (R_reg + R_s)         (R_reg open: i_c = I)
 *   C1 dv1/dt = i_c - v1/R_sd - (v1 - w)/R_d               double layer (fast)
 *   C2 dw/dt  = (v1 - w)/R_d                               slow (redistribution) branch
 * With R_s = 0 this is C1 dv/dt = I - v/R_reg - v/R_sd - (v - w)/R_d.  I is the current
 * driven into the terminal (A); u, the postsynaptic voltage (PSV), is the probe `v` and the
 * voltage offered to a neuron's input.  Units: F, ohm, V, A.  R_reg and R_sd accept "open".
 * Source: seed 004 (MXene flexible energy-storage synapse), u(t) = (Q0 - int u/R dt)/C,
 * extended by the slow branch that gives paired-pulse facilitation and long retention.
 */
#include "core.h"

enum { P_C1, P_C2, P_RD, P_RSD, P_RREG, P_RS, NP };

static const opsin_param_def params[NP] = {
    [P_C1] = {"C1", "F", 10e-6, 0, INFINITY, 1e-9, 1, OPSIN_P_MIN_OPEN,
              "double-layer capacitance"},
    [P_C2] = {"C2", "F", 1e-3, 0, INFINITY, 1e-9, 10, OPSIN_P_MIN_OPEN, "slow-branch capacitance"},
    [P_RD] = {"R_d", "ohm", 1e3, 0, INFINITY, 1e-3, 1e9, OPSIN_P_MIN_OPEN,
              "redistribution resistance between C1 and C2"},
    [P_RSD] = {"R_sd", "ohm", INFINITY, 0, INFINITY, 1, 1e12, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
               "self-discharge resistance across C1 (\"open\": none)"},
    [P_RREG] = {"R_reg", "ohm", INFINITY, 0, INFINITY, 1, 1e9, OPSIN_P_MIN_OPEN | OPSIN_P_OPEN,
                "regulating resistor in parallel with the device (\"open\": none)"},
    [P_RS] = {"R_s", "ohm", 0.0, 0, INFINITY, 1e-3, 1e6, 0,
              "series (equivalent series) resistance"},
};

enum { S_V1, S_W };
static const opsin_var_def states[] = {
    {"v1", "V", 0.1, "double-layer (C1) voltage"},
    {"w", "V", 0.1, "slow-branch (C2) voltage"},
};
enum { O_V, O_V1, O_W, O_I, O_Q };
static const opsin_var_def outputs[] = {
    {"v", "V", 0, "terminal voltage (postsynaptic voltage, PSV)"},
    {"v1", "V", 0, "double-layer voltage"},
    {"w", "V", 0, "slow-branch voltage"},
    {"i", "A", 0, "current driven into the terminal"},
    {"q", "C", 0, "stored charge C1 v1 + C2 w"},
};

/* Terminal voltage and the current into C1 for drive current I; the open limit is taken
 * explicitly so that R_reg = +inf never produces inf/inf. */
static void terminal(const double *p, double I, double v1, double *u, double *ic)
{
    double R = p[P_RREG], Rs = p[P_RS];
    if (isinf(R)) {
        *u = I * Rs + v1;
        *ic = I;
        return;
    }
    *u = R * (I * Rs + v1) / (R + Rs);
    *ic = (I * R - v1) / (R + Rs);
}

static void init(opsin_comp *c, double *y)
{
    y[c->y_off + S_V1] = 0.0;
    y[c->y_off + S_W] = 0.0;
}

static void rhs(const opsin_comp *c, double t, const double *y, double *ydot)
{
    const double *p = c->p;
    double v1 = y[c->y_off + S_V1], w = y[c->y_off + S_W], u, ic;
    terminal(p, opsin_comp_current(c, t), v1, &u, &ic);
    double i_d = (v1 - w) / p[P_RD];
    ydot[c->y_off + S_V1] = (ic - v1 / p[P_RSD] - i_d) / p[P_C1];
    ydot[c->y_off + S_W] = i_d / p[P_C2];
}

static double output(const opsin_comp *c, size_t k, double t, const double *y)
{
    const double *p = c->p;
    double v1 = y[c->y_off + S_V1], w = y[c->y_off + S_W], I = opsin_comp_current(c, t), u, ic;
    terminal(p, I, v1, &u, &ic);
    switch (k) {
    case O_V: return u;
    case O_V1: return v1;
    case O_W: return w;
    case O_I: return I;
    default: return p[P_C1] * v1 + p[P_C2] * w;
    }
}

static double port_value(const opsin_comp *c, double t, const double *y)
{
    return output(c, O_V, t, y);
}

/* Between events the device is linear in (v1, w) for a constant I, and so is u: the rows of
 * rhs and terminal above as coefficients (R_reg open as its limit, like terminal). */
static int linear_sys(const double *p, double *A, double *b, double *c, double *d)
{
    double R = p[P_RREG], Rs = p[P_RS], g = isinf(R) ? 0.0 : 1.0 / (R + Rs);
    double share = isinf(R) ? 1.0 : R / (R + Rs); /* of I into C1, and of v1 in u */
    A[0] = -(g + 1.0 / p[P_RSD] + 1.0 / p[P_RD]) / p[P_C1];
    A[1] = 1.0 / (p[P_RD] * p[P_C1]);
    A[2] = 1.0 / (p[P_RD] * p[P_C2]);
    A[3] = -A[2];
    b[0] = share / p[P_C1];
    b[1] = 0.0;
    c[0] = share;
    c[1] = 0.0;
    *d = share * Rs;
    return 1;
}

const opsin_model opsin_model_supercap = {
    .name = "supercap",
    .summary = "supercapacitor synapse with regulating resistor (seed 004, MXene FMES)",
    .equations =
        "u = R_reg (I R_s + v1)/(R_reg + R_s),  i_c = (I R_reg - v1)/(R_reg + R_s)\n"
        "C1 dv1/dt = i_c - v1/R_sd - (v1 - w)/R_d\n"
        "C2 dw/dt  = (v1 - w)/R_d\n"
        "R_s = 0: C1 dv/dt = I - v/R_reg - v/R_sd - (v - w)/R_d; probe v = u (PSV)\n"
        "source: seed 004, u(t) = (Q0 - int u/R dt)/C with a slow redistribution branch",
    OPSIN_MODEL_TABLES(params, states, outputs),
    .accepts = OPSIN_IN_CURRENT,
    .port = OPSIN_PORT_VOLTAGE,
    .init = init,
    .rhs = rhs,
    .output = output,
    .port_value = port_value,
    .terminal_v = port_value,
    .linear_sys = linear_sys,
};
