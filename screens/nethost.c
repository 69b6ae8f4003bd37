/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host name, DNS servers, search domains and NTP servers in one form.  Each
 * field is checked as it is typed by the same lib checks nodectl uses (the
 * form's OK stays disabled while one says no), and only what changed is
 * applied, under the node lock, in a worker: the NTP servers through the
 * time daemon's drop-in, the host name through NetworkManager, and DNS and
 * search domains on the interface with the default route inside an NM
 * checkpoint, followed by the "Keep these settings?" countdown. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "i18n.h"
#include "lock.h"
#include "netvalid.h"
#include "network.h"
#include "ntp.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define FIELD_WIDTH 48
#define MAX_DNS 3          /* the C library's resolver asks the first three only */
#define MAX_SEARCH 6
#define ITEM_SIZE 256

enum { FIELD_HOSTNAME, FIELD_DNS, FIELD_SEARCH, FIELD_NTP, N_FIELDS };

/* A field's list as typed: items separated by commas or blanks. */
struct list {
        char items[NODE_NTP_MAX_SERVERS + 1][ITEM_SIZE];
        size_t n;
        bool too_many;
};

static void split_list(const char *text, size_t max, struct list *l) {
        l->n = 0;
        l->too_many = false;
        for (const char *p = text; *(p += strspn(p, ", \t"));) {
                size_t len = strcspn(p, ", \t");
                if (l->n == max || l->n == ELEMENTSOF(l->items)) {
                        l->too_many = true;
                        return;
                }
                snprintf(l->items[l->n++], ITEM_SIZE, "%.*s", (int)len, p);
                p += len;
        }
}

/* Each field's validator says why through its own buffer. */
struct field_check {
        size_t max;
        bool may_be_empty;      /* the host name of a node that has none yet */
        char why[1100];
};

static const char *check_hostname(const char *value, void *userdata) {
        struct field_check *c = userdata;
        struct node_error e = { 0 };
        if (!*value)
                return c->may_be_empty ? NULL : _("is needed.");
        if (node_check_hostname(value, &e) == 0)
                return NULL;
        snprintf(c->why, sizeof c->why, "%s", e.message);
        return c->why;
}

typedef int (*item_check_fn)(const char *item, struct node_error *e);

static int check_dns_server(const char *item, struct node_error *e) {
        return node_check_ip_address(item, AF_UNSPEC, e);
}

static const char *check_list(const char *value, struct field_check *c, item_check_fn check) {
        struct list l;
        split_list(value, c->max, &l);
        if (l.too_many) {
                snprintf(c->why, sizeof c->why, _("take at most %zu entries."), c->max);
                return c->why;
        }
        struct node_error e = { 0 };
        for (size_t i = 0; i < l.n; i++) {
                if (check(l.items[i], &e) < 0) {
                        snprintf(c->why, sizeof c->why, "%s", e.message);
                        return c->why;
                }
                for (size_t j = 0; j < i; j++)
                        if (strcasecmp(l.items[i], l.items[j]) == 0) {
                                snprintf(c->why, sizeof c->why, _("name %s twice."), l.items[i]);
                                return c->why;
                        }
        }
        return NULL;
}

static const char *check_dns(const char *value, void *userdata) {
        return check_list(value, userdata, check_dns_server);
}

static const char *check_search(const char *value, void *userdata) {
        return check_list(value, userdata, node_check_search_domain);
}

static const char *check_ntp(const char *value, void *userdata) {
        return check_list(value, userdata, node_ntp_check_server);
}

/* ---- what the node has now (a worker) ------------------------------------ */

struct settings {
        char values[N_FIELDS][1100];
        char iface[16];                 /* where DNS and search domains go; "" none */
        char daemon[32];                /* the time daemon, "" none */
        int net_r;
        struct node_error net_error;
        int ntp_r;
        struct node_error ntp_error;
};

static void join(char *out, size_t size, char **v) {
        out[0] = '\0';
        for (size_t used = 0; v && *v; v++)
                used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s", used ? ", " : "", *v);
}

struct read_job {
        const struct node_context *ctx;
        struct settings s;
};

/* The interface DNS goes on: the default route's, else the first connected. */
static const struct node_nic *dns_interface(const struct node_net_state *state) {
        const struct node_nic *nic = state->primary ? node_net_find_nic(state, state->primary) : NULL;
        for (size_t i = 0; !nic && i < state->n_nics; i++)
                if (streq(state->nics[i].state, "connected") && !state->nics[i].controller)
                        nic = &state->nics[i];
        return nic;
}

static int run_read(void *input, struct node_error *e) {
        (void)e;
        struct read_job *j = input;
        struct settings *s = &j->s;
        struct screen_nm nm;
        if ((s->net_r = screen_nm_open(&nm, &s->net_error)) == 0) {
                struct node_net_state state;
                if ((s->net_r = node_net_read(nm.net, j->ctx, &state, &s->net_error)) == 0) {
                        snprintf(s->values[FIELD_HOSTNAME], sizeof s->values[0], "%s", state.hostname ? state.hostname : "");
                        const struct node_nic *nic = dns_interface(&state);
                        if (nic) {
                                snprintf(s->iface, sizeof s->iface, "%s", nic->name);
                                join(s->values[FIELD_DNS], sizeof s->values[0], nic->dns);
                                join(s->values[FIELD_SEARCH], sizeof s->values[0], nic->search);
                        }
                        node_net_state_free(&state);
                }
                screen_nm_close(&nm);
        }
        struct node_ntp ntp;
        if ((s->ntp_r = node_ntp_read(j->ctx, &ntp, &s->ntp_error)) == 0) {
                snprintf(s->daemon, sizeof s->daemon, "%s", node_ntp_daemon_name(ntp.daemon));
                join(s->values[FIELD_NTP], sizeof s->values[0], ntp.servers);
                node_ntp_free(&ntp);
        }
        return 0;
}

/* ---- the screen ------------------------------------------------------------ */

struct nethost_view {
        struct tui_app *app;
        struct tui_form_field_spec fields[N_FIELDS];
        struct field_check checks[N_FIELDS];
        struct tui_form *form;
        struct tui_job *job;
        bool loaded;
        bool busy;                      /* a change is being applied */
        struct settings now;            /* as read, or as last applied */
};

static void load_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata);

