# plot.gp: data and fits side by side from the fitted CSVs that run.sh writes (run.sh calls it
# when gnuplot is installed, except with QUICK=1); draws fit-your-data.png, the picture kept
# as expected.png.  The legends sit below the graphs, off the data.
set terminal pngcairo size 1200,500 noenhanced
set output 'fit-your-data.png'
set datafile separator ','
set multiplot layout 1,2
set grid
set key below horizontal height 1.5
set xlabel 'pulse number P'
set ylabel 'G (uS)'
set title 'LTP/LTD with the seed 002 law'
plot 'nl-fitted.csv' every ::1 using 1:2 with points pt 7 title 'G_LTP data', \
     '' every ::1 using 1:3 with lines lw 2 title 'G_LTP fit', \
     '' every ::1 using 1:4 with points pt 7 title 'G_LTD data', \
     '' every ::1 using 1:5 with lines lw 2 title 'G_LTD fit'
set logscale x
set xlabel 'interval (s)'
set ylabel 'A2/A1'
set title 'PPF double exponential'
plot 'ppf-fitted.csv' every ::1 using 1:2 with points pt 7 title 'data', \
     '' every ::1 using 1:3 with lines lw 2 title 'fit'
unset multiplot
