# A node image is a squashfs holding LiveOS/rootfs.img: both must loop-mount read-only.
w=$TMPDIR/selftest-image
rm -rf "$w"
mkdir -p "$w/os/usr/share/imgbase/build/meta" "$w/sq/LiveOS" "$w/m1" "$w/m2"
echo nodecon-node-9.9.9-0.1.0 > "$w/os/usr/share/imgbase/build/meta/nvr"
truncate -s 64M "$w/sq/LiveOS/rootfs.img"
check "mkfs.ext4 -d" mkfs.ext4 -q -d "$w/os" "$w/sq/LiveOS/rootfs.img"
check "mksquashfs" mksquashfs "$w/sq" "$w/img.squashfs" -quiet -no-progress -comp zstd
check "mount the squashfs ro" mount -t squashfs -o loop,ro "$w/img.squashfs" "$w/m1"
check "mount its rootfs.img ro" mount -t ext4 -o loop,ro "$w/m1/LiveOS/rootfs.img" "$w/m2"
is "NVR read from the image" "$(cat "$w/m2/usr/share/imgbase/build/meta/nvr")" nodecon-node-9.9.9-0.1.0
like "blkid sees ext4" "$(blkid -o value -s TYPE "$w/sq/LiveOS/rootfs.img")" '^ext4$'
umount "$w/m2" "$w/m1"
is "loop devices released" "$(losetup -a)" ""
if command -v mkfs.xfs >/dev/null; then
        truncate -s 300M "$w/x.img"
        check "mkfs.xfs" mkfs.xfs -q "$w/x.img"
else
        skip "mkfs.xfs" "not in this guest"
fi
rm -rf "$w"
