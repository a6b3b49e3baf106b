# plot.gp: draws ideal.csv, nl.csv and device.csv (written by run.sh) into
# train-fonn-bpcds.png: test accuracy against epoch (seed 002 Fig. 4d), with the paper's
# MNIST values marked.  run.sh passes data (the data set's name).
if (!exists("data")) data = 'Fashion-MNIST'
set terminal pngcairo size 900,520 font ',11'
set encoding utf8
set output 'train-fonn-bpcds.png'
set datafile separator ','
set title sprintf("Seed 002 FONN 400-100-10 on %s (20 × 20, binarised; 6000 training, 1000 test images)\nsynapse: ideal, NeuroSim nl law fitted to the BP/CdS staircase, the BP/CdS device itself", data)
set xlabel 'epoch'
set ylabel 'test accuracy (%)'
set yrange [0:100]
set xrange [0:*]
set grid
set key bottom right
set arrow from graph 0, first 93.2 to graph 1, first 93.2 nohead dt 2 lc rgb 'gray40'
set label 'paper (MNIST, NeuroSim): 93.2 % mean, 94.1 % max, 81.8 % after epoch 1' at graph 0.02, first 96.5 tc rgb 'gray30'
plot 'ideal.csv' using 1:(100*$3) skip 1 with linespoints pt 7 ps 0.6 lw 2 title 'ideal (float)', \
     'nl.csv' using 1:(100*$3) skip 1 with linespoints pt 5 ps 0.6 lw 2 title 'nl (fitted to the device)', \
     'device.csv' using 1:(100*$3) skip 1 with linespoints pt 9 ps 0.8 lw 2 title 'device (circuits/bpcds.cfg)', \
     '-' using 1:2 with points pt 6 ps 1.5 lc rgb 'black' title 'paper, MNIST'
1,81.8
e
