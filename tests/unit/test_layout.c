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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "layout.h"
#include "spawn.h"
#include "util.h"
#include "testutil.h"

#define OLD "ovirt-node-ng-4.4.9-0.20211026.0"
#define NEW "ovirt-node-ng-4.4.10-0.20220303.0"
#define REPORT_ERROR_PREFIX "lvm printed a report that cannot be read: "

/* Fixtures sit next to this file; NODECON_FIXTURES overrides for out-of-tree runs. */
static char *fixture(const char *name) {
        FILE *f = open_fixture(name);
        char *text = NULL;
        size_t size = 0;
        ssize_t n = getdelim(&text, &size, '\0', f);
        fclose(f);
        assert_true(n > 0);
        return text;
}

static struct node_layout *parse_ok(const char *name, const char *vg) {
        _cleanup_free_ char *json = fixture(name);
        struct node_layout *l = NULL;
        struct node_error e = { 0 };
        int r = node_layout_from_lvs_json(json, vg, &l, &e);
        if (r != 0)
                fail_msg("%s: %d %s", name, r, e.message);
        assert_non_null(l);
        return l;
}

static void expect_error(const char *json, const char *vg, int code, const char *message_part) {
        struct node_layout *l = (void *)1;
        struct node_error e = { 0 };
        int r = node_layout_from_lvs_json(json, vg, &l, &e);
        if (r != code)
                print_error("input: %.300s\nmessage: %s\n", json ? json : "(null)", e.message);
        assert_int_equal(r, code);
        assert_int_equal(e.code, code);
        assert_null(l);
        if (message_part && !strstr(e.message, message_part))
                fail_msg("message \"%s\" lacks \"%s\"", e.message, message_part);
}

