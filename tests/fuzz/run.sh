#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the libFuzzer harnesses built by `make fuzz-bins` and prints TAP.
#   run.sh --seconds N NAME...   fuzz each harness N seconds from its seed corpus
#   run.sh --smoke NAME...       every kept reproducer, then the number of inputs
#                                smoke-runs gives (~4 s each on an idle core, < 1 min for all)
# The seed corpus in tests/fuzz/corpus/ is only read: new inputs go to a
# scratch directory, so a run never changes the tree.  A harness that fails
# leaves its reproducer in $FUZZ_O/artifacts/NAME/; copy it to
# tests/fuzz/crashes/NAME/ once the bug is fixed so it is replayed for good.
set -u

here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_O:-build/fuzz}
mode=seconds
seconds=60
case ${1:-} in
--smoke) mode=smoke; seconds=${FUZZ_SMOKE_SECONDS:-8}; shift ;;
--seconds) seconds=$2; shift 2 ;;
esac

# the boot harnesses write scratch files: keep them in memory when possible
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
        TMPDIR=/dev/shm
        export TMPDIR
fi
# leaks are real bugs for these parsers; UBSan findings abort
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

failed=0
for name in "$@"; do
        bin=$out/fuzz_$name
        log=$out/logs/$name.log
        artifacts=$out/artifacts/$name/
        work=$out/work/$name
        mkdir -p "$out/logs" "$artifacts"
        rm -rf "$work" && mkdir -p "$work"
        if [ ! -x "$bin" ]; then
                echo "not ok - fuzz $name # $bin is not built"
                failed=$((failed + 1))
                continue
        fi

        verdict=ok
        note=
        crashes=$here/crashes/$name
        if [ -d "$crashes" ] && [ -n "$(ls -A "$crashes" 2>/dev/null)" ]; then
                if ! nice -n 10 "$bin" -runs=1 "$crashes"/* >"$log.replay" 2>&1; then
                        verdict="not ok"
                        note=" # a kept reproducer fails again, see $log.replay"
                fi
        fi
        if [ "$verdict" = ok ]; then
                # -seed fixed in smoke mode: the same inputs every run, so
                # make check gives the same verdict on the same code
                seed= limit=-max_total_time=$seconds
                if [ "$mode" = smoke ]; then
                        seed=-seed=1
                        runs=$(awk -v n="$name" '$1 == n { print $2 }' "$here/smoke-runs")
                        # a cap on the time all the same, for a machine busy beyond reason
                        [ -n "$runs" ] && limit="-runs=$runs -max_total_time=$((seconds * 4))"
                fi
                if nice -n 10 "$bin" $seed $limit -timeout=10 -rss_limit_mb=1024 \
                        -max_len=4096 -artifact_prefix="$artifacts" -print_final_stats=1 \
                        "$work" "$here/corpus/$name" >"$log" 2>&1; then
                        stats=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -1 |
                                sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*exec\/s: ([0-9]+).*/\1 runs, cov \2, ft \3, \4 exec\/s/')
                        note=" # $stats"
                else
                        verdict="not ok"
                        note=" # $(grep -m1 -E 'ERROR|property violated|runtime error' "$log" | cut -c1-160), see $log"
                fi
        fi
        echo "$verdict - fuzz $name$note"
        [ "$verdict" = ok ] || failed=$((failed + 1))
done
[ "$failed" -eq 0 ]
