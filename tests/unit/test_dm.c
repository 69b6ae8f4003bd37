/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dm.h"
#include "util.h"
#include "testutil.h"


/* The `dmsetup status` lines of the real guest: two thin pools, one of them
 * out of data space, and every other target type around them. */
static void real_dmsetup_lines(void **state) {
        (void)state;
        FILE *f = open_fixture("dmsetup-status.txt");
        char line[512];
        unsigned pools = 0, others = 0;
        while (fgets(line, sizeof line, f)) {
                struct node_thin_pool_status st;
                struct node_error e = { 0 };
                int r = node_dm_parse_thin_pool_status(line, &st, &e);
                if (!strstr(line, " thin-pool ")) {
                        assert_int_equal(r, -EBADMSG);
                        assert_non_null(strstr(e.message, "thin pool status"));
                        others++;
                        continue;
                }
                assert_int_equal(r, 0);
                pools++;
                if (startswith(line, "onn-pool00-tpool:")) {
                        assert_int_equal(st.transaction_id, 8);
                        assert_int_equal(st.used_metadata_blocks, 445);
                        assert_int_equal(st.total_metadata_blocks, 4096);
                        assert_int_equal(st.used_data_blocks, 3678);
                        assert_int_equal(st.total_data_blocks, 24576);
                        /* lvs printed 14.97 and 10.86 for the same pool */
                        assert_float_equal(st.data_percent, 14.9658203125, 1e-9);
                        assert_float_equal(st.metadata_percent, 10.8642578125, 1e-9);
                        assert_false(st.out_of_data_space);
                        assert_false(st.read_only);
                        assert_false(st.needs_check);
                        assert_false(st.failed);
                } else {
                        assert_true(startswith(line, "fullvg-pool-tpool:"));
                        assert_int_equal(st.used_data_blocks, 512);
                        assert_int_equal(st.total_data_blocks, 512);
                        assert_float_equal(st.data_percent, 100.0, 1e-9);
                        assert_float_equal(st.metadata_percent, 100.0 * 115 / 1024, 1e-9);
                        assert_true(st.out_of_data_space);
                        assert_false(st.read_only);
                }
        }
        fclose(f);
        assert_int_equal(pools, 2);
        assert_int_equal(others, 12);
}

static void status_forms(void **state) {
        (void)state;
        struct node_thin_pool_status st;
        /* what libdevmapper hands over: the parameters alone */
        assert_int_equal(node_dm_parse_thin_pool_status(
                                 "0 10/100 25/50 - rw no_discard_passdown queue_if_no_space - 1024", &st, NULL),
                         0);
        assert_float_equal(st.data_percent, 50.0, 1e-9);
        assert_float_equal(st.metadata_percent, 10.0, 1e-9);
        /* start, length and target type without the name */
        assert_int_equal(node_dm_parse_thin_pool_status("0 65536 thin-pool 3 1/8 0/16 7 ro discard_passdown "
                                                        "error_if_no_space needs_check 256\n",
                                                        &st, NULL),
                         0);
        assert_int_equal(st.transaction_id, 3);
        assert_true(st.read_only);
        assert_true(st.needs_check);
        assert_float_equal(st.data_percent, 0.0, 1e-9);
        /* older kernels stop after the mode */
        assert_int_equal(node_dm_parse_thin_pool_status("1 2/4 3/4 - rw", &st, NULL), 0);
        assert_float_equal(st.data_percent, 75.0, 1e-9);
        /* a failed pool has no figures */
        assert_int_equal(node_dm_parse_thin_pool_status("Fail", &st, NULL), 0);
        assert_true(st.failed);
        assert_true(st.data_percent < 0);
        assert_int_equal(node_dm_parse_thin_pool_status("x-tpool: 0 8 thin-pool Fail", &st, NULL), 0);
        assert_true(st.failed);
        /* the largest counts still parse */
        assert_int_equal(node_dm_parse_thin_pool_status(
                                 "18446744073709551615 1/18446744073709551615 18446744073709551615/18446744073709551615 - rw",
                                 &st, NULL),
                         0);
        assert_int_equal(st.transaction_id, UINT64_MAX);
        assert_float_equal(st.data_percent, 100.0, 1e-9);
}

