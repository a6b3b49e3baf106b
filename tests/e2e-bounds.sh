#!/bin/sh
# e2e-bounds.sh: nothing unbounded: the memory limit of a simulation (--max-memory), out of
# memory as one line and exit 1 (under ulimit -v, and with every allocation of opsin failing
# in turn), a stimulus of 10^8 pulses in bounded memory, and a huge array's bad t_end found
# before the array is built.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$SRCDIR"
TABLE=tests/bad-inputs.txt

expect_status() {
    if [ "$status" -eq "$2" ]; then ok; else bad "$1: status $status (expected $2): $(cat "$work/stderr")"; fi
}

expect_stderr() {
    if [ "$(cat "$work/stderr")" = "$2" ]; then ok
    else bad "$1: stderr '$(cat "$work/stderr")' (expected '$2')"; fi
}

# shellcheck disable=SC2012 # names are ours
expect_no_outputs() {
    if [ -z "$(ls -A "$work/out")" ]; then ok; else bad "$1: left $(ls -A "$work/out" | tr '\n' ' ')"; fi
}

mkdir "$work/out"
array() { # ROWS COLS FILE: an array of phototrap cells
    printf 'materials = ( { id = "m"; model = "phototrap"; } );\narrays = ( { id = "A"; rows = %d; cols = %d; material = "m"; } );\nt_end = "1 ms";\n' "$1" "$2" >"$3"
}
array 700 700 "$work/a700.cfg"
array 300 300 "$work/a300.cfg"
echo 'sources = ({ id = "L"; kind = "optical"; wavelength = "445 nm"; targets = ["A"]; start = 0; width = 1; irradiance = "1 mW/cm2"; });' >"$work/light.cfg"

# --max-memory: 700 x 700 cells need about 9 GiB, above the default (3/4 of the RAM, at most
# 8 GiB): refused before anything is built, exit 2, nothing written.
run_opsin run "$work/a700.cfg" -o "$work/out/x.csv"
expect_status "700 x 700 under the default limit" 2
expect_stderr "700 x 700 under the default limit" "opsin run: the simulation would need about 9 GiB for its 490000 components, more than the memory limit of 8 GiB (expected a smaller circuit, or a larger --max-memory, which parallel runs share)"
expect_no_outputs "700 x 700 under the default limit"
run_opsin run circuits/fmes.cfg --max-memory 12X
expect_status "--max-memory 12X" 2
expect_stderr "--max-memory 12X" "opsin run: --max-memory '12X' is not a size (expected bytes with an optional K, M, G or T, e.g. 16G; 0 for no limit)"
# sweep, ppf and stdp give each of their -j runs its share
for cmd in "sweep circuits/fmes.cfg stimuli/fmes-ppf.cfg --set syn.R_reg=1kohm,2kohm --measure peak -j 2" \
           "ppf circuits/fmes.cfg -a 4mA -i 2ms,5ms -j 2" \
           "stdp circuits/bpcds.cfg --device syn --dt -10ms,10ms -n 2 -j 2"; do
    # shellcheck disable=SC2086 # the words of the command
    run_opsin $cmd --max-memory 4K
    expect_status "$cmd --max-memory 4K" 2
    if grep -q "more than the memory limit of 2 KiB (expected" "$work/stderr"; then ok
    else bad "$cmd --max-memory 4K: $(cat "$work/stderr")"; fi
done

