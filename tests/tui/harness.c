/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vterm-harness: runs screen-test scripts against a program on a pty.
 *
 *   vterm-harness CASE.vt...        (HARNESS_LABEL=vt100/C prefixes test names)
 *
 * One command a line, '#' starts a comment, "quoted strings" take \" \\ \n
 * \t \e \xHH, and ${VAR} is replaced by the harness' environment.
 *
 *   env K=V | unenv K       environment of the next spawn (TERM, LANG, ...)
 *   size W H                terminal size of the next spawn (default 80 24)
 *   spawn PROGRAM ARGS...   start it on a fresh pty and screen
 *   key NAME...             q, C-l, ESC, ENTER, TAB, UP, DOWN, LEFT, RIGHT,
 *                           HOME, END, PGUP, PGDN, BACKSPACE, SPACE, F1..F12
 *   keys "text"             type text
 *   paste "bytes" [N] [S]   write bytes N times (default 1) straight to the pty,
 *                           as a terminal passes a paste or line noise on: no
 *                           UTF-8 decoding; all taken within S seconds (10)
 *   wait "text" [SECONDS]   poll the screen until text shows (default 5 s)
 *   wait_not "text" [S]     poll until text is gone
 *   wait_without "text" "never" [S]  poll until text shows; fails at once
 *                           if never shows on the way (what must not come
 *                           up while something else happens)
 *   wait_output [S]         until the program writes something after the last
 *                           mark, then until it is quiet again
 *   settle                  until the program has been quiet for 150 ms
 *   expect "text"           the screen shows text now
 *   expect_row N "text"     row N (0 = top) contains text
 *   expect_not "text"       the screen does not show text
 *   expect_attr "text" A... the first cell of text has attributes A: reverse,
 *                           bold, underline, plain, colour, default-colour
 *   expect_no_color         no cell has a colour other than the default
 *   expect_colour yes|no    some cell has a colour / none has (for cases that
 *                           run on both kinds of terminal: ${HARNESS_COLOUR})
 *   expect_raw_not "bytes"  the program never wrote these bytes
 *   copy SRC DST            copy a file (to change what a fake tool prints)
 *   copy_tree SRC DST       copy a directory tree (a writable root for NODECTL_ROOT)
 *   wait_file FILE "text" [S]  poll until FILE contains text (a fake tool's log)
 *   expect_file_not FILE "text"  FILE does not contain text (or does not exist)
 *   run PROGRAM ARGS...     run a helper to its end (start or stop a test
 *                           server); it must exit 0
 *   lock FILE               hold an flock on FILE with the harness' pid in it, as
 *                           another nodectl would; unlock lets it go
 *   garble "bytes"          put bytes on the emulated screen as if line noise
 *                           or a kernel message had hit the terminal
 *   resize W H              TIOCSWINSZ on the pty (the kernel sends SIGWINCH)
 *   signal NAME             INT, TERM, HUP, QUIT, TSTP, WINCH to the program
 *   expect_running          the program has not exited
 *   expect_exit CODE [S]    the program exits with CODE
 *   mark                    start counting written bytes anew
 *   count_bytes LABEL [MAX] report bytes written since mark (assert <= MAX)
 *   elapsed LABEL [MAX_MS]  report time from spawn to the last successful wait
 *   best_elapsed LABEL MAX_MS  the least of the elapsed times reported so far
 *                           in this case is within MAX_MS (noise only adds)
 *                           (budgets are multiplied by HARNESS_BUDGET_SCALE,
 *                           for sanitizer and valgrind builds)
 *   rss LABEL [MAX_KB]      report the program's resident set size (and its
 *                           peak so far as LABEL-peak; MAX_KB checks the first)
 *   dump                    print the screen (as TAP comments)
 *
 * Output is TAP: "ok - LABEL CASE: STEP" or "not ok - ..." followed by a dump
 * of the screen; a case stops at its first failure. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vtsession.h"

#define MAX_TOKENS 32
#define MAX_ENV 64
#define DEFAULT_WAIT_S 5.0

