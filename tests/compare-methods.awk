# compare-methods.awk: whether two runs of one circuit, A with exact islands and B with CVODE
# everywhere (solver.method "auto" and "cvode"), agree within B's solver tolerance.
#   usage: awk -v rtol=RTOL -f compare-methods.awk A.csv B.csv A.spikes.csv B.spikes.csv
# Prints one line "ok ..." or "FAIL ..." (exit status 0 or 1).  K = 100 local error bounds
# rtol |v| + atol make the tolerance: CVODE bounds each step's local error by one, and the
# steps it takes within about a time constant add up (tests/check_exact.c measures up to 31
# on a lif).  atol is rtol times the column's scale: 1 V for voltages (a lif's V, as
# opsin-circuit(5) gives it with solver.atol_scale = 1; a device coupled to a neuron makes
# its errors in the neuron's V), else the column's largest magnitude.
#   Spikes: the same number for every neuron; each interval (and the first spike time) within
#     K tol_V / slope + 2 up, tol_V the tolerance of the neuron's column ID.V at the threshold,
#     slope its rate of rise there in A (the chord to the row before the spike), and up the
#     largest gap so far between the two runs' spikes of the other neurons (their spikes
#     drive it, through connections and devices, that much apart).  A neuron with no V
#     column is checked by its count only.
#   Rows: every row whose time both runs share (the grid, pulse edges; spike and refractory
#     rows fall at each run's own times) where every neuron has fired as often in both, each
#     column within K (rtol (|a| + max |column|)) + 2 |slope| shift: B's spikes come shift
#     apart from A's (the largest gap between the two runs' latest spikes), and the column
#     moves by about slope (its steepest chord to the neighbouring rows in either run, which
#     sees the one still held refractory rising in the other) times that.
BEGIN { FS = ","; K = 100 }
FNR == 1 { file++ }
file <= 2 && FNR == 1 {
    if (file == 1) {
        ncol = NF
        for (j = 2; j <= NF; j++) { head[j] = $j; if ($j ~ / \(V\)$/) cmax[j] = 1 }
    }
    else if ($0 != header) { print "FAIL headers differ: " header " | " $0; bad = 1; exit 1 }
    header = $0
    next
}
file <= 2 {
    n[file]++
    rt[file, n[file]] = $1 + 0
    for (j = 2; j <= ncol; j++) {
        v[file, n[file], j] = $j + 0
        if (file == 1 && ($j < 0 ? -$j : $j) > cmax[j]) cmax[j] = $j < 0 ? -$j : $j
    }
    next
}
FNR == 1 { next }
{
    s = file - 2
    who = $2
    if (!(who in known)) { known[who] = 1; names[++nnames] = who }
    ns[s, who]++
    st[s, who, ns[s, who]] = $1 + 0
}
function absv(x) { return x < 0 ? -x : x }
# Row index of A at or before time t (the left row at an edge); 0 if none.
function row_before(t,    lo, hi, mid) {
    lo = 0; hi = n[1]
    while (lo < hi) { mid = int((lo + hi + 1) / 2); if (rt[1, mid] < t) lo = mid; else hi = mid - 1 }
    return lo
}
# Spikes of `who` in run s strictly before t.
function fired(s, who, t,    lo, hi, mid) {
    lo = 0; hi = ns[s, who] + 0
    while (lo < hi) { mid = int((lo + hi + 1) / 2); if (st[s, who, mid] < t) lo = mid; else hi = mid - 1 }
    return lo
}
# Steepest chord of column j of run f from row i to its neighbours (none across an edge).
function slope(f, i, j,    m, d) {
    m = 0
    if (i > 1 && rt[f, i - 1] < rt[f, i]) {
        d = absv(v[f, i, j] - v[f, i - 1, j]) / (rt[f, i] - rt[f, i - 1]); if (d > m) m = d
    }
    if (i < n[f] && rt[f, i + 1] > rt[f, i]) {
        d = absv(v[f, i + 1, j] - v[f, i, j]) / (rt[f, i + 1] - rt[f, i]); if (d > m) m = d
    }
    return m
}
END {
    if (bad) exit 1
    if (n[1] == 0 || n[2] == 0) { print "FAIL no rows"; exit 1 }
    spikes = 0
    for (q = 1; q <= nnames; q++) {
        who = names[q]
        if (ns[1, who] != ns[2, who]) {
            print "FAIL " who ": " ns[1, who] + 0 " spikes with exact islands, " ns[2, who] + 0 " with CVODE"
            exit 1
        }
        for (k = 1; k <= ns[1, who]; k++) { # the largest gap up to spike k
            g = absv(st[1, who, k] - st[2, who, k])
            gap[who, k] = k > 1 && gap[who, k - 1] > g ? gap[who, k - 1] : g
        }
    }
    for (q = 1; q <= nnames; q++) {
        who = names[q]
        spikes += ns[1, who]
        vc = 0
        for (j = 2; j <= ncol; j++) if (head[j] == who ".V (V)") vc = j
        if (!vc) continue
        for (k = 1; k <= ns[1, who]; k++) {
            ta = st[1, who, k]; tb = st[2, who, k]
            i = row_before(ta)  # the row before the spike's left row
            if (i < 1) continue
            il = i + 1          # the left row at the spike: V at the threshold
            sl = (v[1, il, vc] - v[1, i, vc]) / (ta - rt[1, i])
            if (!(sl > 0)) continue
            up = 0
            for (o = 1; o <= nnames; o++)
                if (o != q && (m = fired(1, names[o], ta)) > 0 && gap[names[o], m] > up)
                    up = gap[names[o], m]
            tol = K * rtol * (absv(v[1, il, vc]) + cmax[vc]) / sl + 2 * up
            da = k > 1 ? ta - st[1, who, k - 1] : ta
            db = k > 1 ? tb - st[2, who, k - 1] : tb
            if (absv(da - db) > tol) {
                printf "FAIL %s spike %d: interval %.17g s with exact islands, %.17g s with CVODE (tolerance %.3g s)\n", who, k, da, db, tol
                exit 1
            }
            intervals++
        }
    }
    # rows at the times both runs share, in order (an edge's left and right rows pair up)
    ia = 1; ib = 1; compared = 0
    while (ia <= n[1] && ib <= n[2]) {
        if (rt[1, ia] < rt[2, ib]) { ia++; continue }
        if (rt[2, ib] < rt[1, ia]) { ib++; continue }
        t = rt[1, ia]; shift = 0; phase = 1
        for (q = 1; q <= nnames; q++) {
            who = names[q]; ka = fired(1, who, t)
            if (ka != fired(2, who, t)) { phase = 0; break }
            if (ka > 0 && absv(st[1, who, ka] - st[2, who, ka]) > shift)
                shift = absv(st[1, who, ka] - st[2, who, ka])
        }
        if (phase) {
            for (j = 2; j <= ncol; j++) {
                a = v[1, ia, j]; b = v[2, ib, j]
                sa = slope(1, ia, j); sb = slope(2, ib, j)
                tol = K * rtol * (absv(a) + cmax[j]) + 2 * (sa > sb ? sa : sb) * shift
                if (absv(a - b) > tol) {
                    printf "FAIL %s at t = %.17g s: %.17g with exact islands, %.17g with CVODE (tolerance %.3g)\n", head[j], t, a, b, tol
                    exit 1
                }
            }
            compared++
        }
        ia++; ib++
    }
    if (compared < (n[1] - 4 * spikes) / 2) {
        printf "FAIL only %d of %d rows compared\n", compared, n[1]
        exit 1
    }
    printf "ok %d rows, %d spikes, %d intervals within tolerance (rtol %g)\n", compared, spikes, intervals, rtol
}
