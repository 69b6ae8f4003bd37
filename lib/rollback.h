/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

/* Going back to an older layer, removing layers and pinning them.  Rollback
 * changes only the boot default (one atomic rename, see boot.h): no LV is
 * touched, and /etc and /var stay as they are.  Callers that change things
 * hold the node lock (lock.h). */

/* LV tag of a layer the admin wants kept: remove refuses it and the upgrade's
 * keep-N cleanup skips it. */
#define NODE_TAG_PINNED "nodecon:pinned"

struct node_rollback_candidate {
        const char *layer;      /* "NVR+N" */
        bool has_entry;         /* a boot entry names it (img.bootid=) */
};

/* The pure choice: with to == NULL, the newest layer older than current (by
 * base NVR like rpm, then layer number) that has a boot entry; else to itself,
 * which must be a candidate with an entry and differ from current.  pick
 * receives the layer name.  -ENXIO (one sentence) when there is no such
 * layer, -EINVAL when to is not a layer name, -EALREADY when to is current. */
int node_rollback_pick(const struct node_rollback_candidate *candidates, size_t n, const char *current,
                       const char *to, char *pick, size_t size, struct node_error *e);

struct node_rollback_result {
        char from[256];         /* the layer that boots now by default ("" when unknown) */
        char to[256];           /* the layer that will boot */
        char entry[256];        /* its boot entry id */
        char title[256];        /* its entry's title ("" when none) */
};

/* What a rollback would do, changing nothing.  current is the boot default,
 * else the booted layer. */
int node_rollback_plan(const struct node_context *ctx, const char *to, struct node_rollback_result *result,
                       struct node_error *e);

/* node_rollback_plan(), then makes result->to the boot default. */
int node_rollback(const struct node_context *ctx, const char *to, struct node_rollback_result *result,
                  struct node_error *e);

struct node_remove_result {
        char layer[256];
        char base[256];         /* the base removed with its last layer, "" when kept */
};

/* Checks that layer can be removed, changing nothing: it must be a layer of
 * the layout, not booted, not the boot default, not pinned. */
int node_layer_remove_check(const struct node_context *ctx, const char *layer, struct node_remove_result *result,
                            struct node_error *e);

/* Removes a layer: its boot entries and /boot/<layer> files first (so the
 * menu never offers a layer that is gone), then the LV; then its base when no
 * layer is left on it.  Refusals as node_layer_remove_check(). */
int node_layer_remove(const struct node_context *ctx, const char *layer, struct node_remove_result *result,
                      struct node_error *e);

/* Adds or removes the nodecon:pinned tag of a layer.  *changed says whether
 * the tag had to change (pinning a pinned layer is not an error). */
int node_layer_pin(const struct node_context *ctx, const char *layer, bool pinned, bool *changed,
                   struct node_error *e);
