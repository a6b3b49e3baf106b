#!/bin/sh
# run.sh: the electrical STDP window of a ReS2 PEN synapse (seed 000 Fig. 1c, dark): 201
# values of dt = t_post - t_pre from -50 to +50 ms, 60 pairs at 1 Hz each, spikes of -1 V for
# 1 ms with a +0.5 exponential tail (10 ms).  Prints the peak potentiation and depression
# and where they occur.  QUICK=1: 41 points and 10 pairs, no plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
opsin=${OPSIN:-$here/../../src/opsin}
if [ "${QUICK:-0}" = 1 ]; then points=41 pairs=10; else points=201 pairs=60; fi
"$opsin" stdp "$here/synapse.cfg" --device S_0_0 --dt "-50ms:50ms:$points" --pairs "$pairs" \
    -o window.csv
awk -F, 'NR > 1 { if ($2 > mx) { mx = $2; tx = $1 } if ($2 < mn) { mn = $2; tn = $1 } }
    END { printf "STDP window: potentiation up to %+.2f nS at dt = %+.1f ms, depression down to %+.2f nS at dt = %+.1f ms\n",
                 mx * 1e9, tx * 1e3, mn * 1e9, tn * 1e3 }' window.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
