/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command lines: key lookup, and the options a new layer's entry gets.
 * Input: key NUL command line. */
#include "boot.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *part[2];
        _cleanup_free_ char *buf = fuzz_split(data, size, part, ELEMENTSOF(part));
        (void)buf; /* only owns the strings */
        const char *key = part[0][0] ? part[0] : "img.bootid";
        const char *cmdline = part[1];

        /* every buffer size, down to one byte, is respected */
        static const size_t sizes[] = { 1, 2, 16, 128, 4096 };
        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                char *value = malloc(sizes[i]);
                FUZZ_ASSERT(value != NULL);
                if (node_cmdline_get(cmdline, key, value, sizes[i]))
                        FUZZ_ASSERT(value[0] != '\0' && strlen(value) < sizes[i]);
                free(value);
        }

        /* the new options name the layer once, whatever the old ones held */
        static const char layer[] = "ovirt-node-ng-4.4.10-0.20220303.0+2";
        _cleanup_free_ char *options = NULL;
        FUZZ_ASSERT(node_boot_options_for_layer(cmdline, "onn", layer, &options) == 0);
        FUZZ_ASSERT(options != NULL);
        FUZZ_ASSERT(startswith(options, "root=/dev/onn/"));
        char bootid[256];
        if (!strchr(cmdline, '"')) {
                FUZZ_ASSERT(node_cmdline_get(options, "img.bootid", bootid, sizeof bootid));
                FUZZ_ASSERT(streq(bootid, layer));
                FUZZ_ASSERT(node_cmdline_get(options, "root", bootid, sizeof bootid));
                FUZZ_ASSERT(streq(bootid, "/dev/onn/ovirt-node-ng-4.4.10-0.20220303.0+2"));
        }
        return 0;
}
