/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "boot.h"
#include "install.h"
#include "spawn.h"
#include "util.h"
#include "testutil.h"

#define OLD "ovirt-node-ng-4.4.9-0.20211026.0+1"
#define NEW "ovirt-node-ng-4.4.10-0.20220303.0+1"
#define EFI_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

/* ---- a throw-away root ------------------------------------------------ */

static void write_bytes(const char *root, const char *name, const void *data, size_t len) {
        write_test_file(root, name, data, len);
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
        /* '\' takes the next byte as it is: "\n" is 'n', as grub-editenv list shows it */
        assert_string_equal(value, "root=/x a\\b cnd");
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

/* ---- the write side --------------------------------------------------- */

static char *slurp(const char *path, size_t *len) {
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *text = NULL;
        size_t size = 0;
        ssize_t n = getdelim(&text, &size, '\0', f);
        fclose(f);
        if (n < 0) {
                free(text);
                text = strdup("");
                n = 0;
        }
        if (len)
                *len = (size_t)n;
        return text;
}

/* A ring of buffers, so paths can be built inline in assertions. */
static const char *root_path(const char *root, const char *name) {
        static char ring[16][PATH_MAX];
        static unsigned next;
        char *path = ring[next++ % ELEMENTSOF(ring)];
        assert_true(snprintf(path, PATH_MAX, "%s%s", root, name) < PATH_MAX);
        return path;
}

/* Files in dir whose name starts with '.', i.e. temporary files left behind. */
static int count_hidden(const char *dir) {
        DIR *d = opendir(dir);
        assert_non_null(d);
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)))
                if (de->d_name[0] == '.' && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

static void grubenv_set_keeps_other_keys(void **state) {
        const char *root = *state;
        write_grubenv(root, "# a comment grub keeps\nboot_success=1\nsaved_entry=" OLD "-4.18.0\nkernelopts=root=/dev/onn/x ro\n");
        const char *path = root_path(root, "/boot/grub2/grubenv");
        struct node_error e = { 0 };
        assert_int_equal(node_grubenv_set(path, "saved_entry", NEW "-4.18.0", &e), 0);

        size_t len;
        _cleanup_free_ char *text = slurp(path, &len);
        assert_int_equal(len, 1024);
        /* replaced in place, the others kept in their order, '#' padding after */
        const char *want = "# GRUB Environment Block\n# a comment grub keeps\nboot_success=1\nsaved_entry=" NEW
                           "-4.18.0\nkernelopts=root=/dev/onn/x ro\n";
        assert_memory_equal(text, want, strlen(want));
        for (size_t i = strlen(want); i < len; i++)
                assert_int_equal(text[i], '#');
        char v[256];
        assert_int_equal(node_grubenv_get(path, "saved_entry", v, sizeof v, NULL), 0);
        assert_string_equal(v, NEW "-4.18.0");
        assert_int_equal(node_grubenv_get(path, "kernelopts", v, sizeof v, NULL), 0);
        assert_string_equal(v, "root=/dev/onn/x ro");

        /* a new key is appended; removing one keeps the size */
        assert_int_equal(node_grubenv_set(path, "boot_counter", "3", NULL), 0);
        assert_int_equal(node_grubenv_get(path, "boot_counter", v, sizeof v, NULL), 0);
        assert_string_equal(v, "3");
        assert_int_equal(node_grubenv_set(path, "boot_success", NULL, NULL), 0);
        assert_int_equal(node_grubenv_get(path, "boot_success", v, sizeof v, NULL), -ENOENT);
        free(text);
        text = slurp(path, &len);
        assert_int_equal(len, 1024);
        assert_non_null(strstr(text, "\nsaved_entry=" NEW "-4.18.0\nkernelopts=root=/dev/onn/x ro\nboot_counter=3\n#"));
        assert_int_equal(count_hidden(root_path(root, "/boot/grub2")), 0);
}

static void grubenv_set_new_file_and_refusals(void **state) {
        const char *root = *state;
        const char *path = root_path(root, "/grubenv");
        assert_int_equal(node_grubenv_set(path, "saved_entry", "x", NULL), 0);
        size_t len;
        _cleanup_free_ char *text = slurp(path, &len);
        assert_int_equal(len, 1024);
        const char *want = "# GRUB Environment Block\n# WARNING: Do not edit this file by tools other than "
                           "grub-editenv!!!\nsaved_entry=x\n#";
        assert_memory_equal(text, want, strlen(want));

        struct node_error e = { 0 };
        assert_int_equal(node_grubenv_set(path, "a=b", "x", &e), -EINVAL);
        /* no room: the block is left as it was */
        char big[1100];
        memset(big, 'v', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        assert_int_equal(node_grubenv_set(path, "big", big, &e), -ENOSPC);
        assert_non_null(strstr(e.message, "no room"));
        _cleanup_free_ char *after = slurp(path, NULL);
        assert_memory_equal(after, text, 1024);
        /* not a grubenv: refused, untouched */
        write_text(root, "/notenv", "hello\n");
        const char *notenv = root_path(root, "/notenv");
        assert_int_equal(node_grubenv_set(notenv, "saved_entry", "x", &e), -EBADMSG);
        _cleanup_free_ char *hello = slurp(notenv, NULL);
        assert_string_equal(hello, "hello\n");
}

/* The block grub-editenv itself writes, when it is installed. */
static void grubenv_like_grub_editenv(void **state) {
        const char *root = *state;
        const char *ours = root_path(root, "/ours");
        const char *theirs = root_path(root, "/theirs");
        const char *create[] = { "grub-editenv", theirs, "create", NULL };
        struct node_spawn_result r = { 0 };
        if (node_spawn(create, NULL, &r, NULL) < 0 || r.exit_code != 0) {
                node_spawn_result_free(&r);
                skip();
        }
        node_spawn_result_free(&r);
        const char *set[] = { "grub-editenv", theirs, "set", "boot_success=0", "saved_entry=" NEW "-4.18.0", NULL };
        assert_int_equal(node_spawn(set, NULL, &r, NULL), 0);
        assert_int_equal(r.exit_code, 0);
        node_spawn_result_free(&r);
        const char *reset[] = { "grub-editenv", theirs, "set", "saved_entry=" OLD "-4.18.0", NULL };
        assert_int_equal(node_spawn(reset, NULL, &r, NULL), 0);
        node_spawn_result_free(&r);

        assert_int_equal(node_grubenv_set(ours, "boot_success", "0", NULL), 0);
        assert_int_equal(node_grubenv_set(ours, "saved_entry", NEW "-4.18.0", NULL), 0);
        assert_int_equal(node_grubenv_set(ours, "saved_entry", OLD "-4.18.0", NULL), 0);
        size_t a, b;
        _cleanup_free_ char *x = slurp(ours, &a);
        _cleanup_free_ char *y = slurp(theirs, &b);
        assert_int_equal(a, b);
        assert_memory_equal(x, y, a);

        /* and grub-editenv reads what we write */
        const char *list[] = { "grub-editenv", ours, "list", NULL };
        assert_int_equal(node_spawn(list, NULL, &r, NULL), 0);
        assert_string_equal(r.out, "boot_success=0\nsaved_entry=" OLD "-4.18.0\n");
        node_spawn_result_free(&r);
}

/* Runs grub-editenv FILE ARGS...; false when it is not installed. */
static bool grub_editenv(const char *file, const char *const *args) {
        const char *argv[16] = { "grub-editenv", file };
        size_t n = 2;
        for (; *args && n < ELEMENTSOF(argv) - 1; args++)
                argv[n++] = *args;
        argv[n] = NULL;
        struct node_spawn_result r = { 0 };
        bool ok = node_spawn(argv, NULL, &r, NULL) == 0 && r.exit_code == 0;
        node_spawn_result_free(&r);
        return ok;
}

/* Values grub-editenv escapes: '\' as "\\", a newline as '\' + newline.  A
 * continued line that looks like "saved_entry=" belongs to the value before. */
static void grubenv_escapes_of_grub_editenv(void **state) {
        const char *root = *state;
        const char *theirs = root_path(root, "/theirs");
        if (!grub_editenv(theirs, (const char *[]){ "create", NULL }))
                skip();
        assert_true(grub_editenv(theirs, (const char *[]){ "set", "odd=a\\b\\\\c", "multi=one\nsaved_entry=evil\n",
                                                          "trail=end\\", "saved_entry=" NEW "-4.18.0", "after=1",
                                                          NULL }));
        char v[256];
        struct node_error e = { 0 };
        assert_int_equal(node_grubenv_get(theirs, "odd", v, sizeof v, &e), 0);
        assert_string_equal(v, "a\\b\\\\c");
        assert_int_equal(node_grubenv_get(theirs, "multi", v, sizeof v, &e), 0);
        assert_string_equal(v, "one\nsaved_entry=evil\n");
        assert_int_equal(node_grubenv_get(theirs, "trail", v, sizeof v, &e), 0);
        assert_string_equal(v, "end\\");
        assert_int_equal(node_grubenv_get(theirs, "saved_entry", v, sizeof v, &e), 0);
        assert_string_equal(v, NEW "-4.18.0");
        /* an escaped backslash before the newline does not continue the line */
        assert_int_equal(node_grubenv_get(theirs, "after", v, sizeof v, &e), 0);
        assert_string_equal(v, "1");
        assert_int_equal(node_grubenv_get(theirs, "evil", v, sizeof v, &e), -ENOENT);

        /* setting and removing around those values gives grub-editenv's bytes */
        const char *ours = root_path(root, "/ours");
        size_t a, b;
        _cleanup_free_ char *copy = slurp(theirs, &a);
        write_bytes(root, "/ours", copy, a);
        assert_true(grub_editenv(theirs, (const char *[]){ "set", "trail=x\\\ny", NULL }));
        assert_int_equal(node_grubenv_set(ours, "trail", "x\\\ny", &e), 0);
        assert_true(grub_editenv(theirs, (const char *[]){ "unset", "multi", NULL }));
        assert_int_equal(node_grubenv_set(ours, "multi", NULL, &e), 0);
        assert_true(grub_editenv(theirs, (const char *[]){ "set", "saved_entry=" OLD "-4.18.0", NULL }));
        assert_int_equal(node_grubenv_set(ours, "saved_entry", OLD "-4.18.0", &e), 0);
        _cleanup_free_ char *x = slurp(ours, &a);
        _cleanup_free_ char *y = slurp(theirs, &b);
        assert_int_equal(a, b);
        assert_memory_equal(x, y, a);
        assert_int_equal(node_grubenv_get(ours, "trail", v, sizeof v, &e), 0);
        assert_string_equal(v, "x\\\ny");
        assert_int_equal(node_grubenv_get(ours, "after", v, sizeof v, &e), 0);
        assert_string_equal(v, "1");
}

/* A write that fails half-way (file size limit) leaves the old file whole and no temporary file. */
static void atomic_write_failure_leaves_old_file(void **state) {
        const char *root = *state;
        write_grubenv(root, "saved_entry=" OLD "-4.18.0\n");
        const char *path = root_path(root, "/boot/grub2/grubenv");
        const char *dir = root_path(root, "/boot/grub2");
        _cleanup_free_ char *before = slurp(path, NULL);

        struct rlimit old_limit;
        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
        struct rlimit small = { .rlim_cur = 100, .rlim_max = old_limit.rlim_max };
        void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
        struct node_error e = { 0 };
        int r = node_grubenv_set(path, "saved_entry", NEW "-4.18.0", &e);
        setrlimit(RLIMIT_FSIZE, &old_limit);
        signal(SIGXFSZ, old_handler);

        assert_int_equal(r, -EFBIG);
        assert_non_null(strstr(e.message, path));
        _cleanup_free_ char *after = slurp(path, NULL);
        assert_memory_equal(after, before, 1024);
        assert_int_equal(count_hidden(dir), 0);

        /* rename fails (the target is a non-empty directory): no temporary file either */
        write_text(root, "/target/inside", "x");
        const char *target = root_path(root, "/target");
        assert_true(node_write_file_atomic(target, "data", 4, 0644, &e) < 0);
        assert_int_equal(count_hidden(root), 0);
}

static void loader_conf_default_kept_lines(void **state) {
        const char *root = *state;
        write_text(root, "/efi/loader/loader.conf", "timeout 3\n#default commented\ndefault old.conf\neditor no\ndefault older.conf\n");
        const char *path = root_path(root, "/efi/loader/loader.conf");
        assert_int_equal(node_loader_conf_set_default(path, NEW "-6.1.0.conf", NULL), 0);
        _cleanup_free_ char *text = slurp(path, NULL);
        assert_string_equal(text, "timeout 3\n#default commented\ndefault " NEW "-6.1.0.conf\neditor no\n");
        /* no default line yet: one is added */
        write_text(root, "/efi/loader/loader.conf", "timeout 3");
        assert_int_equal(node_loader_conf_set_default(path, "x.conf", NULL), 0);
        free(text);
        text = slurp(path, NULL);
        assert_string_equal(text, "timeout 3\ndefault x.conf\n");
        assert_int_equal(node_loader_conf_set_default(path, "a\nb", NULL), -EINVAL);
        assert_int_equal(count_hidden(root_path(root, "/efi/loader")), 0);
}

static void detect_loader(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        struct node_boot_setup s;
        struct node_error e = { 0 };
        assert_int_equal(node_boot_detect(&ctx, &s, &e), -ENOENT);
        assert_non_null(strstr(e.message, "grubenv"));
        write_text(root, "/boot/efi/loader/loader.conf", "timeout 3\n");
        assert_int_equal(node_boot_detect(&ctx, &s, NULL), 0);
        assert_int_equal(s.loader, NODE_BOOT_LOADER_SYSTEMD_BOOT);
        assert_true(startswith(s.entries_dir, root));
        assert_string_equal(s.entries_dir + strlen(root), "/boot/efi/loader/entries");
        /* a grubenv wins: grub is what the firmware starts */
        write_grubenv(root, "");
        assert_int_equal(node_boot_detect(&ctx, &s, NULL), 0);
        assert_int_equal(s.loader, NODE_BOOT_LOADER_GRUB);
        assert_string_equal(s.entries_dir + strlen(root), "/boot/loader/entries");
        assert_string_equal(s.boot_dir + strlen(root), "/boot");
}

static void options_for_layer(void **state) {
        (void)state;
        _cleanup_free_ char *o = NULL;
        assert_int_equal(node_boot_options_for_layer("BOOT_IMAGE=/x root=/dev/onn/" OLD " ro crashkernel=auto "
                                                     "rd.lvm.lv=onn/" OLD " rd.lvm.lv=onn/swap img.bootid=" OLD
                                                     " rhgb quiet",
                                                     "onn", NEW, &o),
                         0);
        assert_string_equal(o, "root=/dev/onn/" NEW " rd.lvm.lv=onn/" NEW " img.bootid=" NEW
                               " ro crashkernel=auto rd.lvm.lv=onn/swap rhgb quiet");
        free(o);
        o = NULL;
        assert_int_equal(node_boot_options_for_layer(NULL, "vg", "a-1-1+2", &o), 0);
        assert_string_equal(o, "root=/dev/vg/a-1-1+2 rd.lvm.lv=vg/a-1-1+2 img.bootid=a-1-1+2");
}

/* A grub node that booted OLD, its default: grubenv, OLD's entry and
 * /proc/cmdline (extra: options after img.bootid). */
static void grub_node_booted_from_old(const char *root, const char *extra) {
        write_grubenv(root, "saved_entry=" OLD "-4.18.0\n");
        write_entry(root, "/boot/loader/entries", OLD "-4.18.0.conf", OLD, NULL);
        char cmdline[512];
        snprintf(cmdline, sizeof cmdline, "BOOT_IMAGE=x root=/dev/onn/" OLD " img.bootid=" OLD "%s\n", extra);
        write_text(root, "/proc/cmdline", cmdline);
}

/* Writing an entry, reading it back, making it the default, removing it. */
static void entry_write_round_trip(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        grub_node_booted_from_old(root, " console=ttyS0");
        write_text(root, "/src/vmlinuz", "KERNEL");
        write_text(root, "/src/initrd", "INITRD");
        const char *kernel = root_path(root, "/src/vmlinuz");
        const char *initrd = root_path(root, "/src/initrd");

        struct node_boot_entry_spec spec = { .vg = "onn", .layer = NEW, .kernel_version = "4.18.0-348.el8.x86_64",
                                             .kernel = kernel, .initrd = initrd };
        char id[256];
        struct node_error e = { 0 };
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, &e), 0);
        assert_string_equal(id, NEW "-4.18.0-348.el8.x86_64");

        struct node_boot_entry entry;
        assert_int_equal(node_boot_entry_find(&ctx, NEW, &entry, &e), 0);
        assert_string_equal(entry.id, id);
        assert_string_equal(entry.layer, NEW);
        assert_string_equal(entry.title, NEW);
        assert_string_equal(entry.version, "4.18.0-348.el8.x86_64");
        assert_string_equal(entry.linux_path, "/" NEW "/vmlinuz-4.18.0-348.el8.x86_64");
        assert_string_equal(entry.initrd, "/" NEW "/initramfs-4.18.0-348.el8.x86_64.img");
        /* the booted entry's other options carried over */
        assert_string_equal(entry.options, "root=/dev/onn/" NEW " rd.lvm.lv=onn/" NEW " img.bootid=" NEW " ro");
        node_boot_entry_clear(&entry);
        _cleanup_free_ char *copied = slurp(root_path(root, "/boot/" NEW "/vmlinuz-4.18.0-348.el8.x86_64"), NULL);
        assert_string_equal(copied, "KERNEL");

        /* writing does not change the default; set_default does */
        char layer[256];
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);
        assert_int_equal(node_boot_set_default(&ctx, NEW, &e), 0);
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);

        struct node_boot_entry *entries;
        size_t n;
        long def;
        assert_int_equal(node_boot_list(&ctx, &entries, &n, &def, NULL), 0);
        assert_int_equal(n, 2);
        assert_true(def >= 0);
        assert_string_equal(entries[def].layer, NEW);
        node_boot_entries_free(entries, n);

        /* a layer without an entry cannot become the default */
        assert_int_equal(node_boot_set_default(&ctx, "nothing-1-1+1", &e), -ENOENT);
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);

        assert_int_equal(node_boot_entry_remove(&ctx, OLD, &e), 0);
        assert_int_equal(node_boot_entry_find(&ctx, OLD, &entry, NULL), -ENOENT);
        assert_int_equal(node_boot_entry_find(&ctx, NEW, &entry, NULL), 0);
        node_boot_entry_clear(&entry);
        assert_int_equal(node_boot_entry_remove(&ctx, NEW, &e), 0);
        struct stat st;
        assert_int_equal(stat(root_path(root, "/boot/" NEW), &st), -1);
        assert_int_equal(node_boot_entry_remove(&ctx, "../etc", &e), -EINVAL);
}

