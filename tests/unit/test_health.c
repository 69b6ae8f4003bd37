/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl check's verdicts from fixture layouts (lvs JSON rows as lvm prints
 * them) and hand-made facts: every check's OK, WARN and FAILED, and which
 * leftovers --repair may touch. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"
#include "layout.h"
#include "util.h"

#define NVR1 "ovirt-node-ng-4.4.9-0.20211026.0"
#define NVR2 "ovirt-node-ng-4.4.10-0.20220303.0"
#define NVR9 "ovirt-node-ng-4.9.0-0.20270101.0"

/* ---- a layout from lvs rows ------------------------------------------------ */

struct lv_spec {
        const char *name, *tags, *attr, *origin;
        int minor;            /* kernel minor, -1: inactive */
        const char *data, *meta;
};

static char *row_json(const struct lv_spec *s, const char *vg_free) {
        char *row;
        bool pool = s->attr[0] == 't';
        int n = asprintf(&row,
                         "{\"vg_name\":\"onn\", \"vg_tags\":\"imgbased:vg\", \"vg_size\":\"42949672960\", "
                         "\"vg_free\":\"%s\", \"lv_name\":\"%s\", \"lv_tags\":\"%s\", \"lv_size\":\"10737418240\", "
                         "\"lv_attr\":\"%s\", \"origin\":\"%s\", \"pool_lv\":\"%s\", \"data_percent\":\"%s\", "
                         "\"metadata_percent\":\"%s\", \"lv_metadata_size\":\"%s\", "
                         "\"lv_time\":\"2026-11-23 11:17:14 +0000\", \"lv_active\":\"%s\", \"lv_permissions\":\"%s\", "
                         "\"lv_skip_activation\":\"\", \"lv_kernel_major\":\"%s\", \"lv_kernel_minor\":\"%d\", "
                         "\"lv_path\":\"/dev/onn/%s\"}",
                         vg_free, s->name, s->tags, s->attr, s->origin ? s->origin : "", pool ? "" : "pool00",
                         s->data ? s->data : "", s->meta ? s->meta : "", pool ? "1073741824" : "",
                         s->minor >= 0 ? "active" : "", s->attr[1] == 'r' ? "read-only" : "writeable",
                         s->minor >= 0 ? "253" : "-1", s->minor, s->name);
        assert_true(n > 0);
        return row;
}

/* The healthy node every test starts from: base NVR1 with layers +1 and +2
 * (+2 runs and is the default), /var, a pool at 40%/20%. */
static const struct lv_spec healthy[] = {
        { "pool00", "imgbased:pool", "twi-aotz--", NULL, 3, "40.00", "20.00" },
        { NVR1, "imgbased:base", "Vri---tz-k", NULL, -1, NULL, NULL },
        { NVR1 "+1", "imgbased:layer", "Vwi-a-tz--", NVR1, 5, "10.00", NULL },
        { NVR1 "+2", "imgbased:layer", "Vwi-aotz--", NVR1, 6, "10.00", NULL },
        { "var", "imgbased:volume", "Vwi-aotz--", NULL, 9, "5.00", NULL },
};

struct node {
        struct lv_spec lvs[16];
        size_t n_lvs;
        const char *vg_free;
        struct node_boot_entry entries[8];
        size_t n_entries;
        char *boot_dirs[8];
        char *services[4], *states[4];
        struct node_health_facts f;
        struct node_layout *layout;
        struct node_health_report r;
};

static void add_lv(struct node *n, struct lv_spec s) {
        assert_true(n->n_lvs < ELEMENTSOF(n->lvs));
        n->lvs[n->n_lvs++] = s;
}

static struct lv_spec *lv(struct node *n, const char *name) {
        for (size_t i = 0; i < n->n_lvs; i++)
                if (streq(n->lvs[i].name, name))
                        return &n->lvs[i];
        fail_msg("no LV %s in the fixture", name);
        return NULL;
}

static void add_entry(struct node *n, const char *layer) {
        struct node_boot_entry *en = &n->entries[n->n_entries++];
        snprintf(en->id, sizeof en->id, "%s-6.1.0", layer);
        en->layer = (char *)layer;
}

static struct node *node_new(void) {
        struct node *n = calloc(1, sizeof *n);
        assert_non_null(n);
        for (size_t i = 0; i < ELEMENTSOF(healthy); i++)
                add_lv(n, healthy[i]);
        n->vg_free = "4294967296";
        add_entry(n, NVR1 "+1");
        add_entry(n, NVR1 "+2");
        n->f.cmdline_bootid = NVR1 "+2";
        n->f.default_layer = NVR1 "+2";
        n->f.var_mounted = true;
        n->f.var_major = 253;
        n->f.var_minor = 9;
        n->f.autoextend_threshold = 70;
        n->services[0] = "sshd.service";
        n->states[0] = "active";
        n->f.services = n->services;
        n->f.service_states = n->states;
        n->f.n_services = 1;
        return n;
}

