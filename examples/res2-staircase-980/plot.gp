# plot.gp: draws staircase.csv and states.csv (written by run.sh) into staircase.png: the 980
# states against pulse number, with insets of states 1-16 and 965-980 in time (as Fig. 3a).
load 'gp.vars'   # model numbers, written by run.sh
set terminal pngcairo size 1000,650 font ',10'
set output 'staircase.png'
set datafile separator ','
set multiplot title sprintf("ReS2 PEN (seed 000): 445 nm, 65 mW/cm^2, 10 s pulses 10 s apart, gate held at -40 V\nmodel %.2f -> %.1f nS in 980 states, mean step %.4f nS (paper: 1.25 -> 180 nS, step about 0.18 nS)", g1, g980, step)
# main panel
set origin 0, 0
set size 1, 0.93
set xlabel 'state'
set ylabel 'G (nS)'
set xrange [0:1000]
set yrange [0:200]
set grid
set key top left
plot 'states.csv' using 1:($2 * 1e9) with steps lw 1.5 lc rgb '#1f4e9c' title 'model (write noise on, seed 1)', \
     1.25 + (x - 1) * 178.75 / 979 with lines dt 2 lc rgb '#c00000' title 'paper: 1.25 + 0.1826 (n - 1) nS'
unset grid
set key off
set title 'states 1-16' offset 0,-0.6
set origin 0.47, 0.1
set size 0.24, 0.32
set xlabel 't (s)' offset 0,0.5
set ylabel 'G (nS)' offset 1.5,0
set xrange [0:330]
set yrange [1:4.5]
set xtics 100 font ',8'
set ytics 1 font ',8'
set object 1 rect from graph 0, graph 0 to graph 1, graph 1 behind fc rgb 'white' fs solid
plot 'staircase.csv' every ::1 using 1:($1 <= 330 ? $2 * 1e9 : 1/0) with lines lw 1.5 lc rgb '#1f4e9c'
set title 'states 965-980'
set origin 0.73, 0.1
set size 0.24, 0.32
set xrange [19280:19600]
set yrange [176.5:181.5]
set xtics 100
plot 'staircase.csv' every ::1 using 1:($1 >= 19280 ? $2 * 1e9 : 1/0) with lines lw 1.5 lc rgb '#1f4e9c'
unset multiplot
