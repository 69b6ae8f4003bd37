/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sentence reboot, power off and upgrade dialogs show about active VMs,
 * the list read from libvirt's test driver, and the same list as nodecon gets
 * it from a child `nodectl --json vms`. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vms.h"

static struct node_vm vm(const char *name, bool active) {
        return (struct node_vm){ .name = (char *)name, .active = active,
                                 .state = active ? NODE_VM_RUNNING : NODE_VM_SHUTOFF };
}

static void test_sentence_none_active(void **state) {
        (void)state;
        struct node_vm vms[] = { vm("off1", false) };
        struct node_vm_list l = { .vms = vms, .n_vms = 1, .n_active = 0 };
        char buf[128] = "garbage";
        node_vm_list_running_sentence(&l, buf, sizeof buf);
        assert_string_equal(buf, "");
}

static void test_sentence_lists_active_names(void **state) {
        (void)state;
        struct node_vm vms[] = { vm("db1", true), vm("web1", true), vm("web2", true), vm("off", false) };
        struct node_vm_list l = { .vms = vms, .n_vms = 4, .n_active = 3 };
        char buf[128];
        node_vm_list_running_sentence(&l, buf, sizeof buf);
        assert_string_equal(buf, "3 virtual machines are active: db1, web1, web2.");
}

static void test_sentence_singular(void **state) {
        (void)state;
        struct node_vm vms[] = { vm("only", true) };
        struct node_vm_list l = { .vms = vms, .n_vms = 1, .n_active = 1 };
        char buf[64];
        node_vm_list_running_sentence(&l, buf, sizeof buf);
        assert_string_equal(buf, "1 virtual machine is active: only.");
}

/* A dialog line has a fixed width: names that do not fit end in ", ...". */
static void test_sentence_shortened(void **state) {
        (void)state;
        struct node_vm vms[] = { vm("alpha", true), vm("bravo", true), vm("charlie", true), vm("delta", true) };
        struct node_vm_list l = { .vms = vms, .n_vms = 4, .n_active = 4 };
        for (size_t size = 1; size <= 80; size++) {
                char buf[80];
                memset(buf, 'X', sizeof buf);
                node_vm_list_running_sentence(&l, buf, size);
                assert_true(strlen(buf) < size);
                /* whatever fits is a whole sentence: the full list, a shortened one, or the count */
                if (size > strlen("4 virtual machines are active."))
                        assert_true(strcmp(buf, "4 virtual machines are active: alpha, bravo, charlie, delta.") == 0 ||
                                    strstr(buf, ", ...") || strstr(buf, ": ...") ||
                                    strcmp(buf, "4 virtual machines are active.") == 0);
                if (size > strlen("4 virtual machines are active: alpha, bravo, charlie, delta."))
                        assert_string_equal(buf, "4 virtual machines are active: alpha, bravo, charlie, delta.");
        }
        char buf[48];
        node_vm_list_running_sentence(&l, buf, sizeof buf);
        assert_string_equal(buf, "4 virtual machines are active: alpha, ...");
}

static void test_list_from_test_driver(void **state) {
        (void)state;
        struct node_context ctx = { .libvirt_uri = "test:///default" };
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_list(&ctx, &l, &e), 0);
        assert_int_equal(l.n_vms, 1);
        assert_int_equal(l.n_active, 1);
        assert_string_equal(l.vms[0].name, "test");
        assert_int_equal(l.vms[0].state, NODE_VM_RUNNING);
        assert_true(l.vms[0].vcpus > 0);
        assert_int_equal(strlen(l.vms[0].uuid), 36);
        node_vm_list_free(&l);
        assert_null(l.vms);
}

static void test_unreachable_libvirt(void **state) {
        (void)state;
        struct node_context ctx = { .libvirt_uri = "qemu:///system?socket=/nonexistent/libvirt-sock" };
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_list(&ctx, &l, &e), -ENOTCONN);
        assert_non_null(strstr(e.message, "libvirt"));
        assert_int_equal(l.n_vms, 0);
        assert_null(l.vms);
}

