#!/bin/sh
# e2e-supercap.sh: supercap device synapses in networks (engine/netfilt.c).  A one-pre
# one-post network driven by the spike times of circuits/lif-supercap-lif.cfg's pre neuron
# reproduces that circuit's post spikes and V (CVODE at rtol 1e-12 there, the closed form
# here); the same bytes for --jobs 1, 2 and 3; opsin check describes the projection; what has
# no meaning for a supercap synapse is refused with FILE:LINE and status 2.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

sed 's/rtol = 1e-7/rtol = 1e-12/' "$SRCDIR/circuits/lif-supercap-lif.cfg" >circ.cfg
run_opsin run circ.cfg "$SRCDIR/stimuli/lif-chain.cfg" -o circ.csv -q
[ "$status" -eq 0 ] || bad "the circuit: status $status: $(cat stderr)"
grep ',pre$' circ.spikes.csv | cut -d, -f1 >pre-times.csv
grep ',post$' circ.spikes.csv | cut -d, -f1 >circ-post.txt

# The circuit's post neuron as a population: its own G_in = 100 nS to V_in = 0, and the
# supercap's voltage through weight 100 nS (I_syn = G_in (V_in + v_syn - V)).
cat >net.cfg <<'EOF2'
populations = (
  { id = "pre"; model = "lif"; size = 1; },
  { id = "post"; model = "lif"; size = 1; C_m = "100 pF"; G_L = "10 nS"; E_L = "0 V";
    G_in = "100 nS"; V_in = "0 V"; V_th = "15 mV"; V_reset = "0 V"; t_ref = "2 ms"; } );
projections = ( { from = "pre"; to = "post"; rule = "all_to_all"; delay = "0.5 ms";
    weight = "100 nS";
    device = { model = "supercap"; C1 = "39.106 uF"; C2 = "7.9109 mF"; R_d = "173.73 ohm";
               R_sd = "245.06 kohm"; R_reg = "8 kohm";
               spike = { shape = "rect"; amplitude = "1 mA"; width = "1 ms"; }; }; } );
probes = [ "post[0].V" ];
t_end = "200 ms";
EOF2
cat >net.stim <<'EOF2'
spike_sources = ( { id = "x"; kind = "list"; file = "pre-times.csv"; weight = "1 V"; targets = [ "pre" ]; } );
EOF2
run_opsin run net.cfg net.stim -o net.csv -q
grep ',post\[0\]$' net.spikes.csv | cut -d, -f1 >net-post.txt
# measured: 32 spikes, 1.1e-11 s apart at rtol 1e-12 (6.5e-8 at 1e-8, 9.7e-10 at 1e-10)
if [ "$status" -eq 0 ] && [ "$(wc -l <net-post.txt)" -eq 32 ] &&
   [ "$(wc -l <circ-post.txt)" -eq 32 ] &&
   paste -d, circ-post.txt net-post.txt | awk -F, '{ d = $1 - $2; if (d < 0) d = -d
        if (d > m) m = d } END { exit !(m < 1e-10) }'; then ok
else bad "post spikes against the circuit: status $status, $(wc -l <net-post.txt) spikes: $(cat stderr)"; fi
# The post neuron unprobed (members without a probe take a faster path): the same spikes.
sed 's/probes = \[ "post\[0\].V" \];/probes = [ "pre[0].V" ];/' net.cfg >unprobed.cfg
run_opsin run unprobed.cfg net.stim -o unprobed.csv -q
if [ "$status" -eq 0 ] && grep ',post\[0\]$' unprobed.spikes.csv | cut -d, -f1 | cmp -s - net-post.txt
then ok
else bad "the unprobed post neuron's spikes differ from the probed one's: status $status: $(cat stderr)"; fi
# V on the output grid (the CSV rows at the grid's times): measured 1.4e-10 V apart
if awk -F, 'NR == FNR { if (FNR > 1) v[$1] = $4; next }
        FNR > 1 && ($1 in v) { d = $2 - v[$1]; if (d < 0) d = -d; if (d > m) m = d; n++ }
        END { exit !(n > 900 && m < 1e-9) }' circ.csv net.csv; then ok
else bad "post V against the circuit's"; fi

# opsin check says what the projection does.
run_opsin check net.cfg
if [ "$status" -eq 0 ] && grep -q "projection pre -> post: all_to_all, supercap synapses pre_post (each pre spike a rect pulse 0.001 A 0.001 s into the device; its voltage drives the post neuron through weight 1e-07 S), delay 0.0005 s (line 5)" stdout; then ok
else bad "opsin check: status $status: $(cat stdout stderr)"; fi

# 300 Poisson inputs into 900 members through 10 % of the pairs, weights drawn, exp synapses
# and their own delta-free Poisson drive beside: the same bytes for any --jobs.
cat >big.cfg <<'EOF2'
populations = (
  { id = "in"; model = "lif"; size = 300; },
  { id = "out"; model = "lif"; size = 900; synapse = "exp"; tau_syn = "3 ms"; C_m = "100 pF";
    G_L = "10 nS"; G_in = "100 nS"; V_in = "0 V"; V_th = { dist = "uniform"; min = "2 mV"; max = "4 mV"; };
    V_reset = "0 V"; t_ref = "2 ms"; } );
projections = ( { from = "in"; to = "out"; rule = "fixed_prob"; p = 0.1; delay = { dist = "uniform"; min = "0.5 ms"; max = "2 ms"; };
    weight = { dist = "uniform"; min = "1 nS"; max = "3 nS"; };
    device = { model = "supercap"; C1 = "39.106 uF"; C2 = "7.9109 mF"; R_d = "173.73 ohm";
               R_sd = "245.06 kohm"; R_reg = "8 kohm";
               spike = { shape = "rect"; amplitude = "1 mA"; width = "1 ms"; }; }; } );
