/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Console security settings and the PAM check's rate limit, with real PAM
 * (pam_permit / pam_deny through a test service directory). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth.h"

struct fixture {
        char dir[64];
        char permit[128], deny[128], root[128], run[128];
};

static void write_file(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);
        snprintf(f->dir, sizeof f->dir, "/tmp/test-auth.XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->permit, sizeof f->permit, "%s/permit", f->dir);
        snprintf(f->deny, sizeof f->deny, "%s/deny", f->dir);
        snprintf(f->root, sizeof f->root, "%s/root", f->dir);
        snprintf(f->run, sizeof f->run, "%s/run", f->dir);
        char path[256];
        mkdir(f->permit, 0700);
        mkdir(f->deny, 0700);
        snprintf(path, sizeof path, "%s/nodecon", f->permit);
        write_file(path, "auth required pam_permit.so\naccount required pam_permit.so\n");
        snprintf(path, sizeof path, "%s/nodecon", f->deny);
        write_file(path, "auth required pam_deny.so\naccount required pam_permit.so\n");
        snprintf(path, sizeof path, "%s/etc/nodecon", f->root);
        mkdir(f->root, 0700);
        snprintf(path, sizeof path, "%s/etc", f->root);
        mkdir(path, 0700);
        snprintf(path, sizeof path, "%s/etc/nodecon", f->root);
        mkdir(path, 0700);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char *argv[] = { "rm", "-rf", f->dir, NULL };
        pid_t pid = fork();
        if (pid == 0) {
                execvp(argv[0], argv);
                _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
        free(f);
        return 0;
}

static void delays_grow_to_thirty_seconds(void **state) {
        (void)state;
        const unsigned want[] = { 0, 1, 2, 4, 8, 16, 30, 30, 30 };
        for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
                assert_int_equal(node_auth_delay_seconds(i), want[i]);
        assert_int_equal(node_auth_delay_seconds(4000000000u), 30);
}

static void settings_config(struct fixture *f, const char *text) {
        char path[256];
        snprintf(path, sizeof path, "%s/etc/nodecon/nodecon.conf", f->root);
        write_file(path, text);
}

static void settings_defaults_and_keys(void **state) {
        struct fixture *f = *state;
        struct node_context ctx = { .root = f->root };
        struct node_console_settings s;
        struct node_error e = {0};
        char path[256];
        snprintf(path, sizeof path, "%s/etc/nodecon/nodecon.conf", f->root);
        unlink(path);
        assert_int_equal(node_console_settings_read(&ctx, &s, &e), 0);
        assert_int_equal(s.lock_on_start, NODE_LOCK_ON_START_CONSOLE);
        assert_int_equal(s.idle_lock_seconds, 15 * 60);
        assert_string_equal(s.unlock_user, "root");
        assert_string_equal(s.rescue_shell, "");

        settings_config(f, "# console\nkeep_images = 3\n  lock_on_start = yes  \nidle_lock_minutes=0\n"
                           "unlock_user = admin\nrescue_shell = /bin/sh\nhealth_services = sshd.service\n");
        assert_int_equal(node_console_settings_read(&ctx, &s, &e), 0);
        assert_int_equal(s.lock_on_start, NODE_LOCK_ON_START_YES);
        assert_int_equal(s.idle_lock_seconds, 0);
        assert_string_equal(s.unlock_user, "admin");
        assert_string_equal(s.rescue_shell, "/bin/sh");
        settings_config(f, "idle_lock_minutes = 2\n");
        assert_int_equal(node_console_settings_read(&ctx, &s, &e), 0);
        assert_int_equal(s.idle_lock_seconds, 120);
        settings_config(f, "idle_lock_minutes = 2\nidle_lock_seconds = 3\n");
        assert_int_equal(node_console_settings_read(&ctx, &s, &e), 0);
        assert_int_equal(s.idle_lock_seconds, 3);
}

static void settings_bad_values_name_the_line(void **state) {
        struct fixture *f = *state;
        struct node_context ctx = { .root = f->root };
        static const struct {
                const char *text, *sentence;
        } bad[] = {
                { "lock_on_start = maybe\n", "line 1: lock_on_start must be console, yes or no." },
                { "\nidle_lock_minutes = -1\n", "line 2: idle_lock_minutes must be a number from 0 (never) to 1440." },
                { "idle_lock_minutes = 1441\n", "line 1: idle_lock_minutes must be" },
                { "idle_lock_minutes = 5m\n", "line 1: idle_lock_minutes must be" },
                { "idle_lock_minutes =\n", "line 1: idle_lock_minutes must be" },
                { "unlock_user = root admin\n", "line 1: unlock_user must be one user name." },
                { "unlock_user = ../x\n", "line 1: unlock_user must be one user name." },
                { "idle_lock_seconds = 86401\n", "line 1: idle_lock_seconds must be a number from 0 (never) to 86400." },
                { "rescue_shell = bash\n", "line 1: rescue_shell must be an absolute path." },
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                settings_config(f, bad[i].text);
                struct node_console_settings s;
                struct node_error e = {0};
                assert_int_equal(node_console_settings_read(&ctx, &s, &e), -EINVAL);
                assert_non_null(strstr(e.message, bad[i].sentence));
                /* nothing half-read: every default stands */
                assert_int_equal(s.lock_on_start, NODE_LOCK_ON_START_CONSOLE);
                assert_int_equal(s.idle_lock_seconds, 15 * 60);
                assert_string_equal(s.unlock_user, "root");
        }
}

static void console_ttys_start_locked(void **state) {
        (void)state;
        struct node_console_settings s = { .lock_on_start = NODE_LOCK_ON_START_CONSOLE };
        assert_true(node_console_starts_locked(&s, "/dev/tty1", true));
        assert_true(node_console_starts_locked(&s, "/dev/ttyS0", true));
        assert_false(node_console_starts_locked(&s, "/dev/pts/3", true));
        assert_false(node_console_starts_locked(&s, NULL, true));
        /* started from a shell someone logged in to */
        assert_false(node_console_starts_locked(&s, "/dev/tty1", false));
        s.lock_on_start = NODE_LOCK_ON_START_YES;
        assert_true(node_console_starts_locked(&s, "/dev/pts/3", false));
        s.lock_on_start = NODE_LOCK_ON_START_NO;
        assert_false(node_console_starts_locked(&s, "/dev/tty1", true));
}

static int check(struct fixture *f, const char *confdir, const char *password, struct node_error *e) {
        struct node_context ctx = { .run_dir = f->run, .pam_confdir = confdir };
        char secret[64];
        snprintf(secret, sizeof secret, "%s", password);
        struct node_auth_request req = { .user = "root", .password = secret, .purpose = "unlock", .program = "test" };
        int r = node_auth_check(&ctx, &req, e);
        /* zeroed whatever the outcome */
        for (size_t i = 0; i < strlen(password); i++)
                assert_int_equal(secret[i], 0);
        return r;
}

static void wrong_passwords_wait_and_survive_a_restart(void **state) {
        struct fixture *f = *state;
        struct node_context ctx = { .run_dir = f->run };
        struct node_error e = {0};
        unsigned seconds, failures;

        assert_int_equal(check(f, f->permit, "right", &e), 0);
        assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
        assert_int_equal(seconds, 0);
        assert_int_equal(failures, 0);

        assert_int_equal(check(f, f->deny, "wrong", &e), -EACCES);
        assert_non_null(strstr(e.message, "The password of root is wrong"));
        /* the record is in the run directory: a new nodecon sees it */
        assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
        assert_int_equal(failures, 1);
        assert_in_range(seconds, 0, 1);

        /* within the delay PAM is not even asked, so even the right password waits */
        char path[256];
        snprintf(path, sizeof path, "%s/auth-failures", f->run);
        static const char *const no_record[] = { "5 999999999999\n" /* from the future */, "garbage\n", "5\n",
                                                 "5 12x\n", "-1 0\n", "99999999999 0\n", "" };
        for (size_t i = 0; i < sizeof no_record / sizeof no_record[0]; i++) {
                write_file(path, no_record[i]);
                failures = 1;
                assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
                assert_int_equal(failures, 0);
        }
        FILE *up = fopen("/proc/uptime", "re");
        assert_non_null(up);
        double uptime;
        assert_int_equal(fscanf(up, "%lf", &uptime), 1);
        fclose(up);
        char record[64];
        snprintf(record, sizeof record, "5 %llu\n", (unsigned long long)uptime);
        write_file(path, record);
        assert_int_equal(check(f, f->permit, "right", &e), -EAGAIN);
        assert_non_null(strstr(e.message, "Too many wrong passwords: try again in"));
        assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
        assert_int_equal(failures, 5);
        assert_in_range(seconds, 14, 17);

        /* once the wait is over the right password is accepted and the count forgotten */
        write_file(path, "5 0\n");
        assert_int_equal(check(f, f->permit, "right", &e), 0);
        assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
        assert_int_equal(failures, 0);
}

static void bad_user_and_missing_service(void **state) {
        struct fixture *f = *state;
        struct node_context ctx = { .run_dir = f->run, .pam_confdir = f->permit };
        char secret[] = "x";
        struct node_auth_request req = { .user = "root;rm", .password = secret };
        struct node_error e = {0};
        assert_int_equal(node_auth_check(&ctx, &req, &e), -EINVAL);
        assert_int_equal(secret[0], 0);
        /* a directory without the nodecon service: said plainly, not counted as a wrong password */
        char empty[160];
        snprintf(empty, sizeof empty, "%s/empty", f->dir);
        mkdir(empty, 0700);
        char path[256];
        snprintf(path, sizeof path, "%s/auth-failures", f->run);
        unlink(path);
        assert_int_equal(check(f, empty, "right", &e), -ENOENT);
        assert_non_null(strstr(e.message, "Nobody can be authenticated here: the PAM service file"));
        unsigned seconds = 1, failures = 1;
        assert_int_equal(node_auth_wait_remaining(&ctx, &seconds, &failures, &e), 0);
        assert_int_equal(failures, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(delays_grow_to_thirty_seconds),
                cmocka_unit_test(settings_defaults_and_keys),
                cmocka_unit_test(settings_bad_values_name_the_line),
                cmocka_unit_test(console_ttys_start_locked),
                cmocka_unit_test(wrong_passwords_wait_and_survive_a_restart),
                cmocka_unit_test(bad_user_and_missing_service),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
