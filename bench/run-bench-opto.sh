#!/bin/sh
# run-bench-opto.sh: the optoelectronic benchmarks of seed 000 on circuits/res2-pen.cfg: the
# 980-state staircase (979 blue pulses of 10 s every 20 s: 5.4 hours of device time) and the
# 800 write + 800 erase endurance sawtooth at each wavelength; prints events, integrator steps,
# rhs evaluations and wall time from the run summary.
#   usage: bench/run-bench-opto.sh [path/to/opsin]     (run from the source tree)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '%-28s %8s %9s %10s %9s\n' run events steps rhs_evals wall_s
for s in staircase-445 endurance-623 endurance-525 endurance-445; do
    "$opsin" run "$top/circuits/res2-pen.cfg" "$top/stimuli/res2-$s.cfg" --dt-out 1000 \
        2>"$tmp/summary" >/dev/null
    awk -v n="res2-$s" '
        /^# events/ { gsub(",", ""); ev = $3 }
        /integrator steps/ { gsub(",", ""); steps = $6; rhs = $9 }
        /wall time/ { wall = $4 }
        END { printf "%-28s %8s %9s %10s %9.4f\n", n, ev, steps, rhs, wall }' "$tmp/summary"
done
