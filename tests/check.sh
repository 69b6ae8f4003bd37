#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs nodecon's tests tier by tier and prints one verdict line at the end:
#   "N passed, N failed"
# Usage: tests/check.sh [TIER...]   (default: every tier, in this order)
#   build    warnings-as-errors build of everything (plain and ASan+UBSan)
#   unit     cmocka unit tests under ASan+UBSan, then under valgrind
#   cli      nodectl's command line on the host (usage errors, bad input) under valgrind
#   tui      nodecon in a libvterm terminal, keys in, screen asserted
#   fuzz     every parser's libFuzzer harness for a few seconds, plus kept reproducers
#   netns    NetworkManager + libnm in a network namespace
#   lvm      the LVM guest: real lvm2 and dm-thin in QEMU
#   full     the full guest: a node booted from its layer with systemd and NetworkManager
#   uefi     the node under OVMF + systemd-boot: reboots into layers, boot counting, fallback
# Each tier writes TAP to build/results/TIER.tap.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
RESULTS=$REPO/build/results
mkdir -p "$RESULTS"
JOBS=${JOBS:-$(nproc)}
ALL_TIERS="build unit cli tui fuzz netns lvm full uefi"
TIERS=${*:-$ALL_TIERS}

say() { printf '\n=== %s\n' "$*"; }

# Runs "$@" and records it as one TAP line in the tier's file.
tap_cmd() {
        local tap=$1 name=$2; shift 2
        local log
        log=$(mktemp)
        if "$@" >"$log" 2>&1; then
                echo "ok - $name" >>"$tap"
        else
                echo "not ok - $name (exit $?)" >>"$tap"
                sed 's/^/# /' "$log" | tail -40 >>"$tap"
        fi
        rm -f "$log"
}

tier_build() {
        local tap=$RESULTS/build.tap; : >"$tap"
        tap_cmd "$tap" "build (-Werror)" make -s -j"$JOBS" all
        tap_cmd "$tap" "build ASan+UBSan (-Werror)" make -s -j"$JOBS" O=build/asan SAN=1 all unit-bins
        tap_cmd "$tap" "build unit tests (-Werror)" make -s -j"$JOBS" O=build/plain all unit-bins
        cat "$tap"
}

tier_unit() {
        local tap=$RESULTS/unit.tap; : >"$tap"
        make -s -j"$JOBS" O=build/asan SAN=1 unit-bins >/dev/null
        make -s -j"$JOBS" O=build/plain unit-bins >/dev/null
        local t
        for t in build/asan/unit/test_*; do
                [ -x "$t" ] || continue
                local out rc
                out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
                        CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1); rc=$?
                printf '%s\n' "$out" | sed -n "s/^\(not ok\|ok\) [0-9]* *-* */\1 - $(basename "$t") [asan] /p" >>"$tap"
                if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
                        echo "not ok - $(basename "$t") [asan] exited $rc" >>"$tap"
                        printf '%s\n' "$out" | tail -30 | sed 's/^/# /' >>"$tap"
                fi
        done
        for t in build/plain/unit/test_*; do
                [ -x "$t" ] || continue
                local log
                log=$(mktemp)
                if CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 --leak-check=full \
                        --errors-for-leak-kinds=definite,indirect "$t" >"$log" 2>&1; then
                        echo "ok - $(basename "$t") [valgrind: no errors, no leaks]" >>"$tap"
                else
                        echo "not ok - $(basename "$t") [valgrind]" >>"$tap"
                        tail -30 "$log" | sed 's/^/# /' >>"$tap"
                fi
                rm -f "$log"
        done
        cat "$tap"
}

