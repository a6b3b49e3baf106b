#!/bin/sh
# e2e-devsyn.sh: device synapses in networks.  A pairstdp synapse between two neurons made to
# spike at chosen times changes by the pair rule's closed form; a pre spike's read moves the
# post neuron by the charge G V_read t_read over C_m (delta) or injects Q/tau_syn (exp); a
# ReS2 phototrap synapse given one pre/post pair changes G as `opsin stdp` measures for the
# same device, waveform and dt (two different engines, one physics); --map writes every
# synapse, the same bytes for any --jobs; bad device groups are refused with FILE:LINE.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

# Neuron "pre" fires at T and "post" at T + DT (a 1 V jump on a 0.5 V threshold).
pair_stim() { # $1: DT in ms (may be negative), $2: t_end, $3: T in ms
    awk -v dt="$1" -v te="$2" -v t0="$3" 'BEGIN { tp = t0 + dt
        printf "t_end = \"%s\";\nspike_sources = (\n", te
        printf "  { id = \"a\"; kind = \"regular\"; rate = \"1 Hz\"; start = \"%g ms\"; stop = \"%g ms\"; weight = \"1 V\"; targets = [\"pre\"]; },\n", t0, t0 + 0.5
        printf "  { id = \"b\"; kind = \"regular\"; rate = \"1 Hz\"; start = \"%g ms\"; stop = \"%g ms\"; weight = \"1 V\"; targets = [\"post\"]; } );\n", tp, tp + 0.5 }'
}
cat >pair.cfg <<'EOF2'
populations = ( { id = "pre"; model = "lif"; size = 1; synapse = "delta"; },
                { id = "post"; model = "lif"; size = 1; synapse = "delta"; } );
projections = ( { from = "pre"; to = "post"; rule = "all_to_all"; delay = "1 ms";
    device = { model = "pairstdp"; A_plus = "1 nS"; A_minus = "2 nS"; W0 = "50 nS";
               tau_plus = "20 ms"; tau_minus = "10 ms";
               spike = { shape = "rect"; amplitude = "1 V"; width = "1 ms"; };
               read = { voltage = "0.1 V"; width = "1 ms"; }; }; } );
probes = [ "post[0].V" ];
EOF2
for dt in 5 -4; do
    pair_stim "$dt" "50 ms" 10 >pair$dt.stim
    run_opsin run pair.cfg pair$dt.stim -o pair$dt.csv --map pair$dt.map -q
    got=$(sed -n 2p pair$dt.map | cut -d, -f5)
    if [ "$status" -eq 0 ] && awk -v g="$got" -v dt="$dt" 'BEGIN {
            w = dt > 0 ? 50e-9 + 1e-9 * exp(-dt / 20) : 50e-9 - 2e-9 * exp(dt / 10)
            exit !(g - w < 1e-14 && w - g < 1e-14) }'; then ok
    else bad "pairstdp pair at dt = $dt ms: status $status, W = $got: $(cat stderr)"; fi
done
# The read of the pair at dt = 5 ms: 50 nS x 0.1 V x 1 ms on 100 pF is a 50 mV jump at 11 ms.
jump=$(awk -F, '$1 == 0.011 { v[n++] = $2 } END { printf "%.12g", v[1] - v[0] }' pair5.csv)
if [ "$jump" = "0.05" ]; then ok; else bad "read of 50 nS: V jumps by $jump at 11 ms (expected 0.05)"; fi
# The same through an exp synapse: a current Q/tau_syn = 5e-12 C / 5 ms = 1 nA from 11 ms.
sed 's/synapse = "delta"; },$/synapse = "delta"; },/; s/id = "post"; model = "lif"; size = 1; synapse = "delta";/id = "post"; model = "lif"; size = 1; synapse = "exp"; tau_syn = "5 ms";/' \
    pair.cfg >pairexp.cfg
sed '/id = "b"/d; s/ },$/ } );/' pair5.stim >pre.stim
run_opsin run pairexp.cfg pre.stim -o pairexp.csv -d 1ms -q
# V at 12 ms of the membrane (tau 10 ms, R 100 Mohm) from the current at 11 ms, closed form.
v=$(awk -F, '$1 == 0.012 { print $2; exit }' pairexp.csv)
if [ "$status" -eq 0 ] && awk -v v="$v" 'BEGIN { tau = 0.01; ts = 0.005; s = 0.001
        want = 1e-9 * 1e8 * ts / (ts - tau) * (exp(-s / ts) - exp(-s / tau))
        exit !(v - want < 1e-12 && want - v < 1e-12) }'; then ok
