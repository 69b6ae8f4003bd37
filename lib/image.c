/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "mount.h"
#include "nvr.h"
#include "util.h"

#define SQUASHFS_MAGIC "hsqs"        /* little-endian 0x73717368 at offset 0 */
#define EXT_SUPERBLOCK 1024
#define EXT_MAGIC 0xEF53
#define EXT_FEATURE_INCOMPAT_64BIT 0x80
#define XFS_MAGIC "XFSB"

static uint16_t le16_at(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return le16toh(v); }
static uint32_t le32_at(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static uint32_t be32_at(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return be32toh(v); }
static uint64_t be64_at(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }

/* Figures from an ext2/3/4 superblock (at byte 1024); false if there is none. */
static bool ext_used_bytes(const unsigned char *sb, uint64_t *used) {
        if (le16_at(sb + 0x38) != EXT_MAGIC)
                return false;
        uint32_t log_block = le32_at(sb + 0x18);
        if (log_block > 6)
                return false;
        uint64_t block_size = 1024u << log_block;
        uint64_t blocks = le32_at(sb + 0x04), free_blocks = le32_at(sb + 0x0C);
        if (le32_at(sb + 0x60) & EXT_FEATURE_INCOMPAT_64BIT) {
                blocks |= (uint64_t)le32_at(sb + 0x150) << 32;
                free_blocks |= (uint64_t)le32_at(sb + 0x158) << 32;
        }
        *used = free_blocks <= blocks ? (blocks - free_blocks) * block_size : 0;
        return true;
}

/* Figures from an XFS primary superblock (big-endian, at byte 0). */
static bool xfs_used_bytes(const unsigned char *sb, uint64_t *used) {
        if (memcmp(sb, XFS_MAGIC, 4) != 0)
                return false;
        uint64_t block_size = be32_at(sb + 4), blocks = be64_at(sb + 8), free_blocks = be64_at(sb + 144);
        if (block_size < 512 || block_size > 65536)
                return false;
        *used = free_blocks <= blocks ? (blocks - free_blocks) * block_size : 0;
        return true;
}

int node_fs_probe(const char *path, char *fstype, size_t fstype_size, uint64_t *used_bytes,
                  struct node_error *e) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return node_error_set(e, errno, _("Cannot open %s: %m."), path);
        unsigned char buf[EXT_SUPERBLOCK + 1024];
        ssize_t n = pread(fd, buf, sizeof buf, 0);
        if (n < 0)
                return node_error_set(e, errno, _("Cannot read %s: %m."), path);
        memset(buf + n, 0, sizeof buf - (size_t)n);
        uint64_t used = 0;
        const char *type = NULL;
        if (n >= (ssize_t)sizeof buf && ext_used_bytes(buf + EXT_SUPERBLOCK, &used))
                type = "ext4";
        else if (n >= 512 && xfs_used_bytes(buf, &used))
                type = "xfs";
        if (!type)
                return node_error_set(e, EMEDIUMTYPE, _("%s holds neither an ext4 nor an xfs file system."), path);
        snprintf(fstype, fstype_size, "%s", type);
        if (used_bytes)
                *used_bytes = used;
        return 0;
}

/* Copies text for a message, replacing what a terminal would interpret. */
static void printable(const char *in, char *out, size_t size) {
        size_t i = 0;
        for (; *in && i + 1 < size; in++)
                out[i++] = (unsigned char)*in < 0x20 || *in == 0x7f ? '?' : *in;
        out[i] = '\0';
}

