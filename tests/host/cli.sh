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

# --- virtual machines, read from libvirt's test driver (a node described in XML)
export NODECTL_LIBVIRT_URI=test://$REPO/tests/host/fixtures/libvirt-node.xml
run "vms" 0 vms &&
        contains "vms: paused db1 listed with 4 vCPUs" "$(printf '%s\n' "$OUT" | grep '^db1 ')" "paused" &&
        contains "vms: active first, shut off last" "$(printf '%s\n' "$OUT" | sed -n '2p;4p' | tr '\n' ' ')" "db1" &&
        contains "vms: shut off archive last" "$(printf '%s\n' "$OUT" | sed -n 4p)" "archive" &&
        contains "vms: summary counts paused as active" "$OUT" "2 of 3 virtual machines are active"
run "vms --json" 0 vms --json &&
        is_json=$(printf '%s' "$OUT" | jq -r '[.active, (.vms|length), (.vms[]|select(.name=="web2")|.state, .vcpus, .memory)] | join(" ")') &&
        { [ "$is_json" = "2 3 running 2 2147483648" ] && pass "vms --json: fields as libvirt has them" ||
                fail "vms --json: fields as libvirt has them" "got: $is_json"; }
run "vms with an extra argument" 2 vms extra && one_sentence "vms extra"
NODECTL_LIBVIRT_URI=test:///default run "vms on libvirt's default test node" 0 vms &&
        contains "vms: default test domain" "$OUT" "test"
# what an admin sees when libvirtd is not running
NODECTL_LIBVIRT_URI="qemu:///system?socket=$TMP/no-libvirt-sock" run "vms without libvirtd" 1 vms &&
        one_sentence "vms: libvirt unreachable" && contains "vms: says libvirt" "$ERR" "libvirt"
unset NODECTL_LIBVIRT_URI

# --- the journal: real journal files written by systemd-journal-remote from export-format entries
JDIR=$TMP/journal; mkdir -p "$JDIR"
journal_add() { "$REPO/tests/host/make-journal.py" "$@" |
        /lib/systemd/systemd-journal-remote -o "$JDIR/system.journal" --split-mode=none - 2>/dev/null; }
journal_add "old|1700000000|6|vdsmd.service|vdsm|100|vdsm started" \
        "old|1700000001|3|sshd.service|sshd|200|error: auth failed for root" \
        "new|1700001000|6|vdsmd.service|vdsm|300|vdsm started again" \
        "new|1700001001|3|libvirtd.service|libvirtd|400|Internal error: cannot connect" \
        "new|1700001002|7|vdsmd.service|vdsm|300|debug detail" \
        "new|1700001003|6|NetworkManager.service|NetworkManager|500|\x1b[2Jcleared \xff\xfe end" \
        "new|1700001004|6|||0|bin\x00ary"
export NODECTL_JOURNAL_DIR=$JDIR
run "logs" 0 logs &&
        { [ "$(printf '%s\n' "$OUT" | wc -l)" = 5 ] && pass "logs: the newest boot's 5 entries" ||
                fail "logs: the newest boot's 5 entries" "$OUT"; } &&
        contains "logs: oldest first" "$(printf '%s\n' "$OUT" | head -1)" "vdsm[300]: vdsm started again"
case "$OUT" in *"auth failed"*) fail "logs: an earlier boot's entries left out" ;; *) pass "logs: an earlier boot's entries left out" ;; esac
case "$OUT" in *$'\e'*) fail "logs: an ESC in a message never reaches the terminal" ;;
        *) pass "logs: an ESC in a message never reaches the terminal" ;; esac
contains "logs: invalid UTF-8 replaced" "$OUT" $'cleared \xef\xbf\xbd\xef\xbf\xbd end'
contains "logs: a binary message summarised" "$OUT" "[7 bytes of binary data]"
run "logs -b -1" 0 logs -b -1 && contains "logs -b -1: the boot before" "$OUT" "auth failed for root" &&
        { [ "$(printf '%s\n' "$OUT" | wc -l)" = 2 ] && pass "logs -b -1: only its 2 entries" || fail "logs -b -1: only its 2 entries" "$OUT"; }
