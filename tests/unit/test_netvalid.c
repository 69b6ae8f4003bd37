/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network field validators: what they accept, what they refuse, and that
 * a refusal always comes with its sentence. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netvalid.h"
#include "util.h"

/* A refusal: -EINVAL and a sentence that contains needle. */
static void assert_refused(int r, const struct node_error *e, const char *needle) {
        assert_int_equal(r, -EINVAL);
        assert_int_equal(e->code, -EINVAL);
        if (!strstr(e->message, needle))
                fail_msg("'%s' not in '%s'", needle, e->message);
}

static void test_ip_address(void **state) {
        (void)state;
        struct node_error e = { 0 };
        assert_int_equal(node_check_ip_address("192.0.2.10", AF_INET, &e), 0);
        assert_int_equal(node_check_ip_address("2001:db8::10", AF_INET6, &e), 0);
        assert_int_equal(node_check_ip_address("2001:db8::10", AF_UNSPEC, &e), 0);
        assert_int_equal(node_check_ip_address("10.1.2.3", AF_UNSPEC, &e), 0);

        assert_refused(node_check_ip_address("2001:db8::10", AF_INET, &e), &e, "not an IPv4 address");
        assert_refused(node_check_ip_address("192.0.2.10", AF_INET6, &e), &e, "not an IPv6 address");
        assert_refused(node_check_ip_address("192.0.2.256", AF_INET, &e), &e, "not an IPv4");
        assert_refused(node_check_ip_address("192.0.2", AF_INET, &e), &e, "not an IPv4");
        assert_refused(node_check_ip_address("192.0.02.1", AF_INET, &e), &e, "not an IPv4");
        assert_refused(node_check_ip_address(" 192.0.2.1", AF_INET, &e), &e, "not an IPv4");
        assert_refused(node_check_ip_address("", AF_UNSPEC, &e), &e, "not an IP address");
        assert_refused(node_check_ip_address("0.0.0.0", AF_INET, &e), &e, "unspecified");
        assert_refused(node_check_ip_address("::", AF_INET6, &e), &e, "unspecified");
        assert_refused(node_check_ip_address("127.0.0.1", AF_INET, &e), &e, "loopback");
        assert_refused(node_check_ip_address("::1", AF_INET6, &e), &e, "loopback");
        assert_refused(node_check_ip_address("224.0.0.1", AF_INET, &e), &e, "multicast");
        assert_refused(node_check_ip_address("ff02::1", AF_INET6, &e), &e, "multicast");
        assert_refused(node_check_ip_address("255.255.255.255", AF_INET, &e), &e, "broadcast");
        assert_refused(node_check_ip_address("0.1.2.3", AF_INET, &e), &e, "0.0.0.0/8");
}

