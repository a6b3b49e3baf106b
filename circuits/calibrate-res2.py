#!/usr/bin/env python3
"""
calibrate-res2.py -- derive the ReS2 photo-excitable neuristor ("PEN") preset
and the wide-gap IWO transistor of the same paper from the paper's numbers.
Standard library only; no file is read at run time.  It prints the parameter
blocks of BOTH circuits/res2-pen.cfg (component `pen`, and circuits/iwo.cfg's
component `iwo`) and circuits/res2-materials.cfg (materials "res2" and "iwo"):
the numbers in those files are copied from this output and are identical.

Paper: seed 000, "... a neuromorphic computing platform comprised of
photo-excitable neuristors capable of in-memory computations across 980
addressable states with a high signal-to-noise ratio of 77" (abstract).
Every number taken from it is a constant below with the line of the
plain-text copy used when this was written ("txt l.NN").

Run:  python3 circuits/calibrate-res2.py [path/to/opsin]
      (default ./src/opsin, then ../src/opsin; exit status 0 = solve OK and
      the simulator agrees with the derivation; 1 = a solve or a check
      failed; without a simulator the checks are skipped with a warning and
      the status is 1 too, so that a calibration is never taken unchecked)

MODEL (src/models/phototrap.c, sign = +1; all states are fractions of the
trap density)
    eta  = eta_ex E_u ln(1 + exp((E - Eg)/E_u)),  E = h c/lambda
    g    = sigma F,  F = P lambda/(h c) eta         (generation, 1/s)
    dn/dt = g - n/tau_r - n (1 - x)/tau_c
    dx/dt = n (1 - x)/tau_c - k_e max(0, V - V_e) x/(x + x_e)   (no release)
    G    = G0 + G_T (a_f n + x),  read at V_read
  The free carriers live ~1 ms, so during a 10 s pulse n is quasi-steady and
      dx/dt = g (1 - x)/(rho + 1 - x),  rho = tau_c/tau_r
  which integrates in closed form: x - rho ln(1 - x) = g t (t = total
  illuminated time).  Every step below uses this exact relation; the
  simulator is then run on the printed (rounded) parameters to confirm.

TARGETS AND HOW EACH PARAMETER IS FIXED
  Eg    Red:blue write ratio.  The 6x6 array starts at 1 nS and ends at
        ~102 nS under the blue clock and ~13 nS under the red one (txt
        l.164-170, l.666-669) with the same global clock, i.e. equal
        irradiance x time: step_blue/step_red = (102-1)/(13-1) = 8.42 per
        pulse of equal irradiance and width.  Per pulse the photon count is
        proportional to lambda, so lambda eta(lambda) must have that ratio;
        Eg is bisected for it with E_u fixed (choice below).  RESULT: Eg =
        1.918 eV, ABOVE the 1.5-1.8 eV optical gap the paper cites (txt
        l.182): with Eg <= 1.8 eV the softplus yield gives red/blue >= 0.19
        per photon, not 0.085.  Eg is therefore the effective edge of the
        WRITE efficiency (trap filling), not the optical gap; both numbers
        are in the preset comment.
  G_T   Trap reservoir.  The staircase 1.25 -> 180 nS in 980 states (txt
        l.244-246, 445 nm: l.249-251 and Fig. 3 caption l.785-788) must be
        linear.  The paper's own linearity criterion (txt l.773-774): the
        states deviate from the best-fit straight line by less than half a
        step.  G_T is bisected so that the 980 states of the staircase
        deviate by EXACTLY half a step at most: the smallest reservoir whose
        linear range is the whole 1.25 -> 180 nS (the LDR of the paper uses
        this range).  This implies "states within 5 %" with a large margin
        (also printed: the smallest G_T for 5 % would be far lower).
  sigma Blue step: with G_T fixed, the dose per pulse u = g T is fixed by
        G(979 pulses) = 180 nS; sigma = u/(T F_blue).
  V_e, k_e  Zero-order gate erase, 1 s pulses (the abacus width, txt
        l.684-686; the endurance width is not stated).  The endurance test
        cycles 16 writes and 16 erases "between the 1st 16 conductance
        states" (txt l.259-261), so one erase pulse must remove one write
        step of its wavelength: +20 V one red step, +40 V one blue step
        (txt l.790-793).  Two equations, two unknowns (linear in V - V_e).
        The same +40 V, 1 s = one blue step makes the abacus RESET of 10
        pulses (txt l.684-686) clear 10 blue steps.
        Green: +35 V (txt l.792-793).  The linear erase law with red and
        blue fixed removes 1.29 green steps per 1 s pulse at +35 V, so the
        GREEN ERASE WIDTH (not stated) is derived: the width that removes
        one green step (0.77 s).  A stimulus number, not a device parameter.
  x_e   Erase saturation: 1e-3 of one blue step (in occupancy), so an erase
        pulse removes a constant step (within 0.1 %) down to the last state
        above the floor, and then the floor clamps (x never below 0).
  noise Write noise per pulse: multiplicative (noise_w, noise_e) and
        additive (noise_wa, noise_ea, S): an error of variance noise_a |s|
        for a pulse that writes (or erases) s, like the shot noise of the
        trapping events, so that a pulse writing little errs little.  For a
        step s,
            1/SNR = noise^2 + noise_a/s           (SNR = mean^2/var)
        The three potentiation SNRs 39/77/75 (red/green/blue, txt
        l.272-277) are fitted by linear least squares in (noise^2,
        noise_a), on relative residuals, over the per-wavelength steps.
        A multiplicative term alone cannot fit: red (smallest step) has a
        lower SNR than green and blue, which needs the additive term.
        Depression 30/24/53: the model's SNR rises with the step size
        (s_red < s_green < s_blue), so green's 24 below red's 30 cannot be
        met by ANY (noise_e, noise_ea).  The three-point least squares is
        printed (it pulls blue to -17 %, at the edge of the 20 % tolerance);
        the ADOPTED fit is the least squares over the wavelengths the model
        can reach, red and blue (an exact solve), leaving green depression
        as out of reach (model SNR printed).  Dropping red instead would
        give red an SNR ~1; dropping green is the smaller miss.
  tau1  open (no release): the paper reports non-volatile states and gives
        no retention time (txt l.182, 242, 267).
CHOICES WHERE THE PAPER IS SILENT (each printed)
  E_u = k_B T at 298.15 K (an Urbach tail no sharper than thermal); the
  result hardly depends on it (Eg 1.916 eV at 10 meV, 1.931 eV at 50 meV).
  eta_ex = 1 /eV: only the product sigma eta_ex enters.
  tau_r = tau_c = 1 ms: no photocurrent transient is reported; any times
  << 10 s give the same persistent step; rho = 1 sets how the reservoir
  saturates ((1-x)/(2-x)) and so enters G_T.  a_f = 1: the free-carrier
  conductance is then ~1e-4 of a step during a pulse (invisible).
  G_gate = 1 fS: the 285 nm SiO2 back gate (txt l.881-883) is insulating;
  the leakage is not stated; it only makes the energy summary count the
  gate as a gate (not the channel).  area: not stated, left 0 (no optical
  energy is reported).
  IWO: Eg = 3.6 eV (txt l.184-185), G0 = 5 nS (txt l.179); no other IWO
  number is in the paper, so its trap, erase and optical parameters are
  copied from ReS2 (placeholders) and its write noise is 0 (a device that
  does not absorb must not collect write noise from unabsorbed pulses).

PROTOCOL NUMBERS ALSO DERIVED HERE (used by the stimuli in stimuli/)
  N0    Endurance offset: the model's sawtooth is a random walk (write and
        erase errors do not cancel); after 800 + 800 steps its spread is
        sqrt(800 (cv_w^2 + cv_e^2)) steps (red: 7).  Started on the floor,
        the floor clips erase steps and biases the depression SNR low, so
        the endurance stimuli first write N0 = ceil(3 x that) states and
        run the 50 cycles above them.  The model is translation-invariant
        there (linear write, zero-order erase), so the steps are those of
        "the first 16 states".
  N_red Bandgap row (txt l.178-185): exposure not stated; the number of
        10 s red pulses that takes ReS2 from 5 to 6.5 nS.
"""

