/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network: every NIC NetworkManager knows, read again every two seconds in a
 * worker (libnm waits on its own GLib context there, so a slow NM never stops
 * the keys); Enter shows one NIC whole; e edits it, x resets it.  A change
 * runs inside an NM checkpoint: netconfirm.c's dialog then counts down "Keep
 * these settings?", and when nobody answers NM puts the old settings back by
 * itself, which the list then shows. */
#include "screens.h"
#include "network-screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "lock.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define NETWORK_TICK_MS 500
#define NETWORK_READ_EVERY_US (2 * (gint64)G_USEC_PER_SEC)

/* ---- requests ------------------------------------------------------------ */

void net_request_free(struct net_request *req) {
        if (!req)
                return;
        strv_free(req->dns);
        strv_free(req->search);
        strv_free(req->bond_ports);
        free(req);
}

void net_request_change(const struct net_request *req, struct node_net_change *c, const char *addresses4[2],
                        const char *addresses6[2]) {
        addresses4[0] = req->address4[0] ? req->address4 : NULL;
        addresses4[1] = NULL;
        addresses6[0] = req->address6[0] ? req->address6 : NULL;
        addresses6[1] = NULL;
        *c = (struct node_net_change){
                .iface = req->iface,
                .ipv4 = req->ipv4,
                .addresses4 = addresses4[0] ? addresses4 : NULL,
                .gateway4 = req->gateway4[0] ? req->gateway4 : NULL,
                .ipv6 = req->ipv6,
                .addresses6 = addresses6[0] ? addresses6 : NULL,
                .gateway6 = req->gateway6[0] ? req->gateway6 : NULL,
                .dns = (const char *const *)req->dns,
                .search = (const char *const *)req->search,
                .mtu = req->mtu,
                .vlan = req->vlan,
                .engine_override = req->engine_override,
                .bond_ports = (const char *const *)req->bond_ports,
                .bond_mode = req->bond_mode[0] ? req->bond_mode : NULL,
                .miimon = req->miimon,
                .bridge = req->bridge[0] ? req->bridge : NULL,
                .bridge_stp = req->bridge_stp,
        };
}

static void append(char *buf, size_t size, const char *fmt, const char *value) {
        size_t used = strlen(buf);
        if (used < size)
                snprintf(buf + used, size - used, fmt, value);
}

static void append_list(char *buf, size_t size, const char *option, char **values) {
        for (size_t i = 0; values && values[i]; i++) {
                append(buf, size, " %s", option);
                append(buf, size, " %s", values[i]);
        }
}

void net_request_describe(const struct net_request *req, char *buf, size_t size) {
        static const char *const ip4[] = { [NODE_IP4_DISABLED] = "disabled", [NODE_IP4_DHCP] = "dhcp",
                                           [NODE_IP4_STATIC] = "static" };
        static const char *const ip6[] = { [NODE_IP6_IGNORE] = "ignore", [NODE_IP6_AUTO] = "auto",
                                           [NODE_IP6_DHCP] = "dhcp", [NODE_IP6_STATIC] = "static" };
        char number[16];
        snprintf(buf, size, "%s", req->iface);
        if (req->reset) {
                append(buf, size, " %s", req->address4[0] ? "--static" : "(dhcp)");
                if (req->address4[0])
                        append(buf, size, " %s", req->address4);
        } else {
                if (req->ipv4 != NODE_IP4_KEEP)
                        append(buf, size, " --ipv4 %s", ip4[req->ipv4]);
                if (req->address4[0])
                        append(buf, size, " --address %s", req->address4);
                if (req->ipv6 != NODE_IP6_KEEP)
                        append(buf, size, " --ipv6 %s", ip6[req->ipv6]);
                if (req->address6[0])
                        append(buf, size, " --address %s", req->address6);
                if (req->gateway6[0])
                        append(buf, size, " --gateway %s", req->gateway6);
                append_list(buf, size, "--dns", req->dns);
                if (req->dns && !req->dns[0])
                        append(buf, size, "%s", " --dns ''");
                append_list(buf, size, "--search", req->search);
                if (req->mtu) {
                        snprintf(number, sizeof number, "%u", req->mtu);
                        append(buf, size, " --mtu %s", number);
                }
                if (req->vlan) {
                        snprintf(number, sizeof number, "%u", req->vlan);
                        append(buf, size, " --vlan %s", number);
                }
                for (size_t i = 0; req->bond_ports && req->bond_ports[i]; i++)
                        append(buf, size, i ? ",%s" : " --bond-ports %s", req->bond_ports[i]);
                if (req->bond_mode[0])
                        append(buf, size, " --bond-mode %s", req->bond_mode);
                if (req->miimon) {
                        snprintf(number, sizeof number, "%u", req->miimon);
                        append(buf, size, " --miimon %s", number);
                }
                if (req->bridge[0])
                        append(buf, size, " --bridge %s", req->bridge);
                if (req->bridge[0] && req->bridge_stp)
                        append(buf, size, "%s", " --stp on");
                if (req->engine_override)
                        append(buf, size, "%s", " --force");
        }
        if (req->gateway4[0])
                append(buf, size, " --gateway %s", req->gateway4);
}

