/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"
#include "install.h"


struct node_init_opts {
        const char *vg;              /* the volume group to lay out (required) */
        const char *image;           /* node image to install as the first base, or */
        const char *adopt_lv;        /* existing root LV (VG/LV or LV) to adopt, like imgbase layout --init */
        uint64_t pool_size_bytes;    /* 0: all free space of the VG less room for metadata and a margin */
        uint64_t var_size_bytes;     /* 0: 1 GiB; the /var volume shared by all layers */
        node_progress_fn progress;
        void *userdata;
};

struct node_init_result {
        char base[256];              /* LV name of the base made */
        char layer[256];             /* LV name of the first layer, "NVR+1" */
};

/* Creates the node layout on a VG that has no layout yet: tags the VG
 * (imgbased:vg), makes the thin pool (imgbased:pool), the base from the image
 * (or the adopted LV), its first layer NVR+1 and the /var volume.  On any
 * failure everything it made is removed again and the VG's tags restored.
 * Errors: -ENOENT no such VG, -EEXIST the VG already has a layout,
 * -ENOSPC not enough free space, and those of node_image_inspect(). */
int node_init(const struct node_context *ctx, const struct node_init_opts *opts,
              struct node_init_result *result, struct node_error *e);

/* Adds the next layer NVR+N (N = highest + 1) on a base (NULL: the newest)
 * as a thin snapshot; its filesystem gets a new UUID.  Refuses when the pool
 * is full.  new_layer receives the LV name. */
int node_layer_add(const struct node_context *ctx, const char *base_nvr, char *new_layer, size_t size,
                   struct node_error *e);
