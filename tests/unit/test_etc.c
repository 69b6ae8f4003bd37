/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc carry-over: three real trees in a temp dir (factory = the old image,
 * current = the admin's layer, new = the new layer), planned and applied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "etc.h"
#include "spawn.h"
#include "util.h"
#include "testutil.h"

/* ---- building trees ------------------------------------------------------- */

static char *at(const char *root, const char *tree, const char *rel) {
        static char buf[4][PATH_MAX];
        static int next;
        char *p = buf[next++ % 4];
        snprintf(p, PATH_MAX, "%s/%s%s%s", root, tree, *rel ? "/" : "", rel);
        return p;
}

static void mkparents(const char *path) {
        char copy[PATH_MAX];
        snprintf(copy, sizeof copy, "%s", path);
        for (char *slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = '\0';
                mkdir(copy, 0755);
                *slash = '/';
        }
}

static void put(const char *root, const char *tree, const char *rel, const char *text, mode_t mode) {
        const char *path = at(root, tree, rel);
        mkparents(path);
        unlink(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        assert_int_equal(fchmod(fd, mode), 0);
        close(fd);
}

static void link_to(const char *root, const char *tree, const char *rel, const char *target) {
        const char *path = at(root, tree, rel);
        mkparents(path);
        unlink(path);
        assert_int_equal(symlink(target, path), 0);
}

static void set_mtime(const char *path, time_t t) {
        struct timespec times[2] = { { t, 0 }, { t, 0 } };
        assert_int_equal(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 0);
}

static void run(const char *const argv[]) {
        struct node_spawn_result r;
        assert_int_equal(node_spawn(argv, NULL, &r, NULL), 0);
        assert_int_equal(r.exit_code, 0);
        node_spawn_result_free(&r);
}

static void clone_tree(const char *root, const char *from, const char *to) {
        const char *argv[] = { "cp", "-a", at(root, from, ""), at(root, to, ""), NULL };
        run(argv);
}

static void remove_tree(const char *path) {
        const char *argv[] = { "rm", "-rf", path, NULL };
        run(argv);
}

static char *slurp(const char *path) {
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *buf = calloc(1, 65536);
        assert_non_null(buf);
        size_t n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static void assert_file(const char *path, const char *text) {
        char *got = slurp(path);
        if (!got)
                fail_msg("%s is missing", path);
        assert_string_equal(got, text);
        free(got);
}

/* Everything about a tree an admin could notice: names, types, modes,
 * owners, file contents, link targets, file mtimes (a directory's mtime
 * moves with its entries, so it is left out). */
static void describe(FILE *out, const char *dir, const char *rel) {
        struct dirent **names;
        int n = scandir(dir, &names, NULL, alphasort);
        assert_true(n >= 0);
        for (int i = 0; i < n; i++) {
                const char *name = names[i]->d_name;
                if (streq(name, ".") || streq(name, "..")) {
                        free(names[i]);
                        continue;
                }
                char path[PATH_MAX], sub[PATH_MAX];
                snprintf(path, sizeof path, "%s/%s", dir, name);
                snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name);
                struct stat st;
                assert_int_equal(lstat(path, &st), 0);
                fprintf(out, "[%s] %o %u:%u", sub, st.st_mode, st.st_uid, st.st_gid);
                if (S_ISREG(st.st_mode)) {
                        char *text = slurp(path);
                        fprintf(out, " t=%ld {%s}", (long)st.st_mtim.tv_sec, text ? text : "?");
                        free(text);
                } else if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX] = "";
                        assert_true(readlink(path, target, sizeof target - 1) >= 0);
                        fprintf(out, " t=%ld -> %s", (long)st.st_mtim.tv_sec, target);
                }
                fputc('\n', out);
                if (S_ISDIR(st.st_mode))
                        describe(out, path, sub);
                free(names[i]);
        }
        free(names);
}

static char *snapshot(const char *dir) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        describe(out, dir, "");
        fclose(out);
        return text;
}

