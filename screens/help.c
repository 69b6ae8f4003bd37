/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every key does, for admins on a terminal without function keys. */
#include "screens.h"

#include <errno.h>
#include <stdlib.h>

#include "i18n.h"
#include "tui/widgets.h"
#include "util.h"

static int help_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct tui_textview *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        s->data = v;
        tui_textview_init(v, 0);
        v->follow = false;
        const char *const lines[] = {
                _("nodecon is the console of this node. Every action is on a letter or a"),
                _("Ctrl key, shown at the bottom of each screen; no function keys are needed."),
                "",
                _("Everywhere"),
                _("  q        leave nodecon"),
                _("  Esc      go back to the previous screen (on the status screen: leave)"),
                _("  Ctrl-L   redraw the whole screen (after noise on a serial line)"),
                _("  Ctrl-X   lock the console (it also locks itself when left alone)"),
                _("  ?        this help"),
                "",
                _("Status screen"),
                _("  m        the menu of every screen"),
                _("  l u r    layers, upgrade, rollback (every letter of the menu works here)"),
                _("  ! (F2)   a rescue shell, after the unlock user's password"),
                _("  The values refresh every two seconds; lvm is asked in the background,"),
                _("  so a slow lvm never stops the keys or the clock."),
                "",
                _("Menu"),
                _("  s l u r   Status, Layers, Upgrade, Rollback"),
                _("  n d t e   Network, Host name/DNS/time, Network test, Engine"),
                _("  v o p     Services, Logs, Support"),
                _("  Up, Down (k, j), Enter   select and open"),
                "",
                _("Layers screen"),
                _("  Up, Down (k, j)   select a base or layer"),
                _("  PgUp, PgDn, Home, End (b, Space, g, G)   move by pages, to the ends"),
                _("  Enter    everything known about the selected one"),
                _("  d        make the selected layer the boot default (a rollback)"),
                _("  x        remove the selected layer (Delete too)"),
                _("  p        pin or unpin it: a pinned layer is never removed"),
                _("  r        read the layout again"),
                _("  Every change is checked first, said in a dialog and confirmed; only one"),
                _("  changing operation runs at a time on the node (nodecon or nodectl)."),
                "",
                _("Rollback screen"),
                _("  y, Enter the boot default goes back one layer; a restart is offered"),
                _("  r        read again    l   the layers screen"),
                "",
                _("Upgrade screen"),
                _("  Type the image's path; Tab moves to OK and Cancel, Enter checks the"),
                _("  image, Ctrl-U clears the field, Esc goes back."),
                _("  Ctrl-B (F2) browses: mounted media first, then folders and files;"),
                _("  Enter opens a folder or picks the file, Backspace goes up."),
                "",
                _("Engine screen"),
                _("  Type the engine's FQDN[:port], the node's name and address; Tab moves,"),
                _("  Enter on OK runs the checks, then the engine's CA is shown:"),
                _("  a        accept it and register the node"),
                _("  r, Esc   reject it: nothing is trusted or written"),
                _("  Ctrl-R   unregister (confirmed first)"),
                _("Network screen"),
                _("  Enter    the selected interface whole    e  edit it    x  reset it"),
                _("  Space    mark a NIC for a new bond       b  new bond   B  new bridge"),
                _("  A change is kept only when you answer k (or Enter) in time; r (or Esc)"),
                _("  puts the old settings back now, and without an answer NetworkManager"),
                _("  does it by itself."),
                "",
                _("Waiting dialogs"),
                _("  c, Esc   stop waiting for a read that takes too long"),
                "",
                _("In this help"),
                _("  Up, Down (k, j), PgUp, PgDn, Home, End (b, Space, g, G)   scroll"),
                "",
                _("Terminals"),
                _("  Lines are drawn with the terminal's line characters, UTF-8 box"),
                _("  characters or plain ASCII. On a serial console ASCII is the default;"),
                _("  NODECON_ASCII=1 forces it anywhere. NO_COLOR=1 turns colours off."),
                _("  The console needs at least 80 columns and 24 rows."),
        };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                if (tui_textview_append(v, lines[i]) < 0)
                        return -ENOMEM;
        v->top = 0;
        return 0;
}

static void help_free(struct tui_screen *s) {
        tui_textview_free(s->data);
        free(s->data);
}

static void help_draw(struct tui_screen *s) {
        const struct tui_key_help keys[] = {
                { "Up/Down", _("Scroll") },
                { "Esc", _("Back") },
                { "q", _("Quit") },
        };
        tui_frame_draw(s->win, _("nodecon: help"), NULL, keys, ELEMENTSOF(keys));
        tui_textview_draw(s->data, s->win, TUI_FRAME_BODY_TOP, 2, tui_frame_body_rows(s->win), getmaxx(s->win) - 4);
}

static bool help_key(struct tui_screen *s, wint_t key, bool function_key) {
        /* 'f' (follow) means nothing for a fixed text. */
        if (!function_key && (key == 'f' || key == 'F'))
                return true;
        return tui_textview_key(s->data, key, function_key);
}

const struct screen_ops help_screen_ops = {
        .name = "help",
        .init = help_init,
        .draw = help_draw,
        .key = help_key,
        .free = help_free,
};
