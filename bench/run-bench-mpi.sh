#!/bin/sh
# run-bench-mpi.sh: a 10,000-point sweep (circuits/fmes.cfg, stimuli/fmes-ppf.cfg: R_reg on a
# log range of 100 values x 100 paired-pulse amplitudes, three measures) on threads (--jobs 1
# and 2) and on MPI ranks (mpirun -np 1, 2 and 4 with --jobs 1: rank 0 distributes and
# writes, the others compute; -np 2 --jobs 2), each timed as a whole process by bench/timeit.py
# (median of RUNS, default 5), every CSV checked byte-identical to the --jobs 1 one.  Then:
# the per-point overhead of the MPI path against threads (one computing rank against one
# thread, start-up taken off with a 1-point sweep), and rank 0's own cost per message and per
# row with the message sizes (OPSIN_MPI_STATS), the inputs of bench/mpi-model.py.
#   usage: bench/run-bench-mpi.sh [path/to/opsin]     (run from anywhere; needs mpirun)
# The fmes points are cheap (about 0.2 ms each): the worst case for any distribution layer.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
runs=${RUNS:-5}
. "$top/bench/mpi-lib.sh"
files="$top/circuits/fmes.cfg $top/stimuli/fmes-ppf.cfg"
grid="--set syn.R_reg=log:500ohm:8kohm:100 --set pre.amplitude=1mA:3mA:100 --measure syn.v:peak,syn.v:ppf,energy"
one="--set syn.R_reg=500 --measure syn.v:peak,syn.v:ppf,energy"

printf '%-22s %8s %8s %10s %9s\n' run wall_s cpu_s points/s identical
report() { # report NAME "WALL CPU" CSV
    ident=no
    cmp -s "$3" "$work/j1.csv" && ident=yes
    set -- "$1" ${2% *} ${2#* } "$3" "$ident"
    printf '%-22s %8.3f %8.3f %10.0f %9s\n' "$1" "$2" "$3" "$(awk -v t="$2" 'BEGIN { print 10000 / t }')" "$5"
}
t_j1=$(median j1 "$opsin" sweep $files $grid -j 1 -o "$work/j1.csv")
report "threads -j 1" "$t_j1" "$work/j1.csv"
t_j2=$(median j2 "$opsin" sweep $files $grid -j 2 -o "$work/j2.csv")
report "threads -j 2" "$t_j2" "$work/j2.csv"
for np in 1 2 4; do
    t=$(median "np$np" $mpirun -np $np "$opsin" sweep $files $grid -j 1 -o "$work/np$np.csv")
    eval "t_np$np='$t'"
    report "mpirun -np $np -j 1" "$t" "$work/np$np.csv"
done
t_np2j2=$(median np2j2 $mpirun -np 2 "$opsin" sweep $files $grid -j 2 -o "$work/np2j2.csv")
report "mpirun -np 2 -j 2" "$t_np2j2" "$work/np2j2.csv"

# Start-up: a 1-point sweep, alone and on 2 ranks.  Per point: (10,000 points - start-up)
# / 9,999, wall and cpu; the cpu of the MPI path counts rank 0 and mpirun too.
s_j1=$(median s1 "$opsin" sweep $files $one -j 1 -o "$work/s1.csv")
s_np2=$(median s2 $mpirun -np 2 "$opsin" sweep $files $one -j 1 -o "$work/s2.csv")
echo "$t_j1 $s_j1 $t_np2 $s_np2" | awk '{
    printf "start-up: %.3f s wall, %.3f s cpu alone; %.3f s wall, %.3f s cpu on 2 ranks\n", $3, $4, $7, $8
    wa = ($1 - $3) / 9999; ca = ($2 - $4) / 9999; wb = ($5 - $7) / 9999; cb = ($6 - $8) / 9999
    printf "per point, one thread: %.1f us wall, %.1f us cpu; one MPI worker and rank 0: %.1f us wall, %.1f us cpu\n", wa * 1e6, ca * 1e6, wb * 1e6, cb * 1e6
    printf "MPI overhead per point: %+.1f us wall (%+.1f%%), %+.1f us cpu (%+.1f%%)\n", (wb - wa) * 1e6, 100 * (wb - wa) / wa, (cb - ca) * 1e6, 100 * (cb - ca) / ca }'
echo "$t_j1 $t_j2 $t_np2 $t_np4 $t_np2j2" | awk '{
    printf "speed-up over -j 1 (wall): threads -j 2 %.2f; -np 2 (1 worker) %.2f; -np 4 (3 workers on 2 cores) %.2f; -np 2 -j 2 %.2f\n", $1 / $3, $1 / $5, $1 / $7, $1 / $9 }'

# Rank 0's cost, one run each with its statistics.
for np in 2 4; do
    OPSIN_MPI_STATS=1 $mpirun -np $np "$opsin" sweep $files $grid -j 1 -o "$work/st.csv" \
        2>&1 | sed "s/^/-np $np: /"
done
# ... and without the partial file of --resume (standard output gets none): its cost on rank 0.
OPSIN_MPI_STATS=1 $mpirun -np 2 "$opsin" sweep $files $grid -j 1 2>&1 >/dev/null |
    sed "s/^/-np 2, to standard output (no partial file): /"