probes = [ "out[7].V", "out.rate" ];
t_end = "100 ms";
EOF2
cat >big.stim <<'EOF2'
spike_sources = ( { id = "p"; kind = "poisson"; rate = "50 Hz"; weight = "1 V"; targets = [ "in" ]; },
                  { id = "q"; kind = "poisson"; rate = "100 Hz"; weight = "20 pA"; targets = [ "out" ]; } );
EOF2
for j in 1 2 3; do
    run_opsin run big.cfg big.stim -o big$j.csv -j $j -q
    [ "$status" -eq 0 ] || bad "-j $j: status $status: $(cat stderr)"
done
if cmp -s big1.csv big2.csv && cmp -s big1.csv big3.csv && cmp -s big1.spikes.csv big2.spikes.csv &&
   cmp -s big1.spikes.csv big3.spikes.csv && [ "$(grep -c 'out\[' big1.spikes.csv)" -gt 100 ]; then ok
else bad "--jobs 1/2/3 differ, or out hardly fires ($(grep -c 'out\[' big1.spikes.csv) spikes)"; fi

# Refused: one line, FILE:LINE (of the projection or of its key), status 2, nothing written.
bad_sc() { # $1: what goes in the projection, $2: a phrase of the message, $3: synapse of b
    cat >bad.cfg <<EOF2
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; ${3:-} } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms";
    $1 } );
EOF2
    rm -f bad.csv
    run_opsin run bad.cfg -t 10ms -o bad.csv ${4:-}
    if [ "$status" -eq 2 ] && [ ! -e bad.csv ] && [ "$(wc -l <stderr)" -eq 1 ] &&
       grep -q "bad.cfg:[23]: .*$2" stderr; then ok
    else bad "refusal '$1': status $status: $(cat stderr)"; fi
}
SC='model = "supercap"; R_reg = "8 kohm";'
PULSE='spike = { shape = "rect"; amplitude = "1 mA"; width = "1 ms"; };'
bad_sc "weight = \"1 nS\"; device = { $SC $PULSE read = { voltage = \"0.1 V\"; width = \"1 ms\"; }; };" "a supercap has no conductance to read"
bad_sc "weight = \"1 nS\"; device = { $SC spike = { shape = \"exp\"; amplitude = \"1 mA\"; }; };" "spike shape 'exp' on a supercap, which takes a current pulse"
bad_sc "weight = \"1 nS\"; device = { $SC spike = { amplitude = \"1 mA\"; tail = 0.5; }; };" "'tail': a supercap takes a rectangular current pulse, with no tail"
bad_sc "weight = \"1 nS\"; device = { $SC spike = { width = \"1 ms\"; }; };" "needs its 'amplitude', a current"
bad_sc "weight = \"1 nS\"; device = { $SC };" "a supercap synapse needs its spike"
bad_sc "device = { $SC $PULSE };" "needs 'weight', the conductance through which each supercap's voltage"
bad_sc "weight = \"1 nS\"; device = { $SC $PULSE };" "a supercap synapse drives a current, and 'b' has cond synapses" 'synapse = "cond"; tau_syn = "5 ms";'
bad_sc "weight = \"1 nS\"; device = { model = \"supercap\"; $PULSE };" "not real, negative and distinct"
bad_sc "weight = \"1 nS\"; device = { $SC $PULSE };" "--map: projection a_b has supercap synapses" "" "--map bad.map"
# a second supercap projection into one population
cat >two.cfg <<EOF2
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms"; weight = "1 nS"; device = { $SC $PULSE }; },
  { id = "again"; from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms"; weight = "1 nS"; device = { $SC $PULSE }; } );
EOF2
run_opsin check two.cfg
if [ "$status" -eq 2 ] && grep -q "two.cfg:3: a second projection of supercap synapses into 'b' (expected at most one per population: the one at line 2)" stderr; then ok
else bad "two supercap projections: status $status: $(cat stderr)"; fi
# a stimulus on a supercap projection
printf 'sources = ( { id = "s"; kind = "current"; targets = [ "a_b" ]; start = "1 ms"; width = "1 ms"; amplitude = "1 mA"; } );\n' >sc.stim
cat >one.cfg <<EOF2
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms"; weight = "1 nS"; device = { $SC $PULSE }; } );
EOF2
run_opsin run one.cfg sc.stim -t 10ms -o bad.csv
if [ "$status" -eq 2 ] && grep -q "sc.stim:1: target 'a_b' (supercap synapses) takes no stimulus" stderr; then ok
else bad "a stimulus on supercap synapses: status $status: $(cat stderr)"; fi
# The memory estimate counts a state per post member, not a device per synapse: 2000 x 2000
# supercap synapses (4 M, 16 MB of targets) fit in 200 MB (a device each would need ~2 GB).
cat >wide.cfg <<EOF2
populations = ( { id = "a"; model = "lif"; size = 2000; }, { id = "b"; model = "lif"; size = 2000; } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms"; weight = "1 nS"; device = { $SC $PULSE }; } );
probes = [ "b[0].V" ];
EOF2
run_opsin run wide.cfg -t 1ms --max-memory 200M -o wide.csv -q
if [ "$status" -eq 0 ] && [ -s wide.csv ]; then ok
else bad "2000 x 2000 supercap synapses under --max-memory 200M: status $status: $(cat stderr)"; fi
echo "e2e-supercap: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
