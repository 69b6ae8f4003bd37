/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mount.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "spawn.h"
#include "util.h"

static int make_private_dir(const char *path, struct node_error *e) {
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create directory %s: %m."), path);
        return 0;
}

int node_mount_open(const struct node_context *ctx, const char *what, const char *source, const char *fstype,
                    const char *options, struct node_mount *m, struct node_error *e) {
        memset(m, 0, sizeof *m);
        const char *run_dir = node_context_run_dir(ctx);
        int r = make_private_dir(run_dir, e);
        if (r < 0)
                return r;
        char templ[sizeof m->dir];
        if ((size_t)snprintf(templ, sizeof templ, "%s/%s-XXXXXX", run_dir, what) >= sizeof templ)
                return node_error_set(e, ENAMETOOLONG, _("The run directory path %s is too long."), run_dir);
        if (!mkdtemp(templ))
                return node_error_set(e, errno, _("Cannot create a temporary directory in %s: %m."), run_dir);
        strcpy(m->dir, templ);

        const char *argv[10];
        size_t n = 0;
        argv[n++] = "mount";
        if (fstype) {
                argv[n++] = "-t";
                argv[n++] = fstype;
        }
        if (options) {
                argv[n++] = "-o";
                argv[n++] = options;
        }
        argv[n++] = source;
        argv[n++] = m->dir;
        argv[n] = NULL;
        struct node_spawn_result res;
        r = node_spawn(argv, NULL, &res, e);
        if (r < 0) {
                node_mount_close(m, NULL);
                return r;
        }
        if (res.exit_code != 0) {
                char line[512];
                node_tool_error(&res, line, sizeof line);
                node_spawn_result_free(&res);
                node_mount_close(m, NULL);
                return node_error_set(e, EIO, _("Cannot mount %s: %s."), source, line);
        }
        node_spawn_result_free(&res);
        m->mounted = true;
        return 0;
}

int node_mount_close(struct node_mount *m, struct node_error *e) {
        int r = 0;
        if (m->mounted) {
                const char *argv[] = { "umount", "-d", m->dir, NULL };
                struct node_spawn_result res;
                r = node_spawn(argv, NULL, &res, e);
                if (r == 0) {
                        if (res.exit_code != 0) {
                                char line[512];
                                node_tool_error(&res, line, sizeof line);
                                r = node_error_set(e, EBUSY, _("Cannot unmount %s: %s."), m->dir, line);
                        } else {
                                m->mounted = false;
                        }
                        node_spawn_result_free(&res);
                }
                if (r < 0)
                        return r;
        }
        if (m->dir[0]) {
                if (rmdir(m->dir) < 0 && errno != ENOENT)
                        return node_error_set(e, errno, _("Cannot remove directory %s: %m."), m->dir);
                m->dir[0] = '\0';
        }
        return 0;
}

const char *node_mount_path(const struct node_mount *m, const char *relative, char *buf, size_t size) {
        while (*relative == '/')
                relative++;
        snprintf(buf, size, "%s/%s", m->dir, relative);
        return buf;
}

const char *node_tool_error(const struct node_spawn_result *r, char *buf, size_t size) {
        node_spawn_last_error_line(r, buf, size);
        if (!buf[0] && r->out) {
                /* some tools (tune2fs) explain themselves on stdout */
                struct node_spawn_result out_only = { .err = r->out, .err_len = r->out_len };
                node_spawn_last_error_line(&out_only, buf, size);
        }
        size_t n = strlen(buf);
        while (n > 0 && buf[n - 1] == '.')
                buf[--n] = '\0';
        if (n == 0)
                snprintf(buf, size, _("exit code %d"), r->exit_code);
        return buf;
}
