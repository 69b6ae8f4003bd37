#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: prints the benchmark figures and writes build/results/bench.csv.
# Layer listing: for layouts of 2, 20 and 100 layers on a real thin pool (in the
# LVM guest), the wall time of `nodectl layers --json` against a bare `lvs` of
# the same VG, and the number of lvm processes each starts.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
mkdir -p build/results
rm -f build/results/bench-layers.csv

# The console on a serial line (DESIGN.md §5): nodecon on a vt100 80x24 pty.
make -s O=build/tui all build/tui/vterm-harness
echo "nodecon on vt100 80x24 (libvterm harness; targets: first frame ≤ 50 ms, RSS ≤ 10 MB,"
echo "full frame ≤ 4 KB, dashboard tick ≤ 256 B)"
O=build/tui tests/tui/run.sh tests/tui/cases/bench.vt | sed -n 's/^# bench: /  /p; /^not ok/p'
echo
log=build/results/bench-guest.log
if ! tests/node/lvm-guest.sh --disk 4G --timeout 1500 -- tests/bench/guest-layers.sh >"$log" 2>&1; then
        echo "bench: the guest run failed; see $log" >&2
        tail -30 "$log" >&2
        exit 1
fi
echo "Layer listing (LVM guest, TCG; mean of 15 runs each, /proc/uptime clock)"
printf '%-7s %12s %12s %7s %13s %13s\n' layers "lvs ms" "nodectl ms" ratio "lvm procs lvs" "lvm procs nodectl"
tail -n +2 build/results/bench-layers.csv | while IFS=, read -r n lvs_ms nodectl_ms lvs_procs nodectl_procs; do
        printf '%-7s %12s %12s %7s %13s %13s\n' "$n" "$lvs_ms" "$nodectl_ms" \
                "$(awk -v a="$nodectl_ms" -v b="$lvs_ms" 'BEGIN{printf "%.2f", a/b}')" "$lvs_procs" "$nodectl_procs"
done
echo "(target: nodectl ≤ 1.3× lvs, one lvm process; CSV in build/results/bench-layers.csv)"
