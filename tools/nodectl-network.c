/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl network: show the NICs, change them inside a NetworkManager
 * checkpoint that rolls back unless confirmed, the emergency reset, the
 * host name and the connectivity test. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "lock.h"
#include "netdiag.h"
#include "netvalid.h"
#include "network.h"
#include "util.h"

#include "nodectl.h"

/* A pending change or a held lock is "busy" (7); bad input is a usage error
 * (2); the rest, NM unreachable included, is a failure (1). */
static int net_fail(const struct node_error *e, int r) {
        fprintf(stderr, "nodectl: %s\n", e->message[0] ? e->message : strerror(-r));
        switch (-r) {
        case EINVAL:
                return EXIT_USAGE;
        case EBUSY:
                return EXIT_LOCKED;
        case EPERM:
                fprintf(stderr, _("Add --force to change it anyway.\n"));
                return EXIT_FAILED;
        default:
                return EXIT_FAILED;
        }
}

/* ---- network (show) ------------------------------------------------------ */

static struct json_object *strv_json(char **v) {
        struct json_object *a = json_object_new_array();
        for (; v && *v; v++)
                json_object_array_add(a, json_object_new_string(*v));
        return a;
}

static struct json_object *pending_json(const struct node_net_pending *p) {
        if (!p->active)
                return NULL;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "checkpoint", json_object_new_string(p->checkpoint));
        json_object_object_add(o, "seconds_left", json_object_new_int((int)p->seconds_left));
        json_object_object_add(o, "timeout", json_object_new_int((int)p->timeout));
        return o;
}

static struct json_object *state_json(const struct node_net_state *s) {
        struct json_object *root = json_object_new_object();
        json_object_object_add(root, "hostname", json_string_or_null(s->hostname));
        json_object_object_add(root, "engine_bridge", json_object_new_boolean(s->engine_bridge));
        json_object_object_add(root, "pending", pending_json(&s->pending));
        struct json_object *nics = json_object_new_array();
        for (size_t i = 0; i < s->n_nics; i++) {
                const struct node_nic *n = &s->nics[i];
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "name", json_object_new_string(n->name));
                json_object_object_add(o, "type", json_string_or_null(n->type));
                json_object_object_add(o, "state", json_string_or_null(n->state));
                json_object_object_add(o, "carrier", json_object_new_boolean(n->carrier));
                json_object_object_add(o, "speed_mbps", n->speed_mbps ? json_object_new_int((int)n->speed_mbps) : NULL);
                json_object_object_add(o, "mac", json_string_or_null(n->mac));
                json_object_object_add(o, "driver", json_string_or_null(n->driver));
                json_object_object_add(o, "mtu", json_object_new_int((int)n->mtu));
                json_object_object_add(o, "ipv4", strv_json(n->ipv4));
                json_object_object_add(o, "ipv6", strv_json(n->ipv6));
                json_object_object_add(o, "gateway4", json_string_or_null(n->gateway4));
                json_object_object_add(o, "gateway6", json_string_or_null(n->gateway6));
                json_object_object_add(o, "dns", strv_json(n->dns));
                json_object_object_add(o, "search", strv_json(n->search));
                json_object_object_add(o, "connection", json_string_or_null(n->connection));
                json_object_object_add(o, "controller", json_string_or_null(n->controller));
                json_object_object_add(o, "ports", strv_json(n->ports));
                json_object_object_add(o, "vlan_id", n->vlan_id ? json_object_new_int((int)n->vlan_id) : NULL);
                json_object_object_add(o, "vlan_parent", json_string_or_null(n->vlan_parent));
                json_object_object_add(o, "engine_managed", json_object_new_boolean(n->engine_managed));
                json_object_array_add(nics, o);
        }
        json_object_object_add(root, "interfaces", nics);
        return root;
}

static void print_list(const char *label, char **v) {
        if (!v || !*v)
                return;
        printf("    %-8s", label);
        for (; *v; v++)
                printf(" %s", *v);
        putchar('\n');
}

