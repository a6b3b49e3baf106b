#!/bin/sh
# run-bench-network.sh: the network benchmarks of the networks issue, whole-process wall
# times (median of REPEAT runs, default 3) of opsin and, when Debian's python3-brian is
# installed, of the same networks in Brian2 (bench/brian2/, Cython target, warm cache):
#   1. 1000 independent lif neurons (C_m 1 nF, G_L 10 nS, V_in 1 V, V_th 0.5 V, t_ref 2 ms,
#      G_in spread linearly from 5 to 160 nS), 10 s: spike count against the closed form
#      (bench/lif_closed_form.py); and 10,000 of them for 1 s (cost linear in N).
#   2. Brunel (2000) model A, 10,000 neurons, g = 5, nu_ext = 2 nu_thr (the asynchronous
#      irregular regime), 1 s (examples/brunel-network).
#   3. 100 x 100 neurons through 10,000 ReS2 phototrap synapses learning by STDP, 1 s, the
#      conductance map at the end (examples/stdp-network).
#   usage: bench/run-bench-network.sh [path/to/opsin]     (JOBS: opsin --jobs, default 2;
#   BRIAN=0 skips Brian2)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
repeat=${REPEAT:-3}
jobs=${JOBS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Median wall time (s) of REPEAT runs of the command "$@".
median() {
    i=0
    : >"$work/times"
    while [ "$i" -lt "$repeat" ]; do
        t0=$(date +%s.%N)
        "$@" >"$work/out" 2>"$work/err"
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# The independent neurons: N of them, G_in from 5 to 160 nS.
lif_circuit() {
    cat >"$work/lif$1.cfg" <<CFG
populations = ( { id = "n"; model = "lif"; size = $1; C_m = "1 nF"; G_L = "10 nS";
    E_L = "0 V"; V_in = "1 V"; V_th = "0.5 V"; V_reset = "0 V"; t_ref = "2 ms";
    G_in = { dist = "linear"; from = "5 nS"; to = "160 nS"; }; } );
probes = [ "n[0].V" ];
CFG
}

# Debian's python3 (a python3 of another installation earlier on PATH may not see brian2)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
have_brian=0
if [ "${BRIAN:-1}" = 1 ] && "$py" -c 'import brian2' 2>/dev/null; then have_brian=1; fi

printf '%-34s %10s %10s %12s %8s\n' benchmark opsin_s brian2_s spikes ratio
for case in "1000 10" "10000 1"; do
    set -- $case
    lif_circuit "$1"
    t=$(median "$opsin" run "$work/lif$1.cfg" -t "$2" -j "$jobs" -o "$work/lif.csv" -q)
    spikes=$(($(wc -l <"$work/lif.spikes.csv") - 1))
    exact=$(python3 "$top/bench/lif_closed_form.py" --n "$1" --t "$2" |
            awk '/^spread=lin_k\/\(N-1\)/ { sub(/.* spikes=/, ""); print $1 }')
    [ "$spikes" = "$exact" ] || { echo "lif $1 x $2 s: $spikes spikes, closed form $exact" >&2; exit 1; }
    b=- ratio=-
    if [ "$have_brian" = 1 ]; then
        "$py" "$top/bench/brian2/lif_independent.py" --n "$1" --t "$2" >/dev/null 2>&1 || true
        b=$(median "$py" "$top/bench/brian2/lif_independent.py" --n "$1" --t "$2")
        ratio=$(awk -v a="$t" -v b="$b" 'BEGIN { printf "%.1f", b / a }')
    fi
    printf '%-34s %10s %10s %12s %8s\n' "1. lif x $1, $2 s (exact: $exact)" "$t" "$b" "$spikes" "$ratio"
done

sed -e 's/@WINH@/-0.5 mV/' "$top/examples/brunel-network/brunel.cfg" >"$work/brunel.cfg"
sed -e 's/@RATE@/20000 Hz/' "$top/examples/brunel-network/brunel-stim.cfg" >"$work/stim.cfg"
t=$(median "$opsin" run "$work/brunel.cfg" "$work/stim.cfg" -t 1s -d 1ms -j "$jobs" \
    -o "$work/brunel.csv" -q)
spikes=$(($(wc -l <"$work/brunel.spikes.csv") - 1))
b=- ratio=-
if [ "$have_brian" = 1 ]; then
    "$py" "$top/bench/brian2/brunel.py" --g 5 --nu-ratio 2 --t 1 >/dev/null 2>&1 || true
    b=$(median "$py" "$top/bench/brian2/brunel.py" --g 5 --nu-ratio 2 --t 1)
    ratio=$(awk -v a="$t" -v b="$b" 'BEGIN { printf "%.1f", b / a }')
fi
printf '%-34s %10s %10s %12s %8s\n' "2. Brunel AI, 10,000 x 1 s" "$t" "$b" "$spikes" "$ratio"

# 3. examples/stdp-network: 100 x 100 lif through 10,000 ReS2 phototrap synapses with STDP,
# 1 s, the conductance map written at the end (no Brian2 counterpart: its synapses are
# devices integrated by CVODE).
sed 's|@include "../../circuits/|@include "|' "$top/examples/stdp-network/network.cfg" \
    >"$work/stdpnet.cfg"
cp "$top/circuits/res2-materials.cfg" "$work/"
t=$(median "$opsin" run "$work/stdpnet.cfg" "$top/examples/stdp-network/stimulus.cfg" -t 1s \
    -d 10ms -j "$jobs" -o "$work/stdpnet.csv" --map "$work/stdpnet-map.csv")
spikes=$(($(wc -l <"$work/stdpnet.spikes.csv") - 1))
cells=$(($(wc -l <"$work/stdpnet-map.csv") - 1))
[ "$cells" = 10000 ] || { echo "stdp-network: $cells synapses in the map" >&2; exit 1; }
printf '%-34s %10s %10s %12s %8s\n' "3. STDP devices, 100 x 100 x 1 s" "$t" - "$spikes" -
grep '^# device synapses' "$work/stdpnet.summary.txt" || true
echo "(ratio: Brian2 time / opsin time; whole processes, medians of $repeat; opsin --jobs $jobs)"
