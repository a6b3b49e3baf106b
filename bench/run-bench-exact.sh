#!/bin/sh
# run-bench-exact.sh: the cost of an event on a lone island advanced in closed form
# (solver.method "exact", engine/exact.c) and by CVODE ("cvode"), for two shapes:
#   lif  C_m 100 pF, G_L 10 nS, V_th 0.5 V, t_ref 2 ms (tau 10 ms), driven by 10 nA (V_inf =
#        1 V) for 1000 s of simulated time: 111963 spikes, 223928 events (spikes and
#        refractory ends);
#   cap  the supercap of circuits/fmes.cfg (seed 004) under a train of 1 ms, 1 mA pulses
#        every 2 ms for 1000 s: 1000000 events (pulse edges), the matrix exponential of each
#        segment length computed once and then taken from the island's cache;
#   trap a phototrap in its linear regime (filling = 0; release modes 50 ms, 2 s, open)
#        under 10000 light pulses of 1 ms, 10 mW/cm2 at 445 nm every 100 ms: 20000 events.
# Prints, per shape and method, the events, integrator steps and wall time, and the wall
# time per event twice:
#   run     `opsin run` with its CSV (V on the grid and both sides of every event), spike list
#           and summary written (formatting the numbers costs most of the exact path's time);
#   engine  the same simulation through the library with a sink that writes nothing (rows
#           are still evaluated), compiled here against the build's libopsin.a.
#   usage: bench/run-bench-exact.sh [path/to/opsin]     (run from the source tree; the
#          engine lines need a C compiler and the build directory of that opsin)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
build=$(cd "$(dirname "$opsin")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for m in exact cvode; do
    sed "s/^solver = { /solver = { method = \"$m\"; /" "$top/circuits/fmes.cfg" >"$tmp/cap-$m.cfg"
    cat >"$tmp/trap-$m.cfg" <<EOF
components = ( { id = "pt"; model = "phototrap"; filling = 0; tau_r = "2 ms"; tau_c = "5 ms";
                 tau1 = "50 ms"; tau2 = "2 s"; tau3 = "open"; w1 = 0.3; w2 = 0.5; w3 = 0.2;
                 sigma = "1e-19 m2"; area = "100 um2"; } );
probes = [ "pt.G" ];
solver = { method = "$m"; };
EOF
    cat >"$tmp/lif-$m.cfg" <<EOF
components = ( { id = "n"; model = "lif"; C_m = "100 pF"; G_L = "10 nS"; E_L = 0;
                 V_th = "0.5 V"; V_reset = 0; t_ref = "2 ms"; } );
probes = [ "n.V" ];
solver = { method = "$m"; };
EOF
done
cat >"$tmp/lif-drive.cfg" <<'EOF'
sources = ( { id = "I"; kind = "current"; targets = ["n"]; start = 0; width = "1000 s";
              amplitude = "10 nA"; } );
EOF
cat >"$tmp/trap-drive.cfg" <<'EOF'
sources = ( { id = "led"; kind = "optical"; wavelength = "445 nm"; targets = ["pt"];
              start = 0; width = "1 ms"; period = "100 ms"; count = 10000;
              irradiance = "10 mW/cm2"; } );
EOF
cat >"$tmp/cap-drive.cfg" <<'EOF'
sources = ( { id = "I"; kind = "current"; targets = ["syn"]; start = 0; width = "1 ms";
              period = "2 ms"; count = 500000; amplitude = "1 mA"; } );
EOF

# The library with a sink that keeps nothing: the engine's own cost.
cat >"$tmp/engine.c" <<'EOF'
#include <stdio.h>
#include "opsin.h"
int main(int argc, char **argv)
{
    opsin_circuit *c;
    opsin_stimulus *s;
    opsin_sim *sim;
    opsin_diag d;
    opsin_stats st;
    if (argc != 3 || opsin_circuit_load(argv[1], &c, &d) ||
        opsin_stimulus_load(argv[2], c, &s, &d)) {
        fprintf(stderr, "engine: %s\n", argc == 3 ? d.msg : "usage: engine CIRCUIT STIMULUS");
        return 2;
    }
    opsin_run_opts o = opsin_run_opts_default(c, s);
    o.t_end = 1000.0;
    opsin_sink sink = {NULL, NULL, NULL, NULL, NULL};
    if (opsin_sim_new(c, s, &o, &sim, &d) || opsin_sim_run(sim, &sink, &d)) {
        fprintf(stderr, "engine: %s\n", d.msg);
        return 1;
    }
    opsin_sim_stats(sim, &st);
    printf("%lu %lu %lu %.6f\n", st.events, st.spikes, st.steps, st.wall_s);
    opsin_sim_free(sim);
    opsin_stimulus_free(s);
    opsin_circuit_free(c);
    return 0;
}
EOF
engine=
libs=$(sed -n 's/^\(LIBS\|GSL_LIBS\|LIBCONFIG_LIBS\) = //p' "$build/Makefile" 2>/dev/null | tr '\n' ' ')
if [ -f "$build/src/.libs/libopsin.a" ] &&
   ${CC:-cc} -O2 -I"$top/src" -o "$tmp/engine" "$tmp/engine.c" "$build/src/.libs/libopsin.a" \
       $libs -lpthread -lm 2>"$tmp/cc.err"; then
    engine=$tmp/engine
else
    echo "(engine lines skipped: could not build against $build/src/.libs/libopsin.a)" >&2
fi

printf '%-5s %-6s %-7s %8s %8s %9s %10s %10s\n' shape method how events spikes steps wall_s ns/event
for shape in lif cap trap; do
    for m in exact cvode; do
        "$opsin" run "$tmp/$shape-$m.cfg" "$tmp/$shape-drive.cfg" -t 1000s -o "$tmp/out.csv" 2>/dev/null
        awk -v m="$m" -v sh="$shape" '
            /^# events/ { gsub(",", ""); ev = $3; sp = $5 }
            /integrator steps/ { gsub(",", ""); steps = $6 }
            /wall time/ { wall = $4 }
            END { printf "%-5s %-6s %-7s %8s %8s %9s %10.4f %10.0f\n", sh, m, "run", ev, sp, steps, wall, 1e9 * wall / ev }' \
            "$tmp/out.summary.txt"
        if [ -n "$engine" ]; then
            "$engine" "$tmp/$shape-$m.cfg" "$tmp/$shape-drive.cfg" | awk -v m="$m" -v sh="$shape" '
                { printf "%-5s %-6s %-7s %8s %8s %9s %10.4f %10.0f\n", sh, m, "engine", $1, $2, $3, $4, 1e9 * $4 / $1 }'
        fi
    done
done
