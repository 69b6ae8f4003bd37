/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boot.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "nvr.h"
#include "util.h"

#define SYSTEMD_BOOT_VENDOR_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool node_cmdline_get(const char *cmdline, const char *key, char *buf, size_t size) {
        size_t key_len = strlen(key);
        bool found = false;
        char word[4096];

        for (const char *p = cmdline; p && *p;) {
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
        *entry = (struct node_boot_entry){ .tries_left = -1 };
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

/* "NAME+LEFT[-DONE].conf" -> id NAME, tries_left LEFT (systemd-boot's boot
 * counting); anything else keeps its whole stem. */
static void entry_id_from_file(const char *file, char *id, size_t size, int *tries_left) {
        size_t len = strlen(file);
        if (len > 5 && streq(file + len - 5, ".conf"))
                len -= 5;
        *tries_left = -1;

        const char *plus = memrchr(file, '+', len);
        if (plus && plus != file) {
                const char *left = plus + 1;
                const char *dash = memchr(left, '-', (size_t)(file + len - left));
                size_t left_len = dash ? (size_t)(dash - left) : (size_t)(file + len - left);
                bool counted = all_digits(left, left_len) &&
                               (!dash || all_digits(dash + 1, (size_t)(file + len - dash - 1)));
                if (counted && left_len < 6) {
                        *tries_left = atoi(left);
                        len = (size_t)(plus - file);
                }
        }
        snprintf(id, size, "%.*s", (int)len, file);
}

int node_boot_entry_parse(const char *path, struct node_boot_entry *entry, struct node_error *e) {
        *entry = (struct node_boot_entry){ .tries_left = -1 };
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return node_error_set(e, errno, _("Cannot read the boot entry %s: %s."), path, strerror(errno));

        const char *file = strrchr(path, '/');
        entry_id_from_file(file ? file + 1 : path, entry->id, sizeof entry->id, &entry->tries_left);

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

int node_boot_entries(const struct node_context *ctx, struct node_boot_entry **entries, size_t *n,
                      struct node_error *e) {
        static const char *const dirs[] = NODE_BOOT_ENTRY_DIRS;
        struct node_boot_entry *list = NULL;
        size_t count = 0;
        /* the same ESP can be reachable through two of the directories */
        dev_t seen_dev[ELEMENTSOF(dirs)];
        ino_t seen_ino[ELEMENTSOF(dirs)];
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

                _cleanup_closedir_ DIR *dir = opendir(dir_path);
                if (!dir)
                        continue;
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
                        struct node_boot_entry *grown = realloc(list, (count + 1) * sizeof *list);
                        if (!grown) {
                                node_boot_entry_clear(&entry);
                                node_boot_entries_free(list, count);
                                return node_error_set(e, ENOMEM, _("Out of memory while reading boot entries."));
                        }
                        list = grown;
                        list[count++] = entry;
                }
        }
        if (count > 1)
                qsort(list, count, sizeof *list, compare_entries);
        *entries = list;
        *n = count;
        return 0;
}

/* ---- the default --------------------------------------------------------- */

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
        for (char *line = block + sizeof header - 1; line && *line;) {
                char *end = strchr(line, '\n');
                if (end)
                        *end = '\0';
                if (line[0] != '#' && strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
                        /* grub-editenv escapes '\' and newlines with '\' */
                        size_t o = 0;
                        for (const char *c = line + key_len + 1; *c; c++) {
                                char out = *c;
                                if (*c == '\\' && c[1]) {
                                        c++;
                                        out = *c == 'n' ? '\n' : *c;
                                }
                                if (o + 1 >= size)
                                        return node_error_set(e, ENAMETOOLONG, _("The value of %s in %s is too long."),
                                                              key, path);
                                value[o++] = out;
                        }
                        value[o] = '\0';
                        return 0;
                }
                line = end ? end + 1 : NULL;
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