static void test_ip_prefix(void **state) {
        (void)state;
        struct node_error e = { 0 };
        struct node_ip_prefix p;
        assert_int_equal(node_parse_ip_prefix("192.0.2.5/24", AF_INET, &p, &e), 0);
        assert_int_equal(p.family, AF_INET);
        assert_int_equal(p.prefix, 24);
        assert_int_equal(p.addr[3], 5);
        assert_int_equal(node_parse_ip_prefix("2001:db8::5/64", AF_UNSPEC, &p, &e), 0);
        assert_int_equal(p.family, AF_INET6);
        assert_int_equal(p.prefix, 64);
        assert_int_equal(node_parse_ip_prefix("10.0.0.1/32", AF_INET, NULL, &e), 0);
        assert_int_equal(node_parse_ip_prefix("10.0.0.0/31", AF_INET, NULL, &e), 0);
        assert_int_equal(node_parse_ip_prefix("2001:db8::/128", AF_INET6, NULL, &e), 0);

        assert_refused(node_parse_ip_prefix("192.0.2.5", AF_INET, &p, &e), &e, "no prefix length");
        assert_refused(node_parse_ip_prefix("192.0.2.5/", AF_INET, &p, &e), &e, "not a prefix length");
        assert_refused(node_parse_ip_prefix("192.0.2.5/33", AF_INET, &p, &e), &e, "from 1 to 32");
        assert_refused(node_parse_ip_prefix("192.0.2.5/0", AF_INET, &p, &e), &e, "from 1 to 32");
        assert_refused(node_parse_ip_prefix("192.0.2.5/024", AF_INET, &p, &e), &e, "not a prefix length");
        assert_refused(node_parse_ip_prefix("192.0.2.5/+24", AF_INET, &p, &e), &e, "not a prefix length");
        assert_refused(node_parse_ip_prefix("192.0.2.5/24x", AF_INET, &p, &e), &e, "not a prefix length");
        assert_refused(node_parse_ip_prefix("2001:db8::5/129", AF_INET6, &p, &e), &e, "from 1 to 128");
        assert_refused(node_parse_ip_prefix("2001:db8::5/64", AF_INET, &p, &e), &e, "not an IPv4");
        assert_refused(node_parse_ip_prefix("192.0.2.0/24", AF_INET, &p, &e), &e, "network or broadcast");
        assert_refused(node_parse_ip_prefix("192.0.2.255/24", AF_INET, &p, &e), &e, "network or broadcast");
        assert_refused(node_parse_ip_prefix("192.0.2.7/30", AF_INET, &p, &e), &e, "network or broadcast");
        assert_refused(node_parse_ip_prefix("127.0.0.2/8", AF_INET, &p, &e), &e, "loopback");
        assert_refused(node_parse_ip_prefix("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22/8", AF_INET, &p, &e),
                       &e, "not an IPv4");
}

static void test_gateway(void **state) {
        (void)state;
        struct node_error e = { 0 };
        assert_int_equal(node_check_gateway("192.0.2.1", "192.0.2.5/24", &e), 0);
        assert_int_equal(node_check_gateway("10.1.255.254", "10.1.0.9/16", &e), 0);
        assert_int_equal(node_check_gateway("2001:db8::1", "2001:db8::5/64", &e), 0);
        assert_int_equal(node_check_gateway("fe80::1", "2001:db8::5/64", &e), 0);

        assert_refused(node_check_gateway("198.51.100.1", "192.0.2.5/24", &e), &e, "outside the subnet");
        assert_refused(node_check_gateway("192.0.3.1", "192.0.2.5/24", &e), &e, "outside the subnet");
        assert_refused(node_check_gateway("192.0.2.5", "192.0.2.5/24", &e), &e, "own address");
        assert_refused(node_check_gateway("192.0.2.255", "192.0.2.5/24", &e), &e, "network or broadcast");
        assert_refused(node_check_gateway("192.0.2.0", "192.0.2.5/24", &e), &e, "network or broadcast");
        assert_refused(node_check_gateway("2001:db8::1", "192.0.2.5/24", &e), &e, "not an IPv4 address");
        assert_refused(node_check_gateway("192.0.2.1", "2001:db8::5/64", &e), &e, "not an IPv6 address");
        assert_refused(node_check_gateway("2001:db9::1", "2001:db8::5/64", &e), &e, "outside the subnet");
        assert_refused(node_check_gateway("127.0.0.1", "192.0.2.5/24", &e), &e, "Gateway: ");
        assert_refused(node_check_gateway("192.0.2.1", "192.0.2.5", &e), &e, "no prefix length");
        assert_refused(node_check_gateway("gateway", "192.0.2.5/24", &e), &e, "not an IPv4");
}

