/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the network screens share: NetworkManager opened from a worker
 * thread, the node lock and the audit record of a change, and the one
 * "Keep these settings? Reverting in N s" countdown that follows every change
 * made inside an NM checkpoint (the interface edit, reset, bond and bridge
 * forms; the host name, DNS, time form).  Keep and revert run in a worker
 * under the node lock; one that fails leaves the question open.  Nobody
 * answering (a change that cut the admin off, a frozen terminal) is the safe
 * case: NM rolls the change back by itself when the checkpoint times out,
 * and the countdown watches the checkpoint until it has, then says so. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "i18n.h"
#include "lock.h"
#include "network.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define COUNTDOWN_MAX_COLS 64
#define COUNTDOWN_TICK_MS 250
/* border, blank, (what), blank, state, the hint's two rows, blank, buttons, border */
#define COUNTDOWN_FIXED_ROWS 9
/* How long after its deadline the countdown waits to see NM's rollback. */
#define ROLLBACK_WATCH_TRIES 40
#define ROLLBACK_WATCH_STEP_US 250000UL

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

int screen_nm_run(screen_nm_work_fn work, void *input, struct node_error *e) {
        struct screen_nm nm;
        int r = screen_nm_open(&nm, e);
        if (r < 0)
                return r;
        r = work(nm.net, input, e);
        screen_nm_close(&nm);
        return r;
}

void screen_net_audit(const char *action, const char *arguments, int r, const struct node_error *e) {
        struct node_audit_record rec = {
                .kind = NODE_AUDIT_NETWORK, .program = "nodecon", .action = action, .arguments = arguments,
                .success = r >= 0, .exit_code = r >= 0 ? 0 : 1, .error = r < 0 && e ? e->message : NULL,
        };
        struct node_error ignored = { 0 };
        node_audit_write(&rec, &ignored);   /* a node without journald keeps no trail */
}

bool screen_net_lock(struct tui_app *app, struct node_lock *lock) {
        struct node_error e = { 0 };
        if (node_lock_acquire(tui_app_context(app), lock, &e) == 0)
                return true;
        char text[1200];
        snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
        tui_dialog_push(app, TUI_DIALOG_ERROR, _("Another operation is running"), text, NULL, NULL);
        return false;
}

unsigned screen_net_seconds_left(struct node_net *net, const struct node_context *ctx,
                                 const struct node_net_applied *applied) {
        /* the checkpoint's clock ran while NM connected the interface: count from it */
        struct node_net_pending pending = { 0 };
        struct node_error ignored = { 0 };
        unsigned seconds = applied->timeout;
        if (node_net_get_pending(net, ctx, &pending, &ignored) == 0 && pending.active)
                seconds = pending.seconds_left;
        node_net_pending_free(&pending);
        return seconds;
}

/* ---- the countdown ---------------------------------------------------------- */

enum countdown_phase {
        COUNTDOWN_ASKING,
        COUNTDOWN_KEEPING,     /* the confirmation runs */
        COUNTDOWN_REVERTING,   /* the revert runs */
        COUNTDOWN_EXPIRED,     /* NM's timeout ran out: waiting to see its rollback */
};

struct countdown {
        struct tui_app *app;
        char iface[16];              /* the audit record names it */
        char what[1600];
        gint64 deadline_us;          /* monotonic */
        enum countdown_phase phase;
        struct tui_job *job;
};

struct end_job {
        const struct node_context *ctx;
        bool keep;
        struct node_lock lock;
        bool still_pending;          /* the rollback watch: NM has not rolled back yet */
};

static void free_end_job(void *input) {
        struct end_job *j = input;
        node_lock_release(&j->lock);
        free(j);
}

static int end_change(struct node_net *net, void *input, struct node_error *e) {
        struct end_job *j = input;
        return j->keep ? node_net_confirm(net, j->ctx, e) : node_net_revert(net, j->ctx, e);
}

static int run_end(void *input, struct node_error *e) { return screen_nm_run(end_change, input, e); }

static int check_pending(struct node_net *net, void *input, struct node_error *e) {
        struct end_job *j = input;
        struct node_net_pending pending;
        int r = node_net_get_pending(net, j->ctx, &pending, e);
        j->still_pending = r == 0 && pending.active;
        node_net_pending_free(&pending);
        return r;
}