/* ---- applying ------------------------------------------------------------- */

struct apply_job {
        const struct node_context *ctx;
        struct net_request *req;
        unsigned timeout;
        struct node_lock lock;
        struct node_net_applied applied;
        unsigned seconds_left;
};

static void free_apply_job(void *input) {
        struct apply_job *j = input;
        node_lock_release(&j->lock);
        net_request_free(j->req);
        free(j);
}

static int apply_change(struct node_net *net, void *input, struct node_error *e) {
        struct apply_job *j = input;
        const struct net_request *req = j->req;
        int r;
        if (req->reset) {
                r = node_net_reset(net, j->ctx, req->iface, req->address4[0] ? req->address4 : NULL,
                                   req->gateway4[0] ? req->gateway4 : NULL, j->timeout, 0, &j->applied, e);
        } else {
                struct node_net_change change;
                const char *addresses4[2], *addresses6[2];
                net_request_change(req, &change, addresses4, addresses6);
                change.rollback_timeout = j->timeout;
                r = node_net_apply(net, j->ctx, &change, &j->applied, e);
        }
        if (r < 0)
                return r;
        j->seconds_left = screen_net_seconds_left(net, j->ctx, &j->applied);
        return 0;
}

static int run_apply(void *input, struct node_error *e) { return screen_nm_run(apply_change, input, e); }

static void apply_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct apply_job *j = input;
        node_lock_release(&j->lock);
        char arguments[1024];
        net_request_describe(j->req, arguments, sizeof arguments);
        screen_net_audit(j->req->reset ? "network reset" : "network apply", arguments, r, e);
        if (r < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The settings were not applied"), e->message, NULL, NULL);
                return;
        }
        char what[256];
        snprintf(what, sizeof what,
                 j->applied.activated ? _("%s is connected with the new settings.")
                                      : _("%s is still connecting with the new settings."),
                 j->applied.top);
        screen_net_confirm_push(app, j->applied.top, what, j->seconds_left);
}

void network_apply_start(struct tui_app *app, struct net_request *req) {
        struct apply_job *j = calloc(1, sizeof *j);
        if (!j) {
                net_request_free(req);
                return;
        }
        j->ctx = tui_app_context(app);
        j->req = req;
        j->lock = (struct node_lock)NODE_LOCK_INIT;
        struct node_error e = { 0 };
        if (node_net_confirm_timeout(j->ctx, &j->timeout, &e) < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The settings were not applied"), e.message, NULL, NULL);
                free_apply_job(j);
                return;
        }
        if (!screen_net_lock(app, &j->lock)) {
                free_apply_job(j);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_apply, .done = apply_done, .input = j, .free_input = free_apply_job,
                .title = _("Applying network settings"),
                .step = _("NetworkManager applies the settings and connects the interface"),
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The settings were not applied"),
                                _("No worker could be started; nothing was changed."), NULL, NULL);
}

