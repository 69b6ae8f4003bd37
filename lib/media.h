/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where an admin finds a node image: the mounted media (a DVD, a USB stick,
 * an ISO) and the directories of the local disks.  Names come back as the
 * bytes the kernel gave; node_media_display_name makes any of them safe to
 * show.  Nothing here runs a program or changes a file. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

struct node_medium {
        char *mount_point;     /* unescaped: "/run/media/admin/NODE 4.5" */
        char *source;          /* "/dev/sr0" */
        char *fstype;          /* "iso9660" */
        bool removable;        /* its device (or that device's disk) is removable or on a USB bus */
        bool read_only;        /* mounted ro */
};

struct node_media {
        struct node_medium *media;
        size_t n_media;
};

/* Mounts that are media: under /run/media, /media or /mnt, of a type only
 * media carry (iso9660, udf), or of a removable device.  Read from
 * ctx->root + /proc/self/mountinfo and /sys/dev/block. */
int node_media_list(const struct node_context *ctx, struct node_media *out, struct node_error *e);
/* The mounted media a file can be written to (a USB stick, an SD card): the
 * removable devices mounted read-write, for a support bundle. */
int node_removable_media(const struct node_context *ctx, struct node_media *out, struct node_error *e);
/* The same from mountinfo text; removable devices are not known here. */
int node_media_parse_mountinfo(const char *text, struct node_media *out);
void node_media_free(struct node_media *m);

enum node_entry_kind {
        NODE_ENTRY_DIRECTORY,
        NODE_ENTRY_IMAGE,      /* *.squashfs, *.img, *.iso: worth a look */
        NODE_ENTRY_FILE,
};

struct node_dir_entry {
        char *name;            /* the bytes, as readdir gave them */
        enum node_entry_kind kind;
        uint64_t size_bytes;   /* files only */
};

struct node_dir_listing {
        struct node_dir_entry *entries;  /* directories first, then by name; no "." "..", no hidden */
        size_t n_entries;
};

/* Lists path (a symlink to a directory counts as a directory). */
int node_dir_list(const char *path, struct node_dir_listing *out, struct node_error *e);
void node_dir_listing_free(struct node_dir_listing *l);
bool node_is_image_name(const char *name);

/* name made printable into buf: bytes that are not well-formed UTF-8, control
 * characters and backslashes are written as \xHH, so two names never look
 * alike and nothing reaches the terminal as a control sequence.  Truncated
 * (never mid-sequence) to size.  Returns buf. */
const char *node_media_display_name(const char *name, char *buf, size_t size);
