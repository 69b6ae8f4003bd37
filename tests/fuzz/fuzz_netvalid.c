/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network field validators.  Input: up to three strings separated by NUL
 * bytes (a value, an ADDRESS/PREFIX, a HOST[:PORT]).  Besides not crashing:
 * every refusal has its sentence, an accepted prefix prints back to an
 * address the same validator accepts, a gateway accepted for a subnet is a
 * valid address, and an accepted HOST[:PORT] yields a host that is accepted
 * again on its own. */
#include <arpa/inet.h>

#include "fuzz.h"
#include "netvalid.h"
#include "util.h"

static void check_prefix(const char *text) {
        struct node_error e = { 0 };
        struct node_ip_prefix p;
        int r = node_parse_ip_prefix(text, AF_UNSPEC, &p, &e);
        fuzz_check_error(r, &e);
        if (r < 0)
                return;
        FUZZ_ASSERT(p.family == AF_INET || p.family == AF_INET6);
        FUZZ_ASSERT(p.prefix >= 1 && p.prefix <= (p.family == AF_INET ? 32u : 128u));
        char address[INET6_ADDRSTRLEN], again[INET6_ADDRSTRLEN + 8];
        FUZZ_ASSERT(inet_ntop(p.family, p.addr, address, sizeof address));
        snprintf(again, sizeof again, "%s/%u", address, p.prefix);
        struct node_ip_prefix q;
        FUZZ_ASSERT(node_parse_ip_prefix(again, p.family, &q, &e) == 0);
        FUZZ_ASSERT(memcmp(&p, &q, sizeof p) == 0);
        FUZZ_ASSERT(node_check_ip_address(address, p.family, &e) == 0);
}

static void check_gateway(const char *gateway, const char *subnet) {
        struct node_error e = { 0 };
        int r = node_check_gateway(gateway, subnet, &e);
        fuzz_check_error(r, &e);
        if (r == 0)
                FUZZ_ASSERT(node_check_ip_address(gateway, AF_UNSPEC, &e) == 0);
}

static void check_fqdn(const char *text) {
        struct node_error e = { 0 };
        char host[256];
        unsigned port = 0;
        int r = node_parse_fqdn_port(text, 443, host, sizeof host, &port, &e);
        fuzz_check_error(r, &e);
        if (r < 0)
                return;
        FUZZ_ASSERT(port >= 1 && port <= 65535);
        char bracketed[300];
        snprintf(bracketed, sizeof bracketed, strchr(host, ':') ? "[%s]" : "%s", host);
        char again[256];
        unsigned port2 = 0;
        FUZZ_ASSERT(node_parse_fqdn_port(bracketed, 443, again, sizeof again, &port2, &e) == 0);
        FUZZ_ASSERT(streq(again, host) && port2 == 443);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s[3];
        _cleanup_free_ char *buf = fuzz_split(data, size, s, ELEMENTSOF(s));
        (void)buf; /* only owns the strings */
        struct node_error e = { 0 };
        unsigned v;
        for (size_t i = 0; i < ELEMENTSOF(s); i++) {
                check_prefix(s[i]);
                check_fqdn(s[i]);
                fuzz_check_error(node_check_ip_address(s[i], AF_UNSPEC, &e), &e);
                fuzz_check_error(node_check_hostname(s[i], &e), &e);
                fuzz_check_error(node_check_search_domain(s[i], &e), &e);
                fuzz_check_error(node_check_iface_name(s[i], &e), &e);
                fuzz_check_error(node_check_bond_mode(s[i], &e), &e);
                int r = node_check_vlan_id(s[i], &v, &e);
                fuzz_check_error(r, &e);
                if (r == 0)
                        FUZZ_ASSERT(v >= 1 && v <= 4094);
                r = node_check_mtu(s[i], &v, &e);
                fuzz_check_error(r, &e);
                if (r == 0)
                        FUZZ_ASSERT(v >= NODE_MTU_MIN && v <= NODE_MTU_MAX);
        }
        check_gateway(s[0], s[1]);
        check_gateway(s[2], s[1]);
        return 0;
}
