/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The audit trail: every changing action of nodectl and nodecon is one
 * structured journal record (who, on which terminal, what, how it ended), so
 * "who rolled this node back last night" has an answer.  Each kind of action
 * has its own MESSAGE_ID; `journalctl MESSAGE_ID=...` finds them too. */

enum node_audit_kind {
        NODE_AUDIT_NONE,
        NODE_AUDIT_LAYERS,     /* init, add-layer, rollback, boot default, remove, pin/unpin */
        NODE_AUDIT_UPGRADE,
        NODE_AUDIT_SERVICE,    /* start/stop/restart of units */
        NODE_AUDIT_NETWORK,
        NODE_AUDIT_ENGINE,     /* register/unregister */
        NODE_AUDIT_SESSION,    /* console lock/unlock, rescue shell, reboot, power off */
        NODE_AUDIT_CHECK,      /* check --repair */
        NODE_AUDIT_KIND_MAX,
};

struct node_audit_record {
        enum node_audit_kind kind;
        const char *program;   /* "nodectl", "nodecon" */
        const char *action;    /* "rollback", "service restart", ... */
        const char *arguments; /* what the admin gave, as one line; may be NULL */
        bool success;
        int exit_code;
        const char *error;     /* the sentence the admin saw on failure; may be NULL */
};

/* Writes the record to the journal, with the user (and the user sudo came
 * from) and the controlling terminal.  -errno when journald cannot be reached;
 * callers report that but the action itself stands. */
int node_audit_write(const struct node_audit_record *record, struct node_error *e);

struct node_audit_entry {
        uint64_t realtime_usec;
        enum node_audit_kind kind;
        char *user, *tty, *program, *action, *arguments, *outcome, *error;
};

/* The last max audit records, oldest first. */
int node_audit_read(const struct node_context *ctx, size_t max, struct node_audit_entry **entries, size_t *n,
                    struct node_error *e);
void node_audit_entries_free(struct node_audit_entry *entries, size_t n);

/* "layers", "upgrade", ... and its MESSAGE_ID as 32 hex digits. */
const char *node_audit_kind_name(enum node_audit_kind kind);
const char *node_audit_kind_message_id(enum node_audit_kind kind);
