/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network test: the admin names a host (the registered engine by
 * default, or nothing for the local steps only), and lib's diagnosis runs in
 * a worker; each step appears as it ends, with its mark, and a failed step
 * shows its likely cause in full.  Works with no network and no
 * NetworkManager at all: the first step then says so. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "i18n.h"
#include "netdiag.h"
#include "netvalid.h"
#include "network.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define FIELD_WIDTH 48
#define STEP_COLUMN 9       /* after the mark */
#define DETAIL_COLUMN 19

/* Filled by the worker step by step, read by the screen's tick. */
struct diag_run {
        const struct node_context *ctx;
        char host[256];
        unsigned port;
        GMutex lock;
        struct node_diag_step steps[ELEMENTSOF(((struct node_diag *)0)->steps)];
        size_t n;
        char iface[16];
};

static void free_run(void *input) {
        struct diag_run *d = input;
        g_mutex_clear(&d->lock);
        free(d);
}

static void step_done(const struct node_diag_step *step, void *userdata) {
        struct diag_run *d = userdata;
        g_mutex_lock(&d->lock);
        if (d->n < ELEMENTSOF(d->steps))
                d->steps[d->n++] = *step;
        g_mutex_unlock(&d->lock);
}

static int run_diag(void *input, struct node_error *e) {
        (void)e;
        struct diag_run *d = input;
        struct screen_nm nm;
        struct node_error nm_error = { 0 };
        bool have_nm = screen_nm_open(&nm, &nm_error) == 0;
        struct node_diag_opts opts = {
                .ctx = d->ctx, .host = d->host[0] ? d->host : NULL, .port = d->port, .tls = true,
                .step_done = step_done, .userdata = d,
        };
        struct node_diag diag;
        node_net_diagnose_with(have_nm ? nm.net : NULL, nm_error.message, &opts, &diag);
        g_mutex_lock(&d->lock);
        snprintf(d->iface, sizeof d->iface, "%s", diag.iface);
        g_mutex_unlock(&d->lock);
        if (have_nm)
                screen_nm_close(&nm);
        return 0;
}

struct netdiag_view {
        struct tui_app *app;
        struct tui_form_field_spec fields[1];
        char why[1100];
        char engine[300];                /* the registered engine, "" none */
        struct tui_form *form;
        struct tui_job *job;
        struct diag_run *run;            /* the job's input, while it runs */
        /* what is shown: the steps so far */
        struct node_diag_step steps[ELEMENTSOF(((struct node_diag *)0)->steps)];
        size_t n;
        char iface[16];
        char tested[300];
        bool running, finished;
};

static const char *check_host(const char *value, void *userdata) {
        struct netdiag_view *v = userdata;
        struct node_error e = { 0 };
        char host[256];
        unsigned port;
        if (!*value || node_parse_fqdn_port(value, 443, host, sizeof host, &port, &e) == 0)
                return NULL;
        snprintf(v->why, sizeof v->why, "%s", e.message);
        return v->why;
}

/* The worker's steps into the view (the job's input is gone after done). */
static void copy_steps(struct netdiag_view *v, struct diag_run *d) {
        g_mutex_lock(&d->lock);
        v->n = d->n;
        memcpy(v->steps, d->steps, d->n * sizeof d->steps[0]);
        snprintf(v->iface, sizeof v->iface, "%s", d->iface);
        g_mutex_unlock(&d->lock);
}

static void diag_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app, (void)r, (void)e;
        struct netdiag_view *v = userdata;
        copy_steps(v, input);
        v->job = NULL;
        v->run = NULL;
        v->running = false;
        v->finished = true;
}

static void start_diag(struct netdiag_view *v, const char *target) {
        if (v->running)
                return;
        struct diag_run *d = calloc(1, sizeof *d);
        if (!d)
                return;
        g_mutex_init(&d->lock);
        d->ctx = tui_app_context(v->app);
        d->port = 443;
        struct node_error e = { 0 };
        if (*target && node_parse_fqdn_port(target, 443, d->host, sizeof d->host, &d->port, &e) < 0) {
                free_run(d);
                return;
        }
        snprintf(v->tested, sizeof v->tested, "%s", target);
        v->n = 0;
        v->finished = false;
        struct tui_job_spec spec = {
                .run = run_diag, .done = diag_done, .input = d, .free_input = free_run, .userdata = v,
        };
        if (tui_job_start(v->app, &spec, &v->job) == 0) {
                v->run = d;
                v->running = true;
        }
}

