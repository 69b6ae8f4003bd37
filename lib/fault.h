/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

struct node_context;

/* A test hook, in test builds and real builds alike: when the context's fault
 * (nodectl takes it from NODECON_FAULT_AT) names a point "OPERATION.STEP", the
 * process kills itself with SIGKILL there, as a power cut or the OOM killer
 * would, so that tests can prove what a half-done operation leaves behind.
 * The points sit between the real steps of each changing operation; the
 * upgrade has its own, richer hook (lib/upgrade.h). */
struct node_fault_point {
        const char *name;   /* "OPERATION.STEP" */
        const char *after;  /* what is done when the process dies there */
};

/* Every point, in the order each operation passes them; ends with { NULL }. */
extern const struct node_fault_point node_fault_points[];

/* Dies by SIGKILL when ctx->fault is name (or "kill:" name); else returns. */
void node_fault_point(const struct node_context *ctx, const char *name);
