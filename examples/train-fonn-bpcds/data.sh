# data.sh: sourced by the run.sh of the training examples.  Sets data (the data set's name)
# and set_data (opsin train --set options, to be eval'd) from MNIST_DIR: the four MNIST
# files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
# t10k-labels-idx1-ubyte there, each raw or .gz (a name holding ' is not supported); without
# MNIST_DIR, the network file's own (Fashion-MNIST).  A missing file: exit status 2.
set_data= data=Fashion-MNIST
if [ -n "${MNIST_DIR:-}" ]; then
    # opsin train resolves file names against the network file's directory: absolute here
    case $MNIST_DIR in /*) ;; *) MNIST_DIR=$PWD/$MNIST_DIR ;; esac
    data="MNIST ($MNIST_DIR)"
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte \
             t10k-labels-idx1-ubyte; do
        if [ -f "$MNIST_DIR/$f.gz" ]; then p=$MNIST_DIR/$f.gz
        elif [ -f "$MNIST_DIR/$f" ]; then p=$MNIST_DIR/$f
        else echo "run.sh: MNIST_DIR=$MNIST_DIR has no $f or $f.gz" >&2; exit 2; fi
        case $f in
            train-images*) k=train.images ;; train-labels*) k=train.labels ;;
            t10k-images*) k=test.images ;; *) k=test.labels ;;
        esac
        set_data="$set_data --set 'dataset.$k=\"$p\"'"
    done
fi