/* A new layer's entry as upgrade and add-layer write it: the kernel and
 * initrd of the layer's own /boot, titled "NVR (LAYER)", the booted entry's
 * options with the layer's root; the default stays. */
static void layer_entry_from_its_boot(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        grub_node_booted_from_old(root, "");
        write_text(root, "/layer/boot/vmlinuz-6.1.0-18-amd64", "LAYER KERNEL");
        write_text(root, "/layer/boot/initrd.img-6.1.0-18-amd64", "LAYER INITRD");
        char layer_root[PATH_MAX];
        snprintf(layer_root, sizeof layer_root, "%s", root_path(root, "/layer"));
        char id[256];
        struct node_error e = { 0 };
        assert_int_equal(node_layer_boot_entry_write(&ctx, "onn", "ovirt-node-ng-4.4.10-0.20220303.0", NEW, layer_root,
                                                     id, sizeof id, &e),
                         0);
        assert_string_equal(id, NEW "-6.1.0-18-amd64");
        struct node_boot_entry entry;
        assert_int_equal(node_boot_entry_find(&ctx, NEW, &entry, &e), 0);
        assert_string_equal(entry.title, "ovirt-node-ng-4.4.10-0.20220303.0 (" NEW ")");
        assert_string_equal(entry.linux_path, "/" NEW "/vmlinuz-6.1.0-18-amd64");
        assert_string_equal(entry.initrd, "/" NEW "/initramfs-6.1.0-18-amd64.img");
        assert_string_equal(entry.options, "root=/dev/onn/" NEW " rd.lvm.lv=onn/" NEW " img.bootid=" NEW " ro");
        node_boot_entry_clear(&entry);
        _cleanup_free_ char *kernel = slurp(root_path(root, "/boot/" NEW "/vmlinuz-6.1.0-18-amd64"), NULL);
        _cleanup_free_ char *initrd = slurp(root_path(root, "/boot/" NEW "/initramfs-6.1.0-18-amd64.img"), NULL);
        assert_string_equal(kernel, "LAYER KERNEL");
        assert_string_equal(initrd, "LAYER INITRD");
        char layer[256];
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);
        /* a layer whose /boot has no kernel gets no entry */
        snprintf(layer_root, sizeof layer_root, "%s", root_path(root, "/empty"));
        assert_int_equal(node_layer_boot_entry_write(&ctx, "onn", "x-1-1", "x-1-1+1", layer_root, id, sizeof id, &e),
                         -ENOENT);
        struct stat st;
        assert_int_equal(stat(root_path(root, "/boot/x-1-1+1"), &st), -1);
}