struct runner {
        char name[256];
        struct vt_session s;
        bool spawned;
        char *env[MAX_ENV + 1];
        size_t n_env;
        int cols, rows;
        double last_wait_done;
        double timeout_scale;
        double budget_scale;
        double best_elapsed_ms;        /* < 0: none yet */
        int lock_fd;                   /* -1: no lock held */
        unsigned passed, failed;
};

static void dump_screen(struct runner *r) {
        if (!r->spawned)
                return;
        printf("# screen %dx%d:\n", r->s.cols, r->s.rows);
        for (int row = 0; row < r->s.rows; row++) {
                char buf[4096];
                printf("# %2d|%s|\n", row, vt_row_text(&r->s, row, buf, sizeof buf));
        }
}

static bool verdict(struct runner *r, bool ok, const char *step, const char *fmt, ...) {
        printf("%s - %s: %s\n", ok ? "ok" : "not ok", r->name, step);
        if (!ok) {
                if (fmt) {
                        va_list ap;
                        va_start(ap, fmt);
                        printf("# ");
                        vprintf(fmt, ap);
                        printf("\n");
                        va_end(ap);
                }
                if (r->spawned && vt_wait_exit(&r->s, 0))
                        printf("# the program has exited with code %d\n", r->s.exit_code);
                dump_screen(r);
                r->failed++;
        } else {
                r->passed++;
        }
        fflush(stdout);
        return ok;
}

static void append_var(char **out, size_t *len, size_t cap, const char *s) {
        size_t n = strlen(s);
        if (*len + n >= cap)
                n = cap - *len - 1;
        memcpy(*out + *len, s, n);
        *len += n;
}

/* Splits a line into tokens; returns the count or -1 on a syntax error. */
static int tokenize(const char *line, char tokens[MAX_TOKENS][1024]) {
        int n = 0;
        const char *p = line;
        for (;;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p || *p == '#' || *p == '\n')
                        break;
                if (n == MAX_TOKENS)
                        return -1;
                char *out = tokens[n];
                size_t len = 0, cap = sizeof tokens[0];
                bool quoted = *p == '"';
                if (quoted)
                        p++;
                while (*p && *p != '\n' && (quoted ? *p != '"' : (*p != ' ' && *p != '\t'))) {
                        char c = *p++;
                        if (c == '$' && *p == '{') {
                                const char *end = strchr(p, '}');
                                if (!end)
                                        return -1;
                                char var[256];
                                snprintf(var, sizeof var, "%.*s", (int)(end - p - 1), p + 1);
                                const char *value = getenv(var);
                                append_var(&out, &len, cap, value ? value : "");
                                p = end + 1;
                                continue;
                        }
                        if (quoted && c == '\\' && *p) {
                                c = *p++;
                                if (c == 'n')
                                        c = '\n';
                                else if (c == 't')
                                        c = '\t';
                                else if (c == 'e')
                                        c = 27;
                                else if (c == 'x' && isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1])) {
                                        char hex[3] = { p[0], p[1], 0 };
                                        c = (char)strtol(hex, NULL, 16);
                                        p += 2;
                                }
                        }
                        if (len + 1 < cap)
                                out[len++] = c;
                }
                if (quoted) {
                        if (*p != '"')
                                return -1;
                        p++;
                }
                out[len] = '\0';
                n++;
        }
        return n;
}

struct key_name {
        const char *name;
        VTermKey key;
};

static const struct key_name key_names[] = {
        { "ESC", VTERM_KEY_ESCAPE }, { "ENTER", VTERM_KEY_ENTER }, { "TAB", VTERM_KEY_TAB },
        { "BACKSPACE", VTERM_KEY_BACKSPACE }, { "UP", VTERM_KEY_UP }, { "DOWN", VTERM_KEY_DOWN },
        { "LEFT", VTERM_KEY_LEFT }, { "RIGHT", VTERM_KEY_RIGHT }, { "HOME", VTERM_KEY_HOME },
        { "END", VTERM_KEY_END }, { "PGUP", VTERM_KEY_PAGEUP }, { "PGDN", VTERM_KEY_PAGEDOWN },
        { "INS", VTERM_KEY_INS }, { "DEL", VTERM_KEY_DEL },
};

