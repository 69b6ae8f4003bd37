/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rollback: what boots now, what would boot after going back one layer, and
 * what a rollback does not touch; y rolls back (actions.c confirms, locks,
 * and offers the restart). */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "layout.h"
#include "rollback.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define LABEL_WIDTH 22

struct rollback_view {
        struct tui_app *app;
        struct tui_job *reading;
        bool read;                        /* an answer came (good or not) */
        bool busy;                        /* an action runs */
        bool again;                       /* a read was asked for while one ran */
        /* what boots */
        char booted[256], booted_nvr[256], boot_default[256];
        char volumes[512];                /* the shared volumes, "var, var_log" */
        /* the plan, or why there is none */
        int plan_r;
        struct node_rollback_result plan;
        struct node_error error;
};

struct rollback_read {
        const struct node_context *ctx;
        struct node_layout *layout;
        struct node_rollback_result plan;
        int plan_r;
        struct node_error plan_error;
};

/* Two answers from lib: the layout (what boots) and the plan (what would);
 * the plan's refusal is a fact to show, not a failure of the read. */
static int run_read(void *input, struct node_error *e) {
        struct rollback_read *rd = input;
        int r = node_layout_read(rd->ctx, &rd->layout, e);
        if (r < 0)
                return r;
        rd->plan_r = node_rollback_plan(rd->ctx, NULL, &rd->plan, &rd->plan_error);
        return 0;
}

static void free_read(void *input) {
        struct rollback_read *rd = input;
        if (rd->layout)
                node_layout_free(rd->layout);
        free(rd);
}

static void reload(struct rollback_view *v, bool manual);

static void read_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app;
        struct rollback_view *v = userdata;
        struct rollback_read *rd = input;
        v->reading = NULL;
        if (v->again) {
                v->again = false;
                reload(v, true);
                return;
        }
        v->read = true;
        node_error_clear(&v->error);
        if (r < 0) {
                v->plan_r = r;
                if (e)
                        v->error = *e;
                else
                        node_error_set(&v->error, ECANCELED,
                                       _("You stopped waiting for lvm; press r to read the layout again."));
                v->booted[0] = v->booted_nvr[0] = v->boot_default[0] = v->volumes[0] = '\0';
                return;
        }
        const struct node_layout *l = rd->layout;
        snprintf(v->booted, sizeof v->booted, "%s", l->booted ? l->booted->lv.name : "");
        snprintf(v->booted_nvr, sizeof v->booted_nvr, "%s", l->booted && l->booted->nvr ? l->booted->nvr : "");
        snprintf(v->boot_default, sizeof v->boot_default, "%s", l->boot_default ? l->boot_default->lv.name : "");
        v->volumes[0] = '\0';
        for (size_t i = 0; i < l->n_volumes; i++)
                snprintf(v->volumes + strlen(v->volumes), sizeof v->volumes - strlen(v->volumes), "%s%s",
                         i ? ", " : "", l->volumes[i].name);
        v->plan_r = rd->plan_r;
        v->plan = rd->plan;
        if (rd->plan_r < 0)
                v->error = rd->plan_error;
}

/* manual: asked for (init, r, after an action), so a slow lvm gets a dialog. */
static void reload(struct rollback_view *v, bool manual) {
        if (v->reading) {
                /* it may have started before the change to be shown: once more */
                v->again |= manual;
                return;
        }
        struct rollback_read *rd = calloc(1, sizeof *rd);
        if (!rd)
                return;
        rd->ctx = tui_app_context(v->app);
        struct tui_job_spec spec = {
                .run = run_read, .done = read_done, .input = rd, .free_input = free_read, .userdata = v,
                .title = manual ? _("Reading the layout") : NULL, .step = _("Waiting for lvm to report the layout"),
                .dialog_after_ms = 700, .cancellable = true,
        };
        if (tui_job_start(v->app, &spec, &v->reading) < 0)
                v->reading = NULL;
}

static int rollback_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct rollback_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        reload(v, true);
        return 0;
}

static void rollback_free(struct tui_screen *s) {
        struct rollback_view *v = s->data;
        tui_job_abandon(v->reading);
        free(v);
}

static void row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        tui_put(w, y, 2, LABEL_WIDTH, label, TUI_STYLE_LABEL);
        tui_put(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, value, style);
}

