/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl upgrade: moves the node to a new image (lib/upgrade.h). */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "lock.h"
#include "upgrade.h"
#include "util.h"

#include "nodectl.h"

static volatile sig_atomic_t cancel_requested;

static void on_signal(int sig) {
        (void)sig;
        cancel_requested = 1;
}

/* SIGINT and SIGTERM become the cancel flag: lib stops at the next block or
 * step and takes back what it made. */
static void catch_signals(void) {
        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
}

static const char *action_text(enum node_etc_action a) {
        switch (a) {
        case NODE_ETC_COPY: return _("carried over");
        case NODE_ETC_MERGE_ACCOUNTS: return _("accounts merged");
        case NODE_ETC_MERGE_FSTAB: return _("mount lines merged");
        case NODE_ETC_KEEP_NEW: return _("the new image's version kept");
        case NODE_ETC_REMOVED_BY_ADMIN: return _("removed by the admin, removed in the new layer too");
        case NODE_ETC_SKIPPED: return _("not a file, link or directory: skipped");
        }
        return "?";
}

static void print_etc_plan(const struct node_etc_plan *plan) {
        if (!plan->n_changes) {
                printf(_("/etc: nothing to carry over.\n"));
                return;
        }
        printf(_("/etc (%zu files):\n"), plan->n_changes);
        for (size_t i = 0; i < plan->n_changes; i++)
                printf("  %-9s /etc/%s  (%s)\n", node_etc_action_name(plan->changes[i].action), plan->changes[i].path,
                       action_text(plan->changes[i].action));
}

static struct json_object *result_json(const struct node_upgrade_result *r, bool dry_run, int tries) {
        struct json_object *j = json_object_new_object();
        json_object_object_add(j, "dry_run", json_object_new_boolean(dry_run));
        json_object_object_add(j, "nvr", json_string_or_null(r->nvr));
        json_object_object_add(j, "base", json_string_or_null(r->base));
        json_object_object_add(j, "layer", json_string_or_null(r->layer));
        json_object_object_add(j, "from_layer", json_string_or_null(r->from_layer));
        json_object_object_add(j, "entry", json_string_or_null(r->entry));
        json_object_object_add(j, "kernel_version", json_string_or_null(r->kernel_version));
        json_object_object_add(j, "image_used_bytes", json_object_new_int64((int64_t)r->image_used_bytes));
        json_object_object_add(j, "etc_log", json_string_or_null(r->etc_log));
        struct json_object *etc = json_object_new_array();
        for (size_t i = 0; i < r->etc.n_changes; i++) {
                struct json_object *c = json_object_new_object();
                json_object_object_add(c, "path", json_object_new_string(r->etc.changes[i].path));
                json_object_object_add(c, "action", json_object_new_string(node_etc_action_name(r->etc.changes[i].action)));
                json_object_object_add(c, "note", json_string_or_null(r->etc.changes[i].note));
                json_object_array_add(etc, c);
        }
        json_object_object_add(j, "etc", etc);
        struct json_object *removed = json_object_new_array(), *leftovers = json_object_new_array();
        for (size_t i = 0; i < r->n_removed; i++)
                json_object_array_add(removed, json_object_new_string(r->removed[i]));
        for (size_t i = 0; i < r->n_leftovers; i++)
                json_object_array_add(leftovers, json_object_new_string(r->leftovers[i]));
        json_object_object_add(j, "keep_images", json_object_new_int((int)r->keep));
        json_object_object_add(j, "tries", tries > 0 ? json_object_new_int(tries) : NULL);
        json_object_object_add(j, "removed", removed);
        json_object_object_add(j, "leftovers_removed", leftovers);
        json_object_object_add(j, "cleanup_warning", json_string_or_null(r->cleanup_warning));
        return j;
}

static int upgrade_exit_code(int r) {
        switch (-r) {
        case EMEDIUMTYPE:
        case ENODATA:
        case EACCES:
        case EBADE:
                return EXIT_BAD_IMAGE;
        case ESTALE:
        case EEXIST:
                return EXIT_NOT_NEWER;
        case EINVAL:
                return EXIT_BAD_IMAGE;  /* a malformed NVR or digest; usage errors are caught before */
        default:
                return exit_code_for(r);
        }
}

static int run(const struct options *o, const struct node_upgrade_opts *uo, struct node_upgrade_result *res) {
        struct progress_state progress = { .percent = -1 };
        struct node_upgrade_opts with_progress = *uo;
        with_progress.progress = progress_lines;
        with_progress.userdata = &progress;
        struct node_error e = {0};
        int r = node_upgrade(&o->ctx, &with_progress, res, &e);
        if (progress.percent >= 0 && isatty(STDERR_FILENO))
                fputc('\n', stderr);
        if (r < 0) {
                fprintf(stderr, "nodectl: %s\n", e.message);
                return upgrade_exit_code(r);
        }
        return EXIT_OK;
}