import math
import os
import subprocess
import sys
import tempfile

# --------------------------------------------------------------------------
# Physical constants (SI, exact) -- as in src/models/phototrap.c
# --------------------------------------------------------------------------
H = 6.62607015e-34
C = 299792458.0
Q = 1.602176634e-19
KB = 1.380649e-23

# --------------------------------------------------------------------------
# Numbers from the paper (seed 000, txt line numbers)
# --------------------------------------------------------------------------
# "Figure 3a depicts ... states 1-16 and 965-980 upon blue illumination
# (lambda= 445 nm, 65 mWcm-2 intensity)" (l.249-251); Fig. 3 caption
# "(10 s, 65mWcm-2)" pulse width and interval (l.785); "from 1.25 to 180 nS
# with a step size of ~0.18 nS, equivalent to 980 distinct conductance
# states" (l.244-246).  l.240 says 623 nm for this staircase: conflict, see
# the preset comment; 445 nm is used (CALIBRATION.md).
LAM_B, LAM_G, LAM_R = 445e-9, 525e-9, 623e-9     # m (l.250, l.790-793)
IRR = 650.0            # W/m2 = 65 mW/cm2 (l.240, 250, 785)
T_PULSE = 10.0         # s (l.785)
T_GAP = 10.0           # s (l.785: one number for width and interval)
G_FIRST = 1.25e-9      # S (l.244)
G_LAST = 180e-9        # S (l.244)
N_STATES = 980         # (l.245)
STEP_PAPER = 0.18e-9   # S, "~0.18 nS" (l.244-245)
# "pre-programmed at -40 V ... maintained constant throughout the optical
# writing steps" (l.787-788)
V_HOLD = -40.0         # V
# 6x6 array: "common low conductance state (1 nS)" (l.666-667), blue ~102 nS
# and red ~13 nS (l.164-170, 668-669), same sinusoidal global clocks.
ARR_G0, ARR_BLUE, ARR_RED = 1e-9, 102e-9, 13e-9  # S
# SNR: "39 (potentiation)/30 (depression), 77/24 and 75/53 for red, green
# and blue" (l.272-277); 800 write + 800 erase steps between the 1st 16
# states (l.259-261)
SNR_P = {623: 39.0, 525: 77.0, 445: 75.0}
SNR_D = {623: 30.0, 525: 24.0, 445: 53.0}
SAW_STEPS = 800
SAW_STATES = 16
# erase: "623-nm ... erased by electrical pulses of amplitude +20 V ...
# 525/445 nm ... +35/40 V respectively" (l.790-793)
V_ERASE = {623: 20.0, 525: 35.0, 445: 40.0}
# abacus RESET "amplitude=+40 V, pulse width=1 s, number= 10" (l.684-686),
# read "by a reading voltage of 0.1 V" (l.696-697)
T_ERASE = 1.0          # s
V_READ = 0.1           # V
# "N" array: "common low conductance state (5 nS) ... red light (623 nm,
# 65 mWcm-2) ... ReS2 PENs depicted a non-volatile increment (5-6.5 nS)
# due to its low bandgap (1.5-1.8 eV) ... IWO ... remained constant (5 nS)
# due to their large bandgap (3.6 eV)" (l.178-185)
N_G0, N_RED_END = 5e-9, 6.5e-9   # S
EG_RES2_PAPER = (1.5, 1.8)       # eV, for comparison only
EG_IWO = 3.6                     # eV
# LDR "> 6000" (l.770-776); two-shot dynamic range "~600" (l.811-812)
LDR_PAPER = 6000.0
DR_PAPER = 600.0

