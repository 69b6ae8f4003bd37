/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "i18n.h"
#include "nvr.h"
#include "util.h"

#define SYSTEMD_BOOT_VENDOR_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool node_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size) {
        size_t key_len = strlen(key);
        bool found = false;
        char word[4096];

        for (const char *p = cmdline ? cmdline : ""; *p;) {
                while (is_space(*p))
                        p++;
                if (!*p)
                        break;
                /* quotes group spaces into a word and are not part of it */
                size_t len = 0;
                bool quoted = false, overlong = false;
                for (; *p && (quoted || !is_space(*p)); p++) {
                        if (*p == '"') {
                                quoted = !quoted;
                                continue;
                        }
                        if (len + 1 < sizeof word)
                                word[len++] = *p;
                        else
                                overlong = true;
                }
                word[len] = '\0';
                if (len < key_len + 1 || strncmp(word, key, key_len) != 0 || word[key_len] != '=')
                        continue;
                /* the kernel lets a later occurrence override an earlier one */
                const char *value = word + key_len + 1;
                found = !overlong && value[0] != '\0' && strlen(value) < size;
                if (found)
                        strcpy(buf, value);
        }
        return found;
}

/* ---- entries ------------------------------------------------------------- */

void node_boot_entry_clear(struct node_boot_entry *entry) {
        free(entry->path);
        free(entry->title);
        free(entry->version);
        free(entry->machine_id);
        free(entry->sort_key);
        free(entry->linux_path);
        free(entry->initrd);
        free(entry->options);
        free(entry->layer);
        *entry = (struct node_boot_entry){ .tries_left = -1, .tries_done = -1 };
}

