#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nodectl's command line on the host, under valgrind or ASan+UBSan: usage errors,
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

NODECTL_ASAN=${NODECTL_ASAN:-$REPO/build/asan/nodectl}
[ -x "$NODECTL_ASAN" ] || { fail "ASan+UBSan nodectl at $NODECTL_ASAN (make O=build/asan SAN=1)"; NODECTL_ASAN=; }

# run NAME EXPECTED_EXIT ARGS... : runs nodectl; $OUT/$ERR hold its output.
# Every third run is under valgrind (it also sees reads of uninitialised
# memory), the others under the ASan+UBSan build, which starts 20 times
# faster; HOSTILE_VALGRIND=all (make check-hostile) runs all under valgrind.
runs=0
run() {
        local name=$1 want=$2; shift 2
        runs=$((runs + 1))
        rm -f "$TMP/vg"
        if [ "${HOSTILE_VALGRIND:-}" = all ] || [ -n "${VG_EXTRA:-}" ] || [ -z "$NODECTL_ASAN" ] ||
                [ $((runs % 3)) = 1 ]; then
                # shellcheck disable=SC2086
                valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect ${VG_EXTRA:-} \
                        --log-file="$TMP/vg" "$NODECTL" "$@" >"$TMP/out" 2>"$TMP/err"
                RC=$?
        else
                ASAN_OPTIONS=detect_leaks=1:exitcode=98 UBSAN_OPTIONS=halt_on_error=1:exitcode=97:print_stacktrace=1 \
                        "$NODECTL_ASAN" "$@" >"$TMP/out" 2>"$TMP/err"
                RC=$?
                grep -q 'Sanitizer\|runtime error:' "$TMP/err" && cp "$TMP/err" "$TMP/vg"
        fi
        OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
        if [ -s "$TMP/vg" ]; then
                fail "$name: valgrind or sanitizer clean" "$(head -20 "$TMP/vg")"; return 1
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

# --- in German: the catalogue the build made from po/de.po, next to nodectl
german() { LANGUAGE= LC_ALL= LC_MESSAGES= LANG=de_DE.UTF-8 NODECON_LOCALEDIR=$(dirname "$NODECTL")/locale "$@"; }
german run "help in German" 0 --help && contains "help in German" "$OUT" "Befehle:" &&
        contains "verbs described in German" "$OUT" "Ein Node-Image prüfen und seine Version zeigen"
german run "unknown command in German" 2 frobnicate &&
        contains "usage error in German" "$ERR" "nodectl: Unbekannter Befehl 'frobnicate'."
# lvm's "15.00" is read and JSON written with C numbers though de_DE writes 15,0
FAKE_LVM_STDOUT=$FIX/lvs-node.json german run "info in German" 0 info &&
        contains "pool use read in German" "$OUT" "Daten 15.0%, Metadaten 10.9%"
FAKE_LVM_STDOUT=$FIX/lvs-node.json german run "info --json in German" 0 info --json &&
        contains "JSON numbers keep the decimal point" "$OUT" '"data_percent":14.97'

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

# --- upgrade: usage and images refused before anything is touched (the rest runs in the lvm guest)
export NODECTL_RUN_DIR=$TMP/run; mkdir -p "$NODECTL_RUN_DIR"
run "upgrade without an image" 2 upgrade && one_sentence "upgrade without an image"
run "upgrade with two images" 2 upgrade a b && one_sentence "upgrade with two images"
for keep in 0 -1 abc 101 1x ""; do
        run "upgrade --keep '$keep' refused" 2 upgrade --keep "$keep" /nonexistent && one_sentence "upgrade --keep '$keep'"
done
for tries in 0 10 -1 x 1x ""; do
        run "upgrade --tries '$tries' refused" 2 upgrade --tries "$tries" /nonexistent && one_sentence "upgrade --tries '$tries'"
done
run "upgrade --bogus" 2 upgrade --bogus /nonexistent && one_sentence "upgrade --bogus"
run "upgrade of a missing image" 4 upgrade /nonexistent && contains "missing image named" "$ERR" "/nonexistent"
echo "not an image" > "$TMP/text.img"
# the steps the upgrade reached are progress lines on stderr; the refusal is the one "nodectl:" sentence
run "upgrade of a text file" 4 upgrade --yes "$TMP/text.img" &&
        { [ "$(printf '%s\n' "$ERR" | grep -c '^nodectl: ')" = 1 ] && [ "$(printf '%s\n' "$ERR" | tail -1 | cut -c1-9)" = "nodectl: " ] &&
                pass "upgrade of a text file: one clear sentence, last" ||
                fail "upgrade of a text file: one clear sentence, last" "stderr: $ERR"; } &&
        contains "upgrade of a text file: says why" "$ERR" "not a squashfs"
unset NODECTL_RUN_DIR

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

# --- support bundle: a fake lvm and a throw-away root; programs the host lacks are noted, not fatal
mkdir -p "$TMP/bundles"
NODECTL_ROOT=$REPO/tests/tui/fixtures/root FAKE_LVM_OUTPUT=$FIX/lvs-node.json \
        run "support-bundle into a directory" 0 support-bundle --output "$TMP/bundles" &&
        contains "support-bundle: says where" "$OUT" "Support bundle written: $TMP/bundles/nodecon-bundle-"
bundle=$(ls "$TMP"/bundles/*.tar.gz 2>/dev/null | head -1)
if [ -n "$bundle" ]; then
        listing=$(tar -tzf "$bundle")
        contains "support-bundle: has index.txt" "$listing" "/index.txt"
        contains "support-bundle: has lvs' report" "$listing" "/lvm/lvs.json"
        contains "support-bundle: has the boot entries" "$listing" "/boot/loader-entries/ovirt-node-ng-4.4.10-0.20220303.0+2-5.14.0.conf"
        index=$(tar -xzOf "$bundle" --wildcards '*/index.txt')
        [ "$(printf '%s\n' "$index" | grep -cE '^[a-z].* (ok|absent: .*|exit [0-9]+: .*|not run: .*|cannot .*)$')" = 29 ] &&
                pass "support-bundle: index.txt accounts for all 29 pieces" ||
                fail "support-bundle: index.txt accounts for all 29 pieces" "$index"
        case $listing in *shadow*|*ssh_host*key) fail "support-bundle: no secrets" "$listing" ;;
        *) pass "support-bundle: no secrets" ;; esac
        [ "$(stat -c %a "$bundle")" = 600 ] && pass "support-bundle: readable by root only" ||
                fail "support-bundle: readable by root only" "$(stat -c %a "$bundle")"
