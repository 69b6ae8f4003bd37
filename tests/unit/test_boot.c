/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
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

#include "boot.h"
#include "spawn.h"
#include "util.h"

#define OLD "ovirt-node-ng-4.4.9-0.20211026.0+1"
#define NEW "ovirt-node-ng-4.4.10-0.20220303.0+1"
#define EFI_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

/* ---- a throw-away root ------------------------------------------------ */

static void write_bytes(const char *root, const char *name, const void *data, size_t len) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", root, name);
        for (char *slash = path + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
                *slash = '\0';
                mkdir(path, 0755);
                *slash = '/';
        }
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        fclose(f);
}

static void write_text(const char *root, const char *name, const char *text) {
        write_bytes(root, name, text, strlen(text));
}

static void write_entry(const char *root, const char *dir, const char *file, const char *layer,
                        const char *extra) {
        char name[PATH_MAX], text[2048];
        snprintf(name, sizeof name, "%s/%s", dir, file);
        snprintf(text, sizeof text,
                 "title oVirt Node %s\nversion 4.18.0-348.el8.x86_64\nlinux /%s/vmlinuz-4.18.0\n"
                 "initrd /%s/initramfs-4.18.0.img\noptions root=/dev/onn/%s ro rd.lvm.lv=onn/%s img.bootid=%s\n%s",
                 layer, layer, layer, layer, layer, layer, extra ? extra : "");
        write_text(root, name, text);
}

static void write_grubenv(const char *root, const char *body) {
        char block[1024];
        int n = snprintf(block, sizeof block, "# GRUB Environment Block\n%s", body);
        memset(block + n, '#', sizeof block - (size_t)n);
        write_bytes(root, "/boot/grub2/grubenv", block, sizeof block);
}

static void write_efi_var(const char *root, const char *name, const char *value) {
        unsigned char data[600] = { 0x07, 0, 0, 0 };
        size_t len = 4;
        for (const char *c = value; *c; c++) {
                data[len++] = (unsigned char)*c;
                data[len++] = 0;
        }
        data[len++] = 0;
        data[len++] = 0;
        char path[256];
        snprintf(path, sizeof path, "/sys/firmware/efi/efivars/%s-" EFI_GUID, name);
        write_bytes(root, path, data, len);
}

static int make_root(void **state) {
        char *root = strdup("/tmp/nodecon-test-boot.XXXXXX");
        assert_non_null(mkdtemp(root));
        *state = root;
        return 0;
}

static int remove_root(void **state) {
        const char *argv[] = { "rm", "-rf", *state, NULL };
        struct node_spawn_result r;
        assert_int_equal(node_spawn(argv, NULL, &r, NULL), 0);
        node_spawn_result_free(&r);
        free(*state);
        return 0;
}

/* ---- tests ---------------------------------------------------------- */

static void cmdline_values(void **state) {
        (void)state;
        char v[128];
        assert_true(node_cmdline_get("BOOT_IMAGE=/vmlinuz img.bootid=" NEW " quiet\n", "img.bootid", v, sizeof v));
        assert_string_equal(v, NEW);
        assert_true(node_cmdline_get("img.bootid=" NEW "\n", "img.bootid", v, sizeof v));
        assert_string_equal(v, NEW);
        assert_true(node_cmdline_get("ro\timg.bootid=a-1-1+1", "img.bootid", v, sizeof v));
        assert_string_equal(v, "a-1-1+1");
        assert_true(node_cmdline_get("x img.bootid=\"a b\" y", "img.bootid", v, sizeof v));
        assert_string_equal(v, "a b");
        assert_true(node_cmdline_get("x \"img.bootid=a b\" y", "img.bootid", v, sizeof v));
        assert_string_equal(v, "a b");
        /* later occurrences override earlier ones, even to nothing */
        assert_true(node_cmdline_get("img.bootid=one img.bootid=two", "img.bootid", v, sizeof v));
        assert_string_equal(v, "two");
        assert_false(node_cmdline_get("img.bootid=one img.bootid=", "img.bootid", v, sizeof v));
        assert_false(node_cmdline_get("img.bootid", "img.bootid", v, sizeof v));
        assert_false(node_cmdline_get("ximg.bootid=a img.bootidx=b IMG.BOOTID=c", "img.bootid", v, sizeof v));
        assert_false(node_cmdline_get("", "img.bootid", v, sizeof v));
        assert_false(node_cmdline_get(NULL, "img.bootid", v, sizeof v));
        assert_false(node_cmdline_get("\n", "img.bootid", v, sizeof v));
        /* a value that does not fit is not silently cut */
        char small[4];
        assert_false(node_cmdline_get("img.bootid=abcd", "img.bootid", small, sizeof small));
        assert_true(node_cmdline_get("img.bootid=abc", "img.bootid", small, sizeof small));
        assert_string_equal(small, "abc");
        /* an unterminated quote runs to the end */
        assert_true(node_cmdline_get("a \"img.bootid=x y", "img.bootid", v, sizeof v));
        assert_string_equal(v, "x y");

        char *huge = malloc(10000);
        memset(huge, 'a', 9999);
        memcpy(huge, "img.bootid=", 11);
        huge[9999] = '\0';
        char big[20000];
        assert_false(node_cmdline_get(huge, "img.bootid", big, sizeof big));
        free(huge);
}