/* Sets *field to value, or appends " value" for keys that may repeat. */
static int set_field(char **field, const char *value, bool repeatable) {
        if (*field && repeatable) {
                char *joined;
                if (asprintf(&joined, "%s %s", *field, value) < 0)
                        return -ENOMEM;
                free(*field);
                *field = joined;
                return 0;
        }
        char *copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

static bool all_digits(const char *s, size_t len) {
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

/* "NAME+LEFT[-DONE].conf" -> id NAME, tries_left LEFT, tries_done DONE
 * (systemd-boot's boot counting); anything else keeps its whole stem. */
static void entry_id_from_file(const char *file, char *id, size_t size, int *tries_left, int *tries_done) {
        size_t len = strlen(file);
        if (len > 5 && streq(file + len - 5, ".conf"))
                len -= 5;
        *tries_left = -1;
        *tries_done = -1;

        const char *plus = memrchr(file, '+', len);
        if (plus && plus != file) {
                const char *left = plus + 1;
                const char *dash = memchr(left, '-', (size_t)(file + len - left));
                size_t left_len = dash ? (size_t)(dash - left) : (size_t)(file + len - left);
                size_t done_len = dash ? (size_t)(file + len - dash - 1) : 0;
                bool counted = all_digits(left, left_len) && (!dash || all_digits(dash + 1, done_len));
                if (counted && left_len < 6 && done_len < 6) {
                        *tries_left = (int)strtol(left, NULL, 10);
                        *tries_done = dash ? (int)strtol(dash + 1, NULL, 10) : 0;
                        len = (size_t)(plus - file);
                }
        }
        snprintf(id, size, "%.*s", (int)len, file);
}

int node_boot_entry_parse(const char *path, struct node_boot_entry *entry, struct node_error *e) {
        *entry = (struct node_boot_entry){ .tries_left = -1, .tries_done = -1 };
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return node_error_set(e, errno, _("Cannot read the boot entry %s: %s."), path, strerror(errno));

        const char *file = strrchr(path, '/');
        entry_id_from_file(file ? file + 1 : path, entry->id, sizeof entry->id, &entry->tries_left, &entry->tries_done);

        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        ssize_t n;
        int r = 0;
        bool has_kernel = false;
        while (r == 0 && (n = getline(&line, &size, f)) > 0) {
                while (n > 0 && is_space(line[n - 1]))
                        line[--n] = '\0';
                char *key = line;
                while (is_space(*key))
                        key++;
                if (*key == '\0' || *key == '#')
                        continue;
                char *value = key;
                while (*value && !is_space(*value))
                        value++;
                if (*value)
                        *value++ = '\0';
                while (is_space(*value))
                        value++;

                if (streq(key, "title"))
                        r = set_field(&entry->title, value, false);
                else if (streq(key, "version"))
                        r = set_field(&entry->version, value, false);
                else if (streq(key, "machine-id"))
                        r = set_field(&entry->machine_id, value, false);
                else if (streq(key, "sort-key"))
                        r = set_field(&entry->sort_key, value, false);
                else if (streq(key, "linux") || streq(key, "efi")) {
                        r = set_field(&entry->linux_path, value, false);
                        has_kernel = true;
                } else if (streq(key, "initrd"))
                        r = set_field(&entry->initrd, value, true);
                else if (streq(key, "options"))
                        r = set_field(&entry->options, value, true);
        }
        if (ferror(f))
                r = -EIO;
        if (r == 0 && !entry->path && !(entry->path = strdup(path)))
                r = -ENOMEM;

        char layer[NODE_LV_NAME_MAX + 1];
        if (r == 0 && entry->options && node_cmdline_get(entry->options, "img.bootid", layer, sizeof layer) &&
            !(entry->layer = strdup(layer)))
                r = -ENOMEM;

        if (r < 0) {
                node_boot_entry_clear(entry);
                return node_error_set(e, -r, _("Cannot read the boot entry %s: %s."), path, strerror(-r));
        }
        if (!has_kernel) {
                node_boot_entry_clear(entry);
                return node_error_set(e, EBADMSG, _("The boot entry %s names no kernel (no \"linux\" line)."), path);
        }
        return 0;
}

void node_boot_entries_free(struct node_boot_entry *entries, size_t n) {
        for (size_t i = 0; i < n; i++)
                node_boot_entry_clear(&entries[i]);
        free(entries);
}

static int compare_optional(const char *a, const char *b) {
        return strcmp(a ? a : "", b ? b : "");
}

/* systemd-boot's menu order. rpmvercmp stands in for its version compare
 * (strverscmp_improved), which follows the same digit/letter rules. */
static int compare_entries(const void *pa, const void *pb) {
        const struct node_boot_entry *a = pa, *b = pb;
        if ((a->tries_left == 0) != (b->tries_left == 0))
                return a->tries_left == 0 ? 1 : -1;
        if ((a->sort_key != NULL) != (b->sort_key != NULL))
                return a->sort_key ? -1 : 1;
        if (a->sort_key) {
                int r = strcmp(a->sort_key, b->sort_key);
                if (r == 0)
                        r = compare_optional(a->machine_id, b->machine_id);
                if (r == 0)
                        r = -node_rpmvercmp(a->version ? a->version : "", b->version ? b->version : "");
                if (r != 0)
                        return r;
        }
        int r = -node_rpmvercmp(a->id, b->id);
        return r ? r : strcmp(a->path, b->path);
}

static bool has_conf_suffix(const char *name) {
        size_t len = strlen(name);
        return len > 5 && streq(name + len - 5, ".conf");
}

/* Appends the parseable *.conf entries of one directory to *list; entries that
 * cannot be read are skipped (a broken file must not hide the others).
 * -ENOMEM is the only error. */
static int append_entries_in_dir(const char *dir_path, struct node_boot_entry **list, size_t *count) {
        _cleanup_closedir_ DIR *dir = opendir(dir_path);
        if (!dir)
                return 0;
        struct dirent *de;
        while ((de = readdir(dir))) {
                if (de->d_name[0] == '.' || !has_conf_suffix(de->d_name))
                        continue;
                char path[PATH_MAX];
                if (snprintf(path, sizeof path, "%s/%s", dir_path, de->d_name) >= (int)sizeof path)
                        continue;
                struct node_boot_entry entry;
                if (node_boot_entry_parse(path, &entry, NULL) < 0)
                        continue;
                struct node_boot_entry *grown = realloc(*list, (*count + 1) * sizeof **list);
                if (!grown) {
                        node_boot_entry_clear(&entry);
                        return -ENOMEM;
                }
                *list = grown;
                (*list)[(*count)++] = entry;
        }
        return 0;
}

int node_boot_entries(const struct node_context *ctx, struct node_boot_entry **entries, size_t *n,
                      struct node_error *e) {
        static const char *const dirs[] = NODE_BOOT_ENTRY_DIRS;
        struct node_boot_entry *list = NULL;
        size_t count = 0;
        /* the same ESP can be reachable through two of the directories */
        dev_t seen_dev[ELEMENTSOF(dirs)] = { 0 };
        ino_t seen_ino[ELEMENTSOF(dirs)] = { 0 };
        size_t n_seen = 0;

        *entries = NULL;
        *n = 0;
        for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
                char dir_path[PATH_MAX];
                node_context_path(ctx, dirs[d], dir_path, sizeof dir_path);
                struct stat st;
                if (stat(dir_path, &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                bool duplicate = false;
                for (size_t i = 0; i < n_seen; i++)
                        duplicate |= seen_dev[i] == st.st_dev && seen_ino[i] == st.st_ino;
                if (duplicate)
                        continue;
                seen_dev[n_seen] = st.st_dev;
                seen_ino[n_seen++] = st.st_ino;

                if (append_entries_in_dir(dir_path, &list, &count) < 0) {
                        node_boot_entries_free(list, count);
                        return node_error_set(e, ENOMEM, _("Out of memory while reading boot entries."));
                }
        }
        if (count > 1)
                qsort(list, count, sizeof *list, compare_entries);
        *entries = list;
        *n = count;
        return 0;
}

/* ---- the default --------------------------------------------------------- */

/* One line of a grub environment block as grub_envblk_iterate reads it: a
 * variable runs from its name to the first newline that no '\' escapes
 * (grub-editenv writes '\' as "\\" and a newline as '\' + newline), so an
 * escaped newline continues the value rather than starting a variable. */
struct grubenv_line {
        const char *text;       /* without the final newline */
        size_t len;
        size_t name_len;        /* 0: a comment, the '#' padding or a line without '=' */
        bool terminated;        /* a newline ended it (the padding has none) */
};

/* Reads the line at p; returns where the next one starts (end when none). */
static const char *grubenv_next_line(const char *p, const char *end, struct grubenv_line *l) {
        *l = (struct grubenv_line){ .text = p };
        const char *eq = NULL, *c = p;
        if (*p != '#')
                for (; c < end && *c != '\n' && !eq; c++)
                        if (*c == '=')
                                eq = c;
        for (; c < end && *c != '\n'; c++)
                if (*c == '\\' && eq && c + 1 < end)
                        c++;
        l->len = (size_t)(c - p);
        l->name_len = eq ? (size_t)(eq - p) : 0;
        l->terminated = c < end;
        return l->terminated ? c + 1 : end;
}

static bool grubenv_line_is(const struct grubenv_line *l, const char *key, size_t key_len) {
        return l->name_len == key_len && memcmp(l->text, key, key_len) == 0;
}

int node_grubenv_get(const char *path, const char *key, char *value, size_t size, struct node_error *e) {
        static const char header[] = "# GRUB Environment Block\n";
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return node_error_set(e, errno, _("Cannot read %s: %s."), path, strerror(errno));
        /* grub-editenv writes exactly 1024 bytes; read a little more to be
         * lenient with hand-edited files */
        char block[4097];
        size_t len = fread(block, 1, sizeof block - 1, f);
        block[len] = '\0';
        if (len < sizeof header - 1 || memcmp(block, header, sizeof header - 1) != 0)
                return node_error_set(e, EBADMSG, _("%s is not a GRUB environment block."), path);

        size_t key_len = strlen(key);
        const char *end = block + len;
        struct grubenv_line l;
        for (const char *p = block + sizeof header - 1; p < end;) {
                p = grubenv_next_line(p, end, &l);
                if (!grubenv_line_is(&l, key, key_len))
                        continue;
                /* '\' takes the next byte as it is, as grub reads it */
                size_t o = 0;
                for (const char *c = l.text + key_len + 1; c < l.text + l.len; c++) {
                        if (*c == '\\' && c + 1 < l.text + l.len)
                                c++;
                        if (o + 1 >= size)
                                return node_error_set(e, ENAMETOOLONG, _("The value of %s in %s is too long."), key,
                                                      path);
                        value[o++] = *c;
                }
                value[o] = '\0';
                return 0;
        }
        return node_error_set(e, ENOENT, _("%s does not set %s."), path, key);
}

/* An EFI variable of systemd-boot holding a UTF-16 string (4 bytes of
 * attributes first).  Only ASCII is expected in entry ids. */
static bool read_efi_string(const struct node_context *ctx, const char *name, char *buf, size_t size) {
        char rel[128], path[PATH_MAX];
        snprintf(rel, sizeof rel, "/sys/firmware/efi/efivars/%s-" SYSTEMD_BOOT_VENDOR_GUID, name);
        _cleanup_fclose_ FILE *f = fopen(node_context_path(ctx, rel, path, sizeof path), "re");
        if (!f)
                return false;
        unsigned char data[4 + 2 * NODE_BOOT_ID_MAX];
        size_t len = fread(data, 1, sizeof data, f);
        size_t o = 0;
        for (size_t i = 4; i + 1 < len; i += 2) {
                uint16_t c = (uint16_t)(data[i] | data[i + 1] << 8);
                if (c == 0)
                        break;
                if (c > 0x7e || c < 0x20 || o + 1 >= size)
                        return false;
                buf[o++] = (char)c;
        }
        buf[o] = '\0';
        return o > 0;
}

/* Does name (an id, a file name, a grub saved_entry or a glob) designate the entry? */
static bool entry_matches(const struct node_boot_entry *entry, const char *name, bool glob) {
        const char *file = strrchr(entry->path, '/');
        file = file ? file + 1 : entry->path;
        char stem[NODE_BOOT_ID_MAX], id_conf[NODE_BOOT_ID_MAX + 5];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(file) - 5), file);
        snprintf(id_conf, sizeof id_conf, "%s.conf", entry->id);
        const char *candidates[] = { entry->id, id_conf, stem, file };
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
                if (glob ? fnmatch(name, candidates[i], 0) == 0 : streq(name, candidates[i]))
                        return true;
        return false;
}

static const struct node_boot_entry *find_entry(const struct node_boot_entry *entries, size_t n, const char *name,
                                                bool glob) {
        for (size_t i = 0; i < n; i++)
                if (entry_matches(&entries[i], name, glob))
                        return &entries[i];
        return NULL;
}

/* loader.conf's "default" value, from the first loader.conf found. */
static bool loader_conf_default(const struct node_context *ctx, char *buf, size_t size) {
        static const char *const confs[] = {
                "/boot/efi/loader/loader.conf", "/efi/loader/loader.conf", "/boot/loader/loader.conf",
        };
        for (size_t i = 0; i < ELEMENTSOF(confs); i++) {
                char path[PATH_MAX];
                _cleanup_fclose_ FILE *f = fopen(node_context_path(ctx, confs[i], path, sizeof path), "re");
                if (!f)
                        continue;
                _cleanup_free_ char *line = NULL;
                size_t line_size = 0;
                bool found = false;
                while (getline(&line, &line_size, f) > 0) {
                        char *p = line;
                        while (is_space(*p))
                                p++;
                        if (strncmp(p, "default", 7) != 0 || !is_space(p[7]))
                                continue;
                        p += 7;
                        while (is_space(*p))
                                p++;
                        size_t len = strlen(p);
                        while (len > 0 && is_space(p[len - 1]))
                                p[--len] = '\0';
                        /* the last "default" line wins, as in systemd-boot */
                        if (len > 0 && len < size) {
                                strcpy(buf, p);
                                found = true;
                        }
                }
                return found;
        }
        return false;
}

static const struct node_boot_entry *default_entry(const struct node_context *ctx,
                                                   const struct node_boot_entry *entries, size_t n) {
        static const char *const grubenvs[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
        char value[NODE_BOOT_ID_MAX];
        const struct node_boot_entry *found;

        if (!entries || n == 0)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(grubenvs); i++) {
                char path[PATH_MAX];
                node_context_path(ctx, grubenvs[i], path, sizeof path);
                if (node_grubenv_get(path, "saved_entry", value, sizeof value, NULL) < 0 || !value[0])
                        continue;
                if ((found = find_entry(entries, n, value, false)))
                        return found;
                for (size_t j = 0; j < n; j++)
                        if (entries[j].title && streq(entries[j].title, value))
                                return &entries[j];
                if (all_digits(value, strlen(value)) && strtoul(value, NULL, 10) < n)
                        return &entries[strtoul(value, NULL, 10)];
        }

        /* bootctl set-default writes LoaderEntryDefault; it beats loader.conf */
        if (read_efi_string(ctx, "LoaderEntryDefault", value, sizeof value) &&
            (found = find_entry(entries, n, value, true)))
                return found;
        if (loader_conf_default(ctx, value, sizeof value)) {
                if (streq(value, "@saved")) {
                        if (read_efi_string(ctx, "LoaderEntryLastBooted", value, sizeof value) &&
                            (found = find_entry(entries, n, value, false)))
                                return found;
                } else if ((found = find_entry(entries, n, value, true))) {
                        return found;
                }
        }
        return n > 0 ? &entries[0] : NULL;
}

int node_boot_default_entry(const struct node_context *ctx, char *id, size_t size, struct node_error *e) {
        struct node_boot_entry *entries;
        size_t n;
        int r = node_boot_entries(ctx, &entries, &n, e);
        if (r < 0)
                return r;
        const struct node_boot_entry *entry = default_entry(ctx, entries, n);
        if (!entry)
                r = node_error_set(e, ENOENT, _("There are no boot entries."));
        else if (strlen(entry->id) >= size)
                r = node_error_set(e, ENAMETOOLONG, _("The boot entry id %s is too long."), entry->id);
        else
                strcpy(id, entry->id);
        node_boot_entries_free(entries, n);
        return r;
}

int node_boot_default_layer(const struct node_context *ctx, char *layer, size_t size, struct node_error *e) {
        struct node_boot_entry *entries;
        size_t n;
        int r = node_boot_entries(ctx, &entries, &n, e);
        if (r < 0)
                return r;
        const struct node_boot_entry *entry = default_entry(ctx, entries, n);
        if (!entry)
                r = node_error_set(e, ENOENT, _("There are no boot entries."));
        else if (!entry->layer)
                r = node_error_set(e, ENOENT, _("The default boot entry %s boots no layer (it has no img.bootid=)."),
                                   entry->id);
        else if (strlen(entry->layer) >= size)
                r = node_error_set(e, ENAMETOOLONG, _("The layer name %s is too long."), entry->layer);
        else
                strcpy(layer, entry->layer);
        node_boot_entries_free(entries, n);
        return r;
}

/* ---- the write side ------------------------------------------------------ */

#define GRUBENV_HEADER "# GRUB Environment Block\n"
#define GRUBENV_SIZE 1024
/* what grub-editenv create (2.06) writes after the header */
#define GRUBENV_WARNING "# WARNING: Do not edit this file by tools other than grub-editenv!!!\n"

static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
static const char *const esp_dirs[] = { "/boot/efi", "/efi", "/boot" };
static const char *const layer_file_dirs[] = { "/boot", "/boot/efi", "/efi" };

static bool is_regular_file(const char *path) {
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* What existing entries in dir put before "/<layer>/": "/boot" when /boot is
 * not a filesystem of its own, else nothing. */
static void detect_path_prefix(const char *entries_dir, char *prefix, size_t size) {
        struct node_boot_entry *list = NULL;
        size_t count = 0;
        bool under_boot = append_entries_in_dir(entries_dir, &list, &count) == 0 && count > 0 &&
                          startswith(list[0].linux_path, "/boot/");
        node_boot_entries_free(list, count);
        snprintf(prefix, size, "%s", under_boot ? "/boot" : "");
}

int node_boot_detect(const struct node_context *ctx, struct node_boot_setup *setup, struct node_error *e) {
        *setup = (struct node_boot_setup){ .loader = NODE_BOOT_LOADER_UNKNOWN };
        for (size_t i = 0; i < ELEMENTSOF(grubenv_paths); i++) {
                node_context_path(ctx, grubenv_paths[i], setup->config, sizeof setup->config);
                if (!is_regular_file(setup->config))
                        continue;
                setup->loader = NODE_BOOT_LOADER_GRUB;
                node_context_path(ctx, "/boot", setup->boot_dir, sizeof setup->boot_dir);
                node_context_path(ctx, "/boot/loader/entries", setup->entries_dir, sizeof setup->entries_dir);
                detect_path_prefix(setup->entries_dir, setup->path_prefix, sizeof setup->path_prefix);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(esp_dirs); i++) {
                char conf[PATH_MAX];
                snprintf(conf, sizeof conf, "%s/loader/loader.conf", esp_dirs[i]);
                node_context_path(ctx, conf, setup->config, sizeof setup->config);
                if (!is_regular_file(setup->config))
                        continue;
                setup->loader = NODE_BOOT_LOADER_SYSTEMD_BOOT;
                node_context_path(ctx, esp_dirs[i], setup->boot_dir, sizeof setup->boot_dir);
                if (snprintf(setup->entries_dir, sizeof setup->entries_dir, "%s/loader/entries", setup->boot_dir) >=
                    (int)sizeof setup->entries_dir)
                        return node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), setup->boot_dir);
                return 0;
        }
        setup->config[0] = '\0';
        return node_error_set(e, ENOENT,
                              _("No boot loader configuration was found (no grubenv in /boot/grub2 or /boot/grub, "
                                "no loader.conf on the ESP)."));
}

