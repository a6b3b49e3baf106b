# e2e-lib.sh: what every command-line test script shares (sourced, not run): the source tree
# and the opsin under test, a scratch directory removed at exit, pass/fail counters,
# run_opsin, which runs opsin (under $OPSIN_VALGRIND, word-split, when set) with both streams
# captured: the status goes to $status, stdout to $work/stdout, stderr to $work/stderr
# without valgrind's own "==PID==" lines (its errors show in the status via --error-exitcode),
# and expect_error for bad input.
SRCDIR=$(cd "${SRCDIR:-$(dirname "$0")/..}" && pwd)
OPSIN=${OPSIN:-$SRCDIR/src/opsin}
case $OPSIN in /*) ;; *) OPSIN=$(pwd)/$OPSIN ;; esac
VG=${OPSIN_VALGRIND:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

run_opsin() {
    status=0
    $VG "$OPSIN" "$@" >"$work/stdout" 2>"$work/stderr.raw" || status=$?
    grep -v '^==[0-9]*==' "$work/stderr.raw" >"$work/stderr" || true
}

# Bad input: `expect_error WANT ARGS...` runs opsin ARGS and expects status 2, exactly the
# golden line(s) WANT on stderr, nothing on stdout, no $work/out.csv and no temporary file.
expect_error() {
    want=$1
    shift
    rm -f "$work/out.csv"
    run_opsin "$@"
    if [ "$status" -eq 2 ] && [ "$(cat "$work/stderr")" = "$want" ] && [ ! -s "$work/stdout" ] &&
       [ ! -e "$work/out.csv" ] && [ -z "$(ls "$work" | grep tmp)" ]; then ok
    else bad "$*: status $status, stderr '$(cat "$work/stderr")' (expected '$want')"; fi
}

# --resume (e2e-resume.sh, e2e-mpi.sh): the rows in partial file $1 (lines that start with a
# digit), 0 when there is none; a row count in 1 .. $2 drawn from seed $1.
rows_of() {
    if [ -e "$1" ]; then grep -c '^[0-9]' "$1" || true; else echo 0; fi
}
draw() {
    awk -v s="$1" -v n="$2" 'BEGIN { srand(s); print 1 + int(rand() * n) }'
}
# kill_at_rows PID: once $out.partial holds $k rows (or PID ended, or after 60 s), kills PID
# and the processes it started (mpirun's ranks) with SIGKILL; $got: the rows there were.
kill_at_rows() {
    _w=0
    while [ "$(rows_of "$out.partial")" -lt "$k" ] && kill -0 "$1" 2>/dev/null &&
          [ "$_w" -lt 6000 ]; do
        sleep 0.01
        _w=$((_w + 1))
    done
    # shellcheck disable=SC2046 # the pids are words
    kill -9 $(ps -o pid= --ppid "$1") "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    got=$(rows_of "$out.partial")
}

# opsin train (e2e-train.sh, e2e-grid.sh): a tiny 4-class data set.
# idx N OFFSET PREFIX: PREFIX-images.idx and PREFIX-labels.idx, N images of 4 x 4 pixels,
# image i of class k = (i + OFFSET) mod 4 bright (200..255) in quadrant k, dim (0..59)
# elsewhere, the values a fixed function of i and the pixel (no random numbers).
idx() {
    awk -v n="$1" -v off="$2" 'function b(v) { printf "\\%03o", v }
        BEGIN { b(0); b(0); b(8); b(3); b(0); b(0); b(int(n / 256)); b(n % 256)
                b(0); b(0); b(0); b(4); b(0); b(0); b(0); b(4)
                for (i = 0; i < n; i++) { k = (i + off) % 4
                    for (p = 0; p < 16; p++) { r = int(p / 4); c = p % 4
                        hot = int(r / 2) == int(k / 2) && int(c / 2) == k % 2
                        b(hot ? 200 + ((i + off) * 7 + p) % 56 : ((i + off) * 37 + p * 11) % 60) } } }' >fmt
    printf "$(cat fmt)" >"$3-images.idx"
    awk -v n="$1" -v off="$2" 'function b(v) { printf "\\%03o", v }
        BEGIN { b(0); b(0); b(8); b(1); b(0); b(0); b(int(n / 256)); b(n % 256)
                for (i = 0; i < n; i++) b((i + off) % 4) }' >fmt
    printf "$(cat fmt)" >"$3-labels.idx"
    rm -f fmt
}
