/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "context.h"
#include "error.h"
#include "vms.h"

/* Restarting or powering off the node.  systemd-logind is asked over the
 * system bus (org.freedesktop.login1.Manager Reboot/PowerOff, not
 * interactive: root needs no polkit prompt, anyone else is refused with
 * logind's own reason), so every service is stopped in order; the call
 * returns once the shutdown is under way.  Tests replace logind with a
 * program: ctx->reboot / ctx->poweroff (run without arguments). */

enum node_power_action { NODE_POWER_REBOOT, NODE_POWER_POWEROFF };

int node_power(const struct node_context *ctx, enum node_power_action action, struct node_error *e);

/* node_power(ctx, NODE_POWER_REBOOT, e): after a rollback or an upgrade made
 * another layer the boot default. */
int node_reboot(const struct node_context *ctx, struct node_error *e);

/* What the admin must hear before either: the virtual machines that would go
 * down with the node, as one sentence ("2 virtual machines are active: db1,
 * web2."), "" when none runs, or why it is not known (libvirt unreachable).
 * list_vms asks libvirt (node_vms_list) or a child nodectl
 * (node_vms_list_by_nodectl: nodecon).  Returns the number of active VMs, or
 * -1 when unknown; never fails. */
int node_power_vm_warning(const struct node_context *ctx, node_vms_lister *list_vms, char *sentence, size_t size);
