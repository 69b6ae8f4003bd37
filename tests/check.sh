#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs nodecon's tests tier by tier and prints one verdict line at the end:
#   "N passed, N failed"
# Usage: tests/check.sh [TIER...]   (default: every tier, in this order)
#   build    warnings-as-errors build of everything (plain and ASan+UBSan)
#   lint     cppcheck and clang-tidy (.clang-tidy) over lib/ tools/ tui/ screens/, zero findings
#   unit     cmocka unit tests under ASan+UBSan, then under valgrind
#   cli      nodectl's command line on the host (usage errors, hostile input) under valgrind and ASan+UBSan
#   i18n     the template matches the sources' _() strings; every po/LINGUAS language is complete, msgfmt -c clean
#   engine   nodectl register/engine/unregister against a test engine over HTTPS on 127.0.0.1
#   tui      nodecon in a libvterm terminal, keys in, screen asserted
#   fuzz     every parser's libFuzzer harness for a few seconds, plus kept reproducers
#   netns    NetworkManager + libnm in a network namespace; nodecon's network screens against it
#   lvm      the LVM guest: real lvm2 and dm-thin in QEMU
#   full     the full guest: a node booted from its layer with systemd and NetworkManager
#   uefi     the node under OVMF + systemd-boot: reboots into layers, boot counting, fallback
#   demo     make demo on a pty: nodecon on the node's serial console, q to a shell, exit
# Each tier writes TAP to build/results/TIER.tap and its output to TIER.out.
#
# After the build, the host tiers (unit cli tui fuzz netns) run one after
# another beside the guest tiers (lvm, then full and uefi side by side): the guests are QEMU under TCG and
# the host tiers mostly wait (tui) or are short, so neither lane waits for the
# other.  Each tier's output is printed whole, in the order above, once all are
# done; a line says when each one finishes.  NODECON_CHECK_SERIAL=1 runs the
# tiers one after another instead (to time them alone).
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
RESULTS=$REPO/build/results
mkdir -p "$RESULTS"
JOBS=${JOBS:-$(nproc)}
ALL_TIERS="build lint unit cli i18n engine tui fuzz netns lvm full uefi demo"
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

# Every unit test under ASan+UBSan, TAP to stdout.
unit_asan() {
        local t out rc
        for t in build/asan/unit/test_*; do
                [ -x "$t" ] || continue
                out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
                        CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1); rc=$?
                printf '%s\n' "$out" | sed -n "s/^\(not ok\|ok\) [0-9]* *-* */\1 - $(basename "$t") [asan] /p"
                if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
                        echo "not ok - $(basename "$t") [asan] exited $rc"
                        printf '%s\n' "$out" | tail -30 | sed 's/^/# /'
                fi
        done
}

# Every unit test of the plain build under valgrind, TAP to stdout.
unit_valgrind() {
        local t log
        log=$(mktemp)
        for t in build/plain/unit/test_*; do
                [ -x "$t" ] || continue
                if CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --error-exitcode=99 --leak-check=full \
                        --errors-for-leak-kinds=definite,indirect "$t" >"$log" 2>&1; then
                        echo "ok - $(basename "$t") [valgrind: no errors, no leaks]"
                else
                        echo "not ok - $(basename "$t") [valgrind]"
                        tail -30 "$log" | sed 's/^/# /'
                fi
        done
        rm -f "$log"
}

