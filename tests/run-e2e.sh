#!/bin/sh
# run-e2e.sh: the opsin command as a user meets it: help, models, check, run outputs,
# determinism (byte-identical reruns), stdout vs -o, --plot with and without gnuplot.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
opsin() { $VG "$OPSIN" "$@"; }

# Every command answers --help with status 0 and a usage line.
for cmd in "" run check models stdp; do
    if opsin $cmd --help >"$work/help" 2>&1 && grep -q "^Usage: opsin" "$work/help"; then ok
    else bad "opsin $cmd --help"; fi
done
if opsin --version | grep -q '^opsin [0-9]'; then ok; else bad "--version"; fi

# The model catalogue names the models and documents parameters with units.
opsin models >"$work/models"
if grep -qx lif "$work/models" && grep -qx supercap "$work/models"; then ok; else bad "models list"; fi
if opsin models supercap | grep -q 'R_reg *ohm *open'; then ok; else bad "models supercap"; fi

# The protocols drive the engine through the typed API: none prints libconfig text or parses
# a string it made, and none reads a file more than once (its inputs, before any run).
if grep -rnE --include='*.[ch]' 'opsin_stimulus_parse|opsin_cfg_read_string|config_write|open_memstream|%\.1[57]g|opsin_circuit_set\(' \
    "$SRCDIR/src/protocols" >"$work/road"; then bad "text road in src/protocols: $(cat "$work/road")"
