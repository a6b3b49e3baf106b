#!/bin/sh
# run.sh: the sparse balanced network of Brunel (2000), model A, in its four regimes: 10,000
# current-based lif neurons (8000 excitatory, 2000 inhibitory), each receiving C_E = 800
# excitatory and C_I = 200 inhibitory synapses (fixed in-degree, eps = 0.1), delta synapses
# (V jumps by J = 0.1 mV, or -g J), delay D = 1.5 ms, and C_E independent Poisson inputs at
# nu_ext each (one Poisson train of C_E nu_ext per neuron, weight J).  For each regime
# (g, nu_ext/nu_thr) it prints the mean rate of the excitatory neurons, the mean CV of their
# interspike intervals, and the synchrony (the variance of the population count in 1 ms bins
# over its mean).  Writes the circuit it ran (brunel-G-NU.cfg), its spikes and, with gnuplot,
# a raster and a population-rate plot (brunel-G-NU.png).  QUICK=1: the AI regime only, 0.3 s.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
opsin=${OPSIN:-$top/src/opsin}
t_end=1s
regimes="5:2 3:2 6:4 4.5:0.9"
if [ "${QUICK:-0}" = 1 ]; then t_end=0.3s; regimes="5:2"; fi

for r in $regimes; do
    g=${r%%:*} nu=${r##*:}
    name=brunel-$g-$nu
    # J = 0.1 mV, tau = 20 ms, theta = 20 mV, C_E = 800: nu_thr = theta/(J C_E tau) = 12.5 Hz,
    # and each neuron's external train runs at C_E nu_ext = 800 * nu * 12.5 Hz.
    rate=$(awk -v nu="$nu" 'BEGIN { printf "%.10g", 800 * nu * 12.5 }')
    winh=$(awk -v g="$g" 'BEGIN { printf "%.10g", -g * 0.1 }')
    sed -e "s/@WINH@/$winh mV/" "$here/brunel.cfg" >"$name.cfg"
    sed -e "s/@RATE@/$rate Hz/" "$here/brunel-stim.cfg" >"$name-stim.cfg"
    "$opsin" run "$name.cfg" "$name-stim.cfg" -t "$t_end" -d 1ms -o "$name.csv" -q
    # spikes: t (s),neuron with neuron exc[K] or inh[K]
    awk -F, -v g="$g" -v nu="$nu" -v T="${t_end%s}" '
        NR > 1 && $2 ~ /^exc/ {
            n++; k = $2; b = int($1 * 1000); bin[b]++
            if (k in last) { isi = $1 - last[k]; s1[k] += isi; s2[k] += isi * isi; m[k]++ }
            last[k] = $1 }
        END {
            for (k in m) if (m[k] >= 2) {
                mu = s1[k] / m[k]; v = s2[k] / m[k] - mu * mu
                if (mu > 0) { cv += sqrt(v > 0 ? v : 0) / mu; nc++ } }
            nb = int(T * 1000); for (b = 0; b < nb; b++) { c = bin[b] + 0; a1 += c; a2 += c * c }
            mean = a1 / nb; var = a2 / nb - mean * mean
            printf("g = %s, nu_ext/nu_thr = %s: rate %.1f Hz, CV %.2f, synchrony %.1f\n",
                   g, nu, n / (8000 * T), nc ? cv / nc : 0, mean > 0 ? var / mean : 0) }' \
        "$name.spikes.csv"
    if command -v gnuplot >/dev/null 2>&1 && [ "${QUICK:-0}" != 1 ]; then
        awk -F, 'NR > 1 && $2 ~ /^exc\[/ { k = substr($2, 5) + 0; if (k < 200) print $1, k }' \
            "$name.spikes.csv" >"$name.raster"
        gnuplot -e "name='$name'" "$here/plot.gp"
    fi
done
