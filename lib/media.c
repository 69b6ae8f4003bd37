/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounted media and directory listings for picking a node image.  The
 * kernel's mountinfo is read as text (never through a program), and names
 * are kept as raw bytes: only node_media_display_name turns them into text. */
#include "media.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "i18n.h"
#include "util.h"

/* A listing this long is not a directory an admin browses by hand. */
#define MAX_DIR_ENTRIES 20000
#define MAX_MOUNTINFO_BYTES (4u << 20)

static const char *const media_roots[] = { "/run/media", "/media", "/mnt" };
static const char *const media_fstypes[] = { "iso9660", "udf" };
static const char *const image_suffixes[] = { ".squashfs", ".img", ".iso" };

void node_media_free(struct node_media *m) {
        for (size_t i = 0; i < m->n_media; i++) {
                free(m->media[i].mount_point);
                free(m->media[i].source);
                free(m->media[i].fstype);
        }
        free(m->media);
        *m = (struct node_media){ 0 };
}

/* mountinfo writes space, tab, newline and backslash as \ooo */
static char *unescape_octal(const char *s, size_t len) {
        char *out = malloc(len + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
                    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                        out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                        i += 3;
                } else {
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        return out;
}

static bool under(const char *path, const char *root) {
        size_t n = strlen(root);
        return strncmp(path, root, n) == 0 && path[n] == '/' && path[n + 1];
}

struct mount_line {
        char *mount_point, *source, *fstype;
        unsigned major, minor;
        bool read_only;
};

static void mount_line_clear(struct mount_line *m) {
        free(m->mount_point);
        free(m->source);
        free(m->fstype);
        *m = (struct mount_line){ 0 };
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the
 * fields after " - " are the type and the source. */
static int parse_line(const char *line, size_t len, struct mount_line *m) {
        const char *field[6];
        size_t field_len[6];
        const char *p = line, *end = line + len;
        for (int f = 0; f < 6; f++) {
                while (p < end && *p == ' ')
                        p++;
                const char *start = p;
                while (p < end && *p != ' ')
                        p++;
                if (p == start)
                        return -EINVAL;
                field[f] = start;
                field_len[f] = (size_t)(p - start);
        }
        const char *dash = NULL;
        for (const char *q = p; q + 1 < end; q++)
                if (q[0] == ' ' && q[1] == '-' && (q + 2 == end || q[2] == ' ')) {
                        dash = q + 2;
                        break;
                }
        if (!dash)
                return -EINVAL;
        const char *type = dash, *type_end, *source, *source_end;
        while (type < end && *type == ' ')
                type++;
        type_end = type;
        while (type_end < end && *type_end != ' ')
                type_end++;
        source = type_end;
        while (source < end && *source == ' ')
                source++;
        source_end = source;
        while (source_end < end && *source_end != ' ')
                source_end++;
        if (type_end == type || source_end == source)
                return -EINVAL;
        char *colon, *number_end;
        unsigned long major = strtoul(field[2], &colon, 10), minor = 0;
        number_end = colon;
        if (*colon == ':')
                minor = strtoul(colon + 1, &number_end, 10);
        if (*colon != ':' || *number_end != ' ' || major > UINT_MAX || minor > UINT_MAX)
                return -EINVAL;
        m->major = (unsigned)major;
        m->minor = (unsigned)minor;
        m->read_only = field_len[5] >= 2 && strncmp(field[5], "ro", 2) == 0 && (field_len[5] == 2 || field[5][2] == ',');
        m->mount_point = unescape_octal(field[4], field_len[4]);
        m->fstype = unescape_octal(type, (size_t)(type_end - type));
        m->source = unescape_octal(source, (size_t)(source_end - source));
        if (!m->mount_point || !m->fstype || !m->source) {
                mount_line_clear(m);
                return -ENOMEM;
        }
        return 0;
}

static bool string_in(const char *s, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(s, list[i]))
                        return true;
        return false;
}

static bool removable_device(const struct node_context *ctx, unsigned major, unsigned minor) {
        if (!ctx || major == 0)
                return false;
        /* a partition's own directory has no "removable"; its disk's has */
        static const char *const candidates[] = { "removable", "../removable" };
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                char rel[96], path[4096];
                snprintf(rel, sizeof rel, "/sys/dev/block/%u:%u/%s", major, minor, candidates[i]);
                node_context_path(ctx, rel, path, sizeof path);
                _cleanup_fclose_ FILE *f = fopen(path, "re");
                if (f && fgetc(f) == '1')
                        return true;
        }
        /* USB disks often call themselves fixed */
        char rel[96], path[4096], real[PATH_MAX];
        snprintf(rel, sizeof rel, "/sys/dev/block/%u:%u", major, minor);
        node_context_path(ctx, rel, path, sizeof path);
        return realpath(path, real) && strstr(real, "/usb");
}

