/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl network ntp: the NTP servers of the node's time daemon, shown,
 * set, or given back to the distribution's configuration. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lock.h"
#include "ntp.h"
#include "util.h"

#include "nodectl.h"

static struct json_object *servers_json(char **v) {
        struct json_object *a = json_object_new_array();
        for (; v && *v; v++)
                json_object_array_add(a, json_object_new_string(*v));
        return a;
}

static int show_ntp(const struct options *o) {
        struct node_error e = { 0 };
        struct node_ntp ntp;
        int r = node_ntp_read(&o->ctx, &ntp, &e);
        if (r < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "daemon", json_object_new_string(node_ntp_daemon_name(ntp.daemon)));
                json_object_object_add(j, "servers", servers_json(ntp.servers));
                json_object_object_add(j, "set_by_nodecon", json_object_new_boolean(ntp.ours));
                json_object_object_add(j, "also", servers_json(ntp.others));
                json_object_object_add(j, "drop_in", json_object_new_string(ntp.drop_in));
                print_json(j);
                json_object_put(j);
        } else {
                printf(_("Time daemon: %s\n"), node_ntp_daemon_name(ntp.daemon));
                printf(_("NTP servers:"));
                for (char **s = ntp.servers; *s; s++)
                        printf(" %s", *s);
                printf("%s\n", ntp.servers[0] ? "" : _(" (none: the daemon's built-in defaults)"));
                printf(ntp.ours ? _("Set by nodecon in %s.\n") : _("From the distribution's files (nodecon would write %s).\n"),
                       ntp.drop_in);
                if (ntp.others[0]) {
                        printf(_("Also used (other files):"));
                        for (char **s = ntp.others; *s; s++)
                                printf(" %s", *s);
                        putchar('\n');
                }
        }
        node_ntp_free(&ntp);
        return EXIT_OK;
}

/* "a,b,c" into a NULL-terminated vector in buf (which it cuts up);
 * -EINVAL for an empty name ("a,,b"). */
static int split_servers(char *buf, const char **out, size_t max, size_t *n) {
        *n = 0;
        out[0] = NULL;
        if (!*buf)
                return 0;
        for (char *rest = buf, *s; (s = strsep(&rest, ","));) {
                if (!*s)
                        return -EINVAL;
                if (*n >= max)
                        return -E2BIG;
                out[(*n)++] = s;
        }
        out[*n] = NULL;
        return 0;
}

int network_ntp(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "set", required_argument, NULL, 's' },
                { "clear", no_argument, NULL, 'c' },
                {}
        };
        const char *set = NULL;
        bool clear = false;
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
                if (c == 's')
                        set = optarg;
                else if (c == 'c')
                        clear = true;
                else
                        return usage_error("%s", _("'network ntp' takes --set SERVER,... or --clear."));
        }
        if (optind < argc)
                return usage_error(_("'network ntp' takes no arguments: %s"), argv[optind]);
        if (set && clear)
                return usage_error("%s", _("'network ntp' takes --set or --clear, not both."));
        if (!set && !clear)
                return show_ntp(o);

        _cleanup_free_ char *buf = strdup(set ? set : "");
        const char *servers[NODE_NTP_MAX_SERVERS + 2];
        size_t n = 0;
        struct node_error e = { 0 };
        int r;
        if (!buf)
                return fail(&e, -ENOMEM);
        if ((r = split_servers(buf, servers, NODE_NTP_MAX_SERVERS + 1, &n)) == -EINVAL)
                return usage_error("%s", _("'--set' has an empty server name: separate the servers with single commas."));
        if (r < 0 || n > NODE_NTP_MAX_SERVERS) {
                fprintf(stderr, _("nodectl: At most %d NTP servers can be set.\n"), NODE_NTP_MAX_SERVERS);
                return EXIT_USAGE;
        }
        if (set && n == 0)
                return usage_error("%s", _("'--set' needs at least one server; '--clear' goes back to the distribution's."));
        for (size_t i = 0; i < n; i++)
                if ((r = node_ntp_check_server(servers[i], &e)) < 0)
                        return fail(&e, r);
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        struct node_ntp_applied applied;
        if ((r = node_lock_acquire(&o->ctx, &lock, &e)) < 0 || (r = node_ntp_set(&o->ctx, servers, &applied, &e)) < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "daemon", json_object_new_string(node_ntp_daemon_name(applied.daemon)));
                json_object_object_add(j, "servers", servers_json((char **)servers));
                json_object_object_add(j, "told", json_object_new_boolean(applied.told));
                json_object_object_add(j, "note", json_string_or_null(applied.note[0] ? applied.note : NULL));
                print_json(j);
                json_object_put(j);
                return EXIT_OK;
        }
        if (n)
                printf(_("The NTP servers of %s are set.\n"), node_ntp_daemon_name(applied.daemon));
        else
                printf(_("The NTP servers of %s are the distribution's again.\n"), node_ntp_daemon_name(applied.daemon));
        if (applied.note[0])
                printf("%s\n", applied.note);
        return EXIT_OK;
}
