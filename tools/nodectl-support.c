/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl support-bundle, reboot, poweroff and ssh: what an admin reaches
 * for when something is wrong on the node. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "bundle.h"
#include "i18n.h"
#include "lock.h"
#include "nodectl.h"
#include "power.h"
#include "ssh.h"
#include "util.h"

static void show_progress(const char *item, double fraction, void *userdata) {
        (void)userdata;
        fprintf(stderr, "\r\033[K%3.0f%% %s", fraction * 100, item);
}

static int verb_support_bundle(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = { { "output", required_argument, NULL, 'o' }, {} };
        const char *output = "/var/tmp";
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+o:", longopts, NULL)) >= 0) {
                if (c != 'o')
                        return usage_error("%s", _("'support-bundle' takes only --output FILE|DIRECTORY."));
                output = optarg;
        }
        if (optind < argc)
                return usage_error(_("'support-bundle' takes no arguments: %.60s"), argv[optind]);

        bool tty = isatty(STDERR_FILENO) && !o->json;
        struct node_bundle_report report;
        struct node_error e = {0};
        int r = node_support_bundle(&o->ctx, output, tty ? show_progress : NULL, NULL, &report, &e);
        if (tty)
                fputs("\r\033[K", stderr);
        if (r < 0) {
                fail(&e, r);
                return EXIT_FAILED;
        }
        if (o->json) {
                struct json_object *root = json_object_new_object();
                json_object_object_add(root, "path", json_object_new_string(report.path));
                json_object_object_add(root, "size", json_object_new_uint64(report.size_bytes));
                json_object_object_add(root, "items", json_object_new_int((int)report.items));
                json_object_object_add(root, "missing", json_object_new_int((int)report.missing));
                print_json(root);
                json_object_put(root);
                return EXIT_OK;
        }
        char size[32];
        printf(_("Support bundle written: %s (%s).\n"), report.path, human_size(report.size_bytes, size, sizeof size));
        if (report.missing)
                printf(P_("%u piece could not be gathered; index.txt in the bundle says why.\n",
                          "%u pieces could not be gathered; index.txt in the bundle says why.\n", report.missing),
                       report.missing);
        return EXIT_OK;
}

/* Says why and picks the exit code: only "another operation holds the lock"
 * has its own; sshd refusing a setting is no usage error (and is audited). */
static int failed(const struct node_error *e, int r) {
        fail(e, r);
        return r == -EBUSY ? EXIT_LOCKED : EXIT_FAILED;
}

/* ---- reboot, poweroff ------------------------------------------------------ */

static int power_verb(const struct options *o, int argc, char **argv, enum node_power_action action) {
        static const struct option longopts[] = { { "yes", no_argument, NULL, 'y' }, {} };
        bool yes = false;
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+y", longopts, NULL)) >= 0) {
                if (c != 'y')
                        return usage_error(_("'%s' takes only --yes."), argv[0]);
                yes = true;
        }
        if (optind < argc)
                return usage_error(_("'%s' takes no arguments."), argv[0]);
        bool terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        if (!yes && !terminal)
                return usage_error(_("'%s' asks first; without a terminal to answer on, give --yes."), argv[0]);

        char vms[1200];
        node_power_vm_warning(&o->ctx, node_vms_list, vms, sizeof vms);
        if (vms[0])
                fprintf(stderr, "%s\n", vms);
        if (!yes) {
                const char *question = action == NODE_POWER_POWEROFF ? _("Power off the node now?")
                                                                     : _("Restart the node now?");
                if (!confirmed(false, question)) {
                        nodectl_audit_skip();
                        fprintf(stderr, "%s\n", _("Nothing was done."));
                        return EXIT_FAILED;
                }
        }
        struct node_error e = { 0 };
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r >= 0)
                r = node_power(&o->ctx, action, &e);
        if (r < 0)
                return failed(&e, r);
        printf("%s\n", action == NODE_POWER_POWEROFF ? _("The node is powering off.") : _("The node is restarting."));
        return EXIT_OK;
}

static int verb_reboot(const struct options *o, int argc, char **argv) {
        return power_verb(o, argc, argv, NODE_POWER_REBOOT);
}

static int verb_poweroff(const struct options *o, int argc, char **argv) {
        return power_verb(o, argc, argv, NODE_POWER_POWEROFF);
}

/* ---- ssh ------------------------------------------------------------------- */

