/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodecon: the node's console (tty1 or a serial port). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "context.h"
#include "i18n.h"
#include "screens/screens.h"
#include "tui/job.h"
#include "tui/loop.h"
#include "util.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static void usage(FILE *out) {
        fprintf(out, _("Usage: %s [OPTION]...\n"
                       "The console of an image-based hypervisor node: status, layers, rollback.\n"
                       "\n"
                       "  --vg VG       use volume group VG (default: the one tagged imgbased:vg)\n"
                       "  --screen NAME start on this screen: status (default), layers,\n"
                       "                logs, services, network, support\n"
                       "  --help        show this help and exit\n"
                       "  --version     show the version and exit\n"
                       "\n"
                       "Environment: NODECON_ASCII=1 draws lines with ASCII characters;\n"
                       "NODECON_LINES=ascii|acs|utf8 picks the line drawing; NO_COLOR=1 turns\n"
                       "colours off; NODECTL_LVM, NODECTL_ROOT, NODECTL_RUN_DIR, NODECTL_LIBVIRT_URI\n"
                       "and NODECTL_JOURNAL_DIR point the library at another lvm program, root\n"
                       "directory, lock directory, libvirt and journal, and\n"
                       "NODECON_REBOOT and NODECON_POWEROFF name programs that restart and power\n"
                       "off the node instead of asking systemd-logind, NODECON_PAM_CONFDIR the\n"
                       "directory with PAM's \"nodecon\" file instead of /etc/pam.d (all for tests).\n"
                       "\n"
                       "The console locks as /etc/nodecon/nodecon.conf says (lock_on_start,\n"
                       "idle_lock_minutes, unlock_user; see nodecon.conf(5)); Ctrl-X locks it.\n"),
                program_invocation_short_name);
}

/* nodectl answers what nodecon does not load itself (libvirt, libcurl:
 * lib/helper.h).
 * make install puts both in one directory; the one beside this very program
 * is asked, so a build tree's nodecon never talks to an installed nodectl. */
static const char *nodectl_beside_us(char *buf, size_t size) {
        ssize_t n = readlink("/proc/self/exe", buf, size - 1);
        if (n <= 0 || (size_t)n >= size - 1)
                return NULL;
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        size_t left = slash ? size - (size_t)(slash + 1 - buf) : 0;
        if (!slash || snprintf(slash + 1, left, "nodectl") >= (int)left)
                return NULL;
        return buf;
}

int main(int argc, char **argv) {
        node_i18n_init(LOCALEDIR);

        enum { OPT_HELP = 0x100, OPT_VERSION, OPT_VG, OPT_SCREEN };
        static const struct {
                const char *name;
                const struct screen_ops *ops;
        } start_screens[] = {
                { "status", &status_screen_ops },
                { "layers", &layers_screen_ops },
                { "logs", &logs_screen_ops },
                { "services", &services_screen_ops },
                { "network", &network_screen_ops },
                { "support", &support_screen_ops },
        };
        const struct screen_ops *start = &status_screen_ops;
        static const struct option options[] = {
                { "help", no_argument, NULL, OPT_HELP },
                { "version", no_argument, NULL, OPT_VERSION },
                { "vg", required_argument, NULL, OPT_VG },
                { "screen", required_argument, NULL, OPT_SCREEN },
                {},
        };
        /* static: worker threads may still be in lib (a hung lvm) while main
         * returns, and they read the context */
        static struct node_context ctx;
        static char nodectl[4096];
        ctx = (struct node_context){
                .nodectl = nodectl_beside_us(nodectl, sizeof nodectl),
                .lvm = getenv("NODECTL_LVM"),
                .root = getenv("NODECTL_ROOT"),
                .run_dir = getenv("NODECTL_RUN_DIR"),
                .libvirt_uri = getenv("NODECTL_LIBVIRT_URI"),
                .journal_dir = getenv("NODECTL_JOURNAL_DIR"),
                .reboot = getenv("NODECON_REBOOT"),
                .pam_confdir = getenv("NODECON_PAM_CONFDIR"),
                .poweroff = getenv("NODECON_POWEROFF"),
        };
        int opt;
        while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (opt) {
                case OPT_HELP:
                        usage(stdout);
                        return 0;
                case OPT_VERSION:
                        printf("nodecon %s\n", NODECON_VERSION);
                        return 0;
                case OPT_VG:
                        ctx.vg = optarg;
                        break;
                case OPT_SCREEN:
                        start = NULL;
                        for (size_t i = 0; i < ELEMENTSOF(start_screens); i++)
                                if (streq(optarg, start_screens[i].name))
                                        start = start_screens[i].ops;
                        if (!start) {
                                fprintf(stderr, _("%s: there is no screen \"%.40s\": use status, layers, logs, services or network.\n"),
                                        program_invocation_short_name, optarg);
                                return 2;
                        }
                        break;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, _("%s: unexpected argument \"%s\".\n"), program_invocation_short_name,
                        argv[optind]);
                return 2;
        }
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
                fprintf(stderr, _("%s: the console needs a terminal; for scripts use nodectl.\n"),
                        program_invocation_short_name);
                return 1;
        }

        /* A config that cannot be read leaves the defaults and locks at once:
         * a typo must not open the console.  The lock screen says what is wrong. */
        struct node_console_settings settings;
        struct node_error settings_error = {0};
        bool settings_ok = node_console_settings_read(&ctx, &settings, &settings_error) == 0;
        /* login(1) starts a login shell as "-nodecon" */
        bool login_shell = argv[0] && argv[0][0] == '-';
        bool start_locked = !settings_ok || node_console_starts_locked(&settings, ttyname(STDIN_FILENO), login_shell);

        struct tui_app *app = NULL;
        struct tui_app_opts opts = { .ctx = &ctx, .lock_screen = &lock_screen_ops,
                                     .idle_lock_seconds = settings.idle_lock_seconds };
        int r = tui_app_new(&opts, &app);
        if (r < 0) {
                fprintf(stderr, _("%s: cannot use the terminal (TERM=%s): %s.\n"), program_invocation_short_name,
                        getenv("TERM") ? getenv("TERM") : "", strerror(-r));
                return 1;
        }
        r = tui_push(app, &status_screen_ops, NULL);
        if (r >= 0 && start != &status_screen_ops)
                r = tui_push(app, start, NULL);
        if (r >= 0 && start_locked)
                tui_lock(app);
        int code = r < 0 ? 1 : tui_app_run(app);
        tui_app_free(app);
        if (r < 0)
                fprintf(stderr, _("%s: cannot start: %s.\n"), program_invocation_short_name, strerror(-r));
        /* a read the admin did not wait for (a hung lvm, libvirt) is dropped */
        if (tui_jobs_running()) {
                fflush(NULL);
                _exit(code);
        }
        return code;
}
