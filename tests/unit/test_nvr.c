/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nvr.h"

struct vercmp_case {
        const char *a, *b;
        int expected;
};

/* Every case of rpm's own test suite, tests/rpmvercmp.at (rpm 4.18+, with the
 * caret cases), in its order. */
static const struct vercmp_case rpm_vectors[] = {
        { "1.0", "1.0", 0 },
        { "1.0", "2.0", -1 },
        { "2.0", "1.0", 1 },
        { "2.0.1", "2.0.1", 0 },
        { "2.0", "2.0.1", -1 },
        { "2.0.1", "2.0", 1 },
        { "2.0.1a", "2.0.1a", 0 },
        { "2.0.1a", "2.0.1", 1 },
        { "2.0.1", "2.0.1a", -1 },
        { "5.5p1", "5.5p1", 0 },
        { "5.5p1", "5.5p2", -1 },
        { "5.5p2", "5.5p1", 1 },
        { "5.5p10", "5.5p10", 0 },
        { "5.5p1", "5.5p10", -1 },
        { "5.5p10", "5.5p1", 1 },
        { "10xyz", "10.1xyz", -1 },
        { "10.1xyz", "10xyz", 1 },
        { "xyz10", "xyz10", 0 },
        { "xyz10", "xyz10.1", -1 },
        { "xyz10.1", "xyz10", 1 },
        { "xyz.4", "xyz.4", 0 },
        { "xyz.4", "8", -1 },
        { "8", "xyz.4", 1 },
        { "xyz.4", "2", -1 },
        { "2", "xyz.4", 1 },
        { "5.5p2", "5.6p1", -1 },
        { "5.6p1", "5.5p2", 1 },
        { "5.6p1", "6.5p1", -1 },
        { "6.5p1", "5.6p1", 1 },
        { "6.0.rc1", "6.0", 1 },
        { "6.0", "6.0.rc1", -1 },
        { "10b2", "10a1", 1 },
        { "10a2", "10b2", -1 },
        { "1.0aa", "1.0aa", 0 },
        { "1.0a", "1.0aa", -1 },
        { "1.0aa", "1.0a", 1 },
        { "10.0001", "10.0001", 0 },
        { "10.0001", "10.1", 0 },
        { "10.1", "10.0001", 0 },
        { "10.0001", "10.0039", -1 },
        { "10.0039", "10.0001", 1 },
        { "4.999.9", "5.0", -1 },
        { "5.0", "4.999.9", 1 },
        { "20101121", "20101121", 0 },
        { "20101121", "20101122", -1 },
        { "20101122", "20101121", 1 },
        { "2_0", "2_0", 0 },
        { "2.0", "2_0", 0 },
        { "2_0", "2.0", 0 },
        /* RhBug:178798 */
        { "a", "a", 0 },
        { "a+", "a+", 0 },
        { "a+", "a_", 0 },
        { "a_", "a+", 0 },
        { "+a", "+a", 0 },
        { "+a", "_a", 0 },
        { "_a", "+a", 0 },
        { "+_", "+_", 0 },
        { "_+", "+_", 0 },
        { "_+", "_+", 0 },
        { "+", "_", 0 },
        { "_", "+", 0 },
        /* tilde */
        { "1.0~rc1", "1.0~rc1", 0 },
        { "1.0~rc1", "1.0", -1 },
        { "1.0", "1.0~rc1", 1 },
        { "1.0~rc1", "1.0~rc2", -1 },
        { "1.0~rc2", "1.0~rc1", 1 },
        { "1.0~rc1~git123", "1.0~rc1~git123", 0 },
        { "1.0~rc1~git123", "1.0~rc1", -1 },
        { "1.0~rc1", "1.0~rc1~git123", 1 },
        /* caret */
        { "1.0^", "1.0^", 0 },
        { "1.0^", "1.0", 1 },
        { "1.0", "1.0^", -1 },
        { "1.0^git1", "1.0^git1", 0 },
        { "1.0^git1", "1.0", 1 },
        { "1.0", "1.0^git1", -1 },
        { "1.0^git1", "1.0^git2", -1 },
        { "1.0^git2", "1.0^git1", 1 },
        { "1.0^git1", "1.01", -1 },
        { "1.01", "1.0^git1", 1 },
        { "1.0^20160101", "1.0^20160101", 0 },
        { "1.0^20160101", "1.0.1", -1 },
        { "1.0.1", "1.0^20160101", 1 },
        { "1.0^20160101^git1", "1.0^20160101^git1", 0 },
        { "1.0^20160102", "1.0^20160101^git1", 1 },
        { "1.0^20160101^git1", "1.0^20160102", -1 },
        /* tilde and caret */
        { "1.0~rc1^git1", "1.0~rc1^git1", 0 },
        { "1.0~rc1^git1", "1.0~rc1", 1 },
        { "1.0~rc1", "1.0~rc1^git1", -1 },
        { "1.0^git1~pre", "1.0^git1~pre", 0 },
        { "1.0^git1", "1.0^git1~pre", 1 },
        { "1.0^git1~pre", "1.0^git1", -1 },
        /* rpm documents these "arguably buggy" results (commented out in its
         * suite); an exact reimplementation reproduces them. */
        { "1b.fc17", "1b.fc17", 0 },
        { "1b.fc17", "1.fc17", -1 },
        { "1.fc17", "1b.fc17", 1 },
        { "1g.fc17", "1g.fc17", 0 },
        { "1g.fc17", "1.fc17", 1 },
        { "1.fc17", "1g.fc17", -1 },
        { "1.1.\xce\xb1", "1.1.\xce\xb1", 0 },
        { "1.1.\xce\xb1", "1.1.\xce\xb2", 0 },
        { "1.1.\xce\xb2", "1.1.\xce\xb1", 0 },
        { "1.1.\xce\xb1\xce\xb1", "1.1.\xce\xb1", 0 },
        { "1.1.\xce\xb1", "1.1.\xce\xb2\xce\xb2", 0 },
        { "1.1.\xce\xb2\xce\xb2", "1.1.\xce\xb1\xce\xb1", 0 },
};

