#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The machine dies while an upgrade fills the new base: the LVM guest lays out
# a node from the full v1 image on a disk file, starts `nodectl upgrade` to v2
# with the test hook NODECON_FAULT_AT=stop:copy, lets the copy run a few
# seconds and says so on the serial line; this script then kills QEMU
# (SIGKILL: no flush, no unmount).  A second guest boots the same disks and
# checks (qemu-kill-guest.sh 2): the boot default is still the old layer and
# its file system is clean, `nodectl check` names the leftovers, `check
# --repair` removes them, and the upgrade then succeeds.  Prints TAP; the TAP
# also goes to build/results/faults-qemu-kill.tap.  Needs root (QEMU), ~6 GB.
set -eu
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$REPO"
results=build/results
mkdir -p "$results"
tap=$results/faults-qemu-kill.tap
images=$(tests/node/images.sh | tail -n 1)
work=$(mktemp -d "$REPO/build/qemu-kill.XXXXXX")
trap 'rm -rf "$work"' EXIT
truncate -s 6G "$work/node.img"
truncate -s 64M "$work/boot.img"
mkfs.ext4 -q -F -L faultboot "$work/boot.img"
env_images=NODECON_NODE_IMAGES=/cache/$(basename "$images")

# phase 1, in the background: the host waits for the marker, then kills QEMU
serial1=$results/faults-qemu-kill-1.log
: > "$serial1"
tests/node/lvm-guest.sh --attach "$work/node.img" --attach "$work/boot.img" --mem 2048 --timeout 1200 \
        --log "$serial1" --env "$env_images" -- tests/guest/faults/qemu-kill-guest.sh 1 \
        > "$results/faults-qemu-kill-1.out" 2>&1 &
guest=$!
killed=no
for _ in $(seq 1 2400); do
        if grep -aq '^=== FAULT: COPYING' "$serial1"; then
                # the one QEMU that has this run's node disk open (not the timeout around it)
                pid=$(pgrep -f -- "^qemu-system-x86_64 .*$work/node.img" | head -n 1 || true)
                if [ -n "$pid" ]; then
                        kill -KILL "$pid"
                        killed=yes
                fi
                break
        fi
        kill -0 "$guest" 2>/dev/null || break
        sleep 0.5
done
wait "$guest" || true
{
        if [ "$killed" = yes ]; then
                echo "ok - QEMU killed while the upgrade copied the image ($(grep -a '^=== FAULT: COPYING' "$serial1"))"
        else
                echo "not ok - QEMU killed while the upgrade copied the image (no marker; see $serial1)"
        fi
} > "$tap"
if [ "$killed" = yes ]; then
        serial2=$results/faults-qemu-kill-2.log
        tests/node/lvm-guest.sh --attach "$work/node.img" --attach "$work/boot.img" --mem 2048 --timeout 1200 \
                --log "$serial2" --env "$env_images" -- tests/guest/faults/qemu-kill-guest.sh 2 \
                > "$results/faults-qemu-kill-2.out" 2>&1 || true
        grep -a -E '^(ok|not ok) |^#' "$serial2" | tr -d '\r' >> "$tap" || true
        grep -aq '^=== FAULT: DONE' "$serial2" || echo "not ok - the second boot finished (see $serial2)" >> "$tap"
fi
cat "$tap"
! grep -q '^not ok' "$tap"
