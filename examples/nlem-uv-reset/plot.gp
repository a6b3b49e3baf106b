# plot.gp: draws uv.csv and dark.csv (written by run.sh) into uv-reset.png: the weight
# W = G - G0 after the 50-pulse train (which ends at 3 s), normalised to its value then, on a
# log time axis: 2.52 s of UV vs the natural decay.
load 'gp.vars'   # model numbers, written by run.sh
set terminal pngcairo size 900,500 font ',10'
set output 'uv-reset.png'
set datafile separator ','
g0 = 1e-6
t_end = 3.0
stats 'uv.csv' every ::1 using ($1 <= t_end + 1e-9 ? $2 - g0 : 1/0) nooutput
w0 = STATS_max
set logscale x
set xrange [0.005:100]
set yrange [-5:105]
set grid
set xlabel 'time after the last potentiating pulse (s)'
set ylabel 'weight (G - G_0) / value after 50 pulses (%)'
set title 'N-LEM (seed 003): UV reset vs natural decay after 50 pulses of 5 V, 30 ms'
set arrow from 2.52, graph 0 to 2.52, graph 1 nohead dt 2 lc rgb '#7030a0'
set arrow from 71.6, graph 0 to 71.6, graph 1 nohead dt 2 lc rgb '#404040'
set label sprintf("UV, 2.52 s: %.1f %% removed\n(paper 100 %%)", red) at 2.8, 12 tc rgb '#7030a0'
set label sprintf('71.6 s dark: %.1f %% lost (paper 63.06 %%)', lost) at 66, 20 right tc rgb '#404040'
set key bottom left
plot 'dark.csv' every ::1 using ($1 - t_end):($1 > t_end && $1 < 74.6 ? 100 * ($2 - g0) / w0 : 1/0) with lines lw 2 lc rgb '#404040' title 'dark, 0 V', \
     'uv.csv' every ::1 using ($1 - t_end):($1 > t_end && $1 <= 5.52 + 1e-9 ? 100 * ($2 - g0) / w0 : 1/0) with lines lw 2 lc rgb '#7030a0' title 'UV 365 nm, 70 mW/cm^2'
