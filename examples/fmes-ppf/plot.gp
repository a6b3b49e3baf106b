# plot.gp: draws ppf.csv (written by run.sh) into ppf.png.
set terminal pngcairo size 800,400
set output 'ppf.png'
set datafile separator ','
set xlabel 't (ms)'
set ylabel 'PSV (V)'
set grid
set title 'FMES paired pulses, R_reg = 7 kohm, 1 ms pulses 10 ms apart'
plot 'ppf.csv' every ::1 using ($1*1e3):2 with lines lw 2 title 'syn.v'
