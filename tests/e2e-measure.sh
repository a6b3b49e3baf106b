#!/bin/sh
# e2e-measure.sh: `opsin run --measure` from the command line: the lines NAME,VALUE,UNIT on
# standard error after the summary (also with -q) or in --measure-output, never in the CSV
# (the CSV is the same bytes with and without measures, also when they need another probe);
# the same numbers as `opsin sweep` for the one point; bad items refused before anything is
# written.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

C=$SRCDIR/circuits/fmes.cfg
S=$SRCDIR/stimuli/fmes-ppf.cfg
M=syn.v:peak,max_t,when:syn.v=50mV:rise:2,syn.v:integral:1ms:5ms,syn.i:integral,ppf,energy
cd "$work"

# The paired pulses of fmes-ppf.cfg, with and without measures: the same CSV; the measures
# after the summary on stderr, one line each with its unit.
run_opsin run "$C" "$S" -o plain.csv
run_opsin run "$C" "$S" -o m.csv --measure "$M"
if [ "$status" -eq 0 ] && cmp -s plain.csv m.csv; then ok
else bad "run --measure: status $status, CSV differs: $(head -1 m.csv)"; fi
sed -n '/^measure,value,unit$/,$p' stderr >lines
if [ "$(wc -l <lines)" -eq 8 ] && head -1 stderr | grep -q '^# events' &&
   grep -q '^syn.v:max_t,0.012,s$' lines && grep -q '^syn.v:ppf,1.22339[0-9]*,1$' lines &&
   grep -q '^syn.v:integral:1ms:5ms,[0-9.e-]*,V s$' lines; then ok
else bad "run --measure lines: $(cat stderr)"; fi
# two pulses of 1 ms at 3.9603 mA: 7.9206e-6 A s of charge
if awk -F, '$1 == "syn.i:integral" { d = $2 / 7.9206e-6 - 1; exit !($3 == "A s" && d * d < 1e-20) }
            END { if (NR == 0) exit 1 }' lines; then ok
else bad "syn.i:integral: $(grep integral lines)"; fi

# -q keeps the measures (they were asked for); without -o the CSV alone is on stdout
run_opsin run "$C" "$S" -q -m "$M"
if [ "$status" -eq 0 ] && cmp -s stdout plain.csv && cmp -s stderr lines; then ok
else bad "run -q --measure to stdout: status $status, $(cat stderr)"; fi

# --measure-output: the same lines in a file, nothing on stderr with -q
run_opsin run "$C" "$S" -q -o q.csv -m "$M" --measure-output meas.csv
if [ "$status" -eq 0 ] && cmp -s meas.csv lines && [ ! -s stderr ]; then ok
else bad "--measure-output: status $status, $(cat stderr)"; fi

# sweep evaluates the same items of the same table: the same numbers, digit for digit
run_opsin sweep "$C" "$S" --measure "$M"
sweep_vals=$(tail -1 stdout | tr ',' '\n')
run_vals=$(tail -n +2 lines | cut -d, -f2)
if [ "$sweep_vals" = "$run_vals" ]; then ok
else bad "sweep and run differ: $sweep_vals / $run_vals"; fi
if head -1 stdout | grep -q '^syn.v:peak (V),syn.v:max_t (s),syn.v:when:50mV:rise:2 (s),syn.v:integral:1ms:5ms (V s),'; then ok
else bad "sweep header: $(head -1 stdout)"; fi

# bad input: status 2, one line, no CSV, no measure file
for spec in "syn.v:when:syn.v=1" "when:50mA" "avg:2ms" "peek"; do
    mkdir -p out
    run_opsin run "$C" "$S" -o out/x.csv -m "$spec" --measure-output out/m.csv
    if [ "$status" -eq 2 ] && [ "$(wc -l <stderr)" -eq 1 ] &&
       grep -q "^opsin run: --measure $spec: .*(expected " stderr && [ -z "$(ls out)" ]; then ok
    else bad "run -m $spec: status $status, $(cat stderr), left $(ls out)"; fi
done
run_opsin run "$C" "$S" -o out/x.csv --measure-output out/m.csv
if [ "$status" -eq 2 ] && grep -q -- '--measure-output needs --measure' stderr && [ -z "$(ls out)" ]
then ok; else bad "--measure-output alone: status $status, $(cat stderr)"; fi

# when on the solution, not between rows: the crossing of 50 mV by the paired pulses is the
# same time whatever --dt-out, on the closed form (solver.method auto) and on CVODE (rtol
# 1e-10), and the two agree within CVODE's accuracy (its global error, about 1e-9 of v, over
# the slow slope of the last fall gives 3e-9 of its time: 1e-8 relative allowed; between rows
# the first rise moved by 1e-5 relative from the default grid to -d 0.3us)
sed 's/^solver = .*/solver = { method = "cvode"; rtol = 1e-10; };/' "$C" >cvode.cfg
W=syn.v:when:50mV:rise,syn.v:when:50mV:fall:last,syn.v:when:50mV:cross:2
for circ in "$C" cvode.cfg; do
    : >grids
    for d in 30us 3us 0.3us; do
        run_opsin run "$circ" "$S" -q -o /dev/null -m "$W" -d "$d"
        tail -n +2 stderr >>grids
    done
    if [ "$status" -eq 0 ] && [ "$(sort -u grids | wc -l)" -eq 3 ] && [ "$(wc -l <grids)" -eq 9 ]
    then ok; else bad "when at 30, 3 and 0.3 us rows ($circ): $(cat grids)"; fi
    cp grids "grids.$(basename "$circ")"
done
if paste -d, grids.fmes.cfg grids.cvode.cfg | awk -F, '{ d = $2 / $5 - 1; if (d * d > 1e-16) exit 1 }'
then ok; else bad "when, closed form against CVODE: $(paste -d, grids.fmes.cfg grids.cvode.cfg)"; fi
# the crossing of the closed form (the rows' times converged towards it as -d shrank)
if grep -q '^syn.v:when:50mV:rise,0.00151308911940[0-9]*,s$' grids.fmes.cfg; then ok
else bad "when:50mV:rise: $(cat grids.fmes.cfg)"; fi

# sweep: the same bytes with one job and two
run_opsin sweep cvode.cfg "$S" --set syn.R_reg=1kohm:7kohm:4 -m "$W" --jobs 1
cp stdout sweep1.csv
run_opsin sweep cvode.cfg "$S" --set syn.R_reg=1kohm:7kohm:4 -m "$W" --jobs 2
if [ "$status" -eq 0 ] && cmp -s stdout sweep1.csv && [ "$(wc -l <sweep1.csv)" -eq 5 ]; then ok
else bad "sweep --jobs 1 and 2 differ: $(cat sweep1.csv) / $(cat stdout)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
