/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The changing actions on a layer, as the admin goes through them:
 *   1. lib checks whether it can be done (a refusal is lib's sentence);
 *   2. a dialog says exactly what will happen and asks;
 *   3. the node lock is taken (another operation running: say so, stop);
 *   4. the lib call runs in a worker under a progress dialog;
 *   5. the result is told; after a new boot default, a restart is offered.
 * Every step is modal, so the screen below cannot go away meanwhile. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "lock.h"
#include "rollback.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

struct action {
        struct tui_app *app;
        const struct node_context *ctx;
        enum layer_action kind;
        char layer[256];              /* "" for a rollback to the previous layer */
        struct node_lock lock;
        struct node_rollback_result plan;
        struct node_remove_result removal;
        bool changed;
        layer_action_finished_fn finished;
        void *userdata;
};

static void end(struct action *a) {
        node_lock_release(&a->lock);
        if (a->finished)
                a->finished(a->app, a->changed, a->userdata);
        free(a);
}

static void refuse(struct action *a, const char *title, const char *message) {
        struct tui_app *app = a->app;
        char *text = strdup(message);
        end(a);
        tui_dialog_push(app, TUI_DIALOG_ERROR, title, text ? text : message, NULL, NULL);
        free(text);
}

static const char *failure_title(enum layer_action kind) {
        switch (kind) {
        case LAYER_ACTION_DEFAULT:
                return _("Cannot make it the boot default");
        case LAYER_ACTION_ROLLBACK:
                return _("Cannot roll back");
        case LAYER_ACTION_REMOVE:
                return _("Cannot remove the layer");
        case LAYER_ACTION_PIN:
                return _("Cannot pin the layer");
        case LAYER_ACTION_UNPIN:
                return _("Cannot unpin the layer");
        }
        return "";
}

static const char *target(const struct action *a) { return a->layer[0] ? a->layer : NULL; }

/* ---- 5: result (the restart offer is in power.c) ------------------------ */

static void report(struct action *a) {
        struct tui_app *app = a->app;
        char text[1024];
        switch (a->kind) {
        case LAYER_ACTION_DEFAULT:
        case LAYER_ACTION_ROLLBACK: {
                char layer[256];
                snprintf(layer, sizeof layer, "%s", a->plan.to);
                /* the screen below shows the new default while the question is asked */
                end(a);
                screen_offer_restart(app, layer);
                return;
        }
        case LAYER_ACTION_REMOVE:
                if (a->removal.base[0])
                        snprintf(text, sizeof text, _("Layer %s and its base %s were removed."), a->removal.layer,
                                 a->removal.base);
                else
                        snprintf(text, sizeof text, _("Layer %s was removed."), a->removal.layer);
                end(a);
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Removed"), text, NULL, NULL);
                return;
        case LAYER_ACTION_PIN:
        case LAYER_ACTION_UNPIN:
                /* the State column says it; no dialog to dismiss */
                end(a);
                return;
        }
}

/* ---- 4: the change, in a worker ------------------------------------------ */

static int run_change(void *input, struct node_error *e) {
        struct action *a = input;
        switch (a->kind) {
        case LAYER_ACTION_DEFAULT:
        case LAYER_ACTION_ROLLBACK:
                return node_rollback(a->ctx, target(a), &a->plan, e);
        case LAYER_ACTION_REMOVE:
                return node_layer_remove(a->ctx, a->layer, &a->removal, e);
        case LAYER_ACTION_PIN:
        case LAYER_ACTION_UNPIN:
                return node_layer_pin(a->ctx, a->layer, a->kind == LAYER_ACTION_PIN, &a->changed, e);
        }
        return -EINVAL;
}

static void change_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app;
        (void)input;
        struct action *a = userdata;
        if (r < 0) {
                /* lib says what was done and what was not; the layout is read again */
                a->changed = true;
                refuse(a, failure_title(a->kind), e->message);
                return;
        }
        if (a->kind != LAYER_ACTION_PIN && a->kind != LAYER_ACTION_UNPIN)
                a->changed = true;
        report(a);
}

static const char *change_step(const struct action *a, char *buf, size_t size) {
        switch (a->kind) {
        case LAYER_ACTION_DEFAULT:
        case LAYER_ACTION_ROLLBACK:
                snprintf(buf, size, _("Making %s the boot default"), a->plan.to);
                break;
        case LAYER_ACTION_REMOVE:
                snprintf(buf, size, _("Removing %s"), a->layer);
                break;
        case LAYER_ACTION_PIN:
                snprintf(buf, size, _("Pinning %s"), a->layer);
                break;
        case LAYER_ACTION_UNPIN:
                snprintf(buf, size, _("Unpinning %s"), a->layer);
                break;
        }
        return buf;
}

