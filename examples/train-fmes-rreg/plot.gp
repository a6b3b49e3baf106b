# plot.gp: test accuracy against epoch of the four runs of run.sh (called by it without QUICK,
# when gnuplot is installed); draws train-fmes-rreg.png, the picture kept as expected.png.
set terminal pngcairo size 900,560 noenhanced
set output 'train-fmes-rreg.png'
set datafile separator ','
set grid
set key right center
set xlabel 'epoch'
set ylabel 'test accuracy (%)'
set yrange [0:100]
set title 'seed 004 Fig. 4d: 784-100-10 through FMES synapses (Fashion-MNIST unless MNIST_DIR)'
plot 'epochs-ideal.csv' every ::1 using 1:(100*$3) with lines lw 2 lc rgb 'black' \
         title 'ideal (float)', \
     'epochs-open.csv' every ::1 using 1:(100*$3) with linespoints pt 7 ps 0.6 lw 2 \
         title 'FMES, R_reg open', \
     'epochs-8kohm.csv' every ::1 using 1:(100*$3) with linespoints pt 5 ps 0.6 lw 2 \
         title 'FMES, R_reg 8 kohm', \
     'epochs-500hz.csv' every ::1 using 1:(100*$3) with lines lw 1 dt 2 \
         title 'FMES, open, shipped 500 Hz stimuli (read 1 ms after the pulse)', \
     90 with lines dt 3 lc rgb 'red' title 'paper (MNIST, 100 epochs): 90 % at 8 kohm', \
     89 with lines dt 3 lc rgb 'blue' title 'paper: 89 % open'
