#!/bin/sh
# e2e-sweep.sh: `opsin sweep` on the command line: help, CSV to stdout and to -o, rows the
# same whatever --jobs, no progress bar unless standard error is a terminal, bad
# specifications refused with status 2, one line and no output file, failed runs as nan.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

expect_one_line() {
    n=$(wc -l <"$work/stderr")
    if [ "$n" -eq 1 ] && grep -q '^opsin sweep: .*(expected .*)$' "$work/stderr"; then ok
    else bad "$1: stderr is not one 'opsin sweep: ... (expected ...)' line: $(cat "$work/stderr")"; fi
}

# shellcheck disable=SC2012 # names are ours
expect_empty_dir() {
    if [ -z "$(ls -A "$2")" ]; then ok; else bad "$1: left $(ls -A "$2" | tr '\n' ' ')"; fi
}

cd "$SRCDIR"
C=circuits/fmes.cfg
S=stimuli/fmes-ppf.cfg

# --help and --list-measures print to stdout and exit 0.
run_opsin sweep --help
expect_status "--help" 0
if grep -q '^Usage: opsin sweep' "$work/stdout" && grep -q -- '--measure' "$work/stdout"; then ok
else bad "--help: no usage text"; fi
run_opsin sweep --list-measures
expect_status "--list-measures" 0
if [ "$(grep -c . "$work/stdout")" -eq 17 ] && grep -q '^  dg_mean' "$work/stdout" && grep -q '^  when ' "$work/stdout"; then ok
else bad "--list-measures: $(cat "$work/stdout")"; fi

# A 2 x 3 grid to stdout: header, six rows in grid order, nothing on stderr (not a terminal:
# no progress bar).
run_opsin sweep "$C" "$S" --set syn.R_reg=500,open --set pre.amplitude=1mA:3mA:3 \
    --measure syn.v:peak,ppf,energy -j 2
expect_status "grid to stdout" 0
if [ "$(head -n 1 "$work/stdout")" = "syn.R_reg (ohm),pre.amplitude (A),syn.v:peak (V),syn.v:ppf (1),energy (J)" ]
then ok; else bad "header: $(head -n 1 "$work/stdout")"; fi
if [ "$(cut -d, -f1,2 "$work/stdout" | tail -n +2 | tr '\n' ' ')" = \
     "500,0.001 500,0.002 500,0.003 inf,0.001 inf,0.002 inf,0.003 " ]; then ok
else bad "grid order: $(cut -d, -f1,2 "$work/stdout" | tr '\n' ' ')"; fi
if [ ! -s "$work/stderr" ]; then ok; else bad "stderr not empty off a terminal: $(cat "$work/stderr")"; fi
cp "$work/stdout" "$work/grid-j2.csv"

# The same sweep with -o and one job: byte-identical, no temporary file left.
out=$(mktemp -d "$work/out.XXXXXX")
run_opsin sweep "$C" "$S" --set syn.R_reg=500,open --set pre.amplitude=1mA:3mA:3 \
    --measure syn.v:peak,ppf,energy -j 1 -o "$out/grid.csv"
expect_status "-o" 0
if cmp -s "$out/grid.csv" "$work/grid-j2.csv"; then ok; else bad "-j 1 -o differs from -j 2"; fi
if [ ! -s "$work/stdout" ] && [ "$(ls -A "$out")" = grid.csv ]; then ok
else bad "-o: stdout or extra files: $(ls -A "$out")"; fi

# A progress bar when standard error is a terminal (script(1) provides one), if available.
if command -v script >/dev/null 2>&1 && [ -z "$VG" ]; then
    script -qec "'$OPSIN' sweep '$C' '$S' --set syn.R_reg=log:500:8000:6 --measure peak \
        -o '$work/tty.csv'" "$work/typescript" >/dev/null 2>&1 || true
    if grep -q 'opsin sweep: \[#' "$work/typescript"; then ok
    else bad "no progress bar on a terminal: $(cat "$work/typescript")"; fi
fi

