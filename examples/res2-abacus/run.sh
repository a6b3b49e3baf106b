#!/bin/sh
# run.sh: the optoelectronic abacus of seed 000 (Fig. 3k): 27 + 14 = 41 with a unit's and a
# ten's PEN (circuits/res2-pen.cfg twice, from the common 1 nS "0" state), optical steps of
# 445 nm and an electrical RESET of the unit's PEN by 10 x (+40 V, 1 s) with a carry into the
# ten's PEN.  Reads both at 0.1 V, decodes digit = round((G - 1 nS)/0.18 nS) and prints the sum
# on one line; fails unless it is 41.  Write noise is OFF (deterministic, exact digits);
# NOISE=1 [SEED=N] switches it on (then about 3 seeds in 4 give 41).  The runs take a few ms,
# so QUICK=1 only skips the plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
seed=${SEED:-1}
if [ "${NOISE:-0}" = 1 ]; then
    quiet=""; mode="write noise on, seed $seed"
else
    quiet="--set pen.noise_w=0 --set pen.noise_wa=0 --set pen.noise_e=0 --set pen.noise_ea=0"
    mode="write noise off"
fi
for p in units tens; do
    # shellcheck disable=SC2086
    "$opsin" run "$top/circuits/res2-pen.cfg" "$top/stimuli/res2-abacus-$p.cfg" \
        --set pen.G0=1nS $quiet --seed "$seed" --probe pen.G,pen.I --dt-out 1s -o "$p.csv" -q
    seed=$((seed + 1000))
done
awk -F, -v mode="$mode" '
FNR == 1 { f++; next }
{ I[f] = $3; G[f] = $2 }
END {
    u = int((I[1] / 0.1 - 1e-9) / 0.18e-9 + 0.5); t = int((I[2] / 0.1 - 1e-9) / 0.18e-9 + 0.5)
    printf "27 + 14 = %d%d: unit PEN %.4f nS (%.1f pA at 0.1 V) -> %d, ten PEN %.4f nS (%.1f pA) -> %d (%s; paper 41)\n", t, u, G[1] * 1e9, I[1] * 1e12, u, G[2] * 1e9, I[2] * 1e12, t, mode
    printf "mode = \"%s\"; sum = %d\n", mode, 10 * t + u > "gp.vars"
    if (10 * t + u != 41) { print "WRONG SUM" > "/dev/stderr"; exit 1 }
}' units.csv tens.csv
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
