/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netvalid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* Quoted input is cut here so a pasted novel does not fill the message. */
#define QUOTE_MAX 60
#define QUOTED(s) QUOTE_MAX, (s), strlen(s) > QUOTE_MAX ? "..." : ""

/* Digits only, no sign, no leading zero, at most max. */
static int parse_decimal(const char *text, unsigned max, unsigned *out) {
        if (!text[0] || (text[0] == '0' && text[1]))
                return -EINVAL;
        unsigned long v = 0;
        for (const char *p = text; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(*p - '0');
                if (v > max)
                        return -EINVAL;
        }
        *out = (unsigned)v;
        return 0;
}

static int family_bytes(int family) {
        return family == AF_INET ? 4 : 16;
}

static bool all_bytes(const unsigned char *a, int n, unsigned char value) {
        for (int i = 0; i < n; i++)
                if (a[i] != value)
                        return false;
        return true;
}

/* Parses an address of the family (AF_UNSPEC: either) into addr. */
static int parse_address(const char *text, int family, int *found, unsigned char addr[16]) {
        memset(addr, 0, 16);
        if ((family == AF_INET || family == AF_UNSPEC) && inet_pton(AF_INET, text, addr) == 1) {
                *found = AF_INET;
                return 0;
        }
        if ((family == AF_INET6 || family == AF_UNSPEC) && inet_pton(AF_INET6, text, addr) == 1) {
                *found = AF_INET6;
                return 0;
        }
        return -EINVAL;
}

static int address_sentence(const char *text, int family, struct node_error *e) {
        if (family == AF_INET)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not an IPv4 address (like 192.0.2.10)."), QUOTED(text));
        if (family == AF_INET6)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not an IPv6 address (like 2001:db8::10)."), QUOTED(text));
        return node_error_set(e, EINVAL, _("'%.*s%s' is not an IP address."), QUOTED(text));
}

/* Refuses what cannot be a host's own address or a router's. */
static int check_unicast(const char *text, int family, const unsigned char *a, struct node_error *e) {
        if (all_bytes(a, family_bytes(family), 0))
                return node_error_set(e, EINVAL, _("'%.*s%s' is the unspecified address, not a host's address."),
                                      QUOTED(text));
        if (family == AF_INET) {
                if (a[0] == 127)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is a loopback address."), QUOTED(text));
                if (a[0] >= 224 && a[0] <= 239)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is a multicast address."), QUOTED(text));
                if (a[0] >= 240)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is a reserved or broadcast address."),
                                              QUOTED(text));
                if (a[0] == 0)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is in 0.0.0.0/8, which hosts cannot use."),
                                              QUOTED(text));
        } else {
                static const unsigned char loopback[16] = { [15] = 1 };
                if (memcmp(a, loopback, 16) == 0)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is the loopback address."), QUOTED(text));
                if (a[0] == 0xff)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is a multicast address."), QUOTED(text));
        }
        return 0;
}

int node_check_ip_address(const char *text, int family, struct node_error *e) {
        unsigned char addr[16];
        int found;
        if (parse_address(text, family, &found, addr) < 0)
                return address_sentence(text, family, e);
        return check_unicast(text, found, addr, e);
}

/* Sets every bit of the host part (value 1) or clears it (value 0). */
static void fill_host_bits(unsigned char *a, int nbytes, unsigned prefix, bool value) {
        for (int bit = (int)prefix; bit < nbytes * 8; bit++) {
                unsigned char mask = (unsigned char)(0x80u >> (bit % 8));
                if (value)
                        a[bit / 8] |= mask;
                else
                        a[bit / 8] &= (unsigned char)~mask;
        }
}

static bool same_subnet(const unsigned char *a, const unsigned char *b, unsigned prefix) {
        for (unsigned bit = 0; bit < prefix; bit++) {
                unsigned char mask = (unsigned char)(0x80u >> (bit % 8));
                if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
                        return false;
        }
        return true;
}

/* Network or broadcast address of an IPv4 subnet that has both (/1../30). */
static bool is_ipv4_subnet_edge(const unsigned char *a, unsigned prefix) {
        if (prefix > 30)
                return false;
        unsigned char low[4], high[4];
        memcpy(low, a, 4);
        memcpy(high, a, 4);
        fill_host_bits(low, 4, prefix, false);
        fill_host_bits(high, 4, prefix, true);
        return memcmp(a, low, 4) == 0 || memcmp(a, high, 4) == 0;
}

