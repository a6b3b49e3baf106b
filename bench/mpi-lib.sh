# mpi-lib.sh: what the MPI benches share (sourced by run-bench-mpi.sh and
# run-bench-train-grid.sh after they set top and runs): a scratch directory $work removed at
# exit, the mpirun command line $mpirun (quiet, oversubscribed, unbound so that the threads
# of a rank are not pinned to one core; --allow-run-as-root as root; no cross-memory attach,
# which containers lack), and median.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
root=""
[ "$(id -u)" -eq 0 ] && root=--allow-run-as-root
OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_btl_vader_single_copy_mechanism
mpirun="mpirun -q --oversubscribe --bind-to none $root"

# median NAME COMMAND...: the median wall and CPU seconds (user + system, every rank's and
# mpirun's) of $runs runs of COMMAND as a whole process (bench/timeit.py), as "WALL CPU"; its
# output goes to $work/NAME.out.
median() {
    name=$1
    shift
    python3 "$top/bench/timeit.py" -n "$runs" -o "$work/$name.out" -- "$@"
}
