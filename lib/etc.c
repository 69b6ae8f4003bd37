/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "etc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

/* Account files and fstab are read whole; anything larger is not one of them. */
#define MAX_MERGED_FILE (16u << 20)
#define STAGE_PREFIX ".nodecon-etc."

enum tree { FACTORY, CURRENT, NEW, N_TREES };

/* ---- small helpers ---------------------------------------------------- */

static char *path_join(const char *prefix, const char *name) {
        char *s;
        if (asprintf(&s, "%s%s%s", prefix, *prefix ? "/" : "", name) < 0)
                return NULL;
        return s;
}

static int oom(struct node_error *e) {
        return node_error_set(e, ENOMEM, _("Out of memory."));
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted, so a plan does not depend on readdir order. */
static int list_dir(int dirfd, const char *what, char ***names_out, size_t *n_out, struct node_error *e) {
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return node_error_set(e, errno, _("Cannot read directory %s: %m."), what);
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return node_error_set(e, errno, _("Cannot read directory %s: %m."), what);
        }
        _cleanup_closedir_ DIR *dir = d;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        errno = 0;
        while ((de = readdir(dir))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (n + 2 > cap) {
                        cap = cap ? 2 * cap : 32;
                        char **grown = realloc(names, cap * sizeof *names);
                        if (!grown)
                                goto nomem;
                        names = grown;
                }
                if (!(names[n] = strdup(de->d_name)))
                        goto nomem;
                names[++n] = NULL;
                errno = 0;
        }
        if (errno) {
                int err = errno;
                strv_free(names);
                return node_error_set(e, err, _("Cannot read directory %s: %s."), what, strerror(err));
        }
        if (n)
                qsort(names, n, sizeof *names, cmp_names);
        *names_out = names;
        *n_out = n;
        return 0;
nomem:
        strv_free(names);
        return oom(e);
}

/* Opens directory rel below root one component at a time, never following a
 * symlink: a link where a directory should be is ENOTDIR/ELOOP, not a way out. */
static int open_dir_beneath(int root_fd, const char *rel) {
        int fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        _cleanup_free_ char *copy = strdup(rel);
        if (!copy) {
                close(fd);
                return -ENOMEM;
        }
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int err = errno;
                close(fd);
                if (next < 0)
                        return -err;
                fd = next;
        }
        return fd;
}

/* A path from a plan: components that are not empty, ".", ".." or ours. */
static bool path_is_plain(const char *rel) {
        if (!*rel || rel[0] == '/' || strlen(rel) >= PATH_MAX)
                return false;
        for (const char *p = rel; p;) {
                const char *slash = strchr(p, '/');
                size_t len = slash ? (size_t)(slash - p) : strlen(p);
                if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p = slash ? slash + 1 : NULL;
        }
        return true;
}

/* Splits rel into its directory (a new string, "" at the top) and its last name. */
static int split_path(const char *rel, char **dir, const char **leaf) {
        const char *slash = strrchr(rel, '/');
        *leaf = slash ? slash + 1 : rel;
        *dir = strndup(rel, slash ? (size_t)(slash - rel) : 0);
        return *dir ? 0 : -ENOMEM;
}

struct entry {
        bool exists;
        struct stat st;
};

static int stat_entry(int dirfd, const char *name, struct entry *out, const char *root, const char *rel,
                      struct node_error *e) {
        out->exists = false;
        if (dirfd < 0)
                return 0;
        if (fstatat(dirfd, name, &out->st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno == ENOENT)
                        return 0;
                return node_error_set(e, errno, _("Cannot read %s/%s: %m."), root, rel);
        }
        out->exists = true;
        return 0;
}

static int read_all_at(int dirfd, const char *name, size_t max, char **buf_out, size_t *len_out) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if ((uint64_t)st.st_size > max)
                return -EFBIG;
        _cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        size_t len = 0;
        for (;;) {
                if (len == (size_t)st.st_size + 1)
                        return -EFBIG;  /* grew while we read it */
                ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *buf_out = TAKE_PTR(buf);
        *len_out = len;
        return 0;
}

