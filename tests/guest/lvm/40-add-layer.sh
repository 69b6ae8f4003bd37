# nodectl add-layer: NVR+2 on the base, a thin snapshot with its own UUID and fstab.
# This guest has no boot loader (no grubenv, no loader.conf): the layer is made
# without a boot entry and a warning says so and why (with a boot loader: 69).
# needs: 30-layers-json
. "$CASE_DIR/common.inc"

free_before=$(vgf "$VG" vg_free)
run_nodectl --vg "$VG" add-layer
is "add-layer exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
L2=$VG/$NVR1+2
is "it says the layer was made" "$OUT" "Layer $NVR1+2 created."
is "one warning on stderr" "$(printf '%s\n' "$ERR" | grep -c '^nodectl: warning: ')" 1
check "it says the layer has no boot entry" has_text "$ERR" "layer $NVR1+2 has no boot entry"
check "and why: no boot loader" has_text "$ERR" "No boot loader configuration was found"
check "no entry written anywhere" test ! -e /boot/loader/entries -a ! -e "/boot/$NVR1+2"
check_fails "no longer tagged nodecon:partial" has_tag "$L2" nodecon:partial
is "new layer named NVR+2" "$(lvf "$L2" lv_name)" "$NVR1+2"
check "tagged imgbased:layer" has_tag "$L2" imgbased:layer
is "snapshot of the base" "$(lvf "$L2" origin)" "$NVR1"
is "in the pool" "$(lvf "$L2" pool_lv)" pool00
is "active" "$(attr_char "$L2" 5)" a
is "writable" "$(attr_char "$L2" 2)" w
is "no activation skip" "$(attr_char "$L2" 10)" -
is "base still read-only" "$(attr_char "$VG/$NVR1" 2)" r
is "base still has activation skip" "$(attr_char "$VG/$NVR1" 10)" k
is "no VG space used (thin)" "$(vgf "$VG" vg_free)" "$free_before"
u1=$(blkid -s UUID -o value "/dev/$VG/$NVR1+1")
u2=$(blkid -s UUID -o value "/dev/$L2")
check "UUID differs from NVR+1's" test -n "$u2" -a "$u2" != "$u1"
mkdir -p /mnt/t
if mount -o ro "/dev/$L2" /mnt/t; then
        is "fstab: / is the new layer" "$(awk '$2 == "/" {print $1}' /mnt/t/etc/fstab)" "/dev/$L2"
        is "fstab: /var line" "$(awk '$2 == "/var" {print $1}' /mnt/t/etc/fstab)" "/dev/$VG/var"
        umount /mnt/t
else
        fail "new layer mounts"
fi
is "nothing left mounted" "$(leftovers)" ""
refuses "add-layer --base unknown" 3 "$VG" --vg "$VG" add-layer --base nodecon-node-9.9-1
