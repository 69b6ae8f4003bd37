/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl verbs of the engine registration: register, unregister, engine. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "i18n.h"
#include "lock.h"
#include "util.h"

#include "nodectl.h"

static int engine_exit_code(int r) {
        switch (-r) {
        case EHOSTUNREACH:
        case ECONNREFUSED:
        case ECONNRESET:
        case ETIMEDOUT:
        case EPROTO:
        case EPROTONOSUPPORT:
        case EREMOTEIO:
        case EBADMSG:
        case EFBIG:
                return EXIT_ENGINE;
        case EKEYREJECTED:
                return EXIT_UNTRUSTED;
        case ENOENT:
                return EXIT_FAILED;     /* not registered, no such user: not a missing layout */
        default:
                return exit_code_for(r);
        }
}

static int engine_fail(const struct node_error *e, int r) {
        fail(e, r);
        if (r == -EREMOTEIO && node_engine_error_is_duplicate(e->message))
                fprintf(stderr, _("nodectl: hint: the engine already knows a host with this name, address or id: "
                                  "remove that host in the engine's administration portal (or register with "
                                  "another --name) and run this again.\n"));
        return engine_exit_code(r);
}

static int parse_timeout(const char *s, unsigned *out) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || end == s || *end || v == 0 || v > 3600 || *s == '-')
                return usage_error(_("'%s' is not a timeout in seconds (1-3600)."), s);
        *out = (unsigned)v;
        return EXIT_OK;
}

static void show_progress(enum node_engine_step step, const char *what, void *userdata) {
        (void)step, (void)userdata;
        printf("* %s...\n", what);
        fflush(stdout);
}

static void show_ca(const struct node_engine_ca *ca) {
        printf(_("The engine's CA certificate:\n"));
        printf(_("  Subject:  %s\n"), ca->subject);
        printf(_("  Issuer:   %s\n"), ca->issuer);
        printf(_("  Valid:    %s to %s%s\n"), ca->not_before, ca->not_after,
               ca->valid_now ? "" : _("  (NOT valid now)"));
        printf(_("  SHA-256:  %s\n"), ca->sha256);
        printf(_("  SHA-1:    %s\n"), ca->sha1);
}

/* The admin's decision on the CA: a matching --fingerprint, --yes, or a "yes"
 * typed on the terminal.  Anything else trusts nothing. */
static int decide_on_ca(const struct node_engine_ca *ca, const char *fingerprint, bool yes) {
        if (fingerprint) {
                if (node_engine_fingerprint_matches(ca, fingerprint))
                        return EXIT_OK;
                fprintf(stderr,
                        _("nodectl: The engine's CA has the SHA-256 fingerprint %s, not %s: nothing was trusted or "
                          "written.\n"),
                        ca->sha256, fingerprint);
                return EXIT_UNTRUSTED;
        }
        if (yes)
                return EXIT_OK;
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
                fprintf(stderr, _("nodectl: Not trusting the engine's CA without the admin's decision: run this on "
                                  "a terminal, or give --fingerprint SHA256 (or --yes).\n"));
                return EXIT_UNTRUSTED;
        }
        printf(_("Compare the fingerprint with the one the engine shows (engine-setup, or the CA's page), then:\n"
                 "Trust this CA and register the node? [y/N] "));
        fflush(stdout);
        char answer[16] = "";
        if (!fgets(answer, sizeof answer, stdin) || (strcasecmp(answer, "y\n") != 0 && strcasecmp(answer, "yes\n") != 0)) {
                fprintf(stderr, _("nodectl: Rejected: nothing was trusted or written.\n"));
                return EXIT_UNTRUSTED;
        }
        return EXIT_OK;
}

