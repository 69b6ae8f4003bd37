/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Engine: whether the node is registered to a management engine and whether
 * that engine answers now; a form for the engine's FQDN[:port], the node's
 * name and address; the pre-checks run in a worker, each step shown with its
 * outcome; the engine's CA is shown in a dialog the admin accepts or rejects
 * (nothing is trusted or written before Accept); then the registration runs
 * under the node lock and its answer is shown as the engine gave it.  The
 * trust can be removed again (Unregister).  lib/engine.h does all the work. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"
#include "engine.h"
#include "i18n.h"
#include "lock.h"
#include "netvalid.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define FIELD_WIDTH 48
#define LABEL_WIDTH 14
/* The admin waits for these; a dead engine must not keep the dialog long. */
#define CHECK_TIMEOUT_SECONDS 15
#define REGISTER_TIMEOUT_SECONDS 30
#define SCREEN_PROBE_TIMEOUT_SECONDS 10
#define MAX_STEPS 8
/* The registration's rows above the form, always the same: moving the form
 * would make the form library erase where it was. */
#define REGISTRATION_ROWS 4

enum { FIELD_ENGINE, FIELD_NAME, FIELD_ADDRESS, N_FIELDS };

/* ---- the registration and its reachability, read in a worker ------------ */

struct engine_probe {
        const struct node_context *ctx;
        unsigned timeout;
        struct screen_engine_now now;
        screen_engine_done_fn done;
        void *userdata;
};

static int run_probe(void *input, struct node_error *e) {
        (void)e;
        struct engine_probe *p = input;
        struct screen_engine_now *now = &p->now;
        now->registered = node_engine_state_read(p->ctx, &now->state, &now->why) == 0;
        if (now->registered)
                /* a child nodectl talks TLS: libcurl stays out of the console (lib/helper.h) */
                now->reachable = node_engine_reachable_by_nodectl(p->ctx, p->timeout, &now->why) == 0;
        else if (now->why.code == -ENOENT)
                node_error_clear(&now->why);   /* not registered is no problem */
        return 0;
}

static void probe_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)e, (void)userdata;
        struct engine_probe *p = input;
        if (r == -ECANCELED)
                return;
        p->done(app, &p->now, p->userdata);
}

int screen_probe_engine(struct tui_app *app, unsigned timeout, screen_engine_done_fn done, void *userdata,
                        struct tui_job **job) {
        struct engine_probe *p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        *p = (struct engine_probe){ .ctx = tui_app_context(app), .timeout = timeout, .done = done,
                                    .userdata = userdata };
        struct tui_job_spec spec = { .run = run_probe, .done = probe_done, .input = p, .free_input = free };
        return tui_job_start(app, &spec, job);
}

const char *screen_engine_target(const struct node_engine_state *state, char *buf, size_t size) {
        bool v6 = strchr(state->engine, ':') != NULL;
        snprintf(buf, size, "%s%s%s:%u", v6 ? "[" : "", state->engine, v6 ? "]" : "", state->port);
        return buf;
}

/* ---- the screen --------------------------------------------------------- */

struct engine_step {
        enum node_engine_step step;
        char what[320];
};

struct engine_view {
        struct tui_app *app;
        struct tui_form_field_spec fields[N_FIELDS];
        struct tui_form *form;
        char field_problem[N_FIELDS][1100];
        char hostname[256];

        bool probed;
        struct screen_engine_now now;
        struct tui_job *probing;

        /* the last run of checks or registration, as the admin saw it */
        struct tui_job *working;
        bool busy;                         /* a registration or unregistration runs */
        struct engine_step steps[MAX_STEPS];
        size_t n_steps;
        bool ran;
        int run_r;
        struct node_error run_error;
        struct node_engine_precheck check;
        char outcome[1200];                /* a last sentence under the steps */
        enum tui_style outcome_style;

        /* between the checks and the admin's decision */
        struct node_engine *session;
        struct node_engine_ca ca;
        char target[300], name[256], address[256];
};

static void start_probe(struct engine_view *v);

/* The form's problem line is "<label> <why>". */
static const char *field_problem(struct engine_view *v, int field, int r, const struct node_error *e) {
        if (r == 0)
                return NULL;
        snprintf(v->field_problem[field], sizeof v->field_problem[field], _("is refused: %s"), e->message);
        return v->field_problem[field];
}

