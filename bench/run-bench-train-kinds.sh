#!/bin/sh
# run-bench-train-kinds.sh: seconds per training epoch of `opsin train` for each synapse kind
# in the NeuroSim protocol on Fashion-MNIST (bench/train/*.cfg: 400-100-10 sigmoid, 20 x 20
# crop, 8000 training and 1000 test images per epoch, per-image SGD), with --jobs 1 and 2.
# Per run it prints the median of the epochs' own wall seconds (the CSV's wall column, which
# covers training and the two accuracy passes, not reading the data or a device kind's
# tabulation), the whole command's seconds, and the test accuracy of the last epoch.
# Needs Debian's dataset-fashion-mnist.
#   usage: bench/run-bench-train-kinds.sh [OPSIN [EPOCHS [RUNS]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${1:-$here/../src/opsin}
epochs=${2:-5}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-7s %4s %14s %14s %9s\n' synapse jobs 's/epoch' 's/command' 'test acc'
for kind in ideal nl device; do
    for jobs in 1 2; do
        : >"$tmp/epochs" ; : >"$tmp/whole"
        for r in $(seq "$runs"); do
            t0=$(date +%s.%N)
            "$opsin" train "$here/train/$kind.cfg" -e "$epochs" -j "$jobs" -q -o "$tmp/e.csv"
            t1=$(date +%s.%N)
            awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$tmp/whole"
            awk -F, 'NR > 2 { print $8 }' "$tmp/e.csv" >>"$tmp/epochs"
            acc=$(awk -F, 'END { printf "%.1f %%", 100 * $3 }' "$tmp/e.csv")
        done
        printf '%-7s %4s %14.3f %14.2f %9s\n' "$kind" "$jobs" "$(median <"$tmp/epochs")" \
            "$(median <"$tmp/whole")" "$acc"
    done
done
