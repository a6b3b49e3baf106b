#!/bin/sh
# e2e-cond.sh: conductance-based synapses from the command line.  A small balanced network
# whose excitation pulls toward 0 V and inhibition toward -80 mV writes the same bytes for
# any --jobs, fires, and keeps every probed V between the reversal potentials; opsin check
# names the synapses and each projection's E_rev; a spike source without E_rev into them is
# refused with its line.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

cat >cond.cfg <<'CFG'
populations = (
  { id = "exc"; model = "lif"; size = 400; synapse = "cond"; tau_syn = "5 ms";
    C_m = "200 pF"; G_L = "10 nS"; E_L = "-60 mV"; V_th = "-50 mV"; V_reset = "-60 mV";
    t_ref = "5 ms"; },
  { id = "inh"; model = "lif"; size = 100; synapse = "cond"; tau_syn = "10 ms";
    C_m = "200 pF"; G_L = "10 nS"; E_L = "-60 mV"; V_th = "-50 mV"; V_reset = "-60 mV";
    t_ref = "5 ms"; } );
projections = (
  { from = "exc"; to = "exc"; rule = "fixed_prob"; p = 0.05; weight = "1 nS"; E_rev = "0 mV";
    delay = "1 ms"; },
  { from = "exc"; to = "inh"; rule = "fixed_prob"; p = 0.05; weight = "1 nS"; E_rev = "0 mV";
    delay = "1 ms"; },
  { from = "inh"; to = "exc"; rule = "fixed_indegree"; k = 10; E_rev = "-80 mV";
    weight = { dist = "normal"; mean = "5 nS"; sd = "2 nS"; }; delay = "1.2 ms"; },
  { from = "inh"; to = "inh"; rule = "fixed_indegree"; k = 10; weight = "5 nS";
    E_rev = "-80 mV"; delay = "1.2 ms"; } );
probes = [ "exc[7].V", "inh[2].V", "exc.rate" ];
CFG
cat >cond-stim.cfg <<'CFG'
spike_sources = ( { id = "ext"; kind = "poisson"; rate = "4 kHz"; weight = "0.5 nS";
                    E_rev = "0 mV"; targets = [ "exc", "inh" ]; } );
CFG
for j in 1 2 3; do
    run_opsin run cond.cfg cond-stim.cfg -t 0.2s -j "$j" -o "j$j.csv" -q
    [ "$status" -eq 0 ] || bad "cond network -j $j: status $status: $(cat "$work/stderr")"
done
n=$(($(wc -l <j1.spikes.csv) - 1))
if [ "$n" -gt 200 ] && cmp -s j1.csv j2.csv && cmp -s j1.csv j3.csv &&
   cmp -s j1.spikes.csv j2.spikes.csv && cmp -s j1.spikes.csv j3.spikes.csv; then ok
else bad "cond network: $n spikes; -j 1, 2, 3 differ: $(cmp j1.spikes.csv j2.spikes.csv) $(cmp j1.csv j3.csv)"; fi
if [ "$(head -n 1 j1.csv)" = "t (s),exc[7].V (V),inh[2].V (V),exc.rate (Hz)" ] &&
   sed -n '2,$p' j1.csv | awk -F, '$2 < -0.08 || $2 > 0 || $3 < -0.08 || $3 > 0 || $4 < 0 { bad = 1 }
                                    $4 > 0 { fired = 1 } END { exit bad || !fired }'; then ok
else bad "cond network rows: header '$(head -n 1 j1.csv)', V outside [-80 mV, 0 V] or no rate"; fi

run_opsin check cond.cfg
if [ "$status" -eq 0 ] &&
   grep -q "population inh: 100 x lif (neurons 400 .. 499), cond synapses (tau_syn 0.01 s)" "$work/stdout" &&
   grep -q "projection inh -> exc: fixed_indegree k 10, weight normal mean 5e-09 sd 2e-09 S, delay 0.0012 s, E_rev -0.08 V" "$work/stdout"; then ok
else bad "opsin check cond.cfg: status $status: $(cat "$work/stdout")"; fi

cat >no-erev.cfg <<'CFG'
spike_sources = ( { id = "ext"; kind = "poisson"; rate = "4 kHz"; weight = "0.5 nS";
                    targets = [ "exc" ]; } );
CFG
expect_error "no-erev.cfg:1: spike source 'ext' needs 'E_rev': 'exc' has cond synapses, whose conductance pulls V toward the input's reversal potential (expected E_rev = \"0 mV\"; for an excitatory input, or e.g. \"-80 mV\" for an inhibitory one)" \
    run cond.cfg no-erev.cfg -t 10ms -o out.csv

echo "e2e-cond: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