static int same_content(int afd, int bfd, const char *name) {
        _cleanup_close_ int a = openat(afd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (a < 0)
                return -errno;
        _cleanup_close_ int b = openat(bfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (b < 0)
                return -errno;
        static const size_t chunk = (size_t)64 * 1024;
        _cleanup_free_ char *bufs = malloc(2 * chunk);
        if (!bufs)
                return -ENOMEM;
        for (;;) {
                ssize_t na = read(a, bufs, chunk);
                if (na < 0)
                        return -errno;
                size_t got = 0;
                while (got < (size_t)na) {
                        ssize_t nb = read(b, bufs + chunk + got, (size_t)na - got);
                        if (nb < 0)
                                return -errno;
                        if (nb == 0)
                                return 0;
                        got += (size_t)nb;
                }
                if (memcmp(bufs, bufs + chunk, got) != 0)
                        return 0;
                if (na == 0) {
                        char extra;
                        ssize_t nb = read(b, &extra, 1);
                        return nb < 0 ? -errno : nb == 0;
                }
        }
}

static int same_target(int afd, int bfd, const char *name) {
        char ta[PATH_MAX + 1], tb[PATH_MAX + 1];
        ssize_t la = readlinkat(afd, name, ta, sizeof ta);
        if (la < 0)
                return -errno;
        ssize_t lb = readlinkat(bfd, name, tb, sizeof tb);
        if (lb < 0)
                return -errno;
        return la == lb && memcmp(ta, tb, (size_t)la) == 0;
}

/* 1 when a (in directory afd) and b (in bfd) are the same entry for the admin:
 * type, permission bits, owner, group, and content or link target; 0 when not. */
static int same_entry(int afd, const struct entry *a, int bfd, const struct entry *b, const char *name) {
        if (a->exists != b->exists)
                return 0;
        if (!a->exists)
                return 1;
        const struct stat *x = &a->st, *y = &b->st;
        if ((x->st_mode & S_IFMT) != (y->st_mode & S_IFMT) || (x->st_mode & 07777) != (y->st_mode & 07777) ||
            x->st_uid != y->st_uid || x->st_gid != y->st_gid)
                return 0;
        if (S_ISREG(x->st_mode))
                return x->st_size == y->st_size ? same_content(afd, bfd, name) : 0;
        if (S_ISLNK(x->st_mode))
                return same_target(afd, bfd, name);
        if (S_ISCHR(x->st_mode) || S_ISBLK(x->st_mode))
                return x->st_rdev == y->st_rdev;
        return 1;
}

/* ---- what is never carried --------------------------------------------- */

static const char *const regenerated[] = {
        "ld.so.cache", "udev/hwdb.bin", "mtab",
        "passwd-", "group-", "shadow-", "gshadow-", "subuid-", "subgid-",
        ".pwd.lock", "passwd.lock", "group.lock", "shadow.lock", "gshadow.lock",
};

static bool is_regenerated(const char *rel) {
        for (size_t i = 0; i < ELEMENTSOF(regenerated); i++)
                if (streq(rel, regenerated[i]))
                        return true;
        if (startswith(rel, STAGE_PREFIX))
                return true;
        /* selinux/<policy>/: the compiled policy and contexts of the old image */
        if (startswith(rel, "selinux/"))
                return !streq(rel, "selinux/config") && !streq(rel, "selinux/semanage.conf");
        return false;
}

/* ---- three-way merge of line files -------------------------------------- */

struct merge_kind {
        const char *file;
        enum node_etc_action action;
        bool by_mount_point;   /* fstab; else the key is the text before the first ':' */
        int id_field;          /* ':'-separated field that must stay unique (UID/GID), -1: none */
        const char *what;      /* for the collision sentence */
        const char *primary;   /* the file whose merge decides which names this one holds */
};

static const struct merge_kind merge_kinds[] = {
        { "passwd", NODE_ETC_MERGE_ACCOUNTS, false, 2, N_("user"), NULL },
        { "group", NODE_ETC_MERGE_ACCOUNTS, false, 2, N_("group"), NULL },
        { "shadow", NODE_ETC_MERGE_ACCOUNTS, false, -1, NULL, "passwd" },
        { "gshadow", NODE_ETC_MERGE_ACCOUNTS, false, -1, NULL, "group" },
        { "fstab", NODE_ETC_MERGE_FSTAB, true, -1, NULL, NULL },
};

static const struct merge_kind *merge_kind_of(const char *rel) {
        for (size_t i = 0; i < ELEMENTSOF(merge_kinds); i++)
                if (streq(rel, merge_kinds[i].file))
                        return &merge_kinds[i];
        return NULL;
}

struct line {
        const char *text;      /* not NUL-terminated */
        size_t len;            /* without the newline */
        char *key;
};

struct lines {
        struct line *v;
        size_t n;
};

static void lines_free(struct lines *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].key);
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

/* fstab lines are keyed by mount point (swap lines, which all mount on "none"
 * or "swap", by device); comments and blank lines by their whole text. */
static char *line_key(const struct merge_kind *kind, const char *text, size_t len) {
        if (!kind->by_mount_point) {
                const char *colon = memchr(text, ':', len);
                return strndup(text, colon ? (size_t)(colon - text) : len);
        }
        _cleanup_free_ char *copy = strndup(text, len);
        if (!copy)
                return NULL;
        char *save = NULL;
        char *source = strtok_r(copy, " \t", &save);
        char *target = source ? strtok_r(NULL, " \t", &save) : NULL;
        if (!source || source[0] == '#' || !target)
                return strndup(text, len);
        if (streq(target, "none") || streq(target, "swap"))
                return strdup(source);
        return strdup(target);
}

static int split_lines(const struct merge_kind *kind, const char *buf, size_t len, struct lines *out) {
        out->v = NULL;
        out->n = 0;
        size_t cap = 0;
        for (size_t pos = 0; pos < len;) {
                const char *nl = memchr(buf + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
                if (out->n == cap) {
                        cap = cap ? 2 * cap : 64;
                        struct line *grown = realloc(out->v, cap * sizeof *grown);
                        if (!grown)
                                return -ENOMEM;
                        out->v = grown;
                }
                struct line *l = &out->v[out->n];
                l->text = buf + pos;
                l->len = n;
                if (!(l->key = line_key(kind, l->text, n)))
                        return -ENOMEM;
                out->n++;
                pos += n + 1;
        }
        return 0;
}

static ssize_t find_key(const struct lines *l, const char *key) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].key, key))
                        return (ssize_t)i;
        return -1;
}

