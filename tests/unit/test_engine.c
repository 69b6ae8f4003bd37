/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The registration's parsers: ENGINE[:PORT], the protocol version, the
 * engine's SSH key and error pages, our state file, fingerprint matching.
 * The HTTPS side runs against the test engine in the engine tier. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"

static void test_target(void **state) {
        (void)state;
        struct { const char *in, *host; unsigned port; } good[] = {
                { "engine.example.com", "engine.example.com", 443 },
                { "engine.example.com:8443", "engine.example.com", 8443 },
                { "10.0.0.5", "10.0.0.5", 443 },
                { "10.0.0.5:1", "10.0.0.5", 1 },
                { "[fe80::1]", "fe80::1", 443 },
                { "[2001:db8::7]:65535", "2001:db8::7", 65535 },
                { "e-1.x", "e-1.x", 443 },
        };
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
                char host[256];
                unsigned port = 0;
                struct node_error e = {0};
                assert_int_equal(node_engine_parse_target(good[i].in, host, sizeof host, &port, &e), 0);
                assert_string_equal(host, good[i].host);
                assert_int_equal(port, good[i].port);
        }
        const char *bad[] = { "", "https://engine", "engine:0", "engine:65536", "engine:", "engine:8a", "fe80::1",
                              "[fe80::1", "[fe80::1]x", "[notv6]", "-engine", "engine-.x", "a..b", "eng ine",
                              "engine_x", "engine:443:1", "e/x" };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char host[256];
                unsigned port;
                struct node_error e = {0};
                assert_int_equal(node_engine_parse_target(bad[i], host, sizeof host, &port, &e), -EINVAL);
                assert_true(e.message[0] != '\0');
        }
}

static void test_version(void **state) {
        (void)state;
        int v = -1;
        struct node_error e = {0};
        assert_int_equal(node_engine_parse_version("1", 1, &v, &e), 0);
        assert_int_equal(v, 1);
        assert_int_equal(node_engine_parse_version(" 2\r\n", 4, &v, &e), 0);
        assert_int_equal(v, 2);
        assert_int_equal(node_engine_parse_version("0", 1, &v, &e), 0);
        assert_int_equal(v, 0);
        const char *bad[] = { "", "OK", "1.0", "-1", "1 2", "99999999999999", "<html>1</html>" };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                assert_int_equal(node_engine_parse_version(bad[i], strlen(bad[i]), &v, &e), -EBADMSG);
        /* what it quotes has no terminal escapes */
        assert_int_equal(node_engine_parse_version("\x1b[2J", 4, &v, &e), -EBADMSG);
        assert_null(strchr(e.message, '\x1b'));
}

static void test_error_text(void **state) {
        (void)state;
        char out[256];
        const char *page = "<html><head><title>Error</title></head><body>Unique id was not provided</body></html>";
        node_engine_error_text(page, strlen(page), out, sizeof out);
        assert_string_equal(out, "Unique id was not provided");
        const char *plain = "  runInternalQuery failed\r\n\t'X &amp; Y'  ";
        node_engine_error_text(plain, strlen(plain), out, sizeof out);
        assert_string_equal(out, "runInternalQuery failed 'X & Y'");
        const char hostile[] = "a\x1b[31mb\x9b" "c\xc2\x9b" "d\xc3\xa9";
        node_engine_error_text(hostile, sizeof hostile - 1, out, sizeof out);
        assert_string_equal(out, "a [31mb?c??d\xc3\xa9");
        char tiny[4];
        node_engine_error_text("abcdef", 6, tiny, sizeof tiny);
        assert_string_equal(tiny, "abc");
        assert_true(node_engine_error_is_duplicate("runInternalQuery failed 'ACTION_TYPE_FAILED_NAME_ALREADY_USED'"));
        assert_true(node_engine_error_is_duplicate("Host already exists"));
        assert_false(node_engine_error_is_duplicate("Unique id was not provided"));
}

/* An ssh-ed25519 key whose blob is 32 zero bytes; fingerprint from ssh-keygen -lf. */
#define ZERO_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void test_ssh_key(void **state) {
        (void)state;
        char *line = NULL, fp[64];
        struct node_error e = {0};
        const char *body = ZERO_KEY " engine@example\n";
        assert_int_equal(node_engine_parse_ssh_key(body, strlen(body), &line, fp, sizeof fp, &e), 0);
        assert_string_equal(line, ZERO_KEY " engine@example");
        assert_string_equal(fp, "SHA256:kmYcvdi2GkPeWxB6XLjrZB8JHsy2Hm8luHMFp9GMvqk");
        free(line);
        const char *bad[] = {
                "",
                "ssh-ed25519\n",
                "ssh-foo AAAA\n",
                "command=\"sh\" " ZERO_KEY "\n",
                ZERO_KEY "\n" ZERO_KEY "\n",
                "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", /* blob says ed25519 */
                "ssh-ed25519 !!!!\n",
                "ssh-ed25519 AAAA\n",
                ZERO_KEY " comment\x1b[2J\n",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                line = NULL;
                assert_int_equal(node_engine_parse_ssh_key(bad[i], strlen(bad[i]), &line, fp, sizeof fp, &e), -EBADMSG);
                assert_null(line);
        }
}

static void test_state(void **state) {
        (void)state;
        struct node_engine_state s;
        struct node_error e = {0};
        const char *text = "# comment\nengine=engine.example.com\nport=8443\nca_sha256=AB:CD\nname=n1\n"
                           "ssh_key=ssh-ed25519 AAAA c\nauthorized_keys=/root/.ssh/authorized_keys\n"
                           "authorized_keys_created=yes\nfuture_key=ignored\n";
        assert_int_equal(node_engine_parse_state(text, strlen(text), &s, &e), 0);
        assert_string_equal(s.engine, "engine.example.com");
        assert_int_equal(s.port, 8443);
        assert_string_equal(s.ssh_key, "ssh-ed25519 AAAA c");
        assert_true(s.authorized_keys_created);
        const char *bad[] = { "", "engine=x\nport=443\n", "engine=x\nport=0\nca_sha256=A\n", "garbage\n" };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                assert_int_equal(node_engine_parse_state(bad[i], strlen(bad[i]), &s, &e), -EBADMSG);
}

static void test_fingerprint_matches(void **state) {
        (void)state;
        struct node_engine_ca ca = {0};
        strcpy(ca.sha256, "AB:CD:EF:01");
        assert_true(node_engine_fingerprint_matches(&ca, "AB:CD:EF:01"));
        assert_true(node_engine_fingerprint_matches(&ca, "abcdef01"));
        assert_true(node_engine_fingerprint_matches(&ca, "SHA256:ab:cd:ef:01"));
        assert_false(node_engine_fingerprint_matches(&ca, "AB:CD:EF"));
        assert_false(node_engine_fingerprint_matches(&ca, "AB:CD:EF:01:02"));
        assert_false(node_engine_fingerprint_matches(&ca, ""));
        assert_false(node_engine_fingerprint_matches(&ca, NULL));
        ca.sha256[0] = '\0';
        assert_false(node_engine_fingerprint_matches(&ca, ""));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_target),
                cmocka_unit_test(test_version),
                cmocka_unit_test(test_error_text),
                cmocka_unit_test(test_ssh_key),
                cmocka_unit_test(test_state),
                cmocka_unit_test(test_fingerprint_matches),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
