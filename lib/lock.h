/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "context.h"
#include "error.h"

/* One changing operation at a time between the console, SSH sessions and
 * nodectl: an flock on <run_dir>/lock, which holds the holder's pid so a
 * refusal can name it.  The kernel drops the lock when the holder dies, so a
 * crash never leaves the node locked.  Read-only views take no lock. */

struct node_lock {
        int fd;   /* -1: not held */
};

#define NODE_LOCK_INIT { .fd = -1 }

/* Takes the lock without waiting.  -EBUSY "Another nodectl or nodecon
 * operation is running (pid N)." when someone holds it. */
int node_lock_acquire(const struct node_context *ctx, struct node_lock *lock, struct node_error *e);

/* Releases it (a lock not held is fine). */
void node_lock_release(struct node_lock *lock);

static inline void node_lock_releasep(struct node_lock *lock) { node_lock_release(lock); }
#define _cleanup_lock_ __attribute__((cleanup(node_lock_releasep)))
