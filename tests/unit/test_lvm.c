/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/lvm against a fake lvm program: a shell script that records its argv
 * and prints a canned report, so parsing, argv building and error sentences
 * are checked without device-mapper. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lvm.h"
#include "util.h"

struct fake {
        char dir[64];
        char program[128];
        char argv_file[128];
        struct node_context ctx;
};

/* Writes a fake lvm printing stdout_text (and stderr_text) and exiting with rc. */
static void fake_lvm(struct fake *f, const char *stdout_text, const char *stderr_text, int rc) {
        FILE *s = fopen(f->program, "w");
        assert_non_null(s);
        fprintf(s, "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s'\n", f->argv_file);
        fprintf(s, "cat <<'OUT'\n%s\nOUT\n", stdout_text);
        if (stderr_text)
                fprintf(s, "cat >&2 <<'ERR'\n%s\nERR\n", stderr_text);
        fprintf(s, "exit %d\n", rc);
        fclose(s);
        chmod(f->program, 0755);
        unlink(f->argv_file);
}

/* The argv the fake last saw, one argument per line ("" if it never ran). */
static char *recorded_argv(struct fake *f) {
        FILE *s = fopen(f->argv_file, "r");
        if (!s)
                return strdup("");
        char *text = calloc(1, 4096);
        size_t n = fread(text, 1, 4095, s);
        text[n] = '\0';
        fclose(s);
        return text;
}

static int setup(void **state) {
        struct fake *f = calloc(1, sizeof *f);
        strcpy(f->dir, "/tmp/test_lvm.XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->program, sizeof f->program, "%s/lvm", f->dir);
        snprintf(f->argv_file, sizeof f->argv_file, "%s/argv", f->dir);
        f->ctx.lvm = f->program;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fake *f = *state;
        unlink(f->program);
        unlink(f->argv_file);
        rmdir(f->dir);
        free(f);
        return 0;
}

static void test_name_valid(void **state) {
        (void)state;
        assert_true(node_lvm_name_valid("onn"));
        assert_true(node_lvm_name_valid("ovirt-node-ng-4.4.10-0.20220303.0+1"));
        assert_false(node_lvm_name_valid(""));
        assert_false(node_lvm_name_valid(NULL));
        assert_false(node_lvm_name_valid("-onn"));
        assert_false(node_lvm_name_valid("."));
        assert_false(node_lvm_name_valid(".."));
        assert_false(node_lvm_name_valid("a b"));
        assert_false(node_lvm_name_valid("a/b"));
        assert_false(node_lvm_name_valid("pool_tdata"));
        char long_name[200];
        memset(long_name, 'a', sizeof long_name - 1);
        long_name[sizeof long_name - 1] = '\0';
        assert_false(node_lvm_name_valid(long_name));
}

static void test_tags_have(void **state) {
        (void)state;
        assert_true(node_lvm_tags_have("imgbased:vg", "imgbased:vg"));
        assert_true(node_lvm_tags_have("a,imgbased:base,b", "imgbased:base"));
        assert_false(node_lvm_tags_have("imgbased:baseline", "imgbased:base"));
        assert_false(node_lvm_tags_have("x-imgbased:base", "imgbased:base"));
        assert_false(node_lvm_tags_have("", "imgbased:base"));
        assert_false(node_lvm_tags_have(NULL, "imgbased:base"));
}

static const char VGS_REPORT[] =
        "  {\n      \"report\": [\n          {\n              \"vg\": [\n"
        "                  {\"vg_name\":\"onn\", \"vg_tags\":\"imgbased:vg\", \"vg_size\":\"4290772992\", "
        "\"vg_free\":\"1073741824\", \"vg_extent_size\":\"4194304\", \"pv_count\":\"2\", \"lv_count\":\"7\"}\n"
        "              ]\n          }\n      ]\n  }";

static void test_vg_info(void **state) {
        struct fake *f = *state;
        fake_lvm(f, VGS_REPORT, NULL, 0);
        struct node_vg_info vg;
        struct node_error e = {0};
        assert_int_equal(node_lvm_vg_info(&f->ctx, "onn", &vg, &e), 0);
        assert_string_equal(vg.name, "onn");
        assert_string_equal(vg.tags, "imgbased:vg");
        assert_int_equal(vg.size_bytes, UINT64_C(4290772992));
        assert_int_equal(vg.free_bytes, UINT64_C(1073741824));
        assert_int_equal(vg.extent_bytes, 4194304);
        assert_int_equal(vg.pv_count, 2);
        assert_int_equal(vg.lv_count, 7);
        _cleanup_free_ char *argv = recorded_argv(f);
        assert_non_null(strstr(argv, "vgs\n--reportformat\njson\n"));
        assert_non_null(strstr(argv, "\nonn\n"));
}

static void test_vg_missing(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "{\"report\": [{\"vg\": []}]}", "  Volume group \"nosuch\" not found\n  Cannot process volume group nosuch", 5);
        struct node_vg_info vg;
        struct node_error e = {0};
        assert_int_equal(node_lvm_vg_info(&f->ctx, "nosuch", &vg, &e), -ENOENT);
        assert_string_equal(e.message, "Volume group nosuch does not exist.");
}

