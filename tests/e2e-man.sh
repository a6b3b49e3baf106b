#!/bin/sh
# e2e-man.sh: the man pages against the code: every generated block (parameters, states,
# outputs of a model) is what man/gen-params.sh makes of `opsin models --tsv`, rows with tricky
# units read as a person would write them, and every model has its blocks.
set -eu
. "$(dirname "$0")/e2e-lib.sh"
opsin() { $VG "$OPSIN" "$@"; }
pages="$SRCDIR/man/opsin.1 $SRCDIR/man/opsin-circuit.5 $SRCDIR/man/opsin-stimulus.5 $SRCDIR/man/opsin-models.7"

# 1 if the lines of file $2 appear in file $1 as consecutive lines.
holds() {
    awk 'NR == FNR { want[n++] = $0; next }
         { line[m++] = $0 }
         END { for (i = 0; i + n <= m; i++) { for (k = 0; k < n && line[i + k] == want[k]; k++);
                                              if (k == n) exit 0 }
               exit 1 }' "$2" "$1"
}

# Every block of every page holds exactly the generator's text.
blocks=0
for page in $pages; do
    for key in $(awk '/^\.\\" BEGIN (PARAMETERS|STATES|OUTPUTS) / { print $3 ":" $4 }' "$page"); do
        kind=${key%%:*} model=${key#*:}
        case $kind in PARAMETERS) gen=params ;; STATES) gen=states ;; *) gen=outputs ;; esac
        sh "$SRCDIR/man/gen-params.sh" "$gen" "$model" "$OPSIN" >"$work/gen.man"
        awk -v b="BEGIN $kind $model " -v e="END $kind $model" \
            'index($0, e) == 5 { p = 0 } p { print } index($0, b) == 5 { p = 1 }' \
            "$page" >"$work/page.man"
        blocks=$((blocks + 1))
        if [ -s "$work/gen.man" ] && cmp -s "$work/gen.man" "$work/page.man"; then ok
        else bad "$(basename "$page"): block $kind $model differs from the tables (run sh man/gen-params.sh --update)"; fi
    done
done

# Every model of the catalogue has its three blocks in opsin-models(7).
for m in $(opsin models); do
    for kind in PARAMETERS STATES OUTPUTS; do
        if grep -q "^\.\\\\\" BEGIN $kind $m " "$SRCDIR/man/opsin-models.7"; then ok
        else bad "opsin-models.7 has no $kind block for $m"; fi
    done
done
if [ "$blocks" -ge 12 ]; then ok; else bad "only $blocks generated blocks in the pages"; fi

# Every model's outputs are in opsin-circuit(5)'s PROBES.
for m in $(opsin models); do
    if grep -q "^\.\\\\\" BEGIN OUTPUTS $m " "$SRCDIR/man/opsin-circuit.5"; then ok
    else bad "opsin-circuit.5 has no OUTPUTS block for $m"; fi
done

# opsin(1) outlines every model (a section and its outputs) and gives the range of every lif
# and supercap parameter.
for m in $(opsin models); do
    if grep -q "^\.SS \"$m \\\\(em " "$SRCDIR/man/opsin.1" &&
       grep -q "^\.\\\\\" BEGIN OUTPUTS $m " "$SRCDIR/man/opsin.1"; then ok
    else bad "opsin.1 MODELS has no section or no outputs for $m"; fi
done
for m in lif supercap; do
    for p in $(opsin models --tsv "$m" | awk -F '\t' '$1 == "param" { print $2 }'); do
        if grep -q "^\.BR $p \"  (" "$SRCDIR/man/opsin.1"; then ok
        else bad "opsin.1 MODELS does not list $m's parameter $p"; fi
    done
done

# Every parameter that may be "open" (default open) is named where opsin-circuit(5) explains it.
sed -n '/^\.B \\(dqopen\\(dq$/,/^\.PP$/p' "$SRCDIR/man/opsin-circuit.5" >"$work/open.man"
for m in $(opsin models); do
    for p in $(opsin models --tsv "$m" | awk -F '\t' '$1 == "param" && $4 == "open" { print $2 }'); do
        if grep -qx "\.BR* $p\( ,\)\{0,1\}" "$work/open.man"; then ok
        else bad "opsin-circuit.5 does not say that $m's $p may be \"open\""; fi
    done