static void rollback_draw(struct tui_screen *s) {
        struct rollback_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "y", _("Roll back") },
                { "r", _("Refresh") },
                { "l", _("Layers") },
                { "?", _("Help") },
                { "Esc", _("Back") },
                { "q", _("Quit") },
        };
        tui_frame_draw(w, _("nodecon: rollback"), NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w);
        if (!v->read) {
                tui_put(w, y, 2, cols - 4, _("Reading the layout..."), TUI_STYLE_NORMAL);
                return;
        }
        if (!v->booted[0] && !v->boot_default[0] && v->plan_r < 0 && !v->volumes[0]) {
                tui_put(w, y, 2, cols - 4, _("The layout cannot be read:"), TUI_STYLE_ERROR);
                tui_put_wrapped(w, y + 2, 2, cols - 4, 6, v->error.message, TUI_STYLE_NORMAL);
                return;
        }
        row(w, y++, _("Running now"), v->booted[0] ? v->booted : _("not a layer of this node"),
            v->booted[0] ? TUI_STYLE_NORMAL : TUI_STYLE_WARNING);
        if (v->booted_nvr[0])
                row(w, y++, _("Its image"), v->booted_nvr, TUI_STYLE_NORMAL);
        row(w, y++, _("Boots next (default)"), v->boot_default[0] ? v->boot_default : _("unknown"),
            TUI_STYLE_NORMAL);
        y++;
        if (v->plan_r < 0) {
                row(w, y++, _("After a rollback"), _("no rollback is possible:"), TUI_STYLE_WARNING);
                y += tui_put_wrapped(w, y, 2 + LABEL_WIDTH, cols - 3 - LABEL_WIDTH, 4, v->error.message,
                                     TUI_STYLE_NORMAL);
        } else {
                char to[400];
                snprintf(to, sizeof to, streq(v->plan.to, v->booted) ? _("%s (running now)") : "%s",
                         v->plan.to);
                row(w, y++, _("After a rollback"), to, TUI_STYLE_GOOD);
                char text[600];
                snprintf(text, sizeof text, _("boot entry %s"), v->plan.entry);
                row(w, y++, "", text, TUI_STYLE_NORMAL);
        }
        y++;
        row(w, y++, _("Not rolled back"), _("/etc and /var: they stay as they are now"), TUI_STYLE_WARNING);
        if (v->volumes[0]) {
                char text[600];
                snprintf(text, sizeof text, _("shared volumes: %s"), v->volumes);
                row(w, y++, "", text, TUI_STYLE_NORMAL);
        }
        y++;
        tui_put_wrapped(w, y, 2, cols - 4, 4,
                        _("A rollback only changes the boot default; no volume is touched. The layer "
                          "runs from the next restart, which is offered afterwards."),
                        TUI_STYLE_NORMAL);
}

static void action_finished(struct tui_app *app, bool changed, void *userdata) {
        (void)app;
        struct rollback_view *v = userdata;
        v->busy = false;
        if (changed)
                reload(v, true);
}

/* Catches up when the admin comes back from the layers screen. */
static void rollback_tick(struct tui_screen *s) {
        struct rollback_view *v = s->data;
        if (!v->busy)
                reload(v, false);
}

static bool rollback_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct rollback_view *v = s->data;
        if (function_key)
                return false;
        switch (key) {
        case 'y':
        case 'Y':
        case '\r':
        case '\n':
                if (v->busy)
                        return true;
                if (v->read && v->plan_r < 0) {
                        tui_dialog_push(s->app, TUI_DIALOG_ERROR, _("Cannot roll back"), v->error.message, NULL,
                                        NULL);
                        return true;
                }
                /* lib plans again at the moment of the change: the layout may have moved */
                v->busy = layer_action_start(s->app, LAYER_ACTION_ROLLBACK, NULL, action_finished, v) == 0;
                return true;
        case 'r':
        case 'R':
                reload(v, true);
                return true;
        case 'l':
        case 'L':
                tui_push(s->app, &layers_screen_ops, NULL);
                return true;
        case '?':
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        }
        return false;
}

const struct screen_ops rollback_screen_ops = {
        .name = "rollback",
        .init = rollback_init,
        .draw = rollback_draw,
        .key = rollback_key,
        .tick = rollback_tick,
        .tick_ms = 10000,
        .free = rollback_free,
};
