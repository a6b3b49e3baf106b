#!/bin/sh
# run-bench-stdp.sh: the STDP benchmark of issue 4: a 201-point window with 60 pairs per
# point (examples/stdp-window) on 1 and on 2 threads; prints the wall time of each (the
# shell's `time`) and checks that both outputs are the same bytes.
#   usage: bench/run-bench-stdp.sh [path/to/opsin]     (run from the source tree)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for j in 1 2; do
    echo "jobs $j:"
    time "$opsin" stdp "$top/examples/stdp-window/synapse.cfg" --device S_0_0 \
        --dt -50ms:50ms:201 --pairs 60 --jobs "$j" -o "$tmp/w$j.csv"
done
cmp "$tmp/w1.csv" "$tmp/w2.csv" && echo "outputs identical"
