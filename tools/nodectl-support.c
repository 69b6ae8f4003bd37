/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl support-bundle: everything support asks for, in one file. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "bundle.h"
#include "i18n.h"
#include "nodectl.h"
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

const struct nodectl_verb nodectl_support_verbs[] = {
        { "support-bundle", verb_support_bundle, "support-bundle [--output FILE|DIR]",
          N_("Logs, layout, boot, network and services in one tar.gz (e.g. onto a USB stick)") },
        {}
};
