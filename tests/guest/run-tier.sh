#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of a guest tier: builds what the tier needs (cached), boots the
# guest once for all of the tier's cases, and prints the TAP the guest wrote.
# Usage: tests/guest/run-tier.sh lvm|full|uefi
#   uefi: NODECON_UEFI_CAMPAIGN=short|long and NODECON_UEFI_TRIES=N choose the
#   reboot campaign (tests/guest/uefi/reboots.sh); its TAP is collected from
#   the serial log of every boot.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
tier=$1
results=build/results
mkdir -p "$results"
rm -f "$results/guest-$tier.tap"
serial=$results/$tier-serial.log
# where the guest's TAP lands (check.sh's tier_script writes $tier.tap from what this prints)
tapfile=$results/$tier.tap

case $tier in
lvm)
        tests/node/test-images.sh >&2
        tests/node/images.sh >&2
        set +e
        tests/node/lvm-guest.sh --disk 4G --disk 4G --timeout 1800 --log "$serial" \
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
uefi)
        tests/node/node-disk.sh >&2
        set +e
        tests/node/uefi-guest.sh --timeout "${NODECON_UEFI_TIMEOUT:-1800}" --log "$serial" \
                --env "NODECON_UEFI_CAMPAIGN=${NODECON_UEFI_CAMPAIGN:-short}" \
                --env "NODECON_UEFI_TRIES=${NODECON_UEFI_TRIES:-1}" \
                -- tests/guest/uefi/reboots.sh >"$results/$tier-run.log" 2>&1
        rc=$?
        set -e
        tapfile=$results/guest-$tier.tap
        tr -d '\r' < "$serial" | grep -E '^(ok|not ok)( |$)' > "$tapfile" || true
        grep -q '^=== UEFI DONE' "$serial" ||
                echo "not ok - uefi: the reboot campaign did not finish (exit $rc)" >> "$tapfile"
        ;;
*)
        echo "usage: $0 lvm|full|uefi" >&2
        exit 2
        ;;
esac

if [ -s "$tapfile" ]; then
        cat "$tapfile"
else
        echo "not ok - $tier guest produced no results (exit $rc)"
        tail -40 "$serial" 2>/dev/null | sed 's/^/# /'
        tail -20 "$results/$tier-run.log" | sed 's/^/# /'
fi
exit "$rc"
