#!/bin/sh
# e2e-errors.sh: the opsin command on bad input: status 2, one line on stderr, no files left.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
TABLE=$SRCDIR/tests/bad-inputs.txt

# The golden message of FILE in tests/bad-inputs.txt (empty when the table lacks it).
golden() {
    awk -v f="$1" 'index($0, f "|") == 1 { sub(/^[^|]*\|[^|]*\|/, ""); print; exit }' "$TABLE"
}

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2)"; fi
}

expect_one_line() {
    n=$(wc -l <"$work/stderr")
    if [ "$n" -eq 1 ]; then ok; else bad "$1: $n lines on stderr (expected 1): $(cat "$work/stderr")"; fi
}

expect_stderr() {
    if [ -n "$2" ] && [ "$(cat "$work/stderr")" = "$2" ]; then ok
    else bad "$1: stderr '$(cat "$work/stderr")' (expected '$2')"; fi
}

expect_no_stdout() {
    if [ ! -s "$work/stdout" ]; then ok; else bad "$1: wrote to stdout"; fi
}

# shellcheck disable=SC2012 # names are ours: OUT.csv, X and their siblings
expect_empty_dir() {
    if [ -z "$(ls -A "$2")" ]; then ok; else bad "$1: left $(ls -A "$2" | tr '\n' ' ')"; fi
}

# Messages carry the paths as given: run from the source tree with the table's paths.
cd "$SRCDIR"

# Five representative bad inputs: check and run both refuse them with the library's message,
# and run creates none of OUT.csv, OUT.spikes.csv, OUT.summary.txt or their temporary files.
for case in circuit:tests/bad/unknown-model.cfg circuit:tests/bad/unknown-unit.cfg \
            circuit:tests/bad/does-not-exist.cfg stimulus:tests/bad/stim-unknown-target.cfg \
            stimulus:tests/bad/stim-overlapping-trains.cfg; do
    file=${case#*:}
    if [ "${case%%:*}" = stimulus ]; then set -- circuits/fmes.cfg "$file"; else set -- "$file"; fi
    want=$(golden "$file")

    run_opsin check "$@"
    expect_status "check $file" 2
    expect_one_line "check $file"
    expect_stderr "check $file" "$want"

    out=$(mktemp -d "$work/out.XXXXXX")
    run_opsin run "$@" -o "$out/OUT.csv"
    expect_status "run $file" 2
    expect_one_line "run $file"
    expect_stderr "run $file" "$want"
    expect_no_stdout "run $file"
    expect_empty_dir "run $file" "$out"
done

# An unknown command is a usage error that points at --help.
run_opsin frobnicate
expect_status "unknown command" 2
if grep -q "^Try 'opsin --help'" "$work/stderr"; then ok; else bad "unknown command: no Try line"; fi
expect_no_stdout "unknown command"

# run without a circuit file is a usage error too.
run_opsin run
expect_status "run without file" 2
if grep -q "^Try 'opsin run --help'" "$work/stderr"; then ok; else bad "run without file: no Try line"; fi

# A zero or negative end time is refused before anything is written (-o X is relative: run
# inside the fresh directory).
for t in 0 -1ms; do
    out=$(mktemp -d "$work/out.XXXXXX")
    cd "$out"
    run_opsin run "$SRCDIR/circuits/fmes.cfg" --t-end "$t" -o X
    cd "$SRCDIR"
    expect_status "--t-end $t" 2
    expect_one_line "--t-end $t"
    expect_no_stdout "--t-end $t"
    expect_empty_dir "--t-end $t" "$out"
done

# Option values go through one pair of helpers: a signed or trailing-junk seed and a 65th --set
# are usage errors, with the same wording in every command.
sets=$(i=0; while [ $i -lt 65 ]; do printf -- '--set x.y=1 '; i=$((i + 1)); done)
for cmd in run sweep ppf stdp; do
    run_opsin "$cmd" circuits/fmes.cfg --seed=-1
    expect_status "$cmd --seed=-1" 2
    if [ "$(cat "$work/stderr")" = "opsin $cmd: --seed '-1' is not a whole number (expected a non-negative integer, e.g. 1)" ]; then ok
    else bad "$cmd --seed=-1: $(cat "$work/stderr")"; fi
    # shellcheck disable=SC2086 # one word per option
    run_opsin "$cmd" circuits/fmes.cfg $sets
    expect_status "$cmd 65 --set" 2
    if [ "$(cat "$work/stderr")" = "opsin $cmd: too many --set options (expected at most 64)" ]; then ok
    else bad "$cmd 65 --set: $(cat "$work/stderr")"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
