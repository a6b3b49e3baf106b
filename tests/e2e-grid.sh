#!/bin/sh
# e2e-grid.sh: opsin train --grid (src/train/grid.h, src/cli/train_grid.c).  On the tiny
# 4-class set of e2e-lib.sh: every row of a 2 x 3 x 2 grid (rate x NL range x seed) is what
# `opsin train --set ...` of its point gives (final accuracies and loss to the last digit,
# the best test accuracy and its epoch, the pulses and energy summed over the epochs); the
# same bytes for --jobs 1, 2, 3 and on standard output; the columns of string, list and log
# range values; a device point whose curve cannot be tabulated is a nan row with its warning
# (status 1) while the others train; bad grids are refused with one line, status 2 and no
# output; a grid killed after K rows (seeds) resumes with --resume to the uninterrupted
# bytes, SIGTERM keeps the complete rows, a resume with other options or a changed @include'd
# file is refused.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

idx 200 0 train
idx 80 1 test
data='dataset = { train = { images = "train-images.idx"; labels = "train-labels.idx"; };
            test = { images = "test-images.idx"; labels = "test-labels.idx"; }; nclasses = 4; };'
cat >net.cfg <<EOF
layers = [16, 8, 4];
$data
training = { epochs = 3; rate = 0.5; };
synapse = { kind = "nl"; Gmin = 0; Gmax = 1; Pmax = 50; NL = 2; noise = 0.01; };
EOF
header='train_accuracy (1),test_accuracy (1),loss (1),best_test_accuracy (1),best_epoch,ltp_pulses,ltd_pulses,energy (J)'

# ---- each row is its point's own training -------------------------------------------------
if [ -n "$VG" ]; then seeds="1"; else seeds="1,2"; fi
run_opsin train net.cfg --grid training.rate=0.1,0.5 --grid synapse.NL=0:4:3 --grid seed=$seeds -j 2 -o grid.csv
expect_status "grid" 0
if [ "$(head -n 1 grid.csv)" = "training.rate,synapse.NL,seed,$header" ] && [ ! -s stderr ]; then ok
else bad "grid header: $(head -n 1 grid.csv) $(cat stderr)"; fi
n=0
for r in 0.1 0.5; do for nl in 0 2 4; do for s in $(echo "$seeds" | tr , ' '); do
    n=$((n + 1))
    run_opsin train net.cfg --set training.rate=$r --set synapse.NL=$nl --seed $s -q -o one.csv
    # the row the single run implies: last row's accuracies and loss as written, the first
    # best test accuracy, the pulses summed, the energy summed
    want=$(awk -F, -v p="$r,$nl,$s" 'NR > 1 { if (NR == 2 || $3 > best) { best = $3; at = $1 }
                                             ltp += $5; ltd += $6; e += $7; tr = $2; te = $3; l = $4 }
            END { printf "%s,%s,%s,%s,%s,%s,%d,%d\n", p, tr, te, l, best, at, ltp, ltd }' one.csv)
    got=$(sed -n "$((n + 1))p" grid.csv)
    if [ "$(echo "$got" | cut -d, -f1-10)" = "$want" ] &&
       [ "$(echo "$got" | cut -d, -f11)" = 0 ] && [ "$(awk -F, 'NR > 1 { e += $7 } END { print e }' one.csv)" = 0 ]
    then ok; else bad "grid row $n: '$got' (expected '$want,0' from opsin train --set)"; fi
done; done; done
if [ "$(wc -l <grid.csv)" -eq $((n + 1)) ] &&
   awk -F, 'NR > 1 && $1 == 0.5 && !($5 == 1 && $8 > 0) { exit 1 }' grid.csv; then ok
else bad "grid: $(wc -l <grid.csv) lines, or rate 0.5 did not learn: $(cat grid.csv)"; fi

# The same bytes for any --jobs, and to standard output.
for j in 1 3; do
    run_opsin train net.cfg --grid training.rate=0.1,0.5 --grid synapse.NL=0:4:3 --grid seed=$seeds -j $j -o grid$j.csv
    if [ "$status" -eq 0 ] && cmp -s grid.csv grid$j.csv; then ok; else bad "grid -j $j differs: $(cat stderr)"; fi
done
run_opsin train net.cfg --grid training.rate=0.1,0.5 --grid synapse.NL=0:4:3 --grid seed=$seeds -j 2
if cmp -s grid.csv stdout; then ok; else bad "grid to standard output differs"; fi