else ok; fi
# Messages are composed once, where the fault is known: no code searches a finished diagnostic
# to patch it.
if grep -rnE --include='*.[ch]' 'str(str|chr|rchr)\([a-z_]+(->|\.)msg' "$SRCDIR/src" >"$work/patch"
then bad "a finished message is searched to be rewritten: $(cat "$work/patch")"; else ok; fi
for f in "$SRCDIR"/src/protocols/*.c; do
    n=$(grep -cE 'opsin_(circuit|stimulus)_load\(' "$f" || true)
    if [ "$n" -le 2 ]; then ok; else bad "$f calls a file loader $n times"; fi
done

# check resolves a circuit and a stimulus.
if opsin check "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" >"$work/check" &&
   grep -q 'R_reg *= 7000 ohm' "$work/check" && grep -q '2 pulse(s)' "$work/check"; then ok
else bad "check"; fi

# check marks parameters derived from others (the Prony modes of a stretched release).
printf 'components = ({ id = "d"; model = "phototrap"; tau_s = "10 s"; beta = 0.6; });\n' >"$work/str.cfg"
if opsin check "$work/str.cfg" | grep -q 'w2 .*(derived)' && opsin check "$work/str.cfg" | grep -q 'beta .* $'
then ok; else bad "check does not mark derived parameters: $(opsin check "$work/str.cfg" | grep -E 'tau|w[123]')"; fi

# run -o writes the CSV, spikes and summary and nothing else.
(cd "$work" && opsin run "$SRCDIR/circuits/lif-supercap-lif.cfg" "$SRCDIR/stimuli/lif-chain.cfg" \
    -o a.csv -q)
if [ "$(ls "$work" | grep -c '^a\.')" -eq 3 ] && [ -s "$work/a.spikes.csv" ] &&
   grep -q '^# integrator steps\|^# islands' "$work/a.summary.txt"; then ok
else bad "run outputs: $(ls "$work")"; fi
if head -1 "$work/a.csv" | grep -qx 't (s),pre.V (V),syn.v (V),post.V (V)'; then ok
else bad "CSV header: $(head -1 "$work/a.csv")"; fi

# The summary adds up the energy of the sources (the step source and the spike connection).
if awk '/^# energy step/ { a = $4 } /^# energy pre->syn/ { b = $4 } /^# energy total/ { t = $4 }
        END { exit !(t > 0 && (t - a - b) * (t - a - b) <= 1e-18 * t * t) }' "$work/a.summary.txt"
then ok; else bad "energy total: $(grep energy "$work/a.summary.txt")"; fi

# Same input, same bytes.
(cd "$work" && opsin run "$SRCDIR/circuits/lif-supercap-lif.cfg" "$SRCDIR/stimuli/lif-chain.cfg" \
    -o b.csv -q --seed 1)
if cmp -s "$work/a.csv" "$work/b.csv" && cmp -s "$work/a.spikes.csv" "$work/b.spikes.csv"; then ok
else bad "rerun not byte-identical"; fi

# Standard output carries the same CSV as -o.
opsin run "$SRCDIR/circuits/lif-supercap-lif.cfg" "$SRCDIR/stimuli/lif-chain.cfg" -q >"$work/c.csv"
if cmp -s "$work/a.csv" "$work/c.csv"; then ok; else bad "stdout differs from -o"; fi

# --probe selects columns; --t-end and --dt-out set the grid (0..10 ms by 1 ms: 11 rows).
opsin run "$SRCDIR/circuits/fmes.cfg" --t-end 10ms --dt-out 1ms --probe syn.v,syn.w -q >"$work/p.csv"
if head -1 "$work/p.csv" | grep -qx 't (s),syn.v (V),syn.w (V)' && [ "$(wc -l <"$work/p.csv")" -eq 12 ]
then ok; else bad "probe/t-end/dt-out: $(head -2 "$work/p.csv")"; fi

# --plot without gnuplot on PATH: a clear note, status 0, the CSV still written.
mkdir "$work/nognuplot"
if (cd "$work" && PATH="$work/nognuplot" "$OPSIN" run "$SRCDIR/circuits/fmes.cfg" \
        "$SRCDIR/stimuli/fmes-ppf.cfg" -o n.csv --plot n.png -q 2>"$work/n.err") &&
   grep -q 'gnuplot is not installed' "$work/n.err" && [ -s "$work/n.csv" ] && [ ! -e "$work/n.png" ]
then ok; else bad "--plot without gnuplot: $(cat "$work/n.err")"; fi

# --plot with gnuplot (when the machine has it): a PNG.
if command -v gnuplot >/dev/null 2>&1; then
    (cd "$work" && opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" \
        -o g.csv --plot g.png -q)
    if [ "$(od -An -tx1 -N4 "$work/g.png" | tr -d ' ')" = 89504e47 ]; then ok
    else bad "--plot made no PNG"; fi
    # The picture type follows the name; --plot-overlay draws the probes of a unit together.
    if (cd "$work" && opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" \
            -o g2.csv --plot g.svg -q && opsin run "$SRCDIR/circuits/fmes.cfg" \
            "$SRCDIR/stimuli/fmes-ppf.cfg" -p syn.v,syn.w,syn.i -o g3.csv --plot g.pdf --plot-overlay -q) &&
       grep -q '<svg' "$work/g.svg" && [ "$(head -c 4 "$work/g.pdf")" = "%PDF" ]; then ok
    else bad "--plot g.svg / g.pdf: $(file "$work/g.svg" "$work/g.pdf" 2>&1)"; fi
fi

# A --plot name of no known picture type, or --plot-overlay alone, is refused before the files
# are read (the circuit does not exist): status 2, one line, nothing written.
mkdir "$work/ext"
for args in "--plot g.jpg" "--plot plot" "--plot-overlay"; do
    st=0
    # shellcheck disable=SC2086
    (cd "$work/ext" && "$OPSIN" run no-such.cfg -o ext.csv $args 2>"$work/ext.err") || st=$?
    if [ "$st" -eq 2 ] && [ "$(wc -l <"$work/ext.err")" -eq 1 ] && grep -q -- '--plot' "$work/ext.err" &&
       [ -z "$(ls "$work/ext")" ]; then ok
    else bad "run $args: status $st, $(cat "$work/ext.err"), wrote: $(ls "$work/ext")"; fi
done
(cd "$work/ext" && "$OPSIN" run no-such.cfg -o ext.csv --plot g.jpg 2>"$work/ext.err") || true
if grep -qx "opsin run: --plot: cannot tell the picture type of 'g.jpg' (expected a file name ending in .png, .svg or .pdf)" \
        "$work/ext.err"; then ok; else bad "--plot g.jpg: $(cat "$work/ext.err")"; fi

# --set overrides a parameter (a smaller R_reg lowers the first peak); a bad value is
# refused with status 2 and writes nothing; output files get the usual mode (umask 022).
(cd "$work" && umask 022 && opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" \
    --set syn.R_reg=500ohm -o s.csv -q)
a1_500=$(awk -F, '$1 == 0.002 { print $2; exit }' "$work/s.csv")
a1_7k=$(awk -F, '$1 == 0.002 { print $2; exit }' "$work/g.csv" 2>/dev/null || echo 0.094)
if awk -v a="$a1_500" 'BEGIN { exit !(a > 0.05 && a < 0.0935) }' &&
   [ "$(stat -c %a "$work/s.csv")" = 644 ]; then ok
else bad "--set syn.R_reg=500ohm: A1 = $a1_500 (7 kohm: $a1_7k), mode $(stat -c %a "$work/s.csv")"; fi
st=0
(cd "$work" && opsin run "$SRCDIR/circuits/fmes.cfg" --set syn.C1=-1 -o bad.csv 2>"$work/set.err") || st=$?
if [ "$st" -eq 2 ] && [ ! -e "$work/bad.csv" ] && grep -q 'syn.C1 = -1 F is out of range' "$work/set.err"
then ok; else bad "--set syn.C1=-1: status $st, $(cat "$work/set.err")"; fi

# stdp: a small window, deterministic across --jobs; bad options exit 2 with one line and no
# output file.
syn=$SRCDIR/examples/stdp-window/synapse.cfg
opsin stdp "$syn" --device S_0_0 --dt -6ms:6ms:5 --pairs 3 -j 1 -o "$work/w1.csv"
opsin stdp "$syn" --device S_0_0 --dt -6ms:6ms:5 --pairs 3 -j 2 -o "$work/w2.csv"
if cmp -s "$work/w1.csv" "$work/w2.csv" && head -1 "$work/w1.csv" | grep -qx 'dt (s),dG (S),relative (1)' &&
   [ "$(wc -l <"$work/w1.csv")" -eq 6 ]; then ok; else bad "stdp window: $(cat "$work/w1.csv")"; fi
for args in "--device nosuch" "--device S_0_0 --freq 10kHz" "--device S_0_0 --shape square" \
            "--device S_0_0 --dt 1:2" "--device S_0_0 --light 445nm"; do
    st=0
    # shellcheck disable=SC2086
    opsin stdp "$syn" $args -o "$work/bad.csv" 2>"$work/bad.err" || st=$?
    if [ "$st" -eq 2 ] && [ "$(wc -l <"$work/bad.err")" -eq 1 ] && [ ! -e "$work/bad.csv" ]; then ok
    else bad "stdp $args: status $st, $(cat "$work/bad.err")"; fi
done

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