int node_parse_ip_prefix(const char *text, int family, struct node_ip_prefix *out, struct node_error *e) {
        const char *slash = strchr(text, '/');
        if (!slash)
                return node_error_set(e, EINVAL, _("'%.*s%s' has no prefix length: write it as ADDRESS/PREFIX, like %s."),
                                      QUOTED(text), family == AF_INET6 ? "2001:db8::10/64" : "192.0.2.10/24");
        char address[INET6_ADDRSTRLEN];
        size_t len = (size_t)(slash - text);
        if (len >= sizeof address)
                return address_sentence(text, family, e);
        memcpy(address, text, len);
        address[len] = '\0';

        struct node_ip_prefix p = { 0 };
        if (parse_address(address, family, &p.family, p.addr) < 0)
                return address_sentence(address, family, e);
        unsigned max = p.family == AF_INET ? 32 : 128;
        if (parse_decimal(slash + 1, max, &p.prefix) < 0 || p.prefix == 0)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not a prefix length: use a number from 1 to %u."),
                                      QUOTED(slash + 1), max);
        int r = check_unicast(address, p.family, p.addr, e);
        if (r < 0)
                return r;
        if (p.family == AF_INET && is_ipv4_subnet_edge(p.addr, p.prefix))
                return node_error_set(e, EINVAL,
                                      _("'%.*s%s' is the network or broadcast address of its subnet, not a host's address."),
                                      QUOTED(text));
        if (out)
                *out = p;
        return 0;
}

int node_check_gateway(const char *gateway, const char *address_prefix, struct node_error *e) {
        struct node_ip_prefix host;
        int r = node_parse_ip_prefix(address_prefix, AF_UNSPEC, &host, e);
        if (r < 0)
                return r;
        unsigned char gw[16];
        int family;
        if (parse_address(gateway, host.family, &family, gw) < 0)
                return node_error_set(e, EINVAL, _("Gateway '%.*s%s' is not an %s address like the address %s."),
                                      QUOTED(gateway), host.family == AF_INET ? "IPv4" : "IPv6", address_prefix);
        r = check_unicast(gateway, family, gw, e);
        if (r < 0)
                return node_error_prefix(e, _("Gateway: "));
        if (memcmp(gw, host.addr, (size_t)family_bytes(family)) == 0)
                return node_error_set(e, EINVAL, _("The gateway %s is this host's own address."), gateway);
        /* IPv6 routers are often reached by their link-local address (fe80::/10). */
        if (family == AF_INET6 && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80)
                return 0;
        if (!same_subnet(gw, host.addr, host.prefix))
                return node_error_set(e, EINVAL, _("The gateway %s is outside the subnet of %s."), gateway, address_prefix);
        if (family == AF_INET && is_ipv4_subnet_edge(gw, host.prefix))
                return node_error_set(e, EINVAL, _("The gateway %s is the network or broadcast address of %s."), gateway,
                                      address_prefix);
        return 0;
}

int node_check_number(const char *text, const char *what, unsigned min, unsigned max, unsigned *out,
                      struct node_error *e) {
        unsigned v;
        if (parse_decimal(text, max, &v) < 0 || v < min)
                return node_error_set(e, EINVAL, _("%s '%.*s%s' is not a whole number from %u to %u."), what, QUOTED(text),
                                      min, max);
        if (out)
                *out = v;
        return 0;
}

int node_check_vlan_id(const char *text, unsigned *id, struct node_error *e) {
        return node_check_number(text, _("VLAN id"), 1, 4094, id, e);
}

int node_check_mtu(const char *text, unsigned *mtu, struct node_error *e) {
        return node_check_number(text, _("MTU"), NODE_MTU_MIN, NODE_MTU_MAX, mtu, e);
}

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Dot-separated RFC 1123 labels; on failure *why says what is wrong. */
static bool labels_valid(const char *text, const char **why) {
        size_t label = 0;
        for (const char *p = text;; p++) {
                if (*p == '.' || *p == '\0') {
                        if (label == 0) {
                                *why = _("it has an empty label (two dots, or a dot at the start or end)");
                                return false;
                        }
                        if (p[-1] == '-') {
                                *why = _("a label ends with '-'");
                                return false;
                        }
                        if (*p == '\0')
                                return true;
                        label = 0;
                        continue;
                }
                if (!is_alnum(*p) && *p != '-') {
                        *why = _("only letters, digits, '-' and dots are allowed");
                        return false;
                }
                if (label == 0 && *p == '-') {
                        *why = _("a label starts with '-'");
                        return false;
                }
                if (++label > 63) {
                        *why = _("a label is longer than 63 characters");
                        return false;
                }
        }
}

