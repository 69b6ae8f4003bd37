/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A file browser for a node image: the mounted media first (a DVD, a USB
 * stick), then the folder's subfolders and its files, node images marked.
 * Enter opens a folder or picks a file, Backspace goes up.  Names are shown
 * escaped where they are not text; the path handed back is the real bytes,
 * and it only ever reaches lib as an argument, never a shell. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "media.h"
#include "tui/widgets.h"
#include "util.h"

enum item_kind { ITEM_MEDIUM, ITEM_PARENT, ITEM_FOLDER, ITEM_FILE };

struct item {
        enum item_kind kind;
        char *target;             /* medium: its mount point; else the name in the folder */
        char *detail;             /* medium: what it is, shown under the list; else NULL */
};

struct browser {
        struct tui_app *app;
        struct browse_request request;
        char folder[4096];
        struct tui_column columns[3];
        struct tui_table table;
        struct item *items;
        size_t n_items;
        char problem[1024];       /* why the last step did not happen, "" if it did */
};

static void clear_items(struct browser *b) {
        for (size_t i = 0; i < b->n_items; i++) {
                free(b->items[i].target);
                free(b->items[i].detail);
        }
        free(b->items);
        b->items = NULL;
        b->n_items = 0;
        tui_table_clear_rows(&b->table);
}

static struct item *add_item(struct browser *b, enum item_kind kind, const char *target, const char *name,
                             const char *type, const char *size, enum tui_style style) {
        struct item *grown = realloc(b->items, (b->n_items + 1) * sizeof *grown);
        if (!grown)
                return NULL;
        b->items = grown;
        char *copy = strdup(target);
        if (!copy)
                return NULL;
        const char *cells[] = { name, type, size };
        if (tui_table_add_row(&b->table, TUI_TREE_NONE, style, cells) < 0) {
                free(copy);
                return NULL;
        }
        b->items[b->n_items] = (struct item){ .kind = kind, .target = copy };
        return &b->items[b->n_items++];
}

static void add_media(struct browser *b) {
        struct node_media media = { 0 };
        struct node_error ignored = { 0 };
        /* without media the local folders still serve */
        if (node_media_list(tui_app_context(b->app), &media, &ignored) < 0)
                return;
        for (size_t i = 0; i < media.n_media; i++) {
                char name[512], type[64], source[256];
                const struct node_medium *m = &media.media[i];
                node_media_display_name(m->mount_point, name, sizeof name);
                snprintf(type, sizeof type, _("medium (%s)"), m->fstype);
                struct item *it = add_item(b, ITEM_MEDIUM, m->mount_point, name, type, "", TUI_STYLE_LABEL);
                if (it && asprintf(&it->detail, _("%s: %s file system on %s; Enter opens it."), name, m->fstype,
                                   node_media_display_name(m->source, source, sizeof source)) < 0)
                        it->detail = NULL;
        }
        node_media_free(&media);
}

/* Shows folder; on failure keeps what was shown and says why. */
static int open_folder(struct browser *b, const char *folder) {
        struct node_dir_listing listing = { 0 };
        struct node_error e = { 0 };
        if (node_dir_list(folder, &listing, &e) < 0) {
                char shown[512];
                snprintf(b->problem, sizeof b->problem, _("%s: %s"),
                         node_media_display_name(folder, shown, sizeof shown), e.message);
                return -1;
        }
        clear_items(b);
        b->problem[0] = '\0';
        snprintf(b->folder, sizeof b->folder, "%s", folder);
        b->table.selected = b->table.top = 0;
        add_media(b);
        if (!streq(folder, "/"))
                add_item(b, ITEM_PARENT, "..", "../", _("up"), "", TUI_STYLE_NORMAL);
        for (size_t i = 0; i < listing.n_entries; i++) {
                const struct node_dir_entry *entry = &listing.entries[i];
                char name[600], shown[512], size[32] = "";
                node_media_display_name(entry->name, shown, sizeof shown);
                bool folder_entry = entry->kind == NODE_ENTRY_DIRECTORY;
                snprintf(name, sizeof name, "%s%s", shown, folder_entry ? "/" : "");
                if (!folder_entry)
                        screen_format_bytes(entry->size_bytes, size, sizeof size);
                add_item(b, folder_entry ? ITEM_FOLDER : ITEM_FILE, entry->name, name,
                         folder_entry                              ? _("folder")
                         : entry->kind == NODE_ENTRY_IMAGE ? _("image")
                                                                   : _("file"),
                         size, entry->kind == NODE_ENTRY_IMAGE ? TUI_STYLE_GOOD : TUI_STYLE_NORMAL);
        }
        /* the first entry of the folder, past the media and "..", is what one wants */
        for (size_t i = 0; i < b->n_items; i++)
                if (b->items[i].kind == ITEM_FOLDER || b->items[i].kind == ITEM_FILE) {
                        b->table.selected = i;
                        break;
                }
        node_dir_listing_free(&listing);
        return 0;
}

/* folder + "/" + name, or a sentence when it would not fit the field. */
static int join(struct browser *b, const char *name, char *out, size_t size) {
        size_t limit = b->request.max_length < size ? b->request.max_length : size - 1;
        int n = snprintf(out, size, "%s%s%s", b->folder, streq(b->folder, "/") ? "" : "/", name);
        if (n < 0 || (size_t)n > limit) {
                snprintf(b->problem, sizeof b->problem, _("The path would be longer than %zu bytes."), limit);
                return -1;
        }
        return 0;
}

