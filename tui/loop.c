/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>
#include <panel.h>

struct screen_entry {
        struct tui_screen screen;
        guint tick_source;
};

struct tui_app {
        GMainLoop *loop;
        GPtrArray *stack;          /* struct screen_entry *, bottom first */
        const struct node_context *ctx;
        WINDOW *input;             /* 1x1, never drawn: keys are read through it so
                                      reading never refreshes a visible window */
        WINDOW *small;             /* the "terminal too small" message */
        PANEL *small_panel;
        guint stdin_source;
        guint signal_sources[3];
        const struct screen_ops *lock_screen;
        struct screen_entry *lock_entry;   /* the lock screen while it is up */
        unsigned idle_lock_seconds;
        gint64 last_key_usec;              /* g_get_monotonic_time() of the last key */
        guint idle_source;
        int exit_code;
        bool running;
        bool term_started;
};

static struct screen_entry *entry_at(const struct tui_app *app, guint i) {
        return g_ptr_array_index(app->stack, i);
}

struct tui_screen *tui_top(struct tui_app *app) {
        return app->stack->len ? &entry_at(app, app->stack->len - 1)->screen : NULL;
}

bool tui_dialog_on_top(const struct tui_app *app) {
        guint n = app->stack->len;
        if (app->lock_entry && n > 0)
                n--;
        return n > 0 && entry_at(app, n - 1)->screen.ops->overlay;
}

const struct node_context *tui_app_context(struct tui_app *app) { return app->ctx; }

/* Index of the lowest screen that shows: the topmost one that is not an
 * overlay; everything below it is hidden behind it. */
static guint first_visible(struct tui_app *app) {
        guint i = app->stack->len;
        while (i > 0) {
                i--;
                if (!entry_at(app, i)->screen.ops->overlay)
                        return i;
        }
        return 0;
}

static void render(struct tui_app *app) {
        if (!app->term_started)
                return;
        if (tui_term_too_small()) {
                if (!app->small) {
                        app->small = newwin(LINES, COLS, 0, 0);
                        app->small_panel = new_panel(app->small);
                        leaveok(app->small, TRUE);
                } else {
                        move_panel(app->small_panel, 0, 0);
                        wresize(app->small, LINES, COLS);
                        replace_panel(app->small_panel, app->small);
                }
                top_panel(app->small_panel);
                show_panel(app->small_panel);
                tui_term_draw_too_small(app->small);
        } else {
                if (app->small_panel)
                        hide_panel(app->small_panel);
                for (guint i = first_visible(app); i < app->stack->len; i++) {
                        struct tui_screen *s = &entry_at(app, i)->screen;
                        s->ops->draw(s);
                }
        }
        update_panels();
        doupdate();
}

void tui_invalidate(struct tui_app *app) { (void)app; /* every event ends in a redraw */ }

void tui_flush(struct tui_app *app) { render(app); }

void tui_iterate(struct tui_app *app) {
        (void)app;
        while (g_main_context_pending(NULL))
                g_main_context_iteration(NULL, FALSE);
}

static void place(struct tui_screen *s) {
        int rows = LINES, cols = COLS, y = 0, x = 0;
        if (s->ops->overlay && s->ops->size) {
                s->ops->size(s, &rows, &cols);
                if (rows > LINES - 2)
                        rows = LINES - 2;
                if (cols > COLS - 2)
                        cols = COLS - 2;
                if (rows < 3)
                        rows = 3;
                if (cols < 10)
                        cols = 10;
                y = (LINES - rows) / 2;
                x = (COLS - cols) / 2;
                if (y < 0)
                        y = 0;
                if (x < 0)
                        x = 0;
        }
        if (!s->win) {
                s->win = newwin(rows, cols, y, x);
                s->panel = new_panel(s->win);
                leaveok(s->win, TRUE);
                return;
        }
        /* curses refuses to move a window partly off the screen, so go to the
         * corner first, resize, then move where it belongs. */
        move_panel(s->panel, 0, 0);
        wresize(s->win, rows, cols);
        replace_panel(s->panel, s->win);
        move_panel(s->panel, y, x);
}

