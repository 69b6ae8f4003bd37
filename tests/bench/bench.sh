#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: prints the benchmark figures (CSV in build/results/bench-*.csv).
# Layer listing: for layouts of 2, 20 and 100 layers on a real thin pool (in the
# LVM guest), the wall time of `nodectl layers --json` against a bare `lvs` of
# the same VG, and the number of lvm processes each starts.  An upgrade of the
# full node image against dd, its pool growth and the rollback time
# (tests/bench/guest-upgrade.sh).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
mkdir -p build/results
rm -f build/results/bench-layers.csv build/results/bench-upgrade.csv

# The console on a serial line (DESIGN.md §5): nodecon on a vt100 80x24 pty.
make -s O=build/tui all build/tui/vterm-harness
echo "nodecon on vt100 80x24 (libvterm harness; targets: first frame ≤ 50 ms, RSS ≤ 10 MB,"
echo "full frame ≤ 4 KB, dashboard tick ≤ 256 B)"
# a figure over its target is printed (not ok), and the rows below still run
O=build/tui tests/tui/run.sh tests/tui/cases/bench.vt | sed -n 's/^# bench: /  /p; /^not ok/p' || true
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

# An upgrade and a rollback (DESIGN.md §5), with the full node images
echo
images=$(tests/node/images.sh | tail -n 1)
log=build/results/bench-upgrade.log
if ! tests/node/lvm-guest.sh --disk 6G --mem 2048 --timeout 1500 --env "NODECON_NODE_IMAGES=/cache/$(basename "$images")" \
        -- tests/bench/guest-upgrade.sh >"$log" 2>&1; then
        echo "bench: the upgrade run failed; see $log" >&2
        tail -30 "$log" >&2
        exit 1
fi
echo "Upgrade v1 -> v2 of the full node image (LVM guest, TCG, one run; rollback: mean of 5)"
tail -n +2 build/results/bench-upgrade.csv | while IFS=, read -r rootfs used dd_s up_s copy_s up_dd copy_dd growth growth_used rb_ms; do
        printf '  rootfs.img %s bytes, %s used\n' "$rootfs" "$used"
        printf '  dd onto a thin LV %8s s\n  nodectl upgrade   %8s s  (dd/upgrade %s; its copy step %s s, dd/copy %s)\n' \
                "$dd_s" "$up_s" "$up_dd" "$copy_s" "$copy_dd"
        printf '  pool growth %s bytes = %s x the used bytes\n  rollback before the reboot %s ms\n' \
                "$growth" "$growth_used" "$rb_ms"
done
echo "(targets: throughput ≥ 0.9× dd, pool growth ≤ 1.05× used, rollback ≤ 500 ms; CSV in build/results/bench-upgrade.csv)"
