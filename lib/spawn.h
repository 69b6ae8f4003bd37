/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Programs are always started with an argv array through posix_spawn, never a
 * shell, so names and paths that come from outside cannot be reinterpreted.
 * Children run with LC_ALL=C so their output parses the same everywhere, and
 * with every other descriptor of ours closed (lvm warns about leaked fds). */

struct node_spawn_opts {
        const char *stdin_data;   /* fed to the child's stdin; NULL: /dev/null */
        size_t stdin_len;
        int stdout_fd;            /* >= 0: child's stdout goes there, not captured */
        size_t max_output;        /* per stream; 0: 64 MiB.  More is an error. */
        bool admin_locale;        /* the child's sentences are shown to the admin, not
                                     parsed: it keeps our locale instead of LC_ALL=C */
};

struct node_spawn_result {
        int exit_code;            /* exit status, or 128 + signal number */
        char *out;                /* NUL-terminated captured stdout ("" if none) */
        size_t out_len;
        char *err;                /* NUL-terminated captured stderr */
        size_t err_len;
};

/* Runs argv and waits for it.  Returns 0 when the program ran, whatever its exit
 * code (look at r->exit_code), or a negative errno when it could not be started,
 * could not be talked to, or wrote more than max_output. opts may be NULL. */
int node_spawn(const char *const argv[], const struct node_spawn_opts *opts,
               struct node_spawn_result *r, struct node_error *e);

/* Starts argv with its stdout connected to a pipe whose read end is returned in
 * *stdout_fd; stderr is inherited from the caller unless stderr_fd >= 0. */
int node_spawn_reader(const char *const argv[], int stderr_fd, pid_t *pid, int *stdout_fd,
                      struct node_error *e);

/* Waits for a child started by node_spawn_reader; *exit_code as in the result. */
int node_spawn_wait(pid_t pid, int *exit_code, struct node_error *e);

/* Runs argv on our terminal (stdin, stdout and stderr shared, our environment
 * and locale) and waits for it: a shell for the admin.  The terminal's
 * foreground process group is ours again afterwards. */
int node_spawn_interactive(const char *const argv[], int *exit_code, struct node_error *e);

void node_spawn_result_free(struct node_spawn_result *r);

/* The last line of a program's stderr with lvm's "  " indent and trailing
 * newline removed: what the admin wants to see when a tool failed. */
const char *node_spawn_last_error_line(const struct node_spawn_result *r, char *buf, size_t size);

/* How many programs this process has started (for the benchmarks). */
unsigned long node_spawn_count(void);
