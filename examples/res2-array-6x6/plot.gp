# plot.gp: conductance maps of the 6x6 selective array and of the "N" array (map6.csv and
# mapn.csv, written by run.sh) into arrays.png.
set terminal pngcairo size 1000,460
set output 'arrays.png'
set datafile separator ','
set multiplot layout 1,2
set size ratio -1
set xrange [-0.5:5.5]; set yrange [5.5:-0.5]
set xtics 0,1,5; set ytics 0,1,5
set xlabel 'column'; set ylabel 'row'
set cblabel 'G (nS)'
set palette defined (0 '#08306b', 0.5 '#6baed6', 1 '#fdae61')
set title "6x6 array after blue (H) and red clocks, from 1 nS\n(threshold 80 nS)"
plot 'map6.csv' every ::1 using 4:3:($5*1e9) with image notitle, \
     '' every ::1 using 4:3:(sprintf('%.0f', $5*1e9)) with labels tc rgb 'white' notitle
set title "\"N\" array: 16 ReS2 + 20 IWO under red light, from 5 nS"
plot 'mapn.csv' every ::1 using 4:3:($5*1e9) with image notitle, \
     '' every ::1 using 4:3:(sprintf('%.2f', $5*1e9)) with labels tc rgb 'white' notitle
unset multiplot