static void test_rpm_vectors(void **state) {
        (void)state;
        unsigned failures = 0;
        for (size_t i = 0; i < sizeof rpm_vectors / sizeof rpm_vectors[0]; i++) {
                const struct vercmp_case *c = &rpm_vectors[i];
                int got = node_rpmvercmp(c->a, c->b);
                if (got != c->expected) {
                        print_error("rpmvercmp(%s, %s) = %d, expected %d\n", c->a, c->b, got, c->expected);
                        failures++;
                }
        }
        assert_int_equal(failures, 0);
        assert_int_equal(sizeof rpm_vectors / sizeof rpm_vectors[0], 103);
}

static void test_rpmvercmp_extra(void **state) {
        (void)state;
        /* node versions the way they actually differ */
        assert_int_equal(node_rpmvercmp("4.4.10", "4.4.9"), 1);
        assert_int_equal(node_rpmvercmp("0.20220303.0", "0.20211026.0"), 1);
        assert_int_equal(node_rpmvercmp("", ""), 0);
        assert_int_equal(node_rpmvercmp("", "1"), -1);
        assert_int_equal(node_rpmvercmp("1", ""), 1);
        assert_int_equal(node_rpmvercmp("~", ""), -1);
        assert_int_equal(node_rpmvercmp("^", ""), 1);
        assert_int_equal(node_rpmvercmp("1.0", "1.0."), 0);
        assert_int_equal(node_rpmvercmp("000", "0"), 0);
        assert_int_equal(node_rpmvercmp("99999999999999999999999", "99999999999999999999998"), 1);
        assert_int_equal(node_rpmvercmp("a", "B"), 1);   /* byte order: 'B' < 'a' */
}

static void test_nvr_parse(void **state) {
        (void)state;
        struct node_nvr n;
        struct node_error e = { 0 };
        assert_int_equal(node_nvr_parse("ovirt-node-ng-4.4.10-0.20220303.0", &n, &e), 0);
        assert_string_equal(n.name, "ovirt-node-ng");
        assert_string_equal(n.version, "4.4.10");
        assert_string_equal(n.release, "0.20220303.0");

        assert_int_equal(node_nvr_parse("a-1-2", &n, &e), 0);
        assert_string_equal(n.name, "a");
        assert_string_equal(n.version, "1");
        assert_string_equal(n.release, "2");

        const char *bad[] = { "", "a", "a-1", "-1-2", "a--2", "a-1-", "a-1--", "--", "---" };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                node_error_clear(&e);
                assert_int_equal(node_nvr_parse(bad[i], &n, &e), -EINVAL);
                assert_int_equal(e.code, -EINVAL);
                assert_true(strlen(e.message) > 0);
        }

        char longname[200];
        memset(longname, 'x', sizeof longname);
        memcpy(longname + 150, "-1-2", 5);
        assert_int_equal(node_nvr_parse(longname, &n, NULL), -EINVAL);
}