else
        fail "support-bundle: a bundle was written" "$(ls -la "$TMP/bundles")"
fi
run "support-bundle onto an existing file" 1 support-bundle --output "$bundle" && one_sentence "support-bundle exists"
run "support-bundle where nothing can be written" 1 support-bundle --output /proc/nodecon-bundle.tar.gz &&
        one_sentence "support-bundle unwritable"
[ "$(ls "$TMP/bundles" | wc -l)" = 1 ] && pass "support-bundle: failures leave nothing behind" ||
        fail "support-bundle: failures leave nothing behind" "$(ls "$TMP/bundles")"
run "support-bundle --json" 0 --json support-bundle --output "$TMP/bundles/b.tar.gz" &&
        got=$(printf '%s' "$OUT" | jq -r '"\(.path) \(.items + .missing) \(.size > 0)"') &&
        { [ "$got" = "$TMP/bundles/b.tar.gz 29 true" ] && pass "support-bundle --json: path, pieces, size" ||
                fail "support-bundle --json: path, pieces, size" "$got"; }
run "support-bundle with an argument" 2 support-bundle extra && one_sentence "support-bundle extra"
# --- nodectl network: input refused before NetworkManager is asked (the netns tier does the rest)
run "network: unknown subcommand" 2 network frob && contains "network: names it" "$ERR" "frob"
run "network apply: VLAN 4095" 2 network apply eth0 --vlan 4095 && one_sentence "network apply: VLAN 4095"
run "network apply: gateway outside the subnet" 2 network apply eth0 --ipv4 static --address 192.0.2.5/24 \
        --gateway 198.51.100.1 && contains "network apply: gateway sentence" "$ERR" "outside the subnet"
run "network apply: no interface" 2 network apply --ipv4 dhcp && one_sentence "network apply: no interface"
run "network hostname: bad name" 2 network hostname 'bad_name' && one_sentence "network hostname: bad name"
run "network test: bad port" 2 network test engine:0 && one_sentence "network test: bad port"
# no NetworkManager on this bus: one sentence, exit 1, and the test still gives its verdict.
# GLib's D-Bus worker threads live until exit: their stacks are only "possibly lost".
VG_EXTRA=--show-leak-kinds=definite,indirect DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent run "network without NetworkManager" 1 network &&
        contains "network: says NM cannot be reached" "$ERR" "NetworkManager is not running"
VG_EXTRA=--show-leak-kinds=definite,indirect DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent run "network test without NetworkManager" 1 network test &&
        contains "network test: link step says so" "$OUT" "NetworkManager cannot be asked"
# --- network ntp: the drop-in of each time daemon under a throw-away root (no daemon is told there)
ntp_root=$TMP/ntp-timesyncd
mkdir -p "$ntp_root/etc/systemd/timesyncd.conf.d"
printf '[Time]\nNTP=distro.example.org\nFallbackNTP=0.debian.pool.ntp.org\n' >"$ntp_root/etc/systemd/timesyncd.conf"
printf '[Time]\nNTP=\nNTP=site.example.org\n' >"$ntp_root/etc/systemd/timesyncd.conf.d/50-site.conf"
NODECTL_ROOT=$ntp_root run "network ntp: timesyncd's servers, drop-ins applied in order" 0 --json network ntp &&
        contains "network ntp: an empty NTP= resets" "$(printf '%s' "$OUT" | jq -c '[.daemon, .servers, .set_by_nodecon]')" \
                '["systemd-timesyncd",["site.example.org"],false]'
