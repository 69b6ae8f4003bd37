/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot.h"
#include "i18n.h"
#include "image.h"
#include "layout.h"
#include "lvm.h"
#include "mount.h"
#include "spawn.h"
#include "util.h"

#define COPY_BLOCK (UINT64_C(1) << 20)
/* A node copies a 1-3 GB image while its VMs run: at most two windows of the
 * copy may sit dirty in the page cache, so the copy neither floods memory nor
 * ends in one long flush, and the progress shown is what reached the disk. */
#define WRITEBACK_WINDOW (UINT64_C(32) << 20)

int node_report(const struct node_reporter *r, const char *step, double fraction, struct node_error *e) {
        if ((r->progress && r->progress(step, fraction, r->userdata) != 0) || (r->cancel && *r->cancel))
                return node_error_set(e, ECANCELED, "%s", r->cancelled);
        return 0;
}

void node_undo_lv(struct node_undo *j, const char *lv) {
        if (j->n_lvs < ELEMENTSOF(j->lvs))
                snprintf(j->lvs[j->n_lvs++], sizeof j->lvs[0], "%s", lv);
}

void node_undo_tag(struct node_undo *j, const char *lv, const char *tag) {
        if (j->n_tags < ELEMENTSOF(j->tags)) {
                snprintf(j->tags[j->n_tags].lv, sizeof j->tags[0].lv, "%s", lv ? lv : "");
                j->tags[j->n_tags++].tag = tag;
        }
}

void node_undo_roll_back(struct node_undo *j) {
        for (size_t i = j->n_lvs; i-- > 0;)
                node_lvm_remove(j->ctx, j->vg, j->lvs[i], NULL);
        for (size_t i = j->n_tags; i-- > 0;)
                node_lvm_del_tag(j->ctx, j->vg, j->tags[i].lv[0] ? j->tags[i].lv : NULL, j->tags[i].tag, NULL);
        j->n_lvs = j->n_tags = 0;
}

int node_run_tool(const char *const argv[], int ok_max, const char *doing, struct node_error *e) {
        struct node_spawn_result res;
        int r = node_spawn(argv, NULL, &res, e);
        if (r < 0)
                return r;
        if (res.exit_code > ok_max) {
                char line[512];
                node_tool_error(&res, line, sizeof line);
                r = node_error_set(e, EIO, _("Cannot %s: %s says: %s."), doing, argv[0], line);
        }
        node_spawn_result_free(&res);
        return r;
}

/* The file system of a layer or base gets its own UUID, so two of them can
 * be mounted side by side and / is never confused with another layer. */
int node_fs_new_uuid(const char *device, const char *fstype, struct node_error *e) {
        if (streq(fstype, "xfs")) {
                const char *argv[] = { "xfs_admin", "-U", "generate", device, NULL };
                return node_run_tool(argv, 0, _("give the file system a new UUID"), e);
        }
        const char *argv[] = { "tune2fs", "-U", "random", device, NULL };
        return node_run_tool(argv, 0, _("give the file system a new UUID"), e);
}

/* A full check before the UUID changes: tune2fs refuses to rewrite the
 * checksums of a file system that was mounted since its last check, and a
 * snapshot of a mounted root may need its journal replayed. */
int node_fs_check(const char *device, const char *fstype, struct node_error *e) {
        if (streq(fstype, "xfs")) {
                const char *check[] = { "xfs_repair", "-n", device, NULL };
                return node_run_tool(check, 0, _("check the file system"), e);
        }
        /* e2fsck: 0 clean, 1 errors corrected */
        const char *check[] = { "e2fsck", "-f", "-p", device, NULL };
        return node_run_tool(check, 1, _("check the file system"), e);
}

int node_fs_check_and_grow(const struct node_context *ctx, const char *device, const char *fstype,
                          struct node_error *e) {
        int r = node_fs_check(device, fstype, e);
        if (r < 0)
                return r;
        if (streq(fstype, "xfs")) {
                _cleanup_mount_ struct node_mount m = {0};
                if ((r = node_mount_open(ctx, "grow", device, "xfs", NULL, &m, e)) < 0)
                        return r;
                const char *grow[] = { "xfs_growfs", m.dir, NULL };
                if ((r = node_run_tool(grow, 0, _("grow the file system"), e)) < 0)
                        return r;
                return node_mount_close(&m, e);
        }
        const char *grow[] = { "resize2fs", device, NULL };
        return node_run_tool(grow, 0, _("grow the file system"), e);
}

