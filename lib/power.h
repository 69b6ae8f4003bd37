/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"
#include "error.h"

/* Restarting the node, after a rollback or an upgrade made another layer the
 * boot default.  Runs ctx->reboot (a program, no arguments) or else
 * "systemctl reboot", which asks systemd to stop everything in order; it
 * returns once the restart is under way.  -EIO with the program's last error
 * line when it failed. */
int node_reboot(const struct node_context *ctx, struct node_error *e);