/* ---- the NIC list ---------------------------------------------------------- */

struct network_view {
        struct tui_app *app;
        struct tui_table table;
        struct node_net_state state;
        bool have_state;
        int read_r;
        struct node_error read_error;
        struct tui_job *reading;
        gint64 read_at_us;
        char selected[16];            /* kept by name across refreshes */
        char marked[8][16];           /* NICs marked with Space for a new bond */
        size_t n_marked;
};

struct read_job {
        const struct node_context *ctx;
        struct node_net_state state;
        bool filled;
};

static void free_read_job(void *input) {
        struct read_job *j = input;
        if (j->filled)
                node_net_state_free(&j->state);
        free(j);
}

static int read_state(struct node_net *net, void *input, struct node_error *e) {
        struct read_job *j = input;
        int r = node_net_read(net, j->ctx, &j->state, e);
        j->filled = r == 0;
        return r;
}

static int run_read(void *input, struct node_error *e) { return screen_nm_run(read_state, input, e); }

static const struct tui_column nic_columns[] = {
        { N_("Interface"), 12, TUI_ALIGN_LEFT },
        { N_("Link"), 10, TUI_ALIGN_LEFT },
        { N_("MAC"), 17, TUI_ALIGN_LEFT },
        { N_("IPv4"), 18, TUI_ALIGN_LEFT },
        { N_("IPv6"), 4, TUI_ALIGN_LEFT },
        { N_("Profile"), 0, TUI_ALIGN_LEFT },
};

/* One word for state and carrier together: what an admin looks for first. */
static const char *link_word(const struct node_nic *n) {
        if (streq(n->state, "unmanaged"))
                return _("unmanaged");
        if (!n->carrier || streq(n->state, "unavailable"))
                return _("no carrier");
        if (streq(n->state, "connected"))
                return _("connected");
        if (streq(n->state, "connecting"))
                return _("connecting");
        if (streq(n->state, "disconnected"))
                return _("idle");
        return n->state;
}

static size_t strv_count(char **v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

static bool is_marked(const struct network_view *v, const char *name) {
        for (size_t i = 0; i < v->n_marked; i++)
                if (streq(v->marked[i], name))
                        return true;
        return false;
}

static void fill_table(struct network_view *v) {
        tui_table_clear_rows(&v->table);
        for (size_t i = 0; i < v->state.n_nics; i++) {
                const struct node_nic *n = &v->state.nics[i];
                char name[24], ipv4[64], ipv6[24];
                snprintf(name, sizeof name, "%s%s%s", n->name, n->engine_managed ? "*" : "",
                         is_marked(v, n->name) ? " +" : "");
                size_t n4 = strv_count(n->ipv4), n6 = strv_count(n->ipv6);
                snprintf(ipv4, sizeof ipv4, "%s%s", n4 ? n->ipv4[0] : "-", n4 > 1 ? " +" : "");
                if (n6)
                        snprintf(ipv6, sizeof ipv6, "%zu", n6);
                else
                        snprintf(ipv6, sizeof ipv6, "-");
                const char *cells[] = { name, link_word(n), n->mac ? n->mac : "-", ipv4, ipv6,
                                        n->connection ? n->connection : "-" };
                tui_table_add_row(&v->table, TUI_TREE_NONE, n->engine_managed ? TUI_STYLE_WARNING : TUI_STYLE_NORMAL,
                                  cells);
                if (streq(n->name, v->selected))
                        v->table.selected = i;
        }
}

static void read_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        struct read_job *j = input;
        struct network_view *v = userdata;
        v->reading = NULL;
        v->read_at_us = g_get_monotonic_time();
        v->read_r = r;
        node_error_clear(&v->read_error);
        if (r < 0) {
                v->read_error = *e;
                return;
        }
        if (v->have_state)
                node_net_state_free(&v->state);
        v->state = j->state;
        v->have_state = true;
        j->filled = false;
        fill_table(v);
        tui_invalidate(app);
}