static void print_state(const struct node_net_state *s) {
        printf(_("Host name: %s\n"), s->hostname ? s->hostname : _("(not set)"));
        if (s->pending.active)
                printf(_("A change waits for confirmation: NetworkManager reverts it in %u s "
                         "(nodectl network confirm | revert).\n"),
                       s->pending.seconds_left);
        if (s->engine_bridge)
                printf(_("The engine manages this node's network (ovirtmgmt): interfaces marked * carry it.\n"));
        printf("\n%-16s %-9s %-13s %-5s %10s  %-17s  %s\n", _("INTERFACE"), _("TYPE"), _("STATE"), _("LINK"), _("SPEED"),
               _("MAC"), _("PROFILE"));
        for (size_t i = 0; i < s->n_nics; i++) {
                const struct node_nic *n = &s->nics[i];
                char name[32], speed[16] = "-";
                snprintf(name, sizeof name, "%s%s", n->name, n->engine_managed ? "*" : "");
                if (n->speed_mbps)
                        snprintf(speed, sizeof speed, "%uMb/s", n->speed_mbps);
                printf("%-16s %-9s %-13s %-5s %10s  %-17s  %s\n", name, n->type ? n->type : "-", n->state,
                       n->carrier ? _("up") : _("down"), speed, n->mac ? n->mac : "-",
                       n->connection ? n->connection : "-");
                print_list("IPv4", n->ipv4);
                if (n->gateway4)
                        printf("    %-8s %s\n", _("gateway"), n->gateway4);
                print_list("IPv6", n->ipv6);
                if (n->gateway6)
                        printf("    %-8s %s\n", _("gateway"), n->gateway6);
                print_list("DNS", n->dns);
                print_list(_("search"), n->search);
                if (n->controller)
                        printf("    %-8s %s\n", _("port of"), n->controller);
                print_list(_("ports"), n->ports);
                if (n->vlan_id)
                        printf("    %-8s %u %s %s\n", "VLAN", n->vlan_id, _("on"), n->vlan_parent ? n->vlan_parent : "?");
                if (n->driver || n->mtu)
                        printf("    %-8s %s, MTU %u\n", _("driver"), n->driver ? n->driver : "-", n->mtu);
        }
}

static int show(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("'network' takes no arguments here: %s"), argv[1]);
        struct node_error e = { 0 };
        _cleanup_net_ struct node_net *net = NULL;
        int r = node_net_open(&net, &e);
        if (r < 0)
                return net_fail(&e, r);
        struct node_net_state state;
        if ((r = node_net_read(net, &o->ctx, &state, &e)) < 0)
                return net_fail(&e, r);
        if (o->json) {
                struct json_object *j = state_json(&state);
                print_json(j);
                json_object_put(j);
        } else {
                print_state(&state);
        }
        node_net_state_free(&state);
        return EXIT_OK;
}

/* ---- changing ------------------------------------------------------------ */

/* Values of repeatable options; "a,b" counts as two. */
struct list {
        char **v;     /* NULL-terminated once anything was added */
        size_t n;
};

static void list_add(struct list *l, const char *text) {
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                abort();
        for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char **v = realloc(l->v, (l->n + 2) * sizeof *v);
                if (!v || !(v[l->n] = strdup(item)))
                        abort();
                v[++l->n] = NULL;
                l->v = v;
        }
        /* "--dns ''" still means "this list, empty" (clears the servers) */
        if (!l->v && !(l->v = calloc(1, sizeof *l->v)))
                abort();
}

static void list_free(struct list *l) {
        strv_free(l->v);
        *l = (struct list){ 0 };
}

struct change_args {
        struct node_net_change change;
        struct list addresses4, addresses6, dns, search, ports;
        const char *gateway;
        bool wait_confirm;
};

static void change_args_free(struct change_args *a) {
        list_free(&a->addresses4), list_free(&a->addresses6), list_free(&a->dns), list_free(&a->search);
        list_free(&a->ports);
}

static int parse_method(const char *text, const char *const *names, size_t n, int *out, const char *what) {
        for (size_t i = 1; i < n; i++)
                if (names[i] && streq(text, names[i])) {
                        *out = (int)i;
                        return 0;
                }
        return usage_error(what, text);
}