int node_check_hostname(const char *text, struct node_error *e) {
        const char *why = NULL;
        unsigned char addr[16];
        int family;
        if (!text[0])
                why = _("it is empty");
        else if (strlen(text) > 64)
                why = _("it is longer than 64 characters");
        else if (parse_address(text, AF_INET, &family, addr) == 0)
                why = _("it is an IP address");
        else
                labels_valid(text, &why);
        if (why)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not a valid host name: %s."), QUOTED(text), why);
        return 0;
}

const char *node_dns_name_problem(const char *text) {
        const char *why = NULL;
        if (!text[0])
                why = _("it is empty");
        else if (strlen(text) > 253)
                why = _("it is longer than 253 characters");
        else
                labels_valid(text, &why);
        return why;
}

int node_check_search_domain(const char *text, struct node_error *e) {
        const char *why = node_dns_name_problem(text);
        if (why)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not a valid search domain: %s."), QUOTED(text), why);
        return 0;
}

int node_parse_fqdn_port(const char *text, unsigned default_port, char *host, size_t host_size, unsigned *port,
                         struct node_error *e) {
        char name[256];
        const char *port_text = NULL;
        unsigned char addr[16];
        int family;

        if (text[0] == '[') {
                const char *close = strchr(text, ']');
                size_t len = close ? (size_t)(close - text - 1) : 0;
                if (!close || len >= sizeof name || (close[1] && close[1] != ':'))
                        return node_error_set(e, EINVAL, _("'%.*s%s' is not [IPv6-ADDRESS]:PORT."), QUOTED(text));
                memcpy(name, text + 1, len);
                name[len] = '\0';
                if (parse_address(name, AF_INET6, &family, addr) < 0)
                        return address_sentence(name, AF_INET6, e);
                if (close[1] == ':')
                        port_text = close + 2;
        } else {
                const char *colon = strchr(text, ':');
                if (colon && strchr(colon + 1, ':'))
                        return node_error_set(e, EINVAL, _("'%.*s%s': put an IPv6 address in brackets, like [2001:db8::1]:443."),
                                              QUOTED(text));
                size_t len = colon ? (size_t)(colon - text) : strlen(text);
                if (len >= sizeof name)
                        return node_error_set(e, EINVAL, _("'%.*s%s' is longer than a DNS name may be."), QUOTED(text));
                memcpy(name, text, len);
                name[len] = '\0';
                if (colon)
                        port_text = colon + 1;
                if (parse_address(name, AF_INET, &family, addr) < 0) {
                        const char *why = node_dns_name_problem(name);
                        if (why)
                                return node_error_set(e, EINVAL, _("'%.*s%s' is not a valid host name: %s."), QUOTED(name),
                                                      why);
                }
        }
        unsigned p = default_port;
        if (port_text && node_check_number(port_text, _("Port"), 1, 65535, &p, e) < 0)
                return -EINVAL;
        if (strlen(name) >= host_size)
                return node_error_set(e, ENAMETOOLONG, _("'%.*s%s' is too long."), QUOTED(name));
        snprintf(host, host_size, "%s", name);
        if (port)
                *port = p;
        return 0;
}

int node_check_iface_name(const char *text, struct node_error *e) {
        const char *why = NULL;
        if (!text[0])
                why = _("it is empty");
        else if (strlen(text) > 15)
                why = _("it is longer than 15 characters");
        else if (streq(text, ".") || streq(text, ".."))
                why = _("it is '.' or '..'");
        else
                for (const char *p = text; *p; p++)
                        if (*p == '/' || *p == ':' || (unsigned char)*p <= ' ' || *p == 0x7f) {
                                why = _("it contains '/', ':', a space or a control character");
                                break;
                        }
        if (why)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not a valid interface name: %s."), QUOTED(text), why);
        return 0;
}

static const char *const bond_modes[] = {
        "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb",
};

int node_check_bond_mode(const char *text, struct node_error *e) {
        for (size_t i = 0; i < ELEMENTSOF(bond_modes); i++)
                if (streq(text, bond_modes[i]))
                        return 0;
        return node_error_set(e, EINVAL,
                              _("'%.*s%s' is not a bonding mode: use balance-rr, active-backup, balance-xor, broadcast, "
                                "802.3ad, balance-tlb or balance-alb."),
                              QUOTED(text));
}
