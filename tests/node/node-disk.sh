#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes a node disk the way an installer would: in the LVM guest, an 8 GiB
# sparse disk becomes VG "onn" and `nodectl init --image node-v1.squashfs onn`
# lays the node out on it (thin pool, base, first layer, /var).
# Output: $CACHE/node-disk-<hash>/disk.img and .../layer (the layer's LV name),
# keyed by the image and the nodectl binary (symlink $CACHE/node-disk).
# Prints the directory.  Needs nodectl built at the repo root (make).
#   --manual   lay the node out with lvm commands the way imgbased does instead
#              of nodectl init (to test the rig while nodectl init is broken);
#              cached separately, $CACHE/manual-node-disk
set -eu
. "$(dirname "$0")/env.sh"

SIZE=8G

# imgbased's layout by hand: tagged VG and pool, read-only base with activation
# skip, a layer NVR+1 with its own fs UUID, a /var volume in the layer's fstab.
MANUAL_LAYOUT='
set -e
dd if=/dev/vdb of=/tmp/node.squashfs bs=4M 2>/dev/null
mkdir -p /tmp/sq /tmp/os /tmp/var
mount -t squashfs -o loop,ro /tmp/node.squashfs /tmp/sq
nvr=$(debugfs -R "cat /usr/share/imgbase/build/meta/nvr" /tmp/sq/LiveOS/rootfs.img 2>/dev/null)
[ -n "$nvr" ]
size=$(stat -c %s /tmp/sq/LiveOS/rootfs.img)
pvcreate -q -y /dev/vda
vgcreate -q --addtag imgbased:vg onn /dev/vda
lvcreate -q -y --type thin-pool -l 90%FREE -n pool00 --addtag imgbased:pool onn
lvcreate -q -y -V ${size}b --thin -n "$nvr" --addtag imgbased:base onn/pool00
dd if=/tmp/sq/LiveOS/rootfs.img of="/dev/onn/$nvr" bs=4M 2>/dev/null
umount /tmp/sq
lvchange -q --permission r --setactivationskip y "onn/$nvr"
lvcreate -q -y -s -kn -n "$nvr+1" --addtag imgbased:layer "onn/$nvr"
lvchange -q -ay "onn/$nvr+1"
lvchange -q -an "onn/$nvr"
e2fsck -fy "/dev/onn/$nvr+1" >/dev/null 2>&1 || true
tune2fs -U random "/dev/onn/$nvr+1" >/dev/null
lvcreate -q -y -V 1G --thin -n var --addtag imgbased:volume onn/pool00
mkfs.ext4 -q -L var /dev/onn/var
mount "/dev/onn/$nvr+1" /tmp/os
mount /dev/onn/var /tmp/var
cp -a /tmp/os/var/. /tmp/var/
printf "/dev/onn/%s / ext4 defaults 0 1\n/dev/onn/var /var ext4 defaults 0 2\n" "$nvr+1" > /tmp/os/etc/fstab
umount /tmp/var /tmp/os
'

build_disk() {
        local out=$1 log
        mkdir -p "$out"
        truncate -s "$SIZE" "$out/disk.img"
        log=$out/build.log
        # The image goes in as a second virtio disk and is copied to tmpfs:
        # reading it over 9p under TCG is several times slower.
        local rc attempt
        for attempt in 1 2 3; do
                rc=0
                "$NODE_DIR/lvm-guest.sh" --mem 2048 --timeout 1500 --log "$log" --env "LAYOUT=$layout" \
                        --attach "$out/disk.img" --attach-ro "$image" -- sh -c '
                        set -e
                        eval "$LAYOUT"
                        lvs -a -o lv_name,lv_attr,lv_size,origin,lv_tags onn
                        layer=$(lvs --noheadings -o lv_name -S "lv_tags=imgbased:layer" onn | tr -d " ")
                        [ -n "$layer" ]
                        echo "=== LAYER $layer"
                        vgchange -q -an onn
                        sync' > /dev/null 2> "$out/rig.log" || rc=$?
                cat "$out/rig.log" >&2
                guest_stalled "$rc" "$out/rig.log" && [ $attempt -lt 3 ] || break
                # the disk is half written: start from an empty one
                say "node disk: building again on a fresh disk (attempt $((attempt + 1)) of 3)"
                rm -f "$out/disk.img"
                truncate -s "$SIZE" "$out/disk.img"
        done
        rm -f "$out/rig.log"
        if [ $rc -ne 0 ]; then
                tail -n 40 "$log" >&2
                cp "$log" "$REPO/build/node-disk-failed.log" 2>/dev/null || true
                return $rc
        fi
        sed -n 's/^=== LAYER \(.*\)$/\1/p' "$log" | tr -d '\r' > "$out/layer"
        [ -s "$out/layer" ] || { say "no layer name in $log"; return 1; }
}

imgdir=$("$NODE_DIR/images.sh" | tail -n 1)
image=$imgdir/node-v1.squashfs
if [ "${1:-}" = --manual ]; then
        layout=$MANUAL_LAYOUT
        key=$(inputs_hash "$NODE_DIR/node-disk.sh" -- "$(basename "$imgdir")" "$SIZE")
        dest=$CACHE/manual-node-disk-$key
        link=$CACHE/manual-node-disk
else
        [ -x "$REPO/nodectl" ] || die "build nodectl first (make): $REPO/nodectl is missing"
        # a device, not a file on 9p: loop-mounting over 9p is slow under TCG
        layout='dd if=/dev/vdb of=/tmp/node-v1.squashfs bs=4M 2>/dev/null
                pvcreate -q -y /dev/vda
                vgcreate -q onn /dev/vda
                nodectl init --image /tmp/node-v1.squashfs onn'
        key=$(inputs_hash "$NODE_DIR/node-disk.sh" "$REPO/nodectl" -- "$(basename "$imgdir")" "$SIZE")
        dest=$CACHE/node-disk-$key
        link=$CACHE/node-disk
fi
cached_build "$dest" build_disk
ln -sfn "$(basename "$dest")" "$link"
prune_siblings "$dest" "$link-"
echo "$dest"
