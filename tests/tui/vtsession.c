/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "vtsession.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double vt_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "K=V" sets K; "-K" removes K from the environment the program gets. */
static void put_env(char *const env_extra[]) {
        for (size_t i = 0; env_extra && env_extra[i]; i++) {
                const char *item = env_extra[i];
                char *eq = strchr(item, '=');
                if (item[0] == '-') {
                        unsetenv(item + 1);
                } else if (eq) {
                        char name[256];
                        snprintf(name, sizeof name, "%.*s", (int)(eq - item), item);
                        setenv(name, eq + 1, 1);
                }
        }
}

int vt_spawn(struct vt_session *s, char *const argv[], char *const env_extra[], int cols, int rows) {
        memset(s, 0, sizeof *s);
        s->rows = rows;
        s->cols = cols;
        struct winsize ws = { .ws_row = rows, .ws_col = cols };
        fflush(stdout);
        s->spawn_time = vt_now();
        s->pid = forkpty(&s->master, NULL, NULL, &ws);
        if (s->pid < 0)
                return -errno;
        if (s->pid == 0) {
                put_env(env_extra);
                execvp(argv[0], argv);
                fprintf(stderr, "cannot run %s: %m\n", argv[0]);
                _exit(127);
        }
        fcntl(s->master, F_SETFL, O_NONBLOCK);
        fcntl(s->master, F_SETFD, FD_CLOEXEC);
        s->vt = vterm_new(rows, cols);
        vterm_set_utf8(s->vt, 1);
        s->screen = vterm_obtain_screen(s->vt);
        vterm_screen_enable_altscreen(s->screen, 1);
        vterm_screen_reset(s->screen, 1);
        s->last_output_time = vt_now();
        return 0;
}

static void keep_raw(struct vt_session *s, const char *buf, size_t n) {
        if (s->raw_len + n > s->raw_cap) {
                size_t cap = s->raw_cap ? s->raw_cap * 2 : 65536;
                while (cap < s->raw_len + n)
                        cap *= 2;
                char *p = realloc(s->raw, cap);
                if (!p)
                        return;
                s->raw = p;
                s->raw_cap = cap;
        }
        memcpy(s->raw + s->raw_len, buf, n);
        s->raw_len += n;
}

/* libvterm answers queries (device attributes, cursor position) through its
 * output buffer; a real terminal would send those answers to the program. */
static void forward_vterm_output(struct vt_session *s) {
        char buf[1024];
        size_t n;
        while ((n = vterm_output_read(s->vt, buf, sizeof buf)) > 0) {
                size_t off = 0;
                while (off < n) {
                        ssize_t k = write(s->master, buf + off, n - off);
                        if (k < 0) {
                                if (errno == EINTR)
                                        continue;
                                if (errno == EAGAIN) {
                                        poll(&(struct pollfd){ .fd = s->master, .events = POLLOUT }, 1, 100);
                                        continue;
                                }
                                return;
                        }
                        off += k;
                }
        }
}

bool vt_pump(struct vt_session *s, int timeout_ms) {
        if (s->master < 0)
                return false;
        bool got = false;
        double deadline = vt_now() + timeout_ms / 1000.0;
        for (;;) {
                int left = (int)((deadline - vt_now()) * 1000);
                if (left < 0)
                        left = 0;
                struct pollfd p = { .fd = s->master, .events = POLLIN };
                int r = poll(&p, 1, got ? 0 : left);
                if (r <= 0)
                        break;
                char buf[8192];
                ssize_t n = read(s->master, buf, sizeof buf);
                if (n <= 0) {
                        /* EIO: the last process holding the pty's slave is gone. */
                        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                                continue;
                        close(s->master);
                        s->master = -1;
                        break;
                }
                keep_raw(s, buf, n);
                vterm_input_write(s->vt, buf, n);
                forward_vterm_output(s);
                s->bytes_total += n;
                s->last_output_time = vt_now();
                got = true;
        }
        return got;
}

void vt_settle(struct vt_session *s, int quiet_ms, int max_ms) {
        double end = vt_now() + max_ms / 1000.0;
        while (vt_now() < end && s->master >= 0) {
                if (!vt_pump(s, quiet_ms))
                        break;
        }
}

