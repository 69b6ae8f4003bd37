/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The node's virtual machines as libvirt knows them, read over a read-only
 * connection (vdsm's libvirtd refuses unauthenticated read-write ones). */

enum node_vm_state {
        NODE_VM_NOSTATE,
        NODE_VM_RUNNING,
        NODE_VM_BLOCKED,
        NODE_VM_PAUSED,
        NODE_VM_SHUTDOWN,     /* shutting down */
        NODE_VM_SHUTOFF,
        NODE_VM_CRASHED,
        NODE_VM_PMSUSPENDED,
};

struct node_vm {
        char *name;
        char uuid[37];
        enum node_vm_state state;
        bool active;           /* has a running process: running, blocked, paused, shutting down, pmsuspended */
        bool persistent;
        unsigned vcpus;
        uint64_t memory_bytes; /* current balloon for active domains, else the configured maximum */
};

struct node_vm_list {
        struct node_vm *vms;   /* active first, then by name */
        size_t n_vms;
        size_t n_active;
};

/* Two ways to the same list; a program links libvirt only for the first. */
typedef int node_vms_lister(const struct node_context *ctx, struct node_vm_list *list, struct node_error *e);

/* libvirt in this process (lib/vms-libvirt.c: nodectl).  The URI used:
 * ctx->libvirt_uri, else libvirt's own default (LIBVIRT_DEFAULT_URI or
 * qemu:///system for root). */
node_vms_lister node_vms_list;
/* A child `ctx->nodectl --json vms` (NULL: "nodectl" from PATH) asks libvirt,
 * so the caller never loads it (nodecon: DESIGN.md §5).  The child inherits
 * the environment (NODECTL_LIBVIRT_URI) and speaks the admin's language.
 * -ENOTCONN with nodectl's sentence when libvirt cannot be asked, -ENOENT (or
 * another errno) with a sentence naming nodectl when it cannot be run,
 * -EBADMSG when its answer is unreadable. */
node_vms_lister node_vms_list_by_nodectl;
/* The list from `nodectl --json vms` output (pure; sorted like node_vms_list). */
int node_vms_parse_json(const char *text, size_t len, struct node_vm_list *list, struct node_error *e);
void node_vm_list_free(struct node_vm_list *list);
/* Active first, then by name; counts n_active. */
void node_vm_list_sort(struct node_vm_list *list);

/* "running", "shut off", ... (translated). */
const char *node_vm_state_name(enum node_vm_state state);
/* libvirt's untranslated word ("running", "shutoff", ...), as JSON carries it. */
const char *node_vm_state_keyword(enum node_vm_state state);
/* Has a running process: running, blocked, paused, shutting down, pmsuspended. */
bool node_vm_state_is_active(enum node_vm_state state);

/* What a reboot, power off or upgrade dialog says before it acts:
 * "3 virtual machines are active: db1, web1, web2." — NULL-free, at most size bytes,
 * the name list shortened with ", ..." when it does not fit.  Empty when none runs. */
void node_vm_list_running_sentence(const struct node_vm_list *list, char *buf, size_t size);
