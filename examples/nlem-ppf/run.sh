#!/bin/sh
# run.sh: seed 003 Fig. 2g: PPF of the N-LEM (circuits/nlem.cfg) under two 5 V, 30 ms
# voltage pulses (stimuli/nlem-ppf.cfg's protocol), EPSC peak during each pulse, gaps from
# 10 ms to 200 s (intervals start to start = gap + 30 ms); prints the double-exponential fit
# on one line.  QUICK=1: 12 intervals instead of 25, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
n=25
[ "${QUICK:-0}" = 1 ] && n=12
"$opsin" ppf "$top/circuits/nlem.cfg" --kind voltage --amplitude 5V --width 30ms \
    --target lem.I --rule peak --intervals "log:40ms:200s:$n" -o nlem-ppf.csv >fit.txt
awk '$1 == "C1" { c1 = $3 } $1 == "tau1" { t1 = $3 } $1 == "C2" { c2 = $3 }
     $1 == "tau2" { t2 = $3 } $1 == "R^2" { r2 = $3 }
     END { printf "N-LEM PPF fit: C1 %.3g, tau1 %.3g s, C2 %.4f, tau2 %.2f s, R^2 %.6f\n", c1, t1, c2, t2, r2 }' fit.txt
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
