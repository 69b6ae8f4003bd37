/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the library finds the node's parts.  Every field has a default, so a
 * zeroed context means "this machine": lvm from PATH, files under /, the VG
 * tagged imgbased:vg.  Tests point the fields elsewhere; there are no globals. */
struct node_context {
        const char *vg;          /* volume group; NULL: the one tagged imgbased:vg */
        const char *lvm;         /* lvm program; NULL: "lvm" from PATH */
        const char *root;        /* prefix for /proc/cmdline, /proc/self/mountinfo,
                                    /boot, /etc; NULL: "" (the real root) */
        const char *run_dir;     /* where temporary mount points go; NULL: /run/nodecon */
        const char *libvirt_uri; /* NULL: libvirt's default (qemu:///system for root) */
        const char *nodectl;     /* the nodectl nodecon asks for what it does not load
                                    itself (lib/helper.h); NULL: "nodectl" from PATH */
        const char *journal_dir; /* NULL: the system journal (all of this machine's files) */
        const char *pam_confdir; /* tests: the directory with PAM's "nodecon" file; NULL: /etc/pam.d */
        const char *reboot;      /* program that restarts the node; NULL: logind's Reboot */
        const char *poweroff;    /* program that powers the node off; NULL: logind's PowerOff */
        const char *fault;       /* test hook: the fault point to die at (lib/fault.h); NULL: none */
};

const char *node_context_lvm(const struct node_context *ctx);
const char *node_context_run_dir(const struct node_context *ctx);
/* Writes root prefix + path into buf; returns buf. */
const char *node_context_path(const struct node_context *ctx, const char *path, char *buf, unsigned size);