static void test_nvr_compare(void **state) {
        (void)state;
        assert_true(node_nvr_compare("ovirt-node-ng-4.4.10-0.20220303.0", "ovirt-node-ng-4.4.9-0.20211026.0") > 0);
        assert_true(node_nvr_compare("ovirt-node-ng-4.4.9-0.20211026.0", "ovirt-node-ng-4.4.10-0.20220303.0") < 0);
        assert_int_equal(node_nvr_compare("ovirt-node-ng-4.4.10-1", "ovirt-node-ng-4.4.10-1"), 0);
        /* release decides when versions are equal */
        assert_true(node_nvr_compare("x-4.4.10-0.20220304.0", "x-4.4.10-0.20220303.0") > 0);
        assert_true(node_nvr_compare("x-4.4.10-2", "x-4.4.10-10") < 0);
        /* version beats release */
        assert_true(node_nvr_compare("x-4.5-1", "x-4.4-99") > 0);
        /* the name only breaks ties */
        assert_true(node_nvr_compare("a-1-1", "b-1-1") < 0);
        assert_true(node_nvr_compare("b-1-1", "a-1-1") > 0);
        assert_true(node_nvr_compare("zzz-1-1", "aaa-2-1") < 0);
        /* dashes in the name do not shift the split */
        assert_true(node_nvr_compare("rhvh-4.4.10.2-0.20220303.0", "rhvh-4.4.10.1-0.20220303.0") > 0);
        /* text that is not an NVR sorts first and in rpm order among itself */
        assert_true(node_nvr_compare("garbage", "a-1-1") < 0);
        assert_true(node_nvr_compare("a-1-1", "garbage") > 0);
        assert_true(node_nvr_compare("junk2", "junk10") < 0);
        assert_int_equal(node_nvr_compare("junk", "junk"), 0);
}

static void test_lv_name_valid(void **state) {
        (void)state;
        assert_true(node_lv_name_valid("ovirt-node-ng-4.4.10-0.20220303.0+1"));
        assert_true(node_lv_name_valid("a"));
        assert_true(node_lv_name_valid("A_b.c+d-e"));
        assert_true(node_lv_name_valid("var_log"));
        assert_false(node_lv_name_valid(""));
        assert_false(node_lv_name_valid("-a"));
        assert_false(node_lv_name_valid("."));
        assert_false(node_lv_name_valid(".."));
        assert_false(node_lv_name_valid("a b"));
        assert_false(node_lv_name_valid("a/b"));
        assert_false(node_lv_name_valid("a:b"));
        assert_false(node_lv_name_valid("a\xc3\xa9"));
        assert_false(node_lv_name_valid("snapshot1"));
        assert_false(node_lv_name_valid("pvmove0"));
        assert_false(node_lv_name_valid("pool_tdata"));
        assert_false(node_lv_name_valid("pool_tmeta"));
        assert_false(node_lv_name_valid("x_rimage_0"));

        char name[130];
        memset(name, 'a', sizeof name);
        name[127] = '\0';
        assert_true(node_lv_name_valid(name));
        name[127] = 'a';
        name[128] = '\0';
        assert_false(node_lv_name_valid(name));
}

static void test_nvr_check_lv_name(void **state) {
        (void)state;
        struct node_error e = { 0 };
        assert_int_equal(node_nvr_check_lv_name("ovirt-node-ng-4.4.10-0.20220303.0", &e), 0);
        assert_int_equal(node_nvr_check_lv_name("ovirt node-4.4-1", &e), -EINVAL);
        assert_non_null(strstr(e.message, "ovirt node-4.4-1"));
        assert_int_equal(node_nvr_check_lv_name("ovirt-node", &e), -EINVAL);
        assert_int_equal(node_nvr_check_lv_name("-node-4.4-1", &e), -EINVAL);
        assert_int_equal(node_nvr_check_lv_name("node-4.4~rc1-1", &e), -EINVAL);

        /* 116 characters leave room for "+4294967295", 117 do not */
        char nvr[200];
        memset(nvr, 'n', sizeof nvr);
        memcpy(nvr + 112, "-1-2", 5);
        assert_int_equal(strlen(nvr), 116);
        assert_int_equal(node_nvr_check_lv_name(nvr, &e), 0);
        memset(nvr, 'n', sizeof nvr);
        memcpy(nvr + 113, "-1-2", 5);
        assert_int_equal(node_nvr_check_lv_name(nvr, &e), -EINVAL);
}

