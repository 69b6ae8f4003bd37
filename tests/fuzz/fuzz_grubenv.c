/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grubenv: read a key, set it, read it back.  Input: key NUL value NUL file
 * content.  The block must keep its size and the value must come back as it
 * was set (grub-editenv escaping). */
#include <sys/stat.h>

#include "boot.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *part[2];
        _cleanup_free_ char *buf = fuzz_split(data, size, part, ELEMENTSOF(part));
        (void)buf; /* only owns the strings */
        const char *key = part[0][0] ? part[0] : "saved_entry";
        const char *value = part[1];
        /* the file is the raw rest, NULs included */
        size_t skip = 0;
        for (int i = 0; i < 2 && skip < size; i++) {
                const uint8_t *nul = memchr(data + skip, '\0', size - skip);
                skip = nul ? (size_t)(nul - data) + 1 : size;
        }

        char path[512];
        snprintf(path, sizeof path, "%s/grubenv", fuzz_scratch_dir());
        fuzz_write_file(path, data + skip, size - skip);

        char got[4097];
        struct node_error e = { 0 };
        int r = node_grubenv_get(path, key, got, sizeof got, &e);
        fuzz_check_error(r, &e);
        char small[4];
        r = node_grubenv_get(path, key, small, sizeof small, &e);
        fuzz_check_error(r, &e);

        r = node_grubenv_set(path, key, value[0] ? value : NULL, &e);
        fuzz_check_error(r, &e);
        if (r == 0) {
                struct stat st;
                FUZZ_ASSERT(stat(path, &st) == 0);
                size_t old_size = size - skip;
                FUZZ_ASSERT((size_t)st.st_size == (old_size > 1024 ? old_size : 1024));
                /* grub-editenv writes '\n' in a value as "\<newline>"; lines
                 * are split first, so only newline-free values round-trip
                 * (see the report on node_grubenv_get) */
                if (value[0] && !strchr(value, '\n') && st.st_size <= 4096) {
                        r = node_grubenv_get(path, key, got, sizeof got, &e);
                        fuzz_check_error(r, &e);
                        FUZZ_ASSERT(r == 0);
                        FUZZ_ASSERT(streq(got, value));
                }
        }
        unlink(path);
        return 0;
}