static const char *validate_engine(const char *value, void *userdata) {
        struct engine_view *v = userdata;
        if (!*value)
                return _("is needed: the engine's FQDN, with :PORT when it is not 443.");
        char host[256];
        unsigned port;
        struct node_error e = { 0 };
        int r = node_parse_fqdn_port(value, NODE_ENGINE_DEFAULT_PORT, host, sizeof host, &port, &e);
        return field_problem(v, FIELD_ENGINE, r, &e);
}

static const char *validate_name(const char *value, void *userdata) {
        struct engine_view *v = userdata;
        if (!*value)
                return _("is needed: how the engine will list this host.");
        struct node_error e = { 0 };
        return field_problem(v, FIELD_NAME, node_check_hostname(value, &e), &e);
}

/* Empty: the engine reaches the node by its name. */
static const char *validate_address(const char *value, void *userdata) {
        struct engine_view *v = userdata;
        if (!*value || node_check_ip_address(value, AF_UNSPEC, &(struct node_error){ 0 }) == 0)
                return NULL;
        struct node_error e = { 0 };
        return field_problem(v, FIELD_ADDRESS, node_check_hostname(value, &e), &e);
}

static void audit(const char *action, const char *arguments, int r, const struct node_error *e) {
        struct node_audit_record rec = {
                .kind = NODE_AUDIT_ENGINE, .program = "nodecon", .action = action, .arguments = arguments,
                .success = r == 0, .exit_code = r == 0 ? 0 : 1, .error = r < 0 ? e->message : NULL,
        };
        struct node_error ignored = { 0 };
        node_audit_write(&rec, &ignored);   /* a node without journald keeps no trail */
}

static void register_arguments(const struct engine_view *v, char *buf, size_t size) {
        snprintf(buf, size, "%s --name %s%s%s", v->target, v->name, v->address[0] ? " --address " : "",
                 v->address);
}

static void drop_session(struct engine_view *v) {
        node_engine_free(v->session);
        v->session = NULL;
}

static void set_outcome(struct engine_view *v, enum tui_style style, const char *text) {
        snprintf(v->outcome, sizeof v->outcome, "%s", text);
        v->outcome_style = style;
}

/* ---- a run in the worker: the steps it went through ---------------------- */

struct engine_run {
        const struct node_context *ctx;
        struct node_engine *session;
        struct tui_job_progress progress;
        GMutex steps_lock;
        struct engine_step steps[MAX_STEPS];
        size_t n_steps;
        /* the checks */
        char target[300];
        struct node_engine_precheck check;
        struct node_engine_ca ca;
        /* the registration */
        struct node_lock lock;
        char name[256], address[256];
        struct node_engine_result result;
        struct engine_view *view;
};

static void free_run(void *input) {
        struct engine_run *run = input;
        node_engine_free(run->session);
        node_lock_release(&run->lock);
        tui_job_progress_clear(&run->progress);
        g_mutex_clear(&run->steps_lock);
        free(run);
}

static struct engine_run *new_run(struct engine_view *v) {
        struct engine_run *run = calloc(1, sizeof *run);
        if (!run)
                return NULL;
        run->ctx = tui_app_context(v->app);
        run->view = v;
        run->lock = (struct node_lock)NODE_LOCK_INIT;
        tui_job_progress_init(&run->progress);
        g_mutex_init(&run->steps_lock);
        return run;
}

static void record_step(enum node_engine_step step, const char *what, void *userdata) {
        struct engine_run *run = userdata;
        g_mutex_lock(&run->steps_lock);
        if (run->n_steps < MAX_STEPS) {
                run->steps[run->n_steps].step = step;
                snprintf(run->steps[run->n_steps++].what, sizeof run->steps[0].what, "%s", what);
        }
        g_mutex_unlock(&run->steps_lock);
        tui_job_progress_report(what, -1, &run->progress);
}

static void take_steps(struct engine_view *v, struct engine_run *run, int r, const struct node_error *e) {
        g_mutex_lock(&run->steps_lock);
        memcpy(v->steps, run->steps, sizeof v->steps);
        v->n_steps = run->n_steps;
        g_mutex_unlock(&run->steps_lock);
        v->ran = true;
        v->run_r = r;
        node_error_clear(&v->run_error);
        if (r < 0 && e)
                v->run_error = *e;
        v->outcome[0] = '\0';
}

