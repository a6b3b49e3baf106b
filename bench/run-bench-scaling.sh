#!/bin/sh
# run-bench-scaling.sh: the cost of a synaptic event against the network's size N and fan-in
# k (the networks issue: "bench the cost per spike and per synaptic event against N and
# fan-in and show it flat").  N lif neurons (tau 20 ms, theta 20 mV, reset 10 mV, t_ref
# 2 ms), each driven by its own Poisson train (0.1 mV at 20 kHz: mean drive at threshold),
# and k recurrent inhibitory synapses each (fixed in-degree, -10/k mV, so the total
# inhibition does not depend on k), delay 1.5 ms, 0.2 s.  Prints the CPU seconds (user + sys,
# median of REPEAT runs, default 3), the inputs applied (Poisson and synaptic), the synaptic
# events, and ns of CPU per input applied.
#   usage: bench/run-bench-scaling.sh [path/to/opsin]     (JOBS: opsin --jobs, default 1)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
repeat=${REPEAT:-3}
jobs=${JOBS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Median CPU seconds of REPEAT runs of "$@" (GNU time's user + sys).
cpu_median() {
    i=0
    : >"$work/cpu"
    while [ "$i" -lt "$repeat" ]; do
        /usr/bin/env time -f "%U %S" -o "$work/t" "$@" >/dev/null 2>&1
        awk '{ printf "%.3f\n", $1 + $2 }' "$work/t" >>"$work/cpu"
        i=$((i + 1))
    done
    sort -n "$work/cpu" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

command -v time >/dev/null 2>&1 || [ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
printf '%8s %6s %8s %14s %14s %10s\n' N k cpu_s inputs syn_events ns/input
for case in "1000 100" "10000 100" "100000 100" "10000 10" "10000 1000"; do
    set -- $case
    w=$(awk -v k="$2" 'BEGIN { printf "%.10g", -10 / k }')
    cat >"$work/net.cfg" <<CFG
populations = ( { id = "n"; model = "lif"; size = $1; C_m = "250 pF"; G_L = "12.5 nS";
    V_th = "20 mV"; V_reset = "10 mV"; t_ref = "2 ms"; } );
projections = ( { from = "n"; to = "n"; rule = "fixed_indegree"; k = $2;
    weight = "$w mV"; delay = "1.5 ms"; } );
probes = [ "n.rate" ];
CFG
    cat >"$work/stim.cfg" <<CFG
spike_sources = ( { id = "ext"; kind = "poisson"; rate = "20 kHz"; weight = "0.1 mV";
    targets = [ "n" ]; } );
CFG
    cpu=$(cpu_median "$opsin" run "$work/net.cfg" "$work/stim.cfg" -t 0.2s -d 1ms -j "$jobs" \
          -o "$work/out.csv" -q)
    line=$(grep '^# network' "$work/out.summary.txt")
    inputs=$(echo "$line" | sed 's/.* synapses, \([0-9]*\) inputs.*/\1/')
    syn=$(echo "$line" | sed 's/.* applied, \([0-9]*\) synaptic.*/\1/')
    printf '%8s %6s %8s %14s %14s %10s\n' "$1" "$2" "$cpu" "$inputs" "$syn" \
        "$(awk -v c="$cpu" -v n="$inputs" 'BEGIN { printf "%.0f", c / n * 1e9 }')"
done