static void test_vg_garbage(void **state) {
        struct fake *f = *state;
        static const char *const garbage[] = {
                "", "%%%", "{\"report\": 5}", "{\"report\": [{\"vg\": [{\"vg_name\": 1}]}]}",
                "{\"report\": [{\"vg\": [{\"vg_name\":\"onn\"}]}]}",
                "{\"report\": [{\"vg\": [{\"vg_name\":\"onn\", \"vg_tags\":\"\", \"vg_size\":\"12x\", "
                "\"vg_free\":\"1\", \"vg_extent_size\":\"1\", \"pv_count\":\"1\", \"lv_count\":\"1\"}]}]}",
                "{\"report\": [{\"vg\": [{\"vg_name\":\"other\", \"vg_tags\":\"\", \"vg_size\":\"1\", "
                "\"vg_free\":\"1\", \"vg_extent_size\":\"1\", \"pv_count\":\"1\", \"lv_count\":\"1\"}]}]}",
                "{\"report\": [{\"vg\": [{\"vg_name\":\"onn\", \"vg_tags\":\"\", \"vg_size\":\"-1\", "
                "\"vg_free\":\"1\", \"vg_extent_size\":\"1\", \"pv_count\":\"1\", \"lv_count\":\"1\"}]}]}",
                "{\"report\": [{\"vg\": [{\"vg_name\":\"onn\", \"vg_tags\":\"\", \"vg_size\":\"99999999999999999999999\", "
                "\"vg_free\":\"1\", \"vg_extent_size\":\"1\", \"pv_count\":\"1\", \"lv_count\":\"1\"}]}]}",
        };
        for (size_t i = 0; i < ELEMENTSOF(garbage); i++) {
                fake_lvm(f, garbage[i], NULL, 0);
                struct node_vg_info vg;
                struct node_error e = {0};
                assert_int_equal(node_lvm_vg_info(&f->ctx, "onn", &vg, &e), -EBADMSG);
                assert_non_null(strstr(e.message, "lvm printed a report that cannot be read"));
        }
}

static const char LVS_REPORT[] =
        "{\"report\": [{\"lv\": [\n"
        "{\"lv_name\":\"base\", \"lv_tags\":\"imgbased:base\", \"pool_lv\":\"pool00\", \"origin\":\"\", "
        "\"segtype\":\"thin\", \"lv_path\":\"/dev/onn/base\", \"lv_attr\":\"Vri---tz-k\", \"lv_size\":\"52428800\"},\n"
        "{\"lv_name\":\"base+1\", \"lv_tags\":\"imgbased:layer\", \"pool_lv\":\"pool00\", \"origin\":\"base\", "
        "\"segtype\":\"thin\", \"lv_path\":\"/dev/onn/base+1\", \"lv_attr\":\"Vwi-aotz--\", \"lv_size\":\"52428800\"}\n"
        "]}]}";

static void test_list_lvs(void **state) {
        struct fake *f = *state;
        fake_lvm(f, LVS_REPORT, NULL, 0);
        _cleanup_free_ struct node_lv_info *lvs = NULL;
        size_t n = 0;
        struct node_error e = {0};
        assert_int_equal(node_lvm_list_lvs(&f->ctx, "onn", &lvs, &n, &e), 0);
        assert_int_equal(n, 2);
        assert_string_equal(lvs[0].name, "base");
        assert_true(lvs[0].read_only);
        assert_false(lvs[0].active);
        assert_true(lvs[0].activation_skip);
        assert_int_equal(lvs[0].size_bytes, 52428800);
        assert_string_equal(lvs[1].origin, "base");
        assert_false(lvs[1].read_only);
        assert_true(lvs[1].active);
        assert_false(lvs[1].activation_skip);
        assert_string_equal(lvs[1].path, "/dev/onn/base+1");
}

