/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* Console security: when the console locks, who may unlock it, and checking
 * that person's password with PAM (service "nodecon", /etc/pam.d/nodecon).
 * Wrong passwords are rate limited with a growing delay whose state lives in
 * the run directory, so restarting nodecon does not reset it; every check is
 * an audit record (kind "session") with the user and the terminal. */

enum node_lock_on_start {
        NODE_LOCK_ON_START_CONSOLE,  /* locked as the login shell of a console tty (getty's autologin) */
        NODE_LOCK_ON_START_YES,
        NODE_LOCK_ON_START_NO,
};

struct node_console_settings {
        enum node_lock_on_start lock_on_start;  /* lock_on_start = console|yes|no */
        unsigned idle_lock_seconds;             /* idle_lock_minutes = N or idle_lock_seconds = N
                                                   (0: never; default 15 minutes) */
        char unlock_user[64];                   /* unlock_user = NAME (default root) */
        char rescue_shell[256];                 /* rescue_shell = PATH; "": the user's login shell */
};

#define NODE_IDLE_LOCK_MINUTES_DEFAULT 15
#define NODE_IDLE_LOCK_MINUTES_MAX 1440   /* a day */

/* Reads the console keys of the config file (NODE_CONFIG_FILE under
 * ctx->root); a missing file or key leaves the default.  A bad value is an
 * error naming the line, and *s still holds every default then. */
int node_console_settings_read(const struct node_context *ctx, struct node_console_settings *s,
                               struct node_error *e);

/* Whether nodecon on the terminal named tty ("/dev/tty1", "/dev/pts/3", NULL
 * when not a terminal), started as a login shell or not, starts locked under
 * these settings. */
bool node_console_starts_locked(const struct node_console_settings *s, const char *tty, bool login_shell);

/* The wait before the next password may be tried after failures wrong ones
 * in a row: none for the first, then 1, 2, 4, 8, 16 and at most 30 seconds. */
unsigned node_auth_delay_seconds(unsigned failures);

/* Seconds until a password may be tried again (0: now), and how many wrong
 * ones came in a row, from the run directory's record. */
int node_auth_wait_remaining(const struct node_context *ctx, unsigned *seconds, unsigned *failures,
                             struct node_error *e);

struct node_auth_request {
        const char *user;
        char *password;        /* zeroed by node_auth_check, whatever the outcome */
        const char *purpose;   /* for the audit trail: "unlock", "rescue shell" */
        const char *program;   /* "nodecon" */
};

/* Asks PAM whether password is user's (pam_authenticate, then
 * pam_acct_mgmt), unless wrong passwords came too fast: then -EAGAIN with
 * the seconds left in the sentence and PAM is not asked.  -EACCES with one
 * sentence when PAM says no; 0 when it says yes (and the failures are
 * forgotten).  Never logs or keeps the password. */
int node_auth_check(const struct node_context *ctx, struct node_auth_request *req, struct node_error *e);