static void entry_parse(void **state) {
        const char *root = *state;
        write_text(root, "/boot/loader/entries/" NEW "-4.18.0.conf",
                   "# written by nodectl\n"
                   "title   oVirt Node 4.4.10  \n"
                   "version\t4.18.0-348.el8.x86_64\n"
                   "\n"
                   "linux /" NEW "/vmlinuz\n"
                   "initrd /" NEW "/initramfs.img\n"
                   "initrd /" NEW "/ucode.img\n"
                   "options root=/dev/onn/" NEW " ro\n"
                   "options img.bootid=" NEW " crashkernel=auto\n"
                   "machine-id 0123456789abcdef\n"
                   "sort-key ovirt\n"
                   "grub_users $grub_users\n");
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/boot/loader/entries/" NEW "-4.18.0.conf", root);
        struct node_boot_entry entry;
        struct node_error e = { 0 };
        assert_int_equal(node_boot_entry_parse(path, &entry, &e), 0);
        assert_string_equal(entry.id, NEW "-4.18.0");
        assert_int_equal(entry.tries_left, -1);
        assert_string_equal(entry.title, "oVirt Node 4.4.10");
        assert_string_equal(entry.version, "4.18.0-348.el8.x86_64");
        assert_string_equal(entry.linux_path, "/" NEW "/vmlinuz");
        assert_string_equal(entry.initrd, "/" NEW "/initramfs.img /" NEW "/ucode.img");
        assert_string_equal(entry.options, "root=/dev/onn/" NEW " ro img.bootid=" NEW " crashkernel=auto");
        assert_string_equal(entry.layer, NEW);
        assert_string_equal(entry.machine_id, "0123456789abcdef");
        assert_string_equal(entry.sort_key, "ovirt");
        assert_string_equal(entry.path, path);
        node_boot_entry_clear(&entry);
        assert_null(entry.title);

        /* systemd-boot boot counting in the file name */
        write_text(root, "/boot/loader/entries/counted+3-1.conf", "linux /vmlinuz\n");
        snprintf(path, sizeof path, "%s/boot/loader/entries/counted+3-1.conf", root);
        assert_int_equal(node_boot_entry_parse(path, &entry, &e), 0);
        assert_string_equal(entry.id, "counted");
        assert_int_equal(entry.tries_left, 3);
        assert_null(entry.layer);
        assert_null(entry.options);
        node_boot_entry_clear(&entry);

        write_text(root, "/boot/loader/entries/spent+0.conf", "efi /EFI/x.efi\n");
        snprintf(path, sizeof path, "%s/boot/loader/entries/spent+0.conf", root);
        assert_int_equal(node_boot_entry_parse(path, &entry, &e), 0);
        assert_string_equal(entry.id, "spent");
        assert_int_equal(entry.tries_left, 0);
        node_boot_entry_clear(&entry);

        write_text(root, "/boot/loader/entries/nokernel.conf", "title x\noptions img.bootid=a-1-1+1\n");
        snprintf(path, sizeof path, "%s/boot/loader/entries/nokernel.conf", root);
        assert_int_equal(node_boot_entry_parse(path, &entry, &e), -EBADMSG);
        assert_non_null(strstr(e.message, "nokernel.conf"));

        snprintf(path, sizeof path, "%s/boot/loader/entries/absent.conf", root);
        assert_int_equal(node_boot_entry_parse(path, &entry, &e), -ENOENT);
}