# ---- the key columns: a string without its quotes, a list in CSV quotes, a log range --------
run_opsin train net.cfg -e 1 --grid 'hidden="relu","sigmoid"' --grid 'training.rate=[0.5, 0.1],0.2' --grid synapse.Pmax=log:10:1000:3 -o cols.csv
if [ "$status" -eq 0 ] && [ "$(cut -d, -f1-2 cols.csv | head -n 1)" = "hidden,training.rate" ] &&
   [ "$(sed 1d cols.csv | awk -F, '{ print $1 }' | tr '\n' ' ')" = "relu relu relu relu relu relu sigmoid sigmoid sigmoid sigmoid sigmoid sigmoid " ] &&
   [ "$(sed -n 2p cols.csv | cut -d, -f1-4)" = 'relu,"[0.5, 0.1]",10' ] &&
   [ "$(sed -n 3p cols.csv | cut -d, -f1-4)" = 'relu,"[0.5, 0.1]",100' ] &&
   [ "$(sed -n 5p cols.csv | cut -d, -f1-3)" = 'relu,0.2,10' ]; then ok
else bad "grid columns: status $status $(cat stderr) $(cat cols.csv)"; fi

# a whole-number key over a long range takes whole numbers (1, 2, ... 300, no 126.00000000000001)
run_opsin train net.cfg -e 0 --grid seed=1:300:300 -o seeds.csv
if [ "$status" -eq 0 ] && [ "$(wc -l <seeds.csv)" -eq 301 ] &&
   awk -F, 'NR > 1 && $1 != NR - 1 { exit 1 }' seeds.csv; then ok
else bad "seed=1:300:300: status $status, $(cat stderr)"; fi

# ---- a point that fails while it runs: nan, a warning, status 1, the others trained --------
cat >dev.cfg <<EOF
layers = [16, 8, 4];
$data
training = { epochs = 2; rate = 0.5; };
synapse = { kind = "device"; circuit = "$SRCDIR/circuits/fmes.cfg"; output = "syn.v";
            ltp = "$SRCDIR/stimuli/fmes-ltp-pulse.cfg"; ltd = "$SRCDIR/stimuli/fmes-ltd-pulse.cfg"; };
EOF
run_opsin train dev.cfg --grid 'synapse.output="syn.i","syn.v"' -j 2 -o dev.csv
if [ "$status" -eq 1 ] && [ "$(sed -n 2p dev.csv)" = "syn.i,nan,nan,nan,nan,nan,nan,nan,nan" ] &&
   awk -F, 'NR == 3 { exit !($1 == "syn.v" && $3 == 1 && $7 > 0 && $9 > 0) }' dev.csv &&
   [ "$(sed -n 1p stderr)" = "opsin train: warning: row 1 (synapse.output=\"syn.i\") failed, its columns are nan: dev.cfg:6: the LTP stimulus '$SRCDIR/stimuli/fmes-ltp-pulse.cfg' does not move syn.i (0 A before, 0 A after 10 pulses; no states found) (expected a potentiating pulse that raises it)" ] &&
   [ "$(sed -n 2p stderr)" = "opsin train: 1 of 2 points failed (their columns are nan)" ]; then ok
else bad "failed grid point: status $status, $(cat stderr) $(cat dev.csv)"; fi
# the device point trains what opsin train --set trains
run_opsin train dev.cfg --set 'synapse.output="syn.v"' -q -o dev1.csv
if [ "$(tail -n 1 dev1.csv | cut -d, -f2-4)" = "$(sed -n 3p dev.csv | cut -d, -f2-4)" ]; then ok
else bad "device grid point differs from opsin train: $(tail -n 1 dev1.csv) / $(sed -n 3p dev.csv)"; fi

# ---- bad grids: one line, status 2, nothing written ----------------------------------------
expect_error "opsin train: --grid dataset.crop=2,4: the points share one data set, read once (expected a key outside dataset; --set changes the data of every point)" \
    train net.cfg --grid dataset.crop=2,4 -o "$work/out.csv"
expect_error "opsin train: --grid point training.rate=-1: net.cfg:4: rate = -1 is out of range (expected > 0)" \
    train net.cfg --grid training.rate=0.1,-1 -o "$work/out.csv"
expect_error "opsin train: --grid seed=3,4: seed is set by --set, --epochs or --seed already (expected each key once, in --set or in one --grid)" \
    train net.cfg --seed 2 --grid seed=3,4 -o "$work/out.csv"
