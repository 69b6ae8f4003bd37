# nodectl init --image: the layout lvm reports afterwards is the imgbased one.
# needs: nothing (it makes VG onn on /dev/vda)
. "$CASE_DIR/common.inc"

fresh_vg "$VG" /dev/vda
free_before=$(vgf "$VG" vg_free)
run_nodectl init --image "$TINY_V1" "$VG"
is "init exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
is "nothing left mounted or attached" "$(leftovers)" ""

check "VG tagged imgbased:vg" vg_has_tag "$VG" imgbased:vg
is "pool is a thin pool" "$(lvf "$VG/pool00" segtype)" thin-pool
check "pool tagged imgbased:pool" has_tag "$VG/pool00" imgbased:pool
pool_size=$(lvf "$VG/pool00" lv_size)
like "pool takes most of the VG's free space" "$(( pool_size * 100 / free_before ))" '^(8[5-9]|9[0-9])$'

B=$VG/$NVR1
L=$VG/$NVR1+1
check "base tagged imgbased:base" has_tag "$B" imgbased:base
is "base is a thin volume in the pool" "$(lvf "$B" pool_lv)" pool00
is "base is read-only" "$(attr_char "$B" 2)" r
is "base has activation skip" "$(attr_char "$B" 10)" k
is "base is inactive" "$(attr_char "$B" 5)" -
with_rootfs "$TINY_V1"
rootfs_size=$(stat -c %s /mnt/sq/LiveOS/rootfs.img)
image_uuid=$(blkid -s UUID -o value /mnt/sq/LiveOS/rootfs.img)
# bytes the image's file system has in use, from its own superblock
block_size=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block size/ {print $2+0}')
blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block count/ {print $2+0}')
free_blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Free blocks/ {print $2+0}')
without_rootfs
image_used=$(( (blocks - free_blocks) * block_size ))
base_size=$(lvf "$B" lv_size)
check "base virtual size >= rootfs.img ($rootfs_size)" test "$base_size" -ge "$rootfs_size"

check "layer tagged imgbased:layer" has_tag "$L" imgbased:layer
is "layer is a snapshot of the base" "$(lvf "$L" origin)" "$NVR1"
is "layer is writable" "$(attr_char "$L" 2)" w
is "layer is active" "$(attr_char "$L" 5)" a
is "layer has no activation skip" "$(attr_char "$L" 10)" -
layer_uuid=$(blkid -s UUID -o value "/dev/$L")
check "layer has its own file system UUID" test -n "$layer_uuid" -a "$layer_uuid" != "$image_uuid"

check "var tagged imgbased:volume" has_tag "$VG/var" imgbased:volume
is "var is a thin volume in the pool" "$(lvf "$VG/var" pool_lv)" pool00
mkdir -p /mnt/t
if mount -o ro "/dev/$VG/var" /mnt/t; then
        is "/var content copied from the image" "$(cat /mnt/t/lib/nodecon-test/hello.txt)" "hello from /var of $NVR1"
        umount /mnt/t
else
        fail "/var volume mounts"
fi
if mount -o ro "/dev/$L" /mnt/t; then
        is "fstab: / is the layer" "$(awk '$2 == "/" {print $1, $3}' /mnt/t/etc/fstab)" "/dev/$L ext4"
        is "fstab: /var is the var volume" "$(awk '$2 == "/var" {print $1, $3}' /mnt/t/etc/fstab)" "/dev/$VG/var ext4"
        like "fstab: the image's own lines kept" "$(head -n1 /mnt/t/etc/fstab)" '^# /etc/fstab of the image'
        is "layer holds the image's files" "$(cat /mnt/t/etc/node-release)" "nodecon node 4.5.0"
        umount /mnt/t
else
        fail "layer mounts"
fi

# the base's thin mapping shows what the copy wrote: the image's data, not its size
lvchange -ay -K "$B" >/dev/null 2>&1
base_pct=$(lvf "$B" data_percent)
base_uuid=$(blkid -s UUID -o value "/dev/$B")
lvchange -an "$B" >/dev/null 2>&1
base_mapped=$(awk -v p="$base_pct" -v s="$base_size" 'BEGIN { printf "%d", p * s / 100 }')
diag "image used $image_used bytes of $rootfs_size; base maps $base_mapped bytes ($base_pct %)"
check "base maps at least the 4 MiB payload" test "$base_mapped" -ge 4194304
check "base maps <= 1.05 x the image's used bytes" test "$base_mapped" -le $(( image_used * 105 / 100 ))
check "base UUID differs from the image's and the layer's" \
        test -n "$base_uuid" -a "$base_uuid" != "$image_uuid" -a "$base_uuid" != "$layer_uuid"
