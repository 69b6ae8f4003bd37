/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The support bundle: each piece is a program's output or a copied file in a
 * scratch directory, then one tar.gz renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "i18n.h"
#include "spawn.h"
#include "util.h"

#define LVM_PROGRAM ((const char *)1)  /* argv[0] placeholder: the context's lvm */

struct piece {
        const char *file;               /* name inside the bundle */
        const char *argv[12];           /* a program to run, or */
        const char *copy;               /* a file or directory (under the root prefix) to copy */
};

static const struct piece pieces[] = {
        { "os-release", .copy = "/etc/os-release" },
        { "cmdline", .copy = "/proc/cmdline" },
        { "lvm/lvs.json", .argv = { LVM_PROGRAM, "lvs", "-a", "--reportformat", "json", "--units", "b", "-o",
                            "+lv_tags,lv_layout,origin,pool_lv,data_percent,metadata_percent,lv_time", NULL } },
        { "lvm/vgs.json", .argv = { LVM_PROGRAM, "vgs", "--reportformat", "json", "--units", "b", "-o", "+vg_tags", NULL } },
        { "lvm/pvs.json", .argv = { LVM_PROGRAM, "pvs", "--reportformat", "json", "--units", "b", NULL } },
        { "lvm/lvmconfig", .argv = { LVM_PROGRAM, "lvmconfig", "--type", "diff", NULL } },
        { "dm/status", .argv = { "dmsetup", "status", NULL } },
        { "dm/table", .argv = { "dmsetup", "table", NULL } },
        { "boot/loader-entries", .copy = "/boot/loader/entries" },
        { "boot/grubenv", .copy = "/boot/grub2/grubenv" },
        { "boot/efi-loader.conf", .copy = "/boot/efi/loader/loader.conf" },
        { "boot/efi-loader-entries", .copy = "/boot/efi/loader/entries" },
        { "logs/journal-this-boot.txt", .argv = { "journalctl", "-b", "0", "-o", "short-iso-precise", "--no-pager", "-n", "200000", NULL } },
        { "logs/journal-previous-boot.txt", .argv = { "journalctl", "-b", "-1", "-o", "short-iso-precise", "--no-pager", "-n", "100000", NULL } },
        { "logs/kernel.txt", .argv = { "journalctl", "-k", "-b", "0", "-o", "short-iso-precise", "--no-pager", NULL } },
        { "logs/nodecon", .copy = "/var/log/nodecon" },
        { "services/failed.txt", .argv = { "systemctl", "--failed", "--all", "--no-pager", NULL } },
        { "services/units.txt", .argv = { "systemctl", "list-units", "--all", "--no-pager", NULL } },
        { "network/ip-addr.json", .argv = { "ip", "-j", "-d", "addr", NULL } },
        { "network/ip-route.txt", .argv = { "ip", "route", "show", "table", "all", NULL } },
        { "network/nmcli-devices.txt", .argv = { "nmcli", "-f", "all", "device", "show", NULL } },
        { "network/nmcli-connections.txt", .argv = { "nmcli", "-f", "all", "connection", "show", NULL } },
        { "network/resolv.conf", .copy = "/etc/resolv.conf" },
        { "system/df.txt", .argv = { "df", "-h", NULL } },
        { "system/lsblk.json", .argv = { "lsblk", "-J", "-f", NULL } },
        { "system/findmnt.txt", .argv = { "findmnt", "--list", NULL } },
        { "system/meminfo", .copy = "/proc/meminfo" },
        { "system/loadavg", .copy = "/proc/loadavg" },
        { "vms/virsh-list.txt", .argv = { "virsh", "-r", "list", "--all", NULL } },
};

/* a/b into buf; false when it does not fit */
static bool join_path(char *buf, size_t size, const char *a, const char *b) {
        int n = snprintf(buf, size, "%s/%s", a, b);
        return n >= 0 && (size_t)n < size;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        (void)st;
        (void)type;
        (void)ftw;
        remove(path);
        return 0;
}

static void remove_tree(const char *dir) {
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int make_parent(const char *path) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (!slash)
                return 0;
        *slash = '\0';
        for (char *p = dir + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        mkdir(dir, 0700);
                        *p = '/';
                }
        return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -errno;
}

/* Runs the piece's program with stdout into dest; returns a note for the index or NULL. */
static const char *run_piece(const struct node_context *ctx, const struct piece *p, const char *dest, char *note,
                             size_t size) {
        const char *argv[ELEMENTSOF(p->argv)];
        memcpy(argv, p->argv, sizeof argv);
        if (argv[0] == LVM_PROGRAM)
                argv[0] = node_context_lvm(ctx);
        _cleanup_close_ int fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
                snprintf(note, size, "cannot write: %s", strerror(errno));
                return note;
        }
        struct node_spawn_opts opts = { .stdout_fd = fd, .max_output = 1 << 20 };
        struct node_spawn_result r = {0};
        struct node_error e = {0};
        if (node_spawn(argv, &opts, &r, &e) < 0) {
                snprintf(note, size, "not run: %s", e.message);
                unlink(dest);
                return note;
        }
        const char *result = NULL;
        if (r.exit_code != 0) {
                char line[256];
                snprintf(note, size, "exit %d: %s", r.exit_code, node_spawn_last_error_line(&r, line, sizeof line));
                result = note;
        }
        node_spawn_result_free(&r);
        return result;
}