static void resize_all(struct tui_app *app) {
        tui_term_update_size();
        for (guint i = 0; i < app->stack->len; i++) {
                struct tui_screen *s = &entry_at(app, i)->screen;
                place(s);
                if (s->ops->resize)
                        s->ops->resize(s);
        }
}

void tui_quit(struct tui_app *app, int exit_code) {
        app->exit_code = exit_code;
        app->running = false;
        g_main_loop_quit(app->loop);
}

static void handle_key(struct tui_app *app, wint_t key, bool function_key) {
        /* resizeterm() queues a KEY_RESIZE of its own; the SIGWINCH source has
         * already done the work, and redoing it here would queue another. */
        if (function_key && key == KEY_RESIZE)
                return;
        if (!function_key && key == TUI_CTRL('l')) {
                tui_term_force_repaint();
                return;
        }
        /* before the screens: no form or dialog may swallow it */
        if (!function_key && key == TUI_LOCK_KEY && app->lock_screen) {
                tui_lock(app);
                return;
        }
        if (tui_term_too_small()) {
                /* Nothing is shown to act on; only leaving still makes sense
                 * (but not past the lock screen: a restarted console could
                 * start unlocked). */
                if (!function_key && (key == 'q' || key == 'Q') && !app->lock_entry)
                        tui_quit(app, 0);
                return;
        }
        struct tui_screen *top = tui_top(app);
        if (!top)
                return;
        if (top->ops->key && top->ops->key(top, key, function_key))
                return;
        if (top->ops->overlay)
                return;
        if (!function_key && (key == 'q' || key == 'Q'))
                tui_quit(app, 0);
        else if (!function_key && key == TUI_KEY_ESC)
                tui_pop(app);
}

static gboolean on_input(gint fd, GIOCondition cond, gpointer userdata) {
        (void)fd;
        struct tui_app *app = userdata;
        wint_t key;
        enum tui_key_kind kind;
        bool any = false;
        while (app->running && (kind = tui_term_read_key(app->input, &key)) != TUI_KEY_NONE) {
                any = true;
                /* Line noise or a paste in another charset: no key anyone
                 * typed, so it neither acts nor keeps the console from
                 * locking itself. */
                if (kind == TUI_KEY_INVALID)
                        continue;
                app->last_key_usec = g_get_monotonic_time();
                if (kind == TUI_KEY_CHAR && key == TUI_KEY_ESC) {
                        /* A key the terminal description does not know (End on a
                         * "vt100" that sends ESC [ F) arrives as ESC and the rest
                         * of its sequence at once; it must not count as Esc. */
                        wint_t next;
                        enum tui_key_kind next_kind = tui_term_read_key(app->input, &next);
                        if (next_kind == TUI_KEY_CHAR && (next == '[' || next == 'O')) {
                                while (tui_term_read_key(app->input, &next) == TUI_KEY_CHAR &&
                                       !(next >= 0x40 && next <= 0x7e))
                                        ;
                                continue;
                        }
                        handle_key(app, key, false);
                        if ((next_kind == TUI_KEY_CHAR || next_kind == TUI_KEY_FUNCTION) && app->running)
                                handle_key(app, next, next_kind == TUI_KEY_FUNCTION);
                        continue;
                }
                handle_key(app, key, kind == TUI_KEY_FUNCTION);
        }
        if (!any && (cond & (G_IO_HUP | G_IO_ERR))) {
                /* The terminal went away (hang-up): nobody is left to read us. */
                tui_quit(app, 0);
                app->stdin_source = 0;
                return G_SOURCE_REMOVE;
        }
        if (app->running)
                render(app);
        return G_SOURCE_CONTINUE;
}

static gboolean on_terminate(gpointer userdata) {
        tui_quit(userdata, 0);
        return G_SOURCE_CONTINUE;
}

static gboolean on_winch(gpointer userdata) {
        struct tui_app *app = userdata;
        resize_all(app);
        render(app);
        return G_SOURCE_CONTINUE;
}

static gboolean on_tick(gpointer userdata) {
        struct screen_entry *e = userdata;
        struct tui_app *app = e->screen.app;
        guint i = 0;
        g_ptr_array_find(app->stack, e, &i);
        /* A screen hidden behind another does no work; it catches up when it
         * shows again (see tui_pop). */
        if (i < first_visible(app) || tui_term_too_small())
                return G_SOURCE_CONTINUE;
        e->screen.ops->tick(&e->screen);
        render(app);
        return G_SOURCE_CONTINUE;
}

