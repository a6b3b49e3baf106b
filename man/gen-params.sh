#!/bin/sh
# gen-params.sh: prints the PARAMETERS list of one model in man(7) markup, from the model's
# own parameter table (`opsin models MODEL`), so that man/opsin-models.7 cannot drift from the
# code: tests/run-e2e.sh checks that the page holds exactly this text between its markers.
#   usage: sh man/gen-params.sh MODEL [path/to/opsin]
set -eu
model=$1
opsin=${2:-src/opsin}
"$opsin" models "$model" | awk '
    /^parameters:/ { p = 1; getline; next }
    /^$/ { p = 0 }
    p {
        name = $1; unit = $2; def = $3
        $1 = $2 = $3 = ""
        sub(/^ +/, "")
        gsub(/\\/, "\\\\")
        gsub(/-/, "\\-")
        printf ".TP\n.BR %s \" (%s; default %s)\"\n%s.\n", name,
               (unit == "-" ? "dimensionless" : unit), def, $0
    }'
