# nodectl upgrade v1 -> v2 on the node of 72 (after 73's killed run): the
# leftovers are removed, then every LV, tag, the boot entry and default, the
# carried /etc and the pool growth are checked against lvm and the files.
. "$CASE_DIR/common.inc"
. "$CASE_DIR/upgrade.inc"

with_rootfs /tmp/v2.squashfs
block_size=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block size/ {print $2+0}')
blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block count/ {print $2+0}')
free_blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Free blocks/ {print $2+0}')
image_uuid=$(blkid -s UUID -o value /mnt/sq/LiveOS/rootfs.img)
without_rootfs
image_used=$(( (blocks - free_blocks) * block_size ))

# what the killed run of 73 left is freed by the upgrade: count the pool without it
leftover_bytes=0 had_leftovers=no
if has_tag "$UVG/$NVR2" nodecon:partial; then
        had_leftovers=yes
        lvchange -ay -K "$UVG/$NVR2" >/dev/null 2>&1
        leftover_bytes=$(awk -v p="$(lvf "$UVG/$NVR2" data_percent)" -v s="$(lvf "$UVG/$NVR2" lv_size)" \
                'BEGIN { printf "%d", p * s / 100 }')
        lvchange -an "$UVG/$NVR2" >/dev/null 2>&1
fi
cp "$V0" /tmp/v0.squashfs
used_before=$(( $(pool_used) - leftover_bytes ))
t0=$(cut -d' ' -f1 /proc/uptime)
run_nodectl --vg "$UVG" upgrade --json /tmp/v2.squashfs
t1=$(cut -d' ' -f1 /proc/uptime)
is "upgrade exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
diag "upgrade took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
flat=$(printf '%s\n' "$OUT" | json_flat)
is "json: layer" "$(jget "$flat" layer)" "$L2"
is "json: base" "$(jget "$flat" base)" "$NVR2"
[ "$had_leftovers" = yes ] && is "json: the killed run's base was removed first" "$(jget "$flat" leftovers_removed.0)" "$NVR2"
is "nothing left mounted" "$(leftovers)" ""

B=$UVG/$NVR2 L=$UVG/$L2
is "base tags" "$(lvf "$B" lv_tags)" imgbased:base
is "base is in the pool" "$(lvf "$B" pool_lv)" pool00
is "base is read-only" "$(attr_char "$B" 2)" r
is "base has activation skip" "$(attr_char "$B" 10)" k
is "base is inactive" "$(attr_char "$B" 5)" -
is "layer tags" "$(lvf "$L" lv_tags)" imgbased:layer
is "layer is a snapshot of the new base" "$(lvf "$L" origin)" "$NVR2"
is "layer is writable" "$(attr_char "$L" 2)" w
is "layer is active" "$(attr_char "$L" 5)" a
is "layer has no activation skip" "$(attr_char "$L" 10)" -
is "old layer kept" "$(lvf "$UVG/$L1" lv_tags)" imgbased:layer
is "old base kept (keep_images 2)" "$(lvf "$UVG/$NVR1" lv_tags)" imgbased:base
is "no volume is left partial" "$(lvs --noheadings -o lv_name -S 'lv_tags=nodecon:partial' "$UVG" 2>/dev/null | tr -d ' ')" ""

used_after=$(pool_used)
growth=$(( used_after - used_before ))
lvchange -ay -K "$B" >/dev/null 2>&1
base_mapped=$(awk -v p="$(lvf "$B" data_percent)" -v s="$(lvf "$B" lv_size)" 'BEGIN { printf "%d", p * s / 100 }')
lvchange -an "$B" >/dev/null 2>&1
diag "pool grew by $growth bytes, the base maps $base_mapped; the image's file system uses $image_used"
check "base maps >= 0.9 x the image's used bytes" test "$base_mapped" -ge $(( image_used * 9 / 10 ))
check "base maps <= 1.05 x the image's used bytes" test "$base_mapped" -le $(( image_used * 105 / 100 ))
check "pool growth <= 1.05 x the image's used bytes + 8 MiB (the layer's journal and /etc)" \
        test "$growth" -le $(( image_used * 105 / 100 + 8388608 ))

