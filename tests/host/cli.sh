#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nodectl's command line on the host, every run under valgrind: usage errors,
# malformed sizes, hostile arguments, and what it does with lvm output it
# cannot trust.  LVM itself is exercised for real in the lvm guest tier; here
# a fake lvm prints captured or broken reports.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
NODECTL=${NODECTL:-$REPO/nodectl}
FIX=$REPO/tests/unit/fixtures
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
export NODECTL_LVM=$REPO/tests/host/fake-lvm

n=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; shift; for l in "$@"; do printf '#   %s\n' "$l"; done; }

# run NAME EXPECTED_EXIT ARGS... : runs nodectl under valgrind; $OUT/$ERR hold its output.
run() {
        local name=$1 want=$2; shift 2
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                --log-file="$TMP/vg" "$NODECTL" "$@" >"$TMP/out" 2>"$TMP/err"
        RC=$?
        OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
        if [ -s "$TMP/vg" ]; then
                fail "$name: valgrind clean" "$(head -20 "$TMP/vg")"; return 1
        fi
        if [ "$RC" != "$want" ]; then
                fail "$name: exit $want" "got exit $RC" "stderr: $ERR" "stdout: ${OUT:0:400}"; return 1
        fi
        pass "$name: exit $want"
}

# one_sentence NAME : stderr is exactly one line starting with "nodectl: " (plus an optional hint line).
one_sentence() {
        local first
        first=$(printf '%s\n' "$ERR" | head -1)
        case "$first" in
        "nodectl: "?*) pass "$1: one clear sentence" ;;
        *) fail "$1: one clear sentence" "stderr: $ERR" ;;
        esac
}

contains() { # NAME HAYSTACK NEEDLE
        case "$2" in *"$3"*) pass "$1" ;; *) fail "$1" "'$3' not in: ${2:0:600}" ;; esac
}

# --- usage
run "help" 0 --help && contains "help lists init" "$OUT" "init"
run "version" 0 --version && contains "version string" "$OUT" "nodectl "
run "no command" 2 && one_sentence "no command"
run "unknown command" 2 frobnicate && contains "unknown command named" "$ERR" "frobnicate"
run "unknown option" 2 --frob info
run "layers with an extra argument" 2 layers extra
for size in -5G 0 abc 12X 5G5 99999999999999999999 17179869184T "" " 5G" 1.5G; do
        run "init --pool-size '$size' refused" 2 init --image /nonexistent --pool-size "$size" vg0 &&
                one_sentence "init --pool-size '$size'"
done
run "init without image or adopt" 2 init vg0 && one_sentence "init without source"
for tries in 0 10 x 2x ""; do
        run "boot --tries '$tries' refused" 2 boot --set-default n-1-1+2 --tries "$tries" &&
                one_sentence "boot --tries '$tries'"
done
run "boot --tries without --set-default" 2 boot --list --tries 2 && one_sentence "boot --tries alone"
run "init with both image and adopt" 2 init --image a --adopt vg0/root vg0
run "init without VG" 2 init --image a
run "init with two VGs" 2 init --image a vg0 vg1

# --- lvm output nodectl cannot trust
printf 'this is not json' >"$TMP/garbage"
printf '{"report":[{"lv":[{"lv_name":' >"$TMP/truncated"
printf '{"report":"nope"}' >"$TMP/wrongshape"
head -c 100000 /dev/urandom >"$TMP/binary"
for g in garbage truncated wrongshape binary; do
        FAKE_LVM_STDOUT=$TMP/$g run "layers with $g from lvm" 6 layers && one_sentence "layers with $g"
        FAKE_LVM_STDOUT=$TMP/$g run "info --json with $g from lvm" 6 info --json
        [ -z "$OUT" ] && pass "no JSON printed for $g" || fail "no JSON printed for $g" "$OUT"
done
FAKE_LVM_EXIT=5 FAKE_LVM_STDERR='  Volume group "nosuchvg" not found' run "missing VG" 3 --vg nosuchvg layers &&
        contains "missing VG named" "$ERR" "nosuchvg"
FAKE_LVM_EXIT=5 FAKE_LVM_STDERR='  Internal error: something broke' run "lvm failing" 6 layers &&
        contains "lvm's own words shown" "$ERR" "something broke"
NODECTL_LVM=/nonexistent/lvm run "lvm missing" 6 layers && contains "names the program" "$ERR" "/nonexistent/lvm"

# --- real reports captured from the guest (tests/unit/fixtures)
if [ -f "$FIX/lvs-node.json" ]; then
        FAKE_LVM_STDOUT=$FIX/lvs-node.json run "layers from a real report" 0 layers
        contains "tree shows a layer under its base" "$OUT" " +- "
        FAKE_LVM_STDOUT=$FIX/lvs-node.json run "layers --json from a real report" 0 layers --json
        if printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["bases"] and d["bases"][0]["layers"]' 2>"$TMP/py"; then
                pass "layers --json is JSON with bases and layers"
        else
                fail "layers --json is JSON with bases and layers" "$(cat "$TMP/py")"
        fi
else
        fail "fixture lvs-node.json present"
fi
if [ -f "$FIX/lvs-full.json" ]; then
        FAKE_LVM_STDOUT=$FIX/lvs-full.json run "pool at 100% is exit 5" 5 info
        contains "pool full still shows the layout" "$OUT" "Thin pool"
        contains "pool full sentence" "$ERR" "full"
else
        fail "fixture lvs-full.json present"
fi
if [ -f "$FIX/lvs-untagged.json" ]; then
        FAKE_LVM_STDOUT=$FIX/lvs-untagged.json run "VG without tags" 3 layers && one_sentence "VG without tags"
else
        fail "fixture lvs-untagged.json present"
fi

# --- hostile arguments
# one argument is limited to 128 KiB by the kernel
big=$(head -c 100000 /dev/zero | tr '\0' 'a')
run "100 kB VG name" 2 --vg "$big" layers && one_sentence "100 kB VG name"
run "VG name with a slash" 2 --vg "../etc" layers && one_sentence "VG name with a slash"
run "VG name starting with a dash" 2 --vg "-vg" info
run "VG name with a space" 2 --vg "my vg" info
run "image-info on a missing file" 4 image-info /nonexistent/image.squashfs && one_sentence "missing image"
printf 'not an image\n' >"$TMP/text.img"
run "image-info on a text file" 4 image-info "$TMP/text.img" && contains "says not squashfs" "$ERR" "squashfs"
run "image-info on a directory" 4 image-info "$TMP"
run "image-info with shell metacharacters" 4 image-info '$(touch /tmp/nodecon-pwned);`id`' &&
        { [ ! -e /tmp/nodecon-pwned ] && pass "no shell ran" || fail "no shell ran"; }
