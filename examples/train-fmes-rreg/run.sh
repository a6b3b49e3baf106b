#!/bin/sh
# run.sh: seed 004 Fig. 4: the 784-100-10 network trained through FMES supercapacitor synapses
# (fmes.cfg, the `device` kind on circuits/fmes.cfg) with R_reg open and 8 kohm, against the
# float baseline (ideal.cfg); writes epochs-open.csv, epochs-8kohm.csv, epochs-ideal.csv, the
# weight maps of class 3 (weights-3-open.png, weights-3-8kohm.png, weights-3-ideal.png;
# Fig. 4c) and how each device curve was tabulated (curve-open.txt, curve-8kohm.txt), and
# prints the last epoch's test accuracies on one line.  Without QUICK it also prints the best
# epoch's, trains fmes-500hz.cfg (the shipped 500 Hz one-pulse stimuli: epochs-500hz.csv,
# curve-500hz.txt), draws the initial map (weights-3-initial.png) and, with gnuplot, the
# curves (train-fmes-rreg.png, kept as expected.png).  QUICK=1: 2 epochs of 1000 images,
# 500 test images.  MNIST_DIR=DIR: MNIST instead of Fashion-MNIST (mnist.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
. "$here/mnist.sh"
if [ "${QUICK:-0}" = 1 ]; then
    set -- "$@" --epochs 2 --set dataset.train_images=1000 --set dataset.test_images=500
fi
pct() { awk -F, 'END { printf "%.1f", 100 * $3 }' "$1"; }
best() {
    awk -F, 'NR > 1 && $3 > b { b = $3; e = $1 }
             END { printf "%.1f %% (epoch %d)", 100 * b, e }' "$1"
}
for r in open 8kohm; do
    "$opsin" train "$here/fmes.cfg" "$@" --set "syn.R_reg=$r" -o "epochs-$r.csv" \
        --weights "weights-3-$r.png" --classes 3 2>"curve-$r.txt"
done
# the baseline at its own rate, 0.3 (README.md)
"$opsin" train "$here/ideal.cfg" "$@" --set training.rate=0.3 -o epochs-ideal.csv \
    --weights weights-3-ideal.png --classes 3
e=$(awk -F, 'END { print $1 }' epochs-open.csv)
echo "$data, 784-100-10, test accuracy after $e epochs: open $(pct epochs-open.csv) %," \
     "8 kohm $(pct epochs-8kohm.csv) %, ideal $(pct epochs-ideal.csv) %" \
     "(paper, MNIST, 100 epochs: 89 %, 90 %, ~95 %)"
if [ "${QUICK:-0}" != 1 ]; then
    echo "best epoch: open $(best epochs-open.csv), 8 kohm $(best epochs-8kohm.csv)," \
         "ideal $(best epochs-ideal.csv)"
    "$opsin" train "$here/fmes-500hz.cfg" "$@" --set syn.R_reg=open -o epochs-500hz.csv \
        2>curve-500hz.txt
    "$opsin" train "$here/fmes.cfg" "$@" --set syn.R_reg=open --epochs 0 -o /dev/null \
        --weights weights-3-initial.png --classes 3 2>/dev/null
    echo "shipped 500 Hz stimuli (read 1 ms after each pulse), open: $(pct epochs-500hz.csv) %"
    if command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
fi
