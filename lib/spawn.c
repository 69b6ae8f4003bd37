/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

extern char **environ;

static unsigned long spawned;

unsigned long node_spawn_count(void) { return spawned; }

/* environ with LC_ALL/LANG/LANGUAGE replaced by C, so tool output is parseable. */
static char **child_environment(void) {
        size_t n = 0;
        while (environ[n])
                n++;
        char **env = calloc(n + 2, sizeof *env);
        if (!env)
                return NULL;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
                if (startswith(environ[i], "LC_ALL=") || startswith(environ[i], "LANGUAGE="))
                        continue;
                env[k++] = environ[i];
        }
        env[k++] = (char *)"LC_ALL=C";
        env[k] = NULL;
        return env;
}

static int exit_code_of(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

struct buffer {
        char *data;
        size_t len, cap;
};

static int buffer_append(struct buffer *b, const char *data, size_t n, size_t max) {
        if (b->len + n > max)
                return -EFBIG;
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                while (cap < b->len + n + 1)
                        cap *= 2;
                char *p = realloc(b->data, cap);
                if (!p)
                        return -ENOMEM;
                b->data = p;
                b->cap = cap;
        }
        memcpy(b->data + b->len, data, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

/* in_fd STDIN_FILENO: the child shares our terminal and environment as they
 * are (an admin's shell); otherwise it runs with LC_ALL=C unless its words
 * are for the admin (admin_locale). */
static int start(const char *const argv[], int in_fd, int out_fd, int err_fd, bool admin_locale, pid_t *pid,
                 struct node_error *e) {
        bool interactive = in_fd == STDIN_FILENO;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        if (in_fd >= 0 && !interactive)
                posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
        else if (in_fd < 0)
                posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (out_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
        if (err_fd >= 0)
                posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
        posix_spawn_file_actions_addclosefrom_np(&fa, 3);

        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        /* posix_spawn reports a failed exec through its return value, but not
         * under every runtime (valgrind's emulation makes it exit 127), so a
         * program named by path is checked first for a clear sentence. */
        if (strchr(argv[0], '/') && access(argv[0], X_OK) < 0) {
                int err = errno;
                posix_spawnattr_destroy(&attr);
                posix_spawn_file_actions_destroy(&fa);
                return node_error_set(e, err, _("Cannot run %s: %s."), argv[0], strerror(err));
        }

        bool our_environment = interactive || admin_locale;
        _cleanup_free_ char **own_env = our_environment ? NULL : child_environment();
        char **env = our_environment ? environ : own_env;
        int r = env ? posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, env) : ENOMEM;
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                return node_error_set(e, r, _("Cannot run %s: %s."), argv[0], strerror(r));
        spawned++;
        return 0;
}

int node_spawn(const char *const argv[], const struct node_spawn_opts *opts,
               struct node_spawn_result *res, struct node_error *e) {
        static const struct node_spawn_opts defaults = { .stdout_fd = -1 };
        if (!opts)
                opts = &defaults;
        size_t max = opts->max_output ? opts->max_output : 64u << 20;
        memset(res, 0, sizeof *res);

        int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
        int r = 0;
        if (opts->stdin_data && pipe2(in, O_CLOEXEC) < 0)
                return node_error_set(e, errno, _("Cannot create a pipe: %m."));
        if ((opts->stdout_fd < 0 && pipe2(out, O_CLOEXEC) < 0) || pipe2(err, O_CLOEXEC) < 0) {
                r = node_error_set(e, errno, _("Cannot create a pipe: %m."));
                goto close_all;
        }

        pid_t pid;
        r = start(argv, in[0], opts->stdout_fd >= 0 ? opts->stdout_fd : out[1], err[1], opts->admin_locale, &pid, e);
        if (in[0] >= 0) { close(in[0]); in[0] = -1; }
        if (out[1] >= 0) { close(out[1]); out[1] = -1; }
        close(err[1]);
        err[1] = -1;
        if (r < 0)
                goto close_all;

        struct buffer bout = {0}, berr = {0};
        size_t written = 0;
        if (in[1] >= 0)
                fcntl(in[1], F_SETFL, O_NONBLOCK);
        int overflow = 0;
        for (;;) {
                struct pollfd p[3];
                int n = 0, iin = -1, iout = -1, ierr = -1;
                if (in[1] >= 0) { iin = n; p[n++] = (struct pollfd){ .fd = in[1], .events = POLLOUT }; }
                if (out[0] >= 0) { iout = n; p[n++] = (struct pollfd){ .fd = out[0], .events = POLLIN }; }
                if (err[0] >= 0) { ierr = n; p[n++] = (struct pollfd){ .fd = err[0], .events = POLLIN }; }
                if (n == 0)
                        break;
                if (poll(p, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (iin >= 0 && p[iin].revents) {
                        ssize_t k = write(in[1], opts->stdin_data + written, opts->stdin_len - written);
                        if (k > 0)
                                written += k;
                        if (k < 0 && errno != EAGAIN && errno != EINTR)
                                written = opts->stdin_len; /* child closed stdin: stop feeding */
                        if (written >= opts->stdin_len) { close(in[1]); in[1] = -1; }
                }
                int fds[2] = { iout, ierr };
                int *pipes[2] = { &out[0], &err[0] };
                struct buffer *bufs[2] = { &bout, &berr };
                for (int s = 0; s < 2; s++) {
                        if (fds[s] < 0 || !p[fds[s]].revents)
                                continue;
                        char chunk[65536];
                        ssize_t k = read(*pipes[s], chunk, sizeof chunk);
                        if (k > 0) {
                                int q = buffer_append(bufs[s], chunk, k, max);
                                if (q < 0 && !overflow)
                                        overflow = q;
                        } else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
                                close(*pipes[s]);
                                *pipes[s] = -1;
                        }
                }
        }

        /* status stays unset when waitpid fails for good (the child was
         * reaped elsewhere): that is an unknown exit, not whatever was on the stack */
        int status = 0;
        pid_t waited;
        while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
                ;
        res->exit_code = waited < 0 ? 255 : exit_code_of(status);
        res->out = bout.data ? bout.data : strdup("");
        res->out_len = bout.len;
        res->err = berr.data ? berr.data : strdup("");
        res->err_len = berr.len;
        if (overflow) {
                r = node_error_set(e, overflow, _("%s wrote more output than expected (over %zu bytes)."),
                                   argv[0], max);
                node_spawn_result_free(res);
        }

close_all:
        for (int *fd = in; fd < in + 2; fd++) if (*fd >= 0) close(*fd);
        for (int *fd = out; fd < out + 2; fd++) if (*fd >= 0) close(*fd);
        for (int *fd = err; fd < err + 2; fd++) if (*fd >= 0) close(*fd);
        return r;
}

int node_spawn_reader(const char *const argv[], int stderr_fd, pid_t *pid, int *stdout_fd,
                      struct node_error *e) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) < 0)
                return node_error_set(e, errno, _("Cannot create a pipe: %m."));
        int r = start(argv, -1, out[1], stderr_fd, false, pid, e);
        close(out[1]);
        if (r < 0) {
                close(out[0]);
                return r;
        }
        *stdout_fd = out[0];
        return 0;
}

