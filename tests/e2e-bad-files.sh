#!/bin/sh
# e2e-bad-files.sh: files that are not what they claim, from the command line: CSVs with a
# column name twice, a row with an extra cell, a NUL byte; /dev/zero and a directory where a
# file belongs.  Each is refused with status 2, its one golden line on stderr, no file written.
set -eu
. "$(dirname "$0")/e2e-lib.sh"

cd "$work"

# --- opsin fit: CSVs
printf 'x,y,x (s)\n1,2,3\n2,3,4\n3,4,5\n4,5,6\n5,6,7\n' >dup.csv
expect_error "dup.csv:1: column name 'x' is given twice (columns 1 and 3) (expected each column named once)" \
    fit ppf dup.csv -o out.csv
printf 'x,y\n1,1.5\n2,1.4,9\n3,1.3\n4,1.2\n5,1.1\n' >extra.csv
expect_error "extra.csv:3: 3 cells in a row under a header of 2 columns (expected at most one cell per column)" \
    fit ppf extra.csv -o out.csv
printf 'x,y\n1,1.5\n2,1.\0004\n3,1.3\n4,1.2\n5,1.1\n' >nul.csv
expect_error "nul.csv:3: a NUL byte at column 5 (expected a text file)" fit ppf nul.csv -o out.csv
expect_error "/dev/zero:1: a NUL byte at column 1 (expected a text file)" fit ppf /dev/zero -o out.csv
mkdir dir.csv
expect_error "dir.csv: cannot open: Is a directory (expected a readable CSV file)" fit ppf dir.csv -o out.csv
# a pipe is a CSV file like any other
printf 'x,y\n1,1.5\n2,1.38\n3,1.3\n4,1.25\n5,1.21\n6,1.18\n' >good.csv
run_opsin fit decay /dev/stdin <good.csv
if [ "$status" -eq 0 ] && grep -q '^model decay: 6 points' "$work/stdout"; then ok
else bad "fit from a pipe: status $status, $(cat "$work/stderr")"; fi

# --- opsin check and run: /dev/zero and a directory are not libconfig files
zero="/dev/zero: cannot read the file: not a regular file (a device, FIFO or socket) (expected a readable libconfig file)"
expect_error "$zero" check /dev/zero
expect_error "$zero" run /dev/zero -o out.csv
expect_error "$zero" run "$SRCDIR/circuits/fmes.cfg" /dev/zero -o out.csv
expect_error "dir.csv: cannot read the file: Is a directory (expected a readable libconfig file)" check dir.csv

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
