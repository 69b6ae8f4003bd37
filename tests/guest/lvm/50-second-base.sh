# A second base made with raw lvm the imgbased way sorts after the first;
# add-layer picks the newest base unless told.
# needs: 40-add-layer
. "$CASE_DIR/common.inc"

with_rootfs "$TINY_V2"
size=$(stat -c %s /mnt/sq/LiveOS/rootfs.img)
lvcreate -q -y --thin -V "${size}b" -n "$NVR2" --addtag imgbased:base "$VG/pool00" >/dev/null 2>&1
dd if=/mnt/sq/LiveOS/rootfs.img of="/dev/$VG/$NVR2" bs=1M 2>/dev/null
without_rootfs
tune2fs -U random "/dev/$VG/$NVR2" >/dev/null 2>&1
lvchange -q -pr "$VG/$NVR2" && lvchange -q -ky "$VG/$NVR2" && lvchange -q -an "$VG/$NVR2"
check "v2 base made" has_tag "$VG/$NVR2" imgbased:base

run_nodectl --vg "$VG" layers --json
flat=$(printf '%s\n' "$OUT" | json_flat)
is "bases.0 is v1" "$(jget "$flat" bases.0.name)" "$NVR1"
is "bases.1 is v2 (sorted after v1)" "$(jget "$flat" bases.1.name)" "$NVR2"
is "v2 has no layers yet" "$(jget "$flat" bases.1.layers.0.name)" ""

run_nodectl --vg "$VG" add-layer
is "add-layer on the newest base" "$RC.$(lvf "$VG/$NVR2+1" origin)" "0.$NVR2"
run_nodectl --vg "$VG" add-layer --base "$NVR1"
is "add-layer --base v1 makes NVR1+3" "$RC.$(lvf "$VG/$NVR1+3" origin)" "0.$NVR1"
check "v1+3 tagged" has_tag "$VG/$NVR1+3" imgbased:layer