static int fsync_directory_of(const char *path) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (!slash)
                snprintf(dir, sizeof dir, ".");
        else if (slash == dir)
                dir[1] = '\0';
        else
                *slash = '\0';
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

/* A temporary file beside path: "<dir>/.<name>.XXXXXX". */
static int open_temp_beside(const char *path, char *temp, size_t size, unsigned mode) {
        const char *slash = strrchr(path, '/');
        int dir_len = slash ? (int)(slash - path + 1) : 0;
        if (snprintf(temp, size, "%.*s.%s.XXXXXX", dir_len, path, slash ? slash + 1 : path) >= (int)size)
                return -ENAMETOOLONG;
        int fd = mkostemp(temp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fchmod(fd, mode) < 0) {
                int r = -errno;
                close(fd);
                unlink(temp);
                return r;
        }
        return fd;
}

static int write_all(int fd, const void *data, size_t len) {
        const char *p = data;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* fsync, close and rename the temporary file over path; removes it on failure. */
static int commit_temp(int fd, const char *temp, const char *path) {
        int r = 0;
        if (fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(temp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(temp);
                return r;
        }
        /* the rename itself must survive a power cut too */
        return fsync_directory_of(path);
}

int node_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode, struct node_error *e) {
        char temp[PATH_MAX];
        int fd = open_temp_beside(path, temp, sizeof temp, mode);
        if (fd < 0)
                return node_error_set(e, -fd, _("Cannot write %s: %s."), path, strerror(-fd));
        int r = write_all(fd, data, len);
        if (r < 0) {
                close(fd);
                unlink(temp);
                return node_error_set(e, -r, _("Cannot write %s: %s."), path, strerror(-r));
        }
        r = commit_temp(fd, temp, path);
        if (r < 0)
                return node_error_set(e, -r, _("Cannot write %s: %s."), path, strerror(-r));
        return 0;
}

static int copy_file_atomic(const char *source, const char *target, struct node_error *e) {
        _cleanup_close_ int in = open(source, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return node_error_set(e, errno, _("Cannot read %s: %s."), source, strerror(errno));
        char temp[PATH_MAX];
        int fd = open_temp_beside(target, temp, sizeof temp, 0644);
        if (fd < 0)
                return node_error_set(e, -fd, _("Cannot write %s: %s."), target, strerror(-fd));
        char buf[65536];
        int r = 0;
        for (;;) {
                ssize_t n = read(in, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                if ((r = write_all(fd, buf, (size_t)n)) < 0)
                        break;
        }
        if (r < 0) {
                close(fd);
                unlink(temp);
                return node_error_set(e, -r, _("Cannot copy %s to %s: %s."), source, target, strerror(-r));
        }
        r = commit_temp(fd, temp, target);
        if (r < 0)
                return node_error_set(e, -r, _("Cannot copy %s to %s: %s."), source, target, strerror(-r));
        return 0;
}

/* Reads a whole small file; *text is NUL-terminated.  -ENOENT when absent. */
static int read_text_file(const char *path, size_t max, char **text, size_t *len) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        _cleanup_free_ char *buf = malloc(max + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = fread(buf, 1, max + 1, f);
        if (ferror(f))
                return -EIO;
        if (n > max)
                return -EFBIG;
        buf[n] = '\0';
        *text = TAKE_PTR(buf);
        *len = n;
        return 0;
}

/* Appends "key=value\n" at *o with grub-editenv's escaping ('\' before '\'
 * and newline); false when it does not fit in room bytes. */
static bool grubenv_put(char *block, size_t room, size_t *o, const char *key, const char *value) {
        size_t n = *o;
        for (const char *c = key; *c; c++)
                if (n < room)
                        block[n++] = *c;
        if (n < room)
                block[n++] = '=';
        for (const char *c = value; *c && n < room; c++) {
                if (*c == '\\' || *c == '\n')
                        block[n++] = '\\';
                if (n < room)
                        block[n++] = *c;
        }
        if (n >= room)
                return false;
        block[n++] = '\n';
        *o = n;
        return true;
}

/* An odd run of '\\' at the end: the newline we would add after it would
 * join the next line to this one. */
static bool grubenv_ends_in_escape(const struct grubenv_line *l) {
        size_t n = 0;
        while (n < l->len && l->text[l->len - 1 - n] == '\\')
                n++;
        return n % 2 == 1;
}

#define GRUBENV_SET_MAX 8

int node_grubenv_set_many(const char *path, const char *const *keys, const char *const *values, size_t n,
                          struct node_error *e) {
        if (n > GRUBENV_SET_MAX)
                return node_error_set(e, E2BIG, _("Too many GRUB environment variables at once."));
        for (size_t i = 0; i < n; i++)
                if (!keys[i][0] || strchr(keys[i], '=') || strchr(keys[i], '\n') || keys[i][0] == '#')
                        return node_error_set(e, EINVAL, _("\"%s\" cannot be a GRUB environment variable name."),
                                              keys[i]);

        _cleanup_free_ char *old = NULL;
        size_t old_len = 0, block_size = GRUBENV_SIZE;
        int r = read_text_file(path, 65536, &old, &old_len);
        if (r < 0 && r != -ENOENT)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        if (old) {
                if (old_len < sizeof GRUBENV_HEADER - 1 || memcmp(old, GRUBENV_HEADER, sizeof GRUBENV_HEADER - 1) != 0)
                        return node_error_set(e, EBADMSG, _("%s is not a GRUB environment block."), path);
                /* a NUL ends grub's reading of a line but not ours of the block: what
                 * we wrote after it could not be read back the same way, so refuse */
                if (memchr(old, '\0', old_len))
                        return node_error_set(e, EBADMSG,
                                              _("%s is damaged (it holds a NUL byte): not changing it; "
                                                "\"grub-editenv %s create\" makes a new one."),
                                              path, path);
                /* grub keeps whatever size the block has; a shorter one is a hand edit */
                if (old_len > block_size)
                        block_size = old_len;
        }

        _cleanup_free_ char *block = malloc(block_size);
        if (!block)
                return node_error_set(e, ENOMEM, _("Out of memory while writing %s."), path);
        size_t o = sizeof GRUBENV_HEADER - 1;
        memcpy(block, GRUBENV_HEADER, o);
        if (!old) {
                memcpy(block + o, GRUBENV_WARNING, sizeof GRUBENV_WARNING - 1);
                o += sizeof GRUBENV_WARNING - 1;
        }
        bool replaced[GRUBENV_SET_MAX] = { false }, fits = true;

        /* grub-editenv replaces a key in place and appends a new one */
        const char *end = old ? old + old_len : NULL;
        struct grubenv_line l;
        for (const char *p = old ? old + o : NULL; p && p < end && fits;) {
                p = grubenv_next_line(p, end, &l);
                /* the '#' run without a newline at the end is padding; '#' lines are comments grub keeps */
                if (l.len == 0 || (l.text[0] == '#' && !l.terminated))
                        continue;
                size_t k = 0;
                while (k < n && !grubenv_line_is(&l, keys[k], strlen(keys[k])))
                        k++;
                if (k < n) {
                        if (!replaced[k] && values[k])
                                fits = grubenv_put(block, block_size, &o, keys[k], values[k]);
                        replaced[k] = true;
                        continue;
                }
                if (!l.terminated && grubenv_ends_in_escape(&l))
                        return node_error_set(e, EBADMSG,
                                              _("%s is damaged (its last line ends in an unfinished escape): not "
                                                "changing it; \"grub-editenv %s create\" makes a new one."),
                                              path, path);
                if (o + l.len + 1 > block_size)
                        fits = false;
                else {
                        memcpy(block + o, l.text, l.len);
                        o += l.len;
                        block[o++] = '\n';
                }
        }
        for (size_t k = 0; k < n && fits; k++)
                if (!replaced[k] && values[k])
                        fits = grubenv_put(block, block_size, &o, keys[k], values[k]);
        if (!fits)
                return node_error_set(e, ENOSPC, _("The GRUB environment block %s has no room left for %s."), path,
                                      keys[0]);
        memset(block + o, '#', block_size - o);
        return node_write_file_atomic(path, block, block_size, 0644, e);
}

int node_grubenv_set(const char *path, const char *key, const char *value, struct node_error *e) {
        return node_grubenv_set_many(path, &key, &value, 1, e);
}

int node_loader_conf_set_default(const char *path, const char *value, struct node_error *e) {
        if (!value[0] || strpbrk(value, "\n\r"))
                return node_error_set(e, EINVAL, _("\"%s\" cannot be a loader.conf default."), value);
        _cleanup_free_ char *old = NULL;
        size_t old_len = 0;
        int r = read_text_file(path, 1 << 20, &old, &old_len);
        if (r < 0 && r != -ENOENT)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));

        size_t room = old_len + strlen(value) + 16;
        _cleanup_free_ char *text = malloc(room);
        if (!text)
                return node_error_set(e, ENOMEM, _("Out of memory while writing %s."), path);
        size_t o = 0;
        bool written = false;
        for (char *line = old; line && *line;) {
                char *end = strchrnul(line, '\n');
                size_t len = (size_t)(end - line);
                char *next = *end ? end + 1 : NULL;
                const char *p = line;
                while (p < line + len && is_space(*p))
                        p++;
                bool is_default = strncmp(p, "default", 7) == 0 && p + 7 < line + len && is_space(p[7]);
                if (is_default) {
                        /* the last line would win: one line is left */
                        if (!written)
                                o += (size_t)sprintf(text + o, "default %s\n", value);
                        written = true;
                } else {
                        memcpy(text + o, line, len);
                        o += len;
                        text[o++] = '\n';
                }
                line = next;
        }
        if (!written)
                o += (size_t)sprintf(text + o, "default %s\n", value);
        return node_write_file_atomic(path, text, o, 0644, e);
}

/* An rd.lvm.lv=VG/LV that names a layer (NVR+N) or the old bootid. */
static bool names_layer_volume(const char *word, const char *old_bootid) {
        const char *slash = strchr(word + strlen("rd.lvm.lv="), '/');
        if (!slash)
                return false;
        const char *lv = slash + 1;
        return (old_bootid && streq(lv, old_bootid)) || node_layer_name_parse(lv, NULL, 0, NULL, NULL) == 0;
}

int node_boot_options_for_layer(const char *other, const char *vg, const char *layer, char **out) {
        char old_bootid[NODE_LV_NAME_MAX + 1];
        bool has_old = other && node_cmdline_get(other, "img.bootid", old_bootid, sizeof old_bootid);
        size_t room = (other ? strlen(other) : 0) + 3 * strlen(layer) + 2 * strlen(vg) + 64;
        _cleanup_free_ char *text = malloc(room);
        if (!text)
                return -ENOMEM;
        size_t o = (size_t)snprintf(text, room, "root=/dev/%s/%s rd.lvm.lv=%s/%s img.bootid=%s", vg, layer, vg,
                                    layer, layer);
        for (const char *p = other ? other : ""; *p;) {
                while (is_space(*p))
                        p++;
                if (!*p)
                        break;
                const char *start = p;
                bool quoted = false;
                for (; *p && (quoted || !is_space(*p)); p++)
                        if (*p == '"')
                                quoted = !quoted;
                size_t len = (size_t)(p - start);
                char word[4096];
                snprintf(word, sizeof word, "%.*s", (int)len, start);
                const char *bare = word[0] == '"' ? word + 1 : word;
                if (startswith(bare, "root=") || startswith(bare, "img.bootid=") || startswith(bare, "BOOT_IMAGE=") ||
                    (startswith(bare, "rd.lvm.lv=") && names_layer_volume(bare, has_old ? old_bootid : NULL)))
                        continue;
                text[o++] = ' ';
                memcpy(text + o, start, len);
                o += len;
                text[o] = '\0';
        }
        *out = TAKE_PTR(text);
        return 0;
}

static int mkdir_parents(const char *path, unsigned mode) {
        char buf[PATH_MAX];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *slash = buf + 1; (slash = strchr(slash, '/')); slash++) {
                *slash = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *slash = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

bool node_boot_running_id(const struct node_context *ctx, char *id, size_t size) {
        char path[PATH_MAX];
        _cleanup_free_ char *cmdline = NULL;
        size_t len;
        return read_text_file(node_context_path(ctx, "/proc/cmdline", path, sizeof path), 65536, &cmdline, &len) == 0 &&
               node_cmdline_get(cmdline, "img.bootid", id, size);
}

/* Options of the entry the node booted (img.bootid on the command line), else the default's. */
static char *current_options(const struct node_context *ctx) {
        struct node_boot_entry *entries;
        size_t n;
        if (node_boot_entries(ctx, &entries, &n, NULL) < 0)
                return NULL;
        const struct node_boot_entry *pick = NULL;
        char bootid[NODE_LV_NAME_MAX + 1];
        if (node_boot_running_id(ctx, bootid, sizeof bootid))
                for (size_t i = 0; !pick && i < n; i++)
                        if (entries[i].layer && streq(entries[i].layer, bootid))
                                pick = &entries[i];
        if (!pick)
                pick = default_entry(ctx, entries, n);
        char *options = pick && pick->options ? strdup(pick->options) : NULL;
        node_boot_entries_free(entries, n);
        return options;
}

int node_boot_entry_write(const struct node_context *ctx, const struct node_boot_entry_spec *spec, char *id,
                          size_t size, struct node_error *e) {
        if (!spec->vg || !node_lv_name_valid(spec->vg))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid volume group name."), spec->vg ? spec->vg : "");
        if (!spec->layer || !node_lv_name_valid(spec->layer))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid layer name."), spec->layer ? spec->layer : "");
        const char *kver = spec->kernel_version;
        if (!kver || !node_lv_name_valid(kver) || all_digits(kver, strlen(kver)))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid kernel version."), kver ? kver : "");
        if (!spec->kernel)
                return node_error_set(e, EINVAL, _("A boot entry needs a kernel."));

        struct node_boot_setup setup;
        int r = node_boot_detect(ctx, &setup, e);
        if (r < 0)
                return r;

        char layer_dir[PATH_MAX], kernel[PATH_MAX], initrd[PATH_MAX], entry_path[PATH_MAX], entry_id[NODE_BOOT_ID_MAX];
        if (snprintf(layer_dir, sizeof layer_dir, "%s/%s", setup.boot_dir, spec->layer) >= (int)sizeof layer_dir ||
            snprintf(kernel, sizeof kernel, "%s/vmlinuz-%s", layer_dir, kver) >= (int)sizeof kernel ||
            snprintf(initrd, sizeof initrd, "%s/initramfs-%s.img", layer_dir, kver) >= (int)sizeof initrd ||
            snprintf(entry_id, sizeof entry_id, "%s-%s", spec->layer, kver) >= (int)sizeof entry_id ||
            strlen(entry_id) >= size ||
            snprintf(entry_path, sizeof entry_path, "%s/%s.conf", setup.entries_dir, entry_id) >= (int)sizeof entry_path)
                return node_error_set(e, ENAMETOOLONG, _("The boot entry paths for %s are too long."), spec->layer);

        if ((r = mkdir_parents(layer_dir, 0755)) < 0 || (r = mkdir_parents(setup.entries_dir, 0755)) < 0)
                return node_error_set(e, -r, _("Cannot create the boot directories in %s: %s."), setup.boot_dir,
                                      strerror(-r));
        if ((r = copy_file_atomic(spec->kernel, kernel, e)) < 0)
                return r;
        if (spec->initrd && (r = copy_file_atomic(spec->initrd, initrd, e)) < 0)
                return r;

        _cleanup_free_ char *other = spec->options ? strdup(spec->options) : current_options(ctx);
        _cleanup_free_ char *options = NULL;
        if (node_boot_options_for_layer(other, spec->vg, spec->layer, &options) < 0)
                return node_error_set(e, ENOMEM, _("Out of memory while writing the boot entry of %s."), spec->layer);

        _cleanup_free_ char *text = NULL;
        int len;
        if (spec->initrd)
                len = asprintf(&text, "title %s\nversion %s\nlinux %s/%s/vmlinuz-%s\ninitrd %s/%s/initramfs-%s.img\noptions %s\n",
                               spec->title ? spec->title : spec->layer, kver, setup.path_prefix, spec->layer, kver,
                               setup.path_prefix, spec->layer, kver, options);
        else
                len = asprintf(&text, "title %s\nversion %s\nlinux %s/%s/vmlinuz-%s\noptions %s\n",
                               spec->title ? spec->title : spec->layer, kver, setup.path_prefix, spec->layer, kver,
                               options);
        if (len < 0) {
                text = NULL;
                return node_error_set(e, ENOMEM, _("Out of memory while writing the boot entry of %s."), spec->layer);
        }
        if ((r = node_write_file_atomic(entry_path, text, (size_t)len, 0644, e)) < 0)
                return r;
        strcpy(id, entry_id);
        return 0;
}

int node_boot_entry_find(const struct node_context *ctx, const char *layer, struct node_boot_entry *entry,
                         struct node_error *e) {
        *entry = (struct node_boot_entry){ .tries_left = -1, .tries_done = -1 };
        struct node_boot_entry *entries;
        size_t n;
        int r = node_boot_entries(ctx, &entries, &n, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (entries[i].layer && streq(entries[i].layer, layer)) {
                        *entry = entries[i];
                        entries[i] = (struct node_boot_entry){ .tries_left = -1, .tries_done = -1 };
                        node_boot_entries_free(entries, n);
                        return 0;
                }
        node_boot_entries_free(entries, n);
        return node_error_set(e, ENOENT, _("Layer %s has no boot entry."), layer);
}

/* bootctl set-default stores LoaderEntryDefault, which beats loader.conf:
 * writing loader.conf would then change nothing systemd-boot does. */
static int check_no_efi_default(const struct node_context *ctx, struct node_error *e) {
        char value[NODE_BOOT_ID_MAX];
        if (read_efi_string(ctx, "LoaderEntryDefault", value, sizeof value))
                return node_error_set(e, EBUSY,
                                      _("The EFI variable LoaderEntryDefault (\"%s\", set by bootctl set-default) "
                                        "overrides loader.conf; remove it first with: bootctl set-default \"\"."),
                                      value);
        return 0;
}

int node_boot_set_default(const struct node_context *ctx, const char *layer, struct node_error *e) {
        struct node_boot_entry entry;
        int r = node_boot_entry_find(ctx, layer, &entry, e);
        if (r < 0)
                return r;
        struct node_boot_setup setup;
        r = node_boot_detect(ctx, &setup, e);
        if (r == 0 && setup.loader == NODE_BOOT_LOADER_GRUB) {
                r = node_grubenv_set(setup.config, "saved_entry", entry.id, e);
        } else if (r == 0 && (r = check_no_efi_default(ctx, e)) == 0) {
                /* the file name, so a boot-counted "+N" name is still matched */
                const char *file = strrchr(entry.path, '/');
                r = node_loader_conf_set_default(setup.config, file ? file + 1 : entry.path, e);
        }
        node_boot_entry_clear(&entry);
        return r;
}

/* ---- boot counting --------------------------------------------------------- */

static bool is_glob_char(char c) { return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'; }

/* Does pattern match the entry id, with or without a counter and ".conf",
 * the way systemd-boot matches it against the file name? */
static bool pattern_matches_id(const char *pattern, const char *id) {
        char counted[NODE_BOOT_ID_MAX + 16], plain[NODE_BOOT_ID_MAX + 8];
        snprintf(counted, sizeof counted, "%s+1-1.conf", id);
        snprintf(plain, sizeof plain, "%s.conf", id);
        return fnmatch(pattern, counted, 0) == 0 || fnmatch(pattern, plain, 0) == 0;
}

int node_boot_trial_pattern(const char *trial, const char *fallback, const char *const *ids, size_t n, char *pattern,
                            size_t size) {
        size_t a = strlen(trial), b = strlen(fallback);
        for (const char *c = trial; *c; c++)
                if (is_glob_char(*c))
                        return -EINVAL;
        for (const char *c = fallback; *c; c++)
                if (is_glob_char(*c))
                        return -EINVAL;
        if (streq(trial, fallback))
                return -EINVAL;

        char buf[4 * NODE_BOOT_ID_MAX + 16];
        size_t o = 0;
        if (a == b && a < NODE_BOOT_ID_MAX) {
                /* same length: a class where they differ ("...+[21]-6.1...") */
                for (size_t i = 0; i < a; i++) {
                        if (trial[i] == fallback[i])
                                buf[o++] = trial[i];
                        else
                                o += (size_t)sprintf(buf + o, "[%c%c]", trial[i], fallback[i]);
                }
        } else {
                size_t prefix = 0, suffix = 0;
                while (prefix < a && prefix < b && trial[prefix] == fallback[prefix])
                        prefix++;
                while (suffix < a - prefix && suffix < b - prefix &&
                       trial[a - 1 - suffix] == fallback[b - 1 - suffix])
                        suffix++;
                if (prefix + suffix + 2 >= sizeof buf - 8)
                        return -EINVAL;
                o = (size_t)sprintf(buf, "%.*s*%s", (int)prefix, trial, trial + a - suffix);
        }
        /* then ".conf" or a counter "+LEFT-DONE.conf" */
        strcpy(buf + o, "[+.]*");

        if (!pattern_matches_id(buf, trial) || !pattern_matches_id(buf, fallback))
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!streq(ids[i], trial) && !streq(ids[i], fallback) && pattern_matches_id(buf, ids[i]))
                        return -EINVAL;
        if (strlen(buf) >= size)
                return -ENAMETOOLONG;
        strcpy(pattern, buf);
        return 0;
}

/* grub counts with grubenv, as Fedora's grub.cfg does: while boot_success is
 * 0 each boot takes one from boot_counter, and at 0 grub boots the next entry
 * of its menu instead; the health check of a good boot sets boot_success=1
 * and unsets boot_counter (node_boot_mark_good). */
static int grub_set_default_trial(const struct node_context *ctx, const struct node_boot_setup *setup,
                                  const char *layer, int tries, struct node_error *e) {
        char current[NODE_BOOT_ID_MAX];
        int r = node_boot_default_layer(ctx, current, sizeof current, NULL);
        if (r == 0 && streq(current, layer))
                return node_error_set(e, EALREADY, _("Layer %s is already the boot default."), layer);
        if (r < 0)
                return node_error_set(e, ENOENT, _("There is no default layer to fall back to if %s fails."), layer);
        struct node_boot_entry entry;
        if ((r = node_boot_entry_find(ctx, layer, &entry, e)) < 0)
                return r;
        char counter[4];
        snprintf(counter, sizeof counter, "%d", tries);
        /* one write: the counter never applies to the entry booted before */
        const char *keys[] = { "saved_entry", "boot_counter", "boot_success" };
        const char *values[] = { entry.id, counter, "0" };
        r = node_grubenv_set_many(setup->config, keys, values, ELEMENTSOF(keys), e);
        node_boot_entry_clear(&entry);
        return r;
}

int node_boot_mark_good(const struct node_context *ctx, struct node_error *e) {
        struct node_boot_setup setup;
        if (node_boot_detect(ctx, &setup, NULL) < 0 || setup.loader != NODE_BOOT_LOADER_GRUB)
                return 0;
        char counter[32], success[32];
        bool counting = node_grubenv_get(setup.config, "boot_counter", counter, sizeof counter, NULL) == 0;
        bool marked = node_grubenv_get(setup.config, "boot_success", success, sizeof success, NULL) == 0 &&
                      streq(success, "1");
        if (!counting && marked)
                return 0;
        const char *keys[] = { "boot_success", "boot_counter" };
        const char *values[] = { "1", NULL };
        return node_grubenv_set_many(setup.config, keys, values, ELEMENTSOF(keys), e);
}

int node_boot_set_default_trial(const struct node_context *ctx, const char *layer, int tries, struct node_error *e) {
        if (tries < 1 || tries > 9)
                return node_error_set(e, ERANGE, _("The number of tries must be between 1 and 9, not %d."), tries);
        struct node_boot_setup setup;
        int r = node_boot_detect(ctx, &setup, e);
        if (r < 0)
                return r;
        if (setup.loader == NODE_BOOT_LOADER_GRUB)
                return grub_set_default_trial(ctx, &setup, layer, tries, e);
        if ((r = check_no_efi_default(ctx, e)) < 0)
                return r;

        struct node_boot_entry *entries;
        size_t n;
        if ((r = node_boot_entries(ctx, &entries, &n, e)) < 0)
                return r;
        const struct node_boot_entry *current = default_entry(ctx, entries, n), *trial = NULL;
        for (size_t i = 0; !trial && i < n; i++)
                if (entries[i].layer && streq(entries[i].layer, layer))
                        trial = &entries[i];
        _cleanup_free_ const char **ids = calloc(n ? n : 1, sizeof *ids);
        for (size_t i = 0; ids && i < n; i++)
                ids[i] = entries[i].id;

        /* where the trial entry will sort once it is counted */
        bool trial_first = false;
        if (trial && current) {
                struct node_boot_entry counted = *trial;
                counted.tries_left = tries;
                trial_first = compare_entries(&counted, current) < 0;
        }

        char pattern[NODE_BOOT_ID_MAX * 4], path[PATH_MAX];
        if (!ids)
                r = node_error_set(e, ENOMEM, _("Out of memory while reading boot entries."));
        else if (!trial)
                r = node_error_set(e, ENOENT, _("Layer %s has no boot entry."), layer);
        else if (!current || !current->layer)
                r = node_error_set(e, ENOENT, _("There is no default layer to fall back to if %s fails."), layer);
        else if (streq(current->layer, layer))
                r = node_error_set(e, EALREADY, _("Layer %s is already the boot default."), layer);
        else if (!trial_first)
                r = node_error_set(e, EINVAL,
                                   _("Layer %s comes after %s in the boot menu, so systemd-boot could not fall back "
                                     "from it; make it the default without tries."),
                                   layer, current->layer);
        else if (node_boot_trial_pattern(trial->id, current->id, ids, n, pattern, sizeof pattern) < 0)
                r = node_error_set(e, EINVAL,
                                   _("No loader.conf pattern matches only the boot entries of %s and %s."), layer,
                                   current->layer);
        else {
                /* the counter first: until loader.conf changes, the old default still boots */
                const char *slash = strrchr(trial->path, '/');
                if (snprintf(path, sizeof path, "%.*s/%s+%d.conf", (int)(slash - trial->path), trial->path, trial->id,
                             tries) >= (int)sizeof path)
                        r = node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), trial->path);
                else if (!streq(path, trial->path) && rename(trial->path, path) < 0)
                        r = node_error_set(e, errno, _("Cannot rename the boot entry %s: %s."), trial->path,
                                           strerror(errno));
                else {
                        fsync_directory_of(path);
                        r = node_loader_conf_set_default(setup.config, pattern, e);
                }
        }
        node_boot_entries_free(entries, n);
        return r;
}

/* The first line of a small text file, without its newline; "" when unreadable. */
static void read_first_line(const char *path, char *buf, size_t size) {
        buf[0] = '\0';
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f || !fgets(buf, (int)size, f))
                return;
        buf[strcspn(buf, "\r\n")] = '\0';
}

