/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Support: what an admin needs when something is wrong and the network may
 * be down.  Top to bottom: the SSH server (on, password logins, the host key
 * fingerprints to compare on a first login), the virtual machines a restart
 * would stop, then the actions by letter: restart, power off, SSH on/off,
 * password logins on/off (each confirmed, under the node lock, audited), and
 * a support bundle written to a path or a mounted USB stick, and the rescue
 * shell behind the unlock password.  Everything that may block (systemd,
 * sshd, libvirt, the bundle) runs in a worker. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "bundle.h"
#include "i18n.h"
#include "lock.h"
#include "media.h"
#include "ssh.h"
#include "tui/job.h"
#include "tui/term.h"
#include "tui/widgets.h"
#include "util.h"

#define SUPPORT_TICK_MS 10000
/* The label column fits the longest label of the language (German's
 * "Virtuelle Maschinen" is longer than English's), within these bounds. */
#define LABEL_WIDTH_MIN 18
#define LABEL_WIDTH_MAX 28
#define DEFAULT_BUNDLE_DIR "/var/tmp"   /* survives a reboot, unlike /tmp */

struct support_view {
        struct tui_app *app;
        struct tui_job *reading;
        bool read_once;
        struct node_ssh_state ssh;
        int ssh_r;
        struct node_error ssh_error;
        char vms[1200];
        bool busy;                 /* a change runs */
};

/* ---- reading the state, in a worker ---------------------------------------- */

struct state_read {
        const struct node_context *ctx;
        struct node_ssh_state ssh;
        int ssh_r;
        struct node_error ssh_error;
        char vms[1200];
};

static void free_state_read(void *input) {
        struct state_read *sr = input;
        node_ssh_state_free(&sr->ssh);
        free(sr);
}

static int run_read(void *input, struct node_error *e) {
        (void)e;
        struct state_read *sr = input;
        sr->ssh_r = node_ssh_read(sr->ctx, &sr->ssh, &sr->ssh_error);
        node_power_vm_warning(sr->ctx, node_vms_list_by_nodectl, sr->vms, sizeof sr->vms);
        return 0;
}

static void read_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)r;
        (void)e;
        struct support_view *v = userdata;
        struct state_read *sr = input;
        v->reading = NULL;
        v->read_once = true;
        node_ssh_state_free(&v->ssh);
        v->ssh = sr->ssh;
        sr->ssh = (struct node_ssh_state){ 0 };   /* the view owns the keys now */
        v->ssh_r = sr->ssh_r;
        v->ssh_error = sr->ssh_error;
        snprintf(v->vms, sizeof v->vms, "%s", sr->vms);
        tui_invalidate(app);
}

static void start_read(struct support_view *v) {
        if (v->reading)
                return;
        struct state_read *sr = calloc(1, sizeof *sr);
        if (!sr)
                return;
        sr->ctx = tui_app_context(v->app);
        struct tui_job_spec spec = {
                .run = run_read, .done = read_done, .input = sr, .free_input = free_state_read, .userdata = v,
        };
        if (tui_job_start(v->app, &spec, &v->reading) < 0)
                v->reading = NULL;
}

/* ---- SSH changes: confirmed, locked, in a worker, audited ----------------- */

enum ssh_change_kind { SSH_CHANGE_SERVICE, SSH_CHANGE_PASSWORD };

struct ssh_change {
        const struct node_context *ctx;
        struct support_view *view;
        enum ssh_change_kind kind;
        bool on;
        struct node_lock lock;
};

static void free_ssh_change(void *input) {
        struct ssh_change *c = input;
        node_lock_release(&c->lock);
        free(c);
}

static int run_ssh_change(void *input, struct node_error *e) {
        struct ssh_change *c = input;
        return c->kind == SSH_CHANGE_SERVICE ? node_ssh_set_service(c->ctx, c->on, e)
                                             : node_ssh_set_password_authentication(c->ctx, c->on, e);
}

