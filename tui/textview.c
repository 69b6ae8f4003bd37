/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scrollable lines of text; in follow mode the view stays at the end as
 * lines arrive (a log), and scrolling up leaves follow mode. */
#include "widgets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

void tui_textview_init(struct tui_textview *v, size_t max_lines) {
        memset(v, 0, sizeof *v);
        v->follow = true;
        v->max_lines = max_lines;
        v->visible_rows = 1;
}

static size_t last_top(const struct tui_textview *v) {
        size_t rows = v->visible_rows > 0 ? (size_t)v->visible_rows : 1;
        return v->n_lines > rows ? v->n_lines - rows : 0;
}

int tui_textview_append(struct tui_textview *v, const char *line) {
        if (v->max_lines && v->n_lines == v->max_lines) {
                free(v->lines[0]);
                memmove(v->lines, v->lines + 1, (v->n_lines - 1) * sizeof *v->lines);
                v->n_lines--;
                if (v->top > 0)
                        v->top--;
        }
        if (v->n_lines == v->cap) {
                size_t cap = v->cap ? v->cap * 2 : 64;
                char **lines = realloc(v->lines, cap * sizeof *lines);
                if (!lines)
                        return -ENOMEM;
                v->lines = lines;
                v->cap = cap;
        }
        v->lines[v->n_lines] = strdup(line);
        if (!v->lines[v->n_lines])
                return -ENOMEM;
        v->n_lines++;
        if (v->follow)
                v->top = last_top(v);
        return 0;
}

void tui_textview_draw(struct tui_textview *v, WINDOW *w, int y, int x, int rows, int cols) {
        v->visible_rows = rows;
        if (v->follow || v->top > last_top(v))
                v->top = last_top(v);
        for (int i = 0; i < rows; i++) {
                size_t n = v->top + i;
                tui_put(w, y + i, x, cols, n < v->n_lines ? v->lines[n] : "", TUI_STYLE_NORMAL);
        }
}

bool tui_textview_key(struct tui_textview *v, wint_t key, bool function_key) {
        size_t page = v->visible_rows > 1 ? (size_t)v->visible_rows - 1 : 1;
        if (!function_key) {
                if (key == 'k')
                        return tui_textview_key(v, KEY_UP, true);
                if (key == 'j')
                        return tui_textview_key(v, KEY_DOWN, true);
                /* Home/End/PgUp/PgDn on terminals that lack those keys (vt100). */
                if (key == 'g')
                        return tui_textview_key(v, KEY_HOME, true);
                if (key == 'G')
                        return tui_textview_key(v, KEY_END, true);
                if (key == ' ')
                        return tui_textview_key(v, KEY_NPAGE, true);
                if (key == 'b')
                        return tui_textview_key(v, KEY_PPAGE, true);
                if (key == 'f' || key == 'F') {
                        v->follow = !v->follow;
                        if (v->follow)
                                v->top = last_top(v);
                        return true;
                }
                return false;
        }
        switch (key) {
        case KEY_UP:
                v->follow = false;
                if (v->top > 0)
                        v->top--;
                return true;
        case KEY_DOWN:
                if (v->top < last_top(v))
                        v->top++;
                return true;
        case KEY_PPAGE:
                v->follow = false;
                v->top = v->top > page ? v->top - page : 0;
                return true;
        case KEY_NPAGE:
                v->top = v->top + page < last_top(v) ? v->top + page : last_top(v);
                return true;
        case KEY_HOME:
                v->follow = false;
                v->top = 0;
                return true;
        case KEY_END:
                v->top = last_top(v);
                return true;
        }
        return false;
}

void tui_textview_free(struct tui_textview *v) {
        for (size_t i = 0; i < v->n_lines; i++)
                free(v->lines[i]);
        free(v->lines);
        memset(v, 0, sizeof *v);
}
