# plot.gp: test accuracy on dataset2 against the images of dataset2 mapped (adapt.csv; seed 004
# Fig. 5f), called by run.sh without QUICK when gnuplot is installed; draws
# train-fmes-adapt.png, the picture kept as expected.png.
set terminal pngcairo size 900,560 noenhanced
set output 'train-fmes-adapt.png'
set datafile separator ','
set grid
set key bottom right
set xlabel 'images of dataset2 mapped'
set ylabel 'test accuracy on dataset2 (%)'
set yrange [0:100]
set title 'seed 004 Fig. 5f: adapting 784-100-4 (FMES, R_reg open) from classes 8,6,2,4 to 9,5,7,1'
plot 'adapt.csv' using 1:(100*$2) every ::1 with linespoints pt 7 ps 0.6 lw 2 \
         title 'FMES, R_reg open', \
     'adapt-ideal.csv' using 1:(100*$2) every ::1 with lines lw 2 lc rgb 'black' \
         title 'ideal (float)', \
     73 with lines dt 3 lc rgb 'red' title 'paper (MNIST) after adaptation: 73 %', \
     '-' using 1:2 with points pt 9 ps 1.5 lc rgb 'red' title 'paper (MNIST) before: 8 %'
0,8
e