NODECTL_ROOT=$ntp_root run "network ntp --set (timesyncd)" 0 network ntp --set ntp1.example.com,192.0.2.123 &&
        contains "network ntp: the drop-in says NTP=" "$(cat "$ntp_root/etc/systemd/timesyncd.conf.d/nodecon.conf")" \
                "NTP=ntp1.example.com 192.0.2.123"
NODECTL_ROOT=$ntp_root run "network ntp: read back" 0 --json network ntp &&
        contains "network ntp: ours win, as the last drop-in" "$(printf '%s' "$OUT" | jq -c '[.servers, .set_by_nodecon]')" \
                '[["ntp1.example.com","192.0.2.123"],true]'
cp "$ntp_root/etc/systemd/timesyncd.conf.d/nodecon.conf" "$TMP/ntp-before"
for bad in 192.0.2.300 'bad_name.example' '-lead.example' 'a,a' '224.0.0.1' 'x,,'; do
        NODECTL_ROOT=$ntp_root run "network ntp --set '$bad' refused" 2 network ntp --set "$bad" &&
                one_sentence "network ntp --set '$bad'"
done
NODECTL_ROOT=$ntp_root run "network ntp: nine servers refused" 2 network ntp --set a,b,c,d,e,f,g,h,i
NODECTL_ROOT=$ntp_root run "network ntp: --set and --clear" 2 network ntp --set a --clear
if cmp -s "$TMP/ntp-before" "$ntp_root/etc/systemd/timesyncd.conf.d/nodecon.conf"; then
        pass "network ntp: refused input changed nothing"
else
        fail "network ntp: refused input changed nothing" "$(cat "$ntp_root/etc/systemd/timesyncd.conf.d/nodecon.conf")"
fi
NODECTL_ROOT=$ntp_root run "network ntp --clear" 0 network ntp --clear &&
        { [ ! -e "$ntp_root/etc/systemd/timesyncd.conf.d/nodecon.conf" ] && pass "network ntp --clear removes the drop-in" ||
                fail "network ntp --clear removes the drop-in"; }
ntp_root=$TMP/ntp-chrony
mkdir -p "$ntp_root/etc/chrony/conf.d"
printf '# Debian\npool 2.debian.pool.ntp.org iburst\nsourcedir /etc/chrony/sources.d\n' >"$ntp_root/etc/chrony/chrony.conf"
NODECTL_ROOT=$ntp_root run "network ntp --set (chrony)" 0 network ntp --set 2001:db8::123,ntp.example.com &&
        contains "network ntp: chrony sources file" "$(cat "$ntp_root/etc/chrony/sources.d/nodecon.sources")" \
                "server 2001:db8::123 iburst"
NODECTL_ROOT=$ntp_root run "network ntp: chrony read back" 0 --json network ntp &&
        contains "network ntp: ours, and the distribution's pool as also used" \
                "$(printf '%s' "$OUT" | jq -c '[.daemon, .servers, .also]')" \
                '["chrony",["2001:db8::123","ntp.example.com"],["2.debian.pool.ntp.org"]]'