static void network_refresh(struct network_view *v) {
        if (v->reading)
                return;
        struct read_job *j = calloc(1, sizeof *j);
        if (!j)
                return;
        j->ctx = tui_app_context(v->app);
        struct tui_job_spec spec = {
                .run = run_read, .done = read_done, .input = j, .free_input = free_read_job, .userdata = v,
        };
        if (tui_job_start(v->app, &spec, &v->reading) < 0)
                v->reading = NULL;
}

static void refresh_when_due(struct network_view *v) {
        if (g_get_monotonic_time() - v->read_at_us >= NETWORK_READ_EVERY_US)
                network_refresh(v);
}

static const struct node_nic *selected_nic(struct network_view *v) {
        if (!v->have_state || v->table.selected >= v->state.n_nics)
                return NULL;
        return &v->state.nics[v->table.selected];
}

static int network_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct network_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        tui_table_init(&v->table, nic_columns, ELEMENTSOF(nic_columns));
        network_refresh(v);
        return 0;
}

static void network_free(struct tui_screen *s) {
        struct network_view *v = s->data;
        tui_job_abandon(v->reading);
        tui_table_free(&v->table);
        if (v->have_state)
                node_net_state_free(&v->state);
        free(v);
}

static void network_draw(struct tui_screen *s) {
        struct network_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                /* Enter on a list needs no saying: it is what goes first on a short line */
                { "e", _("Edit") }, { "x", _("Reset") }, { "b/B", _("Bond/Bridge") }, { "h", _("Host/DNS") },
                { "t", _("Test") }, { "Enter", _("Details") }, { "Esc", _("Back") },
        };
        tui_frame_draw(w, _("nodecon: network"), v->have_state && v->state.hostname ? v->state.hostname : NULL,
                       keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4, bottom = TUI_FRAME_BODY_TOP + tui_frame_body_rows(w);
        if (!v->have_state) {
                if (v->read_r < 0) {
                        tui_put(w, y++, 2, cols, _("The network cannot be read:"), TUI_STYLE_ERROR);
                        tui_put_wrapped(w, y, 2, cols, 4, v->read_error.message, TUI_STYLE_NORMAL);
                } else {
                        tui_put(w, y, 2, cols, _("Asking NetworkManager..."), TUI_STYLE_NORMAL);
                }
                return;
        }
        if (v->read_r < 0)
                tui_put(w, y++, 2, cols, v->read_error.message, TUI_STYLE_ERROR);
        if (v->state.pending.active) {
                char text[256];
                snprintf(text, sizeof text,
                         _("A change waits for confirmation: NetworkManager reverts it in %u s."),
                         v->state.pending.seconds_left);
                tui_put(w, y++, 2, cols, text, TUI_STYLE_WARNING);
        }
        int notes = (v->state.engine_bridge ? 2 : 0) + (v->n_marked ? 1 : 0);
        tui_table_draw(&v->table, w, y, 2, bottom - y - notes, cols);
        if (v->n_marked) {
                char text[256], names[160] = "";
                for (size_t i = 0; i < v->n_marked; i++)
                        append(names, sizeof names, i ? ", %s" : "%s", v->marked[i]);
                snprintf(text, sizeof text, _("+ marked for a new bond: %s (b makes it)"), names);
                tui_put(w, bottom - notes, 2, cols, text, TUI_STYLE_NORMAL);
        }
        if (v->state.engine_bridge)
                tui_put(w, bottom - 1, 2, cols,
                        _("* carries the engine's ovirtmgmt bridge: changing it can cut the node off."),
                        TUI_STYLE_WARNING);
}