static int parse_number(const char *text, const char *what, unsigned min, unsigned max, unsigned *out) {
        struct node_error e = { 0 };
        if (node_check_number(text, what, min, max, out, &e) < 0)
                return usage_error("%s", e.message);
        return 0;
}

/* The addresses of both families come in through --address; a gateway goes
 * to the family it belongs to. */
static int sort_addresses(struct change_args *a) {
        struct list all = { a->addresses4.v, a->addresses4.n };
        a->addresses4 = (struct list){ 0 };
        for (size_t i = 0; i < all.n; i++)
                list_add(strchr(all.v[i], ':') ? &a->addresses6 : &a->addresses4, all.v[i]);
        list_free(&all);
        a->change.addresses4 = (const char *const *)a->addresses4.v;
        a->change.addresses6 = (const char *const *)a->addresses6.v;
        if (a->gateway && strchr(a->gateway, ':'))
                a->change.gateway6 = a->gateway;
        else
                a->change.gateway4 = a->gateway;
        a->change.dns = (const char *const *)a->dns.v;
        a->change.search = (const char *const *)a->search.v;
        a->change.bond_ports = (const char *const *)a->ports.v;
        return 0;
}

static const char *const ip4_names[] = {
        [NODE_IP4_DISABLED] = "disabled", [NODE_IP4_DHCP] = "dhcp", [NODE_IP4_STATIC] = "static",
};
static const char *const ip6_names[] = {
        [NODE_IP6_IGNORE] = "ignore", [NODE_IP6_AUTO] = "auto", [NODE_IP6_DHCP] = "dhcp", [NODE_IP6_STATIC] = "static",
};

