/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "media.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

static bool sys_flag(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        return f && fgetc(f) == '1';
}

static bool removable_device(const struct node_context *ctx, const char *dev_number) {
        char dir[256], path[4096];
        snprintf(dir, sizeof dir, "/sys/dev/block/%s", dev_number);
        /* a partition's own directory has no "removable": its disk, one up, has */
        snprintf(path, sizeof path, "%s%s/removable", ctx && ctx->root ? ctx->root : "", dir);
        if (sys_flag(path))
                return true;
        snprintf(path, sizeof path, "%s%s/../removable", ctx && ctx->root ? ctx->root : "", dir);
        if (sys_flag(path))
                return true;
        /* USB disks often call themselves fixed */
        char real[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", ctx && ctx->root ? ctx->root : "", dir);
        return realpath(path, real) && strstr(real, "/usb");
}

/* mountinfo escapes blanks in paths as octal (\040) */
static void unescape_octal(char *s) {
        char *out = s;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else {
                        *out++ = *s;
                }
        }
        *out = '\0';
}

int node_removable_media(const struct node_context *ctx, struct node_medium **media, size_t *n, struct node_error *e) {
        *media = NULL;
        *n = 0;
        char path[4096];
        _cleanup_fclose_ FILE *f = fopen(node_context_path(ctx, "/proc/self/mountinfo", path, sizeof path), "re");
        if (!f)
                return node_error_set(e, errno, _("The mounted file systems cannot be read from %s: %s."), path,
                                      strerror(errno));
        char *line = NULL;
        size_t cap = 0;
        int r = 0;
        while (getline(&line, &cap, f) > 0) {
                /* id parent maj:min root mount-point options ... - fstype source super-options */
                char dev_number[32], mount_point[4096], options[512], fstype[32], source[256];
                const char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%*s %*s %31s %*s %4095s %511s", dev_number, mount_point, options) != 3 ||
                    sscanf(dash + 3, "%31s %255s", fstype, source) != 2)
                        continue;
                if (startswith(options, "ro") && (options[2] == '\0' || options[2] == ','))
                        continue;
                if (!startswith(source, "/dev/") || !removable_device(ctx, dev_number))
                        continue;
                struct node_medium *grown = realloc(*media, (*n + 1) * sizeof *grown);
                if (!grown) {
                        r = node_error_set(e, ENOMEM, _("Out of memory."));
                        break;
                }
                *media = grown;
                struct node_medium *m = &grown[(*n)++];
                unescape_octal(mount_point);
                unescape_octal(source);
                snprintf(m->mount_point, sizeof m->mount_point, "%s", mount_point);
                snprintf(m->device, sizeof m->device, "%s", source);
                snprintf(m->fstype, sizeof m->fstype, "%s", fstype);
        }
        free(line);
        if (r < 0) {
                free(*media);
                *media = NULL;
                *n = 0;
        }
        return r;
}
