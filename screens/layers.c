/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bases and their layers as a tree, with the booted layer, the boot default
 * and pinned layers marked; the selected layer can be made the boot default,
 * removed, pinned or unpinned (actions.c).  The layout is read in a worker. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "layout.h"
#include "lvm.h"
#include "rollback.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define CREATED_WIDTH 10

#define LAYERS_TICK_MS 10000

struct layers {
        struct tui_app *app;
        struct tui_column columns[4];
        struct tui_table table;
        struct node_error error;          /* why nothing can be shown */
        bool ok;
        char summary[512];
        char **details;            /* per table row: the full facts of the selected LV */
        char **layer_names;        /* per table row: the layer's name, NULL for a base */
        bool *pinned;              /* per table row */
        size_t n_details;
        int state_width;           /* the widest State cell */
        struct tui_job *reading;   /* the layout read under way, NULL if none */
        bool manual;               /* the admin asked for this read: tell failures */
        bool again;                /* asked for while a read was under way */
        bool busy;                 /* an action runs: its dialogs are on top */
};

static void free_details(struct layers *ls) {
        for (size_t i = 0; i < ls->n_details; i++) {
                free(ls->details[i]);
                free(ls->layer_names[i]);
        }
        free(ls->details);
        free(ls->layer_names);
        free(ls->pinned);
        ls->details = ls->layer_names = NULL;
        ls->pinned = NULL;
        ls->n_details = 0;
}

static void add_lv_row(struct layers *ls, const struct node_lv *lv, bool is_layer, enum tui_tree tree,
                       const char *state, enum tui_style style) {
        const char *name = lv->name;
        char size[32], created[16];
        /* The date is enough in the table; the detail line has the rest. */
        snprintf(created, sizeof created, "%.10s", lv->time ? lv->time : "");
        const char *cells[] = { name, screen_format_bytes(lv->size_bytes, size, sizeof size), created, state };
        if (tui_text_width(state) > ls->state_width)
                ls->state_width = tui_text_width(state);
        if (tui_table_add_row(&ls->table, tree, style, cells) < 0)
                return;
        size_t n = ls->n_details + 1;
        char **details = realloc(ls->details, n * sizeof *details);
        if (details)
                ls->details = details;
        char **names = realloc(ls->layer_names, n * sizeof *names);
        if (names)
                ls->layer_names = names;
        bool *pinned = realloc(ls->pinned, n * sizeof *pinned);
        if (pinned)
                ls->pinned = pinned;
        if (!details || !names || !pinned)
                return;
        ls->layer_names[ls->n_details] = is_layer ? strdup(name) : NULL;
        ls->pinned[ls->n_details] = is_layer && node_lvm_tags_have(lv->tags ? lv->tags : "", NODE_TAG_PINNED);
        char *text = NULL, full_size[32];
        snprintf(full_size, sizeof full_size, "%llu", (unsigned long long)lv->size_bytes);
        if (asprintf(&text, _("%s: %s bytes, created %s, %s, %s, tags %s."),
                     lv->path && *lv->path ? lv->path : lv->name, full_size, lv->time ? lv->time : "",
                     lv->active ? _("active") : _("inactive"), lv->read_only ? _("read-only") : _("writable"),
                     lv->tags && *lv->tags ? lv->tags : _("none")) < 0)
                text = NULL;
        ls->details[ls->n_details++] = text;
}

static void apply(struct layers *ls, const struct node_layout *l) {
        tui_table_clear_rows(&ls->table);
        free_details(ls);
        ls->state_width = 0;
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
                add_lv_row(ls, &base->lv, false, TUI_TREE_NONE, _("base"), TUI_STYLE_HEADER);
                for (size_t i = 0; i < base->n_layers; i++) {
                        const struct node_layer *layer = &base->layers[i];
                        char state[128] = "";
                        bool pinned = node_lvm_tags_have(layer->lv.tags ? layer->lv.tags : "", NODE_TAG_PINNED);
                        const char *marks[] = { layer->booted ? _("booted") : NULL,
                                                layer->boot_default ? _("default") : NULL,
                                                pinned ? _("pinned") : NULL };
                        for (size_t m = 0; m < ELEMENTSOF(marks); m++)
                                if (marks[m])
                                        snprintf(state + strlen(state), sizeof state - strlen(state), "%s%s",
                                                 state[0] ? ", " : "", marks[m]);
                        add_lv_row(ls, &layer->lv, true,
                                   i + 1 == base->n_layers ? TUI_TREE_LAST_CHILD : TUI_TREE_CHILD, state,
                                   layer->booted ? TUI_STYLE_GOOD : TUI_STYLE_NORMAL);
                }
        }
}

static void reload(struct layers *ls, bool manual);

static void layout_arrived(struct tui_app *app, int r, const struct node_error *e, struct node_layout **layout,
                           void *userdata) {
        struct layers *ls = userdata;
        ls->reading = NULL;
        bool manual = ls->manual;
        ls->manual = false;
        if (ls->again) {
                ls->again = false;
                reload(ls, true);
                return;
        }
        if (r == -ECANCELED) {
                if (!ls->ok)
                        node_error_set(&ls->error, ECANCELED,
                                       _("You stopped waiting for lvm; press r to read the layout again."));
                return;
        }
        if (r < 0) {
                /* What was shown stays, unless nothing was; a periodic refresh
                 * that fails keeps quiet, a refresh asked for says why. */
                if (!ls->ok)
                        ls->error = *e;
                else if (manual)
                        tui_dialog_push(app, TUI_DIALOG_ERROR, _("Cannot refresh"), e->message, NULL, NULL);
                return;
        }
        apply(ls, *layout);
}

