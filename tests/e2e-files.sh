#!/bin/sh
# e2e-files.sh: how the commands write their outputs (src/cli/output.h) and what an interrupt
# leaves (src/cli/signals.h): a device, a FIFO and standard output are written directly (a
# write error fails), a symbolic link is followed, a replaced file keeps its mode, an output
# that is an input (or another output) is refused before anything runs; SIGINT and SIGTERM
# leave no temporary file, the old output of run intact, the complete rows of a sweep; the
# progress lines stay off the rows on a terminal.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

C=$SRCDIR/circuits/fmes.cfg
S=$SRCDIR/stimuli/fmes-ppf.cfg
cd "$work"

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat stderr)"; fi
}

# Exactly the line $2 on stderr.
expect_stderr() {
    if [ "$(cat stderr)" = "$2" ]; then ok; else bad "$1: stderr '$(cat stderr)' (expected '$2')"; fi
}

# No temporary file (NAME.tmpXXXXXX) in directory $2.
expect_no_tmp() {
    if ls -A "$2" | grep -q '\.tmp'; then bad "$1: temporary files left: $(ls -A "$2")"
    else ok; fi
}

# Waits until the shell test $1 holds, at most $2 tenths of a second.
wait_until() {
    n=0
    while ! eval "$1"; do
        n=$((n + 1))
        [ "$n" -le "$2" ] || return 1
        sleep 0.1
    done
}

# --- where the output goes ------------------------------------------------------------------
run_opsin run "$C" "$S" -o ref.csv -q
expect_status "run -o ref.csv" 0

# A character device: written directly.  /dev/full fails with its reason, and stays a device;
# /dev/null works for everyone and gets no OUT.spikes.csv beside it.
run_opsin run "$C" "$S" -o /dev/full -q
expect_status "-o /dev/full" 1
expect_stderr "-o /dev/full" "opsin run: writing /dev/full failed: No space left on device"
if [ -c /dev/full ]; then ok; else bad "-o /dev/full replaced /dev/full: $(ls -l /dev/full)"; fi
run_opsin run "$C" "$S" -o /dev/null -q
expect_status "-o /dev/null" 0
if [ -c /dev/null ] && [ ! -e /dev/null.spikes.csv ] && [ ! -s stdout ]; then ok
else bad "-o /dev/null: $(ls -l /dev/null /dev/null.* 2>&1)"; fi
run_opsin sweep "$C" "$S" --set syn.R_reg=500,1000 --measure peak -j 1 -o /dev/full
expect_status "sweep -o /dev/full" 1
expect_stderr "sweep -o /dev/full" "opsin sweep: writing /dev/full failed: No space left on device"
run_opsin ppf "$C" -a 3.9603mA -i 2ms,5ms -j 1 -o /dev/full
expect_status "ppf -o /dev/full" 1
expect_stderr "ppf -o /dev/full" "opsin ppf: writing /dev/full failed: No space left on device"

# A FIFO: the reader gets the CSV, and the FIFO stays a FIFO (bounded: no hang if it fails).
mkfifo fifo
timeout 60 cat fifo >from-fifo.csv &
reader=$!
status=0
timeout 60 $VG "$OPSIN" run "$C" "$S" -o fifo -q 2>stderr || status=$?
wait "$reader" || true
expect_status "-o FIFO" 0
if [ -p fifo ] && cmp -s from-fifo.csv ref.csv && [ ! -e fifo.spikes.csv ]; then ok
else bad "-o FIFO: $(ls -l fifo) $(wc -c <from-fifo.csv) bytes"; fi

# "-" is standard output, as no -o is.
run_opsin run "$C" "$S" -o - -q
if [ "$status" -eq 0 ] && cmp -s stdout ref.csv && [ ! -e ./- ]; then ok
else bad "-o -: status $status, $(ls -A)"; fi

# A symbolic link (dangling at first) is followed: its target is written, the link stays,
# the spike list and the summary are named after the link.
mkdir data
ln -s data/real.csv link.csv
run_opsin run "$C" "$S" -o link.csv -q
run_opsin run "$C" "$S" -o link.csv -q
if [ "$status" -eq 0 ] && [ -L link.csv ] && cmp -s data/real.csv ref.csv &&
   [ -f link.spikes.csv ] && [ -f link.summary.txt ]; then ok
else bad "-o symlink: status $status, $(ls -l link.csv data)"; fi
expect_no_tmp "-o symlink" data