int node_image_read_nvr(const char *root_dir, const char *what, char *nvr, size_t size, struct node_error *e) {
        char path[PATH_MAX], real_root[PATH_MAX], real_file[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", root_dir, NODE_IMAGE_NVR_FILE);
        if (!realpath(root_dir, real_root))
                return node_error_set(e, errno, _("Cannot read the file system of %s: %m."), what);
        /* a symlink in the image must not lead to a file of this machine */
        if (!realpath(path, real_file) || !startswith(real_file, real_root) ||
            real_file[strlen(real_root)] != '/')
                return node_error_set(e, ENODATA, _("%s has no version file %s."), what, NODE_IMAGE_NVR_FILE);
        _cleanup_close_ int fd = open(real_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return node_error_set(e, ENODATA, _("%s has no version file %s."), what, NODE_IMAGE_NVR_FILE);
        char text[512];
        ssize_t n = read(fd, text, sizeof text - 1);
        if (n < 0)
                return node_error_set(e, errno, _("Cannot read the version file of %s: %m."), what);
        text[n] = '\0';
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
                text[--n] = '\0';
        char shown[128];
        printable(text, shown, sizeof shown);
        if (n == 0)
                return node_error_set(e, EINVAL, _("The version file %s of %s is empty."), NODE_IMAGE_NVR_FILE, what);
        struct node_error why = {0};
        if ((size_t)n >= size || strlen(text) != (size_t)n || node_nvr_check_lv_name(text, &why) < 0)
                return node_error_set(e, EINVAL, _("%s has a malformed version \"%s\" in %s."), what, shown,
                                      NODE_IMAGE_NVR_FILE);
        memcpy(nvr, text, (size_t)n + 1);
        return 0;
}

static bool regular_file(const char *path) {
        struct stat st;
        return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int node_image_find_kernel(const char *root_dir, struct node_kernel *k, struct node_error *e) {
        memset(k, 0, sizeof *k);
        char boot[PATH_MAX];
        snprintf(boot, sizeof boot, "%s/boot", root_dir);
        _cleanup_closedir_ DIR *d = opendir(boot);
        for (struct dirent *de; d && (de = readdir(d));) {
                const char *version = startswith(de->d_name, "vmlinuz-") ? de->d_name + strlen("vmlinuz-") : NULL;
                char path[PATH_MAX];
                if (!version || !*version || strlen(version) >= sizeof k->version ||
                    snprintf(path, sizeof path, "%s/%s", boot, de->d_name) >= (int)sizeof path || !regular_file(path))
                        continue;
                if (k->version[0] && node_rpmvercmp(version, k->version) <= 0)
                        continue;
                snprintf(k->version, sizeof k->version, "%s", version);
                snprintf(k->kernel, sizeof k->kernel, "%s", path);
        }
        if (!k->version[0])
                return node_error_set(e, ENOENT, _("%s has no kernel (boot/vmlinuz-*)."), root_dir);
        static const struct { const char *before, *after; } initrd_names[] = {
                { "initramfs-", ".img" }, { "initrd.img-", "" }, { "initrd-", ".img" },
        };
        for (size_t i = 0; i < ELEMENTSOF(initrd_names); i++) {
                char path[PATH_MAX];
                if (snprintf(path, sizeof path, "%s/%s%s%s", boot, initrd_names[i].before, k->version,
                             initrd_names[i].after) < (int)sizeof path && regular_file(path)) {
                        snprintf(k->initrd, sizeof k->initrd, "%s", path);
                        break;
                }
        }
        return 0;
}

/* Mount options that keep a read-only mount from writing: no journal replay. */
static const char *read_only_options(const char *fstype) {
        return streq(fstype, "xfs") ? "ro,loop,norecovery" : "ro,loop,noload";
}

int node_image_inspect(const struct node_context *ctx, const char *path, struct node_image_info *info,
                       struct node_error *e) {
        memset(info, 0, sizeof *info);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return node_error_set(e, ENOENT, _("The image file %s does not exist."), path);
                if (errno == EACCES || errno == EPERM)
                        return node_error_set(e, EACCES, _("The image file %s cannot be read: %m."), path);
                return node_error_set(e, errno, _("Cannot open the image file %s: %m."), path);
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return node_error_set(e, errno, _("Cannot open the image file %s: %m."), path);
        if (!S_ISREG(st.st_mode))
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a node image: it is not a regular file."), path);
        char magic[4];
        ssize_t n = pread(fd, magic, sizeof magic, 0);
        if (n < 0)
                return node_error_set(e, EACCES, _("The image file %s cannot be read: %m."), path);
        if (n != (ssize_t)sizeof magic || memcmp(magic, SQUASHFS_MAGIC, sizeof magic) != 0)
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a node image: it is not a squashfs file."), path);

        _cleanup_mount_ struct node_mount squash = {0};
        int r = node_mount_open(ctx, "image", path, "squashfs", "ro,loop", &squash, e);
        if (r < 0)
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a node image: it cannot be mounted as a squashfs."),
                                      path);
        char rootfs[PATH_MAX];
        node_mount_path(&squash, NODE_IMAGE_ROOTFS, rootfs, sizeof rootfs);
        if (lstat(rootfs, &st) < 0 || !S_ISREG(st.st_mode))
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a node image: it has no %s."), path,
                                      NODE_IMAGE_ROOTFS);
        info->rootfs_size_bytes = (uint64_t)st.st_size;
        struct node_error probe_error = {0};
        if (node_fs_probe(rootfs, info->fstype, sizeof info->fstype, &info->rootfs_used_bytes, &probe_error) < 0)
                return node_error_set(e, EMEDIUMTYPE,
                                      _("%s is not a node image: its %s is neither an ext4 nor an xfs file system."),
                                      path, NODE_IMAGE_ROOTFS);

        _cleanup_mount_ struct node_mount root = {0};
        r = node_mount_open(ctx, "rootfs", rootfs, info->fstype, read_only_options(info->fstype), &root, e);
        if (r < 0)
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a node image: its %s cannot be mounted."), path,
                                      NODE_IMAGE_ROOTFS);
        char what[PATH_MAX + 16];
        snprintf(what, sizeof what, _("The image %s"), path);
        r = node_image_read_nvr(root.dir, what, info->nvr, sizeof info->nvr, e);
        if (r < 0)
                return r;
        struct node_kernel kernel;
        if (node_image_find_kernel(root.dir, &kernel, NULL) == 0)
                snprintf(info->kernel_version, sizeof info->kernel_version, "%s", kernel.version);
        /* unmount now so a failing umount is reported rather than ignored */
        if ((r = node_mount_close(&root, e)) < 0 || (r = node_mount_close(&squash, e)) < 0)
                return r;
        return 0;
}