else bad "read into an exp synapse: V(12 ms) = $v: $(cat stderr)"; fi

# A ReS2 PEN synapse (examples/stdp-window's device) given one pair at dt = +5 ms and -5 ms:
# the network's change of G equals what opsin stdp measures with one pair to 1e-5 (its run
# ends 1 s + the waveform after the later spike; so does the map here).  Measured: 1.3e-7.
stdp_dir="$SRCDIR/examples/stdp-window"
cp "$SRCDIR/circuits/res2-materials.cfg" .
# both at rtol 1e-10: the two engines stop at different times, so they agree to the tolerance
sed 's|@include "../../circuits/|@include "|; s/rtol = 1e-8/rtol = 1e-10/' "$stdp_dir/synapse.cfg" \
    >synapse.cfg
for dt in 5 -5; do
    run_opsin stdp synapse.cfg --device S_0_0 --dt "${dt}ms" --pairs 1 -o stdp$dt.csv
    want=$(sed -n 2p stdp$dt.csv | cut -d, -f2)
    sed 's|@include "../../circuits/|@include "|' \
        "$SRCDIR/examples/stdp-network/network.cfg" |
        sed 's/size = 100;/size = 1;/g; s/"in"/"pre"/g; s/"out"/"post"/g; s/^probes = .*/probes = [ "post[0].V" ]; solver = { rtol = 1e-10; };/' >res2.cfg
    # opsin stdp's first spike comes at 1 ms, its run ends 1 s + 31 ms after the later one
    tpre=$(awk -v d="$dt" 'BEGIN { print 1 + (d < 0 ? -d : 0) }')
    t_end=$(awk -v d="$dt" -v t="$tpre" 'BEGIN { printf "%.6f s", (t + (d > 0 ? d : 0) + 31) / 1000 + 1 }')
    pair_stim "$dt" "$t_end" "$tpre" >res2_$dt.stim
    run_opsin run res2.cfg res2_$dt.stim -o res2_$dt.csv --map res2_$dt.map --map-at "0,$t_end" -q
    got=$(awk -F, 'NR == 2 { g0 = $5 } NR == 3 { printf "%.17g", $5 - g0 }' res2_$dt.map)
    if [ "$status" -eq 0 ] && awk -v g="$got" -v w="$want" 'BEGIN {
            exit !(w != 0 && (g - w) / w < 1e-5 && (w - g) / w < 1e-5) }'; then ok
    else bad "ReS2 pair at dt = $dt ms: network dG $got, opsin stdp dG $want: $(cat stderr)"; fi
done

# Light on a device projection: every synapse sees the source's pulses, and its G follows the
# same device as a lone component under the same pulses (10 pulses of 445 nm at 65 mW/cm2,
# noise off, rtol 1e-10; measured 4.4e-10 apart, required 1e-8).
cat >light-net.cfg <<'EOF2'
@include "res2-materials.cfg"
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 3; } );
projections = ( { id = "syn"; from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms";
    device = { material = "res2"; noise_w = 0; noise_wa = 0; noise_e = 0; noise_ea = 0;
               read = { voltage = "0.1 V"; width = "1 ms"; }; }; } );
probes = [ "b.rate" ];
solver = { rtol = 1e-10; };
EOF2
cat >light-net.stim <<'EOF2'
sources = ( { id = "blue"; kind = "optical"; wavelength = "445 nm"; targets = [ "syn" ];
              start = "0.5 s"; width = "10 ms"; period = "50 ms"; count = 10;
              irradiance = "65 mW/cm2"; } );
EOF2
cat >light-dev.cfg <<'EOF2'
@include "res2-materials.cfg"
arrays = ( { id = "P"; rows = 1; cols = 1; material = "res2"; noise_w = 0; noise_wa = 0;
             noise_e = 0; noise_ea = 0; } );
probes = [ "P_0_0.G" ];
solver = { rtol = 1e-10; };
EOF2
sed 's/"syn"/"P_0_0"/' light-net.stim >light-dev.stim
run_opsin run light-net.cfg light-net.stim -t 1s -o light-net.csv --map light-net.map -q
s1=$status
run_opsin run light-dev.cfg light-dev.stim -t 1s -o light-dev.csv -q
want=$(tail -n 1 light-dev.csv | cut -d, -f2)
if [ "$s1" -eq 0 ] && [ "$status" -eq 0 ] && [ "$(($(wc -l <light-net.map) - 1))" -eq 6 ] &&
   awk -F, -v w="$want" 'NR > 1 { d = ($5 - w) / w; if (d > 1e-8 || d < -1e-8 || w <= 1.25e-9) bad = 1 }
                         END { exit bad }' light-net.map; then ok
