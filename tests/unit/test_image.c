/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/image: superblock probing on crafted images, NVR reading from trees,
 * and the refusals node_image_inspect makes before it mounts anything. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "image.h"
#include "util.h"

static char dir[64];

static int setup(void **state) {
        (void)state;
        strcpy(dir, "/tmp/test_image.XXXXXX");
        return mkdtemp(dir) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st, (void)flag, (void)ftw;
        return remove(path);
}

static int teardown(void **state) {
        (void)state;
        return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_at(const char *path, off_t offset, const void *data, size_t n, off_t size) {
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, size), 0);
        assert_int_equal(pwrite(fd, data, n, offset), (ssize_t)n);
        close(fd);
}

static void put_le32(unsigned char *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static void put_be32(unsigned char *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put_be64(unsigned char *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }

static void test_probe_ext4(void **state) {
        (void)state;
        unsigned char sb[1024] = {0};
        put_le32(sb + 0x04, 8192);      /* blocks */
        put_le32(sb + 0x0C, 6000);      /* free blocks */
        put_le32(sb + 0x18, 2);         /* 4096-byte blocks */
        sb[0x38] = 0x53;
        sb[0x39] = 0xEF;
        char path[128], fstype[16];
        snprintf(path, sizeof path, "%s/ext4.img", dir);
        write_at(path, 1024, sb, sizeof sb, 1 << 20);
        uint64_t used = 0;
        struct node_error e = {0};
        assert_int_equal(node_fs_probe(path, fstype, sizeof fstype, &used, &e), 0);
        assert_string_equal(fstype, "ext4");
        assert_int_equal(used, (uint64_t)(8192 - 6000) * 4096);
}

static void test_probe_ext4_64bit(void **state) {
        (void)state;
        unsigned char sb[1024] = {0};
        put_le32(sb + 0x04, 0);
        put_le32(sb + 0x150, 1);        /* 2^32 blocks */
        put_le32(sb + 0x0C, 0);
        put_le32(sb + 0x158, 1);        /* all free but ... */
        put_le32(sb + 0x04, 10);        /* ... 10 */
        put_le32(sb + 0x18, 0);         /* 1024-byte blocks */
        put_le32(sb + 0x60, 0x80);      /* 64bit */
        sb[0x38] = 0x53;
        sb[0x39] = 0xEF;
        char path[128], fstype[16];
        snprintf(path, sizeof path, "%s/ext64.img", dir);
        write_at(path, 1024, sb, sizeof sb, 1 << 20);
        uint64_t used = 0;
        assert_int_equal(node_fs_probe(path, fstype, sizeof fstype, &used, NULL), 0);
        assert_int_equal(used, 10 * 1024);
}

static void test_probe_xfs(void **state) {
        (void)state;
        unsigned char sb[512] = {0};
        memcpy(sb, "XFSB", 4);
        put_be32(sb + 4, 4096);
        put_be64(sb + 8, 100000);
        put_be64(sb + 144, 40000);
        char path[128], fstype[16];
        snprintf(path, sizeof path, "%s/xfs.img", dir);
        write_at(path, 0, sb, sizeof sb, 1 << 20);
        uint64_t used = 0;
        assert_int_equal(node_fs_probe(path, fstype, sizeof fstype, &used, NULL), 0);
        assert_string_equal(fstype, "xfs");
        assert_int_equal(used, (uint64_t)60000 * 4096);
}

static void test_probe_garbage(void **state) {
        (void)state;
        char path[128], fstype[16];
        snprintf(path, sizeof path, "%s/garbage.img", dir);
        unsigned char junk[2048];
        for (size_t i = 0; i < sizeof junk; i++)
                junk[i] = (unsigned char)(i * 7 + 3);
        write_at(path, 0, junk, sizeof junk, sizeof junk);
        struct node_error e = {0};
        assert_int_equal(node_fs_probe(path, fstype, sizeof fstype, NULL, &e), -EMEDIUMTYPE);
        assert_non_null(strstr(e.message, "neither an ext4 nor an xfs"));
        /* too short to hold a superblock */
        snprintf(path, sizeof path, "%s/short.img", dir);
        write_at(path, 0, "XFS", 3, 3);
        assert_int_equal(node_fs_probe(path, fstype, sizeof fstype, NULL, &e), -EMEDIUMTYPE);
}

static void make_nvr_tree(const char *root, const char *content) {
        char path[256];
        const char *parts[] = { "/usr", "/usr/share", "/usr/share/imgbase", "/usr/share/imgbase/build",
                                "/usr/share/imgbase/build/meta" };
        mkdir(root, 0755);
        for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
                snprintf(path, sizeof path, "%s%s", root, parts[i]);
                mkdir(path, 0755);
        }
        if (content) {
                snprintf(path, sizeof path, "%s%s", root, NODE_IMAGE_NVR_FILE);
                write_at(path, 0, content, strlen(content), (off_t)strlen(content));
        }
}

static void test_read_nvr(void **state) {
        (void)state;
        char root[128], nvr[256];
        struct node_error e = {0};
        snprintf(root, sizeof root, "%s/good", dir);
        make_nvr_tree(root, "nodecon-node-4.5.0-0.20261101.0\n");
        assert_int_equal(node_image_read_nvr(root, "The image x", nvr, sizeof nvr, &e), 0);
        assert_string_equal(nvr, "nodecon-node-4.5.0-0.20261101.0");

        snprintf(root, sizeof root, "%s/missing", dir);
        make_nvr_tree(root, NULL);
        assert_int_equal(node_image_read_nvr(root, "The image x", nvr, sizeof nvr, &e), -ENODATA);
        assert_string_equal(e.message, "The image x has no version file /usr/share/imgbase/build/meta/nvr.");

        snprintf(root, sizeof root, "%s/empty", dir);
        make_nvr_tree(root, "\n");
        assert_int_equal(node_image_read_nvr(root, "The image x", nvr, sizeof nvr, &e), -EINVAL);

        static const char *const bad[] = { "nodecon node 4.5", "nodecon-node", "-node-1-2", "a-b-c\nd-e-f",
                                           "name-1.0-1/../../x", "name-1.0-\x1b[2J" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                snprintf(root, sizeof root, "%s/bad%zu", dir, i);
                make_nvr_tree(root, bad[i]);
                assert_int_equal(node_image_read_nvr(root, "The image x", nvr, sizeof nvr, &e), -EINVAL);
                assert_non_null(strstr(e.message, "malformed version"));
                assert_null(strchr(e.message, '\x1b'));
                assert_null(strchr(e.message, '\n'));
        }
}

static void test_read_nvr_symlink_out_of_root(void **state) {
        (void)state;
        char root[128], outside[160], link_path[256], nvr[256];
        snprintf(outside, sizeof outside, "%s/outside-nvr", dir);
        write_at(outside, 0, "host-secret-1-1", 15, 15);
        snprintf(root, sizeof root, "%s/escape", dir);
        make_nvr_tree(root, NULL);
        snprintf(link_path, sizeof link_path, "%s%s", root, NODE_IMAGE_NVR_FILE);
        assert_int_equal(symlink(outside, link_path), 0);
        struct node_error e = {0};
        assert_int_equal(node_image_read_nvr(root, "The image x", nvr, sizeof nvr, &e), -ENODATA);
}

static void test_inspect_refusals(void **state) {
        (void)state;
        struct node_context ctx = { .run_dir = dir };
        struct node_image_info info;
        struct node_error e = {0};
        char path[128];
        snprintf(path, sizeof path, "%s/nonexistent.squashfs", dir);
        assert_int_equal(node_image_inspect(&ctx, path, &info, &e), -ENOENT);
        assert_non_null(strstr(e.message, "does not exist"));

        assert_int_equal(node_image_inspect(&ctx, dir, &info, &e), -EMEDIUMTYPE);
        assert_non_null(strstr(e.message, "not a regular file"));

        snprintf(path, sizeof path, "%s/text.img", dir);
        write_at(path, 0, "hello world\n", 12, 12);
        assert_int_equal(node_image_inspect(&ctx, path, &info, &e), -EMEDIUMTYPE);
        assert_non_null(strstr(e.message, "not a squashfs file"));

        snprintf(path, sizeof path, "%s/tiny.img", dir);
        write_at(path, 0, "hs", 2, 2);
        assert_int_equal(node_image_inspect(&ctx, path, &info, &e), -EMEDIUMTYPE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_probe_ext4),
                cmocka_unit_test(test_probe_ext4_64bit),
                cmocka_unit_test(test_probe_xfs),
                cmocka_unit_test(test_probe_garbage),
                cmocka_unit_test(test_read_nvr),
                cmocka_unit_test(test_read_nvr_symlink_out_of_root),
                cmocka_unit_test(test_inspect_refusals),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