static void assert_real_node(const struct node_layout *l) {
        assert_string_equal(l->vg, "onn");
        assert_int_equal(l->vg_size_bytes, 4290772992ULL);
        assert_int_equal(l->vg_free_bytes, 2579496960ULL);

        assert_string_equal(l->pool.name, "pool00");
        assert_int_equal(l->pool.size_bytes, 1610612736ULL);
        assert_int_equal(l->pool.metadata_size_bytes, 16777216ULL);
        assert_float_equal(l->pool.data_percent, 14.97, 1e-9);
        assert_float_equal(l->pool.metadata_percent, 10.86, 1e-9);
        assert_true(l->pool.active);
        assert_false(l->pool.full);
        assert_false(l->pool.usage_from_dm);

        /* rpm order: 4.4.9 before 4.4.10, although lvs lists 4.4.10 first */
        assert_int_equal(l->n_bases, 2);
        const struct node_base *old = &l->bases[0], *new = &l->bases[1];
        assert_string_equal(old->nvr, OLD);
        assert_string_equal(new->nvr, NEW);
        assert_false(old->missing);
        assert_false(new->missing);
        assert_string_equal(new->lv.name, NEW);
        assert_int_equal(new->lv.kind, NODE_LV_BASE);
        assert_string_equal(new->lv.tags, "imgbased:base");
        assert_string_equal(new->lv.origin, "");
        assert_string_equal(new->lv.pool, "pool00");
        assert_string_equal(new->lv.time, "2026-11-23 11:17:14 +0000");
        assert_string_equal(new->lv.path, "/dev/onn/" NEW);
        assert_int_equal(new->lv.size_bytes, 3221225472ULL);
        assert_true(new->lv.data_percent < 0);
        assert_false(new->lv.active);
        assert_true(new->lv.read_only);
        assert_true(new->lv.activation_skip);
        assert_int_equal(new->lv.kernel_major, -1);
        assert_int_equal(new->lv.kernel_minor, -1);

        assert_int_equal(old->n_layers, 1);
        const struct node_layer *old1 = &old->layers[0];
        assert_string_equal(old1->lv.name, OLD "+1");
        assert_string_equal(old1->nvr, OLD);
        assert_int_equal(old1->number, 1);
        assert_int_equal(old1->lv.kind, NODE_LV_LAYER);
        assert_string_equal(old1->lv.origin, OLD);
        assert_true(old1->lv.active);
        assert_false(old1->lv.read_only);
        assert_false(old1->lv.activation_skip);
        assert_int_equal(old1->lv.kernel_major, 253);
        assert_int_equal(old1->lv.kernel_minor, 7);
        assert_float_equal(old1->lv.data_percent, 3.20, 1e-9);
        assert_false(old1->booted);
        assert_false(old1->boot_default);

        assert_int_equal(new->n_layers, 2);
        const struct node_layer *new1 = &new->layers[0], *new2 = &new->layers[1];
        assert_string_equal(new1->lv.name, NEW "+1");
        assert_int_equal(new1->number, 1);
        /* inactive: lvs says "unknown" permissions, the attributes say 'w' */
        assert_false(new1->lv.active);
        assert_false(new1->lv.read_only);
        assert_true(new1->lv.data_percent < 0);
        assert_int_equal(new1->lv.kernel_major, -1);
        assert_string_equal(new2->lv.name, NEW "+2");
        assert_int_equal(new2->number, 2);
        assert_string_equal(new2->nvr, NEW);
        assert_true(new2->lv.active);
        assert_int_equal(new2->lv.kernel_minor, 9);
        assert_float_equal(new2->lv.data_percent, 3.20, 1e-9);

        assert_int_equal(l->n_volumes, 1);
        assert_string_equal(l->volumes[0].name, "var");
        assert_int_equal(l->volumes[0].kind, NODE_LV_VOLUME);
        assert_int_equal(l->volumes[0].size_bytes, 1073741824ULL);
        assert_non_null(l->init_lv);
        assert_string_equal(l->init_lv->name, "root");
        assert_int_equal(l->init_lv->kind, NODE_LV_INIT);
        assert_int_equal(l->n_others, 1);
        assert_string_equal(l->others[0].name, "scratch");
        assert_int_equal(l->others[0].kind, NODE_LV_OTHER);
        assert_string_equal(l->others[0].pool, "");
        assert_int_equal(l->others[0].size_bytes, 67108864ULL);

        assert_null(l->booted);
        assert_null(l->boot_default);
        assert_ptr_equal(node_layout_latest_base(l), new);
        assert_ptr_equal(node_layout_find_base(l, OLD), old);
        assert_null(node_layout_find_base(l, "nope-1-1"));
        assert_ptr_equal(node_layout_find_layer(l, NEW "+2"), new2);
        assert_null(node_layout_find_layer(l, NEW "+3"));
        assert_null(node_layout_find_layer(l, NEW));
}

static void real_node_named_vg(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-node.json", "onn");
        assert_real_node(l);
}

static void real_node_tagged_vg(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-node.json", NULL);
        assert_real_node(l);
}

static void all_vgs_named(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-all.json", "onn");
        assert_real_node(l);
}

static void all_vgs_ambiguous(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-all.json");
        expect_error(json, NULL, -ENOTUNIQ, "(fullvg, onn)");
}

static void full_pool(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-full.json", NULL);
        assert_string_equal(l->vg, "fullvg");
        assert_string_equal(l->pool.name, "pool");
        assert_float_equal(l->pool.data_percent, 100.0, 1e-9);
        assert_float_equal(l->pool.metadata_percent, 11.52, 1e-9);
        assert_int_equal(l->pool.metadata_size_bytes, 4194304ULL);
        assert_true(l->pool.full);
        assert_int_equal(l->n_bases, 0);
        assert_null(node_layout_latest_base(l));
        assert_int_equal(l->n_volumes, 1);
        assert_string_equal(l->volumes[0].name, "fill");
        assert_float_equal(l->volumes[0].data_percent, 25.0, 1e-9);
        assert_null(l->init_lv);
        assert_int_equal(l->n_others, 0);
}