int node_spawn_wait(pid_t pid, int *exit_code, struct node_error *e) {
        int status;
        while (waitpid(pid, &status, 0) < 0) {
                if (errno != EINTR)
                        return node_error_set(e, errno, _("Cannot wait for a child process: %m."));
        }
        *exit_code = exit_code_of(status);
        return 0;
}

int node_spawn_interactive(const char *const argv[], int *exit_code, struct node_error *e) {
        pid_t pid;
        int r = start(argv, STDIN_FILENO, -1, -1, false, &pid, e);
        if (r < 0)
                return r;
        r = node_spawn_wait(pid, exit_code, e);
        /* A shell with job control made its own process group the terminal's
         * foreground; ours must be it again, or reading the terminal stops
         * us.  tcsetpgrp from a background group raises SIGTTOU: blocked here. */
        if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp()) {
                sigset_t ttou, old;
                sigemptyset(&ttou);
                sigaddset(&ttou, SIGTTOU);
                sigprocmask(SIG_BLOCK, &ttou, &old);
                tcsetpgrp(STDIN_FILENO, getpgrp());
                sigprocmask(SIG_SETMASK, &old, NULL);
        }
        return r;
}

void node_spawn_result_free(struct node_spawn_result *r) {
        free(r->out);
        free(r->err);
        r->out = r->err = NULL;
        r->out_len = r->err_len = 0;
}

const char *node_spawn_last_error_line(const struct node_spawn_result *r, char *buf, size_t size) {
        const char *text = r->err ? r->err : "";
        size_t end = strlen(text);
        while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' '))
                end--;
        size_t begin = end;
        while (begin > 0 && text[begin - 1] != '\n')
                begin--;
        while (begin < end && text[begin] == ' ')
                begin++;
        size_t n = end - begin < size - 1 ? end - begin : size - 1;
        memcpy(buf, text + begin, n);
        buf[n] = '\0';
        return buf;
}
