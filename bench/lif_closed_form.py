#!/usr/bin/python3
"""lif_closed_form.py: exact spike count of benchmark 1 (bench/brian2/lif_independent.py),
no Brian, no time step.

Model (SI units): C_m dV/dt = -G_L (V - E_L) + G_in (V_in - V), C_m = 1 nF, G_L = 10 nS,
E_L = 0 V, V_in = 1 V, V_th = 0.5 V, V_reset = 0 V, t_ref = 2 ms (V held at V_reset),
V(0) = 0.  Between spikes V relaxes exponentially (textbook LIF, e.g. Gerstner et al.,
Neuronal Dynamics, 2014, ch. 1.3; Tuckwell 1988):
  tau = C_m/(G_L+G_in), V_inf = G_in V_in/(G_L+G_in)   (neuron fires only if V_inf > V_th,
  i.e. G_in > G_L = 10 nS)
  first spike t_1 = tau ln(V_inf/(V_inf - V_th))                         (from V(0) = 0)
  ISI = t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th))  (= t_ref + t_1 as V_reset = V(0))
  spikes at t_1 + k ISI, k = 0, 1, ...; counted when t < t_end (strict).  A spike exactly
  at t_end is NOT counted; the script also prints the count with t <= t_end and the
  closest approach of any spike time to t_end, to show the choice does not matter here.
Candidate spreads of G_in over N neurons (5 nS .. 160 nS), k = 0..N-1:
  lin k/(N-1): 5 + k*155/(N-1) nS  (= numpy.linspace(5, 160, N), both ends included)
  lin k/N, lin (k+1)/N, lin (k+1/2)/N, geo k/(N-1): 5*32**(k/(N-1)), geo k/N.
  One line per spread, then a line spikes=COUNT for lin k/(N-1), the spread of
  benchmark 1 (N = 1000, 10 s: 868,895, which only this spread gives).
--brian-dt MS also prints the count Brian2 2.5 gives on a grid of step MS for the
lin k/(N-1) spread: Brian labels a spike with the start t_n of the step whose end state
crosses V_th (so up to one step early) and counts t_ref from that label, so the first
spike is at (k-1) dt and the ISI is t_ref/dt - 1 + k steps, k = floor(t_1/dt) + 1:
each ISI is 0..dt SHORTER than exact and Brian counts more spikes than the closed form.
Usage: bench/lif_closed_form.py [--n 1000] [--t 10] [--brian-dt MS]
"""
import argparse, math

C_M, G_L, V_IN, V_TH, V_RESET, T_REF = 1e-9, 10e-9, 1.0, 0.5, 0.0, 2e-3
G_LO, G_HI = 5e-9, 160e-9


def spikes(g_in, t_end):
    """(count with t < t_end, count with t <= t_end, |last-or-next spike - t_end|)"""
    tau = C_M / (G_L + g_in)
    v_inf = g_in * V_IN / (G_L + g_in)
    if v_inf <= V_TH:
        return 0, 0, math.inf
    t1 = tau * math.log(v_inf / (v_inf - V_TH))
    isi = T_REF + tau * math.log((v_inf - V_RESET) / (v_inf - V_TH))
    if t1 > t_end:
        return 0, 0, t1 - t_end
    n = math.floor((t_end - t1) / isi) + 1          # spikes with t <= t_end
    last = t1 + (n - 1) * isi
    lt = n - 1 if last >= t_end else n
    return lt, n, min(t_end - last, last + isi - t_end)


def brian_grid(g_in, t_end, dt):
    """spike count of Brian2's fixed-step scheme (see header), spikes at t_n < t_end"""
    tau = C_M / (G_L + g_in)
    v_inf = g_in * V_IN / (G_L + g_in)
    if v_inf <= V_TH:
        return 0
    k = math.floor(tau * math.log(v_inf / (v_inf - V_TH)) / dt) + 1
    steps, first = int(round(t_end / dt)), k - 1
    return 0 if first >= steps else (steps - 1 - first) // (round(T_REF / dt) - 1 + k) + 1


def spreads(n):
    m = max(n - 1, 1)
    r = G_HI / G_LO
    return {
        'lin_k/(N-1)': [G_LO + k * (G_HI - G_LO) / m for k in range(n)],
        'lin_k/N': [G_LO + k * (G_HI - G_LO) / n for k in range(n)],
        'lin_(k+1)/N': [G_LO + (k + 1) * (G_HI - G_LO) / n for k in range(n)],
        'lin_(k+0.5)/N': [G_LO + (k + 0.5) * (G_HI - G_LO) / n for k in range(n)],
        'geo_k/(N-1)': [G_LO * r ** (k / m) for k in range(n)],
        'geo_k/N': [G_LO * r ** (k / n) for k in range(n)],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=1000)
    ap.add_argument('--t', type=float, default=10.0, help='t_end in seconds')
    ap.add_argument('--brian-dt', type=float, help='also the Brian2 grid count, step in ms')
    a = ap.parse_args()
    for name, gs in spreads(a.n).items():
        res = [spikes(g, a.t) for g in gs]
        print('spread=%s n=%d t=%g spikes=%d spikes_le_tend=%d silent=%d min_gap_to_tend_s=%.3g'
              % (name, a.n, a.t, sum(r[0] for r in res), sum(r[1] for r in res),
                 sum(1 for r in res if r[1] == 0), min(r[2] for r in res)))
    print('spikes=%d' % sum(spikes(g, a.t)[0] for g in spreads(a.n)['lin_k/(N-1)']))
    if a.brian_dt:
        print('spread=lin_k/(N-1) n=%d t=%g brian_dt_ms=%g brian_grid_spikes=%d'
              % (a.n, a.t, a.brian_dt, sum(brian_grid(g, a.t, a.brian_dt * 1e-3)
                                            for g in spreads(a.n)['lin_k/(N-1)'])))


if __name__ == '__main__':
    main()
