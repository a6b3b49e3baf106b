# plot.gp: the STDP window (window.csv, written by run.sh) into window.png.
set terminal pngcairo size 800,450
set output 'window.png'
set datafile separator ','
set xlabel 'dt = t_{post} - t_{pre} (ms)'
set ylabel 'dG after 60 pairs (nS)'
set grid
set xzeroaxis lt -1
set title 'Electrical STDP window of a ReS2 PEN (two terminals, waveform overlap above 1.2 V)'
plot 'window.csv' every ::1 using ($1*1e3):($2*1e9) with linespoints pt 7 ps 0.5 lw 2 notitle