expect_error "opsin train: --grid seed=3: seed is on the grid already (expected each key once, in --set or in one --grid)" \
    train net.cfg --grid seed=1,2 --grid seed=3 -o "$work/out.csv"
expect_error "opsin train: --grid syn.R_reg=500ohm:8kohm:3: a range takes bare numbers, SI (expected FROM:TO:N or log:FROM:TO:N such as log:500:8000:5, or a list such as 500ohm,1kohm,8kohm)" \
    train net.cfg --grid syn.R_reg=500ohm:8kohm:3 -o "$work/out.csv"
expect_error "opsin train: --grid seed=1:5:1: '1:5:1': N = '1' is not a number of points (expected an integer from 2 to 1000000)" \
    train net.cfg --grid seed=1:5:1 -o "$work/out.csv"
expect_error "opsin train: --grid seed=1,,2: an empty value or an unclosed quote or bracket (expected a list v1,v2,... such as 0.05,0.1 or a range FROM:TO:N)" \
    train net.cfg --grid seed=1,,2 -o "$work/out.csv"
expect_error "opsin train: --grid training.rate=[0.1,0.2: an empty value or an unclosed quote or bracket (expected a list v1,v2,... such as 0.05,0.1 or a range FROM:TO:N)" \
    train net.cfg --grid 'training.rate=[0.1,0.2' -o "$work/out.csv"
expect_error "opsin train: --grid seed: no values (expected KEY=SPEC, e.g. --grid training.rate=0.05,0.1 or --grid syn.R_reg=500ohm,8kohm)" \
    train net.cfg --grid seed -o "$work/out.csv"
expect_error "opsin train: --grid: the grid has more than 1000000 points (expected fewer values)" \
    train net.cfg --grid seed=1:1000:1000 --grid training.rate=0.1:1:1001 -o "$work/out.csv"
expect_error "opsin train: --grid point syn.R_reg=1: --set syn.R_reg=1: no key of the network file, and the nl synapse takes no settings (expected a key of the file such as training.rate=0.05 or synapse.NL=2)" \
    train net.cfg --grid syn.R_reg=1,2 -o "$work/out.csv"
expect_error "opsin train: --save does not go with --grid (expected --grid with -o FILE.csv alone: one row per point; train a point alone for its --save)" \
    train net.cfg --grid seed=1,2 --save "$work/out.csv"
expect_error "opsin train: --weights-scale does not go with --grid (expected --grid with -o FILE.csv alone: one row per point; train a point alone for its --weights-scale)" \
    train net.cfg --grid seed=1,2 --weights-scale 4 -o "$work/out.csv"
expect_error "opsin train: --classes does not go with --grid (expected --grid with -o FILE.csv alone: one row per point; train a point alone for its --classes)" \
    train net.cfg --grid seed=1,2 --classes 1 -o "$work/out.csv"
# an output onto a file the network file names (its data, an @include'd file), with and
# without --grid: refused before anything is written, the file intact
cp train-labels.idx labels.keep
expect_error "opsin train: -o train-labels.idx is the same file as a data file train-labels.idx (expected an output that is not one of the input files)" \
    train net.cfg --grid seed=1,2 -o train-labels.idx
expect_error "opsin train: --save train-labels.idx is the same file as a data file train-labels.idx (expected an output that is not one of the input files)" \
    train net.cfg -o "$work/out.csv" --save train-labels.idx
printf '@include "net.cfg"\n' >top.cfg
expect_error "opsin train: -o net.cfg is the same file as an @include'd file ./net.cfg (expected an output that is not one of the input files)" \
    train top.cfg -e 0 -o net.cfg
if cmp -s labels.keep train-labels.idx; then ok; else bad "an output onto the data: the labels changed"; fi
expect_error "opsin train: --resume continues a --grid (expected --grid; a single training continues from --save with --load)" \
    train net.cfg --resume -o "$work/out.csv"

# ---- killed and resumed --------------------------------------------------------------------
# points of some 0.1 s (3 s under valgrind), 8 of them
if [ -n "$VG" ]; then e=60 kseeds="1"; else e=1500 kseeds="1 2"; fi
args="train net.cfg -e $e --grid seed=1:8:8"
out=r.csv
# shellcheck disable=SC2086
run_opsin $args -j 2 -o ref.csv
expect_status "reference grid" 0
mid=0
for seed in $kseeds; do
    rm -f "$out" "$out".*
    k=$(draw "$seed" 4)
    # shellcheck disable=SC2086
    $VG "$OPSIN" $args -j 2 -o "$out" >/dev/null 2>&1 &
    kill_at_rows $!
    [ "$got" -gt 0 ] && [ "$got" -lt 8 ] && mid=$((mid + 1))
    # shellcheck disable=SC2086
    run_opsin $args -j 1 -o "$out" --resume
    expect_status "grid seed $seed: resume after $got rows" 0
    if cmp -s "$out" ref.csv && [ ! -e "$out.partial" ] &&
       [ "$(cat stderr)" = "opsin train: resuming from $out.partial: $got of 8 rows done" ]; then ok
    else bad "grid seed $seed: resumed after $got rows: $(cat stderr) $(ls)"; fi
