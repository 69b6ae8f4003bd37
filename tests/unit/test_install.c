/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image copy of init and upgrade: only blocks with data are written, the
 * copy is written back window by window, progress climbs to 1, a cancel stops
 * it and bad paths give one sentence. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "install.h"
#include "util.h"
#include "testutil.h"

#define MIB (UINT64_C(1) << 20)

struct progress_seen {
        unsigned calls;
        double last;
        int went_back;
};

static int record_progress(const char *step, double fraction, void *userdata) {
        struct progress_seen *p = userdata;
        assert_string_equal(step, "Copying");
        if (fraction < p->last)
                p->went_back = 1;
        p->last = fraction;
        p->calls++;
        return 0;
}

/* A source of `size` bytes whose MiB block i holds the byte i+1 when i is
 * not a multiple of 3, zeros otherwise, and a ragged tail. */
static void make_source(const char *path, uint64_t size) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)size), 0);
        unsigned char *block = malloc(MIB);
        assert_non_null(block);
        for (uint64_t off = 0, i = 0; off < size; off += MIB, i++) {
                if (i % 3 == 0)
                        continue;
                size_t len = size - off < MIB ? (size_t)(size - off) : (size_t)MIB;
                memset(block, (int)(i + 1), len);
                assert_int_equal(pwrite(fd, block, len, (off_t)off), (ssize_t)len);
        }
        free(block);
        close(fd);
}

static void assert_same_files(const char *a, const char *b) {
        FILE *fa = fopen(a, "re"), *fb = fopen(b, "re");
        assert_non_null(fa);
        assert_non_null(fb);
        static unsigned char ba[65536], bb[65536];
        for (;;) {
                size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
                assert_int_equal(na, nb);
                if (na == 0)
                        break;
                assert_memory_equal(ba, bb, na);
        }
        fclose(fa);
        fclose(fb);
}

static void copies_data_blocks_over_several_windows(void **state) {
        const char *dir = *state;
        char source[PATH_MAX], target[PATH_MAX];
        snprintf(source, sizeof source, "%s/image", dir);
        snprintf(target, sizeof target, "%s/lv", dir);
        uint64_t size = 100 * MIB + 12345;
        make_source(source, size);
        /* a thin LV reads zeros where nothing was written */
        int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)size), 0);
        close(fd);

        struct progress_seen seen = { 0 };
        struct node_reporter rep = { .progress = record_progress, .userdata = &seen };
        struct node_error e = { 0 };
        assert_int_equal(node_copy_sparse(source, target, &rep, "Copying", &e), 0);
        assert_same_files(source, target);
        assert_true(seen.calls >= 100);
        assert_false(seen.went_back);
        assert_true(seen.last == 1.0);

        struct stat st;
        assert_int_equal(stat(target, &st), 0);
        /* the zero blocks were skipped: a third of the file stays a hole */
        assert_true((uint64_t)st.st_blocks * 512 < size - 30 * MIB);
}

static int cancel_at_half(const char *step, double fraction, void *userdata) {
        (void)step;
        volatile sig_atomic_t *cancel = userdata;
        if (fraction >= 0.5)
                *cancel = 1;
        return 0;
}

static void a_cancel_stops_the_copy(void **state) {
        const char *dir = *state;
        char source[PATH_MAX], target[PATH_MAX];
        snprintf(source, sizeof source, "%s/image", dir);
        snprintf(target, sizeof target, "%s/lv", dir);
        make_source(source, 40 * MIB);
        int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        volatile sig_atomic_t cancel = 0;
        struct node_reporter rep = { .progress = cancel_at_half, .userdata = (void *)&cancel, .cancel = &cancel,
                                     .cancelled = "Stopped by the admin." };
        struct node_error e = { 0 };
        assert_int_equal(node_copy_sparse(source, target, &rep, "Copying", &e), -ECANCELED);
        assert_string_equal(e.message, "Stopped by the admin.");
        struct stat st;
        assert_int_equal(stat(target, &st), 0);
        assert_true((uint64_t)st.st_size < 40 * MIB);
}

static void bad_paths_give_one_sentence(void **state) {
        const char *dir = *state;
        char source[PATH_MAX], target[PATH_MAX];
        snprintf(source, sizeof source, "%s/image", dir);
        snprintf(target, sizeof target, "%s/no/such/lv", dir);
        struct node_reporter rep = { 0 };
        struct node_error e = { 0 };
        assert_int_equal(node_copy_sparse(source, target, &rep, "Copying", &e), -ENOENT);
        assert_non_null(strstr(e.message, "Cannot open"));
        assert_non_null(strstr(e.message, "/image"));
        make_source(source, MIB);
        e = (struct node_error){ 0 };
        assert_int_equal(node_copy_sparse(source, target, &rep, "Copying", &e), -ENOENT);
        assert_non_null(strstr(e.message, "/no/such/lv"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(copies_data_blocks_over_several_windows, make_temp_dir,
                                                remove_temp_dir),
                cmocka_unit_test_setup_teardown(a_cancel_stops_the_copy, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(bad_paths_give_one_sentence, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
