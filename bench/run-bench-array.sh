#!/bin/sh
# run-bench-array.sh: a 64 x 64 array of ReS2 PENs (circuits/res2-materials.cfg) where a
# fraction of the cells receives 20 blue write pulses (1 s, 65 mW/cm2, 60 s run); prints the
# fraction lit, wall time, integrator steps and rhs evaluations from the run summary.  Cells
# that no event reaches are never integrated, so the cost must grow with the lit cells.
#   usage: bench/run-bench-array.sh [path/to/opsin]     (run from the source tree)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opsin=${1:-$top/src/opsin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
{ cat "$top/circuits/res2-materials.cfg"
  echo 'arrays = ( { id = "A"; rows = 64; cols = 64; material = "res2"; } );'
  echo 'probes = [ "A_0_0.G" ];'; } >"$tmp/array.cfg"
printf '%-8s %8s %10s %10s %12s\n' lit_pct cells wall_s steps rhs_evals
for pct in 0 10 20 40; do
    # every (100/pct)-th cell, in index order, is lit
    awk -v pct="$pct" 'BEGIN {
        printf "sources = ( { id = \"blue\"; kind = \"optical\"; wavelength = \"445 nm\";\n"
        printf "  irradiance = \"65 mW/cm2\"; start = \"1 s\"; width = \"1 s\"; period = \"2 s\";\n"
        printf "  count = 20; targets = ["
        n = 0
        for (i = 0; i < 4096; i++)
            if (pct > 0 && int(i * pct / 100) != int((i - 1) * pct / 100)) {
                printf "%s\"A_%d_%d\"", n ? ", " : "", int(i / 64), i % 64; n++
            }
        if (n == 0) printf "\"A_0_0\""
        printf "]; } );\nt_end = \"60 s\";\n" }' >"$tmp/stim.cfg"
    [ "$pct" -eq 0 ] && sed -i 's/irradiance = "65 mW\/cm2"/irradiance = 0/' "$tmp/stim.cfg"
    cells=$(grep -o 'A_[0-9]*_[0-9]*' "$tmp/stim.cfg" | wc -l)
    [ "$pct" -eq 0 ] && cells=0
    "$opsin" run "$tmp/array.cfg" "$tmp/stim.cfg" --dt-out 60 2>"$tmp/summary" >/dev/null
    awk -v p="$pct" -v c="$cells" '
        /integrator steps/ { gsub(",", ""); steps = $6; rhs = $9 }
        /wall time/ { wall = $4 }
        END { printf "%-8s %8s %10.4f %10s %12s\n", p, c, wall, steps, rhs }' "$tmp/summary"
done