NODECTL_ROOT=$TMP/ntp-none run "network ntp: no time daemon" 1 network ntp && one_sentence "network ntp: no time daemon"
# --- check: verdicts from a captured report and a throw-away root; --repair of boot files
run "check with an extra argument" 2 check --force && one_sentence "check --force"
if [ -f "$FIX/lvs-node.json" ]; then
        L=ovirt-node-ng-4.4.10-0.20220303.0
        CR=$TMP/checkroot
        mkdir -p "$CR/proc/self" "$CR/boot/loader/entries" "$CR/boot/grub2" "$CR/etc/nodecon"
        echo "BOOT_IMAGE=/x root=/dev/onn/$L+2 ro img.bootid=$L+2" >"$CR/proc/cmdline"
        printf '20 1 253:9 / / rw - ext4 /dev/onn/%s rw\n30 20 253:5 / /var rw - ext4 /dev/onn/var rw\n' "$L" \
                >"$CR/proc/self/mountinfo"
        for layer in "$L+1" "$L+2" ovirt-node-ng-4.4.9-0.20211026.0+1 ovirt-node-ng-4.9.0-0.20270101.0+1; do
                mkdir -p "$CR/boot/$layer"
                echo kernel >"$CR/boot/$layer/vmlinuz-6.1.0"
                printf 'title %s\nlinux /%s/vmlinuz-6.1.0\noptions root=/dev/onn/%s img.bootid=%s\n' \
                        "$layer" "$layer" "$layer" "$layer" >"$CR/boot/loader/entries/$layer-6.1.0.conf"
        done
        mkdir -p "$CR/boot/ovirt-node-ng-4.9.0-0.20270101.0+2"
        grubenv() { # SAVED_ENTRY: grubenv as grub-editenv writes it, 1024 bytes
                local body="# GRUB Environment Block
saved_entry=$1
"
                { printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } >"$CR/boot/grub2/grubenv"
        }
        grubenv "$L+2-6.1.0"
        printf 'health_services = sshd.service -rf\n' >"$CR/etc/nodecon/nodecon.conf"
        export FAKE_LVM_STDOUT=$FIX/lvs-node.json NODECTL_ROOT=$CR NODECTL_RUN_DIR=$TMP/run
        run "check names leftovers (WARN is exit 0)" 0 check
        contains "check: booted layer" "$OUT" "OK      booted        The node runs layer $L+2."
        contains "check: /var volume" "$OUT" "OK      var           /var is volume var"
        contains "check: dangling entry" "$OUT" "layer ovirt-node-ng-4.9.0-0.20270101.0+1 are left over"
        contains "check: dangling kernel dir" "$OUT" "layer ovirt-node-ng-4.9.0-0.20270101.0+2 are left over"
        contains "check: a bad unit name is one sentence" "$OUT" "\"-rf\" is not a systemd unit name."
        contains "check: overall" "$OUT" "Status: WARN"
        run "check --json" 0 check --json
        contains "check --json leftovers" "$(printf '%s' "$OUT" | tr -d ' \n')" \
                '"leftovers":[{"kind":"boot","name":"ovirt-node-ng-4.9.0-0.20270101.0+1"},{"kind":"boot","name":"ovirt-node-ng-4.9.0-0.20270101.0+2"}]'
        run "check --repair" 0 check --repair
        contains "repair says what went" "$OUT" "Removed the boot entries and /boot files of ovirt-node-ng-4.9.0-0.20270101.0+1."
        if [ ! -e "$CR/boot/loader/entries/ovirt-node-ng-4.9.0-0.20270101.0+1-6.1.0.conf" ] &&
           [ ! -e "$CR/boot/ovirt-node-ng-4.9.0-0.20270101.0+1" ] && [ ! -e "$CR/boot/ovirt-node-ng-4.9.0-0.20270101.0+2" ] &&
           [ -f "$CR/boot/loader/entries/$L+1-6.1.0.conf" ] && [ -f "$CR/boot/$L+1/vmlinuz-6.1.0" ]; then
                pass "repair removed exactly the leftover boot files"
        else
                fail "repair removed exactly the leftover boot files" "$(find "$CR/boot" | sort)"
        fi
        contains "after repair nothing is left over" "$OUT" "OK      leftovers     Nothing is left over"
        # the default entry names a layer that does not exist: FAILED, exit 1, and repair leaves it
        printf 'title x\nlinux /x/vmlinuz\noptions img.bootid=ovirt-node-ng-4.9.0-0.20270101.0+5\n' \
                >"$CR/boot/loader/entries/ovirt-node-ng-4.9.0-0.20270101.0+5-6.1.0.conf"
        grubenv ovirt-node-ng-4.9.0-0.20270101.0+5-6.1.0
        run "check with a dangling default is exit 1" 1 check --repair
        contains "it says why" "$OUT" "FAILED  boot-entries  The default boot entry starts layer ovirt-node-ng-4.9.0-0.20270101.0+5"
        [ -f "$CR/boot/loader/entries/ovirt-node-ng-4.9.0-0.20270101.0+5-6.1.0.conf" ] &&
                pass "repair leaves the default entry" || fail "repair leaves the default entry"
        unset FAKE_LVM_STDOUT NODECTL_ROOT NODECTL_RUN_DIR
else
        fail "fixture lvs-node.json present"
fi
# --- reboot, poweroff, ssh: what the host can prove (the full guest has systemd and sshd) ---
run "reboot with an argument" 2 reboot now && one_sentence "reboot with an argument"
run "poweroff with an unknown option" 2 poweroff --force && one_sentence "poweroff --force"
run "reboot without a terminal and --yes" 2 reboot </dev/null && contains "reboot: asks for --yes" "$ERR" "give --yes"
PR=$TMP/power; mkdir -p "$PR/run"
export NODECTL_RUN_DIR=$PR/run NODECTL_LIBVIRT_URI="test://$REPO/tests/host/fixtures/libvirt-node.xml"
export NODECON_POWEROFF=$REPO/tests/tui/fake-poweroff FAKE_POWEROFF_LOG=$PR/poweroff.log
run "poweroff --yes runs the power-off program" 0 poweroff --yes </dev/null &&
        contains "poweroff names the running VMs first" "$ERR" "2 virtual machines are active: db1, web2."
