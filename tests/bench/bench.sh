#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: prints the benchmark figures and writes build/results/bench-*.csv.
# The console: nodecon's first frame, RSS and bytes on a vt100 80x24 pty, the
# same of nmtui started the same way, and their ratios.
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
# a budget missed is printed (not ok), not fatal: make bench reports figures
nodecon_figures=$(O=build/tui tests/tui/run.sh tests/tui/cases/bench.vt) || true
sed -n 's/^# bench: /  /p; /^not ok/p' <<<"$nodecon_figures"
echo

# The same figures of nmtui, what an admin would otherwise use on a console,
# started the same way against the netns tier's NetworkManager (nmtui draws
# nothing without a NetworkManager on D-Bus).
figure() { # OUTPUT LABEL: the number of the line "# CASE: LABEL: N ..."
        awk -v l="$2" '$1 == "#" && $3 == l ":" { v = $4 } END { print v }' <<<"$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
export NODECON_NETNS=nodecon-bench-$$
nmtui_figures=""
if bus_env=$(tests/netns/start.sh 2>build/results/bench-nm.log); then
        eval "$bus_env"
        nmtui_figures=$(O=build/tui tests/tui/run.sh tests/bench/nmtui.vt) || true
fi
tests/netns/stop.sh >/dev/null 2>&1 || true
echo "nodecon vs nmtui (the same vt100 80x24 pty, LANG=C; nmtui against NetworkManager in a network namespace)"
printf '%-22s %10s %10s %8s\n' figure nodecon nmtui ratio
echo "figure,nodecon,nmtui,ratio" >build/results/bench-tui.csv
for row in "first frame ms:first-frame" "RSS kB:rss" "peak RSS kB:rss-peak" "full frame bytes:full-frame"; do
        name=${row%%:*} label=${row#*:}
        a=$(figure "$nodecon_figures" "$label") b=$(figure "$nmtui_figures" "$label")
        printf '%-22s %10s %10s %8s\n' "$name" "${a:--}" "${b:--}" "$(ratio "$a" "$b")"
        echo "$name,$a,$b,$(ratio "$a" "$b")" >>build/results/bench-tui.csv
done
[ -n "$nmtui_figures" ] || echo "(nmtui not measured: NetworkManager did not start, see build/results/bench-nm.log)"
echo "(first frame: best of five starts; ratio < 1: nodecon is smaller or faster; CSV in build/results/bench-tui.csv)"
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
