#!/bin/sh
# e2e-options.sh: an option opsin cannot take is named, in every command: unknown (with the
# nearest option by edit distance), ambiguous, missing its value (with the value's name from
# the help) or given a value it does not take; status 2, the message and the Try line, nothing
# on standard output.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

# A usage error: status 2, nothing on stdout, MESSAGE and the Try line on stderr.
expect_usage() {
    if [ "$status" -eq 2 ]; then ok; else bad "$1: status $status (expected 2)"; fi
    if [ ! -s "$work/stdout" ]; then ok; else bad "$1: wrote to stdout"; fi
    printf '%s\n' "$2" "Try 'opsin $3 --help' for more information." >"$work/want"
    if cmp -s "$work/want" "$work/stderr"; then ok
    else bad "$1: stderr '$(cat "$work/stderr")' (expected '$(cat "$work/want")')"; fi
}

cd "$SRCDIR"
C=circuits/fmes.cfg

for cmd in run sweep ppf stdp fit; do
    run_opsin "$cmd" --ouput x.csv "$C"
    expect_usage "$cmd --ouput" "opsin $cmd: unknown option '--ouput' (did you mean '--output'?)" "$cmd"
    run_opsin "$cmd" "$C" -o
    expect_usage "$cmd -o" "opsin $cmd: option '-o' needs a value (expected -o FILE)" "$cmd"
done
for cmd in run ppf stdp fit; do
    run_opsin "$cmd" "$C" --plto x.png
    expect_usage "$cmd --plto" "opsin $cmd: unknown option '--plto' (did you mean '--plot'?)" "$cmd"
done
for cmd in check models; do
    run_opsin "$cmd" -o
    expect_usage "$cmd -o" "opsin $cmd: unknown option '-o' (expected one of -h)" "$cmd"
done
run_opsin check --ouput x.csv
expect_usage "check --ouput" "opsin check: unknown option '--ouput' (expected one of --help)" check
run_opsin models --tvs
expect_usage "models --tvs" "opsin models: unknown option '--tvs' (did you mean '--tsv'?)" models
run_opsin run "$C" --output
expect_usage "run --output" "opsin run: option '--output' needs a value (expected --output=FILE)" run
run_opsin stdp "$C" --output
expect_usage "stdp --output" "opsin stdp: option '--output' needs a value (expected --output=NAME)" stdp
run_opsin sweep "$C" --measure
expect_usage "sweep --measure" "opsin sweep: option '--measure' needs a value (expected --measure=M,...)" sweep
run_opsin run "$C" --se 2
expect_usage "run --se" "opsin run: option '--se' is ambiguous (expected one of --seed, --set)" run
run_opsin run "$C" --quiet=yes
expect_usage "run --quiet=yes" "opsin run: option '--quiet' takes no value (expected --quiet alone)" run
run_opsin run "$C" -qx
expect_usage "run -qx" "opsin run: unknown option '-x' (expected one of -o, -t, -d, -p, -s, -j, -S, -m, -q, -h)" run
run_opsin run "$C" --frobnicate
expect_usage "run --frobnicate" "opsin run: unknown option '--frobnicate' (expected one of --output, --t-end, --dt-out, --probe, --seed, --plot, --set, --map, --map-at, --plot-overlay, --measure, --measure-output, --max-memory, --jobs, --quiet, --help)" run

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
