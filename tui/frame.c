/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "widgets.h"

int tui_frame_body_rows(WINDOW *w) {
        int rows = getmaxy(w) - TUI_FRAME_BODY_TOP - 1;
        return rows > 0 ? rows : 0;
}

static int key_width(const struct tui_key_help *k) {
        return tui_text_width(k->key) + 1 + tui_text_width(k->label);
}

static void put_key(WINDOW *w, int y, int x, const struct tui_key_help *k) {
        int key_cols = tui_text_width(k->key);
        tui_put(w, y, x, key_cols, k->key, TUI_STYLE_HELP_KEY);
        tui_put(w, y, x + key_cols + 1, tui_text_width(k->label), k->label, TUI_STYLE_HELP);
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
                total += key_width(&keys[i]) + (i ? 2 : 0);
        const struct tui_key_help *way_out = n_keys > 1 && x + total > end ? &keys[n_keys - 1] : NULL;
        if (way_out)
                end -= key_width(way_out) + 2;
        for (size_t i = 0; i < n_keys - (way_out ? 1 : 0); i++) {
                if (x + key_width(&keys[i]) > end)
                        continue;
                put_key(w, y, x, &keys[i]);
                x += key_width(&keys[i]) + 2;
        }
        if (way_out && x + key_width(way_out) <= cols - 1)
                put_key(w, y, x, way_out);
}
