#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The network screens of nodecon against the real NetworkManager that start.sh
# runs in $NODECON_NETNS (DBUS_SYSTEM_BUS_ADDRESS set): the libvterm harness
# types the keys (tests/netns/screens/*.vt), and between the cases nmcli, the
# real client, reads back what the screens did.  Prints TAP.
#   NODECON, HARNESS   the programs (default build/tui/nodecon and
#                      build/tui/vterm-harness, which the tui tier builds)
#   NODECON_SCREENS_PARTS  the parts to run (default all): static invalid
#                      prefill timeout vlan reset bond bridge engine (the full guest runs "vlan
#                      reset", where the kernel has VLANs)
# Takes ~40 s on a loaded 2-core host; 10 s of it is a confirmation timeout
# left to run out on purpose.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NS=${NODECON_NETNS:?}
export NODECON=${NODECON:-$REPO/build/tui/nodecon}
HARNESS=${HARNESS:-$REPO/build/tui/vterm-harness}
NODECTL=${NODECTL:-$REPO/nodectl}
# shellcheck source=../guest/lib.sh
. "$REPO/tests/guest/lib.sh"
NODECON_CASE=screens
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export FAKE_LVM=$REPO/tests/tui/fake-lvm FIXTURES=$REPO/tests/tui/fixtures
# the lock and the checkpoint file of nodecon and nodectl alike
export NET_RUN=$TMP/run
# a root whose config file makes a change wait 10 s for its confirmation (5 s was
# too short for a bond to come up in the full guest on a loaded host)
export NET_ROOT=$TMP/root
mkdir -p "$NET_RUN" "$NET_ROOT/etc/nodecon"
echo "network_confirm_timeout = 10" >"$NET_ROOT/etc/nodecon/nodecon.conf"
unset LC_ALL LC_CTYPE LC_MESSAGES LANGUAGE NO_COLOR NODECON_ASCII NODECON_LINES NODECTL_ROOT

for prog in "$NODECON" "$HARNESS" "$NODECTL"; do
        if [ ! -x "$prog" ]; then
                fail "screens: $prog is built" "make O=build/tui all build/tui/vterm-harness, and make"
                exit 1
        fi
done

in_ns() { ip netns exec "$NS" "$@"; }
nm() { in_ns nmcli "$@"; }
nc() { in_ns env NODECTL_RUN_DIR="$NET_RUN" "$NODECTL" "$@" >"$TMP/out" 2>&1; }
# PROFILE KEY as nmcli -g prints it
prop() { nm -g "$2" connection show "$1" 2>/dev/null; }
# every profile with its settings, and every device's addresses: what bad input must leave alone
nm_state() {
        nm -t -f NAME,TYPE,DEVICE connection show | sort
        nm -t -f GENERAL.DEVICE,IP4.ADDRESS,IP4.GATEWAY device show | grep -v '^$' | sort
        nm -g ipv4.method,ipv4.addresses,ipv4.dns,ipv6.method connection show veth-n 2>/dev/null
        nm -g ipv4.method,ipv4.addresses connection show ovirtmgmt 2>/dev/null
}
part() { case " ${NODECON_SCREENS_PARTS:-$1} " in *" $1 "*) return 0 ;; esac; return 1; }
# runs a case under both displays when it asks for them, else under vt100 80x24
screen_case() {
        local case=$HERE/screens/$1 out=$TMP/${1%.vt}.tap rc=0
        if grep -q '^# displays' "$case"; then
                HARNESS_TERM=vt100 HARNESS_LANG=C HARNESS_COLS=80 HARNESS_ROWS=24 HARNESS_COLOUR=no \
                        HARNESS_LABEL="screens vt100/80x24" HARNESS_TMP=$TMP "$HARNESS" "$case" >"$out" 2>&1 || rc=1
                HARNESS_TERM=xterm HARNESS_LANG=C.UTF-8 HARNESS_COLS=132 HARNESS_ROWS=43 HARNESS_COLOUR=yes \
                        HARNESS_LABEL="screens xterm/132x43" HARNESS_TMP=$TMP "$HARNESS" "$case" >>"$out" 2>&1 || rc=1
        else
                HARNESS_LABEL="screens vt100/80x24" HARNESS_TMP=$TMP "$HARNESS" "$case" >"$out" 2>&1 || rc=1
        fi
        # the harness' own lines, named after this tier; its verdict line is ours to count
        grep -v '^# [0-9]* passed' "$out"
        return $rc
}

