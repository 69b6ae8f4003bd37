/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "widgets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tui_table_init(struct tui_table *t, const struct tui_column *columns, size_t n_columns) {
        memset(t, 0, sizeof *t);
        t->columns = columns;
        t->n_columns = n_columns < TUI_TABLE_MAX_COLUMNS ? n_columns : TUI_TABLE_MAX_COLUMNS;
}

int tui_table_add_row(struct tui_table *t, enum tui_tree tree, enum tui_style style,
                      const char *const cells[]) {
        struct tui_table_row *rows = realloc(t->rows, (t->n_rows + 1) * sizeof *rows);
        if (!rows)
                return -ENOMEM;
        t->rows = rows;
        struct tui_table_row *row = &rows[t->n_rows];
        memset(row, 0, sizeof *row);
        row->tree = tree;
        row->style = style;
        for (size_t c = 0; c < t->n_columns; c++) {
                row->cells[c] = strdup(cells[c] ? cells[c] : "");
                if (!row->cells[c]) {
                        for (size_t k = 0; k < c; k++)
                                free(row->cells[k]);
                        return -ENOMEM;
                }
        }
        t->n_rows++;
        return 0;
}

void tui_table_clear_rows(struct tui_table *t) {
        for (size_t r = 0; r < t->n_rows; r++)
                for (size_t c = 0; c < t->n_columns; c++)
                        free(t->rows[r].cells[c]);
        free(t->rows);
        t->rows = NULL;
        t->n_rows = 0;
}

void tui_table_free(struct tui_table *t) { tui_table_clear_rows(t); }

static void column_widths(const struct tui_table *t, int cols, int *widths) {
        int fixed = 0, flex = -1, shown = 0;
        for (size_t c = 0; c < t->n_columns; c++) {
                widths[c] = t->columns[c].width;
                if (widths[c] < 0)
                        continue;
                if (widths[c] == 0 && flex < 0)
                        flex = (int)c;
                fixed += widths[c] + (shown++ ? 1 : 0);
        }
        if (flex >= 0)
                widths[flex] = cols - fixed > 1 ? cols - fixed : 1;
}

static void keep_selection_visible(struct tui_table *t, int visible) {
        if (t->n_rows == 0) {
                t->selected = t->top = 0;
                return;
        }
        if (t->selected >= t->n_rows)
                t->selected = t->n_rows - 1;
        if (visible < 1)
                visible = 1;
        if (t->selected < t->top)
                t->top = t->selected;
        if (t->selected >= t->top + (size_t)visible)
                t->top = t->selected - visible + 1;
        if (t->top + visible > t->n_rows)
                t->top = t->n_rows > (size_t)visible ? t->n_rows - visible : 0;
}

void tui_table_draw(struct tui_table *t, WINDOW *w, int y, int x, int rows, int cols) {
        int widths[TUI_TABLE_MAX_COLUMNS];
        column_widths(t, cols, widths);
        int cx = x;
        for (size_t c = 0; c < t->n_columns; c++) {
                if (widths[c] < 0)
                        continue;
                if (cx > x)
                        tui_put(w, y, cx++, 1, "", TUI_STYLE_HEADER);
                int width = cx + widths[c] > x + cols ? x + cols - cx : widths[c];
                if (t->columns[c].align == TUI_ALIGN_RIGHT)
                        tui_put_right(w, y, cx, width, t->columns[c].title, TUI_STYLE_HEADER);
                else
                        tui_put(w, y, cx, width, t->columns[c].title, TUI_STYLE_HEADER);
                cx += widths[c];
        }

        t->visible_rows = rows - 1;
        keep_selection_visible(t, t->visible_rows);
        for (int i = 0; i < t->visible_rows; i++) {
                size_t r = t->top + i;
                int ry = y + 1 + i;
                if (r >= t->n_rows) {
                        tui_put(w, ry, x, cols, "", TUI_STYLE_NORMAL);
                        continue;
                }
                const struct tui_table_row *row = &t->rows[r];
                enum tui_style style = r == t->selected ? TUI_STYLE_SELECTED : row->style;
                cx = x;
                for (size_t c = 0; c < t->n_columns; c++) {
                        if (widths[c] < 0)
                                continue;
                        if (cx > x)
                                tui_put(w, ry, cx++, 1, "", style);
                        int width = cx + widths[c] > x + cols ? x + cols - cx : widths[c];
                        int indent = 0;
                        if (c == 0 && row->tree != TUI_TREE_NONE && width > 4) {
                                /* " ├─ name": the tree is drawn, never typed into a string,
                                 * so it follows the line mode (ACS, UTF-8 or ASCII). */
                                tui_put(w, ry, cx, 1, "", style);
                                wattr_set(w, tui_attr(style), tui_pair(style), NULL);
                                mvwadd_wch(w, ry, cx + 1,
                                           tui_line(row->tree == TUI_TREE_LAST_CHILD ? TUI_LLCORNER : TUI_LTEE));
                                mvwadd_wch(w, ry, cx + 2, tui_line(TUI_HLINE));
                                tui_set_style(w, TUI_STYLE_NORMAL);
                                tui_put(w, ry, cx + 3, 1, "", style);
                                indent = 4;
                        }
                        if (t->columns[c].align == TUI_ALIGN_RIGHT)
                                tui_put_right(w, ry, cx + indent, width - indent, row->cells[c], style);
                        else
                                tui_put(w, ry, cx + indent, width - indent, row->cells[c], style);
                        cx += widths[c];
                }
        }
}

bool tui_table_key(struct tui_table *t, wint_t key, bool function_key) {
        size_t page = t->visible_rows > 1 ? (size_t)t->visible_rows - 1 : 1;
        size_t last = t->n_rows ? t->n_rows - 1 : 0;
        if (function_key) {
                switch (key) {
                case KEY_UP:
                        if (t->selected > 0)
                                t->selected--;
                        return true;
                case KEY_DOWN:
                        if (t->selected < last)
                                t->selected++;
                        return true;
                case KEY_PPAGE:
                        t->selected = t->selected > page ? t->selected - page : 0;
                        return true;
                case KEY_NPAGE:
                        t->selected = t->selected + page < last ? t->selected + page : last;
                        return true;
                case KEY_HOME:
                        t->selected = 0;
                        return true;
                case KEY_END:
                        t->selected = last;
                        return true;
                }
                return false;
        }
        if (key == 'k')
                return tui_table_key(t, KEY_UP, true);
        if (key == 'j')
                return tui_table_key(t, KEY_DOWN, true);
        /* Home/End/PgUp/PgDn on terminals that lack those keys (vt100). */
        if (key == 'g')
                return tui_table_key(t, KEY_HOME, true);
        if (key == 'G')
                return tui_table_key(t, KEY_END, true);
        if (key == ' ')
                return tui_table_key(t, KEY_NPAGE, true);
        if (key == 'b')
                return tui_table_key(t, KEY_PPAGE, true);
        return false;
}
