#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of a guest tier: builds what the tier needs (cached), boots the
# guest(s) for all of the tier's cases, and prints the TAP they wrote.
# Usage: tests/guest/run-tier.sh lvm|full|uefi
#   NODECON_LVM_GUESTS  LVM guests booted side by side (default 2), each
#                       running a share of tests/guest/lvm (plan-shards.sh)
#   uefi: NODECON_UEFI_CAMPAIGN=short|long and NODECON_UEFI_TRIES=N choose the
#   reboot campaign (tests/guest/uefi/reboots.sh); its TAP is collected from
#   the serial log of every boot.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
. tests/node/env.sh  # guest_stalled
tier=$1
results=build/results
mkdir -p "$results"
serial=$results/$tier-serial.log
# where the guest's TAP lands, set per tier below (never $tier.tap: check.sh's tier_script
# writes that from what this prints)
tap=$results/guest-$tier.tap

# The TAP of several guests as one: each case's lines together, cases in name
# order (the same order whatever guest ran them), one plan line at the end.
merge_tap() {
        awk '
        /^1\.\.[0-9]+$/ || /^# [a-z0-9-]+: [0-9]+ passed, [0-9]+ failed$/ { next }
        match($0, /^(not )?ok - [^:]+:/) { key = $0; sub(/^(not )?ok - /, "", key); sub(/:.*/, "", key) }
        { if (key == "") key = "~"; if (!(key in seen)) { seen[key] = 1; keys[++n] = key }; text[key] = text[key] $0 "\n" }
        END {
                for (i = 2; i <= n; i++) { k = keys[i]; for (j = i - 1; j >= 1 && keys[j] > k; j--) keys[j + 1] = keys[j]; keys[j + 1] = k }
                for (i = 1; i <= n; i++) printf "%s", text[keys[i]]
        }' "$@"
}

# Boots LVM guest N for the cases CASE_LIST; TAP to build/results/lvm-N.tap.
#   boot_lvm_shard N CASE_LIST
boot_lvm_shard() {
        tests/node/lvm-guest.sh --mem 2048 --disk 4G --disk 4G --timeout 1800 --log "$results/lvm-$1-serial.log" \
                --stage build/vterm-harness --env "NODECON_TEST_IMAGES=$test_images" \
                --env "NODECON_FAULT_STEP=${NODECON_FAULT_STEP:-3}" --env "NODECON_TAP_NAME=lvm-$1" \
                --env "NODECON_CASE_LIST=$2" \
                -- tests/guest/run-cases.sh tests/guest/lvm >"$results/lvm-$1-run.log" 2>&1
}

# Boots NODECON_LVM_GUESTS LVM guests side by side, each with its own two
# scratch disks and its share of the cases; prints their merged TAP.
run_lvm_guests() {
        local plan=() n pids=() rc=0 r i tap test_images
        # the keyed build, not the shared link: worktrees side by side may point the link elsewhere
        test_images=/cache/$(basename "$(readlink -f "${NODECON_CACHE:-$REPO/.cache}/test-images")")
        mapfile -t plan < <(tests/guest/plan-shards.sh tests/guest/lvm "${NODECON_LVM_GUESTS:-2}" \
                "$results/lvm.times")
        [ ${#plan[@]} -gt 0 ] || { echo "not ok - lvm: no case to run"; return 1; }
        rm -f "$results"/lvm-[0-9]*.tap "$results"/lvm-[0-9]*.times
        # 2 GiB each: the full node image is copied into tmpfs and init fills the page cache
        for i in "${!plan[@]}"; do
                n=$((i + 1))
                echo "# lvm guest $n: ${plan[i]}"
                boot_lvm_shard "$n" "${plan[i]}" &
                pids+=($!)
        done
        for i in "${!pids[@]}"; do
                n=$((i + 1))
                r=0
                wait "${pids[i]}" || r=$?
                # a stalled guest (see tests/node/env.sh) is the emulator's fault, not the
                # cases': the shard starts over once on fresh disks, and the TAP says so
                if guest_stalled "$r" "$results/lvm-$n-run.log"; then
                        echo "# lvm guest $n: $(grep -m1 '^\[rig\] the guest stalled' "$results/lvm-$n-run.log")"
                        echo "# lvm guest $n: booted again for the whole shard"
                        r=0
                        boot_lvm_shard "$n" "${plan[i]}" || r=$?
                fi
                echo "# lvm guest $n: $(grep -ho 'rc=[0-9]* in [0-9.]* s' "$results/lvm-$n-run.log" | tail -n 1)"
                tap=$results/lvm-$n.tap
                if [ ! -s "$tap" ]; then
                        echo "not ok - lvm guest $n produced no results (exit $r)" >"$tap"
                        tail -40 "$results/lvm-$n-serial.log" 2>/dev/null | sed 's/^/# /' >>"$tap"
                        tail -20 "$results/lvm-$n-run.log" | sed 's/^/# /' >>"$tap"
                fi
                [ "$r" -eq 0 ] || rc=$r
        done
        # the times of this run balance the next one (a case that did not run keeps its last)
        touch "$results/lvm.times"
        cat "$results/lvm.times" "$results"/lvm-[0-9]*.times 2>/dev/null |
                awk '{ secs[$1] = $2 } END { for (c in secs) print c, secs[c] }' | sort >"$results/lvm.times.tmp" || true
        mv "$results/lvm.times.tmp" "$results/lvm.times"
        merge_tap "$results"/lvm-[0-9]*.tap >"$results/lvm-guests.tap"
        cat "$results/lvm-guests.tap"
        echo "1..$(grep -cE '^(not )?ok ' "$results/lvm-guests.tap")"
        return "$rc"
}

case $tier in
lvm)
        tests/node/test-images.sh >&2
        tests/node/images.sh >&2
        # nodecon's screens in a terminal emulator in the guest (case 76):
        # the harness and the one terminal description it uses
        make -s build/vterm-harness >&2
        mkdir -p build/guest-terminfo/v
        cp "$(find /lib/terminfo /usr/share/terminfo -name vt100 2>/dev/null | head -1)" build/guest-terminfo/v/
        rc=0
        run_lvm_guests || rc=$?
        exit "$rc"
        ;;
full)
        # its own TAP file: build/results/full.tap is check.sh's
        tap=$results/full-guest.tap
        rm -f "$tap"
        tests/node/node-disk.sh >&2
        # the screen cases run nodecon under the libvterm harness inside the guest
        make -s O=build/tui all build/tui/vterm-harness >&2
        set +e
        tests/node/full-guest.sh --node-disk --timeout 1200 --log "$serial" --env NODECON_TAP_NAME=full-guest \
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
        tap=$results/guest-$tier.tap
        tr -d '\r' < "$serial" | grep -E '^(ok|not ok)( |$)' > "$tap" || true
        grep -q '^=== UEFI DONE' "$serial" ||
                echo "not ok - uefi: the reboot campaign did not finish (exit $rc)" >> "$tap"
        ;;
*)
        echo "usage: $0 lvm|full|uefi" >&2
        exit 2
        ;;
esac

if [ -s "$tap" ]; then
        cat "$tap"
else
        echo "not ok - $tier guest produced no results (exit $rc)"
        tail -40 "$serial" 2>/dev/null | sed 's/^/# /'
        tail -20 "$results/$tier-run.log" | sed 's/^/# /'
fi
exit "$rc"