static void orphan_layer(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-orphan.json", "onn");
        assert_int_equal(l->n_bases, 2);
        const struct node_base *gone = &l->bases[0];
        assert_true(gone->missing);
        assert_string_equal(gone->nvr, OLD);
        assert_string_equal(gone->lv.name, OLD);
        assert_int_equal(gone->lv.kernel_major, -1);
        assert_int_equal(gone->lv.size_bytes, 0);
        assert_int_equal(gone->n_layers, 1);
        assert_string_equal(gone->layers[0].lv.name, OLD "+1");
        assert_string_equal(gone->layers[0].lv.origin, "");
        assert_string_equal(gone->layers[0].nvr, OLD);
        assert_false(l->bases[1].missing);
        assert_int_equal(l->bases[1].n_layers, 2);
        /* a missing base is never "the latest" */
        assert_ptr_equal(node_layout_latest_base(l), &l->bases[1]);
        assert_non_null(node_layout_find_layer(l, OLD "+1"));
}

static void untagged_vg(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-untagged.json");
        expect_error(json, "onn", -EMEDIUMTYPE, "Volume group onn is not tagged imgbased:vg");
        expect_error(json, NULL, -ENOENT,
                     "No volume group is tagged imgbased:vg: this machine has no node layout (run nodectl init).");
}

static void vg_without_pool(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-nopool.json");
        expect_error(json, "onn", -EMEDIUMTYPE, "no thin pool tagged imgbased:pool");
        expect_error(json, NULL, -EMEDIUMTYPE, "no thin pool tagged imgbased:pool");
}

static void empty_report(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-missing.json");
        expect_error(json, NULL, -ENOENT, "No volume group is tagged");
        expect_error(json, "nosuchvg", -EMEDIUMTYPE, "nosuchvg");
        /* asking for a VG the report does not contain */
        _cleanup_free_ char *node = fixture("lvs-node.json");
        expect_error(node, "fullvg", -EMEDIUMTYPE, "fullvg");
}

/* Replaces the first "key":"value" of the fixture text. */
static char *replace_once(const char *text, const char *from, const char *to) {
        const char *at = strstr(text, from);
        assert_non_null(at);
        char *out;
        assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
        return out;
}

static void two_pools(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        /* tag the (thin) base as a pool too: only thin pools count */
        _cleanup_free_ char *fake = replace_once(json, "\"lv_tags\":\"imgbased:base\"", "\"lv_tags\":\"imgbased:pool\"");
        _cleanup_layout_ struct node_layout *l = NULL;
        struct node_error e = { 0 };
        assert_int_equal(node_layout_from_lvs_json(fake, "onn", &l, &e), 0);
        assert_int_equal(l->n_others, 2);
        assert_string_equal(l->others[0].name, NEW);
        /* its layers now hang under a base flagged missing */
        assert_int_equal(l->n_bases, 2);
        assert_true(l->bases[1].missing);
        assert_int_equal(l->bases[1].n_layers, 2);

        _cleanup_free_ char *second =
                replace_once(json, "\"lv_tags\":\"\", \"lv_size\":\"67108864\", \"lv_attr\":\"-wi-a-----\"",
                             "\"lv_tags\":\"imgbased:pool\", \"lv_size\":\"67108864\", \"lv_attr\":\"twi-a-tz--\"");
        expect_error(second, "onn", -EMEDIUMTYPE, "several thin pools tagged imgbased:pool (pool00 scratch)");
}

static void odd_layers(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        /* a layer tag on an LV whose name is not NVR+N: listed with the others */
        _cleanup_free_ char *a = replace_once(json, "\"lv_name\":\"scratch\", \"lv_tags\":\"\"",
                                              "\"lv_name\":\"scratch\", \"lv_tags\":\"x,imgbased:layer\"");
        _cleanup_layout_ struct node_layout *l = NULL;
        assert_int_equal(node_layout_from_lvs_json(a, "onn", &l, NULL), 0);
        assert_int_equal(l->n_others, 1);
        assert_int_equal(l->others[0].kind, NODE_LV_LAYER);
        assert_string_equal(l->others[0].tags, "x,imgbased:layer");

        /* the origin wins over the name when they disagree */
        _cleanup_free_ char *b = replace_once(json, "\"origin\":\"" OLD "\"", "\"origin\":\"" NEW "\"");
        _cleanup_layout_ struct node_layout *m = NULL;
        assert_int_equal(node_layout_from_lvs_json(b, "onn", &m, NULL), 0);
        assert_int_equal(m->bases[0].n_layers, 0);
        assert_int_equal(m->bases[1].n_layers, 3);
        assert_string_equal(m->bases[1].layers[0].lv.name, NEW "+1");
        assert_string_equal(m->bases[1].layers[1].lv.name, OLD "+1");
        assert_string_equal(m->bases[1].layers[1].nvr, NEW);
        assert_string_equal(m->bases[1].layers[2].lv.name, NEW "+2");

        /* tags are matched whole, not as substrings */
        _cleanup_free_ char *c = replace_once(json, "\"lv_tags\":\"imgbased:volume\"", "\"lv_tags\":\"imgbased:volumes\"");
        _cleanup_layout_ struct node_layout *n = NULL;
        assert_int_equal(node_layout_from_lvs_json(c, "onn", &n, NULL), 0);
        assert_int_equal(n->n_volumes, 0);
        assert_int_equal(n->n_others, 2);
}