static int netdiag_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct netdiag_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        node_diag_registered_engine(tui_app_context(s->app), v->engine, sizeof v->engine);
        v->fields[0] = (struct tui_form_field_spec){
                .label = _("Host[:port]"), .initial = v->engine, .width = FIELD_WIDTH, .validate = check_host,
                .userdata = v,
        };
        return tui_form_new(v->fields, ELEMENTSOF(v->fields), &v->form);
}

static void netdiag_free(struct tui_screen *s) {
        struct netdiag_view *v = s->data;
        tui_job_abandon(v->job);
        tui_form_free(v->form);
        free(v);
        curs_set(0);
}

/* A step's row: mark, name, and what it saw; a failed step's cause wraps. */
static int draw_step(WINDOW *w, int y, int max_rows, const struct node_diag_step *st) {
        int cols = getmaxx(w) - DETAIL_COLUMN - 2;
        enum tui_style style = st->result == NODE_DIAG_OK       ? TUI_STYLE_GOOD
                               : st->result == NODE_DIAG_FAILED ? TUI_STYLE_ERROR
                                                                : TUI_STYLE_LABEL;
        tui_put(w, y, 2, STEP_COLUMN - 2, node_diag_mark(st->result), style);
        tui_put(w, y, STEP_COLUMN, DETAIL_COLUMN - STEP_COLUMN - 1, _(st->name), TUI_STYLE_LABEL);
        if (st->result != NODE_DIAG_FAILED || max_rows < 2) {
                tui_put(w, y, DETAIL_COLUMN, cols, st->detail, TUI_STYLE_NORMAL);
                return 1;
        }
        return tui_put_wrapped(w, y, DETAIL_COLUMN, cols, max_rows > 4 ? 4 : max_rows, st->detail, TUI_STYLE_NORMAL);
}

static void netdiag_draw(struct tui_screen *s) {
        struct netdiag_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Enter", _("Run") },
                { "^U", _("Clear") },
                { "Esc", _("Back") },
        };
        if (v->run)
                copy_steps(v, v->run);
        tui_form_sync(v->form);
        tui_frame_draw(w, _("nodecon: network test"), v->running ? _("testing...") : NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        tui_put(w, y++, 2, cols,
                v->engine[0] ? _("Link, address, gateway, DNS, TCP, TLS and clock against the registered engine or another host.")
                             : _("Link, address, gateway; with a host also DNS, TCP, TLS and clock."),
                TUI_STYLE_NORMAL);
        y++;
        int form_y = y;
        y += tui_form_rows(v->form);
        int bottom = tui_frame_body_rows(w) + TUI_FRAME_BODY_TOP;
        for (size_t i = 0; i < v->n && y < bottom; i++)
                y += draw_step(w, y, bottom - y - (int)(v->n - i - 1), &v->steps[i]);
        if (v->finished && y < bottom) {
                bool failed = false;
                for (size_t i = 0; i < v->n; i++)
                        failed |= v->steps[i].result == NODE_DIAG_FAILED;
                tui_put(w, y, 2, cols,
                        failed ? _("A step failed: the first failed step is the likely cause.") : _("Every step passed."),
                        failed ? TUI_STYLE_WARNING : TUI_STYLE_GOOD);
        }
        tui_form_draw(v->form, w, form_y, 2);
}

static void netdiag_tick(struct tui_screen *s) {
        struct netdiag_view *v = s->data;
        if (v->running)
                tui_invalidate(s->app);
}

/* OK tests the host typed (none: the local steps only). */
static void test_typed_host(void *userdata) {
        struct netdiag_view *v = userdata;
        start_diag(v, tui_form_value(v->form, 0));
}

static bool netdiag_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = test_typed_host };
        struct netdiag_view *v = s->data;
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops netdiag_screen_ops = {
        .name = "netdiag",
        .init = netdiag_init,
        .draw = netdiag_draw,
        .key = netdiag_key,
        .tick = netdiag_tick,
        .tick_ms = 200,
        .free = netdiag_free,
};
