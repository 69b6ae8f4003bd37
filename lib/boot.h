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
        int tries_done;              /* boot counting "-DONE": 0 when absent, -1 when not counted */
};

/* Finds the value of key= on a kernel command line (or an entry's options):
 * the last occurrence wins, as the kernel and dracut do; "key=\"a b\"" and
 * "\"key=a b\"" quoting is understood; a trailing newline is ignored.  Returns
 * true and the value in buf when found (an empty or overlong value is not
 * found). */
bool node_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/* The img.bootid= of the running kernel (/proc/cmdline under ctx->root):
 * true and the layer name in id when there is one. */
bool node_boot_running_id(const struct node_context *ctx, char *id, size_t size);

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

/* ---- the write side ------------------------------------------------------
 * Every change is made in a temporary file next to its target, fsync'ed and
 * renamed over it, so a crash leaves either the old or the new file, never a
 * mix: the node always boots something it booted before. */

enum node_boot_loader {
        NODE_BOOT_LOADER_UNKNOWN,
        NODE_BOOT_LOADER_GRUB,          /* grub2 with BLS: grubenv's saved_entry picks the default */
        NODE_BOOT_LOADER_SYSTEMD_BOOT,  /* systemd-boot: loader.conf's "default" on the ESP */
};

struct node_boot_setup {
        enum node_boot_loader loader;
        char config[4096];       /* the grubenv or loader.conf that holds the default */
        char boot_dir[4096];     /* the filesystem the entries' linux/initrd paths start from (/boot or the ESP) */
        char entries_dir[4096];  /* where entries are written */
        char path_prefix[16];    /* "" or "/boot": what the existing entries put before /<layer>/ */
};

/* Which loader the node uses: a grubenv (/boot/grub2 or /boot/grub) means
 * grub, else a loader.conf on the ESP (/boot/efi, /efi) or in /boot means
 * systemd-boot.  Paths are under ctx->root.  -ENOENT when neither exists. */
int node_boot_detect(const struct node_context *ctx, struct node_boot_setup *setup, struct node_error *e);

/* Replaces path with data atomically (temporary file in the same directory,
 * fsync, rename, fsync of the directory).  On failure the old file is
 * untouched and no temporary file is left. */
int node_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode, struct node_error *e);

/* Sets key=value in a grubenv (value NULL: removes key), keeping the other
 * keys in their order and the block's size (1024 bytes for a new file), as
 * grub-editenv does.  -ENOSPC when the block has no room left, -EBADMSG when
 * the file is not a GRUB environment block, -EINVAL for a key with '=' or a
 * newline. */
int node_grubenv_set(const char *path, const char *key, const char *value, struct node_error *e);

/* node_grubenv_set() of n keys (at most 8) in one atomic write, as
 * "grub-editenv FILE set k1=v1 k2=v2" (NULL values unset) would leave it. */
int node_grubenv_set_many(const char *path, const char *const *keys, const char *const *values, size_t n,
                          struct node_error *e);

/* Sets loader.conf's "default" to value: the first "default" line is
 * replaced (later ones dropped, as the last would win), or one is added;
 * every other line stays.  A missing file is created. */
int node_loader_conf_set_default(const char *path, const char *value, struct node_error *e);

/* The options a new entry for VG/LAYER gets: root=/dev/VG/LAYER
 * rd.lvm.lv=VG/LAYER img.bootid=LAYER, then "other" without its own root=,
 * img.bootid=, BOOT_IMAGE= and rd.lvm.lv= naming a layer (rd.lvm.lv= of other
 * volumes such as swap stays).  *out is malloc'ed. */
int node_boot_options_for_layer(const char *other, const char *vg, const char *layer, char **out);

struct node_boot_entry_spec {
        const char *vg;              /* required */
        const char *layer;           /* required, a valid LV name */
        const char *kernel_version;  /* required: "4.18.0-348.el8.x86_64"; names the entry and the files */
        const char *kernel;          /* file copied to <boot>/<layer>/vmlinuz-<kver> (a real path, not under root) */
        const char *initrd;          /* file copied to <boot>/<layer>/initramfs-<kver>.img; NULL: none */
        const char *title;           /* NULL: "<layer>" */
        const char *options;         /* the other kernel options; NULL: those of the booted layer's entry
                                        (img.bootid on /proc/cmdline), else the default entry's */
};

/* Writes the entry <layer>-<kver>.conf for a layer (and copies its kernel and
 * initrd) where setup says; id receives the entry id.  Replaces an entry of
 * the same name.  Does not change the default. */
