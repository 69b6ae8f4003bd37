/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The log viewer: the journal of this boot or the one before, narrowed to a
 * unit, a priority or a text, following new lines as they are written.  What
 * the admin reads when something is wrong and the network may be down. */
#include "screens.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "journal.h"
#include "tui/widgets.h"
#include "util.h"

#define LOGS_TAIL 2000          /* entries read when the view opens */
#define LOGS_KEEP 10000         /* lines kept while following */
#define LOGS_TICK_MS 2000       /* sd-journal also wants a look now and then without an event */
#define PROMPT_MAX 200

enum prompt { PROMPT_NONE, PROMPT_SEARCH, PROMPT_UNIT };

struct logs {
        struct tui_app *app;
        struct node_journal *journal;
        guint watch;                    /* the journal's fd in the main loop, 0 when not following */
        struct node_journal_filter filter;
        char unit[PROMPT_MAX + 1], grep[PROMPT_MAX + 1];
        struct tui_textview view;
        struct node_error error;        /* why the last change of filter was refused */
        enum prompt prompt;
        char typed[PROMPT_MAX + 1];
};

/* b is the text view's page up: the boots switch on o ("other boot").
 * Priority steps of the p key: everything, then ever more urgent. */
static const int priority_steps[] = { -1, 6, 5, 4, 3 };


static void append_entries(struct logs *lg, const struct node_journal_entry *entries, size_t n) {
        char line[1024];
        for (size_t i = 0; i < n; i++) {
                node_journal_entry_format(&entries[i], line, sizeof line);
                tui_textview_append(&lg->view, line);
        }
}

static void stop_watching(struct logs *lg) {
        if (lg->watch)
                g_source_remove(lg->watch);
        lg->watch = 0;
}

static void read_new_lines(struct logs *lg) {
        struct node_journal_entry *entries;
        size_t n;
        struct node_error e = {0};
        if (!lg->journal || node_journal_read_new(lg->journal, &entries, &n, &e) < 0)
                return;
        if (n) {
                append_entries(lg, entries, n);
                tui_invalidate(lg->app);
        }
        node_journal_entries_free(entries, n);
}

static gboolean on_journal_changed(gint fd, GIOCondition condition, gpointer userdata) {
        (void)fd;
        (void)condition;
        read_new_lines(userdata);
        return G_SOURCE_CONTINUE;
}

/* Opens the journal with filter f; on failure the shown lines and the
 * previous filter stay, and lg->error says why. */
static bool open_view(struct logs *lg, const struct node_journal_filter *f) {
        struct node_journal *j;
        node_error_clear(&lg->error);
        if (node_journal_open(tui_app_context(lg->app), f, &j, &lg->error) < 0)
                return false;
        struct node_journal_entry *entries;
        size_t n;
        if (node_journal_tail(j, LOGS_TAIL, &entries, &n, &lg->error) < 0) {
                node_journal_close(j);
                return false;
        }
        stop_watching(lg);
        node_journal_close(lg->journal);
        lg->journal = j;
        lg->filter = *f;
        tui_textview_free(&lg->view);
        tui_textview_init(&lg->view, LOGS_KEEP);
        append_entries(lg, entries, n);
        node_journal_entries_free(entries, n);
        lg->view.follow = true;
        /* only the running boot grows */
        uint64_t timeout;
        int fd = node_journal_wait_fd(j, &timeout);
        if (f->boot == 0 && fd >= 0)
                lg->watch = g_unix_fd_add(fd, G_IO_IN, on_journal_changed, lg);
        return true;
}

static void apply_prompt(struct logs *lg) {
        struct node_journal_filter f = lg->filter;
        char saved[PROMPT_MAX + 1];
        char *target = lg->prompt == PROMPT_UNIT ? lg->unit : lg->grep;
        snprintf(saved, sizeof saved, "%s", target);
        snprintf(target, PROMPT_MAX + 1, "%s", lg->typed);
        f.unit = lg->unit[0] ? lg->unit : NULL;
        f.grep = lg->grep[0] ? lg->grep : NULL;
        if (!open_view(lg, &f))
                snprintf(target, PROMPT_MAX + 1, "%s", saved);
        lg->prompt = PROMPT_NONE;
}

static bool prompt_key(struct logs *lg, wint_t key, bool function_key) {
        size_t len = strlen(lg->typed);
        bool enter = function_key ? key == KEY_ENTER : (key == '\r' || key == '\n');
        if (enter) {
                apply_prompt(lg);
        } else if (!function_key && key == 27) {
                lg->prompt = PROMPT_NONE;
        } else if ((function_key && key == KEY_BACKSPACE) || (!function_key && (key == 127 || key == 8))) {
                /* drop the last character, not the last byte of it */
                while (len > 0 && ((unsigned char)lg->typed[len - 1] & 0xc0) == 0x80)
                        len--;
                if (len > 0)
                        len--;
                lg->typed[len] = '\0';
        } else if (!function_key && key == 21) { /* ^U */
                lg->typed[0] = '\0';
        } else if (!function_key && key >= ' ' && key != 127) {
                char mb[8];
                int n = wctomb(mb, (wchar_t)key);
                if (n > 0 && len + (size_t)n <= PROMPT_MAX) {
                        memcpy(lg->typed + len, mb, (size_t)n);
                        lg->typed[len + (size_t)n] = '\0';
                }
        }
        return true;
}

