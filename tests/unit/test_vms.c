/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sentence reboot, power off and upgrade dialogs show about active VMs,
 * and the list read from libvirt's test driver. */
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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sentence_none_active),
                cmocka_unit_test(test_sentence_lists_active_names),
                cmocka_unit_test(test_sentence_singular),
                cmocka_unit_test(test_sentence_shortened),
                cmocka_unit_test(test_list_from_test_driver),
                cmocka_unit_test(test_unreachable_libvirt),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