int node_boot_last_fallback(const struct node_context *ctx, struct node_boot_fallback *fb, struct node_error *e) {
        *fb = (struct node_boot_fallback){ .tries = 0 };
        char path[PATH_MAX];
        _cleanup_free_ char *cmdline = NULL;
        size_t len;
        if (read_text_file(node_context_path(ctx, "/proc/cmdline", path, sizeof path), 65536, &cmdline, &len) < 0 ||
            !node_cmdline_get(cmdline, "img.bootid", fb->booted_layer, sizeof fb->booted_layer))
                return 0;

        struct node_boot_entry *entries;
        size_t n;
        int r = node_boot_entries(ctx, &entries, &n, e);
        if (r < 0)
                return r;
        char pattern[NODE_BOOT_ID_MAX];
        bool have_pattern = read_efi_string(ctx, "LoaderEntryDefault", pattern, sizeof pattern) ||
                            loader_conf_default(ctx, pattern, sizeof pattern);
        /* the menu puts entries out of tries last: the first of them the default
         * names (or the first one at all without a default) is what was skipped */
        for (size_t i = 0; have_pattern && i < n && !fb->fell_back; i++) {
                const struct node_boot_entry *x = &entries[i];
                if (x->tries_left != 0 || !x->layer || streq(x->layer, fb->booted_layer) ||
                    !entry_matches(x, pattern, true))
                        continue;
                fb->fell_back = true;
                snprintf(fb->from_layer, sizeof fb->from_layer, "%s", x->layer);
                fb->tries = x->tries_done;
                char rel[PATH_MAX];
                snprintf(rel, sizeof rel, NODE_HEALTH_RECORD_DIR "/%s", x->layer);
                read_first_line(node_context_path(ctx, rel, path, sizeof path), fb->reason, sizeof fb->reason);
        }
        node_boot_entries_free(entries, n);
        return 0;
}