static int parse_mountinfo(const struct node_context *ctx, const char *text, struct node_media *out) {
        struct node_media media = { 0 };
        for (const char *line = text; *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t)(nl - line) : strlen(line);
                struct mount_line m = { 0 };
                int r = parse_line(line, len, &m);
                line += len + (nl ? 1 : 0);
                if (r == -ENOMEM) {
                        node_media_free(&media);
                        return r;
                }
                if (r < 0)
                        continue;
                bool removable = removable_device(ctx, m.major, m.minor);
                bool is_medium = string_in(m.fstype, media_fstypes, ELEMENTSOF(media_fstypes)) || removable;
                for (size_t i = 0; !is_medium && i < ELEMENTSOF(media_roots); i++)
                        is_medium = under(m.mount_point, media_roots[i]) || streq(m.mount_point, "/mnt");
                if (!is_medium) {
                        mount_line_clear(&m);
                        continue;
                }
                struct node_medium *grown = realloc(media.media, (media.n_media + 1) * sizeof *grown);
                if (!grown) {
                        mount_line_clear(&m);
                        node_media_free(&media);
                        return -ENOMEM;
                }
                media.media = grown;
                media.media[media.n_media++] =
                        (struct node_medium){ .mount_point = m.mount_point, .source = m.source, .fstype = m.fstype,
                                              .removable = removable, .read_only = m.read_only };
        }
        *out = media;
        return 0;
}

int node_media_parse_mountinfo(const char *text, struct node_media *out) {
        return parse_mountinfo(NULL, text, out);
}

int node_media_list(const struct node_context *ctx, struct node_media *out, struct node_error *e) {
        char path[4096];
        node_context_path(ctx, "/proc/self/mountinfo", path, sizeof path);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return node_error_set(e, errno, _("The mounted file systems cannot be read from %s: %s."), path,
                                      strerror(errno));
        _cleanup_free_ char *text = malloc(MAX_MOUNTINFO_BYTES + 1);
        if (!text)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        size_t n = fread(text, 1, MAX_MOUNTINFO_BYTES, f);
        text[n] = '\0';
        int r = parse_mountinfo(ctx, text, out);
        if (r < 0)
                return node_error_set(e, -r, _("The mounted file systems cannot be read: %s."), strerror(-r));
        return 0;
}

int node_removable_media(const struct node_context *ctx, struct node_media *out, struct node_error *e) {
        int r = node_media_list(ctx, out, e);
        if (r < 0)
                return r;
        size_t kept = 0;
        for (size_t i = 0; i < out->n_media; i++) {
                struct node_medium *m = &out->media[i];
                if (m->removable && !m->read_only && startswith(m->source, "/dev/")) {
                        out->media[kept++] = *m;
                } else {
                        free(m->mount_point);
                        free(m->source);
                        free(m->fstype);
                }
        }
        out->n_media = kept;
        return 0;
}

bool node_is_image_name(const char *name) {
        size_t len = strlen(name);
        for (size_t i = 0; i < ELEMENTSOF(image_suffixes); i++) {
                size_t n = strlen(image_suffixes[i]);
                if (len > n && strcasecmp(name + len - n, image_suffixes[i]) == 0)
                        return true;
        }
        return false;
}

