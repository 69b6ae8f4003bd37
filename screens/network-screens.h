/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared by the network screens (network.c: NIC list, details, the safe
 * apply with its countdown; network-edit.c: the edit and reset forms;
 * network-master.c: the bond and bridge forms; netfields.c: their fields). */

#include <stdbool.h>

#include "lib/network.h"
#include "tui/loop.h"
#include "tui/widgets.h"

/* One change the admin asked for, owning its strings (a job carries it into
 * a worker).  reset: the emergency reset of iface (address4 / gateway4 set:
 * static, else DHCP); otherwise an apply of the fields below. */
struct net_request {
        bool reset;
        char iface[16];
        enum node_ip4_method ipv4;
        enum node_ip6_method ipv6;
        char address4[64], gateway4[64], address6[128], gateway6[128];
        char **dns, **search;       /* NULL: keep */
        unsigned mtu, vlan;         /* 0: keep, none */
        bool engine_override;       /* the admin accepted changing the engine's NIC */
        char **bond_ports;          /* set: iface is a new bond over these */
        char bond_mode[16];
        unsigned miimon;
        char bridge[16];            /* set: a new bridge of this name over iface */
        bool bridge_stp;
};

void net_request_free(struct net_request *req);
/* The lib change the request describes; it points into req. */
void net_request_change(const struct net_request *req, struct node_net_change *change, const char *addresses4[2],
                        const char *addresses6[2]);
/* "veth-n --ipv4 static --address 192.0.2.10/24 ...": the audit record's arguments, as nodectl's. */
void net_request_describe(const struct net_request *req, char *buf, size_t size);

/* Runs the request under the node lock in a worker (the confirmation timeout
 * from the config file), then asks "Keep these settings?" counting down;
 * takes req (freed here whatever happens). */
void network_apply_start(struct tui_app *app, struct net_request *req);

/* What the edit and reset forms are opened on: a copy of what they show. */
struct net_edit_target {
        char iface[16];
        char type[32];
        bool engine_managed;
        char now[512];              /* the current settings, one line */
        /* what the edit form starts from: the profile's settings where they
         * can be shown as typed ("" where they cannot, e.g. a DHCP lease's
         * address); a field left as it was changes nothing */
        char method4[16], address4[64], gateway4[64], dns[256];
        char method6[16], address6[128], gateway6[128], mtu[16];
        /* a new bond (iface its name) or a new bridge over iface: what the
         * bond or bridge form asked for, made with the addresses typed here */
        char bond_ports[128];       /* "NIC,NIC" */
        char bond_mode[16];
        unsigned miimon;
        char bridge[16];
        bool bridge_stp;
        unsigned vlan;              /* the bridge sits on this VLAN of iface */
};

/* Whether an interface can become a port of a new bond or bridge: what the
 * bond and bridge forms check a typed name against, taken when they open. */
struct net_port_candidate {
        char name[16];
        char refusal[200];          /* "" when it can; else the sentence why not */
        /* how lib builds on it: a VLAN is its parent and id, a bond its ports */
        char base[16];
        unsigned vlan;
        char bond_ports[128];
};
struct net_master_arg {
        struct net_port_candidate *candidates;   /* every interface NM knows */
        size_t n_candidates;
        char ports[128];            /* the form's first ports, "NIC,NIC" ("" none) */
};
extern const struct screen_ops network_bond_screen_ops;     /* arg: const struct net_master_arg * */
extern const struct screen_ops network_bridge_screen_ops;   /* arg: const struct net_master_arg * */
extern const struct screen_ops network_edit_screen_ops;   /* arg: const struct net_edit_target * */
extern const struct screen_ops network_reset_screen_ops;  /* arg: const struct net_edit_target * */

/* A field of a network form, as its validator sees it: the form's view, and
 * where the sentence it answers with lives on (lib says why in a node_error
 * that is gone once the validator returns). */
struct net_field {
        void *view;
        char why[sizeof ((struct node_error *)0)->message];
};
#define NET_FIELD_WIDTH 34
/* Fills specs[i]: label and initial text in a field of the network forms'
 * width, checked by validate with fields[i] (pointing at view) as its
 * userdata. */
void net_field_spec(struct tui_form_field_spec *specs, struct net_field *fields, size_t i, void *view,
                    const char *label, const char *initial, tui_validator_fn validate);
/* Keeps sentence as the field's answer and returns it: a validator's return. */
const char *net_field_says(struct net_field *field, const char *sentence);
