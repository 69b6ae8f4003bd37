/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One Boot Loader Specification entry file.  Input: the file name (boot
 * counter included), a NUL byte, then the file's content.  The parser reads
 * only through a path, so the content goes to a scratch file. */
#include "boot.h"
#include "fuzz.h"
#include "nvr.h"

static bool safe_file_name(const char *name) {
        return name[0] && !strchr(name, '/') && !streq(name, ".") && !streq(name, "..") && strlen(name) < 200;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const uint8_t *nul = memchr(data, '\0', size);
        size_t name_len = nul ? (size_t)(nul - data) : 0;
        _cleanup_free_ char *name = fuzz_strndup(data, name_len);
        const uint8_t *content = nul ? nul + 1 : data;
        size_t content_len = size - (size_t)(content - data);
        if (!safe_file_name(name)) {
                free(name);
                name = strdup("ovirt-node-ng-4.4.10-0.20220303.0+1-4.18.0-348.el8.x86_64+3-1.conf");
        }

        char path[512];
        snprintf(path, sizeof path, "%s/%s", fuzz_scratch_dir(), name);
        fuzz_write_file(path, content, content_len);

        struct node_boot_entry entry;
        struct node_error e = { 0 };
        int r = node_boot_entry_parse(path, &entry, &e);
        unlink(path);
        fuzz_check_error(r, &e);
        if (r < 0)
                return 0;
        FUZZ_ASSERT(entry.path && streq(entry.path, path));
        FUZZ_ASSERT(entry.linux_path != NULL);
        FUZZ_ASSERT(strlen(entry.id) < sizeof entry.id);
        FUZZ_ASSERT(entry.tries_left >= -1);
        if (entry.layer) {
                FUZZ_ASSERT(entry.options != NULL);
                FUZZ_ASSERT(entry.layer[0] != '\0' && strlen(entry.layer) <= NODE_LV_NAME_MAX);
        }
        node_boot_entry_clear(&entry);
        FUZZ_ASSERT(entry.path == NULL && entry.tries_left == -1);
        return 0;
}
