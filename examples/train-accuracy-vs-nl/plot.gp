# plot.gp: draws vs-states.csv, vs-nl.csv, device.csv (written by run.sh) into
# train-accuracy-vs-nl.png: test accuracy of the FONN against the nl synapse's number of
# pulses Pmax (left) and its nonlinearity NL (right), the ideal synapse as a line.  run.sh
# passes data (the data set's name) and ideal (its accuracy, %).
if (!exists("data")) data = 'Fashion-MNIST'
if (!exists("ideal")) ideal = 0
set terminal pngcairo size 1200,520 font ',11'
set encoding utf8
set output 'train-accuracy-vs-nl.png'
set datafile separator ','
set multiplot layout 1,2 title sprintf("Seed 002 FONN 400-100-10 on %s (20 × 20 binarised; 6000 training, 1000 test images; 5 epochs, rate 0.3)", data)
set yrange [0:100]
set ylabel 'test accuracy (%)'
set grid
set key bottom right
# left: the number of states; inf drawn at 4096
set title 'nl synapse, linear (NL = 0): states'
set xlabel 'Pmax (pulses from Gmin to Gmax; rightmost: continuous)'
set logscale x 2
set xrange [4:8192]
set xtics ('8' 8, '16' 16, '32' 32, '64' 64, '128' 128, '256' 256, '512' 512, 'inf' 4096)
plot 'vs-states.csv' using (strcol(1) eq 'inf' ? 4096 : $1):2 skip 1 with linespoints pt 7 ps 0.8 lw 2 title 'nl, NL = 0', \
     ideal with lines dt 2 lw 2 lc rgb 'gray40' title sprintf('ideal (float) %.1f %%', ideal), \
     'device.csv' using 2:3:1 skip 1 with points pt 9 ps 1.6 lc rgb 'red' title 'device: BP/CdS (bpcds.cfg), 450 / 525 nm', \
     '' using 2:3:1 skip 1 with labels offset 0,1.2 notitle
unset logscale x
unset xtics
set xtics
# right: the nonlinearity
set title 'nl synapse, Pmax = 100: nonlinearity'
set xlabel 'NL (LTP curve; 0 linear)'
set xrange [-0.5:8.5]
plot 'vs-nl.csv' using 1:2 skip 1 with linespoints pt 7 ps 0.8 lw 2 title 'NL_{LTD} = NL (both saturate)', \
     'vs-nl.csv' using 1:3 skip 1 with linespoints pt 5 ps 0.8 lw 2 title 'NL_{LTD} = -NL (LTD retraces LTP)', \
     ideal with lines dt 2 lw 2 lc rgb 'gray40' title 'ideal (float)'
unset multiplot