static const char *copy_piece(const struct node_context *ctx, const struct piece *p, const char *dest, char *note,
                              size_t size) {
        char src[PATH_MAX];
        node_context_path(ctx, p->copy, src, sizeof src);
        struct stat st;
        if (stat(src, &st) < 0) {
                snprintf(note, size, "absent: %s", p->copy);
                return note;
        }
        /* cp -a keeps modes and times; -L so a symlinked file is copied, not its link */
        const char *argv[] = { "cp", "-a", "-L", "--", src, dest, NULL };
        struct node_spawn_result r = {0};
        struct node_error e = {0};
        if (node_spawn(argv, NULL, &r, &e) < 0 || r.exit_code != 0) {
                char line[256];
                snprintf(note, size, "cannot copy: %s", e.message[0] ? e.message : node_spawn_last_error_line(&r, line, sizeof line));
                node_spawn_result_free(&r);
                return note;
        }
        node_spawn_result_free(&r);
        return NULL;
}

static int bundle_name(char *buf, size_t size) {
        char host[256] = "node";
        gethostname(host, sizeof host - 1);
        for (char *c = host; *c; c++)
                if (*c == '/' || *c == ' ')
                        *c = '_';
        time_t now = time(NULL);
        struct tm tm;
        char when[32] = "unknown";
        if (localtime_r(&now, &tm))
                strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
        int n = snprintf(buf, size, "nodecon-bundle-%s-%s", host, when);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int node_support_bundle(const struct node_context *ctx, const char *output, node_bundle_progress_fn progress,
                        void *userdata, struct node_bundle_report *report, struct node_error *e) {
        *report = (struct node_bundle_report){0};
        char name[300];
        if (bundle_name(name, sizeof name) < 0)
                return node_error_set(e, ENAMETOOLONG, _("The host name is too long for a file name."));

        struct stat st;
        int n;
        if (stat(output, &st) == 0 && S_ISDIR(st.st_mode))
                n = snprintf(report->path, sizeof report->path, "%s/%s.tar.gz", output, name);
        else
                n = snprintf(report->path, sizeof report->path, "%s", output);
        if (n < 0 || (size_t)n >= sizeof report->path)
                return node_error_set(e, ENAMETOOLONG, _("The output path is too long."));
        if (stat(report->path, &st) == 0)
                return node_error_set(e, EEXIST, _("%s exists already: name another file."), report->path);

        /* the scratch directory lives next to the output, so a full /var/tmp is found before work is done */
        char tmp_output[sizeof report->path + 16];
        snprintf(tmp_output, sizeof tmp_output, "%s.tmp", report->path);
        _cleanup_close_ int probe = open(tmp_output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (probe < 0)
                return node_error_set(e, errno, _("Cannot write %s: %s."), tmp_output, strerror(errno));

        char scratch_template[] = "/tmp/nodecon-bundle.XXXXXX";
        const char *tmpdir = getenv("TMPDIR");
        char scratch[PATH_MAX];
        snprintf(scratch, sizeof scratch, "%s/nodecon-bundle.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/var/tmp");
        if (!mkdtemp(scratch)) {
                snprintf(scratch, sizeof scratch, "%s", scratch_template);
                if (!mkdtemp(scratch)) {
                        unlink(tmp_output);
                        return node_error_set(e, errno, _("Cannot make a scratch directory: %s."), strerror(errno));
                }
        }
        char top[PATH_MAX], index_path[PATH_MAX];
        if (!join_path(top, sizeof top, scratch, name) || !join_path(index_path, sizeof index_path, top, "index.txt")) {
                remove_tree(scratch);
                unlink(tmp_output);
                return node_error_set(e, ENAMETOOLONG, _("The scratch directory's path is too long."));
        }
        mkdir(top, 0700);

        _cleanup_fclose_ FILE *index = fopen(index_path, "we");
        if (index)
                fprintf(index, "nodecon support bundle %s\n\n", name);

        const size_t n_pieces = ELEMENTSOF(pieces);
        for (size_t i = 0; i < n_pieces; i++) {
                const struct piece *p = &pieces[i];
                if (progress)
                        progress(p->file, (double)i / (double)n_pieces, userdata);
                char dest[PATH_MAX], note[1200];
                const char *missing = !join_path(dest, sizeof dest, top, p->file) || make_parent(dest) < 0
                                              ? "cannot make its directory"
                                      : p->copy              ? copy_piece(ctx, p, dest, note, sizeof note)
                                                             : run_piece(ctx, p, dest, note, sizeof note);
                if (missing)
                        report->missing++;
                else
                        report->items++;
                if (index)
                        fprintf(index, "%-36s %s\n", p->file, missing ? missing : "ok");
        }
        if (index) {
                fclose(index);
                index = NULL;
        }
        if (progress)
                progress(_("packing"), 1.0, userdata);

        const char *tar[] = { "tar", "-czf", tmp_output, "-C", scratch, name, NULL };
        struct node_spawn_result r = {0};
        struct node_error spawn_error = {0};
        int rc = node_spawn(tar, NULL, &r, &spawn_error);
        remove_tree(scratch);
        if (rc < 0 || r.exit_code != 0) {
                char line[256];
                node_error_set(e, EIO, _("Could not pack the bundle: %s."),
                               rc < 0 ? spawn_error.message : node_spawn_last_error_line(&r, line, sizeof line));
                node_spawn_result_free(&r);
                unlink(tmp_output);
                return -EIO;
        }
        node_spawn_result_free(&r);
        if (fsync(probe) < 0 || rename(tmp_output, report->path) < 0) {
                int err = errno;
                unlink(tmp_output);
                return node_error_set(e, err, _("Could not write %s: %s."), report->path, strerror(err));
        }
        if (stat(report->path, &st) == 0)
                report->size_bytes = (uint64_t)st.st_size;
        return 0;
}
