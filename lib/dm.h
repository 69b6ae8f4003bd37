/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Thin pool usage straight from the kernel through libdevmapper: exact block
 * counts, where lvs only reports rounded percentages. */

struct node_thin_pool_status {
        uint64_t transaction_id;
        uint64_t used_metadata_blocks, total_metadata_blocks;
        uint64_t used_data_blocks, total_data_blocks;
        double data_percent, metadata_percent;
        bool failed;               /* the kernel put the pool in "Fail" mode */
        bool read_only;            /* metadata switched to read-only (errors) */
        bool out_of_data_space;
        bool needs_check;          /* thin_check must run before the next activation */
};

/* Parses the status of a thin-pool target as the kernel reports it:
 *   "<transaction> <used_meta>/<total_meta> <used_data>/<total_data> <held_root>
 *    rw|ro|out_of_data_space [no_]discard_passdown error|queue_if_no_space
 *    needs_check|- [<metadata_low_watermark>]"
 * or "Fail".  A whole `dmsetup status` line ("<name>: <start> <length>
 * thin-pool ...") or one without the name is accepted as well.  -EBADMSG when
 * the text is not a thin-pool status. */
int node_dm_parse_thin_pool_status(const char *text, struct node_thin_pool_status *status,
                                   struct node_error *e);

/* The device-mapper name LVM gives VG/LV, optionally with a layer suffix such
 * as "tpool": dashes inside each part are doubled, parts joined by one dash.
 * -ENAMETOOLONG when buf is too small. */
int node_dm_name(const char *vg, const char *lv, const char *layer, char *buf, size_t size,
                 struct node_error *e);

/* Reads the status of the thin pool VG/POOL from the kernel: the "-tpool"
 * device first (the pool once thin volumes exist), then the bare pool name.
 * -ENODEV when the kernel has no device-mapper, -ENOENT when the pool is not
 * active, -EMEDIUMTYPE when the device is no thin pool, -EIO when the kernel
 * refuses, -EBADMSG for an odd status.
 * libdevmapper's own messages are silenced: errors come back through e. */
int node_dm_thin_pool_status(const char *vg, const char *pool, struct node_thin_pool_status *status,
                             struct node_error *e);