/* The edit and reset forms show the NIC as it is now. */
static void describe_now(const struct node_nic *n, char *buf, size_t size) {
        snprintf(buf, size, _("Now: IPv4 %s"), n->ipv4[0] ? n->ipv4[0] : _("none"));
        if (n->gateway4)
                append(buf, size, _(" via %s"), n->gateway4);
        if (n->ipv6[0])
                append(buf, size, ", IPv6 %s", n->ipv6[0]);
        if (n->dns[0])
                append(buf, size, ", DNS %s", n->dns[0]);
        char mtu[16];
        snprintf(mtu, sizeof mtu, "%u", n->mtu);
        append(buf, size, ", MTU %s", mtu);
}

/* The first address that is not link-local: a static profile's own. */
static const char *own_ipv6(char **addresses) {
        for (size_t i = 0; addresses && addresses[i]; i++)
                if (strncasecmp(addresses[i], "fe80:", 5) != 0)
                        return addresses[i];
        return "";
}

/* Only a static profile's addresses and gateway are its own settings; DHCP's
 * would turn into a static address if they were shown as typed. */
static void initial_values(const struct node_nic *n, struct net_edit_target *t) {
        static const char *const ip4[] = { [NODE_IP4_KEEP] = "", [NODE_IP4_DISABLED] = "disabled",
                                           [NODE_IP4_DHCP] = "dhcp", [NODE_IP4_STATIC] = "static" };
        static const char *const ip6[] = { [NODE_IP6_KEEP] = "", [NODE_IP6_IGNORE] = "ignore",
                                           [NODE_IP6_AUTO] = "auto", [NODE_IP6_DHCP] = "dhcp",
                                           [NODE_IP6_STATIC] = "static" };
        if (n->ipv4_method >= 0 && (size_t)n->ipv4_method < ELEMENTSOF(ip4))
                snprintf(t->method4, sizeof t->method4, "%s", ip4[n->ipv4_method]);
        if (n->ipv6_method >= 0 && (size_t)n->ipv6_method < ELEMENTSOF(ip6))
                snprintf(t->method6, sizeof t->method6, "%s", ip6[n->ipv6_method]);
        if (n->ipv4_method == NODE_IP4_STATIC) {
                snprintf(t->address4, sizeof t->address4, "%s", n->ipv4[0] ? n->ipv4[0] : "");
                snprintf(t->gateway4, sizeof t->gateway4, "%s", n->gateway4 ? n->gateway4 : "");
        }
        if (n->ipv6_method == NODE_IP6_STATIC) {
                snprintf(t->address6, sizeof t->address6, "%s", own_ipv6(n->ipv6));
                snprintf(t->gateway6, sizeof t->gateway6, "%s", n->gateway6 ? n->gateway6 : "");
        }
        for (size_t i = 0; n->dns_configured && n->dns_configured[i]; i++)
                append(t->dns, sizeof t->dns, i ? ", %s" : "%s", n->dns_configured[i]);
        if (n->mtu)
                snprintf(t->mtu, sizeof t->mtu, "%u", n->mtu);
}

static void target_of(const struct node_nic *n, struct net_edit_target *t) {
        *t = (struct net_edit_target){ .engine_managed = n->engine_managed };
        snprintf(t->iface, sizeof t->iface, "%s", n->name);
        snprintf(t->type, sizeof t->type, "%s", n->type ? n->type : "");
        describe_now(n, t->now, sizeof t->now);
        initial_values(n, t);
}

static void open_edit(struct network_view *v, const struct node_nic *n) {
        struct net_edit_target t;
        target_of(n, &t);
        tui_push(v->app, &network_edit_screen_ops, &t);
}

/* The reset works on the NIC at the bottom of a VLAN or a bridge: what is
 * built on it goes with it.  Bounded: a loop in what NM reports ends too. */