static void entry_write_systemd_boot(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        write_text(root, "/efi/loader/loader.conf", "timeout 3\n");
        write_text(root, "/src/vmlinuz", "K");
        const char *kernel = root_path(root, "/src/vmlinuz");
        struct node_boot_entry_spec spec = { .vg = "onn", .layer = NEW, .kernel_version = "6.1.0-18-amd64",
                                             .kernel = kernel, .options = "console=ttyS0" };
        char id[256];
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, NULL), 0);
        spec.layer = OLD;
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, NULL), 0);
        struct stat st;
        assert_int_equal(stat(root_path(root, "/efi/loader/entries/" NEW "-6.1.0-18-amd64.conf"), &st), 0);
        assert_int_equal(stat(root_path(root, "/efi/" NEW "/vmlinuz-6.1.0-18-amd64"), &st), 0);
        assert_int_equal(node_boot_set_default(&ctx, OLD, NULL), 0);
        _cleanup_free_ char *conf = slurp(root_path(root, "/efi/loader/loader.conf"), NULL);
        assert_string_equal(conf, "timeout 3\ndefault " OLD "-6.1.0-18-amd64.conf\n");
        char layer[256];
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);

        /* bad input: refused, nothing written */
        struct node_error e = { 0 };
        spec.layer = "../x";
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, &e), -EINVAL);
        spec.layer = NEW;
        spec.kernel_version = "5";
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, &e), -EINVAL);
        spec.kernel_version = "6.1";
        spec.kernel = "/nonexistent/vmlinuz";
        assert_int_equal(node_boot_entry_write(&ctx, &spec, id, sizeof id, &e), -ENOENT);
        assert_int_equal(stat(root_path(root, "/efi/loader/entries/" NEW "-6.1.conf"), &st), -1);
}