# --------------------------------------------------------------------------
# Choices where the paper is silent (see the header)
# --------------------------------------------------------------------------
E_U = KB * 298.15 / Q   # eV, thermal Urbach tail
ETA_EX = 1.0            # 1/eV
TAU_R = 1e-3            # s
TAU_C = 1e-3            # s
X_E_FRAC = 1e-3         # x_e in units of one blue step
G_GATE = 1e-15          # S
SAW_SIGMAS = 3.0        # endurance offset: walk spread multiples
N_TWOSHOT_CAL = 900     # erase pulses of the two-shot slope measurement
RHO = TAU_C / TAU_R
N_STEPS = N_STATES - 1


def softplus(x):
    return x if x > 30 else math.log1p(math.exp(x))


def eta(lam, eg):
    """Quantum yield (phototrap.c yield())."""
    return ETA_EX * E_U * softplus((H * C / (lam * Q) - eg) / E_U)


def flux(lam, eg):
    """Absorbed photon flux per m2 per s at IRR: P lambda/(h c) eta."""
    return IRR * lam / (H * C) * eta(lam, eg)


def bisect(f, lo, hi, tol=1e-13, log=False):
    """Root of a monotone f on [lo, hi]; raises if not bracketed."""
    flo, fhi = f(lo), f(hi)
    if flo * fhi > 0:
        raise ValueError("root not bracketed: f(%g)=%g, f(%g)=%g" % (lo, flo, hi, fhi))
    for _ in range(200):
        mid = math.sqrt(lo * hi) if log else 0.5 * (lo + hi)
        fm = f(mid)
        if fm == 0:
            return mid
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
        if abs(hi - lo) <= tol * abs(hi):
            break
    return math.sqrt(lo * hi) if log else 0.5 * (lo + hi)


