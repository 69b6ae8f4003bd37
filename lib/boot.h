/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

/* The boot side of a node, read-only: Boot Loader Specification (type 1)
 * entries, one per layer, whose options carry img.bootid=LAYER, and the
 * default entry as grub (grubenv saved_entry) or systemd-boot (loader.conf,
 * EFI variables) will pick it.  Every path is taken under ctx->root. */

/* Where entries are looked for, in this order (grub with BLS reads the first,
 * systemd-boot the ESP mounted at /boot/efi or /efi). */
#define NODE_BOOT_ENTRY_DIRS { "/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries" }

#define NODE_BOOT_ID_MAX 256

struct node_boot_entry {
        char id[NODE_BOOT_ID_MAX];   /* file name without ".conf" and without a "+LEFT[-DONE]" boot counter */
        char *path;                  /* the .conf file */
        char *title, *version, *machine_id, *sort_key;
        char *linux_path;            /* "linux" key */
        char *initrd;                /* every "initrd" line, space-separated */
        char *options;               /* every "options" line, space-separated */
        char *layer;                 /* img.bootid= from options, NULL if absent */
        int tries_left;              /* boot counting "+LEFT": -1 when not counted */
};

/* Finds the value of key= on a kernel command line (or an entry's options):
 * the last occurrence wins, as the kernel and dracut do; "key=\"a b\"" and
 * "\"key=a b\"" quoting is understood; a trailing newline is ignored.  Returns
 * true and the value in buf when found (an empty or overlong value is not
 * found). */
bool node_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/* Parses one entry file.  -ENOENT / -EIO when unreadable, -EBADMSG when it
 * has no "linux" (or "efi") line. */
int node_boot_entry_parse(const char *path, struct node_boot_entry *entry, struct node_error *e);
void node_boot_entry_clear(struct node_boot_entry *entry);

/* Every entry of every entry directory, in systemd-boot's menu order
 * (entries out of tries last, then by sort-key, machine-id, version and id,
 * newest first).  Unparseable files are skipped.  *n may be 0. */
int node_boot_entries(const struct node_context *ctx, struct node_boot_entry **entries, size_t *n,
                      struct node_error *e);
void node_boot_entries_free(struct node_boot_entry *entries, size_t n);

/* Reads key from a grubenv file ("# GRUB Environment Block" header, key=value
 * lines, '#' padding to 1024 bytes).  -ENOENT when the file or key is absent,
 * -EBADMSG when it is not a grub environment block. */
int node_grubenv_get(const char *path, const char *key, char *value, size_t size, struct node_error *e);

/* The id of the default entry: grub's saved_entry when grubenv has one, else
 * systemd-boot's choice (LoaderEntryDefault EFI variable, loader.conf
 * "default" as a glob, "@saved" meaning LoaderEntryLastBooted), else the first
 * entry of the menu.  -ENOENT when there are no entries. */
int node_boot_default_entry(const struct node_context *ctx, char *id, size_t size, struct node_error *e);

/* The layer the default entry boots (its img.bootid=).  -ENOENT when there
 * are no entries or the default entry names no layer. */
int node_boot_default_layer(const struct node_context *ctx, char *layer, size_t size, struct node_error *e);
