#!/bin/sh
# replay.sh: CI's fuzz check: builds the replay driver with ASan+UBSan (gcc by default, CC=clang
# works) from the library sources in a directory of its own, then runs the seed corpus and
# every crash reproducer (tests/fuzz/crashes/) through every fuzz target; fails on any
# sanitizer report, leak or broken parser promise.  DIRs add their files (a fuzzer's new
# corpus: campaigns run without leak checks, which cost 7x in speed; this finds the leaks).
#   usage: sh tests/fuzz/replay.sh [OUT [DIR...]]   (OUT: build directory, default ./fuzz-replay)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-fuzz-replay}
[ $# -gt 0 ] && shift
# The libraries and warnings as configure found them, when run from a configured build
# directory.
if [ -z "${FUZZ_LIBS:-}" ] && [ -f Makefile ] && grep -q '^LIBCONFIG_LIBS =' Makefile; then
    FUZZ_LIBS=$(sed -n 's/^\(LIBS\|GSL_LIBS\|LIBCONFIG_LIBS\|ZLIB_LIBS\) = //p' Makefile |
                tr '\n' ' ')
    FUZZ_WARN=${FUZZ_WARN:-$(sed -n 's/^WARN_CFLAGS = //p' Makefile)}
    export FUZZ_LIBS FUZZ_WARN
fi
sh "$src/tests/fuzz/build.sh" replay "$out" >/dev/null
n=$(sh "$src/tests/fuzz/corpus.sh" "$out/corpus")
for d in "$@"; do
    for f in "$d"/*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$out/corpus/extra-$n"
    done
done
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
LSAN_OPTIONS=suppressions="$src/tests/fuzz/lsan.supp" \
    "$out/replay" "$out"/corpus/* >"$out/replay.log" 2>&1 || {
    cat "$out/replay.log"
    echo "fuzz replay: FAILED on the last file replayed (above)"
    exit 1
}
# A replay that ran fewer files than the corpus holds tested less than it claims.
if ! grep -q "^replayed $n files through [1-9][0-9]* targets$" "$out/replay.log"; then
    cat "$out/replay.log"
    echo "fuzz replay: expected $n files replayed"
    exit 1
fi
echo "fuzz replay: $(tail -1 "$out/replay.log") under ASan+UBSan"
