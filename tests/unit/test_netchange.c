/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A whole network change checked before NetworkManager is asked: every field,
 * and that the fields fit together. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "network.h"
#include "testutil.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void refused(const struct node_net_change *c, const char *needle) {
        struct node_error e = { 0 };
        assert_int_equal(node_net_check_change(c, &e), -EINVAL);
        assert_int_equal(e.code, -EINVAL);
        if (!strstr(e.message, needle))
                fail_msg("'%s' not in '%s'", needle, e.message);
}

static void accepted(const struct node_net_change *c) {
        struct node_error e = { 0 };
        if (node_net_check_change(c, &e) != 0)
                fail_msg("refused: %s", e.message);
}

static void test_accepted(void **state) {
        (void)state;
        accepted(&(struct node_net_change){ .iface = "eth0" });
        accepted(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_STATIC,
                                            .addresses4 = LIST("192.0.2.5/24", "198.51.100.5/24"),
                                            .gateway4 = "198.51.100.1", .dns = LIST("192.0.2.53", "2001:db8::53"),
                                            .search = LIST("example.com"), .mtu = 9000 });
        accepted(&(struct node_net_change){ .iface = "eth0", .ipv6 = NODE_IP6_STATIC,
                                            .addresses6 = LIST("2001:db8::5/64"), .gateway6 = "fe80::1" });
        accepted(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("eth0", "eth1"),
                                            .bond_mode = "802.3ad", .miimon = 100, .vlan = 4094,
                                            .bridge = "ovirtmgmt", .ipv4 = NODE_IP4_DHCP,
                                            .rollback_timeout = 3600 });
        accepted(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_DISABLED, .ipv6 = NODE_IP6_AUTO,
                                            .dns = LIST("2001:db8::53") });
}

static void test_methods_and_addresses(void **state) {
        (void)state;
        refused(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_STATIC }, "Static IPv4 needs at least one");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv6 = NODE_IP6_STATIC, .addresses6 = LIST(NULL) },
                "Static IPv6 needs at least one");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_DHCP, .addresses4 = LIST("192.0.2.5/24") },
                "IPv4 addresses and a gateway need the static method");
        refused(&(struct node_net_change){ .iface = "eth0", .gateway4 = "192.0.2.1" }, "need the static method");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_STATIC, .addresses4 = LIST("2001:db8::5/64") },
                "not an IPv4 address");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_STATIC,
                                           .addresses4 = LIST("192.0.2.5/24", "198.51.100.5/24"),
                                           .gateway4 = "203.0.113.1" },
                "outside the subnet of 198.51.100.5/24");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv6 = NODE_IP6_STATIC, .addresses6 = LIST("2001:db8::5/64"),
                                           .gateway6 = "2001:db9::1" },
                "outside the subnet");
}

static void test_dns_and_mtu(void **state) {
        (void)state;
        refused(&(struct node_net_change){ .iface = "eth0", .dns = LIST("ns1.example.com") },
                "DNS server: 'ns1.example.com' is not an IP address.");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv4 = NODE_IP4_DISABLED, .dns = LIST("192.0.2.53") },
                "The DNS server 192.0.2.53 is an IPv4 address, but IPv4 is off.");
        refused(&(struct node_net_change){ .iface = "eth0", .ipv6 = NODE_IP6_IGNORE, .dns = LIST("2001:db8::53") },
                "but IPv6 is off");
        refused(&(struct node_net_change){ .iface = "eth0", .search = LIST("a..b") }, "not a valid search domain");
        refused(&(struct node_net_change){ .iface = "eth0", .mtu = 67 }, "MTU 67 is not from 68 to 65535.");
        refused(&(struct node_net_change){ .iface = "eth0", .mtu = 1000, .ipv6 = NODE_IP6_AUTO },
                "too small for IPv6, which needs at least 1280");
        accepted(&(struct node_net_change){ .iface = "eth0", .mtu = 1000, .ipv6 = NODE_IP6_IGNORE });
}

