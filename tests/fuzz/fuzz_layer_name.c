/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Layer names "NVR+N": parse, and format back to the same text. */
#include <limits.h>

#include "fuzz.h"
#include "nvr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *name = fuzz_strndup(data, size);
        char nvr[NODE_LV_NAME_MAX + 1];
        unsigned number = 0;
        struct node_error e = { 0 };
        int r = node_layer_name_parse(name, nvr, sizeof nvr, &number, &e);
        fuzz_check_error(r, &e);

        /* a too small buffer is refused, never overrun */
        char tiny[8];
        struct node_error e_tiny = { 0 };
        int r_tiny = node_layer_name_parse(name, tiny, sizeof tiny, NULL, &e_tiny);
        fuzz_check_error(r_tiny, &e_tiny);
        if (r == 0 && strlen(nvr) >= sizeof tiny)
                FUZZ_ASSERT(r_tiny < 0);
        if (r < 0)
                return 0;

        FUZZ_ASSERT(number >= 1);
        FUZZ_ASSERT(node_lv_name_valid(name));
        char formatted[NODE_LV_NAME_MAX + 1];
        struct node_error e_format = { 0 };
        FUZZ_ASSERT(node_layer_name_format(formatted, sizeof formatted, nvr, number, &e_format) == 0);
        FUZZ_ASSERT(streq(formatted, name));

        /* the next layer either fits or is refused with a sentence */
        if (number < UINT_MAX) {
                r = node_layer_name_format(formatted, sizeof formatted, nvr, number + 1, &e_format);
                fuzz_check_error(r, &e_format);
        }
        return 0;
}