static bool line_eq(const struct line *a, const struct line *b) {
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* The id field of an account line, copied into buf ("" when it has none). */
static const char *line_field(const struct line *l, int field, char *buf, size_t size) {
        const char *p = l->text, *end = l->text + l->len;
        for (int i = 0; i < field && p; i++) {
                p = memchr(p, ':', (size_t)(end - p));
                if (p)
                        p++;
        }
        buf[0] = '\0';
        if (!p)
                return buf;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        size_t n = (colon ? colon : end) - p;
        if (n >= size)
                n = size - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        return buf;
}

struct emitted {
        const struct line *line;
        bool from_admin;      /* the admin's line of a name the old image did not have */
};

static bool is_root_mount(const struct merge_kind *kind, const char *key) {
        return kind->by_mount_point && streq(key, "/");
}

static int check_collisions(const struct merge_kind *kind, const struct emitted *out, size_t n,
                            struct node_error *e) {
        if (kind->id_field < 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (!out[i].from_admin)
                        continue;
                char id[64], other[64];
                line_field(out[i].line, kind->id_field, id, sizeof id);
                if (!*id)
                        continue;
                for (size_t j = 0; j < n; j++) {
                        if (j == i || out[j].from_admin || streq(out[j].line->key, out[i].line->key))
                                continue;
                        if (!streq(line_field(out[j].line, kind->id_field, other, sizeof other), id))
                                continue;
                        /* TRANSLATORS: "The new image has user systemd-oom with ID 998, the
                         * number of the admin's user alice; ..." */
                        return node_error_set(e, EEXIST,
                                              _("The new image has %s %s with ID %s, the number of the admin's "
                                                "%s %s; give %s another ID before upgrading."),
                                              _(kind->what), out[j].line->key, id, _(kind->what),
                                              out[i].line->key, out[i].line->key);
                }
        }
        return 0;
}

/* Which names a shadow file may hold: those its primary file (passwd for
 * shadow, group for gshadow) kept after its own merge.  A name the primary
 * never had follows the plain rule. */
struct membership {
        struct lines kept, known[N_TREES];
};

static void membership_free(struct membership *m) {
        lines_free(&m->kept);
        for (int t = 0; t < N_TREES; t++)
                lines_free(&m->known[t]);
}

enum member { MEMBER_FREE, MEMBER_KEPT, MEMBER_GONE };

static enum member member_of(const struct membership *m, const char *key) {
        if (!m)
                return MEMBER_FREE;
        if (find_key(&m->kept, key) >= 0)
                return MEMBER_KEPT;
        for (int t = 0; t < N_TREES; t++)
                if (find_key(&m->known[t], key) >= 0)
                        return MEMBER_GONE;
        return MEMBER_FREE;
}

/* The line that key gets in the result, from the old image's (f), the
 * admin's (c) and the new image's (n) versions; NULL: none.  The admin's wins
 * when they added or changed it; a name the admin deleted stays deleted unless
 * the new image changed it. */
static const struct line *pick_line(const struct merge_kind *kind, const struct membership *m, const char *key,
                                    const struct line *f, const struct line *c, const struct line *n) {
        if (is_root_mount(kind, key))
                return n;
        bool admin_changed = c && (!f || !line_eq(f, c));
        switch (member_of(m, key)) {
        case MEMBER_GONE:
                return NULL;
        case MEMBER_KEPT:
                return admin_changed || !n ? c : n;
        case MEMBER_FREE:
                break;
        }
        if (c)
                return admin_changed ? c : n;
        if (n && f && line_eq(f, n))
                return NULL;
        return n;
}

static const struct line *line_of(const struct lines *l, const char *key) {
        ssize_t i = find_key(l, key);
        return i < 0 ? NULL : &l->v[i];
}

/* Three-way merge by key: the new image's lines in their order, each as
 * pick_line says, then the admin's lines of names the new image does not
 * have.  The result is written to a new malloc'd buffer. */
static int merge_lines(const struct merge_kind *kind, const struct membership *m, const char *const buf[N_TREES],
                       const size_t len[N_TREES], char **out_buf, size_t *out_len, struct node_error *e) {
        struct lines fac = {0}, cur = {0}, new = {0};
        struct emitted *out = NULL;
        bool *taken = NULL;
        size_t n_out = 0;
        char *mem = NULL;
        size_t mem_len = 0;
        FILE *f = NULL;
        int r = -ENOMEM;
        if (split_lines(kind, buf[FACTORY], len[FACTORY], &fac) < 0 ||
            split_lines(kind, buf[CURRENT], len[CURRENT], &cur) < 0 || split_lines(kind, buf[NEW], len[NEW], &new) < 0)
                goto done;
        out = calloc(new.n + cur.n + 1, sizeof *out);
        taken = calloc(cur.n + 1, sizeof *taken);
        if (!out || !taken)
                goto done;

        for (size_t i = 0; i < new.n + cur.n; i++) {
                const struct line *l = i < new.n ? &new.v[i] : &cur.v[i - new.n];
                if (i >= new.n && taken[i - new.n])
                        continue;
                for (size_t k = 0; k < cur.n; k++)
                        if (streq(cur.v[k].key, l->key))
                                taken[k] = true;
                const struct line *fl = line_of(&fac, l->key), *cl = line_of(&cur, l->key);
                const struct line *pick = pick_line(kind, m, l->key, fl, cl, i < new.n ? l : NULL);
                if (pick)
                        out[n_out++] = (struct emitted){ pick, pick == cl && !fl };
        }

        if ((r = check_collisions(kind, out, n_out, e)) < 0)
                goto done;
        r = -ENOMEM;
        if (!(f = open_memstream(&mem, &mem_len)))
                goto done;
        for (size_t i = 0; i < n_out; i++) {
                fwrite(out[i].line->text, 1, out[i].line->len, f);
                fputc('\n', f);
        }
        if (fclose(f) != 0) {
                f = NULL;
                goto done;
        }
        f = NULL;
        *out_buf = TAKE_PTR(mem);
        *out_len = mem_len;
        r = 0;
done:
        if (f)
                fclose(f);
        free(mem);
        free(out);
        free(taken);
        lines_free(&fac);
        lines_free(&cur);
        lines_free(&new);
        if (r == -ENOMEM)
                return oom(e);
        return r;
}

struct merge_input {
        char *buf[N_TREES];
        size_t len[N_TREES];
};

static void merge_input_free(struct merge_input *m) {
        for (int t = 0; t < N_TREES; t++)
                free(m->buf[t]);
}

/* Reads the three versions of a file (a missing factory or new one is empty). */
static int read_versions(const char *file, const int dirfd[N_TREES], const char *const roots[N_TREES],
                         struct merge_input *in, struct node_error *e) {
        *in = (struct merge_input){0};
        for (int t = 0; t < N_TREES; t++) {
                int r = dirfd[t] < 0 ? -ENOENT : read_all_at(dirfd[t], file, MAX_MERGED_FILE, &in->buf[t], &in->len[t]);
                if (r == -ENOENT && t != CURRENT)
                        r = (in->buf[t] = strdup("")) ? 0 : -ENOMEM;
                if (r == -EINVAL)
                        node_error_set(e, r, _("%s/%s is not a regular file."), roots[t], file);
                else if (r < 0)
                        node_error_set(e, r, _("Cannot read %s/%s: %s."), roots[t], file, strerror(-r));
                if (r < 0) {
                        merge_input_free(in);
                        return r;
                }
        }
        return 0;
}

static int primary_membership(const struct merge_kind *primary, const int dirfd[N_TREES],
                              const char *const roots[N_TREES], struct membership *m, struct node_error *e) {
        struct merge_input in;
        int r = read_versions(primary->file, dirfd, roots, &in, e);
        if (r == -ENOENT)
                return 1;  /* no primary file: nothing to follow */
        if (r < 0)
                return r;
        _cleanup_free_ char *merged = NULL;
        size_t len = 0;
        r = merge_lines(primary, NULL, (const char *const *)in.buf, in.len, &merged, &len, e);
        for (int t = 0; r >= 0 && t < N_TREES; t++)
                if (split_lines(primary, in.buf[t], in.len[t], &m->known[t]) < 0)
                        r = oom(e);
        if (r >= 0 && split_lines(primary, merged, len, &m->kept) < 0)
                r = oom(e);
        /* the lines point into the buffers: keep them for the membership's life */
        if (r >= 0) {
                for (int t = 0; t < N_TREES; t++)
                        for (size_t i = 0; i < m->known[t].n; i++)
                                m->known[t].v[i].text = NULL;
                for (size_t i = 0; i < m->kept.n; i++)
                        m->kept.v[i].text = NULL;
        }
        merge_input_free(&in);
        return r;
}

/* Merges the three versions of a file into *merged; 1 (and NULL) when the new
 * image's file stays: the admin did not change it, or it already is the result. */
static int merge_file(const struct merge_kind *kind, const int dirfd[N_TREES], const char *const roots[N_TREES],
                      char **merged, size_t *merged_len, struct node_error *e) {
        struct membership m = {0};
        bool follows = kind->primary != NULL;
        int r = 0;
        if (follows && (r = primary_membership(merge_kind_of(kind->primary), dirfd, roots, &m, e)) < 0)
                return r;
        if (r == 1)
                follows = false;
        struct merge_input in;
        if ((r = read_versions(kind->file, dirfd, roots, &in, e)) < 0) {
                membership_free(&m);
                return r;
        }
        if (in.len[CURRENT] == in.len[FACTORY] && memcmp(in.buf[CURRENT], in.buf[FACTORY], in.len[FACTORY]) == 0)
                r = 1;  /* the admin did not touch it: the new image's stays as it is */
        else
                r = merge_lines(kind, follows ? &m : NULL, (const char *const *)in.buf, in.len, merged, merged_len, e);
        if (r == 0 && in.len[NEW] == *merged_len && memcmp(in.buf[NEW], *merged, *merged_len) == 0) {
                free(*merged);
                *merged = NULL;
                r = 1;
        }
        merge_input_free(&in);
        membership_free(&m);
        return r;
}

/* ---- plan ---------------------------------------------------------------- */

struct builder {
        struct node_etc_change *v;
        size_t n, cap;
};

static void builder_free(struct builder *b) {
        for (size_t i = 0; i < b->n; i++) {
                free(b->v[i].path);
                free(b->v[i].note);
        }
        free(b->v);
        *b = (struct builder){0};
}

static int push(struct builder *b, const char *rel, enum node_etc_action action, char *note_owned,
                struct node_error *e) {
        if (b->n == b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 32;
                struct node_etc_change *grown = realloc(b->v, cap * sizeof *grown);
                if (!grown) {
                        free(note_owned);
                        return oom(e);
                }
                b->v = grown;
                b->cap = cap;
        }
        char *path = strdup(rel);
        if (!path) {
                free(note_owned);
                return oom(e);
        }
        b->v[b->n++] = (struct node_etc_change){ path, action, note_owned };
        return 0;
}

static int push_note(struct builder *b, const char *rel, enum node_etc_action action, struct node_error *e,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int push_note(struct builder *b, const char *rel, enum node_etc_action action, struct node_error *e,
                     const char *fmt, ...) {
        char *note;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&note, fmt, ap);
        va_end(ap);
        if (n < 0)
                return oom(e);
        return push(b, rel, action, note, e);
}

/* Where the new image stands for a directory's contents. */
enum new_dir {
        NEW_DIR,          /* it has the directory (fd open) */
        NEW_WILL_CREATE,  /* it lacks it, and the plan copies the admin's */
        NEW_GONE,         /* it lacks it or has something else there: nothing can go below */
};

struct walker {
        const char *roots[N_TREES];
        struct builder changes, removals;
        struct node_error *e;
};

static void close_fds(int fd[N_TREES]) {
        for (int t = 0; t < N_TREES; t++)
                if (fd[t] >= 0)
                        close(fd[t]);
}

static int open_subdir(int dirfd, const struct entry *en, const char *name) {
        if (dirfd < 0 || !en->exists || !S_ISDIR(en->st.st_mode))
                return -1;
        return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}


/* 1 when the entry is the same in trees a and b, 0 when not. */
static int compare(struct walker *w, const int fd[N_TREES], const struct entry en[N_TREES], enum tree a,
                   enum tree b, const char *name, const char *rel) {
        int r = same_entry(fd[a], &en[a], fd[b], &en[b], name);
        if (r < 0)
                return node_error_set(w->e, r, _("Cannot compare %s/%s with %s/%s: %s."), w->roots[a], rel,
                                      w->roots[b], rel, strerror(-r));
        return r;
}

/* Entries of the old image the admin deleted: removed from new_etc when the
 * new image has them as the old image had, contents before their directory. */
static int walk_removed(struct walker *w, int fac_fd, int new_fd, const char *prefix);

static int removed_entry(struct walker *w, int fac_fd, int new_fd, const char *name, const char *rel) {
        int fd[N_TREES] = { fac_fd, -1, new_fd };
        struct entry en[N_TREES] = {0};
        int r;
        if ((r = stat_entry(fac_fd, name, &en[FACTORY], w->roots[FACTORY], rel, w->e)) < 0 ||
            (r = stat_entry(new_fd, name, &en[NEW], w->roots[NEW], rel, w->e)) < 0)
                return r;
        if (!en[NEW].exists || is_regenerated(rel) || merge_kind_of(rel))
                return 0;
        if ((r = compare(w, fd, en, FACTORY, NEW, name, rel)) < 0)
                return r;
        if (!r)
                return push_note(&w->removals, rel, NODE_ETC_KEEP_NEW, w->e, "%s",
                                 _("removed by the admin, but the new image changed it; the new image's is kept"));
        if (S_ISDIR(en[FACTORY].st.st_mode)) {
                int sub[N_TREES] = { open_subdir(fac_fd, &en[FACTORY], name), -1, open_subdir(new_fd, &en[NEW], name) };
                if (sub[FACTORY] < 0 || sub[NEW] < 0)
                        r = node_error_set(w->e, errno, _("Cannot open directory %s: %m."), rel);
                else
                        r = walk_removed(w, sub[FACTORY], sub[NEW], rel);
                close_fds(sub);
                if (r < 0)
                        return r;
        }
        return push(&w->removals, rel, NODE_ETC_REMOVED_BY_ADMIN, NULL, w->e);
}

static int walk_removed(struct walker *w, int fac_fd, int new_fd, const char *prefix) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;
        int r = list_dir(fac_fd, prefix, &names, &n, w->e);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *rel = path_join(prefix, names[i]);
                r = rel ? removed_entry(w, fac_fd, new_fd, names[i], rel) : oom(w->e);
        }
        return r;
}

