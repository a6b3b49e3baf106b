#!/bin/sh
# run.sh: LTP by N light pulses, then LTD by N gate ramps (0 -> 4 V, 5 ms) on circuits/bpcds.cfg
# (device syn) for N = 20, 50, 100 (stimuli/bpcds-ltp-ltd-N.cfg); the weight is -dPSC just
# before each next pulse.  Fits the paper's NeuroSim exponential model to each branch and
# prints nu = Pmax/A and A (the paper's "NL", in pulses).  Writes ltp-ltd-N.dat and (with
# gnuplot) ltp-ltd.png.  QUICK=1: N = 20 only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
if [ "${QUICK:-0}" = 1 ]; then ns="20"; else ns="20 50 100"; fi
for n in $ns; do
    "$opsin" run "$top/circuits/bpcds.cfg" "$top/stimuli/bpcds-ltp-ltd-$n.cfg" -o ltp-ltd.csv \
        -q --probe syn.I --dt-out 1
    # weights w[k] at t = 1 + k s (first row at that time: before the pulse starting there)
    awk -F, -v n="$n" -v out="ltp-ltd-$n.dat" '
        function shape(nu, p) { return (nu * nu < 1e-18) ? p / n : (1 - exp(-nu * p / n)) / (1 - exp(-nu)) }
        function sse(y, nu,   p, e, f) {
            f = 0
            for (p = 0; p <= n; p++) { e = y[0] + (y[n] - y[0]) * shape(nu, p) - y[p]; f += e * e }
            return f
        }
        function fit(y,   a, b, c, d, fc, fd, g, i) {   # golden section on nu in [-20, 20]
            a = -20; b = 20; g = (sqrt(5) - 1) / 2
            c = b - g * (b - a); d = a + g * (b - a); fc = sse(y, c); fd = sse(y, d)
            for (i = 0; i < 120; i++)
                if (fc < fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = sse(y, c) }
                else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = sse(y, d) }
            return (a + b) / 2
        }
        NR == 2 { dark = $2; k = 0 }
        NR > 1 && k <= 2 * n && $1 >= 1 + k - 1e-9 { w[k] = (dark - $2) * 1e6; k++ }
        END {
            print "# pulse  -dPSC (uA); LTP pulses 1.." n ", LTD spikes " n + 1 ".." 2 * n > out
            for (i = 0; i <= 2 * n; i++) print i, w[i] > out
            for (i = 0; i <= n; i++) { up[i] = w[i]; dn[i] = w[n] - w[n + i] }
            np = fit(up); nd = fit(dn)
            printf "N = %3d: LTP nu = Pmax/A = %.3f (A = %.0f pulses), LTD nu = %.3f (A = %.0f), " \
                   "LTD/LTP drop %.3f, swing %.3g uA\n", n, np, n / np, nd, n / nd, dn[n] / (up[n] - up[0]), up[n] - up[0]
        }' ltp-ltd.csv
done
rm -f ltp-ltd.csv ltp-ltd.summary.txt ltp-ltd.spikes.csv
if command -v gnuplot >/dev/null 2>&1 && [ "${QUICK:-0}" != 1 ]; then gnuplot "$here/plot.gp"; fi