else bad "light on device synapses: status $s1/$status, lone device G $want, map $(sed -n 2p light-net.map)"; fi
# A map inside a light pulse reads the devices without changing them (their write noise on,
# so a pulse edge told twice or not at all would show): the final map is the same bytes with
# or without it.
sed 's/ noise_w = 0; noise_wa = 0; noise_e = 0; noise_ea = 0;//' light-net.cfg >light-noise.cfg
run_opsin run light-noise.cfg light-net.stim -t 1s -o light-net1.csv --map light-net1.map -q
run_opsin run light-noise.cfg light-net.stim -t 1s -o light-net2.csv --map light-net2.map \
    --map-at 0.505s,0.6s,1s -q
if [ "$status" -eq 0 ] && [ "$(grep '^1,' light-net2.map)" = "$(grep '^1,' light-net1.map)" ] &&
   [ "$(grep -c '^0.505,' light-net2.map)" -eq 6 ] &&
   [ "$(grep '^1,' light-net1.map)" != "$(grep '^1,' light-net.map)" ]; then ok
else bad "a map inside a pulse changed the devices: $(grep '^1,syn,0,0' light-net2.map light-net.map)"; fi
# A gate voltage above V_e on every synapse erases, and each pulse is told to the device (its
# erase noise drawn per pulse): with noise_e on, G ends elsewhere than with it off.
cat >gate.stim <<'EOF2'
sources = ( { id = "gate"; kind = "voltage"; targets = [ "syn" ]; start = "0.2 s";
              width = "10 ms"; period = "50 ms"; count = 10; amplitude = "20 V"; } );
EOF2
for ne in 0 0.2; do
    sed "s/noise_e = 0;/noise_e = $ne;/; s/material = \"res2\";/material = \"res2\"; x0 = 0.0033139;/" \
        light-net.cfg >gate$ne.cfg
    run_opsin run gate$ne.cfg gate.stim -t 1s -o gate$ne.csv --map gate$ne.map -q
done
g0=$(tail -n 1 gate0.map | cut -d, -f5)
g2=$(tail -n 1 gate0.2.map | cut -d, -f5)
if [ "$status" -eq 0 ] && awk -v a="$g0" -v b="$g2" 'BEGIN { exit !(a < 5e-8 && a != b) }'; then ok
else bad "gate pulses on device synapses: G $g0 (noise off), $g2 (noise_e 0.2): $(cat stderr)"; fi
# light on devices that take none
sed 's/material = "res2"; noise_w = 0; noise_wa = 0; noise_e = 0; noise_ea = 0;/model = "pairstdp"; spike = { shape = "rect"; amplitude = "1 V"; };/' \
    light-net.cfg >light-bad.cfg
run_opsin run light-bad.cfg light-net.stim -t 1s -o light-bad.csv
if [ "$status" -eq 2 ] && [ ! -e light-bad.csv ] &&
   grep -q "light-net.stim:1: target 'syn' (device synapses of model pairstdp) takes no optical drive" stderr; then ok
else bad "light on pairstdp synapses: status $status: $(cat stderr)"; fi

# Regular trains put the edges of two waveforms a few ulps apart (a tail's end at 0.01 + 0.001
# + 0.03 s, the next spike's first phase at 0.04 + 0.001 s): one instant, and the run goes on.
cp "$SRCDIR/circuits/res2-materials.cfg" .
sed 's|@include "../../circuits/|@include "|' "$SRCDIR/examples/stdp-network/network.cfg" \
    >reg.cfg
cat >reg.stim <<'EOF2'
spike_sources = ( { id = "r"; kind = "regular"; rate = "100 Hz"; weight = "0.6 V"; targets = ["in[0:5]"]; } );
EOF2
run_opsin run reg.cfg reg.stim -t 0.1s -o reg.csv --map reg.map -q
if [ "$status" -eq 0 ] && [ "$(($(wc -l <reg.map) - 1))" -eq 10000 ]; then ok
else bad "regular trains on device synapses: status $status: $(cat stderr)"; fi

# The 100 x 100 example for 50 ms: every synapse in the map, the same bytes for -j1 and -j2.
sed 's|@include "../../circuits/|@include "|' \
    "$SRCDIR/examples/stdp-network/network.cfg" >net.cfg