static void test_lv_info_short_attr(void **state) {
        struct fake *f = *state;
        fake_lvm(f,
                 "{\"report\": [{\"lv\": [{\"lv_name\":\"root\", \"lv_tags\":\"\", \"pool_lv\":\"\", \"origin\":\"\", "
                 "\"segtype\":\"linear\", \"lv_path\":\"/dev/onn/root\", \"lv_attr\":\"-wi\", \"lv_size\":\"1\"}]}]}",
                 NULL, 0);
        struct node_lv_info lv;
        struct node_error e = {0};
        assert_int_equal(node_lvm_lv_info(&f->ctx, "onn", "root", &lv, &e), -EBADMSG);
}

static void test_lv_missing(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "", "  Failed to find logical volume \"onn/nosuch\"", 5);
        struct node_lv_info lv;
        struct node_error e = {0};
        assert_int_equal(node_lvm_lv_info(&f->ctx, "onn", "nosuch", &lv, &e), -ENOENT);
        assert_string_equal(e.message, "Logical volume onn/nosuch does not exist.");
}

static void test_create_thin_pool_argv(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "", NULL, 0);
        struct node_error e = {0};
        assert_int_equal(node_lvm_create_thin_pool(&f->ctx, "onn", "pool00", UINT64_C(4194304000), 16777216,
                                                   "imgbased:pool", &e), 0);
        _cleanup_free_ char *argv = recorded_argv(f);
        assert_string_equal(argv, "lvcreate\n--yes\n--type\nthin-pool\n--size\n4194304000b\n--poolmetadatasize\n"
                                  "16777216b\n--name\npool00\n--addtag\nimgbased:pool\nonn\n");
}

static void test_snapshot_and_activate_argv(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "", NULL, 0);
        struct node_error e = {0};
        assert_int_equal(node_lvm_create_snapshot(&f->ctx, "onn", "base", "base+1", "imgbased:layer", &e), 0);
        _cleanup_free_ char *a1 = recorded_argv(f);
        assert_string_equal(a1, "lvcreate\n--yes\n--snapshot\n--name\nbase+1\n--addtag\nimgbased:layer\nonn/base\n");
        assert_int_equal(node_lvm_activate(&f->ctx, "onn", "base+1", true, &e), 0);
        _cleanup_free_ char *a2 = recorded_argv(f);
        assert_string_equal(a2, "lvchange\n--activate\ny\n--ignoreactivationskip\nonn/base+1\n");
        assert_int_equal(node_lvm_add_tag(&f->ctx, "onn", NULL, "imgbased:vg", &e), 0);
        _cleanup_free_ char *a3 = recorded_argv(f);
        assert_string_equal(a3, "vgchange\n--addtag\nimgbased:vg\nonn\n");
}

static void test_invalid_names_never_reach_lvm(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "", NULL, 0);
        struct node_error e = {0};
        assert_int_equal(node_lvm_remove(&f->ctx, "onn", "--force", &e), -EINVAL);
        assert_non_null(strstr(e.message, "not a valid logical volume name"));
        assert_int_equal(node_lvm_remove(&f->ctx, "-vg", "x", &e), -EINVAL);
        assert_int_equal(node_lvm_add_tag(&f->ctx, "onn", "x", "bad tag", &e), -EINVAL);
        assert_int_equal(node_lvm_create_thin(&f->ctx, "onn", "pool00", "a;b", 1, NULL, &e), -EINVAL);
        _cleanup_free_ char *argv = recorded_argv(f);
        assert_string_equal(argv, "");
}

static void test_failure_quotes_lvm(void **state) {
        struct fake *f = *state;
        fake_lvm(f, "", "  WARNING: something\n  Insufficient free space: 1024 extents needed, but only 12 available.", 5);
        struct node_error e = {0};
        int r = node_lvm_create_thin_pool(&f->ctx, "onn", "pool00", 1, 0, NULL, &e);
        assert_int_equal(r, -EIO);
        assert_string_equal(e.message, "Cannot create thin pool onn/pool00: lvm says: Insufficient free space: "
                                       "1024 extents needed, but only 12 available.");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_valid),
                cmocka_unit_test(test_tags_have),
                cmocka_unit_test_setup_teardown(test_vg_info, setup, teardown),
                cmocka_unit_test_setup_teardown(test_vg_missing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_vg_garbage, setup, teardown),
                cmocka_unit_test_setup_teardown(test_list_lvs, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lv_info_short_attr, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lv_missing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_create_thin_pool_argv, setup, teardown),
                cmocka_unit_test_setup_teardown(test_snapshot_and_activate_argv, setup, teardown),
                cmocka_unit_test_setup_teardown(test_invalid_names_never_reach_lvm, setup, teardown),
                cmocka_unit_test_setup_teardown(test_failure_quotes_lvm, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
