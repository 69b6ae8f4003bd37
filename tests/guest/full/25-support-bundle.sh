#!/bin/sh
# The support bundle on a real node: every piece gathered from the real
# programs, the journal in it carries a line logged just before.
marker=bundle-marker-$$
logger -t nodecon-test "$marker"
for _ in $(seq 50); do journalctl -q -o cat -t nodecon-test | grep -q "$marker" && break; sleep 0.2; done
mkdir -p /tmp/usb
check "support-bundle onto a directory" nodectl support-bundle --output /tmp/usb
b=$(ls /tmp/usb/*.tar.gz 2>/dev/null | head -1)
[ -n "$b" ] && ok "a bundle file was written" || { fail "a bundle file was written"; exit 0; }
index=$(tar -xzOf "$b" --wildcards '*/index.txt')
# boot entries are where this node's loader keeps them (or absent on a guest booted without one):
# only that the index accounts for them is required
like "bundle: index accounts for the boot entries" "$(printf '%s\n' "$index" | grep "^boot/loader-entries ")" \
        "^boot/loader-entries +(ok|absent: .*)$"
for piece in lvm/lvs.json dm/status logs/journal-this-boot.txt services/units.txt \
        network/ip-addr.json network/nmcli-devices.txt system/lsblk.json os-release; do
        like "bundle: $piece gathered" "$(printf '%s\n' "$index" | grep "^$piece ")" "^$piece +ok$"
done
like "bundle: the journal has the line logged before" "$(tar -xzOf "$b" --wildcards '*/logs/journal-this-boot.txt')" \
        "nodecon-test.*$marker"
like "bundle: lvs.json is lvm's report of the node" "$(tar -xzOf "$b" --wildcards '*/lvm/lvs.json' | tr -d '\n')" \
        '"report".*imgbased:layer'
rm -rf /tmp/usb
