/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Toolkit widgets, free of any node knowledge (nmtui's split: toolkit here,
 * task pages in screens/).  Each widget draws its whole state into a window
 * region; the loop's redraw sends only what changed to the terminal. */

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"
#include "term.h"

/* ---- frame: title bar, body, help line ------------------------------------
 * Every action is on a letter or a Ctrl key and listed in the help line; an
 * F-key is only ever an extra alias, because serial terminals have none. */
struct tui_key_help {
        const char *key;          /* as the admin types it: "q", "^L", "Esc", "Enter" */
        const char *label;        /* translated: "Quit" */
};

#define TUI_FRAME_BODY_TOP 2      /* title bar and a blank row above the body */

/* Erases w and draws the title bar (title left, status right) and the help
 * line.  The body is rows TUI_FRAME_BODY_TOP .. tui_frame_body_rows(w)+1. */
void tui_frame_draw(WINDOW *w, const char *title, const char *status,
                    const struct tui_key_help *keys, size_t n_keys);
int tui_frame_body_rows(WINDOW *w);

/* ---- menu: a vertical list of choices, each with its own letter ---------- */
struct tui_menu_item {
        char key;                 /* letter that picks it directly */
        const char *label;        /* translated */
};

struct tui_menu {
        const struct tui_menu_item *items;
        size_t n_items;
        size_t selected;
};

void tui_menu_draw(const struct tui_menu *m, WINDOW *w, int y, int x, int cols);
/* Returns the index chosen with Enter or an item's letter, -1 if the key only
 * moved the selection or was not for the menu (*used tells which). */
int tui_menu_key(struct tui_menu *m, wint_t key, bool function_key, bool *used);

/* ---- table: column headers, selection, scrolling, optional tree ---------- */
enum tui_align { TUI_ALIGN_LEFT, TUI_ALIGN_RIGHT };

struct tui_column {
        const char *title;        /* translated */
        int width;                /* columns; 0: whatever is left (one such column); < 0: hidden */
        enum tui_align align;
};

enum tui_tree { TUI_TREE_NONE, TUI_TREE_CHILD, TUI_TREE_LAST_CHILD };

#define TUI_TABLE_MAX_COLUMNS 8

struct tui_table_row {
        char *cells[TUI_TABLE_MAX_COLUMNS];
        enum tui_tree tree;       /* drawn before the first cell with line characters */
        enum tui_style style;
};

struct tui_table {
        const struct tui_column *columns;
        size_t n_columns;
        struct tui_table_row *rows;
        size_t n_rows;
        size_t selected, top;
        int visible_rows;         /* learned at the last draw, for paging */
};

void tui_table_init(struct tui_table *t, const struct tui_column *columns, size_t n_columns);
/* Copies the cells (n_columns strings, NULL for empty). */
int tui_table_add_row(struct tui_table *t, enum tui_tree tree, enum tui_style style,
                      const char *const cells[]);
/* Drops the rows but keeps the selection index (clamped at the next draw),
 * so a periodic refresh does not move the admin's cursor. */
void tui_table_clear_rows(struct tui_table *t);
void tui_table_free(struct tui_table *t);
/* Header on row y, rows below it; rows counts the header. */
void tui_table_draw(struct tui_table *t, WINDOW *w, int y, int x, int rows, int cols);
/* Up/Down/PgUp/PgDn/Home/End and their letters k/j/b/Space/g/G.  Returns
 * true when used. */
bool tui_table_key(struct tui_table *t, wint_t key, bool function_key);

/* ---- dialogs (keyboard only) ---------------------------------------------
 * Confirm: y/Enter on "Yes" confirms, n/Esc cancels, Tab or arrows move
 * between the buttons.  Info and error: Enter or Esc closes. */
enum tui_dialog_kind { TUI_DIALOG_INFO, TUI_DIALOG_ERROR, TUI_DIALOG_CONFIRM };

/* confirmed is true when the admin said yes (always false for info/error).
 * Called after the dialog is gone, so it may push another screen. */
typedef void (*tui_dialog_done_fn)(struct tui_app *app, bool confirmed, void *userdata);

