# plot.gp: draws ltp-ltd-20/50/100.dat (written by run.sh) into ltp-ltd.png.
set terminal pngcairo size 900,480 font ',11'
set encoding utf8
set output 'ltp-ltd.png'
set title "BP/CdS synapse (circuits/bpcds.cfg), Fig. 3f: LTP by 450 nm pulses (0.16 µW/cm^2, 5 ms),\nLTD by gate ramps (0 → 4 V in 5 ms, dark); one pulse per second"
set xlabel 'pulse number (LTP then LTD)'
set ylabel '-{/Symbol D}PSC (µA)'
set grid
set key top right
plot 'ltp-ltd-100.dat' using 1:2 with linespoints pt 7 ps 0.5 lw 2 title 'N = 100', \
     'ltp-ltd-50.dat' using 1:2 with linespoints pt 7 ps 0.5 lw 2 title 'N = 50', \
     'ltp-ltd-20.dat' using 1:2 with linespoints pt 7 ps 0.5 lw 2 title 'N = 20'
