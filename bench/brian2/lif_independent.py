#!/usr/bin/python3
"""lif_independent.py: Brian2 benchmark 1, N independent leaky integrate-and-fire neurons.

Model (SI units, no synapses): C_m dV/dt = -G_L (V - E_L) + G_in (V_in - V),
C_m = 1 nF, G_L = 10 nS, E_L = 0 V, V_in = 1 V; spike when V > V_th = 0.5 V, then
V = V_reset = 0 V held for t_ref = 2 ms; V(0) = 0.  G_in = numpy.linspace(5, 160, N) nS
(5 nS + k*155/(N-1) nS, k = 0..N-1: the spread that reproduces 868,895 spikes for
N = 1000, 10 s in bench/lif_closed_form.py).  Textbook LIF (Gerstner et al., Neuronal
Dynamics, 2014, ch. 1.3; Tuckwell 1988).  Brian2 integrates it with method 'exact' on a
fixed grid of --dt: spikes land on the grid, so the count is below the closed form.
Monitors: StateMonitor on V of the last neuron, SpikeMonitor on all.
Prints one key=value line: wall_s = the run() call alone (includes code generation and,
with a cold Cython cache, compilation); process_s = from the first line of this script
(before importing brian2) to the end.  --cold clears Brian2's Cython cache
(~/.cython/brian_extensions) first.
Run with Debian's /usr/bin/python3 (python3-brian); it is a benchmark, not an opsin
dependency.
Usage: lif_independent.py [--target cython|numpy] [--n 1000] [--t 10] [--dt 0.1] [--cold]
"""
import time
T0 = time.perf_counter()
import argparse, warnings
warnings.filterwarnings("ignore", category=FutureWarning)  # pythran vs numpy 1.24, on import

ap = argparse.ArgumentParser(description='Brian2 benchmark 1: independent LIF neurons')
ap.add_argument('--target', choices=('cython', 'numpy'), default='cython')
ap.add_argument('--n', type=int, default=1000)
ap.add_argument('--t', type=float, default=10.0, help='biological time, s')
ap.add_argument('--dt', type=float, default=0.1, help='time step, ms')
ap.add_argument('--cold', action='store_true', help="clear Brian2's Cython cache first")
a = ap.parse_args()

import numpy as np
import brian2 as b2
from brian2 import nF, nS, volt, ms, second

if a.cold:
    import os, shutil
    shutil.rmtree(os.path.expanduser('~/.cython/brian_extensions'), ignore_errors=True)
b2.prefs.codegen.target = a.target
b2.defaultclock.dt = a.dt * ms
C_m, G_L, E_L, V_in, V_th, V_reset = 1 * nF, 10 * nS, 0 * volt, 1 * volt, 0.5 * volt, 0 * volt
eqs = '''dV/dt = (-G_L*(V - E_L) + G_in*(V_in - V))/C_m : volt (unless refractory)
         G_in : siemens (constant)'''
G = b2.NeuronGroup(a.n, eqs, threshold='V > V_th', reset='V = V_reset',
                   refractory=2 * ms, method='exact')
G.V = 0 * volt
G.G_in = np.linspace(5, 160, a.n) * nS
sm = b2.SpikeMonitor(G)
vm = b2.StateMonitor(G, 'V', record=[a.n - 1])
net = b2.Network(G, sm, vm)
t1 = time.perf_counter()
net.run(a.t * second)
wall = time.perf_counter() - t1
print('target=%s n=%d t=%g dt_ms=%g cold=%d wall_s=%.3f process_s=%.3f spikes=%d'
      % (a.target, a.n, a.t, a.dt, a.cold, wall, time.perf_counter() - T0, sm.num_spikes))
