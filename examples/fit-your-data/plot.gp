# plot.gp: the example's plots are drawn by `opsin fit --plot` itself (run.sh); this file
# redraws both from the fitted CSVs side by side.
set terminal pngcairo size 1200,450
set output 'fit-your-data.png'
set datafile separator ','
set multiplot layout 1,2
set grid
set xlabel 'pulse number P'
set ylabel 'G (uS)'
set title 'LTP/LTD with the seed 002 law'
plot 'nl-fitted.csv' every ::1 using 1:2 with points pt 7 title 'G_LTP data', \
     '' every ::1 using 1:3 with lines lw 2 title 'fit', \
     '' every ::1 using 1:4 with points pt 7 title 'G_LTD data', \
     '' every ::1 using 1:5 with lines lw 2 title 'fit'
set logscale x
set xlabel 'interval (s)'
set ylabel 'A2/A1'
set title 'PPF double exponential'
plot 'ppf-fitted.csv' every ::1 using 1:2 with points pt 7 title 'data', \
     '' every ::1 using 1:3 with lines lw 2 title 'fit'
unset multiplot
