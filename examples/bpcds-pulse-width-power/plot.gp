# plot.gp: draws width.dat and power.dat (written by run.sh) into pulse-width-power.png, with
# the paper's numbers (seed 002, txt p.35) as open circles.
set terminal pngcairo size 1000,420 font ',11'
set output 'pulse-width-power.png'
set multiplot layout 1,2 title 'BP/CdS synapse (circuits/bpcds.cfg): -{/Symbol D}PSC peak of one 450 nm pulse, V_D = 0.5 V, V_G = 0'
set logscale x
set encoding utf8
set grid
set key bottom right
set ylabel '-{/Symbol D}PSC (µA)'
set yrange [0:18]
set xlabel 'pulse width (ms)'
set xrange [2:2000]
set title 'Fig. 3c: 11.97 µW/cm^2'
$pw << EOD
5 3
50 12.5
1000 16
EOD
plot 'width.dat' using 1:2 with linespoints lw 2 pt 7 title 'model', \
     $pw using 1:2 with points pt 6 ps 2 lw 2 title 'paper'
set xlabel 'irradiance (µW/cm^2)'
set xrange [0.5:250]
set title 'Fig. 3d: 50 ms pulses'
$pp << EOD
0.9 2.5
11.97 12.5
126 14.5
EOD
plot 'power.dat' using 1:2 with linespoints lw 2 pt 7 title 'model', \
     $pp using 1:2 with points pt 6 ps 2 lw 2 title 'paper'
unset multiplot