# A replaced file keeps its mode.
cp ref.csv private.csv
chmod 600 private.csv
run_opsin run "$C" "$S" -o private.csv -q
if [ "$(stat -c %a private.csv)" = 600 ]; then ok
else bad "mode of a replaced file: $(stat -c %a private.csv) (expected 600)"; fi

# --- an output that is an input, or another output: status 2 before anything runs ----------
cp "$C" c.cfg
cp "$S" s.cfg
cp "$SRCDIR/examples/fit-your-data/ltp-ltd.csv" data.csv
printf 't,V\n0,0\n1ms,-0.5\n2ms,0\n' >table.csv
ln -s c.cfg alias.csv
ln s.cfg s.png
cp c.cfg c.orig; cp s.cfg s.orig; cp data.csv data.orig; cp table.csv table.orig

refused() {
    want=$1
    shift
    run_opsin "$@"
    if [ "$status" -eq 2 ] && [ "$(cat stderr)" = "$want" ] && [ ! -s stdout ] &&
       cmp -s c.cfg c.orig && cmp -s s.cfg s.orig && cmp -s data.csv data.orig &&
       cmp -s table.csv table.orig && [ ! -e x.csv ] && [ ! -e c.spikes.csv ]; then ok
    else bad "$*: status $status, stderr '$(cat stderr)' (expected '$want')"; fi
}
in_msg="(expected an output that is not one of the input files)"
out_msg="(expected a different file for each output)"
refused "opsin run: -o c.cfg is the same file as the circuit c.cfg $in_msg" \
    run c.cfg s.cfg -o c.cfg -q
refused "opsin run: -o s.cfg is the same file as the stimulus s.cfg $in_msg" \
    run c.cfg s.cfg -o s.cfg -q
refused "opsin run: -o alias.csv is the same file as the circuit c.cfg $in_msg" \
    run c.cfg s.cfg -o alias.csv -q
refused "opsin run: --map c.cfg is the same file as the circuit c.cfg $in_msg" \
    run c.cfg s.cfg --map c.cfg -q
refused "opsin run: --plot s.png is the same file as the stimulus s.cfg $in_msg" \
    run c.cfg s.cfg -o x.csv --plot s.png -q
refused "opsin run: --map x.csv is the same file as -o x.csv $out_msg" \
    run c.cfg s.cfg -o x.csv --map x.csv -q
refused "opsin run: --map x.spikes.csv is the same file as the spike list x.spikes.csv $out_msg" \
    run c.cfg s.cfg -o x.csv --map x.spikes.csv -q
refused "opsin sweep: -o c.cfg is the same file as the circuit c.cfg $in_msg" \
    sweep c.cfg s.cfg --set syn.R_reg=500,1000 --measure peak -o c.cfg
refused "opsin ppf: --plot c.cfg is the same file as the circuit c.cfg $in_msg" \
    ppf c.cfg -a 3.9603mA -i 2ms,5ms -o x.csv --plot c.cfg
refused "opsin stdp: -o table.csv is the same file as the spike table table.csv $in_msg" \
    stdp "$SRCDIR/examples/stdp-window/synapse.cfg" --device S_0_0 --shape table:table.csv \
    -o table.csv
refused "opsin fit: -o data.csv is the same file as the data data.csv $in_msg" \
    fit nl data.csv --y G_LTP -o data.csv
refused "opsin fit: --plot data.csv is the same file as the data data.csv $in_msg" \
    fit nl data.csv --y G_LTP --plot data.csv
refused "opsin fit: -o on standard output is the same file as the report on standard output $out_msg" \
    fit nl data.csv --y G_LTP -o -
expect_no_tmp "refused outputs" .

# A plot goes through a temporary file too, or straight to a device.
if command -v gnuplot >/dev/null 2>&1; then
    ln -s data/picture.png plot.png
    run_opsin run "$C" "$S" -o p.csv --plot plot.png -q
    if [ "$status" -eq 0 ] && [ -L plot.png ] && [ -s data/picture.png ]; then ok
    else bad "--plot through a link: status $status, $(ls -l plot.png data)"; fi
    ln -s /dev/null null.png
    run_opsin run "$C" "$S" -o p.csv --plot null.png -q
    if [ "$status" -eq 0 ] && [ -c /dev/null ] && [ -L null.png ]; then ok
    else bad "--plot to /dev/null: $status $(cat stderr)"; fi
    run_opsin ppf "$C" -a 3.9603mA -i 2ms,5ms -j 1 -o pp.csv --plot /dev/null
    if [ "$status" -eq 0 ] && [ -c /dev/null ]; then ok; else bad "ppf --plot /dev/null: $status"; fi
    expect_no_tmp "--plot" .
