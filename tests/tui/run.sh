#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the screen tests (tests/tui/cases/*.vt, or the cases given) with the
# libvterm harness and prints TAP.  A case with a "# matrix" line runs under
# every TERM in {vt100, linux, xterm} x LANG in {C, C.UTF-8}; its lines read
# the pair from ${HARNESS_TERM} and ${HARNESS_LANG}.  A case with a
# "# displays" line runs twice, as the issue asks of every screen: a serial
# console (vt100, LANG=C, no colour, 80x24) and a big UTF-8 colour terminal
# (xterm, C.UTF-8, 132x43); it reads ${HARNESS_TERM} ${HARNESS_LANG}
# ${HARNESS_COLS} ${HARNESS_ROWS} and ${HARNESS_COLOUR} (no or yes).
#
#   O=build/tui tests/tui/run.sh [CASE.vt...]
# NODECON and HARNESS override the programs; HARNESS_TIMEOUT_SCALE=10 gives
# slow runs (valgrind) more time.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
O=${O:-build/tui}
case "$O" in /*) build=$O ;; *) build=$top/$O ;; esac
HARNESS=${HARNESS:-$build/vterm-harness}
export NODECON="${NODECON:-$build/nodecon}"
# the build tree's translations (nodecon finds them through NODECON_LOCALEDIR)
export LOCALES="$build/locale"
export FAKE_LVM="$here/fake-lvm" FAKE_REBOOT="$here/fake-reboot" FAKE_POWEROFF="$here/fake-poweroff" FIXTURES="$here/fixtures"
# libvirt's test driver on a node with VMs in several states (shared with the cli tier)
export LIBVIRT_NODE="test://$top/tests/host/fixtures/libvirt-node.xml"
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/nodecon-tui.XXXXXX") || exit 1
export ENGINE_DIR="$TMP_ROOT/engine" ENGINE_CTL="$here/test-engine"
trap '"$ENGINE_CTL" stop; rm -rf "$TMP_ROOT"' EXIT
# Each run of a case gets its own ${HARNESS_TMP}: logs and copied trees of
# one run never leak into the next.
harness() {
        HARNESS_TMP=$(mktemp -d "$TMP_ROOT/run.XXXXXX") "$HARNESS" "$@"
}
# The cases choose the locale; nothing from the caller's may leak in.
unset LC_ALL LC_CTYPE LC_MESSAGES LANGUAGE NO_COLOR NODECON_ASCII NODECON_LINES NODECTL_LVM NODECTL_ROOT

for prog in "$HARNESS" "$NODECON"; do
        if [ ! -x "$prog" ]; then
                echo "not ok - tui: $prog is not built (make O=$O $prog)"
                exit 1
        fi
done

# Real journal files for the log viewer (logs*.vt): two boots, hostile
# messages, and a second file a case copies in while the viewer follows.
make_journal() { # FILE ENTRY...
        out=$1; shift
        mkdir -p "$(dirname "$out")"
        "$top/tests/host/make-journal.py" "$@" |
                /lib/systemd/systemd-journal-remote -o "$out" --split-mode=none - 2>/dev/null
}
export JOURNAL_FIXTURES="$TMP_ROOT/journal"
make_journal "$JOURNAL_FIXTURES/system.journal" \
        "old|1700000000|6|vdsmd.service|vdsm|100|vdsm started" \
        "old|1700000001|3|sshd.service|sshd|200|error: auth failed for root" \
        "new|1700001000|6|vdsmd.service|vdsm|300|vdsm started again" \
        "new|1700001001|3|libvirtd.service|libvirtd|400|Internal error: cannot connect" \
        "new|1700001002|7|vdsmd.service|vdsm|300|debug detail" \
        "new|1700001003|6|NetworkManager.service|NetworkManager|500|\x1b[2Jcleared \x1b]0;owned\x07 end" ||
        { echo "not ok - tui: cannot make the journal fixture (systemd-journal-remote)"; exit 1; }
make_journal "$JOURNAL_FIXTURES/more/extra.journal" \
        "new|1700001100|6|vdsmd.service|vdsm|300|followed line" ||
        { echo "not ok - tui: cannot make the journal fixture (systemd-journal-remote)"; exit 1; }

# The test engine (engine*.vt), started once for all cases: HTTPS on
# localhost with its own CA; its log says what it was asked.
mkdir -p "$ENGINE_DIR" && "$ENGINE_CTL" setup && "$ENGINE_CTL" start ||
        { echo "not ok - tui: cannot start the test engine (tests/engine/engine.py)"; exit 1; }
ENGINE_PORT=$(cat "$ENGINE_DIR/port")
ENGINE_CA_SHA256=$(openssl x509 -in "$ENGINE_DIR/pki/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
# the screen shows it in two halves of 16 bytes; a port nothing listens on
ENGINE_CA_SHA256_FIRST=$(printf %s "$ENGINE_CA_SHA256" | cut -c1-47)
ENGINE_CA_SHA256_SECOND=$(printf %s "$ENGINE_CA_SHA256" | cut -c49-)
ENGINE_CLOSED_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ENGINE_PORT ENGINE_CA_SHA256_FIRST ENGINE_CA_SHA256_SECOND ENGINE_CLOSED_PORT
# PAM for the lock screen (lock*.vt, rescue.vt): one known password checked by
# a script through pam_exec; pam_unix is tried for real in the full guest.
export PAM_FIXTURE="$TMP_ROOT/pam.d"
mkdir -p "$PAM_FIXTURE"
# (pam_exec fails with "system error"; pam_deny makes that a wrong password)
printf '%s\n' "auth [success=1 default=ignore] pam_exec.so expose_authtok quiet $here/check-password" \
        "auth requisite pam_deny.so" "auth required pam_permit.so" "account required pam_permit.so" \
        >"$PAM_FIXTURE/nodecon"

# A private system bus with a fake systemd manager on it (services*.vt): the
# services screen on a host that runs no systemd.
export SERVICES_BUS="unix:path=$TMP_ROOT/system_bus_socket"
cc -std=gnu11 -O1 -Wall -Wextra -Werror -o "$TMP_ROOT/fake-systemd" "$here/fake-systemd/fake-systemd.c" \
        $(pkg-config --cflags --libs libsystemd) ||
        { echo "not ok - tui: cannot build tests/tui/fake-systemd"; exit 1; }
cat >"$TMP_ROOT/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>$SERVICES_BUS</listen>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow eavesdrop="true"/></policy>
</busconfig>
CONF
# --fork returns once the bus listens
bus_pid=$(dbus-daemon --config-file="$TMP_ROOT/bus.conf" --fork --print-pid --nopidfile) ||
        { echo "not ok - tui: cannot start a private dbus-daemon"; exit 1; }
DBUS_SYSTEM_BUS_ADDRESS=$SERVICES_BUS "$TMP_ROOT/fake-systemd" >"$TMP_ROOT/fake-systemd.out" 2>&1 &
fake_systemd_pid=$!
trap '"$ENGINE_CTL" stop; kill $fake_systemd_pid $bus_pid 2>/dev/null; rm -rf "$TMP_ROOT"' EXIT
for _ in $(seq 100); do
        grep -q ready "$TMP_ROOT/fake-systemd.out" && break
        kill -0 $fake_systemd_pid 2>/dev/null || break
        sleep 0.1
done
grep -q ready "$TMP_ROOT/fake-systemd.out" ||
        { echo "not ok - tui: the fake systemd did not start: $(cat "$TMP_ROOT/fake-systemd.out")"; exit 1; }

[ $# -gt 0 ] || set -- "$here"/cases/*.vt
# valgrind cannot run a sanitizer build (nor is it needed there).
sanitized=0
if ldd "$NODECON" 2>/dev/null | grep -q libasan || ! command -v valgrind >/dev/null; then
        sanitized=1
fi
status=0
for case in "$@"; do
        case "${case##*/}" in
        valgrind*)
                if [ $sanitized = 1 ]; then
                        echo "ok - ${case##*/} # SKIP sanitizer build or no valgrind"
                        continue
                fi ;;
        esac
        if grep -q '^# displays' "$case"; then
                HARNESS_TERM=vt100 HARNESS_LANG=C HARNESS_COLS=80 HARNESS_ROWS=24 HARNESS_COLOUR=no \
                        HARNESS_LABEL="vt100/80x24" harness "$case" || status=1
                HARNESS_TERM=xterm HARNESS_LANG=C.UTF-8 HARNESS_COLS=132 HARNESS_ROWS=43 HARNESS_COLOUR=yes \
                        HARNESS_LABEL="xterm/132x43" harness "$case" || status=1
        elif grep -q '^# matrix' "$case"; then
                for term in vt100 linux xterm; do
                        for lang in C C.UTF-8; do
                                HARNESS_TERM=$term HARNESS_LANG=$lang HARNESS_LABEL="$term/$lang" \
                                        harness "$case" || status=1
                        done
                done
        else
                harness "$case" || status=1
        fi
done
exit $status