static int verb_register(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "name", required_argument, NULL, 'n' },
                { "address", required_argument, NULL, 'a' },
                { "ssh-user", required_argument, NULL, 'u' },
                { "ssh-port", required_argument, NULL, 'p' },
                { "fingerprint", required_argument, NULL, 'f' },
                { "yes", no_argument, NULL, 'y' },
                { "timeout", required_argument, NULL, 't' },
                {}
        };
        struct node_engine_host host = {0};
        const char *fingerprint = NULL;
        bool yes = false;
        unsigned timeout = 0;
        int c, rc;
        /* optind 0 re-reads the option string, so options may follow ENGINE */
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
                switch (c) {
                case 'n': host.name = optarg; break;
                case 'a': host.address = optarg; break;
                case 'u': host.ssh_user = optarg; break;
                case 'p': {
                        char *end;
                        errno = 0;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (errno || end == optarg || *end || v == 0 || v > 65535 || *optarg == '-')
                                return usage_error(_("'%s' is not a port number (1-65535)."), optarg);
                        host.ssh_port = (unsigned)v;
                        break;
                }
                case 'f': fingerprint = optarg; break;
                case 'y': yes = true; break;
                case 't':
                        if ((rc = parse_timeout(optarg, &timeout)) != EXIT_OK)
                                return rc;
                        break;
                default:
                        return usage_error(_("Unknown option for 'register': %s"), argv[optind - 1]);
                }
        }
        if (optind != argc - 1)
                return usage_error("%s", _("'register' needs exactly one engine: ENGINE[:PORT]."));
        if (host.ssh_user && (!*host.ssh_user || strlen(host.ssh_user) > 32 ||
                              strspn(host.ssh_user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                    "_.-") != strlen(host.ssh_user) ||
                              host.ssh_user[0] == '-'))
                return usage_error(_("'%s' is not a user name."), host.ssh_user);

        struct node_error e = {0};
        /* declared before the first goto failed, which must not jump past its cleanup */
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        struct node_engine *eng = NULL;
        int r = node_engine_open(&o->ctx, argv[optind], &eng, &e);
        if (r < 0)
                return r == -EINVAL ? usage_error("%s", e.message) : engine_fail(&e, r);
        node_engine_set_timeout(eng, timeout);
        node_engine_set_progress(eng, show_progress, NULL);

        struct node_engine_precheck check;
        struct node_engine_ca ca;
        struct node_engine_result result;
        r = node_engine_precheck(eng, &check, &e);
        if (r < 0)
                goto failed;
        printf(_("The engine at %s (%s) port %u speaks registration protocol %d.\n"), node_engine_host(eng),
               check.address, node_engine_port(eng), check.version);
        if (check.skew_warning)
                fprintf(stderr,
                        _("nodectl: warning: this node's clock is %ld s %s the engine's; TLS and the engine need "
                          "them within 5 minutes of each other (check NTP).\n"),
                        labs(check.skew_seconds), check.skew_seconds > 0 ? _("ahead of") : _("behind"));
        if ((r = node_engine_fetch_ca(eng, &ca, &e)) < 0)
                goto failed;
        show_ca(&ca);
        if ((rc = decide_on_ca(&ca, fingerprint, yes)) != EXIT_OK) {
                node_engine_free(eng);
                return rc;
        }
        /* the lock only now: nobody waits behind an admin reading a fingerprint */
        if ((r = node_lock_acquire(&o->ctx, &lock, &e)) < 0 || (r = node_engine_accept_ca(eng, &e)) < 0 ||
            (r = node_engine_register(eng, &host, &result, &e)) < 0)
                goto failed;
        printf(_("Registered to %s as %s (address %s, unique id %s).\n"), node_engine_host(eng), result.name,
               result.address, result.unique_id);
        printf(result.key_added ? _("The engine's SSH key %s was added for %s.\n")
                                : _("The engine's SSH key %s was already there for %s.\n"),
               result.ssh_key_fingerprint, host.ssh_user ? host.ssh_user : "root");
        printf(_("Approve the host in the engine's administration portal to finish.\n"));
        node_engine_free(eng);
        return EXIT_OK;
failed:
        node_engine_free(eng);
        return engine_fail(&e, r);
}

static int verb_unregister(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("'unregister' takes no arguments: %s"), argv[1]);
        struct node_error e = {0};
        struct node_engine_state state;
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r == 0)
                r = node_engine_state_read(&o->ctx, &state, &e);
        if (r == 0)
                r = node_engine_unregister(&o->ctx, &e);
        if (r < 0)
                return engine_fail(&e, r);
        printf(_("The trust in %s (its CA and SSH key) was removed; remove the host in the engine too.\n"),
               state.engine);
        return EXIT_OK;
}

/* The saved registration and whether the engine answers now; -ENOENT when
 * not registered.  *why holds the sentence when it does not answer. */
