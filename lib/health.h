/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "boot.h"
#include "context.h"
#include "error.h"
#include "layout.h"

/* `nodectl check`: checks of a node that can fail, each with a status and one
 * sentence, and the leftovers of an interrupted upgrade, which --repair
 * removes.  Reading never changes anything; repairing needs the node lock
 * (lock.h), taken by the caller. */

/* LV tag of a base or layer an upgrade is still making (shared with
 * upgrade.h; identical redefinitions are fine in C). */
#define NODE_TAG_PARTIAL "nodecon:partial"
/* health_services = UNIT... in this file (under ctx->root) names the services
 * that must be running; shared with the upgrade's keep_images. */
#define NODE_CONFIG_FILE "/etc/nodecon/nodecon.conf"

/* Pool usage from which the pool check warns, and fails. */
#define NODE_HEALTH_POOL_WARN_PERCENT 80.0
#define NODE_HEALTH_POOL_FAIL_PERCENT 95.0

enum node_health_status {
        NODE_HEALTH_OK,
        NODE_HEALTH_WARN,    /* needs the admin's attention; the node works (exit 0) */
        NODE_HEALTH_FAILED,  /* the node is not healthy (exit 1; a new layer's boot is not marked good) */
};

struct node_health_item {
        char check[16];      /* layout, booted, boot-entries, pool, autoextend, var, leftovers, services */
        enum node_health_status status;
        char message[640];   /* one sentence */
};

enum node_leftover_kind {
        NODE_LEFTOVER_BOOT,  /* boot entries and /boot/<name>/ files of a layer that is gone or unfinished */
        NODE_LEFTOVER_LV,    /* an LV tagged nodecon:partial */
};

struct node_leftover {
        enum node_leftover_kind kind;
        char name[256];      /* the LV, or the layer the boot files are of */
};

struct node_health_report {
        struct node_health_item *items;      /* in check order, at least one per check */
        size_t n_items;
        struct node_leftover *leftovers;     /* boot files first, then layers, then bases */
        size_t n_leftovers;
        enum node_health_status status;      /* the worst item */
};

/* What the checks look at; node_health_gather() fills it from the node, unit
 * tests by hand. */
struct node_health_facts {
        const struct node_layout *layout;
        const char *cmdline_bootid;          /* img.bootid= on /proc/cmdline, NULL when none */
        const struct node_boot_entry *entries;
        size_t n_entries;
        const char *entries_error;           /* why entries could not be read, NULL when they could */
        const char *default_layer;           /* img.bootid= of the default entry, NULL when unknown */
        char **boot_dirs;                    /* names of /boot, /boot/efi, /efi subdirectories named NVR+N */
        size_t n_boot_dirs;
        bool var_mounted;
        int var_major, var_minor;
        int autoextend_threshold;            /* lvm.conf's activation/thin_pool_autoextend_threshold, -1 unknown */
        const char *autoextend_error;        /* why it is unknown */
        char **services;                     /* health_services of the config file */
        char **service_states;               /* as systemctl is-active prints them; NULL: systemd not running */
        size_t n_services;
        const char *services_error;          /* the config file could not be read */
        bool lock_busy;                      /* another changing operation is running */
};

/* The pure verdict: fills report from facts.  -ENOMEM only. */
int node_health_evaluate(const struct node_health_facts *facts, struct node_health_report *report,
                         struct node_error *e);

/* Gathers the facts of this node (ctx->root applies to /proc, /boot, /etc);
 * lock_held: the caller holds the node lock (else a held lock is reported as
 * another operation running).  Errors of node_layout_read() are returned; any
 * other fact that cannot be read becomes a WARN of its check. */
int node_health_check(const struct node_context *ctx, bool lock_held, struct node_health_report *report,
                      struct node_error *e);

/* Removes report's leftovers (boot files, then LVs), re-checking first, from
 * a fresh lvs, that each LV is still tagged nodecon:partial and that neither
 * it nor the layer of boot files runs or is the boot default.  removed (room
 * for report->n_leftovers) receives what went, also when a removal fails
 * (then it stops there).  The caller holds the node lock. */
int node_health_repair(const struct node_context *ctx, const struct node_health_report *report,
                       struct node_leftover *removed, size_t *n_removed, struct node_error *e);

/* The record of this boot's verdict (NODE_HEALTH_RECORD_DIR/<layer>, boot.h)
 * as text: the sentences of the worst findings on the first line (why the
 * boot was not healthy, for `nodectl info` after a fallback), then
 * "STATUS CHECK: sentence" per finding that was not OK.  NULL for an OK
 * report or when out of memory; free() it. */
char *node_health_record_text(const struct node_health_report *report);

/* The health check of a boot (nodecon-health.service): records report's
 * verdict for the booted layer (img.bootid=, else the layer mounted on /),
 * removing an older record when it is OK, and unless it FAILED marks the boot
 * good for grub's boot counting (node_boot_mark_good).  layer
 * (NODE_BOOT_ID_MAX) receives the booted layer.  -ENOENT when no layer runs. */
int node_health_record_boot(const struct node_context *ctx, const struct node_health_report *report, char *layer,
                            struct node_error *e);

const char *node_health_status_name(enum node_health_status status);   /* "OK", "WARN", "FAILED" */

void node_health_report_free(struct node_health_report *report);
