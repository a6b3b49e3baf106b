#!/bin/sh
# e2e-mpi.sh: sweep, ppf and stdp under `mpirun -np 3` (rank 0 hands out the points, two
# ranks compute): the same bytes as one process for --jobs 1 and 2 (and -np 1), a failed
# point's nan row and warning as in one process, bad input refused with one line and status
# 2 by every rank and no output, an interrupted job keeping its complete rows in order.
# --resume under MPI: sweep, ppf and stdp killed after K rows (seeds) and resumed under
# -np 3, or killed under -np 3 and resumed in one process and the other way round, give the
# uninterrupted run's bytes; failed rows across a resume; a mismatched resume refused by
# every rank with one line; a complete output left alone.  opsin train under -np 3: rank 0
# trains alone, the files are one process's; opsin train --grid spreads its points over the
# ranks (the same bytes, a bad point refused by every rank, killed and resumed across).
# Skipped (77) when opsin was built without MPI (after checking that such an opsin, started
# as 2 ranks, refuses on each), mpirun is missing or cannot start a job, or under valgrind.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

config=$(dirname "$OPSIN")/../config.h
if [ -r "$config" ] && ! grep -q '^#define HAVE_MPI 1' "$config"; then
    # Built without MPI: started as one of 2 ranks of a launcher, each refuses (status 1),
    # rank 0 says why, and nothing runs twice.
    want="opsin: this opsin was built without MPI, but it was started as 2 ranks of an MPI job, each of which would run the whole command (expected one process, or opsin built by configure --with-mpi with Open MPI installed)"
    OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 run_opsin --version
    s0=$status e0=$(cat "$work/stderr")
    OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 run_opsin --version
    if [ "$s0$status" = 11 ] && [ "$e0" = "$want" ] && [ ! -s "$work/stderr" ] && [ ! -s "$work/stdout" ]
    then echo "no MPI build: two ranks refused"
    else echo "FAIL: a build without MPI under a launcher: $s0/$status, '$e0' $(cat "$work/stderr")" >&2; exit 1; fi
fi
if ! grep -q '^#define HAVE_MPI 1' "$config" 2>/dev/null || ! command -v mpirun >/dev/null 2>&1 ||
   [ -n "$VG" ]; then
    echo "SKIP: no MPI build, no mpirun, or under valgrind"
    exit 77
fi
# Containers: no cross-memory attach between ranks; root needs Open MPI's consent.
OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_btl_vader_single_copy_mechanism
root=""
[ "$(id -u)" -eq 0 ] && root=--allow-run-as-root
if ! timeout 60 mpirun -q $root -np 1 true >/dev/null 2>&1; then
    echo "SKIP: mpirun cannot start a job here"
    exit 77
fi
mpi() { # mpi NP ARGS...: opsin ARGS on NP ranks, like run_opsin
    np=$1
    shift
    status=0
    timeout 300 mpirun -q --oversubscribe $root -np "$np" "$OPSIN" "$@" >"$work/stdout" \
        2>"$work/stderr" || status=$?
}
same() { # same WHAT FILE1 FILE2
    if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; fi
}
expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

cd "$SRCDIR"
C=circuits/fmes.cfg
S=stimuli/fmes-ppf.cfg
o=$work/o
mkdir "$o"

# sweep: a 3 x 20 grid, one process with 2 threads against 3 ranks with 1 and 2 threads,
# to -o and to standard output; and one rank.
grid="$C $S --set syn.R_reg=500,2kohm,open --set pre.amplitude=1mA:3mA:20 --measure syn.v:peak,ppf,energy"
# shellcheck disable=SC2086 # grid is words
run_opsin sweep $grid -j 2 -o "$o/serial.csv"
expect_status "serial sweep" 0
for j in 1 2; do
    # shellcheck disable=SC2086
    mpi 3 sweep $grid -j $j -o "$o/mpi$j.csv"
    expect_status "sweep -np 3 -j $j" 0
    same "sweep -np 3 -j $j" "$o/serial.csv" "$o/mpi$j.csv"
    if [ ! -s "$work/stderr" ] && [ ! -s "$work/stdout" ]; then ok
    else bad "sweep -np 3 -j $j: printed $(cat "$work/stdout" "$work/stderr")"; fi
