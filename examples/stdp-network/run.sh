#!/bin/sh
# run.sh: 100 input neurons -> 100 output neurons, all to all, through 10,000 ReS2 PEN
# synapses (seed 000) that learn by their own voltage-overlap STDP (network.cfg); the first
# 50 inputs fire at 20 Hz, the other 50 at 5 Hz (stimulus.cfg).  Runs 1 s and writes the
# spikes, every synapse's conductance at 0 and at the end (map.csv), and prints the mean
# change of G of the synapses from the fast and from the slow inputs and the output rate.
# With gnuplot: the conductance map and the raster (stdp-network.png).  QUICK=1: 0.2 s.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
t_end=1s
if [ "${QUICK:-0}" = 1 ]; then t_end=0.2s; fi
"$opsin" run "$here/network.cfg" "$here/stimulus.cfg" -t "$t_end" -d 10ms -o stdp-network.csv \
    --map map.csv --map-at "0,$t_end" -q
# map: t (s),array,row,col,value (S); row = input, col = output
awk -F, -v T="${t_end%s}" '
    NR > 1 { k = ($3 < 50) ? "fast" : "slow"; if ($1 == 0) g0[k] += $5; else { g1[k] += $5; n[k]++ } }
    END {
        while ((getline line < "stdp-network.spikes.csv") > 0) if (line ~ /,out\[/) spikes++
        printf "fast inputs (20 Hz): G %+.3f nS, slow inputs (5 Hz): G %+.3f nS (mean over 5000 synapses each); output %.1f Hz\n",
               (g1["fast"] - g0["fast"]) / n["fast"] * 1e9, (g1["slow"] - g0["slow"]) / n["slow"] * 1e9,
               spikes / 100 / T }' map.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then
    awk -F, 'NR > 1 && $1 > 0' map.csv >map-end.csv
    gnuplot "$here/plot.gp"
fi