int node_boot_entry_write(const struct node_context *ctx, const struct node_boot_entry_spec *spec, char *id,
                          size_t size, struct node_error *e);

/* The entry whose img.bootid= is layer (the first in menu order).  -ENOENT
 * when none.  Clear *entry with node_boot_entry_clear(). */
int node_boot_entry_find(const struct node_context *ctx, const char *layer, struct node_boot_entry *entry,
                         struct node_error *e);

/* Makes the entry of layer the default, in one atomic rename of grubenv or
 * loader.conf.  -ENOENT when the layer has no entry or no loader is found,
 * -EBUSY when the EFI variable LoaderEntryDefault (bootctl set-default) is
 * set: it would override loader.conf. */
int node_boot_set_default(const struct node_context *ctx, const char *layer, struct node_error *e);

/* Boot counting (systemd-boot; see systemd.io/AUTOMATIC_BOOT_ASSESSMENT):
 * makes the entry of layer the default on trial.  Its file is renamed to
 * "<id>+TRIES.conf" (systemd-boot counts a try down at each boot by renaming
 * it, systemd-bless-boot.service renames it back to "<id>.conf" once
 * boot-complete.target is reached), and loader.conf's "default" becomes a
 * pattern that matches this entry and the current default one, and no other:
 * systemd-boot picks the first match of its menu, where the trial entry comes
 * first while it has tries left and last once they are used up, so the node
 * falls back to the layer it booted before by itself.  The trial entry must
 * come before the current default in the menu (a newer layer does).  The
 * entry is renamed first and loader.conf replaced last, each atomically.
 * With grub, grubenv gets saved_entry, boot_counter=TRIES and boot_success=0
 * in one write, as Fedora's grub counts (its grub.cfg takes a try off at each
 * boot until boot_success is set, then boots the next menu entry).
 * -EBUSY as node_boot_set_default(), -EALREADY when
 * layer is already the default, -ERANGE
 * for TRIES outside 1..9, -EINVAL when no pattern can single the two out or
 * the order is wrong. */
int node_boot_set_default_trial(const struct node_context *ctx, const char *layer, int tries, struct node_error *e);

/* The loader.conf pattern matching exactly the entry ids trial and fallback
 * (counted or not) among the n ids given (every entry's id).  Pure; -EINVAL
 * when there is none. */
int node_boot_trial_pattern(const char *trial, const char *fallback, const char *const *ids, size_t n, char *pattern,
                            size_t size);

/* Why the running boot is not the default's: the default pattern's first
 * match is an entry out of tries (systemd-boot skipped it) for another layer
 * than the booted one. */
struct node_boot_fallback {
        bool fell_back;
        char from_layer[NODE_BOOT_ID_MAX];  /* the layer whose tries ran out */
        char booted_layer[NODE_BOOT_ID_MAX];
        int tries;                          /* how many times it was tried */
        char reason[512];                   /* its last failed health check ("" when unknown) */
};

/* Where the boot health check (nodectl check --boot) records the verdict of
 * each layer's last boot that was not OK, one file per layer, under
 * ctx->root: first line the reason, then one "STATUS CHECK: sentence" line
 * per finding.  /var is shared by every layer, so the layer booted after a
 * fallback can read why. */
#define NODE_HEALTH_RECORD_DIR "/var/lib/nodecon/health"

/* Replaces the record of layer with text atomically; text NULL removes it. */
int node_boot_health_record_write(const struct node_context *ctx, const char *layer, const char *text,
                                  struct node_error *e);

/* Fills fb from the entries, loader.conf, /proc/cmdline and the health
 * records NODE_HEALTH_RECORD_DIR/<layer> (written by the health check). */
int node_boot_last_fallback(const struct node_context *ctx, struct node_boot_fallback *fb, struct node_error *e);

/* A good boot (the health check passed): with grub, boot_success=1 and no
 * boot_counter in grubenv (written only when that changes anything);
 * systemd-boot's counter is systemd-bless-boot's.  0 when there is no grub. */
int node_boot_mark_good(const struct node_context *ctx, struct node_error *e);

/* Every entry (menu order) and the index of the default one (-1 when none). */
int node_boot_list(const struct node_context *ctx, struct node_boot_entry **entries, size_t *n,
                   long *default_index, struct node_error *e);

/* Removes every entry of layer and its <boot>/<layer>/ directory (kernel,
 * initrd) from /boot, /boot/efi and /efi.  Nothing to remove is not an error. */
int node_boot_entry_remove(const struct node_context *ctx, const char *layer, struct node_error *e);
