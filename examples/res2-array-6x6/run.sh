#!/bin/sh
# run.sh: the 6 x 6 selective array (blue and red sinusoidal clocks) and the "N" array of ReS2
# and IWO under red light (seed 000, Fig. 2a-b); prints the mean blue and red conductance,
# how many cells cross the 80 nS threshold, and the "N" array's ReS2 and IWO ends.  QUICK=1
# skips the plot (the runs themselves take a fraction of a second).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
"$opsin" run "$here/array.cfg" "$here/clocks.cfg" --map map6.csv -o array.csv -q
"$opsin" run "$here/n-array.cfg" "$here/n-red.cfg" --map mapn.csv -o n.csv -q
awk -F, 'NR > 1 {
        blue = ($3 >= 2 && $3 <= 3) || $4 == 0 || $4 == 5   # the "H" of clocks.cfg
        g = $5 * 1e9
        if (blue) { sb += g; nb++; hb += g > 80 } else { sr += g; nr++; hr += g > 80 } }
    END { printf "6x6 from 1 nS: blue %.1f nS, red %.1f nS (paper ~102 / ~13); above the 80 nS threshold: %d of %d blue, %d of %d red\n",
                 sb / nb, sr / nr, hb, nb, hr, nr }' map6.csv
awk -F, 'NR > 1 { g = $5 * 1e9; r = ($4 == 0 || $4 == 5 || $3 == $4)   # the "N" of n-array.cfg
                  if (r) { s1 += g; n1++ } else { s2 += g; n2++; if (g / 5 - 1 > d) d = g / 5 - 1; if (1 - g / 5 > d) d = 1 - g / 5 } }
    END { printf "N array under red: %d ReS2 %.2f nS (paper 5 -> 6.5), %d IWO %.3f nS (paper 5, largest change %.2g %%)\n",
                 n1, s1 / n1, n2, s2 / n2, 100 * d }' mapn.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