static void layer_numbers_sort_numerically(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        _cleanup_free_ char *renamed = replace_once(json, "\"lv_name\":\"" NEW "+1\"", "\"lv_name\":\"" NEW "+10\"");
        _cleanup_layout_ struct node_layout *l = NULL;
        assert_int_equal(node_layout_from_lvs_json(renamed, "onn", &l, NULL), 0);
        assert_int_equal(l->bases[1].layers[0].number, 2);
        assert_int_equal(l->bases[1].layers[1].number, 10);
}

/* lvm 2.03.17+ "json_std" prints numbers unquoted; the same layout must come out. */
static void json_std_numbers(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        json_object *root = json_tokener_parse(json);
        assert_non_null(root);
        json_object *report = json_object_object_get(root, "report");
        json_object *rows = json_object_object_get(json_object_array_get_idx(report, 0), "lv");
        static const char *const ints[] = { "vg_size", "vg_free", "lv_size", "lv_kernel_major", "lv_kernel_minor" };
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                json_object *row = json_object_array_get_idx(rows, i);
                for (size_t k = 0; k < ELEMENTSOF(ints); k++) {
                        const char *v = json_object_get_string(json_object_object_get(row, ints[k]));
                        json_object_object_add(row, ints[k], json_object_new_int64(strtoll(v, NULL, 10)));
                }
                const char *d = json_object_get_string(json_object_object_get(row, "data_percent"));
                if (*d)
                        json_object_object_add(row, "data_percent", json_object_new_double(strtod(d, NULL)));
                const char *skip = json_object_get_string(json_object_object_get(row, "lv_skip_activation"));
                json_object_object_add(row, "lv_skip_activation", json_object_new_int(*skip ? 1 : 0));
        }
        const char *std = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
        _cleanup_layout_ struct node_layout *l = NULL;
        struct node_error e = { 0 };
        int r = node_layout_from_lvs_json(std, NULL, &l, &e);
        if (r)
                fail_msg("%s", e.message);
        assert_real_node(l);
        json_object_put(root);
}

static void malformed_reports(void **state) {
        (void)state;
        static const char *const inputs[] = {
                "", " ", "{", "}", "null", "true", "42", "\"report\"", "[]", "{}", "{\"report\":{}}",
                "{\"report\":null}", "{\"report\":[]}", "{\"report\":[{}]}", "{\"report\":[1]}",
                "{\"report\":[{\"lv\":{}}]}", "{\"report\":[{\"lv\":\"x\"}]}", "{\"report\":[{\"lv\":[1]}]}",
                "{\"report\":[{\"lv\":[null]}]}", "{\"report\":[{\"lv\":[{}]}]}", "{\"report\":[{\"lv\":[[]]}]}",
                "{\"report\":[{\"lv\":[{\"vg_name\":\"onn\"}]}]}",
                "{\"report\":[{\"lv\":[{\"vg_name\":\"\", \"vg_tags\":\"imgbased:vg\"}]}]}",
                "{\"report\":[{\"lv\":[{\"vg_name\":1, \"vg_tags\":\"imgbased:vg\"}]}]}",
                "{\"report\":[{\"lv\":[{\"vg_name\":\"onn\", \"vg_tags\":\"imgbased:vg\"}]}]}",
                "{\"report\":[{\"lv\":[]}]} trailing", "{\"report\":[{\"lv\":[]}]}{}", "{\"report\":[{\"lv\":[]}]",
                "\xff\xfe", "{\"report\":[{\"lv\":[]}]}\x01",
        };
        for (size_t i = 0; i < ELEMENTSOF(inputs); i++)
                expect_error(inputs[i], NULL, -EBADMSG, REPORT_ERROR_PREFIX);
        expect_error(NULL, NULL, -EBADMSG, REPORT_ERROR_PREFIX "it is empty.");
        /* with a VG named, the rows must still be readable */
        expect_error("{\"report\":[{\"lv\":[{\"vg_name\":\"onn\", \"vg_tags\":\"imgbased:vg\"}]}]}", "onn", -EBADMSG,
                     REPORT_ERROR_PREFIX);
}

