# nodectl image-info: the tiny images are recognised or refused with one
# sentence and exit code 4, and inspection leaves nothing mounted.
# needs: nothing
. "$CASE_DIR/common.inc"

if [ -z "$IMAGES" ]; then
        fail "test images present" "run tests/node/test-images.sh on the host first"
        exit 0
fi

run_nodectl image-info --json "$TINY_V1"
is "v1: exit code" "$RC" 0
flat=$(printf '%s\n' "$OUT" | json_flat)
is "v1: NVR read from the image" "$(jget "$flat" nvr)" "$NVR1"
is "v1: file system type" "$(jget "$flat" fstype)" ext4
with_rootfs "$TINY_V1"
is "v1: rootfs size equals rootfs.img's" "$(jget "$flat" rootfs_size)" "$(stat -c %s /mnt/sq/LiveOS/rootfs.img)"
without_rootfs

run_nodectl image-info "$TINY_V2"
is "v2: exit code" "$RC" 0
like "v2: NVR shown" "$OUT" "$NVR2"

refuses "not a squashfs" 4 "" image-info "$IMAGES/not-squashfs.img"
like "not a squashfs: says so" "$ERR" 'not a squashfs'
refuses "no rootfs.img" 4 "" image-info "$IMAGES/no-rootfs.squashfs"
like "no rootfs.img: says so" "$ERR" 'LiveOS/rootfs.img'
refuses "rootfs.img not a file system" 4 "" image-info "$IMAGES/not-fs.squashfs"
like "rootfs.img not a file system: says so" "$ERR" 'neither an ext4 nor an xfs'
refuses "no NVR file" 4 "" image-info "$IMAGES/no-nvr.squashfs"
like "no NVR file: names the file" "$ERR" '/usr/share/imgbase/build/meta/nvr'
refuses "malformed NVR" 4 "" image-info "$IMAGES/bad-nvr.squashfs"
like "malformed NVR: quotes it" "$ERR" 'nodecon node 4.5 \(bad\)'
refuses "missing file" 4 "" image-info /nonexistent.squashfs
refuses "a directory" 4 "" image-info /share
