#!/bin/sh
# e2e-fit.sh: `opsin fit` and `opsin ppf` from the command line: results, files, the same
# table whatever --jobs, and bad input (status 2, one line on stderr, no output file).
set -eu
. "$(dirname "$0")/e2e-lib.sh"

# A line of stdout matching an extended regular expression.
expect_line() {
    if grep -Eq "$1" "$work/stdout"; then ok; else bad "$2: no line /$1/ in $(cat "$work/stdout")"; fi
}

ex=$SRCDIR/examples/fit-your-data
cd "$work"

# --- opsin fit: the example's files recover their generating parameters
run_opsin fit nl "$ex/ltp-ltd.csv" --y G_LTP --y2 G_LTD -o out.csv
[ "$status" -eq 0 ] && ok || bad "fit nl: status $status: $(cat stderr)"
expect_line '^NL      = 2\.[45]' "fit nl"
expect_line '^NL_LTD  = (3\.9|4\.0)' "fit nl"
expect_line '^Gmax    = (3\.99|4\.00)[0-9]* \+- 0\.0[0-9]+ uS$' "fit nl"
if [ "$(head -1 out.csv)" = "P,G_LTP (uS),G_LTP (uS) fit,G_LTD (uS),G_LTD (uS) fit" ] &&
   [ "$(wc -l <out.csv)" -eq 52 ]; then ok; else bad "fit nl: out.csv $(head -2 out.csv)"; fi
run_opsin fit ppf "$ex/ppf.csv"
expect_line '^tau1    = 0\.01[0-9]* \+- ' "fit ppf"
run_opsin fit staircase "$ex/ltp-ltd.csv" -y G_LTD
expect_line '^mean dG = -0\.06' "fit staircase"
run_opsin fit decay "$ex/ltp-ltd.csv" --x P --y "G_LTD (uS)"
expect_line '^R\^2     = 0\.99' "fit decay by full header name"

printf 'P,G\n0,1\n1,2\n2,x3\n' >m.csv
# --plot names its picture type in every command that draws (png, svg or pdf), before anything runs
for cmd in "fit nl m.csv" "ppf $SRCDIR/circuits/fmes.cfg -a 1mA" "stdp $SRCDIR/examples/stdp-window/synapse.cfg --device S_0_0"; do
    # shellcheck disable=SC2086 # the command's words
    expect_error "opsin ${cmd%% *}: --plot: cannot tell the picture type of 'p.gif' (expected a file name ending in .png, .svg or .pdf)" \
        $cmd -o out.csv --plot p.gif
done
expect_error "m.csv:4: column 'G' holds 'x3' (expected a finite number)" fit nl m.csv -o out.csv
expect_error "m.csv:1: no column 'G_LTD' (expected one of 'P', 'G')" fit nl m.csv --y2 G_LTD -o out.csv
printf 'P,G\n0,1\n1,2\n2,3\n' >m.csv
expect_error "m.csv: 3 data points are too few for model nl (expected at least 4)" fit nl m.csv -o out.csv
expect_error "opsin fit: unknown model 'lin' (expected nl, ppf, decay, stdp or staircase)
Try 'opsin fit --help' for more information." fit lin m.csv -o out.csv
expect_error "opsin fit: --y2 is for model nl only (expected the LTD column of an LTP/LTD measurement)
Try 'opsin fit --help' for more information." fit ppf m.csv --y2 G -o out.csv
expect_error "opsin fit: --p0: no parameter 'x' with value 1 in model ppf (expected one of C1, tau1, C2, tau2; time constants > 0)" fit ppf "$ex/ppf.csv" --p0 x=1 -o out.csv
expect_error "nothing.csv: cannot open: No such file or directory (expected a readable CSV file)" fit ppf nothing.csv -o out.csv
rm -f out.csv
run_opsin fit decay "$ex/ppf.csv" --max-iter 1 -o out.csv
if [ "$status" -eq 1 ] && grep -q 'did not converge after 1 iterations' stderr && [ ! -e out.csv ]; then ok
else bad "fit --max-iter 1: status $status, $(cat stderr)"; fi

# --- opsin ppf: the paper's 1.22, the same bytes with 1 and 2 jobs
fmes=$SRCDIR/circuits/fmes.cfg
run_opsin ppf "$fmes" --amplitude 3.9603mA --intervals 10ms
expect_line '^0\.01,0\.0939997[0-9]*,0\.114998[0-9]*,1\.22339' "ppf 10 ms"
run_opsin ppf "$fmes" -a 3.9603mA -i log:2ms:2s:13 -j 1 -o one.csv
run_opsin ppf "$fmes" -a 3.9603mA -i log:2ms:2s:13 -j 2 -o two.csv
if cmp -s one.csv two.csv && [ "$(wc -l <one.csv)" -eq 14 ]; then ok; else bad "ppf: -j 1 and -j 2 differ"; fi
if head -1 one.csv | grep -qx 'interval (s),A1 syn.v (V),A2 syn.v (V),A2/A1 (1),(A2-A1)/A1 (1)'
then ok; else bad "ppf header: $(head -1 one.csv)"; fi
expect_line '^tau1    = 0\.0065' "ppf fit"
run_opsin ppf "$SRCDIR/circuits/nlem.cfg" --kind voltage -a 5V -w 30ms --target lem.I \
    -i 60ms,100ms,200ms --rule peak
expect_line '^0\.06,' "ppf nlem voltage"

expect_error "opsin ppf: missing --amplitude (expected e.g. --amplitude 4mA, 5V or 10mW/cm2)
Try 'opsin ppf --help' for more information." ppf "$fmes" -o out.csv
expect_error "opsin ppf: interval 0.0005 s is too short for 0.001 s pulses (expected intervals above 0.001 s, start to start)" ppf "$fmes" -a 1mA -i 0.5ms -o out.csv
expect_error "opsin ppf: --intervals 'log:0:1:5': a log range needs positive ends (expected log:FROM:TO:N with FROM, TO > 0)" ppf "$fmes" -a 1mA -i log:0:1:5 -o out.csv
expect_error "opsin ppf: --intervals '1:2' is not a range (expected FROM:TO:N)" ppf "$fmes" -a 1mA -i 1:2 -o out.csv
expect_error "opsin ppf: --rule top: unknown rule (expected peak or at:T, e.g. at:0.5ms)" ppf "$fmes" -a 1mA --rule top -o out.csv
expect_error "opsin ppf: --kind optical needs --wavelength (expected e.g. --wavelength 445nm)
Try 'opsin ppf --help' for more information." ppf "$fmes" -a 1W/m2 --kind optical -o out.csv
expect_error "opsin ppf: the pulses on 'syn': target 'syn' (model supercap) takes no optical drive (expected a component that accepts optical input)" ppf "$fmes" -a 1W/m2 --kind optical --wavelength 445nm -o out.csv
expect_error "opsin ppf: --jobs '0' is out of range (expected an integer from 1 to 1024)" ppf "$fmes" -a 1mA -j 0 -o out.csv

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