static void start_load(struct nethost_view *v) {
        struct read_job *j = calloc(1, sizeof *j);
        if (!j)
                return;
        j->ctx = tui_app_context(v->app);
        struct tui_job_spec spec = {
                .run = run_read, .done = load_done, .input = j, .free_input = free, .userdata = v,
                .title = _("Reading the network settings"), .step = _("Asking NetworkManager"),
                .dialog_after_ms = 500,
        };
        if (tui_job_start(v->app, &spec, &v->job) < 0)
                v->job = NULL;
}

static int make_form(struct nethost_view *v) {
        static const char *const labels[N_FIELDS] = {
                N_("Host name"), N_("DNS servers"), N_("Search domains"), N_("NTP servers"),
        };
        static const tui_validator_fn validators[N_FIELDS] = { check_hostname, check_dns, check_search, check_ntp };
        static const size_t max[N_FIELDS] = { 1, MAX_DNS, MAX_SEARCH, NODE_NTP_MAX_SERVERS };
        if (v->form)
                tui_form_free(v->form);
        v->form = NULL;
        for (size_t i = 0; i < N_FIELDS; i++) {
                v->checks[i].max = max[i];
                v->checks[i].may_be_empty = i == FIELD_HOSTNAME && !v->now.values[i][0];
                v->fields[i] = (struct tui_form_field_spec){
                        .label = _(labels[i]), .initial = v->now.values[i], .width = FIELD_WIDTH,
                        .validate = validators[i], .userdata = &v->checks[i],
                };
        }
        return tui_form_new(v->fields, N_FIELDS, &v->form);
}

static void load_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app, (void)e;
        struct nethost_view *v = userdata;
        struct read_job *j = input;
        v->job = NULL;
        if (r == -ECANCELED) {
                node_error_set(&j->s.net_error, ECANCELED, _("You stopped waiting for NetworkManager."));
                j->s.net_r = -ECANCELED;
        }
        v->now = j->s;
        v->loaded = make_form(v) == 0;
}

/* ---- applying ---------------------------------------------------------------- */

struct apply_job {
        const struct node_context *ctx;
        struct node_lock lock;
        bool ntp, hostname, dns, search;          /* what changed */
        char iface[16];
        char hostname_value[256];
        struct list ntp_servers, dns_servers, search_domains;
        unsigned timeout;                         /* network_confirm_timeout */
        /* what happened */
        struct node_ntp_applied ntp_applied;
        bool net_applied;
        unsigned seconds_left;
        char done[3][160];                        /* the parts applied, for the message */
        size_t n_done;
        struct nethost_view *view;
};

static void free_apply(void *input) {
        struct apply_job *a = input;
        node_lock_release(&a->lock);
        free(a);
}

