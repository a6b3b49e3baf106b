#!/bin/sh
# e2e-resume.sh: --resume of sweep, ppf and stdp (src/cli/resume.h, protocols/partial.h).
# Each command is killed with SIGKILL once its partial file holds K rows (K drawn from a seed,
# several seeds), resumed with --resume (and another --jobs): the output is byte for byte the
# uninterrupted run's, the partial file is gone.  Also: a torn last row is dropped; a resume
# with other options or a changed input file is refused (status 2, one line, nothing
# touched); a resume of a complete output does nothing; --resume to standard output is
# refused; without --resume a partial file is replaced; SIGTERM of a sweep (and of a ppf, with
# its one line) leaves the rows resumable; failed rows (nan) are restored with their warnings
# and the exit status.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

# Runs opsin $@ in the background and kills it (SIGKILL) once $out.partial holds $k rows
# (or it ended): $got gets the rows there were.
kill_at() {
    # shellcheck disable=SC2086
    $VG "$OPSIN" "$@" >/dev/null 2>&1 &
    kill_at_rows $!
}

# For command name $1 with $2 rows, arguments in $args (the output is $out): the reference
# run, then per seed a kill after K rows and a --resume with -j 1.
resume_cycle() {
    name=$1
    total=$2
    # shellcheck disable=SC2086
    run_opsin $args -o ref.csv
    cp stdout ref.stdout
    cp ref.csv "ref-$name.csv"
    mid=0
    for seed in $seeds; do
        rm -f "$out" "$out".*
        k=$(draw "$seed" $((total / 2)))
        # shellcheck disable=SC2086
        kill_at $args -o "$out"
        [ "$got" -gt 0 ] && [ "$got" -lt "$total" ] && mid=$((mid + 1))
        # shellcheck disable=SC2086
        run_opsin $args -o "$out" -j 1 --resume
        expect_status "$name seed $seed: resume after $got rows" 0
        if cmp -s "$out" ref.csv && [ ! -e "$out.partial" ]; then ok
        else bad "$name seed $seed: resumed after $got of $total rows: output differs or $out.partial left: $(ls)"; fi
        if cmp -s stdout ref.stdout; then ok; else bad "$name seed $seed: standard output differs"; fi
    done
    # at least one kill landed between the first and the last row
    if [ "$mid" -gt 0 ]; then ok; else bad "$name: no kill landed inside the run"; fi
}

C=$SRCDIR/circuits/fmes.cfg
S=$SRCDIR/stimuli/fmes-ppf.cfg
W=$SRCDIR/examples/stdp-window/synapse.cfg
out=out.csv
# (under valgrind fewer points and seeds: the runs are some 30 times slower)
if [ -n "$VG" ]; then ns=12 ni=30 nd=9 seeds="1 2"; else ns=60 ni=300 nd=41 seeds="1 2 3"; fi

# --- kill and resume, three commands, three seeds each ------------------------------------
args="sweep $C $S --set syn.R_reg=log:500:8000:$ns --measure syn.v:peak,energy -j 2 -d 500ns"
resume_cycle sweep "$ns"
sweep_args=$args
args="ppf $C --amplitude 1mA --intervals log:2ms:1s:$ni -j 2"
resume_cycle ppf "$ni"
args="stdp $W --device S_0_0 --dt -50ms:50ms:$nd --pairs 30 -j 2"
resume_cycle stdp "$nd"

# --- the partial file's format --------------------------------------------------------------
rm -f "$out" "$out".*
k=$((ns / 4))
# shellcheck disable=SC2086
kill_at $sweep_args -o "$out"
if [ "$(head -n 1 "$out.partial")" = "opsin partial 1" ] &&
   grep -q '^command sweep$' "$out.partial" && grep -q "^option set=syn.R_reg=log:500:8000:$ns\$" "$out.partial" &&
   grep -q '^file circuit 1[0-9]* [0-9a-f]\{16\}$' "$out.partial" && grep -q "^rows $ns 2\$" "$out.partial" &&
   grep -q '^0 0 [-0-9.e]*,[-0-9.e]*$' "$out.partial" && ! grep -q '^option jobs' "$out.partial"; then ok
else bad "partial file format: $(head -n 12 "$out.partial")"; fi
cp "$out.partial" saved.partial