/* ---- the lock ----------------------------------------------------------- */

bool tui_locked(const struct tui_app *app) { return app->lock_entry != NULL; }

bool tui_can_lock(const struct tui_app *app) { return app->lock_screen != NULL; }

static gboolean on_idle_check(gpointer userdata);
static void destroy_entry(struct screen_entry *e);

/* One timeout for the time left, re-armed when it fires early because keys
 * came meanwhile: no periodic wake-ups on an idle node. */
static void arm_idle_lock(struct tui_app *app, gint64 left_usec) {
        if (app->idle_source)
                g_source_remove(app->idle_source);
        app->idle_source = 0;
        if (!app->idle_lock_seconds || !app->lock_screen)
                return;
        guint ms = (guint)(left_usec / 1000) + 1;
        app->idle_source = g_timeout_add(ms, on_idle_check, app);
}

static gboolean on_idle_check(gpointer userdata) {
        struct tui_app *app = userdata;
        app->idle_source = 0;
        gint64 idle_usec = (gint64)app->idle_lock_seconds * G_USEC_PER_SEC;
        gint64 since = g_get_monotonic_time() - app->last_key_usec;
        if (app->lock_entry)
                return G_SOURCE_REMOVE;      /* re-armed by tui_unlock */
        if (since >= idle_usec) {
                tui_lock(app);
                render(app);
        } else {
                arm_idle_lock(app, idle_usec - since);
        }
        return G_SOURCE_REMOVE;
}

void tui_lock(struct tui_app *app) {
        if (!app->lock_screen || app->lock_entry)
                return;
        if (tui_push(app, app->lock_screen, NULL) < 0)
                return;
        app->lock_entry = g_ptr_array_index(app->stack, app->stack->len - 1);
}

void tui_unlock(struct tui_app *app) {
        struct screen_entry *e = app->lock_entry;
        if (!e)
                return;
        app->lock_entry = NULL;
        g_ptr_array_remove(app->stack, e);
        destroy_entry(e);
        app->last_key_usec = g_get_monotonic_time();
        arm_idle_lock(app, (gint64)app->idle_lock_seconds * G_USEC_PER_SEC);
        /* the screens below catch up with what changed while they were hidden */
        struct tui_screen *top = tui_top(app);
        if (top && !top->ops->overlay && top->ops->tick)
                top->ops->tick(top);
        tui_term_force_repaint();
}

int tui_run_outside(struct tui_app *app, int (*fn)(void *userdata), void *userdata) {
        if (!app->term_started)
                return fn(userdata);
        tui_term_suspend();
        int r = fn(userdata);
        tui_term_resume();
        resize_all(app);
        app->last_key_usec = g_get_monotonic_time();
        render(app);
        return r;
}