static void go_up(struct browser *b) {
        if (streq(b->folder, "/"))
                return;
        char parent[4096], came_from[4096];
        snprintf(parent, sizeof parent, "%s", b->folder);
        char *slash = strrchr(parent, '/');
        snprintf(came_from, sizeof came_from, "%s", slash + 1);
        if (slash == parent)
                slash[1] = '\0';
        else
                *slash = '\0';
        if (open_folder(b, parent) < 0)
                return;
        for (size_t i = 0; i < b->n_items; i++)
                if (b->items[i].kind == ITEM_FOLDER && streq(b->items[i].target, came_from))
                        b->table.selected = i;
}

/* Hands the path back; the browser is gone when picked runs. */
static void pick(struct tui_screen *s, const char *path) {
        struct browser *b = s->data;
        struct tui_app *app = s->app;
        struct browse_request request = b->request;
        char chosen[4096];
        snprintf(chosen, sizeof chosen, "%s", path);
        tui_pop(app);
        request.picked(app, chosen, request.userdata);
}

static void enter(struct tui_screen *s) {
        struct browser *b = s->data;
        if (b->table.selected >= b->n_items)
                return;
        const struct item *it = &b->items[b->table.selected];
        char path[4096];
        switch (it->kind) {
        case ITEM_PARENT:
                go_up(b);
                return;
        case ITEM_MEDIUM:
                open_folder(b, it->target);
                return;
        case ITEM_FOLDER:
                if (join(b, it->target, path, sizeof path) == 0)
                        open_folder(b, path);
                return;
        case ITEM_FILE:
                if (join(b, it->target, path, sizeof path) == 0)
                        pick(s, path);
                return;
        }
}

/* The folder the field names (or holds the file it names), else /. */
static void start_folder(const char *start, char *out, size_t size) {
        struct stat st;
        snprintf(out, size, "%s", start && start[0] == '/' ? start : "/");
        while (strlen(out) > 1) {
                size_t len = strlen(out);
                if (out[len - 1] == '/') {
                        out[len - 1] = '\0';
                        continue;
                }
                if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
                        return;
                char *slash = strrchr(out, '/');
                if (slash == out)
                        slash[1] = '\0';
                else
                        *slash = '\0';
        }
}

static int browse_init(struct tui_screen *s, void *arg) {
        const struct browse_request *request = arg;
        struct browser *b = calloc(1, sizeof *b);
        if (!b)
                return -ENOMEM;
        b->app = s->app;
        b->request = *request;
        b->columns[0] = (struct tui_column){ _("Name"), 0, TUI_ALIGN_LEFT };
        b->columns[1] = (struct tui_column){ _("Type"), 18, TUI_ALIGN_LEFT };
        b->columns[2] = (struct tui_column){ _("Size"), 10, TUI_ALIGN_RIGHT };
        tui_table_init(&b->table, b->columns, ELEMENTSOF(b->columns));
        s->data = b;
        char folder[4096];
        start_folder(request->start, folder, sizeof folder);
        if (open_folder(b, folder) < 0 && open_folder(b, "/") < 0)
                snprintf(b->folder, sizeof b->folder, "/");
        return 0;
}

static void browse_free(struct tui_screen *s) {
        struct browser *b = s->data;
        clear_items(b);
        tui_table_free(&b->table);
        free(b);
}

static void browse_draw(struct tui_screen *s) {
        struct browser *b = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Enter", _("Open/Pick") },
                { "Bksp", _("Up") },
                { "Esc", _("Back") },
        };
        tui_frame_draw(w, _("nodecon: pick an image"), NULL, keys, ELEMENTSOF(keys));
        int cols = getmaxx(w), y = TUI_FRAME_BODY_TOP;
        char shown[1024], line[1100];
        snprintf(line, sizeof line, _("Folder: %s"), node_media_display_name(b->folder, shown, sizeof shown));
        tui_put(w, y, 2, cols - 4, line, TUI_STYLE_NORMAL);
        int rows = tui_frame_body_rows(w) - 4;
        tui_table_draw(&b->table, w, y + 2, 1, rows, cols - 2);
        const struct item *sel = b->table.selected < b->n_items ? &b->items[b->table.selected] : NULL;
        if (b->problem[0])
                tui_put(w, y + 2 + rows + 1, 2, cols - 4, b->problem, TUI_STYLE_ERROR);
        else if (sel && sel->detail)
                tui_put(w, y + 2 + rows + 1, 2, cols - 4, sel->detail, TUI_STYLE_NORMAL);
        else
                tui_put(w, y + 2 + rows + 1, 2, cols - 4, _("Node images (.squashfs .img .iso) are marked \"image\"."),
                        TUI_STYLE_NORMAL);
}

static bool browse_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct browser *b = s->data;
        /* a sentence answers the key before; this one starts afresh */
        b->problem[0] = '\0';
        if (tui_table_key(&b->table, key, function_key))
                return true;
        if (function_key) {
                if (key == KEY_BACKSPACE || key == KEY_LEFT)
                        go_up(b);
                else if (key == KEY_ENTER || key == KEY_RIGHT)
                        enter(s);
                return true;
        }
        switch (key) {
        case '\r':
        case '\n':
                enter(s);
                return true;
        case 127:
        case TUI_CTRL('h'):
                go_up(b);
                return true;
        case TUI_KEY_ESC:
                tui_pop(s->app);
                return true;
        }
        return false;
}

const struct screen_ops browse_screen_ops = {
        .name = "browse",
        .init = browse_init,
        .draw = browse_draw,
        .key = browse_key,
        .free = browse_free,
};
