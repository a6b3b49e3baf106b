# plot.gp: raster (the first 200 excitatory neurons) and the excitatory population rate of
# one regime; run.sh calls it as gnuplot -e "name='brunel-G-NU'" plot.gp.
set terminal pngcairo size 900,600 font ",10"
set output name.'.png'
set multiplot layout 2,1 title name
set xrange [0:0.3]
set ylabel 'neuron'
unset key
plot name.'.raster' using 1:2 with dots lc rgb 'black'
set ylabel 'exc.rate (Hz)'
set xlabel 't (s)'
set datafile separator ','
plot name.'.csv' using 1:2 every ::1 with lines lc rgb 'blue'
unset multiplot