# --- a torn last row -------------------------------------------------------------------------
rows=$(rows_of "$out.partial")
head -c -7 saved.partial >"$out.partial"
# shellcheck disable=SC2086
run_opsin $sweep_args -o "$out" --resume
expect_status "torn last row" 0
if cmp -s "$out" ref-sweep.csv && grep -q "resuming from $out.partial: $((rows - 1)) of $ns rows done (a torn last row dropped)" stderr; then ok
else bad "torn last row: $(cat stderr)"; fi

# --- restored rows are taken from the file, not computed again: a value changed there shows
awk '/^0 0 / { sub(/^0 0 [^,]*/, "0 0 12345") } { print }' saved.partial >"$out.partial"
# shellcheck disable=SC2086
run_opsin $sweep_args -o "$out" --resume
if [ "$status" -eq 0 ] && [ "$(sed -n 2p "$out" | cut -d, -f2)" = 12345 ] &&
   [ "$(tail -n +3 "$out")" = "$(tail -n +3 ref-sweep.csv)" ]; then ok
else bad "restored rows: row 1 is $(sed -n 2p "$out") (expected the value of the partial file)"; fi

# --- mismatches are refused -------------------------------------------------------------------
# Status 2, one line naming what differs, the partial file and the directory untouched.
refused() {
    name=$1
    pat=$2
    shift 2
    cp saved.partial "$out.partial"
    rm -f "$out" ./*.tmp* # (a SIGKILL leaves the temporary file of the output)
    run_opsin "$@" -o "$out" --resume
    expect_status "$name" 2
    if [ "$(wc -l <stderr)" -eq 1 ] && grep -q "^opsin [a-z]*: $out.partial:[0-9]*: written by another run: .*$pat.*(expected" stderr
    then ok; else bad "$name: $(cat stderr)"; fi
    if cmp -s "$out.partial" saved.partial && [ ! -e "$out" ] && [ "$(ls | grep -c tmp)" -eq 0 ]; then ok
    else bad "$name: files touched: $(ls)"; fi
}
# shellcheck disable=SC2086
set -- $sweep_args
shift
refused "other --set" "option set=syn.C1=1uF" sweep "$@" --set syn.C1=1uF
sed 's/^solver/# a comment\nsolver/' "$C" >changed.cfg
# shellcheck disable=SC2086
refused "changed circuit" "file circuit" sweep changed.cfg "$S" --set "syn.R_reg=log:500:8000:$ns" \
    --measure syn.v:peak,energy -d 500ns
refused "another command" "command sweep" ppf "$C" --amplitude 1mA

# --- a complete output: nothing to do ----------------------------------------------------------
cp ref.csv stdp.csv
touch -d '2001-01-01' stdp.csv
# shellcheck disable=SC2086
run_opsin $args -o stdp.csv --resume
expect_status "complete output" 0
if cmp -s stdp.csv ref.csv && [ "$(find stdp.csv -newermt '2001-01-02' | wc -l)" -eq 0 ] &&
   grep -q "^opsin stdp: stdp.csv is complete ($nd rows) and there is no stdp.csv.partial: nothing to do\$" stderr
then ok; else bad "complete output: $(cat stderr)"; fi
# a file that is not a complete output, and no partial file: refused
head -n 5 ref.csv >short.csv
# shellcheck disable=SC2086
run_opsin $args -o short.csv --resume
expect_status "incomplete output without a partial file" 2
if grep -q 'short.csv is not a complete output of this run' stderr; then ok; else bad "short: $(cat stderr)"; fi

# --- standard output cannot be resumed ----------------------------------------------------------
# shellcheck disable=SC2086
run_opsin $args --resume
expect_status "--resume to standard output" 2
if [ "$(cat stderr)" = "opsin stdp: --resume: standard output cannot be read back (expected -o FILE, a regular file)" ] &&
   [ ! -s stdout ]; then ok; else bad "--resume to stdout: $(cat stderr)"; fi

# --- without --resume the partial file is replaced ------------------------------------------------
cp saved.partial "$out.partial"
# shellcheck disable=SC2086
run_opsin sweep "$C" "$S" --set syn.R_reg=500,1000 --measure syn.v:peak -o "$out"
expect_status "partial file replaced" 0
if [ ! -e "$out.partial" ] && [ "$(wc -l <"$out")" -eq 3 ]; then ok; else bad "replaced: $(ls)"; fi

# --- SIGTERM of a sweep: the complete rows in OUT, the partial file for --resume -----------------
# term_at_rows PID K: SIGTERM to PID once $out.partial holds K rows (or a minute passed); its
# exit status in $status.
term_at_rows() {
    n=0
    while [ "$(rows_of "$out.partial")" -lt "$2" ] && [ "$n" -lt 6000 ]; do sleep 0.01; n=$((n + 1)); done
    kill -s TERM "$1" 2>/dev/null || true
    status=0
    wait "$1" || status=$?
}
rm -f "$out" "$out".*
# shellcheck disable=SC2086
$VG "$OPSIN" $sweep_args -o "$out" >/dev/null 2>stderr &
term_at_rows $! 3
if [ "$status" -eq 143 ] && [ -e "$out.partial" ] && grep -q '; --resume computes the rest$' stderr; then ok
else bad "SIGTERM: status $status, $(cat stderr), $(ls)"; fi
# shellcheck disable=SC2086
run_opsin $sweep_args -o "$out" --resume
if [ "$status" -eq 0 ] && cmp -s "$out" ref-sweep.csv; then ok; else bad "SIGTERM then --resume: status $status, differs"; fi

# --- SIGTERM of a ppf (it stops at once): one line says where its rows are, --resume ends it --
rm -f "$out" "$out".*
pargs="ppf $C --amplitude 1mA --intervals log:2ms:1s:3000 -j 1"
# shellcheck disable=SC2086
$VG "$OPSIN" $pargs -o "$out" >/dev/null 2>stderr &
term_at_rows $! 3
if [ "$status" -eq 143 ] && [ -e "$out.partial" ] && [ ! -e "$out" ] &&
   [ "$(grep -v '^==' stderr)" = "opsin ppf: interrupted by SIGTERM: --resume continues from the rows in $out.partial" ]
then ok; else bad "ppf SIGTERM: status $status, $(cat stderr), $(ls)"; fi
if [ -z "$VG" ]; then # (3000 intervals: too long under valgrind)
    # shellcheck disable=SC2086
    run_opsin $pargs -o "$out" --resume -q
    cp "$out" ppf-resumed.csv
    # shellcheck disable=SC2086
    run_opsin $pargs -o ppf-ref.csv -q
    if cmp -s ppf-resumed.csv ppf-ref.csv; then ok; else bad "ppf SIGTERM then --resume differs"; fi
fi

# --- failed rows: nan, restored with their warning and the exit status ---------------------------
sed 's/^solver = { /solver = { method = "cvode"; /' "$C" >cvode.cfg
c1=1e-100,1uF,2uF,3uF,4uF,5uF,6uF,7uF,8uF,9uF
[ -n "$VG" ] && c1=1e-100,1uF,2uF
fargs="sweep cvode.cfg $S --set syn.C1=$c1 --set syn.R_reg=log:500:8000:4 --measure peak -d 500ns -j 1"
# shellcheck disable=SC2086
run_opsin $fargs -o fref.csv
cp stderr fref.stderr
expect_status "failed rows" 1
rm -f "$out" "$out".*
k=6
# shellcheck disable=SC2086
kill_at $fargs -o "$out"
# shellcheck disable=SC2086
run_opsin $fargs -o "$out" --resume
expect_status "failed rows resumed (after $got rows)" 1
if cmp -s "$out" fref.csv && [ "$(grep -c ',nan$' "$out")" -eq 4 ]; then ok; else bad "failed rows resumed: differs"; fi
if [ "$got" -ge 4 ] && [ "$(grep -c 'warning: row [1-4] ' stderr)" -eq 4 ] &&
   [ "$(grep -v '^opsin sweep: resuming' stderr)" = "$(cat fref.stderr)" ]; then ok
else bad "failed rows resumed after $got rows: warnings $(cat stderr) (expected $(cat fref.stderr))"; fi
# shellcheck disable=SC2086
run_opsin $fargs -o "$out" --resume
expect_status "failed rows: complete output" 0

echo "e2e-resume: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
