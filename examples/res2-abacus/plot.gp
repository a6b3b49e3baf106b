# plot.gp: draws units.csv and tens.csv (written by run.sh) into abacus.png: both PENs'
# conductance in digit units, (G - 1 nS)/0.18 nS, with the stages of Fig. 3k.
load 'gp.vars'   # mode and decoded sum, written by run.sh
set terminal pngcairo size 1000,520 font ',10'
set output 'abacus.png'
set datafile separator ','
set title sprintf("ReS2 PEN abacus (seed 000, Fig. 3k): 27 + 14 = %d (%s)", sum, mode)
set xlabel 't (s)'
set ylabel 'digit = (G - 1 nS) / 0.18 nS'
set xrange [0:330]
set yrange [-0.5:11]
set ytics 1
set grid ytics
set key at 328, 8.2 right
set style rect fc rgb '#eeeeee' fs solid noborder
set object 1 rect from 205, graph 0 to 232, graph 1 behind
set label 1 'ii: +7' at 70, 10.4 center
set label 2 'iii: +3 (=10)' at 170, 10.4 center
set label 3 "iv: RESET 10 x (+40 V, 1 s)\nand carry into the ten's PEN" at 203, 5.5 right
set label 4 'v: +1' at 245, 10.4 center
set label 5 "vi-vii:\n+2, +1" at 290, 10.0 center
set label 6 'read at 0.1 V' at 328, 5.2 right
plot 'units.csv' every ::1 using 1:(($2 - 1e-9) / 0.18e-9) with lines lw 2 lc rgb '#1f4e9c' title "unit's PEN (blue bead)", \
     'tens.csv' every ::1 using 1:(($2 - 1e-9) / 0.18e-9) with lines lw 2 lc rgb '#c00000' title "ten's PEN (red bead)"