def x_of_dose(t):
    """Occupancy after total dose t (= g x illuminated time) from empty:
    solves x - rho ln(1 - x) = t.  f is convex and increasing, and both
    t/(1 + rho) and 1 - exp(-t/rho) lie right of the root, so Newton from the
    smaller of them converges monotonically."""
    if t <= 0:
        return 0.0
    x = min(t / (1.0 + RHO), -math.expm1(-t / RHO))
    for _ in range(60):
        f = x - RHO * math.log1p(-x) - t
        x -= f / (1.0 + RHO / (1.0 - x))
    return x


def dose_of_x(x):
    return x - RHO * math.log1p(-x)


def staircase(g_t, u, g0=G_FIRST, n=N_STEPS):
    return [g0 + g_t * x_of_dose(k * u) for k in range(n + 1)]


def line_fit(ys):
    n = len(ys)
    xm = (n - 1) / 2.0
    ym = sum(ys) / n
    sxx = sum((i - xm) ** 2 for i in range(n))
    b = sum((i - xm) * (y - ym) for i, y in enumerate(ys)) / sxx
    return ym - b * xm, b


def max_dev(ys):
    a, b = line_fit(ys)
    return max(abs(y - (a + b * i)) for i, y in enumerate(ys))


def dose_for_end(g_t):
    """Per-pulse dose u that takes G0 to G_LAST in N_STEPS pulses."""
    return dose_of_x((G_LAST - G_FIRST) / g_t) / N_STEPS


def nonlin_half_steps(g_t):
    ys = staircase(g_t, dose_for_end(g_t))
    return max_dev(ys) / ((G_LAST - G_FIRST) / N_STEPS)


