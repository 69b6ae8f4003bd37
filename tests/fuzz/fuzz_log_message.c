/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A journal message on its way to the admin's terminal.  Whatever a service
 * logs, what comes out must hold no control character (C0, DEL, C1) and be
 * well-formed UTF-8, or a log line could clear the screen or move the cursor
 * of the console's log viewer. */
#include "fuzz.h"
#include "journal.h"

static void check_clean(const unsigned char *s) {
        for (size_t i = 0; s[i];) {
                FUZZ_ASSERT(s[i] >= 0x20 && s[i] != 0x7f);
                if (s[i] < 0x80) {
                        i++;
                        continue;
                }
                size_t n = (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
                FUZZ_ASSERT(n != 0);
                for (size_t k = 1; k < n; k++)
                        FUZZ_ASSERT((s[i + k] & 0xc0) == 0x80);
                /* no C1 control: U+0080..U+009F is 0xc2 0x80..0x9f */
                FUZZ_ASSERT(!(s[i] == 0xc2 && s[i + 1] <= 0x9f));
                /* no overlong two-byte form */
                FUZZ_ASSERT(s[i] >= 0xc2);
                i += n;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *out = node_journal_printable((const char *)data, size);
        FUZZ_ASSERT(out);
        check_clean((const unsigned char *)out);
        /* every input byte yields at most one replacement character */
        FUZZ_ASSERT(strlen(out) <= size * 3 + 64);
        free(out);
        return 0;
}
