#!/bin/sh
# e2e-exact.sh: solver.method from the command line.  The summary says which islands went
# exact; circuits/lif-supercap-lif.cfg (pre alone is eligible) agrees with its all-CVODE run
# within the solver's rtol (tests/compare-methods.awk); "exact" on an eligible circuit writes
# the bytes of "auto"; "exact" where an island has no closed form is refused before anything
# is written, naming the component and why.  (Every example: tests/run-examples.sh.)
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

# The chain as shipped, and a copy whose solver group asks for CVODE (or exact).
L=$SRCDIR/circuits/lif-supercap-lif.cfg
S=$SRCDIR/stimuli/lif-chain.cfg
sed 's/^solver = { /solver = { method = "cvode"; /' "$L" >cvode.cfg
sed 's/^solver = { /solver = { method = "exact"; /' "$L" >exact.cfg
grep -q 'method = "cvode"' cvode.cfg && grep -q 'method = "exact"' exact.cfg

run_opsin run "$L" "$S" -o auto.csv
if [ "$status" -eq 0 ] && grep -qx '# solver: 1 island exact, 1 CVODE (method auto, rtol 1e-07)' auto.summary.txt &&
   grep -q '^# islands 2, integrator steps [1-9][0-9]*,' auto.summary.txt; then ok
else bad "auto: status $status, summary: $(cat auto.summary.txt 2>/dev/null)"; fi
run_opsin run cvode.cfg "$S" -o cvode.csv
if [ "$status" -eq 0 ] && grep -qx '# solver: 0 islands exact, 2 CVODE (method cvode, rtol 1e-07)' cvode.summary.txt
then ok; else bad "cvode: status $status, summary: $(cat cvode.summary.txt 2>/dev/null)"; fi
if res=$(awk -v rtol=1e-7 -f "$SRCDIR/tests/compare-methods.awk" auto.csv cvode.csv auto.spikes.csv \
         cvode.spikes.csv); then ok
else bad "lif-supercap-lif, exact against CVODE: $res"; fi
# the all-CVODE run is the one the chain always had: spikes of pre and post both
if [ "$(cut -d, -f2 cvode.spikes.csv | sort -u | tr '\n' ' ')" = "neuron post pre " ]; then ok
else bad "cvode spikes: $(head -3 cvode.spikes.csv)"; fi

# "exact" on the chain: post reads syn's voltage, so their island has no closed form.
expect_error "opsin run: exact.cfg:9: component 'post' (lif) cannot be advanced exactly, as solver.method = \"exact\" (line 17) asks: its input 'syn' (supercap) is integrated with it (expected a lif or a supercap alone in its island, with no input, driven by rectangular current pulses only; or method \"auto\" or \"cvode\")" \
    run exact.cfg "$S" -o "$work/out.csv"

# A lone lif under a current step: "exact" and "auto" write the same bytes, with no step.
cat >lone.cfg <<'EOF'
components = ( { id = "n"; model = "lif"; C_m = "100 pF"; G_L = "10 nS"; E_L = 0;
                 V_th = "0.5 V"; V_reset = 0; t_ref = "2 ms"; } );
probes = [ "n.V", "n.I_ext" ];
EOF
sed 's/^probes.*/&\nsolver = { method = "exact"; };/' lone.cfg >lone-exact.cfg
echo 'sources = ( { id = "I"; kind = "current"; targets = ["n"]; start = "1 ms"; width = "90 ms"; amplitude = "10 nA"; } );' >step.cfg
run_opsin run lone.cfg step.cfg -t 100ms -o a.csv
run_opsin run lone-exact.cfg step.cfg -t 100ms -o e.csv
if cmp -s a.csv e.csv && cmp -s a.spikes.csv e.spikes.csv &&
   grep -q '^# islands 1, integrator steps 0, rhs evaluations 0, restarts [1-9]' e.summary.txt &&
   grep -qx '# solver: 1 island exact, 0 CVODE (method exact, rtol 1e-06)' e.summary.txt; then ok
else bad "lone lif, exact against auto: $(diff a.csv e.csv | head -3) $(cat e.summary.txt)"; fi
# 10 ms ln 2 after the step, then every 2 ms + 10 ms ln 2: the closed form in awk
want=$(awk 'BEGIN { t = 1e-3 + 1e-2 * log(2); while (t < 91e-3) { n++; t += 2e-3 + 1e-2 * log(2) } print n }')
if [ "$(($(wc -l <e.spikes.csv) - 1))" -eq "$want" ]; then ok
else bad "lone lif: $(($(wc -l <e.spikes.csv) - 1)) spikes (closed form $want)"; fi

echo "e2e-exact: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
