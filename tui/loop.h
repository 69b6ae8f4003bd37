/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The main loop and the screen stack.  One GLib main loop (libnm needs a GLib
 * main context) serves key input, screen timers and signals, so a screen
 * waiting for keys never freezes a live value.  A screen is a const table of
 * operations, like tmux's window modes; the loop owns each screen's window
 * and panel, and redraws after every event: screens draw their whole state
 * and curses sends only the cells that changed. */

#include <stdbool.h>

#include <glib.h>

#include "term.h"
#include "context.h"

struct tui_app;
struct tui_screen;

struct screen_ops {
        const char *name;
        /* An overlay (dialog) is drawn over the screen below it, in a window
         * of the size size() asks for; other screens get the whole terminal. */
        bool overlay;
        void (*size)(struct tui_screen *s, int *rows, int *cols);
        /* arg is what tui_push() was given.  Returns 0 or a negative errno
         * (then free() is called if data was set).  s->win does not exist yet. */
        int (*init)(struct tui_screen *s, void *arg);
        /* Draws everything into s->win (which the loop has not erased). */
        void (*draw)(struct tui_screen *s);
        /* Returns true when the key was used; unused keys of an overlay are
         * dropped, those of a screen fall back to the global keys. */
        bool (*key)(struct tui_screen *s, wint_t key, bool is_function_key);
        void (*resize)(struct tui_screen *s);
        /* Called every tick_ms while the screen is on top (0: never). */
        void (*tick)(struct tui_screen *s);
        unsigned tick_ms;
        void (*free)(struct tui_screen *s);
};

struct tui_screen {
        const struct screen_ops *ops;
        struct tui_app *app;
        void *data;
        WINDOW *win;
        void *panel;               /* PANEL *, kept opaque for screens */
};

struct tui_app_opts {
        const struct node_context *ctx;
        /* The lock screen (screens/lock.c), or NULL for a console that never
         * locks.  While it is up it stays on top of everything: screens
         * pushed meanwhile (a job's result dialog) go below it, nothing below
         * gets a key or a tick, and only it can end the lock (tui_unlock). */
        const struct screen_ops *lock_screen;
        /* No key for this long locks the console (0: never). */
        unsigned idle_lock_seconds;
};

/* The key that locks the console from every screen: Ctrl-X (Ctrl-L redraws). */
#define TUI_LOCK_KEY TUI_CTRL('x')

int tui_app_new(const struct tui_app_opts *opts, struct tui_app **out);
/* Runs until tui_quit(); returns the exit code given there. */
int tui_app_run(struct tui_app *app);
void tui_app_free(struct tui_app *app);

const struct node_context *tui_app_context(struct tui_app *app);

/* Puts a new screen on top.  Returns 0 or the negative errno of its init. */
int tui_push(struct tui_app *app, const struct screen_ops *ops, void *arg);
/* Removes the top screen; the last one popped ends the loop with exit code 0. */
void tui_pop(struct tui_app *app);
/* Removes the screen whose data is data, wherever it is in the stack (a
 * progress dialog whose work ended while a dialog was opened above it).
 * data is only compared, never followed.  false when no screen has it. */
bool tui_remove(struct tui_app *app, const void *data);
void tui_quit(struct tui_app *app, int exit_code);
/* Asks for a redraw after the current event (screens call it when their
 * data changed outside draw, e.g. from a lib progress callback). */
void tui_invalidate(struct tui_app *app);
/* Redraws now and writes to the terminal; for progress inside a long call. */
void tui_flush(struct tui_app *app);
/* Lets the loop handle pending events (keys, timers) during a long lib call. */
void tui_iterate(struct tui_app *app);
struct tui_screen *tui_top(struct tui_app *app);
/* Whether a dialog (a question, a progress) is what the next key goes to,
 * under the lock screen if it is up. */
bool tui_dialog_on_top(const struct tui_app *app);

/* Puts the lock screen up (nothing when there is none or it is up). */
void tui_lock(struct tui_app *app);
/* Takes it down again: only the lock screen calls this, once PAM said yes. */
void tui_unlock(struct tui_app *app);
bool tui_locked(const struct tui_app *app);
/* Whether this app has a lock screen at all (the help line offers ^X then). */
bool tui_can_lock(const struct tui_app *app);

/* Leaves the terminal to fn (a rescue shell) and takes it back afterwards,
 * with everything redrawn.  The loop does not run meanwhile. */
int tui_run_outside(struct tui_app *app, int (*fn)(void *userdata), void *userdata);
