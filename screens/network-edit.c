/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NIC edit form and the emergency reset form.  Every field is checked as
 * it is typed with lib/netvalid (the same sentences nodectl prints), the
 * form's OK stays disabled while one is wrong, and the whole change is
 * checked by lib once more before anything reaches NetworkManager. */
#include "screens.h"
#include "network-screens.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "netvalid.h"
#include "tui/widgets.h"
#include "util.h"

#define FORM_TOP (TUI_FRAME_BODY_TOP + 4)

enum edit_field_index {
        F_IP4_METHOD, F_IP4_ADDRESS, F_IP4_GATEWAY, F_DNS, F_SEARCH,
        F_IP6_METHOD, F_IP6_ADDRESS, F_IP6_GATEWAY, F_MTU, F_VLAN,
        EDIT_FIELDS,
};
enum reset_field_index { R_ADDRESS, R_GATEWAY, RESET_FIELDS };

struct edit_view {
        struct tui_app *app;
        struct net_edit_target target;
        bool reset;
        struct tui_form_field_spec specs[EDIT_FIELDS];
        struct net_field fields[EDIT_FIELDS];    /* what each validator knows */
        struct tui_form *form;
        struct net_request *asked;    /* waits for the admin's yes in a dialog */
};

/* A field's text; the form hands out one shared buffer, so it is copied. */
static const char *value(struct edit_view *v, size_t i, char *buf, size_t size) {
        snprintf(buf, size, "%s", tui_form_value(v->form, i));
        return buf;
}

static int ip4_method(const char *text) {
        return !*text                  ? NODE_IP4_KEEP
               : streq(text, "disabled") ? NODE_IP4_DISABLED
               : streq(text, "dhcp")     ? NODE_IP4_DHCP
               : streq(text, "static")   ? NODE_IP4_STATIC
                                         : -1;
}

static int ip6_method(const char *text) {
        return !*text                ? NODE_IP6_KEEP
               : streq(text, "ignore") ? NODE_IP6_IGNORE
               : streq(text, "auto")   ? NODE_IP6_AUTO
               : streq(text, "dhcp")   ? NODE_IP6_DHCP
               : streq(text, "static") ? NODE_IP6_STATIC
                                       : -1;
}

static bool is_static(struct edit_view *v, int family) {
        char buf[64];
        if (family == AF_INET)
                return ip4_method(value(v, F_IP4_METHOD, buf, sizeof buf)) == NODE_IP4_STATIC;
        return ip6_method(value(v, F_IP6_METHOD, buf, sizeof buf)) == NODE_IP6_STATIC;
}

static const char *check_ip4_method(const char *text, void *userdata) {
        (void)userdata;
        return ip4_method(text) < 0 ? _("must be disabled, dhcp or static (empty: keep it).") : NULL;
}

static const char *check_ip6_method(const char *text, void *userdata) {
        (void)userdata;
        return ip6_method(text) < 0 ? _("must be ignore, auto, dhcp or static (empty: keep it).") : NULL;
}

static const char *check_address(struct net_field *field, const char *value_now, int family) {
        struct edit_view *v = field->view;
        struct node_error e = { 0 };
        char text[256];
        /* before the method is read: the form hands out one buffer for both */
        snprintf(text, sizeof text, "%s", value_now);
        bool needed = v->reset ? false : is_static(v, family);
        if (!*text)
                return needed ? _("is needed with the static method.") : NULL;
        if (!v->reset && !needed)
                return _("needs the method static.");
        return node_parse_ip_prefix(text, family, NULL, &e) < 0 ? net_field_says(field, e.message) : NULL;
}

static const char *check_address4(const char *text, void *userdata) { return check_address(userdata, text, AF_INET); }
static const char *check_address6(const char *text, void *userdata) { return check_address(userdata, text, AF_INET6); }

static const char *check_gateway(struct net_field *field, const char *text, size_t address_field) {
        char gateway[256], address[256];
        struct node_error e = { 0 };
        snprintf(gateway, sizeof gateway, "%s", text);
        if (!*gateway)
                return NULL;
        if (!*value(field->view, address_field, address, sizeof address))
                return _("needs an address with its prefix.");
        return node_check_gateway(gateway, address, &e) < 0 ? net_field_says(field, e.message) : NULL;
}