static const struct node_nic *bottom_nic(const struct node_net_state *state, const struct node_nic *n) {
        for (int depth = 0; depth < 8; depth++) {
                const char *below = n->vlan_parent                                        ? n->vlan_parent
                                    : n->type && streq(n->type, "bridge") && n->ports && n->ports[0] ? n->ports[0]
                                                                                                     : NULL;
                const struct node_nic *next = below ? node_net_find_nic(state, below) : NULL;
                if (!next)
                        break;
                n = next;
        }
        return n;
}

static void open_reset(struct network_view *v, const struct node_nic *n) {
        struct net_edit_target t;
        target_of(bottom_nic(&v->state, n), &t);
        tui_push(v->app, &network_reset_screen_ops, &t);
}

/* Why n cannot be a port of a new bond (bond) or bridge; "" when it can. */
static void port_refusal(const struct node_nic *n, bool bond, char *why, size_t size) {
        const char *type = n->type ? n->type : "";
        why[0] = '\0';
        if (n->engine_managed)
                snprintf(why, size, _("%s carries the engine's ovirtmgmt bridge: it cannot be a port of a new %s."),
                         n->name, bond ? _("bond") : _("bridge"));
        else if (n->controller)
                snprintf(why, size, _("%s is a port of %s already."), n->name, n->controller);
        else if (n->state && streq(n->state, "unmanaged"))
                snprintf(why, size, _("NetworkManager does not manage %s."), n->name);
        else if (bond && (streq(type, "bond") || streq(type, "bridge") || streq(type, "vlan")))
                snprintf(why, size, _("%s is a %s: only NICs can be bond ports."), n->name, type);
        else if (!bond && streq(type, "bridge"))
                snprintf(why, size, _("%s is a bridge itself."), n->name);
        else if (streq(type, "loopback") || streq(type, "tun") || streq(type, "wireguard"))
                snprintf(why, size, _("%s is a %s device, not an Ethernet port."), n->name, type);
}

static void mark_toggle(struct network_view *v, const struct node_nic *n) {
        for (size_t i = 0; i < v->n_marked; i++)
                if (streq(v->marked[i], n->name)) {
                        memmove(v->marked[i], v->marked[i + 1], (v->n_marked - i - 1) * sizeof v->marked[0]);
                        v->n_marked--;
                        fill_table(v);
                        return;
                }
        char why[200];
        port_refusal(n, true, why, sizeof why);
        if (!why[0] && v->n_marked == ELEMENTSOF(v->marked))
                snprintf(why, sizeof why, _("A bond takes at most %zu ports."), ELEMENTSOF(v->marked));
        if (why[0]) {
                tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("Not a bond port"), why, NULL, NULL);
                return;
        }
        snprintf(v->marked[v->n_marked++], sizeof v->marked[0], "%s", n->name);
        fill_table(v);
}

/* The bond form (ports: the marked NICs) or the bridge form (port: n). */
static void open_master(struct network_view *v, bool bond, const struct node_nic *n) {
        if (!v->have_state)
                return;
        struct net_master_arg arg = { .n_candidates = v->state.n_nics };
        arg.candidates = calloc(v->state.n_nics ? v->state.n_nics : 1, sizeof *arg.candidates);
        if (!arg.candidates)
                return;
        for (size_t i = 0; i < v->state.n_nics; i++) {
                const struct node_nic *c = &v->state.nics[i];
                struct net_port_candidate *p = &arg.candidates[i];
                snprintf(p->name, sizeof p->name, "%s", c->name);
                port_refusal(c, bond, p->refusal, sizeof p->refusal);
                const struct node_nic *base = c->vlan_id && c->vlan_parent ? node_net_find_nic(&v->state, c->vlan_parent)
                                                                           : c;
                if (!base)
                        base = c;
                snprintf(p->base, sizeof p->base, "%s", base->name);
                p->vlan = c->vlan_id;
                if (base->type && streq(base->type, "bond"))
                        for (size_t j = 0; base->ports && base->ports[j]; j++)
                                append(p->bond_ports, sizeof p->bond_ports, j ? ",%s" : "%s", base->ports[j]);
        }
        if (bond) {
                for (size_t i = 0; i < v->n_marked; i++)
                        append(arg.ports, sizeof arg.ports, i ? ", %s" : "%s", v->marked[i]);
                v->n_marked = 0;
                fill_table(v);
        } else if (n) {
                snprintf(arg.ports, sizeof arg.ports, "%s", n->name);
        }
        tui_push(v->app, bond ? &network_bond_screen_ops : &network_bridge_screen_ops, &arg);
        free(arg.candidates);
}