/* Parses apply's or reset's options; reset allows only a few. */
static int parse_change(int argc, char **argv, bool reset, struct change_args *a) {
        enum { O_IPV4 = 256, O_IPV6, O_ADDRESS, O_GATEWAY, O_DNS, O_SEARCH, O_MTU, O_VLAN, O_BOND, O_MODE, O_MIIMON,
               O_BRIDGE, O_STP, O_CONFIRM, O_FORCE, O_STATIC, O_WAIT };
        static const struct option apply_options[] = {
                { "ipv4", required_argument, NULL, O_IPV4 },
                { "ipv6", required_argument, NULL, O_IPV6 },
                { "address", required_argument, NULL, O_ADDRESS },
                { "dns", required_argument, NULL, O_DNS },
                { "search", required_argument, NULL, O_SEARCH },
                { "mtu", required_argument, NULL, O_MTU },
                { "vlan", required_argument, NULL, O_VLAN },
                { "bond-ports", required_argument, NULL, O_BOND },
                { "bond-mode", required_argument, NULL, O_MODE },
                { "miimon", required_argument, NULL, O_MIIMON },
                { "bridge", required_argument, NULL, O_BRIDGE },
                { "stp", required_argument, NULL, O_STP },
                { "force", no_argument, NULL, O_FORCE },
                /* the options reset shares */
                { "gateway", required_argument, NULL, O_GATEWAY },
                { "confirm-within", required_argument, NULL, O_CONFIRM },
                { "wait", required_argument, NULL, O_WAIT },
                { "static", required_argument, NULL, O_STATIC },
                {}
        };
        const struct option *longopts = reset ? apply_options + 13 : apply_options;
        int c, r = 0;
        optind = 0; /* 0, not 1: glibc re-reads the option string (main used "+") */
        opterr = 1;
        while (r == 0 && (c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
                int method = 0;
                switch (c) {
                case O_IPV4:
                        r = parse_method(optarg, ip4_names, ELEMENTSOF(ip4_names), &method,
                                         _("--ipv4 '%s': use disabled, dhcp or static."));
                        a->change.ipv4 = (enum node_ip4_method)method;
                        break;
                case O_IPV6:
                        r = parse_method(optarg, ip6_names, ELEMENTSOF(ip6_names), &method,
                                         _("--ipv6 '%s': use ignore, auto, dhcp or static."));
                        a->change.ipv6 = (enum node_ip6_method)method;
                        break;
                case O_STATIC:
                        if (!reset)
                                return usage_error("%s", _("--static belongs to 'network reset'."));
                        a->change.ipv4 = NODE_IP4_STATIC;
                        /* fall through */
                case O_ADDRESS:
                        list_add(&a->addresses4, optarg);
                        break;
                case O_GATEWAY:
                        a->gateway = optarg;
                        break;
                case O_DNS:
                        list_add(&a->dns, optarg);
                        break;
                case O_SEARCH:
                        list_add(&a->search, optarg);
                        break;
                case O_MTU:
                        r = parse_number(optarg, "MTU", NODE_MTU_MIN, NODE_MTU_MAX, &a->change.mtu);
                        break;
                case O_VLAN:
                        r = parse_number(optarg, _("VLAN id"), 1, 4094, &a->change.vlan);
                        break;
                case O_BOND:
                        list_add(&a->ports, optarg);
                        break;
                case O_MODE:
                        a->change.bond_mode = optarg;
                        break;
                case O_MIIMON:
                        r = parse_number(optarg, "miimon", 1, 60000, &a->change.miimon);
                        break;
                case O_BRIDGE:
                        a->change.bridge = optarg;
                        break;
                case O_STP:
                        if (streq(optarg, "on") || streq(optarg, "off"))
                                a->change.bridge_stp = streq(optarg, "on");
                        else
                                r = usage_error(_("--stp takes on or off, not '%s'."), optarg);
                        break;
                case O_CONFIRM:
                        r = parse_number(optarg, "--confirm-within", 1, NODE_NET_ROLLBACK_MAX,
                                         &a->change.rollback_timeout);
                        break;
                case O_WAIT:
                        r = parse_number(optarg, "--wait", 1, 600, &a->change.wait_seconds);
                        break;
                case O_FORCE:
                        a->change.engine_override = true;
                        break;
                default:
                        fprintf(stderr, _("Try 'nodectl --help'.\n"));
                        return EXIT_USAGE;
                }
        }
        if (r)
                return r;
        if (optind + 1 != argc)
                return usage_error(optind >= argc ? _("'network %s' needs one interface.") : _("'network %s' takes one interface."),
                                   argv[0]);
        a->change.iface = argv[optind];
        return sort_addresses(a);
}

static void print_applied(const struct options *o, const struct node_net_applied *applied) {
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "interface", json_object_new_string(applied->top));
                json_object_object_add(j, "activated", json_object_new_boolean(applied->activated));
                json_object_object_add(j, "confirm_within", json_object_new_int((int)applied->timeout));
                print_json(j);
                json_object_put(j);
                return;
        }
        if (applied->activated)
                printf(_("%s is connected with the new settings.\n"), applied->top);
        else
                printf(_("%s is still connecting with the new settings.\n"), applied->top);
        printf(_("Run 'nodectl network confirm' within %u s to keep them ('nodectl network revert' puts the old ones "
                 "back); without a confirmation NetworkManager puts the old settings back by itself.\n"),
               applied->timeout);
}

/* Runs one changing network call under the node lock. */
typedef int (*net_action)(struct node_net *net, const struct options *o, void *data, struct node_error *e);

/* The config file's confirmation timeout, unless --confirm-within named one. */
static int default_timeout(const struct options *o, struct node_net_change *c) {
        struct node_error e = { 0 };
        int r;
        if (c->rollback_timeout == 0 && (r = node_net_confirm_timeout(&o->ctx, &c->rollback_timeout, &e)) < 0)
                return net_fail(&e, r);
        return 0;
}

static int locked(const struct options *o, net_action action, void *data) {
        struct node_error e = { 0 };
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r < 0)
                return net_fail(&e, r);
        _cleanup_net_ struct node_net *net = NULL;
        if ((r = node_net_open(&net, &e)) < 0 || (r = action(net, o, data, &e)) < 0)
                return net_fail(&e, r);
        return EXIT_OK;
}

static int do_apply(struct node_net *net, const struct options *o, void *data, struct node_error *e) {
        struct node_net_applied applied;
        int r = node_net_apply(net, &o->ctx, data, &applied, e);
        if (r == 0)
                print_applied(o, &applied);
        return r;
}