done

# The sample diagnostics of opsin-circuit(5) that name models are what opsin says, after
# "FILE:LINE: " (a sample is one message broken over lines that start with two spaces).
sample() {
    awk -v pat="$1" '/^circuit\.cfg:/ { if (p) exit; if (index($0, pat)) { p = 1; s = $0; next } }
                     p && /^  / { sub(/^ +/, " "); s = s $0; next }
                     p { exit }
                     END { print s }' "$SRCDIR/man/opsin-circuit.5" |
        sed -e 's/^circuit\.cfg:[0-9]*: //' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g"
}
said() {
    printf '%s\n' "$2" >"$work/$1.cfg"
    opsin check "$work/$1.cfg" 2>&1 | sed 's/^[^:]*:[0-9]*: //'
}
for t in "unknown model|m|components = ({ id = \"n1\"; model = \"lifx\"; });" \
         "unknown circuit key|k|probe = [\"n1.V\"];" \
         "takes no current|c|components = ({ id = \"n\"; model = \"lif\"; }, { id = \"p\"; model = \"phototrap\"; }); connections = ({ from = \"n\"; to = \"p\"; amplitude = \"1 mA\"; width = \"1 ms\"; });" \
         "W_min = 0 S|w|components = ({ id = \"w\"; model = \"pairstdp\"; W0 = \"200 nS\"; });" \
         "w1 + w2 + w3|p|components = ({ id = \"p\"; model = \"phototrap\"; w1 = 0.5; });" \
         "cannot form a population|pc|populations = ({ id = \"s\"; model = \"supercap\"; size = 3; });" \
         "is a current, but|wc|populations = ({ id = \"inh\"; model = \"lif\"; size = 3; }); projections = ({ from = \"inh\"; to = \"inh\"; rule = \"all_to_all\"; weight = \"1 nA\"; delay = \"1 ms\"; });" \
         "has 8000 members|pm|populations = ({ id = \"exc\"; model = \"lif\"; size = 8000; }); probes = [\"exc[8000].V\"];"; do
    pat=${t%%|*} rest=${t#*|}
    want=$(sample "$pat") got=$(said "${rest%%|*}" "${rest#*|}")
    if [ -n "$want" ] && [ "$want" = "$got" ]; then ok
    else bad "opsin-circuit.5 sample '$pat': page '$want', opsin '$got'"; fi
done

# Every long option of every command's --help is in opsin(1).
for cmd in run check models stdp ppf fit sweep train; do
    opsin "$cmd" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$work/opts"
    while IFS= read -r o; do
        if grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$SRCDIR/man/opsin.1"; then ok
        else bad "opsin $cmd $o is not in opsin.1"; fi
    done <"$work/opts"
done

# Rows written by hand: a unit with a space, 1/eV, "open" and hyphenated defaults, a reference,
# a dimensionless state and outputs; the usual ranges of the parameters that have one.
n=0
while IFS= read -r line; do
    if [ -z "$line" ]; then
        n=$((n + 1))
        if holds "$SRCDIR/man/opsin-models.7" "$work/want"; then ok
        else bad "opsin-models.7 lacks the rows: $(cat "$work/want")"; fi
        : >"$work/want"
    else
        printf '%s\n' "$line" >>"$work/want"
    fi
done <<'EOF'
.TP
.BR k_e " (1/(V s); default 0)"
erase rate per volt above V_e (occupancy removed per second at x >> x_e) (usually 1e\-12 1/(V s) .. 1e+06 1/(V s)).

.BR k_p " (1/(V s); default 0)"
electrical generation per volt above V_p (usually 1e\-12 1/(V s) .. 1e+06 1/(V s)).

.BR eta_ex " (1/eV; default 1)"
quantum yield per eV of photon energy above the gap.

.BR R_reg " (ohm; default open)"
regulating resistor in parallel with the device ("open": none) (usually 1 ohm .. 1 Gohm).

.BR sigma " (m2; default 1e\-20)"
write cross\-section: generation per absorbed photon flux (usually 1e\-30 m2 .. 1e\-10 m2).

.BR input " (the id of a component; no default)"

.BR n " (dimensionless; natural size 0.0001)"
free photocarriers (fraction of the trap density).

.BR L " (W)"
light output k_L max(0, |I| \- I_L)^gamma_L.

.BR x " (1)"
trap occupancy m1 + m2 + m3.

EOF
if [ "$n" -eq 9 ]; then ok; else bad "read $n hand-written row groups"; fi

# The phototrap example of opsin-models(7), exactly as the page prints it: the .EX blocks that
# start with "# trap.cfg:" and "# write-erase.cfg:" are the files, the one that starts with
# "opsin run" the command.  G rises after the light and falls after the gate pulse.
# The .EX blocks of page $1 whose first line matches a pattern, as files in directory $2:
# the other arguments are PATTERN=FILE (awk patterns, the page's escapes undone).
man_examples() {
    page=$1 dir=$2
    shift 2
    mkdir "$dir"
    PAIRS="$*" awk -v dir="$dir" '
        function text(s) {
            gsub(/\\-/, "-", s); gsub(/\\\(dq/, "\"", s); gsub(/\\\(aq/, "\047", s)
            gsub(/\\~/, " ", s); gsub(/\\e/, "\\", s); gsub(/\\\(ha/, "^", s)
            gsub(/\\\(mc/, "\302\265", s)
            return s
        }
        BEGIN { n = split(ENVIRON["PAIRS"], p, " ") }
        /^\.EE/ { out = ""; next }
        out { print text($0) >out; next }
        /^\.EX/ { start = 1; next }
        start { start = 0
                for (i = 1; i <= n; i++) { k = index(p[i], "=")
                                           if ($0 ~ substr(p[i], 1, k - 1)) out = dir "/" substr(p[i], k + 1) }
                if (out) print text($0) >out }' "$page"
}
man_examples "$SRCDIR/man/opsin-models.7" "$work/ex" '^#.trap\.cfg:=trap.cfg' \
    '^#.write\\-erase\.cfg:=write-erase.cfg' '^opsin.run.trap\.cfg=command'
st=0
(cd "$work/ex" && opsin() { $VG "$OPSIN" "$@"; } && . ./command) >"$work/ex.out" 2>&1 || st=$?
if [ "$st" -eq 0 ] && [ -s "$work/ex/trap.cfg" ] && [ -s "$work/ex/write-erase.cfg" ] &&
   grep -q -- '--plot' "$work/ex/command" && head -1 "$work/ex/we.csv" | grep -q '^t (s),syn.G (S)'
then ok; else bad "the phototrap example of opsin-models.7 does not run (status $st): $(cat "$work/ex.out")"; fi
# G at the light's start, its end, the gate's start and end (right side of each edge), t_end.
g() { awk -F, -v t="$1" 'NR > 1 && $1 <= t { g = $2 } END { print g }' "$work/ex/we.csv"; }
if awk -v a="$(g 0.5)" -v b="$(g 1)" -v c="$(g 2.5)" -v d="$(g 3)" -v e="$(g 4)" \
       'BEGIN { exit !(a == 1e-9 && b > 10 * a && c > 0.9 * b && d < c / 3 && e < c / 3 && e > a) }'
then ok; else bad "phototrap example: G $(g 0.5) -> $(g 1) (light) -> $(g 2.5) -> $(g 3) (gate) -> $(g 4)"; fi

# The network example of opsin-circuit(5), Brunel (2000), as the page prints it: the .EX
# blocks that start with "# brunel.cfg:" and "# brunel-ext.cfg:" are the circuit and its
# stimulus, and opsin check takes them (populations, projections, the spike source).
man_examples "$SRCDIR/man/opsin-circuit.5" "$work/net" '^#.brunel\.cfg:=brunel.cfg' \
    '^#.brunel\\-ext\.cfg:=brunel-ext.cfg'
st=0
(cd "$work/net" && $VG "$OPSIN" check brunel.cfg brunel-ext.cfg) >"$work/net.out" 2>&1 || st=$?
if [ "$st" -eq 0 ] &&
   grep -q '^  population exc: 10000 x lif (neurons 0 .. 9999), delta synapses' "$work/net.out" &&
   grep -q '^  population inh: 2500 x lif (neurons 10000 .. 12499)' "$work/net.out" &&
   [ "$(grep -c '^  projection .*fixed_indegree' "$work/net.out")" -eq 4 ] &&
   grep -q '^  probes: exc.rate inh.rate exc\[0\].V$' "$work/net.out" &&
   grep -q '^  ext: poisson spikes at 20000 Hz, weight 0.0001 V, .* into 12500 neuron' "$work/net.out"
then ok; else bad "the Brunel example of opsin-circuit.5 (status $st): $(cat "$work/net.out")"; fi

# What opsin(1) EXAMPLES and OUTPUT quote is what opsin prints, in a directory of copied
# presets as the page sets up: the rows of example 1 (its grep block), the last row of example
# 3, both opsin check blocks of example 4 (compared word for word: the page breaks long
# lines), the spike counts of example 5 and the summary under OUTPUT (but its wall time).
lab=$work/lab
mkdir "$lab"
cp -r "$SRCDIR/circuits" "$SRCDIR/stimuli" "$lab"
man_examples "$SRCDIR/man/opsin.1" "$work/quoted" '^\$.grep=grep' \
    '^\$.opsin.check.circuits=check' '^\$.opsin.check.my=typo' '^#.events=summary'
words() { tr -s ' \n' '  '; }
# The output of block $1's first line (its "$ " cut) run in the lab, against the block's rest.
quoted() {
    (cd "$lab" && eval "$(sed -n '1s/^\$ //p' "$work/quoted/$1")") >"$work/quoted/$1.out" 2>&1 || true
    if [ "$(tail -n +2 "$work/quoted/$1" | words)" = "$(words <"$work/quoted/$1.out")" ]; then ok
    else bad "opsin.1 quotes for '$(head -1 "$work/quoted/$1")': $(tail -n +2 "$work/quoted/$1") but opsin prints: $(cat "$work/quoted/$1.out")"; fi
}
(cd "$lab" && opsin run circuits/fmes.cfg stimuli/fmes-ppf.cfg -o ppf.csv 2>/dev/null)
quoted grep
quoted check
sed 's/R_reg = "7 kohm";/R_reg = "7 kOhms";/' "$lab/circuits/fmes.cfg" >"$lab/my-fmes.cfg"
quoted typo
no_wall() { grep -v '^# wall time [0-9.e+-]* s$'; }
if [ "$(no_wall <"$work/quoted/summary")" = "$(no_wall <"$lab/ppf.summary.txt")" ] &&
   [ "$(grep -c '^# wall time [0-9.e+-]* s$' "$work/quoted/summary")" -eq 1 ]; then ok
else bad "opsin.1 OUTPUT summary: $(cat "$work/quoted/summary") but opsin prints: $(cat "$lab/ppf.summary.txt")"; fi
(cd "$lab" && opsin run circuits/fmes.cfg stimuli/fmes-retention.cfg --set syn.R_reg=open \
     --probe syn.v,syn.w -o ret.csv -q)
last=$(awk '/^The last row is/ { getline; print $2 }' "$SRCDIR/man/opsin.1")
if [ -n "$last" ] && [ "$(tail -n 1 "$lab/ret.csv")" = "$last" ]; then ok
else bad "opsin.1 example 3: last row '$last', opsin writes '$(tail -n 1 "$lab/ret.csv")'"; fi
(cd "$lab" && opsin run circuits/lif-supercap-lif.cfg stimuli/lif-chain.cfg -o chain.csv -q)
counts=$(tail -n +2 "$lab/chain.spikes.csv" | cut -d, -f2 | sort | uniq -c |
         awk '{ printf "%s %s;", $1, $2 }')
if grep -q '^counts 32 spikes of$' "$SRCDIR/man/opsin.1" && [ "$counts" = "32 post;17 pre;" ]
then ok; else bad "opsin.1 example 5 counts 32 post and 17 pre spikes, opsin: $counts"; fi

# The machine-readable table itself: tab-separated, five fields a row.
opsin models --tsv phototrap >"$work/tsv"
if awk -F '\t' 'NF != 5 { exit 1 } $1 == "param" && $2 == "k_e" { u = $3 } END { exit u != "1/(V s)" }' \
        "$work/tsv"; then ok
else bad "opsin models --tsv phototrap: $(grep k_e "$work/tsv")"; fi
st=0
opsin models --tsv >/dev/null 2>"$work/err" || st=$?
if [ "$st" -eq 2 ] && grep -q -- '--tsv needs a NAME' "$work/err"; then ok; else bad "models --tsv without NAME: $st"; fi

echo "e2e-man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