static const char *check_gateway4(const char *text, void *userdata) {
        struct net_field *field = userdata;
        const struct edit_view *v = field->view;
        return check_gateway(field, text, v->reset ? R_ADDRESS : F_IP4_ADDRESS);
}

static const char *check_gateway6(const char *text, void *userdata) {
        return check_gateway(userdata, text, F_IP6_ADDRESS);
}

/* "a, b c" is three items; NULL for an empty text. */
static char **split_list(const char *text) {
        char **v = NULL;
        size_t n = 0;
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return NULL;
        for (char *save = NULL, *item = strtok_r(copy, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
                char **grown = realloc(v, (n + 2) * sizeof *v);
                if (!grown || !(grown[n] = strdup(item))) {
                        strv_free(grown ? grown : v);
                        return NULL;
                }
                grown[++n] = NULL;
                v = grown;
        }
        return v;
}

static const char *check_dns(const char *text, void *userdata) {
        struct net_field *field = userdata;
        _cleanup_strv_free_ char **servers = split_list(text);
        struct node_error e = { 0 };
        for (size_t i = 0; servers && servers[i]; i++) {
                if (node_check_ip_address(servers[i], AF_UNSPEC, &e) < 0)
                        return net_field_says(field, e.message);
                for (size_t j = 0; j < i; j++)
                        if (streq(servers[i], servers[j])) {
                                snprintf(field->why, sizeof field->why, _("lists %s twice."), servers[i]);
                                return field->why;
                        }
        }
        return NULL;
}

static const char *check_search(const char *text, void *userdata) {
        struct net_field *field = userdata;
        _cleanup_strv_free_ char **domains = split_list(text);
        struct node_error e = { 0 };
        for (size_t i = 0; domains && domains[i]; i++)
                if (node_check_search_domain(domains[i], &e) < 0)
                        return net_field_says(field, e.message);
        return NULL;
}

static const char *check_mtu(const char *text, void *userdata) {
        unsigned mtu;
        struct node_error e = { 0 };
        return *text && node_check_mtu(text, &mtu, &e) < 0 ? net_field_says(userdata, e.message) : NULL;
}

static const char *check_vlan(const char *text, void *userdata) {
        struct net_field *field = userdata;
        unsigned id;
        char name[32];
        struct node_error e = { 0 };
        if (!*text)
                return NULL;
        const struct edit_view *v = field->view;
        if (node_check_vlan_id(text, &id, &e) < 0 || node_net_vlan_name(v->target.iface, id, name, sizeof name, &e) < 0)
                return net_field_says(field, e.message);
        return NULL;
}

/* ---- the forms ------------------------------------------------------------ */

static void add_field(struct edit_view *v, size_t i, const char *label, const char *initial,
                      tui_validator_fn validate) {
        net_field_spec(v->specs, v->fields, i, v, label, initial, validate);
}

static int edit_view_new(struct tui_screen *s, const void *arg, bool reset) {
        struct edit_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        v->reset = reset;
        v->target = *(const struct net_edit_target *)arg;
        s->data = v;
        if (reset) {
                add_field(v, R_ADDRESS, _("Static address:"), "", check_address4);
                add_field(v, R_GATEWAY, _("Gateway:"), "", check_gateway4);
                return tui_form_new(v->specs, RESET_FIELDS, &v->form);
        }
        const struct net_edit_target *t = &v->target;
        add_field(v, F_IP4_METHOD, _("IPv4 method:"), t->method4, check_ip4_method);
        add_field(v, F_IP4_ADDRESS, _("IPv4 address:"), t->address4, check_address4);
        add_field(v, F_IP4_GATEWAY, _("IPv4 gateway:"), t->gateway4, check_gateway4);
        add_field(v, F_DNS, _("DNS servers:"), t->dns, check_dns);
        add_field(v, F_SEARCH, _("Search domains:"), "", check_search);
        add_field(v, F_IP6_METHOD, _("IPv6 method:"), t->method6, check_ip6_method);
        add_field(v, F_IP6_ADDRESS, _("IPv6 address:"), t->address6, check_address6);
        add_field(v, F_IP6_GATEWAY, _("IPv6 gateway:"), t->gateway6, check_gateway6);
        add_field(v, F_MTU, _("MTU:"), t->mtu, check_mtu);
        add_field(v, F_VLAN, _("VLAN id:"), "", check_vlan);
        return tui_form_new(v->specs, EDIT_FIELDS, &v->form);
}

static int edit_init(struct tui_screen *s, void *arg) { return edit_view_new(s, arg, false); }
static int reset_init(struct tui_screen *s, void *arg) { return edit_view_new(s, arg, true); }

static void edit_free(struct tui_screen *s) {
        struct edit_view *v = s->data;
        tui_form_free(v->form);
        net_request_free(v->asked);
        free(v);
        /* the fields showed the cursor; no other screen wants it */
        curs_set(0);
}

static void edit_draw(struct tui_screen *s) {
        struct edit_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Tab", _("Next") }, { "Enter", _("Next/OK") }, { "^U", _("Clear") }, { "Esc", _("Back") },
        };
        tui_form_sync(v->form);
        char title[96];
        if (v->target.bridge[0])
                snprintf(title, sizeof title, _("nodecon: network: new bridge %s"), v->target.bridge);
        else if (v->target.bond_ports[0])
                snprintf(title, sizeof title, _("nodecon: network: new bond %s"), v->target.iface);
        else
                snprintf(title, sizeof title, v->reset ? _("nodecon: network: reset %s") : _("nodecon: network: edit %s"),
                         v->target.iface);
        tui_frame_draw(w, title, NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        tui_put(w, y++, 2, cols, v->target.now, TUI_STYLE_NORMAL);
        tui_put(w, y++, 2, cols,
                v->reset ? _("One plain profile is left; VLANs, bonds and bridges on it go. Empty: DHCP.")
                         : _("Fields left as they are change nothing. Lists: separate with commas."),
                TUI_STYLE_NORMAL);
        if (v->target.engine_managed)
                tui_put(w, y, 2, cols, _("Warning: this NIC carries the engine's ovirtmgmt bridge."),
                        TUI_STYLE_WARNING);
        int hint_x = 2 + tui_text_width(_("Search domains:")) + 2 + NET_FIELD_WIDTH + 1;
        if (!v->reset && hint_x + 10 < getmaxx(w)) {
                tui_put(w, FORM_TOP + F_IP4_METHOD, hint_x, getmaxx(w) - hint_x - 1, "disabled|dhcp|static",
                        TUI_STYLE_LABEL);
                tui_put(w, FORM_TOP + F_IP6_METHOD, hint_x, getmaxx(w) - hint_x - 1, "ignore|auto|dhcp|static",
                        TUI_STYLE_LABEL);
        }
        /* last, so the cursor ends in the field */
        tui_form_draw(v->form, w, FORM_TOP, 2);
}

/* ---- OK --------------------------------------------------------------------- */

static bool changed(struct edit_view *v, size_t i) {
        return !streq(tui_form_value(v->form, i), v->specs[i].initial);
}

static struct net_request *request_from_form(struct edit_view *v) {
        struct net_request *req = calloc(1, sizeof *req);
        if (!req)
                return NULL;
        char buf[1024];
        req->reset = v->reset;
        snprintf(req->iface, sizeof req->iface, "%s", v->target.iface);
        if (v->reset) {
                value(v, R_ADDRESS, req->address4, sizeof req->address4);
                value(v, R_GATEWAY, req->gateway4, sizeof req->gateway4);
                return req;
        }
        /* a family's method, address and gateway go together: one of them
         * changed sends all three as the form shows them */
        if (changed(v, F_IP4_METHOD) || changed(v, F_IP4_ADDRESS) || changed(v, F_IP4_GATEWAY)) {
                req->ipv4 = (enum node_ip4_method)ip4_method(value(v, F_IP4_METHOD, buf, sizeof buf));
                value(v, F_IP4_ADDRESS, req->address4, sizeof req->address4);
                value(v, F_IP4_GATEWAY, req->gateway4, sizeof req->gateway4);
        }
        if (changed(v, F_IP6_METHOD) || changed(v, F_IP6_ADDRESS) || changed(v, F_IP6_GATEWAY)) {
                req->ipv6 = (enum node_ip6_method)ip6_method(value(v, F_IP6_METHOD, buf, sizeof buf));
                value(v, F_IP6_ADDRESS, req->address6, sizeof req->address6);
                value(v, F_IP6_GATEWAY, req->gateway6, sizeof req->gateway6);
        }
        /* a list emptied by the admin removes what it had; untouched keeps it */
        if (changed(v, F_DNS) && !(req->dns = split_list(value(v, F_DNS, buf, sizeof buf))))
                req->dns = calloc(1, sizeof *req->dns);
        if (changed(v, F_SEARCH))
                req->search = split_list(value(v, F_SEARCH, buf, sizeof buf));
        struct node_error ignored = { 0 };
        if (v->target.bond_ports[0] && !(req->bond_ports = split_list(v->target.bond_ports))) {
                net_request_free(req);
                return NULL;
        }
        snprintf(req->bond_mode, sizeof req->bond_mode, "%s", v->target.bond_mode);
        req->miimon = v->target.miimon;
        snprintf(req->bridge, sizeof req->bridge, "%s", v->target.bridge);
        req->bridge_stp = v->target.bridge_stp;
        if (changed(v, F_MTU) && *value(v, F_MTU, buf, sizeof buf))
                node_check_mtu(buf, &req->mtu, &ignored);
        if (*value(v, F_VLAN, buf, sizeof buf))
                node_check_vlan_id(buf, &req->vlan, &ignored);
        else
                req->vlan = v->target.vlan;   /* a new bridge on a VLAN that is there */
        return req;
}

static bool changes_nothing(const struct net_request *r) {
        return r->ipv4 == NODE_IP4_KEEP && r->ipv6 == NODE_IP6_KEEP && !r->dns && !r->search && !r->mtu && !r->vlan &&
               !r->bond_ports && !r->bridge[0];
}

/* The edit screen makes way for the apply and its countdown. */
static void go(struct edit_view *v) {
        struct tui_app *app = v->app;
        struct net_request *req = v->asked;
        v->asked = NULL;
        tui_remove(app, v);
        network_apply_start(app, req);
}

static void answered(struct tui_app *app, bool confirmed, void *userdata) {
        (void)app;
        struct edit_view *v = userdata;
        if (!confirmed) {
                net_request_free(v->asked);
                v->asked = NULL;
                return;
        }
        v->asked->engine_override = v->target.engine_managed;
        go(v);
}

static void ask(struct edit_view *v, const char *title, const char *text) {
        tui_dialog_push(v->app, TUI_DIALOG_CONFIRM, title, text, answered, v);
}

static void submit(struct edit_view *v) {
        struct net_request *req = request_from_form(v);
        if (!req)
                return;
        char text[1536];
        if (!v->reset) {
                struct node_net_change change;
                const char *addresses4[2], *addresses6[2];
                struct node_error e = { 0 };
                net_request_change(req, &change, addresses4, addresses6);
                /* the fields fit together too: lib's own check, still without NM */
                if (node_net_check_change(&change, &e) < 0) {
                        snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
                        tui_dialog_push(v->app, TUI_DIALOG_ERROR, _("These settings cannot be applied"), text, NULL, NULL);
                        net_request_free(req);
                        return;
                }
                if (changes_nothing(req)) {
                        tui_dialog_push(v->app, TUI_DIALOG_INFO, _("Nothing to change"),
                                        _("No field was changed, so every setting stays as it is."), NULL, NULL);
                        net_request_free(req);
                        return;
                }
        }
        v->asked = req;
        if (v->reset) {
                snprintf(text, sizeof text,
                         _("Every VLAN, bond and bridge built on %s and its other profiles are removed; one profile "
                           "with %s is left. You then have to keep it, or the old settings come back.%s"),
                         v->target.iface, req->address4[0] ? req->address4 : _("DHCP"),
                         v->target.engine_managed ? _(" The engine's ovirtmgmt bridge goes too.") : "");
                ask(v, _("Reset the interface?"), text);
        } else if (v->target.engine_managed) {
                snprintf(text, sizeof text,
                         _("%s carries the engine's ovirtmgmt bridge: the engine may lose this node. Apply anyway?"),
                         v->target.iface);
                ask(v, _("Change the engine's network?"), text);
        } else {
                go(v);
        }
}

/* OK: lib checks the whole change, then a question or the apply. */
static void submit_typed(void *userdata) { submit(userdata); }

static bool edit_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = submit_typed };
        struct edit_view *v = s->data;
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops network_edit_screen_ops = {
        .name = "network-edit",
        .init = edit_init,
        .draw = edit_draw,
        .key = edit_key,
        .free = edit_free,
};

const struct screen_ops network_reset_screen_ops = {
        .name = "network-reset",
        .init = reset_init,
        .draw = edit_draw,
        .key = edit_key,
        .free = edit_free,
};
