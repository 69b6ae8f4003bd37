/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"
#include "spawn.h"

/* A file system mounted on a private temporary directory under the run dir,
 * with the mount and umount programs (argv, no shell).  Declared with
 * _cleanup_mount_, it is unmounted and its directory removed on every return
 * path, so a failure can never leave anything mounted behind. */
struct node_mount {
        char dir[4096];           /* "" when nothing was made */
        bool mounted;
};

/* Mounts source (a device or, with "loop" in options, a file) of type fstype
 * (NULL: let mount guess) on a new directory RUN_DIR/<what>-XXXXXX. */
int node_mount_open(const struct node_context *ctx, const char *what, const char *source, const char *fstype,
                    const char *options, struct node_mount *m, struct node_error *e);

/* Unmounts (freeing a loop device) and removes the directory; idempotent. */
int node_mount_close(struct node_mount *m, struct node_error *e);

/* dir + "/" + relative path into buf. */
const char *node_mount_path(const struct node_mount *m, const char *relative, char *buf, size_t size);

static inline void node_mount_closep(struct node_mount *m) { node_mount_close(m, NULL); }
#define _cleanup_mount_ __attribute__((cleanup(node_mount_closep)))

/* What a failed tool said, for the end of one of our sentences: its last
 * stderr line without a final period, or "exit code N" when it said nothing.
 * (Belongs with node_spawn_last_error_line(); kept here until spawn.h has it.) */
const char *node_tool_error(const struct node_spawn_result *r, char *buf, size_t size);