static void test_layer_name_parse(void **state) {
        (void)state;
        char nvr[128];
        unsigned number = 0;
        struct node_error e = { 0 };

        assert_int_equal(node_layer_name_parse("ovirt-node-ng-4.4.10-0.20220303.0+1", nvr, sizeof nvr, &number, &e), 0);
        assert_string_equal(nvr, "ovirt-node-ng-4.4.10-0.20220303.0");
        assert_int_equal(number, 1);

        assert_int_equal(node_layer_name_parse("a-1-2+42", nvr, sizeof nvr, &number, &e), 0);
        assert_string_equal(nvr, "a-1-2");
        assert_int_equal(number, 42);

        /* a '+' inside the version is fine: only the last one counts */
        assert_int_equal(node_layer_name_parse("a-1.0+git5-2+3", nvr, sizeof nvr, &number, &e), 0);
        assert_string_equal(nvr, "a-1.0+git5-2");
        assert_int_equal(number, 3);

        assert_int_equal(node_layer_name_parse("a-1-2+4294967295", NULL, 0, &number, &e), 0);
        assert_int_equal(number, UINT_MAX);

        const char *bad[] = {
                "a-1-2", "a-1-2+", "a-1-2+0", "a-1-2+01", "a-1-2+1a", "a-1-2+-1", "a-1-2+ 1", "a-1-2+1 ",
                "a-1-2+4294967296", "a-1-2+99999999999999999999999", "+1", "a-1+1", "a 1-2+1",
                "-a-1-2+1", "", "+", "a-1-2+1\n", "a-1-2+1.5", "a-1-2+0x1",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                node_error_clear(&e);
                number = 77;
                int r = node_layer_name_parse(bad[i], nvr, sizeof nvr, &number, &e);
                if (r != -EINVAL)
                        print_error("accepted layer name \"%s\"\n", bad[i]);
                assert_int_equal(r, -EINVAL);
                assert_int_equal(number, 77);
                assert_true(strlen(e.message) > 0);
        }

        /* nvr buffer too small */
        char tiny[4];
        assert_int_equal(node_layer_name_parse("a-1-2+1", tiny, sizeof tiny, &number, &e), -ENAMETOOLONG);
}

static void test_layer_name_format(void **state) {
        (void)state;
        char buf[128];
        struct node_error e = { 0 };
        assert_int_equal(node_layer_name_format(buf, sizeof buf, "ovirt-node-ng-4.4.10-0.20220303.0", 2, &e), 0);
        assert_string_equal(buf, "ovirt-node-ng-4.4.10-0.20220303.0+2");
        assert_int_equal(node_layer_name_format(buf, sizeof buf, "a-1-2", UINT_MAX, &e), 0);
        assert_string_equal(buf, "a-1-2+4294967295");

        assert_int_equal(node_layer_name_format(buf, sizeof buf, "a-1-2", 0, &e), -EINVAL);
        assert_int_equal(node_layer_name_format(buf, sizeof buf, "a b-1-2", 1, &e), -EINVAL);
        assert_int_equal(node_layer_name_format(buf, sizeof buf, "a-1", 1, &e), -EINVAL);

        char small[6];
        assert_int_equal(node_layer_name_format(small, sizeof small, "a-1-2", 10, &e), -ENAMETOOLONG);
        assert_int_equal(node_layer_name_format(small, sizeof small, "a-1-2", 1, &e), -ENAMETOOLONG);

        /* round trip */
        char nvr[128];
        unsigned number;
        assert_int_equal(node_layer_name_format(buf, sizeof buf, "rhvh-4.4.10.1-0.20220303.0", 17, &e), 0);
        assert_int_equal(node_layer_name_parse(buf, nvr, sizeof nvr, &number, &e), 0);
        assert_string_equal(nvr, "rhvh-4.4.10.1-0.20220303.0");
        assert_int_equal(number, 17);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rpm_vectors),
                cmocka_unit_test(test_rpmvercmp_extra),
                cmocka_unit_test(test_nvr_parse),
                cmocka_unit_test(test_nvr_compare),
                cmocka_unit_test(test_lv_name_valid),
                cmocka_unit_test(test_nvr_check_lv_name),
                cmocka_unit_test(test_layer_name_parse),
                cmocka_unit_test(test_layer_name_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
