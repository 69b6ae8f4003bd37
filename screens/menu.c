/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main menu: every task of the console, each on its own letter (the same
 * letters work on the status screen).  Tasks not built yet open a page that
 * says what does the job today. */
#include "screens.h"

#include <errno.h>
#include <stdlib.h>
#include <wctype.h>

#include "i18n.h"
#include "tui/widgets.h"
#include "util.h"

const struct screen_entry_point screen_entry_points[] = {
        { 's', N_("Status"), &status_screen_ops, NULL },
        { 'l', N_("Layers"), &layers_screen_ops, NULL },
        { 'u', N_("Upgrade"), &upgrade_screen_ops, NULL },
        { 'r', N_("Rollback"), &rollback_screen_ops, NULL },
        { 'n', N_("Network"), &network_screen_ops, NULL },
        { 'd', N_("Host name, DNS, time"), &nethost_screen_ops, NULL },
        { 't', N_("Network test"), &netdiag_screen_ops, NULL },
        { 'e', N_("Engine"), &engine_screen_ops, NULL },
        { 'v', N_("Services"), &services_screen_ops, NULL },
        { 'o', N_("Logs"), &logs_screen_ops, NULL },
        { 'p', N_("Support"), &support_screen_ops, NULL },
};
const size_t screen_n_entry_points = ELEMENTSOF(screen_entry_points);

static void open_entry(struct tui_app *app, const struct screen_entry_point *ep) {
        tui_push(app, ep->ops, (void *)ep->placeholder);
}

bool screen_open_by_key(struct tui_app *app, wint_t key) {
        for (size_t i = 0; i < screen_n_entry_points; i++)
                if (towlower(key) == (wint_t)screen_entry_points[i].key) {
                        open_entry(app, &screen_entry_points[i]);
                        return true;
                }
        return false;
}

/* ---- the menu screen ----------------------------------------------------- */

struct menu_view {
        struct tui_menu_item items[16];
        struct tui_menu menu;
};

static int menu_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct menu_view *m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        for (size_t i = 0; i < screen_n_entry_points && i < ELEMENTSOF(m->items); i++)
                m->items[i] = (struct tui_menu_item){ screen_entry_points[i].key, _(screen_entry_points[i].label) };
        m->menu = (struct tui_menu){ m->items, screen_n_entry_points, 0 };
        s->data = m;
        return 0;
}

static void menu_free(struct tui_screen *s) { free(s->data); }

static void menu_draw(struct tui_screen *s) {
        struct menu_view *m = s->data;
        const struct tui_key_help keys[] = {
                { "Up/Down", _("Select") },
                { "Enter", _("Open") },
                { "?", _("Help") },
                { "^X", _("Lock") },
                { "Esc", _("Back") },
                { "q", _("Quit") },
        };
        tui_frame_draw(s->win, _("nodecon: menu"), NULL, keys, ELEMENTSOF(keys));
        tui_put(s->win, TUI_FRAME_BODY_TOP, 2, getmaxx(s->win) - 4,
                _("Type a letter, or select with the arrows and press Enter."), TUI_STYLE_NORMAL);
        tui_menu_draw(&m->menu, s->win, TUI_FRAME_BODY_TOP + 2, 4, 40);
}

static bool menu_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct menu_view *m = s->data;
        if (!function_key && key == '?') {
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        }
        /* j/k as in the other lists, for terminals without arrows */
        if (!function_key && (key == 'j' || key == 'k'))
                return menu_key(s, key == 'j' ? KEY_DOWN : KEY_UP, true);
        bool used;
        int chosen = tui_menu_key(&m->menu, key, function_key, &used);
        if (chosen < 0)
                return used;
        struct tui_app *app = s->app;
        const struct screen_entry_point *ep = &screen_entry_points[chosen];
        /* The menu makes way for the chosen screen: Esc there goes back to
         * where the menu was opened from.  Status is the home screen below. */
        tui_pop(app);
        if (ep->ops != &status_screen_ops)
                open_entry(app, ep);
        return true;
}

const struct screen_ops menu_screen_ops = {
        .name = "menu",
        .init = menu_init,
        .draw = menu_draw,
        .key = menu_key,
        .free = menu_free,
};

/* ---- a screen not built yet ---------------------------------------------- */

static int placeholder_init(struct tui_screen *s, void *arg) {
        s->data = arg;
        return arg ? 0 : -EINVAL;
}

static void placeholder_draw(struct tui_screen *s) {
        const struct placeholder *p = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "m", _("Menu") },
                { "?", _("Help") },
                { "Esc", _("Back") },
                { "q", _("Quit") },
        };
        char title[256];
        snprintf(title, sizeof title, _("nodecon: %s"), _(p->title));
        tui_frame_draw(w, title, NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        tui_put(w, y++, 2, cols, _("This screen is not built yet."), TUI_STYLE_WARNING);
        y++;
        tui_put(w, y++, 2, cols, _("What it will do"), TUI_STYLE_HEADER);
        y += tui_put_wrapped(w, y, 2, cols, 5, _(p->purpose), TUI_STYLE_NORMAL);
        y++;
        tui_put(w, y++, 2, cols, _("Until then"), TUI_STYLE_HEADER);
        tui_put_wrapped(w, y, 2, cols, 5, _(p->today), TUI_STYLE_NORMAL);
}

bool screen_menu_key(struct tui_screen *s, wint_t key) {
        if (key != 'm' && key != 'M')
                return false;
        struct tui_app *app = s->app;
        tui_pop(app);   /* s is gone from here on */
        tui_push(app, &menu_screen_ops, NULL);
        return true;
}

static bool placeholder_key(struct tui_screen *s, wint_t key, bool function_key) {
        if (function_key)
                return false;
        if (screen_menu_key(s, key))
                return true;
        if (key == '?') {
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        }
        return false;
}

const struct screen_ops placeholder_screen_ops = {
        .name = "placeholder",
        .init = placeholder_init,
        .draw = placeholder_draw,
        .key = placeholder_key,
};
