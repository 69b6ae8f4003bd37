# nodectl init --adopt, like imgbase layout --init: an existing thin root LV
# stays (tagged imgbased:init), a base named by its NVR and NVR+1 are made.
# needs: nothing
. "$CASE_DIR/common.inc"

A=adopt
fresh_vg "$A" /dev/vdb
lvcreate -q -y --type thin-pool -L 1G -n pool00 "$A" >/dev/null
lvcreate -q -y --thin -V 256M -n root "$A/pool00" >/dev/null
lvcreate -q -y -L 64M -n notthin "$A" >/dev/null
mkfs.ext4 -q "/dev/$A/root"
mkdir -p /mnt/t
mount "/dev/$A/root" /mnt/t
mkdir -p /mnt/t/usr/share/imgbase/build/meta /mnt/t/etc
echo "$NVR1" > /mnt/t/usr/share/imgbase/build/meta/nvr
printf '/dev/mapper/adopt-root / ext4 defaults 1 1\n/dev/sda1 /boot ext4 defaults 1 2\n' > /mnt/t/etc/fstab
umount /mnt/t
root_uuid=$(blkid -s UUID -o value "/dev/$A/root")

refuses "adopt a non-thin LV" 3 "$A" init --adopt "$A/notthin" "$A"
refuses "adopt a missing LV" 3 "$A" init --adopt "$A/nosuch" "$A"

run_nodectl init --adopt "$A/root" "$A"
is "adopt exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
check "root tagged imgbased:init" has_tag "$A/root" imgbased:init
is "root still there and active" "$(attr_char "$A/root" 5)" a
check "VG tagged imgbased:vg" vg_has_tag "$A" imgbased:vg
check "pool tagged imgbased:pool" has_tag "$A/pool00" imgbased:pool
check "base tagged imgbased:base" has_tag "$A/$NVR1" imgbased:base
is "base is a snapshot of root" "$(lvf "$A/$NVR1" origin)" root
is "base read-only" "$(attr_char "$A/$NVR1" 2)" r
is "base activation skip" "$(attr_char "$A/$NVR1" 10)" k
check "layer tagged imgbased:layer" has_tag "$A/$NVR1+1" imgbased:layer
is "layer is a snapshot of the base" "$(lvf "$A/$NVR1+1" origin)" "$NVR1"
is "layer active" "$(attr_char "$A/$NVR1+1" 5)" a
u=$(blkid -s UUID -o value "/dev/$A/$NVR1+1")
check "layer UUID differs from root's" test -n "$u" -a "$u" != "$root_uuid"
if mount -o ro "/dev/$A/$NVR1+1" /mnt/t; then
        is "fstab: / is the layer" "$(awk '$2 == "/" {print $1}' /mnt/t/etc/fstab)" "/dev/$A/$NVR1+1"
        is "fstab: other lines kept" "$(awk '$2 == "/boot" {print $1}' /mnt/t/etc/fstab)" /dev/sda1
        umount /mnt/t
else
        fail "layer mounts"
fi
is "nothing left mounted" "$(leftovers)" ""
refuses "adopt again" 1 "$A" init --adopt "$A/root" "$A"