# CASE NAME: the case runs and nmcli shows nothing changed by it
changes_nothing() {
        local before
        before=$(nm_state)
        screen_case "$1"
        is "$2: nmcli shows nothing changed" "$(nm_state)" "$before"
}

# a known start: nothing on veth-n or veth-m but what the cases make
for uuid in $(nm -g UUID,TYPE connection show | grep -v ':loopback$' | cut -d: -f1); do
        nm connection delete "$uuid" >/dev/null 2>&1
done
nc network revert >/dev/null 2>&1

# --- a static address by keys, kept
if part static && screen_case static.vt; then
        is "static: nmcli shows method manual" "$(prop veth-n ipv4.method)" "manual"
        is "static: nmcli shows the address" "$(prop veth-n ipv4.addresses)" "192.0.2.10/24"
        is "static: nmcli shows the gateway" "$(prop veth-n ipv4.gateway)" "192.0.2.1"
        is "static: nmcli shows the DNS server" "$(prop veth-n ipv4.dns)" "192.0.2.53"
        is "static: nmcli shows the search domain" "$(prop veth-n ipv4.dns-search)" "node.example"
        is "static: the device has it" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.10/24"
fi

# --- the edit form starts from the profile: unchanged is nothing, one field changes one setting
if part static && part prefill && screen_case prefill.vt; then
        is "prefill: nmcli shows the MTU changed" "$(prop veth-n 802-3-ethernet.mtu)" "1400"
        is "prefill: the method kept" "$(prop veth-n ipv4.method)" "manual"
        is "prefill: the address kept" "$(prop veth-n ipv4.addresses)" "192.0.2.10/24"
        is "prefill: the gateway kept" "$(prop veth-n ipv4.gateway)" "192.0.2.1"
        is "prefill: the DNS server kept" "$(prop veth-n ipv4.dns)" "192.0.2.53"
        is "prefill: the search domain kept" "$(prop veth-n ipv4.dns-search)" "node.example"
fi

# --- bad input: nothing reaches NM
if part invalid; then
        changes_nothing invalid.vt invalid
fi

# --- revert now, then a change nobody keeps
if part timeout; then
        screen_case timeout.vt
        is "timeout: nmcli shows the old address again" "$(prop veth-n ipv4.addresses)" "192.0.2.10/24"
        is "timeout: on the device too" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.10/24"
fi

has_vlan=0
if in_ns ip link add name probe0 link veth-q type vlan id 1 >/dev/null 2>&1; then
        in_ns ip link del probe0
        has_vlan=1
fi

# --- a VLAN by keys; where the kernel has none, NM's failure leaves nothing changed
if part vlan && [ $has_vlan = 1 ]; then
        screen_case vlan.vt
        is "vlan: nmcli shows a VLAN profile" "$(prop veth-n.10 connection.type)" "vlan"
        is "vlan: with id 10" "$(prop veth-n.10 vlan.id)" "10"
        is "vlan: on veth-n" "$(prop veth-n.10 vlan.parent)" "veth-n"
        is "vlan: carrying the address" "$(prop veth-n.10 ipv4.addresses)" "198.51.100.5/24"
elif part vlan; then
        changes_nothing vlan-refused.vt "vlan refused by the kernel"
fi