static void malformed_status(void **state) {
        (void)state;
        static const char *const inputs[] = {
                "", " ", "\n", "Fail extra", "fail", "0", "0 1/2", "0 1/2 3/4", "0 1/2 3/4 -",
                "0 1/2 3/4 - maybe", "x 1/2 3/4 - rw", "0 1/2 3/4 x rw", "0 1-2 3/4 - rw", "0 1/2 3 - rw",
                "0 /2 3/4 - rw", "0 1/ 3/4 - rw", "0 1/0 3/4 - rw", "0 1/2 3/0 - rw", "0 3/2 3/4 - rw",
                "0 1/2 5/4 - rw", "0 1/2 -3/4 - rw", "-1 1/2 3/4 - rw", "0 1/2 3/4/5 - rw",
                "18446744073709551616 1/2 3/4 - rw", "0 1/2 3/99999999999999999999999 - rw",
                "x 0 8 thin-pool 0 1/2 3/4 - rw", "0 8 thin 0 1/2 3/4 - rw", "0 x thin-pool 0 1/2 3/4 - rw",
                "a: b: 0 1/2 3/4 - rw", "0 1/2 3/4 - rw a b c d e f g h i j k l m n o p q",
                "0 65536 linear ", "onn-var: 0 2097152 thin 67584 2097151",
        };
        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                struct node_thin_pool_status st;
                struct node_error e = { 0 };
                int r = node_dm_parse_thin_pool_status(inputs[i], &st, &e);
                if (r != -EBADMSG)
                        print_error("accepted \"%s\"\n", inputs[i]);
                assert_int_equal(r, -EBADMSG);
                assert_int_equal(e.code, -EBADMSG);
        }
        /* longer than any real status */
        char huge[2048];
        memset(huge, '1', sizeof huge - 1);
        huge[sizeof huge - 1] = '\0';
        struct node_thin_pool_status st;
        assert_int_equal(node_dm_parse_thin_pool_status(huge, &st, NULL), -EBADMSG);
}

static void dm_names(void **state) {
        (void)state;
        char name[256];
        struct node_error e = { 0 };
        assert_int_equal(node_dm_name("onn", "pool00", "tpool", name, sizeof name, &e), 0);
        assert_string_equal(name, "onn-pool00-tpool");
        assert_int_equal(node_dm_name("onn", "ovirt-node-ng-4.4.10-0.20220303.0+2", NULL, name, sizeof name, &e), 0);
        /* as the kernel named it in the guest */
        assert_string_equal(name, "onn-ovirt--node--ng--4.4.10--0.20220303.0+2");
        assert_int_equal(node_dm_name("my-vg", "my-pool", "tpool", name, sizeof name, &e), 0);
        assert_string_equal(name, "my--vg-my--pool-tpool");
        assert_int_equal(node_dm_name("-", "-", NULL, name, sizeof name, &e), 0);
        assert_string_equal(name, "-----");

        char small[9];
        assert_int_equal(node_dm_name("onn", "pool", NULL, small, sizeof small, &e), 0);
        assert_string_equal(small, "onn-pool");
        assert_int_equal(node_dm_name("onn", "pool0", NULL, small, sizeof small, &e), -ENAMETOOLONG);
        assert_int_equal(node_dm_name("o-n", "pool", NULL, small, sizeof small, &e), -ENAMETOOLONG);
        assert_int_equal(node_dm_name("a", "b", NULL, small, 0, &e), -ENAMETOOLONG);
}

/* This host has no device-mapper: the call fails cleanly and prints nothing. */
static void no_device_mapper_here(void **state) {
        (void)state;
        if (access("/sys/class/misc/device-mapper", F_OK) == 0)
                skip();
        struct node_thin_pool_status st;
        struct node_error e = { 0 };
        fflush(stderr);
        int r = node_dm_thin_pool_status("onn", "pool00", &st, &e);
        assert_int_equal(r, -ENODEV);
        assert_int_equal(e.code, -ENODEV);
        assert_non_null(strstr(e.message, "device-mapper"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(real_dmsetup_lines),
                cmocka_unit_test(status_forms),
                cmocka_unit_test(malformed_status),
                cmocka_unit_test(dm_names),
                cmocka_unit_test(no_device_mapper_here),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