int tui_app_new(const struct tui_app_opts *opts, struct tui_app **out) {
        struct tui_app *app = calloc(1, sizeof *app);
        if (!app)
                return -ENOMEM;
        app->ctx = opts ? opts->ctx : NULL;
        app->lock_screen = opts ? opts->lock_screen : NULL;
        app->idle_lock_seconds = opts ? opts->idle_lock_seconds : 0;
        app->last_key_usec = g_get_monotonic_time();
        app->loop = g_main_loop_new(NULL, FALSE);
        app->stack = g_ptr_array_new();
        /* Installed before curses starts, so it leaves these signals to us. */
        app->signal_sources[0] = g_unix_signal_add(SIGTERM, on_terminate, app);
        app->signal_sources[1] = g_unix_signal_add(SIGHUP, on_terminate, app);
        app->signal_sources[2] = g_unix_signal_add(SIGWINCH, on_winch, app);
        int r = tui_term_init();
        if (r < 0) {
                tui_app_free(app);
                return r;
        }
        app->term_started = true;
        app->input = newwin(1, 1, 0, 0);
        keypad(app->input, TRUE);
        nodelay(app->input, TRUE);
        untouchwin(app->input);
        /* Keys must get through while a long lib call inside a key handler
         * iterates the loop for its progress dialog (tui_iterate), so the
         * input source may run nested in itself. */
        GSource *input = g_unix_fd_source_new(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_set_callback(input, G_SOURCE_FUNC(on_input), app, NULL);
        g_source_set_can_recurse(input, TRUE);
        app->stdin_source = g_source_attach(input, NULL);
        g_source_unref(input);
        app->running = true;
        arm_idle_lock(app, (gint64)app->idle_lock_seconds * G_USEC_PER_SEC);
        *out = app;
        return 0;
}

static void schedule_tick(struct screen_entry *e) {
        if (e->screen.ops->tick && e->screen.ops->tick_ms)
                e->tick_source = g_timeout_add(e->screen.ops->tick_ms, on_tick, e);
}

int tui_push(struct tui_app *app, const struct screen_ops *ops, void *arg) {
        struct screen_entry *e = calloc(1, sizeof *e);
        if (!e)
                return -ENOMEM;
        e->screen.ops = ops;
        e->screen.app = app;
        /* init first: an overlay's size depends on what it shows.  init must
         * not draw; the window comes right after. */
        int r = ops->init ? ops->init(&e->screen, arg) : 0;
        if (r < 0) {
                if (ops->free && e->screen.data)
                        ops->free(&e->screen);
                free(e);
                return r;
        }
        place(&e->screen);
        if (app->lock_entry) {
                /* behind the lock screen; its panel goes below the lock's too */
                g_ptr_array_insert(app->stack, (gint)app->stack->len - 1, e);
                top_panel(app->lock_entry->screen.panel);
        } else {
                g_ptr_array_add(app->stack, e);
        }
        schedule_tick(e);
        return 0;
}

static void destroy_entry(struct screen_entry *e) {
        if (e->tick_source)
                g_source_remove(e->tick_source);
        if (e->screen.ops->free)
                e->screen.ops->free(&e->screen);
        del_panel(e->screen.panel);
        delwin(e->screen.win);
        free(e);
}

void tui_pop(struct tui_app *app) {
        if (!app->stack->len)
                return;
        if (app->lock_entry) {
                /* what a finished job closes is the screen under the lock */
                if (app->stack->len >= 2)
                        destroy_entry(g_ptr_array_remove_index(app->stack, app->stack->len - 2));
                return;
        }
        struct screen_entry *e = g_ptr_array_remove_index(app->stack, app->stack->len - 1);
        bool was_opaque = !e->screen.ops->overlay;
        destroy_entry(e);
        if (!app->stack->len) {
                tui_quit(app, 0);
                return;
        }
        struct tui_screen *top = tui_top(app);
        if (was_opaque && !top->ops->overlay && top->ops->tick)
                top->ops->tick(top);
}

bool tui_remove(struct tui_app *app, const void *data) {
        for (guint i = app->stack->len; i-- > 0;) {
                if (entry_at(app, i)->screen.data != data)
                        continue;
                if (entry_at(app, i) == app->lock_entry)
                        return false;   /* only tui_unlock ends the lock */
                if (i + 1 == app->stack->len || (app->lock_entry && i + 2 == app->stack->len))
                        tui_pop(app);
                else
                        destroy_entry(g_ptr_array_remove_index(app->stack, i));
                return true;
        }
        return false;
}

int tui_app_run(struct tui_app *app) {
        render(app);
        if (app->running)
                g_main_loop_run(app->loop);
        return app->exit_code;
}

void tui_app_free(struct tui_app *app) {
        if (!app)
                return;
        if (app->idle_source)
                g_source_remove(app->idle_source);
        app->lock_entry = NULL;
        while (app->stack->len)
                destroy_entry(g_ptr_array_remove_index(app->stack, app->stack->len - 1));
        g_ptr_array_free(app->stack, TRUE);
        if (app->small_panel)
                del_panel(app->small_panel);
        if (app->small)
                delwin(app->small);
        if (app->input)
                delwin(app->input);
        if (app->stdin_source)
                g_source_remove(app->stdin_source);
        for (size_t i = 0; i < G_N_ELEMENTS(app->signal_sources); i++)
                if (app->signal_sources[i])
                        g_source_remove(app->signal_sources[i]);
        if (app->term_started)
                tui_term_end();
        g_main_loop_unref(app->loop);
        free(app);
}