static int apply(const struct options *o, int argc, char **argv) {
        struct change_args a = { 0 };
        int rc = parse_change(argc, argv, false, &a);
        struct node_error e = { 0 };
        int r;
        /* refused before NM or the lock are even asked */
        if (rc == 0 && (r = node_net_check_change(&a.change, &e)) < 0)
                rc = net_fail(&e, r);
        if (rc == 0)
                rc = default_timeout(o, &a.change);
        if (rc == 0)
                rc = locked(o, do_apply, &a.change);
        change_args_free(&a);
        return rc;
}

static int do_reset(struct node_net *net, const struct options *o, void *data, struct node_error *e) {
        const struct node_net_change *c = data;
        struct node_net_applied applied;
        int r = node_net_reset(net, &o->ctx, c->iface, c->addresses4 ? c->addresses4[0] : NULL, c->gateway4,
                               c->rollback_timeout, c->wait_seconds, &applied, e);
        if (r == 0)
                print_applied(o, &applied);
        return r;
}

static int reset(const struct options *o, int argc, char **argv) {
        struct change_args a = { 0 };
        int rc = parse_change(argc, argv, true, &a);
        if (rc == 0 && a.change.gateway4 && !a.change.addresses4)
                rc = usage_error("%s", _("--gateway needs --static ADDRESS/PREFIX."));
        else if (rc == 0 && (a.addresses4.n > 1 || a.addresses6.n || a.change.gateway6))
                rc = usage_error("%s", _("--static takes one IPv4 ADDRESS/PREFIX."));
        if (rc == 0)
                rc = default_timeout(o, &a.change);
        if (rc == 0)
                rc = locked(o, do_reset, &a.change);
        change_args_free(&a);
        return rc;
}

static int do_confirm(struct node_net *net, const struct options *o, void *data, struct node_error *e) {
        bool keep = *(bool *)data;
        int r = keep ? node_net_confirm(net, &o->ctx, e) : node_net_revert(net, &o->ctx, e);
        if (r == 0)
                puts(keep ? _("The network change is kept.") : _("The network settings from before the change are back."));
        return r;
}

static int confirm_or_revert(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("'network confirm' and 'network revert' take no arguments: %s"), argv[1]);
        bool keep = streq(argv[0], "confirm");
        return locked(o, do_confirm, &keep);
}

static int do_hostname(struct node_net *net, const struct options *o, void *data, struct node_error *e) {
        (void)o;
        int r = node_net_set_hostname(net, data, e);
        if (r == 0)
                printf(_("The host name is now %s.\n"), (const char *)data);
        return r;
}

static int hostname(const struct options *o, int argc, char **argv) {
        if (argc != 2)
                return usage_error("%s", _("'network hostname' needs one host name."));
        struct node_error e = { 0 };
        int r = node_check_hostname(argv[1], &e);
        if (r < 0)
                return net_fail(&e, r);
        return locked(o, do_hostname, argv[1]);
}

/* ---- diagnostics --------------------------------------------------------- */