done
# shellcheck disable=SC2086
mpi 3 sweep $grid -j 2
same "sweep -np 3 to stdout" "$o/serial.csv" "$work/stdout"
# shellcheck disable=SC2086
mpi 1 sweep $grid -j 2 -o "$o/np1.csv"
same "sweep -np 1" "$o/serial.csv" "$o/np1.csv"

# --jobs beyond the CPUs a rank may run on (mpirun binds each of 2 ranks to a core unless
# told): one warning, the same bytes; none with --bind-to none; the default --jobs is the
# rank's CPUs.
cpus=$(timeout 60 mpirun -q $root -np 2 sh -c 'nproc' 2>/dev/null | sort -n | head -n 1)
# shellcheck disable=SC2086
timeout 300 mpirun -q $root -np 2 "$OPSIN" sweep $grid -j 4 -o "$o/bind.csv" >"$work/stdout" 2>"$work/stderr" || true
want=""
[ "$cpus" -lt 4 ] && want="opsin sweep: warning: --jobs 4, but this rank may run on $cpus CPU$([ "$cpus" -eq 1 ] || echo s) only, so its threads share $([ "$cpus" -eq 1 ] && echo it || echo them) (mpirun binds each rank to a core unless told: expected mpirun --bind-to none, or --map-by slot:PE=4; srun --cpus-per-task=4)"
if [ "$(cat "$work/stderr")" = "$want" ] && cmp -s "$o/serial.csv" "$o/bind.csv"; then ok
else bad "-np 2 -j 4 on $cpus CPUs: $(cat "$work/stderr")"; fi
# one rank too (bound to a core like the first of two)
cpus=$(timeout 60 mpirun -q $root -np 1 sh -c 'nproc' 2>/dev/null)
# shellcheck disable=SC2086
timeout 300 mpirun -q $root -np 1 "$OPSIN" sweep $grid -j 4 -o "$o/bind1.csv" >"$work/stdout" 2>"$work/stderr" || true
want=""
[ "$cpus" -lt 4 ] && want="opsin sweep: warning: --jobs 4, but this rank may run on $cpus CPU$([ "$cpus" -eq 1 ] || echo s) only, so its threads share $([ "$cpus" -eq 1 ] && echo it || echo them) (mpirun binds each rank to a core unless told: expected mpirun --bind-to none, or --map-by slot:PE=4; srun --cpus-per-task=4)"
if [ "$(cat "$work/stderr")" = "$want" ] && cmp -s "$o/serial.csv" "$o/bind1.csv"; then ok
else bad "-np 1 -j 4 on $cpus CPUs: $(cat "$work/stderr")"; fi
# shellcheck disable=SC2086
timeout 300 mpirun -q $root --bind-to none -np 2 "$OPSIN" sweep $grid -j 2 -o "$o/nobind.csv" >"$work/stdout" 2>"$work/stderr" || true
if [ ! -s "$work/stderr" ] && cmp -s "$o/serial.csv" "$o/nobind.csv"; then ok
else bad "-np 2 --bind-to none -j 2: $(cat "$work/stderr")"; fi

# A failed point (CVODE cannot take C1 = 1e-100): nan row, the same warning and summary,
# status 1, on any rank.
sed 's/^solver = { /solver = { method = "cvode"; /' "$C" >"$o/cvode.cfg"
fails="$o/cvode.cfg $S --set syn.C1=1uF,1e-100,2uF,3uF,4uF --measure peak"
# shellcheck disable=SC2086
run_opsin sweep $fails -j 1 -o "$o/f-serial.csv"
expect_status "serial failed point" 1
cp "$work/stderr" "$o/f-serial.err"
# shellcheck disable=SC2086
mpi 3 sweep $fails -j 2 -o "$o/f-mpi.csv"
expect_status "failed point -np 3" 1
same "failed point rows" "$o/f-serial.csv" "$o/f-mpi.csv"
same "failed point warnings" "$o/f-serial.err" "$work/stderr"
if [ "$(sed -n 3p "$o/f-mpi.csv")" = "1e-100,nan" ]; then ok
else bad "failed point: row 2 is $(sed -n 3p "$o/f-mpi.csv") (expected 1e-100,nan)"; fi

