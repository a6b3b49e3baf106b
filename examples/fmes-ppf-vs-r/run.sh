#!/bin/sh
# run.sh: seed 004 Fig. 3a-b: A2/A1 of two 1 ms, 3.9603 mA pulses on circuits/fmes.cfg over
# intervals 2 ms ... 1 s for R_reg = 500, 1000, 2000, 4000, 8000 ohm and open; writes
# ppf-R.csv per resistance, grid.csv (R, interval, A2/A1) for the heat map, and prints
# A2/A1 at 10 ms per resistance on one line.  QUICK=1: 8 intervals instead of 40, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
n=40
[ "${QUICK:-0}" = 1 ] && n=8
: >grid.csv
line="A2/A1 at 10 ms:"
i=0
for r in 500 1000 2000 4000 8000 open; do
    # the grid plus 10 ms, the interval of Fig. 3c, read out below
    "$opsin" ppf "$top/circuits/fmes.cfg" --set "syn.R_reg=$r" -a 3.9603mA -w 1ms \
        -i "log:2ms:1s:$n" -o "ppf-$r.csv" >"fit-$r.txt"
    "$opsin" ppf "$top/circuits/fmes.cfg" --set "syn.R_reg=$r" -a 3.9603mA -w 1ms -i 10ms \
        >"at10-$r.csv" 2>/dev/null
    awk -F, -v i="$i" 'NR > 1 { print i, $1, $4 } END { print "" }' "ppf-$r.csv" >>grid.csv
    q=$(awk -F, 'NR == 2 { printf "%.4f", $4 }' "at10-$r.csv")
    line="$line R=$r $q;"
    i=$((i + 1))
done
echo "$line (paper: 1.22 at 7000 ohm; faster decay at lower R)"
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
