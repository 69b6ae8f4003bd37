/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"
#include "error.h"

/* /etc/nodecon/nodecon.conf (under ctx->root): "key = value" lines, '#'
 * comments; a key given twice takes its last value. */

/* The whole number key has, from min to max; *out is left alone when the
 * file or the key is absent.  -EINVAL (one sentence naming the line) for a
 * bad value, -errno when the file cannot be read. */
int node_config_number(const struct node_context *ctx, const char *key, unsigned min, unsigned max, unsigned *out,
                       struct node_error *e);