static int test(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "interface", required_argument, NULL, 'i' },
                {}
        };
        const char *iface = NULL;
        struct node_error e = { 0 };
        int c, r;
        optind = 0;
        while ((c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
                if (c != 'i') {
                        /* a short option's letter, or the whole long one */
                        char letter[3] = { '-', (char)optopt, '\0' };
                        return usage_error(_("'network test' does not take the option %s."),
                                           optopt ? letter : argv[optind - 1]);
                }
                iface = optarg;
                /* fail() makes the quoted input printable */
                if ((r = node_check_iface_name(iface, &e)) < 0)
                        return fail(&e, r);
        }
        if (argc - optind > 1)
                return usage_error(_("'network test' takes at most one HOST[:PORT]: %s"), argv[optind + 1]);
        char host[256] = "", engine[300];
        unsigned port = 443;
        /* without a host: the engine this node is registered to, if any */
        const char *target = optind < argc ? argv[optind] : node_diag_registered_engine(&o->ctx, engine, sizeof engine) ? engine : NULL;
        if (target && (r = node_parse_fqdn_port(target, 443, host, sizeof host, &port, &e)) < 0)
                return fail(&e, r);
        _cleanup_net_ struct node_net *net = NULL;
        struct node_error nm_error = { 0 };
        /* the test runs without NetworkManager too: it then says so at the first step */
        if (node_net_open(&net, &nm_error) < 0)
                net = NULL;
        struct node_diag diag;
        struct node_diag_opts opts = {
                .ctx = &o->ctx, .iface = iface, .host = host[0] ? host : NULL, .port = port, .tls = true,
        };
        node_net_diagnose_with(net, nm_error.message, &opts, &diag);
        if (o->json) {
                struct json_object *steps = json_object_new_array();
                for (size_t i = 0; i < diag.n; i++) {
                        struct json_object *s = json_object_new_object();
                        json_object_object_add(s, "step", json_object_new_string(diag.steps[i].name));
                        json_object_object_add(s, "result",
                                               json_object_new_string(node_diag_result_word(diag.steps[i].result)));
                        json_object_object_add(s, "detail", json_object_new_string(diag.steps[i].detail));
                        json_object_array_add(steps, s);
                }
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "interface", json_string_or_null(diag.iface));
                json_object_object_add(j, "steps", steps);
                json_object_object_add(j, "passed", json_object_new_boolean(!diag.failed));
                print_json(j);
                json_object_put(j);
        } else {
                for (size_t i = 0; i < diag.n; i++) {
                        const struct node_diag_step *s = &diag.steps[i];
                        printf("%s %-10s %s\n", node_diag_mark(s->result), _(s->name), s->detail);
                }
        }
        return diag.failed ? EXIT_FAILED : EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

static int verb_network(const struct options *o, int argc, char **argv) {
        static const struct {
                const char *name;
                int (*run)(const struct options *o, int argc, char **argv);
        } subs[] = {
                { "show", show }, { "apply", apply }, { "confirm", confirm_or_revert }, { "revert", confirm_or_revert },
                { "reset", reset }, { "hostname", hostname }, { "test", test }, { "ntp", network_ntp },
        };
        if (argc < 2 || argv[1][0] == '-') {
                nodectl_audit_skip();
                return show(o, argc, argv);
        }
        for (size_t i = 0; i < ELEMENTSOF(subs); i++)
                if (streq(argv[1], subs[i].name)) {
                        /* looking and testing change nothing: no audit record */
                        if (subs[i].run == show || subs[i].run == test || (subs[i].run == network_ntp && argc == 2))
                                nodectl_audit_skip();
                        return subs[i].run(o, argc - 1, argv + 1);
                }
        return usage_error(_("Unknown 'network' command '%s'."), argv[1]);
}

const struct nodectl_verb nodectl_network_verbs[] = {
        { "network", verb_network, "network [show]", N_("Interfaces, addresses, gateway, DNS, profiles") },
        { "network", verb_network,
          "network apply IFACE [--ipv4 disabled|dhcp|static] [--ipv6 ignore|auto|dhcp|static] [--address A/P]... "
          "[--gateway GW] [--dns IP]... [--search DOMAIN]... [--mtu N] [--vlan ID] [--bond-ports NIC,...] "
          "[--bond-mode MODE] [--miimon MS] [--bridge NAME [--stp on|off]] [--confirm-within SECONDS] [--wait SECONDS] [--force]",
          N_("Change an interface; reverted unless confirmed") },
        { "network", verb_network, "network confirm | revert", N_("Keep or undo the change waiting for confirmation") },
        { "network", verb_network, "network reset IFACE [--static A/P [--gateway GW]] [--confirm-within SECONDS] [--wait SECONDS]",
          N_("Back to one plain DHCP (or static) profile, bonds, VLANs and bridges on it removed") },
        { "network", verb_network, "network hostname NAME", N_("Set the static host name") },
        { "network", verb_network, "network ntp [--set SERVER,... | --clear]",
          N_("The NTP servers of chrony or systemd-timesyncd; set or back to the distribution's") },
        { "network", verb_network, "network test [HOST[:PORT]] [--interface IFACE]",
          N_("Link, address, gateway, DNS and TCP to HOST, each with its likely cause") },
        {}
};
