/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default boot entry as systemd-boot would pick it: loader.conf (its
 * "default" is a glob) and the LoaderEntryDefault EFI variable, under a
 * scratch root with two fixed entries.  Input: loader.conf NUL EFI variable
 * bytes.  Then loader.conf's default is rewritten and must be found again. */
#include "boot.h"
#include "fuzz.h"

static const char *const entry_ids[] = {
        "ovirt-node-ng-4.4.9-0.20211026.0+1-4.18.0-305.el8.x86_64",
        "ovirt-node-ng-4.4.10-0.20220303.0+1-4.18.0-348.el8.x86_64",
};

static const char *root;
static char loader_conf[512], efivar[512];

static void setup_root(void) {
        root = fuzz_scratch_dir();
        char dir[512], path[700];
        snprintf(dir, sizeof dir, "%s/boot/loader/entries", root);
        fuzz_mkdirs(dir);
        for (size_t i = 0; i < ELEMENTSOF(entry_ids); i++) {
                char text[512];
                int n = snprintf(text, sizeof text,
                                 "title %s\nversion 4.18.0\nlinux /%s/vmlinuz\noptions root=/dev/onn/x img.bootid=%s\n",
                                 entry_ids[i], entry_ids[i], entry_ids[i]);
                snprintf(path, sizeof path, "%s/%s.conf", dir, entry_ids[i]);
                fuzz_write_file(path, text, (size_t)n);
        }
        snprintf(dir, sizeof dir, "%s/boot/efi/loader", root);
        fuzz_mkdirs(dir);
        snprintf(loader_conf, sizeof loader_conf, "%s/loader.conf", dir);
        snprintf(dir, sizeof dir, "%s/sys/firmware/efi/efivars", root);
        fuzz_mkdirs(dir);
        snprintf(efivar, sizeof efivar, "%s/LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", dir);
}

static bool is_entry_id(const char *id) {
        for (size_t i = 0; i < ELEMENTSOF(entry_ids); i++)
                if (streq(id, entry_ids[i]))
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!root)
                setup_root();
        const uint8_t *nul = memchr(data, '\0', size);
        size_t conf_len = nul ? (size_t)(nul - data) : size;
        fuzz_write_file(loader_conf, data, conf_len);
        if (nul)
                fuzz_write_file(efivar, nul + 1, size - conf_len - 1);
        else
                unlink(efivar);

        struct node_context ctx = { .root = root };
        char id[NODE_BOOT_ID_MAX];
        struct node_error e = { 0 };
        int r = node_boot_default_entry(&ctx, id, sizeof id, &e);
        fuzz_check_error(r, &e);
        FUZZ_ASSERT(r == 0);
        FUZZ_ASSERT(is_entry_id(id));

        /* naming an entry exactly in loader.conf makes it the default */
        unlink(efivar);
        r = node_loader_conf_set_default(loader_conf, entry_ids[0], &e);
        fuzz_check_error(r, &e);
        FUZZ_ASSERT(r == 0);
        r = node_boot_default_entry(&ctx, id, sizeof id, &e);
        FUZZ_ASSERT(r == 0);
        FUZZ_ASSERT(streq(id, entry_ids[0]));
        return 0;
}
