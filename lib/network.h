/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

/* The node's network through NetworkManager (libnm): NM owns every setting,
 * nodecon never edits its files.  Every change is made inside an NM
 * checkpoint with a rollback timeout: unless the admin confirms in time (the
 * admin may have been cut off by the change), NM itself puts back the
 * devices and profiles as they were.  The checkpoint's D-Bus path is kept in
 * <run_dir>/network-checkpoint so a later nodectl run confirms or reverts it.
 *
 * libnm needs a GLib main context: the functions here iterate the thread's
 * default main context while they wait for NM, so a TUI running a GLib main
 * loop on that context keeps going. */

#define NODE_NET_ROLLBACK_DEFAULT 60   /* seconds */
#define NODE_NET_ROLLBACK_MAX 3600
/* How long a change waits for its interface to connect before it leaves the
 * verdict to the admin (DHCP or IPv6 autoconfiguration may take longer). */
#define NODE_NET_WAIT_DEFAULT 15
/* vdsm's management bridge: the engine reaches the node through it. */
#define NODE_NET_ENGINE_BRIDGE "ovirtmgmt"

struct node_net;   /* a connection to NetworkManager */

/* network_confirm_timeout from /etc/nodecon/nodecon.conf: the seconds a
 * change waits for its confirmation when the admin names none;
 * NODE_NET_ROLLBACK_DEFAULT when absent.  -EINVAL for a bad value. */
int node_net_confirm_timeout(const struct node_context *ctx, unsigned *seconds, struct node_error *e);

/* -EHOSTDOWN "NetworkManager is not running ..." when NM does not answer. */
int node_net_open(struct node_net **net, struct node_error *e);
void node_net_close(struct node_net *net);
static inline void node_net_closep(struct node_net **net) { if (*net) node_net_close(*net); }
#define _cleanup_net_ __attribute__((cleanup(node_net_closep)))

struct node_nic {
        char *name;
        char *type;            /* NM's word: "ethernet", "bond", "vlan", "bridge", "veth", ... */
        char *state;           /* "connected", "disconnected", "connecting", "unavailable", "unmanaged", ... */
        bool carrier;
        unsigned speed_mbps;   /* 0: unknown or not an Ethernet device */
        char *mac;
        char *driver;
        unsigned mtu;
        char **ipv4;           /* "ADDRESS/PREFIX", NULL-terminated (never NULL itself) */
        char **ipv6;
        char *gateway4;        /* NULL: none */
        char *gateway6;
        char **dns;            /* name servers of both families */
        char **search;         /* DNS search domains */
        char *connection;      /* name of the active NM profile; NULL: none */
        int ipv4_method;       /* the profile's, an enum node_ip4_method; KEEP: no profile or another method */
        int ipv6_method;       /* the profile's, an enum node_ip6_method; KEEP likewise */
        char **dns_configured; /* the name servers the profile itself sets, not those DHCP brought */
        char *controller;      /* the bond or bridge this is a port of; NULL: none */
        char **ports;          /* a bond's or bridge's ports */
        unsigned vlan_id;      /* 0: not a VLAN */
        char *vlan_parent;
        bool engine_managed;   /* ovirtmgmt itself or something under it */
};

struct node_net_pending {
        bool active;             /* a change waits for confirmation */
        char *checkpoint;        /* its NM checkpoint path */
        unsigned seconds_left;   /* until NM rolls it back */
        unsigned timeout;        /* the rollback timeout it was made with */
};

struct node_net_state {
        struct node_nic *nics;
        size_t n_nics;
        char *hostname;          /* NM's static host name; NULL: none set */
        char *primary;           /* the interface of NM's primary connection (default route); NULL: none */
        bool engine_bridge;      /* ovirtmgmt exists: the engine manages this node's network */
        struct node_net_pending pending;
};

/* Every network device NM knows except loopback, sorted by name. */
int node_net_read(struct node_net *net, const struct node_context *ctx, struct node_net_state *state,
                  struct node_error *e);
void node_net_state_free(struct node_net_state *state);
const struct node_nic *node_net_find_nic(const struct node_net_state *state, const char *name);

/* A change is only a request: KEEP leaves that part of an existing profile as
 * it is (a new profile gets NM's default, DHCP / auto). */
