/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node's services: what runs, what failed and since when; start, stop,
 * restart a unit, or the management agents at once, each confirmed; the
 * unit's log one key away.  Actions run in a worker thread, so the console
 * stays alive while systemd takes its time (vdsmd may need a minute). */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "lock.h"
#include "services.h"
#include "tui/widgets.h"
#include "util.h"

#define SERVICES_TICK_MS 5000
#define SINCE_WIDTH 11
#define ACTION_TIMEOUT_SEC 120

struct services {
        struct tui_app *app;
        struct tui_column columns[5];
        struct tui_table table;
        int unit_width, state_width;   /* the widest Unit and State cells */
        struct node_service_list list;
        struct node_error error;       /* why the list cannot be shown */
        bool ok;
        /* the action under way, if any */
        struct node_lock lock;
        struct tui_progress *progress;
        enum node_service_action action;
        char *targets[4];              /* units, NULL-terminated */
        int result;
        struct node_error action_error;
        char done_message[512];
};

static const char *action_verb(enum node_service_action a) {
        switch (a) {
        case NODE_SERVICE_START: return _("start");
        case NODE_SERVICE_STOP: return _("stop");
        default: return _("restart");
        }
}


static void reload(struct services *sv) {
        struct node_service_list list;
        struct node_error e = {0};
        if (node_services_list(tui_app_context(sv->app), node_services_default, &list, &e) < 0) {
                sv->error = e;
                sv->ok = sv->list.n_services > 0;   /* keep showing the last good list */
                return;
        }
        node_service_list_free(&sv->list);
        sv->list = list;
        sv->ok = true;
        node_error_clear(&sv->error);
        tui_table_clear_rows(&sv->table);
        sv->unit_width = sv->state_width = 0;
        for (size_t i = 0; i < list.n_services; i++) {
                const struct node_service *s = &list.services[i];
                char since[32];
                format_local_usec(s->since_usec, "%m-%d %H:%M", since, sizeof since);
                bool missing = streq(s->load_state, "not-found");
                const char *cells[] = { s->name, missing ? _("not installed") : s->active_state,
                                        missing ? "" : s->sub_state,
                                        s->unit_file_state ? s->unit_file_state : "", missing ? "" : since };
                enum tui_style style = streq(s->active_state, "failed") ? TUI_STYLE_ERROR
                                       : missing ? TUI_STYLE_DISABLED
                                                 : TUI_STYLE_NORMAL;
                if (tui_text_width(cells[0]) > sv->unit_width)
                        sv->unit_width = tui_text_width(cells[0]);
                if (tui_text_width(cells[2]) > sv->state_width)
                        sv->state_width = tui_text_width(cells[2]);
                tui_table_add_row(&sv->table, TUI_TREE_NONE, style, cells);
        }
}

/* Every state word shows whole ("auto-restart", "final-watchdog"); when the
 * unit names would then be cut (80 columns), Since makes way: the line under
 * the table gives it for the selected unit. */
static void fit_columns(struct services *sv, int table_cols) {
        int state = sv->state_width > tui_text_width(sv->columns[2].title) ? sv->state_width
                                                                            : tui_text_width(sv->columns[2].title);
        sv->columns[2].width = state;
        int unit = table_cols - sv->columns[1].width - state - sv->columns[3].width - SINCE_WIDTH - 4;
        sv->columns[4].width = unit >= sv->unit_width ? SINCE_WIDTH : -1;
}

static const struct node_service *selected(struct services *sv) {
        return sv->ok && sv->table.selected < sv->list.n_services ? &sv->list.services[sv->table.selected] : NULL;
}

static void free_targets(struct services *sv) {
        for (size_t i = 0; i < ELEMENTSOF(sv->targets); i++) {
                free(sv->targets[i]);
                sv->targets[i] = NULL;
        }
}

/* ---- the action, in a worker thread ------------------------------------ */

