/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"
#include "etc.h"
#include "install.h"

/* Moving a node to a new image (DESIGN.md §1, §3): a new read-only base
 * filled from the image, its first layer NVR+1, /etc carried over from the
 * layer that runs now, a boot entry, and last, in one atomic rename, the new
 * boot default.  Every step can be undone; a failure or a cancellation takes
 * back everything the run made and leaves the boot default alone.
 * Callers hold the node lock (lock.h). */

/* LV tag of a base or layer an upgrade is still making: what a run killed
 * before its end leaves behind carries it, and the next upgrade removes it. */
#define NODE_TAG_PARTIAL "nodecon:partial"

/* keep_images = N in this file (under ctx->root) says how many images
 * (bases) an upgrade keeps; the default is NODE_KEEP_IMAGES_DEFAULT. */
#define NODE_CONFIG_FILE "/etc/nodecon/nodecon.conf"
#define NODE_KEEP_IMAGES_DEFAULT 2u

/* Where the list of carried /etc files goes (under ctx->root):
 * NODE_UPGRADE_LOG_DIR/upgrade-<layer>-etc.log */
#define NODE_UPGRADE_LOG_DIR "/var/log/nodecon"

/* The steps, in order, as the fault hook names them. */
#define NODE_UPGRADE_STEPS "leftovers", "base", "copy", "grow", "uuid", "protect", "layer", "etc", "kernel", \
                           "finish", "default", "keep"

struct node_upgrade_opts {
        const char *image;            /* path of the node image (squashfs with LiveOS/rootfs.img) */
        const char *sha256;           /* expected digest, 64 hex digits; NULL: IMAGE.sha256 when it exists */
        bool force;                   /* allow an NVR older than (or equal to) an installed one */
        bool dry_run;                 /* check and plan only: nothing is changed */
        unsigned keep;                /* images to keep; 0: the config file's keep_images */
        int tries;                    /* > 0: the new layer becomes the default on trial for this many
                                         boots (node_boot_set_default_trial), else for good */
        node_progress_fn progress;
        void *userdata;
        volatile sig_atomic_t *cancel;/* set (e.g. from a signal handler) to cancel */
        const char *fault;            /* test hook: "STEP" fails at that step, "term:STEP"
                                         raises SIGTERM there, "kill:STEP" SIGKILL, "stop:STEP"
                                         SIGSTOP (the test continues it and kills QEMU) */
};

struct node_upgrade_result {
        char nvr[256];                /* of the image */
        char from_layer[256];         /* the layer /etc was carried from (booted, else default) */
        char base[256];               /* the base made */
        char layer[256];              /* the layer made, now the boot default */
        char entry[256];              /* its boot entry id */
        char kernel_version[128];
        char etc_log[4096];           /* the log of carried files ("" in a dry run) */
        struct node_etc_plan etc;     /* what was (or would be) carried over */
        char removed[16][256];        /* layers removed by the keep-N cleanup */
        size_t n_removed;
        char cleanup_warning[1024];   /* the cleanup's failure: the upgrade itself succeeded */
        char leftovers[8][256];       /* LVs of an interrupted upgrade that were removed first */
        size_t n_leftovers;
        uint64_t image_used_bytes;
        unsigned keep;
};

/* Upgrades the node to opts->image.  Preflight, each failure one sentence and
 * nothing changed: the image is a valid node image with a kernel, its NVR is
 * newer than every installed base (opts->force: any NVR not installed), its
 * SHA-256 matches, the pool has room for its data and metadata with a margin,
 * there is a /var volume, a boot loader and a layer to carry /etc from.
 * Errors: -EMEDIUMTYPE/-ENODATA/-EINVAL/-EACCES bad image, -EBADE digest
 * mismatch, -ESTALE NVR not newer, -EEXIST base already installed, -ENOSPC,
 * -ECANCELED cancelled, and those of lvm, mount and boot. */
int node_upgrade(const struct node_context *ctx, const struct node_upgrade_opts *opts,
                 struct node_upgrade_result *result, struct node_error *e);
void node_upgrade_result_free(struct node_upgrade_result *result);

/* keep_images from NODE_CONFIG_FILE; NODE_KEEP_IMAGES_DEFAULT when the file
 * or the key is absent.  -EINVAL (one sentence) for a bad value. */
int node_upgrade_keep_images(const struct node_context *ctx, unsigned *keep, struct node_error *e);

/* Checks path's SHA-256 against expected (64 hex digits, any case), or, when
 * expected is NULL, against path.sha256 (sha256sum's format: "HEX  NAME") if
 * that file exists.  *checked says whether a digest was compared.  -EBADE on
 * a mismatch, -EINVAL for a malformed digest. */
int node_image_verify_sha256(const char *path, const char *expected, bool *checked, struct node_error *e);
