#!/bin/sh
# run-examples.sh: runs every example in its quick mode (QUICK=1) and checks the key number
# it prints against the paper's value (the table below: example, then an extended regular
# expression its output must match); then runs the examples that have an island advanced in
# closed form again with CVODE and compares the two.
set -eu
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
OPSIN=${OPSIN:-$SRCDIR/src/opsin}
export OPSIN QUICK=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
while read -r name pattern; do
    case $name in ''|'#'*) continue ;; esac
    dir=$work/$name
    mkdir -p "$dir"
    if (cd "$dir" && sh "$SRCDIR/examples/$name/run.sh" >out.txt 2>err.txt) &&
       grep -Eq "$pattern" "$dir/out.txt"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/$name: expected /$pattern/, got: $(cat "$dir/out.txt" "$dir/err.txt")" >&2
    fi
done <<'TABLE'
# example                 key number (paper value in the example's README)
fmes-ppf                  A2/A1 = 1\.2[0-9]
nlem-epsc-epsb            NL EPSC 0\.(1[7-9]|2[0-3]).*EPSB 0\.(2[3-9]|30)
nlem-uv-reset             weight reduced by (9[0-9]|100)(\.[0-9])? %
bpcds-pulse-width-power   width 5 -> 1000 ms: (2\.[6-9]|3\.[0-4]).* -> 1[4-8]\.[0-9] uA
bpcds-ltp-ltd             LTD/LTP drop 0\.(8[5-9]|9[0-9])|LTD/LTP drop 1\.0
res2-staircase-980        1\.250 -> 1(7[1-9]|8[0-9])\.[0-9]+ nS, mean step 0\.1[6-9]
res2-endurance-snr        623 nm (3[1-9]|4[0-6])\.[0-9]/
res2-abacus               27 \+ 14 = 41: .* -> 1, .* -> 4
res2-array-6x6            blue (8[7-9]|9[0-9]|10[0-9]|11[0-7])\.[0-9] nS, red 1[1-4]\.[0-9] nS.*20 of 20 blue, 0 of 16 red
res2-lif-optogenetic      PEN neuron 9\.[0-9]+ -> 1[0-9]\.[0-9]+ spikes/s; resistor neuron (9\.[0-9]+) -> \1 
stdp-window               potentiation up to \+[0-9.]+ nS at dt = \+[0-9.]+ ms, depression down to -[0-9.]+ nS at dt = -
stdp-light-shift          dark \+0\.000 nS; light623 \+0\.[0-9]*[1-9][0-9]* nS; light525 \+[0-9.]+ nS; light445 \+[0-9.]+ nS
fmes-ppf-vs-r             R=500 1\.1[0-9]+; .*R=8000 1\.2[0-9]+; R=open 1\.2[0-9]+;
nlem-ppf                  tau1 0\.03 s, C2 0\.04[5-7][0-9]*, tau2 7[01]\.[0-9]+ s
fit-your-data             LTP NL 2\.[3-7][0-9]* \+- .*LTD NL (3\.[89]|4\.[01])
brunel-network           g = 5, nu_ext/nu_thr = 2: rate (4[0-5])\.[0-9] Hz, CV 0\.3[0-9]
supercap-network         R_reg 500 ohm +inputs 9\.38 spikes/s, outputs 1[5-8]\.[0-9]+ spikes/s
res2-network             pen3 \(65 mW/cm2\): 9\.50 -> 1[12]\.[0-9]+ spikes/s, group 3: (9|10)\.[0-9]+ -> 1[1-2]\.[0-9]+ spikes/s
train-fonn-bpcds          ideal ([3-9][0-9])\.[0-9] %, nl ([3-9][0-9])\.[0-9] %, device ([3-9][0-9])\.[0-9] % test accuracy after 2 epochs; energy [0-9.]+e-0[6-9] J
train-accuracy-vs-nl      ideal [3-9][0-9]\.[0-9] %; nl NL 0: Pmax inf [3-9][0-9]\.[0-9] %, Pmax 8 [0-9.]+ %
stdp-network             fast inputs \(20 Hz\): G \+0\.0[4-9][0-9] nS, slow inputs \(5 Hz\): G \+0\.0[0-3][0-9] nS
train-fmes-rreg           open ([3-9][0-9])\.[0-9] %, 8 kohm ([3-9][0-9])\.[0-9] %, ideal ([5-9][0-9])\.[0-9] %
train-fmes-adapt          dataset1 ([4-9][0-9])\.[0-9] % after training; dataset2 [0-9]+\.[0-9] % -> ([5-9][0-9])\.[0-9] % after [0-9]+ images
TABLE
# MNIST_DIR: the training examples take the four MNIST files from there, raw or .gz; here
# Fashion-MNIST's with the training and test sets swapped, so a run that read them differs
# from the one above; a directory without them is refused.
fm=/usr/share/datasets/fashion-mnist
if [ -r "$fm/t10k-images-idx3-ubyte.gz" ]; then
    dir=$work/mnist-dir
    mkdir -p "$dir/mnist"
    gunzip -c "$fm/t10k-images-idx3-ubyte.gz" >"$dir/mnist/train-images-idx3-ubyte"
    gunzip -c "$fm/t10k-labels-idx1-ubyte.gz" >"$dir/mnist/train-labels-idx1-ubyte"
    cp "$fm/train-images-idx3-ubyte.gz" "$dir/mnist/t10k-images-idx3-ubyte.gz"
    cp "$fm/train-labels-idx1-ubyte.gz" "$dir/mnist/t10k-labels-idx1-ubyte.gz"
    fashion=$(sed -n 's/^Fashion-MNIST: ideal \([0-9.]*\) %.*/\1/p' "$work/train-accuracy-vs-nl/out.txt")
    if (cd "$dir" && MNIST_DIR=$dir/mnist sh "$SRCDIR/examples/train-accuracy-vs-nl/run.sh" \
            >out.txt 2>err.txt) &&
       mnist=$(sed -n "s|^MNIST ($dir/mnist): ideal \([3-9][0-9]\.[0-9]\) %; nl NL 0: Pmax inf [3-9][0-9]\.[0-9] %.*|\1|p" \
               "$dir/out.txt") && [ -n "$mnist" ] && [ -n "$fashion" ] && [ "$mnist" != "$fashion" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/train-accuracy-vs-nl with MNIST_DIR: expected another accuracy than" \
             "Fashion-MNIST's $fashion %, got: $(cat "$dir/out.txt" "$dir/err.txt")" >&2
    fi
    rm "$dir/mnist/t10k-labels-idx1-ubyte.gz"
    if (cd "$dir" && MNIST_DIR=$dir/mnist sh "$SRCDIR/examples/train-accuracy-vs-nl/run.sh" \
            >out.txt 2>err.txt); then status=0; else status=$?; fi
    if [ "$status" -eq 2 ] && grep -q "has no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz" "$dir/err.txt"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/train-accuracy-vs-nl with an MNIST_DIR short of a file: status $status, $(cat "$dir/err.txt")" >&2
    fi
fi
# The exact and CVODE paths agree on every example with an island advanced exactly (its run's
# summary says so): the example again on a copy of the tree whose circuits ask for
# solver.method = "cvode", every CSV and spike list of the two runs compared by
# tests/compare-methods.awk within the solver's rtol.
tree=$work/cvode-tree
mkdir -p "$tree"
cp -R "$SRCDIR/examples" "$SRCDIR/circuits" "$SRCDIR/stimuli" "$tree/"
for f in "$tree"/examples/*/*.cfg "$tree"/circuits/*.cfg; do
    grep -q '^ *\(components\|arrays\) *=' "$f" || continue
    if grep -q '^ *solver *= *{' "$f"; then
        sed 's/^\( *solver *= *{\)/\1 method = "cvode";/' "$f" >"$f.new" && mv "$f.new" "$f"
    else
        echo 'solver = { method = "cvode"; };' >>"$f"
    fi
done
compared=0
for name in $(ls "$work"); do
    case $name in cvode-*) continue ;; esac
    exact=$(grep -l '^# solver: [1-9][0-9]* islands* exact' "$work/$name"/*.summary.txt 2>/dev/null || true)
    [ -n "$exact" ] || continue
    dir=$work/cvode-$name
    mkdir -p "$dir"
    if ! (cd "$dir" && sh "$tree/examples/$name/run.sh" >out.txt 2>err.txt); then
        fail=$((fail + 1))
        echo "FAIL: examples/$name with solver.method = \"cvode\": $(cat "$dir/err.txt")" >&2
        continue
    fi
    for s in $exact; do
        base=$(basename "$s" .summary.txt)
        rtol=$(sed -n 's/^# solver: .*rtol \([^)]*\))$/\1/p' "$s")
        if res=$(awk -v rtol="$rtol" -f "$SRCDIR/tests/compare-methods.awk" "$work/$name/$base.csv" \
                 "$dir/$base.csv" "$work/$name/$base.spikes.csv" "$dir/$base.spikes.csv"); then
            pass=$((pass + 1))
            compared=$((compared + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: examples/$name: $base.csv, exact islands against CVODE: $res" >&2
        fi
    done
done
if [ "$compared" -eq 0 ]; then
    fail=$((fail + 1))
    echo "FAIL: no example has an island advanced exactly (expected res2-lif-optogenetic's n_res)" >&2
fi
# MNIST_DIR (examples/train-fmes-rreg/mnist.sh): given the Fashion-MNIST files under MNIST's
# names (two raw, two gzipped; the directory relative), the example reads the same bytes and
# prints the same line with "MNIST" for "Fashion-MNIST"; without one of the four files it
# stops with exit status 2 and says which.
fm=/usr/share/datasets/fashion-mnist
if [ -f "$fm/t10k-images-idx3-ubyte.gz" ] && [ -f "$work/train-fmes-rreg/out.txt" ]; then
    m=$work/mnist-dir
    mkdir -p "$m/data" "$m/run"
    cp "$fm/train-images-idx3-ubyte.gz" "$fm/t10k-labels-idx1-ubyte.gz" "$m/data/"
    gzip -dc "$fm/train-labels-idx1-ubyte.gz" >"$m/data/train-labels-idx1-ubyte"
    gzip -dc "$fm/t10k-images-idx3-ubyte.gz" >"$m/data/t10k-images-idx3-ubyte"
    if (cd "$m/run" && MNIST_DIR=../data sh "$SRCDIR/examples/train-fmes-rreg/run.sh" \
            >out.txt 2>err.txt) && grep -q '^MNIST, ' "$m/run/out.txt" &&
       [ "$(sed 's/^MNIST, /Fashion-MNIST, /' "$m/run/out.txt")" = \
         "$(cat "$work/train-fmes-rreg/out.txt")" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/train-fmes-rreg with MNIST_DIR: $(cat "$m/run/out.txt" "$m/run/err.txt")" >&2
    fi
    rm "$m/data/t10k-images-idx3-ubyte"
    status=0
    (cd "$m/run" && MNIST_DIR=../data sh "$SRCDIR/examples/train-fmes-rreg/run.sh" \
        >out2.txt 2>err2.txt) || status=$?
    if [ "$status" -eq 2 ] &&
       grep -q 'has no t10k-images-idx3-ubyte (expected it raw or .gz)' "$m/run/err2.txt"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/train-fmes-rreg with an incomplete MNIST_DIR: status $status," \
             "$(cat "$m/run/err2.txt")" >&2
    fi
fi
# Outside the quick mode an example draws its own picture: fit-your-data's run.sh runs its
# plot.gp when gnuplot is installed.
if command -v gnuplot >/dev/null 2>&1; then
    dir=$work/fit-your-data-plots
    mkdir -p "$dir"
    if (cd "$dir" && QUICK=0 sh "$SRCDIR/examples/fit-your-data/run.sh" >out.txt 2>err.txt) &&
       [ "$(od -An -tx1 -N4 "$dir/fit-your-data.png" | tr -d ' ')" = 89504e47 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: examples/fit-your-data without QUICK drew no fit-your-data.png: $(cat "$dir/err.txt")" >&2
    fi
fi
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
