/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interim /etc carry-over written by the upgrade work so upgrades can be
 * tested end to end before the etc module lands (branch wt/etc owns lib/etc.*
 * and replaces this file).  It does what imgbased did, plus a 3-way merge of
 * the account files by name.  Files the admin removed are reported, not
 * removed from the new layer. */
#include "etc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "install.h"
#include "util.h"

static const char *const account_files[] = { "passwd", "group", "shadow", "gshadow" };

static bool is_account_file(const char *rel) {
        for (size_t i = 0; i < ELEMENTSOF(account_files); i++)
                if (streq(rel, account_files[i]))
                        return true;
        return false;
}

/* Whole-file comparison of two regular files or two symlinks. */
static bool same_entry(const char *a, const char *b) {
        struct stat sa, sb;
        if (lstat(a, &sa) < 0 || lstat(b, &sb) < 0 || (sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT))
                return false;
        if (S_ISLNK(sa.st_mode)) {
                char ta[PATH_MAX], tb[PATH_MAX];
                ssize_t na = readlink(a, ta, sizeof ta), nb = readlink(b, tb, sizeof tb);
                return na >= 0 && na == nb && memcmp(ta, tb, (size_t)na) == 0;
        }
        if (!S_ISREG(sa.st_mode) || sa.st_size != sb.st_size || sa.st_mode != sb.st_mode ||
            sa.st_uid != sb.st_uid || sa.st_gid != sb.st_gid)
                return false;
        _cleanup_fclose_ FILE *fa = fopen(a, "re");
        _cleanup_fclose_ FILE *fb = fopen(b, "re");
        if (!fa || !fb)
                return false;
        char ba[8192], bb[8192];
        for (;;) {
                size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
                if (na != nb || memcmp(ba, bb, na) != 0)
                        return false;
                if (na == 0)
                        return true;
        }
}

static int add_change(struct node_etc_plan *plan, const char *rel, enum node_etc_action action, const char *note,
                      struct node_error *e) {
        struct node_etc_change *bigger = realloc(plan->changes, (plan->n_changes + 1) * sizeof *bigger);
        if (!bigger)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        plan->changes = bigger;
        struct node_etc_change *c = &plan->changes[plan->n_changes];
        c->path = strdup(rel);
        c->note = note ? strdup(note) : NULL;
        c->action = action;
        if (!c->path || (note && !c->note)) {
                free(c->path);
                free(c->note);
                return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        plan->n_changes++;
        return 0;
}

/* dir/rel into buf; false when it does not fit. */
static bool join(char *buf, size_t size, const char *dir, const char *rel) {
        return snprintf(buf, size, "%s%s%s", dir, rel[0] ? "/" : "", rel) < (int)size;
}

/* Walks current (rel below it) and adds what the admin changed or added. */
static int plan_changed(const char *factory, const char *current, const char *new_etc, const char *rel,
                        struct node_etc_plan *plan, struct node_error *e) {
        char dir[PATH_MAX];
        if (!join(dir, sizeof dir, current, rel))
                return 0;
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return node_error_set(e, errno, _("Cannot read %s: %m."), dir);
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                char sub[PATH_MAX], cur[PATH_MAX], fac[PATH_MAX], nu[PATH_MAX];
                if (snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name) >= (int)sizeof sub)
                        continue;
                struct stat st;
                if (!join(cur, sizeof cur, current, sub) || !join(fac, sizeof fac, factory, sub) ||
                    !join(nu, sizeof nu, new_etc, sub) || lstat(cur, &st) < 0)
                        continue;
                int r = 0;
                if (S_ISDIR(st.st_mode))
                        r = plan_changed(factory, current, new_etc, sub, plan, e);
                else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !same_entry(cur, fac)) {
                        struct stat nst, fst;
                        bool image_changed = lstat(nu, &nst) == 0 && !same_entry(nu, fac) && !same_entry(nu, cur) &&
                                             lstat(fac, &fst) == 0;
                        if (is_account_file(sub))
                                r = add_change(plan, sub, NODE_ETC_MERGE_ACCOUNTS, NULL, e);
                        else if (image_changed)
                                r = add_change(plan, sub, NODE_ETC_KEEP_NEW,
                                               _("changed by the admin and by the new image: the new image's is kept"), e);
                        else
                                r = add_change(plan, sub, NODE_ETC_COPY, NULL, e);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Walks factory and reports what the admin removed. */
static int plan_removed(const char *factory, const char *current, const char *rel, struct node_etc_plan *plan,
                        struct node_error *e) {
        char dir[PATH_MAX];
        if (!join(dir, sizeof dir, factory, rel))
                return 0;
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                char sub[PATH_MAX], cur[PATH_MAX], fac[PATH_MAX];
                if (snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name) >= (int)sizeof sub)
                        continue;
                struct stat st, cst;
                int r = 0;
                if (!join(cur, sizeof cur, current, sub) || !join(fac, sizeof fac, factory, sub) ||
                    lstat(fac, &st) < 0)
                        continue;
                if (lstat(cur, &cst) < 0)
                        r = add_change(plan, sub, NODE_ETC_REMOVED_BY_ADMIN, _("not removed from the new layer"), e);
                else if (S_ISDIR(st.st_mode) && S_ISDIR(cst.st_mode))
                        r = plan_removed(factory, current, sub, plan, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

int node_etc_plan(const char *factory_etc, const char *current_etc, const char *new_etc,
                  struct node_etc_plan *plan, struct node_error *e) {
        *plan = (struct node_etc_plan){ 0 };
        int r = plan_changed(factory_etc, current_etc, new_etc, "", plan, e);
        if (r >= 0)
                r = plan_removed(factory_etc, current_etc, "", plan, e);
        if (r < 0)
                node_etc_plan_free(plan);
        return r;
}

/* The lines of an account file, NULL-terminated; a missing file has none. */
static char **read_lines(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        size_t n = 0;
        char **lines = calloc(1, sizeof *lines);
        char *line = NULL;
        size_t cap = 0;
        while (lines && f && getline(&line, &cap, f) > 0) {
                char **bigger = realloc(lines, (n + 2) * sizeof *lines);
                if (!bigger) {
                        strv_free(lines);
                        lines = NULL;
                        break;
                }
                lines = bigger;
                line[strcspn(line, "\n")] = '\0';
                if (!(lines[n] = strdup(line))) {
                        strv_free(lines);
                        lines = NULL;
                        break;
                }
                lines[++n] = NULL;
        }
        free(line);
        return lines;
}

static const char *find_name(char **lines, const char *line) {
        size_t len = strcspn(line, ":");
        for (char **p = lines; *p; p++)
                if (strncmp(*p, line, len) == 0 && (*p)[len] == ':')
                        return *p;
        return NULL;
}

/* 3-way by name: an entry the admin changed or added keeps the admin's line,
 * one only the image changed takes the image's, and new system accounts of the
 * image stay. */
static int merge_accounts(const char *factory, const char *current, const char *target, struct node_error *e) {
        _cleanup_strv_free_ char **fac = read_lines(factory);
        _cleanup_strv_free_ char **cur = read_lines(current);
        _cleanup_strv_free_ char **nu = read_lines(target);
        if (!fac || !cur || !nu)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        struct stat st;
        if (stat(target, &st) < 0 && stat(current, &st) < 0)
                return node_error_set(e, errno, _("Cannot read %s: %m."), current);
        char tmp[PATH_MAX];
        if (snprintf(tmp, sizeof tmp, "%s.nodecon-new", target) >= (int)sizeof tmp)
                return node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), target);
        _cleanup_fclose_ FILE *out = fopen(tmp, "we");
        if (!out)
                return node_error_set(e, errno, _("Cannot write %s: %m."), target);
        for (char **p = nu; *p; p++) {
                const char *mine = find_name(cur, *p), *orig = find_name(fac, *p);
                bool admin_changed = mine && (!orig || !streq(mine, orig));
                fprintf(out, "%s\n", admin_changed ? mine : *p);
        }
        for (char **p = cur; *p; p++)
                if (!find_name(nu, *p) && !find_name(fac, *p))
                        fprintf(out, "%s\n", *p);
        FILE *f = TAKE_PTR(out);
        bool written = fflush(f) == 0 && fchmod(fileno(f), st.st_mode & 07777) == 0 &&
                       fchown(fileno(f), st.st_uid, st.st_gid) == 0 && fsync(fileno(f)) == 0;
        if (fclose(f) != 0 || !written || rename(tmp, target) < 0) {
                int err = errno;
                unlink(tmp);
                return node_error_set(e, err, _("Cannot write %s: %m."), target);
        }
        return 0;
}

