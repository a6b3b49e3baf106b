# plot.gp: the PEN conductance and both membranes (neurons.csv, written by run.sh), with a
# close-up of one second before and after the light, into neurons.png.
set terminal pngcairo size 1000,700
set output 'neurons.png'
set datafile separator ','
set multiplot layout 3,1
set grid
set xlabel 't (s)'
set ylabel 'G_{PEN} (nS)'
set title 'PEN conductance: blue 10 ms pulses from 20 s to 80 s'
plot 'neurons.csv' every ::1 using 1:($2*1e9) with lines lw 2 notitle
set ylabel 'V (V)'
set xrange [19:20]
set title 'before the light: both neurons fire alike'
plot 'neurons.csv' every ::1 using 1:3 with lines title 'PEN neuron', '' every ::1 using 1:4 with lines title 'resistor neuron'
set xrange [99:100]
set title 'after the light: the PEN neuron fires faster, the resistor neuron does not change'
plot 'neurons.csv' every ::1 using 1:3 with lines title 'PEN neuron', '' every ::1 using 1:4 with lines title 'resistor neuron'
unset multiplot
