/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

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
};

/* Checks that path is a node image and reads its NVR.  Changes nothing on the
 * node (mounts read-only under the run dir and unmounts before returning).
 * Errors, each with one sentence: -ENOENT no such file, -EACCES unreadable,
 * -EMEDIUMTYPE not a squashfs / no LiveOS/rootfs.img / not ext4 or xfs,
 * -ENODATA no NVR file in the image, -EINVAL NVR malformed. */
int node_image_inspect(const struct node_context *ctx, const char *path, struct node_image_info *info,
                       struct node_error *e);
