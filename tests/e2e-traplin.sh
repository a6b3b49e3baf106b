#!/bin/sh
# e2e-traplin.sh: a phototrap in its linear regime (filling = 0) from the command line.  Alone
# under light pulses (and a gate voltage below its thresholds) it goes exact, with no
# integrator step, and agrees with its all-CVODE run within the solver's rtol
# (tests/compare-methods.awk), write noise on, same seed; a gate pulse above V_e sends it to
# CVODE under "auto"; "exact" with filling = 1 or with that gate pulse is refused before
# anything is written, naming the component and why.  (The closed form: tests/check_traplin.c.)
set -eu
. "$(dirname "$0")/e2e-lib.sh"
cd "$work"

cat >pt.cfg <<'CFG'
components = ( { id = "pt"; model = "phototrap"; filling = 0; tau_r = "2 ms"; tau_c = "5 ms";
                 tau1 = "50 ms"; tau2 = "2 s"; tau3 = "open"; w1 = 0.3; w2 = 0.5; w3 = 0.2;
                 sigma = "1e-19 m2"; area = "100 um2"; k_e = "0.1 1/(V s)"; V_e = "5 V";
                 noise_w = 0.2; noise_wa = "20 pS"; d2d = 0.2; } );
probes = [ "pt.G", "pt.x", "pt.n", "pt.I" ];
solver = { rtol = 1e-10; };
CFG
sed 's/^solver = { /solver = { method = "cvode"; /' pt.cfg >cvode.cfg
sed 's/^solver = { /solver = { method = "exact"; /' pt.cfg >exact.cfg
sed 's/filling = 0; //' exact.cfg >fill1.cfg
grep -q 'method = "cvode"' cvode.cfg && grep -q 'method = "exact"' exact.cfg &&
    ! grep -q filling fill1.cfg
cat >light.cfg <<'CFG'
sources = ( { id = "led"; kind = "optical"; wavelength = "445 nm"; targets = ["pt"];
              trains = ( { start = "1 ms"; width = "2 ms"; period = "10 ms"; count = 20;
                           irradiance = "10 mW/cm2"; irradiance_end = "40 mW/cm2"; } ); },
            { id = "gate"; kind = "voltage"; targets = ["pt"]; start = "50 ms"; width = "20 ms";
              amplitude = "3 V"; } );
CFG
sed 's/amplitude = "3 V"/amplitude = "8 V"/' light.cfg >erase.cfg
grep -q '"8 V"' erase.cfg

run_opsin run pt.cfg light.cfg -t 300ms --seed 3 -o auto.csv
if [ "$status" -eq 0 ] && grep -qx '# solver: 1 island exact, 0 CVODE (method auto, rtol 1e-10)' auto.summary.txt &&
   grep -q '^# islands 1, integrator steps 0, rhs evaluations 0, restarts [1-9]' auto.summary.txt; then ok
else bad "auto: status $status, summary: $(cat auto.summary.txt 2>/dev/null)"; fi
run_opsin run cvode.cfg light.cfg -t 300ms --seed 3 -o cvode.csv
if [ "$status" -eq 0 ] && grep -qx '# solver: 0 islands exact, 1 CVODE (method cvode, rtol 1e-10)' cvode.summary.txt &&
   grep -q '^# islands 1, integrator steps [1-9][0-9]*,' cvode.summary.txt; then ok
else bad "cvode: status $status, summary: $(cat cvode.summary.txt 2>/dev/null)"; fi
if res=$(awk -v rtol=1e-10 -f "$SRCDIR/tests/compare-methods.awk" auto.csv cvode.csv auto.spikes.csv \
         cvode.spikes.csv); then ok
else bad "phototrap, exact against CVODE: $res"; fi
# the noise is drawn (another seed moves G far beyond the tolerance) and the energies agree
run_opsin run pt.cfg light.cfg -t 300ms --seed 4 -o other.csv
if ! cmp -s auto.csv other.csv; then ok; else bad "seeds 3 and 4 gave the same rows"; fi
# (each within 100 rtol, as compare-methods.awk takes the rows)
if awk '/^# energy/ { e[FILENAME == ARGV[1], $3] = $4; n[$3] = 1 }
        END { for (k in n) { a = e[1, k]; b = e[0, k]; d = a - b; if (d < 0) d = -d
                             if (!(a > 0) || d > 100 * 1e-10 * a) exit 1 }
              exit !length(n) }' auto.summary.txt cvode.summary.txt; then ok
else bad "energies: $(grep '^# energy' auto.summary.txt) | $(grep '^# energy' cvode.summary.txt)"; fi
# "exact" on the same island writes the bytes of "auto"
run_opsin run exact.cfg light.cfg -t 300ms --seed 3 -o exact.csv
if [ "$status" -eq 0 ] && cmp -s auto.csv exact.csv; then ok
else bad "exact against auto: status $status, $(cmp auto.csv exact.csv 2>&1)"; fi

# A gate pulse above V_e erases: CVODE under "auto", refused under "exact".
run_opsin run pt.cfg erase.cfg -t 100ms -o erase.csv
if [ "$status" -eq 0 ] && grep -qx '# solver: 0 islands exact, 1 CVODE (method auto, rtol 1e-10)' erase.summary.txt
then ok; else bad "erase, auto: status $status, summary: $(cat erase.summary.txt 2>/dev/null)"; fi
expected='(expected a phototrap with filling = 0 and sigma_reset = 0 alone in its island, with no input, driven by rectangular light pulses and by rectangular voltage pulses that reach no erase, depression or write path; or method "auto" or "cvode")'
expect_error "opsin run: exact.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = \"exact\" (line 6) asks: source 'gate' (erase.cfg:4) spans 0 V .. 8 V: a voltage drive that acts on it (not inert) $expected" \
    run exact.cfg erase.cfg -t 100ms -o "$work/out.csv"
expect_error "opsin run: fill1.cfg:1: component 'pt' (phototrap) cannot be advanced exactly, as solver.method = \"exact\" (line 6) asks: its parameters give model phototrap no closed form: filling = 1: capture n (1 - x)/tau_c slows as the traps fill, which is not linear $expected" \
    run fill1.cfg light.cfg -t 100ms -o "$work/out.csv"

echo "e2e-traplin: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