contains "poweroff: the program ran once" "$(cat "$PR/poweroff.log" 2>/dev/null)" "poweroff"
FAKE_POWEROFF_EXIT=1 FAKE_POWEROFF_STDERR="Access denied" run "poweroff that fails" 1 poweroff --yes </dev/null &&
        contains "poweroff failure says why" "$ERR" "The node cannot be powered off: fake-poweroff failed (Access denied)."
flock "$PR/run/lock" sh -c 'echo $$ >"$1"; '"\"$NODECTL\""' reboot --yes </dev/null >/dev/null 2>"$2"; echo $? >"$3"' \
        sh "$PR/run/lock" "$PR/lock.err" "$PR/lock.rc"
is_locked=$(cat "$PR/lock.rc")
[ "$is_locked" = 7 ] && pass "reboot while the lock is held: exit 7" || fail "reboot while the lock is held: exit 7" "got $is_locked: $(cat "$PR/lock.err")"
[ "$(grep -c . "$PR/poweroff.log")" = 2 ] && pass "the refused reboot ran nothing" || fail "the refused reboot ran nothing"
unset NODECTL_RUN_DIR NODECTL_LIBVIRT_URI NODECON_POWEROFF FAKE_POWEROFF_LOG
run "ssh with an unknown subcommand" 2 ssh frob && contains "ssh: names the subcommand" "$ERR" "'frob'"
run "ssh enable with an argument" 2 ssh enable now && one_sentence "ssh enable now"
run "ssh password without a value" 2 ssh password && one_sentence "ssh password"
run "ssh password maybe" 2 ssh password maybe && contains "ssh password: on or off" "$ERR" "takes on or off"
# host key fingerprints, as ssh-keygen -lf prints them; a file that is no key is named
SR=$TMP/sshroot; mkdir -p "$SR/etc/ssh"
for t in ed25519 ecdsa rsa; do ssh-keygen -q -t $t -N '' -C test@node -f "$SR/etc/ssh/ssh_host_${t}_key"; done
printf 'ssh-ed25519 AAAAnotbase64!!\n' >"$SR/etc/ssh/ssh_host_dsa_key.pub"
NODECTL_ROOT=$SR run "ssh --json on a root with host keys" 0 ssh --json
keys=$(printf '%s' "$OUT" | jq -r '.host_keys[] | "\(.bits) \(.fingerprint) (\(.type))"' 2>/dev/null)
want=$(for f in "$SR"/etc/ssh/ssh_host_{ecdsa,ed25519,rsa}_key.pub; do ssh-keygen -lf "$f" | awk '{print $1, $2, $NF}'; done)
[ -n "$want" ] && [ "$keys" = "$want" ] && pass "ssh: fingerprints, bits and types equal ssh-keygen -lf's" ||
        fail "ssh: fingerprints, bits and types equal ssh-keygen -lf's" "nodectl: $keys" "ssh-keygen: $want"
contains "ssh: the broken key file is named" "$(printf '%s' "$OUT" | jq -r .host_keys_problem)" "ssh_host_dsa_key.pub"
NODECTL_ROOT=$SR run "ssh password on a node without sshd" 1 ssh password off &&
        one_sentence "ssh password without sshd"
[ ! -e "$SR/etc/ssh/sshd_config.d/50-nodecon.conf" ] && pass "ssh password without sshd wrote nothing" ||
        fail "ssh password without sshd wrote nothing"

# --- hostile values for every argument (table-driven) ------------------------
# Every argument every verb takes, one line each: the kind of value it takes,
# the exit code nodectl(8) gives a bad one, and the command with @ where the
# value goes.  A new verb's arguments are covered by adding lines here.
#   name: a VG, LV, base (NVR) or layer name, a word from a list, or the verb itself
#   file: a path to an image;  size: a size such as 20G;  count: a number (0 allowed)
# Filters that match text (logs -u, -g) take any text and are not listed.
HOSTILE_ARGS=(
        "name 2 @"
        "name 2 --vg @ info"
        "name 2 --vg @ layers --json"
        "name 2 --vg @ add-layer"
        "name 2 init --image /dev/null @"
        "name 2 init --adopt @ onn"
        "name 2 init --adopt onn/@ onn"
        "name 2 add-layer --base @"
        "name 2 rollback --to @ --yes"
        "name 2 boot --set-default @"
        "name 2 remove @ --yes"
        "name 2 pin @"
        "name 2 unpin @"
        "file 4 image-info @"
        "file 4 --json image-info @"
        "file 4 init --image @ scratch"
        "size 2 init --image /dev/null --pool-size @ onn"
        "size 2 init --image /dev/null --var-size @ onn"
        "name 2 vms @"
        "name 2 service @ x"
        "name 2 service start @ --yes"
        "name 2 logs -p @"
        "name 2 logs -b @"
        "count 2 logs -n @"
        "count 2 audit -n @"
        "name 2 ssh @"
        "name 2 ssh password @"
        "name 2 reboot @"
        "name 2 poweroff @"
        "name 2 network ntp --set @"
        "name 2 network test @"
        "count 2 upgrade --tries @ /nonexistent"
        "count 2 boot --set-default x --tries @"
        "name 2 check @"
)
# The values, and the kinds of argument each is tried on.  One argument
# cannot reach 128 KiB (the kernel's MAX_ARG_STRLEN), so "huge" is a little
# shorter; a 1 MB image file is tried below.  Numbers that happen to be valid
# names are tried on paths and sizes only.
declare -A HOSTILE HOSTILE_KINDS
LABELS=()
hostile() { LABELS+=("$1"); HOSTILE[$1]=$2; HOSTILE_KINDS[$1]=${3:-name file size count}; }
hostile "empty" ""
hostile "huge (131000 bytes)" "$(head -c 131000 /dev/zero | tr '\0' a)"
hostile "binary (bytes 1-255)" "$(printf '%b' "$(printf '\\%03o' $(seq 1 255))")"
hostile "non-UTF-8" $'\xff\xfe\xc3\x28\xed\xa0\x80\xc0\xaf'
hostile "terminal escapes" $'\e]0;owned\a\e[2J\e[31m\xc2\x9b1m'
hostile "shell metacharacters" "\$(touch $TMP/pwned);\`touch $TMP/pwned\`|&>\"'*?{a,b}"
hostile "path traversal" "../../../../../../etc/passwd"
hostile "plus and spaces" "ovirt-node-ng-4.4.10-0.20220303.0+1 +2"
hostile "negative" "-5G"
hostile "zero" "0" "file size"
hostile "overflow (2^64)" "18446744073709551616" "file size count"
hostile "overflow with a unit" "17179869184T" "file size count"