static void ssh_change_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        struct ssh_change *c = input;
        struct support_view *v = userdata;
        /* the same words as nodectl's, so one journal query finds both */
        const char *action = c->kind == SSH_CHANGE_SERVICE ? (c->on ? "ssh enable" : "ssh disable")
                                                           : (c->on ? "ssh password on" : "ssh password off");
        struct node_audit_record rec = { .kind = NODE_AUDIT_SERVICE, .program = "nodecon", .action = action,
                                         .success = r == 0, .exit_code = r == 0 ? 0 : 1,
                                         .error = r < 0 ? e->message : NULL };
        struct node_error audit_error = { 0 };
        node_audit_write(&rec, &audit_error);  /* a node without journald keeps no trail */
        v->busy = false;
        start_read(v);
        if (r < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change failed"), e->message, NULL, NULL);
        else if (c->kind == SSH_CHANGE_SERVICE)
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Done"),
                                c->on ? _("The SSH server runs and starts at boot.")
                                      : _("The SSH server is stopped and does not start at boot."),
                                NULL, NULL);
        else
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Done"),
                                c->on ? _("SSH accepts passwords.") : _("SSH accepts keys only, no passwords."), NULL,
                                NULL);
}

static void ssh_change_answer(struct tui_app *app, bool confirmed, void *userdata) {
        struct ssh_change *c = userdata;
        if (!confirmed) {
                free_ssh_change(c);
                return;
        }
        struct node_error e = { 0 };
        if (node_lock_acquire(c->ctx, &c->lock, &e) < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Not now"), e.message, NULL, NULL);
                free_ssh_change(c);
                return;
        }
        struct support_view *v = c->view;
        struct tui_job_spec spec = {
                .run = run_ssh_change, .done = ssh_change_done, .input = c, .free_input = free_ssh_change,
                .userdata = v, .title = _("SSH"),
                .step = c->kind == SSH_CHANGE_SERVICE ? _("Asking systemd") : _("Checking the configuration with sshd"),
        };
        v->busy = true;
        if (tui_job_start(app, &spec, NULL) < 0) {
                v->busy = false;
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The change failed"), _("No worker could be started for it."),
                                NULL, NULL);
        }
}

/* Only what can be changed is offered: an unknown or missing server is said, not asked about. */
static bool ssh_changeable(struct support_view *v) {
        const char *why = !v->read_once           ? _("The SSH server's state is still being read.")
                          : v->ssh.unit_unknown[0] ? v->ssh.unit_unknown
                          : !v->ssh.unit[0]        ? _("The OpenSSH server (sshd) is not installed on this node.")
                                                   : NULL;
        if (why)
                tui_dialog_push(v->app, TUI_DIALOG_INFO, _("SSH"), why, NULL, NULL);
        return why == NULL;
}

static void ask_ssh_change(struct support_view *v, enum ssh_change_kind kind) {
        if (v->busy || !ssh_changeable(v))
                return;
        struct ssh_change *c = calloc(1, sizeof *c);
        if (!c)
                return;
        *c = (struct ssh_change){ .ctx = tui_app_context(v->app), .view = v, .kind = kind,
                                  .lock = NODE_LOCK_INIT };
        const char *question;
        if (kind == SSH_CHANGE_SERVICE) {
                c->on = !v->ssh.active;
                question = c->on ? _("Turn the SSH server on? It starts now and at every boot.")
                                 : _("Turn the SSH server off? Sessions open now stay open, but nobody can log in "
                                     "over SSH until it is turned on again, also after a restart.");
        } else {
                /* unknown counts as on: turning it off is then the safe offer */
                c->on = v->ssh.password_authentication == 0;
                question = c->on ? _("Allow password logins over SSH?")
                                 : _("Refuse password logins over SSH? Only keys in authorized_keys let anyone in "
                                     "then; make sure you have one.");
        }
        if (tui_dialog_push(v->app, TUI_DIALOG_CONFIRM, _("Confirm"), question, ssh_change_answer, c) < 0)
                free_ssh_change(c);
}

/* ---- the support bundle page ------------------------------------------------ */

struct bundle_view {
        struct tui_app *app;
        struct tui_form_field_spec fields[1];
        struct tui_form *form;
        char path[4096];           /* on the node, as in the field */
        struct node_media media;
        size_t picked;             /* 0: the default path, i: media.media[i - 1] */
        char media_problem[1024];
        bool busy;
};

/* Said after the field's label.  The field holds a path on the node: under ctx->root. */
static const char *validate_output(const char *node_path, void *userdata) {
        const struct node_context *ctx = userdata;
        if (!*node_path)
                return _("is needed: a directory (a mounted USB stick) or a file name.");
        if (node_path[0] != '/')
                return _("must be an absolute path, starting with /.");
        char value[4096];
        node_context_path(ctx, node_path, value, sizeof value);
        struct stat st;
        if (stat(value, &st) == 0) {
                if (S_ISDIR(st.st_mode))
                        return access(value, W_OK) == 0 ? NULL : _("is a directory that cannot be written.");
                return _("exists already; name a directory or a new file.");
        }
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", value);
        char *slash = strrchr(parent, '/');
        if (slash == parent)
                slash[1] = '\0';
        else
                *slash = '\0';
        if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))
                return _("is in a directory that does not exist.");
        return access(parent, W_OK) == 0 ? NULL : _("is in a directory that cannot be written.");
}

