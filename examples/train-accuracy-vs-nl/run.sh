#!/bin/sh
# run.sh: the NeuroSim users' curve on seed 002's FONN protocol (examples/train-fonn-bpcds/
# net.cfg: 400-100-10 sigmoid, 20 x 20 binarised images, 6000 training and 1000 test images,
# per-image SGD at one rate for all): test accuracy through the nl synapse kind
#   (a) against its nonlinearity NL = 0, 1, 2, 3, 5, 8 at Pmax = 100 pulses, with the LTD
#       curve's NL_LTD equal to NL (both saturate: a pulse up and one down do not cancel) or
#       opposite, -NL (the LTD curve retraces the LTP curve: they cancel);
#   (b) against its number of states Pmax = 8, 16, 32, 64, 128, 256 and inf (continuous) with
#       a linear curve (NL = 0);
# with the ideal (float) synapse as the reference line and the device kind (the BP/CdS
# staircase of circuits/bpcds.cfg, at 450 nm as in the paper and at 525 nm through --set
# light.wavelength, seed 000's wavelength dependence) placed at its own number of pulses.
# Each point is a network file written here, net.cfg's text plus its synapse group (the
# command line's --set synapse.KEY=VALUE would do the same).  Writes vs-nl.csv, vs-states.csv, reference.csv and (with
# gnuplot) train-accuracy-vs-nl.png; prints one line.  Data as examples/train-fonn-bpcds
# (MNIST_DIR).  QUICK=1: Pmax 8 and inf at NL 0 and the ideal synapse, 600 training and 200
# test images, 2 epochs, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
net=$top/examples/train-fonn-bpcds/net.cfg
epochs=5 set_quick=
if [ "${QUICK:-0}" = 1 ]; then
    epochs=2 set_quick="--set dataset.train_images=600 --set dataset.test_images=200"
fi
. "$top/examples/train-fonn-bpcds/data.sh"  # data, set_data: Fashion-MNIST, or MNIST from MNIST_DIR
# acc SYNAPSE-GROUP [OPTION]...: the test accuracy (%) after $epochs epochs of net.cfg with
# that synapse group in $a, the seconds of its epochs in $secs (its description in point.txt)
acc() {
    { cat "$net"; echo "synapse = { $1 };"; } >point.cfg
    shift
    if ! eval "\"\$opsin\" train point.cfg --epochs $epochs $set_quick $set_data -o point.csv \
              \"\$@\"" 2>point.txt; then
        cat point.txt >&2
        exit 1
    fi
    secs=$(awk -F, 'NR > 1 { s += $8 } END { printf "%.1f", s }' point.csv)
    a=$(tail -n 1 point.csv | awk -F, '{ printf "%.1f", 100 * $3 }')
}
acc 'kind = "ideal";'
ideal=$a
echo "synapse,test accuracy (%),seconds" >reference.csv
echo "ideal,$ideal,$secs" >>reference.csv
echo "Pmax,test accuracy (%),seconds" >vs-states.csv
if [ "${QUICK:-0}" = 1 ]; then states="8 inf"; else states="8 16 32 64 128 256 inf"; fi
for p in $states; do
    case $p in inf) pm='"inf"' ;; *) pm=$p ;; esac
    acc "kind = \"nl\"; Pmax = $pm; NL = 0;"
    echo "$p,$a,$secs" >>vs-states.csv
done
if [ "${QUICK:-0}" = 1 ]; then
    awk -F, -v ideal="$ideal" 'NR > 1 { a[$1] = $2 }
        END { printf "ideal %s %%; nl NL 0: Pmax inf %s %%, Pmax 8 %s %% test accuracy\n", ideal, a["inf"], a[8] }' \
        vs-states.csv | sed "s|^|$data: |"
    rm -f point.cfg point.csv point.txt
    exit 0
fi
echo "NL,NL_LTD = NL (%),NL_LTD = -NL (%),seconds" >vs-nl.csv
for nl in 0 1 2 3 5 8; do
    acc "kind = \"nl\"; Pmax = 100; NL = $nl; NL_LTD = $nl;"
    same=$a s1=$secs
    acc "kind = \"nl\"; Pmax = 100; NL = $nl; NL_LTD = -$nl;"
    opp=$a
    echo "$nl,$same,$opp,$(awk -v a="$s1" -v b="$secs" 'BEGIN { print a + b }')" >>vs-nl.csv
done
device='kind = "device"; circuit = "'$top'/circuits/bpcds.cfg"; output = "-syn.G";
        ltp = "'$top'/stimuli/bpcds-ltp-pulse.cfg"; ltd = "'$top'/stimuli/bpcds-ltd-pulse.cfg";'
echo "wavelength,pulses per range,test accuracy (%),seconds" >device.csv
for wl in 450nm 525nm; do
    acc "$device" --set light.wavelength=$wl
    # the pair's pulses per range (the mean of the LTP and LTD staircases' pulses)
    p=$(sed -n 's/^# synapse: \([0-9.]*\) pulses per range.*/\1/p' point.txt)
    grep '^# device curve' point.txt >&2
    echo "$wl,$p,$a,$secs" >>device.csv
done
rm -f point.cfg point.csv point.txt
printf '%s: ' "$data"
awk -F, 'NR > 1 { s = s sprintf(" %s %s %%;", $1, $2) } END { printf "nl NL 0 by Pmax:%s", s }' vs-states.csv
awk -F, 'NR > 1 { s = s sprintf(" %s %s/%s %%;", $1, $2, $3) } END { printf " by NL (same/opposite LTD, Pmax 100):%s", s }' vs-nl.csv
awk -F, 'NR > 1 { s = s sprintf(" %s %s pulses %s %%;", $1, $2, $3) } END { printf " device:%s", s }' device.csv
echo " ideal $ideal %"
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot -e "data='$data'; ideal=$ideal" "$here/plot.gp"
fi