static uint32_t utf8_first(const char *s, size_t *len) {
        const unsigned char *u = (const unsigned char *)s;
        if (u[0] < 0x80) {
                *len = 1;
                return u[0];
        }
        int extra = u[0] >= 0xf0 ? 3 : u[0] >= 0xe0 ? 2 : 1;
        uint32_t c = u[0] & (0x3f >> extra);
        for (int i = 1; i <= extra && u[i]; i++)
                c = (c << 6) | (u[i] & 0x3f);
        *len = extra + 1;
        return c;
}

static bool send_key(struct runner *r, const char *name) {
        for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
                if (strcmp(name, key_names[i].name) == 0) {
                        vt_send_key(&r->s, key_names[i].key, VTERM_MOD_NONE);
                        return true;
                }
        if (strcmp(name, "SPACE") == 0) {
                vt_send_char(&r->s, ' ', VTERM_MOD_NONE);
                return true;
        }
        if (name[0] == 'F' && isdigit((unsigned char)name[1])) {
                vt_send_key(&r->s, VTERM_KEY_FUNCTION(atoi(name + 1)), VTERM_MOD_NONE);
                return true;
        }
        if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3]) {
                /* Ctrl-letter is the letter's control code, as a terminal sends it. */
                char code = (char)(toupper((unsigned char)name[2]) & 0x1f);
                vt_send_bytes(&r->s, &code, 1);
                return true;
        }
        size_t len;
        uint32_t c = utf8_first(name, &len);
        if (name[len] != '\0')
                return false;
        vt_send_char(&r->s, c, VTERM_MOD_NONE);
        return true;
}

static double seconds_arg(struct runner *r, int n, char tokens[][1024], int index) {
        double s = n > index ? atof(tokens[index]) : DEFAULT_WAIT_S;
        return s * r->timeout_scale;
}

static bool screen_has(struct runner *r, const char *text) { return vt_find(&r->s, text, NULL) >= 0; }

/* never (may be NULL): fails at once if that shows on the way (*saw_never). */
static bool wait_for(struct runner *r, const char *text, bool present, double seconds, const char *never,
                     bool *saw_never) {
        double end = vt_now() + seconds;
        for (;;) {
                vt_pump(&r->s, 20);
                if (never && (*saw_never = screen_has(r, never)))
                        return false;
                if (screen_has(r, text) == present) {
                        /* Let the rest of the frame arrive before the next step. */
                        r->last_wait_done = vt_now();
                        vt_settle(&r->s, 30, 500);
                        return !never || !(*saw_never = screen_has(r, never));
                }
                if (vt_now() > end || r->s.master < 0)
                        return screen_has(r, text) == present;
        }
}

static bool cell_is_coloured(const VTermScreenCell *cell) {
        return !VTERM_COLOR_IS_DEFAULT_FG(&cell->fg) || !VTERM_COLOR_IS_DEFAULT_BG(&cell->bg);
}

static int signal_number(const char *name) {
        static const struct { const char *name; int sig; } sigs[] = {
                { "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
                { "QUIT", SIGQUIT }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH },
        };
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                if (strcmp(name, sigs[i].name) == 0)
                        return sigs[i].sig;
        return -1;
}

/* field: "VmRSS" (now) or "VmHWM" (the peak so far) */
static long status_kib(pid_t pid, const char *field) {
        char path[64], line[256], format[32];
        snprintf(format, sizeof format, "%s: %%ld kB", field);
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return -1;
        long kib = -1;
        while (fgets(line, sizeof line, f))
                if (sscanf(line, format, &kib) == 1)
                        break;
        fclose(f);
        return kib;
}

static int copy_file(const char *from, const char *to) {
        FILE *in = fopen(from, "re");
        if (!in)
                return -1;
        /* Written aside and renamed, so a reader never sees half a file. */
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", to);
        FILE *out = fopen(tmp, "we");
        if (!out) {
                fclose(in);
                return -1;
        }
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
                fwrite(buf, 1, n, out);
        fclose(in);
        if (fclose(out) != 0)
                return -1;
        return rename(tmp, to);
}

static bool file_has(const char *path, const char *text) {
        FILE *f = fopen(path, "re");
        if (!f)
                return false;
        char buf[65536];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        return strstr(buf, text) != NULL;
}