/* NM rolls back when its timer fires: look until the checkpoint is gone. */
static int run_watch(void *input, struct node_error *e) {
        struct end_job *j = input;
        int r = 0;
        for (int i = 0; i < ROLLBACK_WATCH_TRIES; i++) {
                r = screen_nm_run(check_pending, input, e);
                if (r < 0 || !j->still_pending)
                        return r;
                g_usleep(ROLLBACK_WATCH_STEP_US);
        }
        return r;
}

static void watch_done(struct tui_app *app, int r, const struct node_error *e, const struct end_job *j) {
        if (r < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change was not kept"), e->message, NULL, NULL);
        else if (j->still_pending)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change was not kept"),
                                _("The time to keep the settings ran out, but NetworkManager has not put the "
                                  "old ones back yet: look at the list again in a moment."),
                                NULL, NULL);
        else
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Settings reverted"),
                                _("Nobody kept the new settings in time: NetworkManager put back the settings "
                                  "from before the change."),
                                NULL, NULL);
}

static void end_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        struct end_job *j = input;
        struct countdown *cd = userdata;
        cd->job = NULL;
        node_lock_release(&j->lock);
        if (cd->phase == COUNTDOWN_EXPIRED) {
                tui_remove(app, cd);
                watch_done(app, r, e, j);
                return;
        }
        screen_net_audit(j->keep ? "network confirm" : "network revert", cd->iface, r, e);
        if (r < 0 && r != -ENOENT) {
                /* the change still waits: the admin may try again */
                cd->phase = COUNTDOWN_ASKING;
                tui_dialog_push(app, TUI_DIALOG_ERROR,
                                j->keep ? _("The change could not be kept") : _("The change could not be reverted"),
                                e->message, NULL, NULL);
                return;
        }
        tui_remove(app, cd);
        if (r == -ENOENT)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change was not kept"), e->message, NULL, NULL);
        else if (j->keep)
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Settings kept"), _("The new network settings stay."), NULL,
                                NULL);
        else
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Settings reverted"),
                                _("The network settings from before the change are back."), NULL, NULL);
}

static void countdown_start_job(struct countdown *cd, enum countdown_phase phase) {
        struct end_job *j = calloc(1, sizeof *j);
        if (!j)
                return;
        j->ctx = tui_app_context(cd->app);
        j->lock = (struct node_lock)NODE_LOCK_INIT;
        j->keep = phase == COUNTDOWN_KEEPING;
        /* the watch changes nothing: no lock */
        if (phase != COUNTDOWN_EXPIRED && !screen_net_lock(cd->app, &j->lock)) {
                free_end_job(j);
                return;
        }
        struct tui_job_spec spec = {
                .run = phase == COUNTDOWN_EXPIRED ? run_watch : run_end, .done = end_done, .input = j,
                .free_input = free_end_job, .userdata = cd,
        };
        cd->phase = phase;
        if (tui_job_start(cd->app, &spec, &cd->job) == 0)
                return;
        cd->job = NULL;
        cd->phase = COUNTDOWN_ASKING;
        /* the watch is tried again at the next tick; an answer waits for the admin again */
        if (phase != COUNTDOWN_EXPIRED)
                tui_dialog_push(cd->app, TUI_DIALOG_ERROR,
                                phase == COUNTDOWN_KEEPING ? _("The change could not be kept")
                                                           : _("The change could not be reverted"),
                                _("No worker could be started; NetworkManager reverts the change when the time is up."),
                                NULL, NULL);
}

struct countdown_args {
        const char *iface, *what;
        unsigned seconds;
};

static int countdown_init(struct tui_screen *s, void *arg) {
        const struct countdown_args *a = arg;
        struct countdown *cd = calloc(1, sizeof *cd);
        if (!cd)
                return -ENOMEM;
        cd->app = s->app;
        snprintf(cd->iface, sizeof cd->iface, "%s", a->iface);
        snprintf(cd->what, sizeof cd->what, "%s", a->what);
        cd->deadline_us = g_get_monotonic_time() + (gint64)a->seconds * G_USEC_PER_SEC;
        cd->phase = COUNTDOWN_ASKING;
        s->data = cd;
        return 0;
}

static void countdown_free(struct tui_screen *s) {
        struct countdown *cd = s->data;
        tui_job_abandon(cd->job);
        free(cd);
}

static int countdown_cols(void) { return COLS - 6 < COUNTDOWN_MAX_COLS ? COLS - 6 : COUNTDOWN_MAX_COLS; }

/* The rows the sentence about the change may take: all it needs, as long as
 * the dialog fits on the terminal. */
