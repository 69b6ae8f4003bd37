/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bases and their layers as a tree, with the booted layer and the boot
 * default marked.  Read-only for now. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "layout.h"
#include "tui/widgets.h"
#include "util.h"

#define LAYERS_TICK_MS 10000

struct layers {
        struct tui_app *app;
        struct tui_column columns[4];
        struct tui_table table;
        struct node_error error;          /* why nothing can be shown */
        struct node_error refresh_error;  /* why the shown layout could not be refreshed */
        bool ok;
        char summary[512];
        char **details;            /* per table row: the full facts of the selected LV */
        size_t n_details;
};

static void free_details(struct layers *ls) {
        for (size_t i = 0; i < ls->n_details; i++)
                free(ls->details[i]);
        free(ls->details);
        ls->details = NULL;
        ls->n_details = 0;
}

static void add_lv_row(struct layers *ls, const struct node_lv *lv, const char *name, enum tui_tree tree,
                       const char *state, enum tui_style style) {
        char size[32], created[16];
        /* The date is enough in the table; the detail line has the rest. */
        snprintf(created, sizeof created, "%.10s", lv->time ? lv->time : "");
        const char *cells[] = { name, screen_format_bytes(lv->size_bytes, size, sizeof size), created, state };
        if (tui_table_add_row(&ls->table, tree, style, cells) < 0)
                return;
        char **details = realloc(ls->details, (ls->n_details + 1) * sizeof *details);
        if (!details)
                return;
        ls->details = details;
        char *text = NULL, full_size[32];
        snprintf(full_size, sizeof full_size, "%llu", (unsigned long long)lv->size_bytes);
        if (asprintf(&text, _("%s: %s bytes, created %s, %s, %s, tags %s."),
                     lv->path && *lv->path ? lv->path : lv->name, full_size, lv->time ? lv->time : "",
                     lv->active ? _("active") : _("inactive"), lv->read_only ? _("read-only") : _("writable"),
                     lv->tags && *lv->tags ? lv->tags : _("none")) < 0)
                text = NULL;
        ls->details[ls->n_details++] = text;
}

/* Returns false when the layout could not be read (ls->error says why). */
static bool reload(struct layers *ls) {
        _cleanup_layout_ struct node_layout *l = NULL;
        struct node_error error = { 0 };
        if (node_layout_read(tui_app_context(ls->app), &l, &error) < 0) {
                /* What was shown stays, unless nothing was. */
                if (!ls->ok)
                        ls->error = error;
                else
                        ls->refresh_error = error;
                return false;
        }
        tui_table_clear_rows(&ls->table);
        free_details(ls);
        node_error_clear(&ls->error);
        ls->ok = true;

        char pool_size[32];
        snprintf(ls->summary, sizeof ls->summary,
                 _("Volume group %s, thin pool %s: %s, data %.1f%%, metadata %.1f%%"), l->vg,
                 l->pool.name ? l->pool.name : "-",
                 screen_format_bytes(l->pool.size_bytes, pool_size, sizeof pool_size), l->pool.data_percent,
                 l->pool.metadata_percent);

        for (size_t b = 0; b < l->n_bases; b++) {
                const struct node_base *base = &l->bases[b];
                add_lv_row(ls, &base->lv, base->lv.name, TUI_TREE_NONE, _("base"), TUI_STYLE_HEADER);
                for (size_t i = 0; i < base->n_layers; i++) {
                        const struct node_layer *layer = &base->layers[i];
                        const char *state = layer->booted && layer->boot_default ? _("booted, default")
                                            : layer->booted                      ? _("booted")
                                            : layer->boot_default                ? _("default")
                                                                                 : "";
                        add_lv_row(ls, &layer->lv, layer->lv.name,
                                   i + 1 == base->n_layers ? TUI_TREE_LAST_CHILD : TUI_TREE_CHILD, state,
                                   layer->booted ? TUI_STYLE_GOOD : TUI_STYLE_NORMAL);
                }
        }
        return true;
}