# ppf: the CSV and the fit report (computed on every rank from rank 0's rows).
ppf="ppf $C -a 3.9603mA -w 1ms -i log:2ms:1s:12"
for j in 1 2; do
    # shellcheck disable=SC2086
    run_opsin $ppf -j $j -o "$o/ppf-serial.csv"
    cp "$work/stdout" "$o/ppf-serial.txt"
    # shellcheck disable=SC2086
    mpi 3 $ppf -j $j -o "$o/ppf-mpi.csv"
    expect_status "ppf -np 3 -j $j" 0
    same "ppf -np 3 -j $j CSV" "$o/ppf-serial.csv" "$o/ppf-mpi.csv"
    same "ppf -np 3 -j $j fit" "$o/ppf-serial.txt" "$work/stdout"
done
# A failing interval stops ppf: one message, status 1, no CSV, on every rank.
# shellcheck disable=SC2086
run_opsin ppf "$o/cvode.cfg" --set syn.C1=1e-100 -a 3.9603mA -w 1ms -i log:2ms:1s:6 \
    -o "$o/ppf-f.csv"
cp "$work/stderr" "$o/ppf-f.err"
mpi 3 ppf "$o/cvode.cfg" --set syn.C1=1e-100 -a 3.9603mA -w 1ms -i log:2ms:1s:6 -o "$o/ppf-f.csv"
expect_status "ppf failure -np 3" 1
same "ppf failure message" "$o/ppf-f.err" "$work/stderr"
if [ ! -e "$o/ppf-f.csv" ]; then ok; else bad "ppf failure: wrote $o/ppf-f.csv"; fi

# stdp: the window.
stdp="stdp examples/stdp-window/synapse.cfg --device S_0_0 --dt -50ms:50ms:21 --pairs 5"
# shellcheck disable=SC2086
run_opsin $stdp -j 2 -o "$o/stdp-serial.csv"
for j in 1 2; do
    # shellcheck disable=SC2086
    mpi 3 $stdp -j $j -o "$o/stdp-mpi.csv"
    expect_status "stdp -np 3 -j $j" 0
    same "stdp -np 3 -j $j" "$o/stdp-serial.csv" "$o/stdp-mpi.csv"
done

# Bad input on every rank: status 2, one line (rank 0's), no output, no temporary file.
bad_dir=$(mktemp -d "$work/bad.XXXXXX")
for args in "sweep $C $S --set syn.nope=1,2 --measure peak" \
            "ppf $C -a 3.9603mA -w 1ms -i 1us" \
            "stdp examples/stdp-window/synapse.cfg --device nope --dt 1ms"; do
    # shellcheck disable=SC2086
    mpi 3 $args -o "$bad_dir/out.csv"
    expect_status "bad input ($args)" 2
    if [ "$(wc -l <"$work/stderr")" -eq 1 ] && grep -q '^opsin [a-z]*: .*(expected' "$work/stderr"
    then ok; else bad "bad input ($args): stderr: $(cat "$work/stderr")"; fi
    if [ -z "$(ls -A "$bad_dir")" ]; then ok; else bad "bad input ($args): left $(ls -A "$bad_dir")"; fi
done

# An interrupted job (SIGTERM to mpirun, which passes it on to the ranks a second later, as
# Slurm's time limit sends it): the file holds complete rows in grid order, the first ones of
# the whole sweep, with one line saying how many, and no temporary file is left.  Points of
# about 10 ms (1 us output steps) so that the signal lands in the middle.
long="$C $S --set syn.R_reg=log:500:8000:10 --set pre.amplitude=1mA:3mA:40 --measure syn.v:peak,ppf -d 1us"
# shellcheck disable=SC2086
run_opsin sweep $long -j 2 -o "$o/long-serial.csv"
kdir=$(mktemp -d "$work/kill.XXXXXX")
# shellcheck disable=SC2086
mpirun -q --oversubscribe $root -np 3 "$OPSIN" sweep $long -j 1 -o "$kdir/long.csv" \
    2>"$work/stderr" &
