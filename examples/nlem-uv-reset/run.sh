#!/bin/sh
# run.sh: N-LEM potentiated by 50 pulses (5 V, 30 ms), then reset by 2.52 s of UV (365 nm,
# 70 mW/cm2) or left to decay in the dark (seed 003, 003:87, Figs. S15-S16); prints the UV
# weight reduction and the natural decay on one line and fails outside the tolerances.
# QUICK=1 skips the plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
"$opsin" run "$top/circuits/nlem.cfg" "$top/stimuli/nlem-uv-reset.cfg" -o uv.csv -q \
    --dt-out 5ms --probe lem.G,lem.V
"$opsin" run "$top/circuits/nlem.cfg" "$top/stimuli/nlem-decay.cfg" -o dark.csv -q \
    --dt-out 10ms --probe lem.G,lem.V
# weight W = G - G0 (G0 = 1 uS, circuits/nlem.cfg); the train ends at t = 3 s.
awk -F, -v g0=1e-6 '
FNR == 1 { f++; on = 0; k = 0; next }
f == 1 && $1 <= 3.0 + 1e-9 { w0 = $2 - g0 }               # last row at the end of the train
f == 1 && $1 <= 5.52 + 1e-9 { w1 = $2 - g0 }              # end of the UV
f == 2 { if ($3 > 0) { g = $2; on = 1 } else if (on) { A[k++] = g; on = 0 } }
END {
    red = 1 - w1 / w0; lost = (A[49] - A[50]) / (A[49] - A[0])
    printf "UV 2.52 s at 70 mW/cm2: weight reduced by %.1f %% (paper 100 %%); dark 71.6 s: %.2f %% of the potentiation lost (paper 63.06 %%); 2.52/71.6 = %.2f %% (paper < 3.52 %%)\n", 100 * red, 100 * lost, 100 * 2.52 / 71.6
    printf "red = %.1f; lost = %.1f\n", 100 * red, 100 * lost > "gp.vars"
    if (red < 0.9 || (lost / 0.6306 - 1) ^ 2 > 0.01) { print "OUT OF TOLERANCE" > "/dev/stderr"; exit 1 }
}' uv.csv dark.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
