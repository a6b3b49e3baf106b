#!/bin/sh
# golden-bad-inputs.sh: prints tests/bad-inputs.txt from the current messages of opsin, for a
# maintainer who changed a message on purpose: regenerate, then read `git diff` line by line
# before committing (the table is the specification, not a snapshot to refresh blindly).
#   usage: sh tests/golden-bad-inputs.sh > tests/bad-inputs.txt      (from the source tree)
set -eu
opsin=${OPSIN:-src/opsin}
echo "# bad-inputs.txt: golden diagnostics, FILE|KIND|MESSAGE: each bad input file (relative to the"
echo "# source tree), whether it is a circuit or a stimulus (checked against circuits/fmes.cfg),"
echo "# and the exact one-line message opsin must give for it.  See tests/golden-bad-inputs.sh."
for f in tests/bad tests/bad/does-not-exist.cfg tests/bad/stim-does-not-exist.cfg /dev/zero tests/bad/*.cfg; do
    case $(basename "$f") in
    stim-*) k=stimulus; m=$("$opsin" check circuits/fmes.cfg "$f" 2>&1 >/dev/null || true) ;;
    *) k=circuit; m=$("$opsin" check "$f" 2>&1 >/dev/null || true) ;;
    esac
    echo "$f|$k|$m"
done