static void start_prompt(struct logs *lg, enum prompt p) {
        lg->prompt = p;
        snprintf(lg->typed, sizeof lg->typed, "%s", p == PROMPT_UNIT ? lg->unit : lg->grep);
}

static void next_priority(struct logs *lg) {
        size_t i = 0;
        while (i < ELEMENTSOF(priority_steps) && priority_steps[i] != lg->filter.max_priority)
                i++;
        struct node_journal_filter f = lg->filter;
        f.max_priority = priority_steps[(i + 1) % ELEMENTSOF(priority_steps)];
        open_view(lg, &f);
}

static void toggle_boot(struct logs *lg) {
        struct node_journal_filter f = lg->filter;
        f.boot = f.boot == 0 ? -1 : 0;
        open_view(lg, &f);
}

static int logs_init(struct tui_screen *s, void *arg) {
        const char *unit = arg;
        struct logs *lg = calloc(1, sizeof *lg);
        if (!lg)
                return -ENOMEM;
        lg->app = s->app;
        tui_textview_init(&lg->view, LOGS_KEEP);
        s->data = lg;
        if (unit)
                snprintf(lg->unit, sizeof lg->unit, "%s", unit);
        struct node_journal_filter f = { .boot = 0, .max_priority = -1, .unit = unit ? lg->unit : NULL };
        lg->filter = f;
        open_view(lg, &f);
        return 0;
}

static void logs_draw(struct tui_screen *s) {
        struct logs *lg = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "o", lg->filter.boot == 0 ? _("Previous boot") : _("This boot") }, { "p", _("Priority") }, { "u", _("Unit") }, { "/", _("Search") },
                { "f", _("Follow") }, { "G", _("End") }, { "Esc", _("Back") },
        };
        const struct tui_key_help prompt_keys[] = {
                { "Enter", _("Apply") }, { "^U", _("Clear") }, { "Esc", _("Cancel") },
        };
        const char *status = lg->filter.boot == 0 ? (lg->view.follow ? _("following") : _("paused")) : NULL;
        tui_frame_draw(w, lg->filter.boot == 0 ? _("nodecon: logs of this boot") : _("nodecon: logs of the previous boot"),
                       status, lg->prompt ? prompt_keys : keys,
                       lg->prompt ? ELEMENTSOF(prompt_keys) : ELEMENTSOF(keys));
        int cols = getmaxx(w), y = TUI_FRAME_BODY_TOP, rows = tui_frame_body_rows(w);

        char priority[64], filters[512];
        const char *pname = node_journal_priority_name(lg->filter.max_priority);
        if (pname)
                snprintf(priority, sizeof priority, _("%s and worse"), pname);
        else
                snprintf(priority, sizeof priority, "%s", _("all"));
        snprintf(filters, sizeof filters,
                 P_("Unit: %s   Priority: %s   Search: %s   %zu line", "Unit: %s   Priority: %s   Search: %s   %zu lines",
                    lg->view.n_lines),
                 lg->unit[0] ? lg->unit : _("all"), priority, lg->grep[0] ? lg->grep : _("none"), lg->view.n_lines);
        tui_put(w, y, 1, cols - 2, filters, TUI_STYLE_LABEL);

        int view_rows = rows - 2;
        if (lg->error.message[0])
                view_rows--;
        if (lg->prompt)
                view_rows--;
        int row = y + 1;
        if (!lg->journal) {
                tui_put_wrapped(w, row, 1, cols - 2, view_rows, _("The journal cannot be read."), TUI_STYLE_ERROR);
        } else if (lg->view.n_lines == 0) {
                tui_put(w, row, 1, cols - 2, _("No log lines match."), TUI_STYLE_WARNING);
        } else {
                tui_textview_draw(&lg->view, w, row, 1, view_rows, cols - 2);
        }
        row += view_rows;
        if (lg->error.message[0])
                tui_put(w, row++, 1, cols - 2, lg->error.message, TUI_STYLE_ERROR);
        if (lg->prompt) {
                char line[PROMPT_MAX + 64];
                snprintf(line, sizeof line, "%s %s_", lg->prompt == PROMPT_UNIT ? _("Unit (empty: all):") : _("Search:"),
                         lg->typed);
                tui_put(w, row, 1, cols - 2, line, TUI_STYLE_SELECTED);
        }
}

static bool logs_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct logs *lg = s->data;
        if (lg->prompt)
                return prompt_key(lg, key, function_key);
        if (tui_textview_key(&lg->view, key, function_key))
                return true;
        if (function_key)
                return false;
        if (screen_menu_key(s, key))
                return true;
        switch (key) {
        case 'o': toggle_boot(lg); return true;
        case 'p': next_priority(lg); return true;
        case 'u': start_prompt(lg, PROMPT_UNIT); return true;
        case '/': start_prompt(lg, PROMPT_SEARCH); return true;
        case 'r': open_view(lg, &lg->filter); return true;
        default: return false;
        }
}

static void logs_tick(struct tui_screen *s) {
        struct logs *lg = s->data;
        if (lg->filter.boot == 0)
                read_new_lines(lg);
}

static void logs_free(struct tui_screen *s) {
        struct logs *lg = s->data;
        if (!lg)
                return;
        stop_watching(lg);
        node_journal_close(lg->journal);
        tui_textview_free(&lg->view);
        free(lg);
}

const struct screen_ops logs_screen_ops = {
        .name = "logs",
        .init = logs_init,
        .draw = logs_draw,
        .key = logs_key,
        .tick = logs_tick,
        .tick_ms = LOGS_TICK_MS,
        .free = logs_free,
};