static void trial_pattern(void **state) {
        (void)state;
        char pattern[512];
        const char *ids[] = { "n-1.0+1-6.1", "n-1.0+2-6.1", "n-1.0+3-6.1", "other" };
        assert_int_equal(node_boot_trial_pattern("n-1.0+2-6.1", "n-1.0+1-6.1", ids, 4, pattern, sizeof pattern), 0);
        assert_string_equal(pattern, "n-1.0+[21]-6.1[+.]*");
        /* counted or not, trial and fallback match; layer 3 does not */
        assert_int_equal(fnmatch(pattern, "n-1.0+2-6.1+3.conf", 0), 0);
        assert_int_equal(fnmatch(pattern, "n-1.0+2-6.1+0-3.conf", 0), 0);
        assert_int_equal(fnmatch(pattern, "n-1.0+2-6.1.conf", 0), 0);
        assert_int_equal(fnmatch(pattern, "n-1.0+1-6.1.conf", 0), 0);
        assert_int_not_equal(fnmatch(pattern, "n-1.0+3-6.1.conf", 0), 0);

        /* different lengths: prefix * suffix, still only the two */
        const char *nvrs[] = { OLD "-6.1", NEW "-6.1" };
        assert_int_equal(node_boot_trial_pattern(NEW "-6.1", OLD "-6.1", nvrs, 2, pattern, sizeof pattern), 0);
        assert_int_equal(fnmatch(pattern, NEW "-6.1+3.conf", 0), 0);
        assert_int_equal(fnmatch(pattern, OLD "-6.1.conf", 0), 0);

        /* a third entry the pattern cannot leave out: refused */
        const char *crossed[] = { "x+1", "x+2", "y+1", "y+2" };
        assert_int_equal(node_boot_trial_pattern("x+2", "y+1", crossed, 4, pattern, sizeof pattern), -EINVAL);
        /* glob characters in an id, the same id twice, no room */
        assert_int_equal(node_boot_trial_pattern("a*", "b", NULL, 0, pattern, sizeof pattern), -EINVAL);
        assert_int_equal(node_boot_trial_pattern("a", "a", NULL, 0, pattern, sizeof pattern), -EINVAL);
        assert_int_equal(node_boot_trial_pattern("a+2", "a+1", NULL, 0, pattern, 4), -ENAMETOOLONG);
}

