/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

/* The pid the holder wrote, 0 when unknown (a holder that is not nodecon,
 * such as flock(1), writes none). */
static long holder_pid(int fd) {
        char buf[32];
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        char *end;
        long pid = strtol(buf, &end, 10);
        return pid > 0 && (*end == '\n' || *end == '\0') ? pid : 0;
}

int node_lock_acquire(const struct node_context *ctx, struct node_lock *lock, struct node_error *e) {
        lock->fd = -1;
        const char *dir = node_context_run_dir(ctx);
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create %s: %s."), dir, strerror(errno));
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/lock", dir) >= (int)sizeof path)
                return node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), dir);
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return node_error_set(e, errno, _("Cannot open the lock file %s: %s."), path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK)
                        return node_error_set(e, errno, _("Cannot lock %s: %s."), path, strerror(errno));
                long pid = holder_pid(fd);
                if (pid > 0)
                        return node_error_set(e, EBUSY, _("Another nodectl or nodecon operation is running (pid %ld)."),
                                              pid);
                return node_error_set(e, EBUSY, _("Another nodectl or nodecon operation is running."));
        }
        char text[32];
        int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
        /* the pid is only a courtesy for the message: failing to write it is not fatal */
        if (ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t)len, 0) != len)
                (void)ftruncate(fd, 0);
        lock->fd = TAKE_FD(fd);
        return 0;
}

void node_lock_release(struct node_lock *lock) {
        if (lock->fd < 0)
                return;
        /* an empty file says nobody holds it, for whoever reads it later */
        (void)ftruncate(lock->fd, 0);
        close(lock->fd);
        lock->fd = -1;
}
