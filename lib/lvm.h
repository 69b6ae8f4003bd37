/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* Thin wrappers over the lvm program (node_context_lvm()), one lvm process per
 * call.  Reports are read with --reportformat json and byte units.  Names that
 * come from outside are checked with node_lvm_name_valid() before they reach
 * an argv, so a name can never be taken for an option.  Every failure carries
 * one sentence ending with lvm's own last stderr line. */

/* LVM's name rules (node_lv_name_valid() of nvr.h): [a-zA-Z0-9+_.-], not starting with '-',
 * at most 127 characters, none of the names LVM reserves for hidden volumes. */
bool node_lvm_name_valid(const char *name);

struct node_vg_info {
        char name[128];
        char tags[1024];          /* comma-separated, as lvm reports them */
        uint64_t size_bytes;
        uint64_t free_bytes;
        uint64_t extent_bytes;
        unsigned pv_count;
        unsigned lv_count;
};

/* -ENOENT when the VG does not exist, -EBADMSG when lvm's report is unreadable,
 * -EIO when vgs failed otherwise. */
int node_lvm_vg_info(const struct node_context *ctx, const char *vg, struct node_vg_info *info,
                     struct node_error *e);

struct node_lv_info {
        char name[128];
        char tags[1024];
        char pool[128];           /* thin pool, "" when not a thin LV */
        char origin[128];         /* snapshot origin, "" when none */
        char segtype[32];         /* "thin", "thin-pool", "linear", ... */
        char path[300];           /* /dev/VG/LV */
        uint64_t size_bytes;
        bool active;
        bool read_only;
        bool activation_skip;
};

/* All LVs of a VG (hidden ones excluded).  *lvs is malloc'ed, free() it. */
int node_lvm_list_lvs(const struct node_context *ctx, const char *vg, struct node_lv_info **lvs,
                      size_t *n, struct node_error *e);

/* One LV; -ENOENT when it does not exist. */
int node_lvm_lv_info(const struct node_context *ctx, const char *vg, const char *lv,
                     struct node_lv_info *info, struct node_error *e);

/* true when the comma-separated tag list holds exactly tag. */
bool node_lvm_tags_have(const char *tags, const char *tag);

/* Creates thin pool VG/pool of data_bytes with a metadata LV of metadata_bytes
 * (0: lvm's default); tag may be NULL. */
int node_lvm_create_thin_pool(const struct node_context *ctx, const char *vg, const char *pool,
                              uint64_t data_bytes, uint64_t metadata_bytes, const char *tag,
                              struct node_error *e);

/* Creates thin LV VG/name of virtual_bytes in VG/pool; active afterwards. */
int node_lvm_create_thin(const struct node_context *ctx, const char *vg, const char *pool,
                         const char *name, uint64_t virtual_bytes, const char *tag,
                         struct node_error *e);

/* Thin snapshot VG/name of VG/origin (inactive, activation skip set: lvm's
 * default for thin snapshots). */
int node_lvm_create_snapshot(const struct node_context *ctx, const char *vg, const char *origin,
                             const char *name, const char *tag, struct node_error *e);

/* lv NULL: the tag goes on the VG itself. */
int node_lvm_add_tag(const struct node_context *ctx, const char *vg, const char *lv, const char *tag,
                     struct node_error *e);
int node_lvm_del_tag(const struct node_context *ctx, const char *vg, const char *lv, const char *tag,
                     struct node_error *e);

int node_lvm_set_read_only(const struct node_context *ctx, const char *vg, const char *lv, bool read_only,
                           struct node_error *e);
int node_lvm_set_activation_skip(const struct node_context *ctx, const char *vg, const char *lv, bool skip,
                                 struct node_error *e);

/* ignore_skip: -K, activates an LV that has the activation skip flag. */
int node_lvm_activate(const struct node_context *ctx, const char *vg, const char *lv, bool ignore_skip,
                      struct node_error *e);
int node_lvm_deactivate(const struct node_context *ctx, const char *vg, const char *lv,
                        struct node_error *e);

/* Removes VG/lv (forced: no question asked, active LVs are deactivated). */
int node_lvm_remove(const struct node_context *ctx, const char *vg, const char *lv, struct node_error *e);

int node_lvm_rename(const struct node_context *ctx, const char *vg, const char *old_name,
                    const char *new_name, struct node_error *e);

/* Writes "/dev/VG/LV" into buf. */
const char *node_lvm_lv_path(const char *vg, const char *lv, char *buf, size_t size);