static void assert_same_tree(const char *a, const char *b) {
        char *x = snapshot(a), *y = snapshot(b);
        assert_string_equal(x, y);
        free(x);
        free(y);
}

/* The old image's /etc; current and new start as exact copies of it. */
static void make_trees(const char *root) {
        put(root, "factory", "hostname", "node\n", 0644);
        put(root, "factory", "motd", "welcome\n", 0644);
        put(root, "factory", "ssh/sshd_config", "PermitRootLogin no\n", 0600);
        put(root, "factory", "ssh/ssh_config", "Host *\n", 0644);
        link_to(root, "factory", "systemd/system/multi-user.target.wants/foo.service",
                "/usr/lib/systemd/system/foo.service");
        put(root, "factory", "passwd",
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n"
            "games:x:12:100::/usr/games:/sbin/nologin\nlp:x:4:7::/var/spool/lpd:/sbin/nologin\n", 0644);
        put(root, "factory", "shadow", "root:!:19000::::::\ndaemon:*:19000::::::\ngames:*:19000::::::\n"
            "lp:*:19000::::::\n", 0);
        put(root, "factory", "group", "root:x:0:\ndaemon:x:1:\nusers:x:100:\n", 0644);
        put(root, "factory", "gshadow", "root:::\ndaemon:::\nusers:::\n", 0);
        put(root, "factory", "fstab", "# /etc/fstab of the image\n", 0644);
        put(root, "factory", "ld.so.cache", "cache of v1\n", 0644);
        put(root, "factory", "machine-id", "", 0444);
        set_mtime(at(root, "factory", "ssh/sshd_config"), 1600000000);
        clone_tree(root, "factory", "current");
        clone_tree(root, "factory", "new");
}

struct planned {
        struct node_etc_plan plan;
        struct node_error e;
        int r;
};

static struct planned plan_of(const char *root) {
        struct planned p = {0};
        p.r = node_etc_plan(at(root, "factory", ""), at(root, "current", ""), at(root, "new", ""), &p.plan, &p.e);
        return p;
}

static int apply_plan(const char *root, const struct node_etc_plan *plan, struct node_error *e) {
        return node_etc_apply(plan, at(root, "factory", ""), at(root, "current", ""), at(root, "new", ""), e);
}

/* The plan as its log lines, for whole-plan assertions. */
static char *plan_text(const struct node_etc_plan *plan) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        struct node_error e = {0};
        assert_int_equal(node_etc_plan_write(plan, out, &e), 0);
        fclose(out);
        return text;
}

static void assert_plan(const struct planned *p, const char *want) {
        if (p->r != 0)
                fail_msg("plan failed: %s", p->e.message);
        char *text = plan_text(&p->plan);
        assert_string_equal(text, want);
        free(text);
}

static void plan_and_apply(const char *root, const char *want_plan) {
        struct planned p = plan_of(root);
        assert_plan(&p, want_plan);
        struct node_error e = {0};
        int r = apply_plan(root, &p.plan, &e);
        if (r != 0)
                fail_msg("apply failed: %s", e.message);
        node_etc_plan_free(&p.plan);
}

static bool exists(const char *path) {
        struct stat st;
        return lstat(path, &st) == 0;
}

/* no staging directory is ever left behind */
static void assert_no_stage(const char *root) {
        DIR *d = opendir(at(root, "new", ""));
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)))
                if (startswith(de->d_name, ".nodecon-etc."))
                        fail_msg("staging directory %s left in new", de->d_name);
        closedir(d);
}

/* ---- the rules ------------------------------------------------------------ */