/* Builds the layout from the rows, marks booted/default like
 * node_layout_read() does, and evaluates. */
static void evaluate(struct node *n) {
        size_t len = 0;
        char *json = NULL;
        FILE *out = open_memstream(&json, &len);
        assert_non_null(out);
        fputs("{\"report\":[{\"lv\":[", out);
        for (size_t i = 0; i < n->n_lvs; i++) {
                char *row = row_json(&n->lvs[i], n->vg_free);
                fprintf(out, "%s%s", i ? "," : "", row);
                free(row);
        }
        fputs("]}]}", out);
        fclose(out);
        struct node_error e = {0};
        if (node_layout_from_lvs_json(json, NULL, &n->layout, &e) < 0)
                fail_msg("fixture layout: %s", e.message);
        free(json);
        char cmdline[512];
        snprintf(cmdline, sizeof cmdline, "root=/dev/onn/x img.bootid=%s", n->f.cmdline_bootid ? n->f.cmdline_bootid : "");
        node_layout_mark_booted(n->layout, n->f.cmdline_bootid ? cmdline : "", -1, -1);
        node_layout_mark_default(n->layout, n->f.default_layer);
        n->f.layout = n->layout;
        n->f.entries = n->entries;
        n->f.n_entries = n->n_entries;
        n->f.boot_dirs = n->boot_dirs;
        assert_int_equal(node_health_evaluate(&n->f, &n->r, &e), 0);
}

static void node_free(struct node *n) {
        node_health_report_free(&n->r);
        node_layout_free(n->layout);
        free(n);
}

/* The items of one check as "STATUS message" lines. */
static char *items_of(const struct node *n, const char *check) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        for (size_t i = 0; i < n->r.n_items; i++)
                if (streq(n->r.items[i].check, check))
                        fprintf(out, "%s %s\n", node_health_status_name(n->r.items[i].status), n->r.items[i].message);
        fclose(out);
        return text;
}

static void assert_items(const struct node *n, const char *check, const char *want) {
        char *got = items_of(n, check);
        assert_string_equal(got, want);
        free(got);
}

static void assert_leftovers(const struct node *n, const char *want) {
        char text[2048] = "";
        for (size_t i = 0; i < n->r.n_leftovers; i++) {
                size_t len = strlen(text);
                snprintf(text + len, sizeof text - len, "%s %s\n",
                         n->r.leftovers[i].kind == NODE_LEFTOVER_LV ? "lv" : "boot", n->r.leftovers[i].name);
        }
        assert_string_equal(text, want);
}

/* ---- the checks ------------------------------------------------------------ */

static void healthy_node_is_ok(void **state) {
        (void)state;
        struct node *n = node_new();
        evaluate(n);
        assert_int_equal(n->r.status, NODE_HEALTH_OK);
        assert_int_equal(n->r.n_items, 8);
        for (size_t i = 0; i < n->r.n_items; i++)
                if (n->r.items[i].status != NODE_HEALTH_OK)
                        fail_msg("%s: %s", n->r.items[i].check, n->r.items[i].message);
        assert_items(n, "layout", "OK Volume group onn has 1 bases and 2 layers; their tags and names agree.\n");
        assert_items(n, "booted", "OK The node runs layer " NVR1 "+2.\n");
        assert_items(n, "var", "OK /var is volume var, shared by every layer.\n");
        assert_items(n, "pool", "OK Thin pool pool00 uses 40.0% of its data and 20.0% of its metadata.\n");
        assert_items(n, "autoextend",
                     "OK The thin pool extends itself at 70% use; volume group onn has 4.0 GiB free for it.\n");
        assert_items(n, "services", "OK Running: sshd.service.\n");
        assert_leftovers(n, "");
        node_free(n);
}

