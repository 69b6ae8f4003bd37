/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The image layout of a node as imgbased defines it (DESIGN.md §1): one VG
 * tagged imgbased:vg, a thin pool tagged imgbased:pool, read-only bases named
 * by NVR (imgbased:base), writable layers "NVR+N" (imgbased:layer), shared
 * volumes such as /var (imgbased:volume) and possibly the installer's root
 * (imgbased:init).  Tags decide what an LV is; names are only parsed. */

#define NODE_TAG_VG     "imgbased:vg"
#define NODE_TAG_POOL   "imgbased:pool"
#define NODE_TAG_BASE   "imgbased:base"
#define NODE_TAG_LAYER  "imgbased:layer"
#define NODE_TAG_INIT   "imgbased:init"
#define NODE_TAG_VOLUME "imgbased:volume"

enum node_lv_kind {
        NODE_LV_OTHER,
        NODE_LV_POOL,
        NODE_LV_BASE,
        NODE_LV_LAYER,
        NODE_LV_INIT,
        NODE_LV_VOLUME,
};

struct node_lv {
        char *name;
        char *tags;               /* comma-separated, as lvs reports them */
        char *origin;             /* snapshot origin, "" if none */
        char *pool;               /* thin pool, "" if not thin */
        char *time;               /* creation time as lvs reports it */
        char *path;               /* /dev/VG/LV */
        enum node_lv_kind kind;
        uint64_t size_bytes;
        double data_percent;      /* < 0 when lvs does not know (inactive) */
        bool active;
        bool read_only;
        bool activation_skip;
        int kernel_major, kernel_minor;  /* -1 when inactive */
};

struct node_layer {
        struct node_lv lv;
        char *nvr;                /* of the base it was made from */
        unsigned number;          /* the N in NVR+N */
        bool booted;
        bool boot_default;
};

struct node_base {
        struct node_lv lv;
        char *nvr;
        struct node_layer *layers;  /* ordered by number */
        size_t n_layers;
        bool missing;               /* no such LV: only its layers are left (lv holds
                                       just the name, sizes 0, kernel numbers -1) */
};

struct node_pool {
        char *name;
        uint64_t size_bytes;
        uint64_t metadata_size_bytes;
        double data_percent;
        double metadata_percent;
        bool usage_from_dm;        /* true: read from the kernel through libdevmapper */
        bool full;                 /* data or metadata at 100% */
        bool active;
};

struct node_layout {
        char *vg;
        uint64_t vg_size_bytes, vg_free_bytes;
        struct node_pool pool;
        struct node_base *bases;    /* ordered by NVR like rpm, oldest first; a layer
                                       whose base LV is gone hangs under a base
                                       flagged missing */
        size_t n_bases;
        struct node_lv *volumes;    /* imgbased:volume */
        size_t n_volumes;
        struct node_lv *init_lv;    /* imgbased:init, NULL if none */
        struct node_lv *others;     /* untagged LVs in the VG, and tagged ones that fit
                                       nowhere: a layer not named NVR+N (kind stays
                                       NODE_LV_LAYER), a second imgbased:init LV */
        size_t n_others;
        struct node_layer *booted;        /* NULL: not booted from a layer of this VG */
        struct node_layer *boot_default;  /* NULL: unknown */
};

/* The lvs invocation node_layout_read() runs (one process for the whole
 * layout); exposed so tests and benchmarks can compare against it. */
extern const char *const NODE_LVS_FIELDS;

/* Reads the whole layout with a single lvs call, then the pool usage from the
 * kernel, the booted layer and the boot default.  Errors: -ENOENT no such VG
 * or no VG tagged imgbased:vg, -EMEDIUMTYPE VG without the imgbased tags or
 * pool, -EBADMSG unparseable lvs output, -EIO lvs failed. */
int node_layout_read(const struct node_context *ctx, struct node_layout **out, struct node_error *e);

/* Pure part of the above: builds the layout from lvs' JSON report.  vg may be
 * NULL (then the VG tagged imgbased:vg is taken). */
int node_layout_from_lvs_json(const char *json, const char *vg, struct node_layout **out,
                              struct node_error *e);

/* Marks the booted layer: img.bootid=LAYER on the kernel command line wins,
 * else the layer whose device number is root_major:root_minor (-1: unknown). */
void node_layout_mark_booted(struct node_layout *l, const char *cmdline, int root_major, int root_minor);

/* The device number of the filesystem mounted on MOUNT_POINT (the last mount
 * there wins, as it hides the others); false when unknown. */
bool node_mounted_device(const struct node_context *ctx, const char *mount_point, int *major, int *minor);

/* Marks the boot default layer by name (NULL: unknown). */
void node_layout_mark_default(struct node_layout *l, const char *layer_name);

/* Lookups by LV name; NULL if absent. */
struct node_layer *node_layout_find_layer(const struct node_layout *l, const char *name);
struct node_base *node_layout_find_base(const struct node_layout *l, const char *nvr);
/* The newest base (highest NVR), NULL if none. */
struct node_base *node_layout_latest_base(const struct node_layout *l);

void node_layout_free(struct node_layout *l);
static inline void node_layout_freep(struct node_layout **l) { if (*l) node_layout_free(*l); }
#define _cleanup_layout_ __attribute__((cleanup(node_layout_freep)))
