#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the tiny node images the LVM guest cases install, inspect and reject,
# cached under $CACHE/test-images (a symlink to a directory keyed by this
# script's hash, so an edit here rebuilds them).  Takes a few seconds, no root.
#
#   tiny-v1.squashfs   valid: ext4 rootfs.img, NVR nodecon-node-4.5.0-0.20261101.0,
#                      /etc, /var/lib/nodecon-test/hello.txt, 4 MiB of random data
#   tiny-v2.squashfs   valid: NVR nodecon-node-4.5.1-0.20261120.0, changed /etc/node-release
#   tiny-v0.squashfs   valid: NVR nodecon-node-4.4.9-0.20261001.0 (older than v1)
#   (each valid image has a stand-in kernel and initrd in /boot, so an upgrade can write its boot entry)
#   not-squashfs.img   a text file
#   no-rootfs.squashfs a squashfs without LiveOS/rootfs.img
#   no-nvr.squashfs    rootfs.img without the NVR file
#   bad-nvr.squashfs   rootfs.img whose NVR is malformed
#   not-fs.squashfs    rootfs.img that is no file system
#
# Prints the directory.
set -eu
. "$(dirname "$0")/env.sh"

NVR_V1=nodecon-node-4.5.0-0.20261101.0
NVR_V2=nodecon-node-4.5.1-0.20261120.0
NVR_V0=nodecon-node-4.4.9-0.20261001.0
KVER_TINY=6.1.0-tiny-amd64
ROOTFS_SIZE=48M

# A small OS tree: what nodectl init needs to find in an image.
make_tree() {
        local tree=$1 nvr=$2 release=$3
        mkdir -p "$tree/usr/share/imgbase/build/meta" "$tree/etc" "$tree/var/lib/nodecon-test" \
                "$tree/var/log" "$tree/var/tmp" "$tree/usr/bin" "$tree/boot" "$tree/home" "$tree/tmp"
        [ -n "$nvr" ] && printf '%s\n' "$nvr" > "$tree/usr/share/imgbase/build/meta/nvr"
        printf 'NAME="nodecon node"\nVERSION="%s"\nPRETTY_NAME="nodecon node %s"\n' "$release" "$release" \
                > "$tree/etc/os-release"
        printf 'nodecon node %s\n' "$release" > "$tree/etc/node-release"
        # like a real image: no line for / or /var, the layer gets its own
        printf '# /etc/fstab of the image\n' > "$tree/etc/fstab"
        printf 'root:x:0:0:root:/root:/bin/sh\n' > "$tree/etc/passwd"
        printf 'hello from /var of %s\n' "$nvr" > "$tree/var/lib/nodecon-test/hello.txt"
        printf 'kernel of %s\n' "$nvr" > "$tree/boot/vmlinuz-$KVER_TINY"
        printf 'initrd of %s\n' "$nvr" > "$tree/boot/initrd.img-$KVER_TINY"
        # incompressible data, so pool growth after init can be told apart from the image size
        head -c 4194304 /dev/urandom > "$tree/usr/bin/payload"
}

make_rootfs() {
        local tree=$1 img=$2
        rm -f "$img"
        truncate -s "$ROOTFS_SIZE" "$img"
        mkfs.ext4 -q -F -L rootfs -d "$tree" "$img"
}

squash() {
        local dir=$1 out=$2
        mksquashfs "$dir" "$out" -comp gzip -noappend -quiet -no-progress -all-root >/dev/null
}

build() {
        local out=$1 w
        mkdir -p "$out"
        w=$(mktemp -d "${TMPDIR:-/tmp}/test-images.XXXXXX")

        make_tree "$w/t1" "$NVR_V1" 4.5.0
        mkdir -p "$w/s1/LiveOS"
        make_rootfs "$w/t1" "$w/s1/LiveOS/rootfs.img"
        squash "$w/s1" "$out/tiny-v1.squashfs"

        make_tree "$w/t2" "$NVR_V2" 4.5.1
        printf 'nodecon node 4.5.1 (changed)\n' > "$w/t2/etc/node-release"
        mkdir -p "$w/s2/LiveOS"
        make_rootfs "$w/t2" "$w/s2/LiveOS/rootfs.img"
        squash "$w/s2" "$out/tiny-v2.squashfs"

        make_tree "$w/t0" "$NVR_V0" 4.4.9
        mkdir -p "$w/s0/LiveOS"
        make_rootfs "$w/t0" "$w/s0/LiveOS/rootfs.img"
        squash "$w/s0" "$out/tiny-v0.squashfs"

        printf 'this is not a node image\n' > "$out/not-squashfs.img"

        mkdir -p "$w/s3/LiveOS"
        printf 'something else\n' > "$w/s3/LiveOS/other.img"
        squash "$w/s3" "$out/no-rootfs.squashfs"

        make_tree "$w/t4" "" 4.5.0
        mkdir -p "$w/s4/LiveOS"
        make_rootfs "$w/t4" "$w/s4/LiveOS/rootfs.img"
        squash "$w/s4" "$out/no-nvr.squashfs"

        make_tree "$w/t5" "nodecon node 4.5 (bad)" 4.5.0
        mkdir -p "$w/s5/LiveOS"
        make_rootfs "$w/t5" "$w/s5/LiveOS/rootfs.img"
        squash "$w/s5" "$out/bad-nvr.squashfs"

        mkdir -p "$w/s6/LiveOS"
        head -c 3145728 /dev/urandom > "$w/s6/LiveOS/rootfs.img"
        squash "$w/s6" "$out/not-fs.squashfs"
        rm -rf "$w"
}

key=$(inputs_hash "$0" -- "$(pkg_versions e2fsprogs squashfs-tools)")
dest=$CACHE/test-images-$key
cached_build "$dest" build
ln -sfn "$(basename "$dest")" "$CACHE/test-images"
echo "$CACHE/test-images"