sed 's/t_end = "1 s";/t_end = "50 ms";/' "$SRCDIR/examples/stdp-network/stimulus.cfg" >net.stim
run_opsin run net.cfg net.stim -o n1.csv --map n1.map -j 1 -q
s1=$status
run_opsin run net.cfg net.stim -o n2.csv --map n2.map -j 2 -q
if [ "$s1" -eq 0 ] && [ "$status" -eq 0 ] && [ "$(($(wc -l <n1.map) - 1))" -eq 10000 ] &&
   cmp -s n1.map n2.map && cmp -s n1.spikes.csv n2.spikes.csv && cmp -s n1.csv n2.csv; then ok
else bad "stdp-network: status $s1/$status, $(wc -l <n1.map) map lines, -j1/-j2 differ?"; fi

# Bad device groups: one line, FILE:LINE, exit 2, nothing written.
bad_dev() { # $1: the device group, $2: a phrase of the message
    cat >bad.cfg <<EOF2
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms";
    $1 } );
EOF2
    rm -f bad.csv
    run_opsin run bad.cfg -t 10ms -o bad.csv
    if [ "$status" -eq 2 ] && [ ! -e bad.csv ] && [ "$(wc -l <stderr)" -eq 1 ] &&
       grep -q "bad.cfg:3: .*$2" stderr; then ok
    else bad "bad device '$1': status $status: $(cat stderr)"; fi
}
bad_dev 'device = { model = "lif"; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "cannot be a device synapse: .*(expected one of: supercap, phototrap, pairstdp)"
bad_dev 'device = { model = "pairstdp"; };' "needs its read"
bad_dev 'device = { model = "pairstdp"; read = { voltage = "0.1 V"; }; };' "read needs 'width'"
bad_dev 'device = { model = "pairstdp"; W9 = 1; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "unknown parameter 'W9'"
bad_dev 'device = { model = "pairstdp"; spike = { shape = "square"; }; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "unknown spike shape"
bad_dev 'weight = "1 mV"; device = { model = "pairstdp"; spike = { shape = "rect"; amplitude = "1 V"; }; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "expected no 'weight'"
bad_dev 'device = { model = "pairstdp"; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "takes every pulse as a spike"
bad_dev 'device = { model = "pairstdp"; spike = { shape = "rect"; amplitude = "-1 V"; }; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "so a negative amplitude would count wrong"
bad_dev 'device = { material = "res2"; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "unknown material"
# a spike of 1 MV is allowed but warned about, as any value far outside its usual range
cat >warn.cfg <<'EOF2'
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "all_to_all"; delay = "1 ms";
    device = { model = "pairstdp"; spike = { shape = "rect"; amplitude = "1e6 V"; };
               read = { voltage = "0.1 V"; width = "1 ms"; }; }; } );
EOF2
run_opsin check warn.cfg
if [ "$status" -eq 0 ] && grep -q "warn.cfg:3: warning: amplitude = 1e+06 V is far outside" stderr; then ok
else bad "a 1 MV spike: status $status: $(cat stderr)"; fi
# a device projection's list: pre,post rows only
printf '0,1\n1,0,0.001\n' >pairs.csv
cat >badlist.cfg <<'EOF2'
populations = ( { id = "a"; model = "lif"; size = 2; }, { id = "b"; model = "lif"; size = 2; } );
projections = ( { from = "a"; to = "b"; rule = "list"; file = "pairs.csv"; delay = "1 ms";
    device = { model = "pairstdp"; spike = { shape = "rect"; amplitude = "1 V"; };
               read = { voltage = "0.1 V"; width = "1 ms"; }; }; } );
EOF2
rm -f bad.csv
run_opsin run badlist.cfg -t 10ms -o bad.csv
if [ "$status" -eq 2 ] && [ ! -e bad.csv ] &&
   grep -q "pairs.csv:2: 3 cells in a row of a device projection's list (expected pre,post" stderr; then ok
else bad "a weight in a device projection's list: status $status: $(cat stderr)"; fi
bad_dev 'device = { model = "pairstdp"; W_min = "200 nS"; spike = { shape = "rect"; amplitude = "1 V"; }; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "the device synapses of projection 'a_b': W_min"
bad_dev 'device = { model = "pairstdp"; read = "x"; };' "'read' must be a group"
bad_dev 'device = { model = "pairstdp"; material = "x"; read = { voltage = "0.1 V"; width = "1 ms"; }; };' "takes one of 'model' or 'material'"
echo "e2e-devsyn: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
