#!/bin/sh
# run-bench-train-grid.sh: a training grid (opsin train --grid) of 8 trainings, one epoch
# each, of the NeuroSim protocol on Fashion-MNIST (bench/train/nl.cfg: 400-100-10, 8000
# images, the nl law fitted to bpcds) over NL = 0, 1, 2, 3 and seeds 1, 2, on threads
# (--jobs 1 and 2) and on MPI ranks (mpirun -np 2 and 3 with --jobs 1: one and two computing
# ranks), each timed as a whole process by bench/timeit.py (median of RUNS, default 3), every CSV
# checked byte-identical to the --jobs 1 one.  A point is a whole training (about 1.5 s):
# the best case for any distribution layer, against run-bench-mpi.sh's 0.2 ms points.
# Needs Debian's dataset-fashion-mnist, and mpirun for the MPI rows.
#   usage: bench/run-bench-train-grid.sh [path/to/opsin]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
runs=${RUNS:-3}
. "$top/bench/mpi-lib.sh"
grid="train $top/bench/train/nl.cfg -e 1 --grid synapse.NL=0:3:4 --grid seed=1,2 -q"

printf '%-22s %8s %8s %12s %9s\n' run wall_s cpu_s speed-up identical
base=""
report() { # report NAME "WALL CPU" CSV
    ident=no
    cmp -s "$3" "$work/j1.csv" && ident=yes
    w=${2% *}
    [ -n "$base" ] || base=$w
    printf '%-22s %8.2f %8.2f %12.2f %9s\n' "$1" "$w" "${2#* }" \
        "$(awk -v a="$base" -v b="$w" 'BEGIN { print a / b }')" "$ident"
}
report "threads -j 1" "$(median j1 "$opsin" $grid -j 1 -o "$work/j1.csv")" "$work/j1.csv"
report "threads -j 2" "$(median j2 "$opsin" $grid -j 2 -o "$work/j2.csv")" "$work/j2.csv"
if command -v mpirun >/dev/null 2>&1; then
    for np in 2 3; do
        report "mpirun -np $np -j 1" \
            "$(median "np$np" $mpirun -np $np "$opsin" $grid -j 1 -o "$work/np$np.csv")" \
            "$work/np$np.csv"
    done
fi