static void test_numbers(void **state) {
        (void)state;
        struct node_error e = { 0 };
        unsigned v = 0;
        assert_int_equal(node_check_vlan_id("1", &v, &e), 0);
        assert_int_equal(v, 1);
        assert_int_equal(node_check_vlan_id("4094", &v, &e), 0);
        assert_int_equal(v, 4094);
        assert_refused(node_check_vlan_id("0", &v, &e), &e, "VLAN id '0' is not a whole number from 1 to 4094.");
        assert_refused(node_check_vlan_id("4095", &v, &e), &e, "1 to 4094");
        assert_refused(node_check_vlan_id("-1", &v, &e), &e, "1 to 4094");
        assert_refused(node_check_vlan_id("10a", &v, &e), &e, "1 to 4094");
        assert_refused(node_check_vlan_id("", &v, &e), &e, "1 to 4094");
        assert_refused(node_check_vlan_id("99999999999999999999", &v, &e), &e, "1 to 4094");
        assert_refused(node_check_vlan_id("010", &v, &e), &e, "1 to 4094");
        assert_int_equal(v, 4094);

        assert_int_equal(node_check_mtu("1500", &v, &e), 0);
        assert_int_equal(v, 1500);
        assert_int_equal(node_check_mtu("9000", &v, &e), 0);
        assert_int_equal(node_check_mtu("68", &v, &e), 0);
        assert_refused(node_check_mtu("67", &v, &e), &e, "MTU '67'");
        assert_refused(node_check_mtu("65536", &v, &e), &e, "68 to 65535");
        assert_refused(node_check_number("0", "Timeout", 1, 3600, &v, &e), &e, "Timeout '0' is not");
}