static int what_rows(const struct countdown *cd) {
        int widest, rows = tui_wrapped_rows(cd->what, countdown_cols() - 4, &widest);
        int most = LINES - 2 - COUNTDOWN_FIXED_ROWS;
        if (rows > most)
                rows = most;
        return rows > 1 ? rows : 1;
}

static void countdown_size(struct tui_screen *s, int *rows, int *cols) {
        *cols = countdown_cols();
        *rows = what_rows(s->data) + COUNTDOWN_FIXED_ROWS;
}

static unsigned seconds_left(const struct countdown *cd) {
        gint64 left = cd->deadline_us - g_get_monotonic_time();
        return left > 0 ? (unsigned)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

static void countdown_draw(struct tui_screen *s) {
        struct countdown *cd = s->data;
        WINDOW *w = s->win;
        int rows = getmaxy(w), cols = getmaxx(w);
        tui_dialog_frame(w, TUI_STYLE_DIALOG, _("Keep these settings?"));
        int y = 2 + tui_put_wrapped(w, 2, 2, cols - 4, rows - COUNTDOWN_FIXED_ROWS, cd->what, TUI_STYLE_DIALOG) + 1;
        char text[160];
        switch (cd->phase) {
        case COUNTDOWN_ASKING:
                snprintf(text, sizeof text, _("Keep these settings? Reverting in %u s"), seconds_left(cd));
                tui_put(w, y, 2, cols - 4, text, TUI_STYLE_WARNING);
                break;
        case COUNTDOWN_KEEPING:
                tui_put(w, y, 2, cols - 4, _("Keeping the new settings..."), TUI_STYLE_DIALOG);
                break;
        case COUNTDOWN_REVERTING:
                tui_put(w, y, 2, cols - 4, _("Putting the old settings back..."), TUI_STYLE_DIALOG);
                break;
        case COUNTDOWN_EXPIRED:
                tui_put(w, y, 2, cols - 4, _("Time is up: NetworkManager puts the old settings back."),
                        TUI_STYLE_WARNING);
                break;
        }
        tui_put_wrapped(w, y + 1, 2, cols - 4, 2,
                        _("Lost the connection? Do nothing: the old settings come back by themselves."),
                        TUI_STYLE_DIALOG);
        if (cd->phase == COUNTDOWN_ASKING) {
                const char *keep = _("k/Enter Keep"), *revert = _("r/Esc Revert now");
                int width = tui_text_width(keep) + tui_text_width(revert) + 10;
                int x = (cols - width) / 2;
                char button[64];
                snprintf(button, sizeof button, "< %s >", keep);
                tui_put(w, rows - 2, x, tui_text_width(button), button, TUI_STYLE_SELECTED);
                snprintf(button, sizeof button, "< %s >", revert);
                tui_put(w, rows - 2, x + tui_text_width(keep) + 6, tui_text_width(button), button, TUI_STYLE_DIALOG);
        }
}

/* k/Enter keep, r/Esc revert, as the buttons say; y and n answer the
 * question in the title too. */
static bool countdown_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct countdown *cd = s->data;
        if (cd->phase != COUNTDOWN_ASKING)
                return true;
        bool keep = function_key ? key == KEY_ENTER
                                 : key == 'k' || key == 'K' || key == 'y' || key == 'Y' || key == '\r' || key == '\n';
        bool revert = !function_key && (key == 'r' || key == 'R' || key == 'n' || key == 'N' || key == TUI_KEY_ESC);
        if (keep || revert)
                countdown_start_job(cd, keep ? COUNTDOWN_KEEPING : COUNTDOWN_REVERTING);
        return true;
}

static void countdown_tick(struct tui_screen *s) {
        struct countdown *cd = s->data;
        if (cd->phase == COUNTDOWN_ASKING && seconds_left(cd) == 0)
                countdown_start_job(cd, COUNTDOWN_EXPIRED);
        tui_invalidate(cd->app);
}

static const struct screen_ops countdown_ops = {
        .name = "net-confirm",
        .overlay = true,
        .size = countdown_size,
        .init = countdown_init,
        .draw = countdown_draw,
        .key = countdown_key,
        .tick = countdown_tick,
        .tick_ms = COUNTDOWN_TICK_MS,
        .free = countdown_free,
};

int screen_net_confirm_push(struct tui_app *app, const char *iface, const char *what, unsigned seconds_left) {
        struct countdown_args args = { iface, what, seconds_left };
        return tui_push(app, &countdown_ops, &args);
}