/* Cancel takes effect between two steps: a step itself is bounded by the timeout. */
static int stopped(struct engine_run *run, struct node_error *e) {
        if (!run->progress.cancel)
                return 0;
        return node_error_set(e, ECANCELED, _("You stopped the checks: nothing was trusted or written."));
}

static int run_checks(void *input, struct node_error *e) {
        struct engine_run *run = input;
        int r = node_engine_open(run->ctx, run->target, &run->session, e);
        if (r < 0)
                return r;
        node_engine_set_timeout(run->session, CHECK_TIMEOUT_SECONDS);
        node_engine_set_progress(run->session, record_step, run);
        if ((r = node_engine_precheck(run->session, &run->check, e)) < 0 || (r = stopped(run, e)) < 0)
                return r;
        if ((r = node_engine_fetch_ca(run->session, &run->ca, e)) < 0)
                return r;
        return stopped(run, e);
}

static int run_register(void *input, struct node_error *e) {
        struct engine_run *run = input;
        node_engine_set_progress(run->session, record_step, run);
        node_engine_set_timeout(run->session, REGISTER_TIMEOUT_SECONDS);
        struct node_engine_host host = { .name = run->name, .address = run->address[0] ? run->address : NULL };
        int r = node_engine_accept_ca(run->session, e);
        if (r == 0)
                r = node_engine_register(run->session, &host, &run->result, e);
        return r;
}

/* A change ended, however: the lock goes, the audit trail gets it, the top of
 * the screen is read again. */
static void change_ended(struct engine_view *v, struct node_lock *lock, const char *action, const char *arguments,
                         int r, const struct node_error *e) {
        v->busy = false;
        v->working = NULL;
        node_lock_release(lock);
        audit(action, arguments, r, e);
        start_probe(v);
}

static void register_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct engine_run *run = input;
        struct engine_view *v = run->view;
        take_steps(v, run, r, e);
        char arguments[1024];
        register_arguments(v, arguments, sizeof arguments);
        change_ended(v, &run->lock, "register", arguments, r, e);
        char text[2400];
        if (r < 0) {
                snprintf(text, sizeof text, "%s", e->message);
                if (r == -EREMOTEIO && node_engine_error_is_duplicate(e->message))
                        snprintf(text + strlen(text), sizeof text - strlen(text), " %s",
                                 _("Hint: the engine already knows a host with this name, address or id: remove "
                                   "that host in the engine's administration portal (or use another name) and "
                                   "register again."));
                set_outcome(v, TUI_STYLE_ERROR, _("The registration failed."));
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Registration failed"), text, NULL, NULL);
                return;
        }
        const struct node_engine_result *res = &run->result;
        snprintf(text, sizeof text,
                 _("Registered to %s as %s (address %s, unique id %s). The engine's SSH key %s %s. "
                   "Approve the host in the engine's administration portal to finish."),
                 v->target, res->name, res->address, res->unique_id, res->ssh_key_fingerprint,
                 res->key_added ? _("was added for root") : _("was already there for root"));
        set_outcome(v, TUI_STYLE_GOOD, _("Registered: approve the host in the engine."));
        tui_dialog_push(app, TUI_DIALOG_INFO, _("Registered"), text, NULL, NULL);
}

static void start_register(struct engine_view *v) {
        struct engine_run *run = new_run(v);
        if (!run) {
                drop_session(v);
                return;
        }
        run->session = v->session;
        v->session = NULL;
        snprintf(run->name, sizeof run->name, "%s", v->name);
        snprintf(run->address, sizeof run->address, "%s", v->address);
        struct node_error e = { 0 };
        /* the lock only now: nobody waits behind an admin reading a fingerprint */
        if (node_lock_acquire(run->ctx, &run->lock, &e) < 0) {
                char text[1200];
                snprintf(text, sizeof text, _("%s Nothing was trusted or written."), e.message);
                free_run(run);
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("Another operation is running"), text, NULL, NULL);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_register, .done = register_done, .input = run, .free_input = free_run,
                .title = _("Registering"), .step = _("Asking the engine"), .progress = &run->progress,
        };
        v->busy = tui_job_start(v->app, &spec, &v->working) == 0;
        if (!v->busy)
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("Registration failed"),
                                _("No worker could be started; nothing was trusted or written."), NULL, NULL);
}