static int make_parents(const char *root, const char *rel, struct node_error *e) {
        char path[PATH_MAX];
        if (!join(path, sizeof path, root, rel))
                return node_error_set(e, ENAMETOOLONG, _("The path %s/%s is too long."), root, rel);
        for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
                *p = '\0';
                if (mkdir(path, 0755) < 0 && errno != EEXIST)
                        return node_error_set(e, errno, _("Cannot create %s: %m."), path);
                *p = '/';
        }
        return 0;
}

int node_etc_apply(const struct node_etc_plan *plan, const char *factory_etc, const char *current_etc,
                   const char *new_etc, struct node_error *e) {
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct node_etc_change *c = &plan->changes[i];
                char fac[PATH_MAX], cur[PATH_MAX], nu[PATH_MAX];
                if (!join(fac, sizeof fac, factory_etc, c->path) || !join(cur, sizeof cur, current_etc, c->path) ||
                    !join(nu, sizeof nu, new_etc, c->path))
                        return node_error_set(e, ENAMETOOLONG, _("The path /etc/%s is too long."), c->path);
                int r = 0;
                if (c->action == NODE_ETC_COPY) {
                        /* cp -a (busybox's too) keeps owner, mode and times; what it replaces goes first */
                        const char *argv[] = { "cp", "-a", cur, nu, NULL };
                        struct stat st;
                        if (lstat(nu, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(nu) < 0)
                                r = node_error_set(e, errno, _("Cannot replace %s: %m."), nu);
                        else if ((r = make_parents(new_etc, c->path, e)) >= 0)
                                r = node_run_tool(argv, 0, _("copy a file of /etc"), e);
                } else if (c->action == NODE_ETC_MERGE_ACCOUNTS) {
                        r = merge_accounts(fac, cur, nu, e);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int node_etc_plan_write(const struct node_etc_plan *plan, FILE *out, struct node_error *e) {
        static const char *const verbs[] = {
                [NODE_ETC_COPY] = "copy",
                [NODE_ETC_MERGE_ACCOUNTS] = "merge",
                [NODE_ETC_KEEP_NEW] = "keep-new",
                [NODE_ETC_REMOVED_BY_ADMIN] = "removed",
        };
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct node_etc_change *c = &plan->changes[i];
                if (fprintf(out, "%s %s%s%s\n", verbs[c->action], c->path, c->note ? " # " : "",
                            c->note ? c->note : "") < 0)
                        return node_error_set(e, EIO, _("Cannot write the list of carried /etc files."));
        }
        return 0;
}

void node_etc_plan_free(struct node_etc_plan *plan) {
        for (size_t i = 0; i < plan->n_changes; i++) {
                free(plan->changes[i].path);
                free(plan->changes[i].note);
        }
        free(plan->changes);
        *plan = (struct node_etc_plan){ 0 };
}
