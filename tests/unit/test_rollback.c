/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lock.h"
#include "rollback.h"
#include "spawn.h"
#include "util.h"
#include "testutil.h"

#define V49 "ovirt-node-ng-4.4.9-0.20211026.0"
#define V410 "ovirt-node-ng-4.4.10-0.20220303.0"
#define V410B "ovirt-node-ng-4.4.10-0.20220401.0"

/* Deliberately not in order: the choice must not depend on listing order. */
static const struct node_rollback_candidate layers[] = {
        { V410 "+1", true },
        { V49 "+1", true },
        { V410B "+1", true },
        { V49 "+2", true },
        { V410 "+2", false },  /* no boot entry */
        { V410 "+10", true },
};

static int pick(const char *current, const char *to, char *out, struct node_error *e) {
        return node_rollback_pick(layers, ELEMENTSOF(layers), current, to, out, 256, e);
}

static void previous_layer(void **state) {
        (void)state;
        char out[256];
        /* across bases: NVR like rpm (4.4.10 is newer than 4.4.9), then layer number (10 > 2) */
        assert_int_equal(pick(V410B "+1", NULL, out, NULL), 0);
        assert_string_equal(out, V410 "+10");
        assert_int_equal(pick(V410 "+10", NULL, out, NULL), 0);
        assert_string_equal(out, V410 "+1");  /* +2 has no entry: skipped */
        assert_int_equal(pick(V410 "+2", NULL, out, NULL), 0);
        assert_string_equal(out, V410 "+1");
        assert_int_equal(pick(V410 "+1", NULL, out, NULL), 0);
        assert_string_equal(out, V49 "+2");
        assert_int_equal(pick(V49 "+2", NULL, out, NULL), 0);
        assert_string_equal(out, V49 "+1");
}

static void nothing_older(void **state) {
        (void)state;
        char out[256] = "untouched";
        struct node_error e = { 0 };
        assert_int_equal(pick(V49 "+1", NULL, out, &e), -ENXIO);
        assert_string_equal(e.message, "There is no layer older than " V49 "+1 to go back to.");
        assert_string_equal(out, "untouched");
        assert_int_equal(pick(NULL, NULL, out, &e), -ENXIO);
        assert_non_null(strstr(e.message, "Neither"));

        /* older layers exist, but none can boot */
        const struct node_rollback_candidate two[] = { { V49 "+1", false }, { V410 "+1", true } };
        assert_int_equal(node_rollback_pick(two, 2, V410 "+1", NULL, out, sizeof out, &e), -ENXIO);
        assert_non_null(strstr(e.message, "boot entry"));
        /* a single layer: nothing to go back to */
        assert_int_equal(node_rollback_pick(two + 1, 1, V410 "+1", NULL, out, sizeof out, &e), -ENXIO);
}

static void named_layer(void **state) {
        (void)state;
        char out[256];
        struct node_error e = { 0 };
        /* --to may also go forward */
        assert_int_equal(pick(V49 "+1", V410B "+1", out, &e), 0);
        assert_string_equal(out, V410B "+1");
        assert_int_equal(pick(V410B "+1", V49 "+1", out, &e), 0);
        assert_string_equal(out, V49 "+1");
        assert_int_equal(pick(V410B "+1", V49 "+7", out, &e), -ENXIO);
        assert_string_equal(e.message, "There is no layer " V49 "+7.");
        assert_int_equal(pick(V410B "+1", V410 "+2", out, &e), -ENXIO);
        assert_non_null(strstr(e.message, "no boot entry"));
        assert_int_equal(pick(V410B "+1", V410B "+1", out, &e), -EALREADY);
        assert_int_equal(pick(V410B "+1", V410B, out, &e), -EINVAL);
        assert_int_equal(pick(V410B "+1", "--help", out, &e), -EINVAL);
        assert_int_equal(pick(V410B "+1", "../../x+1", out, &e), -EINVAL);
}

/* ---- lock ------------------------------------------------------------- */



static void lock_excludes_others(void **state) {
        char run[PATH_MAX];
        snprintf(run, sizeof run, "%s/run", (char *)*state);  /* created on demand */
        struct node_context ctx = { .run_dir = run };
        struct node_lock lock = NODE_LOCK_INIT;
        struct node_error e = { 0 };
        assert_int_equal(node_lock_acquire(&ctx, &lock, &e), 0);
        assert_true(lock.fd >= 0);

        /* a second holder (another open file description, as another process has) is refused with our pid */
        struct node_lock second = NODE_LOCK_INIT;
        assert_int_equal(node_lock_acquire(&ctx, &second, &e), -EBUSY);
        assert_int_equal(second.fd, -1);
        char want[128];
        snprintf(want, sizeof want, "Another nodectl or nodecon operation is running (pid %ld).", (long)getpid());
        assert_string_equal(e.message, want);

        node_lock_release(&lock);
        assert_int_equal(lock.fd, -1);
        assert_int_equal(node_lock_acquire(&ctx, &second, &e), 0);
        node_lock_release(&second);
        node_lock_release(&second);  /* twice is harmless */
}

/* A holder that writes no pid (flock(1)) still blocks; a dead holder does not. */
static void lock_foreign_and_dead_holders(void **state) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/lock", (char *)*state);
        struct node_context ctx = { .run_dir = *state };
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_EX), 0);
        struct node_lock lock = NODE_LOCK_INIT;
        struct node_error e = { 0 };
        assert_int_equal(node_lock_acquire(&ctx, &lock, &e), -EBUSY);
        assert_string_equal(e.message, "Another nodectl or nodecon operation is running.");
        close(fd);

        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                struct node_lock held = NODE_LOCK_INIT;
                _exit(node_lock_acquire(&ctx, &held, NULL) == 0 ? 0 : 1);  /* dies holding it */
        }
        int status;
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(node_lock_acquire(&ctx, &lock, &e), 0);
        node_lock_release(&lock);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(previous_layer),
                cmocka_unit_test(nothing_older),
                cmocka_unit_test(named_layer),
                cmocka_unit_test_setup_teardown(lock_excludes_others, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(lock_foreign_and_dead_holders, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