/* Starts writing back the window that ends at `end` and waits for the one
 * before it, then drops that one from the cache: nobody reads it again soon. */
static int writeback_window(int fd, uint64_t end, const char *device, struct node_error *e) {
        off_t this_start = (off_t)(end - WRITEBACK_WINDOW);
        if (sync_file_range(fd, this_start, (off_t)WRITEBACK_WINDOW, SYNC_FILE_RANGE_WRITE) < 0)
                goto failed;
        if (end < 2 * WRITEBACK_WINDOW)
                return 0;
        off_t previous_start = this_start - (off_t)WRITEBACK_WINDOW;
        if (sync_file_range(fd, previous_start, (off_t)WRITEBACK_WINDOW,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) < 0)
                goto failed;
        (void)posix_fadvise(fd, previous_start, (off_t)WRITEBACK_WINDOW, POSIX_FADV_DONTNEED);
        return 0;
failed:
        /* where the target cannot do this (a pipe, an odd file system) the
         * fsync at the end still makes the copy durable */
        if (errno == EINVAL || errno == ESPIPE || errno == ENOSYS)
                return 0;
        return node_error_set(e, errno, _("Cannot write to %s: %m."), device);
}

int node_copy_sparse(const char *source, const char *device, const struct node_reporter *rep, const char *step,
                     struct node_error *e) {
        _cleanup_close_ int in = open(source, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return node_error_set(e, errno, _("Cannot open %s: %m."), source);
        _cleanup_close_ int out = open(device, O_WRONLY | O_CLOEXEC);
        if (out < 0)
                return node_error_set(e, errno, _("Cannot open %s: %m."), device);
        struct stat st;
        if (fstat(in, &st) < 0)
                return node_error_set(e, errno, _("Cannot read %s: %m."), source);
        _cleanup_free_ unsigned char *buf = malloc(COPY_BLOCK);
        if (!buf)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        uint64_t total = (uint64_t)st.st_size, done = 0;
        int r = node_report(rep, step, 0.0, e);
        if (r < 0)
                return r;
        while (done < total) {
                size_t want = total - done < COPY_BLOCK ? (size_t)(total - done) : COPY_BLOCK, got = 0;
                while (got < want) {
                        ssize_t n = pread(in, buf + got, want - got, (off_t)(done + got));
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                return node_error_set(e, errno, _("Cannot read %s: %m."), source);
                        if (n == 0)
                                return node_error_set(e, EIO, _("%s ended before its size was read."), source);
                        got += (size_t)n;
                }
                bool zeros = buf[0] == 0 && memcmp(buf, buf + 1, got - 1) == 0;
                for (size_t put = 0; !zeros && put < got;) {
                        ssize_t n = pwrite(out, buf + put, got - put, (off_t)(done + put));
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                return node_error_set(e, errno, _("Cannot write to %s: %m."), device);
                        put += (size_t)n;
                }
                done += got;
                if (done % WRITEBACK_WINDOW == 0 && (r = writeback_window(out, done, device, e)) < 0)
                        return r;
                if ((r = node_report(rep, step, (double)done / (double)total, e)) < 0)
                        return r;
        }
        if (fsync(out) < 0)
                return node_error_set(e, errno, _("Cannot write to %s: %m."), device);
        int fd = TAKE_FD(out);
        if (close(fd) < 0)
                return node_error_set(e, errno, _("Cannot write to %s: %m."), device);
        return 0;
}

int node_fstab_rewrite(const char *root, const char *layer, const char *layer_device, const char *fstype,
                         const char *var_device, struct node_error *e) {
        char etc[PATH_MAX + 32], path[PATH_MAX + 32], tmp[PATH_MAX + 32];
        snprintf(etc, sizeof etc, "%s/etc", root);
        snprintf(path, sizeof path, "%s/etc/fstab", root);
        snprintf(tmp, sizeof tmp, "%s/etc/fstab.nodecon-new", root);
        struct stat st;
        if (lstat(etc, &st) < 0 && mkdir(etc, 0755) < 0)
                return node_error_set(e, errno, _("Cannot create /etc in layer %s: %m."), layer);
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
                return node_error_set(e, EINVAL, _("/etc/fstab in layer %s is not a regular file."), layer);

        _cleanup_fclose_ FILE *out = fopen(tmp, "we");
        if (!out)
                return node_error_set(e, errno, _("Cannot write /etc/fstab in layer %s: %m."), layer);
        _cleanup_fclose_ FILE *in = fopen(path, "re");
        if (in) {
                char line[4096];
                while (fgets(line, sizeof line, in)) {
                        char source[4096], target[4096];
                        if (sscanf(line, "%4095s %4095s", source, target) == 2 && source[0] != '#' &&
                            (streq(target, "/") || streq(target, "/var")))
                                continue;
                        fputs(line, out);
                }
        }
        fprintf(out, "%s / %s defaults,discard 1 1\n", layer_device, fstype);
        if (var_device)
                fprintf(out, "%s /var ext4 defaults,discard 1 2\n", var_device);
        FILE *f = TAKE_PTR(out);
        if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0) {
                unlink(tmp);
                return node_error_set(e, errno, _("Cannot write /etc/fstab in layer %s: %m."), layer);
        }
        if (rename(tmp, path) < 0) {
                unlink(tmp);
                return node_error_set(e, errno, _("Cannot write /etc/fstab in layer %s: %m."), layer);
        }
        return 0;
}

