#!/bin/sh
# run-bench-cond.sh: the cost of conductance-based synapses against exp current synapses, on
# the Brunel (2000) network of examples/brunel-network (10,000 lif neurons, 8000 + 2000,
# fixed in-degree 800 + 200, delay 1.5 ms, tau = 20 ms, t_ref 2 ms, one Poisson train of
# 20 kHz per neuron, 1 s) with tau_syn = 2 ms synapses of either kind:
#   exp:  E_L 0, V_th 20 mV, V_reset 10 mV; 15 pA excitatory (a PSP of about 0.1 mV), -75 pA
#         inhibitory (g = 5);
#   cond: E_L -70 mV, V_th -50 mV, V_reset -60 mV; 0.3 nS toward 0 V, 3 nS toward -80 mV
#         (chosen so that the excitatory rate is near the exp version's, about 44 Hz).
# For each: the medians of REPEAT runs (default 3) of the wall time and of the CPU time (user
# + system, from /usr/bin/time -v), the spikes, the synaptic events delivered and the inputs
# applied, and the CPU time per synaptic event.
#   usage: bench/run-bench-cond.sh [path/to/opsin]     (JOBS: opsin --jobs, default 2; T: the
#   simulated time, default 1s)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
repeat=${REPEAT:-3}
jobs=${JOBS:-2}
t_end=${T:-1s}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# $1: id, $2: size; $3: the synapse and membrane keys.
pop() {
    printf '  { id = "%s"; model = "lif"; size = %s; %s\n    C_m = "250 pF"; G_L = "12.5 nS"; t_ref = "2 ms"; }' "$1" "$2" "$3"
}
# $1 -> $2, k = $3, $4: weight (and E_rev) keys.
proj() {
    printf '  { from = "%s"; to = "%s"; rule = "fixed_indegree"; k = %s; %s delay = "1.5 ms"; }' "$1" "$2" "$3" "$4"
}
circuit() { # $1: name, $2: population keys, $3: excitatory and $4: inhibitory weight keys
    {
        echo "populations = ("
        pop exc 8000 "$2"; echo ","
        pop inh 2000 "$2"; echo
        echo ");"
        echo "projections = ("
        proj exc exc 800 "$3"; echo ","
        proj exc inh 800 "$3"; echo ","
        proj inh exc 200 "$4"; echo ","
        proj inh inh 200 "$4"; echo
        echo ");"
        echo 'probes = [ "exc.rate", "inh.rate", "exc[0].V" ];'
    } >"$work/$1.cfg"
    echo "spike_sources = ( { id = \"ext\"; kind = \"poisson\"; rate = \"20 kHz\"; $3 targets = [ \"exc\", \"inh\" ]; } );" \
        >"$work/$1-stim.cfg"
}
circuit exp 'synapse = "exp"; tau_syn = "2 ms"; E_L = "0 V"; V_th = "20 mV"; V_reset = "10 mV";' \
    'weight = "15 pA";' 'weight = "-75 pA";'
circuit cond 'synapse = "cond"; tau_syn = "2 ms"; E_L = "-70 mV"; V_th = "-50 mV"; V_reset = "-60 mV";' \
    'weight = "0.3 nS"; E_rev = "0 mV";' 'weight = "3 nS"; E_rev = "-80 mV";'

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-5s %8s %8s %9s %12s %12s %9s %10s\n' kind wall_s cpu_s spikes syn_events inputs exc_Hz ns/syn_ev
for kind in exp cond; do : >"$work/$kind.wall"; : >"$work/$kind.cpu"; done
i=0
while [ "$i" -lt "$repeat" ]; do # the kinds in turn, so that a change in the machine's load
    for kind in exp cond; do     # falls on both
        /usr/bin/time -v "$opsin" run "$work/$kind.cfg" "$work/$kind-stim.cfg" -t "$t_end" \
            -j "$jobs" -o "$work/$kind.csv" 2>"$work/$kind.err" >/dev/null
        awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                                for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s }' \
            "$work/$kind.err" >>"$work/$kind.wall"
        awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' \
            "$work/$kind.err" >>"$work/$kind.cpu"
    done
    i=$((i + 1))
done
for kind in exp cond; do
    wall=$(median <"$work/$kind.wall")
    cpu=$(median <"$work/$kind.cpu")
    spikes=$(($(wc -l <"$work/$kind.spikes.csv") - 1))
    syn=$(sed -n 's/.* \([0-9]*\) synaptic inputs delivered.*/\1/p' "$work/$kind.err")
    inputs=$(sed -n 's/.*synapses, \([0-9]*\) inputs and spikes applied.*/\1/p' "$work/$kind.err")
    rate=$(awk -F, -v T="${t_end%s}" 'NR > 1 && $2 ~ /^exc/ { n++ } END { printf "%.1f", n / (8000 * T) }' \
        "$work/$kind.spikes.csv")
    ns=$(awk -v c="$cpu" -v n="$syn" 'BEGIN { printf "%.0f", 1e9 * c / n }')
    printf '%-5s %8s %8s %9s %12s %12s %9s %10s\n' "$kind" "$wall" "$cpu" "$spikes" "$syn" "$inputs" "$rate" "$ns"
done
echo "(medians of $repeat runs, the kinds in turn; opsin --jobs $jobs; ns/syn_ev: CPU time per synaptic event delivered)"