run "logs -u vdsmd -b all" 0 logs -u vdsmd -b all &&
        { [ "$(printf '%s\n' "$OUT" | grep -c 'vdsm\[')" = 3 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 3 ] &&
                pass "logs -u: the unit's 3 entries of both boots" || fail "logs -u: the unit's 3 entries of both boots" "$OUT"; }
run "logs -p err" 0 logs -p err &&
        { [ "$OUT" = "$(printf '%s\n' "$OUT" | grep 'Internal error')" ] && [ -n "$OUT" ] &&
                pass "logs -p err: only err and worse" || fail "logs -p err: only err and worse" "$OUT"; }
run "logs -p 6 leaves out debug" 0 logs -p 6 && case "$OUT" in *"debug detail"*) fail "logs -p 6: no debug" ;; *) pass "logs -p 6: no debug" ;; esac
run "logs -g" 0 logs -g "INTERNAL ERROR" && contains "logs -g: case-insensitive" "$OUT" "Internal error: cannot connect"
run "logs -n 2" 0 logs -n 2 &&
        { [ "$(printf '%s\n' "$OUT" | head -1 | grep -c cleared)" = 1 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 2 ] &&
                pass "logs -n 2: the last two" || fail "logs -n 2: the last two" "$OUT"; }
run "logs --json" 0 logs --json -u libvirtd &&
        got=$(printf '%s' "$OUT" | jq -r '.entries[0] | [.priority, .priority_name, .unit, .identifier, .pid, .time] | join(" ")') &&
        { [ "$got" = "3 err libvirtd.service libvirtd 400 2023-11-14T22:30:01.000000Z" ] && pass "logs --json: fields" ||
                fail "logs --json: fields" "$got"; }
run "logs --list-boots --json" 0 logs --list-boots --json &&
        got=$(printf '%s' "$OUT" | jq -r '[.boots[] | "\(.offset):\(.id)"] | join(" ")') &&
        { [ "$got" = "-1:1111111111111111aaaaaaaaaaaaaaaa 0:2222222222222222bbbbbbbbbbbbbbbb" ] &&
                pass "logs --list-boots: both boots, oldest first" || fail "logs --list-boots: both boots, oldest first" "$got"; }
for bad in "-p 9" "-p loud" "-n -1" "-n 99999999999" "-b 1" "-b abc" "-b -2" "-u a=b" "-u ../x" "extra"; do
        # shellcheck disable=SC2086
        run "logs $bad refused" 2 logs $bad && one_sentence "logs $bad"
done
mkdir "$TMP/empty-journal"
NODECTL_JOURNAL_DIR=$TMP/empty-journal run "logs on an empty journal" 0 logs &&
        { [ -z "$OUT" ] && pass "logs on an empty journal: prints nothing" || fail "logs on an empty journal: prints nothing" "$OUT"; }
NODECTL_JOURNAL_DIR=$TMP/no-journal-here run "logs without a journal" 1 logs && one_sentence "logs without a journal"

# follow: a line appended while nodectl waits shows up; one of another unit does not
"$NODECTL" logs -f -n 0 -u vdsmd >"$TMP/follow" 2>&1 &
follower=$!
# nodectl prints nothing for -n 0; give it the first appended line only once it is waiting
for _ in $(seq 100); do [ -e "/proc/$follower/fd" ] && ls -l "/proc/$follower/fd" 2>/dev/null | grep -q inotify && break; sleep 0.1; done
journal_add "new|1700001100|6|sshd.service|sshd|201|not for vdsmd" "new|1700001101|6|vdsmd.service|vdsm|300|followed line"
for _ in $(seq 100); do grep -q "followed line" "$TMP/follow" && break; sleep 0.1; done
kill "$follower" 2>/dev/null; wait "$follower" 2>/dev/null
contains "logs -f: an appended line appears" "$(cat "$TMP/follow")" "vdsm[300]: followed line"
case "$(cat "$TMP/follow")" in *"not for vdsmd"*) fail "logs -f: other units filtered" ;; *) pass "logs -f: other units filtered" ;; esac
unset NODECTL_JOURNAL_DIR