def lsq_noise(steps, snrs):
    """min sum_i (SNR_i (a + b/s_i) - 1)^2 over a, b >= 0 (a = noise^2,
    b = noise_a, the additive variance per siemens written); relative
    residuals of 1/SNR.  Returns (a, b)."""
    rows = [(t, t / s) for s, t in zip(steps, snrs)]

    def cost(a, b):
        return sum((r0 * a + r1 * b - 1.0) ** 2 for r0, r1 in rows)

    a11 = sum(r[0] * r[0] for r in rows)
    a12 = sum(r[0] * r[1] for r in rows)
    a22 = sum(r[1] * r[1] for r in rows)
    b1 = sum(r[0] for r in rows)
    b2 = sum(r[1] for r in rows)
    det = a11 * a22 - a12 * a12
    cands = []
    if det != 0:
        a, b = (b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det
        if a >= 0 and b >= 0:
            cands.append((a, b))
    cands.append((b1 / a11, 0.0))
    cands.append((0.0, b2 / a22))
    return min(cands, key=lambda ab: cost(*ab))


def snr_model(s, a, b):
    return 1.0 / (a + b / s)


def fmt(v):
    return "%.6g" % v


# --------------------------------------------------------------------------
# Simulator checks
# --------------------------------------------------------------------------
def find_opsin(argv):
    if len(argv) > 1:
        return argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in ("./src/opsin", os.path.join(here, "..", "src", "opsin")):
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


def run_opsin(opsin, circuit, stimulus, t_end, extra=()):
    """Runs opsin and returns rows (t, G) of the CSV (both sides of edges)."""
    with tempfile.TemporaryDirectory() as d:
        cp, sp, op = (os.path.join(d, n) for n in ("c.cfg", "s.cfg", "o.csv"))
        with open(cp, "w") as f:
            f.write(circuit)
        with open(sp, "w") as f:
            f.write(stimulus)
        subprocess.run([opsin, "run", cp, sp, "-o", op, "-q", "--t-end", repr(t_end),
                        "--dt-out", repr(t_end)] + list(extra), check=True)
        rows = []
        with open(op) as f:
            next(f)
            for line in f:
                t, g = line.split(",")[:2]
                rows.append((float(t), float(g)))
    return rows


def g_before(rows, t):
    best = rows[0][1]
    for tt, g in rows:
        if tt > t:
            break
        if tt == t:
            return best if best is not None else g
        best = g
    return best


def main():
    ok = True

    # ---- Eg from the red:blue ratio --------------------------------------
    ratio_target = (ARR_BLUE - ARR_G0) / (ARR_RED - ARR_G0)

    def pulse_ratio(eg):   # blue/red step per pulse at equal irradiance, width
        return (LAM_B * eta(LAM_B, eg)) / (LAM_R * eta(LAM_R, eg))

    eg = bisect(lambda e: pulse_ratio(e) - ratio_target, 1.0, H * C / (LAM_R * Q) + 0.1)
    e_ph = {k: H * C / (lam * Q) for k, lam in ((623, LAM_R), (525, LAM_G), (445, LAM_B))}
    print("== Eg (red:blue write ratio of the 6x6 array)")
    print("  target step_blue/step_red = (%g-%g)/(%g-%g) = %.4f" %
          (ARR_BLUE * 1e9, ARR_G0 * 1e9, ARR_RED * 1e9, ARR_G0 * 1e9, ratio_target))
    print("  E_u = %.5f eV (k_B T, 298.15 K), eta_ex = %g /eV" % (E_U, ETA_EX))
    print("  Eg = %.5f eV  (paper's optical gap %.1f-%.1f eV; with Eg = %.1f eV the "
          "ratio would be %.2f)" % (eg, EG_RES2_PAPER[0], EG_RES2_PAPER[1],
                                    EG_RES2_PAPER[1], pulse_ratio(EG_RES2_PAPER[1])))
    print("  residual %.2e" % (pulse_ratio(eg) / ratio_target - 1))
    print("  photon energies: 623 nm %.3f, 525 nm %.3f, 445 nm %.3f eV" %
          (e_ph[623], e_ph[525], e_ph[445]))

    # ---- G_T from the paper's linear-range criterion ---------------------
    g_t = bisect(lambda g: nonlin_half_steps(g) - 0.5, 1.01 * (G_LAST - G_FIRST), 1e-2, log=True)
    u_b = dose_for_end(g_t)
    g_t5 = bisect(lambda g: (G_LAST - G_FIRST) / (N_STEPS * g * x_of_dose(dose_for_end(g)))
                  - 0.95, 1.01 * (G_LAST - G_FIRST), 1e-2, log=True)
    sigma = u_b / (T_PULSE * flux(LAM_B, eg))
    stairs = staircase(g_t, u_b)
    step_mean = (stairs[-1] - stairs[0]) / N_STEPS
    worst_state = max(abs(g - (G_FIRST + k * step_mean)) / (G_FIRST + k * step_mean)
                      for k, g in enumerate(stairs))
    print("== G_T, sigma (445 nm staircase 1.25 -> 180 nS in 980 states)")
    print("  rho = tau_c/tau_r = %g" % RHO)
    print("  G_T = %s S: max deviation from the best-fit line = %.6f steps (target 0.5)" %
          (fmt(g_t), nonlin_half_steps(g_t)))
    print("  (the brief's 'states within 5 %%' alone would need only G_T >= %s S)" %
          fmt(g_t5))
    print("  full occupancy at 180 nS: x = %.5f" % ((G_LAST - G_FIRST) / g_t))
    print("  dose per blue pulse u = %.6e, sigma = %s m2" % (u_b, fmt(sigma)))
    print("  G_979 = %.4f nS, mean step %.5f nS (paper ~0.18; (180-1.25)/979 = %.5f)" %
          (stairs[-1] * 1e9, step_mean * 1e9, (G_LAST - G_FIRST) / N_STEPS * 1e9))
    print("  first step %.5f nS, last step %.5f nS; worst state vs the linear ladder "
          "%.3f %%" % ((stairs[1] - stairs[0]) * 1e9, (stairs[-1] - stairs[-2]) * 1e9,
                       100 * worst_state))

    # ---- steps per wavelength at the floor --------------------------------
    lam = {623: LAM_R, 525: LAM_G, 445: LAM_B}
    u = {k: u_b * (lam[k] * eta(lam[k], eg)) / (LAM_B * eta(LAM_B, eg)) for k in lam}
    step = {k: g_t * x_of_dose(u[k]) for k in lam}
    print("== write step at the floor (65 mW/cm2, 10 s)")
    for k in (623, 525, 445):
        print("  %d nm: %.5f nS  (eta = %.4f)" % (k, step[k] * 1e9, eta(lam[k], eg)))
    stair_end = {k: G_FIRST + g_t * x_of_dose(N_STEPS * u[k]) for k in lam}
    print("  979-pulse staircase ends: 623 %.2f, 525 %.2f, 445 %.2f nS (ordering: "
          "shorter lambda, larger slope and range)" %
          (stair_end[623] * 1e9, stair_end[525] * 1e9, stair_end[445] * 1e9))
    if not (step[445] > step[525] > step[623] and
            stair_end[445] > stair_end[525] > stair_end[623]):
        print("  FAIL: wavelength ordering")
        ok = False

    # ---- erase --------------------------------------------------------------
    # G_T k_e (V - V_e) T_ERASE = step, for red (+20 V) and blue (+40 V)
    slope = (step[445] - step[623]) / (V_ERASE[445] - V_ERASE[623])   # S per V
    v_e = V_ERASE[623] - step[623] / slope
    k_e = slope / (g_t * T_ERASE)
    x_e = X_E_FRAC * step[445] / g_t
    t_green = step[525] / (slope * (V_ERASE[525] - v_e))
    print("== zero-order gate erase (1 s pulses)")
    print("  V_e = %.5f V, k_e = %s /(V s), x_e = %s" % (v_e, fmt(k_e), fmt(x_e)))
    print("  erase step: +20 V %.5f nS (red write %.5f), +40 V %.5f nS (blue write %.5f)" %
          (slope * (20 - v_e) * 1e9, step[623] * 1e9, slope * (40 - v_e) * 1e9,
           step[445] * 1e9))
    print("  +35 V for 1 s would remove %.5f nS = %.3f green steps; derived green erase "
          "width %.5f s" % (slope * (35 - v_e) * 1e9, slope * (35 - v_e) / step[525], t_green))
    print("  hold %g V < V_e: no erase while writing" % V_HOLD)
    if not (V_HOLD < v_e < V_ERASE[623]):
        print("  FAIL: V_e not between the hold and the red erase voltage")
        ok = False

    # ---- write noise ------------------------------------------------------
    ks = (623, 525, 445)
    s_list = [step[k] for k in ks]
    a_w, b_w = lsq_noise(s_list, [SNR_P[k] for k in ks])
    a3, b3 = lsq_noise(s_list, [SNR_D[k] for k in ks])
    a_e, b_e = lsq_noise([step[623], step[445]], [SNR_D[623], SNR_D[445]])
    print("== write noise (least squares on 1/SNR = noise^2 + noise_a/step)")
    print("  potentiation: noise_w = %.5f, noise_wa = %s S" % (math.sqrt(a_w), fmt(b_w)))
    for k in ks:
        m = snr_model(step[k], a_w, b_w)
        print("    %d nm: model %.2f, paper %g (%+.1f %%)" % (k, m, SNR_P[k],
                                                          100 * (m / SNR_P[k] - 1)))
    print("  depression, three-point least squares (NOT adopted): noise_e = %.5f, "
          "noise_ea = %s S" % (math.sqrt(a3), fmt(b3)))
    for k in ks:
        m = snr_model(step[k], a3, b3)
        print("    %d nm: model %.2f, paper %g (%+.1f %%)" % (k, m, SNR_D[k],
                                                          100 * (m / SNR_D[k] - 1)))
    print("  model SNR rises with the step and s_red < s_green < s_blue, but the paper's "
          "green (24) < red (30): green depression is out of reach of any noise pair")
    print("  depression, adopted (red and blue, exact): noise_e = %.5f, noise_ea = %s S" %
          (math.sqrt(a_e), fmt(b_e)))
    for k in ks:
        m = snr_model(step[k], a_e, b_e)
        print("    %d nm: model %.2f, paper %g (%+.1f %%)%s" %
              (k, m, SNR_D[k], 100 * (m / SNR_D[k] - 1),
               "  <- out of reach" if k == 525 else ""))
    for k in (623, 445):
        if abs(snr_model(step[k], a_e, b_e) / SNR_D[k] - 1) > 1e-6:
            ok = False
    noise_w, noise_wa = math.sqrt(a_w), b_w
    noise_e, noise_ea = math.sqrt(a_e), b_e

    # ---- protocol numbers ----------------------------------------------------
    walk = max(math.sqrt(SAW_STEPS * (1 / snr_model(step[k], a_w, b_w) +
                                      1 / snr_model(step[k], a_e, b_e))) for k in ks)
    n0 = int(math.ceil(SAW_SIGMAS * walk))
    n_red = int(round((N_RED_END - N_G0) / step[623]))
    print("== protocol numbers")
    print("  endurance: walk spread after %d+%d steps <= %.2f steps; offset N0 = %d states"
          % (SAW_STEPS, SAW_STEPS, walk, n0))
    print("  bandgap: %d red pulses of 10 s take ReS2 5 -> %.4f nS (paper 6.5)" %
          (n_red, (N_G0 + n_red * step[623]) * 1e9))
    iwo_rel = eta(LAM_R, EG_IWO) / eta(LAM_R, eg)
    print("  IWO (Eg %.1f eV) yield at 623 nm relative to ReS2: %.3e -> dG = %.3e nS" %
          (EG_IWO, iwo_rel, n_red * step[623] * iwo_rel * 1e9))

    # ---- two-shot and LDR predictions ----------------------------------------
    sig_w = step[445] / math.sqrt(snr_model(step[445], a_w, b_w))
    sig_e = step[445] / math.sqrt(snr_model(step[445], a_e, b_e))
    ldr = (G_LAST - G_FIRST) / sig_w
    eps = sig_e * math.sqrt(N_TWOSHOT_CAL) / (step[445] * N_TWOSHOT_CAL)
    print("== predictions: LDR = linear range/sigma_write, two-shot DR = 1/(slope error)")
    print("  LDR (445 nm) = %.4g nS / %.4g nS = %.0f (paper > %g)" %
          ((G_LAST - G_FIRST) * 1e9, sig_w * 1e9, ldr, LDR_PAPER))
    print("  two-shot: slope from %d erases, relative error %.5f -> DR = %.0f (paper ~%g)" %
          (N_TWOSHOT_CAL, eps, 1 / eps, DR_PAPER))

    params = [
        ("sign", "1"), ("G0", fmt(G_FIRST)), ("G_T", fmt(g_t)), ("Eg", fmt(eg)), ("E_u", fmt(E_U)),
        ("eta_ex", fmt(ETA_EX)), ("sigma", fmt(sigma)), ("tau_r", fmt(TAU_R)),
        ("tau_c", fmt(TAU_C)), ("V_e", fmt(v_e)), ("k_e", fmt(k_e)), ("x_e", fmt(x_e)),
        ("V_read", fmt(V_READ)), ("G_gate", fmt(G_GATE)),
        ("noise_w", fmt(noise_w)), ("noise_wa", fmt(noise_wa)),
        ("noise_e", fmt(noise_e)), ("noise_ea", fmt(noise_ea)),
    ]
    iwo = [(k, v) for k, v in params if not k.startswith("noise")]
    iwo = [(k, fmt(N_G0) if k == "G0" else fmt(EG_IWO) if k == "Eg" else v) for k, v in iwo]

    def block(pairs):
        return "; ".join("%s = %s" % kv for kv in pairs) + ";"

    print("== paste-ready libconfig (res2-pen.cfg component pen / iwo.cfg component iwo /")
    print("   res2-materials.cfg materials res2 and iwo; tau1 open = the default)")
    print('  { id = "pen"; model = "phototrap"; ' + block(params) + " }")
    print('  { id = "iwo"; model = "phototrap"; ' + block(iwo) + " }")
    print('  { id = "res2"; model = "phototrap"; ' + block(params) + " }")
    print('  { id = "iwo"; model = "phototrap"; ' + block(iwo) + " }")
    print("  stimulus numbers: green erase width %.4g s; endurance offset %d; bandgap %d "
          "red pulses" % (t_green, n0, n_red))

    # ---- simulator check on the rounded parameters ---------------------------
    opsin = find_opsin(sys.argv)
    if not opsin:
        print("WARNING: no simulator found (give its path); checks skipped")
        return 1
    pen = 'components = ({ id = "pen"; model = "phototrap"; ' + block(
        [(k, "0" if k.startswith("noise") else v) for k, v in params]) + ' });\n'
    period = T_PULSE + T_GAP
    stim = ('sources = ({ id = "w"; kind = "optical"; wavelength = "445 nm"; targets = '
            '["pen"]; start = %r; width = %r; period = %r; count = %d; irradiance = %r; },\n'
            ' { id = "hold"; kind = "voltage"; targets = ["pen"]; start = 0; width = %r; '
            'amplitude = %r; });\n' % (T_GAP, T_PULSE, period, N_STEPS, IRR,
                                       N_STEPS * period + T_GAP, V_HOLD))
    rows = run_opsin(opsin, pen, stim, N_STEPS * period + T_GAP)
    sim = [g_before(rows, T_GAP + k * period) for k in range(N_STEPS + 1)]
    dev = max_dev(sim) / ((G_LAST - G_FIRST) / N_STEPS)
    print("== simulator (%s), rounded parameters, noise off" % opsin)
    print("  445 nm staircase: G_0 %.4f nS, G_979 %.4f nS (%+.4f %%), mean step %.5f nS, "
          "max deviation %.4f steps" % (sim[0] * 1e9, sim[-1] * 1e9,
                                        100 * (sim[-1] / G_LAST - 1),
                                        (sim[-1] - sim[0]) / N_STEPS * 1e9, dev))
    if abs(sim[-1] / G_LAST - 1) > 1e-3 or abs(dev - 0.5) > 0.01:
        print("  FAIL: simulator disagrees with the derivation")
        ok = False
    # one write and one erase of each wavelength, N0 states above the floor
    for k, width in ((623, T_ERASE), (525, t_green), (445, T_ERASE)):
        t1 = T_GAP + n0 * period
        stim = ('sources = ({ id = "w"; kind = "optical"; wavelength = "%d nm"; targets = '
                '["pen"]; start = %r; width = %r; period = %r; count = %d; irradiance = %r; },'
                '\n { id = "e"; kind = "voltage"; targets = ["pen"]; start = %r; width = %r; '
                'amplitude = %r; });\n' % (k, T_GAP, T_PULSE, period, n0 + 1, IRR,
                                           t1 + period, width, V_ERASE[k]))
        rows = run_opsin(opsin, pen, stim, t1 + period + 5.0)
        g_a, g_b = g_before(rows, t1), g_before(rows, t1 + period)
        g_c = rows[-1][1]
        w_step, e_step = g_b - g_a, g_b - g_c
        print("  %d nm: write step %.5f nS (derived %.5f), erase %+g V x %.4g s: %.5f nS" %
              (k, w_step * 1e9, step[k] * 1e9, V_ERASE[k], width, e_step * 1e9))
        if abs(w_step / step[k] - 1) > 2e-3 or abs(e_step / step[k] - 1) > 2e-3:
            print("  FAIL: step mismatch")
            ok = False
    iwo_c = 'components = ({ id = "pen"; model = "phototrap"; ' + block(iwo) + ' });\n'
    stim = ('sources = ({ id = "w"; kind = "optical"; wavelength = "623 nm"; targets = '
            '["pen"]; start = %r; width = %r; period = %r; count = %d; irradiance = %r; });\n'
            % (T_GAP, T_PULSE, period, n_red, IRR))
    rows = run_opsin(opsin, iwo_c, stim, n_red * period + T_GAP)
    print("  IWO after %d red pulses: %.6f nS (from %.6f)" % (n_red, rows[-1][1] * 1e9,
                                                          rows[0][1] * 1e9))
    if abs(rows[-1][1] / rows[0][1] - 1) > 0.01:
        ok = False
    print("RESULT: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
