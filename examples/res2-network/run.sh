#!/bin/sh
# run.sh: light drives a population through ReS2 photo-excitable neuristors (seed 000).
# Stage 1 (neuristors.cfg, light.cfg): four PEN neurons, three of them under 445 nm light
# (20, 40, 65 mW/cm2 from 2 s to 10 s): the light writes their PENs (persistent
# photoconductivity), and they fire faster, during and after it.  Stage 2 (population.cfg):
# their spikes drive four groups of a 400-neuron population, group k by pen<k>.  The two
# stages are two runs: the population does not act back on the neuristors, so chaining them
# through the spike list is exact.  Prints each neuristor's rate and its group's mean rate
# before the light (0-2 s) and after it (10-16 s).  QUICK=1: the same (the run is short).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
"$opsin" run "$here/neuristors.cfg" "$here/light.cfg" -d 0.1 -o neuristors.csv -q
# one spike list per neuristor (t in s), and the population's stimulus built on them
{
    echo 't_end = "16 s";'
    echo 'spike_sources = ('
    echo '  { id = "bg"; kind = "poisson"; rate = "9 kHz"; weight = "0.1 mV"; targets = [ "cortex" ]; },'
    for k in 0 1 2 3; do
        awk -F, -v n="pen$k" 'NR > 1 && $2 == n { print $1 }' neuristors.spikes.csv >pen$k.csv
        sep=","
        [ "$k" = 3 ] && sep=""
        echo "  { id = \"pen$k\"; kind = \"list\"; file = \"pen$k.csv\"; weight = \"5 mV\"; targets = [ \"cortex[$((100 * k)):$((100 * k + 100))]\" ]; }$sep"
    done
    echo ');'
} >population-stim.cfg
"$opsin" run "$here/population.cfg" population-stim.cfg -d 0.01 -o population.csv -q
awk -F, '
    FILENAME ~ /neuristors/ && FNR > 1 { k = substr($2, 4) + 0; if ($1 < 2) p0[k]++; else if ($1 >= 10) p1[k]++ }
    FILENAME ~ /population/ && FNR > 1 { m = $2; sub(/^cortex\[/, "", m); k = int(m / 100)
                                         if ($1 < 2) c0[k]++; else if ($1 >= 10) c1[k]++ }
    END {
        split("0 20 40 65", light, " ")
        for (k = 0; k < 4; k++)
            printf "pen%d (%s mW/cm2): %.2f -> %.2f spikes/s, group %d: %.2f -> %.2f spikes/s\n", k,
                   light[k + 1], p0[k] / 2, p1[k] / 6, k, c0[k] / 200, c1[k] / 600
    }' neuristors.spikes.csv population.spikes.csv