static const struct screen_ops network_details_ops;

struct details_arg {
        struct network_view *view;
        const char *name;
};

/* The keys of the list and of the details: e, x on the NIC n (NULL: none), ?, Esc. */
static bool nic_key(struct tui_screen *s, struct network_view *v, const struct node_nic *n, wint_t key) {
        switch (key) {
        case 'e':
                if (n)
                        open_edit(v, n);
                return true;
        case 'x':
                if (n)
                        open_reset(v, n);
                return true;
        case '?':
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        case TUI_KEY_ESC:
                tui_pop(s->app);
                return true;
        }
        return false;
}

/* Space and b page a table elsewhere; here they mark bond ports and make
 * the bond (PgDn/PgUp and g/G still move through the list). */
static bool master_key(struct network_view *v, wint_t key) {
        const struct node_nic *n = selected_nic(v);
        switch (key) {
        case ' ':
                if (n)
                        mark_toggle(v, n);
                return true;
        case 'b':
                open_master(v, true, n);
                return true;
        case 'B':
                open_master(v, false, n);
                return true;
        }
        return false;
}

static bool network_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct network_view *v = s->data;
        if (!function_key && master_key(v, key))
                return true;
        if (tui_table_key(&v->table, key, function_key)) {
                const struct node_nic *n = selected_nic(v);
                snprintf(v->selected, sizeof v->selected, "%s", n ? n->name : "");
                return true;
        }
        const struct node_nic *n = selected_nic(v);
        if (function_key) {
                if (key == KEY_ENTER && n)
                        tui_push(s->app, &network_details_ops, &(struct details_arg){ v, n->name });
                return key == KEY_ENTER;
        }
        if (screen_menu_key(s, key))
                return true;
        if (nic_key(s, v, n, key))
                return true;
        switch (key) {
        case '\r':
        case '\n':
                if (n)
                        tui_push(s->app, &network_details_ops, &(struct details_arg){ v, n->name });
                return true;
        case 'h':
                tui_push(s->app, &nethost_screen_ops, NULL);
                return true;
        case 't':
                tui_push(s->app, &netdiag_screen_ops, NULL);
                return true;
        case 'r':
                network_refresh(v);
                return true;
        }
        return false;
}

static void network_tick(struct tui_screen *s) { refresh_when_due(s->data); }

const struct screen_ops network_screen_ops = {
        .name = "network",
        .init = network_init,
        .draw = network_draw,
        .key = network_key,
        .tick = network_tick,
        .tick_ms = NETWORK_TICK_MS,
        .free = network_free,
};

/* ---- one NIC whole ---------------------------------------------------------- */

struct details {
        struct network_view *view;
        char name[16];
};

static int details_init(struct tui_screen *s, void *arg) {
        const struct details_arg *a = arg;
        struct details *d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        d->view = a->view;
        snprintf(d->name, sizeof d->name, "%s", a->name);
        s->data = d;
        return 0;
}

static void details_free(struct tui_screen *s) { free(s->data); }

static void join(char **v, char *buf, size_t size) {
        buf[0] = '\0';
        for (size_t i = 0; v && v[i]; i++)
                append(buf, size, i ? ", %s" : "%s", v[i]);
        if (!buf[0])
                snprintf(buf, size, "-");
}