static void truncated_reports(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        size_t len = strlen(json);
        /* every prefix that stops before the closing brace */
        size_t last_brace = (size_t)(strrchr(json, '}') - json);
        for (size_t cut = 0; cut <= last_brace; cut += 7) {
                _cleanup_free_ char *prefix = strndup(json, cut);
                expect_error(prefix, "onn", -EBADMSG, REPORT_ERROR_PREFIX);
        }
        assert_true(len > 4000);
}

static void mutated_fields(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        _cleanup_free_ char *fields = strdup(NODE_LVS_FIELDS);
        /* each mutation of each field of the first row (a base of onn) */
        enum { REMOVE, NUL, ARRAY, OBJECT, BOOLEAN, N_MUTATIONS };
        unsigned checked = 0;
        char *save = NULL;
        for (char *field = strtok_r(fields, ",", &save); field; field = strtok_r(NULL, ",", &save)) {
                for (int m = 0; m < N_MUTATIONS; m++) {
                        json_object *root = json_tokener_parse(json);
                        json_object *rows = json_object_object_get(
                                json_object_array_get_idx(json_object_object_get(root, "report"), 0), "lv");
                        json_object *row = json_object_array_get_idx(rows, 0);
                        switch (m) {
                        case REMOVE: json_object_object_del(row, field); break;
                        case NUL: json_object_object_add(row, field, NULL); break;
                        case ARRAY: json_object_object_add(row, field, json_object_new_array()); break;
                        case OBJECT: json_object_object_add(row, field, json_object_new_object()); break;
                        case BOOLEAN: json_object_object_add(row, field, json_object_new_boolean(1)); break;
                        }
                        char *text = strdup(json_object_to_json_string(root));
                        json_object_put(root);
                        expect_error(text, "onn", -EBADMSG, REPORT_ERROR_PREFIX);
                        free(text);
                        checked++;
                }
        }
        assert_int_equal(checked, 20 * 5);
}

static void bad_values(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        static const struct {
                const char *from, *to, *message;
        } cases[] = {
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"99999999999999999999999\"", "too large" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"18446744073709551616\"", "too large" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"-1\"", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"3.5\"", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"3G\"", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\"\"", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":\" 1\"", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":1e400", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":-5", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":99999999999999999999999", "lv_size" },
                { "\"lv_size\":\"3221225472\"", "\"lv_size\":3.5", "lv_size" },
                { "\"vg_size\":\"4290772992\"", "\"vg_size\":\"lots\"", "vg_size" },
                { "\"data_percent\":\"\"", "\"data_percent\":\"abc\"", "data_percent" },
                { "\"data_percent\":\"\"", "\"data_percent\":\"-5\"", "data_percent" },
                { "\"data_percent\":\"\"", "\"data_percent\":\"nan\"", "data_percent" },
                { "\"data_percent\":\"\"", "\"data_percent\":\"1e999\"", "data_percent" },
                { "\"data_percent\":\"\"", "\"data_percent\":\"12.5%\"", "data_percent" },
                { "\"data_percent\":\"\"", "\"data_percent\":-1", "data_percent" },
                { "\"lv_kernel_major\":\"-1\"", "\"lv_kernel_major\":\"99999999999\"", "lv_kernel_major" },
                { "\"lv_kernel_major\":\"-1\"", "\"lv_kernel_major\":\"-2\"", "lv_kernel_major" },
                { "\"lv_kernel_major\":\"-1\"", "\"lv_kernel_major\":\"\"", "lv_kernel_major" },
                { "\"lv_kernel_major\":\"-1\"", "\"lv_kernel_major\":\"1x\"", "lv_kernel_major" },
                { "\"lv_kernel_minor\":\"-1\"", "\"lv_kernel_minor\":99999999999", "lv_kernel_minor" },
                { "\"lv_attr\":\"Vri---tz-k\"", "\"lv_attr\":\"Vri\"", "attributes" },
                { "\"lv_attr\":\"Vri---tz-k\"", "\"lv_attr\":\"Vri---tz-kkk\"", "attributes" },
                { "\"lv_name\":\"" NEW "\"", "\"lv_name\":\"\"", "no name" },
                { "\"lv_name\":\"" NEW "\"", "\"lv_name\":7", "lv_name" },
                { "\"lv_tags\":\"imgbased:base\"", "\"lv_tags\":[\"imgbased:base\"]", "lv_tags" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *bad = replace_once(json, cases[i].from, cases[i].to);
                expect_error(bad, "onn", -EBADMSG, cases[i].message);
        }
}