static void entry_order(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        struct node_boot_entry *entries;
        size_t n;

        assert_int_equal(node_boot_entries(&ctx, &entries, &n, NULL), 0);
        assert_int_equal(n, 0);
        node_boot_entries_free(entries, n);

        write_entry(root, "/boot/loader/entries", OLD "-4.18.0.conf", OLD, NULL);
        write_entry(root, "/boot/loader/entries", NEW "-4.18.0.conf", NEW, NULL);
        write_entry(root, "/boot/efi/loader/entries", "a-1-9+1-6.1.0.conf", "a-1-9+1", NULL);
        write_entry(root, "/efi/loader/entries", "a-1-10+1-6.1.0.conf", "a-1-10+1", NULL);
        write_entry(root, "/boot/loader/entries", "keyed.conf", "k-1-1+1", "sort-key aaa\n");
        write_entry(root, "/boot/loader/entries", "spent+0-2.conf", "s-1-1+1", NULL);
        write_text(root, "/boot/loader/entries/README", "not an entry\n");
        write_text(root, "/boot/loader/entries/broken.conf", "title no kernel\n");
        write_text(root, "/boot/loader/entries/.hidden.conf", "linux /x\n");

        assert_int_equal(node_boot_entries(&ctx, &entries, &n, NULL), 0);
        const char *expected[] = {
                "keyed",              /* sort-key first */
                NEW "-4.18.0",        /* then ids newest first, compared like versions */
                OLD "-4.18.0",
                "a-1-10+1-6.1.0",
                "a-1-9+1-6.1.0",
                "spent",              /* out of tries: last */
        };
        for (size_t i = 0; i < n && i < ELEMENTSOF(expected); i++)
                if (!streq(entries[i].id, expected[i]))
                        fail_msg("entry %zu is %s, expected %s", i, entries[i].id, expected[i]);
        assert_int_equal(n, ELEMENTSOF(expected));
        assert_string_equal(entries[3].layer, "a-1-10+1");
        node_boot_entries_free(entries, n);
}

static void grubenv(void **state) {
        const char *root = *state;
        char path[PATH_MAX], value[256];
        struct node_error e = { 0 };
        snprintf(path, sizeof path, "%s/boot/grub2/grubenv", root);

        assert_int_equal(node_grubenv_get(path, "saved_entry", value, sizeof value, &e), -ENOENT);

        write_grubenv(root, "saved_entry=" NEW "-4.18.0\nboot_success=1\nkernelopts=root=/x a\\\\b c\\nd\n");
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 1024);
        assert_int_equal(node_grubenv_get(path, "saved_entry", value, sizeof value, &e), 0);
        assert_string_equal(value, NEW "-4.18.0");
        assert_int_equal(node_grubenv_get(path, "boot_success", value, sizeof value, &e), 0);
        assert_string_equal(value, "1");
        assert_int_equal(node_grubenv_get(path, "kernelopts", value, sizeof value, &e), 0);
        assert_string_equal(value, "root=/x a\\b c\nd");
        assert_int_equal(node_grubenv_get(path, "saved", value, sizeof value, &e), -ENOENT);
        assert_int_equal(node_grubenv_get(path, "boot", value, sizeof value, &e), -ENOENT);
        char tiny[4];
        assert_int_equal(node_grubenv_get(path, "saved_entry", tiny, sizeof tiny, &e), -ENAMETOOLONG);

        write_text(root, "/boot/grub2/grubenv", "saved_entry=x\n");
        assert_int_equal(node_grubenv_get(path, "saved_entry", value, sizeof value, &e), -EBADMSG);
        write_text(root, "/boot/grub2/grubenv", "");
        assert_int_equal(node_grubenv_get(path, "saved_entry", value, sizeof value, &e), -EBADMSG);
}

