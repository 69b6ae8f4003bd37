#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-cases.sh DIR... : runs every DIR/*.sh case in name order, each in its own
# shell with tests/guest/lib.sh sourced first, in one boot.  Prints TAP (to the
# serial console when run in a guest), writes it to build/results/<tier>.tap
# (tier = $NODECON_TIER, or $NODECON_TAP_NAME if set), and exits non-zero if
# any test failed or any case crashed.
#   NODECON_CASE_TIMEOUT   seconds a case may take (default 600)
#   NODECON_CASES          only run cases whose name matches this glob
#   NODECON_CASE_LIST      only run these cases (names without .sh), in this
#                          order (tests/guest/plan-shards.sh makes such lists)
# Each case's seconds go to build/results/<tier>.times ("NAME SECONDS"), which
# plan-shards.sh reads to balance the next run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIB=$HERE/lib.sh
[ $# -gt 0 ] || { echo "usage: $0 DIR..." >&2; exit 2; }

tier=${NODECON_TIER:-host}
results=$ROOT/build/results
mkdir -p "$results"
tap=$results/${NODECON_TAP_NAME:-$tier}.tap
work=$(mktemp -d "${TMPDIR:-/tmp}/cases.XXXXXX")
trap 'rm -rf "$work"' EXIT
: > "$work/tap"

tap_line() {
        echo "$1"
        echo "$1" >> "$work/tap"
}

uptime_s() { cut -d' ' -f1 /proc/uptime 2>/dev/null || echo 0; }

# The case files to run, in order: every DIR/*.sh by name, or NODECON_CASE_LIST's.
case_files() {
        for dir in "$@"; do
                case $dir in /*) ;; *) dir=$ROOT/$dir ;; esac
                [ -d "$dir" ] || { echo "missing $dir"; continue; }
                if [ -n "${NODECON_CASE_LIST:-}" ]; then
                        for name in $NODECON_CASE_LIST; do
                                [ -f "$dir/$name.sh" ] && echo "case $dir/$name.sh"
                        done
                else
                        for case_file in "$dir"/*.sh; do
                                [ -f "$case_file" ] && echo "case $case_file"
                        done
                fi
        done
}

: > "$work/times"
ncases=0
case_files "$@" > "$work/files"
while read -r what case_file; do
        [ "$what" = case ] || { tap_line "not ok - $case_file: no such directory"; continue; }
        dir=$(dirname "$case_file")
        name=$(basename "$case_file" .sh)
        # shellcheck disable=SC2254
        case $name in ${NODECON_CASES:-*}) ;; *) continue ;; esac
        ncases=$((ncases + 1))
        : > "$work/state"
        started=$(uptime_s)
        echo "# case $name (${started}s)"
        {
                (
                        cd "$ROOT" &&
                                NODECON_CASE=$name NODECON_TAP_STATE=$work/state CASE_DIR=$dir \
                                timeout "${NODECON_CASE_TIMEOUT:-600}" \
                                sh -c '. "$1"; . "$2"' case "$LIB" "$case_file" < /dev/null
                )
                echo $? > "$work/rc"
        } 2>&1 | tee "$work/out"
        grep -E '^(not )?ok |^# ' "$work/out" | grep -v '^# case ' >> "$work/tap"
        rc=$(cat "$work/rc")
        ran=$(wc -l < "$work/state")
        failed=$(grep -c '^fail$' "$work/state")
        if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
                tap_line "not ok - $name: the case stopped with status $rc (crashed, timed out or exited early)"
        elif [ "$rc" -eq 0 ] && [ "$ran" -eq 0 ]; then
                tap_line "not ok - $name: the case ran no test"
        fi
        awk -v n="$name" -v a="$started" -v b="$(uptime_s)" 'BEGIN { printf "%s %.1f\n", n, b - a }' >> "$work/times"
done < "$work/files"

passed=$(grep -c '^ok ' "$work/tap")
failed=$(grep -c '^not ok ' "$work/tap")
[ "$ncases" -gt 0 ] || tap_line "not ok - no case found in: $*"
failed=$(grep -c '^not ok ' "$work/tap")
tap_line "1..$((passed + failed))"
tap_line "# $tier: $passed passed, $failed failed"
cp "$work/tap" "$tap.tmp.$$" && mv "$tap.tmp.$$" "$tap"
times=${tap%.tap}.times
cp "$work/times" "$times.tmp.$$" && mv "$times.tmp.$$" "$times"
[ "$failed" -eq 0 ]
