/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "context.h"

#include <stdio.h>

const char *node_context_lvm(const struct node_context *ctx) {
        return ctx && ctx->lvm ? ctx->lvm : "lvm";
}

const char *node_context_run_dir(const struct node_context *ctx) {
        return ctx && ctx->run_dir ? ctx->run_dir : "/run/nodecon";
}

const char *node_context_path(const struct node_context *ctx, const char *path, char *buf, unsigned size) {
        snprintf(buf, size, "%s%s", ctx && ctx->root ? ctx->root : "", path);
        return buf;
}
