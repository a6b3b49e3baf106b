# plot.gp: draws the PPF index of nlem-ppf.csv (written by run.sh) against the gap.
set terminal pngcairo size 800,500
set output 'nlem-ppf.png'
set datafile separator ','
set logscale x
set grid
set xlabel 'gap between the pulses, dt - 30 ms (s)'
set ylabel 'PPF index (A2 - A1)/A1 (%)'
set title 'N-LEM paired-pulse facilitation, 5 V / 30 ms pulses (seed 003 Fig. 2g)'
plot 'nlem-ppf.csv' every ::1 using ($1 - 0.03):($5 * 100) with linespoints pt 7 lw 2 \
     title 'EPSC peak, circuits/nlem.cfg'