/* ---- the CA dialog: Accept or Reject ------------------------------------ */

struct ca_dialog {
        struct engine_view *view;
        bool accept_focused;
};

static void ca_decided(struct tui_screen *s, bool accepted) {
        struct ca_dialog *d = s->data;
        struct engine_view *v = d->view;
        tui_pop(s->app);   /* s and d are gone from here on */
        if (accepted) {
                start_register(v);
                return;
        }
        drop_session(v);
        struct node_error e = { 0 };
        node_error_set(&e, EKEYREJECTED, _("Rejected: nothing was trusted or written."));
        char arguments[1024];
        register_arguments(v, arguments, sizeof arguments);
        audit("register", arguments, -EKEYREJECTED, &e);
        set_outcome(v, TUI_STYLE_WARNING, e.message);
}

static int ca_init(struct tui_screen *s, void *arg) {
        struct ca_dialog *d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        d->view = arg;
        s->data = d;
        return 0;
}

static void ca_free(struct tui_screen *s) { free(s->data); }

/* The fingerprint in two halves of 16 bytes: 95 characters fit no 80-column dialog. */
static void fingerprint_halves(const char *fp, char *first, char *second, size_t size) {
        size_t half = strlen(fp) > 48 ? 48 : strlen(fp);
        snprintf(first, size, "%.*s", (int)half, fp);
        snprintf(second, size, "%s", fp + half);
}

#define CA_DIALOG_ROWS 17

static void ca_size(struct tui_screen *s, int *rows, int *cols) {
        (void)s;
        *rows = CA_DIALOG_ROWS;
        *cols = COLS - 4 < 76 ? COLS - 4 : 76;
}

static void ca_row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        tui_put(w, y, 2, 12, label, TUI_STYLE_DIALOG);
        tui_put(w, y, 14, getmaxx(w) - 16, value, style);
}

static void ca_draw(struct tui_screen *s) {
        struct ca_dialog *d = s->data;
        const struct node_engine_ca *ca = &d->view->ca;
        WINDOW *w = s->win;
        int rows = getmaxy(w), cols = getmaxx(w);
        tui_dialog_frame(w, TUI_STYLE_DIALOG, _("Trust this engine's CA?"));
        int y = 2;
        char text[256];
        snprintf(text, sizeof text, _("The engine at %s sent this CA certificate:"), d->view->target);
        tui_put(w, y++, 2, cols - 4, text, TUI_STYLE_DIALOG);
        y++;
        ca_row(w, y++, _("Subject"), ca->subject, TUI_STYLE_DIALOG);
        ca_row(w, y++, _("Issuer"), ca->issuer, TUI_STYLE_DIALOG);
        ca_row(w, y++, _("Valid from"), ca->not_before, TUI_STYLE_DIALOG);
        ca_row(w, y++, _("Valid to"), ca->not_after, TUI_STYLE_DIALOG);
        if (!ca->valid_now)
                ca_row(w, y++, "", _("NOT valid now: check the node's clock"), TUI_STYLE_ERROR);
        char first[64], second[64];
        fingerprint_halves(ca->sha256, first, second, sizeof first);
        ca_row(w, y++, _("SHA-256"), first, TUI_STYLE_DIALOG);
        ca_row(w, y++, "", second, TUI_STYLE_DIALOG);
        ca_row(w, y++, _("SHA-1"), ca->sha1, TUI_STYLE_DIALOG);
        y++;
        tui_put_wrapped(w, y, 2, cols - 4, rows - 3 - y,
                        _("Compare the fingerprint with the one the engine shows (engine-setup, or the CA's "
                          "page). Only Accept trusts it and registers the node."),
                        TUI_STYLE_DIALOG);
        /* TRANSLATORS: the letters a and r choose these buttons; keep them in the labels */
        const char *accept = _("a Accept"), *reject = _("r Reject");
        char a[64], r[64];
        snprintf(a, sizeof a, "< %s >", accept);
        snprintf(r, sizeof r, "< %s >", reject);
        int width = tui_text_width(a) + tui_text_width(r) + 4, x = (cols - width) / 2;
        tui_put(w, rows - 2, x, tui_text_width(a), a, d->accept_focused ? TUI_STYLE_SELECTED : TUI_STYLE_DIALOG);
        tui_put(w, rows - 2, x + tui_text_width(a) + 4, tui_text_width(r), r,
                d->accept_focused ? TUI_STYLE_DIALOG : TUI_STYLE_SELECTED);
}

