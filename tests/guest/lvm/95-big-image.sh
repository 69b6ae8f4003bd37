# The full Debian node image (tests/node/images.sh), when it was built: init
# copies only its used blocks and the layer is complete.
# needs: nothing
. "$CASE_DIR/common.inc"

BIG=
for f in ${NODECON_IMAGE_V1:-} /cache/node-images/node-v1.squashfs /cache/images/node-v1.squashfs \
        /share/.cache/node-images/node-v1.squashfs; do
        if [ -f "$f" ]; then BIG=$f; break; fi
done
if [ -z "$BIG" ]; then
        skip "full node image" "not built (tests/node/images.sh)"
        exit 0
fi
# read over 9p, a loop-mounted squashfs gives ~1.5 MB/s under TCG: init reads
# a copy in RAM (a dd over 9p runs at ~200 MB/s)
dd if="$BIG" of=/tmp/node-v1.squashfs bs=4M 2>/dev/null || { fail "copy of the full node image to /tmp"; exit 0; }
BIG=/tmp/node-v1.squashfs
G=big
fresh_vg "$G" /dev/vdb
with_rootfs "$BIG"
want_nvr=$(debugfs -R "cat /usr/share/imgbase/build/meta/nvr" /mnt/sq/LiveOS/rootfs.img 2>/dev/null)
block_size=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block size/ {print $2+0}')
blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Block count/ {print $2+0}')
free_blocks=$(dumpe2fs -h /mnt/sq/LiveOS/rootfs.img 2>/dev/null | awk -F: '/^Free blocks/ {print $2+0}')
rootfs_size=$(stat -c %s /mnt/sq/LiveOS/rootfs.img)
without_rootfs
image_used=$(( (blocks - free_blocks) * block_size ))

t0=$(cut -d' ' -f1 /proc/uptime)
run_nodectl init --image "$BIG" "$G"
t1=$(cut -d' ' -f1 /proc/uptime)
is "init of the full image" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
diag "init took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s for $rootfs_size bytes ($image_used used)"
is "base named by the image's NVR" "$(lvf "$G/$want_nvr" lv_tags)" imgbased:base
is "layer active" "$(attr_char "$G/$want_nvr+1" 5)" a

lvchange -ay -K "$G/$want_nvr" >/dev/null 2>&1
pct=$(lvf "$G/$want_nvr" data_percent)
lvchange -an "$G/$want_nvr" >/dev/null 2>&1
mapped=$(awk -v p="$pct" -v s="$(lvf "$G/$want_nvr" lv_size)" 'BEGIN { printf "%d", p * s / 100 }')
diag "base maps $mapped bytes; the image's file system uses $image_used of $rootfs_size"
check "base maps <= 1.05 x the image's used bytes" test "$mapped" -le $(( image_used * 105 / 100 ))

mkdir -p /mnt/t
if mount -o ro "/dev/$G/var" /mnt/t; then
        check "/var volume holds the image's /var" test -d /mnt/t/lib/dpkg -o -d /mnt/t/lib
        umount /mnt/t
else
        fail "/var volume mounts"
fi
if mount -o ro "/dev/$G/$want_nvr+1" /mnt/t; then
        is "fstab: / is the layer" "$(awk '$2 == "/" {print $1}' /mnt/t/etc/fstab)" "/dev/$G/$want_nvr+1"
        check "layer has the OS" test -x /mnt/t/bin/sh -o -x /mnt/t/usr/bin/sh
        umount /mnt/t
else
        fail "layer mounts"
fi
is "nothing left mounted" "$(leftovers)" ""
rm -f "$BIG"
