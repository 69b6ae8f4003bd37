#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Static analysis for `make lint`: cppcheck and clang-tidy (checks in
# .clang-tidy) over lib/ tools/ tui/ screens/.  Prints one TAP line per tool
# and fails when either finds anything.  Findings are fixed in the code; the
# few that cannot be are suppressed on their line with a comment saying why
# (cppcheck-suppress / NOLINT).
#   tools/lint.sh [FILE...]   only these files (default: every source)
set -u
cd "$(dirname "$0")/.." || exit 1

if [ $# -gt 0 ]; then
        files=$*
else
        files=$(ls lib/*.c tools/*.c tui/*.c screens/*.c 2>/dev/null)
fi
out=${LINT_O:-build/lint}
mkdir -p "$out"
pkgs="json-c devmapper libvirt libsystemd libcurl openssl libnm ncursesw panelw formw glib-2.0"
# -isystem: findings inside glib's or json-c's headers are not ours
pkg_cflags=$(pkg-config --cflags $pkgs 2>/dev/null | sed 's/-I/-isystem /g')
defines="-D_GNU_SOURCE -DNODECON_VERSION=\"0.1\""
jobs=$(nproc 2>/dev/null || echo 1)
failed=0

# cppcheck: the project's include paths so it sees the real types; the system
# headers stay out (missingIncludeSystem) because cppcheck does not need them
# to judge this code and parsing glib's would take minutes.  resourceLeak and
# memleak are off: cppcheck does not know __attribute__((cleanup)), so every
# _cleanup_fclose_/_cleanup_free_ variable would be reported as leaked; leaks
# are caught at run time (ASan/LSan, valgrind, the fuzz harnesses).
if command -v cppcheck >/dev/null; then
        if nice -n 10 cppcheck --quiet --std=c11 --language=c -j "$jobs" \
                --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
                --suppress=missingIncludeSystem --suppress=resourceLeak --suppress=memleak -D_GNU_SOURCE -DNODECON_VERSION='"0.1"' -D__GNUC__ \
                -I lib -I tui -I screens -I . $files >"$out/cppcheck.log" 2>&1; then
                echo "ok - lint cppcheck"
        else
                echo "not ok - lint cppcheck # $(grep -c ': \(error\|warning\|performance\|portability\|style\):' "$out/cppcheck.log") findings, see $out/cppcheck.log"
                sed 's/^/# /' "$out/cppcheck.log" | head -40
                failed=$((failed + 1))
        fi
else
        echo "not ok - lint cppcheck # cppcheck is not installed"
        failed=$((failed + 1))
fi

tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
if [ -n "$tidy" ]; then
        : >"$out/clang-tidy.log"
        rm -f "$out/clang-tidy.failed"
        # A file found clean is not checked again until it, a header of the
        # project, the checks, the tool or this script change: a warm run
        # costs a second.  Keys are hashes of all of that, so the list of
        # clean files lives with the other caches and serves every checkout.
        clean=${NODECON_CACHE:-.cache}/lint-clean
        mkdir -p "$clean"
        common=$( { "$tidy" --version; echo "$pkg_cflags"; cat .clang-tidy tools/lint.sh lib/*.h tools/*.h tui/*.h screens/*.h 2>/dev/null; } |
                sha256sum | cut -c1-64)
        todo=""
        for f in $files; do
                key=$( { echo "$common"; cat "$f"; } | sha256sum | cut -c1-64)
                [ -e "$clean/$key" ] || todo="$todo $f:$key"
        done
        # one process per file, $jobs at a time; a clean file leaves its key
        # shellcheck disable=SC2086
        [ -z "$todo" ] || printf '%s\n' $todo | nice -n 10 xargs -P "$jobs" -I{} sh -c '
                f=${1%%:*} key=${1#*:}
                log="$2/tidy.$(echo "$f" | tr / _).log"
                if "$3" --quiet "$f" -- -std=gnu11 $4 >"$log" 2>&1; then touch "$5/$key"
                else echo "$f" >>"$2/clang-tidy.failed"; fi' sh {} "$out" "$tidy" \
                "$defines -iquote . -iquote lib -iquote tui -iquote screens $pkg_cflags" "$clean"
        cat "$out"/tidy.*.log >"$out/clang-tidy.log" 2>/dev/null
        rm -f "$out"/tidy.*.log
        checked=$(printf '%s\n' $todo | grep -c .)
        if [ ! -s "$out/clang-tidy.failed" ]; then
                echo "ok - lint clang-tidy ($checked files checked, the others unchanged since found clean)"
        else
                echo "not ok - lint clang-tidy # $(grep -c 'warning:\|error:' "$out/clang-tidy.log") findings in $(sort -u "$out/clang-tidy.failed" | tr '\n' ' ')see $out/clang-tidy.log"
                grep 'warning:\|error:' "$out/clang-tidy.log" | sed 's/^/# /' | head -40
                failed=$((failed + 1))
        fi
        rm -f "$out/clang-tidy.failed"
else
        echo "not ok - lint clang-tidy # clang-tidy is not installed"
        failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