int tui_dialog_push(struct tui_app *app, enum tui_dialog_kind kind, const char *title,
                    const char *message, tui_dialog_done_fn done, void *userdata);

/* What every dialog window starts from (these, the progress dialog and the
 * screens' own dialogs): erases w, draws its border in the style border and
 * " title " centred on the top border, clipped to fit inside the corners.
 * title is translated and without the blanks around it. */
void tui_dialog_frame(WINDOW *w, enum tui_style border, const char *title);

/* ---- progress dialog: bar, current step, cancel -------------------------- */
struct tui_progress;
/* cancellable: show "c Cancel" and record the request (see _cancelled). */
int tui_progress_push(struct tui_app *app, const char *title, bool cancellable,
                      struct tui_progress **out);
/* fraction in [0,1], < 0 when unknown (each call then moves a sweeping
 * block).  Lets pending events in, then redraws now: for a long lib call
 * made on the main loop's thread. */
void tui_progress_update(struct tui_progress *p, const char *step, double fraction);
/* The same without letting events in: for work that runs elsewhere (job.h). */
void tui_progress_set(struct tui_progress *p, const char *step, double fraction);
bool tui_progress_cancelled(const struct tui_progress *p);
void tui_progress_close(struct tui_progress *p);

/* ---- text view: scrollable lines, follow mode ---------------------------- */
struct tui_textview {
        char **lines;
        size_t n_lines, cap;
        size_t top;
        bool follow;              /* stay at the end as lines arrive */
        int visible_rows;
        size_t max_lines;         /* 0: unlimited; older lines are dropped */
};

void tui_textview_init(struct tui_textview *v, size_t max_lines);
int tui_textview_append(struct tui_textview *v, const char *line);
void tui_textview_draw(struct tui_textview *v, WINDOW *w, int y, int x, int rows, int cols);
/* Up/Down/PgUp/PgDn/Home/End, k/j/b/Space/g/G, f toggles follow.  Returns
 * true when used. */
bool tui_textview_key(struct tui_textview *v, wint_t key, bool function_key);
void tui_textview_free(struct tui_textview *v);

/* ---- form: labelled text fields with validators -------------------------- */
/* Returns NULL when value is fine, else a translated sentence saying why not. */
typedef const char *(*tui_validator_fn)(const char *value, void *userdata);

struct tui_form_field_spec {
        const char *label;        /* translated */
        const char *initial;
        int width;
        tui_validator_fn validate;
        void *userdata;
};

struct tui_form;
/* Fields are stacked one per row, with an OK and a Cancel button below; OK
 * is disabled while any field is invalid. */
int tui_form_new(const struct tui_form_field_spec *specs, size_t n, struct tui_form **out);
void tui_form_free(struct tui_form *f);
/* What was typed lives in the form's window until synced into the fields:
 * call it first thing in a draw, before anything erases the window (the
 * frame does), and before reading values outside a draw. */
void tui_form_sync(struct tui_form *f);
void tui_form_draw(struct tui_form *f, WINDOW *w, int y, int x);
/* What a screen built around a form does when the admin is done with it. */
struct tui_form_actions {
        /* OK pressed while every field is valid; the values are synced. */
        void (*ok)(void *userdata);
        /* Esc, or Enter on Cancel; NULL: the screen is left (tui_pop). */
        void (*cancel)(void *userdata);
};
/* The key handler of a form screen: the key goes to the form (typing,
 * moving between fields and buttons; OK does nothing while a field says
 * why not), and OK or Cancel runs its action.  Returns true: the form
 * takes every key. */
bool tui_form_screen_key(struct tui_screen *s, struct tui_form *f, wint_t key, bool function_key,
                         const struct tui_form_actions *actions, void *userdata);
/* The text of field i at the last sync, trailing blanks removed; valid until the next call. */
const char *tui_form_value(struct tui_form *f, size_t i);
/* Replaces the text of field i (a value picked elsewhere, e.g. from a list). */
void tui_form_set_value(struct tui_form *f, size_t i, const char *value);
/* The first problem (translated) or NULL when every field is valid. */
const char *tui_form_problem(struct tui_form *f);
int tui_form_rows(const struct tui_form *f);