entry=$UROOT/boot/loader/entries/$L2-$KVER_TINY.conf
check "boot entry written" test -f "$entry"
like "entry: linux" "$(grep '^linux ' "$entry")" "^linux /$L2/vmlinuz-$KVER_TINY\$"
like "entry: initrd" "$(grep '^initrd ' "$entry")" "^initrd /$L2/initramfs-$KVER_TINY.img\$"
like "entry: root= the new layer" "$(grep '^options ' "$entry")" " ?root=/dev/$UVG/$L2( |\$)"
like "entry: rd.lvm.lv= the new layer" "$(grep '^options ' "$entry")" "rd.lvm.lv=$UVG/$L2( |\$)"
like "entry: img.bootid=" "$(grep '^options ' "$entry")" "img.bootid=$L2( |\$)"
like "entry: the old entry's other options kept" "$(grep '^options ' "$entry")" "console=ttyS0"
is "kernel copied from the new layer" "$(cat "$UROOT/boot/$L2/vmlinuz-$KVER_TINY")" "kernel of $NVR2"
is "initrd copied from the new layer" "$(cat "$UROOT/boot/$L2/initramfs-$KVER_TINY.img")" "initrd of $NVR2"
is "boot default is the new entry" "$(saved_entry)" "$L2-$KVER_TINY"
is "grubenv still 1024 bytes" "$(stat -c %s "$UROOT/boot/grub2/grubenv")" 1024
check "old entry kept" test -f "$UROOT/boot/loader/entries/$L1-$KVER_TINY.conf"
log=$UROOT/var/log/nodecon/upgrade-$L2-etc.log
check "log of carried /etc files" grep -qx 'copy motd-admin' "$log"
diag "$(cat "$log" 2>/dev/null)"

mkdir -p /mnt/l2
if mount -o ro "/dev/$L" /mnt/l2; then
        is "new layer runs the new image" "$(cat /mnt/l2/etc/node-release)" "nodecon node 4.5.1 (changed)"
        is "the admin's /etc file carried" "$(cat /mnt/l2/etc/motd-admin)" "Welcome, admin"
        is "a file in an /etc subdirectory carried" "$(cat /mnt/l2/etc/ssh/sshd_config)" "PermitRootLogin no"
        is "the admin's user carried" "$(grep '^alice:' /mnt/l2/etc/passwd)" "alice:x:1000:1000:Alice:/home/alice:/bin/sh"
        is "root kept" "$(grep -c '^root:' /mnt/l2/etc/passwd)" 1
        is "fstab: / is the new layer" "$(awk '$2 == "/" {print $1}' /mnt/l2/etc/fstab)" "/dev/$L"
        is "fstab: one line for /" "$(awk '$2 == "/"' /mnt/l2/etc/fstab | wc -l)" 1
        is "fstab: /var is the shared volume" "$(awk '$2 == "/var" {print $1}' /mnt/l2/etc/fstab)" "/dev/$UVG/var"
        umount /mnt/l2
else
        fail "new layer mounts"
fi
layer_uuid=$(blkid -s UUID -o value "/dev/$L")
old_uuid=$(blkid -s UUID -o value "/dev/$UVG/$L1")
check "new layer has its own file system UUID" test -n "$layer_uuid" -a "$layer_uuid" != "$image_uuid" -a "$layer_uuid" != "$old_uuid"

# a newer image again with keep_images 1, v1's layer booted: v1 stays (booted),
# and once v2's layer boots, the next upgrade (with --force, v0) removes v1
run_nodectl --vg "$UVG" layers --json
is "layers: default is the new layer" "$(jget "$(printf '%s\n' "$OUT" | json_flat)" default)" "$L2"
mkdir -p "$UROOT/etc/nodecon"
echo 'keep_images = 1' > "$UROOT/etc/nodecon/nodecon.conf"
echo "root=/dev/$UVG/$L2 img.bootid=$L2" > "$UROOT/proc/cmdline"
run_nodectl --vg "$UVG" upgrade --force --json /tmp/v0.squashfs
is "downgrade with --force" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
flat=$(printf '%s\n' "$OUT" | json_flat)
is "keep_images 1 from the config file" "$(jget "$flat" keep_images)" 1
is "keep: v1's layer removed" "$(jget "$flat" removed.0)" "$L1"
check_fails "keep: v1's base is gone" lvs "$UVG/$NVR1"
is "keep: the booted v2 layer stays" "$(lvf "$UVG/$L2" lv_tags)" imgbased:layer
is "keep: the new v0 layer is the default" "$(saved_entry)" "$NVR0+1-$KVER_TINY"
check_fails "keep: v1's boot entry removed" test -e "$UROOT/boot/loader/entries/$L1-$KVER_TINY.conf"
is "nothing left mounted at the end" "$(leftovers)" ""
