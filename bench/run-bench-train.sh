#!/bin/sh
# run-bench-train.sh: seconds per training epoch of the float network (src/train/) in the
# NeuroSim protocol: 400-100-10, sigmoid with squared error, 8000 random 20 x 20 images per
# epoch, ideal synapses; per-image SGD (batch 1, as the papers) and batches of 10 and 100.
# Prints one line per batch size from bench/bench-mlp.c (which BLAS, wall and CPU seconds per
# epoch, the last epoch's loss).
#   usage: bench/run-bench-train.sh [BUILD_DIR [EPOCHS]]   (BUILD_DIR: a configured build,
#          default the source tree; builds bench/bench-mlp there with make)
set -eu
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
epochs=${2:-5}
make -s -C "$build" bench/bench-mlp >/dev/null
for batch in 1 10 100; do
    "$build/bench/bench-mlp" "$epochs" "$batch"
done
