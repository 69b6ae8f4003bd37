/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confirm, info and error dialogs: overlays driven by the keyboard alone. */
#include "widgets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "i18n.h"

#define DIALOG_MAX_COLS 64
#define DIALOG_MIN_COLS 30

struct dialog {
        enum tui_dialog_kind kind;
        char *title;
        char *message;
        tui_dialog_done_fn done;
        void *userdata;
        int focus;                 /* 0: Yes/OK, 1: No */
};

struct dialog_args {
        enum tui_dialog_kind kind;
        const char *title, *message;
        tui_dialog_done_fn done;
        void *userdata;
};

static int dialog_init(struct tui_screen *s, void *arg) {
        const struct dialog_args *a = arg;
        struct dialog *d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        d->kind = a->kind;
        d->title = strdup(a->title ? a->title : "");
        d->message = strdup(a->message ? a->message : "");
        d->done = a->done;
        d->userdata = a->userdata;
        /* Destructive actions are confirmed; the safe answer is the default. */
        d->focus = a->kind == TUI_DIALOG_CONFIRM ? 1 : 0;
        s->data = d;
        if (!d->title || !d->message)
                return -ENOMEM;
        return 0;
}

static void dialog_free(struct tui_screen *s) {
        struct dialog *d = s->data;
        if (!d)
                return;
        free(d->title);
        free(d->message);
        free(d);
}

static void dialog_size(struct tui_screen *s, int *rows, int *cols) {
        struct dialog *d = s->data;
        int width = COLS - 6 < DIALOG_MAX_COLS ? COLS - 6 : DIALOG_MAX_COLS;
        int widest, text_rows = tui_wrapped_rows(d->message, width - 4, &widest);
        int w = widest + 4;
        if (w < tui_text_width(d->title) + 6)
                w = tui_text_width(d->title) + 6;
        if (w < DIALOG_MIN_COLS)
                w = DIALOG_MIN_COLS;
        *cols = w > width ? width : w;
        /* border, blank, text, blank, buttons, border */
        *rows = text_rows + 5;
}

static void button(WINDOW *w, int y, int x, const char *label, bool focused) {
        char text[64];
        snprintf(text, sizeof text, "< %s >", label);
        tui_put(w, y, x, tui_text_width(text), text, focused ? TUI_STYLE_SELECTED : TUI_STYLE_DIALOG);
}

void tui_dialog_frame(WINDOW *w, enum tui_style border, const char *title) {
        int rows = getmaxy(w), cols = getmaxx(w);
        werase(w);
        tui_set_style(w, border);
        tui_box(w, 0, 0, rows, cols);
        tui_set_style(w, TUI_STYLE_NORMAL);
        char text[512];
        snprintf(text, sizeof text, " %s ", title ? title : "");
        int width = tui_text_width(text) < cols - 4 ? tui_text_width(text) : cols - 4;
        tui_put(w, 0, (cols - width) / 2, width, text, TUI_STYLE_HEADER);
}

static void dialog_draw(struct tui_screen *s) {
        struct dialog *d = s->data;
        WINDOW *w = s->win;
        int rows = getmaxy(w), cols = getmaxx(w);
        tui_dialog_frame(w, d->kind == TUI_DIALOG_ERROR ? TUI_STYLE_ERROR : TUI_STYLE_DIALOG, d->title);
        tui_put_wrapped(w, 2, 2, cols - 4, rows - 5, d->message, TUI_STYLE_DIALOG);
        int y = rows - 2;
        if (d->kind == TUI_DIALOG_CONFIRM) {
                /* TRANSLATORS: dialog buttons; the first letter is typed to choose. */
                const char *yes = _("Yes"), *no = _("No");
                int width = tui_text_width(yes) + tui_text_width(no) + 10;
                int x = (cols - width) / 2;
                button(w, y, x, yes, d->focus == 0);
                button(w, y, x + tui_text_width(yes) + 6, no, d->focus == 1);
        } else {
                const char *ok = _("OK");
                button(w, y, (cols - tui_text_width(ok) - 4) / 2, ok, true);
        }
}

static void finish(struct tui_screen *s, bool confirmed) {
        struct dialog *d = s->data;
        struct tui_app *app = s->app;
        tui_dialog_done_fn done = d->done;
        void *userdata = d->userdata;
        tui_pop(app);
        if (done)
                done(app, confirmed, userdata);
}

static bool dialog_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct dialog *d = s->data;
        bool confirm = d->kind == TUI_DIALOG_CONFIRM;
        if (function_key) {
                if (confirm && (key == KEY_LEFT || key == KEY_RIGHT || key == KEY_BTAB))
                        d->focus = !d->focus;
                else if (key == KEY_ENTER)
                        finish(s, confirm && d->focus == 0);
                return true;
        }
        if (key == '\r' || key == '\n' || key == ' ') {
                finish(s, confirm && d->focus == 0);
                return true;
        }
        if (key == TUI_KEY_ESC) {
                finish(s, false);
                return true;
        }
        if (confirm && key == '\t') {
                d->focus = !d->focus;
                return true;
        }
        /* The first letters of the translated Yes/No answer directly. */
        if (confirm) {
                wchar_t yes[8] = L"", no[8] = L"";
                mbstowcs(yes, _("Yes"), 7);
                mbstowcs(no, _("No"), 7);
                if (towlower(key) == towlower(yes[0]) || key == 'y') {
                        finish(s, true);
                        return true;
                }
                if (towlower(key) == towlower(no[0]) || key == 'n') {
                        finish(s, false);
                        return true;
                }
        } else if (key == 'o' || key == 'O') {
                finish(s, false);
        }
        return true;
}

static const struct screen_ops dialog_ops = {
        .name = "dialog",
        .overlay = true,
        .size = dialog_size,
        .init = dialog_init,
        .draw = dialog_draw,
        .key = dialog_key,
        .free = dialog_free,
};

int tui_dialog_push(struct tui_app *app, enum tui_dialog_kind kind, const char *title,
                    const char *message, tui_dialog_done_fn done, void *userdata) {
        struct dialog_args args = { kind, title, message, done, userdata };
        return tui_push(app, &dialog_ops, &args);
}
