/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Scope-bound cleanup in the manner of systemd: a variable declared with one of
 * these is released on every return path, so error paths cannot leak. */
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline void freep(void *p) { free(*(void **)p); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }

static inline void strv_free(char **v) {
        if (!v) return;
        for (char **p = v; *p; p++) free(*p);
        free(v);
}
static inline void strv_freep(char ***v) { strv_free(*v); }

/* Hands ownership of a cleanup-managed pointer to the caller. */
#define TAKE_PTR(p) ({ __typeof__(p) _p_ = (p); (p) = NULL; _p_; })
#define TAKE_FD(fd) ({ int _fd_ = (fd); (fd) = -1; _fd_; })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline int streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline int startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A realtime µs timestamp in local time with strftime's fmt; "-" for 0 (unknown). */
static inline const char *format_local_usec(uint64_t usec, const char *fmt, char *buf, size_t size) {
        time_t t = (time_t)(usec / 1000000);
        struct tm tm;
        if (usec == 0 || !localtime_r(&t, &tm) || strftime(buf, size, fmt, &tm) == 0)
                snprintf(buf, size, "-");
        return buf;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), 0 when it is not one. */
static inline size_t utf8_sequence_length(const unsigned char *s, size_t left, bool *c1_control) {
        *c1_control = false;
        if (s[0] < 0x80)
                return 1;
        size_t n;
        unsigned min;
        unsigned cp;
        if ((s[0] & 0xe0) == 0xc0) { n = 2; cp = s[0] & 0x1f; min = 0x80; }
        else if ((s[0] & 0xf0) == 0xe0) { n = 3; cp = s[0] & 0x0f; min = 0x800; }
        else if ((s[0] & 0xf8) == 0xf0) { n = 4; cp = s[0] & 0x07; min = 0x10000; }
        else return 0;
        if (n > left)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        /* C1 controls (U+0080..U+009F) would be taken as escape sequences by some terminals */
        *c1_control = cp <= 0x9f;
        return n;
}