# A node root nodectl may read and must not change: boot entries and grubenv
# for the layers of lvs-node.json (VG onn); VG scratch (vgs-scratch.json) is
# empty and untagged, so init gets as far as checking its image.
HROOT=$TMP/root
mkdir -p "$HROOT/boot/loader/entries" "$HROOT/boot/grub2" "$HROOT/proc" "$TMP/run"
for y in ovirt-node-ng-4.4.10-0.20220303.0+1 ovirt-node-ng-4.4.9-0.20211026.0+1; do
        printf 'title %s\nlinux /%s/vmlinuz\noptions root=/dev/onn/%s img.bootid=%s\n' "$y" "$y" "$y" "$y" \
                >"$HROOT/boot/loader/entries/$y-6.1.conf"
done
{ printf '# GRUB Environment Block\nsaved_entry=ovirt-node-ng-4.4.9-0.20211026.0+1-6.1\n'
  head -c 1024 /dev/zero | tr '\0' '#'; } | head -c 1024 >"$HROOT/boot/grub2/grubenv"
printf 'BOOT_IMAGE=/vmlinuz root=/dev/onn/ovirt-node-ng-4.4.9-0.20211026.0+1\n' >"$HROOT/proc/cmdline"
tree_sum() { (cd "$HROOT" && find . -type f -exec sha256sum {} + | sort; find . | sort) | sha256sum; }
hroot_before=$(tree_sum)

# --- the main verbs' own paths under valgrind, on a copy of that root -------
VROOT=$TMP/vroot
cp -a "$HROOT" "$VROOT"
verbs_env() { FAKE_LVM_LOG=$TMP/lvm.log FAKE_LVM_STDOUT=$FIX/lvs-node.json NODECTL_ROOT=$VROOT NODECTL_RUN_DIR=$TMP/run "$@"; }
L9=ovirt-node-ng-4.4.9-0.20211026.0+1 L10=ovirt-node-ng-4.4.10-0.20220303.0+1 L10b=ovirt-node-ng-4.4.10-0.20220303.0+2
is_saved() { # ENTRY NAME: grubenv's saved_entry is ENTRY
        local got
        got=$(grep -a -o '^saved_entry=[^#]*' "$VROOT/boot/grub2/grubenv")
        [ "$got" = "saved_entry=$1" ] && pass "$2" || fail "$2" "$got"
}
verbs_env run "info" 0 info && contains "info names the default layer" "$OUT" "$L9"
verbs_env run "info --json" 0 info --json && contains "info --json names the VG" "$OUT" '"vg":"onn"'
verbs_env run "boot --list" 0 boot --list && contains "boot --list marks the default" "$OUT" "* $L9-6.1"
verbs_env run "boot --list --json" 0 boot --list --json && contains "boot --list --json" "$OUT" '"default":true'
verbs_env run "rollback with nothing older" 1 rollback --yes && one_sentence "rollback with nothing older"
verbs_env run "boot --set-default" 0 boot --set-default "$L10" && is_saved "$L10-6.1" "boot --set-default writes grubenv"
verbs_env run "rollback --yes --json" 0 rollback --yes --json && contains "rollback --json names the target" "$OUT" "\"to\":\"$L9\"" &&
        is_saved "$L9-6.1" "rollback writes grubenv"