static int layers_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct layers *ls = calloc(1, sizeof *ls);
        if (!ls)
                return -ENOMEM;
        ls->app = s->app;
        ls->columns[0] = (struct tui_column){ _("Name"), 0, TUI_ALIGN_LEFT };
        ls->columns[1] = (struct tui_column){ _("Size"), 9, TUI_ALIGN_RIGHT };
        ls->columns[2] = (struct tui_column){ _("Created"), 10, TUI_ALIGN_LEFT };
        ls->columns[3] = (struct tui_column){ _("State"), 15, TUI_ALIGN_LEFT };
        tui_table_init(&ls->table, ls->columns, ELEMENTSOF(ls->columns));
        s->data = ls;
        reload(ls);
        return 0;
}

static void layers_free(struct tui_screen *s) {
        struct layers *ls = s->data;
        tui_table_free(&ls->table);
        free_details(ls);
        free(ls);
}

static void layers_draw(struct tui_screen *s) {
        struct layers *ls = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Up/Down", _("Select") },
                { "Enter", _("Details") },
                { "r", _("Refresh") },
                { "?", _("Help") },
                { "Esc", _("Back") },
                { "^L", _("Redraw") },
                { "q", _("Quit") },
        };
        tui_frame_draw(w, _("nodecon: layers"), NULL, keys, ELEMENTSOF(keys));
        int cols = getmaxx(w), y = TUI_FRAME_BODY_TOP;
        if (!ls->ok) {
                tui_put(w, y, 2, cols - 4, _("The layout cannot be read:"), TUI_STYLE_ERROR);
                tui_put_wrapped(w, y + 2, 2, cols - 4, 6, ls->error.message, TUI_STYLE_NORMAL);
                return;
        }
        tui_put(w, y, 2, cols - 4, ls->summary, TUI_STYLE_NORMAL);
        if (ls->table.n_rows == 0) {
                tui_put(w, y + 2, 2, cols - 4, _("There are no bases in this volume group."), TUI_STYLE_WARNING);
                return;
        }
        int table_rows = tui_frame_body_rows(w) - 4;
        tui_table_draw(&ls->table, w, y + 2, 1, table_rows, cols - 2);
        size_t sel = ls->table.selected;
        tui_put(w, y + 2 + table_rows + 1, 2, cols - 4,
                sel < ls->n_details && ls->details[sel] ? ls->details[sel] : "", TUI_STYLE_NORMAL);
}

static void show_refresh_error(struct layers *ls) {
        tui_dialog_push(ls->app, TUI_DIALOG_ERROR, _("Cannot refresh"), ls->refresh_error.message, NULL, NULL);
        node_error_clear(&ls->refresh_error);
}

static bool layers_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct layers *ls = s->data;
        if (tui_table_key(&ls->table, key, function_key))
                return true;
        if (!function_key && key == '?') {
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        }
        if (!function_key && (key == 'r' || key == 'R')) {
                if (!reload(ls) && ls->refresh_error.code)
                        show_refresh_error(ls);
                return true;
        }
        bool enter = function_key ? key == KEY_ENTER : (key == '\r' || key == '\n');
        if (enter && ls->ok && ls->table.selected < ls->n_details && ls->details[ls->table.selected]) {
                tui_dialog_push(ls->app, TUI_DIALOG_INFO, ls->table.rows[ls->table.selected].cells[0],
                                ls->details[ls->table.selected], NULL, NULL);
                return true;
        }
        return false;
}

/* A periodic refresh that fails keeps the last good view quietly; the
 * admin sees the reason when refreshing by hand. */
static void layers_tick(struct tui_screen *s) {
        struct layers *ls = s->data;
        reload(ls);
        node_error_clear(&ls->refresh_error);
}

const struct screen_ops layers_screen_ops = {
        .name = "layers",
        .init = layers_init,
        .draw = layers_draw,
        .key = layers_key,
        .tick = layers_tick,
        .tick_ms = LAYERS_TICK_MS,
        .free = layers_free,
};