/* ---- 3: the lock, then 4 ------------------------------------------------- */

static void confirmed_answer(struct tui_app *app, bool confirmed, void *userdata) {
        struct action *a = userdata;
        if (!confirmed) {
                end(a);
                return;
        }
        struct node_error e = { 0 };
        if (node_lock_acquire(a->ctx, &a->lock, &e) < 0) {
                char text[1200];
                snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
                refuse(a, _("Another operation is running"), text);
                return;
        }
        char step[512];
        struct tui_job_spec spec = {
                .run = run_change, .done = change_done, .input = a, .userdata = a,
                .title = _("Working"), .step = change_step(a, step, sizeof step),
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                refuse(a, failure_title(a->kind), _("No worker could be started; nothing was changed."));
}

/* ---- 2: what will happen ------------------------------------------------- */

static void ask(struct action *a) {
        char text[2048];
        const char *title = "";
        switch (a->kind) {
        case LAYER_ACTION_DEFAULT:
        case LAYER_ACTION_ROLLBACK:
                title = a->kind == LAYER_ACTION_ROLLBACK ? _("Roll back?") : _("Change the boot default?");
                snprintf(text, sizeof text,
                         _("At the next restart the node boots layer %s (boot entry %s) instead of %s. "
                           "Only the boot default changes: no volume is touched, and /etc and /var are "
                           "not rolled back, they stay as they are now."),
                         a->plan.to, a->plan.entry, a->plan.from[0] ? a->plan.from : _("an unknown layer"));
                break;
        case LAYER_ACTION_REMOVE:
                title = _("Remove the layer?");
                if (a->removal.base[0])
                        snprintf(text, sizeof text,
                                 _("Layer %s is deleted with its boot entry and its files in /boot, and so is "
                                   "its base %s, which no other layer uses. This cannot be undone."),
                                 a->removal.layer, a->removal.base);
                else
                        snprintf(text, sizeof text,
                                 _("Layer %s is deleted with its boot entry and its files in /boot. This "
                                   "cannot be undone."),
                                 a->removal.layer);
                break;
        case LAYER_ACTION_PIN:
                title = _("Pin the layer?");
                snprintf(text, sizeof text,
                         _("Layer %s is kept: it cannot be removed, and the upgrade's cleanup of old layers "
                           "skips it."),
                         a->layer);
                break;
        case LAYER_ACTION_UNPIN:
                title = _("Unpin the layer?");
                snprintf(text, sizeof text,
                         _("Layer %s can be removed again, and the upgrade's cleanup of old layers may remove "
                           "it."),
                         a->layer);
                break;
        }
        if (tui_dialog_push(a->app, TUI_DIALOG_CONFIRM, title, text, confirmed_answer, a) < 0)
                end(a);
}

/* ---- 1: can it be done? -------------------------------------------------- */

static int run_check(void *input, struct node_error *e) {
        struct action *a = input;
        switch (a->kind) {
        case LAYER_ACTION_DEFAULT:
        case LAYER_ACTION_ROLLBACK:
                return node_rollback_plan(a->ctx, target(a), &a->plan, e);
        case LAYER_ACTION_REMOVE:
                return node_layer_remove_check(a->ctx, a->layer, &a->removal, e);
        case LAYER_ACTION_PIN:
        case LAYER_ACTION_UNPIN:
                return 0;   /* node_layer_pin checks; pinning twice is harmless */
        }
        return -EINVAL;
}

static void check_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app;
        (void)input;
        struct action *a = userdata;
        if (r < 0) {
                refuse(a, failure_title(a->kind), e->message);
                return;
        }
        ask(a);
}

int layer_action_start(struct tui_app *app, enum layer_action kind, const char *layer,
                       layer_action_finished_fn finished, void *userdata) {
        struct action *a = calloc(1, sizeof *a);
        if (!a)
                return -ENOMEM;
        *a = (struct action){
                .app = app, .ctx = tui_app_context(app), .kind = kind, .lock = NODE_LOCK_INIT,
                .finished = finished, .userdata = userdata,
        };
        snprintf(a->layer, sizeof a->layer, "%s", layer ? layer : "");
        char step[512];
        snprintf(step, sizeof step, _("Checking %s"), layer ? layer : _("the layers"));
        struct tui_job_spec spec = {
                .run = run_check, .done = check_done, .input = a, .userdata = a,
                .title = _("Checking"), .step = step,
        };
        int r = tui_job_start(app, &spec, NULL);
        if (r < 0)
                free(a);
        return r;
}
