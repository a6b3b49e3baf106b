#!/bin/sh
# run.sh: runs the paired-pulse protocol and prints A1, A2 and A2/A1 (peaks at the end of
# each 1 ms pulse: the left sides of the falling edges at 2 ms and 12 ms).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
"$opsin" run "$top/circuits/fmes.cfg" "$top/stimuli/fmes-ppf.cfg" -o ppf.csv -q
awk -F, 'NR > 1 && $1 == 0.002 && !a1 { a1 = $2 }
         NR > 1 && $1 == 0.012 && !a2 { a2 = $2 }
         END { printf "A1 = %.4f V, A2 = %.4f V, A2/A1 = %.4f\n", a1, a2, a2 / a1 }' ppf.csv
if command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
