#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Splits a guest tier's cases among N guests booted side by side, without ever
# separating a case from the cases whose state it uses.
#
#   plan-shards.sh DIR N [TIMES_FILE...]
#
# A case says what it uses in its leading comments:
#   # needs: nothing              it makes all it uses itself (fresh_vg ...)
#   # needs: 20-init 40-add-layer it uses what those cases left
# A case without a "needs:" line uses what every case before it left, as if
# the whole directory ran in one boot: it and every earlier case stay together.
# Cases linked that way form a group; a group runs whole, in name order, in
# one guest, and groups never interleave, so no group sees another half-done.
# Groups go to the guest with the least work so far, longest group first
# (LPT); a case's work is its seconds in TIMES_FILE ("NAME SECONDS" lines from
# an earlier run, see run-cases.sh), else DEFAULT_CASE_SECONDS.
# NODECON_CASES (a glob) keeps only the cases it matches, as run-cases.sh does.
# Prints one line per guest that has work: its case names in running order.
set -euo pipefail

DEFAULT_CASE_SECONDS=30
[ $# -ge 2 ] || { echo "usage: $0 DIR N [TIMES_FILE...]" >&2; exit 2; }
dir=$1 shards=$2
shift 2
[ -d "$dir" ] || { echo "$0: no such directory: $dir" >&2; exit 2; }
case $shards in '' | *[!0-9]* | 0) echo "$0: N must be a positive number: $shards" >&2; exit 2 ;; esac

{
        # times of earlier runs first ("T NAME SECONDS"), then the cases ("C NAME NEEDS...")
        for f in "$@"; do
                [ -r "$f" ] && awk 'NF == 2 && $2 ~ /^[0-9.]+$/ { print "T", $1, $2 }' "$f"
        done
        for case_file in "$dir"/*.sh; do
                [ -f "$case_file" ] || continue
                name=$(basename "$case_file" .sh)
                # shellcheck disable=SC2254
                case $name in ${NODECON_CASES:-*}) ;; *) continue ;; esac
                needs=$(awk '!/^#/ { exit } sub(/^#[ \t]*needs:[ \t]*/, "") { sub(/[ \t]*\(.*$/, ""); print; exit }' \
                        "$case_file")
                printf 'C %s %s\n' "$name" "${needs:-@earlier}"
        done
} | awk -v shards="$shards" -v dflt="$DEFAULT_CASE_SECONDS" '
function find(x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x }
function join(a, b) { a = find(a); b = find(b); if (a != b) parent[b] = a }
$1 == "T" { secs[$2] = $3; next }
$1 == "C" {
        name = $2; order[++n] = name; parent[name] = name
        for (i = 3; i <= NF; i++) {
                if ($i == "nothing") continue
                if ($i == "@earlier") { for (j = 1; j < n; j++) join(order[j], name); continue }
                # a case filtered out by NODECON_CASES is not run: nothing to join
                if ($i in parent) join($i, name)
        }
}
END {
        # groups in the order of their first case, with their total work
        for (i = 1; i <= n; i++) {
                r = find(order[i])
                if (!(r in gwork)) { groups[++ng] = r; gwork[r] = 0 }
                gwork[r] += (order[i] in secs) ? secs[order[i]] : dflt
                members[r] = members[r] (members[r] == "" ? "" : " ") order[i]
        }
        # longest group first (stable: ties keep name order), each to the least loaded guest
        for (i = 1; i <= ng; i++) sorted[i] = groups[i]
        for (i = 2; i <= ng; i++) {
                g = sorted[i]
                for (j = i - 1; j >= 1 && gwork[sorted[j]] < gwork[g]; j--) sorted[j + 1] = sorted[j]
                sorted[j + 1] = g
        }
        for (s = 1; s <= shards; s++) load[s] = 0
        for (i = 1; i <= ng; i++) {
                g = sorted[i]; best = 1
                for (s = 2; s <= shards; s++) if (load[s] < load[best]) best = s
                load[best] += gwork[g]; shard_of[g] = best
        }
        # each guest runs its groups in the order of their first case
        for (s = 1; s <= shards; s++) {
                line = ""
                for (i = 1; i <= ng; i++) if (shard_of[groups[i]] == s) line = line (line == "" ? "" : " ") members[groups[i]]
                if (line != "") print line
        }
}'