static int write_fstab(const struct node_context *ctx, const char *vg, const char *layer, const char *fstype,
                       bool with_var, struct node_error *e) {
        char device[PATH_MAX], var_device[PATH_MAX];
        node_lvm_lv_path(vg, layer, device, sizeof device);
        node_lvm_lv_path(vg, NODE_VAR_VOLUME, var_device, sizeof var_device);
        _cleanup_mount_ struct node_mount m = {0};
        int r = node_mount_open(ctx, "layer", device, fstype, NULL, &m, e);
        if (r < 0)
                return r;
        if ((r = node_fstab_rewrite(m.dir, layer, device, fstype, with_var ? var_device : NULL, e)) < 0)
                return r;
        return node_mount_close(&m, e);
}

int node_layer_make(const struct node_context *ctx, struct node_undo *j, const char *vg, const char *base,
                    const char *name, bool with_var, const char *extra_tag, struct node_error *e) {
        int r = node_lvm_create_snapshot(ctx, vg, base, name, NODE_TAG_LAYER, e);
        if (r < 0)
                return r;
        node_undo_lv(j, name);
        if (extra_tag && (r = node_lvm_add_tag(ctx, vg, name, extra_tag, e)) < 0)
                return r;
        /* lvm gives thin snapshots the activation skip flag; a layer is booted, so it must not have it */
        if ((r = node_lvm_set_activation_skip(ctx, vg, name, false, e)) < 0 ||
            (r = node_lvm_activate(ctx, vg, name, true, e)) < 0)
                return r;
        char device[PATH_MAX], fstype[16];
        node_lvm_lv_path(vg, name, device, sizeof device);
        if ((r = node_fs_probe(device, fstype, sizeof fstype, NULL, e)) < 0 ||
            (r = node_fs_new_uuid(device, fstype, e)) < 0)
                return r;
        return write_fstab(ctx, vg, name, fstype, with_var, e);
}

int node_layer_boot_entry_write(const struct node_context *ctx, const char *vg, const char *nvr, const char *layer,
                                const char *root_dir, char *id, size_t size, struct node_error *e) {
        struct node_kernel kernel;
        int r = node_image_find_kernel(root_dir, &kernel, e);
        if (r < 0)
                return r;
        char title[512];
        snprintf(title, sizeof title, "%s (%s)", nvr, layer);
        const struct node_boot_entry_spec spec = {
                .vg = vg,
                .layer = layer,
                .kernel_version = kernel.version,
                .kernel = kernel.kernel,
                .initrd = kernel.initrd[0] ? kernel.initrd : NULL,
                .title = title,
        };
        return node_boot_entry_write(ctx, &spec, id, size, e);
}

int node_base_protect(const struct node_context *ctx, const char *vg, const char *base, struct node_error *e) {
        int r;
        if ((r = node_lvm_set_read_only(ctx, vg, base, true, e)) < 0 ||
            (r = node_lvm_set_activation_skip(ctx, vg, base, true, e)) < 0 ||
            (r = node_lvm_deactivate(ctx, vg, base, e)) < 0)
                return r;
        return 0;
}