static int make_form(struct bundle_view *b, const char *initial) {
        tui_form_free(b->form);
        b->form = NULL;
        snprintf(b->path, sizeof b->path, "%s", initial);
        b->fields[0] = (struct tui_form_field_spec){
                .label = _("Write to"), .initial = b->path, .width = 56, .validate = validate_output,
                .userdata = (void *)tui_app_context(b->app),
        };
        return tui_form_new(b->fields, ELEMENTSOF(b->fields), &b->form);
}

static int bundle_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct bundle_view *b = calloc(1, sizeof *b);
        if (!b)
                return -ENOMEM;
        b->app = s->app;
        s->data = b;
        const struct node_context *ctx = tui_app_context(s->app);
        struct node_error e = { 0 };
        if (node_removable_media(ctx, &b->media, &e) < 0)
                snprintf(b->media_problem, sizeof b->media_problem, "%s", e.message);
        return make_form(b, DEFAULT_BUNDLE_DIR);
}

static void bundle_free(struct tui_screen *s) {
        struct bundle_view *b = s->data;
        if (!b)
                return;
        tui_form_free(b->form);
        node_media_free(&b->media);
        free(b);
        curs_set(0);
}

static void bundle_draw(struct tui_screen *s) {
        struct bundle_view *b = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Tab", _("Next") }, { "Enter", _("Write") }, { "^N", _("Next medium") },
                { "^U", _("Clear") }, { "Esc", _("Back") },
        };
        tui_form_sync(b->form);
        tui_frame_draw(w, _("nodecon: support bundle"), NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        y += tui_put_wrapped(w, y, 2, cols, 3,
                             _("Logs, layout, boot entries, network and services in one tar.gz for a support case. "
                               "No passwords or private keys go in it."),
                             TUI_STYLE_NORMAL);
        y++;
        int form_y = y;
        y += tui_form_rows(b->form) + 1;
        tui_put(w, y++, 2, cols, _("Removable media (^N puts the next one in the field)"), TUI_STYLE_HEADER);
        if (b->media_problem[0])
                y += tui_put_wrapped(w, y, 4, cols - 2, 2, b->media_problem, TUI_STYLE_ERROR);
        else if (b->media.n_media == 0)
                tui_put(w, y++, 4, cols - 2, _("none mounted"), TUI_STYLE_DISABLED);
        for (size_t i = 0; i < b->media.n_media && y < tui_frame_body_rows(w) + 1; i++) {
                char line[4400];
                const struct node_medium *m = &b->media.media[i];
                char shown[4096];
                snprintf(line, sizeof line, "%s  (%s, %s)", node_media_display_name(m->mount_point, shown, sizeof shown),
                         m->source, m->fstype);
                tui_put(w, y++, 4, cols - 2, line, b->picked == i + 1 ? TUI_STYLE_SELECTED : TUI_STYLE_NORMAL);
        }
        tui_form_draw(b->form, w, form_y, 2);
}

struct bundle_run {
        const struct node_context *ctx;
        char output[4096];         /* under ctx->root */
        struct node_bundle_report report;
        struct tui_job_progress progress;
};

static void free_bundle_run(void *input) {
        struct bundle_run *br = input;
        tui_job_progress_clear(&br->progress);
        free(br);
}

static void bundle_progress(const char *item, double fraction, void *userdata) {
        tui_job_progress_report(item, fraction, userdata);
}

static int run_bundle(void *input, struct node_error *e) {
        struct bundle_run *br = input;
        return node_support_bundle(br->ctx, br->output, bundle_progress, &br->progress, &br->report, e);
}