static gboolean action_finished(gpointer userdata) {
        struct services *sv = userdata;
        tui_progress_close(sv->progress);
        sv->progress = NULL;

        char arguments[512] = "";
        for (size_t i = 0; sv->targets[i]; i++)
                snprintf(arguments + strlen(arguments), sizeof arguments - strlen(arguments), "%s%s", i ? " " : "",
                         sv->targets[i]);
        char action[32];
        snprintf(action, sizeof action, "service %s", sv->action == NODE_SERVICE_START  ? "start"
                                                      : sv->action == NODE_SERVICE_STOP ? "stop"
                                                                                        : "restart");
        struct node_audit_record rec = { .kind = NODE_AUDIT_SERVICE, .program = "nodecon", .action = action,
                                         .arguments = arguments, .success = sv->result == 0,
                                         .exit_code = sv->result == 0 ? 0 : 1,
                                         .error = sv->result < 0 ? sv->action_error.message : NULL };
        struct node_error audit_error = {0};
        node_audit_write(&rec, &audit_error);  /* a node without journald keeps no trail */

        node_lock_release(&sv->lock);
        free_targets(sv);
        reload(sv);
        if (sv->result < 0)
                tui_dialog_push(sv->app, TUI_DIALOG_ERROR, _("The action failed"), sv->action_error.message, NULL, NULL);
        else
                tui_dialog_push(sv->app, TUI_DIALOG_INFO, _("Done"), sv->done_message, NULL, NULL);
        tui_invalidate(sv->app);
        return G_SOURCE_REMOVE;
}

static gpointer action_thread(gpointer userdata) {
        struct services *sv = userdata;
        sv->result = 0;
        for (size_t i = 0; sv->targets[i] && sv->result == 0; i++)
                sv->result = node_service_act(tui_app_context(sv->app), sv->targets[i], sv->action, ACTION_TIMEOUT_SEC,
                                              &sv->action_error);
        g_idle_add(action_finished, sv);
        return NULL;
}

static void start_action(struct tui_app *app, bool confirmed, void *userdata) {
        struct services *sv = userdata;
        if (!confirmed) {
                free_targets(sv);
                return;
        }
        struct node_error e = {0};
        if (node_lock_acquire(tui_app_context(app), &sv->lock, &e) < 0) {
                free_targets(sv);
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Not now"), e.message, NULL, NULL);
                return;
        }
        node_error_clear(&sv->action_error);
        char title[300];
        snprintf(title, sizeof title, _("Asking systemd to %s %s%s ..."), action_verb(sv->action), sv->targets[0],
                 sv->targets[1] ? _(" and more") : "");
        if (sv->action == NODE_SERVICE_START)
                snprintf(sv->done_message, sizeof sv->done_message, _("%s started."), sv->targets[0]);
        else if (sv->action == NODE_SERVICE_STOP)
                snprintf(sv->done_message, sizeof sv->done_message, _("%s stopped."), sv->targets[0]);
        else
                snprintf(sv->done_message, sizeof sv->done_message,
                         sv->targets[1] ? _("The management agents were restarted.") : _("%s restarted."),
                         sv->targets[0]);
        tui_progress_push(app, title, false, &sv->progress);
        tui_progress_update(sv->progress, _("waiting for systemd"), -1);
        g_thread_unref(g_thread_new("service-action", action_thread, sv));
}

static void ask(struct services *sv, enum node_service_action action, const char *const *units) {
        if (sv->progress)
                return;
        size_t n = 0;
        for (; units[n] && n + 1 < ELEMENTSOF(sv->targets); n++) {
                sv->targets[n] = strdup(units[n]);
                if (!sv->targets[n]) {
                        free_targets(sv);
                        return;
                }
        }
        sv->action = action;
        char question[512];
        if (n > 1)
                snprintf(question, sizeof question,
                         _("Restart the management agents (%s, %s)? The engine loses contact with this node "
                           "for a moment; running VMs keep running."),
                         units[0], units[1]);
        else if (action == NODE_SERVICE_STOP)
                snprintf(question, sizeof question, _("Stop %s? Units that need it stop too."), units[0]);
        else
                snprintf(question, sizeof question, _("%s %s?"),
                         action == NODE_SERVICE_START ? _("Start") : _("Restart"), units[0]);
        tui_dialog_push(sv->app, TUI_DIALOG_CONFIRM, _("Confirm"), question, start_action, sv);
}

/* ---- the screen --------------------------------------------------------- */