static int show_ssh(const struct options *o) {
        nodectl_audit_skip();
        struct node_ssh_state st;
        struct node_error e = { 0 };
        int r = node_ssh_read(&o->ctx, &st, &e);
        if (r < 0)
                return failed(&e, r);
        if (o->json) {
                struct json_object *root = json_object_new_object();
                json_object_object_add(root, "unit", json_string_or_null(st.unit));
                json_object_object_add(root, "installed",
                                       st.unit_unknown[0] ? NULL : json_object_new_boolean(st.unit[0] != '\0'));
                json_object_object_add(root, "unit_unknown", json_string_or_null(st.unit_unknown));
                json_object_object_add(root, "active", json_object_new_boolean(st.active));
                json_object_object_add(root, "enabled", json_object_new_boolean(st.enabled));
                json_object_object_add(root, "active_state", json_string_or_null(st.active_state));
                json_object_object_add(root, "unit_file_state", json_string_or_null(st.unit_file_state));
                json_object_object_add(root, "password_authentication",
                                       st.password_authentication < 0
                                               ? NULL
                                               : json_object_new_boolean(st.password_authentication));
                json_object_object_add(root, "password_authentication_unknown",
                                       json_string_or_null(st.password_unknown));
                json_object_object_add(root, "dropin_password_authentication",
                                       st.dropin_password < 0 ? NULL : json_object_new_boolean(st.dropin_password));
                struct json_object *keys = json_object_new_array();
                for (size_t i = 0; i < st.n_keys; i++) {
                        struct json_object *k = json_object_new_object();
                        json_object_object_add(k, "type", json_object_new_string(st.keys[i].type));
                        json_object_object_add(k, "bits", json_object_new_int((int)st.keys[i].bits));
                        json_object_object_add(k, "fingerprint", json_object_new_string(st.keys[i].fingerprint));
                        json_object_object_add(k, "file", json_object_new_string(st.keys[i].file));
                        json_object_array_add(keys, k);
                }
                json_object_object_add(root, "host_keys", keys);
                json_object_object_add(root, "host_keys_problem", json_string_or_null(st.keys_problem));
                print_json(root);
                json_object_put(root);
        } else {
                if (st.unit_unknown[0])
                        printf(_("SSH server:            unknown (%s)\n"), st.unit_unknown);
                else if (!st.unit[0])
                        printf("%s\n", _("SSH server:            not installed"));
                else
                        printf(_("SSH server:            %s, %s (%s)\n"), st.active ? _("running") : _("stopped"),
                               st.enabled ? _("starts at boot") : _("does not start at boot"), st.unit);
                if (st.password_authentication < 0)
                        printf(_("Password logins:       unknown (%s)\n"), st.password_unknown);
                else
                        printf(_("Password logins:       %s\n"),
                               st.password_authentication ? _("allowed") : _("refused (keys only)"));
                printf("%s\n", _("Host key fingerprints:"));
                if (st.n_keys == 0)
                        printf("  %s\n", _("none (sshd makes them when it first starts)"));
                for (size_t i = 0; i < st.n_keys; i++)
                        printf("  %-8s %5u  %s\n", st.keys[i].type, st.keys[i].bits, st.keys[i].fingerprint);
                if (st.keys_problem[0])
                        printf("  %s\n", st.keys_problem);
        }
        node_ssh_state_free(&st);
        return EXIT_OK;
}

static int verb_ssh(const struct options *o, int argc, char **argv) {
        if (argc == 1)
                return show_ssh(o);
        const char *what = argv[1];
        bool service = streq(what, "enable") || streq(what, "disable");
        bool password = streq(what, "password");
        if (!service && !password)
                return usage_error(_("Unknown 'ssh' command '%s': use enable, disable or password on|off."),
                                   QUOTED(what));
        if (service && argc != 2)
                return usage_error(_("'ssh %s' takes no arguments."), what);
        bool on = service && streq(what, "enable");
        if (password) {
                if (argc != 3 || !(streq(argv[2], "on") || streq(argv[2], "off")))
                        return usage_error("%s", _("'ssh password' takes on or off."));
                on = streq(argv[2], "on");
        }
        struct node_error e = { 0 };
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r >= 0)
                r = service ? node_ssh_set_service(&o->ctx, on, &e) : node_ssh_set_password_authentication(&o->ctx, on, &e);
        if (r < 0)
                return failed(&e, r);
        if (service)
                printf("%s\n", on ? _("The SSH server runs and starts at boot.")
                                  : _("The SSH server is stopped and does not start at boot."));
        else
                printf("%s\n", on ? _("SSH accepts passwords.") : _("SSH accepts keys only, no passwords."));
        return EXIT_OK;
}

const struct nodectl_verb nodectl_support_verbs[] = {
        { "support-bundle", verb_support_bundle, "support-bundle [--output FILE|DIR]",
          N_("Logs, layout, boot, network and services in one tar.gz (e.g. onto a USB stick)") },
        { "reboot", verb_reboot, "reboot [--yes]", N_("Restart the node (names the running VMs first)") },
        { "poweroff", verb_poweroff, "poweroff [--yes]", N_("Power the node off (names the running VMs first)") },
        { "ssh", verb_ssh, "ssh [enable|disable|password on|off]",
          N_("The SSH server: state, host key fingerprints; on/off; password logins") },
        {}
};
