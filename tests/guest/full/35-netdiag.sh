#!/bin/sh
# needs: nothing
# nodectl network test on the node's own NIC under the real NetworkManager
# (QEMU user networking: gateway 10.0.2.2, DNS 10.0.2.3): with the cable
# pulled by the host (QEMU set_link through the monitor), with a wrong
# gateway, and with DNS down, each run names the right failing step.  The
# wrong settings are applied inside NM checkpoints and reverted.

# until_true TENTHS CMD...: polls CMD every 0.1 s
until_true() {
        _n=$1
        shift
        while ! "$@" >/dev/null 2>&1; do
                _n=$((_n - 1))
                [ "$_n" -gt 0 ] || return 1
                sleep 0.1
        done
}
diag_json() { # ARGS...: the steps of nodectl network test --json, flattened
        nodectl --json network test "$@" 2>/dev/null | json_flat
}
carrier_is() { [ "$(cat "/sys/class/net/$iface/carrier" 2>/dev/null)" = "$1" ]; }
connected() { nmcli -g GENERAL.STATE device show "$iface" | grep -q '^100'; }

flat=$(diag_json)
iface=$(jget "$flat" interface)
if [ -z "$iface" ]; then
        fail "network test finds the NIC" "$flat"
        exit 0
fi
is "baseline: link ok" "$(jget "$flat" steps.0.result)" "ok"
is "baseline: address ok" "$(jget "$flat" steps.1.result)" "ok"
diag "baseline gateway: $(jget "$flat" steps.2.result) $(jget "$flat" steps.2.detail)"

# --- the cable pulled
if host_link off; then
        ok "the host pulled the cable (set_link off)"
        until_true 100 carrier_is 0 || diag "carrier still $(cat "/sys/class/net/$iface/carrier")"
        flat=$(diag_json --interface "$iface")
        is "unplugged: the link step fails" "$(jget "$flat" steps.0.result)" "failed"
        like "  and says to check the cable" "$(jget "$flat" steps.0.detail)" "has no link: check the cable"
        is "  the gateway is not even tried" "$(jget "$flat" steps.2.result)" "skipped"
        host_link on
        until_true 100 carrier_is 1 || diag "carrier did not come back"
        until_true 300 connected || diag "NM did not reconnect $iface"
else
        fail "the host pulled the cable (set_link off)" "no answer from the host (full-guest.sh's watcher)"
fi

# --- a wrong gateway, inside a checkpoint
address=$(jget "$flat" steps.1.detail | grep -o '10\.0\.2\.[0-9]*/24' | head -1)
address=${address:-10.0.2.15/24}
check "wrong gateway applied" nodectl network apply "$iface" --ipv4 static --address "$address" --gateway 10.0.2.99 \
        --dns 10.0.2.3 --ipv6 ignore --confirm-within 600
flat=$(diag_json --interface "$iface")
is "wrong gateway: the gateway step fails" "$(jget "$flat" steps.2.result)" "failed"
like "  and names the gateway" "$(jget "$flat" steps.2.detail)" "The gateway 10.0.2.99 does not answer ping"
is "  the link is fine" "$(jget "$flat" steps.0.result)" "ok"
check "wrong gateway reverted" nodectl network revert

# --- DNS down: a name server that does not exist
check "dead DNS server applied" nodectl network apply "$iface" --ipv4 static --address "$address" --gateway 10.0.2.2 \
        --dns 10.0.2.99 --ipv6 ignore --confirm-within 600
until_true 100 grep -q 10.0.2.99 /etc/resolv.conf || diag "resolv.conf: $(cat /etc/resolv.conf)"
flat=$(diag_json --interface "$iface" engine.example.org)
is "DNS down: the dns step fails" "$(jget "$flat" steps.3.result)" "failed"
like "  and says no server answered" "$(jget "$flat" steps.3.detail)" "No DNS server answered for engine.example.org"
is "  the link is fine" "$(jget "$flat" steps.0.result)" "ok"
is "  connect is skipped" "$(jget "$flat" steps.4.result)" "skipped"
check "dead DNS server reverted" nodectl network revert
