/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

/* the definitions, not the analyzer's view of their results (error.h) */
#undef node_error_set
#undef node_error_prefix

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int node_error_set(struct node_error *e, int err, const char *fmt, ...) {
        int code = -abs(err ? err : EIO);
        if (!e)
                return code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        e->code = code;
        return code;
}

int node_error_prefix(struct node_error *e, const char *fmt, ...) {
        if (!e)
                return -EIO;
        char prefix[sizeof e->message], old[sizeof e->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        memcpy(old, e->message, sizeof old);
        size_t n = strnlen(prefix, sizeof e->message - 1);
        memcpy(e->message, prefix, n);
        /* The sentence is cut, not lost, when prefix and message are too long together. */
        size_t rest = strnlen(old, sizeof old);
        if (rest > sizeof e->message - 1 - n)
                rest = sizeof e->message - 1 - n;
        memcpy(e->message + n, old, rest);
        e->message[n + rest] = '\0';
        return e->code ? e->code : -EIO;
}

void node_error_clear(struct node_error *e) {
        if (!e)
                return;
        e->code = 0;
        e->message[0] = '\0';
}
