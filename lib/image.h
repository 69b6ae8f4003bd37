/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* A node image as ovirt-node-ng-image-update ships it: a squashfs file whose
 * LiveOS/rootfs.img is a filesystem image (ext4 or xfs) of the OS; the OS's
 * version is the NVR in /usr/share/imgbase/build/meta/nvr inside it. */

#define NODE_IMAGE_ROOTFS "LiveOS/rootfs.img"
#define NODE_IMAGE_NVR_FILE "/usr/share/imgbase/build/meta/nvr"

struct node_image_info {
        char nvr[256];
        char fstype[16];             /* "ext4" or "xfs" */
        uint64_t rootfs_size_bytes;  /* apparent size of rootfs.img */
        uint64_t rootfs_used_bytes;  /* bytes its file system has in use (superblock figures) */
        char kernel_version[128];    /* of the newest kernel in its /boot, "" when it has none */
};

/* Checks that path is a node image and reads its NVR.  Changes nothing on the
 * node (mounts read-only under the run dir and unmounts before returning).
 * Errors, each with one sentence: -ENOENT no such file, -EACCES unreadable,
 * -EMEDIUMTYPE not a squashfs / no LiveOS/rootfs.img / not ext4 or xfs,
 * -ENODATA no NVR file in the image, -EINVAL NVR malformed. */
int node_image_inspect(const struct node_context *ctx, const char *path, struct node_image_info *info,
                       struct node_error *e);

/* Reads the superblock of a file system image or block device: fstype gets
 * "ext4" (any ext2/3/4) or "xfs", *used_bytes what the file system has in use
 * (may be NULL).  -EMEDIUMTYPE when it is neither. */
int node_fs_probe(const char *path, char *fstype, size_t fstype_size, uint64_t *used_bytes,
                  struct node_error *e);

/* Reads and checks NODE_IMAGE_NVR_FILE below root_dir (a mounted root file
 * system); what names the file system in messages ("the image x.squashfs").
 * -ENODATA no NVR file, -EINVAL malformed. */
int node_image_read_nvr(const char *root_dir, const char *what, char *nvr, size_t size, struct node_error *e);

struct node_kernel {
        char version[128];           /* "6.1.0-18-amd64" */
        char kernel[4096];           /* root_dir/boot/vmlinuz-VERSION */
        char initrd[4096];           /* its initrd, "" when there is none */
};

/* The newest kernel (rpm version order) in root_dir/boot: vmlinuz-VERSION with
 * initramfs-VERSION.img (RHEL), initrd.img-VERSION (Debian) or
 * initrd-VERSION.img as its initrd.  -ENOENT when there is no kernel. */
int node_image_find_kernel(const char *root_dir, struct node_kernel *k, struct node_error *e);