static void test_stack(void **state) {
        (void)state;
        refused(&(struct node_net_change){ 0 }, "No interface given.");
        refused(&(struct node_net_change){ .iface = "eth 0" }, "not a valid interface name");
        refused(&(struct node_net_change){ .iface = "eth0", .vlan = 4095 }, "VLAN id 4095 is not from 1 to 4094.");
        refused(&(struct node_net_change){ .iface = "enp0s31f6long", .vlan = 100 },
                "The VLAN interface name enp0s31f6long.100 would be longer than 15 characters.");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("eth0", "eth1", "eth0") },
                "eth0 is given twice as a bond port.");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("bond0") }, "cannot be its own port");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST(NULL) }, "A bond needs at least one port.");
        refused(&(struct node_net_change){ .iface = "eth0", .bond_mode = "active-backup" },
                "A bond mode or miimon needs bond ports.");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("eth0"), .bond_mode = "lacp" },
                "not a bonding mode");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("eth0"), .miimon = 60001 },
                "more than a minute");
        refused(&(struct node_net_change){ .iface = "eth0", .bridge = "eth0" }, "cannot be a port of itself");
        refused(&(struct node_net_change){ .iface = "eth0", .vlan = 5, .bridge = "eth0.5" }, "cannot be a port of itself");
        refused(&(struct node_net_change){ .iface = "bond0", .bond_ports = LIST("eth0", "br0"), .bridge = "br0" },
                "cannot be a bond port");
        refused(&(struct node_net_change){ .iface = "eth0", .rollback_timeout = 3601 }, "more than 3600 s");
}

static void test_vlan_name(void **state) {
        (void)state;
        char name[32];
        struct node_error e = { 0 };
        assert_int_equal(node_net_vlan_name("bond0", 20, name, sizeof name, &e), 0);
        assert_string_equal(name, "bond0.20");
        assert_int_equal(node_net_vlan_name("eth0123456", 4094, name, sizeof name, &e), 0);
        assert_string_equal(name, "eth0123456.4094");
        assert_int_equal(node_net_vlan_name("eth01234567", 4094, name, sizeof name, &e), -EINVAL);
        char tiny[4];
        assert_int_equal(node_net_vlan_name("eth0", 1, tiny, sizeof tiny, &e), -EINVAL);
}

/* network_confirm_timeout in nodecon.conf: the default without it, a value
 * from 1 to 3600, one sentence naming the line for anything else. */
static void test_confirm_timeout(void **state) {
        const char *dir = *state;
        struct node_context ctx = { .root = dir };
        struct node_error e = { 0 };
        unsigned seconds = 0;
        assert_int_equal(node_net_confirm_timeout(&ctx, &seconds, &e), 0);
        assert_int_equal(seconds, NODE_NET_ROLLBACK_DEFAULT);
        static const struct { const char *text; int r; unsigned seconds; } cases[] = {
                { "network_confirm_timeout = 5\n", 0, 5 },
                { "keep_images = 3\n# network_confirm_timeout = 9\n", 0, NODE_NET_ROLLBACK_DEFAULT },
                { "network_confirm_timeout=3600\n", 0, 3600 },
                { "network_confirm_timeout = 0\n", -EINVAL, 0 },
                { "network_confirm_timeout = 3601\n", -EINVAL, 0 },
                { "network_confirm_timeout = 5s\n", -EINVAL, 0 },
                { "network_confirm_timeout =\n", -EINVAL, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                write_test_file(dir, "/etc/nodecon/nodecon.conf", cases[i].text, strlen(cases[i].text));
                node_error_clear(&e);
                assert_int_equal(node_net_confirm_timeout(&ctx, &seconds, &e), cases[i].r);
                if (cases[i].r == 0)
                        assert_int_equal(seconds, cases[i].seconds);
                else if (!strstr(e.message, "line ") || !strstr(e.message, "network_confirm_timeout"))
                        fail_msg("no line or key in '%s'", e.message);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_accepted),
                cmocka_unit_test(test_methods_and_addresses),
                cmocka_unit_test(test_dns_and_mtu),
                cmocka_unit_test(test_stack),
                cmocka_unit_test(test_vlan_name),
                cmocka_unit_test_setup_teardown(test_confirm_timeout, make_temp_dir, remove_temp_dir),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
