#!/usr/bin/python3
"""brunel.py: Brian2 benchmark 2, Brunel (2000) sparse balanced network, model A
(N. Brunel, J. Comput. Neurosci. 8:183-208, 2000).

Model (units: mV, ms): N current-based LIF neurons, N_E = 0.8 N excitatory, N_I = 0.2 N
inhibitory, tau dV/dt = -V, tau = 20 ms; spike when V > theta = 20 mV, then V = V_r =
10 mV held for tau_rp = 2 ms, input arriving meanwhile ignored (as in the paper; Brian2's
'(unless refractory)' flag makes every write to V, synaptic and PoissonInput ones too,
conditional on not_refractory).  Delta synapses: a presynaptic spike makes the
postsynaptic V jump by J = 0.1 mV (from E) or -g J (from I) after D = 1.5 ms.
Connectivity: FIXED IN-DEGREE as in the paper, C_E = eps N_E, C_I = eps N_I, eps = 0.1
(N = 10,000: C_E = 800, C_I = 200; the paper's Fig. 8 network is N = 12,500: C_E = 1000,
C_I = 250, use --n 12500), drawn without replacement per neuron, autapses allowed.
External drive: C_E independent Poisson inputs of rate nu_ext per neuron, i.e. one Poisson
process of rate C_E nu_ext of jumps J; nu_ext = nu_ratio nu_thr, nu_thr = theta/(J C_E tau).
Brian2's PoissonInput draws binomial(C_E, nu_ext dt) jumps per neuron and step: no spike
objects and no synapses, the cheapest form; a PoissonGroup would add N sources and N
one-to-one synapses for the same statistics on the dt grid.
V(0) uniform in [0, theta), or 0 with --v0 zero (as opsin's examples/brunel-network).
Statistics over [--skip, --t] (default skip 0.1 s): rate_e_hz / rate_i_hz = mean rate of
E / I neurons; cv_isi = CV of ISIs averaged over neurons with >= 3 spikes (>= 2 ISIs; one
ISI has CV 0); fano = var/mean of the population spike count in 0.1 ms bins (1 for
independent Poisson neurons, >> 1 when synchronous).  wall_s = the run() call, build_s =
drawing the connectivity, process_s = from the first line of this script.
Debian /usr/bin/python3 + python3-brian; a benchmark, not an opsin dependency.
Usage: brunel.py [--g 5] [--nu-ratio 2] [--t 1] [--target cython|numpy] [--n 10000]
                 [--seed 1] [--skip 0.1] [--dt 0.1] [--v0 uniform|zero]
"""
import time
T0 = time.perf_counter()
import argparse, warnings
warnings.filterwarnings("ignore", category=FutureWarning)  # pythran vs numpy 1.24, on import

ap = argparse.ArgumentParser(description='Brian2 benchmark 2: Brunel (2000) model A')
ap.add_argument('--g', type=float, default=5.0)
ap.add_argument('--nu-ratio', type=float, default=2.0, help='nu_ext/nu_thr')
ap.add_argument('--t', type=float, default=1.0, help='biological time, s')
ap.add_argument('--target', choices=('cython', 'numpy'), default='cython')
ap.add_argument('--n', type=int, default=10000)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--skip', type=float, default=0.1, help='transient left out of stats, s')
ap.add_argument('--dt', type=float, default=0.1, help='time step, ms')
ap.add_argument('--v0', choices=('uniform', 'zero'), default='uniform', help='V(0)')
a = ap.parse_args()

import numpy as np
import brian2 as b2
from brian2 import ms, mV, Hz, second

b2.prefs.codegen.target = a.target
b2.defaultclock.dt = a.dt * ms
b2.seed(a.seed)
rng = np.random.default_rng(a.seed)
N_E = int(round(0.8 * a.n)); N_I = a.n - N_E
eps = 0.1
C_E, C_I = int(round(eps * N_E)), int(round(eps * N_I))
tau, theta, V_r, tau_rp, J, D = 20 * ms, 20 * mV, 10 * mV, 2 * ms, 0.1 * mV, 1.5 * ms
nu_thr = theta / (J * C_E * tau)
nu_ext = a.nu_ratio * nu_thr

G = b2.NeuronGroup(a.n, 'dV/dt = -V/tau : volt (unless refractory)', threshold='V > theta',
                   reset='V = V_r', refractory=tau_rp, method='exact')
G.V = 'rand()*theta' if a.v0 == 'uniform' else 0 * mV
t1 = time.perf_counter()
syn = []
for src, c, w in ((G[:N_E], C_E, 'J'), (G[N_E:], C_I, '-g*J')):
    pre = np.concatenate([rng.choice(len(src), c, replace=False) for _ in range(a.n)])
    S = b2.Synapses(src, G, on_pre='V_post += %s' % w, delay=D,
                    namespace={'J': J, 'g': a.g})
    S.connect(i=pre, j=np.repeat(np.arange(a.n), c))
    syn.append(S)
P = b2.PoissonInput(G, 'V', C_E, nu_ext, weight=J)
build = time.perf_counter() - t1
sm = b2.SpikeMonitor(G)
net = b2.Network(G, *syn, P, sm)
t1 = time.perf_counter()
net.run(a.t * second)
wall = time.perf_counter() - t1

i, t = np.asarray(sm.i), np.asarray(sm.t / second)
keep = t >= a.skip
i, t = i[keep], t[keep]
span = a.t - a.skip
rate_e = np.count_nonzero(i < N_E) / (N_E * span)
rate_i = np.count_nonzero(i >= N_E) / (N_I * span)
order = np.lexsort((t, i))
i, t = i[order], t[order]
cvs = []
for k in np.flatnonzero(np.bincount(i, minlength=a.n) >= 3):
    isi = np.diff(t[np.searchsorted(i, k):np.searchsorted(i, k, 'right')])
    cvs.append(isi.std() / isi.mean())
counts = np.bincount(np.floor((t - a.skip) / 1e-4 + 1e-6).astype(int),
                     minlength=int(round(span / 1e-4)))
fano = counts.var() / counts.mean() if counts.mean() > 0 else float('nan')
print('target=%s n=%d g=%g nu_ratio=%g t=%g seed=%d C_E=%d C_I=%d nu_ext_hz=%.3f build_s=%.2f '
      'wall_s=%.2f process_s=%.2f spikes=%d rate_e_hz=%.2f rate_i_hz=%.2f cv_isi=%.3f '
      'fano=%.1f' % (a.target, a.n, a.g, a.nu_ratio, a.t, a.seed, C_E, C_I, nu_ext / Hz, build,
                     wall, time.perf_counter() - T0, sm.num_spikes, rate_e, rate_i,
                     np.mean(cvs) if cvs else float('nan'), fano))