static int services_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct services *sv = calloc(1, sizeof *sv);
        if (!sv)
                return -ENOMEM;
        sv->app = s->app;
        sv->lock = (struct node_lock)NODE_LOCK_INIT;
        sv->columns[0] = (struct tui_column){ _("Unit"), 0, TUI_ALIGN_LEFT };
        sv->columns[1] = (struct tui_column){ _("Active"), 13, TUI_ALIGN_LEFT };
        sv->columns[2] = (struct tui_column){ _("State"), 10, TUI_ALIGN_LEFT };
        sv->columns[3] = (struct tui_column){ _("Enabled"), 9, TUI_ALIGN_LEFT };
        sv->columns[4] = (struct tui_column){ _("Since"), SINCE_WIDTH, TUI_ALIGN_LEFT };
        tui_table_init(&sv->table, sv->columns, ELEMENTSOF(sv->columns));
        s->data = sv;
        reload(sv);
        return 0;
}

static void services_draw(struct tui_screen *s) {
        struct services *sv = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "s", _("Start") }, { "t", _("Stop") }, { "r", _("Restart") }, { "a", _("Restart agents") },
                { "l", _("Log") },   { "m", _("Menu") },        { "Esc", _("Back") },
        };
        char status[64] = "";
        if (sv->ok && sv->list.n_failed)
                snprintf(status, sizeof status, P_("%zu failed", "%zu failed", sv->list.n_failed), sv->list.n_failed);
        tui_frame_draw(w, _("nodecon: services"), status, keys, ELEMENTSOF(keys));
        int cols = getmaxx(w), y = TUI_FRAME_BODY_TOP;
        if (!sv->ok) {
                tui_put(w, y, 2, cols - 4, _("The services cannot be read:"), TUI_STYLE_ERROR);
                tui_put_wrapped(w, y + 2, 2, cols - 4, 6, sv->error.message, TUI_STYLE_NORMAL);
                return;
        }
        int rows = tui_frame_body_rows(w) - 2;
        fit_columns(sv, cols - 2);
        tui_table_draw(&sv->table, w, y, 1, rows, cols - 2);
        const struct node_service *sel = selected(sv);
        if (sv->error.message[0]) {
                tui_put(w, y + rows + 1, 2, cols - 4, sv->error.message, TUI_STYLE_ERROR);
        } else if (sel && sv->columns[4].width < 0 && sel->since_usec && !streq(sel->load_state, "not-found")) {
                char since[32], line[600];
                format_local_usec(sel->since_usec, "%m-%d %H:%M", since, sizeof since);
                snprintf(line, sizeof line, _("%s (since %s)"), sel->description, since);
                tui_put(w, y + rows + 1, 2, cols - 4, line, TUI_STYLE_NORMAL);
        } else if (sel) {
                tui_put(w, y + rows + 1, 2, cols - 4, sel->description, TUI_STYLE_NORMAL);
        }
}

static bool services_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct services *sv = s->data;
        if (tui_table_key(&sv->table, key, function_key))
                return true;
        if (function_key)
                return false;
        if (!sv->progress && screen_menu_key(s, key))
                return true;
        const struct node_service *sel = selected(sv);
        const char *unit[] = { sel ? sel->name : NULL, NULL };
        if (sel && streq(sel->load_state, "not-found") && (key == 's' || key == 't' || key == 'r')) {
                char message[300];
                snprintf(message, sizeof message, _("%s is not installed on this node."), sel->name);
                tui_dialog_push(sv->app, TUI_DIALOG_INFO, sel->name, message, NULL, NULL);
                return true;
        }
        switch (key) {
        case 's':
                if (sel)
                        ask(sv, NODE_SERVICE_START, unit);
                return true;
        case 't':
                if (sel)
                        ask(sv, NODE_SERVICE_STOP, unit);
                return true;
        case 'r':
                if (sel)
                        ask(sv, NODE_SERVICE_RESTART, unit);
                return true;
        case 'a':
                ask(sv, NODE_SERVICE_RESTART, node_services_agents);
                return true;
        case 'l':
                if (sel)
                        tui_push(sv->app, &logs_screen_ops, (void *)sel->name);
                return true;
        default:
                return false;
        }
}

static void services_tick(struct tui_screen *s) {
        struct services *sv = s->data;
        if (!sv->progress)
                reload(sv);
}

static void services_free(struct tui_screen *s) {
        struct services *sv = s->data;
        if (!sv)
                return;
        node_service_list_free(&sv->list);
        tui_table_free(&sv->table);
        node_lock_release(&sv->lock);
        free_targets(sv);
        free(sv);
}

const struct screen_ops services_screen_ops = {
        .name = "services",
        .init = services_init,
        .draw = services_draw,
        .key = services_key,
        .tick = services_tick,
        .tick_ms = SERVICES_TICK_MS,
        .free = services_free,
};
