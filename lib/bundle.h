/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The support bundle: what a support engineer asks for first, gathered into
 * one tar.gz that can be carried off on a USB stick when the network is gone.
 * Logs, the layout as lvm reports it, boot entries, network and service
 * state.  A piece that cannot be gathered (a program missing, a command that
 * fails) is noted in the bundle's index.txt, not fatal.  No secrets: no
 * shadow file, no private keys. */

struct node_bundle_report {
        char path[4096];        /* the file written */
        uint64_t size_bytes;
        unsigned items, missing; /* pieces gathered, pieces that could not be */
};

/* Called before each piece: its name, and the fraction done. */
typedef void (*node_bundle_progress_fn)(const char *item, double fraction, void *userdata);

/* output: a file name, or an existing directory (a mounted USB stick) to put
 * nodecon-bundle-HOST-YYYYmmdd-HHMMSS.tar.gz in.  The file appears only when
 * complete. */
int node_support_bundle(const struct node_context *ctx, const char *output, node_bundle_progress_fn progress,
                        void *userdata, struct node_bundle_report *report, struct node_error *e);
