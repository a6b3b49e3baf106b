#!/bin/sh
# run.sh: -dPSC peak of one 450 nm pulse on circuits/bpcds.cfg (device syn) vs pulse width at
# 11.97 uW/cm2 (Fig. 3c) and vs irradiance at 50 ms (Fig. 3d); writes width.dat, power.dat
# and (with gnuplot) pulse-width-power.png; prints the end points of both series.
# QUICK=1 runs only the end points (and the 50 ms / 11.97 uW/cm2 cross-check).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
if [ "${QUICK:-0}" = 1 ]; then
    widths="5 50 1000"
    powers="0.9 11.97 126"
else
    widths="5 10 20 50 100 200 500 1000"
    powers="0.9 2 5.32 11.97 30 60 126"
fi

# peak WIDTH_MS IRRADIANCE_UW: -dPSC (uA) at the end of the pulse (the first of the two rows
# at the falling edge), dark current minus read current.
peak() {
    sed -e "s|width = \"50 ms\"|width = \"$1 ms\"|" \
        -e "s|irradiance = \"11.97 uW/cm2\"|irradiance = \"$2 uW/cm2\"|" \
        "$top/stimuli/bpcds-pulse.cfg" > pulse.cfg
    "$opsin" run "$top/circuits/bpcds.cfg" pulse.cfg -o pulse.csv -q --probe syn.I \
        --t-end 3 --dt-out 3
    awk -F, -v te="$(awk -v w="$1" 'BEGIN { printf "%.17g", 1 + w / 1000 }')" '
        NR == 2 { dark = $2 }
        NR > 1 && $1 >= te - 1e-9 && !done { printf "%.6g\n", (dark - $2) * 1e6; done = 1 }
    ' pulse.csv
}

echo "# width (ms)  -dPSC (uA), 11.97 uW/cm2" > width.dat
for w in $widths; do echo "$w $(peak "$w" 11.97)" >> width.dat; done
echo "# irradiance (uW/cm2)  -dPSC (uA), 50 ms" > power.dat
for p in $powers; do echo "$p $(peak 50 "$p")" >> power.dat; done
rm -f pulse.cfg pulse.csv pulse.summary.txt pulse.spikes.csv

awk 'FNR == 2 { a[FILENAME] = $2 } { b[FILENAME] = $2 }
     END { printf "width 5 -> 1000 ms: %.3g -> %.3g uA (paper 3 -> 16); " \
                  "power 0.9 -> 126 uW/cm2: %.3g -> %.3g uA (paper 2.5 -> 14.5)\n",
                  a["width.dat"], b["width.dat"], a["power.dat"], b["power.dat"] }' \
    width.dat power.dat
if command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
