/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's CA as get-pki-trust answers it: parse, fingerprint, re-encode.
 * A parsed CA must re-parse from its re-encoding to the same fingerprints,
 * and what is shown to the admin must hold no control characters. */
#include "engine.h"
#include "fuzz.h"

static void assert_printable(const char *s) {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct node_engine_ca ca, again;
        struct node_error e = { 0 };
        char *pem = NULL;
        int r = node_engine_parse_ca((const char *)data, size, &ca, &pem, &e);
        fuzz_check_error(r, &e);
        if (r < 0) {
                FUZZ_ASSERT(pem == NULL);
                return 0;
        }
        FUZZ_ASSERT(pem != NULL);
        FUZZ_ASSERT(strlen(ca.sha256) == 32 * 3 - 1);
        FUZZ_ASSERT(strlen(ca.sha1) == 20 * 3 - 1);
        assert_printable(ca.subject);
        assert_printable(ca.issuer);
        FUZZ_ASSERT(node_engine_fingerprint_matches(&ca, ca.sha256));
        r = node_engine_parse_ca(pem, strlen(pem), &again, NULL, &e);
        FUZZ_ASSERT(r == 0);
        FUZZ_ASSERT(streq(again.sha256, ca.sha256));
        FUZZ_ASSERT(streq(again.subject, ca.subject));
        free(pem);
        return 0;
}
