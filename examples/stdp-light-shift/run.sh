#!/bin/sh
# run.sh: the electrical STDP window of the PEN synapse of ../stdp-window in the dark and
# under 623, 525 and 445 nm light at 230 mW/cm2 during the protocol (seed 000 Fig. 1c): the
# light writes a persistent conductance on top of the window, so the window shifts upward,
# more for shorter wavelengths.  Prints the shift far from the window (dt = -50 ms) for each.
# QUICK=1: 21 points and 10 pairs, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
syn=$here/../stdp-window/synapse.cfg
if [ "${QUICK:-0}" = 1 ]; then points=21 pairs=10; else points=101 pairs=60; fi
"$opsin" stdp "$syn" --device S_0_0 --dt "-50ms:50ms:$points" --pairs "$pairs" -o dark.csv
for wl in 623 525 445; do
    "$opsin" stdp "$syn" --device S_0_0 --dt "-50ms:50ms:$points" --pairs "$pairs" \
        --light "${wl}nm,230mW/cm2" -o "light$wl.csv"
done
for f in dark light623 light525 light445; do
    awk -F, -v n="$f" 'NR == 2 { printf "%s %+.3f nS; ", n, $2 * 1e9 }' "$f.csv"
done
echo "(window shift at dt = -50 ms; paper: upward, larger for shorter wavelengths)"
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