static void leftovers_are_named(void **state) {
        (void)state;
        struct node *n = node_new();
        /* an upgrade killed after its base and layer were made, its entry written */
        add_lv(n, (struct lv_spec){ NVR2, "imgbased:base,nodecon:partial", "Vwi---tz-k", NULL, -1, NULL, NULL });
        add_lv(n, (struct lv_spec){ NVR2 "+1", "imgbased:layer,nodecon:partial", "Vwi---tz-k", NVR2, -1, NULL, NULL });
        add_lv(n, (struct lv_spec){ "tmp-upgrade", "nodecon:partial", "Vwi---tz--", NULL, -1, NULL, NULL });
        add_entry(n, NVR2 "+1");
        add_entry(n, NVR9 "+1");          /* its layer never existed */
        n->boot_dirs[0] = NVR9 "+3";      /* kernel files of a layer that is gone */
        n->boot_dirs[1] = NVR1 "+1";      /* a real layer's: not a leftover */
        n->f.n_boot_dirs = 2;
        evaluate(n);
        assert_int_equal(n->r.status, NODE_HEALTH_WARN);
        assert_leftovers(n, "boot " NVR2 "+1\nboot " NVR9 "+1\nboot " NVR9 "+3\nlv " NVR2 "+1\nlv " NVR2 "\nlv tmp-upgrade\n");
        assert_items(n, "leftovers",
                     "WARN The boot entry and /boot files of layer " NVR2 "+1 are left from an interrupted upgrade, "
                     "layer addition or removal (the layer is unfinished); nodectl check --repair removes them.\n"
                     "WARN The boot entry or /boot files of layer " NVR9 "+1 are left over: the layer does not exist; "
                     "nodectl check --repair removes them.\n"
                     "WARN The boot entry or /boot files of layer " NVR9 "+3 are left over: the layer does not exist; "
                     "nodectl check --repair removes them.\n"
                     "WARN Layer " NVR2 "+1 is left from an interrupted upgrade, layer addition or removal (tagged nodecon:partial); nodectl "
                     "check --repair removes it.\n"
                     "WARN Base " NVR2 " is left from an interrupted upgrade, layer addition or removal (tagged nodecon:partial); nodectl check "
                     "--repair removes it.\n"
                     "WARN LV tmp-upgrade is left from an interrupted upgrade, layer addition or removal (tagged nodecon:partial); nodectl check "
                     "--repair removes it.\n");
        /* partial layers need no entry, and the layout does not complain of them */
        assert_items(n, "boot-entries", "OK Every layer has a boot entry (4 entries).\n");
        assert_items(n, "layout", "OK Volume group onn has 2 bases and 3 layers; their tags and names agree.\n");
        node_free(n);

        /* an upgrade still running says so */
        n = node_new();
        add_lv(n, (struct lv_spec){ NVR2, "imgbased:base,nodecon:partial", "Vwi-a-tz--", NULL, 12, "1.00", NULL });
        n->f.lock_busy = true;
        evaluate(n);
        assert_items(n, "leftovers",
                     "WARN Base " NVR2 " is left from an interrupted upgrade, layer addition or removal (tagged nodecon:partial) (another "
                     "operation is running and may still be making it); nodectl check --repair removes it.\n");
        node_free(n);
}

static void running_and_default_never_leftovers(void **state) {
        (void)state;
        struct node *n = node_new();
        /* the running layer tagged partial (an upgrade finished by hand?) */
        lv(n, NVR1 "+2")->tags = "imgbased:layer,nodecon:partial";
        lv(n, NVR1)->tags = "imgbased:base,nodecon:partial";
        evaluate(n);
        assert_int_equal(n->r.status, NODE_HEALTH_FAILED);
        assert_leftovers(n, "");
        assert_items(n, "leftovers",
                     "FAILED Layer " NVR1 "+2 runs or boots next but is tagged nodecon:partial (an unfinished "
                     "upgrade); it is not removed.\n"
                     "WARN Base " NVR1 " is tagged nodecon:partial, but layer " NVR1 "+1 uses it; it is not removed.\n");
        node_free(n);

        /* the default entry names a layer that is gone: failed, and left for the admin */
        n = node_new();
        add_entry(n, NVR9 "+1");
        n->f.default_layer = NVR9 "+1";
        evaluate(n);
        assert_int_equal(n->r.status, NODE_HEALTH_FAILED);
        assert_leftovers(n, "");
        assert_items(n, "boot-entries",
                     "FAILED The default boot entry starts layer " NVR9 "+1, which does not exist; choose another "
                     "with nodectl boot --set-default.\n");
        node_free(n);

        /* nor the files of the layer the kernel was started for */
        n = node_new();
        n->f.cmdline_bootid = NVR9 "+1";
        n->boot_dirs[0] = NVR9 "+1";
        n->f.n_boot_dirs = 1;
        evaluate(n);
        assert_leftovers(n, "");
        assert_items(n, "booted",
                     "FAILED The kernel was started for layer " NVR9 "+1 (img.bootid), which volume group onn does "
                     "not have.\n");
        node_free(n);
}

