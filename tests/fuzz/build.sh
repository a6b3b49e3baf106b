#!/bin/sh
# build.sh: compiles libopsin's sources and the fuzz targets with sanitizers in a directory of
# their own (the main build is not touched) and links the drivers: OUT/replay (any C
# compiler, ASan+UBSan) or one libFuzzer binary per target, OUT/fuzz-TARGET (clang).
#   usage: sh tests/fuzz/build.sh replay|libfuzzer OUT
#   env:   CC; FUZZ_CFLAGS (sanitizers and optimisation); FUZZ_LIBS (the libraries, as
#          configure found them: make passes its own); FUZZ_WARN (warning flags)
set -eu
kind=${1:-} out=${2:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
case $kind in
replay) cc=${CC:-gcc} cflags=${FUZZ_CFLAGS:-"-g -O1 -fno-omit-frame-pointer $san"} link="" ;;
libfuzzer) cc=${CC:-clang} link="-fsanitize=fuzzer"
           cflags=${FUZZ_CFLAGS:-"-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san"} ;;
*) echo "usage: sh tests/fuzz/build.sh replay|libfuzzer OUT" >&2; exit 2 ;;
esac
[ -n "$out" ] || { echo "usage: sh tests/fuzz/build.sh replay|libfuzzer OUT" >&2; exit 2; }
sundials="-lsundials_cvode -lsundials_sunlinsolband -lsundials_sunmatrixband
          -lsundials_sunlinsoldense -lsundials_sunmatrixdense -lsundials_nvecserial"
ls /usr/lib/libsundials_generic.* /usr/lib/*/libsundials_generic.* \
   /usr/local/lib/libsundials_generic.* >/dev/null 2>&1 && sundials="$sundials -lsundials_generic"
libs=${FUZZ_LIBS:-"$sundials $(pkg-config --libs gsl libconfig zlib) -lm -lpthread"}
warn=${FUZZ_WARN:-"-Wall -Wextra"}
mkdir -p "$out/obj"
version=$(sed -n 's/^AC_INIT(\[opsin\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
printf '#define PACKAGE_VERSION "%s"\n' "$version" >"$out/config.h"

# compile FILE.c [FLAGS]: one object in OUT/obj, named by its path in the tree.
compile() {
    o="$out/obj/$(printf '%s' "${1#"$src"/}" | tr / _ | sed 's/\.c$/.o/')"
    f=$1
    shift
    # shellcheck disable=SC2086 # flag lists are split on purpose
    $cc $cflags $warn "$@" -I"$out" -I"$src/src" -I"$src/tests/fuzz" \
        $(pkg-config --cflags gsl libconfig zlib) -c "$f" -o "$o"
    echo "$o"
}
objs=""
for f in "$src"/src/engine/*.c "$src"/src/io/*.c "$src"/src/models/*.c \
         "$src"/src/protocols/*.c "$src"/src/protocols/fit/*.c "$src"/src/train/*.c \
         "$src"/tests/fuzz/targets.c; do
    objs="$objs $(compile "$f")"
done
if [ "$kind" = replay ]; then
    # shellcheck disable=SC2086
    $cc $cflags $objs "$(compile "$src/tests/fuzz/replay.c")" -o "$out/replay" $libs
    echo "$out/replay"
    exit 0
fi
# One binary per target of the table in targets.c.
for t in $(grep -o '{"[a-z]*", fuzz_[a-z]*}' "$src/tests/fuzz/targets.c" | cut -d'"' -f2); do
    o=$(compile "$src/tests/fuzz/libfuzzer.c" -DOPSIN_FUZZ_TARGET="$t")
    mv "$o" "$out/obj/libfuzzer-$t.o"
    # shellcheck disable=SC2086
    $cc $cflags $link $objs "$out/obj/libfuzzer-$t.o" -o "$out/fuzz-$t" $libs
    echo "$out/fuzz-$t"
done
