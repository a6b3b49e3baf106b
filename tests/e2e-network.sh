#!/bin/sh
# e2e-network.sh: networks from the command line.  A population of driven lif neurons gives
# the closed form's spike count; a small balanced network writes the same bytes for any
# --jobs; rows come only from the probed member's own events (both sides) and the grid;
# spikes are named ID[K] in time order; --plot adds a raster and the rates (the script checked
# through a gnuplot stand-in); what the engine cannot simulate yet is refused.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

# 40 lif neurons, G_in spread linearly 20 .. 160 nS (C_m 1 nF, G_L 10 nS, V_in 1 V, V_th
# 0.5 V, t_ref 2 ms, from V = 0): member k fires at t1 = tau ln(V_inf/(V_inf - V_th)), then
# every t_ref + t1; the count before 1 s from the closed form, in awk.
cat >lif.cfg <<'EOF'
populations = ( { id = "n"; model = "lif"; size = 40; C_m = "1 nF"; G_L = "10 nS";
    V_in = "1 V"; V_th = "0.5 V"; V_reset = "0 V"; t_ref = "2 ms";
    G_in = { dist = "linear"; from = "20 nS"; to = "160 nS"; }; } );
probes = [ "n[0].V", "n.rate" ];
EOF
run_opsin run lif.cfg -t 1s -o lif.csv -q
want=$(awk 'BEGIN { for (k = 0; k < 40; k++) { g = 20e-9 + 140e-9 * k / 39; G = 10e-9 + g
                     tau = 1e-9 / G; vi = g / G; t1 = tau * log(vi / (vi - 0.5))
                     n += int((1 - t1) / (2e-3 + t1)) + 1 } print n }')
got=$(($(wc -l <lif.spikes.csv) - 1))
if [ "$status" -eq 0 ] && [ "$got" = "$want" ]; then ok
else bad "40 driven lif: status $status, $got spikes (closed form $want): $(cat stderr)"; fi
if [ "$(head -n 1 lif.csv)" = "t (s),n[0].V (V),n.rate (Hz)" ] &&
   [ "$(head -n 1 lif.spikes.csv)" = "t (s),neuron" ] &&
   sed -n '2,$p' lif.spikes.csv | awk -F, '$2 !~ /^n\[[0-9]+\]$/ || $1 < last { bad = 1 } { last = $1 }
                                          END { exit bad }'; then ok
else bad "lif: header '$(head -n 1 lif.csv)', spikes '$(sed -n 2p lif.spikes.csv)'"; fi
# n[0] fires every t_ref + t1 (G_in 20 nS): both sides of each spike plus the 1001 grid rows.
n0=$(grep -c ',n\[0\]$' lif.spikes.csv || true)
rows=$(($(wc -l <lif.csv) - 1))
if [ "$n0" -gt 10 ] && [ "$rows" -eq $((1001 + 2 * n0)) ]; then ok
else bad "lif rows: $rows rows for $n0 spikes of the probed n[0] (expected 1001 + 2 x spikes)"; fi
# The row after a spike of n[0] is V_reset, the one before it V_th.
t=$(grep ',n\[0\]$' lif.spikes.csv | sed -n 3p | cut -d, -f1)
if [ "$(grep "^$t," lif.csv | cut -d, -f2 | tr '\n' ' ')" = "0.5 0 " ] ||
   grep "^$t," lif.csv | head -n 1 | awk -F, '{ exit !($2 > 0.4999999999 && $2 < 0.5000000001) }'; then ok
else bad "lif: rows at the spike at $t: $(grep "^$t," lif.csv | tr '\n' ' ')"; fi