/* What systemd-boot does to a counted entry at each boot. */
static void count_down(const char *root, const char *from, const char *to) {
        assert_int_equal(rename(root_path(root, from), root_path(root, to)), 0);
}

static void trial_default_and_fallback(void **state) {
        const char *root = *state;
        struct node_context ctx = { .root = root };
        write_entry(root, "/efi/loader/entries", OLD "-6.1.0.conf", OLD, NULL);
        write_entry(root, "/efi/loader/entries", NEW "-6.1.0.conf", NEW, NULL);
        write_text(root, "/efi/loader/loader.conf", "timeout 0\ndefault " OLD "-6.1.0.conf\n");
        write_text(root, "/proc/cmdline", "root=/dev/onn/" OLD " img.bootid=" OLD "\n");
        char layer[256];
        struct node_error e = { 0 };

        /* refusals change nothing */
        assert_int_equal(node_boot_set_default_trial(&ctx, NEW, 0, &e), -ERANGE);
        assert_int_equal(node_boot_set_default_trial(&ctx, NEW, 10, &e), -ERANGE);
        assert_int_equal(node_boot_set_default_trial(&ctx, OLD, 3, &e), -EALREADY);
        assert_int_equal(node_boot_set_default_trial(&ctx, "nope+1", 3, &e), -ENOENT);
        _cleanup_free_ char *before = slurp(root_path(root, "/efi/loader/loader.conf"), NULL);
        assert_string_equal(before, "timeout 0\ndefault " OLD "-6.1.0.conf\n");

        assert_int_equal(node_boot_set_default_trial(&ctx, NEW, 3, &e), 0);
        struct stat st;
        assert_int_equal(stat(root_path(root, "/efi/loader/entries/" NEW "-6.1.0+3.conf"), &st), 0);
        assert_int_equal(stat(root_path(root, "/efi/loader/entries/" NEW "-6.1.0.conf"), &st), -1);
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);
        struct node_boot_entry entry;
        assert_int_equal(node_boot_entry_find(&ctx, NEW, &entry, NULL), 0);
        assert_int_equal(entry.tries_left, 3);
        assert_int_equal(entry.tries_done, 0);
        node_boot_entry_clear(&entry);

        /* the older layer cannot be tried with a fallback to the newer one */
        assert_int_equal(node_boot_set_default_trial(&ctx, OLD, 2, &e), -EINVAL);
        assert_non_null(strstr(e.message, "comes after"));

        /* tries used up: the pattern's first match in the menu is the old layer again */
        struct node_boot_fallback fb;
        assert_int_equal(node_boot_last_fallback(&ctx, &fb, NULL), 0);
        assert_false(fb.fell_back);
        count_down(root, "/efi/loader/entries/" NEW "-6.1.0+3.conf", "/efi/loader/entries/" NEW "-6.1.0+1-2.conf");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, NEW);
        count_down(root, "/efi/loader/entries/" NEW "-6.1.0+1-2.conf", "/efi/loader/entries/" NEW "-6.1.0+0-3.conf");
        assert_int_equal(node_boot_default_layer(&ctx, layer, sizeof layer, NULL), 0);
        assert_string_equal(layer, OLD);

        assert_int_equal(node_boot_last_fallback(&ctx, &fb, NULL), 0);
        assert_true(fb.fell_back);
        assert_string_equal(fb.from_layer, NEW);
        assert_string_equal(fb.booted_layer, OLD);
        assert_int_equal(fb.tries, 3);
        assert_string_equal(fb.reason, "");
        write_text(root, "/var/lib/nodecon/health/" NEW, "engine unreachable\nmore\n");
        assert_int_equal(node_boot_last_fallback(&ctx, &fb, NULL), 0);
        assert_string_equal(fb.reason, "engine unreachable");

        /* booted the layer that ran out (by hand from the menu): no fallback */
        write_text(root, "/proc/cmdline", "img.bootid=" NEW "\n");
        assert_int_equal(node_boot_last_fallback(&ctx, &fb, NULL), 0);
        assert_false(fb.fell_back);

        /* bootctl's LoaderEntryDefault would override loader.conf: refused, nothing changed */
        write_efi_var(root, "LoaderEntryDefault", OLD "-6.1.0.conf");
        _cleanup_free_ char *pattern = slurp(root_path(root, "/efi/loader/loader.conf"), NULL);
        assert_int_equal(node_boot_set_default(&ctx, OLD, &e), -EBUSY);
        assert_non_null(strstr(e.message, "bootctl set-default"));
        assert_int_equal(node_boot_set_default_trial(&ctx, NEW, 1, &e), -EBUSY);
        _cleanup_free_ char *after = slurp(root_path(root, "/efi/loader/loader.conf"), NULL);
        assert_string_equal(pattern, after);

        /* grub counts too: boot_counter and boot_success beside saved_entry, in one write */
        write_grubenv(root, "saved_entry=" OLD "-6.1.0\n");
        assert_int_equal(node_boot_set_default_trial(&ctx, NEW, 1, &e), 0);
        _cleanup_free_ char *env = slurp(root_path(root, "/boot/grub2/grubenv"), NULL);
        assert_non_null(strstr(env, "boot_counter=1\n"));
        assert_non_null(strstr(env, "boot_success=0\n"));
        assert_non_null(strstr(env, "saved_entry=" NEW));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(cmdline_values),
                cmocka_unit_test_setup_teardown(entry_parse, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(entry_order, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(grubenv, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(default_none, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(default_first_in_menu, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(default_from_grub, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(default_from_systemd_boot, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(grubenv_set_keeps_other_keys, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(grubenv_set_new_file_and_refusals, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(grubenv_like_grub_editenv, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(grubenv_escapes_of_grub_editenv, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(atomic_write_failure_leaves_old_file, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(loader_conf_default_kept_lines, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(detect_loader, make_temp_dir, remove_temp_dir),
                cmocka_unit_test(options_for_layer),
                cmocka_unit_test_setup_teardown(entry_write_round_trip, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(layer_entry_from_its_boot, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(entry_write_systemd_boot, make_temp_dir, remove_temp_dir),
                cmocka_unit_test(trial_pattern),
                cmocka_unit_test_setup_teardown(trial_default_and_fallback, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