static int field(WINDOW *w, int y, int rows_left, const char *label, const char *value) {
        if (rows_left <= 0)
                return 0;
        tui_put(w, y, 2, 14, label, TUI_STYLE_LABEL);
        return tui_put_wrapped(w, y, 16, getmaxx(w) - 18, rows_left, value ? value : "-", TUI_STYLE_NORMAL);
}

static void details_draw(struct tui_screen *s) {
        struct details *d = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "e", _("Edit") }, { "x", _("Reset") }, { "m", _("Menu") }, { "Esc", _("Back") },
        };
        char title[64];
        snprintf(title, sizeof title, _("nodecon: network: %s"), d->name);
        tui_frame_draw(w, title, NULL, keys, ELEMENTSOF(keys));
        const struct node_nic *n = d->view->have_state ? node_net_find_nic(&d->view->state, d->name) : NULL;
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4, bottom = TUI_FRAME_BODY_TOP + tui_frame_body_rows(w);
        if (!n) {
                tui_put(w, y, 2, cols, _("NetworkManager does not know this interface any more."), TUI_STYLE_WARNING);
                return;
        }
        if (n->engine_managed)
                y += tui_put_wrapped(w, y, 2, cols, 2,
                                     _("Warning: this interface carries the engine's ovirtmgmt bridge; changing it "
                                       "can cut the node off from the engine."),
                                     TUI_STYLE_WARNING) + 1;
        char text[1024], number[32];
        snprintf(text, sizeof text, "%s, %s", n->type ? n->type : "-", link_word(n));
        y += field(w, y, bottom - y, _("Type, link"), text);
        if (n->speed_mbps)
                snprintf(number, sizeof number, "%u Mb/s", n->speed_mbps);
        else
                snprintf(number, sizeof number, _("unknown"));
        y += field(w, y, bottom - y, _("Speed"), number);
        y += field(w, y, bottom - y, _("Driver"), n->driver);
        y += field(w, y, bottom - y, _("MAC"), n->mac);
        snprintf(number, sizeof number, "%u", n->mtu);
        y += field(w, y, bottom - y, "MTU", number);
        join(n->ipv4, text, sizeof text);
        y += field(w, y, bottom - y, _("IPv4"), text);
        y += field(w, y, bottom - y, _("Gateway"), n->gateway4);
        join(n->ipv6, text, sizeof text);
        y += field(w, y, bottom - y, _("IPv6"), text);
        y += field(w, y, bottom - y, _("IPv6 gateway"), n->gateway6);
        join(n->dns, text, sizeof text);
        y += field(w, y, bottom - y, _("DNS"), text);
        join(n->search, text, sizeof text);
        y += field(w, y, bottom - y, _("Search"), text);
        y += field(w, y, bottom - y, _("Profile"), n->connection);
        if (n->vlan_id) {
                snprintf(text, sizeof text, _("%u on %s"), n->vlan_id, n->vlan_parent ? n->vlan_parent : "?");
                y += field(w, y, bottom - y, "VLAN", text);
        }
        if (n->controller)
                y += field(w, y, bottom - y, _("Port of"), n->controller);
        if (n->ports && n->ports[0]) {
                join(n->ports, text, sizeof text);
                field(w, y, bottom - y, _("Ports"), text);
        }
}

static bool details_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct details *d = s->data;
        if (function_key)
                return false;
        if (screen_menu_key(s, key))
                return true;
        const struct node_nic *n = d->view->have_state ? node_net_find_nic(&d->view->state, d->name) : NULL;
        return nic_key(s, d->view, n, key);
}

/* The list below does not tick while this is on top: read for it. */
static void details_tick(struct tui_screen *s) {
        struct details *d = s->data;
        refresh_when_due(d->view);
}

static const struct screen_ops network_details_ops = {
        .name = "network-details",
        .init = details_init,
        .draw = details_draw,
        .key = details_key,
        .tick = details_tick,
        .tick_ms = NETWORK_TICK_MS,
        .free = details_free,
};