static int engine_now(const struct options *o, unsigned timeout, struct node_engine_state *state, bool *reachable,
                      struct node_error *why, struct node_error *e) {
        int r = node_engine_state_read(&o->ctx, state, e);
        if (r < 0)
                return r;
        *reachable = node_engine_reachable(&o->ctx, state, timeout, why) == 0;
        return 0;
}

static struct json_object *engine_json(const struct node_engine_state *state, bool reachable,
                                       const struct node_error *why) {
        struct json_object *j = json_object_new_object();
        json_object_object_add(j, "registered", json_object_new_boolean(true));
        json_object_object_add(j, "engine", json_object_new_string(state->engine));
        json_object_object_add(j, "port", json_object_new_int((int)state->port));
        json_object_object_add(j, "ca_sha256", json_object_new_string(state->ca_sha256));
        json_object_object_add(j, "registered_at", json_string_or_null(state->registered_at));
        json_object_object_add(j, "name", json_string_or_null(state->name));
        json_object_object_add(j, "unique_id", json_string_or_null(state->unique_id));
        json_object_object_add(j, "ssh_user", json_string_or_null(state->ssh_user));
        json_object_object_add(j, "reachable", json_object_new_boolean(reachable));
        json_object_object_add(j, "unreachable_reason", reachable ? NULL : json_string_or_null(why->message));
        return j;
}

/* `nodectl info` shows the engine in one line (a short timeout: info must stay quick). */
struct json_object *engine_info_json(const struct options *o) {
        struct node_engine_state state;
        struct node_error e = {0}, why = {0};
        bool reachable;
        if (engine_now(o, 3, &state, &reachable, &why, &e) < 0)
                return NULL;
        return engine_json(&state, reachable, &why);
}

void engine_info_print(const struct options *o) {
        struct node_engine_state state;
        struct node_error e = {0}, why = {0};
        bool reachable;
        int r = engine_now(o, 3, &state, &reachable, &why, &e);
        if (r == -ENOENT)
                printf(_("Engine:          none (not registered)\n"));
        else if (r < 0)
                printf(_("Engine:          unknown: %s\n"), e.message);
        else if (reachable)
                printf(_("Engine:          %s port %u, reachable\n"), state.engine, state.port);
        else
                printf(_("Engine:          %s port %u, NOT reachable now: %s\n"), state.engine, state.port, why.message);
}

static int verb_engine(const struct options *o, int argc, char **argv) {
        unsigned timeout = 5;
        int rc;
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--timeout") && i + 1 < argc) {
                        if ((rc = parse_timeout(argv[++i], &timeout)) != EXIT_OK)
                                return rc;
                } else
                        return usage_error(_("Unknown argument for 'engine': %s"), argv[i]);
        }
        struct node_error e = {0}, why = {0};
        struct node_engine_state state;
        bool reachable;
        int r = engine_now(o, timeout, &state, &reachable, &why, &e);
        if (r == -ENOENT) {
                if (o->json) {
                        struct json_object *j = json_object_new_object();
                        json_object_object_add(j, "registered", json_object_new_boolean(false));
                        print_json(j);
                        json_object_put(j);
                } else
                        printf(_("Not registered to an engine.\n"));
                return EXIT_OK;
        }
        if (r < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = engine_json(&state, reachable, &why);
                print_json(j);
                json_object_put(j);
        } else {
                printf(_("Engine:          %s port %u\n"), state.engine, state.port);
                printf(_("Registered at:   %s as %s (unique id %s)\n"), state.registered_at, state.name,
                       state.unique_id);
                printf(_("CA SHA-256:      %s\n"), state.ca_sha256);
                printf(_("SSH key for:     %s\n"), state.ssh_user);
                printf(_("Reachable now:   %s%s\n"), reachable ? _("yes") : _("no: "), reachable ? "" : why.message);
        }
        return reachable ? EXIT_OK : engine_exit_code(why.code);
}

const struct nodectl_verb nodectl_engine_verbs[] = {
        /* register's options: --name --address --ssh-user --ssh-port --fingerprint --yes --timeout (nodectl(8)) */
        { "register", verb_register, "register ENGINE[:PORT] [--fingerprint SHA256]",
          N_("Join an oVirt engine once its CA is checked") },
        { "unregister", verb_unregister, "unregister", N_("Remove the engine's CA and SSH key again") },
        { "engine", verb_engine, "engine [--timeout S]", N_("The engine this node is registered to; reachable?") },
        {}
};
