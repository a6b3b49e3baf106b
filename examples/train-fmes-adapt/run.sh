#!/bin/sh
# run.sh: seed 004 Fig. 5: trains net.cfg (784-100-4, FMES synapses, R_reg open) on dataset1
# (classes 8, 6, 2, 4: train.csv, dataset1.state, weights-before.png, Fig. 5b), then loads it
# and maps images of dataset2 (classes 9, 5, 7, 1, their labels taking the outputs of 8, 6, 2,
# 4 in that order), testing on dataset2 every 100 images (adapt.csv: test accuracy against the
# images mapped, Fig. 5f; weights-after.png, Fig. 5e; adapted.state), then tests the adapted
# network on dataset1 again (forget.csv).  Prints the accuracies on one line.  Without QUICK
# it does the same with the float baseline (ideal.cfg; the files named *-ideal.*) and, with
# gnuplot, draws adapt.csv (train-fmes-adapt.png, kept as expected.png).
# QUICK=1: 2 epochs of 1000 images of dataset1, 1000 images of dataset2 mapped, tested every
# 500 on 400 images.  MNIST_DIR=DIR: MNIST instead of Fashion-MNIST (../train-fmes-rreg/mnist.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
. "$here/../train-fmes-rreg/mnist.sh"
mapped=2000 every=100 first=
if [ "${QUICK:-0}" = 1 ]; then
    set -- "$@" --set dataset.test_images=400
    mapped=1000 every=500 first="--epochs 2 --set dataset.train_images=1000"
fi

# adapt NET TAG WHAT OPTION...: the three runs on NET, files named with TAG, one line of WHAT
adapt() {
    net=$1 tag=$2 what=$3
    shift 3
    # shellcheck disable=SC2086 # $first is two options or none
    "$opsin" train "$net" "$@" $first -o "train$tag.csv" --save "dataset1$tag.state" \
        --weights "weights-before$tag.png" 2>"curve$tag.txt"
    "$opsin" train "$net" "$@" --set 'dataset.classes=[9,5,7,1]' --load "dataset1$tag.state" \
        --epochs 1 --set "dataset.train_images=$mapped" --eval-every "$every" \
        -o "adapt$tag.csv" --save "adapted$tag.state" --weights "weights-after$tag.png" -q
    "$opsin" train "$net" "$@" --load "adapted$tag.state" --epochs 0 -o "forget$tag.csv" -q
    awk -F, -v data="$data" -v what="$what" '
        FILENAME == ARGV[1] { d1 = 100 * $3; next }
        FILENAME == ARGV[2] { if (FNR == 2) b = 100 * $2; a = 100 * $2; n = $1; next }
        { f = 100 * $3 }
        END { printf "%s, 784-100-4, %s: dataset1 %.1f %% after training; dataset2 %.1f %% " \
                     "-> %.1f %% after %d images (dataset1 then %.1f %%)\n",
                     data, what, d1, b, a, n, f }' "train$tag.csv" "adapt$tag.csv" "forget$tag.csv"
}

adapt "$here/net.cfg" "" "FMES, R_reg open" "$@" --set syn.R_reg=open
if [ "${QUICK:-0}" != 1 ]; then
    adapt "$here/ideal.cfg" -ideal "ideal" "$@"
    echo "paper (MNIST): dataset1 95 %; dataset2 8 % -> 73 %"
    if command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
fi
