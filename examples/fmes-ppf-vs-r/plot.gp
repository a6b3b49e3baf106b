# plot.gp: draws the A2/A1 curves (ppf-R.csv) and the heat map (grid.csv) written by run.sh.
set terminal pngcairo size 1200,500
set output 'ppf-vs-r.png'
set multiplot layout 1,2
set datafile separator ','
set logscale x
set grid
set xlabel 'interval dt (s)'
set ylabel 'PPF index A2/A1'
set title 'FMES PPF vs regulating resistance (seed 004 Fig. 3a)'
plot for [r in "500 1000 2000 4000 8000 open"] 'ppf-'.r.'.csv' every ::1 using 1:4 \
     with linespoints pt 7 ps 0.5 lw 2 title 'R_{reg} = '.r.(r eq 'open' ? '' : ' ohm')
set datafile separator whitespace
unset grid
unset logscale x
set xlabel 'log10(dt / s)'
set title 'heat map of A2/A1 (seed 004 Fig. 3b)'
set ylabel 'R_{reg}'
set ytics ('500' 0, '1k' 1, '2k' 2, '4k' 3, '8k' 4, 'open' 5)
set yrange [-0.5:5.5]
set cblabel 'A2/A1'
set palette rgbformulae 33,13,10
set view map
splot 'grid.csv' using (log10($2)):1:3 with image notitle
unset multiplot