void node_dir_listing_free(struct node_dir_listing *l) {
        for (size_t i = 0; i < l->n_entries; i++)
                free(l->entries[i].name);
        free(l->entries);
        *l = (struct node_dir_listing){ 0 };
}

static int compare_entries(const void *a, const void *b) {
        const struct node_dir_entry *x = a, *y = b;
        bool xd = x->kind == NODE_ENTRY_DIRECTORY, yd = y->kind == NODE_ENTRY_DIRECTORY;
        if (xd != yd)
                return xd ? -1 : 1;
        return strcmp(x->name, y->name);
}

int node_dir_list(const char *path, struct node_dir_listing *out, struct node_error *e) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return node_error_set(e, errno, _("The folder cannot be opened: %s."), strerror(errno));
        int dfd = dup(fd);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                return node_error_set(e, errno, _("The folder cannot be read: %s."), strerror(errno));
        }
        _cleanup_closedir_ DIR *dir = d;
        struct node_dir_listing l = { 0 };
        size_t cap = 0;
        struct dirent *de;
        while ((errno = 0, de = readdir(dir))) {
                if (de->d_name[0] == '.')
                        continue;
                if (l.n_entries == MAX_DIR_ENTRIES) {
                        node_dir_listing_free(&l);
                        return node_error_set(e, E2BIG, _("The folder holds more than %d entries; name the file."),
                                              MAX_DIR_ENTRIES);
                }
                struct stat st;
                /* follows symlinks: a link to a directory is one to descend into */
                if (fstatat(fd, de->d_name, &st, 0) < 0 && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (l.n_entries == cap) {
                        size_t new_cap = cap ? cap * 2 : 64;
                        struct node_dir_entry *grown = realloc(l.entries, new_cap * sizeof *grown);
                        if (!grown) {
                                node_dir_listing_free(&l);
                                return node_error_set(e, ENOMEM, _("Out of memory."));
                        }
                        l.entries = grown;
                        cap = new_cap;
                }
                char *name = strdup(de->d_name);
                if (!name) {
                        node_dir_listing_free(&l);
                        return node_error_set(e, ENOMEM, _("Out of memory."));
                }
                enum node_entry_kind kind = S_ISDIR(st.st_mode)                                ? NODE_ENTRY_DIRECTORY
                                            : S_ISREG(st.st_mode) && node_is_image_name(name) ? NODE_ENTRY_IMAGE
                                                                                               : NODE_ENTRY_FILE;
                l.entries[l.n_entries++] = (struct node_dir_entry){
                        .name = name, .kind = kind, .size_bytes = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0,
                };
        }
        if (errno) {
                int err = errno;
                node_dir_listing_free(&l);
                return node_error_set(e, err, _("The folder cannot be read: %s."), strerror(err));
        }
        if (l.n_entries)
                qsort(l.entries, l.n_entries, sizeof *l.entries, compare_entries);
        *out = l;
        return 0;
}

const char *node_media_display_name(const char *name, char *buf, size_t size) {
        if (size == 0)
                return buf;
        const unsigned char *u = (const unsigned char *)name;
        size_t len = strlen(name), o = 0;
        for (size_t i = 0; i < len;) {
                bool c1_control = false;
                size_t n = u[i] < 0x20 || u[i] == 0x7f || u[i] == '\\' ? 0 : utf8_sequence_length(u + i, len - i, &c1_control);
                if (n && c1_control)
                        n = 0;
                if (n) {
                        if (o + n >= size)
                                break;
                        memcpy(buf + o, u + i, n);
                        o += n;
                        i += n;
                } else {
                        if (o + 4 >= size)
                                break;
                        snprintf(buf + o, size - o, "\\x%02x", u[i]);
                        o += 4;
                        i++;
                }
        }
        buf[o] = '\0';
        return buf;
}
