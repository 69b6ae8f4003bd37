/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

/* Putting a node image onto thin volumes: what node_init() and
 * node_upgrade() share.  Every helper changes one thing and the undo list
 * remembers it, so a failed run can take back all it made. */

/* Progress of a long operation: step is a short translated phrase ("Copying
 * the image"), fraction in [0,1] or < 0 when unknown.  Return non-zero to ask
 * for cancellation (honoured where undoing is safe). */
typedef int (*node_progress_fn)(const char *step, double fraction, void *userdata);

/* Where a long operation reports to and learns it should stop: the callback's
 * answer or *cancel (set from a signal handler) cancel it. */
struct node_reporter {
        node_progress_fn progress;
        void *userdata;
        volatile sig_atomic_t *cancel;
        const char *cancelled;       /* the sentence a cancellation leaves in the error */
};

/* Reports a step; -ECANCELED with r->cancelled when asked to stop. */
int node_report(const struct node_reporter *r, const char *step, double fraction, struct node_error *e);

/* What one run made, newest last, so a failure can take it back. */
struct node_undo {
        const struct node_context *ctx;
        const char *vg;
        char lvs[8][256];            /* created; removed newest first */
        size_t n_lvs;
        struct {
                char lv[256];        /* "" for the VG itself */
                const char *tag;
        } tags[8];                   /* added to things that existed before */
        size_t n_tags;
};

void node_undo_lv(struct node_undo *j, const char *lv);
void node_undo_tag(struct node_undo *j, const char *lv, const char *tag);
/* Best effort: each undo step runs even when an earlier one failed. */
void node_undo_roll_back(struct node_undo *j);

/* Runs a tool; exit codes up to ok_max count as success; doing completes
 * "Cannot %s" in the error. */
int node_run_tool(const char *const argv[], int ok_max, const char *doing, struct node_error *e);

/* Gives a file system a new random UUID (tune2fs -U random / xfs_admin -U generate). */
int node_fs_new_uuid(const char *device, const char *fstype, struct node_error *e);

/* A full check, then the file system grown to fill its volume. */
int node_fs_check_and_grow(const struct node_context *ctx, const char *device, const char *fstype,
                           struct node_error *e);

/* A full check (e2fsck -f -p / xfs_repair -n). */
int node_fs_check(const char *device, const char *fstype, struct node_error *e);

/* Writes source onto device, leaving out all-zero blocks (a fresh thin volume
 * reads as zeros already, and not writing them keeps the pool from allocating
 * them).  Reports step with the fraction done; cancellable between blocks. */
int node_copy_sparse(const char *source, const char *device, const struct node_reporter *rep, const char *step,
                     struct node_error *e);

/* Makes layer VG/name as a thin snapshot of base, activatable like any
 * writable volume, with its own file system UUID and an fstab naming it (and
 * the /var volume with with_var).  extra_tag (may be NULL) is added too. */
int node_layer_make(const struct node_context *ctx, struct node_undo *j, const char *vg, const char *base,
                    const char *name, bool with_var, const char *extra_tag, struct node_error *e);

/* Rewrites etc/fstab below root (a layer's mounted file system): the lines
 * for / and /var are replaced by ones naming the layer and the shared /var
 * volume (var_device, NULL: none) by their /dev/VG/LV paths, as imgbased
 * does; every other line is kept. */
int node_fstab_rewrite(const char *root, const char *layer, const char *layer_device, const char *fstype,
                       const char *var_device, struct node_error *e);

/* Writes the boot entry of a new layer VG/layer of base nvr (titled
 * "NVR (LAYER)"): the newest kernel and its initrd found in root_dir/boot (the
 * layer's file system, mounted), options those of the booted layer's entry with
 * the layer's own root=, rd.lvm.lv= and img.bootid=.  What node_upgrade() and
 * node_layer_add() share; the boot default is not changed.  id receives the
 * entry id.  Errors of node_image_find_kernel() and node_boot_entry_write()
 * (-ENOENT also when no boot loader is found: node_boot_detect()). */
int node_layer_boot_entry_write(const struct node_context *ctx, const char *vg, const char *nvr, const char *layer,
                                const char *root_dir, char *id, size_t size, struct node_error *e);

/* Bases are never written after they are made: read-only, skipped by
 * automatic activation, inactive. */
int node_base_protect(const struct node_context *ctx, const char *vg, const char *base, struct node_error *e);

/* The name imgbased gives the /var volume. */
#define NODE_VAR_VOLUME "var"
