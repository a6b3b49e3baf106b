#!/bin/sh
# run.sh: fits the two "measured" files of this example (made by make-data.awk from known
# parameters plus noise) with `opsin fit` and prints the recovered nonlinearities and PPF
# time constants on one line; with gnuplot, `opsin fit --plot` draws nl.png and ppf.png and
# plot.gp both side by side (fit-your-data.png, kept as expected.png).  QUICK=1 skips the plots.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
plot_nl= plot_ppf=
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then
    plot_nl="--plot=nl.png"
    plot_ppf="--plot=ppf.png"
fi
"$opsin" fit nl "$here/ltp-ltd.csv" --y G_LTP --y2 G_LTD -o nl-fitted.csv $plot_nl >nl.txt
"$opsin" fit ppf "$here/ppf.csv" -o ppf-fitted.csv $plot_ppf >ppf.txt
"$opsin" fit staircase "$here/ltp-ltd.csv" --y G_LTP >staircase.txt
awk '$1 == "NL" { nl = $3 " +- " $5 } $1 == "NL_LTD" { nd = $3 " +- " $5 }
     END { printf "LTP NL %s (true 2.5), LTD NL %s (true 4); ", nl, nd }' nl.txt
awk '$1 == "tau1" { t1 = $3 * 1e3 " +- " $5 * 1e3 } $1 == "tau2" { t2 = $3 * 1e3 " +- " $5 * 1e3 }
     END { printf "PPF tau1 %s ms (true 12), tau2 %s ms (true 180)\n", t1, t2 }' ppf.txt
if [ -n "$plot_nl" ]; then gnuplot "$here/plot.gp"; fi
