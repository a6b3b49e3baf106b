#!/bin/sh
# run-bench.sh: supercap LTP/LTD benchmark of the core issue.  For 300 and 3000 pulses
# (+1 mA then -1 mA at 500 Hz) followed by 100 s and by 1000 s of rest, prints wall time,
# integrator steps and right-hand-side evaluations from the run summary.  Steps must grow
# with the number of pulses, not with the length of the rest.
#   usage: bench/run-bench.sh [path/to/opsin]     (run from the source tree)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
printf '%-8s %-8s %10s %8s %10s\n' pulses rest_s wall_s steps rhs_evals
for n in 300 3000; do
    for rest in 100 1000; do
        tend=$(awk -v n="$n" -v r="$rest" 'BEGIN { printf "%.17g", n * 0.002 + r }')
        "$opsin" run "$top/circuits/fmes.cfg" "$top/bench/fmes-$n.cfg" --t-end "$tend" \
            --dt-out 1 2>"${TMPDIR:-/tmp}/opsin-bench.$$" >/dev/null
        awk -v n="$n" -v r="$rest" '
            /integrator steps/ { gsub(",", ""); steps = $6; rhs = $9 }
            /wall time/ { wall = $4 }
            END { printf "%-8s %-8s %10.6f %8s %10s\n", n, r, wall, steps, rhs }' \
            "${TMPDIR:-/tmp}/opsin-bench.$$"
    done
done
rm -f "${TMPDIR:-/tmp}/opsin-bench.$$"