# --plot of a network: below the probes a raster and the population's rate, given to a
# gnuplot stand-in that keeps the script.  Every spike is a point (t, k) of n[k] (40 members
# and 3791 spikes are within the bounds), and each 5 ms bin (t_end / 200; dt_out is 1 ms)
# has the rate count / (5 ms x 40); the CSV and the spike list are those of the run without.
mkdir fakegp empty
printf '#!/bin/sh\ncat >"%s/plot.gp"\n' "$work" >fakegp/gnuplot
chmod +x fakegp/gnuplot
keep_path=$PATH
PATH="$work/fakegp:$PATH"
run_opsin run lif.cfg -t 1s -o lifp.csv --plot lifp.png -q
PATH=$keep_path
block() { sed -n "/^\\\$$1 << EOD\$/,/^EOD\$/p" plot.gp | sed '1d;$d'; }
if [ "$status" -eq 0 ] && cmp -s lif.csv lifp.csv && cmp -s lif.spikes.csv lifp.spikes.csv &&
   [ "$(block raster | wc -l)" -eq "$got" ] &&
   [ "$(block raster)" = "$(sed 1d lif.spikes.csv | sed 's/,n\[\([0-9]*\)\]$/,\1,1/')" ]; then ok
else bad "network --plot: status $status, $(block raster | wc -l) raster points for $got spikes: $(cat stderr)"; fi
block rate >rate.txt
if [ "$(wc -l <rate.txt)" -eq 201 ] &&
   sed 1d lif.spikes.csv | awk -F, 'NR == FNR { c[int($1 / 0.005)]++; next }
        { k = FNR - 1; if (k == 200) k = 199; want = c[k] / (0.005 * 40)
          if (($1 - (FNR == 201 ? 1 : 0.005 * k))^2 > 1e-24 || ($2 - want)^2 > 1e-18 * want^2)
              bad = 1 }
        END { exit bad }' - rate.txt &&
   grep -qx "set ylabel 'neuron'" plot.gp && grep -qx "set ylabel 'rate (Hz) in 5 ms bins'" plot.gp
then ok
else bad "network --plot rates: $(head -n 3 rate.txt | tr '\n' ' ')"; fi
# A circuit without populations keeps its plot of probes only.
PATH="$work/fakegp:$PATH"
run_opsin run "$SRCDIR/circuits/fmes.cfg" "$SRCDIR/stimuli/fmes-ppf.cfg" -o fmes.csv --plot f.png -q
PATH=$keep_path
if [ "$status" -eq 0 ] && ! grep -q '\$raster' plot.gp && grep -q '^set multiplot layout' plot.gp
then ok; else bad "fmes --plot: status $status, script $(grep multiplot plot.gp)"; fi
# Without gnuplot: a note, status 0, the CSV and the spike list complete, no picture.
st=0
PATH="$work/empty" "$OPSIN" run lif.cfg -t 1s -o lifn.csv --plot lifn.png -q 2>nognu.err || st=$?
if [ "$st" -eq 0 ] && grep -q 'gnuplot is not installed' nognu.err && cmp -s lif.csv lifn.csv &&
   cmp -s lif.spikes.csv lifn.spikes.csv && [ ! -e lifn.png ]; then ok
else bad "network --plot without gnuplot: status $st, $(cat nognu.err)"; fi
# With gnuplot (when the machine has it): a PNG.
if command -v gnuplot >/dev/null 2>&1; then
    run_opsin run lif.cfg -t 1s -o lifg.csv --plot lifg.png -q
    if [ "$status" -eq 0 ] && [ "$(od -An -tx1 -N4 lifg.png | tr -d ' ')" = 89504e47 ]; then ok
    else bad "network --plot with gnuplot: status $status, $(cat stderr)"; fi
fi

# A small balanced network (Brunel's model A at 1000 neurons): same bytes for -j 1, 2, 3.
cat >net.cfg <<'EOF'
populations = (
  { id = "exc"; model = "lif"; size = 800; C_m = "250 pF"; G_L = "12.5 nS";
    V_th = "20 mV"; V_reset = "10 mV"; t_ref = "2 ms"; },
  { id = "inh"; model = "lif"; size = 200; C_m = "250 pF"; G_L = "12.5 nS";
    V_th = "20 mV"; V_reset = "10 mV"; t_ref = "2 ms"; } );
projections = (
  { from = "exc"; to = "exc"; rule = "fixed_indegree"; k = 80; weight = "0.2 mV"; delay = "1.5 ms"; },
  { from = "exc"; to = "inh"; rule = "fixed_prob"; p = 0.1; weight = "0.2 mV"; delay = "1.5 ms"; },
  { from = "inh"; to = "exc"; rule = "fixed_indegree"; k = 20; weight = "-1 mV";
    delay = { dist = "uniform"; min = "1 ms"; max = "2 ms"; }; },
  { from = "inh"; to = "inh"; rule = "all_to_all"; weight = "-0.05 mV"; delay = "1 ms"; } );
