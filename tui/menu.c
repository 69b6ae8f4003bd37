/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "widgets.h"

#include <wctype.h>

void tui_menu_draw(const struct tui_menu *m, WINDOW *w, int y, int x, int cols) {
        for (size_t i = 0; i < m->n_items; i++) {
                enum tui_style style = i == m->selected ? TUI_STYLE_SELECTED : TUI_STYLE_NORMAL;
                char key[2] = { m->items[i].key, '\0' };
                tui_put(w, y + (int)i, x, 3, key, i == m->selected ? style : TUI_STYLE_HELP_KEY);
                tui_put(w, y + (int)i, x + 3, cols - 3, m->items[i].label, style);
        }
}

int tui_menu_key(struct tui_menu *m, wint_t key, bool function_key, bool *used) {
        *used = true;
        if (function_key) {
                if (key == KEY_UP && m->selected > 0)
                        m->selected--;
                else if (key == KEY_DOWN && m->selected + 1 < m->n_items)
                        m->selected++;
                else if (key == KEY_ENTER)
                        return (int)m->selected;
                else
                        *used = key == KEY_UP || key == KEY_DOWN;
                return -1;
        }
        if (key == '\r' || key == '\n')
                return (int)m->selected;
        for (size_t i = 0; i < m->n_items; i++)
                if (towlower(key) == (wint_t)towlower((wint_t)(unsigned char)m->items[i].key)) {
                        m->selected = i;
                        return (int)i;
                }
        *used = false;
        return -1;
}