static void default_none(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        char layer[128];
        struct node_error e = { 0 };
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, &e), -ENOENT);
        assert_string_equal(e.message, "There are no boot entries.");
        assert_int_equal(node_boot_default_entry(&ctx, layer, sizeof layer, &e), -ENOENT);
}

static void default_first_in_menu(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        write_entry(root, "/boot/loader/entries", OLD "-4.18.0.conf", OLD, NULL);
        write_entry(root, "/boot/loader/entries", NEW "-4.18.0.conf", NEW, NULL);
        char layer[128];
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);
        /* an empty saved_entry means "no choice" */
        write_grubenv(root, "saved_entry=\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);
}

static void default_from_grub(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        write_entry(root, "/boot/loader/entries", OLD "-4.18.0.conf", OLD, NULL);
        write_entry(root, "/boot/loader/entries", NEW "-4.18.0.conf", NEW, NULL);
        char layer[128], id[256];

        write_grubenv(root, "saved_entry=" OLD "-4.18.0\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);
        assert_int_equal(node_boot_default_entry(&ctx, id, sizeof id, NULL), 0);
        assert_string_equal(id, OLD "-4.18.0");

        /* grub also takes a title or a menu index */
        write_grubenv(root, "saved_entry=oVirt Node " OLD "\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);
        write_grubenv(root, "saved_entry=1\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);

        /* a saved entry that no longer exists: grub falls back to the first */
        write_grubenv(root, "saved_entry=gone-4.18.0\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);

        /* grub beats systemd-boot settings */
        write_grubenv(root, "saved_entry=" OLD "-4.18.0\n");
        write_text(root, "/boot/efi/loader/loader.conf", "default " NEW "*\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);
}

static void default_from_systemd_boot(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        write_entry(root, "/efi/loader/entries", OLD "-6.1.0.conf", OLD, NULL);
        write_entry(root, "/efi/loader/entries", NEW "-6.1.0.conf", NEW, NULL);
        write_entry(root, "/efi/loader/entries", "plain.conf", "p-1-1+1", NULL);
        char layer[128];

        write_text(root, "/efi/loader/loader.conf", "timeout 3\n# default nothing\ndefault ovirt-node-ng-4.4.9*\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);

        /* the name with ".conf" works too, and the last default line wins */
        write_text(root, "/efi/loader/loader.conf", "default plain\ndefault " NEW "-6.1.0.conf\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);

        /* a pattern matching nothing: the first entry of the menu */
        write_text(root, "/efi/loader/loader.conf", "default nothing-*\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, "p-1-1+1");

        /* @saved: the entry booted last, when the variable is readable */
        write_text(root, "/efi/loader/loader.conf", "default @saved\n");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, "p-1-1+1");
        write_efi_var(root, "LoaderEntryLastBooted", OLD "-6.1.0.conf");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);

        /* bootctl set-default beats loader.conf */
        write_efi_var(root, "LoaderEntryDefault", NEW "-6.1.0.conf");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);

        /* an entry without img.bootid boots no layer */
        write_efi_var(root, "LoaderEntryDefault", "other.conf");
        write_text(root, "/efi/loader/entries/other.conf", "title Other OS\nlinux /vmlinuz\n");
        struct node_error e = { 0 };
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, &e), -ENOENT);
        assert_non_null(strstr(e.message, "other"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(cmdline_values),
                cmocka_unit_test_setup_teardown(entry_parse, make_root, remove_root),
                cmocka_unit_test_setup_teardown(entry_order, make_root, remove_root),
                cmocka_unit_test_setup_teardown(grubenv, make_root, remove_root),
                cmocka_unit_test_setup_teardown(default_none, make_root, remove_root),
                cmocka_unit_test_setup_teardown(default_first_in_menu, make_root, remove_root),
                cmocka_unit_test_setup_teardown(default_from_grub, make_root, remove_root),
                cmocka_unit_test_setup_teardown(default_from_systemd_boot, make_root, remove_root),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
