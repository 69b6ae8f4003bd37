/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which mounts are media, how a folder is listed for the image browser, and
 * how a name that is not text is shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media.h"
#include "testutil.h"

static const char mountinfo[] =
        "22 1 253:3 / / rw,relatime shared:1 - ext4 /dev/mapper/onn-root rw\n"
        "30 22 259:1 / /boot/efi rw,relatime shared:5 - vfat /dev/vda1 rw\n"
        "41 22 11:0 / /run/media/admin/NODE\\0404.5 ro,nosuid shared:30 - iso9660 /dev/sr0 ro\n"
        "43 22 0:52 / /mnt/images rw - nfs4 server:/export rw\n"
        "44 22 7:0 / /opt/iso ro shared:33 master:2 - udf /dev/loop0 ro\n"
        "45 22 8:1 / /media/usb\\134stick rw - vfat /dev/sdb1 rw\n"
        "46 22 8:2 / /mediaX rw - vfat /dev/sdc1 rw\n"
        "garbage line without a separator\n"
        "47 22 8:3 / /run/media rw - tmpfs tmpfs rw\n"
        "48 22 8:4 / /mnt/short -\n";

static void test_media_from_mountinfo(void **state) {
        (void)state;
        struct node_media m = { 0 };
        assert_int_equal(node_media_parse_mountinfo(mountinfo, &m), 0);
        assert_int_equal(m.n_media, 4);
        assert_string_equal(m.media[0].mount_point, "/run/media/admin/NODE 4.5");
        assert_string_equal(m.media[0].fstype, "iso9660");
        assert_string_equal(m.media[0].source, "/dev/sr0");
        assert_string_equal(m.media[1].mount_point, "/mnt/images");
        assert_string_equal(m.media[2].mount_point, "/opt/iso");
        assert_string_equal(m.media[2].fstype, "udf");
        assert_string_equal(m.media[3].mount_point, "/media/usb\\stick");
        node_media_free(&m);
        assert_int_equal(node_media_parse_mountinfo("", &m), 0);
        assert_int_equal(m.n_media, 0);
        node_media_free(&m);
}

static void test_display_name(void **state) {
        (void)state;
        char buf[64];
        assert_string_equal(node_media_display_name("node v2+1.squashfs", buf, sizeof buf), "node v2+1.squashfs");
        assert_string_equal(node_media_display_name("bad\xff.img", buf, sizeof buf), "bad\\xff.img");
        assert_string_equal(node_media_display_name("\x1b[2J", buf, sizeof buf), "\\x1b[2J");
        assert_string_equal(node_media_display_name("a\\b", buf, sizeof buf), "a\\x5cb");
        assert_string_equal(node_media_display_name("gr\xc3\xbc\xc3\x9f" "e", buf, sizeof buf), "gr\xc3\xbc\xc3\x9f" "e");
        /* C1 CSI */
        assert_string_equal(node_media_display_name("x\xc2\x9b", buf, sizeof buf), "x\\xc2\\x9b");
        /* cut whole: never half an escape or half a character */
        assert_string_equal(node_media_display_name("ab\xff", buf, 6), "ab");
        assert_string_equal(node_media_display_name("a\xc3\xbc", buf, 3), "a");
}

static void touch(const char *dir, const char *name) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs("x", f);
        fclose(f);
}

static void test_dir_listing(void **state) {
        const char *dir = *state;
        char path[512];
        touch(dir, "readme.txt");
        touch(dir, "node.SQUASHFS");
        touch(dir, "a.iso");
        touch(dir, ".hidden.img");
        snprintf(path, sizeof path, "%s/zdir", dir);
        assert_int_equal(mkdir(path, 0755), 0);
        snprintf(path, sizeof path, "%s/b dir+1", dir);
        assert_int_equal(mkdir(path, 0755), 0);
        struct node_dir_listing l = { 0 };
        struct node_error e = { 0 };
        assert_int_equal(node_dir_list(dir, &l, &e), 0);
        assert_int_equal(l.n_entries, 5);
        assert_string_equal(l.entries[0].name, "b dir+1");
        assert_int_equal(l.entries[0].kind, NODE_ENTRY_DIRECTORY);
        assert_string_equal(l.entries[1].name, "zdir");
        assert_string_equal(l.entries[2].name, "a.iso");
        assert_int_equal(l.entries[2].kind, NODE_ENTRY_IMAGE);
        assert_int_equal(l.entries[2].size_bytes, 1);
        assert_string_equal(l.entries[3].name, "node.SQUASHFS");
        assert_int_equal(l.entries[3].kind, NODE_ENTRY_IMAGE);
        assert_int_equal(l.entries[4].kind, NODE_ENTRY_FILE);
        node_dir_listing_free(&l);
        snprintf(path, sizeof path, "%s/missing", dir);
        assert_true(node_dir_list(path, &l, &e) < 0);
        assert_non_null(strstr(e.message, "cannot be opened"));
        assert_null(l.entries);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_media_from_mountinfo),
                cmocka_unit_test(test_display_name),
                cmocka_unit_test_setup_teardown(test_dir_listing, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