pid=$!
i=0 # kill once rank 0 has written rows (or after 60 s)
while [ "$i" -lt 600 ] && [ ! -e "$kdir/long.csv" ] &&
      [ "$(cat "$kdir"/long.csv.tmp* 2>/dev/null | wc -l)" -lt 2 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
n=$(wc -l <"$kdir/long.csv" 2>/dev/null || echo 0)
if [ "$n" -ge 1 ] && head -n "$n" "$o/long-serial.csv" | cmp -s - "$kdir/long.csv"; then ok
else bad "interrupted: $kdir/long.csv is not the first $n lines of the sweep"; fi
if [ "$n" -eq 401 ] && [ "$(ls -A "$kdir")" = long.csv ] ||
   [ "$(ls -A "$kdir" | tr '\n' ' ')" = "long.csv long.csv.partial " ]; then ok
else bad "interrupted: left $(ls -A "$kdir")"; fi
if [ "$n" -eq 401 ] || grep -q "^opsin sweep: interrupted by SIGTERM: .* holds the first $((n - 1)) of 400 rows (complete, in grid order); --resume computes the rest" "$work/stderr"
then ok; else bad "interrupted: $(cat "$work/stderr")"; fi
[ "$n" -lt 401 ] || echo "note: the job ended before the signal"
echo "interrupted job: $((n - 1)) of 400 rows kept"
# ... and --resume under MPI computes the rest: the serial run's bytes, no partial file.
# shellcheck disable=SC2086
mpi 3 sweep $long -j 2 -o "$kdir/long.csv" --resume
expect_status "SIGTERM then --resume -np 3" 0
same "SIGTERM then --resume -np 3" "$o/long-serial.csv" "$kdir/long.csv"
if [ "$(ls -A "$kdir")" = long.csv ]; then ok; else bad "resumed: left $(ls -A "$kdir")"; fi

# --- --resume under MPI ---------------------------------------------------------------------
# sweep, ppf and stdp killed with SIGKILL (mpirun and every rank: a job that vanishes, as a
# lost node or a wall-time limit's last signal) once rank 0's partial file holds K rows, K
# drawn from a seed, and resumed: under -np 3 after -np 3 (three seeds), by one process
# after -np 3, and under -np 3 after one process.  Each time the uninterrupted serial run's
# bytes (and ppf's fit report), and no partial file left.
rdir=$o/resume
mkdir "$rdir"
out=$rdir/out.csv
# kill_at NP ARGS...: opsin ARGS on NP ranks (0: one process, no mpirun), killed once
# $out.partial holds $k rows (or it ended); $got: the rows there were.
kill_at() {
    np=$1
    shift
    if [ "$np" -eq 0 ]; then
        "$OPSIN" "$@" >/dev/null 2>&1 &
    else
        mpirun -q --oversubscribe $root -np "$np" "$OPSIN" "$@" >/dev/null 2>&1 &
    fi
    kill_at_rows $!
}
# resume_cycle NAME TOTAL: for the command in $args (without -o, -j) of TOTAL rows.
resume_cycle() {
    name=$1
    total=$2
    # shellcheck disable=SC2086
    run_opsin $args -j 2 -o "$rdir/ref.csv"
    cp "$work/stdout" "$rdir/ref.stdout"
    mid=0
    for way in "3 3 1" "3 3 2" "3 3 3" "3 0 4" "0 3 5"; do
        # shellcheck disable=SC2086 # way is words
        set -- $way
        rm -f "$out" "$out".* "$rdir"/*.tmp*
        k=$(draw "$3" $((total / 2)))
        # shellcheck disable=SC2086
        kill_at "$1" $args -j 1 -o "$out"
        [ "$got" -gt 0 ] && [ "$got" -lt "$total" ] && mid=$((mid + 1))
        what="$name killed after $got rows (np ${1#0}), resumed (np ${2#0})"
        if [ "$2" -eq 0 ]; then
            # shellcheck disable=SC2086
            run_opsin $args -j 2 -o "$out" --resume
        else
            # shellcheck disable=SC2086
            mpi "$2" $args -j 1 -o "$out" --resume
        fi
        expect_status "$what" 0
        same "$what" "$rdir/ref.csv" "$out"
        same "$what: standard output" "$rdir/ref.stdout" "$work/stdout"
        if [ ! -e "$out.partial" ]; then ok; else bad "$what: $out.partial left"; fi
        if [ "$got" -eq 0 ] || grep -q "^opsin $name: resuming from $out.partial: $got of $total rows done$" "$work/stderr" ||
           grep -q "^opsin $name: resuming from $out.partial: $((got - 1)) of $total rows done (a torn last row dropped)$" "$work/stderr"
        then ok; else bad "$what: $(cat "$work/stderr")"; fi
    done
    # at least three kills landed between the first and the last row
    if [ "$mid" -ge 3 ]; then ok; else bad "$name: only $mid kills landed inside the run"; fi
}
args="sweep $long"
resume_cycle sweep 400
args="ppf $C --amplitude 1mA --intervals log:2ms:1s:1600"
resume_cycle ppf 1600
args="stdp examples/stdp-window/synapse.cfg --device S_0_0 --dt -50ms:50ms:61 --pairs 300"
resume_cycle stdp 61

# Failed rows (nan, a warning each, exit status 1) across a resume: rows 1 to 4 fail
# (C1 = 1e-100) and are restored from the partial file of one process killed after them;
# rows 33 to 36 fail (C1 = 1e-99) on the other ranks of the -np 3 that resumes it, and their
# status and message reach rank 0: the serial run's bytes, warnings and status.
fargs="sweep $o/cvode.cfg $S --set syn.C1=1e-100,1uF,2uF,3uF,4uF,5uF,6uF,7uF,1e-99,9uF --set syn.R_reg=log:500:8000:4 --measure peak -d 500ns"
# shellcheck disable=SC2086
run_opsin $fargs -j 1 -o "$rdir/fref.csv"
expect_status "failed rows, serial" 1
cp "$work/stderr" "$rdir/fref.stderr"
rm -f "$out" "$out".* "$rdir"/*.tmp*
k=6
# shellcheck disable=SC2086
kill_at 0 $fargs -j 1 -o "$out"
# shellcheck disable=SC2086
mpi 3 $fargs -j 1 -o "$out" --resume
expect_status "failed rows resumed -np 3 (after $got rows)" 1
same "failed rows resumed -np 3 (after $got rows)" "$rdir/fref.csv" "$out"
if [ "$(grep -v '^opsin sweep: resuming' "$work/stderr")" = "$(cat "$rdir/fref.stderr")" ] &&
   [ "$(grep -c 'warning: row \(3[3-6]\|[1-4]\) ' "$work/stderr")" -eq 8 ] &&
   [ "$got" -ge 4 ] && [ "$got" -lt 32 ]; then ok
else bad "failed rows resumed -np 3 after $got rows: $(cat "$work/stderr") (expected $(cat "$rdir/fref.stderr"))"; fi
echo "failed rows: killed after $got of 40 rows (failed ones: rows 1 to 4 and 33 to 36)"

# A computing rank that dies (SIGKILL to rank 2 once rows are in): Open MPI ends the job,
# rank 0 keeps its rows and says how many, and --resume completes the serial bytes.
rm -f "$out" "$out".* "$rdir"/*.tmp*
# shellcheck disable=SC2086
mpirun -q --oversubscribe $root -np 3 "$OPSIN" sweep $long -j 1 -o "$out" >/dev/null \
    2>"$rdir/died.err" &
pid=$!
i=0
while [ "$(rows_of "$out.partial")" -lt 20 ] && kill -0 "$pid" 2>/dev/null && [ "$i" -lt 6000 ]; do
    sleep 0.01
    i=$((i + 1))
done
victim=""
for p in $(ps -o pid= --ppid "$pid"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=2'; then
        victim=$p
    fi
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$pid" 2>/dev/null || true
got=$(rows_of "$out.partial")
if [ -z "$victim" ] || [ "$got" -eq 400 ] ||
   grep -q "^opsin sweep: interrupted by SIGTERM: $out holds the first $got of 400 rows (complete, in grid order); --resume computes the rest\$" "$rdir/died.err"
then ok; else bad "a rank died after $got rows: $(cat "$rdir/died.err")"; fi
# shellcheck disable=SC2086
mpi 3 sweep $long -j 2 -o "$out" --resume
expect_status "a rank died, then --resume -np 3" 0
same "a rank died after $got rows, then --resume -np 3" "$o/long-serial.csv" "$out"
echo "a rank died: ${victim:+rank 2 killed, }$got of 400 rows kept"

# A resume that does not match is refused by rank 0 for every rank: status 2, one line,
# nothing touched (the partial file, no output, no temporary file).
rm -f "$out" "$out".* "$rdir"/*.tmp*
k=20
# shellcheck disable=SC2086
kill_at 3 sweep $long -j 1 -o "$out"
rm -f "$rdir"/*.tmp*
cp "$out.partial" "$rdir/saved.partial"
# shellcheck disable=SC2086
mpi 3 sweep $long -j 1 -o "$out" --resume --set syn.C1=1uF
expect_status "mismatched resume -np 3" 2
if [ "$(wc -l <"$work/stderr")" -eq 1 ] &&
   grep -q "^opsin sweep: $out.partial:[0-9]*: written by another run: .*option set=syn.C1=1uF.*(expected" "$work/stderr"
then ok; else bad "mismatched resume -np 3: $(cat "$work/stderr")"; fi
if cmp -s "$out.partial" "$rdir/saved.partial" && [ ! -e "$out" ] &&
   [ "$(ls "$rdir" | grep -c tmp)" -eq 0 ]; then ok
else bad "mismatched resume -np 3: files touched: $(ls "$rdir")"; fi
# Every row in the partial file (a job killed between its last row and the rename): rank 0
# hands out nothing, the other ranks are stopped at once, the file is the serial one.
sed -n '/^rows /q;p' "$rdir/saved.partial" >"$out.partial"
grep '^rows ' "$rdir/saved.partial" >>"$out.partial"
tail -n +2 "$o/long-serial.csv" | cut -d, -f3- | awk '{ print NR - 1, 0, $0 }' >>"$out.partial"
rm -f "$out"
# shellcheck disable=SC2086
mpi 3 sweep $long -j 1 -o "$out" --resume
expect_status "all rows in the partial file -np 3" 0
same "all rows in the partial file -np 3" "$o/long-serial.csv" "$out"
if [ ! -e "$out.partial" ] && grep -q "resuming from $out.partial: 400 of 400 rows done" "$work/stderr"
then ok; else bad "all rows in the partial file -np 3: $(cat "$work/stderr"), $(ls "$rdir")"; fi
# A complete output and no partial file: nothing to do, one note, the file untouched.
cp "$rdir/ref.csv" "$out"
rm -f "$out.partial"
touch -d '2001-01-01' "$out"
mpi 3 stdp examples/stdp-window/synapse.cfg --device S_0_0 --dt -50ms:50ms:61 --pairs 300 \
    -o "$out" --resume
expect_status "complete output -np 3" 0
if [ "$(cat "$work/stderr")" = "opsin stdp: $out is complete (61 rows) and there is no $out.partial: nothing to do" ] &&
   [ "$(find "$out" -newermt '2001-01-02' | wc -l)" -eq 0 ]; then ok
else bad "complete output -np 3: $(cat "$work/stderr")"; fi
# --resume to standard output: refused, one line.
# shellcheck disable=SC2086
mpi 3 sweep $long --resume
expect_status "--resume to stdout -np 3" 2
if [ "$(wc -l <"$work/stderr")" -eq 1 ] && [ ! -s "$work/stdout" ]; then ok
else bad "--resume to stdout -np 3: $(cat "$work/stderr")"; fi

# opsin train: rank 0 trains alone (one warning), the other ranks end at once; the files
# are one process's.  A 4-class set of 4 x 4 images as CSV (class k lights quadrant k).
tdir=$o/train
mkdir "$tdir"
for set in "train 80 0" "test 40 1"; do
    # shellcheck disable=SC2086
    set -- $set
    awk -v n="$2" -v off="$3" 'BEGIN { printf "label"; for (p = 0; p < 16; p++) printf ",p%d", p
        print ""; for (i = 0; i < n; i++) { k = (i + off) % 4; printf "%d", k
            for (p = 0; p < 16; p++) { hot = int(int(p / 4) / 2) == int(k / 2) && int(p % 4 / 2) == k % 2
                printf ",%d", hot ? 200 + (i * 7 + p) % 56 : (i * 37 + p * 11) % 60 }
            print "" } }' >"$tdir/$1.csv"
done
cat >"$tdir/net.cfg" <<EOF
layers = [16, 8, 4];
dataset = { train = { csv = "$tdir/train.csv"; }; test = { csv = "$tdir/test.csv"; }; nclasses = 4; };
training = { epochs = 5; rate = 0.5; };
EOF
run_opsin train "$tdir/net.cfg" -q -j 1 -o "$tdir/serial.csv" --save "$tdir/serial.state"
expect_status "train, one process" 0
mpi 3 train "$tdir/net.cfg" -j 1 -o "$tdir/mpi.csv" --save "$tdir/mpi.state"
expect_status "train -np 3" 0
same "train -np 3: state" "$tdir/serial.state" "$tdir/mpi.state"
if [ "$(cut -d, -f1-7 "$tdir/serial.csv")" = "$(cut -d, -f1-7 "$tdir/mpi.csv")" ] &&
   [ "$(wc -l <"$tdir/mpi.csv")" -eq 7 ]; then ok
else bad "train -np 3: rows differ: $(cat "$tdir/mpi.csv")"; fi
if [ "$(grep -c . "$work/stderr")" -eq 1 ] &&
   grep -q '^opsin train: warning: 3 MPI ranks: rank 0 trains alone and the others end' "$work/stderr"
then ok; else bad "train -np 3: stderr $(cat "$work/stderr")"; fi
mpi 3 train "$tdir/net.cfg" -q -o "$tdir/q.csv"
if [ "$status" -eq 0 ] && [ ! -s "$work/stderr" ]; then ok; else bad "train -np 3 -q: $(cat "$work/stderr")"; fi
# bad input: one line, status 2 on every rank, no output
mpi 3 train "$tdir/net.cfg" --set training.rate=-1 -o "$tdir/bad.csv"
expect_status "train -np 3, bad input" 2
if [ "$(wc -l <"$work/stderr")" -eq 1 ] && [ ! -e "$tdir/bad.csv" ]; then ok
else bad "train -np 3, bad input: $(cat "$work/stderr")"; fi

# opsin train --grid: the points spread over the ranks, the rows one process's bytes for
# -j 1 and 2; a bad point refused by every rank with one line; killed in one process after
# K rows and resumed under -np 3 (and the other way round): the uninterrupted bytes.
cat >"$tdir/nl.cfg" <<EOF
layers = [16, 8, 4];
dataset = { train = { csv = "$tdir/train.csv"; }; test = { csv = "$tdir/test.csv"; }; nclasses = 4; };
training = { epochs = 5; rate = 0.5; };
synapse = { kind = "nl"; Gmin = 0; Gmax = 1; Pmax = 50; NL = 2; noise = 0.01; };
EOF
tgrid="$tdir/nl.cfg --grid training.rate=0.1,0.5 --grid synapse.NL=0:4:3 --grid seed=1,2"
# shellcheck disable=SC2086
run_opsin train $tgrid -j 2 -o "$tdir/grid-serial.csv"
expect_status "train --grid, one process" 0
for j in 1 2; do
    # shellcheck disable=SC2086
    mpi 3 train $tgrid -j $j -o "$tdir/grid-mpi$j.csv"
    expect_status "train --grid -np 3 -j $j" 0
    same "train --grid -np 3 -j $j" "$tdir/grid-serial.csv" "$tdir/grid-mpi$j.csv"
    if [ ! -s "$work/stderr" ]; then ok; else bad "train --grid -np 3: printed $(cat "$work/stderr")"; fi
done
mpi 3 train "$tdir/nl.cfg" --grid training.rate=0.1,-1 -o "$tdir/grid-bad.csv"
if [ "$status" -eq 2 ] && [ "$(cat "$work/stderr")" = "opsin train: --grid point training.rate=-1: $tdir/nl.cfg:3: rate = -1 is out of range (expected > 0)" ] &&
   [ ! -e "$tdir/grid-bad.csv" ]; then ok
else bad "train --grid -np 3, bad point: status $status, $(cat "$work/stderr")"; fi
targs="train $tdir/nl.cfg -e 1500 --grid seed=1:8:8"
# shellcheck disable=SC2086
run_opsin $targs -j 2 -o "$tdir/gref.csv"
out=$tdir/gr.csv
k=3
# shellcheck disable=SC2086
"$OPSIN" $targs -j 1 -o "$out" >/dev/null 2>&1 &
kill_at_rows $!
# shellcheck disable=SC2086
mpi 3 $targs -j 1 -o "$out" --resume
expect_status "train --grid: killed after $got rows, resumed -np 3" 0
same "train --grid resumed -np 3" "$tdir/gref.csv" "$out"
rm -f "$out" "$out".*
# shellcheck disable=SC2086
timeout 300 mpirun -q --oversubscribe $root -np 3 "$OPSIN" $targs -j 1 -o "$out" >/dev/null 2>&1 &
kill_at_rows $!
# shellcheck disable=SC2086
run_opsin $targs -j 2 -o "$out" --resume
expect_status "train --grid: killed -np 3 after $got rows, resumed in one process" 0
same "train --grid killed -np 3, resumed" "$tdir/gref.csv" "$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