static bool ca_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct ca_dialog *d = s->data;
        if (function_key) {
                if (key == KEY_LEFT || key == KEY_RIGHT || key == KEY_BTAB)
                        d->accept_focused = !d->accept_focused;
                else if (key == KEY_ENTER)
                        ca_decided(s, d->accept_focused);
                return true;
        }
        if (key == 'a' || key == 'A')
                ca_decided(s, true);
        else if (key == 'r' || key == 'R' || key == TUI_KEY_ESC)
                ca_decided(s, false);
        else if (key == '\t')
                d->accept_focused = !d->accept_focused;
        else if (key == '\r' || key == '\n')
                ca_decided(s, d->accept_focused);
        return true;
}

static const struct screen_ops ca_dialog_ops = {
        .name = "engine-ca",
        .overlay = true,
        .size = ca_size,
        .init = ca_init,
        .draw = ca_draw,
        .key = ca_key,
        .free = ca_free,
};

/* ---- the checks --------------------------------------------------------- */

static void checks_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct engine_run *run = input;
        struct engine_view *v = run->view;
        v->working = NULL;
        take_steps(v, run, r, e);
        v->check = run->check;
        if (r < 0) {
                set_outcome(v, TUI_STYLE_WARNING, _("Nothing was trusted or written."));
                return;
        }
        v->ca = run->ca;
        v->session = run->session;
        run->session = NULL;
        tui_push(app, &ca_dialog_ops, v);
}

static void start_checks(struct engine_view *v) {
        if (v->working || v->busy)
                return;
        drop_session(v);
        struct engine_run *run = new_run(v);
        if (!run)
                return;
        snprintf(v->target, sizeof v->target, "%s", tui_form_value(v->form, FIELD_ENGINE));
        snprintf(v->name, sizeof v->name, "%s", tui_form_value(v->form, FIELD_NAME));
        snprintf(v->address, sizeof v->address, "%s", tui_form_value(v->form, FIELD_ADDRESS));
        snprintf(run->target, sizeof run->target, "%s", v->target);
        v->ran = false;
        v->n_steps = 0;
        v->outcome[0] = '\0';
        struct tui_job_spec spec = {
                .run = run_checks, .done = checks_done, .input = run, .free_input = free_run,
                .title = _("Checking the engine"), .step = _("Starting"), .cancellable = true,
                .progress = &run->progress,
        };
        if (tui_job_start(v->app, &spec, &v->working) < 0)
                v->working = NULL;
}

/* ---- unregister ----------------------------------------------------------- */

struct unregister_run {
        const struct node_context *ctx;
        struct node_lock lock;
        struct engine_view *view;
        char engine[300];
};

static void free_unregister(void *input) {
        struct unregister_run *u = input;
        node_lock_release(&u->lock);
        free(u);
}

static int run_unregister(void *input, struct node_error *e) {
        struct unregister_run *u = input;
        return node_engine_unregister(u->ctx, e);
}

static void unregister_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct unregister_run *u = input;
        struct engine_view *v = u->view;
        change_ended(v, &u->lock, "unregister", u->engine, r, e);
        if (r < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Unregistering failed"), e->message, NULL, NULL);
                return;
        }
        char text[600];
        snprintf(text, sizeof text,
                 _("The trust in %s (its CA and SSH key) was removed; remove the host in the engine too."), u->engine);
        tui_dialog_push(app, TUI_DIALOG_INFO, _("Unregistered"), text, NULL, NULL);
}

