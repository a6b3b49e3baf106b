#!/bin/sh
# run.sh: seed 000 Fig. 1b: firing rate of an I&F neuron fed by a ReS2 PEN, and of the same
# neuron fed by a resistor, before (0-20 s) and after (80-100 s) 60 s of blue light pulses.
# Prints both rates; QUICK=1 skips the plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
"$opsin" run "$here/neurons.cfg" "$here/light.cfg" -o neurons.csv --dt-out 0.01 -q
awk -F, 'NR > 1 { if ($1 <= 20) { if (!f0[$2]) f0[$2] = $1; l0[$2] = $1; n0[$2]++ }
                  else if ($1 >= 80) { if (!f1[$2]) f1[$2] = $1; l1[$2] = $1; n1[$2]++ } }
    function rate(f, l, n) { return (n - 1) / (l - f) }
    END { printf "PEN neuron %.2f -> %.2f spikes/s; resistor neuron %.2f -> %.2f spikes/s (light: 445 nm, 5 mW/cm2, 10 ms pulses)\n",
                 rate(f0["n_pen"], l0["n_pen"], n0["n_pen"]), rate(f1["n_pen"], l1["n_pen"], n1["n_pen"]),
                 rate(f0["n_res"], l0["n_res"], n0["n_res"]), rate(f1["n_res"], l1["n_res"], n1["n_res"]) }' \
    neurons.spikes.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