/* Runs argv[0] (looked up in PATH) to its end; 0 when it exited 0. */
static int run_program(char *const argv[]) {
        pid_t pid;
        extern char **environ;
        if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
                return -1;
        int status;
        if (waitpid(pid, &status, 0) < 0)
                return -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int copy_tree(const char *from, const char *to) {
        char *const argv[] = { (char *)"cp", (char *)"-R", (char *)from, (char *)to, NULL };
        return run_program(argv);
}

static int hold_lock(struct runner *r, const char *path) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        if (strrchr(dir, '/')) {
                *strrchr(dir, '/') = '\0';
                mkdir(dir, 0700);
        }
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                close(fd);
                return -1;
        }
        char text[32];
        int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len) {
                close(fd);
                return -1;
        }
        r->lock_fd = fd;
        return 0;
}

static void release_lock(struct runner *r) {
        if (r->lock_fd >= 0)
                close(r->lock_fd);
        r->lock_fd = -1;
}

/* Runs one command; returns false when the case must stop. */
static bool run_command(struct runner *r, const char *step, int n, char t[MAX_TOKENS][1024]) {
        const char *cmd = t[0];
        bool needs_program = strcmp(cmd, "env") && strcmp(cmd, "unenv") && strcmp(cmd, "size") &&
                             strcmp(cmd, "spawn") && strcmp(cmd, "copy") && strcmp(cmd, "copy_tree") &&
                             strcmp(cmd, "lock") && strcmp(cmd, "unlock") && strcmp(cmd, "expect_file_not") &&
                             strcmp(cmd, "run");
        if (needs_program && !r->spawned)
                return verdict(r, false, step, "no program was spawned");

        if (strcmp(cmd, "env") == 0 || strcmp(cmd, "unenv") == 0) {
                /* a later "env K=V" wins over an earlier one: the child applies them in order */
                for (int i = 1; i < n && r->n_env < MAX_ENV; i++) {
                        char *item;
                        if (asprintf(&item, "%s%s", cmd[0] == 'u' ? "-" : "", t[i]) < 0)
                                return false;
                        r->env[r->n_env++] = item;
                }
                return true;
        }
        if (strcmp(cmd, "size") == 0 && n == 3) {
                r->cols = atoi(t[1]);
                r->rows = atoi(t[2]);
                return true;
        }
        if (strcmp(cmd, "spawn") == 0 && n >= 2) {
                if (r->spawned)
                        vt_free(&r->s);
                char *argv[MAX_TOKENS + 1];
                for (int i = 1; i < n; i++)
                        argv[i - 1] = t[i];
                argv[n - 1] = NULL;
                r->env[r->n_env] = NULL;
                if (vt_spawn(&r->s, argv, r->env, r->cols, r->rows) < 0)
                        return verdict(r, false, step, "forkpty failed: %s", strerror(errno));
                r->spawned = true;
                return true;
        }
        if (strcmp(cmd, "key") == 0 && n >= 2) {
                for (int i = 1; i < n; i++)
                        if (!send_key(r, t[i]))
                                return verdict(r, false, step, "unknown key name %s", t[i]);
                return true;
        }
        if (strcmp(cmd, "keys") == 0 && n == 2) {
                for (const char *p = t[1]; *p;) {
                        size_t len;
                        uint32_t c = utf8_first(p, &len);
                        vt_send_char(&r->s, c, VTERM_MOD_NONE);
                        p += len;
                }
                return true;
        }
        if (strcmp(cmd, "paste") == 0 && n >= 2) {
                size_t len = strlen(t[1]), count = n >= 3 ? strtoul(t[2], NULL, 10) : 1;
                if (len == 0 || count == 0 || count > (64u << 20) / len)
                        return verdict(r, false, step, "paste wants some bytes, at most 64 MiB");
                char *buf = malloc(len * count);
                if (!buf)
                        return verdict(r, false, step, "out of memory");
                for (size_t i = 0; i < count; i++)
                        memcpy(buf + i * len, t[1], len);
                double t0 = vt_now(), limit = seconds_arg(r, n, t, 3);
                bool all = vt_paste(&r->s, buf, len * count, (int)(limit * 1000));
                free(buf);
                printf("# %s: paste of %zu bytes taken in %.0f ms\n", r->name, len * count, (vt_now() - t0) * 1000);
                return verdict(r, all, step, "the program did not take %zu bytes within %.0f s", len * count, limit);
        }
        if ((strcmp(cmd, "wait") == 0 || strcmp(cmd, "wait_not") == 0) && n >= 2) {
                bool present = strcmp(cmd, "wait") == 0;
                return verdict(r, wait_for(r, t[1], present, seconds_arg(r, n, t, 2), NULL, NULL), step,
                               present ? "\"%s\" did not show" : "\"%s\" did not go away", t[1]);
        }
        if (strcmp(cmd, "wait_without") == 0 && n >= 3) {
                bool saw_never = false;
                bool ok = wait_for(r, t[1], true, seconds_arg(r, n, t, 3), t[2], &saw_never);
                return verdict(r, ok, step, saw_never ? "\"%s\" showed" : "\"%s\" did not show",
                               saw_never ? t[2] : t[1]);
        }
        if (strcmp(cmd, "wait_output") == 0) {
                double end = vt_now() + seconds_arg(r, n, t, 1);
                while (r->s.bytes_total == r->s.bytes_mark && vt_now() < end && r->s.master >= 0)
                        vt_pump(&r->s, 50);
                bool ok = r->s.bytes_total > r->s.bytes_mark;
                vt_settle(&r->s, 150, 2000);
                return verdict(r, ok, step, "the program wrote nothing");
        }
        if (strcmp(cmd, "settle") == 0) {
                vt_settle(&r->s, 150, 3000);
                return true;
        }
        if (strcmp(cmd, "expect") == 0 && n == 2) {
                vt_settle(&r->s, 150, 3000);
                return verdict(r, screen_has(r, t[1]), step, "\"%s\" is not on the screen", t[1]);
        }
        if (strcmp(cmd, "expect_row") == 0 && n == 3) {
                vt_settle(&r->s, 150, 3000);
                char buf[4096];
                int row = atoi(t[1]);
                bool ok = row >= 0 && row < r->s.rows && strstr(vt_row_text(&r->s, row, buf, sizeof buf), t[2]);
                return verdict(r, ok, step, "row %d does not contain \"%s\"", row, t[2]);
        }
        if (strcmp(cmd, "expect_not") == 0 && n == 2) {
                vt_settle(&r->s, 150, 3000);
                return verdict(r, !screen_has(r, t[1]), step, "\"%s\" is on the screen", t[1]);
        }
        if (strcmp(cmd, "expect_attr") == 0 && n >= 3) {
                vt_settle(&r->s, 150, 3000);
                int col, row = vt_find(&r->s, t[1], &col);
                VTermScreenCell cell;
                if (row < 0 || !vt_cell(&r->s, row, col, &cell))
                        return verdict(r, false, step, "\"%s\" is not on the screen", t[1]);
                for (int i = 2; i < n; i++) {
                        bool ok = strcmp(t[i], "reverse") == 0     ? cell.attrs.reverse
                                  : strcmp(t[i], "bold") == 0      ? cell.attrs.bold
                                  : strcmp(t[i], "underline") == 0 ? cell.attrs.underline != 0
                                  : strcmp(t[i], "plain") == 0
                                          ? !cell.attrs.reverse && !cell.attrs.bold && !cell.attrs.underline
                                  : strcmp(t[i], "colour") == 0 ? cell_is_coloured(&cell)
                                  : strcmp(t[i], "default-colour") == 0 ? !cell_is_coloured(&cell)
                                                                        : false;
                        if (!ok)
                                return verdict(r, false, step, "\"%s\" at row %d col %d is not %s", t[1], row,
                                               col, t[i]);
                }
                return verdict(r, true, step, NULL);
        }
        if (strcmp(cmd, "expect_colour") == 0 && n == 2) {
                vt_settle(&r->s, 150, 3000);
                bool want = strcmp(t[1], "yes") == 0, found = false;
                for (int row = 0; row < r->s.rows && !found; row++)
                        for (int col = 0; col < r->s.cols && !found; col++) {
                                VTermScreenCell cell;
                                found = vt_cell(&r->s, row, col, &cell) && cell_is_coloured(&cell);
                        }
                return verdict(r, found == want, step, want ? "no cell has a colour" : "some cell has a colour");
        }
        if (strcmp(cmd, "expect_no_color") == 0) {
                vt_settle(&r->s, 150, 3000);
                for (int row = 0; row < r->s.rows; row++)
                        for (int col = 0; col < r->s.cols; col++) {
                                VTermScreenCell cell;
                                if (vt_cell(&r->s, row, col, &cell) && cell_is_coloured(&cell))
                                        return verdict(r, false, step, "row %d col %d has a colour", row, col);
                        }
                return verdict(r, true, step, NULL);
        }
        if (strcmp(cmd, "expect_raw_not") == 0 && n == 2) {
                vt_settle(&r->s, 150, 3000);
                bool found = r->s.raw && memmem(r->s.raw, r->s.raw_len, t[1], strlen(t[1]));
                return verdict(r, !found, step, "the program wrote the bytes");
        }
        if (strcmp(cmd, "copy") == 0 && n == 3) {
                if (copy_file(t[1], t[2]) < 0)
                        return verdict(r, false, step, "cannot copy: %s", strerror(errno));
                return true;
        }
        if (strcmp(cmd, "copy_tree") == 0 && n == 3) {
                if (copy_tree(t[1], t[2]) < 0)
                        return verdict(r, false, step, "cannot copy the tree %s to %s", t[1], t[2]);
                return true;
        }
        if (strcmp(cmd, "wait_file") == 0 && n >= 3) {
                double end = vt_now() + seconds_arg(r, n, t, 3);
                bool found;
                while (!(found = file_has(t[1], t[2])) && vt_now() < end)
                        vt_pump(&r->s, 50);
                return verdict(r, found, step, "%s does not contain \"%s\"", t[1], t[2]);
        }
        if (strcmp(cmd, "expect_file_not") == 0 && n == 3) {
                if (r->spawned)
                        vt_settle(&r->s, 150, 3000);
                return verdict(r, !file_has(t[1], t[2]), step, "%s contains \"%s\"", t[1], t[2]);
        }
        if (strcmp(cmd, "run") == 0 && n >= 2) {
                char *argv[MAX_TOKENS + 1];
                for (int i = 1; i < n; i++)
                        argv[i - 1] = t[i];
                argv[n - 1] = NULL;
                return verdict(r, run_program(argv) == 0, step, "%s did not exit 0", t[1]);
        }
        if (strcmp(cmd, "lock") == 0 && n == 2) {
                release_lock(r);
                if (hold_lock(r, t[1]) < 0)
                        return verdict(r, false, step, "cannot lock %s: %s", t[1], strerror(errno));
                return true;
        }
        if (strcmp(cmd, "unlock") == 0 && n == 1) {
                release_lock(r);
                return true;
        }
        if (strcmp(cmd, "garble") == 0 && n == 2) {
                vt_settle(&r->s, 150, 3000);
                vterm_input_write(r->s.vt, t[1], strlen(t[1]));
                return true;
        }
        if (strcmp(cmd, "resize") == 0 && n == 3) {
                vt_resize(&r->s, atoi(t[1]), atoi(t[2]));
                return true;
        }
        if (strcmp(cmd, "signal") == 0 && n == 2) {
                int sig = signal_number(t[1]);
                if (sig < 0)
                        return verdict(r, false, step, "unknown signal %s", t[1]);
                kill(r->s.pid, sig);
                return true;
        }
        if (strcmp(cmd, "expect_running") == 0) {
                vt_settle(&r->s, 150, 3000);
                return verdict(r, !vt_wait_exit(&r->s, 200), step, "it exited with code %d", r->s.exit_code);
        }
        if (strcmp(cmd, "expect_exit") == 0 && n >= 2) {
                int want = atoi(t[1]);
                if (!vt_wait_exit(&r->s, (int)(seconds_arg(r, n, t, 2) * 1000)))
                        return verdict(r, false, step, "it is still running");
                return verdict(r, r->s.exit_code == want, step, "exit code %d", r->s.exit_code);
        }
        if (strcmp(cmd, "mark") == 0) {
                vt_settle(&r->s, 150, 3000);
                r->s.bytes_mark = r->s.bytes_total;
                return true;
        }
        if (strcmp(cmd, "count_bytes") == 0 && n >= 2) {
                vt_settle(&r->s, 150, 3000);
                unsigned long long bytes = r->s.bytes_total - r->s.bytes_mark;
                printf("# %s: %s: %llu bytes\n", r->name, t[1], bytes);
                if (n >= 3)
                        return verdict(r, bytes <= strtoull(t[2], NULL, 10), step, "%llu bytes", bytes);
                return true;
        }
        if (strcmp(cmd, "elapsed") == 0 && n >= 2) {
                double ms = (r->last_wait_done - r->s.spawn_time) * 1000;
                printf("# %s: %s: %.1f ms\n", r->name, t[1], ms);
                if (r->best_elapsed_ms < 0 || ms < r->best_elapsed_ms)
                        r->best_elapsed_ms = ms;
                if (n >= 3)
                        return verdict(r, ms <= atof(t[2]) * r->budget_scale, step, "%.1f ms", ms);
                return true;
        }
        if (strcmp(cmd, "best_elapsed") == 0 && n == 3) {
                printf("# %s: %s: %.1f ms (best)\n", r->name, t[1], r->best_elapsed_ms);
                return verdict(r, r->best_elapsed_ms >= 0 && r->best_elapsed_ms <= atof(t[2]) * r->budget_scale,
                               step, "%.1f ms", r->best_elapsed_ms);
        }
        if (strcmp(cmd, "rss") == 0 && n >= 2) {
                long kib = status_kib(r->s.pid, "VmRSS");
                printf("# %s: %s: %ld kB\n", r->name, t[1], kib);
                printf("# %s: %s-peak: %ld kB\n", r->name, t[1], status_kib(r->s.pid, "VmHWM"));
                if (n >= 3)
                        return verdict(r, kib > 0 && kib <= atol(t[2]) * r->budget_scale, step, "%ld kB", kib);
                return true;
        }
        if (strcmp(cmd, "dump") == 0) {
                vt_settle(&r->s, 150, 3000);
                dump_screen(r);
                return true;
        }
        return verdict(r, false, step, "unknown command or wrong arguments");
}

