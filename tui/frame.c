/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "widgets.h"

int tui_frame_body_rows(WINDOW *w) {
        int rows = getmaxy(w) - TUI_FRAME_BODY_TOP - 1;
        return rows > 0 ? rows : 0;
}

void tui_frame_draw(WINDOW *w, const char *title, const char *status,
                    const struct tui_key_help *keys, size_t n_keys) {
        int rows = getmaxy(w), cols = getmaxx(w);
        werase(w);

        int status_width = status ? tui_text_width(status) + 1 : 0;
        if (status_width > cols / 2)
                status_width = cols / 2;
        tui_put(w, 0, 0, 1, "", TUI_STYLE_TITLE);
        tui_put(w, 0, 1, cols - 1 - status_width, title, TUI_STYLE_TITLE);
        if (status_width)
                tui_put_right(w, 0, cols - status_width, status_width - 1, status, TUI_STYLE_TITLE);
        if (status_width)
                tui_put(w, 0, cols - 1, 1, "", TUI_STYLE_TITLE);

        /* "q Quit  l Layers": the key stands out, then its meaning.  The
         * last key is the way out (Esc Back, q Quit): when the line is too
         * short for all (80 columns, a longer language), it keeps its place
         * at the end and the keys before it that do not fit are left out. */
        int x = 1, y = rows - 1, end = cols - 1, total = 0;
        for (size_t i = 0; i < n_keys; i++)
                total += tui_text_width(keys[i].key) + 1 + tui_text_width(keys[i].label) + (i ? 2 : 0);
        size_t n_fill = n_keys;
        if (n_keys > 1 && x + total > end) {
                n_fill = n_keys - 1;
                end -= tui_text_width(keys[n_fill].key) + 1 + tui_text_width(keys[n_fill].label) + 2;
        }
        for (size_t i = 0; i < n_fill; i++) {
                int kw = tui_text_width(keys[i].key), lw = tui_text_width(keys[i].label);
                if (x + kw + 1 + lw > end)
                        continue;
                tui_put(w, y, x, kw, keys[i].key, TUI_STYLE_HELP_KEY);
                tui_put(w, y, x + kw + 1, lw, keys[i].label, TUI_STYLE_HELP);
                x += kw + 1 + lw + 2;
        }
        int kw = n_fill < n_keys ? tui_text_width(keys[n_fill].key) : 0;
        int lw = n_fill < n_keys ? tui_text_width(keys[n_fill].label) : 0;
        if (n_fill < n_keys && x + kw + 1 + lw <= cols - 1) {
                tui_put(w, y, x, kw, keys[n_fill].key, TUI_STYLE_HELP_KEY);
                tui_put(w, y, x + kw + 1, lw, keys[n_fill].label, TUI_STYLE_HELP);
        }
}