int node_boot_list(const struct node_context *ctx, struct node_boot_entry **entries, size_t *n,
                   long *default_index, struct node_error *e) {
        int r = node_boot_entries(ctx, entries, n, e);
        if (r < 0)
                return r;
        const struct node_boot_entry *d = default_entry(ctx, *entries, *n);
        *default_index = d ? (long)(d - *entries) : -1;
        return 0;
}

/* Removes the files of dir and dir itself; what is not there is fine. */
static int remove_flat_dir(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        return -errno;
        }
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int node_boot_entry_remove(const struct node_context *ctx, const char *layer, struct node_error *e) {
        if (!node_lv_name_valid(layer))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid layer name."), layer);
        struct node_boot_entry *entries;
        size_t n;
        int r = node_boot_entries(ctx, &entries, &n, e);
        if (r < 0)
                return r;
        for (size_t i = 0; r == 0 && i < n; i++) {
                if (!entries[i].layer || !streq(entries[i].layer, layer))
                        continue;
                if (unlink(entries[i].path) < 0 && errno != ENOENT)
                        r = node_error_set(e, errno, _("Cannot remove the boot entry %s: %s."), entries[i].path,
                                           strerror(errno));
                else
                        fsync_directory_of(entries[i].path);
        }
        node_boot_entries_free(entries, n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(layer_file_dirs); i++) {
                char rel[PATH_MAX], dir[PATH_MAX];
                snprintf(rel, sizeof rel, "%s/%s", layer_file_dirs[i], layer);
                node_context_path(ctx, rel, dir, sizeof dir);
                if ((r = remove_flat_dir(dir)) < 0)
                        return node_error_set(e, -r, _("Cannot remove the kernel files in %s: %s."), dir,
                                              strerror(-r));
        }
        return 0;
}

int node_boot_health_record_write(const struct node_context *ctx, const char *layer, const char *text,
                                  struct node_error *e) {
        if (!node_lv_name_valid(layer))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid layer name."), layer);
        char dir[PATH_MAX], path[PATH_MAX];
        node_context_path(ctx, NODE_HEALTH_RECORD_DIR, dir, sizeof dir);
        if (snprintf(path, sizeof path, "%s/%s", dir, layer) >= (int)sizeof path)
                return node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), dir);
        if (!text) {
                if (unlink(path) < 0 && errno != ENOENT)
                        return node_error_set(e, errno, _("Cannot remove %s: %s."), path, strerror(errno));
                return 0;
        }
        int r = mkdir_parents(dir, 0755);
        if (r < 0)
                return node_error_set(e, -r, _("Cannot create %s: %s."), dir, strerror(-r));
        return node_write_file_atomic(path, text, strlen(text), 0644, e);
}