/* What nodectl --json vms prints (tools/nodectl-vms.c), in libvirt's order. */
static const char nodectl_json[] =
        "{ \"vms\": [ { \"name\": \"web2\", \"uuid\": \"6695eb01-f6a4-8304-79aa-97f2502e193f\", "
        "\"state\": \"paused\", \"active\": true, \"persistent\": true, \"vcpus\": 2, \"memory\": 2147483648 }, "
        "{ \"name\": \"archive\", \"uuid\": null, \"state\": \"shutoff\", \"active\": false, "
        "\"persistent\": true, \"vcpus\": 1, \"memory\": 1073741824 }, "
        "{ \"name\": \"db1\", \"uuid\": \"\", \"state\": \"running\", \"active\": true, "
        "\"persistent\": false, \"vcpus\": 4, \"memory\": 4294967296 } ], \"active\": 2 }\n";

static void test_parse_nodectl_json(void **state) {
        (void)state;
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_parse_json(nodectl_json, strlen(nodectl_json), &l, &e), 0);
        assert_int_equal(l.n_vms, 3);
        assert_int_equal(l.n_active, 2);
        /* active first, then by name, as node_vms_list sorts them */
        assert_string_equal(l.vms[0].name, "db1");
        assert_int_equal(l.vms[0].state, NODE_VM_RUNNING);
        assert_int_equal(l.vms[0].vcpus, 4);
        assert_true(l.vms[0].memory_bytes == 4294967296ULL);
        assert_false(l.vms[0].persistent);
        assert_string_equal(l.vms[1].name, "web2");
        assert_int_equal(l.vms[1].state, NODE_VM_PAUSED);
        assert_true(l.vms[1].active);
        assert_string_equal(l.vms[1].uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
        assert_string_equal(l.vms[2].name, "archive");
        assert_false(l.vms[2].active);
        assert_string_equal(l.vms[2].uuid, "");
        char buf[128];
        node_vm_list_running_sentence(&l, buf, sizeof buf);
        assert_string_equal(buf, "2 virtual machines are active: db1, web2.");
        node_vm_list_free(&l);
}

static void test_parse_refuses_garbage(void **state) {
        (void)state;
        static const char *const bad[] = {
                "", "{", "[]", "null", "{\"vms\": 3}", "{\"vms\": [ {\"name\": 1, \"state\": \"running\"} ]}",
                "{\"vms\": [ {\"name\": \"a\"} ]}", "{\"vms\": [ 7 ]}", "{\"vms\": []} trailing",
                "{\"vms\": [ {\"name\": \"a\", \"state\": \"running\"}, {} ]}",
        };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                struct node_error e = {0};
                struct node_vm_list l = { .n_vms = 99 };
                assert_int_equal(node_vms_parse_json(bad[i], strlen(bad[i]), &l, &e), -EBADMSG);
                assert_non_null(strstr(e.message, "nodectl vms"));
                assert_int_equal(l.n_vms, 0);
                assert_null(l.vms);
        }
        /* an unknown state word is a VM in no known state, not an error */
        const char *odd = "{\"vms\": [ {\"name\": \"x\", \"state\": \"new-state\"} ]}";
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_parse_json(odd, strlen(odd), &l, &e), 0);
        assert_int_equal(l.vms[0].state, NODE_VM_NOSTATE);
        assert_int_equal(l.n_active, 0);
        node_vm_list_free(&l);
}

static void test_nodectl_missing(void **state) {
        (void)state;
        struct node_context ctx = { .nodectl = "/nonexistent/nodectl" };
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_list_by_nodectl(&ctx, &l, &e), -ENOENT);
        assert_non_null(strstr(e.message, "nodecon asks nodectl, which cannot be run"));
        assert_non_null(strstr(e.message, "/nonexistent/nodectl"));
        assert_null(l.vms);
}

static void test_nodectl_failing(void **state) {
        (void)state;
        /* exits 1 without a word: still a sentence, and libvirt counts as unreachable */
        struct node_context ctx = { .nodectl = "/bin/false" };
        struct node_error e = {0};
        struct node_vm_list l;
        assert_int_equal(node_vms_list_by_nodectl(&ctx, &l, &e), -ENOTCONN);
        assert_string_equal(e.message, "nodectl vms failed.");
        assert_null(l.vms);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sentence_none_active),
                cmocka_unit_test(test_sentence_lists_active_names),
                cmocka_unit_test(test_sentence_singular),
                cmocka_unit_test(test_sentence_shortened),
                cmocka_unit_test(test_list_from_test_driver),
                cmocka_unit_test(test_unreachable_libvirt),
                cmocka_unit_test(test_parse_nodectl_json),
                cmocka_unit_test(test_parse_refuses_garbage),
                cmocka_unit_test(test_nodectl_missing),
                cmocka_unit_test(test_nodectl_failing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