# grub's boot counting (Fedora's grubenv variables), byte for byte as grub-editenv writes them
REF=$TMP/grubenv.ref
cp "$VROOT/boot/grub2/grubenv" "$REF"
grub-editenv "$REF" set "saved_entry=$L10-6.1" boot_counter=3 boot_success=0
verbs_env run "boot --set-default --tries (grub)" 0 boot --set-default "$L10" --tries 3 &&
        { cmp -s "$REF" "$VROOT/boot/grub2/grubenv" && pass "grub: saved_entry, boot_counter=3, boot_success=0 as grub-editenv" ||
                fail "grub: saved_entry, boot_counter=3, boot_success=0 as grub-editenv" "$(cat -A "$VROOT/boot/grub2/grubenv" | head -5)"; }
printf 'BOOT_IMAGE=/vmlinuz root=/dev/onn/%s img.bootid=%s\n' "$L10" "$L10" >"$VROOT/proc/cmdline"
cp "$VROOT/boot/grub2/grubenv" "$TMP/grubenv.trial"
# no /var mount in this root: FAILED, the boot is not marked good, the record says why
verbs_env run "check --boot (grub, FAILED)" 1 check --boot &&
        { cmp -s "$TMP/grubenv.trial" "$VROOT/boot/grub2/grubenv" && pass "grub: a failed boot leaves the counter" ||
                fail "grub: a failed boot leaves the counter"; } &&
        contains "check --boot records why (first line)" "$(head -n 1 "$VROOT/var/lib/nodecon/health/$L10" 2>&1)" \
                "/var is not a separate mount" &&
        contains "check --boot records each finding" "$(cat "$VROOT/var/lib/nodecon/health/$L10" 2>&1)" "FAILED var: "
# /var mounted from the var LV (253:5 in lvs-node.json): WARN only (a layer without an entry, no
# autoextend answer), which is healthy
mkdir -p "$VROOT/proc/self"
echo "40 30 253:5 / /var rw,relatime shared:2 - ext4 /dev/mapper/onn-var rw" >"$VROOT/proc/self/mountinfo"
grub-editenv "$REF" set boot_success=1
grub-editenv "$REF" unset boot_counter
verbs_env run "check --boot (grub, healthy)" 0 check --boot &&
        { cmp -s "$REF" "$VROOT/boot/grub2/grubenv" && pass "grub: a healthy boot sets boot_success=1, unsets boot_counter" ||
                fail "grub: a healthy boot sets boot_success=1, unsets boot_counter" "$(cat -A "$VROOT/boot/grub2/grubenv" | head -5)"; } &&
        contains "check --boot records the WARN for the layer" "$(cat "$VROOT/var/lib/nodecon/health/$L10" 2>&1)" "WARN boot-entries: "
rm -r "$VROOT/proc/self"
verbs_env run "check --boot --repair" 2 check --boot --repair && one_sentence "check --boot --repair"
printf 'BOOT_IMAGE=/vmlinuz root=/dev/onn/%s\n' "$L9" >"$VROOT/proc/cmdline"
: >"$TMP/lvm.log"
verbs_env run "pin" 0 pin "$L10b" && contains "pin asks lvm to add the tag" "$(cat "$TMP/lvm.log")" "lvchange"
verbs_env run "unpin (not pinned)" 0 unpin "$L10b"
verbs_env run "remove --yes" 0 remove "$L10b" --yes && contains "remove asks lvm to remove" "$(cat "$TMP/lvm.log")" "lvremove"
: >"$TMP/lvm.log"
# the fake makes no device node: add-layer fails after lvcreate and removes what it made
verbs_env run "add-layer failing after lvcreate" 3 add-layer && one_sentence "add-layer failing" &&
        contains "add-layer removes its new LV again" "$(tail -n 1 "$TMP/lvm.log")" "lvremove"

