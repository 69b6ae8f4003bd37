/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The forms that start a new bond or a new bridge: the bond's name, mode,
 * miimon and ports, or the bridge's name, spanning tree and port.  Each field
 * is checked as it is typed (lib/netvalid, and the ports against what NM
 * knew when the form opened: a port of another bond or bridge, or the NIC
 * under the engine's ovirtmgmt bridge, is refused with why); OK then opens
 * the address form for the new interface, which applies the whole stack
 * with the same checkpoint and countdown as any change. */
#include "screens.h"
#include "network-screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "netvalid.h"
#include "tui/widgets.h"
#include "util.h"

#define FORM_TOP (TUI_FRAME_BODY_TOP + 3)
#define MIIMON_MAX 60000
#define MAX_PORTS 8

enum bond_field_index { B_NAME, B_MODE, B_MIIMON, B_PORTS, BOND_FIELDS };
enum bridge_field_index { R_NAME, R_STP, R_PORT, BRIDGE_FIELDS };
#define MAX_FIELDS BOND_FIELDS

struct master_view {
        struct tui_app *app;
        bool bond;
        struct net_port_candidate *candidates;
        size_t n_candidates;
        struct tui_form_field_spec specs[MAX_FIELDS];
        struct net_field fields[MAX_FIELDS];     /* what each validator knows */
        struct tui_form *form;
        char initial_ports[128];
};

static const struct net_port_candidate *candidate(const struct master_view *v, const char *name) {
        for (size_t i = 0; i < v->n_candidates; i++)
                if (streq(v->candidates[i].name, name))
                        return &v->candidates[i];
        return NULL;
}

static const char *check_name(const char *text, void *userdata) {
        struct net_field *field = userdata;
        const struct master_view *v = field->view;
        struct node_error e = { 0 };
        if (node_check_iface_name(text, &e) < 0)
                return net_field_says(field, e.message);
        if (candidate(v, text)) {
                snprintf(e.message, sizeof e.message, _("%s exists already: name a new interface."), text);
                return net_field_says(field, e.message);
        }
        return NULL;
}

static const char *check_mode(const char *text, void *userdata) {
        struct node_error e = { 0 };
        return node_check_bond_mode(text, &e) < 0 ? net_field_says(userdata, e.message) : NULL;
}

static const char *check_miimon(const char *text, void *userdata) {
        struct node_error e = { 0 };
        unsigned ms;
        return node_check_number(text, "miimon", 1, MIIMON_MAX, &ms, &e) < 0 ? net_field_says(userdata, e.message)
                                                                              : NULL;
}

static const char *check_stp(const char *text, void *userdata) {
        (void)userdata;
        return streq(text, "on") || streq(text, "off") ? NULL : _("must be on or off.");
}

/* "a, b c": up to MAX_PORTS names into names[]; -1 when there are more. */
static int split_ports(const char *text, char names[MAX_PORTS][16], char *too_long, size_t size) {
        char copy[256];
        int n = 0;
        snprintf(copy, sizeof copy, "%s", text);
        for (char *save = NULL, *item = strtok_r(copy, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
                if (n == MAX_PORTS)
                        return -1;
                if (strlen(item) > 15) {
                        snprintf(too_long, size, "%s", item);
                        return -2;
                }
                snprintf(names[n++], 16, "%s", item);
        }
        return n;
}

/* Each port a NIC NM knows that is free to join, none twice, not the new
 * interface itself; a bridge has exactly one. */
static const char *check_ports(const char *text, void *userdata) {
        struct net_field *field = userdata;
        struct master_view *v = field->view;
        char names[MAX_PORTS][16], line[sizeof field->why], name[256] = "";
        /* the form hands out one buffer: the name field is read after text */
        char ports[256];
        snprintf(ports, sizeof ports, "%s", text);
        snprintf(name, sizeof name, "%s", tui_form_value(v->form, v->bond ? B_NAME : R_NAME));
        int n = split_ports(ports, names, line, sizeof line);
        if (n == -2) {
                struct node_error e = { 0 };
                node_check_iface_name(line, &e);
                return net_field_says(field, e.message);
        }
        if (n < 0) {
                snprintf(line, sizeof line, _("takes at most %d ports."), MAX_PORTS);
                return net_field_says(field, line);
        }
        if (n == 0)
                return v->bond ? _("needs at least one NIC (Space marks them in the list).") : _("needs the NIC to bridge.");
        if (!v->bond && n > 1)
                return _("takes one interface: the bridge's port.");
        for (int i = 0; i < n; i++) {
                const struct net_port_candidate *c = candidate(v, names[i]);
                for (int j = 0; j < i; j++)
                        if (streq(names[i], names[j])) {
                                snprintf(line, sizeof line, _("lists %s twice."), names[i]);
                                return net_field_says(field, line);
                        }
                if (streq(names[i], name)) {
                        snprintf(line, sizeof line, _("%s cannot be a port of itself."), names[i]);
                        return net_field_says(field, line);
                }
                if (!c) {
                        snprintf(line, sizeof line, _("NetworkManager knows no interface %s."), names[i]);
                        return net_field_says(field, line);
                }
                if (c->refusal[0])
                        return net_field_says(field, c->refusal);
        }
        return NULL;
}

static void add_field(struct master_view *v, size_t i, const char *label, const char *initial,
                      tui_validator_fn validate) {
        net_field_spec(v->specs, v->fields, i, v, label, initial, validate);
}

static int master_init(struct tui_screen *s, const struct net_master_arg *arg, bool bond) {
        struct master_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        s->data = v;
        v->app = s->app;
        v->bond = bond;
        if (arg->n_candidates) {
                v->candidates = calloc(arg->n_candidates, sizeof *v->candidates);
                if (!v->candidates)
                        return -ENOMEM;
                memcpy(v->candidates, arg->candidates, arg->n_candidates * sizeof *v->candidates);
                v->n_candidates = arg->n_candidates;
        }
        snprintf(v->initial_ports, sizeof v->initial_ports, "%s", arg->ports);
        if (bond) {
                add_field(v, B_NAME, _("Bond name:"), "bond0", check_name);
                add_field(v, B_MODE, _("Mode:"), "active-backup", check_mode);
                add_field(v, B_MIIMON, _("miimon (ms):"), "100", check_miimon);
                add_field(v, B_PORTS, _("Ports:"), v->initial_ports, check_ports);
                return tui_form_new(v->specs, BOND_FIELDS, &v->form);
        }
        add_field(v, R_NAME, _("Bridge name:"), "br0", check_name);
        add_field(v, R_STP, _("STP:"), "off", check_stp);
        add_field(v, R_PORT, _("Port:"), v->initial_ports, check_ports);
        return tui_form_new(v->specs, BRIDGE_FIELDS, &v->form);
}

static int bond_init(struct tui_screen *s, void *arg) { return master_init(s, arg, true); }
static int bridge_init(struct tui_screen *s, void *arg) { return master_init(s, arg, false); }

static void master_free(struct tui_screen *s) {
        struct master_view *v = s->data;
        tui_form_free(v->form);
        free(v->candidates);
        free(v);
        curs_set(0);
}

static void master_draw(struct tui_screen *s) {
        struct master_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Tab", _("Next") }, { "Enter", _("Next/OK") }, { "^U", _("Clear") }, { "Esc", _("Back") },
        };
        tui_form_sync(v->form);
        tui_frame_draw(w, v->bond ? _("nodecon: network: new bond") : _("nodecon: network: new bridge"), NULL, keys,
                       ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        tui_put_wrapped(w, y, 2, cols, 2,
                        v->bond ? _("Modes: balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, "
                                    "balance-alb. Ports: NICs, separated with commas.")
                                : _("The port: a NIC, a bond or a VLAN. STP: on or off."),
                        TUI_STYLE_NORMAL);
        int hint_y = FORM_TOP + tui_form_rows(v->form) + 1;
        tui_put(w, hint_y < getmaxy(w) - 2 ? hint_y : getmaxy(w) - 2, 2, cols,
                _("OK goes on to the addresses of the new interface."), TUI_STYLE_LABEL);
        tui_form_draw(v->form, w, FORM_TOP, 2);
}

/* The address form for the new interface, the bond's or bridge's settings in its target. */
static void go_on(struct master_view *v) {
        struct net_edit_target t = { 0 };
        char names[MAX_PORTS][16], ignored[64];
        char value[256];
        snprintf(value, sizeof value, "%s", tui_form_value(v->form, v->bond ? B_PORTS : R_PORT));
        int n = split_ports(value, names, ignored, sizeof ignored);
        for (int i = 0; i < n; i++) {
                size_t used = strlen(t.bond_ports);
                snprintf(t.bond_ports + used, sizeof t.bond_ports - used, "%s%s", i ? "," : "", names[i]);
        }
        snprintf(t.method4, sizeof t.method4, "dhcp");
        snprintf(t.method6, sizeof t.method6, "auto");
        if (v->bond) {
                snprintf(t.iface, sizeof t.iface, "%s", tui_form_value(v->form, B_NAME));
                snprintf(t.type, sizeof t.type, "bond");
                snprintf(t.bond_mode, sizeof t.bond_mode, "%s", tui_form_value(v->form, B_MODE));
                node_check_number(tui_form_value(v->form, B_MIIMON), "miimon", 1, MIIMON_MAX, &t.miimon,
                                  &(struct node_error){ 0 });
                snprintf(t.now, sizeof t.now, _("New bond %s (%s, miimon %u ms) over %s."), t.iface, t.bond_mode,
                         t.miimon, t.bond_ports);
        } else {
                snprintf(t.bridge, sizeof t.bridge, "%s", tui_form_value(v->form, R_NAME));
                t.bridge_stp = streq(tui_form_value(v->form, R_STP), "on");
                /* lib builds the bridge from the bottom of its port: the NIC
                 * or bond, with the VLAN on it */
                const struct net_port_candidate *port = candidate(v, names[0]);
                snprintf(t.iface, sizeof t.iface, "%s", port ? port->base : names[0]);
                snprintf(t.bond_ports, sizeof t.bond_ports, "%s", port ? port->bond_ports : "");
                t.vlan = port ? port->vlan : 0;
                snprintf(t.type, sizeof t.type, "bridge");
                snprintf(t.now, sizeof t.now, _("New bridge %s (STP %s) over %s."), t.bridge,
                         t.bridge_stp ? "on" : "off", names[0]);
        }
        struct tui_app *app = v->app;
        tui_remove(app, v);
        tui_push(app, &network_edit_screen_ops, &t);
}

/* OK goes on to the new interface's address form. */
static void go_on_typed(void *userdata) { go_on(userdata); }

static bool master_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = go_on_typed };
        struct master_view *v = s->data;
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops network_bond_screen_ops = {
        .name = "network-bond",
        .init = bond_init,
        .draw = master_draw,
        .key = master_key,
        .free = master_free,
};

const struct screen_ops network_bridge_screen_ops = {
        .name = "network-bridge",
        .init = bridge_init,
        .draw = master_draw,
        .key = master_key,
        .free = master_free,
};
