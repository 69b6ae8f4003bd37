/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "context.h"
#include "error.h"
#include "spawn.h"

/* nodectl as a helper process.  nodecon asks it for what it does not load
 * itself: libvirt (the VM list) and libcurl with TLS (whether the engine
 * answers, every 30 s on the dashboard), so the console stays small
 * (DESIGN.md §5: RSS <= 10 MB).  nodectl calls the same lib functions. */

/* Runs `ctx->nodectl --json ARGS...` (NULL ctx->nodectl: "nodectl" from PATH)
 * with our locale, as its sentences are shown to the admin, and waits for it.
 * 0 with its output in *res (free it) whatever its exit code, or -errno with
 * the sentence why it cannot be run. */
int node_helper_run(const struct node_context *ctx, const char *const args[], struct node_spawn_result *res,
                    struct node_error *e);

/* What nodectl said on stderr, its last line without the "nodectl: " it
 * starts with; "" if it said nothing. */
const char *node_helper_sentence(const struct node_spawn_result *res, char *buf, size_t size);
