#!/bin/sh
# run-bench-sweep.sh: the 1000-point supercap sweep of issue 4: R_reg on a log range
# (50 values, 500 ohm to 8 kohm) x paired-pulse amplitude (20 values, 0.5 to 5 mA) with
# circuits/fmes.cfg and stimuli/fmes-ppf.cfg, four measures per run (peak, ppf, final,
# energy).  Prints the wall time with --jobs 1 and --jobs 2 (best of REPEAT runs, default 3)
# and checks that both CSVs are the same bytes.
#   usage: bench/run-bench-sweep.sh [path/to/opsin]     (run from anywhere)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Wall time in seconds of one sweep with $1 jobs, CSV to $work/j$1.csv.
one_sweep() {
    t0=$(date +%s.%N)
    "$opsin" sweep "$top/circuits/fmes.cfg" "$top/stimuli/fmes-ppf.cfg" \
        --set syn.R_reg=log:500ohm:8kohm:50 --set pre.amplitude=0.5mA:5mA:20 \
        --measure syn.v:peak,syn.v:ppf,syn.v:final,energy --jobs "$1" -o "$work/j$1.csv"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

printf '%-6s %8s %10s %8s\n' jobs points wall_s speedup
base=
for jobs in 1 2; do
    best=
    i=0
    while [ "$i" -lt "$repeat" ]; do
        t=$(one_sweep "$jobs")
        best=$(awk -v a="${best:-$t}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
        i=$((i + 1))
    done
    base=${base:-$best}
    rows=$(($(wc -l <"$work/j$jobs.csv") - 1))
    printf '%-6s %8s %10.3f %8.2f\n' "$jobs" "$rows" "$best" \
        "$(awk -v a="$base" -v b="$best" 'BEGIN { print a / b }')"
done
if cmp -s "$work/j1.csv" "$work/j2.csv"; then
    echo "CSV identical for --jobs 1 and 2"
else
    echo "CSV DIFFERS between --jobs 1 and 2" >&2
    exit 1
fi
