#!/bin/sh
# e2e-output.sh: the numbers of every CSV the commands write are the shortest of %.15g,
# %.16g and %.17g that reads back as the same double (io/number.h); --map-at takes any
# number of times.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
opsin() { $VG "$OPSIN" "$@"; }

# The first field of a CSV (after the header) that is not the shortest form of its value.
not_shortest() {
    awk -F, 'NR > 1 {
        for (i = 1; i <= NF; i++) {
            if ($i !~ /^-?[0-9]/) continue
            v = $i + 0
            s = sprintf("%.15g", v)
            if (s + 0 != v) s = sprintf("%.16g", v)
            if (s + 0 != v) s = sprintf("%.17g", v)
            if (s != $i) { print FILENAME ":" NR ": " $i " (expected " s ")"; exit }
        }
    }' "$1"
}

expect_shortest() {
    if [ -s "$1" ] && [ -z "$(not_shortest "$1")" ]; then ok
    else bad "$2: $(not_shortest "$1") $(head -3 "$1")"; fi
}

cd "$work"
# run: the waveform (11 ms prints as 0.011, 3 us as 3e-06) and the spike list.
opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" --probe syn.v,syn.i \
    --dt-out 3us -o ppf.csv -q
expect_shortest ppf.csv "run"
if grep -q '^0\.011,' ppf.csv && grep -q '^3e-06,' ppf.csv; then ok
else bad "run: no row at 0.011 or 3e-06: $(sed -n 2,3p ppf.csv)"; fi
opsin run "$SRCDIR/circuits/lif-supercap-lif.cfg" "$SRCDIR/stimuli/lif-chain.cfg" -o lif.csv -q
expect_shortest lif.spikes.csv "run spikes"

# ppf, stdp and fit tables.
opsin ppf "$SRCDIR/circuits/fmes.cfg" -a 3.9603mA -i 2ms,5ms,10ms -j 1 -o ppf-table.csv \
    2>/dev/null
expect_shortest ppf-table.csv "ppf"
opsin stdp "$SRCDIR/examples/stdp-window/synapse.cfg" --device S_0_0 --dt -6ms:6ms:5 \
    --pairs 3 -j 1 -o window.csv
expect_shortest window.csv "stdp"
opsin fit nl "$SRCDIR/examples/fit-your-data/ltp-ltd.csv" --y G_LTP --y2 G_LTD -o nl.csv \
    >/dev/null
expect_shortest nl.csv "fit"

# --map-at: 1500 times (more than the 1024 of old), each written as given, in order.
cp "$SRCDIR/circuits/res2-materials.cfg" .
cat >tiny.cfg <<'EOF'
@include "res2-materials.cfg"
arrays = ( { id = "A"; rows = 1; cols = 2; material = "res2"; G0 = "1 nS"; } );
probes = [ "A_0_0.G" ];
EOF
times=$(awk 'BEGIN { for (k = 1; k <= 1500; k++) printf "%s%g", (k > 1 ? "," : ""), k / 1000 }')
opsin run tiny.cfg -t 2s --map map.csv --map-at "$times" -o tiny.csv -q
if [ "$(wc -l <map.csv)" -eq 3001 ] &&
   [ "$(sed 1d map.csv | cut -d, -f1 | uniq | paste -sd, -)" = "$times" ]; then ok
else bad "--map-at with 1500 times: $(wc -l <map.csv) lines, $(sed -n '2p;$p' map.csv)"; fi
expect_shortest map.csv "map"

# The rows the man page quotes are found as written (opsin(1), EXAMPLES 1 and OUTPUT): a
# pulse that starts at 51 ms and lasts 1 ms ends at the row 0.052, not 0.052000000000000005,
# a train's later pulses start at their decimals, and grid sample 3 of 30 ms/1000 is 9e-05.
sed 's/period = "10 ms";/period = "50 ms";/' "$SRCDIR/stimuli/fmes-ppf.cfg" >ppf50.cfg
opsin run "$SRCDIR/circuits/fmes.cfg" ppf50.cfg -t 80ms -o ppf50.csv -q
if [ "$(grep -c '^0\.052,' ppf50.csv)" -eq 2 ] && [ "$(grep -c '^0\.051,' ppf50.csv)" -eq 2 ]
then ok; else bad "the pulse edges of the man page's ppf50 rows: $(grep -E '^0\.05[12]' ppf50.csv)"; fi
opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" -o grid.csv -q
if grep -q '^9e-05,' grid.csv && grep -q '^0\.012,' grid.csv; then ok
else bad "grid rows: $(sed -n '2,5p' grid.csv)"; fi

echo "e2e-output: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