fi

# --- SIGINT and SIGTERM ---------------------------------------------------------------------
# A background job of sh starts with SIGINT ignored (and opsin keeps it so); env gives it back.
if env --default-signal=INT true 2>/dev/null; then INT=INT; DEFSIG="env --default-signal=INT"
else INT=TERM; DEFSIG=; echo "e2e-files: env --default-signal missing: SIGTERM for SIGINT"; fi

# Starts opsin in the background, standard output to $1 (removed first: the waits below look
# for what opsin writes, not what an earlier test left); $pid.
start() {
    out=$1
    shift
    rm -f "$out"
    $DEFSIG $VG "$OPSIN" "$@" >"$out" 2>stderr.raw &
    pid=$!
}

# Once the shell test $2 holds (it waits at most 120 s), sends signal $1 and waits for the
# exit (a watchdog kills opsin 120 s later): the status in $status, stderr in ./stderr.
interrupt() {
    wait_until "$2" 1200 || bad "never saw '$2' before sending SIG$1"
    kill -s "$1" "$pid" 2>/dev/null || bad "opsin ended before SIG$1 was sent"
    rm -f done.flag
    (n=0
     while [ "$n" -lt 1200 ] && [ ! -e done.flag ]; do sleep 0.1; n=$((n + 1)); done
     [ -e done.flag ] || kill -9 "$pid" 2>/dev/null) &
    dog=$!
    status=0
    wait "$pid" || status=$?
    touch done.flag
    wait "$dog" || true
    grep -v '^==[0-9]*==' stderr.raw >stderr || true
}

# run: a lif chain driven for 1000 s (over a minute uninterrupted), stopped once its
# temporary file has rows: no temporary file left, the old output as it was.
cat >long.cfg <<'EOF'
sources = ( { id = "step"; kind = "current"; targets = [ "pre" ]; start = "10 ms";
              width = "1000 s"; amplitude = "10 nA"; } );