# both at once: they share nothing and each is mostly one process at a time
tier_unit() {
        local tap=$RESULTS/unit.tap
        make -s -j"$JOBS" O=build/asan SAN=1 unit-bins >/dev/null
        make -s -j"$JOBS" O=build/plain unit-bins >/dev/null
        unit_asan >"$RESULTS/unit-asan.tap" &
        unit_valgrind >"$RESULTS/unit-valgrind.tap"
        wait $!
        cat "$RESULTS/unit-asan.tap" "$RESULTS/unit-valgrind.tap" >"$tap"
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

tier_lint() { tier_script lint tools/lint.sh; }
tier_cli() {
        if ! make -s -j"$JOBS" all >/dev/null || ! make -s -j"$JOBS" O=build/asan SAN=1 all >/dev/null; then
                echo "not ok - cli: build failed" | tee "$RESULTS/cli.tap"
                return
        fi
        tier_script cli tests/host/cli.sh
}
tier_i18n() { tier_script i18n tests/i18n/run.sh; }
tier_engine() { make -s all >/dev/null && tier_script engine tests/engine/run.sh; }
# The cases against the plain build and against the ASan+UBSan one (longer
# timeouts) at once: the harness mostly waits for the screen to change.
tier_tui() {
        if ! make -s -j"$JOBS" O=build/tui all build/tui/vterm-harness >/dev/null ||
                ! make -s -j"$JOBS" O=build/asan SAN=1 all build/asan/vterm-harness >/dev/null; then
                echo "not ok - tui: build failed" | tee "$RESULTS/tui.tap"
                return
        fi
        # bench.vt holds speed and size budgets: it belongs to make bench, not to the verdict
        local cases
        cases=$(ls tests/tui/cases/*.vt | grep -v '/bench\.vt$')
        O=build/tui tier_script tui-plain tests/tui/run.sh $cases >/dev/null &
        O=build/asan HARNESS_TIMEOUT_SCALE=3 HARNESS_BUDGET_SCALE=4 tier_script tui-asan tests/tui/run.sh $cases \
                >/dev/null
        wait $!
        sed -i 's/^\(ok\|not ok\) - /\1 - [asan] /' "$RESULTS/tui-asan.tap"
        cat "$RESULTS/tui-plain.tap" "$RESULTS/tui-asan.tap" >"$RESULTS/tui.tap"
        cat "$RESULTS/tui.tap"
}
tier_fuzz() {
        if ! make -s -j"$JOBS" fuzz-bins >/dev/null; then
                echo "not ok - fuzz: build failed" | tee "$RESULTS/fuzz.tap"
                return
        fi
        tier_script fuzz tests/fuzz/run.sh --smoke $(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
}
# the screen cases (screens.sh) run the tui tier's nodecon and harness
tier_netns() {
        make -s all >/dev/null && make -s -j"$JOBS" O=build/tui all build/tui/vterm-harness >/dev/null &&
                tier_script netns tests/netns/run.sh
}
tier_lvm() { make -s all >/dev/null && tier_script lvm tests/guest/run-tier.sh lvm; }
tier_full() { make -s all >/dev/null && tier_script full tests/guest/run-tier.sh full; }
tier_uefi() { make -s all >/dev/null && tier_script uefi tests/guest/run-tier.sh uefi; }
# tests/node/demo.sh itself on the harness' pty, as an admin runs make demo
tier_demo() {
        make -s all >/dev/null && make -s -j"$JOBS" O=build/tui all build/tui/vterm-harness >/dev/null &&
                NODECON_DEMO=$REPO/tests/node/demo.sh O=build/tui tier_script demo tests/tui/run.sh tests/tui/demo/*.vt
}

GUEST_TIERS="lvm full uefi demo"

# Runs the given tiers one after another, each into build/results/TIER.out.
# The CPU time is that of every process the tier waited for (QEMU included):
# on 2 cores it, not the wall time, says what a tier costs the whole run.
run_lane() {
        local tier t0 secs cpu
        for tier in "$@"; do
                t0=$(date +%s)
                ( "tier_$tier" >"$RESULTS/$tier.out" 2>&1; times >"$RESULTS/.$tier.cpu" )
                secs=$(( $(date +%s) - t0 ))
                cpu=$(tail -n 1 "$RESULTS/.$tier.cpu" | tr 'ms' '  ' |
                        awk '{ printf "%d", $1 * 60 + $2 + $3 * 60 + $4 }')
                rm -f "$RESULTS/.$tier.cpu"
                echo "# tier $tier took $secs s, CPU $cpu s" >>"$RESULTS/$tier.out"
                printf '# %-6s finished after %4d s (CPU %4d s): %d passed, %d failed\n' "$tier" "$secs" "$cpu" \
                        "$(grep -sc '^ok' "$RESULTS/$tier.tap")" "$(grep -sc '^not ok' "$RESULTS/$tier.tap")"
        done
}

# The host tiers as a queue both lanes take from: the host lane from the
# start, the guest lane once its guests are done (a claim is an atomic mkdir),
# so neither core idles while the other lane still has host tiers waiting.
run_queue() {
        local tier
        for tier in "$@"; do
                mkdir "$CLAIMS/$tier" 2>/dev/null && run_lane "$tier"
        done
        return 0
}

start=$(date +%s)
CLAIMS=$(mktemp -d "$RESULTS/.claims.XXXXXX")
trap 'rm -rf "$CLAIMS"' EXIT
host_lane=() guest_lane=()
for tier in $TIERS; do
        case " $ALL_TIERS " in *" $tier "*) ;; *) echo "unknown tier: $tier" >&2; exit 2 ;; esac
        if [ "$tier" = build ]; then
                continue
        elif [[ " $GUEST_TIERS " == *" $tier "* ]]; then
                guest_lane+=("$tier")
        else
                host_lane+=("$tier")
        fi
done
case " $TIERS " in *" build "*) run_lane build ;; esac
# what both lanes build, built once here so that no two lanes run make on the same tree
make -s -j"$JOBS" all >/dev/null 2>&1
if [[ (" $TIERS " == *" tui "* || " $TIERS " == *" netns "*) && " $TIERS " == *" full "* ]]; then
        # the full guest's screen cases (and the netns tier's) run the tui tier's nodecon and harness
        make -s -j"$JOBS" O=build/tui all build/tui/vterm-harness >/dev/null 2>&1
fi
if [ -n "${NODECON_CHECK_SERIAL:-}" ]; then
        run_lane "${host_lane[@]}" "${guest_lane[@]}"
else
        run_queue "${host_lane[@]}" &
        host_pid=$!
        # lvm first (two guests); then the full and the UEFI guest side by side: both
        # boot read-only overlays of the same cached node disk
        # the demo boots after the full guest in its lane: the UEFI guest outlasts both
        late=() demo=()
        for tier in "${guest_lane[@]}"; do
                case $tier in full|uefi) late+=("$tier") ;; demo) demo=(demo) ;; *) run_lane "$tier" ;; esac
        done
        [[ " ${late[*]} " == *" full "* ]] || late+=("${demo[@]}")
        late_pids=()
        for tier in "${late[@]}"; do
                if [ "$tier" = full ]; then run_lane full "${demo[@]}" &
                else run_lane "$tier" &
                fi
                late_pids+=($!)
        done
        for pid in "${late_pids[@]}"; do wait "$pid"; done
        run_queue "${host_lane[@]}"
        wait "$host_pid"
fi
for tier in $TIERS; do
        say "$tier"
        cat "$RESULTS/$tier.out"
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
