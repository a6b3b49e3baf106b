# plot.gp: draws saw-*.csv and snr.dat (written by run.sh) into endurance.png: the first six
# sawtooth cycles of each wavelength in units of its own mean write step (the run starts 21
# states above the floor), and the write/erase SNR of the model against the paper.
load 'gp.vars'   # mean write step per wavelength (S), written by run.sh
set terminal pngcairo size 1000,700 font ',10'
set output 'endurance.png'
set datafile separator ','
set multiplot layout 2,1 title "ReS2 PEN (seed 000) write-erase endurance: 50 x (16 optical writes + 16 gate erases), write noise on"
set xlabel 't - 430 s (s)'
set ylabel '(G - G_0) / mean write step'
set grid
set key outside right
set xrange [0:6 * 352]
set yrange [15:52]
g0 = 1.25e-9
plot 'saw-623.csv' every ::1 using ($1 - 430):(($2 - g0) / s623) with lines lw 1.2 lc rgb '#c00000' title '623 nm / +20 V', \
     'saw-525.csv' every ::1 using ($1 - 430):(($2 - g0) / s525 + 6) with lines lw 1.2 lc rgb '#2e8b57' title '525 nm / +35 V (+6)', \
     'saw-445.csv' every ::1 using ($1 - 430):(($2 - g0) / s445 + 12) with lines lw 1.2 lc rgb '#1f4e9c' title '445 nm / +40 V (+12)'
set datafile separator whitespace
set xlabel ''
set ylabel 'SNR = mean(dG)^2 / var(dG)'
set yrange [0:100]
set xrange [-0.5:2.5]
set xtics ('623 nm' 0, '525 nm' 1, '445 nm' 2)
set style fill solid 0.8 border -1
set boxwidth 0.18
set label "out of\nreach" at 1.1, 31 center front font ',8'
set key outside right
set grid ytics
plot 'snr.dat' using ($0 - 0.3):4 with boxes lc rgb '#f4a582' title 'paper, write', \
     '' using ($0 - 0.1):2 with boxes lc rgb '#ca0020' title 'model, write', \
     '' using ($0 + 0.1):5 with boxes lc rgb '#92c5de' title 'paper, erase', \
     '' using ($0 + 0.3):3 with boxes lc rgb '#0571b0' title 'model, erase'
unset multiplot
