/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the network screens share: NetworkManager opened from a worker
 * thread, and the "Keep these settings? Reverting in N s" countdown that
 * follows every change made inside an NM checkpoint.  Nobody answering (a
 * change that cut the admin off, a frozen terminal) is the safe case: NM
 * rolls the change back by itself when the checkpoint times out; the dialog
 * only says so. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "lock.h"
#include "network.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

/* libnm iterates its thread's default main context while it waits: a worker
 * gets one of its own, or it would wait on the main loop's. */
int screen_nm_open(struct screen_nm *nm, struct node_error *e) {
        nm->net = NULL;
        nm->context = g_main_context_new();
        g_main_context_push_thread_default(nm->context);
        int r = node_net_open(&nm->net, e);
        if (r < 0)
                screen_nm_close(nm);
        return r;
}

void screen_nm_close(struct screen_nm *nm) {
        if (!nm->context)
                return;
        if (nm->net)
                node_net_close(nm->net);
        g_main_context_pop_thread_default(nm->context);
        g_main_context_unref(nm->context);
        *nm = (struct screen_nm){ 0 };
}

/* ---- keep or revert, in a worker ------------------------------------------ */

struct answer_job {
        const struct node_context *ctx;
        bool keep;
        struct node_lock lock;
};

static void free_answer(void *input) {
        struct answer_job *a = input;
        node_lock_release(&a->lock);
        free(a);
}

static int run_answer(void *input, struct node_error *e) {
        struct answer_job *a = input;
        struct screen_nm nm;
        int r = screen_nm_open(&nm, e);
        if (r < 0)
                return r;
        r = a->keep ? node_net_confirm(nm.net, a->ctx, e) : node_net_revert(nm.net, a->ctx, e);
        screen_nm_close(&nm);
        return r;
}

static void answer_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct answer_job *a = input;
        if (r < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR,
                                a->keep ? _("The change could not be kept") : _("The change could not be undone"),
                                e->message, NULL, NULL);
        else
                tui_dialog_push(app, TUI_DIALOG_INFO, a->keep ? _("Settings kept") : _("Settings reverted"),
                                a->keep ? _("The new network settings stay.")
                                        : _("The network settings from before the change are back."),
                                NULL, NULL);
}

static void start_answer(struct tui_app *app, bool keep) {
        struct answer_job *a = calloc(1, sizeof *a);
        if (!a)
                return;
        a->ctx = tui_app_context(app);
        a->keep = keep;
        a->lock = (struct node_lock)NODE_LOCK_INIT;
        struct node_error e = { 0 };
        if (node_lock_acquire(a->ctx, &a->lock, &e) < 0) {
                free_answer(a);
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Another operation is running"), e.message, NULL, NULL);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_answer, .done = answer_done, .input = a, .free_input = free_answer,
                .title = keep ? _("Keeping the settings") : _("Reverting the settings"),
                .step = _("Asking NetworkManager"), .dialog_after_ms = 300,
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change could not be kept"),
                                _("No worker could be started; NetworkManager reverts the change when the time is up."),
                                NULL, NULL);
}

/* ---- the countdown ---------------------------------------------------------- */

#define COUNTDOWN_COLS 60

struct countdown {
        char what[512];
        struct timespec deadline;       /* CLOCK_MONOTONIC */
        int focus;                      /* 0: Keep, 1: Revert */
};

static long seconds_left(const struct countdown *c) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = (long)(c->deadline.tv_sec - now.tv_sec);
        if (c->deadline.tv_nsec > now.tv_nsec)
                left++;
        return left < 0 ? 0 : left;
}

struct countdown_args {
        const char *what;
        unsigned timeout;
};

static int countdown_init(struct tui_screen *s, void *arg) {
        const struct countdown_args *a = arg;
        struct countdown *c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        snprintf(c->what, sizeof c->what, "%s", a->what);
        clock_gettime(CLOCK_MONOTONIC, &c->deadline);
        c->deadline.tv_sec += a->timeout;
        s->data = c;
        return 0;
}

static void countdown_free(struct tui_screen *s) { free(s->data); }

