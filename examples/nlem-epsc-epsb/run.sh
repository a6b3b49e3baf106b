#!/bin/sh
# run.sh: EPSC and EPSB of the N-LEM under 10 and 50 pulses of 5 V, 30 ms (seed 003, Fig. 2c-f);
# prints NL, Pearson and gains on one line and fails if a row leaves its tolerance.
# QUICK=1 skips the plot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
for n in 10 50; do
    "$opsin" run "$top/circuits/nlem.cfg" "$top/stimuli/nlem-train$n.cfg" -o "train$n.csv" -q \
        --dt-out 2ms --probe lem.I,lem.L,lem.V
done
# peaks: the last row with V > 0 in each pulse (the left side of the falling edge)
peaks() {
    awk -F, 'NR > 1 { if ($4 > 0) { i = $2; l = $3; on = 1 }
                      else if (on) { print i, l; on = 0 } }' "$1"
}
peaks train10.csv > peaks10.txt
peaks train50.csv > peaks50.txt
awk -v q="${QUICK:-0}" '
# nu = Pmax/A of the exponential update law fitted to normalised peaks (golden section)
function law(nu, p, P) { return (nu * nu < 1e-24) ? p / P : (1 - exp(-nu * p / P)) / (1 - exp(-nu)) }
function sse(nu, y, n,   p, s, d) { s = 0; for (p = 0; p < n; p++) { d = law(nu, p, n - 1) - (y[p] - y[0]) / (y[n - 1] - y[0]); s += d * d }; return s }
function nl(y, n,   lo, hi, g, a, b, k) {
    lo = -10; hi = 10; g = (sqrt(5) - 1) / 2
    for (k = 0; k < 200; k++) { a = hi - g * (hi - lo); b = lo + g * (hi - lo)
        if (sse(a, y, n) < sse(b, y, n)) hi = b; else lo = a }
    return (lo + hi) / 2 }
function rel(m, p) { return (m / p - 1 < 0) ? 1 - m / p : m / p - 1 }
FNR == 1 { f++ }
f == 1 { I10[FNR - 1] = $1; L10[FNR - 1] = $2; n10 = FNR }
f == 2 { I50[FNR - 1] = $1; L50[FNR - 1] = $2; n50 = FNR }
END {
    nI = nl(I10, 10); nL = nl(L10, 10)
    for (k = 0; k < 10; k++) { mi += I10[k] / 10; ml += L10[k] / 10 }
    for (k = 0; k < 10; k++) { sil += (I10[k] - mi) * (L10[k] - ml); sii += (I10[k] - mi) ^ 2; sll += (L10[k] - ml) ^ 2 }
    r = sil / sqrt(sii * sll)
    gi10 = I10[9] / I10[0]; gl10 = L10[9] / L10[0]; gi50 = I50[49] / I50[0]; gl50 = L50[49] / L50[0]
    printf "NL EPSC %.3f (paper 0.20), EPSB %.3f (0.27); Pearson %.5f (0.999); gain 10 -> 50: EPSC %.3f -> %.3f (1.38 -> 2.40), EPSB %.3f -> %.3f (1.57 -> 3.17)\n", nI, nL, r, gi10, gi50, gl10, gl50
    printf "nI = %.2f; nL = %.2f; gi10 = %.2f; gi50 = %.2f; gl10 = %.2f; gl50 = %.2f\n", nI, nL, gi10, gi50, gl10, gl50 > "gp.vars"
    bad = rel(nI, 0.20) > 0.15 || rel(nL, 0.27) > 0.15 || r <= 0.99 || rel(gi10, 1.38) > 0.15 || rel(gi50, 2.40) > 0.15 || rel(gl10, 1.57) > 0.15 || rel(gl50, 3.17) > 0.15
    if (bad) { print "OUT OF TOLERANCE" > "/dev/stderr"; exit 1 }
}' peaks10.txt peaks50.txt
if [ "${QUICK:-0}" != 1 ] && command -v gnuplot >/dev/null 2>&1; then gnuplot "$here/plot.gp"; fi
