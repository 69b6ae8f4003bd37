/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl services / service: the node's systemd units and their actions. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "lock.h"
#include "nodectl.h"
#include "services.h"
#include "util.h"

/* How long an action may take before nodectl stops waiting (vdsmd can take a while to stop). */
#define ACTION_TIMEOUT_SEC 120


static void print_services_json(const struct node_service_list *l) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < l->n_services; i++) {
                const struct node_service *s = &l->services[i];
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "name", json_object_new_string(s->name));
                json_object_object_add(o, "description", json_object_new_string(s->description));
                json_object_object_add(o, "load_state", json_object_new_string(s->load_state));
                json_object_object_add(o, "active_state", json_object_new_string(s->active_state));
                json_object_object_add(o, "sub_state", json_object_new_string(s->sub_state));
                json_object_object_add(o, "unit_file_state", json_string_or_null(s->unit_file_state));
                json_object_object_add(o, "since_usec", s->since_usec ? json_object_new_uint64(s->since_usec) : NULL);
                json_object_object_add(o, "requested", json_object_new_boolean(s->requested));
                json_object_array_add(arr, o);
        }
        struct json_object *root = json_object_new_object();
        json_object_object_add(root, "services", arr);
        json_object_object_add(root, "failed", json_object_new_uint64(l->n_failed));
        print_json(root);
        json_object_put(root);
}

static void print_services_table(const struct node_service_list *l) {
        printf("%-28s %-12s %-10s %-10s %s\n", _("UNIT"), _("ACTIVE"), _("STATE"), _("ENABLED"), _("SINCE"));
        for (size_t i = 0; i < l->n_services; i++) {
                const struct node_service *s = &l->services[i];
                char since[32];
                format_local_usec(s->since_usec, "%Y-%m-%d %H:%M:%S", since, sizeof since);
                if (streq(s->load_state, "not-found")) {
                        printf("%-28s %s\n", s->name, _("not installed"));
                        continue;
                }
                printf("%-28s %-12s %-10s %-10s %s\n", s->name, s->active_state, s->sub_state,
                       s->unit_file_state ? s->unit_file_state : "-", since);
        }
        if (l->n_failed)
                printf(P_("%zu unit has failed.\n", "%zu units have failed.\n", l->n_failed), l->n_failed);
}

static int verb_services(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("'services' takes no arguments: %.60s"), argv[1]);
        struct node_error e = {0};
        struct node_service_list l;
        int r = node_services_list(&o->ctx, node_services_default, &l, &e);
        if (r < 0) {
                fail(&e, r);
                return EXIT_FAILED;
        }
        if (o->json)
                print_services_json(&l);
        else
                print_services_table(&l);
        int rc = l.n_failed ? EXIT_FAILED : EXIT_OK;
        node_service_list_free(&l);
        return rc;
}

static int act(const struct options *o, const char *unit, enum node_service_action action) {
        struct node_error e = {0};
        char full[256];
        int r = node_service_name(unit, full, sizeof full, &e);
        if (r < 0)
                return fail(&e, r);
        r = node_service_act(&o->ctx, full, action, ACTION_TIMEOUT_SEC, &e);
        if (r < 0) {
                int rc = fail(&e, r);
                return rc == EXIT_USAGE ? rc : EXIT_FAILED;
        }
        static const char *const done[] = { N_("%s started.\n"), N_("%s stopped.\n"), N_("%s restarted.\n") };
        if (!o->json)
                printf(_(done[action]), full);
        return EXIT_OK;
}

static int verb_service(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = { { "yes", no_argument, NULL, 'y' }, {} };
        bool yes = false;
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "y", longopts, NULL)) >= 0) {
                if (c != 'y')
                        return usage_error("%s", _("Unknown option for 'service'."));
                yes = true;
        }
        argc -= optind;
        argv += optind;
        if (argc == 1 && streq(argv[0], "restart-agents")) {
                /* fall through below with the agents */
        } else if (argc != 2) {
                return usage_error("%s", _("Usage: nodectl service (start|stop|restart) UNIT | restart-agents"));
        }

        enum node_service_action action;
        if (streq(argv[0], "start"))
                action = NODE_SERVICE_START;
        else if (streq(argv[0], "stop"))
                action = NODE_SERVICE_STOP;
        else if (streq(argv[0], "restart") || streq(argv[0], "restart-agents"))
                action = NODE_SERVICE_RESTART;
        else
                return usage_error(_("Unknown service action '%.60s': use start, stop, restart or restart-agents."),
                                   argv[0]);

        if (action == NODE_SERVICE_STOP && !confirmed(yes, _("Stop it? Whatever depends on it stops too.")))
                return EXIT_FAILED;

        struct node_error e = {0};
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r < 0)
                return fail(&e, r);

        if (argc == 1) {
                for (const char *const *a = node_services_agents; *a; a++) {
                        int rc = act(o, *a, NODE_SERVICE_RESTART);
                        if (rc != EXIT_OK)
                                return rc;
                }
                return EXIT_OK;
        }
        return act(o, argv[1], action);
}

const struct nodectl_verb nodectl_service_verbs[] = {
        { "services", verb_services, "services", N_("The node's services and every failed unit") },
        { "service", verb_service, "service (start|stop|restart) UNIT [--yes] | restart-agents",
          N_("Start, stop or restart a unit and wait for systemd's verdict") },
        {}
};