static int walk(struct walker *w, const int fd[N_TREES], enum new_dir new_dir, const char *prefix);

static int merged_entry(struct walker *w, const struct merge_kind *kind, const int fd[N_TREES], const char *rel) {
        _cleanup_free_ char *merged = NULL;
        size_t len;
        int r = merge_file(kind, fd, w->roots, &merged, &len, w->e);
        if (r < 0 || r == 1)
                return r < 0 ? r : 0;
        return push(&w->changes, rel, kind->action, NULL, w->e);
}

static const char *keep_new_note(bool clash, bool new_exists) {
        if (clash)
                return _("the new image has a directory where the admin has none, or the other way round; "
                         "the new image's is kept, the admin's stays in the old layer");
        if (!new_exists)
                return _("the new image removed it; the admin's version stays in the old layer");
        return _("changed by the admin and by the new image; the new image's is kept, "
                 "the admin's stays in the old layer");
}

static int current_entry(struct walker *w, const int fd[N_TREES], enum new_dir new_dir, const char *name,
                         const char *rel) {
        struct entry en[N_TREES];
        int r;
        for (int t = 0; t < N_TREES; t++) {
                int dirfd = t == NEW && new_dir != NEW_DIR ? -1 : fd[t];
                if ((r = stat_entry(dirfd, name, &en[t], w->roots[t], rel, w->e)) < 0)
                        return r;
        }
        int at[N_TREES] = { fd[FACTORY], fd[CURRENT], new_dir == NEW_DIR ? fd[NEW] : -1 };
        if (!en[CURRENT].exists)
                return node_error_set(w->e, ENOENT, _("%s/%s disappeared while it was being read."),
                                      w->roots[CURRENT], rel);
        mode_t type = en[CURRENT].st.st_mode & S_IFMT;

        if ((r = compare(w, at, en, FACTORY, CURRENT, name, rel)) < 0)
                return r;
        bool changed = !r;
        if (is_regenerated(rel))
                return changed ? push_note(&w->changes, rel, NODE_ETC_SKIPPED, w->e, "%s",
                                           _("regenerated or owned by the running system; not carried")) : 0;
        const struct merge_kind *kind = merge_kind_of(rel);
        if (kind && type == S_IFREG)
                return merged_entry(w, kind, at, rel);
        if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK)
                return push_note(&w->changes, rel, NODE_ETC_SKIPPED, w->e, "%s",
                                 _("a socket, fifo or device node is never copied"));

        enum new_dir below = en[NEW].exists && S_ISDIR(en[NEW].st.st_mode) ? NEW_DIR : NEW_GONE;
        if (changed && new_dir == NEW_GONE) {
                _cleanup_free_ char *dir = NULL;
                const char *leaf;
                if (split_path(rel, &dir, &leaf) < 0)
                        return oom(w->e);
                return push_note(&w->changes, rel, NODE_ETC_KEEP_NEW, w->e,
                                 _("the new image has no directory %s to put it in"), dir);
        }
        if (changed) {
                if ((r = compare(w, at, en, CURRENT, NEW, name, rel)) < 0)
                        return r;
                bool already = r;
                if (!already && (r = compare(w, at, en, FACTORY, NEW, name, rel)) < 0)
                        return r;
                bool new_untouched = !already && r;
                bool clash = en[NEW].exists && S_ISDIR(en[NEW].st.st_mode) != (type == S_IFDIR);
                if (already)
                        ;
                else if (new_untouched && !clash) {
                        if ((r = push(&w->changes, rel, NODE_ETC_COPY, NULL, w->e)) < 0)
                                return r;
                        if (!en[NEW].exists)
                                below = NEW_WILL_CREATE;
                } else {
                        if ((r = push_note(&w->changes, rel, NODE_ETC_KEEP_NEW, w->e, "%s",
                                           keep_new_note(new_untouched && clash, en[NEW].exists))) < 0)
                                return r;
                        if (below == NEW_GONE)
                                return 0;  /* the directory's contents cannot go anywhere */
                }
        }
        if (type != S_IFDIR)
                return 0;
        int sub[N_TREES] = {
                open_subdir(fd[FACTORY], &en[FACTORY], name),
                open_subdir(fd[CURRENT], &en[CURRENT], name),
                below == NEW_DIR ? open_subdir(at[NEW], &en[NEW], name) : -1,
        };
        if (sub[CURRENT] < 0 || (below == NEW_DIR && sub[NEW] < 0))
                r = node_error_set(w->e, errno, _("Cannot open directory %s: %m."), rel);
        else
                r = walk(w, sub, below, rel);
        close_fds(sub);
        return r;
}