static void reap(struct vt_session *s, int flags) {
        if (s->exited || s->pid <= 0)
                return;
        int status;
        pid_t r = waitpid(s->pid, &status, flags);
        if (r == s->pid) {
                s->exited = true;
                s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
}

bool vt_wait_exit(struct vt_session *s, int timeout_ms) {
        double end = vt_now() + timeout_ms / 1000.0;
        for (;;) {
                vt_pump(s, 20);
                reap(s, WNOHANG);
                if (s->exited || vt_now() > end)
                        break;
        }
        vt_pump(s, 0);
        return s->exited;
}

void vt_send_bytes(struct vt_session *s, const char *bytes, size_t n) {
        size_t off = 0;
        while (s->master >= 0 && off < n) {
                ssize_t k = write(s->master, bytes + off, n - off);
                if (k < 0 && errno != EINTR && errno != EAGAIN)
                        return;
                if (k > 0)
                        off += k;
        }
}

bool vt_paste(struct vt_session *s, const char *bytes, size_t n, int timeout_ms) {
        double deadline = vt_now() + timeout_ms / 1000.0;
        size_t off = 0;
        while (s->master >= 0 && off < n) {
                if (vt_now() > deadline)
                        return false;
                ssize_t k = write(s->master, bytes + off, n - off);
                if (k > 0) {
                        off += (size_t)k;
                        continue;
                }
                if (k < 0 && errno != EINTR && errno != EAGAIN)
                        return false;
                /* the pty is full: the program reads only as fast as it draws,
                 * and it may wait for its output to be read first */
                struct pollfd p = { .fd = s->master, .events = POLLIN | POLLOUT };
                if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN))
                        vt_pump(s, 0);
        }
        return off == n;
}

void vt_send_key(struct vt_session *s, VTermKey key, VTermModifier mod) {
        vterm_keyboard_key(s->vt, key, mod);
        forward_vterm_output(s);
}

void vt_send_char(struct vt_session *s, uint32_t c, VTermModifier mod) {
        vterm_keyboard_unichar(s->vt, c, mod);
        forward_vterm_output(s);
}

void vt_resize(struct vt_session *s, int cols, int rows) {
        struct winsize ws = { .ws_row = rows, .ws_col = cols };
        s->rows = rows;
        s->cols = cols;
        vterm_set_size(s->vt, rows, cols);
        /* The kernel signals the foreground group when the size changes. */
        if (s->master >= 0)
                ioctl(s->master, TIOCSWINSZ, &ws);
}

bool vt_cell(struct vt_session *s, int r, int c, VTermScreenCell *cell) {
        if (r < 0 || c < 0 || r >= s->rows || c >= s->cols)
                return false;
        return vterm_screen_get_cell(s->screen, (VTermPos){ .row = r, .col = c }, cell) != 0;
}

static size_t utf8_encode(uint32_t c, char *out) {
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xc0 | (c >> 6));
                out[1] = (char)(0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xe0 | (c >> 12));
                out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
                out[2] = (char)(0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char)(0xf0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        return 4;
}

/* Row text plus, for every byte, the column of the cell it came from. */
static size_t row_text(struct vt_session *s, int r, char *buf, size_t size, int *cols_of_bytes) {
        size_t n = 0;
        for (int c = 0; c < s->cols; c++) {
                VTermScreenCell cell;
                if (!vt_cell(s, r, c, &cell))
                        break;
                char enc[4 * VTERM_MAX_CHARS_PER_CELL + 1];
                size_t k = 0;
                if (cell.chars[0] == 0) {
                        enc[k++] = ' ';
                } else {
                        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
                                k += utf8_encode(cell.chars[i], enc + k);
                }
                if (n + k + 1 > size)
                        break;
                for (size_t i = 0; i < k; i++) {
                        if (cols_of_bytes)
                                cols_of_bytes[n + i] = c;
                        buf[n + i] = enc[i];
                }
                n += k;
                if (cell.width > 1)
                        c += cell.width - 1;
        }
        buf[n] = '\0';
        return n;
}

const char *vt_row_text(struct vt_session *s, int r, char *buf, size_t size) {
        row_text(s, r, buf, size, NULL);
        return buf;
}

int vt_find(struct vt_session *s, const char *text, int *col) {
        for (int r = 0; r < s->rows; r++) {
                char buf[4096];
                int cols_of_bytes[4096];
                row_text(s, r, buf, sizeof buf, cols_of_bytes);
                const char *hit = strstr(buf, text);
                if (hit) {
                        if (col)
                                *col = cols_of_bytes[hit - buf];
                        return r;
                }
        }
        return -1;
}

void vt_kill(struct vt_session *s) {
        if (s->pid > 0 && !s->exited) {
                kill(s->pid, SIGKILL);
                reap(s, 0);
        }
}

void vt_free(struct vt_session *s) {
        vt_kill(s);
        if (s->master >= 0)
                close(s->master);
        if (s->vt)
                vterm_free(s->vt);
        free(s->raw);
        memset(s, 0, sizeof *s);
        s->master = -1;
}
