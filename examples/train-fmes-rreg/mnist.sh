# mnist.sh: sourced by run.sh here and by ../train-fmes-adapt/run.sh.  When MNIST_DIR names a
# directory holding MNIST's four files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
# t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each raw or .gz), sets the positional
# parameters to the `opsin train --set` options that point the network file at them and
# `data` to "MNIST"; else clears them and sets `data` to "Fashion-MNIST" (the files named in
# the network file).
set --
data=Fashion-MNIST
if [ -n "${MNIST_DIR:-}" ]; then
    case $MNIST_DIR in /*) ;; *) MNIST_DIR=$PWD/$MNIST_DIR ;; esac
    for kf in train.images=train-images-idx3-ubyte train.labels=train-labels-idx1-ubyte \
              test.images=t10k-images-idx3-ubyte test.labels=t10k-labels-idx1-ubyte; do
        f=$MNIST_DIR/${kf#*=}
        if [ -f "$f.gz" ]; then f=$f.gz
        elif [ ! -f "$f" ]; then
            echo "run.sh: MNIST_DIR=$MNIST_DIR has no ${kf#*=} (expected it raw or .gz)" >&2
            exit 2
        fi
        set -- "$@" --set "dataset.${kf%%=*}=\"$f\""
    done
    data=MNIST
fi
