# SPDX-License-Identifier: GPL-2.0-or-later
# TAP helpers for guest case scripts (POSIX sh: busybox ash in the LVM guest,
# dash in the full guest).  tests/guest/run-cases.sh sources this before each
# case; a case run by hand can source it too.
#
#   ok NAME                    a passed test
#   fail NAME [WHY]            a failed test
#   check NAME CMD...          passes if CMD exits 0 (its output is shown if not)
#   check_fails NAME CMD...    passes if CMD exits non-zero
#   is NAME GOT EXPECTED       passes if the two strings are equal
#   like NAME GOT REGEX        passes if GOT matches the extended REGEX
#   skip NAME [WHY]            a skipped test (counts as run)
#   diag TEXT...               a "# " comment line
#   fresh_vg VG [DISK]         wipes DISK (default /dev/vda) and makes VG on it
#
# Every line is "ok - CASE: NAME" or "not ok - CASE: NAME", CASE being the
# case file's name.  A case's exit status does not need to say anything:
# failures are counted from the lines; a case that exits non-zero without
# having reported a failure is reported as crashed by run-cases.sh.

_tap_prefix() {
        if [ -n "${NODECON_CASE:-}" ]; then printf '%s: ' "$NODECON_CASE"; fi
}

_tap_record() {
        if [ -n "${NODECON_TAP_STATE:-}" ]; then echo "$1" >> "$NODECON_TAP_STATE"; fi
}

diag() {
        printf '%s\n' "$*" | sed 's/^/# /'
}

ok() {
        printf 'ok - %s%s\n' "$(_tap_prefix)" "$1"
        _tap_record pass
}

fail() {
        printf 'not ok - %s%s\n' "$(_tap_prefix)" "$1"
        if [ $# -gt 1 ]; then diag "$2"; fi
        _tap_record fail
        return 0
}

skip() {
        printf 'ok - %s%s # SKIP %s\n' "$(_tap_prefix)" "$1" "${2:-}"
        _tap_record skip
}

check() {
        _tap_name=$1
        shift
        if _tap_out=$("$@" 2>&1); then
                ok "$_tap_name"
        else
                _tap_rc=$?
                fail "$_tap_name" "command failed (exit $_tap_rc): $*"
                if [ -n "$_tap_out" ]; then diag "$_tap_out"; fi
        fi
}

check_fails() {
        _tap_name=$1
        shift
        if _tap_out=$("$@" 2>&1); then
                fail "$_tap_name" "command succeeded but should have failed: $*"
                if [ -n "$_tap_out" ]; then diag "$_tap_out"; fi
        else
                ok "$_tap_name"
        fi
}

is() {
        if [ "$2" = "$3" ]; then
                ok "$1"
        else
                fail "$1" "got:      '$2'
expected: '$3'"
        fi
}

like() {
        if printf '%s\n' "$2" | grep -Eq -- "$3"; then
                ok "$1"
        else
                fail "$1" "got:      '$2'
expected to match: $3"
        fi
}

# Deactivates and removes every VG on DISK, wipes it, and creates VG on it.
fresh_vg() {
        _tap_vg=$1
        _tap_disk=${2:-/dev/vda}
        for _tap_old in $(pvs --noheadings -o vg_name "$_tap_disk" 2>/dev/null); do
                vgchange -an "$_tap_old" >/dev/null 2>&1
                vgremove -ff -y "$_tap_old" >/dev/null 2>&1
        done
        pvremove -ff -y "$_tap_disk" >/dev/null 2>&1
        wipefs -a -q "$_tap_disk" >/dev/null 2>&1 || dd if=/dev/zero of="$_tap_disk" bs=1M count=4 2>/dev/null
        pvcreate -q -y "$_tap_disk" >/dev/null && vgcreate -q "$_tap_vg" "$_tap_disk" >/dev/null
}

# Flattens nodectl's pretty JSON to "path=value" lines: bases.0.layers.1.name=...
json_flat() {
        awk '
        function path(extra,   i, p) {
                p = ""
                for (i = 1; i <= d; i++) if (k[i] != "") p = p (p == "" ? "" : ".") k[i]
                if (extra != "") p = p (p == "" ? "" : ".") extra
                return p
        }
        {
                line = $0
                sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line); sub(/,$/, "", line)
                if (line == "") next
                key = ""; haskey = 0
                if (match(line, /^"[^"]*"[ \t]*:[ \t]*/)) {
                        key = substr(line, 2, RLENGTH - 1); sub(/"[ \t]*:[ \t]*$/, "", key)
                        line = substr(line, RLENGTH + 1); haskey = 1
                }
                if (line == "}" || line == "]") { d--; next }
                if (!haskey && d > 0 && isarr[d]) key = idx[d]++
                if (line == "{" || line == "[") { d++; k[d] = key; isarr[d] = (line == "["); idx[d] = 0; next }
                if (line == "{}" || line == "[]") { print path(key) "="; next }
                if (line ~ /^".*"$/) line = substr(line, 2, length(line) - 2)
                print path(key) "=" line
        }'
}
# jget FLAT PATH: the value at PATH in json_flat output
jget() { printf '%s\n' "$1" | grep -F -- "$2=" | grep -m1 "^$2=" | cut -d= -f2-; }


# screen_case VT: runs a case of the libvterm harness (built on the host into
# build/tui) against nodecon here and relays its TAP lines.  False when the
# harness is not built (that is reported as a failure).
screen_case() {
        _sc_harness=/share/build/tui/vterm-harness _sc_nodecon=/share/build/tui/nodecon
        if [ ! -x "$_sc_harness" ] || [ ! -x "$_sc_nodecon" ]; then
                fail "the screen harness is built" "$_sc_harness or $_sc_nodecon missing (make O=build/tui)"
                return 1
        fi
        _sc_out=$(NODECON=$_sc_nodecon HARNESS_LABEL=guest "$_sc_harness" "$1" 2>&1)
        printf '%s\n' "$_sc_out" | while IFS= read -r _sc_line; do
                case $_sc_line in
                "ok - "*) ok "${_sc_line#ok - }" ;;
                "not ok - "*) fail "${_sc_line#not ok - }" ;;
                "#"*) printf '%s\n' "$_sc_line" ;;
                esac
        done
        printf '%s\n' "$_sc_out" | grep -q '^ok - ' || fail "the screen case $1 ran" "$_sc_out"
}
# host_link off|on: the host pulls or plugs the cable of the guest's NIC (QEMU
# set_link on the full guest's monitor, see tests/node/full-guest.sh); returns
# once QEMU did it, non-zero when no host answers within 30 s.
host_link() {
        [ -n "${NODECON_RIG_CTL:-}" ] || return 1
        _ctl=/share/$NODECON_RIG_CTL
        rm -f "$_ctl/link.done"
        echo "$1" >"$_ctl/link.tmp" && mv "$_ctl/link.tmp" "$_ctl/link" || return 1
        _i=0
        while [ ! -e "$_ctl/link.done" ] && [ $_i -lt 300 ]; do
                sleep 0.1
                _i=$((_i + 1))
        done
        [ -e "$_ctl/link.done" ]
}