# Tiers whose runner lives in its own script: the script prints TAP on stdout.
tier_script() {
        local tier=$1 script=$2; shift 2
        local tap=$RESULTS/$tier.tap; : >"$tap"
        if [ ! -x "$script" ]; then
                echo "not ok - $tier: runner $script is missing" >>"$tap"
                cat "$tap"; return
        fi
        local rc
        "$script" "$@" 2>&1 | tee "$RESULTS/$tier.log" | grep -E '^(ok|not ok)( |$)' >>"$tap"
        rc=${PIPESTATUS[0]}
        if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tap"; then
                echo "not ok - $tier: $script exited $rc" >>"$tap"
                tail -40 "$RESULTS/$tier.log" | sed 's/^/# /' >>"$tap"
        fi
        if ! grep -q '^ok' "$tap" && ! grep -q '^not ok' "$tap"; then
                echo "not ok - $tier: no test ran" >>"$tap"
        fi
        grep -E '^(ok|not ok)' "$tap"
}

tier_cli() { make -s all >/dev/null && tier_script cli tests/host/cli.sh; }
tier_tui() {
        if ! make -s -j"$JOBS" O=build/tui all build/tui/vterm-harness >/dev/null ||
                ! make -s -j"$JOBS" O=build/asan SAN=1 all build/asan/vterm-harness >/dev/null; then
                echo "not ok - tui: build failed" | tee "$RESULTS/tui.tap"
                return
        fi
        # bench.vt holds speed and size budgets: it belongs to make bench, not to the verdict
        local cases
        cases=$(ls tests/tui/cases/*.vt | grep -v '/bench\.vt$')
        O=build/tui tier_script tui tests/tui/run.sh $cases
        mv "$RESULTS/tui.tap" "$RESULTS/tui-plain.tap"
        mv "$RESULTS/tui.log" "$RESULTS/tui-plain.log"
        # the same cases against the ASan+UBSan build, with longer timeouts
        O=build/asan HARNESS_TIMEOUT_SCALE=3 HARNESS_BUDGET_SCALE=4 tier_script tui tests/tui/run.sh $cases |
                sed 's/^\(ok\|not ok\) - /\1 - [asan] /'
        sed -i 's/^\(ok\|not ok\) - /\1 - [asan] /' "$RESULTS/tui.tap"
        cat "$RESULTS/tui-plain.tap" "$RESULTS/tui.tap" >"$RESULTS/tui-all.tap"
        mv "$RESULTS/tui-all.tap" "$RESULTS/tui.tap"
}
tier_fuzz() {
        if ! make -s -j"$JOBS" fuzz-bins >/dev/null; then
                echo "not ok - fuzz: build failed" | tee "$RESULTS/fuzz.tap"
                return
        fi
        tier_script fuzz tests/fuzz/run.sh --smoke $(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
}
tier_netns() { tier_script netns tests/netns/run.sh; }
tier_lvm() { make -s all >/dev/null && tier_script lvm tests/guest/run-tier.sh lvm; }
tier_full() { make -s all >/dev/null && tier_script full tests/guest/run-tier.sh full; }
tier_uefi() { make -s all >/dev/null && tier_script uefi tests/guest/run-tier.sh uefi; }

start=$(date +%s)
for tier in $TIERS; do
        case " $ALL_TIERS " in *" $tier "*) ;; *) echo "unknown tier: $tier" >&2; exit 2 ;; esac
        say "$tier"
        t0=$(date +%s)
        "tier_$tier"
        echo "# tier $tier took $(( $(date +%s) - t0 )) s"
done

passed=0 failed=0
for tier in $TIERS; do
        p=$(grep -c '^ok' "$RESULTS/$tier.tap" || true)
        f=$(grep -c '^not ok' "$RESULTS/$tier.tap" || true)
        printf '# %-6s %4d passed %4d failed\n' "$tier" "$p" "$f"
        passed=$((passed + p)); failed=$((failed + f))
done
if [ "$failed" -gt 0 ]; then
        echo "# failures:"
        for tier in $TIERS; do grep '^not ok' "$RESULTS/$tier.tap" | sed "s/^/#   [$tier] /"; done
fi
echo "# total time $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