static bool confirm(const char *question) {
        printf("%s [y/N] ", question);
        fflush(stdout);
        char answer[16];
        return fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

static int verb_upgrade(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "force", no_argument, NULL, 'f' },   { "sha256", required_argument, NULL, 's' },
                { "dry-run", no_argument, NULL, 'n' }, { "yes", no_argument, NULL, 'y' },
                { "keep", required_argument, NULL, 'k' }, { "tries", required_argument, NULL, 't' }, {}
        };
        struct node_upgrade_opts uo = { .cancel = &cancel_requested, .fault = getenv("NODECON_FAULT_AT") };
        bool yes = false;
        int c;
        optind = 0;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "", longopts, NULL)) >= 0) {
                switch (c) {
                case 'f': uo.force = true; break;
                case 's': uo.sha256 = optarg; break;
                case 'n': uo.dry_run = true; break;
                case 'y': yes = true; break;
                case 'k': {
                        char *end;
                        errno = 0;
                        unsigned long keep = strtoul(optarg, &end, 10);
                        if (errno || *end || optarg[0] < '1' || optarg[0] > '9' || keep > 100)
                                return usage_error(_("Invalid --keep '%.20s': give a number of images from 1 to 100."),
                                                   optarg);
                        uo.keep = (unsigned)keep;
                        break;
                }
                case 't':
                        if (parse_tries(optarg, &uo.tries) < 0)
                                return usage_error(_("Invalid --tries '%.20s': give a number of boots from 1 to 9."),
                                                   optarg);
                        break;
                default:
                        return usage_error("%s", _("Invalid option for 'upgrade'."));
                }
        }
        if (optind != argc - 1)
                return usage_error("%s", _("'upgrade' needs exactly one image (nodectl upgrade IMAGE)."));
        uo.image = argv[optind];
        if (access(uo.image, F_OK) < 0) {
                fprintf(stderr, _("nodectl: The image %s does not exist.\n"), uo.image);
                return EXIT_BAD_IMAGE;
        }

        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        struct node_error e = {0};
        int r = node_lock_acquire(&o->ctx, &lock, &e);
        if (r < 0)
                return fail(&e, r);
        catch_signals();

        struct node_upgrade_result res;
        bool interactive = !yes && !o->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        if (interactive && !uo.dry_run) {
                /* the admin sees what will happen before anything does */
                uo.dry_run = true;
                int rc = run(o, &uo, &res);
                if (rc == EXIT_OK) {
                        printf(_("Image %s: new base %s, layer %s, /etc from %s.\n"), res.nvr, res.base, res.layer,
                               res.from_layer);
                        print_etc_plan(&res.etc);
                }
                node_upgrade_result_free(&res);
                if (rc != EXIT_OK)
                        return rc;
                if (!confirm(_("Upgrade and make the new layer the boot default?")))
                        return EXIT_FAILED;
                uo.dry_run = false;
        }
        int rc = run(o, &uo, &res);
        if (rc != EXIT_OK) {
                node_upgrade_result_free(&res);
                return rc;
        }
        if (o->json) {
                struct json_object *j = result_json(&res, uo.dry_run, uo.tries);
                print_json(j);
                json_object_put(j);
        } else if (uo.dry_run) {
                printf(_("Dry run, nothing changed.  Image %s would get base %s and layer %s, /etc carried from %s.\n"),
                       res.nvr, res.base, res.layer, res.from_layer);
                print_etc_plan(&res.etc);
        } else {
                print_etc_plan(&res.etc);
                if (res.n_leftovers)
                        printf(_("Removed %zu volumes an interrupted operation had left.\n"), res.n_leftovers);
                for (size_t i = 0; i < res.n_removed; i++)
                        printf(_("Removed old layer %s (keeping %u images).\n"), res.removed[i], res.keep);
                printf(_("Upgraded to %s: layer %s boots next (boot entry %s); the list of carried /etc files is in "
                         "%s.\n"),
                       res.nvr, res.layer, res.entry, res.etc_log);
                if (uo.tries > 0)
                        printf(P_("It boots on trial: unless it is healthy within %d boot, the node falls back "
                                         "to %s by itself.\n",
                                         "It boots on trial: unless it is healthy within %d boots, the node falls back "
                                         "to %s by itself.\n",
                                         (unsigned long)uo.tries),
                               uo.tries, res.from_layer);
        }
        if (res.cleanup_warning[0])
                fprintf(stderr, _("nodectl: warning: the upgrade succeeded, but removing old images failed: %s\n"),
                        res.cleanup_warning);
        node_upgrade_result_free(&res);
        return EXIT_OK;
}

const struct nodectl_verb nodectl_upgrade_verbs[] = {
        { "upgrade", verb_upgrade, "upgrade IMAGE [--force] [--sha256 HEX] [--dry-run] [--yes] [--keep N] [--tries N]",
          N_("install a new image and boot it next") },
        {}
};