static void boot_entries(void **state) {
        (void)state;
        struct node *n = node_new();
        n->n_entries = 1;   /* +2 lost its entry */
        add_entry(n, "../../etc");
        evaluate(n);
        assert_items(n, "boot-entries",
                     "WARN Layer " NVR1 "+2 has no boot entry, so it cannot be booted.\n"
                     "WARN Boot entry ../../etc-6.1.0 names layer \"../../etc\", which cannot be an LV name.\n");
        assert_leftovers(n, "");
        assert_int_equal(n->r.status, NODE_HEALTH_WARN);
        node_free(n);

        n = node_new();
        n->n_entries = 0;
        evaluate(n);
        assert_items(n, "boot-entries",
                     "WARN There are no boot entries in /boot/loader/entries, /boot/efi/loader/entries or "
                     "/efi/loader/entries.\n");
        node_free(n);
}

static void pool_thresholds(void **state) {
        (void)state;
        static const struct { const char *data, *meta; enum node_health_status want; } cases[] = {
                { "79.99", "10.00", NODE_HEALTH_OK },
                { "80.00", "10.00", NODE_HEALTH_WARN },
                { "10.00", "85.00", NODE_HEALTH_WARN },
                { "94.90", "10.00", NODE_HEALTH_WARN },
                { "10.00", "96.00", NODE_HEALTH_FAILED },
                { "100.00", "10.00", NODE_HEALTH_FAILED },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct node *n = node_new();
                lv(n, "pool00")->data = cases[i].data;
                lv(n, "pool00")->meta = cases[i].meta;
                evaluate(n);
                assert_int_equal(n->r.n_items, 8);
                for (size_t k = 0; k < n->r.n_items; k++)
                        if (streq(n->r.items[k].check, "pool") && n->r.items[k].status != cases[i].want)
                                fail_msg("data %s meta %s: %s", cases[i].data, cases[i].meta, n->r.items[k].message);
                assert_int_equal(n->r.status, cases[i].want);
                node_free(n);
        }
        struct node *n = node_new();
        lv(n, "pool00")->minor = -1;
        lv(n, "pool00")->data = lv(n, "pool00")->meta = NULL;
        evaluate(n);
        assert_items(n, "pool", "WARN The use of thin pool pool00 is unknown: it is not active.\n");
        node_free(n);
}

static void autoextend(void **state) {
        (void)state;
        struct node *n = node_new();
        n->f.autoextend_threshold = 100;
        evaluate(n);
        assert_items(n, "autoextend",
                     "WARN The thin pool never extends itself (activation/thin_pool_autoextend_threshold is 100); "
                     "set it below 100 in lvm.conf so a filling pool grows instead of stopping every layer.\n");
        assert_int_equal(n->r.status, NODE_HEALTH_WARN);
        node_free(n);

        n = node_new();
        n->vg_free = "0";
        evaluate(n);
        assert_items(n, "autoextend",
                     "WARN The thin pool extends itself at 70% use, but volume group onn has no free space to "
                     "extend into.\n");
        node_free(n);

        n = node_new();
        n->f.autoextend_threshold = -1;
        n->f.autoextend_error = "lvmconfig could not read activation/thin_pool_autoextend_threshold: broken.";
        evaluate(n);
        assert_items(n, "autoextend", "WARN lvmconfig could not read activation/thin_pool_autoextend_threshold: broken.\n");
        node_free(n);
}

static void var_volume(void **state) {
        (void)state;
        struct node *n = node_new();
        n->f.var_mounted = false;
        evaluate(n);
        assert_items(n, "var",
                     "FAILED /var is not a separate mount: it would be rolled back with the layer and lost on "
                     "upgrade.\n");
        assert_int_equal(n->r.status, NODE_HEALTH_FAILED);
        node_free(n);

        n = node_new();
        n->f.var_minor = 6;   /* the layer's own device */
        evaluate(n);
        assert_items(n, "var", "WARN /var is mounted from device 253:6, which is no volume of onn tagged imgbased:volume.\n");
        node_free(n);

        n = node_new();
        n->f.cmdline_bootid = NULL;
        n->f.var_mounted = false;
        evaluate(n);
        assert_items(n, "var", "WARN The node does not run from one of its layers, so /var is not checked.\n");
        assert_items(n, "booted",
                     "WARN The node does not run from a layer of volume group onn (no img.bootid, and / is none of "
                     "its layers).\n");
        node_free(n);
}