probes = [ "exc.rate", "inh[3].V" ];
EOF
cat >net-stim.cfg <<'EOF'
spike_sources = ( { id = "ext"; kind = "poisson"; rate = "12 kHz"; weight = "0.2 mV";
                    targets = [ "exc", "inh" ]; } );
EOF
for j in 1 2 3; do
    run_opsin run net.cfg net-stim.cfg -t 0.1s -j "$j" -o "j$j.csv" -q
    [ "$status" -eq 0 ] || bad "network -j $j: status $status: $(cat stderr)"
done
n=$(($(wc -l <j1.spikes.csv) - 1))
if [ "$n" -gt 1000 ] && cmp -s j1.csv j2.csv && cmp -s j1.csv j3.csv &&
   cmp -s j1.spikes.csv j2.spikes.csv && cmp -s j1.spikes.csv j3.spikes.csv; then ok
else bad "network: $n spikes; -j 1, 2, 3 differ: $(cmp j1.spikes.csv j2.spikes.csv) $(cmp j1.csv j3.csv)"; fi
# Another seed, other spikes; the same seed again, the same.
run_opsin run net.cfg net-stim.cfg -t 0.1s -s 2 -o s2.csv -q
if ! cmp -s j1.spikes.csv s2.spikes.csv; then ok; else bad "network: seed 2 gave seed 1's spikes"; fi

# Components beside populations: one line, status 2.
cat >mixed.cfg <<'EOF'
components = ( { id = "solo"; model = "lif"; } );
populations = ( { id = "a"; model = "lif"; size = 3; } );
EOF
expect_error "opsin run: mixed.cfg:1: component solo beside populations: a circuit of populations cannot hold components yet (expected populations, projections and spike sources only)" \
    run mixed.cfg -t 10ms -o out.csv
expect_error "mixed.cfg:1: component solo beside populations: a circuit of populations cannot hold components yet (expected populations, projections and spike sources only)" \
    check mixed.cfg

# What a network does not offer yet: a member's outputs other than V, a map of array cells.
expect_error "opsin run: --probe: probe 'n[1].I_syn': a population member offers V only in this version (expected n[1].V, or n.rate)" \
    run lif.cfg -t 10ms -p "n[1].I_syn" -o out.csv
expect_error "opsin run: a map reports array cells and device synapses, and this network has neither (expected no --map; probe members or rates instead)" \
    run lif.cfg -t 10ms --map map.csv -o out.csv
[ ! -e map.csv ] && ok || bad "--map on a network left map.csv"

# A network too big for the memory limit is refused before anything is built.
cat >huge.cfg <<'EOF'
populations = ( { id = "a"; model = "lif"; size = 100000000; } );
projections = ( { from = "a"; to = "a"; rule = "fixed_indegree"; k = 1000; weight = "0.1 mV";
                  delay = "1 ms"; } );
EOF
expect_error "opsin run: the simulation would need about 388 GiB for its 100000000 neurons and their synapses, more than the memory limit of 1 GiB (expected a smaller circuit, or a larger --max-memory, which parallel runs share)" \
    run huge.cfg -t 10ms --max-memory 1G -o out.csv

# The last row is at t_end even when dt_out does not divide it (0, 3, 6, 9 ms, then 10 ms).
run_opsin run lif.cfg -t 10ms -d 3ms -o grid.csv -q
if [ "$status" -eq 0 ] && [ "$(cut -d, -f1 grid.csv | sed -n '2,$p' | sort -u -g | tr '\n' ' ')" = "0 0.003 0.006 0.009 0.01 " ]; then ok
else bad "grid rows of -t 10ms -d 3ms: $(cut -d, -f1 grid.csv | sort -u -g | tr '\n' ' ')"; fi

