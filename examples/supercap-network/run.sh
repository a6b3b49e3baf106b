#!/bin/sh
# run.sh: a population driven through MXene supercapacitor synapses (seed 004) at four
# regulating resistances R_reg (open, 8, 2 and 0.5 kohm): each input spike charges its
# synapses' supercaps by a 1 mA, 1 ms pulse, and each supercap's voltage drives its output
# neuron through 60 nS.  Prints the inputs' and the outputs' mean rates per R_reg.  QUICK=1:
# the same (2 s of network, well under a second each).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
for r in open "8 kohm" "2 kohm" "500 ohm"; do
    tag=$(echo "$r" | tr -d ' ')
    sed "s/@RREG@/$r/" "$here/network.cfg" >"network-$tag.cfg"
    "$opsin" run "network-$tag.cfg" "$here/stimulus.cfg" -o "out-$tag.csv" -q
    awk -F, -v r="$r" 'NR > 1 && $2 ~ /^out\[/ { n++ } NR > 1 && $2 ~ /^in\[/ { m++ }
        END { printf "R_reg %-8s inputs %.2f spikes/s, outputs %.2f spikes/s\n", r, m / 100, n / 400 }' \
        "out-$tag.spikes.csv"
done
