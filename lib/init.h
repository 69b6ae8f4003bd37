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

struct node_layer_add_result {
        char layer[256];             /* LV name of the layer made, "NVR+N" */
        char entry[256];             /* its boot entry id; "" when none was written */
        char no_entry_reason[1024];  /* why none was written (no boot loader found); "" when one was */
};

/* Adds the next layer NVR+N (N = highest + 1) on a base (NULL: the newest)
 * as a thin snapshot; its filesystem gets a new UUID.  Refuses when the pool
 * is full.  Like imgbased's boot hook for a new layer, it then writes the
 * layer's boot entry (node_layer_boot_entry_write(): the kernel in the
 * layer's /boot) without making it the default; a node without a boot loader
 * (node_boot_detect() finds none) gets the layer without an entry, and
 * no_entry_reason says why.  Until the entry is written the layer is tagged
 * nodecon:partial, so a kill in between leaves what nodectl check names and
 * --repair removes; any failure removes the entry and the layer again.
 * Fault points add-layer.layer and add-layer.entry (lib/fault.h). */
int node_layer_add(const struct node_context *ctx, const char *base_nvr, struct node_layer_add_result *result,
                   struct node_error *e);