if [ -z "$VG" ]; then # valgrind's own memory needs no process limit; the shim is a preload
    # Out of memory under a process limit: one line, exit 1, nothing written (SUNDIALS crashed
    # with SIGSEGV when an allocation failed inside it).
    status=0
    (ulimit -v 600000 && exec "$OPSIN" run "$work/a300.cfg" "$work/light.cfg" --max-memory 0 \
        -o "$work/out/x.csv") >"$work/stdout" 2>"$work/stderr" || status=$?
    expect_status "300 x 300 under ulimit -v 600000" 1
    expect_stderr "300 x 300 under ulimit -v 600000" "opsin run: out of memory while setting up the simulation (expected a smaller circuit or stimulus, or more memory)"
    expect_no_outputs "300 x 300 under ulimit -v 600000"

    # 100 sources of 10^6 pulses, t_end 1 ms: 3.1 GB and 82 s before; now the pulses are made
    # when they come, and a warning says that most never do.
    {
        echo 't_end = "1 ms";'
        echo 'sources = ('
        i=0
        while [ $i -lt 100 ]; do
            [ $i -gt 0 ] && echo ','
            printf '{ id = "s%d"; kind = "current"; targets = ["n"]; start = "%d00 ns"; width = "50 ns"; period = "1 ms"; count = 1000000; amplitude = "1 pA"; }\n' $i $i
            i=$((i + 1))
        done
        echo ');'
    } >"$work/many.cfg"
    echo 'components = ( { id = "n"; model = "lif"; } );' >"$work/n.cfg"
    status=0
    (ulimit -v 300000 && exec "$OPSIN" run "$work/n.cfg" "$work/many.cfg" -o "$work/many.csv") \
        >"$work/stdout" 2>"$work/stderr" || status=$?
    expect_status "10^8 pulses under ulimit -v 300000" 0
    if [ "$(grep "warning:" "$work/stderr")" = "opsin run: warning: 99999899 of the stimulus' 100000000 pulses start after t_end = 0.001 s and are never applied (expected a t_end that covers the stimulus)" ]; then ok
    else bad "10^8 pulses: no warning: $(cat "$work/stderr")"; fi
    if grep -q '^# events 201,' "$work/stderr"; then ok; else bad "10^8 pulses: $(cat "$work/stderr")"; fi

    # A 4096 x 4096 array with a bad t_end: the message at once, within 300 MB.
    f=tests/bad/array-huge-bad-t-end.cfg
    status=0
    (ulimit -v 300000 && exec "$OPSIN" check "$f") >"$work/stdout" 2>"$work/stderr" || status=$?
    expect_status "$f under ulimit -v 300000" 2
    expect_stderr "$f under ulimit -v 300000" "$(awk -v f="$f" 'index($0, f "|") == 1 { sub(/^[^|]*\|[^|]*\|/, ""); print; exit }' "$TABLE")"

    # Every allocation opsin makes, failing in turn: exit 0 (it did not matter), or exit 1
    # with one line saying so; never a crash, never an output file left.
    cc -shared -fPIC -o "$work/failmalloc.so" tests/failmalloc.c
    cat >"$work/c.cfg" <<'EOF'
components = ( { id = "n"; model = "lif"; G_in = "30 nS"; t_ref = "1 ms"; },
               { id = "s"; model = "supercap"; } );
connections = ( { from = "n"; to = "s"; amplitude = "1 mA"; width = "1 ms"; } );
probes = ["n.V", "s.v"];
t_end = "20 ms";
EOF
    echo 'sources = ( { id = "i"; kind = "current"; targets = ["s"]; start = "1 ms"; width = "1 ms"; period = "1 ms"; count = 4; amplitude = "1 mA"; } );' >"$work/s.cfg"
    for cmd in run check; do
        set -- "$work/c.cfg" "$work/s.cfg"
        [ $cmd = run ] && set -- "$@" -d 1ms -q -o "$work/out/x.csv"
        FAILMALLOC_COUNT="$work/count" LD_PRELOAD="$work/failmalloc.so" "$OPSIN" $cmd "$@" \
            >/dev/null 2>&1 && rm -f "$work"/out/*
        n=$(cat "$work/count")
        if [ "$n" -gt 20 ]; then ok; else bad "failmalloc $cmd: only $n allocations counted"; fi
        k=1
        while [ $k -le "$n" ]; do
            status=0
            FAILMALLOC_AT=$k LD_PRELOAD="$work/failmalloc.so" "$OPSIN" $cmd "$@" \
                >"$work/stdout" 2>"$work/stderr" || status=$?
            if [ $status -eq 0 ]; then
                rm -f "$work"/out/*
            elif [ $status -eq 1 ] && [ "$(wc -l <"$work/stderr")" -eq 1 ] &&
                grep -Eq 'out of memory|Cannot allocate memory' "$work/stderr"; then
                expect_no_outputs "failmalloc $cmd, allocation $k"
            else
                bad "failmalloc $cmd, allocation $k: status $status: $(cat "$work/stderr")"
            fi
            k=$((k + 1))
        done
    done
fi

echo "e2e-bounds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