static const char *const *list_argv(struct list *l, const char **argv) {
        for (size_t i = 0; i < l->n; i++)
                argv[i] = l->items[i];
        argv[l->n] = NULL;
        return argv;
}

static void did(struct apply_job *a, const char *what) {
        if (a->n_done < ELEMENTSOF(a->done))
                snprintf(a->done[a->n_done++], sizeof a->done[0], "%s", what);
}

/* NetworkManager is asked first (unreachable: nothing changes); NTP and the
 * host name cannot cut anyone off, so they go before the change that can,
 * and the countdown covers exactly it. */
static int run_apply(void *input, struct node_error *e) {
        struct apply_job *a = input;
        const char *argv[NODE_NTP_MAX_SERVERS + 2];
        struct screen_nm nm = { 0 };
        bool need_nm = a->hostname || a->dns || a->search;
        int r = 0;
        if (need_nm && (r = screen_nm_open(&nm, e)) < 0)
                return node_error_prefix(e, _("Nothing was changed: "));
        if (a->ntp && (r = node_ntp_set(a->ctx, list_argv(&a->ntp_servers, argv), &a->ntp_applied, e)) == 0)
                did(a, _("the NTP servers"));
        if (r == 0 && a->hostname && (r = node_net_set_hostname(nm.net, a->hostname_value, e)) == 0)
                did(a, _("the host name"));
        if (r == 0 && (a->dns || a->search)) {
                const char *dns[MAX_DNS + 1], *search[MAX_SEARCH + 1];
                struct node_net_change change = {
                        .iface = a->iface,
                        .dns = a->dns ? list_argv(&a->dns_servers, dns) : NULL,
                        .search = a->search ? list_argv(&a->search_domains, search) : NULL,
                        .rollback_timeout = a->timeout,
                };
                struct node_net_applied applied;
                if ((r = node_net_apply(nm.net, a->ctx, &change, &applied, e)) == 0) {
                        a->net_applied = true;
                        a->seconds_left = screen_net_seconds_left(nm.net, a->ctx, &applied);
                }
        }
        screen_nm_close(&nm);
        return r;
}

static void apply_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct apply_job *a = input;
        struct nethost_view *v = a->view;
        v->busy = false;
        node_lock_release(&a->lock);
        char text[1600] = "";
        size_t used = 0;
        for (size_t i = 0; i < a->n_done; i++)
                used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", i ? _(", ") : _("Saved: "), a->done[i]);
        if (a->n_done)
                used += (size_t)snprintf(text + used, sizeof text - used, ". ");
        if (a->ntp_applied.note[0])
                used += (size_t)snprintf(text + used, sizeof text - used, "%s ", a->ntp_applied.note);
        if (r < 0) {
                snprintf(text + used, sizeof text - used, "%s%s", a->n_done ? _("Then: ") : "", e->message);
                tui_dialog_push(app, TUI_DIALOG_ERROR,
                                a->n_done ? _("The settings were not all applied") : _("The settings were not applied"),
                                text, NULL, NULL);
        } else if (a->net_applied) {
                snprintf(text + used, sizeof text - used, _("DNS and search domains changed on %s."), a->iface);
                screen_net_confirm_push(app, a->iface, text, a->seconds_left);
        } else {
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Settings applied"), text, NULL, NULL);
        }
        /* read back what the node has now: the form starts from it */
        v->loaded = false;
        start_load(v);
}