static void unregister_answer(struct tui_app *app, bool confirmed, void *userdata) {
        struct engine_view *v = userdata;
        if (!confirmed || v->busy || v->working)
                return;
        struct unregister_run *u = calloc(1, sizeof *u);
        if (!u)
                return;
        u->ctx = tui_app_context(app);
        u->lock = (struct node_lock)NODE_LOCK_INIT;
        u->view = v;
        screen_engine_target(&v->now.state, u->engine, sizeof u->engine);
        struct node_error e = { 0 };
        if (node_lock_acquire(u->ctx, &u->lock, &e) < 0) {
                char text[1200];
                snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
                free_unregister(u);
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Another operation is running"), text, NULL, NULL);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_unregister, .done = unregister_done, .input = u, .free_input = free_unregister,
                .title = _("Unregistering"), .step = _("Removing the engine's trust"), .dialog_after_ms = 300,
        };
        v->busy = tui_job_start(app, &spec, &v->working) == 0;
}

static void ask_unregister(struct engine_view *v) {
        if (!v->now.registered)
                return;
        const struct node_engine_state *st = &v->now.state;
        char target[300], keys[700] = "", text[2048];
        if (st->ssh_key[0])
                snprintf(keys, sizeof keys,
                         st->authorized_keys_created ? _(", %s (made for the engine's key)")
                                                     : _(", the engine's key line in %s"),
                         st->authorized_keys);
        snprintf(text, sizeof text,
                 _("This removes the trust in %s: %s%s and %s. %s stays: it is the node's identity. Remove the "
                   "host in the engine too."),
                 screen_engine_target(st, target, sizeof target), NODE_ENGINE_CA_FILE, keys, NODE_ENGINE_STATE_FILE,
                 NODE_ENGINE_VDSM_ID_FILE);
        tui_dialog_push(v->app, TUI_DIALOG_CONFIRM, _("Unregister from the engine?"), text, unregister_answer, v);
}

/* ---- the screen's life ----------------------------------------------------- */

static void probe_arrived(struct tui_app *app, const struct screen_engine_now *now, void *userdata) {
        (void)app;
        struct engine_view *v = userdata;
        v->probing = NULL;
        v->probed = true;
        v->now = *now;
}

static void start_probe(struct engine_view *v) {
        if (v->probing)
                return;
        if (screen_probe_engine(v->app, SCREEN_PROBE_TIMEOUT_SECONDS, probe_arrived, v, &v->probing) < 0)
                v->probing = NULL;
}

static int engine_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct engine_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        if (gethostname(v->hostname, sizeof v->hostname - 1) < 0)
                v->hostname[0] = '\0';
        v->fields[FIELD_ENGINE] = (struct tui_form_field_spec){
                .label = _("Engine"), .initial = "", .width = FIELD_WIDTH, .validate = validate_engine, .userdata = v,
        };
        v->fields[FIELD_NAME] = (struct tui_form_field_spec){
                .label = _("Node name"), .initial = v->hostname, .width = FIELD_WIDTH, .validate = validate_name,
                .userdata = v,
        };
        v->fields[FIELD_ADDRESS] = (struct tui_form_field_spec){
                .label = _("Address"), .initial = "", .width = FIELD_WIDTH, .validate = validate_address,
                .userdata = v,
        };
        start_probe(v);
        return tui_form_new(v->fields, ELEMENTSOF(v->fields), &v->form);
}

static void engine_free(struct tui_screen *s) {
        struct engine_view *v = s->data;
        tui_job_abandon(v->probing);
        /* a registration under way finishes in its worker and releases its lock there */
        tui_job_abandon(v->working);
        drop_session(v);
        tui_form_free(v->form);
        free(v);
        curs_set(0);
}

static void row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        tui_put(w, y, 2, LABEL_WIDTH, label, TUI_STYLE_LABEL);
        tui_put(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, value, style);
}

static void draw_registration(struct engine_view *v, WINDOW *w, int y) {
        char buf[1200], target[300];
        const struct node_engine_state *st = &v->now.state;
        if (!v->probed) {
                row(w, y, _("Registered"), _("reading..."), TUI_STYLE_NORMAL);
                return;
        }
        if (!v->now.registered) {
                row(w, y, _("Registered"), v->now.why.code ? v->now.why.message : _("no: not registered to an engine"),
                    v->now.why.code ? TUI_STYLE_ERROR : TUI_STYLE_NORMAL);
                return;
        }
        snprintf(buf, sizeof buf, _("to %s as %s since %s"), screen_engine_target(st, target, sizeof target),
                 st->name, st->registered_at);
        row(w, y++, _("Registered"), buf, TUI_STYLE_GOOD);
        row(w, y++, _("CA SHA-256"), st->ca_sha256, TUI_STYLE_NORMAL);
        if (v->probing)
                row(w, y, _("Reachable"), _("asking the engine..."), TUI_STYLE_NORMAL);
        else if (v->now.reachable)
                row(w, y, _("Reachable"), _("yes, it answers now"), TUI_STYLE_GOOD);
        else {
                snprintf(buf, sizeof buf, _("no: %s"), v->now.why.message);
                tui_put(w, y, 2, LABEL_WIDTH, _("Reachable"), TUI_STYLE_LABEL);
                tui_put_wrapped(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, REGISTRATION_ROWS - 2, buf,
                                TUI_STYLE_ERROR);
        }
}

