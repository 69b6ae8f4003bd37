/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Library functions return 0 or a negative errno.  On failure they fill a
 * node_error with one sentence for the admin (already translated); the caller
 * decides whether to print it, show it in a dialog or put it in JSON. */
struct node_error {
        int code;               /* negative errno, 0 when unset */
        char message[1024];
};

/* Sets the message (printf-style) and returns -abs(err), so a call site reads
 *     return node_error_set(e, ENOENT, _("Volume group %s does not exist."), vg);
 * e may be NULL. */
int node_error_set(struct node_error *e, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepends context to an existing message: "Cannot create layer: <old message>". */
int node_error_prefix(struct node_error *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

void node_error_clear(struct node_error *e);

#ifdef __clang_analyzer__
/* The analyzer (make lint) reads one file at a time and cannot see in error.c
 * that both functions above return a negative errno; without being told it
 * follows "if (r < 0) return r;" into paths where r >= 0 after a failure. */
static inline int node_error_negative(int r) {
        if (r >= 0)
                __builtin_unreachable();
        return r;
}
#define node_error_set(...) node_error_negative(node_error_set(__VA_ARGS__))
#define node_error_prefix(...) node_error_negative(node_error_prefix(__VA_ARGS__))
#endif
