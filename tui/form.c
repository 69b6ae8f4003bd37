/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Labelled one-line text fields on the curses form library, with a validator
 * per field: the first problem is shown under the fields as a sentence and
 * OK cannot be pressed while there is one (nmtui's rule), so invalid input
 * never reaches lib. */
#include "widgets.h"

#include <errno.h>
#include <form.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

struct tui_form {
        const struct tui_form_field_spec *specs;
        size_t n;
        FIELD **fields;            /* n + 1, NULL-ended, as the form library wants */
        FORM *form;
        WINDOW *sub;               /* derived from the window last drawn into */
        WINDOW *parent;
        int sub_y, sub_x;
        int label_width, field_width;
        size_t focus;              /* 0..n-1 fields, n OK, n+1 Cancel */
        int cursor;                /* column in the focused field at the last sync */
        char value[1024];
        char problem[512];
};

int tui_form_new(const struct tui_form_field_spec *specs, size_t n, struct tui_form **out) {
        struct tui_form *f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        f->specs = specs;
        f->n = n;
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of FIELD pointers, as form.h wants */
        f->fields = calloc(n + 1, sizeof *f->fields);
        if (!f->fields) {
                free(f);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                int lw = tui_text_width(specs[i].label) + 1;
                if (lw > f->label_width)
                        f->label_width = lw;
                if (specs[i].width > f->field_width)
                        f->field_width = specs[i].width;
        }
        for (size_t i = 0; i < n; i++) {
                f->fields[i] = new_field(1, specs[i].width, (int)i, f->label_width + 1, 0, 0);
                if (!f->fields[i]) {
                        tui_form_free(f);
                        return -ENOMEM;
                }
                set_field_back(f->fields[i], tui_attr(TUI_STYLE_FIELD) | COLOR_PAIR(tui_pair(TUI_STYLE_FIELD)));
                /* O_BLANK would wipe the field when a key lands on its first column */
                field_opts_off(f->fields[i], O_AUTOSKIP | O_STATIC | O_BLANK);
                set_max_field(f->fields[i], (int)sizeof f->value - 1);
                set_field_buffer(f->fields[i], 0, specs[i].initial ? specs[i].initial : "");
        }
        f->form = new_form(f->fields);
        if (!f->form) {
                tui_form_free(f);
                return -ENOMEM;
        }
        *out = f;
        return 0;
}

void tui_form_free(struct tui_form *f) {
        if (!f)
                return;
        if (f->form) {
                unpost_form(f->form);
                free_form(f->form);
        }
        for (size_t i = 0; f->fields && i < f->n; i++)
                if (f->fields[i])
                        free_field(f->fields[i]);
        free(f->fields);
        if (f->sub)
                delwin(f->sub);
        free(f);
}

int tui_form_rows(const struct tui_form *f) { return (int)f->n + 3; }

const char *tui_form_value(struct tui_form *f, size_t i) {
        const char *buf = field_buffer(f->fields[i], 0);
        snprintf(f->value, sizeof f->value, "%s", buf ? buf : "");
        size_t len = strlen(f->value);
        while (len > 0 && f->value[len - 1] == ' ')
                f->value[--len] = '\0';
        return f->value;
}

void tui_form_set_value(struct tui_form *f, size_t i, const char *value) {
        set_field_buffer(f->fields[i], 0, value);
        if (f->focus == i) {
                set_current_field(f->form, f->fields[i]);
                form_driver(f->form, REQ_END_FIELD);
                f->cursor = INT_MAX;
        }
}

const char *tui_form_problem(struct tui_form *f) {
        for (size_t i = 0; i < f->n; i++) {
                if (!f->specs[i].validate)
                        continue;
                const char *why = f->specs[i].validate(tui_form_value(f, i), f->specs[i].userdata);
                if (why) {
                        snprintf(f->problem, sizeof f->problem, "%s %s", f->specs[i].label, why);
                        return f->problem;
                }
        }
        return NULL;
}

static void restore_cursor(struct tui_form *f);

void tui_form_draw(struct tui_form *f, WINDOW *w, int y, int x) {
        int rows = (int)f->n, cols = f->label_width + 1 + f->field_width;
        if (f->parent != w || f->sub_y != y || f->sub_x != x || !f->sub) {
                unpost_form(f->form);
                if (f->sub)
                        delwin(f->sub);
                f->sub = derwin(w, rows, cols, y, x);
                f->parent = w;
                f->sub_y = y;
                f->sub_x = x;
                set_form_win(f->form, w);
                set_form_sub(f->form, f->sub);
        } else {
                unpost_form(f->form);
        }
        post_form(f->form);
        for (size_t i = 0; i < f->n; i++)
                tui_put(w, y + (int)i, x, f->label_width, f->specs[i].label, TUI_STYLE_LABEL);

        const char *problem = tui_form_problem(f);
        int width = getmaxx(w) - x - 1;
        tui_put(w, y + rows, x, width, problem ? problem : "", TUI_STYLE_ERROR);

        /* OK is drawn without its brackets while it cannot be pressed. */
        const char *ok = _("OK"), *cancel = _("Cancel");
        char text[64];
        int bx = x + f->label_width + 1;
        snprintf(text, sizeof text, problem ? "  %s  " : "< %s >", ok);
        tui_put(w, y + rows + 2, bx, tui_text_width(text), text,
                problem ? TUI_STYLE_DISABLED : f->focus == f->n ? TUI_STYLE_SELECTED : TUI_STYLE_NORMAL);
        bx += tui_text_width(text) + 2;
        snprintf(text, sizeof text, "< %s >", cancel);
        tui_put(w, y + rows + 2, bx, tui_text_width(text), text,
                f->focus == f->n + 1 ? TUI_STYLE_SELECTED : TUI_STYLE_NORMAL);

        bool on_field = f->focus < f->n;
        if (on_field) {
                restore_cursor(f);
                pos_form_cursor(f->form);
                int cy, cx;
                getyx(f->sub, cy, cx);
                wmove(w, y + cy, x + cx);
        }
        /* The cursor shows where typing goes, and only then. */
        leaveok(w, !on_field);
        curs_set(on_field ? 1 : 0);
}

static void move_focus(struct tui_form *f, int delta) {
        /* leaving a field: what was typed goes into it first */
        if (f->focus < f->n)
                tui_form_sync(f);
        size_t count = f->n + 2;
        f->focus = (f->focus + count + (size_t)(delta < 0 ? count - 1 : 1)) % count;
        if (f->focus < f->n) {
                set_current_field(f->form, f->fields[f->focus]);
                /* coming back to a field is to go on typing in it */
                form_driver(f->form, REQ_END_FIELD);
                f->cursor = INT_MAX;
        }
}

/* Where a key leaves the form. */
enum form_outcome { FORM_EDITING, FORM_OK, FORM_CANCEL };

static enum form_outcome edit(struct tui_form *f, wint_t key, bool function_key) {
        bool on_field = f->focus < f->n;
        if (function_key) {
                switch (key) {
                case KEY_DOWN:
                        move_focus(f, 1);
                        break;
                case KEY_UP:
                case KEY_BTAB:
                        move_focus(f, -1);
                        break;
                case KEY_LEFT:
                        if (on_field)
                                form_driver(f->form, REQ_PREV_CHAR);
                        else
                                move_focus(f, -1);
                        break;
                case KEY_RIGHT:
                        if (on_field)
                                form_driver(f->form, REQ_NEXT_CHAR);
                        else
                                move_focus(f, 1);
                        break;
                case KEY_HOME:
                        form_driver(f->form, REQ_BEG_FIELD);
                        break;
                case KEY_END:
                        form_driver(f->form, REQ_END_FIELD);
                        break;
                case KEY_BACKSPACE:
                        form_driver(f->form, REQ_DEL_PREV);
                        break;
                case KEY_DC:
                        form_driver(f->form, REQ_DEL_CHAR);
                        break;
                case KEY_ENTER:
                        return edit(f, '\r', false);
                }
                return FORM_EDITING;
        }
        switch (key) {
        case TUI_KEY_ESC:
                return FORM_CANCEL;
        case '\t':
                move_focus(f, 1);
                return FORM_EDITING;
        case '\r':
        case '\n':
                if (f->focus == f->n) {
                        tui_form_sync(f);
                        return tui_form_problem(f) ? FORM_EDITING : FORM_OK;
                }
                if (f->focus == f->n + 1)
                        return FORM_CANCEL;
                move_focus(f, 1);
                return FORM_EDITING;
        case 127:
        case TUI_CTRL('h'):
                if (on_field)
                        form_driver(f->form, REQ_DEL_PREV);
                return FORM_EDITING;
        case TUI_CTRL('u'):
                if (on_field)
                        form_driver(f->form, REQ_CLR_FIELD);
                return FORM_EDITING;
        }
        if (on_field && key >= ' ')
                form_driver_w(f->form, OK, (wchar_t)key);
        return FORM_EDITING;
}

bool tui_form_screen_key(struct tui_screen *s, struct tui_form *f, wint_t key, bool function_key,
                         const struct tui_form_actions *actions, void *userdata) {
        switch (edit(f, key, function_key)) {
        case FORM_OK:
                tui_form_sync(f);
                actions->ok(userdata);
                break;
        case FORM_CANCEL:
                if (actions->cancel)
                        actions->cancel(userdata);
                else
                        tui_pop(s->app);
                break;
        case FORM_EDITING:
                /* typed into a field, moved, or OK refused while a field says why */
                break;
        }
        return true;
}

void tui_form_sync(struct tui_form *f) {
        /* Validating hands what was typed from the field's window over to its
         * buffer; it, and posting the form again in the draw, put the cursor
         * back at the start of the field: the draw restores this column. */
        f->cursor = f->form->curcol;
        form_driver(f->form, REQ_VALIDATION);
}

static void restore_cursor(struct tui_form *f) {
        if (f->focus >= f->n)
                return;
        set_current_field(f->form, f->fields[f->focus]);
        /* A blank typed last is text too ("bad " before "host"): measure the
         * buffer, not the value without its trailing blanks, or a redraw
         * between two keys would swallow the blank. */
        const char *buffer = field_buffer(f->fields[f->focus], 0);
        int length = buffer ? (int)strlen(buffer) : 0;
        if (f->cursor >= length) {
                form_driver(f->form, REQ_END_FIELD);
                return;
        }
        form_driver(f->form, REQ_BEG_FIELD);
        for (int i = 0; i < f->cursor; i++)
                form_driver(f->form, REQ_NEXT_CHAR);
}
