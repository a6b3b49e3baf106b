# stair.awk: the staircase of the device kind as one stimulus file: the sources of the LTP
# one-pulse file repeated np times every period from t = 0, then those of the LTD file nd
# times from t = np periods (usage: awk -v np=N -v nd=M -v period=1 -f stair.awk LTP LTD).
FNR == 1 { file++ }
/^sources *= *\(/ { inside = 1; next }
inside && /^\);/ { inside = 0; next }
inside {
    line = $0
    n = (file == 1) ? np : nd
    off = (file == 1) ? 0 : np * period
    if (match(line, /start = "[-0-9.e]+ m?s"/)) {
        split(substr(line, RSTART, RLENGTH), a, "\"")
        split(a[2], v, " ")
        t = v[1] * (v[2] == "ms" ? 1e-3 : 1) + off
        line = substr(line, 1, RSTART - 1) sprintf("start = \"%.6f s\"; period = \"%g s\"; count = %d", t, period, n) substr(line, RSTART + RLENGTH)
    }
    sub(/},? *$/, "}", line)
    if (line ~ /}$/) { src[++ns] = body line; body = "" } else body = body line "\n"
}
END {
    print "sources = ("
    for (i = 1; i <= ns; i++) print src[i] (i < ns ? "," : "")
    print ");"
    printf "t_end = \"%g s\";\n", (np + nd) * period + period
}