static void countdown_size(struct tui_screen *s, int *rows, int *cols) {
        struct countdown *c = s->data;
        int width = COLS - 4 < COUNTDOWN_COLS ? COLS - 4 : COUNTDOWN_COLS;
        int widest;
        /* border, blank, what, blank, question, countdown, blank, buttons, border */
        *rows = tui_wrapped_rows(c->what, width - 4, &widest) + 8;
        *cols = width;
}

static void countdown_draw(struct tui_screen *s) {
        struct countdown *c = s->data;
        WINDOW *w = s->win;
        int rows = getmaxy(w), cols = getmaxx(w);
        werase(w);
        tui_set_style(w, TUI_STYLE_DIALOG);
        tui_box(w, 0, 0, rows, cols);
        tui_set_style(w, TUI_STYLE_NORMAL);
        const char *title = _(" Network changed ");
        int tw = tui_text_width(title) < cols - 4 ? tui_text_width(title) : cols - 4;
        tui_put(w, 0, (cols - tw) / 2, tw, title, TUI_STYLE_HEADER);
        int y = 2 + tui_put_wrapped(w, 2, 2, cols - 4, rows - 8, c->what, TUI_STYLE_DIALOG);
        y++;
        tui_put(w, y++, 2, cols - 4, _("Keep these settings?"), TUI_STYLE_HEADER);
        char text[160];
        snprintf(text, sizeof text, _("Reverting in %ld s unless you keep them."), seconds_left(c));
        tui_put(w, y, 2, cols - 4, text, TUI_STYLE_WARNING);
        const char *keep = _("Keep"), *revert = _("Revert");
        char b1[64], b2[64];
        snprintf(b1, sizeof b1, "< %s >", keep);
        snprintf(b2, sizeof b2, "< %s >", revert);
        int x = (cols - tui_text_width(b1) - tui_text_width(b2) - 2) / 2;
        tui_put(w, rows - 2, x, tui_text_width(b1), b1, c->focus == 0 ? TUI_STYLE_SELECTED : TUI_STYLE_DIALOG);
        tui_put(w, rows - 2, x + tui_text_width(b1) + 2, tui_text_width(b2), b2,
                c->focus == 1 ? TUI_STYLE_SELECTED : TUI_STYLE_DIALOG);
}

static void answer(struct tui_screen *s, bool keep) {
        struct tui_app *app = s->app;
        tui_pop(app);
        start_answer(app, keep);
}

static void countdown_tick(struct tui_screen *s) {
        if (seconds_left(s->data) > 0) {
                tui_invalidate(s->app);
                return;
        }
        struct tui_app *app = s->app;
        tui_pop(app);
        tui_dialog_push(app, TUI_DIALOG_INFO, _("Settings reverted"),
                        _("Nobody kept the change in time: NetworkManager put back the settings from before."), NULL,
                        NULL);
}

/* k/y/Enter keep, r/n/Esc revert: the letters of both words, for serial lines. */
static bool countdown_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct countdown *c = s->data;
        if (function_key) {
                if (key == KEY_LEFT || key == KEY_RIGHT || key == KEY_BTAB)
                        c->focus = !c->focus;
                else if (key == KEY_ENTER)
                        answer(s, c->focus == 0);
                return true;
        }
        if (key == '\t')
                c->focus = !c->focus;
        else if (key == '\r' || key == '\n' || key == ' ')
                answer(s, c->focus == 0);
        else if (key == 'k' || key == 'K' || key == 'y' || key == 'Y')
                answer(s, true);
        else if (key == 'r' || key == 'R' || key == 'n' || key == 'N' || key == TUI_KEY_ESC)
                answer(s, false);
        return true;
}

static const struct screen_ops countdown_ops = {
        .name = "net-confirm",
        .overlay = true,
        .size = countdown_size,
        .init = countdown_init,
        .draw = countdown_draw,
        .key = countdown_key,
        .tick = countdown_tick,
        .tick_ms = 500,
        .free = countdown_free,
};

int screen_net_confirm_push(struct tui_app *app, const char *what, unsigned timeout) {
        struct countdown_args args = { what, timeout };
        return tui_push(app, &countdown_ops, &args);
}