static int walk(struct walker *w, const int fd[N_TREES], enum new_dir new_dir, const char *prefix) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;
        int r = list_dir(fd[CURRENT], *prefix ? prefix : w->roots[CURRENT], &names, &n, w->e);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *rel = path_join(prefix, names[i]);
                r = rel ? current_entry(w, fd, new_dir, names[i], rel) : oom(w->e);
        }
        if (r < 0 || fd[FACTORY] < 0 || new_dir != NEW_DIR)
                return r;

        strv_free(names);
        names = NULL;
        if ((r = list_dir(fd[FACTORY], *prefix ? prefix : w->roots[FACTORY], &names, &n, w->e)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                if (fstatat(fd[CURRENT], names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
                        continue;
                _cleanup_free_ char *rel = path_join(prefix, names[i]);
                if (!rel)
                        return oom(w->e);
                if (errno != ENOENT)
                        return node_error_set(w->e, errno, _("Cannot read %s/%s: %m."), w->roots[CURRENT], rel);
                if ((r = removed_entry(w, fd[FACTORY], fd[NEW], names[i], rel)) < 0)
                        return r;
        }
        return 0;
}

static const char *tree_name(enum tree t) {
        switch (t) {
        case FACTORY: return _("The old image's pristine /etc");
        case CURRENT: return _("The running layer's /etc");
        default: return _("The new layer's /etc");
        }
}

static int open_roots(const char *const roots[N_TREES], int fd[N_TREES], struct node_error *e) {
        for (int t = 0; t < N_TREES; t++)
                fd[t] = -1;
        for (int t = 0; t < N_TREES; t++) {
                if (!roots[t] || !*roots[t]) {
                        close_fds(fd);
                        return node_error_set(e, EINVAL, _("%s was not given."), tree_name(t));
                }
                fd[t] = open(roots[t], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd[t] < 0) {
                        int err = errno;
                        close_fds(fd);
                        return node_error_set(e, err, _("%s (%s) cannot be opened: %s."), tree_name(t), roots[t],
                                              strerror(err));
                }
        }
        return 0;
}

int node_etc_plan(const char *factory_etc, const char *current_etc, const char *new_etc,
                  struct node_etc_plan *plan, struct node_error *e) {
        *plan = (struct node_etc_plan){0};
        struct walker w = { .roots = { factory_etc, current_etc, new_etc }, .e = e };
        int fd[N_TREES];
        int r = open_roots(w.roots, fd, e);
        if (r < 0)
                return r;
        r = walk(&w, fd, NEW_DIR, "");
        close_fds(fd);
        for (size_t i = 0; r >= 0 && i < w.removals.n; i++) {
                struct node_etc_change *c = &w.removals.v[i];
                r = push(&w.changes, c->path, c->action, c->note, e);
                c->note = NULL;
        }
        builder_free(&w.removals);
        if (r < 0) {
                builder_free(&w.changes);
                return r;
        }
        plan->changes = w.changes.v;
        plan->n_changes = w.changes.n;
        return 0;
}

void node_etc_plan_free(struct node_etc_plan *plan) {
        struct builder b = { plan->changes, plan->n_changes, plan->n_changes };
        builder_free(&b);
        *plan = (struct node_etc_plan){0};
}

/* ---- apply --------------------------------------------------------------- */

struct staged {
        bool file;         /* staged as "<index>" in the staging directory */
        bool dir;          /* a directory to create or set */
        struct stat st;    /* the admin's directory */
};

static int copy_fd(int from, int to) {
        char buf[64 * 1024];
        for (;;) {
                ssize_t n = read(from, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return 0;
                for (ssize_t done = 0; done < n;) {
                        ssize_t m = write(to, buf + done, (size_t)(n - done));
                        if (m < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        done += m;
                }
        }
}

/* Owner first: chown clears set-id bits that chmod then sets again. */
static int set_owner_mode(int fd, const struct stat *want) {
        struct stat have;
        if (fstat(fd, &have) < 0)
                return -errno;
        if ((have.st_uid != want->st_uid || have.st_gid != want->st_gid) && fchown(fd, want->st_uid, want->st_gid) < 0)
                return -errno;
        if (fchmod(fd, want->st_mode & 07777) < 0)
                return -errno;
        return 0;
}

static int stage_copy(int cur_root, int stage_fd, const char *name, const char *rel, struct staged *s,
                      const char *cur_root_path, struct node_error *e) {
        _cleanup_free_ char *dir = NULL;
        const char *leaf;
        if (split_path(rel, &dir, &leaf) < 0)
                return oom(e);
        _cleanup_close_ int parent = open_dir_beneath(cur_root, dir);
        if (parent < 0)
                return node_error_set(e, -parent, _("Cannot read %s/%s: %s."), cur_root_path, rel, strerror(-parent));
        struct stat st;
        if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return node_error_set(e, errno, _("Cannot read %s/%s: %m."), cur_root_path, rel);
        if (S_ISDIR(st.st_mode)) {
                s->dir = true;
                s->st = st;
                return 0;
        }
        int r = 0;
        if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX + 1];
                ssize_t n = readlinkat(parent, leaf, target, sizeof target - 1);
                if (n < 0)
                        return node_error_set(e, errno, _("Cannot read %s/%s: %m."), cur_root_path, rel);
                target[n] = '\0';
                if (symlinkat(target, stage_fd, name) < 0)
                        return node_error_set(e, errno, _("Cannot copy %s into the new layer: %m."), rel);
                s->file = true;
                struct timespec times[2] = { st.st_atim, st.st_mtim };
                if (fchownat(stage_fd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                    utimensat(stage_fd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
                        return node_error_set(e, errno, _("Cannot copy %s into the new layer: %m."), rel);
                return 0;
        }
        if (!S_ISREG(st.st_mode))
                return node_error_set(e, EINVAL, _("%s/%s is no longer a file, link or directory."), cur_root_path, rel);
        _cleanup_close_ int from = openat(parent, leaf, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (from < 0)
                return node_error_set(e, errno, _("Cannot read %s/%s: %m."), cur_root_path, rel);
        _cleanup_close_ int to = openat(stage_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (to < 0)
                return node_error_set(e, errno, _("Cannot copy %s into the new layer: %m."), rel);
        s->file = true;
        if ((r = copy_fd(from, to)) < 0)
                return node_error_set(e, r, _("Cannot copy %s into the new layer: %s."), rel, strerror(-r));
        struct timespec times[2] = { st.st_atim, st.st_mtim };
        if ((r = set_owner_mode(to, &st)) < 0 || (futimens(to, times) < 0 && (r = -errno)))
                return node_error_set(e, r, _("Cannot copy %s into the new layer: %s."), rel, strerror(-r));
        return 0;
}

static int stage_merge(const struct merge_kind *kind, const int root[N_TREES], const char *const roots[N_TREES],
                       int stage_fd, const char *name, struct staged *s, struct node_error *e) {
        _cleanup_free_ char *merged = NULL;
        size_t len = 0;
        int r = merge_file(kind, root, roots, &merged, &len, e);
        if (r < 0 || r == 1)
                return r < 0 ? r : 0;
        /* the new image's mode and owner (shadow 0000 or 0640 root:shadow), else the admin's */
        struct stat st;
        if (fstatat(root[NEW], kind->file, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
            fstatat(root[CURRENT], kind->file, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return node_error_set(e, errno, _("Cannot read %s/%s: %m."), roots[CURRENT], kind->file);
        _cleanup_close_ int to = openat(stage_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (to < 0)
                return node_error_set(e, errno, _("Cannot write %s in the new layer: %m."), kind->file);
        s->file = true;
        for (size_t done = 0; done < len;) {
                ssize_t n = write(to, merged + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return node_error_set(e, errno, _("Cannot write %s in the new layer: %m."), kind->file);
                }
                done += (size_t)n;
        }
        if ((r = set_owner_mode(to, &st)) < 0)
                return node_error_set(e, r, _("Cannot write %s in the new layer: %s."), kind->file, strerror(-r));
        return 0;
}

static void unstage(int new_root, int stage_fd, const char *stage_name, const struct staged *s, size_t n) {
        char name[32];
        for (size_t i = 0; i < n; i++)
                if (s[i].file) {
                        snprintf(name, sizeof name, "%zu", i);
                        unlinkat(stage_fd, name, 0);
                }
        unlinkat(new_root, stage_name, AT_REMOVEDIR);
}

/* The second step: directories made, staged files renamed into place,
 * removals done.  Short, and only renames and mkdirs can fail here. */
static int put_in_place(const struct node_etc_plan *plan, int new_root, int stage_fd, struct staged *s,
                        const char *new_root_path, struct node_error *e) {
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct node_etc_change *c = &plan->changes[i];
                if (!s[i].file && !s[i].dir && c->action != NODE_ETC_REMOVED_BY_ADMIN)
                        continue;
                _cleanup_free_ char *dir = NULL;
                const char *leaf;
                if (split_path(c->path, &dir, &leaf) < 0)
                        return oom(e);
                _cleanup_close_ int parent = open_dir_beneath(new_root, dir);
                if (parent < 0) {
                        if (c->action == NODE_ETC_REMOVED_BY_ADMIN && parent == -ENOENT)
                                continue;
                        return node_error_set(e, -parent, _("Cannot open %s/%s: %s."), new_root_path, dir,
                                              strerror(-parent));
                }
                if (c->action == NODE_ETC_REMOVED_BY_ADMIN) {
                        struct stat st;
                        if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        if (unlinkat(parent, leaf, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT &&
                            errno != ENOTEMPTY && errno != EEXIST)
                                return node_error_set(e, errno, _("Cannot remove %s/%s: %m."), new_root_path, c->path);
                        continue;
                }
                if (s[i].file) {
                        char name[32];
                        snprintf(name, sizeof name, "%zu", i);
                        if (renameat(stage_fd, name, parent, leaf) < 0)
                                return node_error_set(e, errno, _("Cannot put %s in place in the new layer: %m."),
                                                      c->path);
                        s[i].file = false;
                        continue;
                }
                if (mkdirat(parent, leaf, 0700) < 0 && errno != EEXIST)
                        return node_error_set(e, errno, _("Cannot create directory %s/%s: %m."), new_root_path, c->path);
                _cleanup_close_ int d = openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int r = d < 0 ? -errno : set_owner_mode(d, &s[i].st);
                if (r < 0)
                        return node_error_set(e, -r, _("Cannot set up directory %s/%s: %s."), new_root_path,
                                              c->path, strerror(-r));
        }
        /* directory times last, deepest first: putting files in changed them */
        for (size_t i = plan->n_changes; i-- > 0;) {
                if (!s[i].dir)
                        continue;
                _cleanup_close_ int d = open_dir_beneath(new_root, plan->changes[i].path);
                struct timespec times[2] = { s[i].st.st_atim, s[i].st.st_mtim };
                if (d < 0 || futimens(d, times) < 0)
                        return node_error_set(e, d < 0 ? -d : errno, _("Cannot set the time of %s/%s."),
                                              new_root_path, plan->changes[i].path);
        }
        return 0;
}

int node_etc_apply(const struct node_etc_plan *plan, const char *factory_etc, const char *current_etc,
                   const char *new_etc, struct node_error *e) {
        const char *roots[N_TREES] = { factory_etc, current_etc, new_etc };
        for (size_t i = 0; i < plan->n_changes; i++)
                if (!path_is_plain(plan->changes[i].path))
                        return node_error_set(e, EINVAL, _("The /etc plan names an unusable path."));
        int root[N_TREES];
        int r = open_roots(roots, root, e);
        if (r < 0)
                return r;
        struct staged *s = calloc(plan->n_changes + 1, sizeof *s);
        char stage_name[] = STAGE_PREFIX "XXXXXX";
        _cleanup_free_ char *stage_path = NULL;
        int stage_fd = -1;
        if (!s || asprintf(&stage_path, "%s/%s", new_etc, stage_name) < 0) {
                r = oom(e);
                goto out;
        }
        if (!mkdtemp(stage_path)) {
                r = node_error_set(e, errno, _("Cannot write in %s: %m."), new_etc);
                goto out;
        }
        memcpy(stage_name, stage_path + strlen(new_etc) + 1, sizeof stage_name);
        if ((stage_fd = openat(root[NEW], stage_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
                r = node_error_set(e, errno, _("Cannot write in %s: %m."), new_etc);
                unlinkat(root[NEW], stage_name, AT_REMOVEDIR);
                goto out;
        }

        for (size_t i = 0; r >= 0 && i < plan->n_changes; i++) {
                const struct node_etc_change *c = &plan->changes[i];
                char name[32];
                snprintf(name, sizeof name, "%zu", i);
                const struct merge_kind *kind = merge_kind_of(c->path);
                if (c->action == NODE_ETC_COPY)
                        r = stage_copy(root[CURRENT], stage_fd, name, c->path, &s[i], current_etc, e);
                else if ((c->action == NODE_ETC_MERGE_ACCOUNTS || c->action == NODE_ETC_MERGE_FSTAB) && kind)
                        r = stage_merge(kind, root, roots, stage_fd, name, &s[i], e);
        }
        if (r >= 0 && syncfs(stage_fd) < 0)
                r = node_error_set(e, errno, _("Cannot write in %s: %m."), new_etc);
        if (r < 0) {
                unstage(root[NEW], stage_fd, stage_name, s, plan->n_changes);
                goto out;
        }
        r = put_in_place(plan, root[NEW], stage_fd, s, new_etc, e);
        unstage(root[NEW], stage_fd, stage_name, s, plan->n_changes);
out:
        if (stage_fd >= 0)
                close(stage_fd);
        close_fds(root);
        free(s);
        return r < 0 ? r : 0;
}

/* ---- the log ------------------------------------------------------------- */

const char *node_etc_action_name(enum node_etc_action action) {
        switch (action) {
        case NODE_ETC_COPY: return "copy";
        case NODE_ETC_MERGE_ACCOUNTS: return "merge";
        case NODE_ETC_MERGE_FSTAB: return "merge";
        case NODE_ETC_KEEP_NEW: return "keep-new";
        case NODE_ETC_REMOVED_BY_ADMIN: return "remove";
        case NODE_ETC_SKIPPED: return "skip";
        }
        return "?";
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
        size_t len;
        uint32_t min, cp;
        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0)
                len = 2, min = 0x80, cp = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                len = 3, min = 0x800, cp = s[0] & 0x0f;
        else if ((s[0] & 0xf8) == 0xf0)
                len = 4, min = 0x10000, cp = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

static void write_escaped(FILE *out, const char *text) {
        const unsigned char *s = (const unsigned char *)text;
        size_t n = strlen(text);
        for (size_t i = 0; i < n;) {
                size_t len = utf8_len(s + i, n - i);
                if (s[i] == '\\')
                        fputs("\\\\", out);
                else if (s[i] == '\n')
                        fputs("\\n", out);
                else if (s[i] == '\t')
                        fputs("\\t", out);
                else if (len == 0 || s[i] < 0x20 || s[i] == 0x7f)
                        fprintf(out, "\\x%02x", s[i]);
                else {
                        fwrite(s + i, 1, len, out);
                        i += len;
                        continue;
                }
                i++;
        }
}

int node_etc_plan_write(const struct node_etc_plan *plan, FILE *out, struct node_error *e) {
        for (size_t i = 0; i < plan->n_changes; i++) {
                const struct node_etc_change *c = &plan->changes[i];
                fprintf(out, "%s ", node_etc_action_name(c->action));
                write_escaped(out, c->path);
                if (c->note) {
                        fputs(": ", out);
                        write_escaped(out, c->note);
                }
                fputc('\n', out);
        }
        if (fflush(out) != 0 || ferror(out))
                return node_error_set(e, errno ? errno : EIO, _("Cannot write the list of carried /etc files: %m."));
        return 0;
}