EOF
L=$SRCDIR/circuits/lif-supercap-lif.cfg
mkdir runs
for sig in $INT TERM; do
    rm -f runs/*
    echo "old output" >runs/out.csv
    start stdout run "$L" long.cfg -t 1000s -o runs/out.csv -q
    interrupt "$sig" 'ls runs | grep -q "out.csv.tmp" && [ -n "$(find runs -name "out.csv.tmp*" -size +0)" ]'
    want=$([ "$sig" = INT ] && echo 130 || echo 143)
    expect_status "run interrupted by SIG$sig" "$want"
    if [ "$(cat runs/out.csv)" = "old output" ] && [ "$(ls runs)" = out.csv ]; then ok
    else bad "run interrupted by SIG$sig: $(ls -l runs)"; fi
    if grep -Eq "^opsin run: interrupted by SIG$sig at t = [0-9.e+-]+ s: no file written \(earlier ones left as they were\)$" stderr &&
       [ "$(wc -l <stderr)" -eq 1 ]; then ok
    else bad "run interrupted by SIG$sig: stderr $(cat stderr)"; fi
done

# run to standard output: complete rows up to the interrupt (every line as many fields as the
# header, the last one ended).
start rows.csv run "$L" long.cfg -t 1000s -q
interrupt TERM '[ "$(cat rows.csv 2>/dev/null | wc -l)" -gt 100 ]'
expect_status "run to stdout interrupted" 143
if [ "$(awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { print bad + 0 }' rows.csv)" = 0 ] &&
   [ "$(tail -c 1 rows.csv | od -An -c | tr -d ' ')" = '\n' ] &&
   grep -q "standard output holds the rows up to it" stderr; then ok
else bad "run to stdout interrupted: $(tail -n 2 rows.csv) $(cat stderr)"; fi

# sweep: 300 points of 0.1 s or so, interrupted after three rows: the file holds the header
# and rows 1 .. k, byte for byte those of a sweep of the first k points, and grid.csv.partial
# stays for --resume (tests/e2e-resume.sh); stderr says so.
vals=$(awk 'BEGIN { for (k = 0; k < 300; k++) printf "%s%d", (k ? "," : ""), 500 + 37 * k }')
# (points of 300,000 rows; under valgrind 3000, so that the reference sweeps stay short)
step=100ns
[ -n "$VG" ] && step=10us
sweep_args="--measure syn.v:peak,energy -j 2 -d $step"
# The first $1 values swept, uninterrupted, into $2.
reference() {
    # shellcheck disable=SC2086
    $VG "$OPSIN" sweep "$C" "$S" --set "syn.R_reg=$(echo "$vals" | cut -d, -f1-"$1")" \
        $sweep_args -o "$2"
}
mkdir sweeps
for sig in $INT TERM; do
    rm -f sweeps/*
    echo "old output" >sweeps/grid.csv
    # shellcheck disable=SC2086
    start stdout sweep "$C" "$S" --set "syn.R_reg=$vals" $sweep_args -o sweeps/grid.csv
    interrupt "$sig" '[ "$(cat sweeps/grid.csv.tmp* 2>/dev/null | wc -l)" -ge 4 ]'
    want=$([ "$sig" = INT ] && echo 130 || echo 143)
    expect_status "sweep interrupted by SIG$sig" "$want"
    k=$(($(wc -l <sweeps/grid.csv) - 1))
    if [ "$(ls sweeps | tr '\n' ' ')" = "grid.csv grid.csv.partial " ] && [ "$k" -ge 3 ] && [ "$k" -lt 300 ] &&
       [ "$(cat stderr)" = "opsin sweep: interrupted by SIG$sig: sweeps/grid.csv holds the first $k of 300 rows (complete, in grid order); --resume computes the rest" ]
    then ok
    else bad "sweep interrupted by SIG$sig: $k rows, $(ls sweeps), stderr $(cat stderr)"; fi
    reference "$k" sweeps/ref.csv 2>/dev/null || true
    if cmp -s sweeps/grid.csv sweeps/ref.csv; then ok
    else bad "sweep interrupted by SIG$sig: not the first $k rows: $(diff sweeps/grid.csv sweeps/ref.csv | head -4)"; fi
done

# sweep to standard output: the same complete prefix.
# shellcheck disable=SC2086
start rows.csv sweep "$C" "$S" --set "syn.R_reg=$vals" $sweep_args
interrupt "$INT" '[ "$(cat rows.csv 2>/dev/null | wc -l)" -ge 3 ]'
k=$(($(wc -l <rows.csv) - 1))
reference "$k" ref-rows.csv 2>/dev/null || true
if [ "$status" -eq "$([ "$INT" = INT ] && echo 130 || echo 143)" ] && cmp -s rows.csv ref-rows.csv &&
   grep -q "standard output holds the first $k of 300 rows" stderr; then ok
else bad "sweep to stdout interrupted: status $status, $k rows, $(cat stderr)"; fi
expect_no_tmp "interrupts" .

# --- progress lines and rows on one terminal (script(1) provides one) -----------------------
# The CSV lines a terminal shows of a typescript ($1): each carriage return starts writing
# over the line from its first column (a progress line erased with blanks leaves nothing).
tty_rows() {
    sed -n '/^Script started/,/^Script done/p' "$1" | sed '1d;$d' |
        awk '{ n = split($0, seg, "\r"); shown = ""
               for (i = 1; i <= n; i++)
                   shown = seg[i] substr(shown, length(seg[i]) + 1)
               sub(/ +$/, "", shown); print shown }' | grep ',' | grep -v '^#' || true
}
if command -v script >/dev/null 2>&1 && [ -z "$VG" ]; then
    # sweep's progress bar
    run_opsin sweep "$C" "$S" --set syn.R_reg=log:500:8000:6 --measure peak -j 1
    cp stdout plain.csv
    script -qec "'$OPSIN' sweep '$C' '$S' --set syn.R_reg=log:500:8000:6 --measure peak -j 1" \
        typescript >/dev/null 2>&1 || true
    tty_rows typescript >tty.csv
    if cmp -s tty.csv plain.csv; then ok
    else bad "rows and progress bar on one terminal: $(od -c typescript | head -20)"; fi
    # run's progress line (drawn after a second of work)
    run_opsin run "$L" long.cfg -t 30s -q
    cp stdout plain.csv
    script -qec "'$OPSIN' run '$L' long.cfg -t 30s" typescript >/dev/null 2>&1 || true
    tty_rows typescript >tty.csv
    if cmp -s tty.csv plain.csv; then ok
    else bad "rows and progress line of run on one terminal: $(diff tty.csv plain.csv | head -5)"; fi
fi

echo "e2e-files: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
