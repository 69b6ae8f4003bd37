/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/upgrade's checks that need no LVM: the image's SHA-256 (given, or from
 * IMAGE.sha256), keep_images from the config file, and finding the kernel and
 * initrd an image boots. */
#include <ctype.h>
#include <errno.h>
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
#include "upgrade.h"
#include "util.h"

#include "testutil.h"

/* sha256("abc\n"), as sha256sum prints it */
#define ABC_DIGEST "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb"

static void write_file(const char *dir, const char *name, const char *text) {
        char slash_name[PATH_MAX];
        snprintf(slash_name, sizeof slash_name, "/%s", name);
        write_test_file(dir, slash_name, text, strlen(text));
}

static void test_sha256(void **state) {
        const char *dir = *state;
        char image[PATH_MAX];
        snprintf(image, sizeof image, "%s/image.squashfs", dir);
        write_file(dir, "image.squashfs", "abc\n");
        struct node_error e = {0};
        bool checked = true;

        /* no digest given and no IMAGE.sha256: nothing to check */
        assert_int_equal(node_image_verify_sha256(image, NULL, &checked, &e), 0);
        assert_false(checked);
        assert_int_equal(node_image_verify_sha256(image, ABC_DIGEST, &checked, &e), 0);
        assert_true(checked);
        char upper[65];
        for (size_t i = 0; i < 65; i++)
                upper[i] = (char)toupper((unsigned char)ABC_DIGEST[i]);
        assert_int_equal(node_image_verify_sha256(image, upper, &checked, &e), 0);

        char wrong[65];
        snprintf(wrong, sizeof wrong, "%s", ABC_DIGEST);
        wrong[0] = '0';
        assert_int_equal(node_image_verify_sha256(image, wrong, &checked, &e), -EBADE);
        assert_false(checked);
        assert_non_null(strstr(e.message, ABC_DIGEST));
        assert_int_equal(node_image_verify_sha256(image, "abc", &checked, &e), -EINVAL);
        assert_int_equal(node_image_verify_sha256(image, ABC_DIGEST "0", &checked, &e), -EINVAL);

        write_file(dir, "image.squashfs.sha256", ABC_DIGEST "  image.squashfs\n");
        assert_int_equal(node_image_verify_sha256(image, NULL, &checked, &e), 0);
        assert_true(checked);
        char line[128];
        snprintf(line, sizeof line, "%s  image.squashfs\n", wrong);
        write_file(dir, "image.squashfs.sha256", line);
        assert_int_equal(node_image_verify_sha256(image, NULL, &checked, &e), -EBADE);
        write_file(dir, "image.squashfs.sha256", "not a digest\n");
        assert_int_equal(node_image_verify_sha256(image, NULL, &checked, &e), -EINVAL);
        write_file(dir, "image.squashfs.sha256", "");
        assert_int_equal(node_image_verify_sha256(image, NULL, &checked, &e), -EINVAL);
}

static void test_keep_images(void **state) {
        const char *dir = *state;
        struct node_context ctx = { .root = dir };
        struct node_error e = {0};
        unsigned keep = 0;
        assert_int_equal(node_upgrade_keep_images(&ctx, &keep, &e), 0);
        assert_int_equal(keep, NODE_KEEP_IMAGES_DEFAULT);

        static const struct { const char *text; int r; unsigned keep; } cases[] = {
                { "keep_images = 3\n", 0, 3 },
                { "# comment\nother = x\n  keep_images=5\n", 0, 5 },
                { "keep_images = 1\nkeep_images = 4\n", 0, 4 },
                { "something = 1\n", 0, NODE_KEEP_IMAGES_DEFAULT },
                { "keep_images = 0\n", -EINVAL, 0 },
                { "keep_images = -1\n", -EINVAL, 0 },
                { "keep_images = 2x\n", -EINVAL, 0 },
                { "keep_images = 2 3\n", -EINVAL, 0 },
                { "keep_images =\n", -EINVAL, 0 },
                { "keep_images = 101\n", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                write_file(dir, "etc/nodecon/nodecon.conf", cases[i].text);
                node_error_clear(&e);
                int r = node_upgrade_keep_images(&ctx, &keep, &e);
                assert_int_equal(r, cases[i].r);
                if (r == 0)
                        assert_int_equal(keep, cases[i].keep);
                else
                        assert_non_null(strstr(e.message, "keep_images"));
        }
}

static void test_find_kernel(void **state) {
        const char *dir = *state;
        struct node_kernel k;
        struct node_error e = {0};
        assert_int_equal(node_image_find_kernel(dir, &k, &e), -ENOENT);
        write_file(dir, "boot/config-6.1.0-9-amd64", "");
        assert_int_equal(node_image_find_kernel(dir, &k, &e), -ENOENT);

        /* Debian names, and the newest version by rpm's order (10 > 9) */
        write_file(dir, "boot/vmlinuz-6.1.0-9-amd64", "k9");
        write_file(dir, "boot/initrd.img-6.1.0-9-amd64", "i9");
        write_file(dir, "boot/vmlinuz-6.1.0-10-amd64", "k10");
        assert_int_equal(node_image_find_kernel(dir, &k, &e), 0);
        assert_string_equal(k.version, "6.1.0-10-amd64");
        assert_string_equal(k.initrd, "");
        write_file(dir, "boot/initrd.img-6.1.0-10-amd64", "i10");
        assert_int_equal(node_image_find_kernel(dir, &k, &e), 0);
        assert_non_null(strstr(k.initrd, "/boot/initrd.img-6.1.0-10-amd64"));
        assert_non_null(strstr(k.kernel, "/boot/vmlinuz-6.1.0-10-amd64"));

        /* RHEL names win over the others for the same version; a directory is no kernel */
        write_file(dir, "boot/initramfs-6.1.0-10-amd64.img", "r10");
        char sub[PATH_MAX];
        snprintf(sub, sizeof sub, "%s/boot/vmlinuz-7.0", dir);
        assert_int_equal(mkdir(sub, 0755), 0);
        assert_int_equal(node_image_find_kernel(dir, &k, &e), 0);
        assert_string_equal(k.version, "6.1.0-10-amd64");
        assert_non_null(strstr(k.initrd, "/boot/initramfs-6.1.0-10-amd64.img"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_sha256, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(test_keep_images, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(test_find_kernel, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
