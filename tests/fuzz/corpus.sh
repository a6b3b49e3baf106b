#!/bin/sh
# corpus.sh: makes the seed corpus of the fuzz targets in DIR from the source tree: links to
# the circuits, stimuli, bad inputs, example files and crash reproducers; the same with every
# @include expanded for files that have one (the targets refuse @include); a file per line
# of tests/fuzz/seeds.txt; and DIR.dict, a libFuzzer dictionary of the names and punctuation
# of the seed files (the fuzzer cannot see inside libconfig, which is not instrumented).
#   usage: sh tests/fuzz/corpus.sh DIR   (prints the number of seed files)
set -eu
dir=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$dir"
mkdir -p "$dir"
n=0
# expand FILE: FILE with each @include line replaced by the included file's lines (an
# include of anything but a regular file, such as a bad input's directory, is dropped).
expand() {
    awk -v base="$(dirname "$1")" '
        /^[ \t]*@include[ \t]+"/ { split($0, q, "\""); f = base "/" q[2]
                                   if (system("test -f \"" f "\"") != 0) next
                                   while ((getline l < f) > 0) print l; close(f); next }
        { print }' "$1"
}
for f in "$src"/circuits/*.cfg "$src"/stimuli/*.cfg "$src"/tests/bad/*.cfg \
         "$src"/tests/bad/include/* "$src"/examples/*/*.cfg "$src"/examples/*/*.csv \
         "$src"/tests/fuzz/crashes/*-*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    name=$(printf '%s' "${f#"$src"/}" | tr / _)
    ln -s "$f" "$dir/$name"
    if grep -q '@include' "$f"; then
        expand "$f" >"$dir/expanded-$name"
        n=$((n + 1))
    fi
done
k=0
while IFS= read -r line; do
    case $line in '#'*) continue ;; esac
    k=$((k + 1))
    printf '%b' "$line" >"$dir/seed-$k"
done <"$src/tests/fuzz/seeds.txt"
{
    for t in '=' ';' ',' '(' ')' '{' '}' '[' ']' '\"' ':' 'log:' 'open'; do echo "\"$t\""; done
    sed 's/#.*//' "$dir"/* | grep -aoE '[A-Za-z_][A-Za-z0-9_]*' | sort -u | sed 's/.*/"&"/'
} >"$dir.dict"
echo $((n + k))
