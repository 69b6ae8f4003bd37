/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared helpers of the libFuzzer harnesses: turning the fuzzer's bytes into
 * the C strings the parsers take, a scratch directory for parsers that only
 * read files, and a loud failure for broken properties (libFuzzer records the
 * input that made it). */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* A property the parser promises does not hold: print why and abort, so
 * libFuzzer saves the reproducer. */
#define FUZZ_ASSERT(cond)                                                                  \
        do {                                                                               \
                if (!(cond)) {                                                             \
                        fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
                        abort();                                                           \
                }                                                                          \
        } while (0)

/* The input as a NUL-terminated string; bytes after an embedded NUL are cut
 * off, as any C caller would see them. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        if (!s)
                abort();
        memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

/* Splits the input at NUL bytes into up to max strings (missing ones are "");
 * returns one allocation holding all of them, to be freed by the caller. */
static inline char *fuzz_split(const uint8_t *data, size_t size, const char **parts, size_t max) {
        char *copy = fuzz_strndup(data, size);
        size_t n = 0;
        const char *p = copy, *end = copy + size;
        while (n < max && p <= end) {
                parts[n++] = p;
                p += strlen(p) + 1;
        }
        while (n < max)
                parts[n++] = "";
        return copy;
}

/* A parser that reported failure must have said why, with the same code. */
static inline void fuzz_check_error(int r, const struct node_error *e) {
        if (r < 0) {
                FUZZ_ASSERT(e->code == r);
                FUZZ_ASSERT(e->message[0] != '\0');
                FUZZ_ASSERT(memchr(e->message, '\0', sizeof e->message) != NULL);
        }
}

static char fuzz_scratch[256];

static inline int fuzz_remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        (void)st, (void)type, (void)ftw;
        remove(path);
        return 0;
}

static inline void fuzz_remove_scratch(void) {
        if (fuzz_scratch[0])
                nftw(fuzz_scratch, fuzz_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* One scratch directory per fuzzing process in $TMPDIR, holding a few small
 * files that each run overwrites; removed when the process exits. */
static inline const char *fuzz_scratch_dir(void) {
        char *dir = fuzz_scratch;
        if (!dir[0]) {
                const char *tmp = getenv("TMPDIR");
                snprintf(dir, sizeof fuzz_scratch, "%s/nodecon-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
                if (!mkdtemp(dir))
                        abort();
                atexit(fuzz_remove_scratch);
        }
        return dir;
}

/* Creates every directory of path below the scratch dir (like mkdir -p). */
static inline void fuzz_mkdirs(const char *path) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                        abort();
                *p = '/';
        }
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                abort();
}

static inline void fuzz_write_file(const char *path, const void *data, size_t size) {
        FILE *f = fopen(path, "we");
        if (!f)
                abort();
        if (size && fwrite(data, 1, size, f) != size)
                abort();
        if (fclose(f) != 0)
                abort();
}
