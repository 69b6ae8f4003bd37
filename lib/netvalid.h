/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Checks of what an admin types into a network field, before anything reaches
 * NetworkManager.  Pure functions: the nodectl options and the TUI's form
 * fields call the same ones, so a value is refused with the same sentence in
 * both.  Each returns 0, or -EINVAL with one sentence naming the field's
 * problem (the input is quoted, cut at 60 characters). */

struct node_ip_prefix {
        int family;                /* AF_INET or AF_INET6 */
        unsigned char addr[16];    /* network byte order; 4 bytes used for IPv4 */
        unsigned prefix;           /* 1..32 or 1..128 */
};

/* A unicast host address of the family (AF_INET, AF_INET6, or AF_UNSPEC for
 * either): not the unspecified address, loopback, multicast or broadcast. */
int node_check_ip_address(const char *text, int family, struct node_error *e);

/* "ADDRESS/PREFIX" for a host: the prefix is required, the address is a
 * unicast host address and, for IPv4 prefixes up to /30, neither the network
 * nor the broadcast address of its subnet. */
int node_parse_ip_prefix(const char *text, int family, struct node_ip_prefix *out, struct node_error *e);

/* A gateway for the host address "ADDRESS/PREFIX": same family, inside the
 * subnet (IPv6 also accepts a link-local router), not the host's own address
 * nor the subnet's network or broadcast address. */
int node_check_gateway(const char *gateway, const char *address_prefix, struct node_error *e);

/* 802.1Q VLAN id, 1..4094. */
int node_check_vlan_id(const char *text, unsigned *id, struct node_error *e);

#define NODE_MTU_MIN 68      /* the smallest MTU IPv4 allows */
#define NODE_MTU_MAX 65535
/* MTU in bytes, NODE_MTU_MIN..NODE_MTU_MAX. */
int node_check_mtu(const char *text, unsigned *mtu, struct node_error *e);

/* A static host name by RFC 1123: labels of letters, digits and '-', 1..63
 * characters, not starting or ending with '-', joined by dots; at most 64
 * characters in all (the kernel's limit); not an IPv4 address. */
int node_check_hostname(const char *text, struct node_error *e);

/* What is wrong with a DNS name (labels as in a host name, up to 253
 * characters), as a clause for a sentence ("it is empty"); NULL if nothing. */
const char *node_dns_name_problem(const char *text);

/* A DNS search domain: labels as in a host name, up to 253 characters. */
int node_check_search_domain(const char *text, struct node_error *e);

/* "HOST[:PORT]" where HOST is a DNS name, an IPv4 address or a bracketed IPv6
 * address ("[2001:db8::1]:443").  host gets HOST without brackets, port the
 * port or default_port when none is given. */
int node_parse_fqdn_port(const char *text, unsigned default_port, char *host, size_t host_size,
                         unsigned *port, struct node_error *e);

/* A Linux interface name: 1..15 characters, no '/', ':' or white space, not
 * "." or "..". */
int node_check_iface_name(const char *text, struct node_error *e);

/* A Linux bonding mode by name (balance-rr, active-backup, balance-xor,
 * broadcast, 802.3ad, balance-tlb, balance-alb). */
int node_check_bond_mode(const char *text, struct node_error *e);

/* A whole number of seconds in min..max (the confirmation timeout, miimon). */
int node_check_number(const char *text, const char *what, unsigned min, unsigned max, unsigned *out,
                      struct node_error *e);
