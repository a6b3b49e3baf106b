# plot.gp: the STDP windows in the dark and under light (written by run.sh) into shift.png.
set terminal pngcairo size 800,480
set output 'shift.png'
set datafile separator ','
set xlabel 'dt = t_{post} - t_{pre} (ms)'
set ylabel 'dG after 60 pairs (nS)'
set grid
set xzeroaxis lt -1
set key top left
set title 'STDP window of a ReS2 PEN shifted by light during the protocol (230 mW/cm^2)'
plot 'dark.csv' every ::1 using ($1*1e3):($2*1e9) with lines lw 2 lc rgb 'black' title 'dark', \
     'light623.csv' every ::1 using ($1*1e3):($2*1e9) with lines lw 2 lc rgb '#d62728' title '623 nm', \
     'light525.csv' every ::1 using ($1*1e3):($2*1e9) with lines lw 2 lc rgb '#2ca02c' title '525 nm', \
     'light445.csv' every ::1 using ($1*1e3):($2*1e9) with lines lw 2 lc rgb '#1f77b4' title '445 nm'
