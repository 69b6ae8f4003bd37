/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The thin-pool status line of the kernel (or of `dmsetup status`). */
#include "dm.h"
#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = fuzz_strndup(data, size);
        struct node_thin_pool_status st;
        struct node_error e = { 0 };
        int r = node_dm_parse_thin_pool_status(text, &st, &e);
        fuzz_check_error(r, &e);
        if (r < 0) {
                FUZZ_ASSERT(r == -EBADMSG);
                return 0;
        }
        if (st.failed)
                return 0;
        FUZZ_ASSERT(st.total_data_blocks > 0 && st.total_metadata_blocks > 0);
        FUZZ_ASSERT(st.used_data_blocks <= st.total_data_blocks);
        FUZZ_ASSERT(st.used_metadata_blocks <= st.total_metadata_blocks);
        FUZZ_ASSERT(st.data_percent >= 0.0 && st.data_percent <= 100.0);
        FUZZ_ASSERT(st.metadata_percent >= 0.0 && st.metadata_percent <= 100.0);
        return 0;
}