static void run_case(struct runner *r, const char *path) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        const char *label = getenv("HARNESS_LABEL");
        snprintf(r->name, sizeof r->name, "%s%s%.*s", label ? label : "", label ? " " : "",
                 (int)(strcspn(base, ".")), base);
        r->cols = 80;
        r->rows = 24;
        r->best_elapsed_ms = -1;
        FILE *f = fopen(path, "re");
        if (!f) {
                verdict(r, false, "open", "cannot open %s: %s", path, strerror(errno));
                return;
        }
        char line[2048];
        while (fgets(line, sizeof line, f)) {
                char tokens[MAX_TOKENS][1024];
                int n = tokenize(line, tokens);
                line[strcspn(line, "\n")] = '\0';
                const char *step = line + strspn(line, " \t");
                if (n == 0)
                        continue;
                if (n < 0) {
                        verdict(r, false, step, "cannot parse the line");
                        break;
                }
                if (!run_command(r, step, n, tokens))
                        break;
        }
        fclose(f);
        if (r->spawned)
                vt_free(&r->s);
        r->spawned = false;
        release_lock(r);
        for (size_t i = 0; i < r->n_env; i++)
                free(r->env[i]);
        r->n_env = 0;
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: %s CASE.vt...\n", argv[0]);
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        signal(SIGPIPE, SIG_IGN);
        struct runner r = { .timeout_scale = 1.0, .budget_scale = 1.0, .lock_fd = -1 };
        if (getenv("HARNESS_BUDGET_SCALE"))
                r.budget_scale = atof(getenv("HARNESS_BUDGET_SCALE"));
        if (getenv("HARNESS_TIMEOUT_SCALE"))
                r.timeout_scale = atof(getenv("HARNESS_TIMEOUT_SCALE"));
        for (int i = 1; i < argc; i++)
                run_case(&r, argv[i]);
        printf("# %u passed, %u failed\n", r.passed, r.failed);
        return r.failed ? 1 : 0;
}