static void untouched_tree_changes_nothing(void **state) {
        const char *root = *state;
        make_trees(root);
        /* the new image changed files the admin left alone: its versions stay */
        put(root, "new", "motd", "welcome to v2\n", 0644);
        put(root, "new", "ld.so.cache", "cache of v2\n", 0644);
        put(root, "new", "passwd",
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\nsysnew:x:998:998::/:/sbin/nologin\n", 0644);
        clone_tree(root, "new", "expected");
        plan_and_apply(root, "");
        assert_same_tree(at(root, "new", ""), at(root, "expected", ""));
        assert_no_stage(root);
}

static void admin_changes_are_copied(void **state) {
        const char *root = *state;
        make_trees(root);
        /* same size and same mtime as the factory's: only the bytes differ */
        put(root, "current", "ssh/sshd_config", "PermitRootLogin on\n", 0600);
        set_mtime(at(root, "current", "ssh/sshd_config"), 1600000000);
        assert_int_equal(chmod(at(root, "current", "hostname"), 0640), 0);        /* mode only */
        assert_int_equal(lchown(at(root, "current", "motd"), 1234, 4321), 0);     /* owner only */
        put(root, "current", "added.conf", "mine\n", 0640);
        set_mtime(at(root, "current", "added.conf"), 1000000000);
        put(root, "current", "custom/a", "a\n", 0600);
        link_to(root, "current", "custom/link", "../hostname");
        assert_int_equal(lchown(at(root, "current", "custom/link"), 42, 43), 0);
        set_mtime(at(root, "current", "custom/link"), 1100000000);
        assert_int_equal(chmod(at(root, "current", "custom"), 0750), 0);
        assert_int_equal(chown(at(root, "current", "custom"), 7, 8), 0);
        put(root, "current", "machine-id", "0123456789abcdef0123456789abcdef\n", 0444);   /* the node's identity */
        link_to(root, "current", "systemd/system/multi-user.target.wants/foo.service",
                "/etc/systemd/system/foo.service");                                      /* retargeted */
        put(root, "current", "suid-tool", "#!\n", 04755);

        plan_and_apply(root,
                       "copy added.conf\n"
                       "copy custom\n"
                       "copy custom/a\n"
                       "copy custom/link\n"
                       "copy hostname\n"
                       "copy machine-id\n"
                       "copy motd\n"
                       "copy ssh/sshd_config\n"
                       "copy suid-tool\n"
                       "copy systemd/system/multi-user.target.wants/foo.service\n");
        /* the new image was the factory's: now it is exactly the admin's */
        assert_same_tree(at(root, "new", ""), at(root, "current", ""));
        struct stat st;
        assert_int_equal(lstat(at(root, "new", "custom"), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        assert_int_equal(st.st_uid, 7);
        assert_int_equal(st.st_mtim.tv_sec, (lstat(at(root, "current", "custom"), &st), st.st_mtim.tv_sec));
        assert_int_equal(lstat(at(root, "new", "suid-tool"), &st), 0);
        assert_int_equal(st.st_mode & 07777, 04755);
        assert_int_equal(lstat(at(root, "new", "added.conf"), &st), 0);
        assert_int_equal(st.st_mtim.tv_sec, 1000000000);
        assert_no_stage(root);
}

static void changed_on_both_sides_keeps_new(void **state) {
        const char *root = *state;
        make_trees(root);
        put(root, "current", "ssh/sshd_config", "PermitRootLogin yes\n", 0600);
        put(root, "new", "ssh/sshd_config", "PermitRootLogin prohibit-password\n", 0600);
        put(root, "current", "ssh/ssh_config", "Host * \n", 0644);
        assert_int_equal(unlink(at(root, "new", "ssh/ssh_config")), 0);  /* the new image dropped it */
        put(root, "current", "hostname", "same on both\n", 0644);        /* both made the same change */
        put(root, "new", "hostname", "same on both\n", 0644);
        clone_tree(root, "new", "expected");
        plan_and_apply(root,
                       "keep-new ssh/ssh_config: the new image removed it; the admin's version stays in the old layer\n"
                       "keep-new ssh/sshd_config: changed by the admin and by the new image; the new image's is kept, "
                       "the admin's stays in the old layer\n");
        assert_same_tree(at(root, "new", ""), at(root, "expected", ""));
}

static void admin_removals_are_carried(void **state) {
        const char *root = *state;
        make_trees(root);
        /* a disabled unit, a removed file the new image changed, a removed directory */
        assert_int_equal(unlink(at(root, "current", "systemd/system/multi-user.target.wants/foo.service")), 0);
        assert_int_equal(unlink(at(root, "current", "motd")), 0);
        put(root, "new", "motd", "welcome to v2\n", 0644);
        remove_tree(at(root, "current", "ssh"));
        put(root, "new", "ssh/moduli", "new in v2\n", 0644);
        plan_and_apply(root,
                       "remove systemd/system/multi-user.target.wants/foo.service\n"
                       "keep-new motd: removed by the admin, but the new image changed it; the new image's is kept\n"
                       "remove ssh/ssh_config\n"
                       "remove ssh/sshd_config\n"
                       "remove ssh\n");
        assert_false(exists(at(root, "new", "systemd/system/multi-user.target.wants/foo.service")));
        assert_true(exists(at(root, "new", "systemd/system/multi-user.target.wants")));
        assert_file(at(root, "new", "motd"), "welcome to v2\n");
        assert_false(exists(at(root, "new", "ssh/sshd_config")));
        assert_false(exists(at(root, "new", "ssh/ssh_config")));
        /* the directory stays for the new image's own file */
        assert_file(at(root, "new", "ssh/moduli"), "new in v2\n");

        /* a whole directory the new image has as the old one had goes */
        remove_tree(at(root, "new", "ssh/moduli"));
        struct planned p = plan_of(root);
        assert_plan(&p, "keep-new motd: removed by the admin, but the new image changed it; the new image's is kept\n"
                        "remove ssh\n");
        struct node_error e = {0};
        assert_int_equal(apply_plan(root, &p.plan, &e), 0);
        node_etc_plan_free(&p.plan);
        assert_false(exists(at(root, "new", "ssh")));
}

static void special_and_regenerated_files_skipped(void **state) {
        const char *root = *state;
        make_trees(root);
        assert_int_equal(mkfifo(at(root, "current", "initctl"), 0600), 0);
        put(root, "current", "ld.so.cache", "cache of v1 plus local libs\n", 0644);
        put(root, "new", "ld.so.cache", "cache of v2\n", 0644);
        put(root, "current", "passwd-", "old backup\n", 0644);
        put(root, "current", "selinux/targeted/policy/policy.33", "compiled\n", 0644);
        put(root, "current", "selinux/config", "SELINUX=permissive\n", 0644);
        plan_and_apply(root,
                       "skip initctl: a socket, fifo or device node is never copied\n"
                       "skip ld.so.cache: regenerated or owned by the running system; not carried\n"
                       "skip passwd-: regenerated or owned by the running system; not carried\n"
                       "copy selinux\n"
                       "copy selinux/config\n"
                       "skip selinux/targeted: regenerated or owned by the running system; not carried\n");
        assert_false(exists(at(root, "new", "initctl")));
        assert_false(exists(at(root, "new", "passwd-")));
        assert_false(exists(at(root, "new", "selinux/targeted")));
        assert_file(at(root, "new", "ld.so.cache"), "cache of v2\n");
        assert_file(at(root, "new", "selinux/config"), "SELINUX=permissive\n");
}

/* ---- accounts and fstab --------------------------------------------------- */

static void accounts_merged_by_name(void **state) {
        const char *root = *state;
        make_trees(root);
        /* admin: root's shell and password changed, alice added, games deleted, lp deleted */
        put(root, "current", "passwd",
            "root:x:0:0:root:/root:/bin/zsh\ndaemon:x:1:1::/:/sbin/nologin\n"
            "alice:x:1000:1000::/home/alice:/bin/bash\n", 0644);
        put(root, "current", "shadow", "root:$6$salt$hash:19500::::::\ndaemon:*:19000::::::\n"
            "alice:$6$s2$h2:19500:0:99999:7:::\n", 0);
        put(root, "current", "group", "root:x:0:\ndaemon:x:1:\nusers:x:100:alice\nalice:x:1000:\n", 0644);
        put(root, "current", "gshadow", "root:::\ndaemon:::\nusers:::alice\nalice:!::\n", 0);
        /* new image: daemon's home changed, lp changed, a new system user and group */
        put(root, "new", "passwd",
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/var/daemon:/sbin/nologin\n"
            "games:x:12:100::/usr/games:/sbin/nologin\nlp:x:4:7::/var/spool/lp:/sbin/nologin\n"
            "sysnew:x:998:998::/:/sbin/nologin\n", 0644);
        put(root, "new", "shadow", "root:!:19000::::::\ndaemon:*:19000::::::\ngames:*:19000::::::\n"
            "lp:*:19000::::::\nsysnew:!*:19400::::::\n", 0640);
        put(root, "new", "group", "root:x:0:\ndaemon:x:1:\nusers:x:100:\nsysnew:x:998:\n", 0644);
        put(root, "new", "gshadow", "root:::\ndaemon:::\nusers:::\nsysnew:!::\n", 0);

        plan_and_apply(root, "merge group\nmerge gshadow\nmerge passwd\nmerge shadow\n");
        assert_file(at(root, "new", "passwd"),
                    "root:x:0:0:root:/root:/bin/zsh\n"
                    "daemon:x:1:1::/var/daemon:/sbin/nologin\n"
                    "lp:x:4:7::/var/spool/lp:/sbin/nologin\n"
                    "sysnew:x:998:998::/:/sbin/nologin\n"
                    "alice:x:1000:1000::/home/alice:/bin/bash\n");
        assert_file(at(root, "new", "shadow"),
                    "root:$6$salt$hash:19500::::::\n"
                    "daemon:*:19000::::::\n"
                    "lp:*:19000::::::\n"
                    "sysnew:!*:19400::::::\n"
                    "alice:$6$s2$h2:19500:0:99999:7:::\n");
        assert_file(at(root, "new", "group"), "root:x:0:\ndaemon:x:1:\nusers:x:100:alice\nsysnew:x:998:\nalice:x:1000:\n");
        assert_file(at(root, "new", "gshadow"), "root:::\ndaemon:::\nusers:::alice\nsysnew:!::\nalice:!::\n");
        /* modes as the new image has them */
        struct stat st;
        assert_int_equal(stat(at(root, "new", "shadow"), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(stat(at(root, "new", "gshadow"), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0);
        assert_int_equal(stat(at(root, "new", "passwd"), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        assert_no_stage(root);
}

static void id_collision_is_refused(void **state) {
        const char *root = *state;
        make_trees(root);
        put(root, "current", "passwd",
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n"
            "games:x:12:100::/usr/games:/sbin/nologin\nlp:x:4:7::/var/spool/lpd:/sbin/nologin\n"
            "alice:x:998:998::/home/alice:/bin/bash\n", 0644);
        put(root, "new", "passwd",
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n"
            "games:x:12:100::/usr/games:/sbin/nologin\nlp:x:4:7::/var/spool/lpd:/sbin/nologin\n"
            "systemd-oom:x:998:998::/:/sbin/nologin\n", 0644);
        put(root, "current", "motd", "changed\n", 0644);
        clone_tree(root, "new", "expected");
        struct planned p = plan_of(root);
        assert_int_equal(p.r, -EEXIST);
        assert_string_equal(p.e.message, "The new image has user systemd-oom with ID 998, the number of the admin's "
                                         "user alice; give alice another ID before upgrading.");
        assert_int_equal(p.plan.n_changes, 0);
        assert_null(p.plan.changes);

        /* apply re-checks: a plan made before the collision changes nothing */
        struct node_etc_change changes[] = { { (char *)"motd", NODE_ETC_COPY, NULL },
                                             { (char *)"passwd", NODE_ETC_MERGE_ACCOUNTS, NULL } };
        struct node_etc_plan stale = { changes, ELEMENTSOF(changes) };
        struct node_error e = {0};
        assert_int_equal(apply_plan(root, &stale, &e), -EEXIST);
        assert_same_tree(at(root, "new", ""), at(root, "expected", ""));

        /* groups too */
        put(root, "current", "passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
        put(root, "new", "passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
        put(root, "current", "group", "root:x:0:\ndaemon:x:1:\nusers:x:100:\nkvm:x:36:\n", 0644);
        put(root, "new", "group", "root:x:0:\ndaemon:x:1:\nusers:x:100:\nqemu:x:36:\n", 0644);
        p = plan_of(root);
        assert_int_equal(p.r, -EEXIST);
        assert_non_null(strstr(p.e.message, "group qemu with ID 36"));
}

static void fstab_merged_by_mount_point(void **state) {
        const char *root = *state;
        make_trees(root);
        put(root, "current", "fstab",
            "# /etc/fstab of the image\n"
            "/dev/onn/node-4.5.0+1 / ext4 defaults,discard 1 1\n"
            "/dev/onn/var /var ext4 defaults,noatime 1 2\n"
            "/dev/onn/data /data xfs defaults 0 0\n"
            "/dev/onn/swap none swap sw 0 0\n", 0644);
        put(root, "new", "fstab",
            "# /etc/fstab of image v2\n"
            "UUID=1234 /boot ext4 defaults 1 2\n"
            "/dev/onn/node-4.5.1+1 / ext4 defaults,discard 1 1\n"
            "/dev/onn/var /var ext4 defaults,discard 1 2\n", 0644);
        plan_and_apply(root, "merge fstab\n");
        assert_file(at(root, "new", "fstab"),
                    "# /etc/fstab of image v2\n"
                    "UUID=1234 /boot ext4 defaults 1 2\n"
                    "/dev/onn/node-4.5.1+1 / ext4 defaults,discard 1 1\n"
                    "/dev/onn/var /var ext4 defaults,noatime 1 2\n"
                    "/dev/onn/data /data xfs defaults 0 0\n"
                    "/dev/onn/swap none swap sw 0 0\n");
}

/* ---- hostile trees and errors --------------------------------------------- */

static void symlinks_never_followed(void **state) {
        const char *root = *state;
        make_trees(root);
        put(root, "outside", "secret", "do not touch\n", 0600);
        /* the new image has a link where the old one had ssh/: nothing goes through it */
        remove_tree(at(root, "new", "ssh"));
        assert_int_equal(symlink(at(root, "outside", ""), at(root, "new", "ssh")), 0);
        put(root, "current", "ssh/sshd_config", "PermitRootLogin on\n", 0600);
        /* the admin's link to a directory outside is copied as a link */
        assert_int_equal(symlink(at(root, "outside", ""), at(root, "current", "escape")), 0);
        /* a factory link into the outside is compared as a link, never read through */
        assert_int_equal(symlink(at(root, "outside", "secret"), at(root, "factory", "peek")), 0);
        assert_int_equal(symlink(at(root, "outside", "secret"), at(root, "new", "peek")), 0);
        put(root, "current", "peek", "do not touch\n", 0600);
        char *outside = snapshot(at(root, "outside", ""));

        plan_and_apply(root,
                       "copy escape\n"
                       "copy peek\n"
                       "keep-new ssh/sshd_config: the new image has no directory ssh to put it in\n");
        struct stat st;
        assert_int_equal(lstat(at(root, "new", "escape"), &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(lstat(at(root, "new", "peek"), &st), 0);
        assert_true(S_ISREG(st.st_mode));

        /* a hand-made plan cannot go through the link either, nor climb out */
        struct node_etc_change through[] = { { (char *)"ssh/sshd_config", NODE_ETC_COPY, NULL } };
        struct node_etc_plan bad = { through, 1 };
        struct node_error e = {0};
        assert_true(apply_plan(root, &bad, &e) < 0);
        struct node_etc_change climb[] = { { (char *)"../outside/secret", NODE_ETC_REMOVED_BY_ADMIN, NULL } };
        bad.changes = climb;
        assert_int_equal(apply_plan(root, &bad, &e), -EINVAL);
        char *after = snapshot(at(root, "outside", ""));
        assert_string_equal(outside, after);
        free(outside);
        free(after);
        assert_no_stage(root);
}

static void errors_change_nothing(void **state) {
        const char *root = *state;
        make_trees(root);
        struct node_etc_plan plan;
        struct node_error e = {0};
        assert_int_equal(node_etc_plan(at(root, "nowhere", ""), at(root, "current", ""), at(root, "new", ""), &plan, &e),
                         -ENOENT);
        assert_non_null(strstr(e.message, "The old image's pristine /etc"));
        assert_int_equal(plan.n_changes, 0);
        assert_int_equal(node_etc_plan(at(root, "factory", ""), at(root, "current", ""), at(root, "gone", ""), &plan, &e),
                         -ENOENT);
        assert_non_null(strstr(e.message, "The new layer's /etc"));
        assert_int_equal(node_etc_plan(at(root, "factory", ""), at(root, "current", "hostname"), at(root, "new", ""),
                                       &plan, &e), -ENOTDIR);

        /* a file the plan copies vanishes before apply: nothing of the plan lands */
        put(root, "current", "a-first", "1\n", 0644);
        put(root, "current", "z-last", "2\n", 0644);
        put(root, "current", "passwd", "root:x:0:0:root:/root:/bin/zsh\n", 0644);
        clone_tree(root, "new", "expected");
        struct planned p = plan_of(root);
        assert_plan(&p, "copy a-first\nmerge passwd\ncopy z-last\n");
        assert_int_equal(unlink(at(root, "current", "z-last")), 0);
        assert_int_equal(apply_plan(root, &p.plan, &e), -ENOENT);
        assert_non_null(strstr(e.message, "z-last"));
        assert_same_tree(at(root, "new", ""), at(root, "expected", ""));
        assert_no_stage(root);
        node_etc_plan_free(&p.plan);

        /* an unreadable file (only testable without root's override) */
        if (geteuid() != 0) {
                put(root, "current", "hostname", "secret\n", 0);
                p = plan_of(root);
                assert_int_equal(p.r, -EACCES);
                assert_int_equal(p.plan.n_changes, 0);
        }
}

static void hostile_names(void **state) {
        const char *root = *state;
        make_trees(root);
        static const char *const names[] = { "with space", "new\nline", "plus+1", "\xff\xfe bad", "caf\xc3\xa9",
                                             "dir with space/inner\nfile", "back\\slash" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                put(root, "current", names[i], names[i], 0644);
        struct planned p = plan_of(root);
        assert_plan(&p,
                    "copy back\\\\slash\n"
                    "copy caf\xc3\xa9\n"
                    "copy dir with space\n"
                    "copy dir with space/inner\\nfile\n"
                    "copy new\\nline\n"
                    "copy plus+1\n"
                    "copy with space\n"
                    "copy \\xff\\xfe bad\n");
        struct node_error e = {0};
        assert_int_equal(apply_plan(root, &p.plan, &e), 0);
        node_etc_plan_free(&p.plan);
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                assert_file(at(root, "new", names[i]), names[i]);
        assert_same_tree(at(root, "new", ""), at(root, "current", ""));
        /* a second plan finds nothing left to do */
        p = plan_of(root);
        assert_plan(&p, "");
        node_etc_plan_free(&p.plan);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(untouched_tree_changes_nothing, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(admin_changes_are_copied, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(changed_on_both_sides_keeps_new, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(admin_removals_are_carried, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(special_and_regenerated_files_skipped, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(accounts_merged_by_name, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(id_collision_is_refused, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(fstab_merged_by_mount_point, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(symlinks_never_followed, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(errors_change_nothing, make_temp_dir, remove_temp_dir),
                cmocka_unit_test_setup_teardown(hostile_names, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
