/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checking a whole network change before NetworkManager is asked: each field
 * with lib/netvalid, and that the fields fit together.  Pure, like netvalid,
 * so the unit tests and the TUI's forms use it without NM. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "netvalid.h"
#include "network.h"
#include "util.h"

static size_t strv_length(const char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

/* The gateway must sit in the subnet of one of the addresses. */
static int check_gateway_fits(const char *gateway, const char *const *addresses, struct node_error *e) {
        int r = -EINVAL;
        for (size_t i = 0; addresses && addresses[i]; i++) {
                r = node_check_gateway(gateway, addresses[i], e);
                if (r == 0)
                        return 0;
        }
        return r;
}

static int check_family(const char *name, bool is_static, const char *const *addresses, const char *gateway,
                        int family, struct node_error *e) {
        if (!is_static && (addresses || gateway))
                return node_error_set(e, EINVAL, _("%s addresses and a gateway need the static method."), name);
        if (is_static && !strv_length(addresses))
                return node_error_set(e, EINVAL, _("Static %s needs at least one ADDRESS/PREFIX."), name);
        for (size_t i = 0; addresses && addresses[i]; i++) {
                int r = node_parse_ip_prefix(addresses[i], family, NULL, e);
                if (r < 0)
                        return r;
        }
        return gateway ? check_gateway_fits(gateway, addresses, e) : 0;
}

int node_net_vlan_name(const char *iface, unsigned vlan, char *out, size_t size, struct node_error *e) {
        if (snprintf(out, size, "%s.%u", iface, vlan) >= (int)size || strlen(out) > 15)
                return node_error_set(e, EINVAL, _("The VLAN interface name %s.%u would be longer than 15 characters."),
                                      iface, vlan);
        return 0;
}

int node_net_check_change(const struct node_net_change *c, struct node_error *e) {
        int r;
        if (!c->iface)
                return node_error_set(e, EINVAL, _("No interface given."));
        if ((r = node_check_iface_name(c->iface, e)) < 0)
                return r;
        if ((r = check_family("IPv4", c->ipv4 == NODE_IP4_STATIC, c->addresses4, c->gateway4, AF_INET, e)) < 0 ||
            (r = check_family("IPv6", c->ipv6 == NODE_IP6_STATIC, c->addresses6, c->gateway6, AF_INET6, e)) < 0)
                return r;
        for (size_t i = 0; c->dns && c->dns[i]; i++) {
                if (node_check_ip_address(c->dns[i], AF_UNSPEC, e) < 0)
                        return node_error_prefix(e, _("DNS server: "));
                bool v6 = strchr(c->dns[i], ':') != NULL;
                if ((!v6 && c->ipv4 == NODE_IP4_DISABLED) || (v6 && c->ipv6 == NODE_IP6_IGNORE))
                        return node_error_set(e, EINVAL, _("The DNS server %s is an %s address, but %s is off."), c->dns[i],
                                              v6 ? "IPv6" : "IPv4", v6 ? "IPv6" : "IPv4");
        }
        for (size_t i = 0; c->search && c->search[i]; i++)
                if ((r = node_check_search_domain(c->search[i], e)) < 0)
                        return r;
        if (c->mtu && (c->mtu < NODE_MTU_MIN || c->mtu > NODE_MTU_MAX))
                return node_error_set(e, EINVAL, _("MTU %u is not from %u to %u."), c->mtu, NODE_MTU_MIN, NODE_MTU_MAX);
        if (c->mtu && c->mtu < 1280 && (c->ipv6 == NODE_IP6_STATIC || c->ipv6 == NODE_IP6_AUTO || c->ipv6 == NODE_IP6_DHCP))
                return node_error_set(e, EINVAL, _("MTU %u is too small for IPv6, which needs at least 1280."), c->mtu);
        if (c->vlan > 4094)
                return node_error_set(e, EINVAL, _("VLAN id %u is not from 1 to 4094."), c->vlan);
        char name[32];
        if (c->vlan && (r = node_net_vlan_name(c->iface, c->vlan, name, sizeof name, e)) < 0)
                return r;
        bool bond = c->bond_ports != NULL;
        if (!bond && (c->bond_mode || c->miimon))
                return node_error_set(e, EINVAL, _("A bond mode or miimon needs bond ports."));
        if (bond && !strv_length(c->bond_ports))
                return node_error_set(e, EINVAL, _("A bond needs at least one port."));
        for (size_t i = 0; bond && c->bond_ports[i]; i++) {
                if ((r = node_check_iface_name(c->bond_ports[i], e)) < 0)
                        return r;
                if (streq(c->bond_ports[i], c->iface))
                        return node_error_set(e, EINVAL, _("The bond %s cannot be its own port."), c->iface);
                for (size_t j = 0; j < i; j++)
                        if (streq(c->bond_ports[i], c->bond_ports[j]))
                                return node_error_set(e, EINVAL, _("%s is given twice as a bond port."), c->bond_ports[i]);
        }
        if (c->bond_mode && (r = node_check_bond_mode(c->bond_mode, e)) < 0)
                return r;
        if (c->miimon > 60000)
                return node_error_set(e, EINVAL, _("miimon %u ms is more than a minute."), c->miimon);
        if (c->bridge) {
                if ((r = node_check_iface_name(c->bridge, e)) < 0)
                        return r;
                if (streq(c->bridge, c->iface) || (c->vlan && streq(c->bridge, name)))
                        return node_error_set(e, EINVAL, _("The bridge %s cannot be a port of itself."), c->bridge);
                for (size_t i = 0; bond && c->bond_ports[i]; i++)
                        if (streq(c->bond_ports[i], c->bridge))
                                return node_error_set(e, EINVAL, _("The bridge %s cannot be a bond port."), c->bridge);
        }
        if (c->rollback_timeout > NODE_NET_ROLLBACK_MAX)
                return node_error_set(e, EINVAL, _("A confirmation timeout of %u s is more than %u s."),
                                      c->rollback_timeout, NODE_NET_ROLLBACK_MAX);
        return 0;
}

int node_net_confirm_timeout(const struct node_context *ctx, unsigned *seconds, struct node_error *e) {
        *seconds = NODE_NET_ROLLBACK_DEFAULT;
        return node_config_number(ctx, "network_confirm_timeout", 1, NODE_NET_ROLLBACK_MAX, seconds, e);
}