static void start_apply(struct nethost_view *v) {
        struct apply_job *a = calloc(1, sizeof *a);
        if (!a)
                return;
        a->ctx = tui_app_context(v->app);
        a->lock = (struct node_lock)NODE_LOCK_INIT;
        a->view = v;
        char value[N_FIELDS][sizeof v->now.values[0]];
        /* tui_form_value's buffer is reused: copy each one out */
        for (size_t i = 0; i < N_FIELDS; i++)
                snprintf(value[i], sizeof value[i], "%s", tui_form_value(v->form, i));
        struct list before;
        a->hostname = !streq(value[FIELD_HOSTNAME], v->now.values[FIELD_HOSTNAME]);
        snprintf(a->hostname_value, sizeof a->hostname_value, "%.*s", (int)sizeof a->hostname_value - 1, value[FIELD_HOSTNAME]);
        struct { bool *changed; struct list *list; size_t field, max; } lists[] = {
                { &a->dns, &a->dns_servers, FIELD_DNS, MAX_DNS },
                { &a->search, &a->search_domains, FIELD_SEARCH, MAX_SEARCH },
                { &a->ntp, &a->ntp_servers, FIELD_NTP, NODE_NTP_MAX_SERVERS },
        };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++) {
                split_list(value[lists[i].field], lists[i].max, lists[i].list);
                split_list(v->now.values[lists[i].field], ELEMENTSOF(before.items), &before);
                bool same = before.n == lists[i].list->n;
                for (size_t k = 0; same && k < before.n; k++)
                        same = strcasecmp(before.items[k], lists[i].list->items[k]) == 0;
                *lists[i].changed = !same;
        }
        snprintf(a->iface, sizeof a->iface, "%s", v->now.iface);
        if (!a->ntp && !a->hostname && !a->dns && !a->search) {
                free_apply(a);
                tui_dialog_push(v->app, TUI_DIALOG_INFO, _("Nothing changed"),
                                _("The fields hold what the node has already."), NULL, NULL);
                return;
        }
        if ((a->dns || a->search) && !a->iface[0]) {
                free_apply(a);
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("No interface for DNS"),
                                _("No interface is connected, so DNS servers and search domains have nowhere to go; "
                                  "nothing was changed."),
                                NULL, NULL);
                return;
        }
        /* the countdown's time, as every network change's: nodecon.conf's, not lib's default */
        struct node_error e = { 0 };
        if ((a->dns || a->search) && node_net_confirm_timeout(a->ctx, &a->timeout, &e) < 0) {
                free_apply(a);
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("The settings were not applied"), e.message, NULL, NULL);
                return;
        }
        if (!screen_net_lock(v->app, &a->lock)) {
                free_apply(a);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_apply, .done = apply_done, .input = a, .free_input = free_apply,
                .title = _("Applying the settings"), .step = _("Asking NetworkManager and the time daemon"),
                .dialog_after_ms = 300,
        };
        v->busy = tui_job_start(v->app, &spec, NULL) == 0;
        if (!v->busy)
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("The settings were not applied"),
                                _("No worker could be started; nothing was changed."), NULL, NULL);
}

static int nethost_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct nethost_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        start_load(v);
        return 0;
}

static void nethost_free(struct tui_screen *s) {
        struct nethost_view *v = s->data;
        tui_job_abandon(v->job);
        if (v->form)
                tui_form_free(v->form);
        free(v);
        curs_set(0);
}

static void nethost_draw(struct tui_screen *s) {
        struct nethost_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Tab", _("Next") },
                { "Enter", _("Apply") },
                { "^U", _("Clear") },
                { "Esc", _("Back") },
        };
        if (v->form)
                tui_form_sync(v->form);
        tui_frame_draw(w, _("nodecon: host name, DNS, time"), NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        if (!v->loaded) {
                tui_put(w, y, 2, cols, _("Reading the network settings..."), TUI_STYLE_NORMAL);
                return;
        }
        char text[600];
        if (v->now.net_r < 0) {
                tui_put(w, y++, 2, cols, _("NetworkManager cannot be asked:"), TUI_STYLE_ERROR);
                y += tui_put_wrapped(w, y, 2, cols, 2, v->now.net_error.message, TUI_STYLE_NORMAL);
        } else if (v->now.iface[0]) {
                snprintf(text, sizeof text,
                         _("DNS servers and search domains go on %s; a change there is reverted unless kept in time."),
                         v->now.iface);
                y += tui_put_wrapped(w, y, 2, cols, 2, text, TUI_STYLE_NORMAL);
        }
        if (v->now.ntp_r < 0)
                y += tui_put_wrapped(w, y, 2, cols, 2, v->now.ntp_error.message, TUI_STYLE_WARNING);
        else {
                snprintf(text, sizeof text, _("Time daemon: %s (NTP servers left empty: the distribution's)."), v->now.daemon);
                tui_put(w, y++, 2, cols, text, TUI_STYLE_NORMAL);
        }
        y++;
        tui_put(w, y + tui_form_rows(v->form) + 1, 2, cols, _("Separate several entries with commas."), TUI_STYLE_LABEL);
        /* last, so the cursor ends in the field */
        tui_form_draw(v->form, w, y, 2);
}

/* OK applies what changed. */
static void apply_typed(void *userdata) { start_apply(userdata); }

static bool nethost_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = apply_typed };
        struct nethost_view *v = s->data;
        if (v->busy)
                return true;
        if (!v->loaded) {
                if (!function_key && key == TUI_KEY_ESC)
                        tui_pop(s->app);
                return true;
        }
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops nethost_screen_ops = {
        .name = "nethost",
        .init = nethost_init,
        .draw = nethost_draw,
        .key = nethost_key,
        .free = nethost_free,
};
