#!/bin/sh
# run.sh: seed 002's FONN (400-100-10, sigmoid, 20 x 20 binarised images, 6000 training and
# 1000 test images, per-image SGD) trained through three synapses that differ only there:
#   ideal   float weights (ideal.cfg);
#   device  the BP/CdS device of circuits/bpcds.cfg, its own LTP/LTD staircase (device.cfg);
#   nl      NeuroSim's exponential law fitted by `opsin fit nl` to that same staircase: the
#           device kind's description gives the pulse counts, stair.awk makes them one
#           stimulus file, `opsin run` runs it, `opsin fit nl` fits it, and its NL, NL_LTD
#           and Pmax (with the device's energies per pulse) become nl.cfg.
# Writes ideal.csv, nl.csv, device.csv (one row per epoch), confusion-1.csv and
# confusion.csv (the device's test confusion matrix after 1 and after all epochs, Fig. 4e),
# staircase.csv, nl-fit.txt, nl.cfg and (with gnuplot) train-fonn-bpcds.png; prints one line.
# Data: Fashion-MNIST from /usr/share/datasets/fashion-mnist, or MNIST from MNIST_DIR
# (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
# t10k-labels-idx1-ubyte, each raw or .gz).  QUICK=1: 600 training and 200 test images,
# 2 epochs, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
epochs=13 set_quick=
if [ "${QUICK:-0}" = 1 ]; then
    epochs=2 set_quick="--set dataset.train_images=600 --set dataset.test_images=200"
fi
. "$here/data.sh"  # data, set_data: Fashion-MNIST, or MNIST from MNIST_DIR
train() { # NAME [OPTION]...: trains NAME.cfg for $epochs epochs into NAME.csv
    cfg=$1; shift
    eval "\"\$opsin\" train \"\$cfg\" --epochs $epochs $set_quick $set_data \"\$@\""
}

# 1. the device kind: its curve (described on standard error), then its training
train "$here/device.cfg" -o device.csv --confusion confusion.csv 2>device.txt
grep '^# device curve' device.txt >&2 || true
# 2. the same staircase by opsin run, fitted by opsin fit nl
np=$(sed -n 's/^# device curve: .*: \([0-9]*\) x .*, then \([0-9]*\) x .*/\1/p' device.txt)
nd=$(sed -n 's/^# device curve: .*: \([0-9]*\) x .*, then \([0-9]*\) x .*/\2/p' device.txt)
e_ltp=$(sed -n 's/^# synapse: .* E_LTP \([^ ]*\) J, E_LTD \([^ ]*\) J$/\1/p' device.txt)
e_ltd=$(sed -n 's/^# synapse: .* E_LTP \([^ ]*\) J, E_LTD \([^ ]*\) J$/\2/p' device.txt)
awk -v np="$np" -v nd="$nd" -v period=1 -f "$here/stair.awk" "$top/stimuli/bpcds-ltp-pulse.cfg" \
    "$top/stimuli/bpcds-ltd-pulse.cfg" >staircase-stim.cfg
"$opsin" run "$top/circuits/bpcds.cfg" staircase-stim.cfg -q -o staircase-run.csv --probe syn.G \
    --dt-out 1
# -dPSC from the start, read just before each next pulse (the first row at t = k s): LTP after
# k light pulses, LTD after d gate ramps from the top
awk -F, -v np="$np" -v nd="$nd" '
    NR == 2 { g0 = $2; k = 0 }
    NR > 1 && k <= np + nd && $1 >= k - 1e-9 { w[k] = g0 - $2; k++ }
    END {
        print "pulse,G_LTP (S),G_LTD (S)"
        for (i = 0; i <= np; i++) printf "%d,%.10g,%s\n", i, w[i], i <= nd ? sprintf("%.10g", w[np + i]) : ""
    }' staircase-run.csv >staircase.csv
rm -f staircase-run.csv staircase-run.summary.txt staircase-run.spikes.csv staircase-stim.cfg
"$opsin" fit nl staircase.csv --y G_LTP --y2 G_LTD >nl-fit.txt
awk -v here="$here" -v e_ltp="$e_ltp" -v e_ltd="$e_ltd" '
    $1 == "Pmax" { pmax = $3 } $1 == "NL" { nl = $3 } $1 == "NL_LTD" { nd = $3 } $1 == "R^2" { r2 = $3 }
    END {
        print "# nl.cfg: the FONN (net.cfg) with NeuroSim'"'"'s exponential law, fitted by opsin fit nl to the"
        print "# staircase of the device kind (device.cfg; R^2 " r2 "); written by run.sh.  Gmin and Gmax"
        print "# are left at their defaults: only fractions of the range reach the weights.  The"
        print "# network is net.cfg'"'"'s text, copied (libconfig 1.5 cannot @include an absolute name)."
        while ((getline line < (here "/net.cfg")) > 0) print line
        printf "synapse = { kind = \"nl\"; Pmax = %s; NL = %s; NL_LTD = %s;\n", pmax, nl, nd
        printf "            E_LTP = %s; E_LTD = %s; };\n", e_ltp, e_ltd
    }' nl-fit.txt >nl.cfg
# 3. the nl kind and the ideal baseline
train nl.cfg -q -o nl.csv
train "$here/ideal.cfg" -q -o ideal.csv
if [ "${QUICK:-0}" != 1 ]; then # Fig. 4e's first confusion matrix
    train "$here/device.cfg" -q --epochs 1 -o /dev/null --confusion confusion-1.csv
fi
last() { tail -n 1 "$1" | awk -F, '{ printf "%.1f", 100 * $3 }'; }
energy=$(awk -F, 'NR > 1 { e += $7 } END { printf "%.3g", e }' device.csv)
echo "$data: ideal $(last ideal.csv) %, nl $(last nl.csv) %, device $(last device.csv) % test" \
     "accuracy after $epochs epochs; energy $energy J (device, $(awk -F, 'NR > 1 { p += $5 + $6 }
     END { print p }' device.csv) pulses)"
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then
    gnuplot -e "data='$data'" "$here/plot.gp"
fi