/* manual: the admin asked (init, r, after an action): a slow lvm gets a
 * dialog that offers to stop waiting, and a failure is told. */
static void reload(struct layers *ls, bool manual) {
        if (ls->reading) {
                /* what is under way may have started before the change the
                 * admin expects to see: read once more when it is back */
                ls->again |= manual;
                return;
        }
        ls->manual = manual;
        if (screen_read_layout(ls->app, manual ? _("Reading the layout") : NULL, layout_arrived, ls,
                               &ls->reading) < 0)
                ls->reading = NULL;
}

static int layers_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct layers *ls = calloc(1, sizeof *ls);
        if (!ls)
                return -ENOMEM;
        ls->app = s->app;
        ls->columns[0] = (struct tui_column){ _("Name"), 0, TUI_ALIGN_LEFT };
        ls->columns[1] = (struct tui_column){ _("Size"), 9, TUI_ALIGN_RIGHT };
        ls->columns[2] = (struct tui_column){ _("Created"), CREATED_WIDTH, TUI_ALIGN_LEFT };
        ls->columns[3] = (struct tui_column){ _("State"), 23, TUI_ALIGN_LEFT };
        tui_table_init(&ls->table, ls->columns, ELEMENTSOF(ls->columns));
        s->data = ls;
        reload(ls, true);
        return 0;
}

static void layers_free(struct tui_screen *s) {
        struct layers *ls = s->data;
        tui_job_abandon(ls->reading);
        tui_table_free(&ls->table);
        free_details(ls);
        free(ls);
}

static void layers_draw(struct tui_screen *s) {
        struct layers *ls = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "d", _("Default") },
                { "x", _("Remove") },
                { "p", _("Pin") },
                { "Enter", _("Info") },
                { "r", _("Refresh") },
                { "?", _("Help") },
                { "Esc", _("Back") },
                { "q", _("Quit") },
        };
        tui_frame_draw(w, _("nodecon: layers"), NULL, keys, ELEMENTSOF(keys));
        int cols = getmaxx(w), y = TUI_FRAME_BODY_TOP;
        if (!ls->ok && ls->reading) {
                tui_put(w, y, 2, cols - 4, _("Reading the layout..."), TUI_STYLE_NORMAL);
                return;
        }
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
        /* The names (41 columns with the tree) and every state word must
         * show whole; the date is in the detail line too, so it goes first
         * when the terminal is narrow (80 columns). */
        int state = ls->state_width > tui_text_width(ls->columns[3].title) ? ls->state_width
                                                                            : tui_text_width(ls->columns[3].title);
        int left = cols - 2 - 41 - ls->columns[1].width - state - 2;
        ls->columns[2].width = left >= CREATED_WIDTH + 1 ? CREATED_WIDTH : -1;
        ls->columns[3].width = state;
        int table_rows = tui_frame_body_rows(w) - 4;
        tui_table_draw(&ls->table, w, y + 2, 1, table_rows, cols - 2);
        size_t sel = ls->table.selected;
        tui_put(w, y + 2 + table_rows + 1, 2, cols - 4,
                sel < ls->n_details && ls->details[sel] ? ls->details[sel] : "", TUI_STYLE_NORMAL);
}

static void action_finished(struct tui_app *app, bool changed, void *userdata) {
        (void)app;
        struct layers *ls = userdata;
        ls->busy = false;
        if (changed)
                reload(ls, true);
}

/* The layer on the selected row, NULL (and a word why) on a base. */
static const char *selected_layer(struct layers *ls) {
        size_t sel = ls->table.selected;
        if (!ls->ok || sel >= ls->n_details)
                return NULL;
        if (!ls->layer_names[sel])
                tui_dialog_push(ls->app, TUI_DIALOG_INFO, _("Not a layer"),
                                _("A base is the read-only image its layers were made from; select one of its "
                                  "layers. A base goes when its last layer is removed."),
                                NULL, NULL);
        return ls->layer_names[sel];
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
                reload(ls, true);
                return true;
        }
        enum layer_action action;
        bool is_action = true;
        if (!function_key && (key == 'd' || key == 'D'))
                action = LAYER_ACTION_DEFAULT;
        else if ((!function_key && (key == 'x' || key == 'X')) || (function_key && key == KEY_DC))
                action = LAYER_ACTION_REMOVE;
        else if (!function_key && (key == 'p' || key == 'P'))
                action = LAYER_ACTION_PIN;
        else
                is_action = false;
        if (is_action) {
                const char *layer = selected_layer(ls);
                if (!layer)
                        return true;
                if (action == LAYER_ACTION_PIN && ls->pinned[ls->table.selected])
                        action = LAYER_ACTION_UNPIN;
                ls->busy = layer_action_start(s->app, action, layer, action_finished, ls) == 0;
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

static void layers_tick(struct tui_screen *s) {
        struct layers *ls = s->data;
        if (!ls->busy)
                reload(ls, false);
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