# hostile_case MODE WANT LABEL ARGS... : one TAP line for one value in one argument.
# MODE valgrind runs nodectl under valgrind; asan runs the ASan+UBSan build.
# Works in $W, lvm's log in $W/lvm.log.
hostile_case() {
        local mode=$1 want=$2 label=$3; shift 3
        local why=() rc
        : >"$W/lvm.log"
        export FAKE_LVM_LOG=$W/lvm.log
        if [ "$mode" = valgrind ]; then
                valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                        --log-file="$W/vg" "$NODECTL" "$@" >"$W/out" 2>"$W/err"
                rc=$?
                [ -s "$W/vg" ] && why+=("valgrind: $(head -c 300 "$W/vg")")
        else
                ASAN_OPTIONS=detect_leaks=1:exitcode=98 UBSAN_OPTIONS=halt_on_error=1:exitcode=97:print_stacktrace=1 \
                        "$NODECTL_ASAN" "$@" >"$W/out" 2>"$W/err"
                rc=$?
                grep -q 'Sanitizer\|runtime error:' "$W/err" && why+=("sanitizer: $(grep -m3 'Sanitizer\|runtime error' "$W/err")")
        fi
        [ "$rc" = "$want" ] || why+=("exit $rc, not $want")
        [ -s "$W/out" ] && why+=("printed on stdout: $(head -c 200 "$W/out" | cat -v)")
        # one sentence, short, terminal-safe and UTF-8: the last line, or the
        # one before the --help hint (init's progress steps may come before it)
        local sentences last
        sentences=$(grep -c '^nodectl: ' "$W/err")
        last=$(grep -v -x "Try 'nodectl --help'." "$W/err" | tail -n 1)
        case "$sentences:$last" in
        "1:nodectl: "?*) ;;
        *) why+=("not one sentence on stderr: $(head -c 300 "$W/err" | cat -v)") ;;
        esac
        [ "$(wc -L <"$W/err")" -le 400 ] || why+=("a line of $(wc -L <"$W/err") characters on stderr")
        LC_ALL=C grep -q '[[:cntrl:]]' "$W/err" && why+=("control characters on stderr: $(head -c 200 "$W/err" | cat -v)")
        iconv -f UTF-8 -t UTF-8 "$W/err" >/dev/null 2>&1 || why+=("stderr is not UTF-8: $(head -c 200 "$W/err" | cat -v)")
        LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$W/err" && why+=("C1 control characters on stderr")
        # lvm may be asked to read, never to change
        local changing
        changing=$(grep -v -x 'lvs\|vgs\|pvs\|version\|fullreport' "$W/lvm.log" | sort -u | tr '\n' ' ')
        [ -z "$changing" ] || why+=("lvm was asked to: $changing")
        [ -e "$TMP/pwned" ] && why+=("a shell ran the argument") && rm -f "$TMP/pwned"
        local name="hostile: $label [$mode]"
        if [ "${#why[@]}" -eq 0 ]; then pass "$name"; else fail "$name" "${why[@]}"; fi
}

# Every case runs under the ASan+UBSan build; valgrind (slower) takes each
# argument once, with the value it has met least so far, so every argument and
# every value meet it.  HOSTILE_VALGRIND=all runs every case under valgrind
# too (make check-hostile).
export FAKE_LVM_STDOUT=$FIX/lvs-node.json FAKE_LVM_VGS_STDOUT=$REPO/tests/host/vgs-scratch.json
export NODECTL_ROOT=$HROOT NODECTL_RUN_DIR=$TMP/run LC_ALL=C.UTF-8
# one argument per job, JOBS (default: every core) at a time, TAP kept in order
jobs_max=${JOBS:-$(nproc)}
row=0
declare -A valgrind_runs
for label in "${LABELS[@]}"; do valgrind_runs[$label]=0; done
for spec in "${HOSTILE_ARGS[@]}"; do
        read -r kind want template <<<"$spec"
        applicable=() vg_label=
        for label in "${LABELS[@]}"; do
                case " ${HOSTILE_KINDS[$label]} " in *" $kind "*) applicable+=("$label") ;; esac
        done
        for label in "${applicable[@]}"; do
                if [ -z "$vg_label" ] || [ "${valgrind_runs[$label]}" -lt "${valgrind_runs[$vg_label]}" ]; then
                        vg_label=$label
                fi
        done
        valgrind_runs[$vg_label]=$(( ${valgrind_runs[$vg_label]} + 1 ))
        while [ "$(jobs -r -p | wc -l)" -ge "$jobs_max" ]; do wait -n; done
        W=$TMP/hostile.$row
        mkdir -p "$W"
        (
        for label in "${applicable[@]}"; do
                args=()
                for w in $template; do
                        case "$w" in
                        @) args+=("${HOSTILE[$label]}") ;;
                        *@*) args+=("${w%%@*}${HOSTILE[$label]}${w#*@}") ;;
                        *) args+=("$w") ;;
                        esac
                done
                desc="nodectl ${template//@/<$label>}"
                if [ "${HOSTILE_VALGRIND:-}" = all ] || [ -z "$NODECTL_ASAN" ] || [ "$label" = "$vg_label" ]; then
                        hostile_case valgrind "$want" "$desc" "${args[@]}"
                fi
                if [ -n "$NODECTL_ASAN" ]; then
                        hostile_case asan "$want" "$desc" "${args[@]}"
                fi
        done >"$W/tap"
        ) &
        row=$((row + 1))
done
wait
for ((r = 0; r < row; r++)); do cat "$TMP/hostile.$r/tap"; done
W=$TMP/hostile.1mb
mkdir -p "$W"
head -c 1048576 /dev/urandom >"$TMP/1mb.img"
hostile_case valgrind 4 "nodectl image-info <1 MB of random bytes>" image-info "$TMP/1mb.img"
[ "$(tree_sum)" = "$hroot_before" ] && pass "hostile: the node root (boot entries, grubenv) is unchanged" ||
        fail "hostile: the node root (boot entries, grubenv) is unchanged"
