/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

static void captures_stdout_and_exit_code(void **state) {
        (void)state;
        const char *argv[] = { "sh", "-c", "printf 'hello'; printf 'warn\\n  last line  \\n' >&2; exit 3", NULL };
        struct node_spawn_result r;
        struct node_error e = {0};
        assert_int_equal(node_spawn(argv, NULL, &r, &e), 0);
        assert_int_equal(r.exit_code, 3);
        assert_string_equal(r.out, "hello");
        assert_int_equal(r.out_len, 5);
        char buf[64];
        assert_string_equal(node_spawn_last_error_line(&r, buf, sizeof buf), "last line");
        node_spawn_result_free(&r);
}

static void feeds_stdin(void **state) {
        (void)state;
        /* Larger than a pipe buffer, so writing and reading must interleave. */
        size_t n = 1 << 20;
        char *data = malloc(n);
        assert_non_null(data);
        for (size_t i = 0; i < n; i++)
                data[i] = 'a' + i % 26;
        const char *argv[] = { "cat", NULL };
        struct node_spawn_opts o = { .stdin_data = data, .stdin_len = n, .stdout_fd = -1 };
        struct node_spawn_result r;
        assert_int_equal(node_spawn(argv, &o, &r, NULL), 0);
        assert_int_equal(r.exit_code, 0);
        assert_int_equal(r.out_len, n);
        assert_memory_equal(r.out, data, n);
        node_spawn_result_free(&r);
        free(data);
}

static void missing_program_is_an_error_with_a_sentence(void **state) {
        (void)state;
        const char *argv[] = { "/nonexistent/nodecon-no-such-program", NULL };
        struct node_spawn_result r;
        struct node_error e = {0};
        int ret = node_spawn(argv, NULL, &r, &e);
        assert_int_equal(ret, -ENOENT);
        assert_non_null(strstr(e.message, "nodecon-no-such-program"));
}

static void output_over_the_limit_is_refused(void **state) {
        (void)state;
        const char *argv[] = { "head", "-c", "100000", "/dev/zero", NULL };
        struct node_spawn_opts o = { .stdout_fd = -1, .max_output = 1000 };
        struct node_spawn_result r;
        struct node_error e = {0};
        assert_int_equal(node_spawn(argv, &o, &r, &e), -EFBIG);
        assert_null(r.out);
        assert_non_null(strstr(e.message, "head"));
}

static void children_run_in_the_c_locale_without_our_fds(void **state) {
        (void)state;
        int leaked = open("/dev/null", O_RDONLY); /* not O_CLOEXEC on purpose */
        assert_true(leaked > 2);
        char script[128];
        snprintf(script, sizeof script, "echo $LC_ALL; [ -e /proc/self/fd/%d ] && echo leaked || echo closed", leaked);
        const char *argv[] = { "sh", "-c", script, NULL };
        struct node_spawn_result r;
        unsigned long before = node_spawn_count();
        assert_int_equal(node_spawn(argv, NULL, &r, NULL), 0);
        assert_int_equal(node_spawn_count(), before + 1);
        assert_string_equal(r.out, "C\nclosed\n");
        node_spawn_result_free(&r);
        close(leaked);
}

static void reader_streams_stdout(void **state) {
        (void)state;
        const char *argv[] = { "printf", "%s", "streamed", NULL };
        pid_t pid;
        int fd, code;
        assert_int_equal(node_spawn_reader(argv, -1, &pid, &fd, NULL), 0);
        char buf[32] = "";
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        assert_int_equal(n, 8);
        assert_string_equal(buf, "streamed");
        assert_int_equal(node_spawn_wait(pid, &code, NULL), 0);
        assert_int_equal(code, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(captures_stdout_and_exit_code),
                cmocka_unit_test(feeds_stdin),
                cmocka_unit_test(missing_program_is_an_error_with_a_sentence),
                cmocka_unit_test(output_over_the_limit_is_refused),
                cmocka_unit_test(children_run_in_the_c_locale_without_our_fds),
                cmocka_unit_test(reader_streams_stdout),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
