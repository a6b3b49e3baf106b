#!/bin/sh
# e2e-silence.sh: nothing silent.  -q is taken by every command that runs; warnings of files
# (a value far outside its usual range) and of runs (nothing driven, pulses after t_end, an
# inert gate, a still probe) reach standard error once each, and none for the shipped presets;
# a huge CSV is announced; a long run shows its progress on a terminal; swapped files and
# solver failures say what is wrong and where.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

# stderr is exactly the lines given (one argument per line).
expect_stderr() {
    name=$1
    shift
    : >"$work/want"
    [ $# -eq 0 ] || printf '%s\n' "$@" >"$work/want"
    if cmp -s "$work/want" "$work/stderr"; then ok
    else bad "$name: stderr '$(cat "$work/stderr")' (expected '$(cat "$work/want")')"; fi
}

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

# A usage error: status 2, nothing on stdout, MESSAGE and the Try line on stderr.
expect_usage() {
    expect_status "$1" 2
    if [ ! -s "$work/stdout" ]; then ok; else bad "$1: wrote to stdout"; fi
    expect_stderr "$1" "$2" "Try 'opsin $3 --help' for more information."
}

# stderr holds LINE exactly once.
expect_once() {
    n=$(grep -cxF -- "$2" "$work/stderr" || true)
    if [ "$n" -eq 1 ]; then ok; else bad "$1: '$2' $n times in: $(cat "$work/stderr")"; fi
}

no_warning() {
    if grep -q 'warning' "$work/stderr"; then bad "$1: $(cat "$work/stderr")"; else ok; fi
}

cd "$SRCDIR"
C=circuits/fmes.cfg
S=stimuli/fmes-ppf.cfg

# Every command that runs takes -q: its --help and its section of man/opsin.1 say so.
for cmd in run sweep ppf stdp fit; do
    run_opsin "$cmd" --help
    if grep -q -- '-q, --quiet' "$work/stdout"; then ok; else bad "$cmd --help: no -q"; fi
    if awk -v c="$cmd" 'index($0, ".SS \"opsin " c " ") == 1 { p = 1; next }
                        /^\.S[SH] / { p = 0 }
                        p && index($0, ".BR \\-q \", \" \\-\\-quiet") == 1 { found = 1 }
                        END { exit !found }' man/opsin.1; then ok
    else bad "man/opsin.1: opsin $cmd does not document -q"; fi
done

# ---- warnings of files: a plain number is SI ----------------------------------------------
printf '# a neuron whose capacitance lost its unit\ncomponents = ({ id = "n"; model = "lif";\n  C_m = 100; });\n' >"$work/cm.cfg"
printf 'sources = ({ id = "I"; kind = "current"; targets = ["n"];\n  start = "1 ms"; width = "1 ms"; amplitude = 20; });\n' >"$work/amp.cfg"
run_opsin check "$work/cm.cfg" "$work/amp.cfg"
expect_status "check C_m = 100" 0
expect_stderr "check C_m = 100" \
    "$work/cm.cfg:3: warning: C_m = 100 F is far outside the usual 1 pF .. 10 uF: did you mean \"100 pF\"?" \
    "$work/amp.cfg:2: warning: amplitude = 20 A is far outside the usual 1 pA .. 10 mA in magnitude: did you mean \"20 uA\"?"
if grep -q 'C_m *= 100 F' "$work/stdout"; then ok; else bad "check C_m = 100: no resolved model"; fi
run_opsin run "$C" -t 1ms --set syn.R_d=1e15 -o "$work/set.csv"
expect_status "--set far out" 0
expect_once "--set far out" "opsin run: warning: --set syn.R_d = 1e+15 ohm is far outside the usual 1 mohm .. 1 Gohm (expected a value in that range, with its unit)"

# The shipped presets draw no warning: every circuit (but the fragments others @include), and
# every stimulus with each circuit it fits (at least one).
for c in circuits/*.cfg; do
    if grep -q "@include \"$(basename "$c")\"" circuits/*.cfg; then continue; fi
    run_opsin check "$c"
    if [ "$status" -eq 0 ] && [ ! -s "$work/stderr" ]; then ok
    else bad "check $c: status $status, $(cat "$work/stderr")"; fi
done
for s in stimuli/*.cfg; do
    fits=0
    for c in circuits/*.cfg; do
        run_opsin check "$c" "$s"
        [ "$status" -eq 0 ] || continue
        fits=$((fits + 1))
        if [ ! -s "$work/stderr" ]; then ok; else bad "check $c $s: $(cat "$work/stderr")"; fi
    done
    if [ "$fits" -ge 1 ]; then ok; else bad "$s fits no circuit"; fi
done
run_opsin run "$C" "$S" -o "$work/ppf.csv"
expect_status "a working run" 0
no_warning "a working run"

# ---- warnings of runs: what does nothing, once each ------------------------------------
printf 'components = ({ id = "syn"; model = "supercap"; });\n' >"$work/syn.cfg"
run_opsin run "$work/syn.cfg" -t 1ms -o "$work/idle.csv"
expect_status "nothing drives" 0
expect_once "nothing drives" "opsin run: warning: nothing drives 'syn' (supercap): no stimulus file and no connections, so only the initial state evolves"
expect_once "nothing drives" "opsin run: warning: probe 'syn.v' stays at 0 V for the whole run"
run_opsin run "$C" "$S" -t 0.5ms -o "$work/early.csv"
expect_status "pulses after t_end" 0
expect_once "pulses after t_end" "opsin run: warning: source 'pre' does nothing in this run: its first pulse starts at 0.001 s, at or after t_end = 0.0005 s"
printf 'components = ({ id = "dev"; model = "phototrap"; x0 = 0.5; });\n' >"$work/trap.cfg"
printf 'sources = ({ id = "gate"; kind = "voltage"; targets = ["dev"];\n  start = "1 ms"; width = "1 ms"; amplitude = "20 V"; });\n' >"$work/gate.cfg"
run_opsin run "$work/trap.cfg" "$work/gate.cfg" -t 5ms -o "$work/gate.csv"
expect_status "inert gate" 0
expect_once "inert gate" "opsin run: warning: source 'gate' changes nothing in 'dev' (phototrap): k_e = k_d = k_p = 0: no erase, depression or electrical write path"
expect_once "inert gate" "opsin run: warning: probe 'dev.G' stays at 51 nS for the whole run"
run_opsin run "$work/trap.cfg" "$work/gate.cfg" -t 5ms -o "$work/gate.csv" --set dev.k_e=1
expect_status "gate with an erase path" 0
no_warning "gate with an erase path"

# ---- -q: every command that runs takes it and then prints no warning ----------------------
run_opsin run "$work/syn.cfg" -t 1ms -q -o "$work/q.csv"
expect_status "run -q" 0
expect_stderr "run -q"
printf 'components = ({ id = "syn"; model = "supercap"; C1 = 1e5; });\n' >"$work/big-c1.cfg"
run_opsin sweep "$work/big-c1.cfg" --set syn.R_reg=1kohm,2kohm --measure peak -t 1ms
expect_status "sweep" 0
expect_stderr "sweep" "$work/big-c1.cfg:1: warning: C1 = 100000 F is far outside the usual 1 nF .. 1 F: did you mean \"100000 nF\"?"
run_opsin sweep "$work/big-c1.cfg" --set syn.R_reg=1kohm,2kohm --measure peak -t 1ms -q
expect_status "sweep -q" 0
expect_stderr "sweep -q"
printf 'components = ({ id = "syn"; model = "pairstdp"; A_plus = 10; W_max = 1e3; W0 = 1; });\n' >"$work/stdp.cfg"
run_opsin stdp "$work/stdp.cfg" --device syn --dt -6ms:6ms:3 --pairs 2 -j 1
expect_status "stdp" 0
expect_stderr "stdp" "$work/stdp.cfg:1: warning: A_plus = 10 S is far outside the usual 1 fS .. 1 mS: did you mean \"10 nS\"?"
cp "$work/stdout" "$work/stdp.out"
run_opsin stdp "$work/stdp.cfg" --device syn --dt -6ms:6ms:3 --pairs 2 -j 1 -q
expect_status "stdp -q" 0
expect_stderr "stdp -q"
if cmp -s "$work/stdout" "$work/stdp.out"; then ok; else bad "stdp -q changed the output"; fi
run_opsin ppf "$C" -a 3.9603mA -i log:2ms:200ms:6
expect_status "ppf" 0
if grep -q 'tau1' "$work/stderr"; then ok; else bad "ppf: no fit report on stderr: $(cat "$work/stderr")"; fi
cp "$work/stdout" "$work/ppf.out"
run_opsin ppf "$C" -a 3.9603mA -i log:2ms:200ms:6 -q
expect_status "ppf -q" 0
expect_stderr "ppf -q"
if cmp -s "$work/stdout" "$work/ppf.out"; then ok; else bad "ppf -q changed the table"; fi
run_opsin fit ppf examples/fit-your-data/ppf.csv
cp "$work/stdout" "$work/fit.out"
run_opsin fit ppf examples/fit-your-data/ppf.csv -q
expect_status "fit -q" 0
expect_stderr "fit -q"
if [ -s "$work/fit.out" ] && cmp -s "$work/stdout" "$work/fit.out"; then ok; else bad "fit -q changed the report"; fi

# ---- a huge CSV is announced before the run (here the output cannot even be created) ------
run_opsin run "$C" -t 100s -d 10us -o "$work/nodir/big.csv"
expect_status "huge CSV" 1
expect_stderr "huge CSV" \
    "opsin run: warning: the CSV will be about 400 MB (10000001 rows of 2 columns; expected at most 100 MB: raise --dt-out or lower --t-end)" \
    "opsin run: cannot create $work/nodir/big.csv: No such file or directory"
run_opsin run "$C" -t 100s -d 10us -q -o "$work/nodir/big.csv"
expect_stderr "huge CSV -q" "opsin run: cannot create $work/nodir/big.csv: No such file or directory"

# ---- swapped files; a solver failure names its island --------------------------------------
run_opsin run "$S" "$C" -o "$work/swapped.csv"
expect_status "swapped files" 2
expect_stderr "swapped files" "$S:4: unknown circuit key 'sources': this looks like a stimulus file (expected the circuit file first: opsin run CIRCUIT STIMULUS)"
printf 'components = ({ id = "syn"; model = "supercap"; C1 = "1e-300 F"; },\n  { id = "n"; model = "lif"; input = "syn"; });\n' >"$work/absurd.cfg"
printf 'sources = ({ id = "I"; kind = "current"; targets = ["syn"];\n  start = "1 ms"; width = "1 ms"; amplitude = "1e300 A"; });\n' >"$work/absurd-stim.cfg"
run_opsin run "$work/absurd.cfg" "$work/absurd-stim.cfg" -t 5ms -q -o "$work/absurd.csv"
expect_status "solver failure" 1
if grep -q "^opsin run: integrator failure in the island of 'syn' (supercap) and 'n' (lif) at t = 0.001 s (CVode, flag " "$work/stderr"
then ok; else bad "solver failure: $(cat "$work/stderr")"; fi

# ---- the progress line of a long run, on a terminal only (script(1) provides one) ---------
# (CVODE: the closed form would finish before the progress line is due)
printf 'components = ({ id = "n"; model = "lif"; C_m = "1 pF"; E_L = "1 V"; t_ref = "10 us"; });\nsolver = { method = "cvode"; };\n' >"$work/fast.cfg"
if command -v script >/dev/null 2>&1 && [ -z "$VG" ]; then
    script -qec "'$OPSIN' run '$work/fast.cfg' -t 3s -o '$work/tty.csv'" "$work/typescript" >/dev/null 2>&1 || true
    if grep -q 'opsin run: t = [0-9.e+-]* s of 3 s ([0-9]* %)' "$work/typescript"; then ok
    else bad "no progress line on a terminal: $(cat "$work/typescript")"; fi
    # erased before the summary: a carriage return, blanks, a carriage return, then '# events'
    if tr '\r' '\n' <"$work/typescript" | grep -B1 '^# events' | head -1 | grep -q '^ *$'; then ok
    else bad "progress line not erased: $(tr '\r' '\n' <"$work/typescript" | tail -8)"; fi
    script -qec "'$OPSIN' run '$work/fast.cfg' -t 3s -q -o '$work/tty.csv'" "$work/typescript" >/dev/null 2>&1 || true
    if grep -q 'opsin run: t = ' "$work/typescript"; then bad "progress line despite -q"; else ok; fi
fi
run_opsin run "$work/fast.cfg" -t 3s -o "$work/notty.csv"
if grep -q 'opsin run: t = ' "$work/stderr"; then bad "progress line off a terminal"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
