#!/bin/sh
# gen-params.sh: the generated blocks of the man pages (parameters, states, outputs of a model
# in man(7) markup) from the model's own tables, read as tab-separated rows from
# `opsin models --tsv MODEL`, so a unit such as 1/(V s) stays one field and the pages cannot
# drift from the code: tests/e2e-man.sh checks that every block of the pages holds exactly
# this text.
#   usage: sh man/gen-params.sh params|states|outputs MODEL [path/to/opsin]
#          sh man/gen-params.sh --update [path/to/opsin]   (rewrites every block of man/*.[157])
set -eu
here=$(dirname "$0")

# One block: the rows of one kind, each a tagged paragraph "NAME (UNIT; ...)" and its meaning.
block() {
    "$2" models --tsv "$3" | awk -F '\t' -v kind="$1" '
        # roff text: backslashes doubled, hyphens as minus signs, no request at a line start.
        function roff(s) {
            gsub(/\\/, "\\\\", s)
            gsub(/-/, "\\-", s)
            if (s ~ /^[.\047]/) s = "\\&" s
            return s
        }
        $1 == substr(kind, 1, length(kind) - 1) {
            unit = ($3 == "" ? "dimensionless" : roff($3))
            if (kind == "params" && $4 == "(none)") what = "the id of a component; no default"
            else if (kind == "params") what = unit "; default " roff($4)
            else if (kind == "states") what = unit "; natural size " roff($4)
            else what = unit
            printf ".TP\n.BR %s \" (%s)\"\n%s.\n", $2, what, roff($5)
        }'
}

# Every block between its markers, regenerated in place.
update() {
    for page in "$here"/*.[157]; do
        awk -v gen="sh $here/gen-params.sh" -v opsin="$1" '
            skip && /^\.\\" END / { skip = 0 }
            skip { next }
            { print }
            /^\.\\" BEGIN (PARAMETERS|STATES|OUTPUTS) / {
                kind = ($3 == "PARAMETERS" ? "params" : tolower($3))
                cmd = gen " " kind " " $4 " " opsin
                while ((cmd | getline line) > 0) print line
                if (close(cmd) != 0) exit 1
                skip = 1
            }' "$page" >"$page.tmp"
        if cmp -s "$page" "$page.tmp"; then rm "$page.tmp"; else mv "$page.tmp" "$page"; fi
    done
}

case ${1:-} in
params | states | outputs)
    [ $# -ge 2 ] || { echo "usage: sh man/gen-params.sh $1 MODEL [opsin]" >&2; exit 2; }
    block "$1" "${3:-src/opsin}" "$2" ;;
--update) update "${2:-src/opsin}" ;;
*) echo "usage: sh man/gen-params.sh params|states|outputs MODEL [opsin] | --update [opsin]" >&2
   exit 2 ;;
esac