# Bad specifications: status 2, one line, no output file, nothing on stdout.
bad_spec() {
    name=$1
    shift
    out=$(mktemp -d "$work/out.XXXXXX")
    run_opsin sweep "$@" -o "$out/OUT.csv"
    expect_status "$name" 2
    expect_one_line "$name"
    expect_empty_dir "$name" "$out"
    if [ ! -s "$work/stdout" ]; then ok; else bad "$name: wrote to stdout"; fi
}
bad_spec "bad range" "$C" --set syn.R_reg=1:2 --measure peak
bad_spec "bad log range" "$C" --set syn.R_reg=log:0:8k:5 --measure peak
bad_spec "bad unit" "$C" --set syn.R_reg=5V --measure peak
bad_spec "no value" "$C" --set syn.R_reg --measure peak
bad_spec "unknown parameter" "$C" --set syn.R_nope=1 --measure peak
bad_spec "unknown component" "$C" --set zz.R=1 --measure peak
bad_spec "stimulus key without stimulus" "$C" --set pre.width=1ms --measure peak
bad_spec "unknown stimulus key" "$C" "$S" --set pre.height=1 --measure peak
bad_spec "overlapping pulses" "$C" "$S" --set pre.width=1ms,20ms --measure peak
bad_spec "unknown measure" "$C" --set syn.R_reg=1kohm --measure syn.v:peek
bad_spec "unknown probe" "$C" --set syn.R_reg=1kohm --measure zz.v:peak
bad_spec "no measure" "$C" --set syn.R_reg=1kohm
bad_spec "ppf without stimulus" "$C" --measure ppf
bad_spec "at beyond t_end" "$C" --measure at:1s
bad_spec "--jobs 0" "$C" --measure peak --jobs 0
bad_spec "--seed -1" "$C" --measure peak --seed -1
bad_spec "--t-end 0" "$C" --measure peak --t-end 0
bad_spec "--dt-out x" "$C" --measure peak --dt-out x
bad_spec "too many files" "$C" "$S" "$S" --measure peak
bad_spec "missing circuit file" tests/bad/does-not-exist.cfg --measure peak

# Usage errors point at --help.
run_opsin sweep
expect_status "no circuit" 2
if grep -q "^Try 'opsin sweep --help'" "$work/stderr"; then ok; else bad "no circuit: no Try line"; fi

# A run the solver cannot finish: its row is nan, a warning, status 1, the file complete.
# (With CVODE: the matrix exponential of the supercap's exact island takes C1 = 1e-100.)
out=$(mktemp -d "$work/out.XXXXXX")
sed 's/^solver = { /solver = { method = "cvode"; /' "$C" >"$out/cvode.cfg"
run_opsin sweep "$out/cvode.cfg" "$S" --set syn.C1=1uF,1e-100 --measure peak -o "$out/f.csv"
expect_status "failed run" 1
if [ "$(tail -n 1 "$out/f.csv")" = "1e-100,nan" ] && [ "$(wc -l <"$out/f.csv")" -eq 3 ]; then ok
else bad "failed run: $(cat "$out/f.csv")"; fi
if grep -q '^opsin sweep: warning: row 2 (syn.C1=1e-100) failed' "$work/stderr"; then ok
else bad "failed run: no warning: $(cat "$work/stderr")"; fi

# The stimulus key table: --list-keys prints it, every key it lists is documented in
# opsin-stimulus(5), and numeric keys the file reader accepts are sweepable, slope and tau
# among them (a key the file leaves out takes the swept value).
run_opsin sweep --list-keys
expect_status "--list-keys" 0
keys=$(awk 'NR > 1 { print $1 }' "$work/stdout")
if [ "$(echo "$keys" | wc -l)" -ge 18 ]; then ok; else bad "--list-keys: $(cat "$work/stdout")"; fi
for k in $keys; do
    kk=$(echo "$k" | sed 's/_/\\\\?_/g')
    if grep -qE "(^\.BR? |\\fB)$kk([ ,\\]|$)" man/opsin-stimulus.5; then ok
    else bad "stimulus key $k is not documented in man/opsin-stimulus.5"; fi
done
cat >"$work/exp.cfg" <<'STIM'
sources = ({ id = "pre"; kind = "current"; targets = ["syn"]; envelope = "exp"; tau = "1 ms";
             start = "1 ms"; width = "2 ms"; amplitude = "2 mA"; });
t_end = "10 ms";
STIM
run_opsin sweep "$C" "$work/exp.cfg" --set pre.tau=0.2ms,5ms --set pre.slope=0,1A/s \
    --measure syn.v:peak
expect_status "sweep tau and slope" 0
rows=$(tail -n +2 "$work/stdout" | cut -d, -f3 | sort -u | grep -vc nan || true)
if [ "$(head -n 1 "$work/stdout")" = "pre.tau (s),pre.slope (A/s),syn.v:peak (V)" ] &&
   [ "$rows" -eq 4 ]; then ok
else bad "sweep tau and slope: $(cat "$work/stdout" "$work/stderr")"; fi
# the same point from a file holding the values gives the same peak, to the last digit
sed 's/tau = "1 ms";/tau = "5 ms"; slope = "1 A\/s";/' "$work/exp.cfg" >"$work/exp2.cfg"
run_opsin sweep "$C" "$work/exp2.cfg" --measure syn.v:peak
from_file=$(tail -n 1 "$work/stdout")
run_opsin sweep "$C" "$work/exp.cfg" --set pre.tau=5ms --set pre.slope=1A/s --measure syn.v:peak
swept=$(tail -n 1 "$work/stdout" | cut -d, -f3)
if grep -q 'slope = "1 A/s"' "$work/exp2.cfg" && [ -n "$swept" ] && [ "$swept" = "$from_file" ]
then ok; else bad "swept tau/slope peak '$swept' differs from the file's '$from_file'"; fi
bad_spec "tau on a rect source" "$C" "$S" --set pre.tau=1ms --measure peak

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
