/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What several unit tests need: fixture files and throw-away directories.
 * Include after <cmocka.h>. */
#pragma once

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spawn.h"

/* Fixtures sit in fixtures/ next to the tests; NODECON_FIXTURES overrides
 * that for out-of-tree runs. */
static inline FILE *open_fixture(const char *name) {
        char path[PATH_MAX];
        const char *dir = getenv("NODECON_FIXTURES");
        if (dir)
                snprintf(path, sizeof path, "%s/%s", dir, name);
        else {
                const char *slash = strrchr(__FILE__, '/');
                snprintf(path, sizeof path, "%.*s/fixtures/%s", (int)(slash - __FILE__), __FILE__, name);
        }
        FILE *f = fopen(path, "re");
        if (!f)
                fail_msg("cannot open fixture %s", path);
        return f;
}

/* cmocka setup/teardown pair: *state is a new empty directory under /tmp,
 * removed with everything in it afterwards. */
static inline int make_temp_dir(void **state) {
        char *dir = strdup("/tmp/nodecon-test.XXXXXX");
        assert_non_null(dir);
        assert_non_null(mkdtemp(dir));
        *state = dir;
        return 0;
}

static inline int remove_temp_dir(void **state) {
        const char *argv[] = { "rm", "-rf", *state, NULL };
        struct node_spawn_result r;
        assert_int_equal(node_spawn(argv, NULL, &r, NULL), 0);
        node_spawn_result_free(&r);
        free(*state);
        return 0;
}

/* Writes root + name (name starts with '/'), making the directories on the way. */
static inline void write_test_file(const char *root, const char *name, const void *data, size_t len) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s", root, name);
        for (char *slash = path + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
                *slash = '\0';
                mkdir(path, 0755);
                *slash = '/';
        }
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        fclose(f);
}