# --- the emergency reset from a VLAN (a bridge where the kernel has no VLANs)
if part reset; then
        if [ $has_vlan = 1 ]; then
                export RESET_FROM=veth-n.10
                # made by the screen above, else by nodectl
                if ! part vlan; then
                        nc network apply veth-n --vlan 10 --ipv4 static --address 198.51.100.5/24 --confirm-within 120
                fi
        else
                diag "the host kernel has no VLAN support: the reset starts from a bridge"
                export RESET_FROM=veth-nbr
                nc network apply veth-n --bridge veth-nbr --ipv4 static --address 198.51.100.5/24 --confirm-within 120
        fi
        if [ "$RESET_FROM" != veth-n.10 ] || ! part vlan; then
                check "reset: $RESET_FROM made by nodectl" nc network confirm
        fi
        screen_case reset.vt
        is "reset: one profile left on veth-n" "$(nm -t -f NAME,DEVICE connection show | grep -v '^lo:')" "veth-n:veth-n"
        is "reset: nmcli shows the static address" "$(prop veth-n ipv4.addresses)" "192.0.2.30/24"
        is "reset: and its gateway" "$(prop veth-n ipv4.gateway)" "192.0.2.1"
        is "reset: $RESET_FROM is gone" "$(nm -g GENERAL.DEVICE device show "$RESET_FROM" 2>/dev/null)" ""
fi

# the name of the active profile on DEVICE
profile_on() { nm -t -f NAME,DEVICE connection show --active | awk -F: -v d="$1" '$2 == d { print $1 }'; }
# every profile gone again: the bond and bridge cases start from plain NICs
clean_slate() {
        for uuid in $(nm -g UUID,TYPE connection show | grep -v ':loopback$' | cut -d: -f1); do
                nm connection delete "$uuid" >/dev/null 2>&1
        done
}

# --- a bond by keys (where the kernel has bonding; else NM's failure changes nothing)
has_bond=0
if in_ns ip link add name probebond0 type bond >/dev/null 2>&1; then
        in_ns ip link del probebond0
        has_bond=1
fi
if part bond && [ $has_bond = 1 ]; then
        clean_slate
        screen_case bond.vt
        is "bond: nmcli shows a bond profile" "$(prop bond0 connection.type)" "bond"
        is "bond: mode and miimon" "$(prop bond0 bond.options | tr ',' '\n' | grep -E '^(mode|miimon)=' | sort | tr '\n' ' ')" \
                "miimon=100 mode=active-backup "
        is "bond: veth-m is a port" "$(prop "$(profile_on veth-m)" connection.master)" "bond0"
        is "bond: veth-n is a port" "$(prop "$(profile_on veth-n)" connection.master)" "bond0"
        is "bond: carrying the address" "$(prop bond0 ipv4.addresses)" "198.51.100.11/24"
        clean_slate
        # a bond nobody keeps: NM rolls it back by itself
        screen_case bond-timeout.vt
        is "bond timeout: nmcli shows no bond0 profile" "$(prop bond0 connection.type)" ""
        is "bond timeout: nor a bond0 device" "$(nm -g GENERAL.DEVICE device show bond0 2>/dev/null)" ""
        clean_slate
elif part bond; then
        diag "the host kernel has no bonding: the bond is refused by NM"
        changes_nothing bond-refused.vt "bond refused by the kernel"
fi

# --- a bridge over a NIC by keys, STP off
if part bridge; then
        clean_slate
        screen_case bridge.vt
        is "bridge: nmcli shows a bridge profile" "$(prop brt connection.type)" "bridge"
        is "bridge: STP off" "$(prop brt bridge.stp)" "no"
        is "bridge: carrying the address" "$(prop brt ipv4.addresses)" "198.51.100.9/24"
        is "bridge: veth-m is its port" "$(prop "$(profile_on veth-m)" connection.master,connection.slave-type)" \
                "$(printf 'brt\nbridge')"
        clean_slate
fi

# --- the engine's bridge: marked, warned about, changed only on a yes
if part engine; then
        nc network apply veth-m --bridge ovirtmgmt --ipv4 static --address 198.51.100.7/24 --force --confirm-within 60
        check "engine: ovirtmgmt on veth-m made by nodectl" nc network confirm
        changes_nothing engine.vt "engine: No"
        # --- bad input for a bond, with ovirtmgmt there: nothing reaches NM
        part bond && changes_nothing bond-invalid.vt "bond: bad input"
fi
exit 0