# A network that goes quiet is not stepped window by window: two inputs 800 s apart, each
# relayed a->b after 1 ms, in a run of 1000 s (the windows stretch to the next input; the
# relayed spikes still come 1 ms later).
cat >idle.cfg <<'EOF'
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "one_to_one"; delay = "1 ms"; weight = "1 V"; } );
probes = [ "b[1].V" ];
EOF
printf '100\n900\n' >idle-times.csv
cat >idle-stim.cfg <<'EOF'
spike_sources = ( { id = "x"; kind = "list"; file = "idle-times.csv"; weight = "1 V"; targets = [ "a" ]; } );
EOF
run_opsin run idle.cfg idle-stim.cfg -t 1000s -d 100s -o idle.csv -q
if [ "$status" -eq 0 ] &&
   [ "$(sed -n '2,$p' idle.spikes.csv | tr '\n' ' ')" = "100,a[0] 100,a[1] 100.001,b[0] 100.001,b[1] 900,a[0] 900,a[1] 900.001,b[0] 900.001,b[1] " ]; then ok
else bad "idle network: status $status, spikes $(sed -n '2,$p' idle.spikes.csv | tr '\n' ' '): $(cat stderr)"; fi

# An output may not be a data file of the inputs (the spike times of a list source).
cp idle-times.csv idle-times.keep
run_opsin run idle.cfg idle-stim.cfg -t 1s -o idle-times.csv
if [ "$status" -eq 2 ] && cmp -s idle-times.csv idle-times.keep &&
   grep -q "is the same file as the spike times .*idle-times.csv (expected an output that is not one of the input files)" stderr; then ok
else bad "an output over the spike times: status $status: $(cat stderr)"; fi

# A current source on population members: v_inf moves by r_in I for the pulse, and the
# spikes are the closed form's (members 0 and 1 of 3: 10 nA into 1 nF / 10 nS from 10 ms for
# 300 ms: V_inf 1 V, first spike at 10 ms + tau ln 2, then every t_ref + tau ln 2).
cat >cur.cfg <<'EOF'
populations = ( { id = "n"; model = "lif"; size = 3; C_m = "1 nF"; G_L = "10 nS";
                  V_th = "0.5 V"; t_ref = "2 ms"; } );
probes = [ "n[0].V", "n[2].V" ];
EOF
cat >cur-stim.cfg <<'EOF'
sources = ( { id = "i"; kind = "current"; targets = [ "n[0:2]" ]; start = "10 ms";
              width = "300 ms"; amplitude = "10 nA"; } );
t_end = "0.5 s";
EOF
run_opsin run cur.cfg cur-stim.cfg -o cur.csv -q
if [ "$status" -eq 0 ] && awk -F, 'NR > 1 { n[$2]++; if (n[$2] == 1) first[$2] = $1; t[$2, n[$2]] = $1 }
        END { t1 = 0.1 * log(2); want = 0.01 + t1
              if (n["n[0]"] != 4 || n["n[1]"] != 4 || ("n[2]" in n)) exit 1
              for (k = 1; k <= 4; k++) { w = want + (k - 1) * (0.002 + t1)
                  if ((t["n[0]", k] - w) / w > 1e-12 || (w - t["n[0]", k]) / w > 1e-12) exit 1 } }' \
        cur.spikes.csv &&
   awk -F, '$1 == 0.5 { v = $2 } $1 == 0.05 { u = $2 } END { w = 1 - exp(-0.4)
            exit !(v > 0 && v < 0.5 && u - w < 1e-12 && w - u < 1e-12) }' cur.csv; then ok
else bad "current source on members: status $status, spikes $(sed -n '2,$p' cur.spikes.csv | tr '\n' ' '): $(cat stderr)"; fi
sed 's/kind = "current";/kind = "current"; envelope = "exp"; tau = "10 ms";/' cur-stim.cfg >cur-env.cfg
run_opsin run cur.cfg cur-env.cfg -o cur-env.csv
if [ "$status" -eq 2 ] && [ ! -e cur-env.csv ] && grep -q "cur-env.cfg:1: source 'i' on population n: an envelope has no closed form" stderr; then ok
else bad "an enveloped current on members: status $status: $(cat stderr)"; fi

echo "e2e-network: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