static void services(void **state) {
        (void)state;
        struct node *n = node_new();
        n->services[1] = "vdsmd.service";
        n->states[1] = "failed";
        n->f.n_services = 2;
        evaluate(n);
        assert_items(n, "services", "FAILED Service vdsmd.service is not running (systemd says failed).\n");
        assert_int_equal(n->r.status, NODE_HEALTH_FAILED);
        node_free(n);

        n = node_new();
        n->f.service_states = NULL;
        evaluate(n);
        assert_items(n, "services", "WARN systemd is not running here, so sshd.service are not checked.\n");
        node_free(n);

        n = node_new();
        n->f.n_services = 0;
        evaluate(n);
        assert_items(n, "services", "OK No services are listed to be checked (health_services in "
                                    "/etc/nodecon/nodecon.conf).\n");
        node_free(n);

        n = node_new();
        n->f.services_error = "/etc/nodecon/nodecon.conf line 3: \"-x\" is not a systemd unit name.";
        evaluate(n);
        assert_items(n, "services", "WARN /etc/nodecon/nodecon.conf line 3: \"-x\" is not a systemd unit name.\n");
        node_free(n);
}

static void layout_consistency(void **state) {
        (void)state;
        struct node *n = node_new();
        lv(n, NVR1)->attr = "Vwi---tz-k";                                   /* writable base */
        add_lv(n, (struct lv_spec){ NVR2 "+1", "", "Vwi---tz--", NULL, -1, NULL, NULL });   /* untagged */
        add_lv(n, (struct lv_spec){ "mylayer", "imgbased:layer", "Vwi---tz--", NULL, -1, NULL, NULL });
        lv(n, NVR1 "+1")->origin = "var";                                  /* snapshot of something else */
        evaluate(n);
        assert_items(n, "layout",
                     "WARN Base " NVR1 " is writable; a base must stay read-only to remain the image it was.\n"
                     "WARN Layer " NVR1 "+1 is named after base " NVR1 " but is a snapshot of var.\n"
                     "WARN LV " NVR2 "+1 is named like a layer but has no imgbased:layer tag, so it is not used as "
                     "one.\n"
                     "WARN LV mylayer is tagged imgbased:layer, but its name is not NVR+N.\n");
        node_free(n);

        /* no layer at all */
        n = node_new();
        n->n_lvs = 2;
        n->n_entries = 0;
        n->f.cmdline_bootid = n->f.default_layer = NULL;
        evaluate(n);
        assert_items(n, "layout", "FAILED Volume group onn has no layer to boot.\n");
        assert_int_equal(n->r.status, NODE_HEALTH_FAILED);
        node_free(n);
}

/* The boot's record: why first, then every finding that was not OK. */
static void record_text(void **state) {
        (void)state;
        struct node *n = node_new();
        evaluate(n);
        assert_null(node_health_record_text(&n->r));
        node_free(n);

        n = node_new();
        n->services[1] = "vdsmd.service";
        n->states[1] = "failed";
        n->services[2] = "libvirtd.service";
        n->states[2] = "inactive";
        n->f.n_services = 3;
        n->f.autoextend_threshold = 100;
        evaluate(n);
        char *text = node_health_record_text(&n->r);
        assert_non_null(text);
        assert_string_equal(text,
                            "Service vdsmd.service is not running (systemd says failed). Service libvirtd.service is "
                            "not running (systemd says inactive).\n"
                            "WARN autoextend: The thin pool never extends itself (activation/"
                            "thin_pool_autoextend_threshold is 100); set it below 100 in lvm.conf so a filling pool "
                            "grows instead of stopping every layer.\n"
                            "FAILED services: Service vdsmd.service is not running (systemd says failed).\n"
                            "FAILED services: Service libvirtd.service is not running (systemd says inactive).\n");
        free(text);
        node_free(n);

        /* WARN alone is healthy, but recorded with the warnings as the reason */
        n = node_new();
        n->f.autoextend_threshold = 100;
        evaluate(n);
        text = node_health_record_text(&n->r);
        assert_non_null(text);
        assert_true(startswith(text, "The thin pool never extends itself"));
        assert_non_null(strstr(text, "\nWARN autoextend: "));
        free(text);
        node_free(n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(healthy_node_is_ok),
                cmocka_unit_test(leftovers_are_named),
                cmocka_unit_test(running_and_default_never_leftovers),
                cmocka_unit_test(boot_entries),
                cmocka_unit_test(pool_thresholds),
                cmocka_unit_test(autoextend),
                cmocka_unit_test(var_volume),
                cmocka_unit_test(services),
                cmocka_unit_test(layout_consistency),
                cmocka_unit_test(record_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
