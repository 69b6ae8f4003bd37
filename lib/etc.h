/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Carrying /etc over to a new layer (the API agreed between the etc and the
 * upgrade work; the etc engineer owns it). */

enum node_etc_action {
        NODE_ETC_COPY,            /* admin changed or added it: copy current -> new layer */
        NODE_ETC_MERGE_ACCOUNTS,  /* passwd, group, shadow, gshadow: merged by name, 3-way */
        NODE_ETC_KEEP_NEW,        /* changed by admin AND by the new image: new image's wins, reported */
        NODE_ETC_REMOVED_BY_ADMIN,/* in factory, gone from current: reported (applied or not: document) */
};
struct node_etc_change {
        char *path;               /* relative to etc, e.g. "ssh/sshd_config" */
        enum node_etc_action action;
        char *note;
};
struct node_etc_plan {
        struct node_etc_change *changes;
        size_t n_changes;
};

/* factory_etc: the OLD image's pristine /etc (its read-only base, mounted);
 * current_etc: the running (or source) layer's /etc; new_etc: the new layer's /etc (read-write). */
int node_etc_plan(const char *factory_etc, const char *current_etc, const char *new_etc,
                  struct node_etc_plan *plan, struct node_error *e);
int node_etc_apply(const struct node_etc_plan *plan, const char *factory_etc, const char *current_etc,
                   const char *new_etc, struct node_error *e);
/* One line per change, e.g. "copy ssh/sshd_config" — the log /var/log/nodecon/upgrade-<layer>-etc.log */
int node_etc_plan_write(const struct node_etc_plan *plan, FILE *out, struct node_error *e);
void node_etc_plan_free(struct node_etc_plan *plan);
