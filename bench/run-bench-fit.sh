#!/bin/sh
# run-bench-fit.sh: `opsin fit` on large files: staircases of 3000 and 30,000 pulses (a
# saturating staircase with write noise of 5 % of the mean step, the slowest kind for the
# linear-range search) and 1e6-row ppf and decay curves, made here by a seeded awk generator.
# Prints the median whole-process wall time of REPEAT runs (default 5) per case, and the
# output's digest so two builds can be compared.
#   usage: bench/run-bench-fit.sh [path/to/opsin] [CASE...]    (run from anywhere)
#   CASE: stair3000 stair30000 ppf1e6 decay1e6 (default all)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
[ $# -gt 0 ] && shift
cases=${*:-stair3000 stair30000 ppf1e6 decay1e6}
repeat=${REPEAT:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

gauss='function gauss(   u, v) { u = rand(); v = rand(); return sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v) }'
# n pulses of G = 1 + 100 (1 - exp(-3 i/n)) nS, write noise 5 % of the mean step
awk -v n=3000 "$gauss"' BEGIN { srand(1); print "P,G (nS)"; for (i = 0; i < n; i++)
    printf "%d,%.10g\n", i, 1 + 100 * (1 - exp(-3 * i / n)) + 0.05 * 100 / n * gauss() }' >"$work/stair3000.csv"
awk -v n=30000 "$gauss"' BEGIN { srand(1); print "P,G (nS)"; for (i = 0; i < n; i++)
    printf "%d,%.10g\n", i, 1 + 100 * (1 - exp(-3 * i / n)) + 0.05 * 100 / n * gauss() }' >"$work/stair30000.csv"
# 1e6 intervals from 2 ms to 2 s, PPF 1 + 0.4 exp(-dt/12 ms) + 0.15 exp(-dt/180 ms) + noise
awk -v n=1000000 "$gauss"' BEGIN { srand(7); print "interval (s),A2/A1"; for (k = 0; k < n; k++) {
    dt = 0.002 * exp(k / (n - 1) * log(1000))
    printf "%.6g,%.6f\n", dt, 1 + 0.40 * exp(-dt / 0.012) + 0.15 * exp(-dt / 0.18) + 0.01 * gauss() } }' >"$work/ppf1e6.csv"
# 1e6 samples 1 ms apart of G = 2 + 3 exp(-(t/50 s)^0.6) nS + noise
awk -v n=1000000 "$gauss"' BEGIN { srand(8); print "t (s),G (nS)"; for (k = 0; k < n; k++) {
    t = k * 1e-3; printf "%.6g,%.6f\n", t, 2 + 3 * exp(-(t / 50) ^ 0.6) + 0.01 * gauss() } }' >"$work/decay1e6.csv"

# Wall time in seconds of one fit of case $1, its report to $work/$1.out.
one_fit() {
    case $1 in stair*) model=staircase ;; ppf*) model=ppf ;; *) model=decay ;; esac
    t0=$(date +%s.%N)
    "$opsin" fit "$model" "$work/$1.csv" >"$work/$1.out"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

printf '%-11s %8s %10s  %s\n' case rows median_s report_md5
for c in $cases; do
    times=
    i=0
    while [ "$i" -lt "$repeat" ]; do
        times="$times $(one_fit "$c")"
        i=$((i + 1))
    done
    median=$(echo "$times" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 }
        END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf '%-11s %8s %10.3f  %s\n' "$c" "$(($(wc -l <"$work/$c.csv") - 1))" "$median" \
        "$(md5sum <"$work/$c.out" | cut -c1-12)"
done