static void booted_and_default(void **state) {
        (void)state;
        _cleanup_layout_ struct node_layout *l = parse_ok("lvs-node.json", "onn");
        struct node_layer *old1 = node_layout_find_layer(l, OLD "+1");
        struct node_layer *new1 = node_layout_find_layer(l, NEW "+1");
        struct node_layer *new2 = node_layout_find_layer(l, NEW "+2");

        node_layout_mark_booted(l, "BOOT_IMAGE=(hd0,msdos1)//" NEW "+2/vmlinuz-4.18.0 root=/dev/onn/" NEW
                                   "+2 ro crashkernel=auto rd.lvm.lv=onn/" NEW "+2 img.bootid=" NEW "+2 rhgb quiet\n",
                                -1, -1);
        assert_ptr_equal(l->booted, new2);
        assert_true(new2->booted);

        /* marking again moves the flag */
        node_layout_mark_booted(l, "img.bootid=\"" NEW "+1\"\n", -1, -1);
        assert_ptr_equal(l->booted, new1);
        assert_true(new1->booted);
        assert_false(new2->booted);

        node_layout_mark_booted(l, "\"img.bootid=" OLD "+1\" quiet", -1, -1);
        assert_ptr_equal(l->booted, old1);
        node_layout_mark_booted(l, "img.bootid=" OLD "+1 img.bootid=" NEW "+2", -1, -1);
        assert_ptr_equal(l->booted, new2);
        /* a longer key is not the key */
        node_layout_mark_booted(l, "ximg.bootid=" NEW "+2 img.bootidx=" NEW "+1", -1, -1);
        assert_null(l->booted);
        assert_false(new2->booted);

        /* no img.bootid: the root device's numbers (old+1 is 253:7) */
        node_layout_mark_booted(l, "root=/dev/mapper/x ro\n", 253, 7);
        assert_ptr_equal(l->booted, old1);
        node_layout_mark_booted(l, NULL, 253, 9);
        assert_ptr_equal(l->booted, new2);
        /* an img.bootid naming no layer falls back to the device */
        node_layout_mark_booted(l, "img.bootid=gone-1-1+1", 253, 7);
        assert_ptr_equal(l->booted, old1);
        /* inactive layers have -1:-1; that never matches "unknown" */
        node_layout_mark_booted(l, "", -1, -1);
        assert_null(l->booted);
        node_layout_mark_booted(l, "", 8, 1);
        assert_null(l->booted);

        node_layout_mark_default(l, NEW "+1");
        assert_ptr_equal(l->boot_default, new1);
        assert_true(new1->boot_default);
        node_layout_mark_default(l, OLD "+1");
        assert_ptr_equal(l->boot_default, old1);
        assert_false(new1->boot_default);
        node_layout_mark_default(l, NULL);
        assert_null(l->boot_default);
        assert_false(old1->boot_default);
}

/* ---- node_layout_read with a stand-in lvm -------------------------------- */

struct fake {
        char dir[64];
        char lvm[128];
};