static void bundle_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        struct bundle_run *br = input;
        struct bundle_view *b = userdata;
        b->busy = false;
        if (r == -ECANCELED)
                return;
        if (r < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("No support bundle"), e->message, NULL, NULL);
                return;
        }
        /* the path as the node names it */
        const char *root = br->ctx && br->ctx->root ? br->ctx->root : "";
        const char *path = startswith(br->report.path, root) ? br->report.path + strlen(root) : br->report.path;
        char size[32], text[5000];
        int n = snprintf(text, sizeof text, _("Support bundle written: %s (%s)."), path,
                         screen_format_bytes(br->report.size_bytes, size, sizeof size));
        if (br->report.missing && n > 0 && (size_t)n < sizeof text)
                snprintf(text + n, sizeof text - (size_t)n,
                         P_(" %u piece could not be gathered; index.txt in the bundle says why.",
                            " %u pieces could not be gathered; index.txt in the bundle says why.", br->report.missing),
                         br->report.missing);
        tui_dialog_push(app, TUI_DIALOG_INFO, _("Done"), text, NULL, NULL);
}

static void start_bundle(struct bundle_view *b, const char *output) {
        struct bundle_run *br = calloc(1, sizeof *br);
        if (!br)
                return;
        br->ctx = tui_app_context(b->app);
        node_context_path(br->ctx, output, br->output, sizeof br->output);
        tui_job_progress_init(&br->progress);
        struct tui_job_spec spec = {
                .run = run_bundle, .done = bundle_done, .input = br, .free_input = free_bundle_run, .userdata = b,
                .title = _("Writing the support bundle"), .step = _("Gathering"), .progress = &br->progress,
        };
        b->busy = true;
        if (tui_job_start(b->app, &spec, NULL) < 0)
                b->busy = false;
}

/* OK writes the bundle where the field says. */
static void write_bundle_typed(void *userdata) {
        struct bundle_view *b = userdata;
        start_bundle(b, tui_form_value(b->form, 0));
}

static bool bundle_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = write_bundle_typed };
        struct bundle_view *b = s->data;
        if (b->busy)
                return true;
        if (!function_key && key == TUI_CTRL('n')) {
                b->picked = (b->picked + 1) % (b->media.n_media + 1);
                make_form(b, b->picked ? b->media.media[b->picked - 1].mount_point : DEFAULT_BUNDLE_DIR);
                return true;
        }
        return tui_form_screen_key(s, b->form, key, function_key, &actions, b);
}

static const struct screen_ops bundle_screen_ops = {
        .name = "support-bundle",
        .init = bundle_init,
        .draw = bundle_draw,
        .key = bundle_key,
        .free = bundle_free,
};

/* ---- the screen ------------------------------------------------------------- */

static int support_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct support_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        start_read(v);
        return 0;
}

static void support_free(struct tui_screen *s) {
        struct support_view *v = s->data;
        if (!v)
                return;
        tui_job_abandon(v->reading);
        node_ssh_state_free(&v->ssh);
        free(v);
}

static int label_width(void) {
        const char *labels[] = { _("SSH server"), _("Password logins"), _("Virtual machines") };
        int width = 0;
        for (size_t i = 0; i < ELEMENTSOF(labels); i++)
                if (tui_text_width(labels[i]) + 2 > width)
                        width = tui_text_width(labels[i]) + 2;
        return width < LABEL_WIDTH_MIN ? LABEL_WIDTH_MIN : width > LABEL_WIDTH_MAX ? LABEL_WIDTH_MAX : width;
}

/* A labelled value; a long one (a reason) wraps onto a second row.  Returns the rows used. */
static int row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        int label_cols = label_width();
        tui_put(w, y, 2, label_cols, label, TUI_STYLE_LABEL);
        return tui_put_wrapped(w, y, 2 + label_cols, getmaxx(w) - label_cols - 4, 2, value, style);
}

