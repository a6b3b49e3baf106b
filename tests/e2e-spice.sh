#!/bin/sh
# e2e-spice.sh: opsin against an independent SPICE (ngspice) run of the same circuit: the
# two-branch supercapacitor synapse of circuits/fmes.cfg under the paired pulses of
# stimuli/fmes-ppf.cfg, with R_reg at 7 kohm and at 500 ohm, must agree to 1e-4 of the peak
# at every output sample (the product's standard).  ngspice integrates with Gear (BDF) at
# reltol 1e-7 and a 2 us maximum step; its output is interpolated linearly between its points.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
if ! command -v ngspice >/dev/null 2>&1; then
    echo "ngspice is not installed (apt-get install -y ngspice): skipped"
    exit 77
fi

for R in 7k 500; do
    cat >"$work/fmes.cir" <<NET
* circuits/fmes.cfg: C1 = 39.106 uF, C2 = 7.9109 mF, R_d = 173.73 ohm, R_sd = 245.06 kohm
I1 0 n PWL(0 0 1m 0 1m 3.9603m 2m 3.9603m 2m 0 11m 0 11m 3.9603m 12m 3.9603m 12m 0)
Rreg n 0 $R
Rsd n 0 245.06k
C1 n 0 39.106u IC=0
Rd n w 173.73
C2 w 0 7.9109m IC=0
.options reltol=1e-7 abstol=1e-15 vntol=1e-12 method=gear maxord=5
.tran 10u 30m 0 2u uic
.control
run
wrdata $work/spice.dat v(n)
.endc
.end
NET
    rm -f "$work/spice.dat"
    # batch mode without .print lines exits non-zero although the data is written: judge by it
    (cd "$work" && ngspice -b fmes.cir >ngspice.log 2>&1) || true
    if [ ! -s "$work/spice.dat" ]; then
        bad "ngspice wrote no data: $(tail -3 "$work/ngspice.log")"
        continue
    fi
    run_opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" --dt-out 0.1ms \
        --set "syn.R_reg=${R}ohm" -q
    # max |v_opsin(t) - v_spice(t)| / peak over the samples after the first 0.1 ms
    worst=$(awk -F'[ ,]+' '
        FNR == NR { if (NF >= 2) { n++; ts[n] = $(NF > 2 ? 2 : 1); vs[n] = $(NF > 2 ? 3 : 2) }; next }
        FNR > 1 && $1 >= 1e-4 {
            while (j < n && ts[j + 1] < $1) j++
            if (j < 1 || j >= n) next
            v = vs[j] + (vs[j + 1] - vs[j]) * ($1 - ts[j]) / (ts[j + 1] - ts[j])
            d = v - $2; if (d < 0) d = -d
            if (d > worst) worst = d
            if ($2 > peak) peak = $2 }
        END { printf "%.3g", worst / peak }' "$work/spice.dat" "$work/stdout")
    if awk -v w="$worst" 'BEGIN { exit !(w < 1e-4) }'; then ok
    else bad "R_reg $R: opsin and ngspice differ by $worst of the peak (expected < 1e-4)"; fi
    echo "R_reg $R ohm: max |opsin - ngspice| = $worst of the peak"
done

echo "spice: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
