/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A program on a pseudo-terminal whose output feeds a libvterm screen: what
 * the admin would see, as text and attributes, plus the raw byte stream (for
 * the serial-line byte budgets). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <vterm.h>

struct vt_session {
        pid_t pid;
        int master;
        VTerm *vt;
        VTermScreen *screen;
        int rows, cols;
        bool exited;
        int exit_code;              /* exit status or 128 + signal */
        uint64_t bytes_total;       /* written by the program since spawn */
        uint64_t bytes_mark;        /* bytes_total at the last mark */
        char *raw;                  /* everything it wrote, for byte-level checks */
        size_t raw_len, raw_cap;
        double spawn_time;          /* monotonic seconds */
        double last_output_time;
};

double vt_now(void);

/* Starts argv on a new pty of cols x rows with env_extra ("K=V", NULL-ended)
 * added to (or replacing in) the harness' environment. */
int vt_spawn(struct vt_session *s, char *const argv[], char *const env_extra[], int cols, int rows);
/* Reads whatever the program wrote within timeout_ms (0: only what is there).
 * Returns true when something was read. */
bool vt_pump(struct vt_session *s, int timeout_ms);
/* Pumps until the program has been quiet for quiet_ms (at most max_ms). */
void vt_settle(struct vt_session *s, int quiet_ms, int max_ms);
/* Reaps the child if it exited; waits up to timeout_ms. */
bool vt_wait_exit(struct vt_session *s, int timeout_ms);
void vt_send_bytes(struct vt_session *s, const char *bytes, size_t n);
/* The same as a paste of any size: reads the program's output meanwhile;
 * false when not all was taken within timeout_ms (or the program ended). */
bool vt_paste(struct vt_session *s, const char *bytes, size_t n, int timeout_ms);
/* Keys go through libvterm's keyboard, so cursor keys follow the mode the
 * program set (DECCKM), like a real terminal. */
void vt_send_key(struct vt_session *s, VTermKey key, VTermModifier mod);
void vt_send_char(struct vt_session *s, uint32_t c, VTermModifier mod);
void vt_resize(struct vt_session *s, int cols, int rows);
/* Text of row r (UTF-8, trailing blanks kept), into buf. */
const char *vt_row_text(struct vt_session *s, int r, char *buf, size_t size);
/* Row where text occurs (and its column in cells), -1 if nowhere. */
int vt_find(struct vt_session *s, const char *text, int *col);
bool vt_cell(struct vt_session *s, int r, int c, VTermScreenCell *cell);
void vt_kill(struct vt_session *s);
void vt_free(struct vt_session *s);