static int draw_ssh(struct support_view *v, WINDOW *w, int y) {
        const struct node_ssh_state *st = &v->ssh;
        char text[1200];
        if (!v->read_once) {
                y += row(w, y, _("SSH server"), _("reading ..."), TUI_STYLE_DISABLED);
                return y;
        }
        if (v->ssh_r < 0) {
                y += row(w, y, _("SSH server"), v->ssh_error.message, TUI_STYLE_ERROR);
                return y;
        }
        if (st->unit_unknown[0])
                y += row(w, y, _("SSH server"), st->unit_unknown, TUI_STYLE_ERROR);
        else if (!st->unit[0])
                y += row(w, y, _("SSH server"), _("not installed"), TUI_STYLE_DISABLED);
        else {
                snprintf(text, sizeof text, "%s, %s", st->active ? _("running") : _("stopped"),
                         st->enabled ? _("starts at boot") : _("does not start at boot"));
                y += row(w, y, _("SSH server"), text, st->active ? TUI_STYLE_GOOD : TUI_STYLE_WARNING);
        }
        if (st->password_authentication < 0)
                y += row(w, y, _("Password logins"), st->password_unknown, TUI_STYLE_DISABLED);
        else
                y += row(w, y, _("Password logins"),
                    st->password_authentication ? _("allowed") : _("refused (keys only)"), TUI_STYLE_NORMAL);
        y++;
        int cols = getmaxx(w) - 4;
        tui_put(w, y++, 2, cols, _("Host key fingerprints (compare them on a first SSH login)"), TUI_STYLE_HEADER);
        if (st->n_keys == 0)
                tui_put(w, y++, 4, cols - 2, _("none (sshd makes them when it first starts)"), TUI_STYLE_DISABLED);
        for (size_t i = 0; i < st->n_keys; i++) {
                snprintf(text, sizeof text, "%-8s %5u  %s", st->keys[i].type, st->keys[i].bits, st->keys[i].fingerprint);
                tui_put(w, y++, 4, cols - 2, text, TUI_STYLE_NORMAL);
        }
        if (st->keys_problem[0])
                tui_put(w, y++, 4, cols - 2, st->keys_problem, TUI_STYLE_WARNING);
        return y;
}

static void support_draw(struct tui_screen *s) {
        struct support_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "r", _("Restart") }, { "p", _("Power off") }, { "s", _("SSH") }, { "w", _("Passwords") },
                { "b", _("Bundle") },  { "m", _("Menu") },      { "Esc", _("Back") },
        };
        tui_frame_draw(w, _("nodecon: support"), NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        y = draw_ssh(v, w, y) + 1;
        if (v->read_once) {
                int label_cols = label_width();
                tui_put(w, y, 2, label_cols, _("Virtual machines"), TUI_STYLE_LABEL);
                y += tui_put_wrapped(w, y, 2 + label_cols, cols - label_cols, 2, v->vms[0] ? v->vms : _("none running"),
                                     v->vms[0] ? TUI_STYLE_WARNING : TUI_STYLE_NORMAL);
                y++;
        }
        const struct node_ssh_state *st = &v->ssh;
        const char *ssh_action = st->active ? _("Turn the SSH server off") : _("Turn the SSH server on");
        const char *password_action = st->password_authentication == 0 ? _("Allow password logins")
                                                                       : _("Refuse password logins");
        const struct {
                const char *key, *label;
        } actions[] = {
                { "r", _("Restart the node") },      { "p", _("Power off the node") },
                { "s", ssh_action },                 { "w", password_action },
                { "b", _("Write a support bundle (to a file or USB stick)") },
                { "!", _("Rescue shell (after the unlock password)") },
        };
        tui_put(w, y++, 2, cols, _("Actions"), TUI_STYLE_HEADER);
        for (size_t i = 0; i < ELEMENTSOF(actions) && y <= tui_frame_body_rows(w) + 1; i++, y++) {
                tui_put(w, y, 4, 2, actions[i].key, TUI_STYLE_HELP_KEY);
                tui_put(w, y, 7, cols - 5, actions[i].label, TUI_STYLE_NORMAL);
        }
}

static bool support_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct support_view *v = s->data;
        if (function_key)
                return false;
        if (!v->busy && screen_menu_key(s, key))
                return true;
        switch (key) {
        case 'r':
                screen_offer_power(v->app, NODE_POWER_REBOOT, NULL);
                return true;
        case 'p':
                screen_offer_power(v->app, NODE_POWER_POWEROFF, NULL);
                return true;
        case 's':
                ask_ssh_change(v, SSH_CHANGE_SERVICE);
                return true;
        case 'w':
                ask_ssh_change(v, SSH_CHANGE_PASSWORD);
                return true;
        case 'b':
                tui_push(v->app, &bundle_screen_ops, NULL);
                return true;
        case '!':
                return screen_rescue_shell(v->app) >= 0;
        default:
                return false;
        }
}

static void support_tick(struct tui_screen *s) {
        struct support_view *v = s->data;
        if (!v->busy)
                start_read(v);
}

const struct screen_ops support_screen_ops = {
        .name = "support",
        .init = support_init,
        .draw = support_draw,
        .key = support_key,
        .tick = support_tick,
        .tick_ms = SUPPORT_TICK_MS,
        .free = support_free,
};