static void test_hostname(void **state) {
        (void)state;
        struct node_error e = { 0 };
        static const char *const good[] = {
                "node1", "node-1.example.com", "1node", "a", "123abc.example", "Node1.Example.COM",
                "a234567890123456789012345678901234567890123456789012345678901b",
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                if (node_check_hostname(good[i], &e) != 0)
                        fail_msg("%s refused: %s", good[i], e.message);
        assert_refused(node_check_hostname("", &e), &e, "empty");
        assert_refused(node_check_hostname("-node", &e), &e, "starts with '-'");
        assert_refused(node_check_hostname("node-", &e), &e, "ends with '-'");
        assert_refused(node_check_hostname("node-.example", &e), &e, "ends with '-'");
        assert_refused(node_check_hostname("no_de", &e), &e, "only letters");
        assert_refused(node_check_hostname("no de", &e), &e, "only letters");
        assert_refused(node_check_hostname("node..example", &e), &e, "empty label");
        assert_refused(node_check_hostname(".node", &e), &e, "empty label");
        assert_refused(node_check_hostname("node.", &e), &e, "empty label");
        assert_refused(node_check_hostname("192.0.2.1", &e), &e, "IP address");
        assert_refused(node_check_hostname("nöde", &e), &e, "only letters");
        assert_refused(node_check_hostname("a23456789012345678901234567890123456789012345678901234567890123x", &e), &e,
                       "longer than 63");
        assert_refused(node_check_hostname("aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.aaaaaaaaaa.a", &e), &e,
                       "longer than 64");

        assert_int_equal(node_check_search_domain("example.com", &e), 0);
        assert_refused(node_check_search_domain("exa mple.com", &e), &e, "search domain");
        assert_refused(node_check_search_domain("", &e), &e, "empty");
}

static void test_fqdn_port(void **state) {
        (void)state;
        struct node_error e = { 0 };
        char host[256];
        unsigned port = 0;
        assert_int_equal(node_parse_fqdn_port("engine.example.com", 443, host, sizeof host, &port, &e), 0);
        assert_string_equal(host, "engine.example.com");
        assert_int_equal(port, 443);
        assert_int_equal(node_parse_fqdn_port("engine.example.com:8443", 443, host, sizeof host, &port, &e), 0);
        assert_int_equal(port, 8443);
        assert_int_equal(node_parse_fqdn_port("192.0.2.7:1", 443, host, sizeof host, &port, &e), 0);
        assert_string_equal(host, "192.0.2.7");
        assert_int_equal(port, 1);
        assert_int_equal(node_parse_fqdn_port("[2001:db8::7]:65535", 443, host, sizeof host, &port, &e), 0);
        assert_string_equal(host, "2001:db8::7");
        assert_int_equal(port, 65535);
        assert_int_equal(node_parse_fqdn_port("[2001:db8::7]", 443, host, sizeof host, &port, &e), 0);
        assert_int_equal(port, 443);

        assert_refused(node_parse_fqdn_port("engine:0", 443, host, sizeof host, &port, &e), &e, "1 to 65535");
        assert_refused(node_parse_fqdn_port("engine:65536", 443, host, sizeof host, &port, &e), &e, "1 to 65535");
        assert_refused(node_parse_fqdn_port("engine:", 443, host, sizeof host, &port, &e), &e, "1 to 65535");
        assert_refused(node_parse_fqdn_port("engine:http", 443, host, sizeof host, &port, &e), &e, "1 to 65535");
        assert_refused(node_parse_fqdn_port(":443", 443, host, sizeof host, &port, &e), &e, "empty");
        assert_refused(node_parse_fqdn_port("", 443, host, sizeof host, &port, &e), &e, "empty");
        assert_refused(node_parse_fqdn_port("2001:db8::7", 443, host, sizeof host, &port, &e), &e, "brackets");
        assert_refused(node_parse_fqdn_port("[2001:db8::7", 443, host, sizeof host, &port, &e), &e, "[IPv6-ADDRESS]");
        assert_refused(node_parse_fqdn_port("[2001:db8::7]x", 443, host, sizeof host, &port, &e), &e, "[IPv6-ADDRESS]");
        assert_refused(node_parse_fqdn_port("[engine]:443", 443, host, sizeof host, &port, &e), &e, "IPv6");
        assert_refused(node_parse_fqdn_port("eng ine:443", 443, host, sizeof host, &port, &e), &e, "host name");
        assert_refused(node_parse_fqdn_port("https://engine", 443, host, sizeof host, &port, &e), &e, "1 to 65535");
        char tiny[4];
        assert_int_equal(node_parse_fqdn_port("engine", 443, tiny, sizeof tiny, &port, &e), -ENAMETOOLONG);
}

static void test_iface_and_bond(void **state) {
        (void)state;
        struct node_error e = { 0 };
        assert_int_equal(node_check_iface_name("eth0", &e), 0);
        assert_int_equal(node_check_iface_name("bond0.100", &e), 0);
        assert_int_equal(node_check_iface_name("ovirtmgmt", &e), 0);
        assert_refused(node_check_iface_name("", &e), &e, "empty");
        assert_refused(node_check_iface_name("a23456789012345x", &e), &e, "longer than 15");
        assert_refused(node_check_iface_name("..", &e), &e, "'.' or '..'");
        assert_refused(node_check_iface_name("eth/0", &e), &e, "'/'");
        assert_refused(node_check_iface_name("eth0:1", &e), &e, "':'");
        assert_refused(node_check_iface_name("eth 0", &e), &e, "space");
        assert_refused(node_check_iface_name("eth\n0", &e), &e, "control");

        assert_int_equal(node_check_bond_mode("active-backup", &e), 0);
        assert_int_equal(node_check_bond_mode("802.3ad", &e), 0);
        assert_refused(node_check_bond_mode("lacp", &e), &e, "not a bonding mode");
        assert_refused(node_check_bond_mode("", &e), &e, "not a bonding mode");
}

static void test_long_input_is_cut_in_the_sentence(void **state) {
        (void)state;
        struct node_error e = { 0 };
        char big[2000];
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        assert_refused(node_check_hostname(big, &e), &e, "...' is not a valid host name");
        assert_true(strlen(e.message) < 200);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ip_address),
                cmocka_unit_test(test_ip_prefix),
                cmocka_unit_test(test_gateway),
                cmocka_unit_test(test_numbers),
                cmocka_unit_test(test_hostname),
                cmocka_unit_test(test_fqdn_port),
                cmocka_unit_test(test_iface_and_bond),
                cmocka_unit_test(test_long_input_is_cut_in_the_sentence),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
