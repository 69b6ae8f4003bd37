#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of a guest tier: builds what the tier needs (cached), boots the
# guest once for all of the tier's cases, and prints the TAP the guest wrote.
# Usage: tests/guest/run-tier.sh lvm|full
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
tier=$1
results=build/results
mkdir -p "$results"
rm -f "$results/guest-$tier.tap"
serial=$results/$tier-serial.log

case $tier in
lvm)
        tests/node/test-images.sh >&2
        tests/node/images.sh >&2
        # nodecon's screens in a terminal emulator in the guest (case 76):
        # the harness and the one terminal description it uses
        make -s build/vterm-harness >&2
        mkdir -p build/guest-terminfo/v
        cp "$(find /lib/terminfo /usr/share/terminfo -name vt100 2>/dev/null | head -1)" build/guest-terminfo/v/
        set +e
        tests/node/lvm-guest.sh --disk 4G --disk 4G --timeout 1800 --log "$serial" --stage build/vterm-harness \
                --env "NODECON_FAULT_STEP=${NODECON_FAULT_STEP:-3}" \
                -- tests/guest/run-cases.sh tests/guest/lvm >"$results/$tier-run.log" 2>&1
        rc=$?
        set -e
        ;;
full)
        tests/node/node-disk.sh >&2
        set +e
        tests/node/full-guest.sh --node-disk --timeout 1200 --log "$serial" \
                -- tests/guest/run-cases.sh tests/guest/full >"$results/$tier-run.log" 2>&1
        rc=$?
        set -e
        ;;
*)
        echo "usage: $0 lvm|full" >&2
        exit 2
        ;;
esac

if [ -s "$results/$tier.tap" ]; then
        cat "$results/$tier.tap"
else
        echo "not ok - $tier guest produced no results (exit $rc)"
        tail -40 "$serial" 2>/dev/null | sed 's/^/# /'
        tail -20 "$results/$tier-run.log" | sed 's/^/# /'
fi
exit "$rc"
