#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes two node images from the full guest's rootfs, in the format
# ovirt-node-ng-image-update ships: a squashfs holding LiveOS/rootfs.img, an
# ext4 image of the OS.
#   node-v1.squashfs   NVR nodecon-node-4.5.0-0.20261101.0
#   node-v2.squashfs   NVR nodecon-node-4.5.1-0.20261120.0, /etc/node-release changed
# Each OS has /usr/share/imgbase/build/meta/nvr, IMAGE_VERSION in os-release,
# a pristine copy of /etc in
# /usr/share/factory/etc, the kernel and the node initrd in /boot, and an
# /etc/fstab without / (the layer gets its own), nodecon's units from dist/
# (nodecon-health.service before boot-complete.target, running the repo's
# nodectl through /usr/sbin/nodectl -> /share/nodectl) and, for the UEFI test
# node, boot-efi.mount (its ESP on /boot/efi; started by systemd.wants= on the
# kernel command line of the ESP's entries, so other boots never wait for it).
# Output: $CACHE/node-images-<hash>/ (symlink $CACHE/node-images); prints it.
#   NODECON_IMAGE_COMP   squashfs compressor (default lz4: the fastest to read under TCG)
set -eu
. "$(dirname "$0")/env.sh"

NVR_V1=nodecon-node-4.5.0-0.20261101.0
NVR_V2=nodecon-node-4.5.1-0.20261120.0
COMP=${NODECON_IMAGE_COMP:-lz4}

set_version() {
        local tree=$1 nvr=$2 version=$3
        mkdir -p "$tree/usr/share/imgbase/build/meta"
        printf '%s\n' "$nvr" > "$tree/usr/share/imgbase/build/meta/nvr"
        printf 'nodecon node %s (%s)\n' "$version" "$nvr" > "$tree/etc/node-release"
        # os-release's own fields for an image (/etc/os-release links to it)
        sed -i '/^IMAGE_\(ID\|VERSION\)=/d' "$tree/usr/lib/os-release"
        printf 'IMAGE_ID=nodecon-node\nIMAGE_VERSION=%s\n' "$version" >> "$tree/usr/lib/os-release"
        rm -rf "$tree/usr/share/factory/etc"
        mkdir -p "$tree/usr/share/factory"
        cp -a "$tree/etc" "$tree/usr/share/factory/etc"
}

# What a nodecon package would put into a node image.
install_nodecon() {
        local tree=$1
        install -D -m 644 "$REPO/dist/systemd/nodecon-health.service" \
                "$tree/usr/lib/systemd/system/nodecon-health.service"
        # the test node runs the nodectl built in the shared repo (its libraries are in the rootfs)
        mkdir -p "$tree/usr/sbin"
        ln -sfn /share/nodectl "$tree/usr/sbin/nodectl"
        mkdir -p "$tree/etc/systemd/system/boot-complete.target.requires" \
                "$tree/etc/systemd/system/multi-user.target.wants"
        ln -sf /usr/lib/systemd/system/nodecon-health.service \
                "$tree/etc/systemd/system/boot-complete.target.requires/nodecon-health.service"
        ln -sf /usr/lib/systemd/system/nodecon-health.service \
                "$tree/etc/systemd/system/multi-user.target.wants/nodecon-health.service"
        cat > "$tree/etc/systemd/system/boot-efi.mount" <<'EOF2'
[Unit]
Description=EFI System Partition of the UEFI test node
Before=local-fs.target

[Mount]
What=/dev/disk/by-partlabel/nodecon-esp
Where=/boot/efi
Type=vfat
Options=umask=0077
EOF2
}

make_image() {
        local tree=$1 out=$2 work used_mb
        work=$(mktemp -d "$(dirname "$out")/sq.XXXXXX")
        mkdir -p "$work/LiveOS"
        used_mb=$(du -sm "$tree" | cut -f1)
        truncate -s $((used_mb * 13 / 10 + 128))M "$work/LiveOS/rootfs.img"
        mkfs.ext4 -q -F -L noderoot -d "$tree" "$work/LiveOS/rootfs.img"
        mksquashfs "$work" "$out" -quiet -no-progress -comp "$COMP" -noappend >/dev/null
        rm -rf "$work"
}

build_images() {
        local out=$1 tree
        mkdir -p "$out"
        tree=$(mktemp -d "$out/tree.XXXXXX")
        tar -C "$tree" -xf "$rootfs"
        : > "$tree/etc/fstab"
        mkdir -p "$tree/boot"
        cp "$VMLINUZ" "$tree/boot/vmlinuz-$KVER"
        cp "$initrd" "$tree/boot/initrd.img-$KVER"
        install_nodecon "$tree"
        set_version "$tree" "$NVR_V1" 4.5.0
        make_image "$tree" "$out/node-v1.squashfs"
        set_version "$tree" "$NVR_V2" 4.5.1
        make_image "$tree" "$out/node-v2.squashfs"
        rm -rf "$tree"
        printf '%s\n%s\n' "$NVR_V1" "$NVR_V2" > "$out/nvrs"
}

kernel_ensure
rootfs=$("$NODE_DIR/rootfs.sh" | tail -n 1)
initrd=$("$NODE_DIR/node-initrd.sh" | tail -n 1)
key=$(inputs_hash "$NODE_DIR/images.sh" "$REPO/dist/systemd/nodecon-health.service" \
        -- "$(basename "$rootfs")" "$(basename "$initrd")" "$COMP" \
        "$(pkg_versions e2fsprogs squashfs-tools)")
dest=$CACHE/node-images-$key
cached_build "$dest" build_images
ln -sfn "$(basename "$dest")" "$CACHE/node-images"
prune_siblings "$dest" "$CACHE/node-images-"
echo "$dest"