enum node_ip4_method { NODE_IP4_KEEP, NODE_IP4_DISABLED, NODE_IP4_DHCP, NODE_IP4_STATIC };
enum node_ip6_method { NODE_IP6_KEEP, NODE_IP6_IGNORE, NODE_IP6_AUTO, NODE_IP6_DHCP, NODE_IP6_STATIC };

/* One change of the network stack on iface, bottom to top:
 *   bond_ports set: iface is a bond to create (or update) over those NICs;
 *   vlan set:       a VLAN iface.VLAN on top of iface;
 *   bridge set:     a bridge of that name over the VLAN, or over iface;
 * the IP settings, DNS and search domains go on the topmost of these, the
 * MTU on every one.  String lists are NULL-terminated; NULL means none. */
struct node_net_change {
        const char *iface;
        enum node_ip4_method ipv4;
        const char *const *addresses4;   /* "ADDRESS/PREFIX", static only */
        const char *gateway4;
        enum node_ip6_method ipv6;
        const char *const *addresses6;
        const char *gateway6;
        const char *const *dns;          /* servers of either family */
        const char *const *search;
        unsigned mtu;                    /* 0: keep */
        unsigned vlan;                   /* 0: none */
        const char *const *bond_ports;
        const char *bond_mode;           /* NULL: keep (new bonds: active-backup) */
        unsigned miimon;                 /* 0: keep (new bonds: 100 ms) */
        const char *bridge;
        bool bridge_stp;                 /* spanning tree on the bridge (off: a node is a leaf) */
        unsigned rollback_timeout;       /* seconds; 0: NODE_NET_ROLLBACK_DEFAULT */
        unsigned wait_seconds;           /* for the top to connect; 0: NODE_NET_WAIT_DEFAULT */
        bool engine_override;            /* allow changing what ovirtmgmt runs on */
};

/* Checks a change without asking NM: each field with lib/netvalid, and that
 * they fit together (addresses only with static, a gateway inside one of the
 * addresses' subnets, no duplicate bond port, ...).  -EINVAL and the first
 * problem's sentence. */
int node_net_check_change(const struct node_net_change *change, struct node_error *e);

/* "IFACE.VLAN", the name of a VLAN's interface; -EINVAL when it would be
 * longer than the 15 characters Linux allows. */
int node_net_vlan_name(const char *iface, unsigned vlan, char *out, size_t size, struct node_error *e);

struct node_net_applied {
        char top[16];            /* the interface that carries the addresses */
        bool activated;          /* it reached "connected" before we stopped waiting */
        unsigned timeout;        /* seconds NM waits for a confirmation */
};

/* Applies a change inside a new checkpoint: checks it, refuses when another
 * change still waits for confirmation (-EBUSY) or when it touches the
 * engine's bridge without engine_override (-EPERM), writes the profiles,
 * activates them and waits (wait_seconds) for them to connect.  When NM
 * refuses a profile or an activation fails, the checkpoint is rolled back at
 * once and nothing stays changed.  On success a confirmation is pending. */
int node_net_apply(struct node_net *net, const struct node_context *ctx, const struct node_net_change *change,
                   struct node_net_applied *applied, struct node_error *e);

/* The emergency reset of a NIC: every bond, VLAN and bridge built on it (and
 * the port profiles of those bonds and bridges) removed, every other profile
 * of the NIC too, and one plain profile left on it with DHCP, or with the
 * static address (and gateway) given.  Same checkpoint as apply. */
int node_net_reset(struct node_net *net, const struct node_context *ctx, const char *iface, const char *address,
                   const char *gateway, unsigned rollback_timeout, unsigned wait_seconds,
                   struct node_net_applied *applied, struct node_error *e);

/* Keeps the pending change: destroys its checkpoint.  -ENOENT when none is
 * pending (NM may have rolled it back already: the sentence says so). */
int node_net_confirm(struct node_net *net, const struct node_context *ctx, struct node_error *e);
/* Puts back the state from before the pending change now. */
int node_net_revert(struct node_net *net, const struct node_context *ctx, struct node_error *e);
/* What waits for confirmation; pending->active false when nothing does. */
int node_net_get_pending(struct node_net *net, const struct node_context *ctx, struct node_net_pending *pending,
                         struct node_error *e);
void node_net_pending_free(struct node_net_pending *pending);

/* Sets the static host name through NM (which hands it to hostnamed or
 * writes /etc/hostname).  A host name does not cut anyone off: no checkpoint. */
int node_net_set_hostname(struct node_net *net, const char *hostname, struct node_error *e);
