/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Everything else the engine (or the admin, or our own state file) hands the
 * registration: the first byte picks the parser, the rest is its input.
 *   0 SSH key   1 protocol version   2 error page   3 state file   4 ENGINE[:PORT]
 *   5 `nodectl --json engine` (nodecon's probe)
 * Properties: a parsed key re-parses from its line to the same fingerprint; an
 * error text is printable and bounded; a parsed target re-parses the same. */
#include "engine.h"
#include "fuzz.h"

static void assert_printable(const char *s) {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
}

static void ssh_key(const char *body, size_t len) {
        struct node_error e = { 0 };
        char *line = NULL, fp[64], again[64];
        int r = node_engine_parse_ssh_key(body, len, &line, fp, sizeof fp, &e);
        fuzz_check_error(r, &e);
        if (r < 0)
                return;
        FUZZ_ASSERT(strncmp(fp, "SHA256:", 7) == 0 && strlen(fp) == 7 + 43);
        FUZZ_ASSERT(!strchr(line, '\n'));
        assert_printable(line);
        char *line2 = NULL;
        r = node_engine_parse_ssh_key(line, strlen(line), &line2, again, sizeof again, &e);
        FUZZ_ASSERT(r == 0 && streq(fp, again) && streq(line, line2));
        free(line);
        free(line2);
}

static void target(const char *text) {
        struct node_error e = { 0 };
        char host[256], again_host[256], rebuilt[300];
        unsigned port, again_port;
        int r = node_engine_parse_target(text, host, sizeof host, &port, &e);
        fuzz_check_error(r, &e);
        if (r < 0)
                return;
        FUZZ_ASSERT(host[0] && port >= 1 && port <= 65535);
        bool v6 = strchr(host, ':') != NULL;
        snprintf(rebuilt, sizeof rebuilt, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", port);
        r = node_engine_parse_target(rebuilt, again_host, sizeof again_host, &again_port, &e);
        FUZZ_ASSERT(r == 0 && streq(host, again_host) && port == again_port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size == 0)
                return 0;
        const char *body = (const char *)data + 1;
        size_t len = size - 1;
        struct node_error e = { 0 };
        switch (data[0] % 6) {
        case 0:
                ssh_key(body, len);
                break;
        case 1: {
                int version = -1;
                int r = node_engine_parse_version(body, len, &version, &e);
                fuzz_check_error(r, &e);
                FUZZ_ASSERT(r < 0 || version >= 0);
                if (r < 0)
                        assert_printable(e.message);
                break;
        }
        case 2: {
                char text[64];
                node_engine_error_text(body, len, text, sizeof text);
                FUZZ_ASSERT(strlen(text) < sizeof text);
                assert_printable(text);
                (void)node_engine_error_is_duplicate(text);
                break;
        }
        case 3: {
                struct node_engine_state state;
                int r = node_engine_parse_state(body, len, &state, &e);
                fuzz_check_error(r, &e);
                FUZZ_ASSERT(r < 0 || (state.engine[0] && state.port >= 1 && state.port <= 65535));
                break;
        }
        case 5: {
                int r = node_engine_parse_reachable(body, len, &e);
                fuzz_check_error(r, &e);
                break;
        }
        default: {
                char *text = fuzz_strndup(data + 1, len);
                target(text);
                free(text);
                break;
        }
        }
        return 0;
}
