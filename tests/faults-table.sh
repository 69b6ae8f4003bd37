#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/faults-table.sh [RESULTS-DIR]: the fault campaign's table, operation x
# point x fault -> outcome, from the "# fault: ..." rows the campaign's tests
# print (tests/engine/faults.inc, tests/netns/network.sh's faults section,
# tests/guest/lvm/73-upgrade-faults.sh and 77-faults.sh) in the tiers' logs.
# Writes RESULTS-DIR/faults.txt (default build/results) and prints it.
# Exits 1 when a row says FAILED or no row was found.
set -u
results=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/results}
out=$results/faults.txt
{
        printf '%-10s | %-20s | %-7s | %s\n' operation point fault outcome
        printf '%s\n' '-----------+----------------------+---------+--------------------------------------'
        for tier in engine netns lvm; do
                [ -f "$results/$tier.log" ] && sed -n 's/^.*# fault: //p' "$results/$tier.log"
        done | sort -s -t'|' -k1,1
        echo "QEMU killed mid-write during an upgrade: see make check-uefi/lifecycle"
} > "$out"
cat "$out"
rows=$(grep -c ' | kill\| | fail\| | term' "$out")
[ "$rows" -gt 0 ] || { echo "no fault rows found in $results/*.log" >&2; exit 1; }
! grep -q '| FAILED' "$out"
