# plot.gp: the conductance map at the end of run.sh's run (map-end.csv: inputs x outputs)
# and the raster.
set terminal pngcairo size 1100,480 font ",10"
set output "stdp-network.png"
set datafile separator ","
set multiplot layout 1,2
set title "G after 1 s of STDP (nS)"
set xlabel "output neuron"
set ylabel "input neuron (0-49: 20 Hz, 50-99: 5 Hz)"
set xrange [-0.5:99.5]; set yrange [-0.5:99.5]
set palette rgbformulae 33,13,10
plot "map-end.csv" using 4:3:($5 * 1e9) with image notitle
set title "spikes"
set xlabel "t (s)"; set ylabel "neuron (in 0-99, out 100-199)"
set autoscale
plot "stdp-network.spikes.csv" every ::1 using 1:(strstrt(strcol(2), "out") ? 100 + real(substr(strcol(2), 5, strlen(strcol(2)) - 1)) : real(substr(strcol(2), 4, strlen(strcol(2)) - 1))) with dots lc rgb "black" notitle
unset multiplot
