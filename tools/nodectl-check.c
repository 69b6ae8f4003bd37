/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl check [--repair]: the node's health, and the removal of what an
 * interrupted upgrade left behind. */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "i18n.h"
#include "lock.h"
#include "util.h"

#include "nodectl.h"

static const char *leftover_kind_name(enum node_leftover_kind kind) {
        return kind == NODE_LEFTOVER_LV ? "lv" : "boot";
}

static struct json_object *leftovers_json(const struct node_leftover *v, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "kind", json_object_new_string(leftover_kind_name(v[i].kind)));
                json_object_object_add(j, "name", json_object_new_string(v[i].name));
                json_object_array_add(a, j);
        }
        return a;
}

static void print_report(const struct options *o, const struct node_health_report *rep,
                         const struct node_leftover *removed, size_t n_removed, bool repaired) {
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "status", json_object_new_string(node_health_status_name(rep->status)));
                struct json_object *checks = json_object_new_array();
                for (size_t i = 0; i < rep->n_items; i++) {
                        struct json_object *c = json_object_new_object();
                        json_object_object_add(c, "check", json_object_new_string(rep->items[i].check));
                        json_object_object_add(c, "status",
                                               json_object_new_string(node_health_status_name(rep->items[i].status)));
                        json_object_object_add(c, "message", json_object_new_string(rep->items[i].message));
                        json_object_array_add(checks, c);
                }
                json_object_object_add(j, "checks", checks);
                json_object_object_add(j, "leftovers", leftovers_json(rep->leftovers, rep->n_leftovers));
                if (repaired)
                        json_object_object_add(j, "removed", leftovers_json(removed, n_removed));
                print_json(j);
                json_object_put(j);
                return;
        }
        for (size_t i = 0; i < n_removed; i++)
                printf(removed[i].kind == NODE_LEFTOVER_LV ? _("Removed LV %s.\n")
                                                           : _("Removed the boot entries and /boot files of %s.\n"),
                       removed[i].name);
        for (size_t i = 0; i < rep->n_items; i++)
                printf("%-6s  %-12s  %s\n", node_health_status_name(rep->items[i].status), rep->items[i].check,
                       rep->items[i].message);
        printf(_("Status: %s\n"), node_health_status_name(rep->status));
}

static int verb_check(const struct options *o, int argc, char **argv) {
        bool repair = false, boot = false;
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--repair"))
                        repair = true;
                else if (streq(argv[i], "--boot"))
                        boot = true;
                else
                        return usage_error(_("Unknown argument '%s' for check (see nodectl --help)."), QUOTED(argv[i]));
        }
        if (repair && boot)
                return usage_error("%s", _("'check' takes --repair or --boot, not both."));
        /* only a repair changes the node and leaves an audit record */
        if (!repair)
                nodectl_audit_skip();
        struct node_error e = {0};
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r;
        if (repair && (r = node_lock_acquire(&o->ctx, &lock, &e)) < 0)
                return fail(&e, r);

        struct node_health_report rep;
        if ((r = node_health_check(&o->ctx, repair, &rep, &e)) < 0)
                return fail(&e, r);
        _cleanup_free_ struct node_leftover *removed = NULL;
        size_t n_removed = 0;
        if (repair && rep.n_leftovers) {
                removed = calloc(rep.n_leftovers, sizeof *removed);
                if (!removed) {
                        node_health_report_free(&rep);
                        return fail(&e, -ENOMEM);
                }
                r = node_health_repair(&o->ctx, &rep, removed, &n_removed, &e);
                node_health_report_free(&rep);
                if (r < 0) {
                        for (size_t i = 0; !o->json && i < n_removed; i++)
                                printf(_("Removed %s.\n"), removed[i].name);
                        return fail(&e, r);
                }
                /* what the admin sees is the node as it is now */
                if ((r = node_health_check(&o->ctx, true, &rep, &e)) < 0)
                        return fail(&e, r);
        }
        print_report(o, &rep, removed, n_removed, repair);
        int rc = rep.status == NODE_HEALTH_FAILED ? EXIT_FAILED : EXIT_OK;
        char layer[NODE_BOOT_ID_MAX];
        if (boot && (r = node_health_record_boot(&o->ctx, &rep, layer, &e)) < 0) {
                node_health_report_free(&rep);
                return fail(&e, r);
        }
        node_health_report_free(&rep);
        return rc;
}

const struct nodectl_verb nodectl_check_verbs[] = {
        { "check", verb_check, "check [--repair | --boot]",
          N_("Check the node's health (OK/WARN/FAILED); --repair removes an interrupted upgrade's leftovers, --boot "
             "records the verdict of this boot") },
        {}
};