static void draw_steps(struct engine_view *v, WINDOW *w, int y) {
        int cols = getmaxx(w) - 4, bottom = TUI_FRAME_BODY_TOP + tui_frame_body_rows(w);
        if (!v->ran)
                return;
        char buf[512];
        for (size_t i = 0; i < v->n_steps && y < bottom; i++) {
                bool failed = v->run_r < 0 && i + 1 == v->n_steps;
                const char *what = v->steps[i].what;
                if (!failed && v->steps[i].step == NODE_ENGINE_STEP_TLS && v->check.version) {
                        /* TRANSLATORS: a check that passed, and the protocol version the engine speaks */
                        snprintf(buf, sizeof buf, _("%s: protocol %d"), what, v->check.version);
                        what = buf;
                }
                tui_put(w, y, 2, 8, failed ? _("FAILED") : _("ok"), failed ? TUI_STYLE_ERROR : TUI_STYLE_GOOD);
                tui_put(w, y++, 10, cols - 8, what, TUI_STYLE_NORMAL);
        }
        if (v->check.skew_warning && y < bottom) {
                snprintf(buf, sizeof buf,
                         _("This node's clock is %ld s %s the engine's: check NTP (TLS and the engine need them "
                           "within 5 minutes)."),
                         labs(v->check.skew_seconds), v->check.skew_seconds > 0 ? _("ahead of") : _("behind"));
                tui_put(w, y, 2, 8, _("warning"), TUI_STYLE_WARNING);
                y += tui_put_wrapped(w, y, 10, cols - 8, 2, buf, TUI_STYLE_WARNING);
        }
        if (v->run_r < 0 && y < bottom)
                y += tui_put_wrapped(w, y, 2, cols, bottom - y, v->run_error.message, TUI_STYLE_ERROR);
        if (v->outcome[0] && y < bottom)
                tui_put_wrapped(w, y, 2, cols, bottom - y, v->outcome, v->outcome_style);
}

static void engine_draw(struct tui_screen *s) {
        struct engine_view *v = s->data;
        WINDOW *w = s->win;
        struct tui_key_help keys[5];
        size_t n_keys = 0;
        keys[n_keys++] = (struct tui_key_help){ "Tab", _("Next") };
        keys[n_keys++] = (struct tui_key_help){ "Enter", _("Check") };
        keys[n_keys++] = (struct tui_key_help){ "^U", _("Clear") };
        if (v->now.registered)
                keys[n_keys++] = (struct tui_key_help){ "^R", _("Unregister") };
        keys[n_keys++] = (struct tui_key_help){ "Esc", _("Back") };
        tui_form_sync(v->form);
        tui_frame_draw(w, _("nodecon: engine"), NULL, keys, n_keys);
        int y = TUI_FRAME_BODY_TOP;
        draw_registration(v, w, y);
        y += REGISTRATION_ROWS + 1;
        int form_y = y;
        y += tui_form_rows(v->form) + 1;
        draw_steps(v, w, y);
        /* last, so the cursor ends in the field */
        tui_form_draw(v->form, w, form_y, 2);
}

/* OK checks the engine typed before anything is trusted. */
static void check_typed_engine(void *userdata) { start_checks(userdata); }

static bool engine_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = check_typed_engine };
        struct engine_view *v = s->data;
        if (v->busy)
                return true;
        if (!function_key && key == TUI_CTRL('r')) {
                ask_unregister(v);
                return true;
        }
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops engine_screen_ops = {
        .name = "engine",
        .init = engine_init,
        .draw = engine_draw,
        .key = engine_key,
        .free = engine_free,
};