done
if [ "$mid" -gt 0 ]; then ok; else bad "grid: no kill landed inside the run"; fi

# other options: refused, nothing touched
rm -f "$out" "$out".*
k=2
# shellcheck disable=SC2086
$VG "$OPSIN" $args -j 1 -o "$out" >/dev/null 2>&1 &
kill_at_rows $!
cp "$out.partial" keep.partial
# shellcheck disable=SC2086
run_opsin $args -o "$out" --resume --set training.rate=0.2
if [ "$status" -eq 2 ] && grep -q "^opsin train: $out.partial:6: written by another run: " stderr && [ "$(wc -l <stderr)" -eq 1 ] &&
   cmp -s keep.partial "$out.partial" && [ ! -e "$out" ]; then ok
else bad "grid resume with other options: status $status, $(cat stderr)"; fi

# an @include'd file is part of the key: changed, the resume is refused (one line naming the
# include), nothing touched; as it was, the resume completes the uninterrupted bytes
{ echo 'layers = [16, 8, 4];'; echo "$data"; } >base.cfg
cat >inc.cfg <<EOF
@include "base.cfg"
training = { epochs = 3; rate = 0.5; };
synapse = { kind = "nl"; Gmin = 0; Gmax = 1; Pmax = 50; NL = 2; noise = 0.01; };
EOF
iargs="train inc.cfg -e $e --grid seed=1:8:8"
# shellcheck disable=SC2086
run_opsin $iargs -j 2 -o iref.csv
out=i.csv
k=2
# shellcheck disable=SC2086
$VG "$OPSIN" $iargs -j 1 -o "$out" >/dev/null 2>&1 &
kill_at_rows $!
cp "$out.partial" keep.partial
cp base.cfg base.keep
echo 'hidden = "relu";' >>base.cfg
# shellcheck disable=SC2086
run_opsin $iargs -o "$out" --resume
if [ "$status" -eq 2 ] && [ "$(wc -l <stderr)" -eq 1 ] &&
   grep -q "^opsin train: $out.partial:[0-9]*: written by another run: it has 'file include [0-9]* [0-9a-f]*' where this run has 'file include " stderr &&
   cmp -s keep.partial "$out.partial" && [ ! -e "$out" ]; then ok
else bad "grid resume with a changed @include'd file: status $status, $(cat stderr)"; fi
cp base.keep base.cfg
# shellcheck disable=SC2086
run_opsin $iargs -j 2 -o "$out" --resume
if [ "$status" -eq 0 ] && cmp -s "$out" iref.csv; then ok
else bad "grid resume with its @include'd file as it was: status $status, $(cat stderr)"; fi

# SIGTERM: the complete rows stay, one line says so, --resume trains the rest
rm -f "$out" "$out".*
# shellcheck disable=SC2086
$VG "$OPSIN" $args -j 1 -o "$out" >/dev/null 2>stderr.term &
pid=$!
k=2
while [ "$(rows_of "$out.partial")" -lt 2 ] && kill -0 $pid 2>/dev/null; do sleep 0.01; done
kill -TERM $pid
status=0
wait $pid || status=$?
rows=$(($(wc -l <"$out") - 1))
if [ "$status" -eq 143 ] && [ "$rows" -ge 2 ] &&
   [ "$(grep -v '^==' stderr.term)" = "opsin train: interrupted by SIGTERM: $out holds the first $rows of 8 rows (complete, in grid order); --resume trains the rest" ] &&
   [ "$(head -n $((rows + 1)) ref.csv)" = "$(cat "$out")" ]; then ok
else bad "grid SIGTERM: status $status, $rows rows, $(cat stderr.term)"; fi
# shellcheck disable=SC2086
run_opsin $args -j 2 -o "$out" --resume
if [ "$status" -eq 0 ] && cmp -s "$out" ref.csv; then ok; else bad "grid resume after SIGTERM: $(cat stderr)"; fi

echo "e2e-grid: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
