/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* Mounted removable media (USB sticks, SD cards): where a support bundle can
 * be carried off the node when the network is down.  Read from
 * /proc/self/mountinfo and /sys/dev/block, both under ctx->root. */

struct node_medium {
        char mount_point[4096];  /* as the node sees it (without ctx->root) */
        char device[256];       /* "/dev/sdb1" */
        char fstype[32];
};

/* A device counts when it (or the disk it is a partition of) says removable,
 * or hangs off a USB bus.  Read-only mounts are left out. */
int node_removable_media(const struct node_context *ctx, struct node_medium **media, size_t *n, struct node_error *e);