static void write_file(const char *dir, const char *name, const char *text) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        char *slash = path + strlen(dir);
        while ((slash = strchr(slash + 1, '/'))) {
                *slash = '\0';
                mkdir(path, 0755);
                *slash = '/';
        }
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* A shell script standing in for lvm: records its arguments, prints what the
 * test prepared, exits with the prepared code. */
static void fake_setup(struct fake *f, const char *out, const char *err, int rc) {
        strcpy(f->dir, "/tmp/nodecon-test-layout.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->lvm, sizeof f->lvm, "%s/lvm", f->dir);
        write_file(f->dir, "out", out);
        write_file(f->dir, "err", err);
        char script[512];
        snprintf(script, sizeof script,
                 "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > %s/argv\n"
                 "cat %s/out\ncat %s/err >&2\nexit %d\n",
                 f->dir, f->dir, f->dir, rc);
        write_file(f->dir, "lvm", script);
        assert_int_equal(chmod(f->lvm, 0755), 0);
}

static void fake_teardown(struct fake *f) {
        const char *argv[] = { "rm", "-rf", f->dir, NULL };
        struct node_spawn_result r;
        assert_int_equal(node_spawn(argv, NULL, &r, NULL), 0);
        node_spawn_result_free(&r);
}

static void layout_read_real_machine(void **state) {
        (void)state;
        _cleanup_free_ char *json = fixture("lvs-node.json");
        struct fake f;
        fake_setup(&f, json, "  WARNING: something harmless\n", 0);
        write_file(f.dir, "root/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/onn/x ro quiet\n");
        write_file(f.dir, "root/proc/self/mountinfo",
                   "22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
                   "1 0 253:3 / / ro,relatime shared:1 - ext4 /dev/mapper/onn-old rw\n"
                   "2 0 253:9 / / rw,relatime shared:1 - ext4 /dev/mapper/onn-" NEW "+2 rw\n"
                   "25 2 0:5 / /dev rw,nosuid shared:2 - devtmpfs devtmpfs rw\n");
        write_file(f.dir, "root/boot/loader/entries/" OLD "+1-4.18.0.conf",
                   "title oVirt Node 4.4.9\nversion 4.18.0\nlinux /" OLD "+1/vmlinuz\n"
                   "options root=/dev/onn/" OLD "+1 img.bootid=" OLD "+1\n");
        write_file(f.dir, "root/boot/loader/entries/" NEW "+2-4.18.0.conf",
                   "title oVirt Node 4.4.10\nversion 4.18.0\nlinux /" NEW "+2/vmlinuz\n"
                   "options root=/dev/onn/" NEW "+2 img.bootid=" NEW "+2\n");
        char grubenv[1025];
        int n = snprintf(grubenv, sizeof grubenv, "# GRUB Environment Block\nsaved_entry=%s+1-4.18.0\n", OLD);
        memset(grubenv + n, '#', sizeof grubenv - 1 - (size_t)n);
        grubenv[1024] = '\0';
        write_file(f.dir, "root/boot/grub2/grubenv", grubenv);

        char root[128];
        snprintf(root, sizeof root, "%s/root", f.dir);
        struct node_context ctx = { .lvm = f.lvm, .root = root };
        struct node_layout *l = NULL;
        struct node_error e = { 0 };
        unsigned long spawned = node_spawn_count();
        int r = node_layout_read(&ctx, &l, &e);
        if (r)
                fail_msg("%s", e.message);
        assert_int_equal(node_spawn_count() - spawned, 1);
        assert_string_equal(l->vg, "onn");
        assert_int_equal(l->n_bases, 2);
        /* this host has no device-mapper: lvs' figures stay */
        assert_false(l->pool.usage_from_dm);
        assert_float_equal(l->pool.data_percent, 14.97, 1e-9);
        assert_non_null(l->booted);
        assert_string_equal(l->booted->lv.name, NEW "+2");
        assert_non_null(l->boot_default);
        assert_string_equal(l->boot_default->lv.name, OLD "+1");
        node_layout_free(l);

        _cleanup_free_ char *argv = NULL;
        {
                char path[PATH_MAX];
                snprintf(path, sizeof path, "%s/argv", f.dir);
                FILE *a = fopen(path, "re");
                assert_non_null(a);
                size_t size = 0;
                assert_true(getdelim(&argv, &size, '\0', a) > 0);
                fclose(a);
        }
        char expected[1024];
        snprintf(expected, sizeof expected, "lvs\n--reportformat\njson\n--units\nb\n--nosuffix\n-o\n%s\n",
                 NODE_LVS_FIELDS);
        assert_string_equal(argv, expected);

        /* a named VG is passed as the last argument */
        ctx.vg = "onn";
        assert_int_equal(node_layout_read(&ctx, &l, &e), 0);
        node_layout_free(l);
        free(argv);
        argv = NULL;
        {
                char path[PATH_MAX];
                snprintf(path, sizeof path, "%s/argv", f.dir);
                FILE *a = fopen(path, "re");
                size_t size = 0;
                assert_true(getdelim(&argv, &size, '\0', a) > 0);
                fclose(a);
        }
        strcat(expected, "onn\n");
        assert_string_equal(argv, expected);
        fake_teardown(&f);
}

static void layout_read_errors(void **state) {
        (void)state;
        struct fake f;
        struct node_layout *l = (void *)1;
        struct node_error e = { 0 };
        _cleanup_free_ char *missing_err = fixture("lvs-missing.stderr");
        _cleanup_free_ char *missing_json = fixture("lvs-missing.json");

        fake_setup(&f, missing_json, missing_err, 5);
        struct node_context ctx = { .lvm = f.lvm, .vg = "nosuchvg", .root = f.dir };
        assert_int_equal(node_layout_read(&ctx, &l, &e), -ENOENT);
        assert_null(l);
        assert_string_equal(e.message, "Volume group nosuchvg does not exist.");
        fake_teardown(&f);

        fake_setup(&f, "", "  /dev/sda: open failed\n  Locking failed: permission denied\n", 5);
        ctx.lvm = f.lvm;
        ctx.vg = NULL;
        assert_int_equal(node_layout_read(&ctx, &l, &e), -EIO);
        assert_non_null(strstr(e.message, "Locking failed: permission denied"));
        assert_null(strstr(e.message, "/dev/sda"));
        fake_teardown(&f);

        fake_setup(&f, "{\"report\": [", "", 0);
        ctx.lvm = f.lvm;
        assert_int_equal(node_layout_read(&ctx, &l, &e), -EBADMSG);
        assert_non_null(strstr(e.message, REPORT_ERROR_PREFIX));
        fake_teardown(&f);

        /* names that lvm would read as options never reach it */
        unsigned long spawned = node_spawn_count();
        ctx.vg = "--help";
        assert_int_equal(node_layout_read(&ctx, &l, &e), -EINVAL);
        ctx.vg = "a b";
        assert_int_equal(node_layout_read(&ctx, &l, &e), -EINVAL);
        assert_int_equal(node_spawn_count(), spawned);

        ctx.vg = NULL;
        ctx.lvm = "/nonexistent/lvm";
        assert_true(node_layout_read(&ctx, &l, &e) < 0);
        assert_null(l);
        assert_true(strlen(e.message) > 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(real_node_named_vg),
                cmocka_unit_test(real_node_tagged_vg),
                cmocka_unit_test(all_vgs_named),
                cmocka_unit_test(all_vgs_ambiguous),
                cmocka_unit_test(full_pool),
                cmocka_unit_test(orphan_layer),
                cmocka_unit_test(untagged_vg),
                cmocka_unit_test(vg_without_pool),
                cmocka_unit_test(empty_report),
                cmocka_unit_test(two_pools),
                cmocka_unit_test(odd_layers),
                cmocka_unit_test(layer_numbers_sort_numerically),
                cmocka_unit_test(json_std_numbers),
                cmocka_unit_test(malformed_reports),
                cmocka_unit_test(truncated_reports),
                cmocka_unit_test(mutated_fields),
                cmocka_unit_test(bad_values),
                cmocka_unit_test(booted_and_default),
                cmocka_unit_test(layout_read_real_machine),
                cmocka_unit_test(layout_read_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
