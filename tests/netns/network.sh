#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nodectl network against the real NetworkManager that start.sh runs in the
# namespace $NODECON_NETNS (DBUS_SYSTEM_BUS_ADDRESS set).  Every change is
# read back with nmcli, the real client, never with nodectl itself.  Prints TAP.
#   NODECTL          the nodectl to test (default <repo>/nodectl)
#   FAKE_SERVICES    tests/netns/fake-services built (DNS + TCP 443 on veth-p)
#   NODECON_NETNS_REQUIRE_VLAN=1  fail instead of skip when the kernel has no
#                    VLAN or bonding support (the full guest's kernel has both)
# Takes ~60 s at load 16-19 on 2 cores (~5 s CPU): mostly nmcli calls and waits for NM.
set -u
# NETNS_TRACE=1: trace with timestamps, to see where the time goes
[ -n "${NETNS_TRACE:-}" ] && { PS4='+ $EPOCHREALTIME '; set -x; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NS=${NODECON_NETNS:?}
NODECTL=${NODECTL:-$REPO/nodectl}
FAKE_SERVICES=${FAKE_SERVICES:-$REPO/build/netns/fake-services}
# shellcheck source=../guest/lib.sh
. "$REPO/tests/guest/lib.sh"
NODECON_CASE=network
TMP=$(mktemp -d)
RUN=$TMP/run
fake_pid=
cleanup() {
        [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
        rm -rf "$TMP"
}
trap cleanup EXIT

in_ns() { ip netns exec "$NS" "$@"; }
nm() { in_ns nmcli "$@"; }
# nodectl in the namespace, its checkpoint file in our own run dir; $RC, $OUT, $ERR
nc() {
        rm -f "$TMP"/props.*
        in_ns env NODECTL_RUN_DIR="$RUN" "$NODECTL" "$@" >"$TMP/out" 2>"$TMP/err"
        RC=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
}
# nodectl with its own /etc/resolv.conf (naming FILE), as the node would resolve
nc_resolv() {
        local resolv=$1
        shift
        rm -f "$TMP"/props.*
        in_ns unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$resolv" \
                env NODECTL_RUN_DIR="$RUN" "$NODECTL" "$@" >"$TMP/out" 2>"$TMP/err"
        RC=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
}
# KEY of PROFILE as nmcli prints it (-t escapes ':'); one nmcli call per profile between two nodectl runs
field() {
        local cache=$TMP/props.$1
        [ -f "$cache" ] || nm -t connection show "$1" >"$cache" 2>/dev/null
        grep -m1 "^${2//./\\.}:" "$cache" | cut -d: -f2-
}
checkpoints() {
        # NM's own list of checkpoints through the D-Bus property (nmcli has no checkpoint command)
        in_ns dbus-send --system --print-reply --dest=org.freedesktop.NetworkManager /org/freedesktop/NetworkManager \
                org.freedesktop.DBus.Properties.Get string:org.freedesktop.NetworkManager string:Checkpoints |
                grep -c 'object path'
}
# NODECON_NETNS_SECTIONS: the sections to run (default all), e.g. "stack reset"
section() { case " ${NODECON_NETNS_SECTIONS:-$1} " in *" $1 "*) return 0 ;; esac; return 1; }
# confirmation timeout of the changes a test confirms (a slow guest needs more)
WITHIN=${NODECON_NETNS_WITHIN:-60}
# the profile of veth-n that the sections read back (set anew where it changes)
prof=veth-n
# everything an invalid request must leave alone
snapshot() {
        local uuids
        uuids=$(nm -g UUID connection show)
        echo "$uuids"
        # shellcheck disable=SC2086
        nm -t -f connection.id,connection.master,802-3-ethernet.mtu,ipv4.method,ipv4.addresses,ipv4.gateway,ipv4.dns,ipv6.method,ipv6.addresses \
                connection show $uuids
        # the kernel adds link-local IPv6 addresses whenever it likes: not ours
        # one line per device, sorted: nmcli lists devices in no fixed order
        nm -t -f GENERAL.DEVICE,GENERAL.STATE,GENERAL.MTU,IP4.ADDRESS,IP4.GATEWAY,IP6.ADDRESS device show |
                grep -v 'fe80:' | awk 'BEGIN { RS = "" } { gsub("\n", " | "); print }' | sort
        echo "checkpoints: $(checkpoints)"
}
# NAME BEFORE: the snapshot now is BEFORE, else the difference is shown
unchanged() {
        local now
        now=$(snapshot)
        if [ "$now" = "$2" ]; then
                ok "$1"
        else
                fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$now"))"
        fi
}
exit_is() {
        if [ "$RC" = "$2" ]; then
                ok "$1: exit $2"
        else
                fail "$1: exit $2" "got exit $RC; stderr: $ERR"
        fi
}
# waits up to $2 tenths of a second for "$3..." to print $1
wait_for() {
        local want=$1 tenths=$2
        shift 2
        local i
        for ((i = 0; i < tenths; i++)); do
                [ "$("$@" 2>/dev/null)" = "$want" ] && return 0
                sleep 0.1
        done
        return 1
}
confirm() { nc network confirm; exit_is "${1:-}confirm" 0; }
need_kernel() { # NAME vlan|bond: run the block if the kernel can make such devices
        local name=$1 kind=$2
        local probe=(type bond)
        [ "$kind" = vlan ] && probe=(link veth-q type vlan id 1)
        if in_ns ip link add name probe0 "${probe[@]}" >/dev/null 2>&1; then
                in_ns ip link del probe0
                return 0
        fi
        if [ "${NODECON_NETNS_REQUIRE_VLAN:-0}" = 1 ]; then
                fail "$name" "this kernel cannot make a $kind device"
        else
                skip "$name" "the host kernel has no $kind support (the full guest runs it)"
        fi
        return 1
}

# --- reading: nodectl shows what nmcli shows
if section read; then
        nc network --json
        exit_is "network --json" 0
        flat=$(printf '%s\n' "$OUT" | json_flat)
        names=$(printf '%s\n' "$flat" | sed -n 's/^interfaces\.[0-9]*\.name=//p' | tr '\n' ' ')
        is "network lists every device nmcli lists but lo" "$names" \
                "$(nm -g DEVICE device status | grep -vx lo | sort | tr '\n' ' ')"
        i=$(printf '%s\n' "$flat" | sed -n 's/^interfaces\.\([0-9]*\)\.name=veth-n$/\1/p')
        is "veth-n: address as nmcli" "$(jget "$flat" "interfaces.$i.ipv4.0")" "$(nm -g IP4.ADDRESS device show veth-n)"
        is "veth-n: MAC as nmcli" "$(jget "$flat" "interfaces.$i.mac")" "$(nm -g GENERAL.HWADDR device show veth-n | tr -d '\\')"
        is "veth-n: profile as nmcli" "$(jget "$flat" "interfaces.$i.connection")" "$(nm -g GENERAL.CONNECTION device show veth-n | sed 's/^$/null/')"
        is "veth-n: driver" "$(jget "$flat" "interfaces.$i.driver")" "veth"
        is "veth-n: carrier" "$(jget "$flat" "interfaces.$i.carrier")" "true"
        is "veth-n: MTU as nmcli" "$(jget "$flat" "interfaces.$i.mtu")" "$(nm -g GENERAL.MTU device show veth-n)"
        is "no engine bridge" "$(jget "$flat" engine_bridge)" "false"
        is "nothing pending" "$(jget "$flat" pending)" "null"
        nc network
        exit_is "network (table)" 0
        like "the table has veth-n's address" "$OUT" "IPv4 +$(nm -g IP4.ADDRESS device show veth-n)"

fi

# --- static IPv4 with DNS and search, kept by confirm
if section static; then
        nc network apply veth-n --ipv4 static --address 192.0.2.5/24 --gateway 192.0.2.1 --dns 192.0.2.53,192.0.2.54 \
                --search example.com --search lab.example.com --ipv6 ignore --confirm-within 30
        exit_is "apply static IPv4" 0
        like "apply says how to keep it" "$OUT" "nodectl network confirm' within 30 s"
        prof=$(nm -g GENERAL.CONNECTION device show veth-n)
        is "nmcli: ipv4.method" "$(field "$prof" ipv4.method)" "manual"
        is "nmcli: ipv4.addresses" "$(field "$prof" ipv4.addresses)" "192.0.2.5/24"
        is "nmcli: ipv4.gateway" "$(field "$prof" ipv4.gateway)" "192.0.2.1"
        is "nmcli: ipv4.dns" "$(field "$prof" ipv4.dns)" "192.0.2.53,192.0.2.54"
        is "nmcli: ipv4.dns-search" "$(field "$prof" ipv4.dns-search)" "example.com,lab.example.com"
        is "nmcli: ipv6.method" "$(field "$prof" ipv6.method)" "ignore"
        is "nmcli: the device has the address" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.5/24"
        is "NM holds a checkpoint" "$(checkpoints)" "1"
        nc network --json
        left=$(printf '%s\n' "$OUT" | json_flat | sed -n 's/^pending\.seconds_left=//p')
        like "network shows the pending change's countdown" "$left" '^(2[0-9]|30)$'
        before=$(snapshot)
        nc network apply veth-n --ipv4 dhcp
        exit_is "a second change while one is pending is refused" 7
        like "  and says why" "$ERR" "waiting to be confirmed or reverted"
        unchanged "  and changes nothing" "$before"
        confirm
        is "confirm destroys the checkpoint" "$(checkpoints)" "0"
        is "confirm keeps the address" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.5/24"
        nc network confirm
        exit_is "confirm with nothing pending" 1
        like "  says nothing waits" "$ERR" "No network change is waiting"

fi

# --- not confirmed: NM rolls back by itself within the timeout
if section rollback; then
        nc network apply veth-n --ipv4 static --address 198.51.100.7/24 --ipv6 ignore --confirm-within 3
        exit_is "apply with a 3 s confirmation timeout" 0
        is "  the new address is on the device" "$(nm -g IP4.ADDRESS device show veth-n)" "198.51.100.7/24"
        start=$(date +%s%N)
        if wait_for "192.0.2.5/24" 80 nm -g IP4.ADDRESS device show veth-n; then
                took=$((($(date +%s%N) - start) / 1000000))
                ok "unconfirmed: nmcli shows the old address again after ${took} ms"
                like "  within the timeout (+1 s)" "$took" '^([0-9]{1,3}|[0-3][0-9]{3})$'
        else
                fail "unconfirmed: NM rolled back" "still: $(nm -g IP4.ADDRESS device show veth-n)"
        fi
        is "  the profile is the old one again" "$(field "$prof" ipv4.addresses)" "192.0.2.5/24"
        nc network confirm
        exit_is "confirm after the rollback" 1
        like "  says it may have been rolled back" "$ERR" "rolled it back already"

fi

# --- revert puts it back at once
if section revert; then
        nc network apply veth-n --ipv4 disabled --ipv6 static --address 2001:db8::5/64 --gateway 2001:db8::1 \
                --dns 2001:db8::53 --confirm-within "$WITHIN"
        exit_is "apply IPv4 disabled, IPv6 static" 0
        is "nmcli: ipv4.method disabled" "$(field "$prof" ipv4.method)" "disabled"
        is "nmcli: ipv6.method manual" "$(field "$prof" ipv6.method)" "manual"
        is "nmcli: ipv6.addresses" "$(field "$prof" ipv6.addresses)" "2001:db8::5/64"
        is "nmcli: ipv6.gateway" "$(field "$prof" ipv6.gateway)" "2001:db8::1"
        is "nmcli: ipv6.dns" "$(field "$prof" ipv6.dns)" "2001:db8::53"
        nc network revert
        exit_is "revert" 0
        is "revert: the old IPv4 address is back" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.5/24"
        is "revert: the profile is the old one" "$(field "$prof" ipv4.method),$(field "$prof" ipv6.method)" "manual,ignore"
        is "revert: no checkpoint left" "$(checkpoints)" "0"

fi

# --- DHCP and IPv6 auto/dhcp, MTU (nothing answers DHCP here: the profile is what counts)
if section methods; then
        nc network apply veth-n --ipv4 dhcp --ipv6 static --address 2001:db8::6/64 --mtu 1400 --confirm-within "$WITHIN"
        exit_is "apply DHCP and MTU" 0
        is "nmcli: ipv4.method auto" "$(field "$prof" ipv4.method)" "auto"
        is "nmcli: DHCP drops the static addresses" "$(field "$prof" ipv4.addresses)" ""
        is "nmcli: 802-3-ethernet.mtu" "$(field "$prof" 802-3-ethernet.mtu)" "1400"
        is "nmcli: the device's MTU" "$(nm -g GENERAL.MTU device show veth-n)" "1400"
        nc network revert
        exit_is "revert DHCP" 0
        for m in auto dhcp; do
                # nothing answers IPv6 autoconfiguration here: wait 1 s, not NM's whole attempt
                nc network apply veth-n --ipv6 "$m" --wait 1 --confirm-within "$WITHIN"
                exit_is "apply IPv6 $m" 0
                is "nmcli: ipv6.method $m" "$(field "$prof" ipv6.method)" "$m"
                is "  IPv4 left as it was" "$(field "$prof" ipv4.addresses)" "192.0.2.5/24"
                nc network revert
        done

fi

# --- host name, through NM (its /etc/hostname is private to its namespace)
if section hostname; then
        nc network hostname node1.example.com
        exit_is "hostname" 0
        # NM takes the name back from the file it wrote: give it a moment
        wait_for node1.example.com 30 nm general hostname
        is "nmcli: general hostname" "$(nm general hostname)" "node1.example.com"
        before=$(nm general hostname)
        nc network hostname -bad-
        exit_is "hostname -bad- refused" 2
        like "  with its sentence" "$ERR" "^nodectl: '-bad-' is not a valid host name: a label starts with '-'\.$"
        is "  and nmcli shows the old name" "$(nm general hostname)" "$before"

fi

# --- bad input: each refused with one sentence, nothing changed
if section bad; then
        before=$(snapshot)
        bad() { # NAME EXIT SENTENCE-REGEX ARGS...
                local name=$1 want=$2 sentence=$3
                shift 3
                nc network "$@"
                exit_is "refused: $name" "$want"
                like "  $name: one sentence" "$ERR" "^nodectl: $sentence"
                unchanged "  $name: nmcli shows nothing changed" "$before"
        }
        bad "address out of range" 2 "'192.0.2.300' is not an IPv4 address" \
                apply veth-n --ipv4 static --address 192.0.2.300/24
        bad "address without prefix" 2 "'192.0.2.9' has no prefix length" apply veth-n --ipv4 static --address 192.0.2.9
        bad "prefix 33" 2 "'33' is not a prefix length" apply veth-n --ipv4 static --address 192.0.2.9/33
        bad "network address" 2 ".*network or broadcast address" apply veth-n --ipv4 static --address 192.0.2.0/24
        bad "gateway outside the subnet" 2 "The gateway 198.51.100.1 is outside the subnet of 192.0.2.9/24\." \
                apply veth-n --ipv4 static --address 192.0.2.9/24 --gateway 198.51.100.1
        bad "address without static" 2 "IPv4 addresses and a gateway need the static method\." \
                apply veth-n --ipv4 dhcp --address 192.0.2.9/24
        bad "static without address" 2 "Static IPv4 needs at least one ADDRESS/PREFIX\." apply veth-n --ipv4 static
        bad "unknown method" 2 "--ipv4 'manual': use disabled, dhcp or static\." apply veth-n --ipv4 manual
        bad "DNS server" 2 "DNS server: 'dns.example' is not an IP address\." apply veth-n --dns dns.example
        bad "search domain" 2 "'bad domain' is not a valid search domain" apply veth-n --search 'bad domain'
        bad "VLAN 4095" 2 "VLAN id '4095' is not a whole number from 1 to 4094\." apply veth-n --vlan 4095
        bad "VLAN 0" 2 "VLAN id '0' is not a whole number from 1 to 4094\." apply veth-n --vlan 0
        bad "MTU 50" 2 "MTU '50' is not a whole number from 68 to 65535\." apply veth-n --mtu 50
        bad "MTU too small for IPv6" 2 "MTU 1000 is too small for IPv6" apply veth-n --ipv6 auto --mtu 1000
        bad "duplicate bond port" 2 "veth-m is given twice as a bond port\." apply bond0 --bond-ports veth-m,veth-m
        bad "bond mode" 2 "'lacp' is not a bonding mode" apply bond0 --bond-ports veth-m --bond-mode lacp
        bad "bond mode without ports" 2 "A bond mode or miimon needs bond ports\." apply veth-n --bond-mode active-backup
        bad "interface name" 2 "'veth/n' is not a valid interface name" apply veth/n --ipv4 dhcp
        bad "VLAN name too long" 2 "The VLAN interface name veth-n-long-na.4000" apply veth-n-long-na --vlan 4000
        bad "confirmation timeout 0" 2 "--confirm-within '0' is not a whole number from 1 to 3600\." apply veth-n --confirm-within 0
        bad "no such interface" 1 "There is no network interface nosuch0\." apply nosuch0 --ipv4 dhcp
        bad "no such bond port" 1 "There is no network interface nosuch1 to make a bond port\." apply bond0 --bond-ports nosuch1
        bad "interface missing" 2 "'network apply' needs one interface\." apply --ipv4 dhcp
        bad "reset --gateway without --static" 2 "--gateway needs --static" reset veth-n --gateway 192.0.2.1
        bad "reset of a bad static address" 2 "'192.0.2.0/24' is the network or broadcast" reset veth-n --static 192.0.2.0/24
        bad "test host" 2 "'bad host' is not a valid host name" test 'bad host'
        bad "test port" 2 "Port '99999' is not a whole number from 1 to 65535\." test engine.example.com:99999

fi

# --- a bridge over the NIC, then the engine's bridge
if section bridge; then
        prof=$(nm -g GENERAL.CONNECTION device show veth-n)
        nc network apply veth-n --bridge br0 --ipv4 static --address 192.0.2.7/24 --gateway 192.0.2.1 --ipv6 ignore \
                --mtu 1450 --confirm-within "$WITHIN"
        exit_is "apply a bridge over veth-n" 0
        [ -n "$prof" ] || prof=veth-n
        is "nmcli: veth-n is a port of br0" "$(field "$prof" connection.master),$(field "$prof" connection.slave-type)" "br0,bridge"
        is "nmcli: br0 carries the address" "$(field br0 ipv4.addresses)" "192.0.2.7/24"
        is "nmcli: br0 STP off" "$(field br0 bridge.stp)" "no"
        is "nmcli: br0 MTU" "$(nm -g GENERAL.MTU device show br0)" "1450"
        is "nmcli: br0 connected" "$(nm -g GENERAL.STATE device show br0)" "100 (connected)"
        confirm "bridge: "

        nc network apply veth-m --bridge ovirtmgmt --ipv4 static --address 198.51.100.9/24 --ipv6 ignore --confirm-within "$WITHIN"
        exit_is "a bridge named ovirtmgmt needs --force" 1
        like "  says why" "$ERR" "ovirtmgmt is the engine's management network"
        # bad() is the bad section's
        if section bad; then
                before=$(snapshot)
                bad "--stp neither on nor off" 2 "--stp takes on or off, not 'maybe'" apply veth-m --bridge br1 --stp maybe
        fi
        nc network apply veth-m --bridge ovirtmgmt --stp on --ipv4 static --address 198.51.100.9/24 --ipv6 ignore --force \
                --confirm-within "$WITHIN"
        exit_is "apply ovirtmgmt with --force" 0
        is "nmcli: ovirtmgmt STP on (--stp on)" "$(field ovirtmgmt bridge.stp)" "yes"
        confirm "ovirtmgmt: "
        nc network --json
        flat=$(printf '%s\n' "$OUT" | json_flat)
        is "network sees the engine's bridge" "$(jget "$flat" engine_bridge)" "true"
        i=$(printf '%s\n' "$flat" | sed -n 's/^interfaces\.\([0-9]*\)\.name=veth-m$/\1/p')
        is "veth-m is marked engine-managed" "$(jget "$flat" "interfaces.$i.engine_managed")" "true"
        is "veth-m's controller" "$(jget "$flat" "interfaces.$i.controller")" "ovirtmgmt"
        before=$(snapshot)
        bad "changing a NIC under ovirtmgmt" 1 "veth-m carries ovirtmgmt" apply veth-m --ipv4 dhcp
        like "  and names --force" "$ERR" "Add --force"
        bad "reset of a bridge" 2 "ovirtmgmt is a bridge, not a network card" reset ovirtmgmt

fi

# --- VLAN and bond: the full guest's kernel has them, the build host's may not
if section stack; then
        if need_kernel "VLAN on a NIC" vlan; then
                nc network apply veth-n --vlan 10 --ipv4 static --address 203.0.113.5/24 --ipv6 ignore --mtu 1400 \
                        --confirm-within "$WITHIN"
                exit_is "apply a VLAN" 0
                is "nmcli: vlan.parent, vlan.id" "$(field veth-n.10 vlan.parent),$(field veth-n.10 vlan.id)" "veth-n,10"
                is "nmcli: the VLAN's address" "$(nm -g IP4.ADDRESS device show veth-n.10)" "203.0.113.5/24"
                is "nmcli: the VLAN's MTU" "$(nm -g GENERAL.MTU device show veth-n.10)" "1400"
                confirm "VLAN: "
        fi
        if need_kernel "bond" bond && need_kernel "VLAN on a bond" vlan; then
                nc network apply bond0 --bond-ports veth-n,veth-m --bond-mode active-backup --miimon 200 --vlan 20 \
                        --bridge mgmt0 --ipv4 static --address 192.0.2.8/24 --gateway 192.0.2.1 --ipv6 ignore --force \
                        --confirm-within "$WITHIN"
                exit_is "apply bond + VLAN + bridge" 0
                like "nmcli: bond options" "$(field bond0 bond.options)" "mode=active-backup"
                like "nmcli: miimon" "$(field bond0 bond.options)" "miimon=200"
                is "nmcli: veth-m is a bond port" "$(field veth-m connection.master),$(field veth-m connection.slave-type)" "bond0,bond"
                is "nmcli: bond0 has both ports" "$(ip netns exec "$NS" cat /sys/class/net/bond0/bonding/slaves)" "veth-n veth-m"
                is "nmcli: bond0.20 is on bond0" "$(field bond0.20 vlan.parent),$(field bond0.20 vlan.id)" "bond0,20"
                is "nmcli: bond0.20 is a port of mgmt0" "$(field bond0.20 connection.master)" "mgmt0"
                is "nmcli: mgmt0 carries the address" "$(nm -g IP4.ADDRESS device show mgmt0)" "192.0.2.8/24"
                confirm "bond: "
        fi

fi

# --- emergency reset of veth-n from whatever is stacked on it
if section reset; then
        profiles() { nm -g NAME connection show | sort; }
        before=$(profiles)
        stacked=$(printf '%s\n' "$before" | grep -xE 'br0|bond0|bond0\.20|mgmt0|veth-n\.10')
        nc network reset veth-n --wait 1 --confirm-within "$WITHIN"
        exit_is "reset veth-n to DHCP" 0
        prof=$(nm -g GENERAL.CONNECTION device show veth-n)
        like "nmcli: veth-n has a profile again" "$prof" "."
        is "nmcli: the reset profile is DHCP" "$(field "$prof" ipv4.method)" "auto"
        is "nmcli: the reset profile is no port" "$(field "$prof" connection.master)" ""
        is "nmcli: no other profile is bound to veth-n" \
                "$(nm -t -f connection.interface-name connection show $(nm -g UUID connection show) | grep -cx 'connection.interface-name:veth-n')" "1"
        for p in $stacked; do
                is "nmcli: $p, stacked on veth-n, is gone" "$(profiles | grep -cxF "$p")" "0"
        done
        [ -n "$stacked" ] || diag "nothing was stacked on veth-n"
        nc network revert
        exit_is "revert the reset" 0
        is "revert: every profile is back" "$(profiles)" "$before"
        nc network reset veth-n --static 192.0.2.9/24 --gateway 192.0.2.1 --confirm-within "$WITHIN"
        exit_is "reset veth-n to a static address" 0
        prof=$(nm -g GENERAL.CONNECTION device show veth-n)
        is "nmcli: reset static address" "$(nm -g IP4.ADDRESS device show veth-n)" "192.0.2.9/24"
        is "nmcli: reset gateway" "$(field "$prof" ipv4.gateway)" "192.0.2.1"
        confirm "reset: "
fi

# --- diagnostics: each failing step named
if section diag; then
        nc network test
        exit_is "test without a host: all steps pass" 0
        like "  gateway answers" "$OUT" "gateway +The gateway 192.0.2.1 answers"
        if [ -x "$FAKE_SERVICES" ]; then
        # not through in_ns: $! must be the server itself, not a subshell
        ip netns exec "$NS" "$FAKE_SERVICES" 192.0.2.1 engine.test >"$TMP/fake.out" 2>&1 &
        fake_pid=$!
        wait_for ready 50 cat "$TMP/fake.out" || diag "fake-services did not start: $(cat "$TMP/fake.out")"
        printf 'nameserver 192.0.2.1\noptions timeout:1 attempts:1\n' >"$TMP/resolv.up"
        nc_resolv "$TMP/resolv.up" network test engine.test
        # fake-services accepts TCP and closes it: no TLS there (tests/engine checks a real handshake)
        exit_is "test engine.test: DNS and TCP work, TLS does not" 1
        like "  dns resolves" "$OUT" "dns +engine.test is 192.0.2.1"
        like "  connect opens" "$OUT" "connect +TCP port 443 of engine.test"
        like "  tls names the port" "$OUT" "tls +No TLS with engine.test port 443"
        nc_resolv "$TMP/resolv.up" network test --json nosuch.test
        exit_is "test nosuch.test" 1
        flat=$(printf '%s\n' "$OUT" | json_flat)
        is "  dns step failed" "$(jget "$flat" steps.3.result)" "failed"
        like "  says the DNS servers do not know it" "$(jget "$flat" steps.3.detail)" "do not know nosuch.test"
        nc_resolv "$TMP/resolv.up" network test engine.test:444
        exit_is "test a closed port" 1
        like "  connect refused" "$OUT" "refuses port 444"
        kill "$fake_pid" 2>/dev/null
        wait "$fake_pid" 2>/dev/null
        fake_pid=
        nc_resolv "$TMP/resolv.up" network test engine.test
        exit_is "DNS down" 1
        like "  dns step names it" "$OUT" "dns +No DNS server answered for engine.test|dns .*cannot be resolved"
        else
                skip "diagnostics with DNS and TCP" "$FAKE_SERVICES is not built (the netns tier builds it)"
        fi

        nc network apply veth-n --ipv4 static --address 192.0.2.9/24 --ipv6 ignore --confirm-within "$WITHIN"
        confirm "no gateway: "
        nc network test --interface veth-n
        exit_is "no gateway" 1
        like "  gateway step names it" "$OUT" "gateway +veth-n has no default gateway"
        nc network apply veth-n --ipv4 static --address 192.0.2.9/24 --gateway 192.0.2.99 --ipv6 ignore --confirm-within "$WITHIN"
        confirm "wrong gateway: "
        nc network test --interface veth-n
        exit_is "wrong gateway" 1
        like "  gateway step names it" "$OUT" "The gateway 192.0.2.99 does not answer ping"
        in_ns ip link set veth-p down
        wait_for "0" 50 sh -c "ip netns exec $NS cat /sys/class/net/veth-n/carrier"
        nc network test --json --interface veth-n
        exit_is "cable pulled" 1
        flat=$(printf '%s\n' "$OUT" | json_flat)
        is "  link step failed" "$(jget "$flat" steps.0.result)" "failed"
        like "  and says so" "$(jget "$flat" steps.0.detail)" "has no link: check the cable"
        in_ns ip link set veth-p up
        in_ns env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent "$NODECTL" network test >"$TMP/out" 2>&1
        RC=$?
        is "no NetworkManager: exit 1" "$RC" "1"
        like "  link step says NM cannot be asked" "$(cat "$TMP/out")" "link +NetworkManager cannot be asked"
        in_ns env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent NODECTL_RUN_DIR="$RUN" "$NODECTL" network apply veth-n \
                --ipv4 dhcp >"$TMP/out" 2>&1
        RC=$?
        is "apply without NetworkManager: exit 1" "$RC" "1"
        like "  one sentence" "$(cat "$TMP/out")" "^nodectl: NetworkManager is not running or cannot be reached"
fi

# --- the host name, DNS, time screen (nodecon in the libvterm harness) against this NM
if section screen; then
        NODECON=${NODECON:-$REPO/build/tui/nodecon}
        HARNESS=${HARNESS:-$REPO/build/tui/vterm-harness}
        if [ -x "$NODECON" ] && [ -x "$HARNESS" ]; then
                prof=$(nm -g GENERAL.CONNECTION device show veth-n)
                # the countdown's time must come from here, not from lib's default of 60 s
                mkdir -p "$TMP/vt" "$TMP/vt-root/etc/nodecon"
                echo "network_confirm_timeout = 120" >"$TMP/vt-root/etc/nodecon/nodecon.conf"
                in_ns env NODECON="$NODECON" FAKE_LVM="$REPO/tests/tui/fake-lvm" FIXTURES="$REPO/tests/tui/fixtures" \
                        HARNESS_TMP="$TMP/vt" NODECTL_RUN_DIR="$RUN" NODECTL_ROOT="$TMP/vt-root" HARNESS_LABEL=netns \
                        "$HARNESS" "$HERE/nethost.vt" >"$TMP/vt.out" 2>&1
                RC=$?
                is "screen: the harness case passed" "$RC" "0"
                [ "$RC" = 0 ] || diag "$(grep -v '^ok' "$TMP/vt.out" | head -60)"
                rm -f "$TMP"/props.*
                is "screen: nmcli shows the kept DNS server" "$(field "$prof" ipv4.dns)" "192.0.2.53"
                is "screen: nmcli shows the kept search domain" "$(field "$prof" ipv4.dns-search)" "example.test"
                is "screen: no checkpoint is left" "$(checkpoints)" "0"
                is "screen: nmcli shows the host name" "$(nm general hostname)" "screen-node.example.com"

        else
                fail "screen against NetworkManager" "nodecon or the harness is not built (make O=build/tui all build/tui/vterm-harness)"
        fi
fi

# --- the fault campaign: nodectl network apply killed (SIGKILL, NODECON_FAULT_AT)
# at each of its fault points (nodectl fault-points network; every Nth with
# NODECON_FAULT_STEP, default 3).  NM rolls back by itself within the
# confirmation timeout, nmcli shows the old config, nothing stays pending and
# the apply then succeeds.  One "# fault: ..." row per point (tests/faults-table.sh).
if section faults; then
        nc network apply veth-n --ipv4 static --address 192.0.2.5/24 --ipv6 ignore --confirm-within "$WITHIN"
        confirm "faults: known config: "
        old_addr=$(nm -g IP4.ADDRESS device show veth-n)
        old_prof=$(field veth-n ipv4.addresses)
        fault_i=0
        for point in $("$NODECTL" fault-points network | cut -f1); do
                fault_i=$((fault_i + 1))
                [ $(( (fault_i - 1) % ${NODECON_FAULT_STEP:-3} )) -eq 0 ] || continue
                outcome=
                rm -f "$TMP"/props.*
                in_ns env NODECTL_RUN_DIR="$RUN" NODECON_FAULT_AT="$point" "$NODECTL" network apply veth-n \
                        --ipv4 static --address 198.51.100.9/24 --ipv6 ignore --confirm-within 3 >/dev/null 2>&1
                RC=$?
                exit_is "fault $point: killed" 137
                start=$(date +%s%N)
                if wait_for "$old_addr" 80 nm -g IP4.ADDRESS device show veth-n; then
                        ok "fault $point: nmcli shows the old address after $((($(date +%s%N) - start) / 1000000)) ms"
                else
                        fail "fault $point: nmcli shows the old address" "$(nm -g IP4.ADDRESS device show veth-n)"
                        outcome="FAILED: the old address did not come back"
                fi
                # NM drops the checkpoint when it rolls back
                wait_for 0 80 checkpoints || true
                is "fault $point: no checkpoint left in NM" "$(checkpoints)" 0
                is "fault $point: the profile is the old one" "$(field veth-n ipv4.addresses)" "$old_prof"
                [ "$(field veth-n ipv4.addresses)" = "$old_prof" ] || outcome="FAILED: the profile stayed changed"
                nc network --json
                is "fault $point: nodectl network: nothing pending" "$(jget "$(printf '%s\n' "$OUT" | json_flat)" pending)" null
                nc network apply veth-n --ipv4 static --address 198.51.100.9/24 --ipv6 ignore --confirm-within "$WITHIN"
                exit_is "fault $point: the apply then succeeds" 0
                [ "$RC" = 0 ] || outcome="FAILED: the apply after it: $ERR"
                nc network revert
                exit_is "fault $point: and is reverted" 0
                wait_for "$old_addr" 80 nm -g IP4.ADDRESS device show veth-n
                printf '# fault: %-10s | %-20s | %-7s | %s\n' network "$point" "kill -9" \
                        "${outcome:-"recovered (NM rolled back by itself)"}"
        done
fi
exit 0
