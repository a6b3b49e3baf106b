# plot.gp: draws train10.csv and train50.csv (written by run.sh) into epsc-epsb.png: EPSC (top)
# and EPSB (bottom) during the pulses (I = G x 5 V and L while the 5 V pulse is on).
load 'gp.vars'   # model numbers, written by run.sh
set terminal pngcairo size 900,650 font ',10'
set output 'epsc-epsb.png'
set datafile separator ','
set multiplot layout 2,1 title 'N-LEM (seed 003): 5 V, 30 ms pulses every 60 ms; 50-pulse train with its first 10 pulses highlighted'
set grid
set xrange [0:3.1]
set key top left
set lmargin 12
set ylabel 'EPSC (uA)'
set format x ''
plot 'train50.csv' every ::1 using 1:($4 > 0 ? $2*1e6 : 1/0) with impulses lc rgb '#888888' title sprintf('50 pulses: A_{50}/A_1 = %.2f (paper 2.40)', gi50), \
     'train10.csv' every ::1 using 1:($4 > 0 ? $2*1e6 : 1/0) with impulses lc rgb '#c00000' title sprintf('10 pulses: A_{10}/A_1 = %.2f (paper 1.38), NL %.2f (0.20)', gi10, nI)
set ylabel 'EPSB (uW, scale arbitrary)'
set xlabel 't (s)'
set format x '%g'
plot 'train50.csv' every ::1 using 1:($4 > 0 ? $3*1e6 : 1/0) with impulses lc rgb '#888888' title sprintf('50 pulses: L_{50}/L_1 = %.2f (paper 3.17)', gl50), \
     'train10.csv' every ::1 using 1:($4 > 0 ? $3*1e6 : 1/0) with impulses lc rgb '#0050c0' title sprintf('10 pulses: L_{10}/L_1 = %.2f (paper 1.57), NL %.2f (0.27)', gl10, nL)
unset multiplot
