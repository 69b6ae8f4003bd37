#!/bin/sh
# A node booted by systemd from its thin layer (no img.bootid on the command
# line: nodectl must find the booted layer from the device mounted on /).
# Every expectation is taken from the system itself (findmnt, lvs, dmsetup,
# systemctl), never from nodectl.

state=$(systemctl is-system-running --wait 2>/dev/null || true)
case $state in running|degraded) ok "systemd reached $state" ;; *) fail "systemd state" "$state" ;; esac
[ "$state" = degraded ] && systemctl --failed --no-pager | sed 's/^/# /'

rootdev=$(findmnt -n -o SOURCE /)
vg=$(lvs --noheadings -o vg_name "$rootdev" 2>/dev/null | tr -d ' ')
layer=$(lvs --noheadings -o lv_name "$rootdev" 2>/dev/null | tr -d ' ')
is "root is mounted from a layer LV" "$(lvs --noheadings -o lv_tags "$rootdev" | tr -d ' ')" "imgbased:layer"
case $(cat /proc/cmdline) in *img.bootid=*) fail "booted without img.bootid" ;; *) ok "booted without img.bootid" ;; esac

json=$(nodectl info --json | json_flat)
is "info: booted layer found from the mounted root" "$(jget "$json" booted)" "$layer"
is "info: volume group" "$(jget "$json" vg)" "$vg"
nvr=${layer%+*}
is "info: booted NVR" "$(jget "$json" booted_nvr)" "$nvr"
check "layers marks the booted layer" sh -c "nodectl layers | grep -qxF ' +- $layer [booted]'"

vardev=$(findmnt -n -o SOURCE /var)
is "/var is the imgbased:volume LV" "$(lvs --noheadings -o lv_tags "$vardev" | tr -d ' ')" "imgbased:volume"

# Pool usage read from the kernel matches dmsetup's own figures.
pool=$(jget "$json" pool.name)
is "pool usage comes from the kernel" "$(jget "$json" pool.usage_from_kernel)" "true"
status=$(dmsetup status "$vg-$pool-tpool" | cut -d' ' -f4-)
used=$(echo "$status" | awk '{split($3,a,"/"); printf "%.1f", 100*a[1]/a[2]}')
got=$(jget "$json" pool.data_percent)
awk -v a="$used" -v b="$got" 'BEGIN{exit !(a-b<0.15 && b-a<0.15)}' &&
        ok "pool data % = dmsetup's ($used)" || fail "pool data % = dmsetup's" "nodectl $got, dmsetup $used"

check "NetworkManager is running" systemctl is-active --quiet NetworkManager
check "nmcli answers" nmcli -t -f RUNNING general

# A layer added while the node runs is listed; the booted one stays booted.
# This node is started by QEMU's direct kernel boot: no grubenv, no
# loader.conf, so the layer is made without a boot entry and nodectl says why.
check_fails "this node has no boot loader configuration" ls /boot/grub2/grubenv /boot/grub/grubenv \
        /boot/loader/loader.conf /boot/efi/loader/loader.conf /efi/loader/loader.conf
added=$(nodectl add-layer --json | json_flat)
new=$(jget "$added" layer)
is "add-layer makes NVR+N+1" "$new" "$nvr+$(( ${layer##*+} + 1 ))"
is "lvs sees the new layer tagged" "$(lvs --noheadings -o lv_tags "$vg/$new" | tr -d ' ')" "imgbased:layer"
is "add-layer: no boot entry without a boot loader" "$(jget "$added" boot_entry)" null
like "add-layer: and it says why" "$(jget "$added" no_boot_entry_reason)" "^No boot loader configuration was found"
is "nothing of the new layer in /boot" "$(find /boot -name "$new*" 2>/dev/null)" ""
is "booted layer unchanged" "$(jget "$(nodectl info --json | json_flat)" booted)" "$layer"
# remove takes it away again (it had no entry: nothing else to remove)
out=$(nodectl remove "$new" --yes 2>&1)
is "remove the added layer" "$?" 0
diag "$out"
is "lvs no longer has it" "$(lvs --noheadings -o lv_name "$vg/$new" 2>/dev/null | tr -d ' ')" ""
